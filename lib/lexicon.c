/*
 * lexicon.c - named word and phrase lists: case folding, the rules-level
 * vocabulary, one trie over vocabulary ids shared by every lexicon, list
 * files, and the lexicon functions of rules.h.
 *
 * An entry is split into tokens on white space ("new york" = two tokens);
 * each part is case-folded (Unicode simple case folding) and interned in
 * rules->vocab. Matching walks the trie from the lexicon's root with the
 * vocabulary id of each document token: one hash probe per token, however
 * many entries the lexicon has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "engine.h"

/* ------------------------------------------------------------ folding */

/* ASCII fast path; otherwise ICU full case folding (as the tokenizer
 * folds token norms), with the typographic apostrophe as ASCII. */
size_t nfi_fold_buf(const char *s, size_t n, char *out, size_t cap)
{
    /* ASCII: lower-cased while copied, in one pass that stops at the first
       byte of a multi-byte character (then ICU folds the whole text) */
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    if (n + 1 <= cap) {
        for (; i < n && u[i] < 0x80; i++)
            out[i] = (char)((unsigned)(u[i] - 'A') < 26u ? u[i] + 32 : u[i]);
        if (i == n) {
            out[n] = '\0';
            return n;
        }
    } else {
        while (i < n && u[i] < 0x80) i++;
        if (i == n) return (size_t)-1; /* ASCII that does not fit */
    }
    if (n > 2048 || nfi_utf8_validate(s, n) != n) return (size_t)-1;
    UChar src[2100], dst[6400];
    int32_t slen = 0, dlen = 0, olen = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(src, 2100, &slen, s, (int32_t)n, &st);
    if (U_FAILURE(st)) return (size_t)-1;
    for (int32_t k = 0; k < slen; k++)
        if (src[k] == 0x2019) src[k] = '\'';
    dlen = u_strFoldCase(dst, 6400, src, slen, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st)) return (size_t)-1;
    u_strToUTF8(out, (int32_t)(cap > INT32_MAX ? INT32_MAX : cap), &olen, dst, dlen, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || (size_t)olen >= cap)
        return (size_t)-1;
    return (size_t)olen;
}

char *nfi_fold(nfi_arena *a, const char *s, size_t n, size_t *outlen)
{
    size_t cap = n * 3 + 16;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    size_t len = nfi_fold_buf(s, n, buf, cap);
    char *res = len == (size_t)-1 ? NULL : nfi_arena_strndup(a, buf, len);
    free(buf);
    if (res && outlen) *outlen = len;
    return res;
}

/* ------------------------------------------------------------ trie */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

nf_status nfi_trie_init(nfi_trie *t)
{
    memset(t, 0, sizeof *t);
    return NF_OK;
}

void nfi_trie_free(nfi_trie *t)
{
    nfi_vec_free(&t->node_entry);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

uint32_t nfi_trie_child(const nfi_trie *t, uint32_t node, uint32_t vocab)
{
    if (!t->nslots || vocab == NFI_NONE) return NFI_NONE;
    uint64_t key = (((uint64_t)node << 32) | vocab) + 1;
    size_t mask = t->nslots - 1;
    for (size_t i = (size_t)mix64(key) & mask;; i = (i + 1) & mask) {
        if (t->slots[i].key == key) return t->slots[i].child;
        if (!t->slots[i].key) return NFI_NONE;
    }
}

static bool trie_grow(nfi_trie *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 1024;
    nfi_trie_slot *slots = calloc(nslots, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i].key) continue;
        size_t j = (size_t)mix64(t->slots[i].key) & (nslots - 1);
        while (slots[j].key) j = (j + 1) & (nslots - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return true;
}

static uint32_t trie_new_node(nfi_trie *t)
{
    uint32_t *e = nfi_vec_push(&t->node_entry);
    if (!e) return NFI_NONE;
    *e = NFI_NONE;
    return (uint32_t)(t->node_entry.len - 1);
}

/* Child of node by vocab, created when absent. One probe finds the child
 * or the empty slot it goes in (the slot nfi_trie_child would stop at), so
 * the table is laid out as a look-up then an insertion would lay it out. */
static uint32_t trie_add_child(nfi_trie *t, uint32_t node, uint32_t vocab)
{
    uint64_t key = (((uint64_t)node << 32) | vocab) + 1;
    size_t i = 0;
    if (t->nslots) {
        size_t mask = t->nslots - 1;
        for (i = (size_t)mix64(key) & mask; t->slots[i].key; i = (i + 1) & mask)
            if (t->slots[i].key == key) return t->slots[i].child;
    }
    bool grow = (t->used + 1) * 4 > t->nslots * 3;
    if (grow && !trie_grow(t)) return NFI_NONE;
    uint32_t c = trie_new_node(t);
    if (c == NFI_NONE) return NFI_NONE;
    if (grow) { /* the slot found is in the old table */
        size_t mask = t->nslots - 1;
        for (i = (size_t)mix64(key) & mask; t->slots[i].key; i = (i + 1) & mask) {}
    }
    t->slots[i].key = key;
    t->slots[i].child = c;
    t->used++;
    return c;
}

/* ------------------------------------------------------------ lexicons */

nfi_lexicon *nfi_lexicon_new(nf_rules *r, const char *name)
{
    nfi_lexicon *lex = nfi_arena_alloc(&r->arena, sizeof *lex);
    if (!lex) return NULL;
    lex->name = nfi_arena_strdup(&r->arena, name);
    lex->root = trie_new_node(&r->trie);
    lex->rules = r;
    nfi_lexicon **slot = nfi_vec_push(&r->lexicons);
    if (!lex->name || lex->root == NFI_NONE || !slot) return NULL;
    lex->index = (uint32_t)(r->lexicons.len - 1);
    *slot = lex;
    return lex;
}

static bool is_space(unsigned char c) { return c == ' ' || (unsigned)(c - '\t') <= '\r' - '\t'; }

enum { FOLD_CAP = 512 }; /* bytes of a folded token, NUL included */

#define BYTES8(b) (0x0101010101010101ull * (b))

/* Eight ASCII bytes lower-cased at once: a byte gets 0x20 where it is
 * at least 'A' (b + 0x3F reaches 0x80) and not past 'Z' (b + 0x25 does
 * not); no sum carries into the next byte, every byte being < 0x80. */
static uint64_t lower_ascii8(uint64_t w)
{
    uint64_t upper = ((w + BYTES8(0x80 - 'A')) ^ (w + BYTES8(0x80 - 'Z' - 1))) & BYTES8(0x80);
    return w | upper >> 2;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define READ_PAST_OK 1 /* the word steps below may read past the token */
#else
#define READ_PAST_OK 0
#endif

/* Finds the end of the token that starts at u[i] (white space or n ends
 * it) and folds it into fold; returns the end. *fl = the folded length,
 * or (size_t)-1 when the token does not fold (nfi_fold_buf's answer).
 * ASCII is lower-cased in the pass that finds the end, eight bytes a step
 * up to the first byte that is white space, a control byte or past ASCII;
 * a token with other characters (or too long) goes to nfi_fold_buf whole.
 * padded: u[i, i + 8) may be read for any i < n (the bytes past n are
 * taken for spaces), so the token's last bytes take a word step too. */
static size_t fold_token(const unsigned char *u, size_t i, size_t n, bool padded, char *fold,
                         size_t *fl)
{
    size_t s = i, k = 0;
    padded = padded && READ_PAST_OK;
    while (i < n && k + 8 < FOLD_CAP && (i + 8 <= n || padded)) {
        uint64_t w;
        memcpy(&w, u + i, 8);
        if (i + 8 > n) { /* little-endian: byte j is bits 8j to 8j+7 */
            uint64_t keep = (1ull << (8 * (n - i))) - 1;
            w = (w & keep) | (BYTES8(' ') & ~keep);
        }
        /* a byte <= ' ' or >= 0x80 sets its top bit here (the carries and
           borrows it makes reach only the bytes after it) */
        uint64_t stop = ((w - BYTES8(0x21)) | w) & BYTES8(0x80);
        w = lower_ascii8(w); /* right up to the first stop byte */
        memcpy(fold + k, &w, 8);
        if (!stop) {
            i += 8;
            k += 8;
            continue;
        }
#if READ_PAST_OK
        size_t f = (size_t)__builtin_ctzll(stop) / 8;
#else
        size_t f = 0;
#endif
        i += f;
        k += f;
        break;
    }
    unsigned char high = 0;
    for (; i < n && !is_space(u[i]); i++) { /* control bytes and the rest */
        high |= u[i];
        if (k < FOLD_CAP - 1) {
            fold[k] = (char)((unsigned)(u[i] - 'A') < 26u ? u[i] + 32 : u[i]);
            k++;
        }
    }
    if (i - s >= FOLD_CAP || high >= 0x80)
        k = nfi_fold_buf((const char *)u + s, i - s, fold, FOLD_CAP);
    *fl = k;
    return i;
}

/* nfi_lexicon_add; padded as for fold_token */
static nf_status lexicon_add(nf_rules *r, nfi_lexicon *lex, const char *entry, size_t n,
                             bool padded, uint32_t attr_start, uint32_t attr_count)
{
    const unsigned char *u = (const unsigned char *)entry;
    char fold[FOLD_CAP];
    uint32_t node = lex->root, ntok = 0;
    size_t i = 0, fl;
    for (;;) {
        while (i < n && is_space(u[i])) i++;
        if (i >= n) break;
        i = fold_token(u, i, n, padded, fold, &fl);
        if (fl == (size_t)-1) return NF_ERR_RULE;
        uint32_t v = nfi_strtab_intern(&r->vocab, fold, fl);
        if (v == NFI_NONE) return NF_ERR_NOMEM;
        node = trie_add_child(&r->trie, node, v);
        if (node == NFI_NONE) return NF_ERR_NOMEM;
        ntok++;
    }
    if (!ntok) return NF_ERR_RULE;
    uint32_t *ent = &r->trie.node_entry.items[node];
    if (*ent == NFI_NONE) {
        nfi_lex_entry *e = nfi_vec_push(&r->lex_entries);
        if (!e) return NF_ERR_NOMEM;
        e->attr_start = attr_start;
        e->attr_count = attr_count;
        e->ntokens = ntok;
        *ent = (uint32_t)(r->lex_entries.len - 1);
        lex->entries++;
        if (ntok > lex->max_tokens) lex->max_tokens = ntok;
    } else if (attr_count) {
        nfi_lex_entry *e = &r->lex_entries.items[*ent];
        if (!e->attr_count) {
            e->attr_start = attr_start;
            e->attr_count = attr_count;
        } else if (e->attr_start + e->attr_count == attr_start) {
            e->attr_count += attr_count;
        } /* else: the first entry's attributes win */
    }
    return NF_OK;
}

nf_status nfi_lexicon_add(nf_rules *r, nfi_lexicon *lex, const char *entry, size_t n,
                          uint32_t attr_start, uint32_t attr_count)
{
    return lexicon_add(r, lex, entry, n, false, attr_start, attr_count);
}

/* The last line's fields, by position: the lines of a list file mostly
 * have the same keys in the same order and many the same values, so a
 * field is compared with the one before it first. A key found so is the
 * interned one; a value, the copy already made (values are never written
 * to, so entries may share one). */
enum { FIELD_MEMO = 8 };
typedef struct field_memo {
    const char *key[FIELD_MEMO], *value[FIELD_MEMO];
    uint32_t key_len[FIELD_MEMO], value_len[FIELD_MEMO];
} field_memo;

/* Whether the memo m (mlen bytes) holds s[0,n), eight bytes a step where
 * READ_PAST_OK (no call to memcmp for these short fields): m is an arena
 * copy (nfi_arena_strndup: readable to its 16-byte rounding) and s is in a
 * list file's buffer (LIST_PAD bytes past its text), so the word that holds
 * the last bytes may be read whole; the bytes past n are masked off. */
static bool memo_has(const char *m, uint32_t mlen, const char *s, size_t n)
{
    if (!m || mlen != n) return false;
    size_t i = 0;
#if READ_PAST_OK
    for (;; i += 8) {
        uint64_t a, b;
        memcpy(&a, m + i, 8);
        memcpy(&b, s + i, 8);
        if (i + 8 >= n) return n == i || ((a ^ b) & ((~0ull) >> (8 * (i + 8 - n)))) == 0;
        if (a != b) return false;
    }
#endif
    for (; i < n; i++)
        if (m[i] != s[i]) return false;
    return true;
}

static const char *attr_key(nf_rules *r, field_memo *memo, size_t field, const char *s, size_t n)
{
    if (field >= FIELD_MEMO) {
        uint32_t k = nfi_strtab_intern(&r->names, s, n);
        return k == NFI_NONE ? NULL : r->names.strs[k];
    }
    if (memo_has(memo->key[field], memo->key_len[field], s, n)) return memo->key[field];
    uint32_t k = nfi_strtab_intern(&r->names, s, n);
    if (k == NFI_NONE) return NULL;
    memo->key[field] = r->names.strs[k];
    memo->key_len[field] = (uint32_t)n;
    return memo->key[field];
}

static const char *attr_value(nf_rules *r, field_memo *memo, size_t field, const char *s, size_t n)
{
    if (field >= FIELD_MEMO) return nfi_arena_strndup(&r->arena, s, n);
    if (memo_has(memo->value[field], memo->value_len[field], s, n)) return memo->value[field];
    const char *v = nfi_arena_strndup(&r->arena, s, n);
    if (!v) return NULL;
    memo->value[field] = v;
    memo->value_len[field] = (uint32_t)n;
    return v;
}

/* Parses "key=value" fields after the entry of a list-file line. */
static nf_status parse_attrs(nf_rules *r, field_memo *memo, const char *s, size_t n,
                             uint32_t *count)
{
    size_t i = 0;
    *count = 0;
    while (i < n) {
        size_t f = i;
        const char *tab = memchr(s + i, '\t', n - i);
        i = tab ? (size_t)(tab - s) : n;
        size_t fe = i;
        if (i < n) i++;
        while (f < fe && s[f] == ' ') f++;
        while (fe > f && (s[fe - 1] == ' ' || s[fe - 1] == '\r')) fe--;
        if (f == fe) continue;
        const char *eq = memchr(s + f, '=', fe - f);
        if (!eq || eq == s + f) return NF_ERR_RULE;
        const char *key = attr_key(r, memo, *count, s + f, (size_t)(eq - (s + f)));
        const char *v = attr_value(r, memo, *count, eq + 1, (size_t)(s + fe - eq - 1));
        nfi_kv *kv = nfi_vec_push(&r->lex_attrs);
        if (!key || !v || !kv) return NF_ERR_NOMEM;
        kv->key = key;
        kv->value = v;
        (*count)++;
    }
    return NF_OK;
}

enum { LIST_PAD = 8 }; /* zero bytes after a list file's text: fold_token's padding */

/* Reads the whole file at path into a malloc'd buffer (NUL-terminated, then
 * LIST_PAD more zero bytes), sized from the file's size when it has one. */
static nf_status read_list_file(const char *path, uint64_t max_bytes, char **out, size_t *outlen,
                                nf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return nfi_error_set(err, NF_ERR_IO, path, 0, 0, "cannot open lexicon file: %s",
                             strerror(errno));
    struct stat sb;
    size_t cap = 65536, len = 0;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
        (uint64_t)sb.st_size <= max_bytes)
        cap = (size_t)sb.st_size + 2 + LIST_PAD; /* + the read that finds the end */
    char *buf = malloc(cap);
    nf_status st = buf ? NF_OK : nfi_error_set(err, NF_ERR_NOMEM, path, 0, 0, "out of memory");
    while (st == NF_OK) {
        if (len + 1 >= cap) {
            char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                st = nfi_error_set(err, NF_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        if (!got) break;
        len += got;
        if (len > max_bytes)
            st = nfi_error_set(err, NF_ERR_LIMIT, path, 0, 0,
                               "lexicon file is larger than max_file_bytes (%llu)",
                               (unsigned long long)max_bytes);
    }
    if (st == NF_OK && ferror(f))
        st = nfi_error_set(err, NF_ERR_IO, path, 0, 0, "cannot read lexicon file");
    fclose(f);
    if (st == NF_OK && cap < len + 1 + LIST_PAD) {
        char *nb = realloc(buf, len + 1 + LIST_PAD);
        if (nb) buf = nb;
        else st = nfi_error_set(err, NF_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (st != NF_OK) {
        free(buf);
        return st;
    }
    memset(buf + len, 0, 1 + LIST_PAD);
    *out = buf;
    *outlen = len;
    return NF_OK;
}

nf_status nfi_lexicon_load_file(nf_rules *r, nfi_lexicon *lex, const char *path,
                                uint64_t max_bytes, nf_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    nf_status st = read_list_file(path, max_bytes, &buf, &len, err);
    if (st != NF_OK) return st;
    size_t i = 0;
    uint32_t line = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
    /* a valid file has valid lines (no UTF-8 sequence holds a '\n'): the
       lines are checked one by one only to find where a bad file goes wrong */
    bool valid = nfi_utf8_validate(buf + i, len - i) == len - i;
    field_memo memo;
    memset(&memo, 0, sizeof memo);
    while (st == NF_OK && i < len) {
        line++;
        size_t s = i;
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        i = nl ? e + 1 : len;
        if (e > s && buf[e - 1] == '\r') e--;
        size_t bad = valid ? e - s : nfi_utf8_validate(buf + s, e - s);
        if (bad != e - s) {
            st = nfi_error_set(err, NF_ERR_RULE, path, line,
                               (uint32_t)nfi_utf8_count(buf + s, bad) + 1,
                               "invalid UTF-8 in lexicon file");
            break;
        }
        size_t t = s;
        while (t < e && (buf[t] == ' ' || buf[t] == '\t')) t++;
        if (t == e || buf[t] == '#') continue;
        const char *tab = memchr(buf + s, '\t', e - s);
        size_t entry_end = tab ? (size_t)(tab - buf) : e;
        uint32_t astart = (uint32_t)r->lex_attrs.len, acount = 0;
        if (tab) {
            st = parse_attrs(r, &memo, tab + 1, e - entry_end - 1, &acount);
            if (st == NF_ERR_RULE) {
                st = nfi_error_set(err, NF_ERR_RULE, path, line,
                                   (uint32_t)nfi_utf8_count(buf + s, entry_end - s) + 2,
                                   "expected key=value after the TAB in lexicon entry");
                break;
            }
            if (st != NF_OK) break;
        }
        st = lexicon_add(r, lex, buf + s, entry_end - s, true, astart, acount);
        if (st == NF_ERR_RULE)
            st = nfi_error_set(err, NF_ERR_RULE, path, line, 1,
                               "lexicon entry is empty or too long");
    }
    if (st == NF_ERR_NOMEM) nfi_error_set(err, NF_ERR_NOMEM, path, line, 0, "out of memory");
    free(buf);
    return st;
}

size_t nfi_lexicon_walk(const nf_rules *r, const nfi_lexicon *lex, const uint32_t *tokvocab,
                        size_t i, size_t end, uint32_t *lens, uint32_t *entries, size_t cap)
{
    size_t n = 0;
    uint32_t node = lex->root;
    /* Most walks end at the first or second word: bits made at load answer
       those without a probe of the trie's table, which the caches do not
       hold (nfi_lex_vocab_masks for the first 64 lexicons, then
       nfi_lex_pair_may) */
    uint32_t v = i < end ? tokvocab[i] : NFI_NONE;
    if (lex->index < 64 && v < r->nvmask && !((r->vocab_starts[v] >> lex->index) & 1)) return 0;
    for (size_t k = i; k < end; k++) {
        if (k == i + 1 && !nfi_lex_pair_may(r, v, tokvocab[k])) break;
        node = nfi_trie_child(&r->trie, node, tokvocab[k]);
        if (node == NFI_NONE) break;
        uint32_t e = r->trie.node_entry.items[node];
        if (e != NFI_NONE) {
            if (n == cap) n--; /* keep the longest */
            lens[n] = (uint32_t)(k - i + 1);
            if (entries) entries[n] = e;
            n++;
        }
    }
    return n;
}

nf_status nfi_lex_vocab_masks(nf_rules *r)
{
    const nfi_trie *t = &r->trie;
    uint32_t nv = r->vocab.count;
    size_t nnodes = t->node_entry.len;
    r->nvmask = 0;
    r->vocab_starts = nfi_arena_alloc(&r->arena, ((size_t)nv + 1) * sizeof *r->vocab_starts);
    r->vocab_single = nfi_arena_alloc(&r->arena, ((size_t)nv + 1) * sizeof *r->vocab_single);
    uint8_t *root_lex = malloc(nnodes + 1); /* node -> lexicon (< 64) it is the root of */
    if (!r->vocab_starts || !r->vocab_single || !root_lex) {
        free(root_lex);
        return NF_ERR_NOMEM;
    }
    memset(root_lex, 0xff, nnodes + 1);
    for (size_t l = 0; l < r->lexicons.len && l < 64; l++)
        if (r->lexicons.items[l]->root < nnodes) root_lex[r->lexicons.items[l]->root] = (uint8_t)l;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i].key) continue;
        uint64_t k = t->slots[i].key - 1;
        uint32_t node = (uint32_t)(k >> 32), v = (uint32_t)k, child = t->slots[i].child;
        if (node >= nnodes || root_lex[node] == 0xff || v >= nv) continue;
        uint64_t bit = 1ull << root_lex[node];
        r->vocab_starts[v] |= bit;
        if (child < nnodes && t->node_entry.items[child] != NFI_NONE) r->vocab_single[v] |= bit;
    }
    free(root_lex);
    r->nvmask = nv;
    return NF_OK;
}

const char *nfi_lex_entry_attr(const nf_rules *r, uint32_t entry, const char *key)
{
    if (entry >= r->lex_entries.len) return NULL;
    const nfi_lex_entry *e = &r->lex_entries.items[entry];
    for (uint32_t k = 0; k < e->attr_count; k++) {
        const nfi_kv *kv = &r->lex_attrs.items[e->attr_start + k];
        if (kv->key == key || strcmp(kv->key, key) == 0) return kv->value;
    }
    return NULL;
}

/* ------------------------------------------------------------ rules.h */

const nfi_lexicon *nfi_rules_lexicon(const nf_rules *rules, const char *name)
{
    if (!rules || !name) return NULL;
    for (size_t i = 0; i < rules->lexicons.len; i++)
        if (strcmp(rules->lexicons.items[i]->name, name) == 0) return rules->lexicons.items[i];
    return NULL;
}

/* Entry of a single-token form, or NFI_NONE. */
static uint32_t single_entry(const nfi_lexicon *lex, const char *s, size_t n)
{
    if (!lex) return NFI_NONE;
    char fold[512];
    size_t fl = nfi_fold_buf(s, n, fold, sizeof fold);
    if (fl == (size_t)-1) return NFI_NONE;
    const nf_rules *r = lex->rules;
    uint32_t v = nfi_strtab_find(&r->vocab, fold, fl);
    uint32_t node = nfi_trie_child(&r->trie, lex->root, v);
    return node == NFI_NONE ? NFI_NONE : r->trie.node_entry.items[node];
}

bool nfi_lexicon_has(const nfi_lexicon *lex, const char *s, size_t n)
{
    return single_entry(lex, s, n) != NFI_NONE;
}

uint32_t nfi_lexicon_word(const nf_rules *rules, const char *s, size_t n)
{
    char fold[512];
    size_t fl = nfi_fold_buf(s, n, fold, sizeof fold);
    return fl == (size_t)-1 ? NFI_NONE : nfi_strtab_find(&rules->vocab, fold, fl);
}

uint32_t nfi_lexicon_word_folded(const nf_rules *rules, const char *s, size_t n)
{
    return nfi_strtab_find(&rules->vocab, s, n);
}

bool nfi_lexicon_has_word(const nfi_lexicon *lex, uint32_t word)
{
    if (!lex || word == NFI_NONE) return false;
    const nf_rules *r = lex->rules;
    /* the one-token entries of the first 64 lexicons are bits by word, made
       at load (nfi_lex_vocab_masks): one load instead of a trie probe */
    if (lex->index < 64 && word < r->nvmask) return (r->vocab_single[word] >> lex->index) & 1;
    uint32_t node = nfi_trie_child(&r->trie, lex->root, word);
    return node != NFI_NONE && r->trie.node_entry.items[node] != NFI_NONE;
}

const char *nfi_lexicon_attr(const nfi_lexicon *lex, const char *s, size_t n, const char *key)
{
    uint32_t e = single_entry(lex, s, n);
    return e == NFI_NONE ? NULL : nfi_lex_entry_attr(lex->rules, e, key);
}

size_t nfi_lexicon_match(const nfi_lexicon *lex, const nf_doc *doc, size_t i,
                         const void **entry)
{
    if (entry) *entry = NULL;
    if (!lex || !doc || i >= doc->tokens.len) return 0;
    const nf_rules *r = lex->rules;
    uint32_t node = lex->root, best_e = NFI_NONE;
    size_t best = 0;
    char fold[512];
    for (size_t k = i; k < doc->tokens.len && k - i < lex->max_tokens; k++) {
        const nfi_token *t = &doc->tokens.items[k];
        const char *form = nf_doc_form(doc, t->norm);
        size_t fl = form ? nfi_fold_buf(form, strlen(form), fold, sizeof fold) : (size_t)-1;
        uint32_t v = fl == (size_t)-1 ? NFI_NONE : nfi_strtab_find(&r->vocab, fold, fl);
        node = nfi_trie_child(&r->trie, node, v);
        if (node == NFI_NONE) break;
        uint32_t e = r->trie.node_entry.items[node];
        if (e != NFI_NONE) {
            best = k - i + 1;
            best_e = e;
        }
    }
    if (best && entry) *entry = &r->lex_entries.items[best_e];
    return best;
}

bool nfi_lexicon_may_start(const nfi_lexicon *lex, const nf_doc *doc, size_t i)
{
    if (!lex || !doc || i >= doc->tokens.len || !lex->max_tokens) return false;
    const char *form = nf_doc_form(doc, doc->tokens.items[i].norm);
    uint32_t v = form ? nfi_lexicon_word(lex->rules, form, strlen(form)) : NFI_NONE;
    return nfi_lexicon_may_start_word(lex, v);
}

bool nfi_lexicon_may_start_word(const nfi_lexicon *lex, uint32_t word)
{
    if (!lex || !lex->max_tokens || word == NFI_NONE) return false;
    const nf_rules *r = lex->rules;
    /* the first 64 lexicons' first words are bits by word (nfi_lex_vocab_masks) */
    if (lex->index < 64 && word < r->nvmask) return (r->vocab_starts[word] >> lex->index) & 1;
    return nfi_trie_child(&r->trie, lex->root, word) != NFI_NONE;
}

const char *nfi_lexicon_entry_attr(const nfi_lexicon *lex, const void *entry, const char *key)
{
    if (!lex || !entry || !key) return NULL;
    const nf_rules *r = lex->rules;
    const nfi_lex_entry *e = entry;
    return nfi_lex_entry_attr(r, (uint32_t)(e - r->lex_entries.items), key);
}
