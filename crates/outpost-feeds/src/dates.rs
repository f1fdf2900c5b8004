//! Dates in every form feeds write them, normalised to UTC.
//!
//! The formats are chrono's (RFC 3339, RFC 2822 and `strftime` patterns);
//! this module only tidies the sloppiness found in real feeds first: long
//! or localised weekday and month names, `UTC`/`Z` for a zone, zone
//! abbreviations chrono does not know, ISO 8601 without a zone (read as UTC,
//! as feedparser does), and W3C-DTF's partial dates.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a feed date. Returns `None` for anything that is not a date;
/// never guesses a date from garbage.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    iso8601(s).or_else(|| rfc822_sloppy(s))
}

/// ISO 8601 / W3C-DTF forms that RFC 3339 rejects.
fn iso8601(s: &str) -> Option<DateTime<Utc>> {
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let t = s.replacen(' ', "T", 1);
    let t = t
        .strip_suffix('Z')
        .or_else(|| t.strip_suffix('z'))
        .unwrap_or(&t);
    const WITH_ZONE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y%m%dT%H%M%S%z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
    ];
    for f in WITH_ZONE {
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    const NO_ZONE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y%m%dT%H%M%S",
        "%Y-%m-%dT%H",
    ];
    for f in NO_ZONE {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    // W3C-DTF allows a year, a year and month, or a date alone.
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y%m%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{t}-01-01"), "%Y-%m-%d"))
        .ok()?;
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
}

/// RFC 822 as feeds really write it.
fn rfc822_sloppy(s: &str) -> Option<DateTime<Utc>> {
    let mut words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // A leading weekday is redundant and often wrong or localised.
    if words
        .first()
        .is_some_and(|w| w.chars().all(char::is_alphabetic) && month(w).is_none())
        && words.len() > 3
    {
        words.remove(0);
    }
    // "Jan 5 2024" (month first) becomes "5 Jan 2024".
    if words.len() >= 2
        && month(&words[0]).is_some()
        && words[1].chars().all(|c| c.is_ascii_digit())
    {
        words.swap(0, 1);
    }
    if words.len() < 3 {
        return None;
    }
    let day: u32 = words[0].trim_end_matches('.').parse().ok()?;
    let mon = month(&words[1])?;
    let mut year: i32 = words[2].parse().ok()?;
    if year < 100 {
        year += if year < 50 { 2000 } else { 1900 };
    }
    let date = NaiveDate::from_ymd_opt(year, mon, day)?;
    let mut rest = words[3..].iter();
    let time = match rest.next() {
        Some(t) if t.contains(':') => {
            let parts: Vec<&str> = t.split(':').collect();
            let h: u32 = parts.first()?.parse().ok()?;
            let m: u32 = parts.get(1)?.parse().ok()?;
            let sec: u32 = parts
                .get(2)
                .map_or(Ok(0), |p| p.split('.').next().unwrap_or("0").parse())
                .ok()?;
            // "24:00" is written for midnight at the end of the day.
            if h == 24 && m == 0 && sec == 0 {
                date.succ_opt()?.and_hms_opt(0, 0, 0)?
            } else {
                date.and_hms_opt(h, m, sec.min(59))?
            }
        }
        Some(_) | None => date.and_hms_opt(0, 0, 0)?,
    };
    let offset = match words
        .get(4)
        .or_else(|| words.get(3).filter(|w| !w.contains(':')))
    {
        Some(z) => zone(z)?,
        None => FixedOffset::east_opt(0)?,
    };
    let dt = offset.from_local_datetime(&time).single()?;
    Some(dt.with_timezone(&Utc))
}

/// Month names and abbreviations in English and Russian (the languages of
/// most of the region's feeds that write dates by hand).
fn month(w: &str) -> Option<u32> {
    let lower = w.trim_end_matches('.').to_lowercase();
    const EN: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const RU: [&str; 12] = [
        "янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
    ];
    if let Some(i) = EN.iter().position(|m| lower.starts_with(m)) {
        return Some(i as u32 + 1);
    }
    RU.iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// A zone as RFC 822 and the wild write it.
fn zone(z: &str) -> Option<FixedOffset> {
    let upper = z.to_ascii_uppercase();
    let hours = |h: i32| FixedOffset::east_opt(h * 3600);
    match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "-0000" => return hours(0),
        "EST" => return hours(-5),
        "EDT" => return hours(-4),
        "CST" => return hours(-6),
        "CDT" => return hours(-5),
        "MST" => return hours(-7),
        "MDT" => return hours(-6),
        "PST" => return hours(-8),
        "PDT" => return hours(-7),
        "MSK" => return hours(3),
        "TJT" | "UZT" => return hours(5),
        "AFT" => return FixedOffset::east_opt(4 * 3600 + 1800),
        "CET" => return hours(1),
        "CEST" | "EET" => return hours(2),
        "EEST" => return hours(3),
        _ => {}
    }
    let z = upper
        .strip_prefix("GMT")
        .or_else(|| upper.strip_prefix("UTC"))
        .unwrap_or(&upper);
    let (sign, digits) = match z.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    #[test]
    fn the_forms_feeds_use() {
        let cases = [
            ("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),
            ("Sat, 07 Sep 2002 00:00:01 GMT", "2002-09-07T00:00:01Z"),
            ("Fri, 25 Dec 2009 03:30:22 +0000", "2009-12-25T03:30:22Z"),
            ("Tue, 5 Mar 2024 9:05:00 +0300", "2024-03-05T06:05:00Z"),
            (
                "Tuesday, 05 March 2024 09:05:00 UTC",
                "2024-03-05T09:05:00Z",
            ),
            ("Thurs, 13 Jul 2011 07:38:00 GMT", "2011-07-13T07:38:00Z"),
            ("05 Mar 2024 09:05 MSK", "2024-03-05T06:05:00Z"),
            ("Mar 5 2024 09:05:00 -0500", "2024-03-05T14:05:00Z"),
            ("Tue, 05 Mar 24 09:05:00 EST", "2024-03-05T14:05:00Z"),
            ("Tue, 05 Mar 2024 09:05:00", "2024-03-05T09:05:00Z"),
            ("5 марта 2024 09:05:00 +0500", "2024-03-05T04:05:00Z"),
            ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
            ("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z"),
            ("2003-12-31T10:14:55+0430", "2003-12-31T05:44:55Z"),
            ("2003-12-31T10:14:55.123", "2003-12-31T10:14:55Z"),
            ("2003-12-31 10:14:55", "2003-12-31T10:14:55Z"),
            ("2003-12-31T10:14Z", "2003-12-31T10:14:00Z"),
            ("2003-12-31", "2003-12-31T00:00:00Z"),
            ("2003-12", "2003-12-01T00:00:00Z"),
            ("2003", "2003-01-01T00:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(utc(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn garbage_is_not_a_date() {
        for input in [
            "",
            "yesterday",
            "Tue, 99 Foo 2024",
            "2024-13-45",
            "Ωμέγα 12 2003 ΑΒΓ",
            // Multi-byte zone text must not be sliced mid-character.
            "5 Mar 2024 09:05 +aЖb",
            "5 Mar 2024 09:05 -ЖЖ",
        ] {
            assert_eq!(utc(input), None, "{input}");
        }
    }
}
