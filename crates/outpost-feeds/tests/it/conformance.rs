//! feedparser's own test feeds, read through `outpost_feeds::parse` and
//! checked against feedparser's expectations
//! (`expectations.json` in the conformance folder; see its README).
//!
//! The files are never copied into this repository. The folder is found at
//! `$OUTPOST_CONFORMANCE_DIR`, else in the conformance folder beside the
//! repository; when it is absent the test says so and passes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use outpost_feeds::charset::Charset;
use outpost_feeds::{ParseError, ParsedFeed, parse};
use serde_json::Value;
use url::Url;

/// Cases where Outpost decides differently from feedparser, on purpose.
/// Each must still fail the way described (the test checks that), so the
/// list cannot go stale silently.
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "encoding/http_text_xml_default.xml",
        "text/xml without a charset means us-ascii under RFC 3023, which RFC 7303 replaced; \
         Outpost reads the document's own declaration/UTF-8 default (the README calls this feedparser's policy)",
    ),
    (
        "encoding/demoronize-3.xml",
        "markup-sensitive: summaries are plain text with entities decoded, so &#x2019; is '’', not kept escaped",
    ),
    (
        "encoding/euc-kr-attribute.xml",
        "markup-sensitive: summaries are plain text, so an <img alt> has no text; the image stays in content_html",
    ),
    (
        "wellformed/atom10/entry_title_escaped_markup.xml",
        "markup-sensitive: titles are plain text, so type=\"html\" markup is removed, not kept",
    ),
    (
        "wellformed/atom10/entry_title_inline_markup_2.xml",
        "markup-sensitive: feedparser keeps &lt;blink&gt; escaped inside XHTML; Outpost's plain-text title is 'History of the <blink> tag'",
    ),
    (
        "wellformed/atom10/feed_title_base64.xml",
        "a title whose type is a binary MIME type (base64 data) is read as text with a warning, not decoded; \
         the feed is still read",
    ),
    (
        "encoding/bozo_linenoise.xml",
        "detector-dependent: undeclared bytes are guessed by chardetng, not chardet, so the mojibake differs \
         (the document is still reported as guessed, i.e. bozo)",
    ),
    (
        "wellformed/rss/channel_description_shorttag.xml",
        "an empty <description/> is reported as no description (null), not as an empty string",
    ),
    (
        "wellformed/rss/item_image_link_conflict.xml",
        "links are parsed as URLs, whose host is case-insensitive and written in lower case (http://item.test/)",
    ),
    (
        "wellformed/rss/channel_description_escaped_markup.xml",
        "markup-sensitive: descriptions are plain text, so <p> is removed",
    ),
];

/// Passing cases must never drop below this; raise it when the parser improves.
const PASS_FLOOR: usize = 160;

fn conformance_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OUTPOST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/feedparser")
        });
    dir.join("expectations.json").is_file().then_some(dir)
}

#[test]
fn feedparser_conformance() {
    let Some(dir) = conformance_dir() else {
        eprintln!(
            "SKIPPED: feedparser conformance folder not found (set OUTPOST_CONFORMANCE_DIR or \
             place it at ../shared/conformance/feedparser beside the repository)"
        );
        return;
    };
    let raw =
        std::fs::read_to_string(dir.join("expectations.json")).expect("read expectations.json");
    let doc: Value = serde_json::from_str(&raw).expect("expectations.json is JSON");
    let cases = doc["cases"].as_array().expect("cases array");
    let differences: HashMap<&str, &str> = DIFFERENCES.iter().copied().collect();

    // category -> (pass, fail, documented difference)
    let mut per_category: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut passed = 0;

    for case in cases {
        let file = case["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
        let headers = case["http_headers"].as_object();
        let content_type = headers.and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .and_then(|(_, v)| v.as_str())
        });
        let url = case["document_url"]
            .as_str()
            .map(|u| Url::parse(u).expect("document_url"));
        let result = parse(&bytes, content_type, url.as_ref());

        let mut problems = Vec::new();
        for check in case["checks"].as_array().expect("checks") {
            if let Err(p) = run_check(&result, check) {
                problems.push(p);
            }
        }
        let category = category_of(file);
        let entry = per_category.entry(category).or_default();
        match (problems.is_empty(), differences.get(file)) {
            (true, None) => {
                entry.0 += 1;
                passed += 1;
            }
            (true, Some(_)) => {
                entry.0 += 1;
                passed += 1;
                stale.push(file.to_string());
            }
            (false, Some(_)) => entry.2 += 1,
            (false, None) => {
                entry.1 += 1;
                failures.push(format!("{file}: {}", problems.join("; ")));
            }
        }
    }

    println!("feedparser conformance: {} cases", cases.len());
    println!(
        "{:<28} {:>5} {:>5} {:>9}",
        "category", "pass", "fail", "differs"
    );
    for (cat, (p, f, d)) in &per_category {
        println!("{cat:<28} {p:>5} {f:>5} {d:>9}");
    }
    let differ: usize = per_category.values().map(|v| v.2).sum();
    println!(
        "total: {passed} pass, {} fail, {differ} documented differences",
        failures.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        stale.is_empty(),
        "cases listed as differences now pass; remove them from DIFFERENCES: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} unexplained conformance failures (listed above)",
        failures.len()
    );
    assert!(
        passed >= PASS_FLOOR,
        "{passed} passing cases, below the floor of {PASS_FLOOR}"
    );
}

fn category_of(file: &str) -> String {
    let parts: Vec<&str> = file.split('/').collect();
    match parts.as_slice() {
        [top, sub, _, ..] if *top != "encoding" && *top != "entities" => format!("{top}/{sub}"),
        [top, ..] => top.to_string(),
        [] => String::new(),
    }
}

/// Runs one `{path, op, value}` check; `Err` says what differed.
fn run_check(result: &Result<ParsedFeed, ParseError>, check: &Value) -> Result<(), String> {
    let path = check["path"].as_str().expect("path");
    let want = &check["value"];
    if path == "bozo" {
        let bozo = match result {
            Err(_) => true,
            Ok(f) => !f.warnings.is_empty(),
        };
        let expect = want.as_bool().expect("bozo is a bool");
        return if bozo == expect {
            Ok(())
        } else {
            let why = match result {
                Err(e) => format!("error: {e}"),
                Ok(f) => format!("warnings: {:?}", f.warnings),
            };
            Err(format!("bozo {bozo}, want {expect} ({why})"))
        };
    }
    let feed = result
        .as_ref()
        .map_err(|e| format!("{path}: parse failed: {e}"))?;
    let got: Option<String> = match path {
        "encoding" => {
            let accept: Vec<&str> = check["accept"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let want = want.as_str().expect("encoding is a string");
            return if same_charset(&feed.encoding.label, want)
                || accept.iter().any(|a| same_charset(&feed.encoding.label, a))
            {
                Ok(())
            } else {
                Err(format!("encoding {:?}, want {want:?}", feed.encoding.label))
            };
        }
        "version" => {
            let want = want.as_str().expect("version is a string");
            return if feed.format.as_str() == feedparser_version(want) {
                Ok(())
            } else {
                Err(format!("format {}, want {want}", feed.format.as_str()))
            };
        }
        "feed.title" => feed.title.clone(),
        "feed.link" => feed.link.clone(),
        "feed.description" => feed.description.clone(),
        "feed.id" => feed.id.clone(),
        "feed.language" => feed.language.clone(),
        "feed.updated" => feed.updated.map(rfc3339),
        "feed.published" => feed.published.map(rfc3339),
        p if p.starts_with("entries[") => {
            let (idx, field) = p["entries[".len()..]
                .split_once("].")
                .expect("entries[N].field");
            let idx: usize = idx.parse().expect("entry index");
            let e = feed
                .entries
                .get(idx)
                .ok_or_else(|| format!("no entries[{idx}] ({} entries)", feed.entries.len()))?;
            match field {
                "title" => e.title.clone(),
                "link" => e.link.clone(),
                "id" => e.id.clone(),
                "summary" => e.summary.clone(),
                "updated" => e.updated.map(rfc3339),
                "published" => e.published.map(rfc3339),
                other => return Err(format!("unknown entry field {other}")),
            }
        }
        other => return Err(format!("unknown path {other}")),
    };
    let want = want.as_str().map(str::to_string);
    if got == want {
        Ok(())
    } else {
        Err(format!("{path} = {got:?}, want {want:?}"))
    }
}

fn rfc3339(d: chrono::DateTime<chrono::Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Charset names compared as charsets, not strings: feedparser reports
/// Python codec names (`iso-8859-1`, `us-ascii`, `gb2312`), which WHATWG
/// decodes as windows-1252 and GBK; GBK and gb18030 are one family.
fn same_charset(ours: &str, theirs: &str) -> bool {
    let canon = |l: &str| {
        Charset::for_label(l).map(|c| match c.label().as_str() {
            "gb18030" => "gbk".to_string(),
            other => other.to_string(),
        })
    };
    canon(ours).is_some() && canon(ours) == canon(theirs)
}

/// feedparser's version names in Outpost's vocabulary. `rss` (an `<rss>`
/// without a version) is read as RSS 2.0, the superset of every RSS version.
fn feedparser_version(v: &str) -> &'static str {
    match v {
        "rss090" | "rss091n" | "rss091u" | "rss092" | "rss093" | "rss094" => "rss0.9x",
        "rss20" | "rss" => "rss2.0",
        "rss10" => "rss1.0",
        "atom03" => "atom0.3",
        "atom10" | "atom" => "atom1.0",
        "json1" | "json11" => "json1.x",
        _ => "unknown",
    }
}
