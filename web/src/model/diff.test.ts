import { describe, expect, it } from 'vitest';
import { sampleFlag } from '../testing/sample-flag.js';
import { describeFlag, diffLines, hasChanges } from './diff.js';

describe('describeFlag', () => {
  it('describes rules in words with segment and variation names', () => {
    const lines = describeFlag(sampleFlag(), (id) => (id === 's1' ? 'Beta users' : id));
    expect(lines).toContain('Rule 1 "Beta":');
    expect(lines).toContain('  if user is in segment Beta users');
    expect(lines).toContain('  and country is one of NL, BE');
    expect(lines).toContain('  then On 30 %, Off 70 %');
    expect(lines).toContain('Otherwise: serve On');
    expect(lines).toContain('When off, serve: Off');
    expect(lines).toContain('Target On: alice');
  });
});

describe('diffLines', () => {
  it('marks removed and added lines around the common ones', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
  });

  it('handles empty sides', () => {
    expect(diffLines([], ['a'])).toEqual([{ kind: 'added', text: 'a' }]);
    expect(diffLines(['a'], [])).toEqual([{ kind: 'removed', text: 'a' }]);
    expect(hasChanges(diffLines(['a'], ['a']))).toBe(false);
  });

  it('shows a changed rollout as one removed and one added line', () => {
    const before = sampleFlag();
    const after = sampleFlag();
    after.rules[0]!.variations = [
      { variationId: 'on', rolloutStart: 0, rolloutEnd: 0.5, exptRollout: 1 },
      { variationId: 'off', rolloutStart: 0.5, rolloutEnd: 1, exptRollout: 1 },
    ];
    const changed = diffLines(describeFlag(before), describeFlag(after)).filter(
      (l) => l.kind !== 'same',
    );
    expect(changed).toEqual([
      { kind: 'removed', text: '  then On 30 %, Off 70 %' },
      { kind: 'added', text: '  then On 50 %, Off 50 %' },
    ]);
  });
});
