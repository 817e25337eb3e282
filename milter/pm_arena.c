/*
 * pm_arena - bump allocator over a list of chunks.
 *
 * Chunks grow geometrically (64 KiB up to 16 MiB); a request larger than
 * the next chunk size gets a chunk of its own. Release to a mark frees
 * the chunks allocated after the mark and wipes the tail of the mark's
 * chunk, so per-part scratch does not accumulate over a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pm_arena.h"

#define PM_ARENA_MIN_CHUNK	(64 * 1024)
#define PM_ARENA_MAX_CHUNK	(16 * 1024 * 1024)
#define PM_ARENA_ALIGN		16

struct pm_arena_chunk {
	struct pm_arena_chunk *prev;
	size_t size;		/* usable bytes after the header */
	size_t off;		/* bump offset */
	size_t hw;		/* high-water mark: bytes ever handed out */
	unsigned char *data;
};

struct pm_arena {
	struct pm_arena_chunk *cur;	/* newest chunk, head of the list */
	size_t cap;			/* 0: no cap */
	size_t used;			/* bytes handed out */
	size_t held;			/* bytes in chunks */
	size_t next;			/* size of the next chunk */
	int hit_cap;
};

void (*pm_arena_before_free_hook)(const void *p, size_t n);

/* pm_wipe - zero memory in a way the optimiser cannot remove */
void
pm_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

/* pm_arena_chunk_free - wipe and free one chunk (the part ever used:
 * wiping untouched pages of a 16 MiB chunk cost more than scanning) */
static void
pm_arena_chunk_free(struct pm_arena_chunk *c)
{
	pm_wipe(c->data, c->hw);
	if (pm_arena_before_free_hook != NULL)
		pm_arena_before_free_hook(c->data, c->hw);
	free(c->data);
	free(c);
}

/* pm_arena_new - create an arena holding at most cap bytes */
struct pm_arena *
pm_arena_new(size_t cap)
{
	struct pm_arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->cap = cap;
	a->next = PM_ARENA_MIN_CHUNK;
	return a;
}

/* pm_arena_free - wipe and free every chunk and the arena */
void
pm_arena_free(struct pm_arena *a)
{
	struct pm_arena_chunk *c, *prev;

	if (a == NULL)
		return;
	for (c = a->cur; c != NULL; c = prev) {
		prev = c->prev;
		pm_arena_chunk_free(c);
	}
	free(a);
}

/* pm_arena_reset - wipe everything, keep the oldest chunk for reuse */
void
pm_arena_reset(struct pm_arena *a)
{
	struct pm_arena_mark m = { NULL, 0, 0 };

	pm_arena_release(a, &m);
	a->hit_cap = 0;
}

/* pm_arena_grow - add a chunk able to hold n bytes */
static int
pm_arena_grow(struct pm_arena *a, size_t n)
{
	struct pm_arena_chunk *c;
	size_t size = a->next;

	if (size < n)
		size = n;
	if (a->cap != 0) {
		size_t room = a->held < a->cap ? a->cap - a->held : 0;

		if (n > room) {
			a->hit_cap = 1;
			return -1;
		}
		if (size > room)
			size = room;
	}
	if ((c = malloc(sizeof(*c))) == NULL)
		return -1;
	if ((c->data = malloc(size)) == NULL) {
		free(c);
		return -1;
	}
	c->size = size;
	c->off = 0;
	c->hw = 0;
	c->prev = a->cur;
	a->cur = c;
	a->held += size;
	if (a->next < PM_ARENA_MAX_CHUNK)
		a->next *= 2;
	return 0;
}

/* pm_arena_alloc - bump-allocate n bytes, 16-aligned */
void *
pm_arena_alloc(struct pm_arena *a, size_t n)
{
	struct pm_arena_chunk *c;
	size_t off;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - PM_ARENA_ALIGN) {
		a->hit_cap = 1;
		return NULL;
	}
	c = a->cur;
	off = c ? (c->off + PM_ARENA_ALIGN - 1) & ~(size_t)(PM_ARENA_ALIGN - 1)
		: 0;
	if (c == NULL || off > c->size || n > c->size - off) {
		if (pm_arena_grow(a, n) < 0)
			return NULL;
		c = a->cur;
		off = 0;
	}
	p = c->data + off;
	a->used += (off - c->off) + n;
	c->off = off + n;
	if (c->off > c->hw)
		c->hw = c->off;
	return p;
}

/* pm_arena_calloc - zeroed allocation */
void *
pm_arena_calloc(struct pm_arena *a, size_t n)
{
	void *p = pm_arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* pm_arena_strndup - NUL-terminated copy of at most n bytes */
char *
pm_arena_strndup(struct pm_arena *a, const char *s, size_t n)
{
	char *p = pm_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* pm_arena_mark - remember the current allocation point */
void
pm_arena_mark(struct pm_arena *a, struct pm_arena_mark *m)
{
	m->chunk = a->cur;
	m->off = a->cur ? a->cur->off : 0;
	m->used = a->used;
}

/* pm_arena_release - wipe and give back everything since the mark */
void
pm_arena_release(struct pm_arena *a, const struct pm_arena_mark *m)
{
	struct pm_arena_chunk *c;

	while ((c = a->cur) != NULL && c != m->chunk) {
		if (m->chunk == NULL && c->prev == NULL)
			break;		/* reset: keep the oldest chunk */
		a->cur = c->prev;
		a->held -= c->size;
		pm_arena_chunk_free(c);
	}
	if (c != NULL) {
		size_t keep = (c == m->chunk) ? m->off : 0;

		pm_wipe(c->data + keep, c->off - keep);
		c->off = keep;
	}
	a->used = m->used;
}

/* pm_arena_used - bytes handed out */
size_t
pm_arena_used(const struct pm_arena *a)
{
	return a->used;
}

/* pm_arena_hit_cap - whether an allocation failed on the cap */
int
pm_arena_hit_cap(const struct pm_arena *a)
{
	return a->hit_cap;
}
