/*
 * tokenize.c - tokens with byte offsets, kinds, flags, case-folded forms
 * and shapes (see segment.h for the two layers).
 *
 * Layer 1, raw segments. The text is cut into chunks at white space (UAX #29
 * always breaks around ASCII white space, so chunks segment independently).
 * A chunk made of ASCII (but '@', which ICU's rules treat specially) and
 * the common punctuation marks ‘ ’ “ ” – — … • ₹ € £ ° is segmented by
 * fast_segments(), which implements the UAX #29 word rules those characters
 * can reach (WB5-WB13b); any other chunk goes to ICU's word break iterator
 * over a UTF-8 UText. tests/unit/test_tokenize.c compares both on varied
 * text, segment for segment and token for token.
 *
 * Layer 2, corrections (identical for both paths), in correct_part():
 *   - URLs (scheme:// or www.) and e-mail addresses: one token, without
 *     the punctuation around them;
 *   - "world.Today" (no space after a full stop) splits; "5pm", "9:24PM"
 *     split the number from am/pm: "9:24PM" -> "9:24" "PM";
 *   - word + "." -> one token (flag ABBREV) when the word has inner
 *     periods ("U.S", "e.g", "a.m"), is one letter ("J", "p") or is in the
 *     abbreviations lexicon; "no", "p", "vol" ... only before a number;
 *   - contractions and possessives split: "don't" -> "do" "n't",
 *     "Russia’s" -> "Russia" "’s" (norm "'s"), "Jr.'s" -> "Jr." "'s";
 *   - hyphenated words stay one token when a side has a letter
 *     ("day-to-day", "COVID-19"); number ranges split ("1990" "-" "2000");
 *   - times "9:24", "21:05:30" are one NUMBER token;
 *   - runs of periods ("...", "....") and of hyphens ("--") are one token;
 *   - "rock ’n’ roll": "’n’" is one word; "’90s" is one token;
 *   - currency: "₹900" -> "₹" "900", "$1.5" -> "$" "1.5" (symbol and number);
 *   - a BOM at offset 0, white space and NUL bytes are not tokens.
 * Quote marks are QUOTE tokens: curly ones open or close by form, straight
 * ones by context (space or start before: open; letter or punctuation
 * before and space or punctuation after: close); an apostrophe after a
 * plural "s" ("the states' rights") is neither.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "segment.h"

/* A text of at most this many bytes gets its token block with the room of
 * its public tokens from the start (nfi_tokenize). */
enum { SMALL_TEXT = 32 * 1024 };

/* ------------------------------------------------------------ built-in data */

/* Used when the rules define no "abbreviations" lexicon (rules/00-tokenizer.yaml
 * normally does; the YAML list wins). Lower case, without the final period. */
typedef struct abbrev_entry {
    const char *s;
    nfi_abbrev_kind kind;
} abbrev_entry;

static const abbrev_entry builtin_abbrevs[] = {
    /* sorted by s (strcmp) for bsearch */
    {"adm", NFI_ABBR_TITLE},   {"al", NFI_ABBR_PLAIN},     {"ala", NFI_ABBR_PLAIN},
    {"approx", NFI_ABBR_PLAIN}, {"apr", NFI_ABBR_MONTH},   {"ariz", NFI_ABBR_PLAIN},
    {"ark", NFI_ABBR_PLAIN},   {"art", NFI_ABBR_NUMBER},   {"assn", NFI_ABBR_PLAIN},
    {"asst", NFI_ABBR_TITLE},  {"atty", NFI_ABBR_TITLE},   {"aug", NFI_ABBR_MONTH},
    {"ave", NFI_ABBR_PLAIN},   {"blvd", NFI_ABBR_PLAIN},   {"brig", NFI_ABBR_TITLE},
    {"bros", NFI_ABBR_PLAIN},  {"calif", NFI_ABBR_PLAIN},  {"capt", NFI_ABBR_TITLE},
    {"cf", NFI_ABBR_PLAIN},    {"ch", NFI_ABBR_NUMBER},    {"cmdr", NFI_ABBR_TITLE},
    {"co", NFI_ABBR_PLAIN},    {"col", NFI_ABBR_TITLE},    {"colo", NFI_ABBR_PLAIN},
    {"conn", NFI_ABBR_PLAIN},  {"corp", NFI_ABBR_PLAIN},   {"cpl", NFI_ABBR_TITLE},
    {"dec", NFI_ABBR_MONTH},   {"dept", NFI_ABBR_PLAIN},   {"det", NFI_ABBR_TITLE},
    {"dr", NFI_ABBR_TITLE},    {"esq", NFI_ABBR_PLAIN},    {"est", NFI_ABBR_PLAIN},
    {"etc", NFI_ABBR_PLAIN},   {"feb", NFI_ABBR_MONTH},    {"fig", NFI_ABBR_NUMBER},
    {"figs", NFI_ABBR_NUMBER}, {"fla", NFI_ABBR_PLAIN},    {"fr", NFI_ABBR_TITLE},
    {"fri", NFI_ABBR_PLAIN},   {"ft", NFI_ABBR_TITLE},     {"gen", NFI_ABBR_TITLE},
    {"gov", NFI_ABBR_TITLE},   {"govt", NFI_ABBR_PLAIN},   {"hon", NFI_ABBR_TITLE},
    {"hwy", NFI_ABBR_PLAIN},   {"inc", NFI_ABBR_PLAIN},    {"insp", NFI_ABBR_TITLE},
    {"intl", NFI_ABBR_PLAIN},  {"jan", NFI_ABBR_MONTH},    {"jr", NFI_ABBR_PLAIN},
    {"jul", NFI_ABBR_MONTH},   {"jun", NFI_ABBR_MONTH},    {"kan", NFI_ABBR_PLAIN},
    {"lt", NFI_ABBR_TITLE},    {"ltd", NFI_ABBR_PLAIN},    {"maj", NFI_ABBR_TITLE},
    {"mar", NFI_ABBR_MONTH},   {"messrs", NFI_ABBR_TITLE}, {"mich", NFI_ABBR_PLAIN},
    {"minn", NFI_ABBR_PLAIN},  {"mme", NFI_ABBR_TITLE},    {"mont", NFI_ABBR_PLAIN},
    {"mr", NFI_ABBR_TITLE},    {"mrs", NFI_ABBR_TITLE},    {"ms", NFI_ABBR_TITLE},
    {"msgr", NFI_ABBR_TITLE},  {"mt", NFI_ABBR_TITLE},     {"mts", NFI_ABBR_TITLE},
    {"neb", NFI_ABBR_PLAIN},   {"nev", NFI_ABBR_PLAIN},    {"no", NFI_ABBR_NUMBER},
    {"nos", NFI_ABBR_NUMBER},  {"nov", NFI_ABBR_MONTH},    {"oct", NFI_ABBR_MONTH},
    {"okla", NFI_ABBR_PLAIN},  {"op", NFI_ABBR_NUMBER},    {"pp", NFI_ABBR_NUMBER},
    {"pres", NFI_ABBR_TITLE},  {"prof", NFI_ABBR_TITLE},   {"pvt", NFI_ABBR_TITLE},
    {"rd", NFI_ABBR_PLAIN},    {"rep", NFI_ABBR_TITLE},    {"reps", NFI_ABBR_TITLE},
    {"rev", NFI_ABBR_TITLE},   {"sen", NFI_ABBR_TITLE},    {"sens", NFI_ABBR_TITLE},
    {"sep", NFI_ABBR_MONTH},   {"sept", NFI_ABBR_MONTH},   {"sgt", NFI_ABBR_TITLE},
    {"sr", NFI_ABBR_PLAIN},    {"st", NFI_ABBR_TITLE},     {"supt", NFI_ABBR_TITLE},
    {"tenn", NFI_ABBR_PLAIN},  {"tex", NFI_ABBR_PLAIN},    {"thu", NFI_ABBR_PLAIN},
    {"thur", NFI_ABBR_PLAIN},  {"thurs", NFI_ABBR_PLAIN},  {"tue", NFI_ABBR_PLAIN},
    {"tues", NFI_ABBR_PLAIN},  {"univ", NFI_ABBR_PLAIN},   {"vol", NFI_ABBR_NUMBER},
    {"vols", NFI_ABBR_NUMBER}, {"vs", NFI_ABBR_PLAIN},     {"vt", NFI_ABBR_PLAIN},
    {"wis", NFI_ABBR_PLAIN},   {"wyo", NFI_ABBR_PLAIN},
};

static const char *const builtin_starters[] = {
    /* sorted (strcmp) */
    "a",       "after",     "all",    "also",      "although", "an",    "and",   "are",
    "as",      "at",        "because", "before",   "both",     "but",   "by",    "can",
    "could",   "did",       "do",     "does",      "during",   "each",  "for",   "from",
    "had",     "has",       "have",   "he",        "her",      "here",  "his",   "how",
    "however", "i",         "if",     "in",        "is",       "it",    "its",   "let",
    "many",    "meanwhile", "most",   "my",        "no",       "not",   "now",   "on",
    "one",     "our",       "please", "she",       "should",   "since", "so",    "some",
    "still",   "such",      "that",   "the",       "their",    "then",  "there", "these",
    "they",    "this",      "those",  "though",    "to",       "today", "was",   "we",
    "were",    "what",      "when",   "where",     "which",    "while", "who",   "why",
    "will",    "with",      "would",  "yes",       "yesterday", "yet",  "you",   "your",
};

static int abbrev_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const abbrev_entry *)elem)->s);
}

static int str_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* False when s[0,n) is surely not an abbreviations entry. Most keys (the
 * last words of sentences) are none, and a key that is its own case fold
 * (ASCII without upper-case letters, as abbreviation() makes them) is
 * ruled out by its word id and the lexicon's bit for it, without
 * nfi_lexicon_has's folding and trie probe. True: look closer. */
static bool abbrev_candidate(const nfi_seg_ws *ws, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= 'A' && c <= 'Z')) return true;
    }
    return nfi_lexicon_has_word(ws->abbrevs, nfi_lexicon_word_folded(ws->rules, s, n));
}

nfi_abbrev_kind nfi_abbrev_lookup(const nfi_seg_ws *ws, const char *s, size_t n)
{
    if (ws && ws->abbrevs) {
        if (!abbrev_candidate(ws, s, n) || !nfi_lexicon_has(ws->abbrevs, s, n)) return NFI_ABBR_NONE;
        const char *kind = nfi_lexicon_attr(ws->abbrevs, s, n, "kind");
        if (!kind) return NFI_ABBR_PLAIN;
        if (!strcmp(kind, "title")) return NFI_ABBR_TITLE;
        if (!strcmp(kind, "number")) return NFI_ABBR_NUMBER;
        if (!strcmp(kind, "time")) return NFI_ABBR_TIME;
        if (!strcmp(kind, "month")) return NFI_ABBR_MONTH;
        return NFI_ABBR_PLAIN;
    }
    char key[16];
    if (n == 0 || n >= sizeof key) return NFI_ABBR_NONE;
    memcpy(key, s, n);
    key[n] = '\0';
    if (!strcmp(key, "a.m") || !strcmp(key, "p.m")) return NFI_ABBR_TIME;
    const abbrev_entry *e = bsearch(key, builtin_abbrevs,
                                    sizeof builtin_abbrevs / sizeof builtin_abbrevs[0],
                                    sizeof builtin_abbrevs[0], abbrev_cmp);
    return e ? e->kind : NFI_ABBR_NONE;
}

bool nfi_sentence_starter(const nfi_seg_ws *ws, const char *s, size_t n)
{
    if (ws && ws->starters) return nfi_lexicon_has(ws->starters, s, n);
    char key[16];
    if (n == 0 || n >= sizeof key) return false;
    memcpy(key, s, n);
    key[n] = '\0';
    return bsearch(key, builtin_starters, sizeof builtin_starters / sizeof builtin_starters[0],
                   sizeof builtin_starters[0], str_cmp) != NULL;
}

/* ------------------------------------------------------------ workspace */

nfi_seg_ws *nfi_seg_ws_new(const nf_rules *rules, nf_error *err)
{
    /* aligned as its type asks, so that a form cache entry is one cache
       line (calloc's 16-byte alignment put every entry across two); from
       calloc all the same, whose large blocks are pages zeroed when first
       touched, where a memset would make the whole cache resident */
    const uintptr_t align = _Alignof(nfi_seg_ws);
    void *block = calloc(1, sizeof(nfi_seg_ws) + align - 1);
    if (!block) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    nfi_seg_ws *ws = (nfi_seg_ws *)(((uintptr_t)block + align - 1) & ~(align - 1));
    ws->block = block;
    UErrorCode st = U_ZERO_ERROR;
    ws->word = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
    if (U_FAILURE(st)) {
        nfi_error_set(err, NF_ERR_ICU, "", 0, 0, "ICU word break iterator: %s", u_errorName(st));
        if (err) err->detail = (int)st;
        nfi_seg_ws_free(ws);
        return NULL;
    }
    if (rules) {
        ws->rules = rules;
        ws->abbrevs = nfi_rules_lexicon(rules, "abbreviations");
        ws->starters = nfi_rules_lexicon(rules, "sentence_starters");
    }
    return ws;
}

void nfi_seg_ws_free(nfi_seg_ws *ws)
{
    if (!ws) return;
    if (ws->word) ubrk_close(ws->word);
    nfi_vec_free(&ws->segs);
    free(ws->fold);
    free(ws->u16);
    free(ws->block);
}

/* ------------------------------------------------------------ characters */

enum {
    C_SPACE = 1, /* white space or NUL: ends a chunk */
    C_NL,        /* '\n': ends a chunk, counts a line */
    C_ALETTER,
    C_NUM,
    C_ENL,       /* '_' */
    C_MIDNUMLET, /* . ' ‘ ’ */
    C_MIDNUM,    /* , ; */
    C_OTHER,     /* any other ASCII or known mark: a segment of its own */
    C_ICU,       /* needs ICU */
    C_HIGH       /* lead byte of a non-ASCII sequence: look closer */
};

/* Class of each byte (C_HIGH: look at the whole sequence). Generated:
 * letters, digits, '_', ". '", ", ;", '\n', white space and NUL, '@', the rest. */
static const unsigned char ascii_class[256] = {
    1, 8, 8, 8, 8, 8, 8, 8, 8, 1, 2, 1, 1, 1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    1, 8, 8, 8, 8, 8, 8, 6, 8, 8, 8, 8, 7, 8, 6, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 7, 8, 8, 8, 8,
    9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 8, 8, 8, 8, 5,
    8, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 8, 8, 8, 8, 8,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
};

/* Class of a non-ASCII sequence at p (n bytes available), with its length.
 * Known marks are classified; white space is C_SPACE/C_NL; the rest C_ICU. */
static int high_class(const unsigned char *p, size_t n, size_t *len)
{
    if (n >= 2 && p[0] == 0xC2) {
        *len = 2;
        switch (p[1]) {
        case 0xA0: return C_SPACE;                /* no-break space */
        case 0x85: return C_NL;                   /* next line */
        case 0xA3: case 0xB0: return C_OTHER;     /* £ ° */
        }
        return C_ICU;
    }
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80) {
        *len = 3;
        unsigned c = p[2];
        if (c <= 0x8A || c == 0xAF) return C_SPACE; /* en quad .. hair space, narrow nbsp */
        if (c == 0xA8 || c == 0xA9) return C_NL;   /* line, paragraph separator */
        if (c == 0x98 || c == 0x99) return C_MIDNUMLET; /* ‘ ’ */
        if (c == 0x9C || c == 0x9D || c == 0x93 || c == 0x94 || c == 0xA6 || c == 0xA2)
            return C_OTHER; /* “ ” – — … • */
        return C_ICU;
    }
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x82) {
        *len = 3;
        return p[2] == 0xB9 || p[2] == 0xAC ? C_OTHER : C_ICU; /* ₹ € */
    }
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) {
        *len = 3;
        return C_SPACE; /* medium mathematical space */
    }
    if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
        *len = 3;
        return C_SPACE; /* ideographic space */
    }
    /* an unknown sequence: its length from the lead byte (input is valid UTF-8) */
    size_t k = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    *len = k <= n ? k : n;
    return C_ICU;
}

static inline int char_class(const unsigned char *p, size_t n, size_t *len)
{
    int k = ascii_class[p[0]];
    if (k != C_HIGH) {
        *len = 1;
        return k;
    }
    return high_class(p, n, len);
}

/* ------------------------------------------------------------ raw segments */

typedef struct tk_ctx {
    nf_doc *doc;
    nfi_seg_ws *ws;
    const unsigned char *t; /* doc->work */
    size_t n;
    uint32_t pending;       /* flags for the next token (space, line, paragraph) */
    bool single_open, double_open;
} tk_ctx;

/* Grows the segment array (cold: it is kept from chunk to chunk). */
static NFI_COLD bool seg_grow(nfi_seg_ws *ws)
{
    size_t cap = ws->segs.cap ? ws->segs.cap * 2 : 64;
    nfi_seg *items = realloc(ws->segs.items, cap * sizeof *items);
    if (!items) {
        ws->status = NF_ERR_NOMEM;
        return false;
    }
    ws->segs.items = items;
    ws->segs.cap = cap;
    return true;
}

static inline void seg_push(nfi_seg_ws *ws, size_t s, size_t e)
{
    if (ws->segs.len == ws->segs.cap && !seg_grow(ws)) return;
    nfi_seg *g = &ws->segs.items[ws->segs.len++];
    g->start = s;
    g->end = e;
}

static inline bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static inline bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(unsigned char c) { return is_lower(c) || is_upper(c); }
static inline unsigned char lower(unsigned char c) { return is_upper(c) ? (unsigned char)(c + 32) : c; }

/* "5pm", "9PM", "5p.m": the number and the am/pm apart. */
static void push_split_ampm(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e)
{
    if (e - s >= 3 && is_digit(t[s])) {
        size_t d = s;
        while (d < e && is_digit(t[d])) d++;
        size_t k = e - d;
        if ((k == 2 || k == 3) && (lower(t[d]) == 'a' || lower(t[d]) == 'p') &&
            ((k == 2 && lower(t[d + 1]) == 'm') ||
             (k == 3 && t[d + 1] == '.' && lower(t[d + 2]) == 'm'))) {
            seg_push(ws, s, d);
            seg_push(ws, d, e);
            return;
        }
    }
    seg_push(ws, s, e);
}

/* Adds one raw segment with the pre-splits both paths share: "world.Today"
 * (a full stop without the space) and "5pm". */
static NFI_COLD void add_seg_split(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e, bool dot)
{
    size_t cur = s;
    if (dot && e - s >= 4 && is_alpha(t[s])) {
        for (size_t p = s + 1; p + 2 < e; p++) {
            if (t[p] == '.' && is_lower(t[p - 1]) && is_upper(t[p + 1]) && is_lower(t[p + 2]) &&
                p - cur >= 2) {
                seg_push(ws, cur, p);
                seg_push(ws, p, p + 1);
                cur = p + 1;
            }
        }
    }
    push_split_ampm(ws, t, cur, e);
}

/* add_seg_split() where a split may happen (a full stop inside, or a
 * number of 3 bytes or more), seg_push() else. */
static inline void add_seg(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e, bool dot)
{
    if (dot || (e - s >= 3 && is_digit(t[s]))) add_seg_split(ws, t, s, e, dot);
    else seg_push(ws, s, e);
}

/* The word bytes of ascii_class (C_ALETTER, C_NUM, C_ENL: letters, digits,
 * '_') as a table of their own: the word scan tests one byte with one
 * compare, where the class range took a subtraction more. ASCII only; the
 * bytes from 0x80 are 0. */
static const unsigned char word_tab[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

/* A letter, digit or '_': what a word segment is made of (WB5, WB8-WB10, WB13a/b). */
static inline bool word_byte(unsigned char c)
{
    return word_tab[c];
}

/* Marks word_end() took into a word segment. */
enum { MARK_DOT = 1, MARK_OTHER = 2 };

/* End of the word segment that starts with the word byte at t[i] (t[i,n)
 * has no white space before the chunk's end): word bytes, and a mid mark
 * between two letters (. ' ‘ ’) or two digits (. ' ‘ ’ , ;), WB6/7, WB11/12.
 * *marks gets MARK_DOT for a '.' taken in, MARK_OTHER for another mark.
 * text_end: n is the end of the document's text, where its NUL stands (no
 * word byte), so that the loop over word bytes needs no bound. */
static inline size_t word_end(const unsigned char *t, size_t i, size_t n, int *marks, bool text_end)
{
    size_t j = i + 1;
    for (;;) {
        if (text_end) {
            while (word_byte(t[j])) j++;
        } else {
            while (j < n && word_byte(t[j])) j++;
        }
        if (j >= n) return j;
        size_t l2;
        int c2 = char_class(t + j, n - j, &l2);
        if ((c2 != C_MIDNUMLET && c2 != C_MIDNUM) || j + l2 >= n) return j;
        /* the word bytes are ASCII: the classes of the bytes either side */
        int last = ascii_class[t[j - 1]], next = ascii_class[t[j + l2]];
        if (!((last == C_ALETTER && next == C_ALETTER && c2 == C_MIDNUMLET) ||
              (last == C_NUM && next == C_NUM)))
            return j;
        *marks |= t[j] == '.' ? MARK_DOT : MARK_OTHER;
        j += l2 + 1;
    }
}

/* UAX #29 word segments of a fast-path chunk t[s,e). */
static void fast_segments(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e)
{
    size_t i = s;
    while (i < e) {
        if (word_byte(t[i])) {
            int marks = 0;
            size_t j = word_end(t, i, e, &marks, false);
            add_seg(ws, t, i, j, marks & MARK_DOT);
            i = j;
        } else {
            size_t l;
            char_class(t + i, e - i, &l);
            add_seg(ws, t, i, i + l, false);
            i += l;
        }
    }
}

/* Scans the chunk starting at s (up to white space or n) and segments it by
 * the fast path on the way. Returns the chunk's end; *icu is set when the
 * chunk needs ICU (its segments are then incomplete), *colon_at when it
 * holds ':' or '@' (maybe a URL or an e-mail address). */
static size_t fast_chunk(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t n, bool *icu,
                         bool *colon_at)
{
    size_t i = s;
    while (i < n) {
        if (word_byte(t[i])) {
            int marks = 0;
            size_t j = word_end(t, i, n, &marks, true);
            if (!*icu) add_seg(ws, t, i, j, marks & MARK_DOT);
            i = j;
            continue;
        }
        size_t l;
        int c = char_class(t + i, n - i, &l);
        if (c == C_SPACE || c == C_NL) break;
        if (c == C_ICU) *icu = true;
        if (t[i] == ':' || t[i] == '@') *colon_at = true;
        if (!*icu) add_seg(ws, t, i, i + l, false);
        i += l;
    }
    return i;
}

static bool all_space(const unsigned char *t, size_t s, size_t e)
{
    size_t i = s;
    while (i < e) {
        if (t[i] < 0x80) {
            int k = ascii_class[t[i]];
            if (k != C_SPACE && k != C_NL) return false;
            i++;
            continue;
        }
        UChar32 c;
        U8_NEXT(t, i, e, c);
        if (c < 0 || !u_isUWhiteSpace(c)) return false;
    }
    return true;
}

/* ICU word segments of t[s,e), white space dropped. */
static void icu_segments(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e)
{
    UErrorCode st = U_ZERO_ERROR;
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, (const char *)t + s, (int64_t)(e - s), &st);
    ubrk_setUText(ws->word, &ut, &st);
    if (U_FAILURE(st)) {
        ws->status = NF_ERR_ICU;
        utext_close(&ut);
        return;
    }
    int32_t p = ubrk_first(ws->word), q;
    while ((q = ubrk_next(ws->word)) != UBRK_DONE) {
        size_t a = s + (size_t)p, b = s + (size_t)q;
        /* a segment that starts with white space but holds more (a
         * combining mark after a space) keeps the rest */
        while (a < b && t[a] < 0x80 && (ascii_class[t[a]] == C_SPACE || ascii_class[t[a]] == C_NL))
            a++;
        if (a < b && !all_space(t, a, b)) add_seg(ws, t, a, b, memchr(t + a, '.', b - a) != NULL);
        p = q;
    }
    utext_close(&ut);
}

/* ------------------------------------------------------------ token forms */

static bool ensure_fold(nfi_seg_ws *ws, size_t need)
{
    if (need <= ws->fold_cap) return true;
    size_t cap = ws->fold_cap ? ws->fold_cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(ws->fold, cap);
    if (!p) return false;
    ws->fold = p;
    ws->fold_cap = cap;
    return true;
}

static bool ensure_u16(nfi_seg_ws *ws, size_t need)
{
    if (need <= ws->u16_cap) return true;
    size_t cap = ws->u16_cap ? ws->u16_cap : 256;
    while (cap < need) cap *= 2;
    uint16_t *p = realloc(ws->u16, cap * sizeof *p);
    if (!p) return false;
    ws->u16 = p;
    ws->u16_cap = cap;
    return true;
}

/* Shape characters: X upper, x lower, d digit, the character itself else;
 * more than 4 equal shape characters in a row are cut to 4. */
typedef struct shape_acc {
    char *out;
    size_t len;
    char last[4];
    size_t last_len;
    int run;
} shape_acc;

static inline void shape_put(shape_acc *a, const char *c, size_t n)
{
    if (n == a->last_len && c[0] == a->last[0] && (n == 1 || memcmp(c, a->last, n) == 0)) {
        if (++a->run >= 4) return;
    } else {
        a->run = 0;
        memcpy(a->last, c, n);
        a->last_len = n;
    }
    memcpy(a->out + a->len, c, n);
    a->len += n;
}

/* The shape character of an ASCII byte: X upper, x lower, d digit, else itself. */
static inline char ascii_shape(unsigned char c)
{
    return is_upper(c) ? 'X' : is_lower(c) ? 'x' : is_digit(c) ? 'd' : (char)c;
}

/* ascii_shape() of each ASCII byte. Generated: 'X' upper, 'x' lower,
 * 'd' digit, the byte itself else. */
static const char ascii_shape_tab[128] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
    'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 58, 59, 60, 61, 62, 63,
    64, 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X',
    'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 91, 92, 93, 94, 95,
    96, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
    'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 123, 124, 125, 126, 127,
};

/* 0xFF in the first k bytes of the 8 at keep_first + 8 - k (k <= 8), in
 * memory order whatever the byte order. */
static const unsigned char keep_first[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* forms_simple() of an ASCII token. The ASCII test, the case flags and the
 * norm go eight bytes a step (the text has NFI_TEXT_PAD bytes after it;
 * norm has room for 7 bytes after the token's: token_forms puts the shape
 * 8 bytes after it); then the shape a run of equal shape characters at a
 * time, each written as four and counted as at most four (shape has room
 * for 3 bytes after the token's). False when a byte is not ASCII. */
static inline bool forms_ascii(const unsigned char *t, size_t s, size_t e, char *norm, size_t *nlen,
                               char *shape, size_t *slen, uint32_t *flags)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const unsigned char *p = t + s;
    size_t n = e - s;
    uint64_t uppers = 0, lowers = 0;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = nfi_load_u64(p + i);
        if (n - i < 8) v &= nfi_load_u64(keep_first + 8 - (n - i)); /* the token's bytes only */
        if (v & high) return false;
        /* the sums carry into no other byte: each byte is below 0x80 */
        uint64_t up = (v + ones * (0x80 - 'A')) & ~(v + ones * (0x7f - 'Z')) & high;
        uppers |= up;
        lowers |= (v + ones * (0x80 - 'a')) & ~(v + ones * (0x7f - 'z')) & high;
        v |= up >> 2; /* A-Z lower-cased */
        memcpy(norm + i, &v, 8);
    }
    size_t sl = 0;
    for (size_t i = 0; i < n;) {
        char sc = ascii_shape_tab[p[i]];
        size_t j = i + 1;
        while (j < n && ascii_shape_tab[p[j]] == sc) j++;
        uint32_t four = (unsigned char)sc * 0x01010101u;
        memcpy(shape + sl, &four, 4);
        sl += j - i < 4 ? j - i : 4;
        i = j;
    }
    if (is_upper(p[0])) *flags |= NF_TOKEN_CAPITALIZED;
    if (uppers && !lowers) *flags |= NF_TOKEN_ALL_UPPER;
    *nlen = n;
    *slen = sl;
    return true;
}

/* Norm and shape of an all-ASCII token, or one whose only non-ASCII
 * characters are known marks without case; false when ICU must fold.
 * The shape's runs are counted in the loop's own variables (a character
 * of one byte is a run's whole key) and put into shape_acc only when a
 * mark of several bytes comes. */
static bool forms_simple(const unsigned char *t, size_t s, size_t e, char *norm, size_t *nlen,
                         char *shape, size_t *slen, uint32_t *flags)
{
    if (forms_ascii(t, s, e, norm, nlen, shape, slen, flags)) return true;
    size_t nl = 0;
    shape_acc a = {shape, 0, {0}, 0, 0};
    bool has_upper = false, has_lower = false;
    for (size_t i = s; i < e;) {
        unsigned char c = t[i];
        if (c < 0x80) {
            has_upper |= is_upper(c);
            has_lower |= is_lower(c);
            norm[nl++] = (char)lower(c);
            char sc = ascii_shape(c);
            if (a.last_len == 1 && a.last[0] == sc) {
                if (++a.run < 4) shape[a.len++] = sc;
            } else {
                a.run = 0;
                a.last[0] = sc;
                a.last_len = 1;
                shape[a.len++] = sc;
            }
            i++;
            continue;
        }
        size_t l;
        int k = high_class(t + i, e - i, &l);
        if (k != C_OTHER && k != C_MIDNUMLET) return false;
        *flags |= NF_TOKEN_NON_ASCII;
        if (l == 3 && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0x99) {
            norm[nl++] = '\''; /* ’ -> ' */
        } else {
            memcpy(norm + nl, t + i, l);
            nl += l;
        }
        shape_put(&a, (const char *)t + i, l);
        i += l;
    }
    if (e > s && is_upper(t[s])) *flags |= NF_TOKEN_CAPITALIZED;
    if (has_upper && !has_lower) *flags |= NF_TOKEN_ALL_UPPER;
    *nlen = nl;
    *slen = a.len;
    return true;
}

/* Norm (ICU full case folding, ’ -> ') and shape of any token. */
/* Shape and case flags of t[s,e) into shape (at most e - s bytes). */
static size_t shape_icu(const unsigned char *t, size_t s, size_t e, char *shape, uint32_t *flags)
{
    shape_acc a = {shape, 0, {0}, 0, 0};
    bool has_upper = false, has_lower = false, first = true;
    for (size_t i = s; i < e;) {
        size_t at = i;
        UChar32 c;
        U8_NEXT(t, i, e, c);
        if (c < 0) c = 0xFFFD;
        if (c >= 0x80) *flags |= NF_TOKEN_NON_ASCII;
        bool up = u_isupper(c) || u_istitle(c), lo = u_islower(c);
        if (first && up) *flags |= NF_TOKEN_CAPITALIZED;
        first = false;
        has_upper |= up;
        has_lower |= lo;
        if (up) shape_put(&a, "X", 1);
        else if (lo || u_isalpha(c)) shape_put(&a, "x", 1);
        else if (u_isdigit(c)) shape_put(&a, "d", 1);
        else shape_put(&a, (const char *)t + at, i - at);
    }
    if (has_upper && !has_lower) *flags |= NF_TOKEN_ALL_UPPER;
    return a.len;
}

/* Forms of a very long token (a megabyte without white space): simple case
 * folding code point by code point, in bounded memory. */
static nf_status forms_long(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e,
                            char **norm, size_t *nlen, char **shape, size_t *slen,
                            uint32_t *flags)
{
    size_t n = e - s;
    if (!ensure_fold(ws, 3 * n + 32)) return NF_ERR_NOMEM;
    char *o = ws->fold;
    size_t k = 0;
    for (size_t i = s; i < e;) {
        UChar32 c;
        U8_NEXT(t, i, e, c);
        if (c < 0) c = 0xFFFD;
        c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        if (c == 0x2019 || c == 0x02BC) c = '\'';
        U8_APPEND_UNSAFE(o, k, c); /* simple folding grows a character by 1 byte at most */
    }
    *norm = ws->fold;
    *nlen = k;
    *shape = ws->fold + 2 * n + 16;
    *slen = shape_icu(t, s, e, *shape, flags);
    return NF_OK;
}

static nf_status forms_icu(nfi_seg_ws *ws, const unsigned char *t, size_t s, size_t e,
                           char **normp, size_t *nlen, char **shapep, size_t *slen,
                           uint32_t *flags)
{
    size_t n = e - s;
    if (n > (1u << 16)) return forms_long(ws, t, s, e, normp, nlen, shapep, slen, flags);
    /* fold: up to 3 UTF-16 units per unit, 3 UTF-8 bytes per unit */
    if (!ensure_u16(ws, 4 * (n + 1)) || !ensure_fold(ws, 10 * (n + 1) + n + 16)) return NF_ERR_NOMEM;
    UErrorCode st = U_ZERO_ERROR;
    int32_t u16len = 0;
    UChar *src = (UChar *)ws->u16, *dst = src + (n + 1);
    u_strFromUTF8(src, (int32_t)(n + 1), &u16len, (const char *)t + s, (int32_t)n, &st);
    if (U_FAILURE(st)) return NF_ERR_ICU;
    int32_t flen = u_strFoldCase(dst, (int32_t)(3 * (n + 1)), src, u16len, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st)) return NF_ERR_ICU;
    for (int32_t i = 0; i < flen; i++)
        if (dst[i] == 0x2019 || dst[i] == 0x02BC) dst[i] = '\'';
    int32_t olen = 0;
    char *norm = ws->fold;
    char *shape = ws->fold + 9 * (n + 1) + 8;
    u_strToUTF8(norm, (int32_t)(9 * (n + 1)), &olen, dst, flen, &st);
    if (U_FAILURE(st)) return NF_ERR_ICU;
    *nlen = (size_t)olen;
    *slen = shape_icu(t, s, e, shape, flags);
    *normp = norm;
    *shapep = shape;
    return NF_OK;
}

/* ------------------------------------------------------------ kinds */

static bool is_bullet(UChar32 c)
{
    return c == 0x2022 || c == 0x2023 || c == 0x2043 || c == 0x25E6 || c == 0x2219 ||
           c == 0x25AA || c == 0x25CF || c == 0x25A0 || c == 0x00B7;
}

static bool is_quote_cp(UChar32 c)
{
    return c == '"' || c == '\'' || c == '`' || (c >= 0x2018 && c <= 0x201F) || c == 0x00AB ||
           c == 0x00BB || c == 0x2039 || c == 0x203A;
}

static uint32_t kind_of(const unsigned char *t, size_t s, size_t e)
{
    unsigned char c = t[s];
    if (c < 0x80) {
        if (is_alpha(c) || c == '_') return NF_TOKEN_WORD;
        if (is_digit(c)) {
            /* digits with letters: ordinals are numbers, "5G" a word */
            size_t i = s, letters = 0;
            while (i < e && !is_alpha(t[i])) i++;
            size_t first_letter = i;
            for (; i < e; i++)
                if (is_alpha(t[i]) || t[i] >= 0x80) letters++;
            if (!letters) return NF_TOKEN_NUMBER;
            if (letters == 2 && e - first_letter == 2) {
                char a = (char)lower(t[first_letter]), b = (char)lower(t[first_letter + 1]);
                if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
                    (a == 't' && b == 'h'))
                    return NF_TOKEN_NUMBER;
            }
            return NF_TOKEN_WORD;
        }
        if (c == '"' || c == '\'' || c == '`') return NF_TOKEN_QUOTE;
        if (strchr(".,;:!?()[]{}-/\\", c)) return NF_TOKEN_PUNCT;
        return NF_TOKEN_SYMBOL;
    }
    size_t i = s;
    UChar32 cp;
    U8_NEXT(t, i, e, cp);
    if (cp < 0) return NF_TOKEN_SYMBOL;
    if (is_quote_cp(cp)) return NF_TOKEN_QUOTE;
    if (is_bullet(cp)) return NF_TOKEN_SYMBOL;
    int8_t type = u_charType(cp);
    switch (type) {
    case U_DECIMAL_DIGIT_NUMBER: return NF_TOKEN_NUMBER;
    case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION: case U_OTHER_PUNCTUATION: case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
        return NF_TOKEN_PUNCT;
    case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
    case U_OTHER_NUMBER:
        return NF_TOKEN_SYMBOL;
    default:
        return NF_TOKEN_WORD;
    }
}

/* ------------------------------------------------------------ emitting */

static inline bool space_byte(unsigned char c)
{
    int k = ascii_class[c];
    return k == C_SPACE || k == C_NL;
}

/* What a quote mark at [s,e) does, from its form or its neighbours. */
static uint32_t quote_flags(tk_ctx *x, size_t s, size_t e)
{
    const unsigned char *t = x->t;
    bool dbl;
    if (t[s] < 0x80) {
        dbl = t[s] == '"';
        if (t[s] == '`') return NF_TOKEN_QUOTE_OPEN;
    } else {
        if (e - s == 3 && t[s] == 0xE2 && t[s + 1] == 0x80) {
            unsigned c = t[s + 2];
            if (c == 0x9C || c == 0x9E || c == 0x98 || c == 0x9A) return NF_TOKEN_QUOTE_OPEN; /* “ „ ‘ ‚ */
            if (c == 0x9D) return NF_TOKEN_QUOTE_CLOSE; /* ” */
            if (c == 0x99) {                            /* ’ */
                dbl = false;
                goto apostrophe;
            }
            if (c == 0xB9) return NF_TOKEN_QUOTE_OPEN;  /* ‹ */
            if (c == 0xBA) return NF_TOKEN_QUOTE_CLOSE; /* › */
        }
        if (e - s == 2 && t[s] == 0xC2) return t[s + 1] == 0xAB ? NF_TOKEN_QUOTE_OPEN : NF_TOKEN_QUOTE_CLOSE;
        return 0;
    }
    {
        bool before_open = s == 0 || space_byte(t[s - 1]) || strchr("([{-/", t[s - 1]) ||
                           t[s - 1] == '"' || t[s - 1] == '\'' ||
                           (s >= 3 && t[s - 3] == 0xE2 && t[s - 2] == 0x80 &&
                            (t[s - 1] == 0x9C || t[s - 1] == 0x98 || t[s - 1] == 0x94 ||
                             t[s - 1] == 0x93 || t[s - 1] == 0xA6)) ||
                           (s >= 2 && t[s - 2] == 0xC2 && t[s - 1] == 0xA0);
        if (dbl) {
            if (before_open && !(e < x->n && space_byte(t[e]) && x->double_open)) return NF_TOKEN_QUOTE_OPEN;
            bool after_close = e >= x->n || space_byte(t[e]) || strchr(".,;:!?)]}-'\"", t[e]) ||
                               t[e] >= 0x80;
            if (after_close || x->double_open) return NF_TOKEN_QUOTE_CLOSE;
            return NF_TOKEN_QUOTE_OPEN;
        }
        if (before_open) return NF_TOKEN_QUOTE_OPEN;
    }
apostrophe:
    /* a closing single quote, or the apostrophe of a plural possessive */
    if (!x->single_open && s > 0 && (t[s - 1] == 's' || t[s - 1] == 'S') &&
        (e >= x->n || space_byte(t[e]) || strchr(".,;:!?)", t[e])))
        return 0;
    if (t[s] == 0xE2) return NF_TOKEN_QUOTE_CLOSE;
    {
        bool after_close = e >= x->n || space_byte(t[e]) || strchr(".,;:!?)]}-'\"", t[e]) ||
                           t[e] >= 0x80;
        if (after_close || x->single_open) return NF_TOKEN_QUOTE_CLOSE;
        return NF_TOKEN_QUOTE_OPEN;
    }
}

/* A large token block is put on transparent huge pages where the system
 * offers them: a 100 MB text has over 300 MB of tokens, and faulting them
 * in 4 KB pages costs more than tokenizing. The advice covers the block's pages whole,
 * so that the block (mapped on its own by malloc) stays one mapping:
 * realloc grows one mapping in place or moves it (mremap), where advice on
 * its interior alone would split it in three and make realloc copy it. */
static void *advise_token_block(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    long page = sysconf(_SC_PAGESIZE);
    if (!p || bytes < (8u << 20) || page <= 0) return p;
    uintptr_t a = (uintptr_t)p & ~((uintptr_t)page - 1);
    uintptr_t b = ((uintptr_t)p + bytes + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    madvise((void *)a, b - a, MADV_HUGEPAGE); /* advice only: its failure changes nothing */
#else
    (void)bytes;
#endif
    return p;
}

/* The token array of a document (freed with free()). */
static nfi_token *alloc_tokens(size_t cap)
{
    return advise_token_block(malloc(cap * sizeof(nfi_token)), cap * sizeof(nfi_token));
}

/* Grows or shrinks a token block to bytes (in place or moved, without a
 * copy when large); NULL when realloc fails (the block is still valid). */
static void *resize_token_block(void *items, size_t bytes)
{
    return advise_token_block(realloc(items, bytes), bytes);
}

static nfi_token *grow_tokens(nfi_token *items, size_t cap)
{
    return resize_token_block(items, cap * sizeof *items);
}

/* Gives back the room a big text did not use: the estimate above errs
 * high (a token per 4 bytes where news has one per 6), and the later
 * stages hold the array at the document's peak memory. Shrinking a block
 * this large is done in place (mremap), without a copy. */
static void shrink_tokens(nf_doc *doc)
{
    size_t len = doc->tokens.len, cap = doc->tokens.cap;
    if (!len || cap * sizeof(nfi_token) < (1u << 20) || cap - len <= len / 8) return;
    nfi_token *p = realloc(doc->tokens.items, len * sizeof *p);
    if (!p) return; /* the bigger block is still valid */
    doc->tokens.items = p;
    doc->tokens.cap = len;
}

/* The room of the public tokens: the block grows to 40 bytes a token (in
 * place for a large one: mremap), with the stages' tokens kept at its start.
 * Pages the block gains are not touched until the tokens are widened, so a
 * document whose public tokens are never asked for does not hold them in
 * memory, and widening them later cannot run out of memory. */
_Static_assert(sizeof(nfi_token) <= sizeof(nf_token), "publishing widens tokens in place");
_Static_assert(sizeof(nf_token) % sizeof(nfi_token) == 0,
               "the reserved room is a whole number of internal tokens");
nf_status nfi_tokens_reserve_public(nf_doc *doc)
{
    size_t n = doc->tokens.len;
    if (!n) return NF_OK;
    size_t need = n * sizeof(nf_token), room = doc->tokens.cap * sizeof(nfi_token);
    if (room >= need) {
        /* a small text's roomy block (nfi_tokenize): the rest given back,
           which realloc does in place */
        if (room - need > need / 4) {
            void *block = realloc(doc->tokens.items, need);
            if (block) {
                doc->tokens.items = block;
                doc->tokens.cap = n * (sizeof(nf_token) / sizeof(nfi_token));
            }
        }
        return NF_OK;
    }
    void *block = resize_token_block(doc->tokens.items, n * sizeof(nf_token));
    if (!block) return NF_ERR_NOMEM; /* doc->tokens is still valid */
    doc->tokens.items = block;
    doc->tokens.cap = n * (sizeof(nf_token) / sizeof(nfi_token));
    return NF_OK;
}

/* Each token is widened from the last one back: public token i covers
 * bytes [40i, 40i + 40), which hold only internal tokens i and after, so
 * none is overwritten before it is read. The copies go through memcpy
 * because the two views of the block have different types. */
nf_status nfi_tokens_publish(nf_doc *doc)
{
    nf_status st = nfi_tokens_reserve_public(doc);
    if (st != NF_OK) return st;
    size_t n = doc->tokens.len;
    char *block = (char *)doc->tokens.items;
    if (n) {
        /* the sentences in order, from the last one back with the tokens
         * (nfi_token_sentence, without a search per token) */
        const nf_sentence *se = doc->sentences.items;
        size_t s = doc->sentences.len;
        for (size_t i = n; i-- > 0;) {
            nfi_token in;
            memcpy(&in, block + i * sizeof in, sizeof in);
            while (s && se[s - 1].first_token > i) s--;
            uint32_t sentence = s && i < se[s - 1].first_token + se[s - 1].token_count
                                    ? (uint32_t)(s - 1) : 0;
            nf_token out = {{in.span.start, in.span.end}, in.kind, in.flags, in.norm,
                            in.shape, sentence, 0};
            memcpy(block + i * sizeof out, &out, sizeof out);
        }
    } else {
        free(block);
        block = NULL;
    }
    doc->tokens.items = NULL;
    doc->tokens.len = doc->tokens.cap = 0;
    doc->pub_tokens.items = (nf_token *)(void *)block;
    doc->pub_tokens.len = doc->pub_tokens.cap = n;
    return NF_OK;
}

/* Lower-cases the ASCII bytes src[0,n) into dst, eight a step: a byte is
 * upper case when adding 0x80 - 'A' sets its top bit and adding
 * 0x7f - 'Z' does not (no carry crosses a byte: each is below 0x80). The
 * last step may overlap the one before (lower-casing twice changes nothing).
 * src is in the padded text (8 bytes may be read from it) and dst has room
 * for 8 bytes: a token shorter than 8 takes one step too, its bytes alone
 * (keep_first), and dst gets zeros after them. */
static inline void lower_ascii(char *dst, const unsigned char *src, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull;
    for (size_t i = 0;; i += 8) {
        uint64_t v;
        if (n < 8) v = nfi_load_u64(src) & nfi_load_u64(keep_first + 8 - n);
        else {
            if (i + 8 > n) i = n - 8;
            v = nfi_load_u64(src + i);
        }
        uint64_t up = (v + ones * (0x80 - 'A')) & ~(v + ones * (0x7f - 'Z')) & ones * 0x80;
        v |= up >> 2;
        memcpy(dst + i, &v, 8);
        if (i + 8 >= n) return;
    }
}

/* Interns a shape the shape cache entry sc (NULL: none) did not have. */
static uint32_t shape_intern(nfi_seg_ws *ws, nf_doc *doc, nfi_shape_cache *sc, const char *shape,
                             size_t slen)
{
    uint32_t id = nfi_strtab_intern(&doc->forms, shape, slen);
    if (sc && id != NFI_NONE) {
        sc->gen = ws->gen;
        sc->len = (uint32_t)slen;
        sc->id = id;
        memcpy(sc->s, shape, slen);
    }
    return id;
}

/* The id of a shape in the current document, through the shape cache
 * entry sc (NULL: none). */
static inline uint32_t shape_id(nfi_seg_ws *ws, nf_doc *doc, nfi_shape_cache *sc, const char *shape,
                                size_t slen)
{
    if (sc && sc->gen == ws->gen && sc->len == slen && nfi_bytes_equal(sc->s, shape, slen))
        return sc->id;
    return shape_intern(ws, doc, sc, shape, slen);
}

_Static_assert(sizeof(nfi_form_cache) == 64, "a form cache entry is one cache line");
_Static_assert(NF_TOKEN_EMAIL <= NFI_FORM_KIND, "nfi_form_cache.kind holds every token kind");
_Static_assert(NFI_SHAPE_CACHE <= 256, "nfi_form_cache.shape_slot holds a shape cache index");

/* Brings the cache entry ce of the surface p[0,n), known from an earlier
 * document (ce->slen > 0), to the current one: its norm (the surface,
 * lower-cased unless NFI_FORM_SELF) and its shape interned in the
 * document. False on OOM (ce unchanged). Not inlined: emit() calls it for
 * the first occurrence of a surface in a document, a third of the tokens. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool known_ids(nfi_seg_ws *ws, nf_doc *doc, nfi_form_cache *ce, const unsigned char *p,
                      size_t n)
{
    const char *norm = (const char *)p;
    if (!(ce->kind & NFI_FORM_SELF)) {
        if (!ensure_fold(ws, n + 16)) return false;
        lower_ascii(ws->fold, p, n);
        norm = ws->fold;
    }
    uint32_t norm_id = nfi_strtab_intern_hashed(&doc->forms, norm, n, ce->norm_hash);
    uint32_t shape = shape_id(ws, doc, &ws->shapes[ce->shape_slot], ce->shape_s, ce->slen);
    if (norm_id == NFI_NONE || shape == NFI_NONE) return false;
    ce->gen = ws->gen;
    ce->norm = norm_id;
    ce->shape = shape;
    return true;
}

/* Whether the form cache entry ce holds the surface p[0,n) (1 to 24 bytes).
 * A surface of at most 8 bytes (most words) is compared in one masked
 * 8-byte step, without nfi_bytes_equal's branches on the length: the text
 * has NFI_TEXT_PAD bytes after it and ce->s is 24 bytes long. */
static inline bool cached_surface(const nfi_form_cache *ce, const unsigned char *p, size_t n)
{
    if (ce->len != n) return false;
    if (n <= 8)
        return ((nfi_load_u64(ce->s) ^ nfi_load_u64(p)) & nfi_load_u64(keep_first + 8 - n)) == 0;
    return nfi_bytes_equal(ce->s, p, n);
}

/* The form cache is two-way: the surface p[0,n) (1 to 24 bytes) is kept
 * in the entry of its hash (form_entry) or in the other one of that pair
 * (form_other). One entry alone had two common words of one document push
 * each other out, their forms computed again at every turn. */
static inline nfi_form_cache *form_entry(nfi_seg_ws *ws, const unsigned char *p, size_t n)
{
    return &ws->cache[nfi_surface_hash(p, n) & (NFI_FORM_CACHE - 1)];
}

static inline nfi_form_cache *form_other(nfi_seg_ws *ws, const nfi_form_cache *ce)
{
    return &ws->cache[(size_t)(ce - ws->cache) ^ 1];
}

/* The entry that holds the surface p[0,n), or NULL. */
static inline nfi_form_cache *form_find(nfi_seg_ws *ws, const unsigned char *p, size_t n)
{
    nfi_form_cache *ce = form_entry(ws, p, n);
    if (cached_surface(ce, p, n)) return ce;
    ce = form_other(ws, ce);
    return cached_surface(ce, p, n) ? ce : NULL;
}

/* Where the forms of a surface that the pair of ce does not hold go: an
 * empty entry, else one that no token of this document uses, else ce. */
static nfi_form_cache *form_victim(nfi_seg_ws *ws, nfi_form_cache *ce)
{
    nfi_form_cache *other = form_other(ws, ce);
    if (!ce->len) return ce;
    if (!other->len) return other;
    return ce->gen == ws->gen && other->gen != ws->gen ? other : ce;
}

/* Norm, shape, the case flags and the kind (kind_of) of t[s,e): from the
 * cache or computed. A cache entry keeps what its surface alone decides
 * from one document to the next: the flags, the kind, the hash of the
 * norm and, for an ASCII surface (its norm is the surface lower-cased),
 * the shape; and the ids of the norm and the shape in the current
 * document. For a surface met in an earlier document only the ids are
 * looked up again (news documents share most of their words). ce: an
 * entry of the surface's pair (NULL: none), the one that holds it if
 * either does. */
static bool token_forms(tk_ctx *x, size_t s, size_t e, nfi_form_cache *ce, nfi_token *tok,
                        uint32_t *flags, uint32_t *kind)
{
    nfi_seg_ws *ws = x->ws;
    nf_doc *doc = x->doc;
    const unsigned char *p = x->t + s;
    size_t n = e - s;
    if (ce) {
        nfi_form_cache *other = form_other(ws, ce);
        nfi_form_cache *held = cached_surface(ce, p, n)      ? ce
                               : cached_surface(other, p, n) ? other
                                                             : NULL;
        ce = held ? held : form_victim(ws, ce);
        if (held) {
            *kind = ce->kind & NFI_FORM_KIND;
            *flags |= ce->flags;
            if (ce->gen == ws->gen) {
                tok->norm = ce->norm;
                tok->shape = ce->shape;
                return true;
            }
            if (ce->slen) {
                if (!known_ids(ws, doc, ce, p, n)) return false;
                tok->norm = ce->norm;
                tok->shape = ce->shape;
                return true;
            }
        }
    }
    /* computed */
    size_t nlen, slen;
    char *norm, *sh;
    uint32_t f = 0;
    if (!ensure_fold(ws, 2 * n + 16)) return false;
    sh = ws->fold + n + 8;
    norm = ws->fold;
    if (!forms_simple(x->t, s, e, norm, &nlen, sh, &slen, &f)) {
        f = 0;
        nf_status st = forms_icu(ws, x->t, s, e, &norm, &nlen, &sh, &slen, &f);
        if (st != NF_OK) {
            ws->status = st;
            return false;
        }
    }
    uint32_t k = kind_of(x->t, s, e);
    uint32_t norm_hash = nfi_strtab_hash(norm, nlen);
    tok->norm = nfi_strtab_intern_hashed(&doc->forms, norm, nlen, norm_hash);
    nfi_shape_cache *sc = NULL;
    if (slen <= sizeof sc->s)
        sc = &ws->shapes[nfi_surface_hash((const unsigned char *)sh, slen) & (NFI_SHAPE_CACHE - 1)];
    tok->shape = shape_id(ws, doc, sc, sh, slen);
    if (tok->norm == NFI_NONE || tok->shape == NFI_NONE) return false;
    *flags |= f;
    *kind = k;
    if (ce) {
        /* an ASCII surface (ICU folds only the others) with a short shape */
        bool keep = !(f & NF_TOKEN_NON_ASCII) && slen <= sizeof ce->shape_s && sc;
        /* whole fields: the text has NFI_TEXT_PAD bytes after it, the
         * shape is in ws->fold (at least 256 bytes) */
        memcpy(ce->s, p, sizeof ce->s);
        ce->len = (uint8_t)n;
        ce->flags = (uint16_t)f;
        ce->kind = (uint8_t)(k | (nlen == n && nfi_bytes_equal(norm, p, n) ? NFI_FORM_SELF : 0));
        ce->norm_hash = norm_hash;
        ce->slen = keep ? (uint8_t)slen : 0;
        if (keep) {
            memcpy(ce->shape_s, sh, sizeof ce->shape_s);
            ce->shape_slot = (uint8_t)(sc - ws->shapes);
        }
        ce->gen = ws->gen;
        ce->norm = tok->norm;
        ce->shape = tok->shape;
    }
    return true;
}

/* emit() for what its inline part does not write: a surface new to this
 * document, a quote mark, a full token array. ce: the surface's form cache
 * entry or one of its pair, or NULL when it has none (too long). */
#if defined(__GNUC__)
__attribute__((noinline)) /* out of emit's inline part, which every token runs */
#endif
static void emit_new(tk_ctx *x, size_t s, size_t e, uint32_t kind, uint32_t flags,
                     nfi_form_cache *ce)
{
    nfi_seg_ws *ws = x->ws;
    if (ws->status != NF_OK || s >= e) return;
    nf_doc *doc = x->doc;
    if (doc->tokens.len == doc->tokens.cap) {
        size_t cap = doc->tokens.cap ? doc->tokens.cap * 2 : 64;
        nfi_token *items = grow_tokens(doc->tokens.items, cap);
        if (!items) {
            ws->status = NF_ERR_NOMEM;
            return;
        }
        doc->tokens.items = items;
        doc->tokens.cap = cap;
    }
    nfi_token *tok = &doc->tokens.items[doc->tokens.len];
    uint32_t own_kind;
    if (!token_forms(x, s, e, ce, tok, &flags, &own_kind)) {
        if (ws->status == NF_OK) ws->status = NF_ERR_NOMEM;
        return;
    }
    tok->span.start = (uint32_t)s; /* the text is below NFI_MAX_TEXT bytes */
    tok->span.end = (uint32_t)e;
    tok->unused = 0;
    if (!kind) kind = own_kind;
    flags |= x->pending;
    x->pending = 0;
    if (kind == NF_TOKEN_QUOTE && e - s <= 3) {
        uint32_t q = quote_flags(x, s, e);
        flags |= q;
        bool dbl = x->t[s] == '"' || (x->t[s] == 0xE2 && (x->t[s + 2] == 0x9C || x->t[s + 2] == 0x9D));
        if (q & NF_TOKEN_QUOTE_OPEN) {
            if (dbl) x->double_open = true;
            else x->single_open = true;
        } else if (q & NF_TOKEN_QUOTE_CLOSE) {
            if (dbl) x->double_open = false;
            else x->single_open = false;
        }
    }
    tok->kind = (uint8_t)kind;
    tok->flags = (uint16_t)flags;
    doc->tokens.len++;
}

/* Adds the token t[s,e) (kind 0: the kind its surface has). A surface in
 * the form cache (the commonest case: met before in this document, or
 * with its shape kept from an earlier one) is written here at once, from
 * its entry: forms, flags, kind; a quote mark goes to emit_new() for its
 * open/close flags. */
static NFI_HOT_INLINE void emit(tk_ctx *x, size_t s, size_t e, uint32_t kind, uint32_t flags)
{
    nfi_seg_ws *ws = x->ws;
    nf_doc *doc = x->doc;
    size_t n = e - s;
    nfi_form_cache *ce = NULL;
    if (n - 1 < sizeof ce->s) { /* 1 to 24 bytes */
        const unsigned char *p = x->t + s;
        ce = form_entry(ws, p, n);
        bool held = cached_surface(ce, p, n);
        if (!held) {
            nfi_form_cache *other = form_other(ws, ce);
            if ((held = cached_surface(other, p, n))) ce = other;
        }
        if (held && doc->tokens.len < doc->tokens.cap &&
            ws->status == NF_OK) {
            uint32_t k = kind ? kind : (uint32_t)(ce->kind & NFI_FORM_KIND);
            if (k != NF_TOKEN_QUOTE &&
                (ce->gen == ws->gen || (ce->slen && known_ids(ws, doc, ce, p, n)))) {
                nfi_token *tok = &doc->tokens.items[doc->tokens.len++];
                tok->span.start = (uint32_t)s; /* the text is below NFI_MAX_TEXT bytes */
                tok->span.end = (uint32_t)e;
                tok->unused = 0;
                tok->norm = ce->norm;
                tok->shape = ce->shape;
                tok->kind = (uint8_t)k;
                tok->flags = (uint16_t)(flags | x->pending | ce->flags);
                x->pending = 0;
                return;
            }
        }
    }
    emit_new(x, s, e, kind, flags, ce);
}

/* ------------------------------------------------------------ corrections */

static inline bool seg_is1(const unsigned char *t, const nfi_seg *g, char c)
{
    return g->end - g->start == 1 && t[g->start] == (unsigned char)c;
}

/* ' or ’ (or ‘ used as an apostrophe) */
static inline bool seg_apos(const unsigned char *t, const nfi_seg *g)
{
    size_t n = g->end - g->start;
    if (n == 1) return t[g->start] == '\'';
    return n == 3 && t[g->start] == 0xE2 && t[g->start + 1] == 0x80 &&
           (t[g->start + 2] == 0x99 || t[g->start + 2] == 0x98);
}

static NFI_COLD bool wordish_high(const unsigned char *t, const nfi_seg *g)
{
    size_t i = g->start;
    UChar32 cp;
    U8_NEXT(t, i, g->end, cp);
    return cp >= 0 && (u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK);
}

/* A segment that starts with a letter, digit, '_' or combining mark. */
static inline bool wordish(const unsigned char *t, const nfi_seg *g)
{
    unsigned char c = t[g->start];
    if (c < 0x80) return word_byte(c);
    return wordish_high(t, g);
}

static bool has_letter(const unsigned char *t, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (is_alpha(t[i]) || t[i] >= 0xC0) return true;
    return false;
}

static bool all_digits(const unsigned char *t, size_t s, size_t e)
{
    if (s >= e) return false;
    for (size_t i = s; i < e; i++)
        if (!is_digit(t[i])) return false;
    return true;
}

/* Whether one of the four bytes of v is 0 (no false answers). */
static inline uint32_t has_zero_byte(uint32_t v)
{
    return (v - 0x01010101u) & ~v & 0x80808080u;
}

/* Suffix after an apostrophe that splits off: 's 'm 'd 'll 're 've. */
static bool clitic(const unsigned char *t, size_t s, size_t e)
{
    size_t n = e - s;
    if (n == 1) {
        unsigned char c = lower(t[s]);
        return c == 's' || c == 'm' || c == 'd';
    }
    if (n == 2) {
        unsigned char a = lower(t[s]), b = lower(t[s + 1]);
        return (a == 'l' && b == 'l') || (a == 'r' && b == 'e') || (a == 'v' && b == 'e');
    }
    return false;
}

/* Where a word with an apostrophe splits: "don't" at "n't", "Russia’s" at
 * "’s"; 0 when it does not. */
static size_t contraction_split(const unsigned char *t, size_t s, size_t e)
{
    /* the apostrophe is among the last four bytes (' or the last byte of ’) */
    if (e - s >= 4) {
        uint32_t v;
        memcpy(&v, t + e - 4, 4);
        if (!(has_zero_byte(v ^ 0x27272727u) | has_zero_byte(v ^ 0x99999999u))) return 0;
    }
    size_t p = e;
    while (p > s) {
        p--;
        if (t[p] == '\'') break;
        if (t[p] == 0x99 && p >= s + 2 && t[p - 1] == 0x80 && t[p - 2] == 0xE2) {
            p -= 2;
            break;
        }
        if (e - p > 3) return 0;
    }
    if (p <= s) return 0;
    size_t after = p + (t[p] == '\'' ? 1 : 3);
    if (after >= e) return 0;
    if (e - after == 1 && lower(t[after]) == 't' && p >= s + 2 && lower(t[p - 1]) == 'n' &&
        is_alpha(t[p - 2]))
        return p - 1;
    if (clitic(t, after, e)) return p;
    return 0;
}

/* What word [s,e) alone says of itself before its own period. */
typedef enum abbrev_form {
    ABBREV_NO,         /* no abbreviation, whatever follows */
    ABBREV_YES,
    ABBREV_BEFORE_NUMBER /* one only before a number ("no.", "vol.") */
} abbrev_form;

static abbrev_form abbreviation_form(const tk_ctx *x, size_t s, size_t e)
{
    const unsigned char *t = x->t;
    size_t n = e - s;
    /* one letter: an initial or "p." */
    if (n == 1 && is_alpha(t[s])) return ABBREV_YES;
    if (t[s] >= 0x80) {
        size_t i = s;
        UChar32 cp;
        U8_NEXT(t, i, e, cp);
        return i == e && cp >= 0 && u_isalpha(cp) ? ABBREV_YES : ABBREV_NO;
    }
    if (n > 15) return ABBREV_NO;
    char key[16];
    bool inner = false, letters_only = true;
    size_t piece = 0, longest = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[s + i];
        key[i] = (char)lower(c);
        if (c == '.') {
            inner = true;
            piece = 0;
        } else {
            if (!is_alpha(c)) letters_only = false;
            if (++piece > longest) longest = piece;
        }
    }
    key[n] = '\0';
    if (inner && letters_only && longest <= 4) return ABBREV_YES; /* U.S, e.g, a.m, Ph.D */
    nfi_abbrev_kind k = nfi_abbrev_lookup(x->ws, key, n);
    if (k == NFI_ABBR_NONE) return ABBREV_NO;
    return k == NFI_ABBR_NUMBER ? ABBREV_BEFORE_NUMBER : ABBREV_YES;
}

/* Whether word [s,e) followed by its own period at e is an abbreviation.
 * Most such words end sentences and are none: a surface in the form cache
 * keeps that answer (NFI_FORM_NO_ABBREV), so that abbreviation_form's key
 * and look-up are done once for it, not at every sentence it ends. */
static bool abbreviation(tk_ctx *x, size_t s, size_t e)
{
    const unsigned char *p = x->t + s;
    size_t n = e - s;
    nfi_form_cache *ce = NULL;
    if (n - 1 < sizeof ce->s) {
        ce = form_find(x->ws, p, n);
        if (ce && (ce->kind & NFI_FORM_NO_ABBREV)) return false;
    }
    abbrev_form f = abbreviation_form(x, s, e);
    if (f == ABBREV_BEFORE_NUMBER) {
        size_t i = e + 1;
        while (i < x->n && (x->t[i] == ' ' || x->t[i] == '\t')) i++;
        return i < x->n && is_digit(x->t[i]);
    }
    if (f == ABBREV_NO && ce) ce->kind |= NFI_FORM_NO_ABBREV;
    return f == ABBREV_YES;
}

static inline bool text_space_or_edge(const tk_ctx *x, size_t at)
{
    return at >= x->n || space_byte(x->t[at]);
}

/* Turns the raw segments of one part into tokens. */
static void correct_part(tk_ctx *x)
{
    const unsigned char *t = x->t;
    nfi_seg *g = x->ws->segs.items;
    size_t n = x->ws->segs.len;
#define ADJ(a, b) (g[a].end == g[b].start)
    size_t k = 0;
    while (k < n && x->ws->status == NF_OK) {
        size_t s = g[k].start, e = g[k].end, next = k + 1;
        uint32_t kind = 0, flags = 0;
        if (seg_is1(t, &g[k], '.') || seg_is1(t, &g[k], '-')) {
            char c = (char)t[s];
            while (next < n && seg_is1(t, &g[next], c) && ADJ(next - 1, next)) next++;
            e = g[next - 1].end;
            kind = NF_TOKEN_PUNCT;
        } else if (seg_apos(t, &g[k])) {
            /* not attached to a word before it (start of the chunk, or an opener) */
            bool sp_before = k == 0 || seg_is1(t, &g[k - 1], '(') || seg_is1(t, &g[k - 1], '[') ||
                             seg_is1(t, &g[k - 1], '"');
            if (k + 2 < n && ADJ(k, k + 1) && ADJ(k + 1, k + 2) && seg_apos(t, &g[k + 2]) &&
                g[k + 1].end - g[k + 1].start == 1 && lower(t[g[k + 1].start]) == 'n' && sp_before &&
                text_space_or_edge(x, g[k + 2].end)) {
                e = g[k + 2].end; /* rock ’n’ roll */
                next = k + 3;
                kind = NF_TOKEN_WORD;
            } else if (!sp_before && k + 1 < n && ADJ(k, k + 1) &&
                       clitic(t, g[k + 1].start, g[k + 1].end) &&
                       !(k + 2 < n && ADJ(k + 1, k + 2) && wordish(t, &g[k + 2]))) {
                e = g[k + 1].end; /* Jr.'s, 1990's */
                next = k + 2;
                kind = NF_TOKEN_WORD;
            } else if (sp_before && k + 1 < n && ADJ(k, k + 1) &&
                       g[k + 1].end - g[k + 1].start >= 2 && is_digit(t[g[k + 1].start]) &&
                       is_digit(t[g[k + 1].start + 1]) &&
                       (g[k + 1].end - g[k + 1].start == 2 ||
                        (g[k + 1].end - g[k + 1].start == 3 && lower(t[g[k + 1].start + 2]) == 's'))) {
                e = g[k + 1].end; /* ’90s */
                next = k + 2;
                kind = NF_TOKEN_NUMBER;
            }
        } else if (wordish(t, &g[k])) {
            size_t cut = contraction_split(t, s, e);
            if (cut) {
                emit(x, s, cut, 0, 0);
                emit(x, cut, e, NF_TOKEN_WORD, 0);
                k = next;
                continue;
            }
            if (k + 1 < n && seg_is1(t, &g[k + 1], '.') && ADJ(k, k + 1) &&
                !(k + 2 < n && seg_is1(t, &g[k + 2], '.') && ADJ(k + 1, k + 2)) &&
                abbreviation(x, s, e)) {
                e = g[k + 1].end;
                next = k + 2;
                flags |= NF_TOKEN_ABBREV;
                kind = NF_TOKEN_WORD;
            } else if (e - s <= 2 && all_digits(t, s, e) && k + 2 < n &&
                       seg_is1(t, &g[k + 1], ':') && ADJ(k, k + 1) && ADJ(k + 1, k + 2) &&
                       g[k + 2].end - g[k + 2].start == 2 && all_digits(t, g[k + 2].start, g[k + 2].end)) {
                e = g[k + 2].end; /* 9:24 */
                next = k + 3;
                if (next + 1 < n && seg_is1(t, &g[next], ':') && ADJ(next - 1, next) &&
                    ADJ(next, next + 1) && g[next + 1].end - g[next + 1].start == 2 &&
                    all_digits(t, g[next + 1].start, g[next + 1].end)) {
                    e = g[next + 1].end; /* 21:05:30 */
                    next += 2;
                }
                kind = NF_TOKEN_NUMBER;
            }
            /* hyphenated words */
            bool joined = false;
            while (next + 1 < n && seg_is1(t, &g[next], '-') && ADJ(next - 1, next) &&
                   ADJ(next, next + 1) && wordish(t, &g[next + 1]) &&
                   (has_letter(t, s, e) || has_letter(t, g[next + 1].start, g[next + 1].end)) &&
                   !(next + 2 < n && seg_is1(t, &g[next + 2], '-') && ADJ(next + 1, next + 2) &&
                     !(next + 3 < n && ADJ(next + 2, next + 3) && wordish(t, &g[next + 3])))) {
                e = g[next + 1].end;
                next += 2;
                joined = true;
            }
            if (joined) {
                flags &= ~(uint32_t)NF_TOKEN_ABBREV;
                kind = NF_TOKEN_WORD;
            }
        }
        emit(x, s, e, kind, flags);
        k = next;
    }
#undef ADJ
}

/* ------------------------------------------------------------ chunks */

static bool needs_icu(const unsigned char *t, size_t s, size_t e)
{
    for (size_t i = s; i < e;) {
        size_t l;
        int c = char_class(t + i, e - i, &l);
        if (c == C_ICU) return true;
        i += l;
    }
    return false;
}

static void segment_part(tk_ctx *x, size_t s, size_t e, bool icu)
{
    if (s >= e) return;
    x->ws->segs.len = 0;
    if (icu || x->ws->force_icu) icu_segments(x->ws, x->t, s, e);
    else fast_segments(x->ws, x->t, s, e);
    correct_part(x);
}

static bool url_char_ok(unsigned char c) { return c > ' ' && c != '"' && c != '<' && c != '>'; }

/* A URL or e-mail address filling t[s,e): its kind, or 0. */
static uint32_t url_kind(const unsigned char *t, size_t s, size_t e)
{
    size_t n = e - s;
    if (n < 5) return 0;
    for (size_t i = s; i < e; i++)
        if (!url_char_ok(t[i])) return 0;
    /* scheme:// */
    size_t i = s;
    while (i < e && (is_alpha(t[i]) || (i > s && (is_digit(t[i]) || t[i] == '+' || t[i] == '.' || t[i] == '-'))))
        i++;
    if (i > s && i + 3 < e && t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') return NF_TOKEN_URL;
    if (n > 6 && lower(t[s]) == 'w' && lower(t[s + 1]) == 'w' && lower(t[s + 2]) == 'w' &&
        t[s + 3] == '.' && memchr(t + s + 4, '.', n - 4))
        return NF_TOKEN_URL;
    /* local@domain.tld */
    const unsigned char *at = memchr(t + s, '@', n);
    if (!at || at == t + s) return 0;
    size_t a = (size_t)(at - t);
    for (i = s; i < a; i++)
        if (!(is_alpha(t[i]) || is_digit(t[i]) || strchr("._%+-'", t[i]) || t[i] >= 0x80)) return 0;
    size_t dots = 0, last_dot = 0;
    for (i = a + 1; i < e; i++) {
        if (t[i] == '.') {
            if (i == a + 1 || t[i - 1] == '.') return 0;
            dots++;
            last_dot = i;
        } else if (!(is_alpha(t[i]) || is_digit(t[i]) || t[i] == '-' || t[i] >= 0x80)) {
            return 0;
        }
    }
    if (!dots || e - last_dot < 3) return 0;
    for (i = last_dot + 1; i < e; i++)
        if (!is_alpha(t[i]) && t[i] < 0x80) return 0;
    return NF_TOKEN_EMAIL;
}

static bool opener_at(const unsigned char *t, size_t i, size_t e, size_t *len)
{
    if (strchr("(\"'<[{", t[i]) && t[i]) {
        *len = 1;
        return true;
    }
    if (i + 3 <= e && t[i] == 0xE2 && t[i + 1] == 0x80 && (t[i + 2] == 0x9C || t[i + 2] == 0x98)) {
        *len = 3;
        return true;
    }
    return false;
}

static bool closer_before(const unsigned char *t, size_t s, size_t i, size_t *len)
{
    if (strchr(".,;:!?)\"'>]}", t[i - 1]) && t[i - 1]) {
        *len = 1;
        return true;
    }
    if (i >= s + 3 && t[i - 3] == 0xE2 && t[i - 2] == 0x80 && (t[i - 1] == 0x9D || t[i - 1] == 0x99)) {
        *len = 3;
        return true;
    }
    return false;
}

static void chunk(tk_ctx *x, size_t s, size_t e, bool icu, bool maybe_url)
{
    if (maybe_url) {
        size_t cs = s, ce = e, l;
        while (cs < ce && opener_at(x->t, cs, ce, &l)) cs += l;
        while (ce > cs && closer_before(x->t, cs, ce, &l)) {
            /* keep a ')' the URL opened */
            if (x->t[ce - 1] == ')' && memchr(x->t + cs, '(', ce - cs)) break;
            ce -= l;
        }
        uint32_t kind = url_kind(x->t, cs, ce);
        if (kind) {
            segment_part(x, s, cs, icu && needs_icu(x->t, s, cs));
            emit(x, cs, ce, kind, 0);
            segment_part(x, ce, e, icu && needs_icu(x->t, ce, e));
            return;
        }
    }
    segment_part(x, s, e, icu);
}

static inline bool space_at(const unsigned char *t, size_t i, size_t n)
{
    size_t l;
    int c = char_class(t + i, n - i, &l);
    return c == C_SPACE || c == C_NL;
}

/* A mark that closes a word without joining it: , ; ) ] ! ? " */
static inline bool closing_mark(unsigned char c)
{
    return c == ',' || c == ';' || c == ')' || c == ']' || c == '!' || c == '?' || c == '"';
}

/* The kind a mark's raw segment gets from correct_part(): runs of periods
 * and of hyphens are PUNCT there; 0 (kind_of) for the others. */
static inline uint32_t mark_kind(unsigned char c)
{
    return c == '.' || c == '-' ? NF_TOKEN_PUNCT : 0;
}

/* The commonest chunks are emitted here without raw segments, as the
 * corrections would leave them: a word of letters, digits and '_' (no
 * mark inside, no "5pm" to split) alone, or with one closing mark, or
 * with a full stop (an abbreviation's, or a token of its own); and one
 * ASCII mark alone. test_tokenize.c compares both ways on every kind of
 * chunk. Returns the chunk's end, or 0 when the chunk at s is not one. */
static size_t plain_chunk(tk_ctx *x, size_t s)
{
    const unsigned char *t = x->t;
    size_t n = x->n;
    if (!word_byte(t[s])) {
        int k = ascii_class[t[s]];
        if ((k != C_OTHER && k != C_MIDNUM && k != C_MIDNUMLET) || (s + 1 < n && !space_at(t, s + 1, n)))
            return 0;
        emit(x, s, s + 1, mark_kind(t[s]), 0);
        return s + 1;
    }
    int marks = 0;
    size_t j = word_end(t, s, n, &marks, true);
    if (marks || (j - s >= 3 && is_digit(t[s]))) return 0;
    if (j >= n || space_at(t, j, n)) {
        emit(x, s, j, 0, 0);
        return j;
    }
    unsigned char c = t[j];
    if ((!closing_mark(c) && c != '.') || (j + 1 < n && !space_at(t, j + 1, n))) return 0;
    if (c == '.' && abbreviation(x, s, j)) {
        emit(x, s, j + 1, NF_TOKEN_WORD, NF_TOKEN_ABBREV);
        return j + 1;
    }
    emit(x, s, j, 0, 0);
    emit(x, j, j + 1, mark_kind(c), 0);
    return j + 1;
}

/* Sizes an empty form table for the forms a text of n bytes usually has
 * (about one new form per 12 bytes in short news texts, fewer later), so
 * that it does not rehash again and again. A failure only skips this. */
static void presize_forms(nfi_strtab *t, size_t n)
{
    if (t->count || t->nslots || t->cap) return;
    size_t want = n / 12 + 32;
    if (want > 1u << 16) want = 1u << 16;
    uint32_t nslots = 64;
    while (nslots < 2 * want + 2) nslots *= 2;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    char **strs = malloc(want * sizeof *strs);
    uint32_t *lens = malloc(want * sizeof *lens);
    if (!slots || !strs || !lens) {
        free(slots);
        free(strs);
        free(lens);
        return;
    }
    t->slots = slots;
    t->nslots = nslots;
    t->strs = strs;
    t->lens = lens;
    t->cap = (uint32_t)want;
}

nf_status nfi_tokenize(nf_doc *doc, const nf_rules *rules, nf_workspace *ws, nf_error *err)
{
    (void)rules;
    nfi_seg_ws *sw = ws ? ws->seg : NULL;
    if (!sw) return nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "tokenize: no workspace");
    sw->status = NF_OK;
    if (++sw->gen == 0) { /* wrapped: forget every entry */
        memset(sw->cache, 0, sizeof sw->cache);
        memset(sw->shapes, 0, sizeof sw->shapes);
        sw->gen = 1;
    }
    presize_forms(&doc->forms, doc->len);
    tk_ctx x = {doc, sw, (const unsigned char *)doc->work, doc->len,
                NF_TOKEN_LINE_START | NF_TOKEN_PARA_START, false, false};
    const unsigned char *t = x.t;
    size_t n = doc->len, i = 0;
    /* room for a typical token density, to grow rarely */
    if (!doc->tokens.cap && n > 64) {
        /* news prose has a token per 5-7 bytes; a big text gets room for one
         * per 4 (untouched room costs address space, not memory), since
         * growing a big array on huge pages copies it */
        size_t cap = n / 6 + 16;
        if (cap * sizeof(nfi_token) >= (8u << 20)) cap = n / 4 + 16;
        /* a small text's block gets at once the room of a public token per
         * 4 bytes: neither the tokenizer nor nfi_tokens_reserve_public has
         * to grow it (a copy when realloc cannot grow it where it is), and
         * the reserve gives back what its tokens leave (in place) */
        else if (n <= SMALL_TEXT) cap = (n / 4 + 16) * (sizeof(nf_token) / sizeof(nfi_token));
        nfi_token *items = alloc_tokens(cap);
        if (items) {
            doc->tokens.items = items;
            doc->tokens.cap = cap;
        }
    }
    if (n >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF) i = 3; /* BOM */
    uint32_t newlines = 0;
    bool space = false;
    const bool plain = !sw->force_icu && !sw->plain_off; /* read once, not per chunk */
    while (i < n) {
        /* white space */
        if (t[i] == ' ') {
            space = true;
            i++;
            continue;
        }
        size_t l;
        int c = char_class(t + i, n - i, &l);
        if (c == C_SPACE || c == C_NL) {
            space = true;
            if (c == C_NL || (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n'))) newlines++;
            i += l;
            continue;
        }
        if (space) x.pending |= NF_TOKEN_SPACE_BEFORE;
        if (newlines) x.pending |= NF_TOKEN_LINE_START;
        if (newlines >= 2) {
            x.pending |= NF_TOKEN_PARA_START;
            x.single_open = x.double_open = false;
        }
        space = false;
        newlines = 0;
        /* a chunk: up to the next white space, segmented on the way */
        size_t s = i;
        if (t[s] < 0x80 && plain) {
            size_t end = plain_chunk(&x, s);
            if (end) {
                i = end;
                if (sw->status != NF_OK) break;
                continue;
            }
        }
        bool icu = false, maybe_url = false;
        sw->segs.len = 0;
        i = fast_chunk(sw, t, s, n, &icu, &maybe_url);
        if (!maybe_url && i - s >= 5 && (lower(t[s]) == 'w' || ascii_class[t[s]] == C_OTHER ||
                                          t[s] == '\'' || t[s] == 0xE2)) {
            size_t o = s, ol;
            while (o < i && opener_at(t, o, i, &ol)) o += ol;
            maybe_url = i - o >= 5 && lower(t[o]) == 'w' && lower(t[o + 1]) == 'w' &&
                        lower(t[o + 2]) == 'w' && t[o + 3] == '.';
        }
        if (icu || sw->force_icu || (maybe_url && i - s >= 5)) chunk(&x, s, i, icu, maybe_url && i - s >= 5);
        else correct_part(&x);
        if (sw->status != NF_OK) break;
    }
    if (sw->status != NF_OK) {
        nf_status st = sw->status;
        return nfi_error_set(err, st, "", 0, 0, "tokenizer: %s", nf_status_str(st));
    }
    shrink_tokens(doc);
    return NF_OK;
}

/* ------------------------------------------------------------ tests */

nf_status nfi_raw_segments(nfi_seg_ws *ws, const char *text, size_t n, bool icu, nfi_seg *segs,
                           size_t cap, size_t *count)
{
    const unsigned char *t = (const unsigned char *)text;
    ws->segs.len = 0;
    ws->status = NF_OK;
    if (icu) {
        icu_segments(ws, t, 0, n);
    } else {
        size_t i = 0;
        while (i < n) {
            size_t l;
            int c = char_class(t + i, n - i, &l);
            if (c == C_SPACE || c == C_NL) {
                i += l;
                continue;
            }
            size_t s = i;
            while (i < n) {
                c = char_class(t + i, n - i, &l);
                if (c == C_SPACE || c == C_NL) break;
                if (c == C_ICU) return NF_ERR_INVALID;
                i += l;
            }
            fast_segments(ws, t, s, i);
        }
    }
    if (ws->status != NF_OK) return ws->status;
    *count = ws->segs.len;
    for (size_t k = 0; k < ws->segs.len && k < cap; k++) segs[k] = ws->segs.items[k];
    return NF_OK;
}
