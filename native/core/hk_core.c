/* hk_core.c — last include of every generated variant unit: the core on top of the boxes. */
#include "hk_options.c"
#include "hk_heap.c"
#include "hk_alloc.c"
#include "hk_surface.c"
#include "hk_extended.c"
#include "hk_info.c"
#include "hk_metrics.c"
#include "hk_stats_report.c"
