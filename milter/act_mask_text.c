/*
 * act_mask_text - masking inside one decoded text: plain text, markup
 * (through dec_markup_map, so the visible text is the scanner's) and
 * charset round trips.
 *
 * iconv is used directly (iconv_open/iconv/iconv_close, every return
 * checked): a charset that does not convert back losslessly leaves the
 * text unchanged, and act_mask's safety net decides.
 */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "act_mask_ctx.h"
#include "act_mask_text.h"
#include "dec_iconv.h"
#include "dec_markup.h"
#include "pan_detect.h"
#include "scan_leaf.h"

struct act_mask_text_span {
	size_t s, e, nd;
};

struct act_mask_text_hits {
	struct pm_arena *a;
	struct act_mask_text_span *v;
	size_t n, cap;
	int err;
};

/* act_mask_text_hit_cb - detector callback: keep the spans of PANs */
static void
act_mask_text_hit_cb(void *arg, const struct pan_hit *h)
{
	struct act_mask_text_hits *hs = arg;

	if (h->kind != PAN_KIND_PAN || hs->err)
		return;
	if (act_mask_grow(hs->a, (void **)&hs->v, &hs->cap, hs->n,
	    sizeof(*hs->v)) != 0) {
		hs->err = 1;
		return;
	}
	hs->v[hs->n].s = (size_t)h->start;
	hs->v[hs->n].e = (size_t)h->end;
	hs->v[hs->n].nd = h->ndigits;
	hs->n++;
}

/* act_mask_text_span_cmp - order spans by start */
static int
act_mask_text_span_cmp(const void *x, const void *y)
{
	const struct act_mask_text_span *a = x, *b = y;

	return a->s < b->s ? -1 : a->s > b->s;
}

/* act_mask_text_find - every PAN span in p[0..n), sorted */
static pm_status
act_mask_text_find(struct act_mask_text_hits *hs, const unsigned char *p,
    size_t n)
{
	pm_status st;

	st = pan_detect_buf(p, n, act_mask_text_hit_cb, hs);
	if (st == PM_OK && hs->err)
		st = PM_ENOMEM;
	if (st == PM_OK && hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), act_mask_text_span_cmp);
	return st;
}

/* act_mask_text_plain - mask every PAN of in[0..n) (UTF-8 or
 * ASCII-compatible bytes) with pan_mask_text; *out NULL and *count 0
 * when none */
pm_status
act_mask_text_plain(const struct act_mask_text *tx, const unsigned char *in,
    size_t n, unsigned char **out, size_t *outlen, unsigned *count)
{
	struct act_mask_text_hits hs = { tx->tmp, NULL, 0, 0, 0 };
	unsigned char *o = NULL;
	size_t i, pos = 0, w = 0;
	pm_status st;

	*out = NULL;
	*outlen = 0;
	*count = 0;
	if ((st = act_mask_text_find(&hs, in, n)) != PM_OK || hs.n == 0)
		return st;
	if ((o = pm_arena_alloc(tx->tmp, n + 1)) == NULL)
		return PM_ENOMEM;
	for (i = 0; i < hs.n; i++) {
		const struct act_mask_text_span *h = &hs.v[i];

		if (h->s < pos || h->e > n || h->e <= h->s)
			continue;
		memcpy(o + w, in + pos, h->s - pos);
		w += h->s - pos;
		w += pan_mask_text((const char *)in + h->s, h->e - h->s,
		    h->nd, tx->style, tx->ch, (char *)o + w);
		pos = h->e;
		(*count)++;
	}
	memcpy(o + w, in + pos, n - pos);
	w += n - pos;
	*out = o;
	*outlen = w;
	return PM_OK;
}

/*
 * Markup: dec_markup_map() writes the visible text t[] (the text the
 * scanner reads) and, for each byte of it, the input offset of the
 * construct it came from (src[]) and that construct's length (len[]).
 * A visible ASCII digit is either a literal digit (len 1) or a
 * character reference ("&#52;", "&#x34", replaced whole by the mask
 * character). Only digits are ever replaced: a block tag's space, a
 * decoded separator and every other byte of the markup stay as they
 * are.
 */
struct act_mask_text_map {
	unsigned char *t;
	size_t *src;
	size_t *len;
	size_t n;
};

/* act_mask_text_map_build - visible text of markup h[0..n) with its
 * source map, in the scratch arena */
static pm_status
act_mask_text_map_build(struct pm_arena *t, const unsigned char *h,
    size_t n, struct act_mask_text_map *m)
{
	m->n = 0;
	m->t = pm_arena_alloc(t, n + 1);
	m->src = pm_arena_alloc(t, (n + 1) * sizeof(size_t));
	m->len = pm_arena_alloc(t, (n + 1) * sizeof(size_t));
	if (m->t == NULL || m->src == NULL || m->len == NULL)
		return PM_ENOMEM;
	m->n = dec_markup_map(h, n, m->t, m->src, m->len);
	return PM_OK;
}

/* act_mask_text_keep - digit i of n stays visible (as pan_mask does) */
static int
act_mask_text_keep(size_t i, size_t n, enum pan_mask_style style)
{
	if (n < 8)
		return 0;
	if (i >= n - 4)
		return 1;
	return style == PAN_MASK_FIRST6LAST4 && n >= PAN_MIN_DIGITS && i < 6;
}

/* act_mask_text_hide - mark the input bytes of the hidden digits of one
 * hit in del[] (1 at a replaced reference's/digit's first byte, 2 on
 * the rest of a reference); returns whether anything was hidden */
static int
act_mask_text_hide(const struct act_mask_text_map *m,
    const struct act_mask_text_span *h, enum pan_mask_style style,
    unsigned char *del)
{
	size_t k, nd = 0, di = 0, j;
	int all, any = 0;

	for (k = h->s; k < h->e; k++)
		if (m->t[k] >= '0' && m->t[k] <= '9')
			nd++;
	all = nd != h->nd;
	for (k = h->s; k < h->e; k++) {
		if (m->t[k] < '0' || m->t[k] > '9')
			continue;
		if (all || !act_mask_text_keep(di, nd, style)) {
			del[m->src[k]] = 1;
			for (j = 1; j < m->len[k]; j++)
				del[m->src[k] + j] = 2;
			any = 1;
		}
		di++;
	}
	return any;
}

/* act_mask_text_markup - mask PANs visible only once markup is read */
static pm_status
act_mask_text_markup(const struct act_mask_text *tx, const unsigned char *h,
    size_t n, unsigned char **out, size_t *outlen, unsigned *count)
{
	struct act_mask_text_hits hs = { tx->tmp, NULL, 0, 0, 0 };
	struct act_mask_text_map m;
	unsigned char *del = NULL, *o = NULL;
	size_t i, w = 0, pos = 0;
	pm_status st;

	*out = NULL;
	*outlen = 0;
	*count = 0;
	if ((st = act_mask_text_map_build(tx->tmp, h, n, &m)) != PM_OK)
		return st;
	if ((st = act_mask_text_find(&hs, m.t, m.n)) != PM_OK || hs.n == 0)
		return st;
	if ((del = pm_arena_calloc(tx->tmp, n + 1)) == NULL
	    || (o = pm_arena_alloc(tx->tmp, n + 1)) == NULL)
		return PM_ENOMEM;
	for (i = 0; i < hs.n; i++) {
		if (hs.v[i].s < pos || hs.v[i].e > m.n)
			continue;
		if (act_mask_text_hide(&m, &hs.v[i], tx->style, del))
			(*count)++;
		pos = hs.v[i].e;
	}
	for (i = 0; i < n; i++) {
		if (del[i] == 0)
			o[w++] = h[i];
		else if (del[i] == 1)
			o[w++] = (unsigned char)tx->ch;
	}
	*out = o;
	*outlen = w;
	return PM_OK;
}

/* act_mask_text_direct - mask text in place; markup also through the
 * map */
static pm_status
act_mask_text_direct(const struct act_mask_text *tx,
    enum act_mask_text_kind k, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	unsigned char *o1 = NULL, *o2 = NULL;
	size_t l1 = 0, l2 = 0;
	unsigned c1 = 0, c2 = 0;
	pm_status st;

	if ((st = act_mask_text_plain(tx, in, n, &o1, &l1, &c1)) != PM_OK)
		return st;
	if (o1 == NULL) {
		o1 = (unsigned char *)in;
		l1 = n;
	}
	if (k == ACT_MASK_TEXT_MARKUP && (st = act_mask_text_markup(tx, o1,
	    l1, &o2, &l2, &c2)) != PM_OK)
		return st;
	*out = o2 != NULL ? o2 : o1;
	*outlen = o2 != NULL ? l2 : l1;
	*count = c1 + c2;
	return PM_OK;
}

/* act_mask_text_still - whether bytes still read as a PAN the way scan reads
 * a text leaf (charset to UTF-8, markup stripped) */
static int
act_mask_text_still(const struct act_mask_text *tx, const char *charset,
    enum act_mask_text_kind k, const unsigned char *p, size_t n)
{
	const unsigned char *u = NULL;
	unsigned char *m = NULL;
	size_t ul = 0;
	unsigned flags = 0;

	if (dec_iconv(tx->tmp, charset, p, n, &u, &ul, &flags) != PM_OK)
		return 1;
	if (k == ACT_MASK_TEXT_MARKUP) {
		if ((m = pm_arena_alloc(tx->tmp, ul + 1)) == NULL)
			return 1;
		ul = dec_markup(u, ul, m);
		u = m;
	}
	return pan_detect_has_pan(u, ul);
}

/* act_mask_text_has - case-insensitive substring test on a charset name */
static int
act_mask_text_has(const char *cs, const char *s)
{
	return cs != NULL && strcasestr(cs, s) != NULL;
}

/* act_mask_text_target - iconv name to convert masked UTF-8 back to, and the
 * BOM to write first */
static const char *
act_mask_text_target(const char *cs, const unsigned char *in, size_t n,
    const unsigned char **bom, size_t *bl)
{
	size_t i, ze = 0, zo = 0;

	*bom = in;
	*bl = 0;
	if (act_mask_text_has(cs, "32") || act_mask_text_has(cs, "ucs-4")) {
		*bl = n >= 4 && (memcmp(in, "\xff\xfe\0\0", 4) == 0
		    || memcmp(in, "\0\0\xfe\xff", 4) == 0) ? 4 : 0;
		if (*bl == 0)
			return cs;
		return in[0] == 0xff ? "UTF-32LE" : "UTF-32BE";
	}
	if (n >= 2 && ((in[0] == 0xff && in[1] == 0xfe) || (in[0] == 0xfe
	    && in[1] == 0xff))) {
		*bl = 2;
		return in[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
	}
	if (cs != NULL && !act_mask_text_has(cs, "16") && !act_mask_text_has(cs,
	    "ucs-2") && !act_mask_text_has(cs, "ucs2") && !act_mask_text_has(cs,
	    "unicode"))
		return cs;
	if (act_mask_text_has(cs, "le"))
		return "UTF-16LE";
	if (act_mask_text_has(cs, "be"))
		return "UTF-16BE";
	for (i = 0; i + 1 < n && i < 4096; i += 2) {
		ze += in[i] == 0;
		zo += in[i + 1] == 0;
	}
	return zo > ze ? "UTF-16LE" : "UTF-16BE";
}

/* act_mask_text_iconv_back - UTF-8 in[0..n) to charset to, after a BOM */
static pm_status
act_mask_text_iconv_back(struct pm_arena *t, const char *to,
    const unsigned char *bom, size_t bl, const unsigned char *in,
    size_t n, unsigned char **out, size_t *outlen)
{
	iconv_t cd = (iconv_t)-1;
	unsigned char *o = NULL;
	size_t cap = n * 4 + bl + 16, il = n, ol, r;
	char *ip = (char *)in, *op = NULL;
	pm_status st = PM_ELIMIT;

	if ((o = pm_arena_alloc(t, cap)) == NULL)
		return PM_ENOMEM;
	if ((cd = iconv_open(to, "UTF-8")) == (iconv_t)-1)
		goto out;
	memcpy(o, bom, bl);
	op = (char *)o + bl;
	ol = cap - bl;
	r = iconv(cd, &ip, &il, &op, &ol);
	if (r != 0 || il != 0)		/* error or lossy conversion */
		goto out;
	if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		goto out;
	*out = o;
	*outlen = (size_t)((unsigned char *)op - o);
	st = PM_OK;
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return st;
}

/* act_mask_text_roundtrip - charset -> UTF-8, mask, back to the charset */
static pm_status
act_mask_text_roundtrip(const struct act_mask_text *tx, const char *cs,
    enum act_mask_text_kind k, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	const unsigned char *u = NULL, *bom = NULL;
	unsigned char *m = NULL;
	size_t ul = 0, ml = 0, bl = 0;
	unsigned flags = 0, c = 0;
	const char *to = NULL;
	pm_status st;

	*count = 0;
	if ((st = dec_iconv(tx->tmp, cs, in, n, &u, &ul, &flags)) != PM_OK)
		return st;
	if ((flags & DEC_ICONV_RAW) || !(flags & DEC_ICONV_CONVERTED)
	    || (flags & DEC_ICONV_INVALID))
		return PM_OK;
	if ((st = act_mask_text_direct(tx, k, u, ul, &m, &ml, &c)) != PM_OK
	    || c == 0)
		return st;
	to = act_mask_text_target(cs, in, n, &bom, &bl);
	st = act_mask_text_iconv_back(tx->tmp, to, bom, bl, m, ml, out, outlen);
	if (st == PM_ELIMIT)
		return PM_OK;		/* cannot convert back: unchanged */
	if (st == PM_OK)
		*count = c;
	return st;
}

/* act_mask_text_is_wide - a charset whose digits are not ASCII bytes */
static int
act_mask_text_is_wide(const char *cs, const unsigned char *p, size_t n)
{
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe
	    && p[1] == 0xff)))
		return 1;
	return act_mask_text_has(cs, "utf-16")
	    || act_mask_text_has(cs, "utf16")
	    || act_mask_text_has(cs, "utf-32")
	    || act_mask_text_has(cs, "utf32")
	    || act_mask_text_has(cs, "ucs-2") || act_mask_text_has(cs, "ucs2")
	    || act_mask_text_has(cs, "ucs-4")
	    || act_mask_text_has(cs, "unicode");
}

/* act_mask_text_content - mask decoded leaf bytes, keeping their charset */
pm_status
act_mask_text_content(const struct act_mask_text *tx, const char *cs,
    enum act_mask_text_kind k, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	unsigned char *o = NULL, *r = NULL;
	size_t ol = 0, rl = 0;
	unsigned c = 0, rc = 0;
	pm_status st;

	*count = 0;
	if (!act_mask_text_is_wide(cs, in, n)) {
		if ((st = act_mask_text_direct(tx, k, in, n, &o, &ol, &c))
		    != PM_OK)
			return st;
		if (!act_mask_text_still(tx, cs, k, o, ol))
			goto done;
	}
	if ((st = act_mask_text_roundtrip(tx, cs, k, in, n, &r, &rl, &rc))
	    != PM_OK)
		return st;
	if (rc > 0) {
		o = r;
		ol = rl;
		c = rc;
	}
done:
	*out = o;
	*outlen = ol;
	*count = c;
	return PM_OK;
}

/* act_mask_text_kind - how scan reads a leaf (scan_leaf_kind) */
enum act_mask_text_kind
act_mask_text_kind(const char *type, const char *name)
{
	switch (scan_leaf_kind(type, name)) {
	case SCAN_K_MARKUP:	return ACT_MASK_TEXT_MARKUP;
	case SCAN_K_TEXT:	return ACT_MASK_TEXT_PLAIN;
	default:		return ACT_MASK_TEXT_BINARY;
	}
}
