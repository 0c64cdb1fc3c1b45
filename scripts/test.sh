#!/usr/bin/env bash
# One command: install what is missing, configure, build, run every test (ctest).
# CARRY_PRESET=dev selects the ASan+UBSan build; the default is the optimised one.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
preset="${CARRY_PRESET:-release}"
jobs="$(nproc 2>/dev/null || echo 2)"

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" "$@"
