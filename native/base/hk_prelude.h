/* hk_prelude.h — first include of every generated variant unit and of every slot header: the
 * base (native/base/: macros, size classes, the writer, OS layer, shapes) and the core services a box may
 * call (hk_services.h). It includes no slot header and nothing of native/core, so a box
 * compiles against native/base and native/include alone. The generated unit then includes the
 * slot headers (every box of a slot implements its header) and the boxes, in slot order
 * (native/src/slots.ts), then the core's calls into the slots (hk_slots_*: start-up, thread
 * start and exit, fork, probes), then hk_core.c. */
#ifndef HK_PRELUDE_H
#define HK_PRELUDE_H

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "hk_base.h"
#include "hk_classes.h"
#include "hk_out.h"
#include "hk_os.h"
#include "hk_layout.h"
#include "hk_services.h"

/* The calling thread's heap; NULL until its first allocation (and after it exits). */
static __thread hk_heap_t *hk_tls_heap;

#endif
