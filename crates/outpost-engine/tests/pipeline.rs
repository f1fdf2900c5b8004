//! The poll pipeline end to end over real HTTP and a real SQLite file:
//! fetch → parse → store → match → alert → notify.

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use outpost_core::{AlertFilter, NewWatchlist, Severity};
use outpost_engine::NewSourceRequest;
use support::{FeedServer, Recorder, open, rss};

const BORDER: (&str, &str, &str) = (
    "a1",
    "Clashes reported on the Tajik-Afghan border near Khorog",
    "Border guards exchanged fire with smugglers overnight, officials in Khorog said.",
);
const CROSSING: (&str, &str, &str) = (
    "a2",
    "Tajik Afghan border crossing reopens for trade",
    "Traders welcomed the reopening of the crossing at Panji Poyon.",
);
const OTHER: (&str, &str, &str) = (
    "a3",
    "Uzbekistan opens rail terminal in Termez",
    "Cargo bound for Mazar-i-Sharif.",
);

/// One attack, reported in English and in Russian.
const ATTACK_EN: (&str, &str, &str) = (
    "w1",
    "Gunmen kill 5 Chinese workers near Tajik-Afghan border in Darvoz",
    "The attack in Darvoz district was confirmed by officials in Khorog.",
);
const ATTACK_RU: (&str, &str, &str) = (
    "r1",
    "Боевики убили 5 китайских рабочих у таджикско-афганской границы",
    "Нападение произошло в районе Дарвоз, сообщили в Хороге.",
);

fn bilingual_border() -> NewWatchlist {
    watchlist(
        "Border",
        r#""Tajik-Afghan border" OR (таджикско-афганск* NEAR/2 границ*)"#,
        Severity::High,
    )
}

fn watchlist(name: &str, query: &str, severity: Severity) -> NewWatchlist {
    NewWatchlist {
        name: name.into(),
        query: query.into(),
        severity,
        notify: true,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn poll_alerts_once_and_never_again() {
    let server = FeedServer::start(&rss(&[BORDER, CROSSING, OTHER]));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let sink = Arc::new(Recorder::default());
    let engine = open(&db, sink.clone());
    let rt = rt();

    // Adding by the site URL discovers the feed.
    let source = rt
        .block_on(engine.add_source(NewSourceRequest {
            url: server.base.clone(),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(source.url, server.feed_url());
    assert_eq!(source.name, "Khatlon Wire");
    engine
        .add_watchlist(&watchlist(
            "Tajik–Afghan border",
            r#""Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)"#,
            Severity::High,
        ))
        .unwrap();

    let first = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(
        (first.sources, first.ok, first.failed),
        (1, 1, 0),
        "{first:?}"
    );
    assert_eq!(first.new_articles, 3);
    assert_eq!(
        first.alerts, 2,
        "the two border stories match, the rail terminal does not"
    );
    assert_eq!(first.notifications, 2);
    let sent = sink.sent.lock().unwrap().clone();
    assert_eq!(sent[0].summary, "Tajik–Afghan border · high");
    assert!(
        sent.iter()
            .any(|n| n.body == format!("{} — Khatlon Wire", BORDER.1)),
        "{sent:?}"
    );

    let alerts = support::archive(&engine)
        .list_alerts(&AlertFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(alerts.len(), 2);
    let border = alerts.iter().find(|a| a.title == BORDER.1).unwrap();
    // Lists leave spans out (Hardening 2, item 9); the detail has them.
    assert!(border.spans.is_empty());
    assert_eq!(
        support::archive(&engine)
            .get_alert(border.id)
            .unwrap()
            .spans[0]
            .text,
        "Tajik-Afghan border",
        "the phrase is the span"
    );

    // Polling again: a conditional GET answered 304, nothing new, no
    // notification.
    let again = rt.block_on(engine.poll(Some(vec![source.id]))).unwrap();
    assert_eq!(
        (again.not_modified, again.alerts, again.notifications),
        (1, 0, 0),
        "{again:?}"
    );
    assert_eq!(server.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(sink.sent.lock().unwrap().len(), 2);

    // An edited title (same guid) updates the article in place: no new
    // article, no second alert for the same watchlist.
    let edited = (
        BORDER.0,
        "UPDATED: Clashes reported on the Tajik-Afghan border near Khorog",
        BORDER.2,
    );
    server.set_body(&rss(&[edited, CROSSING, OTHER]));
    let third = rt.block_on(engine.poll(Some(vec![source.id]))).unwrap();
    assert_eq!(
        (third.new_articles, third.updated_articles, third.alerts),
        (0, 1, 0),
        "{third:?}"
    );
    assert_eq!(support::archive(&engine).count_alerts().unwrap(), 2);

    // After a restart the source is not due yet: nothing is refetched.
    drop(engine);
    let requests = server.requests.load(Ordering::SeqCst);
    let engine = open(&db, sink.clone());
    let after_restart = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(
        after_restart.sources, 0,
        "next-fetch times survive a restart"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), requests);
}

#[test]
fn same_story_from_two_outlets_notifies_once() {
    let wire = FeedServer::start(&rss(&[ATTACK_EN]));
    let russian = FeedServer::start(&rss(&[ATTACK_RU]));
    let dir = tempfile::tempdir().unwrap();
    let sink = Arc::new(Recorder::default());
    let engine = open(&dir.path().join("o.db"), sink.clone());
    let rt = rt();
    for (server, name) in [(&wire, "Wire"), (&russian, "Русская служба")] {
        rt.block_on(engine.add_source(NewSourceRequest {
            url: server.feed_url(),
            name: Some(name.into()),
            ..Default::default()
        }))
        .unwrap();
    }
    engine.add_watchlist(&bilingual_border()).unwrap();
    let s = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(s.alerts, 2, "{s:?}");
    assert_eq!(
        s.notifications,
        1,
        "one story, one notification: {:?}",
        sink.sent.lock().unwrap()
    );
    let alerts = support::archive(&engine)
        .list_alerts(&AlertFilter {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        alerts[0].story_id, alerts[1].story_id,
        "English and Russian reports form one story"
    );
    assert!(alerts.iter().all(|a| a.story_sources == 2));
}

#[test]
fn a_broken_source_is_a_warning_not_a_failure_of_the_poll() {
    let good = FeedServer::start(&rss(&[BORDER]));
    let bad = FeedServer::start("<rss><channel><title>Broken</title><item><title>Unclosed");
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    let rt = rt();
    for s in [&good, &bad] {
        engine
            .add_source_unchecked(&outpost_core::NewSource {
                kind: outpost_core::SourceKind::Feed,
                settings: Default::default(),
                url: s.feed_url(),
                name: s.base.clone(),
                interval_secs: 900,
                lang: None,
                country: None,
                folder: None,
                tags: vec![],
            })
            .unwrap();
    }
    // A closed port: connection refused.
    engine
        .add_source_unchecked(&outpost_core::NewSource {
            kind: outpost_core::SourceKind::Feed,
            settings: Default::default(),
            url: "http://127.0.0.1:9/feed.xml".into(),
            name: "Unreachable".into(),
            interval_secs: 900,
            lang: None,
            country: None,
            folder: None,
            tags: vec![],
        })
        .unwrap();
    let s = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!(s.sources, 3);
    assert_eq!(s.failed, 1, "only the unreachable source fails: {s:?}");
    assert!(s.errors[0].starts_with("Unreachable: "), "{:?}", s.errors);
    let sources = support::archive(&engine).list_sources().unwrap();
    let unreachable = sources.iter().find(|x| x.name == "Unreachable").unwrap();
    assert_eq!(unreachable.health.consecutive_failures, 1);
    assert!(unreachable.health.last_error.is_some());
    assert!(
        unreachable.health.next_fetch_at.is_some(),
        "a failed source is retried later"
    );
    assert!(
        support::archive(&engine).count_articles().unwrap() >= 1,
        "the good source's article is stored"
    );
}

#[test]
fn no_notify_sends_nothing_and_marks_nothing_as_notified() {
    let wire = FeedServer::start(&rss(&[ATTACK_EN]));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let rt = rt();
    let silent = open(&db, Arc::new(outpost_engine::notify::Silent));
    rt.block_on(silent.add_source(NewSourceRequest {
        url: wire.feed_url(),
        ..Default::default()
    }))
    .unwrap();
    silent.add_watchlist(&bilingual_border()).unwrap();
    let quiet = rt.block_on(silent.poll(None)).unwrap();
    assert_eq!((quiet.alerts, quiet.notifications), (1, 0), "{quiet:?}");
    let alerts = support::archive(&silent)
        .list_alerts(&AlertFilter {
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    let story = alerts[0].story_id.unwrap();
    assert_eq!(
        support::archive(&silent).story_notified_max(story).unwrap(),
        None,
        "nothing counts as notified"
    );
    drop(silent);

    // The Russian report of the same story, polled with notifications on, is
    // announced: the silent poll did not use up the story's notification.
    let russian = FeedServer::start(&rss(&[ATTACK_RU]));
    let sink = Arc::new(Recorder::default());
    let engine = open(&db, sink.clone());
    rt.block_on(engine.add_source(NewSourceRequest {
        url: russian.feed_url(),
        ..Default::default()
    }))
    .unwrap();
    let loud = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((loud.alerts, loud.notifications), (1, 1), "{loud:?}");
    assert_eq!(
        support::archive(&engine).story_notified_max(story).unwrap(),
        Some(Severity::High)
    );
}

/// Issue 12, item 5: items published before the retention window are not
/// ingested, so re-polls do not bring back what retention removes; the
/// summary counts them as `skipped_old`.
#[test]
fn items_older_than_the_retention_window_are_skipped() {
    let old = (support::test_now() - chrono::Duration::days(200)).to_rfc2822();
    let recent = support::test_now().to_rfc2822();
    let body = |today: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><link>http://127.0.0.1/</link><description>d</description>\
             <item><guid>old</guid><title>Old report</title><pubDate>{old}</pubDate><description>Long ago.</description></item>\
             <item><guid>new</guid><title>New report</title><pubDate>{recent}</pubDate><description>{today}</description></item>\
             <item><guid>undated</guid><title>Undated report</title><description>Now.</description></item>\
             </channel></rss>"
        )
    };
    let feed = FeedServer::start(&body("Today."));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    let rt = rt();
    let source = rt
        .block_on(engine.add_source(NewSourceRequest {
            url: feed.feed_url(),
            ..Default::default()
        }))
        .unwrap();
    let first = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((first.new_articles, first.skipped_old), (2, 1), "{first:?}");
    // A changed feed is fetched in full again; the old item stays out.
    feed.set_body(&body("Today, updated."));
    let again = rt.block_on(engine.poll(Some(vec![source.id]))).unwrap();
    assert_eq!((again.new_articles, again.skipped_old), (0, 1), "{again:?}");
    assert_eq!(support::archive(&engine).count_articles().unwrap(), 2);
}

/// Issue 12, item 3: the analyst's reads (alert list, search, article) are
/// served from read-only connections, so they never wait for a writer, even
/// while one holds an open write transaction on the archive.
#[test]
fn reads_do_not_wait_for_the_writer() {
    use outpost_engine::api;
    let feed = FeedServer::start(&rss(&[BORDER, CROSSING, OTHER]));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(&dir.path().join("o.db"), Arc::new(Recorder::default()));
    let rt = rt();
    rt.block_on(engine.add_source(NewSourceRequest {
        url: feed.feed_url(),
        ..Default::default()
    }))
    .unwrap();
    engine.add_watchlist(&bilingual_border()).unwrap();
    let polled = rt.block_on(engine.poll(None)).unwrap();
    assert!(polled.alerts > 0, "{polled:?}");

    let writer = support::archive(&engine);
    writer
        .write_batch(|_| -> outpost_store::Result<()> {
            let (tx, rx) = std::sync::mpsc::channel();
            let reader = Arc::clone(&engine);
            std::thread::spawn(move || {
                let alerts = api::list_alerts(
                    &reader,
                    api::AlertFilterInput {
                        limit: 50,
                        ..Default::default()
                    },
                )
                .unwrap();
                let article = api::get_article(&reader, alerts[0].article_id).unwrap();
                let hits = api::search(
                    &reader,
                    api::SearchRequest {
                        text: "border".into(),
                        source_id: None,
                        lang: None,
                        since: None,
                        until: None,
                        limit: 10,
                        order: outpost_core::SearchOrder::Newest,
                    },
                )
                .unwrap();
                tx.send((alerts.len(), article.title, hits.len())).unwrap();
            });
            // Generous: the reads take milliseconds; before the readers'
            // pool they waited for this mutex forever.
            let (alerts, title, hits) = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("the reads finished while the writer held the archive");
            assert_eq!(alerts as u32, polled.alerts);
            assert!(!title.is_empty());
            assert!(hits > 0);
            Ok(())
        })
        .unwrap();
}

/// Issue 14, section 2 ("done means"): one event reported by four outlets in
/// English, Russian and Tajik — the number spelled out in three of them,
/// the place declined in Russian — is one story, one notification and four
/// sources. A late report joins without notifying again; the analyst can
/// split a report out and join the stories back, and the joined story still
/// remembers it was announced.
#[test]
fn one_event_in_three_languages_is_one_story_and_one_notification() {
    let reports = [
        (
            "Wire",
            (
                "e1",
                "Gunmen kill five Chinese workers at a gold mine in Darvoz",
                "Five Chinese nationals were killed in an attack on a gold mine in Darvoz district on 14 November.",
            ),
        ),
        (
            "Frontier Monitor",
            (
                "e2",
                "Darvoz mine attack: 5 Chinese miners dead",
                "Officials said the attack on the mine in Darvoz took place on 14 November.",
            ),
        ),
        (
            "Вести Памира",
            (
                "r1",
                "В Дарвазе убиты пятеро граждан Китая",
                "Нападение на золотой рудник в Дарвазском районе произошло 14 ноября.",
            ),
        ),
        (
            "Хабарҳо",
            (
                "t1",
                "Дар Дарвоз панҷ шаҳрванди Чин кушта шуданд",
                "Ҳамла ба кони тилло дар ноҳияи Дарвоз 14 ноябр рух дод.",
            ),
        ),
    ];
    let servers: Vec<(FeedServer, &str)> = reports
        .iter()
        .map(|(name, item)| (FeedServer::start(&rss(&[*item])), *name))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let sink = Arc::new(Recorder::default());
    let engine = open(&dir.path().join("o.db"), sink.clone());
    let rt = rt();
    for (server, name) in &servers {
        rt.block_on(engine.add_source(NewSourceRequest {
            url: server.feed_url(),
            name: Some((*name).into()),
            ..Default::default()
        }))
        .unwrap();
    }
    engine
        .add_watchlist(&watchlist(
            "Darvoz",
            "Darvoz OR Дарваз* OR Дарвоз*",
            Severity::High,
        ))
        .unwrap();
    let s = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((s.alerts, s.notifications), (4, 1), "{s:?}");
    let alerts = || {
        support::archive(&engine)
            .list_alerts(&AlertFilter {
                limit: 10,
                ..Default::default()
            })
            .unwrap()
    };
    let first = alerts();
    let story = first[0].story_id.unwrap();
    assert!(
        first.iter().all(|a| a.story_id == Some(story)),
        "four reports, one story: {:?}",
        first
            .iter()
            .map(|a| (&a.title, a.story_id))
            .collect::<Vec<_>>()
    );
    assert!(first.iter().all(|a| a.story_sources == 4), "4 sources");

    // A late report, in Uzbek, joins the story and notifies nothing.
    let late = FeedServer::start(&rss(&[(
        "u1",
        "Darvoz tumanida besh xitoylik ishchi halok boʻldi",
        "Oltin koniga hujum 14 noyabr kuni sodir boʻldi.",
    )]));
    rt.block_on(engine.add_source(NewSourceRequest {
        url: late.feed_url(),
        name: Some("Surxon Axborot".into()),
        ..Default::default()
    }))
    .unwrap();
    let s = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((s.alerts, s.notifications), (1, 0), "{s:?}");
    assert!(alerts().iter().all(|a| a.story_id == Some(story)));

    // Split the Tajik report out, then join the two stories again.
    let tajik = alerts()
        .into_iter()
        .find(|a| a.title.starts_with("Дар Дарвоз"))
        .unwrap();
    let apart = outpost_engine::api::split_story_article(&engine, tajik.article_id).unwrap();
    assert_ne!(apart, story);
    let now = alerts();
    let of = |id| now.iter().filter(|a| a.story_id == Some(id)).count();
    assert_eq!(
        (of(story), of(apart)),
        (4, 1),
        "the alert moved with its article"
    );
    assert!(
        outpost_engine::api::split_story_article(&engine, tajik.article_id).is_err(),
        "a report alone in its story has nothing to be split from"
    );
    outpost_engine::api::join_stories(&engine, story, apart).unwrap();
    assert!(alerts().iter().all(|a| a.story_id == Some(story)));
    assert_eq!(
        support::archive(&engine).story_notified_max(story).unwrap(),
        Some(Severity::High),
        "the joined story remembers it was announced"
    );
    assert!(outpost_engine::api::join_stories(&engine, story, story).is_err());
    assert_eq!(
        sink.sent.lock().unwrap().len(),
        1,
        "one notification in all"
    );
}
