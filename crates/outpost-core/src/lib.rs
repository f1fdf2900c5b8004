//! Outpost's pure core: domain types, text normalisation, the watchlist query
//! language and matcher, story clustering and notification policy.
//!
//! Nothing in this crate performs IO or reads the clock: time and bytes are
//! passed in by the caller, so every function here is deterministic and
//! testable with plain data.

pub mod canonical;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod policy;
pub mod query;

pub use model::*;
