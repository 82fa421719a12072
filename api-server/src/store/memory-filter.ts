// Filter evaluation for the in-memory store, with MongoDB's semantics so that the memory and Mongo
// adapters answer the same queries alike: dotted paths fan out over arrays, a condition on an array
// holds if any element satisfies it, `null` matches a missing field, and range operators only
// compare values of the same type (numbers with numbers, strings with strings).
import type { FieldCondition, Filter } from './document-store.js';

/** A value found at a path; `undefined` stands for "missing on this branch". */
type Found = unknown;

/** Every value reachable at a dotted path, array elements expanded (Mongo's multikey view). */
export function valuesAt(doc: unknown, path: string): Found[] {
  let current: Found[] = [doc];
  for (const segment of path.split('.')) {
    const next: Found[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        if (/^\d+$/.test(segment)) next.push(value[Number(segment)]);
        else for (const element of value) next.push(child(element, segment));
      } else {
        next.push(child(value, segment));
      }
    }
    current = next;
  }
  return current.flatMap((value) => (Array.isArray(value) ? (value as Found[]) : [value]));
}

function child(value: Found, key: string): Found {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

type Scalar = string | number | boolean | null;

function equals(found: Found[], wanted: Scalar): boolean {
  if (wanted === null) return found.some((v) => v === null || v === undefined);
  return found.some((v) => v === wanted);
}

function sameTypeCompare(found: Found, bound: string | number): number | undefined {
  if (typeof found !== typeof bound) return undefined;
  return compareScalars(found as string | number, bound);
}

/** Whether one field condition holds for the values found at its path. */
export function conditionHolds(found: Found[], condition: FieldCondition): boolean {
  if (condition === null || typeof condition !== 'object') return equals(found, condition);
  if ('in' in condition) return condition.in.some((v) => equals(found, v));
  if ('all' in condition) {
    return condition.all.length > 0 && condition.all.every((v) => equals(found, v));
  }
  if ('ne' in condition) return !equals(found, condition.ne);
  if ('gt' in condition) return found.some((v) => (sameTypeCompare(v, condition.gt) ?? 0) > 0);
  if ('gte' in condition) {
    return found.some((v) => (sameTypeCompare(v, condition.gte) ?? -1) >= 0);
  }
  if ('lt' in condition) return found.some((v) => (sameTypeCompare(v, condition.lt) ?? 0) < 0);
  if ('contains' in condition) {
    const needle = condition.contains.toLowerCase();
    return found.some((v) => typeof v === 'string' && v.toLowerCase().includes(needle));
  }
  throw new TypeError(`unknown field condition ${JSON.stringify(condition)}`);
}

/** Whether a document satisfies a filter (all field conditions, and one of `anyOf` if given). */
export function matches(doc: unknown, filter: Filter): boolean {
  for (const [field, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (field === 'anyOf') {
      const branches = condition as readonly Filter[];
      if (!branches.some((branch) => matches(doc, branch))) return false;
      continue;
    }
    if (field === 'allOf') {
      const parts = condition as readonly Filter[];
      if (!parts.every((part) => matches(doc, part))) return false;
      continue;
    }
    if (Array.isArray(condition)) {
      throw new TypeError(`filter field ${field}: only anyOf and allOf take a list of filters`);
    }
    if (!conditionHolds(valuesAt(doc, field), condition as FieldCondition)) return false;
  }
  return true;
}

/** Mongo's cross-type sort order (missing/null < numbers < strings < objects < arrays < booleans). */
function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (typeof value === 'object') return 4;
  if (typeof value === 'boolean') return 8;
  return 9;
}

/** Compares two strings or two numbers; strings by UTF-8 bytes, like MongoDB. */
export function compareScalars(a: string | number, b: string | number): number {
  if (typeof a === 'string' && typeof b === 'string' && /[\ud800-\uffff]/.test(a + b)) {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order of stored values for `orderBy`: by type rank first, then by value. */
export function compareValues(a: unknown, b: unknown): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' || typeof a === 'string') return compareScalars(a, b as typeof a);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'object' && a !== null)
    return compareScalars(JSON.stringify(a), JSON.stringify(b));
  return 0;
}

/** The value a document is ordered by: the field at a (dotted) path, unexpanded. */
export function orderValue(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) current = child(current, segment);
  return current;
}
