/*
 * NAME
 *	act_mask_text - masking inside one decoded text (part of act_mask)
 * OWNS
 *	Nothing: results and scratch live in the arena the caller gives in
 *	struct act_mask_text (the mask action's scratch arena, wiped when
 *	act_mask returns).
 * PROMISES
 *	- act_mask_text_plain: every PAN the detector finds in UTF-8 (or
 *	  ASCII-compatible) bytes masked with pan_mask_text (separators
 *	  and length kept).
 *	- act_mask_text_content: a decoded leaf masked in its own charset:
 *	  ASCII-compatible charsets in place; if the result still reads as
 *	  a PAN through dec_iconv (or the charset is UTF-16/32), a round
 *	  trip charset -> UTF-8 -> mask -> charset with iconv, a BOM kept;
 *	  a charset that does not convert back losslessly leaves the text
 *	  unchanged (*count 0; act_mask's safety net decides).
 *	- Markup (ACT_MASK_TEXT_MARKUP): numbers in the raw markup first,
 *	  then numbers visible only once dec_markup has read the markup
 *	  ("4111 <b>1111</b> ...", "&#52;111 ...", "<o:p>" between groups,
 *	  "&#150;" as a separator): through dec_markup_map, so the visible
 *	  text is exactly the scanner's; a hidden digit written as a
 *	  numeric reference is replaced, reference and all, by the mask
 *	  character. Tags, comments and other references are untouched.
 *	- act_mask_text_kind: how scan reads a leaf (the same lists as
 *	  scan_leaf_kind() in scan_leaf.c).
 * API
 *	act_mask_text_plain(tx, in, n, out, outlen, count)
 *	act_mask_text_content(tx, charset, kind, in, n, out, outlen, count)
 *				PM_OK, *out NULL and *count 0 when there
 *				was nothing to mask; PM_ENOMEM.
 *	act_mask_text_kind(type, filename)
 * LIMITS
 *	Scratch: a few times n (the visible text and two size_t maps of
 *	n entries each for markup).
 */
#ifndef ACT_MASK_TEXT_H
#define ACT_MASK_TEXT_H

#include <stddef.h>

#include "pan_mask.h"
#include "pm_arena.h"
#include "pm_status.h"

enum act_mask_text_kind {
	ACT_MASK_TEXT_PLAIN,		/* read as text */
	ACT_MASK_TEXT_MARKUP,		/* HTML/XML: read through dec_markup */
	ACT_MASK_TEXT_BINARY		/* not read as text: not rewritten */
};

struct act_mask_text {
	struct pm_arena *tmp;		/* scratch: results and work */
	enum pan_mask_style style;
	char ch;			/* mask character (already checked) */
};

pm_status act_mask_text_plain(const struct act_mask_text *tx,
    const unsigned char *in, size_t n, unsigned char **out, size_t *outlen,
    unsigned *count);
pm_status act_mask_text_content(const struct act_mask_text *tx,
    const char *cs, enum act_mask_text_kind k, const unsigned char *in,
    size_t n, unsigned char **out, size_t *outlen, unsigned *count);
enum act_mask_text_kind act_mask_text_kind(const char *type,
    const char *name);

#endif
