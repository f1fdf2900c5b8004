//! How a source is doing, in short sentences that say what to do: read from
//! its stored health, its recent fetch log and the times of its recent
//! items, for the Sources page and `outpost sources list`.
//!
//! A pure function over what the store holds ([`assess`]), so every flag is
//! tested on plain values as well as on real polls. A source is flagged
//! when its last poll failed (with the error said shortly; the full chain
//! stays in `last_error` for the details and the log), when an HTML page
//! came where a feed was expected, when it answered with no items three
//! polls in a row, and when its newest item is much older than its usual
//! rhythm. A source of a pack is "unverified" until a poll succeeds.

use chrono::Duration;
use outpost_core::{Source, SourceKind, Timestamp};
use outpost_store::FetchRecord;
use serde::Serialize;
use ts_rs::TS;

/// Polls in a row with no items before an empty source is flagged.
pub const EMPTY_POLLS: usize = 3;
/// Item times that establish a rhythm; fewer say nothing about it.
pub const RHYTHM_ITEMS: usize = 5;
/// How many usual gaps the newest item may be old before it is flagged.
const STALE_FACTOR: i32 = 5;
/// A source is never called stale before its newest item is this old.
const STALE_FLOOR: Duration = Duration::days(2);

/// One thing wrong with a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HealthNote {
    /// `error`, `html`, `empty` or `stale`.
    pub code: String,
    /// A short sentence saying what is wrong and what to do.
    pub message: String,
}

/// What the Sources page shows of a source's health.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub notes: Vec<HealthNote>,
    /// From a pack and never polled successfully.
    pub unverified: bool,
}

/// Assesses a source from its stored health, its fetch log (newest first)
/// and the times of its recent items (newest first).
pub fn assess(
    source: &Source,
    log: &[FetchRecord],
    item_times: &[Timestamp],
    now: Timestamp,
) -> Assessment {
    let mut notes = Vec::new();
    let h = &source.health;
    if let Some(err) = h.last_error.as_deref() {
        if is_html_error(err) && source.kind == SourceKind::Feed {
            notes.push(note(
                "html",
                "an HTML page came where a feed was expected; the feed may have moved or a \
                 challenge page is in the way: open the address in a browser, or add the page \
                 as a page source",
            ));
        } else {
            notes.push(note("error", &short_error(err)));
        }
    } else {
        let recent: Vec<&FetchRecord> = log
            .iter()
            .filter(|r| r.status != Some(304))
            .take(EMPTY_POLLS)
            .collect();
        if recent.len() == EMPTY_POLLS && recent.iter().all(|r| r.ok && r.items == 0) {
            notes.push(note(
                "empty",
                &format!(
                    "answered with no items {EMPTY_POLLS} polls in a row; the address may be an \
                     empty feed: find the outlet's current one"
                ),
            ));
        }
        if let Some(stale) = stale(item_times, now) {
            notes.push(note("stale", &stale));
        }
    }
    Assessment {
        notes,
        unverified: source.settings.provenance.is_some() && h.last_success_at.is_none(),
    }
}

fn note(code: &str, message: &str) -> HealthNote {
    HealthNote {
        code: code.into(),
        message: message.into(),
    }
}

/// The feed parser's error for an HTML document (`outpost_feeds::parse`).
fn is_html_error(err: &str) -> bool {
    err.contains("this is an HTML page, not a feed")
}

/// A sentence when the newest item is far older than the usual gap between
/// items.
fn stale(times: &[Timestamp], now: Timestamp) -> Option<String> {
    if times.len() < RHYTHM_ITEMS {
        return None;
    }
    let mut gaps: Vec<Duration> = times.windows(2).map(|w| w[0] - w[1]).collect();
    gaps.sort();
    let usual = gaps[gaps.len() / 2].max(Duration::minutes(1));
    let age = now - times[0];
    if age <= STALE_FLOOR || age <= usual * STALE_FACTOR {
        return None;
    }
    Some(format!(
        "the newest item is {} old, though this source usually publishes every {}; it may \
         have stopped or moved",
        span(age),
        span(usual)
    ))
}

/// "3 days", "5 hours", "20 minutes".
fn span(d: Duration) -> String {
    let (n, unit) = if d.num_days() >= 2 {
        (d.num_days(), "day")
    } else if d.num_hours() >= 2 {
        (d.num_hours(), "hour")
    } else {
        (d.num_minutes().max(1), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The short form of a stored fetch or parse error: what happened and what
/// to do, without the library's error chain (which stays in `last_error`).
pub fn short_error(full: &str) -> String {
    let lower = full.to_lowercase();
    if let Some(rest) = full.strip_prefix("could not connect to ") {
        let host = rest.split(": ").next().unwrap_or(rest).trim();
        if lower.contains("dns error")
            || lower.contains("failed to lookup")
            || lower.contains("name or service not known")
            || lower.contains("no such host")
            || lower.contains("nodename nor servname")
            || lower.contains("temporary failure in name resolution")
            || lower.contains("no address")
        {
            return format!("could not find {host} (DNS lookup failed); are you online?");
        }
        if lower.contains("connection refused") {
            return format!("{host} refused the connection; the site may be down, try later");
        }
        if lower.contains("certificate") || lower.contains("tls") {
            return format!(
                "the secure connection to {host} failed (its certificate was not accepted); \
                 check the address, or a proxy that intercepts HTTPS"
            );
        }
        if lower.contains("no connection within") {
            return format!("could not reach {host} in time; are you online?");
        }
        if lower.contains("reset") || lower.contains("closed") {
            return format!("{host} closed the connection; it is retried later");
        }
        return format!("could not connect to {host}; are you online?");
    }
    if let Some(rest) = full.strip_prefix("the server answered HTTP ") {
        let code: u16 = rest
            .split_whitespace()
            .next()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        return match code {
            404 => "the address was not found (HTTP 404); the feed may have moved: find the \
                    outlet's current address"
                .into(),
            401 | 403 => format!(
                "the site refused access (HTTP {code}); it may block automated readers or \
                 need a proxy"
            ),
            429 => "the site says too many requests (HTTP 429); polls back off".into(),
            444 => "the site refused to answer (HTTP 444); it may block automated readers".into(),
            500..=599 => format!("the site failed (HTTP {code}); it is retried later"),
            _ => full.to_string(),
        };
    }
    // The rest are already sentences of their own (timeouts, sizes, the
    // parser's errors); the first clause is the short form.
    full.split("; caused by").next().unwrap_or(full).to_string()
}

/// Fetch-log entries read per source: enough for the empty-polls rule.
const LOG_ENTRIES: u32 = 8;
/// Item times read per source for its rhythm.
const RHYTHM_WINDOW: usize = 20;

/// Assesses each of `sources` from the archive (through the readers' pool).
pub fn assess_sources(
    engine: &crate::Engine,
    sources: &[Source],
) -> crate::error::Result<std::collections::HashMap<outpost_core::SourceId, Assessment>> {
    let now = engine.now();
    let store = engine.reader();
    // The rhythm is the scheduler's publish history (one read for every
    // source), not a second walk over each source's articles.
    let histories = store.publish_histories()?;
    let mut out = std::collections::HashMap::with_capacity(sources.len());
    for s in sources {
        let log = store.fetch_log(s.id, LOG_ENTRIES)?;
        let times: Vec<_> = histories
            .get(&s.id)
            .map(|h| h.iter().rev().take(RHYTHM_WINDOW).copied().collect())
            .unwrap_or_default();
        out.insert(s.id, assess(s, &log, &times, now));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
