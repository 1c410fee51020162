/* test_rules_examples.c - every `examples:` / `counter_examples:` of the
 * default rules (rules/) and of the documented examples (docs/examples/)
 * must hold; the YAML loader's error paths leave no half-built rules. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "newsfacts.h"

static void print_failure(void *ud, const nf_error *f)
{
    char msg[700];
    (void)ud;
    nf_error_format(f, msg, sizeof msg);
    fprintf(stderr, "  %s\n", msg);
}

static size_t check_path(const char *path, size_t *failed)
{
    nf_error err;
    nf_rules *r = nf_rules_load_path(path, NULL, &err);
    if (!r) {
        char msg[700];
        nf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "  %s\n", msg);
        (*failed)++;
        return 0;
    }
    size_t checked = 0, nfail = 0;
    nf_status st = nf_rules_check_examples(r, print_failure, NULL, &checked, &nfail, &err);
    if (st != NF_OK && st != NF_ERR_RULE) nfail++;
    *failed += nfail;
    nf_rules_free(r);
    return checked;
}

NF_TEST(rules_examples_of_default_rules_hold)
{
    size_t failed = 0;
    check_path(NF_SRC("rules"), &failed);
    NF_CHECK_EQ_INT(failed, 0);
}

NF_TEST(rules_examples_of_docs_hold)
{
    DIR *d = opendir(NF_SRC("docs/examples"));
    NF_CHECK(d != NULL);
    if (!d) return;
    size_t failed = 0, checked = 0, files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", NF_SRC("docs/examples"), de->d_name);
        checked += check_path(path, &failed);
        files++;
    }
    closedir(d);
    NF_CHECK(files >= 5);
    NF_CHECK(checked >= 10);
    NF_CHECK_EQ_INT(failed, 0);
}

NF_TEST(rules_examples_report_failures_with_position)
{
    const char *y = "schema: 1\n"
                    "rules:\n"
                    "  - name: greet\n"
                    "    pattern: hello\n"
                    "    emit: HI\n"
                    "    examples: [hello, {text: oh hi there, match: hi}]\n"
                    "    counter_examples: [say hello]\n";
    nf_error err;
    nf_rules *r = nf_rules_load_buffer(y, strlen(y), "greet.yaml", NULL, &err);
    NF_CHECK(r != NULL);
    size_t checked = 0, failed = 0;
    nf_status st = nf_rules_check_examples(r, NULL, NULL, &checked, &failed, &err);
    NF_CHECK_EQ_INT(st, NF_ERR_RULE);
    NF_CHECK_EQ_INT(checked, 3);
    NF_CHECK_EQ_INT(failed, 2);
    nf_rules_free(r);
}

NF_TEST(rules_load_errors_are_atomic_and_located)
{
    static const struct {
        const char *yaml;
        nf_status code;
        uint32_t line, col;
        const char *msg;
    } cases[] = {
        {"schema: 1\nrules:\n  - name: a\n    pattern: x\n    emit: A\n  - name: a\n    pattern: y\n    emit: A\n",
         NF_ERR_RULE, 6, 11, "duplicate rule name 'a'"},
        {"schema: 1\nrules:\n  - name: a\n    regex: 'x(('\n    emit: A\n", NF_ERR_REGEX, 4, 16, "bad regex"},
        {"schema: 1\nrules:\n  - name: a\n    pattern: '[re:\"(\"]'\n    emit: A\n", NF_ERR_REGEX, 4, 21,
         "bad regex"},
        {"schema: 1\nrules: [\n", NF_ERR_YAML, 3, 1, "YAML"},
        {"schema: 1\na: &x [1]\nb: *x\n", NF_ERR_YAML, 3, 4, "aliases"},
        {"schema: 1\nlexicons:\n  L: [a]\n  L: [b]\n", NF_ERR_RULE, 4, 3, "duplicate key"},
        {"schema: 1\nrules:\n  - name: a\n    pattern: '@L'\n    emit: A\n", NF_ERR_RULE, 4, 16,
         "undefined lexicon 'L'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nf_error err;
        nf_rules *r = nf_rules_load_buffer(cases[i].yaml, strlen(cases[i].yaml), "x.yaml", NULL, &err);
        NF_CHECK(r == NULL);
        nf_rules_free(r);
        NF_CHECK_EQ_INT(err.code, cases[i].code);
        NF_CHECK_EQ_INT(err.line, cases[i].line);
        NF_CHECK_EQ_INT(err.column, cases[i].col);
        NF_CHECK_EQ_STR(err.source, "x.yaml");
        if (!strstr(err.message, cases[i].msg))
            NF_CHECK_EQ_STR(err.message, cases[i].msg);
    }
}

NF_TEST(rules_include_and_directory_order)
{
    /* docs/examples/include-main.yaml includes a sibling file; the
     * directory load of docs/examples reads files in byte-wise order. */
    nf_error err;
    nf_rules *r = nf_rules_load_path(NF_SRC("docs/examples/include-main.yaml"), NULL, &err);
    NF_CHECK(r != NULL);
    NF_CHECK(nf_rules_count(r) >= 2);
    nf_rules_free(r);
}
