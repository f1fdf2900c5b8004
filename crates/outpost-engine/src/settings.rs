//! The analyst's settings, stored as one JSON value in the archive.

use chrono::{Duration, NaiveTime};
use outpost_core::policy::{PolicySettings, QuietHours, RateLimit};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{EngineError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Local time "HH:MM"; both set, or both empty.
    pub quiet_hours_start: Option<String>,
    pub quiet_hours_end: Option<String>,
    pub rate_limit_count: u32,
    pub rate_limit_minutes: u32,
    /// `http://host:port` or `socks5h://host:port` (Tor: `socks5h://127.0.0.1:9050`).
    pub proxy: Option<String>,
    pub retention_days: u32,
    /// Load remote images in articles without asking (they reveal the
    /// analyst's address to the image's host).
    pub remote_images: bool,
    pub theme: Theme,
    /// How times are shown: `null` for the computer's local time, "UTC",
    /// or an IANA zone name ("Asia/Dushanbe"). The UI formats with it
    /// (list, reader, search); exports still write UTC (RFC 3339).
    pub time_zone: Option<String>,
    /// Checks per hour the scheduler may make over all sources; `null`
    /// for what a fixed 15-minute schedule (or each source's fixed
    /// interval) would make for the same sources.
    pub request_budget_per_hour: Option<u32>,
    /// How many posts the first poll of a Telegram channel reads, paging
    /// back through older posts.
    pub telegram_backfill_posts: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            quiet_hours_start: None,
            quiet_hours_end: None,
            rate_limit_count: 5,
            rate_limit_minutes: 10,
            proxy: None,
            retention_days: outpost_store::DEFAULT_RETENTION_DAYS,
            remote_images: false,
            theme: Theme::System,
            time_zone: None,
            request_budget_per_hour: None,
            telegram_backfill_posts: 100,
        }
    }
}

pub(crate) const SETTINGS_KEY: &str = "settings";

impl Settings {
    /// Checks every field; the error says which one and how to fix it.
    pub fn validate(&self) -> Result<()> {
        self.quiet_hours()?;
        if let Some(tz) = &self.time_zone {
            let ok = !tz.is_empty()
                && tz.len() <= 64
                && tz
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
            if !ok {
                return Err(EngineError::invalid(format!(
                    "'{tz}' is not a time-zone name; choose UTC, local time or a zone such as Asia/Dushanbe"
                )));
            }
        }
        if self.rate_limit_count == 0 || self.rate_limit_minutes == 0 {
            return Err(EngineError::invalid(
                "the rate limit needs at least 1 notification in at least 1 minute",
            ));
        }
        if self.request_budget_per_hour == Some(0) {
            return Err(EngineError::invalid(
                "the request budget needs at least 1 check per hour; leave it empty for the default",
            ));
        }
        if !(1..=1_000).contains(&self.telegram_backfill_posts) {
            return Err(EngineError::invalid(format!(
                "a first Telegram poll of {} posts is out of range; choose between 1 and 1000",
                self.telegram_backfill_posts
            )));
        }
        if self.retention_days == 0 {
            return Err(EngineError::invalid("retention must be at least 1 day"));
        }
        if let Some(proxy) = self.proxy.as_deref().filter(|p| !p.is_empty()) {
            let ok = ["http://", "https://", "socks5://", "socks5h://"]
                .iter()
                .any(|s| proxy.starts_with(s))
                && url::Url::parse(proxy).is_ok();
            if !ok {
                return Err(EngineError::invalid(format!(
                    "the proxy '{proxy}' is not a URL like http://host:port or socks5h://127.0.0.1:9050"
                )));
            }
        }
        Ok(())
    }

    pub fn quiet_hours(&self) -> Result<Option<QuietHours>> {
        let parse = |s: &str| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
                EngineError::invalid(format!("quiet hours '{s}' is not a time like 22:00"))
            })
        };
        match (
            self.quiet_hours_start.as_deref(),
            self.quiet_hours_end.as_deref(),
        ) {
            (None | Some(""), None | Some("")) => Ok(None),
            (Some(s), Some(e)) if !s.is_empty() && !e.is_empty() => Ok(Some(QuietHours {
                start: parse(s)?,
                end: parse(e)?,
            })),
            _ => Err(EngineError::invalid(
                "quiet hours need both a start and an end time",
            )),
        }
    }

    pub fn policy(&self) -> PolicySettings {
        PolicySettings {
            quiet_hours: self.quiet_hours().ok().flatten(),
            rate_limit: RateLimit {
                max: self.rate_limit_count.max(1),
                window: Duration::minutes(i64::from(self.rate_limit_minutes.max(1))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_bad_field() {
        let mut s = Settings {
            quiet_hours_start: Some("25:00".into()),
            quiet_hours_end: Some("07:00".into()),
            ..Settings::default()
        };
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "quiet hours '25:00' is not a time like 22:00"
        );
        s.quiet_hours_start = Some("22:00".into());
        assert!(s.validate().is_ok());
        s.proxy = Some("tor".into());
        assert!(s.validate().unwrap_err().to_string().contains("socks5h://"));
        s.proxy = Some("socks5h://127.0.0.1:9050".into());
        assert!(s.validate().is_ok());
        s.quiet_hours_end = None;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("both a start and an end")
        );
    }

    #[test]
    fn missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"theme":"dark"}"#).unwrap();
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(s.retention_days, 90);
    }
}
