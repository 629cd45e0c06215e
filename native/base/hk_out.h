/* hk_out.h — the one writer of every message and report: a warning on stderr, malloc_stats,
 * malloc_info, the exit reports, the metrics JSON. Text is formatted into a small buffer on the
 * caller's stack and handed to a sink (a descriptor, a caller's buffer, or a function such as
 * malloc_info's stdio one) when the buffer fills and at hk_out_end. It never allocates and
 * calls no stdio, so it is safe in malloc itself, at exit and in a signal handler (the metrics
 * on SIGUSR2). hk_out_printf takes printf's format, checked by the compiler: flags '-',
 * width and precision (digits or '*'), lengths hh h l ll z, conversions d i u x s c p %. */
#ifndef HK_OUT_H
#define HK_OUT_H

#include <stdarg.h>
#include <unistd.h>
#include "hk_base.h"

static size_t hk_fmt_u64(char *out, uint64_t v) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

static size_t hk_fmt_hex(char *out, uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  char tmp[18];
  size_t n = 0;
  do {
    tmp[n++] = digits[v & 15];
    v >>= 4;
  } while (v);
  out[0] = '0';
  out[1] = 'x';
  for (size_t i = 0; i < n; i++) out[2 + i] = tmp[n - 1 - i];
  return n + 2;
}

/* All of buf to fd, retrying interrupted writes; stops at the first other failure. */
static void hk_os_write_all(int fd, const char *buf, size_t len) {
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, buf + off, len - off);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      break;
    }
    off += (size_t)w;
  }
}

typedef struct hk_out hk_out_t;
struct hk_out {
  void (*sink)(hk_out_t *o, const char *s, size_t n); /* where the buffered text goes */
  int fd;                                             /* hk_out_fd's descriptor */
  void *ctx;                                          /* hk_out_to's target (malloc_info's FILE) */
  char *dst;                                          /* hk_out_mem's buffer, */
  size_t cap;                                         /* its size (0: count only) */
  size_t total;                                       /* bytes written so far, sunk or not (snprintf's count) */
  size_t col;                                         /* the column in the current line (hk_out_pad) */
  size_t len;                                         /* bytes in buf not yet sunk */
  char buf[256];
};

static void hk_out_sink_fd(hk_out_t *o, const char *s, size_t n) { hk_os_write_all(o->fd, s, n); }

/* Into the caller's buffer, up to cap - 1 bytes (hk_out_end ends it with a NUL); the rest is
 * counted, not written: snprintf's contract. */
static void hk_out_sink_mem(hk_out_t *o, const char *s, size_t n) {
  size_t at = o->total - n; /* these are the last n bytes of the text so far */
  for (size_t i = 0; i < n && at + i + 1 < o->cap; i++) o->dst[at + i] = s[i];
}

static void hk_out_init(hk_out_t *o, void (*sink)(hk_out_t *, const char *, size_t)) {
  o->sink = sink;
  o->fd = -1;
  o->ctx = NULL;
  o->dst = NULL;
  o->cap = 0;
  o->total = o->col = o->len = 0;
}
/* To a descriptor (write(2)). */
static void hk_out_fd(hk_out_t *o, int fd) {
  hk_out_init(o, hk_out_sink_fd);
  o->fd = fd;
}
/* Into buf (cap bytes, NUL-terminated by hk_out_end; buf may be NULL when cap is 0). */
static void hk_out_mem(hk_out_t *o, char *buf, size_t cap) {
  hk_out_init(o, hk_out_sink_mem);
  o->dst = buf;
  o->cap = buf ? cap : 0;
}
/* To a sink of the caller's, with its target in o->ctx. */
static void hk_out_to(hk_out_t *o, void (*sink)(hk_out_t *, const char *, size_t), void *ctx) {
  hk_out_init(o, sink);
  o->ctx = ctx;
}

static void hk_out_flush(hk_out_t *o) {
  size_t n = o->len;
  o->len = 0;
  if (n) o->sink(o, o->buf, n);
}

static void hk_out_put(hk_out_t *o, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (o->len == sizeof o->buf) hk_out_flush(o);
    o->buf[o->len++] = s[i];
    o->total++;
    o->col = s[i] == '\n' ? 0 : o->col + 1;
  }
}

static void hk_out_str(hk_out_t *o, const char *s) { hk_out_put(o, s, strlen(s)); }

/* Spaces up to column col of the current line (none if it is there already). */
static void hk_out_pad(hk_out_t *o, size_t col) {
  while (o->col < col) hk_out_put(o, " ", 1);
}

/* One conversion's text, padded to width (left-justified with '-'). */
static void hk_out_field(hk_out_t *o, const char *s, size_t n, int width, int left) {
  size_t w = width > 0 ? (size_t)width : 0;
  if (!left)
    for (size_t i = n; i < w; i++) hk_out_put(o, " ", 1);
  hk_out_put(o, s, n);
  if (left)
    for (size_t i = n; i < w; i++) hk_out_put(o, " ", 1);
}

static void hk_out_vprintf(hk_out_t *o, const char *fmt, va_list ap) {
  while (*fmt) {
    const char *lit = fmt;
    while (*fmt && *fmt != '%') fmt++;
    hk_out_put(o, lit, (size_t)(fmt - lit));
    if (!*fmt) break;
    fmt++;
    int left = 0, width = 0, prec = -1, size = 0; /* size: 0 int, 1 long, 2 long long, 3 size_t */
    while (*fmt == '-' || *fmt == '0' || *fmt == ' ' || *fmt == '+' || *fmt == '#') left |= *fmt++ == '-';
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = 1;
        width = -width;
      }
      fmt++;
    } else
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        fmt++;
      } else
        while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
    }
    while (*fmt == 'h') fmt++; /* promoted to int in any case */
    if (*fmt == 'z') {
      size = 3;
      fmt++;
    } else
      while (*fmt == 'l') {
        size++;
        fmt++;
      }
    char tmp[24];
    size_t n;
    switch (*fmt) {
    case 'd':
    case 'i': {
      long long v = size == 0   ? va_arg(ap, int)
                    : size == 1 ? va_arg(ap, long)
                    : size == 2 ? va_arg(ap, long long)
                                : (long long)va_arg(ap, ssize_t);
      uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
      tmp[0] = '-';
      n = (v < 0) + hk_fmt_u64(tmp + (v < 0), mag);
      hk_out_field(o, tmp, n, width, left);
      break;
    }
    case 'u':
    case 'x': {
      uint64_t v = size == 0   ? va_arg(ap, unsigned)
                   : size == 1 ? va_arg(ap, unsigned long)
                   : size == 2 ? va_arg(ap, unsigned long long)
                               : va_arg(ap, size_t);
      n = *fmt == 'u' ? hk_fmt_u64(tmp, v) : hk_fmt_hex(tmp, v) - 2;
      if (*fmt == 'x') memmove(tmp, tmp + 2, n);
      hk_out_field(o, tmp, n, width, left);
      break;
    }
    case 'p':
      n = hk_fmt_hex(tmp, (uint64_t)(uintptr_t)va_arg(ap, void *));
      hk_out_field(o, tmp, n, width, left);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)";
      size_t len = 0;
      while (s[len] && (prec < 0 || len < (size_t)prec)) len++;
      hk_out_field(o, s, len, width, left);
      break;
    }
    case 'c':
      tmp[0] = (char)va_arg(ap, int);
      hk_out_field(o, tmp, 1, width, left);
      break;
    case '%': hk_out_put(o, "%", 1); break;
    default: return; /* not a conversion this writer knows: the format is cut here */
    }
    fmt++;
  }
}

__attribute__((format(printf, 2, 3))) static void hk_out_printf(hk_out_t *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hk_out_vprintf(o, fmt, ap);
  va_end(ap);
}

/* Everything buffered goes to the sink; a buffer is NUL-terminated (at cap - 1 when the text
 * did not fit). The bytes written in all, whether they fitted or not. */
static size_t hk_out_end(hk_out_t *o) {
  hk_out_flush(o);
  if (o->sink == hk_out_sink_mem && o->cap) o->dst[o->total < o->cap ? o->total : o->cap - 1] = 0;
  return o->total;
}

#endif
