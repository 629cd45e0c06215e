/* hk_exit_reports.c — what a process writes at exit when its environment asks (and the
 * metrics on SIGUSR2): HAKMEM_REPORT's one line (how tests prove that a preloaded program was
 * served by hakmem), HAKMEM_STATS's readable report of the stats box's counters (to stderr, or
 * appended to HAKMEM_STATS_FILE), and HAKMEM_METRICS's JSON (hakmem_metrics_json; "-" or
 * /dev/stderr: standard error; rewritten on SIGUSR2 when HAKMEM_METRICS_SIGNAL=1). Cold code
 * only, written through hk_out_t: no allocation, no stdio. */

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
  hk_out_t o;
  hk_out_fd(&o, fd);
  hk_out_printf(&o, "hakmem pid=%d variant=" HK_VARIANT_NAME " chunks=%llu large_maps=%llu bytes_mapped=%llu\n",
                (int)getpid(), (unsigned long long)__atomic_load_n(&hk_os_counters.chunks, __ATOMIC_RELAXED),
                (unsigned long long)__atomic_load_n(&hk_os_counters.large_maps, __ATOMIC_RELAXED),
                hk_pos(__atomic_load_n(&hk_os_counters.bytes_mapped, __ATOMIC_RELAXED)));
  hk_out_end(&o);
  if (!to_stderr) close(fd);
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

/* ---- HAKMEM_STATS: the stats box's counters, readable ---- */

static void hk_stats_write_report(int fd) {
  static hakmem_stats_t st; /* 30 KiB: static, not on a possibly small stack */
  hk_stats_snapshot(&st);
  hk_out_t o;
  hk_out_fd(&o, fd);
  hk_out_printf(&o, "hakmem stats: variant " HK_VARIANT_NAME ", pid %d", (int)getpid());
  if (!st.enabled) {
    hk_out_str(&o, ": the stats box of this variant is off (choose counters or profile)\n");
    hk_out_end(&o);
    return;
  }
  hk_out_str(&o, "\n  event");
  hk_out_pad(&o, 20);
  hk_out_str(&o, "count");
  if (st.profiled) {
    hk_out_pad(&o, 40);
    hk_out_str(&o, "cycles/event");
  }
  hk_out_str(&o, "\n");
  for (int e = 0; e < HAKMEM_EVENTS; e++) {
    hk_out_printf(&o, "  %s", hk_event_names[e]);
    hk_out_pad(&o, 20);
    hk_out_printf(&o, "%llu", (unsigned long long)st.count[e]);
    if (st.profiled && st.cycles[e] && st.count[e]) {
      hk_out_pad(&o, 40);
      hk_out_printf(&o, "%llu", (unsigned long long)(st.cycles[e] / st.count[e]));
    }
    hk_out_str(&o, "\n");
  }
  static const int cols[] = { HAKMEM_EV_MALLOC_HIT,  HAKMEM_EV_MALLOC_MISS,   HAKMEM_EV_FREE_LOCAL,
                              HAKMEM_EV_FREE_REMOTE, HAKMEM_EV_REFILL_BLOCKS, HAKMEM_EV_DRAIN_BLOCKS };
  hk_out_str(&o, "  class bytes");
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    hk_out_pad(&o, 14 + 14 * i);
    hk_out_str(&o, hk_event_names[cols[i]]);
  }
  hk_out_str(&o, "\n");
  for (int c = 0; c < HAKMEM_CLASSES; c++) {
    uint64_t any = 0;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) any |= st.by_class[cols[i]][c];
    if (!any) continue;
    hk_out_printf(&o, "  %u", (unsigned)hk_class_size[c]);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
      hk_out_pad(&o, 14 + 14 * i);
      hk_out_printf(&o, "%llu", (unsigned long long)st.by_class[cols[i]][c]);
    }
    hk_out_str(&o, "\n");
  }
  hk_out_end(&o);
}

__attribute__((destructor)) static void hk_stats_report_at_exit(void) {
  const char *on = getenv("HAKMEM_STATS");
  if (!on || !*on || !strcmp(on, "0")) return;
  const char *path = getenv("HAKMEM_STATS_FILE");
  int to_file = path && *path;
  int fd = to_file ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : hk_exit_stderr;
  if (fd < 0) return;
  hk_stats_write_report(fd);
  if (to_file) close(fd);
}
