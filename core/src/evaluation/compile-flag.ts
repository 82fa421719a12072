import type {
  Condition,
  FeatureFlag,
  Prerequisite,
  RolloutVariation,
  Variation,
} from '../model/feature-flag.js';
import { compileCondition } from './compile-condition.js';
import type { SegmentLookup } from './compile-condition.js';
import type { CompiledCondition } from './compiled-condition.js';
import { isEmptyRange, isFullRange } from './dispatch.js';
import { errorResult, okResult, REASONS } from './evaluation-result.js';
import type { EvaluationResult } from './evaluation-result.js';
import { isBlank, propertyRef } from './user-value.js';
import type { PropertyRef } from './user-value.js';

// Compiles a flag when it is loaded. Every result a flag can give is built here, once, so
// that evaluation only walks conditions and (at most) hashes the dispatch key twice.

/** How a rollout entry is tested: always, never, by hash range, or malformed. */
export const RangeMode = { Always: 0, Never: 1, Range: 2, Malformed: 3 } as const;
/** How experiment exposure is decided once an entry is chosen. */
export const ExptMode = { Never: 0, Always: 1, Hash: 2 } as const;

/** One rollout variation with its two possible results (exposed or not) prebuilt. */
export interface CompiledRolloutEntry {
  readonly mode: (typeof RangeMode)[keyof typeof RangeMode];
  readonly min: number;
  readonly max: number;
  /** Result when chosen and not exposed (or the error result when the entry is malformed). */
  readonly hit: EvaluationResult;
  /** Result when chosen and exposed to the experiment. */
  readonly hitExpt: EvaluationResult;
  readonly expt: (typeof ExptMode)[keyof typeof ExptMode];
  /** Upper bound of the "expt" hash for ExptMode.Hash. */
  readonly upper: number;
}

/** A rule's or the fallthrough's rollout; `dispatch` null means the user's keyId. */
export interface CompiledRollout {
  readonly dispatch: PropertyRef | null;
  readonly entries: readonly CompiledRolloutEntry[];
  /** Returned when no entry takes the user (FeatBit's Node SDK: "malformed flag"). */
  readonly noMatch: EvaluationResult;
}

/** A targeting rule ready for matching. */
export interface CompiledRule {
  readonly conditions: readonly CompiledCondition[];
  readonly rollout: CompiledRollout;
}

/** A flag ready for evaluation; see `evaluateCompiled`. */
export interface CompiledFlag {
  readonly key: string;
  readonly source: FeatureFlag;
  readonly archived: boolean;
  /** Non-null when the flag's structure is unusable: every evaluation returns it. */
  readonly broken: EvaluationResult | null;
  readonly enabled: boolean;
  readonly off: EvaluationResult;
  readonly prerequisites: readonly Prerequisite[];
  readonly prerequisiteFailed: EvaluationResult;
  readonly targets: ReadonlyMap<string, EvaluationResult>;
  readonly rules: readonly CompiledRule[];
  readonly fallthrough: CompiledRollout;
  /** Every segment id the flag's rules mention, found or not (for incremental updates). */
  readonly segmentIds: ReadonlySet<string>;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function structuralProblem(flag: FeatureFlag): string | null {
  if (!isObject(flag)) return 'flag is not an object';
  if (typeof flag.key !== 'string') return 'key must be a string';
  if (!Array.isArray(flag.variations)) return 'variations must be an array';
  if (!Array.isArray(flag.targetUsers)) return 'targetUsers must be an array';
  if (!Array.isArray(flag.rules)) return 'rules must be an array';
  if (!isObject(flag.fallthrough) || !Array.isArray(flag.fallthrough.variations)) {
    return 'fallthrough.variations must be an array';
  }
  return null;
}

/** Compiles a flag against the segments known now; never throws, whatever the input. */
export function compileFlag(flag: FeatureFlag, segments: SegmentLookup): CompiledFlag {
  const key = isObject(flag) && typeof flag.key === 'string' ? flag.key : '';
  const archived = isObject(flag) && flag.isArchived === true;
  const problem = structuralProblem(flag);
  const empty = errorResult('MALFORMED_FLAG', `flag ${key}: ${problem ?? ''}`);
  const base = {
    key,
    source: flag,
    archived,
    enabled: isObject(flag) && flag.isEnabled === true,
    prerequisites: [] as Prerequisite[],
    segmentIds: new Set<string>(),
  };
  if (problem !== null) {
    const noRollout: CompiledRollout = { dispatch: null, entries: [], noMatch: empty };
    return {
      ...base,
      broken: empty,
      off: empty,
      prerequisiteFailed: empty,
      targets: new Map(),
      rules: [],
      fallthrough: noRollout,
    };
  }
  const variations = new Map<string, Variation>();
  for (const v of flag.variations) {
    if (isObject(v) && typeof v.id === 'string' && !variations.has(v.id)) {
      variations.set(v.id, Object.freeze({ ...v }));
    }
  }
  const missing = (where: string, id: unknown): EvaluationResult =>
    errorResult(
      'MALFORMED_FLAG',
      `flag ${key}: ${where} refers to missing variation ${JSON.stringify(id)}`,
    );
  const disabled = variations.get(flag.disabledVariationId);
  const off = disabled
    ? okResult(disabled, REASONS.disabled, 'off', false)
    : missing('disabledVariationId', flag.disabledVariationId);
  const prerequisiteFailed = disabled
    ? okResult(disabled, REASONS.prerequisiteFailed, 'prerequisite-failed', false)
    : off;

  const targets = new Map<string, EvaluationResult>();
  flag.targetUsers.forEach((t, i) => {
    if (!isObject(t) || !Array.isArray(t.keyIds)) return;
    const v = variations.get(t.variationId);
    const result = v
      ? okResult(v, REASONS.targeted, 'targeted', flag.exptIncludeAllTargets === true)
      : missing(`targetUsers[${i}]`, t.variationId);
    for (const k of t.keyIds) if (typeof k === 'string' && !targets.has(k)) targets.set(k, result);
  });

  const ctx: RolloutContext = { key, variations, exptAll: flag.exptIncludeAllTargets === true };
  const lookup: SegmentLookup = (id) => {
    base.segmentIds.add(id);
    return segments(id);
  };
  const rules = flag.rules.map((rule, r): CompiledRule => {
    const path = `flag(${key}).rules[${r}]`;
    const conditions: readonly Condition[] =
      isObject(rule) && Array.isArray(rule.conditions) ? rule.conditions : [];
    return {
      conditions: conditions.map((c, i) => compileCondition(c, `${path}.conditions[${i}]`, lookup)),
      rollout: compileRollout(
        ctx,
        rule,
        typeof rule?.name === 'string' ? rule.name : '',
        'rule',
        path,
      ),
    };
  });
  const fallthrough = compileRollout(
    ctx,
    flag.fallthrough,
    REASONS.fallthrough,
    'fallthrough',
    `flag(${key}).fallthrough`,
  );
  const prerequisites = Array.isArray(flag.prerequisites)
    ? flag.prerequisites.filter((p) => isObject(p) && typeof p.flagKey === 'string')
    : [];
  return {
    ...base,
    prerequisites,
    broken: null,
    off,
    prerequisiteFailed,
    targets,
    rules,
    fallthrough,
  };
}

interface RolloutContext {
  readonly key: string;
  readonly variations: ReadonlyMap<string, Variation>;
  readonly exptAll: boolean;
}

interface RolloutSource {
  readonly dispatchKey?: string | null;
  readonly includedInExpt?: boolean;
  readonly variations?: readonly RolloutVariation[];
}

function compileRollout(
  ctx: RolloutContext,
  source: RolloutSource,
  reason: string,
  kind: 'rule' | 'fallthrough',
  path: string,
): CompiledRollout {
  const dispatchKey = source?.dispatchKey;
  const dispatch = isBlank(dispatchKey) ? null : propertyRef(dispatchKey);
  const included = source?.includedInExpt === true;
  const list: readonly RolloutVariation[] = Array.isArray(source?.variations)
    ? source.variations
    : [];
  const entries = list.map((rv, i): CompiledRolloutEntry => {
    const where = `${path}.variations[${i}]`;
    const range: unknown = isObject(rv) ? rv.rollout : undefined;
    if (
      !Array.isArray(range) ||
      range.length < 2 ||
      typeof range[0] !== 'number' ||
      typeof range[1] !== 'number'
    ) {
      const bad = errorResult('MALFORMED_FLAG', `${where}.rollout must be [min, max]`);
      return {
        mode: RangeMode.Malformed,
        min: 0,
        max: 0,
        hit: bad,
        hitExpt: bad,
        expt: ExptMode.Never,
        upper: 0,
      };
    }
    const [min, max] = range as [number, number];
    const mode = isFullRange(min, max)
      ? RangeMode.Always
      : isEmptyRange(min, max)
        ? RangeMode.Never
        : RangeMode.Range;
    const variation = ctx.variations.get(rv.id);
    const exptRollout: unknown = rv.exptRollout;
    if (variation === undefined || typeof exptRollout !== 'number') {
      const bad = errorResult(
        'MALFORMED_FLAG',
        variation === undefined
          ? `flag ${ctx.key}: ${where} refers to missing variation ${JSON.stringify(rv.id)}`
          : `${where}.exptRollout must be a number`,
      );
      return { mode, min, max, hit: bad, hitExpt: bad, expt: ExptMode.Never, upper: 0 };
    }
    const hit = okResult(variation, reason, kind, false);
    const hitExpt = okResult(variation, reason, kind, true);
    const dispatchRollout = max - min;
    let expt: CompiledRolloutEntry['expt'] = ExptMode.Never;
    let upper = 0;
    if (ctx.exptAll) expt = ExptMode.Always;
    else if (included && exptRollout !== 0 && dispatchRollout !== 0) {
      upper = Math.min(1, exptRollout / dispatchRollout);
      expt = isFullRange(0, upper)
        ? ExptMode.Always
        : isEmptyRange(0, upper)
          ? ExptMode.Never
          : ExptMode.Hash;
    }
    return { mode, min, max, hit, hitExpt, expt, upper };
  });
  const noMatch = errorResult('MALFORMED_FLAG', `${path}: no rollout variation takes the user`);
  return { dispatch, entries, noMatch };
}
