/* hk_prelude.h — first include of every generated variant unit: the core's shapes and the core
 * services a box may call. The generated unit then includes the slot headers (every box of a
 * slot implements its header) and the boxes, in slot order (native/src/slots.ts), then the
 * core's calls into the slots (hk_slots_*: start-up, thread start and exit, fork, probes), then
 * hk_core.c. */
#ifndef HK_PRELUDE_H
#define HK_PRELUDE_H

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "hk_base.h"
#include "hk_classes.h"
#include "hk_os.h"
#include "hk_layout.h"

/* The calling thread's heap; NULL until its first allocation (and after it exits). */
static __thread hk_heap_t *hk_tls_heap;

/* Core services the boxes may call (defined in hk_core.c). */
static void hk_orphans_reclaim(void);                  /* give back what exited threads left, before mapping more */
static void hk_pressure(int heap_locked);              /* a mapping failed: purge everything idle now, then
                                                retry once (heap_locked: the caller is a refill) */
static void hk_heap_drain(hk_heap_t *h, uint32_t cls); /* the front of cls is full: hk_refill_drain
                                                            under h's lock (for the core's free) */
static void hk_free_release(void *p);                  /* a block the calling thread freed and a quarantine held
                                          goes onto its front (hk_free.c) */

#endif
