/*
 * rules.h - what the other stages may ask of a loaded rule set.
 * The rule engine (rules_yaml.c, lexicon.c, pattern.c, match.c, phases.c)
 * implements these; everything else treats nf_rules as opaque.
 */
#ifndef NEWSFACTS_RULES_H
#define NEWSFACTS_RULES_H

#include "internal.h"

typedef struct nfi_lexicon nfi_lexicon;

/* A named lexicon, or NULL when the rules have none of that name. */
const nfi_lexicon *nfi_rules_lexicon(const nf_rules *rules, const char *name);

/* Whether the case-folded single-token form s[0,n) is an entry of lex
 * (NULL lex: false). */
bool nfi_lexicon_has(const nfi_lexicon *lex, const char *s, size_t n);

/* The same test for several lexicons with one folding and one look-up:
 * nfi_lexicon_word gives the rules' id of the case-folded form s[0,n)
 * (NFI_NONE when no lexicon has that word), nfi_lexicon_has_word tests an
 * id against lex (NULL lex or NFI_NONE: false). */
uint32_t nfi_lexicon_word(const nf_rules *rules, const char *s, size_t n);
/* nfi_lexicon_word for a form that is its own case fold (ASCII without
 * upper-case letters is), without folding it again. */
uint32_t nfi_lexicon_word_folded(const nf_rules *rules, const char *s, size_t n);
bool nfi_lexicon_has_word(const nfi_lexicon *lex, uint32_t word);

/* The value of attribute key for the single-token entry s[0,n), or NULL. */
const char *nfi_lexicon_attr(const nfi_lexicon *lex, const char *s, size_t n,
                             const char *key);

/* Longest multi-token entry of lex starting at token i of doc (matched on
 * case-folded forms): number of tokens matched, 0 when none. When entry is
 * not NULL it receives an opaque entry handle for nfi_lexicon_entry_attr. */
size_t nfi_lexicon_match(const nfi_lexicon *lex, const nf_doc *doc, size_t i,
                         const void **entry);
/* Whether an entry of lex may begin with token i of doc (the first step of
 * nfi_lexicon_match; false: it matches nothing there). It reads the
 * token's normalised form only, so a caller may keep the answer by form. */
bool nfi_lexicon_may_start(const nfi_lexicon *lex, const nf_doc *doc, size_t i);
/* The same test for a word id of nfi_lexicon_word (NFI_NONE: false). */
bool nfi_lexicon_may_start_word(const nfi_lexicon *lex, uint32_t word);
/* nfi_lexicon_word of token ti's norm as the rule engine found it when it
 * ran on doc with ws, without a look-up in the rules: true and *word when
 * it is known (ti was in the engine's last window, and its norm is its
 * own case fold), false when the caller must call nfi_lexicon_word. NULL
 * ws: false. */
bool nfi_ws_token_word(const nfi_engine_ws *ws, const nf_doc *doc, size_t ti, uint32_t *word);
const char *nfi_lexicon_entry_attr(const nfi_lexicon *lex, const void *entry,
                                   const char *key);

/* A setting from the rule files' top-level `settings:` map (resolver knobs),
 * by its key. Scalars: nfi_setting_str. Lists: count + item. NULL/0 when absent. */
typedef struct nfi_setting nfi_setting;
/* The structure stage's settings and patterns made when the rules loaded
 * (NULL while they load). */
const nfi_structure_ws *nfi_rules_structure(const nf_rules *rules);
const nfi_setting *nfi_rules_setting(const nf_rules *rules, const char *key);
const char *nfi_setting_str(const nfi_setting *s);
size_t nfi_setting_count(const nfi_setting *s);
const char *nfi_setting_item(const nfi_setting *s, size_t i);
/* Convenience: the setting as a number, or dflt when absent or not numeric. */
double nfi_rules_number(const nf_rules *rules, const char *key, double dflt);

/* The interned type name equal to name (pointer-comparable with
 * nfi_ann_type), or NULL when no rule emits it. */
const char *nfi_rules_type(const nf_rules *rules, const char *name);
/* The type names by type id (what an annotation's type_id indexes). */
const char *const *nfi_rules_type_names(const nf_rules *rules);
/* How many names that table has. */
size_t nfi_rules_type_count(const nf_rules *rules);

/* Limits the workspace's regex calls use. */
uint32_t nfi_rules_match_limit(const nf_rules *rules);

#endif
