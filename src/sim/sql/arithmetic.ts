// Arithmetic and comparison operators over typed values: integer arithmetic on bigint,
// exact DECIMAL arithmetic on scaled integers, DOUBLE otherwise; division by zero is NULL.
import type { ColumnType } from '../model/schema.js';
import type { Value } from '../model/value.js';
import type { BinaryOp } from './ast.js';
import { formatDecimal, isFloatType, isStringType, rescale, toBigInt, toDecimal, toNumber } from './eval-values.js';
import { NULL_TYPE, T } from './functions.js';

/** The static result type of `a op b` (Doris' rules, simplified). */
export function arithmeticType(op: BinaryOp, a: ColumnType, b: ColumnType): ColumnType {
  if (a === NULL_TYPE || b === NULL_TYPE) return a === NULL_TYPE ? (b === NULL_TYPE ? T.DOUBLE : b) : a;
  if (op === 'DIV') return T.BIGINT;
  const decimal = a.name === 'DECIMAL' || b.name === 'DECIMAL';
  const inexact = isFloatType(a) || isFloatType(b) || isStringType(a) || isStringType(b);
  if (inexact) return T.DOUBLE;
  if (op === '/') return decimal ? { name: 'DECIMAL', precision: 38, scale: Math.min((a.scale ?? 0) + 4, 38) } : T.DOUBLE;
  if (decimal) {
    const sa = a.name === 'DECIMAL' ? (a.scale ?? 0) : 0;
    const sb = b.name === 'DECIMAL' ? (b.scale ?? 0) : 0;
    return { name: 'DECIMAL', precision: 38, scale: op === '*' ? Math.min(sa + sb, 38) : Math.max(sa, sb) };
  }
  return a.name === 'LARGEINT' || b.name === 'LARGEINT' ? { name: 'LARGEINT' } : T.BIGINT;
}

export type ArithmeticOp = Extract<BinaryOp, '+' | '-' | '*' | '/' | '%' | 'DIV' | '&' | '|' | '^'>;
export type ComparisonOp = Extract<BinaryOp, '=' | '<=>' | '!=' | '<' | '<=' | '>' | '>='>;

/** Turns a three-way comparison result into the operator's truth value. */
export const COMPARISONS: Record<ComparisonOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<=>': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

export function isComparison(op: BinaryOp): op is ComparisonOp {
  return op in COMPARISONS;
}

function decimalArithmetic(op: ArithmeticOp, scale: number, x: Value, y: Value): Value {
  const a = toDecimal(x) ?? { digits: 0n, scale: 0 };
  const b = toDecimal(y) ?? { digits: 0n, scale: 0 };
  if (op === '+') return formatDecimal(rescale(a, scale) + rescale(b, scale), scale);
  if (op === '-') return formatDecimal(rescale(a, scale) - rescale(b, scale), scale);
  if (op === '*') return formatDecimal(rescale({ digits: a.digits * b.digits, scale: a.scale + b.scale }, scale), scale);
  if (b.digits === 0n) return null;
  const common = Math.max(a.scale, b.scale);
  const [na, nb] = [rescale(a, common), rescale(b, common)];
  if (op === '%') return formatDecimal(rescale({ digits: na % nb, scale: common }, scale), scale);
  if (op === 'DIV') return na / nb;
  // Keep one extra digit so that the final rescale rounds half away from zero.
  const q = (na * 10n ** BigInt(scale + 1)) / nb;
  return formatDecimal(rescale({ digits: q, scale: scale + 1 }, scale), scale);
}

const INTEGER_OPS: Record<ArithmeticOp, (a: bigint, b: bigint) => Value> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0n ? null : Number(a) / Number(b)),
  '%': (a, b) => (b === 0n ? null : a % b),
  DIV: (a, b) => (b === 0n ? null : a / b),
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
};

const DOUBLE_OPS: Record<ArithmeticOp, (a: number, b: number) => Value> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? null : a / b),
  '%': (a, b) => (b === 0 ? null : a % b),
  DIV: (a, b) => (b === 0 ? null : BigInt(Math.trunc(a / b))),
  '&': (a, b) => BigInt(Math.trunc(a)) & BigInt(Math.trunc(b)),
  '|': (a, b) => BigInt(Math.trunc(a)) | BigInt(Math.trunc(b)),
  '^': (a, b) => BigInt(Math.trunc(a)) ^ BigInt(Math.trunc(b)),
};

/** Evaluates `x op y` with the semantics of the static result `type`. */
export function arithmetic(op: ArithmeticOp, type: ColumnType, x: Value, y: Value): Value {
  if (x === null || y === null) return null;
  if (type.name === 'DECIMAL') return decimalArithmetic(op, type.scale ?? 0, x, y);
  if (type.name === 'BIGINT' || type.name === 'LARGEINT') return INTEGER_OPS[op](toBigInt(x) ?? 0n, toBigInt(y) ?? 0n);
  return DOUBLE_OPS[op](toNumber(x) ?? 0, toNumber(y) ?? 0);
}
