/* hk_core.c — last include of every generated variant unit: the core on top of the boxes. */
#include "hk_services.c"     /* a later slot's work, forwarded for the boxes (hk_services.h) */
#include "hk_options.c"      /* runtime tunables from the environment */
#include "hk_heap.c"         /* heaps, thread exit, orphans, trim, fork */
#include "hk_free.c"         /* free routing, classify, usable sizes, the invalid-free policy */
#include "hk_alloc.c"        /* the malloc family */
#include "hk_surface.c"      /* the exported names of the malloc family */
#include "hk_usage.c"        /* usage figures every report reads */
#include "hk_api.c"          /* hakmem.h: version, probes, statistics, metrics */
#include "hk_glibc.c"        /* glibc's extensions: mallinfo2, mallinfo, malloc_stats, malloc_info, mallopt */
#include "hk_exit_reports.c" /* HAKMEM_REPORT, HAKMEM_STATS, HAKMEM_METRICS at exit */
