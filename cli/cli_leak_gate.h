/*
 * cli_leak_gate.h - `leaks` as a CI verdict: which suspects are known
 * (--ignore, --baseline) and whether one fails the build
 * (--fail-on-growth, --min-growth).
 */
#ifndef CLI_LEAK_GATE_H
#define CLI_LEAK_GATE_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The growth, in objects an interval, under which a suspect never fails
 * a build (see cli_leak_gate.c). */
#define CLI_MIN_GROWTH_DEFAULT 10

#define CLI_LEAK_GATE_MAX_IGNORE 64

typedef struct cli_leak_gate {
    const char *ignore[CLI_LEAK_GATE_MAX_IGNORE];
    size_t nignore;
    char **baseline; /* signatures, sorted */
    size_t nbaseline;
    uint64_t min_growth;
    bool fail_on_growth;
} cli_leak_gate;

void cli_leak_gate_init(cli_leak_gate *g);
void cli_leak_gate_release(cli_leak_gate *g);

/* Reads a baseline file: signatures one a line as `leaks --json` prints
 * them; blank lines and lines starting with '#' are skipped. Returns
 * false after an error naming the file (and line). */
bool cli_leak_gate_read_baseline(cli_leak_gate *g, const char *path);

/* Whether suspect s (of last dump g) is a known one: its owner's type is
 * an --ignore pattern, its signature matches one as a glob, or it is in
 * the baseline. */
bool cli_leak_gate_known(const cli_leak_gate *gate, const hs_graph *g,
                         const hs_leak_suspect *s);

/* Whether s (of a report over ndumps) fails the build: it grows at
 * every dump, by min_growth objects or more in every interval, at a pace
 * (see cli_leak_gate.c). */
bool cli_leak_gate_fails(const cli_leak_gate *gate, const hs_leak_suspect *s,
                         size_t ndumps);

#endif
