//! Watchlists, alerts, triage, stories.

use outpost_core::model::Field;
use outpost_store::{
    AlertFilter, AlertState, NewAlert, NewStory, NewWatchlist, Severity, Span, Store, StoreError,
    WatchlistPatch,
};

use crate::common::*;

fn watchlist(name: &str, severity: Severity) -> NewWatchlist {
    NewWatchlist {
        name: name.into(),
        query: "border".into(),
        severity,
        notify: true,
        scope_sources: vec![],
        scope_langs: vec!["ru".into()],
        color: Some("#c00".into()),
    }
}

fn alert(watchlist_id: i64, article_id: i64) -> NewAlert {
    NewAlert {
        watchlist_id,
        article_id,
        spans: vec![Span {
            field: Field::Title,
            start: 0,
            end: 6,
            text: "Border".into(),
            term: None,
        }],
        story_id: None,
        created_at: t0(),
    }
}

#[test]
fn an_alert_is_unique_per_watchlist_and_article_across_reopen() {
    let (dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let art = store
        .ingest(
            s,
            &[article("1", "https://a.example/1", "Border", "")],
            t0(),
        )
        .unwrap()[0]
        .article_id;
    let w = store
        .add_watchlist(&watchlist("Border", Severity::High), t0())
        .unwrap();
    let first = store.insert_alert(&alert(w, art)).unwrap();
    assert!(first.is_some());
    assert_eq!(store.insert_alert(&alert(w, art)).unwrap(), None);
    drop(store);

    let store = Store::open(dir.path().join("outpost.db")).unwrap();
    assert_eq!(store.insert_alert(&alert(w, art)).unwrap(), None);
    assert_eq!(store.count_alerts().unwrap(), 1);
    // Another watchlist may alert on the same article.
    let w2 = store
        .add_watchlist(&watchlist("Other", Severity::Low), t0())
        .unwrap();
    assert!(store.insert_alert(&alert(w2, art)).unwrap().is_some());
}

#[test]
fn alert_rows_join_article_watchlist_and_triage() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "Asia-Plus");
    let b = add_source(&store, "https://b.example/rss", "Sputnik");
    let mut item = article(
        "1",
        "https://a.example/1",
        "Border clash",
        "lead words for the clash story here",
    );
    item.lang = Some("ru".into());
    let art = store.ingest(a, std::slice::from_ref(&item), t0()).unwrap()[0].article_id;
    store.ingest(b, &[item], t0()).unwrap();
    let w = store
        .add_watchlist(&watchlist("Border", Severity::Critical), t0())
        .unwrap();
    let id = store.insert_alert(&alert(w, art)).unwrap().unwrap();

    let row = store.get_alert(id).unwrap();
    assert_eq!(row.watchlist_name, "Border");
    assert_eq!(row.severity, Severity::Critical);
    assert_eq!(row.title, "Border clash");
    assert_eq!(row.source_name.as_deref(), Some("Asia-Plus"));
    assert_eq!(row.state, AlertState::New);
    assert_eq!(row.story_sources, 2);
    assert_eq!(row.spans[0].text, "Border");
    assert_eq!(row.color.as_deref(), Some("#c00"));

    store
        .set_alert_note(id, "  check with field office ")
        .unwrap();
    store.add_alert_tag(id, "casualties").unwrap();
    store.add_alert_tag(id, "badakhshan").unwrap();
    store.add_alert_tag(id, "casualties").unwrap();
    store.set_alert_state(id, AlertState::Read, t0()).unwrap();
    let row = store.get_alert(id).unwrap();
    assert_eq!(row.note.as_deref(), Some("check with field office"));
    assert_eq!(row.tags, ["badakhshan", "casualties"]);
    assert_eq!(row.state, AlertState::Read);
    store.remove_alert_tag(id, "badakhshan").unwrap();
    assert_eq!(store.get_alert(id).unwrap().tags, ["casualties"]);
    assert_eq!(store.list_tags().unwrap(), ["casualties"]);

    let list = |f: AlertFilter| store.list_alerts(&f).unwrap().len();
    assert_eq!(list(AlertFilter::default()), 1);
    assert_eq!(
        list(AlertFilter {
            state: Some(AlertState::New),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        list(AlertFilter {
            severity: Some(Severity::Critical),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        list(AlertFilter {
            source: Some(b),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        list(AlertFilter {
            lang: Some("en".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        list(AlertFilter {
            since: Some(t0() + days(1)),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        list(AlertFilter {
            watchlist: Some(w + 1),
            ..Default::default()
        }),
        0
    );

    assert!(matches!(
        store.get_alert(999),
        Err(StoreError::NotFound {
            what: "alert",
            id: 999
        })
    ));
    assert!(matches!(
        store.set_alert_note(999, "x"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn unread_counts_and_stats() {
    let store = Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    let arts: Vec<i64> = store
        .ingest(
            s,
            &(0..3)
                .map(|i| {
                    article(
                        &i.to_string(),
                        &format!("https://a.example/{i}"),
                        &format!("t {i}"),
                        "",
                    )
                })
                .collect::<Vec<_>>(),
            t0(),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    let w1 = store
        .add_watchlist(&watchlist("One", Severity::Low), t0())
        .unwrap();
    let w2 = store
        .add_watchlist(&watchlist("Two", Severity::High), t0())
        .unwrap();
    for &a in &arts {
        store.insert_alert(&alert(w1, a)).unwrap();
    }
    let x = store.insert_alert(&alert(w2, arts[0])).unwrap().unwrap();
    store
        .set_alert_state(x, AlertState::Dismissed, t0())
        .unwrap();
    assert_eq!(store.unread_counts().unwrap(), [(w1, 3)]);
    let st = store.stats().unwrap();
    assert_eq!(
        (st.sources, st.articles, st.watchlists, st.alerts, st.unread),
        (1, 3, 2, 4, 3)
    );
}

#[test]
fn watchlists_edit_and_reject_duplicate_names() {
    let store = Store::open_in_memory().unwrap();
    let w = store
        .add_watchlist(&watchlist("Border", Severity::High), t0())
        .unwrap();
    let other = store
        .add_watchlist(&watchlist("Other", Severity::Low), t0())
        .unwrap();
    let err = store
        .add_watchlist(&watchlist("Border", Severity::Low), t0())
        .unwrap_err();
    assert!(matches!(err, StoreError::WatchlistExists { id, .. } if id == w));
    let err = store
        .update_watchlist(
            other,
            &WatchlistPatch {
                name: Some("Border".into()),
                ..Default::default()
            },
            t0(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::WatchlistExists { .. }));
    let updated = store
        .update_watchlist(
            w,
            &WatchlistPatch {
                query: Some("border OR граница".into()),
                severity: Some(Severity::Critical),
                enabled: Some(false),
                color: Some(None),
                ..Default::default()
            },
            t0() + days(1),
        )
        .unwrap();
    assert_eq!(updated.query, "border OR граница");
    assert_eq!(updated.severity, Severity::Critical);
    assert!(!updated.enabled);
    assert_eq!(updated.color, None);
    assert_eq!(updated.scope_langs, ["ru"]);
    assert_eq!(updated.updated_at, t0() + days(1));
    assert_eq!(store.list_watchlists().unwrap().len(), 2);
    store.remove_watchlist(other, t0()).unwrap();
    assert!(matches!(
        store.get_watchlist(other),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn stories_group_articles_and_remember_notifications() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let b = add_source(&store, "https://b.example/rss", "B");
    let x = store
        .ingest(
            a,
            &[article(
                "1",
                "https://a.example/1",
                "Clash at the border post",
                "",
            )],
            t0(),
        )
        .unwrap()[0]
        .article_id;
    let y = store
        .ingest(
            b,
            &[article(
                "2",
                "https://b.example/2",
                "Border post clash reported",
                "",
            )],
            t0() + days(1),
        )
        .unwrap()[0]
        .article_id;
    let story = store
        .create_story(&NewStory {
            first_seen: t0(),
            title: "Clash at the border post".into(),
            simhash: u64::MAX - 5,
            tokens: vec!["clash".into(), "border".into()],
        })
        .unwrap();
    store.attach_to_story(x, story).unwrap();
    store.attach_to_story(y, story).unwrap();
    assert_eq!(store.story_sources(story).unwrap(), 2);
    let recent = store.recent_stories(t0()).unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].simhash, u64::MAX - 5);
    assert_eq!(recent[0].last_seen, t0() + days(1));
    assert_eq!(recent[0].article_count, 2);
    assert_eq!(recent[0].tokens, ["clash", "border"]);
    assert!(store.recent_stories(t0() + days(2)).unwrap().is_empty());

    let w = store
        .add_watchlist(&watchlist("W", Severity::High), t0())
        .unwrap();
    assert_eq!(store.story_notified(story, w).unwrap(), None);
    store
        .mark_story_notified(story, w, Severity::High, t0())
        .unwrap();
    store
        .mark_story_notified(story, w, Severity::Low, t0())
        .unwrap();
    assert_eq!(
        store.story_notified(story, w).unwrap(),
        Some(Severity::High)
    );

    store
        .mark_story_notified(story, w, Severity::Critical, t0())
        .unwrap();
    assert_eq!(
        store.story_notified(story, w).unwrap(),
        Some(Severity::Critical)
    );

    // An alert on one article of the story reports the story's reach.
    let id = store
        .insert_alert(&NewAlert {
            story_id: Some(story),
            ..alert(w, x)
        })
        .unwrap()
        .unwrap();
    let row = store.get_alert(id).unwrap();
    assert_eq!(row.story_id, Some(story));
    assert_eq!(row.story_sources, 2);
}

fn ingest_three(store: &Store) -> Vec<i64> {
    let s = add_source(store, "https://a.example/rss", "A");
    store
        .ingest(
            s,
            &[
                article("1", "https://a.example/1", "Border one", ""),
                article("2", "https://a.example/2", "Border two", ""),
                article("3", "https://a.example/3", "Border three", ""),
            ],
            t0(),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect()
}

#[test]
fn removing_a_watchlist_keeps_saved_noted_and_tagged_alerts() {
    // Hardening 2, item 5: `watchlists remove` cascaded away every alert of
    // the watchlist, with the analyst's notes and tags, saved ones included.
    let (_dir, store) = file_store();
    let ids = ingest_three(&store);
    let w = store
        .add_watchlist(&watchlist("Border", Severity::High), t0())
        .unwrap();
    let mut alert_ids = Vec::new();
    for &a in &ids {
        alert_ids.push(store.insert_alert(&alert(w, a)).unwrap().unwrap());
    }
    let plain = store.insert_alert(&alert(w, ids[0]));
    assert_eq!(plain.unwrap(), None);
    store
        .set_alert_note(alert_ids[0], "seen by the desk")
        .unwrap();
    store.add_alert_tag(alert_ids[1], "follow-up").unwrap();
    let fourth_article = {
        let s = add_source(&store, "https://b.example/rss", "B");
        store
            .ingest(
                s,
                &[article("9", "https://b.example/9", "Border four", "")],
                t0(),
            )
            .unwrap()[0]
            .article_id
    };
    let saved = store
        .insert_alert(&alert(w, fourth_article))
        .unwrap()
        .unwrap();
    store
        .set_alert_state(saved, AlertState::Saved, t0())
        .unwrap();

    let preview = store.watchlist_removal(w).unwrap();
    assert_eq!((preview.alerts_removed, preview.alerts_kept), (1, 3));
    assert_eq!(
        store.count_alerts().unwrap(),
        4,
        "a preview changes nothing"
    );
    let done = store.remove_watchlist(w, t0()).unwrap();
    assert_eq!(done, preview);

    // The kept alerts still carry the watchlist's name and severity; the
    // watchlist itself is neither listed nor editable nor removable twice.
    let kept = store.list_alerts(&AlertFilter::default()).unwrap();
    let mut kept_ids: Vec<i64> = kept.iter().map(|a| a.id).collect();
    kept_ids.sort();
    assert_eq!(kept_ids, [alert_ids[0], alert_ids[1], saved]);
    assert!(
        kept.iter()
            .all(|a| a.watchlist_name == "Border" && a.severity == Severity::High)
    );
    assert_eq!(
        store.get_alert(alert_ids[0]).unwrap().note.as_deref(),
        Some("seen by the desk")
    );
    assert_eq!(store.get_alert(alert_ids[1]).unwrap().tags, ["follow-up"]);
    assert!(store.list_watchlists().unwrap().is_empty());
    assert_eq!(store.stats().unwrap().watchlists, 0);
    // An alert's detail still reads its watchlist's query.
    assert_eq!(store.get_watchlist(w).unwrap().query, "border");
    assert!(matches!(
        store.update_watchlist(w, &WatchlistPatch::default(), t0()),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.remove_watchlist(w, t0()),
        Err(StoreError::NotFound { .. })
    ));
    // A poll still holding the old matcher adds nothing to a removed one.
    assert_eq!(store.insert_alert(&alert(w, ids[2])).unwrap(), None);

    // The name is free again, and the archive stays consistent on reopen.
    let again = store
        .add_watchlist(&watchlist("Border", Severity::Low), t0())
        .unwrap();
    assert_ne!(again, w);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_alerts().unwrap(), 3);
}

#[test]
fn removing_a_watchlist_without_kept_alerts_deletes_it() {
    let store = Store::open_in_memory().unwrap();
    let ids = ingest_three(&store);
    let w = store
        .add_watchlist(&watchlist("Border", Severity::High), t0())
        .unwrap();
    store.insert_alert(&alert(w, ids[0])).unwrap().unwrap();
    let done = store.remove_watchlist(w, t0()).unwrap();
    assert_eq!((done.alerts_removed, done.alerts_kept), (1, 0));
    assert_eq!(store.count_alerts().unwrap(), 0);
    assert!(matches!(
        store.get_watchlist(w),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn an_alert_stores_its_first_spans_and_lists_load_none() {
    // Hardening 2, item 9: one 4.9 MB item stored 43.8 MB of spans on its
    // alert, and `alerts list` loaded them all to print one line.
    let store = Store::open_in_memory().unwrap();
    let ids = ingest_three(&store);
    let w = store
        .add_watchlist(&watchlist("Border", Severity::High), t0())
        .unwrap();
    let mut many = alert(w, ids[0]);
    many.spans = (0..250_000)
        .map(|i| Span {
            field: Field::Body,
            start: i * 7,
            end: i * 7 + 6,
            text: "border".into(),
            term: None,
        })
        .collect();
    let id = store.insert_alert(&many).unwrap().unwrap();
    let detail = store.get_alert(id).unwrap();
    assert_eq!(detail.spans.len(), outpost_store::MAX_STORED_SPANS);
    assert_eq!(
        detail.spans[..],
        many.spans[..outpost_store::MAX_STORED_SPANS]
    );
    assert_eq!(detail.span_count, 250_000);
    let listed = store.list_alerts(&AlertFilter::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].spans.is_empty());
    assert_eq!(listed[0].span_count, 250_000);
    let with_spans = store
        .list_alerts_with_spans(&AlertFilter::default())
        .unwrap();
    assert_eq!(with_spans[0].spans.len(), outpost_store::MAX_STORED_SPANS);
}

/// Issue 20, "state kept apart": dismissing a saved alert took it out of
/// Saved (the evidence); undo could not put a note and tags back exactly.
#[test]
fn saved_survives_dismissal_and_restore_puts_triage_back_exactly() {
    let (dir, store) = file_store();
    let s = add_source(&store, "https://a.example/rss", "A");
    let art = store
        .ingest(
            s,
            &[article("1", "https://a.example/1", "Border", "")],
            t0(),
        )
        .unwrap()[0]
        .article_id;
    let w = store
        .add_watchlist(&watchlist("One", Severity::Low), t0())
        .unwrap();
    let id = store.insert_alert(&alert(w, art)).unwrap().unwrap();
    store.set_alert_state(id, AlertState::Saved, t0()).unwrap();
    store.set_alert_note(id, "evidence for the report").unwrap();
    store.add_alert_tag(id, "border").unwrap();
    store.add_alert_tag(id, "urgent").unwrap();
    let before = store.get_alert(id).unwrap();
    assert!(before.saved);

    store
        .set_alert_state(id, AlertState::Dismissed, t0())
        .unwrap();
    let saved_filter = AlertFilter {
        state: Some(AlertState::Saved),
        ..AlertFilter::default()
    };
    let in_saved = store.list_alerts(&saved_filter).unwrap();
    assert_eq!(in_saved.len(), 1, "a dismissed saved alert stays in Saved");
    assert_eq!(in_saved[0].state, AlertState::Dismissed);
    assert!(in_saved[0].saved);

    // Undo of the dismissal, then of a note and tag change.
    store.set_alert_note(id, "").unwrap();
    store.remove_alert_tag(id, "urgent").unwrap();
    store
        .restore_alert(
            id,
            &outpost_store::AlertTriage {
                state: before.state,
                saved: before.saved,
                note: before.note.clone(),
                tags: before.tags.clone(),
            },
        )
        .unwrap();
    let after = store.get_alert(id).unwrap();
    assert_eq!(
        (after.state, after.saved, after.note, after.tags),
        (before.state, true, before.note, before.tags)
    );

    // Unsaving leaves the triage state otherwise alone, and survives reopen.
    store.unsave_alert(id).unwrap();
    drop(store);
    let store = Store::open(dir.path().join("outpost.db")).unwrap();
    let a = store.get_alert(id).unwrap();
    assert!(!a.saved);
    assert_eq!(a.state, AlertState::Read);
    assert!(store.list_alerts(&saved_filter).unwrap().is_empty());
}

/// Issue 20, "truthful lists": the UI refetches when this marker moves, so
/// it must move on a new alert and on every triage change.
#[test]
fn alerts_version_moves_on_every_alert_change() {
    let store = Store::open_in_memory().unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    let art = store
        .ingest(
            s,
            &[article("1", "https://a.example/1", "Border", "")],
            t0(),
        )
        .unwrap()[0]
        .article_id;
    let w = store
        .add_watchlist(&watchlist("One", Severity::Low), t0())
        .unwrap();
    let v0 = store.alerts_version().unwrap();
    let id = store.insert_alert(&alert(w, art)).unwrap().unwrap();
    let v1 = store.alerts_version().unwrap();
    assert_ne!(v0, v1);
    store.set_alert_state(id, AlertState::Read, t0()).unwrap();
    let v2 = store.alerts_version().unwrap();
    assert_ne!(v1, v2);
    store.set_alert_state(id, AlertState::Saved, t0()).unwrap();
    let v3 = store.alerts_version().unwrap();
    assert_ne!(v2, v3);
    store
        .set_alert_state(id, AlertState::Dismissed, t0())
        .unwrap();
    let v4 = store.alerts_version().unwrap();
    assert_ne!(v3, v4);
    // Notes and tags too: another window's edit must reach this list.
    store.set_alert_note(id, "seen").unwrap();
    let v5 = store.alerts_version().unwrap();
    assert_ne!(v4, v5);
    store.add_alert_tag(id, "verify").unwrap();
    assert_ne!(v5, store.alerts_version().unwrap());
}

// Issue 16 (one unit for unread): the Alerts badge and the list's header
// counted alerts while the list shows stories, so "9 unread" fell to "3" when
// one story was read. Three alerts of one story, under two watchlists, are
// one unread row, so one unread; an alert outside any story counts alone.
#[test]
fn unread_counts_stories_like_the_list() {
    let store = Store::open_in_memory().unwrap();
    let a = add_source(&store, "https://a.example/rss", "A");
    let arts: Vec<_> = store
        .ingest(
            a,
            &[
                article("1", "https://a.example/1", "Clash at the border post", ""),
                article("2", "https://a.example/2", "Border post clash reported", ""),
            ],
            t0(),
        )
        .unwrap()
        .iter()
        .map(|i| i.article_id)
        .collect();
    let (x, y) = (arts[0], arts[1]);
    let story = store
        .create_story(&NewStory {
            first_seen: t0(),
            title: "Clash at the border post".into(),
            simhash: 7,
            tokens: vec!["clash".into()],
        })
        .unwrap();
    let w = store
        .add_watchlist(&watchlist("W", Severity::High), t0())
        .unwrap();
    let w2 = store
        .add_watchlist(&watchlist("W2", Severity::Low), t0())
        .unwrap();
    let mut in_story = Vec::new();
    for (wl, art) in [(w, x), (w2, x), (w, y)] {
        let mut a = alert(wl, art);
        a.story_id = Some(story);
        in_story.push(store.insert_alert(&a).unwrap().unwrap());
    }
    assert_eq!(store.stats().unwrap().unread, 1, "three alerts, one story");
    let loose = store.insert_alert(&alert(w2, y)).unwrap().unwrap();
    assert_eq!(store.stats().unwrap().unread, 2);
    for id in &in_story[..2] {
        store.set_alert_state(*id, AlertState::Read, t0()).unwrap();
    }
    assert_eq!(
        store.stats().unwrap().unread,
        2,
        "one alert of the story is still new"
    );
    store
        .set_alert_state(in_story[2], AlertState::Read, t0())
        .unwrap();
    store
        .set_alert_state(loose, AlertState::Dismissed, t0())
        .unwrap();
    assert_eq!(store.stats().unwrap().unread, 0);
}
