//! Every user file Outpost writes (exports of articles, sources and
//! watchlists) goes through `transfer::write_new`: a temporary file in the
//! same folder, synced and renamed (Hardening 2, item 6).

mod support;

use std::path::Path;
use std::sync::Arc;

use outpost_engine::EngineError;
use outpost_engine::api::ExportFormat;
use outpost_engine::export::{ExportFilter, Selection, export_to_file};
use outpost_engine::transfer::write_new;
use support::{Recorder, Tmpfs, feed_source, open};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_write_on_a_full_disk_keeps_the_earlier_file_and_no_temporary() {
    // Hardening 2, item 6: on a full disk `export` left a truncated file,
    // and with --force destroyed the complete earlier report first.
    let Some(fs) = Tmpfs::mount("1m") else {
        eprintln!("SKIPPED full-disk export: this process may not mount a tmpfs");
        return;
    };
    let report = fs.dir.join("report.html");
    let earlier = b"<p>the complete earlier report</p>".repeat(1000);
    write_new(&report, &earlier, false).unwrap();

    // Twice the size of the whole disk: it cannot fit.
    let huge = vec![b'x'; 2 * 1024 * 1024];
    let err = write_new(&report, &huge, true).unwrap_err();
    eprintln!("full disk: {err}");
    assert!(
        err.to_string().contains("report.html"),
        "the error names the file: {err}"
    );
    assert_eq!(std::fs::read(&report).unwrap(), earlier);
    assert_eq!(names(&fs.dir), ["report.html"], "no temporary file is left");

    // A new file that does not fit leaves nothing at all.
    let other = fs.dir.join("other.csv");
    assert!(write_new(&other, &huge, false).is_err());
    assert_eq!(names(&fs.dir), ["report.html"]);

    // Space again: the same write succeeds and replaces the file whole.
    let fits = b"new report".to_vec();
    write_new(&report, &fits, true).unwrap();
    assert_eq!(std::fs::read(&report).unwrap(), fits);
    assert_eq!(names(&fs.dir), ["report.html"]);
}

/// An archive with `n` saved articles of about 20 KB of text each.
fn archive_with_saved_articles(db: &Path, n: usize) -> Arc<outpost_engine::Engine> {
    let engine = open(db, Arc::new(Recorder::default()));
    let source = engine
        .add_source_unchecked(&feed_source("https://a.example/rss", "A"))
        .unwrap();
    let now = support::test_now();
    let items: Vec<outpost_store::NewArticle> = (0..n)
        .map(|i| outpost_store::NewArticle {
            guid: Some(format!("g{i}")),
            url: Some(format!("https://a.example/{i}")),
            title: format!("Khorog report {i}"),
            text: format!("{i} Border guards in Khorog reported movement. ").repeat(400),
            ..Default::default()
        })
        .collect();
    let archive = support::archive(&engine);
    let ingested = archive.ingest(source, &items, now).unwrap();
    for i in &ingested {
        archive.set_article_saved(i.article_id, true, now).unwrap();
    }
    engine
}

#[test]
fn a_failed_export_on_a_full_disk_keeps_the_earlier_report() {
    // Hardening 2, item 6, through the export itself: with --force a
    // complete earlier report was destroyed before the new one failed.
    let Some(fs) = Tmpfs::mount("1m") else {
        eprintln!("SKIPPED full-disk export: this process may not mount a tmpfs");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let small = archive_with_saved_articles(&dir.path().join("small.db"), 2);
    let report = fs.dir.join("report.html");
    let export = |engine: &outpost_engine::Engine, force| {
        export_to_file(
            engine,
            &Selection::Filter(ExportFilter::saved()),
            ExportFormat::Html,
            &report,
            force,
            |_, _| {},
        )
    };
    assert_eq!(export(&small, false).unwrap().count, 2);
    let earlier = std::fs::read(&report).unwrap();

    // 100 articles of 20 KB make a report twice the size of the disk.
    let big = archive_with_saved_articles(&dir.path().join("big.db"), 100);
    let err = export(&big, true).unwrap_err();
    eprintln!("full disk: {err}");
    assert_eq!(std::fs::read(&report).unwrap(), earlier);
    assert_eq!(names(&fs.dir), ["report.html"], "no temporary file is left");
}

#[test]
fn a_symbolic_link_at_the_target_is_refused_dangling_or_not() {
    // Hardening 2, item 6: a dangling symlink at the path was followed, and
    // --force wrote through a symlink.
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("export.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for force in [false, true] {
        let err = write_new(&link, b"payload", force).unwrap_err();
        assert!(
            err.to_string().contains("symbolic link"),
            "force {force}: {err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");

    let dangling = dir.path().join("dangling.csv");
    let nowhere = dir.path().join("created-through-the-link.txt");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    for force in [false, true] {
        let err = write_new(&dangling, b"payload", force).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    assert!(!nowhere.exists(), "nothing was written through the link");

    // An existing plain file needs `force`, and is then replaced whole.
    let plain = dir.path().join("plain.csv");
    write_new(&plain, b"one", false).unwrap();
    assert!(matches!(
        write_new(&plain, b"two", false),
        Err(EngineError::FileExists { .. })
    ));
    write_new(&plain, b"two", true).unwrap();
    assert_eq!(std::fs::read(&plain).unwrap(), b"two");
    assert_eq!(
        names(dir.path()),
        ["dangling.csv", "export.csv", "plain.csv", "victim.txt"]
    );
}

#[test]
fn the_html_report_renders_an_article_without_a_link() {
    // Hardening 2, item 7: the HTML evidence report failed whole when any
    // exported article had no link.
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    let source = engine
        .add_source_unchecked(&feed_source("https://a.example/rss", "A"))
        .unwrap();
    let now = support::test_now();
    let archive = support::archive(&engine);
    let ingested = archive
        .ingest(
            source,
            &[
                outpost_store::NewArticle {
                    guid: Some("no-link".into()),
                    url: None,
                    title: "An item without a link".into(),
                    text: "Khorog, without any address.".into(),
                    ..Default::default()
                },
                outpost_store::NewArticle {
                    guid: Some("linked".into()),
                    url: Some("https://a.example/1".into()),
                    title: "An item with a link".into(),
                    text: "Khorog, with an address.".into(),
                    ..Default::default()
                },
            ],
            now,
        )
        .unwrap();
    for i in &ingested {
        archive.set_article_saved(i.article_id, true, now).unwrap();
    }
    let out = dir.path().join("report.html");
    let summary = export_to_file(
        &engine,
        &Selection::Filter(ExportFilter::saved()),
        ExportFormat::Html,
        &out,
        false,
        |_, _| {},
    )
    .unwrap();
    assert_eq!(summary.count, 2);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("An item without a link"), "{html}");
    // The linked article still gets its link (HTML-escaped, `/` included).
    assert_eq!(html.matches("<a href=\"https:").count(), 1, "{html}");
}

#[test]
fn user_files_are_written_only_through_write_new() {
    // ARCHITECTURE.md: every user file goes through `transfer::write_new`.
    // A direct write elsewhere in the engine, the CLI or the app shell would
    // bring back the truncated exports of Hardening 2, item 6.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let allowed = [
        // The writer itself.
        "crates/outpost-engine/src/transfer.rs",
        // The notification icon: Outpost's own file in its data folder.
        "crates/outpost-engine/src/notify.rs",
    ];
    let mut offenders = Vec::new();
    for dir in [
        "crates/outpost-engine/src",
        "crates/outpost-cli/src",
        "src-tauri/src",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if allowed.contains(&rel.as_str()) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for pattern in ["fs::write(", "File::create(", "OpenOptions::new("] {
                    if text.contains(pattern) {
                        offenders.push(format!("{rel}: {pattern}"));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "write through transfer::write_new: {offenders:?}"
    );
}
