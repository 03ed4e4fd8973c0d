/*
 * units.c: the service's data, one small object graph a unit, and the
 * roots that hold it: shard dicts, and the observers' deques of log
 * events that never stop growing (the leak of the benchmark story).
 */
#include "gen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Units: the service's data, one small object graph each.
 * --------------------------------------------------------------------- */

typedef struct {
    u64vec shard;               /* refs of the open shard dict */
    size_t nshards;             /* every third is int-keyed */
    u64vec events;              /* dicts in the open deque */
    u64vec roots;               /* closed shards and observers */
    int64_t next_id;
} holders;

static holders hold;

static const char *const PEOPLE[] = {
    "Jos\303\251 Garc\303\255a", "Zo\xc3\xab \xc3\x98rsted",
    "\xe6\x9d\x8e\xe9\x9b\xb7", "Ana \xf0\x9f\x98\x80", "\xc5\x81ukasz",
    "Am\xc3\xa9lie Poulain", "Chlo\xc3\xa9 \xf0\x9f\x8e\x89", "John Smith",
    "Mary Jones", "Wei Zhang", "Priya Patel", "Olivia Brown",
};
#define N_PEOPLE (sizeof(PEOPLE) / sizeof(PEOPLE[0]))


static int64_t
next_id(void)
{
    return hold.next_id++;
}

/*
 * Sessions are kept in shard dicts.  Every third shard is keyed by the
 * session's int (value, key refs); the others by a str token, so meliae
 * lists the values only.
 */
static int
shard_int_keyed(void)
{
    return hold.nshards % 3 == 0;
}

static void
add_session(uint64_t value, uint64_t key)
{
    u64vec_push(&hold.shard, value);
    if (shard_int_keyed()) {
        u64vec_push(&hold.shard, key);
    }
}

static size_t
shard_entries(void)
{
    return shard_int_keyed() ? hold.shard.n / 2 : hold.shard.n;
}

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static uint64_t new_textf(gen *g, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A str record from a format; output is cut at 511 bytes. */
static uint64_t
new_textf(gen *g, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return new_str(g, buf);
}

static void
unit_request(gen *g)
{
    static const char *const prefixes[] = {
        "/api/v1/", "/api/v1/", "/api/v1/", "/api/v2/", "/caf\xc3\xa9/",
        "/search?lang=fr&q=", "/feed/\xf0\x9f\x93\x88/", "/static/",
    };
    int64_t id = next_id();
    char hex[17];
    uint64_t headers[3];
    uint64_t d[5];
    uint64_t inst[2];
    uint64_t key;
    const char *prefix;
    int i;

    for (i = 0; i < 16; i++) {
        hex[i] = "0123456789abcdef"[rnd(g, 16)];
    }
    hex[16] = '\0';
    headers[0] = rt.shared[S_HOST + rnd(g, 2)];
    headers[1] = new_str(g, hex);
    headers[2] = rt.shared[S_UA + rnd(g, 2)];
    prefix = prefixes[rnd(g, 8)];
    d[0] = new_textf(g, "%s%s/%u", prefix, WORDS[rnd(g, N_WORDS)],
                     (unsigned)id);
    d[1] = new_dict_values(g, headers, 3);
    d[2] = new_bigint(g);
    d[3] = rt.color[rnd(g, 3)];
    d[4] = rt.shared[S_METHOD + rnd(g, 4)];
    /* A materialised __dict__: split table, 104 bytes on 3.11. */
    inst[0] = new_container(g, "dict", 104, d, 5, 1);
    inst[1] = rt.cls[CLS_REQUEST];
    key = new_int(g, id);
    add_session(new_instance(g, "Request", 40, inst, 2), key);
}

static void
unit_connection(gen *g)
{
    static const char *const bufs[] = {
        "", "", "HTTP/1.1 200 OK\r\n", "\x16\x03\x01\x02\x00", "PING\r\n",
        "{\"op\": \"sub\"}",
    };
    uint64_t key = new_int(g, next_id());
    const char *buf = bufs[rnd(g, 6)];
    uint64_t v[5];

    v[0] = rt.peers[rnd(g, 50)];
    v[1] = new_bytes(g, (const unsigned char *)buf, strlen(buf));
    v[2] = key;
    v[3] = new_float(g);
    v[4] = rt.cls[CLS_CONNECTION];
    add_session(new_instance(g, "Connection", 40, v, 5), key);
}

static void
unit_order(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t items[4];
    size_t k = 1 + rnd(g, 4);
    uint64_t v[8];
    size_t i;

    for (i = 0; i < k; i++) {
        char sku[32];
        uint64_t t[3];
        snprintf(sku, sizeof(sku), "SKU-%06u", (unsigned)rnd(g, 1000000));
        t[0] = new_str(g, sku);
        t[1] = small_int(1 + (int64_t)rnd(g, 5));
        t[2] = new_float(g);
        items[i] = new_tuple(g, t, 3);
    }
    v[0] = key;
    v[1] = new_leaf(g, "decimal.Decimal", 104);
    v[2] = new_leaf(g, "datetime.datetime", 48);
    v[3] = new_list(g, items, k);
    v[4] = new_textf(g, "%s #%u", PEOPLE[rnd(g, N_PEOPLE)],
                     (unsigned)(hold.next_id % 100));
    v[5] = rt.shared[S_STATUS + rnd(g, 4)];
    v[6] = rt.color[rnd(g, 3)];
    v[7] = rt.cls[CLS_ORDER];
    add_session(new_instance(g, "Order", 40, v, 8), key);
}

static void
unit_user(gen *g)
{
    int64_t id = next_id();
    uint64_t key = new_int(g, id);
    uint64_t tags[4];
    uint64_t scores[12];
    uint64_t prefs[3];
    size_t ntags = rnd(g, 5);
    size_t m = 1 + rnd(g, 6);
    uint64_t v[8];
    size_t i;

    for (i = 0; i < ntags; i++) {
        tags[i] = rt.shared[S_TAG + (i * 2 + rnd(g, 2))];
    }
    for (i = 0; i < m; i++) {
        scores[2 * i] = new_float(g);
        scores[2 * i + 1] = new_int(g, 1000 + (int64_t)rnd(g, 1000000));
    }
    prefs[0] = rt.shared[S_TAG + 6 + rnd(g, 2)];
    prefs[1] = small_int((int64_t)rnd(g, 50));
    prefs[2] = rnd(g, 2) ? ADDR_TRUE : ADDR_FALSE;
    v[0] = new_textf(g, "%s %u", PEOPLE[rnd(g, N_PEOPLE)], (unsigned)id);
    v[1] = new_textf(g, "%s%u@example.com", WORDS[rnd(g, N_WORDS)],
                     (unsigned)id);
    v[2] = new_container(g, "set", set_size(ntags), tags, ntags, 1);
    v[3] = new_dict_vk(g, scores, m);
    v[4] = new_leaf(g, "datetime.datetime", 48);
    v[5] = rnd(g, 4) ? ADDR_TRUE : ADDR_FALSE;
    v[6] = new_dict_values(g, prefs, 3);
    v[7] = rt.cls[CLS_USER];
    add_session(new_instance(g, "User", 40, v, 8), key);
}

static void
unit_slotted(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t v[3] = {key, new_float(g), rt.cls[CLS_SLOTTED]};

    add_session(new_instance(g, "Slotted", 48, v, 3), key);
}

static void
unit_message(gen *g)
{
    int64_t seq = next_id();
    uint64_t key = new_int(g, seq);
    unsigned char payload[256];
    size_t n;
    uint64_t hdr[3];
    uint64_t v[4];

    n = (size_t)snprintf((char *)payload, sizeof(payload),
                         "{\"seq\": %u, \"op\": \"%s\"}",
                         (unsigned)seq, WORDS[rnd(g, N_WORDS)]);
    if (rnd(g, 16) == 0) {
        size_t extra = 4 + rnd(g, 12);
        size_t i;
        for (i = 0; i < extra; i++) {
            payload[n++] = (unsigned char)rnd(g, 256);  /* binary tail */
        }
    }
    hdr[0] = rt.shared[S_METHOD + rnd(g, 4)];
    hdr[1] = rt.shared[S_CTYPE + 1];
    hdr[2] = key;
    v[0] = new_bytes(g, payload, n);
    v[1] = new_tuple(g, hdr, 3);
    v[2] = key;
    v[3] = rt.cls[CLS_MESSAGE];
    add_session(new_instance(g, "Message", 40, v, 4), key);
}

/* Per-endpoint stats: a histogram list of small ints (cheap refs). */
static void
unit_stats(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t buckets[16];
    size_t n = 8 + rnd(g, 9);
    uint64_t v[5];
    size_t i;

    for (i = 0; i < n; i++) {
        buckets[i] = small_int((int64_t)rnd(g, 200));
    }
    v[0] = new_list(g, buckets, n);
    v[1] = key;
    v[2] = new_float(g);
    v[3] = rnd(g, 3) ? ADDR_NONE : rt.shared[S_TAG + rnd(g, 8)];
    v[4] = rt.cls[CLS_STATS];
    add_session(new_instance(g, "Stats", 40, v, 5), key);
}

/* A sample point: a tuple of floats, the leanest lines of a heap. */
static void
unit_point(gen *g)
{
    uint64_t xyz[3];
    uint64_t key = 0;

    if (shard_int_keyed()) {
        key = new_int(g, next_id());
    }
    xyz[0] = new_float(g);
    xyz[1] = new_float(g);
    xyz[2] = new_float(g);
    add_session(new_tuple(g, xyz, 3), key);
}

/* A database row kept as a tuple: mostly small ints, None and bools. */
static void
unit_row(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t r[6];

    r[0] = key;
    r[1] = small_int((int64_t)rnd(g, 100));
    r[2] = rnd(g, 2) ? ADDR_NONE : rt.shared[S_STATUS + rnd(g, 4)];
    r[3] = rnd(g, 2) ? ADDR_TRUE : ADDR_FALSE;
    r[4] = small_int((int64_t)rnd(g, 256));
    r[5] = new_float(g);
    add_session(new_tuple(g, r, 6), key);
}

/* A log event dict, the leak of the benchmark story. */
static void
unit_event(gen *g)
{
    int64_t i = next_id();
    uint64_t d[8];
    uint64_t a;

    if (rnd(g, 10) == 0) {
        /* {"event": i, "text": ..., 7: "int key"}: value, key refs. */
        d[0] = new_int(g, i);
        d[1] = rt.shared[S_EVENT];
        d[2] = new_textf(g, "stopping %s %u", WORDS[rnd(g, N_WORDS)],
                         (unsigned)i);
        d[3] = rt.shared[S_TEXT];
        d[4] = rt.shared[S_INT_KEY];
        d[5] = small_int(7);
        a = new_dict_vk(g, d, 3);
    } else {
        unsigned kind = (unsigned)rnd(g, 100);

        if (kind == 0) {
            d[0] = new_textf(g, "Unhandled error in Deferred:\nTraceback "
                             "(most recent call last):\n  File \"/usr/lib/"
                             "python3/dist-packages/twisted/internet/"
                             "defer.py\", line 857, in _runCallbacks\n    "
                             "current.result = callback(current.result)\n"
                             "%s: request %u failed\n",
                             WORDS[rnd(g, N_WORDS)], (unsigned)i);
        } else if (kind < 35) {
            d[0] = new_textf(g, "%s %u ok", WORDS[rnd(g, N_WORDS)],
                             (unsigned)i);
        } else {
            d[0] = rt.shared[S_FMT + rnd(g, 4)];   /* format only */
        }
        d[1] = rt.shared[S_NS + rnd(g, 4)];
        d[2] = small_int(10 * (1 + (int64_t)rnd(g, 5)));  /* levelno */
        d[3] = new_float(g);
        d[4] = ADDR_NONE;                          /* log_source */
        d[5] = new_float(g);                       /* duration */
        a = new_dict_values(g, d, 6);
    }
    u64vec_push(&hold.events, a);
}

typedef void (*unit_fn)(gen *g);

/* The mix, by units; records per unit vary from 3 to 21. */
static const struct {
    unit_fn fn;
    unsigned weight;
} UNITS[] = {
    {unit_request, 5}, {unit_connection, 4}, {unit_order, 3},
    {unit_user, 4}, {unit_slotted, 12}, {unit_message, 3}, {unit_stats, 9},
    {unit_row, 5}, {unit_point, 10}, {unit_event, 45},
};
#define N_UNITS (sizeof(UNITS) / sizeof(UNITS[0]))

static void
write_unit(gen *g)
{
    unsigned total = 0;
    unsigned pick;
    size_t i;

    for (i = 0; i < N_UNITS; i++) {
        total += UNITS[i].weight;
    }
    pick = (unsigned)rnd(g, total);
    for (i = 0; pick >= UNITS[i].weight; i++) {
        pick -= UNITS[i].weight;
    }
    UNITS[i].fn(g);
    unit_flush(g);
}

/* ------------------------------------------------------------------------
 * Roots, written after what they hold
 * --------------------------------------------------------------------- */

static void
close_shard(gen *g)
{
    if (shard_int_keyed()) {
        u64vec_push(&hold.roots, new_dict_vk(g, hold.shard.v,
                                             hold.shard.n / 2));
    } else {
        u64vec_push(&hold.roots, new_dict_values(g, hold.shard.v,
                                                 hold.shard.n));
    }
    unit_flush(g);
    hold.shard.n = 0;
    hold.nshards++;
}

/* A deque of events held by an observer: 3 records. */
static void
close_deque(gen *g)
{
    size_t n = hold.events.n;
    uint64_t size = 232 + (n / 64 + 1) * 528;
    uint64_t deque = alloc_addr(g, size);
    uint64_t v[3];

    rec_begin(g, deque, "collections.deque", size);
    rec_end(g, hold.events.v, n);
    v[0] = deque;
    v[1] = new_int(g, DEQUE_EVENTS * 4);
    v[2] = rt.cls[CLS_OBSERVER];
    u64vec_push(&hold.roots,
                new_instance(g, "LimitedHistoryLogObserver", 40, v, 3));
    unit_flush(g);
    hold.events.n = 0;
}

/* Spend what is left of the budget so that exactly N records exist. */
static void
write_tail(gen *g)
{
    uint64_t closing = (uint64_t)(hold.shard.n > 0)
                       + 3 * (uint64_t)(hold.events.n > 0) + 1;
    u64vec spare = {NULL, 0, 0};
    uint64_t i;

    if (g->remaining < closing) {
        die("--objects too small for the runtime");
    }
    if (hold.shard.n > 0) {
        close_shard(g);
    }
    if (hold.events.n > 0) {
        close_deque(g);
    }
    if (g->remaining > 1) {
        /* Leaves, then their list (1) and the root list (1). */
        for (i = 0; g->remaining > 2; i++) {
            u64vec_push(&spare, i % 2 ? new_float(g)
                                      : new_textf(g, "spare slot %u",
                                                  (unsigned)i));
        }
        u64vec_push(&hold.roots, new_list(g, spare.v, spare.n));
        unit_flush(g);
    }
    rec_begin(g, rt.root_list, "list", 56 + 8 * hold.roots.n);
    rec_len(g, hold.roots.n);
    rec_end(g, hold.roots.v, hold.roots.n);
    unit_flush(g);
    free(spare.v);
}

void
write_dump(gen *g, uint64_t objects)
{
    hold.next_id = 1000;
    write_runtime(g, objects);
    while (g->remaining > MAX_UNIT_RECORDS + 8) {
        write_unit(g);
        if (shard_entries() >= SHARD_ENTRIES) {
            close_shard(g);
        }
        if (hold.events.n >= DEQUE_EVENTS) {
            close_deque(g);
        }
    }
    write_tail(g);
    out_flush(g);
    if (g->remaining != 0) {
        die("internal: record budget not spent");
    }
    free(hold.shard.v);
    free(hold.events.v);
    free(hold.roots.v);
}

