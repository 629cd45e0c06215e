import { HakmemError } from '@hakmem/compose';

const SHIFT: Record<string, number> = { k: 10, m: 20, g: 30 };

/**
 * `--rate` as HAKMEM_SAMPLER_SAMPLE_BYTES reads it (hk_options.c): digits and at most one K, M
 * or G (either case, powers of 1024), so `64K` means 65536 bytes in both.
 */
export function parseRate(text: string): number {
  const m = /^([1-9]\d*)([kmgKMG]?)$/.exec(text);
  const bytes = m ? Number(m[1]) * 2 ** (SHIFT[m[2]!.toLowerCase()] ?? 0) : Number.NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new HakmemError(
      `--rate must be a positive number of bytes, with an optional K, M or G (64K, 1M), not '${text}'`,
    );
  }
  return bytes;
}
