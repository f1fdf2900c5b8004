//! What the `outpost` process tests share: running the binary against an
//! archive file, reading its output, and the fixtures they seed archives
//! with through the store library.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

use outpost_core::{NewSource, NewWatchlist, Severity, SourceKind};

/// The `outpost` binary on `db`, uncoloured and without the caller's log
/// filter, so its output is the same wherever the tests run.
pub fn outpost_command(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost"));
    cmd.arg("--db")
        .arg(db)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `outpost --db <db> <args>` to completion.
pub fn outpost(db: &Path, args: &[&str]) -> Output {
    outpost_command(db).args(args).output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The process's standard output read as one JSON document.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A feed source polled every 15 minutes, with no language, country,
/// folder or tags; tests set other fields with struct update syntax.
pub fn new_source(url: &str, name: &str) -> NewSource {
    NewSource {
        kind: SourceKind::Feed,
        settings: Default::default(),
        url: url.into(),
        name: name.into(),
        interval_secs: 900,
        lang: None,
        country: None,
        folder: None,
        tags: vec![],
    }
}

/// A watchlist over every source and language that does not notify.
pub fn new_watchlist(name: &str, query: &str, severity: Severity) -> NewWatchlist {
    NewWatchlist {
        name: name.into(),
        query: query.into(),
        severity,
        notify: false,
        scope_sources: vec![],
        scope_langs: vec![],
        color: None,
    }
}

/// A port on 127.0.0.1 that nothing listens on: it was bound and released.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
