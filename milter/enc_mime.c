/*
 * enc_mime - base64, quoted-printable and RFC 2047 B encoders.
 *
 * All three write into a caller-sized buffer (see the _bound functions)
 * and never fail, so act_mask can size one arena block per leaf.
 */
#include <string.h>

#include "enc_mime.h"

static const char enc_mime_b64tab[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char enc_mime_hex[] = "0123456789ABCDEF";

/* 39 bytes: 52 base64 chars + 12 = 64 per word, so "Subject: " and the
   first word stay within a 76-character line */
#define ENC_MIME_WORD_BYTES	39

/* enc_mime_b64_bound - bytes enc_mime_b64 writes at most for n bytes */
size_t
enc_mime_b64_bound(size_t n, size_t eollen)
{
	size_t chars = (n + 2) / 3 * 4;

	return chars + (chars / ENC_MIME_LINE + 1) * eollen;
}

/* enc_mime_b64_quad - encode 1..3 bytes into 4 characters */
static void
enc_mime_b64_quad(const unsigned char *in, size_t k, unsigned char *o)
{
	unsigned v = (unsigned)in[0] << 16;

	if (k > 1)
		v |= (unsigned)in[1] << 8;
	if (k > 2)
		v |= in[2];
	o[0] = (unsigned char)enc_mime_b64tab[v >> 18 & 0x3f];
	o[1] = (unsigned char)enc_mime_b64tab[v >> 12 & 0x3f];
	o[2] = k > 1 ? (unsigned char)enc_mime_b64tab[v >> 6 & 0x3f] : '=';
	o[3] = k > 2 ? (unsigned char)enc_mime_b64tab[v & 0x3f] : '=';
}

/* enc_mime_b64 - base64 with 76-character lines ended by eol */
size_t
enc_mime_b64(const unsigned char *in, size_t n, const char *eol,
    unsigned char *out)
{
	size_t i, o = 0, col = 0, el = strlen(eol);

	for (i = 0; i < n; i += 3) {
		enc_mime_b64_quad(in + i, n - i < 3 ? n - i : 3, out + o);
		o += 4;
		col += 4;
		if (col >= ENC_MIME_LINE || i + 3 >= n) {
			memcpy(out + o, eol, el);
			o += el;
			col = 0;
		}
	}
	return o;
}

/* enc_mime_qp_bound - bytes enc_mime_qp writes at most for n bytes */
size_t
enc_mime_qp_bound(size_t n, size_t eollen)
{
	/* every byte at most "=XX" (a bare LF becomes eol <= 3 too when
	   eollen <= 3); a soft break every 73 or more output characters */
	size_t el = eollen > 3 ? eollen : 3;

	return n * el + (n * el / 72 + 2) * (1 + eollen);
}

/* enc_mime_qp_brk - length of the line break at in[i] (CRLF, LF), or 0 */
static size_t
enc_mime_qp_brk(const unsigned char *in, size_t n, size_t i)
{
	if (in[i] == '\n')
		return 1;
	if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
		return 2;
	return 0;
}

/* enc_mime_qp_literal - whether in[i] may be written as itself */
static int
enc_mime_qp_literal(const unsigned char *in, size_t n, size_t i)
{
	unsigned char c = in[i];

	if (c == ' ' || c == '\t')
		return i + 1 < n && enc_mime_qp_brk(in, n, i + 1) == 0;
	return c >= 33 && c <= 126 && c != '=';
}

/* enc_mime_qp - quoted-printable, lines <= 76 with soft breaks */
size_t
enc_mime_qp(const unsigned char *in, size_t n, const char *eol,
    unsigned char *out)
{
	size_t i = 0, o = 0, col = 0, el = strlen(eol), b, tl;

	while (i < n) {
		if ((b = enc_mime_qp_brk(in, n, i)) > 0) {
			memcpy(out + o, eol, el);
			o += el;
			col = 0;
			i += b;
			continue;
		}
		tl = enc_mime_qp_literal(in, n, i) ? 1 : 3;
		/* room for the soft-break '=' unless a hard break or the
		   end follows this token */
		if (col + tl > ENC_MIME_LINE - 1 && !(col + tl
		    <= ENC_MIME_LINE && (i + 1 == n
		    || enc_mime_qp_brk(in, n, i + 1) > 0))) {
			out[o++] = '=';
			memcpy(out + o, eol, el);
			o += el;
			col = 0;
		}
		if (tl == 1) {
			out[o++] = in[i];
		} else {
			out[o++] = '=';
			out[o++] = (unsigned char)enc_mime_hex[in[i] >> 4];
			out[o++] = (unsigned char)enc_mime_hex[in[i] & 15];
		}
		col += tl;
		i++;
	}
	return o;
}

/* enc_mime_word_bound - bytes enc_mime_word writes at most */
size_t
enc_mime_word_bound(size_t n, size_t foldlen)
{
	/* a word carries at least ENC_MIME_WORD_BYTES - 3 input bytes */
	size_t words = n / (ENC_MIME_WORD_BYTES - 3) + 1;

	return words * (72 + foldlen) + 1;
}

/* enc_mime_word_chunk - bytes of in (at most max) ending on a UTF-8
 * character boundary; at least 1 */
static size_t
enc_mime_word_chunk(const unsigned char *in, size_t n, size_t max)
{
	size_t k;

	if (n <= max)
		return n;
	k = max;
	while (k > max - 3 && (in[k] & 0xc0) == 0x80)
		k--;
	return (in[k] & 0xc0) == 0x80 ? max : k;
}

/* enc_mime_word - UTF-8 text as RFC 2047 "=?UTF-8?B?...?=" words */
size_t
enc_mime_word(const unsigned char *in, size_t n, const char *fold,
    unsigned char *out)
{
	static const char pre[] = "=?UTF-8?B?";
	size_t i = 0, o = 0, k, j, fl = strlen(fold);

	while (i < n) {
		if (i > 0) {
			memcpy(out + o, fold, fl);
			o += fl;
		}
		k = enc_mime_word_chunk(in + i, n - i, ENC_MIME_WORD_BYTES);
		memcpy(out + o, pre, sizeof(pre) - 1);
		o += sizeof(pre) - 1;
		for (j = 0; j < k; j += 3) {
			enc_mime_b64_quad(in + i + j, k - j < 3 ? k - j : 3,
			    out + o);
			o += 4;
		}
		out[o++] = '?';
		out[o++] = '=';
		i += k;
	}
	return o;
}
