import { at, isRecord } from './problem.js';
import type { Problems } from './problem.js';

// Rollout checks: each range within [0, 1], ids that exist, and ranges that together cover
// [0, 1] exactly once (touching bounds are normal: FeatBit writes [0, 0.5], [0.5, 1]).

const EPS = 1e-9;

/** Validates a rule's or the fallthrough's `variations` rollout list. */
export function validateRollout(
  p: Problems,
  path: string,
  list: unknown,
  variationIds: ReadonlySet<string>,
): void {
  const entries = p.array(path, list);
  if (Array.isArray(list) && entries.length === 0) {
    p.add(path, 'rollout-empty', `${path} must serve at least one variation`);
    return;
  }
  const ranges: { min: number; max: number; path: string }[] = [];
  entries.forEach((rv, i) => {
    const vpath = at(path, i);
    if (!isRecord(rv)) {
      p.add(vpath, 'type', `${vpath} must be an object`);
      return;
    }
    if (p.string(at(vpath, 'id'), rv.id) && !variationIds.has(rv.id)) {
      p.add(
        at(vpath, 'id'),
        'unknown-variation',
        `variation ${JSON.stringify(rv.id)} does not exist`,
      );
    }
    const expt = rv.exptRollout;
    if (typeof expt !== 'number' || !(expt >= 0 && expt <= 1)) {
      p.add(
        at(vpath, 'exptRollout'),
        'expt-rollout-range',
        `${at(vpath, 'exptRollout')} must be a number in [0, 1]`,
      );
    }
    const r = rv.rollout;
    const rpath = at(vpath, 'rollout');
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      typeof r[0] !== 'number' ||
      typeof r[1] !== 'number'
    ) {
      p.add(rpath, 'rollout-range', `${rpath} must be [min, max]`);
      return;
    }
    const [min, max] = r as [number, number];
    if (!(min >= 0 && max <= 1 && min <= max)) {
      // Name the bound at fault: the start when it is below 0 or above the end, else the end.
      const bound = min >= 0 && min <= max ? at(rpath, 1) : at(rpath, 0);
      p.add(bound, 'rollout-range', `${rpath} [${min}, ${max}] must satisfy 0 <= min <= max <= 1`);
      return;
    }
    if (max - min > 0) ranges.push({ min, max, path: at(rpath, 0) });
  });
  if (ranges.length === 0) {
    if (entries.length > 0) p.add(path, 'rollout-gap', `${path} does not cover [0, 1]`);
    return;
  }
  ranges.sort((a, b) => a.min - b.min || a.max - b.max);
  let covered = 0;
  for (const r of ranges) {
    if (r.min > covered + EPS) {
      p.add(r.path, 'rollout-gap', `${path} leaves [${covered}, ${r.min}] uncovered`);
    } else if (r.min < covered - EPS) {
      p.add(
        r.path,
        'rollout-overlap',
        `${r.path} overlaps another range on [${r.min}, ${Math.min(covered, r.max)}]`,
      );
    }
    covered = Math.max(covered, r.max);
  }
  if (covered < 1 - 1e-5) p.add(path, 'rollout-gap', `${path} leaves [${covered}, 1] uncovered`);
}
