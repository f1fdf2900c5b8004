# Outpost: `make run` and `make test` are the two entry points (see README).
# Both install what is missing first (.ci/setup.sh), so they work on a fresh
# Debian 12 / Ubuntu 22.04+ machine.

SHELL := /bin/bash
CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
APP := $(TARGET_DIR)/debug/outpost-app

.PHONY: run test setup ui app cli lint test-rust test-clock test-fuzz fuzz test-ui test-e2e test-package package icons bench clean-artifacts

run: setup ui app
	@echo "Launching Outpost (database: $${OUTPOST_DB:-~/.local/share/outpost/outpost.db})"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(APP); \
	else \
	  xvfb-run -a -f /tmp/outpost-xvfb.auth -s "-screen 0 1280x800x24" sh -c \
	    'echo "No display found: running under Xvfb on $$DISPLAY (screenshot: XAUTHORITY=/tmp/outpost-xvfb.auth DISPLAY=$$DISPLAY import -window root shot.png)"; exec dbus-run-session -- $(APP)'; \
	fi

test: setup ui lint test-rust test-clock test-fuzz test-ui test-e2e test-package

setup:
	@.ci/setup.sh

# The app embeds ui/dist at compile time, so the UI is built before cargo.
ui:
	cd ui && npm run --silent build

app: ui
	$(CARGO) build -p outpost-app -p outpost-cli

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust: ui
	$(CARGO) test --workspace

# The Rust suite again with the wall clock a year ahead, so no test depends
# on the day it runs: libfaketime shifts each test process and the programs
# it starts (the outpost binary included); monotonic time is left alone.
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')
test-clock: ui
	FAKETIME_DONT_FAKE_MONOTONIC=1 CARGO_TARGET_$(HOST_TRIPLE)_RUNNER="faketime -f +365d" \
	  $(CARGO) test --workspace --exclude outpost-app

# Property-based fuzzing of the three parsers that read hostile input: the
# query language, the feed parser and the page reader. `make test` runs a
# pass of about a minute; `make fuzz` runs an optimised build far longer
# (FUZZ_SCALE=10 multiplies the cases again).
FUZZ_SCALE ?= 1
define fuzz_pass
	PROPTEST_CASES=$$(( $(1) * $(FUZZ_SCALE) )) $(CARGO) test $(2) -p outpost-core --test matcher fuzz_query_parser
	PROPTEST_CASES=$$(( $(3) * $(FUZZ_SCALE) )) $(CARGO) test $(2) -p outpost-feeds --test it fuzz
	PROPTEST_CASES=$$(( $(4) * $(FUZZ_SCALE) )) $(CARGO) test $(2) -p outpost-engine --test fuzz
endef

test-fuzz:
	$(call fuzz_pass,10000,,40,60)

fuzz:
	$(call fuzz_pass,500000,--release,5000,5000)

test-ui:
	cd ui && npm run --silent check && npm test

test-e2e: app
	tests/e2e/run.sh

# The .deb and .rpm to install Outpost like any desktop program (README,
# Install): a release build, then the npm Tauri CLI's offline bundlers.
# They land in target/release/package/.
package: setup ui
	$(CARGO) build --release -p outpost-app -p outpost-cli
	packaging/package.sh

# The same .deb from the debug build the end-to-end tests use (seconds, no
# release build), unpacked and checked by packaging/smoke.sh.
test-package: app
	packaging/package.sh --debug --bundles deb
	packaging/smoke.sh $(TARGET_DIR)/debug/package/outpost_$$(sed -n 's/^ *"version": "\(.*\)",/\1/p' tauri.conf.json | head -n1)_amd64.deb

# Regenerates every icon size from the one source drawing.
icons:
	cd ui && npx tauri icon ../icons/outpost.svg -o ../icons && rm -rf ../icons/android ../icons/ios
	cd ui && npx tauri icon ../icons/outpost.svg -o ../icons -p 16 -p 22 -p 24 -p 48 -p 96 -p 256 -p 512

bench:
	@echo "See bench/README.md for each benchmark and its baseline."
