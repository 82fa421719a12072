// Client-side binding of values into ClickHouse SQL. ClickHouse 18.16 has no server-side query
// parameters, so every value goes through these strict escapers; the `sql` tag accepts only
// strings, safe integers, finite numbers, string/number arrays and checked identifiers.

/** A validated SQL identifier (database or table name), inserted unquoted. */
export class SqlIdentifier {
  private constructor(readonly name: string) {}

  /** Accepts `[A-Za-z_][A-Za-z0-9_]*` (and dotted pairs of such); throws on anything else. */
  static of(name: string): SqlIdentifier {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
      throw new RangeError(`not a valid SQL identifier: ${JSON.stringify(name)}`);
    }
    return new SqlIdentifier(name);
  }
}

/** A piece of SQL built by the `sql` tag: safe to embed in another `sql` template as is. */
export class SqlFragment {
  /** Only the `sql` tag makes fragments. */
  constructor(
    readonly text: string,
    token: symbol,
  ) {
    if (token !== FRAGMENT_TOKEN) throw new TypeError('SqlFragment is made by the sql tag only');
  }

  /** The SQL text. */
  toString(): string {
    return this.text;
  }
}

const FRAGMENT_TOKEN = Symbol('SqlFragment');

/** A value the `sql` tag can bind. */
export type SqlValue =
  string | number | SqlIdentifier | SqlFragment | readonly string[] | readonly number[];

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A single-quoted ClickHouse string literal; backslash, quote and control characters escaped. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\0\b\f\n\r\t]/g, (c) => ESCAPES[c]!)}'`;
}

/** A numeric literal: integers must be safe, other numbers finite; throws otherwise. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    return value.toString();
  }
  return value.toExponential();
}

/** The SQL text of one bound value. */
export function sqlValue(value: SqlValue): string {
  if (value instanceof SqlIdentifier) return value.name;
  if (value instanceof SqlFragment) return value.text;
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError('cannot bind an empty list');
    return `(${(value as readonly (string | number)[]).map((v) => sqlValue(v)).join(', ')})`;
  }
  throw new TypeError(`cannot bind a value of type ${typeof value}`);
}

/** Tagged template: `sql\`SELECT … WHERE a = ${x}\`` with every interpolation escaped. */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += sqlValue(value) + (strings[i + 1] ?? '');
  });
  return new SqlFragment(text, FRAGMENT_TOKEN);
}
