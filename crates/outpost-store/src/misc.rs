//! Settings, saved snapshots, backup and counts.

use std::path::Path;

use rusqlite::{OptionalExtension, params};

use crate::error::{Result, StoreError};
use crate::sources::found;
use crate::{ArticleId, Snapshot, Stats, Store, from_ms, ms};

impl Store {
    pub fn get_setting(&self, key: &str) -> Result<Option<String>> {
        self.run(|| {
            Ok(self
                .conn
                .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.run(|| {
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// Whether first-run seeding (default sources, example watchlists) has
    /// been done for this archive.
    pub fn is_seeded(&self) -> Result<bool> {
        Ok(self.get_setting(crate::SEEDED_KEY)?.is_some())
    }

    pub fn mark_seeded(&self) -> Result<()> {
        self.set_setting(crate::SEEDED_KEY, "1")
    }

    /// Stores (or replaces) the saved copy of an article's page. The article
    /// is thereby kept by retention.
    pub fn save_snapshot(&self, article_id: ArticleId, s: &Snapshot) -> Result<()> {
        self.run(|| {
            let n: i64 = self
                .conn
                .query_row("SELECT count(*) FROM articles WHERE id = ?1", [article_id], |r| r.get(0))?;
            found(n as usize, "article", article_id)?;
            self.conn.execute(
                "INSERT INTO snapshots (article_id, final_url, fetched_at, html, text, sha256, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (article_id) DO UPDATE SET final_url = excluded.final_url,
                    fetched_at = excluded.fetched_at, html = excluded.html, text = excluded.text,
                    sha256 = excluded.sha256, error = excluded.error",
                params![article_id, s.final_url, ms(s.fetched_at), s.html, s.text, s.sha256, s.error],
            )?;
            Ok(())
        })
    }

    pub fn get_snapshot(&self, article_id: ArticleId) -> Result<Option<Snapshot>> {
        self.run(|| {
            Ok(self
                .conn
                .prepare_cached(
                    "SELECT final_url, fetched_at, html, text, sha256, error FROM snapshots
                     WHERE article_id = ?1",
                )?
                .query_row([article_id], |r| {
                    Ok(Snapshot {
                        final_url: r.get(0)?,
                        fetched_at: from_ms(r.get(1)?),
                        html: r.get(2)?,
                        text: r.get(3)?,
                        sha256: r.get(4)?,
                        error: r.get(5)?,
                    })
                })
                .optional()?)
        })
    }

    /// Writes a consistent copy of the archive to `dest`, also while other
    /// connections write (it reads one snapshot of the WAL). Refuses to
    /// overwrite an existing file.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        self.run(|| {
            if dest.exists() {
                return Err(StoreError::BackupExists {
                    path: dest.to_path_buf(),
                });
            }
            self.backup_via_temp(dest)
        })
    }

    /// Like [`Store::backup_to`], but replaces `dest` if it exists. The old
    /// file is only replaced once the new copy is complete.
    pub fn backup_to_overwriting(&self, dest: &Path) -> Result<()> {
        self.run(|| self.backup_via_temp(dest))
    }

    fn backup_via_temp(&self, dest: &Path) -> Result<()> {
        let io = |source| StoreError::Io {
            path: dest.to_path_buf(),
            source,
        };
        if dest.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder; name a file to write the backup to",
            )));
        }
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("the folder {} does not exist", dir.display()),
            )));
        }
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.partial-");
        remove_stale_partials(dir, &prefix);
        let tmp = dir.join(format!("{prefix}{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let result = self
            .conn
            .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
            .map_err(|e| StoreError::from(e).locate(dest))
            // VACUUM INTO does not sync its output; the copy must be on disk
            // before it takes the backup's name.
            .and_then(|_| {
                std::fs::File::open(&tmp)
                    .and_then(|f| f.sync_all())
                    .map_err(io)
            })
            .and_then(|_| std::fs::rename(&tmp, dest).map_err(io));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// SQLite's `data_version` of this connection: it moves whenever
    /// another connection (this process's writer, or another process)
    /// commits, so a reader that never writes sees every change of the
    /// archive for the cost of one pragma.
    pub fn data_version(&self) -> Result<i64> {
        self.run(|| {
            Ok(self
                .conn
                .query_row("PRAGMA data_version", [], |r| r.get(0))?)
        })
    }

    pub fn stats(&self) -> Result<Stats> {
        self.run(|| {
            Ok(self.conn.query_row(
                "SELECT (SELECT count(*) FROM sources WHERE removed_at IS NULL),
                        (SELECT count(*) FROM articles),
                        (SELECT count(*) FROM watchlists WHERE removed_at IS NULL),
                        (SELECT count(*) FROM alerts),
                        (SELECT count(DISTINCT story_id) FROM alerts
                          WHERE state = 'new' AND story_id IS NOT NULL)
                        + (SELECT count(*) FROM alerts WHERE state = 'new' AND story_id IS NULL)",
                [],
                |r| {
                    Ok(Stats {
                        sources: r.get::<_, i64>(0)? as u64,
                        articles: r.get::<_, i64>(1)? as u64,
                        watchlists: r.get::<_, i64>(2)? as u64,
                        alerts: r.get::<_, i64>(3)? as u64,
                        unread: r.get::<_, i64>(4)? as u64,
                    })
                },
            )?)
        })
    }

    /// Runs SQLite's full `PRAGMA integrity_check` and returns its lines:
    /// exactly `["ok"]` for a sound file. Slow on a large archive.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.run(|| {
            let mut st = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// Removes the partial copies (`.NAME.partial-PID`) that a backup killed
/// before its rename left in `dir` (Hardening 2, item 6). A copy whose
/// process still runs is another backup in progress and is left alone.
fn remove_stale_partials(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` runs. Only Linux answers (through /proc); elsewhere
/// every other process's partial copy counts as stale.
fn process_alive(pid: u32) -> bool {
    cfg!(target_os = "linux") && Path::new("/proc").join(pid.to_string()).exists()
}
