/*
 * daemon - main() of panmilter: option parsing and the command modes.
 *
 * Modes: the milter daemon (default), --scan (offline scanning, cli_scan),
 * --token (keyed tokens of card numbers read from standard input), -n
 * (check configuration and policy as the daemon would), -V (version).
 *
 * The daemon runs as two processes. libmilter owns SIGHUP, SIGTERM and
 * SIGINT in the process that calls smfi_main (SIGHUP stops it), so a small
 * supervisor keeps the pid file and the signals: SIGHUP becomes SIGUSR1 to
 * the worker (reload the policy), SIGTERM/SIGINT are passed on (stop after
 * the messages in flight), and the supervisor exits with the worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "cli_scan.h"
#include "conf.h"
#include "mlfi.h"
#include "mlfi_crypt.h"
#include "pan_card.h"
#include "pan_token.h"
#include "pm_arena.h"
#include "pm_fsperm.h"
#include "pm_log.h"
#include "pm_mem.h"

#define MAX_RCPTS	1000

/* usage - the --help text; every option here is in panmilter(8) */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: panmilter [-c FILE] [-f]\n"
	    "       panmilter [-c FILE] -n\n"
	    "       panmilter --scan [--json] [--jobs N] [-c FILE]"
	    " [--from ADDR] [--rcpt ADDR]...\n"
	    "                       [--policy FILE] FILE|DIR|MBOX...|-\n"
	    "       panmilter --token [-c FILE]\n"
	    "       panmilter -V | --help\n"
	    "\n"
	    "  -c, --config FILE  configuration (default "
	    CONF_DEFAULT_PATH ")\n"
	    "  -f, --foreground   run the daemon in the foreground, log to"
	    " stderr\n"
	    "  -n, --check        check configuration and policy as the daemon"
	    " would\n"
	    "  -V, --version      print the version\n"
	    "  -h, --help         this text\n"
	    "      --scan         scan messages, Maildirs and mboxes offline;\n"
	    "                     exit 0 clean, 1 card data found, 2 error\n"
	    "      --json         one JSON object per input (JSON Lines)\n"
	    "      --jobs N       scan N inputs in parallel\n"
	    "      --from ADDR    envelope sender, for policy decisions\n"
	    "      --rcpt ADDR    envelope recipient (repeatable): print the\n"
	    "                     policy's decision for each input\n"
	    "      --policy FILE  policy for --rcpt (default: the policy"
	    " setting)\n"
	    "      --token        read card numbers on standard input, print\n"
	    "                     each one's keyed token (needs"
	    " token_key_file)\n"
	    "See panmilter(8).\n");
}

/* load_conf - defaults, then the file if given or present */
static int
load_conf(const char *path, int explicit, struct conf *c)
{
	char err[1024];

	conf_default(c);
	if (!explicit && access(path, F_OK) != 0)
		return 0;
	if (conf_load(path, c, err, sizeof(err)) != PM_OK) {
		fprintf(stderr, "panmilter: %s\n", err);
		return -1;
	}
	return 0;
}

/* token_line - digits of one input line; 0 if it is not 13-19 digits */
static size_t
token_line(const char *line, char *d)
{
	size_t n = 0;

	for (; *line; line++) {
		if (*line >= '0' && *line <= '9') {
			if (n == PAN_MAX_DIGITS)
				return 0;
			d[n++] = *line;
		} else if (*line != ' ' && *line != '-' && *line != '\n'
		    && *line != '\r' && *line != '\t')
			return 0;
	}
	return n >= PAN_MIN_DIGITS ? n : 0;
}

/* cmd_token - keyed tokens for card numbers on stdin, never echoed */
static int
cmd_token(const struct conf *c)
{
	struct pan_token_key *key = NULL;
	char line[256], d[PAN_MAX_DIGITS + 1], tok[PAN_TOKEN_LEN + 1];
	char err[512];
	size_t n;
	unsigned long lineno = 0;
	int rc = 0;

	if (c->token_key_file == NULL) {
		fprintf(stderr, "panmilter: --token needs token_key_file in"
		    " the configuration; set it in %s or pass -c FILE\n",
		    c->path ? c->path : CONF_DEFAULT_PATH);
		return 2;
	}
	if (pan_token_load(c->token_key_file, &key, err, sizeof(err))
	    != PM_OK) {
		fprintf(stderr, "panmilter: %s\n", err);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if ((n = token_line(line, d)) == 0) {
			fprintf(stderr, "panmilter: line %lu: not a card number"
			    " (13-19 digits, spaces or hyphens); skipped\n",
			    lineno);
			printf("-\n");
			rc = 2;
		} else if (pan_token_make(key, d, n, tok) == PM_OK)
			printf("%s\n", tok);
		pm_wipe(line, sizeof(line));
		pm_wipe(d, sizeof(d));
	}
	pan_token_key_free(key);
	return rc;
}

/* run_ids - uid and gid to run as (the current ones when unset) */
static int
run_ids(const struct conf *c, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	struct group *gr;

	*uid = geteuid();
	*gid = getegid();
	if (c->user != NULL) {
		if ((pw = getpwnam(c->user)) == NULL) {
			fprintf(stderr, "panmilter: %s: user \"%s\" does not"
			    " exist; create it (adduser --system %s) or fix"
			    " the user setting\n", c->path, c->user, c->user);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (c->group != NULL) {
		if ((gr = getgrnam(c->group)) == NULL) {
			fprintf(stderr, "panmilter: %s: group \"%s\" does not"
			    " exist; fix the group setting\n", c->path,
			    c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

/* check_files - the files the daemon trusts must be safe from others */
static int
check_files(const struct conf *c, uid_t uid)
{
	const char *files[3] = { c->path, c->policy, c->token_key_file };
	char err[600];
	int i, rc = 0;

	for (i = 0; i < 3; i++)
		if (files[i] != NULL && pm_fsperm_check(files[i], uid, i == 2,
		    err, sizeof(err)) < 0) {
			fprintf(stderr, "panmilter: %s\n", err);
			rc = -1;
		}
	return rc;
}

/* cmd_check - -n: load everything as the daemon would, print a summary */
static int
cmd_check(const struct conf *c)
{
	struct mlfi_daemon d;
	char err[1024];
	uid_t uid;
	gid_t gid;
	int rc = 0;

	if (run_ids(c, &uid, &gid) < 0 || check_files(c, uid) < 0)
		rc = 1;
	if (mlfi_daemon_init(&d, c, err, sizeof(err)) < 0) {
		fprintf(stderr, "panmilter: %s\n", err);
		rc = 1;
	}
	mlfi_daemon_fini(&d);
	printf("config: %s\n", c->path ? c->path : "(defaults)");
	printf("socket = %s; user = %s; on_error = %s; timeout = %u;\n",
	    c->socket ? c->socket : "(none)", c->user ? c->user : "(current)",
	    conf_on_error_str(c->on_error), c->timeout);
	printf("policy = %s; token_key_file = %s; mask = %s;\n",
	    c->policy ? c->policy : "(none)",
	    c->token_key_file ? c->token_key_file : "(none)",
	    c->mask == PAN_MASK_LAST4 ? "last4" : "first6last4");
	printf("max_message_size = %zu; max_depth = %u; max_parts = %u;"
	    " max_decoded_size = %zu;\n", c->lim.max_message_size,
	    c->lim.max_depth, c->lim.max_parts, c->lim.max_decoded_size);
	printf("max_archive_entries = %u; max_archive_ratio = %u;"
	    " max_archive_depth = %u; scan_timeout = %u;\n",
	    c->lim.max_archive_entries, c->lim.max_archive_ratio,
	    c->lim.max_archive_depth, c->lim.scan_timeout);
	printf("%s\n", rc ? "check: FAILED" : "check: ok");
	return rc;
}

/* sock_path - the file of a unix socket spec, or NULL */
static const char *
sock_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return spec[0] == '/' ? spec : NULL;
}

/* sock_clear_stale - remove a socket file nobody listens on; -1 if busy */
static int
sock_clear_stale(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		pm_log(LOG_ERR, "%s exists and is not a socket; remove it or"
		    " change the socket setting", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0) {
		pm_log(LOG_ERR, "another milter listens on %s; stop it first",
		    path);
		return -1;
	}
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* drop_privs - become uid/gid for good, no core, no new privileges */
static int
drop_privs(const struct conf *c, uid_t uid, gid_t gid)
{
	if (c->user != NULL && geteuid() == 0) {
		if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0
		    || setresuid(uid, uid, uid) != 0) {
			pm_log(LOG_ERR, "cannot become user %s: %s", c->user,
			    strerror(errno));
			return -1;
		}
		if (uid != 0 && setuid(0) == 0) {
			pm_log(LOG_ERR, "could regain root after dropping"
			    " privileges; refusing to run");
			return -1;
		}
	}
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

/* reload_thread - SIGUSR1 (from the supervisor's SIGHUP): reload */
static void *
reload_thread(void *arg)
{
	struct mlfi_daemon *d = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;)
		if (sigwait(&set, &sig) == 0 && sig == SIGUSR1) {
			mlfi_reload(d);
			pm_log(LOG_NOTICE, "reload requested: the policy is read"
			    " again before the next message");
		}
	return NULL;
}

/*
 * listen_nodelay - TCP_NODELAY on libmilter's listening TCP socket (the
 * accepted connections inherit it). Without it each milter reply waits
 * on Nagle against the MTA's delayed ACK: about 40 ms per message over
 * loopback TCP (bench/postfix.sh: 20 msg/s against 116 on a unix socket,
 * one session). libmilter does not expose the descriptor, so it is found
 * among ours: the one listening on an inet socket.
 */
static void
listen_nodelay(void)
{
	struct sockaddr_storage ss;
	socklen_t sl, ol;
	int fd, on = 1, acc;

	for (fd = 3; fd < 1024; fd++) {
		ol = sizeof(acc);
		sl = sizeof(ss);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol) != 0
		    || !acc || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0
		    || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on)) != 0)
			pm_log(LOG_WARNING, "cannot set TCP_NODELAY: %s; prefer"
			    " a unix socket", strerror(errno));
	}
}

/* worker_open - socket, registration, permissions; 0 or -1 */
static int
worker_open(const struct conf *c, struct mlfi_daemon *d, uid_t uid,
    gid_t gid)
{
	const char *path = sock_path(c->socket);

	if (path != NULL && sock_clear_stale(path) < 0)
		return -1;
	umask(0117);
	if (smfi_setconn((char *)c->socket) != MI_SUCCESS
	    || smfi_register(*mlfi_desc(d)) != MI_SUCCESS
	    || smfi_settimeout((int)c->timeout) != MI_SUCCESS
	    || smfi_opensocket(0) != MI_SUCCESS) {
		pm_log(LOG_ERR, "cannot listen on %s; check the socket setting"
		    " and that the directory exists", c->socket);
		return -1;
	}
	if (path == NULL)
		listen_nodelay();
	if (path != NULL && (chown(path, uid, gid) != 0
	    || chmod(path, 0660) != 0)) {
		pm_log(LOG_ERR, "cannot set owner of %s: %s", path,
		    strerror(errno));
		return -1;
	}
	umask(077);	/* 0117 was for the socket only */
	return 0;
}

/* worker - the libmilter process */
static int
worker(const struct conf *c, uid_t uid, gid_t gid)
{
	struct rlimit nocore = { 0, 0 };
	struct mlfi_daemon d;
	pthread_t tid;
	char err[1024];
	int rc;

	(void)setrlimit(RLIMIT_CORE, &nocore);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (mlfi_daemon_init(&d, c, err, sizeof(err)) < 0) {
		pm_log(LOG_ERR, "%s", err);
		return 1;
	}
	if (worker_open(c, &d, uid, gid) < 0 || drop_privs(c, uid, gid) < 0)
		return 1;
	/* encryption helpers: forked now, before libmilter's threads */
	if (mlfi_crypt_start(&d, err, sizeof(err)) < 0) {
		pm_log(LOG_ERR, "%s", err);
		return 1;
	}
	if (c->lock_memory && pm_mem_lock(err, sizeof(err)) != 0)
		pm_log(LOG_WARNING, "%s", err);
	/* SIGUSR1 was blocked before any thread existed (cmd_daemon) */
	if (pthread_create(&tid, NULL, reload_thread, &d) != 0)
		return 1;
	pm_log(LOG_NOTICE, "panmilter %s ready on %s (policy %s, on_error %s)",
	    PM_VERSION, c->socket, c->policy, conf_on_error_str(c->on_error));
	rc = smfi_main() == MI_SUCCESS ? 0 : 1;
	/* helpers get end-of-file, remove their GnuPG homes and exit */
	mlfi_daemon_fini(&d);
	if (mlfi_crypt_restart_wanted()) {
		pm_log(LOG_NOTICE, "worker stopped for a restart");
		return PANMILTER_EXIT_RESTART;
	}
	pm_log(LOG_NOTICE, "stopped");
	return rc;
}

/* write_pidfile - our pid, or -1 */
static int
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW
	    | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "panmilter: %s: %s; check the pidfile"
		    " setting\n", path, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* start_worker - fork the worker (signals as cmd_daemon set them) */
static pid_t
start_worker(const struct conf *c, uid_t uid, gid_t gid)
{
	sigset_t set;
	pid_t child;

	if ((child = fork()) != 0)
		return child;
	/* SIGHUP, SIGTERM and SIGINT stay blocked in every thread of the
	 * worker: libmilter's signal thread takes them with sigwait (a
	 * thread with them unblocked would die of SIGTERM instead of
	 * stopping after the messages in flight) */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* the supervisor gone (even by SIGKILL): stop as on SIGTERM */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		_exit(1);
	_exit(worker(c, uid, gid));
}

#define RESTART_MAX	5	/* worker restarts allowed ... */
#define RESTART_WINDOW	600	/* ... within this many seconds */

/*
 * supervise - keep the pid file and the signals; exit with the worker,
 * except when it asks for a restart (an encryption helper was stopped):
 * then a new worker is started, at most RESTART_MAX times in
 * RESTART_WINDOW seconds, after which the supervisor gives up (exit 1:
 * systemd's Restart=on-failure takes over, with its own limits).
 */
static int
supervise(const struct conf *c, uid_t uid, gid_t gid, pid_t child)
{
	time_t starts[RESTART_MAX];
	sigset_t set;
	int sig, status = 0, stopping = 0;
	unsigned nstarts = 0, i, recent;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			kill(child, SIGUSR1);
		else if (sig == SIGTERM || sig == SIGINT) {
			stopping = 1;
			kill(child, SIGTERM);
		} else if (waitpid(child, &status, WNOHANG) == child) {
			if (stopping || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != PANMILTER_EXIT_RESTART)
				break;
			for (i = recent = 0; i < nstarts && i < RESTART_MAX;
			    i++)
				recent += time(NULL) - starts[i] <
				    RESTART_WINDOW;
			if (recent >= RESTART_MAX) {
				pm_log(LOG_ERR, "worker restarted %d times in"
				    " %d s; giving up: check gpg and the"
				    " timeout setting, then start panmilter"
				    " again", RESTART_MAX, RESTART_WINDOW);
				return 1;
			}
			starts[nstarts++ % RESTART_MAX] = time(NULL);
			if ((child = start_worker(c, uid, gid)) < 0) {
				pm_log(LOG_ERR, "cannot start a new worker:"
				    " %s", strerror(errno));
				return 1;
			}
			pm_log(LOG_NOTICE, "worker restarted (pid %ld)",
			    (long)child);
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* cmd_daemon - the milter */
static int
cmd_daemon(const struct conf *c, int fg)
{
	sigset_t set;
	uid_t uid;
	gid_t gid;
	pid_t child;
	int rc;

	if (c->socket == NULL) {
		fprintf(stderr, "panmilter: %s: no socket setting; add e.g."
		    " socket = \"unix:/run/panmilter/panmilter.sock\";\n",
		    c->path ? c->path : CONF_DEFAULT_PATH);
		return 1;
	}
	if (run_ids(c, &uid, &gid) < 0 || check_files(c, uid) < 0)
		return 1;
	if (pm_log_open("panmilter", c->log_facility, fg, c->log_level) < 0) {
		fprintf(stderr, "panmilter: %s: unknown log_facility or"
		    " log_level; see panmilter.conf(5)\n", c->path);
		return 1;
	}
	if (!fg && daemon(0, 0) != 0)
		return 1;
	if (c->pidfile != NULL && write_pidfile(c->pidfile) < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((child = start_worker(c, uid, gid)) < 0)
		return 1;
	rc = supervise(c, uid, gid, child);
	if (c->pidfile != NULL)
		(void)unlink(c->pidfile);
	return rc;
}

enum { OPT_SCAN = 256, OPT_JSON, OPT_JOBS, OPT_FROM, OPT_RCPT, OPT_TOKEN,
	OPT_POLICY };

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, 'n' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "scan", no_argument, NULL, OPT_SCAN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rcpt", required_argument, NULL, OPT_RCPT },
	{ "token", no_argument, NULL, OPT_TOKEN },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ NULL, 0, NULL, 0 }
};

/* main - pick the mode from the options */
int
main(int argc, char **argv)
{
	struct cli_scan_opts so;
	const char *cpath = CONF_DEFAULT_PATH, *rcpts[MAX_RCPTS];
	int ch, scan = 0, token = 0, check = 0, cexplicit = 0, fg = 0, rc;
	struct conf c;
	char *end;
	long v;

	pm_mem_keep();		/* before the first allocation of a message */
	memset(&so, 0, sizeof(so));
	so.rcpts = rcpts;
	while ((ch = getopt_long(argc, argv, "c:nVhf", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cpath = optarg;
			cexplicit = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("panmilter %s\n", PM_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_SCAN:
			scan = 1;
			break;
		case OPT_JSON:
			so.json = 1;
			break;
		case OPT_JOBS:
			v = strtol(optarg, &end, 10);
			if (*end != 0 || v < 1 || v > 256) {
				fprintf(stderr, "panmilter: --jobs %s: give a"
				    " number from 1 to 256\n", optarg);
				return 2;
			}
			so.jobs = (unsigned)v;
			break;
		case OPT_FROM:
			so.from = optarg;
			break;
		case OPT_RCPT:
			if (so.nrcpts == MAX_RCPTS) {
				fprintf(stderr, "panmilter: more than %d"
				    " --rcpt\n", MAX_RCPTS);
				return 2;
			}
			rcpts[so.nrcpts++] = optarg;
			break;
		case OPT_TOKEN:
			token = 1;
			break;
		case OPT_POLICY:
			so.policy = optarg;
			break;
		case 'f':
			fg = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (load_conf(cpath, cexplicit || (!scan && !token), &c) < 0)
		return check ? 1 : 2;
	if (scan && optind < argc)
		rc = cli_scan_main(&so, argv + optind, argc - optind, &c);
	else if (token)
		rc = cmd_token(&c);
	else if (check)
		rc = cmd_check(&c);
	else if (!scan)
		rc = cmd_daemon(&c, fg);
	else {
		fprintf(stderr, "panmilter: --scan needs at least one FILE, DIR,"
		    " MBOX or -; see panmilter --help\n");
		rc = 2;
	}
	conf_fini(&c);
	return rc;
}
