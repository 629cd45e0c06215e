/* realloc_stress.c: random realloc/malloc/calloc/memalign/free against a shadow copy.
 * Slots are shared by all threads (one lock each), so blocks are often resized or freed
 * by a thread other than the one that allocated them.
 * Usage: realloc_stress [threads=4] [ops_per_thread=60000] */
#include "hk_test.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>

#define NSLOTS 192
#define MAXLEN ((size_t)4 << 20)

typedef struct {
  pthread_mutex_t mu;
  unsigned char *p;
  size_t n;
  unsigned char *shadow; /* mmap'd: independent of the allocator under test */
} slot_t;

static slot_t slots[NSLOTS];
static long ops;

static size_t random_size(uint64_t *rng) {
  uint64_t r = hk_rand(rng);
  switch (r % 64) {
  case 0: return (r >> 8) % MAXLEN; /* anything, up to 4 MiB */
  case 1:
  case 2:
  case 3:
  case 4: return (r >> 8) % 131072; /* mid */
  case 5:
  case 6: return 0;
  default: return (r >> 8) % 2049; /* small */
  }
}

/* Bytes from..to of the block and its shadow get new contents: word i is a hash of a random
 * base and i, so no two words of a call repeat and a block moved or shifted differs from its
 * shadow. The words are independent (one xorshift step per word was a serial chain, half the
 * program's time), and the stores are built in although the program is built -fno-builtin
 * (as calls they were 40% of it). */
static void randomize(unsigned char *dst, unsigned char *shadow, size_t from, size_t to, uint64_t *rng) {
  const uint64_t base = hk_rand(rng);
  size_t i = from;
  for (; i + 8 <= to; i += 8) {
    uint64_t r = (base + i) * 0x9E3779B97F4A7C15ULL;
    r ^= r >> 29;
    __builtin_memcpy(dst + i, &r, 8);
    __builtin_memcpy(shadow + i, &r, 8);
  }
  for (uint64_t r = hk_rand(rng); i < to; i++, r >>= 8) shadow[i] = dst[i] = (unsigned char)r;
}

static void check_slot(const slot_t *s) {
  if (!s->n) return;
  CHECK(memcmp(s->p, s->shadow, s->n) == 0, "block %p (%zu bytes) differs from its shadow", (void *)s->p, s->n);
}

static void *stress(void *arg) {
  uint64_t rng = 0xC0FFEE + (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ULL;
  for (long op = 0; op < ops; op++) {
    slot_t *s = &slots[hk_rand(&rng) % NSLOTS];
    pthread_mutex_lock(&s->mu);
    check_slot(s);
    uint64_t r = hk_rand(&rng);
    size_t n = random_size(&rng);
    switch (r % 8) {
    case 0:
    case 1:
    case 2:
    case 3: { /* realloc */
      if (!s->p) {
        s->p = realloc(NULL, n);
        CHECK(s->p != NULL, "realloc(NULL, %zu)", n);
        s->n = 0;
      } else if (n == 0) { /* realloc(p, 0): either freed (NULL) or a new block */
        void *q = realloc(s->p, 0);
        s->p = q;
        s->n = 0;
        if (!q) break;
      } else {
        unsigned char *q = realloc(s->p, n);
        CHECK(q != NULL, "realloc(%p, %zu) returned NULL", (void *)s->p, n);
        size_t keep = s->n < n ? s->n : n;
        CHECK(memcmp(q, s->shadow, keep) == 0, "realloc %zu -> %zu lost contents", s->n, n);
        s->p = q;
        s->n = keep;
      }
      randomize(s->p, s->shadow, s->n, n, &rng);
      s->n = n;
      break;
    }
    case 4: { /* free and malloc a new block */
      free(s->p);
      s->p = malloc(n);
      CHECK(s->p != NULL, "malloc(%zu)", n);
      randomize(s->p, s->shadow, 0, n, &rng);
      s->n = n;
      break;
    }
    case 5: { /* calloc */
      free(s->p);
      s->p = calloc(1, n);
      CHECK(s->p != NULL, "calloc(1, %zu)", n);
      size_t nz = 0;
      while (nz < n && s->p[nz] == 0) nz++;
      CHECK(nz == n, "calloc(1, %zu): byte %zu is %d", n, nz, s->p[nz]);
      memset(s->shadow, 0, n);
      s->n = n;
      break;
    }
    case 6: { /* aligned block, which later gets realloc'ed like any other */
      free(s->p);
      size_t align = (size_t)16 << ((r >> 8) % 13); /* 16 .. 64 KiB */
      void *q = NULL;
      CHECK(posix_memalign(&q, align, n) == 0, "posix_memalign(%zu, %zu)", align, n);
      CHECK(((uintptr_t)q & (align - 1)) == 0, "posix_memalign(%zu) misaligned", align);
      s->p = q;
      randomize(s->p, s->shadow, 0, n, &rng);
      s->n = n;
      break;
    }
    case 7: { /* scribble over part of the block, then free or keep */
      if (s->p && s->n) {
        size_t a = (r >> 8) % s->n, b = a + ((r >> 32) % (s->n - a));
        randomize(s->p, s->shadow, a, b, &rng);
      }
      if (r & 0x10000) {
        free(s->p);
        s->p = NULL;
        s->n = 0;
      }
      break;
    }
    }
    if (s->p) CHECK(malloc_usable_size(s->p) >= s->n, "usable size %zu < %zu", malloc_usable_size(s->p), s->n);
    pthread_mutex_unlock(&s->mu);
  }
  hk_thread_checks_flush();
  return NULL;
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  int nthreads = (int)hk_arg_long(argc, argv, 1, 4);
  ops = hk_arg_long(argc, argv, 2, 60000);
  CHECK(nthreads >= 1 && nthreads <= 64, "bad thread count");
  for (int i = 0; i < NSLOTS; i++) {
    pthread_mutex_init(&slots[i].mu, NULL);
    slots[i].shadow = mmap(NULL, MAXLEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(slots[i].shadow != MAP_FAILED, "mmap shadow");
  }
  pthread_t t[64];
  for (int i = 0; i < nthreads; i++)
    CHECK(pthread_create(&t[i], NULL, stress, (void *)(uintptr_t)i) == 0, "pthread_create");
  for (int i = 0; i < nthreads; i++) CHECK(pthread_join(t[i], NULL) == 0, "pthread_join");
  for (int i = 0; i < NSLOTS; i++) {
    check_slot(&slots[i]);
    free(slots[i].p);
  }
  printf("threads=%d ops=%ld\n", nthreads, ops);
  hk_done();
}
