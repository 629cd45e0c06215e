/* purge/common — the hard limit (HAKMEM_LIMIT, tunable hardLimit): a mapping that would take
 * what hakmem has mapped past it, even after everything idle went back, is refused, so malloc
 * returns NULL with ENOMEM where the OOM killer would otherwise end the process; it works again
 * once memory is freed (freed slabs are reused without a mapping; freed large blocks are
 * unmapped by the purge). Mapped memory bounds what is resident, so the limit errs on the safe
 * side. And the soft limit every purge box honours: when what hakmem has mapped would
 * pass it, everything idle goes back (the pool's resting pages and whole chunks, the large
 * cache, what exited threads left) before the mapping is made, whatever the box's delay.
 * hk_purge_before_map is called by superslab (its map base) before every mapping (a
 * chunk, a large block); it costs one load and a compare when no limit is set.
 *
 * The limit is the smallest of: the runtime tunable softLimit (HAKMEM_SOFT_LIMIT sets it), and
 * the process's cgroup v2 limits, memory.high and 15/16 of memory.max (the kernel reclaims hard at high and kills at max: purge before either). They
 * are read once at start-up with open/read into stack buffers (no allocation); a file that is
 * missing or says "max" sets nothing. Mapped memory is an upper bound on what is resident
 * (decommitted slabs stay mapped), so the rule errs towards purging early. While mapped stays
 * above the limit, a pass runs at most every HK_PURGE_LIMIT_EVERY_MS, so a program whose live
 * memory itself passes the limit is not taxed on every mapping. */

#include "hk_purge_limits.h"

enum { HK_PURGE_LIMIT_EVERY_MS = 10 };

static uint64_t hk_purge_limit;      /* bytes; 0: none (set once, at start-up) */
static uint64_t hk_purge_limit_next; /* no limit pass before this (ms) */
static uint64_t hk_purge_limit_passes;
static uint64_t hk_purge_hard_limit;    /* bytes mapped never passed; 0: none (set once, at start-up) */
static uint64_t hk_purge_hard_refusals; /* mappings refused by it */

/* This process's cgroup v2 directory (/sys/fs/cgroup + the "0::<path>" line of
 * /proc/self/cgroup) into dir; 0 when there is none. */
static int hk_purge_cgroup_dir(char *dir, size_t cap) {
  char buf[1024];
  if (hk_os_read_file("/proc/self/cgroup", buf, sizeof buf) <= 0) return 0;
  const char *line = buf;
  while (line && strncmp(line, "0::", 3) != 0) {
    line = strchr(line, '\n');
    if (line) line++;
  }
  if (!line) return 0;
  const char *cg = line + 3;
  size_t cglen = strcspn(cg, "\n");
  static const char root[] = "/sys/fs/cgroup";
  if (sizeof root + cglen >= cap) return 0;
  memcpy(dir, root, sizeof root - 1);
  memcpy(dir + sizeof root - 1, cg, cglen);
  dir[sizeof root - 1 + cglen] = 0;
  return 1;
}

/* The number in file `file` of directory dir; 0 when absent or not a number ("max"). */
static uint64_t hk_purge_cgroup_value(const char *dir, const char *file) {
  char path[1100], buf[64];
  size_t dlen = strlen(dir), flen = strlen(file);
  if (dlen + 1 + flen + 1 > sizeof path) return 0;
  memcpy(path, dir, dlen);
  if (dlen == 0 || path[dlen - 1] != '/') path[dlen++] = '/';
  memcpy(path + dlen, file, flen + 1);
  if (hk_os_read_file(path, buf, sizeof buf) <= 0 || buf[0] < '0' || buf[0] > '9') return 0;
  uint64_t x = 0;
  for (const char *c = buf; *c >= '0' && *c <= '9' && x < ((uint64_t)1 << 60); c++) x = x * 10 + (uint64_t)(*c - '0');
  return x;
}

static uint64_t hk_purge_min_limit(uint64_t a, uint64_t b) { return !a ? b : !b ? a : a < b ? a : b; }

/* What a cgroup directory's limits allow: memory.high, or 15/16 of memory.max (0: none). */
static uint64_t hk_purge_cgroup_limit(const char *dir) {
  uint64_t max = hk_purge_cgroup_value(dir, "memory.max");
  return hk_purge_min_limit(hk_purge_cgroup_value(dir, "memory.high"), max - max / 16);
}

static void hk_purge_limit_init(void) {
  hk_purge_hard_limit = (uint64_t)HK_CFG_PURGE_HARD_LIMIT << 20;
  uint64_t lim = (uint64_t)HK_CFG_PURGE_SOFT_LIMIT << 20;
  char dir[1024];
  if (hk_purge_cgroup_dir(dir, sizeof dir)) lim = hk_purge_min_limit(lim, hk_purge_cgroup_limit(dir));
  hk_purge_limit = lim;
}

static uint64_t hk_purge_mapped_after(size_t len) {
  int64_t mapped = __atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED);
  return (uint64_t)(mapped > 0 ? mapped : 0) + len;
}

/* Everything idle goes back: exited threads' heaps, the pool's resting pages and whole chunks,
 * the large cache. */
static void hk_purge_all_idle(void) {
  hk_orphans_reclaim();
  hk_core_pool_purge(UINT64_MAX);
  hk_core_large_purge(UINT64_MAX);
}

/* Superslab is about to map len bytes (the caller may hold its heap's lock). */
static int hk_purge_before_map(size_t len) {
  if (HK_LIKELY(!hk_purge_limit && !hk_purge_hard_limit)) return 1;
  if (hk_purge_hard_limit && hk_purge_mapped_after(len) > hk_purge_hard_limit) {
    /* the hard limit: purge what can go (not rate-limited: the mapping fails otherwise) */
    hk_purge_all_idle();
    __atomic_fetch_add(&hk_purge_limit_passes, 1, __ATOMIC_RELAXED);
    if (hk_purge_mapped_after(len) > hk_purge_hard_limit) {
      __atomic_fetch_add(&hk_purge_hard_refusals, 1, __ATOMIC_RELAXED);
      return 0;
    }
  }
  if (!hk_purge_limit || hk_purge_mapped_after(len) <= hk_purge_limit) return 1;
  uint64_t now = hk_clock_ms(), next = __atomic_load_n(&hk_purge_limit_next, __ATOMIC_RELAXED);
  if (now < next) return 1;
  if (!__atomic_compare_exchange_n(&hk_purge_limit_next, &next, now + HK_PURGE_LIMIT_EVERY_MS, false, __ATOMIC_RELAXED,
                                   __ATOMIC_RELAXED))
    return 1;
  hk_purge_all_idle();
  __atomic_fetch_add(&hk_purge_limit_passes, 1, __ATOMIC_RELAXED);
  return 1;
}

static int hk_purge_keep(int64_t resident) { return resident < __atomic_load_n(&hk_purge_capacity, __ATOMIC_RELAXED); }

static int hk_purge_set_capacity(uint64_t bytes) {
  __atomic_store_n(&hk_purge_capacity, (int64_t)(bytes / HK_SLAB_SIZE), __ATOMIC_RELAXED);
  return 1;
}

/* cgroup_limit_of: arg is a C string, a directory laid out as a cgroup v2 one (tests). */
static int hk_purge_limit_probe(enum hk_purge_probe p, int64_t arg, int64_t *out) {
  switch (p) {
  case HK_PROBE_PURGE_CGROUP_LIMIT_OF:
    *out = arg ? (int64_t)hk_purge_cgroup_limit((const char *)(uintptr_t)arg) : 0;
    return 0;
  case HK_PROBE_PURGE_HARD_LIMIT: *out = (int64_t)hk_purge_hard_limit; return 0;
  case HK_PROBE_PURGE_HARD_REFUSALS:
    *out = (int64_t)__atomic_load_n(&hk_purge_hard_refusals, __ATOMIC_RELAXED);
    return 0;
  case HK_PROBE_PURGE_SOFT_LIMIT: *out = (int64_t)hk_purge_limit; return 0;
  case HK_PROBE_PURGE_LIMIT_PASSES: *out = (int64_t)__atomic_load_n(&hk_purge_limit_passes, __ATOMIC_RELAXED); return 0;
  default: /* not one of HK_PURGE_LIMIT_PROBES: the box's switch names every probe */ return -1;
  }
}
