//! The Tauri shell: commands are thin adapters over `outpost-engine`; events
//! carry engine notifications to the UI. Nothing else in Outpost knows Tauri.

mod commands;

pub fn run() {
    let _log_guard =
        outpost_engine::logging::init(&outpost_engine::paths::log_dir(), "outpost-app.log");
    let db_path = std::env::var_os("OUTPOST_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(outpost_engine::paths::default_db_path);
    tracing::info!(db = %db_path.display(), "starting Outpost");
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::AppState { db_path })
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Outpost");
}
