// A vitest reporter for scripts/test-variants.mjs: after the run, one line per variant of the
// native suite (`native` is the default variant, `native:<name>` the others) and the closing
// line "variants: N passed, M failed". The default reporter still prints everything else.
export default class VariantSummary {
  onTestRunEnd(modules) {
    const files = new Map();
    for (const m of modules) {
      const name = m.project.name;
      if (name !== 'native' && !name.startsWith('native:')) continue;
      const variant = name === 'native' ? 'default' : name.slice('native:'.length);
      const seen = files.get(variant) ?? { passed: 0, failed: [] };
      if (m.state() === 'failed') seen.failed.push(m.moduleId.replace(/^.*\/native\//, ''));
      else seen.passed++;
      files.set(variant, seen);
    }
    if (!files.size) return;
    let passed = 0;
    let failed = 0;
    console.log('');
    for (const [variant, f] of files) {
      if (f.failed.length) failed++;
      else passed++;
      const how = f.failed.length ? `FAILED ${f.failed.join(', ')}` : 'passed';
      console.log(`native suite on ${variant}: ${f.passed + f.failed.length} files, ${how}`);
    }
    console.log(`variants: ${passed} passed, ${failed} failed`);
  }
}
