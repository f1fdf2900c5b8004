#!/usr/bin/env bash
# Checks a built .deb without installing it: unpacks it into a scratch root
# (dpkg-deb -x), runs the packaged programs, validates the desktop entry and
# reads the control file. Used by `make test-package`.
#
#   packaging/smoke.sh target/debug/package/outpost_0.1.0_amd64.deb
set -euo pipefail
deb=${1:?usage: packaging/smoke.sh PATH.deb}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package smoke test: $*" >&2; exit 1; }

dpkg-deb -x "$deb" "$scratch/root"
r=$scratch/root

# The programs: the app and the command-line tool, both on PATH.
[ -x "$r/usr/bin/outpost-app" ] || fail "usr/bin/outpost-app is missing"
[ -x "$r/usr/bin/outpost" ] || fail "usr/bin/outpost (the CLI) is missing"
version=$(dpkg-deb -f "$deb" Version)
# The packaged programs must not write into the tester's home.
export HOME=$scratch/home XDG_DATA_HOME=$scratch/home/data XDG_STATE_HOME=$scratch/home/state
# Output is captured before it is searched: `grep -q` stops reading at the
# first match, and with pipefail the writer's broken pipe would fail the
# check.
out=$("$r/usr/bin/outpost" --version) && grep -qF "$version" <<<"$out" || fail "outpost --version does not say $version"
out=$("$r/usr/bin/outpost" --help) && grep -q "Usage: outpost" <<<"$out" || fail "outpost --help shows no usage"
out=$("$r/usr/bin/outpost-app" --version) && grep -qF "$version" <<<"$out" || fail "outpost-app --version does not say $version"

# The desktop entry: valid, in the News menu, with keywords.
desktop=$(find "$r/usr/share/applications" -name '*.desktop' | head -n1)
[ -n "$desktop" ] || fail "no desktop entry in usr/share/applications"
desktop-file-validate "$desktop" || fail "$desktop is not a valid desktop entry"
grep -q '^Categories=.*News;' "$desktop" || fail "the desktop entry has no News category"
grep -q '^Keywords=.' "$desktop" || fail "the desktop entry has no keywords"
grep -q '^Exec=outpost-app$' "$desktop" || fail "the desktop entry does not start outpost-app"

# Icons in every hicolor size, under sized names only (no @2 directories).
for size in 16 22 24 32 48 64 96 128 256 512; do
  f="$r/usr/share/icons/hicolor/${size}x${size}/apps/outpost-app.png"
  [ -f "$f" ] || fail "icon ${size}x${size} is missing"
done
if find "$r/usr/share/icons" -path '*@*' | grep -q .; then
  fail "icons under @ directories: $(find "$r/usr/share/icons" -path '*@*' | head -n3)"
fi

# The control file: a real description, maintainer, homepage, dependencies.
for field in Description Maintainer Homepage Depends; do
  value=$(dpkg-deb -f "$deb" "$field")
  [ -n "$value" ] && [ "$value" != "(none)" ] || fail "the control file has no $field"
done
dpkg-deb -f "$deb" Description | grep -q "news" || fail "the package description does not describe Outpost"
dpkg-deb -f "$deb" Depends | grep -q "libwebkit2gtk-4.1-0" || fail "the package does not depend on WebKitGTK"
echo "package smoke test: $(basename "$deb") passed"
