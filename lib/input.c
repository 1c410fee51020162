/*
 * input.c - the document's own copy of the caller's bytes, UTF-8
 * validation, and the caller's document creation time.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Copies the input. Invalid UTF-8 either fails with the offset of the first
 * bad byte or, with NF_EXTRACT_REPLACE_INVALID, is replaced byte for byte by
 * '?' in a working copy, so every offset still points into the original. */
nf_status nfi_input_load(nf_doc *doc, const char *text, size_t len, uint32_t flags,
                         nf_error *err)
{
    if (len > SIZE_MAX - 1 - NFI_TEXT_PAD)
        return nfi_error_set(err, NF_ERR_LIMIT, "", 0, 0, "input too large");
    char *copy = nfi_arena_alloc_raw(&doc->arena, len + 1 + NFI_TEXT_PAD);
    if (!copy) return nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
    if (len) memcpy(copy, text, len);
    memset(copy + len, 0, 1 + NFI_TEXT_PAD);
    doc->text = doc->work = copy;
    doc->len = len;
    size_t bad = nfi_utf8_validate(copy, len);
    if (bad == len) return NF_OK;
    if (!(flags & NF_EXTRACT_REPLACE_INVALID)) {
        nf_status st = nfi_error_set(err, NF_ERR_UTF8, "", 0, 0,
                                     "invalid UTF-8 at byte %zu (0x%02X)", bad,
                                     (unsigned)(unsigned char)copy[bad]);
        if (err) err->offset = bad;
        return st;
    }
    char *work = nfi_arena_alloc_raw(&doc->arena, len + 1 + NFI_TEXT_PAD);
    if (!work) return nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory");
    memcpy(work, copy, len + 1 + NFI_TEXT_PAD);
    const unsigned char *u = (const unsigned char *)copy;
    size_t i = bad, replaced = 0;
    while (i < len) {
        size_t k = u[i] < 0x80 ? 1 : nfi_utf8_valid_len(u + i, len - i);
        if (!k) {
            work[i] = '?';
            replaced++;
            k = 1;
        }
        i += k;
    }
    doc->work = work;
    nfi_doc_warn(doc, "replaced %zu invalid UTF-8 byte(s); the first at byte %zu", replaced, bad);
    return NF_OK;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

nf_status nfi_dct_normalize(const char *dct, char *out, size_t n)
{
    int y, mo, d, h, mi, s, zh, zm;
    size_t len = strlen(dct);
    if (len < 10 || len > 25 || !digits(dct, 4, &y) || dct[4] != '-' || !digits(dct + 5, 2, &mo) ||
        dct[7] != '-' || !digits(dct + 8, 2, &d))
        return NF_ERR_INVALID;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return NF_ERR_INVALID;
    const char *p = dct + 10;
    if (*p == 'T') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi) || h > 23 || mi > 59)
            return NF_ERR_INVALID;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &s) || s > 59) return NF_ERR_INVALID;
            p += 3;
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            if (!digits(p + 1, 2, &zh) || p[3] != ':' || !digits(p + 4, 2, &zm) || zh > 14 || zm > 59)
                return NF_ERR_INVALID;
            p += 6;
        }
    }
    if (*p) return NF_ERR_INVALID;
    if (len + 1 > n) return NF_ERR_INVALID;
    memcpy(out, dct, len + 1);
    return NF_OK;
}
