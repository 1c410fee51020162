/* minimal.c - the smallest complete use of libnewsfacts: load rules,
 * extract one text, print its sentences and entities. */
#include <stdio.h>
#include <string.h>

#include "newsfacts.h"

int main(int argc, char **argv)
{
    const char *text = argc > 2 ? argv[2] : "The minister spoke in Paris on Monday. Talks went on.";
    nf_error err;
    nf_rules *rules = nf_rules_load_path(argc > 1 ? argv[1] : "rules", NULL, &err);
    if (!rules) {
        char msg[600];
        nf_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    nf_doc *doc = nf_extract(rules, NULL, text, strlen(text), NULL, &err);
    if (!doc) {
        fprintf(stderr, "error: %s\n", err.message);
        nf_rules_free(rules);
        return 1;
    }
    for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_SENTENCE); i++) {
        const nf_sentence *s = nf_doc_sentence(doc, i);
        printf("sentence: %.*s\n", (int)(s->span.end - s->span.start), text + s->span.start);
    }
    for (size_t i = 0; i < nf_doc_count(doc, NF_KIND_ENTITY); i++) {
        const nf_entity *e = nf_doc_entity(doc, i);
        printf("%s: %.*s\n", nf_entity_type_name(e->type), (int)(e->span.end - e->span.start),
               text + e->span.start);
    }
    nf_doc_free(doc);
    nf_rules_free(rules);
    return 0;
}
