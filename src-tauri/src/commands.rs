//! Tauri commands: each a few lines that call the engine.

use outpost_engine::api::AppInfo;

pub struct AppState {
    pub db_path: std::path::PathBuf,
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> AppInfo {
    outpost_engine::api::app_info(&state.db_path)
}
