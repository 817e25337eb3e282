/*
 * fuzz_mime_walk - the MIME walker is total: any bytes give PM_OK or a
 * named limit, every leaf body lies inside the buffer walked, every
 * header value is readable, base64/QP leaves decode within their
 * documented bounds, and encoded message/rfc822 leaves are walked again
 * (as scan does) without breaking the depth and part limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dec_b64.h"
#include "dec_qp.h"
#include "mime_walk.h"
#include "pm_arena.h"
#include "pm_limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fm_ctx {
	struct mime_walk *w;
	const struct pm_limits *lim;
	const unsigned char *buf;	/* buffer of the current walk */
	size_t len;
	unsigned leaves;
	volatile unsigned sum;
};

/* fm_header - every byte of name and value is readable */
static pm_status
fm_header(void *arg, const char *path, const char *name, const char *value,
    size_t value_len)
{
	struct fm_ctx *c = arg;
	size_t i;

	if (path == NULL || name == NULL || (value == NULL && value_len > 0))
		__builtin_trap();
	for (i = 0; name[i] != '\0'; i++)
		c->sum += (unsigned char)name[i];
	for (i = 0; i < value_len; i++)
		c->sum += (unsigned char)value[i];
	return PM_OK;
}

/* fm_decode - transfer-decode a leaf into the arena; NULL if none */
static const unsigned char *
fm_decode(struct fm_ctx *c, const struct mime_part *p, size_t *n)
{
	unsigned char *out = NULL;
	size_t cap;

	*n = 0;
	if (p->cte == MIME_CTE_BASE64) {
		cap = dec_b64_bound(p->body_len);
		out = pm_arena_alloc(c->w->arena, cap ? cap : 1);
		if (out == NULL)
			return NULL;
		*n = dec_b64(p->body, p->body_len, out, NULL);
		if (*n > cap)
			__builtin_trap();
	} else if (p->cte == MIME_CTE_QP) {
		out = pm_arena_alloc(c->w->arena, p->body_len ? p->body_len : 1);
		if (out == NULL)
			return NULL;
		*n = dec_qp(p->body, p->body_len, out);
		if (*n > p->body_len)
			__builtin_trap();
	}
	return out;
}

/* fm_leaf - check the leaf, decode it, re-walk encoded messages */
static pm_status
fm_leaf(void *arg, const struct mime_part *p)
{
	struct fm_ctx *c = arg;
	const unsigned char *dec = NULL, *obuf = c->buf;
	size_t n = 0, olen = c->len;
	pm_status st = PM_OK;

	c->leaves++;
	if (p->path == NULL || p->type == NULL)
		__builtin_trap();
	if (p->body_off > c->len || p->body_len > c->len - p->body_off ||
	    (p->body_len > 0 && p->body != c->buf + p->body_off))
		__builtin_trap();	/* body outside the walked buffer */
	if (p->depth > c->lim->max_depth)
		__builtin_trap();
	dec = fm_decode(c, p, &n);
	if (dec == NULL)
		return PM_OK;
	if (strcmp(p->type, "message/rfc822") == 0 ||
	    strcmp(p->type, "message/global") == 0) {
		c->buf = dec;
		c->len = n;
		st = mime_walk_message(c->w, dec, n, p->path, p->depth + 1);
		c->buf = obuf;
		c->len = olen;
	}
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mime_walk_ops ops = { fm_header, fm_leaf };
	struct pm_limits lim;
	struct mime_walk w;
	struct fm_ctx ctx;
	struct pm_arena *a = NULL;
	pm_status st;

	pm_limits_default(&lim);
	a = pm_arena_new(256u << 20);
	if (a == NULL)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.w = &w;
	ctx.lim = &lim;
	ctx.buf = data;
	ctx.len = size;
	mime_walk_init(&w, a, &lim, &ops, &ctx);
	st = mime_walk_message(&w, data, size, "", 0);
	if (st != PM_OK && st != PM_ELIMIT && st != PM_ENOMEM)
		__builtin_trap();
	if (st == PM_ELIMIT && w.limit == NULL)
		__builtin_trap();	/* a limit must be named */
	if (w.nparts != ctx.leaves || ctx.leaves > lim.max_parts)
		__builtin_trap();
	pm_arena_free(a);
	return 0;
}
