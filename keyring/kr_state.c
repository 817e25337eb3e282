/*
 * kr_state - the state file, parsed and written from one field table per
 * record type, so the reader and the writer cannot disagree about a key.
 *
 * Required fields are always written; optional ones only when they hold
 * something (a non-empty string, a non-zero number), which keeps the
 * file short and the output deterministic. The parser never trusts a
 * length: every value is decoded into a bounded scratch buffer first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_state.h"

enum kr_ftype {
	KR_F_STR, KR_F_FPR, KR_F_HASH, KR_F_I64, KR_F_U32, KR_F_BOOL,
	KR_F_ESTATE, KR_F_REASON
};

struct kr_field {
	const char *key;
	enum kr_ftype type;
	size_t off;
	size_t size;		/* of the char array (KR_F_STR, FPR, HASH) */
	int required;
};

#define KF(k, t, s, f, req) { k, t, offsetof(s, f), \
	sizeof(((s *)0)->f), req }

static const struct kr_field kr_state_kfields[] = {
	KF("dual_control", KR_F_BOOL, struct kr_state, dual_control, 1),
	KF("allow_same_os_user", KR_F_BOOL, struct kr_state,
	    allow_same_os_user, 1),
	KF("min_rsa_bits", KR_F_U32, struct kr_state, min_rsa_bits, 1),
	KF("min_ecc_bits", KR_F_U32, struct kr_state, min_ecc_bits, 1),
	KF("cryptoperiod_days", KR_F_U32, struct kr_state,
	    cryptoperiod_days, 1),
	KF("created", KR_F_I64, struct kr_state, created, 1),
	KF("generation", KR_F_I64, struct kr_state, generation, 1),
	KF("audit_seq", KR_F_I64, struct kr_state, audit_seq, 1),
	KF("audit_head", KR_F_HASH, struct kr_state, audit_head, 0),
	{ NULL, 0, 0, 0, 0 }
};

static const struct kr_field kr_state_cfields[] = {
	KF("name", KR_F_STR, struct kr_custodian, name, 1),
	KF("os_user", KR_F_STR, struct kr_custodian, os_user, 1),
	KF("uid", KR_F_I64, struct kr_custodian, uid, 1),
	KF("acknowledged", KR_F_I64, struct kr_custodian, acknowledged, 1),
	{ NULL, 0, 0, 0, 0 }
};

#define KE(k, t, f, req) KF(k, t, struct kr_enroll, f, req)
static const struct kr_field kr_state_efields[] = {
	KE("address", KR_F_STR, address, 1),
	KE("fingerprint", KR_F_FPR, fpr, 1),
	KE("state", KR_F_ESTATE, state, 1),
	KE("algo", KR_F_STR, algo, 1),
	KE("bits", KR_F_U32, bits, 1),
	KE("primary_algo", KR_F_STR, primary_algo, 1),
	KE("primary_bits", KR_F_U32, primary_bits, 1),
	KE("key_created", KR_F_I64, key_created, 1),
	KE("expires", KR_F_I64, expires, 1),
	KE("enrolled_by", KR_F_STR, enrolled_by, 1),
	KE("enrolled_os_user", KR_F_STR, enrolled_os_user, 1),
	KE("enrolled_at", KR_F_I64, enrolled_at, 1),
	KE("approved_by", KR_F_STR, approved_by, 0),
	KE("approved_os_user", KR_F_STR, approved_os_user, 0),
	KE("approved_at", KR_F_I64, approved_at, 0),
	KE("uid_mismatch_reason", KR_F_STR, uid_mismatch_reason, 0),
	KE("revoked_by", KR_F_STR, revoked_by, 0),
	KE("revoked_os_user", KR_F_STR, revoked_os_user, 0),
	KE("revoked_at", KR_F_I64, revoked_at, 0),
	KE("reason", KR_F_REASON, reason, 0),
	{ NULL, 0, 0, 0, 0 }
};

static const char *const kr_state_estates[] = { "pending", "active",
	"revoked" };
static const char *const kr_state_reasons[] = { "none", "key-compromise",
	"superseded", "left", "other" };

/* kr_estate_str - stable name of an enrollment state */
const char *
kr_estate_str(enum kr_estate s)
{
	if ((unsigned)s > KR_REVOKED)
		return "unknown";
	return kr_state_estates[s];
}

/* kr_reason_str - stable name of a revocation reason */
const char *
kr_reason_str(enum kr_reason r)
{
	if ((unsigned)r > KR_REASON_OTHER)
		return "unknown";
	return kr_state_reasons[r];
}

/* kr_reason_parse - a reason name (not "none") into its value */
int
kr_reason_parse(const char *s, enum kr_reason *r)
{
	unsigned i;

	for (i = KR_REASON_COMPROMISE; i <= KR_REASON_OTHER; i++) {
		if (strcmp(s, kr_state_reasons[i]) == 0) {
			*r = (enum kr_reason)i;
			return 0;
		}
	}
	return -1;
}

/* kr_state_hexn - 1 when s is exactly n upper-case hex digits */
static int
kr_state_hexn(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return s[n] == '\0';
}

/* kr_fpr_valid - 1 for a full v4 (40) or v5 (64) hex fingerprint */
int
kr_fpr_valid(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && kr_state_hexn(s, n);
}

/* kr_state_init - an empty state with the default settings */
void
kr_state_init(struct kr_state *st)
{
	memset(st, 0, sizeof(*st));
	st->min_rsa_bits = KR_DEFAULT_MIN_RSA_BITS;
	st->min_ecc_bits = KR_DEFAULT_MIN_ECC_BITS;
	st->cryptoperiod_days = KR_DEFAULT_CRYPTOPERIOD_DAYS;
}

/* kr_state_fini - free the record arrays */
void
kr_state_fini(struct kr_state *st)
{
	free(st->cust);
	free(st->enr);
	st->cust = NULL;
	st->enr = NULL;
	st->ncust = st->nenr = 0;
}

/*
 * kr_state_grow - room for element n of size sz in *arr; the capacity is
 * implicit: 8, then doubled whenever n reaches a power of two
 */
static pm_status
kr_state_grow(void **arr, size_t n, size_t sz)
{
	void *p = NULL;
	size_t cap;

	if (n + 1 > KR_STATE_MAX_RECORDS)
		return PM_ELIMIT;
	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return PM_OK;
	cap = n < 8 ? 8 : n * 2;
	p = realloc(*arr, cap * sz);
	if (p == NULL)
		return PM_ENOMEM;
	*arr = p;
	return PM_OK;
}

/* kr_state_add_custodian - append a copy of c */
pm_status
kr_state_add_custodian(struct kr_state *st, const struct kr_custodian *c)
{
	pm_status rc;

	rc = kr_state_grow((void **)&st->cust, st->ncust, sizeof(*c));
	if (rc != PM_OK)
		return rc;
	st->cust[st->ncust++] = *c;
	return PM_OK;
}

/* kr_state_add_enroll - append a copy of e */
pm_status
kr_state_add_enroll(struct kr_state *st, const struct kr_enroll *e)
{
	pm_status rc;

	rc = kr_state_grow((void **)&st->enr, st->nenr, sizeof(*e));
	if (rc != PM_OK)
		return rc;
	st->enr[st->nenr++] = *e;
	return PM_OK;
}

/* kr_state_find_custodian - the custodian called name, or NULL */
const struct kr_custodian *
kr_state_find_custodian(const struct kr_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ncust; i++) {
		if (strcmp(st->cust[i].name, name) == 0)
			return &st->cust[i];
	}
	return NULL;
}

/* kr_state_hexval - value of one upper-case hex digit, or -1 */
static int
kr_state_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * kr_state_unescape - decode v[0..n) into out (outlen bytes, NUL added);
 * NULL on success, else what is wrong
 */
const char *
kr_state_unescape(const char *v, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			return "control character in value";
		if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return "truncated %-escape";
			hi = kr_state_hexval(v[i + 1]);
			lo = kr_state_hexval(v[i + 2]);
			if (hi < 0 || lo < 0)
				return "bad %-escape (want %XX, upper-case hex)";
			c = (unsigned char)(hi * 16 + lo);
			if (c == '\0')
				return "%00 in value";
			i += 2;
		}
		if (o + 1 >= outlen)
			return "value too long";
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return NULL;
}

/* kr_state_num - strict decimal; NULL on success, else what is wrong */
static const char *
kr_state_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (*s == '\0')
		return "empty number";
	if (s[0] == '0' && s[1] != '\0')
		return "number with a leading zero";
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "not a number";
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return "number too large";
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return NULL;
}

/* kr_state_enum - index of s in names[0..n), or -1 */
static int
kr_state_enum(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0)
			return i;
	}
	return -1;
}

/* kr_state_setfield - store the decoded value val into rec; NULL or why */
static const char *
kr_state_setfield(const struct kr_field *f, const char *val, void *rec)
{
	char *p = (char *)rec + f->off;
	uint64_t u = 0;
	const char *why = NULL;
	int e;

	switch (f->type) {
	case KR_F_STR:
		if (strlen(val) + 1 > f->size)
			return "value too long";
		memcpy(p, val, strlen(val) + 1);
		return NULL;
	case KR_F_FPR:
		if (!kr_fpr_valid(val))
			return "not a fingerprint (40 or 64 upper-case hex)";
		memcpy(p, val, strlen(val) + 1);
		return NULL;
	case KR_F_HASH:
		if (!kr_state_hexn(val, KR_HASH_HEX - 1))
			return "not a SHA-256 hash (64 upper-case hex)";
		memcpy(p, val, KR_HASH_HEX);
		return NULL;
	case KR_F_I64:
		why = kr_state_num(val, INT64_MAX, &u);
		if (why == NULL)
			*(int64_t *)(void *)p = (int64_t)u;
		return why;
	case KR_F_U32:
		why = kr_state_num(val, UINT32_MAX, &u);
		if (why == NULL)
			*(uint32_t *)(void *)p = (uint32_t)u;
		return why;
	case KR_F_BOOL:
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
			return "not 0 or 1";
		*(int *)(void *)p = val[0] == '1';
		return NULL;
	case KR_F_ESTATE:
		e = kr_state_enum(val, kr_state_estates, 3);
		if (e < 0)
			return "not pending, active or revoked";
		*(enum kr_estate *)(void *)p = (enum kr_estate)e;
		return NULL;
	case KR_F_REASON:
		e = kr_state_enum(val, kr_state_reasons, 5);
		if (e <= 0)
			return "not key-compromise, superseded, left or other";
		*(enum kr_reason *)(void *)p = (enum kr_reason)e;
		return NULL;
	}
	return "internal: unknown field type";
}

struct kr_state_line {
	const char *type;	/* record type, for messages */
	const struct kr_field *fields;
	void *rec;
};

/*
 * kr_state_fields - parse the fields of one line (after the record type)
 * into ln->rec; 0, or -1 with err
 */
static int
kr_state_fields(const char *p, const char *end, struct kr_state_line *ln,
    unsigned long lineno, char *err, size_t errlen)
{
	char val[KR_TEXT_MAX * 3 + 1], key[32];
	uint32_t seen = 0;
	const char *why = NULL, *tab = NULL, *eq = NULL;
	size_t i, klen;

	while (p < end) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (tab == NULL)
			tab = end;
		eq = memchr(p, '=', (size_t)(tab - p));
		klen = eq == NULL ? 0 : (size_t)(eq - p);
		if (eq == NULL || klen == 0) {
			snprintf(err, errlen, "line %lu: %s: field is not "
			    "key=value", lineno, ln->type);
			return -1;
		}
		if (klen >= sizeof(key))
			klen = sizeof(key) - 1;	/* reported as unknown */
		memcpy(key, p, klen);
		key[klen] = '\0';
		for (i = 0; ln->fields[i].key != NULL; i++) {
			if (strcmp(ln->fields[i].key, key) == 0)
				break;
		}
		if (ln->fields[i].key == NULL) {
			snprintf(err, errlen, "line %lu: %s: unknown key "
			    "'%.31s'", lineno, ln->type, key);
			return -1;
		}
		if (seen & (1u << i)) {
			snprintf(err, errlen, "line %lu: %s: duplicate key "
			    "'%s'", lineno, ln->type, key);
			return -1;
		}
		seen |= 1u << i;
		why = kr_state_unescape(eq + 1, (size_t)(tab - eq - 1), val,
		    sizeof(val));
		if (why == NULL)
			why = kr_state_setfield(&ln->fields[i], val, ln->rec);
		if (why != NULL) {
			snprintf(err, errlen, "line %lu: %s: %s: %s", lineno,
			    ln->type, key, why);
			return -1;
		}
		p = tab < end ? tab + 1 : end;
		if (tab < end && p == end) {
			snprintf(err, errlen, "line %lu: %s: trailing tab",
			    lineno, ln->type);
			return -1;
		}
	}
	for (i = 0; ln->fields[i].key != NULL; i++) {
		if (ln->fields[i].required && !(seen & (1u << i))) {
			snprintf(err, errlen, "line %lu: %s: missing key '%s'",
			    lineno, ln->type, ln->fields[i].key);
			return -1;
		}
	}
	return 0;
}

/* kr_state_enroll_ok - semantic checks of one enrollment; NULL or why */
static const char *
kr_state_enroll_ok(const struct kr_enroll *e)
{
	if (e->address[0] == '\0' || strchr(e->address, '@') == NULL)
		return "address has no '@'";
	if (e->state == KR_REVOKED && e->reason == KR_REASON_NONE)
		return "revoked without a reason";
	if (e->state != KR_REVOKED && e->reason != KR_REASON_NONE)
		return "a reason on an enrollment that is not revoked";
	return NULL;
}

/* kr_state_record - parse one record line into st; 0, or -1 with err */
static int
kr_state_record(const char *p, const char *end, struct kr_state *st,
    int *have_kr, unsigned long lineno, char *err, size_t errlen)
{
	struct kr_state_line ln = { NULL, NULL, NULL };
	struct kr_custodian c;
	struct kr_enroll e;
	const char *tab = NULL, *why = NULL;
	size_t tlen;

	tab = memchr(p, '\t', (size_t)(end - p));
	tlen = (size_t)((tab == NULL ? end : tab) - p);
	memset(&c, 0, sizeof(c));
	memset(&e, 0, sizeof(e));
	if (tlen == 7 && memcmp(p, "keyring", 7) == 0)
		ln = (struct kr_state_line){ "keyring", kr_state_kfields, st };
	else if (tlen == 9 && memcmp(p, "custodian", 9) == 0)
		ln = (struct kr_state_line){ "custodian", kr_state_cfields,
		    &c };
	else if (tlen == 10 && memcmp(p, "enrollment", 10) == 0)
		ln = (struct kr_state_line){ "enrollment", kr_state_efields,
		    &e };
	if (ln.type == NULL) {
		snprintf(err, errlen, "line %lu: unknown record type", lineno);
		return -1;
	}
	if ((*have_kr != 0) != (ln.rec != st)) {
		snprintf(err, errlen, "line %lu: %s", lineno, *have_kr ?
		    "a second keyring record" :
		    "the keyring record must come first");
		return -1;
	}
	*have_kr = 1;
	if (tab == NULL) {
		tab = end;
	}
	if (kr_state_fields(tab < end ? tab + 1 : end, end, &ln, lineno,
	    err, errlen) != 0)
		return -1;
	if (ln.rec == &c) {
		if (kr_state_find_custodian(st, c.name) != NULL)
			why = "duplicate custodian name";
		else if (kr_state_add_custodian(st, &c) != PM_OK)
			why = "out of memory or too many records";
	} else if (ln.rec == &e) {
		why = kr_state_enroll_ok(&e);
		if (why == NULL && kr_state_add_enroll(st, &e) != PM_OK)
			why = "out of memory or too many records";
	}
	if (why != NULL) {
		snprintf(err, errlen, "line %lu: %s: %s", lineno, ln.type, why);
		return -1;
	}
	return 0;
}

/* kr_state_parse - strict parse of a whole state file */
pm_status
kr_state_parse(const char *buf, size_t len, struct kr_state *st, char *err,
    size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl = NULL;
	unsigned long lineno = 1;
	int have_kr = 0;
	size_t ml = strlen(KR_STATE_MAGIC);

	kr_state_fini(st);
	kr_state_init(st);
	if (len == 0 || memchr(buf, '\0', len) != NULL || buf[len - 1] != '\n') {
		snprintf(err, errlen, "line 1: %s", len == 0 ? "empty file" :
		    buf[len - 1] != '\n' ? "the last line has no newline" :
		    "NUL byte in the file");
		goto bad;
	}
	if (len < ml + 1 || memcmp(buf, KR_STATE_MAGIC, ml) != 0 ||
	    buf[ml] != '\n') {
		snprintf(err, errlen, "line 1: not a pankey state file "
		    "(want \"%s\")", KR_STATE_MAGIC);
		goto bad;
	}
	for (p = buf + ml + 1; p < end; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p) {
			snprintf(err, errlen, "line %lu: empty line", lineno);
			goto bad;
		}
		if (kr_state_record(p, nl, st, &have_kr, lineno, err,
		    errlen) != 0)
			goto bad;
	}
	if (!have_kr) {
		snprintf(err, errlen, "line %lu: no keyring record",
		    lineno + 1);
		goto bad;
	}
	return PM_OK;
bad:
	kr_state_fini(st);
	kr_state_init(st);
	return PM_ECONFIG;
}

/* kr_state_escape - percent-escaped copy of s; 0, or -1 when too long */
int
kr_state_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (o + 4 > outlen)
			return -1;
		if (c < 0x20 || c == 0x7f || c == '%') {
			snprintf(out + o, 4, "%%%02X", c);
			o += 3;
		} else {
			out[o++] = (char)c;
		}
	}
	if (o + 1 > outlen)
		return -1;
	out[o] = '\0';
	return 0;
}

struct kr_state_out {
	char *buf;
	size_t len, cap;
	int oom;
};

/* kr_state_put - append n bytes to the output */
static void
kr_state_put(struct kr_state_out *o, const char *s, size_t n)
{
	char *p = NULL;
	size_t cap = o->cap ? o->cap : 1024;

	if (o->oom)
		return;
	while (cap < o->len + n + 1)
		cap *= 2;
	if (cap != o->cap) {
		p = realloc(o->buf, cap);
		if (p == NULL) {
			o->oom = 1;
			return;
		}
		o->buf = p;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* kr_state_put_escaped - append s, percent-escaped */
static void
kr_state_put_escaped(struct kr_state_out *o, const char *s)
{
	char hex[4];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '%') {
			snprintf(hex, sizeof(hex), "%%%02X", c);
			kr_state_put(o, hex, 3);
		} else {
			kr_state_put(o, s, 1);
		}
	}
}

/* kr_state_put_record - one line: type, then the fields of rec */
static void
kr_state_put_record(struct kr_state_out *o, const char *type,
    const struct kr_field *f, const void *rec)
{
	const char *p = NULL;
	char num[32];
	const char *sval = NULL;

	kr_state_put(o, type, strlen(type));
	for (; f->key != NULL; f++) {
		p = (const char *)rec + f->off;
		sval = num;
		num[0] = '\0';
		switch (f->type) {
		case KR_F_STR: case KR_F_FPR: case KR_F_HASH:
			sval = p;
			break;
		case KR_F_I64:
			if (*(const int64_t *)(const void *)p != 0)
				snprintf(num, sizeof(num), "%lld", (long long)
				    *(const int64_t *)(const void *)p);
			break;
		case KR_F_U32:
			if (*(const uint32_t *)(const void *)p != 0)
				snprintf(num, sizeof(num), "%lu", (unsigned long)
				    *(const uint32_t *)(const void *)p);
			break;
		case KR_F_BOOL:
			snprintf(num, sizeof(num), "%d",
			    *(const int *)(const void *)p != 0);
			break;
		case KR_F_ESTATE:
			sval = kr_estate_str(*(const enum kr_estate *)
			    (const void *)p);
			break;
		case KR_F_REASON:
			if (*(const enum kr_reason *)(const void *)p != 0)
				sval = kr_reason_str(*(const enum kr_reason *)
				    (const void *)p);
			break;
		}
		if (sval[0] == '\0' && !f->required)
			continue;
		if (sval[0] == '\0' && f->type != KR_F_STR)
			sval = "0";
		kr_state_put(o, "\t", 1);
		kr_state_put(o, f->key, strlen(f->key));
		kr_state_put(o, "=", 1);
		kr_state_put_escaped(o, sval);
	}
	kr_state_put(o, "\n", 1);
}

/* kr_state_serialize - the state as file text (malloc'd) */
pm_status
kr_state_serialize(const struct kr_state *st, char **out, size_t *outlen)
{
	struct kr_state_out o = { NULL, 0, 0, 0 };
	size_t i;

	*out = NULL;
	*outlen = 0;
	kr_state_put(&o, KR_STATE_MAGIC "\n", strlen(KR_STATE_MAGIC) + 1);
	kr_state_put_record(&o, "keyring", kr_state_kfields, st);
	for (i = 0; i < st->ncust; i++)
		kr_state_put_record(&o, "custodian", kr_state_cfields,
		    &st->cust[i]);
	for (i = 0; i < st->nenr; i++)
		kr_state_put_record(&o, "enrollment", kr_state_efields,
		    &st->enr[i]);
	if (o.oom) {
		free(o.buf);
		return PM_ENOMEM;
	}
	*out = o.buf;
	*outlen = o.len;
	return PM_OK;
}
