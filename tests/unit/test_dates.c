/* test_dates.c - the dates resolver (lib/dates.c) on hand-built
 * annotations, and (when the rules are there) end to end through the
 * public API. Texts are invented for these tests. */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"
#include "engine.h"
#include "fixture_anns.h"

/* ---------------------------------------------------------------- helpers */

/* A document over text with simple tokens: runs of letters/digits (with
 * inner apostrophes, periods, colons, hyphens) and single punctuation
 * marks; "'s" is its own token. One sentence per '.'-terminated run. */
static nf_doc *mkdoc(const char *text, const char *dct)
{
    nf_doc *doc = calloc(1, sizeof *doc);
    if (!doc) return NULL;
    nfi_arena_init(&doc->arena);
    nfi_strtab_init(&doc->forms, &doc->arena);
    nf_meta_field unset = {{NF_UNSET, NF_UNSET}, NULL};
    doc->meta.headline = doc->meta.byline = doc->meta.dateline = unset;
    doc->meta.source = doc->meta.published = unset;
    doc->len = strlen(text);
    doc->text = doc->work = nfi_arena_strdup(&doc->arena, text);
    doc->dct = dct ? nfi_arena_strdup(&doc->arena, dct) : NULL;
    size_t i = 0, n = doc->len, sent_first = 0;
    while (i < n) {
        char c = text[i];
        if (c == ' ' || c == '\n') {
            i++;
            continue;
        }
        size_t s = i;
        uint32_t kind = NF_TOKEN_WORD;
        if (c == '\'' && i + 1 < n && text[i + 1] == 's') {
            i += 2;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            while (i < n) {
                char d = text[i];
                bool alnum = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
                             (d >= '0' && d <= '9');
                bool inner = (d == '-' || d == ':' || (d == '.' && i + 1 < n && text[i + 1] != ' ' &&
                                                      text[i + 1] != '\n')) &&
                             i + 1 < n;
                if (d == '\'' && i + 1 < n && text[i + 1] == 's') break;
                if (!alnum && !inner) break;
                i++;
            }
        } else {
            i++;
            kind = NF_TOKEN_PUNCT;
        }
        nfi_token *t = nfi_vec_push(&doc->tokens);
        t->span.start = (uint32_t)s;
        t->span.end = (uint32_t)i;
        t->kind = (uint8_t)kind;
        bool last = i >= n || !text[i + strspn(text + i, " \n")];
        if ((kind == NF_TOKEN_PUNCT && c == '.') || last) { /* the sentence ends here */
            nf_sentence *se = nfi_vec_push(&doc->sentences);
            if (!se) break;
            se->first_token = sent_first;
            se->token_count = doc->tokens.len - sent_first;
            se->span.start = doc->tokens.items[sent_first].span.start;
            se->span.end = i;
            sent_first = doc->tokens.len;
        }
    }
    return doc;
}

/* Adds an annotation of type over the first occurrence of `what` (after
 * byte `from`), with attributes "k=v;k=v" (a value "@text" becomes a span
 * attribute over the first occurrence of text inside the annotation). */
static nfi_ann *add_ann(nf_doc *doc, const char *type, const char *what, size_t from,
                        const char *attrs)
{
    const char *p = strstr(doc->text + from, what);
    if (!p) return NULL;
    size_t s = (size_t)(p - doc->text), e = s + strlen(what);
    nfi_ann *a = nfi_vec_push(&doc->anns);
    nfi_rule *ru = nfi_arena_alloc(&doc->arena, sizeof *ru); /* its own: a test sets its priority */
    ru->name = "test_rule";
    a->type_id = fixture_type_id(doc, type);
    a->rule = ru;
    a->tok_start = (uint32_t)nfi_doc_token_at(doc, s);
    a->tok_end = (uint32_t)nfi_doc_token_at(doc, e);
    a->attr_start = (uint32_t)doc->attrs.len;
    const char *q = attrs;
    while (q && *q) {
        const char *semi = strchr(q, ';');
        size_t len = semi ? (size_t)(semi - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        nfi_attr *at = nfi_vec_push(&doc->attrs);
        at->key = nfi_arena_strndup(&doc->arena, q, (size_t)(eq - q));
        const char *v = eq + 1;
        size_t vn = len - (size_t)(v - q);
        if (*v == '@') {
            char tmp[64];
            memcpy(tmp, v + 1, vn - 1);
            tmp[vn - 1] = '\0';
            const char *hit = strstr(doc->text + s, tmp);
            at->value = NULL;
            at->span = (nfi_tspan){(uint32_t)(hit - doc->text), (uint32_t)(hit - doc->text + vn - 1)};
        } else {
            at->value = nfi_arena_strndup(&doc->arena, v, vn);
            at->span = (nfi_tspan){NFI_NONE, NFI_NONE};
        }
        a->attr_count++;
        q = semi ? semi + 1 : NULL;
    }
    return a;
}

static const char *span_text(const nf_doc *doc, nf_span s, char *buf, size_t n)
{
    size_t len = s.end - s.start;
    if (len >= n) len = n - 1;
    memcpy(buf, doc->text + s.start, len);
    buf[len] = '\0';
    return buf;
}

#define DATE_AT(doc, i) (&(doc)->dates.items[i])

/* ---------------------------------------------------------------- resolver */

NF_TEST(dates_resolve_basic_value_type_and_rule)
{
    nf_doc *doc = mkdoc("Talks ended on Thursday and resume in two weeks.", "2025-04-10");
    add_ann(doc, "DATE", "on Thursday", 0, "weekday=Thursday");
    add_ann(doc, "DURATION", "two weeks", 0, "amount=two;unit=weeks");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    char b[64];
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 0)->span, b, sizeof b), "Thursday");
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-10");
    NF_CHECK_EQ_INT(DATE_AT(doc, 0)->type, NF_TIMEX_DATE);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->rule, "test_rule");
    NF_CHECK(DATE_AT(doc, 0)->rule != nfi_ann_rule_name(&doc->anns.items[0])); /* a copy */
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 1)->span, b, sizeof b), "two weeks");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "P2W");
    NF_CHECK_EQ_INT(DATE_AT(doc, 1)->type, NF_TIMEX_DURATION);
    NF_CHECK(DATE_AT(doc, 1)->mod == NULL);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_span_attributes_use_the_text)
{
    nf_doc *doc = mkdoc("The plant closed on March 3, 2019 after a fire.", "2025-04-10");
    add_ann(doc, "TIMEX", "March 3, 2019", 0, "month=@March;day=@3;year=@2019");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 1);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2019-03-03");
    NF_CHECK_EQ_INT(DATE_AT(doc, 0)->type, NF_TIMEX_DATE);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_without_dct_keeps_span_value_null)
{
    nf_doc *doc = mkdoc("Prices rose last week and on Tuesday.", NULL);
    add_ann(doc, "DATE", "last week", 0, "offset=last;unit=week");
    add_ann(doc, "DATE", "Tuesday", 0, "weekday=Tuesday");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK(DATE_AT(doc, 0)->value == NULL);
    NF_CHECK_EQ_INT(DATE_AT(doc, 0)->type, NF_TIMEX_DATE);
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "XXXX-WXX-2");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_mod_passes_through)
{
    nf_doc *doc = mkdoc("The flight took some seven hours, and the wait over three days.",
                        "2025-04-10");
    add_ann(doc, "DURATION", "some seven hours", 0, "amount=seven;unit=hours;mod=approx");
    add_ann(doc, "DURATION", "over three days", 0, "amount=three;unit=days;mod=MORE_THAN");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "PT7H");
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->mod, "APPROX");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "P3D");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->mod, "MORE_THAN");
    char b[64];
    /* "over" is a modifier inside the extent, not a preposition to strip */
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 1)->span, b, sizeof b), "over three days");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_strips_prepositions_possessive_punctuation)
{
    nf_doc *doc = mkdoc("Since Monday's vote, in May 2021, and during the summer.", "2025-04-10");
    add_ann(doc, "DATE", "Since Monday's", 0, "weekday=Monday");
    add_ann(doc, "DATE", "in May 2021,", 0, "month=May;year=2021");
    add_ann(doc, "DATE", "during the summer.", 0, "season=summer");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 3);
    char b[64];
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 0)->span, b, sizeof b), "Monday");
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-07");
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 1)->span, b, sizeof b), "May 2021");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2021-05");
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 2)->span, b, sizeof b), "the summer");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_keeps_abbreviation_period)
{
    nf_doc *doc = mkdoc("It opened Sept. 4 at 9 a.m. sharp.", "2025-04-10");
    add_ann(doc, "DATE", "Sept.", 0, "month=Sept");
    add_ann(doc, "TIME", "9 a.m.", 0, "hour=9;ampm=a.m.");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    char b[64];
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 0)->span, b, sizeof b), "Sept.");
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 1)->span, b, sizeof b), "9 a.m.");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-04-10T09:00");
    NF_CHECK_EQ_INT(DATE_AT(doc, 1)->type, NF_TIMEX_TIME);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_overlaps_longest_then_priority_then_order)
{
    nf_doc *doc = mkdoc("The ruling of June 2, 2022 stands.", "2025-04-10");
    add_ann(doc, "DATE", "June 2", 0, "month=June;day=2");
    add_ann(doc, "DATE", "2022", 0, "year=2022");
    add_ann(doc, "DATE", "June 2, 2022", 0, "month=June;day=2;year=2022");
    /* same extent twice: the higher priority wins */
    nfi_ann *a = add_ann(doc, "DATE", "June 2, 2022", 0, "year=2022;month=6");
    ((nfi_rule *)a->rule)->priority = 5;
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 1);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2022-06");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_sorted_start_asc_end_desc)
{
    nf_doc *doc = mkdoc("Between 2016 and 2018, and again last year.", "2025-04-10");
    add_ann(doc, "DATE", "last year", 0, "offset=last;unit=year");
    add_ann(doc, "DATE", "2018", 0, "year=2018");
    add_ann(doc, "DATE", "2016", 0, "year=2016");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 3);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2016");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2018");
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->value, "2024");
    NF_CHECK(DATE_AT(doc, 0)->span.start < DATE_AT(doc, 1)->span.start);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_anchor_ref_uses_previous_date)
{
    nf_doc *doc = mkdoc("The lab opened on January 20. Eight days later it closed. "
                        "Two days later it reopened.",
                        "2025-04-10");
    add_ann(doc, "DATE", "January 20", 0, "month=January;day=20");
    add_ann(doc, "DATE", "Eight days later", 0, "amount=eight;unit=days;offset=later;anchor=ref");
    add_ann(doc, "DATE", "Two days later", 0, "amount=two;unit=days;offset=later;anchor=ref");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 3);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-01-20");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-01-28");
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->value, "2025-01-30"); /* chained */
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_anchor_ref_without_previous_is_null)
{
    nf_doc *doc = mkdoc("Three days later the roads were clear. Officials said so in 2019.",
                        "2025-04-10");
    add_ann(doc, "DATE", "Three days later", 0, "amount=three;unit=days;offset=later;anchor=ref");
    add_ann(doc, "DATE", "2019", 0, "year=2019");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK(DATE_AT(doc, 0)->value == NULL);
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2019");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_ref_skips_vague_and_durations)
{
    nf_doc *doc = mkdoc("It began March 2. For six hours nothing happened; recently, a day later, "
                        "it ended.",
                        "2025-04-10");
    add_ann(doc, "DATE", "March 2", 0, "month=March;day=2");
    add_ann(doc, "DURATION", "six hours", 0, "amount=six;unit=hours");
    add_ann(doc, "DATE", "recently", 0, "ref=PAST_REF");
    add_ann(doc, "DATE", "a day later", 0, "amount=a;unit=day;offset=later;anchor=ref");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 4);
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->value, "PAST_REF");
    NF_CHECK_EQ_STR(DATE_AT(doc, 3)->value, "2025-03-03");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_weekday_tense_future)
{
    nf_doc *doc = mkdoc("The council will vote on Monday. The mayor spoke on Monday.",
                        "2025-04-10");
    add_ann(doc, "DATE", "Monday", 0, "weekday=Monday");
    add_ann(doc, "DATE", "Monday", 30, "weekday=Monday");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-14");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-04-07");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_weekday_tense_after_and_nearest_wins)
{
    /* the nearest tense word before the expression decides: "said" */
    nf_doc *doc = mkdoc("Ministers said on Friday that the deal will hold. "
                        "Friday's summit is expected to last hours.",
                        "2025-04-10");
    add_ann(doc, "DATE", "Friday", 0, "weekday=Friday");
    add_ann(doc, "DATE", "Friday's", 40, "weekday=Friday");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-04");
    /* nothing before it in its sentence; "expected" after it: future */
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-04-11");
    char b[64];
    NF_CHECK_EQ_STR(span_text(doc, DATE_AT(doc, 1)->span, b, sizeof b), "Friday");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_month_tense_past_moves_year)
{
    nf_doc *doc = mkdoc("Exports fell sharply in November. Shipments will restart in November.",
                        "2025-04-10");
    add_ann(doc, "DATE", "November", 0, "month=November");
    add_ann(doc, "DATE", "November", 30, "month=November");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    /* "fell" is not in the past list: no hint, the nearest November */
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2024-11");
    /* "will": the next November (204 days ahead, within the limit) */
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-11");
    nf_doc_free(doc);
    doc = mkdoc("Exports were lower in November.", "2025-04-10");
    add_ann(doc, "DATE", "November", 0, "month=November");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2024-11");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_explicit_direction_wins_over_context)
{
    nf_doc *doc = mkdoc("The board will meet Tuesday.", "2025-04-10");
    add_ann(doc, "DATE", "Tuesday", 0, "weekday=Tuesday;direction=past");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-08");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_tense_stays_in_sentence)
{
    nf_doc *doc = mkdoc("Voting will end soon. Wednesday saw record turnout.", "2025-04-10");
    add_ann(doc, "DATE", "Wednesday", 0, "weekday=Wednesday");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-09");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_bad_attribute_gives_null_and_warning)
{
    nf_doc *doc = mkdoc("It happened in Smarch.", "2025-04-10");
    add_ann(doc, "DATE", "Smarch", 0, "month=Smarch");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 1);
    NF_CHECK(DATE_AT(doc, 0)->value == NULL);
    NF_CHECK_EQ_INT(doc->warnings.len, 1);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_skips_publication_stamp_and_other_types)
{
    nf_doc *doc = mkdoc("Posted April 9, 2025. Smith met Jones on April 8.", "2025-04-10");
    add_ann(doc, "DATE", "April 9, 2025", 0, "month=April;day=9;year=2025");
    add_ann(doc, "DATE", "April 8", 0, "month=April;day=8");
    add_ann(doc, "PERSON", "Smith", 0, "");
    add_ann(doc, "MONTH", "April", 0, "month=4");
    nfi_ann *rm = add_ann(doc, "DATE", "Jones", 0, "year=1999");
    rm->flags |= NFI_ANN_REMOVED;
    const char *p = strstr(doc->text, "April 9, 2025");
    doc->meta.published.span = (nf_span){(size_t)(p - doc->text), (size_t)(p - doc->text) + 13};
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 1);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-04-08");
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_type_attribute_overrides_annotation_type)
{
    nf_doc *doc = mkdoc("Meetings happen weekly and the next one is at noon.", "2025-04-10");
    add_ann(doc, "TIMEX", "weekly", 0, "unit=week;type=SET");
    add_ann(doc, "DATE", "noon", 0, "hour=noon;type=TIME");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 2);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "P1W");
    NF_CHECK_EQ_INT(DATE_AT(doc, 0)->type, NF_TIMEX_SET);
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-04-10T12:00");
    NF_CHECK_EQ_INT(DATE_AT(doc, 1)->type, NF_TIMEX_TIME);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_empty_doc_and_null)
{
    NF_CHECK_EQ_INT(nfi_dates_resolve(NULL, NULL, NULL), NF_ERR_INVALID);
    nf_doc *doc = mkdoc("", NULL);
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 0);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_mod_word_maps_approximators)
{
    nf_doc *doc = mkdoc("It took nearly two years, then at least a week, by early 2019, "
                        "and just five days.",
                        "2025-04-10");
    add_ann(doc, "DURATION", "nearly two years", 0, "mod_word=@nearly;amount=two;unit=years");
    add_ann(doc, "DURATION", "at least a week", 0, "mod_word=@at least;amount=a;unit=week");
    add_ann(doc, "DATE", "early 2019", 0, "mod_word=Early;year=2019");
    add_ann(doc, "DURATION", "just five days", 0, "mod_word=just;amount=five;unit=days");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 4);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->mod, "APPROX");
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "P2Y");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->mod, "EQUAL_OR_MORE");
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->mod, "START");
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->value, "2019");
    NF_CHECK(DATE_AT(doc, 3)->mod == NULL);
    NF_CHECK_EQ_STR(DATE_AT(doc, 3)->value, "P5D");
    NF_CHECK_EQ_INT(doc->warnings.len, 0);
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_yearless_nearest_and_tense_limit)
{
    /* DCT 2026-01-05: "Dec. 20" is 16 days back, "Jan. 20" 15 days ahead */
    nf_doc *doc = mkdoc("Rates rose on Dec. 20 and the bank meets Jan. 20. "
                        "Officials said it was agreed on Jan. 3.",
                        "2026-01-05");
    add_ann(doc, "DATE", "Dec. 20", 0, "month=Dec.;day=20");
    add_ann(doc, "DATE", "Jan. 20", 0, "month=Jan.;day=20");
    add_ann(doc, "DATE", "Jan. 3", 0, "month=Jan.;day=3");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_INT(doc->dates.len, 3);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2025-12-20");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2026-01-20");
    NF_CHECK_EQ_STR(DATE_AT(doc, 2)->value, "2026-01-03"); /* past tense, in the past */
    nf_doc_free(doc);
    /* a past hint wins up to 300 days back, not beyond */
    doc = mkdoc("The deal was signed in May. Talks were held on Jan. 9.", "2025-01-05");
    add_ann(doc, "DATE", "May", 0, "month=May");
    add_ann(doc, "DATE", "Jan. 9", 0, "month=Jan.;day=9");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "2024-05"); /* 235 days back; May 2025 is nearer */
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "2025-01-09"); /* 2024-01-09 is 362 days back */
    nf_doc_free(doc);
}

NF_TEST(dates_resolve_amount_words_cleaned)
{
    nf_doc *doc = mkdoc("It took a couple of days and a few weeks.", "2025-04-10");
    add_ann(doc, "DURATION", "a couple of days", 0, "amount=@a couple of;unit=days");
    add_ann(doc, "DURATION", "a few weeks", 0, "amount=@a few;unit=weeks");
    NF_CHECK_EQ_INT(nfi_dates_resolve(doc, NULL, NULL), NF_OK);
    NF_CHECK_EQ_STR(DATE_AT(doc, 0)->value, "P2D");
    NF_CHECK_EQ_STR(DATE_AT(doc, 1)->value, "PXW");
    NF_CHECK_EQ_INT(doc->warnings.len, 0);
    nf_doc_free(doc);
}

/* ---------------------------------------------------------------- end to end */

/* Texts written for these tests; DCT Thursday 2025-04-10 unless given.
 * Each expectation: the exact extent, its value ("" = null) and type. */
typedef struct e2e_date {
    const char *text, *value, *type, *mod;
} e2e_date;

typedef struct e2e_case {
    const char *text, *dct;
    e2e_date dates[6];
    int count; /* expected number of dates, -1: not checked */
} e2e_case;

static const e2e_case e2e[] = {
    {"The ministers met on Thursday and will meet again on Monday, officials said.",
     "2025-04-10",
     {{"Thursday", "2025-04-10", "DATE", NULL}, {"Monday", "2025-04-14", "DATE", NULL}}, 2},
    {"The plant, opened on March 3, 2019, shut in February after six days of strikes.",
     "2025-04-10",
     {{"March 3, 2019", "2019-03-03", "DATE", NULL},
      {"February", "2025-02", "DATE", NULL},
      {"six days", "P6D", "DURATION", NULL}}, 3},
    {"Prices rose 3% last year and are expected to fall next year.", "2025-04-10",
     {{"last year", "2024", "DATE", NULL}, {"next year", "2026", "DATE", NULL}}, 2},
    {"The firm lost money in Q3 2024 and expects a profit in fiscal 2026.", "2025-04-10",
     {{"Q3 2024", "2024-Q3", "DATE", NULL}, {"fiscal 2026", "2026", "DATE", NULL}}, 2},
    {"Growth was strong in the 1990s and weak again in mid-2023.", "2025-04-10",
     {{"the 1990s", "199", "DATE", NULL}, {"mid-2023", "2023", "DATE", "MID"}}, 2},
    {"The hearing lasted some five hours; the appeal was lodged two weeks ago.", "2025-04-10",
     {{"some five hours", "PT5H", "DURATION", "APPROX"},
      {"two weeks ago", "2025-W13", "DATE", NULL}}, 2},
    {"The bulletin went out at 9:15 PM IST and again at 14:00 GMT.", "2025-04-10",
     {{"9:15 PM IST", "2025-04-10T21:15+05:30", "TIME", NULL},
      {"14:00 GMT", "2025-04-10T14:00Z", "TIME", NULL}}, 2},
    {"Inspectors visit every week and publish their findings annually.", "2025-04-10",
     {{"every week", "P1W", "SET", NULL}, {"annually", "P1Y", "SET", NULL}}, 2},
    {"The bridge closed on 12/24/2024 and reopened eight days later.", "2025-04-10",
     {{"12/24/2024", "2024-12-24", "DATE", NULL},
      {"eight days later", "2025-01-01", "DATE", NULL}}, 2},
    {"The river has flooded in recent years; currently it is low, and it should stay so in "
     "the near term.",
     "2025-04-10",
     {{"recent years", "PAST_REF", "DATE", NULL},
      {"currently", "PRESENT_REF", "DATE", NULL},
      {"the near term", "FUTURE_REF", "DATE", NULL}}, 3},
    {"Mayor Tim May said marchers would march again. Details on the date were day-to-day "
     "matters and the next round of talks is unclear.",
     "2025-04-10", {{NULL, NULL, NULL, NULL}}, 0},
    {"Thursday's vote followed years of disputes and five to six hours of debate.",
     "2025-04-10",
     {{"Thursday", "2025-04-10", "DATE", NULL},
      {"years", "PXY", "DURATION", NULL},
      {"five to six hours", "PT6H", "DURATION", NULL}}, 3},
    {"The vote is on Tuesday and the report came out last week.", NULL,
     {{"Tuesday", "XXXX-WXX-2", "DATE", NULL}, {"last week", "", "DATE", NULL}}, 2},
    {"Rents fell over more than a decade, and the tower was sold a decade ago.", "2025-04-10",
     {{"more than a decade", "P10Y", "DURATION", "MORE_THAN"},
      {"a decade ago", "2015", "DATE", NULL}}, 2},
    {"Last Sunday the club said it will reopen on 9 June at noon.", "2025-04-10",
     {{"Last Sunday", "2025-04-06", "DATE", NULL},
      {"9 June", "2025-06-09", "DATE", NULL},
      {"noon", "2025-04-10T12:00", "TIME", NULL}}, 3},
    {"Shares slid this week after the third quarter of 2024 and early December results.",
     "2025-04-10",
     {{"this week", "2025-W15", "DATE", NULL},
      {"the third quarter of 2024", "2024-Q3", "DATE", NULL},
      {"early December", "2024-12", "DATE", "START"}}, 3},
    {"Police came on March 3; later that day the road reopened, and shops shut on Christmas Eve "
     "after a decades-long feud.",
     "2025-04-10",
     {{"March 3", "2025-03-03", "DATE", NULL},
      {"later that day", "2025-03-03", "DATE", NULL},
      {"Christmas Eve", "2024-12-24", "DATE", NULL},
      {"decades-long", "PXE", "DURATION", NULL}}, 4},
};

NF_TEST(dates_end_to_end_through_public_api)
{
    nf_error err;
    nf_rules *rules = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(rules != NULL);
    if (!rules) return;
    for (size_t c = 0; c < sizeof e2e / sizeof e2e[0]; c++) {
        const e2e_case *k = &e2e[c];
        nf_extract_options opts;
        nf_extract_options_init(&opts);
        opts.dct = k->dct;
        opts.flags |= NF_EXTRACT_ALL_TEXT;
        nf_doc *doc = nf_extract(rules, NULL, k->text, strlen(k->text), &opts, &err);
        NF_CHECK(doc != NULL);
        if (!doc) continue;
        size_t n = nf_doc_count(doc, NF_KIND_DATE);
        if (k->count >= 0 && (size_t)k->count != n) {
            nft_fail(__FILE__, __LINE__, "case %zu: %zu dates, expected %d", c, n, k->count);
            for (size_t i = 0; i < n; i++) {
                const nf_date *d = nf_doc_date(doc, i);
                nft_fail(__FILE__, __LINE__, "  got '%.*s' %s", (int)(d->span.end - d->span.start),
                         k->text + d->span.start, d->value ? d->value : "null");
            }
        }
        for (int j = 0; j < 6 && k->dates[j].text; j++) {
            const e2e_date *x = &k->dates[j];
            const nf_date *hit = NULL;
            for (size_t i = 0; i < n && !hit; i++) {
                const nf_date *d = nf_doc_date(doc, i);
                size_t len = d->span.end - d->span.start;
                if (len == strlen(x->text) && !memcmp(k->text + d->span.start, x->text, len))
                    hit = d;
            }
            if (!hit) {
                nft_fail(__FILE__, __LINE__, "case %zu: no date '%s'", c, x->text);
                continue;
            }
            const char *v = hit->value ? hit->value : "";
            if (strcmp(v, x->value) != 0)
                nft_fail(__FILE__, __LINE__, "case %zu: '%s' = '%s', expected '%s'", c, x->text, v,
                         x->value);
            NF_CHECK_EQ_STR(nf_timex_type_name(hit->type), x->type);
            if (x->mod) NF_CHECK_EQ_STR(hit->mod, x->mod);
            else if (hit->mod) nft_fail(__FILE__, __LINE__, "case %zu: '%s' mod %s", c, x->text, hit->mod);
        }
        nf_doc_free(doc);
    }
    nf_rules_free(rules);
}
