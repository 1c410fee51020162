/*
 * newsfacts - the example extractor: facts from news articles as JSON.
 * Uses only the public header. See docs/newsfacts.1.
 *
 *   newsfacts [OPTIONS] [FILE...]     no FILE, or "-", reads standard input
 *
 * Exit status: 0 all inputs processed; 1 some input failed (named on
 * standard error, the rest still written); 2 bad usage or rules that do
 * not load.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsfacts.h"

typedef struct options {
    const char *rules_path;
    const char *dct;
    const char *out_dir;
    const char *check_rules;
    uint32_t extract_flags;
    uint32_t json_flags;
    int html; /* --format html */
    int jobs;
} options;

typedef struct job {
    const char *path; /* "-" = standard input */
    char *json;       /* result, or NULL on failure */
    size_t json_len;
    char error[600];  /* message when json is NULL */
    int done;
} job;

typedef struct pool {
    const nf_rules *rules;
    const options *opt;
    job *jobs;
    size_t njobs;
    size_t next; /* next job to take */
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
} pool;

static void usage(FILE *f)
{
    fputs("usage: newsfacts [OPTIONS] [FILE...]\n"
          "Extracts entities, dates, quotes and metadata from news text as newsfacts/1 JSON.\n"
          "  --dct YYYY-MM-DD   reference date for relative dates (else found in the text)\n"
          "  --rules PATH       rule file or directory (else the default rules)\n"
          "  --out-dir DIR      write DIR/<file stem>.json for each FILE\n"
          "  --pretty           indented JSON\n"
          "  --format json|html output format (html: a page to look at the facts)\n"
          "  -j N               documents processed in parallel (threads)\n"
          "  --explain          name the rule behind each fact\n"
          "  --tokens           include tokens\n"
          "  --annotations      include every rule annotation (debugging rules)\n"
          "  --all-text         keep facts outside the article body (flagged)\n"
          "  --html | --plain   input is HTML / plain text (default: detect)\n"
          "  --replace-invalid  replace invalid UTF-8 instead of failing\n"
          "  --check-rules PATH load rules and run their examples\n"
          "  --version          library and header versions\n"
          "  -h, --help         this text\n"
          "Exit status: 0 ok; 1 some input failed; 2 bad usage or rules.\n",
          f);
}

/* The default rules: NF_DEFAULT_RULES when installed, else rules/ next to
 * the build directory holding this program, else ./rules. */
static const char *default_rules(char *buf, size_t n)
{
#ifdef NF_DEFAULT_RULES
    (void)buf;
    (void)n;
    return NF_DEFAULT_RULES;
#else
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            struct stat st;
            snprintf(buf, n, "%s/../rules", exe);
            if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) return buf;
        }
    }
    return "rules";
#endif
}

static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap > SIZE_MAX / 2) break;
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* File stem: "dir/001_abc.txt" -> "001_abc". */
static void stem_of(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, n, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) *dot = '\0';
}

static void run_job(const pool *p, nf_workspace *ws, job *j)
{
    size_t len = 0;
    char *text;
    if (strcmp(j->path, "-") == 0) {
        text = read_stream(stdin, &len);
    } else {
        FILE *f = fopen(j->path, "rb");
        if (!f) {
            snprintf(j->error, sizeof j->error, "%s: %s", j->path, strerror(errno));
            return;
        }
        text = read_stream(f, &len);
        fclose(f);
    }
    if (!text) {
        snprintf(j->error, sizeof j->error, "%s: cannot read", j->path);
        return;
    }
    char stem[256];
    stem_of(strcmp(j->path, "-") == 0 ? "stdin" : j->path, stem, sizeof stem);
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = p->opt->extract_flags;
    eo.dct = p->opt->dct;
    eo.doc_id = stem;
    nf_error err;
    nf_doc *doc = nf_extract(p->rules, ws, text, len, &eo, &err);
    free(text);
    if (!doc) {
        char msg[512];
        nf_error_format(&err, msg, sizeof msg);
        if (err.code == NF_ERR_UTF8)
            snprintf(j->error, sizeof j->error, "%s: invalid UTF-8 at byte %zu", j->path, err.offset);
        else
            snprintf(j->error, sizeof j->error, "%s: %s", j->path, msg);
        return;
    }
    uint32_t jf = p->opt->json_flags;
    j->json = p->opt->html ? nf_doc_to_html(doc, 0, &j->json_len, &err)
                           : nf_doc_to_json(doc, jf, &j->json_len, &err);
    if (!j->json) snprintf(j->error, sizeof j->error, "%s: %s", j->path, err.message);
    nf_doc_free(doc);
}

static void *worker(void *arg)
{
    pool *p = arg;
    nf_error err;
    nf_workspace *ws = nf_workspace_new(p->rules, &err);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->njobs ? p->next++ : p->njobs;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->njobs) break;
        if (ws)
            run_job(p, ws, &p->jobs[i]);
        else
            snprintf(p->jobs[i].error, sizeof p->jobs[i].error, "%s: %s", p->jobs[i].path,
                     err.message);
        pthread_mutex_lock(&p->lock);
        p->jobs[i].done = 1;
        pthread_cond_broadcast(&p->done_cond);
        pthread_mutex_unlock(&p->lock);
    }
    nf_workspace_free(ws);
    return NULL;
}

/* Writes job j's output; returns 0 on success. */
static int emit(const options *opt, job *j, size_t njobs)
{
    if (!j->json) {
        fprintf(stderr, "newsfacts: %s\n", j->error);
        return 1;
    }
    if (opt->out_dir && strcmp(j->path, "-") != 0) {
        char stem[256], path[PATH_MAX];
        stem_of(j->path, stem, sizeof stem);
        snprintf(path, sizeof path, "%s/%s.json", opt->out_dir, stem);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(j->json, 1, j->json_len, f) != j->json_len || fputc('\n', f) == EOF) {
            fprintf(stderr, "newsfacts: %s: %s\n", path, strerror(errno));
            if (f) fclose(f);
            return 1;
        }
        return fclose(f) == 0 ? 0 : 1;
    }
    (void)njobs;
    fwrite(j->json, 1, j->json_len, stdout);
    fputc('\n', stdout);
    return 0;
}

static int process(const nf_rules *rules, const options *opt, char **files, size_t nfiles)
{
    static char *stdin_only[] = {"-"};
    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    pool p = {rules, opt, calloc(nfiles, sizeof(job)), nfiles, 0,
              PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    if (!p.jobs) {
        fprintf(stderr, "newsfacts: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < nfiles; i++) p.jobs[i].path = files[i];
    int nthreads = opt->jobs < 1 ? 1 : opt->jobs;
    if ((size_t)nthreads > nfiles) nthreads = (int)nfiles;
    pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
    int started = 0;
    for (int t = 0; threads && t < nthreads; t++)
        if (pthread_create(&threads[t], NULL, worker, &p) == 0) started++;
    if (started == 0) worker(&p); /* no threads: do it here */
    int status = 0;
    for (size_t i = 0; i < nfiles; i++) { /* in input order, as each is done */
        pthread_mutex_lock(&p.lock);
        while (!p.jobs[i].done) pthread_cond_wait(&p.done_cond, &p.lock);
        pthread_mutex_unlock(&p.lock);
        if (emit(opt, &p.jobs[i], nfiles)) status = 1;
        free(p.jobs[i].json);
        p.jobs[i].json = NULL;
    }
    for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
    free(threads);
    free(p.jobs);
    if (fflush(stdout) != 0) status = 1;
    return status;
}

static int parse_args(int argc, char **argv, options *opt, char ***files, size_t *nfiles)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    size_t n = 0;
    if (!rest) return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **value = NULL;
        if (strcmp(a, "--dct") == 0) value = &opt->dct;
        else if (strcmp(a, "--rules") == 0) value = &opt->rules_path;
        else if (strcmp(a, "--out-dir") == 0) value = &opt->out_dir;
        else if (strcmp(a, "--check-rules") == 0) value = &opt->check_rules;
        if (value) {
            if (++i >= argc) {
                fprintf(stderr, "newsfacts: %s needs a value\n", a);
                free(rest);
                return 2;
            }
            *value = argv[i];
        } else if (strcmp(a, "-j") == 0 || strncmp(a, "-j", 2) == 0) {
            const char *v = a[2] ? a + 2 : (++i < argc ? argv[i] : NULL);
            char *end;
            long j = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || j < 1 || j > 1024) {
                fprintf(stderr, "newsfacts: -j needs a number from 1 to 1024\n");
                free(rest);
                return 2;
            }
            opt->jobs = (int)j;
        } else if (strcmp(a, "--format") == 0) {
            const char *v = ++i < argc ? argv[i] : "";
            if (strcmp(v, "html") == 0) {
                opt->html = 1;
            } else if (strcmp(v, "json") != 0) {
                fprintf(stderr, "newsfacts: --format takes json or html\n");
                free(rest);
                return 2;
            }
        } else if (strcmp(a, "--pretty") == 0) opt->json_flags |= NF_JSON_PRETTY;
        else if (strcmp(a, "--explain") == 0) opt->json_flags |= NF_JSON_EXPLAIN;
        else if (strcmp(a, "--tokens") == 0) opt->json_flags |= NF_JSON_TOKENS;
        else if (strcmp(a, "--annotations") == 0) opt->json_flags |= NF_JSON_ANNOTATIONS;
        else if (strcmp(a, "--all-text") == 0) opt->extract_flags |= NF_EXTRACT_ALL_TEXT;
        else if (strcmp(a, "--html") == 0) opt->extract_flags |= NF_EXTRACT_HTML;
        else if (strcmp(a, "--plain") == 0) opt->extract_flags |= NF_EXTRACT_PLAIN;
        else if (strcmp(a, "--replace-invalid") == 0) opt->extract_flags |= NF_EXTRACT_REPLACE_INVALID;
        else if (strcmp(a, "--version") == 0) {
            printf("newsfacts %s (library %s, header %s)\n", nf_version_string(),
                   nf_version_string(), NF_VERSION_STRING);
            free(rest);
            exit(0);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            free(rest);
            exit(0);
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc) rest[n++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "newsfacts: unknown option %s\n", a);
            usage(stderr);
            free(rest);
            return 2;
        } else {
            rest[n++] = argv[i];
        }
    }
    *files = rest;
    *nfiles = n;
    return 0;
}

static nf_rules *load_rules(const char *path)
{
    nf_error err;
    nf_rules *rules = nf_rules_load_path(path, NULL, &err);
    if (!rules) {
        char msg[700];
        nf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
    }
    return rules;
}

int main(int argc, char **argv)
{
    options opt = {0};
    char **files = NULL;
    size_t nfiles = 0;
    int st = parse_args(argc, argv, &opt, &files, &nfiles);
    if (st) return st;
    char buf[PATH_MAX + 16];
    if (opt.check_rules) {
        nf_rules *rules = load_rules(opt.check_rules);
        free(files);
        if (!rules) return 2;
        printf("%s: %zu rules load\n", opt.check_rules, nf_rules_count(rules));
        nf_rules_free(rules);
        return 0;
    }
    if (opt.out_dir) {
        struct stat sb;
        if (stat(opt.out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "newsfacts: --out-dir %s: not a directory\n", opt.out_dir);
            free(files);
            return 2;
        }
    }
    nf_rules *rules = load_rules(opt.rules_path ? opt.rules_path : default_rules(buf, sizeof buf));
    if (!rules) {
        free(files);
        return 2;
    }
    if (opt.dct) { /* a bad --dct is bad usage, found before any file */
        nf_extract_options eo;
        nf_extract_options_init(&eo);
        eo.dct = opt.dct;
        nf_error err;
        nf_doc *probe = nf_extract(rules, NULL, "", 0, &eo, &err);
        if (!probe) {
            fprintf(stderr, "newsfacts: --dct %s: %s\n", opt.dct, err.message);
            nf_rules_free(rules);
            free(files);
            return 2;
        }
        nf_doc_free(probe);
    }
    st = process(rules, &opt, files, nfiles);
    nf_rules_free(rules);
    free(files);
    return st;
}
