//! Payloads the UI receives. They derive `TS`; the bindings test in
//! `src-tauri` regenerates `ui/src/lib/bindings.ts` from them.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

/// What the app shows about itself in the status bar.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
}

pub fn app_info(db_path: &Path) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        db_path: db_path.display().to_string(),
    }
}
