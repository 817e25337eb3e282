/*
 * NAME
 *	act_mask_hdr - masking in header fields (part of act_mask)
 * OWNS
 *	Nothing: new values go to the caller's arena (ctx->a), work to the
 *	scratch arena (ctx->tmp).
 * PROMISES
 *	- act_mask_hdr_block: each field of msg[s .. e) whose unfolded,
 *	  RFC 2047-decoded value holds a PAN gets a new raw value, recorded
 *	  as a splice (top: a top-level header splice plus an act_mask_hdr
 *	  for smfi_chgheader; else a body splice) and counted in
 *	  ctx->masked. The new value is the first that reads clean of
 *	  those: digits masked in the raw value in place; (Content-Type and
 *	  Content-Disposition) then inside the encoded words only, a run of
 *	  words re-encoded as UTF-8 B words, parameters and quotes kept;
 *	  else the masked decoded value, plain when ASCII, else RFC 2047 B
 *	  UTF-8 words. The original leading white space is kept; values in
 *	  act_mask_hdr lose the CR of CRLF (libmilter folds with LF).
 * API
 *	act_mask_hdr_block(ctx, s, e, top)
 *				PM_OK; PM_ENOMEM; PM_EINTERNAL.
 * LIMITS
 *	A re-encoded run of encoded words longer than three times the
 *	original is not used (the whole value is rewritten instead); a
 *	value that still reads as a PAN is left to act_mask's safety net.
 */
#ifndef ACT_MASK_HDR_H
#define ACT_MASK_HDR_H

#include <stddef.h>

#include "act_mask_ctx.h"
#include "pm_status.h"

pm_status act_mask_hdr_block(struct act_mask_ctx *ctx, size_t s, size_t e,
    int top);

#endif
