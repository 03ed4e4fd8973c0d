/*
 * fuzz_util.h - what the fuzz targets share: the libFuzzer entry point's
 * prototype, fuzz bytes as a file the public loader can open, and two
 * dumps in one input.
 *
 * hs_graph_load takes a path, not a buffer, so the load and diff targets
 * write each input to an anonymous memory file (memfd_create) and load
 * "/proc/self/fd/N": no disk, nothing left behind, and the same input
 * stream (hs_input, the decoders) that real dumps go through.
 */
#ifndef HS_FUZZ_UTIL_H
#define HS_FUZZ_UTIL_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memory file holding data[0..size): its descriptor (close it), and its
 * path in *path; -1 if it cannot be made (the input is then skipped). */
static inline int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    int fd = memfd_create("heapscope-fuzz", MFD_CLOEXEC);
    size_t done = 0;
    if (fd < 0) {
        return -1;
    }
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

/* Loads data[0..size) with meliae's passes; flags chosen by the caller.
 * One thread: the inputs are small, and libFuzzer wants determinism. */
static inline hs_graph *
fuzz_load(const uint8_t *data, size_t size, hs_load_flags flags)
{
    char path[64];
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    int fd = fuzz_memfile(data, size, path, sizeof(path));
    if (fd < 0) {
        return NULL;
    }
    hs_load_options_init(&opts);
    opts.flags = flags;
    opts.threads = 1;
    g = hs_graph_load(path, &opts, &err);
    close(fd);
    return g;
}

/* Two dumps in one input, OLD, a line "%%", then NEW (fuzz_diff,
 * fuzz_html): *old_size is OLD's length and NEW starts at data + *skip
 * (no separator: all is OLD and NEW is empty). */
static inline void
fuzz_split(const uint8_t *data, size_t size, size_t *old_size, size_t *skip)
{
    static const char separator[] = "\n%%\n";
    const uint8_t *cut = memmem(data, size, separator, sizeof(separator) - 1);
    *old_size = cut ? (size_t)(cut - data) : size;
    *skip = cut ? *old_size + sizeof(separator) - 1 : size;
}

#endif
