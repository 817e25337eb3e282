/*
 * pgp_gpgme - GPGME behind a small interface. Every gpgme_* return value
 * is checked here and mapped to a pm_status with gpgme_strerror's text.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gpgme.h>

#include "pgp_gpgme.h"

#define PGP_CACHE	64

/* a looked-up key, kept: gpgme_get_key runs a gpg process each time,
 * which doubled the cost of every encryption (bench/pgp.sh) */
struct pgp_cached {
	char fpr[PGP_FPR_MAX + 1];
	gpgme_key_t key;
};

struct pgp_gpgme {
	gpgme_ctx_t ctx;
	char keydir[4096];
	struct pgp_cached cache[PGP_CACHE];
	unsigned ncache, next;
};

/* pgp_gpgme_open - a context on our private home */
pm_status
pgp_gpgme_open(const char *home, const char *keydir, struct pgp_gpgme **out,
    char *err, size_t errlen)
{
	struct pgp_gpgme *p = NULL;
	gpgme_error_t e;

	gpgme_check_version(NULL);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return PM_ENOMEM;
	snprintf(p->keydir, sizeof(p->keydir), "%s", keydir);
	if ((e = gpgme_new(&p->ctx)) != 0
	    || (e = gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, home)) != 0) {
		snprintf(err, errlen, "gpgme: %s; check that gnupg is"
		    " installed", gpgme_strerror(e));
		pgp_gpgme_close(p);
		return PM_ECRYPTO;
	}
	gpgme_set_armor(p->ctx, 1);
	*out = p;
	return PM_OK;
}

/* pgp_gpgme_fpr_ok - 40 or 64 hex digits */
static int
pgp_gpgme_fpr_ok(const char *f)
{
	size_t n = strlen(f), i;

	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)f[i]))
			return 0;
	return 1;
}

/* pgp_gpgme_import - bring KEYDIR/<fpr>.asc into the home */
static pm_status
pgp_gpgme_import(struct pgp_gpgme *p, const char *fpr, char *err,
    size_t errlen)
{
	char path[4200];
	gpgme_data_t d = NULL;
	gpgme_error_t e;

	snprintf(path, sizeof(path), "%s/%s.asc", p->keydir, fpr);
	if ((e = gpgme_data_new_from_file(&d, path, 1)) != 0) {
		snprintf(err, errlen, "%s: %s; is the key enrolled (pankey"
		    " list)?", path, gpgme_strerror(e));
		return PM_ENOKEY;
	}
	e = gpgme_op_import(p->ctx, d);
	gpgme_data_release(d);
	if (e != 0) {
		snprintf(err, errlen, "%s: import failed: %s", path,
		    gpgme_strerror(e));
		return PM_ENOKEY;
	}
	return PM_OK;
}

/* pgp_gpgme_usable - an encryption subkey valid now (expiry is checked
 * against the clock, since a cached key's flags were computed earlier) */
static int
pgp_gpgme_usable(gpgme_key_t k)
{
	gpgme_subkey_t sk;
	time_t now = time(NULL);

	if (k->revoked || k->disabled || k->invalid)
		return 0;
	for (sk = k->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && !sk->revoked && !sk->disabled
		    && !sk->invalid && (sk->expires == 0 || sk->expires > now))
			return 1;
	return 0;
}

/* pgp_gpgme_cached - a key from the cache (a new reference), or NULL */
static gpgme_key_t
pgp_gpgme_cached(struct pgp_gpgme *p, const char *fpr)
{
	unsigned i;

	for (i = 0; i < p->ncache; i++)
		if (strcasecmp(p->cache[i].fpr, fpr) == 0) {
			gpgme_key_ref(p->cache[i].key);
			return p->cache[i].key;
		}
	return NULL;
}

/* pgp_gpgme_remember - keep a reference to a key for later messages */
static void
pgp_gpgme_remember(struct pgp_gpgme *p, const char *fpr, gpgme_key_t k)
{
	struct pgp_cached *c;

	if (p->ncache < PGP_CACHE)
		c = &p->cache[p->ncache++];
	else {
		c = &p->cache[p->next++ % PGP_CACHE];
		gpgme_key_unref(c->key);
	}
	snprintf(c->fpr, sizeof(c->fpr), "%s", fpr);
	gpgme_key_ref(k);
	c->key = k;
}

/* pgp_gpgme_key - the key with exactly this fingerprint, usable */
static pm_status
pgp_gpgme_key(struct pgp_gpgme *p, const char *fpr, gpgme_key_t *key,
    char *err, size_t errlen)
{
	pm_status st;

	if (!pgp_gpgme_fpr_ok(fpr)) {
		snprintf(err, errlen, "bad fingerprint in the keyring");
		return PM_ENOKEY;
	}
	if ((*key = pgp_gpgme_cached(p, fpr)) != NULL)
		goto check;
	if (gpgme_get_key(p->ctx, fpr, key, 0) != 0) {
		if ((st = pgp_gpgme_import(p, fpr, err, errlen)) != PM_OK)
			return st;
		if (gpgme_get_key(p->ctx, fpr, key, 0) != 0) {
			snprintf(err, errlen, "key %s not found after import;"
			    " the enrolled file holds another key", fpr);
			return PM_ENOKEY;
		}
	}
	if (strcasecmp((*key)->fpr ? (*key)->fpr : "", fpr) == 0)
		pgp_gpgme_remember(p, fpr, *key);
check:
	if (strcasecmp((*key)->fpr ? (*key)->fpr : "", fpr) != 0
	    || !pgp_gpgme_usable(*key)) {
		snprintf(err, errlen, "key %s is not usable for encryption"
		    " (revoked, expired or no encryption subkey); run pankey"
		    " check", fpr);
		gpgme_key_unref(*key);
		*key = NULL;
		return PM_ENOKEY;
	}
	return PM_OK;
}

/*
 * The encryption runs on an event loop of ours (GPGME's external event
 * loop interface) for one reason: it sees the pipes GPGME makes to gpg
 * and widens them to PGP_PIPE_SIZE, so that the plaintext flows ahead of
 * gpg and gpg writes its armor without waiting on us. GPGME's own loop
 * moves 4 KiB per poll through 64 KiB pipes, each a wake-up of gpg.
 */
#define PGP_IO_MAX	16
#define PGP_PIPE_SIZE	(1024 * 1024)

struct pgp_io_fd {
	int fd;
	int dir;		/* 1: call fnc when readable, 0: writable */
	gpgme_io_cb_t fnc;	/* NULL: a free slot */
	void *fnc_data;
};

struct pgp_io_loop {
	struct pgp_io_fd fds[PGP_IO_MAX];
	int done;
	gpgme_error_t err;
};

/* pgp_io_add - GPGME registers a descriptor */
static gpgme_error_t
pgp_io_add(void *data, int fd, int dir, gpgme_io_cb_t fnc, void *fnc_data,
    void **tag)
{
	struct pgp_io_loop *l = data;
	size_t i;

	for (i = 0; i < PGP_IO_MAX; i++) {
		if (l->fds[i].fnc != NULL)
			continue;
		l->fds[i].fd = fd;
		l->fds[i].dir = dir;
		l->fds[i].fnc = fnc;
		l->fds[i].fnc_data = fnc_data;
		*tag = &l->fds[i];
		/* best effort: a pipe that stays narrow only costs speed */
		(void)fcntl(fd, F_SETPIPE_SZ, PGP_PIPE_SIZE);
		return 0;
	}
	return gpg_error(GPG_ERR_GENERAL);
}

/* pgp_io_remove - GPGME is done with a descriptor */
static void
pgp_io_remove(void *tag)
{
	struct pgp_io_fd *f = tag;

	f->fnc = NULL;
	f->fd = -1;
}

/* pgp_io_event - the operation's end (and its status) */
static void
pgp_io_event(void *data, gpgme_event_io_t type, void *type_data)
{
	struct pgp_io_loop *l = data;
	gpgme_io_event_done_data_t d = type_data;

	if (type != GPGME_EVENT_DONE)
		return;
	l->done = 1;
	l->err = d == NULL ? 0 : d->err ? d->err : d->op_err;
}

/* pgp_io_run - poll the registered descriptors until the operation ends */
static gpgme_error_t
pgp_io_run(gpgme_ctx_t ctx, struct pgp_io_loop *l)
{
	struct pollfd pfd[PGP_IO_MAX];
	struct pgp_io_fd *slot[PGP_IO_MAX];
	gpgme_error_t e;
	size_t i, n;

	while (!l->done) {
		for (i = n = 0; i < PGP_IO_MAX; i++) {
			if (l->fds[i].fnc == NULL)
				continue;
			pfd[n].fd = l->fds[i].fd;
			pfd[n].events = l->fds[i].dir ? POLLIN : POLLOUT;
			pfd[n].revents = 0;
			slot[n++] = &l->fds[i];
		}
		if (n == 0) {
			gpgme_cancel(ctx);	/* not left to the next op */
			return gpg_error(GPG_ERR_GENERAL);
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			e = gpgme_error_from_errno(errno);
			gpgme_cancel(ctx);
			return e;
		}
		for (i = 0; i < n && !l->done; i++) {
			/* a handler may have removed this slot meanwhile */
			if (pfd[i].revents == 0 || slot[i]->fnc == NULL
			    || slot[i]->fd != pfd[i].fd)
				continue;
			if ((e = slot[i]->fnc(slot[i]->fnc_data, pfd[i].fd))
			    != 0) {
				gpgme_cancel(ctx);
				return e;
			}
		}
	}
	return l->err;
}

/* pgp_gpgme_run - armored ciphertext of the data in to every fingerprint */
static pm_status
pgp_gpgme_run(struct pgp_gpgme *p, const char *const *fprs, size_t nfpr,
    gpgme_data_t in, char **out, size_t *outlen, char *err, size_t errlen)
{
	gpgme_key_t keys[PGP_FPR_MAX + 1];
	gpgme_data_t cipher = NULL;
	struct pgp_io_loop loop;
	struct gpgme_io_cbs io;
	gpgme_error_t e;
	pm_status st = PM_OK;
	size_t i, n = 0;

	*out = NULL;
	if (nfpr == 0 || nfpr > PGP_FPR_MAX) {
		snprintf(err, errlen, "%zu recipients keys: need 1 to %d", nfpr,
		    PGP_FPR_MAX);
		return PM_ENOKEY;
	}
	for (i = 0; i < nfpr; i++) {
		if ((st = pgp_gpgme_key(p, fprs[i], &keys[n], err, errlen))
		    != PM_OK)
			goto out;
		n++;
	}
	keys[n] = NULL;
	memset(&loop, 0, sizeof(loop));
	io.add = pgp_io_add;
	io.add_priv = &loop;
	io.remove = pgp_io_remove;
	io.event = pgp_io_event;
	io.event_priv = &loop;
	if ((e = gpgme_data_new(&cipher)) == 0) {
		gpgme_set_io_cbs(p->ctx, &io);
		e = gpgme_op_encrypt_start(p->ctx, keys,
		    GPGME_ENCRYPT_ALWAYS_TRUST, in, cipher);
		if (e == 0)
			e = pgp_io_run(p->ctx, &loop);
		io.add = NULL;	/* back to GPGME's loop (key imports) */
		gpgme_set_io_cbs(p->ctx, &io);
	}
	if (e != 0) {
		snprintf(err, errlen, "encryption failed: %s",
		    gpgme_strerror(e));
		st = PM_ECRYPTO;
		goto out;
	}
	{
		size_t clen = 0;
		char *c = gpgme_data_release_and_get_mem(cipher, &clen);

		cipher = NULL;
		if (c == NULL || (*out = malloc(clen + 1)) == NULL) {
			gpgme_free(c);
			st = PM_ENOMEM;
			goto out;
		}
		memcpy(*out, c, clen);
		(*out)[clen] = 0;
		*outlen = clen;
		gpgme_free(c);
	}
out:
	gpgme_data_release(cipher);
	for (i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	return st;
}

/* the plaintext stream of pgp_gpgme_encrypt_read */
struct pgp_gpgme_src {
	pgp_gpgme_read_fn rd;
	void *arg;
};

/* pgp_gpgme_src_read - GPGME's read callback over the caller's reader */
static ssize_t
pgp_gpgme_src_read(void *handle, void *buf, size_t n)
{
	struct pgp_gpgme_src *s = handle;

	return s->rd(s->arg, buf, n);
}

/* pgp_gpgme_encrypt_read - armored ciphertext of the len bytes rd gives,
 * to every fingerprint */
pm_status
pgp_gpgme_encrypt_read(struct pgp_gpgme *p, const char *const *fprs,
    size_t nfpr, pgp_gpgme_read_fn rd, void *arg, size_t len, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	static struct gpgme_data_cbs cbs = { pgp_gpgme_src_read, NULL, NULL,
	    NULL };
	struct pgp_gpgme_src src = { rd, arg };
	gpgme_data_t in = NULL;
	gpgme_error_t e;
	pm_status st;
	char hint[32];

	*out = NULL;
	snprintf(hint, sizeof(hint), "%zu", len);
	if ((e = gpgme_data_new_from_cbs(&in, &cbs, &src)) != 0
	    || (e = gpgme_data_set_flag(in, "size-hint", hint)) != 0) {
		gpgme_data_release(in);
		snprintf(err, errlen, "encryption failed: %s",
		    gpgme_strerror(e));
		return PM_ECRYPTO;
	}
	st = pgp_gpgme_run(p, fprs, nfpr, in, out, outlen, err, errlen);
	gpgme_data_release(in);
	return st;
}

/* pgp_gpgme_close - release the context */
void
pgp_gpgme_close(struct pgp_gpgme *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncache; i++)
		gpgme_key_unref(p->cache[i].key);
	if (p->ctx != NULL)
		gpgme_release(p->ctx);
	free(p);
}
