/*
 * html.h - HTML input (lib/html.c): detection, a same-length text
 * projection of the page, and the page's own metadata elements.
 */
#ifndef NEWSFACTS_HTML_H
#define NEWSFACTS_HTML_H

#include "internal.h"

/* Whether the document is HTML: NF_EXTRACT_HTML, or detected (a doctype,
 * <html>, <head> or <body> near the start) unless NF_EXTRACT_PLAIN. */
bool nfi_html_is(const nf_doc *doc);

/* Replaces doc->work by a projection of the same length: markup, comments
 * and the content of script, style, nav, aside, footer (and similar) become
 * spaces, block elements start new paragraphs (blank lines), and character
 * references are decoded in place (padded with invisible format
 * characters inside words, with spaces elsewhere). Every offset still
 * points into the caller's HTML. */
nf_status nfi_html_project(nf_doc *doc);

/* What the markup says about the article (spans into the input; unset
 * when absent). */
typedef struct nfi_html_meta {
    nf_span title;      /* <title> text */
    nf_span h1;         /* first <h1> text */
    nf_span published;  /* <meta property="article:published_time" content>, or
                           <time datetime> (the attribute value) */
    nf_span author;     /* <meta name="author" content>, or rel/class "author" text */
} nfi_html_meta;

/* Parses the page again for its metadata elements. */
nf_status nfi_html_meta_get(const nf_doc *doc, nfi_html_meta *m);

#endif
