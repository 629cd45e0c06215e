/* hk_api.c — the hakmem.h API: version, variant, trim, OS figures, probes (the core's own and
 * hakmem_probe's dispatch), the sampled profile, the statistics and the metrics (hakmem.h
 * states each figure; they are derived at read time from hk_usage.c, so nothing is counted on
 * a hit path). */

#include "hakmem.h"

HK_API const char *hakmem_version(void) { return HK_VERSION; }
HK_API const char *hakmem_variant_name(void) { return HK_VARIANT_NAME; }
HK_API const char *hakmem_variant_json(void) { return HK_VARIANT_JSON; }

HK_API size_t hakmem_trim(void) { return hk_trim(); }

HK_API void hakmem_os_stats(hakmem_os_stats_t *out) {
  out->chunks = __atomic_load_n(&hk_os_counters.chunks, __ATOMIC_RELAXED);
  out->large_maps = __atomic_load_n(&hk_os_counters.large_maps, __ATOMIC_RELAXED);
  out->bytes_mapped = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
}

/* The core's probes (CORE_PROBES of native/src/slots.ts), as every slot's: one case each. */
static int hk_core_probe(enum hk_core_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_CORE_CLASS_OF:
    *out = arg >= 0 && (uint64_t)arg <= HK_SLAB_MAX ? (int64_t)hk_class_of((size_t)arg) : -1;
    return 0;
  case HK_PROBE_CORE_CLASS_SIZE:
    if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
    *out = hk_class_size[arg];
    return 0;
  case HK_PROBE_CORE_CLASS_STRIDE: /* a block's stride and usable size */
    if (arg < 0 || arg >= HK_NUM_CLASSES) return -1;
    *out = hk_class_stride[arg];
    return 0;
  case HK_PROBE_CORE_BLOCK_TAIL: /* bytes the block box keeps after every slab block: malloc(n) takes the class of n + them */
    *out = hk_block_tail();
    return 0;
  case HK_PROBE_CORE_CLASSES: *out = HK_NUM_CLASSES; return 0;
  case HK_PROBE_CORE_HEAPS_CHECK: /* inconsistent slabs in every heap */ *out = hk_heaps_check(); return 0;
  case HK_PROBE_CORE_ASSERTS: /* 1 where assertions are compiled in; arg 1 fails one (the test of the failure path) */
    HK_ASSERT(arg != 1);
    *out = HK_CFG_CORE_ASSERTS;
    return 0;
  case HK_PROBE_CORE_CLASSIFY: { /* addr -> 0 foreign, 1 slab block, 2 large block, 3 an aligned pointer inside a slab block */
    hk_chunk_t *ch;
    hk_slab_t *s;
    *out = hk_classify((const void *)(uintptr_t)arg, &ch, &s);
    return 0;
  }
  case HK_PROBE_CORE_INVALID_FREES: *out = (int64_t)__atomic_load_n(&hk_invalid_frees, __ATOMIC_RELAXED); return 0;
  case HK_PROBE_CORE_FORK_HANDLERS: *out = __atomic_load_n(&hk_fork_handlers, __ATOMIC_ACQUIRE); return 0;
  }
  return -1;
}

HK_API int hakmem_profile_dump(const char *path) {
  if (!path || !*path) {
    errno = EINVAL;
    return -1;
  }
  hk_init();
  return hk_sampler_dump(path, "api");
}

HK_API int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out) {
  if (!slot || !name || !out) return -1;
  return hk_slots_probe(slot, name, arg, out); /* generated from the slot list: names -> enum */
}

HK_API void hakmem_metrics(hakmem_metrics_t *out) {
  int saved = errno;
  hk_usage_t u;
  hk_usage(&u);
  memset(out, 0, sizeof *out);
  out->version = HAKMEM_METRICS_VERSION;
  out->allocated = hk_pos(u.slab_in_use + u.large_usable);
  out->active = hk_pos(u.slab_out + u.large_usable);
  out->mapped = hk_pos(u.mapped);
  out->resident = hk_resident_bytes();
  out->retained = hk_pos(u.idle_resident);
  int64_t chunks = 0, cached = 0;
  if (hk_superslab_probe(HK_PROBE_SUPERSLAB_CHUNKS, 0, &chunks) != 0) chunks = 0;
  out->metadata = hk_pos(chunks) * HK_CHUNK_META + hk_pos(u.heaps) * HK_ALIGN_UP(sizeof(hk_heap_t), HK_CACHE_LINE);
  out->large_blocks = hk_pos(u.large_count);
  out->large_mapped = hk_pos(u.large_mapped);
  if (hk_large_probe(HK_PROBE_LARGE_CACHED_BYTES, 0, &cached) == 0) out->large_cached = hk_pos(cached);
  out->threads = hk_pos(u.heaps - u.orphans);
  out->orphaned_heaps = hk_pos(u.orphans);
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    out->minor_faults = hk_pos(ru.ru_minflt);
    out->major_faults = hk_pos(ru.ru_majflt);
  }
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    out->class_size[c] = hk_class_size[c];
    out->class_blocks[c] = hk_pos(u.blocks[c]);
  }
  errno = saved;
}

HK_API size_t hakmem_metrics_json(char *buf, size_t len) {
  hakmem_metrics_t m;
  hakmem_metrics(&m);
  hk_out_t o;
  hk_out_mem(&o, buf, len);
  hk_out_printf(&o, "{\"schema\":%u,\"variant\":\"" HK_VARIANT_NAME "\"", (unsigned)m.version);
  const struct {
    const char *name;
    uint64_t v;
  } fields[] = {
    { "allocated", m.allocated },
    { "active", m.active },
    { "mapped", m.mapped },
    { "resident", m.resident },
    { "retained", m.retained },
    { "metadata", m.metadata },
    { "large_blocks", m.large_blocks },
    { "large_mapped", m.large_mapped },
    { "large_cached", m.large_cached },
    { "threads", m.threads },
    { "orphaned_heaps", m.orphaned_heaps },
    { "minor_faults", m.minor_faults },
    { "major_faults", m.major_faults },
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    hk_out_printf(&o, ",\"%s\":%llu", fields[i].name, (unsigned long long)fields[i].v);
  hk_out_str(&o, ",\"classes\":[");
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++)
    hk_out_printf(&o, "%s{\"size\":%llu,\"blocks\":%llu}", c ? "," : "", (unsigned long long)m.class_size[c],
                  (unsigned long long)m.class_blocks[c]);
  hk_out_str(&o, "]}");
  return hk_out_end(&o);
}

static const char *const hk_event_names[HAKMEM_EVENTS] = {
#define HK_EV_NAME_(NAME, name) #name,
  HAKMEM_EVENT_LIST(HK_EV_NAME_)
#undef HK_EV_NAME_
};

HK_API const char *hakmem_event_name(int event) {
  return event >= 0 && event < HAKMEM_EVENTS ? hk_event_names[event] : NULL;
}

HK_API void hakmem_stats(hakmem_stats_t *out) { hk_stats_snapshot(out); }
