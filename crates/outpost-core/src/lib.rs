//! Outpost's pure core: domain types, text normalisation, the watchlist query
//! language and matcher, story clustering and notification policy.
//!
//! Nothing in this crate performs IO or reads the clock: time and bytes are
//! passed in by the caller, so every function here is deterministic and
//! testable with plain data.
//!
//! # Watchlists: normalisation, query language, matcher
//!
//! * [`normalize::normalize`]`(text) -> String` — the text's normalised
//!   words separated by single spaces; the archive's full-text index stores
//!   this, and queries are normalised by the same code.
//! * [`normalize::tokenize`]`(text) -> Vec<Token>` — the same words with the
//!   byte range each came from in the original text (position = index);
//!   [`normalize::Tokens`] is the compact form the matcher uses.
//! * [`query::Query::parse`]`(&str) -> Result<Query, QueryError>`;
//!   `QueryError { column, message }` displays as
//!   `error at column N: message`; `Display for Query` is the canonical
//!   parsed form (`AND(OR("tajik afghan border", NEAR/3(tajik*, afghan*)),
//!   NOT(drill))`); [`query::Query::words`] and [`query::Query::prefixes`]
//!   list what it looks for.
//! * [`query::Query::matches`]`(&Document) -> Option<Vec<Span>>` — the
//!   reference evaluator: previews one draft query and defines what a match
//!   is.
//! * [`matcher::Matcher::new`]`(impl IntoIterator<Item = (WatchlistId,
//!   Query)>)` compiles all watchlists into one index (Send + Sync, rebuilt
//!   in milliseconds); [`matcher::Matcher::match_document`]`(&Document) ->
//!   Vec<MatchHit { watchlist, spans }>` returns exactly what the reference
//!   would, only faster.
//! * [`matcher::Document`]` { title, body, lang, source }`: `source:` matches
//!   the source's name or host case-insensitively (a parent domain matches
//!   its subdomains), `lang:fa` matches `fa` and `fa-AF`.

pub mod canonical;
pub mod gazetteer;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod policy;
pub mod query;
pub mod schedule;
pub mod story;
pub mod variants;

pub use model::*;
