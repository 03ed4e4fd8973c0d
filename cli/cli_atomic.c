/*
 * cli/cli_atomic.c - atomic output files and external converters.
 */
#include "cli_atomic.h"

#include "cli.h"

#include <errno.h>
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

/* "<path>.tmp-<pid><suffix>": beside path, so rename() is atomic. */
static char *
temp_name(const char *path, const char *suffix)
{
    size_t size = strlen(path) + strlen(suffix) + 32;
    char *tmp = xmalloc(size);
    snprintf(tmp, size, "%s.tmp-%ld%s", path, (long)getpid(), suffix);
    return tmp;
}

/* Writes text to the temporary file tmp. Errors name path, the file the
 * user asked for: the temporary name is ours, and the message is about
 * their file (`out.html: cannot write: No space left on device`). */
static bool
write_all(const char *tmp, const char *path, const char *text)
{
    FILE *f = fopen(tmp, "wb");
    size_t len = strlen(text);
    bool ok;
    if (!f) {
        cli_error("%s: cannot create: %s", path, strerror(errno));
        return false;
    }
    errno = 0;
    ok = fwrite(text, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        cli_error("%s: cannot write: %s", path,
                  errno ? strerror(errno) : "short write");
        unlink(tmp);
    }
    return ok;
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
    char *tmp = temp_name(path, "");
    bool ok = write_all(tmp, path, text) && rename_into_place(tmp, path);
    free(tmp);
    return ok;
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

bool
cli_convert_to_file(const char *text, const char *in_ext,
                    const char *const argv[], const char *path)
{
    char in_suffix[32], out_suffix[32];
    char *in, *out, *args[32];
    size_t n = 0;
    bool ok = false;
    snprintf(in_suffix, sizeof(in_suffix), ".in.%s", in_ext);
    snprintf(out_suffix, sizeof(out_suffix), ".%s", cli_file_ext(path));
    in = temp_name(path, in_suffix);
    out = temp_name(path, out_suffix);
    for (; argv[n] && n + 1 < sizeof(args) / sizeof(args[0]); n++) {
        args[n] = strcmp(argv[n], "{in}") == 0    ? in
                  : strcmp(argv[n], "{out}") == 0 ? out
                                                  : (char *)(uintptr_t)argv[n];
    }
    args[n] = NULL;
    if (write_all(in, path, text)) {
        ok = run(args) && rename_into_place(out, path);
        unlink(in);
        if (!ok) {
            unlink(out);
        }
    }
    free(in);
    free(out);
    return ok;
}
