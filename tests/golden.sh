#!/bin/sh
# golden.sh - the 52 English Golden Rules of sentence splitting, scored by
# ../shared/eval/golden.py when that folder is present. Fails below the
# number of rules reached so far (GOLDEN_MIN).
B=${B:-build}
GOLDEN_MIN=50
shared=${NF_SHARED:-../shared}
if [ ! -f "$shared/eval/golden.py" ]; then
    echo "golden: ../shared not present, Golden Rules not run"
    exit 0
fi
python3 "$shared/eval/golden.py" --cmd "$B/newsfacts --rules rules" --min $GOLDEN_MIN | tail -n 3
