/*
 * dec_qp - tolerant quoted-printable decoder.
 *
 * Choices (RFC 2045 6.7 and the mail that is really sent):
 *  - A soft line break is "=", then any spaces or tabs, then CRLF, LF or
 *    a lone CR; "=" followed only by spaces/tabs at the end of the input
 *    is one too. It is removed, also in the middle of a digit string,
 *    so "4111 11=\n11 1111" reads "4111 1111 1111".
 *  - "=XX" with two hex digits in either case is the byte XX.
 *  - Any other "=" is kept literally, and decoding resumes right after
 *    it (so "==41" gives "=A").
 *  - Trailing white space on a line is kept, although rule 3 says an
 *    encoder's trailing white space should be removed: it cannot join
 *    or split a card number (a line end is a separator either way), and
 *    keeping it keeps offsets simple.
 *  - Hard line breaks are kept as they are (CRLF stays CRLF).
 * Output is never longer than the input, and in == out is allowed: the
 * write position never passes the read position.
 * Linear: every input byte is looked at a bounded number of times.
 */
#include <stdint.h>
#include <string.h>

#include "dec_qp.h"

/* hex digit values plus one; 0 for anything else */
static const unsigned char dec_qp_hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
	['E'] = 15, ['F'] = 16,
};

/* dec_qp_hex - value of a hex digit, -1 otherwise */
static inline int
dec_qp_hex(unsigned char c)
{
	return (int)dec_qp_hexv[c] - 1;
}

/* dec_qp_soft - length of a soft line break at in[i] (in[i] == '='),
 * 0 when there is none */
static size_t
dec_qp_soft(const unsigned char *in, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && (in[j] == ' ' || in[j] == '\t'))
		j++;
	if (j == n)
		return j - i;
	if (in[j] == '\n')
		return j + 1 - i;
	if (in[j] == '\r') {
		if (j + 1 < n && in[j + 1] == '\n')
			return j + 2 - i;
		return j + 1 - i;
	}
	return 0;
}

/* dec_qp_run - copy from in[i] up to the next '=' (8 bytes at a time;
 * when in and out are apart, the 8 bytes holding the '=' are stored
 * too, the bytes after it being overwritten later); returns the new
 * input position, *o the new output position */
static size_t
dec_qp_run(const unsigned char *in, size_t n, size_t i, unsigned char *out,
    size_t *o, int apart)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t eqs = 0x3d3d3d3d3d3d3d3dull;
	uint64_t x, y;
	size_t w = *o;

	while (n - i >= 8) {
		memcpy(&x, in + i, 8);
		y = x ^ eqs;
		y = (y - ones) & ~y & (ones << 7);
		if (y == 0 || apart)
			memcpy(out + w, &x, 8);
		if (y != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* the lowest flagged byte is the first '=' */
			if (apart) {
				y = (uint64_t)__builtin_ctzll(y) / 8;
				*o = w + y;
				return i + y;
			}
#endif
			break;
		}
		i += 8;
		w += 8;
	}
	while (i < n && in[i] != '=')
		out[w++] = in[i++];
	*o = w;
	return i;
}

/* dec_qp - decode n bytes of quoted-printable into out */
size_t
dec_qp(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, o = 0, k;
	int hi, lo;
	uintptr_t ib = (uintptr_t)in, ob = (uintptr_t)out;
	int apart = ob >= ib + n || ib >= ob + n;

	while (i < n) {
		i = dec_qp_run(in, n, i, out, &o, apart);
		if (i >= n)
			break;
		/* in[i] == '=' */
		if (i + 2 < n && (hi = dec_qp_hex(in[i + 1])) >= 0 &&
		    (lo = dec_qp_hex(in[i + 2])) >= 0) {
			out[o++] = (unsigned char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		k = dec_qp_soft(in, n, i);
		if (k > 0) {
			i += k;
			continue;
		}
		out[o++] = '=';
		i++;
	}
	return o;
}
