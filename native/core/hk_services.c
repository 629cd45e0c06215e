/* hk_services.c — the forwarding services of hk_services.h: a box calls the core, and the core,
 * compiled after every box, calls the later slot that does the work. So a slot's header
 * includes no later slot's (docs/contract.md: a slot uses only the slots before it), and the
 * calls cost nothing: each is static inline in the one generated unit and folds into its
 * caller. */

static inline size_t hk_core_pool_purge(uint64_t before) { return hk_pool_purge(before); }

static inline size_t hk_core_large_purge(uint64_t before) { return hk_large_purge(before); }

static inline void hk_core_pool_give_chunk(hk_chunk_t *ch) { hk_pool_give_chunk(ch); }

static inline int hk_core_remote_pending(hk_heap_t *h) { return hk_remote_pending(h); }

static inline void hk_core_remote_collect(hk_heap_t *h, int owner) { hk_remote_collect(h, owner); }
