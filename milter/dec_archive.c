/*
 * dec_archive - entries of zip, gzip, tar, 7z ... through libarchive,
 * read from memory into the arena.
 *
 * Choices:
 *  - The archive is opened with every format and every decompression
 *    filter that libarchive runs in process (gzip, bzip2, xz, lzma,
 *    lzip, compress, and zstd/lz4 when libarchive was built with them);
 *    not archive_read_support_filter_all, which would fork external
 *    programs (lrzip, lzop, grzip, ...) on hostile input. When
 *    that finds no format but a compression filter was recognised (a
 *    gzip, bzip2 or xz stream of one file, not a tar), it is reopened
 *    with the "raw" format, which gives one entry named "data" holding
 *    the decompressed stream. format_raw is not enabled on the first
 *    try because it accepts anything and would hide real formats.
 *  - Only regular files are given to the callback. Each entry's data is
 *    read in chunks into an arena buffer after pm_arena_mark; the
 *    buffer grows by allocating a larger block, copying and wiping the
 *    old one (never realloc); everything is released (and wiped) with
 *    pm_arena_release once the callback returns. archive_entry_size is
 *    a hint for the first block only, never trusted.
 *  - Limits: every header read counts against max_archive_entries; the
 *    decompressed total of the whole archive is checked after every
 *    chunk against max_archive_ratio times the archive's size, once it
 *    passes 1 MiB (a tiny archive of a normal document may well exceed
 *    100:1); an arena allocation refused by the cap gives PM_ELIMIT
 *    "max_decoded_size". max_archive_ratio 0 disables the ratio check.
 *    The decompressed total of one archive (over all its entries, each
 *    released after its callback) may not pass max_decoded_size either
 *    (PM_ELIMIT "max_decoded_size"): overlapping-entry bombs reuse one
 *    compressed stream for many entries, and the arena cap alone, which
 *    sees only the live entry, would not stop them.
 *  - An encrypted entry (flagged in its header, or refused with an
 *    encryption/passphrase error while reading) is counted in
 *    res->encrypted and skipped; the walk goes on.
 *  - A damaged archive (a fatal libarchive error, or a failed entry)
 *    sets res->damaged; the part of an entry read before the error is
 *    still given to the callback, and PM_OK is returned. Zip CRC-32s
 *    are not checked (libarchive's "ignorecrc32"): an entry whose CRC
 *    does not match is scanned like any other, not called damaged.
 *  - Nesting (zip in zip) is the caller's business: the callback calls
 *    dec_archive_walk again on the entry's bytes, and the caller counts
 *    the depth against max_archive_depth. Marks nest, so an inner walk
 *    releases its entries before the outer one releases its own.
 *  - libarchive's own buffers (zlib windows etc.) cannot be wiped by us;
 *    see panmilter(8), SECURITY.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "dec_archive.h"

#define DEC_ARCHIVE_CHUNK	(64u * 1024)
#define DEC_ARCHIVE_RATIO_MIN	(1024u * 1024)
/*
 * An entry whose declared size is at most FIRST_MAX (and within the ratio
 * budget) gets one block of that size up front; larger or unknown sizes
 * start at one chunk and double. Fuzz builds trust declared sizes only up
 * to one chunk: under ASan every large allocation maps and poisons fresh
 * shadow memory, which made the archive target run at a tenth of its
 * speed; the code path is the same, only the threshold differs.
 */
#ifdef PM_FUZZ
#define DEC_ARCHIVE_FIRST_MAX	DEC_ARCHIVE_CHUNK
#else
#define DEC_ARCHIVE_FIRST_MAX	(16u * 1024 * 1024)
#endif

struct dec_archive_walk_st {
	struct pm_arena *a;
	const struct pm_limits *lim;
	struct dec_archive_res *res;
	size_t n;		/* archive size */
	size_t total;		/* decompressed bytes so far */
	size_t budget;		/* total allowed by the ratio */
};

static pthread_once_t dec_archive_once = PTHREAD_ONCE_INIT;
static int dec_archive_zstd_ok, dec_archive_lz4_ok;

struct dec_archive_buf {
	unsigned char *p;
	size_t cap, len;
};

/* dec_archive_sniff - 1 when p starts like an archive we can open */
int
dec_archive_sniff(const unsigned char *p, size_t n)
{
	if (p == NULL)
		return 0;
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) ||
	    (p[2] == 7 && p[3] == 8)))
		return 1;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return 1;
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return 1;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return 1;
	if (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return 1;
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return 1;
	if (n >= 6 && memcmp(p, "Rar!\x1a\x07", 6) == 0)
		return 1;
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return 1;	/* zstd */
	return 0;
}

/* dec_archive_format - a static name for the archive's format */
static const char *
dec_archive_format(struct archive *ar)
{
	int f = archive_format(ar), filt = archive_filter_code(ar, 0);

	switch (f & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_ZIP:
		return "zip";
	case ARCHIVE_FORMAT_TAR:
		return "tar";
	case ARCHIVE_FORMAT_7ZIP:
		return "7zip";
	case ARCHIVE_FORMAT_CPIO:
		return "cpio";
	case ARCHIVE_FORMAT_RAR:
		return "rar";
	case ARCHIVE_FORMAT_ISO9660:
		return "iso9660";
	case ARCHIVE_FORMAT_CAB:
		return "cab";
	case ARCHIVE_FORMAT_RAW:
		if (filt == ARCHIVE_FILTER_GZIP)
			return "gzip";
		if (filt == ARCHIVE_FILTER_BZIP2)
			return "bzip2";
		if (filt == ARCHIVE_FILTER_XZ)
			return "xz";
		return "raw";
	default:
		break;
	}
	if ((f & 0xff0000) == ARCHIVE_FORMAT_RAR_V5)
		return "rar5";
	return "other";
}

/* dec_archive_probe - which optional filters libarchive decodes itself
 * (ARCHIVE_OK) instead of through an external program (ARCHIVE_WARN) */
static void
dec_archive_probe(void)
{
	struct archive *ar = archive_read_new();

	if (ar == NULL)
		return;
	dec_archive_zstd_ok = archive_read_support_filter_zstd(ar) ==
	    ARCHIVE_OK;
	dec_archive_lz4_ok = archive_read_support_filter_lz4(ar) == ARCHIVE_OK;
	archive_read_free(ar);
}

/* dec_archive_filters - every decompression filter libarchive runs in
 * process; never one that forks an external program */
static void
dec_archive_filters(struct archive *ar)
{
	pthread_once(&dec_archive_once, dec_archive_probe);
	archive_read_support_filter_gzip(ar);
	archive_read_support_filter_bzip2(ar);
	archive_read_support_filter_xz(ar);
	archive_read_support_filter_lzma(ar);
	archive_read_support_filter_lzip(ar);
	archive_read_support_filter_compress(ar);
	if (dec_archive_zstd_ok)
		archive_read_support_filter_zstd(ar);
	if (dec_archive_lz4_ok)
		archive_read_support_filter_lz4(ar);
}

/* dec_archive_open - a reader over p with every format (raw: only the
 * raw format) and every filter; NULL on ENOMEM */
static struct archive *
dec_archive_open(const unsigned char *p, size_t n, int raw, int *failed)
{
	struct archive *ar = archive_read_new();

	*failed = 0;
	if (ar == NULL)
		return NULL;
	if (raw)
		archive_read_support_format_raw(ar);
	else {
		archive_read_support_format_all(ar);
		/* a zip entry's CRC-32 guards against corruption, not
		 * against us: its bytes are scanned whether or not it
		 * matches, and checking it cost 5% of a docx's scan */
		(void)archive_read_set_option(ar, "zip", "ignorecrc32", "1");
	}
	dec_archive_filters(ar);
	if (archive_read_open_memory(ar, p, n) != ARCHIVE_OK)
		*failed = 1;
	return ar;
}

/* dec_archive_limit - stop with the named limit */
static pm_status
dec_archive_limit(struct dec_archive_walk_st *w, const char *name)
{
	w->res->limit = name;
	return PM_ELIMIT;
}

/* dec_archive_nomem - an arena allocation failed: cap or memory */
static pm_status
dec_archive_nomem(struct dec_archive_walk_st *w)
{
	if (pm_arena_hit_cap(w->a))
		return dec_archive_limit(w, "max_decoded_size");
	return PM_ENOMEM;
}

/* dec_archive_grow - make b at least want bytes (new block, copy, wipe) */
static pm_status
dec_archive_grow(struct dec_archive_walk_st *w, struct dec_archive_buf *b,
    size_t want)
{
	unsigned char *np = NULL;

	if (want <= b->cap)
		return PM_OK;
	np = pm_arena_alloc(w->a, want);
	if (np == NULL)
		return dec_archive_nomem(w);
	if (b->len > 0)
		memcpy(np, b->p, b->len);
	pm_wipe(b->p, b->cap);
	b->p = np;
	b->cap = want;
	return PM_OK;
}

/* dec_archive_first - size of the first block for an entry: its size
 * when known and sane, within the ratio budget, else one chunk */
static size_t
dec_archive_first(struct dec_archive_walk_st *w, struct archive_entry *e)
{
	int64_t sz = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	size_t left = w->budget > w->total ? w->budget - w->total : 0;

	if (sz <= 0 || (uint64_t)sz > DEC_ARCHIVE_FIRST_MAX)
		return DEC_ARCHIVE_CHUNK;
	if ((size_t)sz + 1 > left)
		return DEC_ARCHIVE_CHUNK;
	return (size_t)sz + 1 > DEC_ARCHIVE_CHUNK ? (size_t)sz + 1 :
	    DEC_ARCHIVE_CHUNK;
}

/* dec_archive_is_crypt - the last error is about encryption */
static int
dec_archive_is_crypt(struct archive *ar, struct archive_entry *e)
{
	const char *msg = archive_error_string(ar);

	if (archive_entry_is_encrypted(e))
		return 1;
	return msg != NULL && (strstr(msg, "ncrypt") != NULL ||
	    strstr(msg, "assphrase") != NULL);
}

/* dec_archive_read - read the entry's data into b; *err is the
 * libarchive error code that ended it (0 at a clean end) */
static pm_status
dec_archive_read(struct dec_archive_walk_st *w, struct archive *ar,
    struct dec_archive_buf *b, la_ssize_t *err)
{
	la_ssize_t r;
	size_t room;
	pm_status st = PM_OK;

	*err = 0;
	for (;;) {
		if (b->cap == b->len) {
			st = dec_archive_grow(w, b, b->cap * 2);
			if (st != PM_OK)
				return st;
		}
		room = b->cap - b->len;
		if (room > 4 * DEC_ARCHIVE_CHUNK)
			room = 4 * DEC_ARCHIVE_CHUNK;
		r = archive_read_data(ar, b->p + b->len, room);
		if (r == 0)
			return PM_OK;
		if (r < 0) {
			*err = r;
			return PM_OK;
		}
		b->len += (size_t)r;
		w->total += (size_t)r;
		if (w->total > DEC_ARCHIVE_RATIO_MIN && w->total > w->budget)
			return dec_archive_limit(w, "max_archive_ratio");
		if (w->lim->max_decoded_size > 0 &&
		    w->total > w->lim->max_decoded_size)
			return dec_archive_limit(w, "max_decoded_size");
	}
}

/* dec_archive_entry - read one regular-file entry and give it to cb */
static pm_status
dec_archive_entry(struct dec_archive_walk_st *w, struct archive *ar,
    struct archive_entry *e, dec_archive_cb cb, void *arg, int *fatal)
{
	struct pm_arena_mark m;
	struct dec_archive_buf b = { NULL, 0, 0 };
	const char *name = NULL;
	la_ssize_t err = 0;
	pm_status st = PM_OK;

	if (archive_entry_is_encrypted(e)) {
		w->res->encrypted++;
		return PM_OK;
	}
	pm_arena_mark(w->a, &m);
	st = dec_archive_grow(w, &b, dec_archive_first(w, e));
	if (st == PM_OK)
		st = dec_archive_read(w, ar, &b, &err);
	if (st != PM_OK)
		goto out;
	if (err != 0 && dec_archive_is_crypt(ar, e)) {
		w->res->encrypted++;
		goto out;
	}
	if (err != 0) {
		w->res->damaged = 1;
		*fatal = err == ARCHIVE_FATAL;
	}
	name = archive_entry_pathname(e);
	if (name == NULL)
		name = archive_entry_pathname_utf8(e);
	w->res->entries++;
	st = cb(arg, name != NULL ? name : "", b.p, b.len);
out:
	pm_arena_release(w->a, &m);
	return st;
}

/* dec_archive_loop - every header of an open archive; *none when not
 * even the first header could be read */
static pm_status
dec_archive_loop(struct dec_archive_walk_st *w, struct archive *ar,
    dec_archive_cb cb, void *arg, int *none)
{
	struct archive_entry *e = NULL;
	unsigned long long headers = 0, calls = 0;
	int r, fatal = 0;
	pm_status st = PM_OK;

	*none = 0;
	while (!fatal) {
		r = archive_read_next_header(ar, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_FATAL ||
		    ++calls > (unsigned long long)w->lim->max_archive_entries +
		    16) {
			*none = headers == 0 && r == ARCHIVE_FATAL;
			w->res->damaged = 1;
			break;
		}
		if (r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
			w->res->damaged = 1;
			continue;
		}
		if (w->res->format == NULL)
			w->res->format = dec_archive_format(ar);
		if (++headers > w->lim->max_archive_entries)
			return dec_archive_limit(w, "max_archive_entries");
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		st = dec_archive_entry(w, ar, e, cb, arg, &fatal);
		if (st != PM_OK)
			return st;
	}
	return PM_OK;
}

/* dec_archive_walk - call cb for every regular file of the archive */
pm_status
dec_archive_walk(struct pm_arena *a, const unsigned char *p, size_t n,
    const struct pm_limits *lim, dec_archive_cb cb, void *arg,
    struct dec_archive_res *res)
{
	struct dec_archive_walk_st w;
	struct archive *ar = NULL;
	int failed = 0, none = 0, filtered = 0;
	pm_status st = PM_OK;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.lim = lim;
	w.res = res;
	w.n = n;
	w.budget = lim->max_archive_ratio == 0 ||
	    n > SIZE_MAX / lim->max_archive_ratio ? SIZE_MAX :
	    n * lim->max_archive_ratio;
	ar = dec_archive_open(p, n, 0, &failed);
	if (ar == NULL)
		return PM_ENOMEM;
	if (!failed)
		st = dec_archive_loop(&w, ar, cb, arg, &none);
	filtered = archive_filter_count(ar) > 1;
	/* a compressed stream that gave no file (a gzip of data starting
	 * with zero bytes reads as an empty tar) is one file: read it again
	 * with the raw format, never report it clean unread */
	if (st != PM_OK || !filtered || !(failed || none
	    || (res->entries == 0 && res->encrypted == 0)))
		goto out;
	/* a compressed stream of one file: read it with the raw format */
	archive_read_free(ar);
	res->damaged = 0;
	ar = dec_archive_open(p, n, 1, &failed);
	if (ar == NULL)
		return PM_ENOMEM;
	if (!failed)
		st = dec_archive_loop(&w, ar, cb, arg, &none);
out:
	if (failed)
		res->damaged = 1;
	archive_read_free(ar);
	return st;
}
