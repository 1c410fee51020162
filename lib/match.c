/*
 * match.c - running compiled rules over a document: the engine workspace,
 * token tests, the Pike VM for token patterns and PCRE2 regex rules.
 *
 * The Pike VM runs a rule anchored at one start token. Threads are kept
 * in buckets by the token position they wait at, so that instructions
 * consuming several tokens at once (a multi-word lexicon entry, an
 * annotation of an earlier phase) simply place their thread further
 * ahead. Each (instruction, position) runs at most once per start: the
 * cost of one start is bounded by program length x max_tokens, and the
 * number of starts by the rule index (phases.c), so matching is linear in
 * the number of tokens. No backtracking. A program whose threads cannot
 * differ in their captures runs as sets of instructions instead
 * (match_sets), with the same bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "engine.h"

#define UNCOMPUTED (NFI_NONE - 1)

typedef nfi_u32vec u32vec;

/* A token class (nfi_ws_classify): 40 bytes. */
#define NFI_CLASS_BYTES 23
typedef struct nfi_token_class {
    uint64_t feat;
    uint32_t context; /* token_context() */
    uint32_t vocab;
    uint8_t len;
    char text[NFI_CLASS_BYTES];
} nfi_token_class;
/* Slots of the class table (a power of two) and the most classes kept: a
 * workspace that has seen many documents starts afresh when a window
 * begins without room left for a class per token (for half the table at
 * most: a longer window starts afresh past half). Short documents thus
 * keep the classes of up to NFI_CLASS_MAX tokens before they start afresh,
 * not half that. With 7 phases: 128 KB of slots, 640 KB of classes, 1 MB
 * of group bits and 256 KB of test results (class_tests) at most. */
#define NFI_CLASS_SLOTS 32768u
#define NFI_CLASS_MAX (NFI_CLASS_SLOTS / 2)

struct nfi_engine_ws {
    const nf_rules *r;
    pcre2_match_data *md;
    uint32_t *bufs[NFI_WS_NBUF];
    size_t caps[NFI_WS_NBUF];
    uint32_t *formvocab;
    size_t nforms, formcap;
    /* the tokens whose words bufs[NFI_WS_TOKVOCAB] holds: [tok_base,
       + tok_count) of tok_doc (NULL: none), the last window's */
    const nf_doc *tok_doc;
    size_t tok_base, tok_count;
    uint64_t *bufs64[NFI_WS64_NBUF];
    size_t caps64[NFI_WS64_NBUF];
    NFI_VEC(size_t) bcaps;
    /* VM */
    u32vec *buckets;   /* max_tokens + 2 */
    size_t nbuckets;
    /* match_sets: NFI_SET_MAX_WORDS words per bucket, all 0 between calls */
    uint64_t *sets;
    uint32_t *marks;   /* per pc */
    uint32_t stamp;
    nfi_found_list found;
    bool record;
    nfi_match_vec recorded;
    char fold[1024];
    /* regex token test results by re_id (< 64): a ring of rows by token
     * (tok & re_mask), each tagged with its token: bits known, bits true */
    uint32_t *re_tag, re_mask;
    uint64_t *re_known, *re_val;
    /* token classes (nfi_ws_classify): open addressing by text hash and
     * context, a slot holding a class index + 1 */
    uint32_t *class_slots;
    NFI_VEC(nfi_token_class) classes;
    /* per class and phase: where its candidate list is in memo_pool + 1
     * (0: not made yet; phases.c class_candidates) */
    NFI_VEC(uint64_t) class_memo;
    NFI_VEC(uint64_t) class_tests; /* per class: nfi_run.class_tests */
    /* per class: the look-ahead slots its tokens are listed in (nfi_run.
     * class_hits), and the lists, each a count then the slots */
    NFI_VEC(uint32_t) class_hits;
    NFI_VEC(uint32_t) hits_pool;
    /* the lists (nfi_memo_*), each once: memo_slots is an open-addressing
     * table of their offsets + 1 by content */
    NFI_VEC(uint32_t) memo_pool;
    uint32_t *memo_slots, memo_nslots, memo_nlists;
    u32vec *req_lists; /* per look-ahead slot (phases.c index_required) */
    size_t nreq_lists;
};

nfi_engine_ws *nfi_engine_ws_new(const nf_rules *r, nf_error *err)
{
    nfi_engine_ws *ws = calloc(1, sizeof *ws);
    if (!ws) goto nomem;
    ws->r = r;
    ws->md = pcre2_match_data_create(r->max_re_groups ? r->max_re_groups : 1, NULL);
    ws->nbuckets = (size_t)r->max_tokens + 2;
    ws->buckets = calloc(ws->nbuckets, sizeof *ws->buckets);
    ws->marks = calloc((size_t)r->max_prog + 1, sizeof *ws->marks);
    ws->sets = calloc(ws->nbuckets * NFI_SET_MAX_WORDS, sizeof *ws->sets);
    ws->nreq_lists = (size_t)r->nreq_slots + 1;
    ws->req_lists = calloc(ws->nreq_lists, sizeof *ws->req_lists);
    if (!ws->md || !ws->buckets || !ws->marks || !ws->sets || !ws->req_lists) goto nomem;
    size_t rows = 64; /* the ring spans the longest match */
    while (rows < (size_t)r->max_tokens + 2) rows *= 2;
    ws->re_mask = (uint32_t)rows - 1;
    ws->re_tag = malloc(rows * sizeof *ws->re_tag);
    ws->re_known = malloc(rows * sizeof *ws->re_known);
    ws->re_val = malloc(rows * sizeof *ws->re_val);
    if (!ws->re_tag || !ws->re_known || !ws->re_val) goto nomem;
    memset(ws->re_tag, 0xff, rows * sizeof *ws->re_tag);
    return ws;
nomem:
    nfi_engine_ws_free(ws);
    nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
    return NULL;
}

void nfi_engine_ws_free(nfi_engine_ws *ws)
{
    if (!ws) return;
    if (ws->md) pcre2_match_data_free(ws->md);
    for (int i = 0; i < NFI_WS_NBUF; i++) free(ws->bufs[i]);
    free(ws->formvocab);
    for (int i = 0; i < NFI_WS64_NBUF; i++) free(ws->bufs64[i]);
    nfi_vec_free(&ws->bcaps);
    for (size_t i = 0; ws->buckets && i < ws->nbuckets; i++) nfi_vec_free(&ws->buckets[i]);
    free(ws->buckets);
    for (size_t i = 0; ws->req_lists && i < ws->nreq_lists; i++) nfi_vec_free(&ws->req_lists[i]);
    free(ws->req_lists);
    free(ws->marks);
    free(ws->sets);
    free(ws->re_tag);
    free(ws->re_known);
    free(ws->re_val);
    free(ws->class_slots);
    nfi_vec_free(&ws->classes);
    nfi_vec_free(&ws->class_memo);
    nfi_vec_free(&ws->class_tests);
    nfi_vec_free(&ws->class_hits);
    nfi_vec_free(&ws->hits_pool);
    nfi_vec_free(&ws->memo_pool);
    free(ws->memo_slots);
    nfi_vec_free(&ws->found.items);
    nfi_vec_free(&ws->found.caps);
    nfi_vec_free(&ws->recorded);
    free(ws);
}

uint32_t *nfi_ws_u32(nfi_engine_ws *ws, int which, size_t n)
{
    if (n == 0) n = 1;
    if (ws->caps[which] < n) {
        size_t cap = n + n / 2;
        uint32_t *p = realloc(ws->bufs[which], cap * sizeof *p);
        if (!p) return NULL;
        ws->bufs[which] = p;
        ws->caps[which] = cap;
    }
    return ws->bufs[which];
}

pcre2_match_data *nfi_ws_match_data(nfi_engine_ws *ws) { return ws->md; }

nfi_u32vec *nfi_ws_req_lists(nfi_engine_ws *ws, size_t n)
{
    return n <= ws->nreq_lists ? ws->req_lists : NULL;
}

nfi_found_list *nfi_ws_found(nfi_engine_ws *ws)
{
    return &ws->found;
}

void nfi_ws_set_record(nfi_engine_ws *ws, bool on)
{
    ws->record = on;
    ws->recorded.len = 0;
}
bool nfi_ws_recording(const nfi_engine_ws *ws) { return ws->record; }
nf_status nfi_ws_record(nfi_engine_ws *ws, const nfi_match *m)
{
    nfi_match *slot = nfi_vec_push(&ws->recorded);
    if (!slot) return NF_ERR_NOMEM;
    *slot = *m;
    return NF_OK;
}
size_t nfi_ws_recorded(const nfi_engine_ws *ws, const nfi_match **out)
{
    *out = ws->recorded.items;
    return ws->recorded.len;
}

uint64_t *nfi_ws_u64(nfi_engine_ws *ws, int which, size_t n)
{
    if (n == 0) n = 1;
    if (ws->caps64[which] < n) {
        size_t cap = n + n / 2;
        uint64_t *p = realloc(ws->bufs64[which], cap * sizeof *p);
        if (!p) return NULL;
        ws->bufs64[which] = p;
        ws->caps64[which] = cap;
    }
    return ws->bufs64[which];
}

/* Scratch arrays above this size are freed after each document: 1 MiB is
 * a document of about 250,000 tokens (about 1.5 MB of text). */
#define NFI_WS_KEEP_BYTES ((size_t)1 << 20)

#define TRIM_VEC(v)                                                   \
    do {                                                              \
        if ((v).cap * sizeof *(v).items > NFI_WS_KEEP_BYTES) nfi_vec_free(&(v)); \
        else (v).len = 0;                                             \
    } while (0)

void nfi_ws_trim(nfi_engine_ws *ws)
{
    if (ws->caps[NFI_WS_TOKVOCAB] * sizeof *ws->bufs[NFI_WS_TOKVOCAB] > NFI_WS_KEEP_BYTES)
        ws->tok_doc = NULL; /* its words go below */
    for (int i = 0; i < NFI_WS_NBUF; i++)
        if (ws->caps[i] * sizeof *ws->bufs[i] > NFI_WS_KEEP_BYTES) {
            free(ws->bufs[i]);
            ws->bufs[i] = NULL;
            ws->caps[i] = 0;
        }
    if (ws->formcap * sizeof *ws->formvocab > NFI_WS_KEEP_BYTES) {
        free(ws->formvocab);
        ws->formvocab = NULL;
        ws->formcap = ws->nforms = 0;
    }
    for (int i = 0; i < NFI_WS64_NBUF; i++)
        if (ws->caps64[i] * sizeof *ws->bufs64[i] > NFI_WS_KEEP_BYTES) {
            free(ws->bufs64[i]);
            ws->bufs64[i] = NULL;
            ws->caps64[i] = 0;
        }
    TRIM_VEC(ws->bcaps);
    size_t list_bytes = 0; /* the slots' lists as one array: together */
    for (size_t i = 0; i < ws->nreq_lists; i++) list_bytes += ws->req_lists[i].cap * sizeof(uint32_t);
    for (size_t i = 0; i < ws->nreq_lists && list_bytes > NFI_WS_KEEP_BYTES; i++)
        nfi_vec_free(&ws->req_lists[i]);
    TRIM_VEC(ws->found.items);
    TRIM_VEC(ws->found.caps);
}

const size_t *nfi_ws_bcaps(const nfi_engine_ws *ws, uint32_t idx)
{
    return ws->bcaps.items + idx;
}

size_t nfi_ws_pending_threads(const nfi_engine_ws *ws)
{
    size_t n = 0;
    for (size_t i = 0; ws->buckets && i < ws->nbuckets; i++) n += ws->buckets[i].len;
    return n;
}

nf_status nfi_ws_begin_doc(nfi_engine_ws *ws, const nf_rules *r, const nf_doc *doc)
{
    (void)r;
    size_t n = doc->forms.count;
    if (ws->formcap < n) {
        size_t cap = n + n / 2 + 16;
        uint32_t *p = realloc(ws->formvocab, cap * sizeof *p);
        if (!p) return NF_ERR_NOMEM;
        ws->formvocab = p;
        ws->formcap = cap;
    }
    for (size_t i = 0; i < n; i++) ws->formvocab[i] = UNCOMPUTED;
    ws->nforms = n;
    ws->tok_doc = NULL;
    return NF_OK;
}

void nfi_ws_forget_doc(nfi_engine_ws *ws)
{
    ws->tok_doc = NULL;
}

void nfi_ws_note_window(nfi_engine_ws *ws, const nf_doc *doc, size_t tok_base, size_t count)
{
    ws->tok_doc = doc;
    ws->tok_base = tok_base;
    ws->tok_count = count;
}

bool nfi_ws_token_word(const nfi_engine_ws *ws, const nf_doc *doc, size_t ti, uint32_t *word)
{
    if (!ws || !doc || ws->tok_doc != doc || ti < ws->tok_base ||
        ti - ws->tok_base >= ws->tok_count || ti >= doc->tokens.len ||
        !ws->bufs[NFI_WS_TOKVOCAB])
        return false;
    /* the engine's word of a token is nfi_ws_form_vocab's of its norm, which
       looks the norm up as it is (folding it only when it has capitals and
       is not found): nfi_lexicon_word's answer when the norm is ASCII
       without capitals (it folds to itself) and fits that function's fold
       buffer */
    uint32_t form = doc->tokens.items[ti].norm;
    if (form >= doc->forms.count) return false;
    const unsigned char *s = (const unsigned char *)doc->forms.strs[form];
    size_t n = doc->forms.lens[form];
    if (n >= 512) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80 || (unsigned)(s[i] - 'A') < 26u) return false;
    *word = ws->bufs[NFI_WS_TOKVOCAB][ti - ws->tok_base];
    return true;
}

void nfi_ws_begin_window(nfi_engine_ws *ws)
{
    memset(ws->re_tag, 0xff, ((size_t)ws->re_mask + 1) * sizeof *ws->re_tag);
    ws->bcaps.len = 0;
}

/* The tokenizer's norms are case-folded already: look them up as they
 * are, folding only when that fails and the form has upper case. */
uint32_t nfi_ws_form_vocab(nfi_engine_ws *ws, const nf_rules *r, const nf_doc *doc,
                           uint32_t form)
{
    if (form >= ws->nforms) return NFI_NONE;
    uint32_t v = ws->formvocab[form];
    if (v != UNCOMPUTED) return v;
    const char *s = doc->forms.strs[form];
    size_t n = doc->forms.lens[form];
    v = nfi_strtab_find(&r->vocab, s, n);
    bool upper = false;
    for (size_t i = 0; i < n && !upper; i++) upper = s[i] >= 'A' && s[i] <= 'Z';
    if (v == NFI_NONE && upper) {
        size_t fl = nfi_fold_buf(s, n, ws->fold, sizeof ws->fold);
        if (fl != (size_t)-1 && (fl != n || memcmp(ws->fold, s, n) != 0))
            v = nfi_strtab_find(&r->vocab, ws->fold, fl);
    }
    ws->formvocab[form] = v;
    return v;
}

/* ------------------------------------------------------------ token classes */

/* What besides its text a token's feature bits depend on. */
static inline uint32_t token_context(const nfi_run *run, uint32_t s)
{
    const nfi_token *tk = &run->doc->tokens.items[s];
    uint32_t c = tk->flags | (uint32_t)tk->kind << 24;
    if (s == 0 || run->sent_end[s - 1] == s) c |= 1u << 16;
    if (run->sent_end[s] == s + 1) c |= 1u << 17;
    return c;
}

/* The slot of token s's class in the table: the class's, or the empty
 * slot where it would go. */
static uint32_t *class_slot(nfi_engine_ws *ws, const nf_doc *doc, uint32_t s, uint32_t context)
{
    const nfi_token *tk = &doc->tokens.items[s];
    const unsigned char *text = (const unsigned char *)doc->work + tk->span.start;
    uint32_t n = tk->span.end - tk->span.start, mask = NFI_CLASS_SLOTS - 1;
    uint32_t h = (nfi_surface_hash(text, n) ^ context * 0x9E3779B1u) & mask;
    for (;; h = (h + 1) & mask) {
        uint32_t c = ws->class_slots[h];
        if (!c) return &ws->class_slots[h];
        const nfi_token_class *k = &ws->classes.items[c - 1];
        if (k->context == context && k->len == n && nfi_bytes_equal(k->text, text, n))
            return &ws->class_slots[h];
    }
}

static nf_status class_add(nfi_engine_ws *ws, const nfi_run *run, uint32_t s, uint32_t context,
                           uint32_t *slot)
{
    const nfi_token *tk = &run->doc->tokens.items[s];
    nfi_token_class *k = nfi_vec_push(&ws->classes);
    if (!k) return NF_ERR_NOMEM;
    for (size_t p = 0; p < run->r->phases.len; p++) {
        uint64_t *m = nfi_vec_push(&ws->class_memo);
        if (!m) {
            ws->classes.len--;
            ws->class_memo.len -= p;
            return NF_ERR_NOMEM;
        }
        *m = 0;
    }
    for (int w = 0; w < 2; w++) {
        uint64_t *m = nfi_vec_push(&ws->class_tests);
        if (!m) {
            ws->classes.len--;
            ws->class_memo.len -= run->r->phases.len;
            ws->class_tests.len -= (size_t)w;
            return NF_ERR_NOMEM;
        }
        *m = 0;
    }
    uint32_t *hits = nfi_vec_push(&ws->class_hits);
    if (!hits) {
        ws->classes.len--;
        ws->class_memo.len -= run->r->phases.len;
        ws->class_tests.len -= 2;
        return NF_ERR_NOMEM;
    }
    *hits = NFI_HITS_UNKNOWN;
    k->feat = run->feat[s];
    k->context = context;
    k->vocab = run->tokvocab[s];
    k->len = (uint8_t)(tk->span.end - tk->span.start);
    memcpy(k->text, run->doc->work + tk->span.start, k->len);
    *slot = (uint32_t)ws->classes.len;
    return NF_OK;
}

/* Forgets the candidate lists (with the classes that point at them). */
static void memo_clear(nfi_engine_ws *ws)
{
    ws->memo_pool.len = 0;
    ws->memo_nlists = 0;
    if (ws->memo_slots) memset(ws->memo_slots, 0, ws->memo_nslots * sizeof *ws->memo_slots);
}

static uint32_t memo_hash(const uint32_t *list, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ list[i]) * 16777619u;
    return h;
}

/* Doubles the table of list offsets (at least 1024 slots). */
static bool memo_grow(nfi_engine_ws *ws)
{
    uint32_t n = ws->memo_nslots ? ws->memo_nslots * 2 : 1024, mask = n - 1;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots) return false;
    for (uint32_t i = 0; i < ws->memo_nslots; i++) {
        uint32_t at = ws->memo_slots[i];
        if (!at) continue;
        const uint32_t *l = ws->memo_pool.items + at - 1;
        uint32_t h = memo_hash(l, nfi_memo_len(l)) & mask;
        while (slots[h]) h = (h + 1) & mask;
        slots[h] = at;
    }
    free(ws->memo_slots);
    ws->memo_slots = slots;
    ws->memo_nslots = n;
    return true;
}

uint32_t nfi_ws_memo_add(nfi_engine_ws *ws, const uint32_t *list)
{
    size_t n = nfi_memo_len(list);
    if (ws->memo_pool.len + n > NFI_MEMO_MAX) return 0;
    if (2 * (ws->memo_nlists + 1) > ws->memo_nslots && !memo_grow(ws)) return 0;
    uint32_t mask = ws->memo_nslots - 1, h = memo_hash(list, n) & mask;
    for (; ws->memo_slots[h]; h = (h + 1) & mask) {
        const uint32_t *l = ws->memo_pool.items + ws->memo_slots[h] - 1;
        if (l[0] == list[0] && l[3] == list[3] && memcmp(l, list, n * sizeof *l) == 0)
            return ws->memo_slots[h];
    }
    size_t at = ws->memo_pool.len;
    if (ws->memo_pool.cap - at < n) {
        size_t cap = 2 * ws->memo_pool.cap > at + n ? 2 * ws->memo_pool.cap : at + n + 4096;
        uint32_t *p = realloc(ws->memo_pool.items, cap * sizeof *p);
        if (!p) return 0;
        ws->memo_pool.items = p;
        ws->memo_pool.cap = cap;
    }
    memcpy(ws->memo_pool.items + at, list, n * sizeof *list);
    ws->memo_pool.len = at + n;
    ws->memo_nlists++;
    return ws->memo_slots[h] = (uint32_t)at + 1;
}

const uint32_t *nfi_ws_memo_pool(const nfi_engine_ws *ws) { return ws->memo_pool.items; }

uint32_t nfi_ws_hits_add(nfi_engine_ws *ws, const uint32_t *slots, uint32_t n)
{
    if (!n) return NFI_HITS_NONE;
    if (ws->hits_pool.len + n + 1 > NFI_HITS_POOL_MAX) return NFI_HITS_UNKNOWN;
    size_t at = ws->hits_pool.len;
    for (uint32_t k = 0; k <= n; k++) {
        uint32_t *p = nfi_vec_push(&ws->hits_pool);
        if (!p) {
            ws->hits_pool.len = at;
            return NFI_HITS_UNKNOWN;
        }
        *p = k ? slots[k - 1] : n;
    }
    return (uint32_t)at + NFI_HITS_LIST;
}

const uint32_t *nfi_ws_hits_pool(const nfi_engine_ws *ws) { return ws->hits_pool.items; }

nf_status nfi_ws_classify(nfi_engine_ws *ws, nfi_run *run)
{
    const nf_doc *doc = run->doc;
    size_t nt = doc->tokens.len;
    run->feat = nfi_ws_u64(ws, NFI_WS64_FEAT, nt);
    run->tokclass = nfi_ws_u32(ws, NFI_WS_TOKCLASS, nt);
    if (!run->feat || !run->tokclass) return NF_ERR_NOMEM;
    if (!ws->class_slots && !(ws->class_slots = calloc(NFI_CLASS_SLOTS, sizeof *ws->class_slots)))
        return NF_ERR_NOMEM;
    size_t room = nt < NFI_CLASS_MAX / 2 ? nt : NFI_CLASS_MAX / 2; /* new classes it may make */
    if (ws->classes.len + room > NFI_CLASS_MAX || ws->memo_pool.len > NFI_MEMO_MAX / 2) {
        memset(ws->class_slots, 0, NFI_CLASS_SLOTS * sizeof *ws->class_slots);
        ws->classes.len = ws->class_memo.len = ws->class_tests.len = 0;
        ws->class_hits.len = ws->hits_pool.len = 0;
        memo_clear(ws);
    }
    for (uint32_t s = 0; s < nt; s++) {
        const nfi_token *tk = &doc->tokens.items[s];
        uint32_t context = token_context(run, s), *slot = NULL;
        if (tk->span.end - tk->span.start <= NFI_CLASS_BYTES) {
            slot = class_slot(ws, doc, s, context);
            if (*slot) {
                const nfi_token_class *k = &ws->classes.items[*slot - 1];
                run->feat[s] = k->feat;
                run->tokvocab[s] = k->vocab;
                run->tokclass[s] = *slot - 1;
                continue;
            }
        }
        run->feat[s] = nfi_token_feat(run, s);
        run->tokvocab[s] = nfi_ws_form_vocab(ws, run->r, doc, tk->norm);
        run->tokclass[s] = NFI_NONE;
        if (slot && ws->classes.len < NFI_CLASS_MAX) {
            nf_status st = class_add(ws, run, s, context, slot);
            if (st != NF_OK) return st;
            run->tokclass[s] = *slot - 1;
        }
    }
    run->class_memo = ws->class_memo.items;
    run->class_tests = ws->class_tests.items;
    run->class_hits = ws->class_hits.items;
    run->memo_pool = ws->memo_pool.items;
    return NF_OK;
}

size_t nfi_ws_nclasses(const nfi_engine_ws *ws) { return ws->classes.len; }

/* Trie node of token tok's word under lexicon lex's root, or NFI_NONE. */
static uint32_t lex_node(const nfi_run *run, uint32_t lex, size_t tok)
{
    const nf_rules *r = run->r;
    return nfi_trie_child(&r->trie, r->lexicons.items[lex]->root, run->tokvocab[tok]);
}

bool nfi_lex_starts(const nfi_run *run, uint32_t lex, size_t tok)
{
    uint32_t v = run->tokvocab[tok];
    if (lex < 64 && v < run->r->nvmask) return (run->r->vocab_starts[v] >> lex) & 1;
    return lex_node(run, lex, tok) != NFI_NONE;
}

bool nfi_lex_continues(const nfi_run *run, uint32_t lex, size_t tok)
{
    if (tok + 1 >= run->doc->tokens.len || run->tokvocab[tok + 1] == NFI_NONE) return false;
    const nf_rules *r = run->r;
    /* most pairs begin no entry of any lexicon */
    if (!nfi_lex_pair_may(r, run->tokvocab[tok], run->tokvocab[tok + 1])) return false;
    uint32_t node = lex_node(run, lex, tok);
    return node != NFI_NONE &&
           nfi_trie_child(&run->r->trie, node, run->tokvocab[tok + 1]) != NFI_NONE;
}

bool nfi_lex_may_match(const nfi_run *run, uint32_t lex, size_t tok)
{
    if (!nfi_lex_starts(run, lex, tok)) return false;
    return nfi_lex_single(run, lex, tok) || nfi_lex_continues(run, lex, tok);
}

bool nfi_lex_single(const nfi_run *run, uint32_t lex, size_t tok)
{
    uint32_t v = run->tokvocab[tok];
    if (lex < 64 && v < run->r->nvmask) return (run->r->vocab_single[v] >> lex) & 1;
    uint32_t node = lex_node(run, lex, tok);
    return node != NFI_NONE && run->r->trie.node_entry.items[node] != NFI_NONE;
}

/* ------------------------------------------------------------ token tests */

static bool cap_test(const char *s, size_t n, uint32_t want)
{
    if (n && (unsigned char)s[0] < 0x80) { /* ASCII first letter: decide cheaply */
        char c = s[0];
        bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
        if (want == NFI_CAP_UPPER) return up;
        if (want == NFI_CAP_LOWER) return lo;
        if (want == NFI_CAP_TITLE && !up) return false;
        if (want == NFI_CAP_ALLCAPS && lo) return false;
        bool ascii = true;
        uint32_t nl = 0, nu = 0;
        for (size_t i = 0; i < n && ascii; i++) {
            unsigned char b = (unsigned char)s[i];
            ascii = b < 0x80;
            nl += b >= 'a' && b <= 'z';
            nu += b >= 'A' && b <= 'Z';
        }
        if (ascii) {
            if (want == NFI_CAP_TITLE) return nl > 0 || nu == 1;
            return nu > 0 && nl == 0; /* ALLCAPS */
        }
    }
    size_t i = 0;
    uint32_t nupper = 0, nlower = 0, nletters = 0;
    int first = 0; /* 1 upper, 2 lower, 3 other */
    while (i < n) {
        uint32_t c = nfi_utf8_next(s, n, &i);
        bool up = u_isupper((UChar32)c) || u_istitle((UChar32)c);
        bool lo = u_islower((UChar32)c);
        if (!first) first = up ? 1 : lo ? 2 : 3;
        if (up) nupper++;
        if (lo) nlower++;
        if (u_isalpha((UChar32)c)) nletters++;
    }
    switch (want) {
    case NFI_CAP_UPPER: return first == 1;
    case NFI_CAP_LOWER: return first == 2;
    case NFI_CAP_TITLE: return first == 1 && (nlower > 0 || nletters == 1);
    case NFI_CAP_ALLCAPS: return nupper > 0 && nlower == 0;
    }
    return false;
}

bool nfi_token_test(const nfi_run *run, const nfi_prog *p, uint32_t ti, size_t tok)
{
    const nfi_test *t = &p->tests[ti];
    const nf_doc *doc = run->doc;
    const nfi_token *tk = &doc->tokens.items[tok];
    switch (t->op) {
    case NFI_T_ANY: return true;
    case NFI_T_NORM: return t->val != NFI_NONE && run->tokvocab[tok] == t->val;
    case NFI_T_TEXT:
        return tk->span.end - tk->span.start == t->len &&
               memcmp(doc->work + tk->span.start, t->str, t->len) == 0;
    case NFI_T_AND: return nfi_token_test(run, p, t->a, tok) && nfi_token_test(run, p, t->b, tok);
    case NFI_T_OR: return nfi_token_test(run, p, t->a, tok) || nfi_token_test(run, p, t->b, tok);
    case NFI_T_NOT: return !nfi_token_test(run, p, t->a, tok);
    case NFI_T_KIND: return tk->kind == t->val;
    case NFI_T_FLAG:
        if (t->val == NFI_FLAG_SENT_START) return tok == 0 || run->sent_end[tok - 1] == tok;
        if (t->val == NFI_FLAG_SENT_END) return run->sent_end[tok] == tok + 1;
        return (tk->flags & t->val) != 0;
    case NFI_T_CAP:
        return cap_test(doc->work + tk->span.start, tk->span.end - tk->span.start, t->val);
    case NFI_T_SHAPE: {
        const char *sh = nf_doc_form(doc, tk->shape);
        return sh && strlen(sh) == t->len && memcmp(sh, t->str, t->len) == 0;
    }
    case NFI_T_LEX1: return nfi_lex_single(run, t->val, tok);
    case NFI_T_RE: {
        size_t n = tk->span.end - tk->span.start;
        const unsigned char *u = (const unsigned char *)doc->work + tk->span.start;
        if (n < t->re_minlen || (n && t->re_first && !((t->re_first[u[0] >> 3] >> (u[0] & 7)) & 1)) ||
            (n && t->re_unit >= 0 && u[0] != t->re_unit) ||
            (t->re_req >= 0 && !memchr(u, t->re_req, n)))
            return false; /* what every match has, missing */
        nfi_engine_ws *ws = run->ws;
        size_t slot = tok & ws->re_mask;
        uint64_t bit = t->re_id < 64 ? 1ull << t->re_id : 0;
        if (bit) {
            if (ws->re_tag[slot] != (uint32_t)tok) {
                ws->re_tag[slot] = (uint32_t)tok;
                ws->re_known[slot] = ws->re_val[slot] = 0;
            } else if (ws->re_known[slot] & bit) {
                return (ws->re_val[slot] & bit) != 0;
            }
        }
        int rc = nfi_re_match(t->re, doc->work + tk->span.start, tk->span.end - tk->span.start, 0,
                              ws->md, run->r->mctx);
        if (bit) {
            ws->re_known[slot] |= bit;
            if (rc >= 0) ws->re_val[slot] |= bit;
        }
        return rc >= 0;
    }
    }
    return false;
}

/* All four cap:* answers for a token text at once (cap_test's rules). */
static uint64_t cap_bits(const char *s, size_t n)
{
    uint64_t b = 0;
    bool general_title = true, general_allcaps = true;
    if (n && (unsigned char)s[0] < 0x80) {
        char c = s[0];
        bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
        if (up) b |= NFI_FEAT_CAP(NFI_CAP_UPPER);
        if (lo) return b | NFI_FEAT_CAP(NFI_CAP_LOWER); /* so neither title nor all caps */
        bool ascii = true;
        uint32_t nl = 0, nu = 0;
        for (size_t i = 0; i < n && ascii; i++) {
            unsigned char ch = (unsigned char)s[i];
            ascii = ch < 0x80;
            nl += ch >= 'a' && ch <= 'z';
            nu += ch >= 'A' && ch <= 'Z';
        }
        general_title = up && !ascii;
        general_allcaps = !lo && !ascii;
        if (ascii && up && (nl > 0 || nu == 1)) b |= NFI_FEAT_CAP(NFI_CAP_TITLE);
        if (ascii && !lo && nu > 0 && nl == 0) b |= NFI_FEAT_CAP(NFI_CAP_ALLCAPS);
        if (!general_title && !general_allcaps) return b;
    } else {
        for (uint32_t v = NFI_CAP_UPPER; v <= NFI_CAP_LOWER; v++)
            if (cap_test(s, n, v)) b |= NFI_FEAT_CAP(v);
    }
    if (general_title && cap_test(s, n, NFI_CAP_TITLE)) b |= NFI_FEAT_CAP(NFI_CAP_TITLE);
    if (general_allcaps && cap_test(s, n, NFI_CAP_ALLCAPS)) b |= NFI_FEAT_CAP(NFI_CAP_ALLCAPS);
    return b;
}

uint64_t nfi_token_feat(const nfi_run *run, size_t tok)
{
    const nfi_token *tk = &run->doc->tokens.items[tok];
    uint64_t f = tk->flags & 0xffffu;
    if (tok == 0 || run->sent_end[tok - 1] == tok) f |= NFI_FLAG_SENT_START;
    if (run->sent_end[tok] == tok + 1) f |= NFI_FLAG_SENT_END;
    if (tk->kind < 32) f |= NFI_FEAT_KIND(tk->kind);
    const char *text = run->doc->work + tk->span.start;
    size_t n = tk->span.end - tk->span.start;
    if (n && text[0] >= '0' && text[0] <= '9') f |= NFI_FEAT_DIGIT_FIRST;
    if (n && memchr(text, '-', n)) f |= NFI_FEAT_HYPHEN;
    return f | cap_bits(text, n);
}

uint64_t nfi_lex_single_slow(const nfi_run *run, size_t tok, uint64_t want)
{
    uint32_t v = run->tokvocab[tok];
    uint64_t b = 0;
    for (uint64_t m = want; m && v != NFI_NONE; m &= m - 1) {
        uint32_t l = (uint32_t)__builtin_ctzll(m);
        uint32_t node = lex_node(run, l, tok);
        if (node != NFI_NONE && run->r->trie.node_entry.items[node] != NFI_NONE) b |= 1ull << l;
    }
    return b;
}


uint64_t nfi_token_lexbits(const nfi_run *run, size_t tok)
{
    uint32_t v = run->tokvocab[tok];
    if (v == NFI_NONE) return 0;
    if (v < run->r->nvmask) return run->r->vocab_single[v];
    size_t n = run->r->lexicons.len;
    return nfi_lex_single_slow(run, tok, n >= 64 ? ~0ull : (1ull << n) - 1);
}

bool nfi_ctest_rest(const nfi_run *run, const nfi_prog *p, uint32_t ti, size_t tok)
{
    const nfi_ctest *c = &p->ct[ti];
    if (c->nwords && !nfi_in_sorted(c->words, c->nwords, run->tokvocab[tok])) return false;
    if (c->text || c->shape) {
        const nfi_token *tk = &run->doc->tokens.items[tok];
        if (c->text && (tk->span.end - tk->span.start != c->text_len ||
                        memcmp(run->doc->work + tk->span.start, c->text, c->text_len) != 0))
            return false;
        if (c->shape) {
            const char *sh = tk->shape < run->doc->forms.count ? run->doc->forms.strs[tk->shape] : NULL;
            if (!sh || strlen(sh) != c->shape_len || memcmp(sh, c->shape, c->shape_len) != 0)
                return false;
        }
    }
    if (c->re_minlen || c->re_first || c->re_req >= 0 || c->re_unit >= 0) {
        const nfi_token *tk = &run->doc->tokens.items[tok];
        size_t n = tk->span.end - tk->span.start;
        const unsigned char *u = (const unsigned char *)run->doc->work + tk->span.start;
        if (n < c->re_minlen || (n && c->re_first && !((c->re_first[u[0] >> 3] >> (u[0] & 7)) & 1)) ||
            (n && c->re_unit >= 0 && u[0] != c->re_unit) ||
            (c->re_req >= 0 && !memchr(u, c->re_req, n)))
            return false;
    }
    /* lexicon bits: nfi_ctest_after_feat */
    uint64_t feat = run->feat[tok];
    for (uint32_t i = 0; i < c->nrest; i++)
        if ((feat & c->rest_skip[i]) == c->rest_skip[i] && !nfi_token_test(run, p, c->rest[i], tok))
            return false;
    return true;
}

/* ------------------------------------------------------------ Pike VM */

/* Room for n more words at the end of b (NULL on OOM); b->len unchanged. */
static inline uint32_t *bucket_room(u32vec *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n) cap *= 2;
        uint32_t *p = realloc(b->items, cap * sizeof *p);
        if (!p) return NULL;
        b->items = p;
        b->cap = cap;
    }
    return b->items + b->len;
}

/* Appends a copy of record src (stride words) with its pc set to pc to b,
 * which has room for it (bucket_room). The captures of the common strides
 * (one or two captures) are copied in one move of a known size rather than
 * word by word. */
static inline void bucket_put(u32vec *b, const uint32_t *src, uint32_t stride, uint32_t pc)
{
    uint32_t *dst = b->items + b->len;
    dst[0] = pc;
    if (stride == 5) memcpy(dst + 1, src + 1, 4 * sizeof *dst);
    else if (stride == 3) memcpy(dst + 1, src + 1, 2 * sizeof *dst);
    else
        for (uint32_t q = 1; q < stride; q++) dst[q] = src[q];
    b->len += stride;
}

/* bucket_put after making room (false on OOM). */
static inline bool bucket_copy(u32vec *b, const uint32_t *src, uint32_t stride, uint32_t pc)
{
    if (!bucket_room(b, stride)) return false;
    bucket_put(b, src, stride, pc);
    return true;
}

/* Fills m with the match [s, end) of rule ri, whose one capture (if any)
 * is the whole match (the direct scans of nfi_match_at); true. */
static bool whole_match(nfi_match *m, const nfi_prog *p, uint32_t ri, uint32_t s, uint32_t end)
{
    m->rule = ri;
    m->start = s;
    m->end = end;
    if (p->ncaps) {
        m->caps[0] = s;
        m->caps[1] = end;
    }
    return true;
}

/* dst |= src over w words. */
static inline void set_or(uint64_t *dst, const uint64_t *src, uint32_t w)
{
    for (uint32_t i = 0; i < w; i++) dst[i] |= src[i];
}

/* What the VM finds for a program with set_words (see engine.h), without
 * threads: bucket k of the workspace's sets holds the instructions waiting
 * at token s + k, and a step adds the closure of the next instruction to
 * the bucket it leads to. Each instruction runs at most once a token, as
 * in the VM, and each test once a token however many instructions share
 * it. any_end: the first end found will do. */
static NFI_HOT_INLINE bool match_sets_w(nfi_run *run, const nfi_prog *p, uint32_t ri, uint32_t s,
                                        uint32_t limit, bool any_end, nfi_match *m, const uint32_t w)
{
    const nf_rules *r = run->r;
    uint64_t *sets = run->ws->sets;
    const uint32_t match_pc = p->len - 1; /* the program's one MATCH */
    uint32_t lens[32], ents[32];
    uint32_t far = 0, best_end = NFI_NONE;
    set_or(sets, p->set_clo, w);
    for (uint32_t k = 0; k <= far; k++) {
        uint64_t *cur = sets + (size_t)k * w;
        uint32_t pos = s + k;
        if ((cur[match_pc / 64] >> (match_pc % 64)) & 1) {
            best_end = pos;
            if (any_end) {
                memset(cur, 0, ((size_t)far - k + 1) * w * sizeof *cur);
                break;
            }
        }
        uint64_t tested[NFI_SET_MAX_WORDS] = {0}, passed[NFI_SET_MAX_WORDS] = {0};
        for (uint32_t i = 0; i < w; i++) {
            uint64_t bits = cur[i];
            cur[i] = 0;
            while (bits) {
                uint32_t pc = i * 64 + (uint32_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                const nfi_inst *in = &p->code[pc];
                const uint64_t *next = p->set_clo + (size_t)(pc + 1) * w;
                if (pos >= limit || in->op == NFI_OP_MATCH) continue;
                if (in->op == NFI_OP_TEST) {
                    uint32_t rp = p->set_rep[pc];
                    uint64_t bit = 1ull << (rp % 64);
                    if (!(tested[rp / 64] & bit)) {
                        tested[rp / 64] |= bit;
                        if (nfi_token_test_fast(run, p, in->x, pos)) passed[rp / 64] |= bit;
                    }
                    if (passed[rp / 64] & bit) {
                        set_or(cur + w, next, w);
                        if (k + 1 > far) far = k + 1;
                    }
                } else if (in->op == NFI_OP_LEX) {
                    size_t n = nfi_lexicon_walk(r, r->lexicons.items[in->x], run->tokvocab, pos,
                                                limit, lens, ents, 32);
                    for (size_t e = 0; e < n; e++) {
                        set_or(cur + (size_t)lens[e] * w, next, w);
                        if (k + lens[e] > far) far = k + lens[e];
                    }
                } else if (in->op == NFI_OP_ANN) {
                    for (uint32_t a = run->ann_first[pos]; a < run->ann_first[pos + 1]; a++) {
                        const nfi_ann *an = &run->doc->anns.items[run->ann_list[a]];
                        if (an->type_id != in->x || (an->flags & NFI_ANN_REMOVED)) continue;
                        if (an->tok_end > limit || an->tok_end <= pos) continue;
                        uint32_t to = (uint32_t)(an->tok_end - s);
                        set_or(sets + (size_t)to * w, next, w);
                        if (to > far) far = to;
                    }
                }
            }
        }
    }
    return best_end != NFI_NONE && whole_match(m, p, ri, s, best_end);
}

/* match_sets_w with its number of words known to the compiler (its loops
 * over the words of a set unrolled) for the sizes programs have. */
static bool match_sets(nfi_run *run, const nfi_prog *p, uint32_t ri, uint32_t s, uint32_t limit,
                       bool any_end, nfi_match *m)
{
    switch (p->set_words) {
    case 1: return match_sets_w(run, p, ri, s, limit, any_end, m, 1);
    case 2: return match_sets_w(run, p, ri, s, limit, any_end, m, 2);
    case 3: return match_sets_w(run, p, ri, s, limit, any_end, m, 3);
    default: return match_sets_w(run, p, ri, s, limit, any_end, m, NFI_SET_MAX_WORDS);
    }
}

bool nfi_match_at(nfi_run *run, uint32_t ri, uint32_t s, nfi_match *m)
{
    const nf_rules *r = run->r;
    const nfi_rule *rule = &r->rules.items[ri];
    const nfi_prog *p = rule->prog;
    nfi_engine_ws *ws = run->ws;
    const nf_doc *doc = run->doc;
    size_t ntok = doc->tokens.len;
    uint32_t limit = rule->cross_sentences ? (uint32_t)ntok : run->sent_end[s];
    if (limit > s + rule->max_tokens) limit = s + rule->max_tokens;
    if (p->one_token) { /* what the VM would find: one of the first tests at s */
        if (s >= limit) return false;
        for (uint32_t i = 0; i < p->nfirst; i++)
            if (nfi_token_test_fast(run, p, p->code[p->first_pcs[i]].x, s)) {
                m->rule = ri;
                m->start = s;
                m->end = s + 1;
                return true;
            }
        return false;
    }
    uint32_t lens[32], ents[32];
    if (p->lex_only) { /* what the VM would find: the longest entry */
        if (s >= limit) return false;
        size_t n = nfi_lexicon_walk(r, r->lexicons.items[p->lex_only_lex], run->tokvocab, s, limit,
                                    lens, ents, 32);
        uint32_t longest = 0;
        for (size_t e = 0; e < n; e++)
            if (lens[e] > longest) longest = lens[e];
        return longest && whole_match(m, p, ri, s, s + longest);
    }
    if (p->run_max) { /* what the VM would find: the longest run */
        uint32_t k = 0;
        while (k < p->run_max && s + k < limit && nfi_token_test_fast(run, p, p->run_test, s + k))
            k++;
        return k >= p->run_min && whole_match(m, p, ri, s, s + k);
    }
    /* a regex rule's anchor: only whether it matches at s counts (the regex
     * makes the match), so the first end found will do; the longest would
     * walk the rest of an anchor's reach ("[]{0,14} ago") for nothing */
    bool any_end = rule->re != NULL;
    if (p->set_words) return match_sets(run, p, ri, s, limit, any_end, m);
    uint32_t stride = 1 + 2 * p->ncaps;
    uint32_t best_end = NFI_NONE;

    uint32_t *first = bucket_room(&ws->buckets[0], stride);
    if (!first) return false;
    first[0] = 0;
    for (uint32_t k = 1; k < stride; k++) first[k] = NFI_NONE;
    ws->buckets[0].len += stride;
    uint32_t far = 0; /* furthest bucket in use */
    for (uint32_t k = 0; k <= far; k++) {
        u32vec *b = &ws->buckets[k];
        if (!b->len) continue;
        uint32_t pos = s + k;
        uint32_t stamp = ++ws->stamp;
        if (stamp == 0) { /* wrapped: reset marks */
            memset(ws->marks, 0, ((size_t)r->max_prog + 1) * sizeof *ws->marks);
            stamp = ws->stamp = 1;
        }
        /* records are copied straight from the bucket; an append to b itself
         * reserves room first, as it may move b->items */
        for (size_t j = 0; j < b->len; j += stride) {
            uint32_t pc = b->items[j];
            if (ws->marks[pc] == stamp) continue;
            ws->marks[pc] = stamp;
            const nfi_inst *in = &p->code[pc];
            bool ok = true;
            switch (in->op) {
            case NFI_OP_MATCH:
                if (best_end == NFI_NONE || pos > best_end) {
                    best_end = pos;
                    for (uint32_t c = 0; c < 2 * p->ncaps; c++) m->caps[c] = b->items[j + 1 + c];
                }
                ok = !any_end;
                break;
            case NFI_OP_JMP:
                if ((ok = bucket_room(b, stride) != NULL)) bucket_put(b, b->items + j, stride, in->x);
                break;
            case NFI_OP_SPLIT:
                if ((ok = bucket_room(b, 2 * (size_t)stride) != NULL)) {
                    bucket_put(b, b->items + j, stride, in->x);
                    bucket_put(b, b->items + j, stride, in->y);
                }
                break;
            case NFI_OP_SAVE:
                if ((ok = bucket_room(b, stride) != NULL)) {
                    bucket_put(b, b->items + j, stride, pc + 1);
                    b->items[b->len - stride + 1 + in->x] = pos;
                }
                break;
            case NFI_OP_TEST:
                if (pos < limit && nfi_token_test_fast(run, p, in->x, pos)) {
                    ok = bucket_copy(&ws->buckets[k + 1], b->items + j, stride, pc + 1);
                    if (k + 1 > far) far = k + 1;
                }
                break;
            case NFI_OP_LEX:
                if (pos < limit) {
                    size_t n = nfi_lexicon_walk(r, r->lexicons.items[in->x], run->tokvocab, pos,
                                                limit, lens, ents, 32);
                    for (size_t e = 0; e < n && ok; e++) {
                        ok = bucket_copy(&ws->buckets[k + lens[e]], b->items + j, stride, pc + 1);
                        if (k + lens[e] > far) far = k + lens[e];
                    }
                }
                break;
            case NFI_OP_ANN:
                if (pos < limit) {
                    for (uint32_t a = run->ann_first[pos]; a < run->ann_first[pos + 1] && ok; a++) {
                        const nfi_ann *an = &doc->anns.items[run->ann_list[a]];
                        if (an->type_id != in->x || (an->flags & NFI_ANN_REMOVED)) continue;
                        if (an->tok_end > limit || an->tok_end <= pos) continue;
                        uint32_t to = (uint32_t)(an->tok_end - s);
                        ok = bucket_copy(&ws->buckets[to], b->items + j, stride, pc + 1);
                        if (to > far) far = to;
                    }
                }
                break;
            }
            if (!ok) { /* out of memory: give up this start (or an anchor's end) */
                for (uint32_t q = k; q <= far; q++) ws->buckets[q].len = 0;
                if (best_end == NFI_NONE || !any_end) return false;
                break;
            }
        }
        if (best_end != NFI_NONE && any_end) break;
        b->len = 0;
    }
    if (best_end == NFI_NONE) return false;
    m->rule = ri;
    m->start = s;
    m->end = best_end;
    return true;
}

/* ------------------------------------------------------------ regex rules */

/* The match of regex rule ri over bytes [ms, me) as whole tokens, with its
 * groups' byte spans stored in the workspace; false when it covers no token
 * or crosses a sentence end the rule may not cross. */
static nf_status regex_to_match(nfi_run *run, uint32_t ri, size_t ms, size_t me, int rc,
                                nfi_match *m, bool *ok)
{
    const nfi_rule *rule = &run->r->rules.items[ri];
    const nf_doc *doc = run->doc;
    pcre2_match_data *md = run->ws->md;
    size_t ntok = doc->tokens.len;
    *ok = false;
    size_t ts = nfi_doc_token_at(doc, ms);
    size_t te = nfi_doc_token_at(doc, me - 1);
    if (te < ntok && doc->tokens.items[te].span.start <= me - 1) te++;
    if (ts >= te) return NF_OK;
    if (!rule->cross_sentences && run->sent_end[ts] < te) return NF_OK;
    memset(m, 0, sizeof *m);
    m->rule = ri;
    m->start = (uint32_t)ts;
    m->end = (uint32_t)te;
    nfi_engine_ws *ws = run->ws;
    /* only the groups the rule's attributes take are kept: a phase's
     * candidates are many, and most regex rules take one group or none */
    uint32_t keep = 0;
    for (uint32_t i = 0; i < rule->nattrs; i++)
        if (rule->attrs[i].kind != NFI_ATTR_LITERAL && rule->attrs[i].cap + 1 > keep)
            keep = rule->attrs[i].cap + 1;
    if (ws->bcaps.len > UINT32_MAX - 2 * NFI_MAX_CAPS) return NF_ERR_NOMEM;
    m->bcap = (uint32_t)ws->bcaps.len;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t ng = rc == 0 ? (uint32_t)pcre2_get_ovector_count(md) : (uint32_t)rc;
    for (uint32_t g = 0; g < 2 * keep; g++) {
        size_t *slot = nfi_vec_push(&ws->bcaps);
        if (!slot) return NF_ERR_NOMEM;
        uint32_t grp = g / 2;
        *slot = grp < ng && ov[2 * grp] != PCRE2_UNSET ? ov[g] : NF_UNSET;
    }
    *ok = true;
    return NF_OK;
}

/* A regex that stopped on a limit: warn once and skip the rule for the
 * rest of the document. */
static void regex_failed(nfi_run *run, const nfi_rule *rule, size_t off, int rc)
{
    PCRE2_UCHAR msg[120];
    pcre2_get_error_message(rc, msg, sizeof msg);
    nfi_doc_warn(run->doc, "rule '%s': regex stopped at byte %zu: %s; rule skipped for the "
                           "rest of the document", rule->name, off, (char *)msg);
}

nf_status nfi_match_regex(nfi_run *run, uint32_t ri,
                          nf_status (*add)(nfi_run *, const nfi_match *))
{
    const nf_rules *r = run->r;
    const nfi_rule *rule = &r->rules.items[ri];
    nf_doc *doc = run->doc;
    pcre2_match_data *md = run->ws->md;
    size_t off = run->byte_base; /* 0, or where the window before ends */
    while (off <= doc->len) {
        int rc = nfi_re_match(rule->re, doc->work, doc->len, off, md, r->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            regex_failed(run, rule, off, rc);
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        if (me <= ms) { /* empty match: step one code point */
            off = ms + 1;
            while (off < doc->len && ((unsigned char)doc->work[off] & 0xC0) == 0x80) off++;
            if (ms >= doc->len) break;
            continue;
        }
        off = me;
        nfi_match m;
        bool ok;
        nf_status st = regex_to_match(run, ri, ms, me, rc, &m, &ok);
        if (st == NF_OK && ok) st = add(run, &m);
        if (st != NF_OK) return st;
    }
    return NF_OK;
}

/* Whether anchored regex rule's required byte (re_last, a letter in either
 * case) is in the text from off (token s) to the end of s's sentence, or
 * of the document for a rule that crosses sentences: a match without it
 * there would end past the sentence, which regex_to_match refuses. */
static bool required_byte_ahead(const nfi_run *run, const nfi_rule *rule, uint32_t s, size_t off)
{
    const nf_doc *doc = run->doc;
    size_t end = rule->cross_sentences || run->sent_end[s] >= doc->tokens.len
                     ? doc->len : doc->tokens.items[run->sent_end[s]].span.start;
    int c = rule->re_last, other = c;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') other = c ^ 0x20;
    return memchr(doc->work + off, c, end - off) ||
           (other != c && memchr(doc->work + off, other, end - off));
}

bool nfi_regex_may_start(const nfi_run *run, uint32_t ri, uint32_t s)
{
    const nfi_rule *rule = &run->r->rules.items[ri];
    if (run->regex_off && run->regex_off[ri]) return false; /* failed earlier */
    size_t off = run->doc->tokens.items[s].span.start;
    const unsigned char first = (unsigned char)run->doc->work[off]; /* a token has a byte */
    if (rule->re_first && !((rule->re_first[first >> 3] >> (first & 7)) & 1)) return false;
    return rule->re_last < 0 || required_byte_ahead(run, rule, s, off);
}

nf_status nfi_match_regex_at(nfi_run *run, uint32_t ri, uint32_t s, nfi_match *m, bool *ok)
{
    const nf_rules *r = run->r;
    const nfi_rule *rule = &r->rules.items[ri];
    const nf_doc *doc = run->doc;
    *ok = false;
    size_t off = doc->tokens.items[s].span.start;
    int rc = nfi_re_match(rule->re, doc->work, doc->len, off, run->ws->md, r->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return NF_OK;
    if (rc < 0) {
        regex_failed(run, rule, off, rc);
        if (run->regex_off) run->regex_off[ri] = 1;
        return NF_OK;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(run->ws->md);
    if (ov[1] <= ov[0]) return NF_OK;
    return regex_to_match(run, ri, ov[0], ov[1], rc, m, ok);
}
