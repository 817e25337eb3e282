/*
 * pm_text.h - two small text primitives every decoder needs: the value
 * of a hex digit (quoted-printable in RFC 2047 words, RFC 2231 %XX,
 * HTML &#x...;, PDF <...> strings) and a code point written as UTF-8.
 * One copy, so that a fix reaches every decoder (dec_qp keeps its own
 * table: it is on the hot path of whole bodies).
 */
#ifndef PM_TEXT_H
#define PM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* pm_hexval - value of a hex digit in either case, or -1 */
static inline int
pm_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * pm_utf8_put - code point cp (at most 0x10FFFF; the caller has already
 * replaced what it will not write) as UTF-8 at o, which has room for 4
 * bytes; returns how many were written
 */
static inline size_t
pm_utf8_put(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

#endif /* PM_TEXT_H */
