/*
 * NAME
 *	dec_qp - tolerant quoted-printable decoder (RFC 2045 6.7)
 * PROMISES
 *	Never fails: soft line breaks ("=" at end of line, CRLF or LF,
 *	trailing white space allowed) are removed, also inside a number;
 *	"=XX" with hex digits (either case) decodes; a malformed "=" is
 *	kept literally. Output is never longer than the input.
 * API
 *	dec_qp(in, n, out)	out needs n bytes; returns bytes written.
 */
#ifndef DEC_QP_H
#define DEC_QP_H

#include <stddef.h>

size_t dec_qp(const unsigned char *in, size_t n, unsigned char *out);

#endif
