/*
 * pattern.c - token patterns: the pattern language parser and its
 * compiler to a Thompson NFA program (run by the Pike VM in match.c).
 *
 * Grammar (docs/RULES.md has the guide):
 *   alt   := seq ('|' seq)*
 *   seq   := item+
 *   item  := atom quant?            quant := ? * + {m} {m,} {m,n}
 *   atom  := '(' alt ')' | '(?<name>' alt ')' | word | '"text"' | '@LEXICON'
 *          | '<TYPE>' | '[' test ']' | '[]'
 *   test  := and ('|' and)*         and := unary ('&'? unary)*
 *   unary := '!' unary | '(' test ')' | key ':' value | '"text"' | '@LEXICON' | word
 *   key   := text | norm | re | shape | kind | cap | lex | flag
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void nfi_pos_at(const nfi_pos *p, const char *value, size_t off, uint32_t *line,
                uint32_t *col)
{
    *line = p->line;
    *col = p->col;
    if (!p->oneline || p->style == NFI_STYLE_OTHER || !value) return;
    size_t n = strlen(value);
    if (off > n) off = n;
    uint32_t c = p->col + (uint32_t)nfi_utf8_count(value, off);
    if (p->style == NFI_STYLE_SINGLE) {
        c++; /* the opening quote */
        for (size_t i = 0; i < off; i++)
            if (value[i] == '\'') c++; /* written as '' */
    }
    *col = c;
}

uint32_t nfi_type_intern(nf_rules *r, const char *name, size_t n)
{
    uint32_t k = nfi_strtab_intern(&r->names, name, n);
    if (k == NFI_NONE) return NFI_NONE;
    const char *s = r->names.strs[k];
    for (size_t i = 0; i < r->types.len; i++)
        if (r->types.items[i] == s) return (uint32_t)i;
    const char **slot = nfi_vec_push(&r->types);
    uint32_t *ph = nfi_vec_push(&r->type_phase);
    if (!slot || !ph) return NFI_NONE;
    *slot = s;
    *ph = NFI_NONE;
    return (uint32_t)(r->types.len - 1);
}

pcre2_code *nfi_regex_compile(nf_rules *r, const char *re, size_t n, uint32_t options,
                              const nfi_pos *pos, const char *value, size_t value_off,
                              nf_error *err)
{
    /* the compile and the JIT are most of what a regex costs to load, and
       the rules repeat some (token tests above all: 100 in rules/, 23
       different); a code is read-only once compiled, so they share it */
    uint32_t id = nfi_strtab_find(&r->re_src, re, n);
    if (id != NFI_NONE && r->re_first.items[id].options == options)
        return r->re_first.items[id].code;
    int code;
    PCRE2_SIZE eoff;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, n, options | PCRE2_UTF | PCRE2_UCP, &code,
                                  &eoff, NULL);
    if (!c) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        uint32_t line, col;
        /* eoff counts code units of the regex = bytes of the value */
        nfi_pos_at(pos, value, value_off + eoff, &line, &col);
        nfi_error_set(err, NF_ERR_REGEX, pos->file, line, col, "bad regex: %s", (char *)msg);
        if (err) err->detail = code;
        return NULL;
    }
    pcre2_code **slot = nfi_vec_push(&r->codes);
    if (!slot) {
        pcre2_code_free(c);
        nfi_error_set(err, NF_ERR_NOMEM, pos->file, pos->line, pos->col, "out of memory");
        return NULL;
    }
    *slot = c;
    pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* not fatal: the interpreter is used */
    uint32_t groups = 0;
    pcre2_pattern_info(c, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups + 1 > r->max_re_groups) r->max_re_groups = groups + 1;
    if (id == NFI_NONE) { /* recorded once compiled: ids and codes stay in step */
        nfi_re_first *first = nfi_vec_push(&r->re_first);
        if (!first || nfi_strtab_intern(&r->re_src, re, n) != r->re_first.len - 1) {
            nfi_error_set(err, NF_ERR_NOMEM, pos->file, pos->line, pos->col, "out of memory");
            return NULL;
        }
        first->options = options;
        first->code = c;
    }
    return c;
}

/* ------------------------------------------------------------ required literal */

/* A scan of a regex for the longest run of ASCII characters every match
 * must contain (nfi_regex_required_literal). It reads the sequence at the
 * top level and inside groups that are neither optional, repeated,
 * lookarounds nor alternations, and gives up at anything it does not know
 * (what it found before stays required). */
typedef struct relit {
    const char *re;
    size_t n;
    char run[NFI_RELIT_MAX], best[NFI_RELIT_MAX];
    size_t runlen, bestlen;
    bool run_caseless, best_caseless;
    /* whether something every match has comes before (the run's first
     * character, then): a literal at the very start is in the token the
     * anchor matched, so checking for it would not filter anything */
    bool consumed, run_after_start;
} relit;

static void relit_flush(relit *L)
{
    if (L->runlen > L->bestlen && L->run_after_start) {
        memcpy(L->best, L->run, L->runlen);
        L->bestlen = L->runlen;
        L->best_caseless = L->run_caseless;
    }
    L->runlen = 0;
}

static void relit_put(relit *L, char c, bool caseless)
{
    if (L->runlen && L->run_caseless != caseless) relit_flush(L);
    if (L->runlen == NFI_RELIT_MAX) relit_flush(L);
    L->run_caseless = caseless;
    if (!L->runlen) L->run_after_start = L->consumed;
    L->run[L->runlen++] = c;
}

/* Length of the quantifier at i ("?", "*", "+", "{2,3}", with a lazy or
 * possessive mark), 0 when none; (size_t)-1 for a '{' that is not one. */
static size_t relit_quant(const relit *L, size_t i)
{
    if (i >= L->n) return 0;
    size_t j = i;
    char c = L->re[i];
    if (c == '?' || c == '*' || c == '+') {
        j++;
    } else if (c == '{') {
        j++;
        bool digits = false;
        while (j < L->n && ((L->re[j] >= '0' && L->re[j] <= '9') || L->re[j] == ',' || L->re[j] == ' '))
            digits |= L->re[j++] != ',';
        if (j >= L->n || L->re[j] != '}' || !digits) return (size_t)-1;
        j++;
    } else {
        return 0;
    }
    if (j < L->n && (L->re[j] == '?' || L->re[j] == '+')) j++;
    return j - i;
}

/* End of the character class opening at i (just past its ']'), or 0. */
static size_t relit_class_end(const relit *L, size_t i)
{
    size_t j = i + 1;
    if (j < L->n && L->re[j] == '^') j++;
    if (j < L->n && L->re[j] == ']') j++;
    while (j < L->n && L->re[j] != ']') {
        if (L->re[j] == '\\') j += 2;
        else if (L->re[j] == '[' && j + 1 < L->n && L->re[j + 1] == ':') {
            const char *e = memchr(L->re + j + 2, ']', L->n - j - 2);
            if (!e) return 0;
            j = (size_t)(e - L->re) + 1;
        } else j++;
    }
    return j < L->n ? j + 1 : 0;
}

/* Reads the regex past escapes and classes: from the '(' at i to just past
 * its ')' (0: unclosed), or with top the whole regex (its length); *alt
 * tells whether the group, or the top level, has a '|' of its own (not in
 * a nested group). 0 also for a class without its ']'. */
static size_t relit_skip(const relit *L, size_t i, bool top, bool *alt)
{
    int depth = top ? 0 : -1; /* the group's own '(' brings it to 0 */
    *alt = false;
    for (size_t j = i; j < L->n;) {
        char c = L->re[j];
        if (c == '\\') {
            j += 2;
        } else if (c == '[') {
            size_t e = relit_class_end(L, j);
            if (!e) return 0;
            j = e;
        } else {
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0 && !top) return j + 1;
            else if (c == '|' && depth == 0) *alt = true;
            j++;
        }
    }
    return top ? L->n : 0;
}

/* Scans the sequence [i, end) (no '|' of its own); false: gave up. */
static bool relit_seq(relit *L, size_t i, size_t end, bool caseless)
{
    while (i < end) {
        unsigned char c = (unsigned char)L->re[i];
        size_t atom_end, q;
        bool literal = false, zero_width = false;
        if (c == '\\') {
            if (i + 1 >= end) return false;
            unsigned char d = (unsigned char)L->re[i + 1];
            bool alnum = (d >= '0' && d <= '9') || ((d | 0x20) >= 'a' && (d | 0x20) <= 'z');
            if (alnum && strchr("pPxkgNoQEcu", d)) return false; /* escapes with arguments */
            if (!alnum && d >= 0x80) return false;
            literal = !alnum;
            c = d;
            atom_end = i + 2;
            zero_width = alnum && strchr("bBAzZGK", d);
        } else if (c == '[') {
            if (!(atom_end = relit_class_end(L, i))) return false;
        } else if (c == '(') {
            bool alt;
            if (!(atom_end = relit_skip(L, i, false, &alt)) || atom_end > end) return false;
            const char *g = L->re + i + 1;
            size_t glen = atom_end - i - 2;
            if (glen && g[0] == '*') return false; /* verbs */
            if (glen && g[0] == '?') {
                size_t k = 1;
                bool off = false, on_i = false, off_i = false;
                while (k < glen && strchr("imnsxJU-^", g[k])) {
                    if (g[k] == '-') off = true;
                    else if (g[k] == 'i'&& off) off_i = true;
                    else if (g[k] == 'i') on_i = true;
                    else if (g[k] == 'x' || g[k] == 'n' || g[k] == 'J' || g[k] == 'U') return false;
                    k++;
                }
                if (k == glen && k > 1) { /* (?i) (?-i): options for the rest */
                    relit_flush(L);
                    if (on_i) caseless = true;
                    if (off_i) caseless = false;
                    i = atom_end;
                    continue;
                }
                bool content = glen >= 2 && (g[1] == ':' || g[1] == '>' ||
                                             (g[1] == '<' && glen >= 3 && g[2] != '=' && g[2] != '!') ||
                                             (g[1] == 'P' && glen >= 3 && g[2] == '<') || g[1] == '\'');
                bool lookaround = glen >= 2 && (g[1] == '=' || g[1] == '!' ||
                                                (g[1] == '<' && glen >= 3 && (g[2] == '=' || g[2] == '!')));
                bool comment = glen >= 2 && g[1] == '#';
                if (!content && !lookaround && !comment) return false; /* (?i: (?| (?( (?R) ... */
                relit_flush(L);
                q = relit_quant(L, atom_end);
                if (q == (size_t)-1) return false;
                if (content && !q && !alt) {
                    /* the content starts after "?:", "?>", "?<name>", "?P<name>", "?'name'" */
                    const char *at = g[1] == ':' || g[1] == '>' ? g + 1
                                     : memchr(g + 2, g[1] == '\'' ? '\'' : '>', glen - 2);
                    if (!at) return false;
                    if (!relit_seq(L, (size_t)(at - L->re) + 1, atom_end - 1, caseless)) return false;
                    relit_flush(L);
                }
                /* a group every match goes through is taken as consuming
                 * (only the choice of literal depends on it) */
                if (content && (!q || L->re[atom_end] == '+')) L->consumed = true;
                i = atom_end + q;
                continue;
            }
            relit_flush(L);
            q = relit_quant(L, atom_end);
            if (q == (size_t)-1) return false;
            if (!q && !alt) {
                if (!relit_seq(L, i + 1, atom_end - 1, caseless)) return false;
                relit_flush(L);
            }
            if (!q || L->re[atom_end] == '+') L->consumed = true;
            i = atom_end + q;
            continue;
        } else if (c == ')' || c == '|' || c == '{' || c == '?' || c == '*' || c == '+') {
            return false;
        } else {
            literal = c != '.' && c != '^' && c != '$';
            zero_width = c == '^' || c == '$';
            atom_end = i + 1;
            if (c >= 0x80) { /* a character of several bytes: not taken */
                literal = false;
                while (atom_end < end && ((unsigned char)L->re[atom_end] & 0xC0) == 0x80) atom_end++;
            }
        }
        q = relit_quant(L, atom_end);
        if (q == (size_t)-1) return false;
        /* a quantified character is left out */
        if (literal && !q) relit_put(L, (char)c, caseless);
        else relit_flush(L);
        if (!zero_width && (!q || L->re[atom_end] == '+')) L->consumed = true;
        i = atom_end + q;
    }
    return true;
}

size_t nfi_regex_required_literal(const char *re, size_t n, char *out, bool *caseless)
{
    relit L;
    memset(&L, 0, sizeof L);
    L.re = re;
    L.n = n;
    bool alt;
    if (!relit_skip(&L, 0, true, &alt) || alt) return 0; /* a '|' at the top: no literal */
    relit_seq(&L, 0, n, false);
    relit_flush(&L);
    memcpy(out, L.best, L.bestlen);
    *caseless = L.best_caseless;
    return L.bestlen;
}

/* ------------------------------------------------------------ AST */

enum { N_ATOM_TEST = 1, N_ATOM_LEX, N_ATOM_ANN, N_SEQ, N_ALT, N_REP, N_CAP };

typedef struct pnode {
    int kind;
    uint32_t x;         /* test / lexicon / type / capture index */
    uint32_t min, max;  /* repeat; max = UINT32_MAX for none */
    uint32_t first, next; /* children as a linked list (indexes into nodes) */
    uint32_t last;
    uint32_t nchild;
} pnode;

#define NOPE UINT32_MAX

typedef struct parser {
    nf_rules *r;
    const char *src;
    size_t n, i;
    const nfi_pos *pos;
    const char *rule;
    nf_error *err;
    nf_status st;
    NFI_VEC(pnode) nodes;
    NFI_VEC(nfi_test) tests;
    NFI_VEC(nfi_inst) code;
    const char *caps[NFI_MAX_CAPS];
    uint32_t ncaps;
    int depth;
} parser;

static NFI_PRINTF(3, 4) void perr(parser *p, size_t at, const char *fmt, ...)
{
    if (p->st != NF_OK) return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line, col;
    nfi_pos_at(p->pos, p->src, at, &line, &col);
    p->st = nfi_error_set(p->err, NF_ERR_RULE, p->pos->file, line, col,
                          "in pattern of rule '%s': %s", p->rule, msg);
}

static void oom(parser *p)
{
    if (p->st != NF_OK) return;
    p->st = nfi_error_set(p->err, NF_ERR_NOMEM, p->pos->file, p->pos->line, p->pos->col,
                          "out of memory");
}

static uint32_t new_node(parser *p, int kind)
{
    pnode *n = nfi_vec_push(&p->nodes);
    if (!n) {
        oom(p);
        return NOPE;
    }
    n->kind = kind;
    n->first = n->next = n->last = NOPE;
    return (uint32_t)(p->nodes.len - 1);
}

static void add_child(parser *p, uint32_t parent, uint32_t child)
{
    pnode *par = &p->nodes.items[parent];
    par->nchild++;
    if (par->first == NOPE) par->first = child;
    else p->nodes.items[par->last].next = child;
    par->last = child;
}

static uint32_t new_test(parser *p, uint8_t op)
{
    nfi_test *t = nfi_vec_push(&p->tests);
    if (!t) {
        oom(p);
        return NOPE;
    }
    t->op = op;
    t->a = t->b = t->val = NOPE;
    return (uint32_t)(p->tests.len - 1);
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->src[p->i] == ' ' || p->src[p->i] == '\t' || p->src[p->i] == '\n' ||
                           p->src[p->i] == '\r'))
        p->i++;
}

static bool is_word_char(char c)
{
    return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' ||
             c == '[' || c == ']' || c == '|' || c == '?' || c == '*' || c == '+' || c == '{' ||
             c == '}' || c == '<' || c == '>' || c == '@' || c == '"' || c == '\0');
}

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

/* Reads "..." at p->i (which is at the quote) into an arena string. */
static char *read_quoted(parser *p, size_t *len)
{
    size_t start = p->i++;
    char *buf = malloc(p->n - start + 1);
    if (!buf) {
        oom(p);
        return NULL;
    }
    size_t o = 0;
    while (p->i < p->n && p->src[p->i] != '"') {
        if (p->src[p->i] == '\\' && p->i + 1 < p->n && p->src[p->i + 1] == '"') p->i++;
        buf[o++] = p->src[p->i++];
    }
    if (p->i >= p->n) {
        free(buf);
        perr(p, start, "unterminated \"...\"");
        return NULL;
    }
    p->i++;
    char *s = nfi_arena_strndup(&p->r->arena, buf, o);
    free(buf);
    if (!s) oom(p);
    *len = o;
    return s;
}

static uint32_t vocab_of(parser *p, const char *s, size_t n)
{
    char fold[512];
    size_t fl = nfi_fold_buf(s, n, fold, sizeof fold);
    if (fl == (size_t)-1) return NFI_NONE;
    uint32_t v = nfi_strtab_intern(&p->r->vocab, fold, fl);
    if (v == NFI_NONE) oom(p);
    return v;
}

static uint32_t find_lexicon(parser *p, size_t at, const char *name, size_t n)
{
    for (size_t k = 0; k < p->r->lexicons.len; k++) {
        const char *ln = p->r->lexicons.items[k]->name;
        if (strlen(ln) == n && memcmp(ln, name, n) == 0) return (uint32_t)k;
    }
    perr(p, at, "undefined lexicon '%.*s'", (int)n, name);
    return NOPE;
}

static size_t read_name(parser *p)
{
    size_t s = p->i;
    while (p->i < p->n && is_name_char(p->src[p->i])) p->i++;
    return p->i - s;
}

static const struct {
    const char *name;
    uint32_t val;
} kinds[] = {{"word", NF_TOKEN_WORD},   {"number", NF_TOKEN_NUMBER}, {"punct", NF_TOKEN_PUNCT},
             {"symbol", NF_TOKEN_SYMBOL}, {"quote", NF_TOKEN_QUOTE},  {"url", NF_TOKEN_URL},
             {"email", NF_TOKEN_EMAIL}},
  caps[] = {{"upper", NFI_CAP_UPPER}, {"lower", NFI_CAP_LOWER}, {"title", NFI_CAP_TITLE},
            {"allcaps", NFI_CAP_ALLCAPS}},
  flags[] = {{"space_before", NF_TOKEN_SPACE_BEFORE}, {"line_start", NF_TOKEN_LINE_START},
             {"para_start", NF_TOKEN_PARA_START},     {"capitalized", NF_TOKEN_CAPITALIZED},
             {"all_upper", NF_TOKEN_ALL_UPPER},       {"quote_open", NF_TOKEN_QUOTE_OPEN},
             {"quote_close", NF_TOKEN_QUOTE_CLOSE},   {"abbrev", NF_TOKEN_ABBREV},
             {"non_ascii", NF_TOKEN_NON_ASCII},       {"sent_start", NFI_FLAG_SENT_START},
             {"sent_end", NFI_FLAG_SENT_END}};

#define LOOKUP(tab, s, n, out)                                                        \
    do {                                                                              \
        out = NOPE;                                                                   \
        for (size_t k_ = 0; k_ < sizeof tab / sizeof tab[0]; k_++)                    \
            if (strlen(tab[k_].name) == (n) && memcmp(tab[k_].name, s, n) == 0)        \
                out = tab[k_].val;                                                    \
    } while (0)

static uint32_t parse_test_or(parser *p);

static uint32_t parse_leaf(parser *p)
{
    size_t at = p->i;
    char c = p->src[p->i];
    if (c == '"') {
        size_t len;
        char *s = read_quoted(p, &len);
        if (!s) return NOPE;
        uint32_t t = new_test(p, NFI_T_TEXT);
        if (t == NOPE) return NOPE;
        p->tests.items[t].str = s;
        p->tests.items[t].len = (uint32_t)len;
        p->tests.items[t].val = vocab_of(p, s, len);
        return t;
    }
    if (c == '@') {
        p->i++;
        size_t s = p->i, len = read_name(p);
        if (!len) {
            perr(p, at, "expected a lexicon name after '@'");
            return NOPE;
        }
        uint32_t lx = find_lexicon(p, s, p->src + s, len);
        uint32_t t = lx == NOPE ? NOPE : new_test(p, NFI_T_LEX1);
        if (t != NOPE) p->tests.items[t].val = lx;
        return t;
    }
    size_t s = p->i;
    while (p->i < p->n && is_word_char(p->src[p->i]) && p->src[p->i] != '&' &&
           p->src[p->i] != ':' && p->src[p->i] != '!')
        p->i++;
    size_t klen = p->i - s;
    if (!klen) {
        perr(p, at, "expected a token test (key:value, \"text\", @LEXICON or a word)");
        return NOPE;
    }
    if (p->i >= p->n || p->src[p->i] != ':') { /* a bare word: case-folded match */
        uint32_t t = new_test(p, NFI_T_NORM);
        if (t != NOPE) p->tests.items[t].val = vocab_of(p, p->src + s, klen);
        return t;
    }
    p->i++; /* ':' */
    const char *key = p->src + s;
    size_t vat = p->i;
    char *val;
    size_t vlen;
    if (p->i < p->n && p->src[p->i] == '"') {
        val = read_quoted(p, &vlen);
        if (!val) return NOPE;
        vat++; /* the regex starts after the quote */
    } else {
        while (p->i < p->n && p->src[p->i] != ']' && p->src[p->i] != ' ' && p->src[p->i] != '&' &&
               p->src[p->i] != '|' && p->src[p->i] != ')' && p->src[p->i] != '\t')
            p->i++;
        vlen = p->i - vat;
        val = nfi_arena_strndup(&p->r->arena, p->src + vat, vlen);
        if (!val) {
            oom(p);
            return NOPE;
        }
    }
    if (!vlen) {
        perr(p, vat, "expected a value after '%.*s:'", (int)klen, key);
        return NOPE;
    }
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    uint32_t t = NOPE, v;
    if (KEY("text")) {
        t = new_test(p, NFI_T_TEXT);
        if (t != NOPE) {
            p->tests.items[t].str = val;
            p->tests.items[t].len = (uint32_t)vlen;
            p->tests.items[t].val = vocab_of(p, val, vlen);
        }
    } else if (KEY("norm")) {
        t = new_test(p, NFI_T_NORM);
        if (t != NOPE) p->tests.items[t].val = vocab_of(p, val, vlen);
    } else if (KEY("shape")) {
        t = new_test(p, NFI_T_SHAPE);
        if (t != NOPE) {
            p->tests.items[t].str = val;
            p->tests.items[t].len = (uint32_t)vlen;
        }
    } else if (KEY("kind")) {
        LOOKUP(kinds, val, vlen, v);
        if (v == NOPE) {
            perr(p, vat, "unknown kind '%s' (expected word, number, punct, symbol, quote, url "
                         "or email)", val);
            return NOPE;
        }
        t = new_test(p, NFI_T_KIND);
        if (t != NOPE) p->tests.items[t].val = v;
    } else if (KEY("cap")) {
        LOOKUP(caps, val, vlen, v);
        if (v == NOPE) {
            perr(p, vat, "unknown cap '%s' (expected upper, lower, title or allcaps)", val);
            return NOPE;
        }
        t = new_test(p, NFI_T_CAP);
        if (t != NOPE) p->tests.items[t].val = v;
    } else if (KEY("flag")) {
        LOOKUP(flags, val, vlen, v);
        if (v == NOPE) {
            perr(p, vat, "unknown flag '%s' (expected line_start, para_start, space_before, "
                         "sent_start, sent_end, quote_open, quote_close, abbrev, ...)", val);
            return NOPE;
        }
        t = new_test(p, NFI_T_FLAG);
        if (t != NOPE) p->tests.items[t].val = v;
    } else if (KEY("lex")) {
        uint32_t lx = find_lexicon(p, vat, val, vlen);
        t = lx == NOPE ? NOPE : new_test(p, NFI_T_LEX1);
        if (t != NOPE) p->tests.items[t].val = lx;
    } else if (KEY("re")) {
        pcre2_code *re = nfi_regex_compile(p->r, val, vlen, PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                                           p->pos, p->src, vat, p->err);
        if (!re) {
            p->st = p->err ? p->err->code : NF_ERR_REGEX;
            return NOPE;
        }
        t = new_test(p, NFI_T_RE);
        if (t != NOPE) {
            p->tests.items[t].re = re;
            p->tests.items[t].str = val; /* the source: groups rules by first test */
            p->tests.items[t].len = (uint32_t)vlen;
        }
    } else {
        perr(p, s, "unknown test '%.*s' (expected text, norm, re, shape, kind, cap, lex or "
                   "flag)", (int)klen, key);
        return NOPE;
    }
#undef KEY
    return t;
}

static uint32_t parse_unary(parser *p)
{
    skip_ws(p);
    if (p->i >= p->n) {
        perr(p, p->i, "unterminated '[': expected ']'");
        return NOPE;
    }
    if (p->src[p->i] == '!') {
        p->i++;
        uint32_t a = parse_unary(p);
        uint32_t t = a == NOPE ? NOPE : new_test(p, NFI_T_NOT);
        if (t != NOPE) p->tests.items[t].a = a;
        return t;
    }
    if (p->src[p->i] == '(') {
        size_t at = p->i++;
        if (++p->depth > 50) {
            perr(p, at, "nested too deeply");
            return NOPE;
        }
        uint32_t t = parse_test_or(p);
        p->depth--;
        skip_ws(p);
        if (t != NOPE && (p->i >= p->n || p->src[p->i] != ')')) {
            perr(p, at, "unclosed '(' in token test");
            return NOPE;
        }
        p->i++;
        return t;
    }
    return parse_leaf(p);
}

static uint32_t parse_test_and(parser *p)
{
    uint32_t t = parse_unary(p);
    for (;;) {
        if (t == NOPE) return NOPE;
        skip_ws(p);
        if (p->i >= p->n || p->src[p->i] == ']' || p->src[p->i] == '|' || p->src[p->i] == ')')
            return t;
        if (p->src[p->i] == '&') p->i++;
        uint32_t b = parse_unary(p);
        if (b == NOPE) return NOPE;
        uint32_t a = new_test(p, NFI_T_AND);
        if (a == NOPE) return NOPE;
        p->tests.items[a].a = t;
        p->tests.items[a].b = b;
        t = a;
    }
}

static uint32_t parse_test_or(parser *p)
{
    uint32_t t = parse_test_and(p);
    for (;;) {
        if (t == NOPE) return NOPE;
        skip_ws(p);
        if (p->i >= p->n || p->src[p->i] != '|') return t;
        p->i++;
        uint32_t b = parse_test_and(p);
        if (b == NOPE) return NOPE;
        uint32_t o = new_test(p, NFI_T_OR);
        if (o == NOPE) return NOPE;
        p->tests.items[o].a = t;
        p->tests.items[o].b = b;
        t = o;
    }
}

static uint32_t parse_alt(parser *p);

static uint32_t atom_node(parser *p, int kind, uint32_t x)
{
    uint32_t n = new_node(p, kind);
    if (n != NOPE) p->nodes.items[n].x = x;
    return n;
}

static uint32_t parse_atom(parser *p)
{
    size_t at = p->i;
    char c = p->src[p->i];
    if (c == '(') {
        p->i++;
        uint32_t cap = NOPE;
        if (p->i + 1 < p->n && p->src[p->i] == '?' && p->src[p->i + 1] == '<') {
            p->i += 2;
            size_t s = p->i, len = read_name(p);
            if (!len || p->i >= p->n || p->src[p->i] != '>') {
                perr(p, s, "expected a capture name and '>' after '(?<'");
                return NOPE;
            }
            p->i++;
            for (uint32_t k = 0; k < p->ncaps; k++)
                if (strlen(p->caps[k]) == len && memcmp(p->caps[k], p->src + s, len) == 0) {
                    perr(p, s, "capture '%.*s' is defined twice", (int)len, p->src + s);
                    return NOPE;
                }
            if (p->ncaps >= NFI_MAX_CAPS) {
                perr(p, s, "more than %d captures", NFI_MAX_CAPS);
                return NOPE;
            }
            char *name = nfi_arena_strndup(&p->r->arena, p->src + s, len);
            if (!name) {
                oom(p);
                return NOPE;
            }
            cap = p->ncaps;
            p->caps[p->ncaps++] = name;
        }
        if (++p->depth > 50) {
            perr(p, at, "nested too deeply");
            return NOPE;
        }
        uint32_t body = parse_alt(p);
        p->depth--;
        if (body == NOPE) return NOPE;
        skip_ws(p);
        if (p->i >= p->n || p->src[p->i] != ')') {
            perr(p, at, "unclosed '('");
            return NOPE;
        }
        p->i++;
        if (cap == NOPE) return body;
        uint32_t g = atom_node(p, N_CAP, cap);
        if (g != NOPE) add_child(p, g, body);
        return g;
    }
    if (c == '[') {
        p->i++;
        skip_ws(p);
        if (p->i < p->n && p->src[p->i] == ']') {
            p->i++;
            uint32_t t = new_test(p, NFI_T_ANY);
            return t == NOPE ? NOPE : atom_node(p, N_ATOM_TEST, t);
        }
        uint32_t t = parse_test_or(p);
        if (t == NOPE) return NOPE;
        skip_ws(p);
        if (p->i >= p->n || p->src[p->i] != ']') {
            perr(p, at, "unterminated '[': expected ']'");
            return NOPE;
        }
        p->i++;
        return atom_node(p, N_ATOM_TEST, t);
    }
    if (c == '@') {
        p->i++;
        size_t s = p->i, len = read_name(p);
        if (!len) {
            perr(p, at, "expected a lexicon name after '@'");
            return NOPE;
        }
        uint32_t lx = find_lexicon(p, s, p->src + s, len);
        return lx == NOPE ? NOPE : atom_node(p, N_ATOM_LEX, lx);
    }
    if (c == '<') {
        p->i++;
        size_t s = p->i, len = read_name(p);
        if (!len || p->i >= p->n || p->src[p->i] != '>') {
            perr(p, at, "expected <TYPE>: an annotation type name and '>'");
            return NOPE;
        }
        p->i++;
        uint32_t ty = nfi_type_intern(p->r, p->src + s, len);
        if (ty == NOPE) {
            oom(p);
            return NOPE;
        }
        return atom_node(p, N_ATOM_ANN, ty);
    }
    if (c == '"' || is_word_char(c)) {
        uint32_t t;
        if (c == '"') {
            t = parse_leaf(p);
        } else {
            size_t s = p->i;
            while (p->i < p->n && is_word_char(p->src[p->i])) p->i++;
            t = new_test(p, NFI_T_NORM);
            if (t != NOPE) p->tests.items[t].val = vocab_of(p, p->src + s, p->i - s);
        }
        return t == NOPE ? NOPE : atom_node(p, N_ATOM_TEST, t);
    }
    if (c == '?' || c == '*' || c == '+' || c == '{')
        perr(p, at, "nothing to repeat before '%c' (write \"%c\" for the token itself)", c, c);
    else if (c == ')')
        perr(p, at, "unmatched ')'");
    else if (c == ']')
        perr(p, at, "unmatched ']'");
    else
        perr(p, at, "unexpected '%c'", c);
    return NOPE;
}

static bool read_uint(parser *p, uint32_t *out)
{
    size_t s = p->i;
    uint32_t v = 0;
    while (p->i < p->n && p->src[p->i] >= '0' && p->src[p->i] <= '9' && v < 100000)
        v = v * 10 + (uint32_t)(p->src[p->i++] - '0');
    *out = v;
    return p->i > s;
}

static uint32_t parse_item(parser *p)
{
    uint32_t a = parse_atom(p);
    while (a != NOPE && p->i < p->n) {
        char c = p->src[p->i];
        uint32_t min, max;
        size_t at = p->i;
        if (c == '?') min = 0, max = 1;
        else if (c == '*') min = 0, max = UINT32_MAX;
        else if (c == '+') min = 1, max = UINT32_MAX;
        else if (c == '{') {
            p->i++;
            if (!read_uint(p, &min)) {
                perr(p, at, "expected {m}, {m,} or {m,n}");
                return NOPE;
            }
            max = min;
            if (p->i < p->n && p->src[p->i] == ',') {
                p->i++;
                if (!read_uint(p, &max)) max = UINT32_MAX;
            }
            if (p->i >= p->n || p->src[p->i] != '}') {
                perr(p, at, "expected {m}, {m,} or {m,n}");
                return NOPE;
            }
            if (max < min || (max != UINT32_MAX && max > 32) || min > 32) {
                perr(p, at, "bad repeat {%u,%u}: need m <= n <= 32", min, max);
                return NOPE;
            }
        } else break;
        p->i++;
        uint32_t r = new_node(p, N_REP);
        if (r == NOPE) return NOPE;
        p->nodes.items[r].min = min;
        p->nodes.items[r].max = max;
        add_child(p, r, a);
        a = r;
    }
    return a;
}

static uint32_t parse_seq(parser *p)
{
    uint32_t seq = new_node(p, N_SEQ);
    for (;;) {
        if (seq == NOPE) return NOPE;
        skip_ws(p);
        if (p->i >= p->n || p->src[p->i] == '|' || p->src[p->i] == ')') break;
        uint32_t it = parse_item(p);
        if (it == NOPE) return NOPE;
        add_child(p, seq, it);
    }
    if (!p->nodes.items[seq].nchild) {
        perr(p, p->i, "empty alternative");
        return NOPE;
    }
    return seq;
}

static uint32_t parse_alt(parser *p)
{
    uint32_t first = parse_seq(p);
    if (first == NOPE) return NOPE;
    skip_ws(p);
    if (p->i >= p->n || p->src[p->i] != '|') return first;
    uint32_t alt = new_node(p, N_ALT);
    if (alt == NOPE) return NOPE;
    add_child(p, alt, first);
    while (p->i < p->n && p->src[p->i] == '|') {
        p->i++;
        uint32_t s = parse_seq(p);
        if (s == NOPE) return NOPE;
        add_child(p, alt, s);
        skip_ws(p);
    }
    return alt;
}

static bool nullable(const parser *p, uint32_t n)
{
    const pnode *nd = &p->nodes.items[n];
    switch (nd->kind) {
    case N_SEQ:
        for (uint32_t c = nd->first; c != NOPE; c = p->nodes.items[c].next)
            if (!nullable(p, c)) return false;
        return true;
    case N_ALT:
        for (uint32_t c = nd->first; c != NOPE; c = p->nodes.items[c].next)
            if (nullable(p, c)) return true;
        return false;
    case N_REP: return nd->min == 0 || nullable(p, nd->first);
    case N_CAP: return nullable(p, nd->first);
    default: return false;
    }
}

/* ------------------------------------------------------------ code */

static uint32_t emit(parser *p, uint8_t op, uint32_t x, uint32_t y)
{
    nfi_inst *in = nfi_vec_push(&p->code);
    if (!in) {
        oom(p);
        return NOPE;
    }
    in->op = op;
    in->x = x;
    in->y = y;
    if (p->code.len > 20000) {
        perr(p, 0, "pattern compiles to more than 20000 instructions");
        return NOPE;
    }
    return (uint32_t)(p->code.len - 1);
}

/* The test of alternative c when it is one word or one exact text and
 * nothing else ("(for | of | to)", '("Says" | "Said")'), else NOPE. */
static uint32_t word_alternative(const parser *p, uint32_t c)
{
    const pnode *seq = &p->nodes.items[c];
    if (seq->kind != N_SEQ || seq->nchild != 1) return NOPE;
    const pnode *a = &p->nodes.items[seq->first];
    if (a->kind != N_ATOM_TEST) return NOPE;
    uint8_t op = p->tests.items[a->x].op;
    return op == NFI_T_NORM || op == NFI_T_TEXT ? a->x : NOPE;
}

/* The alternatives from first on, with those that are one word each
 * replaced by one alternative testing an OR of the words (first in the
 * list). One instruction instead of a SPLIT chain with a thread per word,
 * and a word set for the compiled test (flatten below); the index files it
 * under each word as before. NOPE on failure. */
static uint32_t merge_word_alternatives(parser *p, uint32_t first)
{
    uint32_t nwords = 0, any = NOPE;
    for (uint32_t c = first; c != NOPE; c = p->nodes.items[c].next)
        nwords += word_alternative(p, c) != NOPE;
    if (nwords < 2) return first;
    for (uint32_t c = first; c != NOPE; c = p->nodes.items[c].next) {
        uint32_t t = word_alternative(p, c);
        if (t == NOPE) continue;
        if (any == NOPE) {
            any = t;
            continue;
        }
        uint32_t o = new_test(p, NFI_T_OR);
        if (o == NOPE) return NOPE;
        p->tests.items[o].a = any;
        p->tests.items[o].b = t;
        any = o;
    }
    uint32_t seq = new_node(p, N_SEQ), atom = atom_node(p, N_ATOM_TEST, any);
    if (seq == NOPE || atom == NOPE) return NOPE;
    add_child(p, seq, atom);
    for (uint32_t c = first; c != NOPE; c = p->nodes.items[c].next)
        if (word_alternative(p, c) == NOPE) {
            /* nodes are linked through next: copy the alternative's node */
            uint32_t copy = new_node(p, N_SEQ);
            if (copy == NOPE) return NOPE;
            uint32_t keep = p->nodes.items[copy].next;
            p->nodes.items[copy] = p->nodes.items[c];
            p->nodes.items[copy].next = keep;
            uint32_t last = seq;
            while (p->nodes.items[last].next != NOPE) last = p->nodes.items[last].next;
            p->nodes.items[last].next = copy;
        }
    return seq;
}

static bool gen(parser *p, uint32_t n)
{
    if (p->st != NF_OK) return false;
    const pnode nd = p->nodes.items[n];
    switch (nd.kind) {
    case N_ATOM_TEST: return emit(p, NFI_OP_TEST, nd.x, 0) != NOPE;
    case N_ATOM_LEX: return emit(p, NFI_OP_LEX, nd.x, 0) != NOPE;
    case N_ATOM_ANN: return emit(p, NFI_OP_ANN, nd.x, 0) != NOPE;
    case N_SEQ:
        for (uint32_t c = nd.first; c != NOPE; c = p->nodes.items[c].next)
            if (!gen(p, c)) return false;
        return true;
    case N_CAP:
        return emit(p, NFI_OP_SAVE, 2 * nd.x, 0) != NOPE && gen(p, nd.first) &&
               emit(p, NFI_OP_SAVE, 2 * nd.x + 1, 0) != NOPE;
    case N_ALT: {
        uint32_t jumps[256], nj = 0;
        uint32_t first = merge_word_alternatives(p, nd.first);
        if (first == NOPE) return false;
        for (uint32_t c = first; c != NOPE; c = p->nodes.items[c].next) {
            uint32_t split = NOPE;
            if (p->nodes.items[c].next != NOPE) {
                split = emit(p, NFI_OP_SPLIT, 0, 0);
                if (split == NOPE) return false;
                p->code.items[split].x = split + 1;
            }
            if (!gen(p, c)) return false;
            if (p->nodes.items[c].next != NOPE) {
                if (nj == 256) {
                    perr(p, 0, "more than 256 alternatives in one group");
                    return false;
                }
                uint32_t j = emit(p, NFI_OP_JMP, 0, 0);
                if (j == NOPE) return false;
                jumps[nj++] = j;
                p->code.items[split].y = (uint32_t)p->code.len;
            }
        }
        for (uint32_t k = 0; k < nj; k++) p->code.items[jumps[k]].x = (uint32_t)p->code.len;
        return true;
    }
    case N_REP: {
        for (uint32_t k = 0; k < nd.min; k++)
            if (!gen(p, nd.first)) return false;
        if (nd.max == UINT32_MAX) {
            uint32_t split = emit(p, NFI_OP_SPLIT, 0, 0);
            if (split == NOPE) return false;
            p->code.items[split].x = split + 1;
            if (!gen(p, nd.first)) return false;
            if (emit(p, NFI_OP_JMP, split, 0) == NOPE) return false;
            p->code.items[split].y = (uint32_t)p->code.len;
            return true;
        }
        uint32_t splits[33], ns = 0;
        for (uint32_t k = nd.min; k < nd.max; k++) {
            uint32_t split = emit(p, NFI_OP_SPLIT, 0, 0);
            if (split == NOPE) return false;
            p->code.items[split].x = split + 1;
            splits[ns++] = split;
            if (!gen(p, nd.first)) return false;
        }
        for (uint32_t k = 0; k < ns; k++) p->code.items[splits[k]].y = (uint32_t)p->code.len;
        return true;
    }
    }
    return false;
}

/* Lexicons and types used inside node n (for $capture.key). */
static void collect_sources(const parser *p, uint32_t n, uint32_t *lexes, uint32_t *nl,
                            uint32_t *types, uint32_t *nt)
{
    const pnode *nd = &p->nodes.items[n];
    if (nd->kind == N_ATOM_LEX && *nl < 16) lexes[(*nl)++] = nd->x;
    if (nd->kind == N_ATOM_ANN && *nt < 16) types[(*nt)++] = nd->x;
    if (nd->kind == N_ATOM_TEST) {
        /* single-token lexicon tests anywhere in the test tree */
        uint32_t stack[64], sp = 0;
        stack[sp++] = nd->x;
        while (sp) {
            const nfi_test *t = &p->tests.items[stack[--sp]];
            if (t->op == NFI_T_LEX1 && *nl < 16) lexes[(*nl)++] = t->val;
            if ((t->op == NFI_T_AND || t->op == NFI_T_OR || t->op == NFI_T_NOT) && sp < 62) {
                stack[sp++] = t->a;
                if (t->op != NFI_T_NOT) stack[sp++] = t->b;
            }
        }
    }
    for (uint32_t c = nd->first; c != NOPE; c = p->nodes.items[c].next)
        collect_sources(p, c, lexes, nl, types, nt);
}

static void find_caps(parser *p, uint32_t n, nfi_prog *prog)
{
    const pnode *nd = &p->nodes.items[n];
    if (nd->kind == N_CAP) {
        uint32_t lexes[16], types[16], nl = 0, nt = 0;
        collect_sources(p, nd->first, lexes, &nl, types, &nt);
        uint32_t *l = nfi_arena_alloc(&p->r->arena, (nl + 1) * sizeof *l);
        uint32_t *t = nfi_arena_alloc(&p->r->arena, (nt + 1) * sizeof *t);
        if (!l || !t) {
            oom(p);
            return;
        }
        if (nl) memcpy(l, lexes, nl * sizeof *l);
        if (nt) memcpy(t, types, nt * sizeof *t);
        prog->cap_lexes[nd->x] = l;
        prog->cap_nlexes[nd->x] = nl;
        prog->cap_types[nd->x] = t;
        prog->cap_ntypes[nd->x] = nt;
    }
    for (uint32_t c = nd->first; c != NOPE; c = p->nodes.items[c].next) find_caps(p, c, prog);
}

nfi_prog *nfi_pattern_compile(nf_rules *r, const char *src, const nfi_pos *pos,
                              const char *rule_name, nf_error *err)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.r = r;
    p.src = src;
    p.n = strlen(src);
    p.pos = pos;
    p.rule = rule_name;
    p.err = err;
    nfi_prog *prog = NULL;
    uint32_t root = parse_alt(&p);
    if (root != NOPE && p.st == NF_OK) {
        skip_ws(&p);
        if (p.i < p.n) perr(&p, p.i, "unmatched ')'");
    }
    if (root != NOPE && p.st == NF_OK && nullable(&p, root))
        perr(&p, 0, "the pattern can match no tokens at all (every part is optional)");
    if (p.st == NF_OK) {
        if (gen(&p, root)) emit(&p, NFI_OP_MATCH, 0, 0);
    }
    if (p.st == NF_OK) {
        prog = nfi_arena_alloc(&r->arena, sizeof *prog);
        size_t nc = p.ncaps ? p.ncaps : 1;
        if (prog) {
            prog->len = (uint32_t)p.code.len;
            prog->code = nfi_arena_alloc(&r->arena, p.code.len * sizeof *prog->code);
            prog->ntests = (uint32_t)p.tests.len;
            prog->tests = nfi_arena_alloc(&r->arena, (p.tests.len + 1) * sizeof *prog->tests);
            prog->ncaps = p.ncaps;
            prog->cap_names = nfi_arena_alloc(&r->arena, nc * sizeof *prog->cap_names);
            prog->cap_lexes = nfi_arena_alloc(&r->arena, nc * sizeof *prog->cap_lexes);
            prog->cap_nlexes = nfi_arena_alloc(&r->arena, nc * sizeof *prog->cap_nlexes);
            prog->cap_types = nfi_arena_alloc(&r->arena, nc * sizeof *prog->cap_types);
            prog->cap_ntypes = nfi_arena_alloc(&r->arena, nc * sizeof *prog->cap_ntypes);
        }
        if (!prog || !prog->code || !prog->tests || !prog->cap_names || !prog->cap_lexes ||
            !prog->cap_nlexes || !prog->cap_types || !prog->cap_ntypes) {
            oom(&p);
            prog = NULL;
        } else {
            memcpy(prog->code, p.code.items, p.code.len * sizeof *prog->code);
            if (p.tests.len) memcpy(prog->tests, p.tests.items, p.tests.len * sizeof *prog->tests);
            if (p.ncaps) memcpy(prog->cap_names, p.caps, p.ncaps * sizeof *p.caps);
            find_caps(&p, root, prog);
            if (p.st != NF_OK) prog = NULL;
        }
    }
    nfi_vec_free(&p.nodes);
    nfi_vec_free(&p.tests);
    nfi_vec_free(&p.code);
    if (prog) {
        if (prog->len > r->max_prog) r->max_prog = prog->len;
        if (prog->ncaps > r->max_caps) r->max_caps = prog->ncaps;
    }
    return prog;
}

/* ------------------------------------------------------------ first sets */

/* Adds the index keys of test t to out; false when it can be any token. */
static bool test_keys(const nfi_prog *p, uint32_t t, nfi_first *out, bool *nomem)
{
    const nfi_test *tt = &p->tests[t];
    switch (tt->op) {
    case NFI_T_NORM:
    case NFI_T_TEXT: {
        uint32_t *w = nfi_vec_push(&out->words);
        if (!w) *nomem = true;
        else *w = tt->val; /* NFI_NONE: can never match (not in any text) */
        return true;
    }
    case NFI_T_LEX1: {
        uint32_t *l = nfi_vec_push(&out->lexes);
        if (!l) *nomem = true;
        else *l = tt->val;
        return true;
    }
    case NFI_T_AND: {
        size_t wl = out->words.len, ll = out->lexes.len;
        if (test_keys(p, tt->a, out, nomem)) return true;
        out->words.len = wl;
        out->lexes.len = ll;
        return test_keys(p, tt->b, out, nomem);
    }
    case NFI_T_OR: return test_keys(p, tt->a, out, nomem) && test_keys(p, tt->b, out, nomem);
    default: return false;
    }
}

nf_status nfi_prog_first(const nfi_prog *p, nfi_first *out)
{
    bool *seen = calloc(p->len, sizeof *seen);
    uint32_t *stack = malloc(p->len * sizeof *stack);
    bool nomem = !seen || !stack;
    uint32_t sp = 0;
    if (!nomem) stack[sp++] = 0;
    while (sp && !nomem && !out->any) {
        uint32_t pc = stack[--sp];
        if (seen[pc]) continue;
        seen[pc] = true;
        const nfi_inst *in = &p->code[pc];
        switch (in->op) {
        case NFI_OP_SPLIT:
            stack[sp++] = in->y;
            stack[sp++] = in->x;
            break;
        case NFI_OP_JMP: stack[sp++] = in->x; break;
        case NFI_OP_SAVE: stack[sp++] = pc + 1; break;
        case NFI_OP_TEST: {
            size_t wl = out->words.len, ll = out->lexes.len;
            if (test_keys(p, in->x, out, &nomem)) break;
            out->words.len = wl; /* a test with no word key: keyed by itself */
            out->lexes.len = ll;
            uint32_t *t = out->tests.len < 16 ? nfi_vec_push(&out->tests) : NULL;
            if (t) *t = in->x;
            else out->any = true;
            break;
        }
        case NFI_OP_LEX: {
            uint32_t *l = nfi_vec_push(&out->lexes);
            if (!l) nomem = true;
            else *l = in->x;
            break;
        }
        case NFI_OP_ANN: {
            uint32_t *t = nfi_vec_push(&out->types);
            if (!t) nomem = true;
            else *t = in->x;
            break;
        }
        default: out->any = true; break; /* MATCH first: cannot happen (not nullable) */
        }
    }
    free(seen);
    free(stack);
    return nomem ? NF_ERR_NOMEM : NF_OK;
}

uint32_t nfi_prog_first_test(const nfi_prog *p)
{
    uint32_t found = NFI_NONE, stack[64], sp = 0;
    bool *seen = calloc(p->len, sizeof *seen);
    if (!seen) return NFI_NONE;
    stack[sp++] = 0;
    while (sp) {
        uint32_t pc = stack[--sp];
        if (seen[pc]) continue;
        seen[pc] = true;
        const nfi_inst *in = &p->code[pc];
        if (in->op == NFI_OP_SPLIT || in->op == NFI_OP_JMP || in->op == NFI_OP_SAVE) {
            if (sp + 2 > 64) {
                found = NFI_NONE - 1;
                break;
            }
            if (in->op == NFI_OP_SPLIT) stack[sp++] = in->y;
            stack[sp++] = in->op == NFI_OP_SAVE ? pc + 1 : in->x;
            continue;
        }
        if (in->op != NFI_OP_TEST || (found != NFI_NONE && found != in->x)) {
            found = NFI_NONE - 1;
            break;
        }
        found = in->x;
    }
    free(seen);
    return found == NFI_NONE - 1 ? NFI_NONE : found;
}

size_t nfi_test_sig(const nfi_prog *p, uint32_t t, char *buf, size_t cap)
{
    const nfi_test *tt = &p->tests[t];
    int n = snprintf(buf, cap, "(%u:%u:%u:", tt->op, tt->val, tt->len);
    if (n < 0 || (size_t)n >= cap) return cap;
    size_t o = (size_t)n;
    if (tt->str) {
        if (o + tt->len + 2 >= cap) return cap;
        memcpy(buf + o, tt->str, tt->len);
        o += tt->len;
    }
    if (tt->op == NFI_T_AND || tt->op == NFI_T_OR || tt->op == NFI_T_NOT) {
        o += nfi_test_sig(p, tt->a, buf + o, cap - o);
        if (o >= cap) return cap;
        if (tt->op != NFI_T_NOT) o += nfi_test_sig(p, tt->b, buf + o, cap - o);
        if (o >= cap) return cap;
    }
    if (o + 2 >= cap) return cap;
    buf[o++] = ')';
    buf[o] = '\0';
    return o;
}

/* The feature bit (NFI_FEAT_*) a leaf test checks, or 0. */
static uint64_t leaf_feat(const nfi_test *t)
{
    switch (t->op) {
    case NFI_T_CAP: return t->val >= 1 && t->val <= 4 ? NFI_FEAT_CAP(t->val) : 0;
    case NFI_T_KIND: return t->val < 32 ? NFI_FEAT_KIND(t->val) : 0;
    case NFI_T_FLAG:
        if (t->val == NFI_FLAG_SENT_START || t->val == NFI_FLAG_SENT_END) return t->val;
        return t->val && t->val <= 0x8000u && !(t->val & (t->val - 1)) ? t->val : 0;
    }
    return 0;
}

/* Lexicon bits of an OR of one-token lexicon tests (< 64), or 0. */
static uint64_t or_lexes(const nfi_prog *p, uint32_t t)
{
    const nfi_test *tt = &p->tests[t];
    if (tt->op == NFI_T_LEX1) return tt->val < 64 ? 1ull << tt->val : 0;
    if (tt->op != NFI_T_OR) return 0;
    uint64_t a = or_lexes(p, tt->a), b = a ? or_lexes(p, tt->b) : 0;
    return a && b ? a | b : 0;
}

typedef struct conj {
    uint64_t fyes, fno, lyes, lno, lany;
    NFI_VEC(uint32_t) words; /* an OR of words: the token is one of them */
    bool have_words, nomem;
    uint32_t norm; /* NFI_NONE: none yet */
    bool never;
    const char *text, *shape;
    uint32_t text_len, shape_len;
    uint32_t *rest, nrest;
    uint64_t *rest_skip; /* per rest test: see nfi_ctest.rest_skip */
} conj;

/* Whether test t is an OR of words and exact texts only; if so appends
 * their vocab ids (a text's is its case-folded form's) to c->words (a word
 * no token has is left out) and clears *exact when there is a text, for
 * which the id is only a necessary condition. */
static bool or_words(const nfi_prog *p, uint32_t t, conj *c, bool *exact)
{
    const nfi_test *tt = &p->tests[t];
    if (tt->op == NFI_T_NORM || tt->op == NFI_T_TEXT) {
        if (tt->val == NFI_NONE) return tt->op == NFI_T_NORM; /* a text: no id to go by */
        if (tt->op == NFI_T_TEXT) *exact = false;
        uint32_t *w = nfi_vec_push(&c->words);
        if (!w) c->nomem = true;
        else *w = tt->val;
        return true;
    }
    if (tt->op != NFI_T_OR) return false;
    size_t mark = c->words.len;
    if (or_words(p, tt->a, c, exact) && or_words(p, tt->b, c, exact)) return true;
    c->words.len = mark;
    return false;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t regex_features(const nfi_test *t);

/* Whether only the text itself folds to the text's folded form: ASCII
 * without letters (which have case) or apostrophes (the typographic one
 * folds to it). For such a text the exact-text test is a word test. */
static bool caseless_text(const char *s, uint32_t n)
{
    if (!s || !n) return false;
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80 || ch == '\'' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
            return false;
    }
    return true;
}

static void flatten(const nfi_prog *p, uint32_t t, conj *c)
{
    const nfi_test *tt = &p->tests[t];
    uint64_t bit;
    switch (tt->op) {
    case NFI_T_ANY: return;
    case NFI_T_AND:
        flatten(p, tt->a, c);
        flatten(p, tt->b, c);
        return;
    case NFI_T_LEX1:
        if (tt->val < 64) {
            c->lyes |= 1ull << tt->val;
            return;
        }
        break;
    case NFI_T_TEXT:
        if (tt->val != NFI_NONE) { /* the text's folded form: a necessary condition */
            if (c->norm != NFI_NONE && c->norm != tt->val) c->never = true;
            c->norm = tt->val;
            if (caseless_text(tt->str, tt->len)) return; /* and a sufficient one */
        }
        if (!c->text && tt->str) {
            c->text = tt->str;
            c->text_len = tt->len;
            return;
        }
        break;
    case NFI_T_SHAPE:
        if (!c->shape && tt->str) {
            c->shape = tt->str;
            c->shape_len = tt->len;
            return;
        }
        break;
    case NFI_T_NORM: /* val NFI_NONE: a word no token has */
        if (tt->val == NFI_NONE || (c->norm != NFI_NONE && c->norm != tt->val)) c->never = true;
        c->norm = tt->val;
        return;
    case NFI_T_NOT: {
        const nfi_test *ch = &p->tests[tt->a];
        if ((bit = leaf_feat(ch)) != 0) {
            c->fno |= bit;
            return;
        }
        if (ch->op == NFI_T_LEX1 && ch->val < 64) {
            c->lno |= 1ull << ch->val;
            return;
        }
        if (ch->op == NFI_T_RE && ch->re) { /* true at once where the regex cannot match */
            c->rest_skip[c->nrest] = regex_features(ch);
            c->rest[c->nrest++] = t;
            return;
        }
        break;
    }
    case NFI_T_OR: {
        bool exact = true;
        if (!c->have_words && or_words(p, t, c, &exact)) {
            c->have_words = true;
            if (exact) return;
            break; /* the texts themselves are checked with the rest */
        }
        if (!c->lany && (bit = or_lexes(p, t)) != 0) {
            c->lany = bit;
            return;
        }
        break;
    }
    default:
        if ((bit = leaf_feat(tt)) != 0) {
            c->fyes |= bit;
            return;
        }
        break;
    }
    c->rest_skip[c->nrest] = 0;
    c->rest[c->nrest++] = t;
}

static size_t closure(const nfi_prog *p, const uint32_t *from, size_t nfrom, uint32_t *seen,
                      uint32_t gen, uint32_t *out, uint32_t *stack);

/* Sets p->one_token (see engine.h). */
static nf_status check_one_token(nfi_prog *p)
{
    p->one_token = false;
    if (p->ncaps || !p->nfirst || !p->first_pcs) return NF_OK;
    size_t len = p->len + 1;
    uint32_t *seen = calloc(len, sizeof *seen);
    uint32_t *out = malloc(len * sizeof *out), *stack = malloc(2 * len * sizeof *stack);
    nf_status st = seen && out && stack ? NF_OK : NF_ERR_NOMEM;
    bool one = st == NF_OK;
    for (uint32_t i = 0; i < p->nfirst && one; i++) {
        uint32_t pc = p->first_pcs[i];
        if (p->code[pc].op != NFI_OP_TEST) one = false;
        else {
            uint32_t from = pc + 1;
            size_t n = closure(p, &from, 1, seen, i + 1, out, stack);
            one = n == 1 && p->code[out[0]].op == NFI_OP_MATCH;
        }
    }
    p->one_token = one;
    free(seen);
    free(out);
    free(stack);
    return st;
}

/* Sets p->lex_only (see engine.h): the code is "LEX; MATCH" or, with one
 * capture around it, "SAVE 0; LEX; SAVE 1; MATCH". */
static void check_lex_only(nfi_prog *p)
{
    const nfi_inst *c = p->code;
    p->lex_only = false;
    if (p->ncaps == 0 && p->len == 2 && c[0].op == NFI_OP_LEX && c[1].op == NFI_OP_MATCH) {
        p->lex_only = true;
        p->lex_only_lex = c[0].x;
    }
    if (p->ncaps == 1 && p->len == 4 && c[0].op == NFI_OP_SAVE && c[0].x == 0 &&
        c[1].op == NFI_OP_LEX && c[2].op == NFI_OP_SAVE && c[2].x == 1 &&
        c[3].op == NFI_OP_MATCH) {
        p->lex_only = true;
        p->lex_only_lex = c[1].x;
    }
}

/* Sets p->run_test, run_min, run_max (see engine.h): the code is, inside
 * "SAVE 0 ... SAVE 1" when there is one capture, TEST t repeated run_min
 * times, then run_max - run_min times "SPLIT next, end; TEST t", then
 * MATCH. */
static void check_token_run(nfi_prog *p)
{
    const nfi_inst *c = p->code;
    uint32_t pc = 0, n = p->len, t = NFI_NONE, min = 0, opt = 0, end = NFI_NONE;
    p->run_test = NFI_NONE;
    p->run_max = 0;
    if (p->ncaps > 1 || p->one_token) return;
    if (p->ncaps == 1) {
        if (!n || c[0].op != NFI_OP_SAVE || c[0].x != 0) return;
        pc = 1;
    }
    for (; pc < n && c[pc].op == NFI_OP_TEST && (t == NFI_NONE || c[pc].x == t); pc++, min++)
        t = c[pc].x;
    if (!min) return;
    for (; pc + 1 < n && c[pc].op == NFI_OP_SPLIT && c[pc].x == pc + 1 &&
           c[pc + 1].op == NFI_OP_TEST && c[pc + 1].x == t && (end == NFI_NONE || c[pc].y == end);
         pc += 2, opt++)
        end = c[pc].y;
    if (end != NFI_NONE && end != pc) return;
    if (p->ncaps == 1) {
        if (pc >= n || c[pc].op != NFI_OP_SAVE || c[pc].x != 1) return;
        pc++;
    }
    if (pc + 1 != n || c[pc].op != NFI_OP_MATCH) return;
    p->run_test = t;
    p->run_min = min;
    p->run_max = min + opt;
}

/* Whether the captures of p are none, or one around the whole pattern
 * ("SAVE 0; ...; SAVE 1; MATCH" with no other SAVE and nothing but SAVE 1
 * leading to MATCH): then every thread at an instruction and token has the
 * same captures (the start, and the token it is at). */
static bool captures_trivial(const nfi_prog *p)
{
    const nfi_inst *c = p->code;
    uint32_t n = p->len;
    if (p->ncaps == 0) return true;
    if (p->ncaps > 1 || n < 3 || c[0].op != NFI_OP_SAVE || c[0].x != 0 ||
        c[n - 2].op != NFI_OP_SAVE || c[n - 2].x != 1 || c[n - 1].op != NFI_OP_MATCH)
        return false;
    for (uint32_t pc = 1; pc + 2 < n; pc++) {
        if (c[pc].op == NFI_OP_SAVE) return false;
        if ((c[pc].op == NFI_OP_JMP || c[pc].op == NFI_OP_SPLIT) && c[pc].x == n - 1) return false;
        if (c[pc].op == NFI_OP_SPLIT && c[pc].y == n - 1) return false;
    }
    return true;
}

/* Sets p->set_clo, set_rep and set_words (see engine.h) for a program the
 * direct scans of nfi_match_at do not cover. */
static nf_status check_sets(nf_rules *r, nfi_prog *p)
{
    p->set_words = 0;
    if (p->one_token || p->lex_only || p->run_max || !p->len ||
        p->len > 64 * NFI_SET_MAX_WORDS || !captures_trivial(p))
        return NF_OK;
    uint32_t w = (p->len + 63) / 64;
    size_t len = p->len + 1;
    uint64_t *clo = nfi_arena_alloc(&r->arena, len * w * sizeof *clo);
    uint8_t *rep = nfi_arena_alloc(&r->arena, p->len);
    uint32_t *seen = calloc(len, sizeof *seen);
    uint32_t *out = malloc(len * sizeof *out), *stack = malloc(2 * len * sizeof *stack);
    nf_status st = clo && rep && seen && out && stack ? NF_OK : NF_ERR_NOMEM;
    for (uint32_t pc = 0; pc < len && st == NF_OK; pc++) {
        uint64_t *row = clo + (size_t)pc * w;
        memset(row, 0, w * sizeof *row);
        if (pc < p->len) {
            size_t n = closure(p, &pc, 1, seen, pc + 1, out, stack);
            for (size_t i = 0; i < n; i++) row[out[i] / 64] |= 1ull << (out[i] % 64);
            rep[pc] = (uint8_t)pc;
            for (uint32_t q = 0; q < pc && p->code[pc].op == NFI_OP_TEST; q++)
                if (p->code[q].op == NFI_OP_TEST && p->code[q].x == p->code[pc].x) {
                    rep[pc] = (uint8_t)q;
                    break;
                }
        }
    }
    if (st == NF_OK) {
        p->set_clo = clo;
        p->set_rep = rep;
        p->set_words = w;
    }
    free(seen);
    free(out);
    free(stack);
    return st;
}

/* The re_* prefilter of a regex token test (see engine.h). */
static nf_status re_prefilter(nf_rules *r, nfi_test *t)
{
    uint32_t minlen = 0, lct = 0, lcu = 0;
    const uint8_t *bm = NULL;
    uint32_t fct = 0, fcu = 0;
    t->re_minlen = 0;
    t->re_req = t->re_unit = -1;
    t->re_first = NULL;
    /* a fixed first byte may be caseless ("(?i)x"): trusted only when the
     * source sets no option inline */
    bool inline_opts = false;
    for (uint32_t k = 0; t->str && k + 1 < t->len && !inline_opts; k++)
        inline_opts = t->str[k] == '(' && (t->str[k + 1] == '?' || t->str[k + 1] == '*');
    if (t->str && pcre2_pattern_info(t->re, PCRE2_INFO_FIRSTCODETYPE, &fct) == 0 && fct == 1 &&
        pcre2_pattern_info(t->re, PCRE2_INFO_FIRSTCODEUNIT, &fcu) == 0 && fcu < 0x80) {
        if (!inline_opts) t->re_unit = (int32_t)fcu;
    } else {
        fct = 0;
    }
    if (pcre2_pattern_info(t->re, PCRE2_INFO_MINLENGTH, &minlen) == 0) t->re_minlen = minlen;
    if (minlen >= 1 && pcre2_pattern_info(t->re, PCRE2_INFO_FIRSTBITMAP, &bm) == 0) t->re_first = bm;
    if (pcre2_pattern_info(t->re, PCRE2_INFO_LASTCODETYPE, &lct) == 0 && lct == 1 &&
        pcre2_pattern_info(t->re, PCRE2_INFO_LASTCODEUNIT, &lcu) == 0 && lcu < 0x80 &&
        !((lcu >= 'A' && lcu <= 'Z') || (lcu >= 'a' && lcu <= 'z')))
        t->re_req = (int32_t)lcu;
    /* a fixed first letter under inline options ("(?i)valentine.*"): either
     * case will do; not k and s, which (?i) also matches as the non-ASCII
     * KELVIN SIGN and LONG S */
    uint32_t low = fcu | 0x20;
    if (inline_opts && !t->re_first && fct == 1 && low >= 'a' && low <= 'z' && low != 'k' &&
        low != 's') {
        uint8_t *both = nfi_arena_alloc(&r->arena, 32);
        if (!both) return NF_ERR_NOMEM;
        memset(both, 0, 32);
        both[low >> 3] |= (uint8_t)(1u << (low & 7));
        both[(low & ~0x20u) >> 3] |= (uint8_t)(1u << ((low & ~0x20u) & 7));
        t->re_first = both;
    }
    return NF_OK;
}

/* The gate of instruction pc of p (nfi_step_gate; p->ct made). */
static nfi_step_gate step_gate(const nfi_prog *p, uint32_t pc)
{
    nfi_step_gate g = {0, 0, NFI_NONE};
    const nfi_inst *in = &p->code[pc];
    if (in->op != NFI_OP_TEST || in->x >= p->ntests) return g;
    const nfi_test *t = &p->tests[in->x];
    if (t->op == NFI_T_NORM) g.word = t->val == NFI_NONE ? NFI_NO_WORD : t->val;
    else if (p->ct && p->ct[in->x].ok) {
        g.fmask = p->ct[in->x].fmask;
        g.fwant = p->ct[in->x].fwant;
    }
    return g;
}

/* The gates of the n instructions pcs in the arena; NULL when out of
 * memory. */
static nfi_step_gate *step_gates(nf_rules *r, const nfi_prog *p, const uint32_t *pcs, size_t n)
{
    nfi_step_gate *g = nfi_arena_alloc(&r->arena, (n + 1) * sizeof *g);
    for (size_t k = 0; g && k < n; k++) g[k] = step_gate(p, pcs[k]);
    return g;
}

/* Sets p->fs_* (see engine.h): for each first instruction that is a
 * one-token test, whether a match can end after it and which instructions
 * can take the next token (and their gates, fs_gate). */
static nf_status first_steps(nf_rules *r, nfi_prog *p)
{
    p->fs_start = p->fs_pcs = NULL;
    p->fs_ends = NULL;
    p->fs_check = false;
    p->fs_gate = NULL;
    if (!p->nfirst || !p->first_pcs) return NF_OK;
    size_t len = p->len + 1;
    uint32_t *seen = calloc(len, sizeof *seen), *out = malloc(len * sizeof *out);
    uint32_t *stack = malloc(2 * len * sizeof *stack);
    NFI_VEC(uint32_t) pcs = {0};
    p->fs_start = nfi_arena_alloc(&r->arena, (p->nfirst + 1) * sizeof *p->fs_start);
    p->fs_ends = nfi_arena_alloc(&r->arena, p->nfirst * sizeof *p->fs_ends);
    nf_status st = seen && out && stack && p->fs_start && p->fs_ends ? NF_OK : NF_ERR_NOMEM;
    for (uint32_t i = 0; i < p->nfirst && st == NF_OK; i++) {
        uint32_t pc = p->first_pcs[i];
        p->fs_start[i] = (uint32_t)pcs.len;
        p->fs_ends[i] = true; /* a lexicon or annotation: checked at the start token only */
        if (p->code[pc].op != NFI_OP_TEST) continue;
        uint32_t from = pc + 1;
        size_t n = closure(p, &from, 1, seen, i + 1, out, stack);
        p->fs_ends[i] = false;
        for (size_t k = 0; k < n && st == NF_OK; k++) {
            if (p->code[out[k]].op == NFI_OP_MATCH) p->fs_ends[i] = true;
            else {
                uint32_t *slot = nfi_vec_push(&pcs);
                if (slot) *slot = out[k];
                else st = NF_ERR_NOMEM;
            }
        }
        /* a test after which every match goes on can rule out a start */
        if (!p->fs_ends[i]) p->fs_check = true;
    }
    if (st == NF_OK) {
        p->fs_start[p->nfirst] = (uint32_t)pcs.len;
        p->fs_pcs = nfi_arena_alloc(&r->arena, (pcs.len + 1) * sizeof *p->fs_pcs);
        if (!p->fs_pcs) st = NF_ERR_NOMEM;
        else if (pcs.len) memcpy(p->fs_pcs, pcs.items, pcs.len * sizeof *pcs.items);
    }
    if (st == NF_OK && !(p->fs_gate = step_gates(r, p, pcs.items, pcs.len))) st = NF_ERR_NOMEM;
    nfi_vec_free(&pcs);
    free(seen);
    free(out);
    free(stack);
    return st;
}

/* Whether MATCH can be reached from pc 0 without running an instruction
 * marked in cut (depth-first over the jumps and the consuming steps). */
static bool match_reachable_without(const nfi_prog *p, const uint8_t *cut, uint8_t *seen,
                                    uint32_t *stack)
{
    memset(seen, 0, p->len + 1);
    size_t sp = 0;
    stack[sp++] = 0;
    while (sp) {
        uint32_t pc = stack[--sp];
        if (pc >= p->len || cut[pc] || seen[pc]) continue;
        seen[pc] = 1;
        const nfi_inst *in = &p->code[pc];
        switch (in->op) {
        case NFI_OP_MATCH: return true;
        case NFI_OP_SPLIT:
            stack[sp++] = in->x;
            stack[sp++] = in->y;
            break;
        case NFI_OP_JMP: stack[sp++] = in->x; break;
        default: stack[sp++] = pc + 1; break;
        }
    }
    return false;
}

/* Features a few tokens in a hundred have: a number, a symbol, a quote
 * mark, a first digit, a hyphen inside. */
#define RARE_FEATURES                                                                         \
    (NFI_FEAT_KIND(NF_TOKEN_NUMBER) | NFI_FEAT_KIND(NF_TOKEN_SYMBOL) |                        \
     NFI_FEAT_KIND(NF_TOKEN_QUOTE) | NFI_FEAT_KIND(NF_TOKEN_URL) | NFI_FEAT_KIND(NF_TOKEN_EMAIL) | \
     NFI_FEAT_DIGIT_FIRST | NFI_FEAT_HYPHEN)

/* Whether word w[0, n) is one ASCII punctuation mark ("," ";" ")"). */
static bool ascii_mark(const char *w, size_t n)
{
    unsigned char c = n == 1 ? (unsigned char)w[0] : 0;
    return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9') && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* How rarely test t of p is likely to pass, for choosing p->req_pcs: 3 a
 * word, a text or a lexicon entry; 1 a rare kind of token (a number, a
 * symbol, a hyphenated word) or a set of words with a punctuation mark in
 * it (a comma is about as common as a number); 0 other feature tests
 * (capitalisation, a word), which most tokens pass. */
static int test_rank(const nf_rules *r, const nfi_prog *p, uint32_t t)
{
    if (!p->ct || !p->ct[t].ok) return 0;
    const nfi_ctest *c = &p->ct[t];
    if (c->norm != NFI_NONE || c->nwords) { /* a mark ("," ";") is about as common as a number */
        const uint32_t *w = c->nwords ? c->words : &c->norm;
        for (uint32_t k = 0; k < (c->nwords ? c->nwords : 1); k++)
            if (w[k] < r->vocab.count && ascii_mark(r->vocab.strs[w[k]], r->vocab.lens[w[k]]))
                return 1;
        return 3;
    }
    if (c->text || c->lyes || c->lany) return 3;
    return c->fwant & RARE_FEATURES ? 1 : 0;
}

/* The same for instruction in: a lexicon 3, an annotation 2, a test by
 * test_rank. */
static int req_rank(const nf_rules *r, const nfi_prog *p, const nfi_inst *in)
{
    if (in->op == NFI_OP_LEX) return 3;
    if (in->op == NFI_OP_ANN) return 2;
    return in->op == NFI_OP_TEST ? test_rank(r, p, in->x) : 0;
}

/* a + b, or NFI_NONE (no bound) when either is or the sum would reach it */
static uint32_t add_bound(uint32_t a, uint32_t b)
{
    return a == NFI_NONE || b == NFI_NONE || b >= NFI_NONE - a ? NFI_NONE : a + b;
}

/* What path_bound measures along a path: the tokens it takes at the
 * fewest (an annotation or a lexicon entry one), at the most (an
 * annotation one: its length is known per document only), or the
 * annotations it takes. */
enum { REACH_MIN, REACH_MAX, REACH_ANNS };

/* Sets out[pc] to the bound (kind) of what the paths from the start to pc
 * take before it runs: NFI_NONE for an unreached pc when kind is REACH_MIN,
 * 0 otherwise; NFI_NONE for no bound (a loop that takes some). Bellman-Ford
 * over the program: len passes settle every bound a path without a
 * repeated instruction gives, and one that still grows after them lies on
 * or past such a loop. */
static void path_bound(const nf_rules *r, const nfi_prog *p, int kind, uint32_t *out)
{
    size_t len = p->len;
    bool min = kind == REACH_MIN;
    for (size_t i = 0; i < len; i++) out[i] = min ? NFI_NONE : 0;
    uint8_t *reached = calloc(len ? len : 1, 1);
    if (!reached) { /* no bound known */
        for (size_t i = 0; i < len; i++) out[i] = min ? 0 : NFI_NONE;
        return;
    }
    out[0] = 0;
    reached[0] = 1;
    for (size_t pass = 0; pass < 2 * len + 1; pass++) {
        bool changed = false;
        for (uint32_t pc = 0; pc < len; pc++) {
            if (!reached[pc]) continue;
            const nfi_inst *in = &p->code[pc];
            uint32_t to[2], n = 0, w = 0;
            switch (in->op) {
            case NFI_OP_MATCH: continue;
            case NFI_OP_SPLIT: to[n++] = in->x; to[n++] = in->y; break;
            case NFI_OP_JMP: to[n++] = in->x; break;
            case NFI_OP_SAVE: to[n++] = pc + 1; break;
            case NFI_OP_LEX:
                to[n++] = pc + 1;
                w = kind == REACH_ANNS ? 0
                    : kind == REACH_MAX && in->x < r->lexicons.len ? r->lexicons.items[in->x]->max_tokens
                                                                  : 1;
                break;
            case NFI_OP_ANN: to[n++] = pc + 1; w = 1; break;
            default: to[n++] = pc + 1; w = kind == REACH_ANNS ? 0 : 1; break; /* a test */
            }
            for (uint32_t k = 0; k < n; k++) {
                uint32_t t = to[k], v = add_bound(out[pc], w);
                if (t >= len) continue;
                bool first = !reached[t];
                reached[t] = 1;
                if (min ? v < out[t] : v > out[t] || first) {
                    out[t] = !min && pass >= len && !first ? NFI_NONE : v;
                    changed = true;
                }
            }
        }
        if (!changed) break;
    }
    free(reached);
}

/* Sets p->req_min / req_max / req_anns: the fewest tokens a match takes
 * before one of p->req_pcs runs, the most (counting an annotation as one),
 * and the most annotations among them (see engine.h). */
static nf_status required_reach(const nf_rules *r, nfi_prog *p)
{
    p->req_min = 0;
    p->req_max = NFI_NONE;
    p->req_anns = 0;
    if (!p->req_n) return NF_OK;
    uint32_t *b = malloc(3 * (size_t)(p->len + 1) * sizeof *b);
    if (!b) return NF_ERR_NOMEM;
    uint32_t *lo = b, *hi = b + p->len + 1, *anns = hi + p->len + 1;
    path_bound(r, p, REACH_MIN, lo);
    path_bound(r, p, REACH_MAX, hi);
    path_bound(r, p, REACH_ANNS, anns);
    uint32_t mn = NFI_NONE, mx = 0, na = 0;
    for (uint32_t k = 0; k < p->req_n; k++) {
        uint32_t pc = p->req_pcs[k];
        if (lo[pc] == NFI_NONE) continue; /* unreached */
        if (lo[pc] < mn) mn = lo[pc];
        if (hi[pc] > mx) mx = hi[pc];
        if (anns[pc] > na) na = anns[pc];
    }
    p->req_min = mn == NFI_NONE ? 0 : mn;
    p->req_max = mx;
    p->req_anns = na;
    free(b);
    return NF_OK;
}

/* Sets p->req_pcs (see engine.h). The candidate cuts are each consuming
 * instruction alone and the consuming instructions an alternation (a
 * SPLIT) leads to; the chosen one has the best rank of its weakest member,
 * then the fewest members. A cut that is just the first instructions adds
 * nothing to the start index and is not taken. */
static nf_status required_instructions(nf_rules *r, nfi_prog *p)
{
    enum { REQ_MAX = 4 }; /* a larger cut costs more to look for than it saves */
    /* the search is quadratic in the program: a hostile rule file of long
     * patterns (up to 20,000 instructions each) must still load quickly;
     * the default rules' longest is under 200 */
    enum { REQ_MAX_PROG = 1024 };
    p->req_pcs = NULL;
    p->req_n = 0;
    if (p->one_token || !p->len || p->len > REQ_MAX_PROG) return NF_OK;
    size_t len = (size_t)p->len + 1;
    uint8_t *seen = malloc(len), *cut = calloc(len, 1);
    uint32_t *stack = malloc(2 * len * sizeof *stack), *set = malloc(len * sizeof *set);
    uint32_t *best = malloc(len * sizeof *best), *gen = calloc(len, sizeof *gen);
    nf_status st = seen && cut && stack && set && best && gen ? NF_OK : NF_ERR_NOMEM;
    int best_rank = 0;
    size_t nbest = 0;
    for (uint32_t pc = 0; pc < p->len && st == NF_OK; pc++) {
        uint8_t op = p->code[pc].op;
        size_t n;
        if (op == NFI_OP_TEST || op == NFI_OP_LEX || op == NFI_OP_ANN) {
            set[0] = pc;
            n = 1;
        } else if (op == NFI_OP_SPLIT) {
            n = closure(p, &pc, 1, gen, pc + 1, set, stack);
        } else {
            continue;
        }
        int rank = 3;
        bool all_first = n == p->nfirst;
        for (size_t k = 0; k < n && rank; k++) {
            if (p->code[set[k]].op == NFI_OP_MATCH) rank = 0;
            else {
                int rk = req_rank(r, p, &p->code[set[k]]);
                if (rk < rank) rank = rk;
            }
            bool first = false;
            for (uint32_t i = 0; i < p->nfirst && !first; i++) first = p->first_pcs[i] == set[k];
            all_first = all_first && first;
        }
        if (!rank || all_first || n > REQ_MAX || rank < best_rank ||
            (rank == best_rank && n >= nbest))
            continue;
        for (size_t k = 0; k < n; k++) cut[set[k]] = 1;
        bool is_cut = !match_reachable_without(p, cut, seen, stack);
        for (size_t k = 0; k < n; k++) cut[set[k]] = 0;
        if (!is_cut) continue;
        best_rank = rank;
        nbest = n;
        memcpy(best, set, n * sizeof *set);
    }
    if (st == NF_OK && nbest) {
        p->req_pcs = nfi_arena_alloc(&r->arena, nbest * sizeof *p->req_pcs);
        if (!p->req_pcs) st = NF_ERR_NOMEM;
        else {
            memcpy(p->req_pcs, best, nbest * sizeof *best);
            p->req_n = (uint32_t)nbest;
        }
    }
    if (st == NF_OK) st = required_reach(r, p);
    free(seen);
    free(cut);
    free(stack);
    free(set);
    free(best);
    free(gen);
    return st;
}

/* Feature bits every token that regex test t matches has, from its
 * prefilter: a first byte that can only be a digit (or only an ASCII
 * capital), a '-' every match has. Checked with the other feature bits of
 * a conjunction, before any regex runs. */
static uint64_t regex_features(const nfi_test *t)
{
    uint64_t f = 0;
    if (t->re_req == '-') f |= NFI_FEAT_HYPHEN;
    if (t->re_unit >= '0' && t->re_unit <= '9') f |= NFI_FEAT_DIGIT_FIRST;
    if (t->re_unit >= 'A' && t->re_unit <= 'Z') f |= NFI_FEAT_CAP(NFI_CAP_UPPER);
    if (!t->re_first) return f;
    bool any = false, digits = true, capitals = true;
    for (int b = 0; b < 256; b++) {
        if (!((t->re_first[b >> 3] >> (b & 7)) & 1)) continue;
        any = true;
        digits = digits && b >= '0' && b <= '9';
        capitals = capitals && b >= 'A' && b <= 'Z';
    }
    if (any && digits) f |= NFI_FEAT_DIGIT_FIRST;
    if (any && capitals) f |= NFI_FEAT_CAP(NFI_CAP_UPPER);
    return f;
}

/* Sets each phase's lex_mask, and grp_fmask / grp_fwant from its groups'
 * compiled tests. */
static nf_status group_features(nf_rules *r)
{
    for (size_t ph = 0; ph < r->phases.len; ph++) {
        nfi_phase *P = &r->phases.items[ph];
        P->lex_mask = 0;
        for (uint32_t l = 0; l < P->nlex; l++)
            P->lex_mask |= P->lex_ids[l] < 64 ? 1ull << P->lex_ids[l] : ~0ull;
        if (!P->ngroups) continue;
        P->grp_fmask = nfi_arena_alloc(&r->arena, P->ngroups * sizeof *P->grp_fmask);
        P->grp_fwant = nfi_arena_alloc(&r->arena, P->ngroups * sizeof *P->grp_fwant);
        if (!P->grp_fmask || !P->grp_fwant) return NF_ERR_NOMEM;
        P->grp_first = nfi_arena_alloc(&r->arena, P->ngroups * sizeof *P->grp_first);
        if (!P->grp_first) return NF_ERR_NOMEM;
        P->grp_any_first = false;
        for (uint32_t g = 0; g < P->ngroups; g++) {
            const nfi_prog *p = r->rules.items[P->grp_rule[g]].prog;
            const nfi_ctest *c = p->ct && p->ct[P->grp_test[g]].ok ? &p->ct[P->grp_test[g]] : NULL;
            P->grp_fmask[g] = c ? c->fmask : 0;
            P->grp_fwant[g] = c ? c->fwant : 0;
            P->grp_first[g] = NULL;
            if (c && c->re_unit >= 0) {
                uint8_t *bm = nfi_arena_alloc(&r->arena, 32);
                if (!bm) return NF_ERR_NOMEM;
                memset(bm, 0, 32);
                bm[c->re_unit >> 3] = (uint8_t)(1u << (c->re_unit & 7));
                P->grp_first[g] = bm;
            } else if (c && c->re_first) {
                P->grp_first[g] = c->re_first;
            }
            if (P->grp_first[g]) P->grp_any_first = true;
        }
    }
    return NF_OK;
}

/* Whether compiled test c is a word or a set of words and nothing else. */
static bool words_only(const nfi_ctest *c)
{
    return c->ok && !c->never && !c->fmask && !c->lyes && !c->lno && !c->lany && !c->text &&
           !c->shape && !c->nrest && !c->re_minlen && !c->re_first && c->re_req < 0 &&
           c->re_unit < 0 && ((c->norm != NFI_NONE) != (c->nwords != 0));
}

/* The one-token lexicon bits compiled test c needs one of (0: none). */
static uint64_t needed_lexicons(const nfi_ctest *c)
{
    if (!c->ok || c->never) return 0;
    if (c->lyes) return c->lyes & (~c->lyes + 1); /* any one of those it needs all of */
    return c->lany;
}

/* Sets p->req_words / req_lexmask (see engine.h) from p's required
 * instructions. */
static nf_status required_prefilter(nf_rules *r, nfi_prog *p)
{
    p->req_words = NULL;
    p->req_nwords = 0;
    p->req_words_exact = false;
    p->req_lexmask = 0;
    memset(p->req_wbits, 0, sizeof p->req_wbits);
    if (!p->req_n || !p->ct) return NF_OK;
    size_t n = 0;
    bool words = true, exact = true, lex = true;
    uint64_t lexmask = 0;
    for (uint32_t k = 0; k < p->req_n; k++) {
        const nfi_inst *in = &p->code[p->req_pcs[k]];
        if (in->op != NFI_OP_TEST) return NF_OK;
        const nfi_ctest *c = &p->ct[in->x];
        bool has_words = c->ok && !c->never && (c->norm != NFI_NONE || c->nwords);
        words = words && has_words;
        exact = exact && words_only(c);
        uint64_t need = needed_lexicons(c);
        lex = lex && need;
        lexmask |= need;
        if (has_words) n += c->nwords ? c->nwords : 1;
    }
    if (!words) {
        p->req_lexmask = lex ? lexmask : 0;
        return NF_OK;
    }
    uint32_t *w = nfi_arena_alloc(&r->arena, n * sizeof *w);
    if (!w) return NF_ERR_NOMEM;
    size_t m = 0;
    for (uint32_t k = 0; k < p->req_n; k++) {
        const nfi_ctest *c = &p->ct[p->code[p->req_pcs[k]].x];
        if (c->nwords) { /* with a norm too, the words alone are a looser check */
            memcpy(w + m, c->words, c->nwords * sizeof *w);
            m += c->nwords;
        } else {
            w[m++] = c->norm;
        }
    }
    qsort(w, m, sizeof *w, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (!u || w[u - 1] != w[i]) w[u++] = w[i];
    for (size_t i = 0; i < u; i++) p->req_wbits[(w[i] >> 6) & 3] |= 1ull << (w[i] & 63);
    p->req_words = w;
    p->req_nwords = (uint32_t)u;
    p->req_words_exact = exact;
    return NF_OK;
}

/* Whether instruction a of p and b of q pass at the same tokens, as far as
 * their compiled form shows (lexicon and annotation steps by id, tests by
 * a conjunction of bits and words with nothing else to run). */
static bool same_step(const nfi_prog *p, const nfi_inst *a, const nfi_prog *q, const nfi_inst *b)
{
    if (a->op != b->op) return false;
    if (a->op == NFI_OP_LEX || a->op == NFI_OP_ANN) return a->x == b->x;
    if (a->op != NFI_OP_TEST || !p->ct || !q->ct) return false;
    const nfi_ctest *x = &p->ct[a->x], *y = &q->ct[b->x];
    if (!x->ok || !y->ok || x->nrest || y->nrest || x->text || y->text || x->shape || y->shape ||
        x->re_minlen || y->re_minlen || x->re_first || y->re_first || x->re_req >= 0 ||
        y->re_req >= 0 || x->re_unit >= 0 || y->re_unit >= 0)
        return false;
    return x->fmask == y->fmask && x->fwant == y->fwant && x->lyes == y->lyes &&
           x->lno == y->lno && x->lany == y->lany && x->norm == y->norm &&
           x->nwords == y->nwords &&
           (!x->nwords || memcmp(x->words, y->words, x->nwords * sizeof *x->words) == 0);
}

/* Whether every required step of p has its like among q's and back. */
static bool same_required(const nfi_prog *p, const nfi_prog *q)
{
    if (p->req_n != q->req_n) return false;
    for (uint32_t i = 0; i < p->req_n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < q->req_n && !found; j++)
            found = same_step(p, &p->code[p->req_pcs[i]], q, &q->code[q->req_pcs[j]]);
        if (!found) return false;
    }
    return true;
}

/* Gives each rule with required steps its look-ahead slot: rules of one
 * phase with the same steps share one, so the tokens ahead are tested once
 * for all of them (quadratic in the rules of a phase, a few hundred). */
static void share_required_slots(nf_rules *r)
{
    r->nreq_slots = 0;
    for (size_t i = 0; i < r->rules.len; i++) {
        nfi_rule *ru = &r->rules.items[i];
        nfi_prog *p = ru->prog;
        if (!p || !p->req_n) continue;
        p->req_slot = NFI_NONE;
        for (size_t j = 0; j < i && p->req_slot == NFI_NONE; j++) {
            const nfi_rule *rj = &r->rules.items[j];
            if (rj->phase == ru->phase && rj->prog && rj->prog->req_n && same_required(p, rj->prog))
                p->req_slot = rj->prog->req_slot;
        }
        if (p->req_slot == NFI_NONE) p->req_slot = r->nreq_slots++;
    }
}

typedef struct word_slot {
    uint32_t word, slot;
} word_slot;

static int cmp_word_slot(const void *a, const void *b)
{
    const word_slot *x = a, *y = b;
    if (x->word != y->word) return x->word < y->word ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

typedef NFI_VEC(word_slot) word_slot_vec;
typedef NFI_VEC(struct nfi_req_check) req_check_vec;

/* Appends the quick check of required instruction in of p (slot slot) to
 * words or checks; false when it has none (engine.h, nf_rules.reqc). */
static bool add_quick_check(const nfi_prog *p, const nfi_inst *in, uint32_t slot,
                            word_slot_vec *words, req_check_vec *checks, nf_status *st)
{
    struct nfi_req_check ch = {0, slot, 0, 0};
    if (in->op == NFI_OP_LEX && in->x < 64) {
        ch.kind = NFI_REQC_STARTS;
        ch.mask = 1ull << in->x;
    } else if (in->op != NFI_OP_TEST || !p->ct || !p->ct[in->x].ok) {
        return false;
    } else if (p->ct[in->x].never) {
        return true; /* passes nowhere: nothing to find */
    } else {
        const nfi_ctest *c = &p->ct[in->x];
        if (c->norm != NFI_NONE || c->nwords) {
            const uint32_t *w = c->nwords ? c->words : &c->norm;
            for (uint32_t k = 0; k < (c->nwords ? c->nwords : 1); k++) {
                word_slot *ws = nfi_vec_push(words);
                if (!ws) return *st = NF_ERR_NOMEM, false;
                *ws = (word_slot){w[k], slot};
            }
            return true;
        }
        if ((ch.mask = needed_lexicons(c))) ch.kind = NFI_REQC_SINGLE;
        else if ((ch.mask = c->fmask)) ch.kind = NFI_REQC_FEAT, ch.want = c->fwant;
        else return false;
    }
    struct nfi_req_check *q = nfi_vec_push(checks);
    if (!q) return *st = NF_ERR_NOMEM, false;
    *q = ch;
    return true;
}

/* The quick checks of every slot all of whose required instructions have
 * one (marked in r->req_indexed): words into *words (sorted by word, then
 * slot), the others into *checks. */
static nf_status collect_indexed_slots(nf_rules *r, word_slot_vec *words, req_check_vec *checks)
{
    nf_status st = NF_OK;
    uint8_t *seen = calloc(r->nreq_slots + 1, 1);
    if (!seen) return NF_ERR_NOMEM;
    for (size_t i = 0; i < r->rules.len && st == NF_OK; i++) {
        const nfi_prog *p = r->rules.items[i].prog;
        if (!p || !p->req_n || seen[p->req_slot]) continue;
        seen[p->req_slot] = 1;
        size_t nw = words->len, nc = checks->len;
        bool all = true;
        for (uint32_t k = 0; k < p->req_n && all; k++)
            all = add_quick_check(p, &p->code[p->req_pcs[k]], p->req_slot, words, checks, &st);
        if (!all) { /* scanned instead */
            words->len = nw;
            checks->len = nc;
        }
        r->req_indexed[p->req_slot] = all;
    }
    free(seen);
    if (words->len) qsort(words->items, words->len, sizeof *words->items, cmp_word_slot);
    return st;
}

/* Indexes the look-ahead slots whose quick check is a set of words or of
 * lexicons (engine.h reqw_*, reql_*), so that each document finds their
 * tokens in one pass instead of a scan per slot. */
static nf_status index_required_slots(nf_rules *r)
{
    r->req_indexed = nfi_arena_alloc(&r->arena, r->nreq_slots + 1);
    if (!r->req_indexed) return NF_ERR_NOMEM;
    memset(r->req_indexed, 0, r->nreq_slots + 1);
    memset(r->reqw_bits, 0, sizeof r->reqw_bits);
    word_slot_vec words = {0};
    req_check_vec checks = {0};
    nf_status st = collect_indexed_slots(r, &words, &checks);
    size_t n = words.len;
    uint32_t keys = 16;
    while (st == NF_OK && keys < 2 * n + 2) keys *= 2;
    r->reqw_nkeys = keys;
    r->reqw_keys = st == NF_OK ? nfi_arena_alloc(&r->arena, keys * 3 * sizeof *r->reqw_keys) : NULL;
    r->reqw_slots = r->reqw_keys ? nfi_arena_alloc(&r->arena, (n + 1) * sizeof *r->reqw_slots) : NULL;
    r->reqc = r->reqw_slots ? nfi_arena_alloc(&r->arena, (checks.len + 1) * sizeof *r->reqc) : NULL;
    if (st == NF_OK && !r->reqc) st = NF_ERR_NOMEM;
    if (st == NF_OK) {
        memset(r->reqw_keys, 0, keys * 3 * sizeof *r->reqw_keys);
        r->reqw_start = r->reqw_keys + keys;
        r->reqw_count = r->reqw_start + keys;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && words.items[j].word == words.items[i].word) j++; /* [i, j): one word */
            uint32_t w = words.items[i].word, h = (w * 2654435761u) & (keys - 1);
            while (r->reqw_keys[h]) h = (h + 1) & (keys - 1);
            r->reqw_keys[h] = w + 1;
            r->reqw_start[h] = (uint32_t)i;
            r->reqw_count[h] = (uint32_t)(j - i);
            r->reqw_bits[(w >> 6) & 63] |= 1ull << (w & 63);
            for (size_t k = i; k < j; k++) r->reqw_slots[k] = words.items[k].slot;
            i = j;
        }
        r->reqc_single = r->reqc_starts = 0;
        uint32_t m = 0;
        for (uint32_t kind = 0; kind <= NFI_REQC_FEAT; kind++) { /* by kind */
            r->reqc_from[kind] = m;
            for (size_t k = 0; k < checks.len; k++)
                if (checks.items[k].kind == kind) r->reqc[m++] = checks.items[k];
        }
        r->reqc_from[NFI_REQC_FEAT + 1] = m;
        r->reqc_feat_any = 0;
        for (size_t k = 0; k < checks.len; k++) {
            const struct nfi_req_check *ch = &checks.items[k];
            if (ch->kind == NFI_REQC_SINGLE) r->reqc_single |= ch->mask;
            if (ch->kind == NFI_REQC_STARTS) r->reqc_starts |= ch->mask;
            if (ch->kind != NFI_REQC_FEAT) continue;
            uint64_t rare = ch->want & RARE_FEATURES;
            uint64_t any = rare ? rare & (~rare + 1) : ch->want & (~ch->want + 1);
            r->reqc_feat_any |= any ? any : ~0ull; /* want 0: every token passes */
        }
    }
    nfi_vec_free(&words);
    nfi_vec_free(&checks);
    return st;
}

/* Drops from list[0, *n) the rules marked in out. */
static void drop_rules(uint32_t *list, uint32_t *n, const uint8_t *out)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < *n; i++)
        if (!out[list[i]]) list[kept++] = list[i];
    *n = kept;
}

/* Drops the groups of P left without rules (all of them hit rules), whose
 * first test would still run for every new token class. */
static void drop_empty_groups(nfi_phase *P)
{
    uint32_t kept = 0;
    for (uint32_t g = 0; g < P->ngroups; g++) {
        if (!P->grp_count[g] && !P->grp_pf_count[g]) continue;
        P->grp_rule[kept] = P->grp_rule[g];
        P->grp_test[kept] = P->grp_test[g];
        P->grp_start[kept] = P->grp_start[g];
        P->grp_count[kept] = P->grp_count[g];
        P->grp_pf_start[kept] = P->grp_pf_start[g];
        P->grp_pf_count[kept] = P->grp_pf_count[g];
        memcpy(P->grp_pf_bits[kept], P->grp_pf_bits[g], sizeof P->grp_pf_bits[g]);
        kept++;
    }
    P->ngroups = kept;
}

/* Whether rule ru is better tried from its required tokens than at every
 * token its first test passes: a token rule whose required tokens are
 * indexed per document, with no prefilter word (which already picks its
 * starts); a first test that most tokens pass (any_first, or a group's
 * test marked in broad), or else no word or lexicon of its first token
 * (marked in keyed), which pick starts as well as its required token. */
static bool tried_by_hit(const nf_rules *r, const nfi_rule *ru, const uint8_t *keyed,
                         const uint8_t *broad)
{
    const nfi_prog *p = ru->prog;
    return !ru->re && p && p->req_n && r->req_indexed[p->req_slot] && !p->pf_n &&
           (p->any_first || broad[ru->index] || !keyed[ru->index]);
}

/* Sets each phase's hit_rules (engine.h) and takes them out of its other
 * lists. */
static nf_status hit_rules(nf_rules *r)
{
    uint8_t *keyed = malloc(3 * (r->rules.len + 1)), *hit = keyed + r->rules.len + 1;
    uint8_t *broad = hit + r->rules.len + 1;
    nf_status st = keyed ? NF_OK : NF_ERR_NOMEM;
    for (size_t ph = 0; ph < r->phases.len && st == NF_OK; ph++) {
        nfi_phase *P = &r->phases.items[ph];
        memset(keyed, 0, 3 * (r->rules.len + 1));
        for (uint32_t g = 0; g < P->ngroups; g++)
            if (!test_rank(r, r->rules.items[P->grp_rule[g]].prog, P->grp_test[g]))
                for (uint32_t k = 0; k < P->grp_count[g]; k++) broad[P->lists[P->grp_start[g] + k]] = 1;
        for (uint32_t h = 0; h < P->word_slots; h++)
            for (uint32_t k = 0; P->word_keys[h] && k < P->word_count[h]; k++)
                keyed[P->lists[P->word_start[h] + k]] = 1;
        for (uint32_t l = 0; l < P->nlex; l++)
            for (uint32_t k = 0; k < P->lex_count[l]; k++) keyed[P->lists[P->lex_start[l] + k]] = 1;
        uint32_t n = 0;
        for (size_t i = 0; i < r->rules.len; i++) {
            const nfi_rule *ru = &r->rules.items[i];
            if (ru->phase == ph && tried_by_hit(r, ru, keyed, broad)) hit[i] = 1, n++;
        }
        P->nhit = 0;
        P->hit_rules = nfi_arena_alloc(&r->arena, (n + 1) * sizeof *P->hit_rules);
        if (!P->hit_rules) {
            st = NF_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; i < r->rules.len; i++)
            if (hit[i]) P->hit_rules[P->nhit++] = (uint32_t)i;
        drop_rules(P->any_rules, &P->nany, hit);
        for (uint32_t g = 0; g < P->ngroups; g++)
            drop_rules(P->lists + P->grp_start[g], &P->grp_count[g], hit);
        for (uint32_t k = 0; k < P->ntypes; k++)
            drop_rules(P->lists + P->type_start[k], &P->type_count[k], hit);
        for (uint32_t h = 0; h < P->word_slots; h++)
            if (P->word_keys[h]) drop_rules(P->lists + P->word_start[h], &P->word_count[h], hit);
        for (uint32_t l = 0; l < P->nlex; l++)
            drop_rules(P->lists + P->lex_start[l], &P->lex_count[l], hit);
        drop_empty_groups(P);
    }
    free(keyed);
    return st;
}

/* Sets rules->lex_pairs from the trie: the first word of each lexicon
 * root's child, then a bit for each edge from such a child (16 bits a
 * pair, so about one pair in twenty that begins no entry passes). */
static nf_status lex_pair_bits(nf_rules *r)
{
    const nfi_trie *t = &r->trie;
    size_t nnodes = t->node_entry.len;
    r->lex_pairs = NULL;
    r->lex_pair_mask = 0;
    uint32_t *first = malloc((nnodes + 1) * sizeof *first); /* node -> its first word */
    uint8_t *root = calloc(nnodes + 1, 1);
    if (!first || !root) {
        free(first);
        free(root);
        return NF_ERR_NOMEM;
    }
    for (size_t i = 0; i <= nnodes; i++) first[i] = NFI_NONE;
    for (size_t l = 0; l < r->lexicons.len; l++)
        if (r->lexicons.items[l]->root < nnodes) root[r->lexicons.items[l]->root] = 1;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i].key) continue;
        uint64_t k = t->slots[i].key - 1;
        uint32_t node = (uint32_t)(k >> 32), child = t->slots[i].child;
        if (node < nnodes && root[node] && child < nnodes) first[child] = (uint32_t)k;
    }
    size_t pairs = 0;
    for (size_t i = 0; i < t->nslots; i++) {
        uint32_t node = t->slots[i].key ? (uint32_t)((t->slots[i].key - 1) >> 32) : NFI_NONE;
        if (node < nnodes && first[node] != NFI_NONE) pairs++;
    }
    uint64_t bits = 1024;
    while (bits < 16 * (uint64_t)pairs && bits < ((uint64_t)1 << 31)) bits *= 2;
    r->lex_pairs = nfi_arena_alloc(&r->arena, bits / 8);
    if (r->lex_pairs) {
        memset(r->lex_pairs, 0, bits / 8);
        r->lex_pair_mask = (uint32_t)(bits - 1);
        for (size_t i = 0; i < t->nslots; i++) {
            if (!t->slots[i].key) continue;
            uint64_t k = t->slots[i].key - 1;
            uint32_t node = (uint32_t)(k >> 32);
            if (node >= nnodes || first[node] == NFI_NONE) continue;
            uint32_t b = nfi_lex_pair_bit(first[node], (uint32_t)k) & r->lex_pair_mask;
            r->lex_pairs[b >> 6] |= 1ull << (b & 63);
        }
    }
    free(first);
    free(root);
    return r->lex_pairs ? NF_OK : NF_ERR_NOMEM;
}

/* Sets nfi_ctest.memo_bit: one bit for each of the first 64 different
 * tests (by nfi_test_sig) that nfi_ctest_rest has work for; sigs, an empty
 * table to use. */
static nf_status memo_bits(nf_rules *r, nfi_strtab *sigs)
{
    char buf[512];
    for (size_t i = 0; i < r->rules.len; i++) {
        nfi_prog *p = r->rules.items[i].prog;
        for (uint32_t t = 0; p && p->ct && t < p->ntests; t++) {
            nfi_ctest *c = &p->ct[t];
            c->memo_bit = 0;
            if (!c->ok || !c->slow || c->words_only || c->never) continue;
            size_t n = nfi_test_sig(p, t, buf, sizeof buf);
            if (n >= sizeof buf) continue;
            uint32_t id = nfi_strtab_find(sigs, buf, n);
            if (id == NFI_NONE && sigs->count < 64 &&
                (id = nfi_strtab_intern(sigs, buf, n)) == NFI_NONE)
                return NF_ERR_NOMEM;
            if (id != NFI_NONE) c->memo_bit = 1ull << id;
        }
    }
    return NF_OK;
}

/* Sets rule->re_first and re_last (see engine.h) for an anchored regex rule: the
 * regex compiled with the anchoring rules' options (PCRE2_ANCHORED, no
 * start optimisation) gives no first bytes, so its source is compiled once
 * more without them, for PCRE2's own table (not kept: a regex that cannot
 * match at a byte outside it is what PCRE2 relies on to skip starts). */
static nf_status anchored_first_bytes(nf_rules *r, nfi_rule *rule)
{
    rule->re_first = NULL;
    rule->re_last = -1;
    if (!rule->re || !rule->prog) return NF_OK;
    uint32_t id = 0;
    while (id < r->re_first.len && r->re_first.items[id].code != rule->re) id++;
    if (id == r->re_first.len) return NF_OK;
    int code;
    PCRE2_SIZE eoff;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)r->re_src.strs[id], r->re_src.lens[id],
                                  PCRE2_UTF | PCRE2_UCP, &code, &eoff, NULL);
    if (!c) return NF_OK; /* no table: the regex decides */
    const uint8_t *bm = NULL;
    uint32_t minlen = 0;
    nf_status st = NF_OK;
    if (pcre2_pattern_info(c, PCRE2_INFO_MINLENGTH, &minlen) == 0 && minlen >= 1 &&
        pcre2_pattern_info(c, PCRE2_INFO_FIRSTBITMAP, &bm) == 0 && bm) {
        uint8_t *copy = nfi_arena_alloc(&r->arena, 32);
        if (!copy) st = NF_ERR_NOMEM;
        else {
            memcpy(copy, bm, 32);
            rule->re_first = copy;
        }
    }
    uint32_t lct = 0, lcu = 0;
    if (pcre2_pattern_info(c, PCRE2_INFO_LASTCODETYPE, &lct) == 0 && lct == 1 &&
        pcre2_pattern_info(c, PCRE2_INFO_LASTCODEUNIT, &lcu) == 0 && lcu < 0x80 &&
        (lcu | 0x20) != 'k' && (lcu | 0x20) != 's')
        rule->re_last = (int32_t)lcu;
    pcre2_code_free(c);
    return st;
}

/* Adds to side what a token needs to take instruction pc of p (its gate
 * g): its word or words, else a hyphen or a first digit, else the first
 * byte or bytes of its regex part, else another feature bit its test
 * wants; false when it has none of these (then side cannot rule a token
 * out). */
static bool side_add(nfi_side_gate *side, const nfi_prog *p, uint32_t pc, const nfi_step_gate *g)
{
    const nfi_inst *in = &p->code[pc];
    if (in->op != NFI_OP_TEST) return false;
    if (g->word != NFI_NONE) {
        nfi_side_add_word(side, g->word);
        return true;
    }
    if (!p->ct || in->x >= p->ntests || !p->ct[in->x].ok) return false;
    const nfi_ctest *c = &p->ct[in->x];
    if (c->never) return true;
    if (c->norm != NFI_NONE || c->nwords) {
        nfi_side_add_word(side, c->norm);
        for (uint32_t k = 0; k < c->nwords; k++) nfi_side_add_word(side, c->words[k]);
        return true;
    }
    uint64_t strong = c->fwant & (NFI_FEAT_DIGIT_FIRST | NFI_FEAT_HYPHEN);
    uint64_t bit = strong ? strong : c->fwant;
    if (strong || (c->re_unit < 0 && !c->re_first)) {
        side->feat_any |= bit & (~bit + 1); /* one bit it wants */
        return bit != 0;
    }
    if (c->re_unit >= 0) side->bytes[c->re_unit >> 6] |= 1ull << (c->re_unit & 63);
    else
        for (int k = 0; k < 32; k++) side->bytes[k >> 3] |= (uint64_t)c->re_first[k] << (k & 7) * 8;
    side->any_bytes = true;
    return true;
}

/* p's nfi_steps_gate in the arena, or NULL: when first_steps_ok is not
 * asked of p, an instruction has no side gate, or out of memory. */
static const nfi_steps_gate *steps_gate(nf_rules *r, const nfi_prog *p)
{
    if (!(p->any_first || p->fs_check) || !p->fs_ends || !p->first_gate) return NULL;
    nfi_steps_gate sg;
    memset(&sg, 0, sizeof sg);
    for (uint32_t i = 0; i < p->nfirst; i++) {
        uint32_t pc = p->first_pcs[i];
        if (p->code[pc].op != NFI_OP_TEST) return NULL; /* a lexicon or annotation */
        if (p->fs_ends[i]) {
            if (!side_add(&sg.start, p, pc, &p->first_gate[i])) return NULL;
            continue;
        }
        for (uint32_t k = p->fs_start[i]; k < p->fs_start[i + 1]; k++)
            if (!side_add(&sg.next, p, p->fs_pcs[k], &p->fs_gate[k])) return NULL;
    }
    nfi_steps_gate *at = nfi_arena_alloc(&r->arena, sizeof *at);
    if (at) *at = sg;
    return at;
}

/* Adds lexicon step pc of p to *lexes (its lexicon's bit); false when it
 * is no lexicon step or its lexicon has no bit (>= 64). */
static bool lex_add(uint64_t *lexes, const nfi_prog *p, uint32_t pc)
{
    const nfi_inst *in = &p->code[pc];
    if (in->op != NFI_OP_LEX || in->x >= 64) return false;
    *lexes |= 1ull << in->x;
    return true;
}

/* p's nfi_rule_gate.req_next in the arena, or NULL: when a required
 * instruction is neither a one-token test nor a lexicon step, a match
 * can end right after one, an instruction after one has no side gate and
 * is no lexicon step, or out of memory. */
static const nfi_req_next_gate *req_next_gate(nf_rules *r, const nfi_prog *p)
{
    if (!p->req_n || !p->req_pcs) return NULL;
    nfi_req_next_gate gate, *at = NULL;
    memset(&gate, 0, sizeof gate);
    for (uint32_t k = 0; k < p->req_n; k++)
        if (p->code[p->req_pcs[k]].op != NFI_OP_TEST && !lex_add(&gate.req_lexes, p, p->req_pcs[k]))
            return NULL;
    size_t len = p->len + 1;
    uint32_t *seen = calloc(len, sizeof *seen), *from = malloc(len * sizeof *from);
    uint32_t *out = malloc(len * sizeof *out), *stack = malloc(2 * len * sizeof *stack);
    bool ok = seen && from && out && stack;
    size_t n = 0;
    if (ok) {
        for (uint32_t k = 0; k < p->req_n; k++) from[k] = p->req_pcs[k] + 1;
        n = closure(p, from, p->req_n, seen, 1, out, stack);
    }
    for (size_t i = 0; ok && i < n; i++) {
        nfi_step_gate g = step_gate(p, out[i]);
        ok = side_add(&gate.side, p, out[i], &g) || lex_add(&gate.next_lexes, p, out[i]);
    }
    if (ok && (at = nfi_arena_alloc(&r->arena, sizeof *at))) *at = gate;
    free(seen);
    free(from);
    free(out);
    free(stack);
    return at;
}

/* Sets rules->gates from each rule's program (nfi_rule_gate). */
static nf_status rule_gates(nf_rules *r)
{
    r->gates = nfi_arena_alloc(&r->arena, (r->rules.len + 1) * sizeof *r->gates);
    if (!r->gates) return NF_ERR_NOMEM;
    memset(r->gates, 0, (r->rules.len + 1) * sizeof *r->gates);
    for (size_t i = 0; i < r->rules.len; i++) {
        const nfi_rule *ru = &r->rules.items[i];
        const nfi_prog *p = ru->prog;
        nfi_rule_gate *g = &r->gates[i];
        if (!p) continue;
        g->pf_bits = p->pf_bits;
        g->pf_keys = p->pf_keys;
        g->pf_off = p->pf_off;
        g->pf_n = p->pf_n;
        g->more = ru->re_lit || p->req_n || p->any_first || p->fs_check;
        g->steps = steps_gate(r, p); /* (none when out of memory: first_steps_ok decides) */
        g->req_next = req_next_gate(r, p); /* (none when out of memory: the matcher decides) */
    }
    return NF_OK;
}

nf_status nfi_engine_prepare(nf_rules *r)
{
    nf_status st = NF_OK;
    nfi_arena tmp;
    nfi_arena_init(&tmp);
    nfi_strtab res; /* regex sources -> re_id */
    nfi_strtab_init(&res, &tmp);
    for (size_t i = 0; i < r->rules.len && st == NF_OK; i++) {
        nfi_prog *p = r->rules.items[i].prog;
        if (!p) continue;
        if ((st = anchored_first_bytes(r, &r->rules.items[i])) != NF_OK) break;
        if (!p->ntests) { /* lexicons and annotations only */
            check_lex_only(p);
            st = check_sets(r, p);
            if (st == NF_OK) st = required_instructions(r, p);
            continue;
        }
        for (uint32_t t = 0; t < p->ntests && st == NF_OK; t++) {
            nfi_test *tt = &p->tests[t];
            if (tt->op != NFI_T_RE || !tt->re) continue;
            if ((st = re_prefilter(r, tt)) != NF_OK) break;
            tt->re_id = tt->str ? nfi_strtab_intern(&res, tt->str, tt->len) : NFI_NONE;
            if (tt->str && tt->re_id == NFI_NONE) st = NF_ERR_NOMEM;
        }
        if (st != NF_OK) break;
        p->ct = nfi_arena_alloc(&r->arena, p->ntests * sizeof *p->ct);
        uint32_t *rest = malloc(p->ntests * sizeof *rest);
        uint64_t *rest_skip = malloc(p->ntests * sizeof *rest_skip);
        if (!p->ct || !rest || !rest_skip) {
            free(rest);
            free(rest_skip);
            st = NF_ERR_NOMEM;
            break;
        }
        for (uint32_t pc = 0; pc < p->len && st == NF_OK; pc++) { /* the tests instructions run */
            uint32_t t = p->code[pc].x;
            if (p->code[pc].op != NFI_OP_TEST || t >= p->ntests || p->ct[t].ok) continue;
            conj c;
            memset(&c, 0, sizeof c);
            c.norm = NFI_NONE;
            c.rest = rest;
            c.rest_skip = rest_skip;
            flatten(p, t, &c);
            nfi_ctest *ct = &p->ct[t];
            ct->fmask = c.fyes | c.fno;
            ct->fwant = c.fyes;
            ct->lyes = c.lyes;
            ct->lno = c.lno;
            ct->lany = c.lany;
            ct->lex = (c.lyes | c.lno | c.lany) != 0;
            ct->nrest = c.nrest;
            ct->norm = c.norm;
            ct->text = c.text;
            ct->text_len = c.text_len;
            ct->shape = c.shape;
            ct->shape_len = c.shape_len;
            if (c.shape && c.shape_len && c.shape[0] == 'X') { /* X: an upper-case first letter */
                ct->fmask |= NFI_FEAT_CAP(NFI_CAP_UPPER);
                ct->fwant |= NFI_FEAT_CAP(NFI_CAP_UPPER);
                if (c.fno & NFI_FEAT_CAP(NFI_CAP_UPPER)) c.never = true;
            }
            ct->re_req = ct->re_unit = -1;
            for (uint32_t k = 0; k < c.nrest; k++) { /* the first regex part's prefilter */
                const nfi_test *rt = &p->tests[c.rest[k]];
                if (rt->op != NFI_T_RE || !rt->re) continue;
                ct->re_minlen = rt->re_minlen;
                ct->re_req = rt->re_req;
                ct->re_unit = rt->re_unit;
                ct->re_first = rt->re_first;
                uint64_t rf = regex_features(rt);
                ct->fmask |= rf;
                ct->fwant |= rf;
                break;
            }
            if (c.have_words && c.words.len) {
                qsort(c.words.items, c.words.len, sizeof *c.words.items, cmp_u32);
                ct->words = nfi_arena_alloc(&r->arena, c.words.len * sizeof *ct->words);
                if (!ct->words) st = NF_ERR_NOMEM;
                else memcpy(ct->words, c.words.items, c.words.len * sizeof *ct->words);
                ct->nwords = (uint32_t)c.words.len;
                for (size_t k = 0; k < c.words.len; k++) {
                    uint32_t w = c.words.items[k];
                    ct->words_bits[(w >> 6) & 3] |= 1ull << (w & 63);
                }
            }
            if (c.nomem) st = NF_ERR_NOMEM;
            nfi_vec_free(&c.words);
            ct->never = c.never || (c.have_words && !ct->nwords) || (c.fyes & c.fno) ||
                        (c.lyes & c.lno);
            if (ct->never) ct->fmask = ct->fwant = NFI_FEAT_NEVER; /* fails the first check */
            ct->slow = ct->norm != NFI_NONE || ct->nwords || ct->text || ct->shape ||
                       ct->re_minlen || ct->re_first || ct->re_req >= 0 || ct->re_unit >= 0 ||
                       c.nrest;
            bool words_and_rest = ct->slow && !ct->text && !ct->shape && !ct->re_minlen &&
                                  !ct->re_first && ct->re_req < 0 && ct->re_unit < 0;
            ct->words_only = words_and_rest && !c.nrest;
            ct->rest1_skip = words_and_rest && ct->norm == NFI_NONE && !ct->nwords &&
                                     c.nrest == 1 ? rest_skip[0] : 0;
            ct->ok = true;
            if (c.nrest) {
                ct->rest = nfi_arena_alloc(&r->arena, c.nrest * sizeof *ct->rest);
                ct->rest_skip = nfi_arena_alloc(&r->arena, c.nrest * sizeof *ct->rest_skip);
                if (!ct->rest || !ct->rest_skip) st = NF_ERR_NOMEM;
                else {
                    memcpy(ct->rest, rest, c.nrest * sizeof *rest);
                    memcpy(ct->rest_skip, rest_skip, c.nrest * sizeof *rest_skip);
                }
            }
        }
        free(rest);
        free(rest_skip);
        if (st == NF_OK) st = check_one_token(p);
        if (st == NF_OK) check_lex_only(p);
        if (st == NF_OK) check_token_run(p);
        if (st == NF_OK) st = check_sets(r, p);
        /* (a one-token rule too: tried at every token, any_first, it is
         * asked first_steps_ok as the others are) */
        if (st == NF_OK) st = first_steps(r, p);
        if (st == NF_OK && !(p->first_gate = step_gates(r, p, p->first_pcs, p->nfirst)))
            st = NF_ERR_NOMEM;
        if (st == NF_OK) st = required_instructions(r, p);
        if (st == NF_OK) st = required_prefilter(r, p);
    }
    nfi_strtab sigs; /* test signatures -> memo bit */
    nfi_strtab_init(&sigs, &tmp);
    if (st == NF_OK) st = memo_bits(r, &sigs);
    nfi_strtab_free(&sigs);
    nfi_strtab_free(&res);
    nfi_arena_free(&tmp);
    if (st == NF_OK) share_required_slots(r);
    if (st == NF_OK) st = index_required_slots(r);
    if (st == NF_OK) st = hit_rules(r);
    if (st == NF_OK) st = group_features(r);
    if (st == NF_OK) st = nfi_lex_vocab_masks(r);
    if (st == NF_OK) st = lex_pair_bits(r);
    if (st == NF_OK) st = rule_gates(r);
    return st;
}

/* Epsilon closure of the pcs in `from` (marks in seen, generation gen):
 * appends the consuming pcs and MATCH to out. */
static size_t closure(const nfi_prog *p, const uint32_t *from, size_t nfrom, uint32_t *seen,
                      uint32_t gen, uint32_t *out, uint32_t *stack)
{
    size_t n = 0, sp = 0;
    for (size_t i = 0; i < nfrom; i++) stack[sp++] = from[i];
    while (sp) {
        uint32_t pc = stack[--sp];
        if (seen[pc] == gen) continue;
        seen[pc] = gen;
        const nfi_inst *in = &p->code[pc];
        switch (in->op) {
        case NFI_OP_SPLIT:
            stack[sp++] = in->y;
            stack[sp++] = in->x;
            break;
        case NFI_OP_JMP: stack[sp++] = in->x; break;
        case NFI_OP_SAVE: stack[sp++] = pc + 1; break;
        default: out[n++] = pc; break;
        }
    }
    return n;
}

nf_status nfi_prog_prefilter(nf_rules *r, nfi_prog *p)
{
    size_t len = p->len + 1;
    uint32_t *seen = calloc(len, sizeof *seen);
    uint32_t *cur = malloc(len * sizeof *cur), *next = malloc(len * sizeof *next);
    uint32_t *stack = malloc(2 * len * sizeof *stack);
    nf_status st = NF_OK;
    if (!seen || !cur || !next || !stack) st = NF_ERR_NOMEM;
    uint32_t start = 0;
    size_t ncur = st == NF_OK ? closure(p, &start, 1, seen, 1, cur, stack) : 0;
    if (st == NF_OK) {
        p->first_pcs = nfi_arena_alloc(&r->arena, (ncur + 1) * sizeof *p->first_pcs);
        if (!p->first_pcs) st = NF_ERR_NOMEM;
        else {
            memcpy(p->first_pcs, cur, ncur * sizeof *cur);
            p->nfirst = (uint32_t)ncur;
        }
    }
    for (uint32_t depth = 0; st == NF_OK && depth < 4 && ncur; depth++) {
        bool all_tests = true, all_words = depth > 0;
        nfi_first f;
        memset(&f, 0, sizeof f);
        bool nomem = false;
        for (size_t i = 0; i < ncur; i++) {
            const nfi_inst *in = &p->code[cur[i]];
            if (in->op != NFI_OP_TEST) {
                all_tests = false;
                break;
            }
            size_t wl = f.words.len;
            if (!all_words) continue;
            if (!test_keys(p, in->x, &f, &nomem) || f.lexes.len || nomem) all_words = false;
            (void)wl;
        }
        if (nomem) st = NF_ERR_NOMEM;
        if (st == NF_OK && all_tests && all_words && f.words.len && f.words.len <= 16) {
            p->pf_off = depth;
            p->pf_n = (uint32_t)f.words.len;
            p->pf_keys = nfi_arena_alloc(&r->arena, f.words.len * sizeof *p->pf_keys);
            if (!p->pf_keys) st = NF_ERR_NOMEM;
            else memcpy(p->pf_keys, f.words.items, f.words.len * sizeof *p->pf_keys);
            for (size_t k = 0; k < f.words.len; k++) p->pf_bits |= 1ull << (f.words.items[k] & 63);
        }
        bool done = p->pf_n || !all_tests || st != NF_OK;
        nfi_vec_free(&f.words);
        nfi_vec_free(&f.lexes);
        nfi_vec_free(&f.types);
        if (done) break;
        for (size_t i = 0; i < ncur; i++) next[i] = cur[i] + 1;
        ncur = closure(p, next, ncur, seen, depth + 2, cur, stack);
    }
    free(seen);
    free(cur);
    free(next);
    free(stack);
    return st;
}
