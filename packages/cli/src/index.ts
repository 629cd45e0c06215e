// @hakmem/cli: the `hakmem` command (bin/hakmem.mjs runs main).
export { main, cliVersion, COMMANDS } from './cli.js';
export type { CommandSpec, OptionSpec } from './cli-args.js';
