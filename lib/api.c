/*
 * api.c - the public entry points: versions, options, workspaces, the
 * extraction pipeline and the document accessors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rules.h"

uint32_t nf_version(void) { return NF_VERSION_NUMBER; }
const char *nf_version_string(void) { return NF_VERSION_STRING; }

void nf_load_options_init(nf_load_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NF_OPTIONS_VERSION;
    opts->max_yaml_depth = 64;
    opts->max_include_depth = 16;
    opts->max_files = 10000;
    opts->regex_match_limit = 1000000;
    opts->regex_depth_limit = 10000;
    opts->max_file_bytes = 64u << 20;
}

void nf_extract_options_init(nf_extract_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof *opts);
    opts->version = NF_OPTIONS_VERSION;
    opts->max_input_bytes = 1ull << 30;
    opts->max_results = 50000000;
}

size_t nf_struct_size(nf_struct_id id)
{
    switch (id) {
    case NF_STRUCT_ERROR: return sizeof(nf_error);
    case NF_STRUCT_SPAN: return sizeof(nf_span);
    case NF_STRUCT_TOKEN: return sizeof(nf_token);
    case NF_STRUCT_SENTENCE: return sizeof(nf_sentence);
    case NF_STRUCT_PARAGRAPH: return sizeof(nf_paragraph);
    case NF_STRUCT_ENTITY: return sizeof(nf_entity);
    case NF_STRUCT_DATE: return sizeof(nf_date);
    case NF_STRUCT_QUOTE: return sizeof(nf_quote);
    case NF_STRUCT_META: return sizeof(nf_meta);
    case NF_STRUCT_ANNOTATION: return sizeof(nf_annotation);
    case NF_STRUCT_LOAD_OPTIONS: return sizeof(nf_load_options);
    case NF_STRUCT_EXTRACT_OPTIONS: return sizeof(nf_extract_options);
    }
    return 0;
}

const char *nf_entity_type_name(uint32_t type)
{
    static const char *const names[] = {NULL, "PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"};
    return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}

const char *nf_timex_type_name(uint32_t type)
{
    static const char *const names[] = {NULL, "DATE", "TIME", "DURATION", "SET"};
    return type < sizeof names / sizeof names[0] ? names[type] : NULL;
}

/* ------------------------------------------------------------ workspace */

nf_workspace *nf_workspace_new(const nf_rules *rules, nf_error *err)
{
    if (!rules) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_workspace_new: rules is NULL");
        return NULL;
    }
    nf_workspace *ws = calloc(1, sizeof *ws);
    if (!ws) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    ws->rules = rules;
    ws->seg = nfi_seg_ws_new(rules, err);
    ws->engine = ws->seg ? nfi_engine_ws_new(rules, err) : NULL;
    ws->structure = ws->engine ? nfi_structure_ws_new(rules, err) : NULL;
    ws->entities = ws->structure ? nfi_entities_ws_new(rules, err) : NULL;
    ws->dates = ws->entities ? nfi_dates_ws_new(rules, err) : NULL;
    ws->quotes = ws->dates ? nfi_quotes_ws_new(rules, err) : NULL;
    if (!ws->seg || !ws->engine || !ws->structure || !ws->entities || !ws->dates ||
        !ws->quotes) {
        nf_workspace_free(ws);
        return NULL;
    }
    return ws;
}

void nf_workspace_free(nf_workspace *ws)
{
    if (!ws) return;
    nfi_seg_ws_free(ws->seg);
    nfi_engine_ws_free(ws->engine);
    nfi_structure_ws_free(ws->structure);
    nfi_entities_ws_free(ws->entities);
    nfi_dates_ws_free(ws->dates);
    nfi_quotes_ws_free(ws->quotes);
    free(ws);
}

/* ------------------------------------------------------------ documents */

static nf_doc *doc_new(void)
{
    nf_doc *doc = calloc(1, sizeof *doc);
    if (!doc) return NULL;
    if (pthread_mutex_init(&doc->publish_lock, NULL) != 0) {
        free(doc);
        return NULL;
    }
    atomic_init(&doc->tokens_published, false);
    atomic_init(&doc->anns_published, false);
    nfi_arena_init(&doc->arena);
    nfi_strtab_init(&doc->forms, &doc->arena);
    nf_meta_field unset = {{NF_UNSET, NF_UNSET}, NULL};
    doc->meta.headline = doc->meta.byline = doc->meta.dateline = unset;
    doc->meta.source = doc->meta.published = unset;
    return doc;
}

void nf_doc_free(nf_doc *doc)
{
    if (!doc) return;
    nfi_vec_free(&doc->tokens);
    nfi_vec_free(&doc->pub_tokens);
    nfi_vec_free(&doc->sentences);
    nfi_vec_free(&doc->paragraphs);
    nfi_vec_free(&doc->lines);
    nfi_vec_free(&doc->anns);
    nfi_vec_free(&doc->attrs);
    nfi_vec_free(&doc->body);
    nfi_vec_free(&doc->entities);
    nfi_vec_free(&doc->dates);
    nfi_vec_free(&doc->quotes);
    nfi_vec_free(&doc->warnings);
    nfi_vec_free(&doc->pub_anns);
    nfi_vec_free(&doc->ann_names);
    nfi_strtab_free(&doc->forms);
    nfi_arena_free(&doc->arena);
    pthread_mutex_destroy(&doc->publish_lock);
    free(doc);
}

void nfi_doc_warn(nf_doc *doc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **slot = nfi_vec_push(&doc->warnings);
    if (slot) *slot = nfi_arena_strdup(&doc->arena, msg);
    if (slot && !*slot) doc->warnings.len--;
}

const nfi_attr *nfi_ann_attr(const nf_doc *doc, const nfi_ann *a, const char *key)
{
    for (uint32_t i = 0; i < a->attr_count; i++) {
        const nfi_attr *at = &doc->attrs.items[a->attr_start + i];
        if (at->key == key || (at->key[0] == key[0] && strcmp(at->key, key) == 0)) return at;
    }
    return NULL;
}

uint32_t nfi_token_sentence(const nf_doc *doc, size_t ti)
{
    size_t lo = 0, hi = doc->sentences.len; /* the first sentence starting after ti */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->sentences.items[mid].first_token <= ti)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo) return 0;
    const nf_sentence *se = &doc->sentences.items[lo - 1];
    return ti < se->first_token + se->token_count ? (uint32_t)(lo - 1) : 0;
}

size_t nfi_doc_token_at(const nf_doc *doc, size_t offset)
{
    size_t lo = 0, hi = doc->tokens.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->tokens.items[mid].span.end <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether the body regions are in text order and do not overlap (each
 * ends before the next starts), as the structure stage makes them. */
static bool body_ordered(const nf_doc *doc)
{
    for (size_t i = 0; i < doc->body.len; i++) {
        if (doc->body.items[i].end < doc->body.items[i].start) return false;
        if (i && doc->body.items[i].start < doc->body.items[i - 1].end) return false;
    }
    return true;
}

/* Marks facts that lie outside every body region; drops them unless the
 * caller asked for all text. A document without body regions keeps all.
 * With ordered regions (body_ordered) the only one that can hold s when
 * any does is the last that starts at or before it (an earlier one ends
 * before that one starts): found by a binary search, not a walk over all
 * regions for each fact (facts x regions on a page of many regions). */
static bool inside_body(const nf_doc *doc, bool ordered, nf_span s)
{
    const nf_span *r = doc->body.items;
    size_t n = doc->body.len;
    if (!n) return true;
    if (!ordered || n <= 4) { /* a page has one region or a few */
        for (size_t i = 0; i < n; i++)
            if (r[i].start <= s.start && s.end <= r[i].end) return true;
        return false;
    }
    size_t lo = 0, hi = n; /* the first region that starts after s.start */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].start <= s.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo && s.end <= r[lo - 1].end;
}

#define FILTER_OUTSIDE_BODY(doc, vec)                                   \
    do {                                                                \
        size_t kept_ = 0;                                               \
        for (size_t i_ = 0; i_ < (vec).len; i_++) {                     \
            if (!inside_body(doc, ordered, (vec).items[i_].span)) {     \
                if (!keep_all) continue;                                \
                (vec).items[i_].flags |= NF_FACT_OUTSIDE_BODY;          \
            }                                                           \
            (vec).items[kept_++] = (vec).items[i_];                     \
        }                                                               \
        (vec).len = kept_;                                              \
    } while (0)

/* Entities are referred to by index from quotes, so they are only flagged
 * or dropped together with a renumbering of the quotes' links. */
static void apply_body(nf_doc *doc)
{
    bool keep_all = (doc->extract_flags & NF_EXTRACT_ALL_TEXT) != 0;
    const bool ordered = body_ordered(doc);
    for (size_t i = 0; i < doc->sentences.len; i++)
        if (!inside_body(doc, ordered, doc->sentences.items[i].span))
            doc->sentences.items[i].flags |= NF_FACT_OUTSIDE_BODY;
    size_t *new_index = NULL;
    if (doc->entities.len) {
        new_index = malloc(doc->entities.len * sizeof *new_index);
        if (!new_index) keep_all = true; /* cannot renumber: keep rather than lose links */
    }
    size_t kept = 0;
    for (size_t i = 0; i < doc->entities.len; i++) {
        nf_entity *e = &doc->entities.items[i];
        if (!inside_body(doc, ordered, e->span)) {
            if (!keep_all) {
                new_index[i] = (size_t)-1;
                continue;
            }
            e->flags |= NF_FACT_OUTSIDE_BODY;
        }
        if (new_index) new_index[i] = kept;
        doc->entities.items[kept++] = *e;
    }
    doc->entities.len = kept;
    FILTER_OUTSIDE_BODY(doc, doc->dates);
    FILTER_OUTSIDE_BODY(doc, doc->quotes);
    for (size_t i = 0; i < doc->quotes.len && new_index; i++) {
        nf_quote *q = &doc->quotes.items[i];
        if (q->speaker_entity >= 0) {
            size_t to = new_index[q->speaker_entity];
            q->speaker_entity = to == (size_t)-1 ? -1 : (int64_t)to;
        }
    }
    free(new_index);
}

/* A map from a pointer, or a pair of them, to a value, for
 * publish_annotations: open addressing, doubled at half full. Its first
 * table is the caller's (a document's few hundred rules need no more);
 * key a is never NULL (NULL marks an empty entry). */
typedef struct ptr_entry {
    const void *a, *b;
    uintptr_t v;
} ptr_entry;
typedef struct ptr_map {
    ptr_entry *e;
    size_t mask, count;
    bool heap; /* e was allocated here */
} ptr_map;

/* The entry of (a, b) in m, or the empty one where it would go. */
static size_t ptr_map_find(const ptr_map *m, const void *a, const void *b)
{
    uint64_t h = ((uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull) ^
                 ((uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4Full);
    size_t i = (size_t)(h >> 32) & m->mask;
    while (m->e[i].a && (m->e[i].a != a || m->e[i].b != b)) i = (i + 1) & m->mask;
    return i;
}

/* Puts (a, b) -> v at entry i, found by ptr_map_find; false on OOM. */
static bool ptr_map_put(ptr_map *m, size_t i, const void *a, const void *b, uintptr_t v)
{
    if ((m->count + 1) * 2 > m->mask + 1) {
        size_t n = 2 * (m->mask + 1);
        ptr_entry *e = calloc(n, sizeof *e);
        if (!e) return false;
        ptr_map bigger = {e, n - 1, 0, true};
        for (size_t k = 0; k <= m->mask; k++)
            if (m->e[k].a) bigger.e[ptr_map_find(&bigger, m->e[k].a, m->e[k].b)] = m->e[k];
        bigger.count = m->count;
        if (m->heap) free(m->e);
        *m = bigger;
        i = ptr_map_find(m, a, b);
    }
    m->e[i] = (ptr_entry){a, b, v};
    m->count++;
    return true;
}

static void ptr_map_free(ptr_map *m)
{
    if (m->heap) free(m->e);
}

/* Adds to doc->ann_names the names of an annotation of a type and rule
 * met for the first time, returning its index (NFI_NONE on OOM). The names
 * are copied (R8: a document may outlive its rules), each string once:
 * copies maps a rules string's address to its copy. */
static uint32_t ann_names_add(nf_doc *doc, const nf_rules *rules, ptr_map *copies,
                              const nfi_ann *a)
{
    uint32_t id = (uint32_t)doc->ann_names.len;
    nfi_ann_names *nm = nfi_vec_push(&doc->ann_names);
    if (!nm) return NFI_NONE;
    const char *src[3] = {nfi_ann_type(doc, a), nfi_ann_rule_name(a), nfi_ann_phase_name(rules, a)};
    const char **dst[3] = {&nm->type, &nm->rule, &nm->phase};
    for (int k = 0; k < 3; k++) {
        if (!src[k]) continue;
        size_t at = ptr_map_find(copies, src[k], NULL);
        if (!copies->e[at].a) {
            char *copy = nfi_arena_strdup(&doc->arena, src[k]);
            if (!copy || !ptr_map_put(copies, at, src[k], NULL, (uintptr_t)copy)) return NFI_NONE;
            at = ptr_map_find(copies, src[k], NULL);
        }
        *dst[k] = (const char *)copies->e[at].v;
    }
    return id;
}

/* Records the engine's live annotations as the public ones (nfi_ann_rec),
 * in the room of as many nf_annotation, which are made there on first use
 * (nfi_doc_public_annotations). Run before the quote stage, which reads the
 * QUOTE_CUE annotations only: the engine's array (40 bytes an annotation)
 * can go before its scratch is made. */
static nf_status publish_annotations(nf_doc *doc, const nf_rules *rules)
{
    size_t live = 0;
    for (size_t i = 0; i < doc->anns.len; i++) live += !(doc->anns.items[i].flags & NFI_ANN_REMOVED);
    if (!live) return NF_OK;
    _Static_assert(sizeof(nfi_ann_rec) <= sizeof(nf_annotation), "made in place");
    char *block = malloc(live * sizeof(nf_annotation)); /* its pages untouched but the records' */
    if (!block) return NF_ERR_NOMEM;
    doc->pub_anns.items = (nf_annotation *)(void *)block;
    doc->pub_anns.cap = live;
    /* the names' index of each (rule, type), and the copies of the names */
    enum { FIRST = 128 };
    ptr_entry pair_e[FIRST], copy_e[FIRST];
    memset(pair_e, 0, sizeof pair_e);
    memset(copy_e, 0, sizeof copy_e);
    ptr_map pairs = {pair_e, FIRST - 1, 0, false}, copies = {copy_e, FIRST - 1, 0, false};
    nf_status st = NF_OK;
    size_t n = 0;
    const void *last_rule = NULL, *last_type = NULL; /* runs of one rule's annotations */
    uint32_t index = 0;
    for (size_t i = 0; i < doc->anns.len; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        const char *type = nfi_ann_type(doc, a);
        if (a->rule != last_rule || type != last_type) {
            size_t at = ptr_map_find(&pairs, a->rule, type);
            if (pairs.e[at].a) {
                index = (uint32_t)pairs.e[at].v;
            } else {
                index = ann_names_add(doc, rules, &copies, a);
                if (index == NFI_NONE || !ptr_map_put(&pairs, at, a->rule, type, index)) {
                    st = NF_ERR_NOMEM;
                    break;
                }
            }
            last_rule = a->rule;
            last_type = type;
        }
        nfi_ann_rec r = {a->tok_start, a->tok_end - a->tok_start, index};
        memcpy(block + n++ * sizeof r, &r, sizeof r);
    }
    ptr_map_free(&pairs);
    ptr_map_free(&copies);
    if (st == NF_OK) doc->public_ann_count = live;
    return st;
}

/* After the date stage, the only reader of the engine's annotations is the
 * quote stage, and it reads the QUOTE_CUE ones (rule_cues in quotes.c) with
 * their attributes: the other attributes are freed before the public
 * annotations are recorded (keep_cue_attributes; on a big document they
 * take about as much room as the records and the annotations together),
 * and the other annotations once they are (keep_cue_annotations), before
 * the quote stage's large scratch arrays are made. */
static bool is_quote_cue(const nf_doc *doc, const nfi_ann *a)
{
    if (a->flags & NFI_ANN_REMOVED) return false;
    const char *type = nfi_ann_type(doc, a);
    return type[0] == 'Q' && !strcmp(type, "QUOTE_CUE"); /* most types differ at once */
}

static nf_status keep_cue_attributes(nf_doc *doc)
{
    size_t keep = 0;
    for (size_t i = 0; i < doc->anns.len; i++)
        if (is_quote_cue(doc, &doc->anns.items[i])) keep += doc->anns.items[i].attr_count;
    nfi_attr *kept = keep ? malloc(keep * sizeof *kept) : NULL;
    if (keep && !kept) return NF_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < doc->anns.len; i++) {
        nfi_ann *a = &doc->anns.items[i];
        if (is_quote_cue(doc, a)) {
            memcpy(kept + k, doc->attrs.items + a->attr_start, a->attr_count * sizeof *kept);
            a->attr_start = (uint32_t)k;
            k += a->attr_count;
        } else {
            a->attr_start = a->attr_count = 0;
        }
    }
    free(doc->attrs.items);
    doc->attrs.items = kept;
    doc->attrs.len = doc->attrs.cap = keep;
    return NF_OK;
}

static nf_status keep_cue_annotations(nf_doc *doc)
{
    size_t cues = 0;
    for (size_t i = 0; i < doc->anns.len; i++) cues += is_quote_cue(doc, &doc->anns.items[i]);
    nfi_ann *cue = cues ? malloc(cues * sizeof *cue) : NULL;
    if (cues && !cue) return NF_ERR_NOMEM;
    size_t c = 0;
    for (size_t i = 0; i < doc->anns.len; i++)
        if (is_quote_cue(doc, &doc->anns.items[i])) cue[c++] = doc->anns.items[i];
    free(doc->anns.items);
    doc->anns.items = cue;
    doc->anns.len = doc->anns.cap = cues;
    return NF_OK;
}

/* publish: for nf_extract, which keeps only what its document's readers
 * need: after the structure stage (their only reader) the lines go, and the
 * engine's annotations before the quote stage but for its cues. */
enum { SHRINK_MIN_BYTES = 1u << 20 };

static nf_status run_pipeline(nf_doc *doc, const nf_rules *rules, nf_workspace *ws,
                              nf_error *err, bool publish)
{
    nf_status st;
    if ((st = nfi_lines_split(doc)) != NF_OK) return st;
    if ((st = nfi_tokenize(doc, rules, ws, err)) != NF_OK) return st;
    if ((st = nfi_sentences_split(doc, rules, ws, err)) != NF_OK) return st;
    /* both arrays are done growing and outlive every stage's peak: a large
     * document gives back what their doubling left unused (on a 10 MB one
     * 1.6 MB, most of it resident when the block came from the heap) */
    if (doc->len >= SHRINK_MIN_BYTES) {
        nfi_vec_shrink(&doc->paragraphs);
        nfi_vec_shrink(&doc->sentences);
    }
    if (doc->extract_flags & NF_EXTRACT_NO_RULES) return NF_OK;
    /* the body first: the engine runs over it alone (nfi_rules_run) */
    if ((st = nfi_structure(doc, ws->structure, err)) != NF_OK) return st;
    if (publish) nfi_vec_free(&doc->lines);
    if ((st = nfi_rules_run(rules, ws, doc, err)) != NF_OK) return st;
    if ((st = nfi_entities_resolve(doc, ws->entities, ws->engine, err)) != NF_OK) return st;
    if ((st = nfi_dates_resolve(doc, ws->dates, err)) != NF_OK) return st;
    if ((st = keep_cue_attributes(doc)) != NF_OK) return st;
    if ((st = publish_annotations(doc, rules)) != NF_OK) return st;
    if (publish && (st = keep_cue_annotations(doc)) != NF_OK) return st;
    if ((st = nfi_quotes_resolve(doc, ws->quotes, err)) != NF_OK) return st;
    apply_body(doc);
    return NF_OK;
}

/* The last step of nf_extract: the engine's annotations go (the public
 * ones were recorded from them), and the token block gets the room of the
 * public tokens, which are made there on first use (nfi_doc_public_tokens):
 * a caller that reads facts and not tokens never holds them (their
 * 40 bytes a token were the largest part of an extracted document), and
 * the first use cannot run out of memory. */
static nf_status publish_tokens(nf_doc *doc)
{
    nfi_vec_free(&doc->anns);
    nfi_vec_free(&doc->attrs);
    nf_status st = nfi_tokens_reserve_public(doc);
    if (st != NF_OK) return st;
    doc->public_token_count = doc->tokens.len;
    doc->tokens_lazy = true;
    return NF_OK;
}

/* Double-checked: once made, a reader pays one acquire load. The document
 * is const to the callers (its facts do not change): only the form of its
 * tokens does, once, under the lock. */
const nf_token *nfi_doc_public_tokens(const nf_doc *cdoc)
{
    nf_doc *doc = (nf_doc *)cdoc;
    if (!doc->tokens_lazy || atomic_load_explicit(&doc->tokens_published, memory_order_acquire))
        return doc->pub_tokens.items;
    pthread_mutex_lock(&doc->publish_lock);
    if (!atomic_load_explicit(&doc->tokens_published, memory_order_relaxed) &&
        nfi_tokens_publish(doc) == NF_OK) /* cannot fail: the room is reserved */
        atomic_store_explicit(&doc->tokens_published, true, memory_order_release);
    pthread_mutex_unlock(&doc->publish_lock);
    return atomic_load_explicit(&doc->tokens_published, memory_order_acquire)
               ? doc->pub_tokens.items : NULL;
}

static nf_doc *extract(const nf_rules *rules, nf_workspace *ws, const char *text, size_t len,
                       const nf_extract_options *opts, nf_error *err, bool publish)
{
    nf_extract_options defaults;
    nfi_error_clear(err);
    if (!opts) {
        nf_extract_options_init(&defaults);
        opts = &defaults;
    }
    if (!rules || (!text && len)) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_extract: %s is NULL",
                      rules ? "text" : "rules");
        return NULL;
    }
    if (opts->version != NF_OPTIONS_VERSION) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0,
                      "nf_extract: options version %u (expected %u): call nf_extract_options_init",
                      opts->version, NF_OPTIONS_VERSION);
        return NULL;
    }
    if (ws && ws->rules != rules) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0,
                      "nf_extract: the workspace was made for other rules");
        return NULL;
    }
    if (opts->max_input_bytes && len > opts->max_input_bytes) {
        nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0,
                      "input of %zu bytes is larger than max_input_bytes (%llu)", len,
                      (unsigned long long)opts->max_input_bytes);
        return NULL;
    }
    if (len > NFI_MAX_TEXT) { /* whatever max_input_bytes says */
        nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0,
                      "input of %zu bytes is larger than the %zu bytes a document can have "
                      "(4 GiB: token offsets are 32-bit)", len, NFI_MAX_TEXT);
        return NULL;
    }
    char dct[40] = "";
    if (opts->dct && nfi_dct_normalize(opts->dct, dct, sizeof dct) != NF_OK) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0,
                      "bad dct \"%.60s\": expected YYYY-MM-DD or YYYY-MM-DDThh:mm", opts->dct);
        return NULL;
    }
    nf_doc *doc = doc_new();
    nf_workspace *tmp_ws = NULL;
    if (!doc) {
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    doc->extract_flags = opts->flags;
    doc->max_results = opts->max_results;
    doc->type_names = nfi_rules_type_names(rules);
    if (opts->doc_id) doc->id = nfi_arena_strdup(&doc->arena, opts->doc_id);
    if (dct[0]) {
        doc->dct = nfi_arena_strdup(&doc->arena, dct);
        doc->dct_source = NF_DCT_CALLER;
    }
    if (!ws) ws = tmp_ws = nf_workspace_new(rules, err);
    nf_status st = ws ? nfi_input_load(doc, text, len, opts->flags, err) : NF_ERR_NOMEM;
    if (ws && st == NF_OK) st = run_pipeline(doc, rules, ws, err, publish);
    if (st == NF_OK && publish) st = publish_tokens(doc);
    if (st == NF_OK && doc->arena.failed) st = NF_ERR_NOMEM;
    nf_workspace_free(tmp_ws);
    if (st != NF_OK) {
        if (err && err->code == NF_OK)
            nfi_error_set(err, st, "", 0, 0, "%s", nf_status_str(st));
        nf_doc_free(doc);
        return NULL;
    }
    return doc;
}

nf_doc *nf_extract(const nf_rules *rules, nf_workspace *ws, const char *text, size_t len,
                   const nf_extract_options *opts, nf_error *err)
{
    return extract(rules, ws, text, len, opts, err, true);
}

nf_doc *nfi_extract_unpublished(const nf_rules *rules, nf_workspace *ws, const char *text,
                                size_t len, const nf_extract_options *opts, nf_error *err)
{
    return extract(rules, ws, text, len, opts, err, false);
}

/* ------------------------------------------------------------ accessors */

size_t nf_doc_count(const nf_doc *doc, nf_kind kind)
{
    if (!doc) return 0;
    switch (kind) {
    case NF_KIND_TOKEN: return doc->public_token_count;
    case NF_KIND_SENTENCE: return doc->sentences.len;
    case NF_KIND_PARAGRAPH: return doc->paragraphs.len;
    case NF_KIND_ENTITY: return doc->entities.len;
    case NF_KIND_DATE: return doc->dates.len;
    case NF_KIND_QUOTE: return doc->quotes.len;
    case NF_KIND_BODY: return doc->body.len;
    case NF_KIND_WARNING: return doc->warnings.len;
    case NF_KIND_ANNOTATION: return doc->public_ann_count;
    }
    return 0;
}

size_t nf_doc_bytes(const nf_doc *doc) { return doc ? doc->len : 0; }
const char *nf_doc_id(const nf_doc *doc) { return doc ? doc->id : NULL; }
const char *nf_doc_text(const nf_doc *doc) { return doc ? doc->text : NULL; }

#define ACCESSOR(fn, type, field)                                         \
    const type *fn(const nf_doc *doc, size_t i)                          \
    {                                                                    \
        return doc && i < doc->field.len ? &doc->field.items[i] : NULL;  \
    }
ACCESSOR(nf_doc_sentence, nf_sentence, sentences)
ACCESSOR(nf_doc_paragraph, nf_paragraph, paragraphs)
ACCESSOR(nf_doc_entity, nf_entity, entities)
ACCESSOR(nf_doc_date, nf_date, dates)
ACCESSOR(nf_doc_quote, nf_quote, quotes)

/* Made from the records from the last one back: public annotation i covers
 * bytes [56i, 56i + 56) of the block, which hold only records i and after,
 * so none is overwritten before it is read. Under publish_lock: the tokens
 * (whose spans it reads) are not being made public meanwhile. */
static void make_public_annotations(nf_doc *doc)
{
    char *block = (char *)doc->pub_anns.items;
    bool public_tokens = atomic_load_explicit(&doc->tokens_published, memory_order_relaxed);
    for (size_t i = doc->public_ann_count; i-- > 0;) {
        nfi_ann_rec r;
        memcpy(&r, block + i * sizeof r, sizeof r);
        const nfi_ann_names *nm = &doc->ann_names.items[r.names];
        size_t first = r.tok_start, last = first + r.tok_count - 1;
        nf_span sp;
        if (public_tokens) {
            sp.start = doc->pub_tokens.items[first].span.start;
            sp.end = doc->pub_tokens.items[last].span.end;
        } else {
            sp.start = doc->tokens.items[first].span.start;
            sp.end = doc->tokens.items[last].span.end;
        }
        nf_annotation out = {sp, nm->type, nm->rule, nm->phase, r.tok_start, r.tok_count};
        memcpy(block + i * sizeof out, &out, sizeof out);
    }
    doc->pub_anns.len = doc->public_ann_count;
}

const nf_annotation *nfi_doc_public_annotations(const nf_doc *cdoc)
{
    nf_doc *doc = (nf_doc *)cdoc;
    if (atomic_load_explicit(&doc->anns_published, memory_order_acquire))
        return doc->pub_anns.items;
    pthread_mutex_lock(&doc->publish_lock);
    if (!atomic_load_explicit(&doc->anns_published, memory_order_relaxed)) {
        make_public_annotations(doc);
        atomic_store_explicit(&doc->anns_published, true, memory_order_release);
    }
    pthread_mutex_unlock(&doc->publish_lock);
    return doc->pub_anns.items;
}

const nf_annotation *nf_doc_annotation(const nf_doc *doc, size_t i)
{
    if (!doc || i >= doc->public_ann_count) return NULL;
    return &nfi_doc_public_annotations(doc)[i];
}

const nf_token *nf_doc_token(const nf_doc *doc, size_t i)
{
    if (!doc || i >= doc->public_token_count) return NULL;
    const nf_token *t = nfi_doc_public_tokens(doc);
    return t ? &t[i] : NULL;
}

const char *nf_doc_form(const nf_doc *doc, uint32_t id)
{
    return doc && id < doc->forms.count ? doc->forms.strs[id] : NULL;
}

nf_span nf_doc_body(const nf_doc *doc, size_t i)
{
    nf_span none = {NF_UNSET, NF_UNSET};
    return doc && i < doc->body.len ? doc->body.items[i] : none;
}

const char *nf_doc_dct(const nf_doc *doc, nf_dct_source *source)
{
    if (source) *source = doc ? doc->dct_source : NF_DCT_NONE;
    return doc ? doc->dct : NULL;
}

const nf_meta *nf_doc_meta(const nf_doc *doc) { return doc ? &doc->meta : NULL; }

const char *nf_doc_warning(const nf_doc *doc, size_t i)
{
    return doc && i < doc->warnings.len ? doc->warnings.items[i] : NULL;
}
