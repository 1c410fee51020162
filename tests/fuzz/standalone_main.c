/*
 * standalone_main.c - runs a fuzz target without libFuzzer: each argument
 * is a file or a directory of files (read in sorted order, not recursively),
 * and each file is passed once to LLVMFuzzerTestOneInput. A target that
 * breaks an invariant aborts, so the exit status shows the failure and the
 * last "replaying" line names the input. Used by `make fuzz-replay` (gcc,
 * part of `make test`) on tests/fuzz/corpus/ and tests/fuzz/regressions/.
 *
 *   fuzz_replay_extract [-v] PATH...
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set by the sanitizer runtimes when they are linked in (gcc or clang). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static int verbose;
static size_t replayed;
static const char *current; /* the input being replayed */

/* Names the input that crashed: on a fatal signal, or when a sanitizer ends
 * the process. Only async-signal-safe calls. */
static void name_current(void)
{
    if (!current) return;
    static const char pre[] = "fuzz-replay: crashed on input ";
    ssize_t r = write(2, pre, sizeof pre - 1);
    r = write(2, current, strlen(current));
    r = write(2, "\n", 1);
    (void)r;
}

static void on_signal(int sig)
{
    name_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz-replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "fuzz-replay: out of memory reading %s\n", path);
        return 1;
    }
    if (verbose) fprintf(stderr, "replaying %s (%zu bytes)\n", path, n);
    /* an exact-size copy, so ASan sees reads past the end of the input */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, n);
    free(buf);
    current = path;
    LLVMFuzzerTestOneInput(exact, n);
    current = NULL;
    free(exact);
    replayed++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return 0; /* an absent folder has nothing to replay */
    if (!S_ISDIR(st.st_mode)) return replay_file(path);
    DIR *d = opendir(path);
    if (!d) return 1;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .., .gitkeep */
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                rc = 1;
                break;
            }
            names = more;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count]) {
            rc = 1;
            break;
        }
        snprintf(names[count], len, "%s/%s", path, e->d_name);
        count++;
    }
    closedir(d);
    if (count) qsort(names, count, sizeof *names, cmp_str);
    for (size_t i = 0; i < count; i++) {
        if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) rc = replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], on_signal);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(name_current);
    for (int i = 1; i < argc && !rc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = 1;
            continue;
        }
        rc = replay_path(argv[i]);
    }
    fprintf(stderr, "%s: %zu inputs replayed%s\n", argc ? argv[0] : "fuzz-replay", replayed,
            rc ? ", stopped on an error" : "");
    return rc;
}
