/*
 * cli_trees.c - dumps loaded one after another, each one's dominator tree
 * computed on a thread of its own while the next one loads.
 *
 * `leaks` needs every dump loaded and every dump's dominator tree. One
 * after the other, the trees come after the last load, and a load does
 * not keep two CPUs busy throughout (reading, decompressing and linking
 * have serial stretches): a tree computed meanwhile, on a thread of its
 * own, fills them. The tree of dump i only reads dump i, which no longer
 * changes, and the load of dump i + 1 touches nothing of it, so the two
 * share no data. With --threads 1 the user asked for one CPU: nothing
 * runs beside the load.
 *
 * A tree kept beside a dump's snapshot by an earlier command is read back
 * instead (cli_treestore.c), and one computed here is kept there, on the
 * thread that computed it; those hs_leaks_new computes (the last dump's,
 * beside its matches) the caller keeps after it.
 */
#include "cli_trees.h"

#include "cli_treestore.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

typedef struct tree_job {
    pthread_t thread;
    const hs_graph *g;
    const hs_tree_store *store;
    hs_dominators *d;
    bool running;
} tree_job;

static void *
tree_main(void *arg)
{
    tree_job *j = arg;
    j->d = hs_dominators_new(j->g, NULL);
    if (j->d) {
        cli_tree_keep(j->d, j->store);
    }
    return NULL;
}

/* Starts j's tree of g (kept in s), or leaves j idle when no thread can
 * be had (the tree is then computed later, by hs_leaks_new). */
static void
tree_start(tree_job *j, const hs_graph *g, const hs_tree_store *s)
{
    j->g = g;
    j->store = s;
    j->d = NULL;
    j->running = pthread_create(&j->thread, NULL, tree_main, j) == 0;
}

static hs_dominators *
tree_join(tree_job *j)
{
    if (!j->running) {
        return NULL;
    }
    pthread_join(j->thread, NULL);
    j->running = false;
    return j->d;
}

size_t
cli_trees_load(char *const *paths, size_t n, cli_load *load, hs_graph **g,
               hs_dominators **d, hs_tree_store *stores)
{
    bool beside = load->threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
    tree_job job = {.running = false};
    size_t k;
    for (k = 0; k < n; k++) {
        d[k] = NULL;
    }
    for (k = 0; k < n; k++) {
        g[k] = cli_load_dump(paths[k], load);
        if (job.running) {
            d[k - 1] = tree_join(&job);
        }
        if (!g[k]) {
            break;
        }
        stores[k] = load->tree;
        d[k] = cli_tree_stored(g[k], &stores[k]);
        if (!d[k] && beside && k + 1 < n) {
            tree_start(&job, g[k], &stores[k]);
        }
    }
    return k;
}
