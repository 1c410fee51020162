/* test_sentences.c - sentence splitting: abbreviations, initials, numbers,
 * quotes, ellipses, lists, lines and paragraphs. Texts written for these tests. */
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "harness.h"
#include "internal.h"

static nf_doc *ss_doc(const char *text)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    nf_rules *rules = nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
    if (!rules) return NULL;
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_doc *doc = nf_extract(rules, NULL, text, strlen(text), &eo, &err);
    nf_rules_free(rules);
    return doc;
}

/* The sentences of text joined by " || ". */
static const char *ss(const char *text)
{
    static char buf[4096];
    size_t k = 0;
    buf[0] = '\0';
    nf_doc *doc = ss_doc(text);
    if (!doc) return "(no document)";
    for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_SENTENCE); i++) {
        const nf_sentence *s = nf_doc_sentence(doc, i);
        size_t n = s->span.end - s->span.start;
        if (k + n + 5 >= sizeof buf) break;
        if (i) {
            memcpy(buf + k, " || ", 4);
            k += 4;
        }
        memcpy(buf + k, text + s->span.start, n);
        k += n;
        buf[k] = '\0';
    }
    nf_doc_free(doc);
    return buf;
}

NF_TEST(sentences_basic_terminators)
{
    NF_CHECK_EQ_STR(ss("The ferry left at noon. It returned late! Why? Nobody knew."),
                    "The ferry left at noon. || It returned late! || Why? || Nobody knew.");
    NF_CHECK_EQ_STR(ss("Really?! Yes!! Fine."), "Really?! || Yes!! || Fine.");
    NF_CHECK_EQ_STR(ss("no final stop here"), "no final stop here");
    NF_CHECK_EQ_STR(ss(""), "");
}

NF_TEST(sentences_abbreviations)
{
    NF_CHECK_EQ_STR(ss("Gov. Hale met Dr. Osei in St. Paul on Feb. 12. They talked."),
                    "Gov. Hale met Dr. Osei in St. Paul on Feb. 12. || They talked.");
    NF_CHECK_EQ_STR(ss("She moved to the U.S. The move was quick."),
                    "She moved to the U.S. || The move was quick.");
    NF_CHECK_EQ_STR(ss("The U.S. Senate voted. Then the U.K. government replied."),
                    "The U.S. Senate voted. || Then the U.K. government replied.");
    NF_CHECK_EQ_STR(ss("They sold it to Lund & Co. It was cheap."),
                    "They sold it to Lund & Co. || It was cheap.");
    NF_CHECK_EQ_STR(ss("They sold it to Lund & Co. last week."), "They sold it to Lund & Co. last week.");
    NF_CHECK_EQ_STR(ss("Tools, nails, etc. were stolen."), "Tools, nails, etc. were stolen.");
    NF_CHECK_EQ_STR(ss("Brel Inc. Chief Executive Ada Moss said so. Shares fell."),
                    "Brel Inc. Chief Executive Ada Moss said so. || Shares fell.");
}

NF_TEST(sentences_initials_and_times)
{
    NF_CHECK_EQ_STR(ss("The novel by P. D. Quill sold well."), "The novel by P. D. Quill sold well.");
    NF_CHECK_EQ_STR(ss("Trading opened at 9 a.m. and closed early."),
                    "Trading opened at 9 a.m. and closed early.");
    NF_CHECK_EQ_STR(ss("It ended at 4 p.m. The next day was calm."),
                    "It ended at 4 p.m. || The next day was calm.");
    NF_CHECK_EQ_STR(ss("By 7 a.m. Mrs. Tan had left. Police arrived at 8 A.M. Mrs. Tan was gone."),
                    "By 7 a.m. Mrs. Tan had left. || Police arrived at 8 A.M. || Mrs. Tan was gone.");
    NF_CHECK_EQ_STR(ss("Talks resume at 10 a.m. Thursday in Oslo. Vote at 4 p.m. EST on Friday."),
                    "Talks resume at 10 a.m. Thursday in Oslo. || Vote at 4 p.m. EST on Friday.");
    NF_CHECK_EQ_STR(ss("It was me, said Tomas K. Nobody believed it."),
                    "It was me, said Tomas K. Nobody believed it.");
}

NF_TEST(sentences_numbers)
{
    NF_CHECK_EQ_STR(ss("The index rose 2.5 points. It was 3,200.50 at close."),
                    "The index rose 2.5 points. || It was 3,200.50 at close.");
    NF_CHECK_EQ_STR(ss("See p. 14 for details."), "See p. 14 for details.");
    NF_CHECK_EQ_STR(ss("Flight no. 4 is gone. Gate 9 is open."), "Flight no. 4 is gone. || Gate 9 is open.");
    NF_CHECK_EQ_STR(ss("Sales fell in 2019. 2020 was worse."), "Sales fell in 2019. || 2020 was worse.");
    NF_CHECK_EQ_STR(ss("It cost 40.The rest was paid."), "It cost 40. || The rest was paid.");
}

NF_TEST(sentences_quotes_and_brackets)
{
    NF_CHECK_EQ_STR(ss("\"We will rebuild,\" the mayor said. \"Starting today.\""),
                    "\"We will rebuild,\" the mayor said. || \"Starting today.\"");
    NF_CHECK_EQ_STR(ss("He called it \"a disaster.\" She disagreed."),
                    "He called it \"a disaster.\" || She disagreed.");
    NF_CHECK_EQ_STR(ss("\"Is it over?\" he asked."), "\"Is it over?\" he asked.");
    NF_CHECK_EQ_STR(ss("\xE2\x80\x9CNo.\xE2\x80\x9D Then silence."),
                    "\xE2\x80\x9CNo.\xE2\x80\x9D || Then silence.");
    NF_CHECK_EQ_STR(ss("The council (it met twice.) adjourned. Later it resumed."),
                    "The council (it met twice.) adjourned. || Later it resumed.");
    NF_CHECK_EQ_STR(ss("It was 'fine.' she said."), "It was 'fine.' she said.");
}

NF_TEST(sentences_ellipses)
{
    NF_CHECK_EQ_STR(ss("We waited... and waited. Then... Nothing."),
                    "We waited... and waited. || Then... || Nothing.");
    NF_CHECK_EQ_STR(ss("It was long \xE2\x80\xA6 but fine."), "It was long \xE2\x80\xA6 but fine.");
    NF_CHECK_EQ_STR(ss("He paused . . . I waited."), "He paused . . . I waited.");
    NF_CHECK_EQ_STR(ss("He stopped. . . . Then he left."), "He stopped. || . . . Then he left.");
    NF_CHECK_EQ_STR(ss("It ended . . . . Then rain."), "It ended . . . . || Then rain.");
    NF_CHECK_EQ_STR(ss("Cut [...] Here."), "Cut [...] Here.");
}

NF_TEST(sentences_lists)
{
    NF_CHECK_EQ_STR(ss("1. Buy bread 2. Sell fish"), "1. Buy bread || 2. Sell fish");
    NF_CHECK_EQ_STR(ss("1) Buy bread. 2) Sell fish."), "1) Buy bread. || 2) Sell fish.");
    NF_CHECK_EQ_STR(ss("a. first point b. second point"), "a. first point || b. second point");
    NF_CHECK_EQ_STR(ss("\xE2\x80\xA2 Roads closed \xE2\x80\xA2 Schools shut"),
                    "\xE2\x80\xA2 Roads closed || \xE2\x80\xA2 Schools shut");
    /* a number that does not continue the list does not split before it */
    NF_CHECK_EQ_STR(ss("1) Buy 5 loaves 3) Sell"), "1) Buy 5 loaves 3) Sell");
    /* "!" and "?" before a lower-case word (ICU would break): one sentence */
    NF_CHECK_EQ_STR(ss("She joined Zoomr! in May."), "She joined Zoomr! in May.");
}

NF_TEST(sentences_lines_and_paragraphs)
{
    NF_CHECK_EQ_STR(ss("Storm Warning\nThe coast braces for wind.\n\nferries stopped"),
                    "Storm Warning || The coast braces for wind. || ferries stopped");
    NF_CHECK_EQ_STR(ss("menu\nsign in\nsubscribe now\n"), "menu || sign in || subscribe now");
    NF_CHECK_EQ_STR(ss("The harbour authority said on Monday that\nthe repairs would take weeks."),
                    "The harbour authority said on Monday that\nthe repairs would take weeks.");
    NF_CHECK_EQ_STR(ss("Prices rose sharply in the north,\nOfficials said."),
                    "Prices rose sharply in the north,\nOfficials said.");
    NF_CHECK_EQ_STR(ss("Harbour Works Resume in Lisbon\nthe port reopened on Monday."),
                    "Harbour Works Resume in Lisbon || the port reopened on Monday.");
    NF_CHECK_EQ_STR(ss("The mayor put it this way:\nWe will rebuild the pier."),
                    "The mayor put it this way: || We will rebuild the pier.");
    NF_CHECK_EQ_STR(ss("Last Updated : Apr 3 2024 | 8:10 PM\nRead more"),
                    "Last Updated : Apr 3 2024 | 8:10 PM || Read more");
}

NF_TEST(sentences_urls_and_emails)
{
    NF_CHECK_EQ_STR(ss("Write to desk@example.org. We reply."), "Write to desk@example.org. || We reply.");
    NF_CHECK_EQ_STR(ss("Go to https://example.com/a.html. It is new."),
                    "Go to https://example.com/a.html. || It is new.");
}

NF_TEST(sentences_token_ranges_and_paragraphs)
{
    const char *text = "First one. Second one.\n\nThird one here.";
    nf_doc *doc = ss_doc(text);
    NF_CHECK(doc != NULL);
    if (!doc) return;
    size_t ns = nf_doc_count(doc, NF_KIND_SENTENCE), nt = nf_doc_count(doc, NF_KIND_TOKEN);
    NF_CHECK_EQ_INT(ns, 3);
    size_t next = 0;
    for (size_t i = 0; i < ns; i++) {
        const nf_sentence *s = nf_doc_sentence(doc, i);
        NF_CHECK_EQ_INT(s->first_token, next);
        NF_CHECK(s->token_count > 0);
        next = s->first_token + s->token_count;
        NF_CHECK_EQ_INT(s->span.start, nf_doc_token(doc, s->first_token)->span.start);
        NF_CHECK_EQ_INT(s->span.end, nf_doc_token(doc, next - 1)->span.end);
        for (size_t k = s->first_token; k < next; k++) NF_CHECK_EQ_INT(nf_doc_token(doc, k)->sentence, i);
    }
    NF_CHECK_EQ_INT(next, nt);
    if (nf_doc_count(doc, NF_KIND_PARAGRAPH) == 2) {
        NF_CHECK_EQ_INT(nf_doc_sentence(doc, 0)->paragraph, 0);
        NF_CHECK_EQ_INT(nf_doc_sentence(doc, 1)->paragraph, 0);
        NF_CHECK_EQ_INT(nf_doc_sentence(doc, 2)->paragraph, 1);
    }
    nf_doc_free(doc);
}

/* Where no correction applies, the splitter agrees with ICU's sentence
 * iterator (UAX #29): same sentence starts. */
NF_TEST(sentences_agree_with_icu_on_plain_text)
{
    static const char *const texts[] = {
        "The ferry left at noon. It returned late! Why did it stop? Nobody knew the answer.",
        "Rain fell. Roads flooded; schools shut. \"Stay home,\" officials said. Most did.",
        "Is this the end? No, said the clerk. The queue moved on! It was 5 o'clock.",
        "Prices rose 2.5% in May. In June they fell (slightly). The bank said so.",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *text = texts[t];
        UErrorCode st = U_ZERO_ERROR;
        UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, "en", NULL, 0, &st);
        UText ut = UTEXT_INITIALIZER;
        utext_openUTF8(&ut, text, (int64_t)strlen(text), &st);
        ubrk_setUText(bi, &ut, &st);
        NF_CHECK(U_SUCCESS(st));
        size_t icu_starts[32], nicu = 0;
        for (int32_t p = ubrk_first(bi); p != UBRK_DONE && nicu < 32; p = ubrk_next(bi))
            if ((size_t)p < strlen(text)) icu_starts[nicu++] = (size_t)p;
        utext_close(&ut);
        ubrk_close(bi);
        nf_doc *doc = ss_doc(text);
        NF_CHECK(doc != NULL);
        if (!doc) continue;
        NF_CHECK_EQ_INT(nf_doc_count(doc, NF_KIND_SENTENCE), nicu);
        for (size_t i = 0; i < nicu && i < nf_doc_count(doc, NF_KIND_SENTENCE); i++)
            NF_CHECK_EQ_INT(nf_doc_sentence(doc, i)->span.start, icu_starts[i]);
        nf_doc_free(doc);
    }
}
