/*
 * cli/cli_terminal.h - nothing a dump holds can command the terminal.
 *
 * Type names, module names, keys and header fields come from the dump,
 * and a dump is untrusted input: an OSC sequence in a type name could
 * set the window title, write the clipboard (OSC 52) or clear the screen.
 * Rather than trusting every printf to escape its arguments, stdout is
 * one filter: each control character (C0 but tab and newline, DEL, and
 * C1 in its UTF-8 form) comes out as the four characters \xHH.
 */
#ifndef CLI_TERMINAL_H
#define CLI_TERMINAL_H

#include <stdio.h>

/* Replaces stdout with the filter (fully buffered, or line buffered on a
 * terminal). Write errors come back from fflush/ferror as before. */
void cli_terminal_guard(void);

/* Flushes the filter and makes stdout the unfiltered stream again: for
 * bytes that are not text (a PNG on stdout), and at exit. EOF when the
 * flush failed (errno says why; stdout is then unfiltered all the same). */
int cli_terminal_raw(void);

/* The unfiltered stdout stream, for code that needs its descriptor (the
 * line editor drawing the prompt); stdout itself when no filter is on. */
FILE *cli_terminal_stream(void);

#endif
