import type { EndUser } from '../model/end-user.js';
import { USER_KEY_ID, USER_NAME } from '../model/end-user.js';

// FeatBit's EndUser.ValueOf, with the attribute name resolved at compile time.

/** A compiled attribute reference: 0 blank name, 1 keyId, 2 name, 3 custom property. */
export interface PropertyRef {
  readonly kind: 0 | 1 | 2 | 3;
  readonly name: string;
}

/** Resolves an attribute name once, so evaluation does not compare it against built-ins. */
export function propertyRef(property: string | null | undefined): PropertyRef {
  if (typeof property !== 'string' || isBlank(property)) return { kind: 0, name: '' };
  if (property === USER_KEY_ID) return { kind: 1, name: property };
  if (property === USER_NAME) return { kind: 2, name: property };
  return { kind: 3, name: property };
}

/**
 * The user's value for an attribute, as the .NET server reads it: keyId and name as given
 * (null when absent), custom properties by first matching name, a missing one as "".
 */
export function valueOf(user: EndUser, ref: PropertyRef): string | null {
  switch (ref.kind) {
    case 1:
      return user.keyId ?? null;
    case 2:
      return user.name ?? null;
    case 3: {
      const props = user.customizedProperties;
      if (props == null) return '';
      const name = ref.name;
      for (let i = 0; i < props.length; i++) {
        const p = props[i]!;
        if (p.name === name) {
          const v: unknown = p.value;
          if (typeof v === 'string') return v;
          return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
        }
      }
      return '';
    }
    default:
      return '';
  }
}

/** .NET's Char.IsWhiteSpace, for string.IsNullOrWhiteSpace. */
export function isWhiteSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** .NET's string.IsNullOrWhiteSpace. */
export function isBlank(s: string | null | undefined): boolean {
  if (s == null) return true;
  for (let i = 0; i < s.length; i++) if (!isWhiteSpace(s.charCodeAt(i))) return false;
  return true;
}
