import { defineSlot, probeNumber, type HakmemAddon } from '@hakmem/native';

/** The track slot: what the allocator tells a memory checker (the contract: hk_track.h). */
const track = defineSlot(import.meta.url, {
  slot: 'track',
  packageName: '@hakmem/track',
  defaultBox: 'none',
  boxes: {
    none: {
      name: 'none',
      description:
        'Tells no checker anything: every call compiles to nothing, the code is that of a variant without the slot.',
      sources: ['c/none/hk_track_none.c'],
      tunables: {},
    },
    valgrind: {
      name: 'valgrind',
      description:
        "Valgrind client requests: blocks handed out and freed are memcheck heap blocks (MALLOCLIKE, FREELIKE) of the size the program asked for (at least 16 bytes), their slack and free memory no-access, so memcheck, run with --soname-synonyms=somalloc=nouserintercepts on a program that uses hakmem, reports its leaks (with the sizes asked for), uses after free and reads past a block's end. Needs valgrind's headers (<valgrind/memcheck.h>) to build.",
      sources: ['c/valgrind/hk_track_valgrind.c'],
      tunables: {},
    },
    asan: {
      name: 'asan',
      description:
        "AddressSanitizer poisoning: freed blocks and memory never handed out are poisoned, blocks handed out unpoisoned up to the size the program asked for (the slack stays poisoned), so an ASan-instrumented program linked with libhakmem.a gets use-after-poison reports for uses after free and reads past a block's end. Calls nothing in a program without ASan.",
      sources: ['c/asan/hk_track_asan.c'],
      tunables: {},
    },
  },
});
export default track;

/** Which checker the variant tells: 0 none, 1 valgrind, 2 asan. */
export const trackKind = (hk: HakmemAddon): number => probeNumber(hk, 'track', 'kind');
/** 1 when that checker is watching this process (running on Valgrind; ASan's runtime is present). */
export const trackRunning = (hk: HakmemAddon): boolean => probeNumber(hk, 'track', 'running') !== 0;
