/*
 * dec_markup - text of HTML and XML: tags out, references decoded.
 *
 * One forward pass. Choices:
 *  - A tag is "<" followed by a letter, "/", "!" or "?", up to the next
 *    ">" (quotes in attributes are not honoured: an attribute's text may
 *    leak into the output, which is harmless). Anything else after "<"
 *    is text ("a < b").
 *  - Block-level elements become one space, all others nothing. The
 *    local name (after the last ':') is compared, case-insensitively,
 *    so w:p, a:p, text:p and p are all paragraphs. Block names:
 *    HTML p br div td th tr li ul ol dl dt dd table thead tbody tfoot
 *    caption h1-h6 hr pre blockquote section article header footer nav
 *    aside address center form fieldset legend title body head html
 *    option select textarea button; XML (office) tab tc cr cell row c v
 *    si sheet h line-break table-cell table-row covered-table-cell; and
 *    "s" (ODF text:s, a space) only with a prefix, since HTML's <s> is
 *    inline strike-through; and not "o:p", the empty element Outlook
 *    puts in its HTML paragraphs, which browsers render as nothing.
 *    Runs and text nodes (w:r, w:t, a:r, a:t, <r>/<t> in
 *    sharedStrings, span, b, i, font, a, ...) are inline, so a number
 *    split over runs is contiguous, as Word shows it.
 *  - Comments <!-- --> and processing instructions <? ?> are removed;
 *    <![CDATA[ ]]> content is kept as text, undecoded.
 *  - <script> and <style> content is removed up to its end tag.
 *  - Unterminated constructs (a "<" with no ">", a comment, CDATA or
 *    script with no end) are text: the "<" is copied and the scan goes
 *    on right after it, so nothing after them is hidden from the
 *    detector.
 *  - Character references: &#NNN; and &#xHHH; (x or X, the ';' is
 *    optional, as in browsers); 128-159 map through windows-1252 as in
 *    browsers; 0, surrogates and values past U+10FFFF give U+FFFD. A
 *    table of named references (those that matter for digits and
 *    separators, plus the common ones); an unknown name stays literal.
 * Output is never longer than the input: a block tag is at least 3
 * bytes and gives 1, a reference is never shorter than its UTF-8. The
 * write position never passes the read position, so in == out works.
 * Linear time: the answer of the last search for each delimiter is
 * remembered (found at, or none), so a run of "<" with no ">", or of
 * unterminated "<!--" before a distant ">", does not rescan the input.
 * Source map (dec_markup_map): each place that writes output bytes
 * calls dec_markup_src() with the construct it read; with no map (src
 * NULL) that is one test per construct, and the text copy stays one
 * memmove.
 * Speed (tag-dense XML such as a docx body): the text and '>' searches
 * read 16 bytes a step (SSE2), "<name>" needs no '>' search, and the
 * block/inline answer is remembered per tag name of up to 8 bytes, per
 * whole bare tag of up to 7 (the tag cache), and per run of such tags
 * between two texts of up to 64 bytes (replayed when the same bytes
 * come again).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dec_markup.h"
#include "pm_arena.h"
#include "pm_text.h"

#define MK_NONE	SIZE_MAX

/* the last search for one string: from "from", the first occurrence was
 * at "at" (MK_NONE: none to the end); any search from a position in
 * [from, at] has the same answer, so it is not repeated */
struct dec_markup_memo {
	size_t from, at;
	int valid;
};

/* a remembered is_block answer for a tag name of at most 8 bytes (as
 * written): XML repeats a handful of names (w:p, w:r, w:t) per line */
#define DEC_MARKUP_BC	16
struct dec_markup_bc {
	uint64_t key;		/* the name's bytes, little end first */
	uint8_t len;		/* 0: empty slot */
	uint8_t block;
};

/* the last run of tags between two texts (or the input's start and
 * end) when the tag cache answered each of them: the same bytes again
 * give the same output, with no tag looked up (a docx repeats
 * "</w:t></w:r></w:p><w:p><w:r><w:t>" between the texts of a table) */
#define DEC_MARKUP_RUN	64	/* bytes */
#define DEC_MARKUP_RUNB	8	/* block tags in it */
struct dec_markup_run {
	unsigned char b[DEC_MARKUP_RUN];
	uint8_t len;			/* 0: none */
	uint8_t nb;			/* block tags */
	uint8_t at[DEC_MARKUP_RUNB];	/* their offsets in b */
	uint8_t tl[DEC_MARKUP_RUNB];	/* and lengths */
};

struct dec_markup_st {
	const unsigned char *in;
	unsigned char *out;
	size_t *src, *srclen;	/* the map, or both NULL */
	size_t n, i, o;
	struct dec_markup_memo gt;	/* '>' */
	struct dec_markup_memo comment;	/* "-->" */
	struct dec_markup_memo cdata;	/* "]]>" */
	struct dec_markup_memo script;	/* "</script" */
	struct dec_markup_memo style;	/* "</style" */
	struct dec_markup_bc bc[DEC_MARKUP_BC];	/* is_block answers */
	struct dec_markup_bc tc[DEC_MARKUP_BC];	/* whole short tags */
	struct dec_markup_run run;
};

struct dec_markup_ent {
	const char *name;
	const char *utf8;
	int legacy;		/* also recognised without ';' */
};

static const struct dec_markup_ent dec_markup_ents[] = {
	{ "nbsp", "\xc2\xa0", 1 }, { "amp", "&", 1 }, { "lt", "<", 1 },
	{ "gt", ">", 1 }, { "quot", "\"", 1 }, { "AMP", "&", 1 },
	{ "LT", "<", 1 }, { "GT", ">", 1 }, { "QUOT", "\"", 1 },
	{ "apos", "'", 0 }, { "NonBreakingSpace", "\xc2\xa0", 0 },
	{ "thinsp", "\xe2\x80\x89", 0 }, { "ThinSpace", "\xe2\x80\x89", 0 },
	{ "ensp", "\xe2\x80\x82", 0 }, { "emsp", "\xe2\x80\x83", 0 },
	{ "emsp13", "\xe2\x80\x84", 0 }, { "emsp14", "\xe2\x80\x85", 0 },
	{ "numsp", "\xe2\x80\x87", 0 }, { "puncsp", "\xe2\x80\x88", 0 },
	{ "hairsp", "\xe2\x80\x8a", 0 }, { "VeryThinSpace", "\xe2\x80\x8a", 0 },
	{ "MediumSpace", "\xe2\x81\x9f", 0 },
	{ "ZeroWidthSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeVeryThinSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeThinSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeMediumSpace", "\xe2\x80\x8b", 0 },
	{ "NegativeThickSpace", "\xe2\x80\x8b", 0 },
	{ "zwnj", "\xe2\x80\x8c", 0 }, { "zwj", "\xe2\x80\x8d", 0 },
	{ "lrm", "\xe2\x80\x8e", 0 }, { "rlm", "\xe2\x80\x8f", 0 },
	{ "NoBreak", "\xe2\x81\xa0", 0 }, { "shy", "\xc2\xad", 0 },
	{ "ndash", "\xe2\x80\x93", 0 }, { "mdash", "\xe2\x80\x94", 0 },
	{ "minus", "\xe2\x88\x92", 0 }, { "hyphen", "\xe2\x80\x90", 0 },
	{ "dash", "\xe2\x80\x90", 0 }, { "horbar", "\xe2\x80\x95", 0 },
	{ "period", ".", 0 }, { "comma", ",", 0 }, { "colon", ":", 0 },
	{ "semi", ";", 0 }, { "sol", "/", 0 }, { "bsol", "\\", 0 },
	{ "lowbar", "_", 0 }, { "verbar", "|", 0 }, { "vert", "|", 0 },
	{ "plus", "+", 0 }, { "equals", "=", 0 }, { "num", "#", 0 },
	{ "ast", "*", 0 }, { "lpar", "(", 0 }, { "rpar", ")", 0 },
	{ "lsqb", "[", 0 }, { "rsqb", "]", 0 }, { "dollar", "$", 0 },
	{ "percnt", "%", 0 }, { "excl", "!", 0 }, { "quest", "?", 0 },
	{ "commat", "@", 0 }, { "Tab", "\t", 0 }, { "NewLine", "\n", 0 },
	{ "middot", "\xc2\xb7", 0 }, { "bull", "\xe2\x80\xa2", 0 },
	{ "hellip", "\xe2\x80\xa6", 0 }, { "euro", "\xe2\x82\xac", 0 },
	{ "pound", "\xc2\xa3", 0 }, { "copy", "\xc2\xa9", 0 },
	{ "reg", "\xc2\xae", 0 }, { "deg", "\xc2\xb0", 0 },
	{ "lsquo", "\xe2\x80\x98", 0 }, { "rsquo", "\xe2\x80\x99", 0 },
	{ "ldquo", "\xe2\x80\x9c", 0 }, { "rdquo", "\xe2\x80\x9d", 0 },
};

/* windows-1252 0x80-0x9f, as browsers read &#128; .. &#159; */
static const uint16_t dec_markup_cp1252[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/*
 * Block-level local names in a perfect hash: slot = h & 255 with
 * h = len, then h = h * 185 + c for each byte (mod 2^32); 185 is the
 * smallest multiplier that gives every name its own slot. One hash and
 * one strcmp per tag (a strstr over the list cost ~17% of the parser).
 */
static const char *const dec_markup_blocks[256] = {
    [5] = "ol", [6] = "select", [10] = "dd", [18] = "dl",
    [21] = "footer", [23] = "center", [26] = "dt", [27] = "blockquote",
    [28] = "c", [31] = "tbody", [33] = "h", [38] = "table-row",
    [41] = "p", [43] = "aside", [47] = "v", [50] = "body", [54] = "div",
    [59] = "row", [61] = "address", [77] = "caption",
    [84] = "line-break", [88] = "nav", [91] = "ul", [95] = "cr",
    [106] = "tab", [107] = "thead", [126] = "head", [127] = "option",
    [145] = "html", [153] = "tc", [154] = "td", [158] = "th",
    [166] = "br", [167] = "title", [168] = "tr", [173] = "legend",
    [175] = "header", [177] = "tfoot", [186] = "button", [187] = "h1",
    [188] = "h2", [189] = "h3", [190] = "h4", [191] = "h5",
    [192] = "h6", [207] = "table-cell", [212] = "section", [215] = "li",
    [216] = "fieldset", [230] = "si", [232] = "form", [236] = "cell",
    [237] = "table", [242] = "pre", [244] = "covered-table-cell",
    [246] = "textarea", [251] = "article", [252] = "hr",
    [254] = "sheet",
};

#define DEC_MARKUP_BLOCK_MAX	24	/* longer names are not block */

/* tag-name characters: [a-zA-Z0-9:_.-] */
static const unsigned char dec_markup_namech[256] = {
	['-'] = 1, ['.'] = 1, [':'] = 1, ['_'] = 1,
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
	['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1,
};

/* dec_markup_is_name - a character of a tag name */
static inline int
dec_markup_is_name(unsigned char c)
{
	return dec_markup_namech[c];
}

/* dec_markup_scan2 - index of the first a or b in p[0..n), or n */
static inline size_t
dec_markup_scan2(const unsigned char *p, size_t n, unsigned char a,
    unsigned char b)
{
	size_t j = 0;
#if defined(__SSE2__)
	const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
	__m128i v;
	unsigned mk;

	for (; j + 16 <= n; j += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
		mk = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
		if (mk != 0)
			return j + (unsigned)__builtin_ctz(mk);
	}
#endif
	while (j < n && p[j] != a && p[j] != b)
		j++;
	return j;
}

/* dec_markup_is_alpha - an ASCII letter */
static int
dec_markup_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* dec_markup_memo_get - the remembered answer for a search from
 * "from"; 0 when there is none */
static int
dec_markup_memo_get(const struct dec_markup_memo *mm, size_t from,
    size_t *at)
{
	if (!mm->valid || from < mm->from ||
	    (mm->at != MK_NONE && from > mm->at))
		return 0;
	*at = mm->at;
	return 1;
}

/* dec_markup_memo_put - remember a search's answer; returns it */
static size_t
dec_markup_memo_put(struct dec_markup_memo *mm, size_t from, size_t at)
{
	mm->valid = 1;
	mm->from = from;
	mm->at = at;
	return at;
}

/* dec_markup_find - first occurrence of s (len l) at or after from, or
 * MK_NONE */
static size_t
dec_markup_find(const struct dec_markup_st *m, const char *s, size_t l,
    size_t from, struct dec_markup_memo *mm)
{
	const unsigned char *p = NULL;
	size_t j = from, at;

	if (dec_markup_memo_get(mm, from, &at))
		return at;
	if (l == 1) {		/* '>' after every tag: no library calls */
		if (j < m->n)
			j += dec_markup_scan2(m->in + j, m->n - j,
			    (unsigned char)s[0], (unsigned char)s[0]);
		return dec_markup_memo_put(mm, from, j < m->n ? j : MK_NONE);
	}
	/* memchr, not memmem: ASan's memmem checks the whole haystack on
	 * every call, which would make this quadratic under the sanitizer */
	while (j < m->n) {
		p = memchr(m->in + j, s[0], m->n - j);
		if (p == NULL)
			break;
		j = (size_t)(p - m->in);
		if (m->n - j >= l && memcmp(p, s, l) == 0)
			return dec_markup_memo_put(mm, from, j);
		j++;
	}
	return dec_markup_memo_put(mm, from, MK_NONE);
}

/* dec_markup_find_end - position of "</name" (any case) at or after
 * from, or MK_NONE */
static size_t
dec_markup_find_end(const struct dec_markup_st *m, const char *name,
    size_t from, struct dec_markup_memo *mm)
{
	size_t l = strlen(name), j = from, at;
	const unsigned char *p = NULL;

	if (dec_markup_memo_get(mm, from, &at))
		return at;
	while (j < m->n) {
		p = memchr(m->in + j, '<', m->n - j);
		if (p == NULL)
			break;
		j = (size_t)(p - m->in);
		if (m->n - j >= l + 2 && m->in[j + 1] == '/' &&
		    strncasecmp((const char *)m->in + j + 2, name, l) == 0 &&
		    (m->n - j == l + 2 ||
		    !dec_markup_is_name(m->in[j + 2 + l])))
			return dec_markup_memo_put(mm, from, j);
		j++;
	}
	return dec_markup_memo_put(mm, from, MK_NONE);
}

/* dec_markup_src - map out[from .. m->o) to in[s .. s+l) */
static void
dec_markup_src(struct dec_markup_st *m, size_t from, size_t s, size_t l)
{
	size_t k;

	if (m->src == NULL)
		return;
	for (k = from; k < m->o; k++) {
		m->src[k] = s;
		m->srclen[k] = l;
	}
}

/* dec_markup_text_src - map the l literal bytes about to be written at
 * out[m->o] to in[s], in[s+1], ... one byte each */
static void
dec_markup_text_src(struct dec_markup_st *m, size_t s, size_t l)
{
	size_t k;

	if (m->src == NULL)
		return;
	for (k = 0; k < l; k++) {
		m->src[m->o + k] = s + k;
		m->srclen[m->o + k] = 1;
	}
}

/* dec_markup_put_cp - write code point cp as UTF-8 */
static void
dec_markup_put_cp(struct dec_markup_st *m, uint32_t cp)
{
	m->o += pm_utf8_put(m->out + m->o, cp);
}

/* dec_markup_numref - "&#..." at m->i; returns 0 if it is not one */
static int
dec_markup_numref(struct dec_markup_st *m)
{
	size_t j = m->i + 2, start, o;
	unsigned base = 10;
	uint32_t cp = 0;
	int d, big = 0;

	if (j < m->n && (m->in[j] == 'x' || m->in[j] == 'X')) {
		base = 16;
		j++;
	}
	start = j;
	while (j < m->n) {
		d = pm_hexval(m->in[j]);
		if (d < 0 || (unsigned)d >= base)
			break;
		cp = cp * base + (unsigned)d;
		if (cp > 0x10FFFF) {
			big = 1;
			cp = 0x110000;
		}
		j++;
	}
	if (j == start)
		return 0;
	if (j < m->n && m->in[j] == ';')
		j++;
	if (big || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	else if (cp >= 0x80 && cp <= 0x9f)
		cp = dec_markup_cp1252[cp - 0x80];
	o = m->o;
	dec_markup_put_cp(m, cp);
	dec_markup_src(m, o, m->i, j - m->i);
	m->i = j;
	return 1;
}

/* dec_markup_legacy - a legacy name (nbsp, amp, ...) that is a prefix
 * of the l name characters at m->i + 1, as browsers read "&nbsp1111";
 * returns 0 if none */
static int
dec_markup_legacy(struct dec_markup_st *m, size_t l)
{
	size_t k, nl, ul;

	for (k = 0; k < sizeof(dec_markup_ents) / sizeof(dec_markup_ents[0]);
	    k++) {
		const struct dec_markup_ent *e = &dec_markup_ents[k];

		if (!e->legacy)
			continue;
		nl = strlen(e->name);
		if (nl >= l ||
		    memcmp(e->name, m->in + m->i + 1, nl) != 0)
			continue;
		ul = strlen(e->utf8);
		memcpy(m->out + m->o, e->utf8, ul);
		m->o += ul;
		dec_markup_src(m, m->o - ul, m->i, 1 + nl);
		m->i += 1 + nl;
		return 1;
	}
	return 0;
}

/* dec_markup_namedref - "&name;" at m->i; returns 0 if unknown */
static int
dec_markup_namedref(struct dec_markup_st *m)
{
	size_t j = m->i + 1, l, k, ul;
	int semi;

	while (j < m->n && j - m->i <= 32 &&
	    (dec_markup_is_alpha(m->in[j]) ||
	    (m->in[j] >= '0' && m->in[j] <= '9')))
		j++;
	l = j - m->i - 1;
	if (l == 0)
		return 0;
	if (l > 32)
		return dec_markup_legacy(m, l);
	semi = j < m->n && m->in[j] == ';';
	for (k = 0; k < sizeof(dec_markup_ents) / sizeof(dec_markup_ents[0]);
	    k++) {
		const struct dec_markup_ent *e = &dec_markup_ents[k];

		if (e->name[0] != m->in[m->i + 1] || strlen(e->name) != l ||
		    memcmp(e->name, m->in + m->i + 1, l) != 0)
			continue;
		if (!semi && !e->legacy)
			return 0;
		ul = strlen(e->utf8);
		memcpy(m->out + m->o, e->utf8, ul);
		m->o += ul;
		dec_markup_src(m, m->o - ul, m->i, j + (semi ? 1 : 0) - m->i);
		m->i = j + (semi ? 1 : 0);
		return 1;
	}
	return dec_markup_legacy(m, l);
}

/* dec_markup_is_block - the tag name at p (length l) is block-level */
static int
dec_markup_is_block(const unsigned char *p, size_t l)
{
	char key[DEC_MARKUP_BLOCK_MAX + 1];
	const char *name;
	size_t k, c;
	uint32_t h;
	int prefixed = 0;

	for (c = l; c > 0; c--) {
		if (p[c - 1] == ':') {
			prefixed = 1;
			break;
		}
	}
	/* Outlook's <o:p></o:p> (HTML mail) renders as nothing */
	if (c == 2 && l == 3 && (p[0] == 'o' || p[0] == 'O') &&
	    (p[2] == 'p' || p[2] == 'P'))
		return 0;
	p += c;
	l -= c;
	if (prefixed && l == 1 && (p[0] == 's' || p[0] == 'S'))
		return 1;
	if (l == 0 || l > DEC_MARKUP_BLOCK_MAX)
		return 0;
	h = (uint32_t)l;
	for (k = 0; k < l; k++) {
		key[k] = (char)(p[k] >= 'A' && p[k] <= 'Z' ? p[k] + 32 : p[k]);
		h = h * 185 + (unsigned char)key[k];
	}
	key[l] = '\0';
	name = dec_markup_blocks[h & 255];
	if (name == NULL)
		return 0;
	/* inline strcmp: the library call was ~5% of a tag-dense scan */
	for (k = 0; k <= l; k++)
		if (name[k] != key[k])
			return 0;
	return 1;
}

/* dec_markup_block_cached - dec_markup_is_block, remembered per name */
static int
dec_markup_block_cached(struct dec_markup_st *m, const unsigned char *p,
    size_t l)
{
	struct dec_markup_bc *e = NULL;
	uint64_t key = 0;
	size_t k;

	if (l == 0 || l > 8)
		return dec_markup_is_block(p, l);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if ((size_t)(p - m->in) + 8 <= m->n) {	/* one load, then mask */
		memcpy(&key, p, 8);
		if (l < 8)
			key &= (1ULL << (8 * l)) - 1;
	} else
#endif
		for (k = 0; k < l; k++)
			key |= (uint64_t)p[k] << (8 * k);
	e = &m->bc[((key * 0x9E3779B97F4A7C15ULL) >> 59 ^ l) % DEC_MARKUP_BC];
	if (e->len != l || e->key != key) {
		e->key = key;
		e->len = (uint8_t)l;
		e->block = (uint8_t)dec_markup_is_block(p, l);
	}
	return e->block;
}

/* dec_markup_special - comment, CDATA, script/style at m->i: returns 1
 * when handled (m->i moved), 0 when it is not one of those */
static int
dec_markup_special(struct dec_markup_st *m, size_t gt, const
    unsigned char *name, size_t nl, int closing)
{
	size_t rest = m->n - m->i, e;
	const unsigned char *p = m->in + m->i;

	/* the common case: an ordinary element, not script or style */
	if (p[1] != '!' && (closing || (nl != 6 && nl != 5)))
		return 0;
	if (rest >= 4 && memcmp(p, "<!--", 4) == 0) {
		e = dec_markup_find(m, "-->", 3, m->i + 4, &m->comment);
		if (e == MK_NONE)
			return 0;
		m->i = e + 3;
		return 1;
	}
	if (rest >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		e = dec_markup_find(m, "]]>", 3, m->i + 9, &m->cdata);
		if (e == MK_NONE)
			return 0;
		memmove(m->out + m->o, m->in + m->i + 9, e - m->i - 9);
		dec_markup_text_src(m, m->i + 9, e - m->i - 9);
		m->o += e - m->i - 9;
		m->i = e + 3;
		return 1;
	}
	if (closing || gt == MK_NONE || m->in[gt - 1] == '/')
		return 0;
	if (nl == 6 && strncasecmp((const char *)name, "script", 6) == 0)
		e = dec_markup_find_end(m, "script", gt + 1, &m->script);
	else if (nl == 5 && strncasecmp((const char *)name, "style", 5) == 0)
		e = dec_markup_find_end(m, "style", gt + 1, &m->style);
	else
		return 0;
	if (e == MK_NONE)
		return 0;
	/* skip the content; the end tag is then read as an ordinary tag */
	m->i = e;
	return 1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DEC_MARKUP_QUICK	1
/* dec_markup_tc_slot - the tag cache slot of the k bytes in key */
static inline struct dec_markup_bc *
dec_markup_tc_slot(struct dec_markup_st *m, uint64_t key, unsigned k)
{
	return &m->tc[((key * 0x9E3779B97F4A7C15ULL) >> 59 ^ k) %
	    DEC_MARKUP_BC];
}

/*
 * dec_markup_tag_quick - m->in[m->i] == '<' and the bytes up to the next
 * '>' (1 to 7 of them) are a tag dec_markup_tag has read before as an
 * ordinary "<name>" or "</name>" (it fills the cache, see there): the
 * same answer without reading the name again. 1 when handled. The
 * first '>' among 8 bytes is found with the zero-byte test on one word:
 * (x - 0x01..) & ~x & 0x80.. flags the lowest zero byte exactly.
 */
static inline int
dec_markup_tag_quick(struct dec_markup_st *m)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t w, x, z, key;
	struct dec_markup_bc *e;
	unsigned k;

	if (m->n - m->i < 9)
		return 0;
	memcpy(&w, m->in + m->i + 1, 8);
	x = w ^ (ones * '>');
	z = (x - ones) & ~x & (ones * 0x80);
	if (z == 0)
		return 0;
	k = (unsigned)__builtin_ctzll(z) >> 3;
	if (k == 0)
		return 0;
	key = w & ((1ULL << (8 * k)) - 1);
	e = dec_markup_tc_slot(m, key, k);
	if (e->len != k || e->key != key)
		return 0;
	if (e->block) {
		m->out[m->o++] = ' ';
		dec_markup_src(m, m->o - 1, m->i, k + 2);
	}
	m->i += k + 2;
	return 1;
}

/* dec_markup_tc_put - remember the ordinary tag in[at] .. in[gt] ('<' to
 * '>', a name right before the '>') for dec_markup_tag_quick */
static void
dec_markup_tc_put(struct dec_markup_st *m, size_t at, size_t gt, int block)
{
	struct dec_markup_bc *e;
	uint64_t key = 0;
	unsigned k = (unsigned)(gt - at - 1), i;

	if (k == 0 || k > 7)
		return;
	for (i = 0; i < k; i++)
		key |= (uint64_t)m->in[at + 1 + i] << (8 * i);
	e = dec_markup_tc_slot(m, key, k);
	e->key = key;
	e->len = (uint8_t)k;
	e->block = (uint8_t)block;
}
#else
#define DEC_MARKUP_QUICK	0
#endif

/* dec_markup_tag - m->in[m->i] == '<': a tag, or text (the tag cache
 * is asked first by the caller) */
static void
dec_markup_tag(struct dec_markup_st *m)
{
	size_t j = m->i + 1, gt, ns;
	int closing = 0, block = 0;

	if (j >= m->n || !(dec_markup_is_alpha(m->in[j]) ||
	    m->in[j] == '/' || m->in[j] == '!' || m->in[j] == '?'))
		goto text;
	if (m->in[j] == '/') {
		closing = 1;
		j++;
	}
	ns = j;
	while (j < m->n && dec_markup_is_name(m->in[j]))
		j++;
	/* "<name>": the '>' is the next byte (no search needed) */
	gt = j < m->n && m->in[j] == '>' ? j :
	    dec_markup_find(m, ">", 1, m->i + 1, &m->gt);
	if (dec_markup_special(m, gt, m->in + ns, j - ns, closing))
		return;
	if (gt == MK_NONE || (m->in[m->i + 1] == '!' && ((m->n - m->i >= 4 &&
	    memcmp(m->in + m->i, "<!--", 4) == 0) ||
	    (m->n - m->i >= 9 && memcmp(m->in + m->i, "<![CDATA[", 9) == 0))))
		goto text;
	if (j > ns && dec_markup_block_cached(m, m->in + ns, j - ns)) {
		block = 1;
		m->out[m->o++] = ' ';
		dec_markup_src(m, m->o - 1, m->i, gt + 1 - m->i);
	}
#if DEC_MARKUP_QUICK
	/* only a bare name up to the '>', and never a script or style
	 * start tag (its answer depends on what follows it) */
	if (gt == j && (m->in[m->i + 1] == '/' ||
	    dec_markup_is_alpha(m->in[m->i + 1])) && (closing ||
	    !((j - ns == 6 && strncasecmp((const char *)m->in + ns,
	    "script", 6) == 0) || (j - ns == 5 && strncasecmp(
	    (const char *)m->in + ns, "style", 5) == 0))))
		dec_markup_tc_put(m, m->i, gt, block);
#endif
	m->i = gt + 1;
	return;
text:
	m->out[m->o++] = '<';
	dec_markup_src(m, m->o - 1, m->i, 1);
	m->i++;
}

#if DEC_MARKUP_QUICK
/* dec_markup_run_replay - the remembered run of tags is at m->in[m->i]:
 * its output again, 1; else 0 */
static inline int
dec_markup_run_replay(struct dec_markup_st *m)
{
	const struct dec_markup_run *r = &m->run;
	size_t s = m->i;
	uint64_t a, b, mask;
	unsigned k;

	if (r->len == 0 || m->n - s < r->len)
		return 0;
	/* most misses differ in the first 8 bytes: one compare of two
	 * words (r->b is always 64 bytes; what follows the run is masked
	 * off) instead of a memcmp call */
	if (m->n - s >= 8) {
		memcpy(&a, m->in + s, 8);
		memcpy(&b, r->b, 8);
		mask = r->len >= 8 ? ~0ULL : (1ULL << (8 * r->len)) - 1;
		if ((a ^ b) & mask)
			return 0;
	}
	if (memcmp(m->in + s, r->b, r->len) != 0)
		return 0;
	for (k = 0; k < r->nb; k++) {
		m->out[m->o++] = ' ';
		dec_markup_src(m, m->o - 1, s + r->at[k], r->tl[k]);
	}
	m->i = s + r->len;
	return 1;
}

/*
 * dec_markup_tags - m->in[m->i] == '<': the run of tags starting here.
 * Replayed when it is the remembered run; else read tag by tag, and
 * remembered when the tag cache answered every tag, it ends where the
 * text starts, and it fits, unless the output overwrote its bytes (in
 * place, the spaces of its block tags may land on them).
 */
static void
dec_markup_tags(struct dec_markup_st *m)
{
	struct dec_markup_run *r = &m->run;
	uint8_t at[DEC_MARKUP_RUNB + 1], tl[DEC_MARKUP_RUNB + 1];
	uintptr_t wr, rd;
	size_t s = m->i, os = m->o, t0, o0;
	unsigned nb = 0;

	if (dec_markup_run_replay(m))
		return;
	while (m->i < m->n && m->in[m->i] == '<') {
		t0 = m->i;
		o0 = m->o;
		if (!dec_markup_tag_quick(m)) {
			dec_markup_tag(m);
			return;
		}
		/* written always, kept when the tag gave a space: block
		 * and inline tags alternate, a branch would mispredict */
		at[nb] = (uint8_t)(t0 - s);
		tl[nb] = (uint8_t)(m->i - t0);
		nb += (unsigned)(m->o - o0);
		if (nb > DEC_MARKUP_RUNB || m->i - s > DEC_MARKUP_RUN)
			return;
	}
	wr = (uintptr_t)(m->out + os);	/* written: [wr, wr + nb) */
	rd = (uintptr_t)(m->in + s);	/* the run: [rd, rd + len) */
	if (wr < rd + (m->i - s) && rd < wr + nb)
		return;
	/* all 64 bytes when there are (a fixed-size copy, no call) */
	memcpy(r->b, m->in + s, m->n - s < DEC_MARKUP_RUN ? m->i - s :
	    DEC_MARKUP_RUN);
	memcpy(r->at, at, nb);
	memcpy(r->tl, tl, nb);
	r->len = (uint8_t)(m->i - s);
	r->nb = (uint8_t)nb;
}
#endif

/* dec_markup_text - copy text up to the next '<' or '&' */
static void
dec_markup_text(struct dec_markup_st *m)
{
	size_t j = m->i + dec_markup_scan2(m->in + m->i, m->n - m->i, '<', '&');
	if (j > m->i && m->out + m->o != m->in + m->i)
		memmove(m->out + m->o, m->in + m->i, j - m->i);
	dec_markup_text_src(m, m->i, j - m->i);
	m->o += j - m->i;
	m->i = j;
}

/* dec_markup_map - text of n bytes of HTML or XML into out (n bytes),
 * with the source of each output byte when src and srclen are given */
size_t
dec_markup_map(const unsigned char *in, size_t n, unsigned char *out,
    size_t *src, size_t *srclen)
{
	struct dec_markup_st m;
	int done;

	memset(&m, 0, sizeof(m));
	m.in = in;
	m.out = out;
	m.n = n;
	if (src != NULL && srclen != NULL) {
		m.src = src;
		m.srclen = srclen;
	}
	while (m.i < m.n) {
		dec_markup_text(&m);
		if (m.i >= m.n)
			break;
		if (m.in[m.i] == '<') {
#if DEC_MARKUP_QUICK
			dec_markup_tags(&m);
#else
			dec_markup_tag(&m);
#endif
			continue;
		}
		done = 0;
		if (m.i + 1 < m.n && m.in[m.i + 1] == '#')
			done = dec_markup_numref(&m);
		else
			done = dec_markup_namedref(&m);
		if (!done) {
			m.out[m.o++] = '&';
			dec_markup_src(&m, m.o - 1, m.i, 1);
			m.i++;
		}
	}
	pm_wipe(m.bc, sizeof(m.bc));	/* tag names read from the input */
	pm_wipe(m.tc, sizeof(m.tc));
	pm_wipe(&m.run, sizeof(m.run));
	return m.o;
}

/* dec_markup - text of n bytes of HTML or XML into out (n bytes) */
size_t
dec_markup(const unsigned char *in, size_t n, unsigned char *out)
{
	return dec_markup_map(in, n, out, NULL, NULL);
}
