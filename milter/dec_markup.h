/*
 * NAME
 *	dec_markup - text of HTML and XML (tags out, references decoded)
 * PROMISES
 *	- Tags, comments, <script>/<style> element content markers and
 *	  processing instructions removed; a block-level tag (p, br, div,
 *	  td, tr, li, h1-6, XML elements such as w:p, a:p, text:p, table
 *	  cells) becomes one space so cell texts do not merge, an inline
 *	  tag (b, i, span, font, a, w:r, w:t, ...) becomes nothing, so
 *	  "4111 <b>1111</b> 1111 1111" reads "4111 1111 1111 1111".
 *	- Character references: decimal (&#52;), hex (&#x34;), and the
 *	  named ones of HTML that matter for digits and separators
 *	  (&nbsp; &thinsp; &ensp; &emsp; &ndash; &minus; &hyphen; &amp;
 *	  &lt; &gt; &quot; &apos; ... ) decoded to UTF-8.
 *	- Input is UTF-8 (after dec_iconv); output is never longer than the
 *	  input, so out may be a buffer of n bytes; never fails.
 *	- dec_markup_map gives the same output and, for each output byte
 *	  out[k], where in "in" the construct that produced it starts
 *	  (src[k]) and how long it is (srclen[k]): a literal byte (text,
 *	  CDATA content, a "<" or "&" read as text): itself, 1; each byte
 *	  of a decoded reference's UTF-8: the whole reference ("&#52;",
 *	  "&nbsp", "&#x34" without ';'); the space a block tag becomes:
 *	  the whole tag, "<" to ">". So a digit with srclen 1 is a digit
 *	  in the input, and any other digit is a reference to replace
 *	  whole. src is non-decreasing.
 *	- With src or srclen NULL, dec_markup_map is dec_markup, at the
 *	  same speed.
 * API
 *	dec_markup(in, n, out)	returns bytes written.
 *	dec_markup_map(in, n, out, src, srclen)
 *				returns bytes written; src and srclen
 *				hold n entries each (or are NULL).
 */
#ifndef DEC_MARKUP_H
#define DEC_MARKUP_H

#include <stddef.h>

size_t dec_markup(const unsigned char *in, size_t n, unsigned char *out);
size_t dec_markup_map(const unsigned char *in, size_t n, unsigned char *out,
    size_t *src, size_t *srclen);

#endif
