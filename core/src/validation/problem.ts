import type { FeatureFlag } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';

/** What kind of problem a definition has. */
export type ProblemCode =
  | 'required'
  | 'type'
  | 'invalid-key'
  | 'invalid-variation-type'
  | 'invalid-variation-value'
  | 'duplicate-variation'
  | 'unknown-variation'
  | 'unknown-operator'
  | 'invalid-number'
  | 'invalid-regex'
  | 'invalid-list'
  | 'invalid-semver'
  | 'invalid-date'
  | 'invalid-segment-list'
  | 'nested-segment'
  | 'unknown-segment'
  | 'rollout-range'
  | 'rollout-empty'
  | 'rollout-gap'
  | 'rollout-overlap'
  | 'expt-rollout-range'
  | 'unknown-flag'
  | 'prerequisite-cycle'
  /** A documented limit is exceeded (a length or a count); the message names the limit. */
  | 'limit'
  /** An id, tag or user key that must be unique appears twice. */
  | 'duplicate'
  /** A rule without conditions (it would match every user). */
  | 'no-conditions'
  /** A boolean flag whose variations are not exactly one `true` and one `false`. */
  | 'boolean-variations';

/** One problem of a definition; `path` locates it, e.g. `rules[1].conditions[0].op`. */
export interface ValidationProblem {
  readonly path: string;
  readonly code: ProblemCode;
  readonly message: string;
}

/** What else validation may check references against; omitted parts are not checked. */
export interface ValidationContext {
  /** The environment's segments: segment conditions must name one of them. */
  readonly segments?: readonly Segment[];
  /** The environment's other flags: prerequisites must name one and must not form a cycle. */
  readonly flags?: readonly FeatureFlag[];
}

/** Collects problems while a validator walks a definition. */
export class Problems {
  readonly list: ValidationProblem[] = [];

  /** Records a problem at `path`. */
  add(path: string, code: ProblemCode, message: string): void {
    this.list.push({ path, code, message });
  }

  /** Records a problem unless `value` is a string (optionally non-blank); returns whether it was. */
  string(path: string, value: unknown, nonBlank = false): value is string {
    if (typeof value !== 'string') {
      this.add(
        path,
        value === undefined || value === null ? 'required' : 'type',
        `${path || 'value'} must be a string`,
      );
      return false;
    }
    if (nonBlank && value.trim() === '') {
      this.add(path, 'required', `${path || 'value'} must not be blank`);
      return false;
    }
    return true;
  }

  /** Records a problem unless `value` is a boolean. */
  boolean(path: string, value: unknown): value is boolean {
    if (typeof value === 'boolean') return true;
    this.add(
      path,
      value === undefined || value === null ? 'required' : 'type',
      `${path} must be a boolean`,
    );
    return false;
  }

  /** Records a problem unless `value` is an array; returns it or an empty array. */
  array(path: string, value: unknown): readonly unknown[] {
    if (Array.isArray(value)) return value;
    this.add(
      path,
      value === undefined || value === null ? 'required' : 'type',
      `${path} must be an array`,
    );
    return [];
  }
}

/** Joins a path and a child name the way problem paths are written. */
export function at(path: string, child: string | number): string {
  if (typeof child === 'number') return `${path}[${child}]`;
  return path === '' ? child : `${path}.${child}`;
}

/** True for plain objects (not null, not arrays). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
