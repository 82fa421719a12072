// The typed result of a variation call, the same in both SDKs, and the text → typed value
// conversion (flag values travel as text, typed by the flag's variation type).

/** Why a value was served. */
export type ReasonKind =
  | 'Off'
  | 'PrerequisiteFailed'
  | 'TargetMatch'
  | 'RuleMatch'
  | 'Fallthrough'
  | 'Archived'
  | 'FlagNotFound'
  | 'WrongType'
  | 'ClientNotReady'
  | 'Error';

/** A variation call's value with the reason it was served. */
export interface EvaluationDetail<T> {
  readonly flagKey: string;
  /** The served value, or the caller's default when `kind` is an error kind. */
  readonly value: T;
  /** Id of the served variation; null when the default was returned. */
  readonly variationId: string | null;
  readonly kind: ReasonKind;
  /** Human-readable reason: the rule's name, `targeted`, `default`, or the error's explanation. */
  readonly reason: string;
}

/** A flag's value type. */
export type ValueType = 'boolean' | 'string' | 'number' | 'json';

/** Parses a variation's text as `type`; undefined when it does not parse. */
export function parseValue(type: ValueType, text: string): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'boolean': {
      const t = text.trim().toLowerCase();
      return t === 'true' ? true : t === 'false' ? false : undefined;
    }
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
  }
}

/** A detail that returns the caller's default. */
export function defaultDetail<T>(
  flagKey: string,
  value: T,
  kind: ReasonKind,
  reason: string,
): EvaluationDetail<T> {
  return { flagKey, value, variationId: null, kind, reason };
}
