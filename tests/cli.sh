#!/bin/sh
# cli.sh - the example extractor as a user runs it: options, exit codes,
# files and standard input, --out-dir, -j. Ends with "N passed, N failed".
B=${B:-build}
NF="$B/newsfacts --rules rules"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check NAME CONDITION...
    name=$1; shift
    if "$@"; then ok; else ko "$name"; fi
}

printf 'The talks ended on Thursday. Both sides spoke.\n' > "$tmp/a.txt"
printf 'Officials met again.\n' > "$tmp/b.txt"

$NF "$tmp/a.txt" > "$tmp/out.json"; rc=$?
check "one file exits 0" [ $rc = 0 ]
check "one file gives one JSON document" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['schema']=='newsfacts/1' and d['doc']['id']=='a'" "$tmp/out.json"

$NF "$tmp/a.txt" "$tmp/b.txt" > "$tmp/out.jsonl"; rc=$?
check "two files exit 0" [ $rc = 0 ]
check "two files give JSON Lines in order" python3 -c "
import json,sys
ls=[json.loads(l) for l in open(sys.argv[1])]
assert [d['doc']['id'] for d in ls]==['a','b'], ls" "$tmp/out.jsonl"

$NF -j 2 "$tmp/a.txt" "$tmp/b.txt" "$tmp/a.txt" > "$tmp/j2.jsonl"
$NF -j 1 "$tmp/a.txt" "$tmp/b.txt" "$tmp/a.txt" > "$tmp/j1.jsonl"
check "-j 2 output equals -j 1" cmp -s "$tmp/j1.jsonl" "$tmp/j2.jsonl"

$NF < "$tmp/a.txt" > "$tmp/stdin.json"; rc=$?
check "standard input works" [ $rc = 0 ]
check "standard input id" grep -q '"id":"stdin"' "$tmp/stdin.json"

mkdir "$tmp/out"
$NF --out-dir "$tmp/out" "$tmp/a.txt" "$tmp/b.txt" > "$tmp/stdout.txt"; rc=$?
check "--out-dir exits 0" [ $rc = 0 ]
check "--out-dir writes one file per input" [ -s "$tmp/out/a.json" -a -s "$tmp/out/b.json" ]
check "--out-dir leaves standard output empty" [ ! -s "$tmp/stdout.txt" ]

$NF "$tmp/a.txt" "$tmp/missing.txt" "$tmp/b.txt" > "$tmp/partial.jsonl" 2> "$tmp/err.txt"; rc=$?
check "a missing file exits 1" [ $rc = 1 ]
check "the missing file is named" grep -q "missing.txt" "$tmp/err.txt"
check "the other files are still written" [ "$(wc -l < "$tmp/partial.jsonl")" = 2 ]

printf 'bad \377 byte\n' > "$tmp/bad.txt"
$NF "$tmp/bad.txt" > /dev/null 2> "$tmp/err.txt"; rc=$?
check "invalid UTF-8 exits 1" [ $rc = 1 ]
check "invalid UTF-8 names the byte" grep -q "byte 4" "$tmp/err.txt"
$NF --replace-invalid "$tmp/bad.txt" > "$tmp/rep.json"; rc=$?
check "--replace-invalid exits 0" [ $rc = 0 ]
check "--replace-invalid writes valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/rep.json"

printf 'nul\000inside\r\nand CRLF\r\n' > "$tmp/nul.txt"
$NF "$tmp/nul.txt" > "$tmp/nul.json"; rc=$?
check "NUL bytes and CRLF work" [ $rc = 0 ]
check "NUL bytes keep the length" grep -q '"bytes":22' "$tmp/nul.json"

$NF --bogus > /dev/null 2>&1; rc=$?
check "unknown option exits 2" [ $rc = 2 ]
$NF --dct 2025-02-30 "$tmp/a.txt" > /dev/null 2>&1; rc=$?
check "bad --dct exits 2" [ $rc = 2 ]
$B/newsfacts --rules "$tmp/nowhere" "$tmp/a.txt" > /dev/null 2> "$tmp/err.txt"; rc=$?
check "missing rules exit 2" [ $rc = 2 ]
$NF --dct 2025-04-10 "$tmp/a.txt" > "$tmp/dct.json"
check "--dct is used" grep -q '"dct":"2025-04-10","dct_source":"caller"' "$tmp/dct.json"
$NF --pretty "$tmp/a.txt" > "$tmp/pretty.json"
check "--pretty is valid JSON over many lines" python3 -c "
import json,sys
t=open(sys.argv[1]).read(); json.loads(t); assert t.count(chr(10))>5" "$tmp/pretty.json"
v=$($B/newsfacts --version)
check "--version names the versions" sh -c "echo '$v' | grep -q 'library [0-9]'"
$NF /dev/null > "$tmp/empty.json"; rc=$?
check "empty input exits 0" [ $rc = 0 ]

# ---- JSON Lines input, -j with a stream, progress
printf '%s\n' '{"id":"a","text":"The talks ended on Thursday. Both sides spoke.\n"}' \
    '{"id":"u","text":"Caf\u00e9 owners in K\u0159\u00ed\u017e met \ud83d\ude00 on Monday.","dct":"2025-04-10"}' \
    '' '{"id":3,"extra":{"a":[1,"}"]},"text":"Officials met again.\n","dct":null}' > "$tmp/in.jsonl"
$NF --jsonl "$tmp/in.jsonl" > "$tmp/jl.out" 2> "$tmp/jl.err"; rc=$?
check "--jsonl exits 0" [ $rc = 0 ]
check "--jsonl is quiet when standard error is not a terminal" [ ! -s "$tmp/jl.err" ]
check "--jsonl gives one document a line, in order, with the ids" python3 -c "
import json,sys
ls=[json.loads(l) for l in open(sys.argv[1])]
assert [d['doc']['id'] for d in ls]==['a','u','3'], ls
assert ls[1]['doc']['dct']=='2025-04-10' and ls[0]['doc']['dct'] is None, ls
assert ls[1]['doc']['bytes']==len('Caf\u00e9 owners in K\u0159\u00ed\u017e met \U0001F600 on Monday.'.encode()), ls[1]" "$tmp/jl.out"
head -n 1 "$tmp/jl.out" > "$tmp/jl1.json"
check "--jsonl output equals the output for the same text as a file" cmp -s "$tmp/jl1.json" "$tmp/out.json"
$NF --jsonl --dct 2025-01-02 < "$tmp/in.jsonl" > "$tmp/jlstdin.out"; rc=$?
check "--jsonl reads standard input" [ $rc = 0 -a "$(wc -l < "$tmp/jlstdin.out")" = 3 ]
check "--dct applies to lines without one" python3 -c "
import json,sys
ls=[json.loads(l) for l in open(sys.argv[1])]
assert [d['doc']['dct'] for d in ls]==['2025-01-02','2025-04-10','2025-01-02'], ls" "$tmp/jlstdin.out"

python3 -c "
import json
texts=['Rain fell on the harbour on %s.' % d for d in ('Monday','Tuesday','Friday')]
texts.append('A longer line. ' * 400)
with open('$tmp/many.jsonl','w') as f:
    for i in range(300):
        f.write(json.dumps({'id': 'd%d' % i, 'text': texts[i % 4]}) + chr(10))"
$NF --jsonl -j 1 "$tmp/many.jsonl" > "$tmp/many1.out"
$NF --jsonl -j 4 "$tmp/many.jsonl" "$tmp/in.jsonl" > "$tmp/many4.out"; rc=$?
check "--jsonl -j 4 exits 0" [ $rc = 0 ]
head -n 300 "$tmp/many4.out" > "$tmp/many4a.out"
check "--jsonl -j 4 keeps input order and equals -j 1" cmp -s "$tmp/many1.out" "$tmp/many4a.out"
check "--jsonl reads several files in turn" [ "$(wc -l < "$tmp/many4.out")" = 303 ]

printf '%s\n' '{"id":"ok1","text":"Fine."}' '{"id":"x" "text":"no comma"}' \
    '{"id":"nt"}' '{"id":"bd","text":"x","dct":"2025-02-30"}' '{"id":"ok2","text":"Fine too."}' \
    > "$tmp/bad.jsonl"
$NF --jsonl -j 2 "$tmp/bad.jsonl" > "$tmp/badjl.out" 2> "$tmp/badjl.err"; rc=$?
check "--jsonl with bad lines exits 1" [ $rc = 1 ]
check "--jsonl names the bad lines" sh -c "grep -q 'bad.jsonl:2:' '$tmp/badjl.err' && grep -q 'bad.jsonl:3:.*text' '$tmp/badjl.err' && grep -q 'bad.jsonl:4:.*dct' '$tmp/badjl.err'"
check "--jsonl still writes the good lines" [ "$(grep -c '"id":"ok' "$tmp/badjl.out")" = 2 ]
$NF --jsonl --out-dir "$tmp/out" "$tmp/in.jsonl" > /dev/null 2>&1; rc=$?
check "--jsonl with --out-dir is bad usage" [ $rc = 2 ]
$NF --jsonl --format html "$tmp/in.jsonl" > /dev/null 2>&1; rc=$?
check "--jsonl with --format html is bad usage" [ $rc = 2 ]
printf '{"id":"big","text":"%s"}\n' "$(python3 -c "print('The council met again on Monday. ' * 6000, end='')")" \
    > "$tmp/big.jsonl"
$NF --jsonl "$tmp/big.jsonl" > "$tmp/big.out"; rc=$?
check "--jsonl takes a 200 KB line" [ $rc = 0 ]
check "--jsonl keeps every byte of a long line" grep -q '"bytes":198000' "$tmp/big.out"

$NF --jsonl --progress "$tmp/many.jsonl" > /dev/null 2> "$tmp/prog.err"
check "--progress shows documents, MB and docs/s" grep -q '300 documents, [0-9.]* MB, [0-9]* docs/s' "$tmp/prog.err"
$NF --progress "$tmp/a.txt" "$tmp/b.txt" > /dev/null 2> "$tmp/prog2.err"
check "--progress counts files too" grep -q '2 documents' "$tmp/prog2.err"
$NF -j 2 "$tmp/a.txt" "$tmp/b.txt" > /dev/null 2> "$tmp/noprog.err"
check "no progress when standard error is not a terminal" [ ! -s "$tmp/noprog.err" ]
if command -v script > /dev/null 2>&1 && script -qc true /dev/null > /dev/null 2>&1; then
    # a run longer than the half second before the first progress line
    script -qc "(cat $tmp/many.jsonl; sleep 1; cat $tmp/in.jsonl) | $NF --jsonl > /dev/null" \
        /dev/null > "$tmp/tty.txt" 2>&1
    check "progress appears on a terminal" grep -q '303 documents' "$tmp/tty.txt"
    script -qc "$NF $tmp/a.txt > /dev/null" /dev/null > "$tmp/tty2.txt" 2>&1
    check "a quick run stays quiet on a terminal" [ ! -s "$tmp/tty2.txt" ]
fi

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
