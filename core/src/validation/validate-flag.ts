import type { FeatureFlag, Prerequisite } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { findPrerequisiteCycles } from '../evaluation/prerequisite-cycles.js';
import { checkCount, checkKey, checkRules, checkTags, checkText } from './check-limits.js';
import { LIMITS, tooLong, tooMany, utf8Length } from './limits.js';
import { at, isRecord, Problems } from './problem.js';
import type { ValidationContext, ValidationProblem } from './problem.js';
import { validateConditions } from './validate-conditions.js';
import { validateRollout } from './validate-rollout.js';

const TYPES = new Set(['boolean', 'string', 'number', 'json']);

/**
 * Every problem of a flag definition, each with its path; empty when it is valid. Checks the
 * contract's limits (`LIMITS`) too. With a context, segment and prerequisite references (and
 * prerequisite cycles) are checked as well.
 */
export function validateFlag(
  flag: FeatureFlag,
  context: ValidationContext = {},
): ValidationProblem[] {
  const p = new Problems();
  if (!isRecord(flag)) {
    p.add('', 'type', 'flag must be an object');
    return p.list;
  }
  p.string('id', flag.id, true);
  checkKey(p, 'key', flag.key);
  checkText(p, 'name', flag.name, LIMITS.nameLength);
  checkText(p, 'description', flag.description, LIMITS.descriptionLength);
  checkTags(p, flag.tags);
  const type = flag.variationType;
  if (!TYPES.has(type))
    p.add(
      'variationType',
      'invalid-variation-type',
      `variationType must be one of ${[...TYPES].join(', ')}`,
    );
  const ids = new Set<string>();
  const variations = checkCount(p, 'variations', flag.variations, LIMITS.variations, 'variations');
  if (Array.isArray(flag.variations) && variations.length === 0)
    p.add('variations', 'required', 'a flag needs at least one variation');
  if (type === 'boolean') checkBooleanVariations(p, variations);
  variations.forEach((v, i) => {
    const path = at('variations', i);
    if (!isRecord(v)) return p.add(path, 'type', `${path} must be an object`);
    if (p.string(at(path, 'id'), v.id, true)) {
      if (ids.has(v.id))
        p.add(
          at(path, 'id'),
          'duplicate-variation',
          `variation id ${JSON.stringify(v.id)} is used twice`,
        );
      ids.add(v.id);
    }
    checkText(p, at(path, 'name'), v.name, LIMITS.nameLength);
    if (p.string(at(path, 'value'), v.value)) checkValue(p, at(path, 'value'), type, v.value);
  });
  const variation = (path: string, id: unknown): void => {
    if (p.string(path, id) && !ids.has(id))
      p.add(path, 'unknown-variation', `variation ${JSON.stringify(id)} does not exist`);
  };
  p.boolean('isEnabled', flag.isEnabled);
  variation('disabledVariationId', flag.disabledVariationId);
  p.boolean('exptIncludeAllTargets', flag.exptIncludeAllTargets);
  if (flag.isArchived !== undefined) p.boolean('isArchived', flag.isArchived);

  checkTargetUsers(p, flag.targetUsers, variation);

  const segmentIds = context.segments ? segmentIdSet(context.segments) : undefined;
  checkRules(p, flag.rules, LIMITS.flagRules).forEach(({ rule, path }) => {
    p.string(at(path, 'name'), rule.name);
    p.boolean(at(path, 'includedInExpt'), rule.includedInExpt);
    if (rule.dispatchKey != null) p.string(at(path, 'dispatchKey'), rule.dispatchKey);
    validateConditions(p, at(path, 'conditions'), rule.conditions, segmentIds);
    validateRollout(p, at(path, 'variations'), rule.variations, ids);
  });

  const ft = flag.fallthrough;
  if (!isRecord(ft))
    p.add('fallthrough', ft == null ? 'required' : 'type', 'fallthrough must be an object');
  else {
    p.boolean('fallthrough.includedInExpt', ft.includedInExpt);
    if (ft.dispatchKey != null) p.string('fallthrough.dispatchKey', ft.dispatchKey);
    validateRollout(p, 'fallthrough.variations', ft.variations, ids);
  }
  if (flag.prerequisites !== undefined) validatePrerequisites(p, flag, context.flags);
  return p.list;
}

// The ids of a segment list, built once per list: a caller validating many flags against one
// environment (an import of thousands) passes the same array each time.
const segmentIdSets = new WeakMap<readonly Segment[], ReadonlySet<string>>();
function segmentIdSet(segments: readonly Segment[]): ReadonlySet<string> {
  let ids = segmentIdSets.get(segments);
  if (ids === undefined) {
    ids = new Set(segments.map((s) => s.id));
    segmentIdSets.set(segments, ids);
  }
  return ids;
}

/** Individual targeting: at most `LIMITS.targetUserKeys` keys in all, each in one entry only. */
function checkTargetUsers(
  p: Problems,
  targetUsers: unknown,
  variation: (path: string, id: unknown) => void,
): void {
  const seen = new Map<string, number>();
  p.array('targetUsers', targetUsers).forEach((t, i) => {
    const path = at('targetUsers', i);
    if (!isRecord(t)) return p.add(path, 'type', `${path} must be an object`);
    p.array(at(path, 'keyIds'), t.keyIds).forEach((k, j) => {
      const kpath = at(at(path, 'keyIds'), j);
      if (!p.string(kpath, k)) return;
      const first = seen.get(k);
      if (first !== undefined)
        p.add(kpath, 'duplicate', `user ${quote(k)} is already targeted by entry ${first}`);
      else seen.set(k, i);
    });
    variation(at(path, 'variationId'), t.variationId);
  });
  let total = 0;
  if (Array.isArray(targetUsers))
    for (const t of targetUsers)
      if (isRecord(t) && Array.isArray(t.keyIds)) total += t.keyIds.length;
  if (total > LIMITS.targetUserKeys)
    p.add(
      'targetUsers',
      'limit',
      tooMany(LIMITS.targetUserKeys, 'targeted user keys in all', total),
    );
}

/** A boolean flag serves exactly two variations: one `true`, one `false` (in either order). */
function checkBooleanVariations(p: Problems, variations: readonly unknown[]): void {
  const values = variations.map((v) => (isRecord(v) ? v.value : undefined));
  // A value that is not a boolean at all is reported on the value itself.
  const booleans = values.every((v) => v === 'true' || v === 'false');
  const both = values.includes('true') && values.includes('false');
  if (variations.length > 0 && (values.length !== 2 || (booleans && !both)))
    p.add(
      'variations',
      'boolean-variations',
      `a boolean flag has exactly two variations, valued "true" and "false" (got ${variations.length})`,
    );
}

function checkValue(p: Problems, path: string, type: unknown, value: string): void {
  const bytes = utf8Length(value);
  if (bytes > LIMITS.variationValueBytes) {
    p.add(path, 'limit', tooLong(LIMITS.variationValueBytes, 'bytes (64 KiB)', bytes));
    return;
  }
  const bad = (what: string): void =>
    p.add(path, 'invalid-variation-value', `${quote(value)} is not ${what}`);
  if (type === 'boolean' && value !== 'true' && value !== 'false') bad('"true" or "false"');
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value))))
    bad('a number');
  if (type === 'json') {
    try {
      JSON.parse(value);
    } catch {
      bad('valid JSON');
    }
  }
}

function validatePrerequisites(
  p: Problems,
  flag: FeatureFlag,
  others: readonly FeatureFlag[] | undefined,
): void {
  const byKey = new Map((others ?? []).filter(isRecord).map((f) => [f.key, f] as const));
  byKey.set(flag.key, flag);
  const prerequisites = flag.prerequisites;
  checkCount(p, 'prerequisites', prerequisites, LIMITS.prerequisites, 'prerequisites').forEach(
    (pre, i) => {
      const path = at('prerequisites', i);
      if (!isRecord(pre)) return p.add(path, 'type', `${path} must be an object`);
      if (!p.string(at(path, 'flagKey'), pre.flagKey, true)) return;
      p.string(at(path, 'variationId'), pre.variationId, true);
      if (pre.flagKey === flag.key) {
        p.add(at(path, 'flagKey'), 'prerequisite-cycle', 'a flag cannot be its own prerequisite');
        return;
      }
      if (others === undefined) return;
      const dep = byKey.get(pre.flagKey);
      if (dep === undefined)
        return p.add(
          at(path, 'flagKey'),
          'unknown-flag',
          `flag ${JSON.stringify(pre.flagKey)} does not exist`,
        );
      const depIds: unknown[] = Array.isArray(dep.variations)
        ? dep.variations.map((v: { id?: unknown } | null) => v?.id)
        : [];
      if (!depIds.includes(pre.variationId)) {
        p.add(
          at(path, 'variationId'),
          'unknown-variation',
          `flag ${pre.flagKey} has no variation ${JSON.stringify(pre.variationId)}`,
        );
      }
    },
  );
  if (others === undefined) return;
  const graph = new Map(
    [...byKey].map(([k, f]) => [
      k,
      {
        prerequisites: Array.isArray(f.prerequisites)
          ? f.prerequisites.filter(
              (x): x is Prerequisite => isRecord(x) && typeof x.flagKey === 'string',
            )
          : [],
      },
    ]),
  );
  for (const cycle of findPrerequisiteCycles(graph)) {
    if (cycle.includes(flag.key) && cycle.length > 1) {
      p.add(
        'prerequisites',
        'prerequisite-cycle',
        `prerequisites form a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
      );
    }
  }
}

/** A value for a message: JSON-quoted, and cut short when long. */
function quote(value: string): string {
  const q = JSON.stringify(value);
  return q.length <= 80 ? q : `${q.slice(0, 77)}…"`;
}
