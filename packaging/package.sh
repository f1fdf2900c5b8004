#!/usr/bin/env bash
# Builds Outpost's Linux packages (.deb, .rpm) from binaries cargo has
# already built, with the npm Tauri CLI (`tauri bundle`, which works offline).
#
#   packaging/package.sh [--debug] [--bundles deb,rpm]
#
# tauri.conf.json stays at the repository root (the product's layout), but
# the CLI only accepts a directory that holds both the config and a Cargo.toml
# with a [package]: src-tauri. So for the duration of the run src-tauri gets
# a symbolic link to the root config, and the paths the CLI resolves from its
# directory (icons, the desktop template, the CLI binary) are given again,
# relative to src-tauri, with --config. The packages are copied to
# target/<profile>/package/ under Debian's and RPM's usual file names.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profile=release
debug_flag=()
bundles=deb,rpm
while (($#)); do
  case $1 in
    --debug) profile=debug; debug_flag=(--debug) ;;
    --bundles) bundles=$2; shift ;;
    *) echo "usage: packaging/package.sh [--debug] [--bundles deb,rpm]" >&2; exit 2 ;;
  esac
  shift
done

target_dir=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
for bin in outpost-app outpost; do
  if [ ! -x "$target_dir/$profile/$bin" ]; then
    release_flag=$([ "$profile" = release ] && echo "--release " || true)
    echo "packaging: $target_dir/$profile/$bin is missing; build it first with: cargo build ${release_flag}-p outpost-app -p outpost-cli" >&2
    exit 1
  fi
done

link=src-tauri/tauri.conf.json
if [ -e "$link" ] && [ ! -L "$link" ]; then
  echo "packaging: $link exists and is not the link this script makes; move it away (the config lives at the repository root)" >&2
  exit 1
fi
ln -sfn ../tauri.conf.json "$link"
trap 'rm -f "$root/$link"' EXIT

icons=$(python3 -c 'import json,sys; print(json.dumps(["../"+i for i in json.load(open("tauri.conf.json"))["bundle"]["icon"]]))')
files="{\"/usr/bin/outpost\": \"$target_dir/$profile/outpost\"}"
override="{
  \"bundle\": {
    \"active\": true,
    \"icon\": $icons,
    \"linux\": {
      \"deb\": {\"desktopTemplate\": \"../packaging/outpost.desktop\", \"files\": $files},
      \"rpm\": {\"desktopTemplate\": \"../packaging/outpost.desktop\", \"files\": $files}
    }
  }
}"

version=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
bundle_dir="$target_dir/$profile/bundle"
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui CI=true \
  ui/node_modules/.bin/tauri bundle "${debug_flag[@]}" --bundles "$bundles" --config "$override"

out="$target_dir/$profile/package"
mkdir -p "$out"
for deb in "$bundle_dir"/deb/*.deb; do
  [ -e "$deb" ] || continue
  arch=$(dpkg-deb -f "$deb" Architecture)
  cp "$deb" "$out/outpost_${version}_${arch}.deb"
  echo "packaging: $out/outpost_${version}_${arch}.deb"
done
for rpm in "$bundle_dir"/rpm/*.rpm; do
  [ -e "$rpm" ] || continue
  name=$(basename "$rpm")
  cp "$rpm" "$out/outpost-${name#*-}"
  echo "packaging: $out/outpost-${name#*-}"
done
# The bundler's working trees (an unpacked copy of everything) are not needed
# once the packages are copied out, and a debug one is hundreds of MB.
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"
