/*
 * pol_index - the lookup index of a loaded policy. Every recipient
 * pattern of every rule becomes one entry; entries are sorted by (kind,
 * key, senders first, file order), so the entries of one key form a run
 * that is already in the order pol_decide wants. An open-addressing
 * table (power of two, load <= 1/2, FNV-1a) maps (kind, key) to its run.
 * Part of pol_load's API (pol_lookup, pol_token_ignored).
 */
#include <stdlib.h>
#include <string.h>

#include "pol_load.h"

struct pol_slot {
	uint64_t hash;
	uint32_t start;
	uint32_t count;		/* 0: empty */
};

/* pol_index_hash - FNV-1a of the kind byte and the key */
static uint64_t
pol_index_hash(enum pol_pat_kind kind, const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	h = (h ^ (uint64_t)kind) * 1099511628211ULL;
	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return h;
}

/* pol_index_cmp - order of entries: kind, key, senders first, file */
static int
pol_index_cmp(const void *a, const void *b)
{
	const struct pol_ent *x = a, *y = b;
	int c;

	if (x->pat->kind != y->pat->kind)
		return x->pat->kind < y->pat->kind ? -1 : 1;
	c = strcmp(x->pat->key, y->pat->key);
	if (c != 0)
		return c;
	if ((x->rule->nsenders > 0) != (y->rule->nsenders > 0))
		return x->rule->nsenders > 0 ? -1 : 1;
	if (x->rule->index != y->rule->index)
		return x->rule->index < y->rule->index ? -1 : 1;
	return x->pat < y->pat ? -1 : (x->pat > y->pat);
}

/* pol_index_same - 1 when two entries have the same kind and key */
static int
pol_index_same(const struct pol_ent *x, const struct pol_ent *y)
{
	return x->pat->kind == y->pat->kind &&
	    strcmp(x->pat->key, y->pat->key) == 0;
}

/* pol_index_tok_cmp - order of ignored tokens */
static int
pol_index_tok_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* pol_index_insert - put the run [start, start+count) in the table */
static void
pol_index_insert(struct pol *p, size_t start, size_t count)
{
	const struct pol_pat *pat = p->ents[start].pat;
	uint64_t h = pol_index_hash(pat->kind, pat->key);
	size_t mask = p->nslots - 1, i = (size_t)h & mask;

	while (p->slots[i].count != 0)
		i = (i + 1) & mask;
	p->slots[i].hash = h;
	p->slots[i].start = (uint32_t)start;
	p->slots[i].count = (uint32_t)count;
}

/* pol_index_fill - collect and sort the entries */
static pm_status
pol_index_fill(struct pol *p)
{
	size_t i, j, n = 0;

	for (i = 0; i < p->nrules; i++)
		n += p->rules[i].nrcpts;
	if (n > UINT32_MAX / 2)
		return PM_ELIMIT;
	p->ents = calloc(n + 1, sizeof(*p->ents));
	if (p->ents == NULL)
		return PM_ENOMEM;
	for (i = 0; i < p->nrules; i++) {
		for (j = 0; j < p->rules[i].nrcpts; j++) {
			p->ents[p->nents].rule = &p->rules[i];
			p->ents[p->nents].pat = &p->rules[i].rcpts[j];
			p->nents++;
		}
	}
	qsort(p->ents, p->nents, sizeof(*p->ents), pol_index_cmp);
	return PM_OK;
}

/* pol_index_build - sort the entries and hash their runs */
pm_status
pol_index_build(struct pol *p)
{
	size_t i, start, runs = 0;
	pm_status st;

	st = pol_index_fill(p);
	if (st != PM_OK)
		return st;
	if (p->ntokens > 0)
		qsort(p->tokens, p->ntokens, sizeof(*p->tokens),
		    pol_index_tok_cmp);
	for (i = 0; i < p->nents; i++)
		if (i == 0 || !pol_index_same(&p->ents[i - 1], &p->ents[i]))
			runs++;
	p->nslots = 16;
	while (p->nslots < runs * 2)
		p->nslots *= 2;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (p->slots == NULL)
		return PM_ENOMEM;
	for (start = 0, i = 1; i <= p->nents; i++) {
		if (i < p->nents && pol_index_same(&p->ents[start],
		    &p->ents[i]))
			continue;
		if (p->nents > 0)
			pol_index_insert(p, start, i - start);
		start = i;
	}
	p->any = pol_lookup(p, POL_PAT_ANY, "", &p->nany);
	return PM_OK;
}

/* pol_lookup - the run of entries for (kind, key), best first */
const struct pol_ent *
pol_lookup(const struct pol *p, enum pol_pat_kind kind, const char *key,
    size_t *n)
{
	uint64_t h;
	size_t mask, i;

	*n = 0;
	if (p->nslots == 0 || p->nents == 0)
		return NULL;
	h = pol_index_hash(kind, key);
	mask = p->nslots - 1;
	for (i = (size_t)h & mask; p->slots[i].count != 0;
	    i = (i + 1) & mask) {
		const struct pol_ent *e = &p->ents[p->slots[i].start];

		if (p->slots[i].hash == h && e->pat->kind == kind &&
		    strcmp(e->pat->key, key) == 0) {
			*n = p->slots[i].count;
			return e;
		}
	}
	return NULL;
}

/* pol_token_ignored - 1 when token is in ignore_tokens */
int
pol_token_ignored(const struct pol *p, const char *token)
{
	if (p->ntokens == 0 || token == NULL || token[0] == '\0')
		return 0;
	return bsearch(token, p->tokens, p->ntokens, sizeof(*p->tokens),
	    pol_index_tok_cmp) != NULL;
}
