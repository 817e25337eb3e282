/*
 * mimedump - print the engine's view of a message's MIME leaves.
 *
 * Usage: mimedump [-a] FILE
 *        mimedump -o PATH FILE
 *
 * Walks FILE with the engine's own walker (mime_walk) and transfer
 * decoders (dec_b64, dec_qp, dec_uu), exactly in scan_leaf.c's order,
 * and prints one line per leaf:
 *
 *	PATH TAB TYPE TAB CTE TAB DECODED_LEN TAB SHA256(decoded) TAB FLAGS
 *
 * CTE is one of 7bit 8bit binary base64 quoted-printable x-uuencode
 * unknown; FLAGS is "-", or a comma list of preamble, epilogue.
 * A message/rfc822 (or message/global) leaf that is transfer-encoded is
 * printed, then decoded and walked again one level deeper under its own
 * path, like scan_leaf_message() does. With -a, header fields are also
 * printed (H TAB PATH TAB NAME TAB LEN). With -o PATH, only the
 * decoded bytes of leaf PATH are written to stdout. The differential test
 * tests/diff_mime.py compares this output with Python's email package.
 * Exit: 0 done (a walk limit prints "LIMIT name" and still exits 0),
 * 1 on usage or I/O errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dec_b64.h"
#include "dec_qp.h"
#include "dec_uu.h"
#include "mime_walk.h"
#include "pm_arena.h"
#include "pm_limits.h"

struct dump {
	struct mime_walk walk;
	struct pm_arena *arena;
	int headers;
	const char *only;	/* -o PATH */
};

/* dump_cte_name - the transfer encoding's name as printed */
static const char *
dump_cte_name(enum mime_cte cte)
{
	switch (cte) {
	case MIME_CTE_7BIT:	return "7bit";
	case MIME_CTE_8BIT:	return "8bit";
	case MIME_CTE_BINARY:	return "binary";
	case MIME_CTE_BASE64:	return "base64";
	case MIME_CTE_QP:	return "quoted-printable";
	case MIME_CTE_UUENCODE:	return "x-uuencode";
	case MIME_CTE_UNKNOWN:	return "unknown";
	}
	return "?";
}

/* dump_sha256 - hex SHA-256 of p[0..n) into hex (65 bytes) */
static void
dump_sha256(const unsigned char *p, size_t n, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	hex[0] = 0;
	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* dump_decode - undo the transfer encoding as scan_leaf_decode does */
static pm_status
dump_decode(struct dump *d, const struct mime_part *part,
    const unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
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
	if ((buf = pm_arena_alloc(d->arena, bound + 1)) == NULL)
		return PM_ENOMEM;
	if (part->cte == MIME_CTE_BASE64)
		*outlen = dec_b64(part->body, part->body_len, buf, NULL);
	else if (part->cte == MIME_CTE_QP)
		*outlen = dec_qp(part->body, part->body_len, buf);
	else
		*outlen = dec_uu(part->body, part->body_len, buf);
	*out = buf;
	return PM_OK;
}

/* dump_header - print a header field when asked to */
static pm_status
dump_header(void *arg, const char *path, const char *name,
    const char *value, size_t value_len)
{
	struct dump *d = arg;

	(void)value;
	if (d->headers)
		printf("H\t%s\t%s\t%zu\n", path, name, value_len);
	return PM_OK;
}

/* dump_is_message - an encoded message/rfc822 that is walked again */
static int
dump_is_message(const struct mime_part *part)
{
	return (strcmp(part->type, "message/rfc822") == 0
	    || strcmp(part->type, "message/global") == 0)
	    && part->cte != MIME_CTE_7BIT && part->cte != MIME_CTE_8BIT
	    && part->cte != MIME_CTE_BINARY;
}

/* dump_leaf - print one leaf; walk an encoded message inside it */
static pm_status
dump_leaf(void *arg, const struct mime_part *part)
{
	struct dump *d = arg;
	struct pm_arena_mark mark;
	const unsigned char *p = NULL;
	size_t n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *flags = "-";
	pm_status st;

	pm_arena_mark(d->arena, &mark);
	if ((st = dump_decode(d, part, &p, &n)) != PM_OK)
		goto out;
	dump_sha256(p, n, hex);
	if (part->flags & MIME_PART_PREAMBLE)
		flags = "preamble";
	else if (part->flags & MIME_PART_EPILOGUE)
		flags = "epilogue";
	if (d->only == NULL)
		printf("%s\t%s\t%s\t%zu\t%s\t%s\n", part->path,
		    part->type, dump_cte_name(part->cte), n, hex, flags);
	else if (strcmp(d->only, part->path) == 0 && !(part->flags
	    & (MIME_PART_PREAMBLE | MIME_PART_EPILOGUE)))
		fwrite(p, 1, n, stdout);
	if (dump_is_message(part))
		st = mime_walk_message(&d->walk, p, n, part->path,
		    part->depth + 1);
out:
	pm_arena_release(d->arena, &mark);
	return st;
}

/* dump_read - the whole file into a malloc'd buffer */
static unsigned char *
dump_read(const char *path, size_t *len)
{
	FILE *f = NULL;
	unsigned char *buf = NULL, *nb = NULL;
	size_t cap = 0, n = 0, r;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = malloc(cap)) == NULL) {
				free(buf);
				buf = NULL;
				goto out;
			}
			if (buf != NULL)
				memcpy(nb, buf, n);
			free(buf);
			buf = nb;
		}
		if ((r = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	*len = n;
out:
	fclose(f);
	return buf;
}

static const struct mime_walk_ops dump_ops = { dump_header, dump_leaf };

/* main - mimedump [-a | -o PATH] FILE */
int
main(int argc, char **argv)
{
	struct dump d;
	struct pm_limits lim;
	unsigned char *msg = NULL;
	size_t len = 0;
	int ai = 1, rc = 1;
	pm_status st;

	memset(&d, 0, sizeof(d));
	if (argc > 1 && strcmp(argv[1], "-a") == 0) {
		d.headers = 1;
		ai++;
	} else if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		d.only = argv[2];
		ai += 2;
	}
	if (ai + 1 != argc) {
		fprintf(stderr, "usage: mimedump [-a | -o PATH] FILE\n");
		return 1;
	}
	if ((msg = dump_read(argv[ai], &len)) == NULL) {
		fprintf(stderr, "mimedump: %s: %s\n", argv[ai],
		    strerror(errno ? errno : EIO));
		return 1;
	}
	pm_limits_default(&lim);
	if ((d.arena = pm_arena_new(0)) == NULL)
		goto out;
	mime_walk_init(&d.walk, d.arena, &lim, &dump_ops, &d);
	st = mime_walk_message(&d.walk, msg, len, "", 0);
	if (st == PM_ELIMIT)
		printf("LIMIT %s\n", d.walk.limit ? d.walk.limit : "?");
	else if (st != PM_OK) {
		fprintf(stderr, "mimedump: %s: %s\n", argv[ai],
		    pm_status_str(st));
		goto out;
	}
	rc = 0;
out:
	pm_arena_free(d.arena);
	free(msg);
	return rc;
}
