// Expression evaluation outside SELECT, for the executor and the model: DELETE/WHERE
// predicates over a table's rows, UPDATE SET values, and constant INSERT VALUES items.
import type { ColumnType } from '../model/schema.js';
import type { Value } from '../model/value.js';
import type { Expr } from './ast.js';
import { compileExpr, type CompileContext } from './compile-expr.js';
import { truthy } from './eval-values.js';
import { parseExpr } from './parse-expr.js';
import { runSelect, type TableResolver } from './run-select.js';
import { Scope } from './scope.js';
import type { SqlSession } from './session.js';
import { defaultSessionVariables } from './system-variables.js';
import { TokenCursor } from './token-cursor.js';
import { ErrNo, SqlError } from '../sql-error.js';

/** Parses a standalone expression (e.g. a stored DELETE condition); throws 1064 on bad text. */
export function parseExpression(text: string): Expr {
  const p = new TokenCursor(text);
  const expr = parseExpr(p);
  if (!p.atEnd()) throw p.error('<EOF>');
  return expr;
}

/** A session for evaluation outside any connection (the model's DELETE predicates). */
export function detachedSession(): SqlSession {
  return {
    connectionId: 0,
    user: 'root',
    clientHost: '127.0.0.1',
    db: null,
    variables: defaultSessionVariables(),
    userVariables: new Map(),
    lastInsertId: 0n,
  };
}

const NO_TABLES: TableResolver = {
  resolveTable() {
    throw new SqlError(ErrNo.NOT_SUPPORTED, 'errCode = 2, detailMessage = subqueries are not supported here', '42000');
  },
  tableFunction() {
    throw new SqlError(ErrNo.NOT_SUPPORTED, 'errCode = 2, detailMessage = subqueries are not supported here', '42000');
  },
};

export interface RowExpressionOptions {
  session?: SqlSession | undefined;
  /** Statement start time for NOW(); defaults to the current time. */
  now?: Date | undefined;
  /** Resolves tables of subqueries inside the expression (`k IN (SELECT …)`); none by default. */
  resolver?: TableResolver | undefined;
}

function context(columns: readonly { name: string; type: ColumnType }[], options: RowExpressionOptions): CompileContext {
  const session = options.session ?? detachedSession();
  const now = options.now ?? new Date();
  const resolver = options.resolver ?? NO_TABLES;
  return {
    fn: { session, now },
    scope: new Scope(columns.map((c) => ({ name: c.name, type: c.type }))),
    aggregates: false,
    subquery: (q) => runSelect(q, resolver, session, { now }),
  };
}

/**
 * Compiles an expression over rows laid out as `columns` (UPDATE … SET values). The
 * evaluator takes a row (values in column order) and returns the expression's value.
 */
export function compileRowExpression(
  expr: Expr | string,
  columns: readonly { name: string; type: ColumnType }[],
  options: RowExpressionOptions = {},
): { type: ColumnType; evaluate: (row: readonly Value[]) => Value } {
  const compiled = compileExpr(context(columns, options), typeof expr === 'string' ? parseExpression(expr) : expr);
  return { type: compiled.type, evaluate: (row) => compiled.eval({ row }) };
}

/**
 * Compiles a WHERE condition over rows laid out as `columns` into a row test: true only when
 * the condition is TRUE (NULL and FALSE both reject, as in SQL).
 */
export function compilePredicate(
  where: Expr | string,
  columns: readonly { name: string; type: ColumnType }[],
  options: RowExpressionOptions = {},
): (row: readonly Value[]) => boolean {
  const { evaluate } = compileRowExpression(where, columns, options);
  return (row) => truthy(evaluate(row)) === true;
}

/**
 * Evaluates an expression that references no column (an INSERT … VALUES item). `DEFAULT`
 * is not an expression: check `expr.kind === 'default'` before calling.
 */
export function evaluateConstant(expr: Expr, options: RowExpressionOptions = {}): { type: ColumnType; value: Value } {
  const { type, evaluate } = compileRowExpression(expr, [], options);
  return { type, value: evaluate([]) };
}
