/*
 * scan_out - the --scan output formats.
 */
#include <stdlib.h>
#include <string.h>

#include "scan_out.h"

#define SAFE_SPANS	32

struct safe_spans {
	size_t n;
	size_t start[SAFE_SPANS], end[SAFE_SPANS], nd[SAFE_SPANS];
	int overflow;
};

/* safe_cb - collect PAN spans */
static void
safe_cb(void *arg, const struct pan_hit *hit)
{
	struct safe_spans *sp = arg;

	if (hit->kind != PAN_KIND_PAN)
		return;
	if (sp->n == SAFE_SPANS) {
		sp->overflow = 1;
		return;
	}
	sp->start[sp->n] = (size_t)hit->start;
	sp->end[sp->n] = (size_t)hit->end;
	sp->nd[sp->n] = hit->ndigits;
	sp->n++;
}

/* scan_safe_text - copy with PANs masked and controls replaced */
char *
scan_safe_text(const char *s, size_t n)
{
	struct safe_spans sp;
	size_t i, o = 0, from = 0;
	char *out;

	memset(&sp, 0, sizeof(sp));
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	(void)pan_detect_buf(s, n, safe_cb, &sp);
	if (sp.overflow) {
		/* too many numbers to mask one by one: hide every digit */
		for (i = 0; i < n; i++)
			out[i] = (s[i] >= '0' && s[i] <= '9') ? '*' : s[i];
		o = n;
		goto clean;
	}
	for (i = 0; i < sp.n; i++) {
		if (sp.start[i] < from || sp.end[i] > n)
			continue;
		memcpy(out + o, s + from, sp.start[i] - from);
		o += sp.start[i] - from;
		o += pan_mask_text(s + sp.start[i], sp.end[i] - sp.start[i],
		    sp.nd[i], PAN_MASK_FIRST6LAST4, '*', out + o);
		from = sp.end[i];
	}
	memcpy(out + o, s + from, n - from);
	o += n - from;
clean:
	out[o] = 0;
	for (i = 0; i < o; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	return out;
}

/* scan_out_human - one line per finding (or per notable verdict) */
void
scan_out_human(FILE *fp, const char *file, const struct scan_result *res)
{
	char *name = scan_safe_text(file, strlen(file));
	const struct scan_finding *f;
	size_t i;

	if (name == NULL)
		return;
	for (i = 0; i < res->nfindings; i++) {
		f = &res->findings[i];
		fprintf(fp, "%s: part %s %s: %s %s %s%s (%s)\n", name,
		    f->part[0] ? f->part : "-", f->where, pan_kind_str(f->kind),
		    f->brand, f->masked.s, f->is_test ? " test-number" : "",
		    pan_conf_str(f->conf));
	}
	if (res->dropped > 0)
		fprintf(fp, "%s: %zu more findings not listed\n", name,
		    res->dropped);
	if (res->verdict != SCAN_CLEAN && res->verdict != SCAN_PAN
	    && (res->verdict != SCAN_TRACK_DATA || res->reason[0]))
		fprintf(fp, "%s: %s%s%s\n", name, scan_verdict_str(res->verdict),
		    res->reason[0] ? ": " : "", res->reason);
	free(name);
}

/* scan_out_finding - one finding as a JSON object */
static json_t *
scan_out_finding(const struct scan_finding *f)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "kind", json_string(pan_kind_str(f->kind)));
	json_object_set_new(o, "brand", json_string(f->brand));
	json_object_set_new(o, "masked", json_string(f->masked.s));
	json_object_set_new(o, "length", json_integer(f->length));
	json_object_set_new(o, "part", json_string(f->part));
	json_object_set_new(o, "where", json_string(f->where));
	json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
	json_object_set_new(o, "confidence", json_string(pan_conf_str(f->conf)));
	if (f->is_test)
		json_object_set_new(o, "test_number", json_true());
	if (f->token[0])
		json_object_set_new(o, "token", json_string(f->token));
	return o;
}

/* scan_out_json - one JSON line for one input */
int
scan_out_json(FILE *fp, const char *file, const struct scan_result *res,
    json_t *decision)
{
	char *name = scan_safe_text(file, strlen(file));
	json_t *o = json_object(), *arr = json_array();
	char *line = NULL;
	size_t i;
	int rc = -1;

	if (name == NULL || o == NULL || arr == NULL)
		goto out;
	json_object_set_new(o, "file", json_string(name));
	json_object_set_new(o, "verdict",
	    json_string(scan_verdict_str(res->verdict)));
	if (res->reason[0])
		json_object_set_new(o, "reason", json_string(res->reason));
	for (i = 0; i < res->nfindings; i++)
		json_array_append_new(arr, scan_out_finding(&res->findings[i]));
	json_object_set(o, "findings", arr);
	if (res->dropped > 0)
		json_object_set_new(o, "findings_not_listed",
		    json_integer((json_int_t)res->dropped));
	if (decision != NULL) {
		json_object_set(o, "decision", decision);
	}
	if ((line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII)) == NULL)
		goto out;
	fprintf(fp, "%s\n", line);
	rc = 0;
out:
	free(line);
	free(name);
	json_decref(arr);
	json_decref(o);
	json_decref(decision);
	return rc;
}
