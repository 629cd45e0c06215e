// Layers that hold (docs/contract.md): every header and C file of native/include, native/base
// and the slot packages' c/ includes only what its layer may use — the base nothing of a slot
// or the core, a slot only itself and the slots before it in native/src/slots.ts, no box a
// file of native/core. The checker (layers.ts) is run over the tree, then over fixtures that
// each break one rule, so a back-edge is shown to fail, with its file, line and edge.
import { describe, expect, it } from 'vitest';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLOT_ORDER } from '../../native/src/slots.js';
import { checkLayers, readLayerTree, type LayerFile } from './layers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the include layers of the tree', () => {
  const tree = readLayerTree(root, SLOT_ORDER);

  it('reads every slot header, the base and every slot package', () => {
    const paths = tree.files.map((f) => f.path);
    for (const slot of SLOT_ORDER) {
      expect(paths, slot).toContain(`native/include/hakmem/hk_${slot}.h`);
      expect(
        paths.some((p) => p.startsWith(`packages/${slot}/c/`)),
        slot,
      ).toBe(true);
    }
    for (const base of ['hk_prelude.h', 'hk_services.h', 'hk_base.h', 'hk_classes.h', 'hk_os.h', 'hk_layout.h'])
      expect(paths).toContain(`native/base/${base}`);
    expect(tree.coreFiles).toContain('hk_core.c');
    expect(tree.coreFiles).not.toContain('hk_prelude.h');
  });

  it('has no include against the slot order, of a slot into the base, or of the core into a box', () => {
    expect(checkLayers(tree.files, SLOT_ORDER, tree.coreFiles).map((v) => v.message)).toEqual([]);
  });
});

describe('the layer check', () => {
  const order = SLOT_ORDER;
  const core = ['hk_core.c', 'hk_options.h'];
  const base: LayerFile[] = [
    { path: 'native/base/hk_prelude.h', text: '#include "hk_base.h"\n' },
    { path: 'native/base/hk_base.h', text: '#include <stdint.h>\n' },
    { path: 'native/include/hakmem.h', text: '' },
    { path: 'native/include/hakmem/hk_block.h', text: '#include "hk_prelude.h"\n#include "hakmem/hk_track.h"\n' },
    { path: 'native/include/hakmem/hk_track.h', text: '#include "hk_prelude.h"\n' },
    { path: 'native/include/hakmem/hk_front.h', text: '#include "hk_prelude.h"\n#include "hakmem/hk_block.h"\n' },
    { path: 'native/include/hakmem/hk_stats.h', text: '#include "hk_prelude.h"\n#include "hakmem.h"\n' },
    { path: 'packages/refill/c/common/hk_refill_slabs.h', text: '#include "hakmem/hk_front.h"\n' },
    { path: 'packages/refill/c/batch/hk_refill_batch.c', text: '#include "hk_refill_slabs.h"\n' },
  ];
  const check = (extra: LayerFile[]) => checkLayers([...base, ...extra], order, core);

  it('passes a tree that keeps the order', () => {
    expect(check([])).toEqual([]);
  });

  it('catches a box of block that includes the front (a later slot), naming file, line and edge', () => {
    const v = check([
      {
        path: 'packages/block/c/fast/hk_block_fast.c',
        text: '/* the fast box */\n#include "hakmem/hk_block.h"\n#include "hakmem/hk_front.h"\n',
      },
    ]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({
      file: 'packages/block/c/fast/hk_block_fast.c',
      line: 3,
      include: 'hakmem/hk_front.h',
    });
    expect(v[0]!.message).toBe(
      'packages/block/c/fast/hk_block_fast.c:3: slot block -> slot front (native/include/hakmem/hk_front.h) ("hakmem/hk_front.h"): ' +
        'a later slot: block may use only the slots before it (a core service reaches later ones)',
    );
  });

  it("catches a slot header that includes a later slot's, and a later slot's base header", () => {
    const v = check([
      { path: 'native/include/hakmem/hk_purge.h', text: '#include "hk_prelude.h"\n#include "hakmem/hk_front.h"\n' },
      { path: 'packages/block/c/fast/hk_block_fast.c', text: '#include "hk_refill_slabs.h"\n' },
    ]);
    expect(v.map((x) => `${x.file}:${x.line} ${x.include}`)).toEqual([
      'native/include/hakmem/hk_purge.h:2 hakmem/hk_front.h',
      'packages/block/c/fast/hk_block_fast.c:1 hk_refill_slabs.h',
    ]);
    expect(v[1]!.message).toContain('slot block -> slot refill (packages/refill/c/common/hk_refill_slabs.h)');
  });

  it('catches the base including a slot header', () => {
    const v = check([
      { path: 'native/base/hk_services.h', text: '#include "hk_base.h"\n#include "hakmem/hk_track.h"\n' },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      'native/base/hk_services.h:2: base -> slot track (native/include/hakmem/hk_track.h) ("hakmem/hk_track.h"): ' +
        'the base includes no slot: every slot includes the base',
    ]);
  });

  it("catches a box or a header that includes the core's own files", () => {
    const v = check([
      {
        path: 'packages/front/c/tcache/hk_front_tcache.c',
        text: '#include "hakmem/hk_front.h"\n#include "hk_options.h"\n',
      },
      { path: 'native/base/hk_layout.h', text: '#include "hk_core.c"\n' },
    ]);
    expect(v.map((x) => `${x.file}:${x.line} ${x.include}`)).toEqual([
      'packages/front/c/tcache/hk_front_tcache.c:2 hk_options.h',
      'native/base/hk_layout.h:1 hk_core.c',
    ]);
    expect(v[0]!.message).toContain('slot front -> core (native/core/hk_options.h)');
  });

  it('catches an include it cannot place, and a package that is not a slot', () => {
    const v = check([
      { path: 'packages/front/c/tcache/hk_front_tcache.c', text: '#include "nowhere.h"\n' },
      { path: 'packages/freegate/c/fast/hk_freegate_fast.c', text: '#include "hakmem/hk_block.h"\n' },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      expect.stringContaining('hk_front_tcache.c:1: slot front -> unknown ("nowhere.h")'),
      expect.stringContaining('freegate is not in the slot list'),
    ]);
  });
});
