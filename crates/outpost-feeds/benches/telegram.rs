//! Reading a 100-post Telegram preview page (the target is under 10 ms of
//! CPU per page; README.md, "Sources").
//!
//! `cargo bench -p outpost-feeds --bench telegram`

use criterion::{Criterion, criterion_group, criterion_main};
use outpost_feeds::telegram::read_channel;
use url::Url;

/// A preview page of `n` posts in the documented markup, each with text,
/// links, a link preview and the footer.
fn page(n: u64) -> String {
    let mut out = String::from(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>bench</title></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span>Bench Channel</span></div></div>
<section class="tgme_channel_history js-message_history">"#,
    );
    for id in 1..=n {
        out.push_str(&format!(
            r#"<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="bench/{id}" data-view="abc">
<div class="tgme_widget_message_user"><a href="https://t.me/bench"><i class="tgme_widget_message_user_photo"></i></a></div>
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author"><a class="tgme_widget_message_owner_name" href="https://t.me/bench"><span dir="auto">Bench Channel</span></a></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">Ситуация на границе в районе Дарвоза, сообщение {id}<br><br>Жители сообщают о перекрытии дороги у моста; <b>движение</b> остановлено до утра. Подробности: <a href="https://example.org/news/{id}?a=1&amp;amp;b=2" target="_blank" rel="noopener" onclick="return confirm('Open this link?')">example.org/news/{id}</a><br>#Dushanbe #Khorog</div>
<a class="tgme_widget_message_link_preview" href="https://example.org/news/{id}"><div class="link_preview_site_name" dir="auto">Example</div><div class="link_preview_title" dir="auto">Road closed near the bridge {id}</div><div class="link_preview_description" dir="auto">Residents say traffic stopped until morning.</div></a>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">{id}.4K</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/bench/{id}"><time datetime="2026-11-29T09:{:02}:00+00:00" class="time">09:00</time></a></span></div></div>
</div></div></div>
"#,
            id % 60
        ));
    }
    out.push_str(r#"</section><a class="tme_messages_more js-messages_more" data-before="1" href="/s/bench?before=1"></a></body></html>"#);
    out
}

/// CPU time (user and system) of this thread so far, from
/// `/proc/thread-self/stat`, in clock ticks of 10 ms; `None` elsewhere.
fn thread_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn bench(c: &mut Criterion) {
    let html = page(100);
    let base = Url::parse("https://t.me/s/bench").unwrap();
    let read = read_channel(html.as_bytes(), &base).unwrap();
    assert_eq!(read.posts.len(), 100);
    // CPU time, not wall time: on a shared machine the two differ.
    const ROUNDS: u32 = 300;
    if let Some(start) = thread_cpu_ticks() {
        for _ in 0..ROUNDS {
            std::hint::black_box(
                read_channel(std::hint::black_box(html.as_bytes()), &base).unwrap(),
            );
        }
        if let Some(end) = thread_cpu_ticks() {
            let ms = (end - start) as f64 * 10.0 / f64::from(ROUNDS);
            println!("telegram: CPU time per 100-post page: {ms:.2} ms (over {ROUNDS} reads)");
        }
    }
    c.bench_function("telegram: read a 100-post preview page", |b| {
        b.iter(|| read_channel(std::hint::black_box(html.as_bytes()), &base).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
