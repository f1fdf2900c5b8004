//! Integration tests of the archive against real SQLite files, one module
//! per feature.

mod alerts;
mod common;
mod crash;
mod dedup;
mod errors;
mod fts;
mod poll;
mod retention;
mod schedule;
mod sources;
