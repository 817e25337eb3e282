/*
 * act_mask - the "mask" action executor (no libmilter here).
 *
 * How a message is rewritten:
 *  1. scan_message() on the input: track data -> PM_ELIMIT; no PAN ->
 *     nothing to do.
 *  2. Top-level header fields: each one whose decoded value holds a PAN
 *     becomes an act_mask_hdr (and a splice in the rebuilt header block
 *     used by the safety net).
 *  3. mime_walk over the message; for each leaf: its own header block
 *     (when it lies inside the body) is treated like the top-level one
 *     but spliced into the body; its content is transfer-decoded,
 *     masked in its charset (act_mask_text_content) and re-encoded in the
 *     original transfer encoding, then spliced at body_off/body_len.
 *     Then the stretches between leaves (boundary lines, headers of
 *     multipart containers and encapsulated messages) get the same
 *     header treatment (act_mask_gaps).
 *  4. The new body is the old one with the splices applied; the rebuilt
 *     message (new header block + new body) is scanned again, and any
 *     PAN or track finding left (or an unscannable verdict) turns the
 *     result into PM_ELIMIT: the milter then falls back to reject.
 * Decoded bytes live in a private scratch arena (released after each
 * leaf, wiped and freed at the end); only results go to the caller's.
 * The work is split by responsibility: this file has the walk, the
 * transfer encodings, the splices and the safety net; act_mask_text.c
 * masks one decoded text (charsets, markup through dec_markup_map);
 * act_mask_hdr.c masks header fields; act_mask_ctx.h is their shared
 * per-message state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "act_mask.h"
#include "act_mask_ctx.h"
#include "act_mask_hdr.h"
#include "act_mask_text.h"
#include "dec_archive.h"
#include "dec_b64.h"
#include "dec_qp.h"
#include "enc_mime.h"
#include "mime_hdr.h"
#include "mime_walk.h"
#include "pan_detect.h"

/* act_mask_grow - make room for one more element of an arena array */
int
act_mask_grow(struct pm_arena *a, void **v, size_t *cap, size_t n,
    size_t sz)
{
	size_t nc = *cap ? *cap * 2 : 8;
	void *nv = NULL;

	if (n < *cap)
		return 0;
	if ((nv = pm_arena_alloc(a, nc * sz)) == NULL)
		return -1;
	if (n > 0)
		memcpy(nv, *v, n * sz);
	*v = nv;
	*cap = nc;
	return 0;
}

/* act_mask_splice_add - record a replacement of msg[off .. off+len) */
pm_status
act_mask_splice_add(struct act_mask_ctx *ctx, int top, size_t off,
    size_t len, const unsigned char *p, size_t n)
{
	struct act_mask_splice **v = top ? &ctx->hsp : &ctx->sp;
	size_t *nv = top ? &ctx->nhsp : &ctx->nsp;
	size_t *cap = top ? &ctx->caphsp : &ctx->capsp;

	if (act_mask_grow(ctx->a, (void **)v, cap, *nv, sizeof(**v)) != 0)
		return PM_ENOMEM;
	(*v)[*nv].off = off;
	(*v)[*nv].len = len;
	(*v)[*nv].p = p;
	(*v)[*nv].n = n;
	(*nv)++;
	return PM_OK;
}

/* act_mask_decode - undo the transfer encoding into the scratch arena;
 * *out NULL for encodings act_mask does not rewrite */
static pm_status
act_mask_decode(struct act_mask_ctx *ctx, const struct mime_part *part,
    const unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;

	*out = NULL;
	*outlen = 0;
	switch (part->cte) {
	case MIME_CTE_7BIT:
	case MIME_CTE_8BIT:
	case MIME_CTE_BINARY:
		*out = part->body;
		*outlen = part->body_len;
		return PM_OK;
	case MIME_CTE_BASE64:
		buf = pm_arena_alloc(ctx->tmp, dec_b64_bound(part->body_len)
		    + 1);
		if (buf == NULL)
			return PM_ENOMEM;
		*outlen = dec_b64(part->body, part->body_len, buf, NULL);
		break;
	case MIME_CTE_QP:
		if ((buf = pm_arena_alloc(ctx->tmp, part->body_len + 1))
		    == NULL)
			return PM_ENOMEM;
		*outlen = dec_qp(part->body, part->body_len, buf);
		break;
	default:
		return PM_OK;
	}
	*out = buf;
	return PM_OK;
}

/* act_mask_part_eol - the line end a part body uses */
static const char *
act_mask_part_eol(const struct act_mask_ctx *ctx, const unsigned char *p,
    size_t n)
{
	const unsigned char *nl = memchr(p, '\n', n);

	if (nl == NULL)
		return ctx->eol;
	return nl > p && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* act_mask_encode - masked bytes back in the part's transfer encoding,
 * into the caller's arena */
static pm_status
act_mask_encode(struct act_mask_ctx *ctx, const struct mime_part *part,
    const unsigned char *p, size_t n, unsigned char **out, size_t *outlen)
{
	const char *eol = act_mask_part_eol(ctx, part->body, part->body_len);
	size_t el = strlen(eol), bound, w;
	unsigned char *o = NULL;

	if (part->cte == MIME_CTE_BASE64)
		bound = enc_mime_b64_bound(n, el);
	else if (part->cte == MIME_CTE_QP)
		bound = enc_mime_qp_bound(n, el);
	else
		bound = n;
	if ((o = pm_arena_alloc(ctx->a, bound + 1)) == NULL)
		return PM_ENOMEM;
	if (part->cte == MIME_CTE_BASE64) {
		w = enc_mime_b64(p, n, eol, o);
		/* keep the original's (missing) line end before what
		   follows the part */
		if (w >= el && (part->body_len == 0
		    || part->body[part->body_len - 1] != '\n'))
			w -= el;
	} else if (part->cte == MIME_CTE_QP) {
		w = enc_mime_qp(p, n, eol, o);
	} else {
		memcpy(o, p, n);
		w = n;
	}
	*out = o;
	*outlen = w;
	return PM_OK;
}

/* act_mask_rewritable - a leaf act_mask may rewrite at all */
static int
act_mask_rewritable(const struct mime_part *part)
{
	if (strncmp(part->type, "message/", 8) == 0
	    || strcmp(part->type, "application/pkcs7-mime") == 0
	    || strcmp(part->type, "application/x-pkcs7-mime") == 0)
		return 0;
	return act_mask_text_kind(part->type, part->filename)
	    != ACT_MASK_TEXT_BINARY;
}

/* act_mask_leafinfo_add - remember a leaf's path and type (reasons) */
static pm_status
act_mask_leafinfo_add(struct act_mask_ctx *ctx, const struct mime_part *p)
{
	if (act_mask_grow(ctx->a, (void **)&ctx->li, &ctx->capli, ctx->nli,
	    sizeof(*ctx->li)) != 0)
		return PM_ENOMEM;
	ctx->li[ctx->nli].path = p->path;
	ctx->li[ctx->nli].type = p->type;
	ctx->li[ctx->nli].hdr_off = p->hdr_off;
	ctx->li[ctx->nli].body_end = p->body_off + p->body_len;
	ctx->nli++;
	return PM_OK;
}

/* act_mask_leaf - walk callback: part headers, then the part body */
static pm_status
act_mask_leaf(void *arg, const struct mime_part *part)
{
	struct act_mask_ctx *ctx = arg;
	struct pm_arena_mark mark;
	struct mime_part lp = *part;
	const unsigned char *p = NULL;
	unsigned char *m = NULL, *e = NULL;
	size_t n = 0, ml = 0, el = 0;
	enum act_mask_text_kind k;
	unsigned c = 0;
	pm_status st;

	if ((st = act_mask_leafinfo_add(ctx, part)) != PM_OK)
		return st;
	/* preamble and epilogue are plain text whatever the container's
	   transfer encoding says: masked in place */
	if (part->flags & (MIME_PART_PREAMBLE | MIME_PART_EPILOGUE))
		lp.cte = MIME_CTE_7BIT;
	part = &lp;
	if (part->hdr_off >= ctx->body_off && part->body_off > part->hdr_off
	    && (st = act_mask_hdr_block(ctx, part->hdr_off, part->body_off,
	    0)) != PM_OK)
		return st;
	if (!act_mask_rewritable(part))
		return PM_OK;
	pm_arena_mark(ctx->tmp, &mark);
	if ((st = act_mask_decode(ctx, part, &p, &n)) != PM_OK || p == NULL
	    || dec_archive_sniff(p, n))
		goto out;
	k = act_mask_text_kind(part->type, part->filename);
	st = act_mask_text_content(&ctx->tx, part->charset, k, p, n, &m, &ml,
	    &c);
	if (st != PM_OK || c == 0)
		goto out;
	if ((st = act_mask_encode(ctx, part, m, ml, &e, &el)) != PM_OK)
		goto out;
	st = act_mask_splice_add(ctx, 0, part->body_off, part->body_len, e,
	    el);
	ctx->masked += c;
out:
	pm_arena_release(ctx->tmp, &mark);
	return st;
}

/* act_mask_gap - header blocks in msg[s .. e), a stretch between leaves
 * (boundary lines, headers of multipart containers and of encapsulated
 * messages): their fields are masked like a leaf's */
static pm_status
act_mask_gap(struct act_mask_ctx *ctx, size_t s, size_t e)
{
	struct mime_hdr_block blk;
	const unsigned char *nl = NULL;
	size_t p = s;
	pm_status st = PM_OK;

	while (p < e && st == PM_OK) {
		if (!(e - p >= 2 && ctx->msg[p] == '-' && ctx->msg[p + 1]
		    == '-')) {
			mime_hdr_split(ctx->msg + p, e - p, &blk);
			if (blk.hdr_len > 0 && blk.body_off > 0) {
				st = act_mask_hdr_block(ctx, p, p
				    + blk.body_off, 0);
				p += blk.body_off;
				continue;
			}
		}
		nl = memchr(ctx->msg + p, '\n', e - p);
		p = nl != NULL ? (size_t)(nl - ctx->msg) + 1 : e;
	}
	return st;
}

/* act_mask_gaps - every stretch of the body outside the leaves' header
 * blocks and bodies, through act_mask_gap */
static pm_status
act_mask_gaps(struct act_mask_ctx *ctx)
{
	size_t i, gs = ctx->body_off, ge;
	pm_status st = PM_OK;

	for (i = 0; i <= ctx->nli && st == PM_OK; i++) {
		ge = i < ctx->nli ? ctx->li[i].hdr_off : ctx->len;
		if (ge > gs)
			st = act_mask_gap(ctx, gs, ge);
		if (i < ctx->nli && ctx->li[i].body_end > gs)
			gs = ctx->li[i].body_end;
	}
	return st;
}

/* act_mask_splice_cmp - order splices by offset */
static int
act_mask_splice_cmp(const void *x, const void *y)
{
	const struct act_mask_splice *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/* act_mask_apply - msg[s .. e) with the splices applied, in arena to */
static pm_status
act_mask_apply(struct act_mask_ctx *ctx, struct pm_arena *to, size_t s,
    size_t e, struct act_mask_splice *sp, size_t nsp, unsigned char **out,
    size_t *outlen)
{
	size_t i, total = e - s, pos = s, w = 0;
	unsigned char *o = NULL;

	if (nsp > 1)
		qsort(sp, nsp, sizeof(*sp), act_mask_splice_cmp);
	for (i = 0; i < nsp; i++) {
		if (sp[i].off < pos || sp[i].off + sp[i].len > e)
			return PM_EINTERNAL;	/* overlapping splices */
		pos = sp[i].off + sp[i].len;
		total = total - sp[i].len + sp[i].n;
	}
	if ((o = pm_arena_alloc(to, total + 1)) == NULL)
		return PM_ENOMEM;
	for (i = 0, pos = s; i < nsp; i++) {
		memcpy(o + w, ctx->msg + pos, sp[i].off - pos);
		w += sp[i].off - pos;
		memcpy(o + w, sp[i].p, sp[i].n);
		w += sp[i].n;
		pos = sp[i].off + sp[i].len;
	}
	memcpy(o + w, ctx->msg + pos, e - pos);
	w += e - pos;
	*out = o;
	*outlen = w;
	return PM_OK;
}

/* act_mask_why - "cannot mask: ..." into why (never digits of a PAN) */
static void
act_mask_why(char *why, size_t whylen, const char *what, const char *part,
    const char *type)
{
	char p[SCAN_PART_MAX];
	size_t l;

	if (why == NULL || whylen == 0)
		return;
	snprintf(p, sizeof(p), "%s", part != NULL && part[0] != '\0' ? part
	    : "header");
	l = strcspn(p, "/");		/* no archive entry names */
	p[l] = '\0';
	if (type != NULL && pan_detect_has_pan(type, strlen(type)))
		type = "?";		/* a type is the sender's text too */
	if (type != NULL)
		snprintf(why, whylen, "cannot mask: %s in part %s (%.64s)",
		    what, p, type);
	else
		snprintf(why, whylen, "cannot mask: %s in part %s", what, p);
}

/* act_mask_type_of - the type of the leaf at a finding's part path */
static const char *
act_mask_type_of(const struct act_mask_ctx *ctx,
    const struct scan_finding *f)
{
	size_t i, pl, best = 0, l = strcspn(f->part, "/");
	const char *type = "unknown";

	if (strncmp(f->where, "header:", 7) == 0)
		return "header";
	for (i = 0; i < ctx->nli; i++) {
		pl = strlen(ctx->li[i].path);
		if (pl > l || strncmp(ctx->li[i].path, f->part, pl) != 0)
			continue;
		if (pl == l)
			return ctx->li[i].type;
		/* an encoded message's leaf: "1.1" lies inside leaf "1" */
		if (f->part[pl] == '.' && pl > best) {
			best = pl;
			type = ctx->li[i].type;
		}
	}
	return type;
}

/* act_mask_first - the input's scan: track data refuses, *need tells
 * whether there is a PAN to mask */
static pm_status
act_mask_first(const unsigned char *msg, size_t len,
    const struct scan_opts *opts, int *need, char *why, size_t whylen)
{
	struct scan_result res;
	const struct scan_finding *f = NULL, *cvc = NULL;
	size_t i;
	pm_status st;

	memset(&res, 0, sizeof(res));
	*need = 0;
	if ((st = scan_message(msg, len, opts, &res)) != PM_OK) {
		act_mask_why(why, whylen, "scan failed", "", NULL);
		goto out;
	}
	for (i = 0; i < res.nfindings; i++) {
		f = &res.findings[i];
		if (f->kind == PAN_KIND_TRACK1 || f->kind == PAN_KIND_TRACK2) {
			act_mask_why(why, whylen, "track data", f->part, NULL);
			st = PM_ELIMIT;
			goto out;
		}
		if (f->kind == PAN_KIND_CVC && cvc == NULL)
			cvc = f;
		if (f->kind == PAN_KIND_PAN)
			*need = 1;
	}
	if (cvc != NULL || res.verdict == SCAN_TRACK_DATA) {
		/* a CVC next to a PAN is sensitive authentication data:
		   the engine's verdict is track_data, never masked */
		act_mask_why(why, whylen, cvc != NULL ? "card verification "
		    "code" : "track data", cvc != NULL ? cvc->part : "", NULL);
		st = PM_ELIMIT;
	}
out:
	scan_result_fini(&res);
	return st;
}

/* act_mask_verify - the safety net: the rebuilt message must scan clean
 * of PANs and track data, and be fully scannable */
static pm_status
act_mask_verify(const struct act_mask_ctx *ctx, const unsigned char *msg,
    size_t len, const struct scan_opts *opts, char *why, size_t whylen)
{
	struct scan_result res;
	const struct scan_finding *f = NULL;
	size_t i;
	pm_status st;

	memset(&res, 0, sizeof(res));
	if ((st = scan_message(msg, len, opts, &res)) != PM_OK) {
		act_mask_why(why, whylen, "scan failed", "", NULL);
		goto out;
	}
	for (i = 0; i < res.nfindings; i++) {
		f = &res.findings[i];
		if (f->kind == PAN_KIND_CVC)
			continue;
		act_mask_why(why, whylen, "card data", f->part,
		    act_mask_type_of(ctx, f));
		st = PM_ELIMIT;
		goto out;
	}
	if (res.verdict == SCAN_PAN || res.verdict == SCAN_TRACK_DATA
	    || res.verdict == SCAN_UNSCANNABLE) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "cannot mask: message not fully "
			    "scannable (%s)", res.reason);
		st = PM_ELIMIT;
	}
out:
	scan_result_fini(&res);
	return st;
}

static const struct mime_walk_ops act_mask_walk_ops = {
	NULL,
	act_mask_leaf
};

/* act_mask_run - headers, every leaf, then the new body and the rebuilt
 * message (for the safety net) */
static pm_status
act_mask_run(struct act_mask_ctx *ctx, const struct scan_opts *opts,
    struct act_mask_edit *out, unsigned char **re, size_t *rl,
    char *why, size_t whylen)
{
	struct mime_walk w;
	unsigned char *hb = NULL, *body = NULL;
	size_t hl = 0, bl = 0;
	pm_status st;

	if ((st = act_mask_hdr_block(ctx, 0, ctx->body_off, 1)) != PM_OK)
		return st;
	mime_walk_init(&w, ctx->tmp, &opts->lim, &act_mask_walk_ops, ctx);
	if ((st = mime_walk_message(&w, ctx->msg, ctx->len, "", 0))
	    != PM_OK) {
		if (st == PM_ELIMIT && why != NULL && whylen > 0)
			snprintf(why, whylen, "cannot mask: limit %s",
			    w.limit != NULL ? w.limit : "?");
		return st;
	}
	if ((st = act_mask_gaps(ctx)) != PM_OK)
		return st;
	/* the rebuilt message is scratch; only the body is a result */
	if ((st = act_mask_apply(ctx, ctx->tmp, 0, ctx->body_off, ctx->hsp,
	    ctx->nhsp, &hb, &hl)) != PM_OK || (st = act_mask_apply(ctx,
	    ctx->a, ctx->body_off, ctx->len, ctx->sp, ctx->nsp, &body, &bl))
	    != PM_OK)
		return st;
	if ((*re = pm_arena_alloc(ctx->tmp, hl + bl + 1)) == NULL)
		return PM_ENOMEM;
	memcpy(*re, hb, hl);
	memcpy(*re + hl, body, bl);
	*rl = hl + bl;
	out->body = ctx->nsp > 0 ? body : NULL;
	out->body_len = ctx->nsp > 0 ? bl : 0;
	out->hdrs = ctx->hdrs;
	out->nhdrs = ctx->nhdrs;
	out->masked = ctx->masked;
	return PM_OK;
}

/* act_mask_ctx_init - the context for one message */
static pm_status
act_mask_ctx_init(struct act_mask_ctx *ctx, struct pm_arena *a,
    const unsigned char *msg, size_t len, enum pan_mask_style style,
    char ch)
{
	struct mime_hdr_block blk;

	memset(ctx, 0, sizeof(*ctx));
	ctx->a = a;
	ctx->msg = msg;
	ctx->len = len;
	ctx->tx.style = style;
	/* as pan_mask_text: never a digit, a NUL or an 8-bit byte; and no
	   control character or markup/QP-active byte either */
	ctx->tx.ch = ch > ' ' && ch < 0x7f && !(ch >= '0' && ch <= '9')
	    && ch != '<' && ch != '>' && ch != '&' && ch != '=' ? ch : '*';
	mime_hdr_split(msg, len, &blk);
	ctx->hdr_len = blk.hdr_len;
	ctx->body_off = blk.body_off;
	ctx->eol = memmem(msg, blk.body_off, "\r\n", 2) != NULL ? "\r\n"
	    : "\n";
	if ((ctx->tmp = pm_arena_new(0)) == NULL)
		return PM_ENOMEM;
	ctx->tx.tmp = ctx->tmp;
	return PM_OK;
}

/* act_mask - the edits that mask every card number of a message */
pm_status
act_mask(struct pm_arena *a, const unsigned char *msg, size_t len,
    const struct scan_opts *opts, enum pan_mask_style style, char ch,
    struct act_mask_edit *out, char *why, size_t whylen)
{
	struct act_mask_ctx ctx;
	unsigned char *re = NULL;
	size_t rl = 0;
	int need = 0;
	pm_status st;

	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (a == NULL || msg == NULL || opts == NULL)
		return PM_EINTERNAL;
	if ((st = act_mask_first(msg, len, opts, &need, why, whylen))
	    != PM_OK || !need)
		return st;
	if ((st = act_mask_ctx_init(&ctx, a, msg, len, style, ch)) != PM_OK)
		goto out;
	if ((st = act_mask_run(&ctx, opts, out, &re, &rl, why, whylen))
	    != PM_OK)
		goto out;
	st = act_mask_verify(&ctx, re, rl, opts, why, whylen);
out:
	if (st != PM_OK) {
		memset(out, 0, sizeof(*out));
		if (st == PM_ENOMEM && why != NULL && whylen > 0)
			snprintf(why, whylen, "cannot mask: out of memory");
	}
	pm_arena_free(ctx.tmp);
	return st;
}
