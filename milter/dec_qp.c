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
#include <string.h>

#include "dec_qp.h"

/* dec_qp_hex - value of a hex digit, -1 otherwise */
static int
dec_qp_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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

/* dec_qp - decode n bytes of quoted-printable into out */
size_t
dec_qp(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, o = 0, k, run;
	const unsigned char *eq = NULL;
	int hi, lo;

	while (i < n) {
		eq = memchr(in + i, '=', n - i);
		run = eq == NULL ? n - i : (size_t)(eq - (in + i));
		if (run > 0 && out + o != in + i)
			memmove(out + o, in + i, run);
		o += run;
		i += run;
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
