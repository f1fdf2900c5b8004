//! Date arguments: the one rule for `--since`/`--until` in the CLI and the
//! date fields of the UI, so a date means the same instant wherever it is
//! typed (search, export, the alert list).
//!
//! An RFC 3339 instant (`2026-11-01T08:00:00Z`, any offset) is that instant.
//! A bare date (`2026-11-01`) is a whole day in UTC: for a lower bound
//! ([`Bound::Since`]) its first millisecond, for an upper bound
//! ([`Bound::Until`]) its last, so `--since D --until D` is all of day D.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use outpost_core::Timestamp;

use crate::error::{EngineError, Result};

/// Which end of a range a date argument gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// On or after: a bare date is the start of that day (UTC).
    Since,
    /// On or before: a bare date is the end of that day (UTC).
    Until,
}

/// Reads a date argument; surrounding blanks are ignored.
pub fn parse_date(s: &str, bound: Bound) -> Result<Timestamp> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        EngineError::invalid(format!(
            "'{s}' is not a date like 2026-11-26; write it as YYYY-MM-DD or as an RFC 3339 instant (2026-11-26T08:00:00Z)"
        ))
    })?;
    let time = match bound {
        Bound::Since => NaiveTime::MIN,
        Bound::Until => NaiveTime::from_hms_milli_opt(23, 59, 59, 999).expect("a valid time"),
    };
    Ok(day.and_time(time).and_utc())
}

/// Like [`parse_date`] for an optional field: absent or blank is no bound.
pub fn parse_optional(s: Option<&str>, bound: Bound) -> Result<Option<Timestamp>> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_date(s, bound))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    // Issue 12, item 4: "until DATE" meant three different instants
    // depending on where it was typed; now a bare date bounds a whole UTC day.
    #[test]
    fn a_bare_date_is_a_whole_utc_day() {
        assert_eq!(
            parse_date("2026-11-01", Bound::Since).unwrap(),
            at("2026-11-01T00:00:00Z")
        );
        assert_eq!(
            parse_date(" 2026-11-01 ", Bound::Until).unwrap(),
            at("2026-11-01T23:59:59.999Z")
        );
    }

    #[test]
    fn an_instant_is_itself_whichever_the_bound() {
        for bound in [Bound::Since, Bound::Until] {
            assert_eq!(
                parse_date("2026-11-01T10:30:00+05:00", bound).unwrap(),
                at("2026-11-01T05:30:00Z")
            );
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_to_use() {
        let e = parse_date("last tuesday", Bound::Since).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
        assert_eq!(parse_optional(Some("  "), Bound::Until).unwrap(), None);
        assert_eq!(parse_optional(None, Bound::Until).unwrap(), None);
        assert!(parse_optional(Some("2026-13-01"), Bound::Until).is_err());
    }
}
