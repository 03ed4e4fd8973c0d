/*
 * cli/cli_addr.h - object addresses on the command line.
 *
 * Addresses are what meliae prints (decimal), or hex with 0x as Python's
 * hex(id(obj)) gives them. A list option such as --exclude may be given
 * many times and each value may hold several addresses separated by
 * commas.
 */
#ifndef HS_CLI_ADDR_H
#define HS_CLI_ADDR_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a decimal or 0x-hex address; false on anything else. */
bool cli_parse_addr(const char *s, uint64_t *out);

/* The positional arguments DUMP ADDR after the options: HS_EXIT_OK with
 * *addr set, or a usage error (printed; HS_EXIT_USAGE). */
int cli_dump_and_address(int argc, char **argv, int first, uint64_t *addr);

/* Addresses collected from options, resolved once the dump is loaded. */
typedef struct cli_addr_list {
    uint64_t *addrs;
    size_t n, alloc;
} cli_addr_list;

/* Adds the comma-separated addresses of arg; prints a usage error naming
 * option and returns false on a bad one. */
bool cli_addr_list_add(cli_addr_list *l, const char *option, const char *arg);
void cli_addr_list_release(cli_addr_list *l);

/* The live object at address s in g (path names the dump in the message):
 * prints "no object at address A in PATH" and returns HS_NO_NODE when
 * none lives there, or a usage error when s is not an address (*usage is
 * then set). */
uint32_t cli_find_object(const hs_graph *g, const char *path, const char *s,
                         bool *usage);

/* Node ids of every address of l, in a new array (caller frees);
 * NULL after printing an error when one is unknown. */
uint32_t *cli_addr_list_resolve(const cli_addr_list *l, const hs_graph *g,
                                const char *path);

#endif
