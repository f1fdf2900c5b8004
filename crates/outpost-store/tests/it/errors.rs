//! Bad input: newer schema, damaged file, read-only folder, full disk.

use std::path::Path;
use std::process::Command;

use outpost_store::{SearchQuery, Store, StoreError};

use crate::common::*;

fn seeded(path: &Path) {
    let store = Store::open(path).unwrap();
    let s = add_source(&store, "https://a.example/rss", "A");
    store
        .ingest(
            s,
            &[article("1", "https://a.example/1", "Border item", "")],
            t0(),
        )
        .unwrap();
}

fn assert_intact(path: &Path) {
    let store = Store::open(path).unwrap();
    assert_eq!(store.count_articles().unwrap(), 1);
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    seeded(&path);
    let supported = outpost_store::schema::LATEST;
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", supported + 5)
            .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    match &err {
        StoreError::NewerSchema {
            found,
            supported: s,
            ..
        } => {
            assert_eq!(*found, supported + 5);
            assert_eq!(*s, supported);
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("newer version of Outpost"), "{msg}");
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", supported).unwrap();
    }
    assert_intact(&path);
}

#[test]
fn a_garbage_file_is_reported_as_damaged_and_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("outpost.db") && msg.contains("backup"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_damaged_page_inside_a_real_archive_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    {
        let store = Store::open(&path).unwrap();
        let s = add_source(&store, "https://a.example/rss", "A");
        let items: Vec<_> = (0..300)
            .map(|i| {
                article(
                    &i.to_string(),
                    &format!("https://a.example/{i}"),
                    &format!("Border item {i}"),
                    "words",
                )
            })
            .collect();
        store.ingest(s, &items, t0()).unwrap();
        // Fold the WAL into the main file so the damage below hits data.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let result = Store::open(&path).and_then(|s| {
        s.search(&SearchQuery {
            text: "border".into(),
            ..Default::default()
        })?;
        s.count_articles()
    });
    let err = result.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

/// The worker binary's `open` mode prints the error of opening a store.
fn open_as_unprivileged(path: &Path) -> (bool, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost-store-ingest-worker"));
    cmd.arg("open").arg(path);
    // Root ignores permission bits, so the check runs as "nobody".
    if unsafe_geteuid_is_root() {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn unsafe_geteuid_is_root() -> bool {
    // /proc/self/status names the effective uid without any libc call.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_read_only_folder_gives_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let existing = ro.join("existing.db");
    seeded(&existing);
    // Everything readable, nothing writable.
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();

    let (ok, msg) = open_as_unprivileged(&ro.join("new.db"));
    assert!(!ok);
    assert!(msg.contains("read-only") && msg.contains("new.db"), "{msg}");
    assert!(msg.contains("store.read_only"), "{msg}");

    let (ok, msg) = open_as_unprivileged(&existing);
    assert!(!ok);
    assert!(
        msg.contains("read-only") && msg.contains("existing.db"),
        "{msg}"
    );

    let (ok, msg) = open_as_unprivileged(&ro.join("sub/dir/new.db"));
    assert!(!ok);
    assert!(msg.contains("read-only"), "{msg}");

    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_intact(&existing);
}
