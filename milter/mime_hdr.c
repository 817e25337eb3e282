/*
 * mime_hdr - header block split, field iteration, MIME parameters.
 *
 * Lines are found with memchr(); each line is classified once by the
 * splitter and once more by the iterator (a one-line lookahead decides
 * whether a bad line is junk inside the block or the start of a body
 * that lost its blank line). Parameter values are collected raw (quotes
 * and escapes removed) into a bounded array; RFC 2231 sections of one
 * name are then grouped, ordered by section number, percent-decoded and
 * converted from their charset with mime_word_to_utf8().
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "mime_hdr.h"
#include "mime_word.h"
#include "pm_text.h"

/* mime_hdr_lc - ASCII lower case (locale-independent) */
static int
mime_hdr_lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

struct mime_hdr_raw {
	const char *base;		/* name without the 2231 suffix */
	size_t base_len;
	int section;			/* -1: none */
	int ext;			/* value is charset'lang'%XX form */
	const char *val;
	size_t val_len;
	int used;
};

/* mime_hdr_line - length of the line at off without CR/LF; *next after */
static size_t
mime_hdr_line(const unsigned char *p, size_t n, size_t off, size_t *next)
{
	const unsigned char *lf = memchr(p + off, '\n', n - off);
	size_t end = lf != NULL ? (size_t)(lf - p) : n;

	*next = lf != NULL ? end + 1 : n;
	if (end > off && p[end - 1] == '\r')
		end--;
	return end - off;
}

/* mime_hdr_name_len - length of the field name when s is a field line */
static size_t
mime_hdr_name_len(const unsigned char *s, size_t len)
{
	size_t i = 0, nl;

	while (i < len && s[i] > ' ' && s[i] < 0x7f && s[i] != ':')
		i++;
	if (i == 0)
		return 0;
	nl = i;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < len && s[i] == ':' ? nl : 0;
}

/* mime_hdr_is_field_at - is the line at off a field? */
static int
mime_hdr_is_field_at(const unsigned char *p, size_t n, size_t off)
{
	size_t next, len;

	len = mime_hdr_line(p, n, off, &next);
	return mime_hdr_name_len(p + off, len) > 0;
}

/* mime_hdr_bom - length of a UTF-8 byte order mark at p (0 or 3) */
static size_t
mime_hdr_bom(const unsigned char *p, size_t n)
{
	return n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

/* mime_hdr_split - find where the header block ends and the body starts */
void
mime_hdr_split(const unsigned char *p, size_t n, struct mime_hdr_block *blk)
{
	size_t off = mime_hdr_bom(p, n), next, len;
	int seen = 0;

	blk->defects = 0;
	if (n == 0) {
		blk->hdr_len = blk->body_off = 0;
		return;
	}
	while (off < n) {
		len = mime_hdr_line(p, n, off, &next);
		if (len > MIME_HDR_MAX_LINE)
			blk->defects |= MIME_DEFECT_LONG_LINE;
		if (len == 0) {
			blk->hdr_len = off;
			blk->body_off = next;
			return;
		}
		if (seen && (p[off] == ' ' || p[off] == '\t')) {
			off = next;
			continue;
		}
		if (mime_hdr_name_len(p + off, len) > 0) {
			seen = 1;
			off = next;
			continue;
		}
		if (off == mime_hdr_bom(p, n) && len >= 5 &&
		    memcmp(p + off, "From ", 5) == 0) {
			off = next;	/* mbox separator */
			continue;
		}
		if (!seen) {
			blk->defects |= MIME_DEFECT_NO_HEADER_END;
			break;
		}
		blk->defects |= MIME_DEFECT_BAD_HEADER;
		if (p[off] != '-' && next < n && mime_hdr_is_field_at(p, n,
		    next)) {
			off = next;	/* junk line between fields */
			continue;
		}
		blk->defects |= MIME_DEFECT_NO_HEADER_END;
		break;
	}
	if (off >= n)
		blk->defects |= MIME_DEFECT_NO_HEADER_END;
	blk->hdr_len = off < n ? off : n;
	blk->body_off = blk->hdr_len;
}

/* mime_hdr_iter_init - start iterating the fields of a header block */
void
mime_hdr_iter_init(struct mime_hdr_iter *it, const unsigned char *p, size_t n)
{
	it->p = p;
	it->n = n;
	it->off = mime_hdr_bom(p, n);
}

/* mime_hdr_next - next field (with its continuation lines) */
int
mime_hdr_next(struct mime_hdr_iter *it, struct mime_hdr_field *f)
{
	const unsigned char *p = it->p;
	size_t off = it->off, n = it->n, next, nn, len, nl, v, vend;

	if (off >= n)
		return 0;
	len = mime_hdr_line(p, n, off, &next);
	nl = mime_hdr_name_len(p + off, len);
	v = off;
	if (nl > 0) {
		v = off + nl;
		while (p[v] != ':')
			v++;
		v++;
	}
	vend = off + len;
	while (next < n && (p[next] == ' ' || p[next] == '\t')) {
		len = mime_hdr_line(p, n, next, &nn);
		vend = next + len;
		next = nn;
	}
	f->off = off;
	f->name = p + off;
	f->name_len = nl;
	f->value = p + v;
	f->value_len = vend - v;
	it->off = next;
	return 1;
}

/* mime_hdr_unfold - drop folding line breaks, trim white space */
pm_status
mime_hdr_unfold(struct pm_arena *a, const unsigned char *v, size_t n,
    char **out, size_t *outlen)
{
	char *o = pm_arena_alloc(a, n + 1);
	size_t i, k = 0, s = 0;

	if (o == NULL)
		return PM_ENOMEM;
	for (i = 0; i < n; i++) {
		if (v[i] == '\n' || (v[i] == '\r' && i + 1 < n &&
		    v[i + 1] == '\n'))
			continue;
		o[k++] = (char)v[i];
	}
	while (k > 0 && (o[k - 1] == ' ' || o[k - 1] == '\t' ||
	    o[k - 1] == '\r'))
		k--;
	while (s < k && (o[s] == ' ' || o[s] == '\t'))
		s++;
	memmove(o, o + s, k - s);
	o[k - s] = '\0';
	*out = o;
	*outlen = k - s;
	return PM_OK;
}

/* mime_hdr_skip_cfws - skip white space and (nested) comments */
static size_t
mime_hdr_skip_cfws(const char *v, size_t n, size_t i)
{
	unsigned depth = 0;

	while (i < n) {
		if (depth > 0 && v[i] == '\\')
			i++;
		else if (v[i] == '(')
			depth++;
		else if (depth > 0 && v[i] == ')')
			depth--;
		else if (depth == 0 && v[i] != ' ' && v[i] != '\t' &&
		    v[i] != '\r' && v[i] != '\n')
			break;
		i++;
	}
	return i < n ? i : n;
}

/* mime_hdr_token - the first token, lower-case, without CFWS */
static char *
mime_hdr_token(struct pm_arena *a, const char *v, size_t n, size_t *ip)
{
	size_t s = *ip, e = *ip, j, k = 0;
	char *t = NULL;

	while (e < n && v[e] != ';')
		e++;
	*ip = e;
	t = pm_arena_alloc(a, e - s + 1);
	if (t == NULL)
		return NULL;
	for (j = s; j < e;) {
		if (v[j] == '(' || v[j] == ' ' || v[j] == '\t' ||
		    v[j] == '\r' || v[j] == '\n') {
			j = mime_hdr_skip_cfws(v, e, j);
			/* "text / plain" is one token, "attachment x" not */
			if (k > 0 && j < e && v[j] != '/' && t[k - 1] != '/')
				break;
			continue;
		}
		if (v[j] != '"')
			t[k++] = (char)mime_hdr_lc((unsigned char)v[j]);
		j++;
	}
	t[k] = '\0';
	return t;
}

/* mime_hdr_quoted - unescape a quoted string starting after the quote */
static size_t
mime_hdr_quoted(const char *v, size_t n, size_t i, char *o, size_t *olen,
    unsigned *defects)
{
	size_t k = 0;

	while (i < n && v[i] != '"') {
		if (v[i] == '\\' && i + 1 < n)
			i++;
		o[k++] = v[i++];
	}
	if (i >= n)
		*defects |= MIME_DEFECT_BAD_PARAM;
	else
		i++;
	*olen = k;
	return i;
}

/* mime_hdr_value_at - one parameter value at i; returns the index after */
static size_t
mime_hdr_value_at(struct pm_arena *a, const char *v, size_t n, size_t i,
    struct mime_hdr_raw *r, unsigned *defects)
{
	char *o = NULL;
	size_t s, e, k;

	if (i < n && v[i] == '"') {
		for (k = i + 1; k < n && v[k] != '"'; k++)
			k += v[k] == '\\';	/* bound the copy: no n^2 memory */
		o = pm_arena_alloc(a, (k < n ? k : n) - i + 1);
		if (o == NULL)
			return (size_t)-1;
		i = mime_hdr_quoted(v, n, i + 1, o, &r->val_len, defects);
		r->val = o;
		while (i < n && v[i] != ';')
			i++;
		return i;
	}
	s = i;
	while (i < n && v[i] != ';')
		i++;
	e = i;
	for (k = s; k + 1 < e; k++)	/* "value (comment)" */
		if ((v[k] == ' ' || v[k] == '\t') && v[k + 1] == '(') {
			e = k;
			break;
		}
	while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
		e--;
	r->val = v + s;
	r->val_len = e - s;
	return i;
}

/* mime_hdr_name_2231 - split "name*3*" into base, section, extended */
static void
mime_hdr_name_2231(const char *nm, size_t len, struct mime_hdr_raw *r)
{
	const char *star = memchr(nm, '*', len);
	size_t i, sec = 0;

	r->base = nm;
	r->base_len = len;
	r->section = -1;
	r->ext = 0;
	if (star == NULL || star == nm)
		return;
	i = (size_t)(star - nm) + 1;
	if (i == len) {
		r->base_len = i - 1;
		r->ext = 1;
		return;
	}
	if (nm[i] < '0' || nm[i] > '9')
		return;
	while (i < len && nm[i] >= '0' && nm[i] <= '9' && sec <= 9999)
		sec = sec * 10 + (size_t)(nm[i++] - '0');
	if (sec > 9999 || (i < len && !(nm[i] == '*' && i + 1 == len)))
		return;
	r->base_len = (size_t)(star - nm);
	r->section = (int)sec;
	r->ext = i < len;
}

/* mime_hdr_collect - read every "; name=value" into raw[] */
static int
mime_hdr_collect(struct pm_arena *a, const char *v, size_t n, size_t i,
    struct mime_hdr_raw *raw, int max, unsigned *defects)
{
	size_t ns, ne;
	int cnt = 0;

	while (i < n) {
		i = mime_hdr_skip_cfws(v, n, i + 1);	/* past ';' */
		ns = i;
		while (i < n && v[i] != '=' && v[i] != ';')
			i++;
		ne = i;
		while (ne > ns && (v[ne - 1] == ' ' || v[ne - 1] == '\t'))
			ne--;
		if (i >= n || v[i] == ';') {
			if (ne > ns)
				*defects |= MIME_DEFECT_BAD_PARAM;
			continue;
		}
		i = mime_hdr_skip_cfws(v, n, i + 1);
		if (ne == ns || cnt >= max) {
			*defects |= MIME_DEFECT_BAD_PARAM;
			while (i < n && v[i] != ';')
				i++;
			continue;
		}
		mime_hdr_name_2231(v + ns, ne - ns, &raw[cnt]);
		raw[cnt].used = 0;
		i = mime_hdr_value_at(a, v, n, i, &raw[cnt], defects);
		if (i == (size_t)-1)
			return -1;
		cnt++;
	}
	return cnt;
}

/* mime_hdr_pct - append the %XX-decoded s to o */
static size_t
mime_hdr_pct(const char *s, size_t n, char *o)
{
	size_t i, k = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (hi = pm_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = pm_hexval((unsigned char)s[i + 2])) >= 0) {
			o[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			o[k++] = s[i];
	}
		return k;
}

/* mime_hdr_join - concatenate RFC 2231 sections (sorted) into one value */
static pm_status
mime_hdr_join(struct pm_arena *a, struct mime_hdr_raw **g, int ng,
    struct mime_hdr_param *pp)
{
	char cs[MIME_WORD_MAX_CHARSET + 1] = "";
	const char *q1 = NULL, *q2 = NULL, *s = NULL;
	char *buf = NULL, *out = NULL;
	size_t total = 1, k = 0, sl, outlen;
	int i;

	for (i = 0; i < ng; i++)
		total += g[i]->val_len;
	buf = pm_arena_alloc(a, total);
	if (buf == NULL)
		return PM_ENOMEM;
	for (i = 0; i < ng; i++) {
		s = g[i]->val;
		sl = g[i]->val_len;
		if (i == 0 && g[i]->ext &&
		    (q1 = memchr(s, '\'', sl)) != NULL &&
		    (q2 = memchr(q1 + 1, '\'', sl - (size_t)(q1 + 1 - s)))
		    != NULL) {
			if ((size_t)(q1 - s) <= MIME_WORD_MAX_CHARSET) {
				memcpy(cs, s, (size_t)(q1 - s));
				cs[q1 - s] = '\0';
			}
			sl -= (size_t)(q2 + 1 - s);
			s = q2 + 1;
		}
		if (g[i]->ext)
			k += mime_hdr_pct(s, sl, buf + k);
		else {
			memcpy(buf + k, s, sl);
			k += sl;
		}
	}
	buf[k] = '\0';
	pp->value = buf;
	pp->value_len = k;
	if (cs[0] == '\0')
		return PM_OK;
	if (mime_word_to_utf8(a, cs, buf, k, &out, &outlen, NULL) != PM_OK)
		return PM_ENOMEM;
	pp->value = out;
	pp->value_len = outlen;
	return PM_OK;
}

/* mime_hdr_group - gather the raw params named like raw[i], in order */
static int
mime_hdr_group(struct mime_hdr_raw *raw, int cnt, int i,
    struct mime_hdr_raw **g)
{
	struct mime_hdr_raw *t = NULL;
	int j, ng = 0, has2231 = 0, k;

	for (j = i; j < cnt; j++)
		if (!raw[j].used && raw[j].base_len == raw[i].base_len &&
		    strncasecmp(raw[j].base, raw[i].base, raw[i].base_len)
		    == 0) {
			raw[j].used = 1;
			if (raw[j].section >= 0 || raw[j].ext)
				has2231 = 1;
			g[ng++] = &raw[j];
		}
	for (j = 0, k = 0; j < ng; j++)	/* keep 2231 ones if any */
		if (!has2231 || g[j]->section >= 0 || g[j]->ext)
			g[k++] = g[j];
	ng = has2231 ? k : 1;
	for (j = 1; j < ng; j++) {	/* insertion sort by section */
		t = g[j];
		for (k = j; k > 0 && g[k - 1]->section > t->section; k--)
			g[k] = g[k - 1];
		g[k] = t;
	}
	for (j = 1, k = 1; j < ng; j++)	/* drop duplicate sections */
		if (g[j]->section != g[k - 1]->section)
			g[k++] = g[j];
	return ng > 0 ? k : 0;
}

/* mime_hdr_parse - token and parameters of a Content-Type-like value */
pm_status
mime_hdr_parse(struct pm_arena *a, const char *v, size_t n,
    struct mime_hdr_value *hv)
{
	struct mime_hdr_raw *raw = NULL, **g = NULL;
	struct mime_hdr_param *pp = NULL, **tail = &hv->params;
	size_t i = mime_hdr_skip_cfws(v, n, 0), j;
	int cnt, k, ng;
	char *nm = NULL;

	hv->params = NULL;
	hv->defects = 0;
	hv->token = mime_hdr_token(a, v, n, &i);
	if (hv->token == NULL)
		return PM_ENOMEM;
	if (i >= n)
		return PM_OK;
	for (j = i, k = 0; j < n && k < MIME_HDR_MAX_PARAMS; j++)
		k += v[j] == ';';	/* at most one parameter per ';' */
	raw = pm_arena_alloc(a, sizeof(*raw) * (size_t)k);
	g = pm_arena_alloc(a, sizeof(*g) * (size_t)k);
	if (raw == NULL || g == NULL)
		return PM_ENOMEM;
	cnt = mime_hdr_collect(a, v, n, i, raw, k, &hv->defects);
	if (cnt < 0)
		return PM_ENOMEM;
	for (k = 0; k < cnt; k++) {
		if (raw[k].used)
			continue;
		ng = mime_hdr_group(raw, cnt, k, g);
		pp = pm_arena_alloc(a, sizeof(*pp));
		nm = pm_arena_alloc(a, raw[k].base_len + 1);
		if (pp == NULL || nm == NULL)
			return PM_ENOMEM;
		for (j = 0; j < raw[k].base_len; j++)
			nm[j] = (char)mime_hdr_lc(
			    (unsigned char)raw[k].base[j]);
		nm[j] = '\0';
		pp->name = nm;
		pp->next = NULL;
		if (mime_hdr_join(a, g, ng, pp) != PM_OK)
			return PM_ENOMEM;
		/* values are read as C strings (file names): a NUL, raw or
		 * %00, would hide the rest of the value from the scanner */
		for (j = 0; j < pp->value_len; j++) {
			if (pp->value[j] == '\0') {
				((char *)(uintptr_t)pp->value)[j] = ' ';
				hv->defects |= MIME_DEFECT_BAD_PARAM;
			}
		}
		*tail = pp;
		tail = &pp->next;
	}
	return PM_OK;
}

/* mime_hdr_param_get - value of the parameter called name, or NULL */
const char *
mime_hdr_param_get(const struct mime_hdr_value *hv, const char *name)
{
	const struct mime_hdr_param *p = NULL;

	for (p = hv->params; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p->value;
	return NULL;
}

static const struct {
	const char *name;
	enum mime_cte cte;
} mime_hdr_ctes[] = {
	{ "7bit", MIME_CTE_7BIT },
	{ "8bit", MIME_CTE_8BIT },
	{ "binary", MIME_CTE_BINARY },
	{ "base64", MIME_CTE_BASE64 },
	{ "quoted-printable", MIME_CTE_QP },
	{ "x-uuencode", MIME_CTE_UUENCODE },
	{ "uuencode", MIME_CTE_UUENCODE },
	{ "x-uue", MIME_CTE_UUENCODE },
};

/* mime_hdr_cte - Content-Transfer-Encoding value to enum mime_cte */
enum mime_cte
mime_hdr_cte(const char *v, size_t n, unsigned *defects)
{
	size_t i = mime_hdr_skip_cfws(v, n, 0), s, k;

	if (i < n && v[i] == '"')	/* "base64": not valid, but decoded */
		i++;
	s = i;
	while (i < n && v[i] != ' ' && v[i] != '\t' && v[i] != ';' &&
	    v[i] != '(' && v[i] != '\r' && v[i] != '\n' && v[i] != '"')
		i++;
	if (i == s)
		return MIME_CTE_7BIT;
	for (k = 0; k < sizeof(mime_hdr_ctes) / sizeof(mime_hdr_ctes[0]); k++)
		if (strlen(mime_hdr_ctes[k].name) == i - s &&
		    strncasecmp(mime_hdr_ctes[k].name, v + s, i - s) == 0)
			return mime_hdr_ctes[k].cte;
	*defects |= MIME_DEFECT_UNKNOWN_CTE;
	return MIME_CTE_UNKNOWN;
}
