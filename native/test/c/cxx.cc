// cxx.cc: C++ operator new/delete forms served by hakmem, and STL workloads.
// Usage: cxx   (prints "ok <n> checks" on success)
#include "hk_test.h"

#include <malloc.h>

#include <cstddef>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

static const char *const cxx_symbols[] = {
  "malloc",
  "free",
  "_Znwm",                               // operator new(size_t)
  "_Znam",                               // operator new[](size_t)
  "_ZdlPv",                              // operator delete(void*)
  "_ZdaPv",                              // operator delete[](void*)
  "_ZdlPvm",                             // operator delete(void*, size_t)
  "_ZdaPvm",                             // operator delete[](void*, size_t)
  "_ZnwmRKSt9nothrow_t",                 // operator new(size_t, nothrow_t const&)
  "_ZnamRKSt9nothrow_t",                 // operator new[](size_t, nothrow_t const&)
  "_ZnwmSt11align_val_t",                // operator new(size_t, align_val_t)
  "_ZnamSt11align_val_t",                // operator new[](size_t, align_val_t)
  "_ZdlPvSt11align_val_t",               // operator delete(void*, align_val_t)
  "_ZdlPvmSt11align_val_t",              // operator delete(void*, size_t, align_val_t)
  "_ZdaPvSt11align_val_t",               // operator delete[](void*, align_val_t)
  "_ZnwmSt11align_val_tRKSt9nothrow_t",  // operator new(size_t, align_val_t, nothrow_t const&)
  nullptr,
};

static volatile size_t v_huge = SIZE_MAX / 2;

struct alignas(64) Line {
  unsigned char b[64];
};
struct alignas(4096) Page {
  unsigned char b[4096];
};

static void test_operators() {
  for (size_t n = 1; n < 300000; n = n * 2 + 3) {
    void *p = ::operator new(n);
    CHECK(p != nullptr, "operator new(%zu)", n);
    hk_fill(p, n, n);
    void *q = ::operator new[](n);
    hk_fill(q, n, n + 1);
    CHECK(malloc_usable_size(p) >= n, "usable size of operator new(%zu)", n);
    CHECK_PATTERN(p, n, n);
    CHECK_PATTERN(q, n, n + 1);
    ::operator delete(p, n);  // sized delete
    ::operator delete[](q);
    void *r = ::operator new(n);
    ::operator delete(r);
    void *s = ::operator new[](n);
    ::operator delete[](s, n);
  }
  // Aligned new, through the operators and through over-aligned types.
  static const size_t aligns[] = { 16, 32, 64, 128, 256, 4096, 65536 };
  for (size_t align : aligns)
    for (size_t n = align; n <= 8 * align + 1; n = n * 2 + 1) {
      void *p = ::operator new(n, std::align_val_t(align));
      CHECK(((uintptr_t)p & (align - 1)) == 0, "operator new(%zu, align %zu) = %p", n, align, p);
      hk_fill(p, n, align);
      void *q = ::operator new[](n, std::align_val_t(align));
      CHECK(((uintptr_t)q & (align - 1)) == 0, "operator new[](%zu, align %zu) = %p", n, align, q);
      CHECK_PATTERN(p, n, align);
      ::operator delete(p, n, std::align_val_t(align));
      ::operator delete[](q, std::align_val_t(align));
      void *r = ::operator new(n, std::align_val_t(align), std::nothrow);
      CHECK(r && ((uintptr_t)r & (align - 1)) == 0, "nothrow aligned new(%zu, %zu) = %p", n, align, r);
      ::operator delete(r, std::align_val_t(align));
    }
  std::vector<Line *> lines;
  std::vector<Page *> pages;
  for (int i = 0; i < 200; i++) {
    Line *l = new Line;
    CHECK(((uintptr_t)l & 63) == 0, "new Line (alignas 64) = %p", (void *)l);
    l->b[0] = (unsigned char)i;
    lines.push_back(l);
    if (i % 10 == 0) {
      Page *pg = new Page[3];
      CHECK(((uintptr_t)pg & 4095) == 0, "new Page[3] (alignas 4096) = %p", (void *)pg);
      pg[2].b[4095] = (unsigned char)i;
      pages.push_back(pg);
    }
  }
  for (int i = 0; i < 200; i++) {
    CHECK(lines[(size_t)i]->b[0] == (unsigned char)i, "Line %d corrupted", i);
    delete lines[(size_t)i];
  }
  for (size_t i = 0; i < pages.size(); i++) {
    CHECK(pages[i][2].b[4095] == (unsigned char)(i * 10), "Page %zu corrupted", i);
    delete[] pages[i];
  }
}

static void test_failure() {
  // nothrow forms return nullptr on sizes that cannot be served.
  void *p = ::operator new(v_huge, std::nothrow);
  CHECK(p == nullptr, "operator new(huge, nothrow) = %p", p);
  p = ::operator new[](v_huge, std::nothrow);
  CHECK(p == nullptr, "operator new[](huge, nothrow) = %p", p);
  p = ::operator new(v_huge, std::align_val_t(64), std::nothrow);
  CHECK(p == nullptr, "operator new(huge, align 64, nothrow) = %p", p);
  char *a = new (std::nothrow) char[v_huge];
  CHECK(a == nullptr, "new (nothrow) char[huge] = %p", (void *)a);
  // The throwing forms throw std::bad_alloc.
  bool threw = false;
  try {
    void *q = ::operator new(v_huge);
    ::operator delete(q);
  } catch (const std::bad_alloc &) { threw = true; }
  CHECK(threw, "operator new(huge) did not throw std::bad_alloc");
  threw = false;
  try {
    void *q = ::operator new[](v_huge, std::align_val_t(4096));
    ::operator delete[](q, std::align_val_t(4096));
  } catch (const std::bad_alloc &) { threw = true; }
  CHECK(threw, "operator new[](huge, align 4096) did not throw std::bad_alloc");
  delete static_cast<int *>(nullptr);
  delete[] static_cast<int *>(nullptr);
}

static void test_stl() {
  uint64_t rng = 42;
  for (int round = 0; round < 5; round++) {
    std::vector<std::string> strs;
    std::map<std::string, std::vector<int>> m;
    std::unordered_map<uint64_t, std::string> um;
    for (int i = 0; i < 20000; i++) {
      uint64_t r = hk_rand(&rng);
      std::string s(1 + r % 300, (char)('a' + r % 26));
      s += std::to_string(i);
      strs.push_back(s);
      m[s].push_back(i);
      um.emplace(r, s);
    }
    CHECK(strs.size() == 20000, "vector size");
    for (size_t i = 0; i < strs.size(); i++) {
      const std::string &s = strs[i];
      CHECK(s.size() > 1 && s[0] == s[s.size() - std::to_string(i).size() - 1], "string %zu corrupted", i);
      auto it = m.find(s);
      CHECK(it != m.end() && !it->second.empty(), "map lost key %zu", i);
    }
    std::vector<std::unique_ptr<std::vector<double>>> vv;
    for (int i = 0; i < 2000; i++) {
      auto v = std::make_unique<std::vector<double>>();
      for (int k = 0; k < i % 97; k++) v->push_back(k * 0.5);
      vv.push_back(std::move(v));
    }
    for (int i = 0; i < 2000; i++) {
      const auto &v = *vv[(size_t)i];
      CHECK(v.size() == (size_t)(i % 97), "vector %d size", i);
      for (size_t k = 0; k < v.size(); k++) CHECK(v[k] == (double)k * 0.5, "vector %d element %zu", i, k);
    }
    vv.erase(vv.begin(), vv.begin() + 1000);
    std::string big;
    for (int i = 0; i < 100000; i++) big += "0123456789";
    CHECK(big.size() == 1000000 && big.compare(999990, 10, "0123456789") == 0, "big string");
    for (auto &kv : um) CHECK(!kv.second.empty(), "unordered_map value empty");
  }
}

int main() {
  void *(*volatile m)(size_t) = malloc;
  hk_require_hakmem_syms((void *)m, cxx_symbols);
  test_operators();
  test_failure();
  test_stl();
  hk_done();
}
