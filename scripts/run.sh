#!/usr/bin/env bash
# One command: install what is missing, build, and run the daemon.
# With no --config it runs against the bundled local exchange simulator (offline); arguments pass
# through to carryd (e.g. ./scripts/run.sh --ops-check, ./scripts/run.sh --dry-run --duration 60).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
preset="${CARRY_PRESET:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target carryd

bin="build/$preset/bin/carryd"
exec "$bin" "$@"
