//! The Tauri shell: commands are thin adapters over `outpost-engine`; events
//! carry engine notifications to the UI; the tray shows the unread count.
//! Nothing else in Outpost knows Tauri.

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
    seed: bool,
}

impl Args {
    /// `--db PATH` (or `OUTPOST_DB`) and `--no-seed` (start with no default
    /// sources and watchlists, for tests and demos).
    fn parse() -> Result<Args, String> {
        let mut db = std::env::var_os("OUTPOST_DB").map(PathBuf::from);
        let mut seed = true;
        let mut args = std::env::args_os().skip(1);
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--db") => db = Some(args.next().ok_or("--db needs a path")?.into()),
                Some("--no-seed") => seed = false,
                Some("--help") => {
                    println!("outpost-app [--db PATH] [--no-seed]");
                    std::process::exit(0);
                }
                _ => {
                    return Err(format!(
                        "unknown argument {arg:?}; usage: outpost-app [--db PATH] [--no-seed]"
                    ));
                }
            }
        }
        Ok(Args {
            db: db.unwrap_or_else(outpost_engine::paths::default_db_path),
            seed,
        })
    }
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

pub fn run() {
    let _log_guard =
        outpost_engine::logging::init(&outpost_engine::paths::log_dir(), "outpost-app.log");
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    tracing::info!(db = %args.db.display(), "starting Outpost {}", env!("CARGO_PKG_VERSION"));

    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let app = tauri::Builder::default()
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
            tray::create(&handle)?;
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
                let _ = window.hide();
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
