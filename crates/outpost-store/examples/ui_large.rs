//! Writes a large archive for `bench/ui-large` quickly: sources and
//! watchlists through the store, then articles (with their FTS5 rows),
//! their sources and alerts straight into the tables in big transactions,
//! skipping the parsing, normalising and matching a real poll does (what
//! the benchmark measures is the window over such an archive, not ingest).
//!
//!   cargo run --release -p outpost-store --example ui_large -- DB ARTICLES ALERTS
//!
//! The archive's sources are disabled (no server answers for them); every
//! alerted article's title starts with the phrase its span points at.

use std::time::Instant;

use chrono::{Duration, Utc};
use outpost_core::{NewSource, NewWatchlist, Severity, SourceKind};
use outpost_store::Store;
use rusqlite::{Connection, params};

const SOURCES: i64 = 50;
const WATCHLISTS: [(&str, &str); 4] = [
    (
        "Border",
        r#""Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)"#,
    ),
    ("Badakhshan", "Badakhshan OR Бадахшан*"),
    ("Khorog", "Khorog OR Хорог*"),
    ("Drugs", "heroin OR наркотик*"),
];
const LEADS: [&str; 4] = ["Tajik-Afghan border", "Badakhshan", "Khorog", "heroin"];
const WORDS: [&str; 24] = [
    "officials",
    "said",
    "traders",
    "market",
    "river",
    "road",
    "bridge",
    "convoy",
    "police",
    "talks",
    "delegation",
    "village",
    "district",
    "winter",
    "harvest",
    "school",
    "clinic",
    "граница",
    "рынок",
    "дорога",
    "мост",
    "переговоры",
    "район",
    "зима",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, articles, alerts] = &args[..] else {
        eprintln!("usage: ui_large DB ARTICLES ALERTS");
        std::process::exit(2);
    };
    let n: i64 = articles.parse().expect("ARTICLES is a number");
    let a: i64 = alerts.parse().expect("ALERTS is a number");
    assert!(
        a <= n && n > 0,
        "ARTICLES must be positive and at least ALERTS"
    );
    let t0 = Instant::now();
    let now = Utc::now();
    {
        let store = Store::open(db).expect("open the archive");
        for s in 0..SOURCES {
            let id = store
                .add_source(
                    &NewSource {
                        kind: SourceKind::Feed,
                        settings: Default::default(),
                        url: format!("http://127.0.0.1:9/archive/{s}.xml"),
                        name: format!("Archive wire {s}"),
                        interval_secs: 3600,
                        lang: Some(if s % 2 == 0 { "en" } else { "ru" }.into()),
                        country: None,
                        folder: Some("Archive".into()),
                        tags: vec![],
                    },
                    now,
                )
                .expect("add a source");
            store
                .set_source_enabled(id, false, Some("archive only"))
                .expect("disable it");
        }
        for (name, query) in WATCHLISTS {
            store
                .add_watchlist(
                    &NewWatchlist {
                        name: name.into(),
                        query: query.into(),
                        severity: Severity::High,
                        notify: false,
                        scope_sources: vec![],
                        scope_langs: vec![],
                        color: None,
                    },
                    now,
                )
                .expect("add a watchlist");
        }
    }
    let mut conn = Connection::open(db).expect("open the archive for writing");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let (first_source, first_watchlist): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT min(id) FROM sources), (SELECT min(id) FROM watchlists)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let every = if a == 0 { i64::MAX } else { n / a };
    let span_ms = Duration::days(60).num_milliseconds();
    let newest = now.timestamp_millis();
    let mut made_alerts = 0;
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut start = 0;
    while start < n {
        let end = (start + 50_000).min(n);
        let tx = conn.transaction().unwrap();
        {
            let mut art = tx
                .prepare(
                    "INSERT INTO articles (url, canonical_url, content_hash, title, summary,
                        content_html, text, lang, published, fetched_at, sort_date)
                     VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7, ?7, ?7)",
                )
                .unwrap();
            let mut fts = tx
                .prepare("INSERT INTO article_fts (rowid, title, body) VALUES (?1, ?2, ?3)")
                .unwrap();
            let mut src = tx
                .prepare(
                    "INSERT INTO article_sources (article_id, source_id, guid, first_seen)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .unwrap();
            let mut alert = tx
                .prepare(
                    "INSERT INTO alerts (watchlist_id, article_id, spans, span_count, created_at, state)
                     VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                )
                .unwrap();
            for i in start..end {
                // Oldest first, so ids grow with time as a real archive's do.
                let at = newest - span_ms + span_ms * i / n;
                let alerted = i % every == 0 && made_alerts < a;
                let w = (i / every.max(1)) as usize % WATCHLISTS.len();
                let mut words = String::new();
                for _ in 0..8 {
                    words.push(' ');
                    words.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
                }
                let title = if alerted {
                    format!("{}:{words}", LEADS[w])
                } else {
                    format!("Item {i}:{words}")
                };
                let mut body = String::new();
                for _ in 0..40 {
                    body.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
                    body.push(' ');
                }
                let body = body.trim_end();
                let url = format!("https://archive{}.example/news/{i}", i % SOURCES);
                let lang = if i % 2 == 0 { "en" } else { "ru" };
                art.execute(params![
                    url,
                    i.to_le_bytes().repeat(4),
                    title,
                    body,
                    format!("<p>{body}</p>"),
                    lang,
                    at
                ])
                .unwrap();
                let id = tx.last_insert_rowid();
                let fts_title = title.to_lowercase().replace([':', '-'], " ");
                fts.execute(params![id, fts_title, body]).unwrap();
                src.execute(params![id, first_source + i % SOURCES, format!("g{i}"), at])
                    .unwrap();
                if alerted {
                    let lead = LEADS[w];
                    let spans = format!(
                        r#"[{{"field":"title","start":0,"end":{},"text":"{lead}"}}]"#,
                        lead.len()
                    );
                    let state = match i % 20 {
                        0 => "dismissed",
                        1..=5 => "read",
                        _ => "new",
                    };
                    alert
                        .execute(params![first_watchlist + w as i64, id, spans, at, state])
                        .unwrap();
                    made_alerts += 1;
                }
            }
        }
        tx.commit().unwrap();
        eprintln!(
            "  {end} articles, {made_alerts} alerts, {:.0} s",
            t0.elapsed().as_secs_f64()
        );
        start = end;
    }
    conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    println!(
        "{n} articles and {made_alerts} alerts in {:.0} s",
        t0.elapsed().as_secs_f64()
    );
}
