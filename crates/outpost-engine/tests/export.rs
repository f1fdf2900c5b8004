//! Saved articles as evidence, and export (issue 8): a real archive on
//! disk, a real HTTP server on 127.0.0.1 for page capture, every export
//! format parsed back with the field's own readers, and the HTML report
//! rendered by headless Chromium.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use outpost_core::{AlertState, Field, NewSource, NewWatchlist, Severity, Snapshot, Span};
use outpost_engine::api::{ExportFormat, ExportRequest};
use outpost_engine::evidence::{self, text_sha256};
use outpost_engine::export::{self, CSV_COLUMNS, ExportFilter, Selection, UTF8_BOM};
use outpost_engine::{Clock, Engine, EngineError};
use outpost_store::{NewAlert, NewArticle};
use support::{feed_source, open_silent};

// ----- fixtures -------------------------------------------------------------

const RU_TITLE: &str = "Столкновение на границе: \"Хорог\", 12 человек";
const RU_TEXT: &str = "В Хороге, Горно-Бадахшанская автономная область, прошли столкновения.\nПограничники сообщили о «перестрелке» у моста.";
const RU_NOTE: &str = "Проверить \"источник\", сравнить с RFE/RL;\nвторая строка заметки";
const FA_TITLE: &str = "درگیری در مرز تاجیکستان و افغانستان";
const FA_TEXT: &str = "منابع محلی از درگیری مسلحانه در نزدیکی پل مرزی خبر دادند. «طالبان» هنوز واکنشی نشان نداده است.";
const MD_TITLE: &str =
    "*Bold* _x_ [link](http://evil.example) #tag <script>alert(1)</script> | pipe";
const MD_TEXT: &str =
    "# heading\n- list\n1. one\n<img src=\"http://evil.example/x.png\"> & `code` ~~gone~~";
const FORMULA_TITLE: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";
const SNAP_TEXT: &str = "The full page text, captured.\n\nSecond paragraph of the saved page.";

struct Archive {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    engine: Arc<Engine>,
    ru: i64,
    fa: i64,
    md: i64,
    formula: i64,
    snap: i64,
    alone: i64,
    unsaved: i64,
    ru_alerts: [i64; 2],
    new_alert: i64,
    border: i64,
    tajik: i64,
}

/// The instant the exporting engine lives at: the fixtures are dated around
/// it; see `archive`.
fn clock() -> Clock {
    Arc::new(|| Utc.with_ymd_and_hms(2026, 11, 25, 12, 30, 0).unwrap())
}

fn span(text: &str) -> Span {
    Span {
        field: Field::Title,
        start: 0,
        end: text.len(),
        text: text.to_string(),
        term: None,
    }
}

fn article(guid: &str, title: &str, text: &str, lang: &str, content_html: &str) -> NewArticle {
    NewArticle {
        guid: Some(guid.to_string()),
        url: Some(format!("https://news.example/{guid}")),
        title: title.to_string(),
        summary: String::new(),
        content_html: content_html.to_string(),
        text: text.to_string(),
        lang: Some(lang.to_string()),
        published: Some(Utc.with_ymd_and_hms(2026, 11, 20, 8, 30, 0).unwrap()),
        authors: vec![],
        extra: Default::default(),
    }
}

/// An archive with saved alerts in Russian, Persian, Markdown-hostile and
/// formula-like text, a snapshot, an article saved without an alert, and
/// alerts that are not saved.
fn archive() -> Archive {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let engine = open_silent(&path, clock());
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    let store = support::archive(&engine);
    let asia = store
        .add_source(
            &feed_source("https://asiaplus.example/rss", "Азия-Плюс"),
            now,
        )
        .unwrap();
    let bbc = store
        .add_source(
            &feed_source("https://bbc.example/persian/rss", "BBC فارسی"),
            now,
        )
        .unwrap();
    let ingest = |source, a: NewArticle| store.ingest(source, &[a], now).unwrap()[0].article_id;
    let ru = ingest(
        asia,
        article("ru", RU_TITLE, RU_TEXT, "ru", "<p>В Хороге</p>"),
    );
    let fa = ingest(bbc, article("fa", FA_TITLE, FA_TEXT, "fa", "<p>منابع</p>"));
    let md = ingest(
        asia,
        article(
            "md",
            MD_TITLE,
            MD_TEXT,
            "en",
            r#"<p>x</p><img src="http://evil.example/track.png"><script>alert(1)</script>"#,
        ),
    );
    let formula = ingest(
        asia,
        article("formula", FORMULA_TITLE, "Formula text.", "en", ""),
    );
    let snap = ingest(
        asia,
        article("snap", "Saved page", "Only the feed teaser.", "en", ""),
    );
    let alone = ingest(
        bbc,
        article("alone", "Saved without an alert", "Kept by hand.", "en", ""),
    );
    let unsaved = ingest(
        asia,
        article("unsaved", "Not saved", "Nobody saved this.", "en", ""),
    );

    let watchlist = |name: &str, severity| NewWatchlist {
        name: name.to_string(),
        query: "border".to_string(),
        severity,
        notify: false,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    };
    let border = store
        .add_watchlist(&watchlist("Граница | border", Severity::High), now)
        .unwrap();
    let tajik = store
        .add_watchlist(&watchlist("Tajikistan", Severity::Critical), now)
        .unwrap();
    let alert = |w, a, terms: &[&str], minutes| {
        store
            .insert_alert(&NewAlert {
                watchlist_id: w,
                article_id: a,
                spans: terms.iter().map(|t| span(t)).collect(),
                story_id: None,
                created_at: now + chrono::Duration::minutes(minutes),
            })
            .unwrap()
            .expect("a new alert")
    };
    let ru1 = alert(border, ru, &["Хорог", "границе"], 1);
    let ru2 = alert(tajik, ru, &["Хорог", "ГБАО"], 2);
    let fa1 = alert(border, fa, &["مرز"], 3);
    let md1 = alert(border, md, &["<script>"], 4);
    let f1 = alert(border, formula, &["HYPERLINK"], 5);
    let s1 = alert(tajik, snap, &["page"], 6);
    let new_alert = alert(tajik, unsaved, &["saved"], 7);
    for id in [ru1, ru2, fa1, md1, f1, s1] {
        store.set_alert_state(id, AlertState::Saved, now).unwrap();
    }
    store.set_alert_note(ru1, RU_NOTE).unwrap();
    store.add_alert_tag(ru1, "ГБАО").unwrap();
    store.add_alert_tag(ru2, "граница").unwrap();
    store
        .set_alert_note(md1, "note with | pipe and *stars*")
        .unwrap();
    store.set_article_saved(alone, true, now).unwrap();
    store
        .save_snapshot(
            snap,
            &Snapshot {
                final_url: Some("https://news.example/snap?full=1".into()),
                fetched_at: now,
                html: Some("<p>The full page text, captured.</p>".into()),
                text: Some(SNAP_TEXT.into()),
                sha256: Some(text_sha256(SNAP_TEXT)),
                error: None,
            },
        )
        .unwrap();
    drop(store);
    Archive {
        _dir: dir,
        dir: path,
        engine,
        ru,
        fa,
        md,
        formula,
        snap,
        alone,
        unsaved,
        ru_alerts: [ru1, ru2],
        new_alert,
        border,
        tajik,
    }
}

fn export_saved(a: &Archive, format: ExportFormat, name: &str) -> Vec<u8> {
    let path = a.dir.join(name);
    let req = ExportRequest {
        format,
        path: path.display().to_string(),
        alert_ids: None,
    };
    let summary = export::export_alerts(&a.engine, &req).expect("the export is written");
    assert_eq!(
        summary.count, 6,
        "five saved alerted articles and one saved alone"
    );
    std::fs::read(path).unwrap()
}

/// The text the archive vouches for: the snapshot's, else the feed's.
fn stored_text(a: &Archive, id: i64) -> String {
    let store = support::archive(&a.engine);
    match store.get_snapshot(id).unwrap().and_then(|s| s.text) {
        Some(t) => t,
        None => evidence::feed_text(&store.get_article(id).unwrap()),
    }
}

// ----- CSV ------------------------------------------------------------------

#[test]
fn csv_round_trips_cyrillic_persian_quotes_and_newlines() {
    let a = archive();
    let bytes = export_saved(&a, ExportFormat::Csv, "saved.csv");
    assert!(
        bytes.starts_with(UTF8_BOM),
        "Excel needs the UTF-8 byte-order mark"
    );
    let body = &bytes[UTF8_BOM.len()..];
    assert!(
        std::str::from_utf8(body).unwrap().contains("\r\n"),
        "RFC 4180 lines end in CRLF"
    );

    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let find = |title: &str| {
        rows.iter()
            .find(|r| &r[col("title")] == title)
            .unwrap_or_else(|| panic!("no row titled {title}"))
    };

    let ru = find(RU_TITLE);
    assert_eq!(&ru[col("source")], "Азия-Плюс");
    assert_eq!(&ru[col("url")], "https://news.example/ru");
    assert_eq!(&ru[col("published")], "2026-11-20T08:30:00Z");
    assert_eq!(&ru[col("language")], "ru");
    assert_eq!(
        &ru[col("watchlists")],
        "Tajikistan; Граница | border",
        "newest alert first"
    );
    assert_eq!(
        &ru[col("severity")],
        "critical",
        "the highest of the article's alerts"
    );
    assert_eq!(&ru[col("matched terms")], "Хорог; ГБАО; границе");
    assert_eq!(&ru[col("state")], "saved");
    assert_eq!(
        &ru[col("notes")],
        RU_NOTE,
        "quotes and the line break survive"
    );
    assert_eq!(&ru[col("tags")], "ГБАО; граница");

    let fa = find(FA_TITLE);
    assert_eq!(&fa[col("source")], "BBC فارسی");
    assert_eq!(&fa[col("matched terms")], "مرز");

    assert!(rows.iter().any(|r| &r[col("title")] == MD_TITLE));
    let formula = find(&format!("'{FORMULA_TITLE}"));
    assert_eq!(&formula[col("severity")], "high");

    let alone = find("Saved without an alert");
    assert_eq!(&alone[col("watchlists")], "");
    assert_eq!(&alone[col("state")], "saved");
    assert!(!rows.iter().any(|r| &r[col("title")] == "Not saved"));

    // Every hash is recomputed from the archive's text.
    for (title, id) in [
        (RU_TITLE, a.ru),
        (FA_TITLE, a.fa),
        (MD_TITLE, a.md),
        ("Saved page", a.snap),
        ("Saved without an alert", a.alone),
    ] {
        let r = find(title);
        assert_eq!(
            &r[col("sha256")],
            text_sha256(&stored_text(&a, id)),
            "{title}"
        );
    }
    let snap = find("Saved page");
    assert_eq!(&snap[col("hashed_text")], "snapshot");
    assert_eq!(&snap[col("sha256")], text_sha256(SNAP_TEXT));
    assert_eq!(&find(FA_TITLE)[col("hashed_text")], "feed");
    let _ = a.formula;
}

// ----- JSON -----------------------------------------------------------------

#[test]
fn json_carries_the_text_its_hashes_are_of() {
    let a = archive();
    let bytes = export_saved(&a, ExportFormat::Json, "saved.json");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["count"], 6);
    let articles = doc["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 6);
    for art in articles {
        let text = art["text"].as_str().unwrap();
        assert_eq!(
            art["sha256"].as_str().unwrap(),
            text_sha256(text),
            "{}",
            art["title"]
        );
        let id = art["article_id"].as_i64().unwrap();
        assert_eq!(text, stored_text(&a, id));
    }
    let ru = articles.iter().find(|x| x["article_id"] == a.ru).unwrap();
    assert_eq!(ru["title"], RU_TITLE);
    assert_eq!(ru["text"], RU_TEXT);
    assert_eq!(ru["notes"], serde_json::json!([RU_NOTE]));
    assert_eq!(
        ru["watchlists"],
        serde_json::json!(["Tajikistan", "Граница | border"])
    );
    assert_eq!(
        ru["alert_ids"],
        serde_json::json!([a.ru_alerts[1], a.ru_alerts[0]])
    );
    assert_eq!(ru["severity"], "critical");
    let fa = articles.iter().find(|x| x["article_id"] == a.fa).unwrap();
    assert_eq!(fa["title"], FA_TITLE);
    assert_eq!(fa["text"], FA_TEXT);
    let snap = articles.iter().find(|x| x["article_id"] == a.snap).unwrap();
    assert_eq!(snap["hashed_text"], "snapshot");
    assert_eq!(
        snap["snapshot"]["final_url"],
        "https://news.example/snap?full=1"
    );
    assert!(!articles.iter().any(|x| x["article_id"] == a.unsaved));
}

// ----- Markdown ---------------------------------------------------------------

#[test]
fn markdown_escapes_everything_from_feeds() {
    let a = archive();
    let bytes = export_saved(&a, ExportFormat::Md, "saved.md");
    let md = String::from_utf8(bytes).unwrap();
    let mut html = String::new();
    let opts =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&md, opts));

    // The hostile title renders as the text it is: no emphasis, no link, no
    // heading, no raw HTML, and its pipe does not split the table row.
    let literal =
        "*Bold* _x_ [link](http://evil.example) #tag &lt;script&gt;alert(1)&lt;/script&gt; | pipe";
    assert!(html.contains(literal), "{html}");
    for forbidden in [
        "<em>",
        "<strong>x",
        "href=\"http://evil.example\"",
        "<script",
        "<img",
        "<del>",
        "<code>code",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in {html}");
    }
    assert_eq!(
        html.matches("<h1>").count(),
        1,
        "only the report's own title is a heading 1"
    );
    assert!(
        html.contains("# heading\n- list\n1. one"),
        "line-start markup stays text: {html}"
    );
    assert!(html.contains("&amp; `code` ~~gone~~"), "{html}");
    // The summary table has a header row and one row per article, eight cells each.
    let table = &html[html.find("<table>").unwrap()..html.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 7);
    assert_eq!(table.matches("<td").count(), 6 * 8);
    assert!(html.contains(RU_TITLE.replace('"', "&quot;").as_str()) || html.contains(RU_TITLE));
    assert!(html.contains(FA_TITLE));
    // Hashes are given as code and match the archive.
    assert!(md.contains(&format!("`{}`", text_sha256(&stored_text(&a, a.fa)))));
    assert!(
        html.contains("href=\"https://news.example/ru\""),
        "URLs are autolinks"
    );
}

// ----- HTML -----------------------------------------------------------------

fn saved_html(a: &Archive) -> String {
    String::from_utf8(export_saved(a, ExportFormat::Html, "report.html")).unwrap()
}

#[test]
fn html_report_is_self_contained() {
    let a = archive();
    let html = saved_html(&a);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no script element");
    for tag in [
        "<img", "<link", "<iframe", "<object", "<embed", "<svg", "@import", "url(",
    ] {
        assert!(!lower.contains(tag), "{tag} in the report");
    }
    // Read as a browser would: no element has a `src`, and the hostile
    // `<img src="http://…">` in an article is text.
    let loading = std::cell::RefCell::new(Vec::<String>::new());
    lol_html::rewrite_str(
        &html,
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!(
            "[src], [srcset], [background], [poster], script, link, base",
            |el| {
                loading.borrow_mut().push(el.tag_name());
                Ok(())
            }
        )),
    )
    .unwrap();
    assert_eq!(
        loading.take(),
        Vec::<String>::new(),
        "elements that load or run something"
    );
    assert!(
        html.contains("&lt;img src=&quot;http:&#x2f;&#x2f;evil.example&#x2f;x.png&quot;&gt;")
            || html.contains("&lt;img src=&quot;http://evil.example/x.png&quot;&gt;"),
        "the image tag is shown as text"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("@media print"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        html.contains("Столкновение на границе: &quot;Хорог&quot;, 12 человек")
            || html.contains("Столкновение на границе: &#34;Хорог&#34;")
    );
    assert!(html.contains(FA_TITLE));
    assert!(html.contains(&text_sha256(SNAP_TEXT)));
    assert_eq!(html.matches("<article").count(), 6);
    assert!(
        html.contains("<a href=\"https:&#x2f;&#x2f;news.example&#x2f;ru\"")
            || html.contains("<a href=\"https://news.example/ru\"")
    );
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let a = archive();
    let html = saved_html(&a);
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        println!(
            "SKIPPED html_report_renders_in_headless_chromium: no chromium on PATH (apt-get install chromium)"
        );
        return;
    };
    let page = a.dir.join("report.html");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), html);
    let shot = a.dir.join("report.png");
    let profile = tempfile::tempdir().unwrap();
    // The browser is a tool here, not code under test: it runs on the real
    // clock even when the suite runs shifted in time (`make test-clock`).
    let mut child = std::process::Command::new(chromium)
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--hide-scrollbars",
            "--window-size=1200,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish the screenshot within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "chromium failed: {err}");
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    assert!(
        png.len() > 30_000,
        "a rendered page, not a blank one ({} bytes)",
        png.len()
    );
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("export-report.png"), &png).unwrap();
    std::fs::write(artifacts.join("export-report.html"), &html).unwrap();
    println!(
        "screenshot: {}",
        artifacts.join("export-report.png").display()
    );
}

// ----- selection and files ----------------------------------------------------

#[test]
fn filters_select_alerts_by_watchlist_state_and_time() {
    let a = archive();
    let titles = |sel: Selection| -> Vec<String> {
        export::collect(&a.engine, &sel, |_, _| {})
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect()
    };
    // Every alert of one watchlist, whatever its state, newest first.
    let tajik = titles(Selection::Filter(ExportFilter {
        watchlist: Some(a.tajik),
        ..ExportFilter::default()
    }));
    assert_eq!(tajik, ["Not saved", "Saved page", RU_TITLE]);
    let saved_tajik = titles(Selection::Filter(ExportFilter {
        saved: true,
        watchlist: Some(a.tajik),
        since: None,
    }));
    assert_eq!(saved_tajik, ["Saved page", RU_TITLE]);
    let since = Utc.with_ymd_and_hms(2026, 11, 25, 12, 4, 0).unwrap();
    let recent = titles(Selection::Filter(ExportFilter {
        watchlist: Some(a.border),
        since: Some(since),
        ..ExportFilter::default()
    }));
    assert_eq!(recent, [FORMULA_TITLE, MD_TITLE]);
    let future = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    assert!(
        titles(Selection::Filter(ExportFilter {
            saved: true,
            watchlist: None,
            since: Some(future)
        }))
        .is_empty()
    );

    // An explicit selection keeps its order and folds alerts of one article.
    let rows = export::collect(
        &a.engine,
        &Selection::Alerts(vec![a.new_alert, a.ru_alerts[0], a.ru_alerts[1]]),
        |_, _| {},
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].article_id, a.unsaved);
    assert_eq!(rows[0].state, [AlertState::New]);
    assert_eq!(rows[1].watchlists, ["Граница | border", "Tajikistan"]);
    let missing =
        export::collect(&a.engine, &Selection::Alerts(vec![9999]), |_, _| {}).unwrap_err();
    assert!(missing.to_string().contains("9999"), "{missing}");
}

#[test]
fn an_existing_file_is_replaced_only_when_forced() {
    let a = archive();
    let path = a.dir.join("exists.csv");
    std::fs::write(&path, "keep me").unwrap();
    let sel = Selection::Filter(ExportFilter::saved());
    let mut calls = 0;
    let err = export::export_to_file(&a.engine, &sel, ExportFormat::Csv, &path, false, |_, _| {
        calls += 1
    })
    .unwrap_err();
    assert!(matches!(err, EngineError::FileExists { .. }), "{err:?}");
    assert_eq!(err.code(), "file_exists");
    assert_eq!(calls, 0, "refused before any work");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    let mut last = (0, 0);
    let summary =
        export::export_to_file(&a.engine, &sel, ExportFormat::Csv, &path, true, |d, t| {
            last = (d, t)
        })
        .unwrap();
    assert_eq!(summary.count, 6);
    assert_eq!(last, (6, 6));
    assert!(std::fs::read(&path).unwrap().starts_with(UTF8_BOM));
}

// ----- evidence capture ---------------------------------------------------------

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Перестрелка у моста в Хороге</title>
<script>window.tracker = "SECRET-TRACKER-CODE";</script>
<style>body { color: red }</style>
</head><body>
<nav class="menu"><a href="/">Главная</a> <a href="/politics">Политика</a> <a href="/sport">Спорт</a> <a href="/weather">Погода</a></nav>
<div class="sidebar"><h3>Популярное</h3><ul><li><a href="/1">Курс валют</a></li><li><a href="/2">Гороскоп</a></li></ul></div>
<article>
<h1>Перестрелка у моста в Хороге</h1>
<p>Пограничники Таджикистана сообщили о перестрелке у моста через Пяндж вблизи Хорога. По данным пограничной службы, инцидент произошёл ночью, когда группа неизвестных попыталась пересечь реку со стороны Афганистана.</p>
<p>Местные жители рассказали, что стрельба продолжалась около часа. Официальные лица в Душанбе пока не комментируют число пострадавших, однако источники в ГБАО говорят как минимум о двух раненых среди военнослужащих.</p>
<p>Это уже третий подобный инцидент на участке границы в Горно-Бадахшанской автономной области с начала осени. Эксперты связывают рост напряжённости с изменением обстановки в соседней провинции Бадахшан.</p>
<script>document.write("<p>INJECTED BY SCRIPT</p>")</script>
<img src="/photo.jpg" alt="Мост через Пяндж" onerror="alert(1)">
</article>
<footer class="site-footer">© 2026 Новости региона. Подпишитесь на рассылку. Все права защищены.</footer>
</body></html>"#;

/// A page server on 127.0.0.1: `/old` redirects to `/article`, which
/// serves [`PAGE`]. Counts requests for `/article`.
fn serve_page() -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let response = match req.url() {
                "/old" => tiny_http::Response::from_string("moved")
                    .with_status_code(301)
                    .with_header("Location: /article".parse::<tiny_http::Header>().unwrap()),
                "/article" => {
                    counter.fetch_add(1, Ordering::SeqCst);
                    tiny_http::Response::from_string(PAGE).with_header(
                        "Content-Type: text/html; charset=utf-8"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    )
                }
                _ => tiny_http::Response::from_string("not here").with_status_code(404),
            };
            let _ = req.respond(response);
        }
    });
    (format!("http://127.0.0.1:{port}"), hits)
}

fn add_article(engine: &Engine, url: &str, text: &str, html: &str) -> i64 {
    let store = support::archive(engine);
    let now = Utc::now();
    let source = store
        .add_source(
            &NewSource {
                lang: Some("ru".into()),
                ..feed_source(&format!("{url}/feed-{}", text.len()), "Local")
            },
            now,
        )
        .unwrap();
    let new = NewArticle {
        guid: Some(url.to_string()),
        url: Some(url.to_string()),
        title: "Перестрелка у моста".into(),
        content_html: html.to_string(),
        text: text.to_string(),
        lang: Some("ru".into()),
        ..NewArticle::default()
    };
    store.ingest(source, &[new], now).unwrap()[0].article_id
}

/// The app calls these from async Tauri commands, which need `Send`
/// futures: no archive lock may be held across an await.
#[test]
fn capture_futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), clock());
    assert_send(evidence::save_article(&engine, 1));
    assert_send(evidence::save_alert(&engine, 1));
    assert_send(evidence::capture(&engine, 1));
}

#[tokio::test]
async fn saving_captures_the_readable_page_with_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), clock());
    let (base, hits) = serve_page();
    let id = add_article(
        &engine,
        &format!("{base}/old"),
        "Пограничники сообщили о перестрелке.",
        "<p>Пограничники сообщили о перестрелке.</p>",
    );

    let snap = evidence::save_article(&engine, id).await.unwrap();
    assert_eq!(snap.error, None);
    assert_eq!(
        snap.final_url.as_deref(),
        Some(format!("{base}/article").as_str()),
        "the URL after the redirect"
    );
    let text = snap.text.clone().unwrap();
    assert!(
        text.contains("Пограничники Таджикистана сообщили о перестрелке у моста через Пяндж"),
        "{text}"
    );
    assert!(text.contains("Бадахшан"), "{text}");
    assert!(text.contains("\n\n"), "paragraphs stay paragraphs: {text}");
    for junk in [
        "SECRET-TRACKER-CODE",
        "INJECTED BY SCRIPT",
        "Гороскоп",
        "Подпишитесь на рассылку",
        "color: red",
    ] {
        assert!(!text.contains(junk), "{junk} in the saved text: {text}");
    }
    let html = snap.html.clone().unwrap();
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(html.contains("Пяндж"));
    assert_eq!(snap.sha256.as_deref(), Some(text_sha256(&text).as_str()));
    assert!(support::archive(&engine).get_article(id).unwrap().saved);
    assert_eq!(
        support::archive(&engine).get_snapshot(id).unwrap().as_ref(),
        Some(&snap),
        "stored, to read offline"
    );

    // Saving again keeps the first capture: it is the evidence.
    let again = evidence::save_article(&engine, id).await.unwrap();
    assert_eq!(again, snap);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // The export vouches for the captured text.
    let rows = export::collect(
        &engine,
        &Selection::Filter(ExportFilter::saved()),
        |_, _| {},
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text, text);
    assert_eq!(rows[0].sha256, text_sha256(&text));
    assert_eq!(rows[0].hashed_text, export::HashedText::Snapshot);
}

#[tokio::test]
async fn an_unreachable_page_keeps_the_feed_text_and_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_silent(dir.path(), clock());
    // Nothing listens on port 1 of the loopback address.
    let feed_html = r#"<p>Teaser from the feed.</p><script>alert(1)</script>"#;
    let id = add_article(
        &engine,
        "http://127.0.0.1:1/story",
        "Teaser from the feed.",
        feed_html,
    );
    let snap = evidence::save_article(&engine, id).await.unwrap();
    let error = snap.error.clone().expect("the failure is recorded");
    assert!(error.contains("127.0.0.1:1"), "{error}");
    assert_eq!(snap.final_url, None);
    assert_eq!(snap.text.as_deref(), Some("Teaser from the feed."));
    assert_eq!(
        snap.sha256.as_deref(),
        Some(text_sha256("Teaser from the feed.").as_str())
    );
    assert_eq!(snap.html.as_deref(), Some("<p>Teaser from the feed.</p>"));
    assert!(
        support::archive(&engine).get_article(id).unwrap().saved,
        "saved even though the page was not"
    );

    // The report shows the failure next to the feed text.
    let rows = export::collect(
        &engine,
        &Selection::Filter(ExportFilter::saved()),
        |_, _| {},
    )
    .unwrap();
    let html =
        String::from_utf8(export::render(&rows, ExportFormat::Html, Utc::now()).unwrap()).unwrap();
    assert!(html.contains("The page could not be saved"), "{html}");

    // A page that is not HTML is not evidence of an article either.
    let (base, _) = serve_page();
    let id = add_article(&engine, &format!("{base}/missing"), "Feed words.", "");
    let snap = evidence::capture(&engine, id).await.unwrap();
    assert!(
        snap.error.as_deref().unwrap().contains("404"),
        "{:?}",
        snap.error
    );
    assert_eq!(snap.text.as_deref(), Some("Feed words."));
}
