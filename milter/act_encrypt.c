/*
 * act_encrypt - PGP/MIME construction.
 *
 * The header block is read with mime_hdr's iterator; Content-* fields are
 * copied byte for byte into the plaintext (so the recipient's client sees
 * the same entity) and removed outside, where the new multipart/encrypted
 * Content-Type takes their place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "act_encrypt.h"
#include "mime_hdr.h"

#define ACT_SUBJECT_OUT	" [encrypted message]"

struct enc_buf {
	struct pm_arena *a;
	unsigned char *p;
	size_t n, cap;
};

/* eb_put - append to an arena buffer sized in advance */
static int
eb_put(struct enc_buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap)
		return -1;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

/* eb_str - append a string */
static int
eb_str(struct enc_buf *b, const char *s)
{
	return eb_put(b, s, strlen(s));
}

/* is_name - whether field f is called name (case-insensitive) */
static int
is_name(const struct mime_hdr_field *f, const char *name)
{
	return f->name_len == strlen(name)
	    && strncasecmp((const char *)f->name, name, f->name_len) == 0;
}

/* is_content - a Content-* field */
static int
is_content(const struct mime_hdr_field *f)
{
	return f->name_len > 8
	    && strncasecmp((const char *)f->name, "Content-", 8) == 0;
}

/* add_edit - one header edit; the name is copied into the arena */
static int
add_edit(struct pm_arena *a, struct act_encrypt_edit *e,
    const struct mime_hdr_field *f, int index, const char *value)
{
	char *name;

	if (e->nhdrs == ACT_ENCRYPT_MAX_HDRS || (name =
	    pm_arena_strndup(a, (const char *)f->name, f->name_len)) == NULL)
		return -1;
	e->hdrs[e->nhdrs].name = name;
	e->hdrs[e->nhdrs].index = index;
	e->hdrs[e->nhdrs].value = value;
	e->nhdrs++;
	return 0;
}

/* plaintext - the inner entity: Content-* fields, Subject, body */
static int
plaintext(const unsigned char *msg, const struct mime_hdr_block *blk,
    size_t len, int protect, const char *extra, struct enc_buf *b)
{
	struct mime_hdr_iter it;
	struct mime_hdr_field f;
	int have_ct = 0;

	if (extra != NULL && eb_str(b, extra) < 0)
		return -1;
	mime_hdr_iter_init(&it, msg, blk->hdr_len);
	while (mime_hdr_next(&it, &f)) {
		if (is_content(&f) || (protect && is_name(&f, "Subject"))) {
			if (eb_put(b, f.name, f.name_len) < 0 || eb_str(b, ":")
			    < 0 || eb_put(b, f.value, f.value_len) < 0)
				return -1;
			if (protect && is_name(&f, "Content-Type")
			    && eb_str(b, "; protected-headers=\"v1\"") < 0)
				return -1;
			if (eb_str(b, "\r\n") < 0)
				return -1;
			have_ct |= is_name(&f, "Content-Type");
		}
	}
	if (!have_ct && eb_str(b, protect ? "Content-Type: text/plain;"
	    " charset=us-ascii; protected-headers=\"v1\"\r\n"
	    : "Content-Type: text/plain; charset=us-ascii\r\n") < 0)
		return -1;
	return eb_str(b, "\r\n") < 0
	    || eb_put(b, msg + blk->body_off, len - blk->body_off) < 0 ? -1 : 0;
}

/* pgp_body - the multipart/encrypted body around the armor */
static int
pgp_body(const char *bnd, const char *armor, size_t alen,
    struct enc_buf *b)
{
	size_t i;

	if (eb_str(b, "This is an OpenPGP/MIME encrypted message (RFC 3156)."
	    "\r\n\r\n--") < 0 || eb_str(b, bnd) < 0
	    || eb_str(b, "\r\nContent-Type: application/pgp-encrypted\r\n"
	    "Content-Description: PGP/MIME version identification\r\n\r\n"
	    "Version: 1\r\n\r\n--") < 0 || eb_str(b, bnd) < 0
	    || eb_str(b, "\r\nContent-Type: application/octet-stream;"
	    " name=\"encrypted.asc\"\r\nContent-Description: OpenPGP"
	    " encrypted message\r\nContent-Disposition: inline;"
	    " filename=\"encrypted.asc\"\r\n\r\n") < 0)
		return -1;
	for (i = 0; i < alen; i++) {
		if (armor[i] == '\n' && (i == 0 || armor[i - 1] != '\r')
		    && eb_str(b, "\r") < 0)
			return -1;
		if (eb_put(b, &armor[i], 1) < 0)
			return -1;
	}
	if (alen > 0 && armor[alen - 1] != '\n' && eb_str(b, "\r\n") < 0)
		return -1;
	return eb_str(b, "--") < 0 || eb_str(b, bnd) < 0
	    || eb_str(b, "--\r\n") < 0 ? -1 : 0;
}

/* outer_edits - new Content-Type, other Content-* out, Subject, MIME-Version */
static int
outer_edits(struct pm_arena *a, const unsigned char *msg,
    const struct mime_hdr_block *blk, int protect, const char *ctype,
    struct act_encrypt_edit *e)
{
	static const struct mime_hdr_field ct = {
		(const unsigned char *)"Content-Type", 12, NULL, 0, 0 };
	static const struct mime_hdr_field mv = {
		(const unsigned char *)"MIME-Version", 12, NULL, 0, 0 };
	struct mime_hdr_iter it;
	struct mime_hdr_field f;
	int nct = 0, nsub = 0, have_mv = 0, set_ct = 0;

	mime_hdr_iter_init(&it, msg, blk->hdr_len);
	while (mime_hdr_next(&it, &f)) {
		if (is_name(&f, "MIME-Version"))
			have_mv = 1;
		if (is_name(&f, "Subject") && protect && ++nsub
		    && add_edit(a, e, &f, nsub, ACT_SUBJECT_OUT) < 0)
			return -1;
		if (!is_content(&f))
			continue;
		/* each Content-* field: the first Content-Type becomes ours,
		   every other one is deleted (index 1: the next one moves up) */
		if (is_name(&f, "Content-Type") && !set_ct) {
			set_ct = 1;
			nct = 1;
			if (add_edit(a, e, &f, 1, ctype) < 0)
				return -1;
		} else if (add_edit(a, e, &f, is_name(&f, "Content-Type")
		    ? 2 : 1, NULL) < 0)
			return -1;
	}
	if (!nct && add_edit(a, e, &ct, 0, ctype) < 0)
		return -1;
	if (!have_mv && add_edit(a, e, &mv, 0, " 1.0") < 0)
		return -1;
	return 0;
}

/* act_encrypt - build the PGP/MIME edits for a message */
pm_status
act_encrypt(struct pm_arena *a, const unsigned char *msg, size_t len,
    int protect_subject, const char *extra_hdrs, act_encrypt_fn fn,
    void *arg, struct act_encrypt_edit *out, char *err, size_t errlen)
{
	struct mime_hdr_block blk;
	struct enc_buf pt = { a, NULL, 0, 0 }, body = { a, NULL, 0, 0 };
	unsigned char rnd[12];
	char bnd[48], *ctype, *armor = NULL;
	size_t alen = 0, i;
	pm_status st;

	memset(out, 0, sizeof(*out));
	mime_hdr_split(msg, len, &blk);
	pt.cap = blk.hdr_len + (len - blk.body_off) + 256
	    + (extra_hdrs ? strlen(extra_hdrs) : 0);
	if ((pt.p = pm_arena_alloc(a, pt.cap)) == NULL
	    || plaintext(msg, &blk, len, protect_subject, extra_hdrs, &pt) < 0)
		return PM_ENOMEM;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return PM_ECRYPTO;
	i = (size_t)snprintf(bnd, sizeof(bnd), "panmilter-pgp-");
	for (size_t k = 0; k < sizeof(rnd); k++)
		i += (size_t)snprintf(bnd + i, sizeof(bnd) - i, "%02x", rnd[k]);
	st = fn(arg, pt.p, pt.n, &armor, &alen, err, errlen);
	pm_wipe(pt.p, pt.cap);
	if (st != PM_OK)
		return st;
	body.cap = alen * 2 + 1024;
	ctype = pm_arena_alloc(a, 160);
	if (ctype == NULL || (body.p = pm_arena_alloc(a, body.cap)) == NULL
	    || pgp_body(bnd, armor, alen, &body) < 0) {
		free(armor);
		return PM_ENOMEM;
	}
	free(armor);
	snprintf(ctype, 160, " multipart/encrypted;"
	    " protocol=\"application/pgp-encrypted\"; boundary=\"%s\"", bnd);
	if (outer_edits(a, msg, &blk, protect_subject, ctype, out) < 0)
		return PM_ENOMEM;
	out->body = body.p;
	out->body_len = body.n;
	return PM_OK;
}
