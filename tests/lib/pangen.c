/*
 * pangen - seeded, deterministic generator of Luhn-valid test PANs.
 *
 * splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): one 64-bit state, good enough spread for
 * test data, identical output everywhere.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pangen.h"

#define PG_L(n)		(1u << ((n) - 13))
#define PG_16_19	(PG_L(16) | PG_L(17) | PG_L(18) | PG_L(19))
#define PG_13_19	(PG_L(13) | PG_L(14) | PG_L(15) | PG_16_19)
#define PG_14_19	(PG_L(14) | PG_L(15) | PG_16_19)
#define PG_16_18_19	(PG_L(16) | PG_L(18) | PG_L(19))
#define PG_16_19ONLY	(PG_L(16) | PG_L(19))

struct pangen_spec {
	const char *brand;
	const char *prefix;
	unsigned lens;		/* bit i: length 13 + i */
};

/*
 * One row per reachable range of pan_card.c (its lowest and, for wide
 * ranges, highest end), with a prefix long enough that no more specific
 * row of another brand can win for any random tail.
 */
static const struct pangen_spec pangen_specs[] = {
	{ "visa", "424242", PG_L(13) | PG_L(16) | PG_L(18) | PG_L(19) },
	{ "visa", "499999", PG_L(13) | PG_L(16) | PG_L(18) | PG_L(19) },
	{ "mastercard", "51", PG_L(16) },
	{ "mastercard", "55", PG_L(16) },
	{ "mastercard", "2221", PG_L(16) },
	{ "mastercard", "2720", PG_L(16) },
	{ "amex", "34", PG_L(15) },
	{ "amex", "37", PG_L(15) },
	{ "discover", "6011", PG_16_19 },
	{ "discover", "644", PG_16_19 },
	{ "discover", "649", PG_16_19 },
	{ "discover", "659", PG_16_19 },
	{ "jcb", "352800", PG_16_19 },
	{ "jcb", "358900", PG_16_19 },
	{ "jcb", "3088", PG_L(16) },
	{ "jcb", "3094", PG_L(16) },
	{ "jcb", "3096", PG_L(16) },
	{ "jcb", "3102", PG_L(16) },
	{ "jcb", "3112", PG_L(16) },
	{ "jcb", "3120", PG_L(16) },
	{ "jcb", "3158", PG_L(16) },
	{ "jcb", "3159", PG_L(16) },
	{ "jcb", "3337", PG_L(16) },
	{ "jcb", "3349", PG_L(16) },
	{ "diners", "300", PG_14_19 },
	{ "diners", "305", PG_14_19 },
	{ "diners", "3095", PG_14_19 },
	{ "diners", "36", PG_14_19 },
	{ "diners", "380000", PG_14_19 },
	{ "diners", "39", PG_14_19 },
	{ "unionpay", "620000", PG_16_19 },
	{ "unionpay", "622126", PG_16_19 },
	{ "unionpay", "622925", PG_16_19 },
	{ "unionpay", "81", PG_16_19 },
	{ "maestro", "5018", PG_13_19 },
	{ "maestro", "5020", PG_13_19 },
	{ "maestro", "5038", PG_13_19 },
	{ "maestro", "5893", PG_13_19 },
	{ "maestro", "6304", PG_13_19 },
	{ "maestro", "6759", PG_13_19 },
	{ "maestro", "6761", PG_13_19 },
	{ "maestro", "6763", PG_13_19 },
	{ "maestro", "500000", PG_16_19 },
	{ "maestro", "560000", PG_16_19 },
	{ "maestro", "579999", PG_16_19 },
	{ "maestro", "600000", PG_L(17) | PG_L(18) | PG_L(19) },
	{ "maestro", "640000", PG_16_19 },
	{ "maestro", "677100", PG_16_19 },
	{ "maestro", "699999", PG_16_19 },
	{ "mir", "2200", PG_16_19 },
	{ "mir", "2204", PG_16_19 },
	{ "rupay", "600000", PG_L(16) },
	{ "rupay", "82", PG_L(16) },
	{ "rupay", "508", PG_L(16) },
	{ "verve", "506099", PG_16_18_19 },
	{ "verve", "506198", PG_16_18_19 },
	{ "verve", "650002", PG_16_18_19 },
	{ "verve", "650027", PG_16_18_19 },
	{ "verve", "507865", PG_16_18_19 },
	{ "verve", "507964", PG_16_18_19 },
	{ "elo", "401178", PG_L(16) },
	{ "elo", "401179", PG_L(16) },
	{ "elo", "431274", PG_L(16) },
	{ "elo", "438935", PG_L(16) },
	{ "elo", "451416", PG_L(16) },
	{ "elo", "457393", PG_L(16) },
	{ "elo", "457631", PG_L(16) },
	{ "elo", "457632", PG_L(16) },
	{ "elo", "504175", PG_L(16) },
	{ "elo", "506699", PG_L(16) },
	{ "elo", "506778", PG_L(16) },
	{ "elo", "509000", PG_L(16) },
	{ "elo", "509999", PG_L(16) },
	{ "elo", "627780", PG_L(16) },
	{ "elo", "636297", PG_L(16) },
	{ "elo", "636368", PG_L(16) },
	{ "elo", "650031", PG_L(16) },
	{ "elo", "650035", PG_L(16) },
	{ "elo", "650405", PG_L(16) },
	{ "elo", "650485", PG_L(16) },
	{ "elo", "650541", PG_L(16) },
	{ "elo", "650700", PG_L(16) },
	{ "elo", "650720", PG_L(16) },
	{ "elo", "650901", PG_L(16) },
	{ "elo", "651652", PG_L(16) },
	{ "elo", "655000", PG_L(16) },
	{ "elo", "655058", PG_L(16) },
	{ "hipercard", "606282", PG_16_19ONLY },
	{ "hipercard", "384100", PG_16_19ONLY },
	{ "hipercard", "384140", PG_16_19ONLY },
	{ "hipercard", "384160", PG_16_19ONLY },
	{ "troy", "9792", PG_L(16) },
	{ "dankort", "5019", PG_L(16) },
	{ "uatp", "1", PG_L(15) },
	{ "interpayment", "636000", PG_16_19 },
	{ "instapayment", "637000", PG_L(16) },
	{ "instapayment", "639999", PG_L(16) },
	{ "hiper", "637095", PG_L(16) },
	{ "hiper", "637568", PG_L(16) },
	{ "hiper", "637599", PG_L(16) },
	{ "hiper", "637609", PG_L(16) },
	{ "hiper", "637612", PG_L(16) },
	{ "lankapay", "357111", PG_L(16) },
	{ "uzcard", "8600", PG_L(16) },
	{ "humo", "9860", PG_L(16) },
	{ "gpn", "1946", PG_16_18_19 },
	{ "borica", "2205", PG_L(16) },
	{ "meeza", "507808", PG_L(16) },
};

#define PANGEN_NSPECS (sizeof(pangen_specs) / sizeof(pangen_specs[0]))
#define PANGEN_MAX_SAMPLES (PANGEN_NSPECS * 7)

/* pangen_init - seed the generator */
void
pangen_init(struct pangen *g, uint64_t seed)
{
	g->s = seed;
}

/* pangen_next - next 64-bit value (splitmix64) */
uint64_t
pangen_next(struct pangen *g)
{
	uint64_t z;

	g->s += 0x9e3779b97f4a7c15ULL;
	z = g->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* pangen_luhn_fix - set the last digit so the n digits pass Luhn */
void
pangen_luhn_fix(char *d, size_t n)
{
	unsigned sum = 0;
	size_t i;
	int dbl = 1;

	if (n == 0)
		return;
	for (i = n - 1; i > 0; i--) {
		unsigned v = (unsigned)(d[i - 1] - '0');

		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		dbl = !dbl;
	}
	d[n - 1] = (char)('0' + (10 - sum % 10) % 10);
}

/* pangen_make - len Luhn-valid digits starting with prefix, into out */
int
pangen_make(struct pangen *g, const char *prefix, size_t len, char *out)
{
	size_t plen = strlen(prefix);
	size_t i;

	if (len < 2 || len > PANGEN_MAX_LEN || plen >= len)
		return -1;
	for (i = 0; i < plen; i++)
		if (prefix[i] < '0' || prefix[i] > '9')
			return -1;
	memcpy(out, prefix, plen);
	for (i = plen; i < len; i++)
		out[i] = (char)('0' + pangen_next(g) % 10);
	out[len] = '\0';
	pangen_luhn_fix(out, len);
	return 0;
}

/* pangen_samples - every (brand, prefix, length) sample, expanded once */
const struct pangen_sample *
pangen_samples(size_t *n)
{
	static struct pangen_sample samples[PANGEN_MAX_SAMPLES];
	static size_t nsamples;
	size_t i, len;

	if (nsamples == 0) {
		for (i = 0; i < PANGEN_NSPECS; i++) {
			for (len = 13; len <= 19; len++) {
				if (!(pangen_specs[i].lens & PG_L(len)))
					continue;
				samples[nsamples].brand = pangen_specs[i].brand;
				samples[nsamples].prefix =
				    pangen_specs[i].prefix;
				samples[nsamples].len = len;
				nsamples++;
			}
		}
	}
	*n = nsamples;
	return samples;
}
