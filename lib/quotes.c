/*
 * quotes.c - direct and indirect quotes, their cues and speakers
 * (nfi_quotes_resolve). See docs/quotes.md.
 *
 * The stage has its own tokens (words, punctuation, quotation marks and
 * line ends), so that its rules do not depend on the details of the
 * tokenizer: "Russia's" and "don't" are one word, "1,000" three tokens,
 * "''" one mark. It reads them from the document's tokens where the two
 * agree (most words and punctuation) and scans the text where they differ
 * or might (read_tokens). Steps:
 *   1. pair quotation marks into direct quotes (nesting, quotes over
 *      several paragraphs, unclosed quotes ended at the paragraph);
 *   2. cut the text into units: sentences in which a direct quote is one
 *      piece, so that "..., ... ," she said. is one unit;
 *   3. cues: the QUOTE_CUE annotations of the attribution rules
 *      (rules/30-quotes.yaml: speech verbs, "according to", "cited X as
 *      saying", ...), with the speaker the rule names, else the subject
 *      before the verb or the noun phrase after an inverted verb;
 *   4. attribute direct quotes (cue after, cue before, the previous quote's
 *      speaker for a quote that continues); drop scare quotes; block quotes;
 *   5. indirect quotes: the content clause of each cue that has one;
 *   6. resolve speakers to doc->entities (overlap, pronouns, descriptions),
 *      and normalise the quote text for matching across documents.
 * Word lists come from the rules (lexicons named in rules/30-quotes.yaml)
 * with built-in defaults when the rules have none; a rule set without
 * QUOTE_CUE rules gives direct quotes without cues.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* ------------------------------------------------------------ scanner */

enum { QT_WORD = 1, QT_PUNCT, QT_QUOTE, QT_NL };
enum { QM_DOUBLE = 1, QM_SINGLE = 2 };
#define QR_OPEN 1u
#define QR_CLOSE 2u

/* 8 bytes: a document has about one token per 5 bytes, and this array is
   the stage's largest allocation (the stage runs on texts below 4 GiB).
   What a token can do without is not kept here: its end (it keeps its
   length, and the end of a word of LEN_LONG bytes or more is in
   c->long_words: tok_end), the direct quote that holds it and its unit (a
   token knows only whether a quote holds it, inside; quote_of and unit_of
   find which by a binary search of the quotes and units, which are in
   token order and do not overlap), its lower-cased form, which the few
   tests that need more than its word lists look up (LW), and the next
   token that is not a word (c->others lists them while the marks are
   paired and the units made). */
typedef struct qtok {
    uint32_t s;          /* first byte */
    unsigned lists : 13; /* L_* bits: the word lists its lower-cased form is in */
    unsigned kind : 3;   /* QT_* */
    unsigned qclass : 2; /* QM_* for quote marks */
    unsigned role : 2;   /* QR_* possible roles of a quote mark */
    unsigned cap : 1;    /* word starts with an upper-case letter */
    unsigned para : 1;   /* QT_NL: a blank line follows (paragraph break) */
    unsigned closes : 1; /* the closing mark of a direct quote */
    unsigned inside : 1; /* in the content of a direct quote (quote_of) */
    unsigned len : 8;    /* bytes, LEN_LONG for LEN_LONG or more (tok_end) */
} qtok;
#define LEN_LONG 255u
_Static_assert(sizeof(qtok) == 8, "qtok stays 8 bytes");

/* The word lists a token is tested against, as bits of qtok.lists: looked up
   once per token (a hash probe), so that each of the many tests is an AND
   instead of a walk of a list with strcmp. */
enum {
    L_PRON = 1u << 0,   /* PRONOUNS */
    L_DET = 1u << 1,    /* DETS */
    L_AUX = 1u << 2,    /* AUX */
    L_PREP = 1u << 3,   /* PREPS */
    L_SUBJ = 1u << 4,   /* SUBJ_STOP */
    L_SKIP = 1u << 5,   /* SKIP_ADV */
    L_TIME = 1u << 6,   /* TIME_WORDS */
    L_SAYOBJ = 1u << 7, /* SAY_OBJECT */
    L_CUE = 1u << 8,    /* quotes.cues (or DEF_CUES) */
    L_NOCLAUSE = 1u << 9, /* quotes.no_clause (or NO_CLAUSE) */
    L_INF = 1u << 10,     /* quotes.infinitive (or INF_CUES) */
    L_STATEMENT = 1u << 11, /* quotes.statement_nouns (or STATEMENT_NOUNS) */
    L_ROLE = 1u << 12     /* quotes.role_nouns (or ROLE_NOUNS) */
};
#define L_ALL 0x1FFFu
_Static_assert(L_ROLE < L_ALL, "qtok.lists has 13 bits");
/* In the word table beside the L_* bits, not in qtok.lists: ABBREV (the
   scanner's abbreviations), tested by read_tokens before a full stop. */
#define W_ABBREV (1u << 13)

/* Open-addressing table from a list word to its L_* bits (the built-in
 * lists and the lexicon defaults have about 610 words). */
#define WORD_SLOTS 1024u
typedef struct wslot {
    const char *w;
    uint16_t bits;
} wslot;

/* A distinct lower-cased form (scan interns each word's). */
typedef struct qform {
    uint64_t key, key2;  /* its first 8 bytes (zero-padded), its last 8 when it has more */
    uint32_t low, len;   /* in qforms.low */
    uint16_t lists;      /* L_* bits */
    bool abbrev;         /* in ABBREV: a full stop after the word is its own */
} qform;

/* The lower-cased forms met so far, with their L_* bits. Kept in the
 * workspace from one document to the next: the bits of a form cost a
 * probe of the word table and of the rules' lexicons (about 250
 * instructions), and on a document of a few KB four words in ten are the
 * first of their form in it, but most were in an earlier document. Emptied
 * after a document when it holds more than FORMS_KEEP forms, so that a
 * workspace keeps at most about 2 MB of them between documents. */
#define FORMS_KEEP (1u << 15)
typedef struct qforms {
    nfi_buf low;             /* the forms, NUL-terminated; offset 0: "" (non-words) */
    NFI_VEC(qform) forms;
    uint32_t *slots;         /* form index + 1 by hash, 0: empty; at most half full */
    size_t nslots;
} qforms;

typedef struct dquote {
    size_t open, close; /* tokens of the marks; close == open when unclosed */
    size_t stop;        /* its content is the tokens (open, stop) */
    nf_span span;
    uint32_t flags;
    bool drop;
    uint32_t unit;
    int cue;            /* index into cues, or -1 */
    bool inherited;
    size_t inh_from;    /* quote it took its speaker from */
} dquote;

/* CUE_NONE: a rule says these tokens are no cue ("show up") */
enum { CUE_NONE = 0, CUE_VERB = 1, CUE_ACCORDING, CUE_CITE };

/* 28 bytes (token indexes are 32-bit: the stage runs on texts below 4 GiB) */
typedef struct qcue {
    uint32_t a, b;      /* cue tokens [a,b) */
    uint32_t sa, sb;    /* speaker tokens [sa,sb), sa == sb when none */
    uint32_t unit;
    int8_t type;        /* CUE_* */
    bool participle;    /* "adding", "saying" */
    bool inverted;      /* speaker after the verb */
    bool noclause;      /* its rule says clause: none */
    bool question;      /* its rule says clause: question */
} qcue;

/* A cue that a rule of the rules found (annotation QUOTE_CUE); 20 bytes
 * (token indexes are 32-bit: the stage runs on texts below 4 GiB). */
typedef struct rcue {
    uint32_t a, b;      /* cue tokens */
    uint32_t sa, sb;    /* speaker tokens, sa == sb when the rule gave none */
    int8_t type;        /* CUE_* */
    bool noclause;
    bool question;
} rcue;

typedef struct qunit {
    uint32_t a, b; /* tokens [a,b) */
} qunit;

typedef struct qout {
    nf_span span;
    uint32_t kind, flags;
    nf_span cue;
    size_t sa, sb;       /* speaker tokens */
    const char *rule;
    int64_t inherit;     /* index into outs whose speaker entity to reuse, or -1 */
} qout;

/* The arrays of a document's context (qctx) that the next document of the
 * workspace takes over, empty, instead of allocating its own: a document
 * of a few KB made some forty allocations, and grew most of these arrays
 * several times from 16 items. One that holds more than SPARE_BYTES is
 * freed after its document. */
#define SPARE_BYTES ((size_t)1 << 16)
typedef struct qspare {
    NFI_VEC(qtok) tok;
    NFI_VEC(uint32_t) others;
    NFI_VEC(dquote) dq;
    NFI_VEC(qunit) units;
    NFI_VEC(qcue) cues;
    NFI_VEC(rcue) rcues;
    NFI_VEC(qout) outs;
} qspare;
/* Moves vector from's room to vector to, empty. */
#define SPARE_MOVE(to, from)                                                      \
    ((to).items = (from).items, (to).cap = (from).cap, (to).len = 0, (from).items = NULL, \
     (from).len = (from).cap = 0)

/* What the stage takes from the rules (settings, lexicons, the QUOTE_CUE
 * type) and its table of the built-in word lists: made once per workspace,
 * read-only afterwards but for the forms cache (made per document they cost about 40 K
 * instructions, a fifth of the stage on a 1 KB document) and the spare arrays. */
struct nfi_quotes_ws {
    const nf_rules *rules;   /* NULL: the built-in defaults */
    const char *cue_type;    /* the interned QUOTE_CUE, NULL when no rule emits it */
    const nfi_lexicon *lx_cues, *lx_names, *lx_honor, *lx_noclause, *lx_statement, *lx_role;
    const nfi_lexicon *lx_infinitive;
    double scare_max_words;  /* quotes.scare_max_words */
    double continue_units;   /* quotes.continue_units */
    double pronoun_window;   /* quotes.pronoun_window */
    double clause_lookahead; /* quotes.clause_lookahead */
    wslot words[WORD_SLOTS]; /* the built-in lists by word */
    qforms forms;            /* a cache: changes from one document to the next */
    qspare spare;            /* and so does this one */
};

/* A word longer than LW_SHORT bytes: its form (offset in qforms.low) and
 * its end. */
struct long_word {
    uint32_t tok, low, e;
};
#define LW_SHORT 64

typedef struct qctx {
    nf_doc *doc;
    const nf_rules *rules;
    const char *t;
    size_t n;
    const nfi_quotes_ws *cf;  /* settings, lexicons, word table (per workspace) */
    NFI_VEC(qtok) tok;
    /* tok_block[b]: the first token that ends after byte b << TOK_BLOCK_SHIFT,
       for b < nblocks (NULL: none, tok_at searches all tokens) */
    uint32_t *tok_block;
    size_t nblocks;
    /* the forms and ends of the words longer than LW_SHORT bytes (LW,
       tok_end), by token */
    NFI_VEC(struct long_word) long_words;
    /* the tokens that are not words, in order (pair_marks and make_units
       visit them only; given back after make_units) */
    NFI_VEC(uint32_t) others;
    qforms *fm;              /* the workspace's forms (LW looks a word's up) */
    qspare *spare;           /* the workspace's spare arrays (NULL: none) */
    NFI_VEC(dquote) dq;
    NFI_VEC(qunit) units;
    NFI_VEC(qcue) cues;
    NFI_VEC(rcue) rcues;     /* rule cues, by first token */
    size_t *ucue;            /* cues of unit u: [ucue[u], ucue[u + 1]) */
    NFI_VEC(qout) outs;
    /* entity indexes (built once, so that a lookup costs O(log E) plus a
       bounded walk instead of a scan of every entity per quote) */
    /* (32-bit: entities are annotations, and the stage takes texts below 4 GiB) */
    uint32_t *ent_by_start;  /* entity indices by (start, index) */
    uint32_t *ent_reach;     /* ent_reach[j]: largest end of ent_by_start[0..j] */
    uint32_t *ent_by_end;    /* entity indices by (end, -index) */
    uint32_t *role_by_end;   /* PERSON entities with a role, by (end, -index) */
    uint32_t *role_by_start; /* the same, by (start, index) */
    size_t nroles;
    /* per entity, the word ends of its role (role_ends; 0: not made yet),
       made at the first look-up */
    uint64_t *role_end_bits;
    /* per entity, made at its first visit by nearest_before (0: not made):
       the look-ups it may answer (entity_kinds) and the bytes of its
       name and text (entity_bytes) */
    uint8_t *ent_kinds;
    uint64_t *ent_bytes;
    nfi_buf scratch;         /* normalize's output, reused */
    uint64_t work;           /* steps of the inner loops (tests check it grows linearly) */
    size_t from_doc;         /* tokens read from the document's (tests) */
    bool nomem;
} qctx;

/* Entities looked at per lookup at most: more than any article has, so
   results equal a full scan on real text, and a quote-dense document of
   several MB stays linear. */
#define ENT_WALK 512
/* Bytes in a block of qctx.tok_block: 256; tokens a text has at least for
 * the index. */
#define TOK_BLOCK_SHIFT 8
#define TOK_INDEX_MIN 256
/* A quote without cue is compared with this many quotes on each side for
   an echo of its words (a quoted crosshead). */
#define ECHO_WINDOW 256
/* Content clauses end after this many tokens at most. */
#define CONTENT_MAX_TOKENS 400

/* Default word lists (used when the rules define no lexicon of that name). */
static const char *const DEF_CUES[] = {
    "say", "says", "said", "saying", "tell", "tells", "told", "telling", "add", "adds",
    "added", "adding", "stress", "stresses", "stressed", "stressing", "warn", "warns",
    "warned", "warning", "note", "notes", "noted", "noting", "insist", "insists",
    "insisted", "insisting", "claim", "claims", "claimed", "claiming", "argue", "argues",
    "argued", "arguing", "explain", "explains", "explained", "explaining", "stated",
    "announce", "announces", "announced", "announcing", "confirm", "confirms",
    "confirmed", "confirming", "report", "reports", "reported", "reporting",
    "acknowledge", "acknowledges", "acknowledged", "acknowledging", "admit", "admits",
    "admitted", "admitting", "assert", "asserts", "asserted", "asserting", "declare",
    "declares", "declared", "declaring", "emphasize", "emphasizes", "emphasized",
    "emphasizing", "emphasise", "emphasises", "emphasised", "emphasising", "indicate",
    "indicates", "indicated", "indicating", "reiterate", "reiterates", "reiterated",
    "reiterating", "suggest", "suggests", "suggested", "suggesting", "predict",
    "predicts", "predicted", "write", "writes", "wrote", "writing", "tweeted", "posted",
    "recalled", "recalls", "replied", "replies", "responded", "answered", "complained",
    "complains", "deny", "denies", "denied", "denying", "reveal", "reveals", "revealed",
    "disclosed", "mentioned", "observed", "conceded", "concedes", "boasted", "joked",
    "cautioned", "cautions", "vowed", "vows", "promised", "promises", "articulated",
    "articulates", "described", "describes", "hailed", "hails", "urged", "urges",
    "contended", "contends", "maintained", "maintains", "alleged", "alleges", "alleging",
    "remarked", "commented", "estimated", "estimates",
    "predicting", "quipped", "asserts", "announced", "informed", "assured",
    "reminded", "acknowledged", "learned", "learnt", "testified", "explained",
    "cited", "quoted", "quoting", "citing", "show", "shows", "showed", "found", "finds",
    "believe", "believes", "believed", "think", "thinks", "concluded", "concludes",
    "pledge", "pledges", "pledged", "pledging", "demand", "demands", "demanded", "demanding",
    "ask", "asks", "asked", "asking", "encouraged", "encourages", "threatened", "threatens",
    "wondered", "countered", "retorted", "recounted", "proposed", "proposes", "pointed",
    "urging", NULL};

/* Cues that take a noun phrase, not a content clause: direct quotes only. */
static const char *const NO_CLAUSE[] = {"hailed", "hails", "described", "describes",
                                        "urged", "urges", "cited", "quoted", "called",
                                        "praised", "ask", "asks", "asked", "asking",
                                        "encouraged", "encourages", "urging", NULL};

/* Cues whose content can be an infinitive with its object, directives
 * ("urged the council to act", "called on voters to stay home"); not
 * commitments ("vowed to fight", "pledging to end the war"), which the
 * annotation guide's gold leaves out. */
static const char *const INF_CUES[] = {
    "urge", "urges", "urged", "urging", "warn", "warns", "warned", "warning", "tell", "tells",
    "told", "telling", "ask", "asks", "asked", "asking", "encouraged", "encourages",
    "demanded", "demands", "called", "calls", "calling", "call", NULL};

static const char *const PRONOUNS[] = {"he", "she", "it", "they", "we", "i", "you",
                                       "him", "her", "them", "us", "there", NULL};
static const char *const DETS[] = {"the", "a", "an", "this", "that", "these", "those",
                                   "his", "her", "its", "their", "our", "my", "your",
                                   "another", "some", "any", "each", "every", "no", NULL};
static const char *const AUX[] = {"is", "was", "were", "are", "am", "be", "been", "has",
                                  "have", "had", "will", "would", "could", "should", "can",
                                  "may", "might", "must", "shall", "did", "does", "do",
                                  "won't", "wouldn't", "can't", "couldn't", "isn't",
                                  "wasn't", "aren't", "weren't", "hasn't", "haven't",
                                  "hadn't", "didn't", "doesn't", "don't", "shouldn't", "cannot", "won’t",
                                  "shows", "showed", "found", "finds", "knew", "got",
                                  "gets", "became", "becomes", "made", "makes", "took",
                                  "gave", "came", "went", "began", "left", "kept", "seems",
                                  "seemed", "looks", "appears", "appeared",
                                  "needs", "wants", "remains", "plans", "expects", "hopes",
                                  "intends", "seeks", "lacks", "faces", "means", "poses",
                                  NULL};
static const char *const PREPS[] = {"in", "on", "at", "during", "to", "after", "before",
                                    "from", "with", "by", "for", "via", "through",
                                    "late", "early", "earlier", "later", "over", "since",
                                    "ahead", "amid", "while", NULL};
static const char *const SUBJ_STOP[] = {
    "that", "which", "who", "whom", "whose", "what", "when", "while", "where", "after",
    "before", "because", "as", "if", "than", "and", "but", "or", "since", "although",
    "though", "so", "whether", "until", "unless", "once", "nor", "yet", NULL};
static const char *const SKIP_ADV[] = {
    "also", "further", "later", "then", "previously", "earlier", "again", "repeatedly",
    "both", "has", "have", "had", "would", "will", "did", "does", "do", "not", "never",
    "once", "subsequently", "separately", "publicly", "privately", "recently",
    "reportedly", "officially", "initially", "first", "still", "already", "all",
    "originally", "often", "frequently", "twice", "had", "was", "were", "is", NULL};
static const char *const TIME_WORDS[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "today", "yesterday", "tonight", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december",
    "monday's", "week", "month", "year", "morning", "afternoon", "evening", "night",
    "weekend", NULL};
static const char *const ABBREV[] = {
    "mr", "ms", "mrs", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col",
    "sgt", "prof", "inc", "corp", "co", "ltd", "vs", "etc", "jan", "feb", "mar", "apr",
    "aug", "sep", "sept", "oct", "nov", "dec", "no", "mt", "ft", "capt", "cmdr", "adm",
    "maj", "rev", "hon", "messrs", "e.g", "i.e", NULL};
static const char *const STATEMENT_NOUNS[] = {
    "statement", "statements", "communique", "release", "readout", "post", "report",
    "letter", "note", "message", "announcement", "declaration", "filing", "memo",
    "document", "transcript", "tweet", NULL};
static const char *const ROLE_NOUNS[] = {
    "spokesman", "spokeswoman", "spokesperson", "official", "officials", "ambassador",
    "minister", "secretary", "spokespeople", "representative", "envoy", "diplomat",
    "diplomats", "aide", "source", "sources", "adviser", "advisor", "officer",
    "president", "chief", "head", "director", "leader", "negotiator", "chairman",
    "chairwoman", "chair", "governor", "mayor", "senator", "lawmaker", NULL};

static bool in_list(const char *w, const char *const *list)
{
    for (; *list; list++) /* the first byte before the call */
        if (**list == *w && strcmp(w, *list) == 0) return true;
    return false;
}

/* The first entry of c->long_words for token i or a later one. */
static size_t long_word_at(const qctx *c, size_t i)
{
    size_t lo = 0, hi = c->long_words.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->long_words.items[mid].tok < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The end of token i, a word of LEN_LONG bytes or more (tok_end). */
static NFI_COLD size_t long_end(const qctx *c, size_t i)
{
    size_t lo = long_word_at(c, i);
    return lo < c->long_words.len ? c->long_words.items[lo].e : c->tok.items[i].s;
}

/* The end of token i (its first byte after it). */
static inline size_t tok_end(const qctx *c, size_t i)
{
    const qtok *k = &c->tok.items[i];
    return k->len != LEN_LONG ? k->s + k->len : long_end(c, i);
}

/* The bytes of token i. */
static inline size_t tok_len(const qctx *c, size_t i)
{
    const qtok *k = &c->tok.items[i];
    return k->len != LEN_LONG ? k->len : tok_end(c, i) - k->s;
}

/* The length field of a token of n bytes. */
static inline unsigned len_field(size_t n)
{
    return n < LEN_LONG ? (unsigned)n : LEN_LONG;
}

static size_t lower_word(const qctx *c, size_t s, size_t e, char *w);
static const qform *find_form(const qforms *fm, const char *w, size_t len);

/* The lower-cased form of token i ("" for a token that is not a word): the
 * form its word was interned as (read_tokens), looked up again, so that a
 * token does not keep it. Words of LW_SHORT bytes or fewer are lower-cased
 * here; longer ones are in c->long_words. */
static const char *LW(const qctx *c, size_t i)
{
    const qforms *fm = c->fm;
    if (i >= c->tok.len || c->tok.items[i].kind != QT_WORD) return fm->low.data;
    const qtok *k = &c->tok.items[i];
    if (tok_len(c, i) > LW_SHORT) {
        size_t lo = long_word_at(c, i);
        return fm->low.data + (lo < c->long_words.len ? c->long_words.items[lo].low : 0);
    }
    char w[LW_SHORT + 8];
    size_t len = lower_word(c, k->s, tok_end(c, i), w);
    const qform *f = find_form(fm, w, len);
    return fm->low.data + (f ? f->low : 0);
}

/* Index of the first token that ends after byte pos: a binary search of
 * the tokens that end in pos's block of bytes (tok_block), or of all. */
static size_t tok_at(const qctx *c, size_t pos)
{
    size_t lo = 0, hi = c->tok.len, b = pos >> TOK_BLOCK_SHIFT;
    if (b + 1 < c->nblocks) {
        /* the first token ending after the block's start comes at or
           before it, and the first ending after the next block's start
           after it */
        lo = c->tok_block[b];
        hi = c->tok_block[b + 1];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tok_end(c, mid) <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool is_word(const qctx *c, size_t i)
{
    return i < c->tok.len && c->tok.items[i].kind == QT_WORD;
}
/* Whether word i is w, a lower-case ASCII word without apostrophes: its
 * bytes lower-cased are w's (a word whose form has a curly apostrophe or
 * other non-ASCII bytes is never w), compared on the text without LW's
 * look-up; always inline, so that strlen(w) is a constant and most calls
 * end at the length (the copy GCC kept out of line measured w at each
 * call: 44 instructions a call). */
static NFI_HOT_INLINE bool w_is(const qctx *c, size_t i, const char *w)
{
    if (!is_word(c, i)) return false;
    const qtok *k = &c->tok.items[i];
    size_t n = strlen(w); /* below LEN_LONG */
    if (k->len != n) return false;
    const unsigned char *p = (const unsigned char *)c->t + k->s;
    for (size_t j = 0; j < n; j++) {
        unsigned ch = p[j];
        if (ch + ((ch - 'A' < 26u) << 5) != (unsigned char)w[j]) return false;
    }
    return true;
}
/* Whether the form of word i starts with prefix (lower-case ASCII
 * letters), read on the text as w_is reads it: the form's first letters
 * are the word's first bytes lower-cased. */
static NFI_HOT_INLINE bool w_starts(const qctx *c, size_t i, const char *prefix)
{
    if (!is_word(c, i)) return false;
    size_t n = strlen(prefix);
    if (tok_len(c, i) < n) return false;
    const unsigned char *p = (const unsigned char *)c->t + c->tok.items[i].s;
    for (size_t j = 0; j < n; j++) {
        unsigned ch = p[j];
        if (ch + ((ch - 'A' < 26u) << 5) != (unsigned char)prefix[j]) return false;
    }
    return true;
}
static inline bool w_in(const qctx *c, size_t i, unsigned bit)
{
    return is_word(c, i) && (c->tok.items[i].lists & bit);
}
/* (a token that is not a word has fewer than LEN_LONG bytes: len is its length) */
static inline bool p_is(const qctx *c, size_t i, char ch)
{
    return i < c->tok.len && c->tok.items[i].kind == QT_PUNCT &&
           c->tok.items[i].len == 1 && c->t[c->tok.items[i].s] == ch;
}
static inline bool is_nl(const qctx *c, size_t i)
{
    return i < c->tok.len && c->tok.items[i].kind == QT_NL;
}
/* Whether line end i stands for skipped text (read_tokens), not for a
 * '\n': it is made at the first byte of the skipped text's first token. */
static inline bool is_gap(const qctx *c, size_t i)
{
    return is_nl(c, i) && c->t[c->tok.items[i].s] != '\n';
}

/* Whether the form of word i has min bytes or more and ends with suffix
 * (lower-case ASCII letters), read on the text: the form's last letters
 * are the word's last bytes lower-cased (a curly apostrophe, the one
 * sequence lower_word shortens, is no letter), and it is 2 bytes shorter
 * than the word per curly apostrophe. Always inline, as w_is: the
 * suffix's length is then a constant. */
static NFI_HOT_INLINE bool form_ends(const qctx *c, size_t i, size_t min, const char *suffix)
{
    if (!is_word(c, i)) return false;
    const qtok *k = &c->tok.items[i];
    const unsigned char *p = (const unsigned char *)c->t + k->s;
    size_t n = tok_len(c, i), ns = strlen(suffix);
    if (n < ns || n < min) return false;
    for (size_t j = 0; j < ns; j++) {
        unsigned char ch = p[n - ns + j];
        if ((ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch) != (unsigned char)suffix[j]) return false;
    }
    size_t len = n;
    for (size_t j = 0; j < n; j++) /* as lower_word */
        if (p[j] == 0xE2 && j + 2 < n && p[j + 1] == 0x80 && p[j + 2] == 0x99) {
            len -= 2;
            j += 2;
        }
    return len >= min;
}

#define NOCLAUSE(c, i) w_in(c, i, L_NOCLAUSE)

static bool is_cue_word(const qctx *c, size_t i) { return w_in(c, i, L_CUE); }

/* space_at for a byte from 0x80 (the rare case, not inlined). */
static size_t space_at_high(const char *t, size_t n, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    if (b == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0) return 2;
    if (b == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80) {
        unsigned char b2 = (unsigned char)t[i + 2];
        if (b2 <= 0x8B || b2 == 0xAF) return 3;
    }
    if (b == 0xE3 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 &&
        (unsigned char)t[i + 2] == 0x80)
        return 3;
    if (b == 0xEF && i + 2 < n && (unsigned char)t[i + 1] == 0xBB &&
        (unsigned char)t[i + 2] == 0xBF)
        return 3;
    return 0;
}

/* Length of a white-space character at t[i] (not a line end), else 0.
 * Inline: the scan and the tests call it for most bytes they pass, and
 * most are ASCII. */
static inline size_t space_at(const char *t, size_t n, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80) return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v';
    return space_at_high(t, n, i);
}

/* A quotation mark at t[i]: its length, class and the roles its form allows. */
static size_t mark_at(const char *t, size_t n, size_t i, uint8_t *cls, uint8_t *role)
{
    unsigned char b = (unsigned char)t[i];
    if (b == '"') { *cls = QM_DOUBLE; *role = QR_OPEN | QR_CLOSE; return 1; }
    if (b == '\'' && i + 1 < n && t[i + 1] == '\'') { /* '' as a double mark */
        *cls = QM_DOUBLE;
        *role = QR_OPEN | QR_CLOSE;
        return 2;
    }
    if (b == '`' && i + 1 < n && t[i + 1] == '`') {
        *cls = QM_DOUBLE;
        *role = QR_OPEN;
        return 2;
    }
    if (b == '\'') { *cls = QM_SINGLE; *role = QR_OPEN | QR_CLOSE; return 1; }
    if (b == 0xC2 && i + 1 < n) {
        unsigned char b1 = (unsigned char)t[i + 1];
        if (b1 == 0xAB) { *cls = QM_DOUBLE; *role = QR_OPEN; return 2; }
        if (b1 == 0xBB) { *cls = QM_DOUBLE; *role = QR_CLOSE; return 2; }
    }
    if (b == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80) {
        switch ((unsigned char)t[i + 2]) {
        case 0x9C: *cls = QM_DOUBLE; *role = QR_OPEN; return 3;
        case 0x9D: *cls = QM_DOUBLE; *role = QR_CLOSE; return 3;
        case 0x9E: *cls = QM_DOUBLE; *role = QR_OPEN; return 3;
        case 0x98: *cls = QM_SINGLE; *role = QR_OPEN; return 3;
        case 0x99: *cls = QM_SINGLE; *role = QR_CLOSE; return 3;
        default: break;
        }
    }
    return 0;
}

/* Other punctuation as its own token: length, else 0 (a word byte). */
static size_t punct_at(const char *t, size_t n, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80) {
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))
            return 0;
        return 1;
    }
    if (b == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80) return 3; /* dashes, ... */
    if (b == 0xC2 && i + 1 < n) {
        unsigned char b1 = (unsigned char)t[i + 1];
        if (b1 < 0xC0) return 2; /* Latin-1 punctuation and symbols */
    }
    return 0;
}

/* ASCII letters and digits, by byte (the common case of the scan; the
 * bytes from 0x80 are 0 here and go to alnum_at). */
static const bool ASCII_ALNUM[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1};

/* alnum_at for a byte from 0x80 (not inlined). */
static bool alnum_at_high(const char *t, size_t n, size_t i)
{
    uint8_t cls, role;
    return !space_at(t, n, i) && !mark_at(t, n, i, &cls, &role) && !punct_at(t, n, i);
}

/* Whether t[i] is a word character (inline: most are ASCII). */
static inline bool alnum_at(const char *t, size_t n, size_t i)
{
    if (i >= n) return false;
    unsigned char b = (unsigned char)t[i];
    return b < 0x80 ? ASCII_ALNUM[b] : alnum_at_high(t, n, i);
}

/* End of the run of word characters from i. The text is followed by a NUL
 * (input.c), which ends an ASCII run without a bounds check. */
static size_t alnum_run(const char *t, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)t;
    for (;;) {
        while (ASCII_ALNUM[u[i]]) i++;
        if (i >= n || u[i] < 0x80 || !alnum_at(t, n, i)) return i;
        i++;
    }
}

/* (cold: most forms are in the cache) */
static NFI_COLD unsigned form_bits(const qctx *c, const char *w, size_t len);

/* The slot hash of a form from its keys (qform): a multiplication mixes
 * its first and last 8 bytes and its length, so that no byte is hashed
 * one at a time. */
static size_t form_hash(uint64_t key, uint64_t key2, size_t len)
{
    return (size_t)(((key * 0x9E3779B97F4A7C15ull) ^ (key2 * 0xC2B2AE3D27D4EB4Full) ^ len) >> 29);
}

/* The form just written at fm->low + at (len bytes and a NUL, not yet
 * counted in fm->low; key, key2: its keys, see qform): the same form seen
 * before, else the new form, with its
 * bits looked up once (a text repeats its words: a lexicon probe folds the
 * word and walks a trie). A form of 16 bytes or fewer is compared as its
 * keys, without memcmp. */
static const qform *intern_form(qctx *c, size_t at, size_t len, uint64_t key, uint64_t key2)
{
    qforms *fm = c->fm;
    const char *w = fm->low.data + at;
    size_t mask = fm->nslots - 1, h = form_hash(key, key2, len) & mask;
    for (; fm->slots[h]; h = (h + 1) & mask) {
        const qform *f = &fm->forms.items[fm->slots[h] - 1];
        if (f->key == key && f->key2 == key2 && f->len == len &&
            (len <= 16 || memcmp(fm->low.data + f->low, w, len) == 0))
            return f;
    }
    qform *f = nfi_vec_push(&fm->forms);
    if (!f) {
        c->nomem = true;
        return NULL;
    }
    f->key = key;
    f->key2 = key2;
    f->low = (uint32_t)at;
    f->len = (uint32_t)len;
    unsigned bits = form_bits(c, w, len);
    f->lists = (uint16_t)(bits & L_ALL);
    f->abbrev = (bits & W_ABBREV) != 0;
    fm->low.len = at + len + 1;
    fm->slots[h] = (uint32_t)fm->forms.len;
    if (fm->forms.len * 2 <= fm->nslots) return f;
    /* grow: rehash the forms */
    size_t ncap = fm->nslots * 2;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) {
        c->nomem = true;
        return NULL;
    }
    for (size_t x = 0; x < fm->forms.len; x++) {
        const qform *g = &fm->forms.items[x];
        size_t y = form_hash(g->key, g->key2, g->len) & (ncap - 1);
        while (ns[y]) y = (y + 1) & (ncap - 1);
        ns[y] = (uint32_t)(x + 1);
    }
    free(fm->slots);
    fm->slots = ns;
    fm->nslots = ncap;
    return f;
}

/* Eight ASCII bytes lower-cased at once: 0x20 added to each byte in A-Z
 * (the bytes are below 0x80, so no sum carries into the next byte). */
static uint64_t lower8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t ge_a = x + (0x80 - 'A') * ones; /* high bit: byte >= 'A' */
    uint64_t gt_z = x + (0x7F - 'Z') * ones; /* high bit: byte > 'Z' */
    return x | ((ge_a & ~gt_z & high) >> 2);
}

/* The first n bytes (1 to 8) of the 8 at p, the others zero
 * (little-endian, as lower_word). */
static uint64_t first_bytes(const char *p, size_t n)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return n >= 8 ? x : x & ((1ull << (8 * n)) - 1);
}

/* Writes the word t[s,e) lower-cased at w (a curly apostrophe becomes ' so
 * that lists match both forms); w has room for e - s + 8 bytes. Returns the
 * length written. */
static size_t lower_word(const qctx *c, size_t s, size_t e, char *w)
{
    const unsigned char *src = (const unsigned char *)c->t + s;
    size_t n = e - s, i = 0;
    /* the common case: an ASCII word, 8 bytes at a time (the bytes read
       past the word are text or the NUL and padding after it, those written
       past it are written over by the NUL or later words) */
    for (; i < n; i += 8) {
        uint64_t x;
        memcpy(&x, src + i, 8);
        uint64_t mine = n - i >= 8 ? ~0ull : (1ull << (8 * (n - i))) - 1;
        if (x & mine & 0x8080808080808080ull) break;
        x = lower8(x & 0x7F7F7F7F7F7F7F7Full);
        memcpy(w + i, &x, 8);
    }
    if (i >= n) return n;
    char *o = w;
    for (i = 0; i < n; i++) {
        unsigned char ch = src[i];
        if (ch >= 'A' && ch <= 'Z') {
            ch = (unsigned char)(ch - 'A' + 'a');
        } else if (ch == 0xE2 && i + 2 < n && src[i + 1] == 0x80 && src[i + 2] == 0x99) {
            ch = '\'';
            i += 2;
        }
        *o++ = (char)ch;
    }
    return (size_t)(o - w);
}

/* A slot at the end of the token array (sized for the text, so it rarely
 * grows), not initialised. */
static inline qtok *new_tok(qctx *c)
{
    if (c->tok.len == c->tok.cap) {
        size_t ncap = c->tok.cap * 2;
        qtok *ni = realloc(c->tok.items, ncap * sizeof *ni);
        if (!ni) {
            c->nomem = true;
            return NULL;
        }
        c->tok.items = ni;
        c->tok.cap = ncap;
    }
    return &c->tok.items[c->tok.len++];
}

/* A new token that is not a word (listed in c->others). */
static inline qtok *push_tok(qctx *c, size_t s, size_t e, uint8_t kind)
{
    qtok *k = new_tok(c);
    if (!k) return NULL;
    uint32_t *other = nfi_vec_push(&c->others);
    if (!other) {
        c->nomem = true;
        return NULL;
    }
    *other = (uint32_t)(c->tok.len - 1);
    *k = (qtok){.s = (uint32_t)s, .kind = kind & 7u, .len = len_field(e - s) & 0xFFu};
    return k;
}

/* The form and end of the word just made, longer than LW_SHORT bytes, for
 * LW and tok_end. */
static NFI_COLD void keep_long_word(qctx *c, const qform *f, size_t e)
{
    struct long_word *lw = nfi_vec_push(&c->long_words);
    if (!lw) {
        c->nomem = true;
        return;
    }
    lw->tok = (uint32_t)(c->tok.len - 1);
    lw->low = f->low;
    lw->e = (uint32_t)e;
}

/* A new word token, with its form interned. */
static void push_word(qctx *c, size_t s, size_t e)
{
    /* the word lower-cased, written straight after the forms */
    nfi_buf *low = &c->fm->low;
    size_t at = low->len;
    if (at + (e - s) + 9 > low->cap && !nfi_buf_reserve(low, e - s + 8)) {
        c->nomem = true;
        return;
    }
    char *w = low->data + at;
    size_t len = lower_word(c, s, e, w);
    w[len] = '\0';
    uint64_t key = first_bytes(w, len), key2 = len > 8 ? first_bytes(w + len - 8, 8) : 0;
    const qform *f = intern_form(c, at, len, key, key2);
    qtok *k = f ? new_tok(c) : NULL;
    if (!k) return;
    unsigned char b0 = (unsigned char)c->t[s];
    /* A-Z, or À-Þ (C3 80 to C3 9E) */
    bool cap = (unsigned)(b0 - 'A') < 26u ||
               (b0 == 0xC3 && s + 1 < e && (unsigned char)c->t[s + 1] >= 0x80 &&
                (unsigned char)c->t[s + 1] <= 0x9E);
    /* written at once (its bit-fields one by one cost a load and a store each) */
    *k = (qtok){.s = (uint32_t)s, .lists = f->lists & L_ALL, .kind = QT_WORD, .cap = cap,
                .len = len_field(e - s) & 0xFFu};
    if (e - s > LW_SHORT) keep_long_word(c, f, e);
}

static bool is_abbrev_word(const char *t, size_t s, size_t e)
{
    char w[16];
    size_t n = e - s;
    if (n == 0 || n >= sizeof w) return false;
    if (n == 1) return (t[s] >= 'A' && t[s] <= 'Z'); /* initial */
    bool has_dot = false;
    for (size_t i = 0; i < n; i++) {
        char ch = t[s + i];
        if (ch == '.') has_dot = true;
        w[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    w[n] = 0;
    if (has_dot) return true; /* U.S -> U.S. */
    return in_list(w, ABBREV);
}

/* The token array, with room for cap tokens (so that it is allocated once
 * on most texts), empty. */
static void tok_alloc(qctx *c, size_t cap)
{
    if (c->tok.cap >= cap) return; /* a spare array (qspare) with room */
    free(c->tok.items);
    c->tok.cap = 0;
    c->tok.items = malloc(cap * sizeof *c->tok.items);
    if (!c->tok.items) {
        c->nomem = true;
        return;
    }
    c->tok.cap = cap;
}

/* The stage's own scan of the text from *i, token by token, while *i is
 * below limit (a token begun before limit is finished). */
static void scan_until(qctx *c, size_t *pos, size_t limit)
{
    const char *t = c->t;
    size_t n = c->n, i = *pos;
    while (i < limit && !c->nomem) {
        size_t sp;
        unsigned char b = (unsigned char)t[i];
        if (!ASCII_ALNUM[b]) { /* the common case, a word, is below */
            if (b == ' ') {
                i++;
                continue;
            }
            if (b == '\n') {
                size_t j = i + 1;
                bool blank = false;
                /* a following blank line makes a paragraph break */
                for (;;) {
                    while (j < n && (sp = space_at(t, n, j)) != 0) j += sp;
                    if (j < n && t[j] == '\n') {
                        blank = true;
                        j++;
                        continue;
                    }
                    break;
                }
                qtok *k = push_tok(c, i, i + 1, QT_NL);
                if (k) k->para = blank;
                i = j;
                continue;
            }
            if ((sp = space_at(t, n, i)) != 0) {
                i += sp;
                continue;
            }
            uint8_t cls, role;
            size_t ml = mark_at(t, n, i, &cls, &role);
            if (ml) {
                /* apostrophes inside words belong to the word (handled below) */
                qtok *k = push_tok(c, i, i + ml, QT_QUOTE);
                if (k) {
                    k->qclass = cls & 3u;
                    k->role = role & 3u;
                }
                i += ml;
                continue;
            }
            size_t pl = punct_at(t, n, i);
            if (pl) {
                push_tok(c, i, i + pl, QT_PUNCT);
                i += pl;
                continue;
            }
        }
        size_t s = i;
        for (;;) {
            i = alnum_run(t, n, i);
            if (i >= n) break;
            /* inner connectors: . ' ’ - & / between word characters */
            size_t cl = 0;
            uint8_t c2, r2;
            if (t[i] == '.' || t[i] == '-' || t[i] == '&' || t[i] == '/' || t[i] == '\'')
                cl = 1;
            else if ((unsigned char)t[i] == 0xE2 &&
                     mark_at(t, n, i, &c2, &r2) == 3 && c2 == QM_SINGLE && r2 == QR_CLOSE)
                cl = 3; /* ’ */
            if (cl && i > s && (ASCII_ALNUM[(unsigned char)t[i + cl]] || alnum_at(t, n, i + cl))) {
                i += cl;
                continue;
            }
            break;
        }
        if (i == s) { /* a stray byte: make it punctuation */
            i++;
            push_tok(c, s, i, QT_PUNCT);
            continue;
        }
        if (i < n && t[i] == '.' && is_abbrev_word(t, s, i)) i++;
        push_word(c, s, i);
        if (t[i] == ' ') i++; /* the usual space after a word (t[n] is a NUL) */
    }
    *pos = i;
}

/* The stage's tokens by a scan of the whole text (what read_tokens gives;
 * tests compare the two). */
static void scan_text(qctx *c)
{
    size_t i = 0;
    /* about one token per 4 bytes (news text has one per 5 or 6) */
    tok_alloc(c, c->n / 4 + 16);
    if (!c->nomem) scan_until(c, &i, c->n);
}

/* The first n bytes of p (zero-padded) as first_bytes gives them, reading
 * no byte past p[n - 1]: for strings outside the forms' buffer. */
static NFI_HOT_INLINE uint64_t first_bytes_exact(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    if (n >= 8) return first_bytes(p, 8);
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, u, 4);
        memcpy(&hi, u + n - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4)); /* the overlap is equal */
    }
    if (!n) return 0;
    return (uint64_t)u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
}

/* The interned form w[0,len) of keys key, key2 (qform), or NULL. */
static inline const qform *find_form_keyed(const qforms *fm, const char *w, size_t len,
                                           uint64_t key, uint64_t key2)
{
    size_t mask = fm->nslots - 1;
    for (size_t h = form_hash(key, key2, len) & mask; fm->slots[h]; h = (h + 1) & mask) {
        const qform *f = &fm->forms.items[fm->slots[h] - 1];
        if (f->key == key && f->key2 == key2 && f->len == len &&
            (len <= 16 || memcmp(fm->low.data + f->low, w, len) == 0))
            return f;
    }
    return NULL;
}

/* The form w[0,len) (held outside the forms' buffer) if it is interned. */
static const qform *find_form(const qforms *fm, const char *w, size_t len)
{
    uint64_t key = first_bytes_exact(w, len), key2 = len > 8 ? first_bytes(w + len - 8, 8) : 0;
    return find_form_keyed(fm, w, len, key, key2);
}

/* The form of the lower-cased word w[0,len) held outside the forms'
 * buffer, interned (copied into the buffer when new). */
static const qform *form_of_string(qctx *c, const char *w, size_t len)
{
    qforms *fm = c->fm;
    uint64_t key = first_bytes_exact(w, len), key2 = len > 8 ? first_bytes(w + len - 8, 8) : 0;
    const qform *found = find_form_keyed(fm, w, len, key, key2);
    if (found) return found;
    nfi_buf *low = &fm->low;
    size_t at = low->len;
    if (at + len + 9 > low->cap && !nfi_buf_reserve(low, len + 8)) {
        c->nomem = true;
        return NULL;
    }
    memcpy(low->data + at, w, len);
    low->data[at + len] = '\0';
    return intern_form(c, at, len, key, key2);
}

/* The ASCII bytes that end a word wherever they are: neither letters nor
 * digits nor the connectors . - & / ' (the bytes from 0x80 are 0: looked
 * at by word_ends_at). */
static const bool WORD_END[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [9] = 1,
    [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1,
    [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1,
    ['$'] = 1, ['%'] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, [':'] = 1,
    [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1, ['['] = 1, ['\\'] = 1,
    [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
    [127] = 1};

/* Whether the word the scan starts at s ends at e, s < e and t[s,e) being
 * ASCII letters and digits of form f: no word character, no connector
 * before one, and no full stop of an abbreviation follows (scan_until's
 * word loop). */
static inline bool word_ends_at(const qctx *c, size_t s, size_t e, const qform *f)
{
    const char *t = c->t;
    size_t n = c->n;
    unsigned char b = (unsigned char)t[e]; /* t[n] is a NUL */
    if (WORD_END[b]) return true; /* the common case */
    if (ASCII_ALNUM[b]) return false;
    if (b < 0x80) { /* a connector */
        if (ASCII_ALNUM[(unsigned char)t[e + 1]] || alnum_at(t, n, e + 1)) return false;
        /* is_abbrev_word of a word without periods */
        return !(b == '.' && (e - s == 1 ? (unsigned)(t[s] - 'A') < 26u : f->abbrev));
    }
    if (alnum_at(t, n, e)) return false;
    uint8_t cls, role;
    if (mark_at(t, n, e, &cls, &role) == 3 && cls == QM_SINGLE && role == QR_CLOSE &&
        (ASCII_ALNUM[(unsigned char)t[e + 3]] || alnum_at(t, n, e + 3)))
        return false; /* ’ inside a word */
    return true;
}

/* What read_tokens keeps of the document's forms, by form id: the form
 * here (index in fm->forms + 1) of a norm of an ASCII token that is letters
 * and digits only, NOT_ALNUM for the norm of another ASCII token (0: not
 * looked up yet); whether a shape is letters and digits only (1), or not
 * (2; 0: not looked at). */
#define NOT_ALNUM UINT32_MAX
typedef struct docforms {
    uint32_t *norm_form;
    uint8_t *alnum_shape;
} docforms;

/* The index + 1 in fm->forms of the norm of ASCII document token tk, its
 * first in the document: looked up (interned when new) and kept in df;
 * NOT_ALNUM when it is not letters and digits only (or on OOM). Four words
 * in ten of a news article are the first of their form in it: out of the
 * loop of read_range, whose values would go to the stack for it. */
static NFI_NOINLINE uint32_t look_up_norm(qctx *c, docforms *df, const nfi_token *tk)
{
    const nfi_strtab *ft = &c->doc->forms;
    /* letters and digits only: as its shape (shapes are fewer than norms) */
    uint8_t *alnum = &df->alnum_shape[tk->shape];
    if (!*alnum) {
        const char *x = ft->strs[tk->shape];
        size_t len = ft->lens[tk->shape], k = 0;
        while (k < len && (x[k] == 'X' || x[k] == 'x' || x[k] == 'd')) k++;
        *alnum = k == len && len ? 1 : 2;
    }
    const qform *f = *alnum == 1 ? form_of_string(c, ft->strs[tk->norm], ft->lens[tk->norm]) : NULL;
    return df->norm_form[tk->norm] = f ? (uint32_t)(f - c->fm->forms.items) + 1 : NOT_ALNUM;
}

/* The index + 1 in fm->forms of the norm of ASCII document token tk, or
 * NOT_ALNUM (look_up_norm). */
static inline uint32_t norm_form_index(qctx *c, docforms *df, const nfi_token *tk)
{
    uint32_t fi = df->norm_form[tk->norm];
    return fi ? fi : look_up_norm(c, df, tk);
}

/* The stage's form of the norm of ASCII document token tk, or NULL when it
 * is not letters and digits only (or on OOM). */
static const qform *alnum_norm_form(qctx *c, docforms *df, const nfi_token *tk)
{
    uint32_t fi = norm_form_index(c, df, tk);
    return fi == NOT_ALNUM ? NULL : &c->fm->forms.items[fi - 1];
}

/* The stage's token at the start of document token tk when the scan would
 * make it the same bytes, from what the tokenizer found: a word of ASCII
 * letters and digits (its norm is its form), a one-byte punctuation or
 * quotation mark, a mark or dash of U+2010 to U+205F. False, and no token,
 * when the scan must decide. */
static inline bool token_from_doc(qctx *c, docforms *df, const nfi_token *tk)
{
    const char *t = c->t;
    size_t s = tk->span.start, e = tk->span.end;
    unsigned char b = (unsigned char)t[s];
    if (!(tk->flags & NF_TOKEN_NON_ASCII)) {
        if (ASCII_ALNUM[b]) {
            const qform *f = alnum_norm_form(c, df, tk);
            if (!f || !word_ends_at(c, s, e, f)) return false;
            qtok *k = new_tok(c);
            if (k)
                *k = (qtok){.s = (uint32_t)s, .lists = f->lists & L_ALL, .kind = QT_WORD,
                            .cap = (unsigned)(b - 'A') < 26u, .len = len_field(e - s) & 0xFFu};
            if (k && e - s > LW_SHORT) keep_long_word(c, f, e);
            return true;
        }
        if (e - s != 1 || b == ' ' || b == '\n' || space_at(t, c->n, s)) return false;
        uint8_t cls = 0, role = 0;
        size_t ml = (b == '"' || b == '\'' || b == '`') ? mark_at(t, c->n, s, &cls, &role) : 0;
        if (ml > 1) return false; /* '' or `` */
        qtok *k = push_tok(c, s, e, ml ? QT_QUOTE : QT_PUNCT);
        if (k && ml) {
            k->qclass = cls & 3u;
            k->role = role & 3u;
        }
        return true;
    }
    if (e - s == 3 && b == 0xE2 && (unsigned char)t[s + 1] == 0x80) {
        unsigned char b2 = (unsigned char)t[s + 2];
        if (b2 <= 0x8B || b2 == 0xAF) return false; /* white space to the scan */
        uint8_t cls = 0, role = 0;
        size_t ml = mark_at(t, c->n, s, &cls, &role);
        qtok *k = push_tok(c, s, e, ml ? QT_QUOTE : QT_PUNCT); /* else punct_at's 3 bytes */
        if (k && ml) {
            k->qclass = cls & 3u;
            k->role = role & 3u;
        }
        return true;
    }
    return false;
}

/* The stage's tokens of document tokens [k, end), the text being read up
 * to byte i (returned: where it is read up to after them). A word whose
 * form was met earlier in the document (six words in ten) is made here,
 * with no call: its form's index is one load (df) and the token is
 * written at once; look_up_norm, token_from_doc and the scan take the
 * rest. */
static NFI_NOINLINE size_t read_range(qctx *c, docforms *df, size_t k, size_t end, size_t i)
{
    const nfi_token *dt = c->doc->tokens.items;
    const char *t = c->t;
    size_t from_doc = 0;
    for (; k < end; k++) {
        const nfi_token *tk = &dt[k];
        size_t s = tk->span.start, e = tk->span.end;
        if (s != i) {
            if (s < i) continue; /* inside a token the scan made */
            if (s == i + 1 && t[i] == ' ') {
                i = s; /* the usual space */
            } else {
                scan_until(c, &i, s);
                if (c->nomem) break;
                if (s < i) continue;
            }
        }
        unsigned char b = (unsigned char)t[s];
        uint32_t fi = (tk->flags & NF_TOKEN_NON_ASCII) || !ASCII_ALNUM[b] ? NOT_ALNUM
                                                                          : norm_form_index(c, df, tk);
        if (fi != NOT_ALNUM && e - s <= LW_SHORT && WORD_END[(unsigned char)t[e]] &&
            c->tok.len < c->tok.cap) {
            c->tok.items[c->tok.len++] =
                (qtok){.s = (uint32_t)s, .lists = c->fm->forms.items[fi - 1].lists & L_ALL,
                       .kind = QT_WORD, .cap = (unsigned)(b - 'A') < 26u, .len = (e - s) & 0xFFu};
            from_doc++;
            i = e;
            continue;
        }
        if (token_from_doc(c, df, tk)) {
            from_doc++;
            i = e;
        } else {
            scan_until(c, &i, s + 1); /* the scan's token at s */
        }
        if (c->nomem) break;
    }
    c->from_doc += from_doc;
    return i;
}

/* The stage's tokens, the same as scan_text's, read from the document's
 * tokens where token_from_doc can: the tokenizer has found the words and
 * their lower-cased forms already, and a word is looked up once per
 * document form instead of once per occurrence. The scan makes the line
 * ends, the white space between tokens and the tokens where the two
 * tokenizers differ ("Russia's" is one word here and two tokens there,
 * "1,000" three here and one there, "''" one mark here).
 * Only the text of the document tokens in ranges (nfi_body_ranges; NULL:
 * all the text): the text after a range up to the next is skipped, a
 * page's clutter, whose quotes apply_body drops, and stands as one line
 * end (gap_at) so that no quote and no unit runs across it. */
static void read_tokens(qctx *c, const nfi_tok_range *ranges, size_t nranges)
{
    const nf_doc *d = c->doc;
    const nfi_token *dt = d->tokens.items;
    size_t nd = d->tokens.len, nf = d->forms.count, i = 0, ntok = 0;
    if (!nd) {
        scan_text(c);
        return;
    }
    nfi_tok_range whole = {0, nd};
    if (!ranges) {
        ranges = &whole;
        nranges = 1;
    }
    for (size_t r = 0; r < nranges; r++) ntok += ranges[r].end - ranges[r].start + 1;
    /* the document's tokens, the line ends and the tokens where the scan
       splits more */
    tok_alloc(c, ntok + ntok / 4 + 16);
    docforms df = {calloc(nf + 1, sizeof *df.norm_form), calloc(nf + 1, 1)};
    if (!df.norm_form || !df.alnum_shape) c->nomem = true;
    for (size_t r = 0; r < nranges && !c->nomem; r++) {
        if (dt[ranges[r].start].span.start > i && ranges[r].start > 0)
            i = dt[ranges[r].start].span.start; /* the text before is skipped */
        i = read_range(c, &df, ranges[r].start, ranges[r].end, i);
        if (ranges[r].end < nd && i <= dt[ranges[r].end].span.start) {
            qtok *gap = push_tok(c, dt[ranges[r].end].span.start,
                                 dt[ranges[r].end].span.start + 1, QT_NL);
            if (gap) gap->para = true;
        }
    }
    if (!c->nomem && ranges[nranges - 1].end == nd) scan_until(c, &i, c->n);
    free(df.norm_form);
    free(df.alnum_shape);
}

/* The first token ending after each block of bytes (qctx.tok_block): tok_at
 * is called a few times per entity, cue and quote, and a block of 256 bytes
 * has about fifty tokens, so that a look-up takes six steps instead of one
 * per doubling of the document (eleven on a news article of 6 KB, nineteen
 * on a document of 2 MB). A block's first token is found by a binary search
 * from the last block's (cheaper than a walk over the tokens: a block has
 * many). Not made for a short text, nor when there is no room for it:
 * tok_at then searches all tokens. */
static void index_tokens(qctx *c)
{
    if (c->tok.len < TOK_INDEX_MIN) return;
    size_t nb = (c->n >> TOK_BLOCK_SHIFT) + 2, lo = 0;
    uint32_t *first = malloc(nb * sizeof *first);
    if (!first) return;
    for (size_t b = 0; b < nb; b++) {
        size_t start = b << TOK_BLOCK_SHIFT, hi = c->tok.len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (tok_end(c, mid) <= start)
                lo = mid + 1;
            else
                hi = mid;
        }
        first[b] = (uint32_t)lo;
    }
    c->tok_block = first;
    c->nblocks = nb;
}

/* ------------------------------------------------------------ quote marks */

static bool space_or_edge_before(const qctx *c, size_t i)
{
    if (i == 0) return true;
    const qtok *p = &c->tok.items[i - 1], *k = &c->tok.items[i];
    if (p->kind == QT_NL) return true;
    if (tok_end(c, i - 1) < k->s) return true; /* white space between */
    if (p->kind == QT_PUNCT) {
        char ch = c->t[p->s];
        return ch == '(' || ch == '[' || (unsigned char)ch == 0xE2 || ch == '-' || ch == '/';
    }
    if (p->kind == QT_QUOTE) return true;
    return false;
}
static bool space_or_edge_after(const qctx *c, size_t i)
{
    if (i + 1 >= c->tok.len) return true;
    const qtok *nx = &c->tok.items[i + 1];
    if (nx->kind == QT_NL) return true;
    if (nx->s > tok_end(c, i)) return true;
    if (nx->kind == QT_PUNCT) {
        char ch = c->t[nx->s];
        return ch == ',' || ch == '.' || ch == ';' || ch == ':' || ch == ')' || ch == '?' ||
               ch == '!' || (unsigned char)ch == 0xE2;
    }
    return false;
}

/* The roles a mark can play here, from its form and its neighbours. */
static uint8_t mark_role(const qctx *c, size_t i)
{
    const qtok *k = &c->tok.items[i];
    bool before = space_or_edge_before(c, i), after = space_or_edge_after(c, i);
    if (k->role == QR_OPEN) return (!before && after) ? QR_CLOSE : QR_OPEN;
    if (k->role == QR_CLOSE) return (before && !after) ? QR_OPEN : QR_CLOSE;
    if (before && !after) return QR_OPEN;
    if (!before && after) return QR_CLOSE;
    return QR_OPEN | QR_CLOSE;
}

static bool final_punct_tok(const qctx *c, size_t i)
{
    if (i >= c->tok.len || c->tok.items[i].kind != QT_PUNCT) return false;
    const qtok *k = &c->tok.items[i];
    const unsigned char *p = (const unsigned char *)c->t + k->s;
    if (k->len == 1) return *p == '.' || *p == '!' || *p == '?';
    return k->len == 3 && p[2] == 0xA6; /* … */
}

static void add_dq(qctx *c, size_t open, size_t close, size_t last, uint32_t flags)
{
    dquote *q = nfi_vec_push(&c->dq);
    if (!q) {
        c->nomem = true;
        return;
    }
    q->open = open;
    q->close = close;
    q->span.start = tok_end(c, open);
    q->span.end = close != open ? c->tok.items[close].s : tok_end(c, last);
    q->flags = flags;
    q->cue = -1;
    q->unit = NFI_NONE;
    size_t stop = close != open ? close : last + 1;
    if (close != open) c->tok.items[close].closes = true;
    q->stop = stop;
    for (size_t k = open + 1; k < stop; k++) c->tok.items[k].inside = true;
}

/* Index of the first entry of the ascending list a[0, len) that is x or
   more (len when none). */
static size_t first_at_least(const uint32_t *a, size_t len, size_t x)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The direct quote whose content holds token k (index in c->dq), or -1:
 * the last quote that opens before k, the quotes being in token order
 * and apart (pair_marks goes on after each quote's end). */
static int32_t quote_of(const qctx *c, size_t k)
{
    if (k >= c->tok.len || !c->tok.items[k].inside) return -1;
    size_t lo = 0, hi = c->dq.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->dq.items[mid].open < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo && k < c->dq.items[lo - 1].stop ? (int32_t)(lo - 1) : -1;
}

static void pair_marks(qctx *c)
{
    size_t n = c->tok.len;
    /* the single marks that can close and the line ends, in token order: a
       look-up is a binary search (not two arrays of a slot per token, the
       stage's largest allocation); and the marks, which the pairing visits */
    NFI_VEC(uint32_t) sc = {NULL, 0, 0}, nl = {NULL, 0, 0}, marks = {NULL, 0, 0};
    for (size_t x = 0; x < c->others.len && !c->nomem; x++) {
        size_t j = c->others.items[x];
        const qtok *k = &c->tok.items[j];
        if (k->kind == QT_PUNCT) continue;
        uint32_t *slot = k->kind == QT_NL ? nfi_vec_push(&nl) : nfi_vec_push(&marks);
        if (slot) *slot = (uint32_t)j;
        else c->nomem = true;
        if (k->kind == QT_QUOTE && k->qclass == QM_SINGLE && (mark_role(c, j) & QR_CLOSE)) {
            slot = nfi_vec_push(&sc);
            if (slot) *slot = (uint32_t)j;
            else c->nomem = true;
        }
    }
    /* mark by mark; a quote found moves on to the first mark after its end
       (next) */
    size_t i = 0, next = 0;
    for (size_t x = 0; x < marks.len && !c->nomem; next = i + 1, x++) {
        i = marks.items[x];
        if (i < next) {
            i = next - 1; /* next stays */
            continue;
        }
        qtok *k = &c->tok.items[i];
        uint8_t r = mark_role(c, i);
        if (!(r & QR_OPEN)) continue;
        uint8_t cls = k->qclass;
        if (cls == QM_SINGLE) {
            /* single marks quote only when they open before a letter and close in the
               same paragraph; otherwise they are apostrophes */
            if (!space_or_edge_before(c, i) || !is_word(c, i + 1)) continue;
            unsigned char b = (unsigned char)c->t[c->tok.items[i + 1].s];
            if (b >= '0' && b <= '9') continue;
            /* the first closing single mark after the word, unless a line end
               that stops the quote comes first (a paragraph break, a line after
               a full stop, a line more than 40 tokens on) */
            size_t at = first_at_least(sc.items, sc.len, i + 2);
            size_t j = at < sc.len ? sc.items[at] : n;
            bool stopped = j >= n;
            for (size_t p = first_at_least(nl.items, nl.len, i + 1);
                 p < nl.len && nl.items[p] < j && !stopped; p++) {
                size_t l = nl.items[p];
                c->work++;
                if (c->tok.items[l].para || final_punct_tok(c, l - 1) || l - i > 40) stopped = true;
            }
            if (stopped) continue;
            add_dq(c, i, j, j, 0);
            i = j;
            continue;
        }
        /* double marks */
        size_t j = i + 1, last = i;
        bool closed = false;
        while (j < n) {
            qtok *m = &c->tok.items[j];
            c->work++;
            if (m->kind == QT_NL) {
                size_t nx = j + 1;
                bool skipped = is_gap(c, j); /* the next paragraph is not the next */
                while (nx < n && is_nl(c, nx)) skipped |= is_gap(c, nx++);
                bool prev_final = j > 0 && (final_punct_tok(c, j - 1) || p_is(c, j - 1, ':'));
                if (nx < n && c->tok.items[nx].kind == QT_QUOTE &&
                    c->tok.items[nx].qclass == QM_DOUBLE && (mark_role(c, nx) & QR_OPEN) &&
                    prev_final && !skipped) {
                    /* a quote over several paragraphs: opening mark at each start */
                    j = nx + 1;
                    continue;
                }
                if (m->para || prev_final || nx >= n ||
                    !(is_word(c, nx) && !c->tok.items[nx].cap)) {
                    break; /* unclosed: ends with its paragraph */
                }
                j++; /* a wrapped line */
                continue;
            }
            if (m->kind == QT_QUOTE && m->qclass == QM_DOUBLE) {
                uint8_t rj = mark_role(c, j);
                if (rj & QR_CLOSE) {
                    closed = true;
                    break;
                }
                /* a clear opening mark: the quote before it was left open */
                break;
            }
            last = j;
            j++;
        }
        if (last == i && !closed) continue; /* a lone mark */
        if (closed) {
            if (j == i + 1) {
                i = j;
                continue;
            }
            add_dq(c, i, j, j - 1, 0);
            i = j;
        } else {
            add_dq(c, i, i, last, NF_QUOTE_UNCLOSED);
            i = last;
        }
    }
    nfi_vec_free(&sc);
    nfi_vec_free(&nl);
    nfi_vec_free(&marks);
}

/* ------------------------------------------------------------ units */

static bool unit_break_after(const qctx *c, size_t i)
{
    size_t n = c->tok.len;
    const qtok *k = &c->tok.items[i];
    /* only a full stop, ... or a closing mark ends a unit (most tokens are words) */
    if (k->kind == QT_WORD || k->inside) return false;
    bool fin = final_punct_tok(c, i);
    size_t nx = i + 1;
    if (k->kind == QT_QUOTE) {
        /* the closing mark of a quote that ends a sentence */
        if (!k->closes || i == 0 || !final_punct_tok(c, i - 1)) return false;
        fin = true;
    } else if (fin) {
        /* the period is followed by a closing mark or bracket: break after those */
        if (nx < n && (p_is(c, nx, ')') ||
                       (c->tok.items[nx].kind == QT_QUOTE && !(mark_role(c, nx) & QR_OPEN))))
            return false;
    }
    if (!fin) return false;
    if (nx >= n || is_nl(c, nx)) return true;
    const qtok *x = &c->tok.items[nx];
    if (x->kind == QT_WORD && (x->cap || ((unsigned char)c->t[x->s] >= '0' &&
                                          (unsigned char)c->t[x->s] <= '9')))
        return true;
    if (x->kind == QT_QUOTE && (mark_role(c, nx) & QR_OPEN)) return true;
    if (x->kind == QT_PUNCT && (c->t[x->s] == '(' || c->t[x->s] == '-')) return true;
    return false;
}

/* The unit that holds token k, or NFI_NONE (a line end between units): the
 * last unit that starts at or before k, the units being in token order
 * and apart. */
static uint32_t unit_of(const qctx *c, size_t k)
{
    size_t lo = 0, hi = c->units.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->units.items[mid].a <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo && k < c->units.items[lo - 1].b ? (uint32_t)(lo - 1) : NFI_NONE;
}

static void make_units(qctx *c)
{
    size_t n = c->tok.len, start = 0;
    /* a word is never a break: the other tokens, then the end */
    for (size_t x = 0; x <= c->others.len && !c->nomem; x++) {
        size_t i = x < c->others.len ? c->others.items[x] : n;
        bool brk = false, skip = false;
        if (i == n) brk = true;
        else if (is_nl(c, i) && !c->tok.items[i].inside) {
            /* a line end: a unit ends unless the next line continues a sentence */
            size_t nx = i + 1;
            bool wrapped = nx < n && is_word(c, nx) && !c->tok.items[nx].cap &&
                           !c->tok.items[i].para && i > 0 && !final_punct_tok(c, i - 1) &&
                           !p_is(c, i - 1, ':');
            bool inside_open = false;
            /* an unclosed quote ended at this line */
            if (!wrapped) brk = skip = true;
            (void)inside_open;
        }
        if (brk) {
            if (i > start) {
                qunit *u = nfi_vec_push(&c->units);
                if (!u) {
                    c->nomem = true;
                    return;
                }
                u->a = (uint32_t)start;
                u->b = (uint32_t)i;
            }
            start = i + (skip ? 1 : 0);
            if (i == n) break;
            continue;
        }
        if (unit_break_after(c, i)) {
            qunit *u = nfi_vec_push(&c->units);
            if (!u) {
                c->nomem = true;
                return;
            }
            u->a = (uint32_t)start;
            u->b = (uint32_t)(i + 1);
            start = i + 1;
        }
    }
    for (size_t q = 0; q < c->dq.len; q++) c->dq.items[q].unit = unit_of(c, c->dq.items[q].open);
}

/* ------------------------------------------------------------ cues */

static bool is_pron(const qctx *c, size_t i)
{
    if (!w_in(c, i, L_PRON)) return false;
    /* "US" is the country, not the pronoun */
    const qtok *k = &c->tok.items[i];
    return !(tok_len(c, i) >= 2 && c->t[k->s + 1] >= 'A' && c->t[k->s + 1] <= 'Z');
}

/* Word count of the speaker chunk [a,b). */
static size_t nwords(const qctx *c, size_t a, size_t b)
{
    size_t k = 0;
    for (size_t i = a; i < b; i++)
        if (is_word(c, i)) k++;
    return k;
}

/* The noun phrase at the start of a clause: [det] words up to a preposition
 * or a verb-like word. */
static size_t leading_np(const qctx *c, size_t a, size_t lim)
{
    size_t j = a, cnt = 0;
    if (w_in(c, j, L_DET)) j++;
    while (j < lim && cnt < 6 && is_word(c, j)) {
        if (w_in(c, j, L_PREP) || w_in(c, j, L_AUX) || w_in(c, j, L_SUBJ) || is_cue_word(c, j) ||
            w_in(c, j, L_TIME) || w_is(c, j, "this") || w_is(c, j, "last"))
            break;
        if (!c->tok.items[j].cap && form_ends(c, j, 4, "ed")) break;
        if (cnt > 0 && !c->tok.items[j].cap && c->tok.items[j - 1].cap &&
            !w_is(c, j - 1, "the"))
            break; /* "Putin tempered" */
        j++;
        cnt++;
    }
    return j;
}

static size_t ent_bound(const qctx *c, const uint32_t *idx, size_t n, size_t pos, bool by_end,
                        bool upper);

/* Whether tokens [k, p) name a source: at most three title words ("Rep.",
 * "Sen.") then a PERSON or ORG entity, and after it nothing but a
 * bracketed tag ("(D-Mass.)"); no verb. The name's tokens go to *ns, *ne. */
static bool segment_names_source(const qctx *c, size_t k, size_t p, size_t *ns, size_t *ne)
{
    if (k >= p || p - k > 10 || !c->ent_by_start) return false;
    const nf_doc *d = c->doc;
    for (size_t x = k; x < p && x < k + 4; x++) {
        if (!is_word(c, x) || !c->tok.items[x].cap) return false;
        if (x > k && w_in(c, x - 1, L_SUBJ)) return false; /* "But Ann Lee" */
        size_t i = ent_bound(c, c->ent_by_start, d->entities.len, c->tok.items[x].s, false, false);
        for (; i < d->entities.len; i++) {
            const nf_entity *en = &d->entities.items[c->ent_by_start[i]];
            if (en->span.start != c->tok.items[x].s) break;
            if (en->type != NF_ENT_PERSON && en->type != NF_ENT_ORG) continue;
            if (en->span.end > tok_end(c, p - 1)) continue;
            size_t y = x;
            while (y < p && tok_end(c, y) <= en->span.end) y++;
            size_t e = y;
            /* a bracketed tag after the name */
            if (y < p && p_is(c, y, '(')) {
                while (y < p && !p_is(c, y, ')')) y++;
                if (y < p) e = y + 1;
                y = e;
            }
            if (y != p) continue;
            for (size_t z = k; z < p; z++)
                if (w_in(c, z, L_AUX)) return false;
            *ns = k;
            *ne = e;
            return true;
        }
    }
    return false;
}

/* Subject chunk before the cue at token cue, within [ua, cue). */
static void subject_before(const qctx *c, size_t ua, size_t cue, size_t *sa, size_t *sb)
{
    *sa = *sb = cue;
    if (cue <= ua) return;
    size_t j = cue;
    while (j > ua && (w_in(c, j - 1, L_SKIP) ||
                      (is_word(c, j - 1) && !c->tok.items[j - 1].cap &&
                       form_ends(c, j - 1, 5, "ly"))))
        j--;
    /* "X, who said ...": the relative pronoun (resolved to X) */
    if (j > ua && (w_is(c, j - 1, "who") || w_is(c, j - 1, "which")) && j - 1 > ua &&
        p_is(c, j - 2, ',')) {
        *sa = j - 1;
        *sb = j;
        return;
    }
    if (j > ua && p_is(c, j - 1, ',')) {
        /* "NAME, a long appositive (with commas), said": the comma-separated
           piece that is a name, up to 40 tokens and five pieces back */
        size_t p = j - 1, lim40 = p > ua + 40 ? p - 40 : ua;
        for (int pieces = 0; p > lim40 && pieces < 5; pieces++) {
            size_t k = p;
            while (k > lim40 && !p_is(c, k - 1, ',') && c->tok.items[k - 1].kind != QT_QUOTE &&
                   !c->tok.items[k - 1].inside && !final_punct_tok(c, k - 1))
                k--;
            if (k == lim40 && lim40 > ua) break;
            size_t ns, ne;
            if (segment_names_source(c, k, p, &ns, &ne)) {
                *sa = ns;
                *sb = ne;
                return;
            }
            if (k <= ua || !p_is(c, k - 1, ',')) break;
            p = k - 1;
        }
        /* appositive "X, the minister, said": the name before it */
        size_t k = j - 1;
        size_t lim = k > ua + 15 ? k - 15 : ua;
        while (k > lim && !p_is(c, k - 1, ',') && c->tok.items[k - 1].kind != QT_QUOTE &&
               !c->tok.items[k - 1].inside)
            k--;
        bool name_inside = k < j - 1;
        for (size_t x = k; x < j - 1; x++)
            if (!is_word(c, x) || !c->tok.items[x].cap) name_inside = false;
        if (name_inside && nwords(c, k, j - 1) <= 4) {
            /* "The chairman, Ann Lee, said": the name between the commas */
            *sa = k;
            *sb = j - 1;
            return;
        }
        /* the name before an appositive; a piece that opens with a
           conjunction is a clause, not an appositive (", and the meeting
           ended there, said X") */
        if (k > lim && p_is(c, k - 1, ',') && k - 1 > ua && is_word(c, k - 2) &&
            c->tok.items[k - 2].cap && !w_in(c, k, L_SUBJ))
            j = k - 1;
        else
            return;
    }
    size_t b = j;
    if (j > ua && is_pron(c, j - 1)) {
        *sa = j - 1;
        *sb = j;
        return;
    }
    size_t cnt = 0;
    while (j > ua && cnt < 12) {
        size_t p = j - 1;
        if (w_is(c, p, "after") || w_is(c, p, "before") || w_is(c, p, "since") ||
            w_is(c, p, "until")) {
            /* "X in a note after the vote said": the clause's subject */
            size_t k = p;
            while (k > ua && is_word(c, k - 1) && !w_in(c, k - 1, L_SUBJ) && k + 20 > p) k--;
            if (k < p && (k == ua || p_is(c, k - 1, ','))) {
                size_t e = leading_np(c, k, p);
                if (e > k) {
                    *sa = k;
                    *sb = e;
                    return;
                }
            }
            break;
        }
        const qtok *k = &c->tok.items[p];
        if (k->inside) break;
        if (k->kind == QT_WORD) {
            if (w_in(c, p, L_SUBJ) || is_cue_word(c, p) || w_in(c, p, L_AUX)) break;
            if (is_pron(c, p) && !w_is(c, p, "us")) break;
        } else if (k->kind == QT_PUNCT) {
            char ch = c->t[k->s];
            if (ch == ')' && j == b) {
                /* "Rep. Ann Lee (D-Ore.) said": over a bracketed tag */
                size_t o = p;
                while (o > ua && o + 8 > p && !p_is(c, o, '(')) o--;
                if (p_is(c, o, '(') && o > ua && is_word(c, o - 1) && c->tok.items[o - 1].cap) {
                    j = o;
                    cnt++;
                    continue;
                }
                break;
            }
            if (!(ch == '-' || ch == '&' || ch == '\'' || ch == '.')) break;
            if (ch == '.' && !(p > ua && is_word(c, p - 1))) break;
        } else {
            break;
        }
        j--;
        cnt++;
    }
    /* drop a leading preposition phrase: "On Friday the ministry" */
    while (j < b && w_in(c, j, L_PREP)) {
        size_t k = j + 1;
        while (k < b && !w_in(c, k, L_DET) && !(is_word(c, k) && c->tok.items[k].cap &&
                                               !w_in(c, k, L_TIME)))
            k++;
        j = k;
    }
    while (j < b && !is_word(c, j)) j++;
    /* drop trailing time words: "Trump this week", "the ministry on Friday" */
    while (b > j + 1 && w_in(c, b - 1, L_TIME)) {
        b--;
        while (b > j + 1 && (w_in(c, b - 1, L_PREP) || w_is(c, b - 1, "this") ||
                             w_is(c, b - 1, "last") || w_is(c, b - 1, "next")))
            b--;
    }
    if (j >= b) return;
    /* a trailing adjunct is not part of the mention: "X in a statement" */
    for (size_t k = j + 1; k < b; k++)
        if (w_in(c, k, L_PREP) && !w_is(c, k, "for") && !w_is(c, k, "to")) {
            b = k;
            break;
        }
    *sa = j;
    *sb = b;
}

/* Noun phrase after an inverted cue ("..., said the ministry"). */
static void np_after(const qctx *c, size_t from, size_t ub, size_t *sa, size_t *sb)
{
    *sa = *sb = from;
    size_t j = from, cnt = 0;
    while (j < ub && cnt < 10) {
        const qtok *k = &c->tok.items[j];
        if (k->kind == QT_WORD) {
            /* a cue word after a determiner or an adjective is a noun: "a new
               report by ..." */
            bool noun = cnt > 0 && (w_in(c, j - 1, L_DET) || (is_word(c, j - 1) && !c->tok.items[j - 1].cap));
            if (w_in(c, j, L_SUBJ) || (is_cue_word(c, j) && !noun) || w_in(c, j, L_AUX)) break;
            if (cnt > 0 && (w_in(c, j, L_PREP) && !w_is(c, j, "for") && !w_is(c, j, "to")))
                break;
            if (w_in(c, j, L_PREP) && cnt == 0) break;
        } else if (k->kind == QT_PUNCT) {
            char ch = c->t[k->s];
            if (!(ch == '-' || ch == '&')) break;
        } else {
            break;
        }
        j++;
        cnt++;
    }
    while (j > from && !is_word(c, j - 1)) j--;
    *sb = j;
}

static void add_cue(qctx *c, size_t a, size_t b, int type, uint32_t unit)
{
    qcue *q = nfi_vec_push(&c->cues);
    if (!q) {
        c->nomem = true;
        return;
    }
    q->a = (uint32_t)a;
    q->b = (uint32_t)b;
    q->type = (int8_t)type;
    q->unit = unit;
    q->participle = form_ends(c, a, 5, "ing");
    q->sa = q->sb = (uint32_t)a;
}

static int cmp_rcue(const void *x, const void *y)
{
    const rcue *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    if (a->b != b->b) return a->b > b->b ? -1 : 1; /* longer first */
    /* of equal cues, one whose rule names the speaker ("quoted X:" over the
       plain verb "quoted") */
    return (b->sa < b->sb) - (a->sa < a->sb);
}

/* Token range of bytes [s, e) in the scanner's tokens; false when empty. */
static bool tok_range(const qctx *c, size_t s, size_t e, size_t *a, size_t *b)
{
    if (s == NF_UNSET || e <= s) return false;
    *a = tok_at(c, s);
    /* the token at e - 1 (tok_at's): a cue or speaker ends a few tokens
       after it starts, so a walk finds it in fewer steps than a search */
    size_t j = *a;
    for (size_t steps = 0; j < c->tok.len && tok_end(c, j) <= e - 1; j++)
        if (++steps == 8) {
            j = tok_at(c, e - 1);
            break;
        }
    *b = j + 1;
    if (*b > c->tok.len) *b = c->tok.len;
    return *a < *b && c->tok.items[*a].s < e;
}

/* Whether annotation an of d is one of the rules' quote cues (type: the
 * interned QUOTE_CUE). */
static inline bool is_rule_cue(const nf_doc *d, const nfi_ann *an, const char *type)
{
    /* types are interned in the rules: a pointer comparison */
    return !(an->flags & NFI_ANN_REMOVED) && nfi_ann_type(d, an) == type;
}

/* QUOTE_CUE annotations of the rules (attributes cue, speaker, form,
 * clause; docs/quotes.md) as rule cues. */
static void rule_cues(qctx *c)
{
    const nf_doc *d = c->doc;
    const char *type = c->cf->cue_type;
    if (!type) return;
    for (size_t i = 0; i < d->anns.len && !c->nomem; i++) {
        const nfi_ann *an = &d->anns.items[i];
        if (!is_rule_cue(d, an, type)) continue;
        /* its attributes cue, speaker, form and clause (the first of each
           name, as nfi_ann_attr finds it), in one pass */
        const nfi_attr *cue = NULL, *spk = NULL, *form = NULL, *clause = NULL;
        for (uint32_t x = 0; x < an->attr_count; x++) {
            const nfi_attr *at = &d->attrs.items[an->attr_start + x];
            const nfi_attr **slot = NULL;
            switch (at->key[0]) {
            case 'c':
                slot = !strcmp(at->key, "cue") ? &cue : !strcmp(at->key, "clause") ? &clause : NULL;
                break;
            case 's': slot = !strcmp(at->key, "speaker") ? &spk : NULL; break;
            case 'f': slot = !strcmp(at->key, "form") ? &form : NULL; break;
            default: break;
            }
            if (slot && !*slot) *slot = at;
        }
        nf_span cs = cue && cue->span.start != NFI_NONE ? nfi_attr_span(cue) : nfi_ann_span(d, an);
        rcue r;
        memset(&r, 0, sizeof r);
        size_t a, b, sa, sb;
        if (!tok_range(c, cs.start, cs.end, &a, &b)) continue;
        sa = sb = a;
        if (spk && spk->span.start != NFI_NONE &&
            !tok_range(c, spk->span.start, spk->span.end, &sa, &sb))
            sa = sb = a;
        r.a = (uint32_t)a;
        r.b = (uint32_t)b;
        r.sa = (uint32_t)sa;
        r.sb = (uint32_t)sb;
        r.type = CUE_VERB;
        if (form && form->value && !strcmp(form->value, "according")) r.type = CUE_ACCORDING;
        if (form && form->value && !strcmp(form->value, "cite")) r.type = CUE_CITE;
        if (form && form->value && !strcmp(form->value, "none")) r.type = CUE_NONE;
        r.noclause = clause && clause->value && !strcmp(clause->value, "none");
        r.question = clause && clause->value && !strcmp(clause->value, "question");
        rcue *slot = nfi_vec_push(&c->rcues);
        if (!slot) {
            c->nomem = true;
            return;
        }
        *slot = r;
    }
    /* (nfi_sort: the rules' annotations come mostly in text order, and it
       checks the order first; like qsort here it keeps equal ones in order) */
    if (c->rcues.len > 1) nfi_sort(c->rcues.items, c->rcues.len, sizeof *c->rcues.items, cmp_rcue);
}

/* The speaker of a rule cue that names none: for "according to", the noun
 * phrase after it; else the subject before the cue (an appositive name, a
 * pronoun, a relative "who"), or after a comma or a quotation mark the noun
 * phrase after it when it ends the clause ("..., said the minister." - not
 * "..., said he would ..."). */
static void find_speaker(const qctx *c, qcue *q, size_t ua, size_t ub)
{
    size_t sa = q->sa, sb = q->sb;
    if (q->type == CUE_ACCORDING) {
        np_after(c, q->b, ub, &sa, &sb);
        q->inverted = true;
    } else {
        subject_before(c, ua, q->a, &sa, &sb);
        if (!(sa != sb || q->a <= ua || q->participle ||
              !(p_is(c, q->a - 1, ',') || c->tok.items[q->a - 1].kind == QT_QUOTE))) {
            np_after(c, q->b, ub, &sa, &sb);
            size_t e = sb;
            bool ends = e >= ub || c->tok.items[e].kind != QT_WORD || w_in(c, e, L_PREP) ||
                        w_in(c, e, L_TIME);
            if (sa != sb && ends && !(is_pron(c, sa) && sb - sa > 1))
                q->inverted = true;
            else
                sa = sb = q->a;
        }
    }
    q->sa = (uint32_t)sa;
    q->sb = (uint32_t)sb;
}

/* The cues of each unit, from the QUOTE_CUE annotations of the rules
 * (rule_cues): the cue outside direct quotes that starts at a token (the
 * longest), with the rule's speaker or one found here. */
static void find_cues(qctx *c)
{
    size_t rk = 0; /* next rule cue */
    for (size_t u = 0; u < c->units.len && !c->nomem; u++) {
        size_t ua = c->units.items[u].a, ub = c->units.items[u].b;
        size_t first_cue = c->cues.len;
        for (size_t i = ua; i < ub; i++) {
            while (rk < c->rcues.len && c->rcues.items[rk].a < i) rk++;
            if (rk == c->rcues.len) break;
            if (c->rcues.items[rk].a > i) { /* on to the next token a rule cue starts at */
                i = c->rcues.items[rk].a - 1;
                continue;
            }
            if (!(c->rcues.items[rk].b <= ub &&
                  !c->tok.items[i].inside))
                continue;
            const rcue *r = &c->rcues.items[rk];
            if (r->type == CUE_NONE) {
                /* an exception of the rules: no cue starts inside it */
                i = r->b - 1;
                continue;
            }
            add_cue(c, r->a, r->b, r->type, (uint32_t)u);
            if (c->nomem) return;
            qcue *q = &c->cues.items[c->cues.len - 1];
            q->noclause = r->noclause;
            q->question = r->question;
            /* a participle ("adding", "pointing out") is a verb cue */
            if (r->type != CUE_VERB) q->participle = false;
            if (r->sa < r->sb) {
                q->sa = r->sa;
                q->sb = r->sb;
                q->inverted = r->type != CUE_CITE && r->sa >= r->b;
            } else {
                find_speaker(c, q, ua, ub);
            }
            i = r->b - 1;
        }
        /* ", adding ...", ", saying ...": the speaker of the sentence */
        for (size_t k = first_cue; k < c->cues.len; k++) {
            qcue *q = &c->cues.items[k];
            if (q->sa != q->sb || !q->participle) continue;
            if (!(q->a > ua && p_is(c, q->a - 1, ','))) continue;
            bool got = false;
            for (size_t j = k; j-- > first_cue;)
                if (c->work++, c->cues.items[j].sa != c->cues.items[j].sb) {
                    q->sa = c->cues.items[j].sa;
                    q->sb = c->cues.items[j].sb;
                    got = true;
                    break;
                }
            if (!got && c->tok.items[ua].kind == QT_WORD) {
                size_t e = leading_np(c, ua, q->a);
                if (e > ua && nwords(c, ua, e) <= 5) {
                    q->sa = (uint32_t)ua;
                    q->sb = (uint32_t)e;
                }
            }
        }
    }
}

/* ------------------------------------------------------------ outputs */

static qout *add_out(qctx *c, nf_span span, uint32_t kind, uint32_t flags, const qcue *cue,
                     const char *rule)
{
    qout *o = nfi_vec_push(&c->outs);
    if (!o) {
        c->nomem = true;
        return NULL;
    }
    o->span = span;
    o->kind = kind;
    o->flags = flags;
    o->rule = rule;
    o->inherit = -1;
    o->cue.start = o->cue.end = NF_UNSET;
    o->sa = o->sb = 0;
    if (cue) {
        o->cue.start = c->tok.items[cue->a].s;
        o->cue.end = tok_end(c, cue->b - 1);
        o->sa = cue->sa;
        o->sb = cue->sb;
    }
    return o;
}

/* The cue of a direct quote: after it ("...," X said), before it in its unit
 * (X said: "..."), or anywhere after it in the unit. -1 when none. */
static int direct_cue(qctx *c, const dquote *q)
{
    if (q->unit == NFI_NONE) return -1;
    if (q->close == q->open) return -1;
    size_t after = q->close + 1;
    int best_after = -1, best_before = -1;
    /* the cues of a unit are in text order: the first one at or after the
       closing mark, and the last one ending before the opening mark */
    size_t lo = c->ucue[q->unit], hi = c->ucue[q->unit + 1];
    c->work++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cues.items[mid].a < after)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->ucue[q->unit + 1]) best_after = (int)lo;
    size_t b0 = c->ucue[q->unit];
    hi = lo;
    lo = b0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cues.items[mid].b <= q->open)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > b0) best_before = (int)(lo - 1);
    if (best_after >= 0) {
        const qcue *cu = &c->cues.items[best_after];
        /* close after the quote: only a short chunk between */
        size_t first = cu->inverted ? cu->a : cu->sa;
        if (cu->sa == cu->sb) first = cu->a;
        while (first > after && p_is(c, first - 1, ',')) first--;
        bool near = first == after && !cu->participle && cu->a - after <= 12;
        for (size_t k = after; k < cu->a && near; k++)
            if (c->tok.items[k].kind == QT_QUOTE || final_punct_tok(c, k)) near = false;
        if (near) return best_after;
    }
    if (best_before >= 0) return best_before;
    return best_after;
}

/* A dash token: ― — – or -. */
static bool dash_tok(const qctx *c, size_t i)
{
    if (i >= c->tok.len || c->tok.items[i].kind != QT_PUNCT) return false;
    const qtok *k = &c->tok.items[i];
    const unsigned char *b = (const unsigned char *)c->t + k->s;
    if (k->len == 1) return b[0] == '-';
    return k->len == 3 && b[0] == 0xE2 && b[1] == 0x80 && b[2] >= 0x93 && b[2] <= 0x95;
}

/* "“...” ― Ann Lee" (also on the next line, also "-- Ann Lee, a nurse"): a
 * name after a dash that follows the closing mark names the source. Sets
 * the dash token and the name's tokens. */
static bool dash_source(const qctx *c, const dquote *q, size_t *dash, size_t *sa, size_t *sb)
{
    if (q->close == q->open) return false;
    size_t j = q->close + 1;
    if (is_nl(c, j)) j++;
    if (!dash_tok(c, j)) return false;
    *dash = j++;
    if (dash_tok(c, j)) j++; /* "--" */
    size_t a = j, words = 0;
    while (j < c->tok.len && words < 6 && is_word(c, j) &&
           (c->tok.items[j].cap || (words > 0 && (w_is(c, j, "de") || w_is(c, j, "van") ||
                                                  w_is(c, j, "von") || w_is(c, j, "al")))))
        j++, words++;
    if (words == 0 || j == a) return false;
    if (j < c->tok.len && !is_nl(c, j) && !p_is(c, j, ',') &&
        !(final_punct_tok(c, j) && (j + 1 >= c->tok.len || is_nl(c, j + 1))))
        return false;
    *sa = a;
    *sb = j;
    return true;
}

static size_t quote_words(const qctx *c, const dquote *q)
{
    size_t k = 0;
    for (size_t i = q->open + 1; i < q->stop; i++)
        if (is_word(c, i)) k++;
    return k;
}

static bool unit_has_cue(const qctx *c, uint32_t unit)
{
    return c->ucue[unit + 1] > c->ucue[unit];
}

static void do_direct(qctx *c)
{
    int64_t prev_out = -1;
    uint32_t prev_unit = NFI_NONE;
    for (size_t i = 0; i < c->dq.len && !c->nomem; i++) {
        dquote *q = &c->dq.items[i];
        if (q->span.end <= q->span.start) continue;
        int cu = direct_cue(c, q);
        size_t words = quote_words(c, q);
        if ((double)words <= c->cf->scare_max_words && cu < 0) {
            /* scare quotes and quoted names; a short quote of its own unit right
               after an attributed one still counts */
            bool alone = q->unit != NFI_NONE && c->units.items[q->unit].a == q->open;
            if (!(alone && prev_out >= 0 && words >= 2)) continue;
        }
        if ((double)words <= 2 * c->cf->scare_max_words + 2 && cu >= 0 && q->close != q->open) {
            /* a title in quotation marks ("Fox News Sunday," "The Morning
               Show"): every word capitalised but small words, no punctuation
               except a comma before the closing mark, or a period when the
               sentence began before the mark and no comma or colon opens the
               quote ('said on CNN's "State of the Union."'; not 'added the
               words, "Ann Lee."'); a name, not a quote */
            bool allcap = true;
            size_t stop = q->close;
            bool inside = q->unit != NFI_NONE && c->units.items[q->unit].a < q->open &&
                          !p_is(c, q->open - 1, ',') && !p_is(c, q->open - 1, ':');
            if (stop > q->open + 1 && (p_is(c, stop - 1, ',') || (inside && p_is(c, stop - 1, '.'))))
                stop--;
            for (size_t k = q->open + 1; k < stop; k++) {
                if (is_word(c, k) && !c->tok.items[k].cap && !w_in(c, k, L_SUBJ) &&
                    !w_is(c, k, "of") && !w_is(c, k, "the") && !w_is(c, k, "a") &&
                    !w_is(c, k, "in") && !w_is(c, k, "on") && !w_is(c, k, "to") &&
                    !w_is(c, k, "for"))
                    allcap = false;
                if (c->tok.items[k].kind == QT_PUNCT && !p_is(c, k, '-') && !p_is(c, k, '\''))
                    allcap = false;
                if (c->tok.items[k].kind == QT_QUOTE) allcap = false;
            }
            /* a short all-capitalised quote that is a sentence of its own
               stays ("Thank You America!" has its "!") */
            if (allcap) continue;
        }
        qout *o = add_out(c, q->span, NF_QUOTE_DIRECT, q->flags, cu >= 0 ? &c->cues.items[cu] : NULL,
                          "quotes.direct");
        if (!o) return;
        size_t dash, dsa, dsb;
        if (cu < 0 && dash_source(c, q, &dash, &dsa, &dsb)) {
            /* the source after a dash */
            o->cue.start = c->tok.items[dash].s;
            o->cue.end = tok_end(c, dash);
            o->sa = dsa;
            o->sb = dsb;
            o->rule = "quotes.direct.dash_source";
        } else if (cu < 0 && prev_out >= 0 && q->unit != NFI_NONE && !unit_has_cue(c, q->unit) &&
            prev_unit <= q->unit && (double)(q->unit - prev_unit) <= c->cf->continue_units) {
            /* a quote that goes on after an attributed one: same cue and speaker */
            const qout *p = &c->outs.items[prev_out];
            o->cue = p->cue;
            o->sa = p->sa;
            o->sb = p->sb;
            o->inherit = prev_out;
            o->rule = "quotes.direct.continued";
        } else if (cu < 0 && q->unit != NFI_NONE && q->unit > 0) {
            /* a lead-in "X said:" as the unit before */
            const qunit *pu = &c->units.items[q->unit - 1];
            if (p_is(c, pu->b - 1, ':') && c->units.items[q->unit].a == q->open) {
                for (size_t k = c->ucue[q->unit]; k-- > c->ucue[q->unit - 1];)
                    if (c->cues.items[k].unit == q->unit - 1) {
                        const qcue *pc = &c->cues.items[k];
                        o->cue.start = c->tok.items[pc->a].s;
                        o->cue.end = tok_end(c, pc->b - 1);
                        o->sa = pc->sa;
                        o->sb = pc->sb;
                        o->rule = "quotes.direct.lead_in";
                        break;
                    }
            }
        }
        q->cue = cu;
        if (o->sa != o->sb || o->cue.start != NF_UNSET) {
            prev_out = (int64_t)(c->outs.len - 1);
            prev_unit = q->unit;
        }
    }
}

/* Block quotes: a paragraph after a lead-in line that ends with ':', with no
 * quotation marks, often followed by a short line naming its source. */
static void do_blocks(qctx *c)
{
    for (size_t u = 1; u < c->units.len && !c->nomem; u++) {
        const qunit *pu = &c->units.items[u - 1], *cu = &c->units.items[u];
        if (!p_is(c, pu->b - 1, ':')) continue;
        if (cu->a == 0 || !is_nl(c, cu->a - 1)) continue;
        if (c->tok.items[cu->a].kind == QT_QUOTE || c->tok.items[cu->a].kind != QT_WORD) continue;
        /* the block runs over units up to the line end */
        size_t end = cu->b;
        size_t uu = u;
        while (end < c->tok.len && !is_nl(c, end) && uu + 1 < c->units.len) {
            c->work++;
            uu++;
            end = c->units.items[uu].b;
        }
        bool marks = false;
        for (size_t k = cu->a; k < end; k++)
            if (c->work++, c->tok.items[k].kind == QT_QUOTE && !c->tok.items[k].inside &&
                (mark_role(c, k) & QR_OPEN) && c->tok.items[k].qclass == QM_DOUBLE)
                marks = true;
        if (marks || nwords(c, cu->a, end) < 5) continue;
        int cue = -1;
        for (size_t k = c->ucue[u]; k-- > c->ucue[u - 1];)
            if (c->cues.items[k].unit == u - 1) {
                cue = (int)k;
                break;
            }
        if (cue < 0) continue;
        nf_span sp = {c->tok.items[cu->a].s, tok_end(c, end - 1)};
        qout *o = add_out(c, sp, NF_QUOTE_DIRECT, NF_QUOTE_BLOCK, &c->cues.items[cue],
                          "quotes.block");
        if (!o) return;
        /* the cue of the lead-in is used by this quote, not by an indirect one */
        c->cues.items[cue].type = -c->cues.items[cue].type;
        u = uu;
    }
}

/* Whether a clause starts at token k (a content clause, not a noun phrase). */
/* A subject pronoun with a contracted verb: "she'll", "they're", "it's". */
static bool pron_contraction(const qctx *c, size_t k)
{
    if (!is_word(c, k)) return false;
    const char *w = LW(c, k), *ap = strchr(w, '\'');
    if (!ap || ap == w) return false;
    static const char *const subj[] = {"he", "she", "it", "they", "we", "i", "you", "there", NULL};
    static const char *const tail[] = {"ll", "s", "re", "d", "ve", "m", NULL};
    char head[8];
    size_t L = (size_t)(ap - w);
    if (L >= sizeof head) return false;
    memcpy(head, w, L);
    head[L] = 0;
    return in_list(head, subj) && in_list(ap + 1, tail);
}

static bool clause_at(const qctx *c, size_t k, size_t ub)
{
    if (k >= ub) return false;
    if (w_is(c, k, "that")) return true;
    /* "said when she resigned ...", "said as he entered": an adjunct of the
       report, not its content */
    if (w_in(c, k, L_SUBJ) && !w_is(c, k, "whether") && !w_is(c, k, "if")) return false;
    if (is_pron(c, k) && !w_is(c, k, "him") && !w_is(c, k, "them") && !w_is(c, k, "us"))
        return true;
    if (pron_contraction(c, k)) return true;
    if (w_in(c, k, L_AUX)) return true; /* "something it said would ..." */
    if (c->tok.items[k].kind == QT_QUOTE) return true;
    bool aside = false;
    for (size_t j = k, cnt = 0; j < ub && (double)cnt < c->cf->clause_lookahead; j++, cnt++) {
        const qtok *t = &c->tok.items[j];
        if (t->kind == QT_PUNCT) {
            char ch = c->t[t->s];
            if (ch == ',' && !aside && j > k) {
                /* "the program, run by the agency, has brought": over one
                   aside between commas */
                size_t x = j + 1;
                while (x < ub && x < j + 10 && !p_is(c, x, ',') && !final_punct_tok(c, x) &&
                       c->tok.items[x].kind != QT_QUOTE)
                    x++;
                if (p_is(c, x, ',') && x > j + 1) {
                    aside = true;
                    j = x;
                    continue;
                }
            }
            if (ch == ',' || ch == ';' || ch == ':' || ch == '.' || ch == '(') return false;
            continue;
        }
        if (t->kind != QT_WORD) continue;
        if (j > k && (w_in(c, j, L_AUX) ||
                      (is_cue_word(c, j) && !NOCLAUSE(c, j) && !w_in(c, j - 1, L_DET) &&
                       !w_in(c, j - 1, L_PREP) && !w_is(c, j - 1, "of"))))
            return true;
        if (j > k && form_ends(c, j, 5, "ed") && !t->cap &&
            !w_in(c, j - 1, L_DET) && !w_in(c, j - 1, L_PREP) && !w_is(c, j - 1, "of") &&
            !w_is(c, j - 1, "and"))
            return true;
        if (j > k && (w_in(c, j, L_SUBJ) && !w_is(c, j, "and") && !w_is(c, j, "or") &&
                      !w_is(c, j, "nor")))
            return false;
    }
    return false;
}

/* "say" and its forms: a bare clause after them is their content
 * ("many residents say the plan obscures ..."), whatever its verb. */
static bool say_form(const qctx *c, size_t i)
{
    return w_is(c, i, "say") || w_is(c, i, "says") || w_is(c, i, "said") || w_is(c, i, "saying");
}

/* Words after "say" that are its object, not a clause: "said so". */
static const char *const SAY_OBJECT[] = {"so", "nothing", "little", "much", "something",
                                         "anything", "everything", "goodbye", "hello", "yes",
                                         "no", "more", "less", "otherwise", "what", "how",
                                         "why", "whether", "if", "when", "where", "who",
                                         "which", "as", "to", "the", "a", "an", "this",
                                         "these", "those", "his", "her", "its", "their",
                                         "our", "my", "your", "some", "any", "each",
                                         "of", NULL}; /* "said of the plan": about it */

static bool say_clause_at(const qctx *c, size_t k, size_t ub)
{
    if (!is_word(c, k) || w_in(c, k, L_SAYOBJ) || w_in(c, k, L_PREP)) {
        /* a determiner starts a subject as well: "say the program has" */
        if (!(w_in(c, k, L_DET) && !w_is(c, k, "no") && !w_is(c, k, "what"))) return false;
        if (w_is(c, k + 1, "same") || w_is(c, k + 1, "following")) return false;
    }
    size_t words = 0;
    for (size_t j = k; j < ub && words < 3; j++) {
        if (c->tok.items[j].kind == QT_WORD) words++;
        else if (!p_is(c, j, '-') && !p_is(c, j, '\'')) break;
    }
    return words >= 3;
}

/* Skips adjuncts after a cue: "on Friday", "in a statement", "to reporters",
 * "during a visit to X on Thursday". Returns the first token after them. */
static size_t skip_adjuncts(const qctx *c, size_t k, size_t ub, bool object)
{
    for (int guard = 0; guard < 6 && k < ub; guard++) {
        if (w_in(c, k, L_SKIP) && !w_is(c, k, "had") && !w_is(c, k, "has") &&
            !w_is(c, k, "was") && !w_is(c, k, "is") && !w_is(c, k, "would") &&
            !w_is(c, k, "will") && !w_is(c, k, "were")) {
            k++;
            continue;
        }
        if (w_in(c, k, L_TIME) || w_is(c, k, "last") || w_is(c, k, "this")) {
            if ((w_is(c, k, "last") || w_is(c, k, "this")) && w_in(c, k + 1, L_TIME))
                k += 2;
            else if (w_in(c, k, L_TIME))
                k++;
            else
                break;
            continue;
        }
        bool prep = w_in(c, k, L_PREP) && !w_is(c, k, "while");
        if (prep || object) {
            size_t j = k + (prep ? 1 : 0);
            if (w_in(c, j, L_DET) && !w_is(c, j, "that")) j++;
            size_t words = 0;
            while (j < ub && words < 4 && is_word(c, j) && !w_is(c, j, "that") &&
                   !is_pron(c, j) && !w_in(c, j, L_AUX) && !w_in(c, j, L_PREP) &&
                   !(words > 0 && w_in(c, j, L_DET))) {
                bool tw = w_in(c, j, L_TIME);
                if (words > 0 && c->tok.items[j].cap && !c->tok.items[j - 1].cap) break;
                j++;
                words++;
                if (tw && !(j < ub && is_word(c, j) && !c->tok.items[j].cap && !is_pron(c, j) &&
                            !w_in(c, j, L_DET) && !w_in(c, j, L_AUX) && !w_is(c, j, "that")))
                    break;
            }
            if (words == 0) break;
            k = j;
            object = false;
            if (p_is(c, k, ',') && w_is(c, k + 1, "that")) k++;
            continue;
        }
        break;
    }
    return k;
}

/* A lower-case past form at token k ("celebrated"): a verb phrase starts. */
static bool verb_like(const qctx *c, size_t k)
{
    if (!is_word(c, k) || c->tok.items[k].cap) return false;
    return form_ends(c, k, 5, "ed");
}

/* End of the content that starts at k: the unit end or a trailing
 * attribution (", according to ...", ", adding ...", ", X said"). */
static size_t content_end(qctx *c, size_t k, size_t ub, size_t self_cue)
{
    /* no sentence reports this much: a run-on "sentence" of a hostile text
       must not make every cue scan to its end */
    if (ub > k + CONTENT_MAX_TOKENS) ub = k + CONTENT_MAX_TOKENS;
    size_t end = ub;
    /* a cue inside a non-restrictive relative (", which said that X, ..."):
       the content ends with the relative clause */
    bool relcl = false;
    if (self_cue < c->tok.len) {
        for (size_t j = self_cue; j > 0 && j + 8 > self_cue; j--) {
            if (p_is(c, j - 1, ',') || final_punct_tok(c, j - 1)) break;
            if ((w_is(c, j - 1, "which") || w_is(c, j - 1, "who")) && j >= 2 &&
                p_is(c, j - 2, ',')) {
                relcl = true;
                break;
            }
        }
    }
    for (size_t j = k; j < ub; j++) {
        c->work++;
        if (c->tok.items[j].inside) continue;
        if (p_is(c, j, ';') || (relcl && p_is(c, j, ',') && j > k)) {
            end = j;
            break;
        }
        /* "... and suggested that ...": a second report of the same speaker */
        if (j > k && (w_is(c, j, "and") || w_is(c, j, "but")) &&
            (is_cue_word(c, j + 1) || (w_in(c, j + 1, L_SKIP) && is_cue_word(c, j + 2)))) {
            end = j;
            break;
        }
        if (p_is(c, j, ',') || (c->tok.items[j].kind == QT_QUOTE && j > k &&
                                p_is(c, j + 1, ',') == false && is_cue_word(c, j + 1))) {
            size_t nx = j + 1;
            if (w_is(c, nx, "according") && w_is(c, nx + 1, "to")) {
                end = j;
                break;
            }
            /* ", implicitly putting ...", ", sending him ...": an adjunct of the
               reporter's */
            {
                size_t v = nx;
                if (is_word(c, v) && !c->tok.items[v].cap && form_ends(c, v, 5, "ly"))
                    v++;
                if (is_word(c, v) && !c->tok.items[v].cap && j > k + 3) {
                    const char *w = LW(c, v);
                    size_t L = strlen(w);
                    if (L > 5 && strcmp(w + L - 3, "ing") == 0 && strcmp(w, "including") != 0 &&
                        strcmp(w, "according") != 0 && strcmp(w, "nothing") != 0 &&
                        strcmp(w, "something") != 0 && strcmp(w, "everything") != 0 &&
                        strcmp(w, "anything") != 0 &&
                        (w_in(c, v + 1, L_DET) || is_pron(c, v + 1) || w_in(c, v + 1, L_PREP) ||
                         w_is(c, v + 1, "of") || verb_like(c, v + 1))) {
                        /* a verb: an object or a preposition follows ("putting
                           his", "engaging in"); not a noun ("housing and") */
                        end = j;
                        break;
                    }
                }
            }
            /* ", yet refuses ...", ", but was ...": a second predicate of the
               speaker, not the content */
            if ((w_is(c, nx, "yet") || w_is(c, nx, "but")) &&
                (w_in(c, nx + 1, L_AUX) || verb_like(c, nx + 1) ||
                 (is_word(c, nx + 1) && !c->tok.items[nx + 1].cap &&
                  form_ends(c, nx + 1, 1, "s") && !w_in(c, nx + 1, L_DET) &&
                  !is_pron(c, nx + 1)))) {
                end = j;
                break;
            }
            /* "..., the alliance that ...": an appositive after a name that runs
               to the end of the sentence glosses the name for the reader */
            if (j > k + 2 && is_word(c, j - 1) && c->tok.items[j - 1].cap &&
                (w_is(c, nx, "the") || w_is(c, nx, "a") || w_is(c, nx, "an"))) {
                size_t x = nx;
                while (x < ub && !p_is(c, x, ',') && c->tok.items[x].kind != QT_QUOTE &&
                       !final_punct_tok(c, x) && !w_in(c, x, L_AUX))
                    x++;
                if (x >= ub || (final_punct_tok(c, x) && x + 1 >= ub)) {
                    end = j;
                    break;
                }
            }
            /* ", and that ...": a second content clause of the same cue */
            if ((w_is(c, nx, "and") || w_is(c, nx, "but")) && w_is(c, nx + 1, "that")) continue;
            /* ", while X said ...", ", in what he said ...": another report */
            {
                size_t x = nx, words = 0;
                while (x < ub && words < 7 && is_word(c, x) && !is_cue_word(c, x)) {
                    x++;
                    words++;
                }
                if (words > 0 && x < ub && is_cue_word(c, x) && x != self_cue &&
                    !c->tok.items[x].inside && !NOCLAUSE(c, x) && !w_in(c, x - 1, L_DET)) {
                    end = j;
                    break;
                }
            }
            if (is_cue_word(c, nx) && nx != self_cue) {
                if (form_ends(c, nx, 5, "ing")) {
                    end = j;
                    break;
                }
            }
            /* ", X said" closing the sentence */
            uint32_t un = unit_of(c, j);
            size_t q0 = un == NFI_NONE ? 0 : c->ucue[un], q1 = un == NFI_NONE ? 0 : c->ucue[un + 1];
            /* the cues of the unit are in text order: those in (j, j + 10] */
            c->work++;
            while (q0 < q1) {
                size_t mid = q0 + (q1 - q0) / 2;
                if (c->cues.items[mid].a <= j)
                    q0 = mid + 1;
                else
                    q1 = mid;
            }
            q1 = un == NFI_NONE ? 0 : c->ucue[un + 1];
            for (size_t q = q0; q < q1 && c->cues.items[q].a <= j + 10; q++) {
                const qcue *cu = &c->cues.items[q];
                c->work++;
                if (cu->a == self_cue || cu->a <= j || cu->a > j + 10 || cu->a >= ub) continue;
                if (cu->type != CUE_VERB) continue;
                size_t after = skip_adjuncts(c, cu->b, ub, false);
                if (after >= ub - (final_punct_tok(c, ub - 1) ? 1 : 0) ||
                    p_is(c, after, ',')) {
                    bool plain = true;
                    for (size_t x = j + 1; x < cu->a; x++)
                        if (!is_word(c, x) && !p_is(c, x, '-') && !p_is(c, x, '.'))
                            plain = false;
                    if (plain) {
                        end = j;
                        break;
                    }
                }
            }
            if (end != ub) break;
        }
    }
    return end;
}

static nf_span trim_content(const qctx *c, size_t a, size_t b)
{
    nf_span sp = {NF_UNSET, NF_UNSET};
    while (b > a) {
        const qtok *t = &c->tok.items[b - 1];
        if (t->kind == QT_NL) { b--; continue; }
        if (t->kind == QT_PUNCT) {
            char ch = c->t[t->s];
            if (ch == '.' || ch == ',' || ch == ';' || ch == ':' || ch == '-' ||
                (unsigned char)ch == 0xE2) {
                b--;
                continue;
            }
        }
        break;
    }
    while (a < b && (c->tok.items[a].kind == QT_NL || p_is(c, a, ',') || p_is(c, a, ':')))
        a++;
    if (b <= a) return sp;
    sp.start = c->tok.items[a].s;
    sp.end = tok_end(c, b - 1);
    return sp;
}

/* Whether the span is (nearly) all one direct quote that was already output. */
static bool is_mostly_direct(const qctx *c, nf_span sp)
{
    /* such a quote starts within a few bytes of the content: look at the
       quotes of its first tokens */
    for (size_t i = tok_at(c, sp.start), k = 0; i < c->tok.len && k < 3; i++, k++) {
        if (c->tok.items[i].s > sp.start + 8) break;
        int32_t qi = quote_of(c, i);
        if (qi < 0) continue;
        nf_span o = c->dq.items[qi].span;
        size_t lo = o.start > sp.start ? o.start : sp.start;
        size_t hi = o.end < sp.end ? o.end : sp.end;
        /* the quote with its marks covers the content */
        if (hi > lo && (double)(hi - lo) + 8.0 >= (double)(sp.end - sp.start)) return true;
    }
    return false;
}

static void add_indirect(qctx *c, nf_span sp, const qcue *cu, const char *rule)
{
    if (sp.start == NF_UNSET || sp.end <= sp.start) return;
    size_t words = 0;
    for (size_t i = tok_at(c, sp.start); i < c->tok.len && words < 2; i++) {
        if (c->tok.items[i].s >= sp.end) break;
        if (c->tok.items[i].kind == QT_WORD) words++;
    }
    if (words < 2) return;
    if (is_mostly_direct(c, sp)) return;
    /* indirect quotes are made in text order: a repeat is among the last ones */
    for (size_t i = c->outs.len, seen = 0; i-- > 0 && seen < 32;) {
        const qout *o = &c->outs.items[i];
        if (o->kind != NF_QUOTE_INDIRECT) break;
        seen++;
        size_t lo = o->span.start > sp.start ? o->span.start : sp.start;
        size_t hi = o->span.end < sp.end ? o->span.end : sp.end;
        if (hi > lo && (double)(hi - lo) >= 0.8 * (double)(sp.end - sp.start)) return;
    }
    add_out(c, sp, NF_QUOTE_INDIRECT, 0, cu, rule);
}

/* Whether a direct quote opens at token k and only final punctuation
 * follows it up to ub. */
static bool lone_quote_to_end(const qctx *c, size_t k, size_t ub)
{
    if (k + 1 >= ub || c->tok.items[k].kind != QT_QUOTE) return false;
    int32_t qi = quote_of(c, k + 1);
    if (qi < 0 || c->dq.items[qi].open != k) return false;
    const dquote *dq = &c->dq.items[qi];
    size_t after = dq->close != dq->open ? dq->close + 1 : ub;
    while (after < ub && (final_punct_tok(c, after) || p_is(c, after, ','))) after++;
    return after >= ub;
}


/* "did not say when ...", "would not say why": after a negated cue a wh-word
 * opens the content (an embedded question), not an adjunct ("said when she
 * left" is one). */
static bool negated_wh(const qctx *c, size_t cue, size_t k)
{
    static const char *const WH[] = {"when", "where", "why", "how", "what", "who", "which", NULL};
    if (!is_word(c, k) || !in_list(LW(c, k), WH) || cue == 0) return false;
    size_t p = cue - 1;
    if (p > 0 && (w_is(c, p, "yet") || w_is(c, p, "publicly") || w_is(c, p, "immediately")))
        p--;
    return w_is(c, p, "not") || w_is(c, p, "never") || strstr(LW(c, p), "n't") != NULL ||
           strstr(LW(c, p), "n\xe2\x80\x99t") != NULL;
}

/* Whether a cue gives a content clause: not when its rule says clause: none,
 * nor for a one-word verb cue of quotes.no_clause ("hailed the deal"). */
static bool cue_takes_clause(const qctx *c, const qcue *q)
{
    if (q->noclause) return false;
    return !(q->type == CUE_VERB && q->b == q->a + 1 && NOCLAUSE(c, q->a));
}

static void do_indirect(qctx *c)
{
    /* the first token of the first verb cue of each unit (not one a block
       quote used), or SIZE_MAX */
    size_t *first_verb = malloc((c->units.len ? c->units.len : 1) * sizeof *first_verb);
    if (!first_verb) {
        c->nomem = true;
        return;
    }
    /* the same for verb cues that take a clause */
    size_t *first_clause = malloc((c->units.len ? c->units.len : 1) * sizeof *first_clause);
    if (!first_clause) {
        free(first_verb);
        c->nomem = true;
        return;
    }
    for (size_t u = 0; u < c->units.len; u++) first_verb[u] = first_clause[u] = SIZE_MAX;
    for (size_t k = c->cues.len; k-- > 0;) {
        const qcue *q = &c->cues.items[k];
        if (q->type != CUE_VERB) continue;
        first_verb[q->unit] = q->a;
        if (cue_takes_clause(c, q)) first_clause[q->unit] = q->a;
    }
    for (size_t k = 0; k < c->cues.len && !c->nomem; k++) {
        qcue *cu = &c->cues.items[k];
        if (cu->type <= 0) continue;
        const qunit *u = &c->units.items[cu->unit];
        size_t ua = u->a, ub = u->b;
        /* a participle without its own subject takes the unit's earlier speaker */
        if (cu->sa == cu->sb) {
            for (size_t j = k; j-- > 0;) {
                const qcue *pc = &c->cues.items[j];
                c->work++;
                if (pc->unit != cu->unit) break;
                if (pc->sa != pc->sb) {
                    cu->sa = pc->sa;
                    cu->sb = pc->sb;
                    break;
                }
            }
        }
        if (cu->type == CUE_ACCORDING) {
            size_t xe = cu->sb;
            /* "According to a new report by the Tribune, CLAUSE": the source
               phrase runs on to the comma (no verb on the way) */
            if (!p_is(c, xe, ',') && cu->a == ua) {
                size_t x = xe;
                while (x < ub && x < xe + 10 && (is_word(c, x) || p_is(c, x, '-')) &&
                       !w_in(c, x, L_AUX) && !w_in(c, x, L_SUBJ))
                    x++;
                if (p_is(c, x, ',')) {
                    cu->sb = (uint32_t)x;
                    xe = x;
                }
            }
            /* a verb cue before it in the unit */
            bool other_verb = first_verb[cu->unit] < cu->a;
            bool conj_after = p_is(c, xe, ',') && (w_is(c, xe + 1, "and") || w_is(c, xe + 1, "but"));
            if (conj_after && !other_verb && cu->a > ua && p_is(c, cu->a - 1, ',')) {
                /* "CLAUSE, according to X, and CLAUSE": the sentence around it */
                size_t e = content_end(c, xe + 1, ub, cu->a);
                add_indirect(c, trim_content(c, ua, e), cu, "quotes.indirect.according_to");
            } else if (p_is(c, xe, ',') &&
                       !(cu->a > ua + 1 && p_is(c, cu->a - 1, ',') && !other_verb &&
                         !w_in(c, cu->a - 2, L_SUBJ) && !clause_at(c, xe + 1, ub))) {
                /* "According to X, CLAUSE" or "..., according to X, CLAUSE"
                   ("restrictions that, according to X, make ..."); not
                   "CLAUSE, according to X, a gloss of X.": below */
                size_t s = xe + 1;
                size_t e = content_end(c, s, ub, cu->a);
                add_indirect(c, trim_content(c, s, e), cu, "quotes.indirect.according_to");
            } else if (!other_verb && cu->a > ua && (p_is(c, cu->a - 1, ',') || dash_tok(c, cu->a - 1))) {
                /* "CLAUSE, according to X." (also after a dash) */
                add_indirect(c, trim_content(c, ua, cu->a - 1), cu,
                             "quotes.indirect.according_to");
            }
            continue;
        }
        if (cu->type == CUE_VERB && !cu->inverted && w_in(c, cu->a, L_INF)) {
            /* "urged the council to act", "called on X to": the object and
               the infinitive */
            size_t j = cu->b;
            if (w_is(c, cu->a, "called") || w_is(c, cu->a, "calls") || w_is(c, cu->a, "call") ||
                w_is(c, cu->a, "calling")) {
                if (!w_is(c, j, "on")) goto no_inf;
                j++;
            }
            size_t t = j, words = 0;
            while (t < ub && words < 6 && is_word(c, t) && !w_is(c, t, "to") &&
                   !w_in(c, t, L_AUX) && !is_cue_word(c, t) && !c->tok.items[t].inside)
                t++, words++;
            if (w_is(c, t, "to") && is_word(c, t + 1) && !c->tok.items[t + 1].cap &&
                !w_in(c, t + 1, L_DET) && !is_pron(c, t + 1) && !c->tok.items[t].inside) {
                size_t e = content_end(c, j, ub, cu->a);
                add_indirect(c, trim_content(c, j, e), cu, "quotes.indirect.infinitive");
                continue;
            }
        }
    no_inf:
        if (cu->question) {
            /* "asked whether ...", "questioned why ...": the embedded question
               right after the cue, with its wh-word */
            static const char *const QW[] = {"whether", "if", "why", "what", "how", "when",
                                             "where", "who", NULL};
            if (cu->b < ub && is_word(c, cu->b) && in_list(LW(c, cu->b), QW) &&
                !c->tok.items[cu->b].inside) {
                size_t e = content_end(c, cu->b, ub, cu->a);
                add_indirect(c, trim_content(c, cu->b, e), cu, "quotes.indirect.question");
            }
            continue;
        }
        if (!cue_takes_clause(c, cu)) continue;
        /* forward: CUE [adjuncts] [that] CLAUSE */
        /* (on the text: no look-up of the word's form) */
        bool told = w_starts(c, cu->a, "tel") || w_starts(c, cu->a, "told") ||
                    w_is(c, cu->a, "informed") || w_is(c, cu->a, "assured") ||
                    w_is(c, cu->a, "reminded") || w_is(c, cu->a, "warned") ||
                    w_is(c, cu->a, "urged");
        size_t s = cu->b;
        if (cu->inverted && cu->type == CUE_VERB) s = cu->sb;
        size_t that = NF_UNSET;
        for (size_t j = s; j < ub && j < s + 14; j++) {
            if (w_is(c, j, "that") && !c->tok.items[j].inside) {
                that = j;
                break;
            }
            if (c->tok.items[j].kind != QT_WORD && !p_is(c, j, '-') && !p_is(c, j, ',')) break;
            if (p_is(c, j, ',') && !w_is(c, j + 1, "that")) {
                /* "cautioned, as did the campaign, that ...": over an aside */
                size_t x = j + 1;
                while (x < ub && x < j + 9 && !p_is(c, x, ',') && !final_punct_tok(c, x) &&
                       c->tok.items[x].kind != QT_QUOTE)
                    x++;
                bool place = x > j + 1 && x <= j + 4;
                for (size_t y = j + 1; y < x && place; y++)
                    if (!is_word(c, y) || !c->tok.items[y].cap) place = false;
                if (p_is(c, x, ',') && w_is(c, x + 1, "that") && (w_in(c, j + 1, L_SUBJ) || place)) {
                    j = x;
                    continue;
                }
                break;
            }
            if (w_in(c, j, L_AUX) || is_cue_word(c, j)) break;
        }
        bool fwd = false;
        size_t cs = 0;
        bool relative = !cu->inverted && cu->sa < cu->sb && cu->sa > ua &&
                        (w_is(c, cu->sa - 1, "which") || w_is(c, cu->sa - 1, "what") ||
                         w_is(c, cu->sa - 1, "who") || w_is(c, cu->sa - 1, "that"));
        if (relative && that == NF_UNSET) {
            /* "..., which agencies said lasted six hours": the gapped clause */
            cs = skip_adjuncts(c, cu->b, ub, false);
            fwd = cs < ub && is_word(c, cs);
        } else if (that != NF_UNSET) {
            cs = that + 1;
            fwd = true;
        } else if (!cu->inverted) {
            size_t j = skip_adjuncts(c, s, ub, told);
            if (!told || j > s) {
                /* the say rule: not after adjuncts ("said at the gala dinner in
                   ...": the skipping may stop inside a long one) */
                if (clause_at(c, j, ub) ||
                    (say_form(c, cu->a) && j == s && say_clause_at(c, j, ub)) ||
                    (j == s && negated_wh(c, cu->a, j))) {
                    cs = j;
                    fwd = true;
                }
            }
        }
        if (fwd && cs < ub) {
            /* the content is a direct quote on its own: "X said: "..."" */
            bool lone_direct = false;
            if (c->tok.items[cs].kind == QT_QUOTE) {
                int32_t qi = cs + 1 < ub ? quote_of(c, cs + 1) : -1;
                if (qi >= 0) {
                    const dquote *dq = &c->dq.items[qi];
                    size_t after = dq->close != dq->open ? dq->close + 1 : dq->close + 1;
                    size_t e = content_end(c, cs, ub, cu->a);
                    while (after < e && (final_punct_tok(c, after) || p_is(c, after, ',')))
                        after++;
                    if (after >= e) lone_direct = true;
                }
            }
            if (!lone_direct) {
                size_t e = content_end(c, cs, ub, cu->a);
                add_indirect(c, trim_content(c, cs, e), cu, "quotes.indirect.clause");
            }
            continue;
        }
        /* backward: CLAUSE, X said [adjuncts]. */
        size_t chunk_start = cu->inverted ? cu->a : (cu->sa != cu->sb ? cu->sa : cu->a);
        /* the comma may sit inside a closing mark: '... "partial," X said' */
        bool comma_before = chunk_start > ua && p_is(c, chunk_start - 1, ',');
        /* "CLAUSE, as police have said.": the clause before ", as" */
        if (!comma_before && !cu->inverted && chunk_start > ua + 1 && w_is(c, chunk_start - 1, "as") &&
            p_is(c, chunk_start - 2, ',')) {
            size_t after = skip_adjuncts(c, cu->b, ub, false);
            if (after >= ub || (after + 1 == ub && final_punct_tok(c, after)))
                add_indirect(c, trim_content(c, ua, chunk_start - 2), cu,
                             "quotes.indirect.as_said");
            else if (p_is(c, after, ',') && after + 1 < ub &&
                     (clause_at(c, after + 1, ub) || verb_like(c, after + 1)))
                /* "Hawaii, as his adviser pointed out, rarely gets ...": the
                   sentence around the aside, as for "CLAUSE, X said, CLAUSE" */
                add_indirect(c, trim_content(c, ua, content_end(c, after + 1, ub, cu->a)), cu,
                             "quotes.indirect.as_said");
            continue;
        }
        bool quote_comma = chunk_start > ua + 1 && c->tok.items[chunk_start - 1].closes &&
                           p_is(c, chunk_start - 2, ',');
        bool rel_speaker = cu->sb == cu->sa + 1 && (w_is(c, cu->sa, "who") || w_is(c, cu->sa, "which"));
        if ((comma_before || quote_comma) && !cu->participle && !rel_speaker) {
            size_t after = skip_adjuncts(c, cu->inverted ? cu->sb : cu->b, ub, told);
            bool at_end = after >= ub || (after + 1 == ub && final_punct_tok(c, after)) ||
                          p_is(c, after, ',');
            /* "X said that ..., TASS reported": one report */
            if (first_clause[cu->unit] < chunk_start) at_end = false;
            size_t rest = after + 1;
            bool rest_quote = at_end && p_is(c, after, ',') && lone_quote_to_end(c, rest, ub);
            if (rest_quote) {
                /* "As the phone rang, she said, "..."": the direct quote is the
                   content; no indirect one */
            } else if (at_end && p_is(c, after, ',') && after + 1 < ub && !is_cue_word(c, after + 1) &&
                !(w_is(c, after + 1, "according")) && comma_before &&
                (clause_at(c, after + 1, ub) || verb_like(c, rest) ||
                 (w_in(c, rest, L_SUBJ) && !w_is(c, rest, "as")))) {
                /* "CLAUSE, X said, CLAUSE": the sentence around the attribution */
                size_t e = content_end(c, after + 1, ub, cu->a);
                add_indirect(c, trim_content(c, ua, e), cu, "quotes.indirect.parenthetical");
            } else if (at_end) {
                add_indirect(c, trim_content(c, ua, comma_before ? chunk_start - 1 : chunk_start),
                             cu, "quotes.indirect.clause_before");
            }
        }
    }
    free(first_verb);
    free(first_clause);
}

/* ------------------------------------------------------------ speakers */

static bool inside_direct(const qctx *c, size_t pos)
{
    size_t i = tok_at(c, pos);
    return i < c->tok.len && c->tok.items[i].s <= pos && c->tok.items[i].inside;
}

/* An attribute of a lexicon entry, or NULL. */
static const char *lex_attr(const nfi_lexicon *lex, const char *s, size_t n, const char *key)
{
    return lex ? nfi_lexicon_attr(lex, s, n, key) : NULL;
}

/* Gender of a PERSON entity: 'm', 'f' or 0, from a title before it or its
 * first name. */
static char person_gender(const qctx *c, const nf_entity *e)
{
    const char *t = c->t;
    size_t s = e->span.start;
    /* a title right before the name */
    if (s >= 2) {
        size_t j = s;
        while (j > 0 && t[j - 1] == ' ') j--;
        size_t w = j;
        while (w > 0 && t[w - 1] != ' ' && t[w - 1] != '\n' && j - w < 8) w--;
        char buf[12];
        size_t L = j - w;
        if (L > 0 && L < sizeof buf) {
            for (size_t i = 0; i < L; i++) {
                char ch = t[w + i];
                buf[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
            }
            buf[L] = 0;
            const char *g = lex_attr(c->cf->lx_honor, buf, L, "gender");
            if (g) return g[0] == 'm' ? 'm' : g[0] == 'f' ? 'f' : 0;
            {
                if (!strcmp(buf, "mr.") || !strcmp(buf, "mr") || !strcmp(buf, "sir")) return 'm';
                if (!strcmp(buf, "ms.") || !strcmp(buf, "mrs.") || !strcmp(buf, "ms") ||
                    !strcmp(buf, "mrs") || !strcmp(buf, "madam"))
                    return 'f';
            }
        }
    }
    /* the first name of the canonical (fullest) name */
    const char *name = e->canonical;
    size_t nlen = 0;
    if (!name) return 0;
    while (name[nlen] && name[nlen] != ' ') nlen++;
    if (!name[nlen] || nlen >= 40) return 0;
    char buf[40];
    for (size_t i = 0; i < nlen; i++) {
        char ch = name[i];
        buf[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    buf[nlen] = 0;
    const char *g = lex_attr(c->cf->lx_names, buf, nlen, "gender");
    if (g && (g[0] == 'm' || g[0] == 'f')) return g[0];
    return 0;
}

static bool type_ok(uint32_t type, int want)
{
    switch (want) {
    case 'p': return type == NF_ENT_PERSON;
    case 'o': return type == NF_ENT_ORG || type == NF_ENT_GPE;
    case 't': return type == NF_ENT_ORG || type == NF_ENT_GPE || type == NF_ENT_NORP ||
                     type == NF_ENT_PERSON;
    default: return true;
    }
}

/* ------------------------------------------------------------ entity indexes */

typedef struct ekey {
    uint32_t k, i;
} ekey;

static int cmp_ekey(const void *a, const void *b) /* key, then index */
{
    const ekey *x = a, *y = b;
    if (x->k != y->k) return x->k < y->k ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}
static int cmp_ekey_rev(const void *a, const void *b) /* key, then index descending */
{
    const ekey *x = a, *y = b;
    if (x->k != y->k) return x->k < y->k ? -1 : 1;
    return x->i > y->i ? -1 : x->i < y->i;
}

/* Entity indices (all, or PERSONs with a role) sorted by start or by end. */
static uint32_t *entity_index(qctx *c, bool roles, bool by_end, size_t *count)
{
    const nf_doc *d = c->doc;
    size_t n = d->entities.len, k = 0;
    *count = 0;
    ekey *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *out = malloc((n ? n : 1) * sizeof *out);
    if (!keys || !out) {
        free(keys);
        free(out);
        c->nomem = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const nf_entity *e = &d->entities.items[i];
        if (roles && (e->type != NF_ENT_PERSON || e->role.start == NF_UNSET)) continue;
        keys[k].k = (uint32_t)(by_end ? e->span.end : e->span.start);
        keys[k].i = (uint32_t)i;
        k++;
    }
    if (k > 1) nfi_sort(keys, k, sizeof *keys, by_end ? cmp_ekey_rev : cmp_ekey);
    for (size_t i = 0; i < k; i++) out[i] = keys[i].i;
    free(keys);
    *count = k;
    return out;
}

static void build_entity_indexes(qctx *c)
{
    size_t n;
    c->ent_by_start = entity_index(c, false, false, &n);
    if (!c->nomem) {
        c->ent_reach = malloc((n ? n : 1) * sizeof *c->ent_reach);
        if (!c->ent_reach) c->nomem = true;
        for (size_t j = 0; c->ent_reach && j < n; j++) {
            uint32_t e = (uint32_t)c->doc->entities.items[c->ent_by_start[j]].span.end;
            c->ent_reach[j] = j && c->ent_reach[j - 1] > e ? c->ent_reach[j - 1] : e;
        }
    }
}

/* The indexes by end of all entities and of the people with a role, and
 * by start of the latter, made at the first look-up that needs them (most
 * documents have none): false on OOM. */
static bool ends_index(qctx *c)
{
    size_t n;
    if (!c->ent_by_end) c->ent_by_end = entity_index(c, false, true, &n);
    return c->ent_by_end != NULL;
}

static bool role_indexes(qctx *c)
{
    if (!c->role_by_end) c->role_by_end = entity_index(c, true, true, &c->nroles);
    if (c->role_by_end && !c->role_by_start) c->role_by_start = entity_index(c, true, false, &c->nroles);
    return c->role_by_start != NULL;
}

/* First position in idx[0..n) whose entity's start (or end) is > pos (upper)
   or >= pos (lower). */
static size_t ent_bound(const qctx *c, const uint32_t *idx, size_t n, size_t pos, bool by_end,
                        bool upper)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const nf_span *sp = &c->doc->entities.items[idx[mid]].span;
        size_t v = by_end ? sp->end : sp->start;
        if (upper ? v <= pos : v < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Entities overlapping bytes [s,e), in index order, at most cap. */
static size_t entities_in(qctx *c, size_t s, size_t e, size_t *out, size_t cap)
{
    const nf_doc *d = c->doc;
    size_t n = d->entities.len, k = 0;
    size_t lb = ent_bound(c, c->ent_by_start, n, s, false, false);
    /* starting inside: [lb, first start >= e) */
    for (size_t j = lb; j < n && k < cap; j++) {
        c->work++;
        const nf_entity *en = &d->entities.items[c->ent_by_start[j]];
        if (en->span.start >= e) break;
        if (en->span.end > s) out[k++] = c->ent_by_start[j];
    }
    /* starting before and reaching into it (nested names) */
    for (size_t j = lb, w = 0; j > 0 && w < ENT_WALK && k < cap && c->ent_reach[j - 1] > s;
         j--, w++) {
        c->work++;
        const nf_entity *en = &d->entities.items[c->ent_by_start[j - 1]];
        if (en->span.end > s) out[k++] = c->ent_by_start[j - 1];
    }
    /* index order, as a scan of d->entities would see them */
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            size_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return k;
}

/* A bit for the three bytes that end at p (ASCII letters lower-cased, as
 * role_has_head compares them). */
static inline uint64_t end_bit(const char *p)
{
    unsigned h = 0;
    for (int k = -2; k <= 0; k++) {
        unsigned char ch = (unsigned char)p[k];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
        h = h * 31u + ch;
    }
    return 1ull << ((h % 63u) + 1u); /* bit 0 marks "made" */
}

/* The bytes of s[0,n) as a set of 32 bits (the high half of a word): a
 * letter and its capital have the same bit (as entity_has_head compares
 * them), and a byte its own or one shared with others. */
static uint64_t byte_set(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t bits = 0;
    for (size_t p = 0; p < n; p++) bits |= 1ull << ((u[p] | 0x20u) & 63u);
    return bits;
}

/* The bytes of an entity's canonical name and text (byte_set), with bit 0
 * set (bit 0 marks "made"): a head with a byte that has no bit here is in
 * neither. */
static uint64_t entity_bytes(const qctx *c, const nf_entity *e)
{
    const char *canon = e->canonical ? e->canonical : "";
    size_t len = e->span.end > e->span.start ? e->span.end - e->span.start : 0;
    return 1 | byte_set(canon, strlen(canon)) | byte_set(c->t + e->span.start, len);
}

/* Whether the entity's text or canonical name holds the head word. */
static bool entity_has_head(const qctx *c, const nf_entity *e, const char *head)
{
    size_t hl = strlen(head);
    const char *txt = e->canonical ? e->canonical : "";
    for (size_t k = 0; txt[k]; k++) {
        /* a byte that is not head's first letter in either case starts
           no match (most bytes) */
        if (hl && txt[k] != head[0] && (txt[k] | 0x20) != head[0]) continue;
        size_t m = 0;
        while (m < hl && txt[k + m] &&
               ((txt[k + m] >= 'A' && txt[k + m] <= 'Z') ? txt[k + m] - 'A' + 'a'
                                                         : txt[k + m]) == head[m])
            m++;
        if (m == hl) return true;
    }
    for (size_t k = e->span.start; k + hl <= e->span.end; k++) {
        size_t m = 0;
        while (m < hl) {
            char ch = c->t[k + m];
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            if (ch != head[m]) break;
            m++;
        }
        if (m == hl) return true;
    }
    return false;
}

/* The look-ups (want of nearest_before) an entity may answer, as bits:
 * EK_MADE alone for one inside a direct quote (it answers none). */
enum { EK_MADE = 1, EK_ANY = 2, EK_PERSON = 4, EK_BODY = 8, EK_ACTOR = 16 };

static unsigned want_kind(int want)
{
    return want == 'p' ? EK_PERSON : want == 'o' ? EK_BODY : want == 't' ? EK_ACTOR : EK_ANY;
}

static uint8_t entity_kinds(const qctx *c, const nf_entity *e)
{
    if (inside_direct(c, e->span.start)) return EK_MADE;
    return (uint8_t)(EK_MADE | EK_ANY | (type_ok(e->type, 'p') ? EK_PERSON : 0) |
                     (type_ok(e->type, 'o') ? EK_BODY : 0) | (type_ok(e->type, 't') ? EK_ACTOR : 0));
}

/* The per-entity look-up caches of nearest_before (false on OOM). */
static bool entity_caches(qctx *c)
{
    size_t n = c->doc->entities.len;
    if (c->ent_kinds) return true;
    c->ent_kinds = calloc(n ? n : 1, 1);
    c->ent_bytes = calloc(n ? n : 1, sizeof *c->ent_bytes);
    if (c->ent_kinds && c->ent_bytes) return true;
    c->nomem = true;
    return false;
}

/* The nearest entity ending before pos of a compatible kind (outside direct
 * quotes); gender 'm'/'f' when known. -1 when none. Of entities ending at
 * the same byte, the first one. The walk goes over up to ENT_WALK entities
 * (2 MB of news has a few thousand look-ups that walk all of them), so an
 * entity's kinds and, for a head, the set of its bytes are made once per
 * document and tested first: a bit test instead of a binary search of the
 * tokens and a reading of its name per entity and look-up. */
static int64_t nearest_before(qctx *c, size_t pos, int want, char gender, const char *head)
{
    const nf_doc *d = c->doc;
    size_t n = d->entities.len;
    if (!ends_index(c) || !entity_caches(c)) return -1;
    unsigned kind = want_kind(want);
    size_t hl = head ? strlen(head) : 0;
    uint64_t head_bytes = byte_set(head, hl);
    size_t ub = ent_bound(c, c->ent_by_end, n, pos, true, true);
    for (size_t j = ub, w = 0; j > 0 && w < ENT_WALK; j--, w++) {
        c->work++;
        size_t i = c->ent_by_end[j - 1];
        const nf_entity *e = &d->entities.items[i];
        if (!c->ent_kinds[i]) c->ent_kinds[i] = entity_kinds(c, e);
        if (!(c->ent_kinds[i] & kind)) continue;
        if (gender && e->type == NF_ENT_PERSON) {
            char g = person_gender(c, e);
            if (g && g != gender) continue;
        }
        if (head) {
            if (!c->ent_bytes[i]) c->ent_bytes[i] = entity_bytes(c, e);
            if ((c->ent_bytes[i] & head_bytes) != head_bytes || !entity_has_head(c, e, head))
                continue;
        }
        return (int64_t)i;
    }
    return -1;
}

/* Whether the role of en holds the word head (lower case, any case in the
 * text; it ends where a word does). */
static bool role_has_head(const qctx *c, const nf_entity *en, const char *head)
{
    size_t hl = strlen(head);
    bool has = false;
    for (size_t k = en->role.start; !has && k + hl <= en->role.end; k++) {
        size_t m = 0;
        while (m < hl) {
            char ch = c->t[k + m];
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            if (ch != head[m]) break;
            m++;
        }
        has = m == hl && (k + hl == en->role.end || !alnum_at(c->t, c->n, k + hl));
    }
    return has;
}

/* The word ends of the role of entity en as bits (end_bit of the three
 * bytes before each place where a word of the text may end, in the role),
 * with bit 0 set. A head whose last three bytes have no bit is not in the
 * role: on a long document a speaker's role is looked for among up to
 * 2 * ENT_WALK people with a role, and reading each role's text for each
 * speaker was a third of the stage on 2 MB of news. */
static uint64_t role_ends(const qctx *c, const nf_entity *en)
{
    uint64_t bits = 1;
    for (size_t p = en->role.start + 2; p < en->role.end; p++)
        if (p + 1 == en->role.end || !alnum_at(c->t, c->n, p + 1)) bits |= end_bit(c->t + p);
    return bits;
}

/* Whether the role of entity i may hold a word that ends in the bytes whose
 * end_bit is want (0: any): its role's word ends (role_ends, made once per
 * entity and document; c->role_end_bits is allocated when want is not 0)
 * have that bit. Inline: role_person tests up to 2 * ENT_WALK roles a
 * look-up with it, and most fail. */
static inline bool role_may_end(qctx *c, size_t i, uint64_t want)
{
    if (!want) return true;
    if (!c->role_end_bits[i]) c->role_end_bits[i] = role_ends(c, &c->doc->entities.items[i]);
    return (c->role_end_bits[i] & want) != 0;
}

/* Whether the role of PERSON i holds the word head and the text of the
 * entity mod: "Russia's ambassador" -> the person with the role "Russia's
 * ambassador to Chile". */
static bool role_matches(qctx *c, size_t i, const char *head, const nf_entity *mod)
{
    const nf_entity *en = &c->doc->entities.items[i];
    if (!role_has_head(c, en, head)) return false;
    /* the role names the same body */
    size_t ml = mod->span.end - mod->span.start;
    for (size_t k = en->role.start; k + ml <= en->role.end; k++) {
        size_t m = 0;
        while (m < ml) {
            char x = c->t[k + m], y = c->t[mod->span.start + m];
            if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
            if (x != y) break;
            m++;
        }
        if (m == ml) return true;
    }
    return false;
}

/* The person given the role head of body mod: the nearest one ending before
 * byte s, else the first one starting at or after e. -1 when none. */
static int64_t role_person(qctx *c, size_t s, size_t e, const char *head, const nf_entity *mod)
{
    size_t hl = strlen(head);
    if (!role_indexes(c)) return -1;
    uint64_t head_end = hl >= 3 ? end_bit(head + hl - 1) : 0;
    if (head_end && !c->role_end_bits &&
        !(c->role_end_bits = calloc(c->doc->entities.len, sizeof *c->role_end_bits)))
        head_end = 0; /* no room: the full test decides */
    size_t ub = ent_bound(c, c->role_by_end, c->nroles, s, true, true);
    for (size_t j = ub, w = 0; j > 0 && w < ENT_WALK; j--, w++) {
        c->work++;
        size_t i = c->role_by_end[j - 1];
        if (role_may_end(c, i, head_end) && role_matches(c, i, head, mod)) return (int64_t)i;
    }
    size_t lb = ent_bound(c, c->role_by_start, c->nroles, e, false, false);
    for (size_t j = lb, w = 0; j < c->nroles && w < ENT_WALK; j++, w++) {
        c->work++;
        size_t i = c->role_by_start[j];
        if (role_may_end(c, i, head_end) && role_matches(c, i, head, mod)) return (int64_t)i;
    }
    return -1;
}

static int64_t resolve_speaker(qctx *c, size_t sa, size_t sb, int64_t prev_ent,
                               size_t prev_pos, size_t quote_start)
{
    const nf_doc *d = c->doc;
    if (sa >= sb) return -1;
    size_t s = c->tok.items[sa].s, e = tok_end(c, sb - 1);
    /* the head noun phrase ends at the first preposition: "Spain's Foreign
       Ministry", "A Canadian Embassy official" (in Lima), "France's ambassador"
       (to Chile) */
    size_t hb = sb;
    for (size_t k = sa + 1; k < sb; k++)
        if (w_in(c, k, L_PREP) || w_is(c, k, "of")) {
            hb = k;
            break;
        }
    size_t he = tok_end(c, hb - 1);
    if (sb - sa == 1 && (w_is(c, sa, "who") || w_is(c, sa, "which"))) {
        /* "X, who said": the entity right before the relative */
        int64_t a = nearest_before(c, s, w_is(c, sa, "who") ? 't' : 'o', 0, NULL);
        if (a >= 0 && d->entities.items[a].span.end + 80 > s) return a;
        return -1;
    }
    /* an entity inside the mention: a person first, else the last one of the
       head phrase, else the first one */
    int64_t person = -1, first = -1, in_head = -1;
    size_t inside[64];
    size_t ni = entities_in(c, s, e, inside, sizeof inside / sizeof *inside);
    for (size_t x = 0; x < ni; x++) {
        size_t i = inside[x];
        const nf_entity *en = &d->entities.items[i];
        if (en->type == NF_ENT_PERSON && person < 0) person = (int64_t)i;
        if (first < 0 && en->type != NF_ENT_NORP) first = (int64_t)i;
        if (en->type != NF_ENT_NORP && en->span.start < he) in_head = (int64_t)i;
    }
    if (person >= 0) return person;
    const char *head = LW(c, hb - 1);
    if (in_head >= 0 && d->entities.items[in_head].span.end < he && w_in(c, hb - 1, L_ROLE)) {
        /* "Russia's ambassador": the person given that role in the document */
        int64_t p = role_person(c, s, e, head, &d->entities.items[in_head]);
        if (p >= 0) return p;
    }
    if (in_head >= 0 && !w_in(c, hb - 1, L_STATEMENT)) return in_head;
    head = LW(c, sb - 1); /* from here on the word lists are tested on sb - 1 */
    bool pron = sb - sa == 1 && is_pron(c, sa);
    if (first >= 0 && !w_in(c, sb - 1, L_STATEMENT)) return first;
    size_t before = quote_start < s ? quote_start : s;
    bool prev_near = prev_ent >= 0 && before >= prev_pos &&
                     (double)(before - prev_pos) < c->cf->pronoun_window;
    if (pron) {
        char g = 0;
        int want = 't';
        if (!strcmp(head, "he") || !strcmp(head, "him")) g = 'm', want = 'p';
        else if (!strcmp(head, "she") || !strcmp(head, "her")) g = 'f', want = 'p';
        else if (!strcmp(head, "it")) want = 'o';
        if (prev_near && type_ok(d->entities.items[prev_ent].type, want)) {
            const nf_entity *pe = &d->entities.items[prev_ent];
            char pg = want == 'p' ? person_gender(c, pe) : 0;
            if (!g || !pg || pg == g) return prev_ent;
        }
        return nearest_before(c, before, want, g, NULL);
    }
    if (w_in(c, sb - 1, L_STATEMENT)) {
        if (first >= 0) return first;
        if (prev_near) return prev_ent;
        return nearest_before(c, before, 'o', 0, NULL);
    }
    /* "the ministry": the entity named with that head earlier */
    if (nwords(c, sa, sb) <= 4 && !c->tok.items[sb - 1].cap) {
        int64_t h = nearest_before(c, before, 'o', 0, head);
        if (h >= 0) return h;
        if (w_in(c, sb - 1, L_ROLE)) {
            /* "a state department spokesperson": the body named by the modifier */
            if (sb - sa >= 2 && is_word(c, sb - 2) && !w_in(c, sb - 2, L_DET)) {
                int64_t m = nearest_before(c, before, 'o', 0, LW(c, sb - 2));
                if (m >= 0) return m;
            }
            if (prev_near) return prev_ent;
        }
        if (w_in(c, sa, L_DET) && (w_is(c, sa, "the") || w_is(c, sa, "its")) &&
            !w_in(c, sb - 1, L_ROLE)) {
            size_t L = strlen(head);
            if (L > 3 && head[L - 1] != 's') return nearest_before(c, before, 'o', 0, NULL);
        }
    }
    return -1;
}

/* ------------------------------------------------------------ normalising */

/* High bit of each byte of x that is an ASCII letter or digit (the sums
 * carry into no other byte: the bytes are taken below 0x80). */
static inline uint64_t alnum8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t x7 = x & ~high, xl = x7 | 0x20 * ones;
    uint64_t digit = (x7 + (0x80 - '0') * ones) & ~(x7 + (0x7F - '9') * ones);
    uint64_t alpha = (xl + (0x80 - 'a') * ones) & ~(xl + (0x7F - 'z') * ones);
    return (digit | alpha) & ~x & high;
}

/* High bit of each byte of x that is ch (exact: no borrow between bytes). */
static inline uint64_t eq8(uint64_t x, unsigned char ch)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t z = x ^ (ch * ones);
    return ~(((z & ~high) + ~high) | z) & high;
}

/* How many (0 to 8, at most r, the bytes left in the span) of the 8 bytes at
 * p normalize copies as they are but lower-cased, once it has written a
 * word and no space is pending: letters and digits not followed by a full
 * stop (an acronym's), and single spaces before such a letter or digit.
 * *low: the 8 bytes lower-cased. Reads p[0] to p[9] (the text has
 * NFI_TEXT_PAD bytes after its end). Prose is such bytes, so most of a
 * quote goes 8 bytes at a time. */
static inline size_t prose8(const char *p, size_t r, uint64_t *low)
{
    uint64_t x;
    memcpy(&x, p, 8);
    const unsigned char *u = (const unsigned char *)p;
    /* of each byte, of the byte after it and of the one after that (p[8]
       and p[9] looked at one by one) */
    uint64_t an = alnum8(x), dot = eq8(x, '.');
    uint64_t an1 = an >> 8 | (uint64_t)ASCII_ALNUM[u[8]] << 63;
    uint64_t dot1 = dot >> 8 | (uint64_t)(u[8] == '.') << 63;
    uint64_t dot2 = dot1 >> 8 | (uint64_t)(u[9] == '.') << 63;
    uint64_t word = an & ~dot1;
    uint64_t space = eq8(x, ' ') & an1 & ~dot2;
    uint64_t stop = ~(word | space) & 0x8080808080808080ull;
    size_t k = stop ? (size_t)__builtin_ctzll(stop) / 8 : 8;
    if (k >= r) {
        /* the span's end: its last byte is tested on the byte after the
           span, and a space last is left to the byte loop */
        k = r;
        if (k && p[k - 1] == ' ') k--;
    }
    *low = lower8(x & 0x7F7F7F7F7F7F7F7Full);
    return k;
}

static char *normalize(qctx *c, nf_span sp)
{
    /* the output has at most as many bytes as are read (every branch
       writes no more than it reads, a space where spaces were read), the
       span and at most the rest of a character that starts in it, so one
       reservation of the scratch buffer makes room for it */
    nfi_buf *nb = &c->scratch;
    nb->len = 0;
    if (!nfi_buf_reserve(nb, (sp.end > sp.start ? sp.end - sp.start : 0) + 16)) {
        c->nomem = true;
        return NULL;
    }
    char *o = nb->data;
    size_t len = 0;
    const char *t = c->t;
    bool space = false, line_start = false;
    for (size_t i = sp.start; i < sp.end;) {
        unsigned char ch = (unsigned char)t[i];
        if (ASCII_ALNUM[ch] || (ch == ' ' && !space && len)) {
            /* the common case: prose, 8 bytes at a time (a space is pending
               only before a letter or digit, which prose8 then takes) */
            uint64_t low;
            size_t k = prose8(t + i, sp.end - i, &low);
            if (k) {
                line_start = false;
                if (space && len) o[len++] = ' ';
                space = false;
                memcpy(o + len, &low, 8);
                len += k;
                i += k;
                continue;
            }
        }
        if (ch < 0x80 && ASCII_ALNUM[ch] && (i + 1 >= sp.end || t[i + 1] != '.')) {
            /* a letter or digit that starts no acronym (neither a space nor
               a mark: the tests below would pass it on) */
            line_start = false;
            if (space && len) o[len++] = ' ';
            space = false;
            do { /* and the run of such bytes after it */
                o[len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
                i++;
            } while (i < sp.end && ASCII_ALNUM[ch = (unsigned char)t[i]] &&
                     (i + 1 >= sp.end || t[i + 1] != '.'));
            continue;
        }
        if (ch == ' ') { /* the common white space */
            space = true;
            i++;
            continue;
        }
        size_t sl = t[i] == '\n' ? 1 : space_at(t, c->n, i);
        if (sl) {
            space = true;
            if (t[i] == '\n') line_start = true;
            i += sl;
            continue;
        }
        uint8_t cls, role;
        size_t ml = mark_at(t, c->n, i, &cls, &role);
        if (line_start && ml) { /* the opening mark of a continued paragraph */
            line_start = false;
            i += ml;
            continue;
        }
        line_start = false;
        if (space && len) o[len++] = ' ';
        space = false;
        if (ml) {
            o[len++] = cls == QM_DOUBLE ? '"' : '\'';
            i += ml;
            continue;
        }
        if (ch == 0xE2 && i + 2 < c->n && (unsigned char)t[i + 1] == 0x80 &&
            ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94)) {
            o[len++] = '-';
            i += 3;
            continue;
        }
        if (ch == 0xE2 && i + 2 < c->n && (unsigned char)t[i + 1] == 0x80 &&
            (unsigned char)t[i + 2] == 0xA6) {
            o[len++] = '.';
            o[len++] = '.';
            o[len++] = '.';
            i += 3;
            continue;
        }
        /* acronyms with periods: "U.S." -> "us" */
        if (ch < 0x80 && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')) &&
            i + 1 < sp.end && t[i + 1] == '.' && (i == sp.start || !((t[i - 1] | 0x20) >= 'a' &&
                                                                      (t[i - 1] | 0x20) <= 'z'))) {
            size_t j = i;
            size_t letters = 0;
            while (j + 1 < sp.end && ((t[j] | 0x20) >= 'a' && (t[j] | 0x20) <= 'z') &&
                   t[j + 1] == '.') {
                j += 2;
                letters++;
            }
            if (letters >= 2) {
                for (size_t k = i; k < j; k += 2) o[len++] = (char)(t[k] | 0x20);
                i = j;
                continue;
            }
        }
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
        o[len++] = (char)ch;
        i++;
    }
    /* the final punctuation differs between outlets ("," vs ".") */
    while (len && (o[len - 1] == ',' || o[len - 1] == '.' || o[len - 1] == ';' ||
                   o[len - 1] == ':' || o[len - 1] == ' '))
        len--;
    char *out = nfi_arena_strndup(&c->doc->arena, o, len);
    if (!out) c->nomem = true;
    return out;
}

/* ------------------------------------------------------------ word lists */

/* The first slot of word w[0,n) in a table of the built-in lists. */
static uint32_t word_slot(const char *w, size_t n)
{
    return (uint32_t)nfi_hash(w, n) & (WORD_SLOTS - 1);
}

static void add_words(wslot *t, const char *const *list, unsigned bit)
{
    for (; *list; list++) {
        uint32_t h = word_slot(*list, strlen(*list));
        while (t[h].w && strcmp(t[h].w, *list) != 0) h = (h + 1) & (WORD_SLOTS - 1);
        t[h].w = *list;
        t[h].bits = (uint16_t)(t[h].bits | bit);
    }
}

/* The L_* bits of a lower-cased form: the built-in lists and the defaults
 * of the lexicons the rules lack through the workspace's table, the
 * lexicons of the rules by one probe each. */
static NFI_COLD unsigned form_bits(const qctx *c, const char *w, size_t len)
{
    unsigned bits = 0;
    const wslot *words = c->cf->words;
    for (uint32_t h = word_slot(w, len); words[h].w; h = (h + 1) & (WORD_SLOTS - 1))
        if (strcmp(words[h].w, w) == 0) {
            bits = words[h].bits;
            break;
        }
    const nfi_quotes_ws *cf = c->cf;
    uint32_t word = NFI_NONE;
    if (cf->lx_cues || cf->lx_noclause || cf->lx_infinitive || cf->lx_statement || cf->lx_role) {
        /* w is lower-cased: when it is ASCII it is its own case fold */
        size_t i = 0;
        while (i < len && (unsigned char)w[i] < 0x80) i++;
        word = i == len ? nfi_lexicon_word_folded(c->cf->rules, w, len)
                        : nfi_lexicon_word(c->cf->rules, w, len);
    }
    /* (a list the rules do not define is in the table: nfi_quotes_ws_new) */
    if (word == NFI_NONE) return bits; /* in no lexicon (most words) */
    if (nfi_lexicon_has_word(cf->lx_cues, word)) bits |= L_CUE;
    if (nfi_lexicon_has_word(cf->lx_noclause, word)) bits |= L_NOCLAUSE;
    if (nfi_lexicon_has_word(cf->lx_infinitive, word)) bits |= L_INF;
    if (nfi_lexicon_has_word(cf->lx_statement, word)) bits |= L_STATEMENT;
    if (nfi_lexicon_has_word(cf->lx_role, word)) bits |= L_ROLE;
    return bits;
}

/* ------------------------------------------------------------ driver */

static int cmp_quote(const void *a, const void *b)
{
    const nf_quote *x = a, *y = b;
    if (x->span.start != y->span.start) return x->span.start < y->span.start ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return 0;
}

typedef struct okey {
    size_t start, index;
} okey;

static int cmp_okey(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static nf_status publish(qctx *c)
{
    nf_doc *d = c->doc;
    /* resolve in text order so pronouns can use the previous speaker; sorting
       would break the inherit links, so resolve first over a position order */
    size_t n = c->outs.len;
    int64_t *ent = n ? malloc(n * sizeof *ent) : NULL;
    size_t *order = n ? malloc(n * sizeof *order) : NULL;
    if (n && (!ent || !order)) {
        free(ent);
        free(order);
        return NF_ERR_NOMEM;
    }
    /* text order */
    {
        okey *keys = n ? malloc(n * sizeof *keys) : NULL;
        if (n && !keys) {
            free(ent);
            free(order);
            return NF_ERR_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            keys[i].start = c->outs.items[i].span.start;
            keys[i].index = i;
        }
        if (n > 1) nfi_sort(keys, n, sizeof *keys, cmp_okey);
        for (size_t i = 0; i < n; i++) order[i] = keys[i].index;
        free(keys);
    }
    char **norm = n ? calloc(n, sizeof *norm) : NULL;
    if (n && !norm) {
        free(ent);
        free(order);
        return NF_ERR_NOMEM;
    }
    for (size_t i = 0; i < n && !c->nomem; i++) norm[i] = normalize(c, c->outs.items[i].span);
    /* their lengths: a text holds no longer one (most of the strstr calls
       below need not be made) */
    size_t *nlen = n ? malloc(n * sizeof *nlen) : NULL;
    if (n && !nlen) c->nomem = true;
    for (size_t i = 0; i < n && !c->nomem; i++) nlen[i] = norm[i] ? strlen(norm[i]) : 0;
    /* a quote with neither cue nor speaker whose words are quoted or reported
       elsewhere (a quoted crosshead) takes the speaker of that report */
    for (size_t i = 0; i < n && !c->nomem; i++) {
        qout *o = &c->outs.items[i];
        if (o->sa < o->sb || o->cue.start != NF_UNSET || o->kind != NF_QUOTE_DIRECT) continue;
        if (!norm[i] || nlen[i] < 12) continue;
        /* bounded: more quotes than any article has, and linear on a
           document of a million quotes */
        size_t j0 = i > ECHO_WINDOW ? i - ECHO_WINDOW : 0;
        size_t j1 = i + ECHO_WINDOW < n ? i + ECHO_WINDOW : n;
        for (size_t j = j0; j < j1; j++) {
            const qout *p = &c->outs.items[j];
            c->work++;
            if (j == i || p->sa >= p->sb || !norm[j] || nlen[j] < nlen[i] || !strstr(norm[j], norm[i]))
                continue;
            o->sa = p->sa;
            o->sb = p->sb;
            o->inherit = (int64_t)j;
            o->rule = "quotes.direct.echo";
            break;
        }
    }
    int64_t prev_ent = -1;
    size_t prev_pos = 0;
    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        qout *o = &c->outs.items[i];
        ent[i] = -1;
        if (o->inherit >= 0 && (size_t)o->inherit < n) {
            /* resolved already when it came earlier in the text */
            if (c->outs.items[o->inherit].span.start < o->span.start) ent[i] = ent[o->inherit];
        }
        if (ent[i] < 0 && o->sa < o->sb)
            ent[i] = resolve_speaker(c, o->sa, o->sb, prev_ent, prev_pos, o->span.start);
        if (ent[i] >= 0 && o->inherit < 0) {
            prev_ent = ent[i];
            prev_pos = o->span.end;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const qout *o = &c->outs.items[i];
        if (o->inherit >= 0 && (size_t)o->inherit < n && ent[o->inherit] >= 0)
            ent[i] = ent[o->inherit];
    }
    /* in text order (order), so that the sort below finds them in order
       (it is stable: quotes of the same start and kind stay in the order of
       the outputs, as before) */
    for (size_t oi = 0; oi < n && !c->nomem; oi++) {
        size_t i = order[oi];
        qout *o = &c->outs.items[i];
        nf_quote *q = nfi_vec_push(&d->quotes);
        if (!q) {
            c->nomem = true;
            break;
        }
        q->span = o->span;
        q->kind = o->kind;
        q->flags = o->flags;
        q->cue = o->cue;
        if (o->sa < o->sb) {
            q->speaker.start = c->tok.items[o->sa].s;
            q->speaker.end = tok_end(c, o->sb - 1);
        } else {
            q->speaker.start = q->speaker.end = NF_UNSET;
        }
        q->speaker_entity = ent[i];
        q->canonical = ent[i] >= 0 ? d->entities.items[ent[i]].canonical : NULL;
        q->normalized = norm[i];
        q->rule = o->rule;
    }
    free(ent);
    free(order);
    free(norm);
    free(nlen);
    if (c->nomem) return NF_ERR_NOMEM;
    /* text order */
    if (d->quotes.len > 1) nfi_sort(d->quotes.items, d->quotes.len, sizeof *d->quotes.items, cmp_quote);
    return NF_OK;
}

static void forms_free(qforms *fm)
{
    nfi_buf_free(&fm->low);
    nfi_vec_free(&fm->forms);
    free(fm->slots);
    memset(fm, 0, sizeof *fm);
}

/* Makes the forms cache ready for a document: empties it when an
 * allocation failed in it; false on OOM. */
static bool forms_ready(qforms *fm)
{
    if (fm->low.failed) forms_free(fm);
    if (fm->slots) return true;
    fm->nslots = 1024;
    fm->slots = calloc(fm->nslots, sizeof *fm->slots);
    if (!fm->slots) return false;
    nfi_buf_putc(&fm->low, '\0'); /* offset 0: the form of non-words */
    return !fm->low.failed;
}

nfi_quotes_ws *nfi_quotes_ws_new(const nf_rules *rules, nf_error *err)
{
    nfi_quotes_ws *w = calloc(1, sizeof *w);
    if (!w) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    w->rules = rules;
    w->scare_max_words = rules ? nfi_rules_number(rules, "quotes.scare_max_words", 3) : 3;
    w->continue_units = rules ? nfi_rules_number(rules, "quotes.continue_units", 2) : 2;
    w->pronoun_window = rules ? nfi_rules_number(rules, "quotes.pronoun_window", 800) : 800;
    w->clause_lookahead = rules ? nfi_rules_number(rules, "quotes.clause_lookahead", 20) : 20;
    if (rules) {
        w->cue_type = nfi_rules_type(rules, "QUOTE_CUE");
        w->lx_cues = nfi_rules_lexicon(rules, "quotes.cues");
        w->lx_noclause = nfi_rules_lexicon(rules, "quotes.no_clause");
        w->lx_infinitive = nfi_rules_lexicon(rules, "quotes.infinitive");
        w->lx_statement = nfi_rules_lexicon(rules, "quotes.statement_nouns");
        w->lx_role = nfi_rules_lexicon(rules, "quotes.role_nouns");
        w->lx_names = nfi_rules_lexicon(rules, "quotes.first_names");
        if (!w->lx_names) w->lx_names = nfi_rules_lexicon(rules, "first_names");
        w->lx_honor = nfi_rules_lexicon(rules, "quotes.honorifics");
        if (!w->lx_honor) w->lx_honor = nfi_rules_lexicon(rules, "honorifics");
    }
    static const struct {
        const char *const *list;
        unsigned bit;
    } lists[] = {{PRONOUNS, L_PRON}, {DETS, L_DET},       {AUX, L_AUX},
                 {PREPS, L_PREP},    {SUBJ_STOP, L_SUBJ}, {SKIP_ADV, L_SKIP},
                 {TIME_WORDS, L_TIME}, {SAY_OBJECT, L_SAYOBJ}, {ABBREV, W_ABBREV}};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
        add_words(w->words, lists[k].list, lists[k].bit);
    /* the default of each list the rules do not define */
    const struct {
        const nfi_lexicon *lex;
        const char *const *list;
        unsigned bit;
    } dflt[] = {{w->lx_cues, DEF_CUES, L_CUE},           {w->lx_noclause, NO_CLAUSE, L_NOCLAUSE},
                {w->lx_infinitive, INF_CUES, L_INF},     {w->lx_statement, STATEMENT_NOUNS, L_STATEMENT},
                {w->lx_role, ROLE_NOUNS, L_ROLE}};
    for (size_t k = 0; k < sizeof dflt / sizeof dflt[0]; k++)
        if (!dflt[k].lex) add_words(w->words, dflt[k].list, dflt[k].bit);
    return w;
}

void nfi_quotes_ws_free(nfi_quotes_ws *ws)
{
    if (!ws) return;
    forms_free(&ws->forms);
    nfi_vec_free(&ws->spare.tok);
    nfi_vec_free(&ws->spare.others);
    nfi_vec_free(&ws->spare.dq);
    nfi_vec_free(&ws->spare.units);
    nfi_vec_free(&ws->spare.cues);
    nfi_vec_free(&ws->spare.rcues);
    nfi_vec_free(&ws->spare.outs);
    free(ws);
}

size_t nfi_quotes_ws_form_count(const nfi_quotes_ws *ws)
{
    return ws ? ws->forms.forms.len : 0;
}

/* A context for the quote stage over doc, with the workspace's settings
 * and forms. */
static void qctx_init(qctx *c, nf_doc *doc, nfi_quotes_ws *ws)
{
    memset(c, 0, sizeof *c);
    c->doc = doc;
    c->cf = ws;
    c->fm = &ws->forms;
    c->t = doc->work;
    c->n = doc->len;
}

/* Whether the tests that read a word's form on its text (w_is, w_starts, form_ends)
 * and the look-up of its form (LW) agree with the word lower-cased by
 * lower_word, on every word of c; -1 on OOM. */
static int forms_agree(const qctx *c)
{
    static const char *const suffixes[] = {"ed", "ing", "ly", "s"};
    static const char *const words[] = {"said", "the", "s", "tel", "told"};
    for (size_t i = 0; i < c->tok.len; i++) {
        const qtok *k = &c->tok.items[i];
        if (k->kind != QT_WORD) continue;
        char *w = malloc(tok_len(c, i) + 9);
        if (!w) return -1;
        size_t len = lower_word(c, k->s, tok_end(c, i), w);
        w[len] = '\0';
        const char *lw = LW(c, i);
        bool same = strcmp(lw, w) == 0;
        for (size_t x = 0; x < sizeof suffixes / sizeof *suffixes; x++)
            for (size_t min = 1; min <= 5; min += 2) {
                size_t ns = strlen(suffixes[x]);
                bool ends = len >= min && len >= ns && strcmp(w + len - ns, suffixes[x]) == 0;
                same = same && form_ends(c, i, min, suffixes[x]) == ends;
            }
        for (size_t x = 0; x < sizeof words / sizeof *words; x++) {
            size_t nw = strlen(words[x]);
            same = same && w_is(c, i, words[x]) == (strcmp(w, words[x]) == 0) &&
                   w_starts(c, i, words[x]) == (strncmp(w, words[x], nw) == 0);
        }
        free(w);
        if (!same) return 0;
    }
    return 1;
}

int nfi_quotes_tokens_agree(nf_doc *doc, nfi_quotes_ws *ws, size_t *from_doc, size_t *total)
{
    *from_doc = *total = 0;
    if (!doc || !ws || doc->len >= UINT32_MAX || !forms_ready(&ws->forms)) return -1;
    qctx a, b;
    qctx_init(&a, doc, ws);
    b = a;
    read_tokens(&a, NULL, 1);
    scan_text(&b);
    int same = -1;
    if (!a.nomem && !b.nomem) {
        same = a.tok.len == b.tok.len;
        for (size_t i = 0; same && i < a.tok.len; i++) {
            const qtok *x = &a.tok.items[i], *y = &b.tok.items[i];
            same = x->s == y->s && tok_end(&a, i) == tok_end(&b, i) && LW(&a, i) == LW(&b, i) && x->inside == y->inside &&
                   x->lists == y->lists && x->kind == y->kind &&
                   x->qclass == y->qclass && x->role == y->role && x->cap == y->cap &&
                   x->para == y->para && x->closes == y->closes;
        }
    }
    if (same == 1) same = forms_agree(&a);
    *from_doc = a.from_doc;
    *total = a.tok.len;
    nfi_vec_free(&a.tok);
    nfi_vec_free(&b.tok);
    nfi_vec_free(&a.long_words);
    nfi_vec_free(&b.long_words);
    nfi_vec_free(&a.others);
    nfi_vec_free(&b.others);
    return same;
}

/* Gives the array c->field back to the workspace's spares (qspare) when it
 * is small and the spare is free, else frees it. */
#define SPARE_KEEP(c, field)                                                     \
    do {                                                                          \
        if ((c)->spare && !(c)->spare->field.items &&                             \
            (c)->field.cap * sizeof *(c)->field.items <= SPARE_BYTES)             \
            SPARE_MOVE((c)->spare->field, (c)->field);                            \
        else                                                                      \
            nfi_vec_free(&(c)->field);                                            \
    } while (0)

/* Takes the workspace's spare arrays for c's. */
static void spare_take(qctx *c, qspare *spare)
{
    c->spare = spare;
    SPARE_MOVE(c->tok, spare->tok);
    SPARE_MOVE(c->others, spare->others);
    SPARE_MOVE(c->dq, spare->dq);
    SPARE_MOVE(c->units, spare->units);
    SPARE_MOVE(c->cues, spare->cues);
    SPARE_MOVE(c->rcues, spare->rcues);
    SPARE_MOVE(c->outs, spare->outs);
}

/* Done with the direct quotes, units and cues of c (after do_indirect). */
static void free_units_and_cues(qctx *c)
{
    SPARE_KEEP(c, dq);
    SPARE_KEEP(c, units);
    SPARE_KEEP(c, cues);
    SPARE_KEEP(c, rcues);
    free(c->ucue);
    c->ucue = NULL;
}

/* The bytes that may start a quotation mark (mark_at). */
static const char MARK_BYTES[] = "\"'`\xC2\xE2";

/* Whether the quotation marks of the text may make a quote (pair_marks): a
 * double mark may, single marks when one may open and one may close. A
 * single mark opens after a space or an edge only (space_or_edge_before):
 * not one right after an ASCII letter or digit, the word before it ending
 * at it ("Reuters' "). It closes unless it is an opening mark
 * (mark_role): not one after a space or a line end and right before an
 * ASCII letter or digit, a word starting at its end ("England 's" of the
 * tokenized CoNLL text). At the edges of the ranges read (read_tokens) the
 * tokens around a mark may be the edge of the text or a gap's line end: a
 * mark at a range's first token, or from its last token to the next
 * range, may do both. */
static bool marks_may_pair(const qctx *c, const nfi_tok_range *ranges, size_t nranges)
{
    const char *t = c->t; /* t[n] is a NUL */
    const nfi_token *dt = c->doc->tokens.items;
    size_t n = c->n, nd = c->doc->tokens.len, r = 0, q = 0;
    bool opens = false, closes = false;
    for (size_t i = strcspn(t, MARK_BYTES); i < n; i += 1 + strcspn(t + i + 1, MARK_BYTES)) {
        uint8_t cls, role;
        size_t ml = mark_at(t, n, i, &cls, &role);
        if (!ml) continue; /* (a NUL in the text too) */
        if (cls == QM_DOUBLE) return true;
        while (r < nranges && dt[ranges[r].start].span.start < i) r++;
        while (q < nranges && ranges[q].end < nd && dt[ranges[q].end].span.start < i) q++;
        bool edge = (r < nranges && dt[ranges[r].start].span.start == i) ||
                    (q < nranges && ranges[q].end < nd && dt[ranges[q].end - 1].span.start <= i);
        unsigned char before = i ? (unsigned char)t[i - 1] : ' ';
        if (edge || !ASCII_ALNUM[before]) opens = true;
        if (edge || !(before == ' ' || before == '\n') || !ASCII_ALNUM[(unsigned char)t[i + ml]])
            closes = true;
        if (opens && closes) return true;
    }
    return false;
}

/* Whether the document may have a quote: a quote is a pair of quotation
 * marks (do_direct) or comes from a cue, and the cues are the rules'
 * (rule_cues). Some news reports have neither (results, tables, short
 * reports without a "said": 67 of the 216 of CoNLL): their tokens are not
 * read. On the tokens of ranges (read_tokens), as nfi_body_ranges gives
 * them. */
static bool may_have_quotes(const qctx *c, const nfi_tok_range *ranges, size_t nranges)
{
    const nf_doc *d = c->doc;
    if (!d->tokens.len) return true; /* (read by scan_text: not looked into) */
    nfi_tok_range whole = {0, d->tokens.len};
    if (!ranges) {
        ranges = &whole;
        nranges = 1;
    }
    /* (from the last: the quote rules run in the last phase) */
    if (c->cf->cue_type)
        for (size_t i = d->anns.len; i-- > 0;)
            if (is_rule_cue(d, &d->anns.items[i], c->cf->cue_type)) return true;
    return marks_may_pair(c, ranges, nranges);
}

/* The quotes of c's document from its tokens (read_tokens), published. */
static nf_status find_quotes(qctx *c)
{
    if (!c->nomem) index_tokens(c);
    if (!c->nomem) pair_marks(c);
    if (!c->nomem) make_units(c);
    SPARE_KEEP(c, others); /* pair_marks and make_units are done with it */
    if (!c->nomem) build_entity_indexes(c);
    if (!c->nomem) rule_cues(c);
    if (!c->nomem) find_cues(c);
    if (!c->nomem) {
        c->ucue = calloc(c->units.len + 2, sizeof *c->ucue);
        if (!c->ucue) c->nomem = true;
        for (size_t k = 0, u = 0; c->ucue && u <= c->units.len; u++) {
            while (k < c->cues.len && c->cues.items[k].unit < u) k++;
            c->ucue[u] = k;
        }
        if (c->ucue) c->ucue[c->units.len + 1] = c->cues.len;
    }
    if (!c->nomem) do_direct(c);
    if (!c->nomem) do_blocks(c);
    if (!c->nomem) do_indirect(c);
    /* publish reads the tokens, the entities and the outputs only: what it
       adds (the published quotes, their normalised text) takes the room of
       the quotes, units and cues (on a large document, too large to be
       kept as spares), so that the stage does not raise the peak of the
       pipeline (10 MB of news: 2.5 MB) */
    free_units_and_cues(c);
    return c->nomem ? NF_ERR_NOMEM : publish(c);
}

nf_status nfi_quotes_resolve(nf_doc *doc, nfi_quotes_ws *ws, nf_error *err)
{
    return nfi_quotes_resolve_counted(doc, ws, err, NULL);
}

nf_status nfi_quotes_resolve_counted(nf_doc *doc, nfi_quotes_ws *ws, nf_error *err,
                                     uint64_t *work)
{
    if (!doc || !doc->len) return NF_OK;
    if (!ws) return nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "quotes: no workspace");
    qctx c;
    qctx_init(&c, doc, ws);
    nf_status st = NF_OK;
    if (c.n >= UINT32_MAX) {
        /* token offsets are 32-bit; the default max_input_bytes is 1 GiB */
        nfi_doc_warn(doc, "quotes: text of %zu bytes is too long for the quote stage "
                          "(4 GiB at most); no quotes", c.n);
        return NF_OK;
    }
    spare_take(&c, &ws->spare);
    if (!forms_ready(c.fm)) c.nomem = true;
    /* the body's sentences only, as the rule engine (nothing outside the
       body is kept: apply_body) */
    nfi_tok_range *ranges = NULL;
    size_t nranges = 1;
    if (!c.nomem && nfi_body_ranges(doc, &ranges, &nranges) != NF_OK) c.nomem = true;
    bool may = !c.nomem && nranges && may_have_quotes(&c, ranges, nranges);
    if (may) read_tokens(&c, ranges, nranges);
    free(ranges);
    if (may) st = find_quotes(&c);
    if (c.nomem) st = NF_ERR_NOMEM;
    if (work) *work = c.work + c.tok.len;
    if (c.fm->forms.len > FORMS_KEEP) forms_free(c.fm);
    SPARE_KEEP(&c, tok);
    nfi_vec_free(&c.long_words);
    SPARE_KEEP(&c, others);
    free(c.tok_block);
    free_units_and_cues(&c);
    free(c.ent_by_start);
    free(c.ent_reach);
    free(c.ent_by_end);
    free(c.role_by_end);
    free(c.role_by_start);
    free(c.role_end_bits);
    free(c.ent_kinds);
    free(c.ent_bytes);
    SPARE_KEEP(&c, outs);
    nfi_buf_free(&c.scratch);
    return st;
}
