//! Hardening 2 (lost work, unsafe output, read-only archives), run as the
//! `outpost` process against real archive files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{TimeZone, Utc};
use outpost_core::{AlertState, Field, Severity, Span};
use outpost_store::{NewAlert, NewArticle, Store};

mod common;
use common::{closed_port, json, new_source, new_watchlist, outpost, outpost_command, text};

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn span(text: &str) -> Span {
    Span {
        field: Field::Title,
        start: 0,
        end: text.len(),
        text: text.into(),
        term: None,
    }
}

/// An archive with one watchlist ("Border", high) and four alerts: one
/// saved, one noted, one tagged, one untouched. Returns the watchlist id.
fn archive_with_annotated_alerts(db: &Path) -> i64 {
    let store = Store::open(db).unwrap();
    let s = store
        .add_source(&new_source("https://a.example/rss", "Wire"), t0())
        .unwrap();
    let items: Vec<NewArticle> = ["saved", "noted", "tagged", "plain"]
        .iter()
        .map(|g| NewArticle {
            guid: Some(g.to_string()),
            url: Some(format!("https://a.example/{g}")),
            title: format!("Border item {g}"),
            text: format!("Border item {g}."),
            ..NewArticle::default()
        })
        .collect();
    let ids: Vec<i64> = store
        .ingest(s, &items, t0())
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    let w = store
        .add_watchlist(&new_watchlist("Border", "border", Severity::High), t0())
        .unwrap();
    let alerts: Vec<i64> = ids
        .iter()
        .map(|&article_id| {
            store
                .insert_alert(&NewAlert {
                    watchlist_id: w,
                    article_id,
                    spans: vec![span("Border")],
                    story_id: None,
                    created_at: t0(),
                })
                .unwrap()
                .unwrap()
        })
        .collect();
    store
        .set_alert_state(alerts[0], AlertState::Saved, t0())
        .unwrap();
    store
        .set_alert_note(alerts[1], "checked with the desk")
        .unwrap();
    store.add_alert_tag(alerts[2], "follow-up").unwrap();
    w
}

#[test]
fn watchlists_remove_says_what_it_deletes_and_keeps_annotated_alerts() {
    // Hardening 2, item 5: `watchlists remove` silently deleted every alert
    // of the watchlist, with notes and tags, saved ones included.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let w = archive_with_annotated_alerts(&db).to_string();

    let out = outpost(&db, &["watchlists", "remove", &w]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(
        said.contains("removes 1 alerts; keeps 3 saved or annotated") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(Store::open(&db).unwrap().count_alerts().unwrap(), 4);

    let out = outpost(&db, &["watchlists", "remove", &w, "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("removed 1 alerts; kept 3 saved or annotated"),
        "{}",
        text(&out.stdout)
    );

    let list = outpost(&db, &["watchlists", "list"]);
    assert!(text(&list.stdout).starts_with("No watchlists yet"));
    let alerts = outpost(&db, &["alerts", "list", "--json"]);
    let alerts = json(&alerts);
    assert_eq!(alerts.as_array().unwrap().len(), 3);

    // The evidence export keeps the watchlist, severity, note and tag.
    let out = outpost(
        &db,
        &[
            "export",
            "--watchlist",
            &w,
            "--format",
            "json",
            "--out",
            "-",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = json(&out);
    let rows = doc["articles"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert_eq!(r["watchlists"], serde_json::json!(["Border"]), "{r}");
        assert_eq!(r["severity"], "high", "{r}");
    }
    let all = serde_json::to_string(rows).unwrap();
    assert!(all.contains("checked with the desk") && all.contains("follow-up"));
}

#[test]
fn terminal_output_carries_no_control_characters() {
    // Hardening 2, item 10: titles with escape sequences were printed raw by
    // `alerts list`, `search` and `sources list` (clear screen, forged
    // lines, terminal title, hidden links).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let hostile = "Border\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]8;;https://evil.example\u{1b}\\link\u{9b}31m\r\nforged line";
    {
        let store = Store::open(&db).unwrap();
        let s = store
            .add_source(&new_source("https://a.example/rss", hostile), t0())
            .unwrap();
        let ids = store
            .ingest(
                s,
                &[NewArticle {
                    guid: Some("1".into()),
                    url: Some("https://a.example/1".into()),
                    title: hostile.into(),
                    text: format!("{hostile} border text"),
                    ..NewArticle::default()
                }],
                t0(),
            )
            .unwrap();
        let w = store
            .add_watchlist(&new_watchlist(hostile, "border", Severity::High), t0())
            .unwrap();
        store
            .insert_alert(&NewAlert {
                watchlist_id: w,
                article_id: ids[0].article_id,
                spans: vec![span("Border")],
                story_id: None,
                created_at: t0(),
            })
            .unwrap();
    }
    let runs: [&[&str]; 9] = [
        &["alerts", "list"],
        &["alerts", "list", "--json"],
        &["search", "border"],
        &["search", "border", "--json"],
        &["sources", "list"],
        &["sources", "list", "--json"],
        &["sources", "export"],
        &["watchlists", "list"],
        &["watchlists", "list", "--json"],
    ];
    for args in runs {
        let out = outpost(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let s = text(bytes);
            let bad: Vec<char> = s.chars().filter(|c| c.is_control() && *c != '\n').collect();
            assert!(bad.is_empty(), "{args:?} {stream} has {bad:?}:\n{s}");
            assert!(!bytes.contains(&0x1b), "{args:?} {stream}");
        }
        assert!(
            text(&out.stdout).contains("Border"),
            "{args:?} still shows the title: {}",
            text(&out.stdout)
        );
    }
    // JSON keeps the exact text: the escapes decode to the same characters.
    let out = outpost(&db, &["alerts", "list", "--json"]);
    let alerts = json(&out);
    assert_eq!(alerts[0]["title"], hostile);
    // One field stays on one line in a table.
    let out = outpost(&db, &["alerts", "list"]);
    assert!(
        !text(&out.stdout)
            .lines()
            .any(|l| l.starts_with("forged line")),
        "{}",
        text(&out.stdout)
    );
}

/// Runs `outpost` as an unprivileged user when this process is root (root
/// ignores permission bits).
fn outpost_unprivileged(db: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = outpost_command(db);
    cmd.args(args);
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    cmd.output().unwrap()
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn reading_commands_work_on_a_read_only_archive() {
    // Hardening 2: a read-only archive could not even be searched or
    // exported.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("outpost.db");
    archive_with_annotated_alerts(&db);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = std::fs::read(&db).unwrap();

    let runs: [(&[&str], &str); 5] = [
        (&["search", "border"], "item saved"),
        (&["alerts", "list"], "Border item saved"),
        (&["sources", "list"], "Wire"),
        (&["watchlists", "list"], "Border"),
        (
            &["export", "--format", "csv", "--out", "-"],
            "Border item saved",
        ),
    ];
    for (args, expected) in runs {
        let out = outpost_unprivileged(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(expected),
            "{args:?}: {}",
            text(&out.stdout)
        );
    }
    // A command that writes says the archive is read-only.
    let out = outpost_unprivileged(&db, &["alerts", "note", "1", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );

    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing was written");
    let mut names: Vec<String> = std::fs::read_dir(&ro)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["outpost.db"]);
}

#[test]
fn a_mistyped_db_creates_no_archive() {
    // Hardening 2: a mistyped --db on a list command silently created an
    // empty archive.
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("outpsot.db");
    let runs: [&[&str]; 8] = [
        &["alerts", "list"],
        &["sources", "list"],
        &["watchlists", "list"],
        &["search", "border"],
        &["export", "--format", "json", "--out", "-"],
        &["alerts", "mark", "1", "--state", "read"],
        &["watchlists", "remove", "1", "--force"],
        &["sources", "disable", "1"],
    ];
    for args in runs {
        let out = outpost(&typo, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("there is no archive at") && err.contains("outpsot.db"),
            "{args:?}: {err}"
        );
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
}

#[test]
fn watchlists_need_a_name_and_existing_sources() {
    // Hardening 2: watchlists accepted a blank name and a non-existent
    // --source.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    archive_with_annotated_alerts(&db);
    let out = outpost(
        &db,
        &["watchlists", "add", "--name", "  ", "--query", "border"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("needs a name"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(
        &db,
        &[
            "watchlists",
            "add",
            "--name",
            "Scoped",
            "--query",
            "border",
            "--source",
            "999",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no source with id 999"),
        "{}",
        text(&out.stderr)
    );
    let out = outpost(&db, &["watchlists", "list", "--json"]);
    let list = json(&out);
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing was added");
}

#[test]
fn export_refuses_a_symlink_and_prints_each_cause_once() {
    // Hardening 2, items 6 and 13.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    archive_with_annotated_alerts(&db);
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("report.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let out = outpost(&db, &["export", "--force", "--out", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");

    let missing = dir.path().join("no-such-folder").join("x.csv");
    let out = outpost(&db, &["export", "--out", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn an_alert_on_a_huge_article_stays_small() {
    // Hardening 2, item 9: one 4.9 MB item made a 60 MB archive, its alert
    // holding 43.8 MB of spans, and `alerts list` loaded them all.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    {
        let store = Store::open(&db).unwrap();
        let s = store
            .add_source(&new_source("https://a.example/rss", "Wire"), t0())
            .unwrap();
        store
            .ingest(
                s,
                &[NewArticle {
                    guid: Some("huge".into()),
                    url: Some("https://a.example/huge".into()),
                    title: "A very long border report".into(),
                    text: "tajik afghan border post ".repeat(200_000),
                    ..NewArticle::default()
                }],
                t0(),
            )
            .unwrap();
    }
    let size_before = std::fs::metadata(&db).unwrap().len();
    let out = outpost(
        &db,
        &[
            "watchlists",
            "add",
            "--name",
            "Border",
            "--query",
            "border",
            "--backfill",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = outpost(&db, &["alerts", "list", "--json"]);
    let alerts = json(&out);
    assert_eq!(alerts.as_array().unwrap().len(), 1);
    assert_eq!(alerts[0]["spans"], serde_json::json!([]));
    assert!(alerts[0]["span_count"].as_u64().unwrap() > 100, "{alerts}");
    let store = Store::open(&db).unwrap();
    let id = alerts[0]["id"].as_i64().unwrap();
    assert_eq!(store.get_alert(id).unwrap().spans.len(), 100);
    drop(store);
    let grown = std::fs::metadata(&db).unwrap().len() as i64 - size_before as i64;
    eprintln!("the alert grew the archive by {grown} bytes");
    assert!(grown < 1_000_000, "the archive grew by {grown} bytes");
}

#[test]
fn continuous_poll_logs_a_summary_and_each_error_once() {
    // Hardening 2, item 13: continuous `outpost poll` printed nothing.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let closed = closed_port();
    {
        let store = Store::open(&db).unwrap();
        store
            .add_source(
                &new_source(&format!("http://127.0.0.1:{closed}/feed.xml"), "Closed"),
                t0(),
            )
            .unwrap();
    }
    let mut child = outpost_command(&db)
        .args(["poll", "--no-notify"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // A guard against a hang: the poll is ended after a generous while even
    // if its lines never come (the assertions below then fail).
    let guard = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(120));
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let mut lines = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.contains("failed:")
            && lines
                .iter()
                .any(|l: &String| l.contains("polled 1 sources"));
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(guard);
    let all = lines.join("\n");
    eprintln!("{all}");
    let summary = lines
        .iter()
        .find(|l| l.contains("polled 1 sources"))
        .expect("one summary line per cycle");
    assert!(summary.contains("1 failed"), "{summary}");
    let failed = lines.iter().find(|l| l.contains("failed:")).unwrap();
    assert!(failed.contains("Closed"), "{failed}");
    assert_eq!(
        failed.matches("Connection refused").count(),
        1,
        "each cause once: {failed}"
    );
}
