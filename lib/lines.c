/*
 * lines.c - the first stage after input: lines and paragraphs.
 *
 * A line is the span between line ends (\n, \r\n or a lone \r), the line
 * end itself excluded. A byte order mark at the very start of the text
 * belongs to no line. Text after the last line end forms a last line; a
 * text that ends with a line end has no empty line after it.
 *
 * A line is blank when it holds only white space (ASCII spaces and tabs,
 * form feeds, NO-BREAK SPACE, the Unicode space separators, zero-width
 * space and ZWNBSP). A paragraph is a maximal run of non-blank lines; its
 * span runs from its first to its last non-space byte, so indentation and
 * trailing spaces are not part of it. A line records only its span (the
 * array lives until the structure stage, its one reader): a paragraph's
 * lines are the nf_paragraph.lines ones from the line its span starts on.
 *
 * HTML input (NF_EXTRACT_HTML, or detected) is first projected by html.c
 * into a text of the same length, whose lines follow the page's blocks.
 *
 * Scraped pages often put one paragraph on each line without blank lines
 * between; such a run is still one paragraph here (it is what the text
 * says), and structure.c decides per line whether a paragraph is wrapped
 * prose or a stack of separate blocks (docs/structure.md).
 */
#include <string.h>

#include "html.h"
#include "internal.h"

/* Length of the white-space character at s[i] (0 when none). */
static size_t space_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') return 1;
    if (c < 0x80) return 0;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) return 2; /* U+00A0 */
    if (i + 2 >= n) return 0;
    unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
    if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8B || c2 == 0xAF)) return 3; /* U+2000-200B, 202F */
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;                  /* U+205F */
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;                  /* U+3000 */
    if (c == 0xEF && c1 == 0xBB && c2 == 0xBF) return 3;                  /* U+FEFF */
    return 0;
}

/* First and last+1 non-space bytes of s[start, end); *b == *e when blank. */
static void trim(const char *s, size_t start, size_t end, size_t *b, size_t *e)
{
    size_t i = start;
    while (i < end) {
        size_t k = space_len(s, end, i);
        if (!k) break;
        i += k;
    }
    *b = i;
    /* The common line ends with ASCII other than white space: the scan
       below ends there, since a step over more than one byte that takes in
       that byte ends at it, unless it is a space. Of the spaces space_len
       knows, only "\xE2\x80" and a third byte up to 0x8B can end in ASCII
       (in text that is not UTF-8): such a lead two bytes before goes the
       long way. */
    if (i < end) {
        unsigned char z = (unsigned char)s[end - 1];
        if (z < 0x80 && z != ' ' && z != '\t' && z != '\f' && z != '\v' &&
            (end < i + 3 || (unsigned char)s[end - 3] != 0xE2)) {
            *e = end;
            return;
        }
        /* Else the line's end without its trailing spaces as the scan
           reads them (ASCII white space, NO-BREAK SPACE), when the scan
           surely reads the character before them as one: it starts at p
           after three ASCII bytes (a character of n bytes takes in at most
           n - 1 after its first, which is not ASCII), is no space, and is
           read as ending where the spaces begin. */
        size_t x = end;
        for (;;) {
            if (x > i && (s[x - 1] == ' ' || s[x - 1] == '\t' || s[x - 1] == '\f' || s[x - 1] == '\v'))
                x--;
            else if (x >= i + 2 && (unsigned char)s[x - 2] == 0xC2 && (unsigned char)s[x - 1] == 0xA0)
                x -= 2;
            else
                break;
        }
        size_t p = x > i ? x - 1 : i;
        while (p > i && x - p < 4 && ((unsigned char)s[p] & 0xC0) == 0x80) p--;
        if (x > i && (p < i + 1 || (unsigned char)s[p - 1] < 0x80) &&
            (p < i + 2 || (unsigned char)s[p - 2] < 0x80) && (p < i + 3 || (unsigned char)s[p - 3] < 0x80)) {
            unsigned char c = (unsigned char)s[p];
            size_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            if (p + step > end) step = end - p;
            if (p + step == x && (c < 0x80 ? c > ' ' : !space_len(s, end, p))) {
                *e = x;
                return;
            }
        }
    }
    size_t last = i; /* end of the last non-space character seen */
    while (i < end) {
        if ((unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x80) { /* the common case */
            last = ++i;
            continue;
        }
        size_t k = space_len(s, end, i);
        if (k) {
            i += k;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        size_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + step > end) step = end - i;
        i += step;
        last = i;
    }
    *e = last;
}

nf_status nfi_lines_split(nf_doc *doc)
{
    if (doc->len && nfi_html_is(doc)) { /* HTML: split the same-length text projection */
        nf_status st = nfi_html_project(doc);
        if (st != NF_OK) return st;
    }
    const char *s = doc->work;
    size_t n = doc->len;
    size_t i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    bool in_para = false;
    bool nl_known = false, cr_known = false;
    size_t next_nl = 0; /* when nl_known and >= i: the first '\n' at or after i, or n */
    size_t next_cr = 0; /* the same for '\r': one search for a text without any */
    while (i < n) {
        size_t start = i;
        if (!nl_known || next_nl < i) { /* kept across lines: a text of lone \r stays linear */
            const char *nl = memchr(s + i, '\n', n - i);
            next_nl = nl ? (size_t)(nl - s) : n;
            nl_known = true;
        }
        if (!cr_known || next_cr < i) {
            const char *cr = memchr(s + i, '\r', n - i);
            next_cr = cr ? (size_t)(cr - s) : n;
            cr_known = true;
        }
        i = next_cr < next_nl ? next_cr : next_nl;
        size_t end = i;
        if (i < n) {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i += 2;
            else
                i++;
        }
        nfi_line *ln = nfi_vec_push(&doc->lines);
        if (!ln) return NF_ERR_NOMEM;
        ln->span.start = start;
        ln->span.end = end;
        size_t b, e;
        trim(s, start, end, &b, &e);
        if (b == e) {
            in_para = false;
            continue;
        }
        if (!in_para) {
            nf_paragraph *p = nfi_vec_push(&doc->paragraphs);
            if (!p) return NF_ERR_NOMEM;
            p->span.start = b;
            p->lines = 0;
            in_para = true;
        }
        nf_paragraph *p = &doc->paragraphs.items[doc->paragraphs.len - 1];
        p->span.end = e;
        p->lines++;
    }
    return NF_OK;
}
