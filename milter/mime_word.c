/*
 * mime_word - RFC 2047 decoding.
 *
 * One left-to-right pass: memmem() finds each "=?", the word is checked
 * (charset, B/Q, text up to "?=") without backtracking past the next '?',
 * so every byte is looked at a bounded number of times. Decoded bytes of
 * adjacent words with the same charset collect in a pending run that is
 * converted to UTF-8 in one iconv() call when the run ends. Descriptors
 * come from a small LRU cache (struct mime_word_cache) that a caller can
 * keep across many header values, with a cap on iconv_open() calls.
 * Output grows by allocate-copy-wipe in the arena, never realloc.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mime_walk.h"
#include "mime_word.h"
#include "pm_text.h"

struct mime_word_buf {
	struct pm_arena *a;
	char *p;
	size_t len;
	size_t cap;
};


struct mime_word_tok {
	size_t start, end;		/* the whole word */
	size_t cs, cs_len;		/* charset (without *lang) */
	size_t txt, txt_len;		/* encoded text */
	int enc;			/* 'B' or 'Q' */
};

static const unsigned char mime_word_b64[256] = {
#define X 0xff
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

/* mime_word_reserve - make room for extra more bytes plus a NUL */
static int
mime_word_reserve(struct mime_word_buf *b, size_t extra)
{
	char *np = NULL;
	size_t ncap;

	if (b->cap - b->len > extra)
		return 0;
	ncap = b->cap * 2;
	if (ncap < b->len + extra + 1)
		ncap = b->len + extra + 1;
	if (ncap < 64)
		ncap = 64;
	np = pm_arena_alloc(b->a, ncap);
	if (np == NULL)
		return -1;
	if (b->p != NULL) {
		memcpy(np, b->p, b->len);
		pm_wipe(b->p, b->cap);
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

/* mime_word_put - append n bytes */
static int
mime_word_put(struct mime_word_buf *b, const void *s, size_t n)
{
	if (mime_word_reserve(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

/* mime_word_is_identity - charsets copied as they are */
static int
mime_word_is_identity(const char *cs)
{
	return cs == NULL || cs[0] == '\0' || strcasecmp(cs, "us-ascii") == 0
	    || strcasecmp(cs, "ascii") == 0 || strcasecmp(cs, "utf-8") == 0
	    || strcasecmp(cs, "utf8") == 0;
}

/* mime_word_cache_init - an empty descriptor cache */
void
mime_word_cache_init(struct mime_word_cache *c)
{
	memset(c, 0, sizeof(*c));
}

/* mime_word_cache_fini - close every cached descriptor */
void
mime_word_cache_fini(struct mime_word_cache *c)
{
	unsigned i;

	for (i = 0; i < MIME_WORD_CACHE; i++)
		if (c->e[i].open == 1)
			iconv_close((iconv_t)c->e[i].cd);
	memset(c, 0, sizeof(*c));
}

/*
 * mime_word_conv_get - the cached descriptor for cs (least recently used
 * slot replaced). Unknown names are cached too. After MIME_WORD_MAX_OPENS
 * iconv_open() calls a new charset counts as unknown: a header cycling
 * through charsets cannot buy an iconv_open() per word.
 */
static iconv_t
mime_word_conv_get(struct mime_word_cache *c, const char *cs)
{
	struct mime_word_cache_ent *e = &c->e[0];
	unsigned i;

	c->tick++;
	for (i = 0; i < MIME_WORD_CACHE; i++) {
		if (c->e[i].open != 0 && strcasecmp(c->e[i].name, cs) == 0) {
			c->e[i].used = c->tick;
			return c->e[i].open == 1 ? (iconv_t)c->e[i].cd :
			    (iconv_t)-1;
		}
		if (c->e[i].used < e->used)
			e = &c->e[i];
	}
	if (c->opens >= MIME_WORD_MAX_OPENS)
		return (iconv_t)-1;
	if (e->open == 1)
		iconv_close((iconv_t)e->cd);
	c->opens++;
	snprintf(e->name, sizeof(e->name), "%s", cs);
	e->cd = iconv_open("UTF-8", cs);
	e->open = (iconv_t)e->cd == (iconv_t)-1 ? -1 : 1;
	e->used = c->tick;
	return (iconv_t)e->cd;
}

/* mime_word_conv_run - append the UTF-8 form of in (charset cs) to b */
static int
mime_word_conv_run(struct mime_word_cache *c, struct mime_word_buf *b,
    const char *cs, const char *in, size_t n, int *raw)
{
	char *ip = (char *)in;
	size_t il = n, ol, before;
	char *op = NULL;
	iconv_t cd = (iconv_t)-1;
	size_t r;

	if (!mime_word_is_identity(cs))
		cd = mime_word_conv_get(c, cs);
	if (cd == (iconv_t)-1) {
		if (!mime_word_is_identity(cs) && raw != NULL)
			*raw = 1;
		return mime_word_put(b, in, n);
	}
	while (il > 0) {
		if (mime_word_reserve(b, il * 4 + 16) < 0)
			return -1;
		op = b->p + b->len;
		ol = b->cap - b->len - 1;
		before = ol;
		r = iconv(cd, &ip, &il, &op, &ol);
		b->len += before - ol;
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (mime_word_put(b, "\xef\xbf\xbd", 3) < 0)
			return -1;
		if (errno == EILSEQ) {
			ip++;
			il--;
		} else
			il = 0;		/* EINVAL: truncated at the end */
	}
	if (mime_word_reserve(b, 64) < 0)
		return -1;
	op = b->p + b->len;
	ol = b->cap - b->len - 1;
	before = ol;
	iconv(cd, NULL, NULL, &op, &ol);	/* shift back to initial */
	b->len += before - ol;
	iconv(cd, NULL, NULL, NULL, NULL);
	return 0;
}

/* mime_word_to_utf8 - convert one byte run from charset to UTF-8 */
pm_status
mime_word_to_utf8(struct pm_arena *a, const char *charset, const char *in,
    size_t n, char **out, size_t *outlen, int *raw)
{
	struct mime_word_buf b = { a, NULL, 0, 0 };
	struct mime_word_cache c;
	pm_status st = PM_ENOMEM;

	mime_word_cache_init(&c);
	if (raw != NULL)
		*raw = 0;
	if (mime_word_reserve(&b, n + 1) < 0)
		goto out;
	if (mime_word_conv_run(&c, &b, charset, in, n, raw) < 0)
		goto out;
	b.p[b.len] = '\0';
	*out = b.p;
	*outlen = b.len;
	st = PM_OK;
out:
	mime_word_cache_fini(&c);
	return st;
}

/* mime_word_parse - is there a well-formed encoded word at i? */
static int
mime_word_parse(const char *in, size_t n, size_t i, struct mime_word_tok *t,
    unsigned *defects)
{
	size_t j = i + 2, k;
	unsigned char ch;

	t->start = i;
	t->cs = j;
	while (j < n && in[j] != '?' && in[j] != '=' && j - t->cs <=
	    MIME_WORD_MAX_CHARSET && (unsigned char)in[j] > ' ' &&
	    (unsigned char)in[j] < 0x7f)
		j++;
	if (j >= n || in[j] != '?' || j == t->cs ||
	    j - t->cs > MIME_WORD_MAX_CHARSET)
		return 0;
	t->cs_len = j - t->cs;
	if (j + 2 >= n || in[j + 2] != '?' ||
	    strchr("BbQq", in[j + 1]) == NULL || in[j + 1] == '\0')
		return 0;
	t->enc = toupper((unsigned char)in[j + 1]);
	t->txt = j + 3;
	for (k = t->txt; k < n; k++) {
		ch = (unsigned char)in[k];
		if (ch == '?' || ch <= ' ' || ch == 0x7f)
			break;
		if (t->enc == 'B' && ch != '=' && mime_word_b64[ch] == 0xff)
			break;
	}
	if (k + 1 >= n || in[k] != '?' || in[k + 1] != '=') {
		*defects |= MIME_DEFECT_BAD_ENCODED_WORD;
		return 0;
	}
	t->txt_len = k - t->txt;
	t->end = k + 2;
	return 1;
}

/* mime_word_decode_text - append the B or Q decoded text of t to b */
static int
mime_word_decode_text(const char *in, const struct mime_word_tok *t,
    struct mime_word_buf *b)
{
	const unsigned char *s = (const unsigned char *)in + t->txt;
	size_t i, n = t->txt_len, o;
	unsigned acc = 0, bits = 0;
	int hi, lo;

	if (mime_word_reserve(b, n) < 0)
		return -1;
	o = b->len;
	for (i = 0; i < n; i++) {
		if (t->enc == 'B') {
			if (s[i] == '=')
				break;
			acc = (acc << 6) | mime_word_b64[s[i]];
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				b->p[o++] = (char)((acc >> bits) & 0xff);
			}
		} else if (s[i] == '_') {
			b->p[o++] = ' ';
		} else if (s[i] == '=' && i + 2 < n &&
		    (hi = pm_hexval(s[i + 1])) >= 0 &&
		    (lo = pm_hexval(s[i + 2])) >= 0) {
			b->p[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			b->p[o++] = (char)s[i];
		}
	}
	b->len = o;
	return 0;
}

/* mime_word_all_ws - only white space (the gap between two words)? */
static int
mime_word_all_ws(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

struct mime_word_state {
	struct mime_word_buf out;
	struct mime_word_buf run;	/* decoded bytes of the current run */
	char cs[MIME_WORD_MAX_CHARSET + 1];
	int in_run;
	struct mime_word_cache *conv;
};

/* mime_word_flush - convert the pending run into the output */
static int
mime_word_flush(struct mime_word_state *s)
{
	char *star = NULL;

	if (!s->in_run)
		return 0;
	s->in_run = 0;
	star = strchr(s->cs, '*');	/* RFC 2231 language suffix */
	if (star != NULL)
		*star = '\0';
	if (mime_word_conv_run(s->conv, &s->out, s->cs, s->run.p,
	    s->run.len, NULL) < 0)
		return -1;
	if (s->run.p != NULL)
		pm_wipe(s->run.p, s->run.len);
	s->run.len = 0;
	return 0;
}

/* mime_word_take - add a parsed word to the run (new run on charset) */
static int
mime_word_take(struct mime_word_state *s, const char *in,
    const struct mime_word_tok *t)
{
	if (s->in_run && (strlen(s->cs) != t->cs_len ||
	    strncasecmp(s->cs, in + t->cs, t->cs_len) != 0))
		if (mime_word_flush(s) < 0)
			return -1;
	if (!s->in_run) {
		memcpy(s->cs, in + t->cs, t->cs_len);
		s->cs[t->cs_len] = '\0';
		s->in_run = 1;
	}
	return mime_word_decode_text(in, t, &s->run);
}

/* mime_word_decode_cached - mime_word_decode() with the caller's cache */
pm_status
mime_word_decode_cached(struct pm_arena *a, struct mime_word_cache *cache,
    const char *in, size_t n, char **out, size_t *outlen, unsigned *defects)
{
	struct mime_word_state s;
	struct mime_word_tok t;
	const char *hit = NULL;
	size_t pos = 0, lit = 0, idx;
	unsigned dummy = 0;

	memset(&s, 0, sizeof(s));
	s.out.a = s.run.a = a;
	s.conv = cache;
	if (defects == NULL)
		defects = &dummy;
	if (mime_word_reserve(&s.out, n + 1) < 0)
		return PM_ENOMEM;
	while (pos + 1 < n && (hit = memmem(in + pos, n - pos, "=?", 2))) {
		idx = (size_t)(hit - in);
		if (!mime_word_parse(in, n, idx, &t, defects)) {
			pos = idx + 2;
			continue;
		}
		if (!(s.in_run && mime_word_all_ws(in + lit, idx - lit))) {
			if (mime_word_flush(&s) < 0 ||
			    mime_word_put(&s.out, in + lit, idx - lit) < 0)
				return PM_ENOMEM;
		}
		if (mime_word_take(&s, in, &t) < 0)
			return PM_ENOMEM;
		pos = lit = t.end;
	}
	if (mime_word_flush(&s) < 0 ||
	    mime_word_put(&s.out, in + lit, n - lit) < 0 ||
	    mime_word_reserve(&s.out, 1) < 0)
		return PM_ENOMEM;
	s.out.p[s.out.len] = '\0';
	*out = s.out.p;
	*outlen = s.out.len;
	return PM_OK;
}

/* mime_word_decode - decode the encoded words of a header value */
pm_status
mime_word_decode(struct pm_arena *a, const char *in, size_t n, char **out,
    size_t *outlen, unsigned *defects)
{
	struct mime_word_cache c;
	pm_status st;

	mime_word_cache_init(&c);
	st = mime_word_decode_cached(a, &c, in, n, out, outlen, defects);
	mime_word_cache_fini(&c);
	return st;
}
