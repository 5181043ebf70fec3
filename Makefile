# Standardiste: `make demo` sets everything up and runs a call through a simulated modem;
# `make test` runs the whole test suite; `make bench` measures latency; `make deb`
# builds the Debian package; `make arm64` cross-builds for 64-bit ARM boards, runs
# the tests that need no models under qemu-user and builds the arm64 package.

CARGO ?= cargo
BIN := target/release/standardiste
ALLISON := /usr/share/asterisk/sounds/en_US_f_Allison

.PHONY: all setup build models demo test test-power bench deb arm64 clean-data

all: build

# System packages, ONNX Runtime and the Python venv (scripts/setup is idempotent).
setup:
	scripts/setup

# The test targets too: with them, features resolve as in `cargo test`, so
# `make test` reuses this build instead of compiling whisper.cpp and
# llama.cpp a second time.
build: setup
	$(CARGO) build --release --workspace --all-targets

# Default models plus the test recordings, each verified against its SHA-256.
models: build
	$(BIN) models fetch --assets

# A real call through a simulated SIM7600 GSM module on a pseudo-terminal:
# the caller asks about Saturday's opening hours, then says goodbye (a
# recording of a real voice from Debian's Asterisk prompts).
demo: models
	$(BIN) simulate-modem sim7600 --caller tests/fixtures/caller-saturday-hours.wav --caller $(ALLISON)/vm-goodbye.wav
	$(BIN) calls --limit 5

test: models
	$(CARGO) test --release --workspace --no-fail-fast

# The power-cut test: 200 calls, 8 SIGKILLs, a killed STT worker and a full disk
# (about 3 minutes; not in `make test`, which is kept under an hour on two cores).
test-power: models
	$(CARGO) test --release --test power_cuts -- --ignored

bench: models
	$(BIN) bench --report bench/REPORT.md

# The Debian package target/debian/standardiste_VERSION_ARCH.deb, from the release
# binaries (packaging/build-deb --help for other options).
deb: build
	$(CARGO) deb --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-deb@3.8.0
	packaging/build-deb

# target/aarch64-unknown-linux-gnu/release, its tests under qemu-aarch64 and
# target/debian/standardiste_VERSION_arm64.deb (scripts/cross-arm64 --help lists
# the steps and which tests run).
arm64:
	scripts/cross-arm64

clean-data:
	rm -rf var
