/* hk_extended.c — hakmem.h: version, variant, probes, OS figures, and the HAKMEM_REPORT line
 * written at exit (how tests prove that a preloaded program was served by hakmem). */

#include "hakmem.h"

#if HK_BUILD_ADDON
#define HK_EXT __attribute__((visibility("hidden")))
#else
#define HK_EXT HK_EXPORT
#endif

HK_EXT const char *hakmem_version(void) { return HK_VERSION; }
HK_EXT const char *hakmem_variant_name(void) { return HK_VARIANT_NAME; }
HK_EXT const char *hakmem_variant_json(void) { return HK_VARIANT_JSON; }

HK_EXT size_t hakmem_trim(void) { return hk_trim(); }

HK_EXT void hakmem_os_stats(hakmem_os_stats_t *out) {
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

HK_EXT int hakmem_profile_dump(const char *path) {
  if (!path || !*path) {
    errno = EINVAL;
    return -1;
  }
  hk_init();
  return hk_sampler_dump(path, "api");
}

HK_EXT int hakmem_probe(const char *slot, const char *name, int64_t arg, int64_t *out) {
  if (!slot || !name || !out) return -1;
  return hk_slots_probe(slot, name, arg, out); /* generated from the slot list: names -> enum */
}

/* Programs may close stderr before library destructors run (coreutils' close_stdout does), so
 * when an exit report will go to stderr, keep a private copy of it from the start. */
static int hk_exit_stderr = 2;

__attribute__((constructor)) static void hk_exit_stderr_keep(void) {
  const char *report = getenv("HAKMEM_REPORT"), *stats = getenv("HAKMEM_STATS"), *file = getenv("HAKMEM_STATS_FILE");
  int wanted = (report && (!strcmp(report, "/dev/stderr") || !strcmp(report, "-"))) ||
               (stats && *stats && strcmp(stats, "0") && !(file && *file));
  if (!wanted) return;
  int fd = fcntl(2, F_DUPFD_CLOEXEC, 64);
  if (fd >= 0) hk_exit_stderr = fd;
}

__attribute__((destructor)) static void hk_report_at_exit(void) {
  const char *path = getenv("HAKMEM_REPORT");
  if (!path || !*path) return;
  /* /dev/stderr cannot be opened when fd 2 is a socket: write to the descriptor itself. */
  int to_stderr = !strcmp(path, "/dev/stderr") || !strcmp(path, "-");
  int fd = to_stderr ? hk_exit_stderr : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "hakmem pid=");
  hk_line_u64(&l, (uint64_t)getpid());
  hk_line_str(&l, " variant=");
  hk_line_str(&l, HK_VARIANT_NAME);
  hk_line_str(&l, " chunks=");
  hk_line_u64(&l, __atomic_load_n(&hk_os_counters.chunks, __ATOMIC_RELAXED));
  hk_line_str(&l, " large_maps=");
  hk_line_u64(&l, __atomic_load_n(&hk_os_counters.large_maps, __ATOMIC_RELAXED));
  hk_line_str(&l, " bytes_mapped=");
  int64_t b = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
  hk_line_u64(&l, b > 0 ? (uint64_t)b : 0);
  hk_line_str(&l, "\n");
  hk_line_write(&l, fd);
  if (!to_stderr) close(fd);
}
