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

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
