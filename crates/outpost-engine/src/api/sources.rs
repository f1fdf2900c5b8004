//! Use cases of the app shell: the archive's summary and the sources.

use super::*;

pub fn app_info(engine: &Engine) -> Result<AppInfo> {
    // Counts are reads: the readers' pool, never the poll's writer. The alerts
    // marker stays on the writer's connection: SQLite's `data_version` in it
    // is per connection, and only one connection's counter is comparable
    // from one call to the next.
    let stats = engine.reader().stats()?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        db_path: engine.db_path().display().to_string(),
        data_dir: engine
            .db_path()
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        sources: stats.sources,
        articles: stats.articles,
        watchlists: stats.watchlists,
        alerts: stats.alerts,
        unread: stats.unread,
        notifications: engine.notification_status(),
        polling_paused: engine.is_paused(),
        alerts_version: engine.store().alerts_version()?,
    })
}

pub fn source_view(s: outpost_core::Source) -> SourceView {
    // What the stored health alone says; `list_sources` adds what the fetch
    // log and the source's items say.
    let assessment = crate::health::assess(&s, &[], &[], chrono::DateTime::UNIX_EPOCH);
    SourceView {
        health: assessment.notes,
        unverified: assessment.unverified,
        id: s.id,
        kind: s.kind,
        settings: s.settings.clone(),
        // Credentials in an address are for fetching only, never shown.
        url: outpost_feeds::address::redact_url(&s.url).into_owned(),
        name: s.name,
        enabled: s.enabled,
        disabled_reason: s.disabled_reason,
        interval_secs: s.interval_secs,
        interval_fixed: s.interval_fixed,
        priority: s.priority,
        check_every_secs: s.health.check_every_secs,
        check_reason: s.health.check_reason,
        lang: s.lang,
        country: s.country,
        folder: s.folder,
        tags: s.tags,
        last_fetch_at: s.health.last_fetch_at.map(rfc3339),
        last_success_at: s.health.last_success_at.map(rfc3339),
        last_error: s.health.last_error,
        consecutive_failures: s.health.consecutive_failures,
        next_fetch_at: s.health.next_fetch_at.map(rfc3339),
        items_seen: s.health.items_seen,
        avg_latency_ms: s.health.avg_latency_ms,
        pending_move: None,
    }
}

pub fn list_sources(engine: &Engine) -> Result<Vec<SourceView>> {
    let moves = crate::moves::pending_moves(engine)?;
    let sources = crate::moves::listed_sources(engine)?;
    let mut health = crate::health::assess_sources(engine, &sources)?;
    Ok(sources
        .into_iter()
        .map(|s| {
            let pending_move = moves
                .get(&s.id)
                .map(|to| outpost_feeds::address::redact_url(to).into_owned());
            let assessment = health.remove(&s.id).unwrap_or_default();
            SourceView {
                pending_move,
                health: assessment.notes,
                unverified: assessment.unverified,
                ..source_view(s)
            }
        })
        .collect())
}

/// Makes a source's pending move to another host its address.
pub fn accept_source_move(engine: &Engine, id: SourceId) -> Result<SourceView> {
    Ok(source_view(engine.accept_move(id)?))
}

pub async fn add_source(engine: &Engine, input: NewSourceInput) -> Result<SourceView> {
    let keep_failing = input.keep_failing;
    let kind = input.kind.unwrap_or(SourceKind::Feed);
    let req = NewSourceRequest {
        kind: Some(kind),
        settings: input.settings.clone().unwrap_or_default(),
        url: input.url.clone(),
        name: input.name.clone(),
        interval_secs: input.interval_secs,
        lang: input.lang.clone(),
        folder: input.folder.clone(),
        tags: input.tags.clone(),
    };
    match engine.add_source(req).await {
        Ok(s) => Ok(source_view(s)),
        // "Add anyway": a source that fails now (404, timeout) is kept as
        // typed, so the analyst can retry or fix it later; its poll records
        // the error on the source.
        Err(EngineError::Fetch(_)) if keep_failing => {
            // A channel is kept under its preview address (the only kind
            // other than feeds that is read when added).
            let url = match kind {
                SourceKind::Telegram => crate::kinds::telegram_address(&input.url)?.to_string(),
                _ => input.url.trim().to_string(),
            };
            let name = input
                .name
                .filter(|n| !n.trim().is_empty())
                .or_else(|| {
                    url::Url::parse(&url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                })
                .unwrap_or_else(|| url.clone());
            let id = engine.add_source_unchecked(&outpost_core::NewSource {
                kind,
                settings: Default::default(),
                url,
                name,
                interval_secs: input
                    .interval_secs
                    .unwrap_or(crate::engine::DEFAULT_INTERVAL_SECS),
                lang: input.lang,
                country: None,
                folder: input.folder,
                tags: input.tags,
            })?;
            engine.wake();
            Ok(source_view(engine.store().get_source(id)?))
        }
        Err(e) => Err(e),
    }
}

/// Edits every property of a source. A changed interval takes effect at
/// once: the next poll is rescheduled from the last one.
pub fn update_source(engine: &Engine, id: SourceId, edit: SourceEdit) -> Result<SourceView> {
    let name = edit.name.trim().to_string();
    if name.is_empty() {
        return Err(EngineError::invalid(
            "A source needs a name; type one, or keep the one it had",
        ));
    }
    if !(60..=7 * 86_400).contains(&edit.interval_secs) {
        return Err(EngineError::invalid(format!(
            "An interval of {} seconds is out of range; choose between 1 minute and 7 days",
            edit.interval_secs
        )));
    }
    let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let patch = outpost_core::SourcePatch {
        name: Some(name),
        interval_secs: Some(edit.interval_secs),
        lang: Some(blank(edit.lang).map(|l| l.to_lowercase())),
        country: None,
        settings: None,
        folder: Some(blank(edit.folder)),
        tags: Some(
            edit.tags
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
        ),
    };
    let view = {
        let store = engine.store();
        let before = store.get_source(id)?;
        store.update_source(id, &patch)?;
        // A changed interval is the analyst's choice, which the scheduler
        // keeps to (`outpost sources edit ID --adaptive` hands it back).
        if edit.interval_secs != before.interval_secs {
            store.set_source_schedule(id, None, Some(true), None)?;
        }
        // Only a change of the switch: editing a source the engine disabled
        // (a feed gone for good) keeps the reason it gave.
        if store.get_source(id)?.enabled != edit.enabled {
            let reason = (!edit.enabled).then_some("disabled by the analyst");
            store.set_source_enabled(id, edit.enabled, reason)?;
        }
        source_view(store.get_source(id)?)
    };
    engine.wake();
    Ok(view)
}
