//! Integration tests of outpost-feeds, one module per feature.

mod charset;
mod conformance;
mod discover;
mod fetch;
mod fuzz;
mod hardening;
mod opml;
mod parse;
mod robustness;
mod server;
mod telegram;
