/*
 * hs_error.h - filling hs_error and propagating failures.
 *
 * Library functions return 0 or a negative hs_status and describe the
 * failure in an optional hs_error. Two macros keep error paths to one line
 * (docs/style.md 14): HS_RETURN_IF(cond, code, err, fmt, ...) fails with a
 * message, HS_TRY(expr) returns expr's status when it is an error.
 */
#ifndef HS_ERROR_H
#define HS_ERROR_H

#include <heapscope.h>

/* Sets err (if not NULL) to code with a printf-style message; keeps the
 * path and position already there. Returns code, so callers can write
 * `return hs_error_set(err, HS_EIO, "...")`. */
int hs_error_set(hs_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets err's position: line, column (1-based; 0 when unknown), offset. */
void hs_error_at(hs_error *err, uint64_t line, uint64_t column,
                 uint64_t offset);

/* Sets err's path (truncated to fit). */
void hs_error_path(hs_error *err, const char *path);

/* Clears err to "no error". */
void hs_error_clear(hs_error *err);

#define HS_RETURN_IF(cond, code, err, ...) \
    do { \
        if (cond) { \
            return hs_error_set((err), (code), __VA_ARGS__); \
        } \
    } while (0)

#define HS_TRY(expr) \
    do { \
        int hs_try_rc_ = (expr); \
        if (hs_try_rc_ < 0) { \
            return hs_try_rc_; \
        } \
    } while (0)

/* Always-on check for impossible states (docs/style.md 16): a bug in heapscope,
 * never bad input. */
#define HS_BUG(msg) hs_bug(__FILE__, __LINE__, (msg))
_Noreturn void hs_bug(const char *file, int line, const char *msg);

#endif
