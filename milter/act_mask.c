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
 *     masked in its charset (act_mask_content) and re-encoded in the
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
 * iconv is used directly (iconv_open/iconv/iconv_close, every return
 * checked): a charset that does not convert back losslessly leaves the
 * leaf unchanged, and the safety net decides.
 */
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "act_mask.h"
#include "dec_archive.h"
#include "dec_b64.h"
#include "dec_iconv.h"
#include "dec_markup.h"
#include "dec_qp.h"
#include "enc_mime.h"
#include "mime_hdr.h"
#include "mime_walk.h"
#include "mime_word.h"
#include "pan_detect.h"

enum act_mask_kind { ACT_MASK_K_TEXT, ACT_MASK_K_MARKUP, ACT_MASK_K_BINARY };

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
	const unsigned char *msg;
	size_t len;
	size_t hdr_len;			/* top-level header block */
	size_t body_off;		/* top-level body */
	const char *eol;		/* the message's line end */
	enum pan_mask_style style;
	char ch;
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

struct act_mask_span {
	size_t s, e, nd;
};

struct act_mask_hits {
	struct pm_arena *a;
	struct act_mask_span *v;
	size_t n, cap;
	int err;
};

/* act_mask_grow - make room for one more element of an arena array */
static int
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
static pm_status
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

/* act_mask_hit_cb - detector callback: keep the spans of PANs */
static void
act_mask_hit_cb(void *arg, const struct pan_hit *h)
{
	struct act_mask_hits *hs = arg;

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

/* act_mask_span_cmp - order spans by start */
static int
act_mask_span_cmp(const void *x, const void *y)
{
	const struct act_mask_span *a = x, *b = y;

	return a->s < b->s ? -1 : a->s > b->s;
}

/* act_mask_find - every PAN span in p[0..n), sorted */
static pm_status
act_mask_find(struct act_mask_hits *hs, const unsigned char *p, size_t n)
{
	pm_status st;

	st = pan_detect_buf(p, n, act_mask_hit_cb, hs);
	if (st == PM_OK && hs->err)
		st = PM_ENOMEM;
	if (st == PM_OK && hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), act_mask_span_cmp);
	return st;
}

/* act_mask_text - mask every PAN of in[0..n) (UTF-8 or ASCII-compatible
 * bytes) with pan_mask_text; *out NULL and *count 0 when none */
static pm_status
act_mask_text(struct act_mask_ctx *ctx, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	struct act_mask_hits hs = { ctx->tmp, NULL, 0, 0, 0 };
	unsigned char *o = NULL;
	size_t i, pos = 0, w = 0;
	pm_status st;

	*out = NULL;
	*outlen = 0;
	*count = 0;
	if ((st = act_mask_find(&hs, in, n)) != PM_OK || hs.n == 0)
		return st;
	if ((o = pm_arena_alloc(ctx->tmp, n + 1)) == NULL)
		return PM_ENOMEM;
	for (i = 0; i < hs.n; i++) {
		const struct act_mask_span *h = &hs.v[i];

		if (h->s < pos || h->e > n || h->e <= h->s)
			continue;
		memcpy(o + w, in + pos, h->s - pos);
		w += h->s - pos;
		w += pan_mask_text((const char *)in + h->s, h->e - h->s,
		    h->nd, ctx->style, ctx->ch, (char *)o + w);
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
 * Markup: a tag-skipping pass that writes the visible text t[] and, for
 * each byte of it, the input offset it came from (off[]) and how many
 * input bytes to replace when that byte is a digit to hide (mlen[]: 1
 * for a literal digit, the reference's length for "&#52;", 0 for bytes
 * that must not be touched: a block tag's space, a decoded separator).
 */
struct act_mask_map {
	unsigned char *t;
	size_t *off;
	size_t *mlen;
	size_t n;
};

/* act_mask_map_put - one visible byte */
static void
act_mask_map_put(struct act_mask_map *m, unsigned char c, size_t off,
    size_t mlen)
{
	m->t[m->n] = c;
	m->off[m->n] = off;
	m->mlen[m->n] = mlen;
	m->n++;
}

/*
 * The reading below follows dec_markup.c rule for rule (tags, block
 * names, comments, CDATA, script/style, references with and without
 * ';', legacy names), so that the visible text here is the text the
 * scanner saw; keep the two in step.
 */
#define ACT_MASK_NONE	((size_t)-1)

struct act_mask_memo {		/* last search answer: linear time */
	int valid;
	size_t from, at;
};

struct act_mask_mk {
	const unsigned char *h;
	size_t n, i;
	struct act_mask_map *m;
	struct act_mask_memo gt, comment, cdata, script, style;
};

struct act_mask_ent {
	const char *name;
	const char *utf8;
	int legacy;		/* also without ';' */
};

static const struct act_mask_ent act_mask_ents[] = {
	{ "nbsp", "\xc2\xa0", 1 }, { "amp", "&", 1 }, { "lt", "<", 1 },
	{ "gt", ">", 1 }, { "quot", "\"", 1 }, { "AMP", "&", 1 },
	{ "LT", "<", 1 }, { "GT", ">", 1 }, { "QUOT", "\"", 1 },
	{ "apos", "'", 0 }, { "NonBreakingSpace", "\xc2\xa0", 0 },
	{ "thinsp", "\xe2\x80\x89", 0 }, { "ThinSpace", "\xe2\x80\x89", 0 },
	{ "ensp", "\xe2\x80\x82", 0 }, { "emsp", "\xe2\x80\x83", 0 },
	{ "emsp13", "\xe2\x80\x84", 0 }, { "emsp14", "\xe2\x80\x85", 0 },
	{ "numsp", "\xe2\x80\x87", 0 }, { "puncsp", "\xe2\x80\x88", 0 },
	{ "hairsp", "\xe2\x80\x8a", 0 }, { "VeryThinSpace", "\xe2\x80\x8a", 0 },
	{ "MediumSpace", "\xe2\x81\x9f", 0 },
	{ "ZeroWidthSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeVeryThinSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeThinSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeMediumSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeThickSpace", "\xe2\x80\x8b", 0 },
	{ "zwnj", "\xe2\x80\x8c", 0 }, { "zwj", "\xe2\x80\x8d", 0 },
	{ "lrm", "\xe2\x80\x8e", 0 }, { "rlm", "\xe2\x80\x8f", 0 },
	{ "NoBreak", "\xe2\x81\xa0", 0 }, { "shy", "\xc2\xad", 0 },
	{ "ndash", "\xe2\x80\x93", 0 }, { "mdash", "\xe2\x80\x94", 0 },
	{ "minus", "\xe2\x88\x92", 0 }, { "hyphen", "\xe2\x80\x90", 0 },
	{ "dash", "\xe2\x80\x90", 0 }, { "horbar", "\xe2\x80\x95", 0 },
	{ "period", ".", 0 }, { "comma", ",", 0 }, { "colon", ":", 0 },
	{ "semi", ";", 0 }, { "sol", "/", 0 }, { "bsol", "\\", 0 },
	{ "lowbar", "_", 0 }, { "verbar", "|", 0 }, { "vert", "|", 0 },
	{ "plus", "+", 0 }, { "equals", "=", 0 }, { "num", "#", 0 },
	{ "ast", "*", 0 }, { "lpar", "(", 0 }, { "rpar", ")", 0 },
	{ "lsqb", "[", 0 }, { "rsqb", "]", 0 }, { "dollar", "$", 0 },
	{ "percnt", "%", 0 }, { "excl", "!", 0 }, { "quest", "?", 0 },
	{ "commat", "@", 0 }, { "Tab", "\t", 0 }, { "NewLine", "\n", 0 },
	{ "middot", "\xc2\xb7", 0 }, { "bull", "\xe2\x80\xa2", 0 },
	{ "hellip", "\xe2\x80\xa6", 0 }, { "euro", "\xe2\x82\xac", 0 },
	{ "pound", "\xc2\xa3", 0 }, { "copy", "\xc2\xa9", 0 },
	{ "reg", "\xc2\xae", 0 }, { "deg", "\xc2\xb0", 0 },
	{ "lsquo", "\xe2\x80\x98", 0 }, { "rsquo", "\xe2\x80\x99", 0 },
	{ "ldquo", "\xe2\x80\x9c", 0 }, { "rdquo", "\xe2\x80\x9d", 0 },
};

#define ACT_MASK_NENTS	(sizeof(act_mask_ents) / sizeof(act_mask_ents[0]))

static const char act_mask_blocks[] =
    " p br div td th tr li ul ol dl dt dd table thead tbody tfoot caption"
    " h1 h2 h3 h4 h5 h6 hr pre blockquote section article header footer"
    " nav aside address center form fieldset legend title body head html"
    " option select textarea button"
    " tab tc cr cell row c v si sheet h line-break table-cell table-row"
    " covered-table-cell ";

/* act_mask_is_name - a character of a tag name */
static int
act_mask_is_name(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' ||
	    c == '.';
}

/* act_mask_is_alpha - an ASCII letter */
static int
act_mask_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* act_mask_mk_find - first s (length l) at or after from, or NONE; with
 * end set, "</s" (any case) not followed by a name character */
static size_t
act_mask_mk_find(const struct act_mask_mk *k, const char *s, size_t l,
    int end, size_t from, struct act_mask_memo *mm)
{
	const unsigned char *p = NULL;
	size_t j = from;

	if (mm->valid && from >= mm->from && (mm->at == ACT_MASK_NONE
	    || from <= mm->at))
		return mm->at;
	mm->valid = 1;
	mm->from = from;
	mm->at = ACT_MASK_NONE;
	while (j < k->n && (p = memchr(k->h + j, end ? '<' : s[0],
	    k->n - j)) != NULL) {
		j = (size_t)(p - k->h);
		if (!end && k->n - j >= l && memcmp(p, s, l) == 0)
			return mm->at = j;
		if (end && k->n - j >= l + 2 && p[1] == '/' && strncasecmp(
		    (const char *)p + 2, s, l) == 0 && (k->n - j == l + 2
		    || !act_mask_is_name(p[2 + l])))
			return mm->at = j;
		j++;
	}
	return mm->at;
}

/* act_mask_is_block - the tag name p (length l) is block-level */
static int
act_mask_is_block(const unsigned char *p, size_t l)
{
	char key[32];
	size_t c, i;
	int prefixed = 0;

	for (c = l; c > 0 && !prefixed; c--)
		prefixed = p[c - 1] == ':';
	if (prefixed)
		c++;
	p += c;
	l -= c;
	if (prefixed && l == 1 && (p[0] | 0x20) == 's')
		return 1;
	if (l == 0 || l > 24)
		return 0;
	key[0] = ' ';
	for (i = 0; i < l; i++)
		key[i + 1] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32
		    : p[i]);
	key[l + 1] = ' ';
	key[l + 2] = '\0';
	return strstr(act_mask_blocks, key) != NULL;
}

/* act_mask_mk_special - comment, CDATA, script/style at k->i: 1 when
 * handled (k->i moved), 0 otherwise */
static int
act_mask_mk_special(struct act_mask_mk *k, size_t gt,
    const unsigned char *name, size_t nl, int closing)
{
	size_t rest = k->n - k->i, e, j;
	const unsigned char *p = k->h + k->i;

	if (rest >= 4 && memcmp(p, "<!--", 4) == 0) {
		e = act_mask_mk_find(k, "-->", 3, 0, k->i + 4, &k->comment);
		if (e == ACT_MASK_NONE)
			return 0;
		k->i = e + 3;
		return 1;
	}
	if (rest >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		e = act_mask_mk_find(k, "]]>", 3, 0, k->i + 9, &k->cdata);
		if (e == ACT_MASK_NONE)
			return 0;
		for (j = k->i + 9; j < e; j++)
			act_mask_map_put(k->m, k->h[j], j, 1);
		k->i = e + 3;
		return 1;
	}
	if (closing || gt == ACT_MASK_NONE || k->h[gt - 1] == '/')
		return 0;
	if (nl == 6 && strncasecmp((const char *)name, "script", 6) == 0)
		e = act_mask_mk_find(k, "script", 6, 1, gt + 1, &k->script);
	else if (nl == 5 && strncasecmp((const char *)name, "style", 5) == 0)
		e = act_mask_mk_find(k, "style", 5, 1, gt + 1, &k->style);
	else
		return 0;
	if (e == ACT_MASK_NONE)
		return 0;
	k->i = e;
	return 1;
}

/* act_mask_mk_tag - k->h[k->i] == '<': a tag, or text */
static void
act_mask_mk_tag(struct act_mask_mk *k)
{
	size_t j = k->i + 1, gt, ns;
	int closing = 0;

	if (j >= k->n || !(act_mask_is_alpha(k->h[j]) || k->h[j] == '/'
	    || k->h[j] == '!' || k->h[j] == '?'))
		goto text;
	if (k->h[j] == '/') {
		closing = 1;
		j++;
	}
	ns = j;
	while (j < k->n && act_mask_is_name(k->h[j]))
		j++;
	gt = act_mask_mk_find(k, ">", 1, 0, k->i + 1, &k->gt);
	if (act_mask_mk_special(k, gt, k->h + ns, j - ns, closing))
		return;
	if (gt == ACT_MASK_NONE || (k->n - k->i >= 4 && memcmp(k->h + k->i,
	    "<!--", 4) == 0) || (k->n - k->i >= 9 && memcmp(k->h + k->i,
	    "<![CDATA[", 9) == 0))
		goto text;
	if (j > ns && act_mask_is_block(k->h + ns, j - ns))
		act_mask_map_put(k->m, ' ', k->i, 0);
	k->i = gt + 1;
	return;
text:
	act_mask_map_put(k->m, '<', k->i, 1);
	k->i++;
}

/* act_mask_map_cp - a decoded reference as visible UTF-8; a digit is
 * maskable (the whole reference, rl bytes, becomes the mask char) */
static void
act_mask_map_cp(struct act_mask_map *m, uint32_t cp, size_t off,
    size_t rl)
{
	unsigned char u[4];
	size_t l, i;

	if (cp >= '0' && cp <= '9') {
		act_mask_map_put(m, (unsigned char)cp, off, rl);
		return;
	}
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		l = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		l = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		l = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		l = 4;
	}
	for (i = 0; i < l; i++)
		act_mask_map_put(m, u[i], off, 0);
}

/* act_mask_mk_numref - "&#..." at k->i; 0 when it is not one */
static int
act_mask_mk_numref(struct act_mask_mk *k)
{
	size_t j = k->i + 2, start;
	unsigned base = 10, d;
	uint32_t cp = 0;
	int big = 0;

	if (j < k->n && (k->h[j] | 0x20) == 'x') {
		base = 16;
		j++;
	}
	for (start = j; j < k->n; j++) {
		unsigned char c = k->h[j];

		d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : (c | 0x20) >= 'a'
		    && (c | 0x20) <= 'f' ? (unsigned)(c | 0x20) - 'a' + 10
		    : 99;
		if (d >= base)
			break;
		cp = cp * base + d;
		if (cp > 0x10FFFF) {
			big = 1;
			cp = 0x110000;
		}
	}
	if (j == start)
		return 0;
	if (j < k->n && k->h[j] == ';')
		j++;
	if (big || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)
	    || (cp >= 0x80 && cp <= 0x9f))
		cp = 0xFFFD;	/* not a digit nor a separator either way */
	act_mask_map_cp(k->m, cp, k->i, j - k->i);
	k->i = j;
	return 1;
}

/* act_mask_mk_ent - emit entity e read over rl bytes at k->i */
static int
act_mask_mk_ent(struct act_mask_mk *k, const struct act_mask_ent *e,
    size_t rl)
{
	size_t i, ul = strlen(e->utf8);

	for (i = 0; i < ul; i++)
		act_mask_map_put(k->m, (unsigned char)e->utf8[i], k->i, 0);
	k->i += rl;
	return 1;
}

/* act_mask_mk_namedref - "&name;" (or a legacy name) at k->i */
static int
act_mask_mk_namedref(struct act_mask_mk *k)
{
	size_t j = k->i + 1, l, e, nl;
	int semi;

	while (j < k->n && j - k->i <= 32 && (act_mask_is_alpha(k->h[j])
	    || (k->h[j] >= '0' && k->h[j] <= '9')))
		j++;
	if ((l = j - k->i - 1) == 0)
		return 0;
	semi = j < k->n && k->h[j] == ';';
	for (e = 0; l <= 32 && e < ACT_MASK_NENTS; e++) {
		if (strlen(act_mask_ents[e].name) != l || memcmp(
		    act_mask_ents[e].name, k->h + k->i + 1, l) != 0)
			continue;
		if (!semi && !act_mask_ents[e].legacy)
			return 0;
		return act_mask_mk_ent(k, &act_mask_ents[e], l + 1 + semi);
	}
	for (e = 0; e < ACT_MASK_NENTS; e++) {	/* "&nbsp1111" */
		nl = strlen(act_mask_ents[e].name);
		if (act_mask_ents[e].legacy && nl < l && memcmp(
		    act_mask_ents[e].name, k->h + k->i + 1, nl) == 0)
			return act_mask_mk_ent(k, &act_mask_ents[e], nl + 1);
	}
	return 0;
}

/* act_mask_map_build - visible text of markup h[0..n) with the map */
static pm_status
act_mask_map_build(struct pm_arena *t, const unsigned char *h, size_t n,
    struct act_mask_map *m)
{
	struct act_mask_mk k;
	int done;

	memset(&k, 0, sizeof(k));
	k.h = h;
	k.n = n;
	k.m = m;
	m->n = 0;
	m->t = pm_arena_alloc(t, n + 1);
	m->off = pm_arena_alloc(t, (n + 1) * sizeof(size_t));
	m->mlen = pm_arena_alloc(t, (n + 1) * sizeof(size_t));
	if (m->t == NULL || m->off == NULL || m->mlen == NULL)
		return PM_ENOMEM;
	while (k.i < n) {
		if (h[k.i] == '<') {
			act_mask_mk_tag(&k);
			continue;
		}
		done = 0;
		if (h[k.i] == '&')
			done = k.i + 1 < n && h[k.i + 1] == '#'
			    ? act_mask_mk_numref(&k) : act_mask_mk_namedref(&k);
		if (!done) {
			act_mask_map_put(m, h[k.i], k.i, 1);
			k.i++;
		}
	}
	return PM_OK;
}

/* act_mask_keep - digit i of n stays visible (as pan_mask does) */
static int
act_mask_keep(size_t i, size_t n, enum pan_mask_style style)
{
	if (n < 8)
		return 0;
	if (i >= n - 4)
		return 1;
	return style == PAN_MASK_FIRST6LAST4 && n >= PAN_MIN_DIGITS && i < 6;
}

/* act_mask_map_hide - mark the input bytes of the hidden digits of one
 * hit in del[] (1 at a replaced reference's/digit's first byte, 2 on
 * the rest of a reference); returns whether anything was hidden */
static int
act_mask_map_hide(const struct act_mask_map *m, const struct act_mask_span
    *h, enum pan_mask_style style, unsigned char *del)
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
		if ((all || !act_mask_keep(di, nd, style)) && m->mlen[k] > 0) {
			del[m->off[k]] = 1;
			for (j = 1; j < m->mlen[k]; j++)
				del[m->off[k] + j] = 2;
			any = 1;
		}
		di++;
	}
	return any;
}

/* act_mask_markup - mask PANs visible only once markup is read */
static pm_status
act_mask_markup(struct act_mask_ctx *ctx, const unsigned char *h, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	struct act_mask_hits hs = { ctx->tmp, NULL, 0, 0, 0 };
	struct act_mask_map m;
	unsigned char *del = NULL, *o = NULL;
	size_t i, w = 0, pos = 0;
	pm_status st;

	*out = NULL;
	*outlen = 0;
	*count = 0;
	if ((st = act_mask_map_build(ctx->tmp, h, n, &m)) != PM_OK)
		return st;
	if ((st = act_mask_find(&hs, m.t, m.n)) != PM_OK || hs.n == 0)
		return st;
	if ((del = pm_arena_calloc(ctx->tmp, n + 1)) == NULL
	    || (o = pm_arena_alloc(ctx->tmp, n + 1)) == NULL)
		return PM_ENOMEM;
	for (i = 0; i < hs.n; i++) {
		if (hs.v[i].s < pos || hs.v[i].e > m.n)
			continue;
		if (act_mask_map_hide(&m, &hs.v[i], ctx->style, del))
			(*count)++;
		pos = hs.v[i].e;
	}
	for (i = 0; i < n; i++) {
		if (del[i] == 0)
			o[w++] = h[i];
		else if (del[i] == 1)
			o[w++] = (unsigned char)ctx->ch;
	}
	*out = o;
	*outlen = w;
	return PM_OK;
}

/* act_mask_direct - mask text in place; markup also through the map */
static pm_status
act_mask_direct(struct act_mask_ctx *ctx, enum act_mask_kind k,
    const unsigned char *in, size_t n, unsigned char **out, size_t *outlen,
    unsigned *count)
{
	unsigned char *o1 = NULL, *o2 = NULL;
	size_t l1 = 0, l2 = 0;
	unsigned c1 = 0, c2 = 0;
	pm_status st;

	if ((st = act_mask_text(ctx, in, n, &o1, &l1, &c1)) != PM_OK)
		return st;
	if (o1 == NULL) {
		o1 = (unsigned char *)in;
		l1 = n;
	}
	if (k == ACT_MASK_K_MARKUP && (st = act_mask_markup(ctx, o1, l1, &o2,
	    &l2, &c2)) != PM_OK)
		return st;
	*out = o2 != NULL ? o2 : o1;
	*outlen = o2 != NULL ? l2 : l1;
	*count = c1 + c2;
	return PM_OK;
}

/* act_mask_still - whether bytes still read as a PAN the way scan reads
 * a text leaf (charset to UTF-8, markup stripped) */
static int
act_mask_still(struct act_mask_ctx *ctx, const char *charset,
    enum act_mask_kind k, const unsigned char *p, size_t n)
{
	const unsigned char *u = NULL;
	unsigned char *m = NULL;
	size_t ul = 0;
	unsigned flags = 0;

	if (dec_iconv(ctx->tmp, charset, p, n, &u, &ul, &flags) != PM_OK)
		return 1;
	if (k == ACT_MASK_K_MARKUP) {
		if ((m = pm_arena_alloc(ctx->tmp, ul + 1)) == NULL)
			return 1;
		ul = dec_markup(u, ul, m);
		u = m;
	}
	return pan_detect_has_pan(u, ul);
}

/* act_mask_has - case-insensitive substring test on a charset name */
static int
act_mask_has(const char *cs, const char *s)
{
	return cs != NULL && strcasestr(cs, s) != NULL;
}

/* act_mask_target - iconv name to convert masked UTF-8 back to, and the
 * BOM to write first */
static const char *
act_mask_target(const char *cs, const unsigned char *in, size_t n,
    const unsigned char **bom, size_t *bl)
{
	size_t i, ze = 0, zo = 0;

	*bom = in;
	*bl = 0;
	if (act_mask_has(cs, "32") || act_mask_has(cs, "ucs-4")) {
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
	if (cs != NULL && !act_mask_has(cs, "16") && !act_mask_has(cs,
	    "ucs-2") && !act_mask_has(cs, "ucs2") && !act_mask_has(cs,
	    "unicode"))
		return cs;
	if (act_mask_has(cs, "le"))
		return "UTF-16LE";
	if (act_mask_has(cs, "be"))
		return "UTF-16BE";
	for (i = 0; i + 1 < n && i < 4096; i += 2) {
		ze += in[i] == 0;
		zo += in[i + 1] == 0;
	}
	return zo > ze ? "UTF-16LE" : "UTF-16BE";
}

/* act_mask_iconv_back - UTF-8 in[0..n) to charset to, after a BOM */
static pm_status
act_mask_iconv_back(struct pm_arena *t, const char *to,
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

/* act_mask_roundtrip - charset -> UTF-8, mask, back to the charset */
static pm_status
act_mask_roundtrip(struct act_mask_ctx *ctx, const char *cs,
    enum act_mask_kind k, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	const unsigned char *u = NULL, *bom = NULL;
	unsigned char *m = NULL;
	size_t ul = 0, ml = 0, bl = 0;
	unsigned flags = 0, c = 0;
	const char *to = NULL;
	pm_status st;

	*count = 0;
	if ((st = dec_iconv(ctx->tmp, cs, in, n, &u, &ul, &flags)) != PM_OK)
		return st;
	if ((flags & DEC_ICONV_RAW) || !(flags & DEC_ICONV_CONVERTED)
	    || (flags & DEC_ICONV_INVALID))
		return PM_OK;
	if ((st = act_mask_direct(ctx, k, u, ul, &m, &ml, &c)) != PM_OK
	    || c == 0)
		return st;
	to = act_mask_target(cs, in, n, &bom, &bl);
	st = act_mask_iconv_back(ctx->tmp, to, bom, bl, m, ml, out, outlen);
	if (st == PM_ELIMIT)
		return PM_OK;		/* cannot convert back: unchanged */
	if (st == PM_OK)
		*count = c;
	return st;
}

/* act_mask_is_wide - a charset whose digits are not ASCII bytes */
static int
act_mask_is_wide(const char *cs, const unsigned char *p, size_t n)
{
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe
	    && p[1] == 0xff)))
		return 1;
	return act_mask_has(cs, "utf-16") || act_mask_has(cs, "utf16")
	    || act_mask_has(cs, "utf-32") || act_mask_has(cs, "utf32")
	    || act_mask_has(cs, "ucs-2") || act_mask_has(cs, "ucs2")
	    || act_mask_has(cs, "ucs-4") || act_mask_has(cs, "unicode");
}

/* act_mask_content - mask decoded leaf bytes, keeping their charset */
static pm_status
act_mask_content(struct act_mask_ctx *ctx, const char *cs,
    enum act_mask_kind k, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen, unsigned *count)
{
	unsigned char *o = NULL, *r = NULL;
	size_t ol = 0, rl = 0;
	unsigned c = 0, rc = 0;
	pm_status st;

	*count = 0;
	if (!act_mask_is_wide(cs, in, n)) {
		if ((st = act_mask_direct(ctx, k, in, n, &o, &ol, &c))
		    != PM_OK)
			return st;
		if (!act_mask_still(ctx, cs, k, o, ol))
			goto done;
	}
	if ((st = act_mask_roundtrip(ctx, cs, k, in, n, &r, &rl, &rc))
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

/* act_mask_kind - how scan reads a leaf: the same lists as
 * scan_leaf_kind() in scan_leaf.c (keep them in step) */
static enum act_mask_kind
act_mask_kind(const char *type, const char *name)
{
	static const char *const text_types[] = {
		"application/json", "application/csv", "application/javascript",
		"application/x-sh", "application/rtf", "application/x-yaml",
		"message/delivery-status", "message/disposition-notification",
		"message/feedback-report", "application/pgp-keys", NULL
	};
	static const char *const mk_ext[] = {
		".htm", ".html", ".xml", ".xhtml", ".svg", ".rels", NULL
	};
	static const char *const tx_ext[] = {
		".txt", ".csv", ".tsv", ".json", ".log", ".eml", ".ini", ".md",
		".rtf", ".sql", ".yaml", ".yml", NULL
	};
	size_t i, nl = name != NULL ? strlen(name) : 0;

	if (type != NULL) {
		if (strcmp(type, "text/html") == 0 || strstr(type, "xml"))
			return ACT_MASK_K_MARKUP;
		if (strncmp(type, "text/", 5) == 0)
			return ACT_MASK_K_TEXT;
		for (i = 0; text_types[i] != NULL; i++)
			if (strcmp(type, text_types[i]) == 0)
				return ACT_MASK_K_TEXT;
	}
	for (i = 0; name != NULL && mk_ext[i] != NULL; i++)
		if (nl >= strlen(mk_ext[i]) && strcasecmp(name + nl
		    - strlen(mk_ext[i]), mk_ext[i]) == 0)
			return ACT_MASK_K_MARKUP;
	for (i = 0; name != NULL && tx_ext[i] != NULL; i++)
		if (nl >= strlen(tx_ext[i]) && strcasecmp(name + nl
		    - strlen(tx_ext[i]), tx_ext[i]) == 0)
			return ACT_MASK_K_TEXT;
	return ACT_MASK_K_BINARY;
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

/* act_mask_value_pan - whether a raw header value, unfolded and
 * 2047-decoded, holds a PAN; the decoded value in *dv */
static pm_status
act_mask_value_pan(struct act_mask_ctx *ctx, const unsigned char *v,
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

/* act_mask_is_ascii - no byte >= 0x80 */
static int
act_mask_is_ascii(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return 0;
	return 1;
}

/* act_mask_field_words - new value from the masked decoded value: plain
 * when ASCII, RFC 2047 B words otherwise; original leading white space */
static pm_status
act_mask_field_words(struct act_mask_ctx *ctx, const struct mime_hdr_field
    *f, const char *dv, size_t dl, unsigned char **nv, size_t *nl,
    unsigned *cnt)
{
	unsigned char *mv = NULL, *o = NULL;
	size_t ml = 0, lead = 0, el = strlen(ctx->eol), w;
	char fold[4];
	pm_status st;

	if ((st = act_mask_text(ctx, (const unsigned char *)dv, dl, &mv, &ml,
	    cnt)) != PM_OK || *cnt == 0)
		return st;
	while (lead < f->value_len && (f->value[lead] == ' '
	    || f->value[lead] == '\t'))
		lead++;
	snprintf(fold, sizeof(fold), "%s ", ctx->eol);
	if ((o = pm_arena_alloc(ctx->tmp, lead + enc_mime_word_bound(ml,
	    el + 1) + ml + 1)) == NULL)
		return PM_ENOMEM;
	memcpy(o, f->value, lead);
	if (act_mask_is_ascii(mv, ml)) {
		memcpy(o + lead, mv, ml);
		w = lead + ml;
	} else
		w = lead + enc_mime_word(mv, ml, fold, o + lead);
	*nv = o;
	*nl = w;
	return PM_OK;
}

/* act_mask_ew_len - length of the RFC 2047 encoded word at p, or 0 */
static size_t
act_mask_ew_len(const unsigned char *p, size_t n)
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

/* act_mask_ew_run - end of the run of encoded words (separated only by
 * white space) that starts at v[i], whose first word is l long */
static size_t
act_mask_ew_run(const unsigned char *v, size_t n, size_t i, size_t l)
{
	size_t e = i + l, k;

	for (;;) {
		k = e;
		while (k < n && (v[k] == ' ' || v[k] == '\t' || v[k] == '\r'
		    || v[k] == '\n'))
			k++;
		if (k >= n || (l = act_mask_ew_len(v + k, n - k)) == 0)
			return e;
		e = k + l;
	}
}

/* act_mask_field_ew - mask inside the encoded words of a raw value,
 * keeping the rest of it (parameters, quotes) as it is; a run of words
 * holding a PAN is re-encoded as UTF-8 B words */
static pm_status
act_mask_field_ew(struct act_mask_ctx *ctx, const unsigned char *v,
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
		if ((l = act_mask_ew_len(v + i, n - i)) == 0) {
			o[w++] = v[i++];
			continue;
		}
		e = act_mask_ew_run(v, n, i, l);
		if (mime_word_decode(ctx->tmp, (const char *)v + i, e - i, &dv,
		    &dl, &defects) != PM_OK)
			return PM_ENOMEM;
		if ((st = act_mask_text(ctx, (const unsigned char *)dv, dl, &mv,
		    &ml, &c)) != PM_OK)
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

/* act_mask_is_structured - a field whose parameters must survive */
static int
act_mask_is_structured(const struct mime_hdr_field *f)
{
	return (f->name_len == 12 && strncasecmp((const char *)f->name,
	    "content-type", 12) == 0) || (f->name_len == 19
	    && strncasecmp((const char *)f->name, "content-disposition",
	    19) == 0);
}

/* act_mask_field_try - accept a candidate value when it reads clean */
static pm_status
act_mask_field_try(struct act_mask_ctx *ctx, unsigned char *r, size_t rl,
    unsigned c, unsigned char **nv, size_t *nl, unsigned *cnt)
{
	char *dv = NULL;
	size_t dl = 0;
	int has = 1;
	pm_status st;

	if (c == 0)
		return PM_OK;
	if ((st = act_mask_value_pan(ctx, r, rl, &dv, &dl, &has)) != PM_OK
	    || has)
		return st;
	*nv = r;
	*nl = rl;
	*cnt = c;
	return PM_OK;
}

/* act_mask_field - new raw value for a field whose value holds a PAN:
 * digits masked in the raw value; then (Content-Type/-Disposition)
 * inside its encoded words; else the whole value re-written; *cnt 0
 * when the field needs (or allows) no change */
static pm_status
act_mask_field(struct act_mask_ctx *ctx, const struct mime_hdr_field *f,
    unsigned char **nv, size_t *nl, unsigned *cnt)
{
	unsigned char *r = NULL, *r2 = NULL;
	char *dv = NULL;
	size_t rl = 0, dl = 0, rl2 = 0;
	unsigned c = 0, c2 = 0;
	int has = 0;
	pm_status st;

	*cnt = 0;
	if ((st = act_mask_value_pan(ctx, f->value, f->value_len, &dv, &dl,
	    &has)) != PM_OK || !has)
		return st;
	if ((st = act_mask_text(ctx, f->value, f->value_len, &r, &rl, &c))
	    != PM_OK || (st = act_mask_field_try(ctx, r, rl, c, nv, nl, cnt))
	    != PM_OK || *cnt > 0)
		return st;
	if (act_mask_is_structured(f)) {
		if (r == NULL) {
			r = (unsigned char *)f->value;
			rl = f->value_len;
		}
		if ((st = act_mask_field_ew(ctx, r, rl, &r2, &rl2, &c2))
		    != PM_OK || (st = act_mask_field_try(ctx, r2, rl2, c + c2,
		    nv, nl, cnt)) != PM_OK || *cnt > 0)
			return st;
	}
	return act_mask_field_words(ctx, f, dv, dl, nv, nl, cnt);
}

/* act_mask_index - 1-based occurrence of f's name among the top-level
 * fields up to f (case-insensitive) */
static int
act_mask_index(const struct act_mask_ctx *ctx,
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
	h->index = act_mask_index(ctx, f);
	h->value = v;
	return PM_OK;
}

/* act_mask_hdr_block - mask the fields of msg[s .. e) (a header block
 * and its blank line); top: the top-level block */
static pm_status
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
		if ((st = act_mask_field(ctx, &f, &nv, &nl, &c)) != PM_OK
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

/* act_mask_rewritable - a leaf act_mask may rewrite at all */
static int
act_mask_rewritable(const struct mime_part *part)
{
	if (strncmp(part->type, "message/", 8) == 0
	    || strcmp(part->type, "multipart/encrypted") == 0
	    || strcmp(part->type, "application/pkcs7-mime") == 0
	    || strcmp(part->type, "application/x-pkcs7-mime") == 0)
		return 0;
	return act_mask_kind(part->type, part->filename) != ACT_MASK_K_BINARY;
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
	st = act_mask_content(ctx, part->charset, act_mask_kind(part->type,
	    part->filename), p, n, &m, &ml, &c);
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
	ctx->style = style;
	/* as pan_mask_text: never a digit, a NUL or an 8-bit byte; and no
	   control character or markup/QP-active byte either */
	ctx->ch = ch > ' ' && ch < 0x7f && !(ch >= '0' && ch <= '9')
	    && ch != '<' && ch != '>' && ch != '&' && ch != '=' ? ch : '*';
	mime_hdr_split(msg, len, &blk);
	ctx->hdr_len = blk.hdr_len;
	ctx->body_off = blk.body_off;
	ctx->eol = memmem(msg, blk.body_off, "\r\n", 2) != NULL ? "\r\n"
	    : "\n";
	if ((ctx->tmp = pm_arena_new(0)) == NULL)
		return PM_ENOMEM;
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
