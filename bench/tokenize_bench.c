/*
 * tokenize_bench.c - throughput of tokenization + sentence splitting
 * (nf_extract with NF_EXTRACT_NO_RULES: input check, lines, tokens,
 * sentences), one thread.
 *
 * usage: tokenize_bench [--mb N] [--rules DIR] [--only docs|big] [--rounds N] FILE...
 * Reads the files (the seed articles), then
 *   1. extracts them one document each, again and again, until N MB
 *      (default 50) have gone through; the best of N rounds (default 3);
 *   2. extracts one document made of the files repeated to N MB.
 * Prints MB/s (1 MB = 10^6 bytes) for both, by CPU time (and wall time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsfacts.h"

/* CPU time of this (single-threaded) process: steadier than wall time on
 * a busy machine; on an idle one the two agree. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv)
{
    double mb = 50;
    int rounds = 3;
    const char *rules_path = NULL, *only = "";
    char **files = calloc((size_t)argc, sizeof *files);
    size_t nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc) mb = atof(argv[++i]);
        else if (!strcmp(argv[i], "--rules") && i + 1 < argc) rules_path = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
        else files[nfiles++] = argv[i];
    }
    if (!nfiles) {
        fprintf(stderr, "usage: tokenize_bench [--mb N] [--rules DIR] FILE...\n");
        return 2;
    }
    char **texts = calloc(nfiles, sizeof *texts);
    size_t *lens = calloc(nfiles, sizeof *lens), total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        texts[i] = read_file(files[i], &lens[i]);
        if (!texts[i]) {
            fprintf(stderr, "tokenize_bench: cannot read %s\n", files[i]);
            return 1;
        }
        total += lens[i];
    }
    nf_error err;
    nf_rules *rules = rules_path ? nf_rules_load_path(rules_path, NULL, &err)
                                 : nf_rules_load_buffer("schema: 1\n", 10, "<bench>", NULL, &err);
    if (!rules) {
        fprintf(stderr, "tokenize_bench: rules: %s\n", err.message);
        return 1;
    }
    nf_workspace *ws = nf_workspace_new(rules, &err);
    nf_extract_options opts;
    nf_extract_options_init(&opts);
    opts.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    size_t target = (size_t)(mb * 1e6);

    /* 1. document by document; the best of `rounds` runs (a busy machine
     * only ever makes a run slower) */
    size_t done = 0, tokens = 0, sentences = 0, docs = 0;
    double best = 1e30, best_wall = 1e30;
    for (int round = 0; round < rounds && strcmp(only, "big"); round++) {
        done = tokens = sentences = docs = 0;
        double t0 = now(), w0 = wall();
        while (done < target) {
            for (size_t i = 0; i < nfiles && done < target; i++) {
                nf_doc *d = nf_extract(rules, ws, texts[i], lens[i], &opts, &err);
                if (!d) {
                    fprintf(stderr, "tokenize_bench: %s: %s\n", files[i], err.message);
                    return 1;
                }
                tokens += nf_doc_count(d, NF_KIND_TOKEN);
                sentences += nf_doc_count(d, NF_KIND_SENTENCE);
                nf_doc_free(d);
                done += lens[i];
                docs++;
            }
        }
        double t1 = now(), w1 = wall();
        if (t1 - t0 < best) best = t1 - t0;
        if (w1 - w0 < best_wall) best_wall = w1 - w0;
    }
    if (done)
        printf("tokenize+sentences, %zu documents (%zu files, %.1f MB), best of %d: %.1f MB/s CPU "
               "(%.1f MB/s wall; %zu tokens, %zu sentences, %.2f s)\n",
               docs, nfiles, (double)done / 1e6, rounds, (double)done / 1e6 / best,
               (double)done / 1e6 / best_wall, tokens, sentences, best);
    if (!strcmp(only, "docs")) return 0;

    /* 2. one big document */
    char *big = malloc(target + 1);
    size_t blen = 0;
    while (blen < target) {
        for (size_t i = 0; i < nfiles && blen < target; i++) {
            size_t k = lens[i] < target - blen ? lens[i] : target - blen;
            memcpy(big + blen, texts[i], k);
            blen += k;
            if (blen < target) big[blen++] = '\n';
        }
    }
    /* do not cut a UTF-8 sequence at the end */
    while (blen && ((unsigned char)big[blen - 1] & 0xC0) == 0x80) blen--;
    if (blen && (unsigned char)big[blen - 1] >= 0xC0) blen--;
    opts.flags |= NF_EXTRACT_REPLACE_INVALID;
    double t0 = now(), w0 = wall();
    nf_doc *d = nf_extract(rules, ws, big, blen, &opts, &err);
    double t1 = now(), w1 = wall();
    if (!d) {
        fprintf(stderr, "tokenize_bench: big document: %s\n", err.message);
        return 1;
    }
    printf("tokenize+sentences, one %.1f MB document: %.1f MB/s CPU (%.1f MB/s wall; %zu tokens, "
           "%zu sentences, %.2f s)\n",
           (double)blen / 1e6, (double)blen / 1e6 / (t1 - t0), (double)blen / 1e6 / (w1 - w0),
           nf_doc_count(d, NF_KIND_TOKEN),
           nf_doc_count(d, NF_KIND_SENTENCE), t1 - t0);
    nf_doc_free(d);
    free(big);
    nf_workspace_free(ws);
    nf_rules_free(rules);
    for (size_t i = 0; i < nfiles; i++) free(texts[i]);
    free(texts);
    free(lens);
    free(files);
    return 0;
}
