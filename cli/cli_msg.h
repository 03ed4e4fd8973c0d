/*
 * cli/cli_msg.h - the bottom of the program: messages on stderr, dying on
 * out of memory, and the process's peak memory. Every other cli/ module
 * may use it; it uses none of them.
 *
 * Messages read "heapscope CMD: error: <what>" (docs/style.md 18); the
 * exit codes are hs_exit_code (commands.h).
 */
#ifndef HS_CLI_MSG_H
#define HS_CLI_MSG_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

#include "commands.h"

/* The running subcommand's name, for messages ("summary"); main.c sets
 * it before running the command. */
extern const char *cli_command;

/* "s" unless n is 1, for counts in text: "%llu object%s", n, cli_s(n). */
static inline const char *
cli_s(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* "heapscope CMD: error: <what>" (or warning) on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a library error, or warns of a library warning, with its
 * location: "path:line:column: msg". */
void cli_lib_error(const hs_error *err);
void cli_lib_warning(const hs_error *w);

/* Usage error: message, then a hint; returns HS_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "heapscope: out of memory" on stderr, then exit 1. Unlike lib/, the
 * CLI may exit (docs/style.md 17). */
_Noreturn void cli_die_oom(void);

/* p, or cli_die_oom when it is NULL: for what libc or the library could
 * not allocate. */
void *cli_check_alloc(void *p);

/* malloc that dies on failure (size 0 allocates 1 byte). */
void *xmalloc(size_t size);

/* Peak resident memory of this process in bytes. */
uint64_t cli_peak_rss(void);

#endif
