/*
 * cli/cli_atomic.c - atomic output files and external converters.
 */
#include "cli_atomic.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *
cli_file_ext(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    return (dot && (!slash || dot > slash)) ? dot + 1 : "";
}

/* Where a finished output goes. A regular file (or a new name) is
 * replaced atomically. Anything else that exists (a device, a FIFO, a
 * /proc/self/fd link to a pipe or terminal) is written directly: renaming
 * over it would put a regular file in place of /dev/null, or of the
 * reader waiting on a FIFO. "-" is standard output. */
typedef enum { OUT_REPLACE, OUT_DIRECT, OUT_STDOUT } out_kind;

static out_kind
kind_of(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        return OUT_STDOUT;
    }
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) ? OUT_DIRECT
                                                        : OUT_REPLACE;
}

/* The name errors use for path. */
static const char *
shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "standard output" : path;
}

/* Writes len bytes to fd; false with errno set. */
static bool
write_fd(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Opens where path's bytes go when they are not renamed into place:
 * standard output (flushed first: our own printf may precede), or the
 * existing non-regular file. -1 after printing an error. */
static int
open_direct(const char *path)
{
    int fd;
    if (strcmp(path, "-") == 0) {
        if (fflush(stdout) != 0) {
            cli_error("standard output: cannot write: %s", strerror(errno));
            return -1;
        }
        return dup(STDOUT_FILENO);
    }
    /* No O_CREAT: the file exists, and if it vanished meanwhile a
     * regular file must not appear under its name unannounced. */
    fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
    }
    return fd;
}

/* Writes text to the open file fd and closes it. Errors name path, the
 * file the user asked for: the temporary name is ours, and the message
 * is about their file (`out.html: cannot write: No space left on
 * device`). */
static bool
write_and_close(int fd, const char *path, const char *text, size_t len)
{
    bool ok = write_fd(fd, text, len);
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        cli_error("%s: cannot write: %s", shown(path), strerror(e));
    }
    return ok;
}

/* A new temporary file beside path (hs_tmpfile_create), its name
 * in tmp: -1 after printing an error. */
static int
create_temp(const char *path, char *tmp, size_t size)
{
    int fd = hs_tmpfile_create(path, "", 0666, tmp, size);
    if (fd < 0) {
        cli_error("%s: cannot create: %s", path, strerror(errno));
    }
    return fd;
}

static bool
rename_into_place(const char *tmp, const char *path)
{
    if (rename(tmp, path) != 0) {
        cli_error("%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        return false;
    }
    return true;
}

bool
cli_write_file(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    size_t len = strlen(text);
    int fd;
    if (kind_of(path) != OUT_REPLACE) {
        fd = open_direct(path);
        return fd >= 0 && write_and_close(fd, path, text, len);
    }
    fd = create_temp(path, tmp, sizeof(tmp));
    if (fd < 0) {
        return false;
    }
    if (!write_and_close(fd, path, text, len)) {
        unlink(tmp);
        return false;
    }
    return rename_into_place(tmp, path);
}

bool
cli_have_program(const char *program)
{
    const char *path = getenv("PATH");
    char buf[4096];
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, program);
        if (len && access(buf, X_OK) == 0) {
            return true;
        }
        path = colon ? colon + 1 : NULL;
    }
    return false;
}

static bool
run(char *const argv[])
{
    pid_t pid;
    int status, rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) {
        cli_error("cannot run %s: %s", argv[0], strerror(rc));
        return false;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            cli_error("waiting for %s: %s", argv[0], strerror(errno));
            return false;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("%s failed (status %d)", argv[0],
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return false;
    }
    return true;
}

/* Copies the file at from (a converter's output) to the direct
 * destination path. */
static bool
copy_direct(const char *from, const char *path)
{
    char buf[1 << 16];
    ssize_t n;
    bool ok = true;
    int in = open(from, O_RDONLY | O_CLOEXEC), out;
    if (in < 0) {
        cli_error("%s: cannot read the converter's output: %s", shown(path),
                  strerror(errno));
        return false;
    }
    out = open_direct(path);
    if (out < 0) {
        close(in);
        return false;
    }
    while (ok && (n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            ok = errno == EINTR;
            if (!ok) {
                cli_error("%s: cannot read the converter's output: %s",
                          shown(path), strerror(errno));
            }
            continue;
        }
        if (!write_fd(out, buf, (size_t)n)) {
            cli_error("%s: cannot write: %s", shown(path), strerror(errno));
            ok = false;
        }
    }
    close(in);
    if (close(out) != 0 && ok) {
        cli_error("%s: cannot write: %s", shown(path), strerror(errno));
        ok = false;
    }
    return ok;
}

bool
cli_convert_to_file(const char *text, const char *in_ext,
                    const char *out_ext, const char *const argv[],
                    const char *path)
{
    /* The converter creates its output by name, following symlinks: both
     * files live in a folder of our own beside path, where nobody else
     * can plant anything, and the rename out of it stays atomic. */
    char dir[PATH_MAX], in[PATH_MAX + 32], out[PATH_MAX + 32], *args[32];
    char scratch[PATH_MAX];
    out_kind kind = kind_of(path);
    const char *tmpdir = getenv("TMPDIR");
    size_t n = 0;
    bool ok = false;
    int fd;
    /* Beside path when the result is renamed there; else anywhere. */
    snprintf(scratch, sizeof(scratch), "%s/heapscope",
             tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp");
    if (hs_tmpdir_create(kind == OUT_REPLACE ? path : scratch, dir,
                         sizeof(dir)) < 0) {
        cli_error("%s: cannot create a temporary folder: %s", shown(path),
                  strerror(errno));
        return false;
    }
    snprintf(in, sizeof(in), "%s/in.%s", dir, in_ext);
    snprintf(out, sizeof(out), "%s/out.%s", dir, out_ext);
    for (; argv[n] && n + 1 < sizeof(args) / sizeof(args[0]); n++) {
        args[n] = strcmp(argv[n], "{in}") == 0    ? in
                  : strcmp(argv[n], "{out}") == 0 ? out
                                                  : (char *)(uintptr_t)argv[n];
    }
    args[n] = NULL;
    fd = open(in, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        cli_error("%s: cannot create: %s", in, strerror(errno));
    } else if (write_and_close(fd, path, text, strlen(text)) && run(args)) {
        ok = kind == OUT_REPLACE ? rename_into_place(out, path)
                                 : copy_direct(out, path);
    }
    unlink(in);
    unlink(out);
    rmdir(dir);
    return ok;
}
