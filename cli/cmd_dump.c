/*
 * cli/cmd_dump.c - `heapscope dump --pid PID -o OUT`: dump the heap of a
 * running CPython process that was started without heapscope.
 *
 * This file finds things; python/heapscope/_inject.py does the injection
 * (gdb batch mode, see its docstring), where the tests reach it:
 *
 *   1. the target's interpreter: --python, else /proc/PID/exe;
 *   2. the name scripts/build-python.sh gives its build, its cache_tag
 *      and a hash of its real path ("cpython-311-1f0e3c2a"), by running
 *      that interpreter with -S -c (it must be able to run: an
 *      interpreter embedded in another program needs --python);
 *   3. the dumper built for that interpreter: $HEAPSCOPE_PYTHONPATH, else
 *      build/python/<name> beside this binary's build/bin, else
 *      <prefix>/lib/heapscope/python/<name>, else a heapscope the
 *      interpreter can import (pip install);
 *   4. `<interpreter> -m heapscope._inject --pid PID -o OUT ...` with that
 *      directory on PYTHONPATH; its exit status and messages are ours.
 */
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD "heapscope dump"

typedef struct dump_opts {
    long pid;
    const char *output;
    const char *timeout;
    const char *python;
    const char *compress;
} dump_opts;

const char cmd_dump_usage[] =
    "usage: heapscope dump --pid PID -o OUT [--timeout S] "
    "[--python PATH] [--compress gzip|none]\n"
    "\n"
    "Dump the heap of a running CPython 3.8-3.13 process by attaching\n"
    "gdb to it (needs ptrace permission: root, or the same user when\n"
    "kernel.yama.ptrace_scope is 0). OUT is written atomically.\n"
    "\n"
    "  --pid PID        the process to dump\n"
    "  -o, --output OUT the dump file (.gz compresses)\n"
    "  --timeout S      give up after S seconds (default 60)\n"
    "  --python PATH    the target's interpreter, when /proc/PID/exe\n"
    "                   is not one (an embedded interpreter)\n"
    "  --compress MODE  gzip or none (default: by OUT's name)\n";

static void
usage(FILE *f)
{
    fputs(cmd_dump_usage, f);
}

static int
error(const char *what, const char *detail)
{
    fprintf(stderr, CMD ": error: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    return HS_EXIT_FAILURE;
}

/* Returns the option's value for "--name VALUE" or "--name=VALUE". */
static const char *
opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (strcmp(argv[*i], name) == 0 && *i + 1 < argc) {
        return argv[++*i];
    }
    return NULL;
}

static int
parse_args(int argc, char **argv, dump_opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->pid = -1;
    o->timeout = "60";
    for (i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 1;
        }
        if ((v = opt_value(argc, argv, &i, "--pid")) != NULL) {
            char *end;
            o->pid = strtol(v, &end, 10);
            if (*end != '\0' || o->pid <= 0) {
                o->pid = -1;
                break;
            }
        }
        else if ((v = opt_value(argc, argv, &i, "--output")) != NULL
                 || (v = opt_value(argc, argv, &i, "-o")) != NULL) {
            o->output = v;
        }
        else if ((v = opt_value(argc, argv, &i, "--timeout")) != NULL) {
            o->timeout = v;
        }
        else if ((v = opt_value(argc, argv, &i, "--python")) != NULL) {
            o->python = v;
        }
        else if ((v = opt_value(argc, argv, &i, "--compress")) != NULL) {
            o->compress = v;
        }
        else {
            fprintf(stderr, CMD ": error: unknown argument: %s\n", argv[i]);
            usage(stderr);
            return HS_EXIT_USAGE;
        }
    }
    if (o->pid <= 0 || o->output == NULL || atof(o->timeout) <= 0
        || (o->compress && strcmp(o->compress, "gzip") != 0
            && strcmp(o->compress, "none") != 0)) {
        usage(stderr);
        return HS_EXIT_USAGE;
    }
    return 0;
}

/* execv with a const argument vector: execv never writes to it, but its
 * prototype predates const (POSIX says so in its rationale). */
static void
exec_const(const char *const *argv)
{
    char *const *av;

    memcpy(&av, &argv, sizeof(av));
    execv(argv[0], av);
}

/* Runs argv and returns its first line of stdout in out (or -1). */
static int
capture_line(const char *const *cmd, char *out, size_t outsize)
{
    int fds[2], status;
    ssize_t n;
    size_t len = 0;
    pid_t child;

    if (pipe(fds) < 0) {
        return -1;
    }
    child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (child == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        exec_const(cmd);
        _exit(127);
    }
    close(fds[1]);
    while (len + 1 < outsize
           && (n = read(fds[0], out + len, outsize - 1 - len)) > 0) {
        len += (size_t)n;
    }
    close(fds[0]);
    out[len] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status)
        || WEXITSTATUS(status) != 0 || out[0] == '\0') {
        return -1;
    }
    return 0;
}

static int
is_package_dir(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    snprintf(path, sizeof(path), "%s/heapscope/_inject.py", dir);
    return stat(path, &st) == 0;
}

/* Step 3: the directory holding heapscope/ for this build name, or ""
 * for an installed heapscope. */
static void
find_pythonpath(const char *name, char *out, size_t outsize)
{
    const char *env = getenv("HEAPSCOPE_PYTHONPATH");
    char self[PATH_MAX];
    ssize_t n;

    out[0] = '\0';
    if (env != NULL && env[0] != '\0') {
        snprintf(out, outsize, "%s", env);
        return;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        char *slash;
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';   /* .../build/bin or <prefix>/bin */
            int len = snprintf(out, outsize, "%s/../python/%s", self, name);
            if (len > 0 && (size_t)len < outsize && is_package_dir(out)) {
                return;
            }
            len = snprintf(out, outsize, "%s/../lib/heapscope/python/%s",
                           self, name);
            if (len > 0 && (size_t)len < outsize && is_package_dir(out)) {
                return;
            }
        }
    }
    out[0] = '\0';
}

static int
run_inject(const dump_opts *o, const char *python, const char *pythonpath)
{
    char pid[32];
    const char *cmd[16];
    int k = 0, status;
    pid_t child;

    snprintf(pid, sizeof(pid), "%ld", o->pid);
    cmd[k++] = python;
    if (pythonpath[0] != '\0') {
        cmd[k++] = "-S";   /* the target's site-packages are not needed */
    }
    cmd[k++] = "-m";
    cmd[k++] = "heapscope._inject";
    cmd[k++] = "--pid";
    cmd[k++] = pid;
    cmd[k++] = "-o";
    cmd[k++] = o->output;
    cmd[k++] = "--timeout";
    cmd[k++] = o->timeout;
    if (pythonpath[0] != '\0') {
        cmd[k++] = "--pythonpath";
        cmd[k++] = pythonpath;
    }
    if (o->compress != NULL) {
        cmd[k++] = "--compress";
        cmd[k++] = o->compress;
    }
    cmd[k] = NULL;
    fflush(stdout);
    child = fork();
    if (child < 0) {
        return error("fork", strerror(errno));
    }
    if (child == 0) {
        if (pythonpath[0] != '\0') {
            setenv("PYTHONPATH", pythonpath, 1);
        }
        exec_const(cmd);
        fprintf(stderr, CMD ": error: cannot run %s: %s\n", python,
                strerror(errno));
        _exit(HS_EXIT_FAILURE);
    }
    if (waitpid(child, &status, 0) < 0) {
        return error("waitpid", strerror(errno));
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? HS_EXIT_OK
                                                         : HS_EXIT_FAILURE;
}

int
cmd_dump(int argc, char **argv)
{
    dump_opts o;
    char exe[PATH_MAX], name[64], pythonpath[PATH_MAX], procexe[64];
    const char *python;
    const char *query[5];
    int rc = parse_args(argc, argv, &o);

    if (rc != 0) {
        return rc == 1 ? HS_EXIT_OK : rc;
    }
    snprintf(procexe, sizeof(procexe), "/proc/%ld/exe", o.pid);
    if (kill((pid_t)o.pid, 0) < 0 && errno == ESRCH) {
        return error("no such process", procexe);
    }
    if (o.python != NULL) {
        python = o.python;
    }
    else {
        ssize_t n = readlink(procexe, exe, sizeof(exe) - 1);
        if (n < 0) {
            return error("cannot read the target's executable (permission?)",
                         procexe);
        }
        exe[n] = '\0';
        /* A replaced binary reads "... (deleted)"; /proc still runs it. */
        python = strstr(exe, " (deleted)") ? procexe : exe;
    }
    query[0] = python;
    query[1] = "-S";
    query[2] = "-c";
    /* The folder name of scripts/build-python.sh, computed alike. */
    query[3] = "import hashlib, os, sys; print('%s-%s' % ("
               "sys.implementation.cache_tag, hashlib.sha256(os.fsencode("
               "os.path.realpath(sys.executable))).hexdigest()[:8]))";
    query[4] = NULL;
    if (capture_line(query, name, sizeof(name)) < 0) {
        return error("cannot ask the target's interpreter for its version "
                     "(an embedded interpreter needs --python)", python);
    }
    find_pythonpath(name, pythonpath, sizeof(pythonpath));
    return run_inject(&o, python, pythonpath);
}
