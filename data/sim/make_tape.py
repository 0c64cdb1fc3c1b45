#!/usr/bin/env python3
"""Builds the bundled bitget-sim market tape from the Binance 1-minute candles in data/.

Each 1m candle of BTCUSDT/ETHUSDT spot and USDT-M perp becomes four top-of-book rows, 15 s apart:
open, then the extreme nearer the open (low for an up candle, high for a down candle), then the
other extreme, then close. The candle price is the bid; the ask is one tick above (spot 0.01,
BTC perp 0.1, ETH perp 0.01). Sizes are derived deterministically from the candle volume
(a fraction of the minute's volume, varied per row), rounded to the instrument's lot step.

Usage (from the repository root; the input is the repository's data/ folder):
  python3 data/sim/make_tape.py data 2025-05-20T00:00:00Z 6 > data/sim/tape_btc_eth_2025-05-20.csv
"""
import csv
import datetime as dt
import os
import sys
from decimal import Decimal, ROUND_DOWN

INSTRUMENTS = [
    # symbol, market, file market, tick, lot
    ("BTCUSDT", "spot", "spot", Decimal("0.01"), Decimal("0.000001")),
    ("ETHUSDT", "spot", "spot", Decimal("0.01"), Decimal("0.0001")),
    ("BTCUSDT", "perp", "perp", Decimal("0.1"), Decimal("0.001")),
    ("ETHUSDT", "perp", "perp", Decimal("0.01"), Decimal("0.01")),
]
ROW_FACTORS = [Decimal("0.020"), Decimal("0.013"), Decimal("0.017"), Decimal("0.025")]


def on_step(v, step):
    return (v / step).quantize(Decimal(1), rounding=ROUND_DOWN) * step


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data_dir, start_iso, hours = sys.argv[1], sys.argv[2], int(sys.argv[3])
    start = dt.datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
    start_ms = int(start.timestamp() * 1000)
    end_ms = start_ms + hours * 3600 * 1000
    rows = []
    for symbol, market, file_market, tick, lot in INSTRUMENTS:
        path = os.path.join(data_dir, f"binance_{file_market}_{symbol}_1m.csv")
        with open(path, newline="") as f:
            for c in csv.DictReader(f):
                t = int(c["open_time_ms"])
                if t < start_ms or t >= end_ms:
                    continue
                o, h, l, cl = (Decimal(c[k]) for k in ("open", "high", "low", "close"))
                vol = Decimal(c["volume"])
                path_prices = [o, l, h, cl] if cl >= o else [o, h, l, cl]
                for i, p in enumerate(path_prices):
                    bid = on_step(p, tick)
                    ask = bid + tick
                    base = max(on_step(vol * ROW_FACTORS[i], lot), lot)
                    bid_size = base
                    ask_size = max(on_step(vol * ROW_FACTORS[(i + 1) % 4], lot), lot)
                    rows.append((t + i * 15000, symbol, market, bid, bid_size, ask, ask_size))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out = sys.stdout
    out.write("ts_ms,symbol,market,bid,bid_size,ask,ask_size\n")
    for r in rows:
        out.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},{r[5]},{r[6]}\n")


if __name__ == "__main__":
    main()
