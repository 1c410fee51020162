/*
 * pipeline.c - throughput, documents/s and peak memory of nf_extract
 * through the public API (bench/pipeline.sh runs it over a matrix).
 *
 *   pipeline_bench [--rules PATH] [--mode tokens|full|json] [--threads N]
 *                  [--mb M] [--doc-bytes B] [--dct YYYY-MM-DD] [--all-text] FILE...
 *
 * Documents are the FILEs, taken round-robin until M MB (10^6 bytes,
 * default 20) have been extracted; with --doc-bytes B, one document of B
 * bytes is made of the FILEs concatenated (repeated as needed, cut at a
 * line end) and extracted as many times as M MB takes (at least once).
 * Modes: tokens = NF_EXTRACT_NO_RULES (input check, lines, tokens,
 * sentences); full = the default pipeline; json = full + nf_doc_to_json.
 * --all-text: NF_EXTRACT_ALL_TEXT, the rules run over the whole text, not
 * only the body the structure stage finds (articles concatenated into one
 * document have the first one's body: the rest would be clutter).
 * N threads share one rules handle, each with its own workspace.
 *
 * Prints one line of key=value pairs: bytes, docs, wall and CPU seconds,
 * MB/s and docs/s (wall), rule load time, the resident set before
 * extraction (rules + input) and the peak (VmHWM), and the facts found.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsfacts.h"

typedef struct {
    const char *text;
    size_t len;
} doc_in;

typedef struct {
    const nf_rules *rules;
    const doc_in *docs;
    size_t ndocs;
    size_t total_runs; /* extractions to do, over all threads */
    size_t next;       /* next run to take */
    pthread_mutex_t lock;
    uint32_t flags;
    int json;
    const char *dct;
    int failed;
} shared_state;

typedef struct {
    shared_state *sh;
    size_t bytes, docs, entities, dates, quotes, tokens;
} worker;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, n) && line[n] == ':') kb = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return kb;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static void *run(void *p)
{
    worker *w = p;
    shared_state *sh = w->sh;
    nf_error err;
    nf_workspace *ws = nf_workspace_new(sh->rules, &err);
    if (!ws) {
        fprintf(stderr, "pipeline_bench: workspace: %s\n", err.message);
        sh->failed = 1;
        return NULL;
    }
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = sh->flags;
    eo.dct = sh->dct;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        size_t k = sh->next < sh->total_runs ? sh->next++ : (size_t)-1;
        pthread_mutex_unlock(&sh->lock);
        if (k == (size_t)-1) break;
        const doc_in *d = &sh->docs[k % sh->ndocs];
        nf_doc *doc = nf_extract(sh->rules, ws, d->text, d->len, &eo, &err);
        if (!doc) {
            fprintf(stderr, "pipeline_bench: extract: %s\n", err.message);
            sh->failed = 1;
            break;
        }
        if (sh->json) {
            size_t n = 0;
            char *js = nf_doc_to_json(doc, 0, &n, &err);
            if (!js) sh->failed = 1;
            nf_free(js);
        }
        w->bytes += d->len;
        w->docs++;
        w->tokens += nf_doc_count(doc, NF_KIND_TOKEN);
        w->entities += nf_doc_count(doc, NF_KIND_ENTITY);
        w->dates += nf_doc_count(doc, NF_KIND_DATE);
        w->quotes += nf_doc_count(doc, NF_KIND_QUOTE);
        nf_doc_free(doc);
    }
    nf_workspace_free(ws);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *rules_path = "rules", *mode = "full", *dct = NULL;
    int threads = 1;
    double mb = 20;
    size_t doc_bytes = 0;
    uint32_t all_text = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--all-text")) {
            all_text = NF_EXTRACT_ALL_TEXT;
            continue;
        }
        if (!v) break;
        if (!strcmp(a, "--rules")) rules_path = v;
        else if (!strcmp(a, "--mode")) mode = v;
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--mb")) mb = atof(v);
        else if (!strcmp(a, "--doc-bytes")) doc_bytes = (size_t)atof(v);
        else if (!strcmp(a, "--dct")) dct = v;
        else break;
        i++;
    }
    if (i >= argc || threads < 1 || threads > 64 ||
        (strcmp(mode, "tokens") && strcmp(mode, "full") && strcmp(mode, "json"))) {
        fprintf(stderr, "usage: pipeline_bench [--rules PATH] [--mode tokens|full|json] "
                        "[--threads N] [--mb M] [--doc-bytes B] [--dct D] [--all-text] FILE...\n");
        return 2;
    }
    long rss_base = status_kb("VmRSS");
    size_t nfiles = (size_t)(argc - i);
    doc_in *files = calloc(nfiles, sizeof *files);
    size_t all = 0;
    for (size_t k = 0; k < nfiles; k++) {
        char *t = read_file(argv[i + (int)k], &files[k].len);
        if (!t) {
            fprintf(stderr, "pipeline_bench: cannot read %s\n", argv[i + (int)k]);
            return 1;
        }
        files[k].text = t;
        all += files[k].len;
    }
    doc_in one;
    doc_in *docs = files;
    size_t ndocs = nfiles;
    if (doc_bytes) { /* one document of doc_bytes, cut at a line end */
        char *big = malloc(doc_bytes + 2);
        size_t n = 0;
        for (size_t k = 0; n < doc_bytes; k = (k + 1) % nfiles) {
            size_t take = files[k].len < doc_bytes - n ? files[k].len : doc_bytes - n;
            memcpy(big + n, files[k].text, take);
            n += take;
            if (n < doc_bytes) big[n++] = '\n';
        }
        while (n > 1 && big[n - 1] != '\n') n--; /* whole lines only: valid UTF-8 */
        if (n <= 1) n = doc_bytes;
        one.text = big;
        one.len = n;
        docs = &one;
        ndocs = 1;
        all = n;
        for (size_t k = 0; k < nfiles; k++) free((char *)files[k].text);
    }
    long rss0 = status_kb("VmRSS");
    double t0 = clock_s(CLOCK_MONOTONIC);
    nf_error err;
    nf_rules *rules = nf_rules_load_path(rules_path, NULL, &err);
    double load_s = clock_s(CLOCK_MONOTONIC) - t0;
    if (!rules) {
        fprintf(stderr, "pipeline_bench: rules: %s\n", err.message);
        return 1;
    }
    long rss_rules = status_kb("VmRSS");
    shared_state sh = {rules, docs, ndocs, 0, 0, PTHREAD_MUTEX_INITIALIZER, 0, 0, dct, 0};
    sh.flags = !strcmp(mode, "tokens") ? NF_EXTRACT_NO_RULES : all_text;
    sh.json = !strcmp(mode, "json");
    /* runs: whole rounds over the documents until mb is reached */
    double per_round = (double)all;
    size_t rounds = (size_t)(mb * 1e6 / per_round + 0.999);
    if (rounds < 1) rounds = 1;
    sh.total_runs = rounds * ndocs;
    worker w[64];
    memset(w, 0, sizeof w);
    pthread_t th[64];
    double c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w1 = clock_s(CLOCK_MONOTONIC);
    for (int k = 0; k < threads; k++) {
        w[k].sh = &sh;
        pthread_create(&th[k], NULL, run, &w[k]);
    }
    for (int k = 0; k < threads; k++) pthread_join(th[k], NULL);
    double wall = clock_s(CLOCK_MONOTONIC) - w1, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1;
    worker tot = {0};
    for (int k = 0; k < threads; k++) {
        tot.bytes += w[k].bytes;
        tot.docs += w[k].docs;
        tot.tokens += w[k].tokens;
        tot.entities += w[k].entities;
        tot.dates += w[k].dates;
        tot.quotes += w[k].quotes;
    }
    long hwm = status_kb("VmHWM");
    printf("mode=%s threads=%d rules=%zu doc_bytes=%zu docs=%zu bytes=%zu wall_s=%.3f cpu_s=%.3f "
           "mb_s=%.2f docs_s=%.1f load_s=%.3f rss_base_mb=%.1f rss_input_mb=%.1f rss_rules_mb=%.1f "
           "peak_mb=%.1f tokens=%zu entities=%zu dates=%zu quotes=%zu failed=%d\n",
           mode, threads, nf_rules_count(rules), doc_bytes ? one.len : 0, tot.docs, tot.bytes,
           wall, cpu, (double)tot.bytes / 1e6 / wall, (double)tot.docs / wall, load_s,
           (double)rss_base / 1024, (double)rss0 / 1024, (double)rss_rules / 1024, (double)hwm / 1024, tot.tokens,
           tot.entities, tot.dates, tot.quotes, sh.failed);
    nf_rules_free(rules);
    return sh.failed;
}
