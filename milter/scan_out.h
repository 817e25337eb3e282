/*
 * NAME
 *	scan_out - render scan results: human lines or JSON Lines
 * PROMISES
 *	- Output is built from findings (masked values only) and from names
 *	  passed through scan_safe_text(), so it never holds a full PAN.
 *	- JSON follows the --scan contract of DESIGN.md, one object per
 *	  input on one line, written with jansson.
 * API
 *	scan_safe_text(s, n)	malloc'd NUL-terminated copy of n bytes of
 *				s with every PAN masked (first6last4) and
 *				control characters replaced by '?'; NULL on
 *				ENOMEM. The caller frees it.
 *	scan_out_human(fp, file, res)	one line per finding, or one line
 *				for a verdict other than clean/pan.
 *	scan_out_json(fp, file, res, decision)	one JSON line; decision
 *				(a jansson object, may be NULL) is added as
 *				"decision" (reference stolen).
 */
#ifndef SCAN_OUT_H
#define SCAN_OUT_H

#include <stdio.h>

#include <jansson.h>

#include "scan.h"

char *scan_safe_text(const char *s, size_t n);
void scan_out_human(FILE *fp, const char *file,
    const struct scan_result *res);
int scan_out_json(FILE *fp, const char *file, const struct scan_result *res,
    json_t *decision);

#endif
