/*
 * NAME
 *	pan_ctx - the text in and around a card-number candidate:
 *	character classes, card keywords, expiry dates, CVC codes
 * OWNS
 *	Static tables only: Unicode decimal-digit blocks, Unicode
 *	separators, card and CVC keywords. No state, no allocation.
 * PROMISES
 *	- pan_ctx_char() classifies one character from its first bytes and
 *	  never reads past n; a character it cannot finish (n too short,
 *	  not at end of stream) is PAN_CLS_MORE. Bytes that are not valid
 *	  UTF-8 are PAN_CLS_OTHER, one byte at a time, so classification
 *	  resynchronises on the next byte.
 *	- Only lead bytes C2 D9 DB E0 E1 E2 E3 EA EF start a multi-byte
 *	  digit or separator (pan_detect's SIMD kernel relies on this).
 *	- The context functions read only c[0..n) and only look at the
 *	  windows documented below.
 * API
 *	pan_ctx_char(p, n, eof, &len, &val)	class of the character at
 *				p; len its byte length; val the digit value.
 *	pan_ctx_high(c, n, s, e)	1 when a card keyword or an expiry
 *				date lies within PAN_CTX_CONF bytes before s
 *				or after e (the candidate is c[s..e)).
 *	pan_ctx_label(c, n, s)	1 when the label of another Luhn-checked
 *				identifier (IMEI, MEID, SIRET, SIREN, IBAN,
 *				EAN, GTIN; "no", "n°", "number" may
 *				follow it) ends right before c[s], only
 *				": # = . (" and white space between.
 *	pan_ctx_cvc(c, n, s, e, out, max)	CVC codes (3-4 digits after
 *				a CVC keyword) within PAN_CTX_CVC bytes of the
 *				candidate; out[k][0..1] = code start, end.
 *				Returns how many (at most max).
 * LIMITS
 *	Keyword case folding is ASCII only; non-ASCII keywords are listed
 *	in the case forms they are usually written in.
 */
#ifndef PAN_CTX_H
#define PAN_CTX_H

#include <stddef.h>
#include <stdint.h>

#define PAN_CTX_CONF	64	/* keyword / expiry distance, bytes */
#define PAN_CTX_CVC	100	/* CVC keyword + code distance, bytes */

enum pan_ctx_cls {
	PAN_CLS_OTHER = 0,	/* anything else: ends a number */
	PAN_CLS_ALNUM,		/* ASCII letter: glues to a number */
	PAN_CLS_DIGIT,		/* ASCII or Unicode decimal digit */
	PAN_CLS_SEP,		/* space, - . /, Unicode space/dash/ZW */
	PAN_CLS_CR,
	PAN_CLS_LF,
	PAN_CLS_GT,		/* '>' (quoting after a line break) */
	PAN_CLS_MORE		/* incomplete character: need more bytes */
};

enum pan_ctx_cls pan_ctx_char(const uint8_t *p, size_t n, int eof,
    size_t *len, int *val);
int pan_ctx_high(const uint8_t *c, size_t n, size_t s, size_t e);
int pan_ctx_label(const uint8_t *c, size_t n, size_t s);
size_t pan_ctx_cvc(const uint8_t *c, size_t n, size_t s, size_t e,
    size_t out[][2], size_t max);

#endif
