#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs each for its share of a
# bounded time on the corpus kept in the repository, after replaying its regression inputs:
#   fuzz_book  (Book building and every KPI): corpus fuzz/corpus, regressions fuzz/regressions
#   fuzz_state (KPI state bytes: from_bytes, merge, finalize): fuzz/state/corpus, fuzz/state/regressions
#   bash fuzz/run.sh [seconds=60]   (shared equally between the targets)
# New interesting inputs go to build/fuzz/corpus-<target> (not the repository); a crash leaves
# build/fuzz/crash-* and fails the script: minimise it (<target> -minimize_crash=1), add it to the target's
# regressions and a test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=build/fuzz
CXX="${CXX_FUZZ:-clang++}"
eigen=$(pkg-config --cflags-only-I eigen3 2>/dev/null || echo -I/usr/include/eigen3)
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -Iinclude -Isrc ${eigen/-I/-isystem } -DACCOUNTKPI_VERSION=\"fuzz\")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
targets=("fuzz_book fuzz/corpus fuzz/regressions 4096" "fuzz_state fuzz/state/corpus fuzz/state/regressions 65536")
share=$(( seconds / ${#targets[@]} ))
for spec in "${targets[@]}"; do
  read -r target corpus regressions max_len <<<"$spec"
  mkdir -p "$out/corpus-$target"
  if [ ! -x "$out/$target" ] || [ -n "$(find src include "fuzz/$target.cpp" -newer "$out/$target" | head -1)" ]; then
    echo "fuzz: building $out/$target"
    "$CXX" "${flags[@]}" $(find src -name '*.cpp' | sort) "fuzz/$target.cpp" -o "$out/$target"
  fi
  echo "fuzz: $target: replaying the regression inputs"
  "$out/$target" -runs=0 "$regressions"/* >/dev/null 2>&1 || { "$out/$target" -runs=0 "$regressions"/*; exit 1; }
  echo "fuzz: $target: running for ${share} s"
  "$out/$target" -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus-$target" "$corpus" 2>&1 | tee "$out/log-$target" |
    grep -E "^#[0-9]+ +(INITED|DONE)|stat::|ERROR|SUMMARY|Test unit written" || true
  if grep -qE "ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|Test unit written" \
    "$out/log-$target"; then
    echo "fuzz: $target: FOUND A PROBLEM, see $out/log-$target and $out/crash-*"
    exit 1
  fi
done
echo "fuzz: no problem found"
