/*
 * cli/cmd_explore.c - `heapscope explore DUMP [OLD_DUMP]`: walk the
 * reference graph by hand, "like pdb, up and down the reference graph"
 * (meliae's TODO): a prompt with line editing, history and completion,
 * commands that number their listings so the next step is `go N`, and a
 * pager for long output. Without a terminal it reads one command a line
 * from stdin and prints no prompt, which is how scripts and tests drive
 * it. The command table is explore_commands.c, the prompt
 * explore_line.c, the pager and terminal handling explore_pager.c.
 */
#include "cli.h"
#include "explore.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_explore_usage[] =
    "usage: heapscope explore [options] DUMP [OLD_DUMP]\n"
    "\n"
    "Walks the objects of DUMP by hand: go to an object, look at its\n"
    "children and parents, go up, back and forward, ask what keeps it alive.\n"
    "Every listing numbers its lines, so `go 3` follows line 3. With\n"
    "OLD_DUMP (an earlier dump of the same process) `new TYPE` lists the\n"
    "objects that are new since and `leaks` the leak suspects. `top` ranks\n"
    "objects by the memory they retain and `dom` shows what keeps the\n"
    "current one alive. `sql SELECT ...` asks anything in SQL\n"
    "(docs/query.md; OLD_DUMP is dump 1, DUMP dump 2). On a terminal the\n"
    "prompt has line editing, history and tab completion of commands and\n"
    "type names, and long output is paged; otherwise commands are read\n"
    "from stdin, one a line, with no prompt (`heapscope explore dump.json\n"
    "< session.txt`).\n"
    "\n"
    "Commands (`help` in the explorer says more):\n"
    "  summary [N], top [N], all TYPE [N], new [TYPE] [N], find TEXT,\n"
    "  go ADDR|N, show, parents|p, children|c, up [N], back, forward, path,\n"
    "  dominators|dom, leaks [N], refs, dot FILE, sql SELECT ...,\n"
    "  help [COMMAND], quit\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 a dump could not be read or (reading from a\n"
    "script) a command failed, 2 bad usage.\n";

static int
parse_options(int argc, char **argv, cli_load *load)
{
    static const struct option longopts[] = {CLI_LOAD_LONGOPTS,
                                              {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        return cli_bad_option(argv);
    }
    if (argc - optind < 1 || argc - optind > 2) {
        return cli_usage_error("want DUMP, and optionally an older OLD_DUMP");
    }
    return HS_EXIT_OK;
}

/* Runs one line, its output paged on a terminal. */
static bool
run_line(explore *x, char *line, bool *quit)
{
    char *text = NULL;
    size_t len = 0;
    bool ok;
    if (!x->tty) {
        x->out = stdout;
        ok = explore_run(x, line, quit);
        fflush(stdout);
        return ok;
    }
    x->out = open_memstream(&text, &len);
    if (!x->out) {
        cli_die_oom();
    }
    ok = explore_run(x, line, quit);
    fclose(x->out);
    x->out = NULL;
    explore_page(x, text, len);
    free(text);
    return ok;
}

static int
session(explore *x)
{
    bool all_ok = true, quit = false;
    char *line;
    explore_line_init(x);
    if (x->tty) {
        printf("heapscope explore: %s, %llu objects%s. `help` lists the "
               "commands.\n", x->path, (unsigned long long)hs_graph_count(x->g),
               x->old ? " (and an older dump for `new`)" : "");
    }
    while (!quit && (line = explore_line_read(x)) != NULL) {
        all_ok = run_line(x, line, &quit) && all_ok;
        free(line);
    }
    if (x->tty && !quit) {
        putchar('\n');
    }
    explore_line_end(x);
    /* On a terminal a failed command was answered; a script fails. */
    return all_ok || x->tty ? HS_EXIT_OK : HS_EXIT_FAILURE;
}

int
cmd_explore(int argc, char **argv)
{
    explore x;
    cli_load load;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    memset(&x, 0, sizeof(x));
    x.cur = HS_NO_NODE;
    x.tree_top = HS_NO_NODE;
    x.path = argv[optind];
    x.old_path = argc - optind > 1 ? argv[optind + 1] : NULL;
    x.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (!(x.g = cli_load_dump(x.path, &load))) {
        return HS_EXIT_FAILURE;
    }
    x.tree = load.tree;
    if (x.old_path && !(x.old = cli_load_dump(x.old_path, &load))) {
        hs_graph_free(x.g);
        return HS_EXIT_FAILURE;
    }
    rc = session(&x);
    hs_query_free(x.query);
    hs_leaks_free(x.leaks);
    hs_dominators_free(x.dom);
    hs_diff_free(x.diff);
    hs_graph_free(x.old);
    hs_graph_free(x.g);
    free(x.hist);
    free(x.list);
    free(x.open);
    return rc;
}
