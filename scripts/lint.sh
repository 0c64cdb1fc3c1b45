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
  # -quiet keeps the output to the findings; the header filter in .clang-tidy limits them to our code.
  printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -quiet -p build/release 2>/dev/null |
    grep -E '(warning|error):' | sort -u >/tmp/carry-lint-tidy.$$ || true
  if [[ -s /tmp/carry-lint-tidy.$$ ]]; then
    cat /tmp/carry-lint-tidy.$$
    status=1
  fi
  rm -f /tmp/carry-lint-tidy.$$
fi

if [[ $status == 0 ]]; then echo "lint: clean"; else echo "lint: findings above" >&2; fi
exit $status
