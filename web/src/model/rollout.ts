// Percentage rollouts as people edit them (one share per variation, in percent) and as they are
// stored (contiguous [start, end] slices over [0, 1]). Shares are kept in basis points (1/100 of a
// percent) so that 30 % + 70 % is exactly 100 %.
import type { RolloutVariation, Variation } from '@vane/gen/web/vane/model/v1/flag';

/** One variation's share of a rollout. */
export interface RolloutShare {
  readonly variationId: string;
  /** Share of users in percent, 0–100, at most two decimals. */
  readonly percent: number;
  /** Share of this slice's users counted as experiment exposures, 0–1. */
  readonly exptRollout: number;
}

const BP = 10_000;

const toBp = (fraction: number) => Math.round(fraction * BP);

/**
 * The shares of a stored rollout, one per flag variation in the flag's order (variations the
 * rollout does not serve get 0 %).
 */
export function sharesFromRollout(
  rollout: readonly RolloutVariation[],
  variations: readonly Variation[],
): RolloutShare[] {
  return variations.map((v) => {
    const slices = rollout.filter((r) => r.variationId === v.id);
    const bp = slices.reduce((sum, r) => sum + toBp(r.rolloutEnd) - toBp(r.rolloutStart), 0);
    return {
      variationId: v.id,
      percent: bp / 100,
      exptRollout: slices[0]?.exptRollout ?? 1,
    };
  });
}

/** The stored slices of shares: contiguous, from 0 to 1, zero shares left out. */
export function rolloutFromShares(shares: readonly RolloutShare[]): RolloutVariation[] {
  const out: RolloutVariation[] = [];
  let cumulative = 0;
  for (const s of shares) {
    const bp = Math.round(s.percent * 100);
    if (bp <= 0) continue;
    const start = cumulative;
    cumulative += bp;
    out.push({
      variationId: s.variationId,
      rolloutStart: start / BP,
      rolloutEnd: cumulative / BP,
      exptRollout: s.exptRollout,
    });
  }
  return out;
}

/** A rollout that serves one variation to everyone. */
export function serveAll(variationId: string, exptRollout = 1): RolloutVariation[] {
  return [{ variationId, rolloutStart: 0, rolloutEnd: 1, exptRollout }];
}

/** The variation a rollout serves to everyone, or undefined for a split. */
export function singleVariation(rollout: readonly RolloutVariation[]): string | undefined {
  const served = rollout.filter((r) => toBp(r.rolloutEnd) > toBp(r.rolloutStart));
  return served.length === 1 && toBp(served[0]!.rolloutEnd - served[0]!.rolloutStart) === BP
    ? served[0]!.variationId
    : undefined;
}

/** What is wrong with shares, or undefined when they add up to exactly 100 %. */
export function sharesProblem(shares: readonly RolloutShare[]): string | undefined {
  for (const s of shares) {
    if (!Number.isFinite(s.percent) || s.percent < 0 || s.percent > 100)
      return 'Each share must be between 0 and 100 %.';
    if (Math.abs(s.percent * 100 - Math.round(s.percent * 100)) > 1e-6)
      return 'Use at most two decimals.';
  }
  const total = shares.reduce((sum, s) => sum + Math.round(s.percent * 100), 0);
  if (total !== BP) return `The shares add up to ${total / 100} %, not 100 %.`;
  return undefined;
}

/** "true 30 %, false 70 %": a rollout in words, with variation names. */
export function describeRollout(
  rollout: readonly RolloutVariation[],
  variations: readonly Variation[],
): string {
  const single = singleVariation(rollout);
  const name = (id: string) => {
    const v = variations.find((x) => x.id === id);
    return v ? v.name || v.value : `unknown variation ${id}`;
  };
  if (single !== undefined) return `serve ${name(single)}`;
  return sharesFromRollout(rollout, variations)
    .filter((s) => s.percent > 0)
    .map((s) => `${name(s.variationId)} ${s.percent} %`)
    .join(', ');
}
