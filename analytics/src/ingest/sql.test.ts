import { describe, expect, it } from 'vitest';
import { numberLiteral, quoteString, sql, SqlFragment, SqlIdentifier } from './sql.js';

describe('quoteString', () => {
  it('quotes and escapes backslash, quote and control characters', () => {
    expect(quoteString('plain')).toBe("'plain'");
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString('\\')).toBe("'\\\\'");
    expect(quoteString("\\'")).toBe("'\\\\\\''");
    expect(quoteString('line\nnext\r\t\0\b\f')).toBe("'line\\nnext\\r\\t\\0\\b\\f'");
    expect(quoteString('ünïcødé 🚀')).toBe("'ünïcødé 🚀'");
  });

  it('cannot be broken out of with injection attempts', () => {
    for (const attack of ["x' OR 1=1 --", "\\' OR 1=1 --", "'; DROP TABLE t; --", "\\\\'"]) {
      const quoted = quoteString(attack);
      // Inside the literal, every quote is preceded by an odd number of backslashes.
      const inner = quoted.slice(1, -1);
      for (let i = 0; i < inner.length; i++) {
        if (inner[i] !== "'") continue;
        let slashes = 0;
        for (let j = i - 1; j >= 0 && inner[j] === '\\'; j--) slashes++;
        expect(slashes % 2).toBe(1);
      }
      expect(quoted.endsWith("'")).toBe(true);
    }
  });
});

describe('numberLiteral', () => {
  it('writes safe integers and finite numbers', () => {
    expect(numberLiteral(0)).toBe('0');
    expect(numberLiteral(-42)).toBe('-42');
    expect(numberLiteral(1_700_000_000_000)).toBe('1700000000000');
    expect(Number(numberLiteral(0.1))).toBe(0.1);
    expect(Number(numberLiteral(-1.5e-300))).toBe(-1.5e-300);
  });

  it('rejects NaN, infinities and unsafe integers', () => {
    expect(() => numberLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => numberLiteral(Infinity)).toThrow(RangeError);
    expect(() => numberLiteral(2 ** 60)).toThrow(/safe integer/);
  });
});

describe('SqlIdentifier', () => {
  it('accepts plain and dotted identifiers only', () => {
    expect(SqlIdentifier.of('vane').name).toBe('vane');
    expect(SqlIdentifier.of('vane_test_1.insight_events').name).toBe('vane_test_1.insight_events');
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a;b', 'a.b.c', '`x`', "a'"]) {
      expect(() => SqlIdentifier.of(bad)).toThrow(RangeError);
    }
  });
});

describe('sql tag', () => {
  it('binds every kind of value', () => {
    const table = SqlIdentifier.of('db.events');
    const where = sql`a = ${"o'k"} AND b >= ${5}`;
    expect(sql`SELECT * FROM ${table} WHERE ${where} AND c IN ${['x', 'y']}`.text).toBe(
      "SELECT * FROM db.events WHERE a = 'o\\'k' AND b >= 5 AND c IN ('x', 'y')",
    );
    expect(sql`${[1, 2]}`.text).toBe('(1, 2)');
    expect(() => new SqlFragment('1', Symbol('forged'))).toThrow(TypeError);
  });

  it('rejects empty lists and unsupported values', () => {
    expect(() => sql`x IN ${[]}`).toThrow(/empty list/);
    expect(() => sql`${undefined as unknown as string}`).toThrow(TypeError);
    expect(() => sql`${{} as unknown as string}`).toThrow(TypeError);
  });
});
