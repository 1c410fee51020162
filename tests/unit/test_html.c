/* test_html.c - the HTML view: escaping, crossing marks nested correctly,
 * the side panel. Facts are set by hand so the test does not depend on the
 * default rules. */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"

static nf_doc *doc_with_text(nf_rules **rules, const char *text)
{
    nf_error err;
    *rules = nf_rules_load_buffer("schema: 1\n", 10, "<t>", NULL, &err);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES;
    return *rules ? nf_extract(*rules, NULL, text, strlen(text), &eo, &err) : NULL;
}

static nf_entity *add_entity(nf_doc *doc, size_t s, size_t e, uint32_t type, uint32_t cluster,
                             const char *canonical)
{
    nf_entity *ent = nfi_vec_push(&doc->entities);
    ent->span = (nf_span){s, e};
    ent->type = type;
    ent->cluster = cluster;
    ent->canonical = canonical;
    ent->role = (nf_span){NF_UNSET, NF_UNSET};
    return ent;
}

/* Every <span opens and closes in order. */
static bool spans_balanced(const char *html)
{
    int depth = 0;
    for (const char *p = html; *p; p++) {
        if (strncmp(p, "<span", 5) == 0) depth++;
        if (strncmp(p, "</span>", 7) == 0 && --depth < 0) return false;
    }
    return depth == 0;
}

NF_TEST(html_escapes_everything_from_the_text)
{
    nf_rules *rules;
    const char *text = "Ann said <script>alert(1)</script> & \"left\".";
    nf_doc *doc = doc_with_text(&rules, text);
    NF_CHECK(doc != NULL);
    if (!doc) return;
    add_entity(doc, 0, 3, NF_ENT_PERSON, 1, "Ann <b>");
    nf_error err;
    char *html = nf_doc_to_html(doc, 0, NULL, &err);
    NF_CHECK(html != NULL);
    NF_CHECK(strstr(html, "<script>alert") == NULL);
    NF_CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;left&quot;") != NULL);
    NF_CHECK(strstr(html, "Ann &lt;b&gt;") != NULL);
    NF_CHECK(spans_balanced(html));
    nf_free(html);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(html_crossing_marks_are_split_and_balanced)
{
    nf_rules *rules;
    const char *text = "Officials said the Port Authority met on Monday in Lima.";
    nf_doc *doc = doc_with_text(&rules, text);
    if (!doc) return;
    /* a quote over "the Port Authority met on Monday", an entity crossing its start */
    nf_quote *q = nfi_vec_push(&doc->quotes);
    q->span = (nf_span){15, 47};
    q->kind = NF_QUOTE_INDIRECT;
    q->speaker_entity = 0;
    q->cue = q->speaker = (nf_span){NF_UNSET, NF_UNSET};
    add_entity(doc, 0, 9, NF_ENT_ORG, 2, "Officials");
    add_entity(doc, 10, 33, NF_ENT_ORG, 3, "Port Authority"); /* crosses the quote start */
    add_entity(doc, 51, 55, NF_ENT_GPE, 4, "Lima");
    nf_date *d = nfi_vec_push(&doc->dates);
    d->span = (nf_span){41, 47};
    d->type = NF_TIMEX_DATE;
    d->value = "2025-04-07";
    nf_span body = {0, strlen(text)};
    *(nf_span *)nfi_vec_push(&doc->body) = body;
    nf_error err;
    size_t len;
    char *html = nf_doc_to_html(doc, 0, &len, &err);
    NF_CHECK(html != NULL);
    if (!html) return;
    NF_CHECK_EQ_INT(len, strlen(html));
    NF_CHECK(spans_balanced(html));
    NF_CHECK(strstr(html, "title=\"DATE 2025-04-07\">Monday</span>") != NULL);
    NF_CHECK(strstr(html, "data-cluster=\"c4\" title=\"GPE: Lima\">Lima</span>") != NULL);
    NF_CHECK(strstr(html, "<li><b>2025-04-07</b> Monday</li>") != NULL); /* timeline */
    nf_free(html);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(html_people_panel_lists_each_cluster_once_with_roles)
{
    nf_rules *rules;
    const char *text = "Mayor Ana Ruiz spoke. Later Ruiz left.";
    nf_doc *doc = doc_with_text(&rules, text);
    if (!doc) return;
    nf_entity *e = add_entity(doc, 6, 14, NF_ENT_PERSON, 1, "Ana Ruiz");
    e->role = (nf_span){0, 5};
    add_entity(doc, 28, 32, NF_ENT_PERSON, 1, "Ana Ruiz");
    nf_error err;
    char *html = nf_doc_to_html(doc, 0, NULL, &err);
    NF_CHECK(html != NULL);
    if (!html) return;
    const char *people = strstr(html, "<ul id=\"people\">");
    NF_CHECK(people != NULL);
    NF_CHECK(people && strstr(people, "<li data-cluster=\"c1\">Ana Ruiz <span class=\"role\">Mayor</span></li></ul>") != NULL);
    nf_free(html);
    nf_doc_free(doc);
    nf_rules_free(rules);
}
