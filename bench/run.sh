#!/bin/sh
# run.sh - the benchmarks (figures, not pass/fail). Called by `make bench`
# with B=<build dir>; each benchmark is one self-contained block below.
set -e
B=${B:-build}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
DEPS="libpcre2-8 icu-uc icu-i18n yaml-0.1 libxml-2.0"
shared=${NF_SHARED:-../shared}
mkdir -p "$B/bench"

# --- tokenizer + sentence splitting (issue 2: >= 50 MB/s on the seed articles)
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Iinclude -Wall -Wextra \
    bench/tokenize_bench.c -o "$B/bench/tokenize_bench" "$B/libnewsfacts.a" \
    $($PKG_CONFIG --libs $DEPS) -lpthread -lm
if ls "$shared"/corpus/seeds/*.txt >/dev/null 2>&1; then
    "$B/bench/tokenize_bench" --mb 50 --rules rules "$shared"/corpus/seeds/*.txt
else
    "$B/bench/tokenize_bench" --mb 50 --rules rules examples/data/*.txt
fi

# --- the whole pipeline (issue 9): throughput at 1 and 2 threads, memory,
# growth with document size and rule count, per-stage shares; then the npm
# peers on the same documents. Self-contained scripts; see their headers.
B="$B" CC="$CC" PKG_CONFIG="$PKG_CONFIG" NF_SHARED="$shared" sh bench/pipeline.sh
B="$B" NF_SHARED="$shared" sh bench/peers.sh

# --- the rule engine alone (issue 3): MB/s with 10, 100 and 1,000 generated
# token rules and a 100,000-entry lexicon, one thread; load time of rules/
$CC -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Iinclude -Ilib -Wall -Wextra \
    $($PKG_CONFIG --cflags libpcre2-8) bench/engine_bench.c -o "$B/bench/engine_bench" \
    "$B/libnewsfacts.a" $($PKG_CONFIG --libs $DEPS) -lpthread -lm
if ls "$shared"/corpus/seeds/*.txt >/dev/null 2>&1; then
    "$B/bench/engine_bench" --mb 50 --rules rules "$shared"/corpus/seeds/*.txt
else
    "$B/bench/engine_bench" --mb 50 --rules rules examples/data/*.txt
fi
