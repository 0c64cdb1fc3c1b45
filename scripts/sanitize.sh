#!/usr/bin/env bash
# The core's unit tests (core, oms, risk, strategy, paper, store) under ASan + UBSan (the dev
# preset): the pure code where a memory or UB bug would corrupt an order book or a position.
# The gateway, simulator and integration tests stay out (slow under sanitizers, and their I/O is
# covered by the release run). Usage: ./scripts/sanitize.sh (after ./scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

suites=(carry_core_tests carry_oms_tests carry_risk_tests carry_strategy_tests carry_engine_tests
        carry_paper_tests carry_store_tests)
jobs="$(nproc 2>/dev/null || echo 2)"

cmake --preset dev -DCARRY_BUILD_BENCH=OFF >/dev/null
cmake --build --preset dev -j "$jobs" --target "${suites[@]}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=0
for s in "${suites[@]}"; do
  bin="$(find build/dev/tests -type f -name "$s" -perm -u+x | head -n1)"
  if [[ -z "$bin" ]]; then
    echo "sanitize: $s was not built" >&2
    exit 1
  fi
  echo "== $s (ASan+UBSan)"
  if ! "$bin" --gtest_brief=1; then
    echo "sanitize: $s FAILED" >&2
    failed=1
  fi
done
exit "$failed"
