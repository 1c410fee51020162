/* test_threads.c - one rules handle shared by 8 threads, each with its own
 * workspace, gives exactly the single-threaded output (R4). */
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "newsfacts.h"

enum { NTHREADS = 8, ROUNDS = 20 };

typedef struct {
    const nf_rules *rules;
    const char *text;
    size_t len;
    const char *expected;
    int mismatches;
} thread_arg;

static char *extract_json(const nf_rules *rules, nf_workspace *ws, const char *text, size_t len)
{
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.dct = "2025-04-10";
    nf_error err;
    nf_doc *doc = nf_extract(rules, ws, text, len, &eo, &err);
    if (!doc) return NULL;
    char *js = nf_doc_to_json(doc, NF_JSON_TOKENS | NF_JSON_ANNOTATIONS, NULL, &err);
    nf_doc_free(doc);
    return js;
}

static void *worker(void *p)
{
    thread_arg *a = p;
    nf_error err;
    nf_workspace *ws = nf_workspace_new(a->rules, &err);
    for (int r = 0; r < ROUNDS; r++) {
        char *js = ws ? extract_json(a->rules, ws, a->text, a->len) : NULL;
        if (!js || strcmp(js, a->expected) != 0) a->mismatches++;
        nf_free(js);
    }
    nf_workspace_free(ws);
    return NULL;
}

NF_TEST(threads_shared_rules_match_single_thread)
{
    nf_error err;
    nf_rules *rules = nf_rules_load_path("rules", NULL, &err);
    NF_CHECK(rules != NULL);
    if (!rules) return;
    size_t len = 0;
    char *text = nft_read_file("examples/data/sample-article.txt", &len);
    NF_CHECK(text != NULL);
    char *expected = text ? extract_json(rules, NULL, text, len) : NULL;
    NF_CHECK(expected != NULL);
    if (!expected) {
        free(text);
        nf_rules_free(rules);
        return;
    }
    pthread_t th[NTHREADS];
    thread_arg args[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        args[i] = (thread_arg){rules, text, len, expected, 0};
        NF_CHECK(pthread_create(&th[i], NULL, worker, &args[i]) == 0);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        NF_CHECK_EQ_INT(args[i].mismatches, 0);
    }
    nf_free(expected);
    free(text);
    nf_rules_free(rules);
}

/* The public tokens and annotations of a document are made on the first
 * call that needs them (nf_doc_token, nf_doc_annotation, JSON with
 * NF_JSON_TOKENS or NF_JSON_ANNOTATIONS), which several threads may make at
 * once on the same document: each must get them whole and made once, equal
 * to those of a document read by one thread. */
typedef struct {
    const nf_doc *doc, *ref;
    const char *expected_json;
    pthread_barrier_t *start;
    int index;
    int mismatches;
} first_reader;

enum { JSON_ALL = NF_JSON_TOKENS | NF_JSON_ANNOTATIONS };

static void *read_first(void *p)
{
    first_reader *r = p;
    size_t nt = nf_doc_count(r->ref, NF_KIND_TOKEN), na = nf_doc_count(r->ref, NF_KIND_ANNOTATION);
    pthread_barrier_wait(r->start);
    if (r->index % 4 == 3) { /* a JSON writer among the readers */
        nf_error err;
        char *js = nf_doc_to_json(r->doc, JSON_ALL, NULL, &err);
        r->mismatches += !js || strcmp(js, r->expected_json) != 0;
        nf_free(js);
        return NULL;
    }
    size_t from = (size_t)r->index * 997; /* each thread from its own place */
    if (r->index % 2 == 0) {
        for (size_t k = 0; k < nt; k++) {
            size_t i = (k + from) % nt;
            const nf_token *t = nf_doc_token(r->doc, i);
            r->mismatches += !t || memcmp(t, nf_doc_token(r->ref, i), sizeof *t) != 0;
        }
    } else {
        for (size_t k = 0; k < na; k++) {
            size_t i = (k + from) % na;
            const nf_annotation *a = nf_doc_annotation(r->doc, i), *b = nf_doc_annotation(r->ref, i);
            r->mismatches += !a || a->span.start != b->span.start || a->span.end != b->span.end ||
                             a->first_token != b->first_token ||
                             a->token_count != b->token_count || strcmp(a->type, b->type) ||
                             strcmp(a->rule, b->rule) || strcmp(a->phase, b->phase);
        }
    }
    r->mismatches += nf_doc_count(r->doc, NF_KIND_TOKEN) != nt;
    r->mismatches += nf_doc_count(r->doc, NF_KIND_ANNOTATION) != na;
    return NULL;
}

/* copies of the sample article, enough tokens that the first calls overlap */
static void check_first_reads(uint32_t flags, int copies, int rounds, size_t min_annotations)
{
    nf_error err;
    nf_rules *rules = nf_rules_load_path("rules", NULL, &err);
    size_t one = 0, len = 0;
    char *article = nft_read_file("examples/data/sample-article.txt", &one);
    char *text = article ? malloc(one * (size_t)copies + 1) : NULL;
    for (int k = 0; text && k < copies; k++, len += one) memcpy(text + len, article, one);
    free(article);
    NF_CHECK(rules && text);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = flags;
    eo.dct = "2025-04-10";
    nf_doc *ref = rules && text ? nf_extract(rules, NULL, text, len, &eo, &err) : NULL;
    NF_CHECK(ref != NULL);
    NF_CHECK(ref && nf_doc_count(ref, NF_KIND_TOKEN) > 100 * (size_t)copies);
    NF_CHECK(ref && nf_doc_count(ref, NF_KIND_ANNOTATION) >= min_annotations);
    char *expected_json = ref ? nf_doc_to_json(ref, JSON_ALL, NULL, &err) : NULL;
    NF_CHECK(expected_json != NULL);
    for (int round = 0; expected_json && round < rounds; round++) {
        nf_doc *doc = nf_extract(rules, NULL, text, len, &eo, &err);
        NF_CHECK(doc != NULL);
        if (!doc) break;
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, NTHREADS);
        pthread_t th[NTHREADS];
        first_reader rd[NTHREADS];
        for (int i = 0; i < NTHREADS; i++) {
            rd[i] = (first_reader){doc, ref, expected_json, &start, i, 0};
            NF_CHECK(pthread_create(&th[i], NULL, read_first, &rd[i]) == 0);
        }
        for (int i = 0; i < NTHREADS; i++) {
            pthread_join(th[i], NULL);
            NF_CHECK_EQ_INT(rd[i].mismatches, 0);
        }
        pthread_barrier_destroy(&start);
        nf_doc_free(doc);
    }
    nf_free(expected_json);
    nf_doc_free(ref);
    free(text);
    nf_rules_free(rules);
}

NF_TEST(threads_first_token_reads_of_one_document)
{
    check_first_reads(NF_EXTRACT_NO_RULES, 200, ROUNDS, 0); /* tokens only: quick under TSan */
}

NF_TEST(threads_first_annotation_reads_of_one_document)
{
    /* all text: the body is the first copy, the engine runs over every one */
    check_first_reads(NF_EXTRACT_ALL_TEXT, 20, 6, 1000);
}
