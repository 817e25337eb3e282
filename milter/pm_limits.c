/* pm_limits - defaults for the engine limits. */
#include "pm_limits.h"

/* pm_limits_default - the documented defaults */
void
pm_limits_default(struct pm_limits *l)
{
	/* Postfix's message_size_limit is 10 MB by default; 50 MiB covers
	 * the large-attachment setups seen on submission servers. */
	l->max_message_size = 50u * 1024 * 1024;
	/* Real mail rarely nests past 5; 32 leaves room for forwards of
	 * forwards while bounding recursion. */
	l->max_depth = 32;
	/* A newsletter has tens of parts; 1000 bounds pathological mail. */
	l->max_parts = 1000;
	/* 4x the message size: base64 shrinks, archives expand. */
	l->max_decoded_size = 200u * 1024 * 1024;
	/* An office document has tens to hundreds of entries. */
	l->max_archive_entries = 1000;
	/* Text compresses ~10:1; 100:1 is past any honest document. */
	l->max_archive_ratio = 100;
	/* zip in zip in zip is already unusual. */
	l->max_archive_depth = 4;
	/* Postfix's milter_content_timeout is 300 s; stay well below. */
	l->scan_timeout = 60;
}
