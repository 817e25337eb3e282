/*
 * NAME
 *	pol_load - reads a policy file (libconfig, with @include) into an
 *	immutable struct pol with its lookup index
 * OWNS
 *	struct pol and everything it points to: rules, patterns, names and
 *	file names (one string pool), the ignored-token table and the hash
 *	index. All of it is freed by pol_free and by nothing else.
 * PROMISES
 *	- A struct pol is never changed after pol_load_* returns, so one
 *	  instance may be shared by any number of threads (pol_decide only
 *	  reads it). Publish it through a snapshot holder; free it once.
 *	- Every rule and pattern carries the file and line it came from,
 *	  across @include (libconfig's source file/line).
 *	- Every problem is reported, not only the first: unknown settings
 *	  (with a "did you mean" when one is close), wrong types, bad
 *	  values, bad patterns, then pol_check's cross-rule checks. A policy
 *	  with any problem is not returned.
 *	- No card number is accepted: a 13-19 digit Luhn-valid number in
 *	  any string is refused, and never echoed in a message.
 *	- Lookup is by hash of (pattern kind, normalised key): the cost of
 *	  matching a recipient does not grow with the number of rules.
 * API
 *	pol_load_file(path, &pol, diags)	read and check a file; relative
 *				@include paths are taken from the file's
 *				directory. PM_OK (pol set), PM_EIO (cannot
 *				read the file; one message in diags),
 *				PM_ECONFIG (problems in diags), PM_ENOMEM.
 *	pol_load_string(text, name, &pol, diags)	same from memory; name
 *				is used in messages. @include is relative to
 *				the working directory.
 *	pol_free(pol)		NULL is fine.
 *	pol_lookup(pol, kind, key, &n)	the n index entries for a pattern
 *				key, best first: rules with senders before
 *				rules without, then file order. NULL, n 0 when
 *				no rule uses the key.
 *	pol_token_ignored(pol, token)	1 when the 16-hex token is listed
 *				in ignore_tokens.
 *	pol_action_str / pol_action_parse, pol_mask_str / pol_mask_parse,
 *	pol_conf_str	names used in the file and in output.
 * LIMITS
 *	libconfig 1.5 reports only the first syntax error of a file, cuts
 *	integers beyond 32 bits silently, prefixes the include directory
 *	even to an absolute @include name (so those fail), and leaks the
 *	string it was scanning when a syntax error follows it (a few bytes
 *	per failed load).
 *	Without a "default" group the default action is "reject" (see
 *	panmilter-policy(5)).
 * SEE ALSO
 *	pol_check (schema and cross-rule checks), pol_decide,
 *	panmilter-policy(5).
 */
#ifndef POL_LOAD_H
#define POL_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "pm_status.h"
#include "pol_addr.h"
#include "pol_diag.h"

/* in strictness order: a message gets the largest of its recipients' */
enum pol_action {
	POL_A_PASS = 0,
	POL_A_MASK,
	POL_A_ENCRYPT,
	POL_A_QUARANTINE,
	POL_A_TEMPFAIL,
	POL_A_REJECT
};
#define POL_A_COUNT	6
#define POL_A_BIT(a)	(1u << (a))

/* in strictness order: last4 shows less */
enum pol_mask {
	POL_MASK_NONE = 0,
	POL_MASK_FIRST6LAST4,
	POL_MASK_LAST4
};

/* finding confidence, same values as the engine's enum pan_conf */
enum pol_conf {
	POL_CONF_MEDIUM = 1,
	POL_CONF_HIGH = 2
};

#define POL_TOKEN_LEN	16

struct pol_pat {
	enum pol_pat_kind kind;
	const char *key;	/* normal form (pol_addr_pattern) */
	const char *text;	/* as written in the file */
	unsigned line;
};

struct pol_rule {
	const char *name;
	const char *file;
	unsigned line;		/* of the rule's opening brace */
	unsigned index;		/* position in the file, 0-based */
	enum pol_action action;
	enum pol_mask mask;	/* POL_MASK_NONE unless mask is involved */
	enum pol_action if_no_key;	/* for action encrypt */
	unsigned min_pans;	/* 0 or 1: always */
	size_t nrcpts;
	const struct pol_pat *rcpts;
	size_t nsenders;	/* 0: any sender */
	const struct pol_pat *senders;
};

/* where a top-level setting came from (line 0: not in the file) */
struct pol_src {
	const char *file;
	unsigned line;
};

struct pol_ent {
	const struct pol_rule *rule;
	const struct pol_pat *pat;
};

struct pol_pool;
struct pol_slot;

struct pol {
	const char *file;		/* the top file, as given */
	struct pol_rule def;		/* name "default" */
	int def_implicit;		/* no "default" in the file */
	enum pol_action track_data;
	enum pol_action unscannable;
	enum pol_action protected_mail;
	struct pol_src track_data_src, unscannable_src, protected_src;
	enum pol_conf min_confidence;
	int ignore_test_pans;
	size_t ntokens;
	char (*tokens)[POL_TOKEN_LEN + 1];	/* sorted */
	size_t nrules;
	struct pol_rule *rules;
	size_t nents;
	struct pol_ent *ents;		/* sorted by kind, key, rank */
	size_t nslots;			/* power of two */
	struct pol_slot *slots;
	size_t nany;			/* entries for "*" */
	const struct pol_ent *any;
	struct pol_pool *pool;
};

pm_status pol_load_file(const char *path, struct pol **out,
    struct pol_diags *diags);
pm_status pol_load_string(const char *text, const char *name,
    struct pol **out, struct pol_diags *diags);
void pol_free(struct pol *p);
const struct pol_ent *pol_lookup(const struct pol *p, enum pol_pat_kind kind,
    const char *key, size_t *n);
int pol_token_ignored(const struct pol *p, const char *token);

const char *pol_action_str(enum pol_action a);
int pol_action_parse(const char *s, enum pol_action *a);
const char *pol_mask_str(enum pol_mask m);
int pol_mask_parse(const char *s, enum pol_mask *m);
const char *pol_conf_str(enum pol_conf c);

/* internal to policy/: the string pool (pol_load.c), the index
 * (pol_index.c: sorts the recipient patterns and hashes them) */
pm_status pol_index_build(struct pol *p);
char *pol_pool_strdup(struct pol *p, const char *s);
void *pol_pool_alloc(struct pol *p, size_t n);

#endif
