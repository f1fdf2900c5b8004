//! `outpost poll --once` with `--source` and `--all` against real local
//! feeds that answer 304 to their own validators.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use outpost_core::{NewSource, SourceKind};
use outpost_store::Store;

fn outpost(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Serves `/feed/N` with an ETag, and 304 to a request that sends it back.
/// Counts the full responses.
fn start_server(full: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let full = full.clone();
            thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                let mut etag_sent = false;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap() == 0 || h.trim().is_empty() {
                        break;
                    }
                    if h.to_ascii_lowercase().starts_with("if-none-match:") && h.contains("\"v1\"")
                    {
                        etag_sent = true;
                    }
                }
                let mut stream = stream;
                if etag_sent {
                    let _ = stream.write_all(
                        b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    return;
                }
                full.fetch_add(1, Ordering::SeqCst);
                let body = format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><link>http://127.0.0.1/</link><description>d</description><item><guid>{path}</guid><title>Item at {path}</title><description>Text.</description></item></channel></rss>"
                );
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    base
}

fn summary(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON summary")
}

/// Issue 12, item 6: `--source ID` polls those sources now and `--all`
/// every enabled source, due or not; unchanged feeds answer 304.
#[test]
fn poll_once_source_and_all_poll_now_due_or_not() {
    let full = Arc::new(AtomicUsize::new(0));
    let base = start_server(full.clone());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let ids: Vec<i64> = {
        let store = Store::open(&db).unwrap();
        (0..3)
            .map(|i| {
                store
                    .add_source(
                        &NewSource {
                            kind: SourceKind::Feed,
                            settings: Default::default(),
                            url: format!("{base}/feed/{i}"),
                            name: format!("S{i}"),
                            interval_secs: 3600,
                            lang: None,
                            country: None,
                            folder: None,
                            tags: vec![],
                        },
                        chrono::Utc::now(),
                    )
                    .unwrap()
            })
            .collect()
    };
    let first = summary(&outpost(&db, &["poll", "--once", "--no-notify", "--json"]));
    assert_eq!(
        (first["sources"].as_u64(), first["ok"].as_u64()),
        (Some(3), Some(3))
    );
    let none_due = summary(&outpost(&db, &["poll", "--once", "--no-notify", "--json"]));
    assert_eq!(none_due["sources"].as_u64(), Some(0), "nothing is due");

    let one = ids[1].to_string();
    let some = summary(&outpost(
        &db,
        &["poll", "--once", "--no-notify", "--json", "--source", &one],
    ));
    assert_eq!(
        (some["sources"].as_u64(), some["not_modified"].as_u64()),
        (Some(1), Some(1))
    );
    let all = summary(&outpost(
        &db,
        &["poll", "--once", "--no-notify", "--json", "--all"],
    ));
    assert_eq!(
        (all["sources"].as_u64(), all["not_modified"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(full.load(Ordering::SeqCst), 3, "every later poll was a 304");

    let bad = outpost(&db, &["poll", "--all"]);
    assert!(!bad.status.success(), "--all needs --once");
    let text = String::from_utf8_lossy(&bad.stderr);
    assert!(text.contains("--once"), "{text}");
}
