/*
 * util.c - arena, vectors, interned strings, byte buffers, UTF-8, errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------ errors */

static void copy_truncated(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

void nfi_error_clear(nf_error *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
}

nf_status nfi_error_set(nf_error *err, nf_status code, const char *source, uint32_t line,
                        uint32_t column, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->line = line;
    err->column = column;
    copy_truncated(err->source, sizeof err->source, source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *nf_status_str(nf_status status)
{
    switch (status) {
    case NF_OK: return "ok";
    case NF_ERR_NOMEM: return "out of memory";
    case NF_ERR_INVALID: return "invalid argument";
    case NF_ERR_UTF8: return "invalid UTF-8";
    case NF_ERR_YAML: return "malformed YAML";
    case NF_ERR_RULE: return "invalid rule";
    case NF_ERR_REGEX: return "invalid regular expression";
    case NF_ERR_ICU: return "ICU error";
    case NF_ERR_IO: return "cannot read file";
    case NF_ERR_LIMIT: return "limit reached";
    }
    return "unknown status";
}

size_t nf_error_format(const nf_error *err, char *buf, size_t n)
{
    char where[300] = "";
    if (!err) {
        if (buf && n) buf[0] = '\0';
        return 0;
    }
    if (err->source[0] && err->line && err->column)
        snprintf(where, sizeof where, "%s:%u:%u: ", err->source, err->line, err->column);
    else if (err->source[0] && err->line)
        snprintf(where, sizeof where, "%s:%u: ", err->source, err->line);
    else if (err->source[0])
        snprintf(where, sizeof where, "%s: ", err->source);
    const char *msg = err->message[0] ? err->message : nf_status_str(err->code);
    int len = snprintf(buf, buf ? n : 0, "%serror: %s", where, msg);
    return len < 0 ? 0 : (size_t)len;
}

void nf_free(void *p) { free(p); }

/* ------------------------------------------------------------ arena */

struct nfi_arena_block {
    nfi_arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

void nfi_arena_init(nfi_arena *a) { memset(a, 0, sizeof *a); }

void nfi_arena_free(nfi_arena *a)
{
    nfi_arena_block *b = a->head;
    while (b) {
        nfi_arena_block *next = b->next;
        free(b);
        b = next;
    }
    memset(a, 0, sizeof *a);
}

void *nfi_arena_alloc(nfi_arena *a, size_t n)
{
    void *p = nfi_arena_alloc_raw(a, n);
    if (p) memset(p, 0, n);
    return p;
}

static void *arena_new_block(nfi_arena *a, size_t n);

/* The size an allocation of n bytes takes: n rounded up to 16, at least 16. */
static inline size_t arena_rounded(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    return n ? n : 16;
}

/* nfi_arena_alloc_raw's common case: `rounded` bytes (arena_rounded) from
 * the current block, or NULL when it has no room for them. */
static inline void *arena_take(nfi_arena *a, size_t rounded)
{
    if (!a->head || a->used + rounded > a->cap) return NULL;
    void *p = a->head->data + a->used;
    a->used += rounded;
    return p;
}

/* nfi_arena_alloc_raw, inline in the string copies */
static inline void *arena_bump(nfi_arena *a, size_t n)
{
    n = arena_rounded(n);
    void *p = arena_take(a, n);
    return p ? p : arena_new_block(a, n);
}

void *nfi_arena_alloc_raw(nfi_arena *a, size_t n) { return arena_bump(a, n); }

/* A new block for n bytes (rounded), with the allocation at its start. */
static void *arena_new_block(nfi_arena *a, size_t n)
{
    size_t cap = a->head ? a->cap * 2 : 4096;
    if (cap > (1u << 20)) cap = 1u << 20;
    if (cap < n) cap = n;
    nfi_arena_block *b = malloc(sizeof *b + cap);
    if (!b) {
        a->failed = true;
        return NULL;
    }
    b->next = a->head;
    b->cap = cap;
    a->head = b;
    a->cap = cap;
    a->used = n;
    return b->data;
}

/* Copies n < 16 bytes without a call to memcpy (which costs more than
 * the copy for the short strings of the tables): two reads that may
 * overlap, as in nfi_bytes_equal. */
static inline void copy_short(char *d, const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t a = nfi_load_u64(s), b = nfi_load_u64(s + n - 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a = nfi_load_u32(s), b = nfi_load_u32(s + n - 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* Copies s[0,n) and a NUL to p, an allocation of n + 1 bytes. Not zeroed
 * whole before the copy: only the last 16 bytes of the rounded allocation
 * are, the rest is copied over, so every byte is set as before (the
 * padding after the NUL too) for half the work. */
static NFI_HOT_INLINE void put_string(char *p, const char *s, size_t n)
{
    memset(p + arena_rounded(n + 1) - 16, 0, 16);
    if (n < 16) copy_short(p, s, n);
    else memcpy(p, s, n);
    p[n] = '\0';
}

/* nfi_arena_strndup, inline in the string table's insertion */
static NFI_HOT_INLINE char *arena_strndup(nfi_arena *a, const char *s, size_t n)
{
    char *p = arena_bump(a, n + 1);
    if (p) put_string(p, s, n);
    return p;
}

char *nfi_arena_strndup(nfi_arena *a, const char *s, size_t n) { return arena_strndup(a, s, n); }

char *nfi_arena_strdup(nfi_arena *a, const char *s)
{
    return s ? nfi_arena_strndup(a, s, strlen(s)) : NULL;
}

char *nfi_arena_printf(nfi_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = nfi_arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ------------------------------------------------------------ vectors */

void nfi_vec_shrink_raw(void *items_ptr, size_t len, size_t *cap, size_t elem)
{
    char **items = items_ptr;
    if (!len || len == *cap) return;
    char *p = realloc(*items, len * elem);
    if (!p) return;
    *items = p;
    *cap = len;
}

void *nfi_vec_grow(void *items_ptr, size_t *len, size_t *cap, size_t elem)
{
    char **items = items_ptr;
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        if (ncap > SIZE_MAX / elem) return NULL;
        char *p = realloc(*items, ncap * elem);
        if (!p) return NULL;
        *items = p;
        *cap = ncap;
    }
    char *slot = *items + (*len)++ * elem;
    memset(slot, 0, elem);
    return slot;
}

/* ------------------------------------------------------------ sorting */

void nfi_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *a = base;
    if (n < 2) return;
    size_t i = 1;
    while (i < n && cmp(a + (i - 1) * size, a + i * size) <= 0) i++;
    if (i == n) return; /* in order already: the common case of the stages */
    enum { SHORT = 24, ELEM_MAX = 256 };
    if (size > ELEM_MAX) {
        qsort(base, n, size, cmp);
        return;
    }
    /* insertion sort from the first element out of order; a long array
       only while its elements move little (one nearly in order, as the
       rules' cues and the quotes of a long article: qsort cost some 5,000
       instructions on 30 of them), else qsort (insertion is stable, as
       qsort here: what it has done changes nothing qsort gives) */
    size_t budget = n > SHORT ? n / 2 : SIZE_MAX;
    char tmp[ELEM_MAX];
    for (; i < n; i++) {
        char *x = a + i * size;
        if (cmp(x - size, x) <= 0) continue;
        memcpy(tmp, x, size);
        size_t j = i - 1;
        while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0) j--;
        if (i - j > budget) {
            qsort(base, n, size, cmp);
            return;
        }
        budget -= i - j;
        memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
        memcpy(a + j * size, tmp, size);
    }
}

static void insertion_keyed(nfi_keyed *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        nfi_keyed x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1].key > x.key; j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Bottom-up merge sort from runs of 8 sorted by insertion (stable). */
static void merge_keyed(nfi_keyed *a, nfi_keyed *tmp, size_t n)
{
    enum { RUN = 8 };
    for (size_t i = 0; i < n; i += RUN) insertion_keyed(a + i, n - i < RUN ? n - i : RUN);
    nfi_keyed *from = a, *to = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) to[k++] = from[j].key < from[i].key ? from[j++] : from[i++];
            while (i < mid) to[k++] = from[i++];
            while (j < hi) to[k++] = from[j++];
        }
        nfi_keyed *t = from;
        from = to;
        to = t;
    }
    if (from != a) memcpy(a, from, n * sizeof *a);
}

/* LSD radix sort by the bytes in which some keys differ (stable). */
static void radix_keyed(nfi_keyed *a, nfi_keyed *tmp, size_t n)
{
    uint64_t all_and = ~0ull, all_or = 0;
    for (size_t i = 0; i < n; i++) {
        all_and &= a[i].key;
        all_or |= a[i].key;
    }
    uint64_t varying = all_and ^ all_or;
    uint32_t count[256];
    nfi_keyed *from = a, *to = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (!((varying >> shift) & 0xff)) continue; /* a byte all keys share */
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++) count[(from[i].key >> shift) & 0xff]++;
        uint32_t at = 0;
        for (size_t v = 0; v < 256; v++) {
            uint32_t c = count[v];
            count[v] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++) to[count[(from[i].key >> shift) & 0xff]++] = from[i];
        nfi_keyed *t = from;
        from = to;
        to = t;
    }
    if (from != a) memcpy(a, from, n * sizeof *a);
}

void nfi_sort_keyed(nfi_keyed *a, nfi_keyed *tmp, size_t n)
{
    if (n < 2) return;
    size_t i = 1;
    while (i < n && a[i - 1].key <= a[i].key) i++;
    if (i == n) return; /* in order already */
    if (n <= 16) insertion_keyed(a, n);
    else if (n < 1024 || n > UINT32_MAX) merge_keyed(a, tmp, n);
    else radix_keyed(a, tmp, n);
}

/* ------------------------------------------------------------ strings */

static inline uint64_t load_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t load_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* nfi_hash's body, inline in the string table's own look-ups */
static inline uint64_t hash_bytes(const char *s, size_t n)
{
    /* Eight bytes a step, then the 0-7 left over in one read: the keys
     * (words, names, block texts) are short, and a byte loop (FNV) cost
     * about six instructions a byte. The splitmix64 finaliser spreads every
     * input bit over the low bits that the tables index with. No caller
     * keeps a hash across runs, so the values may change with this function. */
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    for (; n >= 8; n -= 8, p += 8) {
        h = (h ^ load_u64(p)) * 0xBF58476D1CE4E5B9ull;
        h = (h << 31) | (h >> 33);
    }
    uint64_t tail = 0;
    if (n >= 4) /* two reads that overlap cover 4 to 7 bytes */
        tail = (uint64_t)load_u32(p) << 32 | load_u32(p + n - 4);
    else if (n) /* first, middle and last cover 1 to 3 bytes */
        tail = (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
    h = (h ^ tail) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h;
}

uint64_t nfi_hash(const char *s, size_t n) { return hash_bytes(s, n); }

void nfi_strtab_init(nfi_strtab *t, nfi_arena *arena)
{
    memset(t, 0, sizeof *t);
    t->arena = arena;
}

void nfi_strtab_free(nfi_strtab *t)
{
    free(t->strs);
    free(t->lens);
    free(t->slots);
    t->strs = NULL;
    t->lens = NULL;
    t->slots = NULL;
    t->count = t->cap = t->nslots = t->maxlen = 0;
}

/* The id of s[0,n) (of the given hash), or NFI_NONE with *empty = the
 * empty slot the probe stopped at (where an insertion would put it). */
static NFI_HOT_INLINE uint32_t strtab_probe(const nfi_strtab *t, const char *s, size_t n, uint64_t hash,
                                    uint32_t *empty)
{
    if (!t->nslots) return NFI_NONE;
    uint32_t mask = t->nslots - 1;
    for (uint32_t i = (uint32_t)hash & mask;; i = (i + 1) & mask) {
        uint32_t slot = t->slots[i];
        if (!slot) {
            *empty = i;
            return NFI_NONE;
        }
        uint32_t id = slot - 1;
        if (t->lens[id] == n && nfi_bytes_equal(t->strs[id], s, n)) return id;
    }
}

static inline uint32_t strtab_find_hashed(const nfi_strtab *t, const char *s, size_t n, uint64_t hash)
{
    uint32_t empty;
    return strtab_probe(t, s, n, hash, &empty);
}

/* A look-up of a key of 16 bytes or more: out of line, with the calls of
 * its compare (memcmp), so that the short keys' look-up calls nothing and
 * saves no registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint32_t strtab_find_long(const nfi_strtab *t, const char *s, size_t n)
{
    return strtab_find_hashed(t, s, n, hash_bytes(s, n));
}

uint32_t nfi_strtab_find(const nfi_strtab *t, const char *s, size_t n)
{
    if (!t->nslots || n > t->maxlen) return NFI_NONE;
    if (n >= 16) return strtab_find_long(t, s, n);
    return strtab_find_hashed(t, s, n, hash_bytes(s, n));
}

/* The slots, at nslots (a power of two, at least twice the count). */
static bool strtab_resize(nfi_strtab *t, uint32_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return false;
    for (uint32_t id = 0; id < t->count; id++) {
        uint32_t i = (uint32_t)hash_bytes(t->strs[id], t->lens[id]) & (nslots - 1);
        while (slots[i]) i = (i + 1) & (nslots - 1);
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return true;
}

static bool strtab_rehash(nfi_strtab *t)
{
    return strtab_resize(t, t->nslots ? t->nslots * 2 : 64);
}

/* The arrays by id, at ncap. */
static bool strtab_arrays(nfi_strtab *t, uint32_t ncap)
{
    char **strs = realloc(t->strs, ncap * sizeof *strs);
    if (!strs) return false;
    t->strs = strs;
    uint32_t *lens = realloc(t->lens, ncap * sizeof *lens);
    if (!lens) return false;
    t->lens = lens;
    t->cap = ncap;
    return true;
}

bool nfi_strtab_reserve(nfi_strtab *t, uint32_t n)
{
    if (n > UINT32_MAX / 4) return false;
    uint32_t nslots = t->nslots ? t->nslots : 64;
    while (nslots < 2 * n) nslots *= 2;
    if (nslots > t->nslots && !strtab_resize(t, nslots)) return false;
    return n <= t->cap || strtab_arrays(t, n);
}

uint32_t nfi_strtab_hash(const char *s, size_t n) { return (uint32_t)hash_bytes(s, n); }

uint32_t nfi_strtab_intern(nfi_strtab *t, const char *s, size_t n)
{
    /* once, for the search and the insertion */
    return nfi_strtab_intern_hashed(t, s, n, (uint32_t)hash_bytes(s, n));
}

/* nfi_strtab_intern_hashed's insertion of s[0,n) (absent, of the given
 * hash; slot: the empty slot its probe stopped at, when the table has
 * slots) where something may have to grow first: the slots, the arrays,
 * the arena. Out of line: the common insertion needs none of it. */
static NFI_COLD uint32_t strtab_insert(nfi_strtab *t, const char *s, size_t n, uint32_t hash,
                                       uint32_t slot)
{
    if (n > UINT32_MAX || t->count >= UINT32_MAX - 1) return NFI_NONE;
    bool rehash = (t->count + 1) * 2 > t->nslots;
    if (rehash && !strtab_rehash(t)) return NFI_NONE;
    if (t->count == t->cap && !strtab_arrays(t, t->cap ? t->cap * 2 : 64)) return NFI_NONE;
    char *copy = arena_strndup(t->arena, s, n);
    if (!copy) return NFI_NONE;
    uint32_t id = t->count++;
    t->strs[id] = copy;
    t->lens[id] = (uint32_t)n;
    if (n > t->maxlen) t->maxlen = (uint32_t)n;
    if (rehash) { /* the slot the probe found was in the old table */
        slot = hash & (t->nslots - 1);
        while (t->slots[slot]) slot = (slot + 1) & (t->nslots - 1);
    }
    t->slots[slot] = id + 1;
    return id;
}

/* nfi_strtab_intern_hashed's body: the look-up and the insertion where
 * nothing grows. */
static NFI_HOT_INLINE uint32_t strtab_intern(nfi_strtab *t, const char *s, size_t n, uint32_t hash)
{
    uint32_t slot = 0;
    uint32_t id = strtab_probe(t, s, n, hash, &slot);
    if (id != NFI_NONE) return id;
    /* the common insertion, where nothing grows: the slots stay at most
       half full, the arrays and the arena's block have room */
    char *copy;
    if ((t->count + 1) * 2 > t->nslots || t->count == t->cap || n > UINT32_MAX ||
        !(copy = arena_take(t->arena, arena_rounded(n + 1))))
        return strtab_insert(t, s, n, hash, slot);
    put_string(copy, s, n);
    id = t->count++;
    t->strs[id] = copy;
    t->lens[id] = (uint32_t)n;
    if (n > t->maxlen) t->maxlen = (uint32_t)n;
    t->slots[slot] = id + 1;
    return id;
}

/* strtab_intern of a key of 16 bytes or more, out of line with the calls
 * of its compare and copy (memcmp, memcpy). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint32_t strtab_intern_long(nfi_strtab *t, const char *s, size_t n, uint32_t hash)
{
    return strtab_intern(t, s, n, hash);
}

uint32_t nfi_strtab_intern_hashed(nfi_strtab *t, const char *s, size_t n, uint32_t hash)
{
    /* a short key (most words) is compared and copied inline, without a
     * call: the function saves no registers for it */
    if (n >= 16) return strtab_intern_long(t, s, n, hash);
    return strtab_intern(t, s, n, hash);
}

/* ------------------------------------------------------------ buffers */

bool nfi_buf_reserve(nfi_buf *b, size_t extra)
{
    if (b->failed) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void nfi_buf_put(nfi_buf *b, const char *s, size_t n)
{
    if (!nfi_buf_reserve(b, n)) return;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nfi_buf_puts(nfi_buf *b, const char *s) { nfi_buf_put(b, s, strlen(s)); }

void nfi_buf_putc_grow(nfi_buf *b, char c)
{
    if (!nfi_buf_reserve(b, 1)) return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void nfi_buf_printf(nfi_buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        nfi_buf_put(b, small, (size_t)n);
        return;
    }
    if (!nfi_buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nfi_buf_free(nfi_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ UTF-8 */

size_t nfi_utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

size_t nfi_utf8_validate(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs, eight bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = nfi_utf8_valid_len(u + i, n - i);
        if (!k) return i;
        i += k;
    }
    return n;
}

uint32_t nfi_utf8_decode(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = n - *i;
    uint32_t c = u[0];
    if (c < 0x80 || left < 2) {
        *i += 1;
        return c;
    }
    if (c < 0xE0) {
        *i += 2;
        return ((c & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if (c < 0xF0 && left >= 3) {
        *i += 3;
        return ((c & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    if (left >= 4) {
        *i += 4;
        return ((c & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
               ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    }
    *i += 1;
    return c;
}

size_t nfi_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}
