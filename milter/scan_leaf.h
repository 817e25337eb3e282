/*
 * NAME
 *	scan_leaf - the per-part pipeline: decoders in order, then detector
 * OWNS
 *	struct scan_ctx, the state of one scan_message() call: the work
 *	arena (decoded bytes, wiped), the detector, the running totals and
 *	the limit/protected/unscannable marks. Only scan.c creates it.
 * PROMISES
 *	This is the only file that knows the decoder order:
 *	  transfer decoding (base64, quoted-printable, uuencode)
 *	  -> encapsulated message (walked again) | archive (every entry,
 *	     nested to max_archive_depth) | text (charset -> UTF-8, markup
 *	     stripped for HTML/XML) | binary (ASCII digit runs and UTF-16LE
 *	     text runs)
 *	  -> pan_detect.
 *	Every decoded buffer is released (wiped) when its part is done.
 *	Limits (max_decoded_size, max_depth, archive limits, scan_timeout)
 *	mark the result unscannable with the limit's name; the walk goes
 *	on with the next part wherever that is safe.
 * API
 *	scan_leaf_header(ctx, path, name, value, len)	scan a header value.
 *	scan_leaf_part(ctx, part)	scan one MIME leaf.
 *	scan_ctx_mark_unscannable(ctx, why)	first reason wins.
 *	scan_hit(ctx, hit)	(scan.c) the detector callback: a finding.
 *	scan_leaf_kind(type, name)	how a part of this content type or
 *				file name is read (act_mask reads it the
 *				same way to rewrite it).
 */
#ifndef SCAN_LEAF_H
#define SCAN_LEAF_H

#include <time.h>

#include "mime_walk.h"
#include "pm_arena.h"
#include "scan.h"

struct scan_ctx {
	const struct scan_opts *opts;
	struct scan_result *res;
	struct pm_arena *arena;
	struct pan_detect *det;
	struct mime_walk walk;
	const char *part;		/* current part path */
	const char *where;		/* current location label */
	uint64_t decoded;		/* decoded bytes so far */
	time_t deadline;		/* 0: none */
	unsigned archive_depth;
	int is_protected;
	int unscannable;
	unsigned char salt[16];		/* per-scan key for distinct PANs */
	struct scan_idset *ids;		/* distinct PAN ids -> pans[] index */
	size_t nids, capids;
	int saw_track;			/* a track/CVC finding, kept or not */
	int raw_pass;			/* scanning markup as written */
	size_t part_first;		/* first finding of the current part */
	pm_status err;			/* first hard error (ENOMEM) */
};

enum scan_kind { SCAN_K_TEXT, SCAN_K_MARKUP, SCAN_K_BINARY };

enum scan_kind scan_leaf_kind(const char *type, const char *name);
void scan_hit(void *ctx, const struct pan_hit *hit);
pm_status scan_leaf_header(void *ctx, const char *path, const char *name,
    const char *value, size_t len);
pm_status scan_leaf_part(void *ctx, const struct mime_part *part);
void scan_ctx_mark_unscannable(struct scan_ctx *ctx, const char *why);

#endif
