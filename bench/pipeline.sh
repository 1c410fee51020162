#!/bin/sh
# pipeline.sh - newsfacts through the public API (bench/pipeline.c):
#   1. throughput on the seed articles (and the CoNLL-2003 text when
#      ../shared is there): tokens only / full pipeline / full + JSON,
#      1 and 2 threads: MB/s (wall and CPU), docs/s, peak RSS;
#   2. growth with document size, 1 KB .. 100 MB, tokens only and full;
#   3. growth with rule count: the repository's rules plus N generated rules;
#   4. per-stage shares of the time (perf, when it is there).
# Prints Markdown tables (docs/BENCHMARKS.md keeps a dated copy).
#
#   B=build sh bench/pipeline.sh      MB=10 THREADS="1 2" GROW_MAX_S=60 SECTIONS="1 2 3 4"
#
# MB/s are 10^6 bytes per second. "CPU" figures divide by the process's CPU
# time (all threads), which stays meaningful on a busy machine; "wall"
# figures are what a user waits for. A growth series stops once one run
# takes more than GROW_MAX_S seconds of CPU (the next size is 10x larger).
set -e
B=${B:-build}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
DEPS="libpcre2-8 icu-uc icu-i18n yaml-0.1 libxml-2.0"
shared=${NF_SHARED:-../shared}
MB=${MB:-10}
THREADS=${THREADS:-"1 2"}
GROW_MAX_S=${GROW_MAX_S:-60}
SECTIONS=${SECTIONS:-"1 2 3 4"}
out="$B/bench"
mkdir -p "$out"

$CC -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -g -Iinclude -Wall -Wextra \
    bench/pipeline.c -o "$out/pipeline_bench" "$B/libnewsfacts.a" \
    $($PKG_CONFIG --libs $DEPS) -lpthread -lm
PB="$out/pipeline_bench"

if ls "$shared"/corpus/seeds/*.txt >/dev/null 2>&1; then
    seeds=$(ls "$shared"/corpus/seeds/*.txt)
else
    seeds=examples/data/sample-article.txt
fi

# The CoNLL-2003 development text as plain documents: one file per
# -DOCSTART-, tokens joined by spaces, one sentence a line (built here,
# never copied into the project).
conll=""
if [ -f "$shared/eval/data/conll2003/dev.txt" ]; then
    rm -rf "$out/conll" && mkdir -p "$out/conll"
    awk -v dir="$out/conll" '
        /^-DOCSTART-/ { n++; f = sprintf("%s/doc%04d.txt", dir, n); line = ""; next }
        NF == 0 { if (line != "" && f != "") { print line > f; line = "" } next }
        { line = line == "" ? $1 : line " " $1 }
        END { if (line != "" && f != "") print line > f }' "$shared/eval/data/conll2003/dev.txt"
    conll=$(ls "$out"/conll/*.txt)
fi

field() { # field NAME LINE
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "newsfacts pipeline benchmark, $(date -u +%Y-%m-%d), $(uname -m), \
$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc) CPUs, \
load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo

if echo "$SECTIONS" | grep -q 1; then
    echo "### Throughput"
    echo
    echo "| corpus | job | threads | MB/s wall | MB/s CPU | docs/s wall | peak RSS MB | facts (ent/date/quote) |"
    echo "|---|---|---|---:|---:|---:|---:|---|"
    for corpus in seeds conll; do
        if [ $corpus = seeds ]; then files=$seeds; name="seed articles ($(echo $files | wc -w) docs)"
        else files=$conll; name="CoNLL-2003 dev ($(echo $files | wc -w) docs)"; fi
        [ -n "$files" ] || continue
        for mode in tokens full json; do
            for t in $THREADS; do
                line=$($PB --mode $mode --threads $t --mb $MB --dct 2025-04-10 $files)
                cpu_mbs=$(awk -v b="$(field bytes "$line")" -v c="$(field cpu_s "$line")" \
                    'BEGIN { printf "%.2f", b / 1e6 / c }')
                echo "| $name | $mode | $t | $(field mb_s "$line") | $cpu_mbs | $(field docs_s "$line") \
| $(field peak_mb "$line") | $(field entities "$line")/$(field dates "$line")/$(field quotes "$line") |"
            done
        done
    done
    echo
    echo "tokens = NF_EXTRACT_NO_RULES (UTF-8 check, lines, tokens, sentences); full = every"
    echo "stage (rules, structure, entities, dates, quotes); json = full + nf_doc_to_json."
    echo
fi

if echo "$SECTIONS" | grep -q 2; then
    echo "### Growth with document size (one document, seed articles concatenated)"
    echo
    echo "| size | job | CPU s per doc | MB/s CPU | peak RSS MB | (peak - rules) / input |"
    echo "|---:|---|---:|---:|---:|---:|"
    for mode in tokens full; do
        stop=""
        for size in 1000 10000 100000 1000000 10000000 100000000; do
            if [ -n "$stop" ]; then
                echo "| $size | $mode | not run ($stop) | | | |"
                continue
            fi
            mb=$(awk -v s=$size 'BEGIN { m = s / 1e6; print (m < 2 ? 2 : m) }')
            all=""; [ $mode = full ] && all=--all-text
            line=$($PB --mode $mode --mb $mb --doc-bytes $size --dct 2025-04-10 $all $seeds)
            docs=$(field docs "$line"); cpu=$(field cpu_s "$line"); bytes=$(field bytes "$line")
            peak=$(field peak_mb "$line")
            # the rules' share: RSS after loading them minus RSS before
            base=$(awk -v b=$(field rss_base_mb "$line") -v i=$(field rss_input_mb "$line") \
                -v r=$(field rss_rules_mb "$line") 'BEGIN { print b + r - i }')
            per=$(awk -v c=$cpu -v d=$docs 'BEGIN { printf "%.4f", c / d }')
            echo "| $(field doc_bytes "$line") | $mode | $per | \
$(awk -v b=$bytes -v c=$cpu 'BEGIN { printf "%.2f", b / 1e6 / c }') | $peak | \
$(awk -v p=$peak -v b=$base -v s=$(field doc_bytes "$line") \
    'BEGIN { if (s < 5e5) print "-"; else printf "%.1f", (p - b) * 1048576 / s }') |"
            if awk -v c=$per -v m=$GROW_MAX_S 'BEGIN { exit !(c > m) }'; then
                stop="previous size took $per s"
            fi
        done
    done
    echo
    echo "(peak - rules) / input = (peak RSS - RSS at start - RSS the rules added) /"
    echo "document size, from 1 MB up; it includes the program's own copy of the document (1x)."
    echo "full runs with --all-text (NF_EXTRACT_ALL_TEXT): the structure stage takes the first"
    echo "article's body for the document's, and by default the rules would skip the rest."
    echo
fi

if echo "$SECTIONS" | grep -q 3; then
    echo "### Growth with rule count (full pipeline, seed articles)"
    echo
    echo "| rules loaded | load s | MB/s CPU | peak RSS MB |"
    echo "|---:|---:|---:|---:|"
    words="the a of to in and said on for that with by at from as is was were has have"
    for n in 0 100 1000 10000; do
        dir="$out/rules-$n"
        rm -rf "$dir" && mkdir -p "$dir"
        for f in rules/*; do ln -s "$(pwd)/$f" "$dir/"; done
        if [ $n -gt 0 ]; then
            awk -v n=$n -v words="$words" 'BEGIN {
                k = split(words, w, " ")
                print "schema: 1\nrules:"
                for (i = 0; i < n; i++) {
                    printf "  - name: bench.r%05d\n    pattern: \"%s [cap:title] w%05d?\"\n    emit: BENCH%d\n",
                        i, w[i % k + 1], i, i % 7
                }
            }' > "$dir/99-bench.yaml"
        fi
        line=$($PB --rules "$dir" --mode full --mb $(awk -v m=$MB 'BEGIN { print m / 2 }') \
               --dct 2025-04-10 $seeds)
        echo "| $(field rules "$line") | $(field load_s "$line") | \
$(awk -v b=$(field bytes "$line") -v c=$(field cpu_s "$line") 'BEGIN { printf "%.2f", b / 1e6 / c }') | \
$(field peak_mb "$line") |"
    done
    echo
    echo "Generated rules: pattern \"WORD [cap:title] wNNNNN?\" over 20 common words, so"
    echo "every occurrence of those words tries n/20 rules (a worst case for the index)."
    echo
fi

if echo "$SECTIONS" | grep -q 4; then
    echo "### Per-stage breakdown (full + JSON, one thread, seed articles; perf samples)"
    echo
    if command -v perf >/dev/null 2>&1 &&
        perf record -q -F 499 --call-graph dwarf,16384 -o "$out/perf.data" \
            $PB --mode json --mb ${STAGE_MB:-3} --dct 2025-04-10 $seeds >/dev/null 2>&1; then
        perf report -i "$out/perf.data" --children --sort sym --stdio -g none 2>/dev/null |
        awk '
            function pct(s) { sub(/%/, "", s); return s + 0 }
            $4 == "nf_extract" || $4 == "nf_doc_to_json" || $4 == "nfi_input_load" ||
            $4 == "nfi_lines_split" || $4 == "nfi_tokenize" || $4 == "nfi_sentences_split" ||
            $4 == "nfi_rules_run" || $4 == "nfi_structure" || $4 == "nfi_entities_resolve" ||
            $4 == "nfi_dates_resolve" || $4 == "nfi_quotes_resolve" {
                if (!($4 in v)) v[$4] = pct($1)
            }
            END {
                total = v["nf_extract"] + v["nf_doc_to_json"]
                if (total <= 0) { print "(no samples in newsfacts: perf without call graphs?)"; exit }
                print "| stage | share of extract + JSON time |"
                print "|---|---:|"
                split("nfi_input_load nfi_lines_split nfi_tokenize nfi_sentences_split nfi_rules_run " \
                      "nfi_structure nfi_entities_resolve nfi_dates_resolve nfi_quotes_resolve nf_doc_to_json", f, " ")
                split("input check|lines, paragraphs|tokens|sentences|rules (engine)|structure (body, meta)|" \
                      "entities|dates|quotes|JSON", name, "|")
                rest = total
                for (i = 1; i <= 10; i++) {
                    printf "| %s | %.1f%% |\n", name[i], 100 * v[f[i]] / total
                    rest -= v[f[i]]
                }
                printf "| other (body filter, publishing annotations) | %.1f%% |\n", 100 * (rest > 0 ? rest : 0) / total
            }'
    else
        echo "(perf is not available or not permitted here: no breakdown)"
    fi
    echo
fi
