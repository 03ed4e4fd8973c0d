/*
 * hs_prefetch.c - a decoder on its own thread (see hs_prefetch.h).
 *
 * A ring of NCHUNK buffers between the two threads, guarded by one mutex
 * and one condition variable: the producer fills the slot after the last
 * full one while fewer than NCHUNK are full; the consumer copies out of
 * the first full one. The producer stops at the end of the input, at an
 * error (kept and handed over in order), or when told to stop.
 */
#include "hs_prefetch.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <pthread.h>
#include <string.h>

#define NCHUNK 3
#define CHUNK (4u << 20)

typedef struct chunk {
    char *data;
    size_t len, pos;
} chunk;

struct hs_prefetch {
    const hs_allocator *a;
    hs_decoder *dec;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk ring[NCHUNK];
    unsigned head, full;   /* first full slot, number of full slots */
    bool done;             /* the producer has ended */
    bool stop;             /* the consumer asks it to end */
    int rc;                /* the producer's error, handed over last */
    hs_error err;
    uint64_t consumed;
};

/* Fills one chunk; false at the end of input or an error. */
static bool
fill(hs_prefetch *p, chunk *c)
{
    c->len = c->pos = 0;
    while (c->len < CHUNK) {
        size_t got;
        int rc = hs_decoder_read(p->dec, c->data + c->len, CHUNK - c->len,
                                 &got, &p->err);
        if (rc < 0) {
            p->rc = rc;
            return false;
        }
        if (got == 0) {
            return false;
        }
        c->len += got;
    }
    return true;
}

static void *
produce(void *arg)
{
    hs_prefetch *p = arg;
    for (;;) {
        chunk *c;
        bool more;
        pthread_mutex_lock(&p->mu);
        while (p->full == NCHUNK && !p->stop) {
            pthread_cond_wait(&p->cv, &p->mu);
        }
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        c = &p->ring[(p->head + p->full) % NCHUNK];
        pthread_mutex_unlock(&p->mu);
        more = fill(p, c); /* outside the lock: the slow part */
        pthread_mutex_lock(&p->mu);
        if (c->len > 0) {
            p->full++;
        }
        p->consumed = hs_decoder_consumed(p->dec);
        if (!more) {
            p->done = true;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (!more) {
            break;
        }
    }
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int
hs_prefetch_start(hs_prefetch **out, hs_decoder *d, const hs_allocator *a,
                  hs_error *err)
{
    hs_prefetch *p = hs_calloc(a, 1, sizeof(*p));
    *out = NULL;
    if (!p) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    p->a = a;
    p->dec = d;
    for (unsigned i = 0; i < NCHUNK; i++) {
        p->ring[i].data = hs_malloc(a, CHUNK);
        if (!p->ring[i].data) {
            for (unsigned j = 0; j < i; j++) {
                hs_mfree(a, p->ring[j].data);
            }
            hs_mfree(a, p);
            return hs_error_set(err, HS_ENOMEM, "out of memory");
        }
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, produce, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        for (unsigned i = 0; i < NCHUNK; i++) {
            hs_mfree(a, p->ring[i].data);
        }
        hs_mfree(a, p);
        return HS_EIO;
    }
    *out = p;
    return HS_OK;
}

void
hs_prefetch_free(hs_prefetch *p)
{
    if (!p) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    for (unsigned i = 0; i < NCHUNK; i++) {
        hs_mfree(p->a, p->ring[i].data);
    }
    hs_decoder_free(p->dec);
    hs_mfree(p->a, p);
}

int
hs_prefetch_read(hs_prefetch *p, void *dst, size_t cap, size_t *got,
                 hs_error *err)
{
    chunk *c;
    size_t n;
    *got = 0;
    pthread_mutex_lock(&p->mu);
    while (p->full == 0 && !p->done) {
        pthread_cond_wait(&p->cv, &p->mu);
    }
    if (p->full == 0) {
        int rc = p->rc;
        if (rc < 0 && err) {
            char path[sizeof(err->path)];
            memcpy(path, err->path, sizeof(path));
            *err = p->err;
            memcpy(err->path, path, sizeof(path));
        }
        pthread_mutex_unlock(&p->mu);
        return rc;
    }
    c = &p->ring[p->head];
    pthread_mutex_unlock(&p->mu);
    /* The chunk is ours until it is released below. */
    n = c->len - c->pos < cap ? c->len - c->pos : cap;
    memcpy(dst, c->data + c->pos, n);
    c->pos += n;
    *got = n;
    if (c->pos == c->len) {
        pthread_mutex_lock(&p->mu);
        p->head = (p->head + 1) % NCHUNK;
        p->full--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return HS_OK;
}

uint64_t
hs_prefetch_consumed(hs_prefetch *p)
{
    uint64_t v;
    pthread_mutex_lock(&p->mu);
    v = p->consumed;
    pthread_mutex_unlock(&p->mu);
    return v;
}

bool
hs_prefetch_truncated(hs_prefetch *p)
{
    bool t;
    pthread_mutex_lock(&p->mu);
    t = p->done && hs_decoder_truncated(p->dec);
    pthread_mutex_unlock(&p->mu);
    return t;
}
