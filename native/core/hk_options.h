/* hk_options.h — the variant's tunables as the core sees them at start-up. The composer
 * generates the table hk_options[] (one row per tunable of the chosen boxes, ended by a row of
 * NULLs) and the name lists (hk_env_known, hk_env_tools, hk_env_other: how hk_options.c judges
 * every other HAKMEM_ variable; hk_slot_names, hk_slot_boxes) into the variant unit, after the
 * boxes and before hk_core.c.
 * A runtime tunable (`runtime: true` in its box's manifest) has a variable, which its
 * HK_CFG_<SLOT>_<NAME> macro names: hk_options_read (hk_options.c) sets it once, from
 * HAKMEM_<SLOT>_<NAME> or its shorter `env` name, before any slot's init hook runs and before
 * any allocation returns; nothing writes it afterwards, so every thread reads it plainly. A
 * constant tunable has no variable (var NULL) and is listed for HAKMEM_VERBOSE only. */
#ifndef HK_OPTIONS_H
#define HK_OPTIONS_H

enum { HK_OPT_INT, HK_OPT_BOOL, HK_OPT_ENUM };

typedef struct {
  const char *slot, *name; /* "purge", "delayMs" */
  const char *env, *alias; /* HAKMEM_PURGE_DELAY_MS and a shorter name; NULL for a constant */
  const char *accepts;     /* what a value must be, in words (the error line) */
  const char *values;      /* an enum's names, '|'-separated ("report|abort"); NULL otherwise */
  long long *var;          /* a runtime tunable's variable; NULL for a constant */
  long long value;         /* the variant's value: an enum's index, a bool's 0 or 1 */
  long long min, max;
  unsigned char kind;        /* HK_OPT_INT, HK_OPT_BOOL, HK_OPT_ENUM */
  unsigned char size_shift;  /* an int in bytes (0) or MiB (20) also takes 512M; 255: digits only */
  unsigned char from_config; /* the variant gives a value other than its box's default */
} hk_option_t;

#endif
