/* Three allocation sites with known shares, for the sampler's profile test (built -g -O0
 * -no-pie, so the test maps the profile's pcs to these functions with nm):
 *   site_big    320 MiB in 4 KiB blocks, freed as it goes (80% of the bytes allocated),
 *   site_small   80 MiB in 1 KiB blocks, freed as it goes (20%),
 *   site_leak    16 MiB in 4 KiB blocks, never freed (the only live bytes at exit).
 * argv[1], when given and not "-": hakmem_profile_dump(argv[1]) before exit; prints its result
 * and errno. argv[2] and argv[3], when given: raise SIGUSR1 (HAKMEM_PROFILE_SIGNAL=1 writes the
 * profile to HAKMEM_PROFILE, here argv[2]), then rename argv[2] to argv[3] before exit rewrites it. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024u * 1024u)

static void *volatile sink;

__attribute__((noinline)) void site_big(void) {
  for (unsigned i = 0; i < 320 * MiB / 4096; i++) {
    char *p = malloc(4096);
    p[0] = 1;
    sink = p;
    free(p);
  }
}

__attribute__((noinline)) void site_small(void) {
  for (unsigned i = 0; i < 80 * MiB / 1024; i++) {
    char *p = malloc(1024);
    p[0] = 1;
    sink = p;
    free(p);
  }
}

static void *leaked[16 * MiB / 4096];

__attribute__((noinline)) void site_leak(void) {
  for (unsigned i = 0; i < 16 * MiB / 4096; i++) {
    leaked[i] = malloc(4096);
    ((char *)leaked[i])[0] = 1;
  }
}

int main(int argc, char **argv) {
  /* stdout unbuffered: its 4 KiB buffer would be a fourth live allocation at exit, sampled in
   * ~6% of runs at 64 KiB intervals */
  setvbuf(stdout, NULL, _IONBF, 0);
  site_big();
  site_small();
  site_leak();
  if (argc > 3) {
    raise(SIGUSR1);
    printf("rename %d\n", rename(argv[2], argv[3]));
  }
  if (argc > 1 && strcmp(argv[1], "-") != 0) {
    int (*dump)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "hakmem_profile_dump");
    if (!dump) {
      printf("dump missing\n");
      return 0;
    }
    errno = 0;
    int r = dump(argv[1]);
    printf("dump %d %s\n", r, r ? strerror(errno) : "ok");
  }
  return 0;
}
