/*
 * NAME
 *	dec_iconv - any charset to UTF-8 (iconv), with BOM and UTF-16 sniffing
 * PROMISES
 *	- UTF-8, US-ASCII, ISO-8859-*, Windows-125x, UTF-16LE/BE (with or
 *	  without BOM; "utf-16" without BOM is sniffed), and everything
 *	  else glibc's iconv knows, converted to UTF-8; invalid sequences
 *	  are replaced by U+FFFD and conversion goes on.
 *	- An unknown or invalid charset name, or a NULL one, never skips
 *	  content: the raw bytes are given back (flag DEC_ICONV_RAW), after
 *	  sniffing a UTF-8/UTF-16 BOM or UTF-16 without BOM.
 *	- An odd byte count in UTF-16 drops only the last byte.
 * API
 *	dec_iconv(a, charset, in, n, &out, &outlen, &flags)	out is in the
 *				arena (or is in itself when no conversion
 *				was needed); PM_OK or PM_ENOMEM.
 */
#ifndef DEC_ICONV_H
#define DEC_ICONV_H

#include <stddef.h>

#include "pm_arena.h"
#include "pm_status.h"

#define DEC_ICONV_CONVERTED	0x01	/* output differs from input */
#define DEC_ICONV_RAW		0x02	/* charset unknown: raw bytes */
#define DEC_ICONV_INVALID	0x04	/* invalid sequences replaced */
#define DEC_ICONV_SNIFFED	0x08	/* charset taken from BOM/sniffing */

pm_status dec_iconv(struct pm_arena *a, const char *charset,
    const unsigned char *in, size_t n, const unsigned char **out,
    size_t *outlen, unsigned *flags);

#endif
