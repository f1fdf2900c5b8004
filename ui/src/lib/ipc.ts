// The one module through which the UI reaches the backend. Everything else
// imports from here, so UI unit tests replace this module with a mock.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings";

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}
