//! The corroboration gate and spelling variants end to end: real feeds on
//! 127.0.0.1 polled into a real archive, a watchlist written in Latin that
//! waits for two independent outlets.

mod support;

use std::sync::Arc;

use outpost_core::{NewWatchlist, Severity, WatchlistPatch};
use outpost_engine::NewSourceRequest;
use outpost_engine::api::{AlertFilterInput, list_alerts};
use support::{FeedServer, Recorder, open, rt, test_now};

/// An RSS document whose items link to the outlets' own sites, so each
/// article's address names its outlet.
fn feed(items: &[(&str, &str, &str, &str)]) -> String {
    let published = (test_now() - chrono::Duration::hours(1)).to_rfc2822();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Wire</title><link>http://127.0.0.1/</link><description>Fixture</description>\n",
    );
    for (guid, link, title, desc) in items {
        out.push_str(&format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>{link}</link><pubDate>{published}</pubDate><description>{desc}</description></item>\n"
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

const EN: (&str, &str, &str, &str) = (
    "w1",
    "https://www.asiaplustj.info/en/news/1",
    "Gunmen kill 5 Chinese workers near Tajik-Afghan border in Darvoz",
    "The attack in Darvoz district was confirmed by officials in Khorog.",
);
const RU: (&str, &str, &str, &str) = (
    "r1",
    "https://rus.ozodi.org/a/2",
    "Боевики убили 5 китайских рабочих у таджикско-афганской границы",
    "Нападение произошло в районе Дарвоз, сообщили в Хороге.",
);

// Issue 14, item 5: a watchlist waiting for two independent sources lists
// its first alert as "awaiting confirmation (1 of 2)" without notifying,
// and notifies once, "confirmed by 2 sources", when a second outlet's
// report (reached through a spelling variant) joins the story.
#[test]
fn a_gated_watchlist_notifies_once_when_a_second_outlet_confirms() {
    let english = FeedServer::start(&feed(&[EN]));
    let russian = FeedServer::start(&feed(&[]));
    let dir = tempfile::tempdir().unwrap();
    let sink = Arc::new(Recorder::default());
    let engine = open(&dir.path().join("o.db"), sink.clone());
    let rt = rt();
    let mut ids = Vec::new();
    for (server, name) in [(&english, "Asia-Plus"), (&russian, "Озоди")] {
        let s = rt
            .block_on(engine.add_source(NewSourceRequest {
                url: server.feed_url(),
                name: Some(name.into()),
                ..Default::default()
            }))
            .unwrap();
        ids.push(s.id);
    }
    let w = engine
        .add_watchlist(&NewWatchlist {
            name: "Darvoz".into(),
            query: "Darvoz".into(),
            severity: Severity::High,
            notify: true,
            scope_sources: vec![],
            scope_langs: vec![],
            color: None,
        })
        .unwrap();
    engine
        .update_watchlist(
            w.id,
            &WatchlistPatch {
                min_sources: Some(2),
                ..Default::default()
            },
        )
        .unwrap();

    let first = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((first.alerts, first.notifications), (1, 0), "{first:?}");
    let listed = list_alerts(&engine, AlertFilterInput::default()).unwrap();
    assert_eq!(
        listed[0].awaiting_confirmation.as_deref(),
        Some("awaiting confirmation (1 of 2)")
    );

    russian.set_body(&feed(&[RU]));
    let second = rt.block_on(engine.poll(Some(ids.clone()))).unwrap();
    assert_eq!((second.alerts, second.notifications), (1, 1), "{second:?}");
    let sent = sink.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].body.ends_with("confirmed by 2 sources"),
        "{:?}",
        sent[0]
    );
    let listed = list_alerts(&engine, AlertFilterInput::default()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].story_id, listed[1].story_id, "one story");
    assert!(listed.iter().all(|a| a.awaiting_confirmation.is_none()));
    // The Russian report matched through a variant, and says which.
    let russian_alert = listed
        .iter()
        .find(|a| a.title.starts_with("Боевики"))
        .unwrap();
    let detail = outpost_engine::api::get_alert(&engine, russian_alert.id).unwrap();
    let span = detail.spans.iter().find(|s| s.text == "Дарвоз").unwrap();
    assert_eq!(span.term.as_deref(), Some("darvoz"));

    // A third poll with nothing new notifies nothing more.
    let third = rt.block_on(engine.poll(Some(ids))).unwrap();
    assert_eq!(third.notifications, 0);
}
