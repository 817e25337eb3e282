/*
 * dec_iconv - any charset to UTF-8 (glibc iconv), with BOM and UTF-16
 * sniffing.
 *
 * Choices:
 *  - Charset names are normalised: white space and quotes stripped,
 *    lower-cased, and a few aliases that mail uses but glibc does not
 *    know (or knows with other semantics) mapped: latin1/iso-8859-1 and
 *    cp1252 are read as WINDOWS-1252 (as browsers do, so 0x96 is an en
 *    dash, not a C1 control; converted by our own table, 5-10 times
 *    faster than glibc's module), gb2312/gbk as GB18030, shift_jis as CP932,
 *    ks_c_5601-1987 as CP949, unicode-1-1-utf-7 as UTF-7, iso-8859-8-i
 *    as ISO-8859-8; "x-" prefixes are retried without it. "x-unknown",
 *    "unknown-8bit", "default", "" are treated like no charset at all.
 *    Anything from a '/' on is cut ("utf-8//TRANSLIT"), and a name with
 *    other characters than letters, digits and -_.:+() is unknown.
 *  - UTF-8 (and us-ascii, often mislabelled UTF-8 or 8-bit) is checked
 *    by our own validator: valid input is returned as is, without a
 *    copy; invalid bytes become U+FFFD one by one. A us-ascii part that
 *    is not valid UTF-8 is read as WINDOWS-1252.
 *  - UTF-16 ("utf-16", "ucs-2", "unicode"): a BOM decides, else the
 *    position of zero bytes in the first 4 KiB (zeros at even offsets:
 *    big-endian), else big-endian (RFC 2781 4.3). UTF-16LE/BE drop a
 *    leading BOM. An odd byte count drops the last byte (EINVAL at the
 *    end: a truncated sequence is dropped).
 *  - NULL or unknown charset: a UTF-8 or UTF-16 BOM, or UTF-16 without
 *    BOM with clear evidence (zeros at one parity in at least 3/4 of the
 *    pairs, almost none at the other), is converted (DEC_ICONV_SNIFFED);
 *    anything else is given back as is with DEC_ICONV_RAW. Content is
 *    never skipped.
 *  - Invalid input (EILSEQ): U+FFFD is written, one input unit (1 byte,
 *    2 for UTF-16/UCS-2, 4 for UTF-32/UCS-4) is skipped, the conversion
 *    goes on, DEC_ICONV_INVALID is set.
 *  - Pure ASCII input (no ESC, SO, SI, '+' or '~', which stateful
 *    encodings use) in a charset that maps ASCII to itself (checked by
 *    converting a probe string) is returned as is.
 *  - iconv_t is not thread safe: it is opened and closed on every call
 *    (a few microseconds, once per MIME part), so there is no shared
 *    state between libmilter threads.
 *  - The output lives in the arena: n + 2 per byte >= 0x80 (+16), which
 *    bounds every ASCII-compatible charset, n*3/2+16 for UTF-16; grown,
 *    when a charset needs more (UTF-7, EBCDIC), by allocating a block
 *    twice as large, copying and wiping the old one (never realloc).
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "dec_iconv.h"

#define DEC_ICONV_NAME_MAX	64
#define DEC_ICONV_SNIFF_MAX	4096

struct dec_iconv_alias {
	const char *from;
	const char *to;
};

/* special targets: "" = no charset; "UTF-8", "ASCII" and "UTF-16"
 * are handled here, not by iconv alone */
static const struct dec_iconv_alias dec_iconv_aliases[] = {
	{ "utf8", "UTF-8" }, { "utf-8", "UTF-8" }, { "x-utf8", "UTF-8" },
	{ "us-ascii", "ASCII" }, { "ascii", "ASCII" },
	{ "ansi_x3.4-1968", "ASCII" }, { "iso646-us", "ASCII" },
	{ "latin1", "WINDOWS-1252" }, { "latin-1", "WINDOWS-1252" },
	{ "l1", "WINDOWS-1252" }, { "iso-8859-1", "WINDOWS-1252" },
	{ "iso8859-1", "WINDOWS-1252" }, { "iso_8859-1", "WINDOWS-1252" },
	{ "iso88591", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
	{ "windows-1252", "WINDOWS-1252" }, { "x-cp1252", "WINDOWS-1252" },
	{ "win-1252", "WINDOWS-1252" },
	{ "x-unknown", "" }, { "unknown", "" }, { "unknown-8bit", "" },
	{ "x-user-defined", "" }, { "default", "" }, { "", "" },
	{ "unicode-1-1-utf-7", "UTF-7" }, { "utf7", "UTF-7" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "cp936", "GB18030" },
	{ "x-gbk", "GB18030" }, { "euc-cn", "GB18030" },
	{ "ks_c_5601-1987", "CP949" }, { "ks_c_5601", "CP949" },
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" },
	{ "sjis", "CP932" }, { "x-sjis", "CP932" },
	{ "windows-31j", "CP932" }, { "ms_kanji", "CP932" },
	{ "iso-8859-8-i", "ISO-8859-8" },
	{ "utf-16", "UTF-16" }, { "utf16", "UTF-16" }, { "ucs-2", "UTF-16" },
	{ "unicode", "UTF-16" }, { "utf-16le", "UTF-16LE" },
	{ "utf-16be", "UTF-16BE" }, { "utf16le", "UTF-16LE" },
	{ "utf16be", "UTF-16BE" },
};

/* a name that is not a charset at all */
static const char dec_iconv_unknown[] = "?";

struct dec_iconv_out {
	struct pm_arena *a;
	unsigned char *buf;
	size_t cap, len;
	unsigned flags;
};

/* dec_iconv_name_char - a character that may appear in a charset name */
static int
dec_iconv_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == ':' || c == '+' ||
	    c == '(' || c == ')';
}

/* dec_iconv_norm - normalised charset name into buf; NULL when the name
 * is absent or means "unknown", else the iconv name to use */
static const char *
dec_iconv_norm(const char *cs, char *buf, size_t bufsz)
{
	size_t n, b = 0, e, k;
	int alnum = 0;

	if (cs == NULL)
		return NULL;
	n = strlen(cs);
	e = n;
	while (b < e && (cs[b] == ' ' || cs[b] == '\t' || cs[b] == '"' ||
	    cs[b] == '\''))
		b++;
	while (e > b && (cs[e - 1] == ' ' || cs[e - 1] == '\t' ||
	    cs[e - 1] == '"' || cs[e - 1] == '\''))
		e--;
	if (e - b >= bufsz)
		return dec_iconv_unknown;	/* too long to be real */
	for (k = b; k < e; k++) {
		char c = cs[k];

		buf[k - b] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	buf[e - b] = '\0';
	/* "utf-8//TRANSLIT": iconv suffixes are ours to choose, not mail's */
	for (k = 0; buf[k] != '\0'; k++) {
		if (buf[k] == '/') {
			buf[k] = '\0';
			break;
		}
		if (!dec_iconv_name_char(buf[k]))
			return dec_iconv_unknown;
		alnum |= (buf[k] >= 'a' && buf[k] <= 'z') ||
		    (buf[k] >= '0' && buf[k] <= '9');
	}
	/* glibc reads a name without letters or digits as "" (the locale's
	 * charset): never let mail choose that */
	if (!alnum && buf[0] != '\0')
		return dec_iconv_unknown;
	for (k = 0; k < sizeof(dec_iconv_aliases) /
	    sizeof(dec_iconv_aliases[0]); k++) {
		if (strcmp(buf, dec_iconv_aliases[k].from) == 0)
			return dec_iconv_aliases[k].to[0] == '\0' ? NULL :
			    dec_iconv_aliases[k].to;
	}
	return buf;
}

/* dec_iconv_grow - make room for need more bytes in o (new block, copy,
 * wipe the old one) */
static pm_status
dec_iconv_grow(struct dec_iconv_out *o, size_t need)
{
	unsigned char *nb = NULL;
	size_t ncap;

	if (o->cap - o->len >= need)
		return PM_OK;
	if (o->cap > SIZE_MAX / 2 - need - 16)
		return PM_ENOMEM;
	ncap = o->cap * 2 + need + 16;
	nb = pm_arena_alloc(o->a, ncap);
	if (nb == NULL)
		return PM_ENOMEM;
	if (o->len > 0)
		memcpy(nb, o->buf, o->len);
	pm_wipe(o->buf, o->cap);
	o->buf = nb;
	o->cap = ncap;
	return PM_OK;
}

/* dec_iconv_put - append bytes to o */
static pm_status
dec_iconv_put(struct dec_iconv_out *o, const void *p, size_t n)
{
	pm_status st = dec_iconv_grow(o, n);

	if (st != PM_OK)
		return st;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return PM_OK;
}

/* dec_iconv_u8len - length of the valid UTF-8 sequence at p, 0 if the
 * bytes there are not one (overlong, surrogate, > U+10FFFF, cut) */
static size_t
dec_iconv_u8len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* dec_iconv_utf8_valid - n bytes at p are valid UTF-8 */
static int
dec_iconv_utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		while (i < n && p[i] < 0x80)
			i++;
		if (i >= n)
			break;
		l = dec_iconv_u8len(p + i, n - i);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* dec_iconv_utf8_fix - copy UTF-8 with each invalid byte as U+FFFD */
static pm_status
dec_iconv_utf8_fix(struct dec_iconv_out *o, const unsigned char *p,
    size_t n)
{
	size_t i = 0, l;
	pm_status st = PM_OK;

	while (i < n) {
		l = dec_iconv_u8len(p + i, n - i);
		if (l == 0) {
			st = dec_iconv_put(o, "\xef\xbf\xbd", 3);
			o->flags |= DEC_ICONV_INVALID;
			l = 1;
		} else {
			st = dec_iconv_put(o, p + i, l);
		}
		if (st != PM_OK)
			break;
		i += l;
	}
	return st;
}

/* dec_iconv_sniff16 - "UTF-16LE"/"UTF-16BE" from the zero bytes of the
 * first 4 KiB; strict: only clear evidence, else NULL */
static const char *
dec_iconv_sniff16(const unsigned char *p, size_t n, int strict)
{
	size_t pairs, k, ze = 0, zo = 0;

	if (n > DEC_ICONV_SNIFF_MAX)
		n = DEC_ICONV_SNIFF_MAX;
	pairs = n / 2;
	for (k = 0; k < pairs; k++) {
		ze += p[2 * k] == 0;
		zo += p[2 * k + 1] == 0;
	}
	if (!strict)
		return zo > ze ? "UTF-16LE" : "UTF-16BE";
	if (pairs < 2)
		return NULL;
	if (zo * 4 >= pairs * 3 && ze * 16 <= pairs)
		return "UTF-16LE";
	if (ze * 4 >= pairs * 3 && zo * 16 <= pairs)
		return "UTF-16BE";
	return NULL;
}

/* dec_iconv_unit - bytes skipped after an invalid sequence */
static size_t
dec_iconv_unit(const char *to)
{
	if (strncmp(to, "UTF-16", 6) == 0 || strncmp(to, "utf-16", 6) == 0 ||
	    strncmp(to, "ucs-2", 5) == 0 || strncmp(to, "UCS-2", 5) == 0)
		return 2;
	if (strncmp(to, "utf-32", 6) == 0 || strncmp(to, "ucs-4", 5) == 0 ||
	    strncmp(to, "UTF-32", 6) == 0 || strncmp(to, "UCS-4", 5) == 0)
		return 4;
	return 1;
}

/* dec_iconv_step - one iconv() call over the rest; returns PM_OK and
 * *done when the input is used up */
static pm_status
dec_iconv_step(iconv_t cd, struct dec_iconv_out *o, char **ip, size_t *il,
    size_t unit, int *done)
{
	char *op = (char *)o->buf + o->len;
	size_t ol = o->cap - o->len, r;
	int err;

	r = iconv(cd, ip, il, &op, &ol);
	err = errno;
	o->len = (size_t)(op - (char *)o->buf);
	*done = 0;
	if (r != (size_t)-1 || *il == 0) {
		*done = 1;
		return PM_OK;
	}
	if (err == E2BIG)
		return dec_iconv_grow(o, o->cap / 2 + 64);
	if (err == EILSEQ) {
		o->flags |= DEC_ICONV_INVALID;
		unit = unit < *il ? unit : *il;
		*ip += unit;
		*il -= unit;
		iconv(cd, NULL, NULL, NULL, NULL);
		return dec_iconv_put(o, "\xef\xbf\xbd", 3);
	}
	/* EINVAL: truncated sequence at the end; drop it */
	o->flags |= DEC_ICONV_INVALID;
	*done = 1;
	return PM_OK;
}

/* dec_iconv_run - convert with an open descriptor into o */
static pm_status
dec_iconv_run(iconv_t cd, struct dec_iconv_out *o, const unsigned char *in,
    size_t n, size_t unit)
{
	char *ip = (char *)(uintptr_t)in;
	size_t il = n, ol;
	char *op = NULL;
	pm_status st = PM_OK;
	int done = 0;

	while (!done) {
		st = dec_iconv_step(cd, o, &ip, &il, unit, &done);
		if (st != PM_OK)
			return st;
	}
	/* flush a shift state; at most a few bytes */
	st = dec_iconv_grow(o, 16);
	if (st != PM_OK)
		return st;
	op = (char *)o->buf + o->len;
	ol = o->cap - o->len;
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		o->len = (size_t)(op - (char *)o->buf);
	return PM_OK;
}

/* dec_iconv_ascii_ok - cd maps ASCII to itself and in is plain ASCII
 * without the bytes stateful encodings use (ESC, SO, SI, '+', '~') */
static int
dec_iconv_ascii_ok(iconv_t cd, const unsigned char *in, size_t n)
{
	static const char probe[] = "09AZaz .,-/:;=\r\n";
	char buf[64], *ip = (char *)(uintptr_t)probe, *op = buf;
	size_t il = sizeof(probe) - 1, ol = sizeof(buf), k, r;

	for (k = 0; k < n; k++) {
		if (in[k] >= 0x80 || in[k] == 0x1b || in[k] == 0x0e ||
		    in[k] == 0x0f || in[k] == '+' || in[k] == '~')
			return 0;
	}
	r = iconv(cd, &ip, &il, &op, &ol);
	iconv(cd, NULL, NULL, NULL, NULL);
	return r != (size_t)-1 && il == 0 &&
	    (size_t)(op - buf) == sizeof(probe) - 1 &&
	    memcmp(buf, probe, sizeof(probe) - 1) == 0;
}

/* dec_iconv_open - iconv_open to UTF-8, retrying without "x-" */
static iconv_t
dec_iconv_open(const char *from)
{
	iconv_t cd = iconv_open("UTF-8", from);

	if (cd == (iconv_t)-1 && strncmp(from, "x-", 2) == 0)
		cd = iconv_open("UTF-8", from + 2);
	return cd;
}

/* dec_iconv_alloc - first output block for the n input bytes at in:
 * n + 2 per byte >= 0x80 for byte-oriented charsets (exact for every
 * single-byte charset that keeps ASCII, for multi-byte ones and for the
 * U+FFFD of an invalid byte), 3 per 2 bytes of UTF-16, n for UTF-32;
 * anything larger (UTF-7, EBCDIC) grows the block */
static pm_status
dec_iconv_alloc(struct dec_iconv_out *o, const unsigned char *in, size_t n,
    size_t unit)
{
	size_t k, high = 0;

	if (n > (SIZE_MAX - 64) / 3)
		return PM_ENOMEM;
	if (unit == 1) {
		for (k = 0; k < n; k++)
			high += in[k] >= 0x80;
		o->cap = n + 2 * high + 16;
	} else if (unit == 2) {
		o->cap = n / 2 * 3 + 16;
	} else {
		o->cap = n + 16;
	}
	o->len = 0;
	o->buf = pm_arena_alloc(o->a, o->cap);
	return o->buf == NULL ? PM_ENOMEM : PM_OK;
}

/* dec_iconv_with - convert with charset "to" (an iconv name); *raw set
 * when iconv does not know it */
static pm_status
dec_iconv_with(struct dec_iconv_out *o, const char *to,
    const unsigned char *in, size_t n, int *raw)
{
	iconv_t cd = (iconv_t)-1;
	size_t unit = dec_iconv_unit(to);
	pm_status st = PM_OK;

	*raw = 0;
	cd = dec_iconv_open(to);
	if (cd == (iconv_t)-1) {
		*raw = 1;
		goto out;
	}
	if (unit == 1 && dec_iconv_ascii_ok(cd, in, n)) {
		*raw = 2;	/* as is */
		goto out;
	}
	st = dec_iconv_alloc(o, in, n, unit);
	if (st != PM_OK)
		goto out;
	st = dec_iconv_run(cd, o, in, n, unit);
	o->flags |= DEC_ICONV_CONVERTED;
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return st;
}

/* windows-1252 0x80-0x9f; 0 where the code page has no character */
static const uint16_t dec_iconv_cp1252_c1[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* dec_iconv_cp1252 - windows-1252 (and so latin1) without iconv, the
 * charset of most European mail; same output and flags as glibc's */
static pm_status
dec_iconv_cp1252(struct dec_iconv_out *o, const unsigned char *in,
    size_t n)
{
	size_t k, w;
	unsigned cp;
	unsigned char *q = NULL;

	for (k = 0; k < n && in[k] < 0x80; k++)
		;
	if (k == n)
		return PM_OK;	/* ASCII: as is */
	if (dec_iconv_alloc(o, in, n, 1) != PM_OK)
		return PM_ENOMEM;
	q = o->buf;
	memcpy(q, in, k);
	for (w = k; k < n; k++) {
		cp = in[k];
		if (cp < 0x80) {
			q[w++] = (unsigned char)cp;
			continue;
		}
		if (cp < 0xa0) {
			cp = dec_iconv_cp1252_c1[cp - 0x80];
			if (cp == 0) {
				cp = 0xFFFD;
				o->flags |= DEC_ICONV_INVALID;
			}
		}
		if (cp < 0x800) {
			q[w++] = (unsigned char)(0xc0 | cp >> 6);
		} else {
			q[w++] = (unsigned char)(0xe0 | cp >> 12);
			q[w++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		}
		q[w++] = (unsigned char)(0x80 | (cp & 0x3f));
	}
	o->len = w;
	o->flags |= DEC_ICONV_CONVERTED;
	return PM_OK;
}

/* dec_iconv_utf16 - UTF-16 with BOM, else sniffed (labelled: default
 * big-endian) */
static pm_status
dec_iconv_utf16(struct dec_iconv_out *o, const char *to,
    const unsigned char *in, size_t n)
{
	int raw = 0;

	if (n >= 2 && in[0] == 0xff && in[1] == 0xfe) {
		if (strcmp(to, "UTF-16BE") != 0) {
			to = "UTF-16LE";
			in += 2;
			n -= 2;
		}
	} else if (n >= 2 && in[0] == 0xfe && in[1] == 0xff) {
		if (strcmp(to, "UTF-16LE") != 0) {
			to = "UTF-16BE";
			in += 2;
			n -= 2;
		}
	} else if (strcmp(to, "UTF-16") == 0) {
		to = dec_iconv_sniff16(in, n, 0);
		o->flags |= DEC_ICONV_SNIFFED;
	}
	return dec_iconv_with(o, to, in, n, &raw);
}

/* dec_iconv_utf8 - UTF-8 (BOM dropped): as is when valid, else fixed */
static pm_status
dec_iconv_utf8(struct dec_iconv_out *o, const unsigned char **in,
    size_t *n, int ascii)
{
	if (*n >= 3 && memcmp(*in, "\xef\xbb\xbf", 3) == 0) {
		*in += 3;
		*n -= 3;
		o->flags |= DEC_ICONV_CONVERTED;
	}
	if (dec_iconv_utf8_valid(*in, *n))
		return PM_OK;
	if (ascii)
		return dec_iconv_cp1252(o, *in, *n);
	if (dec_iconv_alloc(o, *in, *n, 1) != PM_OK)
		return PM_ENOMEM;
	o->flags |= DEC_ICONV_CONVERTED;
	return dec_iconv_utf8_fix(o, *in, *n);
}

/* dec_iconv_sniff - no usable charset: BOM, UTF-16 evidence, else raw */
static pm_status
dec_iconv_sniff(struct dec_iconv_out *o, const unsigned char **in,
    size_t *n)
{
	const char *to = NULL;

	if (*n >= 3 && memcmp(*in, "\xef\xbb\xbf", 3) == 0) {
		o->flags |= DEC_ICONV_SNIFFED;
		return dec_iconv_utf8(o, in, n, 0);
	}
	if (*n >= 2 && (((*in)[0] == 0xff && (*in)[1] == 0xfe) ||
	    ((*in)[0] == 0xfe && (*in)[1] == 0xff))) {
		o->flags |= DEC_ICONV_SNIFFED;
		return dec_iconv_utf16(o, "UTF-16", *in, *n);
	}
	to = dec_iconv_sniff16(*in, *n, 1);
	if (to != NULL) {
		o->flags |= DEC_ICONV_SNIFFED;
		return dec_iconv_utf16(o, to, *in, *n);
	}
	o->flags |= DEC_ICONV_RAW;
	return PM_OK;
}

/* dec_iconv - convert n bytes in charset to UTF-8 */
pm_status
dec_iconv(struct pm_arena *a, const char *charset, const unsigned char *in,
    size_t n, const unsigned char **out, size_t *outlen, unsigned *flags)
{
	struct dec_iconv_out o;
	char nbuf[DEC_ICONV_NAME_MAX];
	const char *to = NULL;
	pm_status st = PM_OK;
	int raw = 0;

	memset(&o, 0, sizeof(o));
	o.a = a;
	to = dec_iconv_norm(charset, nbuf, sizeof(nbuf));
	if (to == NULL)
		st = dec_iconv_sniff(&o, &in, &n);
	else if (strcmp(to, "UTF-8") == 0 || strcmp(to, "ASCII") == 0)
		st = dec_iconv_utf8(&o, &in, &n, to[0] == 'A');
	else if (strncmp(to, "UTF-16", 6) == 0)
		st = dec_iconv_utf16(&o, to, in, n);
	else if (to == dec_iconv_unknown)
		st = dec_iconv_sniff(&o, &in, &n);
	else if (strcmp(to, "WINDOWS-1252") == 0)
		st = dec_iconv_cp1252(&o, in, n);
	else {
		st = dec_iconv_with(&o, to, in, n, &raw);
		if (st == PM_OK && raw == 1) {
			o.flags &= ~DEC_ICONV_CONVERTED;
			st = dec_iconv_sniff(&o, &in, &n);
		}
	}
	if (st != PM_OK)
		goto out;
	*out = o.buf != NULL ? o.buf : in;
	*outlen = o.buf != NULL ? o.len : n;
out:
	if (flags != NULL)
		*flags = o.flags;
	return st;
}
