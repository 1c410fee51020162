/*
 * phases.c - running the phases of a rule set over a document, conflict
 * resolution, actions (emit with attributes, remove, retag), and the rule
 * examples check (nf_rules_check_examples).
 *
 * Each phase sees the tokens and the annotations of earlier phases only.
 * Its rules' matches are collected, then resolved: matches are taken in
 * the order (priority high first, longer first, earlier rule in load
 * order first, earlier start first) and a match is kept unless it
 * overlaps a kept match (rules with `overlap: true` are always kept).
 * Kept matches then apply: remove/retag act on earlier phases'
 * annotations that overlap the match, emit adds an annotation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static nf_status add_match(nfi_run *run, const nfi_match *m)
{
    nfi_found_list *f = nfi_ws_found(run->ws);
    const nfi_rule *ru = &run->r->rules.items[m->rule];
    uint32_t ncap = !ru->re && ru->prog ? 2 * ru->prog->ncaps : 0;
    if (f->caps.len + ncap > UINT32_MAX - 1) return NF_ERR_NOMEM;
    nfi_found *slot = nfi_vec_push(&f->items);
    if (!slot) return NF_ERR_NOMEM;
    slot->rule = m->rule;
    slot->start = m->start;
    slot->end = m->end;
    slot->bcap = m->bcap;
    slot->capoff = ncap ? (uint32_t)f->caps.len : NFI_NONE;
    for (uint32_t c = 0; c < ncap; c++) {
        uint32_t *cp = nfi_vec_push(&f->caps);
        if (!cp) return NF_ERR_NOMEM;
        *cp = m->caps[c];
    }
    return NF_OK;
}

/* The field of a sort key that orders x descending. */
static inline uint64_t desc32(uint32_t x) { return UINT32_MAX - x; }

/* Sorts k[0, n) by key (stable) by merging its runs that are in order
 * already, when it has at most 32: the annotations of a window are one run
 * a phase (each phase emits in start order), a phase's kept matches in the
 * order found are mostly in start order, which a sort from scratch would
 * not know. False when it has more runs (k is left as it was). */
static bool merge_runs(nfi_keyed *k, nfi_keyed *tmp, size_t n)
{
    enum { MAX_RUNS = 32 };
    size_t at[MAX_RUNS + 1], nr = 1; /* run r is [at[r], at[r + 1]) */
    at[0] = 0;
    for (size_t i = 1; i < n; i++)
        if (k[i].key < k[i - 1].key) {
            if (nr == MAX_RUNS) return false;
            at[nr++] = i;
        }
    at[nr] = n;
    nfi_keyed *from = k, *to = tmp;
    while (nr > 1) { /* runs 2r and 2r + 1 into one */
        size_t m = 0;
        for (size_t r = 0; r < nr; r += 2) {
            size_t lo = at[r], mid = at[r + 1], hi = r + 2 <= nr ? at[r + 2] : mid;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) to[o++] = from[j].key < from[i].key ? from[j++] : from[i++];
            while (i < mid) to[o++] = from[i++];
            while (j < hi) to[o++] = from[j++];
            at[m++] = lo;
        }
        at[m] = n;
        nr = m;
        nfi_keyed *t = from;
        from = to;
        to = t;
    }
    if (from != k) memcpy(k, from, n * sizeof *k);
    return true;
}

/* Bits that hold the values 0..max. */
static unsigned bits_for(uint64_t max)
{
    unsigned b = 0;
    while (b < 64 && (max >> b)) b++;
    return b;
}

nfi_sort_widths nfi_sort_widths_of(const nf_rules *r, const nfi_found *items, size_t n, size_t nt)
{
    nfi_sort_widths w;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    uint32_t maxlen = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t p = r->rules.items[items[i].rule].priority;
        if (p < lo) lo = p;
        if (p > hi) hi = p;
        if (items[i].end - items[i].start > maxlen) maxlen = items[i].end - items[i].start;
    }
    w.prio_max = n ? hi : 0;
    w.prio = n ? bits_for((uint64_t)((int64_t)hi - lo)) : 0;
    w.len = bits_for(maxlen);
    w.rule = bits_for(r->rules.len);
    w.start = bits_for(nt);
    w.found = bits_for(n);
    return w;
}

void nfi_sort_resolution(const nf_rules *r, const nfi_found *items, nfi_keyed *o, nfi_keyed *tmp,
                         size_t n, const nfi_sort_widths *w)
{
    if (w->prio + w->len + w->rule + w->start <= 64) {
        uint32_t maxlen = (uint32_t)((1ull << w->len) - 1);
        for (size_t i = 0; i < n; i++) {
            const nfi_found *m = &items[o[i].val];
            uint64_t prio = (uint64_t)((int64_t)w->prio_max - r->rules.items[m->rule].priority);
            uint64_t k = prio;
            k = k << w->len | (maxlen - (m->end - m->start));
            k = k << w->rule | m->rule;
            o[i].key = w->start ? k << w->start | m->start : k;
        }
        nfi_sort_keyed(o, tmp, n);
        return;
    }
    for (size_t i = 0; i < n; i++) o[i].key = (uint64_t)items[o[i].val].rule << 32 | items[o[i].val].start;
    nfi_sort_keyed(o, tmp, n);
    for (size_t i = 0; i < n; i++) {
        const nfi_found *m = &items[o[i].val];
        uint32_t prio = (uint32_t)((int64_t)INT32_MAX - r->rules.items[m->rule].priority);
        o[i].key = (uint64_t)prio << 32 | desc32(m->end - m->start);
    }
    nfi_sort_keyed(o, tmp, n);
}

void nfi_sort_emission(const nfi_found *items, nfi_keyed *o, nfi_keyed *tmp, size_t n,
                       const nfi_sort_widths *w)
{
    if (w->start + w->len + w->rule + w->found <= 64) {
        uint32_t maxlen = (uint32_t)((1ull << w->len) - 1);
        for (size_t i = 0; i < n; i++) {
            const nfi_found *m = &items[o[i].val];
            uint64_t k = m->start;
            k = k << w->len | (maxlen - (m->end - m->start));
            k = k << w->rule | m->rule;
            o[i].key = w->found ? k << w->found | o[i].val : k;
        }
        if (!merge_runs(o, tmp, n)) nfi_sort_keyed(o, tmp, n); /* (most come in start order) */
        return;
    }
    for (size_t i = 0; i < n; i++) o[i].key = (uint64_t)items[o[i].val].rule << 32 | o[i].val;
    nfi_sort_keyed(o, tmp, n);
    for (size_t i = 0; i < n; i++) {
        const nfi_found *m = &items[o[i].val];
        o[i].key = (uint64_t)m->start << 32 | desc32(m->end - m->start);
    }
    nfi_sort_keyed(o, tmp, n);
}

static nf_span tok_span(const nf_doc *doc, uint32_t s, uint32_t e)
{
    nf_span sp = {doc->tokens.items[s].span.start, doc->tokens.items[e - 1].span.end};
    return sp;
}

/* Value of $cap.key: first lexicon entry or annotation inside the capture
 * that carries the key. */
static bool capkey(const nfi_run *run, const nfi_rule *ru, uint32_t cap, uint32_t cs,
                   uint32_t ce, const char *key, nfi_attr *out)
{
    const nf_rules *r = run->r;
    const nfi_prog *p = ru->prog;
    const nf_doc *doc = run->doc;
    for (uint32_t q = cs; q < ce; q++) {
        for (uint32_t l = 0; l < p->cap_nlexes[cap]; l++) {
            uint32_t lens[32], ents[32];
            size_t n = nfi_lexicon_walk(r, r->lexicons.items[p->cap_lexes[cap][l]], run->tokvocab,
                                        q, ce, lens, ents, 32);
            for (size_t k = n; k-- > 0;) {
                const char *v = nfi_lex_entry_attr(r, ents[k], key);
                if (v) {
                    out->value = v;
                    out->span.start = out->span.end = NFI_NONE;
                    return true;
                }
            }
        }
        for (uint32_t a = run->ann_first[q]; a < run->ann_first[q + 1]; a++) {
            const nfi_ann *an = &doc->anns.items[run->ann_list[a]];
            if (an->tok_end > ce || (an->flags & NFI_ANN_REMOVED)) continue;
            bool want = false;
            for (uint32_t t = 0; t < p->cap_ntypes[cap]; t++)
                if (p->cap_types[cap][t] == an->type_id) want = true;
            if (!want) continue;
            const nfi_attr *at = nfi_ann_attr(doc, an, key);
            if (at) {
                out->value = at->value;
                out->span = at->span;
                return true;
            }
        }
    }
    return false;
}

static nf_status emit_ann(nfi_run *run, const nfi_found *m, nf_error *err)
{
    const uint32_t *caps = m->capoff != NFI_NONE ? nfi_ws_found(run->ws)->caps.items + m->capoff : NULL;
    const nf_rules *r = run->r;
    const nfi_rule *ru = &r->rules.items[m->rule];
    nf_doc *doc = run->doc;
    if (doc->max_results && run->ann_base + doc->anns.len >= doc->max_results)
        return nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0,
                             "rule '%s': more than max_results (%llu) annotations", ru->name,
                             (unsigned long long)doc->max_results);
    if (run->ann_base + doc->anns.len >= UINT32_MAX - 1 ||
        run->attr_base + doc->attrs.len + ru->nattrs >= UINT32_MAX)
        return nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0,
                             "rule '%s': more annotations or attributes than 32-bit indexes hold",
                             ru->name);
    uint32_t astart = (uint32_t)doc->attrs.len, acount = 0;
    for (uint32_t i = 0; i < ru->nattrs; i++) {
        const nfi_emit_attr *ea = &ru->attrs[i];
        nfi_attr at = {ea->key, NULL, {NFI_NONE, NFI_NONE}};
        bool have = false;
        if (ea->kind == NFI_ATTR_LITERAL) {
            at.value = ea->value;
            have = true;
        } else if (!ru->re) {
            if (!caps) continue;
            uint32_t cs = caps[2 * ea->cap], ce = caps[2 * ea->cap + 1];
            if (cs != NFI_NONE && ce != NFI_NONE && ce > cs) {
                if (ea->kind == NFI_ATTR_CAPTURE) {
                    at.span.start = doc->tokens.items[cs].span.start;
                    at.span.end = doc->tokens.items[ce - 1].span.end;
                    have = true;
                } else {
                    have = capkey(run, ru, ea->cap, cs, ce, ea->subkey, &at);
                    at.key = ea->key;
                }
            }
        } else {
            const size_t *bc = nfi_ws_bcaps(run->ws, m->bcap);
            size_t bs = bc[2 * ea->cap], be = bc[2 * ea->cap + 1];
            if (bs != NF_UNSET && be != NF_UNSET) {
                at.span.start = (uint32_t)bs;
                at.span.end = (uint32_t)be;
                have = true;
            }
        }
        if (!have) continue;
        nfi_attr *slot = nfi_vec_push(&doc->attrs);
        if (!slot) return NF_ERR_NOMEM;
        *slot = at;
        acount++;
    }
    nfi_ann *a = nfi_vec_push(&doc->anns);
    if (!a) return NF_ERR_NOMEM;
    a->type_id = ru->emit;
    a->rule = ru;
    a->tok_start = m->start;
    a->tok_end = m->end;
    a->attr_start = astart;
    a->attr_count = acount;
    return NF_OK;
}

const char *nfi_ann_rule_name(const nfi_ann *a) { return a->rule->name; }
int32_t nfi_ann_priority(const nfi_ann *a) { return a->rule->priority; }
const char *nfi_ann_phase_name(const nf_rules *rules, const nfi_ann *a)
{
    return rules->phases.items[a->rule->phase].name;
}

/* Remove/retag of rule ru on annotation a when it overlaps m. */
static void edit_ann(const nfi_rule *ru, const nfi_found *m, nfi_ann *a)
{
    if ((a->flags & NFI_ANN_REMOVED) || a->tok_end <= m->start || a->tok_start >= m->end) return;
    for (uint32_t k = 0; k < ru->nremove; k++)
        if (a->type_id == ru->remove[k]) a->flags |= NFI_ANN_REMOVED;
    if (a->flags & NFI_ANN_REMOVED) return;
    for (uint32_t k = 0; k < ru->nretag; k++)
        if (a->type_id == ru->retag_from[k]) {
            a->type_id = ru->retag_to[k];
            break;
        }
}

/* Each annotation's edit depends on it and the match only, so the
 * overlapping ones can come from the start-token index (annotations that
 * start at most ann_maxlen - 1 tokens before the match) instead of a scan of
 * all nold: linear in the document, not quadratic. */
static void apply_edits(nfi_run *run, const nfi_found *m, size_t nold)
{
    const nfi_rule *ru = &run->r->rules.items[m->rule];
    nf_doc *doc = run->doc;
    if (!ru->nremove && !ru->nretag) return;
    uint32_t lo = m->start >= run->ann_maxlen ? m->start - run->ann_maxlen + 1 : 0;
    if ((size_t)(m->end - lo) + (run->ann_first[m->end] - run->ann_first[lo]) < nold) {
        for (uint32_t a = run->ann_first[lo]; a < run->ann_first[m->end]; a++)
            edit_ann(ru, m, &doc->anns.items[run->ann_list[a]]);
        return;
    }
    for (size_t i = 0; i < nold; i++) edit_ann(ru, m, &doc->anns.items[i]);
}

/* Index of the visible annotations by start token, made anew: a counting
 * sort of their starts. */
static nf_status index_anns_anew(nfi_run *run)
{
    nf_doc *doc = run->doc;
    size_t nt = doc->tokens.len, na = doc->anns.len;
    uint32_t *first = nfi_ws_u32(run->ws, NFI_WS_ANN_FIRST, nt + 2);
    uint32_t *list = nfi_ws_u32(run->ws, NFI_WS_ANN_LIST, na + 1);
    if (!first || !list) return NF_ERR_NOMEM;
    memset(first, 0, (nt + 2) * sizeof *first);
    uint32_t maxlen = 1;
    for (size_t i = 0; i < na; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        if (!(a->flags & NFI_ANN_REMOVED) && a->tok_start < nt) {
            first[a->tok_start + 1]++;
            if (a->tok_end > a->tok_start + maxlen) maxlen = (uint32_t)(a->tok_end - a->tok_start);
        }
    }
    for (size_t t = 0; t < nt + 1; t++) first[t + 1] += first[t];
    /* fill using first[t] as cursor, then shift back */
    for (size_t i = 0; i < na; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        if (!(a->flags & NFI_ANN_REMOVED) && a->tok_start < nt) list[first[a->tok_start]++] = (uint32_t)i;
    }
    for (size_t t = nt + 1; t > 0; t--) first[t] = first[t - 1];
    first[0] = 0;
    run->ann_first = first;
    run->ann_list = list;
    run->ann_maxlen = maxlen;
    return NF_OK;
}

/* The index of the visible annotations by start token (run->ann_first,
 * ann_list: by start, then in the order they were made) for the next
 * phase. *indexed: how many of doc->anns the index has (NFI_NONE: none).
 * The annotations past those are the last phase's, made in start order,
 * so the index is that of before, less those removed since, merged with
 * them: no sort, and a pass over the tokens for ann_first. */
static nf_status index_anns(nfi_run *run, uint32_t *indexed)
{
    nf_doc *doc = run->doc;
    size_t nt = doc->tokens.len, na = doc->anns.len;
    if (*indexed == NFI_NONE || *indexed > na) {
        *indexed = (uint32_t)na;
        return index_anns_anew(run);
    }
    size_t old = run->ann_first[nt + 1]; /* the entries of the index before */
    uint32_t *first = nfi_ws_u32(run->ws, NFI_WS_ANN_FIRST, nt + 2);
    uint32_t *list = nfi_ws_u32(run->ws, NFI_WS_ANN_LIST, na + 1);
    if (!first || !list) return NF_ERR_NOMEM;
    const nfi_ann *an = doc->anns.items;
    size_t m = 0, added = 0;
    uint32_t maxlen = 1;
    for (size_t c = 0; c < old; c++) { /* those removed since drop out */
        const nfi_ann *a = &an[list[c]];
        if (a->flags & NFI_ANN_REMOVED) continue;
        list[m++] = list[c];
        if (a->tok_end > a->tok_start + maxlen) maxlen = a->tok_end - a->tok_start;
    }
    uint32_t last = 0;
    for (size_t i = *indexed; i < na; i++) {
        const nfi_ann *a = &an[i];
        if ((a->flags & NFI_ANN_REMOVED) || a->tok_start >= nt) continue;
        if (a->tok_start < last) { /* not in start order after all */
            *indexed = (uint32_t)na;
            return index_anns_anew(run);
        }
        last = a->tok_start;
        added++;
        if (a->tok_end > a->tok_start + maxlen) maxlen = a->tok_end - a->tok_start;
    }
    /* merged from the end: of equal starts the one made later goes later */
    size_t o = m + added, c = m, i = na;
    for (size_t k = 0; k < added; k++) {
        do i--;
        while ((an[i].flags & NFI_ANN_REMOVED) || an[i].tok_start >= nt);
        while (c && an[list[c - 1]].tok_start > an[i].tok_start) list[--o] = list[--c];
        list[--o] = (uint32_t)i;
    }
    size_t total = m + added;
    size_t t = 0; /* first[t]: the entries that start before t */
    for (c = 0; c < total; c++)
        for (uint32_t at = an[list[c]].tok_start; t <= at; t++) first[t] = (uint32_t)c;
    for (; t < nt + 2; t++) first[t] = (uint32_t)total;
    *indexed = (uint32_t)na;
    run->ann_first = first;
    run->ann_list = list;
    run->ann_maxlen = maxlen;
    return NF_OK;
}

static size_t add_list(uint32_t *cand, size_t nc, size_t cap, const uint32_t *lists,
                       uint32_t start, uint32_t count)
{
    for (uint32_t k = 0; k < count && nc < cap; k++) cand[nc++] = lists[start + k];
    return nc;
}

/* Whether instruction in of p can take token s (a necessary condition). */
static NFI_HOT_INLINE bool may_take(const nfi_run *run, const nfi_prog *p, const nfi_inst *in, uint32_t s)
{
    switch (in->op) {
    case NFI_OP_TEST: return nfi_token_test_fast(run, p, in->x, s);
    case NFI_OP_LEX: return nfi_lex_may_match(run, in->x, s);
    case NFI_OP_ANN:
        for (uint32_t a = run->ann_first[s]; a < run->ann_first[s + 1]; a++)
            if (run->doc->anns.items[run->ann_list[a]].type_id == in->x) return true;
        return false;
    default: return true;
    }
}

/* False when p cannot match at s (see fs_* in engine.h): no first
 * instruction takes token s, or only one-token tests after which every
 * match goes on and none of whose next instructions takes s + 1 (below
 * limit). Cheaper than starting the VM; each instruction's gate
 * (nfi_step_gate: feature bits, a word) before the instruction. */
static bool first_steps_ok(const nfi_run *run, const nfi_prog *p, uint32_t s, uint32_t limit)
{
    uint32_t v = run->tokvocab[s];
    uint64_t feat = run->feat[s];
    for (uint32_t i = 0; i < p->nfirst; i++) {
        const nfi_inst *in = &p->code[p->first_pcs[i]];
        if (in->op != NFI_OP_TEST) {
            if (may_take(run, p, in, s)) return true;
            continue;
        }
        const nfi_step_gate *g = &p->first_gate[i];
        if ((feat & g->fmask) != g->fwant) continue;
        if (g->word != NFI_NONE ? g->word != v : !nfi_token_test_fast(run, p, in->x, s)) continue;
        if (p->fs_ends[i]) return true;
        if (s + 1 >= limit) continue;
        uint32_t next = run->tokvocab[s + 1];
        uint64_t next_feat = run->feat[s + 1];
        for (uint32_t k = p->fs_start[i]; k < p->fs_start[i + 1]; k++) {
            g = &p->fs_gate[k];
            if ((next_feat & g->fmask) != g->fwant) continue;
            if (g->word != NFI_NONE ? g->word == next
                                    : may_take(run, p, &p->code[p->fs_pcs[k]], s + 1))
                return true;
        }
    }
    return false;
}

/* The 64-bit word of an nfi_side_gate at gate (any alignment) at byte
 * offset off. */
static inline uint64_t side_word(const unsigned char *gate, size_t off)
{
    uint64_t w;
    memcpy(&w, gate + off, sizeof w);
    return w;
}

/* Whether token t may take an instruction of the nfi_side_gate at gate,
 * read field by field so that it may be unaligned (a class list's gate in
 * the workspace's pool of 32-bit words, memo_next_may; a copy of the whole
 * gate cost more than the test). */
static NFI_HOT_INLINE bool side_may_at(const nfi_run *run, const unsigned char *gate, uint32_t t)
{
    if (run->feat[t] & side_word(gate, offsetof(nfi_side_gate, feat_any))) return true;
    uint32_t v = run->tokvocab[t];
    if (v != NFI_NONE &&
        ((side_word(gate, offsetof(nfi_side_gate, words) + ((v >> 6) & 3) * sizeof(uint64_t)) >>
          (v & 63)) & 1))
        return true;
    if (!gate[offsetof(nfi_side_gate, any_bytes)]) return false;
    unsigned b = (unsigned char)run->doc->work[run->doc->tokens.items[t].span.start];
    return (side_word(gate, offsetof(nfi_side_gate, bytes) + (b >> 6) * sizeof(uint64_t)) >>
            (b & 63)) & 1;
}

/* Whether token t may take an instruction of side (nfi_side_gate). */
static NFI_HOT_INLINE bool side_may(const nfi_run *run, const nfi_side_gate *side, uint32_t t)
{
    return side_may_at(run, (const unsigned char *)side, t);
}

/* False when first_steps_ok at s would be, by the bits of sg alone:
 * neither may token s take a first step after which a match can end nor
 * s + 1 a next step of the others. */
static NFI_HOT_INLINE bool steps_may(const nfi_run *run, const nfi_steps_gate *sg, uint32_t s)
{
    return side_may(run, &sg->start, s) ||
           (s + 1 < run->doc->tokens.len && side_may(run, &sg->next, s + 1));
}

/* The last token (exclusive) a match of rule ru starting at s may take. */
static uint32_t match_limit(const nfi_run *run, const nfi_rule *ru, uint32_t s)
{
    uint32_t limit = ru->cross_sentences ? (uint32_t)run->doc->tokens.len : run->sent_end[s];
    return limit > s + ru->max_tokens ? s + ru->max_tokens : limit;
}

/* Whether token t passes one of p's required instructions (its quick
 * checks passed). */
static bool required_at(const nfi_run *run, const nfi_prog *p, uint32_t t)
{
    bool pass = p->req_words_exact;
    for (uint32_t k = 0; k < p->req_n && !pass; k++) pass = may_take(run, p, &p->code[p->req_pcs[k]], t);
    return pass;
}

/* required_ahead for an indexed slot: its tokens that pass the quick
 * checks are listed (index_required), so only those are looked at;
 * req_scanned is the next entry of its list not known to fail. */
static bool required_indexed(const nfi_run *run, const nfi_prog *p, uint32_t s, uint32_t limit)
{
    uint32_t ri = p->req_slot, c = run->req_scanned[ri];
    const uint32_t *pos = run->req_lists[ri].items;
    uint32_t end = (uint32_t)run->req_lists[ri].len;
    while (c < end && pos[c] < s) c++;
    for (; c < end && pos[c] < limit; c++)
        if (required_at(run, p, pos[c])) {
            run->req_next[ri] = pos[c];
            run->req_scanned[ri] = c + 1;
            return true;
        }
    run->req_next[ri] = NFI_NONE;
    run->req_scanned[ri] = c;
    return false;
}

/* False when no token in [s, limit) passes one of p's required
 * instructions (p->req_pcs), so that it cannot match at s. Starts only grow
 * within a phase, so each token is looked at once per look-ahead slot (rules
 * with the same required tests share one): the next passing token and the
 * end of the looked-at range, with none passing before it but that one, are
 * kept per slot. Rules of one slot may have different limits; the state
 * holds for any. */
static bool required_ahead(const nfi_run *run, const nfi_prog *p, uint32_t s, uint32_t limit)
{
    uint32_t *next = run->req_next, *scanned = run->req_scanned, ri = p->req_slot;
    if (next[ri] != NFI_NONE && next[ri] >= s) return next[ri] < limit;
    if (run->r->req_indexed[ri]) return required_indexed(run, p, s, limit);
    for (uint32_t t = scanned[ri] > s ? scanned[ri] : s; t < limit; t++) {
        if (p->req_nwords) { /* a look-up of the token's id first */
            uint32_t v = run->tokvocab[t];
            if (!((p->req_wbits[(v >> 6) & 3] >> (v & 63)) & 1) ||
                !nfi_in_sorted(p->req_words, p->req_nwords, v))
                continue;
        } else if (p->req_lexmask && !(nfi_lexbits(run, t) & p->req_lexmask)) {
            continue;
        }
        if (required_at(run, p, t)) {
            next[ri] = t;
            scanned[ri] = t + 1;
            return true;
        }
    }
    next[ri] = NFI_NONE;
    if (limit > scanned[ri]) scanned[ri] = limit;
    return false;
}

/* False when anchored regex rule ri cannot match at token s: the literal
 * every match has (re_lit) is not in the text from s to where the next
 * sentence starts (a match past it is dropped, regex_to_match). Starts
 * only grow within a phase, so the next place the literal was found is
 * kept per rule, and each search starts past the one before: the text is
 * searched about once per rule and document. */
static bool literal_ahead(const nfi_run *run, uint32_t ri, uint32_t s)
{
    const nfi_rule *ru = &run->r->rules.items[ri];
    const nf_doc *doc = run->doc;
    size_t from = doc->tokens.items[s].span.start, nt = doc->tokens.len;
    uint32_t *next = &run->lit_next[ri];
    if (*next == 0 || (*next != NFI_NONE && *next - 1 < from)) {
        int rc = nfi_re_match(ru->re_lit, doc->work, doc->len, from, run->ws_md, run->r->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) *next = NFI_NONE;
        else if (rc < 0) return true; /* not known: the regex decides */
        else *next = (uint32_t)pcre2_get_ovector_pointer(run->ws_md)[0] + 1;
    }
    if (*next == NFI_NONE) return false;
    size_t end = ru->cross_sentences || run->sent_end[s] >= nt
                     ? doc->len : doc->tokens.items[run->sent_end[s]].span.start;
    return (size_t)*next - 1 + ru->re_lit_len <= end;
}

/* Group g's test at token s past its feature bits (checked by the caller). */
static bool group_test_rest(const nfi_run *run, const nfi_phase *P, uint32_t g, uint32_t s)
{
    const nfi_prog *p = run->r->rules.items[P->grp_rule[g]].prog;
    uint32_t t = P->grp_test[g];
    return p->ct && p->ct[t].ok ? nfi_ctest_after_feat(run, p, &p->ct[t], t, s)
                                : nfi_token_test(run, p, t, s);
}

/* Whether token s passes group g's first test: feature bits, first byte,
 * then the rest of the test. */
static NFI_HOT_INLINE bool group_passes(const nfi_run *run, const nfi_phase *P, uint32_t g, uint32_t s)
{
    if ((run->feat[s] & P->grp_fmask[g]) != P->grp_fwant[g]) return false;
    if (P->grp_first[g]) { /* the first bytes its regex part can start with */
        unsigned fb = (unsigned char)run->doc->work[run->doc->tokens.items[s].span.start];
        if (!((P->grp_first[g][fb >> 3] >> (fb & 7)) & 1)) return false;
    }
    return group_test_rest(run, P, g, s);
}

/* Rules of entries (sorted by offset, word) whose word is at s + offset;
 * bits: the entries' words (nfi_phase.grp_pf_bits). */
static size_t add_pf(const nfi_run *run, uint32_t *cand, size_t nc, size_t cap,
                     const nfi_pfkey *pf, uint32_t n, const uint64_t bits[4], uint32_t s)
{
    size_t nt = run->doc->tokens.len;
    for (uint32_t i = 0; i < n;) {
        uint32_t off = pf[i].off, j = i;
        if (pf[n - 1].off == off) j = n; /* the last offset (most groups have one) */
        else
            while (j < n && pf[j].off == off) j++; /* [i, j): one offset */
        uint32_t want = (size_t)s + off < nt ? run->tokvocab[s + off] : NFI_NONE;
        if (want != NFI_NONE && ((bits[(want >> 6) & 3] >> (want & 63)) & 1)) {
            uint32_t lo = i, hi = j;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (pf[mid].key < want) lo = mid + 1;
                else hi = mid;
            }
            for (; lo < j && pf[lo].key == want && nc < cap; lo++) cand[nc++] = pf[lo].rule;
        }
        i = j;
    }
    return nc;
}

/* False when the prefilter members of group g (it has some) add nothing at
 * token s, in their common case: they have one offset (most groups), and
 * the word there is none of theirs (most tokens). */
static NFI_HOT_INLINE bool group_pf_may_add(const nfi_run *run, const nfi_phase *P, uint32_t g,
                                            uint32_t s)
{
    const nfi_pfkey *pf = P->pf + P->grp_pf_start[g];
    if (pf[0].off != pf[P->grp_pf_count[g] - 1].off) return true;
    size_t at = (size_t)s + pf[0].off;
    uint32_t w = at < run->doc->tokens.len ? run->tokvocab[at] : NFI_NONE;
    const uint64_t *bits = P->grp_pf_bits[g];
    return w != NFI_NONE && ((bits[(w >> 6) & 3] >> (w & 63)) & 1);
}

/* add_pf for the prefilter members of group g (it has some) at token s. */
static NFI_HOT_INLINE size_t add_group_pf(const nfi_run *run, const nfi_phase *P, uint32_t g,
                                          uint32_t s, uint32_t *cand, size_t nc, size_t ccap)
{
    if (!group_pf_may_add(run, P, g, s)) return nc;
    return add_pf(run, cand, nc, ccap, P->pf + P->grp_pf_start[g], P->grp_pf_count[g],
                  P->grp_pf_bits[g], s);
}

/* The groups of pfgroups (bits, as local_candidates gives them) whose
 * prefilter members may add candidates at token s (group_pf_may_add). */
static NFI_HOT_INLINE uint32_t pf_groups_at(const nfi_run *run, const nfi_phase *P, uint32_t pfgroups,
                                            uint32_t s)
{
    uint32_t keep = 0;
    for (uint32_t gb = pfgroups; gb; gb &= gb - 1) {
        uint32_t g = (uint32_t)__builtin_ctz(gb);
        if (group_pf_may_add(run, P, g, s)) keep |= 1u << g;
    }
    return keep;
}

/* The rules of group g, which token s passed, as candidates: its list,
 * and those of its members with a prefilter word whose word is there. */
static NFI_HOT_INLINE size_t add_group(const nfi_run *run, const nfi_phase *P, uint32_t g, uint32_t s,
                        uint32_t *cand, size_t nc, size_t ccap)
{
    nc = add_list(cand, nc, ccap, P->lists, P->grp_start[g], P->grp_count[g]);
    if (P->grp_pf_count[g]) nc = add_group_pf(run, P, g, s, cand, nc, ccap);
    return nc;
}

/* The lexicons (< 64) token t starts an entry of; all of them when its
 * word has no vocab mask (the full test decides). */
static inline uint64_t lex_start_bits(const nfi_run *run, uint32_t t)
{
    uint32_t v = run->tokvocab[t];
    if (v == NFI_NONE) return 0;
    return v < run->r->nvmask ? run->r->vocab_starts[v] : ~0ull;
}

/* Appends token t to the list of slot once (last: per slot, the last
 * token appended). */
static inline bool add_hit(nfi_run *run, uint32_t *last, uint32_t slot, uint32_t t)
{
    if (last[slot] == t) return true;
    last[slot] = t;
    uint32_t *at = nfi_vec_push(&run->req_lists[slot]);
    if (!at) return false;
    *at = t;
    if (run->hits_seen < NFI_HITS_SEEN) run->hits[run->hits_seen] = slot;
    run->hits_seen++;
    return true;
}

/* Appends token t to the list of each indexed look-ahead slot whose quick
 * checks it passes (engine.h, nf_rules.reqw_*, reqc). */
static bool token_hits(nfi_run *run, uint32_t *last, uint32_t t)
{
    const nf_rules *r = run->r;
    uint32_t v = run->tokvocab[t];
    if (v != NFI_NONE && ((r->reqw_bits[(v >> 6) & 63] >> (v & 63)) & 1)) {
        uint32_t m = r->reqw_nkeys - 1;
        for (uint32_t h = (v * 2654435761u) & m; r->reqw_keys[h]; h = (h + 1) & m)
            if (r->reqw_keys[h] == v + 1) {
                for (uint32_t k = 0; k < r->reqw_count[h]; k++)
                    if (!add_hit(run, last, r->reqw_slots[r->reqw_start[h] + k], t)) return false;
                break;
            }
    }
    const struct nfi_req_check *c = r->reqc;
    const uint32_t *from = r->reqc_from;
    uint64_t single = r->reqc_single ? nfi_lexbits(run, t) & r->reqc_single : 0;
    for (uint32_t k = from[NFI_REQC_SINGLE]; single && k < from[NFI_REQC_SINGLE + 1]; k++)
        if ((single & c[k].mask) && !add_hit(run, last, c[k].slot, t)) return false;
    uint64_t starts = r->reqc_starts ? lex_start_bits(run, t) & r->reqc_starts : 0;
    for (uint32_t k = from[NFI_REQC_STARTS]; starts && k < from[NFI_REQC_STARTS + 1]; k++)
        if ((starts & c[k].mask) && !add_hit(run, last, c[k].slot, t)) return false;
    uint64_t feat = run->feat[t];
    if (!(feat & r->reqc_feat_any)) return true; /* lacks a bit each feature check wants */
    for (uint32_t k = from[NFI_REQC_FEAT]; k < from[NFI_REQC_FEAT + 1]; k++)
        if ((feat & c[k].mask) == c[k].want && !add_hit(run, last, c[k].slot, t)) return false;
    return true;
}

/* token_hits by token t's class: its slots are kept the first time, as
 * what they depend on (the word, its lexicon and feature bits) is the
 * class's; most classes have none. */
static bool class_hits(nfi_run *run, uint32_t *last, uint32_t t)
{
    uint32_t c = run->tokclass[t];
    if (c == NFI_NONE) return token_hits(run, last, t);
    uint32_t h = run->class_hits[c];
    if (h == NFI_HITS_NONE) return true;
    if (h >= NFI_HITS_LIST) {
        const uint32_t *list = nfi_ws_hits_pool(run->ws) + (h - NFI_HITS_LIST);
        for (uint32_t k = 1; k <= list[0]; k++)
            if (!add_hit(run, last, list[k], t)) return false;
        return true;
    }
    run->hits_seen = 0;
    if (!token_hits(run, last, t)) return false;
    if (run->hits_seen <= NFI_HITS_SEEN)
        run->class_hits[c] = nfi_ws_hits_add(run->ws, run->hits, run->hits_seen);
    return true;
}

/* Lists, per indexed look-ahead slot, the tokens that pass its quick
 * checks (run->req_lists), in one pass over the tokens for all the slots
 * where a scan per slot looked at each token once per slot. Starts each
 * indexed slot's req_scanned at its list's first entry. */
static nf_status index_required(nfi_run *run)
{
    size_t nslots = run->r->nreq_slots + 1, nt = run->doc->tokens.len;
    if (!(run->req_lists = nfi_ws_req_lists(run->ws, nslots))) return NF_ERR_INVALID;
    for (size_t k = 0; k < nslots; k++) run->req_lists[k].len = 0;
    uint32_t *last = run->req_next;
    memset(last, 0xff, nslots * sizeof *last);
    for (uint32_t t = 0; t < nt; t++)
        if (!class_hits(run, last, t)) return NF_ERR_NOMEM;
    memset(last, 0xff, nslots * sizeof *last); /* req_next: none known */
    memset(run->req_scanned, 0, nslots * sizeof *run->req_scanned);
    return NF_OK;
}

/* ------------------------------------------------------------ candidates
 * The rules tried at a token come from the phase's indexes (its word, the
 * lexicons it may start an entry of, the annotations there, the groups whose
 * first test it passes). What the token's text and context decide of that
 * (local_candidates) is worked out once per token class and kept in the
 * workspace (class_candidates); the rest (context_candidates) depends on the
 * tokens around and is looked at at each token. */

/* Lexicons (by index in lex_ids) and groups a class's list covers; those
 * past it are looked at at each token. */
#define NFI_MEMO_BITS 32
/* local_candidates: the groups are not known yet */
#define NFI_GROUPS_UNKNOWN (1ull << 63)

/* The candidates of token s that its text and context decide: its word's
 * rules, those of the lexicons it is a one-token entry of, and those of
 * the groups whose first test it passes (among the first NFI_MEMO_BITS
 * lexicons and groups). *lexcont gets the lexicons that need a look at the
 * next token (it begins longer entries, or the lexicon is past the vocab
 * bits), *pfgroups the groups it passed that have prefilter members.
 * *groups: the groups it passes as bits, tested here when it holds
 * NFI_GROUPS_UNKNOWN. Rules may repeat. */
static size_t local_candidates(const nfi_run *run, const nfi_phase *P, uint32_t s, uint32_t *cand,
                               size_t ccap, uint32_t *lexcont, uint32_t *pfgroups, uint64_t *groups)
{
    const nf_rules *r = run->r;
    size_t nc = 0;
    uint32_t v = run->tokvocab[s];
    *lexcont = *pfgroups = 0;
    if (v != NFI_NONE && P->word_slots) {
        uint32_t mask = P->word_slots - 1;
        for (uint32_t h = (v * 2654435761u) & mask; P->word_keys[h]; h = (h + 1) & mask)
            if (P->word_keys[h] == v + 1) {
                nc = add_list(cand, nc, ccap, P->lists, P->word_start[h], P->word_count[h]);
                break;
            }
    }
    uint64_t mk = v < r->nvmask ? r->vocab_starts[v] : 0; /* lexicons it starts */
    bool lex_maybe = v != NFI_NONE && (P->lex_mask == ~0ull || (mk & P->lex_mask) || v >= r->nvmask);
    uint32_t nlex = P->nlex < NFI_MEMO_BITS ? P->nlex : NFI_MEMO_BITS;
    for (uint32_t l = 0; l < nlex && lex_maybe; l++) {
        uint32_t lid = P->lex_ids[l];
        if (lid >= 64) *lexcont |= 1u << l; /* nfi_lex_may_match at the token */
        else if (!((mk >> lid) & 1)) continue;
        else if ((r->vocab_single[v] >> lid) & 1)
            nc = add_list(cand, nc, ccap, P->lists, P->lex_start[l], P->lex_count[l]);
        else *lexcont |= 1u << l; /* a longer entry: is the next token its second word? */
    }
    nc = add_list(cand, nc, ccap, P->any_rules, 0, P->nany);
    uint32_t ngroups = P->ngroups < NFI_MEMO_BITS ? P->ngroups : NFI_MEMO_BITS;
    if (*groups & NFI_GROUPS_UNKNOWN) {
        *groups = 0;
        for (uint32_t g = 0; g < ngroups; g++)
            if (group_passes(run, P, g, s)) *groups |= 1ull << g;
    }
    for (uint64_t gb = *groups; gb; gb &= gb - 1) {
        uint32_t g = (uint32_t)__builtin_ctzll(gb);
        nc = add_list(cand, nc, ccap, P->lists, P->grp_start[g], P->grp_count[g]);
        if (P->grp_pf_count[g]) *pfgroups |= 1u << g;
    }
    return nc;
}

/* Appends to cand[0, nc) the candidates of token s that depend on the
 * tokens after it or on the annotations at it: the lexicons of lexcont and
 * those past NFI_MEMO_BITS, the annotation types, the prefilter members of
 * the groups of pfgroups and the groups past NFI_MEMO_BITS. */
static size_t context_candidates(const nfi_run *run, const nfi_phase *P, uint32_t s, uint32_t lexcont,
                                 uint32_t pfgroups, uint32_t *cand, size_t nc, size_t ccap)
{
    const nf_rules *r = run->r;
    for (; lexcont; lexcont &= lexcont - 1) {
        uint32_t l = (uint32_t)__builtin_ctz(lexcont), lid = P->lex_ids[l];
        if (lid < 64 ? nfi_lex_continues(run, lid, s) : nfi_lex_may_match(run, lid, s))
            nc = add_list(cand, nc, ccap, P->lists, P->lex_start[l], P->lex_count[l]);
    }
    uint32_t v = run->tokvocab[s];
    uint64_t mk = v < r->nvmask ? r->vocab_starts[v] : 0;
    bool lex_maybe = P->nlex > NFI_MEMO_BITS && v != NFI_NONE &&
                     (P->lex_mask == ~0ull || (mk & P->lex_mask) || v >= r->nvmask);
    for (uint32_t l = NFI_MEMO_BITS; l < P->nlex && lex_maybe; l++) {
        uint32_t lid = P->lex_ids[l];
        bool starts = lid < 64 ? ((mk >> lid) & 1) != 0 && ((r->vocab_single[v] >> lid) & 1 ||
                                                            nfi_lex_continues(run, lid, s))
                               : nfi_lex_may_match(run, lid, s);
        if (starts) nc = add_list(cand, nc, ccap, P->lists, P->lex_start[l], P->lex_count[l]);
    }
    if (P->ntypes)
        for (uint32_t a = run->ann_first[s]; a < run->ann_first[s + 1]; a++) {
            uint32_t ty = run->doc->anns.items[run->ann_list[a]].type_id;
            for (uint32_t k = 0; k < P->ntypes; k++)
                if (P->type_ids[k] == ty)
                    nc = add_list(cand, nc, ccap, P->lists, P->type_start[k], P->type_count[k]);
        }
    for (; pfgroups; pfgroups &= pfgroups - 1) { /* (those that may add, pf_groups_at) */
        uint32_t g = (uint32_t)__builtin_ctz(pfgroups);
        nc = add_pf(run, cand, nc, ccap, P->pf + P->grp_pf_start[g], P->grp_pf_count[g],
                    P->grp_pf_bits[g], s);
    }
    for (uint32_t g = NFI_MEMO_BITS; g < P->ngroups; g++)
        if (group_passes(run, P, g, s)) nc = add_group(run, P, g, s, cand, nc, ccap);
    return nc;
}

/* Whether only token s + 1 can let rule ri match at a token of s's class
 * (whose text and context decide side_may at it), and then adds what that
 * token needs to next: a prefilter word at offset 1, or the next steps of
 * a rule none of whose first steps after which a match can end takes the
 * class's tokens. */
static bool next_gated(const nfi_run *run, uint32_t ri, uint32_t s, nfi_side_gate *next)
{
    const nfi_rule_gate *g = &run->r->gates[ri];
    if (g->pf_n && g->pf_off == 1) {
        for (uint32_t k = 0; k < g->pf_n; k++)
            if (g->pf_keys[k] == NFI_NONE) return false; /* (a token without a word) */
        for (uint32_t k = 0; k < g->pf_n; k++) nfi_side_add_word(next, g->pf_keys[k]);
        return true;
    }
    if (!g->more || !g->steps || side_may(run, &g->steps->start, s)) return false;
    nfi_side_merge(next, &g->steps->next);
    return true;
}

/* Moves the rules of a class list (rules[0, n), room for 2n, then
 * NFI_MEMO_GATE words past them) that only the next token can let match
 * (next_gated at token s of the class) to its end, in order, with what
 * that token needs for one of them after the list; returns how many. The
 * token loop skips them all at a token whose next one has none of it. */
static NFI_NOINLINE uint32_t next_gated_last(const nfi_run *run, uint32_t s, uint32_t *rules, size_t n)
{
    nfi_side_gate next;
    memset(&next, 0, sizeof next);
    uint32_t *later = rules + n;
    size_t now = 0, nlater = 0;
    for (size_t i = 0; i < n; i++) {
        if (next_gated(run, rules[i], s, &next)) later[nlater++] = rules[i];
        else rules[now++] = rules[i];
    }
    memmove(rules + now, later, nlater * sizeof *rules);
    if (nlater) memcpy(rules + n, &next, sizeof next);
    return (uint32_t)nlater;
}

/* Whether the token after s may let one of the rules that only it can let
 * match (the last list[3] of class list list) match. */
static NFI_HOT_INLINE bool memo_next_may(const nfi_run *run, const uint32_t *list, uint32_t s)
{
    uint32_t t = s + 1;
    if (t >= run->doc->tokens.len) return false;
    /* the gate after the list (nfi_side_gate, maybe not 8-byte aligned) */
    return side_may_at(run, (const unsigned char *)(list + NFI_MEMO_HEAD + list[0]), t);
}

/* Makes the list of token s's class for phase ph in cand (room ccap) from
 * the groups it passes: local_candidates, each rule once (seen[rule] ==
 * s + 1 marks those taken); stores it in the workspace's pool. Returns
 * where + 1, or NFI_NONE when it cannot be kept (the tokens of the class
 * then go without). */
static uint32_t make_class_list(nfi_run *run, const nfi_phase *P, uint32_t s, uint32_t *cand,
                                size_t ccap, uint32_t *seen, uint64_t groups)
{
    uint32_t *rules = cand + NFI_MEMO_HEAD;
    size_t n = local_candidates(run, P, s, rules, ccap - NFI_MEMO_HEAD, &cand[1], &cand[2], &groups);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (seen[rules[i]] != s + 1) {
            seen[rules[i]] = s + 1;
            rules[kept++] = rules[i];
        }
    cand[0] = (uint32_t)kept;
    /* (next_gated_last: room for 2 kept, then for kept and the gate) */
    size_t room = NFI_MEMO_HEAD + kept + (kept > NFI_MEMO_GATE ? kept : NFI_MEMO_GATE);
    cand[3] = room <= ccap ? next_gated_last(run, s, rules, kept) : 0;
    uint32_t at = nfi_ws_memo_add(run->ws, cand);
    run->memo_pool = nfi_ws_memo_pool(run->ws);
    return at ? at : NFI_NONE;
}

/* A class's word of run->class_memo for a phase: 0 until its first token,
 * then NFI_MEMO_ONCE with the groups it passes (local_candidates) until its
 * second, then where its list is + 1, or NFI_NONE when it could not be
 * kept. Most classes of a document seen once have one token, so their list
 * is not worth making. NFI_MEMO_EMPTY from the first token on when it has no
 * candidates of its own (most classes in most phases): the token loop then
 * skips its tokens unless their context adds some. */
#define NFI_MEMO_ONCE (1ull << 62)
#define NFI_MEMO_EMPTY (1ull << 61)

/* Token s's class's candidate list for phase ph (NFI_MEMO_HEAD words, then
 * the rules), made in cand if need be; NULL when there is none (the token
 * has no class, it is the first of its class, or the list could not be
 * kept); *first is then its class's word when the token is the first of
 * the class (else NULL). */
static const uint32_t *class_candidates(nfi_run *run, const nfi_phase *P, uint32_t ph, uint32_t s,
                                        uint32_t *cand, size_t ccap, uint32_t *seen,
                                        uint64_t **first)
{
    static const uint32_t no_candidates[NFI_MEMO_HEAD];
    uint32_t c = run->tokclass[s];
    *first = NULL;
    if (c == NFI_NONE) return NULL;
    uint64_t *at = &run->class_memo[(size_t)c * run->r->phases.len + ph];
    if (*at == NFI_MEMO_EMPTY) return no_candidates;
    if (!*at || *at == NFI_NONE) {
        if (!*at) *first = at; /* the caller keeps the groups there */
        return NULL;
    }
    if (*at & NFI_MEMO_ONCE) *at = make_class_list(run, P, s, cand, ccap, seen, *at & ~NFI_MEMO_ONCE);
    return *at == NFI_NONE ? NULL : run->memo_pool + *at - 1;
}

/* The first token from s on (nt when none) that may have candidates in a
 * phase whose candidates all come from class lists and annotations: one
 * whose class's list (memo, a word every nph) is not known empty, or where
 * an annotation starts (when the phase has rules keyed by types). A loop
 * of its own for each case: the skipped tokens are most of all. */
static uint32_t next_busy_token(const nfi_run *run, const uint64_t *memo, size_t nph, bool types,
                                uint32_t s, uint32_t nt)
{
    const uint32_t *tokclass = run->tokclass, *ann_first = run->ann_first;
    if (types) {
        for (; s < nt; s++) {
            uint32_t c = tokclass[s];
            if (c == NFI_NONE || memo[(size_t)c * nph] != NFI_MEMO_EMPTY) return s;
            if (ann_first[s] < ann_first[s + 1]) return s;
        }
        return nt;
    }
    for (; s < nt; s++) {
        uint32_t c = tokclass[s];
        if (c == NFI_NONE || memo[(size_t)c * nph] != NFI_MEMO_EMPTY) return s;
    }
    return nt;
}

/* Runs the matcher for rule ri at token s and adds the match (for a regex
 * rule, its prefilters, its anchor's match, then the regex). */
static nf_status match_rule(nfi_run *run, uint32_t ri, uint32_t s)
{
    nfi_match m;
    bool regex = run->r->rules.items[ri].re != NULL;
    if (regex && !nfi_regex_may_start(run, ri, s)) return NF_OK;
    if (!nfi_match_at(run, ri, s, &m)) return NF_OK;
    if (regex) { /* m matched the anchor: now the regex */
        bool ok;
        nf_status st = nfi_match_regex_at(run, ri, s, &m, &ok);
        if (st != NF_OK || !ok) return st;
    }
    return add_match(run, &m);
}

/* Tries rule ri at token s: the checks that rule it out cheaply, then the
 * matcher; adds the match. */
static nf_status try_rule(nfi_run *run, uint32_t ri, uint32_t s)
{
    const nf_rules *r = run->r;
    const nfi_rule_gate *g = &r->gates[ri];
    if (g->pf_n) { /* a word every match has at a fixed offset */
        size_t at = s + g->pf_off;
        if (at >= run->doc->tokens.len) return NF_OK;
        uint32_t tv = run->tokvocab[at];
        if (!((g->pf_bits >> (tv & 63)) & 1)) return NF_OK;
        bool ok = false;
        for (uint32_t k = 0; k < g->pf_n && !ok; k++) ok = g->pf_keys[k] == tv;
        if (!ok) return NF_OK;
    }
    if (!g->more) return match_rule(run, ri, s);
    if (g->steps && !steps_may(run, g->steps, s)) return NF_OK;
    const nfi_rule *ru = &r->rules.items[ri];
    const nfi_prog *pg = ru->prog;
    if (ru->re_lit && !literal_ahead(run, ri, s)) return NF_OK;
    if (pg->any_first || pg->fs_check || pg->req_n) {
        uint32_t limit = match_limit(run, ru, s);
        if (pg->req_n && !required_ahead(run, pg, s, limit)) return NF_OK;
        if ((pg->any_first || pg->fs_check) && !first_steps_ok(run, pg, s, limit)) return NF_OK;
    }
    return match_rule(run, ri, s);
}

/* Whether the token after required token h may take a next instruction
 * or the second word of a required lexicon entry (nfi_req_next_gate). */
static bool next_may_follow(const nfi_run *run, const nfi_req_next_gate *g, uint32_t h)
{
    if (h + 1 >= run->doc->tokens.len) return false;
    if (side_may(run, &g->side, h + 1)) return true;
    for (uint64_t l = g->next_lexes; l; l &= l - 1)
        if (nfi_lex_starts(run, (uint32_t)__builtin_ctzll(l), h + 1)) return true;
    for (uint64_t l = g->req_lexes; l; l &= l - 1)
        if (nfi_lex_continues(run, (uint32_t)__builtin_ctzll(l), h)) return true;
    return false;
}

/* Tries hit rule ri (nfi_phase.hit_rules) at the starts from which a match
 * can reach one of its required tokens: for a token h of its look-ahead
 * slot's list that passes a required instruction, the starts from h -
 * req_max to h - req_min in h's sentence (unless the rule crosses
 * sentences) and within max_tokens of h. Every match runs a required
 * instruction req_min to req_max tokens after its start, at a token that
 * passes it, so no other start can match (req_max grows by ann_maxlen - 1
 * for each annotation on the way); each start is tried once, in
 * order. */
static nf_status run_hit_rule(nfi_run *run, uint32_t ri)
{
    const nfi_rule *ru = &run->r->rules.items[ri];
    const nfi_prog *pg = ru->prog;
    const nfi_u32vec *hits = &run->req_lists[pg->req_slot];
    uint32_t back = ru->max_tokens - 1; /* the furthest start before h */
    if (pg->req_max < back) {
        uint64_t reach = pg->req_max + (uint64_t)pg->req_anns * (run->ann_maxlen - 1);
        if (reach < back) back = (uint32_t)reach;
    }
    /* a match runs a required instruction at one of the hits and takes
     * the token after it: a hit whose next token none of its next
     * instructions can take is no match's */
    const nfi_req_next_gate *req_next = run->r->gates[ri].req_next;
    uint32_t next = 0; /* the first start not tried yet */
    for (size_t c = 0; c < hits->len; c++) {
        uint32_t h = hits->items[c];
        if (h < pg->req_min || h - pg->req_min < next) continue;
        uint32_t last = h - pg->req_min, s = h >= back ? h - back : 0;
        if (s < next) s = next;
        if (!required_at(run, pg, h)) continue;
        if (req_next && !next_may_follow(run, req_next, h)) continue;
        next = last + 1;
        if (!ru->cross_sentences)
            while (s <= last && run->sent_end[s] <= h) s++; /* in an earlier sentence */
        for (; s <= last; s++) { /* (a rule keyed by annotations has its first test here too) */
            if (!first_steps_ok(run, pg, s, match_limit(run, ru, s))) continue;
            nf_status st = match_rule(run, ri, s);
            if (st != NF_OK) return st;
        }
    }
    return NF_OK;
}

/* Sets keep[i] for each of the nm matches items (in found order) that
 * resolution keeps: taken in resolution order, a match is kept unless it
 * overlaps one kept before (one of a rule with overlap: true always is,
 * and takes no tokens). A match that no other one overlaps is kept
 * whatever the order, so only the others (most often few) are sorted. o,
 * tmp: room for nm; occ: a byte a token, 0. */
static void resolve(const nf_rules *r, const nfi_found *items, size_t nm, nfi_keyed *o,
                    nfi_keyed *tmp, uint8_t *occ, uint8_t *keep, const nfi_sort_widths *w)
{
    for (size_t i = 0; i < nm; i++) /* matches on each token: 0, 1, 2 or more */
        for (uint32_t t = items[i].start; t < items[i].end; t++)
            if (occ[t] < 2) occ[t]++;
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        bool alone = true;
        for (uint32_t t = items[i].start; t < items[i].end && alone; t++) alone = occ[t] == 1;
        keep[i] = alone;
        if (!alone) o[n++].val = (uint32_t)i;
    }
    for (size_t i = 0; i < n; i++) /* now: taken by a kept match (no other covers them) */
        for (uint32_t t = items[o[i].val].start; t < items[o[i].val].end; t++) occ[t] = 0;
    nfi_sort_resolution(r, items, o, tmp, n, w);
    for (size_t i = 0; i < n; i++) {
        const nfi_found *m = &items[o[i].val];
        if (!r->rules.items[m->rule].overlap) {
            bool clash = false;
            for (uint32_t t = m->start; t < m->end && !clash; t++) clash = occ[t] != 0;
            if (clash) continue;
            for (uint32_t t = m->start; t < m->end; t++) occ[t] = 1;
        }
        keep[o[i].val] = 1;
    }
}

static nf_status run_phase(nfi_run *run, uint32_t ph, uint32_t *indexed, nf_error *err)
{
    const nf_rules *r = run->r;
    const nfi_phase *P = &r->phases.items[ph];
    nf_doc *doc = run->doc;
    nfi_found_list *fl = nfi_ws_found(run->ws);
    fl->items.len = fl->caps.len = 0;
    nf_status st = index_anns(run, indexed);
    if (st != NF_OK) return st;
    for (uint32_t i = 0; i < P->nregex; i++)
        if ((st = nfi_match_regex(run, P->regex_rules[i], add_match)) != NF_OK) return st;
    size_t nt = doc->tokens.len;
    size_t ccap = 4 * (r->rules.len + 1);
    uint32_t *cand = nfi_ws_u32(run->ws, NFI_WS_CAND, ccap);
    uint32_t *seen = nfi_ws_u32(run->ws, NFI_WS_SEEN, r->rules.len + 1);
    if (!cand || !seen) return NF_ERR_NOMEM;
    memset(seen, 0, (r->rules.len + 1) * sizeof *seen);
    bool have_token_rules = P->word_slots || P->nlex || P->ntypes || P->nany || P->ngroups;
    /* candidates past what a class's list covers, at every token */
    bool past_list = P->nlex > NFI_MEMO_BITS || P->ngroups > NFI_MEMO_BITS;
    /* the phase's word of class 0; NULL when no token has a class (a window
       of long words only), and then never read: every token's class is
       NFI_NONE */
    const uint64_t *memo = run->class_memo ? run->class_memo + ph : NULL;
    size_t nph = r->phases.len;
    for (uint32_t s = 0; have_token_rules; s++) {
        if (!past_list) s = next_busy_token(run, memo, nph, P->ntypes != 0, s, (uint32_t)nt);
        if (s >= nt) break;
        uint32_t lexcont, pfgroups;
        uint64_t *first;
        const uint32_t *list = class_candidates(run, P, ph, s, cand, ccap, seen, &first);
        size_t n;
        bool unique = list != NULL; /* a class's list has each rule once */
        if (list) {
            n = list[0];
            lexcont = list[1];
            pfgroups = list[2];
            if (list[3] && !memo_next_may(run, list, s)) n -= list[3];
            list += NFI_MEMO_HEAD;
        } else {
            uint64_t groups = NFI_GROUPS_UNKNOWN;
            n = local_candidates(run, P, s, cand, ccap, &lexcont, &pfgroups, &groups);
            if (first) *first = n || lexcont || pfgroups ? NFI_MEMO_ONCE | groups : NFI_MEMO_EMPTY;
            list = cand;
        }
        size_t nall = n;
        if (pfgroups) pfgroups = pf_groups_at(run, P, pfgroups, s);
        if (lexcont || pfgroups || past_list ||
            (P->ntypes && run->ann_first[s] < run->ann_first[s + 1])) {
            if (list == cand) {
                nall = context_candidates(run, P, s, lexcont, pfgroups, cand, n, ccap);
            } else { /* the class's list, then those of the context (most often none) */
                size_t extra = context_candidates(run, P, s, lexcont, pfgroups, cand, 0, ccap - n);
                if (extra) {
                    memmove(cand + n, cand, extra * sizeof *cand);
                    memcpy(cand, list, n * sizeof *cand);
                    nall = n + extra;
                    list = cand;
                }
            }
        }
        bool more = nall > n;
        for (size_t i = 0; i < nall; i++) {
            if (!unique || i >= n) { /* the list and the rest: each rule once */
                if (seen[list[i]] == s + 1) continue;
                seen[list[i]] = s + 1;
            } else if (more) {
                seen[list[i]] = s + 1;
            }
            if ((st = try_rule(run, list[i], s)) != NF_OK) return st;
        }
    }
    for (uint32_t k = 0; k < P->nhit; k++)
        if ((st = run_hit_rule(run, P->hit_rules[k])) != NF_OK) return st;
    /* resolve */
    size_t nm = fl->items.len;
    if (!nm) return NF_OK;
    nfi_keyed *o = malloc(2 * nm * sizeof *o + nm), *tmp = o + nm;
    /* a byte a token (a quarter of the room) */
    uint8_t *occ = (uint8_t *)nfi_ws_u32(run->ws, NFI_WS_STAMP, nt / 4 + 1);
    if (!o || !occ) {
        free(o);
        return NF_ERR_NOMEM;
    }
    memset(occ, 0, (nt + 1) * sizeof *occ);
    uint8_t *keep = (uint8_t *)(tmp + nm);
    nfi_sort_widths w = nfi_sort_widths_of(r, fl->items.items, nm, nt);
    resolve(r, fl->items.items, nm, o, tmp, occ, keep, &w);
    /* the kept ones in found order, which is mostly start order: the
     * emission sort then merges a few runs */
    size_t kept = 0;
    for (size_t i = 0; i < nm; i++)
        if (keep[i]) o[kept++].val = (uint32_t)i;
    nfi_sort_emission(fl->items.items, o, tmp, kept, &w);
    size_t nold = doc->anns.len;
    for (size_t i = 0; i < kept && st == NF_OK; i++) apply_edits(run, &fl->items.items[o[i].val], nold);
    for (size_t i = 0; i < kept && st == NF_OK; i++) {
        const nfi_found *m = &fl->items.items[o[i].val];
        if (nfi_ws_recording(run->ws)) {
            nfi_match rm;
            memset(&rm, 0, sizeof rm);
            rm.rule = m->rule;
            rm.start = m->start;
            rm.end = m->end;
            rm.bcap = m->bcap;
            st = nfi_ws_record(run->ws, &rm);
        }
        if (st == NF_OK && r->rules.items[m->rule].emit != NFI_NONE) st = emit_ann(run, m, err);
    }
    free(o);
    return st;
}

/* Final order of doc->anns: start asc, end desc, then phase and rule order
 * (the order they were made in). Token positions order annotations as their
 * bytes would (tokens are ordered, never empty and do not overlap). */
static nf_status sort_anns(nf_doc *doc)
{
    size_t n = doc->anns.len;
    if (n < 2) return NF_OK;
    nfi_keyed *k = malloc(2 * n * sizeof *k);
    if (!k) return NF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        k[i].key = (uint64_t)a->tok_start << 32 | desc32(a->tok_end);
        k[i].val = (uint32_t)i;
    }
    if (!merge_runs(k, k + n, n)) nfi_sort_keyed(k, k + n, n);
    /* slot i takes annotation k[i].val: follow each cycle of that
     * permutation with one annotation in hand (no copy of the array) */
    nfi_ann *a = doc->anns.items;
    for (size_t i = 0; i < n; i++) {
        if (k[i].val == i || k[i].val == NFI_NONE) continue;
        nfi_ann held = a[i];
        size_t j = i;
        while (k[j].val != i) {
            size_t from = k[j].val;
            a[j] = a[from];
            k[j].val = NFI_NONE;
            j = from;
        }
        a[j] = held;
        k[j].val = NFI_NONE;
    }
    free(k);
    return NF_OK;
}

/* The sentence-end array of tokens [t0, t1) of a window, relative to t0
 * (a sentence cut by the window's end ends there). */
static void window_sentence_ends(const nf_doc *doc, uint32_t *sent_end, size_t t0, size_t t1)
{
    size_t n = t1 - t0;
    for (size_t i = 0; i < n; i++) sent_end[i] = (uint32_t)n;
    for (size_t s = nfi_token_sentence(doc, t0); s < doc->sentences.len; s++) {
        const nf_sentence *se = &doc->sentences.items[s];
        size_t a = se->first_token, b = se->first_token + se->token_count;
        if (a >= t1) break;
        if (a < t0) a = t0;
        if (b > t1) b = t1;
        for (size_t i = a; i < b; i++) sent_end[i - t0] = (uint32_t)(b - t0);
    }
}

/* Runs the phases over tokens [0, nt) of doc (a window of it, see
 * nfi_rules_run_windows) into doc->anns; run holds what lasts a document. */
static nf_status run_window(nfi_run *run, nf_error *err)
{
    const nf_rules *rules = run->r;
    nf_doc *doc = run->doc;
    size_t nt = doc->tokens.len;
    nfi_ws_begin_window(run->ws);
    run->tokvocab = nfi_ws_u32(run->ws, NFI_WS_TOKVOCAB, nt);
    run->sent_end = nfi_ws_u32(run->ws, NFI_WS_SENT_END, nt);
    if (!run->tokvocab || !run->sent_end) return NF_ERR_NOMEM;
    run->lit_next = nfi_ws_u32(run->ws, NFI_WS_LIT_NEXT, rules->rules.len);
    if (!run->lit_next) return NF_ERR_NOMEM;
    memset(run->lit_next, 0, rules->rules.len * sizeof *run->lit_next);
    size_t nslots = rules->nreq_slots + 1;
    run->req_next = nfi_ws_u32(run->ws, NFI_WS_REQ_NEXT, nslots);
    run->req_scanned = nfi_ws_u32(run->ws, NFI_WS_REQ_SCANNED, nslots);
    if (!run->req_next || !run->req_scanned) return NF_ERR_NOMEM; /* set by index_required */
    window_sentence_ends(doc, run->sent_end, run->tok_base, run->tok_base + nt);
    nf_status st;
    if ((st = nfi_ws_classify(run->ws, run)) != NF_OK) return st;
    nfi_ws_note_window(run->ws, doc, run->tok_base, nt);
    if ((st = index_required(run)) != NF_OK) return st;
    uint32_t indexed = NFI_NONE; /* of doc->anns (index_anns) */
    for (uint32_t ph = 0; ph < rules->phases.len && st == NF_OK; ph++)
        st = run_phase(run, ph, &indexed, err);
    return st == NF_OK ? sort_anns(doc) : st;
}

/* Where the window that starts at token t0 of a range ending at token end
 * ends: about `window` tokens on, at the first paragraph break within twice
 * that, else at the first sentence end, else (one sentence that long) at
 * 2 * window tokens; at end when that comes first. */
static size_t window_end(const nf_doc *doc, size_t t0, size_t end, size_t window)
{
    size_t most = t0 + 2 * window < end ? t0 + 2 * window : end;
    if (end - t0 <= window) return end;
    const nf_sentence *se = doc->sentences.items;
    size_t ns = doc->sentences.len, si = nfi_token_sentence(doc, t0 + window);
    for (size_t j = si + 1; j < ns && se[j].first_token <= most; j++)
        if (se[j].paragraph != se[j - 1].paragraph) return se[j].first_token;
    if (si + 1 < ns && se[si + 1].first_token <= most) return se[si + 1].first_token;
    return most;
}

/* A document's annotations and attributes, kept aside while the windows
 * run (NFI_VEC fields of nf_doc). */
typedef struct {
    NFI_VEC(nfi_ann) anns;
    NFI_VEC(nfi_attr) attrs;
} ann_store;

/* Makes room in all, before the first window, for the annotations and
 * attributes a document of nt tokens most likely has: a third of a token
 * each (the seed articles have 0.29 and 0.34). Grown by doubling from
 * nothing, each step copied the arrays to a new block, and on a large
 * document the blocks left behind stayed resident (glibc keeps the freed
 * memory of its heap, where blocks of that size land once a larger one has
 * been freed): 21.6 MB of the engine's peak on one 10 MB document. Room
 * not used costs address space only, and nfi_rules_run_windows shrinks the
 * arrays to their length at the end. Without the room (out of memory) the
 * arrays grow as before. */
static void reserve_store(ann_store *all, size_t nt)
{
    size_t want = nt / 3;
    if (all->anns.cap < want) {
        nfi_ann *a = realloc(all->anns.items, want * sizeof *a);
        if (a) {
            all->anns.items = a;
            all->anns.cap = want;
        }
    }
    if (all->attrs.cap < want) {
        nfi_attr *a = realloc(all->attrs.items, want * sizeof *a);
        if (a) {
            all->attrs.items = a;
            all->attrs.cap = want;
        }
    }
}

/* Appends the annotations (and their attributes) of the window that starts
 * at token t0 to all, with the document's token and attribute indexes. */
static nf_status append_window(ann_store *all, const nf_doc *doc, size_t t0)
{
    uint32_t attr_shift = (uint32_t)all->attrs.len;
    for (size_t i = 0; i < doc->attrs.len; i++) {
        nfi_attr *at = nfi_vec_push(&all->attrs);
        if (!at) return NF_ERR_NOMEM;
        *at = doc->attrs.items[i];
    }
    for (size_t i = 0; i < doc->anns.len; i++) {
        nfi_ann *a = nfi_vec_push(&all->anns);
        if (!a) return NF_ERR_NOMEM;
        *a = doc->anns.items[i];
        a->tok_start += (uint32_t)t0;
        a->tok_end += (uint32_t)t0;
        a->attr_start += attr_shift;
    }
    return NF_OK;
}

/* Runs the phases over tokens [r.start, r.end) of the document a window at
 * a time, appending what each window found to all. */
static nf_status run_range(nfi_run *run, ann_store *all, nfi_tok_range r, size_t window,
                           nf_error *err)
{
    nf_doc *doc = run->doc;
    nfi_token *tokens = doc->tokens.items;
    size_t nt = doc->tokens.len, len = doc->len, tcap = doc->tokens.cap;
    nf_status st = NF_OK;
    for (size_t t0 = r.start, t1; t0 < r.end && st == NF_OK; t0 = t1) {
        t1 = window_end(doc, t0, r.end, window);
        doc->anns.len = doc->attrs.len = 0;
        doc->tokens.items = tokens + t0;
        doc->tokens.len = doc->tokens.cap = t1 - t0;
        doc->len = t1 < nt ? tokens[t1].span.start : len;
        run->tok_base = t0;
        run->byte_base = t0 ? tokens[t0 - 1].span.end : 0;
        run->ann_base = all->anns.len;
        run->attr_base = all->attrs.len;
        st = run_window(run, err);
        /* the document's again (nfi_token_sentence in the next window) */
        doc->tokens.items = tokens;
        doc->tokens.len = nt;
        doc->tokens.cap = tcap;
        doc->len = len;
        if (st == NF_OK) st = append_window(all, doc, t0);
    }
    return st;
}

/* The engine's per-token scratch (about 60 bytes a token with the matches
 * of a phase) is bounded by running a long document a window at a time:
 * the window is the document the engine sees (doc->tokens, ->len, ->anns
 * and ->attrs are swapped for the window's, and put back), so a match
 * never crosses a window's edge, which falls at a paragraph break where it
 * can. A document of at most `window` tokens is one window. The windows
 * cover the ranges of nfi_body_ranges: the article's body, not its clutter. */
nf_status nfi_rules_run_windows(const nf_rules *rules, nf_workspace *ws, nf_doc *doc,
                                size_t window, nf_error *err)
{
    if (!rules || !ws || !ws->engine || !doc || !window) return NF_ERR_INVALID;
    if (!rules->rules.len || !doc->tokens.len) {
        nfi_ws_forget_doc(ws->engine); /* (a later stage asks nfi_ws_token_word) */
        return NF_OK;
    }
    nfi_run run;
    memset(&run, 0, sizeof run);
    run.r = rules;
    run.ws = ws->engine;
    run.doc = doc;
    size_t nt = doc->tokens.len;
    if (nt >= UINT32_MAX - 2)
        return nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0, "too many tokens for the rule engine");
    nf_status st = nfi_ws_begin_doc(run.ws, rules, doc);
    if (st != NF_OK) return st;
    run.regex_off = nfi_ws_u32(run.ws, NFI_WS_REGEX_OFF, rules->rules.len);
    if (!run.regex_off) return NF_ERR_NOMEM;
    memset(run.regex_off, 0, rules->rules.len * sizeof *run.regex_off);
    run.ws_md = nfi_ws_match_data(run.ws);
    nfi_tok_range *ranges, whole = {0, nt};
    size_t nranges;
    if ((st = nfi_body_ranges(doc, &ranges, &nranges)) != NF_OK) return st;
    if (!nranges) {
        nfi_ws_forget_doc(run.ws);
    } else if (!ranges && nt <= window) {
        st = run_window(&run, err);
    } else {
        if (!ranges) ranges = &whole;
        ann_store all;
        memcpy(&all.anns, &doc->anns, sizeof all.anns);
        memcpy(&all.attrs, &doc->attrs, sizeof all.attrs);
        memset(&doc->anns, 0, sizeof doc->anns);
        memset(&doc->attrs, 0, sizeof doc->attrs);
        reserve_store(&all, nt);
        for (size_t ri = 0; ri < nranges && st == NF_OK; ri++)
            st = run_range(&run, &all, ranges[ri], window, err);
        if (ranges != &whole) free(ranges);
        nfi_vec_free(&doc->anns);
        nfi_vec_free(&doc->attrs);
        memcpy(&doc->anns, &all.anns, sizeof all.anns);
        memcpy(&doc->attrs, &all.attrs, sizeof all.attrs);
    }
    nfi_ws_trim(run.ws);
    nfi_vec_shrink(&doc->anns); /* later stages add none: up to half of them was spare */
    nfi_vec_shrink(&doc->attrs);
    return st;
}

nf_status nfi_rules_run(const nf_rules *rules, nf_workspace *ws, nf_doc *doc, nf_error *err)
{
    return nfi_rules_run_windows(rules, ws, doc, NFI_ENGINE_WINDOW_TOKENS, err);
}

/* ------------------------------------------------------------ examples */

static bool span_is(const nf_doc *doc, nf_span s, const char *text)
{
    size_t n = strlen(text);
    return s.end - s.start == n && memcmp(doc->text + s.start, text, n) == 0;
}

/* What rule ri produced in doc, as "a", "b" text for messages. */
static void found_text(const nf_rules *r, uint32_t ri, const nf_doc *doc, nfi_engine_ws *ews,
                       char *buf, size_t n)
{
    const nfi_rule *ru = &r->rules.items[ri];
    size_t o = 0;
    buf[0] = '\0';
    if (ru->emit != NFI_NONE) {
        for (size_t i = 0; i < doc->anns.len && o + 8 < n; i++) {
            const nfi_ann *a = &doc->anns.items[i];
            if (a->rule != ru || (a->flags & NFI_ANN_REMOVED)) continue;
            nf_span sp = nfi_ann_span(doc, a);
            int w = snprintf(buf + o, n - o, "%s\"%.*s\" (%s)", o ? ", " : "",
                             (int)(sp.end - sp.start), doc->text + sp.start, nfi_ann_type(doc, a));
            if (w < 0) break;
            o += (size_t)w < n - o ? (size_t)w : n - o - 1;
        }
    } else {
        const nfi_match *ms;
        size_t nm = nfi_ws_recorded(ews, &ms);
        for (size_t i = 0; i < nm && o + 8 < n; i++) {
            if (ms[i].rule != ri) continue;
            nf_span sp = tok_span(doc, ms[i].start, ms[i].end);
            int w = snprintf(buf + o, n - o, "%s\"%.*s\"", o ? ", " : "",
                             (int)(sp.end - sp.start), doc->text + sp.start);
            if (w < 0) break;
            o += (size_t)w < n - o ? (size_t)w : n - o - 1;
        }
    }
}

static bool example_hit(const nf_rules *r, uint32_t ri, const nfi_example *x, const nf_doc *doc,
                        nfi_engine_ws *ews)
{
    const nfi_rule *ru = &r->rules.items[ri];
    if (ru->emit != NFI_NONE) {
        for (size_t i = 0; i < doc->anns.len; i++) {
            const nfi_ann *a = &doc->anns.items[i];
            if (a->rule != ru || (a->flags & NFI_ANN_REMOVED)) continue;
            if (!x->match) return true;
            if (span_is(doc, nfi_ann_span(doc, a), x->match) && (x->type == NFI_NONE || a->type_id == x->type))
                return true;
        }
        return false;
    }
    const nfi_match *ms;
    size_t nm = nfi_ws_recorded(ews, &ms);
    for (size_t i = 0; i < nm; i++) {
        if (ms[i].rule != ri) continue;
        if (!x->match || span_is(doc, tok_span(doc, ms[i].start, ms[i].end), x->match)) return true;
    }
    return false;
}

nf_status nf_rules_check_examples(const nf_rules *rules, nf_example_report report, void *ud,
                                  size_t *checked, size_t *failed, nf_error *err)
{
    nfi_error_clear(err);
    if (checked) *checked = 0;
    if (failed) *failed = 0;
    if (!rules)
        return nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_rules_check_examples: rules is NULL");
    nf_workspace *ws = nf_workspace_new(rules, err);
    if (!ws) return err ? err->code : NF_ERR_NOMEM;
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    size_t nchecked = 0, nfailed = 0;
    nf_status st = NF_OK;
    for (uint32_t ri = 0; ri < rules->rules.len && st == NF_OK; ri++) {
        const nfi_rule *ru = &rules->rules.items[ri];
        for (uint32_t k = 0; k < ru->nexamples && st == NF_OK; k++) {
            const nfi_example *x = &ru->examples[k];
            nf_error e2;
            nf_doc *doc = nfi_extract_unpublished(rules, ws, x->text, strlen(x->text), &eo, &e2);
            if (!doc) {
                st = e2.code;
                if (err) *err = e2;
                break;
            }
            nfi_ws_set_record(ws->engine, true);
            st = nfi_rules_run(rules, ws, doc, &e2);
            if (st != NF_OK) {
                if (err) *err = e2;
                nf_doc_free(doc);
                break;
            }
            nchecked++;
            bool hit = example_hit(rules, ri, x, doc, ws->engine);
            bool ok = x->match ? hit : !hit;
            if (!ok) {
                nfailed++;
                char found[160];
                found_text(rules, ri, doc, ws->engine, found, sizeof found);
                nf_error f;
                nfi_error_clear(&f);
                if (x->match)
                    nfi_error_set(&f, NF_ERR_RULE, x->pos.file, x->pos.line, x->pos.col,
                                  "rule '%s': example should match \"%s\"%s%s; found %s",
                                  ru->name, x->match, x->type != NFI_NONE ? " as " : "",
                                  x->type != NFI_NONE ? rules->types.items[x->type] : "",
                                  found[0] ? found : "nothing");
                else
                    nfi_error_set(&f, NF_ERR_RULE, x->pos.file, x->pos.line, x->pos.col,
                                  "rule '%s': counter-example should not match; found %s",
                                  ru->name, found);
                if (report) report(ud, &f);
            }
            nfi_ws_set_record(ws->engine, false);
            nf_doc_free(doc);
        }
    }
    nf_workspace_free(ws);
    if (checked) *checked = nchecked;
    if (failed) *failed = nfailed;
    if (st != NF_OK) return st;
    if (nfailed)
        return nfi_error_set(err, NF_ERR_RULE, "", 0, 0, "%zu of %zu rule examples failed",
                             nfailed, nchecked);
    return NF_OK;
}
