import { describe, expect, it } from 'vitest';
import {
  describeRollout,
  rolloutFromShares,
  serveAll,
  sharesFromRollout,
  sharesProblem,
  singleVariation,
} from './rollout.js';

const variations = [
  { id: 'a', name: 'On', value: 'true' },
  { id: 'b', name: '', value: 'false' },
  { id: 'c', name: 'C', value: 'c' },
];

describe('rollout shares', () => {
  it('turns 30/70 into contiguous slices from 0 to 1', () => {
    const slices = rolloutFromShares([
      { variationId: 'a', percent: 30, exptRollout: 1 },
      { variationId: 'b', percent: 70, exptRollout: 0.5 },
    ]);
    expect(slices).toEqual([
      { variationId: 'a', rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
      { variationId: 'b', rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 0.5 },
    ]);
  });

  it('leaves zero shares out and ends exactly at 1 with two-decimal shares', () => {
    const slices = rolloutFromShares([
      { variationId: 'a', percent: 33.33, exptRollout: 1 },
      { variationId: 'b', percent: 0, exptRollout: 1 },
      { variationId: 'c', percent: 66.67, exptRollout: 1 },
    ]);
    expect(slices.map((s) => s.variationId)).toEqual(['a', 'c']);
    expect(slices[1]).toMatchObject({ rolloutStart: 0.3333, rolloutEnd: 1 });
  });

  it('reads stored slices back as percent per variation, 0 for unserved ones', () => {
    const shares = sharesFromRollout(
      [
        { variationId: 'b', rolloutStart: 0, rolloutEnd: 0.7, exptRollout: 1 },
        { variationId: 'a', rolloutStart: 0.7, rolloutEnd: 1, exptRollout: 0.25 },
      ],
      variations,
    );
    expect(shares).toEqual([
      { variationId: 'a', percent: 30, exptRollout: 0.25 },
      { variationId: 'b', percent: 70, exptRollout: 1 },
      { variationId: 'c', percent: 0, exptRollout: 1 },
    ]);
  });

  it('round-trips shares → slices → shares', () => {
    const shares = [
      { variationId: 'a', percent: 12.5, exptRollout: 1 },
      { variationId: 'b', percent: 37.5, exptRollout: 1 },
      { variationId: 'c', percent: 50, exptRollout: 1 },
    ];
    expect(sharesFromRollout(rolloutFromShares(shares), variations)).toEqual(shares);
  });

  it('explains shares that do not add up to 100 %', () => {
    const s = (a: number, b: number) => [
      { variationId: 'a', percent: a, exptRollout: 1 },
      { variationId: 'b', percent: b, exptRollout: 1 },
    ];
    expect(sharesProblem(s(30, 70))).toBeUndefined();
    expect(sharesProblem(s(30, 60))).toBe('The shares add up to 90 %, not 100 %.');
    expect(sharesProblem(s(-10, 110))).toMatch(/between 0 and 100/);
    expect(sharesProblem(s(30.001, 69.999))).toMatch(/two decimals/);
    expect(sharesProblem(s(Number.NaN, 100))).toMatch(/between/);
  });

  it('recognises a rollout that serves one variation to everyone', () => {
    expect(singleVariation(serveAll('b'))).toBe('b');
    expect(
      singleVariation(rolloutFromShares([{ variationId: 'a', percent: 100, exptRollout: 1 }])),
    ).toBe('a');
    expect(
      singleVariation([
        { variationId: 'a', rolloutStart: 0, rolloutEnd: 0, exptRollout: 1 },
        { variationId: 'b', rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 },
      ]),
    ).toBe('b');
    expect(
      singleVariation(
        rolloutFromShares([
          { variationId: 'a', percent: 50, exptRollout: 1 },
          { variationId: 'b', percent: 50, exptRollout: 1 },
        ]),
      ),
    ).toBeUndefined();
  });

  it('describes rollouts in words with variation names', () => {
    expect(describeRollout(serveAll('a'), variations)).toBe('serve On');
    expect(
      describeRollout(
        rolloutFromShares([
          { variationId: 'a', percent: 30, exptRollout: 1 },
          { variationId: 'b', percent: 70, exptRollout: 1 },
        ]),
        variations,
      ),
    ).toBe('On 30 %, false 70 %');
  });
});
