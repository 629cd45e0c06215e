/* hk_stats_report.c — hakmem_stats(), and the readable report HAKMEM_STATS=1 prints at exit
 * (to stderr, or appended to the file HAKMEM_STATS_FILE names). Cold code only. */

static const char *const hk_event_names[HAKMEM_EVENTS] = {
#define HK_EV_NAME_(NAME, name) #name,
  HAKMEM_EVENT_LIST(HK_EV_NAME_)
#undef HK_EV_NAME_
};

HK_EXT const char *hakmem_event_name(int event) {
  return event >= 0 && event < HAKMEM_EVENTS ? hk_event_names[event] : NULL;
}

HK_EXT void hakmem_stats(hakmem_stats_t *out) { hk_stats_snapshot(out); }

static void hk_line_pad(hk_line_t *l, size_t col) {
  while (l->len < col && l->len < sizeof l->buf - 1) l->buf[l->len++] = ' ';
}

static void hk_stats_write_report(int fd) {
  static hakmem_stats_t st; /* 30 KiB: static, not on a possibly small stack */
  hk_stats_snapshot(&st);
  hk_line_t l = { .len = 0 };
  hk_line_str(&l, "hakmem stats: variant ");
  hk_line_str(&l, HK_VARIANT_NAME);
  hk_line_str(&l, ", pid ");
  hk_line_u64(&l, (uint64_t)getpid());
  if (!st.enabled) hk_line_str(&l, ": the stats box of this variant is off (choose counters or profile)");
  hk_line_str(&l, "\n");
  hk_line_write(&l, fd);
  if (!st.enabled) return;
  l.len = 0;
  hk_line_str(&l, "  event");
  hk_line_pad(&l, 20);
  hk_line_str(&l, "count");
  if (st.profiled) {
    hk_line_pad(&l, 40);
    hk_line_str(&l, "cycles/event");
  }
  hk_line_str(&l, "\n");
  hk_line_write(&l, fd);
  for (int e = 0; e < HAKMEM_EVENTS; e++) {
    l.len = 0;
    hk_line_str(&l, "  ");
    hk_line_str(&l, hk_event_names[e]);
    hk_line_pad(&l, 20);
    hk_line_u64(&l, st.count[e]);
    if (st.profiled && st.cycles[e] && st.count[e]) {
      hk_line_pad(&l, 40);
      hk_line_u64(&l, st.cycles[e] / st.count[e]);
    }
    hk_line_str(&l, "\n");
    hk_line_write(&l, fd);
  }
  static const int cols[] = { HAKMEM_EV_MALLOC_HIT,  HAKMEM_EV_MALLOC_MISS,   HAKMEM_EV_FREE_LOCAL,
                              HAKMEM_EV_FREE_REMOTE, HAKMEM_EV_REFILL_BLOCKS, HAKMEM_EV_DRAIN_BLOCKS };
  l.len = 0;
  hk_line_str(&l, "  class bytes");
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    hk_line_pad(&l, 14 + 14 * i);
    hk_line_str(&l, hk_event_names[cols[i]]);
  }
  hk_line_str(&l, "\n");
  hk_line_write(&l, fd);
  for (int c = 0; c < HAKMEM_CLASSES; c++) {
    uint64_t any = 0;
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) any |= st.by_class[cols[i]][c];
    if (!any) continue;
    l.len = 0;
    hk_line_str(&l, "  ");
    hk_line_u64(&l, hk_class_size[c]);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
      hk_line_pad(&l, 14 + 14 * i);
      hk_line_u64(&l, st.by_class[cols[i]][c]);
    }
    hk_line_str(&l, "\n");
    hk_line_write(&l, fd);
  }
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
