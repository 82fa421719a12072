// Request validation at the edge: collect every violation, then throw one INVALID_ARGUMENT. The
// limits themselves are core's (`LIMITS`), defined once from the proto comments.
import { charLength, KEY_PATTERN as CORE_KEY_PATTERN, KEY_RULE, LIMITS } from '@vane/core';
import { Violations as BaseViolations } from '@vane/server-kit';

/** Keys of projects, environments, flags and segments: letters, digits, `.`, `_`, `-`; not `.`/`..`. */
export const KEY_PATTERN = CORE_KEY_PATTERN;
/** Longest key accepted. */
export const MAX_KEY_LENGTH = LIMITS.keyLength;
/** Longest name accepted. */
export const MAX_NAME_LENGTH = LIMITS.nameLength;
/** Longest description accepted. */
export const MAX_DESCRIPTION_LENGTH = LIMITS.descriptionLength;

/** Collects violations for one request and throws them together (with the field checks of the admin API). */
export class Violations extends BaseViolations {
  /** A required, non-blank string of at most `max` characters. */
  required(value: string | undefined, field: string, max: number = MAX_NAME_LENGTH): this {
    if (!value || value.trim() === '') return this.add(field, 'is required');
    return this.maxLength(value, field, max);
  }

  /** An optional string of at most `max` characters. */
  maxLength(value: string | undefined, field: string, max: number): this {
    const length = charLength(value ?? '');
    return this.check(length <= max, field, `must be at most ${max} characters (got ${length})`);
  }

  /** A list of at most `max` entries. */
  atMost(list: readonly unknown[], field: string, max: number, what: string): this {
    return this.check(list.length <= max, field, `at most ${max} ${what} (got ${list.length})`);
  }

  /** A key: required, at most `MAX_KEY_LENGTH` characters, matching KEY_PATTERN. */
  key(value: string | undefined, field: string): this {
    if (!value) return this.add(field, 'is required');
    if (charLength(value) > MAX_KEY_LENGTH) return this.maxLength(value, field, MAX_KEY_LENGTH);
    return this.check(KEY_PATTERN.test(value), field, `${KEY_RULE} (pattern ^[a-zA-Z0-9._-]+$)`);
  }

  /** A non-negative expected revision. */
  revision(value: number | undefined, field = 'expected_revision'): this {
    return this.check((value ?? 0) >= 0, field, 'must not be negative');
  }
}

/** Shorthand: validate with a callback, then throw if anything was recorded. */
export function validate(fill: (v: Violations) => void): void {
  const v = new Violations();
  fill(v);
  v.throwIfAny();
}

/** The comment of a write: at most `LIMITS.commentLength` characters. */
export function checkComment(comment: string | undefined): void {
  validate((v) => v.maxLength(comment, 'comment', LIMITS.commentLength));
}
