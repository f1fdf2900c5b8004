//! Full-text search: multilingual folding, syntax, snippets, filters, order.

use outpost_store::{NewArticle, SearchOrder, SearchQuery, Store, StoreError};

use crate::common::*;

fn item(n: u32, title: &str, summary: &str, lang: &str) -> NewArticle {
    let mut a = article(
        &n.to_string(),
        &format!("https://example.org/{n}"),
        title,
        summary,
    );
    a.lang = Some(lang.to_string());
    a.published = Some(t0() + days(i64::from(n)));
    a
}

/// A small multilingual archive; article ids follow the item numbers.
fn archive() -> (Store, i64, i64) {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://asia.example/rss", "Asia-Plus");
    let b = add_source(&store, "https://tolo.example/rss", "TOLOnews");
    store
        .ingest(
            a,
            &[
                item(
                    1,
                    "Столкновение на таджикско-афганской ГРАНИЦЕ",
                    "Пограничники сообщили о перестрелке.",
                    "ru",
                ),
                item(
                    2,
                    "Ёлка в Душанбе",
                    "В центре города установили ёлку.",
                    "ru",
                ),
                item(
                    3,
                    "Café owners protest in Dushanbe",
                    "Protesters gathered near the naïve café.",
                    "en",
                ),
            ],
            t0(),
        )
        .unwrap();
    store
        .ingest(
            b,
            &[
                // Arabic yeh and kaf, as Arab keyboards type them.
                item(4, "نيروهاي امنيتي در مرز", "درگيري در ولايت بدخشان", "fa"),
                item(
                    5,
                    "Border clash near Ishkashim",
                    "Taliban fighters and border guards exchanged fire at the border.",
                    "en",
                ),
                item(
                    6,
                    "Weather",
                    "A quiet day at the <b>border</b> & the river.",
                    "en",
                ),
            ],
            t0(),
        )
        .unwrap();
    (store, a, b)
}

fn search(store: &Store, text: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = store
        .search(&SearchQuery {
            text: text.into(),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|h| h.article_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn cyrillic_folds_case_and_yo() {
    let (store, ..) = archive();
    assert_eq!(search(&store, "границе"), [1]);
    assert_eq!(search(&store, "ГРАНИЦЕ"), [1]);
    // ё and е are one letter for search.
    assert_eq!(search(&store, "елка"), [2]);
    assert_eq!(search(&store, "ЁЛКУ"), [2]);
}

#[test]
fn persian_and_arabic_letter_variants_match() {
    let (store, ..) = archive();
    // Persian yeh and keheh in the query, Arabic forms in the article.
    assert_eq!(search(&store, "نیروهای"), [4]);
    assert_eq!(search(&store, "درگیری"), [4]);
    assert_eq!(search(&store, "ولایت"), [4]);
}

#[test]
fn latin_diacritics_fold_both_ways() {
    let (store, ..) = archive();
    assert_eq!(search(&store, "cafe"), [3]);
    assert_eq!(search(&store, "CAFÉ"), [3]);
    assert_eq!(search(&store, "naive"), [3]);
}

#[test]
fn phrases_prefixes_near_and_booleans() {
    let (store, ..) = archive();
    assert_eq!(search(&store, "\"border guards\""), [5]);
    assert_eq!(search(&store, "\"guards border\""), Vec::<i64>::new());
    assert_eq!(search(&store, "границ*"), [1]);
    assert_eq!(search(&store, "пограничн*"), [1]);
    assert_eq!(search(&store, "taliban NEAR/3 border"), [5]);
    assert_eq!(search(&store, "taliban NEAR/1 fire"), Vec::<i64>::new());
    assert_eq!(search(&store, "border -taliban"), [6]);
    assert_eq!(search(&store, "border OR душанбе"), [2, 5, 6]);
    assert_eq!(search(&store, "title:border"), [5]);
    // "таджикско-афганской" is two words in the index.
    assert_eq!(search(&store, "\"таджикско афганской\""), [1]);
}

// Issue 12, item 4: search parses with the watchlist language's parser, and
// the store translates its tree; what the tree can say beyond the old search
// syntax reaches FTS5 as valid expressions.
#[test]
fn the_watchlist_language_searches_the_archive() {
    let (store, ..) = archive();
    assert_eq!(search(&store, "title:(border OR ёлка)"), [2, 5]);
    assert_eq!(search(&store, "title:(border -ishkashim) OR weather"), [6]);
    assert_eq!(search(&store, "(taliban OR quiet) NEAR/4 border"), [5, 6]);
    assert_eq!(search(&store, "title:(clash NEAR/2 ishkash*)"), [5]);
    assert_eq!(search(&store, "\"border gua* exchanged\""), [5]);
    assert_eq!(search(&store, "\"border gua* fire\""), Vec::<i64>::new());
    assert_eq!(search(&store, "\"border gua*\""), [5]);
    assert_eq!(search(&store, "\"bor* guards\""), [5]);
    assert_eq!(search(&store, "taliban NEAR/3 fighters NEAR/5 border"), [5]);
    assert_eq!(search(&store, "NOT NOT weather"), [6]);
}

// Hardening 2, item 4: a search at the depth limit runs (FTS5's own parser
// included), and one past it is a query error rather than a crash.
#[test]
fn searches_at_the_depth_limit_run_and_past_it_are_refused() {
    use outpost_core::query::MAX_DEPTH;
    let (store, ..) = archive();
    let deep = |n: usize| format!("{}border{}", "(weather OR ".repeat(n), ")".repeat(n));
    assert_eq!(search(&store, &deep(MAX_DEPTH)), [5, 6]);
    let negated = |n: usize| {
        format!(
            "{}border{}",
            "(border -(ёлка OR ".repeat(n / 3),
            "))".repeat(n / 3)
        )
    };
    assert_eq!(search(&store, &negated(MAX_DEPTH)), [5, 6]);
    let chain = |n: usize| "taliban NEAR/50 ".repeat(n) + "border";
    assert_eq!(search(&store, &chain(MAX_DEPTH)), [5]);
    for past in [deep(MAX_DEPTH + 1), chain(MAX_DEPTH + 1), deep(10_000)] {
        let err = store
            .search(&SearchQuery {
                text: past,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code(), "store.bad_query", "{err}");
        assert!(err.to_string().contains("levels deep"), "{err}");
    }
}

#[test]
fn snippets_mark_matches_and_escape_the_rest() {
    let (store, ..) = archive();
    let hits = store
        .search(&SearchQuery {
            text: "border".into(),
            ..Default::default()
        })
        .unwrap();
    let weather = hits.iter().find(|h| h.article_id == 6).unwrap();
    assert_eq!(
        weather.snippet,
        "A quiet day at the &lt;b&gt;<mark>border</mark>&lt;/b&gt; &amp; the river."
    );
    assert_eq!(weather.title_html, "Weather");
    assert_eq!(weather.source_name.as_deref(), Some("TOLOnews"));
    let clash = hits.iter().find(|h| h.article_id == 5).unwrap();
    assert_eq!(clash.title_html, "<mark>Border</mark> clash near Ishkashim");

    let ru = store
        .search(&SearchQuery {
            text: "границ*".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        ru[0].title_html,
        "Столкновение на таджикско-афганской <mark>ГРАНИЦЕ</mark>"
    );
}

#[test]
fn ranked_puts_title_matches_first_and_newest_orders_by_archive_time() {
    let (store, ..) = archive();
    let ranked = store
        .search(&SearchQuery {
            text: "border".into(),
            order: SearchOrder::Ranked,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ranked[0].article_id, 5);
    let newest: Vec<i64> = store
        .search(&SearchQuery {
            text: "border".into(),
            order: SearchOrder::Newest,
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|h| h.article_id)
        .collect();
    assert_eq!(newest, [6, 5]);
    let page2 = store
        .search(&SearchQuery {
            text: "border".into(),
            order: SearchOrder::Newest,
            limit: 1,
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page2.len(), 1);
    assert_eq!(page2[0].article_id, 5);
}

#[test]
fn filters_by_source_language_and_date() {
    let (store, a, b) = archive();
    let run = |q: SearchQuery| {
        let mut ids: Vec<i64> = store
            .search(&q)
            .unwrap()
            .iter()
            .map(|h| h.article_id)
            .collect();
        ids.sort();
        ids
    };
    let base = || SearchQuery {
        text: "border OR границе OR душанбе OR dushanbe".into(),
        ..Default::default()
    };
    assert_eq!(run(base()), [1, 2, 3, 5, 6]);
    assert_eq!(
        run(SearchQuery {
            sources: vec![a],
            ..base()
        }),
        [1, 2, 3]
    );
    assert_eq!(
        run(SearchQuery {
            sources: vec![b],
            ..base()
        }),
        [5, 6]
    );
    assert_eq!(
        run(SearchQuery {
            langs: vec!["RU".into()],
            ..base()
        }),
        [1, 2]
    );
    // Published dates are t0 + n days, but never after the fetch time:
    // everything was fetched at t0, so all publication dates clamp to t0.
    assert_eq!(
        run(SearchQuery {
            since: Some(t0()),
            ..base()
        }),
        [1, 2, 3, 5, 6]
    );
    assert_eq!(
        run(SearchQuery {
            since: Some(t0() + days(1)),
            ..base()
        }),
        Vec::<i64>::new()
    );
    assert_eq!(
        run(SearchQuery {
            until: Some(t0() - days(1)),
            ..base()
        }),
        Vec::<i64>::new()
    );
}

#[test]
fn date_filters_use_publication_time() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let mut old = item(1, "Border report one", "", "en");
    old.published = Some(t0() - days(30));
    let mut new = item(2, "Border report two", "", "en");
    new.published = Some(t0() - days(1));
    store.ingest(a, &[old, new], t0()).unwrap();
    let q = SearchQuery {
        text: "border".into(),
        since: Some(t0() - days(7)),
        ..Default::default()
    };
    let hits = store.search(&q).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].article_id, 2);
    let q = SearchQuery {
        text: "border".into(),
        until: Some(t0() - days(7)),
        ..Default::default()
    };
    assert_eq!(store.search(&q).unwrap()[0].article_id, 1);
}

#[test]
fn a_bad_query_is_a_typed_error_not_an_sql_error() {
    let (store, ..) = archive();
    for bad in ["\"open", "NOT border", "(border", "", "NEAR(border"] {
        let err = store
            .search(&SearchQuery {
                text: bad.into(),
                ..Default::default()
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::Query(_)), "{bad}: {err:?}");
        assert_eq!(err.code(), "store.bad_query");
    }
    // FTS5 syntax characters typed by the user are searched as text.
    assert_eq!(search(&store, "border:*^{}"), [5, 6]);
}

#[test]
fn ranked_pages_reach_past_the_rank_window() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let n = outpost_store::search::RANK_WINDOW + 20;
    let items: Vec<_> = (0..n)
        .map(|i| item(i + 1, &format!("border report {i}"), "", "en"))
        .collect();
    store.ingest(a, &items, t0()).unwrap();
    let page = |offset: u32| {
        store
            .search(&SearchQuery {
                text: "border".into(),
                limit: 10,
                offset,
                ..Default::default()
            })
            .unwrap()
    };
    let last = page(n - 5);
    assert_eq!(last.len(), 5, "the window grows to cover offset + limit");
    // Equal scores fall back to newest first, so the last page is the oldest.
    assert_eq!(last.last().unwrap().article_id, 1);
    let mut all: Vec<i64> = (0..n)
        .step_by(10)
        .flat_map(page)
        .map(|h| h.article_id)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(
        all.len() as u32,
        n,
        "paging neither skips nor repeats a hit"
    );
}
