/*
 * dec_pdf - the text of a PDF's streams (see dec_pdf.h): finding and
 * decoding the streams, and the document's two passes. Strings, text
 * operators and CMaps are in dec_pdf_text.c.
 *
 * Choices:
 *  - No object graph: streams are found by their keywords ("stream"
 *    after a dictionary's ">>", up to "endstream"; /Length is used when
 *    it is a direct number that lands on "endstream", otherwise the next
 *    "endstream" ends the data), so a damaged cross-reference table or
 *    an incremental update changes nothing. Object streams are streams
 *    like the others: their strings (form field values) are text too.
 *  - Fonts are not resolved: a content stream is given as its bytes
 *    say, then once more through every ToUnicode CMap that maps a code
 *    to a digit. A number drawn with one font comes out right in one of
 *    the passes; the others give other characters, which the detector
 *    rejects like any text. Documents with CMaps are decoded twice (the
 *    CMaps may come after the pages); only one decoded stream is held
 *    at a time.
 *  - zlib's state and window come from the arena (wiped on release),
 *    one inflater per document, reset per stream. A stream without a
 *    zlib header (raw deflate, as some writers produce) is inflated
 *    raw.
 *  - Not done: LZW and RunLength (rare in text since PDF 1.2), fonts
 *    with no ToUnicode CMap (their codes are glyph numbers: nothing
 *    says which glyph is a digit), text in images, and the position of
 *    text on the page (text is taken in stream order).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "dec_pdf.h"
#include "dec_pdf_text.h"
#include "pm_find.h"

#define PDF_RATIO_MIN	(1024u * 1024)	/* ratio checked past this size */
#define PDF_MAX_FILTERS	4
#define PDF_DICT_BACK	2048		/* bytes searched for a "<<" */

enum pdf_filter { PF_FLATE, PF_AHX, PF_A85, PF_OTHER };


struct pdf_doc {
	struct pm_arena *a;
	const struct pm_limits *lim;
	size_t budget;		/* inflated bytes left */
	z_stream z;
	int zinit;
	struct pdf_cmap cmap[DEC_PDF_MAX_CMAPS];
	unsigned ncmap;
	uint8_t shows[DEC_PDF_MAX_STREAMS / 8 + 1];	/* streams with a "BT",
					 * by candidate number: pass 1 */
	struct dec_pdf_res *res;
};

/* a stream's place in the file and what its dictionary says */
struct pdf_stream {
	const unsigned char *dict, *data;
	size_t dictlen, datalen;
	enum pdf_filter f[PDF_MAX_FILTERS];
	unsigned nf;
	int skip;		/* image, predictor, unsupported filter */
};




/* --- dictionaries -------------------------------------------------------- */

/* pdf_key - the bytes after key (a name, "/Filter") in the dictionary,
 * where the key is followed by a delimiter or white space; NULL if none */
static const unsigned char *
pdf_key(const unsigned char *d, size_t n, const char *key)
{
	size_t kl = strlen(key), off = 0;
	const unsigned char *k;

	while (off < n && (k = pm_memmem(d + off, n - off, key, kl)) != NULL) {
		off = (size_t)(k - d) + kl;
		if (off >= n || pdf_ws(d[off]) || pdf_delim(d[off]))
			return d + off;
	}
	return NULL;
}


/* pdf_name_is - whether the name at s (after its '/') is one of names */
static int
pdf_name_is(const unsigned char *s, const unsigned char *e,
    const char *const *names)
{
	size_t l = 0, i;

	while (s + l < e && !pdf_ws(s[l]) && !pdf_delim(s[l]))
		l++;
	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == l && memcmp(s, names[i], l) == 0)
			return 1;
	return 0;
}

/* pdf_filters - /Filter: one name or an array of names */
static void
pdf_filters(struct pdf_stream *s)
{
	static const char *const flate[] = { "FlateDecode", "Fl", NULL };
	static const char *const ahx[] = { "ASCIIHexDecode", "AHx", NULL };
	static const char *const a85[] = { "ASCII85Decode", "A85", NULL };
	const unsigned char *e = s->dict + s->dictlen, *v;
	int array;

	s->nf = 0;
	if ((v = pdf_key(s->dict, s->dictlen, "/Filter")) == NULL)
		return;
	v = pdf_skip_ws(v, e);
	array = v < e && *v == '[';
	if (array)
		v++;
	for (;;) {
		v = pdf_skip_ws(v, e);
		if (v >= e || *v != '/')
			break;	/* ']', an indirect reference, the end */
		v++;
		if (s->nf == PDF_MAX_FILTERS) {
			s->skip = 1;
			return;
		}
		s->f[s->nf++] = pdf_name_is(v, e, flate) ? PF_FLATE :
		    pdf_name_is(v, e, ahx) ? PF_AHX :
		    pdf_name_is(v, e, a85) ? PF_A85 : PF_OTHER;
		if (s->f[s->nf - 1] == PF_OTHER)
			s->skip = 1;
		while (v < e && !pdf_ws(*v) && !pdf_delim(*v))
			v++;
		if (!array)
			break;
	}
	/* an indirect /Filter (4 0 R) is not followed: skipped as unknown */
	if (s->nf == 0 && v < e && *v >= '0' && *v <= '9')
		s->skip = 1;
}

/* pdf_length - /Length as a direct number, or -1 */
static long long
pdf_length(const struct pdf_stream *s)
{
	const unsigned char *e = s->dict + s->dictlen, *v, *w;
	long long n = 0;

	if ((v = pdf_key(s->dict, s->dictlen, "/Length")) == NULL)
		return -1;
	v = pdf_skip_ws(v, e);
	for (w = v; w < e && *w >= '0' && *w <= '9' && n < (1LL << 40); w++)
		n = n * 10 + (*w - '0');
	if (w == v)
		return -1;
	/* "12 0 R" is a reference, not a length */
	v = pdf_skip_ws(w, e);
	if (v < e && *v >= '0' && *v <= '9')
		return -1;
	return n;
}

/* pdf_dict_start - the "<<" that opens the dictionary whose ">>" ends
 * just before `end`, or NULL */
static const unsigned char *
pdf_dict_start(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *s = end - 2, *lo;
	int depth = 0;

	lo = (size_t)(end - p) > PDF_DICT_BACK ? end - PDF_DICT_BACK : p;
	while (s >= lo + 1) {
		if (s[0] == '>' && s[1] == '>') {
			depth++;
			s -= 2;
		} else if (s[0] == '<' && s[1] == '<') {
			if (--depth == 0)
				return s;
			s -= 2;
		} else {
			s--;
		}
	}
	return NULL;
}

/*
 * pdf_next_stream - the next stream at or after *from; 0 when none. A
 * "stream" keyword counts when a dictionary's ">>" (and white space)
 * is before it and an end of line after it.
 */
static int
pdf_next_stream(const unsigned char *p, size_t n, size_t *from,
    struct pdf_stream *s, unsigned *seen)
{
	const unsigned char *k, *b, *e, *ds;
	size_t at = *from, i;
	long long len;

	while (at < n && (k = pm_memmem(p + at, n - at, "stream", 6)) != NULL) {
		i = (size_t)(k - p);
		at = i + 6;
		b = k;
		while (b > p && pdf_ws(b[-1]))
			b--;
		if (b - p < 4 || b[-1] != '>' || b[-2] != '>')
			continue;	/* "endstream", or text */
		/* every candidate counts: each costs a look back */
		if (++*seen > DEC_PDF_MAX_STREAMS)
			return 1;
		if (at < n && p[at] == '\r')
			at++;
		if (at < n && p[at] == '\n')
			at++;
		else if (p[at - 1] != '\r')
			continue;
		if ((ds = pdf_dict_start(p, b)) == NULL)
			continue;
		memset(s, 0, sizeof(*s));
		s->dict = ds;
		s->dictlen = (size_t)(b - ds);
		s->data = p + at;
		len = pdf_length(s);
		if (len >= 0 && (unsigned long long)len <= n - at) {
			e = pdf_skip_ws(p + at + len, p + n);
			if ((size_t)(p + n - e) >= 9 &&
			    memcmp(e, "endstream", 9) == 0) {
				s->datalen = (size_t)len;
				*from = (size_t)(e - p) + 9;
				return 1;
			}
		}
		e = pm_memmem(p + at, n - at, "endstream", 9);
		s->datalen = e != NULL ? (size_t)(e - (p + at)) : n - at;
		/* the end of line before "endstream" is not data */
		if (e != NULL && s->datalen > 0 && s->data[s->datalen - 1]
		    == '\n')
			s->datalen--;
		if (e != NULL && s->datalen > 0 && s->data[s->datalen - 1]
		    == '\r')
			s->datalen--;
		*from = e != NULL ? (size_t)(e - p) + 9 : n;
		return 1;
	}
	*from = n;
	return 0;
}

/* pdf_classify - filters, and whether the stream is not text: images,
 * cross-reference streams, predictors, embedded font programs (FontFile
 * and FontFile2 have /Length1, FontFile3 one of these subtypes) */
static void
pdf_classify(struct pdf_stream *s)
{
	static const char *const image[] = { "Image", "Type1C",
	    "CIDFontType0C", "OpenType", NULL };
	static const char *const xref[] = { "XRef", NULL };
	const unsigned char *e = s->dict + s->dictlen, *v;

	pdf_filters(s);
	if ((v = pdf_key(s->dict, s->dictlen, "/Subtype")) != NULL &&
	    (v = pdf_skip_ws(v, e)) < e && *v == '/' &&
	    pdf_name_is(v + 1, e, image))
		s->skip = 1;
	if ((v = pdf_key(s->dict, s->dictlen, "/Type")) != NULL &&
	    (v = pdf_skip_ws(v, e)) < e && *v == '/' &&
	    pdf_name_is(v + 1, e, xref))
		s->skip = 1;
	if (pdf_key(s->dict, s->dictlen, "/Predictor") != NULL ||
	    pdf_key(s->dict, s->dictlen, "/Length1") != NULL)
		s->skip = 1;
}

/* --- filters -------------------------------------------------------------- */

/* zlib's state and window hold message bytes: wiped when zlib frees
 * them (the size is kept in front of the block) */
#define PDF_ZHDR	16

static voidpf
pdf_zalloc(voidpf opaque, uInt items, uInt size)
{
	unsigned char *b;
	size_t n;

	(void)opaque;
	if (size != 0 && items > (SIZE_MAX - PDF_ZHDR) / size)
		return Z_NULL;
	n = (size_t)items * size;
	if ((b = malloc(n + PDF_ZHDR)) == NULL)
		return Z_NULL;
	memcpy(b, &n, sizeof(n));
	return b + PDF_ZHDR;
}

static void
pdf_zfree(voidpf opaque, voidpf ptr)
{
	unsigned char *b = (unsigned char *)ptr - PDF_ZHDR;
	size_t n;

	(void)opaque;
	memcpy(&n, b, sizeof(n));
	pm_wipe(b, n + PDF_ZHDR);
	free(b);
}

/* pdf_out_grow - a buffer of at least want bytes holding o's first len */
static unsigned char *
pdf_out_grow(struct pm_arena *a, unsigned char *o, size_t len, size_t want)
{
	unsigned char *b;

	if ((b = pm_arena_alloc(a, want)) == NULL)
		return NULL;
	if (len > 0) {
		memcpy(b, o, len);
		pm_wipe(o, len);
	}
	return b;
}

/*
 * pdf_inflate - FlateDecode of in into a new arena buffer. Returns PM_OK
 * (also for a damaged stream: what came out before the error, counted),
 * PM_ELIMIT with res->limit, or PM_ENOMEM.
 */
static pm_status
pdf_inflate(struct pdf_doc *doc, const unsigned char *in, size_t n,
    unsigned char **out, size_t *outlen)
{
	size_t cap, max, len = 0, ratio_max;
	unsigned char *o;
	int rc = Z_OK, raw = 0, by_budget;

	ratio_max = doc->lim->max_archive_ratio == 0 || n >
	    SIZE_MAX / doc->lim->max_archive_ratio ? SIZE_MAX :
	    n * doc->lim->max_archive_ratio;
	if (ratio_max < PDF_RATIO_MIN)
		ratio_max = PDF_RATIO_MIN;
	by_budget = doc->budget <= ratio_max;
	max = by_budget ? doc->budget : ratio_max;
	cap = n < max / 4 ? 4 * n + 4096 : max;
	if (cap > max)
		cap = max;
	if (!doc->zinit) {
		memset(&doc->z, 0, sizeof(doc->z));
		doc->z.zalloc = pdf_zalloc;
		doc->z.zfree = pdf_zfree;
		doc->z.opaque = doc->a;
		if (inflateInit(&doc->z) != Z_OK)
			return PM_ENOMEM;
		doc->zinit = 1;
	} else if (inflateReset2(&doc->z, 15) != Z_OK) {
		return PM_ENOMEM;
	}
	if ((o = pm_arena_alloc(doc->a, cap + 1)) == NULL)
		goto nomem;
again:
	doc->z.next_in = (Bytef *)(uintptr_t)in;
	doc->z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
	for (;;) {
		if (len == cap) {
			if (cap == max)
				break;
			cap = cap > max / 2 ? max : 2 * cap;
			if ((o = pdf_out_grow(doc->a, o, len, cap + 1)) ==
			    NULL)
				goto nomem;
		}
		doc->z.next_out = o + len;
		doc->z.avail_out = cap - len > UINT_MAX ? UINT_MAX :
		    (uInt)(cap - len);
		rc = inflate(&doc->z, Z_NO_FLUSH);
		len = (size_t)(doc->z.next_out - o);
		if (rc == Z_DATA_ERROR && !raw && len == 0) {
			/* no zlib header: raw deflate */
			raw = 1;
			if (inflateReset2(&doc->z, -15) != Z_OK)
				return PM_ENOMEM;
			goto again;
		}
		if (rc != Z_OK)
			break;
		if (doc->z.avail_in == 0 && (size_t)(doc->z.next_in - in) ==
		    n && doc->z.avail_out > 0)
			break;	/* all input used, no end marker */
		if (doc->z.avail_in == 0)
			doc->z.avail_in = (uInt)(n - (size_t)(doc->z.next_in -
			    in) > UINT_MAX ? UINT_MAX : n -
			    (size_t)(doc->z.next_in - in));
	}
	*out = o;
	*outlen = len;
	doc->budget -= len;
	if (len == max && rc == Z_OK) {
		doc->res->limit = by_budget ? "max_decoded_size" :
		    "max_archive_ratio";
		return PM_ELIMIT;
	}
	if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR)
		doc->res->damaged++;
	return PM_OK;
nomem:
	if (pm_arena_hit_cap(doc->a)) {
		doc->res->limit = "max_decoded_size";
		return PM_ELIMIT;
	}
	return PM_ENOMEM;
}

/* pdf_ahx - ASCIIHexDecode: hex digits up to '>', white space skipped */
static size_t
pdf_ahx(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	int hi = -1, v;

	for (i = 0; i < n && in[i] != '>'; i++) {
		if ((v = pm_hexval(in[i])) < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[o++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		out[o++] = (unsigned char)(hi << 4);
	return o;
}

/* pdf_a85 - ASCII85Decode: groups of 5 in '!'..'u', 'z' for four zeros,
 * up to "~>"; out needs n / 5 * 4 + 4 bytes ('z' gives 4 for 1, so
 * 4 * n + 4) */
static size_t
pdf_a85(const unsigned char *in, size_t n, unsigned char *out)
{
	uint64_t v = 0;
	size_t i, o = 0;
	unsigned k = 0, j;

	if (n >= 2 && in[0] == '<' && in[1] == '~')
		i = 2;
	else
		i = 0;
	for (; i < n && in[i] != '~'; i++) {
		if (in[i] == 'z' && k == 0) {
			memset(out + o, 0, 4);
			o += 4;
			continue;
		}
		if (in[i] < '!' || in[i] > 'u')
			continue;
		v = v * 85 + (uint64_t)(in[i] - '!');
		if (++k == 5) {
			for (j = 0; j < 4; j++)
				out[o++] = (unsigned char)(v >> (24 - 8 * j));
			v = 0;
			k = 0;
		}
	}
	if (k > 1) {		/* a final partial group: pad with 'u' */
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		for (j = 0; j + 1 < k; j++)
			out[o++] = (unsigned char)(v >> (24 - 8 * j));
	}
	return o;
}

/* pdf_decode - the stream's data through its filters */
static pm_status
pdf_decode(struct pdf_doc *doc, const struct pdf_stream *s,
    const unsigned char **out, size_t *outlen)
{
	const unsigned char *cur = s->data;
	size_t len = s->datalen, i;
	unsigned char *o = NULL;
	pm_status st;

	for (i = 0; i < s->nf; i++) {
		switch (s->f[i]) {
		case PF_FLATE:
			st = pdf_inflate(doc, cur, len, &o, &len);
			if (st == PM_ELIMIT && o != NULL && i + 1 == s->nf) {
				*out = o;	/* the text before the limit */
				*outlen = len;
			}
			if (st != PM_OK)
				return st;
			break;
		case PF_AHX:
		case PF_A85:
			if (len > (SIZE_MAX - 8) / 4 || (o = pm_arena_alloc(
			    doc->a, 4 * len + 8)) == NULL) {
				doc->res->limit = "max_decoded_size";
				return pm_arena_hit_cap(doc->a) ? PM_ELIMIT :
				    PM_ENOMEM;
			}
			len = s->f[i] == PF_AHX ? pdf_ahx(cur, len, o) :
			    pdf_a85(cur, len, o);
			break;
		default:
			return PM_OK;	/* not reached: skipped before */
		}
		cur = o;
	}
	*out = cur;
	*outlen = len;
	return PM_OK;
}

/* --- the document --------------------------------------------------------- */

/* pdf_text_cb - the text of one stream read one way, to cb */
static pm_status
pdf_text_cb(struct pdf_doc *doc, const unsigned char *p, size_t n,
    const struct pdf_cmap *cm, dec_pdf_cb cb, void *arg)
{
	struct pm_arena_mark mark;
	unsigned char *o;
	size_t len;
	pm_status st = PM_OK;

	if (n > (SIZE_MAX - 16) / 4)
		return PM_ELIMIT;
	pm_arena_mark(doc->a, &mark);
	if ((o = pm_arena_alloc(doc->a, 4 * n + 8)) == NULL) {
		doc->res->limit = "max_decoded_size";
		return pm_arena_hit_cap(doc->a) ? PM_ELIMIT : PM_ENOMEM;
	}
	if ((len = pdf_text(p, n, cm, o)) > 0)
		st = cb(arg, o, len);
	pm_arena_release(doc->a, &mark);
	return st;
}

/*
 * pdf_pass - every stream once. Pass 0 gives the text as the bytes say,
 * collects CMaps and marks the streams that show text (a "BT"); pass 1
 * decodes only those again and gives their text through each CMap.
 */
static pm_status
pdf_pass(struct pdf_doc *doc, const unsigned char *p, size_t n, int pass,
    dec_pdf_cb cb, void *arg)
{
	struct pdf_stream s;
	struct pm_arena_mark mark;
	const unsigned char *d;
	size_t from = 0, dn;
	unsigned nstream = 0, i;
	pm_status st = PM_OK;

	while (st == PM_OK && pdf_next_stream(p, n, &from, &s, &nstream)) {
		if (nstream > DEC_PDF_MAX_STREAMS) {
			doc->res->limit = "pdf_streams";
			return PM_ELIMIT;
		}
		pdf_classify(&s);
		if (pass == 0)
			doc->res->streams++;
		if (s.skip) {
			doc->res->skipped += pass == 0;
			continue;
		}
		if (pass == 1 && !(doc->shows[nstream / 8] & 1 << nstream % 8))
			continue;
		pm_arena_mark(doc->a, &mark);
		dn = 0;
		d = NULL;
		st = pdf_decode(doc, &s, &d, &dn);
		if (d != NULL && dn > 0 && pass == 0) {
			doc->res->decoded++;
			if (pm_memmem(d, dn, "begincmap", 9) != NULL) {
				int kept = 0;

				/* a CMap used later stays in the arena
				 * (with its stream) until the document is
				 * done: at most DEC_PDF_MAX_CMAPS */
				if (st == PM_OK && doc->ncmap <
				    DEC_PDF_MAX_CMAPS)
					st = pdf_cmap_parse(doc->a, d, dn,
					    &doc->cmap[doc->ncmap], &kept);
				doc->ncmap += kept;
				if (!kept)
					pm_arena_release(doc->a, &mark);
				continue;
			}
			if (pm_memmem(d, dn, "BT", 2) != NULL)
				doc->shows[nstream / 8] |= (uint8_t)(1 <<
				    nstream % 8);
			if (st == PM_OK || st == PM_ELIMIT) {
				pm_status st2 = pdf_text_cb(doc, d, dn, NULL,
				    cb, arg);

				if (st == PM_OK)
					st = st2;
			}
		} else if (d != NULL && dn > 0) {	/* pass 1 */
			for (i = 0; i < doc->ncmap && st == PM_OK; i++)
				st = pdf_text_cb(doc, d, dn, &doc->cmap[i], cb,
				    arg);
		}
		pm_arena_release(doc->a, &mark);
	}
	return st;
}

int
dec_pdf_sniff(const unsigned char *p, size_t n)
{
	return pm_memmem(p, n < 1024 ? n : 1024, "%PDF-", 5) != NULL;
}

pm_status
dec_pdf_text(struct pm_arena *a, const unsigned char *p, size_t n,
    const struct pm_limits *lim, size_t budget, dec_pdf_cb cb, void *arg,
    struct dec_pdf_res *res)
{
	struct pdf_doc *doc;
	struct pm_arena_mark mark;
	size_t budget0 = budget;
	pm_status st;

	memset(res, 0, sizeof(*res));
	if (pdf_key(p, n, "/Encrypt") != NULL) {
		res->encrypted = 1;
		return PM_OK;
	}
	pm_arena_mark(a, &mark);
	if ((doc = pm_arena_calloc(a, sizeof(*doc))) == NULL) {
		pm_arena_release(a, &mark);
		return pm_arena_hit_cap(a) ? PM_ELIMIT : PM_ENOMEM;
	}
	doc->a = a;
	doc->lim = lim;
	doc->budget = budget;
	doc->res = res;
	st = pdf_pass(doc, p, n, 0, cb, arg);
	res->cmaps = doc->ncmap;
	if (st == PM_OK && doc->ncmap > 0) {
		doc->budget = budget0;	/* the same streams again */
		st = pdf_pass(doc, p, n, 1, cb, arg);
	}
	if (doc->zinit)
		inflateEnd(&doc->z);
	pm_arena_release(a, &mark);
	return st;
}
