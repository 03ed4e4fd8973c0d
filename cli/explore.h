/*
 * cli/explore.h - what the parts of `heapscope explore` share: the
 * session (dumps, the current object, history, the last listing) and the
 * entry points of the command table (explore_commands.c), the line editor
 * (explore_line.c) and the pager (explore_pager.c).
 */
#ifndef HS_CLI_EXPLORE_H
#define HS_CLI_EXPLORE_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_treestore.h"

/* One numbered line of the last listing: an object, or a type (summary
 * lists types; `go N` on one lists its objects). */
typedef struct explore_item {
    uint32_t id;        /* HS_NO_NODE for a type */
    const char *type;   /* borrowed from the graph; NULL for an object */
    size_t type_len;
} explore_item;

typedef struct explore {
    hs_graph *g;            /* the dump explored */
    hs_graph *old;          /* OLD_DUMP, or NULL */
    hs_diff *diff;          /* old -> g, made on first use */
    hs_dominators *dom;     /* g's dominator tree, made on first use */
    hs_tree_store tree;     /* where it is kept (cli_treestore.h) */
    hs_leaks *leaks;        /* old, g's leak suspects, made on first use */
    hs_query *query;        /* SQL over old (dump 1) and g, on first use */
    const char *path, *old_path;
    uint32_t cur;           /* the current object, or HS_NO_NODE */
    uint32_t *hist;         /* objects visited, for back and forward */
    size_t nhist, hpos, hist_alloc;
    explore_item *list;     /* the last listing's numbered lines */
    size_t nlist, list_alloc;
    FILE *out;              /* where commands write (a page, or stdout) */
    bool tty;               /* stdin and stdout are a terminal */
    /* `tree`: the object it shows the tree below (HS_NO_NODE: the whole
     * heap), the objects opened in it, and whether the last listing is
     * that tree (so `expand N` and `fold N` name its lines). */
    uint32_t tree_top;
    uint32_t *open;
    size_t nopen, open_alloc;
    bool tree_listed;
} explore;

/* MARK: for the command files (explore_commands.c, explore_tree.c) */

/* "error: ..." on stderr; returns false, the command's result. */
bool explore_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Starts a new numbered listing. */
void explore_list_reset(explore *x);
/* "  12  label repr": a numbered object line (label may be NULL); a
 * dangling ref gets no number. */
void explore_list_object(explore *x, uint32_t id, const char *label);
/* An optional count argument: 0 < N <= 500, default def. */
bool explore_count_arg(const char *arg, size_t def, size_t *out);
/* Whether there is a current object (else fails, saying so). */
bool explore_need_current(const explore *x);
/* The dump's dominator tree, made on first use; NULL after failing. */
const hs_dominators *explore_dominators(explore *x);

/* explore_sites.c: `sites`. */
bool explore_sites(explore *x, const char *arg);

/* explore_tree.c: `tree`, `expand N`, `fold N`. */
bool explore_tree(explore *x, const char *arg);
bool explore_expand(explore *x, const char *arg);
bool explore_fold(explore *x, const char *arg);

/* Runs one command line; false when it failed (the message is on
 * stderr). Sets *quit for quit/exit. */
bool explore_run(explore *x, char *line, bool *quit);

/* The command names, NULL-terminated, for completion. */
extern const char *const explore_command_names[];

/* Starts the line editor: libedit on a terminal (history, completion of
 * commands and of the dump's type names), else plain lines. */
void explore_line_init(explore *x);
/* The next line (caller frees with free), or NULL at end of input. */
char *explore_line_read(explore *x);
void explore_line_end(explore *x);

/* Shows text: on a terminal, a screen at a time with a "more" prompt
 * read in raw mode; otherwise written straight out. */
void explore_page(const explore *x, const char *text, size_t len);

/* Raw mode for one keypress (only after isatty): writes frame (a screen
 * and its status line) once raw mode is on, reads the key and restores
 * the terminal at once; also restored at exit and on fatal signals.
 * Returns the key, or -1. */
int explore_read_key(const char *frame, size_t len);

#endif
