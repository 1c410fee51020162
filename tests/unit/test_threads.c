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
