/*
 * segment.h - private interface of the segmenter (tokenize.c, sentences.c).
 *
 * The tokenizer works in two layers:
 *   1. raw word segments: ICU's word break iterator (UAX #29 over a UTF-8
 *      UText, so offsets are bytes), or - for white-space separated chunks
 *      made only of ASCII and a few common punctuation marks - a fast path
 *      that gives exactly the segments ICU would give (tests prove it);
 *   2. corrections by rule: abbreviations, contractions, hyphens, times,
 *      URLs, ellipses ... applied to the raw segments of either path.
 * Not installed; nothing outside tokenize.c, sentences.c and their tests
 * should need it.
 */
#ifndef NEWSFACTS_SEGMENT_H
#define NEWSFACTS_SEGMENT_H

#include <unicode/ubrk.h>

#include "internal.h"
#include "rules.h"

/* A raw segment [start, end) in bytes of the document. */
typedef struct nfi_seg {
    size_t start, end;
} nfi_seg;

/* Kinds of abbreviation (the "kind" attribute of the abbreviations lexicon). */
typedef enum nfi_abbrev_kind {
    NFI_ABBR_NONE = 0,   /* not an abbreviation */
    NFI_ABBR_PLAIN = 1,  /* "etc", "inc", "co", "jr": may end a sentence */
    NFI_ABBR_TITLE = 2,  /* "mr", "dr", "gov", "st", "mt": precede a name, never end one */
    NFI_ABBR_NUMBER = 3, /* "no", "p", "vol": abbreviation only before a number */
    NFI_ABBR_TIME = 4,   /* "a.m", "p.m" */
    NFI_ABBR_MONTH = 5   /* "feb", "sept" */
} nfi_abbrev_kind;

/* A cache of token forms by surface (per workspace; two-way, in pairs of
 * entries: tokenize.c form_entry). The ids of the norm
 * and the shape are those of document generation gen; the flags, the
 * kind, the norm's hash and the shape (slen > 0: an ASCII surface whose
 * norm is itself lower-cased) hold for any document. One entry is a cache
 * line. */
typedef struct nfi_form_cache {
    uint32_t gen;
    uint32_t norm, shape;
    uint32_t norm_hash;  /* nfi_strtab_hash of the norm */
    uint16_t flags;
    uint8_t len;         /* of the surface; 0: an empty entry */
    uint8_t slen;        /* of shape_s; 0: the forms are computed again */
    uint8_t kind;        /* the surface's own kind (NFI_FORM_KIND), and */
    uint8_t shape_slot;  /* the shape's entry in the shape cache */
    unsigned char s[24]; /* the surface (a copy: the text may be far away) */
    char shape_s[18];
} nfi_form_cache;

/* The kind bits of nfi_form_cache.kind; NFI_FORM_SELF: the surface is its
 * own norm (ASCII without an upper-case letter); NFI_FORM_NO_ABBREV: the
 * surface with a period after it is no abbreviation, whatever follows
 * (known once asked: the workspace's abbreviations never change). */
#define NFI_FORM_KIND 0x3f
#define NFI_FORM_NO_ABBREV 0x40
#define NFI_FORM_SELF 0x80

#define NFI_FORM_CACHE 8192 /* entries, a power of two (512 KB) */

/* Shape strings -> ids of the current document (few distinct shapes). */
typedef struct nfi_shape_cache {
    uint32_t gen, len, id;
    char s[20];
} nfi_shape_cache;

#define NFI_SHAPE_CACHE 256

struct nfi_seg_ws {
    /* first, on cache lines (nfi_seg_ws_new aligns the block): an entry
       is one line, and its address is the block's plus its index alone */
    _Alignas(64) nfi_form_cache cache[NFI_FORM_CACHE];
    UBreakIterator *word;          /* word break iterator, opened once */
    NFI_VEC(nfi_seg) segs;         /* raw segments of one chunk (scratch) */
    char *fold;                    /* case-folding scratch */
    size_t fold_cap;
    uint16_t *u16;                 /* UTF-16 scratch for ICU case folding */
    size_t u16_cap;
    const nf_rules *rules;         /* the abbreviations' rules (their word ids) */
    const nfi_lexicon *abbrevs;    /* rules' "abbreviations", or NULL: built-in */
    const nfi_lexicon *starters;   /* rules' "sentence_starters", or NULL: built-in */
    bool force_icu;                /* tests: ICU for every chunk (no fast path) */
    bool plain_off;                /* tests: no plain_chunk() (raw segments for all) */
    nf_status status;              /* first failure inside a chunk */
    uint32_t gen;                  /* document generation for the cache */
    void *block;                   /* the allocation this is aligned in (freed) */
    nfi_shape_cache shapes[NFI_SHAPE_CACHE];
};

/* The kind of the abbreviation whose lower-cased form without its final
 * period is s[0,n) (for NFI_ABBR_NUMBER the caller checks the number). */
nfi_abbrev_kind nfi_abbrev_lookup(const nfi_seg_ws *ws, const char *s, size_t n);

/* Whether the lower-cased word s[0,n) usually starts a sentence ("the",
 * "he", "however"): after an abbreviation it signals a new sentence. */
bool nfi_sentence_starter(const nfi_seg_ws *ws, const char *s, size_t n);

/* Tests: raw word segments of text[0,n) (white space dropped) by the fast
 * path (icu = false; returns NF_ERR_INVALID when the text is not fast-path
 * text) or by ICU. segs receives at most cap segments; *count the number. */
nf_status nfi_raw_segments(nfi_seg_ws *ws, const char *text, size_t n, bool icu, nfi_seg *segs,
                           size_t cap, size_t *count);

#endif
