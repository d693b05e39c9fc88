// Scalar SQL functions: argument counts, static result type and evaluation. Names are
// upper-case; aliases share one definition. Aggregates live in aggregates.ts.
import type { ColumnType } from '../model/schema.js';
import type { Value } from '../model/value.js';
import { dateFormat, formatDate, formatDateTime, localEpochSeconds, localParts, parseDateTime, type DateParts } from './datetime.js';
import { formatDecimal, isIntegerType, isStringType, rescale, toBigInt, toDecimal, toNumber, toText, compareTyped } from './eval-values.js';
import type { SqlSession } from './session.js';

export interface FnContext {
  session: SqlSession;
  /** The statement's start time: NOW() is constant within a statement. */
  now: Date;
}

export interface ScalarFunction {
  minArgs: number;
  maxArgs: number;
  /** A NULL argument makes the result NULL without calling `eval`. */
  strict: boolean;
  returnType(argTypes: ColumnType[]): ColumnType;
  eval(args: Value[], argTypes: ColumnType[], ctx: FnContext): Value;
}

/** The static type of a NULL literal (Doris' NULL_TYPE, sent to clients like CHAR). */
export const NULL_TYPE: ColumnType = { name: 'CHAR', length: 1 };

export const T = {
  BOOLEAN: { name: 'BOOLEAN' },
  INT: { name: 'INT' },
  BIGINT: { name: 'BIGINT' },
  DOUBLE: { name: 'DOUBLE' },
  VARCHAR: { name: 'VARCHAR', length: 65533 },
  DATE: { name: 'DATE' },
  DATETIME: { name: 'DATETIME', scale: 0 },
} as const satisfies Record<string, ColumnType>;

/** The first argument type that is not NULL_TYPE (for COALESCE, IF, CASE …). */
export function firstNonNullType(types: ColumnType[]): ColumnType {
  return types.find((t) => t !== NULL_TYPE) ?? NULL_TYPE;
}

function asDate(v: Value): DateParts | undefined {
  return typeof v === 'string' ? parseDateTime(v) : undefined;
}

function str(v: Value): string {
  return toText(v) ?? '';
}

function num(v: Value): number {
  return toNumber(v) ?? 0;
}

function int(v: Value): number {
  return Number(toBigInt(v) ?? 0n);
}

function fn(minArgs: number, maxArgs: number, returnType: ColumnType | ((types: ColumnType[]) => ColumnType), evaluate: ScalarFunction['eval'], strict = true): ScalarFunction {
  return { minArgs, maxArgs, strict, returnType: typeof returnType === 'function' ? returnType : () => returnType, eval: evaluate };
}

function roundHalfAway(x: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
}

function mysqlSubstring(s: string, pos: number, len?: number): string {
  const chars = [...s];
  if (pos === 0) return '';
  const start = pos > 0 ? pos - 1 : chars.length + pos;
  if (start < 0 || start >= chars.length) return '';
  const end = len === undefined ? chars.length : start + Math.max(len, 0);
  return chars.slice(start, end).join('');
}

function nowText(ctx: FnContext, args: Value[]): string {
  const scale = args.length > 0 ? Math.min(Math.max(int(args[0] ?? 0), 0), 6) : 0;
  return formatDateTime(localParts(ctx.now), scale);
}

function numericType(types: ColumnType[]): ColumnType {
  const t = types[0] ?? T.DOUBLE;
  return isStringType(t) ? T.DOUBLE : t;
}

const NOW = fn(0, 1, (types) => ({ name: 'DATETIME', scale: types.length > 0 ? 6 : 0 }), (args, _t, ctx) => nowText(ctx, args));
const CURDATE = fn(0, 0, T.DATE, (_a, _t, ctx) => formatDate(localParts(ctx.now)));
const CURTIME = fn(0, 1, T.VARCHAR, (_a, _t, ctx) => formatDateTime(localParts(ctx.now)).slice(11));
const USER = fn(0, 0, T.VARCHAR, (_a, _t, ctx) => `'${ctx.session.user}'@'${ctx.session.clientHost}'`);
const CURRENT_USER = fn(0, 0, T.VARCHAR, (_a, _t, ctx) => `'${ctx.session.user}'@'%'`);
const DATABASE = fn(0, 0, T.VARCHAR, (_a, _t, ctx) => ctx.session.db, false);
const LOWER = fn(1, 1, T.VARCHAR, ([s]) => str(s ?? null).toLowerCase());
const UPPER = fn(1, 1, T.VARCHAR, ([s]) => str(s ?? null).toUpperCase());
const CHAR_LENGTH = fn(1, 1, T.INT, ([s]) => [...str(s ?? null)].length);
const SUBSTRING = fn(2, 3, T.VARCHAR, ([s, pos, len]) => mysqlSubstring(str(s ?? null), int(pos ?? 1), len === undefined ? undefined : int(len)));
const CEIL = fn(1, 1, T.BIGINT, ([x]) => BigInt(Math.ceil(num(x ?? null))));
const IFNULL = fn(2, 2, (types) => firstNonNullType(types), ([a, b]) => (a ?? null) ?? b ?? null, false);
const DATE_FORMAT = fn(2, 2, T.VARCHAR, ([d, f]) => {
  const parts = asDate(d ?? null);
  return parts === undefined ? null : dateFormat(parts, str(f ?? null));
});

function datePart(pick: (p: DateParts) => number): ScalarFunction {
  return fn(1, 1, T.INT, ([d]) => {
    const p = asDate(d ?? null);
    return p === undefined ? null : pick(p);
  });
}

function extreme(sign: 1 | -1): ScalarFunction {
  return fn(1, Infinity, (types) => firstNonNullType(types), (args, types) => {
    let best: Value = args[0] ?? null;
    let bestType = types[0] ?? NULL_TYPE;
    args.forEach((v, i) => {
      const t = types[i] ?? NULL_TYPE;
      if (compareTyped(v, best, t, bestType) * sign > 0) {
        best = v;
        bestType = t;
      }
    });
    return best;
  });
}

function round(args: Value[], types: ColumnType[]): Value {
  const [x, d] = args;
  const t = types[0] ?? T.DOUBLE;
  const digits = d === undefined ? 0 : int(d);
  if (t.name === 'DECIMAL' || (isIntegerType(t) && digits < 0)) {
    const dec = toDecimal(x ?? null);
    if (dec === null) return null;
    const scale = Math.max(digits, 0);
    const rounded = rescale(dec, digits);
    return digits >= 0 ? formatDecimal(rounded, scale) : formatDecimal(rounded * 10n ** BigInt(-digits), 0);
  }
  if (isIntegerType(t)) return x ?? null;
  return roundHalfAway(num(x ?? null), digits);
}

/** Scalar functions by upper-case name. */
export const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  ['CONCAT', fn(1, Infinity, T.VARCHAR, (args) => args.map(str).join(''))],
  [
    'CONCAT_WS',
    fn(
      2,
      Infinity,
      T.VARCHAR,
      ([sep, ...rest]) => (sep === null || sep === undefined ? null : rest.filter((v) => v !== null).map(str).join(str(sep))),
      false,
    ),
  ],
  ['LOWER', LOWER],
  ['LCASE', LOWER],
  ['UPPER', UPPER],
  ['UCASE', UPPER],
  ['LENGTH', fn(1, 1, T.INT, ([s]) => Buffer.byteLength(str(s ?? null)))],
  ['CHAR_LENGTH', CHAR_LENGTH],
  ['CHARACTER_LENGTH', CHAR_LENGTH],
  ['SUBSTRING', SUBSTRING],
  ['SUBSTR', SUBSTRING],
  ['MID', SUBSTRING],
  ['LEFT', fn(2, 2, T.VARCHAR, ([s, n]) => mysqlSubstring(str(s ?? null), 1, int(n ?? 0)))],
  ['RIGHT', fn(2, 2, T.VARCHAR, ([s, n]) => (int(n ?? 0) <= 0 ? '' : [...str(s ?? null)].slice(-int(n ?? 0)).join('')))],
  ['TRIM', fn(1, 1, T.VARCHAR, ([s]) => str(s ?? null).replace(/^ +| +$/g, ''))],
  ['LTRIM', fn(1, 1, T.VARCHAR, ([s]) => str(s ?? null).replace(/^ +/, ''))],
  ['RTRIM', fn(1, 1, T.VARCHAR, ([s]) => str(s ?? null).replace(/ +$/, ''))],
  ['REPLACE', fn(3, 3, T.VARCHAR, ([s, from, to]) => (str(from ?? null) === '' ? str(s ?? null) : str(s ?? null).split(str(from ?? null)).join(str(to ?? null))))],
  ['REVERSE', fn(1, 1, T.VARCHAR, ([s]) => [...str(s ?? null)].reverse().join(''))],
  ['REPEAT', fn(2, 2, T.VARCHAR, ([s, n]) => str(s ?? null).repeat(Math.max(int(n ?? 0), 0)))],
  ['LPAD', fn(3, 3, T.VARCHAR, ([s, n, p]) => padText(str(s ?? null), int(n ?? 0), str(p ?? null), true))],
  ['RPAD', fn(3, 3, T.VARCHAR, ([s, n, p]) => padText(str(s ?? null), int(n ?? 0), str(p ?? null), false))],
  ['INSTR', fn(2, 2, T.INT, ([s, sub]) => str(s ?? null).indexOf(str(sub ?? null)) + 1)],
  ['LOCATE', fn(2, 2, T.INT, ([sub, s]) => str(s ?? null).indexOf(str(sub ?? null)) + 1)],
  ['STARTS_WITH', fn(2, 2, T.BOOLEAN, ([s, p]) => (str(s ?? null).startsWith(str(p ?? null)) ? 1 : 0))],
  ['ENDS_WITH', fn(2, 2, T.BOOLEAN, ([s, p]) => (str(s ?? null).endsWith(str(p ?? null)) ? 1 : 0))],
  [
    'SPLIT_PART',
    fn(3, 3, T.VARCHAR, ([s, sep, n]) => {
      const parts = str(s ?? null).split(str(sep ?? null));
      const i = int(n ?? 0);
      return (i > 0 ? parts[i - 1] : parts[parts.length + i]) ?? null;
    }),
  ],
  ['ABS', fn(1, 1, numericType, ([x]) => absValue(x ?? null))],
  ['ROUND', fn(1, 2, (types) => roundType(types), round)],
  ['FLOOR', fn(1, 1, T.BIGINT, ([x]) => BigInt(Math.floor(num(x ?? null))))],
  ['CEIL', CEIL],
  ['CEILING', CEIL],
  ['SQRT', fn(1, 1, T.DOUBLE, ([x]) => (num(x ?? null) < 0 ? null : Math.sqrt(num(x ?? null))))],
  ['POW', fn(2, 2, T.DOUBLE, ([x, y]) => num(x ?? null) ** num(y ?? null))],
  ['POWER', fn(2, 2, T.DOUBLE, ([x, y]) => num(x ?? null) ** num(y ?? null))],
  ['SIGN', fn(1, 1, T.INT, ([x]) => Math.sign(num(x ?? null)))],
  ['GREATEST', extreme(1)],
  ['LEAST', extreme(-1)],
  ['COALESCE', fn(1, Infinity, (types) => firstNonNullType(types), (args) => args.find((v) => v !== null) ?? null, false)],
  ['IFNULL', IFNULL],
  ['NVL', IFNULL],
  ['NULLIF', fn(2, 2, (types) => firstNonNullType(types), ([a, b], types) => nullIf(a ?? null, b ?? null, types), false)],
  ['NOW', NOW],
  ['CURRENT_TIMESTAMP', NOW],
  ['LOCALTIME', NOW],
  ['LOCALTIMESTAMP', NOW],
  ['SYSDATE', NOW],
  ['CURDATE', CURDATE],
  ['CURRENT_DATE', CURDATE],
  ['CURTIME', CURTIME],
  ['CURRENT_TIME', CURTIME],
  ['UTC_TIMESTAMP', fn(0, 0, T.DATETIME, (_a, _t, ctx) => new Date(ctx.now).toISOString().slice(0, 19).replace('T', ' '))],
  [
    'UNIX_TIMESTAMP',
    fn(0, 1, T.BIGINT, (args, _t, ctx) => {
      if (args.length === 0) return BigInt(Math.floor(ctx.now.getTime() / 1000));
      const p = asDate(args[0] ?? null);
      return p === undefined ? null : BigInt(localEpochSeconds(p));
    }),
  ],
  [
    'FROM_UNIXTIME',
    fn(1, 2, T.VARCHAR, ([secs, format]) => {
      const p = localParts(new Date(num(secs ?? null) * 1000));
      return format === undefined ? formatDateTime(p) : dateFormat(p, str(format));
    }),
  ],
  ['DATE_FORMAT', DATE_FORMAT],
  ['DATE', fn(1, 1, T.DATE, ([d]) => (asDate(d ?? null) === undefined ? null : formatDate(asDate(d ?? null) as DateParts)))],
  ['TO_DATE', fn(1, 1, T.DATE, ([d]) => (asDate(d ?? null) === undefined ? null : formatDate(asDate(d ?? null) as DateParts)))],
  [
    'DATEDIFF',
    fn(2, 2, T.INT, ([a, b]) => {
      const x = asDate(a ?? null);
      const y = asDate(b ?? null);
      if (x === undefined || y === undefined) return null;
      return Math.round((Date.UTC(x.year, x.month - 1, x.day) - Date.UTC(y.year, y.month - 1, y.day)) / 86400000);
    }),
  ],
  ['YEAR', datePart((p) => p.year)],
  ['MONTH', datePart((p) => p.month)],
  ['DAY', datePart((p) => p.day)],
  ['DAYOFMONTH', datePart((p) => p.day)],
  ['HOUR', datePart((p) => p.hour)],
  ['MINUTE', datePart((p) => p.minute)],
  ['SECOND', datePart((p) => p.second)],
  ['DATABASE', DATABASE],
  ['SCHEMA', DATABASE],
  ['CURRENT_CATALOG', fn(0, 0, T.VARCHAR, () => 'internal')],
  ['VERSION', fn(0, 0, T.VARCHAR, (_a, _t, ctx) => ctx.session.variables.get('version') ?? null, false)],
  ['USER', USER],
  ['SESSION_USER', USER],
  ['CURRENT_USER', CURRENT_USER],
  ['CONNECTION_ID', fn(0, 0, T.BIGINT, (_a, _t, ctx) => BigInt(ctx.session.connectionId))],
  ['LAST_INSERT_ID', fn(0, 0, T.BIGINT, (_a, _t, ctx) => ctx.session.lastInsertId)],
]);

function padText(s: string, n: number, pad: string, left: boolean): string | null {
  const chars = [...s];
  if (n < 0) return null;
  if (chars.length >= n) return chars.slice(0, n).join('');
  if (pad === '') return null;
  let fill = '';
  while ([...fill].length < n - chars.length) fill += pad;
  fill = [...fill].slice(0, n - chars.length).join('');
  return left ? fill + s : s + fill;
}

function absValue(x: Value): Value {
  if (x === null) return null;
  if (typeof x === 'bigint') return x < 0n ? -x : x;
  if (typeof x === 'number') return Math.abs(x);
  const dec = toDecimal(x);
  if (dec !== null && /^[+-]?\d*\.?\d*$/.test(x.trim())) return formatDecimal(dec.digits < 0n ? -dec.digits : dec.digits, dec.scale);
  return Math.abs(num(x));
}

function roundType(types: ColumnType[]): ColumnType {
  const t = types[0] ?? T.DOUBLE;
  return t.name === 'DECIMAL' || isIntegerType(t) ? t : T.DOUBLE;
}

function nullIf(a: Value, b: Value, types: ColumnType[]): Value {
  if (a === null || b === null) return a;
  return compareTyped(a, b, types[0] ?? NULL_TYPE, types[1] ?? NULL_TYPE) === 0 ? null : a;
}
