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
 * API
 *	dec_markup(in, n, out)	returns bytes written.
 */
#ifndef DEC_MARKUP_H
#define DEC_MARKUP_H

#include <stddef.h>

size_t dec_markup(const unsigned char *in, size_t n, unsigned char *out);

#endif
