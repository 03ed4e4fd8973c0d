/*
 * cli/cli_opt.c - shared option parsers (see cli_opt.h).
 */
#include "cli_opt.h"

#include "cli_msg.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

bool
cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || *s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

int
cli_number_option(const char *name, const char *arg, uint64_t *out)
{
    if (!cli_parse_u64(arg, out)) {
        return cli_usage_error("--%s wants a number, not '%s'", name, arg);
    }
    return HS_EXIT_OK;
}

int
cli_range_option(const char *name, const char *arg, uint64_t min,
                 uint64_t max, uint64_t *out)
{
    if (!cli_parse_u64(arg, out) || *out < min || *out > max) {
        return cli_usage_error("--%s wants a number from %llu to %llu, not "
                               "'%s'", name, (unsigned long long)min,
                               (unsigned long long)max, arg);
    }
    return HS_EXIT_OK;
}

int
cli_bad_option(char **argv)
{
    const char *arg = argv[optind - 1];
    if (optopt && optopt < 256) {
        return cli_usage_error("unknown option '-%c'", optopt);
    }
    if (optopt) {
        return cli_usage_error("option '%s' needs an argument", arg);
    }
    return cli_usage_error("unknown option '%s'", arg);
}
