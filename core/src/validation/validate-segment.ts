import type { Segment } from '../model/segment.js';
import { checkCount, checkKey, checkRules, checkTags, checkText } from './check-limits.js';
import { LIMITS } from './limits.js';
import { at, isRecord, Problems } from './problem.js';
import type { ValidationProblem } from './problem.js';
import { validateConditions } from './validate-conditions.js';

/**
 * Every problem of a segment definition, each with its path; empty when it is valid. Checks the
 * contract's limits (`LIMITS`) too.
 */
export function validateSegment(segment: Segment): ValidationProblem[] {
  const p = new Problems();
  if (!isRecord(segment)) {
    p.add('', 'type', 'segment must be an object');
    return p.list;
  }
  p.string('id', segment.id, true);
  if (segment.key !== undefined) checkKey(p, 'key', segment.key);
  checkText(p, 'name', segment.name, LIMITS.nameLength);
  checkText(p, 'description', segment.description, LIMITS.descriptionLength);
  checkTags(p, segment.tags);
  for (const list of ['included', 'excluded'] as const) {
    checkCount(p, list, segment[list], LIMITS.segmentKeys, 'user keys').forEach((k, i) =>
      p.string(at(list, i), k),
    );
  }
  checkRules(p, segment.rules, LIMITS.segmentRules).forEach(({ rule, path }) =>
    validateConditions(p, at(path, 'conditions'), rule.conditions, null),
  );
  return p.list;
}
