/*
 * act_mask_hdr - masking in header fields: top-level fields (handed
 * out for smfi_chgheader and spliced into the rebuilt header block),
 * part headers and headers of containers (spliced into the body).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "act_mask_ctx.h"
#include "act_mask_hdr.h"
#include "act_mask_text.h"
#include "enc_mime.h"
#include "mime_hdr.h"
#include "mime_word.h"
#include "pan_detect.h"

/* act_mask_hdr_value_pan - whether a raw header value, unfolded and
 * 2047-decoded, holds a PAN; the decoded value in *dv */
static pm_status
act_mask_hdr_value_pan(struct act_mask_ctx *ctx, const unsigned char *v,
    size_t n, char **dv, size_t *dl, int *has)
{
	char *uv = NULL;
	size_t ul = 0;
	unsigned defects = 0;

	*has = 1;
	if (mime_hdr_unfold(ctx->tmp, v, n, &uv, &ul) != PM_OK)
		return PM_ENOMEM;
	*dv = uv;
	*dl = ul;
	if (memmem(uv, ul, "=?", 2) != NULL && mime_word_decode(ctx->tmp,
	    uv, ul, dv, dl, &defects) != PM_OK)
		return PM_ENOMEM;
	*has = pan_detect_has_pan(*dv, *dl);
	return PM_OK;
}

/* act_mask_hdr_is_ascii - no byte >= 0x80 */
static int
act_mask_hdr_is_ascii(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return 0;
	return 1;
}

/* act_mask_hdr_field_words - new value from the masked decoded value: plain
 * when ASCII, RFC 2047 B words otherwise; original leading white space */
static pm_status
act_mask_hdr_field_words(struct act_mask_ctx *ctx, const struct mime_hdr_field
    *f, const char *dv, size_t dl, unsigned char **nv, size_t *nl,
    unsigned *cnt)
{
	unsigned char *mv = NULL, *o = NULL;
	size_t ml = 0, lead = 0, el = strlen(ctx->eol), w;
	char fold[4];
	pm_status st;

	if ((st = act_mask_text_plain(&ctx->tx, (const unsigned char *)dv,
	    dl, &mv, &ml, cnt)) != PM_OK || *cnt == 0)
		return st;
	while (lead < f->value_len && (f->value[lead] == ' '
	    || f->value[lead] == '\t'))
		lead++;
	snprintf(fold, sizeof(fold), "%s ", ctx->eol);
	if ((o = pm_arena_alloc(ctx->tmp, lead + enc_mime_word_bound(ml,
	    el + 1) + ml + 1)) == NULL)
		return PM_ENOMEM;
	memcpy(o, f->value, lead);
	if (act_mask_hdr_is_ascii(mv, ml)) {
		memcpy(o + lead, mv, ml);
		w = lead + ml;
	} else
		w = lead + enc_mime_word(mv, ml, fold, o + lead);
	*nv = o;
	*nl = w;
	return PM_OK;
}

/* act_mask_hdr_ew_len - length of the RFC 2047 encoded word at p, or 0 */
static size_t
act_mask_hdr_ew_len(const unsigned char *p, size_t n)
{
	size_t i = 2;

	if (n < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	while (i < n && p[i] != '?' && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i == 2 || i + 3 >= n || p[i] != '?' || p[i + 2] != '?'
	    || ((p[i + 1] | 0x20) != 'b' && (p[i + 1] | 0x20) != 'q'))
		return 0;
	for (i += 3; i + 1 < n; i++) {
		if (p[i] == '?' && p[i + 1] == '=')
			return i + 2;
		if (p[i] <= ' ' || p[i] >= 0x7f)
			return 0;
	}
	return 0;
}

/* act_mask_hdr_ew_run - end of the run of encoded words (separated only by
 * white space) that starts at v[i], whose first word is l long */
static size_t
act_mask_hdr_ew_run(const unsigned char *v, size_t n, size_t i, size_t l)
{
	size_t e = i + l, k;

	for (;;) {
		k = e;
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == '\r'
		    || v[k] == '\n'))
			k++;
		if (k >= n || (l = act_mask_hdr_ew_len(v + k, n - k)) == 0)
			return e;
		e = k + l;
	}
}

/* act_mask_hdr_field_ew - mask inside the encoded words of a raw value,
 * keeping the rest of it (parameters, quotes) as it is; a run of words
 * holding a PAN is re-encoded as UTF-8 B words */
static pm_status
act_mask_hdr_field_ew(struct act_mask_ctx *ctx, const unsigned char *v,
    size_t n, unsigned char **nv, size_t *nl, unsigned *cnt)
{
	unsigned char *o = NULL, *mv = NULL;
	char *dv = NULL, fold[4];
	size_t i = 0, w = 0, l, e, dl = 0, ml = 0;
	unsigned c = 0, defects = 0;
	pm_status st;

	*cnt = 0;
	snprintf(fold, sizeof(fold), "%s ", ctx->eol);
	if ((o = pm_arena_alloc(ctx->tmp, n + enc_mime_word_bound(3 * n,
	    strlen(fold)) + 1)) == NULL)
		return PM_ENOMEM;
	while (i < n) {
		if ((l = act_mask_hdr_ew_len(v + i, n - i)) == 0) {
			o[w++] = v[i++];
			continue;
		}
		e = act_mask_hdr_ew_run(v, n, i, l);
		if (mime_word_decode(ctx->tmp, (const char *)v + i, e - i, &dv,
		    &dl, &defects) != PM_OK)
			return PM_ENOMEM;
		if ((st = act_mask_text_plain(&ctx->tx, (const unsigned char *)
		    dv, dl, &mv, &ml, &c)) != PM_OK)
			return st;
		if (c == 0 || ml > 3 * (e - i)) {
			memcpy(o + w, v + i, e - i);
			w += e - i;
		} else {
			w += enc_mime_word(mv, ml, fold, o + w);
			*cnt += c;
		}
		i = e;
	}
	*nv = o;
	*nl = w;
	return PM_OK;
}

/* act_mask_hdr_is_structured - a field whose parameters must survive */
static int
act_mask_hdr_is_structured(const struct mime_hdr_field *f)
{
	return (f->name_len == 12 && strncasecmp((const char *)f->name,
	    "content-type", 12) == 0) || (f->name_len == 19
	    && strncasecmp((const char *)f->name, "content-disposition",
	    19) == 0);
}

/* act_mask_hdr_attr_char - RFC 2231 attribute-char (written as is) */
static int
act_mask_hdr_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$&+-.^_`|~", c)
	    != NULL);
}

/* act_mask_hdr_put_param - "; name=value" at o (a new folded line per
 * parameter): a quoted string when the value is short printable ASCII,
 * else RFC 2231 UTF-8 with percent escapes, in continuations of at most
 * ~60 characters a line; returns the bytes written */
static size_t
act_mask_hdr_put_param(const struct act_mask_ctx *ctx, unsigned char *o,
    const char *name, const unsigned char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t w = 0, i, seg = 0, line = 0;
	int plain = n <= 200;

	for (i = 0; i < n && plain; i++)
		plain = v[i] >= 0x20 && v[i] < 0x7f;
	w += (size_t)sprintf((char *)o + w, ";%s ", ctx->eol);
	if (plain) {
		w += (size_t)sprintf((char *)o + w, "%s=\"", name);
		for (i = 0; i < n; i++) {
			if (v[i] == '"' || v[i] == '\\')
				o[w++] = '\\';
			o[w++] = v[i];
		}
		o[w++] = '"';
		return w;
	}
	for (i = 0; i < n || seg == 0; seg++) {
		if (seg > 0)
			w += (size_t)sprintf((char *)o + w, ";%s ", ctx->eol);
		w += (size_t)sprintf((char *)o + w, "%s*%zu*=%s", name, seg,
		    seg == 0 ? "utf-8''" : "");
		for (line = 0; i < n && line < 60; i++) {
			if (act_mask_hdr_attr_char(v[i])) {
				o[w++] = v[i];
				line++;
			} else {
				o[w++] = '%';
				o[w++] = (unsigned char)hex[v[i] >> 4];
				o[w++] = (unsigned char)hex[v[i] & 15];
				line += 3;
			}
		}
	}
	return w;
}

/*
 * act_mask_hdr_field_params - Content-Type/-Disposition written anew from
 * its parsed parameters, each value masked: the way to mask a card number
 * that only RFC 2231 decoding reveals (percent escapes, continuations,
 * another charset). Comments and the original layout are not kept;
 * parameters are written in order of first appearance. *cnt 0 when no
 * parameter value holds a PAN.
 */
static pm_status
act_mask_hdr_field_params(struct act_mask_ctx *ctx,
    const struct mime_hdr_field *f, unsigned char **nv, size_t *nl,
    unsigned *cnt)
{
	struct mime_hdr_value hv;
	const struct mime_hdr_param *p = NULL;
	unsigned char *o = NULL, *mv = NULL;
	char *uv = NULL;
	size_t ul = 0, ml = 0, w = 0, need, lead = 0;
	unsigned c = 0;
	pm_status st;

	*cnt = 0;
	if (mime_hdr_unfold(ctx->tmp, f->value, f->value_len, &uv, &ul) != PM_OK
	    || mime_hdr_parse(ctx->tmp, uv, ul, &hv) != PM_OK)
		return PM_ENOMEM;
	/* bound: per parameter its name three times (continuations), its
	 * value percent-encoded, a line break and "*NNNN*=" per 60 bytes */
	need = f->value_len + strlen(hv.token) + 16;
	for (p = hv.params; p != NULL; p = p->next)
		need += 4 * strlen(p->name) + 3 * p->value_len +
		    (p->value_len / 20 + 2) * (strlen(p->name) + 16);
	if ((o = pm_arena_alloc(ctx->tmp, need)) == NULL)
		return PM_ENOMEM;
	while (lead < f->value_len && (f->value[lead] == ' ' ||
	    f->value[lead] == '\t'))
		lead++;
	memcpy(o, f->value, lead);
	w = lead;
	w += (size_t)sprintf((char *)o + w, "%s", hv.token);
	for (p = hv.params; p != NULL; p = p->next) {
		if ((st = act_mask_text_plain(&ctx->tx, (const unsigned char *)
		    p->value, p->value_len, &mv, &ml, &c)) != PM_OK)
			return st;
		if (c == 0) {
			mv = (unsigned char *)p->value;
			ml = p->value_len;
		}
		if (ml > p->value_len)	/* masking keeps the length */
			return PM_ELIMIT;
		*cnt += c;
		w += act_mask_hdr_put_param(ctx, o + w, p->name, mv, ml);
	}
	if (*cnt == 0)
		return PM_OK;
	*nv = o;
	*nl = w;
	return PM_OK;
}

/* act_mask_hdr_field_try - accept a candidate value when it reads clean */
static pm_status
act_mask_hdr_field_try(struct act_mask_ctx *ctx, unsigned char *r, size_t rl,
    unsigned c, unsigned char **nv, size_t *nl, unsigned *cnt)
{
	char *dv = NULL;
	size_t dl = 0;
	int has = 1;
	pm_status st;

	if (c == 0)
		return PM_OK;
	if ((st = act_mask_hdr_value_pan(ctx, r, rl, &dv, &dl, &has)) != PM_OK
	    || has)
		return st;
	*nv = r;
	*nl = rl;
	*cnt = c;
	return PM_OK;
}

/* act_mask_hdr_field - new raw value for a field whose value holds a PAN:
 * digits masked in the raw value; then (Content-Type/-Disposition)
 * inside its encoded words; else the whole value re-written; *cnt 0
 * when the field needs (or allows) no change */
static pm_status
act_mask_hdr_field(struct act_mask_ctx *ctx, const struct mime_hdr_field *f,
    unsigned char **nv, size_t *nl, unsigned *cnt)
{
	unsigned char *r = NULL, *r2 = NULL;
	char *dv = NULL;
	size_t rl = 0, dl = 0, rl2 = 0;
	unsigned c = 0, c2 = 0;
	int has = 0;
	pm_status st;

	*cnt = 0;
	if ((st = act_mask_hdr_value_pan(ctx, f->value, f->value_len, &dv, &dl,
	    &has)) != PM_OK)
		return st;
	if (!has)	/* a PAN may still be in an RFC 2231 value */
		return act_mask_hdr_is_structured(f) ?
		    act_mask_hdr_field_params(ctx, f, nv, nl, cnt) : PM_OK;
	if ((st = act_mask_text_plain(&ctx->tx, f->value, f->value_len, &r,
	    &rl, &c)) != PM_OK || (st = act_mask_hdr_field_try(ctx, r, rl, c,
	    nv, nl, cnt)) != PM_OK || *cnt > 0)
		return st;
	if (act_mask_hdr_is_structured(f)) {
		if (r == NULL) {
			r = (unsigned char *)f->value;
			rl = f->value_len;
		}
		if ((st = act_mask_hdr_field_ew(ctx, r, rl, &r2, &rl2, &c2))
		    != PM_OK || (st = act_mask_hdr_field_try(ctx, r2, rl2,
		    c + c2, nv, nl, cnt)) != PM_OK || *cnt > 0)
			return st;
		if ((st = act_mask_hdr_field_params(ctx, f, nv, nl, cnt))
		    != PM_OK || *cnt > 0)
			return st;
	}
	return act_mask_hdr_field_words(ctx, f, dv, dl, nv, nl, cnt);
}

/* act_mask_hdr_index - 1-based occurrence of f's name among the top-level
 * fields up to f (case-insensitive) */
static int
act_mask_hdr_index(const struct act_mask_ctx *ctx,
    const struct mime_hdr_field *f)
{
	struct mime_hdr_iter it;
	struct mime_hdr_field g;
	int idx = 0;

	mime_hdr_iter_init(&it, ctx->msg, ctx->hdr_len);
	while (mime_hdr_next(&it, &g) && g.name <= f->name)
		if (g.name_len == f->name_len && strncasecmp((const char *)
		    g.name, (const char *)f->name, f->name_len) == 0)
			idx++;
	return idx;
}

/* act_mask_hdr_out - one act_mask_hdr for a changed top-level field;
 * CR of CRLF dropped from the value (libmilter folds with LF) */
static pm_status
act_mask_hdr_out(struct act_mask_ctx *ctx, const struct mime_hdr_field *f,
    const unsigned char *nv, size_t nl)
{
	struct act_mask_hdr *h = NULL;
	char *v = NULL, *name = NULL;
	size_t i, w = 0;

	if (act_mask_grow(ctx->a, (void **)&ctx->hdrs, &ctx->caphdrs,
	    ctx->nhdrs, sizeof(*ctx->hdrs)) != 0
	    || (v = pm_arena_alloc(ctx->a, nl + 1)) == NULL
	    || (name = pm_arena_strndup(ctx->a, (const char *)f->name,
	    f->name_len)) == NULL)
		return PM_ENOMEM;
	for (i = 0; i < nl; i++)
		if (!(nv[i] == '\r' && i + 1 < nl && nv[i + 1] == '\n'))
			v[w++] = (char)nv[i];
	v[w] = '\0';
	h = &ctx->hdrs[ctx->nhdrs++];
	h->name = name;
	h->index = act_mask_hdr_index(ctx, f);
	h->value = v;
	return PM_OK;
}

/* act_mask_hdr_block - mask the fields of msg[s .. e) (a header block
 * and its blank line); top: the top-level block */
pm_status
act_mask_hdr_block(struct act_mask_ctx *ctx, size_t s, size_t e, int top)
{
	struct mime_hdr_block blk;
	struct mime_hdr_iter it;
	struct mime_hdr_field f;
	unsigned char *nv = NULL, *cp = NULL;
	size_t nl = 0;
	unsigned c = 0;
	pm_status st = PM_OK;

	mime_hdr_split(ctx->msg + s, e - s, &blk);
	mime_hdr_iter_init(&it, ctx->msg + s, blk.hdr_len);
	while (st == PM_OK && mime_hdr_next(&it, &f)) {
		if (f.name_len == 0)
			continue;
		if ((st = act_mask_hdr_field(ctx, &f, &nv, &nl, &c)) != PM_OK
		    || c == 0)
			continue;
		if ((cp = pm_arena_alloc(ctx->a, nl + 1)) == NULL)
			return PM_ENOMEM;
		memcpy(cp, nv, nl);
		st = act_mask_splice_add(ctx, top, (size_t)(f.value
		    - ctx->msg), f.value_len, cp, nl);
		if (st == PM_OK && top)
			st = act_mask_hdr_out(ctx, &f, cp, nl);
		ctx->masked += c;
	}
	return st;
}
