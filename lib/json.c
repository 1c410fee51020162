/*
 * json.c - the newsfacts/1 JSON serialiser (../shared/spec/output-schema.md).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Writes s[0,n) as a JSON string. Bytes that are not valid UTF-8 (possible
 * only with NF_EXTRACT_REPLACE_INVALID) become U+FFFD so the JSON stays valid. */
static void put_str(nfi_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    nfi_buf_putc(b, '"');
    size_t run = 0; /* start of bytes not yet written */
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        const char *esc = NULL;
        char ubuf[7];
        size_t k = 1;
        if (c >= 0x80) {
            k = nfi_utf8_valid_len(u + i, n - i);
            if (k) {
                i += k;
                continue;
            }
            esc = "\\ufffd";
            k = 1;
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
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex[c >> 4];
            ubuf[5] = hex[c & 15];
            ubuf[6] = '\0';
            esc = ubuf;
        } else {
            i++;
            continue;
        }
        nfi_buf_put(b, s + run, i - run);
        nfi_buf_puts(b, esc);
        i += k;
        run = i;
    }
    nfi_buf_put(b, s + run, n - run);
    nfi_buf_putc(b, '"');
}

static void put_cstr(nfi_buf *b, const char *s)
{
    if (s)
        put_str(b, s, strlen(s));
    else
        nfi_buf_puts(b, "null");
}

static bool span_set(nf_span s) { return s.start != NF_UNSET && s.end != NF_UNSET; }

/* "start":S,"end":E,"text":"..." */
static void put_span_members(nfi_buf *b, const nf_doc *doc, nf_span s)
{
    nfi_buf_printf(b, "\"start\":%zu,\"end\":%zu,\"text\":", s.start, s.end);
    put_str(b, doc->text + s.start, s.end - s.start);
}

/* {"start":..,"end":..,"text":..} or null */
static void put_span_object(nfi_buf *b, const nf_doc *doc, nf_span s)
{
    if (!span_set(s)) {
        nfi_buf_puts(b, "null");
        return;
    }
    nfi_buf_putc(b, '{');
    put_span_members(b, doc, s);
    nfi_buf_putc(b, '}');
}

static void put_meta_field(nfi_buf *b, const nf_doc *doc, const char *name,
                           const nf_meta_field *f, bool with_value)
{
    nfi_buf_printf(b, "\"%s\":", name);
    if (!span_set(f->span)) {
        nfi_buf_puts(b, "null");
        return;
    }
    nfi_buf_putc(b, '{');
    put_span_members(b, doc, f->span);
    if (with_value) {
        nfi_buf_puts(b, ",\"value\":");
        put_cstr(b, f->value);
    }
    nfi_buf_putc(b, '}');
}

static void put_doc(nfi_buf *b, const nf_doc *doc)
{
    static const char *const dct_sources[] = {NULL, "caller", "text"};
    nfi_buf_puts(b, "\"doc\":{\"id\":");
    put_cstr(b, doc->id);
    nfi_buf_printf(b, ",\"bytes\":%zu,\"dct\":", doc->len);
    put_cstr(b, doc->dct);
    nfi_buf_puts(b, ",\"dct_source\":");
    put_cstr(b, doc->dct ? dct_sources[doc->dct_source] : NULL);
    nfi_buf_puts(b, ",\"meta\":{");
    put_meta_field(b, doc, "headline", &doc->meta.headline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "byline", &doc->meta.byline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "dateline", &doc->meta.dateline, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "source", &doc->meta.source, false);
    nfi_buf_putc(b, ',');
    put_meta_field(b, doc, "published", &doc->meta.published, true);
    nfi_buf_puts(b, "},\"body\":[");
    for (size_t i = 0; i < doc->body.len; i++)
        nfi_buf_printf(b, "%s{\"start\":%zu,\"end\":%zu}", i ? "," : "",
                       doc->body.items[i].start, doc->body.items[i].end);
    nfi_buf_puts(b, "]}");
}

static void put_flags(nfi_buf *b, uint32_t flags)
{
    if (flags & NF_FACT_OUTSIDE_BODY) nfi_buf_puts(b, ",\"outside_body\":true");
}

static void put_rule(nfi_buf *b, const char *rule, uint32_t json_flags)
{
    if (!(json_flags & NF_JSON_EXPLAIN)) return;
    nfi_buf_puts(b, ",\"rule\":");
    put_cstr(b, rule);
}

static void put_entities(nfi_buf *b, const nf_doc *doc, uint32_t jf)
{
    nfi_buf_puts(b, ",\"entities\":[");
    for (size_t i = 0; i < doc->entities.len; i++) {
        const nf_entity *e = &doc->entities.items[i];
        const char *type = nf_entity_type_name(e->type);
        nfi_buf_printf(b, "%s{\"id\":\"e%zu\",\"type\":", i ? "," : "", i + 1);
        put_cstr(b, type);
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, e->span);
        if (e->cluster)
            nfi_buf_printf(b, ",\"cluster\":\"c%u\"", e->cluster);
        else
            nfi_buf_puts(b, ",\"cluster\":null");
        nfi_buf_puts(b, ",\"canonical\":");
        put_cstr(b, e->canonical);
        if (span_set(e->role)) {
            nfi_buf_puts(b, ",\"role\":");
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
    nfi_buf_puts(b, ",\"dates\":[");
    for (size_t i = 0; i < doc->dates.len; i++) {
        const nf_date *d = &doc->dates.items[i];
        nfi_buf_printf(b, "%s{\"id\":\"t%zu\",\"type\":", i ? "," : "", i + 1);
        put_cstr(b, nf_timex_type_name(d->type));
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, d->span);
        nfi_buf_puts(b, ",\"value\":");
        put_cstr(b, d->value);
        if (d->mod) {
            nfi_buf_puts(b, ",\"mod\":");
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
    nfi_buf_puts(b, ",\"quotes\":[");
    for (size_t i = 0; i < doc->quotes.len; i++) {
        const nf_quote *q = &doc->quotes.items[i];
        nfi_buf_printf(b, "%s{\"id\":\"q%zu\",\"kind\":\"%s\",", i ? "," : "", i + 1,
                       q->kind == NF_QUOTE_DIRECT ? "direct" : "indirect");
        put_span_members(b, doc, q->span);
        nfi_buf_puts(b, ",\"cue\":");
        put_span_object(b, doc, q->cue);
        nfi_buf_puts(b, ",\"speaker\":");
        if (span_set(q->speaker)) {
            nfi_buf_putc(b, '{');
            put_span_members(b, doc, q->speaker);
            if (q->speaker_entity >= 0)
                nfi_buf_printf(b, ",\"entity\":\"e%lld\"", (long long)q->speaker_entity + 1);
            else
                nfi_buf_puts(b, ",\"entity\":null");
            nfi_buf_puts(b, ",\"canonical\":");
            put_cstr(b, q->canonical);
            nfi_buf_putc(b, '}');
        } else {
            nfi_buf_puts(b, "null");
        }
        if (q->normalized) {
            nfi_buf_puts(b, ",\"normalized\":");
            put_cstr(b, q->normalized);
        }
        if (q->flags & NF_QUOTE_UNCLOSED) nfi_buf_puts(b, ",\"unclosed\":true");
        if (q->flags & NF_QUOTE_BLOCK) nfi_buf_puts(b, ",\"block\":true");
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
    nfi_buf_puts(b, ",\"tokens\":[");
    for (size_t i = 0; i < n; i++) {
        const nf_token *t = &toks[i];
        nfi_buf_printf(b, "%s{\"start\":%zu,\"end\":%zu,\"kind\":\"%s\",\"norm\":", i ? "," : "",
                       t->span.start, t->span.end, t->kind < 8 ? kinds[t->kind] : "?");
        put_cstr(b, nf_doc_form(doc, t->norm));
        nfi_buf_puts(b, ",\"shape\":");
        put_cstr(b, nf_doc_form(doc, t->shape));
        nfi_buf_printf(b, ",\"flags\":%u}", t->flags);
    }
    nfi_buf_putc(b, ']');
}

static void put_annotations(nfi_buf *b, const nf_doc *doc)
{
    nfi_buf_puts(b, ",\"annotations\":[");
    size_t n = nf_doc_count(doc, NF_KIND_ANNOTATION);
    const nf_annotation *anns = n ? nfi_doc_public_annotations(doc) : NULL;
    for (size_t i = 0; i < n; i++) {
        const nf_annotation *a = &anns[i];
        nfi_buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
        put_cstr(b, a->type);
        nfi_buf_putc(b, ',');
        put_span_members(b, doc, a->span);
        nfi_buf_puts(b, ",\"rule\":");
        put_cstr(b, a->rule);
        nfi_buf_puts(b, ",\"phase\":");
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
    nfi_buf_puts(&b, "{\"schema\":\"newsfacts/1\",");
    put_doc(&b, doc);
    nfi_buf_puts(&b, ",\"sentences\":[");
    for (size_t i = 0; i < doc->sentences.len; i++)
        nfi_buf_printf(&b, "%s{\"start\":%zu,\"end\":%zu}", i ? "," : "",
                       doc->sentences.items[i].span.start, doc->sentences.items[i].span.end);
    nfi_buf_putc(&b, ']');
    put_entities(&b, doc, flags);
    put_dates(&b, doc, flags);
    put_quotes(&b, doc, flags);
    if (doc->warnings.len) {
        nfi_buf_puts(&b, ",\"warnings\":[");
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
