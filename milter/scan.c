/*
 * scan - the engine façade.
 *
 * scan_message() owns one work arena (capped at max_decoded_size plus
 * the per-part slack), one detector and one MIME walk; scan_leaf does the
 * per-part work and reports hits to scan_hit(), which turns each hit into
 * a finding holding only masked data. Distinct PANs are counted through
 * a salted SHA-256 of the digits, kept only for the length of the call.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "scan.h"
#include "scan_leaf.h"

/* Room for the decoders' working copies beside max_decoded_size. */
#define SCAN_ARENA_SLACK	(8u * 1024 * 1024)

/* scan_opts_default - default limits, first6last4 masks, no token key */
void
scan_opts_default(struct scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	pm_limits_default(&o->lim);
	o->mask = PAN_MASK_FIRST6LAST4;
	o->key = NULL;
}

/* scan_verdict_str - the contract's name of a verdict */
const char *
scan_verdict_str(enum scan_verdict v)
{
	switch (v) {
	case SCAN_CLEAN:	return "clean";
	case SCAN_PROTECTED:	return "protected";
	case SCAN_UNSCANNABLE:	return "unscannable";
	case SCAN_PAN:		return "pan";
	case SCAN_TRACK_DATA:	return "track_data";
	case SCAN_ERROR:	return "error";
	}
	return "error";
}

/* scan_result_fini - wipe and free the findings */
void
scan_result_fini(struct scan_result *res)
{
	if (res->findings != NULL) {
		pm_wipe(res->findings, res->cap * sizeof(*res->findings));
		free(res->findings);
	}
	res->findings = NULL;
	res->nfindings = res->cap = 0;
	free(res->pans);
	res->pans = NULL;
	res->distinct_pans = res->npans = 0;
}

/*
 * scan_pan_id - identity of a PAN within one scan, for counting distinct
 * PANs: the digits as a number (19 digits fit in 64 bits; no brand starts
 * with 0, so the number fixes the length), xor a per-scan random key, then
 * the splitmix64 finaliser - a bijection, so two PANs never share an id.
 * A SHA-256 per hit cost ~10k instructions; this is ~60. The id is as
 * sensitive as the digits: it lives only in wiped memory of this scan.
 */
static uint64_t
scan_pan_id(const struct scan_ctx *ctx, const char *d, size_t n)
{
	uint64_t v = 0, k;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(d[i] - '0');
	memcpy(&k, ctx->salt, sizeof(k));
	v ^= k;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}

struct scan_idset {
	uint64_t id;
	int idx;			/* index in res->pans, or -1 */
	int used;			/* 0: empty slot */
};

/* scan_idset_find - the slot for id (existing or empty) */
static struct scan_idset *
scan_idset_find(struct scan_idset *set, size_t cap, uint64_t id)
{
	size_t i = (size_t)(id * 0x9E3779B97F4A7C15ULL) & (cap - 1);

	while (set[i].used && set[i].id != id)
		i = (i + 1) & (cap - 1);
	return &set[i];
}

/* scan_idset_grow - double the set (load factor stays <= 1/2) */
static int
scan_idset_grow(struct scan_ctx *ctx)
{
	size_t cap = ctx->capids ? ctx->capids * 2 : 64, i;
	struct scan_idset *n = calloc(cap, sizeof(*n));

	if (n == NULL)
		return -1;
	for (i = 0; i < ctx->capids; i++)
		if (ctx->ids[i].used)
			*scan_idset_find(n, cap, ctx->ids[i].id) = ctx->ids[i];
	free(ctx->ids);
	ctx->ids = n;
	ctx->capids = cap;
	return 0;
}

/* scan_count_distinct - count a new PAN (describe the first ones), or
 * raise the confidence of one seen before */
static void
scan_count_distinct(struct scan_ctx *ctx, const struct scan_finding *f,
    uint64_t id)
{
	struct scan_result *res = ctx->res;
	struct scan_idset *e;
	struct scan_pan *n;

	if (2 * (ctx->nids + 1) > ctx->capids && scan_idset_grow(ctx) < 0) {
		ctx->err = PM_ENOMEM;
		return;
	}
	e = scan_idset_find(ctx->ids, ctx->capids, id);
	if (e->used) {
		if (e->idx >= 0 && f->conf > res->pans[e->idx].conf)
			res->pans[e->idx].conf = f->conf;
		return;
	}
	e->id = id;
	e->idx = -1;
	e->used = 1;
	ctx->nids++;
	res->distinct_pans++;
	if (res->npans == SCAN_MAX_PANS)
		return;
	if (res->pans == NULL && (res->pans = calloc(SCAN_MAX_PANS,
	    sizeof(*res->pans))) == NULL) {
		ctx->err = PM_ENOMEM;
		return;
	}
	e->idx = (int)res->npans;
	n = &res->pans[res->npans++];
	n->conf = f->conf;
	n->is_test = f->is_test;
	memcpy(n->token, f->token, sizeof(n->token));
	n->id = id;
}

/* scan_add_finding - room for one more finding */
static struct scan_finding *
scan_add_finding(struct scan_result *res)
{
	struct scan_finding *n;

	if (res->nfindings == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 8;

		if ((n = calloc(cap, sizeof(*n))) == NULL)
			return NULL;
		if (res->findings != NULL) {
			memcpy(n, res->findings, res->nfindings * sizeof(*n));
			pm_wipe(res->findings, res->cap * sizeof(*n));
			free(res->findings);
		}
		res->findings = n;
		res->cap = cap;
	}
	return &res->findings[res->nfindings++];
}

/* scan_hit - detector callback: one hit becomes one masked finding */
void
scan_hit(void *arg, const struct pan_hit *hit)
{
	struct scan_ctx *ctx = arg;
	struct scan_finding *f, tmp;
	uint64_t id = scan_pan_id(ctx, hit->digits, hit->ndigits);
	size_t i;

	/* second pass over raw markup: only what the text pass missed */
	for (i = ctx->part_first; ctx->raw_pass && i < ctx->res->nfindings;
	    i++)
		if (ctx->res->findings[i].id == id
		    && ctx->res->findings[i].kind == hit->kind)
			return;
	if (hit->kind != PAN_KIND_PAN)
		ctx->saw_track = 1;
	/* past the cap a finding is counted, not kept (it still counts as
	 * a distinct PAN and for the verdict) */
	if (ctx->res->nfindings >= SCAN_MAX_FINDINGS) {
		ctx->res->dropped++;
		f = &tmp;
	} else if ((f = scan_add_finding(ctx->res)) == NULL) {
		ctx->err = PM_ENOMEM;
		return;
	}
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->kind = hit->kind;
	f->conf = hit->conf;
	f->brand = hit->brand ? hit->brand->name : "unknown";
	pan_mask_digits(hit->digits, hit->ndigits, ctx->opts->mask,
	    &f->masked);
	f->length = (unsigned)hit->ndigits;
	f->is_test = pan_card_is_test(hit->digits, hit->ndigits);
	if (ctx->opts->key != NULL
	    && pan_token_make(ctx->opts->key, hit->digits, hit->ndigits,
	    f->token) != PM_OK)
		f->token[0] = 0;
	snprintf(f->part, sizeof(f->part), "%s", ctx->part ? ctx->part : "");
	snprintf(f->where, sizeof(f->where), "%s",
	    ctx->where ? ctx->where : "body");
	f->offset = hit->start;
	if (hit->kind == PAN_KIND_PAN)
		scan_count_distinct(ctx, f, id);
	if (f == &tmp)
		pm_wipe(&tmp, sizeof(tmp));
}

/* scan_ctx_mark_unscannable - record the first reason content was skipped */
void
scan_ctx_mark_unscannable(struct scan_ctx *ctx, const char *why)
{
	if (!ctx->unscannable)
		snprintf(ctx->res->reason, sizeof(ctx->res->reason), "%s", why);
	ctx->unscannable = 1;
}

/* scan_verdict - fold the findings and marks into one verdict */
static enum scan_verdict
scan_verdict(const struct scan_ctx *ctx)
{
	const struct scan_result *res = ctx->res;
	enum scan_verdict v = SCAN_CLEAN;

	if (ctx->is_protected)
		v = SCAN_PROTECTED;
	if (ctx->unscannable)
		v = SCAN_UNSCANNABLE;
	if (ctx->saw_track)
		return SCAN_TRACK_DATA;
	if (res->nfindings > 0)
		v = SCAN_PAN;
	return v;
}

/* scan_ctx_fini - free the per-call state, wiping what held bytes */
static void
scan_ctx_fini(struct scan_ctx *ctx)
{
	pan_detect_free(ctx->det);
	pm_arena_free(ctx->arena);
	if (ctx->ids != NULL) {
		pm_wipe(ctx->ids, ctx->capids * sizeof(*ctx->ids));
		free(ctx->ids);
	}
	pm_wipe(ctx->salt, sizeof(ctx->salt));
}

static const struct mime_walk_ops scan_walk_ops = {
	scan_leaf_header,
	scan_leaf_part
};

/* scan_message - scan one message; res is filled even on a limit */
pm_status
scan_message(const unsigned char *msg, size_t len,
    const struct scan_opts *opts, struct scan_result *res)
{
	struct scan_ctx ctx;
	pm_status st = PM_OK;
	size_t cap;

	memset(res, 0, sizeof(*res));
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.res = res;
	if (len > opts->lim.max_message_size) {
		scan_ctx_mark_unscannable(&ctx, "max_message_size");
		res->verdict = SCAN_UNSCANNABLE;
		return PM_OK;
	}
	cap = opts->lim.max_decoded_size + SCAN_ARENA_SLACK;
	if (RAND_bytes(ctx.salt, sizeof(ctx.salt)) != 1
	    || (ctx.arena = pm_arena_new(cap)) == NULL
	    || (ctx.det = pan_detect_new(scan_hit, &ctx)) == NULL) {
		st = PM_ENOMEM;
		goto out;
	}
	if (opts->lim.scan_timeout > 0)
		ctx.deadline = time(NULL) + (time_t)opts->lim.scan_timeout;
	mime_walk_init(&ctx.walk, ctx.arena, &opts->lim, &scan_walk_ops,
	    &ctx);
	st = mime_walk_message(&ctx.walk, msg, len, "", 0);
	if (st == PM_ELIMIT) {
		scan_ctx_mark_unscannable(&ctx,
		    ctx.walk.limit ? ctx.walk.limit : "limit");
		st = PM_OK;
	}
	if (st == PM_OK && ctx.err != PM_OK)
		st = ctx.err;
	res->nparts = ctx.walk.nparts;
	res->defects = ctx.walk.defects;
	res->decoded = ctx.decoded;
out:
	if (st != PM_OK) {
		res->verdict = SCAN_ERROR;
		snprintf(res->reason, sizeof(res->reason), "%s",
		    pm_status_str(st));
	} else
		res->verdict = scan_verdict(&ctx);
	scan_ctx_fini(&ctx);
	return st;
}
