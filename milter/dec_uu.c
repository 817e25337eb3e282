/*
 * dec_uu - uudecoder. Line by line: the first character gives the byte
 * count ((c - 32) & 63), then groups of four characters give three bytes.
 */
#include <string.h>

#include "dec_uu.h"

#define UU(c)	(((c) - 0x20) & 0x3f)

/* dec_uu_line - decode one data line; returns bytes written */
static size_t
dec_uu_line(const unsigned char *p, size_t len, unsigned char *out)
{
	size_t want, o = 0, i;

	if (len == 0)
		return 0;
	want = UU(p[0]);
	for (i = 1; o < want && i + 1 < len; i += 4) {
		unsigned c0 = UU(p[i]), c1 = UU(p[i + 1]);
		unsigned c2 = i + 2 < len ? UU(p[i + 2]) : 0;
		unsigned c3 = i + 3 < len ? UU(p[i + 3]) : 0;

		out[o++] = (unsigned char)(c0 << 2 | c1 >> 4);
		if (o < want)
			out[o++] = (unsigned char)(c1 << 4 | c2 >> 2);
		if (o < want)
			out[o++] = (unsigned char)(c2 << 6 | c3);
	}
	return o;
}

/* dec_uu - decode a uuencoded body */
size_t
dec_uu(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t pos = 0, o = 0, len;
	const unsigned char *nl;

	while (pos < n) {
		nl = memchr(in + pos, '\n', n - pos);
		len = (nl ? (size_t)(nl - in) : n) - pos;
		if (len > 0 && in[pos + len - 1] == '\r')
			len--;
		if (!(len >= 6 && memcmp(in + pos, "begin ", 6) == 0)
		    && !(len == 3 && memcmp(in + pos, "end", 3) == 0))
			o += dec_uu_line(in + pos, len, out + o);
		pos = nl ? (size_t)(nl - in) + 1 : n;
	}
	return o;
}
