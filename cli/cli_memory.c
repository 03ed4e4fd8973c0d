/*
 * cli/cli_memory.c - memory the objects do not explain, in info's and
 * leaks' words (the rule is the library's: hs_memory_compare).
 */
#include "cli_memory.h"

#include "cli_retained.h"

#include <stdio.h>

static double
percent(uint64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

void
cli_memory_info(const hs_graph *g, cli_json *w)
{
    const hs_load_stats *st = hs_graph_stats(g);
    const struct {
        const char *name;
        int64_t value;
    } members[] = {
        {"rss_bytes", st->rss_bytes},
        {"allocated_blocks", st->allocated_blocks},
        {"pymalloc_arenas", st->pymalloc_arenas},
        {"pymalloc_arena_bytes", st->pymalloc_arena_bytes},
        {"pymalloc_block_bytes", st->pymalloc_block_bytes},
    };
    uint64_t objects;

    if (st->rss_bytes < 0) {
        return;
    }
    objects = hs_graph_object_bytes(g);
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        if (members[i].value < 0) {
            continue;
        }
        if (w) {
            cli_json_key_i64(w, members[i].name, members[i].value);
        }
        else {
            printf("%-19s %lld\n", members[i].name,
                   (long long)members[i].value);
        }
    }
    if (w) {
        cli_json_key_u64(w, "object_bytes", objects);
        cli_json_key_double(w, "rss_explained",
                            percent(objects, st->rss_bytes), 1);
    }
    else {
        printf("%-19s %llu\n", "object_bytes", (unsigned long long)objects);
        printf("%-19s %.1f %% (the records' sizes against the resident "
               "set)\n", "rss_explained", percent(objects, st->rss_bytes));
    }
}

static const char *
signed_bytes(int64_t v, char *buf, size_t size)
{
    char h[32];

    snprintf(buf, size, "%s%s", v < 0 ? "-" : "",
             cli_human_bytes((uint64_t)(v < 0 ? -v : v), h, sizeof(h)));
    return buf;
}

void
cli_memory_growth(const hs_graph *first, const hs_graph *last,
                  size_t ndumps, cli_json *w)
{
    hs_memory_growth m;
    int64_t objects, rss;
    const char *verdict;
    char a[40], b[40];

    if (hs_memory_compare(first, last, &m) == HS_MEMORY_UNKNOWN) {
        if (w) {
            cli_json_key_null(w, "memory");
        }
        return;
    }
    rss = m.rss_growth;
    objects = m.object_growth;
    verdict = m.verdict == HS_MEMORY_NO_GROWTH ? "none"
              : m.verdict == HS_MEMORY_IN_OBJECTS ? "python_objects"
              : m.verdict == HS_MEMORY_TOO_SMALL ? "too_small"
                                                 : "outside_python_objects";
    if (w) {
        cli_json_key(w, "memory");
        cli_json_object(w);
        cli_json_key_i64(w, "rss_growth", rss);
        cli_json_key_i64(w, "object_growth", objects);
        cli_json_key_cstr(w, "growth_in", verdict);
        cli_json_end_object(w);
        return;
    }
    printf("Memory from dump 1 to %zu: resident set %s, Python objects %s",
           ndumps, signed_bytes(rss, a, sizeof(a)),
           signed_bytes(objects, b, sizeof(b)));
    if (verdict[0] == 'n') {
        printf(": the resident set did not grow\n");
    }
    else if (verdict[0] == 'p') {
        printf(" (%.0f %% of it): the growth is in Python objects\n",
               percent((uint64_t)(objects > 0 ? objects : 0), rss));
    }
    else if (m.verdict == HS_MEMORY_TOO_SMALL) {
        printf(" (%.0f %% of it): too little growth to say where (under "
               "%lld MiB, allocator and interpreter noise)\n",
               percent((uint64_t)(objects > 0 ? objects : 0), rss),
               (long long)(HS_MEMORY_MIN_GROWTH >> 20));
    }
    else {
        printf(" (%.0f %% of it): the growth is outside Python objects; look "
               "at C extensions and native buffers\n",
               percent((uint64_t)(objects > 0 ? objects : 0), rss));
    }
}
