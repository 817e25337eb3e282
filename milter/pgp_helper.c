/*
 * pgp_helper - the encryption helpers and their wire format.
 *
 * Request:  u32 nfpr, nfpr x (u8 len, len bytes), u32 plen, plen bytes.
 * Response: u32 status, u32 errlen, errlen bytes, u32 clen, clen bytes.
 * Integers in host order (both ends are this program on this machine).
 */
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pgp_gpgme.h"
#include "pgp_helper.h"
#include "pm_arena.h"

#define PGP_HELPER_MAX	16

struct pgp_slot {
	pthread_mutex_t lock;
	int fd;
	pid_t pid;
	int dead;
};

struct pgp_helper {
	unsigned n;
	unsigned timeout;
	unsigned next;
	unsigned ndead;		/* helpers stopped or died */
	struct pgp_slot slot[PGP_HELPER_MAX];
};

/* io_full - read or write exactly n bytes (deadline in ms, -1: none) */
static int
io_full(int fd, void *p, size_t n, int wr, int ms)
{
	unsigned char *b = p;
	struct pollfd pf = { fd, wr ? POLLOUT : POLLIN, 0 };
	ssize_t got;

	while (n > 0) {
		if (ms >= 0 && poll(&pf, 1, ms) <= 0)
			return -1;
		/* MSG_NOSIGNAL: a dead peer is an error, not a SIGPIPE */
		got = wr ? send(fd, b, n, MSG_NOSIGNAL) : read(fd, b, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		b += got;
		n -= (size_t)got;
	}
	return 0;
}

/* the plaintext of one request, read from the channel as gpg wants it */
struct helper_src {
	int fd;
	size_t left;		/* bytes of it not yet read */
	int broken;		/* the channel failed: end the child */
};

/* helper_src_read - pgp_gpgme_read_fn over the channel */
static ssize_t
helper_src_read(void *arg, void *buf, size_t n)
{
	struct helper_src *s = arg;
	ssize_t got;

	if (s->left == 0)
		return 0;
	if (n > s->left)
		n = s->left;
	do
		got = read(s->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		s->broken = 1;
		errno = EIO;
		return -1;
	}
	s->left -= (size_t)got;
	return got;
}

/* helper_src_drain - read and wipe what gpg left unread (an error) */
static int
helper_src_drain(struct helper_src *s)
{
	unsigned char buf[16384];
	ssize_t got = 0;

	while (s->left > 0 && !s->broken
	    && (got = helper_src_read(s, buf, sizeof(buf))) > 0)
		;
	pm_wipe(buf, sizeof(buf));
	return s->broken ? -1 : 0;
}

/*
 * helper_serve_one - one request in the child; -1 ends the child. The
 * plaintext is streamed from the channel into gpg while gpg starts up,
 * so its transfer overlaps gpg's start and no copy of it is held here.
 */
static int
helper_serve_one(int fd, struct pgp_gpgme *g)
{
	char fprbuf[PGP_FPR_MAX][PGP_FPR_MAX + 1], err[512] = "";
	const char *fprs[PGP_FPR_MAX];
	uint32_t nfpr, plen, st, elen, clen;
	struct helper_src src;
	char *ct = NULL;
	size_t ctlen = 0, i;
	uint8_t l;

	if (io_full(fd, &nfpr, 4, 0, -1) < 0 || nfpr == 0
	    || nfpr > PGP_FPR_MAX)
		return -1;
	for (i = 0; i < nfpr; i++) {
		if (io_full(fd, &l, 1, 0, -1) < 0 || l > PGP_FPR_MAX
		    || io_full(fd, fprbuf[i], l, 0, -1) < 0)
			return -1;
		fprbuf[i][l] = 0;
		fprs[i] = fprbuf[i];
	}
	if (io_full(fd, &plen, 4, 0, -1) < 0 || plen > PGP_HELPER_MAX_PLAIN)
		return -1;
	src.fd = fd;
	src.left = plen;
	src.broken = 0;
	st = pgp_gpgme_encrypt_read(g, fprs, nfpr, helper_src_read, &src, plen,
	    &ct, &ctlen, err, sizeof(err));
	if (helper_src_drain(&src) < 0) {
		free(ct);
		return -1;
	}
	elen = (uint32_t)strlen(err);
	clen = st == PM_OK ? (uint32_t)ctlen : 0;
	i = io_full(fd, &st, 4, 1, -1) < 0 || io_full(fd, &elen, 4, 1, -1) < 0
	    || io_full(fd, err, elen, 1, -1) < 0
	    || io_full(fd, &clen, 4, 1, -1) < 0
	    || io_full(fd, ct ? ct : "", clen, 1, -1) < 0;
	free(ct);
	return i ? -1 : 0;
}

/* rm_cb - nftw callback removing one entry */
static int
rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* helper_gpg_conf - public-key work needs no gpg-agent: never start one
 * (it would outlive us in the home and keep it from being removed) */
static int
helper_gpg_conf(const char *home)
{
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/gpg.conf", home);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs("no-autostart\n", fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* helper_child - the helper process: own home, serve until EOF */
static void
helper_child(int fd, const char *keydir, const char *rundir)
{
	char home[4096];
	struct pgp_gpgme *g = NULL;
	char err[512];
	sigset_t all;

	/* only the channel stays open: an inherited copy of the milter's
	 * listening socket would keep it "alive" after the worker died */
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) != 0))
		_exit(1);
	fd = 3;
	close_range(4, ~0U, 0);
	/* the worker blocks SIGTERM for libmilter; the helper must die with
	 * its parent */
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		_exit(1);
	/* the worker's umask is for its socket; gpg needs a usable home */
	umask(077);
	snprintf(home, sizeof(home), "%s/panmilter-gpg.XXXXXX", rundir);
	if (mkdtemp(home) == NULL || helper_gpg_conf(home) < 0
	    || pgp_gpgme_open(home, keydir, &g, err, sizeof(err)) != PM_OK)
		_exit(1);
	while (helper_serve_one(fd, g) == 0)
		;
	pgp_gpgme_close(g);
	/* the home holds public keys and gpg's own files only */
	_exit(nftw(home, rm_cb, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : 1);
}

/* pgp_helper_start - fork n helpers */
pm_status
pgp_helper_start(unsigned n, const char *keydir, const char *rundir,
    unsigned timeout, struct pgp_helper **out, char *err, size_t errlen)
{
	struct pgp_helper *h;
	int sv[2];
	unsigned i;
	pid_t pid;

	if (n == 0 || n > PGP_HELPER_MAX)
		n = n == 0 ? 1 : PGP_HELPER_MAX;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return PM_ENOMEM;
	h->n = n;
	h->timeout = timeout ? timeout : 60;
	for (i = 0; i < n; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0
		    || (pid = fork()) < 0) {
			snprintf(err, errlen, "cannot start the encryption"
			    " helper: %s", strerror(errno));
			h->n = i;
			pgp_helper_stop(h);
			return PM_ECRYPTO;
		}
		if (pid == 0) {
			close(sv[0]);
			helper_child(sv[1], keydir, rundir);
		}
		close(sv[1]);
		pthread_mutex_init(&h->slot[i].lock, NULL);
		h->slot[i].fd = sv[0];
		h->slot[i].pid = pid;
	}
	*out = h;
	return PM_OK;
}

/* helper_call - one exchange on a locked, live slot */
static pm_status
helper_call(struct pgp_helper *h, struct pgp_slot *s, const char *const *fprs,
    size_t nfpr, const void *plain, size_t len, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	uint32_t v = (uint32_t)nfpr, st, elen, clen;
	int ms = (int)h->timeout * 1000;
	char ebuf[512];
	size_t i;
	uint8_t l;

	if (io_full(s->fd, &v, 4, 1, ms) < 0)
		goto broken;
	for (i = 0; i < nfpr; i++) {
		l = (uint8_t)strlen(fprs[i]);
		if (io_full(s->fd, &l, 1, 1, ms) < 0
		    || io_full(s->fd, (void *)fprs[i], l, 1, ms) < 0)
			goto broken;
	}
	v = (uint32_t)len;
	if (io_full(s->fd, &v, 4, 1, ms) < 0
	    || io_full(s->fd, (void *)plain, len, 1, ms) < 0
	    || io_full(s->fd, &st, 4, 0, ms) < 0
	    || io_full(s->fd, &elen, 4, 0, ms) < 0 || elen >= sizeof(ebuf)
	    || io_full(s->fd, ebuf, elen, 0, ms) < 0
	    || io_full(s->fd, &clen, 4, 0, ms) < 0
	    || clen > 2 * PGP_HELPER_MAX_PLAIN + 65536)
		goto broken;
	ebuf[elen] = 0;
	if ((*out = malloc((size_t)clen + 1)) == NULL)
		goto broken;
	if (io_full(s->fd, *out, clen, 0, ms) < 0) {
		free(*out);
		*out = NULL;
		goto broken;
	}
	(*out)[clen] = 0;
	*outlen = clen;
	if (st != PM_OK) {
		snprintf(err, errlen, "%s", ebuf);
		free(*out);
		*out = NULL;
	}
	return (pm_status)st;
broken:
	snprintf(err, errlen, "encryption helper %ld did not answer within"
	    " %u s; it was stopped", (long)s->pid, h->timeout);
	kill(s->pid, SIGKILL);
	s->dead = 1;
	__atomic_fetch_add(&h->ndead, 1, __ATOMIC_RELAXED);
	return PM_ETIMEOUT;
}

/* pgp_helper_encrypt - encrypt through a free helper */
pm_status
pgp_helper_encrypt(struct pgp_helper *h, const char *const *fprs,
    size_t nfpr, const void *plain, size_t len, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct pgp_slot *s = NULL;
	unsigned i, start;
	pm_status st;

	*out = NULL;
	if (len > PGP_HELPER_MAX_PLAIN || nfpr == 0 || nfpr > PGP_FPR_MAX) {
		snprintf(err, errlen, "message or recipient list too large to"
		    " encrypt");
		return PM_ELIMIT;
	}
	start = __atomic_fetch_add(&h->next, 1, __ATOMIC_RELAXED);
	for (i = 0; i < h->n && s == NULL; i++) {
		s = &h->slot[(start + i) % h->n];
		if (pthread_mutex_trylock(&s->lock) != 0)
			s = NULL;
	}
	if (s == NULL) {
		s = &h->slot[start % h->n];
		pthread_mutex_lock(&s->lock);
	}
	if (s->dead) {
		snprintf(err, errlen, "encryption helper %ld is gone; restart"
		    " panmilter", (long)s->pid);
		st = PM_ECRYPTO;
	} else
		st = helper_call(h, s, fprs, nfpr, plain, len, out, outlen,
		    err, errlen);
	pthread_mutex_unlock(&s->lock);
	return st;
}

/* pgp_helper_dead - helpers stopped or found dead so far */
unsigned
pgp_helper_dead(struct pgp_helper *h)
{
	return h == NULL ? 0 : __atomic_load_n(&h->ndead, __ATOMIC_RELAXED);
}

/* pgp_helper_stop - close channels, reap children */
void
pgp_helper_stop(struct pgp_helper *h)
{
	unsigned i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		close(h->slot[i].fd);
		(void)waitpid(h->slot[i].pid, NULL, 0);
		pthread_mutex_destroy(&h->slot[i].lock);
	}
	free(h);
}
