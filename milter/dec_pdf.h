/*
 * NAME
 *	dec_pdf - the text of a PDF's streams, for the detector
 * OWNS
 *	Decoded streams and text, allocated in the caller's arena and
 *	released (wiped) after each callback returns.
 * PROMISES
 *	- Every stream ("<<...>> stream ... endstream") with no filter or
 *	  with FlateDecode, ASCIIHexDecode and ASCII85Decode (alone or
 *	  chained) is decoded; images, and streams with other filters
 *	  (DCT, JPX, JBIG2, CCITT, LZW, RunLength, Crypt) or a predictor,
 *	  are skipped and counted.
 *	- The text of a decoded stream is what its strings say: literal
 *	  and hex strings (escapes, UTF-16BE with a byte-order mark),
 *	  strings of one TJ array joined (a kerning of more than 150/1000
 *	  em becomes a space), text operators separated by a space, text
 *	  objects by a line break; inline image data is skipped. The text
 *	  is given to cb once as the bytes say, and once more through each
 *	  ToUnicode CMap of the document that maps a code to a digit (fonts
 *	  with their own glyph codes, as office suites write them): the
 *	  CMap of each font is not resolved, every such CMap is tried
 *	  (at most DEC_PDF_MAX_CMAPS).
 *	- Limits: a stream inflating past max_archive_ratio times its size
 *	  (once past 1 MiB), the inflated total past budget bytes, or more
 *	  than DEC_PDF_MAX_STREAMS streams give PM_ELIMIT with res->limit
 *	  set; the text decoded until then has been given to cb. An arena
 *	  allocation refused by the cap is PM_ELIMIT "max_decoded_size".
 *	- A document with an /Encrypt dictionary sets res->encrypted and
 *	  decodes nothing (its strings and streams are ciphertext).
 *	- A damaged stream (inflate error) gives the text decoded before
 *	  the error and counts in res->damaged.
 * API
 *	dec_pdf_sniff(p, n)	1 when "%PDF-" is in the first 1024 bytes.
 *	dec_pdf_text(a, p, n, lim, budget, cb, arg, res)	calls cb for the
 *				text of every decodable stream, as above;
 *				returns PM_OK, PM_ELIMIT, PM_ENOMEM or cb's
 *				status.
 */
#ifndef DEC_PDF_H
#define DEC_PDF_H

#include <stddef.h>

#include "pm_arena.h"
#include "pm_limits.h"
#include "pm_status.h"

#define DEC_PDF_MAX_STREAMS	50000
#define DEC_PDF_MAX_CMAPS	16

struct dec_pdf_res {
	unsigned streams;	/* streams found */
	unsigned decoded;	/* streams decoded and given to cb */
	unsigned skipped;	/* images, unsupported filters, predictors */
	unsigned damaged;	/* streams that ended in a decoding error */
	unsigned cmaps;		/* ToUnicode CMaps used (map a digit) */
	int encrypted;		/* /Encrypt: nothing decoded */
	const char *limit;	/* name of the limit hit, or NULL */
};

typedef pm_status (*dec_pdf_cb)(void *arg, const unsigned char *text,
    size_t len);

int dec_pdf_sniff(const unsigned char *p, size_t n);
pm_status dec_pdf_text(struct pm_arena *a, const unsigned char *p, size_t n,
    const struct pm_limits *lim, size_t budget, dec_pdf_cb cb, void *arg,
    struct dec_pdf_res *res);

#endif
