/*
 * hs_fault.c - an LD_PRELOAD shim that makes reads and writes fail
 * (docs/style.md 38, after jq's src/inject_errors.c), for tests/fault/.
 *
 * Faults are chosen by environment variables, read once:
 *
 *   HS_FAULT_READ_EIO=N      the Nth read(2)/pread(2) on a descriptor >= 3
 *                            fails with EIO (an I/O error mid-input)
 *   HS_FAULT_READ_SHORT=K    every read returns at most K bytes (legal:
 *                            the output must not change)
 *   HS_FAULT_WRITE_ENOSPC=N  the Nth write(2)/fwrite(3) to a descriptor
 *                            >= 3 fails with ENOSPC (fwrite writes half
 *                            first, as a disk filling up mid-call does)
 *   HS_FAULT_WRITE_SHORT=K   every write(2) to a descriptor >= 3 writes at
 *                            most K bytes (legal: the output must not
 *                            change)
 *   HS_FAULT_CLOSE_ENOSPC=1  fclose(3) and close(2) of a file opened for
 *                            writing report ENOSPC (the delayed error of
 *                            NFS and quota-full disks)
 *
 * Descriptors 0-2 are left alone for writes (stdout faults are tested
 * with /dev/full) but not for reads, so that `-` (stdin) input is
 * covered. glibc's stdio calls its internal write, not the interposable
 * one, hence fwrite and fclose are wrapped too. Counting is per process.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static long read_eio, read_short, write_enospc, write_short, close_enospc;
static long reads, writes;

static long
env_long(const char *name)
{
    const char *s = getenv(name);
    return s ? strtol(s, NULL, 10) : 0;
}

__attribute__((constructor)) static void
fault_init(void)
{
    read_eio = env_long("HS_FAULT_READ_EIO");
    read_short = env_long("HS_FAULT_READ_SHORT");
    write_enospc = env_long("HS_FAULT_WRITE_ENOSPC");
    write_short = env_long("HS_FAULT_WRITE_SHORT");
    close_enospc = env_long("HS_FAULT_CLOSE_ENOSPC");
}

/* Sets *fn (a function pointer) to the next definition of name: copied
 * as bytes, the POSIX way around ISO C's ban on casting void * to a
 * function pointer. */
static void
real(void *fn, const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        abort();
    }
    memcpy(fn, &f, sizeof(f));
}

/* 1 when this read must fail; clamps *count for short reads. */
static int
read_fault(int fd, size_t *count)
{
    if (read_short > 0 && *count > (size_t)read_short) {
        *count = (size_t)read_short;
    }
    if (fd >= 3 && read_eio > 0 && ++reads == read_eio) {
        errno = EIO;
        return 1;
    }
    return 0;
}

static int
write_fault(int fd)
{
    if (fd >= 3 && write_enospc > 0 && ++writes == write_enospc) {
        errno = ENOSPC;
        return 1;
    }
    return 0;
}

/* Whether fd was opened for writing (for the close faults). */
static int
writable(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fd >= 3 && fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
}

ssize_t
read(int fd, void *buf, size_t count)
{
    static ssize_t (*f)(int, void *, size_t);
    if (!f) {
        real(&f, "read");
    }
    return read_fault(fd, &count) ? -1 : f(fd, buf, count);
}

ssize_t
pread(int fd, void *buf, size_t count, off_t offset)
{
    static ssize_t (*f)(int, void *, size_t, off_t);
    if (!f) {
        real(&f, "pread");
    }
    return read_fault(fd, &count) ? -1 : f(fd, buf, count, offset);
}

ssize_t
pread64(int fd, void *buf, size_t count, off_t offset)
{
    return pread(fd, buf, count, offset);
}

ssize_t
write(int fd, const void *buf, size_t count)
{
    static ssize_t (*f)(int, const void *, size_t);
    if (!f) {
        real(&f, "write");
    }
    if (write_fault(fd)) {
        return -1;
    }
    if (fd >= 3 && write_short > 0 && count > (size_t)write_short) {
        count = (size_t)write_short;
    }
    return f(fd, buf, count);
}

size_t
fwrite(const void *ptr, size_t size, size_t n, FILE *stream)
{
    static size_t (*f)(const void *, size_t, size_t, FILE *);
    if (!f) {
        real(&f, "fwrite");
    }
    if (write_fault(fileno(stream))) {
        size_t half = f(ptr, size, n / 2, stream);
        errno = ENOSPC;
        return half;
    }
    return f(ptr, size, n, stream);
}

int
fclose(FILE *stream)
{
    static int (*f)(FILE *);
    int w = close_enospc > 0 && writable(fileno(stream));
    int rc;
    if (!f) {
        real(&f, "fclose");
    }
    rc = f(stream);
    if (w && rc == 0) {
        errno = ENOSPC;
        return EOF;
    }
    return rc;
}

int
close(int fd)
{
    static int (*f)(int);
    int w = close_enospc > 0 && writable(fd);
    int rc;
    if (!f) {
        real(&f, "close");
    }
    rc = f(fd);
    if (w && rc == 0) {
        errno = ENOSPC;
        return -1;
    }
    return rc;
}
