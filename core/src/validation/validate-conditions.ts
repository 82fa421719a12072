import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '../model/end-user.js';
import { isKnownOperator } from '../model/operators.js';
import { parseStringList } from '../evaluation/compile-condition.js';
import { parseInstant } from '../evaluation/date-value.js';
import { parseDotNetDouble } from '../evaluation/dotnet-number.js';
import { regexProblem } from '../evaluation/safe-regex.js';
import { parseSemVer } from '../evaluation/semver.js';
import { at, isRecord } from './problem.js';
import type { Problems } from './problem.js';

// Validation of rule conditions, shared by flag rules and segment rules.

const NUMERIC = new Set(['LessThan', 'LessEqualThan', 'BiggerThan', 'BiggerEqualThan']);
const SEMVER = new Set([
  'SemVerEqual',
  'SemVerNotEqual',
  'SemVerLessThan',
  'SemVerLessEqualThan',
  'SemVerBiggerThan',
  'SemVerBiggerEqualThan',
]);
const NO_VALUE = new Set(['IsTrue', 'IsFalse']);

/** Validates a list of conditions; `segmentIds` null means segment conditions are not allowed. */
export function validateConditions(
  p: Problems,
  path: string,
  conditions: unknown,
  segmentIds: ReadonlySet<string> | null | undefined,
): void {
  p.array(path, conditions).forEach((c, i) => validateCondition(p, at(path, i), c, segmentIds));
}

function validateCondition(
  p: Problems,
  path: string,
  c: unknown,
  segmentIds: ReadonlySet<string> | null | undefined,
): void {
  if (!isRecord(c)) {
    p.add(path, 'type', `${path} must be an object`);
    return;
  }
  if (!p.string(at(path, 'property'), c.property, true)) return;
  const value = c.value;
  if (c.property === IS_IN_SEGMENT || c.property === IS_NOT_IN_SEGMENT) {
    if (segmentIds === null) {
      p.add(at(path, 'property'), 'nested-segment', 'segment rules cannot refer to segments');
      return;
    }
    if (!p.string(at(path, 'value'), value)) return;
    const ids = parseStringList(value);
    if (typeof ids === 'string' || ids === null || ids.some((id) => id === null)) {
      p.add(
        at(path, 'value'),
        'invalid-segment-list',
        `${at(path, 'value')} must be a JSON array of segment ids`,
      );
      return;
    }
    if (segmentIds !== undefined) {
      for (const id of ids) {
        if (!segmentIds.has(id!))
          p.add(
            at(path, 'value'),
            'unknown-segment',
            `segment ${JSON.stringify(id)} does not exist`,
          );
      }
    }
    return;
  }
  const op = c.op;
  if (typeof op !== 'string' || !isKnownOperator(op)) {
    p.add(at(path, 'op'), 'unknown-operator', `unknown operator ${JSON.stringify(op)}`);
    return;
  }
  if (NO_VALUE.has(op)) return;
  const vpath = at(path, 'value');
  if (!p.string(vpath, value)) return;
  if (NUMERIC.has(op) && Number.isNaN(parseDotNetDouble(value))) {
    p.add(vpath, 'invalid-number', `${JSON.stringify(value)} is not a number`);
  } else if (op === 'MatchRegex' || op === 'NotMatchRegex') {
    const r = regexProblem(value);
    if (r !== null) p.add(vpath, 'invalid-regex', `${JSON.stringify(value)} ${r}`);
  } else if (op === 'IsOneOf' || op === 'NotOneOf') {
    const list = parseStringList(value);
    if (typeof list === 'string') p.add(vpath, 'invalid-list', `${vpath} ${list}`);
  } else if (SEMVER.has(op) && parseSemVer(value) === null) {
    p.add(vpath, 'invalid-semver', `${JSON.stringify(value)} is not a semantic version`);
  } else if ((op === 'DateBefore' || op === 'DateAfter') && Number.isNaN(parseInstant(value))) {
    p.add(
      vpath,
      'invalid-date',
      `${JSON.stringify(value)} is not an ISO 8601 instant with offset or epoch milliseconds`,
    );
  }
}
