/*
 * harness.h - the unit test harness: tests declare themselves with NF_TEST,
 * the Makefile collects their names into build/tests_list.h, and
 * tests/unit/main.c runs them and ends with "N passed, N failed".
 */
#ifndef NF_TEST_HARNESS_H
#define NF_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int nft_failures; /* checks failed in the running test */

void nft_fail(const char *file, int line, const char *fmt, ...);

#define NF_TEST(name) void nft_##name(void); void nft_##name(void)

#define NF_CHECK(cond)                                               \
    do {                                                             \
        if (!(cond)) nft_fail(__FILE__, __LINE__, "%s", #cond);      \
    } while (0)

#define NF_CHECK_EQ_INT(a, b)                                                     \
    do {                                                                          \
        long long nft_a_ = (long long)(a), nft_b_ = (long long)(b);               \
        if (nft_a_ != nft_b_)                                                     \
            nft_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, nft_a_, \
                     nft_b_);                                                     \
    } while (0)

#define NF_CHECK_EQ_STR(a, b)                                                    \
    do {                                                                         \
        const char *nft_a_ = (a), *nft_b_ = (b);                                 \
        if (!nft_a_ || !nft_b_ || strcmp(nft_a_, nft_b_) != 0)                   \
            nft_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,   \
                     nft_a_ ? nft_a_ : "(null)", nft_b_ ? nft_b_ : "(null)");    \
    } while (0)

/* Path of a file in the source tree (tests run from the top directory). */
#define NF_SRC(path) (path)

/* Reads a whole file into a malloc'd buffer (NUL-terminated); NULL if absent. */
char *nft_read_file(const char *path, size_t *len);

/* The shared/ folder next to the project, or NULL when it is not there. */
const char *nft_shared_dir(void);

#endif
