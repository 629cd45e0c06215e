/* hk_classes.h — size classes: 16-byte steps to 128 B, then four classes per doubling up to
 * 256 KiB. Classes 0..31 (<= 8 KiB) live in 64 KiB slabs, 32..51 in whole-chunk slabs.
 * The lookup for n <= 1024 is one table load; above it, a count-leading-zeros formula. */
#ifndef HK_CLASSES_H
#define HK_CLASSES_H

#define HK_NUM_CLASSES   52
#define HK_SMALL_CLASSES 32            /* classes served from 64 KiB slabs */
#define HK_SMALL_MAX     8192
#define HK_SLAB_MAX      262144        /* largest slab class; above: the large slot */
#define HK_LOOKUP_MAX    1024

static const uint32_t hk_class_size[HK_NUM_CLASSES] = {
  16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512,
  640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
  10240, 12288, 14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536,
  81920, 98304, 114688, 131072, 163840, 196608, 229376, 262144,
};

/* 1 + UINT64_MAX / size: a 32-bit x is a multiple of size iff x * m < m (exact division test
 * by one multiply, Lemire et al. 2019). Checks that a freed pointer starts a block. */
static const uint64_t hk_class_divm[HK_NUM_CLASSES] = {
  0x1000000000000000ull, 0x0800000000000000ull, 0x0555555555555556ull, 0x0400000000000000ull,
  0x0333333333333334ull, 0x02aaaaaaaaaaaaabull, 0x024924924924924aull, 0x0200000000000000ull,
  0x019999999999999aull, 0x0155555555555556ull, 0x0124924924924925ull, 0x0100000000000000ull,
  0x00cccccccccccccdull, 0x00aaaaaaaaaaaaabull, 0x0092492492492493ull, 0x0080000000000000ull,
  0x0066666666666667ull, 0x0055555555555556ull, 0x004924924924924aull, 0x0040000000000000ull,
  0x0033333333333334ull, 0x002aaaaaaaaaaaabull, 0x0024924924924925ull, 0x0020000000000000ull,
  0x001999999999999aull, 0x0015555555555556ull, 0x0012492492492493ull, 0x0010000000000000ull,
  0x000ccccccccccccdull, 0x000aaaaaaaaaaaabull, 0x000924924924924aull, 0x0008000000000000ull,
  0x0006666666666667ull, 0x0005555555555556ull, 0x0004924924924925ull, 0x0004000000000000ull,
  0x0003333333333334ull, 0x0002aaaaaaaaaaabull, 0x0002492492492493ull, 0x0002000000000000ull,
  0x000199999999999aull, 0x0001555555555556ull, 0x000124924924924aull, 0x0001000000000000ull,
  0x0000cccccccccccdull, 0x0000aaaaaaaaaaabull, 0x0000924924924925ull, 0x0000800000000000ull,
  0x0000666666666667ull, 0x0000555555555556ull, 0x0000492492492493ull, 0x0000400000000000ull,
};

/* index (n + 15) >> 4 for n in [0, 1024] */
static const uint8_t hk_class_lookup[65] = {
  0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13,
  14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17, 17, 17, 17,
  17, 17, 18, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19,
};

/* Class of a size in (128, HK_SLAB_MAX]: the doubling b = floor(log2(n-1)), then the quarter. */
static inline uint32_t hk_class_of_big(size_t n) {
  size_t m = n - 1;
  uint32_t b = 63u - (uint32_t)__builtin_clzll(m);
  return 8u + (b - 7u) * 4u + (uint32_t)((m >> (b - 2u)) & 3u);
}

/* Any size up to HK_SLAB_MAX; callers check the bound. */
static inline uint32_t hk_class_of(size_t n) {
  if (n <= HK_LOOKUP_MAX) return hk_class_lookup[(n + 15) >> 4];
  return hk_class_of_big(n);
}

#endif
