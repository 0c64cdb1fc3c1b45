#!/usr/bin/env bash
# Starts Carry on Bitget mainnet with real money: carryd --env mainnet with config/app.mainnet.yaml
# (or APP_CONFIG_FILE). Other arguments pass through: scripts/start_mainnet.sh --ops-check,
# --dry-run, --reset-kill-switch (these never place an order and run without the live switch).
#
# .env is parsed, never executed: this script reads two plain lines of it (APP_CONFIG_FILE,
# EXCHANGE__ALLOW_LIVE) and exports nothing from it. carryd reads .env itself, so the API keys stay
# out of the daemon's environment (/proc/PID/environ) and a `$` in a secret reaches Bitget as written.
set -euo pipefail
cd "$(dirname "$0")/.."

# The value of KEY in .env (the last assignment wins), quotes stripped, nothing expanded.
dotenv_value() {
  [ -f .env ] || return 0
  local line value=""
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line#export }"
    case "$line" in
      "$1="*) value="${line#"$1="}" ;;
    esac
  done < .env
  value="${value%"${value##*[![:space:]]}"}"
  case "$value" in
    \"*\") value="${value:1:${#value}-2}" ;;
    \'*\') value="${value:1:${#value}-2}" ;;
  esac
  printf '%s' "$value"
}

config="${APP_CONFIG_FILE:-$(dotenv_value APP_CONFIG_FILE)}"
config="${config:-config/app.mainnet.yaml}"
if [ ! -f "$config" ]; then
  echo "start_mainnet.sh: $config not found: copy config/app.mainnet.example.yaml to it and review it" >&2
  exit 2
fi

bin="${CARRYD:-build/release/bin/carryd}"
if [ ! -x "$bin" ]; then
  ./scripts/deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target carryd
fi

# Probing, rehearsing and resetting the kill switch never place an order: they run without the
# live switch, so an operator can check everything on mainnet before unlocking it.
places_orders=true
for arg in "$@"; do
  case "$arg" in
    --ops-check|--dry-run|--reset-kill-switch|--print-config|--help|--version) places_orders=false ;;
  esac
done
if [ "$places_orders" = true ]; then
  # The switch as carryd itself resolves it: .env < the YAML file < the environment, later wins.
  if ! effective="$("$bin" --env mainnet --config "$config" --print-config)"; then
    exit 2  # carryd has said what is wrong with the configuration
  fi
  if ! grep -Eq '^  allow_live: true( |$)' <<<"$effective"; then
    echo "start_mainnet.sh: refusing to start: exchange.allow_live is not true; set EXCHANGE__ALLOW_LIVE=true in the environment or in .env, or allow_live: true under exchange: in $config, to trade real money on mainnet" >&2
    exit 2
  fi
fi
exec "$bin" --env mainnet --config "$config" "$@"
