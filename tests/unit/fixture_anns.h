/* fixture_anns.h - for tests that make a stage's annotations by hand:
 * an annotation's type is an id into doc->type_names (nfi_ann_type), which
 * nf_extract points at the rules' table; a test names its types here. */
#ifndef NF_TEST_FIXTURE_ANNS_H
#define NF_TEST_FIXTURE_ANNS_H

#include <string.h>

#include "internal.h"

/* The id of type name `type` (a string that outlives the test: a literal)
 * in a table the tests share, which doc's annotations then name. */
static inline uint32_t fixture_type_id(nf_doc *doc, const char *type)
{
    static const char *names[64];
    uint32_t i = 0;
    while (i < 63 && names[i] && strcmp(names[i], type) != 0) i++;
    if (!names[i]) names[i] = type;
    doc->type_names = names;
    return i;
}

#endif
