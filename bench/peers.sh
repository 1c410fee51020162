#!/bin/sh
# peers.sh - newsfacts against the libraries users would otherwise pick,
# on the same documents in the same run (bench/peers.js):
#   compromise + compromise-dates (people, places, organisations, dates,
#   quotations), wink-nlp + wink-eng-lite-web-model (tokens, sentences,
#   value entities), chrono-node (dates only).
# Prints a Markdown table with MB/s (CPU and wall) and the ratio
# newsfacts (full pipeline + JSON, one thread) / peer.
#
#   B=build sh bench/peers.sh       PEERS_DIR=/tmp/peers PEER_MB=5 PEER_SECONDS=30
#
# The peers are installed from npm into PEERS_DIR when missing (needs node,
# npm and the network); without them the table says so and nothing fails.
set -e
B=${B:-build}
shared=${NF_SHARED:-../shared}
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
PEER_MB=${PEER_MB:-5}
PEER_SECONDS=${PEER_SECONDS:-30}
out="$B/bench"
PB="$out/pipeline_bench"
# (re)built when missing or older than the library: a stale one would time
# an earlier newsfacts against the peers
[ -x "$PB" ] && [ "$PB" -nt "$B/libnewsfacts.a" ] || SECTIONS=none sh bench/pipeline.sh >/dev/null

if ls "$shared"/corpus/seeds/*.txt >/dev/null 2>&1; then
    seeds=$(ls "$shared"/corpus/seeds/*.txt)
else
    seeds=examples/data/sample-article.txt
fi

field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

echo "### newsfacts and its peers (one thread, $(echo $seeds | wc -w) seed articles repeated, $(date -u +%Y-%m-%d))"
echo
if ! command -v node >/dev/null 2>&1; then
    echo "(node is not installed: no peer figures)"
    exit 0
fi
if [ ! -d "$PEERS_DIR/node_modules/chrono-node" ]; then
    npm install --silent --prefix "$PEERS_DIR" compromise compromise-dates wink-nlp \
        wink-eng-lite-web-model chrono-node >/dev/null 2>&1 ||
        { echo "(npm install into $PEERS_DIR failed: no peer figures)"; exit 0; }
fi
version() { node -p "require('$PEERS_DIR/node_modules/$1/package.json').version" 2>/dev/null; }

nf_full=$($PB --mode json --mb $PEER_MB --dct 2025-04-10 $seeds)
nf_tok=$($PB --mode tokens --mb $PEER_MB --dct 2025-04-10 $seeds)
cpu_mbs() { awk -v b="$(field bytes "$1")" -v c="$(field cpu_s "$1")" 'BEGIN { printf "%.3f", b / 1e6 / c }'; }
nf_cpu=$(cpu_mbs "$nf_full")
nf_wall=$(field mb_s "$nf_full")

echo "| program | job | MB/s CPU | MB/s wall | peak RSS MB | newsfacts / peer (CPU) | (wall) |"
echo "|---|---|---:|---:|---:|---:|---:|"
echo "| newsfacts $(sed -n 's/^#define NF_VERSION_STRING "\(.*\)"/\1/p' include/newsfacts.h) | entities, dates, quotes, metadata + JSON | $nf_cpu | $nf_wall | $(field peak_mb "$nf_full") | 1 | 1 |"
echo "| newsfacts (tokens only) | tokens, sentences | $(cpu_mbs "$nf_tok") | $(field mb_s "$nf_tok") | $(field peak_mb "$nf_tok") | | |"
for p in compromise wink chrono; do
    case $p in
    compromise) name="compromise $(version compromise) + compromise-dates $(version compromise-dates)"
                job="people, places, orgs, dates, quotations" ;;
    wink) name="wink-nlp $(version wink-nlp) + wink-eng-lite-web-model"
          job="tokens, sentences, value entities" ;;
    chrono) name="chrono-node $(version chrono-node)"; job="dates" ;;
    esac
    line=$(node bench/peers.js $p --dir "$PEERS_DIR" --mb $PEER_MB --seconds $PEER_SECONDS $seeds) ||
        { echo "| $name | $job | failed | | | | |"; continue; }
    pc=$(field cpu_mb_s "$line"); pw=$(field mb_s "$line")
    echo "| $name | $job | $pc | $pw | $(field peak_mb "$line") | \
$(awk -v a=$nf_cpu -v b=$pc 'BEGIN { printf "%.1f", a / b }') | \
$(awk -v a=$nf_wall -v b=$pw 'BEGIN { printf "%.1f", a / b }') |"
done
echo
echo "Each peer processes the same documents, round-robin, up to $PEER_MB MB or $PEER_SECONDS s"
echo "of CPU after one warm-up document (node: process.cpuUsage, resourceUsage().maxRSS)."
echo
