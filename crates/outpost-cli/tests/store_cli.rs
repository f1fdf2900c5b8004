//! `outpost search` and `outpost backup` against a real archive file seeded
//! through the store library.

use std::path::Path;

use chrono::{TimeZone, Utc};
use outpost_store::{NewArticle, NewSource, Store};

mod common;
use common::{json, new_source, outpost, text};

fn seed(db: &Path) {
    let store = Store::open(db).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let source = |url: &str, name: &str| {
        store
            .add_source(
                &NewSource {
                    interval_secs: 600,
                    ..new_source(url, name)
                },
                t0,
            )
            .unwrap()
    };
    let asia = source("https://asiaplus.example/rss", "Asia-Plus");
    let tolo = source("https://tolo.example/rss", "TOLOnews");
    let item = |n: u32, title: &str, summary: &str, lang: &str, days_ago: i64| NewArticle {
        guid: Some(n.to_string()),
        url: Some(format!("https://news.example/{n}")),
        title: title.into(),
        summary: summary.into(),
        content_html: String::new(),
        text: String::new(),
        lang: Some(lang.into()),
        published: Some(t0 - chrono::Duration::days(days_ago)),
        authors: vec![],
        extra: Default::default(),
    };
    store
        .ingest(
            asia,
            &[
                item(
                    1,
                    "Перестрелка на границе",
                    "Пограничники сообщили о <стрельбе> на границе.",
                    "ru",
                    10,
                ),
                item(
                    2,
                    "Border talks in Dushanbe",
                    "Officials discussed the border & trade.",
                    "en",
                    2,
                ),
            ],
            t0,
        )
        .unwrap();
    store
        .ingest(
            tolo,
            &[item(
                3,
                "Border crossing reopens",
                "Traders welcome the reopened crossing.",
                "en",
                1,
            )],
            t0,
        )
        .unwrap();
}

#[test]
fn search_prints_date_source_title_and_marked_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    seed(&db);
    let out = outpost(&db, &["search", "границ*"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2026-10-22 08:00  Asia-Plus  Перестрелка на [границе]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Пограничники сообщили о <стрельбе> на [границе]."),
        "{stdout}"
    );
    assert!(stdout.contains("https://news.example/1"), "{stdout}");
}

#[test]
fn search_json_filters_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    seed(&db);
    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = outpost(&db, args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let all = json(&["search", "border", "--json"]);
    assert_eq!(all.len(), 2);
    assert!(all[0]["snippet"].as_str().is_some());
    assert!(all.iter().all(|h| {
        h["title_html"]
            .as_str()
            .unwrap()
            .contains("<mark>Border</mark>")
    }));

    let tolo = json(&["search", "border", "--json", "--source", "tolonews"]);
    assert_eq!(tolo.len(), 1);
    assert_eq!(tolo[0]["source_name"], "TOLOnews");
    let by_id = json(&["search", "border", "--json", "--source", "1"]);
    assert_eq!(by_id[0]["source_name"], "Asia-Plus");

    let recent = json(&["search", "border", "--json", "--since", "2026-10-31"]);
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0]["title"], "Border crossing reopens");
    assert_eq!(
        json(&["search", "border", "--json", "--limit", "1"]).len(),
        1
    );
    assert_eq!(
        json(&["search", "border OR границе", "--json", "--lang", "ru"]).len(),
        1
    );
    let newest = json(&["search", "border", "--json", "--newest"]);
    assert_eq!(newest[0]["title"], "Border crossing reopens");
}

#[test]
fn search_reports_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let out = outpost(&db, &["search", "border"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no archive at"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.exists(), "searching must not create an archive");

    seed(&db);
    let out = outpost(&db, &["search", "\"unclosed"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("unclosed quote"),
        "{}",
        text(&out.stderr)
    );
    // Search speaks the watchlist language's errors, with the column.
    let out = outpost(&db, &["search", "NOT", "border"]);
    assert!(
        text(&out.stderr).contains("error at column 1: this exclusion would match every article that lacks the excluded text"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(&db, &["search", "border", "--since", "last tuesday"]);
    assert!(
        text(&out.stderr).contains("YYYY-MM-DD"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(&db, &["search", "border", "--source", "nope"]);
    assert!(
        text(&out.stderr).contains("there is no source 'nope'"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(&db, &["search", "zebra"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("No articles match 'zebra'"));
}

#[test]
fn backup_copies_refuses_to_overwrite_and_forces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    seed(&db);
    let copy = dir.path().join("copy.db");
    let out = outpost(&db, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 articles"),
        "{}",
        text(&out.stdout)
    );
    let restored = Store::open(&copy).unwrap();
    assert_eq!(restored.count_articles().unwrap(), 3);
    assert_eq!(restored.integrity_check().unwrap(), ["ok"]);
    drop(restored);

    let out = outpost(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("copy.db already exists") && err.contains("--force"),
        "{err}"
    );

    let out = outpost(&db, &["backup", "--force", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = outpost(
        &dir.path().join("missing.db"),
        &["backup", dir.path().join("x.db").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no archive at"));
}

#[test]
fn backup_of_a_damaged_archive_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    std::fs::write(&db, vec![0x42; 4096]).unwrap();
    let out = outpost(&db, &["backup", dir.path().join("b.db").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("outpost.db") && err.contains("damaged"),
        "{err}"
    );
}

// Hardening 2, item 1: an archive holding a 20,000-link NEAR chain (stored
// by an earlier version) aborted every command; now it opens, and
// `watchlists list` shows why that watchlist is not matched.
#[test]
fn watchlists_list_warns_about_a_stored_query_past_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    seed(&db);
    {
        let store = Store::open(&db).unwrap();
        let watchlist = |name: &str, query: String| outpost_core::NewWatchlist {
            name: name.into(),
            query,
            severity: outpost_core::Severity::High,
            notify: false,
            scope_sources: vec![],
            scope_langs: vec![],
            color: None,
        };
        let now = Utc::now();
        let chain = "tajik NEAR/5 ".repeat(20_000) + "afghan";
        store
            .add_watchlist(&watchlist("chain", chain), now)
            .unwrap();
        store
            .add_watchlist(&watchlist("border", "border".into()), now)
            .unwrap();
    }
    let out = outpost(&db, &["watchlists", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches("warning: not matched").count(), 1);
    assert!(stdout.contains("levels deep"));
    let out = outpost(&db, &["watchlists", "list", "--json"]);
    let list = json(&out);
    let named = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(
        named("chain")["problem"]
            .as_str()
            .unwrap()
            .contains("levels deep")
    );
    assert!(named("border")["problem"].is_null());
    let out = outpost(&db, &["sources", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
