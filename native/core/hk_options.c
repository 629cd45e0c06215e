/* hk_options.c — start-up: runtime tunables from the environment, and HAKMEM_VERBOSE. Cold
 * path, once, from hk_init_slow before the slots' init hooks: getenv and write(2) only, nothing
 * allocated. A bad value prints one line naming the variable and what it accepts, and keeps the
 * variant's value; a HAKMEM_ variable this variant does not read prints one line too (the rule is
 * at hk_options_check_names). */

extern char **environ;

/* Where each runtime tunable's value came from: the variable that set it, or NULL (the variant). */
static const char *hk_option_from[sizeof hk_options / sizeof hk_options[0]];

/* Digits (and, for a size, one K, M or G) into the tunable's unit; 0 on anything else. */
static int hk_option_int(const hk_option_t *o, const char *v, long long *out) {
  unsigned long long x = 0;
  const char *c = v;
  for (; *c >= '0' && *c <= '9'; c++) {
    if (x > (1ULL << 50)) return 0;
    x = x * 10 + (unsigned long long)(*c - '0');
  }
  if (c == v) return 0;
  if (*c && o->size_shift != 255) {
    unsigned shift = *c == 'K' || *c == 'k' ? 10 : *c == 'M' || *c == 'm' ? 20 : *c == 'G' || *c == 'g' ? 30 : 0;
    if (!shift || c[1] || x > (1ULL << 50) >> shift) return 0;
    x <<= shift;
    c++;
    if (o->size_shift) x = (x + (1ULL << o->size_shift) - 1) >> o->size_shift; /* bytes to MiB, up */
  }
  if (*c || x > (unsigned long long)o->max || (long long)x < o->min) return 0;
  *out = (long long)x;
  return 1;
}

/* The index of v among an enum's '|'-separated names; 0 when it is none of them. */
static int hk_option_enum(const hk_option_t *o, const char *v, long long *out) {
  long long i = 0;
  for (const char *n = o->values; *n; i++) {
    size_t len = strcspn(n, "|");
    if (strlen(v) == len && !strncmp(n, v, len)) {
      *out = i;
      return 1;
    }
    n += len + (n[len] == '|');
  }
  return 0;
}

static int hk_option_parse(const hk_option_t *o, const char *v, long long *out) {
  if (o->kind == HK_OPT_ENUM) return hk_option_enum(o, v, out);
  if (o->kind == HK_OPT_BOOL) {
    if ((v[0] != '0' && v[0] != '1') || v[1]) return 0;
    *out = v[0] - '0';
    return 1;
  }
  return hk_option_int(o, v, out);
}

/* An enum's name, or the value's digits, onto o. */
static void hk_option_value(hk_out_t *o, const hk_option_t *opt, long long x) {
  if (opt->kind != HK_OPT_ENUM) {
    hk_out_printf(o, "%lld", x);
    return;
  }
  const char *n = opt->values;
  for (long long i = 0; i < x && *n; i++) n += strcspn(n, "|") + (n[strcspn(n, "|")] == '|');
  hk_out_put(o, n, strcspn(n, "|"));
}

static void hk_option_refuse(const hk_option_t *opt, const char *env, const char *v) {
  hk_out_t o;
  hk_out_fd(&o, 2);
  /* 40 bytes of the value: enough to recognise it */
  hk_out_printf(&o, "hakmem: %s=%.40s is not %s; keeping ", env, v, opt->accepts);
  hk_option_value(&o, opt, *opt->var);
  hk_out_str(&o, "\n");
  hk_out_end(&o);
}

/* ---- HAKMEM_ variables this variant does not read ----
 * The rule (also in native/src/env.ts and docs/runtime-options.md): every HAKMEM_
 * variable in the environment is
 *   - one of hk_env_known: the core's variables (ENV_OPTIONS), known in every variant whether
 *     or not one of its boxes reads them (HAKMEM_PROFILE without sampler/poisson, HAKMEM_STATS
 *     with stats/off), and this variant's runtime tunables with their shorter names: read;
 *   - one of hk_env_tools (TOOL_ENV): read only by hakmem's Node tools, tests and scripts
 *     (HAKMEM_TEST_VARIANT, ...), in the environment of whatever they run: never judged;
 *   - anything else: one line on stderr, "HAKMEM_X is not an option of variant V (ignored)",
 *     with why when the composer knows (hk_env_other: a runtime tunable of a box this variant
 *     does not have, or a tunable it fixes at build), else the nearest name it reads, if one is
 *     within two edits. Nothing else changes: the variable is ignored.
 * Each name once (an environment may hold one twice), once per process (hk_init_slow), on the
 * cold path inside malloc's first call: it walks environ and writes with write(2), nothing
 * allocated, no getenv. */

#define HK_ENV_NAME_MAX 64

/* Is s[0..len) the name `name`? */
static int hk_env_is(const char *name, const char *s, size_t len) {
  return strlen(name) == len && !strncmp(name, s, len);
}

static int hk_env_in(const char *const *names, const char *s, size_t len) {
  for (; *names; names++)
    if (hk_env_is(*names, s, len)) return 1;
  return 0;
}

/* Edits (insert, delete, replace, swap two neighbours) from a[0..n) to b; SIZE_MAX when either
 * is too long. Three rows on the stack. */
static size_t hk_env_distance(const char *a, size_t n, const char *b) {
  size_t m = strlen(b), d[3][HK_ENV_NAME_MAX + 1];
  if (n > HK_ENV_NAME_MAX || m > HK_ENV_NAME_MAX) return SIZE_MAX;
  for (size_t j = 0; j <= m; j++) d[0][j] = j;
  for (size_t i = 1; i <= n; i++) {
    size_t *cur = d[i % 3], *up = d[(i - 1) % 3], *up2 = d[(i + 1) % 3]; /* rows i, i-1, i-2 */
    cur[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t best = up[j - 1] + (a[i - 1] != b[j - 1]);
      if (up[j] + 1 < best) best = up[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && up2[j - 2] + 1 < best)
        best = up2[j - 2] + 1;
      cur[j] = best;
    }
  }
  return d[n % 3][m];
}

static void hk_options_check_names(void) {
  for (char **e = environ; e && *e; e++) {
    const char *s = *e;
    if (strncmp(s, "HAKMEM_", 7)) continue;
    size_t len = strcspn(s, "=");
    if (hk_env_in(hk_env_known, s, len) || hk_env_in(hk_env_tools, s, len)) continue;
    int seen = 0;
    for (char **f = environ; f < e && !seen; f++) seen = strcspn(*f, "=") == len && !strncmp(*f, s, len);
    if (seen) continue;
    const char *why = NULL, *near = NULL;
    for (int i = 0; hk_env_other[i][0] && !why; i++)
      if (hk_env_is(hk_env_other[i][0], s, len)) why = hk_env_other[i][1];
    size_t best = 3; /* at most two edits, and no more than a third of the name after HAKMEM_ */
    for (int i = 0; hk_env_known[i] && !why; i++) {
      size_t d = hk_env_distance(s, len, hk_env_known[i]);
      if (d < best && d * 3 <= len - 7) {
        best = d;
        near = hk_env_known[i];
      }
    }
    hk_out_t o;
    hk_out_fd(&o, 2);
    hk_out_printf(&o, "hakmem: %.*s is not an option of variant " HK_VARIANT_NAME " (ignored",
                  (int)(len < 60 ? len : 60), s);
    if (why) hk_out_printf(&o, ": %s", why);
    hk_out_str(&o, ")");
    if (near) hk_out_printf(&o, "; did you mean %s?", near);
    hk_out_str(&o, "\n");
    hk_out_end(&o);
  }
}

/* Every tunable with its value and where it came from, one line each, on stderr. */
static void hk_options_print(void) {
  hk_out_t o;
  hk_out_fd(&o, 2);
  hk_out_str(&o, "hakmem: variant " HK_VARIANT_NAME " " HK_VERSION ", boxes");
  for (int i = 0; hk_slot_names[i]; i++) hk_out_printf(&o, " %s=%s", hk_slot_names[i], hk_slot_boxes[i]);
  hk_out_str(&o, "\n");
  for (size_t i = 0; hk_options[i].slot; i++) {
    const hk_option_t *opt = &hk_options[i];
    hk_out_printf(&o, "hakmem:   %s.%s = ", opt->slot, opt->name);
    hk_option_value(&o, opt, opt->var ? *opt->var : opt->value);
    hk_out_str(&o, hk_option_from[i] ? " (from " : opt->from_config ? " (the variant's" : " (built in");
    if (hk_option_from[i]) hk_out_str(&o, hk_option_from[i]);
    if (!opt->var) hk_out_str(&o, ", fixed at build");
    else if (!hk_option_from[i]) {
      hk_out_printf(&o, "; %s", opt->env);
      if (opt->alias) hk_out_printf(&o, " or %s", opt->alias);
      hk_out_str(&o, " sets it");
    }
    hk_out_str(&o, ")\n");
  }
  hk_out_end(&o);
}

static HK_COLD void hk_options_read(void) {
  for (size_t i = 0; hk_options[i].slot; i++) {
    const hk_option_t *o = &hk_options[i];
    if (!o->var) continue;
    const char *env = o->env, *v = getenv(env);
    if ((!v || !*v) && o->alias) v = getenv(env = o->alias);
    if (!v || !*v) continue;
    long long x;
    if (!hk_option_parse(o, v, &x)) {
      hk_option_refuse(o, env, v);
      continue;
    }
    *o->var = x;
    hk_option_from[i] = env;
  }
  hk_options_check_names();
  const char *verbose = getenv("HAKMEM_VERBOSE");
  if (verbose && *verbose && strcmp(verbose, "0")) hk_options_print();
}
