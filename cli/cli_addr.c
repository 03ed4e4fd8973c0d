/*
 * cli/cli_addr.c - parsing addresses and finding their objects.
 */
#include "cli_addr.h"

#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
cli_parse_addr(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!((*s >= '0' && *s <= '9')
          || (base == 16 && ((*s >= 'a' && *s <= 'f')
                             || (*s >= 'A' && *s <= 'F'))))) {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool
cli_addr_list_add(cli_addr_list *l, const char *option, const char *arg)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char word[64];
        uint64_t a;
        if (len >= sizeof(word)) {
            len = sizeof(word) - 1;
        }
        memcpy(word, p, len);
        word[len] = '\0';
        if (!cli_parse_addr(word, &a)) {
            cli_usage_error("%s wants addresses, not '%s'", option, arg);
            return false;
        }
        if (l->n == l->alloc) {
            size_t alloc = l->alloc ? l->alloc * 2 : 8;
            uint64_t *v = xmalloc(alloc * sizeof(*v));
            if (l->n) {
                memcpy(v, l->addrs, l->n * sizeof(*v));
            }
            free(l->addrs);
            l->addrs = v;
            l->alloc = alloc;
        }
        l->addrs[l->n++] = a;
        if (!comma) {
            return true;
        }
        p = comma + 1;
    }
}

void
cli_addr_list_release(cli_addr_list *l)
{
    free(l->addrs);
    memset(l, 0, sizeof(*l));
}

uint32_t
cli_find_object(const hs_graph *g, const char *path, const char *s,
                bool *usage)
{
    uint64_t a;
    uint32_t id;
    *usage = false;
    if (!cli_parse_addr(s, &a)) {
        cli_usage_error("'%s' is not an address (decimal or 0x hex)", s);
        *usage = true;
        return HS_NO_NODE;
    }
    id = hs_graph_find(g, a);
    if (id == HS_NO_NODE) {
        cli_error("%s: no object at address %llu", path,
                  (unsigned long long)a);
    }
    return id;
}

uint32_t *
cli_addr_list_resolve(const cli_addr_list *l, const hs_graph *g,
                      const char *path)
{
    uint32_t *ids = xmalloc((l->n ? l->n : 1) * sizeof(*ids));
    for (size_t i = 0; i < l->n; i++) {
        ids[i] = hs_graph_find(g, l->addrs[i]);
        if (ids[i] == HS_NO_NODE) {
            cli_error("%s: no object at address %llu", path,
                      (unsigned long long)l->addrs[i]);
            free(ids);
            return NULL;
        }
    }
    return ids;
}

int
cli_dump_and_address(int argc, char **argv, int first, uint64_t *addr)
{
    if (argc - first != 2) {
        return cli_usage_error(argc - first < 2 ? "want a dump and an address"
                                                : "too many arguments");
    }
    if (!cli_parse_addr(argv[first + 1], addr)) {
        return cli_usage_error("'%s' is not an address (decimal or 0x hex)",
                               argv[first + 1]);
    }
    return HS_EXIT_OK;
}
