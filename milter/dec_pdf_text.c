/*
 * dec_pdf_text - strings and ToUnicode CMaps of decoded PDF streams (see
 * dec_pdf_text.h and, for what the text is, dec_pdf.h).
 *
 * Only the tokens that matter are told apart: strings (literal, hex),
 * arrays, numbers (kerning inside TJ arrays, operands outside), names,
 * comments and operators. Text-showing operators (Tj, TJ) let strings
 * run on; every other operator, name or operand is a space; BT and ET a
 * line break. A CMap's codes are read nbytes at a time; an unmapped
 * code is '?', so that it splits a number rather than join two.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec_pdf_text.h"
#include "pm_find.h"

#define PDF_KERN_SPACE	150		/* TJ kerning that is a word gap */

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
		if ((h = pm_hexval(*q)) < 0)
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
	const struct pdf_crange *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* pdf_cmap_add - codes lo..hi -> dst.. while there is room (r NULL:
 * only counted) */
static void
pdf_cmap_add(struct pdf_crange *r, size_t *n, uint32_t lo, uint32_t hi,
    uint32_t dst)
{
	if (*n < PDF_CMAP_MAX && lo <= hi) {
		if (r != NULL) {
			r[*n].lo = lo;
			r[*n].hi = hi;
			r[*n].dst = dst;
		}
		(*n)++;
	}
}

/* pdf_cmap_has_digit - whether the range maps a code to a decimal digit
 * the detector reads ('0'-'9', full-width) */
static int
pdf_cmap_has_digit(const struct pdf_crange *r)
{
	uint64_t a = r->dst, b = a + (r->hi - r->lo);

	return (a <= '9' && b >= '0') || (a <= 0xFF19 && b >= 0xFF10);
}

/*
 * pdf_cmap_read - the bfchar and bfrange sections of p into r (NULL:
 * only counted) as ranges, a bfrange with one destination kept whole;
 * the number of ranges, at most PDF_CMAP_MAX. Run twice, so that the
 * ranges get exactly the memory they need.
 */
static size_t
pdf_cmap_read(const unsigned char *p, size_t n, struct pdf_crange *r)
{
	const unsigned char *e = p + n, *s = p, *k;
	uint32_t lo, hi, dst, c;
	unsigned nd, nd2;
	size_t cnt = 0;

	while ((k = pm_memmem(s, (size_t)(e - s), "beginbf", 7)) != NULL) {
		s = k + 7;
		if ((size_t)(e - s) >= 4 && memcmp(s, "char", 4) == 0) {
			s += 4;
			while (pdf_hexstr(&s, e, &lo, &nd)) {
				if (!pdf_hexstr(&s, e, &dst, &nd2))
					break;	/* a /name: not used */
				dst = pdf_cp(dst, nd2);
				pdf_cmap_add(r, &cnt, lo, lo, dst);
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
					    pdf_hexstr(&s, e, &dst, &nd2); c++) {
						dst = pdf_cp(dst, nd2);
						pdf_cmap_add(r, &cnt, c, c, dst);
						if (c == UINT32_MAX)
							break;
					}
					while (s < e && *s != ']')
						s++;
					s += s < e;
					continue;
				}
				if (!pdf_hexstr(&s, e, &dst, &nd2))
					break;
				pdf_cmap_add(r, &cnt, lo, hi, pdf_cp(dst, nd2));
			}
		}
	}
	return cnt;
}

/* pdf_cmap_parse - see dec_pdf_text.h */
pm_status
pdf_cmap_parse(struct pm_arena *a, const unsigned char *p, size_t n,
    struct pdf_cmap *cm, int *kept)
{
	const unsigned char *s, *k;
	struct pdf_crange *r;
	uint32_t lo;
	unsigned nd, nbytes = 0;
	size_t cnt, i;
	int digit = 0;

	*kept = 0;
	if ((k = pm_memmem(p, n, "begincodespacerange", 19)) != NULL) {
		s = k + 19;
		if (pdf_hexstr(&s, p + n, &lo, &nd))
			nbytes = (nd + 1) / 2;
	}
	if (nbytes == 0 || nbytes > 4)
		nbytes = 2;
	if ((cnt = pdf_cmap_read(p, n, NULL)) == 0)
		return PM_OK;
	if ((r = pm_arena_alloc(a, cnt * sizeof(*r))) == NULL)
		return pm_arena_hit_cap(a) ? PM_ELIMIT : PM_ENOMEM;
	cnt = pdf_cmap_read(p, n, r);
	for (i = 0; i < cnt && !digit; i++)
		digit = pdf_cmap_has_digit(&r[i]);
	if (!digit)
		return PM_OK;
	qsort(r, cnt, sizeof(*r), pdf_cmap_cmp);
	cm->nbytes = nbytes;
	cm->n = cnt;
	cm->r = r;
	*kept = 1;
	return PM_OK;
}

/* pdf_cmap_find - the code point of code, or 0: the range with the
 * greatest start at or below code, if code is inside it (of overlapping
 * ranges, a malformed CMap, one is used) */
static uint32_t
pdf_cmap_find(const struct pdf_cmap *cm, uint32_t code)
{
	size_t lo = 0, hi = cm->n, mid;
	const struct pdf_crange *r;

	while (lo < hi) {		/* first range starting past code */
		mid = lo + (hi - lo) / 2;
		if (cm->r[mid].lo <= code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	r = &cm->r[lo - 1];
	return code <= r->hi ? r->dst + (code - r->lo) : 0;
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
	unsigned char u[4];
	size_t i, n;

	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
		pdf_put(t, '?');
		return;
	}
	n = pm_utf8_put(u, cp);
	for (i = 0; i < n; i++)
		pdf_put(t, u[i]);
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

/* pdf_hex_literal - a "<...>" string from s (after its '<') */
static const unsigned char *
pdf_hex_literal(struct pdf_text *t, const unsigned char *s,
    const unsigned char *e)
{
	int hi = -1, v;

	pdf_str_begin(t);
	for (; s < e && *s != '>'; s++) {
		if ((v = pm_hexval(*s)) < 0)
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
			if (s + 1 < e && s[1] == '<') {
				pdf_put_sep(t, ' ');
				s += 2;
			} else {
				s = pdf_hex_literal(t, s + 1, e);
			}
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
			/* a name, or '>' '{' '}' ')' alone: between the
			 * values of a dictionary ("/T (Card) /V (4111...)") */
			pdf_put_sep(t, ' ');
			for (s++; s < e && !pdf_ws(*s) && !pdf_delim(*s); s++)
				;
		} else {
			/* a number or an operator */
			for (w = s; w < e && !pdf_ws(*w) && !pdf_delim(*w); w++)
				;
			l = (size_t)(w - s);
			if ((c >= '0' && c <= '9') || c == '-' || c == '+' ||
			    c == '.') {
				if (arr == 0) {
					pdf_put_sep(t, ' ');	/* an operand */
				} else if (c == '-') {
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

/* pdf_text - see dec_pdf_text.h */
size_t
pdf_text(const unsigned char *p, size_t n, const struct pdf_cmap *cm,
    unsigned char *out)
{
	struct pdf_text t;

	memset(&t, 0, sizeof(t));
	t.o = out;
	t.cap = 4 * n + 8;	/* a byte gives at most 4 (a UTF-8 code) */
	t.cm = cm;
	pdf_text_of(&t, p, n);
	return t.len;
}
