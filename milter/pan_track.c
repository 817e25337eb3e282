/*
 * pan_track - digit sequences, candidates, track data.
 *
 * Strategy: a character-level state machine (IDLE -> DIG <-> SEP) reads
 * only the X-runs the detector's kernel hands it. Groups of the current
 * sequence sit in a small ring; candidate ranges are tried when the
 * sequence ends, or, once it is longer than 19 digits (so the whole can
 * no longer be a PAN), as each group closes. Accepted candidates wait
 * in a FIFO until PAN_TRACK_A bytes after them are known, then track data,
 * CVC codes and confidence are read from a copy of [start - PAN_TRACK_B,
 * end + PAN_TRACK_A), and the hits are reported in queue order.
 *
 * Quick rejection: before tokenizing a whole digit run, a byte-level
 * pass checks whether any range of its digit groups could pass Luhn and
 * have a brand; most digit-dense text (dates, phone numbers, ids in CSV
 * rows) has none, and is then skipped at a few instructions a byte
 * (see "the quick rejection of a whole run" below).
 *
 * Track recognisers: the detector has already found a valid PAN; here
 * we only look at the bytes right before it (sentinel, format code, EMV
 * tag and length) and the field separator right after it ('^', '=' or
 * 'D'), then require the expiry date and service code (7 digits) that
 * every track format carries, so "4111...=" in a URL or "4111...D" in a
 * hex dump does not count as track data.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pan_ctx.h"
#include "pan_track.h"
#include "pm_arena.h"

#define PAN_TRACK_B	128	/* before-context of a candidate */
#define PAN_TRACK_A	128	/* after-context of a candidate */
#define PAN_TRACK_CTXMAX 1024	/* B + longest candidate (~310) + A */
#define PAN_TRACK_MIN	PAN_MIN_DIGITS
#define PAN_TRACK_MAX	PAN_MAX_DIGITS
#define PAN_TRACK_CVCMAX 4
#define PAN_TRACK_G(t, i)	(&(t)->g[(i) % PAN_TRACK_GRING])

#define PAN_TRACK_NAME_MAX	26	/* ISO/IEC 7813 name field */
#define PAN_TRACK_MIN_TAIL	7	/* YYMM + service code */

static int pan_track_quick_off;	/* see pan_track_set_quick */

/* pan_track_digits - number of ASCII digits at c[i..n) */
static size_t
pan_track_digits(const uint8_t *c, size_t n, size_t i)
{
	size_t k = 0;

	while (i + k < n && c[i + k] >= '0' && c[i + k] <= '9')
		k++;
	return k;
}

/* pan_track_hex - 1 for an ASCII hex digit */
static int
pan_track_hex(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'F') ||
	    (b >= 'a' && b <= 'f');
}

/* pan_track_t2 - track 2: [';'] PAN '=' 7+ digits ['?'] */
static int
pan_track_t2(const uint8_t *c, size_t n, size_t s, size_t e,
    struct pan_track_m *m)
{
	size_t k = pan_track_digits(c, n, e + 1);

	if (k < PAN_TRACK_MIN_TAIL)
		return 0;
	m->kind = PAN_KIND_TRACK2;
	m->emv = 0;
	m->start = (s > 0 && c[s - 1] == ';') ? s - 1 : s;
	m->end = e + 1 + k;
	if (m->end < n && c[m->end] == '?')
		m->end++;
	return 1;
}

/* pan_track_alnum - 1 for an ASCII letter or digit */
static int
pan_track_alnum(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
	    (b >= 'a' && b <= 'z');
}

/* pan_track_tag_at - where "57" [' '] LL [' '] ends right at s (the
 * EMV tag and length in front of the PAN), or (size_t)-1 */
static size_t
pan_track_tag_at(const uint8_t *c, size_t s)
{
	size_t i = s;

	if (i > 0 && c[i - 1] == ' ')
		i--;
	if (i < 2 || !pan_track_hex(c[i - 1]) || !pan_track_hex(c[i - 2]))
		return (size_t)-1;
	i -= 2;
	if (i > 0 && c[i - 1] == ' ')
		i--;
	if (i < 2 || c[i - 2] != '5' || c[i - 1] != '7')
		return (size_t)-1;
	return i - 2;
}

/*
 * pan_track_emv - track 2 equivalent data, 'D' as the field separator
 * (how EMV tag 57 holds it, and how card readers and payment SDKs log
 * it): ["57" [' '] LL [' ']] PAN 'D' 7+ digits ['F'...]. Without the
 * tag the PAN must not be glued to a letter or digit other than the
 * 'B' of a format code, and the 4 digits after 'D' must be a YYMM
 * expiry (month 01-12): "4111...D" in a hex dump is not track data.
 */
static int
pan_track_emv(const uint8_t *c, size_t n, size_t s, size_t e,
    struct pan_track_m *m)
{
	size_t k = pan_track_digits(c, n, e + 1);
	size_t at = s > 0 ? pan_track_tag_at(c, s) : (size_t)-1;
	unsigned mm;

	if (k < PAN_TRACK_MIN_TAIL)
		return 0;
	if (at == (size_t)-1) {
		if (s > 0 && pan_track_alnum(c[s - 1]) && c[s - 1] != 'B' &&
		    c[s - 1] != 'b')
			return 0;
		mm = (unsigned)(c[e + 3] - '0') * 10 +
		    (unsigned)(c[e + 4] - '0');
		if (mm < 1 || mm > 12)
			return 0;
		at = s > 0 && (c[s - 1] == 'B' || c[s - 1] == 'b' ||
		    c[s - 1] == ';') ? s - 1 : s;
	}
	m->kind = PAN_KIND_TRACK2;
	m->emv = 1;
	m->start = at;
	m->end = e + 1 + k;
	while (m->end < n && (c[m->end] == 'F' || c[m->end] == 'f'))
		m->end++;
	return 1;
}

/* pan_track_t1 - track 1: ['%']['B'] PAN '^' NAME '^' 7+ digits ['?'] */
static int
pan_track_t1(const uint8_t *c, size_t n, size_t s, size_t e,
    struct pan_track_m *m)
{
	size_t j = e + 1, name = 0, k;

	while (j < n && c[j] != '^' && c[j] >= 0x20 && c[j] < 0x7F &&
	    name < PAN_TRACK_NAME_MAX) {
		j++;
		name++;
	}
	if (name == 0 || j >= n || c[j] != '^')
		return 0;
	k = pan_track_digits(c, n, j + 1);
	if (k < PAN_TRACK_MIN_TAIL)
		return 0;
	m->kind = PAN_KIND_TRACK1;
	m->emv = 0;
	m->start = s;
	if (s > 0 && (c[s - 1] == 'B' || c[s - 1] == 'b')) {
		m->start = s - 1;
		if (s > 1 && c[s - 2] == '%')
			m->start = s - 2;
	}
	m->end = j + 1 + k;
	if (m->end < n && c[m->end] == '?')
		m->end++;
	return 1;
}

/* pan_track_find - is c[s..e) the PAN field of track data? */
int
pan_track_find(const uint8_t *c, size_t n, size_t s, size_t e,
    struct pan_track_m *m)
{
	if (e >= n)
		return 0;
	switch (c[e]) {
	case '=':
		return pan_track_t2(c, n, s, e, m);
	case 'D':
	case 'd':
		return pan_track_emv(c, n, s, e, m);
	case '^':
		return pan_track_t1(c, n, s, e, m);
	default:
		return 0;
	}
}

/* pan_track_view_copy - copy stream bytes [a, b) into out */
void
pan_track_view_copy(const struct pan_track_view *v, uint64_t a, uint64_t b,
    uint8_t *out)
{
	while (a < b) {
		uint64_t stop;
		size_t r, k;

		if (a >= v->cbase) {
			memcpy(out, v->cp + (a - v->cbase), (size_t)(b - a));
			return;
		}
		stop = b < v->cbase ? b : v->cbase;
		r = (size_t)(a & (PAN_TRACK_RING - 1));
		k = (size_t)(stop - a);
		if (k > PAN_TRACK_RING - r)
			k = PAN_TRACK_RING - r;
		memcpy(out, v->ring + r, k);
		out += k;
		a += k;
	}
}

/* --- evaluation of pending candidates -------------------------------- */

/* pan_track_emit - hand one hit to the callback, then wipe its digits */
static void
pan_track_emit(struct pan_track *t, const struct pan_track_cand *c,
    enum pan_kind kind, enum pan_conf conf, uint64_t start, uint64_t end)
{
	struct pan_hit h;

	memcpy(t->hitdig, c->dig, c->n);
	h.kind = kind;
	h.conf = conf;
	h.brand = c->brand;
	h.digits = t->hitdig;
	h.ndigits = c->n;
	h.start = start;
	h.end = end;
	t->cb(t->arg, &h);
	pm_wipe(t->hitdig, sizeof(t->hitdig));
}

/* pan_track_track_ok - whether the letters glued to c are explained by m */
static int
pan_track_track_ok(const struct pan_track_cand *c, int trk,
    const struct pan_track_m *m)
{
	int lb = c->lglue == 'B' || c->lglue == 'b';

	if (c->need_emv || c->rglue || (c->lglue && !lb))
		return trk && m->emv;
	if (lb)
		return trk && (m->kind == PAN_KIND_TRACK1 || m->emv);
	return 1;
}

/* pan_track_eval - decide track data, CVC and confidence; emit the hits */
static void
pan_track_eval(struct pan_track *t, const struct pan_track_cand *c, uint64_t b)
{
	uint8_t buf[PAN_TRACK_CTXMAX];
	size_t cvc[PAN_TRACK_CVCMAX][2];
	struct pan_track_m m;
	uint64_t a = c->start > PAN_TRACK_B ? c->start - PAN_TRACK_B : 0;
	size_t n, s, e, ncvc, k;
	enum pan_conf conf;
	int trk, kw;

	if (t->v.cbase > PAN_TRACK_RING && a < t->v.cbase - PAN_TRACK_RING)
		a = t->v.cbase - PAN_TRACK_RING; /* never: they are short */
	if (b - a > PAN_TRACK_CTXMAX)
		b = a + PAN_TRACK_CTXMAX;
	n = (size_t)(b - a);
	s = (size_t)(c->start - a);
	e = (size_t)(c->end - a);
	pan_track_view_copy(&t->v, a, b, buf);
	trk = pan_track_find(buf, n, s, e, &m);
	if (!pan_track_track_ok(c, trk, &m))
		goto out;
	ncvc = pan_ctx_cvc(buf, n, s, e, cvc, PAN_TRACK_CVCMAX);
	kw = pan_ctx_high(buf, n, s, e);
	/* "IMEI: 3002...", "SIRET 380 ...": another identifier's number,
	 * unless card words, an expiry, a CVC or track data say card */
	if (!trk && ncvc == 0 && !kw && pan_ctx_label(buf, n, s))
		goto out;
	conf = (c->grouped || trk || ncvc > 0 || kw) ? PAN_CONF_HIGH :
	    PAN_CONF_MEDIUM;
	pan_track_emit(t, c, PAN_KIND_PAN, conf, c->start, c->end);
	if (trk)
		pan_track_emit(t, c, m.kind, PAN_CONF_HIGH, a + m.start,
		    a + m.end);
	for (k = 0; k < ncvc; k++)
		pan_track_emit(t, c, PAN_KIND_CVC, PAN_CONF_HIGH, a + cvc[k][0],
		    a + cvc[k][1]);
out:
	pm_wipe(buf, n);
}

/* pan_track_flush - evaluate the candidates whose context is known */
void
pan_track_flush(struct pan_track *t, int final)
{
	struct pan_track_cand *c = NULL;
	uint64_t b;

	while (t->qn > 0) {
		c = &t->q[t->qhead];
		b = c->end + PAN_TRACK_A;
		if (b > t->v.cend) {
			if (!final)
				break;
			b = t->v.cend;
		}
		pan_track_eval(t, c, b);
		pm_wipe(c, sizeof(*c));
		t->qhead = (t->qhead + 1) % PAN_TRACK_QMAX;
		t->qn--;
	}
}

/* pan_track_push - queue an accepted candidate */
static void
pan_track_push(struct pan_track *t, const struct pan_track_cand *c)
{
	struct pan_track_cand *h = NULL;
	uint64_t b;

	if (t->qn == PAN_TRACK_QMAX) {
		/* cannot happen (candidates are >= 13 bytes apart and wait
		 * PAN_TRACK_A bytes); evaluate the oldest with what is known */
		h = &t->q[t->qhead];
		b = h->end + PAN_TRACK_A;
		pan_track_eval(t, h, b < t->v.cend ? b : t->v.cend);
		pm_wipe(h, sizeof(*h));
		t->qhead = (t->qhead + 1) % PAN_TRACK_QMAX;
		t->qn--;
	}
	t->q[(t->qhead + t->qn) % PAN_TRACK_QMAX] = *c;
	t->qn++;
}

/* --- candidates within a digit sequence ------------------------------ */

/* pan_track_grouped - 1 when groups i..j are a card grouping, one separator */
static int
pan_track_grouped(const struct pan_track *t, uint32_t i, uint32_t j)
{
	static const uint8_t pats[][6] = {
		{ 4, 4, 4, 4, 0 }, { 4, 6, 5, 0 }, { 4, 6, 4, 0 },
		{ 4, 4, 4, 4, 3, 0 },
	};
	const struct pan_track_group *s1 = NULL, *g = NULL;
	uint32_t k, p;

	if (j - i < 2 || j - i > 4)
		return 0;
	s1 = PAN_TRACK_G(t, i + 1);
	if (s1->seplen == 0 || s1->seplen == 0xff)
		return 0;
	for (k = i + 2; k <= j; k++) {
		g = PAN_TRACK_G(t, k);
		if (g->seplen != s1->seplen ||
		    memcmp(g->sep, s1->sep, s1->seplen) != 0)
			return 0;
	}
	for (p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		for (k = i; k <= j &&
		    PAN_TRACK_G(t, k)->nd == pats[p][k - i]; k++)
			;
		if (k > j && pats[p][j - i + 1] == 0)
			return 1;
	}
	return 0;
}

/* pan_track_hexalpha - 1 for A-F, a-f (letters track data explains) */
static int
pan_track_hexalpha(char ch)
{
	return (ch >= 'A' && ch <= 'F') || (ch >= 'a' && ch <= 'f');
}

/* pan_track_try - check range i..j (Luhn, brand, glue); queue it if good */
static int
pan_track_try(struct pan_track *t, uint32_t i, uint32_t j, int is_last)
{
	struct pan_track_cand c;
	const struct pan_track_group *g = NULL;
	uint32_t k;
	int ok = 0;

	memset(&c, 0, sizeof(c));
	for (k = i; k <= j; k++) {
		g = PAN_TRACK_G(t, k);
		if (g->nd > (uint32_t)(PAN_TRACK_MAX - c.n))
			goto out;	/* callers never ask: belt and braces */
		memcpy(c.dig + c.n, g->dig, g->nd);
		c.n = (uint8_t)(c.n + g->nd);
	}
	if (t->iban)
		goto out;	/* a stretch of an IBAN */
	c.lglue = i == 0 ? t->lglue : 0;
	c.rglue = (is_last && j + 1 == t->ng) ? t->rglue : 0;
	if ((c.lglue && !pan_track_hexalpha(c.lglue)) ||
	    (c.rglue && c.rglue != 'D' && c.rglue != 'd'))
		goto out;
	if (!pan_card_luhn(c.dig, c.n) ||
	    (c.brand = pan_card_brand(c.dig, c.n)) == NULL)
		goto out;
	c.grouped = (uint8_t)pan_track_grouped(t, i, j);
	c.start = PAN_TRACK_G(t, i)->start;
	c.end = PAN_TRACK_G(t, j)->end;
	pan_track_push(t, &c);
	t->last_acc = j;
	ok = 1;
out:
	pm_wipe(&c, sizeof(c));
	return ok;
}

/* pan_track_eval_group - try the ranges ending at group j, longest first */
static void
pan_track_eval_group(struct pan_track *t, uint32_t j, int is_last)
{
	/* one group (rule b) or a card grouping of 3-5 groups: only
	 * i = j-4, j-3, j-2 and j can start a range */
	static const uint32_t back[] = { 4, 3, 2, 0 };
	uint32_t i, k, m;
	uint64_t n;

	/* quick exit: the widest range (5 groups) is short of 13 digits */
	for (m = j >= 4 ? j - 4 : 0, n = 0; m <= j; m++)
		n += PAN_TRACK_G(t, m)->nd;
	if (n < PAN_TRACK_MIN)
		return;
	for (k = 0; k < sizeof(back) / sizeof(back[0]); k++) {
		if (back[k] > j)
			continue;
		i = j - back[k];
		if ((int64_t)i <= t->last_acc ||
		    (!t->longmode && i == 0 && is_last))
			continue;	/* overlaps, or the whole: tried */
		for (m = i, n = 0; m <= j; m++) {
			if (PAN_TRACK_G(t, m)->nd > PAN_TRACK_GDIG)
				break;
			n += PAN_TRACK_G(t, m)->nd;
		}
		if (m <= j || n < PAN_TRACK_MIN || n > PAN_TRACK_MAX)
			continue;
		if (i != j && !pan_track_grouped(t, i, j))
			continue;
		if (pan_track_try(t, i, j, is_last))
			return;
	}
}

/* pan_track_emv_glued - "57" LL PAN 'D': PAN glued to the tag's digits */
static void
pan_track_emv_glued(struct pan_track *t)
{
	const struct pan_track_group *g = PAN_TRACK_G(t, t->ng - 1);
	struct pan_track_cand c;
	uint8_t tb[PAN_TRACK_MAX + 4];
	size_t len, k, i;

	memset(&c, 0, sizeof(c));
	len = (size_t)(g->end - g->start);
	if (len > sizeof(tb))
		len = sizeof(tb);
	pan_track_view_copy(&t->v, g->end - len, g->end, tb);
	for (k = PAN_TRACK_MAX; k >= PAN_TRACK_MIN; k--) {
		if (len < k + 4 || tb[len - k - 4] != '5' ||
		    tb[len - k - 3] != '7')
			continue;
		for (i = len - k - 4; i < len && tb[i] >= '0' &&
		    tb[i] <= '9'; i++)
			;
		if (i < len)
			continue;
		memcpy(c.dig, tb + len - k, k);
		c.n = (uint8_t)k;
		if (pan_card_luhn(c.dig, c.n) &&
		    (c.brand = pan_card_brand(c.dig, c.n)) != NULL) {
			c.start = g->end - k;
			c.end = g->end;
			c.need_emv = 1;
			pan_track_push(t, &c);
			break;
		}
	}
	pm_wipe(&c, sizeof(c));
	pm_wipe(tb, sizeof(tb));
}

/* --- the tokenizer ---------------------------------------------------- */

/* pan_track_iban - the first group has closed: an IBAN's check digits
 * are two */
static void
pan_track_iban(struct pan_track *t)
{
	if (PAN_TRACK_G(t, 0)->nd != 2)
		t->iban = 0;
}

/* pan_track_seq_begin - a digit after a non-number: a new sequence */
static void
pan_track_seq_begin(struct pan_track *t, uint64_t at)
{
	struct pan_track_group *g = PAN_TRACK_G(t, 0);
	uint8_t b[3] = { 0, 0, 0 }, prev;

	pan_track_view_copy(&t->v, at >= 3 ? at - 3 : 0, at, b + 3 -
	    (at >= 3 ? 3 : at));
	prev = b[2];
	/* a letter glues; so does '+': "+49 ..." is a phone number */
	t->lglue = ((prev >= 'A' && prev <= 'Z') || (prev >= 'a' &&
	    prev <= 'z') || prev == '+') ? (char)prev : 0;
	/* "ES59 0049 5030 1129 1601 1246": the head of an IBAN, whose
	 * digits hold card-grouped stretches */
	t->iban = b[2] >= 'A' && b[2] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z' &&
	    !pan_track_alnum(b[0]);
	t->st = PAN_TRACK_DIG;
	t->ng = 1;
	t->tot = 0;
	t->eval_next = 0;
	t->longmode = 0;
	t->last_acc = -1;
	memset(g, 0, sizeof(*g));
	g->start = at;
}

/* pan_track_seq_end - the sequence ended; rg is the letter touching it or 0 */
static void
pan_track_seq_end(struct pan_track *t, char rg)
{
	uint32_t j, last = t->ng - 1;

	t->rglue = rg;
	if (t->ng == 1)
		pan_track_iban(t);
	if (!t->longmode) {
		if (t->tot >= PAN_TRACK_MIN && !pan_track_try(t, 0, last, 1))
			for (j = t->eval_next; j <= last; j++)
				pan_track_eval_group(t, j, j == last);
	} else {
		pan_track_eval_group(t, last, 1);
	}
	if ((rg == 'D' || rg == 'd') && t->last_acc != (int64_t)last &&
	    PAN_TRACK_G(t, last)->nd >= PAN_TRACK_MIN + 4)
		pan_track_emv_glued(t);
	pm_wipe(t->g, (t->ng < PAN_TRACK_GRING ? t->ng : PAN_TRACK_GRING) *
	    sizeof(t->g[0]));
	t->st = PAN_TRACK_IDLE;
}

/* pan_track_digit - one more digit in the current group */
static void
pan_track_digit(struct pan_track *t, int val, uint64_t at, size_t len)
{
	struct pan_track_group *g = PAN_TRACK_G(t, t->ng - 1);
	uint32_t j;

	if (g->nd < PAN_TRACK_GDIG)
		g->dig[g->nd] = (char)('0' + val);
	if (g->nd < UINT32_MAX)
		g->nd++;
	g->end = at + len;
	if (t->tot < 1000)
		t->tot++;
	if (!t->longmode && t->tot > PAN_TRACK_MAX) {
		/* too long to be one PAN: ranges of closed groups now */
		t->longmode = 1;
		for (j = t->eval_next; j + 1 < t->ng; j++)
			pan_track_eval_group(t, j, 0);
		t->eval_next = t->ng - 1;
	}
}

/* pan_track_group_next - a digit after a separator run: close, open a group */
static void
pan_track_group_next(struct pan_track *t, uint64_t at)
{
	struct pan_track_group *g = NULL;

	if (t->ng == 1)
		pan_track_iban(t);
	if (t->longmode) {
		pan_track_eval_group(t, t->ng - 1, 0);
		t->eval_next = t->ng;
	}
	t->ng++;
	g = PAN_TRACK_G(t, t->ng - 1);
	memset(g, 0, sizeof(*g));
	g->start = at;
	g->seplen = t->seplen;
	if (t->seplen != 0xff)
		memcpy(g->sep, t->sep, t->seplen);
}

/* pan_track_sep_add - add a unit to the separator run; 0 if it breaks it */
static int
pan_track_sep_add(struct pan_track *t, enum pan_ctx_cls cls,
    const uint8_t *u, size_t len)
{
	switch (cls) {
	case PAN_CLS_SEP:
		if (t->nsimple >= 3)
			return 0;
		t->nsimple++;
		t->lastcr = 0;
		break;
	case PAN_CLS_CR:
		if (t->nbreak)
			return 0;
		t->nbreak = 1;
		t->lastcr = 1;
		break;
	case PAN_CLS_LF:
		if (!t->lastcr && t->nbreak)
			return 0;
		t->nbreak = 1;
		t->lastcr = 0;
		break;
	case PAN_CLS_GT:
		if (!t->nbreak || t->ngt >= 3)
			return 0;
		t->ngt++;
		t->lastcr = 0;
		break;
	default:
		return 0;
	}
	if (t->seplen != 0xff && t->seplen + len <= PAN_TRACK_SEPMAX) {
		memcpy(t->sep + t->seplen, u, len);
		t->seplen = (uint8_t)(t->seplen + len);
	} else {
		t->seplen = 0xff;
	}
	return 1;
}

/* pan_track_tok_unit - feed one character to the sequence state machine */
static void
pan_track_tok_unit(struct pan_track *t, enum pan_ctx_cls cls, int val,
    const uint8_t *u, size_t len)
{
	uint64_t at = t->tok_pos;

	switch (t->st) {
	case PAN_TRACK_IDLE:
		if (cls == PAN_CLS_DIGIT) {
			pan_track_seq_begin(t, at);
			pan_track_digit(t, val, at, len);
		}
		break;
	case PAN_TRACK_DIG:
		if (cls == PAN_CLS_DIGIT) {
			pan_track_digit(t, val, at, len);
			break;
		}
		t->st = PAN_TRACK_SEP;
		t->nsimple = t->nbreak = t->ngt = t->lastcr = 0;
		t->seplen = 0;
		if (!pan_track_sep_add(t, cls, u, len))
			pan_track_seq_end(t, cls == PAN_CLS_ALNUM ?
			    (char)u[0] : 0);
		break;
	case PAN_TRACK_SEP:
		if (cls == PAN_CLS_DIGIT) {
			pan_track_group_next(t, at);
			pan_track_digit(t, val, at, len);
			t->st = PAN_TRACK_DIG;
		} else if (!pan_track_sep_add(t, cls, u, len)) {
			pan_track_seq_end(t, 0);
		}
		break;
	}
}

/* pan_track_skip_digits - fast path through a long ASCII digit group */
static int
pan_track_skip_digits(struct pan_track *t, uint64_t lim)
{
	struct pan_track_group *g = PAN_TRACK_G(t, t->ng - 1);
	const uint8_t *p = t->v.cp + (t->tok_pos - t->v.cbase);
	uint64_t k = 0, stop = lim < t->v.cend ? lim : t->v.cend;

	/* the group is already too long for any range: only its end and
	 * the byte after it matter (ids, hex, 1 MB digit runs stay fast) */
	while (t->tok_pos + k < stop && p[k] >= '0' && p[k] <= '9')
		k++;
	if (k == 0)
		return 0;
	g->nd = g->nd + k > UINT32_MAX ? UINT32_MAX : (uint32_t)(g->nd + k);
	g->end = t->tok_pos + k;
	t->tot = 1000;
	t->tok_pos += k;
	return 1;
}

/* pan_track_tok_run - run the tokenizer up to stream position lim */
static void
pan_track_tok_run(struct pan_track *t, uint64_t lim)
{
	uint8_t u[4];
	const uint8_t *p = NULL;
	enum pan_ctx_cls cls;
	size_t have, len;
	int val;

	while (t->tok_pos < lim) {
		if (t->st == PAN_TRACK_DIG && t->tok_pos >= t->v.cbase &&
		    PAN_TRACK_G(t, t->ng - 1)->nd > PAN_TRACK_GDIG &&
		    pan_track_skip_digits(t, lim))
			continue;
		have = t->v.cend - t->tok_pos < 4 ?
		    (size_t)(t->v.cend - t->tok_pos) : 4;
		if (t->tok_pos >= t->v.cbase) {
			p = t->v.cp + (t->tok_pos - t->v.cbase);
		} else {
			pan_track_view_copy(&t->v, t->tok_pos,
			    t->tok_pos + have, u);
			p = u;
		}
		cls = pan_ctx_char(p, have, t->v.eof, &len, &val);
		if (cls == PAN_CLS_MORE)
			break;
		pan_track_tok_unit(t, cls, val, p, len);
		t->tok_pos += len;
	}
	pm_wipe(u, sizeof(u));
}

/* --- the quick rejection of a whole run ------------------------------- */

/*
 * Every candidate the tokenizer can try in an ASCII run is a range of
 * consecutive maximal digit groups holding 13..19 digits (the whole
 * sequence, a one-group range or a card grouping; all are such ranges),
 * except the EMV-glued one, which needs a 'D'/'d' after the run. So
 * when no such range passes Luhn and has a brand, the tokenizer would
 * queue nothing: the run can be skipped. Luhn is summed straight from
 * the bytes, right to left, so digits are copied (and wiped) only for
 * the ~1 in 10 ranges that pass it.
 */

/* pan_track_quick_sep - 1 for an ASCII byte the tokenizer may join on */
static inline int
pan_track_quick_sep(uint8_t b)
{
	return b == ' ' || b == '-' || b == '.' || b == '/' || b == '\r' ||
	    b == '\n' || b == '>';
}

/* Luhn values by byte, [0]: as is, [1]: doubled (only '0'..'9' used) */
static const uint8_t pan_track_luhn_v[2][256] = {
	{ ['0'] = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	{ ['0'] = 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 },
};

/* pan_track_qdigits - number of ASCII digits at the start of p[0..n),
 * 8 bytes a step: group lengths vary, so a byte loop's exit mispredicts.
 * t = b ^ '0' is a digit's value; any other byte has a high nibble in t
 * or a low nibble above 9 (+6 carries into bit 4; no lane overflows) */
static inline size_t
pan_track_qdigits(const uint8_t *p, size_t n)
{
	size_t k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t t, bad;

	for (; k + 8 <= n; k += 8) {
		memcpy(&t, p + k, 8);
		t ^= 0x3030303030303030ULL;
		bad = (t & 0xF0F0F0F0F0F0F0F0ULL) | (((t & 0x0F0F0F0F0F0F0F0FULL)
		    + 0x0606060606060606ULL) & 0x1010101010101010ULL);
		if (bad != 0)
			return k + (size_t)__builtin_ctzll(bad) / 8;
	}
#endif
	while (k < n && p[k] >= '0' && p[k] <= '9')
		k++;
	return k;
}

/* pan_track_quick_cand - 1 when groups gs/ge[i..j] could be a candidate */
static int
pan_track_quick_cand(const uint8_t *p, const uint32_t *gs, const uint32_t *ge,
    uint32_t i, uint32_t j, unsigned nd)
{
	char dig[PAN_TRACK_MAX];
	unsigned sum = 0, odd = 0, n = 0;
	uint32_t k, x, lo;
	const uint8_t *ta = NULL, *tb = NULL;
	int ok;

	/* the first two digits (a group may hold one) and the length can
	 * rule out every brand before Luhn is summed */
	x = gs[i % PAN_TRACK_GRING];
	lo = ge[i % PAN_TRACK_GRING] - x > 1 ? x + 1 :
	    gs[(i + 1) % PAN_TRACK_GRING];
	if (!pan_card_may((unsigned)(p[x] - '0') * 10 + (p[lo] - '0'), nd))
		return 0;
	/* right to left, two digits a step: ta for the first of the pair */
	for (k = j + 1; k-- > i;) {
		ta = pan_track_luhn_v[odd];
		tb = pan_track_luhn_v[odd ^ 1];
		lo = gs[k % PAN_TRACK_GRING];
		for (x = ge[k % PAN_TRACK_GRING]; x >= lo + 2; x -= 2)
			sum += ta[p[x - 1]] + tb[p[x - 2]];
		if (x > lo) {
			sum += ta[p[x - 1]];
			odd ^= 1;
		}
	}
	if (sum % 10 != 0)
		return 0;
	for (k = i; k <= j; k++)
		for (x = gs[k % PAN_TRACK_GRING]; x < ge[k % PAN_TRACK_GRING]; x++)
			dig[n++] = (char)p[x];
	ok = n == nd && pan_card_brand(dig, n) != NULL;
	pm_wipe(dig, sizeof(dig));
	return ok;
}

/*
 * pan_track_quick - 1 when p[0..n) (the tokenizer's whole job: ASCII
 * digits and separators, then one ASCII byte that ends every sequence and
 * is not 'D'/'d') holds no range that could become a candidate
 */
static int
pan_track_quick(const uint8_t *p, size_t n)
{
	uint32_t gs[PAN_TRACK_GRING], ge[PAN_TRACK_GRING], nd[PAN_TRACK_GRING];
	uint32_t ng = 0, k, i;
	unsigned tot;
	size_t x = 0, s;
	uint8_t b;

	if (n < PAN_TRACK_MIN + 1 || n > UINT32_MAX)
		return 0;
	b = p[n - 1];
	if (b >= 0x80 || (b >= '0' && b <= '9') || pan_track_quick_sep(b) ||
	    b == 'D' || b == 'd')
		return 0;
	n--;
	while (x < n) {
		b = p[x];
		if (!(b >= '0' && b <= '9')) {
			if (!pan_track_quick_sep(b))
				return 0;
			x++;
			continue;
		}
		s = x;
		x += pan_track_qdigits(p + x, n - x);
		k = ng++ % PAN_TRACK_GRING;
		gs[k] = (uint32_t)s;
		ge[k] = (uint32_t)x;
		nd[k] = (uint32_t)(x - s);
		/* ranges ending at this group: 19 digits span <= 19 groups */
		for (i = ng, tot = 0; i-- > 0 && ng - i <= PAN_TRACK_MAX;) {
			tot += nd[i % PAN_TRACK_GRING];
			if (tot > PAN_TRACK_MAX)
				break;
			if (tot >= PAN_TRACK_MIN &&
			    pan_track_quick_cand(p, gs, ge, i, ng - 1, tot))
				return 0;
		}
	}
	return 1;
}

/* pan_track_run - tokenize up to lim, skipping to `from` when idle */
void
pan_track_run(struct pan_track *t, uint64_t from, uint64_t lim)
{
	if (t->st == PAN_TRACK_IDLE && t->tok_pos < from)
		t->tok_pos = from;
	/* a whole run ending in this feed, with nothing to try: skip it */
	if (!pan_track_quick_off && t->st == PAN_TRACK_IDLE &&
	    t->tok_pos >= t->v.cbase &&
	    lim <= t->v.cend && t->tok_pos < lim &&
	    pan_track_quick(t->v.cp + (t->tok_pos - t->v.cbase),
	    (size_t)(lim - t->tok_pos))) {
		t->tok_pos = lim;
		return;
	}
	pan_track_tok_run(t, lim);
}

/* pan_track_end - end of stream: read to the end, close the sequence */
void
pan_track_end(struct pan_track *t)
{
	if (t->st == PAN_TRACK_IDLE)
		return;
	pan_track_tok_run(t, t->v.cend);
	if (t->st != PAN_TRACK_IDLE)
		pan_track_seq_end(t, 0);
}

/* pan_track_set_quick - test hook: 0 turns the quick rejection off */
int
pan_track_set_quick(int on)
{
	int old = !pan_track_quick_off;

	pan_track_quick_off = !on;
	return old;
}
