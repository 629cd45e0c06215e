/* Slot `freegate`: routes free(p). Budget for the local free: a mask, a registry test, the
 * slab's owner compare and the front push. Remote: one CAS onto the owner's queue. Anything
 * not ours goes to the variant's foreign-pointer policy and nothing is corrupted. */
#ifndef HK_SLOT_FREEGATE_H
#define HK_SLOT_FREEGATE_H

enum hk_kind { HK_KIND_FOREIGN = 0, HK_KIND_SLAB = 1, HK_KIND_LARGE = 2 };

static inline void hk_freegate_free(void *p);
/* Every free-list link (front cache and slab lists) is written and read through these, so a
 * checking gate can keep links encoded and catch an overwritten one; `fast` stores them plain. */
static inline void hk_link_store(void *p, void *next);
static inline void *hk_link_load(const void *p);
/* Called on every block malloc hands out of a slab (a checking gate clears its free mark). */
static inline void hk_freegate_on_alloc(void *p);
/* What p is; sets *chp (and *sp for slab blocks). Never reads unregistered memory. */
static int hk_freegate_classify(const void *p, hk_chunk_t **chp, hk_slab_t **sp);
/* The policy for a pointer that is not a live block of ours. */
static void hk_freegate_invalid(const void *p, const char *what);
static int hk_freegate_probe(const char *name, int64_t arg, int64_t *out);

#endif
