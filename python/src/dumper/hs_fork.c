/*
 * hs_fork.c - fork snapshots: the walk runs in a copy of the process, so
 * the process itself pauses only for the fork (Redis's BGSAVE pattern).
 *
 * The parent, holding the GIL, clones itself; every other thread is then
 * parked where it released the GIL, so the child's copy of the heap is as
 * consistent as the heap an in-process dump walks. The child walks that
 * copy-on-write image with the same walk (hs_dump_walk.c: no Python code,
 * no objects but the documented __sizeof__ int), renames its temporary
 * file into place, reports through a pipe and leaves with _exit: no
 * atexit handler, finalizer, buffered stream flush or at-fork hook of the
 * application runs there.
 *
 * Why a bare clone rather than fork() or os.fork():
 *   * os.fork() runs the application's os.register_at_fork handlers and
 *     CPython's own after-fork code (Python code, locks) in the child;
 *   * any fork makes a child that sends SIGCHLD and that waitpid(-1) and
 *     os.wait() return: the application's SIGCHLD handler would run, and
 *     its reaping loop would take our child (or be surprised by it).
 *     A clone whose exit signal is 0 is a "clone child": it sends no
 *     signal and only waitpid(pid, __WCLONE) on its own pid sees it.
 *     (Reparented to init when the parent dies first, it gets SIGCHLD
 *     back from the kernel and is reaped there.)
 * The price: glibc's fork() resets malloc's locks in the child and a
 * bare clone does not, so a lock another thread held at that instant
 * would stay held. The child therefore never calls malloc: the walk's
 * blocks are mapped (hsd_mem_use_mmap) and the few libc calls left are
 * system calls. The __sizeof__ ints go to pymalloc, which the GIL guards;
 * heapscope/_fork.py refuses fork dumps where the object allocator is
 * not pymalloc (tracemalloc tracing, PYTHONMALLOC, -X dev).
 *
 * What else the child does first, and why:
 *   * every caught signal goes back to its default action, with all
 *     signals blocked until then: Python's C handler would write to the
 *     application's wakeup fd (asyncio's self-pipe), shared with the
 *     parent, which would then run a handler for a signal it never got;
 *   * every descriptor but the dump's and the report pipe is closed, so
 *     that a socket or pipe the parent closes during the dump really
 *     closes (its peer sees EOF), not at the child's exit;
 *   * oom_score_adj 1000: under memory pressure the kernel kills the
 *     snapshot, not the service.
 */
#include "hs_dumper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t hs_walk_pid;

/* What the child sends back: fixed size, written once. */
typedef struct fork_report {
    int rc;          /* 0: the dump is complete (and renamed) */
    int err;         /* errno-like, as hs_walk_dump's */
    hs_stats stats;
} fork_report;

/* MARK: the child */

static void
default_signals(const sigset_t *mask)
{
    struct sigaction sa;
    int sig;

    for (sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP
            || sigaction(sig, NULL, &sa) < 0) {
            continue;
        }
        if ((sa.sa_flags & SA_SIGINFO) || (sa.sa_handler != SIG_DFL
                                           && sa.sa_handler != SIG_IGN)) {
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = SIG_DFL;
            sigaction(sig, &sa, NULL);
        }
    }
    sigprocmask(SIG_SETMASK, mask, NULL);
}

static void
close_range_from(int lo, int hi)
{
#ifdef SYS_close_range
    if (lo > hi || syscall(SYS_close_range, lo, hi, 0) == 0) {
        return;
    }
#endif
    /* Kernels before 5.9: one by one, up to the descriptor limit. */
    for (; lo <= hi; lo++) {
        close(lo);
    }
}

static void
close_others(int keep1, int keep2)
{
    struct rlimit rl;
    int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 ^ keep2 ^ lo;
    int top = 1 << 20;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < (rlim_t)top) {
        top = (int)rl.rlim_cur;
    }
    close_range_from(0, lo - 1);
    close_range_from(lo + 1, hi - 1);
    close_range_from(hi + 1, top);
}

static void
volunteer_for_oom(void)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (write(fd, "1000", 4) < 0) {
            /* best effort: the dump goes on either way */
        }
        close(fd);
    }
}

static void
send_report(int fd, const fork_report *rep)
{
    const char *p = (const char *)rep;
    size_t n = sizeof(*rep);

    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

static void
child_main(int fd, int report_fd, const char *tmp, const char *path,
           int gzip, int header, pid_t parent, const sigset_t *mask)
{
    fork_report rep;

    default_signals(mask);
    close_others(fd, report_fd);
    volunteer_for_oom();
    hsd_mem_use_mmap();
    hs_walk_pid = parent;
    memset(&rep, 0, sizeof(rep));
    rep.rc = hs_walk_dump(fd, gzip, header, NULL, 0, &rep.stats, &rep.err);
    if (close(fd) < 0 && rep.rc == 0) {
        rep.rc = -1;    /* NFS and quotas report write errors here */
        rep.err = errno;
    }
    if (tmp != NULL) {
        if (rep.rc == 0 && rename(tmp, path) < 0) {
            rep.rc = -1;
            rep.err = errno;
        }
        if (rep.rc != 0) {
            unlink(tmp);
        }
    }
    send_report(report_fd, &rep);
    _exit(rep.rc == 0 ? 0 : 1);
}

/* MARK: the parent */

PyDoc_STRVAR(hs_fork_dump_doc,
"fork_dump(fd, tmp, path, gzip, header, /) -> (pid, report_fd)\n"
"\n"
"Clone the process and dump it from the clone to fd; the clone renames\n"
"tmp to path when complete (tmp None: fd is written directly) and\n"
"leaves with _exit. Returns at once; fork_wait(pid, report_fd) reaps it.\n"
"See heapscope/_fork.py, which checks that this is safe first.");

static PyObject *
hs_fork_dump(PyObject *module, PyObject *args)
{
    PyObject *tmp_obj, *path_obj, *tmp = NULL, *path = NULL;
    int fd, gzip, header, pipefd[2];
    sigset_t all, old;
    long pid;

    (void)module;
    if (!PyArg_ParseTuple(args, "iOOpp:fork_dump", &fd, &tmp_obj, &path_obj,
                          &gzip, &header)) {
        return NULL;
    }
    if (tmp_obj != Py_None
        && (!PyUnicode_FSConverter(tmp_obj, &tmp)
            || !PyUnicode_FSConverter(path_obj, &path))) {
        goto fail;
    }
    /* Everything the walk sets up lazily is set up here, in the parent:
     * the child must create no object before its walk either. The type
     * table is freed again, since the child frees it with munmap. */
    if (hs_refs_init() < 0) {
        goto fail;
    }
    hs_sizeof_release();
    if (header) {
        hs_memfacts_take();   /* the process's memory, not the clone's */
    }
    if (hs_gclist_collecting()) {
        PyErr_SetString(PyExc_RuntimeError, "heapscope: cannot dump while "
                        "the garbage collector is running");
        goto fail;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto fail;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    /* Exit signal 0: a clone child (see the top of this file). */
    pid = syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        close(pipefd[0]);
        child_main(fd, pipefd[1], tmp ? PyBytes_AS_STRING(tmp) : NULL,
                   path ? PyBytes_AS_STRING(path) : NULL, gzip, header,
                   getppid(), &old);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(pipefd[1]);
    if (pid < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        close(pipefd[0]);
        goto fail;
    }
    Py_XDECREF(tmp);
    Py_XDECREF(path);
    return Py_BuildValue("(li)", pid, pipefd[0]);
fail:
    Py_XDECREF(tmp);
    Py_XDECREF(path);
    return NULL;
}

PyDoc_STRVAR(hs_fork_wait_doc,
"fork_wait(pid, report_fd, /) -> (status, rc, err, objects, bytes)\n"
"\n"
"Wait for the clone fork_dump made (releasing the GIL), reap exactly it\n"
"and close report_fd. status is os.waitpid's; rc is -1 when it sent no\n"
"report (it died), else 0 (complete) or 1 (failed with errno err).\n"
"A complete dump's figures become last_stats().");

static ssize_t
read_report(int fd, fork_report *rep)
{
    char *p = (char *)rep;
    size_t got = 0;

    while (got < sizeof(*rep)) {
        ssize_t k = read(fd, p + got, sizeof(*rep) - got);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        got += (size_t)k;
    }
    return (ssize_t)got;
}

static PyObject *
hs_fork_wait(PyObject *module, PyObject *args)
{
    fork_report rep;
    long pid;
    int fd, status = 0, outcome;
    ssize_t got;
    pid_t r;

    (void)module;
    if (!PyArg_ParseTuple(args, "li:fork_wait", &pid, &fd)) {
        return NULL;
    }
    memset(&rep, 0, sizeof(rep));
    Py_BEGIN_ALLOW_THREADS
    /* EOF comes when the child exits, however it ends. */
    got = read_report(fd, &rep);
    close(fd);
    do {
        r = waitpid((pid_t)pid, &status, __WCLONE);
    } while (r < 0 && errno == EINTR);
    Py_END_ALLOW_THREADS
    if (r < 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    outcome = got != (ssize_t)sizeof(rep) ? -1 : rep.rc == 0 ? 0 : 1;
    if (outcome == 0) {
        hs_module_set_last_stats(&rep.stats);
    }
    return Py_BuildValue("(iiiKK)", status, outcome, rep.err,
                         (unsigned long long)rep.stats.objects,
                         (unsigned long long)rep.stats.file_bytes);
}

PyMethodDef hs_fork_methods[] = {
    {"fork_dump", hs_fork_dump, METH_VARARGS, hs_fork_dump_doc},
    {"fork_wait", hs_fork_wait, METH_VARARGS, hs_fork_wait_doc},
    {NULL, NULL, 0, NULL}
};
