#!/usr/bin/env bash
# The project's static checks, for a person before a commit (not run by CI: CI time goes to tests).
#   1. clang-format: every tracked C++ file is formatted (.clang-format);
#   2. code size: no file in src/ over 600 lines, no function over 80 (scripts/code_size.py);
#   3. clang-tidy: the checks in .clang-tidy over src/ (needs build/release/compile_commands.json,
#      i.e. `cmake --preset release` once).
# usage: scripts/lint.sh [--no-tidy] [FILE...]   (files limit the clang-tidy pass)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tidy=1
if [[ "${1:-}" == "--no-tidy" ]]; then
  tidy=0
  shift
fi
status=0

echo "== clang-format"
if ! git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror 2>/tmp/carry-lint-format.$$; then
  grep -E '^[^ ].*(warning|error):' /tmp/carry-lint-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  status=1
fi
rm -f /tmp/carry-lint-format.$$

echo "== code size"
python3 scripts/code_size.py || status=1

if [[ $tidy == 1 ]]; then
  echo "== clang-tidy"
  db=build/release/compile_commands.json
  if [[ ! -f $db ]]; then
    echo "lint: $db is missing: run 'cmake --preset release' first" >&2
    exit 2
  fi
  files=("$@")
  if [[ ${#files[@]} == 0 ]]; then
    mapfile -t files < <(git ls-files 'src/*.cpp')
  fi
  # clang cannot read g++'s precompiled headers (carry_bitget_io has one): clang-tidy gets the
  # same commands without them (the sources include what they use).
  tidy_db="$(mktemp -d)"
  python3 - "$db" "$tidy_db/compile_commands.json" <<'PY'
import json, re, sys
commands = json.load(open(sys.argv[1]))
for c in commands:
    c["command"] = re.sub(r"\s-include\s+\S*cmake_pch\.hxx", "", c["command"]).replace(" -Winvalid-pch", "")
json.dump(commands, open(sys.argv[2], "w"))
PY
  # -quiet keeps the output to the findings; the header filter in .clang-tidy limits them to our code.
  printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -quiet -p "$tidy_db" 2>/dev/null |
    grep -E '(warning|error):' | sort -u >/tmp/carry-lint-tidy.$$ || true
  if [[ -s /tmp/carry-lint-tidy.$$ ]]; then
    cat /tmp/carry-lint-tidy.$$
    status=1
  fi
  rm -rf /tmp/carry-lint-tidy.$$ "$tidy_db"
fi

if [[ $status == 0 ]]; then echo "lint: clean"; else echo "lint: findings above" >&2; fi
exit $status
