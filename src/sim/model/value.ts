// How the simulator represents SQL values in rows, literals and expression results.
//
//   null                  SQL NULL
//   number                BOOLEAN (0/1), TINYINT, SMALLINT, INT, FLOAT, DOUBLE
//   bigint                BIGINT, LARGEINT
//   string                DECIMAL (canonical text with exactly `scale` fraction digits),
//                         DATE ('YYYY-MM-DD'), DATETIME ('YYYY-MM-DD HH:MM:SS[.ffffff]'),
//                         CHAR / VARCHAR / STRING / JSON / VARIANT and the complex types
//                         (their Doris text form)
//
// coerceValue turns any value into a column type's representation (or throws a
// ValueError that names the problem, which the SQL layer reports as a MySQL error).
import type { ColumnType } from './schema.js';

export type Value = null | number | bigint | string;

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
  LARGEINT: [-(2n ** 127n), 2n ** 127n - 1n],
};

function toIntegerBig(v: Value, type: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValueError(`cannot convert ${v} to ${type}`);
    return BigInt(Math.trunc(v));
  }
  const s = String(v).trim();
  if (/^[+-]?\d+$/.test(s)) return BigInt(s);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return BigInt(Math.trunc(Number(s)));
  throw new ValueError(`invalid ${type} value: '${s}'`);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function normalizeDate(v: Value): string {
  const s = String(v).trim();
  const m = /^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[ T].*)?$/.exec(s);
  if (!m) throw new ValueError(`invalid DATE value: '${s}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999, and Doris dates
  // start at 0000-01-01 (the lower bound SHOW CREATE TABLE prints for LESS THAN partitions).
  const probe = new Date(0);
  probe.setUTCFullYear(y, mo - 1, d);
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    throw new ValueError(`invalid DATE value: '${s}'`);
  }
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
}

function normalizeDatetime(v: Value, scale: number): string {
  const s = String(v).trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$/.exec(s);
  if (!m) throw new ValueError(`invalid DATETIME value: '${s}'`);
  const date = normalizeDate(`${m[1]}-${m[2]}-${m[3]}`);
  const [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || se > 59) throw new ValueError(`invalid DATETIME value: '${s}'`);
  let out = `${date} ${pad(h, 2)}:${pad(mi, 2)}:${pad(se, 2)}`;
  if (scale > 0) out += '.' + (m[7] ?? '').padEnd(6, '0').slice(0, scale);
  return out;
}

function normalizeDecimal(v: Value, precision: number, scale: number): string {
  let s = typeof v === 'number' ? v.toFixed(Math.min(scale + 2, 20)) : String(v).trim();
  if (/e/i.test(s)) s = Number(s).toFixed(Math.min(scale + 2, 20));
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new ValueError(`invalid DECIMAL value: '${s}'`);
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2] === '' ? '0' : (m[2] ?? '0');
  const frac = m[3] ?? '';
  // Round half up to `scale` digits.
  let digits = BigInt(intPart + frac.padEnd(scale, '0').slice(0, scale));
  if (frac.length > scale && Number(frac[scale]) >= 5) digits += 1n;
  const text = digits.toString().padStart(scale + 1, '0');
  const whole = text.slice(0, text.length - scale);
  if (whole.replace(/^0+/, '').length > precision - scale) {
    throw new ValueError(`DECIMAL value ${s} is out of range for DECIMAL(${precision},${scale})`);
  }
  const out = scale > 0 ? `${whole}.${text.slice(text.length - scale)}` : whole;
  return sign < 0n && digits !== 0n ? `-${out}` : out;
}

/** Converts `v` to the representation of `type`; throws ValueError when it does not fit. */
export function coerceValue(v: Value, type: ColumnType): Value {
  if (v === null) return null;
  switch (type.name) {
    case 'BOOLEAN': {
      if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (s === 'true') return 1;
        if (s === 'false') return 0;
      }
      return toIntegerBig(v, 'BOOLEAN') === 0n ? 0 : 1;
    }
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'LARGEINT': {
      const n = toIntegerBig(v, type.name);
      const range = INT_RANGE[type.name];
      if (range && (n < range[0] || n > range[1])) throw new ValueError(`value ${n} is out of range for ${type.name}`);
      return type.name === 'BIGINT' || type.name === 'LARGEINT' ? n : Number(n);
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = typeof v === 'number' ? v : Number(typeof v === 'bigint' ? v.toString() : v.trim());
      if (Number.isNaN(n)) throw new ValueError(`invalid ${type.name} value: '${String(v)}'`);
      return type.name === 'FLOAT' ? Math.fround(n) : n;
    }
    case 'DECIMAL':
      return normalizeDecimal(v, type.precision ?? 9, type.scale ?? 0);
    case 'DATE':
      return normalizeDate(v);
    case 'DATETIME':
      return normalizeDatetime(v, type.scale ?? 0);
    case 'CHAR':
    case 'VARCHAR': {
      const s = typeof v === 'string' ? v : String(v);
      const max = type.length ?? (type.name === 'CHAR' ? 1 : 65533);
      if (Buffer.byteLength(s) > max) throw new ValueError(`value is too long for ${type.name}(${max})`);
      return s;
    }
    case 'STRING':
    case 'JSON':
    case 'VARIANT':
    case 'HLL':
    case 'BITMAP':
    case 'QUANTILE_STATE':
    case 'IPV4':
    case 'IPV6':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return typeof v === 'string' ? v : String(v);
  }
}

/** Total order used for keys, ORDER BY, MIN/MAX and partition pruning (NULL sorts first). */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : -1) : 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const na = numericString(a);
    const nb = numericString(b);
    if (na !== undefined && nb !== undefined) return compareDecimalStrings(na, nb);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a !== 'string' && typeof b !== 'string') {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // Mixed string/number: compare numerically when the string is a number, else as text.
  const s = typeof a === 'string' ? a : (b as string);
  const n = numericString(s);
  if (n !== undefined) {
    const other = typeof a === 'string' ? b : a;
    const r = compareDecimalStrings(n, String(other));
    return typeof a === 'string' ? r : -r;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function numericString(s: string): string | undefined {
  return /^[+-]?\d+(\.\d+)?$/.test(s) ? s : undefined;
}

function compareDecimalStrings(a: string, b: string): number {
  const [ai, af = ''] = a.replace(/^\+/, '').split('.');
  const [bi, bf = ''] = b.replace(/^\+/, '').split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt((ai ?? '0') + af.padEnd(scale, '0'));
  const y = BigInt((bi ?? '0') + bf.padEnd(scale, '0'));
  // BigInt('-0x') edge cases do not arise: inputs matched numericString.
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The MySQL text-protocol form of a value (what a client receives), or null. */
export function formatValue(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    // Doris prints doubles with up to 17 significant digits, shortest form.
    return String(v);
  }
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A stable string for a tuple of values, used as a map key for UNIQUE/AGGREGATE keys. */
export function keyOf(values: readonly Value[]): string {
  return values
    .map((v) => (v === null ? '\u0000N' : typeof v === 'bigint' ? `${v.toString()}` : typeof v === 'number' ? `${v}` : `s${v}`))
    .join('\u0001');
}
