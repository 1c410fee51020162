/*
 * stub_engine.c - TEMPORARY stand-in for the rule engine so that the
 * library builds while the engine is written. The engine's author deletes
 * this file when rules_*.c / match.c provide these functions.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct nf_rules { int unused; };
struct nfi_engine_ws { int unused; };

nf_rules *nf_rules_load_path(const char *path, const nf_load_options *opts, nf_error *err)
{
    (void)path; (void)opts; (void)err;
    return calloc(1, sizeof(nf_rules));
}
nf_rules *nf_rules_load_buffer(const char *yaml, size_t len, const char *name,
                               const nf_load_options *opts, nf_error *err)
{
    (void)yaml; (void)len; (void)name; (void)opts; (void)err;
    return calloc(1, sizeof(nf_rules));
}
void nf_rules_free(nf_rules *rules) { free(rules); }
size_t nf_rules_count(const nf_rules *rules) { (void)rules; return 0; }
nfi_engine_ws *nfi_engine_ws_new(const nf_rules *rules, nf_error *err)
{
    (void)rules; (void)err;
    return calloc(1, sizeof(nfi_engine_ws));
}
void nfi_engine_ws_free(nfi_engine_ws *ws) { free(ws); }
nf_status nfi_rules_run(const nf_rules *rules, nf_workspace *ws, nf_doc *doc, nf_error *err)
{
    (void)rules; (void)ws; (void)doc; (void)err;
    return NF_OK;
}
const nfi_lexicon *nfi_rules_lexicon(const nf_rules *rules, const char *name)
{
    (void)rules; (void)name;
    return NULL;
}
bool nfi_lexicon_has(const nfi_lexicon *lex, const char *s, size_t n)
{
    (void)lex; (void)s; (void)n;
    return false;
}
/* settings (added for structure.c; the engine provides the real ones) */
const nfi_setting *nfi_rules_setting(const nf_rules *rules, const char *key)
{
    (void)rules; (void)key;
    return NULL;
}
const char *nfi_setting_str(const nfi_setting *s) { (void)s; return NULL; }
size_t nfi_setting_count(const nfi_setting *s) { (void)s; return 0; }
const char *nfi_setting_item(const nfi_setting *s, size_t i) { (void)s; (void)i; return NULL; }
double nfi_rules_number(const nf_rules *rules, const char *key, double dflt)
{
    (void)rules; (void)key;
    return dflt;
}
/* multi-token lexicon lookups (added for entities.c; the engine provides the real ones) */
size_t nfi_lexicon_match(const nfi_lexicon *lex, const nf_doc *doc, size_t i,
                         const void **entry)
{
    (void)lex; (void)doc; (void)i; (void)entry;
    return 0;
}
const char *nfi_lexicon_entry_attr(const nfi_lexicon *lex, const void *entry, const char *key)
{
    (void)lex; (void)entry; (void)key;
    return NULL;
}
const char *nfi_lexicon_attr(const nfi_lexicon *lex, const char *s, size_t n, const char *key)
{
    (void)lex; (void)s; (void)n; (void)key;
    return NULL;
}
