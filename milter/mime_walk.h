/*
 * NAME
 *	mime_walk - walk a MIME message and report every leaf and header
 * OWNS
 *	Nothing beyond the call: strings it hands out (path, type, charset,
 *	filename, decoded header values) are allocated in the caller's
 *	arena; part bodies point into the caller's message buffer.
 * PROMISES
 *	- Total on any input: malformed mail sets defect bits and is read
 *	  in the most permissive way that still exposes its text; it never
 *	  fails for a defect, only for a limit or ENOMEM.
 *	- RFC 5322 header folding; RFC 2047 encoded words (B and Q) in every
 *	  header value handed out (decoded to UTF-8); RFC 2231 parameters
 *	  (continuations, charset) in filename/name; bare LF and CRLF.
 *	- multipart/(any) to any depth up to max_depth, missing final boundary,
 *	  text in preamble and epilogue (reported as leaves of type
 *	  text/plain with MIME_PART_PREAMBLE/EPILOGUE flags when they hold
 *	  anything but white space); message/rfc822 and message/global are
 *	  walked as messages (their headers reported with the part's path).
 *	- multipart/encrypted is walked like any multipart and
 *	  application/pkcs7-mime is a leaf: whether content is encrypted
 *	  ("protected") is decided from the bytes by scan_prot, never from
 *	  the label.
 *	- A message/rfc822 whose transfer encoding is base64 or
 *	  quoted-printable is reported as a leaf; the caller decodes it and
 *	  calls mime_walk_message() again with the part's path and depth+1.
 *	- Part paths are IMAP-style (RFC 3501 6.4.5): a single-part message
 *	  has one leaf "1"; children of a multipart are "1", "2", ...;
 *	  nested "2.1"; the parts of an encapsulated message/rfc822 at "2"
 *	  are "2.1", "2.2" (its single body is "2.1"). Top-level headers
 *	  have path "".
 *	- max_depth and max_parts are enforced across nested calls through
 *	  the same struct mime_walk: PM_ELIMIT, w->limit names the limit.
 * API
 *	mime_walk_init(w, arena, limits, ops, arg)	set up a walk.
 *	mime_walk_message(w, msg, len, path, depth)	walk one message
 *				(headers + body); path "" and depth 0 at top.
 *				Returns PM_OK, PM_ELIMIT, PM_ENOMEM, or the
 *				first non-PM_OK status a callback returned.
 */
#ifndef MIME_WALK_H
#define MIME_WALK_H

#include <stddef.h>

#include "pm_arena.h"
#include "pm_limits.h"
#include "pm_status.h"

enum mime_cte {
	MIME_CTE_7BIT = 0,	/* also: absent, unknown -> treated as 7bit */
	MIME_CTE_8BIT,
	MIME_CTE_BINARY,
	MIME_CTE_BASE64,
	MIME_CTE_QP,
	MIME_CTE_UUENCODE,	/* x-uuencode, uuencode */
	MIME_CTE_UNKNOWN	/* named but not known: body given raw */
};

/* defect bits (OR'ed into part->defects and w->defects) */
#define MIME_DEFECT_NO_HEADER_END	0x0001	/* no blank line after headers */
#define MIME_DEFECT_NO_FINAL_BOUNDARY	0x0002
#define MIME_DEFECT_NO_BOUNDARY_PARAM	0x0004	/* multipart without boundary */
#define MIME_DEFECT_BAD_HEADER		0x0008	/* line without a colon, etc. */
#define MIME_DEFECT_BAD_ENCODED_WORD	0x0010
#define MIME_DEFECT_BAD_PARAM		0x0020
#define MIME_DEFECT_BOUNDARY_NOT_FOUND	0x0040	/* no part at all found */
#define MIME_DEFECT_UNKNOWN_CTE		0x0080
#define MIME_DEFECT_LONG_LINE		0x0100

/* part flags */
#define MIME_PART_ATTACHMENT	0x01	/* Content-Disposition: attachment */
#define MIME_PART_PREAMBLE	0x02
#define MIME_PART_EPILOGUE	0x04

struct mime_part {
	const char *path;	/* "1", "1.2", ... */
	unsigned depth;		/* 0 for the top-level entity */
	const char *type;	/* lower-case type/subtype; RFC 2045 default
				   text/plain (message/rfc822 in a digest) */
	const char *charset;	/* lower-case, or NULL */
	enum mime_cte cte;
	const char *filename;	/* UTF-8 (2231/2047 decoded) or NULL */
	unsigned flags;		/* MIME_PART_* */
	unsigned defects;	/* MIME_DEFECT_* of this part */
	const unsigned char *body;	/* raw, still transfer-encoded */
	size_t body_len;
	size_t body_off;	/* offset of body in the buffer given to
				   mime_walk_message() */
	size_t hdr_off;		/* offset of the part's header block */
};

struct mime_walk_ops {
	/* one header field; value unfolded and 2047-decoded to UTF-8 */
	pm_status (*header)(void *arg, const char *path, const char *name,
	    const char *value, size_t value_len);
	/* one leaf part */
	pm_status (*leaf)(void *arg, const struct mime_part *part);
};

struct mime_walk {
	struct pm_arena *arena;
	const struct pm_limits *lim;
	const struct mime_walk_ops *ops;
	void *arg;
	unsigned nparts;	/* leaves reported so far */
	unsigned defects;	/* OR of every defect seen */
	const char *limit;	/* name of the limit hit ("max_depth") */
};

void mime_walk_init(struct mime_walk *w, struct pm_arena *arena,
    const struct pm_limits *lim, const struct mime_walk_ops *ops, void *arg);
pm_status mime_walk_message(struct mime_walk *w, const unsigned char *msg,
    size_t len, const char *path, unsigned depth);

#endif
