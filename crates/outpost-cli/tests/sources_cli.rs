//! `outpost sources` against a real archive file: what the lists show of an
//! address, and accepting a feed's move.

use chrono::Utc;
use outpost_store::Store;

mod common;
use common::{new_source, outpost, text};

// Hardening 2, smaller ones: credentials in a source URL appeared in
// `sources list --json` and in the OPML export. Hardening 2, item 11: a
// move to another host waits for `sources accept-move`.
#[test]
fn credentials_are_redacted_and_a_pending_move_is_shown_then_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outpost.db");
    let id = {
        let store = Store::open(&db).unwrap();
        let id = store
            .add_source(
                &new_source("https://reader:s3cret@private.example/feed", "Private"),
                Utc::now(),
            )
            .unwrap();
        store
            .set_source_pending_move(id, Some("https://mirror.example/feed"))
            .unwrap();
        id
    };

    let json = outpost(&db, &["sources", "list", "--json"]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let out = text(&json.stdout);
    assert!(!out.contains("s3cret"), "{out}");
    assert!(
        out.contains("https://***:***@private.example/feed"),
        "{out}"
    );
    assert!(out.contains("moved to mirror.example: accept?"), "{out}");

    let table = text(&outpost(&db, &["sources", "list"]).stdout);
    assert!(
        table.contains("moved to mirror.example: accept?"),
        "{table}"
    );

    let opml = text(&outpost(&db, &["sources", "export"]).stdout);
    assert!(
        opml.contains("xmlUrl=\"https://***:***@private.example/feed\""),
        "{opml}"
    );
    assert!(!opml.contains("s3cret"), "{opml}");

    let accepted = outpost(&db, &["sources", "accept-move", &id.to_string()]);
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    assert_eq!(
        text(&accepted.stdout).trim(),
        format!("source {id} now polls https://mirror.example/feed")
    );
    let again = outpost(&db, &["sources", "accept-move", &id.to_string()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("no move waiting"),
        "{}",
        text(&again.stderr)
    );
}
