#!/usr/bin/env bash
# Installs whatever is missing to build, run and test Outpost on Debian 12 or
# Ubuntu 22.04+: system packages (as root or with passwordless sudo), the
# tauri-driver WebDriver bridge, and the npm dependencies of the UI and the
# end-to-end suite. Safe to run repeatedly: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential pkg-config file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libgtk-3-dev
  xvfb xauth dbus dbus-x11 webkit2gtk-driver dunst libnotify-bin imagemagick curl
  chromium faketime desktop-file-utils python3-gi gir1.2-glib-2.0 xdotool
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    log "missing system packages: ${missing[*]}"
    log "install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  log "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in rustfmt clippy; do
  if ! cargo "${tool/rustfmt/fmt}" --version >/dev/null 2>&1; then
    log "adding the rust component $tool"
    rustup component add "$tool"
  fi
done

if [ "${OUTPOST_SETUP_E2E:-1}" = 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver 2 (about 80 s)"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

npm_install() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_install ui
[ -f tests/e2e/package.json ] && npm_install tests/e2e
exit 0
