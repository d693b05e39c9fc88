// Compiles an expression AST against a Scope into a typed evaluator. Static types decide the
// arithmetic (integer, exact decimal or double), comparisons (text or numeric) and the result
// column types a client sees. SQL NULL semantics throughout.
import type { ColumnType } from '../model/schema.js';
import { coerceValue, formatValue, type Value } from '../model/value.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import { AGGREGATE_FUNCTIONS, distinctTuples } from './aggregates.js';
import { arithmetic, arithmeticType, COMPARISONS, isComparison } from './arithmetic.js';
import type { Expr, Query } from './ast.js';
import { addInterval, formatDate, formatDateTime, parseDateTime } from './datetime.js';
import {
  compareTyped,
  formatDecimal,
  fromBool,
  isStringType,
  likeToRegExp,
  toBigInt,
  toDecimal,
  toNumber,
  toText,
  truthy,
} from './eval-values.js';
import { firstNonNullType, NULL_TYPE, SCALAR_FUNCTIONS, T, type FnContext } from './functions.js';
import type { Scope } from './scope.js';

/** A row being evaluated; `group` holds the rows of the current group in an aggregate query. */
export interface RowEnv {
  row: readonly Value[];
  group?: readonly (readonly Value[])[] | undefined;
}

export interface CompiledExpr {
  type: ColumnType;
  /** Contains an aggregate call (so it must be evaluated per group). */
  hasAggregate: boolean;
  /** References no column and no aggregate: the value is the same for every row. */
  constant: boolean;
  eval(env: RowEnv): Value;
}

/** A query result as runSelect returns it. */
export interface ResultSet {
  columns: { name: string; type: ColumnType }[];
  rows: Value[][];
}

export interface CompileContext {
  fn: FnContext;
  scope: Scope;
  /** Whether aggregate calls are allowed here (SELECT list, HAVING, ORDER BY). */
  aggregates: boolean;
  /** Runs an (uncorrelated) subquery. */
  subquery(query: Query): ResultSet;
  /** SELECT-list aliases visible to HAVING / ORDER BY (lower-case name → expression). */
  aliases?: ReadonlyMap<string, CompiledExpr> | undefined;
}

const EMPTY_ENV: RowEnv = { row: [] };

function compiled(type: ColumnType, parts: CompiledExpr[], evaluate: (env: RowEnv) => Value): CompiledExpr {
  return {
    type,
    hasAggregate: parts.some((p) => p.hasAggregate),
    constant: parts.every((p) => p.constant),
    eval: evaluate,
  };
}

function literalType(expr: Extract<Expr, { kind: 'literal' }>): ColumnType {
  const v = expr.value;
  switch (expr.literal) {
    case 'null':
      return NULL_TYPE;
    case 'boolean':
      return T.BOOLEAN;
    case 'integer': {
      const n = typeof v === 'bigint' ? v : BigInt(v as number);
      if (n >= -128n && n <= 127n) return { name: 'TINYINT' };
      if (n >= -32768n && n <= 32767n) return { name: 'SMALLINT' };
      if (n >= -2147483648n && n <= 2147483647n) return { name: 'INT' };
      return n >= -(2n ** 63n) && n < 2n ** 63n ? { name: 'BIGINT' } : { name: 'LARGEINT' };
    }
    case 'decimal': {
      const [whole = '', frac = ''] = String(v).split('.');
      const scale = frac.length;
      return { name: 'DECIMAL', precision: Math.max(whole.replace(/^0+/, '').length + scale, 1), scale };
    }
    case 'double':
      return T.DOUBLE;
    case 'string':
      return { name: 'VARCHAR', length: Math.max(Buffer.byteLength(String(v)), 1) };
    case 'date':
      return T.DATE;
    case 'datetime':
      return { name: 'DATETIME', scale: /\.(\d+)/.exec(String(v))?.[1]?.length ?? 0 };
  }
}

function valueType(v: Value): ColumnType {
  if (v === null) return NULL_TYPE;
  if (typeof v === 'bigint') return T.BIGINT;
  if (typeof v === 'number') return Number.isInteger(v) ? T.BIGINT : T.DOUBLE;
  return T.VARCHAR;
}

/** When a constant string meets a typed value, convert it to that type once (`dt > '2024-01-01'`). */
function coerceConstant(side: CompiledExpr, other: ColumnType): CompiledExpr {
  if (!side.constant || side.hasAggregate || !isStringType(side.type) || side.type === NULL_TYPE) return side;
  if (other.name === 'CHAR' || other.name === 'VARCHAR' || other.name === 'STRING' || other === NULL_TYPE) return side;
  const raw = side.eval(EMPTY_ENV);
  try {
    const value = coerceValue(raw, other);
    return { ...side, type: other, eval: () => value };
  } catch {
    return side;
  }
}

/** `date ± INTERVAL n unit`. */
function compileIntervalArithmetic(ctx: CompileContext, base: Expr, interval: Extract<Expr, { kind: 'interval' }>, sign: 1 | -1): CompiledExpr {
  const b = compileExpr(ctx, base);
  const n = compileExpr(ctx, interval.value);
  const timeUnit = ['HOUR', 'MINUTE', 'SECOND'].includes(interval.unit.replace(/S$/, ''));
  const type: ColumnType = b.type.name === 'DATE' && !timeUnit ? T.DATE : { name: 'DATETIME', scale: b.type.scale ?? 0 };
  return compiled(type, [b, n], (env) => {
    const v = b.eval(env);
    const amount = toNumber(n.eval(env));
    if (v === null || amount === null) return null;
    const parts = parseDateTime(String(v));
    if (parts === undefined) return null;
    const out = addInterval(parts, sign * Math.trunc(amount), interval.unit);
    if (out === undefined) throw dorisError(ErrNo.UNKNOWN, `unsupported time unit ${interval.unit}`);
    return type.name === 'DATE' ? formatDate(out) : formatDateTime(out, type.scale ?? 0);
  });
}

function compileBinary(ctx: CompileContext, expr: Extract<Expr, { kind: 'binary' }>): CompiledExpr {
  const { op } = expr;
  if ((op === '+' || op === '-') && expr.right.kind === 'interval') return compileIntervalArithmetic(ctx, expr.left, expr.right, op === '+' ? 1 : -1);
  if (op === '+' && expr.left.kind === 'interval') return compileIntervalArithmetic(ctx, expr.right, expr.left, 1);
  let l = compileExpr(ctx, expr.left);
  let r = compileExpr(ctx, expr.right);
  if (op === 'AND') {
    return compiled(T.BOOLEAN, [l, r], (env) => {
      const a = truthy(l.eval(env));
      if (a === false) return 0;
      const b = truthy(r.eval(env));
      if (b === false) return 0;
      return a === null || b === null ? null : 1;
    });
  }
  if (op === 'OR') {
    return compiled(T.BOOLEAN, [l, r], (env) => {
      const a = truthy(l.eval(env));
      if (a === true) return 1;
      const b = truthy(r.eval(env));
      if (b === true) return 1;
      return a === null || b === null ? null : 0;
    });
  }
  if (op === 'XOR') {
    return compiled(T.BOOLEAN, [l, r], (env) => {
      const a = truthy(l.eval(env));
      const b = truthy(r.eval(env));
      return a === null || b === null ? null : fromBool(a !== b);
    });
  }
  if (isComparison(op)) {
    l = coerceConstant(l, r.type);
    r = coerceConstant(r, l.type);
    const test = COMPARISONS[op];
    return compiled(T.BOOLEAN, [l, r], (env) => {
      const a = l.eval(env);
      const b = r.eval(env);
      if (op === '<=>') return fromBool(a === null || b === null ? a === b : compareTyped(a, b, l.type, r.type) === 0);
      if (a === null || b === null) return null;
      return fromBool(test(compareTyped(a, b, l.type, r.type)));
    });
  }
  const bitwise = op === '&' || op === '|' || op === '^';
  const type = bitwise ? T.BIGINT : arithmeticType(op, l.type, r.type);
  return compiled(type, [l, r], (env) => arithmetic(op, type, l.eval(env), r.eval(env)));
}

function compileUnary(ctx: CompileContext, expr: Extract<Expr, { kind: 'unary' }>): CompiledExpr {
  const operand = compileExpr(ctx, expr.operand);
  switch (expr.op) {
    case 'NOT':
      return compiled(T.BOOLEAN, [operand], (env) => {
        const b = truthy(operand.eval(env));
        return b === null ? null : fromBool(!b);
      });
    case '+':
      return operand;
    case '~':
      return compiled(T.BIGINT, [operand], (env) => {
        const v = toBigInt(operand.eval(env));
        return v === null ? null : BigInt.asUintN(64, ~v);
      });
    case '-': {
      const type = isStringType(operand.type) ? T.DOUBLE : operand.type === NULL_TYPE ? T.DOUBLE : operand.type;
      return compiled(type, [operand], (env) => {
        const v = operand.eval(env);
        if (v === null) return null;
        if (typeof v === 'bigint') return -v;
        if (typeof v === 'number') return -v;
        if (type.name === 'DECIMAL') {
          const d = toDecimal(v);
          return d === null ? null : formatDecimal(-d.digits, d.scale);
        }
        return -(toNumber(v) ?? 0);
      });
    }
  }
}

function compileCall(ctx: CompileContext, expr: Extract<Expr, { kind: 'call' }>): CompiledExpr {
  const name = expr.name;
  const aggregate = AGGREGATE_FUNCTIONS.get(name);
  if (aggregate !== undefined) return compileAggregate(ctx, expr, aggregate);
  if (expr.star || expr.distinct) throw dorisError(ErrNo.UNKNOWN, `${name.toLowerCase()} does not support ${expr.star ? '*' : 'DISTINCT'}`);
  if (['DATE_ADD', 'ADDDATE', 'DATE_SUB', 'SUBDATE', 'DAYS_ADD', 'DAYS_SUB'].includes(name) && expr.args.length === 2) {
    const [base, second] = expr.args as [Expr, Expr];
    const sign = name.endsWith('SUB') ? -1 : 1;
    const interval: Extract<Expr, { kind: 'interval' }> = second.kind === 'interval' ? second : { kind: 'interval', value: second, unit: 'DAY', span: second.span };
    return compileIntervalArithmetic(ctx, base, interval, sign);
  }
  const scalar = SCALAR_FUNCTIONS.get(name);
  if (scalar === undefined) throw dorisError(ErrNo.UNKNOWN, `Can not found function '${name.toLowerCase()}'`);
  if (expr.args.length < scalar.minArgs || expr.args.length > scalar.maxArgs) {
    throw dorisError(ErrNo.UNKNOWN, `Can not found function '${name.toLowerCase()}' which has ${expr.args.length} arity`);
  }
  if (name === 'IF') return compileIf(ctx, expr);
  const args = expr.args.map((a) => compileExpr(ctx, a));
  const types = args.map((a) => a.type);
  return compiled(scalar.returnType(types), args, (env) => {
    const values = args.map((a) => a.eval(env));
    if (scalar.strict && values.some((v) => v === null)) return null;
    return scalar.eval(values, types, ctx.fn);
  });
}

function compileIf(ctx: CompileContext, expr: Extract<Expr, { kind: 'call' }>): CompiledExpr {
  const [c, a, b] = expr.args.map((x) => compileExpr(ctx, x)) as [CompiledExpr, CompiledExpr, CompiledExpr];
  return compiled(firstNonNullType([a.type, b.type]), [c, a, b], (env) => (truthy(c.eval(env)) === true ? a.eval(env) : b.eval(env)));
}

function compileAggregate(ctx: CompileContext, expr: Extract<Expr, { kind: 'call' }>, agg: NonNullable<ReturnType<typeof AGGREGATE_FUNCTIONS.get>>): CompiledExpr {
  if (!ctx.aggregates) throw dorisError(ErrNo.UNKNOWN, `aggregate function ${expr.name.toLowerCase()} is not allowed here`);
  const inner: CompileContext = { ...ctx, aggregates: false };
  const args = expr.star ? [] : expr.args.map((a) => compileExpr(inner, a));
  if (!expr.star && (args.length < agg.minArgs || args.length > agg.maxArgs)) {
    throw dorisError(ErrNo.UNKNOWN, `Can not found function '${expr.name.toLowerCase()}' which has ${args.length} arity`);
  }
  const types = args.map((a) => a.type);
  return {
    type: agg.returnType(types),
    hasAggregate: true,
    constant: false,
    eval(env) {
      const rows = env.group ?? [env.row];
      if (expr.star) return BigInt(rows.length);
      let tuples = rows.map((row) => args.map((a) => a.eval({ row })));
      if (expr.distinct) tuples = distinctTuples(tuples);
      return agg.compute(tuples, types);
    },
  };
}

function compileCase(ctx: CompileContext, expr: Extract<Expr, { kind: 'case' }>): CompiledExpr {
  const operand = expr.operand === undefined ? undefined : compileExpr(ctx, expr.operand);
  const whens = expr.whens.map((w) => {
    let when = compileExpr(ctx, w.when);
    if (operand !== undefined) when = coerceConstant(when, operand.type);
    return { when, then: compileExpr(ctx, w.then) };
  });
  const otherwise = expr.else === undefined ? undefined : compileExpr(ctx, expr.else);
  const parts = [...(operand ? [operand] : []), ...whens.flatMap((w) => [w.when, w.then]), ...(otherwise ? [otherwise] : [])];
  const type = firstNonNullType([...whens.map((w) => w.then.type), ...(otherwise ? [otherwise.type] : [])]);
  return compiled(type, parts, (env) => {
    const subject = operand?.eval(env);
    for (const w of whens) {
      const v = w.when.eval(env);
      const hit = operand === undefined ? truthy(v) === true : subject !== null && subject !== undefined && v !== null && compareTyped(subject, v, operand.type, w.when.type) === 0;
      if (hit) return w.then.eval(env);
    }
    return otherwise === undefined ? null : otherwise.eval(env);
  });
}

function castValue(v: Value, type: ColumnType): Value {
  if (v === null) return null;
  if (type.name === 'CHAR' || type.name === 'VARCHAR' || type.name === 'STRING') return formatValue(v);
  if (type.name === 'BOOLEAN') return fromBool(truthy(v));
  try {
    return coerceValue(v, type);
  } catch {
    // Doris returns NULL for a failed cast outside strict mode.
    return null;
  }
}

function compileLike(ctx: CompileContext, expr: Extract<Expr, { kind: 'like' }>): CompiledExpr {
  const subject = compileExpr(ctx, expr.expr);
  const pattern = compileExpr(ctx, expr.pattern);
  const escape = expr.escape === undefined ? undefined : compileExpr(ctx, expr.escape);
  const cache = new Map<string, RegExp>();
  return compiled(T.BOOLEAN, [subject, pattern, ...(escape ? [escape] : [])], (env) => {
    const s = toText(subject.eval(env));
    const p = toText(pattern.eval(env));
    if (s === null || p === null) return null;
    const esc = escape === undefined ? '\\' : (toText(escape.eval(env)) ?? '\\');
    const key = `${esc}\u0000${p}`;
    let re = cache.get(key);
    if (re === undefined) {
      try {
        re = expr.op === 'LIKE' ? likeToRegExp(p, { escape: esc }) : new RegExp(p, 'u');
      } catch {
        throw dorisError(ErrNo.UNKNOWN, `Invalid regex expression: ${p}`);
      }
      cache.set(key, re);
    }
    return fromBool(re.test(s) !== expr.not);
  });
}

function compileIn(ctx: CompileContext, expr: Extract<Expr, { kind: 'in' }>): CompiledExpr {
  const subject = compileExpr(ctx, expr.expr);
  const items = expr.list.map((e) => coerceConstant(compileExpr(ctx, e), subject.type));
  return compiled(T.BOOLEAN, [subject, ...items], (env) => {
    const v = subject.eval(env);
    if (v === null) return null;
    let sawNull = false;
    for (const item of items) {
      const x = item.eval(env);
      if (x === null) sawNull = true;
      else if (compareTyped(v, x, subject.type, item.type) === 0) return fromBool(!expr.not);
    }
    return sawNull ? null : fromBool(expr.not);
  });
}

function subqueryResult(ctx: CompileContext, query: Query): () => ResultSet {
  let cached: ResultSet | undefined;
  return () => (cached ??= ctx.subquery(query));
}

function compileVariable(ctx: CompileContext, expr: Extract<Expr, { kind: 'variable' }>): CompiledExpr {
  const { session } = ctx.fn;
  if (expr.scope === 'user') {
    const value = session.userVariables.get(expr.name) ?? null;
    return { type: valueType(value), hasAggregate: false, constant: true, eval: () => value };
  }
  if (!session.variables.has(expr.name)) {
    throw new SqlError(1193, `errCode = 2, detailMessage = Unknown system variable '${expr.name}'`, 'HY000');
  }
  const value = session.variables.get(expr.name) ?? null;
  return { type: valueType(value), hasAggregate: false, constant: true, eval: () => value };
}

/** Compiles `expr` in `ctx`. Throws SqlError for unknown columns, functions and misuse. */
export function compileExpr(ctx: CompileContext, expr: Expr): CompiledExpr {
  switch (expr.kind) {
    case 'literal': {
      const type = literalType(expr);
      const value = expr.literal === 'date' || expr.literal === 'datetime' ? castValue(expr.value, type) : expr.value;
      return { type, hasAggregate: false, constant: true, eval: () => value };
    }
    case 'column': {
      const alias = expr.table === undefined ? ctx.aliases?.get(expr.name.toLowerCase()) : undefined;
      if (alias !== undefined && !ctx.scope.columns.some((c) => c.name.toLowerCase() === expr.name.toLowerCase())) return alias;
      const index = ctx.scope.resolve(expr);
      const type = (ctx.scope.columns[index] as { type: ColumnType }).type;
      return { type, hasAggregate: false, constant: false, eval: (env) => env.row[index] ?? null };
    }
    case 'star':
      throw dorisError(ErrNo.UNKNOWN, `'*' is not allowed here`);
    case 'unary':
      return compileUnary(ctx, expr);
    case 'binary':
      return compileBinary(ctx, expr);
    case 'in':
      return compileIn(ctx, expr);
    case 'inSubquery': {
      const subject = compileExpr(ctx, expr.expr);
      const result = subqueryResult(ctx, expr.query);
      return compiled(T.BOOLEAN, [subject], (env) => {
        const v = subject.eval(env);
        if (v === null) return null;
        const { columns, rows } = result();
        const t = columns[0]?.type ?? NULL_TYPE;
        let sawNull = false;
        for (const row of rows) {
          const x = row[0] ?? null;
          if (x === null) sawNull = true;
          else if (compareTyped(v, x, subject.type, t) === 0) return fromBool(!expr.not);
        }
        return sawNull ? null : fromBool(expr.not);
      });
    }
    case 'exists': {
      const result = subqueryResult(ctx, expr.query);
      return { type: T.BOOLEAN, hasAggregate: false, constant: true, eval: () => fromBool((result().rows.length > 0) !== expr.not) };
    }
    case 'subquery': {
      const result = subqueryResult(ctx, expr.query);
      const { columns } = result();
      if (columns.length !== 1) throw new SqlError(1241, 'errCode = 2, detailMessage = Operand should contain 1 column(s)', '21000');
      return {
        type: (columns[0] as { type: ColumnType }).type,
        hasAggregate: false,
        constant: true,
        eval() {
          const { rows } = result();
          if (rows.length > 1) throw new SqlError(1242, 'errCode = 2, detailMessage = Subquery returns more than 1 row', '21000');
          return rows[0]?.[0] ?? null;
        },
      };
    }
    case 'between': {
      const subject = compileExpr(ctx, expr.expr);
      const low = coerceConstant(compileExpr(ctx, expr.low), subject.type);
      const high = coerceConstant(compileExpr(ctx, expr.high), subject.type);
      return compiled(T.BOOLEAN, [subject, low, high], (env) => {
        const v = subject.eval(env);
        const lo = low.eval(env);
        const hi = high.eval(env);
        if (v === null || lo === null || hi === null) return null;
        const inside = compareTyped(v, lo, subject.type, low.type) >= 0 && compareTyped(v, hi, subject.type, high.type) <= 0;
        return fromBool(inside !== expr.not);
      });
    }
    case 'like':
      return compileLike(ctx, expr);
    case 'isNull': {
      const subject = compileExpr(ctx, expr.expr);
      return compiled(T.BOOLEAN, [subject], (env) => fromBool((subject.eval(env) === null) !== expr.not));
    }
    case 'isBool': {
      const subject = compileExpr(ctx, expr.expr);
      return compiled(T.BOOLEAN, [subject], (env) => fromBool((truthy(subject.eval(env)) === expr.value) !== expr.not));
    }
    case 'case':
      return compileCase(ctx, expr);
    case 'cast': {
      const inner = compileExpr(ctx, expr.expr);
      return compiled(expr.type, [inner], (env) => castValue(inner.eval(env), expr.type));
    }
    case 'call':
      return compileCall(ctx, expr);
    case 'variable':
      return compileVariable(ctx, expr);
    case 'interval':
      throw dorisError(ErrNo.UNKNOWN, 'INTERVAL is only allowed in date arithmetic');
    case 'default':
      throw dorisError(ErrNo.UNKNOWN, 'DEFAULT is only allowed in INSERT … VALUES and UPDATE … SET');
  }
}
