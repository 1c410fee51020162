/* main.c - runs every NF_TEST (collected into build/tests_list.h).
 * usage: unit_tests [NAME-SUBSTRING]  runs the tests whose name contains it. */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "harness.h"

int nft_failures;

void nft_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    nft_failures++;
    fprintf(stderr, "%s:%d: check failed: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *nft_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

const char *nft_shared_dir(void)
{
    struct stat st;
    const char *dir = getenv("NF_SHARED");
    if (!dir) dir = "../shared";
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

#define X(name) void nft_##name(void);
#include "tests_list.h"
#undef X

static const struct { const char *name; void (*fn)(void); } tests[] = {
#define X(name) {#name, nft_##name},
#include "tests_list.h"
#undef X
    {NULL, NULL}};

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; tests[i].name; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        nft_failures = 0;
        tests[i].fn();
        if (nft_failures) {
            fprintf(stderr, "FAIL %s\n", tests[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
