/*
 * cli/cmd_export.c - `heapscope export --sqlite OUT.db DUMP...`: the
 * tables of `heapscope query` as a real SQLite file (docs/query.md).
 *
 * SQLite opens files by name, so the file is made in a private folder
 * (mkdtemp: random, exclusive, mode 0700) beside OUT, where nobody else
 * can plant a symlink or a file of that name, and renamed to OUT when
 * complete: an existing OUT stays as it was until then, and a failure
 * leaves nothing behind. `--csv DIR` writes each table through a file
 * created exclusively under a random name in DIR (mkstemp), renamed
 * when complete.
 */
#include "cli.h"
#include "cli_query.h"
#include "cli_rows.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char cmd_export_usage[] =
    "usage: heapscope export --sqlite OUT.db [options] DUMP...\n"
    "       heapscope export --csv DIR [options] DUMP...\n"
    "\n"
    "Writes the tables of `heapscope query` (objects, with retained sizes,\n"
    "dominators and `new`; edges; types; dumps; docs/query.md) as real\n"
    "tables of a new SQLite file, indexed by address, type, src and dst,\n"
    "for DuckDB, pandas or Datasette; or as CSV files. Dumps are numbered\n"
    "1, 2, ... in the order given (run order). Files are replaced only once\n"
    "complete.\n"
    "\n"
    "Options:\n"
    "  --sqlite OUT.db    the SQLite file to write\n"
    "  --csv DIR          objects.csv, edges.csv, types.csv and dumps.csv in\n"
    "                     DIR (made if missing; files of mode 0600)\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 written, 1 a dump could not be read or OUT not\n"
    "written, 2 bad usage.\n";

enum { OPT_SQLITE = OPT_FIRST_COMMAND_OPTION, OPT_CSV };

/* Exports into dir/export.db, then renames it to out. */
static bool
export_via(hs_query *q, const char *dir, const char *out)
{
    size_t n = strlen(dir) + sizeof("/export.db");
    char *tmp = xmalloc(n);
    hs_error err;
    bool ok;
    snprintf(tmp, n, "%s/export.db", dir);
    ok = hs_query_export_sqlite(q, tmp, &err) == HS_OK;
    if (!ok) {
        cli_error("%s: %s", out, err.message);
    } else if (rename(tmp, out) != 0) {
        cli_error("%s: cannot write: %s", out, strerror(errno));
        ok = false;
    }
    unlink(tmp); /* left only on failure */
    free(tmp);
    return ok;
}

/* What SQLite may leave beside the file when it fails or is killed. */
static void
remove_journals(const char *dir)
{
    static const char *const names[] = {"export.db-journal",
                                        "export.db-wal", "export.db-shm"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(dir) + strlen(names[i]) + 2;
        char *p = xmalloc(n);
        snprintf(p, n, "%s/%s", dir, names[i]);
        unlink(p);
        free(p);
    }
}

static bool
export_sqlite(hs_query *q, const char *out)
{
    size_t n = strlen(out) + sizeof(".tmp-XXXXXX");
    char *dir = xmalloc(n);
    bool ok;
    snprintf(dir, n, "%s.tmp-XXXXXX", out);
    if (!mkdtemp(dir)) {
        cli_error("%s: cannot write: %s", out, strerror(errno));
        free(dir);
        return false;
    }
    ok = export_via(q, dir, out);
    remove_journals(dir);
    rmdir(dir);
    free(dir);
    return ok;
}

/* "DIR/NAME" (caller frees). */
static char *
join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* SELECT * FROM table as CSV into f. */
static bool
write_table(hs_query *q, const char *table, FILE *f, const char *path)
{
    char sql[64];
    hs_query_stmt *st;
    hs_error err = {0};
    size_t used;
    int rc;
    snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
    rc = hs_query_prepare(q, sql, strlen(sql), &used, &st, &err);
    if (rc == 0) {
        rc = cli_rows_print(st, CLI_FORMAT_CSV, true, f, &err);
        hs_query_stmt_free(st);
    }
    if (rc < 0) {
        cli_error("%s: %s", path, err.message);
    }
    return rc == 0;
}

static bool
export_csv_table(hs_query *q, const char *dir, const char *table)
{
    char name[64];
    char *final, *tmp;
    FILE *f = NULL;
    int fd;
    bool ok;
    snprintf(name, sizeof(name), "%s.csv", table);
    final = join(dir, name);
    snprintf(name, sizeof(name), ".%s.csv.tmp-XXXXXX", table);
    tmp = join(dir, name);
    if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w"))) {
        cli_error("%s: cannot write: %s", final, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        ok = false;
    } else {
        ok = write_table(q, table, f, final);
    }
    if (f && (fclose(f) != 0 || !ok)) {
        if (ok) {
            cli_error("%s: cannot write: %s", final, strerror(errno));
        }
        ok = false;
    }
    if (ok && rename(tmp, final) != 0) {
        cli_error("%s: cannot write: %s", final, strerror(errno));
        ok = false;
    }
    if (!ok && fd >= 0) {
        unlink(tmp);
    }
    free(final);
    free(tmp);
    return ok;
}

static bool
export_csv(hs_query *q, const char *dir)
{
    static const char *const tables[] = {"dumps", "types", "objects",
                                         "edges"};
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error("%s: cannot make the folder: %s", dir, strerror(errno));
        return false;
    }
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        if (!export_csv_table(q, dir, tables[i])) {
            return false;
        }
    }
    return true;
}

int
cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_LOAD_LONGOPTS,
        {"sqlite", required_argument, NULL, OPT_SQLITE},
        {"csv", required_argument, NULL, OPT_CSV},
        {NULL, 0, NULL, 0}
    };
    const char *out = NULL, *csv = NULL;
    cli_load load;
    cli_query cq;
    int opt;
    bool ok;
    cli_load_init(&load);
    while ((opt = cli_next_option(argc, argv, "", longopts, &load)) != -1) {
        if (opt == OPT_SQLITE) {
            out = optarg;
        } else if (opt == OPT_CSV) {
            csv = optarg;
        } else {
            return cli_bad_option(argv);
        }
    }
    if (!out && !csv) {
        return cli_usage_error("where to? (--sqlite OUT.db, --csv DIR)");
    }
    if (optind >= argc) {
        return cli_usage_error("which dumps?");
    }
    if (!cli_query_open(&cq, argv + optind, (size_t)(argc - optind),
                        &load)) {
        return HS_EXIT_FAILURE;
    }
    ok = (!out || export_sqlite(cq.q, out)) && (!csv || export_csv(cq.q, csv));
    cli_query_close(&cq);
    return ok ? HS_EXIT_OK : HS_EXIT_FAILURE;
}
