/* hk_classes.h — size classes: 16-byte steps to 128 B, then four classes per doubling up to
 * 256 KiB. Classes 0..31 (<= 8 KiB) live in 64 KiB slabs, 32..51 in whole-chunk slabs.
 * The lookup for n <= 1024 is one table load; above it, a count-leading-zeros formula. */
#ifndef HK_CLASSES_H
#define HK_CLASSES_H

#define HK_NUM_CLASSES   52
#define HK_SMALL_CLASSES 32 /* classes served from 64 KiB slabs */
#define HK_SMALL_MAX     8192
#define HK_SLAB_MAX      262144 /* largest slab class; above: the large slot */
#define HK_LOOKUP_MAX    1024

static const uint32_t hk_class_size[HK_NUM_CLASSES] = {
  16,    32,    48,    64,    80,    96,    112,   128,    160,    192,    224,    256,    320,
  384,   448,   512,   640,   768,   896,   1024,  1280,   1536,   1792,   2048,   2560,   3072,
  3584,  4096,  5120,  6144,  7168,  8192,  10240, 12288,  14336,  16384,  20480,  24576,  28672,
  32768, 40960, 49152, 57344, 65536, 81920, 98304, 114688, 131072, 163840, 196608, 229376, 262144,
};

/* Block stride (and usable size) per class: the class size, plus one cache line from 1 KiB up.
 * Those sizes are multiples of 128, so without it every block of a slab would start at the same
 * offset modulo 4 KiB and their first lines would compete for one L1 set (and a few L2 sets):
 * an odd multiple of 64 spreads consecutive blocks over all 64 sets. Measured on mid_large_mt
 * (1-64 KiB): 1.6x the throughput of unpadded blocks. Slab blocks are thus 64-byte aligned
 * (16 below 128 B); larger alignments are handed out inside a bigger block (hk_alloc.c). */
static const uint32_t hk_class_stride[HK_NUM_CLASSES] = {
  16,    32,    48,    64,    80,    96,    112,   128,    160,    192,    224,    256,    320,
  384,   448,   512,   640,   768,   896,   1088,  1344,   1600,   1856,   2112,   2624,   3136,
  3648,  4160,  5184,  6208,  7232,  8256,  10304, 12352,  14400,  16448,  20544,  24640,  28736,
  32832, 41024, 49216, 57408, 65600, 81984, 98368, 114752, 131136, 163904, 196672, 229440, 262208,
};

/* 1 + UINT64_MAX / stride: a 32-bit x is a multiple of the stride iff x * m < m (exact
 * division test by one multiply, Lemire et al. 2019). Checks that a freed pointer starts a block. */
static const uint64_t hk_class_divm[HK_NUM_CLASSES] = {
  0x1000000000000000ull, 0x0800000000000000ull, 0x0555555555555556ull, 0x0400000000000000ull, 0x0333333333333334ull,
  0x02aaaaaaaaaaaaabull, 0x024924924924924aull, 0x0200000000000000ull, 0x019999999999999aull, 0x0155555555555556ull,
  0x0124924924924925ull, 0x0100000000000000ull, 0x00cccccccccccccdull, 0x00aaaaaaaaaaaaabull, 0x0092492492492493ull,
  0x0080000000000000ull, 0x0066666666666667ull, 0x0055555555555556ull, 0x004924924924924aull, 0x003c3c3c3c3c3c3dull,
  0x0030c30c30c30c31ull, 0x0028f5c28f5c28f6ull, 0x00234f72c234f72dull, 0x001f07c1f07c1f08ull, 0x0018f9c18f9c18faull,
  0x0014e5e0a72f053aull, 0x0011f7047dc11f71ull, 0x000fc0fc0fc0fc10ull, 0x000ca4587e6b74f1ull, 0x000a8e83f5717c0bull,
  0x00090fdbc090fdbdull, 0x0007f01fc07f01fdull, 0x00065c393e032e1dull, 0x00054e42523d03fbull, 0x00048d159e26af38ull,
  0x0003fc03fc03fc04ull, 0x000330a5e1b1d820ull, 0x0002a8e4bcd77060ull, 0x000247d6f2e2ec0cull, 0x0001ff007fc01ff1ull,
  0x000198f603fe670aull, 0x000154e3b4194ce7ull, 0x0001243ec97d49ebull, 0x0000ffc00ffc0100ull, 0x0000cca3df39c140ull,
  0x0000aa8e3da06545ull, 0x0000923441ad7981ull, 0x00007ff001ffc008ull, 0x0000665c29fbcd39ull, 0x0000554e397b35bcull,
  0x0000491f59307c8aull, 0x00003ffc003ffc01ull,
};

/* index (n + 15) >> 4 for n in [0, 1024] */
static const uint8_t hk_class_lookup[65] = {
  0,  0,  1,  2,  3,  4,  5,  6,  7,  8,  8,  9,  9,  10, 10, 11, 11, 12, 12, 12, 12, 13,
  13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17,
  17, 17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19,
};

/* The same for a block box that keeps a tail after every block (index (n + tail + 15) >> 4):
 * index 1 would be the 16-byte class with 16 - tail usable bytes, below the 16 that malloc(0)
 * promises, so it is the 32-byte class. */
static const uint8_t hk_class_lookup_tail[65] = {
  0,  1,  1,  2,  3,  4,  5,  6,  7,  8,  8,  9,  9,  10, 10, 11, 11, 12, 12, 12, 12, 13,
  13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16, 17, 17, 17,
  17, 17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19,
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
