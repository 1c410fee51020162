/*
 * internal.h - what the stages of libnewsfacts share. Not installed.
 *
 * A document flows one way (docs/ARCHITECTURE.md):
 *   input -> lines/paragraphs -> tokens -> sentences -> structure (meta,
 *         body, DCT) -> rule phases (over the body and the metadata)
 *         -> resolvers (entities, dates, quotes) -> public facts -> JSON
 * Every stage reads and writes the nf_doc below; everything a document
 * allocates comes from its arena and goes with nf_doc_free in one step.
 */
#ifndef NEWSFACTS_INTERNAL_H
#define NEWSFACTS_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "newsfacts.h"

#define NFI_NONE UINT32_MAX

#if defined(__GNUC__)
#define NFI_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* for the few small functions of the matcher's inner loops */
#define NFI_HOT_INLINE inline __attribute__((always_inline))
/* for a rare path kept out of a hot function (its code would crowd it) */
#define NFI_COLD __attribute__((noinline, cold))
/* for a path of a hot loop taken often, but whose code would make the loop
   keep its values on the stack */
#define NFI_NOINLINE __attribute__((noinline))
#else
#define NFI_PRINTF(a, b)
#define NFI_HOT_INLINE inline
#define NFI_COLD
#define NFI_NOINLINE
#endif

/* ------------------------------------------------------------ errors */

/* Fills err (may be NULL) and returns code. */
nf_status nfi_error_set(nf_error *err, nf_status code, const char *source, uint32_t line,
                        uint32_t column, const char *fmt, ...) NFI_PRINTF(6, 7);
void nfi_error_clear(nf_error *err);

/* ------------------------------------------------------------ arena */

/* Bump allocator: many small allocations, one free. */
typedef struct nfi_arena_block nfi_arena_block;
typedef struct nfi_arena {
    nfi_arena_block *head;
    size_t used, cap; /* of head */
    bool failed;      /* an allocation failed */
} nfi_arena;

void nfi_arena_init(nfi_arena *a);
void nfi_arena_free(nfi_arena *a);
/* Zeroed, 16-byte aligned; NULL on OOM (and a->failed set). */
void *nfi_arena_alloc(nfi_arena *a, size_t n);
/* Like nfi_arena_alloc, not zeroed: for buffers about to be overwritten. */
void *nfi_arena_alloc_raw(nfi_arena *a, size_t n);
/* Zeroed bytes kept after a document's text (past its NUL): PCRE2's JIT
 * reads a subject in SIMD-sized chunks and may look a little past its
 * end; the bytes there must be initialised (Valgrind), whatever follows
 * the text in the arena. */
#define NFI_TEXT_PAD 64
char *nfi_arena_strndup(nfi_arena *a, const char *s, size_t n);
char *nfi_arena_strdup(nfi_arena *a, const char *s);
char *nfi_arena_printf(nfi_arena *a, const char *fmt, ...) NFI_PRINTF(2, 3);

/* ------------------------------------------------------------ vectors */

/* A growable array on malloc: NFI_VEC(T) v; nfi_vec_push(&v, sizeof *v.items) */
#define NFI_VEC(T) \
    struct {       \
        T *items;  \
        size_t len, cap; \
    }
/* Returns a pointer to a new zeroed slot at the end, or NULL on OOM.
 * v is any NFI_VEC; elem = sizeof element. */
void *nfi_vec_grow(void *items_ptr, size_t *len, size_t *cap, size_t elem);
/* nfi_vec_grow with its common case inline (room left: no call, and a
 * memset of a size known at compile time). */
static inline void *nfi_vec_push_at(void *items_ptr, size_t *len, size_t *cap, size_t elem)
{
    if (*len < *cap) {
        char *slot = *(char **)items_ptr + (*len)++ * elem;
        memset(slot, 0, elem);
        return slot;
    }
    return nfi_vec_grow(items_ptr, len, cap, elem);
}
#define nfi_vec_push(v) \
    nfi_vec_push_at(&(v)->items, &(v)->len, &(v)->cap, sizeof *(v)->items)
#define nfi_vec_free(v) (free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)
/* Gives back the unused capacity of a vector (after it has stopped
 * growing); keeps it as it is when realloc fails. */
void nfi_vec_shrink_raw(void *items_ptr, size_t len, size_t *cap, size_t elem);
#define nfi_vec_shrink(v) nfi_vec_shrink_raw(&(v)->items, (v)->len, &(v)->cap, sizeof *(v)->items)

/* ------------------------------------------------------------ sorting */

/* qsort for the arrays of the stages, which are mostly in order already or
 * short: an ordered array costs n - 1 comparisons, a short one is sorted by
 * insertion, a long one by insertion while its elements move little (n / 2
 * places in all), else by qsort. cmp must be a total order (no two
 * different elements equal), so that the result is the one qsort gives. */
void nfi_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* A 64-bit sort key with what it stands for (an index, mostly). */
typedef struct nfi_keyed {
    uint64_t key;
    uint32_t val;
} nfi_keyed;

/* Sorts a[0, n) by key, stably (equal keys keep their order), with tmp
 * (room for n) as scratch. No comparator calls, for the arrays of the rule
 * engine, where qsort's calls were most of the cost: a merge sort below
 * 1024 entries, above a radix sort by the bytes in which some keys differ
 * (a key of a few varying bytes costs a few passes). A sort by several
 * fields is one sort per 64 bits of fields, the least significant first. */
void nfi_sort_keyed(nfi_keyed *a, nfi_keyed *tmp, size_t n);

/* ------------------------------------------------------------ strings */

/* An interning table: equal strings get equal ids (0, 1, 2, ...). */
typedef struct nfi_strtab {
    char **strs;      /* id -> NUL-terminated string (in arena) */
    uint32_t *lens;
    uint32_t count, cap;
    uint32_t *slots;  /* open addressing: id+1, 0 = empty */
    uint32_t nslots;
    uint32_t maxlen;  /* of the strings: a longer one is absent without a probe */
    nfi_arena *arena;
} nfi_strtab;

void nfi_strtab_init(nfi_strtab *t, nfi_arena *arena);
void nfi_strtab_free(nfi_strtab *t);
/* Room for n strings in all, so that interning them grows nothing (a
 * table made for one document skips its doublings); false on OOM. */
bool nfi_strtab_reserve(nfi_strtab *t, uint32_t n);
/* Id of s[0,n), adding it when absent; NFI_NONE on OOM. */
uint32_t nfi_strtab_intern(nfi_strtab *t, const char *s, size_t n);
/* The table's hash of s[0,n): the same in every table and for the life of
 * the process, so a caller may keep it with a string it interns often. */
uint32_t nfi_strtab_hash(const char *s, size_t n);
/* nfi_strtab_intern with hash = nfi_strtab_hash(s, n), computed before. */
uint32_t nfi_strtab_intern_hashed(nfi_strtab *t, const char *s, size_t n, uint32_t hash);
/* Id of s[0,n) or NFI_NONE when absent. */
uint32_t nfi_strtab_find(const nfi_strtab *t, const char *s, size_t n);
uint64_t nfi_hash(const char *s, size_t n);
/* Unaligned little loads (memcpy: no aliasing or alignment questions). */
static inline uint64_t nfi_load_u64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t nfi_load_u32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Whether a[0,n) equals b[0,n), without a call for the short keys of
 * tables and caches (a call to memcmp costs more than comparing a word):
 * eight bytes a step and the last eight in one read that may overlap,
 * 4-7 bytes in two overlapping reads, 1-3 by the first, middle and last. */
static inline bool nfi_bytes_equal(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    if (n > 32) return memcmp(x, y, n) == 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if (nfi_load_u64(x + i) != nfi_load_u64(y + i)) return false;
        return nfi_load_u64(x + n - 8) == nfi_load_u64(y + n - 8);
    }
    if (n >= 4) return nfi_load_u32(x) == nfi_load_u32(y) && nfi_load_u32(x + n - 4) == nfi_load_u32(y + n - 4);
    return n == 0 || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
}

/* A quick hash of a short token text (its first and last 8 bytes and its
 * length), for caches keyed by token text. */
static inline uint32_t nfi_surface_hash(const unsigned char *s, size_t n)
{
    uint64_t a, b;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        a = x;
        b = y;
    } else {
        a = n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16 : 0;
        b = 0;
    }
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (uint64_t)n;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h >> 32);
}

/* A growable byte buffer (JSON output, scratch). */
typedef struct nfi_buf {
    char *data;
    size_t len, cap;
    bool failed;
} nfi_buf;
void nfi_buf_put(nfi_buf *b, const char *s, size_t n);
/* Room for extra more bytes and a NUL after them; false (and failed set)
 * on OOM. For writing into data + len directly. */
bool nfi_buf_reserve(nfi_buf *b, size_t extra);
void nfi_buf_puts(nfi_buf *b, const char *s);
/* nfi_buf_putc when the buffer must grow (or has failed). */
void nfi_buf_putc_grow(nfi_buf *b, char c);
static inline void nfi_buf_putc(nfi_buf *b, char c)
{
    if (!b->failed && b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    nfi_buf_putc_grow(b, c);
}
void nfi_buf_printf(nfi_buf *b, const char *fmt, ...) NFI_PRINTF(2, 3);
void nfi_buf_free(nfi_buf *b);

/* ------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s[0,n), or 0 when invalid. */
size_t nfi_utf8_valid_len(const unsigned char *s, size_t n);
/* Offset of the first invalid byte in s[0,n), or n when all valid. */
size_t nfi_utf8_validate(const char *s, size_t n);
/* nfi_utf8_next for a lead byte of 0x80 or more. */
uint32_t nfi_utf8_decode(const char *s, size_t n, size_t *i);
/* Decodes one code point at s[*i] (valid UTF-8 assumed), advancing *i;
 * ASCII inline. */
static inline uint32_t nfi_utf8_next(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    return nfi_utf8_decode(s, n, i);
}
/* Code points in s[0,n) (for error columns). */
size_t nfi_utf8_count(const char *s, size_t n);

/* ------------------------------------------------------------ annotations */

/* A byte span in 32 bits (a document's text is below 4 GiB). */
typedef struct nfi_tspan {
    uint32_t start, end;
} nfi_tspan;

/* One attribute of an annotation: a string value or a span (from a
 * capture). Keys and values point into the rules or the doc arena. 24
 * bytes: a large document has about one per three tokens. */
typedef struct nfi_attr {
    const char *key;
    const char *value; /* NULL when only a span */
    nfi_tspan span;    /* {NFI_NONE, NFI_NONE} when only a value: nfi_attr_span */
} nfi_attr;

/* An attribute's span as an nf_span: {NF_UNSET, NF_UNSET} when it has none. */
static inline nf_span nfi_attr_span(const nfi_attr *at)
{
    nf_span sp = {NF_UNSET, NF_UNSET};
    if (at->span.start != NFI_NONE) {
        sp.start = at->span.start;
        sp.end = at->span.end;
    }
    return sp;
}

#define NFI_ANN_REMOVED 0x0001u

/* What a rule found: a typed token range. Written by the rule engine,
 * read by later phases, structure and the resolvers. Kept small (32
 * bytes): a large document has about one per four tokens, so what can be
 * looked up is not stored: the byte span comes from the tokens
 * (nfi_ann_span), the type's name from the rules' table (nfi_ann_type),
 * the rule's name, phase and priority from the rule. */
struct nfi_rule;
typedef struct nfi_ann {
    const struct nfi_rule *rule; /* the rule that made it (nfi_ann_rule_name) */
    uint32_t type_id;  /* its type, an id in the rules' type table */
    uint32_t flags;    /* NFI_ANN_* */
    uint32_t tok_start; /* token range [tok_start, tok_end), never empty */
    uint32_t tok_end;
    uint32_t attr_start, attr_count; /* into doc->attrs */
} nfi_ann;

/* ------------------------------------------------------------ tokens */

/* A token as the stages read it: 20 bytes where the public nf_token takes
 * 40 (a large document has one per six bytes of text, so the token array
 * is the biggest thing alive at the document's peak). Its fields mean what
 * nf_token's do; its sentence is not stored (the sentences cover the
 * tokens in order: nfi_token_sentence); byte offsets are 32-bit, so nf_extract refuses a text longer
 * than NFI_MAX_TEXT bytes. The public array is made from this one in the
 * same block (nfi_tokens_publish) when a caller first asks for it
 * (nfi_doc_public_tokens): until then the document holds its tokens in half
 * the room. */
typedef struct nfi_token {
    nfi_tspan span;
    uint32_t norm, shape; /* form ids: nf_doc_form */
    uint16_t flags;       /* NF_TOKEN_* (all below 0x10000) */
    uint8_t kind;         /* nf_token_kind */
    uint8_t unused;
} nfi_token;
#define NFI_MAX_TEXT ((size_t)UINT32_MAX - 1) /* bytes; UINT32_MAX stays NFI_NONE */

/* ------------------------------------------------------------ the document */

/* A public annotation as a document keeps it until one is asked for
 * (nfi_doc_public_annotations): 12 bytes where an nf_annotation takes 56.
 * Its span comes from its tokens; its names from doc->ann_names (one entry
 * for each type and rule met: a few hundred at most). */
typedef struct nfi_ann_rec {
    uint32_t tok_start, tok_count;
    uint32_t names; /* index in doc->ann_names */
} nfi_ann_rec;
typedef struct nfi_ann_names {
    const char *type, *rule, *phase; /* copies in the document's arena */
} nfi_ann_names;

/* A line (lines.c). Paragraph p holds doc->paragraphs.items[p].lines
 * consecutive lines, from the one it starts on; the others are blank. */
typedef struct nfi_line {
    nf_span span;          /* without the line end */
} nfi_line;

struct nf_doc {
    nfi_arena arena;
    const char *text;      /* copy of the caller's bytes (NUL after the end) */
    const char *work;      /* what stages read: text, or text with invalid bytes
                              replaced one for one by '?' (same offsets) */
    size_t len;
    char *id;
    uint32_t extract_flags;

    nfi_strtab forms;      /* token norms and shapes */
    NFI_VEC(nfi_token) tokens; /* the stages' tokens; empty once published */
    NFI_VEC(nf_token) pub_tokens; /* what nf_doc_token returns (nfi_tokens_publish) */
    /* The public tokens of a document of nf_extract are made on first use
     * (nfi_doc_public_tokens), from const accessors that may run in several
     * threads at once: made under publish_lock, tokens_published is set
     * (release) after pub_tokens, so a reader that sees it set (acquire)
     * sees them whole. */
    size_t public_token_count; /* nf_doc_count(NF_KIND_TOKEN), fixed once extracted */
    bool tokens_lazy;          /* nf_extract's: tokens made public on first use */
    atomic_bool tokens_published;
    pthread_mutex_t publish_lock;
    NFI_VEC(nf_sentence) sentences;
    NFI_VEC(nf_paragraph) paragraphs;
    NFI_VEC(nfi_line) lines;

    NFI_VEC(nfi_ann) anns;
    NFI_VEC(nfi_attr) attrs;
    /* the names of the annotations' type ids (nfi_ann_type): the rules'
     * type table, set by nf_extract for as long as anns are there */
    const char *const *type_names;
    uint64_t max_results;

    /* structure */
    nf_meta meta;
    NFI_VEC(nf_span) body;
    char *dct;             /* "YYYY-MM-DD[Thh:mm[+hh:mm]]" or NULL */
    nf_dct_source dct_source;
    uint64_t structure_work; /* bytes the stage analysed and blocks it scored
                                (tests check it grows linearly) */

    /* facts (public structs) */
    NFI_VEC(nf_entity) entities;
    NFI_VEC(nf_date) dates;
    NFI_VEC(nf_quote) quotes;
    NFI_VEC(char *) warnings;
    /* The public annotations, made on first use as the tokens are (under
     * publish_lock, anns_published set after them): until then pub_anns.items
     * is their room, untouched but for a compact record of each at its start
     * (nfi_ann_rec), and pub_anns.len is 0. */
    NFI_VEC(nf_annotation) pub_anns;
    NFI_VEC(nfi_ann_names) ann_names; /* what the records' names index */
    size_t public_ann_count;          /* nf_doc_count(NF_KIND_ANNOTATION) */
    atomic_bool anns_published;
};

/* Adds a warning message to the document (copied). */
void nfi_doc_warn(nf_doc *doc, const char *fmt, ...) NFI_PRINTF(2, 3);
/* An annotation's type name, interned in the rules: compare pointers from
 * nfi_rules_type(), or strcmp. */
static inline const char *nfi_ann_type(const nf_doc *doc, const nfi_ann *a)
{
    return doc->type_names[a->type_id];
}
/* Bytes of an annotation: its first token's start to its last token's end. */
static inline nf_span nfi_ann_span(const nf_doc *doc, const nfi_ann *a)
{
    nf_span sp = {doc->tokens.items[a->tok_start].span.start,
                  doc->tokens.items[a->tok_end - 1].span.end};
    return sp;
}
/* Name, priority and phase name of the rule that made an annotation
 * (phases.c). */
const char *nfi_ann_rule_name(const nfi_ann *a);
int32_t nfi_ann_priority(const nfi_ann *a);
const char *nfi_ann_phase_name(const nf_rules *rules, const nfi_ann *a);
/* Attribute of an annotation by key, or NULL. */
const nfi_attr *nfi_ann_attr(const nf_doc *doc, const nfi_ann *a, const char *key);
/* Index of the sentence of token ti (nf_token.sentence): the sentence whose
 * token range holds it, 0 when none does. */
uint32_t nfi_token_sentence(const nf_doc *doc, size_t ti);
/* Index of the token containing or following byte offset, in [0, ntokens]. */
size_t nfi_doc_token_at(const nf_doc *doc, size_t offset);

/* ------------------------------------------------------------ workspace */

/* Per-thread state of the segmenter (ICU iterator clones, scratch). */
typedef struct nfi_seg_ws nfi_seg_ws;
nfi_seg_ws *nfi_seg_ws_new(const nf_rules *rules, nf_error *err);
void nfi_seg_ws_free(nfi_seg_ws *ws);

/* Per-thread state of the rule engine (PCRE2 match data, VM threads). */
typedef struct nfi_engine_ws nfi_engine_ws;
nfi_engine_ws *nfi_engine_ws_new(const nf_rules *rules, nf_error *err);
void nfi_engine_ws_free(nfi_engine_ws *ws);

/* Per-thread state of the structure stage (its settings, compiled regexes
 * and match data). */
typedef struct nfi_structure_ws nfi_structure_ws;
nfi_structure_ws *nfi_structure_ws_new(const nf_rules *rules, nf_error *err);
void nfi_structure_ws_free(nfi_structure_ws *ws);
/* The hits (at most max each) of the phrase lists in s[0,n): counts[0]
 * clutter words, [1] copyright, [2] credit, [3] caption cues, as the stage
 * counts them in a block; returns the breadcrumb separators. For tests. */
int nfi_structure_phrase_hits(const nfi_structure_ws *ws, const char *s, size_t n, int counts[4],
                              int max);

/* Per-thread state of the entity resolver (its settings and word tables). */
typedef struct nfi_entities_ws nfi_entities_ws;
nfi_entities_ws *nfi_entities_ws_new(const nf_rules *rules, nf_error *err);
void nfi_entities_ws_free(nfi_entities_ws *ws);

/* The date resolver's settings and word lists (rules NULL: the built-in
 * defaults); read-only once made. */
typedef struct nfi_dates_ws nfi_dates_ws;
nfi_dates_ws *nfi_dates_ws_new(const nf_rules *rules, nf_error *err);
void nfi_dates_ws_free(nfi_dates_ws *ws);

/* The quote stage's settings, lexicons and word table (rules NULL: the
 * built-in defaults), read-only once made, and a cache of the word forms
 * it has met (per thread, as the workspace). */
typedef struct nfi_quotes_ws nfi_quotes_ws;
nfi_quotes_ws *nfi_quotes_ws_new(const nf_rules *rules, nf_error *err);
void nfi_quotes_ws_free(nfi_quotes_ws *ws);
/* Forms in the workspace's cache (tests check that it is kept from one
 * document to the next and emptied when large). */
size_t nfi_quotes_ws_form_count(const nfi_quotes_ws *ws);
/* Whether the stage's tokens as it reads them from doc's tokens equal those
 * of its own scan of the text, and the forms of their words as its tests
 * read them equal the words lower-cased (1), or not (0); -1 on OOM. *from_doc gets
 * how many of its *total tokens were read from doc's (for tests). */
int nfi_quotes_tokens_agree(nf_doc *doc, nfi_quotes_ws *ws, size_t *from_doc, size_t *total);

struct nf_workspace {
    const nf_rules *rules;
    nfi_seg_ws *seg;
    nfi_engine_ws *engine;
    nfi_structure_ws *structure;
    nfi_entities_ws *entities;
    nfi_dates_ws *dates;
    nfi_quotes_ws *quotes;
};

/* ------------------------------------------------------------ stages */

/* nf_extract without its last step (publish_tokens in api.c): the
 * document keeps what the stages read (doc->tokens, doc->anns, doc->attrs)
 * and has no public tokens (nf_doc_token gives NULL). For the rule examples' check and for tests that
 * run a stage again on an extracted document. */
nf_doc *nfi_extract_unpublished(const nf_rules *rules, nf_workspace *ws, const char *text,
                                size_t len, const nf_extract_options *opts, nf_error *err);

/* input.c: validates and copies text into doc (text, work, len). */
nf_status nfi_input_load(nf_doc *doc, const char *text, size_t len, uint32_t flags,
                         nf_error *err);
/* input.c: checks a caller's DCT ("YYYY-MM-DD[Thh:mm[:ss][Z|+hh:mm]]", a real
 * calendar date) and copies it to out; NF_ERR_INVALID when it is not one. */
nf_status nfi_dct_normalize(const char *dct, char *out, size_t n);
/* lines.c: doc->lines and doc->paragraphs from the text. */
nf_status nfi_lines_split(nf_doc *doc);
/* tokenize.c: doc->tokens and doc->forms. */
nf_status nfi_tokenize(nf_doc *doc, const nf_rules *rules, nf_workspace *ws, nf_error *err);
/* tokenize.c: grows the block of doc->tokens to the room of the public
 * tokens, without touching it (the last step of nf_extract), so that
 * nfi_tokens_publish cannot fail after it. */
nf_status nfi_tokens_reserve_public(nf_doc *doc);
/* tokenize.c: turns doc->tokens into doc->pub_tokens in place (the array
 * grows to 40 bytes a token unless reserved; the internal one is gone
 * after): nothing that reads doc->tokens may run after it. */
nf_status nfi_tokens_publish(nf_doc *doc);
/* api.c: the public tokens of a document (nf_doc_count(doc, NF_KIND_TOKEN)
 * of them), made on the first call; NULL when there are none. Safe from
 * several threads at once, as the const accessors are. */
const nf_token *nfi_doc_public_tokens(const nf_doc *doc);
/* api.c: the same for the public annotations (nf_doc_count(doc,
 * NF_KIND_ANNOTATION) of them). */
const nf_annotation *nfi_doc_public_annotations(const nf_doc *doc);
/* sentences.c: doc->sentences (which give a token its sentence:
 * nfi_token_sentence). */
nf_status nfi_sentences_split(nf_doc *doc, const nf_rules *rules, nf_workspace *ws,
                              nf_error *err);
/* the rule engine: runs every phase, filling doc->anns; over the body and
 * metadata sentences alone when the structure stage has run
 * (nfi_body_ranges) and the caller keeps no facts outside the body. */
nf_status nfi_rules_run(const nf_rules *rules, nf_workspace *ws, nf_doc *doc, nf_error *err);
/* nfi_rules_run a window of about `window` tokens at a time (phases.c);
 * nfi_rules_run's windows take NFI_ENGINE_WINDOW_TOKENS. */
nf_status nfi_rules_run_windows(const nf_rules *rules, nf_workspace *ws, nf_doc *doc,
                                size_t window, nf_error *err);
#define NFI_ENGINE_WINDOW_TOKENS ((size_t)1 << 16)
/* structure.c: meta, body, dct (when not given by the caller). */
nf_status nfi_structure(nf_doc *doc, nfi_structure_ws *ws, nf_error *err);
/* A range of tokens [start, end). */
typedef struct nfi_tok_range {
    size_t start, end;
} nfi_tok_range;
/* structure.c: the token ranges of the whole sentences that overlap the
 * body or a metadata field, which the rule engine and the quote stage run
 * over (every fact outside the body is dropped at the end: apply_body);
 * *out malloc'd, or NULL with *n 1 for the whole document (no body region,
 * or NF_EXTRACT_ALL_TEXT); *n 0: none. */
nf_status nfi_body_ranges(const nf_doc *doc, nfi_tok_range **out, size_t *n);
/* resolvers: annotations -> public facts. */
/* engine: the rule engine's workspace that ran on doc (its forms' words
 * spare look-ups in the rules), or NULL. */
nf_status nfi_entities_resolve(nf_doc *doc, const nfi_entities_ws *ws,
                               const nfi_engine_ws *engine, nf_error *err);
/* ws NULL: the built-in defaults, made for the call. */
nf_status nfi_dates_resolve(nf_doc *doc, const nfi_dates_ws *ws, nf_error *err);
nf_status nfi_quotes_resolve(nf_doc *doc, nfi_quotes_ws *ws, nf_error *err);
/* The same, adding the quotes again; *work (if not NULL) gets the number of
   inner-loop steps taken (tests check that it grows linearly). */
nf_status nfi_quotes_resolve_counted(nf_doc *doc, nfi_quotes_ws *ws, nf_error *err,
                                     uint64_t *work);

#endif
