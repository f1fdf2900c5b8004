//! The tray icon: unread count, open, pause/resume polling, quit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use outpost_engine::Engine;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

const TRAY_ID: &str = "outpost";

/// Whether a tray icon exists (a desktop without a status area has none, and
/// then closing the window quits instead of hiding it).
struct TrayState {
    available: AtomicBool,
    pause: MenuItem<tauri::Wry>,
}

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Outpost", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", "Pause polling", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &pause, &quit])?;
    let built = TrayIconBuilder::with_id(TRAY_ID)
        .icon(
            app.default_window_icon()
                .cloned()
                .ok_or_else(|| tauri::Error::AssetNotFound("window icon".into()))?,
        )
        .tooltip("Outpost")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => crate::show_main(app),
            "pause" => toggle_pause(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .build(app);
    let available = match built {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!("no tray icon ({e}); closing the window will quit Outpost");
            false
        }
    };
    app.manage(TrayState {
        available: AtomicBool::new(available),
        pause,
    });
    refresh(app);
    Ok(())
}

pub fn is_available(app: &AppHandle) -> bool {
    app.try_state::<TrayState>()
        .is_some_and(|s| s.available.load(Ordering::Relaxed))
}

fn toggle_pause(app: &AppHandle) {
    let engine = app.state::<Arc<Engine>>();
    let paused = !engine.is_paused();
    engine.set_paused(paused);
    if let Some(state) = app.try_state::<TrayState>() {
        let _ = state.pause.set_text(if paused {
            "Resume polling"
        } else {
            "Pause polling"
        });
    }
    refresh(app);
}

/// Updates the tooltip (and, where the tray shows text, the title) with the
/// unread count.
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let Some(engine) = app.try_state::<Arc<Engine>>() else {
        return;
    };
    let unread = engine.stats().map(|s| s.unread).unwrap_or(0);
    let paused = if engine.is_paused() {
        " · polling paused"
    } else {
        ""
    };
    let text = format!("Outpost — {unread} unread{paused}");
    let _ = tray.set_tooltip(Some(&text));
    #[cfg(target_os = "linux")]
    let _ = tray.set_title(Some(&unread.to_string()));
}
