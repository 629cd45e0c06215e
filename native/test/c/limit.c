/* HAKMEM_LIMIT (set by the test, e.g. 64M): allocating past it returns NULL with ENOMEM
 * instead of growing, for large and small blocks, and allocation works again once memory is
 * freed. Prints how much each round got. */
#include "hk_test.h"

enum { MAX_BLOCKS = 1 << 20 };
static void *blocks[MAX_BLOCKS];

/* Allocate size-byte blocks until malloc says no; returns how many it gave. */
static int fill(size_t size) {
  int n = 0;
  for (; n < MAX_BLOCKS; n++) {
    errno = 0;
    void *p = malloc(size);
    if (!p) {
      CHECK(errno == ENOMEM, "malloc(%zu) failed with errno %d, not ENOMEM", size, errno);
      break;
    }
    memset(p, 1, size < 4096 ? size : 4096); /* touch it */
    blocks[n] = p;
  }
  return n;
}

static void drop(int n) {
  for (int i = 0; i < n; i++) free(blocks[i]);
}

int main(int argc, char **argv) {
  hk_require_hakmem();
  long long limit = argc > 1 ? atoll(argv[1]) : 0;
  CHECK(limit > 0, "usage: limit BYTES (the HAKMEM_LIMIT the test set)");
  int64_t hard = 0;
  CHECK(hk_probe("purge", "hard_limit", 0, &hard) && hard == limit, "purge/hard_limit says %lld", (long long)hard);
  const size_t sizes[] = { 1 << 20, 1024, 200 << 10 };
  for (int r = 0; r < 3; r++) {
    size_t size = sizes[r];
    int a = fill(size);
    CHECK(a < MAX_BLOCKS && (long long)a * (long long)size <= limit, "%d blocks of %zu passed the limit", a, size);
    CHECK((long long)a * (long long)size >= limit / 4, "only %d blocks of %zu under a limit of %lld", a, size, limit);
    drop(a);
    int b = fill(size); /* after the frees, the same again */
    CHECK(b >= a / 2, "after freeing %d blocks of %zu, only %d again", a, size, b);
    drop(b);
    printf("size=%zu first=%d again=%d\n", size, a, b);
  }
  int64_t refused = 0;
  CHECK(hk_probe("purge", "hard_refusals", 0, &refused) && refused > 0, "no mapping was refused");
  hk_done();
}
