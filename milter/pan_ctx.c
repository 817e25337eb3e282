/*
 * pan_ctx - character classes and the context rules around a candidate.
 *
 * Strategy: everything here runs only on the few candidate regions the
 * detector's bitmask kernel selects, so clarity wins over speed: linear
 * table scans, a naive keyword search over a window of ~150 bytes.
 * Keyword matches need a word boundary on both sides (no ASCII letter
 * next to them), so "cc" does not fire inside "account" nor "pan"
 * inside "panel".
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pan_ctx.h"
#include "pan_uni.h"

/* ASCII classes: digits, separators, CR, LF, '>', letters */
static const uint8_t pan_ctx_ascii[128] = {
	['\r'] = PAN_CLS_CR, ['\n'] = PAN_CLS_LF, ['>'] = PAN_CLS_GT,
	[' '] = PAN_CLS_SEP, ['-'] = PAN_CLS_SEP, ['.'] = PAN_CLS_SEP,
	['/'] = PAN_CLS_SEP,
	['0'] = PAN_CLS_DIGIT, ['1'] = PAN_CLS_DIGIT, ['2'] = PAN_CLS_DIGIT,
	['3'] = PAN_CLS_DIGIT, ['4'] = PAN_CLS_DIGIT, ['5'] = PAN_CLS_DIGIT,
	['6'] = PAN_CLS_DIGIT, ['7'] = PAN_CLS_DIGIT, ['8'] = PAN_CLS_DIGIT,
	['9'] = PAN_CLS_DIGIT,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
	['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
};


/* Unicode separators between digits: spaces, dashes, zero-width */
static const uint32_t pan_ctx_seps[][2] = {
	{ 0x00A0, 0x00A0 },	/* NO-BREAK SPACE */
	{ 0x00AD, 0x00AD },	/* SOFT HYPHEN */
	{ 0x2000, 0x200A },	/* EN QUAD .. HAIR SPACE (U+2007, U+2009) */
	{ 0x200B, 0x200D },	/* ZERO WIDTH SPACE, ZWNJ, ZWJ */
	{ 0x2010, 0x2015 },	/* HYPHEN .. HORIZONTAL BAR */
	{ 0x202F, 0x202F },	/* NARROW NO-BREAK SPACE */
	{ 0x205F, 0x2060 },	/* MEDIUM MATHEMATICAL SPACE, WORD JOINER */
	{ 0x2212, 0x2212 },	/* MINUS SIGN */
	{ 0x3000, 0x3000 },	/* IDEOGRAPHIC SPACE */
	{ 0xFEFF, 0xFEFF },	/* ZERO WIDTH NO-BREAK SPACE (BOM) */
	{ 0xFF0D, 0xFF0F },	/* FULLWIDTH HYPHEN-MINUS, FULL STOP, SOLIDUS */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* pan_ctx_lead_ok - 1 for the lead bytes that can start a digit/sep */
static int
pan_ctx_lead_ok(uint8_t b)
{
	return b == 0xC2 || b == 0xD9 || b == 0xDB || b == 0xDF ||
	    (b >= 0xE0 && b <= 0xE3) || b == 0xEA || b == 0xEF || b == 0xF0;
}

/* pan_ctx_cp_class - class of a decoded code point */
static enum pan_ctx_cls
pan_ctx_cp_class(uint32_t cp, int *val)
{
	size_t i;

	if ((*val = pan_uni_digit(cp)) >= 0)
		return PAN_CLS_DIGIT;
	*val = 0;
	for (i = 0; i < NELEM(pan_ctx_seps); i++)
		if (cp >= pan_ctx_seps[i][0] && cp <= pan_ctx_seps[i][1])
			return PAN_CLS_SEP;
	return PAN_CLS_OTHER;
}

/* pan_ctx_char - classify the character at p[0..n) */
enum pan_ctx_cls
pan_ctx_char(const uint8_t *p, size_t n, int eof, size_t *len, int *val)
{
	uint32_t cp;
	size_t need, i;
	uint8_t b = p[0];

	*len = 1;
	*val = 0;
	if (b < 0x80) {
		*val = b - '0';
		return (enum pan_ctx_cls)pan_ctx_ascii[b];
	}
	if (!pan_ctx_lead_ok(b))
		return PAN_CLS_OTHER;
	need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	cp = b < 0xE0 ? (uint32_t)(b & 0x1F) : b < 0xF0 ? (uint32_t)(b & 0x0F)
	    : (uint32_t)(b & 0x07);
	if (n < need)
		return eof ? PAN_CLS_OTHER : PAN_CLS_MORE;
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return PAN_CLS_OTHER;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000))
		return PAN_CLS_OTHER;	/* overlong: not a valid character */
	*len = need;
	return pan_ctx_cp_class(cp, val);
}

/* Card keywords for HIGH confidence (lower case; UTF-8 as written) */
static const char *const pan_ctx_card_kw[] = {
	"card", "cards", "credit", "debit", "visa", "mastercard",
	"master card", "amex", "american express", "discover", "diners",
	"jcb", "maestro", "unionpay", "cc", "ccn", "cc#", "pan", "exp",
	"expiry", "expires", "expiration", "valid thru", "valid through",
	"good thru", "cvv", "cvv2", "cvc", "cvc2", "cid", "csc",
	"karte", "kreditkarte", "kartennummer", "carte", "tarjeta",
	"cart\xc3\xa3o", "carta", "kaart",
	"\xd0\xba\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0",	/* карта */
	"\xd0\x9a\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0",	/* Карта */
	"\xd0\xba\xd0\xb0\xd1\x80\xd1\x82\xd1\x8b",	/* карты */
	"\xe4\xbf\xa1\xe7\x94\xa8\xe5\x8d\xa1",		/* 信用卡 */
	"\xe3\x82\xab\xe3\x83\xbc\xe3\x83\x89",		/* カード */
};

/* CVC keywords (longest first where one is a prefix of another) */
static const char *const pan_ctx_cvc_kw[] = {
	"cvv2", "cvc2", "cvv", "cvc", "cid", "csc", "cav2", "cvn",
	"security code", "card verification", "verification code",
	"pr\xc3\xbc" "fziffer",				/* Prüfziffer */
	"kartenpr\xc3\xbc" "fnummer",			/* Kartenprüfnummer */
	"cryptogramme",
	"code de s\xc3\xa9" "curit\xc3\xa9",		/* code de sécurité */
	"c\xc3\xb3" "digo de seguridad",	/* código de seguridad */
	"c\xc3\xb3" "digo de seguran\xc3\xa7" "a", /* código de segurança */
	"codice di sicurezza",
};

/* pan_ctx_alpha - 1 for an ASCII letter */
static int
pan_ctx_alpha(uint8_t b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

/* pan_ctx_digit - 1 for an ASCII digit */
static int
pan_ctx_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

/* pan_ctx_lower - ASCII lower case */
static uint8_t
pan_ctx_lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
}

/*
 * First bytes of the keywords (lower case): 1 card keyword, 2 CVC
 * keyword. Checked before any keyword is compared, so a window costs
 * about one table look-up per byte.
 */
static const uint8_t pan_ctx_first[256] = {
	['a'] = 1, ['c'] = 3, ['d'] = 1, ['e'] = 1, ['g'] = 1, ['j'] = 1,
	['k'] = 3, ['m'] = 1, ['p'] = 3, ['s'] = 2, ['t'] = 1, ['u'] = 1,
	['v'] = 3, [0xD0] = 1, [0xE3] = 1, [0xE4] = 1,
};

/* pan_ctx_word_at - length of keyword kw at c[i] on word bounds, or 0 */
static size_t
pan_ctx_word_at(const uint8_t *c, size_t n, size_t i, const char *kw)
{
	size_t k, l;

	if (i >= n || pan_ctx_lower(c[i]) != (uint8_t)kw[0])
		return 0;
	l = strlen(kw);
	if (i + l > n || (i > 0 && pan_ctx_alpha(c[i - 1])))
		return 0;
	for (k = 1; k < l; k++)
		if (pan_ctx_lower(c[i + k]) != (uint8_t)kw[k])
			return 0;
	if (i + l < n && pan_ctx_alpha(c[i + l]))
		return 0;
	return l;
}

/* pan_ctx_kw_in - 1 when a card keyword lies inside c[a..b) */
static int
pan_ctx_kw_in(const uint8_t *c, size_t n, size_t a, size_t b)
{
	size_t i, k, l;

	for (i = a; i < b; i++) {
		if (!(pan_ctx_first[pan_ctx_lower(c[i])] & 1))
			continue;
		for (k = 0; k < NELEM(pan_ctx_card_kw); k++) {
			/* first byte here: most keywords end at no call */
			if ((uint8_t)pan_ctx_card_kw[k][0] != pan_ctx_lower(c[i]))
				continue;
			l = pan_ctx_word_at(c, n, i, pan_ctx_card_kw[k]);
			if (l > 0 && i + l <= b)
				return 1;
		}
	}
	return 0;
}

/* pan_ctx_date_end - 1 when c[i] ends a date: no digit, no date sep */
static int
pan_ctx_date_end(const uint8_t *c, size_t n, size_t i)
{
	if (i >= n)
		return 1;
	if (pan_ctx_digit(c[i]) || c[i] == '/' || c[i] == '-')
		return 0;
	if (c[i] == '.' && i + 1 < n && pan_ctx_digit(c[i + 1]))
		return 0;
	return 1;
}

/* pan_ctx_expiry_at - 1 for MM/YY, MM/YYYY or MM-YY starting at c[i] */
static int
pan_ctx_expiry_at(const uint8_t *c, size_t n, size_t i, size_t b)
{
	unsigned mm;

	if (i + 5 > b || !pan_ctx_digit(c[i]) || !pan_ctx_digit(c[i + 1]))
		return 0;
	if (i > 0 && (pan_ctx_digit(c[i - 1]) || c[i - 1] == '/' ||
	    c[i - 1] == '-' || c[i - 1] == '.'))
		return 0;
	mm = (unsigned)(c[i] - '0') * 10 + (unsigned)(c[i + 1] - '0');
	if (mm < 1 || mm > 12 || (c[i + 2] != '/' && c[i + 2] != '-'))
		return 0;
	if (!pan_ctx_digit(c[i + 3]) || !pan_ctx_digit(c[i + 4]))
		return 0;
	if (pan_ctx_date_end(c, n, i + 5))
		return 1;
	return c[i + 2] == '/' && i + 7 <= b && c[i + 3] == '2' &&
	    c[i + 4] == '0' && pan_ctx_digit(c[i + 5]) &&
	    pan_ctx_digit(c[i + 6]) && pan_ctx_date_end(c, n, i + 7);
}

/* pan_ctx_high - keyword or expiry date near the candidate c[s..e) */
int
pan_ctx_high(const uint8_t *c, size_t n, size_t s, size_t e)
{
	size_t a = s > PAN_CTX_CONF ? s - PAN_CTX_CONF : 0;
	size_t b = e + PAN_CTX_CONF < n ? e + PAN_CTX_CONF : n;
	size_t i;

	if (pan_ctx_kw_in(c, n, a, s) || pan_ctx_kw_in(c, n, e, b))
		return 1;
	for (i = a; i < b; i++) {
		if (i == s)
			i = e;
		if (i + 2 < b && (c[i + 2] == '/' || c[i + 2] == '-') &&
		    pan_ctx_expiry_at(c, n, i, i < s ? s : b))
			return 1;
	}
	return 0;
}

/*
 * Labels of other identifiers that are 13-19 digits with a Luhn check
 * digit (or often pass it) and can start like a card: IMEI (TAC 30...
 * reads as Diners), French SIRET/SIREN (14 digits, Luhn), EAN/GTIN-13
 * (400-440: Visa 13), IBAN. Lower case, matched on word bounds.
 */
static const char *const pan_ctx_id_kw[] = {
	"imei", "imeisv", "meid", "siret", "siren", "iban", "ean", "ean13",
	"ean-13", "gtin", "gtin-13",
};

/* ...and the words between such a label and its number */
static const char *const pan_ctx_no_kw[] = {
	"no", "nr", "n\xc2\xb0", "num", "number", "nummer",
	"num\xc3\xa9ro",
};

/* pan_ctx_back_fill - back from i over ": ", " #", "=", ". ", a line
 * break (at most 8 bytes) */
static size_t
pan_ctx_back_fill(const uint8_t *c, size_t i)
{
	size_t w;

	for (w = 0; i > 0 && w < 8 && (c[i - 1] == ' ' || c[i - 1] == '\t' ||
	    c[i - 1] == ':' || c[i - 1] == '#' || c[i - 1] == '=' ||
	    c[i - 1] == '.' || c[i - 1] == '(' || c[i - 1] == '\r' ||
	    c[i - 1] == '\n'); i--, w++)
		;
	return i;
}

/* pan_ctx_word_before - length of the word of list kw[0..nk) that ends
 * at c[i], or 0 */
static size_t
pan_ctx_word_before(const uint8_t *c, size_t n, size_t i,
    const char *const *kw, size_t nk)
{
	size_t k, l;

	for (k = 0; k < nk; k++) {
		l = strlen(kw[k]);
		if (l <= i && pan_ctx_word_at(c, n, i - l, kw[k]) == l)
			return l;
	}
	return 0;
}

/* pan_ctx_label - 1 when c[s] is right after the label of another
 * identifier: "IMEI: ", "SIRET n° ", "EAN-13 " */
int
pan_ctx_label(const uint8_t *c, size_t n, size_t s)
{
	size_t i = pan_ctx_back_fill(c, s), l;

	if ((l = pan_ctx_word_before(c, n, i, pan_ctx_no_kw,
	    NELEM(pan_ctx_no_kw))) > 0)
		i = pan_ctx_back_fill(c, i - l);
	return pan_ctx_word_before(c, n, i, pan_ctx_id_kw,
	    NELEM(pan_ctx_id_kw)) > 0;
}

/* pan_ctx_skip_fill - skip ": ", "=", "#", " code " between kw and code */
static size_t
pan_ctx_skip_fill(const uint8_t *c, size_t n, size_t j)
{
	static const char *const words[] = { "code", "number", "no", "nr" };
	size_t k, l, sk = 0;

	for (;;) {
		while (j < n && sk < 8 && (c[j] == ' ' || c[j] == ':' ||
		    c[j] == '=' || c[j] == '#' || c[j] == '-' || c[j] == '.' ||
		    c[j] == '\t')) {
			j++;
			sk++;
		}
		for (k = 0; k < NELEM(words); k++)
			if ((l = pan_ctx_word_at(c, n, j, words[k])) > 0)
				break;
		if (k == NELEM(words) || sk >= 8)
			return j;
		j += l;
		sk++;
	}
}

/* pan_ctx_cvc - CVC codes after a CVC keyword near the candidate */
size_t
pan_ctx_cvc(const uint8_t *c, size_t n, size_t s, size_t e,
    size_t out[][2], size_t max)
{
	size_t a = s > PAN_CTX_CVC ? s - PAN_CTX_CVC : 0;
	size_t b = e + PAN_CTX_CVC < n ? e + PAN_CTX_CVC : n;
	size_t i, j, k, l, nd, got = 0;

	for (i = a; i < b && got < max; i++) {
		if (!(pan_ctx_first[pan_ctx_lower(c[i])] & 2))
			continue;
		for (k = 0, l = 0; k < NELEM(pan_ctx_cvc_kw); k++)
			if ((uint8_t)pan_ctx_cvc_kw[k][0] ==
			    pan_ctx_lower(c[i]) && (l = pan_ctx_word_at(c, n, i,
			    pan_ctx_cvc_kw[k])) > 0)
				break;
		if (l == 0)
			continue;
		j = pan_ctx_skip_fill(c, n, i + l);
		for (nd = 0; j + nd < b && pan_ctx_digit(c[j + nd]); nd++)
			;
		if (nd >= 3 && nd <= 4 && j + nd <= b && (j + nd >= n ||
		    !pan_ctx_alpha(c[j + nd])) && (j + nd <= s || j >= e) &&
		    (j + nd >= n || !pan_ctx_digit(c[j + nd]))) {
			out[got][0] = j;
			out[got][1] = j + nd;
			got++;
		}
		i += l - 1;
	}
	return got;
}
