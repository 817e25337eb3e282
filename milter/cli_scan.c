/*
 * cli_scan - offline scanning of files, directories, Maildirs and mboxes.
 *
 * Inputs are collected first (so the progress line can give an ETA), then
 * N worker threads take them in turn. Regular files are mapped read-only
 * (a mail store is not copied into our memory); standard input is read
 * into a buffer that is wiped when done. Output lines are written under
 * one lock, in completion order when --jobs > 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "act_facts.h"
#include "cli_scan.h"
#include "pm_arena.h"
#include "pol_decide.h"
#include "pol_load.h"
#include "scan.h"
#include "scan_out.h"

#define CLI_MAX_DIR_DEPTH	64

struct cli_input {
	char *path;
	off_t size;
};

struct cli_run {
	const struct cli_scan_opts *so;
	struct scan_opts opts;
	struct cli_input *in;
	size_t nin, cap;
	off_t total;
	atomic_size_t next;
	atomic_size_t done_files;
	atomic_ullong done_bytes;
	atomic_size_t findings;
	atomic_size_t n_clean, n_card, n_error, n_unscannable, n_protected;
	pthread_mutex_t out_lock;
	int collect_error;
	struct pol *pol;	/* with --rcpt: the policy to decide with */
};

/* cli_add - append one input */
static int
cli_add(struct cli_run *r, const char *path, off_t size)
{
	struct cli_input *n;

	if (r->nin == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((n = realloc(r->in, cap * sizeof(*n))) == NULL)
			return -1;
		r->in = n;
		r->cap = cap;
	}
	if ((r->in[r->nin].path = strdup(path)) == NULL)
		return -1;
	r->in[r->nin++].size = size;
	r->total += size;
	return 0;
}

/* cli_is_dir - whether dir/name is a directory (no symlinks followed) */
static int
cli_is_dir(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return 0;
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* cli_walk - collect the regular files below dir (Maildir aware) */
static void
cli_walk(struct cli_run *r, const char *dir, int depth)
{
	int maildir = cli_is_dir(dir, "cur") && cli_is_dir(dir, "new")
	    && cli_is_dir(dir, "tmp");
	struct dirent *de;
	struct stat st;
	char p[4096];
	DIR *d;

	if (depth > CLI_MAX_DIR_DEPTH || (d = opendir(dir)) == NULL) {
		fprintf(stderr, "panmilter: %s: cannot read directory: %s;"
		    " check permissions\n", dir, depth > CLI_MAX_DIR_DEPTH
		    ? "nested too deep" : strerror(errno));
		r->collect_error = 1;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name)
		    >= (int)sizeof(p) || lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* a Maildir's tmp/ holds deliveries in progress */
			if (maildir && strcmp(de->d_name, "tmp") == 0)
				continue;
			cli_walk(r, p, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			/* in a Maildir, messages live in cur/ and new/ only */
			if (maildir)
				continue;
			cli_add(r, p, st.st_size);
		}
	}
	closedir(d);
}

/* cli_collect - turn the arguments into the list of inputs */
static void
cli_collect(struct cli_run *r, char **args, int nargs)
{
	struct stat st;
	int i;

	for (i = 0; i < nargs; i++) {
		if (strcmp(args[i], "-") == 0)
			cli_add(r, "-", 0);
		else if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
			cli_walk(r, args[i], 0);
		else
			cli_add(r, args[i], stat(args[i], &st) == 0
			    ? st.st_size : 0);
	}
}

/* cli_read_stdin - all of standard input into a malloc'd buffer */
static unsigned char *
cli_read_stdin(size_t max, size_t *len)
{
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t got;

	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;

			if (cap > max || (nb = malloc(ncap)) == NULL)
				break;
			if (buf != NULL) {
				memcpy(nb, buf, n);
				pm_wipe(buf, cap);
				free(buf);
			}
			buf = nb;
			cap = ncap;
		}
		got = read(0, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			*len = n;
			return buf ? buf : malloc(1);
		}
		n += (size_t)got;
	}
	if (buf != NULL) {
		pm_wipe(buf, cap);
		free(buf);
	}
	return NULL;
}

/* cli_decide - the policy's decision for --from/--rcpt, as JSON */
static json_t *
cli_decide(const struct cli_run *r, const struct scan_result *res)
{
	struct pol_decision *dec = NULL;
	struct pol_facts facts;
	json_t *o = NULL;

	if (r->pol == NULL)
		return NULL;
	act_facts_from(res, &facts);
	if (pol_decide(r->pol, r->so->from ? r->so->from : "<>", r->so->rcpts,
	    r->so->nrcpts, &facts, NULL, NULL, &dec) != PM_OK)
		return NULL;
	o = json_pack("{s:s, s:s, s:s}", "action",
	    pol_action_str(dec->action), "rule", dec->deciding
	    ? dec->deciding->name : pol_why_str(dec->why), "why",
	    pol_why_str(dec->why));
	pol_decision_free(dec);
	return o;
}

/* cli_emit - print one result and count it */
static void
cli_emit(struct cli_run *r, const char *name, struct scan_result *res)
{
	json_t *dec = res->verdict == SCAN_ERROR ? NULL : cli_decide(r, res);

	pthread_mutex_lock(&r->out_lock);
	if (r->so->json)
		scan_out_json(stdout, name, res, dec);
	else {
		scan_out_human(stdout, name, res);
		if (dec != NULL) {
			char *safe = scan_safe_text(name, strlen(name));

			printf("%s: decision: action=%s rule=%s\n", safe ? safe
			    : "?", json_string_value(json_object_get(dec,
			    "action")), json_string_value(json_object_get(dec,
			    "rule")));
			free(safe);
			json_decref(dec);
		}
	}
	fflush(stdout);
	pthread_mutex_unlock(&r->out_lock);
	atomic_fetch_add(&r->findings, res->nfindings + res->dropped);
	switch (res->verdict) {
	case SCAN_PAN:
	case SCAN_TRACK_DATA:
		atomic_fetch_add(&r->n_card, 1);
		break;
	case SCAN_ERROR:
		atomic_fetch_add(&r->n_error, 1);
		break;
	case SCAN_UNSCANNABLE:
		atomic_fetch_add(&r->n_unscannable, 1);
		break;
	case SCAN_PROTECTED:
		atomic_fetch_add(&r->n_protected, 1);
		break;
	default:
		atomic_fetch_add(&r->n_clean, 1);
	}
}

/* cli_error - an input that could not be read */
static void
cli_error(struct cli_run *r, const char *name, const char *why)
{
	struct scan_result res;

	memset(&res, 0, sizeof(res));
	res.verdict = SCAN_ERROR;
	snprintf(res.reason, sizeof(res.reason), "%s", why);
	cli_emit(r, name, &res);
}

/* cli_scan_one - scan one message and print its result */
static void
cli_scan_one(struct cli_run *r, const char *name, const unsigned char *p,
    size_t n)
{
	struct scan_result res;

	(void)scan_message(p, n, &r->opts, &res);
	cli_emit(r, name, &res);
	scan_result_fini(&res);
}

/* cli_is_mbox - a file that starts with an mbox "From " line */
static int
cli_is_mbox(const unsigned char *p, size_t n)
{
	const unsigned char *nl;

	if (n < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	/* a message never starts with "From " (no colon): an mbox does */
	nl = memchr(p, '\n', n);
	return nl != NULL;
}

/* cli_scan_mbox - split at "From " lines; each message is FILE:N */
static void
cli_scan_mbox(struct cli_run *r, const char *path, const unsigned char *p,
    size_t n)
{
	size_t pos = 0, start, idx = 0;
	const unsigned char *nl;
	char name[4352];

	while (pos < n) {
		/* skip the separator line */
		nl = memchr(p + pos, '\n', n - pos);
		start = nl ? (size_t)(nl - p) + 1 : n;
		pos = start;
		for (;;) {
			nl = memchr(p + pos, '\n', n - pos);
			if (nl == NULL) {
				pos = n;
				break;
			}
			pos = (size_t)(nl - p) + 1;
			if (n - pos >= 5 && memcmp(p + pos, "From ", 5) == 0)
				break;
		}
		snprintf(name, sizeof(name), "%s:%zu", path, ++idx);
		cli_scan_one(r, name, p + start, pos - start);
	}
}

/* cli_scan_input - load one input and scan it (or its mbox messages) */
static void
cli_scan_input(struct cli_run *r, const struct cli_input *in)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t len = 0;
	void *map = MAP_FAILED;
	int fd = -1;
	char why[96];

	if (strcmp(in->path, "-") == 0) {
		if ((buf = cli_read_stdin(r->opts.lim.max_message_size * 2,
		    &len)) == NULL) {
			cli_error(r, in->path, "cannot read standard input");
			return;
		}
		cli_scan_one(r, "-", buf, len);
		pm_wipe(buf, len);
		free(buf);
		return;
	}
	if ((fd = open(in->path, O_RDONLY | O_NOCTTY | O_NONBLOCK)) < 0
	    || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, sizeof(why), "cannot read: %.60s",
		    fd < 0 ? strerror(errno) : "not a regular file");
		cli_error(r, in->path, why);
		goto out;
	}
	len = (size_t)st.st_size;
	if (len > 0 && (map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		snprintf(why, sizeof(why), "cannot map: %.60s", strerror(errno));
		cli_error(r, in->path, why);
		goto out;
	}
	if (len > 0)
		(void)madvise(map, len, MADV_SEQUENTIAL);
	if (len > 0 && cli_is_mbox(map, len))
		cli_scan_mbox(r, in->path, map, len);
	else
		cli_scan_one(r, in->path, len ? map : (const void *)"", len);
out:
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
}

/* cli_worker - take inputs until none are left */
static void *
cli_worker(void *arg)
{
	struct cli_run *r = arg;
	size_t i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->nin) {
		cli_scan_input(r, &r->in[i]);
		atomic_fetch_add(&r->done_files, 1);
		atomic_fetch_add(&r->done_bytes,
		    (unsigned long long)r->in[i].size);
	}
	return NULL;
}

/* cli_elapsed - seconds since t0 */
static double
cli_elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec)
	    + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* cli_progress - one progress line on stderr (a terminal) */
static void
cli_progress(struct cli_run *r, const struct timespec *t0)
{
	double s = cli_elapsed(t0), mb = (double)r->done_bytes / 1e6;
	double rate = s > 0 ? mb / s : 0;
	double left = (double)r->total / 1e6 - mb;

	fprintf(stderr, "\rscan: %zu/%zu files, %.1f MB, %.1f MB/s,"
	    " %zu findings, ETA %.0f s   ", (size_t)r->done_files, r->nin, mb,
	    rate, (size_t)r->findings, rate > 0 ? left / rate : 0.0);
}

/* cli_load_policy - the policy for --rcpt decisions; -1 on error */
static int
cli_load_policy(struct cli_run *r, const struct cli_scan_opts *so,
    const struct conf *conf)
{
	const char *path = so->policy ? so->policy : conf->policy;
	struct pol_diags dg;
	size_t i;

	if (path == NULL) {
		fprintf(stderr, "panmilter: --rcpt needs a policy: set policy in"
		    " %s or pass --policy FILE\n", conf->path ? conf->path
		    : CONF_DEFAULT_PATH);
		return -1;
	}
	pol_diags_init(&dg);
	if (pol_load_file(path, &r->pol, &dg) != PM_OK) {
		for (i = 0; i < dg.n; i++)
			fprintf(stderr, "panmilter: %s:%u: %s\n", dg.v[i].file
			    ? dg.v[i].file : path, dg.v[i].line, dg.v[i].text);
		fprintf(stderr, "panmilter: policy %s not loaded; run panpolicy"
		    " check %s\n", path, path);
		pol_diags_fini(&dg);
		return -1;
	}
	pol_diags_fini(&dg);
	return 0;
}

/* cli_scan_main - the --scan command */
int
cli_scan_main(const struct cli_scan_opts *so, char **inputs, int ninputs,
    const struct conf *conf)
{
	struct cli_run r;
	struct timespec t0, nap = { 0, 200 * 1000 * 1000 };
	pthread_t *tid = NULL;
	unsigned i, jobs = so->jobs ? so->jobs : 1, started = 0;
	int tty = isatty(2), rc;
	struct pan_token_key *key = NULL;

	memset(&r, 0, sizeof(r));
	r.so = so;
	scan_opts_default(&r.opts);
	r.opts.lim = conf->lim;
	r.opts.mask = conf->mask;
	if (so->nrcpts > 0 && cli_load_policy(&r, so, conf) < 0)
		return 2;
	if (conf->token_key_file != NULL) {
		char err[512];

		if (pan_token_load(conf->token_key_file, &key, err,
		    sizeof(err)) != PM_OK) {
			fprintf(stderr, "panmilter: %s\n", err);
			return 2;
		}
		r.opts.key = key;
	}
	pthread_mutex_init(&r.out_lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cli_collect(&r, inputs, ninputs);
	if (jobs > r.nin)
		jobs = r.nin ? (unsigned)r.nin : 1;
	if ((tid = calloc(jobs, sizeof(*tid))) != NULL)
		for (; started < jobs; started++)
			if (pthread_create(&tid[started], NULL, cli_worker,
			    &r) != 0)
				break;
	if (started == 0)
		cli_worker(&r);
	while (tty && started > 0 && r.done_files < r.nin) {
		cli_progress(&r, &t0);
		nanosleep(&nap, NULL);
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "scan: %zu inputs, %.1f MB in %.2f s: %zu clean,"
	    " %zu with card data, %zu unscannable, %zu protected, %zu errors,"
	    " %zu findings\n", r.nin, (double)r.done_bytes / 1e6,
	    cli_elapsed(&t0), (size_t)r.n_clean, (size_t)r.n_card,
	    (size_t)r.n_unscannable, (size_t)r.n_protected,
	    (size_t)r.n_error, (size_t)r.findings);
	rc = r.n_card ? 1 : (r.n_error || r.collect_error) ? 2 : 0;
	for (i = 0; i < r.nin; i++)
		free(r.in[i].path);
	free(r.in);
	free(tid);
	pan_token_key_free(key);
	pol_free(r.pol);
	pthread_mutex_destroy(&r.out_lock);
	return rc;
}
