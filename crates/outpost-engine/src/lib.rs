//! Outpost's engine: the use cases shared by the desktop app and the CLI.
//!
//! Fetching and parsing come from `outpost-feeds`, persistence from
//! `outpost-store`, matching from `outpost-core`; this crate wires them into
//! the ingest pipeline, the scheduler, alerting and export.

mod alerting;
pub mod api;
pub mod dates;
pub mod defaults;
mod engine;
pub mod error;
pub mod evidence;
pub mod export;
mod gate;
pub mod health;
mod ingest;
mod kinds;
pub mod logging;
pub mod moves;
pub mod notify;
pub mod paths;
mod refresh;
pub mod retention;
mod scheduler;
pub mod settings;
pub mod transfer;
mod usecases;
mod watchlists;

pub use engine::{
    Clock, DEFAULT_INTERVAL_SECS, Engine, EngineEvent, EngineOptions, EventSink, NewSourceRequest,
    NoEvents, PollProgress, PollSummary, USER_AGENT, system_clock,
};
pub use error::{EngineError, Result};
pub use gate::RequestSpacing;
pub use retention::PruneReport;
