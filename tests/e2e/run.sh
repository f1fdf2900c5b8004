#!/usr/bin/env bash
# Runs the end-to-end suite against the built app (target/debug/outpost-app)
# inside a private X server and D-Bus session. Screenshots and the app's log
# of every run land in tests/artifacts/e2e/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
art="$root/tests/artifacts/e2e"
rm -rf "$art" && mkdir -p "$art"
target="${CARGO_TARGET_DIR:-$root/target}"
export OUTPOST_APP="$target/debug/outpost-app"
export OUTPOST_CLI="$target/debug/outpost"
export OUTPOST_ARTIFACTS="$art"
[ -x "$OUTPOST_APP" ] || { echo "e2e: $OUTPOST_APP is missing: run 'make app' first" >&2; exit 1; }
command -v tauri-driver >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$root/tests/e2e/inner.sh" "$@"
