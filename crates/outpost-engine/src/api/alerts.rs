//! Use cases of the app shell: alerts, articles, search and backup.

use super::*;

pub fn alert_view(a: outpost_core::AlertRow) -> AlertView {
    AlertView {
        id: a.id,
        watchlist_id: a.watchlist_id,
        watchlist_name: a.watchlist_name,
        severity: a.severity,
        color: a.color.unwrap_or_else(|| DEFAULT_COLOR.to_string()),
        article_id: a.article_id,
        title: a.title,
        url: a.url,
        source_name: a.source_name.unwrap_or_default(),
        lang: a.lang,
        published: a.published.map(rfc3339),
        created_at: rfc3339(a.created_at),
        state: a.state,
        saved: a.saved,
        story_id: a.story_id,
        story_sources: a.story_sources,
        note: a.note,
        tags: a.tags,
        awaiting_confirmation: None,
    }
}

/// Marks an alert whose watchlist still waits for corroboration (its story
/// not yet announced, too few independent outlets): "awaiting confirmation
/// (1 of 2)".
fn with_gate(
    engine: &Engine,
    store: &outpost_store::Store,
    mut view: AlertView,
) -> Result<AlertView> {
    let gate = {
        let compiled = engine.compiled.read().expect("matcher lock");
        compiled
            .meta
            .get(&view.watchlist_id)
            .map(|w| (w.min_sources, w.gate_bypass_critical))
    };
    let (Some((min_sources, bypass)), Some(story)) = (gate, view.story_id) else {
        return Ok(view);
    };
    if min_sources <= 1 || store.story_notified_max(story)?.is_some() {
        return Ok(view);
    }
    let sources = crate::alerting::story_outlets(store, Some(story), min_sources)?;
    if outpost_core::policy::gate_closed(sources, min_sources, view.severity, bypass) {
        view.awaiting_confirmation =
            Some(outpost_core::policy::awaiting_label(sources, min_sources));
    }
    Ok(view)
}

pub fn list_alerts(engine: &Engine, f: AlertFilterInput) -> Result<Vec<AlertView>> {
    let filter = outpost_core::AlertFilter {
        watchlist: f.watchlist_id,
        state: f.state,
        severity: f.severity,
        source: f.source_id,
        lang: f.lang.filter(|l| !l.is_empty()),
        since: parse_optional(f.since.as_deref(), Bound::Since)?,
        until: parse_optional(f.until.as_deref(), Bound::Until)?,
        limit: if f.limit == 0 { 200 } else { f.limit },
        offset: f.offset,
    };
    let store = engine.reader();
    store
        .list_alerts(&filter)?
        .into_iter()
        .map(|row| with_gate(engine, &store, alert_view(row)))
        .collect()
}

pub fn article_view(a: &outpost_core::Article) -> ArticleView {
    ArticleView {
        id: a.id,
        title: a.title.clone(),
        url: a.url.clone(),
        source_name: a
            .sources
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        lang: a.lang.clone(),
        published: a.published.map(rfc3339),
        fetched_at: rfc3339(a.fetched_at),
        summary: a.summary.clone(),
        content_html: defer_images(&a.content_html),
        authors: a.authors.clone(),
    }
}

pub fn get_article(engine: &Engine, id: ArticleId) -> Result<ArticleView> {
    let store = engine.reader();
    with_snapshot(&store, article_view(&store.get_article(id)?))
}

/// A saved article reads from its captured page when there is one, so it
/// stays readable offline and shows what was preserved as evidence.
fn with_snapshot(store: &outpost_store::Store, mut view: ArticleView) -> Result<ArticleView> {
    let captured = store
        .get_snapshot(view.id)?
        .filter(|s| s.error.is_none())
        .and_then(|s| s.html);
    if let Some(html) = captured.filter(|h| !h.trim().is_empty()) {
        view.content_html = defer_images(&html);
    }
    Ok(view)
}

pub fn get_alert(engine: &Engine, id: AlertId) -> Result<AlertDetail> {
    let store = engine.store();
    let row = store.get_alert(id)?;
    let article = store.get_article(row.article_id)?;
    let query = store.get_watchlist(row.watchlist_id)?.query;
    let story = match row.story_id {
        Some(sid) => store
            .story_articles(sid)?
            .into_iter()
            .map(|a| StoryMember {
                article_id: a.id,
                source_name: a
                    .sources
                    .first()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                title: a.title,
                url: a.url,
                lang: a.lang,
            })
            .collect(),
        None => Vec::new(),
    };
    let spans = row.spans.clone();
    let article = with_snapshot(&store, article_view(&article))?;
    Ok(AlertDetail {
        alert: with_gate(engine, &store, alert_view(row))?,
        article,
        query,
        spans,
        story,
    })
}

/// Triage. Saving also captures the article's page as evidence (see
/// `evidence::save_alert`); a page that cannot be fetched keeps the feed
/// text and records why.
pub async fn set_alert_state(engine: &Engine, id: AlertId, state: AlertState) -> Result<()> {
    if state == AlertState::Saved {
        crate::evidence::save_alert(engine, id).await?;
        return Ok(());
    }
    Ok(engine.store().set_alert_state(id, state, engine.now())?)
}

/// Saves an alert (capturing its page as evidence) or takes it out of
/// Saved; the triage state is left as it is.
pub async fn set_alert_saved(engine: &Engine, id: AlertId, saved: bool) -> Result<()> {
    if saved {
        return set_alert_state(engine, id, AlertState::Saved).await;
    }
    Ok(engine.store().unsave_alert(id)?)
}

/// Undo: puts an alert's state, saved flag, note and tags back exactly.
pub fn restore_alert(engine: &Engine, id: AlertId, t: AlertTriageInput) -> Result<()> {
    Ok(engine.store().restore_alert(
        id,
        &outpost_store::AlertTriage {
            state: t.state,
            saved: t.saved,
            note: t.note,
            tags: t.tags,
        },
    )?)
}

pub fn search(engine: &Engine, req: SearchRequest) -> Result<Vec<SearchHitView>> {
    let q = outpost_core::SearchQuery {
        text: req.text,
        sources: req.source_id.into_iter().collect(),
        langs: req.lang.into_iter().filter(|l| !l.is_empty()).collect(),
        since: parse_optional(req.since.as_deref(), Bound::Since)?,
        until: parse_optional(req.until.as_deref(), Bound::Until)?,
        limit: if req.limit == 0 { 50 } else { req.limit },
        offset: 0,
        order: req.order,
    };
    Ok(engine
        .reader()
        .search(&q)?
        .into_iter()
        .map(|h| SearchHitView {
            article_id: h.article_id,
            title: h.title,
            source_name: h.source_name.unwrap_or_default(),
            url: h.url,
            published: h.published.map(rfc3339),
            lang: h.lang,
            snippet: h.snippet,
        })
        .collect())
}

pub fn backup(engine: &Engine, path: &Path) -> Result<()> {
    engine.backup(path, false)
}

/// Swaps `src` for `data-src` on every image (and drops `srcset`), so the
/// reader shows no remote image until the analyst asks: a remote image
/// tells its host the analyst's address and that the article was read.
pub fn defer_images(html: &str) -> String {
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let settings = RewriteStrSettings::new().append_element_content_handler(element!(
        "img[src], img[srcset], source[srcset]",
        |el| {
            if let Some(src) = el.get_attribute("src") {
                el.remove_attribute("src");
                el.set_attribute("data-src", &src)?;
            }
            el.remove_attribute("srcset");
            Ok(())
        }
    ));
    rewrite_str(html, settings).unwrap_or_default()
}
