/*
 * panpolicy - check a policy file, or explain what it decides for an
 * envelope and a set of facts. Exit 0 ok, 1 problems in the policy,
 * 2 usage or I/O error. With -k the keyring (pankey's directory) says
 * who has an active key: check reports encrypt rules for exact addresses
 * without one, explain shows which keys would be used.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "kr_view.h"
#include "pol_check.h"
#include "pol_decide.h"
#include "pol_explain.h"
#include "pol_load.h"

#define PANPOLICY_CONF	"/etc/panmilter/panmilter.conf"
#define PANPOLICY_MAXRCPT	1000
#define PANPOLICY_MAXKEYS	1000

enum { EX_OK_ = 0, EX_PROBLEMS = 1, EX_USAGE_ = 2 };

struct panpolicy_opts {
	const char *conf;
	const char *policy;
	const char *keyring;
	struct kr_view *view;		/* the keyring, with -k */
	const char *from;
	const char *rcpts[PANPOLICY_MAXRCPT];
	size_t nrcpts;
	char keys[PANPOLICY_MAXKEYS][POL_ADDR_MAX];
	size_t nkeys;
	struct pol_facts facts;
	long pans, test_pans;
	enum pol_conf conf_level;
	int json, pans_given;
	enum pol_verdict special;	/* POL_V_CLEAN: none */
	char path[4096];
};

/* panpolicy_usage - the --help text */
static void
panpolicy_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: panpolicy check [-c CONFIG] [-k KEYRING] [-p POLICY | POLICY]\n"
	    "       panpolicy explain [-c CONFIG] [-p POLICY] [-k KEYRING]\n"
	    "           --from SENDER --rcpt RCPT [--rcpt RCPT]...\n"
	    "           [--pans N] [--test-pans N] [--token TOKEN]...\n"
	    "           [--confidence medium|high] [--assume-key ADDR]...\n"
	    "           [--track-data | --unscannable | --protected] [--json]\n"
	    "       panpolicy -h | --help | -V | --version\n"
	    "\n"
	    "check    check a policy's syntax and meaning\n"
	    "explain  show which rule each recipient matches and the action\n"
	    "\n"
	    "  -c CONFIG         daemon config whose 'policy' setting names the policy\n"
	    "                    (default " PANPOLICY_CONF ")\n"
	    "  -p POLICY         the policy file\n"
	    "  -k KEYRING        keyring directory (pankey -k), for key checks\n"
	    "  --from SENDER     envelope sender ('' for the null sender)\n"
	    "  --rcpt RCPT       envelope recipient (repeat for several)\n"
	    "  --pans N          N distinct card numbers found (default 1)\n"
	    "  --test-pans N     N distinct brand test numbers found\n"
	    "  --token TOKEN     one card number with this keyed token found\n"
	    "  --confidence C    confidence of the --pans numbers (default high)\n"
	    "  --assume-key ADDR treat ADDR as having an enrolled key\n"
	    "  --track-data      track data found\n"
	    "  --unscannable     the message could not be scanned\n"
	    "  --protected       the message is already encrypted\n"
	    "  --json            JSON output\n"
	    "\n"
	    "exit status: 0 ok, 1 problems in the policy, 2 usage or I/O error\n");
}

/* panpolicy_conf_policy - the 'policy' setting of the daemon config */
static int
panpolicy_conf_policy(struct panpolicy_opts *o)
{
	config_t cfg;
	const char *conf = o->conf != NULL ? o->conf : PANPOLICY_CONF;
	const char *v = NULL;
	char safe[POL_DIAG_MAX];
	char *dcopy = NULL;
	FILE *fp = NULL;
	int rc = EX_USAGE_;

	config_init(&cfg);
	fp = fopen(conf, "r");
	if (fp == NULL && o->conf == NULL && errno == ENOENT) {
		fprintf(stderr, "panpolicy: no policy file given and "
		    PANPOLICY_CONF " not found; pass -p FILE\n");
		goto out;
	}
	if (fp == NULL) {
		pol_diag_safe(conf, safe, sizeof(safe));
		fprintf(stderr, "panpolicy: %s: cannot read: %s; check the "
		    "path or pass -p FILE\n", safe, strerror(errno));
		goto out;
	}
	fclose(fp);
	pol_diag_safe(conf, safe, sizeof(safe));
	if (config_read_file(&cfg, conf) != CONFIG_TRUE) {
		fprintf(stderr, "panpolicy: %s:%d: %s; fix the daemon config "
		    "(panmilter -n) or pass -p FILE\n", safe,
		    config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	if (!config_lookup_string(&cfg, "policy", &v) || v[0] == '\0') {
		fprintf(stderr, "panpolicy: %s: no policy setting; add policy "
		    "= \"/etc/panmilter/policy.conf\"; or pass -p FILE\n",
		    safe);
		goto out;
	}
	dcopy = strdup(conf);
	if (dcopy == NULL)
		goto out;
	if (v[0] == '/')
		snprintf(o->path, sizeof(o->path), "%s", v);
	else
		snprintf(o->path, sizeof(o->path), "%s/%s", dirname(dcopy), v);
	o->policy = o->path;
	rc = EX_OK_;
out:
	free(dcopy);
	config_destroy(&cfg);
	return rc;
}

static int panpolicy_has_key(void *arg, const char *addr);

/* panpolicy_load - load (and report on) the policy */
static int
panpolicy_load(struct panpolicy_opts *o, struct pol **p)
{
	struct pol_diags d;
	char safe[POL_DIAG_MAX];
	pm_status st;
	int rc;

	if (o->policy == NULL && (rc = panpolicy_conf_policy(o)) != EX_OK_)
		return rc;
	if (o->keyring != NULL && o->view == NULL) {
		char err[600];

		if (kr_view_load(o->keyring, &o->view, err, sizeof(err))
		    != PM_OK) {
			pol_diag_safe(err, safe, sizeof(safe));
			fprintf(stderr, "panpolicy: %s; check the path given with"
			    " -k (pankey -k DIR list)\n", safe);
			return EX_USAGE_;
		}
	}
	pol_diags_init(&d);
	st = pol_load_file(o->policy, p, &d);
	pol_diags_print(&d, stderr);
	pol_diags_fini(&d);
	if (st == PM_OK)
		return EX_OK_;
	if (st == PM_ECONFIG)
		return EX_PROBLEMS;
	pol_diag_safe(o->policy, safe, sizeof(safe));
	if (st != PM_EIO)
		fprintf(stderr, "panpolicy: %s: %s\n", safe,
		    pm_status_str(st));
	return EX_USAGE_;
}

/* panpolicy_check - the check command */
static int
panpolicy_check(struct panpolicy_opts *o)
{
	struct pol *p = NULL;
	char safe[POL_DIAG_MAX];
	int rc = panpolicy_load(o, &p);

	if (rc == EX_OK_ && o->view != NULL) {
		struct pol_diags d;

		pol_diags_init(&d);
		if (pol_check_keys(p, panpolicy_has_key, o, &d) != PM_OK)
			rc = EX_PROBLEMS;
		pol_diags_print(&d, stderr);
		pol_diags_fini(&d);
	}
	if (rc == EX_OK_) {
		pol_diag_safe(o->policy, safe, sizeof(safe));
		printf("%s: ok, %zu rule%s\n", safe, p->nrules,
		    p->nrules == 1 ? "" : "s");
	}
	pol_free(p);
	return rc;
}

/* panpolicy_has_key - the keyring (-k) or --assume-key says so */
static int
panpolicy_has_key(void *arg, const char *addr)
{
	const struct panpolicy_opts *o = arg;
	size_t i;

	if (o->view != NULL && kr_view_has_key(o->view, addr))
		return 1;
	for (i = 0; i < o->nkeys; i++)
		if (strcmp(o->keys[i], addr) == 0)
			return 1;
	return 0;
}

/* panpolicy_add_pan - one more PAN in the facts */
static void
panpolicy_add_pan(struct pol_facts *f, enum pol_conf c, int is_test,
    const char *token)
{
	struct pol_pan *pan = NULL;

	if (f->npans == POL_FACTS_MAX_PANS) {
		f->pans_more++;
		return;
	}
	pan = &f->pans[f->npans++];
	pan->confidence = c;
	pan->is_test = is_test;
	snprintf(pan->token, sizeof(pan->token), "%s", token);
}

/* panpolicy_facts - the facts from --pans, --test-pans, --track-data... */
static void
panpolicy_facts(struct panpolicy_opts *o)
{
	struct pol_facts *f = &o->facts;
	long i;

	if (!o->pans_given)
		o->pans = 1;
	for (i = 0; i < o->pans; i++)
		panpolicy_add_pan(f, o->conf_level, 0, "");
	for (i = 0; i < o->test_pans; i++)
		panpolicy_add_pan(f, POL_CONF_HIGH, 1, "");
	if (o->special != POL_V_CLEAN)
		f->verdict = o->special;
	else
		f->verdict = f->npans + f->pans_more > 0 ? POL_V_PAN :
		    POL_V_CLEAN;
}

/* panpolicy_explain - the explain command */
static int
panpolicy_explain(struct panpolicy_opts *o)
{
	struct pol *p = NULL;
	struct pol_decision *dec = NULL;
	struct pol_explain_in x;
	json_t *j = NULL;
	int rc;
	pm_status st;

	rc = panpolicy_load(o, &p);
	if (rc != EX_OK_)
		goto out;
	panpolicy_facts(o);
	rc = EX_USAGE_;
	st = pol_decide(p, o->from, o->rcpts, o->nrcpts, &o->facts,
	    o->nkeys > 0 || o->view ? panpolicy_has_key : NULL, o, &dec);
	if (st != PM_OK) {
		fprintf(stderr, "panpolicy: %s\n", pm_status_str(st));
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.p = p;
	x.facts = &o->facts;
	x.from = o->from;
	x.rcpts = o->rcpts;
	x.dec = dec;
	x.keys_known = o->nkeys > 0 || o->view != NULL;
	if (o->json) {
		j = pol_explain_json(&x);
		if (j == NULL || json_dumpf(j, stdout, JSON_COMPACT) != 0)
			goto out;
		putchar('\n');
	} else {
		pol_explain_text(&x, stdout);
	}
	rc = EX_OK_;
out:
	json_decref(j);
	pol_decision_free(dec);
	pol_free(p);
	return rc;
}

/* panpolicy_num - a count option (0..1000000) */
static int
panpolicy_num(const char *opt, const char *s, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 1000000) {
		fprintf(stderr, "panpolicy: %s wants a number from 0 to "
		    "1000000\n", opt);
		return -1;
	}
	*out = v;
	return 0;
}

/* panpolicy_opt_token - --token: a keyed token, never a card number */
static int
panpolicy_opt_token(struct panpolicy_opts *o, const char *s)
{
	char tok[POL_TOKEN_LEN + 1];
	enum pol_token_rc rc = pol_check_token(s, tok);

	if (rc == POL_TOKEN_PAN) {
		fprintf(stderr, "panpolicy: --token: that looks like a card "
		    "number; pass its token (panmilter --token) instead\n");
		return -1;
	}
	if (rc != POL_TOKEN_OK) {
		fprintf(stderr, "panpolicy: --token wants 16 hex digits, as "
		    "printed by panmilter --token\n");
		return -1;
	}
	panpolicy_add_pan(&o->facts, POL_CONF_HIGH, 0, tok);
	o->pans_given = 1;
	return 0;
}

/* panpolicy_opt_list - --rcpt and --assume-key */
static int
panpolicy_opt_list(struct panpolicy_opts *o, int c, const char *s)
{
	const char *dom = NULL;

	if (c == 'r') {
		if (o->nrcpts == PANPOLICY_MAXRCPT) {
			fprintf(stderr, "panpolicy: too many --rcpt\n");
			return -1;
		}
		o->rcpts[o->nrcpts++] = s;
		return 0;
	}
	if (o->nkeys == PANPOLICY_MAXKEYS) {
		fprintf(stderr, "panpolicy: too many --assume-key\n");
		return -1;
	}
	(void)pol_addr_norm(s, o->keys[o->nkeys++], POL_ADDR_MAX, &dom);
	return 0;
}

enum {
	OPT_FROM = 256, OPT_PANS, OPT_TEST_PANS, OPT_TOKEN, OPT_CONFIDENCE,
	OPT_ASSUME_KEY, OPT_TRACK, OPT_UNSCANNABLE, OPT_PROTECTED, OPT_JSON
};

static const struct option panpolicy_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rcpt", required_argument, NULL, 'r' },
	{ "pans", required_argument, NULL, OPT_PANS },
	{ "test-pans", required_argument, NULL, OPT_TEST_PANS },
	{ "token", required_argument, NULL, OPT_TOKEN },
	{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
	{ "assume-key", required_argument, NULL, OPT_ASSUME_KEY },
	{ "track-data", no_argument, NULL, OPT_TRACK },
	{ "unscannable", no_argument, NULL, OPT_UNSCANNABLE },
	{ "protected", no_argument, NULL, OPT_PROTECTED },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

/* panpolicy_opt_explain - the explain-only options; -1 on error */
static int
panpolicy_opt_explain(struct panpolicy_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_FROM:
		o->from = arg;
		return 0;
	case 'r':
	case OPT_ASSUME_KEY:
		return panpolicy_opt_list(o, c, arg);
	case OPT_PANS:
		o->pans_given = 1;
		return panpolicy_num("--pans", arg, &o->pans);
	case OPT_TEST_PANS:
		o->pans_given = 1;
		return panpolicy_num("--test-pans", arg, &o->test_pans);
	case OPT_TOKEN:
		return panpolicy_opt_token(o, arg);
	case OPT_CONFIDENCE:
		if (strcmp(arg, "medium") == 0)
			o->conf_level = POL_CONF_MEDIUM;
		else if (strcmp(arg, "high") == 0)
			o->conf_level = POL_CONF_HIGH;
		else
			return -1;
		return 0;
	case OPT_TRACK:
		o->special = POL_V_TRACK;
		return 0;
	case OPT_UNSCANNABLE:
		o->special = POL_V_UNSCANNABLE;
		return 0;
	case OPT_PROTECTED:
		o->special = POL_V_PROTECTED;
		return 0;
	case OPT_JSON:
		o->json = 1;
		return 0;
	}
	return -1;
}

/* panpolicy_parse - the options of a command; -1 on a usage error */
static int
panpolicy_parse(struct panpolicy_opts *o, int explain, int argc,
    char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:p:k:hV", panpolicy_longopts,
	    NULL)) != -1) {
		if (c == 'c')
			o->conf = optarg;
		else if (c == 'p')
			o->policy = optarg;
		else if (c == 'k')
			o->keyring = optarg;
		else if (c == 'h' || c == 'V' || c == '?')
			return -1;
		else if (!explain || panpolicy_opt_explain(o, c, optarg) != 0)
			return -1;
	}
	if (!explain && optind < argc && o->policy == NULL)
		o->policy = argv[optind++];
	if (optind < argc)
		return -1;
	if (explain && (o->from == NULL || o->nrcpts == 0)) {
		fprintf(stderr, "panpolicy: explain needs --from and at least "
		    "one --rcpt\n");
		return -1;
	}
	return 0;
}

/* main - panpolicy check|explain */
int
main(int argc, char **argv)
{
	struct panpolicy_opts *o = NULL;
	int rc = EX_USAGE_, explain;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		panpolicy_usage(stdout);
		return EX_OK_;
	}
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0)) {
		printf("panpolicy %s\n", PM_VERSION);
		return EX_OK_;
	}
	if (argc < 2 || (strcmp(argv[1], "check") != 0 &&
	    strcmp(argv[1], "explain") != 0)) {
		panpolicy_usage(stderr);
		return EX_USAGE_;
	}
	explain = strcmp(argv[1], "explain") == 0;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return EX_USAGE_;
	o->conf_level = POL_CONF_HIGH;
	if (panpolicy_parse(o, explain, argc - 1, argv + 1) != 0) {
		panpolicy_usage(stderr);
		goto out;
	}
	rc = explain ? panpolicy_explain(o) : panpolicy_check(o);
out:
	kr_view_free(o->view);
	free(o);
	return rc;
}
