/*
 * daemon - main() of panmilter: option parsing and the command modes.
 *
 * Modes: --scan (offline scanning, cli_scan), --token (keyed tokens of
 * card numbers read from standard input), -n (check the configuration),
 * -V (version). The milter daemon itself is not part of this version.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_scan.h"
#include "conf.h"
#include "pan_card.h"
#include "pan_token.h"
#include "pm_arena.h"

#define MAX_RCPTS	1000

/* usage - the --help text; every option here is in panmilter(8) */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: panmilter [-c FILE] -n\n"
	    "       panmilter --scan [--json] [--jobs N] [-c FILE]"
	    " [--from ADDR] [--rcpt ADDR]... FILE|DIR|MBOX...|-\n"
	    "       panmilter --token [-c FILE]\n"
	    "       panmilter -V | --help\n"
	    "\n"
	    "  -c, --config FILE  configuration (default "
	    CONF_DEFAULT_PATH ")\n"
	    "  -n, --check        check the configuration, print a summary\n"
	    "  -V, --version      print the version\n"
	    "  -h, --help         this text\n"
	    "      --scan         scan messages, Maildirs and mboxes offline;\n"
	    "                     exit 0 clean, 1 card data found, 2 error\n"
	    "      --json         one JSON object per input (JSON Lines)\n"
	    "      --jobs N       scan N inputs in parallel\n"
	    "      --from ADDR    envelope sender, for policy decisions\n"
	    "      --rcpt ADDR    envelope recipient (repeatable)\n"
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

/* cmd_check - -n: load the configuration, print what is in force */
static int
cmd_check(const struct conf *c)
{
	printf("config: %s\n", c->path ? c->path : "(defaults)");
	printf("max_message_size = %zu; max_depth = %u; max_parts = %u;"
	    " max_decoded_size = %zu;\n", c->lim.max_message_size,
	    c->lim.max_depth, c->lim.max_parts, c->lim.max_decoded_size);
	printf("max_archive_entries = %u; max_archive_ratio = %u;"
	    " max_archive_depth = %u; scan_timeout = %u;\n",
	    c->lim.max_archive_entries, c->lim.max_archive_ratio,
	    c->lim.max_archive_depth, c->lim.scan_timeout);
	printf("mask = %s; token_key_file = %s;\n",
	    c->mask == PAN_MASK_LAST4 ? "last4" : "first6last4",
	    c->token_key_file ? c->token_key_file : "(none)");
	return 0;
}

enum { OPT_SCAN = 256, OPT_JSON, OPT_JOBS, OPT_FROM, OPT_RCPT, OPT_TOKEN };

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, 'n' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "scan", no_argument, NULL, OPT_SCAN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rcpt", required_argument, NULL, OPT_RCPT },
	{ "token", no_argument, NULL, OPT_TOKEN },
	{ NULL, 0, NULL, 0 }
};

/* main - pick the mode from the options */
int
main(int argc, char **argv)
{
	struct cli_scan_opts so;
	const char *cpath = CONF_DEFAULT_PATH, *rcpts[MAX_RCPTS];
	int ch, scan = 0, token = 0, check = 0, cexplicit = 0, rc;
	struct conf c;
	char *end;
	long v;

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
		case 'f':
		default:
			usage(stderr);
			return 2;
		}
	}
	if (load_conf(cpath, cexplicit, &c) < 0)
		return check ? 1 : 2;
	if (scan && optind < argc)
		rc = cli_scan_main(&so, argv + optind, argc - optind, &c);
	else if (token)
		rc = cmd_token(&c);
	else if (check)
		rc = cmd_check(&c);
	else {
		fprintf(stderr, "panmilter: %s; see panmilter --help\n", scan
		    ? "--scan needs at least one FILE, DIR, MBOX or -"
		    : "this version runs only --scan, --token, -n and -V"
		    " (the milter daemon is not built yet)");
		rc = 2;
	}
	conf_fini(&c);
	return rc;
}
