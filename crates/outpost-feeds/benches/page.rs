//! Reading a 200-item listing page with CSS selectors: the work of one
//! poll of a page source (the target is under 10 ms of CPU).
//!
//! `cargo bench -p outpost-feeds --bench page`

use criterion::{Criterion, criterion_group, criterion_main};
use outpost_core::model::PageSelectors;
use outpost_feeds::{Url, page};

/// A listing page of `n` items as news sites write them: a heading with
/// the link, a date in words, a lead paragraph, and the page's navigation.
fn listing(n: usize) -> String {
    let mut html =
        String::from("<!doctype html><html><head><title>Новости</title></head><body><nav><ul>");
    for i in 0..30 {
        html.push_str(&format!("<li><a href=\"/section/{i}\">Раздел {i}</a></li>"));
    }
    html.push_str("</ul></nav><main><div class=\"news-list\">");
    for i in 0..n {
        html.push_str(&format!(
            "<div class=\"news-item\"><a class=\"img\" href=\"/ru/news/{i}\"><img src=\"/i/{i}.jpg\" alt=\"\"></a>\
             <h3 class=\"title\"><a href=\"/ru/news/{i}\">Заголовок новости номер {i} о событиях на границе</a></h3>\
             <span class=\"date\">{} ноября 2026, 14:{:02}</span>\
             <p class=\"lead\">Краткое содержание новости {i}: <b>подробности</b> и <a href=\"/tag/{i}\">тег</a>.</p></div>",
            1 + i % 28,
            i % 60
        ));
    }
    html.push_str("</div></main><footer>© 2026</footer></body></html>");
    html
}

/// CPU time this thread has run, from Linux's schedstat (the machine the
/// benchmarks run on is shared, so wall time overstates the work).
fn thread_cpu() -> Option<std::time::Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(ns))
}

/// Prints the mean CPU time of `f` over `n` runs, when the OS tells it.
fn cpu_per_run(label: &str, n: u32, mut f: impl FnMut()) {
    let Some(start) = thread_cpu() else { return };
    for _ in 0..n {
        f();
    }
    if let Some(end) = thread_cpu() {
        eprintln!(
            "{label}: {:.2} ms of CPU per run (mean of {n})",
            (end - start).as_secs_f64() * 1000.0 / f64::from(n)
        );
    }
}

fn bench(c: &mut Criterion) {
    let html = listing(200);
    let base = Url::parse("https://news.example/ru/").unwrap();
    let sel = PageSelectors {
        item: ".news-item".into(),
        title: "h3".into(),
        link: "h3 a".into(),
        date: Some(".date".into()),
        body: Some(".lead".into()),
        tz: Some("Asia/Dushanbe".into()),
        ..PageSelectors::default()
    };
    let read = page::read(html.as_bytes(), &base, &sel).unwrap();
    assert_eq!(read.entries.len(), 200);
    assert!(read.entries.iter().all(|e| e.published.is_some()));
    cpu_per_run("page_read_200_items", 100, || {
        page::read(std::hint::black_box(html.as_bytes()), &base, &sel).unwrap();
    });
    cpu_per_run("page_suggest_200_items", 100, || {
        page::suggest_selectors(std::hint::black_box(&html)).unwrap();
    });
    c.bench_function("page_read_200_items", |b| {
        b.iter(|| page::read(std::hint::black_box(html.as_bytes()), &base, &sel).unwrap())
    });
    // The same page without bodies: the share of the sanitiser.
    let no_body = PageSelectors {
        body: None,
        ..sel.clone()
    };
    c.bench_function("page_read_200_items_no_body", |b| {
        b.iter(|| page::read(std::hint::black_box(html.as_bytes()), &base, &no_body).unwrap())
    });
    c.bench_function("page_suggest_200_items", |b| {
        b.iter(|| page::suggest_selectors(std::hint::black_box(&html)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
