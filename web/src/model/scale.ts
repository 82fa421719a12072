// Axis helpers for the charts.

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10^n) at or above `v`; 1 for v ≤ 0. */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= v - 1e-12) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Five evenly spaced ticks from 0 to `max` inclusive. */
export function ticks(max: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => Number(((max * i) / 4).toPrecision(6)));
}
