#!/usr/bin/env bash
# Builds the libFuzzer target (clang, -fsanitize=fuzzer,address,undefined) and runs it for a bounded time on
# the corpus kept in the repository, then replays the corpus and the regression inputs.
#   bash fuzz/run.sh [seconds=60]
# New interesting inputs go to build/fuzz/corpus (not the repository); a crash leaves build/fuzz/crash-* and
# fails the script: minimise it (fuzz_book -minimize_crash=1), add it to fuzz/regressions/ and a test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=build/fuzz
mkdir -p "$out/corpus"
CXX="${CXX_FUZZ:-clang++}"
eigen=$(pkg-config --cflags-only-I eigen3 2>/dev/null || echo -I/usr/include/eigen3)
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -Iinclude ${eigen/-I/-isystem } -DACCOUNTKPI_VERSION=\"fuzz\")
if [ ! -x "$out/fuzz_book" ] || [ -n "$(find src include fuzz/fuzz_book.cpp -newer "$out/fuzz_book" | head -1)" ]; then
  echo "fuzz: building $out/fuzz_book"
  "$CXX" "${flags[@]}" src/*.cpp fuzz/fuzz_book.cpp -o "$out/fuzz_book"
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "fuzz: replaying the regression inputs"
"$out/fuzz_book" -runs=0 fuzz/regressions/* >/dev/null 2>&1 || { "$out/fuzz_book" -runs=0 fuzz/regressions/*; exit 1; }
echo "fuzz: running for ${seconds} s"
"$out/fuzz_book" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" fuzz/corpus 2>&1 | tee "$out/log" |
  grep -E "^#[0-9]+ +(INITED|DONE)|stat::|ERROR|SUMMARY|Test unit written" || true
if grep -qE "ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|Test unit written" "$out/log"; then
  echo "fuzz: FOUND A PROBLEM, see $out/log and $out/crash-*"
  exit 1
fi
echo "fuzz: no problem found"
