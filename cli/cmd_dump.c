/*
 * cli/cmd_dump.c - `heapscope dump --pid PID -o OUT`: dump the heap of a
 * running CPython process that was started without heapscope.
 *
 * This file only launches; python/heapscope/_inject.py does the work (the
 * checks of heapscope/_target.py, gdb, waiting for the dump), where the
 * tests reach it. Nothing of the target is executed here: not its binary
 * (root dumping another user's process would run that user's program as
 * root), not a module from the caller's working directory:
 *
 *   1. the dumper builds (scripts/build-python.sh): the folder
 *      $HEAPSCOPE_PYTHONPATH, else the folders under build/python beside
 *      this binary's build/bin, else under <prefix>/lib/heapscope/python,
 *      else, for the program of a pip install (heapscope/_bin/), the
 *      package it is part of;
 *   2. the injector runs on the interpreter a build folder was made for
 *      (its file `interpreter`), the first one whose files and folders
 *      all belong to root or to the caller and are writable by no one
 *      else: `<python> -I -S <folder>/heapscope/_inject.py ...`, by
 *      absolute path, isolated (no cwd on sys.path, no PYTHON* variables),
 *      from the folder /;
 *   3. the injector picks the build that fits the target's Python, read
 *      from /proc, and says why when none does; it runs the gdb found in
 *      PATH, passed by absolute path, only if that one is trusted alike.
 *
 * SIGINT, SIGTERM and SIGHUP reach the injector (which holds them while
 * gdb is inside the target): this process forwards them and waits.
 */
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
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
    const char *fork;       /* "yes", "no", or NULL: where safe */
} dump_opts;

const char cmd_dump_usage[] =
    "usage: heapscope dump --pid PID -o OUT [--timeout S] "
    "[--python PATH] [--compress gzip|none] [--fork|--no-fork]\n"
    "\n"
    "Dump the heap of a running CPython 3.8-3.13 process by attaching\n"
    "gdb to it (needs ptrace permission: root, or the same user when\n"
    "kernel.yama.ptrace_scope is 0). Nothing of the target is executed\n"
    "by the caller; the target writes OUT itself, atomically: an existing\n"
    "OUT is replaced only by a complete dump.\n"
    "\n"
    "  --pid PID        the process to dump\n"
    "  -o, --output OUT the dump file (.gz compresses)\n"
    "  --timeout S      stop waiting after S seconds (default 60); a dump\n"
    "                   not started by then is cancelled\n"
    "  --python PATH    use the dumper built for this interpreter (it is\n"
    "                   not run), when the target's own is not found\n"
    "  --compress MODE  gzip or none (default: by OUT's name)\n"
    "  --fork           the target clones itself and the clone writes OUT,\n"
    "                   so the target pauses only for the clone (default\n"
    "                   where safe: Linux, pymalloc, no tracemalloc)\n"
    "  --no-fork        the target writes OUT itself, paused meanwhile\n";

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

/* A timeout is a finite number of seconds above 0 ("inf" would let a
 * dump that never starts keep the caller forever). */
static int
valid_timeout(const char *text)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    return end != text && *end == '\0' && errno == 0 && isfinite(v)
           && v > 0;
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
        else if (strcmp(argv[i], "--fork") == 0
                 || strcmp(argv[i], "--no-fork") == 0) {
            o->fork = argv[i][2] == 'f' ? "yes" : "no";
        }
        else {
            fprintf(stderr, CMD ": error: unknown argument: %s\n", argv[i]);
            usage(stderr);
            return HS_EXIT_USAGE;
        }
    }
    if (!valid_timeout(o->timeout)) {
        fprintf(stderr, CMD ": error: --timeout takes a finite number of "
                "seconds above 0, not '%s'\n", o->timeout);
        return HS_EXIT_USAGE;
    }
    if (o->pid <= 0 || o->output == NULL || o->output[0] == '\0'
        || (o->compress && strcmp(o->compress, "gzip") != 0
            && strcmp(o->compress, "none") != 0)) {
        usage(stderr);
        return HS_EXIT_USAGE;
    }
    return 0;
}

/* True when path, and every folder above it, belongs to root or to us and
 * may be changed by no one else (a group-writable entry only if its group
 * is root; a sticky folder such as /tmp only protects what is in it, so
 * it counts as safe). Root runs what such a path holds. */
static int
path_trusted(const char *path)
{
    char real[PATH_MAX];
    uid_t me = geteuid();

    if (realpath(path, real) == NULL) {
        return 0;
    }
    for (;;) {
        struct stat st;
        char *slash;
        if (lstat(real, &st) < 0 || (st.st_uid != 0 && st.st_uid != me)) {
            return 0;
        }
        if ((st.st_mode & S_IWOTH) != 0
            && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0)) {
            return 0;
        }
        if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0
            && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0)) {
            return 0;
        }
        slash = strrchr(real, '/');
        if (slash == NULL || real[1] == '\0') {
            return 1;
        }
        slash[slash == real ? 1 : 0] = '\0';
    }
}

typedef struct injector {
    char python[PATH_MAX];   /* a trusted interpreter */
    char script[PATH_MAX];   /* <folder>/heapscope/_inject.py */
    char root[PATH_MAX];     /* the folder of build folders, or "" */
    char folder[PATH_MAX];   /* $HEAPSCOPE_PYTHONPATH, or "" */
} injector;

/* Takes build folder dir for the injector if its interpreter (named by
 * the file iname; <dir>/interpreter when NULL) and script are trusted. */
static int
try_folder(const char *dir, const char *iname, injector *inj)
{
    char path[PATH_MAX];
    FILE *f;
    int ok;
    int len = iname ? snprintf(path, sizeof(path), "%s", iname)
                    : snprintf(path, sizeof(path), "%s/interpreter", dir);

    if (len >= (int)sizeof(path)
        || snprintf(inj->script, sizeof(inj->script),
                    "%s/heapscope/_inject.py", dir)
            >= (int)sizeof(inj->script)
        || (f = fopen(path, "r")) == NULL) {
        return 0;
    }
    ok = fgets(inj->python, sizeof(inj->python), f) != NULL;
    fclose(f);
    inj->python[strcspn(inj->python, "\r\n")] = '\0';
    return ok && inj->python[0] == '/' && access(inj->python, X_OK) == 0
           && path_trusted(inj->python) && path_trusted(inj->script);
}

/* Step 1 and 2 for the folder of build folders root. */
static int
try_root(const char *root, injector *inj)
{
    DIR *d = opendir(root);
    struct dirent *e;
    int found = 0;

    if (d == NULL) {
        return 0;
    }
    while (!found && (e = readdir(d)) != NULL) {
        char dir[PATH_MAX];
        if (strncmp(e->d_name, "cpython-", 8) != 0
            || snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name)
                   >= (int)sizeof(dir)) {
            continue;
        }
        found = try_folder(dir, NULL, inj);
    }
    closedir(d);
    if (found && realpath(root, inj->root) == NULL) {
        return 0;
    }
    return found;
}

static int
find_injector(injector *inj)
{
    const char *env = getenv("HEAPSCOPE_PYTHONPATH");
    const char *const under[] = {"../python", "../lib/heapscope/python"};
    char self[PATH_MAX], root[PATH_MAX], iname[PATH_MAX];
    ssize_t n;
    size_t k;

    memset(inj, 0, sizeof(*inj));
    if (env != NULL && env[0] != '\0') {
        return realpath(env, inj->folder) != NULL
               && try_folder(inj->folder, NULL, inj);
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        return 0;
    }
    self[n] = '\0';
    *strrchr(self, '/') = '\0';   /* .../build/bin or <prefix>/bin */
    for (k = 0; k < sizeof(under) / sizeof(under[0]); k++) {
        if (snprintf(root, sizeof(root), "%s/%s", self, under[k])
                < (int)sizeof(root)
            && try_root(root, inj)) {
            return 1;
        }
    }
    /* A pip install: this program is <site>/heapscope/_bin/heapscope, in
     * the package whose dumper was built for the interpreter that
     * _bin/interpreter names (scripts/build-python.sh). */
    if (snprintf(iname, sizeof(iname), "%s/interpreter", self)
            < (int)sizeof(iname)
        && snprintf(root, sizeof(root), "%s/../..", self) < (int)sizeof(root)
        && realpath(root, inj->folder) != NULL
        && try_folder(inj->folder, iname, inj)) {
        return 1;
    }
    inj->folder[0] = '\0';
    return 0;
}

/* gdb from PATH, as the shell would find it, but only if it is trusted
 * like the interpreter: root's PATH may name a folder others can write.
 * Returns 1 with its path, 0 when there is none (the injector then says
 * how to install it), -1 when the one found is not trusted. */
static int
find_gdb(char *out, size_t size)
{
    const char *path = getenv("PATH");
    const char *p = path != NULL ? path : "/usr/bin:/bin";

    while (*p != '\0') {
        size_t n = strcspn(p, ":");
        if (n > 0 && snprintf(out, size, "%.*s/gdb", (int)n, p) < (int)size
            && access(out, X_OK) == 0) {
            return path_trusted(out) ? 1 : -1;
        }
        p += n + (p[n] == ':');
    }
    return 0;
}

/* OUT as an absolute path: the injector and the target run elsewhere. */
static int
absolute_output(const char *out, char *abs, size_t size)
{
    char cwd[PATH_MAX];

    if (out[0] == '/') {
        return snprintf(abs, size, "%s", out) < (int)size ? 0 : -1;
    }
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        return -1;
    }
    return snprintf(abs, size, "%s/%s", cwd, out) < (int)size ? 0 : -1;
}

static volatile sig_atomic_t child_pid;

static void
forward_signal(int signo)
{
    if (child_pid > 0) {
        kill((pid_t)child_pid, signo);
    }
}

static int
run_injector(const dump_opts *o, const injector *inj, const char *out,
             const char *gdb)
{
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, saved[3];
    sigset_t block, oldmask;
    char pid[32];
    const char *cmd[24];
    int k = 0, status = 0;
    size_t i;
    pid_t child;

    snprintf(pid, sizeof(pid), "%ld", o->pid);
    cmd[k++] = inj->python;
    cmd[k++] = "-I";   /* no cwd, script folder or PYTHON* on sys.path */
    cmd[k++] = "-S";   /* nor site-packages: the injector needs stdlib only */
    cmd[k++] = inj->script;
    cmd[k++] = "--pid";
    cmd[k++] = pid;
    cmd[k++] = "-o";
    cmd[k++] = out;
    cmd[k++] = "--timeout";
    cmd[k++] = o->timeout;
    if (inj->folder[0] != '\0') {
        cmd[k++] = "--pythonpath";
        cmd[k++] = inj->folder;
    }
    else {
        cmd[k++] = "--python-root";
        cmd[k++] = inj->root;
    }
    if (o->python != NULL) {
        cmd[k++] = "--python";
        cmd[k++] = o->python;
    }
    if (o->compress != NULL) {
        cmd[k++] = "--compress";
        cmd[k++] = o->compress;
    }
    if (o->fork != NULL) {
        cmd[k++] = "--fork";
        cmd[k++] = o->fork;
    }
    if (gdb != NULL) {
        cmd[k++] = "--gdb";
        cmd[k++] = gdb;
    }
    cmd[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    /* Blocked over fork, so that a signal that comes before child_pid is
     * known is forwarded once it is, not lost. */
    sigemptyset(&block);
    for (i = 0; i < 3; i++) {
        sigaction(signals[i], &sa, &saved[i]);
        sigaddset(&block, signals[i]);
    }
    sigprocmask(SIG_BLOCK, &block, &oldmask);
    child = fork();
    if (child < 0) {
        sigprocmask(SIG_SETMASK, &oldmask, NULL);
        return error("fork", strerror(errno));
    }
    if (child == 0) {
        char *const *av;
        const char *const *cav = cmd;
        for (i = 0; i < 3; i++) {
            sigaction(signals[i], &saved[i], NULL);
        }
        sigprocmask(SIG_SETMASK, &oldmask, NULL);
        if (chdir("/") < 0) {
            _exit(HS_EXIT_FAILURE);
        }
        /* execv never writes to argv; its prototype predates const. */
        memcpy(&av, &cav, sizeof(av));
        execv(cmd[0], av);
        fprintf(stderr, CMD ": error: cannot run %s: %s\n", cmd[0],
                strerror(errno));
        _exit(HS_EXIT_FAILURE);
    }
    child_pid = child;
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            return error("waitpid", strerror(errno));
        }
    }
    child_pid = 0;
    for (i = 0; i < 3; i++) {
        sigaction(signals[i], &saved[i], NULL);
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
            /* The injector holds these from before it looks at the
             * target: it died of one only before that. */
            fprintf(stderr, CMD ": error: interrupted by signal %d before "
                    "gdb started; process %ld was not touched\n", sig,
                    o->pid);
        }
        else {
            fprintf(stderr, CMD ": error: the injector was killed by "
                    "signal %d; a gdb it started detaches from process %ld "
                    "on its own\n", sig, o->pid);
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? HS_EXIT_OK
                                                         : HS_EXIT_FAILURE;
}

int
cmd_dump(int argc, char **argv)
{
    dump_opts o;
    injector inj;
    char out[PATH_MAX], gdb[PATH_MAX];
    int found_gdb, rc = parse_args(argc, argv, &o);

    if (rc != 0) {
        return rc == 1 ? HS_EXIT_OK : rc;
    }
    if (absolute_output(o.output, out, sizeof(out)) < 0) {
        return error("OUT's path is too long", o.output);
    }
    if (!find_injector(&inj)) {
        return error("no heapscope dumper build with a trusted interpreter "
                     "(build one with scripts/build-python.sh PYTHON, or set "
                     "HEAPSCOPE_PYTHONPATH to its folder; its interpreter "
                     "and files must belong to root or to you and be "
                     "writable by no one else)", NULL);
    }
    found_gdb = find_gdb(gdb, sizeof(gdb));
    if (found_gdb < 0) {
        return error("gdb (or a folder above it) may be changed by another "
                     "user, so it is not run; fix its owner and mode, or "
                     "PATH", gdb);
    }
    return run_injector(&o, &inj, out, found_gdb ? gdb : NULL);
}
