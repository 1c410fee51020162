/* test_structure.c - lines and paragraphs (lines.c), meta and body
 * (structure.c). Every page below is invented for these tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "rules.h"

static nf_rules *st_rules(const char *yaml)
{
    nf_error err;
    return nf_rules_load_buffer(yaml, strlen(yaml), "<test>", NULL, &err);
}

/* Without nf_extract's last steps, which free the lines (read by the
 * structure stage only) that some tests look at. */
static nf_doc *st_extract(const nf_rules *rules, const char *text, const char *dct)
{
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.dct = dct;
    nf_error err;
    return nfi_extract_unpublished(rules, NULL, text, strlen(text), &o, &err);
}

/* The text of a span, or "(unset)" (static buffer: one use per check). */
static const char *st_text(const nf_doc *doc, nf_span s)
{
    static char buf[4][256];
    static int k;
    char *b = buf[k++ & 3];
    if (s.start == NF_UNSET || s.end > nf_doc_bytes(doc) || s.end < s.start) return "(unset)";
    size_t n = s.end - s.start < 255 ? s.end - s.start : 255;
    memcpy(b, nf_doc_text(doc) + s.start, n);
    b[n] = 0;
    return b;
}

static bool st_starts(const nf_doc *doc, nf_span s, const char *prefix)
{
    return s.start != NF_UNSET && strncmp(nf_doc_text(doc) + s.start, prefix, strlen(prefix)) == 0;
}

static bool st_ends(const nf_doc *doc, nf_span s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.start != NF_UNSET && s.end - s.start >= n &&
           strncmp(nf_doc_text(doc) + s.end - n, suffix, n) == 0;
}

/* ------------------------------------------------------------ lines */

/* The first line of paragraph p as the structure stage finds it (a line
 * records only its span): the first that ends after the paragraph starts. */
static size_t st_first_line(const nf_doc *doc, size_t p)
{
    size_t l = 0;
    while (l < doc->lines.len && doc->lines.items[l].span.end <= doc->paragraphs.items[p].span.start) l++;
    return l;
}

NF_TEST(structure_lines_bom_crlf_cr)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] = "\xEF\xBB\xBFline one\r\nline two\r\rthird";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(doc->lines.len, 4);
        NF_CHECK_EQ_INT(doc->lines.items[0].span.start, 3); /* BOM outside */
        NF_CHECK_EQ_INT(doc->lines.items[0].span.end, 11);
        NF_CHECK_EQ_INT(doc->lines.items[1].span.start, 13);
        NF_CHECK_EQ_INT(doc->lines.items[1].span.end, 21);
        NF_CHECK_EQ_INT(doc->lines.items[2].span.start, 22); /* the empty line */
        NF_CHECK_EQ_INT(doc->lines.items[2].span.end, 22);
        NF_CHECK_EQ_INT(doc->lines.items[3].span.start, 23);
        NF_CHECK_EQ_INT(doc->lines.items[3].span.end, 28); /* no line end at the end */
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_PARAGRAPH), 2);
        const nf_paragraph *p0 = nf_doc_paragraph(doc, 0), *p1 = nf_doc_paragraph(doc, 1);
        NF_CHECK_EQ_INT(p0->span.start, 3);
        NF_CHECK_EQ_INT(p0->span.end, 21);
        NF_CHECK_EQ_INT(p0->lines, 2);
        NF_CHECK_EQ_INT(p1->span.start, 23);
        NF_CHECK_EQ_INT(p1->lines, 1);
        NF_CHECK_EQ_INT(st_first_line(doc, 0), 0);
        NF_CHECK_EQ_INT(st_first_line(doc, 1), 3); /* after the empty line */
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_lines_trim_and_blank_unicode_space)
{
    nf_rules *rules = st_rules("schema: 1\n");
    /* indented line, a line of NO-BREAK SPACEs (blank), trailing spaces */
    const char text[] = "  alpha beta  \n\xC2\xA0\xC2\xA0\n\tgamma\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(doc->lines.len, 3); /* no empty line after the final \n */
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_PARAGRAPH), 2);
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_paragraph(doc, 0)->span), "alpha beta");
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_paragraph(doc, 1)->span), "gamma");
        NF_CHECK_EQ_INT(st_first_line(doc, 0), 0); /* indented */
        NF_CHECK_EQ_INT(st_first_line(doc, 1), 2); /* after a line of NO-BREAK SPACEs */
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_empty_and_blank_inputs)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char *inputs[] = {"", "\n", "\r\n\r\n", "   \n \t \n", "\xEF\xBB\xBF"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        nf_doc *doc = st_extract(rules, inputs[i], NULL);
        NF_CHECK(doc != NULL);
        if (!doc) continue;
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_PARAGRAPH), 0);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 0);
        NF_CHECK(nf_doc_meta(doc)->headline.span.start == NF_UNSET);
        NF_CHECK(nf_doc_dct(doc, NULL) == NULL);
        nf_doc_free(doc);
    }
    nf_rules_free(rules);
}

NF_TEST(structure_one_line_without_newline)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] = "The lighthouse keeper said the lamp had been repaired and would shine again tonight.";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(doc->lines.len, 1);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK_EQ_INT(b.start, 0);
        NF_CHECK_EQ_INT(b.end, strlen(text));
        NF_CHECK(nf_doc_meta(doc)->headline.span.start == NF_UNSET); /* a sentence, not a title */
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* ------------------------------------------------------------ a whole page */

static const char page_a[] =
    "Home | World | Business | Sports | Opinion\n"
    "Sign in\n"
    "Subscribe\n"
    "\n"
    "Harbour Council Approves Plan to Rebuild the Old Ferry Pier\n"
    "Published: March 3, 2024 | 7:15 AM GMT\n"
    "By Maribel Okafor and Tomas Lindqvist\n"
    "\n"
    "PORTWELL (Northwire) - The harbour council voted on Tuesday to rebuild the old ferry "
    "pier, ending a dispute that has lasted almost ten years.\n"
    "Council members said the new pier would open to passengers in the spring of next year, "
    "after the ground work is done.\n"
    "\"We have waited long enough for this decision,\" said the council's chair, who has "
    "pushed for the rebuilding since her election.\n"
    "Residents who opposed the plan argued that the money should go to the town's schools "
    "instead.\n"
    "\n"
    "Funding and timetable\n"
    "The project will be paid for by a regional grant and a small rise in mooring fees, the "
    "council said in a statement.\n"
    "Work is expected to begin in the autumn, once the winter storms have passed and the old "
    "timbers are removed.\n"
    "\n"
    "Related\n"
    "Council election results\n"
    "Ferry timetable changes\n"
    "Harbour festival returns\n"
    "\n"
    "\xC2\xA9 2024 Example Media Ltd. All rights reserved.\n";

NF_TEST(structure_page_meta_and_body)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_a, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->headline.span),
                        "Harbour Council Approves Plan to Rebuild the Old Ferry Pier");
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "Maribel Okafor and Tomas Lindqvist");
        NF_CHECK_EQ_STR(st_text(doc, m->dateline.span), "PORTWELL");
        NF_CHECK_EQ_STR(st_text(doc, m->source.span), "Northwire");
        NF_CHECK_EQ_STR(st_text(doc, m->published.span), "March 3, 2024 | 7:15 AM GMT");
        NF_CHECK_EQ_STR(m->published.value, "2024-03-03T07:15+00:00");
        nf_dct_source src;
        NF_CHECK_EQ_STR(nf_doc_dct(doc, &src), "2024-03-03T07:15+00:00");
        NF_CHECK_EQ_INT(src, NF_DCT_TEXT);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The harbour council voted")); /* after the dateline */
        NF_CHECK(st_ends(doc, b, "old timbers are removed."));   /* crosshead inside */
        /* paragraphs outside the body are flagged */
        NF_CHECK(nf_doc_paragraph(doc, 0)->flags & NF_FACT_OUTSIDE_BODY);
        NF_CHECK(!(nf_doc_paragraph(doc, 2)->flags & NF_FACT_OUTSIDE_BODY));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_caller_dct_wins_over_stamp)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_a, "2024-03-05");
    NF_CHECK(doc != NULL);
    if (doc) {
        nf_dct_source src;
        NF_CHECK_EQ_STR(nf_doc_dct(doc, &src), "2024-03-05");
        NF_CHECK_EQ_INT(src, NF_DCT_CALLER);
        NF_CHECK_EQ_STR(nf_doc_meta(doc)->published.value, "2024-03-03T07:15+00:00");
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* Scraped one paragraph per line, "Agency CITY", an updated stamp with a
 * US zone, a price box and a comments section after the article. */
static const char page_b[] =
    "Wind Farm Output Hits Record as Storm Sweeps the Coast\n"
    "AFP SOUTHPORT\n"
    "Updated: Nov 8, 2023, 2:05 PM EST\n"
    "Offshore turbines produced more electricity on Wednesday than on any day since the "
    "farm opened, the grid operator said.\n"
    "Engineers had feared that the strongest gusts would force the turbines to shut down, "
    "but most of them kept running through the night.\n"
    "The operator said the output covered the needs of about two million homes for several "
    "hours.\n"
    "Local fishermen, who stayed in port because of the storm, watched the blades turn from "
    "the harbour wall.\n"
    "Get unlimited access for $4.99/month\n"
    "Cancel anytime\n"
    "COMMENTS\n"
    "Be the first to comment.\n";

NF_TEST(structure_page_agency_city_and_updated_stamp)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_b, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->headline.span),
                        "Wind Farm Output Hits Record as Storm Sweeps the Coast");
        NF_CHECK_EQ_STR(st_text(doc, m->dateline.span), "SOUTHPORT");
        NF_CHECK_EQ_STR(st_text(doc, m->source.span), "AFP");
        NF_CHECK_EQ_STR(st_text(doc, m->published.span), "Nov 8, 2023, 2:05 PM EST");
        NF_CHECK_EQ_STR(m->published.value, "2023-11-08T14:05-05:00");
        NF_CHECK(m->byline.span.start == NF_UNSET);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Offshore turbines produced"));
        NF_CHECK(st_ends(doc, b, "from the harbour wall."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A credit line gives the byline when no "By" line exists; an ISO stamp;
 * a list the text introduces stays in the body. */
static const char page_c[] =
    "Posted 2022-06-30T08:00:00Z\n"
    "\n"
    "City Library Extends Opening Hours for the Summer\n"
    "\n"
    "The city library will stay open until nine in the evening from next week, the library "
    "board announced on Thursday.\n"
    "\n"
    "The board said the longer hours were made possible by volunteers and would cover:\n"
    "- the reading rooms on both floors\n"
    "- the children's corner and its story hour\n"
    "- the new study booths near the entrance\n"
    "\n"
    "Visitors have asked for longer hours for years, and the board said it would review the "
    "change in the autumn.\n"
    "\n"
    "(Writing by Ana Ruiz; Editing by Tom Birch)\n"
    "\n"
    "Read more\n"
    "Museum reopens after repairs\n"
    "Parks to get new benches\n";

NF_TEST(structure_credit_byline_iso_stamp_and_lists)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_c, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->headline.span),
                        "City Library Extends Opening Hours for the Summer");
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "Ana Ruiz");
        NF_CHECK_EQ_STR(st_text(doc, m->published.span), "2022-06-30T08:00:00Z");
        NF_CHECK_EQ_STR(m->published.value, "2022-06-30T08:00+00:00");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The city library will stay open"));
        NF_CHECK(st_ends(doc, b, "review the change in the autumn."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_only_clutter_has_no_body)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] = "Home\nNews\nSport\nWeather\n\nSubscribe to our newsletter\n"
                        "Privacy policy | Terms of use | Cookies\n"
                        "\xC2\xA9 2021 Nobody Media. All rights reserved.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 0);
        NF_CHECK(nf_doc_meta(doc)->published.span.start == NF_UNSET);
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_hard_wrapped_paragraphs)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "Bridge Repairs Finished Early\n"
        "\n"
        "Repairs to the river bridge were finished two weeks ahead of the\n"
        "schedule, the roads department said on Monday, and the bridge will\n"
        "reopen to cars and buses on Wednesday morning after final checks.\n"
        "\n"
        "The department thanked drivers for their patience during the long\n"
        "closure, which had forced many of them onto a much longer route\n"
        "through the hills north of the town for most of the winter months.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span),
                        "Bridge Repairs Finished Early");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Repairs to the river bridge"));
        NF_CHECK(st_ends(doc, b, "for most of the winter months."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_sentence_with_date_is_not_a_stamp)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "Orchard Growers Expect a Smaller Harvest\n\n"
        "Growers said on Friday that the late frost of April 2, 2023 had damaged many of the "
        "blossoms in the valley, and they expect a smaller harvest.\n"
        "Prices at the market have already risen, traders said.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK(nf_doc_meta(doc)->published.span.start == NF_UNSET);
        NF_CHECK(nf_doc_dct(doc, NULL) == NULL);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_ten_thousand_lines)
{
    nf_rules *rules = st_rules("schema: 1\n");
    size_t cap = 10000 * 96 + 64, n = 0;
    char *text = malloc(cap);
    NF_CHECK(text != NULL);
    if (!text) return;
    n += (size_t)snprintf(text + n, cap - n, "A Very Long Report\n");
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "In section %d the committee said it had met again and agreed on "
                              "further steps.\n", i);
    nf_extract_options o;
    nf_extract_options_init(&o);
    nf_error err;
    nf_doc *doc = nfi_extract_unpublished(rules, NULL, text, n, &o, &err);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(doc->lines.len, 10001);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "In section 0 "));
        NF_CHECK_EQ_INT(b.end, n - 1);
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span), "A Very Long Report");
    }
    nf_doc_free(doc);
    free(text);
    nf_rules_free(rules);
}

NF_TEST(structure_settings_from_rules_win)
{
    /* min_body_score set very high: no run qualifies, so no body */
    nf_rules *rules = st_rules("schema: 1\nsettings:\n  structure.min_body_score: 100000\n");
    NF_CHECK(rules != NULL);
    if (!rules) return;
    if (!nfi_rules_setting(rules, "structure.min_body_score")) { /* engine not in yet */
        nf_rules_free(rules);
        return;
    }
    nf_doc *doc = st_extract(rules, page_a, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 0);
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->byline.span),
                        "Maribel Okafor and Tomas Lindqvist");
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* Byline with an agency after a comma, a paren dateline with a region and
 * an em dash, a stamp with "at" and p.m., an advertisement inside. */
static const char page_d[] =
    "Skip to content\n"
    "Menu\n"
    "Search\n"
    "\n"
    "Trains to Run Every Ten Minutes on the Coastal Line\n"
    "By JANE DOE, Associated Press\n"
    "March 4, 2024 at 3:15 p.m. EST\n"
    "\n"
    "WESTHAVEN, Maine (AP) \xE2\x80\x94 Commuter trains on the coastal line will run every ten "
    "minutes from June, the regional transit agency said Monday.\n"
    "The agency said it had hired forty new drivers and repaired the signals that caused "
    "delays last winter.\n"
    "Advertisement\n"
    "Riders welcomed the news but said the trains were still too crowded at rush hour.\n"
    "\"We will add carriages as soon as they are delivered,\" a spokeswoman for the agency "
    "said.\n"
    "\n"
    "Share this article\n"
    "Facebook Twitter Email\n";

NF_TEST(structure_page_agency_byline_and_advertisement)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_d, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "JANE DOE");
        NF_CHECK_EQ_STR(st_text(doc, m->dateline.span), "WESTHAVEN");
        NF_CHECK_EQ_STR(st_text(doc, m->source.span), "AP");
        NF_CHECK_EQ_STR(m->published.value, "2024-03-04T15:15-05:00");
        size_t nb = nf_doc_count(doc, NF_KIND_BODY);
        NF_CHECK(nb >= 1);
        if (nb >= 1) {
            NF_CHECK(st_starts(doc, nf_doc_body(doc, 0), "Commuter trains"));
            NF_CHECK(st_ends(doc, nf_doc_body(doc, nb - 1), "for the agency said."));
            /* the advertisement label is outside every region */
            const char *ad = strstr(page_d, "Advertisement");
            for (size_t i = 0; i < nb; i++) {
                nf_span b = nf_doc_body(doc, i);
                NF_CHECK(!(b.start <= (size_t)(ad - page_d) && (size_t)(ad - page_d) < b.end));
            }
        }
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* The article starts on the first line with a dated dateline; the credit
 * line closes it. */
NF_TEST(structure_dateline_with_date_and_credit_after_body)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "NEW HARBOUR, March 3 (Wirecast) - Shares of small toy makers rose sharply on Friday "
        "after a large retailer said it would stock more locally made games.\n"
        "The retailer did not say how many products it would add, but analysts said the change "
        "could double sales for some of the smaller firms.\n"
        "\n"
        "(Reporting by Lena Park; Editing by Omar Haddad)\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->dateline.span), "NEW HARBOUR");
        NF_CHECK_EQ_STR(st_text(doc, m->source.span), "Wirecast");
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "Lena Park");
        NF_CHECK(m->headline.span.start == NF_UNSET);
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Shares of small toy makers"));
        NF_CHECK(st_ends(doc, b, "some of the smaller firms."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A summary list before the headline, a time before the date in the
 * stamp, a numbered "Most read" list after the article. */
static const char page_h[] =
    "Key points\n"
    "\xE2\x80\xA2 Fares will rise by five percent in April\n"
    "\xE2\x80\xA2 Discounts for students will stay in place\n"
    "\n"
    "Bus Fares to Rise in April\n"
    "By Priya Nair\n"
    "Published 14:20 GMT, 2 February 2024\n"
    "\n"
    "Bus fares across the county will rise by five percent from April, the transport "
    "authority said on Friday, blaming higher fuel and wage costs.\n"
    "The authority said discounts for students and pensioners would stay in place, and that "
    "it would review the increase after a year.\n"
    "Passenger groups said the rise would hit people who have no other way to get to work.\n"
    "\n"
    "Most read\n"
    "1. Storm closes coastal road\n"
    "2. School meals to get cheaper\n"
    "3. New cycle lanes open\n";

NF_TEST(structure_time_before_date_and_summary_list)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_h, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_STR(st_text(doc, m->headline.span), "Bus Fares to Rise in April");
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "Priya Nair");
        NF_CHECK_EQ_STR(st_text(doc, m->published.span), "14:20 GMT, 2 February 2024");
        NF_CHECK_EQ_STR(m->published.value, "2024-02-02T14:20+00:00");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Bus fares across the county"));
        NF_CHECK(st_ends(doc, b, "no other way to get to work."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A line that ends in a closing quote and then white space of two and
 * three bytes (NO-BREAK SPACE, IDEOGRAPHIC SPACE): the headline ends at
 * the quote. */
NF_TEST(structure_headline_ends_before_unicode_spaces)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules,
                             "Canal Boats Return to the \xe2\x80\x9cOld Town\xe2\x80\x9d\xc2\xa0\xe3\x80\x80 \n"
                             "Last modified Thursday, 14 March 2024 17:30 CET\n\n"
                             "The first canal boats of the season returned to the old town on "
                             "Saturday, and the harbour master said more would follow within days.\n",
                             NULL);
    NF_CHECK(doc != NULL);
    if (doc)
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span),
                        "Canal Boats Return to the \xe2\x80\x9cOld Town\xe2\x80\x9d");
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_stamp_formats)
{
    nf_rules *rules = st_rules("schema: 1\n");
    static const struct {
        const char *line, *span, *value;
    } cases[] = {
        {"Updated: Feb. 27, 2025 8:05 a.m. ET", "Feb. 27, 2025 8:05 a.m. ET", "2025-02-27T08:05-05:00"},
        {"Friday 28 February 2025 09.45 GMT", "Friday 28 February 2025 09.45 GMT",
         "2025-02-28T09:45+00:00"},
        {"Posted 2025-02-27 14:03:11", "2025-02-27 14:03:11", "2025-02-27T14:03"},
        {"Published on 3 Jan 2024, 12:00 am IST", "3 Jan 2024, 12:00 am IST",
         "2024-01-03T00:00+05:30"},
        {"Date: 2023-07-04T10:00:00+02:00", "2023-07-04T10:00:00+02:00", "2023-07-04T10:00+02:00"},
        {"Posted on April 31, 2024", NULL, NULL}, /* no such day */
        {"Last updated 25:61, 5 May 2022", "5 May 2022", "2022-05-05"}, /* no such time */
        /* the match starts at the weekday, after letters that begin none */
        {"Last modified Thursday, 14 March 2024 17:30 CET", "Thursday, 14 March 2024 17:30 CET",
         "2024-03-14T17:30+01:00"},
        /* U+017F LATIN SMALL LETTER LONG S matches 's' caselessly: "sat" */
        {"\xc5\xbf" "at 5 Oct 2024", "\xc5\xbf" "at 5 Oct 2024", "2024-10-05"},
        /* a sentence that mentions a date: too many words around it */
        {"The harbour master said on 3 Jan 2024 that the first boats of the season would come back "
         "to the old town within a few days of the thaw on the canal",
         NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "Canal Boats Return to the Old Town\n%s\n\nThe first canal boats of the season "
                 "returned to the old town on Saturday, and the harbour master said more would "
                 "follow within days.\n",
                 cases[i].line);
        nf_doc *doc = st_extract(rules, text, NULL);
        NF_CHECK(doc != NULL);
        if (!doc) continue;
        const nf_meta *m = nf_doc_meta(doc);
        if (cases[i].span) {
            NF_CHECK_EQ_STR(st_text(doc, m->published.span), cases[i].span);
            NF_CHECK_EQ_STR(m->published.value, cases[i].value);
        } else {
            NF_CHECK(m->published.span.start == NF_UNSET);
        }
        nf_doc_free(doc);
    }
    nf_rules_free(rules);
}

/* Teasers under "Related stories" are longer than the article itself: the
 * heading makes them lose. */
NF_TEST(structure_related_teasers_do_not_win)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "Ferry Service Suspended After Engine Fault\n\n"
        "The island ferry will not sail until Thursday after engineers found a fault in one of "
        "its engines, the operator said.\n"
        "Passengers with tickets for the cancelled crossings can travel on the next available "
        "sailing or ask for a refund.\n"
        "The operator said a replacement part was on its way from the mainland.\n\n"
        "Related stories\n"
        "Harbour tolls to rise next year as the port authority seeks money for new cranes and "
        "repairs to the old quay.\n"
        "Island school wins national award for its music programme, which teaches every pupil "
        "to play an instrument.\n"
        "Lifeboat crew rescues two walkers cut off by the tide on the north beach late on "
        "Sunday evening.\n"
        "Council approves new car park near the ferry terminal despite objections from "
        "residents and shop owners.\n"
        "Fishing fleet returns early as storm warnings are issued for the whole coast over the "
        "weekend.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The island ferry will not sail"));
        NF_CHECK(st_ends(doc, b, "on its way from the mainland."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A standfirst right before the article, nothing between: it restates the
 * first paragraph, so it is not body. */
NF_TEST(structure_standfirst_that_restates_is_not_body)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "Orchard Town Plans a New Cider Museum\n\n"
        "The town will turn its old cider mill into a museum that tells the story of the "
        "valley's orchards.\n\n"
        "The town council agreed on Monday to turn the old cider mill into a museum that will "
        "tell the story of the valley's orchards and the families who ran them.\n"
        "Work on the building will begin next spring, and the museum should open the year "
        "after, the council said.\n"
        "Local growers have offered to lend presses, barrels and photographs for the first "
        "exhibition.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span),
                        "Orchard Town Plans a New Cider Museum");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The town council agreed on Monday"));
        NF_CHECK(st_ends(doc, b, "for the first exhibition."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* ------------------------------------------------------------ HTML input */

static const char page_html[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
    "<title>Pier Plan Approved | Example Gazette</title>\n"
    "<meta property=\"article:published_time\" content=\"2024-03-03T07:15:00+00:00\">\n"
    "<script>var pageTitle = \"Subscribe now. The script is not text.\";</script>\n"
    "<style>p { margin: 0 }</style></head>\n"
    "<body><nav><a href=\"/\">Home</a> | <a href=\"/w\">World</a></nav>\n"
    "<article><h1>Harbour Council Approves Plan to Rebuild the Old Ferry Pier</h1>\n"
    "<p class=\"byline\">By <a rel=\"author\" href=\"/a\">Maribel Okafor</a></p>\n"
    "<p>The harbour council voted on Tuesday to rebuild the old ferry pier, ending a "
    "dispute that has lasted almost ten&nbsp;years.</p>\n"
    "<p>&ldquo;We have waited long enough for this decision,&rdquo; said the "
    "council&rsquo;s chair, who has pushed for the rebuilding since her election.</p>\n"
    "<p>Residents who opposed the plan argued that the money should go to the "
    "town&#8217;s schools instead.</p></article>\n"
    "<aside><h2>Related</h2><ul><li><a href=\"/x\">Council election results</a></li></ul></aside>\n"
    "<footer>&copy; 2024 Example Media Ltd. All rights reserved.</footer>\n"
    "</body></html>\n";

NF_TEST(structure_html_page)
{
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, page_html, NULL); /* detected: <!DOCTYPE html> */
    NF_CHECK(doc != NULL);
    if (doc) {
        const nf_meta *m = nf_doc_meta(doc);
        NF_CHECK_EQ_INT(nf_doc_bytes(doc), strlen(page_html));
        NF_CHECK_EQ_STR(st_text(doc, m->headline.span),
                        "Harbour Council Approves Plan to Rebuild the Old Ferry Pier");
        NF_CHECK_EQ_STR(st_text(doc, m->byline.span), "Maribel Okafor");
        NF_CHECK_EQ_STR(st_text(doc, m->published.span), "2024-03-03T07:15:00+00:00");
        NF_CHECK_EQ_STR(m->published.value, "2024-03-03T07:15+00:00");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The harbour council voted")); /* offsets into the HTML */
        NF_CHECK(st_ends(doc, b, "town&#8217;s schools instead."));
        /* script, style, nav, aside and footer text are in no paragraph */
        for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_PARAGRAPH); i++) {
            const char *p = st_text(doc, nf_doc_paragraph(doc, i)->span);
            NF_CHECK(!strstr(p, "pageTitle") && !strstr(p, "margin") && !strstr(p, "World") &&
                     !strstr(p, "election results") && !strstr(p, "Example Media"));
            NF_CHECK(!strstr(p, "<p"));
        }
        /* references decoded in place, the same length */
        const char *ref = strstr(page_html, "&ldquo;We");
        size_t at = (size_t)(ref - page_html);
        NF_CHECK(memcmp(doc->work + at + 4, "\xE2\x80\x9CWe", 5) == 0); /* “ sticks to "We" */
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_html_only_when_html)
{
    nf_rules *rules = st_rules("schema: 1\n");
    /* plain text that mentions tags is text; NF_EXTRACT_PLAIN forces text */
    const char text[] = "Use <p> for paragraphs.\nA second line.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) NF_CHECK_EQ_INT(doc->lines.len, 2);
    nf_doc_free(doc);
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_PLAIN;
    nf_error err;
    doc = nf_extract(rules, NULL, page_html, strlen(page_html), &o, &err);
    NF_CHECK(doc != NULL);
    if (doc) NF_CHECK(strstr(doc->work, "<title>") != NULL);
    nf_doc_free(doc);
    /* NF_EXTRACT_HTML forces HTML without a doctype */
    const char frag[] = "<p>One.</p><p>Two.</p>";
    o.flags = NF_EXTRACT_HTML;
    doc = nf_extract(rules, NULL, frag, strlen(frag), &o, &err);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_PARAGRAPH), 2);
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_paragraph(doc, 1)->span), "Two.");
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

NF_TEST(structure_html_references_inside_words)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char page[] = "<p>Trump&rsquo;s caf&eacute;s</p>";
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_HTML;
    nf_error err;
    nf_doc *doc = nf_extract(rules, NULL, page, strlen(page), &o, &err);
    NF_CHECK(doc != NULL);
    if (doc) {
        /* "Trump" "’" + spaces + "s": splits like a possessive */
        NF_CHECK(memcmp(doc->work + 3, "Trump\xE2\x80\x99    s", 13) == 0);
        /* "caf" "é" + WORD JOINER x2 + "s": one word */
        NF_CHECK(memcmp(doc->work + 17, "caf\xC3\xA9\xE2\x81\xA0\xE2\x81\xA0s", 12) == 0);
        NF_CHECK_EQ_INT(nfi_utf8_validate(doc->work, doc->len), doc->len);
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* Plain wire copy: a headline, a dateline with a date, a sentence broken
 * over two lines, a results table with sub-heads and a short line with a
 * "Mc" name. Nothing of a web page around it, so everything after the
 * header is the article. */
NF_TEST(structure_plain_text_with_results_table)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] = "ROWING - REGIONAL REGATTA RESULTS .\n"
                        "HALDEN 2019-06-02\n"
                        "Results of the regional\n"
                        "rowing regatta on the lake on Sunday :\n"
                        "Single sculls\n"
                        "1. Maren Tolvsen ( Lakeside ) 7:21.40\n"
                        "2. Ivo Brandtner ( Northport ) 7:24.02\n"
                        "3. Kasper Lund ( Lakeside ) 7:30.55\n"
                        "Double sculls\n"
                        "1. Lakeside 6:58.10\n"
                        "2. Northport 7:01.77\n"
                        "Postponed : coxed fours\n"
                        "The organisers said strong wind had forced them to move two races to Monday .\n"
                        "Race referee Dara McKenna\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Results of the regional"));
        NF_CHECK(st_ends(doc, b, "Race referee Dara McKenna"));
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->published.span), "2019-06-02");
        /* the wire header: a headline in capitals with a period, "CITY <date>" */
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span),
                        "ROWING - REGIONAL REGATTA RESULTS .");
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->dateline.span), "HALDEN");
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
    /* the same text with the plain-text rule switched off: the table is
     * still body, the lines after the last sentence are not */
    rules = st_rules("schema: 1\nsettings:\n  structure.plain_text: 0\n");
    doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "Results of the regional"));
        NF_CHECK(st_ends(doc, b, "two races to Monday ."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* A web page (menu, newsletter box, "Most read" list): the plain-text rule
 * does not apply, a short results table inside the article stays body and
 * the teasers after it do not join. */
NF_TEST(structure_web_page_with_table_keeps_limits)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] =
        "Home\nNews\nSport\nWeather\n\n"
        "Lakeside crew wins regatta\n\n"
        "The Lakeside crew won the regional regatta on Sunday, beating Northport by three seconds "
        "in the final race of the day.\n"
        "Results of the final race\n"
        "Lakeside 6:58.10\n"
        "Northport 7:01.77\n"
        "Eastham 7:05.31\n"
        "The organisers said the next regatta would be held on the same lake in August, weather "
        "permitting.\n\n"
        "Subscribe to our newsletter\n"
        "Most read\n"
        "Council to close the old pool in 2 weeks\n"
        "New bus timetable from 1 May\n"
        "Library opens 3 new rooms\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        nf_span b = nf_doc_body(doc, 0);
        NF_CHECK(st_starts(doc, b, "The Lakeside crew won"));
        NF_CHECK(st_ends(doc, b, "weather permitting."));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* Wire copy with a region after the city, and a section kicker in the
 * headline: the kicker is no dateline. */
NF_TEST(structure_wire_header_city_region_date)
{
    nf_rules *rules = st_rules("schema: 1\n");
    const char text[] = "Ferry - New timetable for the island route .\n"
                        "PORT ELLEN , Islay 2020-03-14\n"
                        "The island ferry will sail twice a day from Monday, the operator said "
                        "in a statement on Saturday, after the winter timetable ends.\n"
                        "Tickets for the new crossings can be booked from next week at the "
                        "harbour office or on the operator's website.\n";
    nf_doc *doc = st_extract(rules, text, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->dateline.span), "PORT ELLEN");
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span),
                        "Ferry - New timetable for the island route .");
        NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->published.span), "2020-03-14");
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        NF_CHECK(st_starts(doc, nf_doc_body(doc, 0), "The island ferry"));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
    /* a headline in capitals after a section kicker is no "CITY -" dateline */
    const char text2[] = "ROWING - LAKESIDE WIN AGAIN .\n\n"
                         "The Lakeside crew won the regional regatta on Sunday, beating Northport "
                         "by three seconds in the final race of the day.\n";
    doc = st_extract(rules = st_rules("schema: 1\n"), text2, NULL);
    NF_CHECK(doc != NULL);
    if (doc) NF_CHECK(nf_doc_meta(doc)->dateline.span.start == NF_UNSET);
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* nf_extract of text[0, n) with the default options, without its last
 * steps (the stage's work count is on the document). */
static nf_doc *extract_len(const nf_rules *rules, const char *text, size_t n)
{
    nf_extract_options o;
    nf_extract_options_init(&o);
    nf_error err;
    return nfi_extract_unpublished(rules, NULL, text, n, &o, &err);
}

/* Four times the lines take at most 4.5 times the stage's work (a
 * quadratic part would take 16 times): a work count, not a clock, so
 * that the check does not depend on the machine. */
static void check_structure_linear(const char *what, uint64_t w1, uint64_t w4)
{
    double ratio = w1 ? (double)w4 / (double)w1 : 0;
    if (!(ratio > 3.5 && ratio <= 4.5))
        fprintf(stderr, "%s: %llu -> %llu (x%.2f)\n", what, (unsigned long long)w1,
                (unsigned long long)w4, ratio);
    NF_CHECK(ratio > 3.5 && ratio <= 4.5);
}

/* head, then `units` lines of line (numbered: each with its number
 * after a space), then tail. */
static char *repeated_lines(const char *head, const char *line, bool numbered, int units,
                            const char *tail, size_t *n)
{
    size_t cap = strlen(head) + (size_t)units * (strlen(line) + 13) + strlen(tail) + 1;
    char *text = malloc(cap);
    if (!text) return NULL;
    *n = (size_t)snprintf(text, cap, "%s", head);
    for (int i = 0; i < units; i++)
        *n += numbered ? (size_t)snprintf(text + *n, cap - *n, "%s %d\n", line, i)
                       : (size_t)snprintf(text + *n, cap - *n, "%s\n", line);
    *n += (size_t)snprintf(text + *n, cap - *n, "%s", tail);
    return text;
}

/* "Quiet Report" and then lines that each go on in lower case. */
static char *continued_lines(int lines, size_t *n)
{
    return repeated_lines("Quiet Report\n", "the river runs on", false, lines, "and ends here.\n", n);
}

/* The structure stage's work on the text make(units) builds, after the
 * checks of check on its document; 0 if it could not be made. */
static uint64_t structure_work_of(char *(*make)(int units, size_t *n), int units,
                                  void (*check)(const nf_doc *doc))
{
    nf_rules *rules = st_rules("schema: 1\n");
    size_t n = 0;
    char *text = make(units, &n);
    NF_CHECK(text != NULL);
    nf_doc *doc = text ? extract_len(rules, text, n) : NULL;
    NF_CHECK(doc != NULL);
    uint64_t work = 0;
    if (doc) {
        work = doc->structure_work;
        check(doc);
    }
    nf_doc_free(doc);
    free(text);
    nf_rules_free(rules);
    return work;
}

static void check_continued_lines(const nf_doc *doc)
{
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
    nf_span b = nf_doc_body(doc, 0);
    NF_CHECK(st_starts(doc, b, "the river runs on"));
    NF_CHECK(st_ends(doc, b, "and ends here."));
}

/* Lines that each go on in lower case: one block, built in linear time
 * (each line is looked at once for the join, the block once more). */
NF_TEST(structure_long_run_of_continued_lines)
{
    check_structure_linear("continued lines",
                           structure_work_of(continued_lines, 15000, check_continued_lines),
                           structure_work_of(continued_lines, 60000, check_continued_lines));
}

/* A heading, an intro line ending with ':', `items` bullets, a last line. */
static char *bulleted_list(int items, size_t *n)
{
    return repeated_lines("Harbour Plan Approved\n\nThe council said on Monday that the plan "
                          "for the harbour has these parts:\n",
                          "\xe2\x80\xa2 a new berth for ferries", true, items,
                          "The mayor said the work would start next year.\n", n);
}

static void check_bulleted_list(const nf_doc *doc)
{
    NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
    nf_span b = nf_doc_body(doc, 0);
    NF_CHECK(st_starts(doc, b, "The council said"));
    NF_CHECK(st_ends(doc, b, "start next year."));
    NF_CHECK_EQ_STR(st_text(doc, nf_doc_meta(doc)->headline.span), "Harbour Plan Approved");
}

/* A list introduced by a line ending with ':' is the article's, however
 * long: each bullet finds the intro in constant time (it used to walk back
 * over the bullets before it, quadratic in the list). */
NF_TEST(structure_long_bulleted_list)
{
    check_structure_linear("bulleted list",
                           structure_work_of(bulleted_list, 37500, check_bulleted_list),
                           structure_work_of(bulleted_list, 150000, check_bulleted_list));
}

/* The plain-text rule is for plain text: an HTML page keeps its short
 * trailing block out of the body, the same words as plain text take it. */
NF_TEST(structure_plain_text_rule_not_for_html)
{
    static const char body[] =
        "<p>The harbour council voted on Monday to rebuild the old ferry pier before the "
        "summer season, the mayor said after the meeting.</p>\n"
        "<p>Work will start in April and the pier will reopen in June, she added, if the "
        "weather allows the divers to finish the repairs in time.</p>\n"
        "<p>Printed from the archive</p>\n";
    char html[2048], plain[2048];
    snprintf(html, sizeof html, "<!DOCTYPE html><html><body>\n%s</body></html>\n", body);
    size_t n = 0;
    for (const char *p = body; *p; p++) { /* the same text without tags */
        if (*p == '<') {
            while (*p && *p != '>') p++;
            continue;
        }
        plain[n++] = *p;
    }
    plain[n] = 0;
    nf_rules *rules = st_rules("schema: 1\n");
    nf_doc *doc = st_extract(rules, html, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        NF_CHECK(st_ends(doc, nf_doc_body(doc, 0), "repairs in time."));
    }
    nf_doc_free(doc);
    doc = st_extract(rules, plain, NULL);
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_BODY), 1);
        NF_CHECK(st_ends(doc, nf_doc_body(doc, 0), "Printed from the archive"));
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}

/* The phrase lists are looked up by their first word: a first word longer
 * than the eight bytes its key holds must still match whole, every phrase
 * with that first word counts (and each list its own), a phrase that
 * begins with a mark is tried at the marks, a word inside a longer word
 * counts for nothing, and each list stops at max. */
NF_TEST(structure_phrase_hits_by_first_word)
{
    nf_rules *rules = st_rules("schema: 1\nsettings:\n"
                               "  structure.clutter_words: [newsletters, read more, read next, share,\n"
                               "    share this, log in, /month, sign up, all rights reserved]\n"
                               "  structure.copyright_cues: [all rights reserved, \"(c)\"]\n"
                               "  structure.credit_cues: [reporting by]\n"
                               "  structure.caption_cues: [\"photo:\"]\n");
    NF_CHECK(rules != NULL);
    if (!rules) return;
    nf_error err;
    nfi_structure_ws *ws = nfi_structure_ws_new(rules, &err);
    NF_CHECK(ws != NULL);
    static const struct {
        const char *text;
        int max, hits[4]; /* clutter, copyright, credit, caption */
    } cases[] = {
        {"Our NEWSLETTERS", 9, {1, 0, 0, 0}},
        {"newsletterz, newsletter, newslettersx, Xnewsletters", 9, {0, 0, 0, 0}},
        {"Read more or read next", 9, {2, 0, 0, 0}},
        {"Share this", 9, {2, 0, 0, 0}},
        {"readmore, logins, signup, sign-up, shares", 9, {0, 0, 0, 0}},
        {"Log in for $5/month", 9, {2, 0, 0, 0}},
        {"(c) 2024 Nobody Media. All Rights Reserved.", 9, {1, 2, 0, 0}},
        {"Reporting by Ann Lee; Photo:AP", 9, {0, 0, 1, 1}},
        {"share share share share share", 3, {3, 0, 0, 0}},
    };
    for (size_t i = 0; ws && i < sizeof cases / sizeof cases[0]; i++) {
        int got[4];
        nfi_structure_phrase_hits(ws, cases[i].text, strlen(cases[i].text), got, cases[i].max);
        for (int k = 0; k < 4; k++) {
            if (got[k] != cases[i].hits[k]) fprintf(stderr, "case %zu list %d\n", i, k);
            NF_CHECK_EQ_INT(got[k], cases[i].hits[k]);
        }
    }
    nfi_structure_ws_free(ws);
    nf_rules_free(rules);
}

/* ------------------------------------------------------------ body flags */

/* Whether s lies inside one of the document's body regions, by a walk over
 * all of them. */
static bool st_in_some_region(const nf_doc *doc, nf_span s)
{
    size_t nb = nf_doc_count(doc, NF_KIND_BODY);
    for (size_t i = 0; i < nb; i++) {
        nf_span b = nf_doc_body(doc, i);
        if (b.start <= s.start && s.end <= b.end) return true;
    }
    return false;
}

/* A page whose paragraphs are cut apart by advertisement labels: more body
 * regions than the few the flagging walks over (nf_extract finds the one
 * region that can hold a fact by a binary search then). With
 * NF_EXTRACT_ALL_TEXT every fact, sentence and paragraph is kept and is
 * flagged exactly when no region holds it. */
NF_TEST(structure_many_regions_flag_facts_outside)
{
    static const char *const paras[] = {
        "WESTHAVEN, Maine (AP) \xE2\x80\x94 Commuter trains on the coastal line will run every "
        "ten minutes from June, the regional transit agency said Monday.",
        "The agency said it had hired forty new drivers and repaired the signals that caused "
        "delays last winter in Portland.",
        "Riders welcomed the news but said the trains were still too crowded at rush hour, "
        "according to Mary Smith of the Riders Union.",
        "\"We will add carriages as soon as they are delivered,\" a spokeswoman for the agency "
        "said on Tuesday.",
        "The governor, John Baker, said the state would pay for half of the new carriages by 2026.",
        "Officials in Boston said the line carried 40,000 riders a day last year, up from 31,000 "
        "in 2019.",
        "The new timetable starts on June 3, the agency said, and weekend trains will follow in "
        "September.",
        "Engineers from Lisbon will inspect the bridges at Rockport and Camden before the summer "
        "timetable begins.",
        "A union leader, Peter Novak, said drivers had been promised new contracts by the end of "
        "March.",
        "The transit board will vote on the fares at its meeting in Augusta on Thursday, a board "
        "member said.",
        "Ticket machines at twelve stations will be replaced in July, the agency said in a "
        "statement.",
        "Local shops near the stations said they expected more customers once the trains run "
        "more often.",
    };
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "%s",
                                "Skip to content\nMenu\n\nTrains to Run Every Ten Minutes on the "
                                "Coastal Line\nBy JANE DOE, Associated Press\nMarch 4, 2024 at "
                                "3:15 p.m. EST\n\n");
    for (size_t i = 0; i < sizeof paras / sizeof paras[0]; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s\n", i ? "Advertisement\n" : "",
                              paras[i]);
    n += (size_t)snprintf(text + n, sizeof text - n, "\nShare this article\nFacebook Twitter Email\n");
    nf_error err;
    nf_rules *rules = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(rules != NULL);
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags = NF_EXTRACT_ALL_TEXT;
    o.dct = "2024-03-04";
    nf_doc *doc = rules ? nf_extract(rules, NULL, text, n, &o, &err) : NULL;
    NF_CHECK(doc != NULL);
    if (doc) {
        NF_CHECK(nf_doc_count(doc, NF_KIND_BODY) > 4);
        size_t outside = 0, inside = 0;
        for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_ENTITY); i++) {
            const nf_entity *e = nf_doc_entity(doc, i);
            bool out = (e->flags & NF_FACT_OUTSIDE_BODY) != 0;
            NF_CHECK(out == !st_in_some_region(doc, e->span));
            outside += out, inside += !out;
        }
        for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_DATE); i++) {
            const nf_date *d = nf_doc_date(doc, i);
            NF_CHECK(((d->flags & NF_FACT_OUTSIDE_BODY) != 0) == !st_in_some_region(doc, d->span));
        }
        for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_QUOTE); i++) {
            const nf_quote *q = nf_doc_quote(doc, i);
            NF_CHECK(((q->flags & NF_FACT_OUTSIDE_BODY) != 0) == !st_in_some_region(doc, q->span));
        }
        for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_SENTENCE); i++) {
            const nf_sentence *s = nf_doc_sentence(doc, i);
            NF_CHECK(((s->flags & NF_FACT_OUTSIDE_BODY) != 0) == !st_in_some_region(doc, s->span));
        }
        NF_CHECK(outside > 0 && inside > 0); /* both kinds were checked */
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
}
