// The "review before save" diff: a flag described line by line in plain words (segment and
// variation names instead of ids), and a line diff of two such descriptions.
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { conditionFromProto, operatorInfo } from './conditions.js';
import { describeRollout } from './rollout.js';

/** One line of a diff. */
export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

/** The flag in plain words, one fact per line; `segmentName` maps segment ids to names. */
export function describeFlag(
  flag: FeatureFlag,
  segmentName: (id: string) => string = (id) => id,
): string[] {
  const variation = (id: string) => {
    const v = flag.variations.find((x) => x.id === id);
    return v ? v.name || v.value : `unknown variation ${id}`;
  };
  const lines = [
    `Name: ${flag.name}`,
    `Description: ${flag.description}`,
    `Tags: ${flag.tags.join(', ') || '(none)'}`,
    ...flag.variations.map(
      (v, i) => `Variation ${i + 1}: ${v.name ? `${v.name} = ` : ''}${v.value}`,
    ),
    `When off, serve: ${variation(flag.disabledVariationId)}`,
    ...flag.targetUsers.map((t) => `Target ${variation(t.variationId)}: ${t.keyIds.join(', ')}`),
    ...flag.prerequisites.map((p) => `Requires ${p.flagKey} to serve ${p.variationId}`),
  ];
  flag.rules.forEach((rule, i) => {
    lines.push(`Rule ${i + 1} "${rule.name}":`);
    rule.conditions.forEach((c, j) => {
      const d = conditionFromProto(c);
      const lead = j === 0 ? '  if' : '  and';
      if (d.kind === 'segment') {
        const names = d.segmentIds.map(segmentName).join(' or ');
        lines.push(`${lead} user is ${d.negate ? 'not ' : ''}in segment ${names || '(none)'}`);
      } else {
        const info = operatorInfo(d.op);
        const operand =
          info?.operand === 'list'
            ? d.values.join(', ')
            : info?.operand === 'none'
              ? ''
              : JSON.stringify(d.value);
        lines.push(`${lead} ${d.property} ${info?.label ?? d.op} ${operand}`.trimEnd());
      }
    });
    lines.push(`  then ${describeRollout(rule.variations, flag.variations)}`);
    if (rule.dispatchKey) lines.push(`  split by ${rule.dispatchKey}`);
  });
  lines.push(`Otherwise: ${describeRollout(flag.fallthrough?.variations ?? [], flag.variations)}`);
  if (flag.fallthrough?.dispatchKey) lines.push(`  split by ${flag.fallthrough.dispatchKey}`);
  lines.push(`Experiments count: ${flag.exptIncludeAllTargets ? 'every user' : 'per rule'}`);
  return lines;
}

/** A line diff of `before` → `after` (longest common subsequence). */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j] = length of the LCS of before[i..] and after[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] =
        before[i] === after[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ kind: 'same', text: before[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'removed', text: before[i++]! });
    } else {
      out.push({ kind: 'added', text: after[j++]! });
    }
  }
  while (i < n) out.push({ kind: 'removed', text: before[i++]! });
  while (j < m) out.push({ kind: 'added', text: after[j++]! });
  return out;
}

/** True when a diff changes anything. */
export function hasChanges(diff: readonly DiffLine[]): boolean {
  return diff.some((l) => l.kind !== 'same');
}
