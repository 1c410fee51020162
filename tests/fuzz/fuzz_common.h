/*
 * fuzz_common.h - what the fuzz targets share: rule loading, the option
 * prefix, a strict UTF-8 check, and the invariants every document must
 * keep whatever the input (spans inside the text and on character
 * boundaries, sorted results, index links that point somewhere).
 *
 * A broken invariant prints what broke and calls abort(), which libFuzzer
 * and standalone_main.c both report as a crash with the input that caused it.
 * Header-only (static functions) so each target stays one .c file.
 */
#ifndef NF_FUZZ_COMMON_H
#define NF_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsfacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFF_CHECK(cond, ...)                                                        \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* Length of the valid UTF-8 sequence at s[0, n) (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0 when it is not valid. */
static inline size_t nff_utf8_len(const unsigned char *s, size_t n)
{
    if (!n) return 0;
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) k = 2;
    else if (c == 0xE0) { k = 3; lo = 0xA0; }
    else if (c == 0xED) { k = 3; hi = 0x9F; }
    else if (c >= 0xE1 && c <= 0xEF) k = 3;
    else if (c == 0xF0) { k = 4; lo = 0x90; }
    else if (c == 0xF4) { k = 4; hi = 0x8F; }
    else if (c >= 0xF1 && c <= 0xF3) k = 4;
    else return 0;
    if (n < k) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return k;
}

/* Offset of the first byte that does not start a valid sequence, or n. */
static inline size_t nff_utf8_first_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = nff_utf8_len(s + i, n - i);
        if (!k) return i;
        i += k;
    }
    return n;
}

/* The rules every document target uses: $NF_FUZZ_RULES, else "rules"
 * (targets run from the top of the source tree). When they do not load,
 * an empty rule set keeps the tokenizer under test, with a note. */
static inline nf_rules *nff_rules(void)
{
    static nf_rules *rules;
    if (rules) return rules;
    const char *path = getenv("NF_FUZZ_RULES");
    nf_error err;
    rules = nf_rules_load_path(path ? path : "rules", NULL, &err);
    if (!rules) {
        char line[700];
        nf_error_format(&err, line, sizeof line);
        fprintf(stderr, "fuzz: rules do not load (%s); using an empty rule set\n", line);
        static const char empty[] = "schema: 1\n";
        rules = nf_rules_load_buffer(empty, sizeof empty - 1, "<fuzz-empty>", NULL, &err);
    }
    NFF_CHECK(rules != NULL, "no rule set at all");
    return rules;
}

/* ------------------------------------------------------- option prefix */

/*
 * Input layout for the document targets (4 bytes, then the text):
 *   byte 0: extraction flags (low 5 bits = NF_EXTRACT_*); 0x20 = no
 *           workspace; 0x40 = a document id; 0x80 = max_results 1..16
 *   byte 1: 0 = no DCT; else day = 1 + (b1 & 31) (32 is a bad day), and
 *           b1 & 0x20 adds a time "Thh:mm"
 *   byte 2: year = 1900 + b2; hour = b2 % 25 (24 is a bad hour)
 *   byte 3: month = 1 + b3 % 13 (13 is bad); minute = b3 % 61 (60 is bad);
 *           max_results = 1 + (b3 & 15)
 */
typedef struct nff_input {
    nf_extract_options eo;
    char dct[32];
    int use_ws;
    const char *text;
    size_t len;
} nff_input;

static inline void nff_parse(const uint8_t *data, size_t size, nff_input *in)
{
    uint8_t b[4] = {0, 0, 0, 0};
    size_t pre = size < 4 ? size : 4;
    memcpy(b, data, pre);
    nf_extract_options_init(&in->eo);
    in->eo.flags = b[0] & 0x1Fu;
    in->use_ws = !(b[0] & 0x20);
    if (b[0] & 0x40) in->eo.doc_id = "fuzz-doc";
    if (b[0] & 0x80) in->eo.max_results = 1u + (b[3] & 15u);
    if (b[1]) {
        int day = 1 + (b[1] & 31), year = 1900 + b[2], month = 1 + b[3] % 13;
        if (b[1] & 0x20)
            snprintf(in->dct, sizeof in->dct, "%04d-%02d-%02dT%02d:%02d", year, month,
                     day, b[2] % 25, b[3] % 61);
        else
            snprintf(in->dct, sizeof in->dct, "%04d-%02d-%02d", year, month, day);
        in->eo.dct = in->dct;
    }
    in->text = (const char *)data + pre;
    in->len = size - pre;
}

/* ------------------------------------------------------------ invariants */

static inline int nff_unset(nf_span s) { return s.start == NF_UNSET && s.end == NF_UNSET; }

/* A span inside [0, len), start <= end, both on character boundaries when
 * the text is valid UTF-8. */
static inline void nff_check_span(nf_span s, const char *text, size_t len, int valid,
                                  const char *what, size_t i)
{
    NFF_CHECK(s.start <= s.end && s.end <= len, "%s %zu: [%zu, %zu) in %zu bytes", what, i,
              s.start, s.end, len);
    if (valid) {
        const unsigned char *u = (const unsigned char *)text;
        NFF_CHECK(s.start == len || (u[s.start] & 0xC0) != 0x80,
                  "%s %zu starts inside a character at %zu", what, i, s.start);
        NFF_CHECK(s.end == len || (u[s.end] & 0xC0) != 0x80,
                  "%s %zu ends inside a character at %zu", what, i, s.end);
    }
}

static inline void nff_check_opt_span(nf_span s, const char *text, size_t len, int valid,
                                      const char *what, size_t i)
{
    if (!nff_unset(s)) nff_check_span(s, text, len, valid, what, i);
}

/* Every documented property of a document made from text[0, len). */
static inline void nff_check_doc(const nf_doc *doc, const char *text, size_t len,
                                 const nf_extract_options *eo)
{
    int valid = nff_utf8_first_bad((const unsigned char *)text, len) == len;
    NFF_CHECK(nf_doc_bytes(doc) == len, "bytes %zu != %zu", nf_doc_bytes(doc), len);
    NFF_CHECK(len == 0 || memcmp(nf_doc_text(doc), text, len) == 0, "document text differs");
    if (!valid)
        NFF_CHECK(eo->flags & NF_EXTRACT_REPLACE_INVALID, "invalid UTF-8 accepted");
    if (eo->doc_id) NFF_CHECK(nf_doc_id(doc) && !strcmp(nf_doc_id(doc), eo->doc_id), "doc id");
    nf_dct_source src = NF_DCT_NONE;
    const char *dct = nf_doc_dct(doc, &src);
    if (eo->dct) NFF_CHECK(dct && src == NF_DCT_CALLER, "caller's DCT not used");
    if (!dct) NFF_CHECK(src == NF_DCT_NONE, "dct source without a dct");

    size_t nt = nf_doc_count(doc, NF_KIND_TOKEN), ns = nf_doc_count(doc, NF_KIND_SENTENCE);
    size_t np = nf_doc_count(doc, NF_KIND_PARAGRAPH);
    NFF_CHECK(nf_doc_token(doc, nt) == NULL, "token past the end");
    NFF_CHECK(nf_doc_sentence(doc, ns) == NULL, "sentence past the end");
    NFF_CHECK(nf_doc_paragraph(doc, np) == NULL, "paragraph past the end");
    size_t prev_end = 0;
    for (size_t i = 0; i < nt; i++) {
        const nf_token *t = nf_doc_token(doc, i);
        NFF_CHECK(t != NULL, "token %zu", i);
        nff_check_span(t->span, text, len, valid, "token", i);
        NFF_CHECK(t->span.start < t->span.end, "empty token %zu at %zu", i, t->span.start);
        NFF_CHECK(t->span.start >= prev_end, "token %zu [%zu,%zu) overlaps the one before "
                  "(ends %zu)", i, t->span.start, t->span.end, prev_end);
        prev_end = t->span.end;
        NFF_CHECK(t->kind >= NF_TOKEN_WORD && t->kind <= NF_TOKEN_EMAIL, "token %zu kind %u",
                  i, t->kind);
        NFF_CHECK(nf_doc_form(doc, t->norm) != NULL, "token %zu norm %u has no form", i,
                  t->norm);
        if (ns) NFF_CHECK(t->sentence < ns, "token %zu sentence %u of %zu", i, t->sentence, ns);
    }
    size_t next_tok = 0;
    for (size_t i = 0; i < ns; i++) {
        const nf_sentence *s = nf_doc_sentence(doc, i);
        NFF_CHECK(s != NULL, "sentence %zu", i);
        nff_check_span(s->span, text, len, valid, "sentence", i);
        NFF_CHECK(s->first_token <= nt && s->token_count <= nt - s->first_token,
                  "sentence %zu tokens [%zu,+%zu) of %zu", i, s->first_token, s->token_count, nt);
        NFF_CHECK(s->first_token >= next_tok, "sentence %zu token range overlaps", i);
        next_tok = s->first_token + s->token_count;
        if (s->token_count) {
            const nf_token *a = nf_doc_token(doc, s->first_token);
            const nf_token *b = nf_doc_token(doc, next_tok - 1);
            NFF_CHECK(s->span.start == a->span.start && s->span.end == b->span.end,
                      "sentence %zu span [%zu,%zu) is not its tokens' [%zu,%zu)", i,
                      s->span.start, s->span.end, a->span.start, b->span.end);
            for (size_t k = s->first_token; k < next_tok; k++)
                NFF_CHECK(nf_doc_token(doc, k)->sentence == i, "token %zu not in sentence %zu",
                          k, i);
        }
        if (np) NFF_CHECK(s->paragraph < np, "sentence %zu paragraph %u", i, s->paragraph);
    }
    for (size_t i = 0; i < np; i++)
        nff_check_span(nf_doc_paragraph(doc, i)->span, text, len, valid, "paragraph", i);
    size_t nb = nf_doc_count(doc, NF_KIND_BODY);
    for (size_t i = 0; i < nb; i++) nff_check_span(nf_doc_body(doc, i), text, len, valid, "body", i);
    NFF_CHECK(nff_unset(nf_doc_body(doc, nb)), "body past the end");

    size_t ne = nf_doc_count(doc, NF_KIND_ENTITY);
    NFF_CHECK(nf_doc_entity(doc, ne) == NULL, "entity past the end");
    for (size_t i = 0; i < ne; i++) {
        const nf_entity *e = nf_doc_entity(doc, i);
        nff_check_span(e->span, text, len, valid, "entity", i);
        NFF_CHECK(e->span.start < e->span.end, "empty entity %zu", i);
        NFF_CHECK(nf_entity_type_name(e->type) != NULL, "entity %zu type %u", i, e->type);
        NFF_CHECK(e->cluster >= 1, "entity %zu cluster 0", i);
        nff_check_opt_span(e->role, text, len, valid, "entity role", i);
        if (i) {
            const nf_entity *p = nf_doc_entity(doc, i - 1);
            NFF_CHECK(p->span.start < e->span.start ||
                      (p->span.start == e->span.start && p->span.end >= e->span.end),
                      "entities %zu, %zu out of order", i - 1, i);
        }
    }
    size_t nd = nf_doc_count(doc, NF_KIND_DATE);
    NFF_CHECK(nf_doc_date(doc, nd) == NULL, "date past the end");
    for (size_t i = 0; i < nd; i++) {
        const nf_date *d = nf_doc_date(doc, i);
        nff_check_span(d->span, text, len, valid, "date", i);
        NFF_CHECK(d->span.start < d->span.end, "empty date %zu", i);
        NFF_CHECK(nf_timex_type_name(d->type) != NULL, "date %zu type %u", i, d->type);
        if (i) {
            const nf_date *p = nf_doc_date(doc, i - 1);
            NFF_CHECK(p->span.start < d->span.start ||
                      (p->span.start == d->span.start && p->span.end >= d->span.end),
                      "dates %zu, %zu out of order", i - 1, i);
        }
    }
    size_t nq = nf_doc_count(doc, NF_KIND_QUOTE);
    NFF_CHECK(nf_doc_quote(doc, nq) == NULL, "quote past the end");
    for (size_t i = 0; i < nq; i++) {
        const nf_quote *q = nf_doc_quote(doc, i);
        nff_check_span(q->span, text, len, valid, "quote", i);
        NFF_CHECK(q->kind == NF_QUOTE_DIRECT || q->kind == NF_QUOTE_INDIRECT, "quote %zu kind",
                  i);
        nff_check_opt_span(q->cue, text, len, valid, "quote cue", i);
        nff_check_opt_span(q->speaker, text, len, valid, "quote speaker", i);
        NFF_CHECK(q->speaker_entity >= -1 && q->speaker_entity < (int64_t)ne,
                  "quote %zu speaker entity %lld of %zu", i, (long long)q->speaker_entity, ne);
    }
    const nf_meta *m = nf_doc_meta(doc);
    NFF_CHECK(m != NULL, "no meta");
    const nf_meta_field *mf[5] = {&m->headline, &m->byline, &m->dateline, &m->source,
                                  &m->published};
    for (size_t i = 0; i < 5; i++) nff_check_opt_span(mf[i]->span, text, len, valid, "meta", i);
    size_t nw = nf_doc_count(doc, NF_KIND_WARNING);
    for (size_t i = 0; i < nw; i++) NFF_CHECK(nf_doc_warning(doc, i) != NULL, "warning %zu", i);
    NFF_CHECK(nf_doc_warning(doc, nw) == NULL, "warning past the end");
    size_t na = nf_doc_count(doc, NF_KIND_ANNOTATION);
    for (size_t i = 0; i < na; i++) {
        const nf_annotation *a = nf_doc_annotation(doc, i);
        nff_check_span(a->span, text, len, valid, "annotation", i);
        NFF_CHECK(a->type != NULL, "annotation %zu has no type", i);
        NFF_CHECK(a->first_token <= nt && a->token_count <= nt - a->first_token,
                  "annotation %zu tokens [%zu,+%zu) of %zu", i, a->first_token, a->token_count,
                  nt);
    }
    NFF_CHECK(nf_doc_annotation(doc, na) == NULL, "annotation past the end");
    if (eo->max_results) {
        /* max_results bounds the annotations a document may hold */
        NFF_CHECK(na <= eo->max_results, "%zu annotations over max_results %llu", na,
                  (unsigned long long)eo->max_results);
    }
}

/* A failed nf_extract: a documented code, a message, and for bad UTF-8
 * the offset of the first bad byte. */
static inline void nff_check_extract_error(const nf_error *err, const char *text, size_t len,
                                           const nf_extract_options *eo)
{
    switch (err->code) {
    case NF_ERR_UTF8: {
        size_t bad = nff_utf8_first_bad((const unsigned char *)text, len);
        NFF_CHECK(!(eo->flags & NF_EXTRACT_REPLACE_INVALID), "UTF-8 error while replacing");
        NFF_CHECK(bad < len, "UTF-8 error on valid text");
        NFF_CHECK(err->offset == bad, "UTF-8 error at %zu, first bad byte is %zu", err->offset,
                  bad);
        break;
    }
    case NF_ERR_INVALID:
        NFF_CHECK(eo->dct != NULL, "NF_ERR_INVALID without a DCT: %s", err->message);
        break;
    case NF_ERR_LIMIT:
    case NF_ERR_NOMEM:
    case NF_ERR_ICU:
        break;
    default:
        NFF_CHECK(0, "nf_extract failed with undocumented code %d (%s)", (int)err->code,
                  err->message);
    }
    NFF_CHECK(err->message[0] != '\0', "error %d without a message", (int)err->code);
    NFF_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL, "message unterminated");
}

#endif
