/*
 * NAME
 *	cli_scan - the `panmilter --scan` command
 * PROMISES
 *	- Inputs: files (a single message, or an mbox split into messages
 *	  named FILE:N), directories (walked recursively; in a Maildir only
 *	  cur/ and new/ are read), or "-" for standard input.
 *	- Output per the DESIGN.md contract (human lines, or JSON Lines with
 *	  --json); a summary line on stderr; a progress line on stderr when
 *	  it is a terminal. A file that cannot be read is an "error" verdict
 *	  for that file, and the run goes on.
 *	- Exit: 1 when any input holds card data (pan or track_data), else
 *	  2 when any input was an error, else 0.
 * API
 *	cli_scan_main(argc, argv, conf)	argv holds the inputs and scan
 *				options after --scan; conf gives limits and
 *				the token key (may be the defaults).
 */
#ifndef CLI_SCAN_H
#define CLI_SCAN_H

#include "conf.h"

struct cli_scan_opts {
	int json;
	unsigned jobs;
	const char *from;
	const char **rcpts;
	unsigned nrcpts;
	const char *policy;	/* policy file for --rcpt decisions */
};

int cli_scan_main(const struct cli_scan_opts *so, char **inputs, int ninputs,
    const struct conf *conf);

#endif
