//! Notification policy: which new alerts become desktop notifications.
//!
//! Pure: the caller passes the current instant and the analyst's local
//! wall-clock time, and keeps the [`Policy`] value (its memory of what was
//! sent) between polls. Alerts are always stored and listed; this module only
//! decides what interrupts the analyst.

use std::collections::{BTreeMap, VecDeque};

use chrono::{Duration, NaiveTime};

use crate::model::{AlertId, Severity, StoryId, Timestamp, WatchlistId};

/// Quiet hours in local time; `start > end` wraps past midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// More than `max` notifications within `window` collapse into one summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySettings {
    pub quiet_hours: Option<QuietHours>,
    pub rate_limit: RateLimit,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            quiet_hours: None,
            rate_limit: RateLimit {
                max: 5,
                window: Duration::minutes(10),
            },
        }
    }
}

/// A new alert the pipeline just stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub alert_id: AlertId,
    pub watchlist_id: WatchlistId,
    pub watchlist_name: String,
    pub severity: Severity,
    /// The watchlist's own notify switch.
    pub notify: bool,
    pub title: String,
    pub source_name: String,
    pub story_id: Option<StoryId>,
    /// The highest severity this story was already notified at, if ever.
    pub story_notified: Option<Severity>,
    /// The corroboration gate: independent outlets reporting the story so
    /// far ([`count_outlets`]), and how many the watchlist waits for (1:
    /// none).
    pub sources: u32,
    pub min_sources: u32,
    /// Whether critical severity notifies without waiting for the gate.
    pub gate_bypass_critical: bool,
}

impl Candidate {
    /// Whether the watchlist still waits for more independent sources.
    pub fn awaiting_sources(&self) -> bool {
        gate_closed(
            self.sources,
            self.min_sources,
            self.severity,
            self.gate_bypass_critical,
        )
    }
}

/// Whether an alert still waits for corroboration: fewer than `min_sources`
/// independent outlets, unless critical severity bypasses the gate.
pub fn gate_closed(
    sources: u32,
    min_sources: u32,
    severity: Severity,
    bypass_critical: bool,
) -> bool {
    min_sources > 1 && sources < min_sources && !(bypass_critical && severity == Severity::Critical)
}

/// What the alert list shows for an alert whose gate is still closed:
/// "awaiting confirmation (1 of 2)".
pub fn awaiting_label(sources: u32, min_sources: u32) -> String {
    format!("awaiting confirmation ({sources} of {min_sources})")
}

/// The outlet an article came from, for counting independent sources: the
/// registrable domain of its address (`www.news.asiaplustj.info` →
/// `asiaplustj.info`, by the Public Suffix List), or for Telegram the
/// channel (`https://t.me/s/ozodi/123` → `t.me/ozodi`).
pub fn outlet(address: &str) -> Option<String> {
    let url = url::Url::parse(address).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    if host == "t.me" || host == "telegram.me" {
        let mut path = url.path_segments()?.filter(|s| !s.is_empty());
        let first = path.next()?;
        let channel = if first == "s" { path.next()? } else { first };
        return Some(format!("t.me/{}", channel.to_ascii_lowercase()));
    }
    if !matches!(url.host(), Some(url::Host::Domain(_))) || !host.contains('.') {
        return Some(host);
    }
    match psl::domain_str(&host) {
        Some(domain) => Some(domain.to_string()),
        None => Some(host),
    }
}

/// How many independent outlets reported a story, from each of its
/// articles' address and content hash: articles of one outlet count once,
/// and so do syndicated copies (the same content under several outlets'
/// addresses). An article without an address counts as an outlet of its
/// own.
pub fn count_outlets<'a>(articles: impl IntoIterator<Item = (Option<&'a str>, &'a [u8])>) -> u32 {
    let mut outlets = std::collections::BTreeSet::new();
    let mut copies = std::collections::BTreeSet::new();
    let mut anonymous = 0;
    for (address, content) in articles {
        if !content.is_empty() && !copies.insert(content.to_vec()) {
            continue;
        }
        match address.and_then(outlet) {
            Some(o) => {
                outlets.insert(o);
            }
            None => anonymous += 1,
        }
    }
    outlets.len() as u32 + anonymous
}

/// What to show on the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The alert a click opens; for a summary, the most severe of the batch.
    pub alert_id: AlertId,
    pub summary: String,
    pub body: String,
    pub severity: Severity,
    /// Alerts this notification speaks for (one, or all of a summary).
    pub alert_ids: Vec<AlertId>,
    /// Stories whose notified severity the caller should record.
    pub stories: Vec<(StoryId, Severity)>,
}

/// Why a candidate did not interrupt the analyst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppressed {
    WatchlistMuted,
    QuietHours,
    StoryAlreadyNotified,
    /// The corroboration gate: fewer independent sources than the
    /// watchlist waits for.
    AwaitingSources,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    pub notifications: Vec<Notification>,
    pub suppressed: Vec<(AlertId, Suppressed)>,
}

/// The policy and its memory of recent notifications (for the rate limit).
#[derive(Debug, Clone)]
pub struct Policy {
    pub settings: PolicySettings,
    sent: VecDeque<Timestamp>,
}

impl Policy {
    pub fn new(settings: PolicySettings) -> Self {
        Self {
            settings,
            sent: VecDeque::new(),
        }
    }

    /// Decides for one batch of new alerts (one poll cycle).
    pub fn decide(
        &mut self,
        now: Timestamp,
        local_time: NaiveTime,
        batch: Vec<Candidate>,
    ) -> Decision {
        let mut decision = Decision::default();
        let quiet = self
            .settings
            .quiet_hours
            .is_some_and(|q| q.contains(local_time));

        // One notification per story: keep the most severe candidate of each
        // story in this batch, and only if it beats what was already sent.
        let mut per_story: BTreeMap<StoryId, Candidate> = BTreeMap::new();
        let mut passed: Vec<Candidate> = Vec::new();
        for c in batch {
            if !c.notify {
                decision
                    .suppressed
                    .push((c.alert_id, Suppressed::WatchlistMuted));
            } else if quiet && c.severity < Severity::Critical {
                decision
                    .suppressed
                    .push((c.alert_id, Suppressed::QuietHours));
            } else if c.story_notified.is_some_and(|s| s >= c.severity) {
                decision
                    .suppressed
                    .push((c.alert_id, Suppressed::StoryAlreadyNotified));
            } else if c.awaiting_sources() {
                // Not yet: the story's next report from another outlet is a
                // new candidate, and opens the gate.
                decision
                    .suppressed
                    .push((c.alert_id, Suppressed::AwaitingSources));
            } else if let Some(story) = c.story_id {
                match per_story.get(&story) {
                    Some(kept) if kept.severity >= c.severity => {
                        decision
                            .suppressed
                            .push((c.alert_id, Suppressed::StoryAlreadyNotified));
                    }
                    _ => {
                        if let Some(old) = per_story.insert(story, c) {
                            decision
                                .suppressed
                                .push((old.alert_id, Suppressed::StoryAlreadyNotified));
                        }
                    }
                }
            } else {
                passed.push(c);
            }
        }
        passed.extend(per_story.into_values());
        passed.sort_by_key(|c| c.alert_id);
        if passed.is_empty() {
            return decision;
        }

        let window_start = now - self.settings.rate_limit.window;
        while self.sent.front().is_some_and(|t| *t < window_start) {
            self.sent.pop_front();
        }
        let budget = (self.settings.rate_limit.max as usize).saturating_sub(self.sent.len());
        if passed.len() <= budget {
            for c in passed {
                self.sent.push_back(now);
                decision.notifications.push(single(c));
            }
        } else {
            self.sent.push_back(now);
            decision.notifications.push(summary(passed));
        }
        decision
    }
}

fn single(c: Candidate) -> Notification {
    let confirmed = if c.min_sources > 1 {
        format!(" · confirmed by {} sources", c.sources)
    } else {
        String::new()
    };
    Notification {
        alert_id: c.alert_id,
        summary: format!("{} · {}", c.watchlist_name, c.severity),
        body: format!("{} — {}{confirmed}", c.title, c.source_name),
        severity: c.severity,
        alert_ids: vec![c.alert_id],
        stories: c.story_id.map(|s| (s, c.severity)).into_iter().collect(),
    }
}

/// "7 new alerts — Tajik–Afghan border 4, CSTO 3", most frequent first.
fn summary(batch: Vec<Candidate>) -> Notification {
    let mut counts: Vec<(String, usize, Severity)> = Vec::new();
    for c in &batch {
        match counts
            .iter_mut()
            .find(|(name, _, _)| *name == c.watchlist_name)
        {
            Some(entry) => {
                entry.1 += 1;
                entry.2 = entry.2.max(c.severity);
            }
            None => counts.push((c.watchlist_name.clone(), 1, c.severity)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let top = batch
        .iter()
        .max_by_key(|c| (c.severity, std::cmp::Reverse(c.alert_id)))
        .expect("a summary has at least one alert");
    let parts: Vec<String> = counts.iter().map(|(n, k, _)| format!("{n} {k}")).collect();
    Notification {
        alert_id: top.alert_id,
        summary: format!("{} new alerts — {}", batch.len(), parts.join(", ")),
        body: format!("Most severe: {} — {}", top.title, top.source_name),
        severity: top.severity,
        alert_ids: batch.iter().map(|c| c.alert_id).collect(),
        stories: batch
            .iter()
            .filter_map(|c| c.story_id.map(|s| (s, c.severity)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn now(min: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn cand(id: i64, wl: &str, severity: Severity) -> Candidate {
        Candidate {
            alert_id: id,
            watchlist_id: 1,
            watchlist_name: wl.into(),
            severity,
            notify: true,
            title: format!("Article {id}"),
            source_name: "Asia-Plus".into(),
            story_id: None,
            story_notified: None,
            sources: 1,
            min_sources: 1,
            gate_bypass_critical: false,
        }
    }

    fn quiet_policy() -> Policy {
        Policy::new(PolicySettings {
            quiet_hours: Some(QuietHours {
                start: t(22, 0),
                end: t(7, 0),
            }),
            ..PolicySettings::default()
        })
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let q = QuietHours {
            start: t(22, 0),
            end: t(7, 0),
        };
        assert!(q.contains(t(23, 30)));
        assert!(q.contains(t(3, 0)));
        assert!(!q.contains(t(7, 0)));
        assert!(!q.contains(t(12, 0)));
        let day = QuietHours {
            start: t(12, 0),
            end: t(13, 0),
        };
        assert!(day.contains(t(12, 30)) && !day.contains(t(13, 30)));
    }

    #[test]
    fn single_alert_names_watchlist_severity_title_and_source() {
        let mut p = Policy::new(PolicySettings::default());
        let d = p.decide(
            now(0),
            t(12, 0),
            vec![cand(7, "Tajik–Afghan border", Severity::High)],
        );
        assert_eq!(d.notifications.len(), 1);
        let n = &d.notifications[0];
        assert_eq!(n.summary, "Tajik–Afghan border · high");
        assert_eq!(n.body, "Article 7 — Asia-Plus");
        assert_eq!(n.alert_id, 7);
    }

    #[test]
    fn quiet_hours_hold_back_all_but_critical() {
        let mut p = quiet_policy();
        let d = p.decide(
            now(0),
            t(23, 15),
            vec![
                cand(1, "CSTO", Severity::High),
                cand(2, "Attacks on foreigners", Severity::Critical),
            ],
        );
        assert_eq!(d.suppressed, vec![(1, Suppressed::QuietHours)]);
        assert_eq!(d.notifications.len(), 1);
        assert_eq!(d.notifications[0].alert_id, 2);
        // Outside quiet hours the same high alert goes through.
        let d = p.decide(now(1), t(8, 0), vec![cand(3, "CSTO", Severity::High)]);
        assert_eq!(d.notifications.len(), 1);
    }

    #[test]
    fn muted_watchlist_never_notifies() {
        let mut p = Policy::new(PolicySettings::default());
        let mut c = cand(1, "CSTO", Severity::Critical);
        c.notify = false;
        let d = p.decide(now(0), t(12, 0), vec![c]);
        assert!(d.notifications.is_empty());
        assert_eq!(d.suppressed, vec![(1, Suppressed::WatchlistMuted)]);
    }

    #[test]
    fn burst_over_the_limit_becomes_one_summary() {
        let mut p = Policy::new(PolicySettings {
            quiet_hours: None,
            rate_limit: RateLimit {
                max: 3,
                window: Duration::minutes(10),
            },
        });
        let mut batch: Vec<Candidate> = (1..=4)
            .map(|i| cand(i, "Tajik–Afghan border", Severity::Medium))
            .collect();
        batch.extend((5..=7).map(|i| cand(i, "CSTO", Severity::High)));
        let d = p.decide(now(0), t(12, 0), batch);
        assert_eq!(d.notifications.len(), 1);
        let n = &d.notifications[0];
        assert_eq!(n.summary, "7 new alerts — Tajik–Afghan border 4, CSTO 3");
        assert_eq!(n.severity, Severity::High);
        assert_eq!(n.alert_id, 5, "a click opens the most severe alert");
        assert_eq!(n.alert_ids.len(), 7);
    }

    #[test]
    fn rate_limit_counts_earlier_notifications_in_the_window() {
        let mut p = Policy::new(PolicySettings {
            quiet_hours: None,
            rate_limit: RateLimit {
                max: 2,
                window: Duration::minutes(10),
            },
        });
        assert_eq!(
            p.decide(now(0), t(12, 0), vec![cand(1, "A", Severity::Low)])
                .notifications
                .len(),
            1
        );
        assert_eq!(
            p.decide(now(1), t(12, 1), vec![cand(2, "A", Severity::Low)])
                .notifications
                .len(),
            1
        );
        // Third and fourth within the window: one summary of both.
        let d = p.decide(
            now(2),
            t(12, 2),
            vec![cand(3, "A", Severity::Low), cand(4, "B", Severity::Low)],
        );
        assert_eq!(d.notifications.len(), 1);
        assert!(d.notifications[0].summary.starts_with("2 new alerts"));
        // After the window has passed, single notifications again.
        let d = p.decide(now(30), t(12, 30), vec![cand(5, "A", Severity::Low)]);
        assert_eq!(d.notifications[0].summary, "A · low");
    }

    #[test]
    fn a_story_notifies_once_and_again_only_at_higher_severity() {
        let mut p = Policy::new(PolicySettings::default());
        let mut a = cand(1, "Border", Severity::High);
        a.story_id = Some(9);
        let mut b = cand(2, "Border", Severity::High);
        b.story_id = Some(9);
        let d = p.decide(now(0), t(12, 0), vec![a, b]);
        assert_eq!(
            d.notifications.len(),
            1,
            "two outlets, one story, one notification"
        );
        assert_eq!(d.notifications[0].stories, vec![(9, Severity::High)]);
        assert_eq!(d.suppressed, vec![(2, Suppressed::StoryAlreadyNotified)]);

        let mut same = cand(3, "Border", Severity::High);
        same.story_id = Some(9);
        same.story_notified = Some(Severity::High);
        let d = p.decide(now(1), t(12, 1), vec![same]);
        assert!(d.notifications.is_empty());

        let mut higher = cand(4, "Attacks", Severity::Critical);
        higher.story_id = Some(9);
        higher.story_notified = Some(Severity::High);
        let d = p.decide(now(2), t(12, 2), vec![higher]);
        assert_eq!(d.notifications.len(), 1);
        assert_eq!(d.notifications[0].severity, Severity::Critical);
    }

    // Issue 14, item 5: a watchlist waiting for two outlets stays silent on
    // the first report and notifies once, "confirmed by 2 sources", when a
    // second outlet reports the story; critical may bypass the wait.
    #[test]
    fn the_corroboration_gate_waits_for_independent_sources() {
        let mut policy = Policy::new(PolicySettings::default());
        let gated = |id: i64, sources: u32, severity: Severity| Candidate {
            story_id: Some(7),
            sources,
            min_sources: 2,
            ..cand(id, "Border", severity)
        };
        let d = policy.decide(now(0), t(12, 0), vec![gated(1, 1, Severity::High)]);
        assert!(d.notifications.is_empty());
        assert_eq!(d.suppressed, vec![(1, Suppressed::AwaitingSources)]);
        let d = policy.decide(now(1), t(12, 1), vec![gated(2, 2, Severity::High)]);
        assert_eq!(d.notifications.len(), 1);
        assert!(
            d.notifications[0].body.ends_with("confirmed by 2 sources"),
            "{:?}",
            d.notifications[0]
        );
        let critical = Candidate {
            gate_bypass_critical: true,
            ..gated(3, 1, Severity::Critical)
        };
        assert_eq!(
            policy
                .decide(now(2), t(12, 2), vec![critical])
                .notifications
                .len(),
            1
        );
        assert_eq!(awaiting_label(1, 2), "awaiting confirmation (1 of 2)");
    }

    #[test]
    fn outlets_are_registrable_domains_or_telegram_channels() {
        assert_eq!(
            outlet("https://www.news.asiaplustj.info/a/1").as_deref(),
            Some("asiaplustj.info")
        );
        assert_eq!(
            outlet("https://www.bbc.co.uk/news/1").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            outlet("https://t.me/s/ozodi/123").as_deref(),
            Some("t.me/ozodi")
        );
        assert_eq!(
            outlet("https://t.me/Ozodi/124").as_deref(),
            Some("t.me/ozodi")
        );
        // Two articles of one outlet, a syndicated copy elsewhere, and a
        // second outlet: two independent sources.
        let n = count_outlets([
            (Some("https://asiaplustj.info/a/1"), &b"x"[..]),
            (Some("https://m.asiaplustj.info/a/2"), &b"y"[..]),
            (Some("https://akipress.com/copy"), &b"x"[..]),
            (Some("https://t.me/s/ozodi/5"), &b"z"[..]),
        ]);
        assert_eq!(n, 2);
    }
}
