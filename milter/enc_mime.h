/*
 * NAME
 *	enc_mime - MIME encoders: base64, quoted-printable, RFC 2047 B words
 * OWNS
 *	Nothing: every function writes into a buffer the caller sized with
 *	the matching _bound() function, and never fails.
 * PROMISES
 *	- base64 (RFC 2045 6.8): lines of 76 characters, each line (the
 *	  last one too, when there is any output) ended by eol; padding
 *	  with '='. dec_b64() gives the input back.
 *	- quoted-printable (RFC 2045 6.7): encoded lines are at most 76
 *	  characters (soft break "=" + eol included in the 76); '=', control
 *	  characters and 8-bit bytes are written =XX (upper-case hex); a
 *	  space or tab before a line break or at the end of the input is
 *	  written =20 / =09; an input line break (CRLF or bare LF) is a hard
 *	  break written as eol; a lone CR is =0D; an "=XX" is never split
 *	  by a soft break. dec_qp() gives the input back (with line breaks
 *	  written as eol).
 *	- RFC 2047 B encoding of UTF-8 text: "=?UTF-8?B?...?=" words of at
 *	  most 64 characters (so "Subject: " plus a word fits in 76), never
 *	  splitting a UTF-8 sequence, separated
 *	  by the fold string (" " or "\n " ...). mime_word_decode() gives
 *	  the input back.
 * API
 *	enc_mime_b64_bound(n, eollen)	output bytes needed for n bytes.
 *	enc_mime_b64(in, n, eol, out)	encode; returns bytes written.
 *	enc_mime_qp_bound(n, eollen)	output bytes needed for n bytes.
 *	enc_mime_qp(in, n, eol, out)	encode; returns bytes written.
 *	enc_mime_word_bound(n, foldlen)	output bytes needed (plus one for
 *				a NUL the caller may add).
 *	enc_mime_word(in, n, fold, out)	encode; returns bytes written
 *				(0 for n == 0); no NUL written.
 * LIMITS
 *	eol is a NUL-terminated string, normally "\r\n" or "\n". The QP
 *	encoder does not protect a leading "From " or "." (not needed in a
 *	MIME body handed to the MTA through the milter protocol).
 */
#ifndef ENC_MIME_H
#define ENC_MIME_H

#include <stddef.h>

#define ENC_MIME_LINE	76	/* RFC 2045 line length limit */

size_t enc_mime_b64_bound(size_t n, size_t eollen);
size_t enc_mime_b64(const unsigned char *in, size_t n, const char *eol,
    unsigned char *out);
size_t enc_mime_qp_bound(size_t n, size_t eollen);
size_t enc_mime_qp(const unsigned char *in, size_t n, const char *eol,
    unsigned char *out);
size_t enc_mime_word_bound(size_t n, size_t foldlen);
size_t enc_mime_word(const unsigned char *in, size_t n, const char *fold,
    unsigned char *out);

#endif
