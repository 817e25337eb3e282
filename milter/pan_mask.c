/*
 * pan_mask - masked display form of a PAN, and masking inside text.
 *
 * Which digits stay visible (position i of n digits, 0-based):
 *   FIRST6LAST4, n >= 13:	i < 6 or i >= n - 4 (PCI DSS 3.4 display);
 *   LAST4, or FIRST6LAST4 with 8 <= n < 13:	i >= n - 4;
 *   n < 8:			none.
 * So no masked form shows more than 10 digits, and for a 13-digit
 * number at most 10 of 13.
 *
 * Unicode decimal digits (general category Nd) are recognised by the
 * code point of their zero: every Nd block is ten consecutive code
 * points starting at a zero. The list below holds the blocks of the
 * Unicode 15 UnicodeData.txt "Nd" entries in the BMP that scripts in
 * mail use, and the mathematical digit sets.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pan_mask.h"
#include "pan_uni.h"




/* pan_mask_keep - 1 when digit i of n stays visible in this style */
static int
pan_mask_keep(size_t i, size_t n, enum pan_mask_style style)
{
	if (n < 8)
		return 0;
	if (i >= n - 4)
		return 1;
	return style == PAN_MASK_FIRST6LAST4 && n >= PAN_MIN_DIGITS && i < 6;
}

/* pan_mask_digits - display form of n ASCII digits into out */
void
pan_mask_digits(const char *d, size_t n, enum pan_mask_style style,
    struct pan_masked *out)
{
	size_t len = n > PAN_MAX_DIGITS ? PAN_MAX_DIGITS : n;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++) {
		/* position in the full number: the tail maps to the end */
		size_t pos = i < 6 ? i : n - (len - i);

		if (pan_mask_keep(pos, n, style) && d[pos] >= '0' &&
		    d[pos] <= '9')
			out->s[i] = d[pos];
		else
			out->s[i] = '*';
	}
	out->s[len] = '\0';
	out->len = (unsigned char)len;
}

/* pan_mask_utf8 - decode one UTF-8 char at p (avail bytes); 0 if bad */
static size_t
pan_mask_utf8(const unsigned char *p, size_t avail, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		len = 2, c = p[0] & 0x1F, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3, c = p[0] & 0x0F, min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > avail)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF)
		return 0;
	*cp = c;
	return len;
}

/* pan_mask_is_digit - 1 when code point cp is a decimal digit (Nd) */
static int
pan_mask_is_digit(uint32_t cp)
{
	return pan_uni_digit(cp) >= 0;
}

/* pan_mask_count - decimal digits in the n bytes of UTF-8 text */
static size_t
pan_mask_count(const unsigned char *p, size_t n)
{
	size_t off = 0, cnt = 0, l;
	uint32_t cp = 0;

	while (off < n) {
		l = pan_mask_utf8(p + off, n - off, &cp);
		if (l == 0) {
			off++;
			continue;
		}
		cnt += pan_mask_is_digit(cp);
		off += l;
	}
	return cnt;
}

/*
 * pan_mask_text - copy UTF-8 text, replacing hidden digits by ch.
 * The visible positions are computed from the digits actually in the
 * text; when that count is not ndigits the caller's idea of the number
 * is wrong, and every digit is hidden. A ch that is a digit or not
 * ASCII would break "masked text scans clean" and becomes '*'.
 */
size_t
pan_mask_text(const char *in, size_t n, size_t ndigits,
    enum pan_mask_style style, char ch, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t cnt, off = 0, w = 0, di = 0, l;
	uint32_t cp = 0;
	int all;

	if ((ch >= '0' && ch <= '9') || (unsigned char)ch >= 0x80 ||
	    ch == '\0')
		ch = '*';
	cnt = pan_mask_count(p, n);
	all = cnt != ndigits;
	while (off < n) {
		l = pan_mask_utf8(p + off, n - off, &cp);
		if (l == 0) {
			out[w++] = in[off++];
			continue;
		}
		if (pan_mask_is_digit(cp)) {
			if (all || !pan_mask_keep(di, cnt, style)) {
				out[w++] = ch;
				off += l;
				di++;
				continue;
			}
			di++;
		}
		memmove(out + w, in + off, l);
		w += l;
		off += l;
	}
	return w;
}
