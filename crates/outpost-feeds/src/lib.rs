//! Fetching and parsing of news sources.
//!
//! The engine calls this crate through a handful of entry points:
//!
//! * [`parse`]`(bytes, content_type, base_url) -> Result<ParsedFeed, ParseError>`
//!   reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.x from raw bytes.
//!   [`ParsedFeed`] serialises exactly as `outpost parse` prints it.
//! * [`sanitize::sanitize_html`]`(html, base)` and [`sanitize::html_to_text`]`(html)`.
//! * [`fetch::Fetcher`]: HTTP with conditional GET, compression, body cap,
//!   per-host and global limits, proxy; [`fetch::backoff`] and
//!   [`fetch::jittered_interval`] for the scheduler.
//! * [`discover::discover_feeds`] and [`discover::resolve_source_url`]:
//!   adding a source by site URL.
//! * [`page::read`]`(bytes, base, selectors) -> Result<PageRead, PageError>`:
//!   a page without a feed read with CSS selectors into the same [`Entry`]
//!   values; [`page::suggest_selectors`] for the selector builder.
//! * [`opml::read_opml`] / [`opml::write_opml`]: the source list in and out.
//! * [`defaults::default_sources`]: the regional pack loaded on first run.
//!
//! Architecture invariant: nothing here touches the database or the clock of
//! the scheduler; the fetcher measures elapsed time only.

pub mod address;
pub mod charset;
pub mod dates;
pub mod defaults;
pub mod discover;
pub mod fetch;
pub mod gdelt;
pub mod model;
pub mod opml;
pub mod page;
mod parse;
pub mod sanitize;
pub mod telegram;
mod xml_clean;

pub use model::{EncodingInfo, EncodingSource, Entry, FeedFormat, ParseError, ParsedFeed};
pub use parse::{MAX_DOCUMENT_BYTES, parse};
/// Re-exported so callers name URLs with the same type this crate uses.
pub use url::Url;
