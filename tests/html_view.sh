#!/bin/sh
# html_view.sh - renders an article's HTML view in headless Chromium, checks
# the DOM for highlighted spans and the side panel, and takes a screenshot.
# Skipped (with a message, counted as skipped) where no browser is installed.
B=${B:-build}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "html-view: no Chromium installed: browser test skipped"
    echo "html-view: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { name=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi; }

article=examples/data/sample-article.txt
printf 'Mayor Ana Ruiz said <script>document.title="pwned"</script> on Monday.\n' > "$tmp/hostile.txt"
$B/newsfacts --rules rules --format html "$article" > "$tmp/page.html"
$B/newsfacts --rules rules --format html "$tmp/hostile.txt" > "$tmp/hostile.html"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$tmp/profile"
timeout 60 "$browser" $flags --dump-dom "file://$tmp/page.html" > "$tmp/dom.html" 2>/dev/null
timeout 60 "$browser" $flags --dump-dom "file://$tmp/hostile.html" > "$tmp/hostile-dom.html" 2>/dev/null
check "the browser renders the page" grep -q '<article id="text">' "$tmp/dom.html"
check "the side panel is there" grep -q '<ul id="people">' "$tmp/dom.html"
check "the text is all there" grep -q 'ferry link' "$tmp/dom.html"
entities=$(grep -o 'class="ent [A-Z]*"' "$tmp/dom.html" | wc -l)
check "entities are highlighted ($entities)" [ "$entities" -gt 0 ]
check "a script in the text stays text" grep -q '&lt;script&gt;' "$tmp/hostile-dom.html"
check "a script in the text does not run" sh -c "! grep -q '<title>pwned' '$tmp/hostile-dom.html'"
# A real article from ../shared (CI has it): people, quotes tied to speakers, dates.
seed=${NF_SHARED:-../shared}/corpus/seeds/000_b770208cb639f5e0.txt
if [ -f "$seed" ]; then
    $B/newsfacts --rules rules --format html "$seed" > "$tmp/seed.html"
    timeout 60 "$browser" $flags --dump-dom "file://$tmp/seed.html" > "$tmp/seed-dom.html" 2>/dev/null
    persons=$(grep -o 'class="ent PERSON"' "$tmp/seed-dom.html" | wc -l)
    check "seed: people highlighted ($persons)" [ "$persons" -ge 3 ]
    check "seed: quotes tied to a speaker colour" grep -q 'class="quote" data-quote="q1" style="--c:#' "$tmp/seed-dom.html"
    check "seed: dates carry their value" grep -q 'class="date" title="DATE 2025-' "$tmp/seed-dom.html"
    check "seed: clutter is greyed" grep -q 'class="clutter"' "$tmp/seed-dom.html"
fi
timeout 60 "$browser" $flags --window-size=1280,900 --screenshot="$tmp/shot.png" "file://$tmp/page.html" >/dev/null 2>&1
check "a screenshot is taken" [ -s "$tmp/shot.png" ]
[ -n "$NF_SCREENSHOT" ] && cp "$tmp/shot.png" "$NF_SCREENSHOT"
echo "html-view: $pass passed, $fail failed"
[ $fail = 0 ]
