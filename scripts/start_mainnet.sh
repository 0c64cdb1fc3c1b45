#!/usr/bin/env bash
# Starts Carry on Bitget mainnet with real money. Loads .env, defaults APP_CONFIG_FILE to
# config/app.mainnet.yaml, and insists that the operator has set EXCHANGE__ALLOW_LIVE=true to
# trade. Other arguments pass through: scripts/start_mainnet.sh --ops-check, --dry-run,
# --reset-kill-switch (these three never place an order and run without EXCHANGE__ALLOW_LIVE).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .env ]; then
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
fi
export APP_CONFIG_FILE="${APP_CONFIG_FILE:-config/app.mainnet.yaml}"

# Probing, rehearsing and resetting the kill switch never place an order: they run without the
# live switch, so an operator can check everything on mainnet before unlocking it.
places_orders=true
for arg in "$@"; do
  case "$arg" in
    --ops-check|--dry-run|--reset-kill-switch|--print-config|--help|--version) places_orders=false ;;
  esac
done
if [ "$places_orders" = true ] && [ "${EXCHANGE__ALLOW_LIVE:-}" != "true" ]; then
  echo "start_mainnet.sh: refusing to start: set EXCHANGE__ALLOW_LIVE=true (in .env or the environment) to trade real money on mainnet" >&2
  exit 2
fi
if [ ! -f "$APP_CONFIG_FILE" ]; then
  echo "start_mainnet.sh: $APP_CONFIG_FILE not found: copy config/app.mainnet.example.yaml to it and review it" >&2
  exit 2
fi

bin="${CARRYD:-build/release/bin/carryd}"
if [ ! -x "$bin" ]; then
  ./scripts/deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target carryd
fi
exec "$bin" --env mainnet "$@"
