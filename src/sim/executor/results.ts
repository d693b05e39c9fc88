// Building QueryResults: text result sets for SHOW statements (Doris sends SHOW columns as
// VARCHAR text) and the filters SHOW statements share (LIKE, WHERE, ORDER BY, LIMIT).
import type { ColumnType } from '../model/schema.js';
import type { ShowResult } from '../model/show-format.js';
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { Limit, OrderItem, ShowFilter } from '../sql/ast.js';
import { compareTyped, likeToRegExp } from '../sql/eval-values.js';
import { compilePredicate } from '../sql/row-expressions.js';
import type { ExecContext } from './context.js';

export const TEXT: ColumnType = { name: 'VARCHAR', length: 65533 };

export function okResult(affectedRows = 0, info?: string): QueryResult {
  return info === undefined ? { kind: 'ok', affectedRows } : { kind: 'ok', affectedRows, info };
}

/** A result set of text columns. */
export function textResult(columns: readonly string[], rows: readonly (readonly (string | null)[])[]): QueryResult {
  return { kind: 'rows', columns: columns.map((name) => ({ name, type: TEXT })), rows };
}

export function showResult(result: ShowResult): QueryResult {
  return textResult(result.columns, result.rows);
}

/**
 * Applies a SHOW statement's `LIKE 'pattern'` (to the column `likeColumn`) or `WHERE expr`
 * (over the text columns) to a result. `caseSensitive` follows Doris' CaseSensibility for
 * the object kind (databases and tables: sensitive; variables and configs: not).
 */
export function applyShowFilter(
  ctx: ExecContext,
  result: ShowResult,
  filter: ShowFilter,
  options: { likeColumn?: number; caseSensitive: boolean },
): ShowResult {
  let rows = result.rows;
  if (filter.like !== undefined) {
    const re = likeToRegExp(filter.like, { caseInsensitive: !options.caseSensitive });
    const col = options.likeColumn ?? 0;
    rows = rows.filter((r) => re.test(r[col] ?? ''));
  }
  if (filter.where !== undefined) {
    const test = compilePredicate(
      filter.where,
      result.columns.map((name) => ({ name, type: TEXT })),
      { session: ctx.session, now: ctx.now, resolver: ctx.resolver },
    );
    rows = rows.filter((r) => test(r));
  }
  return { columns: result.columns, rows };
}

/** ORDER BY column-name items and LIMIT of SHOW PARTITIONS / SHOW ALTER TABLE. */
export function applyOrderAndLimit(result: ShowResult, orderBy: OrderItem[], limit: Limit | undefined): ShowResult {
  let rows = [...result.rows];
  if (orderBy.length > 0) {
    const keys = orderBy.map((item) => {
      if (item.expr.kind !== 'column') throw dorisError(ErrNo.UNKNOWN, 'Should order by column');
      const name = item.expr.name.toLowerCase();
      const index = result.columns.findIndex((c) => c.toLowerCase() === name);
      if (index < 0) throw dorisError(ErrNo.UNKNOWN, `Title name[${item.expr.name}] does not exist`);
      return { index, desc: item.desc };
    });
    rows.sort((a, b) => {
      for (const k of keys) {
        const c = compareShowValues(a[k.index] ?? null, b[k.index] ?? null);
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
  }
  if (limit !== undefined) rows = rows.slice(limit.offset, limit.offset + limit.count);
  return { columns: result.columns, rows };
}

/** Numbers compare numerically (Doris sorts SHOW rows by the column's real type). */
function compareShowValues(a: string | null, b: string | null): number {
  const numeric = (s: string | null): boolean => s !== null && /^-?\d+(\.\d+)?$/.test(s);
  if (numeric(a) && numeric(b)) return compareTyped(Number(a), Number(b), { name: 'DOUBLE' }, { name: 'DOUBLE' });
  return compareTyped(a, b, TEXT, TEXT);
}
