// Aggregate functions over a group's argument tuples, with SQL NULL semantics: NULL inputs
// are skipped, COUNT of nothing is 0, SUM/AVG/MIN/MAX of nothing is NULL.
import type { ColumnType } from '../model/schema.js';
import { keyOf, type Value } from '../model/value.js';
import { compareTyped, formatDecimal, isIntegerType, rescale, toBigInt, toDecimal, toNumber, toText } from './eval-values.js';
import { NULL_TYPE, T } from './functions.js';

export interface AggregateFunction {
  minArgs: number;
  maxArgs: number;
  returnType(argTypes: ColumnType[]): ColumnType;
  /** `tuples` holds one entry per input row: the evaluated arguments. */
  compute(tuples: Value[][], argTypes: ColumnType[]): Value;
}

function column(tuples: Value[][]): Value[] {
  return tuples.map((t) => t[0] ?? null).filter((v) => v !== null);
}

function sumType(t: ColumnType): ColumnType {
  if (t.name === 'LARGEINT') return t;
  if (isIntegerType(t)) return T.BIGINT;
  if (t.name === 'DECIMAL') return { name: 'DECIMAL', precision: 38, scale: t.scale ?? 0 };
  return T.DOUBLE;
}

function sum(values: Value[], t: ColumnType): Value {
  if (values.length === 0) return null;
  if (isIntegerType(t)) return values.reduce<bigint>((acc, v) => acc + (toBigInt(v) ?? 0n), 0n);
  if (t.name === 'DECIMAL') {
    const scale = t.scale ?? 0;
    const total = values.reduce<bigint>((acc, v) => acc + rescale(toDecimal(v) ?? { digits: 0n, scale: 0 }, scale), 0n);
    return formatDecimal(total, scale);
  }
  return values.reduce<number>((acc, v) => acc + (toNumber(v) ?? 0), 0);
}

function extreme(sign: 1 | -1): AggregateFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    returnType: (types) => types[0] ?? NULL_TYPE,
    compute(tuples, types) {
      const t = types[0] ?? NULL_TYPE;
      let best: Value = null;
      for (const v of column(tuples)) {
        if (best === null || compareTyped(v, best, t, t) * sign > 0) best = v;
      }
      return best;
    },
  };
}

export const AGGREGATE_FUNCTIONS: ReadonlyMap<string, AggregateFunction> = new Map<string, AggregateFunction>([
  [
    'COUNT',
    {
      minArgs: 1,
      maxArgs: Infinity,
      returnType: () => T.BIGINT,
      compute: (tuples) => BigInt(tuples.filter((t) => t.every((v) => v !== null)).length),
    },
  ],
  [
    'SUM',
    {
      minArgs: 1,
      maxArgs: 1,
      returnType: (types) => sumType(types[0] ?? T.DOUBLE),
      compute: (tuples, types) => sum(column(tuples), types[0] ?? T.DOUBLE),
    },
  ],
  [
    'AVG',
    {
      minArgs: 1,
      maxArgs: 1,
      returnType: (types) => {
        const t = types[0] ?? T.DOUBLE;
        return t.name === 'DECIMAL' ? { name: 'DECIMAL', precision: 38, scale: Math.max(t.scale ?? 0, 4) } : T.DOUBLE;
      },
      compute(tuples, types) {
        const t = types[0] ?? T.DOUBLE;
        const values = column(tuples);
        if (values.length === 0) return null;
        if (t.name === 'DECIMAL') {
          const scale = Math.max(t.scale ?? 0, 4);
          const total = values.reduce<bigint>((acc, v) => acc + rescale(toDecimal(v) ?? { digits: 0n, scale: 0 }, scale + 1), 0n);
          const avg = rescale({ digits: total / BigInt(values.length), scale: scale + 1 }, scale);
          return formatDecimal(avg, scale);
        }
        return values.reduce<number>((acc, v) => acc + (toNumber(v) ?? 0), 0) / values.length;
      },
    },
  ],
  ['MIN', extreme(-1)],
  ['MAX', extreme(1)],
  [
    'ANY_VALUE',
    { minArgs: 1, maxArgs: 1, returnType: (types) => types[0] ?? NULL_TYPE, compute: (tuples) => column(tuples)[0] ?? null },
  ],
  [
    'GROUP_CONCAT',
    {
      minArgs: 1,
      maxArgs: 2,
      returnType: () => T.VARCHAR,
      compute(tuples) {
        const parts = tuples.filter((t) => t[0] !== null && t[0] !== undefined);
        if (parts.length === 0) return null;
        const sep = parts[0]?.[1] === undefined ? ', ' : (toText(parts[0][1] ?? null) ?? ', ');
        return parts.map((t) => toText(t[0] ?? null)).join(sep);
      },
    },
  ],
]);

/** Drops duplicate tuples (for `agg(DISTINCT …)`); tuples with a NULL are dropped too. */
export function distinctTuples(tuples: Value[][]): Value[][] {
  const seen = new Set<string>();
  const out: Value[][] = [];
  for (const t of tuples) {
    if (t.some((v) => v === null)) continue;
    const key = keyOf(t);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

