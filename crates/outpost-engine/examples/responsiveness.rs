//! The analyst's reads during a poll: p50 and p95 of the alert list, a
//! search and an article load, first with the archive idle, then while a
//! cold poll of many feeds runs. Driven by `bench/responsiveness/run.sh`,
//! which serves the feeds; see `bench/responsiveness/README.md`.
//!
//! `responsiveness DB URLS_FILE` polls the first half of the URLs to give
//! the archive content, measures the reads idle, then polls the second half
//! cold while measuring the same reads, and prints a Markdown table.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use outpost_core::{NewSource, NewWatchlist, SearchOrder, Severity, SourceKind};
use outpost_engine::api::{self, AlertFilterInput, SearchRequest};
use outpost_engine::notify::Silent;
use outpost_engine::{Engine, EngineOptions, NoEvents, system_clock};

/// The reads measured, by name.
const CALLS: [&str; 3] = ["alert list", "search", "article"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, urls] = args.as_slice() else {
        eprintln!("usage: responsiveness DB URLS_FILE");
        std::process::exit(2);
    };
    let urls: Vec<String> = std::fs::read_to_string(urls)
        .expect("read the URL list")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let engine = Engine::open(EngineOptions {
        db_path: db.into(),
        seed: false,
        sink: Arc::new(Silent),
        events: Arc::new(NoEvents),
        clock: system_clock(),
    })
    .expect("open the archive");
    engine
        .add_watchlist(&NewWatchlist {
            name: "Border".into(),
            query: r#""Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)"#.into(),
            severity: Severity::High,
            notify: true,
            scope_sources: vec![],
            scope_langs: vec![],
            color: None,
        })
        .expect("add the watchlist");
    let (first, second) = urls.split_at(urls.len() / 2);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let add = |urls: &[String]| -> Vec<i64> {
        urls.iter()
            .enumerate()
            .map(|(i, url)| {
                engine
                    .add_source_unchecked(&NewSource {
                        kind: SourceKind::Feed,
                        settings: Default::default(),
                        url: url.clone(),
                        name: format!("Feed {i} {url}"),
                        interval_secs: 3600,
                        lang: None,
                        country: None,
                        folder: None,
                        tags: vec![],
                    })
                    .expect("add a source")
            })
            .collect()
    };
    let ids = add(first);
    let warmup = rt.block_on(engine.poll(Some(ids))).expect("first poll");
    eprintln!(
        "archive: {} articles, {} alerts from {} feeds",
        warmup.new_articles, warmup.alerts, warmup.sources
    );

    let idle = measure(&engine, || false, 200);
    let ids = add(second);
    let running = Arc::new(AtomicBool::new(true));
    let poller = {
        let engine = Arc::clone(&engine);
        let running = Arc::clone(&running);
        std::thread::spawn(move || {
            let started = Instant::now();
            let summary = rt.block_on(engine.poll(Some(ids))).expect("cold poll");
            running.store(false, Ordering::SeqCst);
            (summary, started.elapsed())
        })
    };
    let busy = measure(&engine, || running.load(Ordering::SeqCst), usize::MAX);
    let (summary, took) = poller.join().expect("the poll thread");

    println!(
        "Cold poll during the measurement: {} feeds, {} new articles, {} alerts, {:.1} s.\n",
        summary.sources,
        summary.new_articles,
        summary.alerts,
        took.as_secs_f64()
    );
    println!(
        "| call | idle p50 ms | idle p95 ms | during poll p50 ms | during poll p95 ms | during poll max ms | calls during poll |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, name) in CALLS.iter().enumerate() {
        let (a, b) = (&idle[i], &busy[i]);
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            pct(a, 50.0),
            pct(a, 95.0),
            pct(b, 50.0),
            pct(b, 95.0),
            pct(b, 100.0),
            b.len()
        );
    }
}

/// Runs the three reads in turn, 10 ms apart, while `go()` holds (or for
/// `rounds` rounds when it never does), and returns each call's latencies.
fn measure(engine: &Engine, go: impl Fn() -> bool, rounds: usize) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(), Vec::new(), Vec::new()];
    let mut round = 0;
    while round < rounds && (rounds != usize::MAX || go()) {
        round += 1;
        let t = Instant::now();
        let alerts = api::list_alerts(
            engine,
            AlertFilterInput {
                limit: 200,
                ..AlertFilterInput::default()
            },
        )
        .expect("alert list");
        out[0].push(ms(t.elapsed()));
        let t = Instant::now();
        api::search(
            engine,
            SearchRequest {
                text: "border".into(),
                source_id: None,
                lang: None,
                since: None,
                until: None,
                limit: 50,
                order: SearchOrder::Newest,
            },
        )
        .expect("search");
        out[1].push(ms(t.elapsed()));
        if let Some(a) = alerts.get(round % alerts.len().max(1)) {
            let t = Instant::now();
            api::get_article(engine, a.article_id).expect("article");
            out[2].push(ms(t.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(samples: &[f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
    s[i]
}
