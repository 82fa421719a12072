// The OpenFeature specification's test flag set (`spec-assets/test-flags.json`, flagd-like JSON
// with CEL targeting) written as Vane flags, to load into ELS for the gherkin scenarios.
import type { Condition, FeatureFlag, VariationType } from '@vane/core';

/** One flag of the spec's JSON. */
interface SpecFlag {
  readonly variants: Record<string, unknown>;
  readonly defaultVariant?: string | null;
  readonly disabled?: boolean;
  readonly contextEvaluator?: string;
}

/**
 * The two CEL expressions the flag set uses, as Vane rule conditions (a hand translation, not a
 * CEL interpreter): the expression serves the named variant when every condition holds.
 */
const CEL_RULES: Record<string, { variant: string; conditions: Condition[] }> = {
  "email == 'ballmer@macrosoft.com' ? 'zero' : ''": {
    variant: 'zero',
    conditions: [{ property: 'email', op: 'Equal', value: 'ballmer@macrosoft.com' }],
  },
  "!customer && email == 'ballmer@macrosoft.com' && age > 10 ? 'internal' : ''": {
    variant: 'internal',
    conditions: [
      { property: 'customer', op: 'IsFalse', value: 'IsFalse' },
      { property: 'email', op: 'Equal', value: 'ballmer@macrosoft.com' },
      { property: 'age', op: 'BiggerThan', value: '10' },
    ],
  },
};

function typeOf(values: unknown[]): VariationType {
  const t = typeof values[0];
  return t === 'boolean'
    ? 'boolean'
    : t === 'string'
      ? 'string'
      : t === 'number'
        ? 'number'
        : 'json';
}

/**
 * Vane flags for the spec's flag set. A disabled flag serves its default variant as its off
 * variation (Vane always serves a variation when off). Flags without a default variant
 * (`null-default-flag`, `undefined-default-flag`) have no Vane equivalent (every Vane flag has a
 * fallthrough) and are left out; no evaluation scenario uses them.
 */
export function specFlagsToVane(json: Record<string, SpecFlag>): FeatureFlag[] {
  const flags: FeatureFlag[] = [];
  for (const [key, spec] of Object.entries(json)) {
    const defaultVariant = spec.defaultVariant;
    if (typeof defaultVariant !== 'string') continue;
    const type = typeOf(Object.values(spec.variants));
    const variations = Object.entries(spec.variants).map(([id, v]) => ({
      id,
      value: type === 'json' ? JSON.stringify(v) : String(v),
    }));
    const rule = spec.contextEvaluator === undefined ? undefined : CEL_RULES[spec.contextEvaluator];
    if (spec.contextEvaluator !== undefined && rule === undefined)
      throw new Error(`no translation for the CEL expression of ${key}`);
    flags.push({
      id: `spec-${key}`,
      key,
      variationType: type,
      variations,
      isEnabled: spec.disabled !== true,
      disabledVariationId: defaultVariant,
      targetUsers: [],
      rules: rule
        ? [
            {
              id: 'cel',
              name: 'contextEvaluator',
              includedInExpt: false,
              conditions: rule.conditions,
              variations: [{ id: rule.variant, rollout: [0, 1], exptRollout: 0 }],
            },
          ]
        : [],
      fallthrough: {
        includedInExpt: false,
        variations: [{ id: defaultVariant, rollout: [0, 1], exptRollout: 0 }],
      },
      exptIncludeAllTargets: false,
    });
  }
  return flags;
}
