// Request validation at the edge: collect every violation, then throw one INVALID_ARGUMENT.
import { InvalidArgument } from '../errors/domain-errors.js';
import type { Violation } from '../errors/domain-errors.js';

/** Keys of projects, environments, flags, segments and metrics: letters, digits, `.`, `_`, `-`. */
export const KEY_PATTERN = /^[a-zA-Z0-9._-]+$/;
/** Longest key accepted. */
export const MAX_KEY_LENGTH = 128;
/** Longest name accepted. */
export const MAX_NAME_LENGTH = 256;
/** Longest description accepted. */
export const MAX_DESCRIPTION_LENGTH = 4096;

/** Collects violations for one request and throws them together. */
export class Violations {
  readonly #list: Violation[] = [];

  /** Records a violation. */
  add(field: string, description: string): this {
    this.#list.push({ field, description });
    return this;
  }

  /** Records `description` for `field` unless `ok`. */
  check(ok: boolean, field: string, description: string): this {
    if (!ok) this.add(field, description);
    return this;
  }

  /** A required, non-blank string of at most `max` characters. */
  required(value: string | undefined, field: string, max = MAX_NAME_LENGTH): this {
    if (!value || value.trim() === '') return this.add(field, 'is required');
    return this.check(value.length <= max, field, `must be at most ${max} characters`);
  }

  /** An optional string of at most `max` characters. */
  maxLength(value: string | undefined, field: string, max: number): this {
    return this.check((value ?? '').length <= max, field, `must be at most ${max} characters`);
  }

  /** A key: required and matching KEY_PATTERN. */
  key(value: string | undefined, field: string): this {
    if (!value) return this.add(field, 'is required');
    if (value.length > MAX_KEY_LENGTH) {
      return this.add(field, `must be at most ${MAX_KEY_LENGTH} characters`);
    }
    return this.check(
      KEY_PATTERN.test(value),
      field,
      'must contain only letters, digits, ".", "_" and "-" (pattern ^[a-zA-Z0-9._-]+$)',
    );
  }

  /** A non-negative expected revision. */
  revision(value: number | undefined, field = 'expected_revision'): this {
    return this.check((value ?? 0) >= 0, field, 'must not be negative');
  }

  /** Throws INVALID_ARGUMENT with every recorded violation, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw new InvalidArgument(this.#list);
  }
}

/** Shorthand: validate with a callback, then throw if anything was recorded. */
export function validate(fill: (v: Violations) => void): void {
  const v = new Violations();
  fill(v);
  v.throwIfAny();
}
