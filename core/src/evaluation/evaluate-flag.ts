import type { EndUser } from '../model/end-user.js';
import type { CompiledFlag, CompiledRollout } from './compile-flag.js';
import { ExptMode, RangeMode } from './compile-flag.js';
import { rolloutOfKey } from './dispatch.js';
import { ARCHIVED_RESULT, DefinitionFault, errorResult } from './evaluation-result.js';
import type { EvaluationResult } from './evaluation-result.js';
import { matchAll } from './match-condition.js';
import { isBlank, valueOf } from './user-value.js';

// FeatBit's evaluation order (featbit.md §3.2): archived, disabled, [Vane: prerequisites],
// targeted users, rules in order, fallthrough. The result objects were built at compile
// time; this code only chooses among them.

/** Finds a compiled flag of the same environment (for prerequisites) and its cycle status. */
export interface FlagResolver {
  flag(key: string): CompiledFlag | undefined;
  isInCycle(key: string): boolean;
}

const INVALID_USER = errorResult('INVALID_USER', 'the user needs a non-blank string keyId');

/** True when `user` can be evaluated: an object with a non-blank string keyId. */
export function isValidUser(user: EndUser | null | undefined): user is EndUser {
  return user != null && typeof user.keyId === 'string' && !isBlank(user.keyId);
}

/** Evaluates a compiled flag for a user; never throws (malformed parts give error results). */
export function evaluateCompiled(
  flag: CompiledFlag,
  user: EndUser,
  flags: FlagResolver,
): EvaluationResult {
  if (!isValidUser(user)) return INVALID_USER;
  try {
    return evaluate(flag, user, flags);
  } catch (e) {
    if (e instanceof DefinitionFault) return e.result;
    return errorResult(
      'INTERNAL',
      `flag ${flag.key}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function evaluate(flag: CompiledFlag, user: EndUser, flags: FlagResolver): EvaluationResult {
  if (flag.archived) return ARCHIVED_RESULT;
  if (flag.broken !== null) return flag.broken;
  if (!flag.enabled) return flag.off;
  if (flag.prerequisites.length > 0) {
    if (flags.isInCycle(flag.key)) {
      return errorResult(
        'PREREQUISITE_CYCLE',
        `flag ${flag.key} depends on itself through its prerequisites`,
      );
    }
    if (!prerequisitesMet(flag, user, flags)) return flag.prerequisiteFailed;
  }
  if (flag.targets.size > 0) {
    const targeted = flag.targets.get(user.keyId);
    if (targeted !== undefined) return targeted;
  }
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (matchAll(rule.conditions, user)) return rollout(flag.key, rule.rollout, user);
  }
  return rollout(flag.key, flag.fallthrough, user);
}

function prerequisitesMet(flag: CompiledFlag, user: EndUser, flags: FlagResolver): boolean {
  for (const p of flag.prerequisites) {
    const dep = flags.flag(p.flagKey);
    if (dep === undefined) return false;
    let r: EvaluationResult;
    try {
      r = evaluate(dep, user, flags);
    } catch (e) {
      if (e instanceof DefinitionFault) return false; // a malformed prerequisite is not met
      throw e;
    }
    if (r.kind !== 'targeted' && r.kind !== 'rule' && r.kind !== 'fallthrough') return false;
    if (r.variation?.id !== p.variationId) return false;
  }
  return true;
}

function rollout(flagKey: string, r: CompiledRollout, user: EndUser): EvaluationResult {
  const key = r.dispatch === null ? user.keyId : (valueOf(user, r.dispatch) ?? '');
  const entries = r.entries;
  let p = -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.mode === RangeMode.Never) continue;
    if (e.mode === RangeMode.Range) {
      if (p < 0) p = rolloutOfKey(flagKey, key);
      if (p < e.min || p > e.max) continue;
    } else if (e.mode === RangeMode.Malformed) {
      return e.hit;
    }
    if (e.expt === ExptMode.Never) return e.hit;
    if (e.expt === ExptMode.Always) return e.hitExpt;
    return rolloutOfKey('expt', flagKey, key) <= e.upper ? e.hitExpt : e.hit;
  }
  return r.noMatch;
}
