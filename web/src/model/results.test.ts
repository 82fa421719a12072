import { describe, expect, it } from 'vitest';
import { InvalidReason } from '@vane/gen/web/vane/analytics/v1/experiment_results_service';
import type { VariationResult } from '@vane/gen/web/vane/analytics/v1/experiment_results_service';
import { insightSeries } from './insights.js';
import { formatP, resultRows } from './results.js';
import { niceMax, ticks } from './scale.js';

const variation = (v: Partial<VariationResult>): VariationResult => ({
  variationId: 'a',
  isBaseline: false,
  isWinner: false,
  exposedUsers: 0,
  users: 0,
  conversions: 0,
  conversionRate: 0,
  mean: 0,
  variance: 0,
  totalValue: 0,
  expectedShare: 0,
  observedShare: 0,
  invalidReason: 0,
  invalidDetail: '',
  requiredUsers: 0,
  ...v,
});

describe('resultRows', () => {
  it('puts the baseline first and hides statistics of invalid variations', () => {
    const rows = resultRows(
      {
        variations: [
          variation({
            variationId: 'b',
            isWinner: true,
            users: 100,
            frequentist: {
              relativeLift: 0.2,
              ciLower: 0.05,
              ciUpper: 0.35,
              pValue: 0.01,
              significant: true,
            },
            bayesian: { chanceToBeatBaseline: 0.97, liftLower: 0, liftUpper: 0 },
          }),
          variation({ variationId: 'a', isBaseline: true, users: 100 }),
          variation({
            variationId: 'c',
            invalidReason: InvalidReason.INVALID_REASON_TOO_FEW_USERS,
            invalidDetail: '3 < 50',
            frequentist: { relativeLift: 9, ciLower: 0, ciUpper: 0, pValue: 0, significant: false },
          }),
        ],
        exposedUsers: 200,
      },
      (id) => id.toUpperCase(),
    );
    expect(rows.map((r) => r.name)).toEqual(['A', 'B', 'C']);
    expect(rows[1]).toMatchObject({
      winner: true,
      lift: 0.2,
      ciLower: 0.05,
      chanceToBeat: 0.97,
      invalid: undefined,
    });
    expect(rows[2]).toMatchObject({ lift: undefined, invalid: 'Too few users so far. (3 < 50)' });
  });
});

describe('insightSeries', () => {
  it('gives each variation a point per bucket, 0 where it had no evaluation', () => {
    const t1 = new Date('2026-01-01T00:00:00Z');
    const t2 = new Date('2026-01-01T01:00:00Z');
    const series = insightSeries(
      {
        interval: 2,
        uniqueUsers: 3,
        totals: [],
        buckets: [
          { startTime: t1, variations: [{ variationId: 'on', evaluations: 4, uniqueUsers: 2 }] },
          { startTime: t2, variations: [{ variationId: 'off', evaluations: 1, uniqueUsers: 1 }] },
        ],
      },
      [
        { id: 'on', name: 'On', value: 'true' },
        { id: 'off', name: '', value: 'false' },
      ],
    );
    expect(series).toEqual([
      {
        id: 'on',
        name: 'On',
        points: [
          { t: t1, y: 4 },
          { t: t2, y: 0 },
        ],
      },
      {
        id: 'off',
        name: 'false',
        points: [
          { t: t1, y: 0 },
          { t: t2, y: 1 },
        ],
      },
    ]);
  });
});

describe('scale', () => {
  it('rounds axis maxima up to nice numbers', () => {
    expect([0, 3, 7, 12, 180, 0.3].map(niceMax)).toEqual([1, 5, 10, 20, 200, 0.5]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
  });
});

describe('formatP', () => {
  it('does not print 0 for tiny p-values', () => {
    expect(formatP(0)).toBe('< 0.001');
    expect(formatP(0.0123)).toBe('0.0123');
  });
});
