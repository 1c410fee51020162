/* test_rules_engine.c - the rule engine: lexicons, token patterns, regex
 * rules, phases, conflicts, actions, settings. Texts are our own and use
 * words separated by spaces, so they do not depend on fine tokenizer rules. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "engine.h"
#include "rules.h"

static nf_rules *load(const char *yaml)
{
    nf_error err;
    nf_rules *r = nf_rules_load_buffer(yaml, strlen(yaml), "<test>", NULL, &err);
    if (!r) {
        char msg[600];
        nf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "load failed: %s\n", msg);
    }
    return r;
}

/* The rule engine alone over text (tokens and sentences first): what it
 * leaves in doc->anns and doc->attrs, before the later stages free the
 * attributes they no longer read. */
static nf_doc *run(const nf_rules *r, const char *text)
{
    nf_error err;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN | NF_EXTRACT_ALL_TEXT | NF_EXTRACT_NO_RULES;
    nf_workspace *ws = nf_workspace_new(r, &err);
    nf_doc *d = ws ? nfi_extract_unpublished(r, ws, text, strlen(text), &o, &err) : NULL;
    if (d && nfi_rules_run(r, ws, d, &err) != NF_OK) {
        nf_doc_free(d);
        d = NULL;
    }
    if (!d) fprintf(stderr, "extract failed: %s\n", err.message);
    nf_workspace_free(ws);
    return d;
}

/* "TYPE:text" of every live raw annotation of the given type (or all),
 * joined by '|'. */
static const char *anns(const nf_doc *d, const char *type, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; d && i < d->anns.len; i++) {
        const nfi_ann *a = &d->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        if (type && strcmp(nfi_ann_type(d, a), type) != 0) continue;
        nf_span sp = nfi_ann_span(d, a);
        int w = snprintf(buf + o, n - o, "%s%s:%.*s", o ? "|" : "", nfi_ann_type(d, a),
                         (int)(sp.end - sp.start), d->text + sp.start);
        if (w < 0 || (size_t)w >= n - o) break;
        o += (size_t)w;
    }
    return buf;
}

static const nfi_ann *first_ann(const nf_doc *d, const char *type)
{
    for (size_t i = 0; d && i < d->anns.len; i++)
        if (!(d->anns.items[i].flags & NFI_ANN_REMOVED) && strcmp(nfi_ann_type(d, &d->anns.items[i]), type) == 0)
            return &d->anns.items[i];
    return NULL;
}

/* Attribute value, or the text of a span attribute, into buf. */
static const char *attr(const nf_doc *d, const nfi_ann *a, const char *key, char *buf, size_t n)
{
    if (!a) return "(no annotation)";
    const nfi_attr *at = nfi_ann_attr(d, a, key);
    if (!at) return "(no attr)";
    if (at->value) return at->value;
    snprintf(buf, n, "%.*s", (int)(at->span.end - at->span.start), d->text + at->span.start);
    return buf;
}

NF_TEST(rules_lexicon_longest_multiword_with_attrs)
{
    nf_rules *r = load("schema: 1\n"
                       "lexicons:\n"
                       "  PLACE:\n"
                       "    entries:\n"
                       "      - \"port elwin\\tkind=town\"\n"
                       "      - {entry: port elwin harbour, kind: harbour}\n"
                       "      - elwin\n"
                       "rules:\n"
                       "  - name: place\n"
                       "    pattern: '(?<p>@PLACE)'\n"
                       "    emit: PLACE\n"
                       "    attrs: {kind: $p.kind, where: $p}\n");
    NF_CHECK(r != NULL);
    NF_CHECK(r && r->rules.items[0].prog->lex_only); /* matched without the VM */
    nf_doc *d = run(r, "we sailed from Port Elwin Harbour to port elwin and then Elwin");
    char buf[300], b2[64];
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf),
                    "PLACE:Port Elwin Harbour|PLACE:port elwin|PLACE:Elwin");
    const nfi_ann *a = first_ann(d, "PLACE");
    NF_CHECK_EQ_STR(attr(d, a, "kind", b2, sizeof b2), "harbour");
    NF_CHECK_EQ_STR(attr(d, a, "where", b2, sizeof b2), "Port Elwin Harbour");
    const nfi_lexicon *lex = nfi_rules_lexicon(r, "PLACE");
    NF_CHECK(lex != NULL);
    NF_CHECK(nfi_lexicon_has(lex, "ELWIN", 5));
    NF_CHECK(!nfi_lexicon_has(lex, "port", 4));
    NF_CHECK(nfi_rules_lexicon(r, "NOPE") == NULL);
    const void *e = NULL;
    NF_CHECK_EQ_INT(nfi_lexicon_match(lex, d, 3, &e), 3);
    NF_CHECK_EQ_STR(nfi_lexicon_entry_attr(lex, e, "kind"), "harbour");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_pattern_quantifiers_alternatives_captures)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: title_run\n"
                       "    pattern: '(?<who>[cap:title]{2,3}) (said|says|told)'\n"
                       "    emit: SAYS\n"
                       "    attrs: {who: $who, src: literal}\n"
                       "  - name: count\n"
                       "    pattern: '[re:\"[0-9]+\"] ([] )? (boats|ships)'\n"
                       "    emit: COUNT\n");
    NF_CHECK(r != NULL);
    char buf[300], b2[64];
    nf_doc *d = run(r, "then Mara Oskel Venn said that 12 red boats and 7 ships left");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf),
                    "SAYS:Mara Oskel Venn said|COUNT:12 red boats|COUNT:7 ships");
    const nfi_ann *a = first_ann(d, "SAYS");
    NF_CHECK_EQ_STR(attr(d, a, "who", b2, sizeof b2), "Mara Oskel Venn");
    NF_CHECK_EQ_STR(attr(d, a, "src", b2, sizeof b2), "literal");
    NF_CHECK_EQ_STR(a ? nfi_ann_rule_name(a) : "", "title_run");
    NF_CHECK(a && nfi_ann_type(d, a) == nfi_rules_type(r, "SAYS"));
    nf_doc_free(d);
    /* one capitalised word is too few for {2,3} */
    d = run(r, "then Mara said no");
    NF_CHECK_EQ_STR(anns(d, "SAYS", buf, sizeof buf), "");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_pattern_negation_and_text_vs_norm)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: exact\n"
                       "    pattern: '\"Apple\" [!cap:title & !kind:number]'\n"
                       "    emit: EXACT\n"
                       "  - name: folded\n"
                       "    pattern: 'banana [cap:allcaps | kind:number]'\n"
                       "    emit: FOLDED\n");
    NF_CHECK(r != NULL);
    char buf[300];
    nf_doc *d = run(r, "apple pie and Apple pie and Apple Pie then BANANA 42 and banana XL");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf),
                    "EXACT:Apple pie|FOLDED:BANANA 42|FOLDED:banana XL");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_regex_rule_snaps_and_captures)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: code\n"
                       "    regex: 'ZX-(?<num>[0-9]{3})'\n"
                       "    emit: CODE\n"
                       "    attrs: {num: $num}\n");
    NF_CHECK(r != NULL);
    char buf[300], b2[64];
    nf_doc *d = run(r, "the part ZX-204 and ZX-9 and ZX-777");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf), "CODE:ZX-204|CODE:ZX-777");
    NF_CHECK_EQ_STR(attr(d, first_ann(d, "CODE"), "num", b2, sizeof b2), "204");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* An anchored regex runs only where its anchor matches, anchored at the
 * token start: the same regex unanchored also finds the third number.
 * Where the anchor matches a token whose first byte no match of the regex
 * starts with ("eur" for "EUR"), the regex is not run (re_first). */
NF_TEST(rules_regex_anchor_limits_where_it_runs)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: price\n"
                       "    regex: '(?:EUR|USD) ?(?<n>[0-9]+)'\n"
                       "    anchor: '(eur|usd)'\n"
                       "    emit: PRICE\n"
                       "    attrs: {amount: $n}\n"
                       "  - name: any.price\n"
                       "    regex: '(?:EUR|USD) ?[0-9]+'\n"
                       "    overlap: true\n"
                       "    emit: ANYPRICE\n");
    NF_CHECK(r != NULL);
    const uint8_t *first = r ? r->rules.items[0].re_first : NULL;
    NF_CHECK(first && ((first['E' >> 3] >> ('E' & 7)) & 1) && !((first['e' >> 3] >> ('e' & 7)) & 1));
    char buf[300], b2[64];
    nf_doc *d = run(r, "It cost EUR 40, then USD 75, eur 12 and XEUR 9 in the end.");
    NF_CHECK_EQ_STR(anns(d, "PRICE", buf, sizeof buf), "PRICE:EUR 40|PRICE:USD 75");
    NF_CHECK_EQ_STR(attr(d, first_ann(d, "PRICE"), "amount", b2, sizeof b2), "40");
    NF_CHECK_EQ_STR(anns(d, "ANYPRICE", buf, sizeof buf),
                    "ANYPRICE:EUR 40|ANYPRICE:USD 75|ANYPRICE:XEUR 9");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* An anchored regex with a byte every match has (re_last, here the "w"
 * of "crew", in either case) is not run at a token whose sentence has no
 * such byte from there on: "7 men" is not tried, as the "crew" after it
 * is in the next sentence. */
NF_TEST(rules_anchored_regex_required_byte)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: crew\n"
                       "    regex: '[0-9]+ (?i:crew)'\n"
                       "    anchor: '[re:\"[0-9]+\"]'\n"
                       "    emit: CREW\n");
    NF_CHECK(r != NULL);
    NF_CHECK(r && (r->rules.items[0].re_last | 0x20) == 'w');
    char buf[300];
    nf_doc *d = run(r, "Then 12 CREW and 7 men left. The crew stayed, 3 crew said.");
    NF_CHECK_EQ_STR(anns(d, "CREW", buf, sizeof buf), "CREW:12 CREW|CREW:3 crew");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A pattern whose first token is one of several tests (no word to key it
 * by) is still found at each: the index files it under every test. */
NF_TEST(rules_first_token_tests_each_indexed)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: code\n"
                       "    pattern: '([re:\"[0-9]+\"] | [shape:XX] | gate) ok'\n"
                       "    emit: HIT\n");
    NF_CHECK(r != NULL);
    char buf[300];
    nf_doc *d = run(r, "We saw 12 ok and AB ok and gate ok but cd ok .");
    NF_CHECK_EQ_STR(anns(d, "HIT", buf, sizeof buf), "HIT:12 ok|HIT:AB ok|HIT:gate ok");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* One-word alternatives become one test over a word set (fewer
 * instructions than a SPLIT chain), mixed with other alternatives, inside
 * captures and repeats, and the matches stay those of the alternation. */
NF_TEST(rules_word_alternatives_one_test)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: words\n"
                       "    pattern: '(?<w>(alpha | beta | gamma | [re:\"[0-9]+\"] | delta epsilon)) ok'\n"
                       "    emit: HIT\n"
                       "    attrs: {w: $w}\n"
                       "  - name: repeat\n"
                       "    pattern: 'go (left | right | up){1,3} now'\n"
                       "    emit: WAY\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    uint32_t tests = 0;
    for (uint32_t pc = 0; p && pc < p->len; pc++) tests += p->code[pc].op == NFI_OP_TEST;
    NF_CHECK_EQ_INT(tests, 5); /* word set, digits, delta, epsilon, ok */
    char buf[300], b2[64];
    nf_doc *d = run(r, "alpha ok , Beta ok , 42 ok , delta epsilon ok , delta ok , zeta ok");
    NF_CHECK_EQ_STR(anns(d, "HIT", buf, sizeof buf),
                    "HIT:alpha ok|HIT:Beta ok|HIT:42 ok|HIT:delta epsilon ok");
    NF_CHECK_EQ_STR(attr(d, first_ann(d, "HIT"), "w", b2, sizeof b2), "alpha");
    nf_doc_free(d);
    d = run(r, "go left up right now and go down now");
    NF_CHECK_EQ_STR(anns(d, "WAY", buf, sizeof buf), "WAY:go left up right now");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* Exact-text alternatives merge too: the word set is only a necessary
 * condition for them, the case must still be the written one; and the rule
 * is skipped where none of the texts follows. */
NF_TEST(rules_text_alternatives_keep_case)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: says\n"
                       "    pattern: '[cap:upper]{1,2} (\"Says\" | \"Said\" | \"Warns\")'\n"
                       "    emit: CUE\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->req_n == 1);
    char buf[300];
    nf_doc *d = run(r, "Port Will Reopen , Mayor Says ; Mayor says no ; Chief SAID so ; Ann Lee Warns");
    NF_CHECK_EQ_STR(anns(d, "CUE", buf, sizeof buf), "CUE:Mayor Says|CUE:Ann Lee Warns");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A rule whose every match needs a word beyond its first token is skipped
 * where that word does not follow within the rule's reach, and still
 * matches where it does, many times in one sentence (the look-ahead keeps
 * state per rule as starts move on). */
NF_TEST(rules_required_word_ahead)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: body_of\n"
                       "    pattern: '[cap:title]{1,3} (ministry | office) of [cap:title]'\n"
                       "    emit: BODY\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->req_n >= 1);
    char buf[300];
    nf_doc *d = run(r, "Alpha Beta Gamma Delta said Office of Trade and Kel Ministry of Oil "
                       "met Vox Ministry Of Art and Lee Lan");
    NF_CHECK_EQ_STR(anns(d, "BODY", buf, sizeof buf),
                    "BODY:Kel Ministry of Oil|BODY:Vox Ministry Of Art");
    nf_doc_free(d);
    d = run(r, "Alpha Beta Gamma Delta Epsilon . Ministry of Oil");
    NF_CHECK_EQ_STR(anns(d, "BODY", buf, sizeof buf), "");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* The look-ahead tests a token's word id before the required tests: by
 * itself for words and nothing else, then the test for words with more to
 * it (a capital), and a one-token lexicon's bit for a lexicon test. Each
 * still finds its matches and skips where its word is missing or fails
 * the rest of the test. */
NF_TEST(rules_required_lookahead_prefilters)
{
    nf_rules *r = load("schema: 1\n"
                       "lexicons:\n"
                       "  HEAD:\n"
                       "    entries: [council, board]\n"
                       "rules:\n"
                       "  - name: body_of\n"
                       "    pattern: '[cap:title]{1,3} (ministry | office) of [cap:title]'\n"
                       "    emit: BODY\n"
                       "  - name: agency\n"
                       "    pattern: '[cap:title]{1,3} [(bureau | agency) & cap:title] [cap:title]'\n"
                       "    emit: AGENCY\n"
                       "  - name: council\n"
                       "    pattern: '[cap:title]{1,3} [@HEAD & cap:title] [cap:title]'\n"
                       "    emit: COUNCIL\n");
    NF_CHECK(r != NULL);
    const nfi_prog *b = r ? r->rules.items[0].prog : NULL, *a = r ? r->rules.items[1].prog : NULL;
    const nfi_prog *c = r ? r->rules.items[2].prog : NULL;
    NF_CHECK(b && b->req_n && b->req_nwords == 2 && b->req_words_exact);
    NF_CHECK(a && a->req_n && a->req_nwords == 2 && !a->req_words_exact);
    NF_CHECK(c && c->req_n && !c->req_nwords && c->req_lexmask);
    char buf[300];
    nf_doc *d = run(r, "Kel Ministry of Oil met Vox Bureau Zed , then Lee Lan Council Rex ; "
                       "Ann Bo bureau Zed and Ann Bo council Rex and Ann Bo office Sem");
    NF_CHECK_EQ_STR(anns(d, "BODY", buf, sizeof buf), "BODY:Kel Ministry of Oil");
    NF_CHECK_EQ_STR(anns(d, "AGENCY", buf, sizeof buf), "AGENCY:Vox Bureau Zed");
    NF_CHECK_EQ_STR(anns(d, "COUNCIL", buf, sizeof buf), "COUNCIL:Lee Lan Council Rex");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A number is rare enough to look ahead for: a rule of capitalised words
 * then a number is skipped where no number follows in the sentence. */
NF_TEST(rules_required_number_ahead)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: score\n"
                       "    pattern: '[cap:upper]{1,3} [kind:number]'\n"
                       "    emit: SCORE\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->req_n == 1);
    char buf[300];
    nf_doc *d = run(r, "Alpha Beta Gamma Delta went home . Eastham Rovers 2 and Kel 7");
    NF_CHECK_EQ_STR(anns(d, "SCORE", buf, sizeof buf), "SCORE:Eastham Rovers 2|SCORE:Kel 7");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A rule that is one test repeated ("[cap:upper]{2,3}") takes the longest
 * run at a start without the VM, within its bounds. */
NF_TEST(rules_token_run_longest)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: caps\n"
                       "    pattern: '(?<n>[cap:upper]{2,3})'\n"
                       "    emit: CAPS\n"
                       "    attrs: {n: $n}\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->run_min == 2 && p->run_max == 3);
    char buf[300], b2[64];
    nf_doc *d = run(r, "Alpha Beta Gamma Delta x Eps y Zeta Eta");
    NF_CHECK_EQ_STR(anns(d, "CAPS", buf, sizeof buf), "CAPS:Alpha Beta Gamma|CAPS:Zeta Eta");
    NF_CHECK_EQ_STR(attr(d, first_ann(d, "CAPS"), "n", b2, sizeof b2), "Alpha Beta Gamma");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A pattern with no capture, or one around all of it, runs as one set of
 * instructions per token instead of threads (nfi_prog.set_words): the
 * longest match through alternatives, a lexicon of several words, an
 * earlier phase's annotation and a test repeated by "{1,4}". A pattern
 * with two captures keeps the VM, whose order of threads decides them. */
NF_TEST(rules_sets_longest_match)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [places, orgs]\n"
                       "lexicons:\n"
                       "  PLACE: [port elwin, port elwin harbour]\n"
                       "  BODY: [board, board of trade]\n"
                       "rules:\n"
                       "  - name: place\n"
                       "    phase: places\n"
                       "    pattern: '@PLACE'\n"
                       "    emit: PLACE\n"
                       "  - name: org\n"
                       "    phase: orgs\n"
                       "    pattern: '(?<name>(<PLACE> | [cap:title]){1,4} (@BODY | council) (for [cap:title]{1,3})?)'\n"
                       "    emit: ORG\n"
                       "    attrs: {name: $name}\n"
                       "  - name: pair\n"
                       "    phase: places\n"
                       "    pattern: '(?<a>[cap:title]) (?<b>council)'\n"
                       "    emit: PAIR\n"
                       "    attrs: {a: $a, b: $b}\n");
    NF_CHECK(r != NULL);
    const nfi_prog *org = r ? r->rules.items[1].prog : NULL, *pair = r ? r->rules.items[2].prog : NULL;
    NF_CHECK(org && org->set_words == 1);
    NF_CHECK(pair && pair->set_words == 0);
    char buf[300], b2[64];
    nf_doc *d = run(r, "the Grand Port Elwin Harbour Board of Trade for Ports and Piers , "
                       "and North Council for Fish met");
    NF_CHECK_EQ_STR(anns(d, "ORG", buf, sizeof buf),
                    "ORG:Grand Port Elwin Harbour Board of Trade for Ports|ORG:North Council for Fish");
    NF_CHECK_EQ_STR(attr(d, first_ann(d, "ORG"), "name", b2, sizeof b2),
                    "Grand Port Elwin Harbour Board of Trade for Ports");
    NF_CHECK_EQ_STR(anns(d, "PAIR", buf, sizeof buf), "PAIR:North Council");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* Tests compile to bits and word ids where they can: a regex whose first
 * byte is a fixed capital needs a capitalised token, and an exact text
 * without letters is the word test of its form (words_only: nothing after
 * the word to check); a text with letters keeps its case check. */
NF_TEST(rules_tests_compile_to_bits_and_words)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: quarter\n"
                       "    pattern: '[re:\"Q[1-4]\"]'\n"
                       "    emit: QUARTER\n"
                       "  - name: amp\n"
                       "    pattern: '[cap:upper] \"&\" [cap:upper]'\n"
                       "    emit: AMP\n"
                       "  - name: says\n"
                       "    pattern: '\"Says\"'\n"
                       "    emit: SAYS\n");
    NF_CHECK(r != NULL);
    const nfi_prog *q = r ? r->rules.items[0].prog : NULL, *a = r ? r->rules.items[1].prog : NULL;
    const nfi_prog *w = r ? r->rules.items[2].prog : NULL;
    NF_CHECK(q && q->ct && (q->ct[q->code[q->first_pcs[0]].x].fmask & NFI_FEAT_CAP(NFI_CAP_UPPER)));
    bool amp_as_word = false;
    for (uint32_t pc = 0; a && a->ct && pc < a->len; pc++) {
        const nfi_ctest *c = a->code[pc].op == NFI_OP_TEST ? &a->ct[a->code[pc].x] : NULL;
        if (c && c->norm != NFI_NONE && !c->text) amp_as_word = c->words_only;
    }
    NF_CHECK(amp_as_word); /* and decided inline, by its word alone */
    NF_CHECK(w && w->ct && w->ct[w->code[w->first_pcs[0]].x].text != NULL);
    NF_CHECK(w && w->ct && !w->ct[w->code[w->first_pcs[0]].x].words_only);
    char buf[300];
    nf_doc *d = run(r, "Q3 q3 Q5 , AT & T and at & t , says Says SAYS");
    NF_CHECK_EQ_STR(anns(d, "QUARTER", buf, sizeof buf), "QUARTER:Q3");
    NF_CHECK_EQ_STR(anns(d, "AMP", buf, sizeof buf), "AMP:AT & T");
    NF_CHECK_EQ_STR(anns(d, "SAYS", buf, sizeof buf), "SAYS:Says");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A shape that begins with "X" needs an upper-case first letter, a
 * feature bit checked before the shape itself; with "!cap:upper" beside it
 * the test can never pass. A word set of more than 64 words keeps its
 * quick check (bits by id % 256) right for every word. */
NF_TEST(rules_shape_and_word_set_bits)
{
    char yaml[4096];
    int n = snprintf(yaml, sizeof yaml, "schema: 1\nrules:\n"
                                        "  - name: initial\n"
                                        "    pattern: '[shape:X.] [shape:Xxxx]'\n"
                                        "    emit: INITIAL\n"
                                        "  - name: never\n"
                                        "    pattern: '[shape:X. & !cap:upper]'\n"
                                        "    emit: NEVER\n"
                                        "  - name: many\n"
                                        "    pattern: '(");
    for (int i = 0; i < 100 && n > 0 && (size_t)n < sizeof yaml - 64; i++)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n, "%sw%d", i ? "|" : "", i);
    snprintf(yaml + n, sizeof yaml - (size_t)n, ")'\n    emit: MANY\n");
    nf_rules *r = load(yaml);
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL, *nv = r ? r->rules.items[1].prog : NULL;
    const nfi_ctest *c = p && p->ct ? &p->ct[p->code[p->first_pcs[0]].x] : NULL;
    NF_CHECK(c && (c->fwant & NFI_FEAT_CAP(NFI_CAP_UPPER)) && c->shape);
    NF_CHECK(nv && nv->ct && nv->ct[nv->code[nv->first_pcs[0]].x].never);
    char buf[300];
    nf_doc *d = run(r, "J. Berg and j. Berg and J. berg , w0 w63 w64 w99 w100 x7 ; É. Lind");
    NF_CHECK_EQ_STR(anns(d, "INITIAL", buf, sizeof buf), "INITIAL:J. Berg|INITIAL:É. Lind");
    NF_CHECK_EQ_STR(anns(d, "NEVER", buf, sizeof buf), "");
    NF_CHECK_EQ_STR(anns(d, "MANY", buf, sizeof buf), "MANY:w0|MANY:w63|MANY:w64|MANY:w99");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A rule that starts with a regex test and no feature bits is checked in
 * the token loop by the first bytes the regex can start with (from PCRE2:
 * both cases under (?i), any of a class) before its test runs. */
NF_TEST(rules_group_first_byte_check)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: saint\n"
                       "    pattern: '[re:\"(?i)valentine.*\"] day'\n"
                       "    emit: DAY\n"
                       "  - name: code\n"
                       "    pattern: '[re:\"[xz][0-9]+\"] code'\n"
                       "    emit: CODE\n");
    NF_CHECK(r != NULL);
    const nfi_phase *P = r && r->phases.len ? &r->phases.items[0] : NULL;
    bool all_first = P && P->ngroups > 0;
    for (uint32_t g = 0; P && g < P->ngroups; g++) all_first = all_first && P->grp_first[g];
    NF_CHECK(P && P->grp_any_first && all_first);
    char buf[300];
    nf_doc *d = run(r, "Valentine day , VALENTINES day , avalentine day , valentine night , "
                       "valentines day ; x12 code , z7 code , 12 code , y3 code , X3 code");
    NF_CHECK_EQ_STR(anns(d, "DAY", buf, sizeof buf),
                    "DAY:Valentine day|DAY:VALENTINES day|DAY:valentines day");
    NF_CHECK_EQ_STR(anns(d, "CODE", buf, sizeof buf), "CODE:x12 code|CODE:z7 code");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* "!re:X" is true at once for a token that lacks what every match of X
 * has (here a hyphen), and is still run on the tokens that have it; as
 * the test's one part after its bits, that check is made inline
 * (rest1_skip). What is left of it is kept per token class (memo_bit, one
 * for the equal tests of two rules): a text met again in the same context
 * gets the same answer without the regex, another text its own. */
NF_TEST(rules_negated_regex_skipped_by_features)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [one, two]\n"
                       "rules:\n"
                       "  - name: place\n"
                       "    phase: one\n"
                       "    pattern: '[cap:title & !re:\".*-\\p{Ll}+\"]'\n"
                       "    emit: PLACE\n"
                       "  - name: town\n"
                       "    phase: two\n"
                       "    pattern: 'in [cap:title & !re:\".*-\\p{Ll}+\"]'\n"
                       "    emit: TOWN\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL, *q = r ? r->rules.items[1].prog : NULL;
    const nfi_ctest *c = p && p->ct ? &p->ct[p->code[p->first_pcs[0]].x] : NULL;
    NF_CHECK(c && c->nrest == 1 && c->rest_skip[0] != 0);
    NF_CHECK(c && c->rest1_skip == c->rest_skip[0]);
    bool shared = false;
    for (uint32_t pc = 0; c && q && q->ct && pc < q->len; pc++)
        if (q->code[pc].op == NFI_OP_TEST && q->ct[q->code[pc].x].nrest == 1)
            shared = c->memo_bit != 0 && q->ct[q->code[pc].x].memo_bit == c->memo_bit;
    NF_CHECK(shared);
    char buf[300];
    nf_doc *d = run(r, "Paris-based Lyon , Rome-Ostia Nice-born Oslo , Paris-based Rome-Ostia "
                       "in Paris-based in Rome-Ostia");
    NF_CHECK_EQ_STR(anns(d, "PLACE", buf, sizeof buf),
                    "PLACE:Lyon|PLACE:Rome-Ostia|PLACE:Oslo|PLACE:Rome-Ostia|PLACE:Rome-Ostia");
    NF_CHECK_EQ_STR(anns(d, "TOWN", buf, sizeof buf), "TOWN:in Rome-Ostia");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* The look-ahead finds the tokens of its slots through a per-document
 * index of each slot's quick checks: words or a feature (a number) for one
 * slot, the feature alone for another (found at the start itself), the
 * start of a longer lexicon entry for a third; a slot whose
 * required step is an annotation is scanned instead. Each rule matches
 * where its required token follows within reach and not where only the
 * quick check passes ("new town") or the token is out of reach. */
NF_TEST(rules_required_index)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [first, second]\n"
                       "lexicons:\n"
                       "  CITY:\n"
                       "    entries: [new york, san jose]\n"
                       "rules:\n"
                       "  - name: scored\n"
                       "    phase: first\n"
                       "    pattern: '[cap:upper] []{0,2} (point | [kind:number])'\n"
                       "    emit: SCORED\n"
                       "  - name: num\n"
                       "    phase: first\n"
                       "    pattern: '[cap:upper]? [kind:number]'\n"
                       "    emit: NUM\n"
                       "    overlap: true\n"
                       "  - name: went\n"
                       "    phase: first\n"
                       "    pattern: '[cap:title] []{0,2} @CITY'\n"
                       "    emit: WENT\n"
                       "  - name: after\n"
                       "    phase: second\n"
                       "    pattern: 'zed []{0,2} <WENT>'\n"
                       "    emit: AFTER\n");
    NF_CHECK(r != NULL);
    for (size_t i = 0; r && i < r->rules.len; i++) {
        const nfi_prog *p = r->rules.items[i].prog;
        NF_CHECK(p && p->req_n >= 1);
        bool by_annotation = strcmp(r->rules.items[i].name, "after") == 0;
        NF_CHECK(p && r->req_indexed[p->req_slot] == !by_annotation);
    }
    /* a token that is no number skips the feature checks at once */
    NF_CHECK(r && r->reqc_feat_any == NFI_FEAT_KIND(NF_TOKEN_NUMBER));
    char buf[400];
    nf_doc *d = run(r, "Alpha b c point ; Beta 7 ; Gamma d e f 9 ; Omar b new york ; "
                       "Ruth c new town ; Sara san jose ; zed k Lou new york");
    NF_CHECK_EQ_STR(anns(d, "SCORED", buf, sizeof buf), "SCORED:Alpha b c point|SCORED:Beta 7");
    NF_CHECK_EQ_STR(anns(d, "NUM", buf, sizeof buf), "NUM:Beta 7|NUM:7|NUM:9"); /* "7", "9" at their start */
    NF_CHECK_EQ_STR(anns(d, "WENT", buf, sizeof buf),
                    "WENT:Omar b new york|WENT:Sara san jose|WENT:Lou new york");
    NF_CHECK_EQ_STR(anns(d, "AFTER", buf, sizeof buf), "AFTER:zed k Lou new york");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* Rules of a phase with the same required word share one look-ahead
 * state, though their reach differs: the short rule (tried first, as its
 * first token is a word) looks at three tokens and finds none, and the
 * long one must still see the word further on. */
NF_TEST(rules_required_word_ahead_shared)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: near\n"
                       "    pattern: 'alpha []{0,2} ministry'\n"
                       "    max_tokens: 3\n"
                       "    emit: NEAR\n"
                       "  - name: far\n"
                       "    pattern: '[cap:upper] []{0,6} ministry'\n"
                       "    max_tokens: 8\n"
                       "    emit: FAR\n"
                       "    overlap: true\n");
    NF_CHECK(r != NULL);
    const nfi_prog *a = r ? r->rules.items[0].prog : NULL, *b = r ? r->rules.items[1].prog : NULL;
    NF_CHECK(a && b && a->req_n == 1 && b->req_n == 1 && a->req_slot == b->req_slot);
    char buf[300];
    nf_doc *d = run(r, "Alpha b c d e f ministry ; Alpha x ministry");
    NF_CHECK_EQ_STR(anns(d, "FAR", buf, sizeof buf),
                    "FAR:Alpha b c d e f ministry|FAR:Alpha x ministry");
    NF_CHECK_EQ_STR(anns(d, "NEAR", buf, sizeof buf), "NEAR:Alpha x ministry");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A rule whose first test passes most tokens and whose required token is
 * indexed (and no prefilter word, which picks its starts already) is
 * tried only from the tokens of its slot's list, at the starts from which
 * a match reaches them: req_min to req_max tokens before (a multi-word
 * lexicon entry counts its longest, a loop leaves no bound, so max_tokens
 * bounds it; an annotation counts the longest of the document's), in the
 * same sentence unless the rule crosses sentences. Every match is still
 * found where it starts far from the required word ("Bob Cole ministry"),
 * at the bound itself ("Y Z W agency", "Ed left. Then told", the longest
 * NAME) and next to a start that cannot match ("The said"). */
NF_TEST(rules_tried_from_required_tokens)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [first, second]\n"
                       "lexicons:\n"
                       "  CITY:\n"
                       "    entries: [new york, san jose]\n"
                       "  SAY:\n"
                       "    entries: [said, told]\n"
                       "rules:\n"
                       "  - name: verb\n"
                       "    pattern: '[!the] [@SAY & cap:lower]'\n"
                       "    emit: VERB\n"
                       "    overlap: true\n"
                       "  - name: ministry\n"
                       "    pattern: '[cap:upper]{1,3} ministry'\n"
                       "    emit: MIN\n"
                       "    overlap: true\n"
                       "  - name: long\n"
                       "    pattern: '[cap:upper]+ agency'\n"
                       "    max_tokens: 4\n"
                       "    emit: LONG\n"
                       "    overlap: true\n"
                       "  - name: city\n"
                       "    pattern: '[] @CITY? said'\n"
                       "    emit: CITY\n"
                       "    overlap: true\n"
                       "  - name: across\n"
                       "    pattern: '[cap:upper] []{0,3} told'\n"
                       "    cross_sentences: true\n"
                       "    emit: ACROSS\n"
                       "    overlap: true\n"
                       "  - name: name\n"
                       "    pattern: '\"Mr\" [cap:upper]+'\n"
                       "    emit: NAME\n"
                       "  - name: named\n"
                       "    phase: second\n"
                       "    pattern: '[] <NAME>? [@SAY & cap:lower]'\n"
                       "    emit: NAMED\n");
    NF_CHECK(r != NULL);
    const nfi_phase *P = r ? &r->phases.items[0] : NULL, *Q = r ? &r->phases.items[1] : NULL;
    NF_CHECK(P && P->nhit == 5 && P->nany == 0 && Q && Q->nhit == 1);
    NF_CHECK(P && P->ngroups == 0); /* their groups had only them */
    /* per rule but "name": req_min, req_max, req_anns */
    static const uint32_t want[][3] = {{1, 1, 0}, {1, 3, 0}, {1, NFI_NONE, 0}, {1, 3, 0},
                                       {1, 4, 0}, {0, 0, 0}, {1, 2, 1}};
    for (size_t i = 0; r && i < r->rules.len; i++) {
        const nfi_prog *p = r->rules.items[i].prog;
        if (i == 5) continue;
        NF_CHECK(p && p->req_n == 1 && r->req_indexed[p->req_slot]);
        NF_CHECK(p && p->req_min == want[i][0] && p->req_max == want[i][1] &&
                 p->req_anns == want[i][2]);
    }
    char buf[400];
    nf_doc *d = run(r, "Ann said it. The said x. Bob Cole ministry, A B C D ministry. X Y Z W "
                       "agency, Q agency. Kim new york said. Lee said. Ed left. Then told. "
                       "So Mr Abe Lincoln Ford said , and Mr Ray told .");
    NF_CHECK_EQ_STR(anns(d, "VERB", buf, sizeof buf),
                    "VERB:Ann said|VERB:york said|VERB:Lee said|VERB:Then told|VERB:Ford said|"
                    "VERB:Ray told");
    NF_CHECK_EQ_STR(anns(d, "CITY", buf, sizeof buf),
                    "CITY:Ann said|CITY:The said|CITY:Kim new york said|CITY:york said|CITY:Lee said|"
                    "CITY:Ford said");
    NF_CHECK_EQ_STR(anns(d, "MIN", buf, sizeof buf),
                    "MIN:Bob Cole ministry|MIN:Cole ministry|MIN:B C D ministry|MIN:C D ministry|"
                    "MIN:D ministry");
    NF_CHECK_EQ_STR(anns(d, "LONG", buf, sizeof buf),
                    "LONG:Y Z W agency|LONG:Z W agency|LONG:W agency|LONG:Q agency");
    NF_CHECK_EQ_STR(anns(d, "ACROSS", buf, sizeof buf),
                    "ACROSS:Ed left. Then told|ACROSS:Then told|ACROSS:Mr Ray told|ACROSS:Ray told");
    NF_CHECK_EQ_STR(anns(d, "NAMED", buf, sizeof buf),
                    "NAMED:Ann said|NAMED:The said|NAMED:york said|NAMED:Lee said|NAMED:Then told|"
                    "NAMED:So Mr Abe Lincoln Ford said|NAMED:and Mr Ray told");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A start is ruled out by its first two tokens per first test: after
 * "the" a match must go on with "weekend" or a digit, while "sunday" is a
 * match by itself (so the check must not ask "sunday" for a next token). */
NF_TEST(rules_first_steps_per_first_test)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: when\n"
                       "    pattern: '(the (weekend | [re:\"[0-9]+\"]) | sunday [re:\"[0-9]+\"]?)'\n"
                       "    emit: WHEN\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->fs_check && p->nfirst == 2);
    for (uint32_t i = 0; p && i < p->nfirst; i++) {
        bool the = i == 0; /* the first alternative's test comes first */
        NF_CHECK(p->fs_ends[i] == !the);
        NF_CHECK_EQ_INT(p->fs_start[i + 1] - p->fs_start[i], the ? 2 : 1);
        /* "the" and "sunday" are word tests: compared by vocab id */
        NF_CHECK(p->first_gate[i].word != NFI_NONE && p->first_gate[i].word != NFI_NO_WORD);
    }
    /* after "the": the word "weekend" (an id) and a regex (not a word) */
    uint32_t words = 0;
    for (uint32_t k = p ? p->fs_start[0] : 0; p && k < p->fs_start[1]; k++)
        words += p->fs_gate[k].word != NFI_NONE;
    NF_CHECK_EQ_INT(words, 1);
    char buf[300];
    nf_doc *d = run(r, "the park , the weekend , the 5 , Sunday , sunday 3 , the");
    NF_CHECK_EQ_STR(anns(d, "WHEN", buf, sizeof buf),
                    "WHEN:the weekend|WHEN:the 5|WHEN:Sunday|WHEN:sunday 3");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A rule whose first steps all have a word, a feature bit or a first byte
 * gets the bits of first_steps_ok (nfi_steps_gate), which rule out "the"
 * before a token none of its next steps can take; a lexicon among them
 * leaves the rule without. From the second "the" on, its class's list
 * holds both rules last, skipped together where the next token can let
 * neither match (next_gated_last). */
NF_TEST(rules_steps_gate_of_first_steps)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: when\n"
                       "    pattern: '(early | [re:\"[^-]+-.+\"] | the (early | [re:\"[^-]+-.+\"] |"
                       " [re:\"x[0-9]+\"]))'\n"
                       "    emit: WHEN\n"
                       "  - name: weekend\n"
                       "    pattern: 'the weekend'\n"
                       "    emit: WEEKEND\n");
    NF_CHECK(r != NULL);
    const nfi_steps_gate *sg = r ? r->gates[0].steps : NULL;
    NF_CHECK(sg != NULL);
    if (sg) {
        NF_CHECK(sg->start.feat_any == NFI_FEAT_HYPHEN && !sg->start.any_bytes);
        NF_CHECK(sg->next.feat_any == NFI_FEAT_HYPHEN && sg->next.any_bytes);
        NF_CHECK((sg->next.bytes['x' >> 6] >> ('x' & 63)) & 1);
    }
    char buf[300];
    nf_doc *d = run(r, "the park , the early bird , the mid-day , the x90 , well-known , the "
                       "weekend , the");
    NF_CHECK_EQ_STR(anns(d, "WHEN", buf, sizeof buf),
                    "WHEN:the early|WHEN:the mid-day|WHEN:the x90|WHEN:well-known");
    NF_CHECK_EQ_STR(anns(d, "WEEKEND", buf, sizeof buf), "WEEKEND:the weekend");
    nf_doc_free(d);
    nf_rules_free(r);
    r = load("schema: 1\n"
             "lexicons:\n"
             "  THINGS:\n"
             "    entries: [park]\n"
             "rules:\n"
             "  - name: when\n"
             "    pattern: 'the (early | @THINGS)'\n"
             "    emit: WHEN\n");
    NF_CHECK(r != NULL && r->gates[0].steps == NULL);
    nf_rules_free(r);
}

/* A one-token rule with more first tests than the index keys (17 tests
 * that name no word) is tried at every token, where its first step is
 * checked as any rule's: it crashed when one-token rules had no fs_*. */
NF_TEST(rules_one_token_rule_tried_at_every_token)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: many\n"
                       "    pattern: '([re:\"a1\"] | [re:\"a2\"] | [re:\"a3\"] | [re:\"a4\"] |"
                       " [re:\"a5\"] | [re:\"a6\"] | [re:\"a7\"] | [re:\"a8\"] | [re:\"a9\"] |"
                       " [re:\"b1\"] | [re:\"b2\"] | [re:\"b3\"] | [re:\"b4\"] | [re:\"b5\"] |"
                       " [re:\"b6\"] | [re:\"b7\"] | [re:\"b8\"])'\n"
                       "    emit: MANY\n");
    NF_CHECK(r != NULL);
    const nfi_prog *p = r ? r->rules.items[0].prog : NULL;
    NF_CHECK(p && p->one_token && p->any_first && p->fs_ends);
    char buf[200];
    nf_doc *d = run(r, "a1 then a10 and b8 , not c1");
    NF_CHECK_EQ_STR(anns(d, "MANY", buf, sizeof buf), "MANY:a1|MANY:b8");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A lexicon is tried at a token only where one of its entries can match:
 * a one-token entry is there, or a longer entry's second word follows
 * ("the" begins "the hague" but not "the city"). The pruning must keep
 * every match: entries of one, two and three words, one word that is both
 * an entry and the start of longer ones, a start on the last token, and a
 * lexicon behind a capture and before another word (the VM, not the
 * one-lexicon scan). */
NF_TEST(rules_lexicon_tried_where_an_entry_can_match)
{
    nf_rules *r = load("schema: 1\n"
                       "lexicons:\n"
                       "  PLACE:\n"
                       "    entries: [the hague, port elwin harbour, elwin, new elwin, new]\n"
                       "rules:\n"
                       "  - name: place\n"
                       "    pattern: '@PLACE'\n"
                       "    overlap: true\n"
                       "    emit: PLACE\n"
                       "  - name: place_port\n"
                       "    pattern: '(?<p>@PLACE) port'\n"
                       "    overlap: true\n"
                       "    emit: PORT\n");
    NF_CHECK(r != NULL);
    /* the first two words of each longer entry have their bit in lex_pairs */
    static const char *pairs[][2] = {{"the", "hague"}, {"port", "elwin"}, {"new", "elwin"}};
    for (size_t i = 0; r && i < 3; i++) {
        uint32_t a = nfi_strtab_find(&r->vocab, pairs[i][0], strlen(pairs[i][0]));
        uint32_t b = nfi_strtab_find(&r->vocab, pairs[i][1], strlen(pairs[i][1]));
        uint32_t bit = nfi_lex_pair_bit(a, b) & r->lex_pair_mask;
        NF_CHECK(a != NFI_NONE && b != NFI_NONE && ((r->lex_pairs[bit >> 6] >> (bit & 63)) & 1));
    }
    char buf[400];
    nf_doc *d = run(r, "the city and the Hague , port elwin , Port Elwin Harbour port , "
                       "new elwin port , New , Elwin port , the");
    NF_CHECK_EQ_STR(anns(d, "PLACE", buf, sizeof buf),
                    "PLACE:the Hague|PLACE:elwin|PLACE:Port Elwin Harbour|PLACE:Elwin|"
                    "PLACE:new elwin|PLACE:elwin|PLACE:New|PLACE:Elwin");
    NF_CHECK_EQ_STR(anns(d, "PORT", buf, sizeof buf),
                    "PORT:Port Elwin Harbour port|PORT:new elwin port|PORT:elwin port|"
                    "PORT:Elwin port");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A regex rule's anchor only decides where the regex runs, so its VM stops
 * at the first end it finds (here right after "ago", not at the end of the
 * reach); what it leaves must not leak into the next start or into the
 * next rule's matching (a token rule of the same phase after it). */
NF_TEST(rules_anchor_stops_at_first_end)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: ago\n"
                       "    regex: '[0-9]+ (?:days|weeks) ago'\n"
                       "    anchor: '[re:\"[0-9]+\"] []{0,6} ago'\n"
                       "    emit: AGO\n"
                       "  - name: weeks\n"
                       "    pattern: '[re:\"[0-9]+\"] weeks []{0,6} end'\n"
                       "    overlap: true\n"
                       "    emit: WEEKS\n");
    NF_CHECK(r != NULL);
    char buf[300];
    const char *text = "3 days ago , 4 weeks ago ago , 5 weeks later , 6 days ago ago ago , 7 weeks "
                       "and then the end";
    nf_doc *d = run(r, text);
    NF_CHECK_EQ_STR(anns(d, "AGO", buf, sizeof buf),
                    "AGO:3 days ago|AGO:4 weeks ago|AGO:6 days ago");
    NF_CHECK_EQ_STR(anns(d, "WEEKS", buf, sizeof buf), "WEEKS:7 weeks and then the end");
    nf_doc_free(d);
    /* the matcher's buckets are empty after a stop at a first end (here
     * the document's last start, with the reach beyond it unwalked) */
    text = "9 weeks then 6 days ago ago ago and more";
    nf_error err;
    nf_workspace *ws = r ? nf_workspace_new(r, &err) : NULL;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN | NF_EXTRACT_ALL_TEXT | NF_EXTRACT_NO_RULES;
    d = ws ? nfi_extract_unpublished(r, ws, text, strlen(text), &o, &err) : NULL;
    NF_CHECK(d && nfi_rules_run(r, ws, d, &err) == NF_OK);
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf), "AGO:6 days ago");
    NF_CHECK(ws && nfi_ws_pending_threads(ws->engine) == 0);
    nf_doc_free(d);
    nf_workspace_free(ws);
    nf_rules_free(r);
}

/* Rules holding the catastrophic regex '(a+)+[bc]' (rule 'evil'), with an
 * optional anchor line, loaded under a low match limit. */
static nf_rules *load_evil(const char *anchor_line)
{
    nf_load_options lo;
    nf_load_options_init(&lo);
    lo.regex_match_limit = 1000;
    char yaml[256];
    snprintf(yaml, sizeof yaml,
             "schema: 1\nrules:\n  - name: evil\n    regex: '(a+)+[bc]'\n%s    emit: EVIL\n",
             anchor_line);
    nf_error err;
    return nf_rules_load_buffer(yaml, strlen(yaml), "<t>", &lo, &err);
}

/* Runs r over `times` runs of 60 'a' then "d ", and returns the number of
 * warnings; *named tells whether the first one names rule 'evil'. */
static long evil_warnings(const nf_rules *r, int times, bool *named)
{
    char text[800];
    size_t n = 0;
    for (int k = 0; k < times && n + 62 < sizeof text; k++) {
        memset(text + n, 'a', 60);
        n += 60;
        text[n++] = 'd';
        text[n++] = ' ';
    }
    text[n] = '\0';
    nf_doc *d = run(r, text);
    long count = d ? (long)nf_doc_count(d, NF_KIND_WARNING) : -1;
    const char *w = d && count > 0 ? nf_doc_warning(d, 0) : NULL;
    *named = w && strstr(w, "evil") != NULL;
    nf_doc_free(d);
    return count;
}

/* An anchored regex that hits the match limit warns and stops for the
 * document, without trying again at every later anchor. */
NF_TEST(rules_anchored_regex_limit_warns_once)
{
    nf_rules *r = load_evil("    anchor: '[]'\n");
    NF_CHECK(r != NULL);
    bool named = false;
    NF_CHECK_EQ_INT(evil_warnings(r, 10, &named), 1);
    NF_CHECK(named);
    nf_rules_free(r);
}

NF_TEST(rules_regex_limit_warns_not_hangs)
{
    nf_rules *r = load_evil("");
    NF_CHECK(r != NULL);
    bool named = false;
    NF_CHECK(evil_warnings(r, 1, &named) >= 1);
    NF_CHECK(named);
    nf_rules_free(r);
}

/* Three phases over a month lexicon: a date pattern reads the months, a
 * later phase removes or retags them. */
#define PHASES_RULES_YAML \
    "schema: 1\n" \
    "phases: [words, dates, fix]\n" \
    "lexicons:\n" \
    "  MONTH: [\"januor\\tmonth=1\", \"mayo\\tmonth=5\"]\n" \
    "rules:\n" \
    "  - name: month\n" \
    "    phase: words\n" \
    "    pattern: '(?<m>@MONTH)'\n" \
    "    emit: MONTH\n" \
    "    attrs: {month: $m.month}\n" \
    "  - name: dm\n" \
    "    phase: dates\n" \
    "    pattern: '(?<d>[re:\"[0-9]{1,2}\"]) (?<m><MONTH>)'\n" \
    "    emit: DATE\n" \
    "    attrs: {day: $d, month: $m.month}\n" \
    "  - name: mayo_name\n" \
    "    phase: fix\n" \
    "    pattern: '<MONTH> [cap:title]'\n" \
    "    remove: [MONTH]\n" \
    "  - name: januor_ship\n" \
    "    phase: fix\n" \
    "    pattern: 'the <MONTH>'\n" \
    "    retag: {MONTH: SHIP}\n"

NF_TEST(rules_phases_see_earlier_annotations_remove_retag)
{
    nf_rules *r = load(PHASES_RULES_YAML);
    NF_CHECK(r != NULL);
    char buf[300], b2[64];
    nf_doc *d = run(r, "on 4 Januor we met Mayo Quint on the Januor");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf), "DATE:4 Januor|MONTH:Januor|SHIP:Januor");
    const nfi_ann *a = first_ann(d, "DATE");
    NF_CHECK_EQ_STR(attr(d, a, "month", b2, sizeof b2), "1");
    NF_CHECK_EQ_STR(attr(d, a, "day", b2, sizeof b2), "4");
    NF_CHECK_EQ_STR(a ? nfi_ann_phase_name(r, a) : "", "dates");
    NF_CHECK(nfi_rules_type(r, "SHIP") != NULL);
    NF_CHECK(nfi_rules_type(r, "NOSUCH") == NULL);
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_conflicts_priority_longest_earliest)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: short_hi\n"
                       "    pattern: 'blue heron'\n"
                       "    emit: HI\n"
                       "    priority: 5\n"
                       "  - name: long_lo\n"
                       "    pattern: 'big blue heron'\n"
                       "    emit: LONG\n"
                       "  - name: first\n"
                       "    pattern: 'red kite'\n"
                       "    emit: FIRST\n"
                       "  - name: second\n"
                       "    pattern: 'red kite'\n"
                       "    emit: SECOND\n"
                       "  - name: longer\n"
                       "    pattern: 'red kite nest'\n"
                       "    emit: NEST\n"
                       "  - name: both\n"
                       "    pattern: 'kite'\n"
                       "    emit: KITE\n"
                       "    overlap: true\n");
    NF_CHECK(r != NULL);
    char buf[300];
    nf_doc *d = run(r, "a big blue heron and a red kite and a red kite nest");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf),
                    "HI:blue heron|FIRST:red kite|KITE:kite|NEST:red kite nest|KITE:kite");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_sentence_boundary_not_crossed)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: pair\n"
                       "    pattern: 'alpha beta'\n"
                       "    emit: PAIR\n"
                       "  - name: pair_x\n"
                       "    pattern: 'gamma delta'\n"
                       "    emit: PAIRX\n"
                       "    cross_sentences: true\n");
    NF_CHECK(r != NULL);
    char buf[300];
    nf_doc *d = run(r, "We said alpha.\n\nBeta came. Then gamma.\n\nDelta went.");
    NF_CHECK(d && d->sentences.len >= 2);
    NF_CHECK_EQ_STR(anns(d, "PAIR", buf, sizeof buf), "");
    nf_doc_free(d);
    d = run(r, "alpha beta here");
    NF_CHECK_EQ_STR(anns(d, "PAIR", buf, sizeof buf), "PAIR:alpha beta");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_settings_scalars_and_lists)
{
    nf_rules *r = load("schema: 1\n"
                       "settings:\n"
                       "  weight: 2.5\n"
                       "  words: [one, two]\n"
                       "  name: hello\n");
    NF_CHECK(r != NULL);
    NF_CHECK(nfi_rules_number(r, "weight", 0) > 2.49 && nfi_rules_number(r, "weight", 0) < 2.51);
    NF_CHECK(nfi_rules_number(r, "name", 7) == 7);
    NF_CHECK(nfi_rules_number(r, "absent", -1) == -1);
    const nfi_setting *s = nfi_rules_setting(r, "words");
    NF_CHECK_EQ_INT(nfi_setting_count(s), 2);
    NF_CHECK_EQ_STR(nfi_setting_item(s, 1), "two");
    NF_CHECK_EQ_STR(nfi_setting_str(nfi_rules_setting(r, "name")), "hello");
    NF_CHECK(nfi_rules_setting(r, "absent") == NULL);
    nf_rules_free(r);
}

NF_TEST(rules_index_many_rules_same_result)
{
    /* 300 rules on distinct first words plus one "any" rule: only the
     * right ones fire, in load order on ties. */
    size_t cap = 300 * 120 + 400;
    char *y = malloc(cap);
    NF_CHECK(y != NULL);
    if (!y) return;
    size_t o = (size_t)snprintf(y, cap, "schema: 1\nrules:\n");
    for (int i = 0; i < 300; i++)
        o += (size_t)snprintf(y + o, cap - o,
                              "  - name: r%d\n    pattern: 'w%d [kind:number]'\n    emit: W\n", i, i);
    snprintf(y + o, cap - o, "  - name: anyr\n    pattern: '[cap:allcaps] zed'\n    emit: ANY\n");
    nf_rules *r = load(y);
    free(y);
    NF_CHECK(r != NULL);
    NF_CHECK_EQ_INT(nf_rules_count(r), 301);
    char buf[300];
    nf_doc *d = run(r, "w7 12 and w299 3 and w300 4 and QQ zed");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf), "W:w7 12|W:w299 3|ANY:QQ zed");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_big_lexicon_loads_and_matches)
{
    size_t n = 100000, cap = n * 24 + 200;
    char *y = malloc(cap);
    NF_CHECK(y != NULL);
    if (!y) return;
    size_t o = (size_t)snprintf(y, cap, "schema: 1\nlexicons:\n  BIG:\n    entries:\n");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(y + o, cap - o, "      - qa%zu qb%zu\n", i, i % 97);
    snprintf(y + o, cap - o, "rules:\n  - name: big\n    pattern: '@BIG'\n    emit: BIG\n");
    nf_rules *r = load(y);
    free(y);
    NF_CHECK(r != NULL);
    char buf[200];
    nf_doc *d = run(r, "x qa99999 qb89 y qa5 qb6 z qa12345 qb26");
    NF_CHECK_EQ_STR(anns(d, NULL, buf, sizeof buf), "BIG:qa99999 qb89|BIG:qa12345 qb26");
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(rules_shared_handle_is_const_across_workspaces)
{
    nf_rules *r = load("schema: 1\nrules:\n  - name: a\n    pattern: 'oak tree'\n    emit: T\n");
    NF_CHECK(r != NULL);
    nf_error err;
    nf_workspace *w1 = nf_workspace_new(r, &err), *w2 = nf_workspace_new(r, &err);
    NF_CHECK(w1 && w2);
    const char *t1 = "an oak tree", *t2 = "no trees but an oak tree and oak tree";
    nf_doc *d1 = nfi_extract_unpublished(r, w1, t1, strlen(t1), NULL, &err);
    nf_doc *d2 = nfi_extract_unpublished(r, w2, t2, strlen(t2), NULL, &err);
    nf_doc *d3 = nfi_extract_unpublished(r, w1, t2, strlen(t2), NULL, &err);
    char b1[100], b2[100], b3[100];
    NF_CHECK_EQ_STR(anns(d1, NULL, b1, sizeof b1), "T:oak tree");
    NF_CHECK_EQ_STR(anns(d2, NULL, b2, sizeof b2), "T:oak tree|T:oak tree");
    NF_CHECK_EQ_STR(anns(d3, NULL, b3, sizeof b3), b2);
    nf_doc_free(d1);
    nf_doc_free(d2);
    nf_doc_free(d3);
    nf_workspace_free(w1);
    nf_workspace_free(w2);
    nf_rules_free(r);
}

NF_TEST(rules_max_results_limit)
{
    nf_rules *r = load("schema: 1\nrules:\n  - name: every\n    pattern: 'la'\n    emit: LA\n");
    NF_CHECK(r != NULL);
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.max_results = 2;
    nf_error err;
    const char *t = "la la la la";
    nf_doc *d = nf_extract(r, NULL, t, strlen(t), &o, &err);
    NF_CHECK(d == NULL);
    NF_CHECK_EQ_INT(err.code, NF_ERR_LIMIT);
    NF_CHECK(strstr(err.message, "every") != NULL);
    nf_doc_free(d);
    nf_rules_free(r);
}

/* A workspace for r (which must have loaded); NULL, with r freed, when
 * either failed. */
static nf_workspace *workspace_for(nf_rules *r)
{
    NF_CHECK(r != NULL);
    nf_error err;
    nf_workspace *ws = r ? nf_workspace_new(r, &err) : NULL;
    NF_CHECK(ws != NULL);
    if (!ws) nf_rules_free(r);
    return ws;
}

/* The rule engine over text with a workspace the caller keeps. */
static nf_doc *run_in(const nf_rules *r, nf_workspace *ws, const char *text)
{
    nf_error err;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN | NF_EXTRACT_ALL_TEXT | NF_EXTRACT_NO_RULES;
    nf_doc *d = nfi_extract_unpublished(r, ws, text, strlen(text), &o, &err);
    if (d && nfi_rules_run(r, ws, d, &err) != NF_OK) {
        nf_doc_free(d);
        d = NULL;
    }
    return d;
}

/* A phase tests its groups' first tests once per token class (a text in a
 * context), and the workspace keeps the classes for later documents: the
 * same text at a sentence start and inside a sentence are two classes; a
 * second phase has its own answers; a short document keeps the classes of
 * those before while there is room for its tokens, past half the bound; a
 * document with more distinct tokens than the workspace keeps classes for
 * is still right past the bound, and the next document starts the classes
 * afresh. */
NF_TEST(rules_token_classes)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [first, second]\n"
                       "rules:\n"
                       "  - name: opener\n"
                       "    phase: first\n"
                       "    pattern: '[flag:sent_start & cap:title]'\n"
                       "    emit: OPEN\n"
                       "  - name: loud\n"
                       "    phase: second\n"
                       "    pattern: '[re:\"[A-Z]{2,}\" & !flag:sent_start]'\n"
                       "    emit: LOUD\n");
    nf_workspace *ws = workspace_for(r);
    if (!ws) return;
    char buf[300];
    const char *small = "Go home now . We Go NOW . NOW we go .";
    for (int round = 0; round < 2; round++) {
        nf_doc *d = run_in(r, ws, small);
        NF_CHECK_EQ_STR(anns(d, "OPEN", buf, sizeof buf), "OPEN:Go|OPEN:We");
        NF_CHECK_EQ_STR(anns(d, "LOUD", buf, sizeof buf), "LOUD:NOW");
        nf_doc_free(d);
    }
    size_t kept = nfi_ws_nclasses(ws->engine);
    NF_CHECK(kept >= 10 && kept <= 12); /* the same document again adds none */
    nfi_buf mid = {0}; /* more classes than half the bound: kept for a short document */
    for (int i = 0; i < 9000; i++) nfi_buf_printf(&mid, "m%d ", i);
    nf_doc *md = mid.data ? run_in(r, ws, mid.data) : NULL;
    NF_CHECK(md != NULL);
    nf_doc_free(md);
    nfi_buf_free(&mid);
    size_t with_mid = nfi_ws_nclasses(ws->engine);
    NF_CHECK(with_mid >= kept + 9000);
    md = run_in(r, ws, small);
    NF_CHECK_EQ_STR(anns(md, "OPEN", buf, sizeof buf), "OPEN:Go|OPEN:We");
    NF_CHECK(nfi_ws_nclasses(ws->engine) == with_mid);
    nf_doc_free(md);
    nfi_buf big = {0};
    for (int i = 0; i < 40000; i++) nfi_buf_printf(&big, "w%d ", i);
    nfi_buf_puts(&big, ". Go on , OK ?");
    nf_doc *d = big.data ? run_in(r, ws, big.data) : NULL;
    NF_CHECK(d != NULL);
    NF_CHECK_EQ_STR(anns(d, "OPEN", buf, sizeof buf), "OPEN:Go");
    NF_CHECK_EQ_STR(anns(d, "LOUD", buf, sizeof buf), "LOUD:OK");
    NF_CHECK(nfi_ws_nclasses(ws->engine) < 40000);
    nf_doc_free(d);
    nfi_buf_free(&big);
    d = run_in(r, ws, small);
    NF_CHECK_EQ_STR(anns(d, "OPEN", buf, sizeof buf), "OPEN:Go|OPEN:We");
    NF_CHECK(nfi_ws_nclasses(ws->engine) == kept);
    nf_doc_free(d);
    nf_workspace_free(ws);
    nf_rules_free(r);
}

/* Runs text twice in ws (the second time every class has its list) and
 * checks that the annotations of type are want both times. */
static void check_twice(const nf_rules *r, nf_workspace *ws, const char *text, const char *type,
                        const char *want)
{
    char buf[400];
    for (int round = 0; round < 2; round++) {
        nf_doc *d = run_in(r, ws, text);
        NF_CHECK_EQ_STR(anns(d, type, buf, sizeof buf), want);
        nf_doc_free(d);
    }
}

/* The tokens a rule's required word is looked for at are listed once a
 * window by each token's class (kept from the class's first token on):
 * every "ago" here, the first of its class or a later one, in a window
 * that made the class or in a later one, is where a match ends. */
NF_TEST(rules_required_tokens_by_class)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [p]\n"
                       "rules:\n"
                       "  - name: ago\n"
                       "    phase: p\n"
                       "    pattern: '[cap:title] [cap:lower]{0,3} \"ago\"'\n"
                       "    emit: AGO\n");
    nf_workspace *ws = workspace_for(r);
    if (!ws) return;
    check_twice(r, ws, "then Anna came here ago and Bob left us ago, Carl went ago; Dan ago.",
                "AGO", "AGO:Anna came here ago|AGO:Bob left us ago|AGO:Carl went ago|AGO:Dan ago");
    nf_workspace_free(ws);
    nf_rules_free(r);
}

/* Checks the annotations of type in text run with r against want, then
 * frees r. */
static void check_and_free(nf_rules *r, const char *text, const char *type, const char *want)
{
    char buf[300];
    nf_doc *d = run(r, text);
    NF_CHECK_EQ_STR(anns(d, type, buf, sizeof buf), want);
    nf_doc_free(d);
    nf_rules_free(r);
}

/* How many hit rules (nfi_phase.hit_rules) the first phase of r has; 0
 * when r is NULL. */
static uint32_t first_phase_hit_rules(const nf_rules *r)
{
    return r ? r->phases.items[0].nhit : 0;
}

/* A rule tried from its required tokens whose required instruction is a
 * one-token test and whose next instructions each have a word or a
 * feature bit gets what the token after a required one needs
 * (nfi_rule_gate.req_next): "Bank" before "Ghana" is tried at no start,
 * the others match as before. A match that can end at its required token
 * leaves the rule without. */
NF_TEST(rules_required_next_gate)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: head_of\n"
                       "    pattern: '[cap:upper]{0,2} [cap:title & (ministry | bank)]"
                       " (of | for) [cap:upper]'\n"
                       "    emit: HEAD\n"
                       "  - name: ministry\n"
                       "    pattern: '[cap:upper]{1,3} ministry'\n"
                       "    emit: MIN\n");
    NF_CHECK(first_phase_hit_rules(r) == 2);
    NF_CHECK(r && r->gates[0].req_next != NULL && r->gates[1].req_next == NULL);
    check_and_free(r,
                   "The Bank of Ghana , Ministry for Fisheries , Bank Ghana , "
                   "Central Bank of Lagos said , Bank of",
                   "HEAD",
                   "HEAD:The Bank of Ghana|HEAD:Ministry for Fisheries|HEAD:Central Bank of Lagos");
}

/* The gate of a rule whose required instruction is a lexicon step (as
 * "@titles{1,4}" in ent.person.title): the token after a required one
 * takes a next instruction, starts an entry of a next lexicon step
 * ("deputy" before "president"), or is the second word of the required
 * entry ("prime minister"); "president said" is tried at no start. */
NF_TEST(rules_required_lexicon_next_gate)
{
    nf_rules *r = load("schema: 1\n"
                       "lexicons:\n"
                       "  TITLE:\n"
                       "    entries: [president, prime minister, deputy]\n"
                       "rules:\n"
                       "  - name: titled\n"
                       "    pattern: '[cap:lower]? @TITLE{1,2} [cap:upper]'\n"
                       "    emit: TITLED\n");
    NF_CHECK(first_phase_hit_rules(r) == 1);
    NF_CHECK(r && r->gates[0].req_next != NULL && r->gates[0].req_next->req_lexes &&
             r->gates[0].req_next->next_lexes);
    check_and_free(r,
                   "the president said , prime minister Bob , new deputy president Carl , "
                   "president Anna , president",
                   "TITLED",
                   "TITLED:prime minister Bob|TITLED:new deputy president Carl|"
                   "TITLED:president Anna");
}

/* A phase keeps, per token class, the list of rules its tokens are tried
 * with (made at the class's second token, used from its third on), and
 * looks at each token at what the class cannot tell: the next token of a
 * longer lexicon entry ("port" begins "port elwin" but is no entry), the
 * word a group member wants further on, the annotations at the token,
 * and lexicons and groups past the 32 a list covers. Each class here has
 * tokens in contexts that differ after its list is made. */
NF_TEST(rules_class_candidate_lists)
{
    nf_rules *r = load("schema: 1\n"
                       "phases: [places, parts]\n"
                       "lexicons:\n"
                       "  TOWN:\n"
                       "    entries: [port elwin, port saria, dunmore]\n"
                       "rules:\n"
                       "  - name: town\n"
                       "    phase: places\n"
                       "    pattern: '@TOWN'\n"
                       "    emit: TOWN\n"
                       "  - name: sayer\n"
                       "    phase: places\n"
                       "    pattern: '[cap:title & !flag:sent_start] \"said\"'\n"
                       "    emit: SAYER\n"
                       "  - name: writer\n"
                       "    phase: places\n"
                       "    pattern: '[cap:title & !flag:sent_start] \"wrote\"'\n"
                       "    emit: WRITER\n"
                       "  - name: harbour\n"
                       "    phase: parts\n"
                       "    pattern: '<TOWN> \"harbour\"'\n"
                       "    emit: HARBOUR\n");
    nf_workspace *ws = workspace_for(r);
    if (!ws) return;
    const char *text = "we saw port elwin and port and port saria and port elwin harbour "
                       "and then Anna said so and Anna left and Anna wrote it and Anna said "
                       "no and dunmore and port";
    check_twice(r, ws, text, "TOWN", "TOWN:port elwin|TOWN:port saria|TOWN:port elwin|TOWN:dunmore");
    check_twice(r, ws, text, "SAYER", "SAYER:Anna said|SAYER:Anna said");
    check_twice(r, ws, text, "WRITER", "WRITER:Anna wrote");
    check_twice(r, ws, text, "HARBOUR", "HARBOUR:port elwin harbour");
    nf_workspace_free(ws);
    nf_rules_free(r);

    /* 34 lexicons and 34 groups in one phase: the last two of each are
     * looked at at every token */
    nfi_buf y = {0};
    nfi_buf_puts(&y, "schema: 1\nlexicons:\n");
    for (int i = 0; i < 34; i++) nfi_buf_printf(&y, "  L%d:\n    entries: [w%d]\n", i, i);
    nfi_buf_puts(&y, "rules:\n");
    for (int i = 0; i < 34; i++)
        nfi_buf_printf(&y, "  - {name: lex%d, pattern: '@L%d', emit: W}\n"
                           "  - {name: grp%d, pattern: '[re:\"g%d\"] [kind:word]', emit: G}\n",
                       i, i, i, i);
    r = y.data ? load(y.data) : NULL;
    nfi_buf_free(&y);
    if (!(ws = workspace_for(r))) return;
    NF_CHECK(r->phases.items[0].nlex > 32 && r->phases.items[0].ngroups > 32);
    const char *many = "w0 w33 w32 w0 w33 w32 w0 w33 w32 g0 x g33 x g32 x g0 x g33 x g32 x g33 x";
    check_twice(r, ws, many, "W", "W:w0|W:w33|W:w32|W:w0|W:w33|W:w32|W:w0|W:w33|W:w32");
    check_twice(r, ws, many, "G", "G:g0 x|G:g33 x|G:g32 x|G:g0 x|G:g33 x|G:g32 x|G:g33 x");
    nf_workspace_free(ws);
    nf_rules_free(r);
}

/* What every match of a regex contains, read from the regex: literals at
 * the top and in groups every match goes through; nothing in optional,
 * repeated or alternative parts; not the very start (the anchor's token). */
NF_TEST(rules_regex_required_literal)
{
    static const struct {
        const char *re, *lit;
        bool caseless;
    } cases[] = {
        {"(?i)(?:the\\s+)?(?<c>\\d{1,2}(?:st|nd)|first)[- ]century\\b(?!-)", "century", true},
        {"(?<y>[12]\\d{3})-(?<m>0[1-9]|1[0-2])", "-", false},
        {"(?i)(?<![\\w.:])(?<t>(?:[01]?\\d|2[0-3]):[0-5]\\d)", ":", true},
        {"x(?:ab|cd)yz", "yz", false},
        {"x(?<n>abc)?def", "def", false},
        {"x(?'n'abcd)", "abcd", false},
        {"x(?P<n>abcd)e", "abcd", false},
        {"xa{2,3}bc", "bc", false},
        {"x\\dab{,2}cd", "cd", false},
        {"x[a-z]{2}(?#note)yz", "yz", false},
        {"z(?-i)abc(?i)de", "abc", false},
        {"(?i)x+books", "books", true},
        {"(?i)\\bthe\\s+weekend\\b", "weekend", true},
        {"x\\.co\\.uk", "", false},      /* one run from the start */
        {"abc", "", false},              /* the start */
        {"x\\dab|cd", "", false},       /* alternatives at the top */
        {"q(?=abc)", "", false},         /* a lookahead is not in the match */
        {"x\\p{L}abc", "", false},       /* an escape it does not read: gives up */
        {"x(?i:abc)", "", false},        /* options inside a group: skipped */
        {"xé abc", " abc", false},      /* non-ASCII breaks a run */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[NFI_RELIT_MAX + 1];
        bool ci = false;
        size_t n = nfi_regex_required_literal(cases[i].re, strlen(cases[i].re), out, &ci);
        out[n] = '\0';
        NF_CHECK_EQ_STR(out, cases[i].lit);
        if (n) NF_CHECK(ci == cases[i].caseless);
    }
}

/* An anchored regex is run only where its required literal comes before
 * the next sentence: each anchor before a far literal, a literal in the
 * next sentence only, other case, and (?i) with a Kelvin sign for k. */
NF_TEST(rules_required_literal_ahead)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - name: centuries\n"
                       "    regex: '(?i)[0-9]+(?:st|nd|rd|th)?\\s+(?:and\\s+[0-9]+\\S*\\s+)?century\\b'\n"
                       "    anchor: '[re:\"[0-9].*\"]'\n"
                       "    emit: C\n"
                       "  - name: books\n"
                       "    regex: '(?i)[0-9]+\\s+books'\n"
                       "    anchor: '[re:\"[0-9].*\"]'\n"
                       "    emit: B\n");
    NF_CHECK(r != NULL);
    const nfi_rule *ru = r ? &r->rules.items[0] : NULL;
    NF_CHECK(ru && ru->re_lit && ru->re_lit_len == 7 && r->rules.items[1].re_lit_len == 5);
    char buf[300];
    nf_doc *d = run(r, "In 3 ways and 9 more , the 18th and 19th CENTURY mattered . "
                       "Not 20th . Century 21 . 7 of 12 Books , 40 boo\xe2\x84\xaaS .");
    NF_CHECK_EQ_STR(anns(d, "C", buf, sizeof buf), "C:18th and 19th CENTURY");
    NF_CHECK_EQ_STR(anns(d, "B", buf, sizeof buf), "B:12 Books|B:40 boo\xe2\x84\xaaS");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* nfi_sort_keyed (the engine's sorts) against a reference: qsort by key,
 * then by the original position, so that equal keys must keep their order.
 * Sizes for each of its ways (insertion, merge, radix), keys with few
 * distinct values (many ties) and keys that differ only in a high byte
 * (the radix sort skips the bytes all keys share). */
static int cmp_keyed_ref(const void *a, const void *b)
{
    const nfi_keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->val < y->val ? -1 : x->val > y->val;
}

static const nf_rules *cmp_rules_ref;
static const nfi_found *cmp_items_ref;
/* Resolution order as documented (priority desc, length desc, rule, start,
 * then as found), for a qsort of found indexes. */
static int cmp_resolution_ref(const void *pa, const void *pb)
{
    const nfi_found *a = &cmp_items_ref[*(const uint32_t *)pa];
    const nfi_found *b = &cmp_items_ref[*(const uint32_t *)pb];
    int32_t xa = cmp_rules_ref->rules.items[a->rule].priority;
    int32_t xb = cmp_rules_ref->rules.items[b->rule].priority;
    if (xa != xb) return xa > xb ? -1 : 1;
    if (a->end - a->start != b->end - b->start) return a->end - a->start > b->end - b->start ? -1 : 1;
    if (a->rule != b->rule) return a->rule < b->rule ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return *(const uint32_t *)pa < *(const uint32_t *)pb ? -1 : 1;
}
/* Emission order: start, length desc, rule, then as found. */
static int cmp_emission_ref(const void *pa, const void *pb)
{
    const nfi_found *a = &cmp_items_ref[*(const uint32_t *)pa];
    const nfi_found *b = &cmp_items_ref[*(const uint32_t *)pb];
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->end - a->start != b->end - b->start) return a->end - a->start > b->end - b->start ? -1 : 1;
    if (a->rule != b->rule) return a->rule < b->rule ? -1 : 1;
    return *(const uint32_t *)pa < *(const uint32_t *)pb ? -1 : 1;
}

/* A phase orders its matches by one 64-bit key made of its fields when
 * they fit (priorities as their distance from the highest), by two stable
 * sorts when not: both give the documented orders, also with priorities
 * far apart. */
NF_TEST(phase_sorts_packed_or_wide)
{
    nf_rules *r = load("schema: 1\n"
                       "rules:\n"
                       "  - {name: a, pattern: 'x', emit: A, priority: 5}\n"
                       "  - {name: b, pattern: 'y', emit: B}\n"
                       "  - {name: c, pattern: 'z', emit: C, priority: -3}\n"
                       "  - {name: d, pattern: 'w', emit: D, priority: 1000000}\n"
                       "  - {name: e, pattern: 'v', emit: E, priority: -1000000}\n");
    NF_CHECK(r != NULL);
    if (!r) return;
    enum { N = 600 };
    nfi_found items[N];
    nfi_keyed o[N], tmp[N];
    uint32_t ref[N];
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 4; round++) {
        uint32_t nrules = round < 2 ? 3 : 5; /* the last rounds: priorities 2e6 apart */
        size_t n = round % 2 ? N : 40;
        for (size_t i = 0; i < n; i++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            items[i].rule = (uint32_t)(seed % nrules);
            items[i].start = (uint32_t)(seed >> 8) % 50;
            items[i].end = items[i].start + 1 + (uint32_t)(seed >> 20) % 4;
        }
        nfi_sort_widths packed = nfi_sort_widths_of(r, items, n, 60), wide = packed;
        NF_CHECK(packed.prio + packed.len + packed.rule + packed.start <= 64);
        wide.start = wide.found = 64; /* too wide to pack: the two sorts */
        cmp_rules_ref = r;
        cmp_items_ref = items;
        for (int which = 0; which < 2; which++) {
            for (size_t i = 0; i < n; i++) ref[i] = (uint32_t)i;
            qsort(ref, n, sizeof *ref, which ? cmp_emission_ref : cmp_resolution_ref);
            for (int pack = 0; pack < 2; pack++) {
                for (size_t i = 0; i < n; i++) o[i].val = (uint32_t)i;
                if (which) nfi_sort_emission(items, o, tmp, n, pack ? &packed : &wide);
                else nfi_sort_resolution(r, items, o, tmp, n, pack ? &packed : &wide);
                bool same = true;
                for (size_t i = 0; i < n; i++) same = same && o[i].val == ref[i];
                NF_CHECK(same);
                if (!same) fprintf(stderr, "round %d %s %s\n", round, which ? "emission" : "resolution",
                                   pack ? "packed" : "wide");
            }
        }
    }
    nf_rules_free(r);
}

NF_TEST(sort_keyed_is_a_stable_sort)
{
    static const size_t sizes[] = {0, 1, 2, 15, 16, 17, 100, 1023, 1024, 3000};
    uint64_t seed = 88172645463325252ull;
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        for (int shape = 0; shape < 3; shape++) {
            size_t n = sizes[si];
            nfi_keyed *a = malloc((n + 1) * sizeof *a), *ref = malloc((n + 1) * sizeof *a);
            nfi_keyed *tmp = malloc((n + 1) * sizeof *a);
            NF_CHECK(a && ref && tmp);
            if (!a || !ref || !tmp) {
                free(a), free(ref), free(tmp);
                return;
            }
            for (size_t i = 0; i < n; i++) {
                seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
                uint64_t k = shape == 0 ? seed : shape == 1 ? seed % 7 : (seed % 5) << 48 | 0x1234;
                a[i] = ref[i] = (nfi_keyed){k, (uint32_t)i};
            }
            qsort(ref, n, sizeof *ref, cmp_keyed_ref);
            nfi_sort_keyed(a, tmp, n);
            bool same = true;
            for (size_t i = 0; i < n; i++) same = same && a[i].key == ref[i].key && a[i].val == ref[i].val;
            NF_CHECK(same);
            if (!same) fprintf(stderr, "size %zu shape %d\n", n, shape);
            free(a), free(ref), free(tmp);
        }
    }
}

/* nf_extract's public annotations are made on first use from 12-byte
 * records: they must equal the engine's live annotations (which
 * nfi_extract_unpublished keeps) in span, token range, type, rule and
 * phase, whether the tokens were made public before them or not, and stay
 * readable when the rules are gone (R8: the names are copies). */
static bool same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The default rules, the sample article and options with its DCT. */
static nf_rules *load_sample(char **text, size_t *len, nf_extract_options *o)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path("rules", NULL, &err);
    *text = nft_read_file("examples/data/sample-article.txt", len);
    NF_CHECK(r && *text);
    nf_extract_options_init(o);
    o->dct = "2025-04-10";
    return r;
}

/* Whether annotation a of one document is among those of another (same
 * span, type, rule). */
static bool has_annotation(const nf_doc *doc, const nf_annotation *a)
{
    for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_ANNOTATION); i++) {
        const nf_annotation *b = nf_doc_annotation(doc, i);
        if (b->span.start == a->span.start && b->span.end == a->span.end &&
            !strcmp(b->type, a->type) && !strcmp(b->rule, a->rule))
            return true;
    }
    return false;
}

/* The facts of an all-text document that lie in the body, one by one
 * against those of a default one: the same spans and kinds. */
static size_t facts_differing(const nf_doc *deflt, const nf_doc *all, nf_kind kind)
{
    size_t k = 0, bad = 0;
    for (size_t i = 0; i < nf_doc_count(all, kind); i++) {
        nf_span s, t = {0, 0};
        uint32_t flags, what, want = 0;
        if (kind == NF_KIND_ENTITY) {
            const nf_entity *e = nf_doc_entity(all, i), *f = nf_doc_entity(deflt, k);
            s = e->span, flags = e->flags, what = e->type;
            if (f) t = f->span, want = f->type;
        } else if (kind == NF_KIND_DATE) {
            const nf_date *e = nf_doc_date(all, i), *f = nf_doc_date(deflt, k);
            s = e->span, flags = e->flags, what = e->type;
            if (f) t = f->span, want = f->type;
        } else {
            const nf_quote *e = nf_doc_quote(all, i), *f = nf_doc_quote(deflt, k);
            s = e->span, flags = e->flags, what = e->kind;
            if (f) t = f->span, want = f->kind;
        }
        if (flags & NF_FACT_OUTSIDE_BODY) continue;
        bad += k++ >= nf_doc_count(deflt, kind) || s.start != t.start || s.end != t.end || what != want;
    }
    return bad + (k != nf_doc_count(deflt, kind));
}

/* The engine runs over the body's sentences and the metadata's, not over
 * the clutter of a page: it makes fewer annotations, each of which a run
 * over all the text makes too, and the facts are the same. */
NF_TEST(rules_engine_skips_the_clutter)
{
    nf_error err;
    size_t len = 0;
    char *text;
    nf_extract_options o;
    nf_rules *r = load_sample(&text, &len, &o);
    nf_doc *deflt = r && text ? nf_extract(r, NULL, text, len, &o, &err) : NULL;
    o.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *all = r && text ? nf_extract(r, NULL, text, len, &o, &err) : NULL;
    NF_CHECK(deflt && all);
    if (deflt && all) {
        size_t n = nf_doc_count(deflt, NF_KIND_ANNOTATION), missing = 0;
        NF_CHECK(n > 20 && n < nf_doc_count(all, NF_KIND_ANNOTATION));
        for (size_t i = 0; i < n; i++) missing += !has_annotation(all, nf_doc_annotation(deflt, i));
        NF_CHECK_EQ_INT(missing, 0);
        NF_CHECK_EQ_INT(nf_doc_count(deflt, NF_KIND_BODY), 1);
        NF_CHECK(nf_doc_count(deflt, NF_KIND_ENTITY) > 0 && nf_doc_count(deflt, NF_KIND_QUOTE) > 0);
        NF_CHECK_EQ_INT(facts_differing(deflt, all, NF_KIND_ENTITY), 0);
        NF_CHECK_EQ_INT(facts_differing(deflt, all, NF_KIND_DATE), 0);
        NF_CHECK_EQ_INT(facts_differing(deflt, all, NF_KIND_QUOTE), 0);
    }
    nf_doc_free(deflt);
    nf_doc_free(all);
    nf_rules_free(r);
    free(text);
}

NF_TEST(rules_public_annotations_made_on_first_use)
{
    nf_error err;
    size_t len = 0;
    char *text;
    nf_extract_options o;
    nf_rules *r = load_sample(&text, &len, &o);
    o.flags |= NF_EXTRACT_ALL_TEXT; /* the engine runs over the clutter too: more annotations */
    nf_doc *pub = r && text ? nf_extract(r, NULL, text, len, &o, &err) : NULL;
    nf_doc *late = r && text ? nf_extract(r, NULL, text, len, &o, &err) : NULL;
    nf_doc *raw = r && text ? nfi_extract_unpublished(r, NULL, text, len, &o, &err) : NULL;
    NF_CHECK(pub && late && raw);
    if (!pub || !late || !raw) {
        nf_doc_free(pub);
        nf_doc_free(late);
        nf_doc_free(raw);
        nf_rules_free(r);
        free(text);
        return;
    }
    /* nothing made yet; the lines (read by the structure stage only) gone */
    NF_CHECK(!atomic_load(&pub->anns_published) && pub->pub_anns.len == 0);
    NF_CHECK(pub->lines.len == 0 && raw->lines.len > 0);
    NF_CHECK(nf_doc_token(pub, 0) != NULL); /* tokens first, then annotations */
    size_t live = 0, bad = 0;
    for (size_t i = 0; i < raw->anns.len; i++) {
        const nfi_ann *a = &raw->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        const nf_annotation *p = nf_doc_annotation(pub, live++);
        nf_span s = nfi_ann_span(raw, a);
        bad += !p || p->span.start != s.start || p->span.end != s.end ||
               p->first_token != a->tok_start || p->token_count != a->tok_end - a->tok_start ||
               !same_name(p->type, nfi_ann_type(raw, a)) || !same_name(p->rule, nfi_ann_rule_name(a)) ||
               !same_name(p->phase, nfi_ann_phase_name(r, a)) || p->type == nfi_ann_type(raw, a);
    }
    NF_CHECK(live > 50);
    NF_CHECK_EQ_INT(bad, 0);
    NF_CHECK_EQ_INT(nf_doc_count(pub, NF_KIND_ANNOTATION), live);
    NF_CHECK(atomic_load(&pub->anns_published) && nf_doc_annotation(pub, live) == NULL);
    NF_CHECK_EQ_INT(nf_doc_count(raw, NF_KIND_ANNOTATION), live);
    char *want = nf_doc_to_json(pub, NF_JSON_TOKENS | NF_JSON_ANNOTATIONS, NULL, &err);
    nf_doc_free(raw);
    nf_rules_free(r);
    /* annotations first (the tokens still the stages'), with the rules gone */
    NF_CHECK_EQ_INT(nf_doc_count(late, NF_KIND_ANNOTATION), live);
    const nf_annotation *first = nf_doc_annotation(late, 0);
    NF_CHECK(first && first->type && first->rule && first->phase);
    NF_CHECK(!atomic_load(&late->tokens_published));
    char *got = nf_doc_to_json(late, NF_JSON_TOKENS | NF_JSON_ANNOTATIONS, NULL, &err);
    NF_CHECK(want && strstr(want, "\"annotations\":[{") != NULL);
    NF_CHECK_EQ_STR(got ? got : "", want ? want : "-");
    nf_free(want);
    nf_free(got);
    nf_doc_free(pub);
    nf_doc_free(late);
    free(text);
}

/* The rule engine over text a window of `window` tokens at a time; the
 * annotations with their attributes as "TYPE:text{key=value,...}". */
static const char *windowed(const nf_rules *r, const char *text, size_t window, uint64_t max_results,
                            nf_status *st, char *buf, size_t n)
{
    nf_error err;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN | NF_EXTRACT_ALL_TEXT | NF_EXTRACT_NO_RULES;
    o.max_results = max_results;
    nf_workspace *ws = nf_workspace_new(r, &err);
    nf_doc *d = ws ? nfi_extract_unpublished(r, ws, text, strlen(text), &o, &err) : NULL;
    *st = d ? nfi_rules_run_windows(r, ws, d, window, &err) : NF_ERR_NOMEM;
    size_t o2 = 0;
    buf[0] = '\0';
    for (size_t i = 0; d && *st == NF_OK && i < d->anns.len; i++) {
        const nfi_ann *a = &d->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        nf_span sp = nfi_ann_span(d, a);
        o2 += (size_t)snprintf(buf + o2, n - o2, "%s%s:%.*s{", o2 ? "|" : "", nfi_ann_type(d, a),
                               (int)(sp.end - sp.start), d->text + sp.start);
        for (uint32_t k = 0; k < a->attr_count && o2 < n; k++) {
            const nfi_attr *at = &d->attrs.items[a->attr_start + k];
            if (at->value)
                o2 += (size_t)snprintf(buf + o2, n - o2, "%s=%s,", at->key, at->value);
            else
                o2 += (size_t)snprintf(buf + o2, n - o2, "%s=%.*s,", at->key,
                                       (int)(at->span.end - at->span.start), d->text + at->span.start);
        }
        if (o2 < n) o2 += (size_t)snprintf(buf + o2, n - o2, "}");
        if (o2 >= n) break;
    }
    nf_doc_free(d);
    nf_workspace_free(ws);
    return buf;
}

/* A long document runs through the engine a window at a time, cut at
 * paragraph breaks: the annotations (token ranges, attributes, what later
 * phases removed or retagged, regex rules' matches) are those of one run
 * over the whole; max_results counts the annotations of every window; a
 * sentence longer than two windows is cut and still covered. */
NF_TEST(rules_windows_same_as_whole)
{
    nf_rules *r = load(PHASES_RULES_YAML
                       "  - name: code\n"
                       "    phase: words\n"
                       "    regex: 'ZX-(?<num>[0-9]{3})'\n"
                       "    emit: CODE\n"
                       "    attrs: {num: $num}\n");
    NF_CHECK(r != NULL);
    if (!r) return;
    char text[4000];
    size_t o = 0;
    for (int i = 0; i < 24; i++)
        o += (size_t)snprintf(text + o, sizeof text - o,
                              "On %d Januor we met Mayo Quint. Part ZX-%03d went on the Januor.\n\n",
                              i % 2 ? 100 + i : i + 1, 100 + i); /* no DATE at a 3-digit day */
    static char whole[20000], win[20000];
    nf_status st1, st2;
    windowed(r, text, 100000, 0, &st1, whole, sizeof whole);
    NF_CHECK_EQ_INT(st1, NF_OK);
    NF_CHECK(strstr(whole, "DATE:23 Januor{day=23,month=1,}") != NULL);
    NF_CHECK(strstr(whole, "DATE:123 Januor") == NULL);
    NF_CHECK(strstr(whole, "CODE:ZX-123{num=123,}") != NULL);
    NF_CHECK(strstr(whole, "SHIP:Januor") != NULL);
    for (size_t window = 4; window <= 64; window *= 2) {
        windowed(r, text, window, 0, &st2, win, sizeof win);
        NF_CHECK_EQ_INT(st2, NF_OK);
        NF_CHECK_EQ_STR(win, whole);
    }
    /* 108 annotations: 3 MONTH a paragraph (one removed later), a CODE,
     * and a DATE in every other one; a window holds a few */
    windowed(r, text, 8, 107, &st2, win, sizeof win);
    NF_CHECK_EQ_INT(st2, NF_ERR_LIMIT);
    windowed(r, text, 8, 108, &st2, win, sizeof win);
    NF_CHECK_EQ_INT(st2, NF_OK);
    /* one sentence of 60 words: windows of 8 cut it at 16 tokens */
    o = 0;
    for (int i = 0; i < 60; i++) o += (size_t)snprintf(text + o, sizeof text - o, "mayo ");
    windowed(r, text, 100000, 0, &st1, whole, sizeof whole);
    windowed(r, text, 8, 0, &st2, win, sizeof win);
    NF_CHECK_EQ_INT(st2, NF_OK);
    NF_CHECK_EQ_STR(win, whole);
    nf_rules_free(r);
}

/* The engine's word of a token (nfi_ws_token_word) is nfi_lexicon_word of
 * its norm where it is known; an entry begins with it as
 * nfi_lexicon_may_start says. */
NF_TEST(rules_token_word_as_lexicon_word)
{
    nf_rules *r = load("schema: 1\n"
                       "lexicons:\n"
                       "  PLACE:\n"
                       "    entries:\n"
                       "      - port elwin\n"
                       "      - elwin\n"
                       "rules:\n"
                       "  - name: place\n"
                       "    pattern: '@PLACE'\n"
                       "    emit: PLACE\n");
    NF_CHECK(r != NULL);
    nf_error err;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN | NF_EXTRACT_ALL_TEXT | NF_EXTRACT_NO_RULES;
    nf_workspace *ws = r ? nf_workspace_new(r, &err) : NULL;
    const char *text = "we sailed from Port Elwin to Zanzibar";
    nf_doc *d = ws ? nfi_extract_unpublished(r, ws, text, strlen(text), &o, &err) : NULL;
    NF_CHECK(d != NULL);
    uint32_t w = 0;
    NF_CHECK(!d || !nfi_ws_token_word(ws->engine, d, 0, &w)); /* the engine has not run */
    NF_CHECK(d && nfi_rules_run(r, ws, d, &err) == NF_OK);
    const nfi_lexicon *lex = r ? nfi_rules_lexicon(r, "PLACE") : NULL;
    size_t known = 0;
    for (size_t i = 0; d && i < d->tokens.len; i++) {
        const char *form = nf_doc_form(d, d->tokens.items[i].norm);
        uint32_t want = nfi_lexicon_word(r, form, strlen(form));
        if (nfi_ws_token_word(ws->engine, d, i, &w)) {
            known++;
            NF_CHECK_EQ_INT(w, want);
        }
        NF_CHECK_EQ_INT(nfi_lexicon_may_start_word(lex, want), nfi_lexicon_may_start(lex, d, i));
    }
    NF_CHECK_EQ_INT(known, d ? d->tokens.len : 0);
    NF_CHECK(d && nfi_lexicon_may_start(lex, d, 3) && nfi_lexicon_may_start(lex, d, 4));
    NF_CHECK(!nfi_lexicon_may_start_word(lex, NFI_NONE));
    nf_doc_free(d);
    nf_workspace_free(ws);
    nf_rules_free(r);
}

/* A table given room for n strings interns them without growing. */
NF_TEST(strtab_reserve_then_intern)
{
    nfi_arena a;
    nfi_arena_init(&a);
    nfi_strtab t;
    nfi_strtab_init(&t, &a);
    NF_CHECK(nfi_strtab_reserve(&t, 100));
    uint32_t nslots = t.nslots, cap = t.cap;
    NF_CHECK(nslots >= 200 && cap >= 100);
    char s[16];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(s, sizeof s, "w%d", i);
        NF_CHECK_EQ_INT(nfi_strtab_intern(&t, s, (size_t)n), i);
    }
    NF_CHECK_EQ_INT(t.nslots, nslots);
    NF_CHECK_EQ_INT(t.cap, cap);
    NF_CHECK(nfi_strtab_reserve(&t, 10)); /* never shrinks */
    NF_CHECK_EQ_INT(t.nslots, nslots);
    NF_CHECK_EQ_INT(nfi_strtab_find(&t, "w42", 3), 42);
    NF_CHECK_EQ_INT(nfi_strtab_intern(&t, "more", 4), 100); /* grows as before */
    NF_CHECK_EQ_INT(nfi_strtab_find(&t, "w7", 2), 7);
    nfi_strtab_free(&t);
    nfi_arena_free(&a);
}
