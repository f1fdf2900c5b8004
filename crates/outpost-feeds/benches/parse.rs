//! Parse throughput over a folder of feeds (bench/parse/run.sh generates
//! them and runs Python feedparser on the same files for the ratio).
//!
//! `OUTPOST_BENCH_FEEDS=DIR OUTPOST_BENCH_ROUNDS=3 cargo bench -p outpost-feeds --bench parse`

use std::time::{Duration, Instant};

fn main() {
    let Some(dir) = std::env::var_os("OUTPOST_BENCH_FEEDS") else {
        eprintln!(
            "set OUTPOST_BENCH_FEEDS to a folder of feed-*.xml files (bench/parse/run.sh does)"
        );
        return;
    };
    let rounds: usize = std::env::var("OUTPOST_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("read the feeds folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    paths.sort();
    let docs: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("read feed"))
        .collect();

    let mut best = Duration::MAX;
    let mut items = 0;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        items = 0;
        for d in &docs {
            let feed = outpost_feeds::parse(std::hint::black_box(d), None, None)
                .expect("generated feeds parse");
            items += feed.entries.len();
        }
        best = best.min(start.elapsed());
    }
    println!(
        "outpost-feeds {:.0} items/s ({} items, {} feeds, best of {} rounds)",
        items as f64 / best.as_secs_f64(),
        items,
        docs.len(),
        rounds
    );

    // feed-rs alone, for context: no charset precedence, no clean-up pass,
    // no sanitising or plain-text extraction. The gap is what those cost.
    let mut best = Duration::MAX;
    let mut raw_items = 0;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        raw_items = 0;
        for d in &docs {
            if let Ok(feed) = feed_rs::parser::parse(std::hint::black_box(&d[..])) {
                raw_items += feed.entries.len();
            }
        }
        best = best.min(start.elapsed());
    }
    println!(
        "feed-rs-alone {:.0} items/s ({} items, best of {} rounds)",
        raw_items as f64 / best.as_secs_f64(),
        raw_items,
        rounds
    );
}
