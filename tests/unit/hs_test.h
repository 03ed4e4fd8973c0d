/*
 * hs_test.h - the tiny test framework of the C unit tests (docs/style.md 37).
 *
 * A test is a `static void test_x(void)` that calls CHECK* macros; a
 * failed check prints file:line and what differed, and the test goes on.
 * main() is RUN(test_x) for each test, then `return hs_test_end();`,
 * which prints "N passed, M failed" and returns non-zero on any failure.
 *
 *     static void
 *     test_add(void)
 *     {
 *         CHECK_EQ_U64(1 + 1, 2);
 *     }
 *
 *     int
 *     main(void)
 *     {
 *         RUN(test_add);
 *         return hs_test_end();
 *     }
 *
 * hs_test_file() writes a scratch file in a private temporary directory
 * that hs_test_end() removes.
 */
#ifndef HS_TEST_H
#define HS_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HS_TEST_UNUSED __attribute__((unused))

static int hs_test_fails HS_TEST_UNUSED;  /* failed checks, current test */
static int hs_test_npassed HS_TEST_UNUSED;
static int hs_test_nfailed HS_TEST_UNUSED;

static inline bool
hs_test_report(bool ok, const char *file, int line, const char *what)
{
    if (!ok) {
        hs_test_fails++;
        printf("    %s:%d: %s\n", file, line, what);
    }
    return ok;
}

static inline bool
hs_test_u64(uint64_t a, uint64_t b, const char *ea, const char *eb,
            const char *file, int line)
{
    if (a != b) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s == %s: %" PRIu64 " != %" PRIu64, ea,
                 eb, a, b);
        return hs_test_report(false, file, line, msg);
    }
    return true;
}

static inline bool
hs_test_i64(int64_t a, int64_t b, const char *ea, const char *eb,
            const char *file, int line)
{
    if (a != b) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s == %s: %" PRId64 " != %" PRId64, ea,
                 eb, a, b);
        return hs_test_report(false, file, line, msg);
    }
    return true;
}

/* Byte strings; a NULL pointer only equals a NULL pointer. */
static inline bool
hs_test_mem(const void *a, size_t alen, const void *b, size_t blen,
            const char *ea, const char *eb, const char *file, int line)
{
    if ((a == NULL) != (b == NULL)
        || (a && (alen != blen || memcmp(a, b, alen) != 0))) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s == %s: \"%.*s\" (%zu) != \"%.*s\" (%zu)",
                 ea, eb, a ? (int)(alen > 160 ? 160 : alen) : 4,
                 a ? (const char *)a : "NULL", alen,
                 b ? (int)(blen > 160 ? 160 : blen) : 4,
                 b ? (const char *)b : "NULL", blen);
        return hs_test_report(false, file, line, msg);
    }
    return true;
}

#define CHECK(cond) hs_test_report((cond) != 0, __FILE__, __LINE__, #cond)
#define CHECK_EQ_U64(a, b) \
    hs_test_u64((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_EQ_I64(a, b) \
    hs_test_i64((int64_t)(a), (int64_t)(b), #a, #b, __FILE__, __LINE__)
/* NUL-terminated strings (either may be NULL). */
#define CHECK_STR(a, b) \
    hs_test_mem((a), (a) ? strlen(a) : 0, (b), (b) ? strlen(b) : 0, #a, #b, \
                __FILE__, __LINE__)
/* a[0..alen) equals the NUL-terminated b. */
#define CHECK_MEM(a, alen, b) \
    hs_test_mem((a), (alen), (b), (b) ? strlen(b) : 0, #a, #b, __FILE__, \
                __LINE__)

/* MARK: scratch files */

static char hs_test_dir[64] HS_TEST_UNUSED;
static char hs_test_paths[256][128] HS_TEST_UNUSED;
static int hs_test_npaths HS_TEST_UNUSED;

/* Writes data to a new scratch file named name; returns its path
 * (static storage, valid until hs_test_end). Aborts if it cannot. */
static inline const char *
hs_test_file(const char *name, const void *data, size_t len)
{
    char *path;
    FILE *f;
    if (!hs_test_dir[0]) {
        snprintf(hs_test_dir, sizeof(hs_test_dir), "/tmp/hs_unit_XXXXXX");
        if (!mkdtemp(hs_test_dir)) {
            perror("mkdtemp");
            abort();
        }
    }
    if (hs_test_npaths == 256) {
        fprintf(stderr, "hs_test_file: too many scratch files\n");
        abort();
    }
    path = hs_test_paths[hs_test_npaths];
    snprintf(path, 128, "%s/%s", hs_test_dir, name);
    for (int i = 0; i < hs_test_npaths; i++) {
        if (strcmp(hs_test_paths[i], path) == 0) {
            path = hs_test_paths[i]; /* rewritten: already listed */
            break;
        }
    }
    if (path == hs_test_paths[hs_test_npaths]) {
        hs_test_npaths++;
    }
    f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

/* hs_test_file for text. */
static inline const char *
hs_test_text(const char *name, const char *text)
{
    return hs_test_file(name, text, strlen(text));
}

/* MARK: running */

#define RUN(fn) hs_test_run((fn), #fn)

static inline void
hs_test_run(void (*fn)(void), const char *name)
{
    hs_test_fails = 0;
    fn();
    if (hs_test_fails) {
        printf("FAIL %s (%d failed checks)\n", name, hs_test_fails);
        hs_test_nfailed++;
    } else {
        printf("ok   %s\n", name);
        hs_test_npassed++;
    }
    fflush(stdout);
}

static inline int
hs_test_end(void)
{
    for (int i = 0; i < hs_test_npaths; i++) {
        unlink(hs_test_paths[i]);
    }
    if (hs_test_dir[0]) {
        rmdir(hs_test_dir);
    }
    printf("%d passed, %d failed\n", hs_test_npassed, hs_test_nfailed);
    return hs_test_nfailed ? 1 : 0;
}

#endif
