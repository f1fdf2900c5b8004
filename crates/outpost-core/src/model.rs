//! Domain nouns shared by every crate: sources, articles, watchlists, alerts.
//!
//! Types that cross into the UI derive `TS`; their TypeScript declarations are
//! generated into `ui/src/lib/bindings.ts` and checked by a test in
//! `src-tauri` (see ARCHITECTURE.md).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type SourceId = i64;
pub type ArticleId = i64;
pub type WatchlistId = i64;
pub type AlertId = i64;
pub type StoryId = i64;

/// How urgent a watchlist's matches are. Ordered: `Low < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownValue::new("severity", s, "low, medium, high, critical"))
    }
}

/// The analyst's triage state of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    New,
    Read,
    Saved,
    Dismissed,
}

impl AlertState {
    pub const ALL: [AlertState; 4] = [Self::New, Self::Read, Self::Saved, Self::Dismissed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Read => "read",
            Self::Saved => "saved",
            Self::Dismissed => "dismissed",
        }
    }
}

impl fmt::Display for AlertState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AlertState {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownValue::new("alert state", s, "new, read, saved, dismissed"))
    }
}

/// What a source is and therefore which adapter fetches it. Feeds come first;
/// CSS-selector pages, Telegram channels and GDELT slot in as new variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Feed,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
        }
    }
}

impl FromStr for SourceKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "feed" => Ok(Self::Feed),
            _ => Err(UnknownValue::new("source kind", s, "feed")),
        }
    }
}

/// Which part of an article a match span lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Body,
}

/// A byte range of an article's original (not normalised) title or body that
/// made a watchlist match; used for highlighting and "why did this fire".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Span {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A parse error of a user-typed value (`--severity urgent`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{got}': expected one of {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub got: String,
    pub expected: &'static str,
}

impl UnknownValue {
    pub fn new(what: &'static str, got: &str, expected: &'static str) -> Self {
        Self {
            what,
            got: got.to_string(),
            expected,
        }
    }
}

/// Instants are UTC everywhere in Outpost; local time exists only in the UI.
pub type Timestamp = DateTime<Utc>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown severity 'urgent': expected one of low, medium, high, critical"
        );
    }

    #[test]
    fn alert_state_round_trips_through_serde() {
        for s in AlertState::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<AlertState>().unwrap(), s);
        }
    }
}
