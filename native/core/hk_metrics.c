/* hk_metrics.c — hakmem_metrics() and hakmem_metrics_json() (hakmem.h states each figure), in
 * every variant: derived at read time from hk_usage (hk_info.c) and a few reads of the OS, so
 * nothing is counted on a hit path. No lock, no allocation: safe from a signal handler, which
 * is how HAKMEM_METRICS_SIGNAL=1 uses it. A preloaded process writes the JSON at exit to the
 * file HAKMEM_METRICS names ("-" or /dev/stderr: standard error), and on SIGUSR2 when
 * HAKMEM_METRICS_SIGNAL=1 asks (to the same file, rewritten). */

#include <sys/resource.h>

/* The process's resident set from /proc/self/statm (open, read: no allocation); 0 if unreadable. */
static uint64_t hk_resident_bytes(void) {
  char buf[128];
  if (hk_os_read_file("/proc/self/statm", buf, sizeof buf) <= 0) return 0;
  const char *s = buf;
  while (*s && *s != ' ') s++; /* the second field: resident pages */
  uint64_t pages = 0;
  while (*s == ' ') s++;
  while (*s >= '0' && *s <= '9') pages = pages * 10 + (uint64_t)(*s++ - '0');
  long page = sysconf(_SC_PAGESIZE);
  return pages * (uint64_t)(page > 0 ? page : 4096);
}

static uint64_t hk_pos(int64_t v) { return v > 0 ? (uint64_t)v : 0; }

HK_EXT void hakmem_metrics(hakmem_metrics_t *out) {
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

/* A bounded text writer: what does not fit is counted, not written (snprintf's contract). */
typedef struct {
  char *buf;
  size_t cap, len;
} hk_json_t;

static void hk_json_str(hk_json_t *j, const char *s) {
  for (; *s; s++, j->len++)
    if (j->len + 1 < j->cap) j->buf[j->len] = *s;
}
static void hk_json_u64(hk_json_t *j, uint64_t v) {
  char tmp[24];
  size_t n = hk_fmt_u64(tmp, v);
  tmp[n] = 0;
  hk_json_str(j, tmp);
}
static void hk_json_field(hk_json_t *j, const char *name, uint64_t v) {
  hk_json_str(j, ",\"");
  hk_json_str(j, name);
  hk_json_str(j, "\":");
  hk_json_u64(j, v);
}

HK_EXT size_t hakmem_metrics_json(char *buf, size_t len) {
  hakmem_metrics_t m;
  hakmem_metrics(&m);
  hk_json_t j = { .buf = buf, .cap = buf ? len : 0, .len = 0 };
  hk_json_str(&j, "{\"schema\":");
  hk_json_u64(&j, m.version);
  hk_json_str(&j, ",\"variant\":\"" HK_VARIANT_NAME "\"");
  hk_json_field(&j, "allocated", m.allocated);
  hk_json_field(&j, "active", m.active);
  hk_json_field(&j, "mapped", m.mapped);
  hk_json_field(&j, "resident", m.resident);
  hk_json_field(&j, "retained", m.retained);
  hk_json_field(&j, "metadata", m.metadata);
  hk_json_field(&j, "large_blocks", m.large_blocks);
  hk_json_field(&j, "large_mapped", m.large_mapped);
  hk_json_field(&j, "large_cached", m.large_cached);
  hk_json_field(&j, "threads", m.threads);
  hk_json_field(&j, "orphaned_heaps", m.orphaned_heaps);
  hk_json_field(&j, "minor_faults", m.minor_faults);
  hk_json_field(&j, "major_faults", m.major_faults);
  hk_json_str(&j, ",\"classes\":[");
  for (uint32_t c = 0; c < HK_NUM_CLASSES; c++) {
    hk_json_str(&j, c ? ",{\"size\":" : "{\"size\":");
    hk_json_u64(&j, m.class_size[c]);
    hk_json_str(&j, ",\"blocks\":");
    hk_json_u64(&j, m.class_blocks[c]);
    hk_json_str(&j, "}");
  }
  hk_json_str(&j, "]}");
  if (j.cap) j.buf[j.len < j.cap ? j.len : j.cap - 1] = 0;
  return j.len;
}

/* ---- HAKMEM_METRICS: at exit, and on SIGUSR2 when HAKMEM_METRICS_SIGNAL=1 ---- */

static hk_env_out_t hk_metrics_out = { .fd = -1 }; /* HAKMEM_METRICS, read at start-up */

static void hk_metrics_write(void) {
  static char text[8192]; /* one writer at a time: exit, or the signal (which exit does not race) */
  size_t n = hakmem_metrics_json(text, sizeof text - 1);
  if (n >= sizeof text - 1) return;
  text[n++] = '\n';
  const hk_env_out_t *o = &hk_metrics_out;
  int fd = o->fd >= 0 ? o->fd : open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  hk_os_write_all(fd, text, n);
  if (fd != o->fd) close(fd);
}

static void hk_metrics_on_signal(int sig) {
  (void)sig;
  int saved = errno;
  hk_metrics_write();
  errno = saved;
}

__attribute__((constructor)) static void hk_metrics_setup(void) {
  hk_env_out_setup(&hk_metrics_out, "HAKMEM_METRICS", "HAKMEM_METRICS_SIGNAL", SIGUSR2, hk_metrics_on_signal);
}

__attribute__((destructor)) static void hk_metrics_at_exit(void) {
  if (hk_env_out_given(&hk_metrics_out)) hk_metrics_write();
}
