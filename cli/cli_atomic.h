/*
 * cli/cli_atomic.h - output files written atomically, and rendered with
 * external converters (Graphviz's dot, rsvg-convert).
 *
 * Every file is written under a temporary name beside its final one and
 * renamed into place when complete, so a crash, a full disk or a failed
 * converter never leaves a truncated file under the name asked for, and
 * an existing file stays as it was until the new one is complete. The
 * temporary names are random and created exclusively, never following a
 * symlink (hs_tmpfile_create, include/heapscope.h).
 *
 * An output that exists and is not a regular file (/dev/null, a FIFO, a
 * /proc/self/fd/N link) is written directly instead: replacing it would
 * put a regular file in its place. "-" is standard output.
 */
#ifndef HS_CLI_ATOMIC_H
#define HS_CLI_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>

/* Writes text to path atomically; false after printing an error. */
bool cli_write_file(const char *path, const char *text);

/* 1 if program is found on PATH. */
bool cli_have_program(const char *program);

/* Writes text to a temporary input file (its name ending in .in_ext), runs
 * argv with "{in}" and "{out}" replaced by the temporary input and output
 * names (the output name ending in .out_ext), and renames the output to
 * path (or copies it there, as above). Both temporaries live in a private
 * folder (mode 0700), since the converter opens them by name. argv[0]
 * must be on PATH (check with cli_have_program). False after printing an
 * error (the converter's own messages go to stderr). */
bool cli_convert_to_file(const char *text, const char *in_ext,
                         const char *out_ext, const char *const argv[],
                         const char *path);

/* The extension of path after the last '.', or "" when none. */
const char *cli_file_ext(const char *path);

#endif
