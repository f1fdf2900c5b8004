//! `outpost sources edit` (the schedule flags) and `outpost schedule
//! simulate` against real files.

use chrono::Utc;
use outpost_store::Store;

mod common;
use common::{json, new_source, outpost, text};

// Issue 19, item 2: `--interval` is the analyst's fixed choice,
// `--adaptive` hands the source back to the scheduler, and priority is a
// flag of its own; `sources list --json` shows all three.
#[test]
fn sources_edit_sets_a_fixed_interval_adaptive_and_priority() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let id = {
        let store = Store::open(&db).unwrap();
        store
            .add_source(&new_source("https://a.example/feed", "A"), Utc::now())
            .unwrap()
            .to_string()
    };
    let out = outpost(
        &db,
        &["sources", "edit", &id, "--interval", "30m", "--priority"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("source {id} is polled every 30 min (fixed), priority")
    );
    let listed = json(&outpost(&db, &["sources", "list", "--json"]));
    assert_eq!(listed[0]["interval_secs"], 1800);
    assert_eq!(listed[0]["interval_fixed"], true);
    assert_eq!(listed[0]["priority"], true);
    let out = outpost(
        &db,
        &["sources", "edit", &id, "--adaptive", "--no-priority"],
    );
    assert_eq!(
        text(&out.stdout).trim(),
        format!("source {id} is polled as often as it publishes")
    );
    let listed = json(&outpost(&db, &["sources", "list", "--json"]));
    assert_eq!(listed[0]["interval_fixed"], false);
    assert_eq!(listed[0]["interval_secs"], 900);
    assert_eq!(listed[0]["priority"], false);

    // Nothing to change, or both ways at once, is a usage error.
    let none = outpost(&db, &["sources", "edit", &id]);
    assert_eq!(none.status.code(), Some(2), "{}", text(&none.stderr));
    let both = outpost(
        &db,
        &["sources", "edit", &id, "--interval", "1h", "--adaptive"],
    );
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    let missing = outpost(&db, &["sources", "edit", "999", "--priority"]);
    assert_eq!(missing.status.code(), Some(1));
}

/// A trace: a source publishing every 5 minutes for two days and one
/// publishing daily, as JSON lines.
fn trace() -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-02T00:00:00Z")
        .unwrap()
        .to_utc();
    let times = |step: i64, n: i64| -> Vec<String> {
        (0..n)
            .map(|i| (start + chrono::Duration::minutes(step * i)).to_rfc3339())
            .collect()
    };
    format!(
        "{}\n{}\n",
        serde_json::json!({"source": "wire", "published": times(5, 576)}),
        serde_json::json!({"source": "daily", "published": times(24 * 60, 3)})
    )
}

// Issue 19, item 4: the adaptive rule against the fixed baseline, on the
// same trace, in text and JSON.
#[test]
fn schedule_simulate_compares_the_rule_with_the_fixed_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.jsonl");
    std::fs::write(&path, trace()).unwrap();
    let db = dir.path().join("unused.db");
    let p = path.to_str().unwrap();
    let fixed = json(&outpost(
        &db,
        &["schedule", "simulate", p, "--fixed", "900", "--json"],
    ));
    let adaptive = json(&outpost(&db, &["schedule", "simulate", p, "--json"]));
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();
    assert_eq!(fixed["sources"], 2);
    assert!(f(&fixed, "median_latency_secs") > 300.0, "{fixed}");
    assert!(
        f(&adaptive, "median_latency_secs") < f(&fixed, "median_latency_secs") / 2.0,
        "{adaptive} vs {fixed}"
    );
    assert!(
        f(&adaptive, "requests") <= f(&fixed, "requests"),
        "{adaptive} vs {fixed}"
    );
    assert_eq!(f(&adaptive, "budget_per_hour"), 8.0);
    let out = outpost(&db, &["schedule", "simulate", p]);
    let shown = text(&out.stdout);
    assert!(shown.contains("median latency: "), "{shown}");
    assert!(shown.contains("requests: "), "{shown}");
    assert!(!db.exists(), "simulating opens no archive");

    std::fs::write(
        &path,
        "{\"source\": \"a\", \"published\": [\"yesterday\"]}\n",
    )
    .unwrap();
    let bad = outpost(&db, &["schedule", "simulate", p]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(
        err.contains(":1: 'yesterday' is not an RFC 3339 time"),
        "{err}"
    );
}
