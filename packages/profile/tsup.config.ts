import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/options.ts'],
  // esm for import, cjs for require (exports in package.json); shims: import.meta.url in the cjs build
  format: ['esm', 'cjs'],
  shims: true,
  dts: { entry: ['src/index.ts', 'src/options.ts'] },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
