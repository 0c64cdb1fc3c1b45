#!/usr/bin/env bash
# One command: install what is missing, build, and run the daemon.
#
# With no --config it runs offline against the bundled Bitget-compatible simulator: bitget-sim
# replays real BTC/ETH prices (data/sim) with a scenario funding rate settled every 2 minutes, and
# carryd trades it in testnet mode with config/sim.yaml until Ctrl-C (or --duration S). Arguments
# pass through to carryd: ./scripts/run.sh --ops-check, ./scripts/run.sh --dry-run --duration 60.
# With --config FILE, carryd runs against whatever that file configures (no simulator).
# --account-mode classic|uta (consumed here, not passed on) makes the simulator's account a Classic
# (v2, the default) or a Unified Trading Account (v3); carryd detects which one it got.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
preset="${CARRY_PRESET:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target carryd bitget-sim
carryd="build/$preset/bin/carryd"
sim="build/$preset/src/sim/bitget-sim"

for arg in "$@"; do
  case "$arg" in
    --config|--config=*|backtest|fetch-history|--help|--version) exec "$carryd" "$@" ;;
  esac
done

sim_args=()
carryd_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --account-mode)
      [ $# -ge 2 ] || { echo "run.sh: --account-mode needs a value: classic or uta" >&2; exit 2; }
      sim_args+=(--account-mode "$2"); shift 2 ;;
    --account-mode=*) sim_args+=(--account-mode "${1#--account-mode=}"); shift ;;
    *) carryd_args+=("$1"); shift ;;
  esac
done

mkdir -p logs var/sim
ready_file="$(mktemp)"
"$sim" --config config/sim.yaml "${sim_args[@]}" >"$ready_file" 2>logs/sim.log &
sim_pid=$!
cleanup() {
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  rm -f "$ready_file"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  grep -q '"sim.ready"' "$ready_file" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "run.sh: bitget-sim exited; see logs/sim.log" >&2; exit 1; }
  sleep 0.1
done
ready="$(grep '"sim.ready"' "$ready_file" || true)"
[ -n "$ready" ] || { echo "run.sh: bitget-sim did not become ready; see logs/sim.log" >&2; exit 1; }
field() { printf '%s' "$ready" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

echo "bitget-sim ready: rest $(field rest)" >&2
export EXCHANGE__REST_URL="$(field rest)"
export EXCHANGE__WS_PUBLIC_URL="$(field ws_public)"
export EXCHANGE__WS_PRIVATE_URL="$(field ws_private)"
export KEYS__API_KEY=sim-api-key KEYS__API_SECRET=sim-api-secret KEYS__PASSPHRASE=sim-passphrase

set +e
"$carryd" --env testnet --config config/sim.yaml "${carryd_args[@]}"
rc=$?
set -e
cat >&2 <<MSG

carryd exited with $rc.
  logs:     logs/app.log (human), logs/app.jsonl (events), logs/sim.log (simulator)
  database: var/sim/carry.db (--dry-run: var/sim/carry-paper.db)
  reports:  reports/ (daily, at 00:05 UTC)
MSG
exit "$rc"
