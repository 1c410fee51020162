/*
 * entities.c - the entity resolver: turns the rule engine's entity
 * annotations (PERSON, ORG, GPE, LOC, FAC, NORP, EVENT) into nf_entity facts.
 *
 *   1. candidates: every live annotation of an entity type; its span (or
 *      its `name` capture) without leading determiners, quote marks and a
 *      possessive 's; its `role` capture; its `canonical` hint
 *   2. overlaps: of overlapping candidates one wins (priority, then the
 *      longer span, then the earlier start, then the earlier rule)
 *   3. clusters: mentions of one thing share a cluster id
 *      - same type and same normalised name (case-folded, periods and
 *        hyphens ignored), or the same canonical hint / alias-lexicon entry
 *      - PERSON: full names with the same surname and compatible first
 *        names; a surname alone joins the nearest full name; small spelling
 *        variants of long surnames (bounded edit distance)
 *      - short forms by trailing words ("State Department" of
 *        "U.S. State Department") and without a legal-form suffix
 *        ("Acme" of "Acme Corp.")
 *      - acronyms ("UN") join the name whose initials they are
 *   4. canonical: the cluster's fullest name, normalised in case
 *
 * Knobs come from the rule files' `settings:` (see docs/entities.md);
 * each has a default so that the resolver works with any rule set.
 */
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "rules.h"

#define ENT_NTYPES 8 /* nf_entity_type values 1..7 */

static const char *const ent_type_names[ENT_NTYPES] = {NULL,  "PERSON", "ORG",  "GPE",
                                                        "LOC", "FAC",    "NORP", "EVENT"};

/* ICU's character properties, answered without the call for ASCII (the
 * letters of most names): the same answers, A-Z upper, a-z lower. */
static inline bool cp_upper(uint32_t c) { return c < 0x80 ? c - 'A' < 26u : u_isupper((UChar32)c); }
static inline bool cp_lower(uint32_t c) { return c < 0x80 ? c - 'a' < 26u : u_islower((UChar32)c); }
static inline bool cp_alpha(uint32_t c) { return c < 0x80 ? (c | 32u) - 'a' < 26u : u_isalpha((UChar32)c); }
static inline uint32_t cp_toupper(uint32_t c)
{
    return c < 0x80 ? (c - 'a' < 26u ? c - 32u : c) : (uint32_t)u_toupper((UChar32)c);
}
static inline uint32_t cp_tolower(uint32_t c)
{
    return c < 0x80 ? (c - 'A' < 26u ? c + 32u : c) : (uint32_t)u_tolower((UChar32)c);
}
static inline uint32_t cp_fold(uint32_t c)
{
    return c < 0x80 ? (c - 'A' < 26u ? c + 32u : c)
                    : (uint32_t)u_foldCase((UChar32)c, U_FOLD_CASE_DEFAULT);
}

/* The slot of a pointer in a cache of 1 << bits entries: a multiplicative
 * hash, as the rules' strings lie close together in memory and the low
 * bits of their addresses alone put several in one slot. */
static inline size_t ptr_slot(const void *p, unsigned bits)
{
    return (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

/* ------------------------------------------------------------ settings */

/* A list of words looked up case-folded (word_in), with the first bytes
 * of its words as bits: most words of the text are none, and their
 * first byte says so without a look-up. */
typedef struct word_set {
    nfi_strtab words;
    uint64_t first[4];
} word_set;

typedef struct ent_cfg {
    const nf_rules *rules;
    int fuzzy_len1, fuzzy_len2; /* shortest word length for edit distance 1, 2 */
    size_t fuzzy_window;        /* full names compared with each fuzzy candidate */
    int acronym_min, acronym_max;
    int short_min_words;        /* words a short form keeps ("State Department") */
    double heading_share;       /* share of capitalised words that makes a heading */
    bool fuzzy_type[ENT_NTYPES];
    bool short_type[ENT_NTYPES];
    bool acronym_type[ENT_NTYPES];
    nfi_strtab function_words; /* lower-case words that are not initials */
    uint64_t fw_first[4];      /* the first bytes of the function words, as bits */
    word_set determiners;      /* leading words stripped from spans */
    word_set role_determiners;
    nfi_strtab legal_suffixes; /* "inc", "corp", "ltd" */
    nfi_strtab candidate_types; /* annotation types of untyped name candidates */
    nfi_strtab role_modifiers;  /* words that cannot end a role ("new", "former") */
    const nfi_lexicon *alias_lex[8];
    size_t n_alias;
    const char *alias_attr;
    const nfi_lexicon *legal_lex;  /* more legal-form words (a lexicon) */
    const nfi_lexicon *common_lex; /* common words: no short form by a first word */
    /* parts of hyphenated compounds ("U.S.-Russia"): lexicon -> type */
    const nfi_lexicon *part_lex[8];
    uint32_t part_type[8];
    size_t n_part;
    /* what each of the rules' annotation types is to collect (type_kind_of),
       by type id: type_names[id] -> kind_by_type[id] */
    const char *const *type_names;
    const uint8_t *kind_by_type;
    size_t ntypes;
} ent_cfg;

static uint32_t type_from_name(const char *name)
{
    if (!name) return 0;
    /* the names differ in their first letter: one comparison (this runs
       for every annotation of the document) */
    uint32_t t;
    switch (name[0]) {
    case 'P': t = 1; break;
    case 'O': t = 2; break;
    case 'G': t = 3; break;
    case 'L': t = 4; break;
    case 'F': t = 5; break;
    case 'N': t = 6; break;
    case 'E': t = 7; break;
    default: return 0;
    }
    return strcmp(name, ent_type_names[t]) == 0 ? t : 0;
}

/* Fills a word table from a list setting, or from dflt (NULL-terminated). */
static bool cfg_words(ent_cfg *c, nfi_strtab *t, nfi_arena *a, const char *key,
                      const char *const *dflt)
{
    nfi_strtab_init(t, a);
    const nfi_setting *s = nfi_rules_setting(c->rules, key);
    if (s && nfi_setting_count(s)) {
        for (size_t i = 0; i < nfi_setting_count(s); i++) {
            const char *w = nfi_setting_item(s, i);
            if (w && nfi_strtab_intern(t, w, strlen(w)) == NFI_NONE) return false;
        }
        return true;
    }
    for (size_t i = 0; dflt && dflt[i]; i++)
        if (nfi_strtab_intern(t, dflt[i], strlen(dflt[i])) == NFI_NONE) return false;
    return true;
}

/* cfg_words for a word_set. */
static bool cfg_word_set(ent_cfg *c, word_set *w, nfi_arena *a, const char *key,
                         const char *const *dflt)
{
    memset(w->first, 0, sizeof w->first);
    if (!cfg_words(c, &w->words, a, key, dflt)) return false;
    for (uint32_t i = 0; i < w->words.count; i++) {
        if (!w->words.lens[i]) continue;
        unsigned char f = (unsigned char)w->words.strs[i][0];
        w->first[f >> 6] |= 1ull << (f & 63);
    }
    return true;
}

static void cfg_types(ent_cfg *c, bool *out, const char *key, const char *const *dflt)
{
    memset(out, 0, sizeof(bool) * ENT_NTYPES);
    const nfi_setting *s = nfi_rules_setting(c->rules, key);
    if (s && (nfi_setting_count(s) || nfi_setting_str(s))) {
        size_t n = nfi_setting_count(s);
        if (!n) {
            out[type_from_name(nfi_setting_str(s))] = true;
        } else {
            for (size_t i = 0; i < n; i++) out[type_from_name(nfi_setting_item(s, i))] = true;
        }
        out[0] = false;
        return;
    }
    for (size_t i = 0; dflt[i]; i++) out[type_from_name(dflt[i])] = true;
    out[0] = false;
}

static int cfg_int(const nf_rules *r, const char *key, int dflt, int lo, int hi)
{
    double v = nfi_rules_number(r, key, dflt);
    if (!(v >= lo)) return lo;
    if (v > hi) return hi;
    return (int)v;
}

/* What an annotation type is to collect: an entity type (1..7), ENT_CAND
 * (a name candidate's type) or 0. */
enum { ENT_CAND = 0x80 };
static uint8_t type_kind_of(const ent_cfg *c, const char *name)
{
    if (!name) return 0;
    uint32_t t = type_from_name(name);
    return t ? (uint8_t)t
             : nfi_strtab_find(&c->candidate_types, name, strlen(name)) != NFI_NONE
                   ? (uint8_t)ENT_CAND
                   : 0;
}

/* c->kind_by_type, once per workspace: an annotation's kind is then one
 * load by its type id (documents ask it of every annotation, twice). */
static bool cfg_type_kinds(ent_cfg *c, const nf_rules *rules, nfi_arena *a)
{
    c->type_names = nfi_rules_type_names(rules);
    c->ntypes = nfi_rules_type_count(rules);
    uint8_t *kinds = nfi_arena_alloc(a, c->ntypes ? c->ntypes : 1);
    if (!kinds) return false;
    for (size_t i = 0; i < c->ntypes; i++) kinds[i] = type_kind_of(c, c->type_names[i]);
    c->kind_by_type = kinds;
    return true;
}

static bool cfg_init(ent_cfg *c, const nf_rules *rules, nfi_arena *a)
{
    static const char *const fw[] = {"of", "the", "and", "for", "on", "in", "at", "to",
                                     "de", "du", "des", "del", "della", "der", "la", "le",
                                     "van", "von", "y", "&", NULL};
    static const char *const det[] = {"the", NULL};
    static const char *const role_det[] = {"the", "a", "an", NULL};
    static const char *const legal[] = {"inc", "corp", "co", "ltd", "llc", "plc", "ag",
                                        "sa", "gmbh", "nv", "bv", "limited", "incorporated",
                                        "corporation", "company", NULL};
    static const char *const fuzzy_dflt[] = {"PERSON", NULL};
    static const char *const short_dflt[] = {"ORG", NULL};
    static const char *const acro_dflt[] = {"ORG", "GPE", "LOC", "FAC", "EVENT", NULL};
    memset(c, 0, sizeof *c);
    c->rules = rules;
    c->fuzzy_len1 = cfg_int(rules, "entities.fuzzy_min_length", 6, 1, 1000);
    c->fuzzy_len2 = cfg_int(rules, "entities.fuzzy2_min_length", 10, 1, 1000);
    c->fuzzy_window = (size_t)cfg_int(rules, "entities.fuzzy_window", 500, 0, 1000000);
    c->acronym_min = cfg_int(rules, "entities.acronym_min_letters", 2, 1, 64);
    c->acronym_max = cfg_int(rules, "entities.acronym_max_letters", 6, 1, 64);
    c->short_min_words = cfg_int(rules, "entities.short_form_min_words", 2, 1, 64);
    c->heading_share = nfi_rules_number(rules, "entities.heading_share", 0.7);
    cfg_types(c, c->fuzzy_type, "entities.fuzzy_types", fuzzy_dflt);
    cfg_types(c, c->short_type, "entities.short_form_types", short_dflt);
    cfg_types(c, c->acronym_type, "entities.acronym_types", acro_dflt);
    if (!cfg_words(c, &c->function_words, a, "entities.function_words", fw)) return false;
    for (uint32_t i = 0; i < c->function_words.count; i++) {
        if (!c->function_words.lens[i]) continue;
        unsigned char f = (unsigned char)c->function_words.strs[i][0];
        c->fw_first[f >> 6] |= 1ull << (f & 63);
    }
    if (!cfg_word_set(c, &c->determiners, a, "entities.strip_leading", det) ||
        !cfg_word_set(c, &c->role_determiners, a, "entities.role_strip_leading", role_det))
        return false;
    if (!cfg_words(c, &c->legal_suffixes, a, "entities.legal_suffixes", legal)) return false;
    static const char *const cand[] = {"NAME", NULL};
    if (!cfg_words(c, &c->candidate_types, a, "entities.candidate_types", cand)) return false;
    static const char *const mods[] = {"new", "former", "first", "top", "senior", "acting",
                                       "interim", "outgoing", "incoming", "then", NULL};
    if (!cfg_words(c, &c->role_modifiers, a, "entities.role_modifiers", mods)) return false;
    const nfi_setting *s = nfi_rules_setting(rules, "entities.alias_lexicons");
    if (s) {
        size_t n = nfi_setting_count(s);
        if (!n && nfi_setting_str(s)) {
            const nfi_lexicon *lx = nfi_rules_lexicon(rules, nfi_setting_str(s));
            if (lx) c->alias_lex[c->n_alias++] = lx;
        }
        for (size_t i = 0; i < n && c->n_alias < 8; i++) {
            const nfi_lexicon *lx = nfi_rules_lexicon(rules, nfi_setting_item(s, i));
            if (lx) c->alias_lex[c->n_alias++] = lx;
        }
    }
    s = nfi_rules_setting(rules, "entities.compound_parts");
    for (size_t i = 0; s && i < nfi_setting_count(s) && c->n_part < 8; i++) {
        /* "lexicon=TYPE" */
        const char *item = nfi_setting_item(s, i);
        const char *eq = item ? strchr(item, '=') : NULL;
        if (!eq) continue;
        char name[128];
        size_t nl = (size_t)(eq - item);
        if (nl >= sizeof name) continue;
        memcpy(name, item, nl);
        name[nl] = '\0';
        const nfi_lexicon *lx = nfi_rules_lexicon(rules, name);
        uint32_t t = type_from_name(eq + 1);
        if (lx && t) {
            c->part_lex[c->n_part] = lx;
            c->part_type[c->n_part++] = t;
        }
    }
    s = nfi_rules_setting(rules, "entities.legal_suffix_lexicon");
    if (s && nfi_setting_str(s)) c->legal_lex = nfi_rules_lexicon(rules, nfi_setting_str(s));
    s = nfi_rules_setting(rules, "entities.common_words_lexicon");
    if (s && nfi_setting_str(s)) c->common_lex = nfi_rules_lexicon(rules, nfi_setting_str(s));
    s = nfi_rules_setting(rules, "entities.alias_attr");
    c->alias_attr = s && nfi_setting_str(s) ? nfi_setting_str(s) : "canonical";
    return cfg_type_kinds(c, rules, a);
}

static void cfg_free(ent_cfg *c)
{
    nfi_strtab_free(&c->function_words);
    nfi_strtab_free(&c->determiners.words);
    nfi_strtab_free(&c->role_determiners.words);
    nfi_strtab_free(&c->legal_suffixes);
    nfi_strtab_free(&c->candidate_types);
    nfi_strtab_free(&c->role_modifiers);
}

/* ------------------------------------------------------------ text helpers */

/* ASCII white space: ' ', \t, \n, \v, \f, \r (one test of a bit set) */
static bool is_space(unsigned char ch)
{
    return ch <= ' ' && (0x100003E00ull >> ch & 1);
}

/* Length in bytes of a quote mark or apostrophe at s[i] (ASCII or curly), else 0. */
static size_t quote_len(const char *s, size_t i, size_t end)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[i] == '"' || u[i] == '\'' || u[i] == '`') return 1;
    if (i + 3 <= end && u[i] == 0xE2 && u[i + 1] == 0x80 &&
        (u[i + 2] >= 0x98 && u[i + 2] <= 0x9F)) /* ‘ ’ ‚ ‛ “ ” „ ‟ */
        return 3;
    if (i + 2 <= end && u[i] == 0xC2 && (u[i + 1] == 0xAB || u[i + 1] == 0xBB)) /* « » */
        return 2;
    return 0;
}

/* Length of an apostrophe (' or ’) ending at s[end), else 0. */
static size_t apostrophe_before(const char *s, size_t start, size_t end)
{
    const unsigned char *u = (const unsigned char *)s;
    if (end > start && u[end - 1] == '\'') return 1;
    if (end >= start + 3 && u[end - 3] == 0xE2 && u[end - 2] == 0x80 && u[end - 1] == 0x99)
        return 3;
    return 0;
}

/* , ; : ( ) [ ] ! ? * | (those below 64 by a bit set) */
static bool is_edge_punct(unsigned char ch)
{
    const uint64_t low = 1ull << ',' | 1ull << ';' | 1ull << ':' | 1ull << '(' | 1ull << ')' |
                         1ull << '!' | 1ull << '?' | 1ull << '*';
    return ch < 64 ? (low >> ch & 1) : (ch == '[' || ch == ']' || ch == '|');
}

/* Whether s[0,n) case-folded (ASCII) is in the table. */
static bool word_in(const nfi_strtab *t, const char *s, size_t n)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf || n > t->maxlen) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    return nfi_strtab_find(t, buf, n) != NFI_NONE;
}

/* word_in(w's words), told by the first byte when it can. */
static bool in_word_set(const word_set *w, const char *s, size_t n)
{
    if (!n) return false;
    unsigned char f = (unsigned char)s[0];
    if ((unsigned)(f - 'A') < 26u) f = (unsigned char)(f + 32);
    if (!(w->first[f >> 6] >> (f & 63) & 1)) return false;
    return word_in(&w->words, s, n);
}

/* Whether the word s[0,n) of a key (case-folded already) is a function
 * word. Most words of names are none, and the bit of their first byte
 * says so without a look-up. */
static bool key_function_word(const ent_cfg *c, const char *s, size_t n)
{
    if (n) {
        unsigned char f = (unsigned char)s[0];
        if (!(c->fw_first[f >> 6] >> (f & 63) & 1)) return false;
    }
    return nfi_strtab_find(&c->function_words, s, n) != NFI_NONE;
}

/* word_in(function words) for a word of the text (ASCII case-folded),
 * with the same first-byte test. */
static bool text_function_word(const ent_cfg *c, const char *s, size_t n)
{
    if (!n) return false;
    unsigned char f = (unsigned char)s[0];
    if ((unsigned)(f - 'A') < 26u) f = (unsigned char)(f + 32);
    if (!(c->fw_first[f >> 6] >> (f & 63) & 1)) return false;
    return word_in(&c->function_words, s, n);
}

/* The end of s[start, e) without trailing white space, closing quote
 * marks, edge punctuation, a possessive 's or ' (when possessive) and a
 * sentence period after a long word. */
static size_t trim_tail(const char *text, size_t s, size_t e, bool possessive)
{
    for (;;) {
        if (e > s && (is_space((unsigned char)text[e - 1]) ||
                      is_edge_punct((unsigned char)text[e - 1]) || text[e - 1] == '"' ||
                      text[e - 1] == '`')) {
            e--;
            continue;
        }
        if (e >= s + 3 && (unsigned char)text[e - 3] == 0xE2 &&
            (unsigned char)text[e - 2] == 0x80 && (unsigned char)text[e - 1] == 0x9D) {
            e -= 3; /* ” */
            continue;
        }
        if (possessive && e > s && (text[e - 1] == 's' || text[e - 1] == 'S')) {
            size_t ap = apostrophe_before(text, s, e - 1);
            if (ap) {
                e = e - 1 - ap;
                continue;
            }
        }
        size_t ap = e > s ? apostrophe_before(text, s, e) : 0;
        if (ap) {
            /* "Reuters'" (possessive after s) or a closing single quote */
            e -= ap;
            continue;
        }
        if (e > s && text[e - 1] == '.') {
            size_t w = e - 1;
            bool dotted = false;
            while (w > s && !is_space((unsigned char)text[w - 1])) {
                if (text[w - 1] == '.') dotted = true;
                w--;
            }
            if (!dotted && e - 1 - w >= 5) {
                e--;
                continue;
            }
        }
        return e;
    }
}

/* trim_span of a span that may need it (out of line: most need none,
 * and their test is cheaper without the registers this one saves). */
static nf_span trim_span_slow(const char *text, nf_span sp, const word_set *dets, bool possessive)
{
    size_t s = sp.start, e = trim_tail(text, sp.start, sp.end, possessive);
    for (int round = 0; round < 3; round++) {
        for (;;) {
            if (s < e && (is_space((unsigned char)text[s]) ||
                          is_edge_punct((unsigned char)text[s]))) {
                s++;
                continue;
            }
            size_t q = s < e ? quote_len(text, s, e) : 0;
            if (q) {
                s += q;
                continue;
            }
            break;
        }
        /* a leading determiner followed by white space (a first word
           longer than every determiner is none: its end is not needed) */
        size_t w = s, wmax = s + dets->words.maxlen + 1;
        while (w < e && w < wmax && !is_space((unsigned char)text[w])) w++;
        if (w < e && in_word_set(dets, text + s, w - s)) {
            s = w;
            continue;
        }
        break;
    }
    /* trim_tail stops where none of its rules applies, so it only needs
       another pass when the start moved (its bound) */
    if (s != sp.start) e = trim_tail(text, s, e, possessive);
    if (s < e && in_word_set(dets, text + s, e - s)) s = e; /* a determiner alone */
    nf_span out = {s, e};
    if (s >= e) out.start = out.end = NF_UNSET;
    return out;
}

/* Trims a span: white space, quote marks and edge punctuation on both
 * sides, leading words of dets, a trailing possessive (see trim_tail).
 * Returns an unset span when nothing is left. */
static inline nf_span trim_span(const char *text, nf_span sp, const word_set *dets,
                                bool possessive)
{
    /* the common case, a name from a capital to a letter (an s after a
       letter: no possessive): nothing to trim at its end, and at its start
       only a determiner, which begins with another letter */
    if (sp.start < sp.end) {
        unsigned char first = (unsigned char)text[sp.start], last = (unsigned char)text[sp.end - 1];
        unsigned char folded = (unsigned char)(first + 32);
        if ((unsigned)(first - 'A') < 26u && !(dets->first[folded >> 6] >> (folded & 63) & 1) &&
            ((unsigned)((last | 32u) - 'a') < 26u &&
             ((last | 32u) != 's' ||
              (sp.end - sp.start >= 2 &&
               (unsigned)(((unsigned char)text[sp.end - 2] | 32u) - 'a') < 26u))))
            return sp;
    }
    return trim_span_slow(text, sp, dets, possessive);
}

/* Writes c as UTF-8 at out; returns the bytes written (1 to 4). */
static size_t utf8_encode(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Appends c to b as UTF-8. */
static void put_utf8(nfi_buf *b, uint32_t c)
{
    char u[4];
    nfi_buf_put(b, u, utf8_encode(u, c));
}

/* ASCII letters and digits case-folded, 0 for every other byte: the
 * common case of name_key without a branch per test. */
static const unsigned char key_ascii[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* The matching key of a name: case-folded letters and digits, words
 * separated by one space; periods dropped ("U.S." = "us"), apostrophes
 * kept inside words, hyphens and other marks separate words. */
static void name_key(nfi_buf *b, const char *s, size_t n)
{
    /* a byte of the name gives at most three of the key (a space before
       "&" and after it): room for all, and ASCII is written unchecked */
    size_t start = b->len;
    if (n > SIZE_MAX / 4) return;
    if ((b->failed || b->cap - b->len < 3 * n + 6) && !nfi_buf_reserve(b, 3 * n + 4)) return;
    char *out = b->data;
    size_t o = start, i = 0;
    bool pending_space = false;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        unsigned char k = key_ascii[ch];
        if (k) { /* a run of ASCII letters and digits */
            if (pending_space && o > start) out[o++] = ' ';
            pending_space = false;
            do {
                out[o++] = (char)k;
                i++;
            } while (i < n && (k = key_ascii[(unsigned char)s[i]]) != 0);
            continue;
        }
        if (ch < 0x80) {
            i++;
            if (ch == '.') continue;
            if (ch == '\'' && o > start && !pending_space && i < n &&
                u_isalnum((UChar32)(unsigned char)s[i])) {
                out[o++] = '\'';
            } else if (ch == '&') {
                if (o > start) out[o++] = ' ';
                out[o++] = '&';
                pending_space = true;
            } else {
                pending_space = true;
            }
            continue;
        }
        uint32_t c = nfi_utf8_decode(s, n, &i);
        b->len = o;
        if (u_isalnum((UChar32)c)) {
            if (pending_space && b->len > start) nfi_buf_putc(b, ' ');
            pending_space = false;
            put_utf8(b, (uint32_t)u_foldCase((UChar32)c, U_FOLD_CASE_DEFAULT));
        } else if (c == 0x2019 && b->len > start && !pending_space && i < n &&
                   u_isalnum((UChar32)(unsigned char)s[i])) {
            nfi_buf_putc(b, '\'');
        } else {
            pending_space = true;
        }
        if (b->failed) return;
        out = b->data;
        o = b->len;
    }
    b->len = o;
    out[o] = '\0';
}

/* ------------------------------------------------------------ mentions */

/* A span of the text: offsets fit 32 bits (NFI_MAX_TEXT). */
typedef struct span32 {
    uint32_t start, end;
} span32;

/* 36 bytes: a large document has hundreds of thousands (400,000 on 10 MB
 * of news), so what every mention of a name shares is by key id
 * (r->keys, r->shapes) and what few mentions have (a role, a hint) is in
 * a side table. */
typedef struct mention {
    span32 span;
    uint32_t key_id;  /* its normalised name's id in r->keys: one per distinct name */
    uint32_t order;   /* annotation index (emission order of the engine); past
                         the annotations for a compound's parts (mention_rule) */
    union {
        int32_t priority; /* the rule's, read by resolve_overlaps only */
        uint32_t group;   /* from make_keys on: exact-name group, then union-find root */
    };
    uint32_t twin;    /* the first mention of the same bytes (make_keys) */
    uint32_t hint;    /* canonical hint from the rules or the alias lexicon:
                         index in r->hints, or NO_HINT */
    uint32_t role;    /* the role's span: index in r->roles, or ROLE_NONE */
    uint8_t type;
    uint8_t quality;    /* case_quality + 1, or 0 before its first use */
    bool acronym : 1;
    bool alias : 1;     /* ident comes from a hint */
    bool candidate : 1; /* a NAME candidate: typed by its guess or by the cluster it joins */
    bool adopt : 1;     /* takes the type of the cluster it joined */
    bool drop : 1;      /* lost to an overlapping candidate */
    bool sticky : 1;    /* its type holds for the document's places of that name */
} mention;

/* The words of a key, the same for all its mentions: in r->shapes by key id. */
typedef struct key_shape {
    uint32_t nwords;    /* words of the key */
    uint32_t ncontent;  /* words that are not function words */
    uint32_t first_len; /* bytes of the first word */
    uint32_t last_off;  /* offset of the last word */
} key_shape;

#define NO_HINT UINT32_MAX
#define ROLE_NONE UINT32_MAX


enum { ALIAS_MEMO = 256 };

typedef struct resolver {
    nf_doc *doc;
    const nfi_engine_ws *engine; /* the one that ran on doc, or NULL */
    const char *text;
    const ent_cfg *cfg; /* the workspace's */
    nfi_arena scratch;
    nfi_buf buf;
    NFI_VEC(mention) m;
    NFI_VEC(span32) roles;        /* mention.role */
    NFI_VEC(const char *) hints;  /* mention.hint: the rules' and lexicons' strings */
    nfi_strtab keys;     /* the mentions' keys (and their hints'), each once */
    key_shape *shapes;   /* key id -> its words (the mentions' keys only) */
    size_t shapes_cap;
    uint32_t ngroups;
    uint32_t *parent;
    uint32_t *best;      /* group root -> best mention index */
    size_t *first_start; /* group root -> earliest mention start */
    size_t *last_seen;   /* group root -> latest mention start passed in the sweep */
    bool *seen;
    /* per sentence, computed on first use (0 unknown, 1 no, 2 yes), so
     * that many names in one long sentence do not each walk it */
    unsigned char *sent_heading, *sent_lower;
    /* whether an entry of each alias lexicon may begin with a token, as
       bits by the token's form id + 1 (a name recurs in a story; 0, as
       the resolver starts: none yet) */
    uint32_t alias_form[ALIAS_MEMO];
    uint8_t alias_start[ALIAS_MEMO];
    /* the sentence of the last start asked (sentence_of): the rules give
       one span several times in a row; and where the look-up got to (the
       starts come in text order): its token (nfi_doc_token_at) and the
       number of sentences that begin at or before that token */
    size_t sent_start;
    uint32_t sent_index;
    size_t sent_tok, sent_begun;
} resolver;

_Static_assert(sizeof(mention) == 36, "mention stays 36 bytes");

static inline const char *key_of(const resolver *r, const mention *m)
{
    return r->keys.strs[m->key_id];
}
static inline uint32_t keylen_of(const resolver *r, const mention *m)
{
    return r->keys.lens[m->key_id];
}
static inline const key_shape *shape_of(const resolver *r, const mention *m)
{
    return &r->shapes[m->key_id];
}
static inline const char *hint_of(const resolver *r, const mention *m)
{
    return m->hint == NO_HINT ? NULL : r->hints.items[m->hint];
}

/* Gives m the hint h (the rules' or a lexicon's string): a name's hint
 * repeats its pointer, so the last one given is reused. */
static nf_status set_hint(resolver *r, mention *m, const char *h)
{
    if (!r->hints.len || r->hints.items[r->hints.len - 1] != h) {
        const char **slot = nfi_vec_push(&r->hints);
        if (!slot) return NF_ERR_NOMEM;
        *slot = h;
    }
    m->hint = (uint32_t)(r->hints.len - 1);
    return NF_OK;
}

/* Gives m the role span [start, end). */
static nf_status set_role(resolver *r, mention *m, size_t start, size_t end)
{
    span32 *slot = nfi_vec_push(&r->roles);
    if (!slot) return NF_ERR_NOMEM;
    slot->start = (uint32_t)start, slot->end = (uint32_t)end;
    m->role = (uint32_t)(r->roles.len - 1);
    return NF_OK;
}

/* count elements of size bytes from the resolver's scratch arena (at
 * least one, zeroed when asked): the document's arrays go with the
 * arena in one step, without a malloc and a free each. NULL on OOM. */
static void *scratch_array(resolver *r, size_t count, size_t size, bool zeroed)
{
    if (!count) count = 1;
    if (count > SIZE_MAX / size) return NULL;
    return zeroed ? nfi_arena_alloc(&r->scratch, count * size)
                  : nfi_arena_alloc_raw(&r->scratch, count * size);
}

/* An index from a string key to group ids: pairs sorted by key id. */
typedef struct key_pair {
    uint32_t key;
    uint32_t group;
} key_pair;

typedef struct key_index {
    NFI_VEC(key_pair) pairs;
    /* the key ids that have pairs, as bits (index_sort): most look-ups
       are of a key the index does not have, told without a search */
    const uint64_t *has;
} key_index;

static int cmp_by_start(const void *a, const void *b)
{
    const mention *x = a, *y = b;
    if (x->span.start != y->span.start) return x->span.start < y->span.start ? -1 : 1;
    if (x->span.end != y->span.end) return x->span.end > y->span.end ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Preference among overlapping candidates: higher priority, longer, earlier
 * start, earlier rule. */
static int cmp_pref(const void *a, const void *b)
{
    const mention *x = *(const mention *const *)a, *y = *(const mention *const *)b;
    if (x->candidate != y->candidate) return x->candidate ? 1 : -1;
    if (x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
    size_t lx = x->span.end - x->span.start, ly = y->span.end - y->span.start;
    if (lx != ly) return lx > ly ? -1 : 1;
    if (x->span.start != y->span.start) return x->span.start < y->span.start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_pair(const void *a, const void *b)
{
    const key_pair *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* ------------------------------------------------------------ step 1: candidates */

/* Whether s[0,n) has an upper-case letter, and whether it has a lower-case one. */
static void letter_cases(const char *s, size_t n, bool *upper, bool *lower)
{
    *upper = *lower = false;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            i++;
            if (ch >= 'A' && ch <= 'Z') *upper = true;
            if (ch >= 'a' && ch <= 'z') *lower = true;
        } else {
            uint32_t c = nfi_utf8_next(s, n, &i);
            if (u_isupper((UChar32)c)) *upper = true;
            if (u_islower((UChar32)c)) *lower = true;
        }
        if (*upper && *lower) return; /* nothing after can change the answer */
    }
}

/* Whether the span begins a sentence or a line (where every word has a capital). */
static bool at_sentence_start(const nf_doc *doc, size_t start)
{
    size_t ti = nfi_doc_token_at(doc, start);
    if (ti >= doc->tokens.len || doc->tokens.items[ti].span.start != start) return false;
    const nfi_token *t = &doc->tokens.items[ti];
    if (t->flags & (NF_TOKEN_LINE_START | NF_TOKEN_PARA_START)) return true;
    /* skip opening quotes and brackets before the name */
    size_t k = ti;
    while (k > 0 && (doc->tokens.items[k - 1].kind == NF_TOKEN_QUOTE ||
                     (doc->tokens.items[k - 1].kind == NF_TOKEN_PUNCT &&
                      doc->work[doc->tokens.items[k - 1].span.start] == '(')))
        k--;
    uint32_t si = nfi_token_sentence(doc, ti);
    if (si < doc->sentences.len && doc->sentences.items[si].first_token == k) return true;
    return k < ti && (doc->tokens.items[k].flags & NF_TOKEN_LINE_START);
}

/* Whether the sentence holding byte start reads like a heading: no
 * sentence-final mark and most words capitalised ("Challenges in Local
 * Employment"), where capitals say nothing about names. */
static bool sentence_is_heading(const resolver *r, uint32_t si);

static size_t token_from(const nf_doc *doc, size_t ti, size_t offset);

/* token_from(doc, ti, offset) when the token is near or the one after it
 * (the first token of the annotation a span comes from, and the one after
 * a determiner trimmed): a test or two instead of a search. */
static size_t token_near(const nf_doc *doc, size_t near, size_t ti, size_t offset)
{
    const nfi_token *t = doc->tokens.items;
    for (size_t k = near; k < near + 2 && k < doc->tokens.len; k++)
        if (t[k].span.end > offset && (k == 0 || t[k - 1].span.end <= offset)) return k;
    return token_from(doc, ti, offset);
}

/* Whether item i of a document's array is at or before key (a sorted
 * array's test for gallop). */
typedef bool (*at_or_before_fn)(const nf_doc *doc, size_t i, size_t key);

/* The first index in (lo, n) whose item is not at or before key, given that
 * item lo is (a cursor moving forward): doubling steps from lo, then a
 * binary search, so that a far jump costs a few probes. Always inline, so
 * that the test, a constant, is inlined too. */
static NFI_HOT_INLINE size_t gallop(const nf_doc *doc, size_t lo, size_t n, size_t key,
                                    at_or_before_fn at_or_before)
{
    size_t step = 1;
    while (lo + step < n && at_or_before(doc, lo + step, key)) {
        lo += step;
        step *= 2;
    }
    size_t hi = lo + step < n ? lo + step : n;
    lo++;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at_or_before(doc, mid, key))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool sentence_begins_by(const nf_doc *doc, size_t i, size_t ti)
{
    return doc->sentences.items[i].first_token <= ti;
}

/* The number of sentences that begin at or before token ti, counting on
 * from begun (that many begin at or before an earlier token). */
static size_t sentences_begun(const nf_doc *doc, size_t begun, size_t ti)
{
    if (begun >= doc->sentences.len || !sentence_begins_by(doc, begun, ti)) return begun;
    return gallop(doc, begun, doc->sentences.len, ti, sentence_begins_by);
}

/* The index of the sentence holding byte start, or NFI_NONE: that of
 * nfi_token_sentence (0 for a token between sentences) of the token
 * nfi_doc_token_at gives, found at token near or the one after (the
 * span's annotation's first token), else from where the last start's
 * look-up got to when start is not before it. */
static uint32_t sentence_of(resolver *r, size_t start, size_t near)
{
    if (start == r->sent_start) return r->sent_index;
    const nf_doc *doc = r->doc;
    if (r->sent_start == SIZE_MAX || start < r->sent_start) r->sent_tok = r->sent_begun = 0;
    size_t ti = token_near(doc, near, r->sent_tok, start);
    uint32_t si = NFI_NONE;
    if (ti < doc->tokens.len) {
        size_t begun = sentences_begun(doc, r->sent_begun, ti);
        const nf_sentence *se = doc->sentences.items;
        si = begun && ti < se[begun - 1].first_token + se[begun - 1].token_count
                 ? (uint32_t)(begun - 1)
                 : 0;
        if (si >= doc->sentences.len) si = NFI_NONE;
        r->sent_begun = begun;
    }
    r->sent_tok = ti;
    r->sent_start = start;
    r->sent_index = si;
    return si;
}

static bool in_heading(resolver *r, size_t start, size_t near)
{
    uint32_t si = sentence_of(r, start, near);
    if (si == NFI_NONE) return false;
    if (r->sent_heading && r->sent_heading[si]) return r->sent_heading[si] == 2;
    bool h = sentence_is_heading(r, si);
    if (r->sent_heading) r->sent_heading[si] = h ? 2 : 1;
    return h;
}

static bool sentence_is_heading(const resolver *r, uint32_t si)
{
    const nf_doc *doc = r->doc;
    const nf_sentence *se = &doc->sentences.items[si];
    if (!se->token_count) return false;
    const nfi_token *last = &doc->tokens.items[se->first_token + se->token_count - 1];
    char lc = doc->work[last->span.end - 1];
    if (lc == '.' || lc == '!' || lc == '?' || last->kind == NF_TOKEN_QUOTE) return false;
    size_t words = 0, caps = 0;
    for (size_t k = 0; k < se->token_count; k++) {
        const nfi_token *t = &doc->tokens.items[se->first_token + k];
        if (t->kind != NF_TOKEN_WORD) continue;
        words++;
        if (t->flags & NF_TOKEN_CAPITALIZED) caps++;
    }
    return words >= 3 && (double)caps >= r->cfg->heading_share * (double)words;
}

/* Case-folds s[0,n) into out (cap bytes), code point by code point;
 * returns the length, or 0 when it does not fit. */
static size_t fold_into(const char *s, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        char u[4];
        size_t k = utf8_encode(u, cp_fold(nfi_utf8_next(s, n, &i)));
        if (len + k >= cap) return 0;
        memcpy(out + len, u, k);
        len += k;
    }
    return len;
}

static inline bool token_ends_by(const nf_doc *doc, size_t i, size_t offset)
{
    return doc->tokens.items[i].span.end <= offset;
}

/* nfi_doc_token_at(doc, offset) for an offset at or after the end of
 * token ti - 1 (a cursor moving forward through the text). */
static size_t token_from(const nf_doc *doc, size_t ti, size_t offset)
{
    if (ti >= doc->tokens.len || !token_ends_by(doc, ti, offset)) return ti;
    return gallop(doc, ti, doc->tokens.len, offset, token_ends_by);
}

/* Room for extra more mentions, made at once: the doubling of a growing
 * array would leave up to half of it unused, copying it at each step. */
static bool mentions_reserve(resolver *r, size_t extra)
{
    if (r->m.cap - r->m.len >= extra) return true;
    if (extra > SIZE_MAX / sizeof(mention) - r->m.len) return false;
    mention *p = realloc(r->m.items, (r->m.len + extra) * sizeof *p);
    if (!p) return false;
    r->m.items = p;
    r->m.cap = r->m.len + extra;
    return true;
}

/* Parts of hyphenated words whose every part is a known name of a
 * compound-part lexicon ("U.S.-Russia talks", "Israeli-Palestinian"):
 * each part is a mention. The tokenizer keeps such words whole. */
static nf_status split_compounds(resolver *r)
{
    const nf_doc *doc = r->doc;
    if (!r->cfg->n_part) return NF_OK;
    NFI_VEC(mention) parts = {0}; /* few: added to r->m at the end in one step */
    /* the tokens with a hyphen, found by the text's hyphens (memchr over
       the text rather than a test of every token) */
    size_t ti = 0, pos = 0, len = doc->len;
    for (;;) {
        const char *hyphen = pos < len ? memchr(r->text + pos, '-', len - pos) : NULL;
        if (!hyphen) break;
        size_t off = (size_t)(hyphen - r->text);
        ti = token_from(doc, ti, off);
        if (ti >= doc->tokens.len) break;
        const nfi_token *t = &doc->tokens.items[ti];
        if (t->span.start > off) { /* a hyphen outside the tokens */
            pos = off + 1;
            continue;
        }
        pos = t->span.end;
        if (t->kind != NF_TOKEN_WORD || !(t->flags & NF_TOKEN_CAPITALIZED)) continue;
        const char *w = r->text + t->span.start;
        size_t n = t->span.end - t->span.start;
        size_t part_s[8], part_e[8];
        uint32_t part_t[8];
        const nfi_lexicon *part_l[8];
        size_t np = 0, p = 0;
        bool ok = true;
        while (p <= n && ok) {
            size_t q = p;
            while (q < n && w[q] != '-') q++;
            char f[64];
            size_t fl = q > p ? fold_into(w + p, q - p, f, sizeof f) : 0;
            ok = fl > 0 && np < 8 && ((unsigned char)w[p] >= 'A' && (unsigned char)w[p] <= 'Z');
            if (ok) {
                ok = false;
                /* one look-up of the word for all the lexicons */
                uint32_t word = nfi_lexicon_word(r->cfg->rules, f, fl);
                for (size_t l = 0; l < r->cfg->n_part && !ok; l++) {
                    if (nfi_lexicon_has_word(r->cfg->part_lex[l], word)) {
                        part_s[np] = t->span.start + p;
                        part_e[np] = t->span.start + q;
                        part_t[np] = r->cfg->part_type[l];
                        part_l[np] = r->cfg->part_lex[l];
                        np++;
                        ok = true;
                    }
                }
            }
            p = q + 1;
        }
        if (!ok || np < 2) continue;
        for (size_t k = 0; k < np; k++) {
            mention *m = nfi_vec_push(&parts);
            if (!m) goto nomem;
            m->span.start = (uint32_t)part_s[k];
            m->span.end = (uint32_t)part_e[k];
            m->role = ROLE_NONE;
            m->hint = NO_HINT;
            m->type = (uint8_t)part_t[k];
            /* after every annotation (a text under 4 GiB has fewer tokens) */
            m->order = (uint32_t)(doc->anns.len + ti);
            char f[64];
            size_t fl = fold_into(r->text + part_s[k], part_e[k] - part_s[k], f, sizeof f);
            const char *h = fl ? nfi_lexicon_attr(part_l[k], f, fl, r->cfg->alias_attr) : NULL;
            if (h && h[0] && set_hint(r, m, h) != NF_OK) goto nomem;
        }
    }
    if (parts.len) {
        if (!mentions_reserve(r, parts.len)) goto nomem;
        memcpy(r->m.items + r->m.len, parts.items, parts.len * sizeof *parts.items);
        r->m.len += parts.len;
    }
    nfi_vec_free(&parts);
    return NF_OK;
nomem:
    nfi_vec_free(&parts);
    return NF_ERR_NOMEM;
}

static bool is_acronym(const ent_cfg *c, const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            letters++;
        else if (ch != '.' && ch != '&')
            return false;
    }
    return letters >= c->acronym_min && letters <= c->acronym_max;
}

/* The letter cases of a span (letter_cases), made on first use. */
typedef struct span_cases {
    bool known, upper, lower;
} span_cases;

static void span_cases_need(span_cases *c, const char *s, size_t n)
{
    if (c->known) return;
    letter_cases(s, n, &c->upper, &c->lower);
    c->known = true;
}

/* Whether the sentence holding byte start has a word with a lower-case
 * letter (it is not a shouted headline). */
static bool sentence_has_lower(resolver *r, size_t start, size_t near)
{
    const nf_doc *doc = r->doc;
    uint32_t si = sentence_of(r, start, near);
    if (si == NFI_NONE) return false;
    if (r->sent_lower && r->sent_lower[si]) return r->sent_lower[si] == 2;
    const nf_sentence *se = &doc->sentences.items[si];
    bool found = false;
    for (size_t k = 0; k < se->token_count && !found; k++) {
        const nfi_token *t = &doc->tokens.items[se->first_token + k];
        if (t->kind == NF_TOKEN_WORD && !(t->flags & NF_TOKEN_ALL_UPPER)) {
            bool up, low;
            letter_cases(doc->work + t->span.start, t->span.end - t->span.start, &up, &low);
            found = low;
        }
    }
    if (r->sent_lower) r->sent_lower[si] = found ? 2 : 1;
    return found;
}

/* The attributes collect reads, found in one pass over an annotation's
 * (the first of each key, as nfi_ann_attr finds it). */
enum { AA_GUESS, AA_NAME, AA_ROLE, AA_CANONICAL, AA_AMBIGUOUS, AA_LOWER, AA_STICKY, AA_COUNT };
typedef struct ann_attrs {
    const nfi_attr *v[AA_COUNT];
} ann_attrs;

static int attr_slot(const char *k)
{
    static const char *const names[AA_COUNT] = {"guess", "name", "role", "canonical",
                                                "ambiguous", "lower", "sticky"};
    for (int i = 0; i < AA_COUNT; i++)
        if (k[0] == names[i][0] && strcmp(k, names[i]) == 0) return i;
    return -1;
}

/* attr_slot by the key's pointer: the keys are the rules' strings, so a
 * document's annotations repeat a few pointers (some dozens on a news
 * story: 32 slots let them evict each other, and the misses compare). */
enum { KEY_CACHE_BITS = 7, KEY_CACHE = 1 << KEY_CACHE_BITS };
typedef struct key_cache {
    const char *key[KEY_CACHE];
    int8_t slot[KEY_CACHE];
} key_cache;

static void ann_attrs_get(const nf_doc *doc, const nfi_ann *a, key_cache *kc, ann_attrs *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < a->attr_count; i++) {
        const nfi_attr *at = &doc->attrs.items[a->attr_start + i];
        size_t h = ptr_slot(at->key, KEY_CACHE_BITS);
        if (kc->key[h] != at->key) {
            kc->key[h] = at->key;
            kc->slot[h] = (int8_t)attr_slot(at->key);
        }
        int slot = kc->slot[h];
        if (slot >= 0 && !out->v[slot]) out->v[slot] = at;
    }
}

static bool value_true(const nfi_attr *at)
{
    return at && at->value && at->value[0] && strcmp(at->value, "0") != 0 &&
           strcmp(at->value, "false") != 0 && strcmp(at->value, "no") != 0;
}

/* type_kind_of an annotation's type: by its id in the rules' table (the
 * document's names are that table when nf_extract made it), else by its
 * name. */
static inline uint8_t ann_kind(const ent_cfg *c, const nf_doc *doc, const nfi_ann *a)
{
    if (doc->type_names == c->type_names && a->type_id < c->ntypes)
        return c->kind_by_type[a->type_id];
    return type_kind_of(c, nfi_ann_type(doc, a));
}

/* Whether cmp_pref puts x before y. */
static bool preferred(const mention *x, const mention *y)
{
    return cmp_pref(&x, &y) < 0;
}

/* Whether m is preferred (cmp_pref) to every mention of its span
 * collected after it whose rule's priority is the one given: a typed
 * mention of a priority at least theirs (they come later). */
static bool beats_later_twins(const mention *m, int32_t priority)
{
    return !m->candidate && m->priority >= priority;
}

/* The last mention collected when its span is sp, else NULL. */
static mention *last_of_span(resolver *r, span32 sp)
{
    if (!r->m.len) return NULL;
    mention *last = &r->m.items[r->m.len - 1];
    return last->span.start == sp.start && last->span.end == sp.end ? last : NULL;
}

static nf_status collect(resolver *r)
{
    nf_doc *doc = r->doc;
    key_cache kc;
    memset(&kc, 0, sizeof kc);
    /* the engine emits annotations in text order, and rules that match the
       same words emit one span several times in a row: the last span
       trimmed answers the repeats */
    nf_span last_raw = {NF_UNSET, NF_UNSET}, last_trim = {NF_UNSET, NF_UNSET};
    span_cases cases = {false, false, false}; /* of last_trim */
    /* room for a mention per annotation: a count of those of an entity
       type would take a pass over them all, and the room left over is
       never written (on a large document, where it counts, its pages are
       never touched) */
    if (!mentions_reserve(r, doc->anns.len)) return NF_ERR_NOMEM;
    for (size_t i = 0; i < doc->anns.len; i++) {
        const nfi_ann *a = &doc->anns.items[i];
        if (a->flags & NFI_ANN_REMOVED) continue;
        uint8_t kind = ann_kind(r->cfg, doc, a);
        if (!kind) continue;
        ann_attrs aa;
        ann_attrs_get(doc, a, &kc, &aa);
        uint32_t type = kind == ENT_CAND ? 0 : kind;
        bool candidate = false;
        if (!type) {
            candidate = true;
            const nfi_attr *g = aa.v[AA_GUESS];
            type = g && g->value ? type_from_name(g->value) : 0;
        }
        bool from_guess = candidate && type;
        nf_span sp = nfi_ann_span(doc, a);
        const nfi_attr *at = aa.v[AA_NAME];
        if (at && at->span.start != NFI_NONE && at->span.end <= doc->len &&
            at->span.start < at->span.end)
            sp = nfi_attr_span(at);
        if (sp.start == NF_UNSET || sp.end > doc->len || sp.start >= sp.end) continue;
        if (sp.start != last_raw.start || sp.end != last_raw.end) {
            last_raw = sp;
            last_trim = trim_span(r->text, sp, &r->cfg->determiners, true);
            cases.known = false;
        }
        sp = last_trim;
        if (sp.start == NF_UNSET) continue;
        /* rules that match the same words give one span several times in
           a row (four mentions in ten on news): of one span's mentions
           resolve_overlaps keeps at most the one preferred, whatever else
           overlaps them, so the others are left out here (at once when the
           last one would beat any) */
        span32 span = {(uint32_t)sp.start, (uint32_t)sp.end};
        int32_t priority = nfi_ann_priority(a);
        mention *twin = last_of_span(r, span);
        if (twin && beats_later_twins(twin, priority)) continue;
        /* a name written without capitals, or a name that is also a common
         * word where every word has a capital, is only a candidate: it
         * counts when the document has it elsewhere in a reliable form */
        const char *s = r->text + sp.start;
        size_t n = sp.end - sp.start;
        if (from_guess) {
            /* a guess needs capitals in a sentence that is not a heading */
            span_cases_need(&cases, s, n);
            bool up = cases.upper, low = cases.lower;
            bool acro = !low && is_acronym(r->cfg, s, n);
            if (!up || (!low && !(acro && sentence_has_lower(r, sp.start, a->tok_start))) ||
                in_heading(r, sp.start, a->tok_start))
                type = 0;
        } else if (type && !candidate) {
            /* a name that begins with a capital has one: its other letters
               matter only when it is also a common word */
            bool ambiguous = value_true(aa.v[AA_AMBIGUOUS]);
            bool first_upper = (unsigned)((unsigned char)s[0] - 'A') < 26u;
            if (ambiguous || !first_upper) span_cases_need(&cases, s, n);
            bool up = first_upper || cases.upper, low = cases.lower;
            if (!up && ambiguous) continue; /* "turkey", "reading" */
            if ((!up && !value_true(aa.v[AA_LOWER])) ||
                (ambiguous && (!low || at_sentence_start(doc, sp.start)))) {
                candidate = true;
                type = 0;
            }
        }
        mention nm;
        memset(&nm, 0, sizeof nm);
        nm.span = span;
        nm.role = ROLE_NONE;
        nm.hint = NO_HINT;
        nm.type = (uint8_t)type;
        nm.candidate = candidate;
        nm.priority = priority;
        nm.order = (uint32_t)i;
        if (twin && preferred(twin, &nm)) continue;
        /* a role that ends in a modifier was no title: "the new U.S. ..." */
        nf_span role = {NF_UNSET, NF_UNSET};
        at = aa.v[AA_ROLE];
        if (at && at->span.start != NFI_NONE && at->span.end <= doc->len &&
            at->span.start < at->span.end) {
            role = trim_span(r->text, nfi_attr_span(at), &r->cfg->role_determiners, false);
            size_t w = role.end;
            while (role.start != NF_UNSET && w > role.start &&
                   !is_space((unsigned char)r->text[w - 1]))
                w--;
            if (role.start != NF_UNSET &&
                word_in(&r->cfg->role_modifiers, r->text + w, role.end - w))
                continue;
        }
        mention *m = twin ? twin : nfi_vec_push(&r->m);
        if (!m) return NF_ERR_NOMEM;
        *m = nm;
        if (role.start != NF_UNSET && (role.end <= sp.start || role.start >= sp.end) &&
            set_role(r, m, role.start, role.end) != NF_OK)
            return NF_ERR_NOMEM;
        at = aa.v[AA_CANONICAL];
        if (at && at->value && at->value[0] && set_hint(r, m, at->value) != NF_OK)
            return NF_ERR_NOMEM;
        m->sticky = type && !candidate && value_true(aa.v[AA_STICKY]);
    }
    return split_compounds(r);
}

/* ------------------------------------------------------------ step 2: overlaps */

/* Whether mention x goes before mention y in r->m (cmp_by_start): the
 * earlier start, then the longer span, then the one pushed first (collect
 * and split_compounds push in the order of the order field). */
static inline bool goes_before(const mention *m, uint32_t x, uint32_t y)
{
    if (m[x].span.start != m[y].span.start) return m[x].span.start < m[y].span.start;
    if (m[x].span.end != m[y].span.end) return m[x].span.end > m[y].span.end;
    return x < y;
}

/* The end of the sorted run of idx (mentions' indexes) that holds
 * idx[i - 1] (the run goes on at least to i). */
static size_t run_end(const mention *m, const uint32_t *idx, size_t i, size_t n)
{
    while (i < n && goes_before(m, idx[i - 1], idx[i])) i++;
    return i;
}

/* Merges the sorted runs src[lo,mid) and src[mid,hi) into dst[lo,hi). */
static void merge_runs(const mention *m, const uint32_t *src, size_t lo, size_t mid, size_t hi,
                       uint32_t *dst)
{
    size_t a = lo, b = mid, o = lo;
    while (a < mid && b < hi) dst[o++] = goes_before(m, src[b], src[a]) ? src[b++] : src[a++];
    while (a < mid) dst[o++] = src[a++];
    while (b < hi) dst[o++] = src[b++];
}

/* Whether x's span goes strictly before y's: the earlier start, then the
 * longer span. */
static inline bool span_before(const mention *x, const mention *y)
{
    return x->span.start < y->span.start ||
           (x->span.start == y->span.start && x->span.end > y->span.end);
}

/* Sorts m[0,n) by span_before, stably, by insertion while it stays cheap:
 * the mentions come nearly in order (a span trimmed of "the" or given by
 * a name attribute, a compound's parts at the end, move a few places: on
 * news about one move in five mentions, by a place or two). After moves
 * shifts it stops, the mentions still in their order but for a part put
 * in order (every mention passed over only greater ones): false. */
static bool insertion_by_start(mention *m, size_t n, size_t moves)
{
    for (size_t i = 1; i < n; i++) {
        if (!span_before(&m[i], &m[i - 1])) continue;
        mention v = m[i];
        size_t j = i;
        do {
            m[j] = m[j - 1];
            j--;
            if (!moves--) {
                m[j] = v;
                return false;
            }
        } while (j > 0 && span_before(&v, &m[j - 1]));
        m[j] = v;
    }
    return true;
}

/* Sorts m[0,n) by cmp_by_start (where the mentions' order field is their
 * push order, so stably by span_before): by insertion when they are
 * nearly in order, else without a second copy of the mentions (a large
 * document has hundreds of thousands of them): the annotations come in a
 * few sorted runs (one a phase, about), so a natural merge sort of the
 * mentions' indexes takes a few passes of 8 bytes a mention; then each
 * mention moves once, along the cycles of the permutation. */
static nf_status sort_by_start(mention *m, size_t n)
{
    if (insertion_by_start(m, n, 4 * n + 64)) return NF_OK;
    size_t i = 1;
    if (n > UINT32_MAX) {
        nfi_sort(m, n, sizeof *m, cmp_by_start);
        return NF_OK;
    }
    uint32_t *idx = malloc(2 * n * sizeof *idx), *tmp = idx + n;
    if (!idx) return NF_ERR_NOMEM;
    uint32_t *const block = idx;
    for (i = 0; i < n; i++) idx[i] = (uint32_t)i;
    /* each pass merges pairs of neighbouring runs, until one is left */
    for (size_t first = run_end(m, idx, 1, n); first < n;) {
        for (size_t lo = 0; lo < n;) {
            size_t mid = lo ? run_end(m, idx, lo + 1, n) : first;
            size_t hi = mid < n ? run_end(m, idx, mid + 1, n) : n;
            merge_runs(m, idx, lo, mid, hi, tmp);
            if (!lo) first = hi; /* the first run of the next pass */
            lo = hi;
        }
        uint32_t *t = idx;
        idx = tmp;
        tmp = t;
        if (first < n) first = run_end(m, idx, first, n);
    }
    /* idx[j] is the old place of the mention that goes to j */
    for (i = 0; i < n; i++) {
        if (idx[i] == i) continue;
        mention keep = m[i];
        size_t j = i;
        for (;;) {
            size_t from = idx[j];
            idx[j] = (uint32_t)j;
            if (from == i) {
                m[j] = keep;
                break;
            }
            m[j] = m[from];
            j = from;
        }
    }
    free(block);
    return NF_OK;
}

/* Sorts overlapping candidates by cmp_pref: a few, by insertion with
 * direct calls (cmp_pref is a total order: the result is nfi_sort's). */
static void sort_pref(mention **c, size_t k)
{
    if (k > 16) {
        nfi_sort(c, k, sizeof *c, cmp_pref);
        return;
    }
    for (size_t x = 1; x < k; x++) {
        mention *v = c[x];
        size_t y = x;
        for (; y > 0 && cmp_pref(&c[y - 1], &v) > 0; y--) c[y] = c[y - 1];
        c[y] = v;
    }
}

static nf_status resolve_overlaps(resolver *r)
{
    mention *m = r->m.items;
    size_t n = r->m.len;
    if (!n) return NF_OK;
    nf_status st = sort_by_start(m, n);
    if (st != NF_OK) return st;
    mention **comp = NULL;
    span32 *acc = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1, end = m[i].span.end;
        while (j < n && m[j].span.start < end) {
            if (m[j].span.end > end) end = m[j].span.end;
            j++;
        }
        size_t k = j - i;
        if (k == 2) {
            /* the common case, one span given by two rules: the two overlap,
               and the one preferred stays */
            mention *a = &m[i], *b = &m[i + 1];
            (preferred(a, b) ? b : a)->drop = true;
        } else if (k > 1) {
            if (k > cap) {
                mention **c2 = realloc(comp, k * sizeof *comp);
                if (c2) comp = c2;
                span32 *a2 = c2 ? realloc(acc, k * sizeof *acc) : NULL;
                if (a2) acc = a2;
                if (!c2 || !a2) {
                    free(comp);
                    free(acc);
                    return NF_ERR_NOMEM;
                }
                cap = k;
            }
            for (size_t t = 0; t < k; t++) comp[t] = &m[i + t];
            sort_pref(comp, k);
            size_t nacc = 0;
            for (size_t t = 0; t < k; t++) {
                span32 s = comp[t]->span;
                /* accepted spans are sorted by start: find the insertion point */
                size_t lo = 0, hi = nacc;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (acc[mid].start < s.start)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                bool clash = (lo > 0 && acc[lo - 1].end > s.start) ||
                             (lo < nacc && acc[lo].start < s.end);
                if (clash) {
                    comp[t]->drop = true;
                    continue;
                }
                memmove(acc + lo + 1, acc + lo, (nacc - lo) * sizeof *acc);
                acc[lo] = s;
                nacc++;
            }
        }
        i = j;
    }
    free(comp);
    free(acc);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!m[i].drop) m[kept++] = m[i];
    r->m.len = kept;
    /* about half the candidates lose: their room goes back before the
       keys and groups are made */
    nfi_vec_shrink(&r->m);
    return NF_OK;
}

/* ------------------------------------------------------------ step 3: keys */

/* The id in r->keys of the key in r->buf (NFI_NONE when out of memory). */
static uint32_t keep_key(resolver *r)
{
    if (r->buf.failed) return NFI_NONE;
    return nfi_strtab_intern(&r->keys, r->buf.data, r->buf.len);
}

/* The hint of an alias lexicon entry that covers exactly the mention; ti
 * is the token nfi_doc_token_at gives for its start. */
static const char *alias_hint(resolver *r, const mention *m, size_t ti)
{
    const nf_doc *doc = r->doc;
    if (!r->cfg->n_alias || !doc->tokens.len) return NULL;
    if (ti >= doc->tokens.len || doc->tokens.items[ti].span.start != m->span.start)
        return NULL;
    uint32_t form = doc->tokens.items[ti].norm;
    size_t slot = form & (ALIAS_MEMO - 1);
    if (r->alias_form[slot] != form + 1) {
        /* the token's word as the engine found it: a look-up in the rules'
           large vocabulary is mostly cache misses */
        uint32_t word;
        if (!nfi_ws_token_word(r->engine, doc, ti, &word)) {
            const char *f = nf_doc_form(doc, form);
            word = f ? nfi_lexicon_word(r->cfg->rules, f, strlen(f)) : NFI_NONE;
        }
        uint8_t bits = 0;
        for (size_t l = 0; l < r->cfg->n_alias; l++)
            if (nfi_lexicon_may_start_word(r->cfg->alias_lex[l], word)) bits |= (uint8_t)(1u << l);
        r->alias_form[slot] = form + 1;
        r->alias_start[slot] = bits;
    }
    for (size_t l = 0; l < r->cfg->n_alias; l++) {
        if (!(r->alias_start[slot] >> l & 1)) continue; /* no entry begins so */
        const void *entry = NULL;
        size_t k = nfi_lexicon_match(r->cfg->alias_lex[l], doc, ti, &entry);
        if (!k || ti + k > doc->tokens.len) continue;
        if (doc->tokens.items[ti + k - 1].span.end != m->span.end) continue;
        const char *v = nfi_lexicon_entry_attr(r->cfg->alias_lex[l], entry, r->cfg->alias_attr);
        if (v && v[0]) return v;
    }
    return NULL;
}
/* The type of the first mention of each name, by key id (0: none): in
 * typed of the typed, kept mentions that are not candidates, in sticky of
 * the kept mentions with a sticky type (one walk for both: retyping
 * candidates by typed changes neither). */
static void first_type_by_name(const resolver *r, uint8_t *typed, uint8_t *sticky)
{
    memset(typed, 0, r->keys.count ? r->keys.count : 1);
    memset(sticky, 0, r->keys.count ? r->keys.count : 1);
    for (size_t i = 0; i < r->m.len; i++) {
        const mention *m = &r->m.items[i];
        if (m->drop) continue;
        if (!m->candidate && m->type && !typed[m->key_id]) typed[m->key_id] = m->type;
        if (m->sticky && !sticky[m->key_id]) sticky[m->key_id] = m->type;
    }
}

enum { HINT_CACHE_BITS = 5, HINT_CACHE = 1 << HINT_CACHE_BITS };

/* The words of a key: how many, how many are not function words, the
 * first one's length and the last one's offset. */
static key_shape key_words(const resolver *r, const char *key, uint32_t keylen)
{
    key_shape sh = {0, 0, 0, 0};
    for (uint32_t p = 0; p <= keylen;) {
        const char *space = memchr(key + p, ' ', keylen - p);
        uint32_t q = space ? (uint32_t)(space - key) : keylen;
        if (q > p) {
            if (!sh.nwords) sh.first_len = q - p;
            sh.last_off = p;
            sh.nwords++;
            if (!key_function_word(r->cfg, key + p, q - p)) sh.ncontent++;
        }
        p = q + 1;
    }
    return sh;
}

/* r->shapes[key_id], made on the first mention of the key (a name recurs
 * in a story); false when out of memory. */
static bool shape_key(resolver *r, uint32_t key_id)
{
    if (key_id >= r->shapes_cap) {
        size_t cap = r->shapes_cap ? r->shapes_cap * 2 : 64;
        while (cap <= key_id) cap *= 2;
        key_shape *ns = realloc(r->shapes, cap * sizeof *ns);
        if (!ns) return false;
        /* nwords UINT32_MAX: not made yet */
        for (size_t k = r->shapes_cap; k < cap; k++) ns[k].nwords = UINT32_MAX;
        r->shapes = ns;
        r->shapes_cap = cap;
    }
    if (r->shapes[key_id].nwords == UINT32_MAX)
        r->shapes[key_id] = key_words(r, r->keys.strs[key_id], r->keys.lens[key_id]);
    return true;
}

/* Mentions by the hash of their bytes: a name recurs in a story, and a
 * mention of the same bytes as an earlier one shares its key, its words
 * and its case quality. */
enum { TWIN_CACHE = 256, KEYS_RESERVE = 4096 };

/* The earlier mention of the same bytes as m (by the cache), or NFI_NONE;
 * m becomes the cache's entry for its bytes when there is none. */
static uint32_t find_twin(const resolver *r, uint32_t *cache, uint32_t mi)
{
    const mention *m = &r->m.items[mi];
    const unsigned char *s = (const unsigned char *)r->text + m->span.start;
    size_t n = m->span.end - m->span.start;
    uint32_t *slot = &cache[nfi_surface_hash(s, n) & (TWIN_CACHE - 1)];
    if (*slot != NFI_NONE) {
        const mention *o = &r->m.items[*slot];
        if (o->span.end - o->span.start == n &&
            nfi_bytes_equal(r->text + o->span.start, s, n))
            return *slot;
    }
    *slot = mi;
    return NFI_NONE;
}

/* nfi_doc_token_at(doc, m's start) for mentions in text order, the last
 * one's token being ti: near the first token of m's annotation. */
static size_t mention_token(const resolver *r, const mention *m, size_t ti)
{
    const nf_doc *doc = r->doc;
    if (m->order >= doc->anns.len) return token_from(doc, ti, m->span.start);
    return token_near(doc, doc->anns.items[m->order].tok_start, ti, m->span.start);
}

static nf_status make_keys(resolver *r, uint32_t *ngroups_out)
{
    uint32_t twins[TWIN_CACHE];
    memset(twins, 0xff, sizeof twins); /* NFI_NONE */
    /* at most a key a mention and a hint: room made once (a long document
       has far fewer names than mentions: its table grows as it must) */
    size_t most_keys = r->m.len + r->hints.len;
    if (most_keys > KEYS_RESERVE) most_keys = KEYS_RESERVE;
    if (!nfi_strtab_reserve(&r->keys, (uint32_t)most_keys)) return NF_ERR_NOMEM;
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        const char *s = r->text + m->span.start;
        size_t n = m->span.end - m->span.start;
        uint32_t twin = find_twin(r, twins, (uint32_t)i);
        if (twin != NFI_NONE) {
            const mention *o = &r->m.items[twin];
            m->twin = o->twin;
            m->key_id = o->key_id;
            m->acronym = o->acronym;
            if (!keylen_of(r, m)) m->drop = true;
            continue;
        }
        m->twin = (uint32_t)i;
        r->buf.len = 0;
        name_key(&r->buf, s, n);
        m->key_id = keep_key(r);
        if (m->key_id == NFI_NONE || !shape_key(r, m->key_id)) return NF_ERR_NOMEM;
        m->acronym = shape_of(r, m)->nwords == 1 && is_acronym(r->cfg, s, n);
        if (!keylen_of(r, m)) m->drop = true; /* no letter or digit: not a name */
    }
    /* a guessed candidate whose name the rules typed elsewhere takes that type */
    uint8_t *first_type = scratch_array(r, r->keys.count, 1, false);
    uint8_t *first_sticky = scratch_array(r, r->keys.count, 1, false);
    if (!first_type || !first_sticky) return NF_ERR_NOMEM;
    first_type_by_name(r, first_type, first_sticky);
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        if (!m->candidate || !m->type) continue;
        if (first_type[m->key_id]) m->type = first_type[m->key_id];
    }
    /* a sticky type ("sticky" attribute: a club in a results line) holds
     * for the places and candidates of the same name in the document:
     * "Northfield 2 Eastham 1" makes "Northfield" in "Northfield beat them
     * again" the club too. The other typed mentions without a hint look
     * for one in the alias lexicons: an untyped mention's hint is never
     * read (it joins no group by its identity, and a typed mention is
     * always its cluster's best). */
    const uint32_t gpe = type_from_name("GPE"), loc = type_from_name("LOC");
    size_t ti = 0; /* the token of the mention's start: mentions are in text order */
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        if (m->drop) continue;
        if (!m->sticky && (m->candidate || m->type == gpe || m->type == loc) &&
            first_sticky[m->key_id]) {
            m->type = first_sticky[m->key_id];
            m->hint = NO_HINT;
            continue;
        }
        if (!m->type || m->hint != NO_HINT) continue;
        ti = mention_token(r, m, ti);
        const char *h = alias_hint(r, m, ti);
        if (h && set_hint(r, m, h) != NF_OK) return NF_ERR_NOMEM;
    }
    const char *hint_src[HINT_CACHE] = {NULL};
    uint32_t hint_key[HINT_CACHE] = {0};
    /* the exact group: type + identity (the hint's key, else the name's),
       numbered in order of first mention; the identity's key id waits in
       m->group until every hint's key has its id */
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        m->group = NFI_NONE;
        if (!m->type || m->drop) continue;
        const char *hint = hint_of(r, m);
        if (hint) {
            /* hints are the rules' and lexicons' strings: a name's hint
               repeats its pointer, and its key is made once */
            size_t h = ptr_slot(hint, HINT_CACHE_BITS);
            if (hint_src[h] != hint) {
                r->buf.len = 0;
                name_key(&r->buf, hint, strlen(hint));
                uint32_t id = keep_key(r);
                if (id == NFI_NONE) return NF_ERR_NOMEM;
                hint_src[h] = hint;
                hint_key[h] = id;
            }
            m->group = hint_key[h];
            m->alias = true;
        } else {
            m->group = m->key_id;
        }
    }
    size_t nslots = (size_t)r->keys.count * ENT_NTYPES;
    uint32_t *group_of = scratch_array(r, nslots, sizeof *group_of, false); /* key id, type -> group */
    if (!group_of) return NF_ERR_NOMEM;
    memset(group_of, 0xff, (nslots ? nslots : 1) * sizeof *group_of); /* NFI_NONE */
    uint32_t ngroups = 0;
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        if (m->group == NFI_NONE) continue;
        uint32_t *g = &group_of[(size_t)m->group * ENT_NTYPES + m->type];
        if (*g == NFI_NONE) *g = ngroups++;
        m->group = *g;
    }
    *ngroups_out = ngroups;
    return NF_OK;
}

/* ------------------------------------------------------------ groups */

static uint32_t find(resolver *r, uint32_t g)
{
    while (r->parent[g] != g) {
        r->parent[g] = r->parent[r->parent[g]];
        g = r->parent[g];
    }
    return g;
}

/* 0 = lower case or shouting, 1 = mixed, 2 = proper capitals (or an acronym). */
static int case_quality(const resolver *r, const mention *m)
{
    if (m->acronym) return 2;
    const char *s = r->text + m->span.start;
    size_t n = m->span.end - m->span.start, i = 0;
    size_t upper = 0, lower = 0, lower_words = 0, words = 0;
    bool word_start = true;
    size_t ws = 0;
    while (i < n) {
        size_t at = i;
        uint32_t c = nfi_utf8_next(s, n, &i);
        if (is_space((unsigned char)(c < 128 ? c : 'x')) || c == '-') {
            word_start = true;
            continue;
        }
        if (cp_upper(c)) upper++;
        if (cp_lower(c)) lower++;
        if (word_start && cp_alpha(c)) {
            ws = at;
            size_t we = ws;
            while (we < n && !is_space((unsigned char)s[we]) && s[we] != '-') we++;
            words++;
            if (cp_lower(c) && !text_function_word(r->cfg, s + ws, we - ws))
                lower_words++;
            word_start = false;
        } else if (word_start) {
            word_start = false;
        }
    }
    if (!upper) return 0;
    if (!lower) return upper > (size_t)r->cfg->acronym_max ? 0 : 1;
    return lower_words ? 1 : 2;
}

/* case_quality, computed on first use (spans and keys are final by then). */
static int quality_of(const resolver *r, mention *m)
{
    if (!m->quality) {
        mention *t = &r->m.items[m->twin]; /* the same bytes: the same answer */
        if (!t->quality) t->quality = (uint8_t)(case_quality(r, t) + 1);
        m->quality = t->quality;
    }
    return m->quality - 1;
}

/* Whether mention a makes a better canonical name than mention b. */
static bool better(const resolver *r, mention *a, mention *b)
{
    /* the same bytes and type: all but the start are equal */
    if (a->twin == b->twin && a->type == b->type) return a->span.start < b->span.start;
    if ((a->type == 0) != (b->type == 0)) return a->type != 0; /* typed before candidates */
    if (a->acronym != b->acronym) return !a->acronym;
    const key_shape *sa = shape_of(r, a), *sb = shape_of(r, b);
    if (sa->ncontent != sb->ncontent) return sa->ncontent > sb->ncontent;
    if (sa->nwords != sb->nwords) return sa->nwords > sb->nwords;
    int qa = quality_of(r, a), qb = quality_of(r, b);
    if (qa != qb) return qa > qb;
    if (keylen_of(r, a) != keylen_of(r, b)) return keylen_of(r, a) > keylen_of(r, b);
    return a->span.start < b->span.start;
}

static nf_status groups_init(resolver *r, uint32_t ngroups)
{
    r->ngroups = ngroups;
    size_t g = ngroups ? ngroups : 1;
    r->parent = scratch_array(r, g, sizeof *r->parent, false);
    r->best = scratch_array(r, g, sizeof *r->best, false);
    r->first_start = scratch_array(r, g, sizeof *r->first_start, false);
    r->last_seen = scratch_array(r, g, sizeof *r->last_seen, false);
    r->seen = scratch_array(r, g, sizeof *r->seen, true);
    if (!r->parent || !r->best || !r->first_start || !r->last_seen || !r->seen)
        return NF_ERR_NOMEM;
    for (uint32_t i = 0; i < ngroups; i++) {
        r->parent[i] = i;
        r->best[i] = NFI_NONE;
        r->first_start[i] = NF_UNSET;
    }
    for (size_t i = 0; i < r->m.len; i++) {
        uint32_t gi = r->m.items[i].group;
        if (gi == NFI_NONE) continue;
        if (r->best[gi] == NFI_NONE || better(r, &r->m.items[i], &r->m.items[r->best[gi]]))
            r->best[gi] = (uint32_t)i;
        if (r->m.items[i].span.start < r->first_start[gi])
            r->first_start[gi] = r->m.items[i].span.start;
    }
    return NF_OK;
}

static void unite(resolver *r, uint32_t a, uint32_t b)
{
    a = find(r, a);
    b = find(r, b);
    if (a == b) return;
    if (r->first_start[b] < r->first_start[a]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    r->parent[b] = a;
    if (better(r, &r->m.items[r->best[b]], &r->m.items[r->best[a]])) r->best[a] = r->best[b];
}

static const mention *best_of(resolver *r, uint32_t g) { return &r->m.items[r->best[find(r, g)]]; }

/* ------------------------------------------------------------ similarity */

/* Optimal-string-alignment distance between the code points of a and b,
 * or more than max when it is larger than max. Only the band of cells
 * within max of the diagonal is computed (a cell outside it is more than
 * max): inf stands for every value above max. */
static int edit_distance(const char *a, size_t an, const char *b, size_t bn, int max)
{
    uint32_t x[64], y[64];
    size_t nx = 0, ny = 0, i = 0;
    while (i < an && nx < 64) x[nx++] = nfi_utf8_next(a, an, &i);
    if (i < an) return max + 1;
    i = 0;
    while (i < bn && ny < 64) y[ny++] = nfi_utf8_next(b, bn, &i);
    if (i < bn) return max + 1;
    size_t band = (size_t)max;
    if ((nx > ny ? nx - ny : ny - nx) > band) return max + 1;
    const int inf = max + 1;
    int d[3][65];
    int *pp = d[0], *prev = d[1], *cur = d[2];
    for (size_t j = 0; j <= ny; j++) prev[j] = j <= band ? (int)j : inf;
    for (size_t p = 1; p <= nx; p++) {
        size_t lo = p > band ? p - band : 1, hi = p + band < ny ? p + band : ny;
        cur[lo - 1] = lo == 1 ? (int)p : inf; /* left of the band */
        int rowmin = cur[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            int cost = x[p - 1] == y[j - 1] ? 0 : 1;
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v) v = prev[j - 1] + cost;
            if (p > 1 && j > 1 && x[p - 1] == y[j - 2] && x[p - 2] == y[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < rowmin) rowmin = v;
        }
        if (hi < ny) cur[hi + 1] = inf; /* right of the band, read by the next row */
        if (rowmin > max) return max + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[ny];
}

static size_t cp_count(const char *s, size_t n) { return nfi_utf8_count(s, n); }

/* Whether two surnames are spelling variants under the configured limits. */
static bool fuzzy_same(const ent_cfg *c, const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && memcmp(a, b, an) == 0) return true;
    if (!an || !bn || a[0] != b[0]) return false;
    size_t la = cp_count(a, an), lb = cp_count(b, bn);
    size_t len = la < lb ? la : lb;
    int max = len >= (size_t)c->fuzzy_len2 ? 2 : len >= (size_t)c->fuzzy_len1 ? 1 : 0;
    if (!max) return false;
    /* lengths further apart than max: edit_distance's answer, without
       decoding the names */
    if ((la > lb ? la - lb : lb - la) > (size_t)max) return false;
    return edit_distance(a, an, b, bn, max) <= max;
}

static const char *last_word(const resolver *r, const mention *m, size_t *len)
{
    uint32_t off = shape_of(r, m)->last_off;
    *len = keylen_of(r, m) - off;
    return key_of(r, m) + off;
}

/* First names compatible: equal, or one is the other's initial. */
static bool first_compatible(const resolver *r, const mention *a, const mention *b)
{
    uint32_t fa = shape_of(r, a)->first_len, fb = shape_of(r, b)->first_len;
    const char *ka = key_of(r, a), *kb = key_of(r, b);
    if (fa == fb && memcmp(ka, kb, fa) == 0) return true;
    if (fa == 1 || fb == 1) return ka[0] == kb[0];
    return false;
}

/* ------------------------------------------------------------ step 4: merges */

/* The first bytes of a full name's first name and surname: two names
 * whose tags differ are never one person (first_compatible and
 * fuzzy_same both want the same first bytes), so most pairs are told
 * apart without looking at the names. Only names of one tag are united,
 * so the best name of a group keeps its tag through the merges. */
static uint16_t name_tag(const resolver *r, const mention *m)
{
    size_t len;
    const char *last = last_word(r, m, &len);
    return (uint16_t)((unsigned char)key_of(r, m)[0] << 8 | (unsigned char)last[0]);
}

/* Full PERSON names with the same (or a near) surname and compatible first
 * names are one person. */
static void merge_full_names(resolver *r, const uint32_t *list, const uint16_t *tag, size_t nlist)
{
    for (size_t i = 0; i < nlist; i++) {
        const mention *a = &r->m.items[r->best[list[i]]];
        size_t al;
        const char *as = last_word(r, a, &al);
        size_t from = i > r->cfg->fuzzy_window ? i - r->cfg->fuzzy_window : 0;
        for (size_t j = from; j < i; j++) {
            if (tag[j] != tag[i]) continue;
            const mention *b = &r->m.items[r->best[list[j]]];
            size_t bl;
            const char *bs = last_word(r, b, &bl);
            if (!first_compatible(r, a, b)) continue;
            bool same = al == bl && memcmp(as, bs, al) == 0;
            if (same || (r->cfg->fuzzy_type[a->type] && fuzzy_same(r->cfg, as, al, bs, bl)))
                unite(r, list[i], list[j]);
        }
    }
}

/* Adds the pair (key id in r->keys, group) to an index. */
static nf_status index_add_id(key_index *ix, uint32_t key_id, uint32_t g)
{
    key_pair *p = nfi_vec_push(&ix->pairs);
    if (!p) return NF_ERR_NOMEM;
    p->key = key_id;
    p->group = g;
    return NF_OK;
}

/* index_add_id for the key s[0,n), when some mention or hint has that
 * key (r->keys): the sweep looks up the mentions' keys only. */
static nf_status index_add_name(resolver *r, key_index *ix, const char *s, size_t n, uint32_t g)
{
    uint32_t id = nfi_strtab_find(&r->keys, s, n);
    return id == NFI_NONE ? NF_OK : index_add_id(ix, id, g);
}

/* Sorts the pairs by key and drops repeated pairs. The pairs sort as
 * 64-bit keys (key, then group: no comparator calls), in scratch of 32
 * bytes a pair, on the stack for a short document's. */
static nf_status index_sort(resolver *r, key_index *ix)
{
    size_t n = ix->pairs.len;
    if (!n) return NF_OK;
    if (n <= UINT32_MAX) {
        enum { ON_STACK = 64 };
        nfi_keyed stack[2 * ON_STACK], *keys = stack;
        if (n > ON_STACK && !(keys = malloc(2 * n * sizeof *keys))) return NF_ERR_NOMEM;
        for (size_t i = 0; i < n; i++) {
            keys[i].key = (uint64_t)ix->pairs.items[i].key << 32 | ix->pairs.items[i].group;
            keys[i].val = 0;
        }
        nfi_sort_keyed(keys, keys + n, n);
        for (size_t i = 0; i < n; i++) {
            ix->pairs.items[i].key = (uint32_t)(keys[i].key >> 32);
            ix->pairs.items[i].group = (uint32_t)keys[i].key;
        }
        if (keys != stack) free(keys);
    } else {
        nfi_sort(ix->pairs.items, n, sizeof(key_pair), cmp_pair);
    }
    size_t k = 1;
    for (size_t i = 1; i < ix->pairs.len; i++) {
        key_pair *p = &ix->pairs.items[i], *q = &ix->pairs.items[k - 1];
        if (p->key != q->key || p->group != q->group) ix->pairs.items[k++] = *p;
    }
    ix->pairs.len = k;
    /* (every pair's key is an id in r->keys) */
    uint64_t *has = scratch_array(r, (r->keys.count + 63) / 64, sizeof *has, true);
    if (!has) return NF_ERR_NOMEM;
    for (size_t i = 0; i < k; i++) {
        uint32_t key = ix->pairs.items[i].key;
        has[key >> 6] |= 1ull << (key & 63);
    }
    ix->has = has;
    return NF_OK;
}

/* The range of pairs of key id, as [*lo, *hi). */
static void index_find_id(const key_index *ix, uint32_t id, size_t *lo, size_t *hi)
{
    if (ix->has && !(ix->has[id >> 6] >> (id & 63) & 1)) {
        *lo = *hi = 0;
        return;
    }
    size_t a = 0, b = ix->pairs.len;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (ix->pairs.items[mid].key < id)
            a = mid + 1;
        else
            b = mid;
    }
    size_t e = a;
    while (e < ix->pairs.len && ix->pairs.items[e].key == id) e++;
    *lo = a;
    *hi = e;
}

/* Of candidate groups, the one mentioned last before the current point of
 * the sweep, else the one mentioned first. */
static uint32_t nearest(resolver *r, const uint32_t *groups, size_t n)
{
    uint32_t pick = NFI_NONE;
    bool pick_seen = false;
    for (size_t i = 0; i < n; i++) {
        uint32_t g = find(r, groups[i]);
        if (pick == NFI_NONE) {
            pick = g;
            pick_seen = r->seen[g];
            continue;
        }
        if (r->seen[g]) {
            if (!pick_seen || r->last_seen[g] > r->last_seen[pick]) {
                pick = g;
                pick_seen = true;
            }
        } else if (!pick_seen && r->first_start[g] < r->first_start[pick]) {
            pick = g;
        }
    }
    return pick;
}

typedef struct cand_list {
    NFI_VEC(uint32_t) g;
} cand_list;

static nf_status cands_add(cand_list *c, const key_index *ix, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++) {
        uint32_t *p = nfi_vec_push(&c->g);
        if (!p) return NF_ERR_NOMEM;
        *p = ix->pairs.items[i].group;
    }
    return NF_OK;
}

/* The groups of key id in an index. */
static nf_status cands_from_id(cand_list *c, const key_index *ix, uint32_t id)
{
    size_t lo = 0, hi = 0;
    index_find_id(ix, id, &lo, &hi);
    return cands_add(c, ix, lo, hi);
}

/* The full person names whose surname is a spelling variant of a
 * one-word name, by the name's key id: the persons and their names do
 * not change during the sweep, so each name's list is made once. */
typedef struct fuzzy_memo {
    uint32_t *at;  /* key id -> first in groups, NFI_NONE: not made yet */
    uint32_t *len; /* key id -> how many */
    NFI_VEC(uint32_t) groups;
} fuzzy_memo;

static nf_status fuzzy_cands(resolver *r, fuzzy_memo *fz, const uint32_t *persons,
                             const uint16_t *tags, size_t npersons, uint32_t key_id,
                             cand_list *out)
{
    if (!fz->at) {
        size_t nk = r->keys.count ? r->keys.count : 1;
        fz->at = scratch_array(r, nk, sizeof *fz->at, false);
        fz->len = scratch_array(r, nk, sizeof *fz->len, false);
        if (!fz->at || !fz->len) return NF_ERR_NOMEM;
        memset(fz->at, 0xff, nk * sizeof *fz->at); /* NFI_NONE */
    }
    if (fz->at[key_id] == NFI_NONE) {
        const char *key = r->keys.strs[key_id];
        size_t keylen = r->keys.lens[key_id];
        size_t at = fz->groups.len;
        size_t from = npersons > r->cfg->fuzzy_window ? npersons - r->cfg->fuzzy_window : 0;
        for (size_t k = from; k < npersons; k++) {
            /* fuzzy_same wants the same first byte: most surnames fail here */
            if ((tags[k] & 0xff) != (unsigned char)key[0]) continue;
            const mention *p = &r->m.items[r->best[persons[k]]];
            size_t ln;
            const char *lw = last_word(r, p, &ln);
            if (!fuzzy_same(r->cfg, key, keylen, lw, ln)) continue;
            uint32_t *slot = nfi_vec_push(&fz->groups);
            if (!slot) return NF_ERR_NOMEM;
            *slot = persons[k];
        }
        fz->at[key_id] = (uint32_t)at;
        fz->len[key_id] = (uint32_t)(fz->groups.len - at);
    }
    for (uint32_t k = 0; k < fz->len[key_id]; k++) {
        uint32_t *slot = nfi_vec_push(&out->g);
        if (!slot) return NF_ERR_NOMEM;
        *slot = fz->groups.items[fz->at[key_id] + k];
    }
    return NF_OK;
}

/* nfi_doc_token_at(doc, offset) for an offset of mention m: near the
 * first or the last token of its annotation. */
static size_t mention_token_at(const resolver *r, const mention *m, size_t offset)
{
    const nf_doc *doc = r->doc;
    if (m->order >= doc->anns.len) return token_from(doc, 0, offset);
    const nfi_ann *a = &doc->anns.items[m->order];
    size_t near = offset == m->span.start || a->tok_end < 2 ? a->tok_start : a->tok_end - 2;
    return token_near(doc, near, 0, offset);
}

/* nfi_lexicon_has(lex, w, n) for a word of a key whose text may be token
 * ti's norm: then by the word the engine found for the token, without a
 * look-up in the rules' large vocabulary (mostly cache misses). */
static bool lexicon_has_key_word(const resolver *r, const nfi_lexicon *lex, const char *w,
                                 size_t n, size_t ti)
{
    const nf_doc *doc = r->doc;
    uint32_t word;
    if (lex && ti < doc->tokens.len) {
        uint32_t form = doc->tokens.items[ti].norm;
        if (form < doc->forms.count && doc->forms.lens[form] == n &&
            memcmp(doc->forms.strs[form], w, n) == 0 &&
            nfi_ws_token_word(r->engine, doc, ti, &word))
            return nfi_lexicon_has_word(lex, word);
    }
    return nfi_lexicon_has(lex, w, n);
}

static nf_status merge_and_sweep(resolver *r)
{
    nf_status st = NF_OK;
    uint32_t *persons = NULL;
    uint16_t *tags = NULL; /* name_tag of the persons */
    size_t npersons = 0;
    /* the indexes are by key id in r->keys: a form of a long name that no
       mention has is never looked up, and is left out */
    key_index surnames, shorts[ENT_NTYPES], initials, plain; /* shorts by type */
    cand_list cands = {0};
    fuzzy_memo fz = {0};
    memset(&plain, 0, sizeof plain);
    memset(&surnames, 0, sizeof surnames);
    memset(shorts, 0, sizeof shorts);
    memset(&initials, 0, sizeof initials);

    /* full person names, in order of first mention */
    persons = scratch_array(r, r->ngroups, sizeof *persons, false);
    if (!persons) {
        st = NF_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->m.len; i++) {
        const mention *m = &r->m.items[i];
        if (m->type != NF_ENT_PERSON || m->group == NFI_NONE || r->best[m->group] != i) continue;
        if (shape_of(r, m)->nwords >= 2) persons[npersons++] = m->group;
    }
    tags = scratch_array(r, npersons, sizeof *tags, false);
    if (!tags) {
        st = NF_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < npersons; i++) tags[i] = name_tag(r, &r->m.items[r->best[persons[i]]]);
    merge_full_names(r, persons, tags, npersons);

    /* indexes over the long names */
    for (uint32_t g = 0; g < r->ngroups; g++) {
        const mention *b = &r->m.items[r->best[g]];
        const key_shape *bsh = shape_of(r, b);
        const char *bkey = key_of(r, b);
        uint32_t bkeylen = keylen_of(r, b);
        if (bsh->nwords < 2) continue;
        if (b->type == NF_ENT_PERSON) {
            size_t ln;
            const char *lw = last_word(r, b, &ln);
            if ((st = index_add_name(r, &surnames, lw, ln, g)) != NF_OK) goto done;
        }
        if (r->cfg->short_type[b->type]) {
            /* trailing words: "state department" of "us state department" */
            uint32_t w = 0;
            for (uint32_t p = 0; p < bkeylen; p++) {
                if (bkey[p] != ' ') continue;
                w++;
                if (bsh->nwords - w < (uint32_t)r->cfg->short_min_words) break;
                if ((st = index_add_name(r, &shorts[b->type], bkey + p + 1, bkeylen - p - 1,
                                         g)) != NF_OK)
                    goto done;
            }
            /* without a legal-form suffix: "acme" of "acme corp" (as
               index_add_name, only a key in r->keys: tested first, so that
               the lexicons are asked only about a name some mention has) */
            size_t ln;
            const char *lw = last_word(r, b, &ln);
            uint32_t stem =
                nfi_strtab_find(&r->keys, bkey, bsh->last_off ? bsh->last_off - 1 : 0);
            if (stem != NFI_NONE &&
                (nfi_strtab_find(&r->cfg->legal_suffixes, lw, ln) != NFI_NONE ||
                 (r->cfg->legal_lex &&
                  lexicon_has_key_word(r, r->cfg->legal_lex, lw, ln,
                                       mention_token_at(r, b, b->span.end - 1))))) {
                if ((st = index_add_id(&shorts[b->type], stem, g)) != NF_OK) goto done;
            }
            /* the first word alone when it is no common word: "Nordvik" of
             * "Nordvik Shipping ASA" (only with a common-word lexicon) */
            uint32_t first = r->cfg->common_lex && bsh->first_len < bkeylen
                                 ? nfi_strtab_find(&r->keys, bkey, bsh->first_len)
                                 : NFI_NONE;
            if (first != NFI_NONE && !key_function_word(r->cfg, bkey, bsh->first_len) &&
                !lexicon_has_key_word(r, r->cfg->common_lex, bkey, bsh->first_len,
                                      mention_token_at(r, b, b->span.start))) {
                if ((st = index_add_id(&shorts[b->type], first, g)) != NF_OK) goto done;
            }
        }
        if (r->cfg->acronym_type[b->type]) {
            /* initials of every word, and of the content words (in one
               walk: at most one initial a byte of the key each) */
            r->buf.len = 0;
            if (!nfi_buf_reserve(&r->buf, 2 * (size_t)bkeylen + 2)) {
                st = NF_ERR_NOMEM;
                goto done;
            }
            char *all = r->buf.data, *content = r->buf.data + bkeylen + 1;
            size_t nall = 0, ncontent = 0;
            for (uint32_t p = 0; p < bkeylen;) {
                uint32_t q = p;
                while (q < bkeylen && bkey[q] != ' ') q++;
                if (bkey[p] != '&') {
                    all[nall++] = bkey[p];
                    if (!key_function_word(r->cfg, bkey + p, q - p))
                        content[ncontent++] = bkey[p];
                }
                p = q + 1;
            }
            if (nall >= 2 && (st = index_add_name(r, &initials, all, nall, g)) != NF_OK) goto done;
            if (ncontent >= 2 &&
                (st = index_add_name(r, &initials, content, ncontent, g)) != NF_OK)
                goto done;
        }
    }
    if ((st = index_sort(r, &surnames)) != NF_OK || (st = index_sort(r, &initials)) != NF_OK)
        goto done;
    for (uint32_t t = 1; t < ENT_NTYPES; t++)
        if ((st = index_sort(r, &shorts[t])) != NF_OK) goto done;

    /* the sweeps: short mentions join the nearest long name; the first
     * places the typed mentions, the second the untyped candidates */
    for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
        /* the names of the untyped candidates, the second sweep's (none:
           no second sweep) */
        uint64_t *asked = scratch_array(r, (r->keys.count + 63) / 64, sizeof *asked, true);
        uint32_t *last_root = scratch_array(r, r->keys.count, sizeof *last_root, false);
        if (!asked || !last_root) {
            st = NF_ERR_NOMEM;
            goto done;
        }
        bool any = false;
        for (size_t i = 0; i < r->m.len; i++) {
            const mention *m = &r->m.items[i];
            if (m->group != NFI_NONE || m->drop) continue;
            asked[m->key_id >> 6] |= 1ull << (m->key_id & 63);
            any = true;
        }
        if (!any) break;
        /* every name written that a candidate repeats ("WASHINGTON"; the
           others are never looked up): a name's mentions are mostly of
           one cluster, whose pair is added once */
        memset(last_root, 0xff, (r->keys.count ? r->keys.count : 1) * sizeof *last_root);
        for (size_t i = 0; i < r->m.len; i++) {
            const mention *m = &r->m.items[i];
            if (m->group == NFI_NONE || m->drop || !(asked[m->key_id >> 6] >> (m->key_id & 63) & 1))
                continue;
            uint32_t root = find(r, m->group);
            if (last_root[m->key_id] == root) continue;
            last_root[m->key_id] = root;
            if ((st = index_add_id(&plain, m->key_id, root)) != NF_OK) goto done;
        }
        if ((st = index_sort(r, &plain)) != NF_OK) goto done;
        memset(r->seen, 0, (r->ngroups ? r->ngroups : 1) * sizeof *r->seen);
    }
    for (size_t i = 0; i < r->m.len; i++) {
        mention *m = &r->m.items[i];
        if (m->drop) continue;
        cands.g.len = 0;
        int how = 0;
        bool untyped = m->group == NFI_NONE;
        if (untyped != (pass == 1)) {
            if (!untyped) {
                uint32_t root = find(r, m->group);
                r->seen[root] = true;
                r->last_seen[root] = m->span.start;
            }
            continue;
        }
        const mention *b = untyped ? m : best_of(r, m->group);
        if (untyped) {
            /* a candidate repeating a name written elsewhere ("WASHINGTON") */
            if ((st = cands_from_id(&cands, &plain, m->key_id)) != NF_OK) goto done;
        }
        if (!cands.g.len && shape_of(r, m)->nwords == 1 && shape_of(r, b)->nwords == 1 &&
            (m->type == NF_ENT_PERSON || untyped)) {
            if ((st = cands_from_id(&cands, &surnames, m->key_id)) != NF_OK) goto done;
            if (!cands.g.len && r->cfg->fuzzy_type[NF_ENT_PERSON]) {
                if ((st = fuzzy_cands(r, &fz, persons, tags, npersons, m->key_id, &cands)) !=
                    NF_OK)
                    goto done;
            }
            how = 1;
        }
        if (!cands.g.len && keylen_of(r, b) == keylen_of(r, m) && !m->alias) {
            /* a short form of a longer name of a type that has short forms */
            if (!untyped) {
                if (r->cfg->short_type[m->type] &&
                    (st = cands_from_id(&cands, &shorts[m->type], m->key_id)) != NF_OK)
                    goto done;
            } else {
                for (uint32_t t = 1; t < ENT_NTYPES; t++) {
                    if (!r->cfg->short_type[t] || !shorts[t].pairs.len) continue;
                    if ((st = cands_from_id(&cands, &shorts[t], m->key_id)) != NF_OK) goto done;
                }
            }
            how = 2;
        }
        if (!cands.g.len && m->acronym && shape_of(r, b)->nwords == 1 && !m->alias &&
            (untyped || r->cfg->acronym_type[m->type])) {
            if ((st = cands_from_id(&cands, &initials, m->key_id)) != NF_OK) goto done;
            how = 3;
        }
        if (cands.g.len) {
            uint32_t g = nearest(r, cands.g.items, cands.g.len);
            if (g != NFI_NONE && (untyped || g != find(r, m->group))) {
                m->group = g;
                if (how == 3 || untyped) m->adopt = true;
            }
        }
        if (m->group == NFI_NONE) {
            m->drop = true; /* a candidate nobody vouches for */
            continue;
        }
        uint32_t root = find(r, m->group);
        r->seen[root] = true;
        r->last_seen[root] = m->span.start;
    }
    }
done:
    nfi_vec_free(&fz.groups);
    nfi_vec_free(&cands.g);
    nfi_vec_free(&surnames.pairs);
    for (uint32_t t = 0; t < ENT_NTYPES; t++) nfi_vec_free(&shorts[t].pairs);
    nfi_vec_free(&initials.pairs);
    nfi_vec_free(&plain.pairs);
    return st;
}

/* ------------------------------------------------------------ step 5: output */

/* The mention's text with white space collapsed and case normalised:
 * lower-case words get a capital (function words inside a name stay),
 * a shouted name (no lower-case letter at all) gets title case except
 * for short acronyms and dotted abbreviations. */
static char *canonical_text(resolver *r, const mention *m)
{
    const char *s = r->text + m->span.start;
    size_t n = m->span.end - m->span.start;
    bool any_lower = false;
    for (size_t i = 0; i < n && !any_lower;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            i++;
            any_lower = (unsigned)(ch - 'a') < 26u;
        } else {
            any_lower = cp_lower(nfi_utf8_decode(s, n, &i));
        }
    }
    /* a code point takes at most 4 bytes, and each word and the space
       before it at least as many bytes of the text: written without checks */
    r->buf.len = 0;
    if (!nfi_buf_reserve(&r->buf, 4 * n + 1)) return NULL;
    char *out = r->buf.data;
    size_t o = 0;
    size_t i = 0;
    bool first_word = true;
    while (i < n) {
        while (i < n && is_space((unsigned char)s[i])) i++;
        if (i >= n) break;
        size_t ws = i;
        bool plain = true; /* ASCII without '-' or '/' */
        for (; i < n && !is_space((unsigned char)s[i]); i++) {
            unsigned char ch = (unsigned char)s[i];
            plain &= ch < 0x80 && ch != '-' && ch != '/';
        }
        size_t we = i;
        if (!first_word) out[o++] = ' ';
        if (any_lower && plain) {
            /* the common case: nothing shouts, and the word changes at most
               in its first letter, which a word that is no function word
               (or the name's first) gets as a capital */
            memcpy(out + o, s + ws, we - ws);
            size_t k = 0;
            while (ws + k < we && ((unsigned char)s[ws + k] | 32u) - 'a' >= 26u) k++;
            if (ws + k < we && (unsigned)((unsigned char)s[ws + k] - 'a') < 26u &&
                (first_word || !text_function_word(r->cfg, s + ws, we - ws)))
                out[o + k] = (char)(s[ws + k] - 32);
            o += we - ws;
            first_word = false;
            continue;
        }
        bool fw = text_function_word(r->cfg, s + ws, we - ws);
        size_t letters = 0, uppers = 0;
        bool dotted = false;
        for (size_t k = ws; k < we;) {
            unsigned char ch = (unsigned char)s[k];
            if (ch < 0x80) { /* ASCII: the answers of cp_alpha and cp_upper */
                k++;
                letters += (ch | 32u) - 'a' < 26u;
                uppers += (unsigned)(ch - 'A') < 26u;
                dotted |= ch == '.';
                continue;
            }
            uint32_t c = nfi_utf8_decode(s, we, &k);
            if (cp_alpha(c)) letters++;
            if (cp_upper(c)) uppers++;
        }
        bool shout = !any_lower && letters > 4 && !dotted && !m->acronym;
        bool cap_next = !(fw && !first_word) || shout;
        if (fw && !first_word && shout) cap_next = false;
        bool lower_rest = shout || (fw && !first_word && !any_lower);
        bool word_begin = true;
        for (size_t k = ws; k < we;) {
            uint32_t c = nfi_utf8_next(s, we, &k);
            uint32_t c_out = c;
            if (cp_alpha(c)) {
                if (word_begin && cap_next)
                    c_out = cp_toupper(c);
                else if (lower_rest)
                    c_out = cp_tolower(c);
                word_begin = false;
            } else if (c == '-' || c == '/') {
                word_begin = true; /* "Bosnia-herzegovina" -> capital after the hyphen */
                cap_next = cap_next && (shout || uppers == 0);
            }
            if (c_out < 0x80)
                out[o++] = (char)c_out;
            else
                o += utf8_encode(out + o, c_out);
        }
        first_word = false;
    }
    out[o] = '\0';
    r->buf.len = o;
    return nfi_arena_strndup(&r->doc->arena, r->buf.data, r->buf.len);
}

/* The name of the rule that made a mention. */
static const char *mention_rule(const resolver *r, const mention *m)
{
    if (m->order >= r->doc->anns.len) return "entities.compound";
    return nfi_ann_rule_name(&r->doc->anns.items[m->order]);
}

enum { RULE_CACHE_BITS = 7, RULE_CACHE = 1 << RULE_CACHE_BITS };

/* Room in doc->entities for every mention emit gives, made at once (a
 * large document has hundreds of thousands: the doubling of a growing
 * array would leave up to half of it unused, copying it at each step).
 * best: group root -> best mention. */
static bool entities_reserve(resolver *r, const uint32_t *best)
{
    nf_doc *doc = r->doc;
    size_t count = 0;
    for (size_t i = 0; i < r->m.len; i++) {
        const mention *m = &r->m.items[i];
        if (!m->drop && (m->adopt ? r->m.items[best[m->group]].type : m->type)) count++;
    }
    if (doc->max_results && count > doc->max_results) count = (size_t)doc->max_results;
    if (doc->entities.cap - doc->entities.len >= count) return true;
    if (count > SIZE_MAX / sizeof(nf_entity) - doc->entities.len) return false;
    nf_entity *p = realloc(doc->entities.items, (doc->entities.len + count) * sizeof *p);
    if (!p) return false;
    doc->entities.items = p;
    doc->entities.cap = doc->entities.len + count;
    return true;
}

static nf_status emit(resolver *r)
{
    const char *rule_src[RULE_CACHE] = {NULL}, *rule_doc[RULE_CACHE] = {NULL};
    nf_doc *doc = r->doc;
    size_t n = r->m.len;
    uint32_t *best = scratch_array(r, r->ngroups, sizeof *best, false);
    uint32_t *number = scratch_array(r, r->ngroups, sizeof *number, false);
    char **canon = scratch_array(r, r->ngroups, sizeof *canon, true);
    nf_status st = NF_OK;
    nfi_strtab names;
    nfi_strtab_init(&names, &doc->arena);
    if (!best || !number || !canon) {
        st = NF_ERR_NOMEM;
        goto done;
    }
    for (uint32_t g = 0; g < r->ngroups; g++) best[g] = number[g] = NFI_NONE;
    for (size_t i = 0; i < n; i++) {
        if (r->m.items[i].drop) continue;
        uint32_t g = find(r, r->m.items[i].group);
        r->m.items[i].group = g;
        if (best[g] == NFI_NONE || better(r, &r->m.items[i], &r->m.items[best[g]]))
            best[g] = (uint32_t)i;
    }
    if (!entities_reserve(r, best)) {
        st = NF_ERR_NOMEM;
        goto done;
    }
    uint32_t next = 1;
    for (size_t i = 0; i < n; i++) {
        mention *m = &r->m.items[i];
        if (m->drop) continue;
        uint32_t g = m->group;
        const mention *b = &r->m.items[best[g]];
        uint32_t type = m->adopt ? b->type : m->type;
        if (!type) continue; /* a candidate in a cluster of candidates: not a name */
        if (number[g] == NFI_NONE) {
            number[g] = next++;
            if (b->acronym && hint_of(r, b)) {
                canon[g] = nfi_arena_strdup(&doc->arena, hint_of(r, b));
            } else {
                canon[g] = canonical_text(r, b);
            }
            if (!canon[g]) {
                st = NF_ERR_NOMEM;
                goto done;
            }
        }
        if (doc->max_results && doc->entities.len >= doc->max_results) {
            nfi_doc_warn(doc, "entities: more than %llu results; the rest are left out",
                         (unsigned long long)doc->max_results);
            break;
        }
        nf_entity *e = nfi_vec_push(&doc->entities);
        if (!e) {
            st = NF_ERR_NOMEM;
            goto done;
        }
        e->span.start = m->span.start, e->span.end = m->span.end;
        e->type = type;
        e->flags = 0;
        e->cluster = number[g];
        e->canonical = canon[g];
        if (m->role == ROLE_NONE) {
            e->role.start = e->role.end = NF_UNSET;
        } else {
            e->role.start = r->roles.items[m->role].start;
            e->role.end = r->roles.items[m->role].end;
        }
        e->rule = NULL;
        const char *rule = mention_rule(r, m);
        if (rule) {
            /* the rule's name, copied into the document once per name (the
               names are the rules' own strings: a cache by pointer). A
               name's first copy fills an empty slot; a name that finds its
               slot taken goes through a table, so that two names sharing a
               slot do not copy themselves for every mention */
            size_t h = ptr_slot(rule, RULE_CACHE_BITS);
            if (rule_src[h] != rule) {
                const char *copy;
                if (!rule_src[h]) {
                    copy = nfi_arena_strdup(&doc->arena, rule);
                } else {
                    uint32_t id = nfi_strtab_intern(&names, rule, strlen(rule));
                    copy = id == NFI_NONE ? NULL : names.strs[id];
                }
                if (!copy) {
                    st = NF_ERR_NOMEM;
                    goto done;
                }
                rule_src[h] = rule;
                rule_doc[h] = copy;
            }
            e->rule = rule_doc[h];
        }
    }
done:
    nfi_strtab_free(&names);
    return st;
}

/* ------------------------------------------------------------ entry */

/* The settings, read once per workspace: word tables in their own arena. */
struct nfi_entities_ws {
    nfi_arena arena;
    ent_cfg cfg;
};

nfi_entities_ws *nfi_entities_ws_new(const nf_rules *rules, nf_error *err)
{
    nfi_entities_ws *w = calloc(1, sizeof *w);
    if (w) {
        nfi_arena_init(&w->arena);
        if (cfg_init(&w->cfg, rules, &w->arena) && !w->arena.failed) return w;
        nfi_entities_ws_free(w);
    }
    nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
    return NULL;
}

void nfi_entities_ws_free(nfi_entities_ws *w)
{
    if (!w) return;
    cfg_free(&w->cfg);
    nfi_arena_free(&w->arena);
    free(w);
}

nf_status nfi_entities_resolve(nf_doc *doc, const nfi_entities_ws *ws,
                               const nfi_engine_ws *engine, nf_error *err)
{
    resolver r;
    memset(&r, 0, sizeof r);
    r.doc = doc;
    r.engine = engine;
    r.cfg = &ws->cfg;
    r.text = doc->work ? doc->work : doc->text;
    r.sent_start = SIZE_MAX; /* none asked yet */
    nfi_arena_init(&r.scratch);
    uint32_t ngroups = 0;
    nfi_strtab_init(&r.keys, &r.scratch);
    nf_status st = NF_OK;
    doc->entities.len = 0;
    if (!r.text || !doc->tokens.len) goto done;
    if (doc->sentences.len) {
        r.sent_heading = scratch_array(&r, doc->sentences.len, 1, true);
        r.sent_lower = scratch_array(&r, doc->sentences.len, 1, true);
        if (!r.sent_heading || !r.sent_lower) {
            st = NF_ERR_NOMEM;
            goto done;
        }
    }
    if ((st = collect(&r)) != NF_OK) goto done;
    if ((st = resolve_overlaps(&r)) != NF_OK) goto done;
    if ((st = make_keys(&r, &ngroups)) != NF_OK) goto done;
    if ((st = groups_init(&r, ngroups)) != NF_OK) goto done;
    if ((st = merge_and_sweep(&r)) != NF_OK) goto done;
    st = emit(&r);
done:
    if (st == NF_OK && r.scratch.failed) st = NF_ERR_NOMEM;
    if (st != NF_OK) {
        doc->entities.len = 0;
        nfi_error_set(err, st, "", 0, 0, "entities: %s", nf_status_str(st));
    }
    nfi_strtab_free(&r.keys);
    nfi_vec_free(&r.m);
    nfi_vec_free(&r.roles);
    nfi_vec_free(&r.hints);
    free(r.shapes);
    nfi_buf_free(&r.buf);
    nfi_arena_free(&r.scratch);
    return st;
}
