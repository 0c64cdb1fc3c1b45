#!/usr/bin/env bash
# Resident memory of carryd over a run against bitget-sim, sampled from /proc/<pid>/status.
#
#   bench/app/daemon_memory.sh [BUILD_DIR] [SECONDS] [CONFIG] [-- CARRYD ARGS...]
#
# Defaults: build/release, 150 s, bench/app/paper_20_pairs.yaml (20 pairs, --dry-run). The config's
# `sim:` section configures the simulator, the rest carryd. Prints one line per sample
# (elapsed s, VmRSS kB, VmHWM kB) and the peak. For the bundled two-pair scenario:
#   bench/app/daemon_memory.sh build/release 150 config/sim.yaml -- --flatten-on-exit
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
seconds="${2:-150}"
config="${3:-bench/app/paper_20_pairs.yaml}"
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
[ "$config" = "bench/app/paper_20_pairs.yaml" ] && [ ${#extra[@]} -eq 0 ] && extra=(--dry-run)

sim="$build/src/sim/bitget-sim"
carryd="$build/bin/carryd"
for exe in "$sim" "$carryd"; do
  [ -x "$exe" ] || { echo "daemon_memory.sh: $exe not built (cmake --build $build --target carryd bitget-sim)" >&2; exit 1; }
done

work="$(mktemp -d)"
"$sim" --config "$config" >"$work/ready" 2>"$work/sim.log" &
sim_pid=$!
carry_pid=""
cleanup() {
  [ -n "$carry_pid" ] && kill "$carry_pid" 2>/dev/null || true
  kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  grep -q '"sim.ready"' "$work/ready" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "daemon_memory.sh: bitget-sim exited:" >&2; cat "$work/sim.log" >&2; exit 1; }
  sleep 0.1
done
ready="$(grep '"sim.ready"' "$work/ready")" || { echo "daemon_memory.sh: bitget-sim not ready" >&2; exit 1; }
field() { printf '%s' "$ready" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

EXCHANGE__REST_URL="$(field rest)" EXCHANGE__WS_PUBLIC_URL="$(field ws_public)" \
EXCHANGE__WS_PRIVATE_URL="$(field ws_private)" KEYS__API_KEY=sim-api-key KEYS__API_SECRET=sim-api-secret \
KEYS__PASSPHRASE=sim-passphrase \
  "$carryd" --env testnet --config "$config" --duration "$seconds" "${extra[@]}" >"$work/carryd.out" 2>&1 &
carry_pid=$!

echo "elapsed_s VmRSS_kB VmHWM_kB"
start=$(date +%s)
peak=0
while kill -0 "$carry_pid" 2>/dev/null; do
  status="/proc/$carry_pid/status"
  rss=$(awk '/^VmRSS/{print $2}' "$status" 2>/dev/null || true)
  hwm=$(awk '/^VmHWM/{print $2}' "$status" 2>/dev/null || true)
  [ -n "$rss" ] && { echo "$(( $(date +%s) - start )) $rss $hwm"; [ "$hwm" -gt "$peak" ] && peak=$hwm; }
  sleep 10
done
wait "$carry_pid" && rc=0 || rc=$?
echo "carryd exit=$rc peak VmHWM=${peak} kB"
[ "$rc" -eq 0 ] || { tail -20 "$work/carryd.out" >&2; exit "$rc"; }
