use super::*;

fn base() -> Url {
    Url::parse("https://news.example/ru/list/").unwrap()
}

fn sel(item: &str, title: &str, link: &str) -> PageSelectors {
    PageSelectors {
        item: item.into(),
        title: title.into(),
        link: link.into(),
        ..PageSelectors::default()
    }
}

fn utc(raw: &str, zone: &str) -> Option<String> {
    page_date(raw, None, zone.parse().unwrap())
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

const LISTING: &str = r#"<!doctype html><html><head><title>Новости</title></head><body>
<nav><ul><li><a href="/">Главная</a></li><li><a href="/about">О нас</a></li><li><a href="/c">Контакты</a></li></ul></nav>
<div class="news-list">
  <div class="news-item first">
    <h3><a href="/ru/news/1">Пограничники задержали нарушителей на границе</a></h3>
    <span class="date">29 ноября 2026, 14:30</span>
    <div class="lead"><p>Текст <b>первой</b> новости <script>alert(1)</script><a href="/x" onclick="evil()">ссылка</a></p></div>
  </div>
  <div class="news-item">
    <h3><a href="https://other.example/story?id=2&amp;a=b">Вторая новость о паводке в Хатлоне</a></h3>
    <time datetime="2026-11-28T09:00:00+05:00">вчера</time>
  </div>
  <div class="news-item">
    <h3>Новость без ссылки совсем и вовсе</h3>
  </div>
  <div class="news-item last">
    <h3><a href="../news/4">Четвёртая новость: итоги недели в регионе</a></h3>
    <span class="date">28.11.2026 08:15</span>
  </div>
</div></body></html>"#;

#[test]
fn items_get_link_title_date_and_a_sanitised_body() {
    let s = PageSelectors {
        date: Some(".date, time".into()),
        body: Some(".lead".into()),
        tz: Some("Asia/Dushanbe".into()),
        ..sel(".news-item", "h3", "h3")
    };
    let read = read(LISTING.as_bytes(), &base(), &s).unwrap();
    assert_eq!(read.title.as_deref(), Some("Новости"));
    let links: Vec<_> = read
        .entries
        .iter()
        .map(|e| e.link.clone().unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "https://news.example/ru/news/1",
            "https://other.example/story?id=2&a=b",
            "https://news.example/ru/news/4",
        ]
    );
    // The link is the identity.
    assert!(read.entries.iter().all(|e| e.id == e.link));
    let first = &read.entries[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Пограничники задержали нарушителей на границе")
    );
    // 14:30 in Dushanbe (UTC+5) is 09:30 UTC.
    assert_eq!(
        first.published.unwrap().to_rfc3339(),
        "2026-11-29T09:30:00+00:00"
    );
    // The datetime attribute wins over the text ("вчера").
    assert_eq!(
        read.entries[1].published.unwrap().to_rfc3339(),
        "2026-11-28T04:00:00+00:00"
    );
    assert_eq!(
        read.entries[2].published.unwrap().to_rfc3339(),
        "2026-11-28T03:15:00+00:00"
    );
    let body = first.content_html.as_deref().unwrap();
    assert!(body.contains("<b>первой</b>"), "{body}");
    assert!(
        !body.contains("script") && !body.contains("onclick"),
        "{body}"
    );
    assert!(body.contains("https://news.example/x"), "{body}");
    assert_eq!(
        first.summary.as_deref(),
        Some("Текст первой новости ссылка")
    );
    // The third item has no link: skipped, and said so.
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert!(
        read.warnings[0].contains("1 item had no link"),
        "{:?}",
        read.warnings
    );
}

// Issue 13, item 2: hostile markup in a page item stays inert: the title is
// text, the body goes through the feed sanitiser, and only web links make
// items.
#[test]
fn hostile_markup_in_an_item_stays_inert() {
    let html = r#"<div class="i">
        <h3><a href="/ok">&lt;script&gt;alert(1)&lt;/script&gt; Title <img src=x onerror="alert(2)"></a></h3>
        <div class="b"><img src="/p.jpg" onerror="alert(3)"><a href="javascript:alert(4)">x</a>
        <svg><script>alert(5)</script></svg><iframe src="https://evil.example/"></iframe>
        <form action="/steal"><input name=p></form><p style="background:url(https://t.example/)">text</p></div>
      </div>
      <div class="i"><h3><a href="data:text/html,<script>alert(6)</script>">Data link</a></h3></div>
      <div class="i"><h3><a href=" JAVASCRIPT:alert(7)">Script link</a></h3></div>"#;
    let s = PageSelectors {
        body: Some(".b".into()),
        ..sel(".i", "h3", "h3")
    };
    let read = read_str(html, &base(), &s).unwrap();
    assert_eq!(read.entries.len(), 1, "{:?}", read.entries);
    let e = &read.entries[0];
    assert_eq!(e.title.as_deref(), Some("<script>alert(1)</script> Title"));
    let body = e.content_html.as_deref().unwrap();
    for bad in [
        "onerror",
        "javascript",
        "<svg",
        "<script",
        "<iframe",
        "<form",
        "style=",
    ] {
        assert!(!body.to_lowercase().contains(bad), "{bad} in {body}");
    }
    assert!(body.contains("https://news.example/p.jpg"), "{body}");
    assert!(
        read.warnings[0].contains("2 items had no link"),
        "{:?}",
        read.warnings
    );
    // A page over the size limit is refused before it is parsed.
    let huge = vec![b' '; crate::MAX_DOCUMENT_BYTES + 1];
    assert!(matches!(
        super::read(&huge, &base(), &s),
        Err(PageError::TooLarge { .. })
    ));
}

#[test]
fn an_empty_link_selector_takes_the_item_or_its_first_anchor() {
    let html = r#"<ul><li><a class="t" href="/a">Alpha story here</a></li>
        <li><span>Beta</span> <a href="/b">Beta story here</a></li></ul>
        <p><a class="card" href="/c">Card</a></p>"#;
    let read = read_str(html, &base(), &sel("li", "", "")).unwrap();
    let links: Vec<_> = read
        .entries
        .iter()
        .map(|e| e.link.as_deref().unwrap())
        .collect();
    assert_eq!(links, ["https://news.example/a", "https://news.example/b"]);
    // No title selector: the item's text.
    assert_eq!(
        read.entries[1].title.as_deref(),
        Some("Beta Beta story here")
    );
    // An item that is itself the link.
    let read = read_str(html, &base(), &sel("a.card", "", "")).unwrap();
    assert_eq!(
        read.entries[0].link.as_deref(),
        Some("https://news.example/c")
    );
    assert_eq!(read.entries[0].title.as_deref(), Some("Card"));
}

#[test]
fn script_links_and_fragments_are_not_links() {
    let html = r##"<div class="i"><a href="javascript:alert(1)">One title</a></div>
        <div class="i"><a href="#top">Two title</a></div>
        <div class="i"><a href="/ok">Three title</a></div>
        <div class="i"><a href="/ok">Three again</a></div>"##;
    let read = read_str(html, &base(), &sel(".i", "a", "a")).unwrap();
    assert_eq!(read.entries.len(), 1);
    assert!(
        read.warnings
            .iter()
            .any(|w| w.contains("2 items had no link"))
    );
    assert!(
        read.warnings
            .iter()
            .any(|w| w.contains("repeated the link"))
    );
}

#[test]
fn bad_settings_are_refused_with_a_sentence() {
    let err = read_str("<p>", &base(), &sel("div[", "", "")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the item selector 'div[' is not valid CSS"),
        "{err}"
    );
    let err = read_str("<p>", &base(), &sel("", "", "")).unwrap_err();
    assert_eq!(err, PageError::NoItemSelector);
    let s = PageSelectors {
        tz: Some("Mars/Olympus".into()),
        ..sel("p", "", "")
    };
    assert_eq!(
        check(&s).unwrap_err().to_string(),
        "'Mars/Olympus' is not a time zone name; use an IANA name such as Asia/Dushanbe"
    );
}

#[test]
fn a_selector_that_matches_nothing_says_the_page_may_have_changed() {
    let read = read_str(LISTING, &base(), &sel(".gone", "", "")).unwrap();
    assert!(read.entries.is_empty());
    assert!(
        read.warnings[0].contains("matched nothing"),
        "{:?}",
        read.warnings
    );
}

#[test]
fn unreadable_dates_are_reported_once_with_an_example() {
    let html = r#"<div class="i"><a href="/1">One title</a><i>5 минут назад</i></div>
        <div class="i"><a href="/2">Two title</a><i>давно</i></div>"#;
    let s = PageSelectors {
        date: Some("i".into()),
        ..sel(".i", "a", "a")
    };
    let read = read_str(html, &base(), &s).unwrap();
    assert_eq!(read.entries.len(), 2);
    assert!(read.entries.iter().all(|e| e.published.is_none()));
    assert_eq!(
        read.warnings,
        ["2 dates could not be read (e.g. \"5 минут назад\"); set a date format"]
    );
}

#[test]
fn dates_in_the_forms_pages_write_them() {
    let cases = [
        // Russian, every case of the month name.
        ("29 ноября 2026", "UTC", "2026-11-29T00:00:00Z"),
        ("29 ноябрь 2026 г.", "UTC", "2026-11-29T00:00:00Z"),
        ("1 мая 2026, 10:05", "UTC", "2026-05-01T10:05:00Z"),
        ("3 марта 2026 года в 07:00", "UTC", "2026-03-03T07:00:00Z"),
        (
            "14:30, 29 ноября 2026",
            "Asia/Dushanbe",
            "2026-11-29T09:30:00Z",
        ),
        // Tajik.
        ("29 ноябри 2026", "UTC", "2026-11-29T00:00:00Z"),
        ("5 августи соли 2026", "UTC", "2026-08-05T00:00:00Z"),
        // Uzbek, Latin and Cyrillic.
        ("29-noyabr, 2026", "UTC", "2026-11-29T00:00:00Z"),
        ("2026-yil 12-sentyabr", "UTC", "2026-09-12T00:00:00Z"),
        (
            "12 sentabr 2026 soat 18:00",
            "Asia/Tashkent",
            "2026-09-12T13:00:00Z",
        ),
        ("7 май 2026", "UTC", "2026-05-07T00:00:00Z"),
        ("29 ноябр 2026 йил", "UTC", "2026-11-29T00:00:00Z"),
        // English.
        ("November 29, 2026", "UTC", "2026-11-29T00:00:00Z"),
        ("29 Nov 2026 14:30", "Asia/Kabul", "2026-11-29T10:00:00Z"),
        ("Nov 29, 2026 2:30 PM", "UTC", "2026-11-29T14:30:00Z"),
        ("Nov 29, 2026 12:05 am", "UTC", "2026-11-29T00:05:00Z"),
        // Numeric forms.
        ("29.11.2026", "UTC", "2026-11-29T00:00:00Z"),
        ("29.11.2026 14:30", "Asia/Dushanbe", "2026-11-29T09:30:00Z"),
        ("29/11/2026", "UTC", "2026-11-29T00:00:00Z"),
        ("2026-11-29", "UTC", "2026-11-29T00:00:00Z"),
        ("2026-11-29 14:30:15", "UTC", "2026-11-29T14:30:15Z"),
        ("29.11.26", "UTC", "2026-11-29T00:00:00Z"),
        // ISO 8601 and RFC 2822: a zone written wins over the page's.
        (
            "2026-11-29T14:30:00+05:00",
            "Europe/Moscow",
            "2026-11-29T09:30:00Z",
        ),
        ("2026-11-29T14:30", "Asia/Dushanbe", "2026-11-29T09:30:00Z"),
        (
            "Sun, 29 Nov 2026 14:30:00 +0300",
            "Asia/Dushanbe",
            "2026-11-29T11:30:00Z",
        ),
    ];
    for (raw, zone, want) in cases {
        assert_eq!(utc(raw, zone).as_deref(), Some(want), "{raw}");
    }
}

#[test]
fn garbage_and_partial_dates_are_not_dates() {
    for raw in [
        "",
        "вчера",
        "5 минут назад",
        "29 ноября",
        "31.02.2026",
        "29 foo 2026",
        "29 ноября декабря 2026",
        "12:00 13:00 29.11.2026",
        "1.2.3.4",
        "максимум 2026 12",
        "Nov 29, 2026 14:30 PM",
        "Nov 29, 2026 PM",
    ] {
        assert_eq!(utc(raw, "UTC"), None, "{raw}");
    }
}

#[test]
fn a_date_format_reads_what_nothing_else_does() {
    let zone: Tz = "Asia/Dushanbe".parse().unwrap();
    let d = page_date("2026|11|29 @ 14h30", Some("%Y|%m|%d @ %Hh%M"), zone).unwrap();
    assert_eq!(d.to_rfc3339(), "2026-11-29T09:30:00+00:00");
    let d = page_date("20261129", Some("%Y%m%d"), Tz::UTC).unwrap();
    assert_eq!(d.to_rfc3339(), "2026-11-29T00:00:00+00:00");
    assert_eq!(page_date("29.11.2026", Some("%Y%m%d"), Tz::UTC), None);
}

const GRID: &str = r#"<html><body>
<header><ul class="menu"><li><a href="/">Home</a></li><li><a href="/w">World</a></li><li><a href="/s">Sport</a></li><li><a href="/c">Culture</a></li></ul></header>
<main>
 <div class="row">
  <article class="card"><h2 class="t"><a href="/n/1">Floods hit the Khatlon region overnight</a></h2><time datetime="2026-11-29T10:00:00Z">today</time><p>Lead one.</p></article>
  <article class="card"><h2 class="t"><a href="/n/2">Border talks resume in Dushanbe this week</a></h2><time datetime="2026-11-29T09:00:00Z">today</time><p>Lead two.</p></article>
 </div>
 <div class="row">
  <article class="card featured"><h2 class="t"><a href="/n/3">Trade through Termez grows by a third</a></h2><time datetime="2026-11-28T09:00:00Z">yesterday</time></article>
  <article class="card"><h2 class="t"><a href="/n/4">New bridge opens across the Panj river</a></h2><p>Lead four.</p></article>
 </div>
</main>
<footer><p><a href="/privacy">Privacy policy and the terms of use</a></p></footer>
</body></html>"#;

#[test]
fn the_builder_suggests_the_repeated_element_and_its_fields() {
    let s = suggest_selectors(GRID).unwrap();
    assert_eq!(s.selectors.item, "article.card");
    assert_eq!(s.count, 4);
    assert_eq!(s.selectors.title, "h2");
    assert_eq!(s.selectors.link, "h2 a");
    assert_eq!(s.selectors.date.as_deref(), Some("time"));
    // The suggestion reads the page without anything typed by hand.
    let read = read_str(GRID, &base(), &s.selectors).unwrap();
    assert_eq!(read.entries.len(), 4);
    assert_eq!(
        read.entries[2].title.as_deref(),
        Some("Trade through Termez grows by a third")
    );
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(suggest_item_selector(GRID).as_deref(), Some("article.card"));
}

#[test]
fn the_builder_scopes_the_item_by_its_parent_when_the_tag_repeats_elsewhere() {
    let s = suggest_selectors(LISTING).unwrap();
    assert_eq!(s.selectors.item, "div.news-list > div.news-item");
    let read = read_str(LISTING, &base(), &s.selectors).unwrap();
    assert_eq!(read.entries.len(), 3);
    let html = r#"<ul class="nav"><li><a href="/1">x</a></li></ul>
        <ul id="latest"><li><a href="/a">A long enough headline one</a></li>
        <li><a href="/b">A long enough headline two</a></li>
        <li><a href="/c">A long enough headline three</a></li></ul>
        <ul class="other"><li><a href="/z">Another list item of text</a></li></ul>"#;
    assert_eq!(
        suggest_item_selector(html).as_deref(),
        Some("ul#latest > li")
    );
}

#[test]
fn nothing_is_suggested_when_nothing_repeats() {
    assert_eq!(
        suggest_item_selector("<p><a href='/a'>Only one link here</a></p>"),
        None
    );
    assert_eq!(suggest_item_selector(""), None);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        let tag = proptest::sample::select(vec![
            "div", "a", "li", "ul", "time", "p", "h3", "table", "td", "span", "script",
        ]);
        let attr = proptest::sample::select(vec![
            "",
            " class=\"item\"",
            " href=\"/x\"",
            " href=\"javascript:x\"",
            " datetime=\"2026-11-29T10:00:00Z\"",
            " href=\"http://[::1\"",
            " class=\"news-item last\"",
        ]);
        let text = proptest::sample::select(vec![
            "",
            "29 ноября 2026",
            "29.11.2026 14:30",
            "<",
            "&amp;",
            "текст",
            "\u{0}",
            "]]>",
        ]);
        proptest::collection::vec((tag, attr, text, any::<bool>()), 0..60).prop_map(|parts| {
            let mut out = String::new();
            for (tag, attr, text, close) in parts {
                out.push_str(&format!("<{tag}{attr}>{text}"));
                if close {
                    out.push_str(&format!("</{tag}>"));
                }
            }
            out
        })
    }

    proptest! {
        // Issue 13, item 2: random HTML never panics the page reader or the
        // builder's suggestion.
        #[test]
        fn random_html_never_panics_the_reader(html in fragment(), raw in ".{0,200}") {
            let s = PageSelectors {
                date: Some("time, span".into()),
                body: Some("p".into()),
                tz: Some("Asia/Dushanbe".into()),
                ..sel("li, div.item, .news-item", "a", "")
            };
            for doc in [&html, &raw] {
                let read = read_str(doc, &base(), &s).unwrap();
                prop_assert!(read.entries.iter().all(|e| e.link.is_some()));
                if let Some(sugg) = suggest_selectors(doc) {
                    prop_assert!(read_str(doc, &base(), &sugg.selectors).is_ok());
                }
                let _ = page_date(doc, None, Tz::UTC);
            }
        }
    }
}
