/* test_tokenize.c - tokens: spans, kinds, flags, norms, shapes; the ASCII fast
 * path against ICU's word break iterator. All texts written for these tests. */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"
#include "segment.h"

static nf_rules *tk_rules(void)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    return nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
}

/* Tokenizes text (tokens and sentences only); icu forces ICU for every
 * chunk, plain_off turns plain_chunk() off (raw segments for every chunk). */
static nf_doc *tk_doc_path(const char *text, size_t n, bool icu, bool plain_off)
{
    nf_rules *rules = tk_rules();
    if (!rules) return NULL;
    nf_error err;
    nf_workspace *ws = nf_workspace_new(rules, &err);
    if (!ws) {
        nf_rules_free(rules);
        return NULL;
    }
    ws->seg->force_icu = icu;
    ws->seg->plain_off = plain_off;
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_doc *doc = nf_extract(rules, ws, text, n, &eo, &err);
    nf_workspace_free(ws);
    nf_rules_free(rules);
    return doc;
}

static nf_doc *tk_doc_n(const char *text, size_t n, bool icu) { return tk_doc_path(text, n, icu, false); }

static nf_doc *tk_doc(const char *text) { return tk_doc_n(text, strlen(text), false); }

/* The tokens' surfaces joined by '|'. */
static const char *tk_join(const nf_doc *doc)
{
    static char buf[4096];
    size_t k = 0;
    buf[0] = '\0';
    if (!doc) return "(no document)";
    const char *text = nf_doc_text(doc);
    for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_TOKEN); i++) {
        const nf_token *t = nf_doc_token(doc, i);
        size_t n = t->span.end - t->span.start;
        if (k + n + 2 >= sizeof buf) break;
        if (i) buf[k++] = '|';
        memcpy(buf + k, text + t->span.start, n);
        k += n;
        buf[k] = '\0';
    }
    return buf;
}

static const char *tk_joined(const char *text)
{
    nf_doc *doc = tk_doc(text);
    const char *s = tk_join(doc);
    nf_doc_free(doc);
    return s;
}

/* Index of the first token whose surface is s, or -1. */
static long tk_find(const nf_doc *doc, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; doc && i < nf_doc_count(doc, NF_KIND_TOKEN); i++) {
        const nf_token *t = nf_doc_token(doc, i);
        if (t->span.end - t->span.start == n && !memcmp(nf_doc_text(doc) + t->span.start, s, n))
            return (long)i;
    }
    return -1;
}

static const nf_token *tk_tok(const nf_doc *doc, const char *s)
{
    long i = tk_find(doc, s);
    return i < 0 ? NULL : nf_doc_token(doc, (size_t)i);
}

#define TK_NORM(doc, t) ((t) ? nf_doc_form(doc, (t)->norm) : "(no token)")
#define TK_SHAPE(doc, t) ((t) ? nf_doc_form(doc, (t)->shape) : "(no token)")

NF_TEST(tokenize_empty_and_blank)
{
    nf_doc *doc = tk_doc_n("", 0, false);
    NF_CHECK(doc != NULL);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), 0);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), 0);
    nf_doc_free(doc);
    doc = tk_doc(" \t\r\n \n ");
    NF_CHECK(doc != NULL);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), 0);
    nf_doc_free(doc);
}

/* nf_extract's document makes the public 40-byte tokens from the stages'
 * 20-byte ones in the same block (nfi_tokens_publish) on the first call that
 * needs them: every field must come through, on a text long enough that the
 * block is grown in place, and the public count must be the stages' count,
 * before the tokens are made and after. */
NF_TEST(tokenize_public_tokens_equal_the_stages_tokens)
{
    static const char *const parts[] = {
        "\u201cWe will not wait,\u201d said Dr. Amara Quell, 54, on Feb. 3. ",
        "The U.S.-based firm's shares rose 4.5% to $12.30 (see www.example.org). ",
        "Caf\u00e9 owners \u2014 all 1,200 of them \u2014 wrote to info@example.org!\n\n",
        "'Maybe,' she said. ",
        "ALL CAPS HEADLINE\n"};
    size_t cap = 300000, n = 0;
    char *text = malloc(cap + 200);
    NF_CHECK(text != NULL);
    if (!text) return;
    for (size_t k = 0; n < cap; k++) {
        size_t l = strlen(parts[k % 5]);
        memcpy(text + n, parts[k % 5], l);
        n += l;
    }
    nf_rules *rules = tk_rules();
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_error err;
    nf_doc *pub = nf_extract(rules, NULL, text, n, &eo, &err);
    nf_doc *raw = nfi_extract_unpublished(rules, NULL, text, n, &eo, &err);
    NF_CHECK(pub && raw);
    size_t count = pub ? nf_doc_count(pub, NF_KIND_TOKEN) : 0;
    NF_CHECK(count > n / 8);
    NF_CHECK_EQ_INT(count, raw ? raw->tokens.len : 0);
    /* not made yet: counting them does not make them */
    NF_CHECK(pub && !atomic_load(&pub->tokens_published) && pub->pub_tokens.len == 0 &&
             pub->tokens.len == count);
    NF_CHECK(raw && raw->pub_tokens.len == 0 && nf_doc_count(raw, NF_KIND_TOKEN) == 0);
    size_t bad = 0, sentences = 0, flags = 0;
    for (size_t i = 0; raw && i < count; i++) {
        const nf_token *t = nf_doc_token(pub, i);
        const nfi_token *k = &raw->tokens.items[i];
        bad += !t || t->span.start != k->span.start || t->span.end != k->span.end ||
               t->kind != k->kind || t->flags != k->flags || t->norm != k->norm ||
               t->shape != k->shape || t->sentence != nfi_token_sentence(raw, i) ||
               t->reserved != 0;
        sentences += t && t->sentence != 0;
        flags |= t ? t->flags : 0;
    }
    NF_CHECK_EQ_INT(bad, 0);
    NF_CHECK(sentences > 0); /* the fields compared are not all zero */
    NF_CHECK(flags & NF_TOKEN_QUOTE_OPEN);
    NF_CHECK(flags & NF_TOKEN_NON_ASCII);
    NF_CHECK(nf_doc_token(pub, count) == NULL);
    NF_CHECK(pub && atomic_load(&pub->tokens_published) && pub->tokens.items == NULL);
    NF_CHECK_EQ_INT(pub ? nf_doc_count(pub, NF_KIND_TOKEN) : 0, count);
    /* the same as made at once from the stages' tokens (as nf_extract did
     * before it made them on first use) */
    NF_CHECK(raw && nfi_tokens_publish(raw) == NF_OK);
    NF_CHECK(raw && pub && raw->pub_tokens.len == count &&
             memcmp(raw->pub_tokens.items, nf_doc_token(pub, 0), count * sizeof(nf_token)) == 0);
    nf_doc_free(pub);
    nf_doc_free(raw);
    /* no tokens: nothing to publish */
    pub = nf_extract(rules, NULL, " \n ", 3, &eo, &err);
    NF_CHECK(pub != NULL);
    NF_CHECK_EQ_INT(nf_doc_count(pub, NF_KIND_TOKEN), 0);
    NF_CHECK(nf_doc_token(pub, 0) == NULL);
    nf_doc_free(pub);
    nf_rules_free(rules);
    free(text);
}

/* The JSON of a document's tokens is the same whether they were made
 * before it (by nf_doc_token) or by it; JSON without them leaves them
 * unmade. */
NF_TEST(tokenize_json_tokens_made_on_first_use)
{
    static const char text[] = "\u201cNot yet,\u201d she said on Feb. 3.\n\nThe U.S. firm's shares rose 4.5%.\n";
    nf_rules *rules = tk_rules();
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_PLAIN;
    nf_error err;
    nf_doc *a = rules ? nf_extract(rules, NULL, text, sizeof text - 1, &eo, &err) : NULL;
    nf_doc *b = rules ? nf_extract(rules, NULL, text, sizeof text - 1, &eo, &err) : NULL;
    NF_CHECK(a && b);
    if (!a || !b) {
        nf_doc_free(a);
        nf_doc_free(b);
        nf_rules_free(rules);
        return;
    }
    char *plain = nf_doc_to_json(a, 0, NULL, &err);
    NF_CHECK(plain != NULL && strstr(plain, "\"tokens\"") == NULL);
    NF_CHECK(!atomic_load(&a->tokens_published)); /* JSON without tokens */
    NF_CHECK(nf_doc_token(b, 0) != NULL);
    NF_CHECK(atomic_load(&b->tokens_published));
    char *ja = nf_doc_to_json(a, NF_JSON_TOKENS, NULL, &err); /* makes a's tokens */
    char *jb = nf_doc_to_json(b, NF_JSON_TOKENS, NULL, &err);
    NF_CHECK(atomic_load(&a->tokens_published));
    NF_CHECK(ja && jb && strstr(ja, "\"tokens\":[{") != NULL);
    NF_CHECK_EQ_STR(ja ? ja : "", jb ? jb : "-");
    NF_CHECK_EQ_INT(nf_doc_count(a, NF_KIND_TOKEN), nf_doc_count(b, NF_KIND_TOKEN));
    nf_free(plain);
    nf_free(ja);
    nf_free(jb);
    nf_doc_free(a);
    nf_doc_free(b);
    nf_rules_free(rules);
}

NF_TEST(tokenize_words_punct_and_flags)
{
    nf_doc *doc = tk_doc("The harbour  CLOSED, again!\nNew line");
    NF_CHECK_EQ_STR(tk_join(doc), "The|harbour|CLOSED|,|again|!|New|line");
    const nf_token *t = nf_doc_token(doc, 0);
    NF_CHECK(t && (t->flags & NF_TOKEN_CAPITALIZED) && (t->flags & NF_TOKEN_LINE_START) &&
             (t->flags & NF_TOKEN_PARA_START) && !(t->flags & NF_TOKEN_SPACE_BEFORE));
    NF_CHECK_EQ_INT(t->span.start, 0);
    NF_CHECK_EQ_INT(t->span.end, 3);
    t = tk_tok(doc, "CLOSED");
    NF_CHECK(t && (t->flags & NF_TOKEN_ALL_UPPER) && (t->flags & NF_TOKEN_SPACE_BEFORE));
    NF_CHECK_EQ_STR(TK_NORM(doc, t), "closed");
    t = tk_tok(doc, ",");
    NF_CHECK(t && t->kind == NF_TOKEN_PUNCT && !(t->flags & NF_TOKEN_SPACE_BEFORE));
    t = tk_tok(doc, "New");
    NF_CHECK(t && (t->flags & NF_TOKEN_LINE_START) && !(t->flags & NF_TOKEN_PARA_START));
    t = tk_tok(doc, "harbour");
    NF_CHECK(t && t->kind == NF_TOKEN_WORD && !(t->flags & NF_TOKEN_CAPITALIZED));
    nf_doc_free(doc);
}

NF_TEST(tokenize_shapes)
{
    /* spaCy's shapes: at most 4 equal shape characters in a row */
    nf_doc *doc = tk_doc("Harbour Port U.S. 9:24 2025 McDonald x1 .... 1234567");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "Harbour")), "Xxxxx");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "Port")), "Xxxx");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "1234567")), "dddd");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "U.S.")), "X.X.");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "9:24")), "d:dd");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "2025")), "dddd");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "McDonald")), "XxXxxxx");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "x1")), "xd");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, tk_tok(doc, "....")), "....");
    nf_doc_free(doc);
}

NF_TEST(tokenize_abbreviations)
{
    nf_doc *doc = tk_doc("The U.S. Gov. Okafor met Feb. 3 with Dr. Lenz, e.g. at 9 a.m. near St. Ives etc.");
    NF_CHECK_EQ_STR(tk_join(doc),
                    "The|U.S.|Gov.|Okafor|met|Feb.|3|with|Dr.|Lenz|,|e.g.|at|9|a.m.|near|St.|Ives|etc.");
    const char *abbr[] = {"U.S.", "Gov.", "Feb.", "Dr.", "e.g.", "a.m.", "St.", "etc."};
    for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++) {
        const nf_token *t = tk_tok(doc, abbr[i]);
        NF_CHECK(t && (t->flags & NF_TOKEN_ABBREV) && t->kind == NF_TOKEN_WORD);
    }
    NF_CHECK_EQ_STR(TK_NORM(doc, tk_tok(doc, "U.S.")), "u.s.");
    NF_CHECK(!(tk_tok(doc, "met")->flags & NF_TOKEN_ABBREV));
    nf_doc_free(doc);
    /* an ordinary word keeps its full stop apart; "no." only before a number */
    NF_CHECK_EQ_STR(tk_joined("They said no. No. 7 won."), "They|said|no|.|No.|7|won|.");
    NF_CHECK_EQ_STR(tk_joined("See p. 12 and vol. 3."), "See|p.|12|and|vol.|3|.");
}

NF_TEST(tokenize_initials)
{
    NF_CHECK_EQ_STR(tk_joined("J. R. R. Tolkien and J.R.R. Tolkien"),
                    "J.|R.|R.|Tolkien|and|J.R.R.|Tolkien");
    nf_doc *doc = tk_doc("Anna K. Mirov");
    const nf_token *t = tk_tok(doc, "K.");
    NF_CHECK(t && (t->flags & NF_TOKEN_ABBREV) && (t->flags & NF_TOKEN_ALL_UPPER));
    nf_doc_free(doc);
}

NF_TEST(tokenize_numbers)
{
    nf_doc *doc = tk_doc("Output rose 3.5% to 1,000,250.75 tonnes on the 27th, 5G too.");
    NF_CHECK_EQ_STR(tk_join(doc), "Output|rose|3.5|%|to|1,000,250.75|tonnes|on|the|27th|,|5G|too|.");
    NF_CHECK(tk_tok(doc, "3.5")->kind == NF_TOKEN_NUMBER);
    NF_CHECK(tk_tok(doc, "%")->kind == NF_TOKEN_SYMBOL);
    NF_CHECK(tk_tok(doc, "1,000,250.75")->kind == NF_TOKEN_NUMBER);
    NF_CHECK(tk_tok(doc, "27th")->kind == NF_TOKEN_NUMBER);
    NF_CHECK(tk_tok(doc, "5G")->kind == NF_TOKEN_WORD);
    nf_doc_free(doc);
}

NF_TEST(tokenize_times)
{
    /* "9:24PM" is split into the time and "PM" (like "9:24 PM") */
    nf_doc *doc = tk_doc("Doors at 9:24 PM, 9:24PM or 21:05:30; back by 5pm and 6p.m. sharp.");
    NF_CHECK_EQ_STR(tk_join(doc),
                    "Doors|at|9:24|PM|,|9:24|PM|or|21:05:30|;|back|by|5|pm|and|6|p.m.|sharp|.");
    NF_CHECK(tk_tok(doc, "9:24")->kind == NF_TOKEN_NUMBER);
    NF_CHECK(tk_tok(doc, "21:05:30")->kind == NF_TOKEN_NUMBER);
    nf_doc_free(doc);
    /* not a time: a ratio with one digit after the colon */
    NF_CHECK_EQ_STR(tk_joined("won 3:1"), "won|3|:|1");
}

NF_TEST(tokenize_contractions_and_possessives)
{
    nf_doc *doc = tk_doc("I don't think they'll go; it's Mira's and Oslo\xE2\x80\x99s turn. We can't, won't.");
    NF_CHECK_EQ_STR(tk_join(doc), "I|do|n't|think|they|'ll|go|;|it|'s|Mira|'s|and|Oslo|\xE2\x80\x99s|"
                                  "turn|.|We|ca|n't|,|wo|n't|.");
    NF_CHECK_EQ_STR(TK_NORM(doc, tk_tok(doc, "\xE2\x80\x99s")), "'s"); /* curly -> straight */
    NF_CHECK(tk_tok(doc, "n't")->kind == NF_TOKEN_WORD);
    nf_doc_free(doc);
    NF_CHECK_EQ_STR(tk_joined("That is Smith Jr.'s boat, the 1990's style."),
                    "That|is|Smith|Jr.|'s|boat|,|the|1990|'s|style|.");
    NF_CHECK_EQ_STR(tk_joined("O'Neill says o'clock"), "O'Neill|says|o'clock");
}

NF_TEST(tokenize_hyphens)
{
    nf_doc *doc = tk_doc("A day-to-day front-runner, COVID-19 and a 30-year-old; 1990-2000 -- U.S.-based.");
    NF_CHECK_EQ_STR(tk_join(doc), "A|day-to-day|front-runner|,|COVID-19|and|a|30-year-old|;|1990|-|2000|"
                                  "--|U.S.-based|.");
    NF_CHECK(tk_tok(doc, "day-to-day")->kind == NF_TOKEN_WORD);
    NF_CHECK(tk_tok(doc, "--")->kind == NF_TOKEN_PUNCT);
    NF_CHECK(!(tk_tok(doc, "U.S.-based")->flags & NF_TOKEN_ABBREV));
    nf_doc_free(doc);
    NF_CHECK_EQ_STR(tk_joined("well- known -ish"), "well|-|known|-|ish");
}

NF_TEST(tokenize_urls_and_emails)
{
    nf_doc *doc = tk_doc("See https://example.org/a-b_c?x=1&y=2. Mail desk.news@example.co.uk, "
                         "or (www.example.net/page)! Not@ an address.");
    NF_CHECK_EQ_STR(tk_join(doc), "See|https://example.org/a-b_c?x=1&y=2|.|Mail|desk.news@example.co.uk|,|"
                                  "or|(|www.example.net/page|)|!|Not@|an|address|.");
    NF_CHECK(tk_tok(doc, "https://example.org/a-b_c?x=1&y=2")->kind == NF_TOKEN_URL);
    NF_CHECK(tk_tok(doc, "desk.news@example.co.uk")->kind == NF_TOKEN_EMAIL);
    NF_CHECK(tk_tok(doc, "www.example.net/page")->kind == NF_TOKEN_URL);
    nf_doc_free(doc);
    /* a URL with brackets of its own keeps them */
    NF_CHECK_EQ_STR(tk_joined("at https://en.example.org/wiki/Port_(city) today"),
                    "at|https://en.example.org/wiki/Port_(city)|today");
}

NF_TEST(tokenize_straight_quotes_by_context)
{
    nf_doc *doc = tk_doc("He said \"we agree\" and 'fine.' Then \"Go\".");
    size_t n = nf_doc_count(doc, NF_KIND_TOKEN);
    NF_CHECK_EQ_STR(tk_join(doc), "He|said|\"|we|agree|\"|and|'|fine|.|'|Then|\"|Go|\"|.");
    int opens = 0, closes = 0;
    for (size_t i = 0; i < n; i++) {
        const nf_token *t = nf_doc_token(doc, i);
        if (t->kind != NF_TOKEN_QUOTE) continue;
        if (t->flags & NF_TOKEN_QUOTE_OPEN) opens++;
        if (t->flags & NF_TOKEN_QUOTE_CLOSE) closes++;
        NF_CHECK(!((t->flags & NF_TOKEN_QUOTE_OPEN) && (t->flags & NF_TOKEN_QUOTE_CLOSE)));
    }
    NF_CHECK_EQ_INT(opens, 3);
    NF_CHECK_EQ_INT(closes, 3);
    NF_CHECK(nf_doc_token(doc, 2)->flags & NF_TOKEN_QUOTE_OPEN);
    NF_CHECK(nf_doc_token(doc, 5)->flags & NF_TOKEN_QUOTE_CLOSE);
    NF_CHECK(nf_doc_token(doc, 7)->flags & NF_TOKEN_QUOTE_OPEN);
    NF_CHECK(nf_doc_token(doc, 10)->flags & NF_TOKEN_QUOTE_CLOSE);
    NF_CHECK(nf_doc_token(doc, 14)->flags & NF_TOKEN_QUOTE_CLOSE);
    nf_doc_free(doc);
}

NF_TEST(tokenize_curly_quotes_and_apostrophes)
{
    /* “ ” ‘ ’ by form; ’n’ one word; a plural possessive apostrophe is neither */
    nf_doc *doc = tk_doc("\xE2\x80\x9CIt is a \xE2\x80\x98" "cabin\xE2\x80\x99,\xE2\x80\x9D she said of rock "
                         "\xE2\x80\x99n\xE2\x80\x99 roll and the farmers' union.");
    NF_CHECK_EQ_STR(tk_join(doc), "\xE2\x80\x9C|It|is|a|\xE2\x80\x98|cabin|\xE2\x80\x99|,|\xE2\x80\x9D|she|"
                                  "said|of|rock|\xE2\x80\x99n\xE2\x80\x99|roll|and|the|farmers|'|union|.");
    NF_CHECK(nf_doc_token(doc, 0)->flags & NF_TOKEN_QUOTE_OPEN);
    NF_CHECK(nf_doc_token(doc, 0)->kind == NF_TOKEN_QUOTE);
    NF_CHECK(nf_doc_token(doc, 4)->flags & NF_TOKEN_QUOTE_OPEN);
    NF_CHECK(nf_doc_token(doc, 6)->flags & NF_TOKEN_QUOTE_CLOSE);
    NF_CHECK(nf_doc_token(doc, 8)->flags & NF_TOKEN_QUOTE_CLOSE);
    NF_CHECK(nf_doc_token(doc, 13)->kind == NF_TOKEN_WORD);
    NF_CHECK_EQ_STR(TK_NORM(doc, nf_doc_token(doc, 13)), "'n'");
    const nf_token *apos = nf_doc_token(doc, 18);
    NF_CHECK(apos->kind == NF_TOKEN_QUOTE &&
             !(apos->flags & (NF_TOKEN_QUOTE_OPEN | NF_TOKEN_QUOTE_CLOSE)));
    NF_CHECK(nf_doc_token(doc, 0)->flags & NF_TOKEN_NON_ASCII);
    nf_doc_free(doc);
    NF_CHECK_EQ_STR(tk_joined("the \xE2\x80\x99" "90s boom"), "the|\xE2\x80\x99" "90s|boom");
}

NF_TEST(tokenize_ellipses_bullets_currency)
{
    nf_doc *doc = tk_doc("Wait... what\xE2\x80\xA6 now . . . \xE2\x80\xA2 Fares: \xE2\x82\xB9" "900, $1.5m, "
                         "\xE2\x82\xAC" "20 \xE2\x80\x94 all.");
    NF_CHECK_EQ_STR(tk_join(doc), "Wait|...|what|\xE2\x80\xA6|now|.|.|.|\xE2\x80\xA2|Fares|:|\xE2\x82\xB9|"
                                  "900|,|$|1.5m|,|\xE2\x82\xAC|20|\xE2\x80\x94|all|.");
    NF_CHECK(tk_tok(doc, "...")->kind == NF_TOKEN_PUNCT);
    NF_CHECK(tk_tok(doc, "\xE2\x80\xA6")->kind == NF_TOKEN_PUNCT);
    NF_CHECK(tk_tok(doc, "\xE2\x80\xA2")->kind == NF_TOKEN_SYMBOL);
    NF_CHECK(tk_tok(doc, "\xE2\x82\xB9")->kind == NF_TOKEN_SYMBOL);
    NF_CHECK(tk_tok(doc, "900")->kind == NF_TOKEN_NUMBER);
    NF_CHECK(tk_tok(doc, "$")->kind == NF_TOKEN_SYMBOL);
    NF_CHECK(tk_tok(doc, "\xE2\x80\x94")->kind == NF_TOKEN_PUNCT);
    nf_doc_free(doc);
}

NF_TEST(tokenize_nul_crlf_bom)
{
    static const char text[] = "\xEF\xBB\xBFOne\0two\r\nThree.\r\n\r\nFour";
    nf_doc *doc = tk_doc_n(text, sizeof text - 1, false);
    NF_CHECK_EQ_STR(tk_join(doc), "One|two|Three|.|Four");
    NF_CHECK_EQ_INT(nf_doc_token(doc, 0)->span.start, 3); /* the BOM is not a token */
    NF_CHECK(tk_tok(doc, "two")->flags & NF_TOKEN_SPACE_BEFORE);
    const nf_token *t = tk_tok(doc, "Three");
    NF_CHECK(t && (t->flags & NF_TOKEN_LINE_START) && !(t->flags & NF_TOKEN_PARA_START));
    t = tk_tok(doc, "Four");
    NF_CHECK(t && (t->flags & NF_TOKEN_PARA_START));
    nf_doc_free(doc);
    /* a lone CR ends a line too */
    doc = tk_doc("a\rb");
    NF_CHECK(tk_tok(doc, "b") && (tk_tok(doc, "b")->flags & NF_TOKEN_LINE_START));
    nf_doc_free(doc);
}

NF_TEST(tokenize_non_ascii)
{
    nf_doc *doc = tk_doc("Z\xC3\xBCrich caf\xC3\xA9 STRA\xC3\x9F" "E \xC3\x89mile \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 "
                         "\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80!");
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), 8);
    const nf_token *t = tk_tok(doc, "Z\xC3\xBCrich");
    NF_CHECK(t && (t->flags & NF_TOKEN_NON_ASCII) && (t->flags & NF_TOKEN_CAPITALIZED));
    NF_CHECK_EQ_STR(TK_NORM(doc, t), "z\xC3\xBCrich");
    NF_CHECK_EQ_STR(TK_SHAPE(doc, t), "Xxxxx");
    t = tk_tok(doc, "STRA\xC3\x9F" "E");
    NF_CHECK_EQ_STR(TK_NORM(doc, t), "strasse"); /* full case folding */
    NF_CHECK(t && !(t->flags & NF_TOKEN_ALL_UPPER)); /* ß is a lower-case letter */
    t = tk_tok(doc, "\xC3\x89mile");
    NF_CHECK(t && (t->flags & NF_TOKEN_CAPITALIZED) && !(t->flags & NF_TOKEN_ALL_UPPER));
    NF_CHECK_EQ_STR(TK_NORM(doc, t), "\xC3\xA9mile");
    NF_CHECK_EQ_STR(TK_NORM(doc, tk_tok(doc, "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0")),
                    "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");
    t = tk_tok(doc, "\xF0\x9F\x98\x80");
    NF_CHECK(t && t->kind == NF_TOKEN_SYMBOL);
    nf_doc_free(doc);
}

NF_TEST(tokenize_missing_space_after_full_stop)
{
    NF_CHECK_EQ_STR(tk_joined("It rained.Then it stopped.Mr. Vos left."),
                    "It|rained|.|Then|it|stopped|.|Mr.|Vos|left|.");
    NF_CHECK_EQ_STR(tk_joined("a Ph.D. and U.S.A. and e.g. x.y"), "a|Ph.D.|and|U.S.A.|and|e.g.|x.y");
}

NF_TEST(tokenize_offsets_are_exact)
{
    static const char text[] = "  \xE2\x80\x9CYes,\xE2\x80\x9D said Ana\xC3\xAFs\xE2\x80\x99 aide at 9:24PM.";
    nf_doc *doc = tk_doc(text);
    size_t n = nf_doc_count(doc, NF_KIND_TOKEN), prev = 0;
    NF_CHECK(n >= 8);
    for (size_t i = 0; i < n; i++) {
        const nf_token *t = nf_doc_token(doc, i);
        NF_CHECK(t->span.start >= prev && t->span.end > t->span.start && t->span.end <= sizeof text - 1);
        prev = t->span.end;
        /* no token holds white space */
        for (size_t k = t->span.start; k < t->span.end; k++) NF_CHECK(text[k] != ' ');
    }
    nf_doc_free(doc);
}

/* ------------------------------------------------------------ fast path = ICU */

static int tk_compare_segments(nfi_seg_ws *ws, const char *text, size_t n)
{
    static nfi_seg a[4096], b[4096];
    size_t na = 0, nb = 0;
    if (nfi_raw_segments(ws, text, n, false, a, 4096, &na) != NF_OK) return -1;
    if (nfi_raw_segments(ws, text, n, true, b, 4096, &nb) != NF_OK) return -2;
    if (na != nb) return 1;
    for (size_t i = 0; i < na; i++)
        if (a[i].start != b[i].start || a[i].end != b[i].end) return 1;
    return 0;
}

/* Whether two tokenizations of text differ: a the default one, b with
 * ICU for every chunk (icu) or without plain_chunk() (!icu). */
static int tk_compare_ways(const char *text, size_t n, bool icu)
{
    nf_doc *a = tk_doc_n(text, n, false), *b = tk_doc_path(text, n, icu, !icu);
    int diff = !a || !b;
    if (!diff) diff = nf_doc_count(a, NF_KIND_TOKEN) != nf_doc_count(b, NF_KIND_TOKEN) ||
                      nf_doc_count(a, NF_KIND_SENTENCE) != nf_doc_count(b, NF_KIND_SENTENCE);
    for (size_t i = 0; !diff && i < nf_doc_count(a, NF_KIND_TOKEN); i++) {
        const nf_token *x = nf_doc_token(a, i), *y = nf_doc_token(b, i);
        diff = x->span.start != y->span.start || x->span.end != y->span.end || x->kind != y->kind ||
               x->flags != y->flags || x->sentence != y->sentence ||
               strcmp(nf_doc_form(a, x->norm), nf_doc_form(b, y->norm)) != 0 ||
               strcmp(nf_doc_form(a, x->shape), nf_doc_form(b, y->shape)) != 0;
    }
    nf_doc_free(a);
    nf_doc_free(b);
    return diff;
}

static int tk_compare_tokens(const char *text, size_t n) { return tk_compare_ways(text, n, true); }

static const char *const tk_corpus[] = {
    "The ministry said on Tuesday it had approved 3,400 new permits, up 12.5% from 2023.",
    "\"We're not done,\" said Lt. Gov. Ames. 'Not yet.' (Really?) [sic] {x} <b> a_b __init__",
    "Prices: $4.99/lb, 2x faster, 10:30-11:45 a.m., no.7, #tag, 50% off; 1.2.3 v2.0.1 a.b.c",
    "It's the students' union's call -- or isn't it? O'Brien's 'quote' ends.' Yes!!! ?!",
    "e-mail me: jo@example.org or visit https://example.com/path?q=a+b#frag now. www.x.y",
    "\xE2\x80\x9C" "Ask,\xE2\x80\x9D he said \xE2\x80\x94 \xE2\x80\x98it\xE2\x80\x99s\xE2\x80\x99 "
    "rock \xE2\x80\x99n\xE2\x80\x99 roll\xE2\x80\xA6 \xE2\x80\xA2 \xE2\x82\xB9" "900 \xE2\x82\xAC" "5 "
    "\xC2\xA3" "3 20" "\xC2\xB0" "C 1" "\xE2\x80\x93" "2 a" "\xC2\xA0" "b",
    "Line one\r\nLine two\n\nPara two\ttabbed\x0b\x0c end",
    "1) First 2) Second a. third b. fourth \xE2\x80\xA2 9. ninth",
    "U.S.-led, F-16s, COVID-19, 9/11, 24/7, 1990s, '90s, 3D, 4K, A4, mp3, x86_64.",
};

NF_TEST(tokenize_fast_path_equals_icu_on_corpus)
{
    nf_rules *rules = tk_rules();
    nf_error err;
    nf_workspace *ws = rules ? nf_workspace_new(rules, &err) : NULL;
    NF_CHECK(ws != NULL);
    if (!ws) return;
    for (size_t i = 0; i < sizeof tk_corpus / sizeof tk_corpus[0]; i++) {
        const char *t = tk_corpus[i];
        int seg = tk_compare_segments(ws->seg, t, strlen(t));
        if (strchr(t, '@')) NF_CHECK_EQ_INT(seg, -1); /* '@' is ICU's */
        else NF_CHECK_EQ_INT(seg, 0);
        NF_CHECK_EQ_INT(tk_compare_tokens(t, strlen(t)), 0);
    }
    /* the seed articles, when present */
    const char *shared = nft_shared_dir();
    static const char *const seeds[] = {"000_b770208cb639f5e0.txt", "001_249e6d72ec158312.txt",
                                        "002_f6b713d15bb0cdf8.txt"};
    for (size_t i = 0; shared && i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/corpus/seeds/%s", shared, seeds[i]);
        size_t n;
        char *text = nft_read_file(path, &n);
        if (!text) continue;
        NF_CHECK_EQ_INT(tk_compare_tokens(text, n), 0);
        nf_doc *doc = tk_doc_n(text, n, false);
        NF_CHECK(doc && nf_doc_count(doc, NF_KIND_TOKEN) > 100);
        nf_doc_free(doc);
        free(text);
    }
    nf_workspace_free(ws);
    nf_rules_free(rules);
}

NF_TEST(tokenize_fast_path_equals_icu_on_random_text)
{
    /* every character the fast path knows, in random order: segment for
     * segment equal to ICU's word break iterator over the whole text */
    static const char *const alphabet[] = {
        "a", "b", "Z", "q", "e", "0", "7", "_", ".", "'", ",", ";", ":", "-", "!", "?", "\"", "(",
        ")", "/", "$", "%", "&", "#", "*", "+", "=", "<", ">", "[", "]", "{", "}", "|", "~", "^",
        "`", "\\", " ", " ", " ", "\n", "\r", "\t", "\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\x9C",
        "\xE2\x80\x9D", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\xA6", "\xE2\x80\xA2",
        "\xE2\x82\xB9", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xB0", "\xC2\xA0", "\xE2\x80\x89", "ab",
        "12", "a.", "1.", "1,", "s'", "n't", ".a", "a'"};
    size_t nalpha = sizeof alphabet / sizeof alphabet[0];
    nf_rules *rules = tk_rules();
    nf_error err;
    nf_workspace *ws = rules ? nf_workspace_new(rules, &err) : NULL;
    NF_CHECK(ws != NULL);
    if (!ws) return;
    uint32_t seed = 424242u;
    char buf[256];
    int seg_diffs = 0, tok_diffs = 0;
    for (int round = 0; round < 3000; round++) {
        size_t n = 0, parts = 1 + (size_t)(round % 24);
        for (size_t p = 0; p < parts; p++) {
            seed = seed * 1664525u + 1013904223u;
            const char *piece = alphabet[(seed >> 8) % nalpha];
            size_t k = strlen(piece);
            if (n + k >= sizeof buf) break;
            memcpy(buf + n, piece, k);
            n += k;
        }
        buf[n] = '\0';
        if (tk_compare_segments(ws->seg, buf, n) != 0) {
            if (seg_diffs++ < 5) fprintf(stderr, "segments differ: [%s]\n", buf);
        }
        if (round % 4 == 0 && tk_compare_tokens(buf, n) != 0) {
            if (tok_diffs++ < 5) fprintf(stderr, "tokens differ: [%s]\n", buf);
        }
    }
    NF_CHECK_EQ_INT(seg_diffs, 0);
    NF_CHECK_EQ_INT(tok_diffs, 0);
    nf_workspace_free(ws);
    nf_rules_free(rules);
}

/* Chunks of a word and a closing mark are tokenized by plain_chunk()
 * without raw segments: the same tokens (spans, kinds, flags, norms,
 * shapes, sentences) as through the raw segments and their corrections,
 * for random chunks of words, numbers, marks and quotes around them. */
NF_TEST(tokenize_plain_chunks_equal_raw_segments)
{
    static const char *const alphabet[] = {
        "word", "Word", "WORD", "a", "I", "x1", "_", "abc_def", "12", "1990", "5", "07", "pm", "am",
        "5pm", "3p", "n't", "s", ",", ";", ")", "]", "!", "?", "\"", ".", "'", "-", ":", "(", "[",
        "/", "@", "%", "$", "#", "&", "*", " ", " ", " ", " ", "  ", "\n", "\n\n", "\t",
        "\xC2\xA0", "\xE2\x80\x89", "\xE2\x80\x99", "\xE2\x80\x9D", "\xE2\x80\x94",
        "\xC3\xA9", "Mr", "U", "S", "e", "g", "no", "www", "http", "com", "St", "Jr", "etc", "vs"};
    size_t nalpha = sizeof alphabet / sizeof alphabet[0];
    uint32_t seed = 20261123u;
    char buf[256];
    int diffs = 0;
    for (int round = 0; round < 1500; round++) {
        size_t n = 0, parts = 1 + (size_t)(round % 30);
        for (size_t p = 0; p < parts; p++) {
            seed = seed * 1664525u + 1013904223u;
            const char *piece = alphabet[(seed >> 8) % nalpha];
            size_t k = strlen(piece);
            if (n + k >= sizeof buf) break;
            memcpy(buf + n, piece, k);
            n += k;
        }
        buf[n] = '\0';
        if (tk_compare_ways(buf, n, false) != 0 && diffs++ < 5) fprintf(stderr, "tokens differ: [%s]\n", buf);
    }
    NF_CHECK_EQ_INT(diffs, 0);
    for (size_t i = 0; i < sizeof tk_corpus / sizeof tk_corpus[0]; i++)
        NF_CHECK_EQ_INT(tk_compare_ways(tk_corpus[i], strlen(tk_corpus[i]), false), 0);
}

/* The tokens that differ between text[0,n) tokenized in ws, which has met
 * other documents, and in a new workspace (down to the form ids); -1 when
 * either fails. */
static int tk_kept_differs(const nf_rules *rules, nf_workspace *ws, const char *text, size_t n)
{
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_error err;
    nf_doc *kept = nf_extract(rules, ws, text, n, &eo, &err);
    nf_doc *fresh = tk_doc_n(text, n, false);
    int diffs = -1;
    if (kept && fresh && nf_doc_count(kept, NF_KIND_TOKEN) == nf_doc_count(fresh, NF_KIND_TOKEN)) {
        diffs = 0;
        for (size_t i = 0; i < nf_doc_count(kept, NF_KIND_TOKEN); i++) {
            const nf_token *a = nf_doc_token(kept, i), *b = nf_doc_token(fresh, i);
            if (a->norm != b->norm || a->shape != b->shape || a->flags != b->flags || a->kind != b->kind ||
                strcmp(nf_doc_form(kept, a->norm), nf_doc_form(fresh, b->norm)) != 0 ||
                strcmp(nf_doc_form(kept, a->shape), nf_doc_form(fresh, b->shape)) != 0)
                diffs++;
        }
    }
    nf_doc_free(kept);
    nf_doc_free(fresh);
    return diffs;
}

/* A workspace keeps the forms of the words it met (flags and shapes) from
 * one document to the next: a document tokenized after others has the
 * same tokens, down to the form ids, as in a new workspace. */
NF_TEST(tokenize_forms_kept_across_documents)
{
    nf_rules *rules = tk_rules();
    nf_error err;
    nf_workspace *ws = rules ? nf_workspace_new(rules, &err) : NULL;
    NF_CHECK(ws != NULL);
    if (!ws) return;
    size_t ndocs = sizeof tk_corpus / sizeof tk_corpus[0];
    for (size_t round = 0; round < 2 * ndocs; round++) {
        /* the corpus texts in turn, then each with its words' cases changed */
        char text[512];
        snprintf(text, sizeof text, "%s", tk_corpus[round % ndocs]);
        for (char *c = text; round >= ndocs && *c; c++)
            if (*c >= 'a' && *c <= 'z' && (c - text) % 3 == 0) *c = (char)(*c - 32);
        NF_CHECK_EQ_INT(tk_kept_differs(rules, ws, text, strlen(text)), 0);
    }
    nf_workspace_free(ws);
    nf_rules_free(rules);
}

/* Words that share one pair of form cache entries (the cache is two-way)
 * push each other out: their tokens stay those of a new workspace, and a
 * word kept as no abbreviation before its full stop is one again before
 * a number when its kind says so ("no. 5"). */
NF_TEST(tokenize_form_cache_pair_shared)
{
    /* five made-up words whose entries are one pair: "aaa" .. "zzz" + "ox"
     * (four to a pair on average), the first pair that has five */
    enum { NWORDS = 26 * 26 * 26 };
    unsigned char per_pair[NFI_FORM_CACHE / 2] = {0};
    char words[5][8];
    size_t found = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t want = NFI_FORM_CACHE;
        for (uint32_t p = 0; pass == 1 && p < NFI_FORM_CACHE / 2 && want == NFI_FORM_CACHE; p++)
            if (per_pair[p] >= 5) want = p;
        for (int k = 0; k < NWORDS && found < 5; k++) {
            char w[8] = {(char)('a' + k / 676), (char)('a' + k / 26 % 26), (char)('a' + k % 26), 'o', 'x', '\0'};
            uint32_t p = (nfi_surface_hash((const unsigned char *)w, 5) & (NFI_FORM_CACHE - 1)) / 2;
            if (pass == 0 && per_pair[p] < 255) per_pair[p]++;
            if (pass == 1 && p == want) memcpy(words[found++], w, sizeof w);
        }
    }
    NF_CHECK_EQ_INT((int)found, 5);
    if (found < 5) return;
    nf_rules *rules = tk_rules();
    nf_error err;
    nf_workspace *ws = rules ? nf_workspace_new(rules, &err) : NULL;
    NF_CHECK(ws != NULL);
    if (!ws) return;
    for (int round = 0; round < 6; round++) {
        char text[512];
        size_t n = 0;
        for (int i = 0; i < 12; i++) {
            const char *w = words[(i * (round + 1) + round) % 5];
            n += (size_t)snprintf(text + n, sizeof text - n, i % 3 == 2 ? "%s. " : "%s ", w);
        }
        snprintf(text + n, sizeof text - n, round % 2 ? "Mr. %s no. He said no. 5." : "no. %s", words[round % 5]);
        NF_CHECK_EQ_INT(tk_kept_differs(rules, ws, text, strlen(text)), 0);
    }
    /* "no" met above as no abbreviation ("no. He") */
    static const char number[] = "It is no. 5 on the list.";
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_doc *doc = nf_extract(rules, ws, number, sizeof number - 1, &eo, &err);
    const nf_token *no = doc && nf_doc_count(doc, NF_KIND_TOKEN) > 2 ? nf_doc_token(doc, 2) : NULL;
    NF_CHECK(no && no->span.end - no->span.start == 3 && (no->flags & NF_TOKEN_ABBREV));
    nf_doc_free(doc);
    nf_workspace_free(ws);
    nf_rules_free(rules);
}

NF_TEST(tokenize_builtin_lexicons)
{
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "mr", 2), NFI_ABBR_TITLE);
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "no", 2), NFI_ABBR_NUMBER);
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "a.m", 3), NFI_ABBR_TIME);
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "feb", 3), NFI_ABBR_MONTH);
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "inc", 3), NFI_ABBR_PLAIN);
    NF_CHECK_EQ_INT(nfi_abbrev_lookup(NULL, "harbour", 7), NFI_ABBR_NONE);
    NF_CHECK(nfi_sentence_starter(NULL, "the", 3));
    NF_CHECK(!nfi_sentence_starter(NULL, "government", 10));
}

/* The rules' lexicons replace the built-in lists. */
NF_TEST(tokenize_rules_lexicons_win)
{
    static const char yaml[] = "schema: 1\n"
                               "lexicons:\n"
                               "  abbreviations:\n"
                               "    entries: [zq, mr]\n"
                               "  sentence_starters:\n"
                               "    entries: [zebras]\n";
    nf_error err;
    nf_rules *rules = nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
    NF_CHECK(rules != NULL);
    if (!rules) return;
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    const char *text = "Ask Zq. Ames about Inc. Zebras run. The U.S. Zebras graze.";
    nf_doc *doc = nf_extract(rules, NULL, text, strlen(text), &eo, &err);
    NF_CHECK(doc != NULL);
    /* "zq" is listed, "inc" is not (the built-in list is not used) */
    NF_CHECK_EQ_STR(tk_join(doc), "Ask|Zq.|Ames|about|Inc|.|Zebras|run|.|The|U.S.|Zebras|graze|.");
    /* "Zebras" starts a sentence after "U.S." (with the built-in starters it
     * does not), "Inc" is a word with a full stop (built in: an abbreviation) */
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), 4);
    NF_CHECK_EQ_INT(nf_doc_sentence(doc, 3)->span.start, (size_t)(strstr(text, "Zebras graze") - text));
    nf_doc_free(doc);
    doc = tk_doc(text);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), 3);
    nf_doc_free(doc);
    nf_rules_free(rules);
    /* the repository's rules give the same tokens as the built-in lists */
    rules = nf_rules_load_path(NF_SRC("rules/00-tokenizer.yaml"), NULL, &err);
    NF_CHECK(rules != NULL);
    if (!rules) return;
    text = "Gov. Hale met Dr. Osei on Feb. 3 at 9 a.m. in the U.S. The No. 2 aide left.";
    doc = nf_extract(rules, NULL, text, strlen(text), &eo, &err);
    nf_doc *builtin = tk_doc(text);
    NF_CHECK_EQ_STR(tk_join(doc), "Gov.|Hale|met|Dr.|Osei|on|Feb.|3|at|9|a.m.|in|the|U.S.|The|No.|2|aide|left|.");
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), nf_doc_count(builtin, NF_KIND_TOKEN));
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), 2);
    NF_CHECK_EQ_INT(nf_doc_count(builtin, NF_KIND_SENTENCE), 2);
    nf_doc_free(builtin);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A token of 300 KB without white space: one token, folded, in bounded memory. */
NF_TEST(tokenize_very_long_non_ascii_token)
{
    size_t reps = 100000, n = reps * 3;
    char *text = malloc(n + 1);
    NF_CHECK(text != NULL);
    if (!text) return;
    for (size_t i = 0; i < reps; i++) memcpy(text + 3 * i, "\xC3\x89" "a", 3); /* "Éa" */
    text[n] = '\0';
    nf_doc *doc = tk_doc_n(text, n, false);
    NF_CHECK(doc != NULL);
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_TOKEN), 1);
    const nf_token *t = nf_doc_token(doc, 0);
    NF_CHECK(t && t->span.start == 0 && t->span.end == n && t->kind == NF_TOKEN_WORD);
    const char *norm = t ? nf_doc_form(doc, t->norm) : NULL;
    NF_CHECK(norm && strlen(norm) == n && !memcmp(norm, "\xC3\xA9" "a", 3));
    NF_CHECK(t && strncmp(nf_doc_form(doc, t->shape), "XxXx", 4) == 0);
    nf_doc_free(doc);
    free(text);
}
