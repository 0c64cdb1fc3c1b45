#!/usr/bin/env bash
# Runs `carryd backtest` on the bundled and the regime data with the default config and prints one
# sha256 per output file. A refactor that must not change behaviour compares this listing before
# and after: `scripts/backtest_fingerprint.sh > before.txt`, change, rebuild, `... | diff before.txt -`.
#
# usage: scripts/backtest_fingerprint.sh [CARRYD]   (default build/release/bin/carryd)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
carryd="${1:-$root/build/release/bin/carryd}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

run() {  # name, then carryd backtest arguments
  local name="$1"
  shift
  "$carryd" backtest --config config/app.yaml --out "$work/$name" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" ||
    {
      echo "$name: carryd backtest failed:" >&2
      tail -5 "$work/$name.stderr" >&2
      exit 1
    }
  (cd "$work" && sha256sum "$name.stdout" && find "$name" -type f | LC_ALL=C sort | xargs sha256sum)
}

run bundled_1m --data data --symbols BTCUSDT,ETHUSDT --timeframe 1m
run bundled_1h --data data --symbols BTCUSDT,ETHUSDT --timeframe 1h
run bundled_auto --data data --symbols auto --timeframe 1h
for w in data/regimes/*/; do
  w="${w%/}"
  syms=$(ls "$w" | sed -n 's/^binance_funding_\(.*\)\.csv$/\1/p' | paste -sd, -)
  run "$(basename "$w")" --data "$w" --symbols "$syms"
done
