/*
 * test_mem.c - the injectable allocator, checked sizes and hs_grow.
 */
#include "hs_test.h"

#include "util/hs_mem.h"

#include <sys/mman.h>
#include <unistd.h>

typedef struct counting {
    int mallocs, reallocs, frees;
    size_t last_size;
    int fail_realloc;
} counting;

static void *
c_malloc(void *ctx, size_t size)
{
    counting *c = ctx;
    c->mallocs++;
    c->last_size = size;
    return malloc(size);
}

static void *
c_realloc(void *ctx, void *ptr, size_t size)
{
    counting *c = ctx;
    c->reallocs++;
    c->last_size = size;
    return c->fail_realloc ? NULL : realloc(ptr, size);
}

static void
c_free(void *ctx, void *ptr)
{
    counting *c = ctx;
    c->frees++;
    free(ptr);
}

static void
test_size_mul(void)
{
    size_t out = 7;
    CHECK(hs_size_mul(3, 5, &out));
    CHECK_EQ_U64(out, 15);
    CHECK(hs_size_mul(0, SIZE_MAX, &out));
    CHECK_EQ_U64(out, 0);
    CHECK(hs_size_mul(SIZE_MAX, 1, &out));
    CHECK_EQ_U64(out, SIZE_MAX);
    CHECK(!hs_size_mul(SIZE_MAX / 2 + 1, 2, &out));
    CHECK(!hs_size_mul((size_t)1 << 32, (size_t)1 << 32, &out));
    CHECK(hs_size_mul(((size_t)1 << 32) - 1, ((size_t)1 << 32) + 1, &out));
    CHECK_EQ_U64(out, SIZE_MAX);
}

static void
test_size_add(void)
{
    size_t out = 0;
    CHECK(hs_size_add(SIZE_MAX - 1, 1, &out));
    CHECK_EQ_U64(out, SIZE_MAX);
    CHECK(!hs_size_add(SIZE_MAX, 1, &out));
    CHECK(!hs_size_add(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, &out));
}

static void
test_grow_doubles(void)
{
    counting c = {0};
    hs_allocator a = {c_malloc, c_realloc, c_free, &c};
    int *arr = NULL;
    size_t alloc = 0;
    CHECK_EQ_I64(HS_GROW(&a, arr, 1, alloc), HS_OK);
    CHECK_EQ_U64(alloc, 16); /* the minimum */
    CHECK_EQ_U64(c.last_size, 16 * sizeof(int));
    arr[15] = 42;
    CHECK_EQ_I64(HS_GROW(&a, arr, 16, alloc), HS_OK);
    CHECK_EQ_I64(c.reallocs, 1); /* already big enough: no call */
    CHECK_EQ_I64(HS_GROW(&a, arr, 17, alloc), HS_OK);
    CHECK_EQ_U64(alloc, 32);
    CHECK_EQ_I64(arr[15], 42);
    CHECK_EQ_I64(HS_GROW(&a, arr, 1000, alloc), HS_OK);
    CHECK_EQ_U64(alloc, 1024);
    CHECK_EQ_I64(c.reallocs, 3);
    hs_mfree(&a, arr);
    CHECK_EQ_I64(c.frees, 1);
}

static void
test_grow_overflow(void)
{
    counting c = {0};
    hs_allocator a = {c_malloc, c_realloc, c_free, &c};
    char *arr = NULL;
    size_t alloc = 0;
    void *before;
    CHECK_EQ_I64(HS_GROW(&a, arr, 10, alloc), HS_OK);
    before = arr;
    /* Doubling past SIZE_MAX: refused before any allocation. */
    CHECK_EQ_I64(hs_grow(&a, (void **)&arr, 1, SIZE_MAX, &alloc), HS_ENOMEM);
    /* Count fits, bytes do not. */
    CHECK_EQ_I64(hs_grow(&a, (void **)&arr, 1u << 20, SIZE_MAX / 1024,
                         &alloc), HS_ENOMEM);
    CHECK_EQ_I64(c.reallocs, 1);
    CHECK(arr == before);
    CHECK_EQ_U64(alloc, 16);
    /* A failing realloc leaves the array as it was. */
    c.fail_realloc = 1;
    CHECK_EQ_I64(HS_GROW(&a, arr, 100, alloc), HS_ENOMEM);
    CHECK(arr == before);
    CHECK_EQ_U64(alloc, 16);
    hs_mfree(&a, arr);
}

static void
test_allocator_calls(void)
{
    counting c = {0};
    hs_allocator a = {c_malloc, c_realloc, c_free, &c};
    char *p = hs_malloc(&a, 0);
    CHECK(p != NULL);
    CHECK_EQ_U64(c.last_size, 1); /* size 0 asks for 1 byte */
    hs_mfree(&a, p);
    hs_mfree(&a, NULL);
    CHECK_EQ_I64(c.frees, 1); /* NULL is not passed on */
    p = hs_calloc(&a, 5, 3);
    CHECK(p != NULL);
    for (int i = 0; i < 15; i++) {
        CHECK_EQ_I64(p[i], 0);
    }
    hs_mfree(&a, p);
    CHECK(hs_calloc(&a, SIZE_MAX / 2, 3) == NULL);
    CHECK_EQ_I64(c.mallocs, 2); /* the overflow never reached malloc */
    p = hs_strndup(&a, "hello world", 5);
    CHECK_STR(p, "hello");
    hs_mfree(&a, p);
    p = hs_strndup(NULL, "abc", 3);
    CHECK_STR(p, "abc");
    hs_mfree(NULL, p);
    CHECK_EQ_I64(c.mallocs, 3);
    CHECK_EQ_I64(c.frees, 3);
}

/* The array forms check count * size before asking the allocator. */
static void
test_array_calls(void)
{
    counting c = {0};
    hs_allocator a = {c_malloc, c_realloc, c_free, &c};
    uint32_t *p = hs_malloc_array(&a, 5, sizeof(*p));
    CHECK(p != NULL);
    CHECK_EQ_U64(c.last_size, 20);
    p = hs_realloc_array(&a, p, 7, sizeof(*p));
    CHECK(p != NULL);
    CHECK_EQ_U64(c.last_size, 28);
    CHECK(hs_realloc_array(&a, p, SIZE_MAX / 2, sizeof(*p)) == NULL);
    CHECK(hs_malloc_array(&a, SIZE_MAX / 4 + 1, sizeof(*p)) == NULL);
    CHECK_EQ_I64(c.mallocs, 1);
    CHECK_EQ_I64(c.reallocs, 1); /* neither overflow reached it */
    hs_mfree(&a, p);
    p = hs_malloc_array(&a, 0, sizeof(*p)); /* 0 asks for 1 byte */
    CHECK(p != NULL);
    CHECK_EQ_U64(c.last_size, 1);
    hs_mfree(&a, p);
    CHECK_EQ_I64(c.frees, 2);
}

/* hs_prefault maps the whole pages inside a range, writable, and
 * changes no byte: checked with mincore on fresh anonymous memory
 * (skipped where the kernel lacks MADV_POPULATE_WRITE, before 5.14). */
static void
test_prefault(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), bytes = 64 * page;
    unsigned char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char vec[64];
    size_t resident = 0;
    CHECK(p != MAP_FAILED);
    if (madvise(p, page, MADV_POPULATE_WRITE) != 0) {
        munmap(p, bytes);
        return;
    }
    p[page] = 7; /* a byte written before must survive */
    /* From mid-page 3 to mid-page 60: pages 4..59 are whole inside. */
    hs_prefault(p + 3 * page + 5, 57 * page);
    CHECK(mincore(p, bytes, vec) == 0);
    for (size_t i = 4; i < 60; i++) {
        resident += vec[i] & 1;
    }
    CHECK(resident == 56);
    CHECK(!(vec[62] & 1)); /* nothing beyond the range */
    CHECK(p[page] == 7 && p[10 * page] == 0);
    hs_prefault(p, 1); /* less than a page: nothing, no error */
    hs_prefault(NULL, 0);
    munmap(p, bytes);
}

int
main(void)
{
    RUN(test_size_mul);
    RUN(test_size_add);
    RUN(test_grow_doubles);
    RUN(test_grow_overflow);
    RUN(test_allocator_calls);
    RUN(test_array_calls);
    RUN(test_prefault);
    return hs_test_end();
}
