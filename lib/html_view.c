/*
 * html_view.c - one self-contained HTML page per document: the text with
 * entities, dates and quotes marked, clutter greyed out, and a side panel
 * of people, quotes by speaker and a timeline. Inline CSS and a little
 * vanilla JavaScript; no network access; everything from the text escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One marked span: the page nests them by splitting where they cross. */
typedef struct mark {
    nf_span span;
    int kind;      /* MARK_* */
    size_t index;  /* into entities, dates, quotes or body gaps */
} mark;

enum { MARK_CLUTTER = 0, MARK_QUOTE = 1, MARK_ENTITY = 2, MARK_DATE = 3 };

static void esc(nfi_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = "&#xFFFD;"; break;
        default: continue;
        }
        nfi_buf_put(b, s + run, i - run);
        nfi_buf_puts(b, rep);
        run = i + 1;
    }
    nfi_buf_put(b, s + run, n - run);
}

static void esc_str(nfi_buf *b, const char *s)
{
    if (s) esc(b, s, strlen(s));
}

/* Text of the working copy (valid UTF-8 even where the input was not). */
static void esc_span(nfi_buf *b, const nf_doc *doc, nf_span s)
{
    esc(b, doc->work + s.start, s.end - s.start);
}

static const char STYLE[] =
    "body{font:15px/1.55 system-ui,sans-serif;margin:0;display:flex;color:#222}"
    "main{flex:3;padding:1.5em 2em;white-space:pre-wrap;max-width:52em}"
    "aside{flex:2;padding:1em 1.5em;background:#f6f6f3;border-left:1px solid #ddd;"
    "white-space:normal;min-width:18em}"
    "h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.2em}"
    ".ent{border-radius:3px;padding:0 2px}"
    ".PERSON{background:#fde2b8}.ORG{background:#cfe3fb}.GPE{background:#d4f0d0}"
    ".LOC{background:#e3f5c4}.FAC{background:#f3d7f2}.NORP{background:#fff3a8}"
    ".EVENT{background:#f8cfcf}"
    ".date{border-bottom:2px dotted #8a5cc7}"
    ".quote{border-bottom:2px solid var(--c,#999)}"
    ".clutter{color:#aaa}"
    ".lit{outline:2px solid #e0402a}"
    ".legend span{margin-right:.6em;padding:0 4px;border-radius:3px}"
    "li{margin-bottom:.4em}.role{color:#666;font-size:.9em}"
    ".q{border-left:4px solid var(--c,#999);padding-left:.5em}";

static const char SCRIPT[] =
    "document.querySelectorAll('[data-cluster]').forEach(function(e){"
    "var c=e.getAttribute('data-cluster');"
    "e.addEventListener('mouseenter',function(){document.querySelectorAll("
    "'[data-cluster=\"'+c+'\"]').forEach(function(x){x.classList.add('lit')})});"
    "e.addEventListener('mouseleave',function(){document.querySelectorAll("
    "'[data-cluster=\"'+c+'\"]').forEach(function(x){x.classList.remove('lit')})});});";

/* A colour per speaker cluster, from a fixed palette. */
static const char *speaker_colour(uint32_t cluster)
{
    static const char *const palette[] = {"#d9480f", "#1971c2", "#2f9e44", "#ae3ec9",
                                          "#f08c00", "#0c8599", "#c2255c", "#5c940d"};
    return cluster ? palette[cluster % 8] : "#868e96";
}

static uint32_t quote_cluster(const nf_doc *doc, const nf_quote *q)
{
    if (q->speaker_entity < 0 || (size_t)q->speaker_entity >= doc->entities.len) return 0;
    return doc->entities.items[q->speaker_entity].cluster;
}

static void open_mark(nfi_buf *b, const nf_doc *doc, const mark *m)
{
    if (m->kind == MARK_CLUTTER) {
        nfi_buf_puts(b, "<span class=\"clutter\">");
    } else if (m->kind == MARK_ENTITY) {
        const nf_entity *e = &doc->entities.items[m->index];
        nfi_buf_printf(b, "<span class=\"ent %s\" data-cluster=\"c%u\" title=\"",
                       nf_entity_type_name(e->type), e->cluster);
        esc_str(b, nf_entity_type_name(e->type));
        if (e->canonical) {
            nfi_buf_puts(b, ": ");
            esc_str(b, e->canonical);
        }
        nfi_buf_puts(b, "\">");
    } else if (m->kind == MARK_DATE) {
        const nf_date *d = &doc->dates.items[m->index];
        nfi_buf_puts(b, "<span class=\"date\" title=\"");
        esc_str(b, nf_timex_type_name(d->type));
        nfi_buf_puts(b, " ");
        esc_str(b, d->value ? d->value : "(no value)");
        nfi_buf_puts(b, "\">");
    } else {
        const nf_quote *q = &doc->quotes.items[m->index];
        nfi_buf_printf(b, "<span class=\"quote\" data-quote=\"q%zu\" style=\"--c:%s\" title=\"",
                       m->index + 1, speaker_colour(quote_cluster(doc, q)));
        esc_str(b, q->canonical ? q->canonical : "speaker unknown");
        nfi_buf_puts(b, "\">");
    }
}

static int mark_order(const void *pa, const void *pb)
{
    const mark *a = pa, *b = pb;
    if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
    if (a->span.end != b->span.end) return a->span.end > b->span.end ? -1 : 1;
    return a->kind - b->kind;
}

/* Collects the marks: clutter (the gaps between body regions), quotes,
 * entities, dates. */
static mark *collect_marks(const nf_doc *doc, size_t *count)
{
    size_t cap = doc->entities.len + doc->dates.len + doc->quotes.len + doc->body.len + 1;
    mark *m = malloc(cap * sizeof *m);
    size_t n = 0;
    if (!m) return NULL;
    if (doc->body.len) {
        size_t at = 0;
        for (size_t i = 0; i <= doc->body.len; i++) {
            size_t end = i < doc->body.len ? doc->body.items[i].start : doc->len;
            if (end > at) m[n++] = (mark){{at, end}, MARK_CLUTTER, 0};
            if (i < doc->body.len) at = doc->body.items[i].end;
        }
    }
    for (size_t i = 0; i < doc->quotes.len; i++)
        m[n++] = (mark){doc->quotes.items[i].span, MARK_QUOTE, i};
    for (size_t i = 0; i < doc->entities.len; i++)
        m[n++] = (mark){doc->entities.items[i].span, MARK_ENTITY, i};
    for (size_t i = 0; i < doc->dates.len; i++)
        m[n++] = (mark){doc->dates.items[i].span, MARK_DATE, i};
    qsort(m, n, sizeof *m, mark_order);
    *count = n;
    return m;
}

/* Writes the text with the marks. Marks that cross are split: at each
 * boundary, the open marks that end are closed with the ones opened after
 * them, which are then reopened. */
static void put_text(nfi_buf *b, const nf_doc *doc, const mark *marks, size_t n)
{
    const mark *stack[64];
    size_t depth = 0, next = 0, at = 0;
    while (at < doc->len) {
        size_t stop = doc->len;
        for (size_t i = 0; i < depth; i++)
            if (stack[i]->span.end < stop) stop = stack[i]->span.end;
        if (next < n && marks[next].span.start < stop) stop = marks[next].span.start;
        if (stop > at) esc_span(b, doc, (nf_span){at, stop});
        at = stop;
        /* close marks ending here (and those above them, to reopen) */
        size_t keep = depth;
        for (size_t i = 0; i < depth; i++)
            if (stack[i]->span.end <= at) {
                keep = i;
                break;
            }
        for (size_t i = depth; i > keep; i--) nfi_buf_puts(b, "</span>");
        size_t reopen_from = keep;
        for (size_t i = keep; i < depth; i++)
            if (stack[i]->span.end > at) stack[reopen_from++] = stack[i];
        for (size_t i = keep; i < reopen_from; i++) open_mark(b, doc, stack[i]);
        depth = reopen_from;
        while (next < n && marks[next].span.start <= at) {
            const mark *m = &marks[next++];
            if (m->span.end <= at || m->span.end > doc->len || depth == 64) continue;
            open_mark(b, doc, m);
            stack[depth++] = m;
        }
        if (stop == doc->len) break;
    }
    for (size_t i = 0; i < depth; i++) nfi_buf_puts(b, "</span>");
}

static void put_people(nfi_buf *b, const nf_doc *doc)
{
    nfi_buf_puts(b, "<h2>People</h2><ul id=\"people\">");
    for (size_t i = 0; i < doc->entities.len; i++) {
        const nf_entity *e = &doc->entities.items[i];
        if (e->type != NF_ENT_PERSON) continue;
        bool first = true; /* one line per cluster: its first mention */
        for (size_t k = 0; k < i && first; k++)
            if (doc->entities.items[k].cluster == e->cluster) first = false;
        if (!first) continue;
        nfi_buf_printf(b, "<li data-cluster=\"c%u\">", e->cluster);
        esc_str(b, e->canonical);
        for (size_t k = i; k < doc->entities.len; k++) {
            const nf_entity *r = &doc->entities.items[k];
            if (r->cluster != e->cluster || r->role.start == NF_UNSET) continue;
            nfi_buf_puts(b, " <span class=\"role\">");
            esc_span(b, doc, r->role);
            nfi_buf_puts(b, "</span>");
        }
        nfi_buf_puts(b, "</li>");
    }
    nfi_buf_puts(b, "</ul>");
}

static void put_quotes_by_speaker(nfi_buf *b, const nf_doc *doc)
{
    nfi_buf_puts(b, "<h2>Quotes by speaker</h2><div id=\"quotes\">");
    bool *done = calloc(doc->quotes.len + 1, 1);
    for (size_t i = 0; done && i < doc->quotes.len; i++) {
        if (done[i]) continue;
        const nf_quote *q = &doc->quotes.items[i];
        uint32_t c = quote_cluster(doc, q);
        nfi_buf_printf(b, "<h3 style=\"color:%s\">", speaker_colour(c));
        esc_str(b, q->canonical ? q->canonical : "Speaker unknown");
        nfi_buf_puts(b, "</h3>");
        for (size_t k = i; k < doc->quotes.len; k++) {
            const nf_quote *o = &doc->quotes.items[k];
            bool same = c ? quote_cluster(doc, o) == c
                          : !o->canonical && quote_cluster(doc, o) == 0;
            if (done[k] || !same) continue;
            done[k] = true;
            nfi_buf_printf(b, "<p class=\"q\" style=\"--c:%s\">%s", speaker_colour(c),
                           o->kind == NF_QUOTE_DIRECT ? "&ldquo;" : "");
            esc_span(b, doc, o->span);
            nfi_buf_puts(b, o->kind == NF_QUOTE_DIRECT ? "&rdquo;</p>" : "</p>");
        }
    }
    free(done);
    nfi_buf_puts(b, "</div>");
}

static int date_order(const void *pa, const void *pb)
{
    const nf_date *a = *(const nf_date *const *)pa, *b = *(const nf_date *const *)pb;
    int c = strcmp(a->value ? a->value : "~", b->value ? b->value : "~");
    return c ? c : (a->span.start < b->span.start ? -1 : 1);
}

static void put_timeline(nfi_buf *b, const nf_doc *doc)
{
    nfi_buf_puts(b, "<h2>Timeline</h2><ol id=\"timeline\">");
    const nf_date **sorted = malloc((doc->dates.len + 1) * sizeof *sorted);
    size_t n = 0;
    for (size_t i = 0; sorted && i < doc->dates.len; i++)
        if (doc->dates.items[i].type == NF_TIMEX_DATE || doc->dates.items[i].type == NF_TIMEX_TIME)
            sorted[n++] = &doc->dates.items[i];
    if (sorted) qsort(sorted, n, sizeof *sorted, date_order);
    for (size_t i = 0; i < n; i++) {
        nfi_buf_puts(b, "<li><b>");
        esc_str(b, sorted[i]->value ? sorted[i]->value : "?");
        nfi_buf_puts(b, "</b> ");
        esc_span(b, doc, sorted[i]->span);
        nfi_buf_puts(b, "</li>");
    }
    free(sorted);
    nfi_buf_puts(b, "</ol>");
}

char *nf_doc_to_html(const nf_doc *doc, uint32_t flags, size_t *len, nf_error *err)
{
    (void)flags;
    if (len) *len = 0;
    if (!doc) {
        nfi_error_set(err, NF_ERR_INVALID, "", 0, 0, "nf_doc_to_html: doc is NULL");
        return NULL;
    }
    size_t nmarks = 0;
    mark *marks = collect_marks(doc, &nmarks);
    nfi_buf b = {0};
    nfi_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; script-src 'unsafe-inline'\"><title>");
    if (doc->meta.headline.span.start != NF_UNSET)
        esc_span(&b, doc, doc->meta.headline.span);
    else
        esc_str(&b, doc->id ? doc->id : "newsfacts");
    nfi_buf_printf(&b, "</title><style>%s</style></head><body><main><div class=\"legend\">", STYLE);
    for (uint32_t t = NF_ENT_PERSON; t <= NF_ENT_EVENT; t++)
        nfi_buf_printf(&b, "<span class=\"%s\">%s</span>", nf_entity_type_name(t),
                       nf_entity_type_name(t));
    nfi_buf_puts(&b, "<span class=\"date\">date</span><span class=\"quote\">quote</span>"
                     "<span class=\"clutter\">not article</span></div>\n<article id=\"text\">");
    if (marks) put_text(&b, doc, marks, nmarks);
    nfi_buf_puts(&b, "</article></main><aside>");
    if (doc->dct) {
        nfi_buf_puts(&b, "<p>Document date: <b>");
        esc_str(&b, doc->dct);
        nfi_buf_puts(&b, "</b></p>");
    }
    put_people(&b, doc);
    put_quotes_by_speaker(&b, doc);
    put_timeline(&b, doc);
    nfi_buf_printf(&b, "</aside><script>%s</script></body></html>\n", SCRIPT);
    free(marks);
    if (!marks || b.failed) {
        nfi_buf_free(&b);
        nfi_error_set(err, NF_ERR_NOMEM, "", 0, 0, "out of memory while writing HTML");
        return NULL;
    }
    if (len) *len = b.len;
    return b.data;
}
