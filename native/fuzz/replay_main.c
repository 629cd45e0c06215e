/* replay_main.c — runs hk_fuzz.c's target over files and directories without libFuzzer, so
 * the seed corpus and every regression input run with any compiler (gcc, no clang needed).
 * Usage: hk_fuzz_replay <file|dir>...   Prints "replayed <n> inputs". */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed;

static void replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
  LLVMFuzzerTestOneInput(buf, n);
  replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static void replay(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    exit(2);
  }
  if (!S_ISDIR(st.st_mode)) {
    replay_file(path);
    return;
  }
  struct dirent **ents;
  int n = scandir(path, &ents, NULL, by_name);
  if (n < 0) {
    perror(path);
    exit(2);
  }
  for (int i = 0; i < n; i++) {
    if (ents[i]->d_name[0] != '.' && strcmp(ents[i]->d_name, "README.md") != 0) {
      char full[4096];
      snprintf(full, sizeof full, "%s/%s", path, ents[i]->d_name);
      replay(full);
    }
    free(ents[i]);
  }
  free(ents);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) replay(argv[i]);
  printf("replayed %lu inputs\n", replayed);
  return 0;
}
