/*
 * hs_stdlib.c - is this C function part of CPython itself?
 *
 * hs_sizeof.c calls a C __sizeof__ only when CPython wrote it: the
 * standard library's implementations are arithmetic on the object, while
 * a third-party extension's could do anything. Type names cannot tell
 * them apart (the C types of _decimal and _elementtree call themselves
 * decimal.Decimal and xml.etree.ElementTree.Element, which a pure-Python
 * class can also be called). Where the function's code lives can: in the
 * interpreter's own binary (the executable or libpython, with the
 * modules built into it) or in a shared object of the standard library's
 * lib-dynload folder.
 *
 * So each dump starts by reading /proc/self/maps and keeping the
 * executable ranges of those files. This is plain system calls into a
 * static buffer, no malloc and no Python, so it also works in a fork
 * snapshot's clone (hs_fork.c). The lib-dynload folder is found once,
 * at module initialisation, where Python may run: the sys.path entry
 * ending in "/lib-dynload". Without /proc (or without that folder on
 * sys.path) nothing, or only the core binary, counts as CPython's, and
 * those objects get their builtin base's size, as third-party ones do.
 */
#include "hs_dumper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RANGES 1024
#define LINE_MAX_LEN (PATH_MAX + 256)

typedef struct range {
    uintptr_t lo, hi;
} range;

static range ranges[MAX_RANGES];
static size_t nranges;
static char dynload_dir[PATH_MAX];   /* with a trailing '/', or "" */
static char core_path[PATH_MAX];

int
hs_stdlib_init(void)
{
    PyObject *path = PySys_GetObject("path");   /* borrowed */
    Py_ssize_t i;

    if (path == NULL || !PyList_Check(path)) {
        return 0;
    }
    for (i = 0; i < PyList_GET_SIZE(path); i++) {
        PyObject *item = PyList_GET_ITEM(path, i);
        const char *s;
        size_t n;

        if (!PyUnicode_Check(item) || (s = PyUnicode_AsUTF8(item)) == NULL) {
            PyErr_Clear();
            continue;
        }
        n = strlen(s);
        if (n >= 12 && n + 2 < sizeof(dynload_dir)
            && strcmp(s + n - 12, "/lib-dynload") == 0) {
            memcpy(dynload_dir, s, n);
            dynload_dir[n] = '/';
            dynload_dir[n + 1] = '\0';
            break;
        }
    }
    return 0;
}

/* One line of /proc/self/maps: "lo-hi perms offset dev inode   path". */
static int
parse_line(char *line, uintptr_t *lo, uintptr_t *hi, int *exec,
           const char **path)
{
    char *p = line, *end;
    int field;

    *lo = (uintptr_t)strtoull(p, &end, 16);
    if (*end != '-') {
        return -1;
    }
    *hi = (uintptr_t)strtoull(end + 1, &p, 16);
    while (*p == ' ') {
        p++;
    }
    *exec = strlen(p) > 3 && p[2] == 'x';
    for (field = 0; field < 4 && *p; field++) {   /* perms offset dev inode */
        while (*p && *p != ' ') {
            p++;
        }
        while (*p == ' ') {
            p++;
        }
    }
    *path = p;
    return 0;
}

typedef void (*line_fn)(char *line, void *arg);

/* Calls fn on every line of /proc/self/maps, read through a static
 * buffer (no malloc: this also runs in a fork snapshot's clone). */
static int
each_map_line(line_fn fn, void *arg)
{
    static char buf[LINE_MAX_LEN * 2];
    size_t len = 0;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    for (;;) {
        ssize_t k = read(fd, buf + len, sizeof(buf) - 1 - len);
        char *start = buf, *nl;

        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        len += (size_t)k;
        buf[len] = '\0';
        while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))
               != NULL) {
            *nl = '\0';
            fn(start, arg);
            start = nl + 1;
        }
        len -= (size_t)(start - buf);
        memmove(buf, start, len);
        if (len == sizeof(buf) - 1) {
            len = 0;   /* a line longer than any path: skipped */
        }
    }
    close(fd);
    return 0;
}

static void
find_core(char *line, void *arg)
{
    uintptr_t lo, hi, addr = (uintptr_t)arg;
    const char *path;
    int exec;

    if (parse_line(line, &lo, &hi, &exec, &path) == 0 && lo <= addr
        && addr < hi && strlen(path) < sizeof(core_path)) {
        strcpy(core_path, path);
    }
}

static void
keep_range(char *line, void *arg)
{
    uintptr_t lo, hi;
    const char *path;
    int exec;
    size_t dn = strlen(dynload_dir);

    (void)arg;
    if (parse_line(line, &lo, &hi, &exec, &path) < 0 || !exec
        || nranges == MAX_RANGES || path[0] != '/') {
        return;
    }
    if ((core_path[0] && strcmp(path, core_path) == 0)
        || (dn && strncmp(path, dynload_dir, dn) == 0
            && strchr(path + dn, '/') == NULL)) {
        ranges[nranges].lo = lo;
        ranges[nranges].hi = hi;
        nranges++;
    }
}

void
hs_stdlib_refresh(void)
{
    nranges = 0;
    core_path[0] = '\0';
    /* Where the interpreter's own code is: a function of the C API. */
    if (each_map_line(find_core, (void *)(uintptr_t)&PyLong_FromLong) < 0) {
        return;
    }
    each_map_line(keep_range, NULL);
}

int
hs_stdlib_owns(const void *fn)
{
    uintptr_t a = (uintptr_t)fn;
    size_t i;

    for (i = 0; i < nranges; i++) {
        if (ranges[i].lo <= a && a < ranges[i].hi) {
            return 1;
        }
    }
    return 0;
}
