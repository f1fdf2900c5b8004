//! `outpost export` run as a process against a prepared archive on disk.

use std::path::PathBuf;
use std::process::Command;

use chrono::{TimeZone, Utc};
use outpost_core::{AlertState, Field, NewSource, Severity, Span};
use outpost_store::{NewAlert, NewArticle, Store};

mod common;
use common::{new_source, new_watchlist, outpost, text};

struct Prepared {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: PathBuf,
    watchlist: i64,
}

/// Two saved alerts (Russian and Persian titles), one unsaved alert, and
/// `extra_saved` more articles saved without an alert.
fn prepare(extra_saved: u32) -> Prepared {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let store = Store::open(&db).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    let source = store
        .add_source(
            &NewSource {
                lang: Some("ru".into()),
                ..new_source("https://asiaplus.example/rss", "Азия-Плюс")
            },
            now,
        )
        .unwrap();
    let article = |guid: &str, title: &str| NewArticle {
        guid: Some(guid.into()),
        url: Some(format!("https://asiaplus.example/{guid}")),
        title: title.into(),
        text: format!("{title}: текст статьи."),
        ..NewArticle::default()
    };
    let mut items = vec![
        article("ru", "Стрельба у моста в Хороге"),
        article("fa", "درگیری در مرز"),
        article("new", "Unread border item"),
    ];
    items.extend(
        (0..extra_saved).map(|i| article(&format!("extra-{i}"), &format!("Saved item {i}"))),
    );
    let ids: Vec<i64> = store
        .ingest(source, &items, now)
        .unwrap()
        .into_iter()
        .map(|i| i.article_id)
        .collect();
    let watchlist = store
        .add_watchlist(&new_watchlist("Border", "border", Severity::High), now)
        .unwrap();
    for (i, &article_id) in ids[..3].iter().enumerate() {
        let alert = store
            .insert_alert(&NewAlert {
                watchlist_id: watchlist,
                article_id,
                spans: vec![Span {
                    field: Field::Title,
                    start: 0,
                    end: 4,
                    text: "term".into(),
                    term: None,
                }],
                story_id: None,
                created_at: now + chrono::Duration::days(i as i64),
            })
            .unwrap()
            .unwrap();
        if i < 2 {
            store
                .set_alert_state(alert, AlertState::Saved, now)
                .unwrap();
        }
    }
    for &id in &ids[3..] {
        store.set_article_saved(id, true, now).unwrap();
    }
    drop(store);
    Prepared {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        db,
        watchlist,
    }
}

#[test]
fn exports_saved_articles_and_refuses_to_overwrite_without_force() {
    let p = prepare(0);
    let out = p.dir.join("saved.csv");
    let out_s = out.display().to_string();
    let run = outpost(&p.db, &["export", "--format", "csv", "--out", &out_s]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stdout),
        format!("exported 2 articles to {out_s}\n")
    );
    let csv = std::fs::read(&out).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte-order mark");
    let csv = text(&csv[3..]);
    assert!(csv.starts_with("title,source,url,published,fetched,language,watchlists,severity,matched terms,state,notes,tags,sha256"), "{csv}");
    assert!(csv.contains("Стрельба у моста в Хороге") && csv.contains("درگیری در مرز"));
    assert!(
        !csv.contains("Unread border item"),
        "only saved alerts by default"
    );

    let again = outpost(&p.db, &["export", "--format", "csv", "--out", &out_s]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr),
        format!("error: {out_s} already exists; pass --force to replace it\n")
    );
    let forced = outpost(
        &p.db,
        &["export", "--format", "md", "--out", &out_s, "--force"],
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(text(&std::fs::read(&out).unwrap()).starts_with("# Outpost export"));
}

#[test]
fn filters_by_watchlist_and_date_and_infers_the_format() {
    let p = prepare(0);
    let out = p.dir.join("border.json");
    let id = p.watchlist.to_string();
    let run = outpost(
        &p.db,
        &["export", "--watchlist", &id, "--out", out.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let titles: Vec<&str> = doc["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Unread border item",
            "درگیری در مرز",
            "Стрельба у моста в Хороге"
        ],
        "every state, newest first"
    );

    let saved_since = p.dir.join("since.json");
    let run = outpost(
        &p.db,
        &[
            "export",
            "--saved",
            "--watchlist",
            &id,
            "--since",
            "2026-11-26",
            "--out",
            saved_since.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved_since).unwrap()).unwrap();
    assert_eq!(doc["count"], 1);
    assert_eq!(doc["articles"][0]["title"], "درگیری در مرز");

    let html = p.dir.join("report.HTML");
    let run = outpost(&p.db, &["export", "--out", html.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report = text(&std::fs::read(&html).unwrap());
    assert!(report.starts_with("<!DOCTYPE html>") && !report.contains("<script"));
}

#[test]
fn bad_input_is_explained() {
    let p = prepare(0);
    let unknown = outpost(
        &p.db,
        &["export", "--out", p.dir.join("x.txt").to_str().unwrap()],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("pass --format csv|json|md|html"),
        "{}",
        text(&unknown.stderr)
    );

    let date = outpost(&p.db, &["export", "--since", "yesterday", "--out", "x.csv"]);
    assert_eq!(date.status.code(), Some(2));
    assert!(
        text(&date.stderr).contains("'yesterday' is not a date like 2026-11-26"),
        "{}",
        text(&date.stderr)
    );

    let no_db = outpost(
        &p.dir.join("missing.db"),
        &["export", "--out", p.dir.join("y.csv").to_str().unwrap()],
    );
    assert_eq!(no_db.status.code(), Some(1));
    assert!(
        text(&no_db.stderr).contains("there is no archive at"),
        "{}",
        text(&no_db.stderr)
    );
    assert!(
        !p.dir.join("missing.db").exists(),
        "a missing archive is not created"
    );

    let watchlist = outpost(
        &p.db,
        &[
            "export",
            "--watchlist",
            "999",
            "--out",
            p.dir.join("z.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(watchlist.status.code(), Some(1));
    assert!(
        text(&watchlist.stderr).contains("999"),
        "{}",
        text(&watchlist.stderr)
    );
    assert!(!p.dir.join("z.csv").exists());
}

#[test]
fn long_exports_report_progress_on_a_terminal_only() {
    let p = prepare(600);
    let out = p.dir.join("all.csv");
    let run = outpost(&p.db, &["export", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stdout),
        format!("exported 602 articles to {}\n", out.display())
    );
    assert_eq!(text(&run.stderr), "", "a pipe gets no progress noise");

    // On a terminal (a pseudo-terminal from util-linux `script`) the same
    // export shows its progress on one rewritten line.
    if Command::new("script").arg("--version").output().is_err() {
        println!("SKIPPED the terminal half: util-linux `script` is not installed");
        return;
    }
    let cmd = format!(
        "{} --db {} export --out {} --force",
        env!("CARGO_BIN_EXE_outpost"),
        p.db.display(),
        out.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .unwrap();
    assert!(tty.status.success(), "{}", text(&tty.stdout));
    let screen = text(&tty.stdout);
    assert!(screen.contains("exporting 602/602 (100%)"), "{screen:?}");
    assert!(screen.contains("exported 602 articles to"), "{screen:?}");
}
