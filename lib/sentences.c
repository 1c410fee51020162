/*
 * sentences.c - sentences as token ranges.
 *
 * Candidates follow UAX #29's sentence rules (a terminator - full stop,
 * "!", "?", an ellipsis, any Sentence_Terminal character by ICU's
 * properties - then closing quotes and brackets, then a break unless a
 * lower-case word follows), corrected by rules:
 *   - abbreviations (token flag ABBREV, kinds from the "abbreviations"
 *     lexicon): titles ("Mr.", "Gov.", "St.") never end a sentence; other
 *     abbreviations, initials ("E.") and acronyms ("U.S.") end one before a
 *     capitalised word that usually starts sentences ("sentence_starters":
 *     "The", "He", "How"), not before other capitalised words ("Acme Inc.
 *     Chief Executive", "the U.S. Senate"); "a.m."/"p.m." end one before
 *     any capitalised word but a weekday or a time zone ("9 a.m. Thursday",
 *     "9 a.m. EST") unless the sentence so far is a short fronted phrase
 *     ("At 5 a.m. Mr. Smith ...");
 *   - nothing ends before a number after an abbreviation ("p. 55",
 *     "Feb. 27") or after a full stop that follows a symbol ("N°. 12");
 *   - a closing quote or bracket after the terminator belongs to the
 *     sentence; a lower-case word after it continues the sentence;
 *   - ellipses: "..." / "…" end a sentence before a capitalised word,
 *     spaced ". . ." never does, a fourth period does; "word. . . . Next"
 *     ends after the full stop and the ellipsis opens the next sentence;
 *     "[...]" never does;
 *   - lists: a sentence that opens with "1.", "1)", "1.)", "a." (after an
 *     optional bullet) ends before the next number or letter of the same
 *     style; a bullet ("•", "⁃") always opens a sentence;
 *   - lines: a blank line always ends a sentence; a line break ends one
 *     when the line does not end in punctuation (a colon counts as none)
 *     and either the next line starts with a capital, digit, quote or
 *     bullet, or the line reads as a heading or menu item (at most three
 *     words, or two thirds of its words capitalised); otherwise (a
 *     hard-wrapped line) the sentence goes on.
 */
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "segment.h"

typedef enum term_kind {
    T_NONE = 0,
    T_FULL,      /* "." */
    T_EXCL,      /* "!" "?" and other Sentence_Terminal characters */
    T_ELLIPSIS,  /* "..." "…" */
    T_ELLIPSIS4, /* "...." and longer */
    T_ABBREV     /* a word with its own period */
} term_kind;

typedef struct sp_ctx {
    nf_doc *doc;
    nfi_seg_ws *ws;
    const nfi_token *tok;
    size_t n;
    const unsigned char *t;
    size_t para; /* the paragraph of the last sentence closed */
} sp_ctx;

static inline size_t tlen(const sp_ctx *c, size_t i) { return c->tok[i].span.end - c->tok[i].span.start; }
static inline const unsigned char *tstr(const sp_ctx *c, size_t i) { return c->t + c->tok[i].span.start; }
static inline const char *tnorm(const sp_ctx *c, size_t i) { return c->doc->forms.strs[c->tok[i].norm]; }
static inline size_t tnorm_len(const sp_ctx *c, size_t i) { return c->doc->forms.lens[c->tok[i].norm]; }

static inline bool tok_is(const sp_ctx *c, size_t i, const char *s)
{
    size_t n = strlen(s);
    return i < c->n && tlen(c, i) == n && memcmp(tstr(c, i), s, n) == 0;
}

static UChar32 first_cp(const sp_ctx *c, size_t i)
{
    const unsigned char *s = tstr(c, i);
    size_t k = 0, n = tlen(c, i);
    UChar32 cp;
    U8_NEXT(s, k, n, cp);
    return cp;
}

static bool is_bullet_tok(const sp_ctx *c, size_t i)
{
    if (i >= c->n || c->tok[i].kind != NF_TOKEN_SYMBOL) return false;
    UChar32 cp = first_cp(c, i);
    return cp == 0x2022 || cp == 0x2023 || cp == 0x2043 || cp == 0x25E6 || cp == 0x25AA ||
           cp == 0x25CF || cp == 0x25A0 || cp == 0x2219;
}

static term_kind term_of(const sp_ctx *c, size_t i)
{
    const nfi_token *k = &c->tok[i];
    if (k->flags & NF_TOKEN_ABBREV) return T_ABBREV;
    if (k->kind != NF_TOKEN_PUNCT) return T_NONE;
    const unsigned char *s = tstr(c, i);
    size_t n = tlen(c, i);
    if (s[0] == '.') return n == 1 ? T_FULL : n == 3 ? T_ELLIPSIS : n == 2 ? T_FULL : T_ELLIPSIS4;
    if (n == 1) return s[0] == '!' || s[0] == '?' ? T_EXCL : T_NONE;
    if (s[0] < 0x80) return T_NONE;
    UChar32 cp = first_cp(c, i);
    if (cp == 0x2026) return T_ELLIPSIS;
    if (cp == 0x2024 || cp == 0xFE52 || cp == 0xFF0E) return T_FULL;
    if (u_hasBinaryProperty(cp, UCHAR_S_TERM)) return T_EXCL;
    return T_NONE;
}

/* Closing marks that stay with the sentence before them. */
static bool closer(const sp_ctx *c, size_t i)
{
    const nfi_token *k = &c->tok[i];
    if (k->flags & NF_TOKEN_SPACE_BEFORE) return false;
    if (k->kind == NF_TOKEN_QUOTE) return !(k->flags & NF_TOKEN_QUOTE_OPEN);
    if (k->kind != NF_TOKEN_PUNCT) return false;
    unsigned char ch = tstr(c, i)[0];
    return ch == ')' || ch == ']' || ch == '}' || ch == '!' || ch == '?' ||
           (ch == '.' && term_of(c, i) != T_NONE);
}

static bool starts_lower(const sp_ctx *c, size_t i)
{
    const nfi_token *k = &c->tok[i];
    if (k->kind != NF_TOKEN_WORD || (k->flags & NF_TOKEN_CAPITALIZED)) return false;
    unsigned char ch = tstr(c, i)[0];
    if (ch < 0x80) return ch >= 'a' && ch <= 'z';
    return u_islower(first_cp(c, i));
}

/* The first word-like token at or after i (past opening quotes and brackets). */
static size_t next_word(const sp_ctx *c, size_t i)
{
    while (i < c->n) {
        const nfi_token *k = &c->tok[i];
        if (k->kind == NF_TOKEN_QUOTE && (k->flags & NF_TOKEN_QUOTE_OPEN)) {
            i++;
            continue;
        }
        if (k->kind == NF_TOKEN_PUNCT && (tstr(c, i)[0] == '(' || tstr(c, i)[0] == '[')) {
            i++;
            continue;
        }
        break;
    }
    return i;
}

static bool starter(const sp_ctx *c, size_t i)
{
    if (c->tok[i].kind != NF_TOKEN_WORD) return false;
    return nfi_sentence_starter(c->ws, tnorm(c, i), tnorm_len(c, i));
}

static nfi_abbrev_kind abbrev_kind(const sp_ctx *c, size_t i, bool *initial, bool *acronym)
{
    const char *s = tnorm(c, i);
    size_t n = tnorm_len(c, i);
    *initial = *acronym = false;
    if (n < 2) return NFI_ABBR_NONE;
    n--; /* the final period */
    nfi_abbrev_kind k = nfi_abbrev_lookup(c->ws, s, n);
    if (k != NFI_ABBR_NONE) return k;
    if (memchr(s, '.', n)) *acronym = true;
    else {
        /* one letter (any script) */
        const unsigned char *us = (const unsigned char *)s;
        size_t k2 = 0;
        UChar32 cp;
        U8_NEXT(us, k2, n, cp);
        *initial = k2 == n && cp >= 0;
    }
    return NFI_ABBR_PLAIN;
}

/* ------------------------------------------------------------ list markers */

typedef struct marker {
    int value;     /* 1, 2, ... for numbers; 1 = 'a' for letters; 0 = none */
    int style;     /* 1 "N." 2 "N)" 3 "N.)" ; +10 for letters */
    size_t last;   /* index of its last token */
} marker;

/* A list marker starting at token i ("1.", "2)", "3.)", "a."), maybe after a bullet. */
static marker marker_at(const sp_ctx *c, size_t i)
{
    marker m = {0, 0, 0};
    if (i < c->n && is_bullet_tok(c, i)) i++;
    if (i >= c->n) return m;
    const nfi_token *k = &c->tok[i];
    const unsigned char *s = tstr(c, i);
    size_t n = tlen(c, i);
    int value = 0, letter = 0;
    size_t p = i + 1;
    if (k->kind == NF_TOKEN_NUMBER && n <= 3) {
        for (size_t j = 0; j < n; j++) {
            if (s[j] < '0' || s[j] > '9') return m;
            value = value * 10 + (s[j] - '0');
        }
    } else if (k->kind == NF_TOKEN_WORD && (k->flags & NF_TOKEN_ABBREV) && n == 2 && s[0] >= 'a' &&
               s[0] <= 'z') {
        /* "a." is one token */
        value = s[0] - 'a' + 1;
        letter = 10;
        if (p < c->n && tok_is(c, p, ")") && !(c->tok[p].flags & NF_TOKEN_SPACE_BEFORE)) {
            m.style = 3 + letter;
            p++;
        } else {
            m.style = 1 + letter;
        }
        goto done;
    } else if (k->kind == NF_TOKEN_WORD && n == 1 && s[0] >= 'a' && s[0] <= 'z') {
        value = s[0] - 'a' + 1;
        letter = 10;
    } else {
        return m;
    }
    if (value <= 0) return m;
    if (p < c->n && tok_is(c, p, ".") && !(c->tok[p].flags & NF_TOKEN_SPACE_BEFORE)) {
        p++;
        if (p < c->n && tok_is(c, p, ")") && !(c->tok[p].flags & NF_TOKEN_SPACE_BEFORE)) {
            m.style = 3 + letter;
            p++;
        } else {
            m.style = 1 + letter;
        }
    } else if (p < c->n && tok_is(c, p, ")") && !(c->tok[p].flags & NF_TOKEN_SPACE_BEFORE)) {
        m.style = 2 + letter;
        p++;
    } else {
        return m;
    }
done:
    /* a marker is followed by a word, after white space */
    if (p >= c->n || !(c->tok[p].flags & NF_TOKEN_SPACE_BEFORE) ||
        (c->tok[p].kind != NF_TOKEN_WORD && c->tok[p].kind != NF_TOKEN_QUOTE))
        return (marker){0, 0, 0};
    m.value = value;
    m.last = p - 1;
    return m;
}

/* ------------------------------------------------------------ decisions */

/* A line that reads as a heading or a menu item: at most three words, or
 * words mostly capitalised ("Harbour Plans in Porthaven"). */
static bool line_is_heading(const sp_ctx *c, size_t line_first, size_t end)
{
    size_t words = 0, caps = 0;
    for (size_t i = line_first; i < end; i++) {
        if (c->tok[i].kind == NF_TOKEN_WORD || c->tok[i].kind == NF_TOKEN_NUMBER) words++;
        if (c->tok[i].kind == NF_TOKEN_WORD && (c->tok[i].flags & NF_TOKEN_CAPITALIZED)) caps++;
    }
    return words <= 3 || 3 * caps >= 2 * words;
}

/* Whether a sentence starts at token i (> the current sentence's start)
 * regardless of punctuation: paragraphs, bullets, list items, lines. */
static bool break_before(const sp_ctx *c, size_t i, const marker *cur, size_t line_first)
{
    const nfi_token *k = &c->tok[i];
    if (k->flags & NF_TOKEN_PARA_START) return true;
    if (is_bullet_tok(c, i) && (k->flags & (NF_TOKEN_SPACE_BEFORE | NF_TOKEN_LINE_START))) return true;
    if (cur->value && (k->flags & NF_TOKEN_SPACE_BEFORE)) {
        marker m = marker_at(c, i);
        if (m.value == cur->value + 1 && m.style == cur->style) return true;
    }
    if (!(k->flags & NF_TOKEN_LINE_START)) return false;
    /* a line break */
    size_t p = i - 1;
    const nfi_token *prev = &c->tok[p];
    term_kind pt = term_of(c, p);
    if (pt != T_NONE || closer(c, p)) return false; /* punctuation decides */
    bool colon = false;
    if (prev->kind == NF_TOKEN_PUNCT) {
        unsigned char ch = tstr(c, p)[0];
        colon = ch == ':';
        if ((!colon && strchr(",;-(&/", ch)) || ch >= 0x80) return false;
    }
    if (prev->kind == NF_TOKEN_QUOTE && (prev->flags & NF_TOKEN_QUOTE_OPEN)) return false;
    if ((k->flags & NF_TOKEN_CAPITALIZED) || k->kind == NF_TOKEN_NUMBER ||
        k->kind == NF_TOKEN_SYMBOL || k->kind == NF_TOKEN_URL ||
        (k->kind == NF_TOKEN_QUOTE && (k->flags & NF_TOKEN_QUOTE_OPEN)) ||
        (k->kind == NF_TOKEN_PUNCT && (tok_is(c, i, "-") || tok_is(c, i, "*"))))
        return true;
    return !colon && line_is_heading(c, line_first, i);
}

static const char *const fronting[] = {"at", "by", "from", "until", "till", "around", "about",
                                      "before", "after", "since", "on", "for"};

/* Words that follow a clock time inside a sentence: "9 a.m. Thursday",
 * "9 a.m. EST", "9 a.m. GMT+1". */
static bool time_follower(const sp_ctx *c, size_t w)
{
    static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
                                       "saturday", "sunday", "today", "tomorrow", "yesterday"};
    const nfi_token *k = &c->tok[w];
    if (k->kind != NF_TOKEN_WORD) return false;
    if ((k->flags & NF_TOKEN_ALL_UPPER) && tlen(c, w) >= 2 && tlen(c, w) <= 4) return true;
    for (size_t d = 0; d < sizeof days / sizeof days[0]; d++)
        if (tnorm_len(c, w) == strlen(days[d]) && !strcmp(tnorm(c, w), days[d])) return true;
    return false;
}

static bool fronted_phrase(const sp_ctx *c, size_t start, size_t i)
{
    if (i - start > 4) return false;
    for (size_t f = 0; f < sizeof fronting / sizeof fronting[0]; f++)
        if (tnorm_len(c, start) == strlen(fronting[f]) && !strcmp(tnorm(c, start), fronting[f]))
            return true;
    return false;
}

/* After terminator i (absorbed up to j), does a sentence end at j? */
static bool ends_here(const sp_ctx *c, size_t start, size_t i, size_t j, term_kind tk)
{
    size_t nx = j + 1;
    if (nx >= c->n) return true;
    const nfi_token *nt = &c->tok[nx];
    size_t w = next_word(c, nx);
    if (w >= c->n) return true;
    const nfi_token *wt = &c->tok[w];
    bool lower = starts_lower(c, w);
    bool new_line = (nt->flags & NF_TOKEN_LINE_START) != 0;
    switch (tk) {
    case T_EXCL:
        return !lower;
    case T_FULL:
    case T_ELLIPSIS4:
        if (lower) return false;
        if (wt->kind == NF_TOKEN_NUMBER && tk == T_FULL && i > start) {
            const nfi_token *pv = &c->tok[i - 1];
            bool word = (pv->kind == NF_TOKEN_WORD && tlen(c, i - 1) >= 2) ||
                        pv->kind == NF_TOKEN_NUMBER || pv->kind == NF_TOKEN_URL ||
                        pv->kind == NF_TOKEN_EMAIL || closer(c, i - 1);
            return word;
        }
        return true;
    case T_ELLIPSIS:
        if (lower) return false;
        if (i > start && tok_is(c, i - 1, "[")) return false;
        if (tok_is(c, nx, "]")) return false;
        return true;
    case T_ABBREV: {
        if (lower) return false;
        if (!(nt->flags & NF_TOKEN_SPACE_BEFORE)) return false; /* Jr.'s */
        bool initial, acronym;
        nfi_abbrev_kind ak = abbrev_kind(c, i, &initial, &acronym);
        if (ak == NFI_ABBR_TITLE) return false;
        if (wt->kind == NF_TOKEN_NUMBER) return false;
        if (new_line && wt->kind != NF_TOKEN_PUNCT) return true;
        if (!(wt->flags & NF_TOKEN_CAPITALIZED) && wt->kind != NF_TOKEN_QUOTE) return false;
        if (starter(c, w)) return true;
        if (ak == NFI_ABBR_TIME)
            return !fronted_phrase(c, start, i) && !time_follower(c, w);
        /* "Acme Inc. Chief Executive ...", "the U.S. Senate", "E. Smith":
         * a capitalised word that does not usually start sentences goes on */
        return false;
    }
    case T_NONE:
        break;
    }
    return false;
}

/* ------------------------------------------------------------ the splitter */

static nf_status close_sentence(sp_ctx *c, size_t first, size_t last)
{
    nf_doc *doc = c->doc;
    nf_sentence *s = nfi_vec_push(&doc->sentences);
    if (!s) return NF_ERR_NOMEM;
    s->span.start = c->tok[first].span.start;
    s->span.end = c->tok[last].span.end;
    s->first_token = first;
    s->token_count = last - first + 1;
    /* the last paragraph starting at or before the sentence (the first
     * one if none does): sentences close in text order, so the paragraph
     * only moves forward */
    size_t p = c->para;
    while (p + 1 < doc->paragraphs.len && doc->paragraphs.items[p + 1].span.start <= s->span.start) p++;
    c->para = p;
    s->paragraph = (uint32_t)p;
    return NF_OK;
}

/* The run of spaced periods starting at i: ". . ." counts 3. */
static size_t period_run(const sp_ctx *c, size_t i)
{
    size_t r = 1;
    while (i + r < c->n && tok_is(c, i + r, ".") && (c->tok[i + r].flags & NF_TOKEN_SPACE_BEFORE) &&
           !(c->tok[i + r].flags & NF_TOKEN_LINE_START))
        r++;
    return r;
}

nf_status nfi_sentences_split(nf_doc *doc, const nf_rules *rules, nf_workspace *ws,
                              nf_error *err)
{
    (void)rules;
    sp_ctx c = {doc, ws ? ws->seg : NULL, doc->tokens.items, doc->tokens.len,
                (const unsigned char *)doc->work, 0};
    size_t n = c.n;
    if (!n) return NF_OK;
    size_t start = 0, line_first = 0;
    marker cur = marker_at(&c, 0);
    nf_status st = NF_OK;
#define CLOSE(last)                                                  \
    do {                                                             \
        if ((st = close_sentence(&c, start, (last))) != NF_OK) goto fail; \
        start = (last) + 1;                                          \
        if (start < n) cur = marker_at(&c, start);                   \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        /* the common token decides nothing: no line or paragraph start, no
         * list marker open, not a bullet (SYMBOL), not a terminator (PUNCT,
         * ABBREV); break_before() and term_of() would both say no. Without
         * a marker open (cur changes only at a token that decides), a run of
         * them is stepped over at once. */
        if (!cur.value) {
            while (i < n && !(c.tok[i].flags & (NF_TOKEN_LINE_START | NF_TOKEN_PARA_START | NF_TOKEN_ABBREV)) &&
                   c.tok[i].kind != NF_TOKEN_PUNCT && c.tok[i].kind != NF_TOKEN_SYMBOL)
                i++;
            if (i == n) break;
        }
        if (i > start && break_before(&c, i, &cur, line_first)) CLOSE(i - 1);
        if (c.tok[i].flags & NF_TOKEN_LINE_START) line_first = i;
        if (cur.value && i <= cur.last) continue;
        term_kind tk = term_of(&c, i);
        if (tk == T_NONE) continue;
        if (tk == T_FULL && tok_is(&c, i, ".")) {
            size_t r = period_run(&c, i);
            if (r >= 3) {
                size_t last = i + r - 1, after = last + 1;
                while (after < n && closer(&c, after)) after++;
                bool attached = !(c.tok[i].flags & NF_TOKEN_SPACE_BEFORE) && i > start;
                size_t w = next_word(&c, after);
                bool cap = w < n && !starts_lower(&c, w) &&
                           ((c.tok[w].flags & NF_TOKEN_CAPITALIZED) || c.tok[w].kind == NF_TOKEN_NUMBER);
                if (attached && r >= 4 && cap && after < n) {
                    CLOSE(i); /* "word." then ". . . Next" */
                    i = after - 1;
                } else if (r >= 4 && cap && after < n) {
                    CLOSE(after - 1);
                    i = after - 1;
                } else {
                    i = after - 1;
                }
                continue;
            }
        }
        size_t j = i;
        while (j + 1 < n && closer(&c, j + 1)) j++;
        if (ends_here(&c, start, i, j, tk)) {
            if (j + 1 < n) CLOSE(j);
        }
        i = j;
    }
    if (start < n) {
        if ((st = close_sentence(&c, start, n - 1)) != NF_OK) goto fail;
    }
    return NF_OK;
#undef CLOSE
fail:
    return nfi_error_set(err, st, "", 0, 0, "sentences: %s", nf_status_str(st));
}
