/*
 * stub_segment.c - TEMPORARY stand-in for lines.c, tokenize.c and
 * sentences.c: one paragraph, white-space tokens, one sentence. The
 * segmenter's author deletes this file.
 */
#include <stdlib.h>

#include "internal.h"

struct nfi_seg_ws { int unused; };

nfi_seg_ws *nfi_seg_ws_new(const nf_rules *rules, nf_error *err)
{
    (void)rules; (void)err;
    return calloc(1, sizeof(nfi_seg_ws));
}
void nfi_seg_ws_free(nfi_seg_ws *ws) { free(ws); }

nf_status nfi_tokenize(nf_doc *doc, const nf_rules *rules, nf_workspace *ws, nf_error *err)
{
    (void)rules; (void)ws; (void)err;
    size_t i = 0;
    while (i < doc->len) {
        while (i < doc->len && (doc->work[i] == ' ' || doc->work[i] == '\n')) i++;
        if (i >= doc->len) break;
        size_t s = i;
        while (i < doc->len && doc->work[i] != ' ' && doc->work[i] != '\n') i++;
        nf_token *t = nfi_vec_push(&doc->tokens);
        if (!t) return NF_ERR_NOMEM;
        t->span.start = s;
        t->span.end = i;
        t->kind = NF_TOKEN_WORD;
        t->norm = nfi_strtab_intern(&doc->forms, doc->work + s, i - s);
    }
    return NF_OK;
}

nf_status nfi_sentences_split(nf_doc *doc, const nf_rules *rules, nf_workspace *ws,
                              nf_error *err)
{
    (void)rules; (void)ws; (void)err;
    if (!doc->tokens.len) return NF_OK;
    nf_sentence *s = nfi_vec_push(&doc->sentences);
    if (!s) return NF_ERR_NOMEM;
    s->span.start = doc->tokens.items[0].span.start;
    s->span.end = doc->tokens.items[doc->tokens.len - 1].span.end;
    s->token_count = doc->tokens.len;
    return NF_OK;
}
