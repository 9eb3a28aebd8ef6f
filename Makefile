# emporix-optin — see README.md. Everything installs itself: `make test` on a
# fresh machine runs scripts/setup.sh first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# wasm-bindgen-test-runner drives Debian's Chromium through this driver
# (without it, a geckodriver on PATH would win).
export CHROMEDRIVER := /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT := 90
WASM := wasm32-unknown-unknown

# Runs scripts/NAME.sh when it exists (each owns one part of the test suite).
run-part = if [ -x scripts/$(1).sh ]; then scripts/$(1).sh; else echo "[make] scripts/$(1).sh not present"; fi

.PHONY: all setup lint test test-native test-wasm test-wasm-pack package test-package test-flow test-e2e \
        test-hardening size-check demo bench fuzz clean

all: test

setup:
	@scripts/setup.sh

lint: setup
	scripts/check-vendor.sh
	cargo fmt --all --check
	cargo clippy --all-targets --target $(WASM) -- -D warnings
	cargo clippy --workspace --all-targets -- -D warnings

test-native: setup
	cargo test --workspace

# The library's wasm tests, in headless Chromium and in Node, against the sandbox;
# then the browser and worker suites again in headless Firefox ESR (GECKODRIVER
# wins over CHROMEDRIVER in wasm-bindgen-test-runner) and in WebKit.
test-wasm: setup
	scripts/with-sandbox.sh -- cargo test --target $(WASM) --tests
	env -u CHROMEDRIVER GECKODRIVER=$(HOME)/.cargo/bin/geckodriver GECKODRIVER_ARGS="--websocket-port 0" \
	  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/tests/support/firefox.webdriver.json \
	  scripts/with-sandbox.sh -- cargo test --target $(WASM) --test browser --test worker
	scripts/with-webkit-driver.sh -- scripts/with-sandbox.sh -- cargo test --target $(WASM) --test browser --test worker

# The same browser suite the way storefront teams run it.
test-wasm-pack: setup
	scripts/with-sandbox.sh -- wasm-pack test --headless --chrome

package: setup
	scripts/package.sh

test-package: package
	@$(call run-part,test-package)

# The activation flow, hook and subpath bundles, without a browser.
test-flow: package
	@$(call run-part,test-flow)

test-e2e: package
	@$(call run-part,test-e2e)

test-hardening: package
	@$(call run-part,test-hardening)

size-check: package
	@$(call run-part,size-check)

test: lint test-native test-wasm test-wasm-pack package test-package test-flow test-e2e test-hardening size-check
	@echo "[make] all tests passed"

demo: package
	scripts/demo.sh

bench: package
	@$(call run-part,bench)

fuzz: setup
	@$(call run-part,fuzz)

clean:
	cargo clean
	rm -rf pkg dist test-output
