// Value-level helpers for expression evaluation: conversions, SQL truthiness, typed
// comparison, exact decimal arithmetic and LIKE patterns. Values follow model/value.ts.
import type { ColumnType, TypeName } from '../model/schema.js';
import { compareValues, formatValue, type Value } from '../model/value.js';

const STRING_FAMILY: ReadonlySet<TypeName> = new Set<TypeName>([
  'CHAR',
  'VARCHAR',
  'STRING',
  'DATE',
  'DATETIME',
  'JSON',
  'VARIANT',
  'IPV4',
  'IPV6',
  'HLL',
  'BITMAP',
  'QUANTILE_STATE',
  'ARRAY',
  'MAP',
  'STRUCT',
]);

const INTEGER_FAMILY: ReadonlySet<TypeName> = new Set<TypeName>(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'LARGEINT']);

export function isStringType(t: ColumnType): boolean {
  return STRING_FAMILY.has(t.name);
}

export function isIntegerType(t: ColumnType): boolean {
  return INTEGER_FAMILY.has(t.name);
}

export function isFloatType(t: ColumnType): boolean {
  return t.name === 'FLOAT' || t.name === 'DOUBLE';
}

/** Text form of a value, as CONCAT and LIKE see it. */
export function toText(v: Value): string | null {
  return formatValue(v);
}

/** A value as a JS number (strings parse their numeric prefix, like MySQL; non-numeric → 0). */
export function toNumber(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(v);
  return m ? Number(m[0]) : 0;
}

/** A value as an integer (truncating), for integer arithmetic and bit operations. */
export function toBigInt(v: Value): bigint | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  const m = /^\s*([+-]?\d+)/.exec(v);
  if (m) return BigInt(m[1] as string);
  const n = toNumber(v) ?? 0;
  return BigInt(Math.trunc(n));
}

/** SQL truth: NULL stays null; numbers are true when non-zero; 'true'/'false' strings are honoured. */
export function truthy(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  if (typeof v === 'bigint') return v !== 0n;
  return (toNumber(v) ?? 0) !== 0;
}

export function fromBool(b: boolean | null): Value {
  return b === null ? null : b ? 1 : 0;
}

/**
 * Compares two non-null values of the given static types: string-like types compare as text
 * (byte order), a string-like with a numeric type as doubles (MySQL), numbers numerically
 * (DECIMAL text exactly).
 */
export function compareTyped(a: Value, b: Value, ta: ColumnType, tb: ColumnType): number {
  if (a === null || b === null) return compareValues(a, b);
  const sa = isStringType(ta);
  const sb = isStringType(tb);
  if (sa && sb) {
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (sa || sb) {
    const x = toNumber(a) ?? 0;
    const y = toNumber(b) ?? 0;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareValues(a, b);
}

/** An exact decimal: digits × 10^-scale. */
export interface Decimal {
  digits: bigint;
  scale: number;
}

export function toDecimal(v: Value): Decimal | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return { digits: v, scale: 0 };
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(10)) : v.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) return { digits: BigInt(Math.trunc(toNumber(v) ?? 0)), scale: 0 };
  const frac = m[3] ?? '';
  const digits = BigInt((m[2] || '0') + frac);
  return { digits: m[1] === '-' ? -digits : digits, scale: frac.length };
}

export function rescale(d: Decimal, scale: number): bigint {
  if (scale >= d.scale) return d.digits * 10n ** BigInt(scale - d.scale);
  // Round half away from zero when dropping digits.
  const div = 10n ** BigInt(d.scale - scale);
  const q = d.digits / div;
  const r = d.digits % div;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= div) return d.digits < 0n ? q - 1n : q + 1n;
  return q;
}

export function formatDecimal(digits: bigint, scale: number): string {
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${text.slice(0, text.length - scale)}.${text.slice(text.length - scale)}` : text;
  return negative ? `-${body}` : body;
}

/**
 * A LIKE pattern as a RegExp: `%` any run, `_` one character, `escape` (default backslash)
 * quotes the next character.
 */
export function likeToRegExp(pattern: string, options: { caseInsensitive?: boolean; escape?: string } = {}): RegExp {
  const escape = options.escape ?? '\\';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === escape && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') {
      re += '[\\s\\S]*';
    } else if (c === '_') {
      re += '[\\s\\S]';
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, options.caseInsensitive ? 'iu' : 'u');
}
