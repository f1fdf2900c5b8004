//! Outpost's engine: the use cases shared by the desktop app and the CLI.
//!
//! Fetching and parsing come from `outpost-feeds`, persistence from
//! `outpost-store`, matching from `outpost-core`; this crate wires them into
//! the ingest pipeline, the scheduler, alerting and export.

pub mod api;
pub mod logging;
pub mod paths;
