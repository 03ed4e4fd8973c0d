/*
 * cli/explore_line.c - the explorer's prompt: libedit on a terminal, plain
 * lines otherwise.
 *
 * On a terminal, libedit (through its readline-compatible interface)
 * gives line editing, history (up and down arrows, Ctrl-R) and tab
 * completion: of command names for the first word, and of the dump's
 * type names after `all` and `new`. Without a terminal (a script, a
 * test) lines are read from stdin as they are, with no prompt and no
 * echo, so a session's output is the same every run.
 */
#include "explore.h"

#include <stdlib.h>
#include <string.h>

#include "cli_terminal.h"

#include <editline/readline.h>

#include "cli.h"

static explore *session; /* for the completion callbacks */

/* Yields the command names starting with text, one per call. */
static char *
command_generator(const char *text, int state)
{
    static size_t i, len;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    while (explore_command_names[i]) {
        const char *name = explore_command_names[i++];
        if (strncmp(name, text, len) == 0) {
            return strdup(name);
        }
    }
    return NULL;
}

/* Yields the dump's type names starting with text, one per call. */
static char *
type_generator(const char *text, int state)
{
    static uint32_t i;
    static size_t len;
    const hs_graph *g = session->g;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    while (i < hs_graph_type_count(g)) {
        size_t tlen;
        const char *type = hs_type_name(g, i++, &tlen);
        if (type && tlen >= len && strncmp(type, text, len) == 0) {
            char *copy = malloc(tlen + 1);
            if (copy) {
                memcpy(copy, type, tlen);
                copy[tlen] = '\0';
            }
            return copy;
        }
    }
    return NULL;
}

static char **
complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* no file names */
    if (start == 0) {
        return rl_completion_matches(text, command_generator);
    }
    if (strncmp(rl_line_buffer, "all ", 4) == 0
        || strncmp(rl_line_buffer, "new ", 4) == 0) {
        return rl_completion_matches(text, type_generator);
    }
    return NULL;
}

void
explore_line_init(explore *x)
{
    session = x;
    if (!x->tty) {
        return;
    }
    rl_readline_name = "heapscope";
    /* libedit drives the terminal through the stream's descriptor, which
     * the filtered stdout has not; the prompt and the typed line are ours
     * or the user's, never the dump's. */
    rl_outstream = cli_terminal_stream();
    rl_attempted_completion_function = complete;
    using_history();
    stifle_history(1000);
}

/* A plain line of any length from stdin, without its newline. */
static char *
plain_line(void)
{
    char *line = NULL;
    size_t alloc = 0;
    ssize_t n = getline(&line, &alloc, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
        line[--n] = '\0';
    }
    return line;
}

char *
explore_line_read(explore *x)
{
    char prompt[64];
    char *line;
    if (!x->tty) {
        return plain_line();
    }
    if (x->cur != HS_NO_NODE) {
        snprintf(prompt, sizeof(prompt), "heapscope %llu> ",
                 (unsigned long long)hs_node_address(x->g, x->cur));
    } else {
        snprintf(prompt, sizeof(prompt), "heapscope> ");
    }
    line = readline(prompt);
    if (line && line[strspn(line, " \t")]) {
        add_history(line);
    }
    return line;
}

void
explore_line_end(explore *x)
{
    if (x->tty) {
        clear_history();
    }
    session = NULL;
}
