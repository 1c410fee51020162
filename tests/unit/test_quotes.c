/* test_quotes.c - direct and indirect quotes, cues and speakers (lib/quotes.c).
 * Every text here was written for these tests. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "newsfacts.h"

/* Extracts with the quote rules alone (rules/30-quotes.yaml: the
 * attribution patterns and word lists; no entity rules, so gender comes
 * from the built-in lists); every quote is kept, also where the structure
 * stage would not count a line as body. */
static nf_doc *qextract(const char *text)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules/30-quotes.yaml"), NULL, &err);
    if (!r) return NULL;
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), &opts, &err);
    nf_rules_free(r);
    return d;
}

/* The text of a span as a static string (tests only). */
static const char *sp(const nf_doc *d, nf_span s)
{
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    if (s.start == NF_UNSET || s.end <= s.start || s.end - s.start >= 512) return "";
    memcpy(b, nf_doc_text(d) + s.start, s.end - s.start);
    b[s.end - s.start] = 0;
    return b;
}

/* The first quote of a kind whose text starts with prefix, or NULL. */
static const nf_quote *find_q(const nf_doc *d, uint32_t kind, const char *prefix)
{
    for (size_t i = 0; i < nf_doc_count(d, NF_KIND_QUOTE); i++) {
        const nf_quote *q = nf_doc_quote(d, i);
        if (q->kind == kind && strncmp(sp(d, q->span), prefix, strlen(prefix)) == 0) return q;
    }
    return NULL;
}

static size_t count_kind(const nf_doc *d, uint32_t kind)
{
    size_t n = 0;
    for (size_t i = 0; i < nf_doc_count(d, NF_KIND_QUOTE); i++)
        if (nf_doc_quote(d, i)->kind == kind) n++;
    return n;
}

NF_TEST(quotes_direct_after_speaker_cue)
{
    nf_doc *d = qextract("\"The bridge opens in May, not June,\" Clara Bell said on Tuesday.\n");
    NF_CHECK(d != NULL);
    const nf_quote *q = find_q(d, NF_QUOTE_DIRECT, "The bridge");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "The bridge opens in May, not June,");
        NF_CHECK_EQ_STR(sp(d, q->cue), "said");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Clara Bell");
        NF_CHECK_EQ_STR(q->normalized, "the bridge opens in may, not june");
    }
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_INDIRECT), 0);
    nf_doc_free(d);
}

NF_TEST(quotes_direct_inverted_and_curly)
{
    nf_doc *d = qextract("\xe2\x80\x9cWe will rebuild the harbour wall first,\xe2\x80\x9d said the "
                         "port authority.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "We will") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "We will rebuild the harbour wall first,");
        NF_CHECK_EQ_STR(sp(d, q->cue), "said");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "the port authority");
    }
    nf_doc_free(d);
}

NF_TEST(quotes_speaker_colon_before)
{
    nf_doc *d = qextract("The head teacher told parents: \"Classes resume on Monday as planned.\"\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "Classes") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "Classes resume on Monday as planned.");
        NF_CHECK_EQ_STR(sp(d, q->cue), "told");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The head teacher");
    }
    /* the colon quote is direct only, not also an indirect one */
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_INDIRECT), 0);
    nf_doc_free(d);
}

NF_TEST(quotes_nested_inner_marks_are_not_quotes)
{
    nf_doc *d = qextract("\"Some of the so-called 'fixes' made things worse for riders,\" the "
                         "transit board said.\n");
    NF_CHECK_EQ_INT(nf_doc_count(d, NF_KIND_QUOTE), 1);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "Some") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "the transit board");
    nf_doc_free(d);
}

NF_TEST(quotes_apostrophes_are_not_marks)
{
    nf_doc *d = qextract("The farmers' union said it won't accept the ministry's offer.\n");
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_DIRECT), 0);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "it won't") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "it won't accept the ministry's offer");
    nf_doc_free(d);
}

NF_TEST(quotes_over_several_paragraphs_are_one)
{
    nf_doc *d = qextract("The coach said:\n\n\"We lost the first half badly.\n\n"
                         "\"Then the young players took over and we won.\"\n\nFans cheered.\n");
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_DIRECT), 1);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "We lost") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK(strstr(sp(d, q->span), "we won.") != NULL);
        NF_CHECK_EQ_STR(q->normalized,
                        "we lost the first half badly. then the young players took over and we won");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The coach");
        NF_CHECK(!(q->flags & NF_QUOTE_UNCLOSED));
    }
    nf_doc_free(d);
}

NF_TEST(quotes_unclosed_ends_with_paragraph)
{
    nf_doc *d = qextract("\"The roof will hold for another winter, the engineer said.\n\n"
                         "The council will vote on the repairs next month.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "The roof") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK(q->flags & NF_QUOTE_UNCLOSED);
        NF_CHECK(strstr(sp(d, q->span), "council") == NULL);
    }
    nf_doc_free(d);
}

NF_TEST(quotes_scare_quotes_and_names_dropped)
{
    nf_doc *d = qextract("Residents call the old mill the \"castle\" and the lane behind it "
                         "\"Lovers Walk\".\n");
    NF_CHECK_EQ_INT(nf_doc_count(d, NF_KIND_QUOTE), 0);
    nf_doc_free(d);
}

NF_TEST(quotes_partial_quote_with_cue_kept)
{
    nf_doc *d = qextract("The regulator said the fees were \"plainly unfair\" to small shops.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "plainly") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "The regulator");
    const nf_quote *i = d ? find_q(d, NF_QUOTE_INDIRECT, "the fees") : NULL;
    NF_CHECK(i != NULL);
    if (i) NF_CHECK_EQ_STR(sp(d, i->span), "the fees were \"plainly unfair\" to small shops");
    nf_doc_free(d);
}

NF_TEST(quotes_indirect_patterns)
{
    nf_doc *d = qextract(
        "The airline said on Friday that it would cancel forty flights.\n"
        "Fuel prices had doubled since March, a company spokeswoman said.\n"
        "According to the union, pilots were not consulted.\n"
        "The mayor told reporters the park would reopen soon.\n"
        "The minister complained about the weather.\n");
    const nf_quote *q = find_q(d, NF_QUOTE_INDIRECT, "it would cancel");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "it would cancel forty flights");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The airline");
    }
    q = find_q(d, NF_QUOTE_INDIRECT, "Fuel prices");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "Fuel prices had doubled since March");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "a company spokeswoman");
    }
    q = find_q(d, NF_QUOTE_INDIRECT, "pilots");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->cue), "According to");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "the union");
    }
    q = find_q(d, NF_QUOTE_INDIRECT, "the park");
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "The mayor");
    /* a noun phrase object is not reported speech */
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "about") == NULL);
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_INDIRECT), 4);
    nf_doc_free(d);
}

NF_TEST(quotes_cited_as_saying_gives_original_speaker)
{
    nf_doc *d = qextract("A local radio station cited Ana Ruiz as saying the dam was safe.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the dam") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Ana Ruiz");
        NF_CHECK_EQ_STR(sp(d, q->cue), "cited Ana Ruiz as saying");
    }
    nf_doc_free(d);
}

NF_TEST(quotes_interrupted_and_continued_take_previous_speaker)
{
    nf_doc *d = qextract("\"The tide came in fast,\" the skipper said. \"Nobody was hurt.\"\n"
                         "\"We were lucky this time.\"\n");
    NF_CHECK_EQ_INT(count_kind(d, NF_QUOTE_DIRECT), 3);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "Nobody") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "the skipper");
        NF_CHECK_EQ_STR(sp(d, q->cue), "said");
    }
    q = d ? find_q(d, NF_QUOTE_DIRECT, "We were") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "the skipper");
    nf_doc_free(d);
}

NF_TEST(quotes_block_quote_with_source_line)
{
    nf_doc *d = qextract("The water board noted:\n"
                         "Supplies in the northern reservoirs are at their lowest level in a decade.\n"
                         "Northern Water Board\n"
                         "Rain is expected next week.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "Supplies") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK(q->flags & NF_QUOTE_BLOCK);
        NF_CHECK_EQ_STR(sp(d, q->cue), "noted");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The water board");
        NF_CHECK(strstr(sp(d, q->span), "Northern Water Board") == NULL);
    }
    nf_doc_free(d);
}

NF_TEST(quotes_normalized_marks_and_acronyms)
{
    nf_doc *d = qextract("\xe2\x80\x9cThe U.S.  market is  \xe2\x80\x98open\xe2\x80\x99 again.\xe2\x80\x9d"
                         " the trader said.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "The U.S.") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(q->normalized, "the us market is 'open' again");
    nf_doc_free(d);
}

/* The normalised text of ASCII (and a two-byte letter) byte by byte, as
 * docs/quotes.md describes it: letters lower-cased, white space one space,
 * "U.S." "us", final punctuation dropped. */
static void normalize_by_byte(const char *s, size_t n, char *o)
{
    size_t len = 0;
    bool space = false;
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        bool letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
        if (ch == ' ') {
            space = true;
            i++;
            continue;
        }
        if (space && len) o[len++] = ' ';
        space = false;
        if (letter && i + 1 < n && s[i + 1] == '.' &&
            (i == 0 || !(((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z')))) {
            size_t j = i, letters = 0;
            while (j + 1 < n && ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') && s[j + 1] == '.') {
                j += 2;
                letters++;
            }
            if (letters >= 2) {
                for (size_t k = i; k < j; k += 2) o[len++] = (char)(s[k] | 0x20);
                i = j;
                continue;
            }
        }
        o[len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
        i++;
    }
    while (len && strchr(",.;: ", o[len - 1])) len--;
    o[len] = 0;
}

/* Quotes of random ASCII (letters, digits, full stops, the bytes next to
 * the letters and digits in ASCII, a two-byte letter): the normalised text
 * (which takes runs of letters and digits 8 bytes at a time) is the same as
 * byte by byte, wherever a run starts and ends. */
NF_TEST(quotes_normalized_runs_equal_byte_by_byte)
{
    static const char *const pieces[] = {"a", "Z", "m", "0", "9", "q", "B", ".", " ", "  ", "@",
                                         "[", "`", "{", "/", ":", "-", "\xc3\xa9", "U.S.", "x."};
    uint32_t seed = 12345;
    char text[64 * 1024];
    size_t len = 0;
    for (int line = 0; line < 300; line++) {
        len += (size_t)snprintf(text + len, sizeof text - len, "\"We said ");
        int np = 4 + line % 37;
        for (int k = 0; k < np; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            len += (size_t)snprintf(text + len, sizeof text - len, "%s", p);
        }
        len += (size_t)snprintf(text + len, sizeof text - len, " now,\" Ann Lee said.\n");
    }
    nf_doc *d = qextract(text);
    NF_CHECK(d != NULL);
    size_t seen = 0;
    for (size_t i = 0; d && i < nf_doc_count(d, NF_KIND_QUOTE); i++) {
        const nf_quote *q = nf_doc_quote(d, i);
        if (q->kind != NF_QUOTE_DIRECT || !q->normalized) continue;
        char want[512];
        const char *span = sp(d, q->span);
        normalize_by_byte(span, strlen(span), want);
        if (strcmp(q->normalized, want) != 0)
            fprintf(stderr, "\"%s\": \"%s\" != \"%s\"\n", span, q->normalized, want);
        NF_CHECK_EQ_STR(q->normalized, want);
        seen++;
    }
    NF_CHECK(seen >= 250);
    nf_doc_free(d);
}

NF_TEST(quotes_relative_gap_and_second_report)
{
    nf_doc *d = qextract("The vote was delayed by a storm, which forecasters said would pass "
                         "by noon.\n"
                         "The club said its stadium was full, while the police said "
                         "the roads were clear.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "would pass") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "forecasters");
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "its stadium") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "its stadium was full");
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "the roads") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "the police");
    nf_doc_free(d);
}

NF_TEST(quotes_participle_and_parenthetical)
{
    nf_doc *d = qextract("The coach praised the defence, adding that the team needed rest.\n"
                         "The new rules, the referee said, would apply from August.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the team needed") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->cue), "adding");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The coach");
    }
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "The new rules") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "the referee");
    nf_doc_free(d);
}

/* With the project's rules: speakers linked to entities through pronouns. */
NF_TEST(quotes_speaker_pronoun_links_to_entity)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    const char *text = "Mayor Helen Ortiz visited the flooded district on Monday.\n"
                       "\"We will rebuild every bridge,\" she said.\n";
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), NULL, &err);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "We will") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "she");
        NF_CHECK(q->speaker_entity >= 0);
        if (q->canonical) NF_CHECK(strstr(q->canonical, "Ortiz") != NULL);
        NF_CHECK(q->canonical != NULL);
    }
    nf_doc_free(d);
    nf_rules_free(r);
}

NF_TEST(quotes_echoed_crosshead_takes_report_speaker)
{
    nf_doc *d = qextract("Milk prices fell again this spring across the northern valleys.\n"
                         "\xe2\x80\x98" "A fair price for every farmer\xe2\x80\x99\n"
                         "The cooperative insisted that its goal was a fair price for every "
                         "farmer in the valley.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "A fair price") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The cooperative");
        NF_CHECK(q->cue.start == NF_UNSET);
    }
    nf_doc_free(d);
}

/* Extracts with the repository rules (entities found), all text kept. */
static nf_doc *rextract(const char *text)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    if (!r) return NULL;
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), &opts, &err);
    nf_rules_free(r);
    return d;
}

NF_TEST(quotes_source_after_a_dash)
{
    nf_doc *d = rextract("Readers wrote to us about the new tram line.\n"
                         "\xe2\x80\x9cThe tram has cut my commute in half and I love it.\xe2\x80\x9d "
                         "\xe2\x80\x95 Teodora Vasquez\n"
                         "\xe2\x80\x9cIt is far too loud at night for the people on Elm Road.\xe2\x80\x9d\n"
                         "\xe2\x80\x94 Bruno Keller, a baker\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "The tram") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Teodora Vasquez");
        NF_CHECK_EQ_STR(sp(d, q->cue), "\xe2\x80\x95");
    }
    q = d ? find_q(d, NF_QUOTE_DIRECT, "It is far") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "Bruno Keller");
    nf_doc_free(d);
    /* a dash that goes on with a sentence is no source */
    d = rextract("She called it \"a clear win for the town council\" \xe2\x80\x94 Mayor Lind "
                 "disagreed on Monday.\n");
    q = d ? find_q(d, NF_QUOTE_DIRECT, "a clear win") : NULL;
    if (q) NF_CHECK(strcmp(sp(d, q->speaker), "Mayor Lind") != 0);
    nf_doc_free(d);
}

NF_TEST(quotes_speaker_over_long_appositive_and_party_tag)
{
    nf_doc *d = rextract("The bridge will reopen in May, Harriet Okafor, 61, of Dunmore, a retired "
                         "engineer who inspected it last year, said on Friday.\n"
                         "Rep. Colin Marsh (D-Ore.) said the repairs had cost too much.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "The bridge") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "The bridge will reopen in May");
        NF_CHECK(strncmp(sp(d, q->speaker), "Harriet Okafor", 14) == 0);
    }
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "the repairs") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK(strstr(sp(d, q->speaker), "Colin Marsh") != NULL);
    nf_doc_free(d);
}

NF_TEST(quotes_relative_who_is_the_speaker)
{
    nf_doc *d = rextract("The plan was backed by Nadia Brandt, who said the port needed new cranes.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the port") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->speaker), "who");
        NF_CHECK(q->canonical != NULL && strstr(q->canonical, "Brandt") != NULL);
    }
    nf_doc_free(d);
}

NF_TEST(quotes_say_takes_any_clause_and_directives_take_infinitives)
{
    nf_doc *d = qextract("Many growers say the new levy hurts small farms the most.\n"
                         "The union urged its members to stay away from the depot.\n"
                         "The mayor vowed to rebuild the harbour wall.\n"
                         "The board cautioned, as did the auditors, that costs might rise.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the new levy") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "the new levy hurts small farms the most");
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "its members") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->cue), "urged");
    /* a commitment is no report (the annotation guide) */
    NF_CHECK(d && find_q(d, NF_QUOTE_INDIRECT, "to rebuild") == NULL);
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "costs") : NULL;
    NF_CHECK(q != NULL);
    nf_doc_free(d);
    /* "said so" is no clause */
    d = qextract("The minister said so in a radio interview on Monday morning.\n");
    NF_CHECK(d && nf_doc_count(d, NF_KIND_QUOTE) == 0);
    nf_doc_free(d);
}

NF_TEST(quotes_content_stops_before_the_reporters_additions)
{
    nf_doc *d = qextract("The coach told the players the final would be hard, quietly putting "
                         "the captain under pressure.\n"
                         "The ferry was late, the harbour master said, until the new engine "
                         "arrived.\n"
                         "The council demands lower fares from the operator, yet refuses to "
                         "fund the buses.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the final") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "the final would be hard");
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "The ferry") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK(strstr(sp(d, q->span), "until the new engine arrived") != NULL);
    nf_doc_free(d);
}

NF_TEST(quotes_as_said_according_to_a_report_and_a_place_aside)
{
    nf_doc *d = qextract("It does not settle whether the driver had a phone, as police have said.\n"
                         "According to a new survey by the Herald, most tenants want the rent cap.\n"
                         "The mayor said at a rally in Dunmore, Ohio, that the bridge will close.\n"
                         "Half of the claims are unsupported \xe2\x80\x94 or wrong \xe2\x80\x94 "
                         "according to the review.\n");
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "It does not") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "It does not settle whether the driver had a phone");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "police");
    }
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "most tenants") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK(strstr(sp(d, q->speaker), "survey") != NULL);
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "the bridge will close") : NULL;
    NF_CHECK(q != NULL);
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "Half of the claims") : NULL;
    NF_CHECK(q != NULL);
    nf_doc_free(d);
}

NF_TEST(quotes_titles_in_quotation_marks_are_names)
{
    nf_doc *d = qextract("On this week's \"Harbour Talk With Mina Okoro,\" the mayor said the "
                         "pier would reopen.\n"
                         "\"Thank You Voters!\" the mayor said.\n");
    NF_CHECK(d && find_q(d, NF_QUOTE_DIRECT, "Harbour Talk") == NULL);
    NF_CHECK(d && find_q(d, NF_QUOTE_INDIRECT, "the pier would reopen") != NULL);
    NF_CHECK(d && find_q(d, NF_QUOTE_DIRECT, "Thank You") != NULL);
    nf_doc_free(d);
}

/* Content boundaries and cue forms of the annotation guide (texts written
 * for this test). */
NF_TEST(quotes_content_boundaries_and_phrasal_cues)
{
    nf_doc *d = qextract(
        "The harbour master failed to show up at the hearing he was called to last week.\n\n"
        "Ann Lee pointed out that the pier was built in 1910.\n\n"
        "\"We will not wait,\" Bo Chen said of the council's plan.\n\n"
        "Ferry fares rose by a third last year, according to the Harbour Trust, a "
        "charity that runs the pier.\n\n"
        "The pier, as the engineers pointed out, has rarely flooded in winter.\n\n"
        "The council has not said when the pier will reopen.\n\n"
        "The mayor said he did not back Tom Reyes, the candidate of the port unions.\n\n"
        "Fees that, according to the Harbour Trust, have doubled are a burden.\n\n"
        "The mayor said on Harbour Radio's \"Morning Tide Show.\"\n\n"
        "He read it on Ann Lee's show, \"Harbour Nights Tonight.\"\n\n"
        "The ferry union questioned whether the pier could reopen in May.\n\n"
        "The mayor faced charges that could end her term.\n");
    NF_CHECK(d != NULL);
    if (!d) return;
    /* "show up" is no speech; "pointed out" is one cue */
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "up at the hearing") == NULL);
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "at the hearing") == NULL);
    const nf_quote *q = find_q(d, NF_QUOTE_INDIRECT, "the pier was built");
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->cue), "pointed out");
    /* "said of X": X is what it was said about, no content */
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "of the council") == NULL);
    /* "CLAUSE, according to X, a gloss of X.": the clause before */
    q = find_q(d, NF_QUOTE_INDIRECT, "Ferry fares");
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "Ferry fares rose by a third last year");
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "a charity") == NULL);
    /* "X, as Y pointed out, CLAUSE": the sentence */
    q = find_q(d, NF_QUOTE_INDIRECT, "The pier, as");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "The pier, as the engineers pointed out, has rarely flooded in winter");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "the engineers");
    }
    /* a negated cue: the wh-clause is its content */
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "when the pier will reopen") != NULL);
    /* the reporter's gloss of a name ends the content */
    q = find_q(d, NF_QUOTE_INDIRECT, "he did not back");
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->span), "he did not back Tom Reyes");
    /* "that, according to X, VERB ...": the relative clause goes on after it */
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "have doubled") != NULL);
    /* a show's name with the sentence's period inside the marks is a title;
       "show" after a possessive is a noun, no cue */
    NF_CHECK(find_q(d, NF_QUOTE_DIRECT, "Morning Tide") == NULL);
    NF_CHECK(find_q(d, NF_QUOTE_DIRECT, "Harbour Nights") == NULL);
    /* a reported question, with its wh-word; "charges that could" is a
       relative clause, no report */
    q = find_q(d, NF_QUOTE_INDIRECT, "whether the pier");
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "whether the pier could reopen in May");
        NF_CHECK_EQ_STR(sp(d, q->cue), "questioned");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "The ferry union");
    }
    NF_CHECK(find_q(d, NF_QUOTE_INDIRECT, "could end her term") == NULL);
    nf_doc_free(d);
}

/* The cues are rules: without QUOTE_CUE rules a direct quote has no cue. */
NF_TEST(quotes_without_cue_rules_have_no_cues)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    nf_rules *r = nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    const char *text = "\"The pier will reopen in May after the storm,\" Mara Lind said.\n";
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), &opts, &err);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "The pier") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->cue), "");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "");
    }
    nf_doc_free(d);
    nf_rules_free(r);
}

/* The example of docs/quotes.md and docs/RULES.md (docs/examples/quote-cues.yaml):
 * attribution forms added in YAML alone, beside the stock quote rules. */
NF_TEST(quotes_rule_cues_from_quote_cue_annotations)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("docs/examples/quote-cues.yaml"), NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    const char *text = "Per Ann Lee, the ferry will run again in March.\n"
                       "It was, as Bo Chen put it, \"a very long winter for everyone.\"\n"
                       "The harbour stays shut for now, in the words of Ines Duarte.\n"
                       "Mara Lind said the tugs were sold.\n";
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), &opts, &err);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the ferry") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "the ferry will run again in March");
        NF_CHECK_EQ_STR(sp(d, q->cue), "Per");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Ann Lee");
    }
    q = d ? find_q(d, NF_QUOTE_DIRECT, "a very long") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->cue), "put it");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Bo Chen");
    }
    /* clause: none - no indirect quote from "put it" */
    NF_CHECK(d && find_q(d, NF_QUOTE_INDIRECT, "a very long") == NULL);
    /* a form after its content; and the stock forms still hold */
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "The harbour stays") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_STR(sp(d, q->span), "The harbour stays shut for now");
        NF_CHECK_EQ_STR(sp(d, q->cue), "in the words of");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Ines Duarte");
    }
    q = d ? find_q(d, NF_QUOTE_INDIRECT, "the tugs") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "Mara Lind");
    nf_doc_free(d);
    nf_rules_free(r);
}

/* "Chile's ambassador" is the person given that role in the document: the
 * role's words are matched in any case (the look-up first checks the ends
 * of the role's words, which must fold case the same way), and a role
 * without the word ("consul") is not taken. */
NF_TEST(quotes_speaker_by_role_of_a_body)
{
    static const char *const roles[] = {"Chile's Ambassador to Peru", "Chile's AMBASSADOR to Peru",
                                        "Chile's ambassador", "Chile's consul to Peru"};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
        char text[300];
        snprintf(text, sizeof text, "Ines Moura, %s, toured the port on Monday. "
                 "Chile's ambassador said the cranes were old.", roles[i]);
        nf_doc *d = rextract(text);
        const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the cranes") : NULL;
        NF_CHECK(q != NULL);
        bool by_role = q && q->canonical && strcmp(q->canonical, "Ines Moura") == 0;
        if (by_role != (i < 3)) fprintf(stderr, "role \"%s\": %s\n", roles[i], q && q->canonical ? q->canonical : "-");
        NF_CHECK(by_role == (i < 3));
        nf_doc_free(d);
    }
}

/* "The ministry" is the nearest body named with that word before it, in
 * any case, outside direct quotes: the look-up tests first what it keeps of
 * each entity (the set of its name's bytes, capitals folded, and whether it
 * is inside a direct quote), which must agree with the full test. */
NF_TEST(quotes_speaker_by_head_word_skips_quotes_and_other_bodies)
{
    static const char *const firsts[] = {"Ports Ministry", "Ports Office"};
    for (size_t i = 0; i < sizeof firsts / sizeof *firsts; i++) {
        char text[400];
        snprintf(text, sizeof text, "The %s met the Harbour Authority on Monday.\n"
                 "\"Nobody at the Dock Ministry called us,\" a clerk said.\n"
                 "Atlantic Shipping Company sold two tugs.\n"
                 "The ministry said the cranes were old.\n", firsts[i]);
        nf_doc *d = rextract(text);
        const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the cranes") : NULL;
        NF_CHECK(q != NULL);
        const char *who = q && q->canonical ? q->canonical : "-";
        /* the first line's body when it has the word ("Ministry" for
           "ministry"), else another; never the one inside the quote */
        if (i == 0) NF_CHECK_EQ_STR(who, "Ports Ministry");
        if (i == 1) NF_CHECK(strcmp(who, "Ports Office") != 0);
        NF_CHECK(strcmp(who, "Dock Ministry") != 0);
        nf_doc_free(d);
    }
}

/* A report on each line of a long text (24,000 tokens), the lines of
 * different lengths so that cues, speakers and contents start at every
 * offset in a block of the stage's byte-to-token index: each report has its
 * cue, speaker and content. */
NF_TEST(quotes_found_at_every_offset_of_a_long_text)
{
    static const char *const pads[] = {"", " ", "  ", "   ", "    ", "     ", "      ", "       "};
    enum { LINES = 2000 };
    size_t cap = LINES * 96, len = 0;
    char *text = malloc(cap);
    NF_CHECK(text != NULL);
    if (!text) return;
    for (int k = 0; k < LINES; k++)
        len += (size_t)snprintf(text + len, cap - len, "Mara Lind said the pier was shut on day %d.%s\n",
                                k * 7 % 1000, pads[k * 3 % 8]);
    nf_doc *d = qextract(text);
    NF_CHECK(d != NULL);
    size_t found = 0;
    for (size_t i = 0; d && i < nf_doc_count(d, NF_KIND_QUOTE); i++) {
        const nf_quote *q = nf_doc_quote(d, i);
        if (q->kind != NF_QUOTE_INDIRECT) continue;
        found++;
        NF_CHECK(strncmp(sp(d, q->span), "the pier was shut on day ", 25) == 0);
        NF_CHECK_EQ_STR(sp(d, q->cue), "said");
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Mara Lind");
    }
    NF_CHECK_EQ_INT(found, LINES);
    nf_doc_free(d);
    free(text);
}

/* ------------------------------------------------------------ linear work */

/* Steps the quote stage takes on `unit` repeated `times` (its inner-loop
 * counter, so no timing is involved), with the repository rules (1), the
 * quote rules alone (0) or none (-1: a text that has no quote). */
static uint64_t quote_work(const char *unit, size_t times, int repo_rules)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    nf_rules *r = repo_rules > 0    ? nf_rules_load_path(NF_SRC("rules"), NULL, &err)
                  : repo_rules == 0 ? nf_rules_load_path(NF_SRC("rules/30-quotes.yaml"), NULL, &err)
                                    : nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return 0;
    size_t u = strlen(unit), len = u * times;
    char *text = malloc(len + 1);
    NF_CHECK(text != NULL);
    uint64_t work = 0;
    if (text) {
        for (size_t i = 0; i < times; i++) memcpy(text + i * u, unit, u);
        text[len] = 0;
        nf_extract_options opts;
        nf_extract_options_init(&opts);
        opts.flags |= NF_EXTRACT_ALL_TEXT;
        nf_doc *d = nfi_extract_unpublished(r, NULL, text, len, &opts, &err);
        NF_CHECK(d != NULL);
        if (d) {
            size_t nq = d->quotes.len;
            NF_CHECK(repo_rules < 0 || nq > 0);
            d->quotes.len = 0;
            nfi_quotes_ws *qws = nfi_quotes_ws_new(r, &err);
            NF_CHECK(qws != NULL);
            NF_CHECK_EQ_INT(nfi_quotes_resolve_counted(d, qws, &err, &work), NF_OK);
            nfi_quotes_ws_free(qws);
            NF_CHECK_EQ_INT(d->quotes.len, nq);
        }
        nf_doc_free(d);
        free(text);
    }
    nf_rules_free(r);
    return work;
}

/* Four times the text takes at most 4.5 times the steps (a quadratic part
 * would take 16 times). */
static void check_linear(const char *what, const char *unit, size_t times, int repo_rules)
{
    uint64_t w1 = quote_work(unit, times, repo_rules);
    uint64_t w4 = quote_work(unit, times * 4, repo_rules);
    double ratio = w1 ? (double)w4 / (double)w1 : 0;
    if (!(ratio > 3.5 && ratio <= 4.5))
        fprintf(stderr, "%s: %llu -> %llu steps (x%.2f)\n", what, (unsigned long long)w1,
                (unsigned long long)w4, ratio);
    NF_CHECK(ratio > 3.5 && ratio <= 4.5);
}

/* Quote-dense text was O(n^2): 4 MB of this took 19 s (entity scans per
 * quote); tests/fuzz/regressions/extract/ has it from the issue. */
NF_TEST(quotes_work_is_linear_on_quote_dense_text)
{
    check_linear("cue and quote a sentence",
                 "Mara Okonkwo, the harbour chief, said on Tuesday that the pier "
                 "\"will open by March 3, 2026.\" The U.S. Coast Guard agreed. ",
                 400, 1);
    check_linear("role of a body", "Brazil's ambassador Ines Moura toured the port. "
                 "Brazil's ambassador said the cranes were old. ", 400, 1);
    check_linear("one sentence of many reports", "Ann said the pier was shut, Bob said ", 500, 0);
    check_linear("one sentence of many quotes", "\"the pier is shut,\" said Ann, and ", 500, 0);
    check_linear("according to, one sentence", "according to Ann, the pier is shut, ", 500, 0);
    check_linear("single marks never closed", "'a ", 2000, -1);
    check_linear("lead-ins", "Ann said:\n\"The pier is shut for the winter now.\"\n", 500, 0);
    check_linear("uncued quotes", "\"The pier is shut for the winter now.\" ", 1000, 0);
    check_linear("participles", "Ann wrote the pier was shut, adding it, saying it, ", 500, 0);
    check_linear("nested reports", "Ann said that ", 500, 0);
    check_linear("reports and quotes, one sentence", "Ann said that \"the pier\" is shut and ", 500, 0);
}

/* A text with neither quotation marks that may pair nor a cue of the
 * rules has no quote: the stage reads none of its tokens (no step). An
 * apostrophe after a letter opens nothing, one after a space and before a
 * letter (tokenized text) closes nothing; a single mark that may open with
 * one that may close, a double mark or a cue may make a quote. */
NF_TEST(quotes_stage_skips_a_text_that_can_have_no_quote)
{
    NF_CHECK_EQ_INT(quote_work("Russia's index rose in Reuters' poll, O\xE2\x80\x99Neill's too. ", 5, -1), 0);
    NF_CHECK_EQ_INT(quote_work("England 's index rose , Lord 's too . ", 5, -1), 0);
    NF_CHECK(quote_work("England 's index rose in Reuters' poll. ", 5, -1) > 0);
    NF_CHECK(quote_work("The index had a 'strong' day. ", 5, -1) > 0);
    NF_CHECK(quote_work("The index had a \"strong\" day. ", 5, -1) > 0);
    NF_CHECK(quote_work("The index had a \xE2\x80\x9Cstrong\xE2\x80\x9D day. ", 5, -1) > 0);
    NF_CHECK(quote_work("Ann said the pier was shut. ", 5, 0) > 0);
}

/* ------------------------------------------------------------ forms cache */

/* The quotes of text with the quote rules, the quote stage run again with
 * qws (NULL: a workspace of its own), as "kind start-end cue speaker;"
 * items. */
static char *quotes_with(const nf_rules *r, nfi_quotes_ws *qws, const char *text)
{
    nf_error err;
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nfi_extract_unpublished(r, NULL, text, strlen(text), &opts, &err);
    NF_CHECK(d != NULL);
    if (!d) return NULL;
    nfi_quotes_ws *own = qws ? NULL : nfi_quotes_ws_new(r, &err);
    d->quotes.len = 0;
    NF_CHECK_EQ_INT(nfi_quotes_resolve(d, qws ? qws : own, &err), NF_OK);
    nfi_quotes_ws_free(own);
    size_t cap = 64 * d->quotes.len + 1, len = 0;
    char *out = malloc(cap);
    if (out) out[0] = 0;
    for (size_t i = 0; out && i < d->quotes.len; i++) {
        const nf_quote *q = &d->quotes.items[i];
        len += (size_t)snprintf(out + len, cap - len, "%u %u-%u %u-%u %u-%u;", (unsigned)q->kind,
                                (unsigned)q->span.start, (unsigned)q->span.end,
                                (unsigned)q->cue.start, (unsigned)q->cue.end,
                                (unsigned)q->speaker.start, (unsigned)q->speaker.end);
    }
    nf_doc_free(d);
    return out;
}

/* The workspace keeps the word forms (with their word-list bits) from one
 * document to the next and empties them after a document with very many:
 * quotes are the same as with a fresh workspace each time. */
NF_TEST(quotes_forms_cache_kept_across_documents)
{
    static const char *const texts[] = {
        "Mara Lind, the harbour chief, said on Tuesday that the pier would open in March. "
        "\"We are ready,\" she told reporters. According to Ines Duarte, the cranes are old.",
        "THE PIER IS SHUT, MARA LIND SAID. \"Not for long,\" Ines Duarte insisted, adding "
        "that the neighbourhood acknowledged the delay. He said: \"We wait.\"",
    };
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules/30-quotes.yaml"), NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    nfi_quotes_ws *qws = nfi_quotes_ws_new(r, &err);
    NF_CHECK(qws != NULL);
    /* a text of 40,000 different words, more than the cache keeps, and a
       quotation mark last (a text that can have no quote is not read:
       may_have_quotes) */
    size_t nbig = 40000;
    char *big = malloc(nbig * 6 + 2), *o = big;
    NF_CHECK(big != NULL);
    for (size_t i = 0; big && i < nbig; i++) {
        size_t v = i;
        *o++ = 'q';
        for (int k = 0; k < 4; k++, v /= 26) *o++ = (char)('a' + v % 26);
        *o++ = ' ';
    }
    if (o) {
        *o++ = '"';
        *o = 0;
    }
    /* the forms of texts[1] alone */
    size_t alone = 0;
    nfi_quotes_ws *one = nfi_quotes_ws_new(r, &err);
    if (one) free(quotes_with(r, one, texts[1]));
    alone = nfi_quotes_ws_form_count(one);
    nfi_quotes_ws_free(one);
    NF_CHECK(alone > 20);
    /* each text twice, then the long text, then each text again */
    const char *order[] = {texts[0], texts[0], texts[1], big, texts[1], texts[0]};
    size_t before = 0;
    for (size_t k = 0; qws && big && k < sizeof order / sizeof order[0]; k++) {
        char *fresh = quotes_with(r, NULL, order[k]);
        char *kept = quotes_with(r, qws, order[k]);
        NF_CHECK(fresh != NULL && kept != NULL);
        if (fresh && kept) NF_CHECK_EQ_STR(kept, fresh);
        if (order[k] != big) NF_CHECK(fresh && strchr(fresh, ';'));
        size_t after = nfi_quotes_ws_form_count(qws);
        if (k == 1) NF_CHECK(after == before && after > 20); /* the same words: no new form */
        if (k == 2) NF_CHECK(after > alone);                 /* the forms of both texts */
        if (k == 3) NF_CHECK(after == 0);                    /* emptied after the text */
        if (k == 4) NF_CHECK(after > 20 && after < 100);
        before = after;
        free(fresh);
        free(kept);
    }
    free(big);
    nfi_quotes_ws_free(qws);
    nf_rules_free(r);
}

/* ------------------------------------------------------------ tokens */

/* Whether the quote stage's tokens read from the document's tokens equal
 * those of its own scan of text; adds the counts to *from_doc, *total. */
static bool tokens_agree(const nf_rules *r, nfi_quotes_ws *qws, const char *text, size_t len,
                         size_t *from_doc, size_t *total)
{
    nf_error err;
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags |= NF_EXTRACT_ALL_TEXT;
    nf_doc *d = nfi_extract_unpublished(r, NULL, text, len, &opts, &err);
    NF_CHECK(d != NULL);
    if (!d) return false;
    size_t f = 0, t = 0;
    int same = nfi_quotes_tokens_agree(d, qws, &f, &t);
    if (same != 1) fprintf(stderr, "quote tokens differ on \"%.*s\"\n", (int)(len < 300 ? len : 300), text);
    *from_doc += f;
    *total += t;
    nf_doc_free(d);
    return same == 1;
}

/* The quote stage reads its tokens from the document's where the two
 * tokenizers agree and scans the text where they differ: the result is
 * the scan's on prose, on the seed articles and on random texts over the
 * pieces where they differ or might (possessives, contractions, numbers,
 * doubled marks, dashes, abbreviations, white space the tokenizer treats
 * otherwise, letters outside ASCII), and most tokens of prose are read.
 * On all of them the forms of the words as the stage's tests read them
 * (looked up, or on the text: "said", "...ed") are the words lower-cased,
 * for short words and for words longer than 64 bytes. */
NF_TEST(quotes_tokens_from_document_equal_scan)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    nfi_quotes_ws *qws = nfi_quotes_ws_new(r, &err);
    NF_CHECK(qws != NULL);
    size_t from_doc = 0, total = 0;
    static const char prose[] =
        "The harbour board met on Tuesday. \"We will open the new pier in March,\" said "
        "Mara Lind, its chair, adding that the cranes were old.\n\nMr. Okafor (the mayor) "
        "told reporters the U.S. firm's bid - worth $1,250,000 - was \xe2\x80\x9c""fair\xe2\x80\x9d; "
        "he didn't say when work would start \xe2\x80\x94 perhaps at 9:30 a.m. on May 5.\n";
    NF_CHECK(qws && tokens_agree(r, qws, prose, sizeof prose - 1, &from_doc, &total));
    NF_CHECK(total > 60 && from_doc * 10 > total * 8);
    const char *shared = nft_shared_dir();
    static const char *const seeds[] = {"000_b770208cb639f5e0.txt", "001_249e6d72ec158312.txt"};
    for (size_t i = 0; qws && shared && i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/corpus/seeds/%s", shared, seeds[i]);
        size_t len = 0;
        char *text = nft_read_file(path, &len);
        if (!text) continue;
        from_doc = total = 0;
        NF_CHECK(tokens_agree(r, qws, text, len, &from_doc, &total));
        NF_CHECK(from_doc * 10 > total * 9);
        free(text);
    }
    static const char *const pieces[] = {
        "word", "Word", "WORD", "a", "I", "A", "J", "s", "5", "27th", "5pm", "1,000", "3.5",
        "9:24", "'", "''", "`", "``", "\"", "\xe2\x80\x99", "\xe2\x80\x98", "\xe2\x80\x9c",
        "\xe2\x80\x9d", "\xc2\xab", "\xc2\xbb", "\xe2\x80\x94", "\xe2\x80\x93", "-", "--", ".",
        "...", "\xe2\x80\xa6", ",", ";", ":", "!", "?", "(", ")", "&", "/", "_", "#", "@", "Mr",
        "Mr.", "no", "Fla", "U.S.", "e.g.", "don't", "can\xe2\x80\x99t", "Russia's", "'s", "n't",
        "caf\xc3\xa9", "\xc3\x89", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xb0", "\xc3\x9f",
        "\xc4\xb0", "\xf0\x9f\x98\x80", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\r",
        "\xc2\xa0", "\xe2\x80\x8b", "\xef\xbb\xbf", "\xe2\x80\xa8", "\xc2\x85", "\xe2\x80\xaf",
        "\xe3\x80\x80", "\x01", "\x7f", "http://x.org/a_(b)", "ann@x.org", "1990-2000",
        "day-to-day", "AT&T", "and/or", "said", "SAID", "The", "rushed", "Ned", "ED", "talking",
        "sing", "slowly", "ly", "Wed\xe2\x80\x99s", "saying\xe2\x80\x99", "It\xe2\x80\x99s",
        "x\xe2\x80\x99" "ed",
        /* words longer than the 64 bytes the stage lower-cases on the stack */
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaed",
        "Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\xe2\x80\x99s",
        "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"};
    size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t seed = 12345;
    char text[40 * 80]; /* 40 pieces of 80 bytes at most */
    int bad = 0;
    for (int k = 0; qws && k < 3000 && bad < 3; k++) {
        size_t len = 0, parts = 1 + k % 40;
        for (size_t p = 0; p < parts; p++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *x = pieces[(seed >> 33) % npieces];
            size_t xl = strlen(x);
            memcpy(text + len, x, xl);
            len += xl;
        }
        text[len] = 0;
        if (!tokens_agree(r, qws, text, len, &from_doc, &total)) bad++;
    }
    NF_CHECK(bad == 0);
    /* words around the 255 bytes from which a token keeps its end aside */
    static const size_t long_lens[] = {254, 255, 256, 300, 1000};
    char *longs = malloc(4000);
    size_t len = 0;
    for (size_t k = 0; longs && k < sizeof long_lens / sizeof *long_lens; k++) {
        memcpy(longs + len, "The ", 4);
        len += 4;
        for (size_t j = 0; j < long_lens[k]; j++) longs[len++] = j % 7 ? 'a' : 'B';
        memcpy(longs + len, k % 2 ? ", âokâ said " : " said ", k % 2 ? 16 : 6);
        len += k % 2 ? 16 : 6;
    }
    NF_CHECK(longs && qws && tokens_agree(r, qws, longs, len, &from_doc, &total));
    free(longs);
    nfi_quotes_ws_free(qws);
    nf_rules_free(r);
}

/* A token keeps its length in a byte: the end of a word of 255 bytes or
 * more is kept aside, and spans that end on one end where it ends. */
NF_TEST(quotes_span_ends_on_a_long_word)
{
    static const char head[] = "Mara Lind said the harbour would get ";
    char text[sizeof head + 300 + 4];
    memcpy(text, head, sizeof head - 1);
    memset(text + sizeof head - 1, 'w', 300);
    memcpy(text + sizeof head - 1 + 300, ".\n", 3);
    nf_doc *d = qextract(text);
    NF_CHECK(d != NULL);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_INDIRECT, "the harbour would get www") : NULL;
    NF_CHECK(q != NULL);
    if (q) {
        NF_CHECK_EQ_INT(q->span.end, sizeof head - 1 + 300);
        NF_CHECK_EQ_STR(sp(d, q->speaker), "Mara Lind");
    }
    nf_doc_free(d);
}

/* The pairing of marks and the units visit the tokens that are not words
 * only (c->others): a quote after a run of 300 words without punctuation
 * is still found, with its speaker. */
NF_TEST(quotes_found_after_a_long_run_of_words)
{
    static const char tail[] = "\n\n\"The bridge opens in May, not June,\" Clara Bell said on Tuesday.\n";
    size_t n = 7 + 300 * 5 + sizeof tail;
    char *text = malloc(n);
    NF_CHECK(text != NULL);
    if (!text) return;
    memcpy(text, "Notes: ", 7); /* a token that is not a word, then the run */
    for (size_t i = 0; i < 300; i++) memcpy(text + 7 + 5 * i, i % 2 ? "pier " : "dock ", 5);
    memcpy(text + 7 + 300 * 5, tail, sizeof tail);
    nf_doc *d = qextract(text);
    NF_CHECK(d != NULL);
    const nf_quote *q = d ? find_q(d, NF_QUOTE_DIRECT, "The bridge opens in May") : NULL;
    NF_CHECK(q != NULL);
    if (q) NF_CHECK_EQ_STR(sp(d, q->speaker), "Clara Bell");
    nf_doc_free(d);
    free(text);
}

/* ------------------------------------------------------------ body */

/* The quotes of a document's body from the quote stage run again over it
 * (d->quotes emptied first); *work gets the stage's steps, its tokens
 * among them. */
static size_t quotes_again(nf_doc *d, const nf_rules *r, uint64_t *work)
{
    nf_error err;
    nfi_quotes_ws *qws = nfi_quotes_ws_new(r, &err);
    NF_CHECK(qws != NULL);
    d->quotes.len = 0;
    *work = 0;
    if (qws) NF_CHECK_EQ_INT(nfi_quotes_resolve_counted(d, qws, &err, work), NF_OK);
    nfi_quotes_ws_free(qws);
    return d->quotes.len;
}

/* Whether quote q is one of quotes[0, n): span, kind, cue and speaker. */
static bool has_quote(const nf_quote *quotes, size_t n, const nf_quote *q)
{
    for (size_t i = 0; i < n; i++)
        if (quotes[i].span.start == q->span.start && quotes[i].span.end == q->span.end &&
            quotes[i].kind == q->kind && quotes[i].cue.start == q->cue.start &&
            quotes[i].speaker.start == q->speaker.start &&
            quotes[i].speaker.end == q->speaker.end)
            return true;
    return false;
}

static bool in_body(const nf_doc *d, nf_span s)
{
    for (size_t i = 0; i < d->body.len; i++)
        if (d->body.items[i].start <= s.start && s.end <= d->body.items[i].end) return true;
    return false;
}

/* Like the rule engine, the quote stage reads the body's and the
 * metadata's sentences only, not the clutter of a page: fewer steps, and
 * the quotes in the body are those of a run over all the text. */
NF_TEST(quotes_stage_skips_the_clutter)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    size_t len = 0;
    char *text = nft_read_file(NF_SRC("examples/data/sample-article.txt"), &len);
    NF_CHECK(r && text);
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.dct = "2025-04-10";
    nf_doc *d = r && text ? nfi_extract_unpublished(r, NULL, text, len, &o, &err) : NULL;
    NF_CHECK(d != NULL);
    if (d) {
        NF_CHECK_EQ_INT(d->body.len, 1);
        uint64_t body_work, all_work;
        size_t nb = quotes_again(d, r, &body_work);
        nf_quote *body = malloc((nb + 1) * sizeof *body);
        NF_CHECK(body != NULL);
        if (body) memcpy(body, d->quotes.items, nb * sizeof *body);
        d->extract_flags |= NF_EXTRACT_ALL_TEXT;
        size_t na = quotes_again(d, r, &all_work);
        NF_CHECK(nb > 0 && na >= nb);
        NF_CHECK(body_work < all_work); /* the clutter's tokens are not made */
        size_t in = 0;
        for (size_t i = 0; body && i < na; i++) {
            const nf_quote *q = &d->quotes.items[i];
            if (!in_body(d, q->span)) continue;
            in++;
            NF_CHECK(has_quote(body, nb, q));
        }
        NF_CHECK_EQ_INT(in, nb);
        free(body);
    }
    nf_doc_free(d);
    free(text);
    nf_rules_free(r);
}

/* A quote over several paragraphs (an opening mark at each) goes on into
 * the next paragraph only when the stage read it: one of the clutter after
 * the body is skipped, so the quote ends with the body, unclosed, and is
 * kept; over all the text it runs on into the clutter and is outside the
 * body. */
NF_TEST(quotes_do_not_run_on_into_the_clutter)
{
    static const char text[] =
        "Vice presidential nominee Mike Pence spoke with host Chris Wallace on Sunday about "
        "the campaign and the debate.\n\n"
        "\"WALLACE: Governor, I want to ask you about the debate on Tuesday night and what "
        "happened there.\n\n"
        "\"PENCE: And that is why Donald Trump is on his way to the White House.\n\n"
        "\"Follow Pam Key on Twitter @pamkeyNEN.\"\n";
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(r != NULL);
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.dct = "2025-04-10";
    size_t end = (size_t)(strstr(text, "House.") + 6 - text);
    for (int all = 0; r && all < 2; all++) {
        if (all) o.flags |= NF_EXTRACT_ALL_TEXT;
        nf_doc *d = nf_extract(r, NULL, text, sizeof text - 1, &o, &err);
        NF_CHECK(d != NULL);
        if (!d) continue;
        NF_CHECK_EQ_INT(nf_doc_count(d, NF_KIND_BODY), 1);
        NF_CHECK_EQ_INT(nf_doc_count(d, NF_KIND_QUOTE), 1);
        const nf_quote *q = nf_doc_quote(d, 0);
        if (q && !all) {
            NF_CHECK_EQ_INT(q->span.end, end);
            NF_CHECK((q->flags & NF_QUOTE_UNCLOSED) && !(q->flags & NF_FACT_OUTSIDE_BODY));
        } else if (q) {
            NF_CHECK(q->span.end > end && (q->flags & NF_FACT_OUTSIDE_BODY));
        }
        nf_doc_free(d);
    }
    nf_rules_free(r);
}
