//! Integration tests of outpost-feeds, one module per feature.

mod conformance;
mod fetch;
mod server;
