#!/usr/bin/env bash
# Inside Xvfb + D-Bus: a notification daemon, tauri-driver, then the specs.
set -euo pipefail
cd "$(dirname "$0")"
art="$OUTPOST_ARTIFACTS"
# The app's logs and default data go to the artifacts folder, never $HOME.
export XDG_DATA_HOME="$art/xdg-data" XDG_CONFIG_HOME="$art/xdg-config" XDG_CACHE_HOME="$art/xdg-cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

dbus-monitor --session "interface='org.freedesktop.Notifications'" >"$art/notifications.log" 2>&1 &
monitor=$!
dunst -config /dev/null >"$art/dunst.log" 2>&1 &
dunst=$!
# A tray (StatusNotifierWatcher and host) on this private bus, started before
# any app so the app's tray icon registers with it; it logs each registered
# item to sni-items.jsonl for specs/desktop.test.mjs.
export OUTPOST_SNI_ITEMS="$art/sni-items.jsonl"
lib/sni-watcher.py "$OUTPOST_SNI_ITEMS" >"$art/sni-watcher.log" 2>&1 &
watcher=$!
port=${E2E_DRIVER_PORT:-4444}
tauri-driver --port "$port" --native-port $((port + 1)) >"$art/tauri-driver.log" 2>&1 &
driver=$!
cleanup() { kill "$driver" "$dunst" "$monitor" "$watcher" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/status" >/dev/null || { echo "e2e: tauri-driver did not start; see $art/tauri-driver.log" >&2; exit 1; }

for _ in $(seq 1 100); do
  grep -q ready "$art/sni-watcher.log" 2>/dev/null && break
  sleep 0.1
done
grep -q ready "$art/sni-watcher.log" || { echo "e2e: the tray watcher did not start; see $art/sni-watcher.log" >&2; exit 1; }

export E2E_DRIVER_PORT=$port
node --test --test-concurrency=1 --test-reporter=spec "${@:-specs/}"
