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

/* The public tokens of a document are made on the first call that needs
 * them (nf_doc_token, JSON with NF_JSON_TOKENS), which several threads may
 * make at once on the same document: each must get them whole and made
 * once, equal to those of a document read by one thread. */
typedef struct {
    const nf_doc *doc;
    const nf_token *expected;
    size_t count;
    const char *expected_json;
    pthread_barrier_t *start;
    int index;
    int mismatches;
} token_reader;

static void *read_tokens(void *p)
{
    token_reader *r = p;
    pthread_barrier_wait(r->start);
    if (r->index % 4 == 3) { /* a JSON writer among the readers */
        nf_error err;
        char *js = nf_doc_to_json(r->doc, NF_JSON_TOKENS, NULL, &err);
        r->mismatches += !js || strcmp(js, r->expected_json) != 0;
        nf_free(js);
        return NULL;
    }
    for (size_t k = 0; k < r->count; k++) { /* each thread from its own place */
        size_t i = (k + (size_t)r->index * r->count / NTHREADS) % r->count;
        const nf_token *t = nf_doc_token(r->doc, i);
        r->mismatches += !t || memcmp(t, &r->expected[i], sizeof *t) != 0;
    }
    r->mismatches += nf_doc_count(r->doc, NF_KIND_TOKEN) != r->count;
    return NULL;
}

NF_TEST(threads_first_token_reads_of_one_document)
{
    nf_error err;
    nf_rules *rules = nf_rules_load_path("rules", NULL, &err);
    size_t one = 0, len = 0;
    char *article = nft_read_file("examples/data/sample-article.txt", &one);
    enum { COPIES = 200 }; /* tokens enough that the first calls overlap */
    char *text = article ? malloc(one * COPIES + 1) : NULL;
    for (int k = 0; text && k < COPIES; k++, len += one) memcpy(text + len, article, one);
    free(article);
    NF_CHECK(rules && text);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES; /* tokens and sentences: quick under TSan */
    nf_doc *ref = rules && text ? nf_extract(rules, NULL, text, len, &eo, &err) : NULL;
    NF_CHECK(ref != NULL);
    size_t count = ref ? nf_doc_count(ref, NF_KIND_TOKEN) : 0;
    NF_CHECK(count > 100 * COPIES);
    const nf_token *expected = count ? nf_doc_token(ref, 0) : NULL;
    char *expected_json = ref ? nf_doc_to_json(ref, NF_JSON_TOKENS, NULL, &err) : NULL;
    NF_CHECK(expected && expected_json);
    for (int round = 0; expected && expected_json && round < ROUNDS; round++) {
        nf_doc *doc = nf_extract(rules, NULL, text, len, &eo, &err);
        NF_CHECK(doc != NULL);
        if (!doc) break;
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, NTHREADS);
        pthread_t th[NTHREADS];
        token_reader rd[NTHREADS];
        for (int i = 0; i < NTHREADS; i++) {
            rd[i] = (token_reader){doc, expected, count, expected_json, &start, i, 0};
            NF_CHECK(pthread_create(&th[i], NULL, read_tokens, &rd[i]) == 0);
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
