/*
 * hs_bigblock.c - blocks of megabytes on huge pages (see hs_bigblock.h).
 *
 * A block is the whole of a mapping, its start and its length multiples
 * of 2 MB, so every page of it may be huge. The live blocks are listed
 * (start and length), under a lock since any thread frees: a free must
 * know the length to unmap, and whether a pointer is a block at all. A
 * block starts on 2 MB and a C library block almost never does (glibc's
 * own mappings start 16 bytes in), so nearly every other pointer is
 * answered without the lock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mremap */
#endif
#include "hs_bigblock.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define UNIT ((size_t)2 << 20)

/* Off where the sanitizers watch the C library's blocks, and off the
 * kernel whose mremap and transparent huge pages they need. */
#if !defined(__linux__) || defined(__SANITIZE_ADDRESS__) \
    || defined(__SANITIZE_THREAD__)
#define BIG_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) \
    || __has_feature(memory_sanitizer)
#define BIG_OFF 1
#endif
#endif

typedef struct big {
    void *p;
    size_t len;
} big;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static big *blocks; /* the live ones, in no order */
static size_t nblocks, cap;

#ifndef BIG_OFF
/* A fork while another thread holds the lock would leave it held in the
 * child for good (a Python program may fork with a load running): the
 * lock is taken around every fork, as the C library does for its own. */
static void
fork_lock(void)
{
    pthread_mutex_lock(&lock);
}

static void
fork_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

static bool on;

/* Once per process, before the first block: the setting, and the fork
 * handlers when blocks are on. HEAPSCOPE_HUGE_PAGES=0 (or "off", "no"):
 * none (docs/cli.md): where the kernel compacts memory for a huge page
 * on the faulting thread, a host short of free memory may rather take
 * small pages. */
static void
init(void)
{
    const char *v = getenv("HEAPSCOPE_HUGE_PAGES");
    on = !v || !(strcmp(v, "0") == 0 || strcmp(v, "off") == 0
                 || strcmp(v, "no") == 0);
    if (on) {
        (void)pthread_atfork(fork_lock, fork_unlock, fork_unlock);
    }
}
#endif

bool
hs_big_enabled(void)
{
#ifdef BIG_OFF
    return false;
#else
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    (void)pthread_once(&once, init);
    return on;
#endif
}

static _Thread_local unsigned small_pages;

void
hs_big_small_pages(bool ask)
{
    if (ask) {
        small_pages++;
    } else if (small_pages) {
        small_pages--;
    }
}

/* size rounded up to whole units, at least one; false past the address
 * space. */
static bool
units(size_t size, size_t *len)
{
    if (size > SIZE_MAX - 2 * UNIT) {
        return false;
    }
    *len = size ? (size + UNIT - 1) & ~(UNIT - 1) : UNIT;
    return true;
}

/* A fresh mapping of len bytes (whole units) starting on a unit: one unit
 * more is mapped, and what lies outside the aligned part given back. */
static void *
map_aligned(size_t len)
{
    uintptr_t raw, at;
    void *m = mmap(NULL, len + UNIT, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return NULL;
    }
    raw = (uintptr_t)m;
    at = (raw + UNIT - 1) & ~(UNIT - 1);
    if (at > raw) {
        (void)munmap(m, at - raw);
    }
    (void)munmap((void *)(at + len), raw + UNIT - at); /* never empty */
#ifdef MADV_HUGEPAGE
    (void)madvise((void *)at, len, MADV_HUGEPAGE);
#endif
    return (void *)at;
}

/* The list's entry for p, or NULL. Pre: the lock is held. */
static big *
find(const void *p)
{
    for (size_t i = 0; i < nblocks; i++) {
        if (blocks[i].p == p) {
            return &blocks[i];
        }
    }
    return NULL;
}

/* Lists a new block; false when the list cannot grow. */
static bool
add(void *p, size_t len)
{
    bool ok = true;
    pthread_mutex_lock(&lock);
    if (nblocks == cap) {
        size_t n = cap ? 2 * cap : 64;
        big *b = realloc(blocks, n * sizeof(*b));
        if (b) {
            blocks = b;
            cap = n;
        } else {
            ok = false;
        }
    }
    if (ok) {
        blocks[nblocks++] = (big){p, len};
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

void *
hs_big_alloc(size_t size)
{
    size_t len;
    void *p;
    if (small_pages || !hs_big_enabled() || !units(size, &len)) {
        return NULL;
    }
    p = map_aligned(len);
    if (p && !add(p, len)) {
        (void)munmap(p, len);
        p = NULL;
    }
    return p;
}

bool
hs_big_owns(const void *p)
{
    bool owns;
    if (((uintptr_t)p & (UNIT - 1)) != 0 || !p) {
        return false;
    }
    pthread_mutex_lock(&lock);
    owns = find(p) != NULL;
    pthread_mutex_unlock(&lock);
    return owns;
}

/* Moves the pages of [p, p + len) to a fresh aligned mapping of newlen
 * bytes (more than len), which the move replaces; NULL on failure. */
static void *
move_grown(void *p, size_t len, size_t newlen)
{
    void *at = map_aligned(newlen), *q;
    if (!at) {
        return NULL;
    }
    q = mremap(p, len, newlen, MREMAP_MAYMOVE | MREMAP_FIXED, at);
    if (q == MAP_FAILED) {
        (void)munmap(at, newlen);
        return NULL;
    }
    return q;
}

void *
hs_big_realloc(void *p, size_t size)
{
    size_t newlen;
    big *b;
    void *q;
    if (!units(size, &newlen)) {
        return NULL;
    }
    /* Under the lock throughout: the entry is updated after the move. A
     * block is resized by one thread at a time, as with realloc. */
    pthread_mutex_lock(&lock);
    b = find(p);
    q = b ? p : NULL;
    if (b && newlen < b->len) {
        (void)munmap((char *)p + newlen, b->len - newlen);
        b->len = newlen;
    } else if (b && newlen > b->len) {
        q = mremap(p, b->len, newlen, 0); /* in place, when room */
        if (q == MAP_FAILED) {
            q = move_grown(p, b->len, newlen);
        }
        if (q) {
            b->p = q;
            b->len = newlen;
        }
    }
    pthread_mutex_unlock(&lock);
    return q;
}

void
hs_big_free(void *p)
{
    big *b;
    pthread_mutex_lock(&lock);
    b = find(p);
    if (b) {
        (void)munmap(b->p, b->len);
        *b = blocks[--nblocks];
    }
    pthread_mutex_unlock(&lock);
}
