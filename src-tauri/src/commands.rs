//! Tauri commands: each a few lines that call the engine. Errors reach the
//! UI as `ApiError { code, message }`.

use std::path::PathBuf;
use std::sync::Arc;

use outpost_core::{AlertId, AlertState, ArticleId, SourceId, StoryId, WatchlistId};
use outpost_engine::api::{self, *};
use outpost_engine::settings::Settings;
use outpost_engine::{Engine, EngineEvent, EventSink, transfer};
use tauri::{AppHandle, Emitter, State};

type Engine_<'a> = State<'a, Arc<Engine>>;
type Res<T> = Result<T, ApiError>;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_info,
        poll_state,
        list_alerts,
        get_alert,
        set_alert_state,
        set_alert_saved,
        restore_alert,
        set_alert_note,
        add_alert_tag,
        remove_alert_tag,
        split_story_article,
        join_stories,
        search,
        get_article,
        load_image,
        list_watchlists,
        check_query,
        preview_query,
        save_watchlist,
        watchlist_removal,
        delete_watchlist,
        import_watchlists,
        export_watchlists,
        list_sources,
        add_source,
        update_source,
        accept_source_move,
        preview_page_source,
        add_source_pack,
        set_source_enabled,
        delete_source,
        poll_now,
        import_opml,
        export_opml,
        get_settings,
        save_settings,
        set_polling_paused,
        backup,
        export_alerts,
        autostart_enabled,
        set_autostart,
        window_ready,
        welcome,
        apply_welcome,
    ]
}

#[tauri::command]
async fn app_info(engine: Engine_<'_>) -> Res<AppInfo> {
    Ok(api::app_info(&engine)?)
}

#[tauri::command]
async fn poll_state(engine: Engine_<'_>) -> Res<PollState> {
    Ok(api::poll_state(&engine)?)
}

#[tauri::command]
async fn list_alerts(engine: Engine_<'_>, filter: AlertFilterInput) -> Res<Vec<AlertView>> {
    Ok(api::list_alerts(&engine, filter)?)
}

#[tauri::command]
async fn get_alert(engine: Engine_<'_>, id: AlertId) -> Res<AlertDetail> {
    Ok(api::get_alert(&engine, id)?)
}

#[tauri::command]
async fn set_alert_state(
    app: AppHandle,
    engine: Engine_<'_>,
    id: AlertId,
    state: AlertState,
) -> Res<()> {
    api::set_alert_state(&engine, id, state).await?;
    crate::tray::refresh(&app);
    Ok(())
}

#[tauri::command]
async fn set_alert_saved(app: AppHandle, engine: Engine_<'_>, id: AlertId, saved: bool) -> Res<()> {
    api::set_alert_saved(&engine, id, saved).await?;
    crate::tray::refresh(&app);
    Ok(())
}

#[tauri::command]
async fn restore_alert(
    app: AppHandle,
    engine: Engine_<'_>,
    id: AlertId,
    triage: AlertTriageInput,
) -> Res<()> {
    api::restore_alert(&engine, id, triage)?;
    crate::tray::refresh(&app);
    Ok(())
}

#[tauri::command]
async fn set_alert_note(engine: Engine_<'_>, id: AlertId, note: String) -> Res<()> {
    Ok(engine.set_alert_note(id, &note)?)
}

#[tauri::command]
async fn add_alert_tag(engine: Engine_<'_>, id: AlertId, tag: String) -> Res<()> {
    Ok(engine.add_alert_tag(id, &tag)?)
}

#[tauri::command]
async fn remove_alert_tag(engine: Engine_<'_>, id: AlertId, tag: String) -> Res<()> {
    Ok(engine.remove_alert_tag(id, &tag)?)
}

#[tauri::command]
async fn search(engine: Engine_<'_>, req: SearchRequest) -> Res<Vec<SearchHitView>> {
    Ok(api::search(&engine, req)?)
}

#[tauri::command]
async fn get_article(engine: Engine_<'_>, id: ArticleId) -> Res<ArticleView> {
    Ok(api::get_article(&engine, id)?)
}

#[tauri::command]
async fn load_image(engine: Engine_<'_>, url: String) -> Res<String> {
    Ok(engine.fetch_image(&url).await?)
}

#[tauri::command]
async fn list_watchlists(engine: Engine_<'_>) -> Res<Vec<WatchlistView>> {
    Ok(api::list_watchlists(&engine)?)
}

#[tauri::command]
async fn check_query(query: String) -> QueryCheck {
    api::check_query(&query)
}

#[tauri::command]
async fn preview_query(engine: Engine_<'_>, query: String, limit: u32) -> Res<Vec<PreviewHit>> {
    Ok(api::preview_query(&engine, &query, limit)?)
}

#[tauri::command]
async fn save_watchlist(
    engine: Engine_<'_>,
    id: Option<WatchlistId>,
    input: WatchlistInput,
    backfill: bool,
) -> Res<WatchlistView> {
    Ok(api::save_watchlist(&engine, id, input, backfill)?)
}

#[tauri::command]
async fn watchlist_removal(engine: Engine_<'_>, id: WatchlistId) -> Res<WatchlistRemovalView> {
    Ok(engine.watchlist_removal(id)?.into())
}

#[tauri::command]
async fn delete_watchlist(engine: Engine_<'_>, id: WatchlistId) -> Res<WatchlistRemovalView> {
    Ok(engine.remove_watchlist(id)?.into())
}

#[tauri::command]
async fn import_watchlists(engine: Engine_<'_>, path: PathBuf) -> Res<ImportSummary> {
    Ok(transfer::import_watchlists(&engine, &path)?)
}

#[tauri::command]
async fn export_watchlists(engine: Engine_<'_>, path: PathBuf) -> Res<()> {
    let toml = transfer::export_watchlists(&engine)?;
    // The path comes from the native save dialog, which already asked
    // about replacing an existing file.
    Ok(transfer::write_new(&path, toml.as_bytes(), true)?)
}

#[tauri::command]
async fn list_sources(engine: Engine_<'_>) -> Res<Vec<SourceView>> {
    Ok(api::list_sources(&engine)?)
}

#[tauri::command]
async fn add_source(engine: Engine_<'_>, input: NewSourceInput) -> Res<SourceView> {
    Ok(api::add_source(&engine, input).await?)
}

#[tauri::command]
async fn preview_page_source(engine: Engine_<'_>, req: PagePreviewRequest) -> Res<PagePreview> {
    Ok(api::preview_page_source(&engine, req).await?)
}

#[tauri::command]
async fn add_source_pack(engine: Engine_<'_>, name: String) -> Res<u32> {
    Ok(api::add_source_pack(&engine, &name)?)
}

#[tauri::command]
async fn accept_source_move(engine: Engine_<'_>, id: SourceId) -> Res<SourceView> {
    Ok(api::accept_source_move(&engine, id)?)
}

#[tauri::command]
async fn update_source(engine: Engine_<'_>, id: SourceId, edit: SourceEdit) -> Res<SourceView> {
    Ok(api::update_source(&engine, id, edit)?)
}

#[tauri::command]
async fn set_source_enabled(engine: Engine_<'_>, id: SourceId, enabled: bool) -> Res<()> {
    let reason = (!enabled).then_some("disabled by the analyst");
    Ok(engine.set_source_enabled(id, enabled, reason)?)
}

#[tauri::command]
async fn delete_source(engine: Engine_<'_>, id: SourceId) -> Res<()> {
    engine.remove_source(id)?;
    Ok(())
}

/// Polls one source, or all enabled ones, now; progress arrives as events.
#[tauri::command]
async fn poll_now(engine: Engine_<'_>, id: Option<SourceId>) -> Res<()> {
    match id {
        Some(id) => engine.inner().poll(Some(vec![id])).await?,
        None => engine.inner().poll_all().await?,
    };
    Ok(())
}

#[tauri::command]
async fn import_opml(app: AppHandle, engine: Engine_<'_>, path: PathBuf) -> Res<ImportSummary> {
    let events = crate::UiEvents(app);
    let summary = transfer::import_opml(&engine, &path, |done, total| {
        events.emit(EngineEvent::PollProgress(outpost_engine::PollProgress {
            done: done as u32,
            total: total as u32,
            current: Some("Importing OPML".into()),
            ..Default::default()
        }))
    })?;
    Ok(summary)
}

#[tauri::command]
async fn export_opml(engine: Engine_<'_>, path: PathBuf) -> Res<()> {
    let opml = transfer::export_opml(&engine)?;
    Ok(transfer::write_new(&path, opml.as_bytes(), true)?)
}

#[tauri::command]
async fn get_settings(engine: Engine_<'_>) -> Res<Settings> {
    Ok(engine.settings()?)
}

#[tauri::command]
async fn save_settings(engine: Engine_<'_>, settings: Settings) -> Res<()> {
    Ok(engine.save_settings(&settings)?)
}

#[tauri::command]
async fn set_polling_paused(app: AppHandle, engine: Engine_<'_>, paused: bool) -> Res<()> {
    engine.set_paused(paused);
    crate::tray::refresh(&app);
    app.emit("sources:changed", ()).ok();
    Ok(())
}

#[tauri::command]
async fn backup(engine: Engine_<'_>, path: PathBuf) -> Res<()> {
    Ok(api::backup(&engine, &path)?)
}

#[tauri::command]
async fn export_alerts(engine: Engine_<'_>, req: ExportRequest) -> Res<ExportSummary> {
    Ok(outpost_engine::export::export_alerts(&engine, &req)?)
}

#[tauri::command]
async fn split_story_article(engine: Engine_<'_>, article: ArticleId) -> Res<StoryId> {
    Ok(api::split_story_article(&engine, article)?)
}

#[tauri::command]
async fn join_stories(engine: Engine_<'_>, keep: StoryId, other: StoryId) -> Res<StoryId> {
    Ok(api::join_stories(&engine, keep, other)?)
}

/// Whether Outpost starts at login (the XDG autostart entry exists).
#[tauri::command]
fn autostart_enabled(target: State<'_, crate::AutostartTarget>) -> bool {
    target
        .dir
        .as_deref()
        .is_some_and(crate::autostart::is_enabled)
}

/// Writes or removes the XDG autostart entry (see autostart.rs).
#[tauri::command]
fn set_autostart(target: State<'_, crate::AutostartTarget>, enabled: bool) -> Res<bool> {
    let fail = |message: String| ApiError {
        code: "autostart".into(),
        message,
    };
    let dir = target.dir.as_deref().ok_or_else(|| {
        fail("Cannot find your config directory: set HOME or XDG_CONFIG_HOME.".into())
    })?;
    let exe = std::env::current_exe()
        .map_err(|e| fail(format!("Cannot find Outpost's own program file: {e}.")))?;
    crate::autostart::set_enabled(dir, enabled, &exe, target.db.as_deref()).map_err(|e| {
        fail(format!(
            "Could not change {}: {e}.",
            dir.join(crate::autostart::FILE_NAME).display()
        ))
    })?;
    Ok(crate::autostart::is_enabled(dir))
}

/// The UI calls this once, after it painted its first list from the archive:
/// the log then says how long the start took (bench/startup reads it).
#[tauri::command]
fn window_ready() {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
        let ms = crate::STARTED.get().map_or(0, |t| t.elapsed().as_millis());
        tracing::info!("first window with data {ms} ms after launch");
    }
}

#[tauri::command]
async fn welcome(engine: Engine_<'_>) -> Res<WelcomeOffer> {
    Ok(api::welcome(&engine)?)
}

#[tauri::command]
async fn apply_welcome(app: AppHandle, engine: Engine_<'_>, choice: WelcomeChoice) -> Res<u32> {
    let kept = api::apply_welcome(&engine, choice)?;
    crate::tray::refresh(&app);
    Ok(kept)
}
