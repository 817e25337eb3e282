/*
 * dec_pdf - the text of a PDF's streams (see dec_pdf.h).
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
#include "pm_find.h"

#define PDF_RATIO_MIN	(1024u * 1024)	/* ratio checked past this size */
#define PDF_MAX_FILTERS	4
#define PDF_DICT_BACK	2048		/* bytes searched for a "<<" */
#define PDF_CMAP_MAX	65536		/* entries kept per CMap */
#define PDF_KERN_SPACE	150		/* TJ kerning that is a word gap */

enum pdf_filter { PF_FLATE, PF_AHX, PF_A85, PF_OTHER };

struct pdf_cmap {
	unsigned nbytes;	/* code length, 1-4 */
	size_t n;
	const uint64_t *ent;	/* code << 32 | code point, sorted */
};

struct pdf_doc {
	struct pm_arena *a;
	const struct pm_limits *lim;
	size_t budget;		/* inflated bytes left */
	z_stream z;
	int zinit;
	struct pdf_cmap cmap[DEC_PDF_MAX_CMAPS];
	unsigned ncmap;
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

static int
pdf_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
	    || c == '\0';
}

static int
pdf_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '['
	    || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static int
pdf_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

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

/* pdf_skip_ws - past white space, up to e */
static const unsigned char *
pdf_skip_ws(const unsigned char *s, const unsigned char *e)
{
	while (s < e && pdf_ws(*s))
		s++;
	return s;
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

/* pdf_classify - filters, and whether the stream is not text */
static void
pdf_classify(struct pdf_stream *s)
{
	static const char *const image[] = { "Image", NULL };
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
	if (pdf_key(s->dict, s->dictlen, "/Predictor") != NULL)
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
		if ((v = pdf_hexval(in[i])) < 0)
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

/* --- ToUnicode CMaps ------------------------------------------------------ */

/* pdf_hexstr - "<hex>" at *s (white space before it skipped): its value
 * (up to 8 digits kept) and digit count; 0 if no hex string is there */
static int
pdf_hexstr(const unsigned char **s, const unsigned char *e, uint32_t *v,
    unsigned *nd)
{
	const unsigned char *q = pdf_skip_ws(*s, e);
	int h;

	if (q >= e || *q != '<')
		return 0;
	*v = 0;
	*nd = 0;
	for (q++; q < e && *q != '>'; q++) {
		if ((h = pdf_hexval(*q)) < 0)
			continue;
		if (*nd < 8)
			*v = *v << 4 | (uint32_t)h;
		(*nd)++;
	}
	*s = q < e ? q + 1 : e;
	return 1;
}

/* pdf_cp - the code point of a UTF-16BE destination (first unit, or a
 * surrogate pair) of nd hex digits */
static uint32_t
pdf_cp(uint32_t v, unsigned nd)
{
	uint32_t hi, lo;

	if (nd <= 4)
		return v;
	if (nd > 8)
		return v >> 16;	/* only the first 8 digits were kept */
	hi = v >> 16;
	lo = v & 0xFFFF;
	if (nd == 8 && hi >= 0xD800 && hi <= 0xDBFF && lo >= 0xDC00 &&
	    lo <= 0xDFFF)
		return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	return hi;	/* a ligature: its first character */
}

static int
pdf_cmap_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* pdf_cmap_add - one code -> code point, while there is room */
static void
pdf_cmap_add(uint64_t *ent, size_t *n, uint32_t code, uint32_t cp)
{
	if (*n < PDF_CMAP_MAX)
		ent[(*n)++] = (uint64_t)code << 32 | cp;
}

/* pdf_cmap_is_digit - whether cp is a decimal digit the detector reads */
static int
pdf_cmap_is_digit(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/*
 * pdf_cmap_parse - a ToUnicode CMap (bfchar and bfrange sections) into
 * doc->cmap when it maps a code to a digit (*kept = 1: its memory must
 * stay). Malformed entries are skipped; at most PDF_CMAP_MAX codes.
 */
static pm_status
pdf_cmap_parse(struct pdf_doc *doc, const unsigned char *p, size_t n,
    int *kept)
{
	const unsigned char *e = p + n, *s, *k;
	struct pdf_cmap *cm;
	uint64_t *ent;
	uint32_t lo = 0, hi, dst, c;
	unsigned nd, nd2, nbytes = 0;
	size_t cnt = 0, i;
	int digit = 0;

	*kept = 0;
	if (doc->ncmap == DEC_PDF_MAX_CMAPS)
		return PM_OK;
	if ((k = pm_memmem(p, n, "begincodespacerange", 19)) != NULL) {
		s = k + 19;
		if (pdf_hexstr(&s, e, &lo, &nd))
			nbytes = (nd + 1) / 2;
	}
	if (nbytes == 0 || nbytes > 4)
		nbytes = 2;
	if ((ent = pm_arena_alloc(doc->a, PDF_CMAP_MAX * sizeof(*ent))) ==
	    NULL)
		return pm_arena_hit_cap(doc->a) ? PM_ELIMIT : PM_ENOMEM;
	s = p;
	while ((k = pm_memmem(s, (size_t)(e - s), "beginbf", 7)) != NULL) {
		s = k + 7;
		if ((size_t)(e - s) >= 4 && memcmp(s, "char", 4) == 0) {
			s += 4;
			while (pdf_hexstr(&s, e, &lo, &nd)) {
				if (!pdf_hexstr(&s, e, &dst, &nd2))
					break;	/* a /name: not used */
				pdf_cmap_add(ent, &cnt, lo, pdf_cp(dst, nd2));
			}
		} else if ((size_t)(e - s) >= 5 && memcmp(s, "range", 5) ==
		    0) {
			s += 5;
			while (pdf_hexstr(&s, e, &lo, &nd) &&
			    pdf_hexstr(&s, e, &hi, &nd)) {
				s = pdf_skip_ws(s, e);
				if (s < e && *s == '[') {
					/* one destination per code */
					for (c = lo, s++; c <= hi &&
					    pdf_hexstr(&s, e, &dst, &nd2); c++)
						pdf_cmap_add(ent, &cnt, c,
						    pdf_cp(dst, nd2));
					while (s < e && *s != ']')
						s++;
					s += s < e;
					continue;
				}
				if (!pdf_hexstr(&s, e, &dst, &nd2))
					break;
				dst = pdf_cp(dst, nd2);
				for (c = lo; c <= hi && cnt < PDF_CMAP_MAX;
				    c++) {
					pdf_cmap_add(ent, &cnt, c,
					    dst + (c - lo));
					if (c == UINT32_MAX)
						break;
				}
			}
		}
	}
	for (i = 0; i < cnt && !digit; i++)
		digit = pdf_cmap_is_digit((uint32_t)ent[i]);
	if (!digit)
		return PM_OK;
	qsort(ent, cnt, sizeof(*ent), pdf_cmap_cmp);
	cm = &doc->cmap[doc->ncmap++];
	cm->nbytes = nbytes;
	cm->n = cnt;
	cm->ent = ent;
	*kept = 1;
	return PM_OK;
}

/* pdf_cmap_find - the code point of code, or 0 */
static uint32_t
pdf_cmap_find(const struct pdf_cmap *cm, uint32_t code)
{
	size_t lo = 0, hi = cm->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cm->ent[mid] >> 32 < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cm->n && cm->ent[lo] >> 32 == code ?
	    (uint32_t)cm->ent[lo] : 0;
}

/* --- text ----------------------------------------------------------------- */

/* the text being written for one stream and one reading (a CMap or none) */
struct pdf_text {
	unsigned char *o;
	size_t len, cap;
	const struct pdf_cmap *cm;	/* NULL: the bytes as they are */
	uint32_t acc;			/* code bytes gathered */
	unsigned nacc;
	int u16;			/* string in UTF-16BE (BOM seen) */
	size_t sbytes;			/* bytes of the current string */
};

/* pdf_put - one byte of text (cap keeps 8 bytes spare for a code point) */
static void
pdf_put(struct pdf_text *t, unsigned char c)
{
	if (t->len < t->cap)
		t->o[t->len++] = c;
}

/* pdf_put_sep - a separator, not after another one or at the start */
static void
pdf_put_sep(struct pdf_text *t, unsigned char c)
{
	if (t->len == 0)
		return;
	if (t->o[t->len - 1] == ' ' || t->o[t->len - 1] == '\n') {
		if (c == '\n')
			t->o[t->len - 1] = '\n';
		return;
	}
	pdf_put(t, c);
}

/* pdf_put_cp - a code point as UTF-8 ('?' for none or a surrogate) */
static void
pdf_put_cp(struct pdf_text *t, uint32_t cp)
{
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
		pdf_put(t, '?');
	} else if (cp < 0x80) {
		pdf_put(t, (unsigned char)cp);
	} else if (cp < 0x800) {
		pdf_put(t, (unsigned char)(0xC0 | cp >> 6));
		pdf_put(t, (unsigned char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		pdf_put(t, (unsigned char)(0xE0 | cp >> 12));
		pdf_put(t, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
		pdf_put(t, (unsigned char)(0x80 | (cp & 0x3F)));
	} else {
		pdf_put(t, (unsigned char)(0xF0 | cp >> 18));
		pdf_put(t, (unsigned char)(0x80 | ((cp >> 12) & 0x3F)));
		pdf_put(t, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
		pdf_put(t, (unsigned char)(0x80 | (cp & 0x3F)));
	}
}

/* pdf_str_byte - one byte of a string's value, read as t says */
static void
pdf_str_byte(struct pdf_text *t, unsigned char b)
{
	t->sbytes++;
	if (t->cm != NULL) {
		t->acc = t->acc << 8 | b;
		if (++t->nacc == t->cm->nbytes) {
			pdf_put_cp(t, pdf_cmap_find(t->cm, t->acc));
			t->acc = 0;
			t->nacc = 0;
		}
		return;
	}
	if (t->sbytes == 2 && t->nacc == 1 && t->acc == 0xFE && b == 0xFF) {
		t->u16 = 1;	/* byte-order mark: UTF-16BE text string */
		t->nacc = 0;
		t->acc = 0;
		return;
	}
	if (t->u16) {
		t->acc = t->acc << 8 | b;
		if (++t->nacc == 2) {
			pdf_put_cp(t, t->acc);
			t->acc = 0;
			t->nacc = 0;
		}
		return;
	}
	if (t->sbytes == 1 && b == 0xFE) {	/* maybe a byte-order mark */
		t->acc = b;
		t->nacc = 1;
		return;
	}
	if (t->nacc == 1) {	/* the 0xFE was not a mark after all */
		pdf_put(t, (unsigned char)t->acc);
		t->nacc = 0;
	}
	pdf_put(t, b);
}

/* pdf_str_begin / pdf_str_end - around one string's value */
static void
pdf_str_begin(struct pdf_text *t)
{
	t->acc = 0;
	t->nacc = 0;
	t->u16 = 0;
	t->sbytes = 0;
}

static void
pdf_str_end(struct pdf_text *t)
{
	if (t->cm == NULL && !t->u16 && t->nacc == 1)
		pdf_put(t, (unsigned char)t->acc);
	t->nacc = 0;
}

/* pdf_literal - a "(...)" string from s (after its '('): its value to t;
 * returns the position after the closing ')' */
static const unsigned char *
pdf_literal(struct pdf_text *t, const unsigned char *s,
    const unsigned char *e)
{
	unsigned depth = 1, v, k;

	pdf_str_begin(t);
	while (s < e) {
		unsigned char c = *s++;

		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				break;
		} else if (c == '\\' && s < e) {
			c = *s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '\r':	/* a line continuation */
				if (s < e && *s == '\n')
					s++;
				continue;
			case '\n':
				continue;
			default:
				if (c >= '0' && c <= '7') {
					v = c - '0';
					for (k = 1; k < 3 && s < e && *s >= '0'
					    && *s <= '7'; k++)
						v = v * 8 + (unsigned)(*s++ - '0');
					c = (unsigned char)v;
				}
				break;	/* \( \) \\ and others: the byte */
			}
		}
		pdf_str_byte(t, c);
	}
	pdf_str_end(t);
	return s;
}

/* pdf_hexval_str - a "<...>" string from s (after its '<') */
static const unsigned char *
pdf_hex_literal(struct pdf_text *t, const unsigned char *s,
    const unsigned char *e)
{
	int hi = -1, v;

	pdf_str_begin(t);
	for (; s < e && *s != '>'; s++) {
		if ((v = pdf_hexval(*s)) < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			pdf_str_byte(t, (unsigned char)(hi << 4 | v));
			hi = -1;
		}
	}
	if (hi >= 0)
		pdf_str_byte(t, (unsigned char)(hi << 4));
	pdf_str_end(t);
	return s < e ? s + 1 : e;
}

/* pdf_skip_inline_image - past the data of "ID" up to " EI" */
static const unsigned char *
pdf_skip_inline_image(const unsigned char *s, const unsigned char *e)
{
	const unsigned char *q = s;

	while (q < e && (q = pm_memmem(q, (size_t)(e - q), "EI", 2)) !=
	    NULL) {
		if (q > s && pdf_ws(q[-1]) && (q + 2 == e || pdf_ws(q[2]) ||
		    pdf_delim(q[2])))
			return q + 2;
		q += 2;
	}
	return e;
}

/*
 * pdf_text_of - the text of a decoded stream, read through t->cm. Only
 * the tokens that matter are told apart: strings, arrays, numbers in
 * arrays (kerning), comments, and operators (regular characters).
 */
static void
pdf_text_of(struct pdf_text *t, const unsigned char *s, size_t n)
{
	const unsigned char *e = s + n, *w;
	unsigned arr = 0;
	long v;
	size_t l;

	while (s < e) {
		unsigned char c = *s;

		if (pdf_ws(c)) {
			s++;
		} else if (c == '(') {
			s = pdf_literal(t, s + 1, e);
		} else if (c == '<') {
			if (s + 1 < e && s[1] == '<')
				s += 2;
			else
				s = pdf_hex_literal(t, s + 1, e);
		} else if (c == '[') {
			arr++;
			s++;
		} else if (c == ']') {
			arr -= arr > 0;
			s++;
		} else if (c == '%') {
			while (s < e && *s != '\n' && *s != '\r')
				s++;
		} else if (c == '/' || pdf_delim(c)) {
			/* a name, or '>' '{' '}' ')' alone */
			for (s++; s < e && !pdf_ws(*s) && !pdf_delim(*s); s++)
				;
		} else {
			/* a number or an operator */
			for (w = s; w < e && !pdf_ws(*w) && !pdf_delim(*w); w++)
				;
			l = (size_t)(w - s);
			if ((c >= '0' && c <= '9') || c == '-' || c == '+' ||
			    c == '.') {
				if (arr > 0 && c == '-') {
					for (v = 0, s++; s < w && *s >= '0' &&
					    *s <= '9' && v < 100000; s++)
						v = v * 10 + (*s - '0');
					if (v > PDF_KERN_SPACE)
						pdf_put_sep(t, ' ');
				}
			} else if (l == 2 && s[0] == 'T' && (s[1] == 'j' ||
			    s[1] == 'J')) {
				;	/* shown strings run on */
			} else if (l == 2 && ((s[0] == 'E' && s[1] == 'T') ||
			    (s[0] == 'B' && s[1] == 'T'))) {
				pdf_put_sep(t, '\n');
			} else if (l == 2 && s[0] == 'I' && s[1] == 'D') {
				w = pdf_skip_inline_image(w, e);
			} else {
				pdf_put_sep(t, ' ');
			}
			s = w;
		}
	}
}

/* --- the document --------------------------------------------------------- */

/* pdf_text_cb - the text of one stream read one way, to cb */
static pm_status
pdf_text_cb(struct pdf_doc *doc, const unsigned char *p, size_t n,
    const struct pdf_cmap *cm, dec_pdf_cb cb, void *arg)
{
	struct pm_arena_mark mark;
	struct pdf_text t;
	pm_status st = PM_OK;

	if (n > (SIZE_MAX - 16) / 4)
		return PM_ELIMIT;
	memset(&t, 0, sizeof(t));
	pm_arena_mark(doc->a, &mark);
	t.cap = 4 * n + 8;	/* a byte gives at most 4 (a UTF-8 code) */
	if ((t.o = pm_arena_alloc(doc->a, t.cap + 8)) == NULL) {
		doc->res->limit = "max_decoded_size";
		return pm_arena_hit_cap(doc->a) ? PM_ELIMIT : PM_ENOMEM;
	}
	t.cm = cm;
	pdf_text_of(&t, p, n);
	if (t.len > 0)
		st = cb(arg, t.o, t.len);
	pm_arena_release(doc->a, &mark);
	return st;
}

/*
 * pdf_pass - every stream once. Pass 0 gives the text as the bytes say
 * and collects CMaps; pass 1 gives the text of the streams that show
 * text (a "BT") through each CMap.
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
				if (st == PM_OK)
					st = pdf_cmap_parse(doc, d, dn, &kept);
				if (!kept)
					pm_arena_release(doc->a, &mark);
				continue;
			}
			if (st == PM_OK || st == PM_ELIMIT) {
				pm_status st2 = pdf_text_cb(doc, d, dn, NULL,
				    cb, arg);

				if (st == PM_OK)
					st = st2;
			}
		} else if (d != NULL && dn > 0 && pm_memmem(d, dn, "BT", 2)
		    != NULL && pm_memmem(d, dn, "begincmap", 9) == NULL) {
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
