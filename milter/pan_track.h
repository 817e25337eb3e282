/*
 * NAME
 *	pan_track - follow digit sequences through the stream: separator
 *	runs, candidate ranges, glue, track data; queue and report hits
 * OWNS
 *	struct pan_track (embedded in the detector): the look-back ring
 *	(last PAN_TRACK_RING bytes of the stream), the groups of the
 *	sequence being read, the queue of accepted candidates waiting for
 *	their after-context, and the digits buffer handed to the callback.
 *	Everything that held stream bytes is wiped when no longer needed
 *	(groups at sequence end, candidates after evaluation, the digits
 *	after the callback); the owner wipes the struct on reset/free.
 * PROMISES
 *	- Hits are a function of the stream bytes only: the tokenizer may
 *	  be started at any character boundary outside a digit sequence
 *	  and stopped anywhere (a character cut by the end of the feed is
 *	  resumed later), and a candidate is evaluated only when its whole
 *	  context window is known, so chunking never changes a hit.
 *	- Sequence and candidate rules: see pan_detect.c's header.
 *	- Track data: track 1 ['%']['B'] PAN '^' NAME(1-26) '^' YYMM SVC..
 *	  ['?']; track 2 [';'] PAN '=' YYMM SVC.. ['?'] (at least 7 digits
 *	  after '='); EMV tag 57 in hex, "57" LL [' '] PAN 'D' YYMM SVC..
 *	  ['F'..] (PAN possibly glued to the tag), reported as track 2.
 * API
 *	pan_track_run(t, from, lim)	tokenize stream bytes up to lim,
 *				skipping to `from` first when idle.
 *	pan_track_end(t)	end of stream: close the open sequence.
 *	pan_track_flush(t, final)	evaluate and report the candidates
 *				whose after-context is known (all if final).
 *	pan_track_view_copy(v, a, b, out)	stream bytes [a, b) from
 *				the ring and the current feed.
 *	pan_track_find(c, n, s, e, &m)	1 when c[s..e) is the PAN of
 *				track data in c[0..n); m says which and where.
 *	pan_track_set_quick(on)	test hook: turn the quick rejection of
 *				runs with no possible candidate on (1, the
 *				default) or off (0); returns the old value.
 * LIMITS
 *	The caller keeps v.cp/cbase/cend pointing at the current feed and
 *	the ring filled with the bytes before it; reads reach at most
 *	~700 bytes back. Discretionary track data is followed over digits
 *	only.
 */
#ifndef PAN_TRACK_H
#define PAN_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "pan_detect.h"

#define PAN_TRACK_RING	2048	/* look-back bytes (power of two) */
#define PAN_TRACK_QMAX	64	/* pending candidates (~10 needed) */
#define PAN_TRACK_GRING	32	/* groups remembered (ranges use <= 19) */
#define PAN_TRACK_GDIG	24	/* digits stored per group */
#define PAN_TRACK_SEPMAX 16	/* bytes of a separator run kept */

struct pan_track_m {
	enum pan_kind kind;	/* PAN_KIND_TRACK1 or PAN_KIND_TRACK2 */
	int emv;		/* 1: EMV tag 57 form */
	size_t start;		/* first byte of the track data */
	size_t end;		/* just past its last byte */
};

struct pan_track_view {
	const uint8_t *cp;	/* stream bytes [cbase, cend) */
	uint64_t cbase, cend;
	int eof;		/* cend is the end of the stream */
	uint8_t ring[PAN_TRACK_RING];	/* byte x at ring[x % RING] */
};

struct pan_track_group {
	uint64_t start, end;	/* first digit byte, past the last */
	uint32_t nd;		/* digits (> GDIG: too long to use) */
	uint8_t seplen;		/* bytes of the separator before; 0xff: long */
	char sep[PAN_TRACK_SEPMAX];
	char dig[PAN_TRACK_GDIG];
};

struct pan_track_cand {
	uint64_t start, end;
	const struct pan_brand *brand;
	uint8_t n;
	uint8_t grouped;	/* card-style grouping */
	uint8_t need_emv;	/* only valid as EMV tag 57 data */
	char lglue, rglue;	/* letter touching the left/right, or 0 */
	char dig[PAN_MAX_DIGITS];
};

enum pan_track_state { PAN_TRACK_IDLE, PAN_TRACK_DIG, PAN_TRACK_SEP };

struct pan_track {
	pan_detect_cb cb;
	void *arg;
	struct pan_track_view v;
	uint64_t tok_pos;	/* next byte the tokenizer reads */
	enum pan_track_state st;
	char lglue, rglue;
	uint32_t ng, tot, eval_next;
	int longmode;		/* sequence has > 19 digits */
	int iban;		/* it may be an IBAN: two capitals before
				 * it, its first group not yet closed or of
				 * two digits (pan_track_iban) */
	int64_t last_acc;	/* last group ending an accepted range */
	struct pan_track_group g[PAN_TRACK_GRING];
	uint8_t nsimple, nbreak, ngt, lastcr, seplen;
	char sep[PAN_TRACK_SEPMAX];
	struct pan_track_cand q[PAN_TRACK_QMAX];
	size_t qhead, qn;
	char hitdig[PAN_MAX_DIGITS];
};

void pan_track_run(struct pan_track *t, uint64_t from, uint64_t lim);
void pan_track_end(struct pan_track *t);
void pan_track_flush(struct pan_track *t, int final);
void pan_track_view_copy(const struct pan_track_view *v, uint64_t a,
    uint64_t b, uint8_t *out);
int pan_track_find(const uint8_t *c, size_t n, size_t s, size_t e,
    struct pan_track_m *m);
int pan_track_set_quick(int on);

#endif
