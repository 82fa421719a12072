import type { Segment } from '../model/segment.js';
import { at, isRecord, Problems } from './problem.js';
import type { ValidationProblem } from './problem.js';
import { validateConditions } from './validate-conditions.js';

/** Every problem of a segment definition, each with its path; empty when it is valid. */
export function validateSegment(segment: Segment): ValidationProblem[] {
  const p = new Problems();
  if (!isRecord(segment)) {
    p.add('', 'type', 'segment must be an object');
    return p.list;
  }
  p.string('id', segment.id, true);
  for (const list of ['included', 'excluded'] as const) {
    p.array(list, segment[list]).forEach((k, i) => p.string(at(list, i), k));
  }
  p.array('rules', segment.rules).forEach((rule, r) => {
    const path = at('rules', r);
    if (!isRecord(rule)) p.add(path, 'type', `${path} must be an object`);
    else validateConditions(p, at(path, 'conditions'), rule.conditions, null);
  });
  return p.list;
}
