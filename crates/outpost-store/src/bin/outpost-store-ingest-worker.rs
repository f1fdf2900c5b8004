//! A test helper for `outpost-store`'s crash and permission tests, not a
//! user tool. It drives a real archive in a separate process so a test can
//! SIGKILL it mid-ingest or run it as another user.
//!
//! `outpost-store-ingest-worker open PATH` opens the archive and prints the
//! error code and message if that fails.
//!
//! `outpost-store-ingest-worker ingest PATH FIRST COUNT SIZE` ingests batches
//! `FIRST..FIRST+COUNT` of `SIZE` articles each, one transaction per batch,
//! and prints `committed B new=N` after each commit.

use std::io::Write;
use std::process::ExitCode;

use outpost_store::{IngestStatus, NewArticle, NewSource, SourceKind, Store, StoreError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("open") if args.len() == 2 => Store::open(&args[1]).map(|_| ()),
        Some("ingest") if args.len() == 5 => {
            let num = |i: usize| args[i].parse::<u64>().expect("a number");
            ingest(&args[1], num(2), num(3), num(4))
        }
        _ => {
            eprintln!(
                "usage: outpost-store-ingest-worker open PATH | ingest PATH FIRST COUNT SIZE"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("{}: {e}", e.code());
            ExitCode::from(1)
        }
    }
}

/// The article `i` of batch `b`; its URL and GUID name both, so a test can
/// tell which batch every stored row belongs to.
pub fn item(b: u64, i: u64) -> NewArticle {
    NewArticle {
        guid: Some(format!("crash-{b}-{i}")),
        url: Some(format!("https://crash.example/{b}/{i}?utm_source=feed")),
        title: format!("Batch b{b} item {i} border report"),
        summary: format!("Summary of item {i} in batch b{b} with some words about the region."),
        content_html: String::new(),
        text: format!(
            "Full text of item {i}. Batch marker b{b}x. {}",
            "Filler words for the index. ".repeat(8)
        ),
        lang: Some("en".into()),
        published: None,
        authors: vec![],
        extra: Default::default(),
    }
}

fn ingest(path: &str, first: u64, count: u64, size: u64) -> Result<(), StoreError> {
    let store = Store::open(path)?;
    let url = "https://crash.example/rss";
    let source = match store.list_sources()?.into_iter().find(|s| s.url == url) {
        Some(s) => s.id,
        None => store.add_source(
            &NewSource {
                kind: SourceKind::Feed,
                settings: Default::default(),
                url: url.into(),
                name: "Crash".into(),
                interval_secs: 60,
                lang: None,
                country: None,
                folder: None,
                tags: vec![],
            },
            chrono::Utc::now(),
        )?,
    };
    let mut out = std::io::stdout().lock();
    for b in first..first + count {
        let items: Vec<NewArticle> = (0..size).map(|i| item(b, i)).collect();
        let done = store.ingest(source, &items, chrono::Utc::now())?;
        let new = done
            .iter()
            .filter(|d| d.status == IngestStatus::New)
            .count();
        let _ = writeln!(out, "committed {b} new={new}");
        let _ = out.flush();
    }
    Ok(())
}
