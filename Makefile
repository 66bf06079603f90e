# The single entry point for developer tasks. `make help` lists them.

CARGO ?= cargo
BIN_DEBUG := target/debug/plimsoll
BIN_RELEASE := target/release/plimsoll
# The test suite builds static binaries (musl): the image is made from the binary under test.
# RUST_LIB_BACKTRACE=0: regorus creates errors while it loads policies, and with RUST_BACKTRACE
# set each captured a backtrace; musl's unwinder (no FDE cache) made that 75 % of the engine
# tests' time (perf), 100 s instead of 14. Panics keep their backtraces (RUST_BACKTRACE).
TEST_TARGET := x86_64-unknown-linux-musl
BIN_TEST := target/$(TEST_TARGET)/debug/plimsoll
IMAGE ?= plimsoll:$(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
N ?= 10000

.PHONY: help deps build release dist image demo check test golden lint fmt docs policy-test bench perf compare clean

help: ## List targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

deps: ## Install the build dependencies (a C compiler) if missing
	./scripts/install-build-deps.sh

build: deps ## Debug build
	$(CARGO) build

release: deps ## Optimised build (target/release/plimsoll)
	$(CARGO) build --release

dist: deps ## The binary we ship: stripped, LTO (target/dist/plimsoll; docs/development.md)
	$(CARGO) build --profile dist --bin plimsoll

image: deps ## OCI image from a static dist build, no base image (target/plimsoll-image.tar; docker load -i)
	./scripts/install-build-deps.sh musl
	$(CARGO) build --profile dist --target $(TEST_TARGET) --bin plimsoll
	python3 scripts/oci-image.py target/$(TEST_TARGET)/dist/plimsoll /etc/ssl/certs/ca-certificates.crt target/plimsoll-image.tar $(IMAGE)

demo: deps ## Scan the bundled demo manifests and print the table (report only: exit 0)
	$(CARGO) run --quiet -- scan fixtures/demo --exit-zero

check: deps ## Fast tier for the inner loop: format, unit tests (the fuzz harness included), the catalogue's cases
	$(CARGO) fmt --check
	$(CARGO) test --lib
	$(CARGO) run --quiet -- policies test policies

golden: ## Regenerate tests/golden/ after a deliberate report change (review the diff)
	PLIMSOLL_BLESS=1 $(CARGO) test --test golden

test: ## The whole test suite: unit, integration (real binary), catalogue cases, the image, bench smoke
	./scripts/install-test-deps.sh
	RUST_LIB_BACKTRACE=0 ./scripts/run-tests.py $(TEST_TARGET)

lint: deps ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt

docs: build ## Regenerate docs/checks.md from the catalogue
	$(BIN_DEBUG) policies list --format markdown > docs/checks.md

policy-test: build ## Run the pass/fail cases of the built-in checks through the CLI
	$(BIN_DEBUG) policies test policies

bench: deps ## Criterion benchmark of the engine (results in target/criterion)
	$(CARGO) bench --bench engine

perf: release ## End-to-end wall time and peak RSS of a scan of N generated Deployments (N=10000)
	$(CARGO) run --release --quiet --example generate -- $(N) > target/deployments-$(N).yaml
	/usr/bin/time -f 'wall %es  peak RSS %MkB' $(BIN_RELEASE) scan target/deployments-$(N).yaml --format json -o target/perf-report.json --exit-zero

compare: deps ## Plimsoll vs OPA vs Checkov at N=1k,10k,100k (benches/compare/), table into docs/performance.md
	benches/compare/run.sh --docs docs/performance.md

clean: ## Remove build output
	$(CARGO) clean
