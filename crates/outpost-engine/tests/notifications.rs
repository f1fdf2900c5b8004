//! Native notifications over a real, private D-Bus session: a fake
//! `org.freedesktop.Notifications` server records what Outpost's sink sends
//! while the pipeline polls a real fixture feed. Its own test binary,
//! because it points the process's session bus at the private daemon.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use outpost_core::{NewWatchlist, Severity};
use outpost_engine::NewSourceRequest;
use outpost_engine::notify::{DesktopNotifier, NotificationSink};
use support::{FeedServer, open, rss};
use zbus::zvariant::OwnedValue;

#[derive(Debug, Clone)]
struct Received {
    app: String,
    summary: String,
    body: String,
    urgency: Option<u8>,
    actions: Vec<String>,
}

struct FakeServer {
    received: Arc<Mutex<Vec<Received>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl FakeServer {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let urgency = hints.get("urgency").and_then(|v| u8::try_from(v).ok());
        let mut r = self.received.lock().unwrap();
        r.push(Received {
            app: app_name,
            summary,
            body,
            urgency,
            actions,
        });
        r.len() as u32
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "fake".into(),
            "outpost-tests".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

struct Daemon(Child);
impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_bus() -> Option<(Daemon, String)> {
    let mut child = match Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("SKIPPED: dbus-daemon is not installed ({e}); `make test` installs it");
            return None;
        }
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Some((Daemon(child), line.trim().to_string()))
}

#[test]
fn poll_sends_one_native_notification_and_a_second_poll_sends_none() {
    let Some((_daemon, address)) = start_bus() else {
        return;
    };

    // First with no notification service on the bus: the sink says why,
    // once, and nothing panics.
    // SAFETY: this test binary has a single test, which sets the variable
    // before anything else reads it.
    unsafe {
        std::env::set_var(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/outpost-test-bus",
        )
    };
    let offline = DesktopNotifier::new(None, None);
    let note = outpost_core::policy::Notification {
        alert_id: 1,
        summary: "s".into(),
        body: "b".into(),
        severity: Severity::High,
        alert_ids: vec![1],
        stories: vec![],
    };
    assert!(offline.send(&note).is_err(), "an undelivered send says so");
    assert!(offline.send(&note).is_err());
    let status = offline.status();
    assert!(!status.available);
    assert!(
        status.reason.unwrap().contains("alerts are still listed"),
        "the reason says nothing is lost"
    );

    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address) };
    // The late scenario leaves the fake service on the bus; the rest of the
    // test reuses it with a fresh archive.
    let (_server, received) = undelivered_notifications_wait_for_the_service(&address).finish();
    received.lock().unwrap().clear();

    let feed = FeedServer::start(&rss(&[
        (
            "n1",
            "Clashes on the Tajik-Afghan border near Khorog",
            "Border guards exchanged fire overnight.",
        ),
        (
            "n2",
            "Rail terminal opens in Termez",
            "Cargo for Mazar-i-Sharif.",
        ),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let sink = Arc::new(DesktopNotifier::new(None, None));
    let engine = open(&dir.path().join("o.db"), sink.clone());
    let rt = runtime();
    let source = rt
        .block_on(engine.add_source(NewSourceRequest {
            url: feed.feed_url(),
            name: Some("Khatlon Wire".into()),
            ..Default::default()
        }))
        .unwrap();
    engine
        .add_watchlist(&NewWatchlist {
            name: "Tajik–Afghan border".into(),
            query: r#""Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)"#.into(),
            severity: Severity::Critical,
            notify: true,
            scope_sources: vec![],
            scope_langs: vec![],
            color: None,
        })
        .unwrap();

    let first = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((first.alerts, first.notifications), (1, 1), "{first:?}");
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].app, "Outpost");
    assert_eq!(got[0].summary, "Tajik–Afghan border · critical");
    assert_eq!(
        got[0].body,
        "Clashes on the Tajik-Afghan border near Khorog — Khatlon Wire"
    );
    assert_eq!(
        got[0].urgency,
        Some(2),
        "critical severity is critical urgency"
    );
    assert!(
        got[0].actions.is_empty(),
        "the CLI sink has no click action"
    );
    assert!(sink.status().available);

    let second = rt.block_on(engine.poll(Some(vec![source.id]))).unwrap();
    assert_eq!((second.alerts, second.notifications), (0, 0));
    assert_eq!(
        received.lock().unwrap().len(),
        1,
        "a second poll sends nothing"
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn border_watchlist() -> NewWatchlist {
    NewWatchlist {
        name: "Tajik–Afghan border".into(),
        query: r#""Tajik-Afghan border" OR (Tajik* NEAR/3 Afghan*)"#.into(),
        severity: Severity::Critical,
        notify: true,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    }
}

/// The second half of the scenario, once the notification service is up.
struct LatePart {
    rt: tokio::runtime::Runtime,
    engine: Arc<outpost_engine::Engine>,
    source: outpost_core::SourceId,
    _feed: FeedServer,
    _dir: tempfile::TempDir,
    received: Arc<Mutex<Vec<Received>>>,
    server: zbus::blocking::Connection,
}

impl LatePart {
    /// Hardening 2, item 8: with the service up, the next poll delivers the
    /// pending notification once, marked late; a third poll sends nothing.
    fn finish(self) -> (zbus::blocking::Connection, Arc<Mutex<Vec<Received>>>) {
        let second = self
            .rt
            .block_on(self.engine.poll(Some(vec![self.source])))
            .unwrap();
        assert_eq!((second.alerts, second.notifications), (0, 1), "{second:?}");
        assert_eq!(second.notification_error, None);
        let got = self.received.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].summary, "Late: Tajik–Afghan border · critical");
        let third = self
            .rt
            .block_on(self.engine.poll(Some(vec![self.source])))
            .unwrap();
        assert_eq!(third.notifications, 0, "{third:?}");
        assert_eq!(self.received.lock().unwrap().len(), 1, "sent once only");
        (self.server, self.received)
    }
}

/// Hardening 2, item 8: with the bus up but no notification service on it,
/// a poll that raises an alert reports 0 notifications and why, and keeps
/// the notification pending (undelivered ones used to count as sent and
/// mark their story notified, so it was never announced).
fn undelivered_notifications_wait_for_the_service(address: &str) -> LatePart {
    let feed = FeedServer::start(&rss(&[(
        "late1",
        "Tajik-Afghan border crossing closed at Panj",
        "Trucks wait on both banks.",
    )]));
    let dir = tempfile::tempdir().unwrap();
    let sink = Arc::new(DesktopNotifier::new(None, None));
    let engine = open(&dir.path().join("late.db"), sink);
    let rt = runtime();
    let source = rt
        .block_on(engine.add_source(NewSourceRequest {
            url: feed.feed_url(),
            name: Some("Panj Post".into()),
            ..Default::default()
        }))
        .unwrap();
    engine.add_watchlist(&border_watchlist()).unwrap();
    let first = rt.block_on(engine.poll(None)).unwrap();
    assert_eq!((first.alerts, first.notifications), (1, 0), "{first:?}");
    let reason = first.notification_error.clone().expect("a reason");
    assert!(reason.contains("did not answer"), "{reason}");

    let received = Arc::new(Mutex::new(Vec::new()));
    let server = zbus::blocking::connection::Builder::address(address)
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            FakeServer {
                received: received.clone(),
            },
        )
        .unwrap()
        .build()
        .unwrap();
    LatePart {
        rt,
        engine,
        source: source.id,
        _feed: feed,
        _dir: dir,
        received,
        server,
    }
}
