/*
 * hs_mapping.c - mapped files and the allocator that borrows from them.
 */
#include "hs_mapping.h"

#include "hs_error.h"
#include "hs_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A snapshot has about twenty arrays; room for every one of them. */
#define MAX_BORROWED 48

typedef struct borrowed {
    const unsigned char *p;
    size_t len;
} borrowed;

struct hs_mapping {
    hs_allocator inner;
    hs_allocator outer;      /* ctx = this mapping */
    unsigned char *data;
    size_t len;
    int mapped;              /* 1: munmap; 0: a copy from inner */
    borrowed arrays[MAX_BORROWED];
    size_t narrays;
};

static int
inside(const hs_mapping *m, const void *p)
{
    const unsigned char *q = p;
    return m->data && q >= m->data && q < m->data + m->len;
}

static void *
map_malloc(void *ctx, size_t size)
{
    hs_mapping *m = ctx;
    return m->inner.malloc(m->inner.ctx, size);
}

static void
map_free(void *ctx, void *p)
{
    hs_mapping *m = ctx;
    if (p && !inside(m, p)) {
        m->inner.free(m->inner.ctx, p);
    }
}

static void *
map_realloc(void *ctx, void *p, size_t size)
{
    hs_mapping *m = ctx;
    void *q;
    if (!p || !inside(m, p)) {
        return m->inner.realloc(m->inner.ctx, p, size);
    }
    for (size_t i = 0; i < m->narrays; i++) {
        if (m->arrays[i].p == p) {
            size_t keep = m->arrays[i].len < size ? m->arrays[i].len : size;
            q = m->inner.malloc(m->inner.ctx, size);
            if (q && keep) {
                memcpy(q, p, keep);
            }
            return q;
        }
    }
    return NULL; /* not an array start: refuse rather than guess a size */
}

static hs_mapping *
new_mapping(const hs_allocator *a)
{
    hs_mapping *m = hs_calloc(a, 1, sizeof(*m));
    if (!m) {
        return NULL;
    }
    m->inner = a ? *a : hs_default_allocator;
    m->outer = (hs_allocator){map_malloc, map_realloc, map_free, m};
    return m;
}

int
hs_mapping_open_fd(hs_mapping **out, int fd, const hs_allocator *a,
                   hs_error *err)
{
    struct stat st;
    hs_mapping *m;
    void *p;
    *out = NULL;
    if (fstat(fd, &st) != 0 || st.st_size < 0) {
        return hs_error_set(err, HS_EIO, "cannot stat: %s", strerror(errno));
    }
    m = new_mapping(a);
    if (!m) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    m->len = (size_t)st.st_size;
    if (m->len) {
        /* NOTE: not MAP_POPULATE: on a private writable mapping it
         * copies every page up front. Faulting on first touch maps 16
         * cached pages at a time (fault-around). */
        p = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            hs_mfree(a, m);
            return hs_error_set(err, HS_EIO, "cannot map: %s", strerror(e));
        }
        m->data = p;
        m->mapped = 1;
    }
    *out = m;
    return HS_OK;
}

int
hs_mapping_open(hs_mapping **out, const char *path, const hs_allocator *a,
                hs_error *err)
{
    int rc, fd = open(path, O_RDONLY | O_CLOEXEC);
    *out = NULL;
    if (fd < 0) {
        return hs_error_set(err, HS_EIO, "cannot open: %s", strerror(errno));
    }
    rc = hs_mapping_open_fd(out, fd, a, err);
    close(fd);
    return rc;
}

int
hs_mapping_from_buffer(hs_mapping **out, const void *data, size_t len,
                       const hs_allocator *a, hs_error *err)
{
    hs_mapping *m = new_mapping(a);
    *out = NULL;
    if (!m) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    if (len) {
        m->data = hs_malloc(a, len);
        if (!m->data) {
            hs_mfree(a, m);
            return hs_error_set(err, HS_ENOMEM, "out of memory");
        }
        memcpy(m->data, data, len);
    }
    m->len = len;
    *out = m;
    return HS_OK;
}

void
hs_mapping_close(hs_mapping *m)
{
    hs_allocator inner;
    if (!m) {
        return;
    }
    inner = m->inner;
    if (m->mapped) {
        munmap(m->data, m->len);
    } else {
        hs_mfree(&inner, m->data);
    }
    hs_mfree(&inner, m);
}

const unsigned char *
hs_mapping_data(const hs_mapping *m)
{
    return m->data;
}

size_t
hs_mapping_size(const hs_mapping *m)
{
    return m->len;
}

void *
hs_mapping_at(hs_mapping *m, uint64_t off)
{
    return m->data + off;
}

int
hs_mapping_borrow(hs_mapping *m, const void *p, size_t len)
{
    if (m->narrays == MAX_BORROWED) {
        return HS_ELIMIT;
    }
    m->arrays[m->narrays++] = (borrowed){p, len};
    return HS_OK;
}

const hs_allocator *
hs_mapping_allocator(const hs_mapping *m)
{
    return &m->outer;
}

const hs_allocator *
hs_mapping_inner(const hs_mapping *m)
{
    return &m->inner;
}
