//! The next-check rule: when to poll a source again, and why.
//!
//! One pure function, [`next_check`], decides for the app, `outpost poll`
//! and `outpost schedule simulate` alike (ARCHITECTURE.md, "Scheduling").
//! Its input is the source's history (publish times of its recent items,
//! failures, Retry-After, the kind's politeness floor, the analyst's fixed
//! interval, the priority flag), the clock, and the [`Pace`] that the
//! global request budget sets; its output is a [`Plan`]: the time of the
//! next check, the interval behind it and a [`Reason`] the Sources page
//! shows.
//!
//! The rule polls a source every `k / rate^0.75` hours, where `rate` is
//! the number of items the source is expected to publish per hour now and
//! `k` is the pace. With items arriving at random, a source polled every
//! `T` makes each item wait `T / 2` on average. For a fixed number of
//! requests, the mean wait over all items is smallest when `T` falls with
//! the square root of the rate (minimise `sum(rate_i * T_i)` subject to
//! `sum(1 / T_i) = budget`); the exponent 0.75, between that and
//! Miniflux's "in proportion to the rate", gives more of the budget to the
//! sources that publish most, which lowers the median wait at a small cost
//! to the rare items of quiet sources (bench/schedule/RESULTS.md). The pace
//! `k` is the one number that makes the sources' checks fit the budget
//! ([`Pace::for_budget`]).
//!
//! The expected rate is the largest of three estimates from the publish
//! times: the source's rate at this hour of the day and the next (its own
//! rhythm, so a wire that sleeps at night is polled rarely at night and
//! again from the hour it wakes), shrunk towards its overall rate while
//! few days are known; the rate of the last 30 minutes; and that of the
//! last two hours. The last two react to a burst at once.

pub mod simulate;

use std::fmt;

use chrono::{Duration, Timelike};
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The longest a working source waits between checks.
pub const CEILING: Duration = Duration::hours(2);
/// The shortest interval for a feed that answers conditional requests
/// with 304: such a check costs the server next to nothing.
pub const FEED_FLOOR: Duration = Duration::minutes(1);
/// The floor of a feed that does not answer 304 (each check is a full
/// download).
pub const FULL_FETCH_FLOOR: Duration = Duration::minutes(5);
/// The longest wait after failures (the fetcher's own cap as well).
pub const MAX_BACKOFF: Duration = Duration::hours(6);
/// The interval while too little is known of a source: the fixed schedule
/// Outpost used before it learned rhythms.
pub const LEARNING: Duration = Duration::minutes(15);
/// How often the pace is worked out again from every source's rate.
pub const PACE_EVERY: Duration = Duration::minutes(10);
/// Publish times kept per source: at most this many, none older than
/// [`HISTORY_DAYS`].
pub const HISTORY_ITEMS: usize = 200;
pub const HISTORY_DAYS: i64 = 14;
/// The share of the request budget the pace leaves unplanned.
pub const BUDGET_HEADROOM: f64 = 0.02;
/// The pace before any budget is known: a source publishing once an hour
/// is checked every 15 minutes.
pub const DEFAULT_PACE_HOURS: f64 = 0.25;

/// What the rule knows about one source.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    /// Publish times of the source's recent items (first-seen time for
    /// items without a date), oldest first; at most [`HISTORY_ITEMS`].
    pub published: &'a [Timestamp],
    /// Since when the source has been watched (when it was added).
    pub since: Timestamp,
    /// Failed checks in a row, counting the one just made.
    pub failures: u32,
    /// How long the server asked to be left alone (Retry-After).
    pub retry_after: Option<Duration>,
    /// The kind's politeness floor (see [`politeness_floor`]).
    pub floor: Duration,
    /// The interval the analyst chose; it wins over everything but
    /// failures.
    pub fixed: Option<Duration>,
    /// Priority sources get the floor while they are active.
    pub priority: bool,
}

/// When to check next, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub at: Timestamp,
    /// The interval before jitter.
    pub every: Duration,
    pub reason: Reason,
}

/// Why a source is checked as often as it is: what the Sources page says.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The analyst set the interval.
    Fixed,
    /// Too little is known yet; the plain 15-minute schedule.
    Learning,
    /// The source publishes about once every `every_secs` now.
    Publishes { every_secs: u32 },
    /// Several items in the last minutes: checked often until it calms.
    Burst { items: u32 },
    /// Nothing expected soon: checked at the ceiling.
    Quiet,
    /// A priority source that is active: at its floor.
    Priority,
    /// The last checks failed.
    BackingOff { failures: u32 },
    /// The server asked for a pause (Retry-After).
    RetryAfter,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed => f.write_str("fixed by you"),
            Self::Learning => f.write_str("learning its rhythm"),
            Self::Publishes { every_secs } => write!(
                f,
                "publishes ~every {}",
                human(Duration::seconds(i64::from(*every_secs)))
            ),
            Self::Burst { items } => write!(f, "burst: {items} items in the last hour"),
            Self::Quiet => write!(f, "quiet: every {}", human(CEILING)),
            Self::Priority => f.write_str("priority, active"),
            Self::BackingOff { failures } => write!(
                f,
                "backing off after {failures} failure{}",
                if *failures == 1 { "" } else { "s" }
            ),
            Self::RetryAfter => f.write_str("the server asked to wait"),
        }
    }
}

/// A duration as a person says it: "45 s", "12 min", "2 h", "3 days".
pub fn human(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    if s < 90 {
        format!("{s} s")
    } else if s < 90 * 60 {
        format!("{} min", (s + 30) / 60)
    } else if s < 36 * 3600 {
        let h = s as f64 / 3600.0;
        if (h - h.round()).abs() < 0.05 {
            format!("{} h", h.round())
        } else {
            format!("{h:.1} h")
        }
    } else {
        format!("{} days", (s + 43_200) / 86_400)
    }
}

/// The politeness floor of a source kind. `answers_304`: the source's last
/// answer carried validators (ETag or Last-Modified), so a check that finds
/// nothing new is a 304. The kinds are named as `SourceKind::as_str` names
/// them, so a kind added later gets its floor here without a change of type.
pub fn politeness_floor(kind: &str, answers_304: bool) -> Duration {
    match kind {
        // A public channel preview is a scraped page; no more than one
        // look every few minutes per channel.
        "telegram" => Duration::minutes(2),
        // GDELT's DOC API updates every 15 minutes and throttles per address.
        "gdelt" => Duration::minutes(15),
        "page" => FULL_FETCH_FLOOR,
        _ if answers_304 => FEED_FLOOR,
        _ => FULL_FETCH_FLOOR,
    }
}

/// The global knob: a source expected to publish `r` items an hour is
/// checked every `hours / r^0.75` hours (before floor and ceiling).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub hours: f64,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            hours: DEFAULT_PACE_HOURS,
        }
    }
}

/// What one source asks of the request budget: see [`demand`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Demand {
    /// Checks per hour that do not depend on the pace (a fixed interval,
    /// an active priority source, a source backing off, one still
    /// learning).
    Set { per_hour: f64 },
    /// A source scheduled by its rate.
    Rate { rate: f64, floor: Duration },
}

impl Demand {
    fn per_hour(&self, pace: Pace) -> f64 {
        match *self {
            Self::Set { per_hour } => per_hour,
            Self::Rate { rate, floor } => 1.0 / hours(by_rate(rate, floor, pace)),
        }
    }
}

impl Pace {
    /// The fastest pace whose checks fit in `budget_per_hour`: the
    /// rate-driven sources share what the others leave, less a headroom
    /// of [`BUDGET_HEADROOM`] for the jitter and for bursts between two
    /// refreshes of the pace. Found by bisection, since every source's
    /// checks per hour fall as the pace grows. When even the ceiling
    /// everywhere does not fit, every rate-driven source goes to the
    /// ceiling; with no rate-driven source, the default pace.
    pub fn for_budget(demands: &[Demand], budget_per_hour: f64) -> Pace {
        let set: f64 = demands
            .iter()
            .map(|d| match d {
                Demand::Set { per_hour } => *per_hour,
                Demand::Rate { .. } => 0.0,
            })
            .sum();
        if !demands.iter().any(|d| matches!(d, Demand::Rate { .. })) {
            return Pace::default();
        }
        let for_rates = (budget_per_hour - set) * (1.0 - BUDGET_HEADROOM);
        let total = |p: Pace| demands.iter().map(|d| d.per_hour(p)).sum::<f64>() - set;
        let (mut lo, mut hi) = (1e-4_f64, 1e3_f64);
        if total(Pace { hours: lo }) <= for_rates {
            return Pace { hours: lo };
        }
        for _ in 0..60 {
            let mid = (lo * hi).sqrt();
            if total(Pace { hours: mid }) <= for_rates {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Pace { hours: hi }
    }
}

/// What the source asks of the budget at `now`: its rate, or its set
/// number of checks per hour.
pub fn demand(h: &History<'_>, now: Timestamp) -> Demand {
    match rule(h, now) {
        Rule::ByRate { rate, .. } => Demand::Rate {
            rate,
            floor: h.floor,
        },
        Rule::Set { every, .. } => Demand::Set {
            per_hour: 1.0 / hours(every),
        },
    }
}

/// The next check of a source: the one rule (see the module's comment).
/// `jitter` in `[0, 1]` spreads the time by ±10 %, so sources added
/// together do not stay in step.
pub fn next_check(h: &History<'_>, now: Timestamp, pace: Pace, jitter: f64) -> Plan {
    let (every, reason) = match rule(h, now) {
        Rule::Set { every, reason } => (every, reason),
        Rule::ByRate { rate, reason } => {
            let every = by_rate(rate, h.floor, pace);
            let reason = reason.unwrap_or(if every >= CEILING {
                Reason::Quiet
            } else {
                Reason::Publishes {
                    every_secs: (3600.0 / rate).round().min(f64::from(u32::MAX)) as u32,
                }
            });
            (every, reason)
        }
    };
    let (every, reason) = match h.retry_after {
        Some(ra) if ra > every => (ra.min(MAX_BACKOFF), Reason::RetryAfter),
        _ => (every, reason),
    };
    // Retry-After is the server's word: no jitter may cut it short.
    let spread = if reason == Reason::RetryAfter {
        1.0 + 0.1 * jitter.clamp(0.0, 1.0)
    } else {
        0.9 + 0.2 * jitter.clamp(0.0, 1.0)
    };
    let ms = (every.num_milliseconds() as f64 * spread) as i64;
    Plan {
        at: now + Duration::milliseconds(ms),
        every,
        reason,
    }
}

/// The expected rate (items per hour) of the source at `now`, and whether
/// a burst drives it.
pub fn expected_rate(published: &[Timestamp], since: Timestamp, now: Timestamp) -> (f64, u32) {
    let horizon = now - Duration::days(HISTORY_DAYS);
    let kept: Vec<Timestamp> = published
        .iter()
        .copied()
        .filter(|&t| t > horizon && t <= now)
        .collect();
    if kept.is_empty() {
        return (0.0, 0);
    }
    // Observed since the source was added or since its oldest kept item,
    // whichever is earlier (a first poll brings the feed's backlog); when
    // the history is full, older items were dropped, so from its oldest.
    let start = if published.len() >= HISTORY_ITEMS {
        kept[0]
    } else {
        since.min(kept[0]).max(horizon)
    };
    let span_h = hours(now - start).max(1.0);
    let overall = kept.len() as f64 / span_h;
    // The hour-of-day rate in a three-hour window around `at`: items
    // published in those hours of the day, over the time watched in those
    // hours, shrunk towards the overall rate with the weight of one day.
    let hour_rate = |at: Timestamp| {
        let centre = at.hour() as i64;
        let n = kept
            .iter()
            .filter(|t| {
                let d = (t.hour() as i64 - centre).rem_euclid(24);
                d <= 1 || d == 23
            })
            .count() as f64;
        let exposure = window_exposure(start, now, centre);
        (n + PRIOR_HOURS * overall) / (exposure + PRIOR_HOURS)
    };
    let rhythm = hour_rate(now).max(hour_rate(now + Duration::hours(1)));
    let last_30 = kept
        .iter()
        .filter(|&&t| t > now - Duration::minutes(30))
        .count();
    let last_120 = kept
        .iter()
        .filter(|&&t| t > now - Duration::hours(2))
        .count();
    let mut burst = 0.0_f64;
    if last_30 >= BURST_ITEMS {
        burst = burst.max(last_30 as f64 * 2.0);
    }
    if last_120 > BURST_ITEMS {
        burst = burst.max(last_120 as f64 / 2.0);
    }
    if burst > rhythm * 1.5 {
        (burst, last_120 as u32)
    } else {
        (rhythm, 0)
    }
}

// ----- private ----------------------------------------------------------

/// See the module's comment.
const RATE_EXPONENT: f64 = 0.75;
/// Items in half an hour that make a burst.
const BURST_ITEMS: usize = 3;
/// How many hours at the overall rate the hour-of-day estimate starts
/// from: one day's worth of its three-hour window.
const PRIOR_HOURS: f64 = 3.0;
/// A priority source counts as active with an item in this window.
const ACTIVE_FOR: Duration = Duration::hours(3);

enum Rule {
    /// An interval that the pace does not change.
    Set { every: Duration, reason: Reason },
    /// An interval from the expected rate; `reason` overrides the default
    /// wording (a burst).
    ByRate { rate: f64, reason: Option<Reason> },
}

fn rule(h: &History<'_>, now: Timestamp) -> Rule {
    let floor = h.floor.max(Duration::seconds(1));
    if h.failures > 0 {
        // Doubling from the interval the source would otherwise have had
        // (its fixed one, else the plain schedule), capped.
        let base = h.fixed.unwrap_or(LEARNING).max(floor);
        let factor = 2_i32.saturating_pow(h.failures.min(20)).min(1 << 20);
        let every = (base * factor).min(MAX_BACKOFF);
        return Rule::Set {
            every,
            reason: Reason::BackingOff {
                failures: h.failures,
            },
        };
    }
    if let Some(every) = h.fixed {
        return Rule::Set {
            every: every.max(Duration::seconds(1)),
            reason: Reason::Fixed,
        };
    }
    let active = h.published.last().is_some_and(|&t| t > now - ACTIVE_FOR);
    if h.priority && active {
        return Rule::Set {
            every: floor,
            reason: Reason::Priority,
        };
    }
    let (rate, burst) = expected_rate(h.published, h.since, now);
    if burst > 0 {
        return Rule::ByRate {
            rate,
            reason: Some(Reason::Burst { items: burst }),
        };
    }
    // Less than a day seen, counting the backlog a first check brings: too
    // little to tell a rhythm from chance.
    let seen_from = h.published.first().map_or(h.since, |&t| t.min(h.since));
    if hours(now - seen_from) < 24.0 {
        return Rule::Set {
            every: LEARNING.max(floor),
            reason: Reason::Learning,
        };
    }
    Rule::ByRate { rate, reason: None }
}

fn by_rate(rate: f64, floor: Duration, pace: Pace) -> Duration {
    if rate <= 0.0 {
        return CEILING.max(floor);
    }
    let h = pace.hours / rate.powf(RATE_EXPONENT);
    let secs = (h * 3600.0).clamp(floor.num_seconds() as f64, CEILING.num_seconds() as f64);
    Duration::seconds(secs.round() as i64).max(floor)
}

/// Hours of `[start, end]` that fall in the three hours of the day around
/// hour `centre` (from `centre - 1` to `centre + 2`).
fn window_exposure(start: Timestamp, end: Timestamp, centre: i64) -> f64 {
    let mut total = 0.0;
    let first_day = start
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let mut day = first_day - Duration::days(1);
    while day <= end {
        let from = day + Duration::hours(centre - 1);
        let to = from + Duration::hours(3);
        let (a, b) = (from.max(start), to.min(end));
        if b > a {
            total += hours(b - a);
        }
        day += Duration::days(1);
    }
    total
}

fn hours(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 3_600_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap()
    }

    fn history(published: &[Timestamp]) -> History<'_> {
        History {
            published,
            since: t0() - Duration::days(14),
            failures: 0,
            retry_after: None,
            floor: FEED_FLOOR,
            fixed: None,
            priority: false,
        }
    }

    /// Every `gap` from `from` for `n` items, oldest first.
    fn every(from: Timestamp, gap: Duration, n: i64) -> Vec<Timestamp> {
        (0..n).map(|i| from + gap * i as i32).collect()
    }

    #[test]
    fn a_frequent_source_is_checked_more_often_than_a_quiet_one() {
        let now = t0();
        // Every 10 minutes for two weeks, of which the last 200 are kept.
        let busy = every(
            now - Duration::minutes(10 * 199),
            Duration::minutes(10),
            200,
        );
        // Once a day at midnight; it is noon.
        let quiet = every(now - Duration::hours(14 * 24 + 12), Duration::days(1), 14);
        let pace = Pace::default();
        let b = next_check(&history(&busy), now, pace, 0.5);
        let q = next_check(&history(&quiet), now, pace, 0.5);
        assert!(b.every < Duration::minutes(7), "{b:?}");
        assert_eq!(q.every, CEILING, "{q:?}");
        assert_eq!(q.reason, Reason::Quiet);
        assert_eq!(q.reason.to_string(), "quiet: every 2 h");
        match b.reason {
            Reason::Publishes { every_secs } => assert!((540..=660).contains(&every_secs)),
            other => panic!("expected a publishing rate, got {other:?}"),
        }
        assert_eq!(
            Reason::Publishes { every_secs: 720 }.to_string(),
            "publishes ~every 12 min"
        );
    }

    #[test]
    fn the_floor_and_the_ceiling_bound_the_interval() {
        let now = t0();
        let flood = every(now - Duration::hours(20), Duration::minutes(6), 200);
        let fast = Pace { hours: 0.01 };
        let p = next_check(&history(&flood), now, fast, 0.0);
        assert_eq!(p.every, FEED_FLOOR);
        // With jitter 0 the check comes 10 % early, never earlier.
        assert_eq!(p.at, now + Duration::seconds(54));
        let telegram = History {
            floor: politeness_floor("telegram", true),
            ..history(&flood)
        };
        assert_eq!(
            next_check(&telegram, now, fast, 0.5).every,
            Duration::minutes(2)
        );
        assert_eq!(politeness_floor("gdelt", true), Duration::minutes(15));
        assert_eq!(politeness_floor("feed", false), FULL_FETCH_FLOOR);
        let nothing = next_check(&history(&[]), now, fast, 0.5);
        assert_eq!(nothing.every, CEILING, "14 days without an item");
    }

    #[test]
    fn a_burst_tightens_the_interval_at_once() {
        let now = t0();
        // Once a day for two weeks, then five posts in the last 20 minutes.
        let mut times = every(now - Duration::days(14), Duration::days(1), 14);
        times.extend(every(now - Duration::minutes(20), Duration::minutes(4), 5));
        let p = next_check(&history(&times), now, Pace::default(), 0.5);
        assert_eq!(p.reason, Reason::Burst { items: 5 });
        assert!(p.every <= Duration::minutes(5), "{p:?}");
        // Two hours and a half later, with nothing since, it calms down.
        let later = next_check(
            &history(&times),
            now + Duration::minutes(150),
            Pace::default(),
            0.5,
        );
        assert!(later.every > Duration::minutes(30), "{later:?}");
    }

    #[test]
    fn a_night_time_lull_in_the_source_s_own_rhythm_is_learned() {
        // Every 30 minutes from 06:00 to 22:00 UTC, silent at night, for a
        // week.
        let start = t0().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(7);
        let mut week = Vec::new();
        for day in 0..7 {
            let d = start + Duration::days(day);
            week.extend(every(d + Duration::hours(6), Duration::minutes(30), 32));
        }
        let h = history(&week);
        let pace = Pace::default();
        let night = start + Duration::days(7) + Duration::hours(2);
        let noon = start + Duration::days(7) + Duration::hours(12);
        let dawn = start + Duration::days(7) + Duration::hours(5);
        let at_night = next_check(&h, night, pace, 0.5);
        let at_noon = next_check(&h, noon, pace, 0.5);
        let at_dawn = next_check(&h, dawn, pace, 0.5);
        assert!(
            at_night.every >= at_noon.every * 3,
            "night {at_night:?}, noon {at_noon:?}"
        );
        // An hour before it wakes, the source is already checked closely.
        assert!(at_dawn.every <= at_noon.every * 2, "dawn {at_dawn:?}");
    }

    #[test]
    fn the_analyst_s_fixed_interval_wins() {
        let now = t0();
        let busy = every(now - Duration::hours(10), Duration::minutes(5), 120);
        let h = History {
            fixed: Some(Duration::minutes(30)),
            priority: true,
            ..history(&busy)
        };
        let p = next_check(&h, now, Pace { hours: 0.01 }, 0.5);
        assert_eq!(p.every, Duration::minutes(30));
        assert_eq!(p.at, now + Duration::minutes(30));
        assert_eq!(p.reason.to_string(), "fixed by you");
        assert_eq!(
            demand(&h, now),
            Demand::Set { per_hour: 2.0 },
            "a fixed interval is outside the pace"
        );
    }

    #[test]
    fn a_priority_source_gets_its_floor_while_active_only() {
        let now = t0();
        let daily = every(now - Duration::days(10), Duration::days(1), 10);
        let active = {
            let mut v = daily.clone();
            v.push(now - Duration::minutes(40));
            v
        };
        let floor = politeness_floor("telegram", true);
        fn h(p: &[Timestamp], floor: Duration) -> History<'_> {
            History {
                priority: true,
                floor,
                ..history(p)
            }
        }
        let on = next_check(&h(&active, floor), now, Pace::default(), 0.5);
        assert_eq!((on.every, on.reason), (floor, Reason::Priority));
        let off = next_check(&h(&daily, floor), now, Pace::default(), 0.5);
        assert_ne!(off.reason, Reason::Priority);
        assert!(off.every > floor);
    }

    #[test]
    fn failures_back_off_and_retry_after_is_honoured() {
        let now = t0();
        let busy = every(now - Duration::hours(10), Duration::minutes(5), 120);
        let h = History {
            failures: 3,
            ..history(&busy)
        };
        let p = next_check(&h, now, Pace::default(), 0.5);
        assert_eq!(p.every, Duration::hours(2));
        assert_eq!(p.reason.to_string(), "backing off after 3 failures");
        let many = History {
            failures: 40,
            ..history(&busy)
        };
        assert_eq!(
            next_check(&many, now, Pace::default(), 1.0).every,
            MAX_BACKOFF
        );
        let asked = History {
            retry_after: Some(Duration::hours(1)),
            ..history(&busy)
        };
        let p = next_check(&asked, now, Pace::default(), 0.0);
        assert_eq!(
            (p.every, p.reason),
            (Duration::hours(1), Reason::RetryAfter)
        );
        assert!(
            p.at >= now + Duration::hours(1),
            "jitter never cuts it short"
        );
    }

    #[test]
    fn a_new_source_starts_on_the_plain_schedule() {
        let now = t0();
        let h = History {
            since: now - Duration::minutes(5),
            ..history(&[])
        };
        let p = next_check(&h, now, Pace::default(), 0.5);
        assert_eq!((p.every, p.reason), (LEARNING, Reason::Learning));
        // A first poll that brought a backlog is enough to start from.
        let backlog = every(now - Duration::days(2), Duration::hours(2), 24);
        let h = History {
            since: now - Duration::minutes(5),
            ..history(&backlog)
        };
        assert!(matches!(
            next_check(&h, now, Pace::default(), 0.5).reason,
            Reason::Publishes { .. }
        ));
    }

    #[test]
    fn the_pace_fits_the_budget() {
        let demands: Vec<Demand> = (0..50)
            .map(|i| Demand::Rate {
                rate: 0.05 * f64::from(i + 1),
                floor: FEED_FLOOR,
            })
            .chain([Demand::Set { per_hour: 12.0 }])
            .collect();
        let budget = 200.0;
        let pace = Pace::for_budget(&demands, budget);
        let used: f64 = demands.iter().map(|d| d.per_hour(pace)).sum();
        let aim = 12.0 + (budget - 12.0) * (1.0 - BUDGET_HEADROOM);
        assert!(used <= aim && used > aim * 0.99, "{used}");
        assert_eq!(
            Pace::for_budget(&[Demand::Set { per_hour: 4.0 }], 1.0),
            Pace::default(),
            "nothing to pace"
        );
        // A budget below the ceilings' sum puts every rate source there.
        let tight = Pace::for_budget(&demands, 1.0);
        let at_ceiling = Demand::Rate {
            rate: 2.5,
            floor: FEED_FLOOR,
        };
        assert!((at_ceiling.per_hour(tight) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn human_durations_read_as_people_say_them() {
        assert_eq!(human(Duration::seconds(45)), "45 s");
        assert_eq!(human(Duration::minutes(12)), "12 min");
        assert_eq!(human(Duration::hours(2)), "2 h");
        assert_eq!(human(Duration::minutes(150)), "2.5 h");
        assert_eq!(human(Duration::days(7)), "7 days");
    }
}
