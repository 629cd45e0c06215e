#!/usr/bin/env node
// hakmem-bench: run the benchmarks (see --help). The runner is built to dist/ by `tsup`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'hakmem-bench: the runner is not built (dist/cli.js of @hakmem/bench is missing).\n' +
      'In a hakmem checkout, build it with:  pnpm build\n',
  );
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
