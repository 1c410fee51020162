/*
 * html.c - HTML input. The page is parsed with libxml2's HTML parser (a
 * SAX pass: Debian's libxml2, maintained, error-tolerant, the parser of
 * many browsers' and tools' HTML handling), and projected into a working
 * text of the SAME LENGTH as the input: every byte of text stays where it
 * is, so all later stages keep reporting offsets into the caller's HTML.
 *
 *  - markup, comments, and the content of script, style, noscript,
 *    template, svg, nav, aside, footer, form, iframe, button, select
 *    become spaces;
 *  - a block element's tags (p, div, h1-h6, li, br, title, ...) become line
 *    ends, so paragraphs and lines follow the page's blocks;
 *  - white space inside text becomes spaces (HTML collapses it);
 *  - a character reference (&amp; &rsquo; &#8217;) is decoded at its '&';
 *    the bytes it frees are padded with spaces, or inside a word (a letter
 *    between letters: "caf&eacute;s") with invisible format characters
 *    (SOFT HYPHEN, WORD JOINER), which word segmentation ignores. An
 *    apostrophe ("Trump&rsquo;s") gets spaces: "Trump’" + "s" tokenize as
 *    the tokenizer splits a possessive.
 *
 * The parser's byte position (input->cur) after each event gives the end
 * of the raw bytes behind it; text events without references are the raw
 * bytes themselves (checked), and a tag starts at the last '<' before its
 * end. libxml2 is told the input is UTF-8 (ignoring any <meta charset>),
 * since the library validated it as such.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "html.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

bool nfi_html_is(const nf_doc *doc)
{
    if (doc->extract_flags & NF_EXTRACT_HTML) return true;
    if (doc->extract_flags & NF_EXTRACT_PLAIN) return false;
    const char *s = doc->text;
    size_t n = doc->len, i = 0;
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        size_t m = strlen(starts[k]);
        if (n - i < m) continue;
        bool eq = true;
        for (size_t j = 0; j < m && eq; j++) {
            char c = s[i + j];
            if (c >= 'A' && c <= 'Z') c = (char)(c | 32);
            eq = c == starts[k][j];
        }
        if (!eq) continue;
        if (k < 4) return true;
        /* a comment first: look for <html or <body in the first 4 KB */
        size_t lim = n - i < 4096 ? n : i + 4096;
        for (size_t j = i; j + 5 <= lim; j++)
            if (s[j] == '<' && (strncmp(s + j, "<html", 5) == 0 || strncmp(s + j, "<body", 5) == 0 ||
                                strncmp(s + j, "<HTML", 5) == 0 || strncmp(s + j, "<BODY", 5) == 0))
                return true;
    }
    return false;
}

/* ------------------------------------------------------------ the SAX pass */

typedef struct hstate {
    htmlParserCtxtPtr ctxt;
    const char *src; /* what the parser reads (doc->work before projection) */
    size_t len;
    char *out;       /* projection, or NULL when only meta is wanted */
    size_t prev;     /* end of the previous event */
    int skip;        /* depth inside skipped elements */
    int in_title, in_h1, in_author;
    int h1_done, title_done;
    nfi_html_meta *meta;
} hstate;

static size_t hpos(const hstate *h)
{
    const xmlParserInputPtr in = h->ctxt->input;
    if (!in || !in->cur || !in->base) return h->prev;
    size_t p = (size_t)(in->cur - in->base) + (size_t)in->consumed;
    return p > h->len ? h->len : p;
}

static bool name_in(const xmlChar *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0) return true;
    return false;
}

static const char *const skipped[] = {"script", "style", "noscript", "template", "svg", "nav",
                                      "aside", "footer", "form", "iframe", "button", "select",
                                      "object", "canvas"};
static const char *const blocks[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "br",
    "hr", "tr", "td", "th", "table", "section", "article", "header", "main", "blockquote",
    "pre", "figure", "figcaption", "title", "address", "summary", "details", "body", "head",
    "caption", "time"};

/* Start of the tag that ends at end: the last '<' after the previous event. */
static size_t tag_start(const hstate *h, size_t end)
{
    for (size_t i = end; i > h->prev; i--)
        if (h->src[i - 1] == '<') return i - 1;
    return NF_UNSET;
}

static void grow(nf_span *sp, size_t s, size_t e)
{
    if (sp->start == NF_UNSET) {
        sp->start = s;
        sp->end = e;
    } else if (e > sp->end) {
        sp->end = e;
    }
}

/* The raw position of attribute value v inside the tag [ts, te). */
static nf_span attr_span(const hstate *h, size_t ts, size_t te, const xmlChar *v)
{
    nf_span none = {NF_UNSET, NF_UNSET};
    size_t n = (size_t)xmlStrlen(v);
    if (!n || ts == NF_UNSET || te - ts < n) return none;
    for (size_t i = ts; i + n <= te; i++)
        if (memcmp(h->src + i, v, n) == 0 && i > ts && (h->src[i - 1] == '"' || h->src[i - 1] == '\'' || h->src[i - 1] == '=')) {
            nf_span sp = {i, i + n};
            return sp;
        }
    return none;
}

static const xmlChar *attr(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (xmlStrcasecmp(atts[i], (const xmlChar *)name) == 0) return atts[i + 1];
    return NULL;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    hstate *h = ((htmlParserCtxtPtr)ctx)->_private;
    size_t cur = hpos(h), ts = tag_start(h, cur);
    if (h->skip || name_in(name, skipped, sizeof skipped / sizeof skipped[0])) {
        h->skip++;
        h->prev = cur;
        return;
    }
    if (h->out && ts != NF_UNSET && name_in(name, blocks, sizeof blocks / sizeof blocks[0])) {
        h->out[ts] = '\n';
        if (ts + 1 < cur && xmlStrcasecmp(name, (const xmlChar *)"br") != 0) h->out[ts + 1] = '\n';
    }
    if (h->meta) {
        nfi_html_meta *m = h->meta;
        if (xmlStrcasecmp(name, (const xmlChar *)"title") == 0 && !h->title_done) h->in_title = 1;
        if (xmlStrcasecmp(name, (const xmlChar *)"h1") == 0 && !h->h1_done) h->in_h1 = 1;
        if (xmlStrcasecmp(name, (const xmlChar *)"meta") == 0) {
            const xmlChar *p = attr(atts, "property");
            if (!p) p = attr(atts, "name");
            if (!p) p = attr(atts, "itemprop");
            const xmlChar *c = attr(atts, "content");
            if (p && c) {
                static const char *const pub[] = {"article:published_time", "og:published_time",
                                                  "datepublished", "pubdate", "publishdate",
                                                  "dc.date.issued", "dc.date", "date"};
                if (m->published.start == NF_UNSET && name_in(p, pub, sizeof pub / sizeof pub[0]))
                    m->published = attr_span(h, ts, cur, c);
                if (m->author.start == NF_UNSET && xmlStrcasecmp(p, (const xmlChar *)"author") == 0)
                    m->author = attr_span(h, ts, cur, c);
            }
        }
        if (xmlStrcasecmp(name, (const xmlChar *)"time") == 0 && m->published.start == NF_UNSET) {
            const xmlChar *d = attr(atts, "datetime");
            if (d) m->published = attr_span(h, ts, cur, d);
        }
        const xmlChar *rel = attr(atts, "rel"), *cls = attr(atts, "class");
        if (m->author.start == NF_UNSET && !h->in_author &&
            ((rel && xmlStrcasecmp(rel, (const xmlChar *)"author") == 0) ||
             (cls && (xmlStrcasestr(cls, (const xmlChar *)"byline") ||
                      xmlStrcasestr(cls, (const xmlChar *)"author")))))
            h->in_author = 1;
        else if (h->in_author)
            h->in_author++;
    }
    h->prev = cur;
}

static void on_end(void *ctx, const xmlChar *name)
{
    hstate *h = ((htmlParserCtxtPtr)ctx)->_private;
    size_t cur = hpos(h), ts = tag_start(h, cur);
    if (h->skip) {
        h->skip--;
        h->prev = cur;
        return;
    }
    if (h->out && ts != NF_UNSET && name_in(name, blocks, sizeof blocks / sizeof blocks[0])) {
        h->out[ts] = '\n';
        if (ts + 1 < cur) h->out[ts + 1] = '\n';
    }
    if (h->meta) {
        if (xmlStrcasecmp(name, (const xmlChar *)"title") == 0 && h->in_title) {
            h->in_title = 0;
            h->title_done = 1;
        }
        if (xmlStrcasecmp(name, (const xmlChar *)"h1") == 0 && h->in_h1) {
            h->in_h1 = 0;
            h->h1_done = h->meta->h1.start != NF_UNSET;
        }
        if (h->in_author) h->in_author--;
    }
    h->prev = cur;
}

static void pad(char *o, size_t n, bool in_word)
{
    /* SOFT HYPHEN (2 bytes) and WORD JOINER (3 bytes) fill any n >= 2 */
    while (in_word && n >= 2) {
        if (n == 3 || n >= 5) {
            memcpy(o, "\xE2\x81\xA0", 3);
            o += 3, n -= 3;
        } else {
            memcpy(o, "\xC2\xAD", 2);
            o += 2, n -= 2;
        }
    }
    memset(o, ' ', n);
}

static bool word_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 0x80 || (u >= '0' && u <= '9') || ((u | 32) >= 'a' && (u | 32) <= 'z');
}

static bool ascii_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/* The text bytes [from, to) of the page as they are, its white space as
 * spaces. */
static void copy_raw(hstate *h, size_t from, size_t to)
{
    for (size_t i = from; h->out && i < to; i++) {
        char c = h->src[i];
        h->out[i] = (c == '\n' || c == '\r' || c == '\t' || c == '\f') ? ' ' : c;
    }
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    hstate *h = ((htmlParserCtxtPtr)ctx)->_private;
    size_t cur = hpos(h), n = (size_t)len;
    if (h->skip) {
        h->prev = cur;
        return;
    }
    size_t a = NF_UNSET; /* raw start */
    if (n <= cur - h->prev && memcmp(h->src + cur - n, ch, n) == 0) {
        a = cur - n;
        copy_raw(h, a, cur);
    } else {
        /* a character reference: decoded at its '&' */
        for (size_t i = cur; i > h->prev; i--)
            if (h->src[i - 1] == '&') {
                a = i - 1;
                break;
            }
        if (a != NF_UNSET && !ascii_only(h->src + a, cur - a)) {
            /* not a reference (those are ASCII): the parser dropped or
             * changed bytes of its own ("&#e" then a control character);
             * the raw bytes stay, so that every character keeps its place */
            copy_raw(h, h->prev, cur);
            a = NF_UNSET;
        } else if (a != NF_UNSET && h->out && n <= cur - a) {
            /* the character sticks to the word it touches: after a word it
             * goes first ("council&rsquo;s", "said,&rdquo;"), before one last
             * ("&ldquo;We"), so a quote's span excludes the whole reference */
            bool after_word = a > 0 && word_byte(h->out[a - 1]);
            bool before_word = cur < h->len && word_byte(h->src[cur]);
            if (!after_word && before_word) {
                pad(h->out + a, cur - a - n, false);
                memcpy(h->out + cur - n, ch, n);
            } else {
                /* an apostrophe splits like the tokenizer splits "Trump's" */
                bool apos = (n == 1 && ch[0] == '\'') ||
                            (n == 3 && memcmp(ch, "\xE2\x80\x99", 3) == 0) ||
                            (n == 3 && memcmp(ch, "\xE2\x80\x98", 3) == 0) ||
                            (n == 2 && memcmp(ch, "\xCA\xBC", 2) == 0);
                memcpy(h->out + a, ch, n);
                pad(h->out + a + n, cur - a - n, after_word && before_word && !apos);
            }
            for (size_t i = a; i < cur; i++) /* a decoded line end is a space */
                if (h->out[i] == '\n' || h->out[i] == '\t' || h->out[i] == '\r') h->out[i] = ' ';
        }
    }
    if (h->meta && a != NF_UNSET) {
        bool blank = true;
        for (size_t i = 0; i < n && blank; i++)
            blank = ch[i] == ' ' || ch[i] == '\n' || ch[i] == '\t' || ch[i] == '\r';
        if (!blank) {
            if (h->in_title) grow(&h->meta->title, a, cur);
            if (h->in_h1) grow(&h->meta->h1, a, cur);
            if (h->in_author) grow(&h->meta->author, a, cur);
        }
    }
    h->prev = cur;
}

static nf_status sax_pass(const char *src, size_t len, char *out, nfi_html_meta *meta)
{
    if (len > (size_t)INT_MAX / 2) return NF_OK; /* too large for the parser: text */
    pthread_once(&xml_once, xml_init);
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) return NF_ERR_NOMEM;
    hstate h;
    memset(&h, 0, sizeof h);
    h.ctxt = ctxt;
    h.src = src;
    h.len = len;
    h.out = out;
    h.meta = meta;
    ctxt->_private = &h;
    htmlSAXHandler *sax = (htmlSAXHandler *)ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->startElement = on_start;
    sax->endElement = on_end;
    sax->characters = on_chars;
    sax->cdataBlock = on_chars;
    htmlDocPtr d = htmlCtxtReadMemory(ctxt, src, (int)len, NULL, "UTF-8",
                                      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                          HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED |
                                          HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
    if (d) xmlFreeDoc(d);
    htmlFreeParserCtxt(ctxt);
    return NF_OK;
}

nf_status nfi_html_project(nf_doc *doc)
{
    char *out = nfi_arena_alloc(&doc->arena, doc->len + 1 + NFI_TEXT_PAD); /* zeroed */
    if (!out) return NF_ERR_NOMEM;
    memset(out, ' ', doc->len);
    nf_status st = sax_pass(doc->work, doc->len, out, NULL);
    if (st != NF_OK) return st;
    /* a BOM stays (lines.c skips it) */
    if (doc->len >= 3 && memcmp(doc->work, "\xEF\xBB\xBF", 3) == 0) memcpy(out, doc->work, 3);
    doc->work = out;
    return NF_OK;
}

nf_status nfi_html_meta_get(const nf_doc *doc, nfi_html_meta *m)
{
    nf_span none = {NF_UNSET, NF_UNSET};
    m->title = m->h1 = m->published = m->author = none;
    /* the raw HTML (the projection has no tags left); not when it holds
     * invalid UTF-8, which the parser would read in another encoding */
    if (nfi_utf8_validate(doc->text, doc->len) != doc->len) return NF_OK;
    return sax_pass(doc->text, doc->len, NULL, m);
}
