//! Use cases of the app shell: watchlists, their syntax check and preview.

use super::*;

pub fn list_watchlists(engine: &Engine) -> Result<Vec<WatchlistView>> {
    let store = engine.store();
    let unread: std::collections::HashMap<WatchlistId, u64> =
        store.unread_counts()?.into_iter().collect();
    let totals: std::collections::HashMap<WatchlistId, u64> =
        store.alert_counts()?.into_iter().collect();
    Ok(store
        .list_watchlists()?
        .into_iter()
        .map(|w| WatchlistView {
            alert_count: totals.get(&w.id).copied().unwrap_or(0),
            unread_count: unread.get(&w.id).copied().unwrap_or(0),
            id: w.id,
            name: w.name,
            query: w.query,
            severity: w.severity,
            notify: w.notify,
            scope_sources: w.scope_sources,
            scope_langs: w.scope_langs,
            color: w.color.unwrap_or_else(|| DEFAULT_COLOR.to_string()),
            problem: engine.watchlist_problem(w.id),
            dropped_variants: w.dropped_variants,
            min_sources: w.min_sources,
            gate_bypass_critical: w.gate_bypass_critical,
        })
        .collect())
}

pub fn check_query(query: &str) -> QueryCheck {
    match Query::parse(query) {
        Ok(q) => QueryCheck {
            ok: true,
            canonical: Some(q.to_string()),
            column: None,
            message: None,
            terms: q
                .term_variants(&[])
                .into_iter()
                .map(TermVariantsView::from)
                .collect(),
        },
        Err(e) => QueryCheck {
            ok: false,
            canonical: None,
            column: Some(e.column as u32),
            message: Some(e.message.clone()),
            terms: Vec::new(),
        },
    }
}

/// Runs a draft query over the most recent archive articles (newest first)
/// and returns up to `limit` matches with their spans.
pub fn preview_query(engine: &Engine, query: &str, limit: u32) -> Result<Vec<PreviewHit>> {
    preview_query_without(engine, query, &[], limit)
}

/// [`preview_query`] without the spelling variants the analyst dropped.
pub fn preview_query_without(
    engine: &Engine,
    query: &str,
    dropped_variants: &[String],
    limit: u32,
) -> Result<Vec<PreviewHit>> {
    let q = Query::parse(query)?.with_variants(dropped_variants);
    let store = engine.reader();
    let mut hits = Vec::new();
    let mut before: Option<ArticleId> = None;
    const PAGE: u32 = 500;
    const MAX_SCANNED: usize = 20_000;
    let mut scanned = 0;
    while hits.len() < limit as usize && scanned < MAX_SCANNED {
        let page = store.articles_before(before, PAGE)?;
        if page.is_empty() {
            break;
        }
        scanned += page.len();
        before = page.last().map(|a| a.id);
        for a in page {
            let body = if a.text.trim().is_empty() {
                &a.summary
            } else {
                &a.text
            };
            let source = a
                .sources
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let doc = Document {
                title: &a.title,
                body,
                lang: a.lang.as_deref(),
                source: Some(&source),
            };
            if let Some(spans) = q.matches(&doc) {
                let snippet = body_snippet(body, &spans);
                hits.push(PreviewHit {
                    article_id: a.id,
                    title: a.title.clone(),
                    source_name: source,
                    published: a.published.map(rfc3339),
                    spans,
                    snippet,
                });
                if hits.len() >= limit as usize {
                    break;
                }
            }
        }
    }
    Ok(hits)
}

/// The body around its first matched span (byte offsets, as the matcher
/// reports them), cut at character boundaries, with "…" where it was cut.
pub fn body_snippet(body: &str, spans: &[Span]) -> Option<String> {
    const SIDE: usize = 80;
    let s = spans.iter().find(|s| s.field == Field::Body)?;
    if s.start > s.end || s.end > body.len() {
        return None;
    }
    let mut from = s.start.saturating_sub(SIDE);
    while !body.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (s.end + SIDE).min(body.len());
    while !body.is_char_boundary(to) {
        to += 1;
    }
    let text = body[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < body.len() { "…" } else { "" };
    Some(format!("{lead}{text}{tail}"))
}

/// Creates or edits a watchlist; with `backfill`, past archive matches become
/// alerts too (without notifications: they are not news).
pub fn save_watchlist(
    engine: &Engine,
    id: Option<WatchlistId>,
    input: WatchlistInput,
    backfill: bool,
) -> Result<WatchlistView> {
    if input.name.trim().is_empty() {
        return Err(EngineError::invalid("a watchlist needs a name"));
    }
    let color = Some(input.color).filter(|c| !c.trim().is_empty());
    let gate = outpost_core::WatchlistPatch {
        dropped_variants: Some(input.dropped_variants.clone()),
        min_sources: Some(input.min_sources.max(1)),
        gate_bypass_critical: Some(input.gate_bypass_critical),
        ..Default::default()
    };
    let w = match id {
        None => engine.add_watchlist(&outpost_core::NewWatchlist {
            name: input.name.trim().to_string(),
            query: input.query,
            severity: input.severity,
            notify: input.notify,
            scope_sources: input.scope_sources,
            scope_langs: input.scope_langs,
            color,
        })?,
        Some(id) => engine.update_watchlist(
            id,
            &outpost_core::WatchlistPatch {
                name: Some(input.name.trim().to_string()),
                query: Some(input.query),
                severity: Some(input.severity),
                notify: Some(input.notify),
                enabled: None,
                scope_sources: Some(input.scope_sources),
                scope_langs: Some(input.scope_langs),
                color: Some(color),
                ..gate.clone()
            },
        )?,
    };
    // A new watchlist's gate and dropped variants are set right after it.
    let w = if id.is_none() {
        engine.update_watchlist(w.id, &gate)?
    } else {
        w
    };
    if backfill {
        engine.backfill(w.id)?;
    }
    list_watchlists(engine)?
        .into_iter()
        .find(|v| v.id == w.id)
        .ok_or(EngineError::Store(outpost_store::StoreError::NotFound {
            what: "watchlist",
            id: w.id,
        }))
}
