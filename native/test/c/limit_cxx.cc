// HAKMEM_LIMIT in C++: operator new throws std::bad_alloc past the limit (nothrow new returns
// nullptr), and allocation works again after the deletes.
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>
#include "hk_test.h"

static size_t fill(std::vector<char *> &v) {
  try {
    for (;;) {
      char *p = new char[1 << 20];
      std::memset(p, 1, 4096);
      v.push_back(p);
    }
  } catch (const std::bad_alloc &) {}
  return v.size();
}

int main() {
  hk_require_hakmem();
  std::vector<char *> v;
  v.reserve(1 << 16);
  size_t a = fill(v);
  CHECK(a > 0 && a < (1u << 16), "%zu MiB before bad_alloc", a);
  CHECK(new (std::nothrow) char[1 << 20] == nullptr, "nothrow new past the limit returned a block");
  for (char *p : v) delete[] p;
  v.clear();
  size_t b = fill(v);
  CHECK(b >= a / 2, "after the deletes only %zu MiB again (first %zu)", b, a);
  for (char *p : v) delete[] p;
  std::printf("bad_alloc after=%zu again=%zu\n", a, b);
  hk_done();
}
