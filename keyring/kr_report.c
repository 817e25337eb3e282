/*
 * kr_report - rendering for pankey list, show, custodian list and audit.
 *
 * Kept apart from pankey.c so main() stays a dispatcher and so the
 * renderings can be tested on a state built in memory.
 */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "kr_audit.h"
#include "kr_report.h"

/* kr_report_time - ISO 8601 UTC ("-" for 0; date only when short) */
static const char *
kr_report_time(int64_t t, int date_only, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0) {
		snprintf(out, outlen, "-");
		return out;
	}
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, outlen, date_only ?
	    "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "@%lld", (long long)t);
	return out;
}

/* kr_report_settings - the keyring line shared by list and show */
static void
kr_report_settings(const struct kr_state *st, const char *dir, FILE *fp)
{
	fprintf(fp, "keyring %s: dual control %s%s; floor RSA %lu bits, "
	    "ECC %lu bits; cryptoperiod %lu days; generation %lld\n", dir,
	    st->dual_control ? "on" : "off", st->allow_same_os_user ?
	    " (allow_same_os_user: approval from the enrolling OS user is "
	    "accepted - weaker)" : "", (unsigned long)st->min_rsa_bits,
	    (unsigned long)st->min_ecc_bits,
	    (unsigned long)st->cryptoperiod_days,
	    (long long)st->generation);
}

/* kr_report_table - settings, a header, one line per enrollment */
void
kr_report_table(const struct kr_state *st, const char *dir, FILE *fp)
{
	char c[32], x[32];
	size_t i;

	kr_report_settings(st, dir, fp);
	fprintf(fp, "%-32s %-40s %-8s %-16s %-10s %-10s %-10s %-12s %s\n",
	    "ADDRESS", "FINGERPRINT", "STATE", "ALGORITHM", "BITS",
	    "CREATED", "EXPIRES", "ENROLLED-BY", "APPROVED-BY");
	for (i = 0; i < st->nenr; i++) {
		const struct kr_enroll *e = &st->enr[i];
		char algo[2 * KR_ALGO_MAX + 2], bits[24];

		snprintf(algo, sizeof(algo), "%s/%s", e->primary_algo, e->algo);
		snprintf(bits, sizeof(bits), "%lu/%lu",
		    (unsigned long)e->primary_bits, (unsigned long)e->bits);
		fprintf(fp, "%-32s %-40s %-8s %-16s %-10s %-10s %-10s %-12s "
		    "%s\n", e->address, e->fpr, kr_estate_str(e->state), algo,
		    bits, kr_report_time(e->key_created, 1, c, sizeof(c)),
		    e->expires ? kr_report_time(e->expires, 1, x, sizeof(x)) :
		    "never", e->enrolled_by,
		    e->approved_by[0] ? e->approved_by : "-");
	}
}

/* kr_report_jtime - a JSON time string, or null for 0 */
static json_t *
kr_report_jtime(int64_t t)
{
	char b[32];

	return t == 0 ? json_null() : json_string(kr_report_time(t, 0, b,
	    sizeof(b)));
}

/* kr_report_jstr - a JSON string, or null for "" */
static json_t *
kr_report_jstr(const char *s)
{
	return s[0] == '\0' ? json_null() : json_string(s);
}

/* kr_report_jenroll - one enrollment as a JSON object */
static json_t *
kr_report_jenroll(const struct kr_enroll *e)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:o,s:o,s:s,s:s,s:o,"
	    "s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "address", e->address, "fingerprint", e->fpr,
	    "state", kr_estate_str(e->state), "algorithm", e->algo,
	    "bits", (json_int_t)e->bits, "primary_algorithm", e->primary_algo,
	    "primary_bits", (json_int_t)e->primary_bits,
	    "created", kr_report_jtime(e->key_created),
	    "expires", kr_report_jtime(e->expires),
	    "enrolled_by", e->enrolled_by,
	    "enrolled_os_user", e->enrolled_os_user,
	    "enrolled_at", kr_report_jtime(e->enrolled_at),
	    "approved_by", kr_report_jstr(e->approved_by),
	    "approved_os_user", kr_report_jstr(e->approved_os_user),
	    "approved_at", kr_report_jtime(e->approved_at),
	    "uid_mismatch_reason", kr_report_jstr(e->uid_mismatch_reason),
	    "revoked_by", kr_report_jstr(e->revoked_by),
	    "revoked_os_user", kr_report_jstr(e->revoked_os_user),
	    "revoked_at", kr_report_jtime(e->revoked_at),
	    "revocation_reason", e->reason == KR_REASON_NONE ? json_null() :
	    json_string(kr_reason_str(e->reason)));
}

/* kr_report_json - the whole inventory as one JSON object on one line */
int
kr_report_json(const struct kr_state *st, const char *dir, FILE *fp)
{
	json_t *root = NULL, *cust = json_array(), *enr = json_array();
	size_t i;
	int rc = -1;

	if (cust == NULL || enr == NULL)
		goto out;
	for (i = 0; i < st->ncust; i++) {
		if (json_array_append_new(cust, json_pack("{s:s,s:s,s:I,s:o}",
		    "name", st->cust[i].name, "os_user", st->cust[i].os_user,
		    "uid", (json_int_t)st->cust[i].uid, "acknowledged",
		    kr_report_jtime(st->cust[i].acknowledged))) != 0)
			goto out;
	}
	for (i = 0; i < st->nenr; i++) {
		if (json_array_append_new(enr, kr_report_jenroll(&st->enr[i]))
		    != 0)
			goto out;
	}
	root = json_pack("{s:{s:s,s:b,s:b,s:I,s:I,s:I,s:o,s:I},s:O,s:O}",
	    "keyring", "directory", dir, "dual_control", st->dual_control,
	    "allow_same_os_user", st->allow_same_os_user,
	    "min_rsa_bits", (json_int_t)st->min_rsa_bits,
	    "min_ecc_bits", (json_int_t)st->min_ecc_bits,
	    "cryptoperiod_days", (json_int_t)st->cryptoperiod_days,
	    "created", kr_report_jtime(st->created),
	    "generation", (json_int_t)st->generation,
	    "custodians", cust, "enrollments", enr);
	if (root == NULL || json_dumpf(root, fp, JSON_COMPACT) != 0)
		goto out;
	fputc('\n', fp);
	rc = 0;
out:
	json_decref(root);
	json_decref(cust);
	json_decref(enr);
	return rc;
}

/* kr_report_show_one - every field of one enrollment */
static void
kr_report_show_one(const struct kr_enroll *e, FILE *fp)
{
	char t[32];

	fprintf(fp, "\naddress:            %s\n", e->address);
	fprintf(fp, "fingerprint:        %s\n", e->fpr);
	fprintf(fp, "state:              %s\n", kr_estate_str(e->state));
	fprintf(fp, "primary key:        %s %lu bits\n", e->primary_algo,
	    (unsigned long)e->primary_bits);
	fprintf(fp, "encryption subkey:  %s %lu bits\n", e->algo,
	    (unsigned long)e->bits);
	fprintf(fp, "created:            %s\n",
	    kr_report_time(e->key_created, 0, t, sizeof(t)));
	fprintf(fp, "expires:            %s\n", e->expires ?
	    kr_report_time(e->expires, 0, t, sizeof(t)) : "never");
	fprintf(fp, "enrolled:           %s by %s (OS user %s)\n",
	    kr_report_time(e->enrolled_at, 0, t, sizeof(t)), e->enrolled_by,
	    e->enrolled_os_user);
	if (e->approved_by[0] != '\0')
		fprintf(fp, "approved:           %s by %s (OS user %s)\n",
		    kr_report_time(e->approved_at, 0, t, sizeof(t)),
		    e->approved_by, e->approved_os_user);
	if (e->uid_mismatch_reason[0] != '\0')
		fprintf(fp, "uid mismatch:       %s\n", e->uid_mismatch_reason);
	if (e->state == KR_REVOKED)
		fprintf(fp, "revoked:            %s by %s (OS user %s), "
		    "reason %s\n", kr_report_time(e->revoked_at, 0, t,
		    sizeof(t)), e->revoked_by, e->revoked_os_user,
		    kr_reason_str(e->reason));
}

/* kr_report_show - every enrollment of addr; returns how many */
size_t
kr_report_show(const struct kr_state *st, const char *dir, const char *addr,
    FILE *fp)
{
	size_t i, n = 0;

	for (i = 0; i < st->nenr; i++) {
		if (strcmp(st->enr[i].address, addr) != 0)
			continue;
		if (n++ == 0)
			kr_report_settings(st, dir, fp);
		kr_report_show_one(&st->enr[i], fp);
	}
	return n;
}

/* kr_report_custodians - the custodian register */
void
kr_report_custodians(const struct kr_state *st, FILE *fp)
{
	char t[32];
	size_t i;

	fprintf(fp, "%-24s %-16s %-8s %s\n", "CUSTODIAN", "OS-USER", "UID",
	    "ACKNOWLEDGED");
	for (i = 0; i < st->ncust; i++)
		fprintf(fp, "%-24s %-16s %-8lld %s\n", st->cust[i].name,
		    st->cust[i].os_user, (long long)st->cust[i].uid,
		    kr_report_time(st->cust[i].acknowledged, 0, t, sizeof(t)));
}

/* kr_report_audit - the audit log, one readable line per entry */
void
kr_report_audit(const char *buf, size_t len, FILE *fp)
{
	struct kr_audit_entry e;
	const char *p = buf, *end = buf + len, *nl = NULL;
	size_t line = 0;

	for (; p < end; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (kr_audit_parse(p, (size_t)(nl - p), &e) != 0) {
			fprintf(fp, "line %zu: damaged (run pankey audit "
			    "verify)\n", line);
			continue;
		}
		fprintf(fp, "%lld %s %s by=%s os_user=%s %s\n",
		    (long long)e.seq, e.time, e.action, e.by, e.os_user,
		    e.detail);
	}
}
