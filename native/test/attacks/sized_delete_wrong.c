/* sized_delete_wrong — C++14 sized operator delete(p, size) with a size far bigger than the
 * block's (1 KiB for a 64-byte block from operator new), as a type confusion in a C++ program
 * would pass. The operator is the allocator's own where it defines one, else libstdc++'s
 * (loaded here if the program has not got it), which calls free and ignores the size.
 * SILENT: a 1 KiB block, or any block, overlaps a live block afterwards. */
#include "attack.h"

int main(void) {
  void *(*new_fn)(size_t) = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "_Znwm");
  if (!new_fn && !dlopen("libstdc++.so.6", RTLD_NOW | RTLD_GLOBAL))
    setup_failed("cannot load libstdc++: %s", dlerror());
  new_fn = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "_Znwm");
  void (*delete_fn)(void *, size_t) = (void (*)(void *, size_t))dlsym(RTLD_DEFAULT, "_ZdlPvm");
  if (!new_fn || !delete_fn) setup_failed("no operator new or sized operator delete");
  unsigned char *keep[256];
  for (int i = 0; i < 256; i++) hold(keep[i] = new_fn(ATTACK_SIZE), ATTACK_SIZE);
  unhold(keep[128]);
  delete_fn(opaque(keep[128]), 1024);
  for (int i = 0; i < 256; i++) take(1024);
  check_overlap("after operator delete(p, 1024) of a 64-byte block");
  check_heap(ATTACK_SIZE, "after operator delete(p, 1024) of a 64-byte block");
  intact();
}
