/*
 * test_dec_archive - archives built in the test with libarchive's
 * writer: zip, docx-like, gzip, tar.gz, nesting, encryption, a bomb,
 * too many entries, damage, the arena cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "dec_archive.h"

#define TA_PAN	"4111 1111 1111 1111"

struct ta_file {
	const char *name;
	const void *data;
	size_t len;		/* 0 with data NULL: a directory */
};

struct ta_ctx {
	unsigned calls;
	char names[64][64];
	size_t lens[64];
	int saw_pan;
	unsigned depth, max_depth, deepest;
	struct pm_arena *a;
	const struct pm_limits *lim;
	unsigned nested_limit_hits;
	pm_status ret;
};

/* ta_write - archive of files with format/filter/options into a new
 * heap buffer; *len gets its size */
static unsigned char *
ta_write(const struct ta_file *f, size_t nf, int format, int filter,
    const char *opts, const char *pass, size_t *len)
{
	size_t cap = 4u << 20, used = 0, i;
	unsigned char *buf = malloc(cap);
	struct archive *aw = archive_write_new();
	struct archive_entry *e = NULL;

	assert_non_null(buf);
	assert_non_null(aw);
	assert_int_equal(archive_write_set_format(aw, format), ARCHIVE_OK);
	if (filter != ARCHIVE_FILTER_NONE)
		assert_int_equal(archive_write_add_filter(aw, filter),
		    ARCHIVE_OK);
	if (opts != NULL)
		assert_int_equal(archive_write_set_options(aw, opts),
		    ARCHIVE_OK);
	if (pass != NULL)
		assert_int_equal(archive_write_set_passphrase(aw, pass),
		    ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(aw, buf, cap, &used),
	    ARCHIVE_OK);
	for (i = 0; i < nf; i++) {
		e = archive_entry_new();
		assert_non_null(e);
		archive_entry_set_pathname(e, f[i].name);
		archive_entry_set_filetype(e, f[i].data == NULL ? AE_IFDIR :
		    AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)f[i].len);
		assert_int_equal(archive_write_header(aw, e), ARCHIVE_OK);
		if (f[i].len > 0)
			assert_int_equal(archive_write_data(aw, f[i].data,
			    f[i].len), (la_ssize_t)f[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(aw), ARCHIVE_OK);
	archive_write_free(aw);
	*len = used;
	return buf;
}

/* ta_zip - a zip of files */
static unsigned char *
ta_zip(const struct ta_file *f, size_t nf, size_t *len)
{
	return ta_write(f, nf, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL,
	    NULL, len);
}

/* ta_collect - callback: records names and lengths, looks for TA_PAN */
static pm_status
ta_collect(void *arg, const char *name, const unsigned char *p, size_t n)
{
	struct ta_ctx *c = arg;

	if (c->calls < 64) {
		snprintf(c->names[c->calls], sizeof(c->names[0]), "%s", name);
		c->lens[c->calls] = n;
	}
	c->calls++;
	if (n >= strlen(TA_PAN) && memmem(p, n, TA_PAN, strlen(TA_PAN)))
		c->saw_pan = 1;
	return c->ret;
}

/* ta_recurse - callback: descends into archives, as scan_leaf does,
 * enforcing the depth limit itself */
static pm_status
ta_recurse(void *arg, const char *name, const unsigned char *p, size_t n)
{
	struct ta_ctx *c = arg;
	struct dec_archive_res res;
	pm_status st = PM_OK;

	st = ta_collect(arg, name, p, n);
	if (st != PM_OK || !dec_archive_sniff(p, n))
		return st;
	if (0)
		return PM_OK;
	if (c->depth >= c->max_depth) {
		c->nested_limit_hits++;
		return PM_OK;
	}
	c->depth++;
	if (c->depth > c->deepest)
		c->deepest = c->depth;
	st = dec_archive_walk(c->a, p, n, c->lim, ta_recurse, c, &res);
	c->depth--;
	return st;
}

/* ta_walk - walk buf with default limits and a fresh arena */
static pm_status
ta_walk(const unsigned char *buf, size_t len, struct ta_ctx *c,
    struct dec_archive_res *res, size_t cap, const struct pm_limits *lim)
{
	struct pm_limits def;
	struct pm_arena *a = pm_arena_new(cap);
	size_t before;
	pm_status st;

	assert_non_null(a);
	if (lim == NULL) {
		pm_limits_default(&def);
		lim = &def;
	}
	c->a = a;
	c->lim = lim;
	before = pm_arena_used(a);
	st = dec_archive_walk(a, buf, len, lim, ta_recurse, c, res);
	/* entries were released after the callback */
	assert_int_equal(pm_arena_used(a), before);
	pm_arena_free(a);
	c->a = NULL;
	return st;
}

struct ta_sniff_case {
	const char *name;
	const char *p;
	size_t n;
	int want;
};

#define SN(n, p, w) { n, p, sizeof(p) - 1, w }

static const struct ta_sniff_case ta_sniff_cases[] = {
	SN("sniff_zip", "PK\003\004xxxx", 1),
	SN("sniff_zip_empty", "PK\005\006xxxx", 1),
	SN("sniff_zip_spanned", "PK\007\010xxxx", 1),
	SN("sniff_gzip", "\x1f\x8b\x08", 1),
	SN("sniff_bzip2", "BZh91AY", 1),
	SN("sniff_xz", "\xfd" "7zXZ\0\0", 1),
	SN("sniff_7z", "7z\xbc\xaf\x27\x1c\0", 1),
	SN("sniff_rar", "Rar!\x1a\x07\x01\x00", 1),
	SN("sniff_zstd", "\x28\xb5\x2f\xfd\x00", 1),
	SN("sniff_text", "Hello, world", 0),
	SN("sniff_pk_other", "PK\001\002", 0),
	SN("sniff_short", "P", 0),
	SN("sniff_empty", "", 0),
};

#define TA_NSNIFF (sizeof(ta_sniff_cases) / sizeof(ta_sniff_cases[0]))

/* test_ta_sniff - one sniff row */
static void
test_ta_sniff(void **state)
{
	const struct ta_sniff_case *c = *state;

	assert_int_equal(dec_archive_sniff((const unsigned char *)c->p,
	    c->n), c->want);
}

/* test_ta_sniff_tar - "ustar" at 257 */
static void
test_ta_sniff_tar(void **state)
{
	unsigned char b[512];

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(dec_archive_sniff(b, sizeof(b)), 0);
	memcpy(b + 257, "ustar", 5);
	assert_int_equal(dec_archive_sniff(b, sizeof(b)), 1);
	assert_int_equal(dec_archive_sniff(b, 261), 0);
}

/* test_ta_zip - two files and a directory */
static void
test_ta_zip(void **state)
{
	static const struct ta_file f[] = {
		{ "a.txt", "card " TA_PAN " end", 28 },
		{ "dir/", NULL, 0 },
		{ "dir/b.txt", "hello", 5 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_zip(f, 3, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 2);
	assert_string_equal(c.names[0], "a.txt");
	assert_int_equal(c.lens[0], 28);
	assert_string_equal(c.names[1], "dir/b.txt");
	assert_int_equal(c.lens[1], 5);
	assert_true(c.saw_pan);
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.encrypted, 0);
	assert_int_equal(res.damaged, 0);
	assert_null(res.limit);
	assert_string_equal(res.format, "zip");
	free(z);
}

/* test_ta_docx - a docx-like structure */
static void
test_ta_docx(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?><w:document><w:body>"
	    "<w:p><w:r><w:t>" TA_PAN "</w:t></w:r></w:p></w:body></w:document>";
	static const struct ta_file f[] = {
		{ "[Content_Types].xml", "<Types/>", 8 },
		{ "_rels/.rels", "<Relationships/>", 16 },
		{ "word/document.xml", doc, sizeof(doc) - 1 },
		{ "docProps/core.xml", "<cp:coreProperties/>", 20 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_write(f, 4, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:compression=deflate", NULL, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 4);
	assert_string_equal(c.names[2], "word/document.xml");
	assert_int_equal(c.lens[2], sizeof(doc) - 1);
	assert_true(c.saw_pan);
	free(z);
}

/* test_ta_gzip - one gzip-compressed file (not tar): raw format */
static void
test_ta_gzip(void **state)
{
	static const struct ta_file f[] = {
		{ "x.txt", "gz " TA_PAN, 22 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_write(f, 1, ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, NULL,
	    NULL, &len);
	assert_true(dec_archive_sniff(z, len));
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.lens[0], 22);
	assert_true(c.saw_pan);
	assert_int_equal(res.damaged, 0);
	assert_string_equal(res.format, "gzip");
	free(z);
}

/* test_ta_bzip2 - one bzip2-compressed file */
static void
test_ta_bzip2(void **state)
{
	static const struct ta_file f[] = {
		{ "x.txt", "bz " TA_PAN, 22 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_write(f, 1, ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_BZIP2, NULL,
	    NULL, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 1);
	assert_true(c.saw_pan);
	assert_string_equal(res.format, "bzip2");
	free(z);
}

struct ta_fmt_case {
	const char *name;
	int format, filter;
	const char *want;
};

static const struct ta_fmt_case ta_fmt_cases[] = {
	{ "fmt_xz_raw", ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_XZ, "xz" },
	{ "fmt_tar_bz2", ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_BZIP2,
	    "tar" },
	{ "fmt_tar_xz", ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ, "tar" },
	{ "fmt_tar_zstd", ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_ZSTD,
	    "tar" },
	{ "fmt_tar_plain", ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE,
	    "tar" },
	{ "fmt_7zip", ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE, "7zip" },
	{ "fmt_cpio", ARCHIVE_FORMAT_CPIO_POSIX, ARCHIVE_FILTER_GZIP,
	    "cpio" },
};

#define TA_NFMT (sizeof(ta_fmt_cases) / sizeof(ta_fmt_cases[0]))

/* test_ta_fmt - one file in a format/filter pair is read back */
static void
test_ta_fmt(void **state)
{
	const struct ta_fmt_case *fc = *state;
	static const struct ta_file f[] = {
		{ "x.txt", "fmt " TA_PAN, 23 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	z = ta_write(f, 1, fc->format, fc->filter, NULL, NULL, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.lens[0], 23);
	assert_true(c.saw_pan);
	assert_int_equal(res.damaged, 0);
	assert_string_equal(res.format, fc->want);
	free(z);
}

/* test_ta_targz - a tar.gz of two files */
static void
test_ta_targz(void **state)
{
	static const struct ta_file f[] = {
		{ "one.txt", "first", 5 },
		{ "two.txt", TA_PAN, 19 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_write(f, 2, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
	    ARCHIVE_FILTER_GZIP, NULL, NULL, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 2);
	assert_string_equal(c.names[1], "two.txt");
	assert_true(c.saw_pan);
	assert_string_equal(res.format, "tar");
	free(z);
}

/* test_ta_nested - zip in zip: the callback recurses */
static void
test_ta_nested(void **state)
{
	static const struct ta_file in[] = {
		{ "secret.txt", TA_PAN, 19 },
	};
	struct ta_file out[2] = {
		{ "readme.txt", "nothing", 7 },
		{ "inner.zip", NULL, 0 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *zi = NULL, *zo = NULL;
	size_t li, lo;

	(void)state;
	zi = ta_zip(in, 1, &li);
	out[1].data = zi;
	out[1].len = li;
	zo = ta_zip(out, 2, &lo);
	assert_int_equal(ta_walk(zo, lo, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 3);
	assert_string_equal(c.names[2], "secret.txt");
	assert_true(c.saw_pan);
	assert_int_equal(c.deepest, 1);
	free(zi);
	free(zo);
}

/* test_ta_nested_deep - 20 levels; the caller's depth limit stops it */
static void
test_ta_nested_deep(void **state)
{
	struct ta_file f = { "leaf.txt", TA_PAN, 19 };
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL, *prev = NULL;
	size_t len = 0;
	int level;

	(void)state;
	for (level = 0; level < 20; level++) {
		z = ta_zip(&f, 1, &len);
		free(prev);
		prev = z;
		f.name = "nested.zip";
		f.data = z;
		f.len = len;
	}
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.deepest, 4);
	assert_int_equal(c.nested_limit_hits, 1);
	assert_int_equal(c.calls, 5);
	free(z);
}

/* test_ta_encrypted - a ZipCrypto entry is counted, its sibling read */
static void
test_ta_encrypted(void **state)
{
	static const struct ta_file f[] = {
		{ "locked.txt", TA_PAN, 19 },
	};
	static const struct ta_file g[] = {
		{ "open.txt", "plain", 5 },
	};
	struct ta_file both[2];
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *ze = NULL, *zp = NULL, *zz = NULL;
	size_t le, lp, lz;

	(void)state;
	ze = ta_write(f, 1, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:encryption=zipcrypt", "secret", &le);
	assert_int_equal(ta_walk(ze, le, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(res.encrypted, 1);
	assert_int_equal(c.calls, 0);
	assert_false(c.saw_pan);
	/* an encrypted zip next to a clear file, inside a clear zip */
	zp = ta_zip(g, 1, &lp);
	both[0] = (struct ta_file){ "locked.zip", ze, le };
	both[1] = (struct ta_file){ "open.zip", zp, lp };
	zz = ta_zip(both, 2, &lz);
	memset(&c, 0, sizeof(c));
	c.max_depth = 4;
	assert_int_equal(ta_walk(zz, lz, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 3);
	assert_string_equal(c.names[2], "open.txt");
	free(ze);
	free(zp);
	free(zz);
}

/* test_ta_encrypted_aes - an AES-256 entry, when libarchive can write
 * one; skipped otherwise */
static void
test_ta_encrypted_aes(void **state)
{
	static const struct ta_file f[] = {
		{ "locked.txt", TA_PAN, 19 },
		{ "clear.txt", "x", 1 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *ze = NULL;
	size_t le;

	(void)state;
	ze = ta_write(f, 2, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:encryption=aes256", "secret", &le);
	assert_int_equal(ta_walk(ze, le, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(res.encrypted, 2);
	assert_false(c.saw_pan);
	free(ze);
}

/* test_ta_bomb - 100 MB of zeros in one deflated entry: the ratio stops
 * the walk, memory stays bounded (arena cap 64 MiB not reached) */
static void
test_ta_bomb(void **state)
{
	size_t big = 100u << 20, len;
	unsigned char *zeros = calloc(1, big), *z = NULL;
	struct ta_file f = { "zeros.bin", NULL, 0 };
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;

	(void)state;
	assert_non_null(zeros);
	f.data = zeros;
	f.len = big;
	z = ta_write(&f, 1, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:compression=deflate", NULL, &len);
	free(zeros);
	assert_true(len < (1u << 20));
	assert_int_equal(ta_walk(z, len, &c, &res, 64u << 20, NULL),
	    PM_ELIMIT);
	assert_non_null(res.limit);
	assert_string_equal(res.limit, "max_archive_ratio");
	assert_int_equal(c.calls, 0);
	free(z);
}

/* test_ta_small_ratio - a small archive over 100:1 (under 1 MiB) is
 * read */
static void
test_ta_small_ratio(void **state)
{
	unsigned char *zeros = calloc(1, 500000), *z = NULL;
	struct ta_file f = { "zeros.bin", NULL, 500000 };
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	size_t len;

	(void)state;
	assert_non_null(zeros);
	f.data = zeros;
	z = ta_write(&f, 1, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:compression=deflate", NULL, &len);
	free(zeros);
	assert_true(len * 100 < 500000);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.lens[0], 500000);
	free(z);
}

/* test_ta_too_many - 30 entries with a limit of 10 */
static void
test_ta_too_many(void **state)
{
	struct ta_file f[30];
	char names[30][24];
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	struct pm_limits lim;
	unsigned char *z = NULL;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 30; i++) {
		snprintf(names[i], sizeof(names[i]), "f%02d.txt", i);
		f[i] = (struct ta_file){ names[i], "x", 1 };
	}
	z = ta_zip(f, 30, &len);
	pm_limits_default(&lim);
	lim.max_archive_entries = 10;
	assert_int_equal(ta_walk(z, len, &c, &res, 0, &lim), PM_ELIMIT);
	assert_string_equal(res.limit, "max_archive_entries");
	assert_int_equal(c.calls, 10);
	free(z);
}

/* test_ta_truncated - a zip cut in the middle of its second entry */
static void
test_ta_truncated(void **state)
{
	unsigned char big[4000];
	struct ta_file f[2] = {
		{ "a.txt", TA_PAN, 19 },
		{ "b.bin", big, sizeof(big) },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + i / 13);
	z = ta_zip(f, 2, &len);
	assert_int_equal(ta_walk(z, len / 2, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(res.damaged, 1);
	assert_true(c.saw_pan);
	free(z);
}

/* test_ta_garbage - not an archive, empty, or random bytes */
static void
test_ta_garbage(void **state)
{
	unsigned char junk[3000];
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	uint32_t s = 5;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		junk[i] = (unsigned char)s;
	}
	assert_int_equal(ta_walk(junk, sizeof(junk), &c, &res, 0, NULL),
	    PM_OK);
	assert_int_equal(res.damaged, 1);
	assert_int_equal(c.calls, 0);
	assert_int_equal(ta_walk(junk, 0, &c, &res, 0, NULL), PM_OK);
	assert_int_equal(c.calls, 0);
	/* a gzip header followed by junk */
	junk[0] = 0x1f;
	junk[1] = 0x8b;
	junk[2] = 8;
	junk[3] = 0;
	assert_int_equal(ta_walk(junk, sizeof(junk), &c, &res, 0, NULL),
	    PM_OK);
	assert_int_equal(res.damaged, 1);
}

/* test_ta_cap - an entry larger than the arena cap */
static void
test_ta_cap(void **state)
{
	size_t n = 1u << 20, i, len;
	unsigned char *d = malloc(n), *z = NULL;
	struct ta_file f = { "big.bin", NULL, 0 };
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < n; i++)
		d[i] = (unsigned char)(i * 2654435761u >> 13);
	f.data = d;
	f.len = n;
	z = ta_zip(&f, 1, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 256u << 10, NULL),
	    PM_ELIMIT);
	assert_string_equal(res.limit, "max_decoded_size");
	free(d);
	free(z);
}

/* test_ta_total - many entries, each small, together over
 * max_decoded_size */
static void
test_ta_total(void **state)
{
	static unsigned char blk[50000];
	static const struct ta_file f[] = {
		{ "a", blk, sizeof(blk) }, { "b", blk, sizeof(blk) },
		{ "c", blk, sizeof(blk) },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	struct pm_limits lim;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_zip(f, 3, &len);
	pm_limits_default(&lim);
	lim.max_decoded_size = 120000;
	lim.max_archive_ratio = 0;
	assert_int_equal(ta_walk(z, len, &c, &res, 0, &lim), PM_ELIMIT);
	assert_string_equal(res.limit, "max_decoded_size");
	assert_int_equal(c.calls, 2);
	free(z);
}

/* test_ta_cb_status - the callback's status ends the walk */
static void
test_ta_cb_status(void **state)
{
	static const struct ta_file f[] = {
		{ "a", "1", 1 }, { "b", "2", 1 },
	};
	struct ta_ctx c = { .max_depth = 4, .ret = PM_EIO };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_zip(f, 2, &len);
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_EIO);
	assert_int_equal(c.calls, 1);
	free(z);
}

static size_t ta_dirty;

/* ta_hook - counts non-zero bytes in chunks being freed */
static void
ta_hook(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		ta_dirty += b[i] != 0;
}

/* test_ta_wiped - entry bytes are wiped before the arena frees them */
static void
test_ta_wiped(void **state)
{
	static const struct ta_file f[] = {
		{ "a.txt", TA_PAN, 19 },
	};
	struct ta_ctx c = { .max_depth = 4 };
	struct dec_archive_res res;
	unsigned char *z = NULL;
	size_t len;

	(void)state;
	z = ta_zip(f, 1, &len);
	ta_dirty = 0;
	pm_arena_before_free_hook = ta_hook;
	assert_int_equal(ta_walk(z, len, &c, &res, 0, NULL), PM_OK);
	pm_arena_before_free_hook = NULL;
	assert_true(c.saw_pan);
	assert_int_equal(ta_dirty, 0);
	free(z);
}

int
main(void)
{
	static const struct CMUnitTest more[] = {
		cmocka_unit_test(test_ta_sniff_tar),
		cmocka_unit_test(test_ta_zip),
		cmocka_unit_test(test_ta_docx),
		cmocka_unit_test(test_ta_gzip),
		cmocka_unit_test(test_ta_bzip2),
		cmocka_unit_test(test_ta_targz),
		cmocka_unit_test(test_ta_nested),
		cmocka_unit_test(test_ta_nested_deep),
		cmocka_unit_test(test_ta_encrypted),
		cmocka_unit_test(test_ta_encrypted_aes),
		cmocka_unit_test(test_ta_bomb),
		cmocka_unit_test(test_ta_small_ratio),
		cmocka_unit_test(test_ta_too_many),
		cmocka_unit_test(test_ta_truncated),
		cmocka_unit_test(test_ta_garbage),
		cmocka_unit_test(test_ta_cap),
		cmocka_unit_test(test_ta_total),
		cmocka_unit_test(test_ta_cb_status),
		cmocka_unit_test(test_ta_wiped),
	};
	struct CMUnitTest tests[TA_NSNIFF + TA_NFMT +
	    sizeof(more) / sizeof(more[0])];
	size_t i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < TA_NSNIFF; i++) {
		tests[i].name = ta_sniff_cases[i].name;
		tests[i].test_func = test_ta_sniff;
		tests[i].initial_state = (void *)&ta_sniff_cases[i];
	}
	for (i = 0; i < TA_NFMT; i++) {
		tests[TA_NSNIFF + i].name = ta_fmt_cases[i].name;
		tests[TA_NSNIFF + i].test_func = test_ta_fmt;
		tests[TA_NSNIFF + i].initial_state = (void *)&ta_fmt_cases[i];
	}
	memcpy(tests + TA_NSNIFF + TA_NFMT, more, sizeof(more));
	return cmocka_run_group_tests_name("dec_archive", tests, NULL, NULL);
}
