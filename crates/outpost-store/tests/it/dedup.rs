//! Deduplication: GUID per source, canonical URL, content hash; edits.

use outpost_store::{IngestStatus, NewArticle, Store};

use crate::common::*;

const TITLE: &str = "Five foreign nationals killed near the Tajik-Afghan border";
const LEAD: &str = "Gunmen attacked a group of workers near the border post on Tuesday night.";

#[test]
fn same_article_from_two_feeds_is_stored_once_and_remembers_both() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "Outlet A");
    let b = add_source(&store, "https://b.example/rss", "Outlet B");
    let first = store
        .ingest(
            a,
            &[article(
                "a-1",
                "https://news.example/story?id=7&utm_source=rss",
                TITLE,
                LEAD,
            )],
            t0(),
        )
        .unwrap();
    // The second feed links to the same page with other tracking noise.
    let second = store
        .ingest(
            b,
            &[article(
                "b-99",
                "HTTPS://NEWS.example:443/story?fbclid=abc&id=7#top",
                TITLE,
                LEAD,
            )],
            t0() + days(1),
        )
        .unwrap();
    assert_eq!(first[0].status, IngestStatus::New);
    assert_eq!(second[0].status, IngestStatus::Unchanged);
    assert!(second[0].new_source);
    assert_eq!(first[0].article_id, second[0].article_id);
    assert_eq!(store.count_articles().unwrap(), 1);

    let stored = store.get_article(first[0].article_id).unwrap();
    let names: Vec<&str> = stored.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Outlet A", "Outlet B"]);
    assert_eq!(stored.sources[1].guid.as_deref(), Some("b-99"));
    assert_eq!(
        stored.canonical_url.as_deref(),
        Some("https://news.example/story?id=7")
    );
}

#[test]
fn content_hash_merges_copies_under_different_urls() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let b = add_source(&store, "https://b.example/rss", "B");
    let x = store
        .ingest(a, &[article("1", "https://a.example/x", TITLE, LEAD)], t0())
        .unwrap();
    // Same words, different case and punctuation: the normalised hash agrees.
    let y = store
        .ingest(
            b,
            &[article(
                "2",
                "https://b.example/y",
                &TITLE.to_uppercase(),
                &format!("{LEAD}!!"),
            )],
            t0(),
        )
        .unwrap();
    assert_eq!(x[0].article_id, y[0].article_id);
    assert_eq!(y[0].status, IngestStatus::Unchanged);
    assert_eq!(store.count_articles().unwrap(), 1);
}

#[test]
fn short_generic_titles_are_not_merged_by_hash() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let items = [
        article("1", "https://a.example/1", "Daily briefing", ""),
        article("2", "https://a.example/2", "Daily briefing", ""),
    ];
    let out = store.ingest(a, &items, t0()).unwrap();
    assert_eq!(out[0].status, IngestStatus::New);
    assert_eq!(out[1].status, IngestStatus::New);
    assert_eq!(store.count_articles().unwrap(), 2);
}

#[test]
fn guid_identifies_an_item_within_its_source_even_without_url() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let mut item = article("urn:a:1", "", "Short", "");
    item.url = None;
    let first = store.ingest(a, std::slice::from_ref(&item), t0()).unwrap();
    let again = store.ingest(a, &[item], t0() + days(1)).unwrap();
    assert_eq!(first[0].article_id, again[0].article_id);
    assert_eq!(again[0].status, IngestStatus::Unchanged);
    assert!(!again[0].new_source);
}

#[test]
fn an_edited_title_updates_in_place_and_is_never_new() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let first = store
        .ingest(
            a,
            &[article("g1", "https://a.example/1", TITLE, LEAD)],
            t0(),
        )
        .unwrap();
    let edited_title = "UPDATE: Six foreign nationals killed near the Tajik-Afghan border";
    let edit = store
        .ingest(
            a,
            &[article("g1", "https://a.example/1", edited_title, LEAD)],
            t0() + days(1),
        )
        .unwrap();
    assert_eq!(edit[0].status, IngestStatus::Updated);
    assert_eq!(edit[0].article_id, first[0].article_id);
    let stored = store.get_article(first[0].article_id).unwrap();
    assert_eq!(stored.title, edited_title);
    assert_eq!(stored.updated_at, Some(t0() + days(1)));
    assert_eq!(stored.fetched_at, t0());
    assert_eq!(store.count_articles().unwrap(), 1);

    // The index follows the edit: the new word is found, the old is gone.
    let q = |text: &str| outpost_store::SearchQuery {
        text: text.into(),
        ..Default::default()
    };
    assert_eq!(store.search(&q("six")).unwrap().len(), 1);
    assert_eq!(store.search(&q("title:five")).unwrap().len(), 0);

    // Polling the same edited item again changes nothing.
    let again = store
        .ingest(
            a,
            &[article("g1", "https://a.example/1", edited_title, LEAD)],
            t0() + days(2),
        )
        .unwrap();
    assert_eq!(again[0].status, IngestStatus::Unchanged);
}

#[test]
fn an_edited_summary_found_by_url_is_updated() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let mut item = article("", "https://a.example/1?utm_medium=x", TITLE, LEAD);
    item.guid = None;
    store.ingest(a, std::slice::from_ref(&item), t0()).unwrap();
    item.summary = "Officials now say six people died.".into();
    item.url = Some("https://a.example/1".into());
    let out = store.ingest(a, &[item], t0() + days(1)).unwrap();
    assert_eq!(out[0].status, IngestStatus::Updated);
    let stored = store.get_article(out[0].article_id).unwrap();
    assert_eq!(stored.summary, "Officials now say six people died.");
}

#[test]
fn two_outlets_wording_differently_do_not_flip_the_article() {
    // Outlet B carries the same URL with its own title suffix. Neither poll
    // is an edit, so repeated polls of both stay Unchanged.
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let b = add_source(&store, "https://b.example/rss", "B");
    let url = "https://news.example/story/1";
    let ia = article("a", url, TITLE, LEAD);
    let ib = article("b", url, &format!("{TITLE} | Outlet B"), LEAD);
    store.ingest(a, std::slice::from_ref(&ia), t0()).unwrap();
    for round in 0..3 {
        let ra = store
            .ingest(a, std::slice::from_ref(&ia), t0() + days(round))
            .unwrap();
        let rb = store
            .ingest(b, std::slice::from_ref(&ib), t0() + days(round))
            .unwrap();
        assert_eq!(ra[0].status, IngestStatus::Unchanged, "round {round}");
        assert_eq!(rb[0].status, IngestStatus::Unchanged, "round {round}");
    }
    assert_eq!(store.get_article(1).unwrap().title, TITLE);
}

#[test]
fn duplicates_inside_one_batch_collapse() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let items = vec![
        article("1", "https://a.example/1", TITLE, LEAD),
        article("1", "https://a.example/1", TITLE, LEAD),
        article("2", "https://a.example/1#comments", TITLE, LEAD),
    ];
    let out = store.ingest(a, &items, t0()).unwrap();
    let statuses: Vec<_> = out.iter().map(|i| i.status).collect();
    assert_eq!(
        statuses,
        [
            IngestStatus::New,
            IngestStatus::Unchanged,
            IngestStatus::Unchanged
        ]
    );
    assert_eq!(store.count_articles().unwrap(), 1);
}

#[test]
fn dedup_survives_reopening_the_file() {
    let (dir, store) = file_store();
    let a = add_source(&store, "https://a.example/rss", "A");
    store
        .ingest(a, &[article("1", "https://a.example/1", TITLE, LEAD)], t0())
        .unwrap();
    drop(store);
    let store = Store::open(dir.path().join("outpost.db")).unwrap();
    let out = store
        .ingest(
            a,
            &[NewArticle {
                guid: None,
                ..article("", "https://a.example/1", TITLE, LEAD)
            }],
            t0(),
        )
        .unwrap();
    assert_eq!(out[0].status, IngestStatus::Unchanged);
    assert_eq!(store.count_articles().unwrap(), 1);
}

#[test]
fn the_archive_can_be_walked_in_pages_for_back_fill() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let items: Vec<_> = (0..25)
        .map(|i| {
            article(
                &i.to_string(),
                &format!("https://a.example/{i}"),
                &format!("item {i}"),
                "",
            )
        })
        .collect();
    store.ingest(a, &items, t0()).unwrap();
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.articles_after(after, 10).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().unwrap().id;
        seen.extend(page.into_iter().map(|p| p.title));
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[0], "item 0");
    assert_eq!(seen[24], "item 24");
}
