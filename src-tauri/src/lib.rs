//! The Tauri shell: commands are thin adapters over `outpost-engine`; events
//! carry engine notifications to the UI; the tray shows the unread count.
//! Nothing else in Outpost knows Tauri.

mod autostart;
mod commands;
mod tray;

use std::path::PathBuf;
use std::sync::Arc;

use outpost_engine::notify::{ClickHandler, DesktopNotifier};
use outpost_engine::{Engine, EngineEvent, EngineOptions, EventSink};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

/// Command-line options of the desktop app.
struct Args {
    db: PathBuf,
    /// Whether the archive was chosen (`--db` or `OUTPOST_DB`) rather than
    /// the default: the autostart entry then names it too.
    db_chosen: bool,
    seed: bool,
    /// Start hidden in the tray (how the autostart entry launches the app).
    minimized: bool,
}

const USAGE: &str = "outpost-app [--db PATH] [--no-seed] [--minimized] [--version]";

impl Args {
    /// `--db PATH` (or `OUTPOST_DB`), `--no-seed` (start with no default
    /// sources and watchlists, for tests and demos) and `--minimized`.
    fn parse() -> Result<Args, String> {
        let mut db = std::env::var_os("OUTPOST_DB").map(PathBuf::from);
        let mut seed = true;
        let mut minimized = false;
        let mut args = std::env::args_os().skip(1);
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--db") => db = Some(args.next().ok_or("--db needs a path")?.into()),
                Some("--no-seed") => seed = false,
                Some("--minimized") => minimized = true,
                Some("--help") => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                Some("--version") => {
                    println!("outpost-app {}", env!("CARGO_PKG_VERSION"));
                    std::process::exit(0);
                }
                _ => return Err(format!("unknown argument {arg:?}; usage: {USAGE}")),
            }
        }
        Ok(Args {
            db_chosen: db.is_some(),
            db: db.unwrap_or_else(outpost_engine::paths::default_db_path),
            seed,
            minimized,
        })
    }

    /// The D-Bus name prefix the single-instance plugin claims: one per
    /// archive, so a second launch on the same archive focuses the first
    /// window while a test or a second archive still runs beside it.
    fn instance_id(&self) -> String {
        use sha2::Digest;
        let parent = self.db.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = parent
            .and_then(|p| std::fs::canonicalize(p).ok())
            .or_else(|| parent.map(PathBuf::from))
            .unwrap_or_default();
        let path = dir.join(self.db.file_name().unwrap_or_default());
        let digest = sha2::Sha256::digest(path.as_os_str().as_encoded_bytes());
        format!("org.outpost.desktop.a{}", hex::encode(&digest[..8]))
    }
}

/// What the Settings page's autostart toggle needs: where the entry goes and
/// what it starts.
pub(crate) struct AutostartTarget {
    pub dir: Option<PathBuf>,
    pub db: Option<PathBuf>,
}

/// Forwards engine events to the webview (and the tray).
struct UiEvents(AppHandle);

#[derive(Clone, Serialize)]
struct AlertsNew {
    count: usize,
    alert_ids: Vec<i64>,
}

impl EventSink for UiEvents {
    fn emit(&self, event: EngineEvent) {
        let app = &self.0;
        let sent = match event {
            EngineEvent::AlertsNew { alert_ids } => {
                tray::refresh(app);
                app.emit(
                    "alerts:new",
                    AlertsNew {
                        count: alert_ids.len(),
                        alert_ids,
                    },
                )
            }
            EngineEvent::PollProgress(p) => app.emit("poll:progress", p),
            EngineEvent::SourcesChanged => app.emit("sources:changed", ()),
            EngineEvent::NotificationStatus(s) => app.emit("notifications:status", s),
        };
        if let Err(e) = sent {
            tracing::warn!("could not send an event to the window: {e}");
        }
    }
}

/// Closing the window hides it to the tray; the first time, a notification
/// says that Outpost is still running (once per user: a marker file in the
/// app's config directory remembers it).
fn hide_to_tray(window: &tauri::Window) {
    let _ = window.hide();
    let Ok(dir) = window.app_handle().path().app_config_dir() else {
        return;
    };
    let marker = dir.join("tray-notice-shown");
    if marker.exists() {
        return;
    }
    let shown = notify_rust::Notification::new()
        .appname("Outpost")
        .summary("Outpost is still running")
        .body("It keeps polling your sources in the tray. Quit from the tray menu.")
        .show();
    match shown {
        Ok(_) => {
            let _ = std::fs::create_dir_all(&dir);
            let _ = outpost_engine::transfer::write_new(&marker, b"", true);
        }
        Err(e) => tracing::warn!("could not say that Outpost keeps running in the tray: {e}"),
    }
}

/// Brings the main window to the front.
pub(crate) fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// The webview may show only the app's own pages. A link or script that
/// tries to navigate elsewhere is refused; links are opened in the system
/// browser through the opener plugin instead (http and https only).
fn navigation_guard<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            let own = matches!(url.scheme(), "tauri" | "asset")
                || (url.scheme() == "http" && url.host_str() == Some("tauri.localhost"));
            if !own {
                tracing::warn!("blocked navigation to {url}");
            }
            own
        })
        .build()
}

/// When the process started, for the start-up time the log reports.
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    // Arguments first: `--help` and `--version` answer without touching the
    // log directory.
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let _log_guard =
        outpost_engine::logging::init(&outpost_engine::paths::log_dir(), "outpost-app.log");
    tracing::info!(db = %args.db.display(), "starting Outpost {}", env!("CARGO_PKG_VERSION"));

    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let minimized = args.minimized;
    let autostart_target = AutostartTarget {
        dir: autostart::default_dir(),
        db: args
            .db_chosen
            .then(|| std::path::absolute(&args.db).unwrap_or(args.db.clone())),
    };
    // The single-instance plugin goes first so a second launch stops before
    // it opens anything; the first instance's window comes to the front.
    let app = tauri::Builder::default()
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(args.instance_id())
                .callback(|app, _argv, _cwd| show_main(app))
                .build(),
        )
        .plugin(
            // Size, position and maximised state; visibility is left to
            // `--minimized` and the tray.
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation_guard())
        .setup(move |app| {
            let handle = app.handle().clone();
            let click_handle = handle.clone();
            let on_click: ClickHandler = Arc::new(move |alert| {
                show_main(&click_handle);
                let _ = click_handle.emit("open-alert", alert);
            });
            let data_dir = args
                .db
                .parent()
                .map(PathBuf::from)
                .unwrap_or_else(outpost_engine::paths::data_dir);
            let icon = outpost_engine::notify::install_icon(&data_dir);
            let engine = Engine::open(EngineOptions {
                db_path: args.db.clone(),
                seed: args.seed,
                sink: Arc::new(DesktopNotifier::new(icon, Some(on_click))),
                events: Arc::new(UiEvents(handle.clone())),
                clock: outpost_engine::system_clock(),
            })
            .map_err(|e| {
                // The window cannot show anything useful without an archive:
                // say what is wrong and how to fix it, then stop.
                tracing::error!("{e}");
                let _ = tauri_plugin_dialog::DialogExt::dialog(&handle)
                    .message(e.to_string())
                    .title("Outpost cannot open its archive")
                    .blocking_show();
                e
            })?;
            app.manage(Arc::clone(&engine));
            app.manage(autostart_target);
            tray::create(&handle)?;
            // Started at login: only the tray shows, unless there is none.
            if minimized
                && tray::is_available(&handle)
                && let Some(w) = handle.get_webview_window("main")
            {
                let _ = w.hide();
            }
            // Retention runs beside the scheduler: on start, then hourly.
            let mut retention_rx = shutdown_rx.clone();
            tauri::async_runtime::spawn(Arc::clone(&engine).run_retention(async move {
                let _ = retention_rx.wait_for(|stop| *stop).await;
            }));
            let mut rx = shutdown_rx.clone();
            tauri::async_runtime::spawn(engine.run_scheduler(async move {
                let _ = rx.wait_for(|stop| *stop).await;
            }));
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window hides it; polling goes on until Quit.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && tray::is_available(window.app_handle())
            {
                api.prevent_close();
                // The state is saved now too, as a session may end without Quit.
                let _ = tauri_plugin_window_state::AppHandleExt::save_window_state(
                    window.app_handle(),
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                );
                hide_to_tray(window);
            }
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while building Outpost");
    app.run(move |_, event| {
        if let tauri::RunEvent::Exit = event {
            let _ = shutdown_tx.send(true);
        }
    });
}
