import { describe, expect, it } from 'vitest';
import { CORE_PROBES, SLOTS, SLOT_ORDER, hookSuffix, type SlotDecl } from '@hakmem/native';
import {
  BASE_CFLAGS,
  cInt,
  configHeader,
  cString,
  getVariant,
  pkgConfig,
  screamingSnake,
  validateConfig,
  variantJson,
  slotGlue,
  variantUnit,
} from './internal.js';
import { definedOptionalHooks } from '../src/generate.js';
import { rawConfig, slots, variant } from './helpers.js';

const config = validateConfig(
  rawConfig({
    default: variant({
      description: 'say "hi"\\',
      tunables: { front: { maxBlocks: 512 }, block: { onInvalid: 'abort' }, large: { cacheBytes: 4294967296 } },
    }),
  }),
  { rootDir: '/r' },
);
const v = getVariant(config, 'default');
const json = variantJson(v, { cc: 'gcc', cflags: [...BASE_CFLAGS] });

describe('generated C', () => {
  it('names tunables in SCREAMING_SNAKE and writes C literals', () => {
    expect(screamingSnake('maxBlocks')).toBe('MAX_BLOCKS');
    expect(screamingSnake('onInvalid')).toBe('ON_INVALID');
    expect(screamingSnake('sharedpool')).toBe('SHAREDPOOL');
    expect(cInt(256)).toBe('256');
    expect(cInt(2147483647)).toBe('2147483647');
    expect(cInt(2147483648)).toBe('2147483648ULL');
    expect(cString('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
  });

  it('the unit includes config, prelude, the slot headers and every box source in slot order, then the core', () => {
    const unit = variantUnit(v);
    const includes = unit.split('\n').filter((l) => l.startsWith('#include'));
    expect(includes[0]).toBe('#include "hk_variant_config.h"');
    expect(includes[1]).toBe('#include "hk_prelude.h"');
    expect(includes.at(-1)).toBe('#include "hk_core.c"');
    expect(includes.at(-2)).toBe('#include "hk_options.h"'); // the option table, after the boxes
    const headers = includes.slice(2, 2 + SLOT_ORDER.length);
    expect(headers).toEqual(SLOT_ORDER.map((s) => `#include "hakmem/hk_${s}.h"`));
    const boxes = includes.slice(2 + SLOT_ORDER.length, -2);
    expect(boxes).toEqual(
      SLOT_ORDER.flatMap((s) => v.boxes[s].sources.map((src) => `#include ${JSON.stringify(src)}`)),
    );
    expect(boxes[0]).toBe(`#include "${slots.track.root}/c/none/hk_track_none.c"`); // track first: every slot may call it
    expect(boxes[1]).toBe(`#include "${slots.sampler.root}/c/none/hk_sampler_none.c"`); // sampler: the gate calls it
    expect(boxes[2]).toBe(`#include "${slots.stats.root}/c/off/hk_stats_off.c"`);
    // a box's base comes first: large's mappings, then bigcache (the last slot)
    expect(boxes.at(-2)).toBe(`#include "${slots.large.root}/c/common/hk_large_common.c"`);
    expect(boxes.at(-1)).toBe(`#include "${slots.large.root}/c/bigcache/hk_large_bigcache.c"`);
    // the block slot comes before the slots that keep links in free blocks
    expect(boxes.indexOf(`#include "${slots.block.root}/c/fast/hk_block_fast.c"`)).toBeLessThan(
      boxes.indexOf(`#include "${slots.front.root}/c/tcache/hk_front_tcache.c"`),
    );
  });

  it("the core's calls into the slots come from the slot list, teardown in reverse", () => {
    const glue = slotGlue().join('\n');
    const calls = (hook: string) => {
      const m = new RegExp(`static void hk_slots_${hook}\\(void\\) \\{(.*) \\}`).exec(glue);
      return [...(m?.[1] ?? '').matchAll(new RegExp(`hk_([a-z]+)_${hook}\\(\\);`, 'g'))].map((x) => x[1]);
    };
    const having = (hook: string) =>
      SLOTS.filter((s) => (s.hooks as readonly string[]).includes(hook)).map((s) => s.name);
    expect(calls('init')).toEqual(having('init'));
    // stats before every slot that counts from init on (the sampler, before it, counts nothing)
    expect(calls('init').slice(0, 3)).toEqual(['sampler', 'stats', 'purge']);
    expect(calls('thread_init')).toEqual(having('threadInit'));
    expect(calls('thread_exit')).toEqual(having('threadExit').reverse());
    expect(calls('lock_all')).toEqual(['sampler', 'sharedpool', 'large']);
    expect(calls('unlock_all')).toEqual(['large', 'sharedpool', 'sampler']);
    expect(calls('reset_locks')).toEqual(['sampler', 'sharedpool', 'large']);
    expect(calls('fork_prepare')).toEqual(['purge']);
    // hakmem_probe's names -> each prober's enum, in the slot list's order
    for (const { name, probes } of [{ name: 'core', probes: CORE_PROBES }, ...SLOTS]) {
      const S = name.toUpperCase();
      expect(glue).toContain(`if (!strcmp(slot, "${name}"))`);
      expect(glue).toContain(`hk_${name}_probe((enum hk_${name}_probe)i, arg, out)`);
      expect(glue).toContain(
        `static const char *const hk_probe_names_${name}[HK_PROBES_${S}] = { ${probes.map((p) => `"${p}"`).join(', ')} };`,
      );
    }
  });

  it('defines empty the optional hooks a box leaves out, and only those', () => {
    const unit = variantUnit(v);
    for (const s of SLOTS) {
      const defined = definedOptionalHooks(s.name, v.boxes[s.name]);
      for (const h of (s as SlotDecl).optional ?? []) {
        const fn = `static void hk_${s.name}_${hookSuffix(h)}(void) {}`;
        if (defined.has(h)) expect(unit).not.toContain(fn);
        else expect(unit).toContain(fn);
      }
    }
    // sharedpool/lockfree takes no locks: its lock hooks come from the composer
    expect(v.boxes.sharedpool.box).toBe('lockfree');
    expect(unit).toContain('static void hk_sharedpool_lock_all(void) {}');
    // a hook that is not optional is never defined for the box
    expect(unit).not.toContain('static void hk_front_thread_init(void) {}');
  });

  it('the header has every probe enum, from the slot list', () => {
    const h = configHeader(v, json);
    for (const { name, probes } of [{ name: 'core', probes: CORE_PROBES }, ...SLOTS]) {
      const S = name.toUpperCase();
      const constants = probes.map((p) => `HK_PROBE_${S}_${p.toUpperCase()}`);
      expect(h).toContain(`enum hk_${name}_probe { ${constants.join(', ')} };`);
      expect(h).toContain(`#define HK_PROBES_${S} ${probes.length}`);
    }
  });

  it('the header defines the variant, its boxes and every tunable with its value', () => {
    const h = configHeader(v, json);
    // a runtime tunable's macro names its variable, which holds the variant's value
    const variables = new Map(
      [...h.matchAll(/^static long long (hk_opt_\w+) __attribute__\(\(unused\)\) = (.*);$/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    const defines = new Map(
      h
        .split('\n')
        .filter((l) => l.startsWith('#define '))
        .map((l) => {
          const m = /^#define (\S+)(?: (.*?))?(?: \/\*.*\*\/)?$/.exec(l)!;
          return [m[1]!, variables.get(m[2] ?? '') ?? m[2] ?? ''];
        }),
    );
    expect(h).toContain(
      "#define HK_CFG_PURGE_DELAY_MS hk_opt_purge_delay_ms /* runtime: HAKMEM_PURGE_DELAY_MS; the variant's value 500 */",
    );
    expect(variables.size).toBeGreaterThan(5);
    expect(defines.get('HK_VARIANT_NAME')).toBe('"default"');
    expect(defines.get('HK_VERSION')).toBe('"0.1.0"');
    expect(defines.get('HK_BOX_FRONT')).toBe('"tcache"');
    expect(defines.get('HK_BOX_SUPERSLAB')).toBe('"chunks"');
    expect(defines.get('HK_CFG_SUPERSLAB_PREPARE')).toBe('0');
    expect(defines.get('HK_CFG_SUPERSLAB_PREPARE_HUGE_POPULATE')).toBe('3');
    expect(defines.get('HK_BOX_STATS')).toBe('"off"');
    expect(defines.get('HK_CFG_FRONT_MAX_BLOCKS')).toBe('512');
    expect(defines.get('HK_CFG_FRONT_MAX_BYTES')).toBe('524288');
    expect(defines.get('HK_CFG_REFILL_BATCH_BLOCKS')).toBe('64');
    expect(defines.get('HK_CFG_REFILL_BATCH_BYTES')).toBe('65536');
    expect(defines.get('HK_CFG_SUPERSLAB_RESERVE_CHUNKS')).toBe('0');
    expect(defines.get('HK_BOX_PURGE')).toBe('"decay"');
    expect(defines.get('HK_CFG_PURGE_DELAY_MS')).toBe('500');
    expect(defines.get('HK_CFG_PURGE_MAX_SLABS')).toBe('4096');
    expect(defines.get('HK_CFG_LARGE_CACHE_ENTRIES')).toBe('16');
    expect(defines.get('HK_CFG_LARGE_CACHE_BYTES')).toBe('4294967296ULL');
    expect(defines.get('HK_CFG_BLOCK_ON_INVALID')).toBe('1');
    expect(defines.get('HK_CFG_BLOCK_ON_INVALID_REPORT')).toBe('0');
    expect(defines.get('HK_CFG_BLOCK_ON_INVALID_ABORT')).toBe('1');
    // Every tunable of every chosen box is defined.
    for (const slot of SLOT_ORDER) {
      for (const t of Object.keys(v.boxes[slot].manifest.tunables)) {
        expect(defines.has(`HK_CFG_${slot.toUpperCase()}_${screamingSnake(t)}`)).toBe(true);
      }
    }
    // HK_VARIANT_JSON is variant.json as a C string.
    const literal = defines.get('HK_VARIANT_JSON')!;
    const unescaped = literal.slice(1, -1).replace(/\\(.)/g, '$1');
    expect(JSON.parse(unescaped)).toEqual(json);
  });

  it('variant.json holds boxes with packages and versions, every tunable, compiler and files', () => {
    expect(json.name).toBe('default');
    expect(json.version).toBe('0.1.0');
    expect(json.boxes.front).toEqual({ box: 'tcache', package: '@hakmem/front', version: '0.1.0' });
    expect(Object.keys(json.boxes)).toEqual([...SLOT_ORDER]);
    expect(json.tunables.front).toEqual({ maxBlocks: 512, maxBytes: 524288 });
    expect(json.tunables.block).toEqual({ onInvalid: 'abort' });
    expect(json.compiler.cc).toBe('gcc');
    expect(json.compiler.cflags).toContain('-fvisibility=hidden');
    expect(json.files.sort()).toEqual(
      ['hakmem.node', 'hakmem.pc', 'include/hakmem.h', 'libhakmem.a', 'libhakmem.so', 'variant.json'].sort(),
    );
  });

  it('hakmem.pc points at the folder it is in (relocatable, no build-machine path)', () => {
    const pc = pkgConfig(v);
    expect(pc).toMatch(/^prefix=\$\{pcfiledir\}$/m);
    expect(pc).toMatch(/^Name: hakmem$/m);
    expect(pc).toMatch(/^Version: 0\.1\.0$/m);
    expect(pc).toMatch(/^Cflags: -I\$\{prefix\}\/include$/m);
    expect(pc).toMatch(/^Libs: -L\$\{prefix\} -lhakmem -lpthread$/m);
  });
});
