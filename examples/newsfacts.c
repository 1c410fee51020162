/*
 * newsfacts - the example extractor: facts from news articles as JSON.
 * Uses only the public header. See docs/newsfacts.1.
 *
 *   newsfacts [OPTIONS] [FILE...]     no FILE, or "-", reads standard input
 *   newsfacts --jsonl [OPTIONS] [FILE...]   JSON Lines in, JSON Lines out
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
#include <time.h>
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
    int jsonl;    /* inputs are JSON Lines: {"id":..,"text":..,"dct":..} per line */
    int progress; /* progress line on standard error: 0 none, 1 on a terminal, 2 forced */
} options;

typedef struct job {
    const char *path; /* "-" = standard input */
    char *json;       /* result, or NULL on failure */
    size_t json_len;
    char error[600];  /* message when json is NULL */
    size_t in_bytes;  /* input size, for the progress line */
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
          "  --jsonl            inputs are JSON Lines, one {\"id\",\"text\",\"dct\"} object a\n"
          "                     line; writes one JSON document a line, in input order\n"
          "  --progress | --no-progress  progress on standard error (default: when it\n"
          "                     is a terminal)\n"
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
    j->in_bytes = len;
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

/* ------------------------------------------------------------ progress */

/* "N documents, X MB, R docs/s" on standard error, redrawn at most five
 * times a second. on: 0 never; 1 (a terminal) from half a second into the
 * run, so quick runs stay quiet; 2 (--progress) from the start. */
typedef struct progress {
    int on;
    int drawn;
    size_t docs;
    unsigned long long bytes;
    double start, last;
} progress;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_draw(progress *pr, int final)
{
    double t = now_seconds();
    if (final && pr->on == 1 && !pr->drawn) return;
    if (!final && (t - pr->last < 0.2 || (pr->on == 1 && t - pr->start < 0.5))) return;
    pr->last = t;
    pr->drawn = 1;
    double secs = t - pr->start;
    fprintf(stderr, "\r%zu documents, %.1f MB, %.0f docs/s   ", pr->docs,
            (double)pr->bytes / 1e6, secs > 0 ? (double)pr->docs / secs : 0.0);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

/* Blanks the progress line before a message is written under it. */
static void progress_clear(const progress *pr)
{
    if (pr->on && pr->drawn) fprintf(stderr, "\r%60s\r", "");
}

static void progress_add(progress *pr, size_t bytes)
{
    if (!pr->on) return;
    pr->docs++;
    pr->bytes += bytes;
    progress_draw(pr, 0);
}

static void progress_init(progress *pr, int on)
{
    memset(pr, 0, sizeof *pr);
    pr->on = on;
    pr->start = now_seconds();
}

static void progress_end(progress *pr)
{
    if (pr->on) progress_draw(pr, 1);
}

/* ------------------------------------------------------------ JSON Lines */

/* A line of a JSON Lines input: {"id": "...", "text": "...", "dct": "..."}.
 * Other members are ignored; "id" may also be a number, "dct" null. */
typedef struct line_job {
    char *line; /* the raw line (owned) */
    size_t len;
    const char *source; /* input name for messages */
    size_t lineno;
    char *json; /* result, or NULL on failure */
    size_t json_len;
    char error[600];
    int done;
} line_job;

typedef struct stream {
    const nf_rules *rules;
    const options *opt;
    line_job *ring; /* a window of lines in flight, indexed by sequence % cap */
    size_t cap;
    size_t queued; /* lines put in the window */
    size_t taken;  /* lines taken by workers */
    int eof;
    pthread_mutex_t lock;
    pthread_cond_t work_cond; /* a line was queued, or end of input */
    pthread_cond_t done_cond; /* a line was done */
} stream;

typedef struct jparser {
    const char *p, *end;
    const char *error;
} jparser;

static void jp_space(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes the string at j->p (at its opening quote) into out, which has
 * room for it (a decoded string is never longer than its JSON form), and
 * NUL-terminates it. out may be NULL to skip. Returns the decoded length. */
static size_t jp_string(jparser *j, char *out)
{
    char *o = out;
    j->p++; /* the opening quote */
    while (j->p < j->end) {
        char c = *j->p++;
        if (c == '"') {
            if (o) *o = '\0';
            return o ? (size_t)(o - out) : 0;
        }
        if (c != '\\') {
            if (o) *o++ = c;
            continue;
        }
        if (j->p >= j->end) break;
        c = *j->p++;
        char simple = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b'
                    : c == 'f' ? '\f' : (c == '"' || c == '\\' || c == '/') ? c : 0;
        if (simple) {
            if (o) *o++ = simple;
            continue;
        }
        unsigned cp, lo;
        if (c != 'u' || j->end - j->p < 4 || !hex4(j->p, &cp)) {
            j->error = "bad escape in a string";
            return 0;
        }
        j->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
            if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || !hex4(j->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF) {
                j->error = "unpaired surrogate in a string";
                return 0;
            }
            j->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            j->error = "unpaired surrogate in a string";
            return 0;
        }
        if (o) o = put_utf8(o, cp);
    }
    j->error = "unterminated string";
    return 0;
}

/* Skips any JSON value; nesting is tracked by depth. */
static void jp_skip(jparser *j)
{
    int depth = 0;
    do {
        jp_space(j);
        if (j->p >= j->end) {
            j->error = "unexpected end of line";
            return;
        }
        char c = *j->p;
        if (c == '"') {
            jp_string(j, NULL);
            if (j->error) return;
        } else if (c == '{' || c == '[') {
            depth++;
            j->p++;
        } else if (c == '}' || c == ']') {
            depth--;
            j->p++;
        } else if (c == ',' || c == ':') {
            if (depth == 0) {
                j->error = "expected a value";
                return;
            }
            j->p++;
        } else { /* number, true, false, null */
            const char *s = j->p;
            while (j->p < j->end && strchr(",:]} \t\r\n", *j->p) == NULL) j->p++;
            if (j->p == s) {
                j->error = "expected a value";
                return;
            }
        }
    } while (depth > 0);
}

/* Parses a line into buf (strings decoded there). Returns 0, or -1 with
 * j->error set. text is required; id and dct may stay NULL. */
static int parse_line(jparser *j, char *buf, const char **id, const char **text,
                      size_t *text_len, const char **dct)
{
    char *o = buf;
    *id = *text = *dct = NULL;
    *text_len = 0;
    jp_space(j);
    if (j->p >= j->end || *j->p != '{') {
        j->error = "expected a JSON object";
        return -1;
    }
    j->p++;
    jp_space(j);
    if (j->p < j->end && *j->p == '}') j->p++;
    else {
        for (;;) {
            jp_space(j);
            if (j->p >= j->end || *j->p != '"') {
                j->error = "expected a member name";
                return -1;
            }
            char name[8] = "";
            const char *ns = j->p + 1;
            jp_string(j, NULL);
            if (j->error) return -1;
            size_t nlen = (size_t)(j->p - 1 - ns);
            if (nlen < sizeof name) {
                memcpy(name, ns, nlen);
                name[nlen] = '\0';
            }
            jp_space(j);
            if (j->p >= j->end || *j->p != ':') {
                j->error = "expected ':'";
                return -1;
            }
            j->p++;
            jp_space(j);
            int is_str = j->p < j->end && *j->p == '"';
            const char **slot = strcmp(name, "id") == 0     ? id
                                : strcmp(name, "text") == 0 ? text
                                : strcmp(name, "dct") == 0  ? dct
                                                            : NULL;
            if (slot && is_str) {
                size_t n = jp_string(j, o);
                if (j->error) return -1;
                *slot = o;
                if (slot == text) *text_len = n;
                o += n + 1;
            } else if (slot == id && j->p < j->end && (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))) {
                const char *s = j->p;
                jp_skip(j);
                if (j->error) return -1;
                memcpy(o, s, (size_t)(j->p - s));
                *id = o;
                o += j->p - s;
                *o++ = '\0';
            } else if (slot == text) {
                j->error = "\"text\" must be a string";
                return -1;
            } else if (slot == dct && !(j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0)) {
                j->error = "\"dct\" must be a string or null";
                return -1;
            } else {
                jp_skip(j);
                if (j->error) return -1;
            }
            jp_space(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                break;
            }
            j->error = "expected ',' or '}'";
            return -1;
        }
    }
    jp_space(j);
    if (j->p != j->end) {
        j->error = "text after the object";
        return -1;
    }
    if (!*text) {
        j->error = "no \"text\" member";
        return -1;
    }
    return 0;
}

static void run_line(const stream *s, nf_workspace *ws, line_job *lj)
{
    char *buf = malloc(lj->len + 8);
    if (!buf) {
        snprintf(lj->error, sizeof lj->error, "out of memory");
        return;
    }
    jparser jp = {lj->line, lj->line + lj->len, NULL};
    const char *id, *text, *dct;
    size_t text_len;
    if (parse_line(&jp, buf, &id, &text, &text_len, &dct) != 0) {
        snprintf(lj->error, sizeof lj->error, "%s near byte %zu", jp.error,
                 (size_t)(jp.p - lj->line) + 1);
        free(buf);
        return;
    }
    nf_extract_options eo;
    nf_extract_options_init(&eo);
    eo.flags = s->opt->extract_flags;
    eo.dct = dct ? dct : s->opt->dct;
    eo.doc_id = id;
    nf_error err;
    nf_doc *doc = nf_extract(s->rules, ws, text, text_len, &eo, &err);
    if (!doc) {
        char msg[512];
        nf_error_format(&err, msg, sizeof msg);
        if (err.code == NF_ERR_UTF8)
            snprintf(lj->error, sizeof lj->error, "id %s: invalid UTF-8 at byte %zu of the text",
                     id ? id : "(none)", err.offset);
        else
            snprintf(lj->error, sizeof lj->error, "id %s: %s", id ? id : "(none)", msg);
        free(buf);
        return;
    }
    free(buf);
    /* one document a line: never pretty */
    lj->json = nf_doc_to_json(doc, s->opt->json_flags & ~(uint32_t)NF_JSON_PRETTY, &lj->json_len,
                              &err);
    if (!lj->json) snprintf(lj->error, sizeof lj->error, "%s", err.message);
    nf_doc_free(doc);
}

static void *line_worker(void *arg)
{
    stream *s = arg;
    nf_error err;
    nf_workspace *ws = nf_workspace_new(s->rules, &err);
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (s->taken == s->queued && !s->eof) pthread_cond_wait(&s->work_cond, &s->lock);
        if (s->taken == s->queued) { /* end of input and nothing left */
            pthread_mutex_unlock(&s->lock);
            break;
        }
        line_job *lj = &s->ring[s->taken++ % s->cap];
        pthread_mutex_unlock(&s->lock);
        if (ws)
            run_line(s, ws, lj);
        else
            snprintf(lj->error, sizeof lj->error, "%s", err.message);
        pthread_mutex_lock(&s->lock);
        lj->done = 1;
        pthread_cond_broadcast(&s->done_cond);
        pthread_mutex_unlock(&s->lock);
    }
    nf_workspace_free(ws);
    return NULL;
}

/* Writes the oldest line in flight once it is done (waiting for it when
 * wait is set). Called with the lock held; returns 1 if one was written. */
static int emit_line(stream *s, size_t *emitted, int wait, int *status, progress *pr)
{
    if (*emitted == s->queued) return 0;
    line_job *lj = &s->ring[*emitted % s->cap];
    if (!lj->done && !wait) return 0;
    while (!lj->done) pthread_cond_wait(&s->done_cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
    if (lj->json) {
        fwrite(lj->json, 1, lj->json_len, stdout);
        fputc('\n', stdout);
    } else {
        progress_clear(pr);
        fprintf(stderr, "newsfacts: %s:%zu: %s\n", lj->source, lj->lineno, lj->error);
        *status = 1;
    }
    progress_add(pr, lj->len + 1);
    free(lj->json);
    free(lj->line);
    memset(lj, 0, sizeof *lj);
    pthread_mutex_lock(&s->lock);
    ++*emitted;
    return 1;
}

static int process_jsonl(const nf_rules *rules, const options *opt, char **files, size_t nfiles)
{
    static char *stdin_only[] = {"-"};
    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    int nthreads = opt->jobs < 1 ? 1 : opt->jobs;
    stream s = {rules, opt, NULL, (size_t)nthreads * 16, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER,
                PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
    s.ring = calloc(s.cap, sizeof *s.ring);
    pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
    if (!s.ring || !threads) {
        fprintf(stderr, "newsfacts: out of memory\n");
        free(s.ring);
        free(threads);
        return 1;
    }
    int started = 0;
    for (int t = 0; t < nthreads; t++)
        if (pthread_create(&threads[t], NULL, line_worker, &s) == 0) started++;
    if (started == 0) {
        fprintf(stderr, "newsfacts: cannot start a thread\n");
        free(s.ring);
        free(threads);
        return 1;
    }
    progress pr;
    progress_init(&pr, opt->progress);
    int status = 0;
    size_t emitted = 0;
    char *line = NULL;
    size_t line_cap = 0;
    for (size_t f = 0; f < nfiles; f++) {
        int is_stdin = strcmp(files[f], "-") == 0;
        const char *name = is_stdin ? "<stdin>" : files[f];
        FILE *in = is_stdin ? stdin : fopen(files[f], "rb");
        if (!in) {
            fprintf(stderr, "newsfacts: %s: %s\n", files[f], strerror(errno));
            status = 1;
            continue;
        }
        size_t lineno = 0;
        ssize_t got;
        while ((got = getline(&line, &line_cap, in)) >= 0) {
            lineno++;
            size_t n = (size_t)got;
            while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
            size_t k = 0;
            while (k < n && (line[k] == ' ' || line[k] == '\t')) k++;
            if (k == n) continue; /* blank line */
            char *copy = malloc(n + 1);
            if (!copy) {
                fprintf(stderr, "newsfacts: %s:%zu: out of memory\n", name, lineno);
                status = 1;
                continue;
            }
            memcpy(copy, line, n);
            copy[n] = '\0';
            pthread_mutex_lock(&s.lock);
            while (s.queued - emitted >= s.cap) emit_line(&s, &emitted, 1, &status, &pr);
            line_job *lj = &s.ring[s.queued % s.cap];
            lj->line = copy;
            lj->len = n;
            lj->source = name;
            lj->lineno = lineno;
            s.queued++;
            pthread_cond_signal(&s.work_cond);
            while (emit_line(&s, &emitted, 0, &status, &pr)) {
            }
            pthread_mutex_unlock(&s.lock);
        }
        if (ferror(in)) {
            fprintf(stderr, "newsfacts: %s: read error\n", name);
            status = 1;
        }
        if (!is_stdin) fclose(in);
    }
    free(line);
    pthread_mutex_lock(&s.lock);
    s.eof = 1;
    pthread_cond_broadcast(&s.work_cond);
    while (emit_line(&s, &emitted, 1, &status, &pr)) {
    }
    pthread_mutex_unlock(&s.lock);
    for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
    progress_end(&pr);
    free(threads);
    free(s.ring);
    if (fflush(stdout) != 0) status = 1;
    return status;
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
    progress pr;
    progress_init(&pr, opt->progress);
    for (size_t i = 0; i < nfiles; i++) { /* in input order, as each is done */
        pthread_mutex_lock(&p.lock);
        while (!p.jobs[i].done) pthread_cond_wait(&p.done_cond, &p.lock);
        pthread_mutex_unlock(&p.lock);
        if (!p.jobs[i].json) progress_clear(&pr);
        if (emit(opt, &p.jobs[i], nfiles)) status = 1;
        progress_add(&pr, p.jobs[i].in_bytes);
        free(p.jobs[i].json);
        p.jobs[i].json = NULL;
    }
    for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
    progress_end(&pr);
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
        } else if (strcmp(a, "--jsonl") == 0) opt->jsonl = 1;
        else if (strcmp(a, "--progress") == 0) opt->progress = 2;
        else if (strcmp(a, "--no-progress") == 0) opt->progress = 0;
        else if (strcmp(a, "--pretty") == 0) opt->json_flags |= NF_JSON_PRETTY;
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

/* --check-rules: one failed rule example, as file:line:col: error: ... */
static void report_example(void *ud, const nf_error *failure)
{
    char msg[700];
    (void)ud;
    nf_error_format(failure, msg, sizeof msg);
    fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
    options opt = {0};
    opt.progress = -1; /* decided below */
    char **files = NULL;
    size_t nfiles = 0;
    int st = parse_args(argc, argv, &opt, &files, &nfiles);
    if (st) return st;
    char buf[PATH_MAX + 16];
    if (opt.check_rules) {
        nf_rules *rules = load_rules(opt.check_rules);
        free(files);
        if (!rules) return 2;
        size_t checked = 0, failed = 0;
        nf_error err;
        nf_status cst = nf_rules_check_examples(rules, report_example, NULL, &checked, &failed,
                                                &err);
        if (cst != NF_OK && cst != NF_ERR_RULE) {
            char msg[700];
            nf_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
        }
        printf("%s: %zu rules load; %zu examples checked, %zu failed\n", opt.check_rules,
               nf_rules_count(rules), checked, failed);
        nf_rules_free(rules);
        return cst == NF_OK ? 0 : 2;
    }
    if (opt.out_dir) {
        struct stat sb;
        if (stat(opt.out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "newsfacts: --out-dir %s: not a directory\n", opt.out_dir);
            free(files);
            return 2;
        }
    }
    if (opt.jsonl && (opt.out_dir || opt.html)) {
        fprintf(stderr, "newsfacts: --jsonl writes JSON Lines to standard output; "
                        "--out-dir and --format html do not apply\n");
        free(files);
        return 2;
    }
    /* Progress by default only on a terminal, and not when the JSON goes to
     * that same terminal. */
    if (opt.progress < 0)
        opt.progress = isatty(STDERR_FILENO) && (opt.out_dir || !isatty(STDOUT_FILENO));
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
    st = opt.jsonl ? process_jsonl(rules, &opt, files, nfiles) : process(rules, &opt, files, nfiles);
    nf_rules_free(rules);
    free(files);
    return st;
}
