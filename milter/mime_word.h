/*
 * NAME
 *	mime_word - RFC 2047 encoded words (B and Q) to UTF-8
 * OWNS
 *	Nothing beyond the call: every output string is allocated in the
 *	caller's arena and NUL-terminated.
 * PROMISES
 *	- Total: malformed encoded words are left as they are (and flagged
 *	  MIME_DEFECT_BAD_ENCODED_WORD); an unknown charset keeps the raw
 *	  bytes of the decoded word; invalid input sequences become U+FFFD.
 *	- Adjacent encoded words separated only by white space are joined
 *	  (the white space is dropped) and decoded as one byte run, so a
 *	  multi-byte character split across two words survives.
 *	- Words are recognised anywhere in the text (not only between
 *	  spaces), as Outlook and most MUAs write and read them.
 *	- Linear time in the input: no rescans, one iconv descriptor per
 *	  charset change (a header of thousands of words stays cheap).
 * API
 *	mime_word_decode(a, in, n, &out, &outlen, &defects)	decode every
 *				encoded word of a header value; PM_OK or
 *				PM_ENOMEM. out is never NULL on PM_OK.
 *	mime_word_decode_cached(a, &cache, in, n, &out, &outlen, &defects)
 *				the same, reusing iconv descriptors from a
 *				cache the caller keeps across many values.
 *	mime_word_cache_init(&cache) / mime_word_cache_fini(&cache)
 *				set up / close the descriptors (fini is
 *				required once init was called).
 *	mime_word_to_utf8(a, charset, in, n, &out, &outlen)	convert a
 *				byte run from charset to UTF-8 with iconv;
 *				NULL/unknown charset, us-ascii and utf-8 copy
 *				the bytes. Returns 1 in *raw when the charset
 *				was unknown. PM_OK or PM_ENOMEM.
 * LIMITS
 *	A charset name longer than MIME_WORD_MAX_CHARSET is not a charset:
 *	the word is left as it is. The RFC 2047 75-character word limit is
 *	not enforced (real mail breaks it). At most MIME_WORD_MAX_OPENS
 *	iconv_open() calls per cache: later new charsets keep raw bytes
 *	(a header cycling through charsets cannot cost one open per word).
 * SEE ALSO
 *	RFC 2047, RFC 2231 section 5 (language suffix "charset*lang").
 */
#ifndef MIME_WORD_H
#define MIME_WORD_H

#include <stddef.h>

#include "pm_arena.h"
#include "pm_status.h"

#define MIME_WORD_MAX_CHARSET	64
#define MIME_WORD_CACHE		4	/* descriptors kept */
#define MIME_WORD_MAX_OPENS	64	/* iconv_open() calls per cache */

struct mime_word_cache_ent {
	void *cd;			/* iconv_t */
	int open;			/* 0 free, 1 open, -1 unknown */
	unsigned used;			/* LRU tick */
	char name[MIME_WORD_MAX_CHARSET + 1];
};

struct mime_word_cache {
	struct mime_word_cache_ent e[MIME_WORD_CACHE];
	unsigned tick;
	unsigned opens;
};

pm_status mime_word_decode(struct pm_arena *a, const char *in, size_t n,
    char **out, size_t *outlen, unsigned *defects);
pm_status mime_word_decode_cached(struct pm_arena *a,
    struct mime_word_cache *cache, const char *in, size_t n, char **out,
    size_t *outlen, unsigned *defects);
void mime_word_cache_init(struct mime_word_cache *c);
void mime_word_cache_fini(struct mime_word_cache *c);
pm_status mime_word_to_utf8(struct pm_arena *a, const char *charset,
    const char *in, size_t n, char **out, size_t *outlen, int *raw);

#endif
