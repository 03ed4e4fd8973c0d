/*
 * cli/cli_site.c - allocation sites in the outputs (see cli_site.h).
 */
#include "cli_site.h"

#include "cli.h"

#include <stdio.h>

void
cli_print_traceback(const hs_graph *g, uint32_t id)
{
    size_t n;
    const uint32_t *frames;
    if (!hs_graph_has_sites(g)) {
        return;
    }
    frames = hs_traceback_frames(g, hs_node_traceback(g, id), &n);
    if (!frames) {
        printf("allocated: not traced by tracemalloc\n");
        return;
    }
    /* tracemalloc's Traceback.format() order and shape. */
    printf("allocated at (oldest frame first):\n");
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(g, frames[i], &len, &line);
        printf("  File \"%.*s\", line %u\n", (int)len, file, line);
    }
}

void
cli_json_traceback(const hs_graph *g, uint32_t id)
{
    size_t n;
    const uint32_t *frames =
        hs_traceback_frames(g, hs_node_traceback(g, id), &n);
    printf("\"traceback\": ");
    if (!frames) {
        printf("null");
        return;
    }
    printf("[");
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(g, frames[i], &len, &line);
        printf("%s[", i ? ", " : "");
        cli_json_string(file, len);
        printf(", %u]", line);
    }
    printf("]");
}

void
cli_site_label(const hs_graph *g, uint32_t tb, char *buf, size_t size)
{
    size_t n, len;
    uint32_t line;
    const uint32_t *frames = hs_traceback_frames(g, tb, &n);
    const char *file;
    buf[0] = '\0';
    if (!frames || n == 0) {
        return;
    }
    file = hs_frame_file(g, frames[n - 1], &len, &line);
    snprintf(buf, size, "%.*s:%u", (int)len, file, line);
}
