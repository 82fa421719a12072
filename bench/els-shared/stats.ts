// Small statistics helpers shared by the ELS benchmarks (pure, unit-tested in stats.test.ts).

/**
 * The `p`-th percentile (0–100) of `values` by the nearest-rank method: the smallest value with
 * at least p % of the values at or below it. NaN for an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** p50, p99 and max of a list of latencies, with the sample count. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Summarises `values` (NaN entries, e.g. frames never received, are left out). */
export function summarize(values: ArrayLike<number>): Summary {
  const kept = Array.from(values).filter((v) => !Number.isNaN(v));
  return {
    n: kept.length,
    p50: percentile(kept, 50),
    p99: percentile(kept, 99),
    max: kept.length === 0 ? Number.NaN : Math.max(...kept),
  };
}

/** `a / b` formatted as a ratio such as `1.23×` (`–` when either side is not a positive number). */
export function ratio(a: number, b: number): string {
  if (!(a >= 0) || !(b > 0)) return '–';
  return `${(a / b).toFixed(2)}×`;
}

/** A number with thousands separators and `digits` decimals (`–` for NaN). */
export function fmt(value: number, digits = 0): string {
  if (Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Prints a Markdown table. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
