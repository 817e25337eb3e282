/*
 * mime_walk - the MIME tree walk over one in-memory message.
 *
 * Strategy. An entity is a byte range [s, e) of the caller's buffer; its
 * header block is split off (mime_hdr_split), every field is reported,
 * and the body is either a leaf, a multipart (children found in one
 * pm_memmem() pass over the body for "--boundary" at a line start) or an
 * encapsulated message (walked as an entity again). Nothing is copied
 * but short strings; bodies point into the buffer. Each nesting level
 * scans its own body once, so the work is linear per level and at most
 * (max_depth + 1) times the message size overall.
 *
 * Part numbering (RFC 3501 6.4.5). Every entity carries three paths:
 *	hdrpath	 the path its header fields are reported with;
 *	leafpath the path it gets when it is a leaf;
 *	prefix	 the prefix its multipart children are numbered under.
 * mime_walk_message(w, buf, n, P, depth) walks a message with
 *	hdrpath = P, prefix = P, leafpath = P "." "1" (or "1" when P = "").
 * So the top-level message (P = "") reports its headers with "", a
 * single-part body is leaf "1", multipart children are "1", "2", ...
 * A child k of a multipart with prefix Q is a part at path C = Q.k
 * ("k" when Q = ""), with hdrpath = leafpath = prefix = C, so a nested
 * multipart at "2" has children "2.1", "2.2".
 * An identity-encoded message/rfc822 (or message/global) entity at leaf
 * path L is walked exactly like mime_walk_message(w, body, L, depth+1):
 * its headers are reported with L, its single body is "L.1", its
 * multipart children "L.1", "L.2". A base64/QP-encoded one is reported
 * as leaf L (type message/rfc822); the caller decodes it and calls
 * mime_walk_message(w, decoded, n, L, depth + 1), which numbers the same
 * way, so both encodings give the same paths.
 * Preamble and epilogue of a multipart with prefix Q, when they hold
 * more than white space, are text/plain leaves "Q.0" and "Q.(n+1)"
 * ("0" and "n+1" at the top), n being the number of children.
 * A multipart in which no child is found (no boundary line, or only a
 * close delimiter) is reported as one text/plain leaf "Q.1" holding the
 * whole body (with the multipart's transfer encoding and charset), with
 * MIME_DEFECT_BOUNDARY_NOT_FOUND. A multipart without a usable boundary
 * parameter (MIME_DEFECT_NO_BOUNDARY_PARAM) takes its boundary from the
 * first body line that starts with "--" and something else; with no
 * such line, the entity is one text/plain leaf at its own leaf path.
 * Leaves come in document order: preamble, children, epilogue.
 *
 * Header fields that are not fields (junk lines kept inside a header
 * block, an mbox "From " line) are reported with an empty name, so
 * their text is still scanned. Of several Content-Type fields the first
 * is used, unless a later one is multipart and the first is not.
 * Header defects go on the entity's leaf; a multipart's own defects go
 * to w->defects only, except MIME_DEFECT_NO_FINAL_BOUNDARY, which also
 * marks its last part. One struct mime_word_cache per mime_walk_message()
 * call keeps iconv descriptors across all header values of the message.
 *
 * Depth: an entity deeper than lim->max_depth (top is 0; children of a
 * multipart and the message inside a message/rfc822 are one deeper) is
 * PM_ELIMIT "max_depth", and so is a multipart or message/rfc822 at
 * max_depth itself (its content would be deeper), found before its
 * body is scanned. The recursion is further capped at
 * MIME_WALK_MAX_RECURSION whatever the configuration says. Leaves:
 * the (max_parts + 1)th leaf is PM_ELIMIT "max_parts".
 *
 * Cost: each multipart level pm_memmem()s its own body once, so a message
 * is scanned at most (max_depth + 1) times. Measured (-O2, this 2-core
 * box, shared): 50 MB message with one base64 attachment 10-20 ms; 1 MB
 * To: of encoded words 5 ms; 100000 parts to PM_ELIMIT 0.2 ms; 10000
 * nested multiparts over a 40 MB body 0.4-0.6 s to PM_ELIMIT (32
 * levels each scanning the 40 MB).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mime_hdr.h"
#include "mime_walk.h"
#include "mime_word.h"
#include "pm_find.h"

#define MIME_WALK_MAX_RECURSION	256	/* bounds the C stack */
#define MIME_WALK_MAX_BOUNDARY	998	/* RFC 2046 says 70; be lenient */

struct mime_walk_ent {
	const unsigned char *msg;	/* the whole buffer */
	size_t s, e;			/* this entity: msg[s .. e) */
	const char *hdrpath;
	const char *leafpath;
	const char *prefix;
	unsigned depth;
	int in_digest;			/* default type message/rfc822 */
	unsigned defects;		/* given by the parent */
	struct mime_word_cache *words;	/* iconv descriptors, per call */
};

struct mime_walk_info {
	char *ct, *cd, *cte;		/* unfolded raw values or NULL */
	size_t ct_len, cd_len, cte_len;
	const char *type;
	const char *charset;
	const char *filename;
	const char *boundary;
	size_t boundary_len;
	enum mime_cte enc;
	unsigned flags;
	unsigned defects;
	size_t body_off;		/* absolute offset in msg */
};

static pm_status mime_walk_entity(struct mime_walk *w,
    const struct mime_walk_ent *ent);

/* mime_walk_init - set up a walk */
void
mime_walk_init(struct mime_walk *w, struct pm_arena *arena,
    const struct pm_limits *lim, const struct mime_walk_ops *ops, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->arena = arena;
	w->lim = lim;
	w->ops = ops;
	w->arg = arg;
}

/* mime_walk_child_path - "prefix.k", or "k" when prefix is empty */
static const char *
mime_walk_child_path(struct mime_walk *w, const char *prefix, unsigned k)
{
	size_t n = strlen(prefix) + 16;
	char *p = pm_arena_alloc(w->arena, n);

	if (p == NULL)
		return NULL;
	if (prefix[0] == '\0')
		snprintf(p, n, "%u", k);
	else
		snprintf(p, n, "%s.%u", prefix, k);
	return p;
}

/* mime_walk_lc - arena copy of s, ASCII lower-cased */
static const char *
mime_walk_lc(struct mime_walk *w, const char *s)
{
	size_t i, n = strlen(s);
	char *p = pm_arena_alloc(w->arena, n + 1);

	if (p == NULL)
		return NULL;
	for (i = 0; i <= n; i++)
		p[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return p;
}

/* mime_walk_is_mp - does a Content-Type value name a multipart? */
static int
mime_walk_is_mp(const char *v, size_t vl)
{
	return vl >= 10 && strncasecmp(v, "multipart/", 10) == 0;
}

/* mime_walk_cte_decodes - base64, quoted-printable or uuencode */
static int
mime_walk_cte_decodes(const char *v, size_t n)
{
	unsigned d = 0;
	enum mime_cte c = mime_hdr_cte(v, n, &d);

	return c == MIME_CTE_BASE64 || c == MIME_CTE_QP
	    || c == MIME_CTE_UUENCODE;
}

/* mime_walk_cte_wins - a second Content-Transfer-Encoding replaces the
 * first when only it decodes: a "7bit" in front must not hide a base64
 * body from the scanner (a client may well decode it) */
static int
mime_walk_cte_wins(const char *cur, size_t cl, const char *v, size_t vl)
{
	return !mime_walk_cte_decodes(cur, cl) && mime_walk_cte_decodes(v, vl);
}

/*
 * mime_walk_keep - remember the MIME fields. The first occurrence wins,
 * except that a later multipart Content-Type beats an earlier single-part
 * one: read as multipart every byte is still handed out (preamble, parts,
 * epilogue) and encoded parts get decoded, so a duplicate header cannot
 * hide a base64 attachment from the scan.
 */
static void
mime_walk_keep(const struct mime_hdr_field *f, char *v, size_t vl,
    struct mime_walk_info *in)
{
	const char *nm = (const char *)f->name;

	if (f->name_len == 12 && strncasecmp(nm, "content-type", 12) == 0) {
		if (in->ct != NULL)
			in->defects |= MIME_DEFECT_BAD_HEADER;
		if (in->ct == NULL || (!mime_walk_is_mp(in->ct, in->ct_len) &&
		    mime_walk_is_mp(v, vl))) {
			in->ct = v;
			in->ct_len = vl;
		}
	} else if (f->name_len == 19 &&
	    strncasecmp(nm, "content-disposition", 19) == 0 && in->cd == NULL) {
		in->cd = v;
		in->cd_len = vl;
	} else if (f->name_len == 25 &&
	    strncasecmp(nm, "content-transfer-encoding", 25) == 0 &&
	    (in->cte == NULL || mime_walk_cte_wins(in->cte, in->cte_len, v,
	    vl))) {
		if (in->cte != NULL)
			in->defects |= MIME_DEFECT_BAD_HEADER;
		in->cte = v;
		in->cte_len = vl;
	}
}

/* mime_walk_headers - report every field of a block, keep MIME ones */
static pm_status
mime_walk_headers(struct mime_walk *w, const struct mime_walk_ent *ent,
    size_t n, struct mime_walk_info *in)
{
	const unsigned char *p = ent->msg + ent->s;
	struct mime_hdr_iter it;
	struct mime_hdr_field f;
	char *uv = NULL, *dv = NULL, *name = NULL;
	size_t ul, dl;
	pm_status st = PM_OK;

	mime_hdr_iter_init(&it, p, n);
	while (mime_hdr_next(&it, &f)) {
		if (f.name_len == 0 && f.value_len == 0)
			continue;
		name = pm_arena_strndup(w->arena, (const char *)f.name,
		    f.name_len);
		if (name == NULL || mime_hdr_unfold(w->arena, f.value,
		    f.value_len, &uv, &ul) != PM_OK) {
			st = PM_ENOMEM;
			goto out;
		}
		dv = uv;
		dl = ul;
		if (memmem(uv, ul, "=?", 2) != NULL &&
		    mime_word_decode_cached(w->arena, ent->words, uv, ul,
		    &dv, &dl, &in->defects) != PM_OK) {
			st = PM_ENOMEM;
			goto out;
		}
		if (f.name_len > 0)
			mime_walk_keep(&f, uv, ul, in);
		if (w->ops->header != NULL) {
			st = w->ops->header(w->arg, ent->hdrpath, name, dv,
			    dl);
			if (st != PM_OK)
				goto out;
		}
	}
out:
	return st;
}

/* mime_walk_type - Content-Type token to a valid lower-case type */
static const char *
mime_walk_type(const struct mime_walk_ent *ent, const char *tok,
    unsigned *defects)
{
	const char *slash = NULL;

	if (tok == NULL || tok[0] == '\0')
		return ent->in_digest ? "message/rfc822" : "text/plain";
	slash = strchr(tok, '/');
	if (slash != NULL && slash != tok && slash[1] != '\0')
		return tok;
	*defects |= MIME_DEFECT_BAD_HEADER;
	if (strncmp(tok, "multipart", 9) == 0 && (tok[9] == '\0' ||
	    tok[9] == '/'))
		return "multipart/mixed";
	return "text/plain";
}

/* mime_walk_filename - 2047-decode a filename (Outlook quotes them) */
static pm_status
mime_walk_filename(struct mime_walk *w, const struct mime_walk_ent *ent,
    const char *fn, struct mime_walk_info *in)
{
	char *out = NULL;
	size_t ol, i;

	in->filename = fn;
	if (fn == NULL || strstr(fn, "=?") == NULL)
		return PM_OK;
	if (mime_word_decode_cached(w->arena, ent->words, fn, strlen(fn),
	    &out, &ol, &in->defects) != PM_OK)
		return PM_ENOMEM;
	/* a NUL from an encoded word (=00) would end the name for its
	 * C-string readers and hide the rest from the scanner */
	for (i = 0; i < ol; i++) {
		if (out[i] == '\0') {
			out[i] = ' ';
			in->defects |= MIME_DEFECT_BAD_PARAM;
		}
	}
	in->filename = out;
	return PM_OK;
}

/* mime_walk_info - derive type, charset, filename, boundary, CTE */
static pm_status
mime_walk_info(struct mime_walk *w, const struct mime_walk_ent *ent,
    struct mime_walk_info *in)
{
	struct mime_hdr_value ct = { "", NULL, 0 }, cd = { "", NULL, 0 };
	const char *fn = NULL, *cs = NULL;

	if ((in->ct != NULL && mime_hdr_parse(w->arena, in->ct, in->ct_len,
	    &ct) != PM_OK) || (in->cd != NULL && mime_hdr_parse(w->arena,
	    in->cd, in->cd_len, &cd) != PM_OK))
		return PM_ENOMEM;
	in->defects |= ct.defects | cd.defects;
	in->type = mime_walk_type(ent, in->ct != NULL ? ct.token : NULL,
	    &in->defects);
	cs = mime_hdr_param_get(&ct, "charset");
	if (cs != NULL && cs[0] != '\0' &&
	    (in->charset = mime_walk_lc(w, cs)) == NULL)
		return PM_ENOMEM;
	in->boundary = mime_hdr_param_get(&ct, "boundary");
	in->boundary_len = in->boundary != NULL ? strlen(in->boundary) : 0;
	if (in->boundary_len > MIME_WALK_MAX_BOUNDARY) {
		in->defects |= MIME_DEFECT_BAD_PARAM;
		in->boundary = NULL;
	}
	if (strcmp(cd.token, "attachment") == 0)
		in->flags |= MIME_PART_ATTACHMENT;
	in->enc = in->cte != NULL ? mime_hdr_cte(in->cte, in->cte_len,
	    &in->defects) : MIME_CTE_7BIT;
	fn = mime_hdr_param_get(&cd, "filename");
	if (fn == NULL)
		fn = mime_hdr_param_get(&ct, "name");
	return mime_walk_filename(w, ent, fn, in);
}

/* mime_walk_emit - report one leaf (checks max_parts) */
static pm_status
mime_walk_emit(struct mime_walk *w, struct mime_part *part)
{
	unsigned max = w->lim != NULL ? w->lim->max_parts : 1000;

	if (part->path == NULL)
		return PM_ENOMEM;
	if (w->nparts >= max) {
		w->limit = "max_parts";
		return PM_ELIMIT;
	}
	w->nparts++;
	w->defects |= part->defects;
	if (w->ops->leaf == NULL)
		return PM_OK;
	return w->ops->leaf(w->arg, part);
}

/* mime_walk_text_leaf - report msg[s .. e) as a text leaf (in: whole body) */
static pm_status
mime_walk_text_leaf(struct mime_walk *w, const struct mime_walk_ent *ent,
    const char *path, size_t s, size_t e, unsigned flags,
    const struct mime_walk_info *in)
{
	struct mime_part part;

	memset(&part, 0, sizeof(part));
	part.path = path;
	part.depth = ent->depth + 1;
	part.type = "text/plain";
	part.cte = in != NULL ? in->enc : MIME_CTE_7BIT;
	part.charset = in != NULL ? in->charset : NULL;
	part.flags = flags;
	part.defects = in != NULL ? in->defects : 0;
	part.body = ent->msg + s;
	part.body_len = e - s;
	part.body_off = s;
	part.hdr_off = s;
	return mime_walk_emit(w, &part);
}

/* mime_walk_leaf - report an entity as a leaf */
static pm_status
mime_walk_leaf(struct mime_walk *w, const struct mime_walk_ent *ent,
    const struct mime_walk_info *in, const char *type)
{
	struct mime_part part;

	memset(&part, 0, sizeof(part));
	part.path = ent->leafpath;
	part.depth = ent->depth;
	part.type = type;
	part.charset = in->charset;
	part.cte = in->enc;
	part.filename = in->filename;
	part.flags = in->flags;
	part.defects = in->defects;
	part.body = ent->msg + in->body_off;
	part.body_len = ent->e - in->body_off;
	part.body_off = in->body_off;
	part.hdr_off = ent->s;
	return mime_walk_emit(w, &part);
}

/* mime_walk_blank - only white space? */
static int
mime_walk_blank(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* mime_walk_delim - is there a delimiter line at c? sets *next, *close */
static int
mime_walk_delim(const unsigned char *m, size_t bs, size_t be, size_t c,
    size_t plen, size_t *next, int *close)
{
	size_t j = c + plen;

	if (c != bs && m[c - 1] != '\n')
		return 0;
	*close = 0;
	if (j + 1 < be && m[j] == '-' && m[j + 1] == '-') {
		*close = 1;
		j += 2;
	}
	if (j < be && (m[j] == ' ' || m[j] == '\t')) {
		/* transport padding; text after it (RFC 2046 allows none)
		 * still ends the part, as mime4j reads it: a boundary never
		 * ends in a blank, so "--b text" cannot be another boundary,
		 * and not splitting would hide a base64 part behind it */
		while (j < be && m[j] != '\n')
			j++;
	}
	if (j < be && m[j] == '\r' && (j + 1 == be || m[j + 1] == '\n'))
		j++;
	if (j < be && m[j] != '\n')
		return 0;
	*next = j < be ? j + 1 : be;
	return 1;
}

/* mime_walk_child - walk msg[s .. e) as child k of a multipart */
static pm_status
mime_walk_child(struct mime_walk *w, const struct mime_walk_ent *ent,
    const struct mime_walk_info *in, unsigned k, size_t s, size_t e,
    unsigned defects)
{
	struct mime_walk_ent c;
	const char *path = mime_walk_child_path(w, ent->prefix, k);

	if (path == NULL)
		return PM_ENOMEM;
	c.msg = ent->msg;
	c.s = s;
	c.e = e < s ? s : e;
	c.hdrpath = c.leafpath = c.prefix = path;
	c.depth = ent->depth + 1;
	c.in_digest = strcmp(in->type, "multipart/digest") == 0;
	c.defects = defects;
	c.words = ent->words;
	return mime_walk_entity(w, &c);
}

struct mime_walk_mp {
	size_t start;		/* start of the current child */
	unsigned n;		/* children walked */
	int found, closed;
};

/* mime_walk_part_end - content end before the delimiter line at c */
static size_t
mime_walk_part_end(const unsigned char *m, size_t start, size_t c)
{
	size_t ce = c;

	if (ce > start && m[ce - 1] == '\n')
		ce--;
	if (ce > start && m[ce - 1] == '\r')
		ce--;
	return ce;
}

/* mime_walk_preamble - report msg[s .. e) before the first delimiter */
static pm_status
mime_walk_preamble(struct mime_walk *w, const struct mime_walk_ent *ent,
    size_t s, size_t e)
{
	if (mime_walk_blank(ent->msg + s, e - s))
		return PM_OK;
	return mime_walk_text_leaf(w, ent, mime_walk_child_path(w,
	    ent->prefix, 0), s, e, MIME_PART_PREAMBLE, NULL);
}

/* mime_walk_scan - one pass over the body for delimiter lines */
static pm_status
mime_walk_scan(struct mime_walk *w, const struct mime_walk_ent *ent,
    const struct mime_walk_info *in, const char *pat, size_t plen,
    struct mime_walk_mp *mp)
{
	const unsigned char *m = ent->msg, *hit = NULL;
	size_t bs = in->body_off, be = ent->e, pos = bs, c, next;
	int close = 0;
	pm_status st = PM_OK;

	while (pos < be && (hit = pm_memmem(m + pos, be - pos, pat, plen))) {
		c = (size_t)(hit - m);
		if (!mime_walk_delim(m, bs, be, c, plen, &next, &close)) {
			/* no delimiter can start later on this line */
			hit = memchr(m + c, '\n', be - c);
			pos = hit != NULL ? (size_t)(hit - m) + 1 : be;
			continue;
		}
		if (!mp->found && !close)
			st = mime_walk_preamble(w, ent, bs,
			    mime_walk_part_end(m, bs, c));
		else if (mp->found)
			st = mime_walk_child(w, ent, in, ++mp->n, mp->start,
			    mime_walk_part_end(m, mp->start, c), 0);
		if (st != PM_OK)
			return st;
		mp->found = 1;
		mp->start = pos = next;
		if (close) {
			mp->closed = 1;
			break;
		}
	}
	if (mp->found && !mp->closed)
		st = mime_walk_child(w, ent, in, ++mp->n, mp->start, be,
		    MIME_DEFECT_NO_FINAL_BOUNDARY);
	return st;
}

/* mime_walk_multipart - children, preamble and epilogue of a multipart */
static pm_status
mime_walk_multipart(struct mime_walk *w, const struct mime_walk_ent *ent,
    struct mime_walk_info *in)
{
	struct mime_walk_mp mp = { 0, 0, 0, 0 };
	size_t bs = in->body_off, plen = in->boundary_len + 2;
	char *pat = pm_arena_alloc(w->arena, plen + 1);
	pm_status st = PM_ENOMEM;

	if (pat == NULL)
		goto out;
	pat[0] = pat[1] = '-';
	memcpy(pat + 2, in->boundary, in->boundary_len);
	if ((st = mime_walk_scan(w, ent, in, pat, plen, &mp)) != PM_OK)
		goto out;
	if (mp.n == 0) {
		in->defects |= MIME_DEFECT_BOUNDARY_NOT_FOUND;
		st = mime_walk_text_leaf(w, ent, mime_walk_child_path(w,
		    ent->prefix, 1), bs, ent->e, 0, in);
		goto out;
	}
	w->defects |= in->defects | (mp.closed ? 0 :
	    MIME_DEFECT_NO_FINAL_BOUNDARY);
	st = PM_OK;
	if (mp.closed && !mime_walk_blank(ent->msg + mp.start,
	    ent->e - mp.start))
		st = mime_walk_text_leaf(w, ent, mime_walk_child_path(w,
		    ent->prefix, mp.n + 1), mp.start, ent->e,
		    MIME_PART_EPILOGUE, NULL);
out:
	return st;
}

/* mime_walk_inner - walk the body of a message/rfc822 as a message */
static pm_status
mime_walk_inner(struct mime_walk *w, const struct mime_walk_ent *ent,
    const struct mime_walk_info *in)
{
	struct mime_walk_ent c;

	c.msg = ent->msg;
	c.s = in->body_off;
	c.e = ent->e;
	c.hdrpath = c.prefix = ent->leafpath;
	c.leafpath = mime_walk_child_path(w, ent->leafpath, 1);
	if (c.leafpath == NULL)
		return PM_ENOMEM;
	c.depth = ent->depth + 1;
	c.in_digest = 0;
	c.defects = 0;
	c.words = ent->words;
	return mime_walk_entity(w, &c);
}

/* mime_walk_guess - boundary from the first "--x" line of the body */
static int
mime_walk_guess(const struct mime_walk_ent *ent, struct mime_walk_info *in)
{
	const unsigned char *m = ent->msg, *hit = NULL, *lf = NULL;
	size_t bs = in->body_off, be = ent->e, c, e;

	if (be - bs >= 3 && m[bs] == '-' && m[bs + 1] == '-')
		c = bs;
	else if ((hit = pm_memmem(m + bs, be - bs, "\n--", 3)) != NULL)
		c = (size_t)(hit - m) + 1;
	else
		return 0;
	lf = memchr(m + c, '\n', be - c);
	e = lf != NULL ? (size_t)(lf - m) : be;
	while (e > c + 2 && (m[e - 1] == ' ' || m[e - 1] == '\t' ||
	    m[e - 1] == '\r'))
		e--;
	if (e - c - 2 == 0 || e - c - 2 > MIME_WALK_MAX_BOUNDARY)
		return 0;
	in->boundary = (const char *)m + c + 2;
	in->boundary_len = e - c - 2;
	return 1;
}

/* mime_walk_body - decide what the body of an entity is and walk it */
static pm_status
mime_walk_body(struct mime_walk *w, const struct mime_walk_ent *ent,
    struct mime_walk_info *in)
{
	const char *t = in->type;
	unsigned max = w->lim != NULL ? w->lim->max_depth : 32;
	int container = strncmp(t, "multipart/", 10) == 0 ||
	    strcmp(t, "message/rfc822") == 0 ||
	    strcmp(t, "message/global") == 0;

	if (container && ent->depth + 1 > max) {
		w->limit = "max_depth";	/* its content would be too deep */
		return PM_ELIMIT;
	}
	if (strncmp(t, "multipart/", 10) == 0) {
		if (in->boundary != NULL)
			return mime_walk_multipart(w, ent, in);
		in->defects |= MIME_DEFECT_NO_BOUNDARY_PARAM;
		if (mime_walk_guess(ent, in))
			return mime_walk_multipart(w, ent, in);
		return mime_walk_leaf(w, ent, in, "text/plain");
	}
	if ((strcmp(t, "message/rfc822") == 0 ||
	    strcmp(t, "message/global") == 0) && (in->enc == MIME_CTE_7BIT ||
	    in->enc == MIME_CTE_8BIT || in->enc == MIME_CTE_BINARY)) {
		w->defects |= in->defects;
		return mime_walk_inner(w, ent, in);
	}
	return mime_walk_leaf(w, ent, in, t);
}

/* mime_walk_entity - headers, then body, of msg[ent->s .. ent->e) */
static pm_status
mime_walk_entity(struct mime_walk *w, const struct mime_walk_ent *ent)
{
	struct mime_walk_info in;
	struct mime_hdr_block blk;
	unsigned max = w->lim != NULL ? w->lim->max_depth : 32;
	pm_status st = PM_OK;

	if (ent->depth > max || ent->depth > MIME_WALK_MAX_RECURSION) {
		w->limit = "max_depth";
		return PM_ELIMIT;
	}
	memset(&in, 0, sizeof(in));
	mime_hdr_split(ent->msg + ent->s, ent->e - ent->s, &blk);
	in.defects = blk.defects | ent->defects;
	in.body_off = ent->s + blk.body_off;
	st = mime_walk_headers(w, ent, blk.hdr_len, &in);
	if (st != PM_OK)
		return st;
	if ((st = mime_walk_info(w, ent, &in)) != PM_OK)
		return st;
	return mime_walk_body(w, ent, &in);
}

/* mime_walk_message - walk one message (headers and body) */
pm_status
mime_walk_message(struct mime_walk *w, const unsigned char *msg, size_t len,
    const char *path, unsigned depth)
{
	static const unsigned char empty[1] = "";
	struct mime_word_cache words;
	struct mime_walk_ent ent;
	pm_status st;

	if (path == NULL)
		path = "";
	ent.msg = msg != NULL ? msg : empty;
	ent.s = 0;
	ent.e = msg != NULL ? len : 0;
	ent.hdrpath = ent.prefix = path;
	ent.leafpath = mime_walk_child_path(w, path, 1);
	if (ent.leafpath == NULL)
		return PM_ENOMEM;
	ent.depth = depth;
	ent.in_digest = 0;
	ent.defects = 0;
	ent.words = &words;
	mime_word_cache_init(&words);
	st = mime_walk_entity(w, &ent);
	mime_word_cache_fini(&words);
	return st;
}
