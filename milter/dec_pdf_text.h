/*
 * NAME
 *	dec_pdf_text - strings and ToUnicode CMaps of decoded PDF streams
 *	(the inner half of dec_pdf; not used elsewhere)
 * PROMISES
 *	- pdf_cmap_parse reads the bfchar and bfrange sections of a CMap
 *	  as ranges (at most PDF_CMAP_MAX; malformed entries are skipped,
 *	  a range is never expanded code by code) and
 *	  keeps it only when it maps a code to a digit.
 *	- pdf_text writes the text of a content stream (see dec_pdf.h),
 *	  read through a CMap or as its bytes say, at most 4 * n + 8
 *	  bytes; it never reads past p + n.
 * API
 *	pdf_cmap_parse(a, p, n, cm, kept)	*kept = 1 and cm filled (in a)
 *				when the CMap maps a digit; PM_OK,
 *				PM_ELIMIT (arena cap) or PM_ENOMEM.
 *	pdf_text(p, n, cm, out)	the text into out (4 * n + 8 bytes);
 *				its length. cm NULL: the bytes.
 */
#ifndef DEC_PDF_TEXT_H
#define DEC_PDF_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "pm_arena.h"
#include "pm_status.h"
#include "pm_text.h"

#define PDF_CMAP_MAX	65536		/* ranges kept per CMap */

static inline int
pdf_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
	    || c == '\0';
}

static inline int
pdf_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '['
	    || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* pdf_skip_ws - past white space, up to e */
static inline const unsigned char *
pdf_skip_ws(const unsigned char *s, const unsigned char *e)
{
	while (s < e && pdf_ws(*s))
		s++;
	return s;
}

struct pdf_crange {
	uint32_t lo, hi;	/* codes lo..hi */
	uint32_t dst;		/* -> code points dst.. */
};

struct pdf_cmap {
	unsigned nbytes;	/* code length, 1-4 */
	size_t n;
	const struct pdf_crange *r;	/* sorted by lo */
};

pm_status pdf_cmap_parse(struct pm_arena *a, const unsigned char *p,
    size_t n, struct pdf_cmap *cm, int *kept);
size_t pdf_text(const unsigned char *p, size_t n, const struct pdf_cmap *cm,
    unsigned char *out);

#endif
