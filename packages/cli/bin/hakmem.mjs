#!/usr/bin/env node
// The `hakmem` command. The implementation is compiled TypeScript in ../dist.
let cli;
try {
  cli = await import('../dist/index.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    console.error('hakmem: @hakmem/cli is not built (dist/ is missing); in a hakmem checkout run `pnpm build` first');
    process.exit(1);
  }
  throw err;
}
process.exitCode = await cli.main(process.argv.slice(2));
