//! Replays publish-time traces against the next-check rule with a virtual
//! clock (`outpost schedule simulate`): how long each item waited from its
//! publication to the first check that saw it, and how many checks that
//! took. The rule, its budget pace and the pace's refresh are the ones the
//! engine's scheduler runs; only the clock and the sources are pretend.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::Duration;
use serde::Serialize;

use super::{
    Demand, HISTORY_DAYS, HISTORY_ITEMS, History, PACE_EVERY, Pace, demand, next_check,
    politeness_floor,
};
use crate::Timestamp;

/// One source's publish times, as a trace line gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub source: String,
    /// The source kind's name (`feed`, `telegram`, `gdelt`), for its floor.
    pub kind: String,
    pub priority: bool,
    pub published: Vec<Timestamp>,
}

/// How the sources are scheduled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// The adaptive rule within a budget of checks per hour (`None`: what
    /// the fixed 15-minute schedule would make for the same sources).
    Adaptive { budget_per_hour: Option<f64> },
    /// Every source every so often (the baseline).
    Fixed(Duration),
}

/// What a replay measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub sources: usize,
    /// Items published after the warm-up: the ones measured.
    pub items: usize,
    /// Checks made after the warm-up, up to the last publish time.
    pub requests: u64,
    /// The most checks in any one clock hour.
    pub max_requests_per_hour: u64,
    /// The budget the adaptive rule was held to, if it was.
    pub budget_per_hour: Option<f64>,
    pub median_latency_secs: f64,
    pub p90_latency_secs: f64,
    pub mean_latency_secs: f64,
}

/// The default budget: what a fixed 15-minute schedule makes.
pub const BASELINE_INTERVAL: Duration = Duration::minutes(15);

/// Replays `traces` under `mode`. The first `warmup` of the trace is
/// replayed but not measured: the rule learns from it, as an archive that
/// has been polling for a while has. `seed` fixes the jitter, so a replay
/// is repeatable.
pub fn simulate(traces: &[Trace], mode: Mode, warmup: Duration, seed: u64) -> Report {
    let mut rng = SplitMix(seed);
    let mut sources: Vec<SimSource> = traces
        .iter()
        .map(|t| {
            let mut published = t.published.clone();
            published.sort();
            SimSource {
                trace: t,
                published,
                next_item: 0,
                seen: Vec::new(),
            }
        })
        .collect();
    let Some(start) = sources
        .iter()
        .filter_map(|s| s.published.first())
        .min()
        .copied()
    else {
        return Report::empty(traces.len());
    };
    let end = sources
        .iter()
        .filter_map(|s| s.published.last())
        .max()
        .copied()
        .unwrap_or(start);
    let measured = start + warmup;
    let budget = match mode {
        Mode::Adaptive { budget_per_hour } => Some(budget_per_hour.unwrap_or_else(|| {
            sources.len() as f64 * (3600.0 / BASELINE_INTERVAL.num_seconds() as f64)
        })),
        Mode::Fixed(_) => None,
    };
    // The first checks are spread over the first interval, as sources
    // added over time would be.
    let mut queue = BinaryHeap::new();
    for (i, _) in sources.iter().enumerate() {
        let first = match mode {
            Mode::Fixed(every) => every,
            Mode::Adaptive { .. } => BASELINE_INTERVAL,
        };
        let offset = (first.num_milliseconds() as f64 * rng.unit()) as i64;
        queue.push(Reverse((start + Duration::milliseconds(offset), i)));
    }
    let mut latencies: Vec<f64> = Vec::new();
    let mut requests = 0_u64;
    let mut per_hour: std::collections::HashMap<i64, u64> = Default::default();
    let mut pace = Pace::default();
    let mut paced_at: Option<Timestamp> = None;
    // Long enough after the last item that every item is seen.
    let stop = end + super::MAX_BACKOFF;
    while let Some(Reverse((now, i))) = queue.pop() {
        if now > stop {
            break;
        }
        if now >= measured && now <= end {
            requests += 1;
            *per_hour
                .entry(now.timestamp().div_euclid(3600))
                .or_default() += 1;
        }
        if let Some(budget) = budget
            && paced_at.is_none_or(|at| now - at >= PACE_EVERY)
        {
            let demands: Vec<Demand> = sources.iter().map(|s| s.demand(start, now)).collect();
            pace = Pace::for_budget(&demands, budget);
            paced_at = Some(now);
        }
        let s = &mut sources[i];
        // The check sees every item published up to now.
        while s.next_item < s.published.len() && s.published[s.next_item] <= now {
            let p = s.published[s.next_item];
            if p >= measured {
                latencies.push((now - p).num_milliseconds() as f64 / 1000.0);
            }
            s.seen.push(p);
            s.next_item += 1;
        }
        s.trim(now);
        if s.next_item >= s.published.len() && now > end {
            continue;
        }
        let next = match mode {
            Mode::Fixed(every) => {
                let spread = 0.9 + 0.2 * rng.unit();
                now + Duration::milliseconds((every.num_milliseconds() as f64 * spread) as i64)
            }
            Mode::Adaptive { .. } => next_check(&s.history(start), now, pace, rng.unit()).at,
        };
        queue.push(Reverse((next, i)));
    }
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        if latencies.is_empty() {
            0.0
        } else {
            let i = ((latencies.len() - 1) as f64 * q).round() as usize;
            latencies[i]
        }
    };
    Report {
        sources: traces.len(),
        items: latencies.len(),
        requests,
        max_requests_per_hour: per_hour.values().copied().max().unwrap_or(0),
        budget_per_hour: budget,
        median_latency_secs: pick(0.5),
        p90_latency_secs: pick(0.9),
        mean_latency_secs: if latencies.is_empty() {
            0.0
        } else {
            latencies.iter().sum::<f64>() / latencies.len() as f64
        },
    }
}

impl Report {
    fn empty(sources: usize) -> Self {
        Self {
            sources,
            items: 0,
            requests: 0,
            max_requests_per_hour: 0,
            budget_per_hour: None,
            median_latency_secs: 0.0,
            p90_latency_secs: 0.0,
            mean_latency_secs: 0.0,
        }
    }
}

struct SimSource<'a> {
    trace: &'a Trace,
    published: Vec<Timestamp>,
    next_item: usize,
    /// What the archive would keep: the publish times seen, bounded as the
    /// store bounds them.
    seen: Vec<Timestamp>,
}

impl SimSource<'_> {
    fn history(&self, since: Timestamp) -> History<'_> {
        History {
            published: &self.seen,
            since,
            failures: 0,
            retry_after: None,
            floor: politeness_floor(&self.trace.kind, true),
            fixed: None,
            priority: self.trace.priority,
        }
    }

    fn demand(&self, since: Timestamp, now: Timestamp) -> Demand {
        demand(&self.history(since), now)
    }

    fn trim(&mut self, now: Timestamp) {
        let horizon = now - Duration::days(HISTORY_DAYS);
        let old = self.seen.partition_point(|&t| t <= horizon);
        let over = self.seen.len().saturating_sub(HISTORY_ITEMS);
        self.seen.drain(..old.max(over));
    }
}

/// A small seeded generator for the jitter (SplitMix64), so a replay needs
/// no randomness from outside.
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
    }

    fn trace(name: &str, kind: &str, published: Vec<Timestamp>) -> Trace {
        Trace {
            source: name.into(),
            kind: kind.into(),
            priority: false,
            published,
        }
    }

    #[test]
    fn a_fixed_schedule_waits_half_its_interval_on_average() {
        // One item every 7 minutes for two days: waits spread evenly over
        // the 15-minute interval.
        let items: Vec<Timestamp> = (0..400).map(|i| t0() + Duration::minutes(7 * i)).collect();
        let r = simulate(
            &[trace("a", "feed", items)],
            Mode::Fixed(Duration::minutes(15)),
            Duration::zero(),
            1,
        );
        assert_eq!(r.items, 400);
        assert!((300.0..600.0).contains(&r.median_latency_secs), "{r:?}");
        // 2 days at 4 an hour, give or take the jitter.
        assert!((170..=215).contains(&r.requests), "{r:?}");
    }

    #[test]
    fn the_adaptive_rule_beats_the_fixed_one_within_the_same_requests() {
        // A busy source and three that publish once a day.
        let mut traces = vec![trace(
            "busy",
            "feed",
            (0..1000).map(|i| t0() + Duration::minutes(4 * i)).collect(),
        )];
        for n in 0..3 {
            traces.push(trace(
                &format!("daily{n}"),
                "feed",
                (0..3)
                    .map(|d| t0() + Duration::days(d) + Duration::hours(9))
                    .collect(),
            ));
        }
        let fixed = simulate(
            &traces,
            Mode::Fixed(Duration::minutes(15)),
            Duration::days(1),
            7,
        );
        let adaptive = simulate(
            &traces,
            Mode::Adaptive {
                budget_per_hour: None,
            },
            Duration::days(1),
            7,
        );
        assert!(
            adaptive.median_latency_secs < fixed.median_latency_secs / 2.0,
            "{adaptive:?} vs {fixed:?}"
        );
        // Both make about 4 checks an hour per source, each give or take
        // its ±10 % jitter.
        assert!(
            adaptive.requests as f64 <= fixed.requests as f64 * 1.01,
            "{adaptive:?} vs {fixed:?}"
        );
        // Per hour the budget holds give or take the jitter and the pace's
        // lag behind a change of rates (at most one refresh of the pace).
        assert!(adaptive.max_requests_per_hour <= 20, "{adaptive:?}");
    }
}
