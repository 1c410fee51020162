#!/bin/sh
# tests/rules/run.sh - every tests/rules/bad/*.yaml starts with
#   # expect: FILE:LINE:COL: error: MESSAGE
# and `newsfacts --check-rules FILE` must exit 2 and print exactly that
# as its first line on standard error.
B=${B:-build}
pass=0
fail=0
for f in tests/rules/bad/*.yaml; do
    want=$(sed -n '1s/^# expect: //p' "$f")
    got=$("$B/newsfacts" --check-rules "$f" 2>&1 >/dev/null | head -n 1)
    "$B/newsfacts" --check-rules "$f" >/dev/null 2>&1
    code=$?
    if [ "$code" -eq 2 ] && [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $f (exit $code)"
        echo "  want: $want"
        echo "  got:  $got"
    fi
done
echo "rules/bad: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
