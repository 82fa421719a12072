// A flag as the editor holds it (rules with condition drafts and rollout shares) and the mapping
// back to the proto FeatureFlag; plus the editor's own validation, reported with the same field
// paths the admin API uses (`flag.rules[0].conditions[1].value`) so both show in one place.
import type {
  FeatureFlag,
  RolloutVariation,
  TargetUser,
  Variation,
} from '@vane/gen/web/vane/model/v1/flag';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';
import type { ConditionDraft } from './conditions.js';
import { conditionFromProto, conditionProblems, conditionToProto } from './conditions.js';
import type { RolloutShare } from './rollout.js';
import {
  rolloutFromShares,
  serveAll,
  sharesFromRollout,
  sharesProblem,
  singleVariation,
} from './rollout.js';

/** A rollout as edited: one variation for everyone, or a percentage split. */
export interface RolloutDraft {
  readonly mode: 'single' | 'split';
  readonly variationId: string;
  readonly shares: readonly RolloutShare[];
}

/** A targeting rule as edited. */
export interface RuleDraft {
  readonly id: string;
  readonly name: string;
  readonly dispatchKey: string;
  readonly includedInExpt: boolean;
  readonly conditions: readonly ConditionDraft[];
  readonly rollout: RolloutDraft;
}

/** Everything the flag editor changes; the rest stays as on the server (`base`). */
export interface FlagDraft {
  readonly base: FeatureFlag;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variations: readonly Variation[];
  readonly disabledVariationId: string;
  readonly targetUsers: readonly TargetUser[];
  readonly rules: readonly RuleDraft[];
  readonly fallthrough: {
    readonly dispatchKey: string;
    readonly includedInExpt: boolean;
    readonly rollout: RolloutDraft;
  };
  readonly exptIncludeAllTargets: boolean;
}

/** The editor's draft of a rollout. */
export function rolloutDraft(
  rollout: readonly RolloutVariation[],
  variations: readonly Variation[],
): RolloutDraft {
  const single = singleVariation(rollout);
  const shares = sharesFromRollout(rollout, variations);
  return single !== undefined
    ? { mode: 'single', variationId: single, shares }
    : { mode: 'split', variationId: variations[0]?.id ?? '', shares };
}

/** The stored slices of a rollout draft. */
export function rolloutFromDraft(d: RolloutDraft): RolloutVariation[] {
  if (d.mode === 'single') {
    const expt = d.shares.find((s) => s.variationId === d.variationId)?.exptRollout ?? 1;
    return serveAll(d.variationId, expt);
  }
  return rolloutFromShares(d.shares);
}

/** The editor's draft of a stored flag. */
export function draftFromFlag(flag: FeatureFlag): FlagDraft {
  return {
    base: flag,
    name: flag.name,
    description: flag.description,
    tags: flag.tags,
    variations: flag.variations,
    disabledVariationId: flag.disabledVariationId,
    targetUsers: flag.targetUsers,
    rules: flag.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey,
      includedInExpt: r.includedInExpt,
      conditions: r.conditions.map(conditionFromProto),
      rollout: rolloutDraft(r.variations, flag.variations),
    })),
    fallthrough: {
      dispatchKey: flag.fallthrough?.dispatchKey ?? '',
      includedInExpt: flag.fallthrough?.includedInExpt ?? true,
      rollout: rolloutDraft(flag.fallthrough?.variations ?? [], flag.variations),
    },
    exptIncludeAllTargets: flag.exptIncludeAllTargets,
  };
}

/** The flag a draft saves as (output-only fields from `base`). */
export function flagFromDraft(d: FlagDraft): FeatureFlag {
  return {
    ...d.base,
    name: d.name.trim(),
    description: d.description,
    tags: [...d.tags],
    variations: [...d.variations],
    disabledVariationId: d.disabledVariationId,
    targetUsers: d.targetUsers
      .map((t) => ({ variationId: t.variationId, keyIds: [...t.keyIds] }))
      .filter((t) => t.keyIds.length > 0),
    rules: d.rules.map((r) => ({
      id: r.id,
      name: r.name.trim(),
      dispatchKey: r.dispatchKey.trim(),
      includedInExpt: r.includedInExpt,
      conditions: r.conditions.map(conditionToProto),
      variations: rolloutFromDraft(r.rollout),
    })),
    fallthrough: {
      dispatchKey: d.fallthrough.dispatchKey.trim(),
      includedInExpt: d.fallthrough.includedInExpt,
      variations: rolloutFromDraft(d.fallthrough.rollout),
    },
    exptIncludeAllTargets: d.exptIncludeAllTargets,
  };
}

/** The update mask paths the editor sends (every editable field). */
export const FLAG_EDIT_PATHS = [
  'name',
  'description',
  'tags',
  'variations',
  'disabled_variation_id',
  'target_users',
  'rules',
  'fallthrough',
  'expt_include_all_targets',
];

/** What is wrong with a value for a variation type, or undefined. */
export function variationValueProblem(type: VariationType, value: string): string | undefined {
  switch (type) {
    case VariationType.VARIATION_TYPE_BOOLEAN:
      return value === 'true' || value === 'false' ? undefined : 'Must be true or false.';
    case VariationType.VARIATION_TYPE_NUMBER:
      return value.trim() !== '' && Number.isFinite(Number(value))
        ? undefined
        : 'Must be a number.';
    case VariationType.VARIATION_TYPE_JSON:
      try {
        JSON.parse(value);
        return undefined;
      } catch {
        return 'Must be valid JSON.';
      }
    default:
      return undefined;
  }
}

function rolloutProblem(r: RolloutDraft, variationIds: Set<string>): string | undefined {
  if (r.mode === 'single')
    return variationIds.has(r.variationId) ? undefined : 'Choose the variation to serve.';
  return sharesProblem(r.shares);
}

/**
 * Every problem the editor can see before saving, keyed by the admin API's field path; empty when
 * the draft looks valid (the server still has the last word).
 */
export function validateDraft(d: FlagDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.name.trim() === '') out['flag.name'] = 'Give the flag a name.';
  if (d.variations.length === 0) out['flag.variations'] = 'A flag needs at least one variation.';
  const ids = new Set(d.variations.map((v) => v.id));
  const values = new Set<string>();
  d.variations.forEach((v, i) => {
    const problem = variationValueProblem(d.base.variationType, v.value);
    if (problem) out[`flag.variations[${i}].value`] = problem;
    else if (values.has(v.value))
      out[`flag.variations[${i}].value`] = 'Two variations have this value.';
    values.add(v.value);
  });
  if (!ids.has(d.disabledVariationId))
    out['flag.disabled_variation_id'] = 'Choose the variation served while the flag is off.';
  const targeted = new Set<string>();
  d.targetUsers.forEach((t, i) => {
    for (const key of t.keyIds) {
      if (targeted.has(key))
        out[`flag.target_users[${i}].key_ids`] = `User ${key} is targeted twice.`;
      targeted.add(key);
    }
  });
  d.rules.forEach((r, i) => {
    const path = `flag.rules[${i}]`;
    if (r.name.trim() === '') out[`${path}.name`] = 'Give the rule a name.';
    if (r.conditions.length === 0) out[`${path}.conditions`] = 'Add at least one condition.';
    r.conditions.forEach((c, j) => {
      for (const [field, message] of Object.entries(conditionProblems(c, true))) {
        out[`${path}.conditions[${j}].${field}`] = message;
      }
    });
    const rollout = rolloutProblem(r.rollout, ids);
    if (rollout) out[`${path}.variations`] = rollout;
  });
  const fallthrough = rolloutProblem(d.fallthrough.rollout, ids);
  if (fallthrough) out['flag.fallthrough.variations'] = fallthrough;
  return out;
}

/** Messages at `path` or below it (`flag.rules[0]` gathers its conditions' too). */
export function errorsAt(errors: Record<string, string>, path: string, exact = false): string[] {
  return Object.entries(errors)
    .filter(
      ([p]) => p === path || (!exact && (p.startsWith(`${path}.`) || p.startsWith(`${path}[`))),
    )
    .map(([, m]) => m);
}

/** Adds an empty variation with id `id`; every rollout gets a 0 % share of it. */
export function addVariation(d: FlagDraft, id: string): FlagDraft {
  const variations = [...d.variations, { id, name: '', value: '' }];
  const withShare = (r: RolloutDraft): RolloutDraft => ({
    ...r,
    shares: sharesFromRollout([], variations).map(
      (s) => r.shares.find((x) => x.variationId === s.variationId) ?? s,
    ),
  });
  return {
    ...d,
    variations,
    rules: d.rules.map((r) => ({ ...r, rollout: withShare(r.rollout) })),
    fallthrough: { ...d.fallthrough, rollout: withShare(d.fallthrough.rollout) },
  };
}

/**
 * Removes a variation and everything that points at it: its rollout shares and individual
 * targets; a rollout serving only it, and the off variation, fall back to the first remaining one.
 */
export function removeVariation(d: FlagDraft, id: string): FlagDraft {
  const variations = d.variations.filter((v) => v.id !== id);
  const first = variations[0]?.id ?? '';
  const without = (r: RolloutDraft): RolloutDraft => ({
    ...r,
    variationId: r.variationId === id ? first : r.variationId,
    shares: r.shares.filter((s) => s.variationId !== id),
  });
  return {
    ...d,
    variations,
    disabledVariationId: d.disabledVariationId === id ? first : d.disabledVariationId,
    targetUsers: d.targetUsers.filter((t) => t.variationId !== id),
    rules: d.rules.map((r) => ({ ...r, rollout: without(r.rollout) })),
    fallthrough: { ...d.fallthrough, rollout: without(d.fallthrough.rollout) },
  };
}
