//! A hard kill during ingest: SIGKILL the worker process at several seeded
//! points, reopen, and check the file and the rows.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use outpost_store::{SearchQuery, Store};

const SIZE: u64 = 40;

fn worker(path: &Path, first: u64, count: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_outpost-store-ingest-worker"))
        .arg("ingest")
        .arg(path)
        .args([first.to_string(), count.to_string(), SIZE.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Rows per batch, read straight from the file, plus duplicate checks.
fn batches(path: &Path) -> BTreeMap<u64, u64> {
    let store = Store::open(path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    drop(store);
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute(
        "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')",
        [],
    )
    .expect("the FTS index agrees with itself");
    let dup_guids: i64 = raw
        .query_row(
            "SELECT count(*) FROM (SELECT 1 FROM article_sources GROUP BY source_id, guid HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup_guids, 0, "no GUID stored twice");
    let (rows, urls): (i64, i64) = raw
        .query_row(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, urls, "no article stored twice");
    let fts_rows: i64 = raw
        .query_row("SELECT count(*) FROM article_fts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fts_rows, rows, "every article indexed exactly once");
    let links: i64 = raw
        .query_row("SELECT count(*) FROM article_sources", [], |r| r.get(0))
        .unwrap();
    assert_eq!(links, rows, "every article linked to its source");

    let mut st = raw.prepare("SELECT canonical_url FROM articles").unwrap();
    let mut per = BTreeMap::new();
    for url in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let url = url.unwrap();
        let b: u64 = url.split('/').nth(3).unwrap().parse().unwrap();
        *per.entry(b).or_insert(0) += 1;
    }
    per
}

/// A tiny deterministic generator, so a failing run can be replayed.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn sigkill_during_ingest_loses_no_committed_batch_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    let mut seed = 0x5EED_1234_u64;
    let mut complete = 0u64; // batches 0..complete are known to be stored
    for round in 0..6 {
        // Restart two batches before the last known one: those must come
        // back Unchanged, proving dedup across the crash.
        let first = complete.saturating_sub(2);
        let mut child = worker(&path, first, 10_000);
        let target = first + 2 + next(&mut seed) % 12;
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut last = None;
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 {
            let mut parts = line.split_whitespace();
            assert_eq!(parts.next(), Some("committed"), "{line}");
            let b: u64 = parts.next().unwrap().parse().unwrap();
            let new: u64 = parts
                .next()
                .unwrap()
                .trim_start_matches("new=")
                .parse()
                .unwrap();
            if b < complete {
                assert_eq!(
                    new, 0,
                    "round {round}: batch {b} was stored before the crash"
                );
            } else if b > complete {
                assert_eq!(new, SIZE, "round {round}: batch {b} is new");
            }
            last = Some(b);
            line.clear();
            if b >= target {
                break;
            }
        }
        // Kill somewhere inside the next batches: right away, or after a
        // seeded delay that lands mid-transaction or mid-checkpoint.
        std::thread::sleep(Duration::from_micros(next(&mut seed) % 20_000));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let last = last.expect("the worker committed at least one batch");

        let per = batches(&path);
        for (&b, &n) in &per {
            assert_eq!(
                n, SIZE,
                "round {round}: batch {b} is partial ({n} of {SIZE} rows)"
            );
        }
        for b in 0..=last {
            assert_eq!(
                per.get(&b),
                Some(&SIZE),
                "round {round}: committed batch {b} was lost"
            );
        }
        let max = *per.keys().max().unwrap();
        assert_eq!(
            per.len() as u64,
            max + 1,
            "round {round}: batches are contiguous"
        );
        complete = max + 1;
    }
    // The index answers for a batch that survived.
    let store = Store::open(&path).unwrap();
    let hits = store
        .search(&SearchQuery {
            text: "b0x".into(),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len() as u64, SIZE);
}
