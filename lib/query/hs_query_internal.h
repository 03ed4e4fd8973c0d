/*
 * hs_query_internal.h - what the SQL session and its virtual tables share.
 *
 * One hs_query owns one SQLite connection and, per dump, the indexes a
 * query may need, each built the first time a query asks (docs/query.md):
 * the live objects grouped by type (types in name order), the dominator
 * tree, the diff with the dump before, the summary. The virtual tables
 * (hs_query_objects, hs_query_edges, hs_query_tables) read graphs and
 * these indexes; nothing here depends on them.
 */
#ifndef HS_QUERY_INTERNAL_H
#define HS_QUERY_INTERNAL_H

#include <heapscope.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>

/* One dump of a session and its lazily built indexes. */
typedef struct hs_query_dump {
    const hs_graph *g;
    char *file;
    /* Live ids grouped by type, the groups in type-name order: group r
     * is by_type[group_start[r] .. group_start[r + 1]); rank[type id] is
     * the group of a type, type_by_rank[r] its id. NULL until used. */
    uint32_t *by_type;
    uint32_t *size_by_type;  /* size of by_type[i]; UINT32_MAX: look up */
    uint64_t *group_start;
    uint32_t *rank;
    uint32_t *type_by_rank;
    hs_dominators *dom;
    hs_diff *diff;           /* with the dump before; NULL for dump 1 */
    hs_summary *summary;
} hs_query_dump;

struct hs_query {
    sqlite3 *db;
    hs_query_dump *dumps;
    size_t ndumps;
    uint64_t rows_read;
    double timeout;          /* seconds a statement may run; 0: forever */
    double deadline;         /* of the running statement */
    volatile sig_atomic_t interrupted;
    volatile sig_atomic_t timed_out;
    bool trusted;   /* our own SQL runs: the authorizer lets it pass */
    char refused[256];       /* why the authorizer said no, for the error */
};

/* Whether the running statement must stop: interrupted, or past its
 * deadline (then timed_out is set). SQLite asks it through the progress
 * handler; the indexes below, built inside one step of SQLite's, ask it
 * themselves (an hs_stop's fn, ctx the session). */
bool hs_query_should_stop(void *q);

/* The indexes of dump d, built on first use. 0, or a negative hs_status
 * with a message in *msg (sqlite3_malloc'ed, for the virtual table's
 * zErrMsg); a build the session stopped (hs_query_should_stop) fails
 * with HS_ELIMIT, and the statement's error says why. */
int hs_query_by_type(hs_query *q, size_t d, char **msg);
int hs_query_dominators(hs_query *q, size_t d, char **msg);
int hs_query_diff(hs_query *q, size_t d, char **msg);
int hs_query_summary(hs_query *q, size_t d, char **msg);

/* The group (rank) of the type named s[0..len) in dump d, or UINT32_MAX
 * when no live object has it. Needs hs_query_by_type. */
uint32_t hs_query_type_rank(const hs_query *q, size_t d, const char *s,
                            size_t len);

/* A size, count or address as SQL shows it: an integer, or its decimal
 * text beyond INT64_MAX (a hostile dump's; CPython's fit). */
void hs_query_result_u64(sqlite3_context *ctx, uint64_t v);

/* An int record's value, the decimal digits s[0..len): an integer when
 * it fits 64 bits, else the digits as text. */
void hs_query_result_digits(sqlite3_context *ctx, const char *s,
                            size_t len);

/* The address an SQL value names, false for a value no address equals
 * (text, a negative or fractional number). */
bool hs_query_value_address(sqlite3_value *v, uint64_t *addr);

/* The virtual tables, registered by hs_query_new as eponymous tables
 * (they exist without CREATE VIRTUAL TABLE, which the authorizer
 * refuses). */
int hs_query_objects_register(hs_query *q);
int hs_query_edges_register(hs_query *q);
int hs_query_tables_register(hs_query *q);

#endif
