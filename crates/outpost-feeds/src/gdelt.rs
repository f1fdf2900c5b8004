//! GDELT DOC 2.0 queries: the `ArtList` mode of the `doc` API as entries.
//!
//! GDELT searches the English machine translation of what it monitors, so
//! a query is written in English whatever the language of the coverage.
//! [`request_url`] builds the request; [`read_artlist`] reads the answer,
//! which is JSON when the query ran and plain text or HTML in GDELT's own
//! words when it did not (an invalid query, a rate limit), even with
//! HTTP 200.

use std::collections::HashSet;

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use url::Url;

use crate::model::Entry;

/// The public DOC 2.0 endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.gdeltproject.org/api/v2/doc/doc";
/// The most articles one `ArtList` request returns.
pub const MAX_RECORDS: u32 = 250;
/// The shortest time span asked for: GDELT updates every 15 minutes.
pub const MIN_TIMESPAN_MINUTES: i64 = 15;

/// The request for articles seen in the last `minutes` (at least 15).
///
/// The endpoint's own parameters are kept, except the ones this request
/// sets: a source's stored address carries its query (`?query=…`) so that
/// two queries on one endpoint are two sources.
pub fn request_url(endpoint: &Url, query: &str, minutes: i64) -> Url {
    const OWN: [&str; 6] = ["query", "mode", "format", "maxrecords", "sort", "timespan"];
    let mut url = endpoint.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !OWN.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    let minutes = minutes.max(MIN_TIMESPAN_MINUTES);
    url.query_pairs_mut()
        .extend_pairs(kept)
        .append_pair("query", query)
        .append_pair("mode", "ArtList")
        .append_pair("format", "json")
        .append_pair("maxrecords", &MAX_RECORDS.to_string())
        .append_pair("sort", "DateDesc")
        .append_pair("timespan", &format!("{minutes}min"));
    url
}

/// The address stored for a query on `endpoint`: the endpoint with the
/// query, so each query is a source of its own.
pub fn source_url(endpoint: &Url, query: &str) -> Url {
    let mut url = endpoint.clone();
    url.query_pairs_mut().append_pair("query", query.trim());
    url
}

/// One GDELT article as an entry, with its outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct GdeltArticle {
    /// `url` as link and identity, `title`, `seendate` as published,
    /// "DOMAIN via GDELT" as the author.
    pub entry: Entry,
    pub domain: Option<String>,
    /// ISO 639-1 code of GDELT's language name, when it is one Outpost knows.
    pub lang: Option<String>,
}

/// Why an answer held no articles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GdeltError {
    /// GDELT's own words (an invalid query, a rate limit).
    #[error("GDELT says: {0}")]
    Service(String),
    #[error("GDELT's answer could not be read as JSON ({0}); try again later")]
    Malformed(String),
}

#[derive(Deserialize)]
struct ArtList {
    #[serde(default)]
    articles: Vec<RawArticle>,
}

#[derive(Deserialize)]
struct RawArticle {
    url: Option<String>,
    title: Option<String>,
    seendate: Option<String>,
    domain: Option<String>,
    language: Option<String>,
}

/// Reads an `ArtList` answer.
pub fn read_artlist(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<Vec<GdeltArticle>, GdeltError> {
    let text = String::from_utf8_lossy(body);
    // Control characters turn up in GDELT's JSON; they are never meaningful.
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    let trimmed = cleaned.trim();
    let is_json_type = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    if !trimmed.starts_with('{') {
        // Not JSON: GDELT explaining why not, in text or HTML.
        let words = crate::sanitize::html_to_text(trimmed);
        let words: String = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let words: String = words.chars().take(300).collect();
        return Err(if words.is_empty() && is_json_type {
            GdeltError::Malformed("empty".into())
        } else {
            GdeltError::Service(words)
        });
    }
    let list: ArtList =
        serde_json::from_str(trimmed).map_err(|e| GdeltError::Malformed(e.to_string()))?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.articles.len());
    for a in list.articles {
        let Some(url) = a
            .url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
        else {
            continue;
        };
        // Exact repeats are dropped here; copies that differ only by
        // tracking parameters are one article by the archive's canonical URL.
        if !seen.insert(url.clone()) {
            continue;
        }
        let domain = a.domain.filter(|d| !d.trim().is_empty());
        let published = a.seendate.as_deref().and_then(seen_date);
        out.push(GdeltArticle {
            entry: Entry {
                id: Some(url.clone()),
                title: a.title.map(|t| crate::sanitize::html_to_text(t.trim())),
                link: Some(url),
                summary: None,
                content_html: None,
                published,
                updated: None,
                authors: domain
                    .iter()
                    .map(|d| format!("{} via GDELT", d.trim()))
                    .collect(),
            },
            domain,
            lang: a
                .language
                .as_deref()
                .and_then(language_code)
                .map(str::to_string),
        });
    }
    Ok(out)
}

/// `seendate`, `YYYYMMDDTHHMMSSZ` in UTC.
pub fn seen_date(s: &str) -> Option<chrono::DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y%m%dT%H%M%SZ").ok()?;
    Some(Utc.from_utc_datetime(&naive))
}

/// GDELT names languages in English; the archive keeps ISO 639-1 codes.
pub fn language_code(name: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("english", "en"),
        ("russian", "ru"),
        ("persian", "fa"),
        ("farsi", "fa"),
        ("dari", "fa"),
        ("pashto", "ps"),
        ("tajik", "tg"),
        ("uzbek", "uz"),
        ("kyrgyz", "ky"),
        ("kazakh", "kk"),
        ("turkmen", "tk"),
        ("turkish", "tr"),
        ("arabic", "ar"),
        ("urdu", "ur"),
        ("hindi", "hi"),
        ("chinese", "zh"),
        ("french", "fr"),
        ("german", "de"),
        ("spanish", "es"),
        ("portuguese", "pt"),
        ("italian", "it"),
        ("ukrainian", "uk"),
        ("azerbaijani", "az"),
        ("georgian", "ka"),
        ("armenian", "hy"),
        ("japanese", "ja"),
        ("korean", "ko"),
        ("polish", "pl"),
        ("dutch", "nl"),
    ];
    let name = name.trim().to_ascii_lowercase();
    CODES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_has_the_documented_parameters() {
        let ep = source_url(&Url::parse(DEFAULT_ENDPOINT).unwrap(), "old");
        let url = request_url(&ep, "Khorog OR \"Gorno-Badakhshan\"", 3);
        assert_eq!(url.query_pairs().filter(|(k, _)| k == "query").count(), 1);
        let q: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("query"), Some("Khorog OR \"Gorno-Badakhshan\""));
        assert_eq!(get("mode"), Some("ArtList"));
        assert_eq!(get("format"), Some("json"));
        assert_eq!(get("maxrecords"), Some("250"));
        assert_eq!(get("sort"), Some("DateDesc"));
        // At least 15 minutes, whatever the gap since the last poll.
        assert_eq!(get("timespan"), Some("15min"));
    }

    #[test]
    fn reads_articles() {
        let body = br#"{"articles":[
          {"url":"https://news.example/a?utm_source=x","title":"Border talks resume","seendate":"20261129T091500Z","domain":"news.example","language":"Russian","sourcecountry":"Russia"},
          {"url":"https://news.example/a","title":"Border talks resume","seendate":"20261129T091500Z","domain":"news.example","language":"Russian"},
          {"url":"https://b.example/x","title":"Other","seendate":"bad","domain":"b.example","language":"Klingon"}
        ]}"#;
        let list = read_artlist(body, Some("application/json")).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].entry.authors, vec!["news.example via GDELT"]);
        assert_eq!(list[0].lang.as_deref(), Some("ru"));
        assert_eq!(
            list[0].entry.published.unwrap().to_rfc3339(),
            "2026-11-29T09:15:00+00:00"
        );
        assert_eq!(list[2].entry.published, None);
        assert_eq!(list[2].lang, None);
    }

    #[test]
    fn errors_are_gdelts_own_words() {
        let err = read_artlist(
            b"<html><body>Your search contained a keyword that was too short.</body></html>",
            Some("text/html"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "GDELT says: Your search contained a keyword that was too short."
        );
        assert!(read_artlist(b"{}", None).unwrap().is_empty());
        assert!(matches!(
            read_artlist(b"{\"articles\": [", None),
            Err(GdeltError::Malformed(_))
        ));
    }
}
