/*
 * pankey - key custodians' tool for the recipient keyring: init,
 * custodian add/list, enroll, approve, refresh, revoke, list, show,
 * check, audit.
 *
 * Exit 0 ok, 1 refused or problems found, 2 usage or I/O error. Every
 * change runs under an exclusive flock on DIR/lock: load the state,
 * decide (kr_life, pure), then commit: key file (if new), audit entry,
 * state by rename. A refusal returns before the commit, so the keyring
 * stays byte-identical; a failed commit undoes its earlier steps.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kr_audit.h"
#include "kr_key.h"
#include "kr_life.h"
#include "kr_state.h"
#include "kr_store.h"
#include "kr_view.h"
#include "kr_report.h"

#define PANKEY_DEFAULT_DIR	"/var/lib/panmilter/keyring"

enum { PK_OK = 0, PK_REFUSED = 1, PK_USAGE = 2 };

/* --option bits, for "is this option valid for this command" */
enum {
	/* from 1 << 8 up: getopt_long returns 1, '?' and ':' itself */
	PO_DUAL = 1 << 8, PO_SAMEOS = 1 << 9, PO_MINRSA = 1 << 10,
	PO_MINECC = 1 << 11, PO_PERIOD = 1 << 12, PO_FPR = 1 << 13,
	PO_BY = 1 << 14, PO_UIDWHY = 1 << 15, PO_DOMAIN = 1 << 16,
	PO_REASON = 1 << 17, PO_ACK = 1 << 18, PO_JSON = 1 << 19,
	PO_WARN = 1 << 20
};

struct pankey {
	const char *dir;
	const char *cmd;	/* for messages: "enroll alice@x" */
	char what[KR_ADDR_MAX + 32];
	char os_user[KR_NAME_MAX];
	int64_t uid;
	int64_t now;
	unsigned given;		/* PO_* bits */
	const char *fpr, *by, *uidwhy, *domain, *reason;
	unsigned long minrsa, minecc, period, warn;
	char **args;		/* positional arguments after the command */
	int nargs;
	char err[2048];
	struct kr_store lock;
};

static const struct option pankey_longopts[] = {
	{ "dual-control", no_argument, NULL, PO_DUAL },
	{ "allow-same-os-user", no_argument, NULL, PO_SAMEOS },
	{ "min-rsa-bits", required_argument, NULL, PO_MINRSA },
	{ "min-ecc-bits", required_argument, NULL, PO_MINECC },
	{ "cryptoperiod-days", required_argument, NULL, PO_PERIOD },
	{ "fingerprint", required_argument, NULL, PO_FPR },
	{ "by", required_argument, NULL, PO_BY },
	{ "uid-mismatch-reason", required_argument, NULL, PO_UIDWHY },
	{ "domain", required_argument, NULL, PO_DOMAIN },
	{ "reason", required_argument, NULL, PO_REASON },
	{ "acknowledge", no_argument, NULL, PO_ACK },
	{ "json", no_argument, NULL, PO_JSON },
	{ "warn-days", required_argument, NULL, PO_WARN },
	{ NULL, 0, NULL, 0 }
};

/* pankey_usage - the --help text */
static void
pankey_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: pankey [-k DIR] init [--dual-control [--allow-same-os-user]]\n"
	    "                  [--min-rsa-bits N] [--min-ecc-bits N] [--cryptoperiod-days N]\n"
	    "       pankey [-k DIR] custodian add NAME --acknowledge\n"
	    "       pankey [-k DIR] custodian list\n"
	    "       pankey [-k DIR] enroll ADDRESS KEYFILE --fingerprint FPR --by NAME\n"
	    "                  [--uid-mismatch-reason TEXT]\n"
	    "       pankey [-k DIR] approve ADDRESS [--fingerprint FPR] --by NAME\n"
	    "       pankey [-k DIR] refresh ADDRESS KEYFILE --fingerprint FPR --by NAME\n"
	    "       pankey [-k DIR] revoke ADDRESS | --fingerprint FPR | --domain DOMAIN\n"
	    "                  --reason key-compromise|superseded|left|other --by NAME\n"
	    "       pankey [-k DIR] list [--json]\n"
	    "       pankey [-k DIR] show ADDRESS\n"
	    "       pankey [-k DIR] check [--warn-days N]\n"
	    "       pankey [-k DIR] audit [verify]\n"
	    "       pankey -h | --help | -V | --version\n"
	    "\n"
	    "  -k DIR   keyring directory (default " PANKEY_DEFAULT_DIR ")\n"
	    "exit status: 0 ok, 1 refused or problems found, 2 usage or I/O error\n");
}

/* pankey_fail - "pankey: CMD: message" on stderr; returns code */
static int
pankey_fail(const struct pankey *pk, int code, const char *msg)
{
	fprintf(stderr, "pankey: %s: %s\n", pk->what, msg);
	return code;
}

/* pankey_number - strict unsigned option value; 0 or -1 */
static int
pankey_number(const char *s, unsigned long max, unsigned long *out)
{
	char *e = NULL;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &e, 10);
	if (*e != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* pankey_opt - store one command option; 0 or -1 (bad value) */
static int
pankey_opt(struct pankey *pk, int c, const char *arg)
{
	if (pk->given & (unsigned)c)
		return -1;
	pk->given |= (unsigned)c;
	switch (c) {
	case PO_MINRSA:
		return pankey_number(arg, 16384, &pk->minrsa);
	case PO_MINECC:
		return pankey_number(arg, 521, &pk->minecc);
	case PO_PERIOD:
		return pankey_number(arg, 36500, &pk->period);
	case PO_WARN:
		return pankey_number(arg, 36500, &pk->warn);
	case PO_FPR: pk->fpr = arg; break;
	case PO_BY: pk->by = arg; break;
	case PO_UIDWHY: pk->uidwhy = arg; break;
	case PO_DOMAIN: pk->domain = arg; break;
	case PO_REASON: pk->reason = arg; break;
	default: break;
	}
	return 0;
}

/* pankey_parse - options and positional arguments of the command */
static int
pankey_parse(struct pankey *pk, int argc, char **argv)
{
	int c, i;

	optind = 0;	/* GNU: reinitialise, permute */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", pankey_longopts, NULL)) != -1) {
		if (c == 1) {
			pk->args[pk->nargs++] = optarg;
			continue;
		}
		if (c == '?' || c == ':') {
			snprintf(pk->err, sizeof(pk->err), "unknown option or "
			    "missing value: %s", argv[optind - 1]);
			return -1;
		}
		if (pankey_opt(pk, c, optarg) != 0) {
			snprintf(pk->err, sizeof(pk->err), "bad or repeated "
			    "option %s", argv[optind - 1]);
			return -1;
		}
	}
	for (i = optind; i < argc; i++)
		pk->args[pk->nargs++] = argv[i];
	return 0;
}

/* pankey_allow - refuse options the command does not take; 0 or -1 */
static int
pankey_allow(struct pankey *pk, unsigned allowed, int minargs, int maxargs)
{
	size_t i;

	for (i = 0; pankey_longopts[i].name != NULL; i++) {
		if ((pk->given & (unsigned)pankey_longopts[i].val) &&
		    !(allowed & (unsigned)pankey_longopts[i].val)) {
			snprintf(pk->err, sizeof(pk->err), "--%s is not an "
			    "option of %s; see pankey --help",
			    pankey_longopts[i].name, pk->cmd);
			return -1;
		}
	}
	if (pk->nargs < minargs || pk->nargs > maxargs) {
		snprintf(pk->err, sizeof(pk->err), "wrong number of "
		    "arguments; see pankey --help");
		return -1;
	}
	return 0;
}

/* pankey_begin - lock (exclusive for changes) and load the state */
static int
pankey_begin(struct pankey *pk, struct kr_state *st, int exclusive)
{
	if (kr_store_lock(&pk->lock, pk->dir, exclusive, pk->err,
	    sizeof(pk->err)) != PM_OK)
		return pankey_fail(pk, PK_USAGE, pk->err);
	if (kr_store_load(pk->dir, st, pk->err, sizeof(pk->err)) != PM_OK)
		return pankey_fail(pk, PK_USAGE, pk->err);
	return PK_OK;
}

/*
 * pankey_commit - write armor as keys/FPR.asc (when new, or replacing
 * it), append the audit entry, replace the state; undo on failure
 */
static int
pankey_commit(struct pankey *pk, struct kr_state *st, const char *action,
    const char *detail, const char *fpr, const char *armor, size_t alen,
    int replace)
{
	char kpath[KR_STORE_PATH_MAX], name[KR_FPR_MAX + 16], e2[256];
	char *oldkey = NULL;
	size_t oldlen = 0;
	int newkey = 0, rc = PK_OK;
	off_t oldsize = 0;

	if (armor != NULL) {
		kr_store_key_path(pk->dir, fpr, kpath, sizeof(kpath));
		snprintf(name, sizeof(name), "%s/%s.asc", KR_STORE_KEYS, fpr);
		newkey = !kr_store_exists(kpath);
		if (!newkey && replace && kr_store_read(kpath,
		    KR_STORE_MAX_KEY, &oldkey, &oldlen, pk->err,
		    sizeof(pk->err)) != PM_OK)
			return pankey_fail(pk, PK_USAGE, pk->err);
		if ((newkey || replace) && kr_store_write_atomic(pk->dir, name,
		    armor, alen, pk->err, sizeof(pk->err)) != PM_OK) {
			free(oldkey);
			return pankey_fail(pk, PK_USAGE, pk->err);
		}
	}
	st->generation++;
	if (kr_audit_append(pk->dir, st, pk->os_user, pk->by ? pk->by : "-",
	    action, detail, pk->now, &oldsize, pk->err,
	    sizeof(pk->err)) != PM_OK)
		goto undo;
	if (kr_store_save(pk->dir, st, pk->err, sizeof(pk->err)) != PM_OK) {
		kr_audit_rollback(pk->dir, oldsize);
		goto undo;
	}
	goto out;
undo:
	if (armor != NULL && newkey)
		unlink(kpath);
	else if (oldkey != NULL)
		(void)kr_store_write_atomic(pk->dir, name, oldkey, oldlen, e2,
		    sizeof(e2));
	rc = pankey_fail(pk, PK_USAGE, pk->err);
out:
	free(oldkey);
	return rc;
}

/* pankey_init - create a keyring */
static int
pankey_init(struct pankey *pk)
{
	struct kr_state st;
	char detail[256];
	pm_status ps;
	int rc;

	if (pankey_allow(pk, PO_DUAL | PO_SAMEOS | PO_MINRSA | PO_MINECC |
	    PO_PERIOD, 0, 0) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	if ((pk->given & PO_SAMEOS) && !(pk->given & PO_DUAL))
		return pankey_fail(pk, PK_USAGE, "--allow-same-os-user only "
		    "makes sense with --dual-control");
	kr_state_init(&st);
	st.dual_control = (pk->given & PO_DUAL) != 0;
	st.allow_same_os_user = (pk->given & PO_SAMEOS) != 0;
	if (pk->given & PO_MINRSA)
		st.min_rsa_bits = (uint32_t)pk->minrsa;
	if (pk->given & PO_MINECC)
		st.min_ecc_bits = (uint32_t)pk->minecc;
	if (pk->given & PO_PERIOD)
		st.cryptoperiod_days = (uint32_t)pk->period;
	st.created = pk->now;
	ps = kr_store_create(pk->dir, &st, pk->err, sizeof(pk->err));
	if (ps != PM_OK)
		return pankey_fail(pk, ps == PM_ECONFIG ? PK_REFUSED : PK_USAGE,
		    pk->err);
	rc = pankey_begin(pk, &st, 1);
	snprintf(detail, sizeof(detail), "dual_control=%d allow_same_os_user=%d"
	    " min_rsa_bits=%lu min_ecc_bits=%lu cryptoperiod_days=%lu",
	    st.dual_control, st.allow_same_os_user,
	    (unsigned long)st.min_rsa_bits, (unsigned long)st.min_ecc_bits,
	    (unsigned long)st.cryptoperiod_days);
	if (rc == PK_OK)
		rc = pankey_commit(pk, &st, "init", detail, NULL, NULL, 0, 0);
	if (rc == PK_OK)
		printf("pankey: created keyring %s (%s)\n", pk->dir, detail);
	kr_state_fini(&st);
	return rc;
}

/* pankey_custodian - "custodian add NAME --acknowledge" and "list" */
static int
pankey_custodian(struct pankey *pk)
{
	struct kr_state st;
	char why[512], detail[256];
	int rc;

	kr_state_init(&st);
	if (pk->nargs >= 1 && strcmp(pk->args[0], "list") == 0) {
		if (pankey_allow(pk, 0, 1, 1) != 0)
			return pankey_fail(pk, PK_USAGE, pk->err);
		rc = pankey_begin(pk, &st, 0);
		if (rc == PK_OK)
			kr_report_custodians(&st, stdout);
		goto out;
	}
	if (pk->nargs < 1 || strcmp(pk->args[0], "add") != 0 ||
	    pankey_allow(pk, PO_ACK, 2, 2) != 0)
		return pankey_fail(pk, PK_USAGE, "usage: pankey custodian add "
		    "NAME --acknowledge | pankey custodian list");
	snprintf(pk->what, sizeof(pk->what), "custodian add %.63s",
	    pk->args[1]);
	if (!(pk->given & PO_ACK))
		return pankey_fail(pk, PK_USAGE, "a custodian must acknowledge "
		    "the responsibilities of the role (PCI DSS 3.7.8): read "
		    "CUSTODIAN RESPONSIBILITIES in pankey(8), then repeat the "
		    "command with --acknowledge");
	rc = pankey_begin(pk, &st, 1);
	if (rc != PK_OK)
		goto out;
	if (kr_life_custodian_add(&st, pk->args[1], pk->os_user, pk->uid,
	    pk->now, why, sizeof(why)) != PM_OK) {
		rc = pankey_fail(pk, PK_REFUSED, why);
		goto out;
	}
	snprintf(detail, sizeof(detail), "name=%s os_user=%s acknowledged=yes",
	    pk->args[1], pk->os_user);
	pk->by = pk->args[1];
	rc = pankey_commit(pk, &st, "custodian-add", detail, NULL, NULL, 0,
	    0);
	if (rc == PK_OK)
		printf("pankey: %s registered as a key custodian (OS user %s)\n",
		    pk->args[1], pk->os_user);
out:
	kr_state_fini(&st);
	return rc;
}

/* pankey_address - normalise a command-line address; 0 or -1 */
static int
pankey_address(struct pankey *pk, const char *in, char *out, size_t outlen)
{
	const char *at = NULL;

	if (kr_view_addr_norm(in, out, outlen) != PM_OK ||
	    (at = strrchr(out, '@')) == NULL || at == out || at[1] == '\0' ||
	    strpbrk(out, " \t\r\n") != NULL) {
		snprintf(pk->err, sizeof(pk->err), "'%.200s' is not a mail "
		    "address (want local@domain)", in);
		return -1;
	}
	return 0;
}

/* pankey_actor - fill who from the options; 0 or -1 (no --by) */
static int
pankey_actor(struct pankey *pk, struct kr_actor *who)
{
	if (pk->by == NULL) {
		snprintf(pk->err, sizeof(pk->err), "--by NAME is required: "
		    "the registered custodian doing this");
		return -1;
	}
	who->name = pk->by;
	who->os_user = pk->os_user;
	who->now = pk->now;
	return 0;
}

/* pankey_approve - a second custodian approves a pending enrollment */
static int
pankey_approve(struct pankey *pk)
{
	struct kr_state st;
	struct kr_actor who;
	char addr[KR_ADDR_MAX], fpr[KR_FPR_MAX], why[512], detail[512];
	size_t idx = 0;
	int rc;

	if (pankey_allow(pk, PO_FPR | PO_BY, 1, 1) != 0 ||
	    pankey_address(pk, pk->args[0], addr, sizeof(addr)) != 0 ||
	    pankey_actor(pk, &who) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	snprintf(pk->what, sizeof(pk->what), "approve %s", addr);
	if (pk->fpr != NULL && kr_key_fpr_norm(pk->fpr, fpr, sizeof(fpr)) != 0)
		return pankey_fail(pk, PK_USAGE, "--fingerprint: give the full "
		    "fingerprint (40 hex digits)");
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 1);
	if (rc != PK_OK)
		goto out;
	if (kr_life_approve(&st, addr, pk->fpr ? fpr : NULL, &who, &idx, why,
	    sizeof(why)) != PM_OK) {
		rc = pankey_fail(pk, PK_REFUSED, why);
		goto out;
	}
	snprintf(detail, sizeof(detail), "address=%s fingerprint=%s "
	    "enrolled_by=%s state=active", addr, st.enr[idx].fpr,
	    st.enr[idx].enrolled_by);
	rc = pankey_commit(pk, &st, "approve", detail, NULL, NULL, 0, 0);
	if (rc == PK_OK)
		printf("pankey: approved %s %s: active\n", addr,
		    st.enr[idx].fpr);
out:
	kr_state_fini(&st);
	return rc;
}

/* pankey_selector - the revoke selector from the arguments; 0 or -1 */
static int
pankey_selector(struct pankey *pk, enum kr_life_sel *sel, char *val,
    size_t vlen)
{
	char tmp[KR_ADDR_MAX + 2];
	int n = (pk->nargs == 1) + (pk->fpr != NULL) + (pk->domain != NULL);

	if (n != 1) {
		snprintf(pk->err, sizeof(pk->err), "name exactly one of "
		    "ADDRESS, --fingerprint FPR, --domain DOMAIN");
		return -1;
	}
	if (pk->nargs == 1) {
		*sel = KR_SEL_ADDRESS;
		return pankey_address(pk, pk->args[0], val, vlen);
	}
	if (pk->fpr != NULL) {
		*sel = KR_SEL_FPR;
		if (kr_key_fpr_norm(pk->fpr, val, vlen) == 0)
			return 0;
		snprintf(pk->err, sizeof(pk->err), "--fingerprint: give the "
		    "full fingerprint (40 hex digits)");
		return -1;
	}
	*sel = KR_SEL_DOMAIN;
	snprintf(tmp, sizeof(tmp), "x@%s", pk->domain[0] == '@' ?
	    pk->domain + 1 : pk->domain);
	if (pankey_address(pk, tmp, tmp, sizeof(tmp)) != 0)
		return -1;
	snprintf(val, vlen, "%s", tmp + 2);
	return 0;
}

/* pankey_revoke - revoke by address, fingerprint or domain */
static int
pankey_revoke(struct pankey *pk)
{
	struct kr_state st;
	struct kr_actor who;
	enum kr_life_sel sel = KR_SEL_ADDRESS;
	enum kr_reason reason = KR_REASON_NONE;
	char val[KR_ADDR_MAX], why[512], detail[512];
	static const char *const sname[] = { "address", "fingerprint",
		"domain" };
	size_t n = 0;
	int rc;

	if (pankey_allow(pk, PO_FPR | PO_DOMAIN | PO_REASON | PO_BY, 0, 1) != 0
	    || pankey_selector(pk, &sel, val, sizeof(val)) != 0 ||
	    pankey_actor(pk, &who) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	snprintf(pk->what, sizeof(pk->what), "revoke %s", val);
	if (pk->reason == NULL || kr_reason_parse(pk->reason, &reason) != 0)
		return pankey_fail(pk, PK_USAGE, "--reason must be "
		    "key-compromise, superseded, left or other");
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 1);
	if (rc != PK_OK)
		goto out;
	if (kr_life_revoke(&st, sel, val, reason, &who, &n, why,
	    sizeof(why)) != PM_OK) {
		rc = pankey_fail(pk, PK_REFUSED, why);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s=%s reason=%s count=%zu",
	    sname[sel], val, kr_reason_str(reason), n);
	rc = pankey_commit(pk, &st, "revoke", detail, NULL, NULL, 0, 0);
	if (rc == PK_OK)
		printf("pankey: revoked %zu enrollment(s) (%s %s, %s); the "
		    "milter stops using them with its next message\n", n,
		    sname[sel], val, kr_reason_str(reason));
out:
	kr_state_fini(&st);
	return rc;
}

/* pankey_list - the inventory, as a table or JSON */
static int
pankey_list(struct pankey *pk)
{
	struct kr_state st;
	int rc;

	if (pankey_allow(pk, PO_JSON, 0, 0) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 0);
	if (rc == PK_OK && (pk->given & PO_JSON))
		rc = kr_report_json(&st, pk->dir, stdout) == 0 ? PK_OK :
		    pankey_fail(pk, PK_USAGE, "cannot render JSON");
	else if (rc == PK_OK)
		kr_report_table(&st, pk->dir, stdout);
	kr_state_fini(&st);
	return rc;
}

/* pankey_show - every enrollment of one address, all fields */
static int
pankey_show(struct pankey *pk)
{
	struct kr_state st;
	char addr[KR_ADDR_MAX];
	int rc;

	if (pankey_allow(pk, 0, 1, 1) != 0 ||
	    pankey_address(pk, pk->args[0], addr, sizeof(addr)) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	snprintf(pk->what, sizeof(pk->what), "show %s", addr);
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 0);
	if (rc == PK_OK && kr_report_show(&st, pk->dir, addr, stdout) == 0)
		rc = pankey_fail(pk, PK_REFUSED, "no enrollment for this "
		    "address; see pankey list");
	kr_state_fini(&st);
	return rc;
}

/* pankey_problem - kr_life_check callback: one line per problem */
static void
pankey_problem(void *arg, const struct kr_enroll *e, const char *problem)
{
	(void)arg;
	printf("%s %s (%s): %s\n", e->address, e->fpr,
	    kr_estate_str(e->state), problem);
}

/* pankey_check - expiry, strength and cryptoperiod problems (cron) */
static int
pankey_check(struct pankey *pk)
{
	struct kr_state st;
	size_t n = 0;
	int rc;

	if (pankey_allow(pk, PO_WARN, 0, 0) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 0);
	if (rc == PK_OK)
		n = kr_life_check(&st, pk->now, (pk->given & PO_WARN) ?
		    (uint32_t)pk->warn : 30, pankey_problem, NULL);
	if (rc == PK_OK && n > 0) {
		fprintf(stderr, "pankey: check: %zu problem(s)\n", n);
		rc = PK_REFUSED;
	}
	kr_state_fini(&st);
	return rc;
}

/* pankey_audit - print the audit log, or verify its chain */
static int
pankey_audit(struct pankey *pk)
{
	struct kr_state st;
	char path[KR_STORE_PATH_MAX], why[512];
	char *buf = NULL;
	size_t len = 0;
	int rc, verify;

	if (pankey_allow(pk, 0, 0, 1) != 0 || (pk->nargs == 1 &&
	    strcmp(pk->args[0], "verify") != 0))
		return pankey_fail(pk, PK_USAGE, "usage: pankey audit [verify]");
	verify = pk->nargs == 1;
	snprintf(pk->what, sizeof(pk->what), verify ? "audit verify" : "audit");
	kr_state_init(&st);
	rc = pankey_begin(pk, &st, 0);
	if (rc != PK_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", pk->dir, KR_STORE_AUDIT);
	if (kr_store_read(path, 256u << 20, &buf, &len, pk->err,
	    sizeof(pk->err)) != PM_OK) {
		rc = pankey_fail(pk, PK_USAGE, pk->err);
		goto out;
	}
	if (!verify) {
		kr_report_audit(buf, len, stdout);
	} else if (kr_audit_verify(buf, len, st.audit_seq, st.audit_head, why,
	    sizeof(why)) != 0) {
		rc = pankey_fail(pk, PK_REFUSED, why);
	} else {
		printf("pankey: audit: %lld entries, chain intact, ends at the "
		    "state's head\n", (long long)st.audit_seq);
	}
out:
	free(buf);
	kr_state_fini(&st);
	return rc;
}

/* pankey_whoami - the OS user running pankey */
static void
pankey_whoami(struct pankey *pk)
{
	struct passwd *pw = getpwuid(getuid());

	pk->uid = (int64_t)getuid();
	if (pw != NULL && kr_life_name_ok(pw->pw_name))
		snprintf(pk->os_user, sizeof(pk->os_user), "%s", pw->pw_name);
	else
		snprintf(pk->os_user, sizeof(pk->os_user), "uid-%lld",
		    (long long)pk->uid);
}


/* pankey_key_refused - refusals from the key's own facts; 0 or -1 */
static int
pankey_key_refused(struct pankey *pk, const struct kr_key_info *ki,
    const char *typed, const char *addr, int *uidmatch)
{
	char norm[KR_ADDR_MAX];
	size_t i;

	*uidmatch = 0;
	if (strcmp(ki->fpr, typed) != 0) {
		snprintf(pk->err, sizeof(pk->err), "fingerprint mismatch: the "
		    "key file's fingerprint is %s; you typed %s; verify it "
		    "with the key owner out of band", ki->fpr, typed);
		return -1;
	}
	if (ki->revoked || ki->disabled || ki->invalid || ki->expired) {
		snprintf(pk->err, sizeof(pk->err), "the key is %s; ask the "
		    "owner for a valid key", ki->revoked ? "revoked by its "
		    "owner" : ki->expired ? "expired" : ki->disabled ?
		    "disabled" : "invalid");
		return -1;
	}
	if (!ki->can_encrypt) {
		snprintf(pk->err, sizeof(pk->err), "the key has no valid "
		    "encryption subkey; ask the owner for a key that can "
		    "encrypt");
		return -1;
	}
	for (i = 0; i < ki->nuids; i++) {
		if (kr_view_addr_norm(ki->uids[i], norm, sizeof(norm)) ==
		    PM_OK && strcmp(norm, addr) == 0)
			*uidmatch = 1;
	}
	if (*uidmatch || pk->uidwhy != NULL)
		return 0;
	snprintf(pk->err, sizeof(pk->err), "no user id of the key has the "
	    "address %s (%s%.200s); check that this is the right key, or "
	    "give --uid-mismatch-reason TEXT", addr, ki->nuids ?
	    "it has " : "it has no mail address", ki->nuids ? ki->uids[0] :
	    "");
	return -1;
}

/* pankey_enroll_rec - the enrollment record for an inspected key */
static void
pankey_enroll_rec(const struct kr_key_info *ki, const char *addr,
    const char *uidwhy, struct kr_enroll *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->address, sizeof(e->address), "%s", addr);
	memcpy(e->fpr, ki->fpr, sizeof(e->fpr));
	memcpy(e->algo, ki->algo, sizeof(e->algo));
	e->bits = ki->bits;
	memcpy(e->primary_algo, ki->primary_algo, sizeof(e->primary_algo));
	e->primary_bits = ki->primary_bits;
	e->key_created = ki->created;
	e->expires = ki->expires;
	if (uidwhy != NULL)
		snprintf(e->uid_mismatch_reason,
		    sizeof(e->uid_mismatch_reason), "%s", uidwhy);
}

struct pankey_job {
	struct kr_actor who;
	char addr[KR_ADDR_MAX];
	char fpr[KR_FPR_MAX];		/* as typed, normalised */
	struct kr_key_info ki;
	char *file, *armor;
	size_t flen, alen;
	int uidmatch;
};

/* pankey_job_args - ADDRESS KEYFILE --fingerprint --by; 0 or exit code */
static int
pankey_job_args(struct pankey *pk, const char *verb, struct pankey_job *j)
{
	if (pankey_allow(pk, PO_FPR | PO_BY | PO_UIDWHY, 2, 2) != 0 ||
	    pankey_address(pk, pk->args[0], j->addr, sizeof(j->addr)) != 0 ||
	    pankey_actor(pk, &j->who) != 0)
		return pankey_fail(pk, PK_USAGE, pk->err);
	snprintf(pk->what, sizeof(pk->what), "%s %s", verb, j->addr);
	if (pk->fpr == NULL ||
	    kr_key_fpr_norm(pk->fpr, j->fpr, sizeof(j->fpr)) != 0)
		return pankey_fail(pk, PK_USAGE, "--fingerprint FPR is "
		    "required: the full fingerprint (40 hex digits) that the "
		    "key owner confirmed out of band");
	if (pk->uidwhy != NULL && pk->uidwhy[0] == '\0')
		return pankey_fail(pk, PK_USAGE, "--uid-mismatch-reason: "
		    "say why the key may be used for this address");
	if (kr_store_read(pk->args[1], KR_STORE_MAX_KEY, &j->file, &j->flen,
	    pk->err, sizeof(pk->err)) != PM_OK)
		return pankey_fail(pk, PK_USAGE, pk->err);
	return PK_OK;
}

/* pankey_job_inspect - the key file's facts, and refusals from them */
static int
pankey_job_inspect(struct pankey *pk, const struct kr_state *st,
    struct pankey_job *j)
{
	char why[512];
	pm_status ks;

	ks = kr_key_inspect(j->file, j->flen, &j->ki, &j->armor, &j->alen,
	    pk->err, sizeof(pk->err));
	if (ks != PM_OK)
		return pankey_fail(pk, ks == PM_ECONFIG ? PK_REFUSED :
		    PK_USAGE, pk->err);
	if (strcmp(j->ki.fpr, j->fpr) == 0 && kr_life_fpr_revoked(st, j->fpr)) {
		snprintf(why, sizeof(why), "fingerprint %s was revoked before "
		    "and is refused for ever; ask the owner for a new key",
		    j->fpr);
		return pankey_fail(pk, PK_REFUSED, why);
	}
	if (pankey_key_refused(pk, &j->ki, j->fpr, j->addr, &j->uidmatch) != 0)
		return pankey_fail(pk, PK_REFUSED, pk->err);
	return PK_OK;
}

/* pankey_job_free - release the buffers of a job */
static void
pankey_job_free(struct pankey_job *j)
{
	free(j->file);
	free(j->armor);
}

/* pankey_enroll - check a key file and enroll it for an address */
static int
pankey_enroll(struct pankey *pk)
{
	struct pankey_job j;
	struct kr_state st;
	struct kr_enroll e;
	char why[512], detail[1024];
	size_t idx = 0;
	int rc;

	memset(&j, 0, sizeof(j));
	kr_state_init(&st);
	rc = pankey_job_args(pk, "enroll", &j);
	if (rc == PK_OK)
		rc = pankey_begin(pk, &st, 1);
	if (rc == PK_OK)
		rc = pankey_job_inspect(pk, &st, &j);
	if (rc != PK_OK)
		goto out;
	pankey_enroll_rec(&j.ki, j.addr, j.uidmatch ? NULL : pk->uidwhy, &e);
	if (kr_life_enroll(&st, &e, &j.who, &idx, why, sizeof(why)) != PM_OK) {
		rc = pankey_fail(pk, PK_REFUSED, why);
		goto out;
	}
	snprintf(detail, sizeof(detail), "address=%s fingerprint=%s algo=%s/%s"
	    " bits=%lu/%lu state=%s%s%.300s", j.addr, j.fpr, e.primary_algo,
	    e.algo, (unsigned long)e.primary_bits, (unsigned long)e.bits,
	    kr_estate_str(st.enr[idx].state), j.uidmatch ? "" :
	    " uid_mismatch_reason=", j.uidmatch ? "" : pk->uidwhy);
	rc = pankey_commit(pk, &st, "enroll", detail, j.fpr, j.armor, j.alen,
	    0);
	if (rc == PK_OK)
		printf("pankey: enrolled %s %s: %s\n", j.addr, j.fpr,
		    st.enr[idx].state == KR_PENDING ? "pending (a second "
		    "custodian must approve it: pankey approve)" : "active");
out:
	pankey_job_free(&j);
	kr_state_fini(&st);
	return rc;
}

/* pankey_refresh - new expiry or subkeys for an enrolled primary key */
static int
pankey_refresh(struct pankey *pk)
{
	struct pankey_job j;
	struct kr_state st;
	struct kr_enroll e;
	char why[512], detail[1024];
	int64_t old = 0;
	size_t idx = 0, i;
	int rc;

	memset(&j, 0, sizeof(j));
	kr_state_init(&st);
	rc = pankey_job_args(pk, "refresh", &j);
	if (rc == PK_OK)
		rc = pankey_begin(pk, &st, 1);
	for (i = 0; rc == PK_OK && i < st.nenr; i++) {
		if (strcmp(st.enr[i].fpr, j.fpr) == 0 &&
		    strcmp(st.enr[i].address, j.addr) == 0 &&
		    st.enr[i].uid_mismatch_reason[0] != '\0' && !pk->uidwhy)
			pk->uidwhy = st.enr[i].uid_mismatch_reason;
	}
	if (rc == PK_OK)
		rc = pankey_job_inspect(pk, &st, &j);
	if (rc != PK_OK)
		goto out;
	pankey_enroll_rec(&j.ki, j.addr, NULL, &e);
	for (i = 0; i < st.nenr; i++) {
		if (strcmp(st.enr[i].fpr, j.fpr) == 0 &&
		    strcmp(st.enr[i].address, j.addr) == 0)
			old = st.enr[i].expires;
	}
	if (kr_life_refresh(&st, &e, &j.who, &idx, why, sizeof(why)) != PM_OK) {
		rc = pankey_fail(pk, PK_REFUSED, why);
		goto out;
	}
	snprintf(detail, sizeof(detail), "address=%s fingerprint=%s algo=%s/%s"
	    " bits=%lu/%lu expires=%lld (was %lld)", j.addr, j.fpr,
	    e.primary_algo, e.algo, (unsigned long)e.primary_bits,
	    (unsigned long)e.bits, (long long)e.expires, (long long)old);
	rc = pankey_commit(pk, &st, "refresh", detail, j.fpr, j.armor, j.alen,
	    1);
	if (rc == PK_OK)
		printf("pankey: refreshed %s %s (%s)\n", j.addr, j.fpr,
		    kr_estate_str(st.enr[idx].state));
out:
	pankey_job_free(&j);
	kr_state_fini(&st);
	return rc;
}

/* pankey_dispatch - run the command named by pk->cmd */
static int
pankey_dispatch(struct pankey *pk)
{
	static const struct {
		const char *name;
		int (*fn)(struct pankey *);
	} cmds[] = {
		{ "init", pankey_init }, { "custodian", pankey_custodian },
		{ "enroll", pankey_enroll }, { "approve", pankey_approve },
		{ "refresh", pankey_refresh },
		{ "revoke", pankey_revoke }, { "list", pankey_list },
		{ "show", pankey_show }, { "check", pankey_check },
		{ "audit", pankey_audit }, { NULL, NULL }
	};
	size_t i;

	for (i = 0; cmds[i].name != NULL; i++) {
		if (strcmp(cmds[i].name, pk->cmd) == 0)
			return cmds[i].fn(pk);
	}
	fprintf(stderr, "pankey: unknown command '%.40s'; see pankey "
	    "--help\n", pk->cmd);
	return PK_USAGE;
}

/* main - global options, then the command */
int
main(int argc, char **argv)
{
	static const struct option gl[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct pankey pk;
	int c, rc;

	memset(&pk, 0, sizeof(pk));
	pk.lock.lockfd = -1;
	pk.dir = PANKEY_DEFAULT_DIR;
	while ((c = getopt_long(argc, argv, "+k:hV", gl, NULL)) != -1) {
		switch (c) {
		case 'k': pk.dir = optarg; break;
		case 'h': pankey_usage(stdout); return PK_OK;
		case 'V': printf("pankey %s\n", PM_VERSION); return PK_OK;
		default: pankey_usage(stderr); return PK_USAGE;
		}
	}
	if (optind >= argc) {
		pankey_usage(stderr);
		return PK_USAGE;
	}
	pk.cmd = argv[optind];
	snprintf(pk.what, sizeof(pk.what), "%s", pk.cmd);
	pk.args = calloc((size_t)argc + 1, sizeof(*pk.args));
	if (pk.args == NULL)
		return PK_USAGE;
	pk.now = (int64_t)time(NULL);
	pankey_whoami(&pk);
	if (pankey_parse(&pk, argc - optind, argv + optind) != 0)
		rc = pankey_fail(&pk, PK_USAGE, pk.err);
	else
		rc = pankey_dispatch(&pk);
	kr_store_unlock(&pk.lock);
	free(pk.args);
	return rc;
}
