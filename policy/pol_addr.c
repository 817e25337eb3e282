/*
 * pol_addr - address normal form. The fast path (ASCII domain) does no
 * allocation; only a non-ASCII domain goes through libidn2, whose
 * result is copied into the caller's buffer and freed at once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "pol_addr.h"

/* pol_addr_lower - ASCII lower case in place */
static void
pol_addr_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* pol_addr_has_8bit - 1 when s has a byte >= 0x80 */
static int
pol_addr_has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/*
 * pol_addr_domain - normalise the domain in dom (a buffer of room bytes,
 * already lower-cased) to its A-label form in place
 */
static pm_status
pol_addr_domain(char *dom, size_t room)
{
	char *alabel = NULL;
	size_t n = strlen(dom);
	pm_status st = PM_ECONFIG;
	int rc;

	while (n > 0 && dom[n - 1] == '.')
		dom[--n] = '\0';
	if (!pol_addr_has_8bit(dom))
		return PM_OK;
	rc = idn2_to_ascii_8z(dom, &alabel,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		rc = idn2_to_ascii_8z(dom, &alabel,
		    IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
	if (rc != IDN2_OK || alabel == NULL)
		goto out;
	if (strlen(alabel) + 1 > room)
		goto out;
	memcpy(dom, alabel, strlen(alabel) + 1);
	pol_addr_lower(dom);
	st = PM_OK;
out:
	free(alabel);
	return st;
}

/* pol_addr_trim - copy in without blanks and one pair of <> */
static pm_status
pol_addr_trim(const char *in, char *out, size_t outlen)
{
	size_t n;

	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n >= 2 && in[0] == '<' && in[n - 1] == '>') {
		in++;
		n -= 2;
	}
	if (n + 1 > outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return PM_ECONFIG;
	}
	memcpy(out, in, n);
	out[n] = '\0';
	return PM_OK;
}

/* pol_addr_norm - normal form of an envelope address */
pm_status
pol_addr_norm(const char *in, char *out, size_t outlen, const char **dom)
{
	char *at = NULL, *plus = NULL;
	pm_status st;

	*dom = "";
	st = pol_addr_trim(in, out, outlen);
	if (st != PM_OK) {
		*dom = out;
		return st;
	}
	pol_addr_lower(out);
	at = strrchr(out, '@');
	if (at == NULL) {
		*dom = out + strlen(out);
		return PM_OK;
	}
	plus = memchr(out, '+', (size_t)(at - out));
	if (plus != NULL && plus != out) {
		memmove(plus, at, strlen(at) + 1);
		at = plus;
	}
	*dom = at + 1;
	return pol_addr_domain(at + 1, outlen - (size_t)(at + 1 - out));
}

/* pol_addr_domain_ok - 1 when d looks like a domain (after A-labels) */
static int
pol_addr_domain_ok(const char *d)
{
	if (*d == '\0' || *d == '.')
		return 0;
	for (; *d != '\0'; d++) {
		unsigned char c = (unsigned char)*d;

		if (!(isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '[' || c == ']' || c == ':'))
			return 0;
		if (c == '.' && d[1] == '.')
			return 0;
	}
	return 1;
}

/* pol_addr_pat_domain - "@domain" or ".domain" into its key */
static pm_status
pol_addr_pat_domain(const char *in, char *out, size_t outlen,
    const char **why)
{
	size_t n = strlen(in + 1);

	if (n + 2 > outlen) {
		*why = "is too long for a domain name; check the pattern";
		return PM_ECONFIG;
	}
	out[0] = '.';
	memcpy(out + 1, in + 1, n + 1);
	pol_addr_lower(out);
	if (pol_addr_domain(out + 1, outlen - 1) != PM_OK) {
		*why = "is not a valid domain name (IDN conversion failed); "
		    "check the spelling";
		return PM_ECONFIG;
	}
	if (!pol_addr_domain_ok(out + 1)) {
		*why = "is not a valid domain name; write \"@example.com\" "
		    "or \".example.com\"";
		return PM_ECONFIG;
	}
	if (in[0] == '@')
		memmove(out, out + 1, strlen(out + 1) + 1);
	return PM_OK;
}

/* pol_addr_pattern - parse a policy pattern into kind and key */
pm_status
pol_addr_pattern(const char *in, enum pol_pat_kind *kind, char *out,
    size_t outlen, const char **why)
{
	const char *dom = NULL, *at = NULL;

	*why = NULL;
	if (outlen < 2)
		return PM_ECONFIG;
	if (strcmp(in, "*") == 0) {
		*kind = POL_PAT_ANY;
		out[0] = '\0';
		return PM_OK;
	}
	if (in[0] == '@' || in[0] == '.') {
		*kind = in[0] == '@' ? POL_PAT_DOMAIN : POL_PAT_SUFFIX;
		return pol_addr_pat_domain(in, out, outlen, why);
	}
	*kind = POL_PAT_ADDR;
	at = strrchr(in, '@');
	if (at == NULL || at == in || strchr(in, ' ') != NULL) {
		*why = "is not a pattern; use \"user@domain\", \"@domain\", "
		    "\".domain\" or \"*\"";
		return PM_ECONFIG;
	}
	if (memchr(in, '+', (size_t)(at - in)) != NULL && in[0] != '+') {
		*why = "has a sub-address, which recipients are matched "
		    "without; write the address without \"+...\"";
		return PM_ECONFIG;
	}
	if (pol_addr_norm(in, out, outlen, &dom) != PM_OK ||
	    !pol_addr_domain_ok(dom)) {
		*why = "is not a valid address; write \"user@domain\"";
		return PM_ECONFIG;
	}
	return PM_OK;
}

/* pol_addr_match - 1 when a normalised address matches a pattern */
int
pol_addr_match(enum pol_pat_kind kind, const char *key, const char *addr,
    const char *dom)
{
	size_t kl, dl;

	switch (kind) {
	case POL_PAT_ANY:
		return 1;
	case POL_PAT_ADDR:
		return strcmp(key, addr) == 0;
	case POL_PAT_DOMAIN:
		return addr[0] != '\0' && strcmp(key, dom) == 0;
	case POL_PAT_SUFFIX:
		kl = strlen(key);
		dl = strlen(dom);
		return dl > kl && strcmp(dom + dl - kl, key) == 0;
	}
	return 0;
}

/* pol_pat_kind_str - the name of a pattern kind */
const char *
pol_pat_kind_str(enum pol_pat_kind kind)
{
	switch (kind) {
	case POL_PAT_ANY:	return "any";
	case POL_PAT_SUFFIX:	return "subdomain";
	case POL_PAT_DOMAIN:	return "domain";
	case POL_PAT_ADDR:	return "address";
	}
	return "unknown";
}
