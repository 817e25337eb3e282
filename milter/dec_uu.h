/*
 * NAME
 *	dec_uu - uudecode (Content-Transfer-Encoding: x-uuencode)
 * PROMISES
 *	Never fails: the "begin" and "end" lines are skipped when present,
 *	each data line is decoded by its length character, malformed lines
 *	are decoded as far as they go. Output is never longer than input.
 * API
 *	dec_uu(in, n, out)	out needs n bytes; returns bytes written.
 */
#ifndef DEC_UU_H
#define DEC_UU_H

#include <stddef.h>

size_t dec_uu(const unsigned char *in, size_t n, unsigned char *out);

#endif
