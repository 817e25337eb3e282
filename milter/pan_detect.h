/*
 * NAME
 *	pan_detect - streaming detector for card numbers and track data
 * OWNS
 *	A small carry-over window (bounded, wiped on reset/free) so that a
 *	number split across two feeds is still found.
 * PROMISES
 *	- The same hits, with the same offsets, whatever the chunking of
 *	  the input (a test splits every fixture at every offset).
 *	- A PAN is 13-19 digits, Luhn-valid, with a brand (pan_card). Digits
 *	  may be separated by space, '-', '.', '/', NBSP, thin/narrow and
 *	  other Unicode spaces, zero-width characters, alone or in short
 *	  runs, and a line break (with optional '>' quoting); Unicode
 *	  decimal digits (full-width, Arabic-Indic, ...) count as digits.
 *	  A candidate glued to letters or to a longer digit run, or right
 *	  after a '+' (an E.164 phone number), is ignored.
 *	  In a digit sequence (digits joined by separator runs) the whole
 *	  sequence is the candidate when it has 13-19 digits; otherwise,
 *	  or if it fails, group-aligned sub-ranges that are one group or
 *	  a card grouping (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3, one separator)
 *	  are tried, longest first, never overlapping an accepted one: so
 *	  "4111 1111 1111 1111 1234" gives the 16-digit PAN once, a 20+
 *	  digit id nothing.
 *	- Hits per PAN, in stream order: PAN_KIND_PAN (HIGH with a card
 *	  keyword or expiry date within 64 bytes, card grouping, track
 *	  data or a CVC; else MEDIUM); then, for track data, a TRACK1 or
 *	  TRACK2 hit (HIGH, same digits, start/end = the whole track data);
 *	  then one PAN_KIND_CVC hit per code (HIGH, the PAN's digits,
 *	  start/end = the code) found within 100 bytes.
 *	- Track 1 / track 2 data (with or without sentinels, EMV tag 57 in
 *	  hex) are reported as PAN_KIND_TRACK1 / PAN_KIND_TRACK2; a CVC
 *	  after a CVC keyword near a PAN is PAN_KIND_CVC (code not given).
 *	- The digits handed to the callback live in a buffer owned by the
 *	  detector that is wiped right after the callback returns.
 * API
 *	pan_detect_new(cb, arg)	NULL on ENOMEM; input is UTF-8 text (or
 *				raw bytes, where only ASCII digits count).
 *	pan_detect_feed(d, p, n)	feed the next n bytes.
 *	pan_detect_finish(d)	end of stream: flush pending hits.
 *	pan_detect_reset(d)	ready for a new stream (offsets restart 0).
 *	pan_detect_free(d)	wipe and free; NULL is fine.
 *	pan_detect_buf(p, n, cb, arg)	one-shot over a whole buffer.
 *	pan_detect_has_pan(p, n)	1 when the buffer holds a PAN (any
 *				confidence; also 1 when out of memory, to
 *				fail closed); for tripwires and tests.
 *	pan_detect_set_kernel(k)	test hook: kernel for detectors made
 *				after it, 0 auto, 1 scalar, 2 SSE2, 3 AVX2,
 *				4 AVX2 with the PEXT test for digit-dense
 *				blocks (each if the CPU has it); returns
 *				the old value.
 */
#ifndef PAN_DETECT_H
#define PAN_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "pan_card.h"
#include "pm_status.h"

enum pan_kind {
	PAN_KIND_PAN = 0,
	PAN_KIND_TRACK1,
	PAN_KIND_TRACK2,
	PAN_KIND_CVC
};

enum pan_conf {
	PAN_CONF_MEDIUM = 1,	/* Luhn + brand, nothing else around */
	PAN_CONF_HIGH = 2	/* keyword, expiry date or card grouping */
};

struct pan_hit {
	enum pan_kind kind;
	enum pan_conf conf;
	const struct pan_brand *brand;
	const char *digits;	/* ASCII digits of the PAN, NOT NUL-terminated;
				   valid only during the callback */
	size_t ndigits;
	uint64_t start;		/* byte offset of the first digit */
	uint64_t end;		/* byte offset just past the last digit */
};

typedef void (*pan_detect_cb)(void *arg, const struct pan_hit *hit);

struct pan_detect;

struct pan_detect *pan_detect_new(pan_detect_cb cb, void *arg);
void pan_detect_feed(struct pan_detect *d, const void *p, size_t n);
void pan_detect_finish(struct pan_detect *d);
void pan_detect_reset(struct pan_detect *d);
void pan_detect_free(struct pan_detect *d);
pm_status pan_detect_buf(const void *p, size_t n, pan_detect_cb cb,
    void *arg);
int pan_detect_has_pan(const void *p, size_t n);
int pan_detect_set_kernel(int k);

const char *pan_kind_str(enum pan_kind k);	/* "pan","track1",... */
const char *pan_conf_str(enum pan_conf c);	/* "medium","high" */

#endif
