/*
 * json.c - the newsfacts/1 JSON serialiser (../shared/spec/output-schema.md).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The writer's appends: the room is checked here (the common case) and
 * grown by nfi_buf_put otherwise. The NUL nfi_buf keeps after its text is
 * left to the last append (nf_doc_to_json's nfi_buf_putc): an append here
 * does not write one. */
static inline void put(nfi_buf *b, const char *s, size_t n)
{
    if (!b->failed && b->len + n < b->cap) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        return;
    }
    nfi_buf_put(b, s, n);
}

#define PUT_LIT(b, lit) put((b), (lit), sizeof(lit) - 1)

/* v in decimal, as printf's %zu writes it: two digits a step. */
static void put_uint(nfi_buf *b, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[20], *p = tmp + sizeof tmp;
    while (v >= 100) {
        p -= 2;
        memcpy(p, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    put(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* Which bytes put_str cannot copy as they are: '"', '\\', control bytes,
 * DEL, and bytes of 0x80 or more (checked as UTF-8). */
static const unsigned char json_special[256] = {
    ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
#define R16(x) [x] = 1, [x + 1] = 1, [x + 2] = 1, [x + 3] = 1, [x + 4] = 1, [x + 5] = 1, \
               [x + 6] = 1, [x + 7] = 1, [x + 8] = 1, [x + 9] = 1, [x + 10] = 1, [x + 11] = 1, \
               [x + 12] = 1, [x + 13] = 1, [x + 14] = 1, [x + 15] = 1
    R16(0x00), R16(0x10), R16(0x80), R16(0x90), R16(0xA0), R16(0xB0),
    R16(0xC0), R16(0xD0), R16(0xE0), R16(0xF0),
#undef R16
};

/* The first byte of u[i, n) that json_special marks, or n: eight bytes a
 * step while eight are left. In a step, a byte is marked when it is below
 * 0x20, equal to '"', '\\' or 0x7f, or has its top bit set; each test's
 * lowest marked byte is exact (a borrow only runs upwards from a byte the
 * test marks), so the lowest over the tests is. */
static size_t special_from(const unsigned char *u, size_t i, size_t n)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, u + i, 8);
        uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);
        /* (v - ones) & ~v & high marks v's zero bytes; ~q, ~bs and ~del have
           ~x's top bits ('"', '\\' and 0x7f are below 0x80), so the ~x
           is shared, and x's own top bits are marked too */
        uint64_t m = ((x - ones * 0x20) | (q - ones) | (bs - ones) | (del - ones) | x) & high;
        if (m) return i + ((size_t)__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && !json_special[u[i]]) i++;
    return i;
}

/* Writes s[0,n) as a JSON string. Bytes that are not valid UTF-8 (possible
 * only with NF_EXTRACT_REPLACE_INVALID) become U+FFFD so the JSON stays valid. */
static void put_str(nfi_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    put(b, "\"", 1);
    size_t run = 0; /* start of bytes not yet written */
    for (size_t i = special_from(u, 0, n); i < n; i = special_from(u, i, n)) {
        unsigned char c = u[i];
        const char *esc;
        size_t elen = 2;
        char ubuf[6];
        if (c >= 0x80) {
            size_t k = nfi_utf8_valid_len(u + i, n - i);
            if (k) {
                i += k;
                continue;
            }
            esc = "\\ufffd";
            elen = 6;
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else { /* below 0x20, or 0x7f */
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex[c >> 4];
            ubuf[5] = hex[c & 15];
            esc = ubuf;
            elen = 6;
        }
        put(b, s + run, i - run);
        put(b, esc, elen);
        i++;
        run = i;
    }
    put(b, s + run, n - run);
    put(b, "\"", 1);
}

static void put_cstr(nfi_buf *b, const char *s)
{
    if (s)
        put_str(b, s, strlen(s));
    else
        PUT_LIT(b, "null");
}

static bool span_set(nf_span s) { return s.start != NF_UNSET && s.end != NF_UNSET; }

/* Item i of an array of spans: {"start":S,"end":E}, after a comma but for
 * the first. */
static void put_start_end(nfi_buf *b, size_t i, nf_span s)
{
    if (i) put(b, ",", 1);
    PUT_LIT(b, "{\"start\":");
    put_uint(b, s.start);
    PUT_LIT(b, ",\"end\":");
    put_uint(b, s.end);
    put(b, "}", 1);
}

/* The opening of fact i of an array: the comma but for the first, then
 * open (up to the id's letter), then the id's number i + 1. */
static void put_id(nfi_buf *b, size_t i, const char *open)
{
    if (i) put(b, ",", 1);
    put(b, open, strlen(open));
    put_uint(b, (uint64_t)i + 1);
}

/* "start":S,"end":E,"text":"..." */
static void put_span_members(nfi_buf *b, const nf_doc *doc, nf_span s)
{
    PUT_LIT(b, "\"start\":");
    put_uint(b, s.start);
    PUT_LIT(b, ",\"end\":");
    put_uint(b, s.end);
    PUT_LIT(b, ",\"text\":");
    put_str(b, doc->text + s.start, s.end - s.start);
}

/* {"start":..,"end":..,"text":..} or null */
static void put_span_object(nfi_buf *b, const nf_doc *doc, nf_span s)
{
    if (!span_set(s)) {
        PUT_LIT(b, "null");
        return;
    }
    nfi_buf_putc(b, '{');
    put_span_members(b, doc, s);
    nfi_buf_putc(b, '}');
}

static void put_meta_field(nfi_buf *b, const nf_doc *doc, const char *name,
                           const nf_meta_field *f, bool with_value)
{
    put(b, "\"", 1);
    put(b, name, strlen(name));
    PUT_LIT(b, "\":");
    if (!span_set(f->span)) {
        PUT_LIT(b, "null");
        return;
    }
    nfi_buf_putc(b, '{');
    put_span_members(b, doc, f->span);
    if (with_value) {
        PUT_LIT(b, ",\"value\":");
        put_cstr(b, f->value);
    }
    nfi_buf_putc(b, '}');
}

static void put_doc(nfi_buf *b, const nf_doc *doc)
{
    static const char *const dct_sources[] = {NULL, "caller", "text"};
    PUT_LIT(b, "\"doc\":{\"id\":");
    put_cstr(b, doc->id);
    PUT_LIT(b, ",\"bytes\":");
    put_uint(b, doc->len);
    PUT_LIT(b, ",\"dct\":");
    put_cstr(b, doc->dct);
    PUT_LIT(b, ",\"dct_source\":");
    put_cstr(b, doc->dct ? dct_sources[doc->dct_source] : NULL);
    PUT_LIT(b, ",\"meta\":{");
    put_meta_field(b, doc, "headline", &doc->meta.headline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "byline", &doc->meta.byline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "dateline", &doc->meta.dateline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "source", &doc->meta.source, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "published", &doc->meta.published, true);
    PUT_LIT(b, "},\"body\":[");
    for (size_t i = 0; i < doc->body.len; i++)
        put_start_end(b, i, doc->body.items[i]);
    PUT_LIT(b, "]}");
}

static void put_flags(nfi_buf *b, uint32_t flags)
{
    if (flags & NF_FACT_OUTSIDE_BODY) PUT_LIT(b, ",\"outside_body\":true");
}

static void put_rule(nfi_buf *b, const char *rule, uint32_t json_flags)
{
    if (!(json_flags & NF_JSON_EXPLAIN)) return;
    PUT_LIT(b, ",\"rule\":");
    put_cstr(b, rule);
}

static void put_entities(nfi_buf *b, const nf_doc *doc, uint32_t jf)
{
    PUT_LIT(b, ",\"entities\":[");
    for (size_t i = 0; i < doc->entities.len; i++) {
        const nf_entity *e = &doc->entities.items[i];
        const char *type = nf_entity_type_name(e->type);
        put_id(b, i, "{\"id\":\"e");
        PUT_LIT(b, "\",\"type\":");
        put_cstr(b, type);
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, e->span);
        if (e->cluster)
        {
            PUT_LIT(b, ",\"cluster\":\"c");
            put_uint(b, e->cluster);
            put(b, "\"", 1);
        }
        else
            PUT_LIT(b, ",\"cluster\":null");
        PUT_LIT(b, ",\"canonical\":");
        put_cstr(b, e->canonical);
        if (span_set(e->role)) {
            PUT_LIT(b, ",\"role\":");
            put_span_object(b, doc, e->role);
        }
        put_flags(b, e->flags);
        put_rule(b, e->rule, jf);
        nfi_buf_putc(b, '}');
    }
    nfi_buf_putc(b, ']');
}

static void put_dates(nfi_buf *b, const nf_doc *doc, uint32_t jf)
{
    PUT_LIT(b, ",\"dates\":[");
    for (size_t i = 0; i < doc->dates.len; i++) {
        const nf_date *d = &doc->dates.items[i];
        put_id(b, i, "{\"id\":\"t");
        PUT_LIT(b, "\",\"type\":");
        put_cstr(b, nf_timex_type_name(d->type));
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, d->span);
        PUT_LIT(b, ",\"value\":");
        put_cstr(b, d->value);
        if (d->mod) {
            PUT_LIT(b, ",\"mod\":");
            put_cstr(b, d->mod);
        }
        put_flags(b, d->flags);
        put_rule(b, d->rule, jf);
        nfi_buf_putc(b, '}');
    }
    nfi_buf_putc(b, ']');
}

static void put_quotes(nfi_buf *b, const nf_doc *doc, uint32_t jf)
{
    PUT_LIT(b, ",\"quotes\":[");
    for (size_t i = 0; i < doc->quotes.len; i++) {
        const nf_quote *q = &doc->quotes.items[i];
        put_id(b, i, "{\"id\":\"q");
        if (q->kind == NF_QUOTE_DIRECT)
            PUT_LIT(b, "\",\"kind\":\"direct\",");
        else
            PUT_LIT(b, "\",\"kind\":\"indirect\",");
        put_span_members(b, doc, q->span);
        PUT_LIT(b, ",\"cue\":");
        put_span_object(b, doc, q->cue);
        PUT_LIT(b, ",\"speaker\":");
        if (span_set(q->speaker)) {
            nfi_buf_putc(b, '{');
            put_span_members(b, doc, q->speaker);
            if (q->speaker_entity >= 0)
            {
                PUT_LIT(b, ",\"entity\":\"e");
                put_uint(b, (uint64_t)q->speaker_entity + 1);
                put(b, "\"", 1);
            }
            else
                PUT_LIT(b, ",\"entity\":null");
            PUT_LIT(b, ",\"canonical\":");
            put_cstr(b, q->canonical);
            nfi_buf_putc(b, '}');
        } else {
            PUT_LIT(b, "null");
        }
        if (q->normalized) {
            PUT_LIT(b, ",\"normalized\":");
            put_cstr(b, q->normalized);
        }
        if (q->flags & NF_QUOTE_UNCLOSED) PUT_LIT(b, ",\"unclosed\":true");
        if (q->flags & NF_QUOTE_BLOCK) PUT_LIT(b, ",\"block\":true");
        put_flags(b, q->flags);
        put_rule(b, q->rule, jf);
        nfi_buf_putc(b, '}');
    }
    nfi_buf_putc(b, ']');
}

static void put_tokens(nfi_buf *b, const nf_doc *doc)
{
    static const char *const kinds[] = {"?", "word", "number", "punct", "symbol", "quote", "url", "email"};
    size_t n = nf_doc_count(doc, NF_KIND_TOKEN);
    const nf_token *toks = n ? nfi_doc_public_tokens(doc) : NULL;
    if (n && !toks) {
        b->failed = true; /* not expected: their room was reserved */
        return;
    }
    PUT_LIT(b, ",\"tokens\":[");
    for (size_t i = 0; i < n; i++) {
        const nf_token *t = &toks[i];
        const char *kind = t->kind < 8 ? kinds[t->kind] : "?";
        if (i) put(b, ",", 1);
        PUT_LIT(b, "{\"start\":");
        put_uint(b, t->span.start);
        PUT_LIT(b, ",\"end\":");
        put_uint(b, t->span.end);
        PUT_LIT(b, ",\"kind\":\"");
        put(b, kind, strlen(kind));
        PUT_LIT(b, "\",\"norm\":");
        put_cstr(b, nf_doc_form(doc, t->norm));
        PUT_LIT(b, ",\"shape\":");
        put_cstr(b, nf_doc_form(doc, t->shape));
        PUT_LIT(b, ",\"flags\":");
        put_uint(b, t->flags);
        put(b, "}", 1);
    }
    nfi_buf_putc(b, ']');
}

static void put_annotations(nfi_buf *b, const nf_doc *doc)
{
    PUT_LIT(b, ",\"annotations\":[");
    size_t n = nf_doc_count(doc, NF_KIND_ANNOTATION);
    const nf_annotation *anns = n ? nfi_doc_public_annotations(doc) : NULL;
    for (size_t i = 0; i < n; i++) {
        const nf_annotation *a = &anns[i];
        if (i) put(b, ",", 1);
        PUT_LIT(b, "{\"type\":");
        put_cstr(b, a->type);
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, a->span);
        PUT_LIT(b, ",\"rule\":");
        put_cstr(b, a->rule);
        PUT_LIT(b, ",\"phase\":");
        put_cstr(b, a->phase);
        nfi_buf_putc(b, '}');
    }
    nfi_buf_putc(b, ']');
}

/* Re-indents compact JSON: two spaces a level; arrays of numbers and short
 * objects stay on one line. */
static void pretty(nfi_buf *out, const char *s, size_t n)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            nfi_buf_putc(out, c);
            if (c == '\\' && i + 1 < n)
                nfi_buf_putc(out, s[++i]);
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            nfi_buf_putc(out, c);
            break;
        case '{':
        case '[':
            if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
                nfi_buf_putc(out, c);
                nfi_buf_putc(out, s[++i]);
                break;
            }
            nfi_buf_putc(out, c);
            depth++;
            nfi_buf_putc(out, '\n');
            for (int k = 0; k < depth; k++) nfi_buf_puts(out, "  ");
            break;
        case '}':
        case ']':
            depth--;
            nfi_buf_putc(out, '\n');
            for (int k = 0; k < depth; k++) nfi_buf_puts(out, "  ");
            nfi_buf_putc(out, c);
            break;
        case ',':
            nfi_buf_puts(out, ",\n");
            for (int k = 0; k < depth; k++) nfi_buf_puts(out, "  ");
            break;
        case ':':
            nfi_buf_puts(out, ": ");
            break;
        default:
            nfi_buf_putc(out, c);
        }
    }
}

char *nf_doc_to_json(const nf_doc *doc, uint32_t flags, size_t *len, nf_error *err)
{
    if (len) *len = 0;
    if (!doc) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_doc_to_json: doc is NULL");
        return NULL;
    }
    nfi_buf b = {0};
    PUT_LIT(&b, "{\"schema\":\"newsfacts/1\",");
    put_doc(&b, doc);
    PUT_LIT(&b, ",\"sentences\":[");
    for (size_t i = 0; i < doc->sentences.len; i++) put_start_end(&b, i, doc->sentences.items[i].span);
    nfi_buf_putc(&b, ']');
    put_entities(&b, doc, flags);
    put_dates(&b, doc, flags);
    put_quotes(&b, doc, flags);
    if (doc->warnings.len) {
        PUT_LIT(&b, ",\"warnings\":[");
        for (size_t i = 0; i < doc->warnings.len; i++) {
            if (i) nfi_buf_putc(&b, ',');
            put_cstr(&b, doc->warnings.items[i]);
        }
        nfi_buf_putc(&b, ']');
    }
    if (flags & NF_JSON_TOKENS) put_tokens(&b, doc);
    if (flags & NF_JSON_ANNOTATIONS) put_annotations(&b, doc);
    nfi_buf_putc(&b, '}');
    if (!b.failed && (flags & NF_JSON_PRETTY)) {
        nfi_buf p = {0};
        pretty(&p, b.data, b.len);
        nfi_buf_free(&b);
        b = p;
    }
    if (b.failed) {
        nfi_buf_free(&b);
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory while writing JSON");
        return NULL;
    }
    if (len) *len = b.len;
    return b.data;
}
