/*
 * NAME
 *	act_mask_ctx - the mask action's per-message state, shared by
 *	act_mask.c (walk, splices, safety net) and act_mask_hdr.c
 * OWNS
 *	Describes, does not own: arrays live in ctx->a (results) and
 *	ctx->tmp (scratch, created and freed by act_mask()).
 * PROMISES
 *	- act_mask_grow: room for one more element of an arena array
 *	  (copied to a new block twice the size; the old one stays in the
 *	  arena until it is wiped; never realloc).
 *	- act_mask_splice_add: records that msg[off .. off+len) becomes
 *	  p[0..n) (top: in the top-level header block, else in the body);
 *	  act_mask checks at the end that splices do not overlap.
 * API
 *	act_mask_grow(a, &v, &cap, n, size)	0, or -1 when out of memory
 *	act_mask_splice_add(ctx, top, off, len, p, n)
 *						PM_OK; PM_ENOMEM.
 * LIMITS
 *	Private to act_mask*.c; not for other modules.
 */
#ifndef ACT_MASK_CTX_H
#define ACT_MASK_CTX_H

#include <stddef.h>

#include "act_mask.h"
#include "act_mask_text.h"
#include "pm_arena.h"
#include "pm_status.h"

struct act_mask_splice {
	size_t off, len;		/* replaced range of msg */
	const unsigned char *p;		/* new bytes */
	size_t n;
};

struct act_mask_leafinfo {
	const char *path;
	const char *type;
	size_t hdr_off, body_end;	/* the leaf's header block start and
					   body end in msg */
};

struct act_mask_ctx {
	struct pm_arena *a;		/* caller's: results */
	struct pm_arena *tmp;		/* scratch: decoded bytes */
	struct act_mask_text tx;	/* how to mask: tmp, style, ch */
	const unsigned char *msg;
	size_t len;
	size_t hdr_len;			/* top-level header block */
	size_t body_off;		/* top-level body */
	const char *eol;		/* the message's line end */
	struct act_mask_splice *sp;	/* body splices */
	size_t nsp, capsp;
	struct act_mask_splice *hsp;	/* top-level header splices */
	size_t nhsp, caphsp;
	struct act_mask_hdr *hdrs;
	size_t nhdrs, caphdrs;
	struct act_mask_leafinfo *li;
	size_t nli, capli;
	unsigned masked;
};

int act_mask_grow(struct pm_arena *a, void **v, size_t *cap, size_t n,
    size_t sz);
pm_status act_mask_splice_add(struct act_mask_ctx *ctx, int top,
    size_t off, size_t len, const unsigned char *p, size_t n);

#endif
