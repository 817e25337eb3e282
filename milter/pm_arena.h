/*
 * NAME
 *	pm_arena - per-message memory arena that wipes what it held
 * OWNS
 *	A list of malloc'd chunks. Every byte of a message and everything
 *	derived from it (decoded parts, charset output, archive entries)
 *	lives here; nothing is freed individually.
 * PROMISES
 *	- Every chunk is wiped with explicit_bzero before it is freed or
 *	  reused (reset, release to a mark, free).
 *	- A hard cap on the bytes held: an allocation that would pass it
 *	  fails (NULL, pm_arena_hit_cap() true) instead of growing.
 *	- No realloc: memory that held message bytes is never left behind.
 * API
 *	pm_arena_new(cap)	cap in bytes (0: no cap); NULL on ENOMEM.
 *	pm_arena_free(a)	wipes and frees; NULL is fine.
 *	pm_arena_reset(a)	wipes everything, keeps the first chunk.
 *	pm_arena_alloc(a, n)	n bytes, 16-aligned, not zeroed; NULL when
 *				out of memory or over the cap.
 *	pm_arena_calloc(a, n)	same, zeroed.
 *	pm_arena_strndup(a, s, n)	NUL-terminated copy.
 *	pm_arena_mark(a, m) / pm_arena_release(a, m)	stack discipline:
 *				release wipes and frees everything allocated
 *				since the mark (for per-part scratch).
 *	pm_arena_used(a)	bytes handed out and not released.
 *	pm_arena_hit_cap(a)	an allocation failed because of the cap.
 *	pm_wipe(p, n)		explicit_bzero that the compiler keeps.
 * TEST HOOK
 *	pm_arena_before_free_hook, when set, is called with each chunk
 *	just before free(), so a test can assert it is all zero.
 */
#ifndef PM_ARENA_H
#define PM_ARENA_H

#include <stddef.h>

struct pm_arena;
struct pm_arena_chunk;

struct pm_arena_mark {
	struct pm_arena_chunk *chunk;
	size_t off;
	size_t used;
};

struct pm_arena *pm_arena_new(size_t cap);
void pm_arena_free(struct pm_arena *a);
void pm_arena_reset(struct pm_arena *a);
void *pm_arena_alloc(struct pm_arena *a, size_t n);
void *pm_arena_calloc(struct pm_arena *a, size_t n);
char *pm_arena_strndup(struct pm_arena *a, const char *s, size_t n);
void pm_arena_mark(struct pm_arena *a, struct pm_arena_mark *m);
void pm_arena_release(struct pm_arena *a, const struct pm_arena_mark *m);
size_t pm_arena_used(const struct pm_arena *a);
int pm_arena_hit_cap(const struct pm_arena *a);
void pm_wipe(void *p, size_t n);

extern void (*pm_arena_before_free_hook)(const void *p, size_t n);

#endif
