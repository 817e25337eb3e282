/*
 * scan_leaf - per-part pipeline.
 *
 * Every stage works on whole buffers: the part body is already in memory
 * (the message buffer), so decoding into the work arena and releasing it
 * after the part keeps peak memory near one decoded part. Streams are fed
 * to the one detector strictly one after the other (reset, feed, finish),
 * so nested archives and messages never interleave two streams.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "dec_archive.h"
#include "dec_b64.h"
#include "dec_iconv.h"
#include "dec_markup.h"
#include "dec_pdf.h"
#include "dec_qp.h"
#include "dec_uu.h"
#include "pm_cpu.h"
#include "pm_find.h"
#include "scan_leaf.h"
#include "scan_out.h"
#include "scan_prot.h"


static pm_status scan_leaf_bytes(struct scan_ctx *, const char *name,
    const char *type, const char *charset, const unsigned char *p,
    size_t n);

/* scan_leaf_timeout - whether the per-message time limit has passed */
static int
scan_leaf_timeout(struct scan_ctx *ctx)
{
	if (ctx->deadline == 0 || time(NULL) < ctx->deadline)
		return 0;
	scan_ctx_mark_unscannable(ctx, "scan_timeout");
	return 1;
}

/* scan_leaf_stream - one text stream through the detector */
static void
scan_leaf_stream(struct scan_ctx *ctx, const unsigned char *p, size_t n)
{
	pan_detect_reset(ctx->det);
	pan_detect_feed(ctx->det, p, n);
	pan_detect_finish(ctx->det);
	ctx->decoded += n;
}

/* scan_leaf_label - "prefix" + name, with any PAN in name masked */
static void
scan_leaf_label(char *dst, size_t cap, const char *prefix, const char *name)
{
	char *safe = scan_safe_text(name, strlen(name));

	snprintf(dst, cap, "%s%s", prefix, safe ? safe : "?");
	free(safe);
}

/* scan_leaf_header - scan one (decoded) header value */
pm_status
scan_leaf_header(void *arg, const char *path, const char *name,
    const char *value, size_t len)
{
	struct scan_ctx *ctx = arg;
	char where[SCAN_WHERE_MAX];

	scan_leaf_label(where, sizeof(where), "header:", name);
	ctx->part = path;
	ctx->where = where;
	scan_leaf_stream(ctx, (const unsigned char *)value, len);
	ctx->where = NULL;
	return ctx->err;
}

/* scan_leaf_kind - how a part is read: text, markup or binary */
enum scan_kind
scan_leaf_kind(const char *type, const char *name)
{
	static const char *const text_types[] = {
		"application/json", "application/csv", "application/javascript",
		"application/x-sh", "application/rtf", "application/x-yaml",
		"message/delivery-status", "message/disposition-notification",
		"message/feedback-report", "application/pgp-keys", NULL
	};
	static const char *const markup_ext[] = {
		".htm", ".html", ".xml", ".xhtml", ".svg", ".rels", NULL
	};
	static const char *const text_ext[] = {
		".txt", ".csv", ".tsv", ".json", ".log", ".eml", ".ini",
		".md", ".rtf", ".sql", ".yaml", ".yml", NULL
	};
	size_t i, nl = name ? strlen(name) : 0;

	if (type != NULL) {
		if (strcmp(type, "text/html") == 0 || strstr(type, "xml"))
			return SCAN_K_MARKUP;
		if (strncmp(type, "text/", 5) == 0)
			return SCAN_K_TEXT;
		for (i = 0; text_types[i] != NULL; i++)
			if (strcmp(type, text_types[i]) == 0)
				return SCAN_K_TEXT;
	}
	for (i = 0; name != NULL && markup_ext[i] != NULL; i++)
		if (nl >= strlen(markup_ext[i]) && strcasecmp(name + nl
		    - strlen(markup_ext[i]), markup_ext[i]) == 0)
			return SCAN_K_MARKUP;
	for (i = 0; name != NULL && text_ext[i] != NULL; i++)
		if (nl >= strlen(text_ext[i]) && strcasecmp(name + nl
		    - strlen(text_ext[i]), text_ext[i]) == 0)
			return SCAN_K_TEXT;
	return SCAN_K_BINARY;
}

/* scan_leaf_text - charset to UTF-8, markup out, detector */
static pm_status
scan_leaf_text(struct scan_ctx *ctx, enum scan_kind k, const char *charset,
    const unsigned char *p, size_t n)
{
	const unsigned char *u = NULL;
	unsigned char *m;
	size_t ulen = 0;
	unsigned flags = 0;
	pm_status st;

	if ((st = dec_iconv(ctx->arena, charset, p, n, &u, &ulen,
	    &flags)) != PM_OK)
		return st;
	if (k != SCAN_K_MARKUP) {
		scan_leaf_stream(ctx, u, ulen);
		return PM_OK;
	}
	/* markup: the text as a reader sees it (numbers split by tags or
	 * written as references), then the markup as written, for what the
	 * text hides: attributes, comments, scripts. The second pass reports
	 * only card numbers the first did not find in this part. */
	if ((m = pm_arena_alloc(ctx->arena, ulen + 1)) == NULL)
		return PM_ENOMEM;
	ctx->part_first = ctx->res->nfindings;
	scan_leaf_stream(ctx, m, dec_markup(u, ulen, m));
	ctx->raw_pass = 1;
	scan_leaf_stream(ctx, u, ulen);
	ctx->raw_pass = 0;
	ctx->decoded -= ulen;		/* counted once */
	return PM_OK;
}

/* scan_leaf_u16_unit - one UTF-16LE unit: text out, or break the run */
static inline void
scan_leaf_u16_unit(unsigned char *out, size_t *o, int *brk, unsigned u)
{
	if (u >= 0x20 && u < 0x7f) {
		out[(*o)++] = (unsigned char)u;
		*brk = 0;
	} else if ((u >= 0xff10 && u <= 0xff19) || u == 0xa0
	    || (u >= 0x2000 && u <= 0x200d)
	    || (u >= 0x660 && u <= 0x669)
	    || (u >= 0x6f0 && u <= 0x6f9)) {
		if (u < 0x800) {
			out[(*o)++] = (unsigned char)(0xc0 | u >> 6);
		} else {
			out[(*o)++] = (unsigned char)(0xe0 | u >> 12);
			out[(*o)++] = (unsigned char)(0x80
			    | ((u >> 6) & 0x3f));
		}
		out[(*o)++] = (unsigned char)(0x80 | (u & 0x3f));
		*brk = 0;
	} else if (!*brk) {
		out[(*o)++] = '\n';	/* break the run */
		*brk = 1;
	}
}

#if defined(__SSE2__)
/* scan_leaf_u16_in - lanes of u in [lo, lo + len) (16-bit, unsigned) */
static inline __m128i
scan_leaf_u16_in(__m128i u, unsigned lo, unsigned len)
{
	const __m128i bias = _mm_set1_epi16((short)0x8000);

	return _mm_cmplt_epi16(_mm_xor_si128(_mm_sub_epi16(u,
	    _mm_set1_epi16((short)lo)), bias),
	    _mm_xor_si128(_mm_set1_epi16((short)len), bias));
}

/* scan_leaf_u16_any - 1 when one of the 8 units at p is text */
static inline int
scan_leaf_u16_any(const unsigned char *p)
{
	const __m128i u = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m;

	m = _mm_or_si128(scan_leaf_u16_in(u, 0x20, 0x5f),
	    scan_leaf_u16_in(u, 0xff10, 10));
	m = _mm_or_si128(m, _mm_or_si128(scan_leaf_u16_in(u, 0x2000, 0x0e),
	    _mm_cmpeq_epi16(u, _mm_set1_epi16(0xa0))));
	m = _mm_or_si128(m, _mm_or_si128(scan_leaf_u16_in(u, 0x660, 10),
	    scan_leaf_u16_in(u, 0x6f0, 10)));
	return _mm_movemask_epi8(m) != 0;
}
#endif

#if defined(__x86_64__)
#define SCAN_LEAF_AVX2	__attribute__((target("avx2")))

/* scan_leaf_u16_in_avx2 - lanes of u in [lo, lo + len) (16-bit) */
SCAN_LEAF_AVX2 static inline __m256i
scan_leaf_u16_in_avx2(__m256i u, unsigned lo, unsigned len)
{
	const __m256i d = _mm256_sub_epi16(u, _mm256_set1_epi16((short)lo));

	return _mm256_cmpeq_epi16(_mm256_min_epu16(d,
	    _mm256_set1_epi16((short)(len - 1))), d);
}

/* scan_leaf_u16_skip_avx2 - the first i (stepping 32 bytes, while
 * i + 32 <= lim) whose 16 units hold text as scan_leaf_u16_unit sees it;
 * the units before it hold none */
SCAN_LEAF_AVX2 static size_t
scan_leaf_u16_skip_avx2(const unsigned char *p, size_t i, size_t lim)
{
	__m256i u, m;

	for (; i + 32 <= lim; i += 32) {
		u = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		m = _mm256_or_si256(scan_leaf_u16_in_avx2(u, 0x20, 0x5f),
		    scan_leaf_u16_in_avx2(u, 0xff10, 10));
		m = _mm256_or_si256(m, _mm256_or_si256(
		    scan_leaf_u16_in_avx2(u, 0x2000, 0x0e),
		    _mm256_cmpeq_epi16(u, _mm256_set1_epi16(0xa0))));
		m = _mm256_or_si256(m, _mm256_or_si256(
		    scan_leaf_u16_in_avx2(u, 0x660, 10),
		    scan_leaf_u16_in_avx2(u, 0x6f0, 10)));
		if (!_mm256_testz_si256(m, m))
			break;
	}
	return i;
}
#endif

/* scan_leaf_u16_pass - the text of the units at p[i], p[i+2], .. before
 * p[e] (and before p[n]); *brk carries the run state between calls; avx2:
 * pm_cpu_avx2(), asked once by the caller */
static size_t
scan_leaf_u16_pass(const unsigned char *p, size_t n, size_t i, size_t e,
    int *brk, unsigned char *out, int avx2)
{
	size_t o = 0, k;

	while (i < e && i + 1 < n) {
#if defined(__x86_64__)
		/* 16 units at a time with no text: at most the one break
		 * the scalar loop would write (as the SSE2 step below) */
		size_t j;

		if (avx2 && (j = scan_leaf_u16_skip_avx2(p, i, e < n ? e :
		    n)) != i) {
			if (!*brk) {
				out[o++] = '\n';
				*brk = 1;
			}
			i = j;
			continue;
		}
#else
		(void)avx2;
#endif
#if defined(__SSE2__)
		/* 8 units with no text (most of binary data): at most the
		 * one break the scalar loop would write */
		if (i + 16 <= e && i + 16 <= n && !scan_leaf_u16_any(p + i)) {
			if (!*brk) {
				out[o++] = '\n';
				*brk = 1;
			}
			i += 16;
			continue;
		}
#endif
		for (k = 0; k < 8 && i < e && i + 1 < n; k++, i += 2)
			scan_leaf_u16_unit(out, &o, brk,
			    p[i] | (unsigned)p[i + 1] << 8);
	}
	return o;
}

/*
 * scan_leaf_utf16 - text runs of UTF-16LE inside binary data, as UTF-8.
 * Each alignment is one stream, converted and fed a slice at a time
 * into one small buffer (the detector does not depend on how a stream
 * is cut), so a 2 MB binary does not take, and then wipe, a 3 MB buffer.
 */
#define SCAN_LEAF_U16_SLICE	16384	/* input bytes per slice (even) */

static pm_status
scan_leaf_utf16(struct scan_ctx *ctx, const unsigned char *p, size_t n)
{
	unsigned char *out;
	size_t align, i, o, total;
	int brk, avx2 = pm_cpu_avx2();

	if (n < 26 || memchr(p, 0, n) == NULL)
		return PM_OK;
	if ((out = pm_arena_alloc(ctx->arena, SCAN_LEAF_U16_SLICE / 2 * 3 +
	    4)) == NULL)
		return PM_ENOMEM;
	for (align = 0; align < 2; align++) {
		brk = 1;
		total = 0;
		for (i = align; i + 1 < n; i += SCAN_LEAF_U16_SLICE) {
			o = scan_leaf_u16_pass(p, n, i, i + SCAN_LEAF_U16_SLICE,
			    &brk, out, avx2);
			if (o == 0)
				continue;
			if (total == 0)
				pan_detect_reset(ctx->det);
			pan_detect_feed(ctx->det, out, o);
			total += o;
		}
		if (total > 0) {	/* as scan_leaf_stream, in slices */
			pan_detect_finish(ctx->det);
			ctx->decoded += total;
		}
	}
	return PM_OK;
}

/* scan_leaf_entry - archive callback: one entry, as its own part */
struct scan_entry_arg {
	struct scan_ctx *ctx;
	const char *name;	/* the archive's own name */
};

static pm_status
scan_leaf_entry(void *arg, const char *name, const unsigned char *data,
    size_t len)
{
	struct scan_entry_arg *ea = arg;
	struct scan_ctx *ctx = ea->ctx;
	char full[SCAN_WHERE_MAX];

	if (scan_leaf_timeout(ctx))
		return PM_ELIMIT;
	snprintf(full, sizeof(full), "%s/%s", ea->name ? ea->name : "", name);
	return scan_leaf_bytes(ctx, full, NULL, NULL, data, len);
}

/* scan_leaf_archive - walk an archive, one nesting level deeper; *read
 * is 0 when nothing could be read from it (not an archive after all,
 * or damaged), so the caller scans the bytes themselves */
static pm_status
scan_leaf_archive(struct scan_ctx *ctx, const char *name,
    const unsigned char *p, size_t n, int *read)
{
	struct dec_archive_res ar;
	struct scan_entry_arg ea = { ctx, name };
	char why[96];
	pm_status st;

	if (ctx->archive_depth >= ctx->opts->lim.max_archive_depth) {
		scan_ctx_mark_unscannable(ctx, "max_archive_depth");
		*read = 1;
		return PM_OK;
	}
	memset(&ar, 0, sizeof(ar));
	*read = 1;
	ctx->archive_depth++;
	st = dec_archive_walk(ctx->arena, p, n, &ctx->opts->lim,
	    scan_leaf_entry, &ea, &ar);
	ctx->archive_depth--;
	*read = !ar.damaged && (ar.entries > 0 || ar.encrypted > 0);
	if (st == PM_ELIMIT) {
		scan_ctx_mark_unscannable(ctx, ar.limit ? ar.limit
		    : ctx->res->reason[0] ? ctx->res->reason : "archive limit");
		st = PM_OK;
	}
	if (ar.encrypted > 0) {
		snprintf(why, sizeof(why), "encrypted archive entry");
		scan_ctx_mark_unscannable(ctx, why);
	}
	if (ar.damaged)
		ctx->res->defects |= SCAN_DEFECT_ARCHIVE_DAMAGED;
	return st;
}

/* scan_leaf_pdf_text - dec_pdf callback: the text of one stream */
static pm_status
scan_leaf_pdf_text(void *arg, const unsigned char *text, size_t len)
{
	struct scan_ctx *ctx = arg;

	if (scan_leaf_timeout(ctx))
		return PM_ELIMIT;
	if (ctx->decoded + len > ctx->opts->lim.max_decoded_size) {
		scan_ctx_mark_unscannable(ctx, "max_decoded_size");
		return PM_ELIMIT;
	}
	scan_leaf_stream(ctx, text, len);
	return ctx->err;
}

/*
 * scan_leaf_pdf - the text of a PDF's streams (compressed page text,
 * form field values), after its raw bytes were scanned: reports only
 * card numbers the raw pass did not find in this part (from `first`).
 * An encrypted PDF is unscannable, like an encrypted archive entry.
 */
static pm_status
scan_leaf_pdf(struct scan_ctx *ctx, const unsigned char *p, size_t n,
    size_t first)
{
	const struct pm_limits *lim = &ctx->opts->lim;
	struct dec_pdf_res pr;
	pm_status st;

	ctx->part_first = first;
	ctx->raw_pass = 1;
	st = dec_pdf_text(ctx->arena, p, n, lim, lim->max_decoded_size >
	    ctx->decoded ? lim->max_decoded_size - ctx->decoded : 0,
	    scan_leaf_pdf_text, ctx, &pr);
	ctx->raw_pass = 0;
	if (st == PM_ELIMIT) {
		/* unnamed: the callback's own limit, already marked */
		scan_ctx_mark_unscannable(ctx, pr.limit ? pr.limit : "limit");
		st = PM_OK;
	}
	if (pr.encrypted)
		scan_ctx_mark_unscannable(ctx, "encrypted PDF");
	return st;
}

/* scan_leaf_uu_begin - offset of an inline "begin NNN name" line, or n */
static size_t
scan_leaf_uu_begin(const unsigned char *p, size_t n, size_t from)
{
	const unsigned char *b;
	size_t i, d;

	for (;;) {
		/* a line start: the part's first byte or after a '\n' */
		if (from == 0 && n >= 6 && memcmp(p, "begin ", 6) == 0)
			i = 0;
		else if (from + 10 <= n && (b = pm_memmem(p + from - (from > 0),
		    n - from + (from > 0), "\nbegin ", 7)) != NULL)
			i = (size_t)(b - p) + 1;
		else
			return n;
		from = i + 6;
		for (d = 0; from + d < n && p[from + d] >= '0'
		    && p[from + d] <= '7'; d++)
			;
		if (d >= 3 && d <= 4 && from + d < n && p[from + d] == ' ')
			return i;
	}
}

/* scan_leaf_uu - inline uuencoded blocks in a text part (no
 * Content-Transfer-Encoding says so): each decoded and scanned as an
 * attachment of its own, so a file pasted that way is not missed */
static pm_status
scan_leaf_uu(struct scan_ctx *ctx, const char *name,
    const unsigned char *p, size_t n)
{
	const unsigned char *e;
	unsigned char *out;
	size_t at = 0, end, len;
	pm_status st = PM_OK;

	while (st == PM_OK && (at = scan_leaf_uu_begin(p, n, at)) < n) {
		e = pm_memmem(p + at, n - at, "\nend", 4);
		end = e != NULL ? (size_t)(e - p) + 4 : n;
		if ((out = pm_arena_alloc(ctx->arena, end - at + 1)) == NULL)
			return PM_ENOMEM;
		len = dec_uu(p + at, end - at, out);
		st = scan_leaf_bytes(ctx, name ? name : "(uuencoded)", NULL,
		    NULL, out, len);
		at = end;
	}
	return st;
}

/* scan_leaf_bytes - decoded content: archive, text, markup or binary */
static pm_status
scan_leaf_bytes(struct scan_ctx *ctx, const char *name, const char *type,
    const char *charset, const unsigned char *p, size_t n)
{
	char where[SCAN_WHERE_MAX];
	const char *saved = ctx->where;
	enum scan_kind k;
	pm_status st;
	size_t first = ctx->res->nfindings;
	int read = 1;

	if (ctx->decoded + n > ctx->opts->lim.max_decoded_size) {
		scan_ctx_mark_unscannable(ctx, "max_decoded_size");
		return PM_OK;
	}
	if (name != NULL) {
		scan_leaf_label(where, sizeof(where), "attachment:", name);
		ctx->where = where;
	}
	if (dec_archive_sniff(p, n)) {
		st = scan_leaf_archive(ctx, name, p, n, &read);
		/* an archive signature in front of something else, or a
		 * damaged archive: its bytes are scanned as they are too */
		if (st != PM_OK || read)
			goto out;
	}
	k = scan_leaf_kind(type, name);
	if (k == SCAN_K_BINARY) {
		scan_leaf_stream(ctx, p, n);
		st = scan_leaf_utf16(ctx, p, n);
		if (st == PM_OK && dec_pdf_sniff(p, n))
			st = scan_leaf_pdf(ctx, p, n, first);
	} else
		st = scan_leaf_text(ctx, k, charset, p, n);
	if (st == PM_OK && k == SCAN_K_TEXT)
		st = scan_leaf_uu(ctx, name, p, n);
out:
	ctx->where = saved;
	return st;
}

/* scan_leaf_decode - undo the transfer encoding into the arena */
static pm_status
scan_leaf_decode(struct scan_ctx *ctx, const struct mime_part *part,
    const unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	size_t bound;

	switch (part->cte) {
	case MIME_CTE_BASE64:
		bound = dec_b64_bound(part->body_len);
		break;
	case MIME_CTE_QP:
	case MIME_CTE_UUENCODE:
		bound = part->body_len;
		break;
	default:
		*out = part->body;
		*outlen = part->body_len;
		return PM_OK;
	}
	if (bound > ctx->opts->lim.max_decoded_size) {
		scan_ctx_mark_unscannable(ctx, "max_decoded_size");
		*out = NULL;
		*outlen = 0;
		return PM_OK;
	}
	if ((buf = pm_arena_alloc(ctx->arena, bound + 1)) == NULL)
		return pm_arena_hit_cap(ctx->arena) ? PM_ELIMIT : PM_ENOMEM;
	if (part->cte == MIME_CTE_BASE64)
		*outlen = dec_b64(part->body, part->body_len, buf, NULL);
	else if (part->cte == MIME_CTE_QP)
		*outlen = dec_qp(part->body, part->body_len, buf);
	else
		*outlen = dec_uu(part->body, part->body_len, buf);
	*out = buf;
	return PM_OK;
}

/* scan_leaf_message - an encoded message/rfc822: walk the decoded bytes */
static pm_status
scan_leaf_message(struct scan_ctx *ctx, const struct mime_part *part,
    const unsigned char *p, size_t n)
{
	pm_status st;

	st = mime_walk_message(&ctx->walk, p, n, part->path, part->depth + 1);
	if (st == PM_ELIMIT) {
		scan_ctx_mark_unscannable(ctx,
		    ctx->walk.limit ? ctx->walk.limit : "limit");
		st = PM_OK;
	}
	return st;
}

/*
 * scan_leaf_prot - what the content is, not what its label says
 * (scan_prot.h): really encrypted marks the message protected; an
 * OpenPGP message that is not encrypted, or S/MIME content we do not
 * unpack, marks it unscannable; a signed S/MIME entity is walked. The
 * packets inside an OpenPGP armor are also read as raw bytes, so that
 * text dressed up as a PGP message is found. *done: nothing more to do
 * for this part.
 */
static pm_status
scan_leaf_prot(struct scan_ctx *ctx, const struct mime_part *part,
    const unsigned char *p, size_t n, int *done)
{
	const unsigned char *in = NULL;
	unsigned char *raw = NULL;
	size_t inlen = 0, body = 0;
	int k, cms = strcmp(part->type, "application/pkcs7-mime") == 0 ||
	    strcmp(part->type, "application/x-pkcs7-mime") == 0;
	pm_status st = PM_OK;

	*done = 0;
	if (cms) {
		k = scan_prot_cms(ctx->arena, p, n, &in, &inlen);
		if (k < 0)
			return pm_arena_hit_cap(ctx->arena) ? PM_ELIMIT :
			    PM_ENOMEM;
		if (k == SCAN_PROT_INNER) {
			*done = 1;
			return scan_leaf_message(ctx, part, in, inlen);
		}
	} else if ((k = scan_prot_pgp(p, n, &body)) != SCAN_PROT_NONE) {
		if ((raw = pm_arena_alloc(ctx->arena, dec_b64_bound(n - body)))
		    == NULL)
			return pm_arena_hit_cap(ctx->arena) ? PM_ELIMIT :
			    PM_ENOMEM;
		st = scan_leaf_bytes(ctx, NULL, "application/octet-stream",
		    NULL, raw, dec_b64(p + body, n - body, raw, NULL));
	}
	if (k == SCAN_PROT_ENCRYPTED)
		ctx->is_protected = 1;
	else if (k == SCAN_PROT_OPAQUE)
		scan_ctx_mark_unscannable(ctx, cms ?
		    "S/MIME content that is not encrypted (not unpacked)" :
		    "OpenPGP message that is not encrypted (not unpacked)");
	return st;
}

/* scan_leaf_filename - the decoded file name (RFC 2231 %XX or RFC 2047
 * can hide digits from the raw header scan); numbers already found in
 * this part's headers are not reported twice */
static void
scan_leaf_filename(struct scan_ctx *ctx, const struct mime_part *part)
{
	size_t first = ctx->res->nfindings;

	while (first > 0 && strcmp(ctx->res->findings[first - 1].part,
	    part->path) == 0)
		first--;
	ctx->part_first = first;
	ctx->raw_pass = 1;
	ctx->where = "header:filename";
	scan_leaf_stream(ctx, (const unsigned char *)part->filename,
	    strlen(part->filename));
	ctx->raw_pass = 0;
	ctx->where = NULL;
}

/* scan_leaf_part - one MIME leaf, from raw body to findings */
pm_status
scan_leaf_part(void *arg, const struct mime_part *part)
{
	struct scan_ctx *ctx = arg;
	struct pm_arena_mark mark;
	const unsigned char *p = NULL;
	const char *name = part->filename;
	size_t n = 0;
	int done = 0;
	pm_status st;

	if (ctx->err != PM_OK)
		return ctx->err;
	if (scan_leaf_timeout(ctx))
		return PM_OK;
	pm_arena_mark(ctx->arena, &mark);
	ctx->part = part->path;
	if ((st = scan_leaf_decode(ctx, part, &p, &n)) != PM_OK || p == NULL)
		goto out;
	if ((st = scan_leaf_prot(ctx, part, p, n, &done)) != PM_OK || done)
		goto out;
	if ((strcmp(part->type, "message/rfc822") == 0
	    || strcmp(part->type, "message/global") == 0)
	    && part->cte != MIME_CTE_7BIT && part->cte != MIME_CTE_8BIT
	    && part->cte != MIME_CTE_BINARY) {
		st = scan_leaf_message(ctx, part, p, n);
		goto out;
	}
	if (name == NULL && (part->flags & MIME_PART_ATTACHMENT))
		name = "(unnamed)";
	if (part->filename != NULL)
		scan_leaf_filename(ctx, part);
	ctx->where = NULL;
	st = scan_leaf_bytes(ctx, name, part->type, part->charset, p, n);
out:
	if (st == PM_ELIMIT) {
		scan_ctx_mark_unscannable(ctx, pm_arena_hit_cap(ctx->arena)
		    ? "max_decoded_size" : "limit");
		st = PM_OK;
	}
	ctx->part = NULL;
	pm_arena_release(ctx->arena, &mark);
	if (st == PM_OK)
		st = ctx->err;
	return st;
}
