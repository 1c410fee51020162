/*
 * engine_bench.c - the rule engine alone (issue 3 figures): MB/s of the
 * rule phases (nfi_rules_run) over articles repeated to N MB, with 10,
 * 100 and 1,000 generated token rules and a 100,000-entry generated
 * lexicon loaded; one thread. Tokens and sentences are made once per
 * article beforehand and not timed. Also the load time of a rules
 * directory.
 *
 *   engine_bench [--mb N] [--rules DIR] [--dense] FILE...
 *
 * Links the static library and reads its internal header (the engine's
 * entry point is internal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Common English words (written here, not taken from any corpus). */
static const char *const common[] = {
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "she", "this", "are", "or", "his", "her", "from", "at", "which",
    "but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we", "can",
    "has", "there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "said",
    "says", "told", "after", "before", "year", "years", "new", "first", "last", "two", "three",
    "people", "government", "police", "minister", "president", "city", "state", "country",
    "week", "month", "day", "time", "also", "over", "into", "than", "about", "up", "out",
    "other", "some", "could", "what", "its", "them", "only", "its", "just", "may", "like",
    "then", "how", "most", "made", "where", "while", "during", "under", "since", "against",
    "former", "official", "officials", "court", "company", "according", "report", "news",
    "party", "members", "public", "national", "local", "world", "health", "water", "school",
    "market", "prices", "workers", "support", "security", "election", "law", "case", "team",
    "group", "million", "percent", "billion", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "morning", "night", "statement", "spokesman", "chief",
    "director", "leader", "general", "second", "third", "several", "many", "both", "each",
};
#define NCOMMON (sizeof common / sizeof common[0])

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void put(nfi_buf *b, const char *fmt, ...) NFI_PRINTF(2, 3);
static void put(nfi_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    nfi_buf_puts(b, tmp);
}

/* nrules token rules and a lexicon of nlex entries, as YAML.
 * dense: every rule starts with one of the ~150 commonest words (a worst
 * case: ~7 rules per common word at 1,000 rules). Otherwise a mix closer
 * to real rule sets: 30% start with a common word, 10% with a number
 * regex, 10% with a capitalised word, 10% with a lexicon, 40% with
 * specific trigger words that are rare in text. */
static char *gen_rules(int nrules, int nlex, bool dense, size_t *len)
{
    nfi_buf b = {0};
    rng = 88172645463325252ull;
    put(&b, "schema: 1\nphases: [one, two]\nlexicons:\n  BIG:\n    entries:\n");
    for (int i = 0; i < nlex; i++) {
        if (i % 4 == 0) /* multi-word entry starting with a common word */
            put(&b, "      - \"%s zq%d\\tid=%d\"\n", common[(size_t)i % NCOMMON], i, i);
        else
            put(&b, "      - \"zq%d zr%d\\tid=%d\"\n", i, i % 113, i);
    }
    put(&b, "  SMALL: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]\n");
    put(&b, "rules:\n");
    for (int i = 0; i < nrules; i++) {
        const char *w1 = common[(size_t)i % NCOMMON], *w2 = common[rnd() % NCOMMON];
        const char *ph = i % 10 == 9 ? "two" : "one";
        if (!dense) {
            char rare[32];
            snprintf(rare, sizeof rare, "zw%d", i);
            switch (i % 10) {
            case 0: case 1: case 2: break; /* common first word, below */
            case 3: put(&b, "  - {name: g%d, phase: %s, pattern: '[re:\"[0-9]+\"] %s', emit: T%d}\n", i, ph, w1, i % 7); continue;
            case 4: put(&b, "  - {name: g%d, phase: %s, pattern: '(?<d>@SMALL) %s?', emit: T%d}\n", i, ph, w1, i % 7); continue;
            case 5: put(&b, "  - {name: g%d, phase: %s, pattern: '[cap:title] %s', emit: T%d}\n", i, ph, w1, i % 7); continue;
            default: put(&b, "  - {name: g%d, phase: %s, pattern: '%s [cap:title]+ %s?', emit: T%d}\n", i, ph, rare, w2, i % 7); continue;
            }
        }
        switch (i % 5) {
        case 0: put(&b, "  - {name: g%d, phase: %s, pattern: '%s [cap:title]+', emit: T%d}\n", i, ph, w1, i % 7); break;
        case 1: put(&b, "  - {name: g%d, phase: %s, pattern: '%s %s? [kind:number]', emit: T%d}\n", i, ph, w1, w2, i % 7); break;
        case 2: put(&b, "  - {name: g%d, phase: %s, pattern: '%s (?<x>[]) (%s|%s)', emit: T%d, attrs: {x: $x}}\n", i, ph, w1, w2, common[rnd() % NCOMMON], i % 7); break;
        case 3: put(&b, "  - {name: g%d, phase: %s, pattern: '[re:\"[0-9]+\"] %s', emit: T%d}\n", i, ph, w1, i % 7); break;
        case 4: put(&b, "  - {name: g%d, phase: %s, pattern: '(?<d>@SMALL) %s?', emit: T%d}\n", i, ph, w1, i % 7); break;
        }
    }
    /* the lexicon is in use, and so is an earlier phase's output */
    put(&b, "  - {name: big, phase: one, pattern: '(?<e>@BIG)', emit: BIG, attrs: {id: $e.id}}\n");
    put(&b, "  - {name: after_big, phase: two, pattern: '<BIG> [cap:title]', emit: AFTER}\n");
    *len = b.len;
    return b.data;
}

/* Runs the phases of r over the documents until mb MB are done; returns
 * MB/s (0 on failure) and annotations per KB in *apk. */
static double measure(const nf_rules *r, char **files, int nfiles, double mb, double *apk)
{
    nf_error err;
    double done = 0, t = 0;
    size_t anns = 0;
    nf_workspace *ws = nf_workspace_new(r, &err);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = NF_EXTRACT_NO_RULES | NF_EXTRACT_PLAIN;
    nf_doc **docs = calloc((size_t)nfiles, sizeof *docs);
    size_t total_bytes = 0;
    static char text[1 << 22];
    for (int i = 0; ws && docs && i < nfiles; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) continue;
        size_t n = fread(text, 1, sizeof text, f);
        fclose(f);
        docs[i] = nfi_extract_unpublished(r, ws, text, n, &eo, &err);
        if (docs[i]) total_bytes += n;
    }
    double target = mb * 1e6;
    while (total_bytes && done < target) {
        for (int i = 0; i < nfiles && done < target; i++) {
            nf_doc *d = docs[i];
            if (!d) continue;
            d->anns.len = 0;
            d->attrs.len = 0;
            double s0 = now();
            nf_status st = nfi_rules_run(r, ws, d, &err);
            t += now() - s0;
            if (st != NF_OK) {
                fprintf(stderr, "engine_bench: run failed: %s\n", err.message);
                total_bytes = 0;
                break;
            }
            anns += d->anns.len;
            done += (double)d->len;
        }
    }
    for (int i = 0; docs && i < nfiles; i++) nf_doc_free(docs[i]);
    free(docs);
    nf_workspace_free(ws);
    *apk = done > 0 ? (double)anns / (done / 1e3) : 0;
    return total_bytes && t > 0 ? done / 1e6 / t : 0;
}

int main(int argc, char **argv)
{
    double mb = 50;
    bool dense = false;
    const char *rules_dir = "rules";
    int first = 1;
    for (; first < argc; first++) {
        if (strcmp(argv[first], "--mb") == 0 && first + 1 < argc) mb = atof(argv[++first]);
        else if (strcmp(argv[first], "--rules") == 0 && first + 1 < argc) rules_dir = argv[++first];
        else if (strcmp(argv[first], "--dense") == 0) dense = true;
        else break;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: engine_bench [--mb N] [--rules DIR] FILE...\n");
        return 2;
    }
    /* load time of the rules directory */
    nf_error err;
    double t0 = now();
    int loads = 0;
    while (now() - t0 < 1.0 || loads < 3) {
        nf_rules *r = nf_rules_load_path(rules_dir, NULL, &err);
        if (!r) {
            char msg[600];
            nf_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "engine_bench: %s\n", msg);
            return 1;
        }
        if (loads == 0) printf("engine: %s: %zu rules\n", rules_dir, nf_rules_count(r));
        nf_rules_free(r);
        loads++;
    }
    printf("engine: load %s: %.1f ms\n", rules_dir, (now() - t0) * 1000 / loads);
    {
        nf_rules *r = nf_rules_load_path(rules_dir, NULL, &err);
        double apk = 0, mbs = r ? measure(r, argv + first, argc - first, mb, &apk) : 0;
        printf("engine: %s (%zu rules): %.1f MB/s, %.1f annotations/KB\n", rules_dir,
               nf_rules_count(r), mbs, apk);
        nf_rules_free(r);
    }

    int counts[] = {10, 100, 1000};
    double base = 0;
    for (size_t c = 0; c < 3; c++) {
        size_t ylen;
        char *yaml = gen_rules(counts[c], 100000, dense, &ylen);
        double l0 = now();
        nf_rules *r = yaml ? nf_rules_load_buffer(yaml, ylen, "<generated>", NULL, &err) : NULL;
        double load_ms = (now() - l0) * 1000;
        free(yaml);
        if (!r) {
            char msg[600];
            nf_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "engine_bench: %s\n", msg);
            return 1;
        }
        double apk;
        double mbs = measure(r, argv + first, argc - first, mb, &apk);
        if (mbs <= 0) return 1;
        double done = mb * 1e6, t = done / 1e6 / mbs;
        size_t anns = (size_t)(apk * done / 1e3);
        if (c == 0) base = mbs;
        printf("engine%s: %4d rules + 100000-entry lexicon: load %.0f ms, %.1f MB in %.2f s = %.1f MB/s"
               " (%.2fx of 10 rules), %.1f annotations/KB\n",
               dense ? " (dense)" : "", counts[c], load_ms, done / 1e6, t, mbs, base / mbs, (double)anns / (done / 1e3));
        nf_rules_free(r);
    }
    return 0;
}
