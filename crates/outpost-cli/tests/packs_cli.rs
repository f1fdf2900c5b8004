//! `outpost sources add-pack` and the health notes of `sources list`,
//! against a real archive file and a real HTTP server on 127.0.0.1.

use chrono::Utc;
use outpost_store::Store;

mod common;
use common::{closed_port, new_source, outpost, text};

// Issue 13, item 5: the Telegram pack is offered by name and its channels
// are unverified until read once; a source's error is said shortly in the
// table, with the full error kept in --json.
#[test]
fn the_telegram_pack_is_added_by_name_and_health_is_said_shortly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let port = closed_port();
    {
        let store = Store::open(&db).unwrap();
        store
            .add_source(
                &new_source(&format!("http://127.0.0.1:{port}/feed.xml"), "Down"),
                Utc::now(),
            )
            .unwrap();
    }
    let added = outpost(&db, &["sources", "add-pack", "telegram"]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    let line = text(&added.stdout);
    assert!(
        line.starts_with("added 12 sources of the telegram pack"),
        "{line}"
    );
    let again = outpost(&db, &["sources", "add-pack", "telegram"]);
    assert_eq!(
        text(&again.stdout).trim(),
        "added 0 sources of the telegram pack"
    );
    let bad = outpost(&db, &["sources", "add-pack", "rumours"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr)
            .contains("there is no source pack named 'rumours'; the packs are default, telegram"),
        "{}",
        text(&bad.stderr)
    );

    let polled = outpost(&db, &["poll", "--once", "--source", "1"]);
    assert!(polled.status.code().is_some(), "{}", text(&polled.stderr));
    let table = text(&outpost(&db, &["sources", "list"]).stdout);
    let down = table.lines().find(|l| l.contains("Down")).unwrap();
    assert!(
        down.ends_with("127.0.0.1 refused the connection; the site may be down, try later"),
        "{table}"
    );
    let channel = table
        .lines()
        .find(|l| l.contains("Radio Ozodi (Telegram)"))
        .unwrap();
    assert!(channel.ends_with("unverified"), "{table}");
    // The full error stays in the JSON.
    let json = text(&outpost(&db, &["sources", "list", "--json"]).stdout);
    assert!(
        json.contains("Connection refused") || json.contains("connection refused"),
        "{json}"
    );
}
