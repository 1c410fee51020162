/* test_entities.c - the entity resolver (lib/entities.c) on hand-built
 * annotations: spans, overlaps, roles, clusters and canonical names.
 * The texts are invented for these tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "engine.h"
#include "fixture_anns.h"

typedef struct ent_fixture {
    nf_rules *rules;
    nf_doc *doc;
    const char *text;
} ent_fixture;

static bool ent_open(ent_fixture *f, const char *text)
{
    static const char yaml[] = "schema: 1\n";
    nf_error err;
    memset(f, 0, sizeof *f);
    f->text = text;
    f->rules = nf_rules_load_buffer(yaml, sizeof yaml - 1, "<test>", NULL, &err);
    if (!f->rules) return false;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags |= NF_EXTRACT_NO_RULES;
    f->doc = nfi_extract_unpublished(f->rules, NULL, text, strlen(text), &o, &err);
    return f->doc != NULL;
}

static void ent_close(ent_fixture *f)
{
    nf_doc_free(f->doc);
    nf_rules_free(f->rules);
}

/* Span of the n-th (0-based) occurrence of needle in the text. */
static nf_span find_span(const ent_fixture *f, const char *needle, int nth)
{
    nf_span s = {NF_UNSET, NF_UNSET};
    const char *p = f->text;
    for (int i = 0; p; i++) {
        p = strstr(p, needle);
        if (!p) break;
        if (i == nth) {
            s.start = (size_t)(p - f->text);
            s.end = s.start + strlen(needle);
            break;
        }
        p++;
    }
    return s;
}

/* Adds an annotation of type over the nth occurrence of needle; returns its index. */
static size_t ann(ent_fixture *f, const char *type, const char *needle, int nth, int32_t prio)
{
    nfi_ann *a = nfi_vec_push(&f->doc->anns);
    nfi_rule *ru = nfi_arena_alloc(&f->doc->arena, sizeof *ru);
    if (!a || !ru) return 0;
    ru->name = "test.rule";
    ru->priority = prio;
    nf_span sp = find_span(f, needle, nth);
    a->type_id = fixture_type_id(f->doc, type);
    a->rule = ru;
    a->tok_start = (uint32_t)nfi_doc_token_at(f->doc, sp.start);
    a->tok_end = (uint32_t)nfi_doc_token_at(f->doc, sp.end);
    a->attr_start = (uint32_t)f->doc->attrs.len;
    return f->doc->anns.len - 1;
}

/* Adds an attribute to annotation i (the last one added: attrs are contiguous). */
static void attr(ent_fixture *f, size_t i, const char *key, const char *value, const char *needle,
                 int nth)
{
    nfi_attr *at = nfi_vec_push(&f->doc->attrs);
    if (!at) return;
    at->key = key;
    at->value = value;
    at->span.start = at->span.end = NFI_NONE;
    if (needle) {
        nf_span sp = find_span(f, needle, nth);
        at->span = (nfi_tspan){(uint32_t)sp.start, (uint32_t)sp.end};
    }
    f->doc->anns.items[i].attr_count++;
}

static bool ent_run(ent_fixture *f)
{
    nf_error err;
    nfi_entities_ws *ws = nfi_entities_ws_new(f->rules, &err);
    bool ok = ws && nfi_entities_resolve(f->doc, ws, NULL, &err) == NF_OK;
    nfi_entities_ws_free(ws);
    return ok;
}

static const nf_entity *ent_at(const ent_fixture *f, size_t i)
{
    return nf_doc_entity(f->doc, i);
}

static char *ent_text(const ent_fixture *f, size_t i, char *buf, size_t n)
{
    const nf_entity *e = ent_at(f, i);
    buf[0] = '\0';
    if (!e) return buf;
    size_t len = e->span.end - e->span.start;
    if (len >= n) len = n - 1;
    memcpy(buf, f->text + e->span.start, len);
    buf[len] = '\0';
    return buf;
}

NF_TEST(entities_surname_joins_full_name)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Marta Oyelaran opened the plant. Later Oyelaran left, and "
                          "Oyelaran's deputy stayed."));
    ann(&f, "PERSON", "Marta Oyelaran", 0, 0);
    ann(&f, "PERSON", "Oyelaran", 1, 0);
    ann(&f, "PERSON", "Oyelaran's", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    char b[64];
    NF_CHECK_EQ_STR(ent_text(&f, 2, b, sizeof b), "Oyelaran"); /* possessive stripped */
    NF_CHECK_EQ_INT(ent_at(&f, 0)->cluster, 1);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, 1);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, 1);
    NF_CHECK_EQ_STR(ent_at(&f, 1)->canonical, "Marta Oyelaran");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_PERSON);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->rule, "test.rule");
    ent_close(&f);
}

NF_TEST(entities_same_surname_takes_nearest_full_name)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Tomas Brandvik spoke first. Brandvik was brief. Then Ilse "
                          "Brandvik answered, and Brandvik was long."));
    ann(&f, "PERSON", "Tomas Brandvik", 0, 0);
    ann(&f, "PERSON", "Brandvik", 1, 0);
    ann(&f, "PERSON", "Ilse Brandvik", 0, 0);
    ann(&f, "PERSON", "Brandvik", 3, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->cluster, ent_at(&f, 2)->cluster);
    NF_CHECK(ent_at(&f, 0)->cluster != ent_at(&f, 2)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 3)->canonical, "Ilse Brandvik");
    ent_close(&f);
}

NF_TEST(entities_spelling_variant_of_long_surname)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Piotr Wierzbicki arrived. Wierzbicky said little. Ana Lee met "
                          "Lea and Bo Kim met Kin."));
    ann(&f, "PERSON", "Piotr Wierzbicki", 0, 0);
    ann(&f, "PERSON", "Wierzbicky", 0, 0);
    ann(&f, "PERSON", "Ana Lee", 0, 0);
    ann(&f, "PERSON", "Lea", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 0)->cluster);
    /* a three-letter surname is too short for a spelling variant */
    NF_CHECK(ent_at(&f, 3)->cluster != ent_at(&f, 2)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 3)->canonical, "Lea");
    ent_close(&f);
}

NF_TEST(entities_full_name_variants_merge)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Anatoly Verkhovtsev and A. Verkhovtsev and Anatoly Verkhovtzev "
                          "but not Boris Verkhovtsev."));
    ann(&f, "PERSON", "Anatoly Verkhovtsev", 0, 0);
    ann(&f, "PERSON", "A. Verkhovtsev", 0, 0);
    ann(&f, "PERSON", "Anatoly Verkhovtzev", 0, 0);
    ann(&f, "PERSON", "Boris Verkhovtsev", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK(ent_at(&f, 3)->cluster != ent_at(&f, 0)->cluster);
    ent_close(&f);
}

NF_TEST(entities_determiner_and_possessive_trimmed)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "The Harbour Authority's chief met \"Globe Weekly\" and the "
                          "Pelham Brothers' lawyers."));
    ann(&f, "ORG", "The Harbour Authority's", 0, 0);
    ann(&f, "ORG", "\"Globe Weekly\"", 0, 0);
    ann(&f, "ORG", "the Pelham Brothers'", 0, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "Harbour Authority");
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Globe Weekly");
    NF_CHECK_EQ_STR(ent_text(&f, 2, b, sizeof b), "Pelham Brothers");
    ent_close(&f);
}

NF_TEST(entities_overlaps_keep_longest_then_priority)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "The U.S. Treasury Department said Jordan Vale visited Jordan."));
    ann(&f, "GPE", "U.S.", 0, 0);
    ann(&f, "ORG", "U.S. Treasury Department", 0, 0);
    ann(&f, "GPE", "Jordan", 0, 0);      /* loses to the person by priority */
    ann(&f, "PERSON", "Jordan Vale", 0, 5);
    ann(&f, "PERSON", "Jordan", 1, 0);   /* same span, two types: earlier rule wins */
    ann(&f, "GPE", "Jordan", 1, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "U.S. Treasury Department");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_ORG);
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Jordan Vale");
    NF_CHECK_EQ_INT(ent_at(&f, 2)->type, NF_ENT_PERSON);
    ent_close(&f);
}

NF_TEST(entities_sorted_by_start_then_longer_first)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Kenya and Peru and Chile."));
    ann(&f, "GPE", "Chile", 0, 0);
    ann(&f, "GPE", "Kenya", 0, 0);
    ann(&f, "GPE", "Peru", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    for (size_t i = 1; i < 3; i++) NF_CHECK(ent_at(&f, i - 1)->span.start < ent_at(&f, i)->span.start);
    /* clusters are numbered by first mention */
    NF_CHECK_EQ_INT(ent_at(&f, 0)->cluster, 1);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, 3);
    ent_close(&f);
}

/* Annotations in many unsorted runs (the resolver merges runs: here
 * several merge passes) come out in text order, one cluster each. */
NF_TEST(entities_many_unsorted_runs_come_out_in_text_order)
{
    enum { N = 48 };
    char text[N * 8 + 1], names[N][4];
    size_t len = 0;
    for (int i = 0; i < N; i++) {
        names[i][0] = 'Z', names[i][1] = (char)('a' + i / 26), names[i][2] = (char)('a' + i % 26);
        names[i][3] = '\0';
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? " and " : "", names[i]);
    }
    ent_fixture f;
    NF_CHECK(ent_open(&f, text));
    for (int i = 0; i < N; i++) ann(&f, "GPE", names[(i * 29) % N], 0, 0); /* 29 is prime to 48 */
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), N);
    for (size_t i = 0; i < N && i < nf_doc_count(f.doc, NF_KIND_ENTITY); i++) {
        char b[8];
        NF_CHECK_EQ_STR(ent_text(&f, i, b, sizeof b), names[i]);
        NF_CHECK_EQ_INT(ent_at(&f, i)->cluster, i + 1);
    }
    ent_close(&f);
}

NF_TEST(entities_acronyms_join_their_long_form)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "The World Grain Council met in the United Kingdom. The WGC said "
                          "the UK agreed; U.K. officials and the IMF did not."));
    ann(&f, "ORG", "World Grain Council", 0, 0);
    ann(&f, "GPE", "United Kingdom", 0, 0);
    ann(&f, "ORG", "WGC", 0, 0);
    ann(&f, "ORG", "UK", 0, 0); /* typed wrongly by a rule: takes the long form's type */
    ann(&f, "GPE", "U.K.", 0, 0);
    ann(&f, "ORG", "IMF", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 6);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->type, NF_ENT_GPE);
    NF_CHECK_EQ_INT(ent_at(&f, 4)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 4)->canonical, "United Kingdom");
    NF_CHECK_EQ_STR(ent_at(&f, 5)->canonical, "IMF");
    NF_CHECK(ent_at(&f, 5)->cluster != ent_at(&f, 0)->cluster);
    ent_close(&f);
}

NF_TEST(entities_hints_group_names_and_give_canonical)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Burma, officially the Republic of the Union of Myanmar, and "
                          "the USA. Later Myanmar and America."));
    size_t a = ann(&f, "GPE", "Burma", 0, 0);
    attr(&f, a, "canonical", "Myanmar", NULL, 0);
    a = ann(&f, "GPE", "Republic of the Union of Myanmar", 0, 0);
    attr(&f, a, "canonical", "Myanmar", NULL, 0);
    a = ann(&f, "GPE", "USA", 0, 0);
    attr(&f, a, "canonical", "United States", NULL, 0);
    ann(&f, "GPE", "Myanmar", 1, 0);
    a = ann(&f, "GPE", "America", 0, 0);
    attr(&f, a, "canonical", "United States", NULL, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 5);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 3)->canonical, "Republic of the Union of Myanmar");
    NF_CHECK_EQ_INT(ent_at(&f, 4)->cluster, ent_at(&f, 2)->cluster);
    /* fullest name written is "America"; an acronym never wins over a name */
    NF_CHECK_EQ_STR(ent_at(&f, 2)->canonical, "America");
    ent_close(&f);
}

/* Twenty names, each written twice with its own hint: more hints than the
 * resolver's cache of hint keys has slots, so some share a slot, and each
 * name must still join only its own cluster. */
NF_TEST(entities_many_hints_each_its_own_cluster)
{
    static const char *const names[20] = {"Alfa", "Bravo", "Charlie", "Delta", "Echo",
                                          "Foxtrot", "Golf", "Hotel", "India", "Juliett",
                                          "Kilo", "Lima", "Mike", "November", "Oscar",
                                          "Papa", "Quebec", "Romeo", "Sierra", "Tango"};
    static const char *const hints[20] = {"H a", "H b", "H c", "H d", "H e", "H f", "H g",
                                          "H h", "H i", "H j", "H k", "H l", "H m", "H n",
                                          "H o", "H p", "H q", "H r", "H s", "H t"};
    char text[512] = "";
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 20; i++) {
            strcat(text, names[i]);
            strcat(text, i == 19 ? ". " : " and ");
        }
    ent_fixture f;
    NF_CHECK(ent_open(&f, text));
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 20; i++) {
            size_t a = ann(&f, "ORG", names[i], pass, 0);
            attr(&f, a, "canonical", hints[i], NULL, 0);
        }
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 40);
    if (nf_doc_count(f.doc, NF_KIND_ENTITY) == 40)
        for (size_t i = 0; i < 20; i++) {
            NF_CHECK_EQ_INT(ent_at(&f, i + 20)->cluster, ent_at(&f, i)->cluster);
            if (i) NF_CHECK(ent_at(&f, i)->cluster != ent_at(&f, i - 1)->cluster);
        }
    ent_close(&f);
}

NF_TEST(entities_acronym_alone_takes_hint_as_canonical)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Talks in the USA went well."));
    size_t a = ann(&f, "GPE", "USA", 0, 0);
    attr(&f, a, "canonical", "United States", NULL, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 1);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "United States");
    ent_close(&f);
}

NF_TEST(entities_case_insensitive_and_case_normalised)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "the treasury department of canada met in ottawa; later the "
                          "Treasury department and OTTAWA POLICE and the KGB and Ottawa."));
    size_t a = ann(&f, "ORG", "treasury department of canada", 0, 0);
    attr(&f, a, "lower", "1", NULL, 0); /* the rule vouches for lower case */
    ann(&f, "GPE", "ottawa", 0, 0);       /* confirmed by "Ottawa" later */
    ann(&f, "ORG", "Treasury department", 0, 0);
    ann(&f, "ORG", "OTTAWA POLICE", 0, 0);
    ann(&f, "ORG", "KGB", 0, 0);
    ann(&f, "GPE", "Ottawa", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 6);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "Treasury Department of Canada");
    NF_CHECK_EQ_INT(ent_at(&f, 5)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 1)->canonical, "Ottawa");
    NF_CHECK_EQ_STR(ent_at(&f, 3)->canonical, "Ottawa Police");
    NF_CHECK_EQ_STR(ent_at(&f, 4)->canonical, "KGB");
    ent_close(&f);
}

NF_TEST(entities_short_forms_of_organisations)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "The Canadian Border Services Agency and Lindqvist Marine Ltd. "
                          "met. The Border Services Agency and Lindqvist Marine agreed; "
                          "the Agency did not."));
    ann(&f, "ORG", "Canadian Border Services Agency", 0, 0);
    ann(&f, "ORG", "Lindqvist Marine Ltd.", 0, 0);
    ann(&f, "ORG", "Border Services Agency", 1, 0);
    ann(&f, "ORG", "Lindqvist Marine", 1, 0);
    ann(&f, "ORG", "Agency", 2, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 5);
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Lindqvist Marine Ltd.");
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK(ent_at(&f, 4)->cluster != ent_at(&f, 0)->cluster); /* one word is too short */
    NF_CHECK_EQ_STR(ent_at(&f, 2)->canonical, "Canadian Border Services Agency");
    ent_close(&f);
}

NF_TEST(entities_types_kept_apart)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Chinese diplomats left China; Georgia Penn flew to Georgia."));
    ann(&f, "NORP", "Chinese", 0, 0);
    ann(&f, "GPE", "China", 0, 0);
    ann(&f, "PERSON", "Georgia Penn", 0, 0);
    ann(&f, "GPE", "Georgia", 1, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK(ent_at(&f, 0)->cluster != ent_at(&f, 1)->cluster);
    NF_CHECK(ent_at(&f, 2)->cluster != ent_at(&f, 3)->cluster);
    ent_close(&f);
}

/* A name's exact group is its type and its key: the same name of two
 * types is two clusters, of one type one. */
NF_TEST(entities_same_name_of_two_types_two_clusters)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Washington met officials in Washington and left Washington."));
    ann(&f, "PERSON", "Washington", 0, 0);
    ann(&f, "GPE", "Washington", 1, 0);
    ann(&f, "GPE", "Washington", 2, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    if (nf_doc_count(f.doc, NF_KIND_ENTITY) == 3) {
        NF_CHECK(ent_at(&f, 0)->cluster != ent_at(&f, 1)->cluster);
        NF_CHECK(ent_at(&f, 1)->cluster == ent_at(&f, 2)->cluster);
    }
    ent_close(&f);
}

NF_TEST(entities_role_and_name_captures)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Port authority chief Ewa Sandoval, the harbour master, said: "
                          "yes. Said the senior adviser Oren Pike."));
    size_t a = ann(&f, "PERSON", "Port authority chief Ewa Sandoval", 0, 0);
    attr(&f, a, "name", NULL, "Ewa Sandoval", 0);
    attr(&f, a, "role", NULL, "Port authority chief", 0);
    a = ann(&f, "PERSON", "Oren Pike", 0, 0);
    attr(&f, a, "role", NULL, "the senior adviser", 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 2);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "Ewa Sandoval");
    const nf_entity *e = ent_at(&f, 0);
    NF_CHECK_EQ_INT(e->role.start, find_span(&f, "Port authority chief", 0).start);
    NF_CHECK_EQ_INT(e->role.end, find_span(&f, "Port authority chief", 0).end);
    e = ent_at(&f, 1);
    NF_CHECK_EQ_INT(e->role.start, find_span(&f, "senior adviser", 0).start);
    NF_CHECK_EQ_INT(e->role.end, find_span(&f, "senior adviser", 0).end);
    ent_close(&f);
}

NF_TEST(entities_no_role_is_unset_and_removed_annotations_skipped)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "May Ross met Lagos."));
    size_t a = ann(&f, "PERSON", "May", 0, 0);
    f.doc->anns.items[a].flags |= NFI_ANN_REMOVED;
    ann(&f, "GPE", "Lagos", 0, 0);
    ann(&f, "DATE", "May", 0, 0); /* not an entity type */
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 1);
    NF_CHECK_EQ_INT(ent_at(&f, 0)->role.start, NF_UNSET);
    NF_CHECK_EQ_INT(ent_at(&f, 0)->role.end, NF_UNSET);
    ent_close(&f);
}

NF_TEST(entities_shouted_text_gets_title_case)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "SOCCER - NORTHFIELD ROVERS BEAT BOLIVIA"));
    ann(&f, "ORG", "NORTHFIELD ROVERS", 0, 0);
    ann(&f, "GPE", "BOLIVIA", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 2);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "Northfield Rovers");
    NF_CHECK_EQ_STR(ent_at(&f, 1)->canonical, "Bolivia");
    ent_close(&f);
}

NF_TEST(entities_empty_and_degenerate_spans)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "the \"\" 's"));
    ann(&f, "ORG", "the", 0, 0);
    ann(&f, "ORG", "\"\"", 0, 0);
    ann(&f, "ORG", "'s", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 0);
    ent_close(&f);
}

NF_TEST(entities_name_candidates_typed_by_the_document)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "HALVERSTAD WINS. Ida Halverstad, who met Quill Barrow in Lisbon, "
                          "won. Halverstad said Zephyr was late. Barrow left Lisbon for "
                          "the WORLD GRAIN COUNCIL and the WGC."));
    size_t a = ann(&f, "NAME", "HALVERSTAD", 0, 0);     /* no guess: a surname seen later */
    ann(&f, "NAME", "WINS", 0, 0);                       /* no guess, nothing to join: dropped */
    ann(&f, "PERSON", "Ida Halverstad", 0, 0);
    a = ann(&f, "NAME", "Quill Barrow", 0, 0);
    attr(&f, a, "guess", "PERSON", NULL, 0);
    a = ann(&f, "NAME", "Lisbon", 0, 0);                 /* guessed wrong: typed GPE later */
    attr(&f, a, "guess", "PERSON", NULL, 0);
    ann(&f, "NAME", "Halverstad", 1, 0);
    ann(&f, "NAME", "Zephyr", 0, 0);
    ann(&f, "NAME", "Barrow", 1, 0);
    ann(&f, "GPE", "Lisbon", 1, 0);
    ann(&f, "NAME", "Lisbon", 1, 0);                     /* loses to the typed mention */
    ann(&f, "ORG", "WORLD GRAIN COUNCIL", 0, 0);
    ann(&f, "NAME", "WGC", 0, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 9);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "HALVERSTAD");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_PERSON);
    NF_CHECK_EQ_INT(ent_at(&f, 0)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "Ida Halverstad");
    NF_CHECK_EQ_STR(ent_text(&f, 2, b, sizeof b), "Quill Barrow");
    NF_CHECK_EQ_INT(ent_at(&f, 2)->type, NF_ENT_PERSON);
    NF_CHECK_EQ_INT(ent_at(&f, 3)->type, NF_ENT_GPE);
    NF_CHECK_EQ_INT(ent_at(&f, 4)->cluster, ent_at(&f, 0)->cluster); /* Halverstad said */
    NF_CHECK_EQ_STR(ent_text(&f, 5, b, sizeof b), "Barrow");           /* Zephyr dropped */
    NF_CHECK_EQ_INT(ent_at(&f, 5)->cluster, ent_at(&f, 2)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 6)->cluster, ent_at(&f, 3)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 6)->rule, "test.rule");
    NF_CHECK_EQ_INT(ent_at(&f, 8)->type, NF_ENT_ORG);
    NF_CHECK_EQ_INT(ent_at(&f, 8)->cluster, ent_at(&f, 7)->cluster);
    NF_CHECK_EQ_STR(ent_at(&f, 8)->canonical, "World Grain Council");
    ent_close(&f);
}

NF_TEST(entities_lower_case_and_ambiguous_names_need_support)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Reading is fun. We drove to reading and to turkey farms. Nice "
                          "weather. Later Nice and Turkey signed."));
    size_t a = ann(&f, "GPE", "Reading", 0, 0); /* sentence start, a common word */
    attr(&f, a, "ambiguous", "1", NULL, 0);
    a = ann(&f, "GPE", "reading", 0, 0);        /* lower case, no capitalised twin */
    attr(&f, a, "ambiguous", "1", NULL, 0);
    ann(&f, "GPE", "turkey", 0, 0);              /* lower case: joins Turkey */
    a = ann(&f, "GPE", "Nice", 0, 0);            /* sentence start: joins the Nice below */
    attr(&f, a, "ambiguous", "1", NULL, 0);
    a = ann(&f, "GPE", "Nice", 1, 0);            /* inside a sentence: trusted */
    attr(&f, a, "ambiguous", "0", NULL, 0);
    ann(&f, "GPE", "Turkey", 0, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "turkey");
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Nice");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->cluster, ent_at(&f, 3)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 2)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_GPE);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "Turkey");
    ent_close(&f);
}

/* Rules with settings and inline lexicons, for the resolver's data-driven parts. */
static bool ent_open_rules(ent_fixture *f, const char *text, const char *yaml)
{
    nf_error err;
    memset(f, 0, sizeof *f);
    f->text = text;
    f->rules = nf_rules_load_buffer(yaml, strlen(yaml), "<test>", NULL, &err);
    if (!f->rules) return false;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags |= NF_EXTRACT_NO_RULES;
    f->doc = nfi_extract_unpublished(f->rules, NULL, text, strlen(text), &o, &err);
    return f->doc != NULL;
}

NF_TEST(entities_hyphenated_compounds_split_into_names)
{
    static const char yaml[] =
        "schema: 1\n"
        "settings:\n"
        "  entities.compound_parts: [\"lands=GPE\", \"peoples=NORP\"]\n"
        "  entities.alias_attr: name\n"
        "lexicons:\n"
        "  lands: [\"zembla\\tname=Zembla\", \"ruritania\", \"u.k.\\tname=United Kingdom\"]\n"
        "  peoples: [zemblan, ruritanian]\n";
    ent_fixture f;
    NF_CHECK(ent_open_rules(&f, "The U.K.-Zembla pact, Zemblan-Ruritanian ties and a Zembla-based firm.", yaml));
    /* "Zembla-based" is no compound of names: "based" is in no lexicon */
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 4);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "U.K.");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_GPE);
    NF_CHECK_EQ_STR(ent_at(&f, 0)->canonical, "United Kingdom");
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Zembla");
    NF_CHECK_EQ_STR(ent_text(&f, 2, b, sizeof b), "Zemblan");
    NF_CHECK_EQ_INT(ent_at(&f, 2)->type, NF_ENT_NORP);
    NF_CHECK_EQ_STR(ent_text(&f, 3, b, sizeof b), "Ruritanian");
    ent_close(&f);
}

/* An alias lexicon entry covering a mention exactly gives its identity;
 * one that begins there and goes on past its end gives none. */
NF_TEST(entities_alias_lexicon_entry_gives_the_identity)
{
    static const char yaml[] =
        "schema: 1\n"
        "settings:\n"
        "  entities.alias_lexicons: [codes]\n"
        "lexicons:\n"
        "  codes: [\"zbl\\tcanonical=Zembla\"]\n";
    ent_fixture f;
    NF_CHECK(ent_open_rules(&f, "Zembla and ZBL agreed; ZBL Harbour and Quistland did not; ZBL signed.",
                            yaml));
    ann(&f, "GPE", "Zembla", 0, 0);
    ann(&f, "GPE", "ZBL", 0, 0);
    ann(&f, "FAC", "ZBL Harbour", 0, 0);
    ann(&f, "GPE", "Quistland", 0, 0);
    ann(&f, "GPE", "ZBL", 2, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 5);
    if (nf_doc_count(f.doc, NF_KIND_ENTITY) == 5) {
        NF_CHECK_EQ_INT(ent_at(&f, 1)->cluster, ent_at(&f, 0)->cluster);
        NF_CHECK_EQ_INT(ent_at(&f, 4)->cluster, ent_at(&f, 0)->cluster);
        NF_CHECK(ent_at(&f, 2)->cluster != ent_at(&f, 0)->cluster);
        NF_CHECK(ent_at(&f, 3)->cluster != ent_at(&f, 0)->cluster);
        NF_CHECK_EQ_STR(ent_at(&f, 4)->canonical, "Zembla");
    }
    ent_close(&f);
}

NF_TEST(entities_role_ending_in_a_modifier_is_no_title)
{
    static const char yaml[] =
        "schema: 1\n"
        "settings:\n"
        "  entities.role_modifiers: [new, former]\n";
    ent_fixture f;
    NF_CHECK(ent_open_rules(&f, "the new Zembla envoy met former minister Ada Quist", yaml));
    size_t a = ann(&f, "PERSON", "new Zembla", 0, 0);
    attr(&f, a, "name", NULL, "Zembla", 0);
    attr(&f, a, "role", NULL, "new", 0);
    a = ann(&f, "PERSON", "former minister Ada Quist", 0, 0);
    attr(&f, a, "name", NULL, "Ada Quist", 0);
    attr(&f, a, "role", NULL, "former minister", 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 1);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "Ada Quist");
    NF_CHECK_EQ_INT(ent_at(&f, 0)->role.start, find_span(&f, "former minister", 0).start);
    ent_close(&f);
}

NF_TEST(entities_guesses_need_a_sentence_that_is_no_heading)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Progress In Future Consultations\n\nThey met Ada Quist and the "
                          "ZPLF and saw BIG NEWS TODAY.\n"));
    size_t a = ann(&f, "NAME", "Future Consultations", 0, 0);
    attr(&f, a, "guess", "PERSON", NULL, 0);
    a = ann(&f, "NAME", "Ada Quist", 0, 0);
    attr(&f, a, "guess", "PERSON", NULL, 0);
    a = ann(&f, "NAME", "ZPLF", 0, 0); /* an abbreviation in a normal sentence */
    attr(&f, a, "guess", "ORG", NULL, 0);
    a = ann(&f, "NAME", "BIG NEWS TODAY", 0, 0); /* shouted words */
    attr(&f, a, "guess", "ORG", NULL, 0);
    NF_CHECK(ent_run(&f));
    char b[64];
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 2);
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "Ada Quist");
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "ZPLF");
    NF_CHECK_EQ_INT(ent_at(&f, 1)->type, NF_ENT_ORG);
    ent_close(&f);
}

NF_TEST(entities_organisation_first_word_is_a_short_form)
{
    static const char yaml[] =
        "schema: 1\n"
        "settings:\n"
        "  entities.common_words_lexicon: words\n"
        "lexicons:\n"
        "  words: [general, harbour]\n";
    ent_fixture f;
    NF_CHECK(ent_open_rules(&f, "Quorvik Freight Ltd and General Harbour Services met. "
                                "Quorvik won; General lost.", yaml));
    ann(&f, "ORG", "Quorvik Freight Ltd", 0, 0);
    ann(&f, "ORG", "General Harbour Services", 0, 0);
    ann(&f, "NAME", "Quorvik", 1, 0);
    ann(&f, "NAME", "General", 1, 0); /* a common word: no short form */
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 3);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, ent_at(&f, 0)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->type, NF_ENT_ORG);
    ent_close(&f);
}

/* A sticky type (a club found in a results line) holds for the places and
 * candidates of that name in the document; other names and countries do
 * not follow it. */
NF_TEST(entities_sticky_type_holds_for_places_of_that_name)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Westbury 2 Eastham 1. Westbury beat them again in Westbury, "
                          "and Eastham went home to Lindau."));
    size_t a = ann(&f, "ORG", "Westbury", 0, 5);
    attr(&f, a, "sticky", "1", NULL, 0);
    a = ann(&f, "ORG", "Eastham", 0, 5); /* not sticky */
    ann(&f, "GPE", "Westbury", 1, 0);
    ann(&f, "GPE", "Westbury", 2, 0);
    a = ann(&f, "NAME", "Eastham", 1, 0);
    attr(&f, a, "guess", "GPE", NULL, 0);
    ann(&f, "GPE", "Lindau", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 6);
    NF_CHECK_EQ_INT(ent_at(&f, 0)->type, NF_ENT_ORG);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->type, NF_ENT_ORG); /* "Westbury beat" */
    NF_CHECK_EQ_INT(ent_at(&f, 3)->type, NF_ENT_ORG); /* "in Westbury": one sense a document */
    NF_CHECK_EQ_INT(ent_at(&f, 0)->cluster, ent_at(&f, 2)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 4)->type, NF_ENT_ORG); /* candidate joins the ORG by name */
    NF_CHECK_EQ_INT(ent_at(&f, 5)->type, NF_ENT_GPE); /* Lindau */
    ent_close(&f);
}

/* With the repository rules: the type of the first entity whose text is
 * `text`, or 0 when there is none. */
static uint32_t repo_type_of(const nf_doc *d, const char *src, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < nf_doc_count(d, NF_KIND_ENTITY); i++) {
        const nf_entity *e = nf_doc_entity(d, i);
        if (e->span.end - e->span.start == n && memcmp(src + e->span.start, text, n) == 0)
            return e->type;
    }
    return 0;
}

/* Lower-cased place names are still places unless they are also English
 * words; an unknown surname opening a sentence before "told" is a person. */
NF_TEST(entities_repo_rules_lower_case_places_and_sentence_start_speakers)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("rules"), NULL, &err);
    NF_CHECK(r != NULL);
    if (!r) return;
    nf_extract_options o;
    nf_extract_options_init(&o);
    o.flags |= NF_EXTRACT_ALL_TEXT;
    const char *text = "Aid workers in nairobi waited for news on Tuesday. Their trucks had "
                       "come from lusaka, with turkey and rice for the camps. Qorvath told "
                       "reporters that more would follow. Officials said nothing.\n";
    nf_doc *d = nf_extract(r, NULL, text, strlen(text), &o, &err);
    NF_CHECK(d != NULL);
    if (d) {
        NF_CHECK_EQ_INT(repo_type_of(d, text, "nairobi"), NF_ENT_GPE);
        NF_CHECK_EQ_INT(repo_type_of(d, text, "lusaka"), NF_ENT_GPE);
        NF_CHECK_EQ_INT(repo_type_of(d, text, "turkey"), 0);
        NF_CHECK_EQ_INT(repo_type_of(d, text, "Qorvath"), NF_ENT_PERSON);
        NF_CHECK_EQ_INT(repo_type_of(d, text, "Officials"), 0);
    }
    nf_doc_free(d);
    nf_rules_free(r);
}

/* Annotations in any order give the mentions of text order: far out of
 * order (the sort by insertion gives up and merges) as in order. */
NF_TEST(entities_annotation_order_does_not_matter)
{
    char text[1200];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "Qorv%c Lindqvist%c met them. ",
                              'a' + i % 26, 'a' + i / 26);
    ent_fixture fwd, rev;
    NF_CHECK(ent_open(&fwd, text));
    NF_CHECK(ent_open(&rev, text));
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "Qorv%c Lindqvist%c", 'a' + i % 26, 'a' + i / 26);
        ann(&fwd, "PERSON", name, 0, 0);
        ann(&fwd, "ORG", name, 0, 1); /* the same span again: the higher priority stays */
        ann(&fwd, "PERSON", name + 6, 0, 0); /* "Lindqvistx" inside it */
    }
    for (int i = 39; i >= 0; i--) {
        snprintf(name, sizeof name, "Qorv%c Lindqvist%c", 'a' + i % 26, 'a' + i / 26);
        ann(&rev, "PERSON", name + 6, 0, 0);
        ann(&rev, "PERSON", name, 0, 0);
        ann(&rev, "ORG", name, 0, 1);
    }
    NF_CHECK(ent_run(&fwd) && ent_run(&rev));
    size_t n = nf_doc_count(fwd.doc, NF_KIND_ENTITY);
    NF_CHECK_EQ_INT(n, 40);
    NF_CHECK_EQ_INT(nf_doc_count(rev.doc, NF_KIND_ENTITY), n);
    for (size_t i = 0; i < n && i < nf_doc_count(rev.doc, NF_KIND_ENTITY); i++) {
        const nf_entity *a = ent_at(&fwd, i), *b = ent_at(&rev, i);
        NF_CHECK_EQ_INT(a->span.start, b->span.start);
        NF_CHECK_EQ_INT(a->span.end, b->span.end);
        NF_CHECK_EQ_INT(a->type, NF_ENT_ORG);
        NF_CHECK_EQ_INT(b->type, NF_ENT_ORG);
        NF_CHECK_EQ_INT(a->cluster, b->cluster);
        NF_CHECK_EQ_STR(a->canonical, b->canonical);
    }
    ent_close(&fwd);
    ent_close(&rev);
}

/* A name ending in s after a letter keeps it; a possessive goes. */
NF_TEST(entities_final_s_kept_possessive_trimmed)
{
    ent_fixture f;
    NF_CHECK(ent_open(&f, "Reuters reported that Amos Jones spoke. Reuters' editors and "
                          "Jones's aides agreed with JONES."));
    ann(&f, "ORG", "Reuters", 0, 0);
    ann(&f, "PERSON", "Amos Jones", 0, 0);
    ann(&f, "ORG", "Reuters'", 0, 0);
    ann(&f, "PERSON", "Jones's", 0, 0);
    ann(&f, "PERSON", "JONES", 0, 0);
    NF_CHECK(ent_run(&f));
    NF_CHECK_EQ_INT(nf_doc_count(f.doc, NF_KIND_ENTITY), 5);
    char b[64];
    NF_CHECK_EQ_STR(ent_text(&f, 0, b, sizeof b), "Reuters");
    NF_CHECK_EQ_STR(ent_text(&f, 1, b, sizeof b), "Amos Jones");
    NF_CHECK_EQ_STR(ent_text(&f, 2, b, sizeof b), "Reuters");
    NF_CHECK_EQ_STR(ent_text(&f, 3, b, sizeof b), "Jones");
    NF_CHECK_EQ_STR(ent_text(&f, 4, b, sizeof b), "JONES");
    NF_CHECK_EQ_INT(ent_at(&f, 3)->cluster, ent_at(&f, 1)->cluster);
    NF_CHECK_EQ_INT(ent_at(&f, 2)->cluster, ent_at(&f, 0)->cluster);
    ent_close(&f);
}
