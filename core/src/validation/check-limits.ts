// Limit checks shared by the flag and segment validators: text lengths, list sizes, tags, keys and
// unique ids. Each problem names the limit and what was found, e.g. `at most 100 rules (got 101)`.
import { at, isRecord } from './problem.js';
import type { Problems } from './problem.js';
import { charLength, KEY_PATTERN, KEY_RULE, LIMITS, tooLong, tooMany } from './limits.js';

/** A key of at most `LIMITS.keyLength` characters matching `KEY_PATTERN`. */
export function checkKey(p: Problems, path: string, key: unknown): void {
  if (!p.string(path, key, true)) return;
  if (charLength(key) > LIMITS.keyLength) {
    p.add(path, 'limit', tooLong(LIMITS.keyLength, 'characters', charLength(key)));
  } else if (!KEY_PATTERN.test(key)) {
    p.add(path, 'invalid-key', `key ${JSON.stringify(key)} ${KEY_RULE}`);
  }
}

/** An optional string of at most `max` characters (absent is fine). */
export function checkText(p: Problems, path: string, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  if (p.string(path, value) && charLength(value) > max) {
    p.add(path, 'limit', tooLong(max, 'characters', charLength(value)));
  }
}

/** A list of at most `max` entries; returns the list (empty when it is not one). */
export function checkCount(
  p: Problems,
  path: string,
  list: unknown,
  max: number,
  what: string,
): readonly unknown[] {
  const items = p.array(path, list);
  if (items.length > max) p.add(path, 'limit', tooMany(max, what, items.length));
  return items;
}

/** Optional tags: at most `LIMITS.tags`, each 1–`LIMITS.tagLength` characters, no duplicates. */
export function checkTags(p: Problems, tags: unknown): void {
  if (tags === undefined) return;
  const seen = new Set<string>();
  checkCount(p, 'tags', tags, LIMITS.tags, 'tags').forEach((tag, i) => {
    const path = at('tags', i);
    if (!p.string(path, tag, true)) return;
    if (charLength(tag) > LIMITS.tagLength)
      p.add(path, 'limit', tooLong(LIMITS.tagLength, 'characters', charLength(tag)));
    if (seen.has(tag)) p.add(path, 'duplicate', `tag ${JSON.stringify(tag)} appears twice`);
    seen.add(tag);
  });
}

/**
 * Rules with unique ids (an absent or empty id is not checked: the api-server generates one) and
 * names of at most `LIMITS.nameLength`; each one's conditions number 1–`LIMITS.conditions`, with
 * unique ids. Returns the rules that are objects, with their paths, for further checks.
 */
export function checkRules(
  p: Problems,
  rules: unknown,
  max: number,
): { rule: Record<string, unknown>; path: string }[] {
  const ids = new Set<string>();
  const out: { rule: Record<string, unknown>; path: string }[] = [];
  checkCount(p, 'rules', rules, max, 'rules').forEach((rule, r) => {
    const path = at('rules', r);
    if (!isRecord(rule)) return p.add(path, 'type', `${path} must be an object`);
    uniqueId(p, at(path, 'id'), rule.id, ids, 'rule');
    if (typeof rule.name === 'string') checkText(p, at(path, 'name'), rule.name, LIMITS.nameLength);
    const cpath = at(path, 'conditions');
    if (Array.isArray(rule.conditions)) {
      if (rule.conditions.length === 0) {
        p.add(
          cpath,
          'no-conditions',
          'a rule needs at least one condition (an empty one would match every user)',
        );
      }
      if (rule.conditions.length > LIMITS.conditions) {
        p.add(cpath, 'limit', tooMany(LIMITS.conditions, 'conditions', rule.conditions.length));
      }
      const conditionIds = new Set<string>();
      rule.conditions.forEach((c: unknown, i) => {
        if (isRecord(c)) uniqueId(p, at(at(cpath, i), 'id'), c.id, conditionIds, 'condition');
      });
    }
    out.push({ rule, path });
  });
  return out;
}

function uniqueId(p: Problems, path: string, id: unknown, seen: Set<string>, what: string): void {
  if (typeof id !== 'string' || id === '') return;
  if (seen.has(id)) p.add(path, 'duplicate', `${what} id ${JSON.stringify(id)} is used twice`);
  seen.add(id);
}
