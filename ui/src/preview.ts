// Dev-only entry (preview.html): the real App over the in-memory fake
// backend, so pages can be looked at in a plain browser without Tauri.
// Query parameters: ?page=sources&theme=dark&alerts=100000&empty=1&open=1
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { app, type Page } from "./lib/stores/app.svelte";
import { installMockBackend } from "./test/mock-ipc";

const q = new URLSearchParams(location.search);
const mock = installMockBackend({ alerts: q.has("empty") ? 0 : Number(q.get("alerts") ?? 400) });
if (q.has("empty")) {
  mock.sources = [];
  mock.watchlists = [];
}
if (q.get("theme")) mock.settings.theme = q.get("theme") as "light" | "dark" | "system";
if (q.has("nonotify")) mock.notifications = { available: false, reason: "no notification daemon answered on the session bus" };
if (q.get("page")) app.page = q.get("page") as Page;
(window as unknown as { mock: typeof mock }).mock = mock;

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from preview.html");
mount(App, { target });
if (q.has("open")) setTimeout(() => window.dispatchEvent(new KeyboardEvent("keydown", { key: "o" })), 300);
if (q.has("progress")) setTimeout(() => mock.emit("poll:progress", { done: 3, total: 8, current: "TOLOnews", new_articles: 12, new_alerts: 2 }), 300);
