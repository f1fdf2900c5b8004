// The one module through which the UI reaches the backend: every Tauri
// command and event of the UI ⇄ backend contract, plus the native file
// dialogs and the system browser. Components import only from here, so the
// unit tests and the preview page swap the transport (`setBackend`) for an
// in-memory fake that answers the same command names and arguments.
import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";
import { open as tauriOpen, save as tauriSave } from "@tauri-apps/plugin-dialog";
import { openUrl as tauriOpenUrl } from "@tauri-apps/plugin-opener";
import type {
  AlertDetail,
  AlertFilter,
  AlertRow,
  AlertState,
  AlertTriageInput,
  ApiError,
  AppInfo,
  ArticleView,
  ExportRequest,
  ExportSummary,
  ImportSummary,
  NewSourceInput,
  NotificationStatus,
  PagePreview,
  PagePreviewRequest,
  PollProgress,
  PollState,
  PreviewHit,
  QueryCheck,
  SearchHit,
  SearchRequest,
  Settings,
  Source,
  SourceEdit,
  Watchlist,
  WatchlistRemoval,
  WatchlistInput,
  WelcomeChoice,
  WelcomeOffer,
} from "./bindings";

export type Unlisten = () => void;

export type FileFilter = { name: string; extensions: Array<string> };

/** The transport: Tauri in the app, an in-memory fake in tests and preview. */
export interface Backend {
  invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>;
  openUrl(url: string): Promise<void>;
  openFile(title: string, filters: Array<FileFilter>): Promise<string | null>;
  saveFile(title: string, defaultPath: string, filters: Array<FileFilter>): Promise<string | null>;
}

const tauriBackend: Backend = {
  invoke: (cmd, args) => tauriInvoke(cmd, args),
  listen: (event, handler) => tauriListen(event, (e) => handler(e.payload as never)),
  openUrl: (url) => tauriOpenUrl(url),
  async openFile(title, filters) {
    const picked = await tauriOpen({ title, filters, multiple: false, directory: false });
    return typeof picked === "string" ? picked : null;
  },
  saveFile: (title, defaultPath, filters) => tauriSave({ title, defaultPath, filters }),
};

let backend: Backend = tauriBackend;

/** Replaces the transport; used by the unit tests and the preview page only. */
export function setBackend(b: Backend): void {
  backend = b;
}

/** Every rejection from this module is an ApiError, whatever the transport threw. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    return { code: String(code), message: String(message) };
  }
  if (e instanceof Error) return { code: "internal", message: e.message };
  if (typeof e === "string") return { code: "internal", message: e };
  return { code: "internal", message: "The backend failed without saying why." };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await backend.invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- Commands -----------------------------------------------------------

export const appInfo = () => call<AppInfo>("app_info");
/** The poll in progress (or none) and the archive's version; cheap. */
export const pollState = () => call<PollState>("poll_state");

export const listAlerts = (filter: AlertFilter) => call<Array<AlertRow>>("list_alerts", { filter });
export const getAlert = (id: number) => call<AlertDetail>("get_alert", { id });
export const setAlertState = (id: number, state: AlertState) =>
  call<void>("set_alert_state", { id, state });
export const setAlertSaved = (id: number, saved: boolean) => call<void>("set_alert_saved", { id, saved });
/** Undo: puts an alert's state, saved flag, note and tags back exactly. */
export const restoreAlert = (id: number, triage: AlertTriageInput) => call<void>("restore_alert", { id, triage });
export const setAlertNote = (id: number, note: string) => call<void>("set_alert_note", { id, note });
export const addAlertTag = (id: number, tag: string) => call<void>("add_alert_tag", { id, tag });
export const removeAlertTag = (id: number, tag: string) =>
  call<void>("remove_alert_tag", { id, tag });

/** Takes a wrongly joined report out of its story; returns its new story. */
export const splitStoryArticle = (article: number) => call<number>("split_story_article", { article });
/** Joins story `other` into story `keep`; returns `keep`. */
export const joinStories = (keep: number, other: number) => call<number>("join_stories", { keep, other });

export const search = (req: SearchRequest) => call<Array<SearchHit>>("search", { req });
export const getArticle = (id: number) => call<ArticleView>("get_article", { id });
export const loadImage = (url: string) => call<string>("load_image", { url });

export const listWatchlists = () => call<Array<Watchlist>>("list_watchlists");
export const checkQuery = (query: string) => call<QueryCheck>("check_query", { query });
export const previewQuery = (query: string, limit: number) =>
  call<Array<PreviewHit>>("preview_query", { query, limit });
export const saveWatchlist = (id: number | null, input: WatchlistInput, backfill: boolean) =>
  call<Watchlist>("save_watchlist", { id, input, backfill });
export const watchlistRemoval = (id: number) => call<WatchlistRemoval>("watchlist_removal", { id });
export const deleteWatchlist = (id: number) => call<WatchlistRemoval>("delete_watchlist", { id });
export const importWatchlists = (path: string) => call<ImportSummary>("import_watchlists", { path });
export const exportWatchlists = (path: string) => call<void>("export_watchlists", { path });

export const listSources = () => call<Array<Source>>("list_sources");
export const addSource = (input: NewSourceInput) => call<Source>("add_source", { input });
export const updateSource = (id: number, edit: SourceEdit) => call<Source>("update_source", { id, edit });
export const acceptSourceMove = (id: number) => call<Source>("accept_source_move", { id });
export const previewPageSource = (req: PagePreviewRequest) => call<PagePreview>("preview_page_source", { req });
export const addSourcePack = (name: string) => call<number>("add_source_pack", { name });
export const setSourceEnabled = (id: number, enabled: boolean) =>
  call<void>("set_source_enabled", { id, enabled });
export const deleteSource = (id: number) => call<void>("delete_source", { id });
export const pollNow = (id: number | null) => call<void>("poll_now", { id });
export const importOpml = (path: string) => call<ImportSummary>("import_opml", { path });
export const exportOpml = (path: string) => call<void>("export_opml", { path });

export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<void>("save_settings", { settings });
export const setPollingPaused = (paused: boolean) => call<void>("set_polling_paused", { paused });
export const backup = (path: string) => call<void>("backup", { path });
/** What a freshly seeded archive offers on the Welcome screen. */
export const welcome = () => call<WelcomeOffer>("welcome");
/** Keeps the chosen packs, languages and example watchlists; answers how many sources stay. */
export const applyWelcome = (choice: WelcomeChoice) => call<number>("apply_welcome", { choice });
/** Tells the backend the first list from the archive is on screen (it logs the start-up time). */
export const windowReady = () => call<void>("window_ready");
/** Whether Outpost starts at login (an XDG autostart entry exists). */
export const autostartEnabled = () => call<boolean>("autostart_enabled");
/** Writes or removes the autostart entry; answers whether it now exists. */
export const setAutostart = (enabled: boolean) => call<boolean>("set_autostart", { enabled });
export const exportAlerts = (req: ExportRequest) => call<ExportSummary>("export_alerts", { req });

// ---- Events -------------------------------------------------------------

export type AlertsNew = { count: number; alert_ids: Array<number> };

export const onAlertsNew = (h: (p: AlertsNew) => void) => backend.listen<AlertsNew>("alerts:new", h);
export const onPollProgress = (h: (p: PollProgress) => void) =>
  backend.listen<PollProgress>("poll:progress", h);
export const onSourcesChanged = (h: () => void) => backend.listen<null>("sources:changed", () => h());
export const onNotificationsStatus = (h: (p: NotificationStatus) => void) =>
  backend.listen<NotificationStatus>("notifications:status", h);
export const onOpenAlert = (h: (id: number) => void) => backend.listen<number>("open-alert", h);

// ---- System browser and native dialogs ----------------------------------

/** True for the only links Outpost hands to the system browser. */
export function isWebUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Opens an article in the system browser; anything but http(s) is refused. */
export async function openExternal(url: string | null | undefined): Promise<void> {
  if (!isWebUrl(url)) {
    throw {
      code: "invalid_input",
      message: `Outpost opens only http and https links in the browser; "${url ?? ""}" is neither.`,
    } satisfies ApiError;
  }
  try {
    await backend.openUrl(url);
  } catch (e) {
    throw toApiError(e);
  }
}

export type FileKind = "opml" | "watchlists" | "export-csv" | "export-json" | "export-md" | "export-html" | "export-any" | "backup";

const FILTERS: Record<FileKind, Array<FileFilter>> = {
  opml: [{ name: "OPML outline", extensions: ["opml", "xml"] }],
  watchlists: [{ name: "Outpost watchlists", extensions: ["json", "toml"] }],
  "export-csv": [{ name: "CSV (Excel)", extensions: ["csv"] }],
  "export-json": [{ name: "JSON", extensions: ["json"] }],
  "export-md": [{ name: "Markdown", extensions: ["md"] }],
  "export-html": [{ name: "HTML report", extensions: ["html"] }],
  "export-any": [
    { name: "CSV (Excel)", extensions: ["csv"] },
    { name: "JSON", extensions: ["json"] },
    { name: "Markdown", extensions: ["md"] },
    { name: "HTML report", extensions: ["html"] },
  ],
  backup: [{ name: "SQLite database", extensions: ["sqlite", "db"] }],
};

/** The export format a chosen file name asks for (CSV when it says nothing). */
export function formatForPath(path: string): "csv" | "json" | "md" | "html" {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === "json") return "json";
  if (ext === "md" || ext === "markdown") return "md";
  if (ext === "html" || ext === "htm") return "html";
  return "csv";
}

/** Asks for a file to read; null when the analyst cancels. */
export async function pickFileToOpen(title: string, kind: FileKind): Promise<string | null> {
  try {
    return await backend.openFile(title, FILTERS[kind]);
  } catch (e) {
    throw toApiError(e);
  }
}

/** Asks where to write a file; null when the analyst cancels. */
export async function pickFileToSave(title: string, kind: FileKind, defaultName: string): Promise<string | null> {
  try {
    return await backend.saveFile(title, defaultName, FILTERS[kind]);
  } catch (e) {
    throw toApiError(e);
  }
}
