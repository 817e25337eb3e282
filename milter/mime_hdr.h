/*
 * NAME
 *	mime_hdr - header blocks, header fields and MIME parameters
 * OWNS
 *	Nothing beyond the call. Fields point into the caller's buffer;
 *	unfolded values, parameter names and values are allocated in the
 *	caller's arena and NUL-terminated.
 * PROMISES
 *	- Total and bounds-safe on any bytes; defects are reported as
 *	  MIME_DEFECT_* bits (mime_walk.h), never as failures.
 *	- Header block: ends at the first empty line (CRLF or bare LF). A
 *	  line that is neither a field ("name:") nor a continuation (starts
 *	  with SP/TAB) is MIME_DEFECT_BAD_HEADER; it stays in the block
 *	  (and is handed out as a field with an empty name) when the next
 *	  line is a field, otherwise the block ends there and that line
 *	  starts the body (MIME_DEFECT_NO_HEADER_END). A first line that is
 *	  not a field (except an mbox "From " line) means: no headers, all
 *	  body. No empty line and no bad line: all headers, empty body.
 *	  A UTF-8 byte order mark before the first field is skipped.
 *	- Content-Type / Content-Disposition: first token lower-cased with
 *	  comments removed ("text / plain" is "text/plain"; the token ends
 *	  at white space otherwise); parameters with quoted strings
 *	  (backslash escapes), comments, RFC 2231 continuations (name*0,
 *	  name*1*, ...) and charset'lang'%XX values converted to UTF-8.
 *	  Parameter names are lower-cased; the RFC 2231 form wins over a
 *	  plain one of the same name. A NUL in a value (raw or %00)
 *	  becomes a space and MIME_DEFECT_BAD_PARAM: values are C strings
 *	  to their readers, and a NUL would hide the rest from the scanner.
 *	- Linear in the input (at most MIME_HDR_MAX_PARAMS parameters are
 *	  kept per field, so grouping continuations stays cheap).
 * API
 *	mime_hdr_split(p, n, &blk)	find header block and body start.
 *	mime_hdr_iter_init(&it, p, hdr_len) / mime_hdr_next(&it, &f)
 *				fields of a block in order; 1 per field,
 *				0 at the end. f points into p.
 *	mime_hdr_unfold(a, v, n, &out, &outlen)	remove line breaks of
 *				folding, trim white space; PM_OK/PM_ENOMEM.
 *	mime_hdr_parse(a, v, n, &hv)	token and parameters of a
 *				Content-Type/-Disposition value (unfolded);
 *				PM_OK/PM_ENOMEM.
 *	mime_hdr_param_get(&hv, name)	value of a parameter (lower-case
 *				name) or NULL.
 *	mime_hdr_cte(v, n, &defects)	Content-Transfer-Encoding value
 *				to enum mime_cte (case-insensitive).
 * LIMITS
 *	Parameters past MIME_HDR_MAX_PARAMS in one field are dropped
 *	(MIME_DEFECT_BAD_PARAM); continuation numbers above 9999 too.
 * SEE ALSO
 *	RFC 5322 2.2 (fields, folding), RFC 2045 5.1 and 6, RFC 2183,
 *	RFC 2231; mime_word.h (RFC 2047).
 */
#ifndef MIME_HDR_H
#define MIME_HDR_H

#include <stddef.h>

#include "mime_walk.h"
#include "pm_arena.h"
#include "pm_status.h"

#define MIME_HDR_MAX_PARAMS	256
#define MIME_HDR_MAX_LINE	998	/* RFC 5322 2.1.1 */

struct mime_hdr_block {
	size_t hdr_len;		/* header block is p[0 .. hdr_len) */
	size_t body_off;	/* body is p[body_off .. n) */
	unsigned defects;	/* NO_HEADER_END, BAD_HEADER, LONG_LINE */
};

struct mime_hdr_field {
	const unsigned char *name;	/* as written; name_len 0: bad line */
	size_t name_len;
	const unsigned char *value;	/* raw: after ':', still folded, */
	size_t value_len;		/* without the final line break */
	size_t off;			/* offset of the field in the block */
};

struct mime_hdr_iter {
	const unsigned char *p;
	size_t n;
	size_t off;
};

struct mime_hdr_param {
	const char *name;		/* lower-case, without RFC 2231 '*' */
	const char *value;		/* UTF-8 when RFC 2231 gave a charset */
	size_t value_len;
	struct mime_hdr_param *next;
};

struct mime_hdr_value {
	const char *token;		/* lower-case, "" when absent */
	struct mime_hdr_param *params;	/* in order of first appearance */
	unsigned defects;		/* MIME_DEFECT_BAD_PARAM */
};

void mime_hdr_split(const unsigned char *p, size_t n,
    struct mime_hdr_block *blk);
void mime_hdr_iter_init(struct mime_hdr_iter *it, const unsigned char *p,
    size_t n);
int mime_hdr_next(struct mime_hdr_iter *it, struct mime_hdr_field *f);
pm_status mime_hdr_unfold(struct pm_arena *a, const unsigned char *v,
    size_t n, char **out, size_t *outlen);
pm_status mime_hdr_parse(struct pm_arena *a, const char *v, size_t n,
    struct mime_hdr_value *hv);
const char *mime_hdr_param_get(const struct mime_hdr_value *hv,
    const char *name);
enum mime_cte mime_hdr_cte(const char *v, size_t n, unsigned *defects);

#endif
