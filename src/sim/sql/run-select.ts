// The query engine: evaluates a Query AST over tables supplied by a TableResolver (the
// executor implements it over the cluster model). Supports FROM with joins, subqueries,
// views and table functions; WHERE, GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT/OFFSET and
// UNION/INTERSECT/EXCEPT, with SQL NULL semantics and Doris' column labels.
import type { ColumnType } from '../model/schema.js';
import { keyOf, type Value } from '../model/value.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import type { Expr, Limit, OrderItem, PartitionSpec, Properties, Query, Relation, SelectQuery, SetOperationQuery, ValuesQuery } from './ast.js';
import { compileExpr, type CompileContext, type CompiledExpr, type ResultSet, type RowEnv } from './compile-expr.js';
import { compareTyped, truthy } from './eval-values.js';
import { firstNonNullType, NULL_TYPE, type FnContext } from './functions.js';
import { Scope, type ScopeColumn } from './scope.js';
import type { SqlSession } from './session.js';

export type { ResultSet } from './compile-expr.js';

/** Rows of a table or table function, with the column names and types a client would see. */
export interface TableData {
  columns: { name: string; type: ColumnType }[];
  rows: Iterable<readonly Value[]>;
}

export type ResolvedRelation =
  | ({ kind: 'table' } & TableData)
  /** A view: its defining query (unqualified names inside resolve against `db`) and optional column names. */
  | { kind: 'view'; db: string; query: Query; columns?: string[] | undefined };

/**
 * What the query engine needs from the catalog. Implementations throw SqlError for unknown
 * objects with Doris' messages (e.g. "Table [t] does not exist in database [db]").
 */
export interface TableResolver {
  /**
   * A table, view or information_schema table. `name.db` is already defaulted to the
   * current database; `partitions` is the `PARTITION (…)` restriction, when written.
   */
  resolveTable(name: { catalog?: string | undefined; db: string; name: string }, session: SqlSession, partitions?: PartitionSpec): ResolvedRelation;
  /** A table-valued function in FROM: `frontends()`, `backends()` … (name lower-case). */
  tableFunction(name: string, properties: Properties, session: SqlSession): TableData;
}

export interface RunOptions {
  /** Statement start time (NOW()); defaults to the current time. */
  now?: Date | undefined;
  /** Database for unqualified table names; defaults to the session's current database. */
  defaultDb?: string | null | undefined;
}

interface Relational {
  columns: ScopeColumn[];
  rows: Value[][];
}

function noDatabase(): SqlError {
  return new SqlError(ErrNo.NO_DB_SELECTED, 'errCode = 2, detailMessage = No database selected', '3D000');
}

class Engine {
  private readonly fn: FnContext;

  constructor(
    private readonly resolver: TableResolver,
    private readonly session: SqlSession,
    now: Date,
  ) {
    this.fn = { session, now };
  }

  run(query: Query, defaultDb: string | null): ResultSet {
    switch (query.kind) {
      case 'select':
        return this.select(query, defaultDb);
      case 'setOp':
        return this.setOperation(query, defaultDb);
      case 'values':
        return this.values(query, defaultDb);
    }
  }

  private context(scope: Scope, defaultDb: string | null, aggregates: boolean, aliases?: ReadonlyMap<string, CompiledExpr>): CompileContext {
    return { fn: this.fn, scope, aggregates, aliases, subquery: (q) => this.run(q, defaultDb) };
  }

  private values(query: ValuesQuery, defaultDb: string | null): ResultSet {
    const ctx = this.context(new Scope([]), defaultDb, false);
    const compiledRows = query.rows.map((row) => row.map((e) => compileExpr(ctx, e)));
    const width = compiledRows[0]?.length ?? 0;
    if (compiledRows.some((r) => r.length !== width)) throw new SqlError(1136, "errCode = 2, detailMessage = Column count doesn't match value count", '21S01');
    const columns = Array.from({ length: width }, (_, i) => ({
      name: `column_${i}`,
      type: firstNonNullType(compiledRows.map((r) => (r[i] as CompiledExpr).type)),
    }));
    return { columns, rows: compiledRows.map((r) => r.map((c) => c.eval({ row: [] }))) };
  }

  private relation(rel: Relation, defaultDb: string | null): Relational {
    switch (rel.kind) {
      case 'table': {
        const db = rel.name.db ?? defaultDb;
        if (db === null) throw noDatabase();
        const resolved = this.resolver.resolveTable({ catalog: rel.name.catalog, db, name: rel.name.name }, this.session, rel.partitions);
        const qualifier = rel.alias ?? rel.name.name;
        if (resolved.kind === 'view') {
          const result = this.run(resolved.query, resolved.db);
          const names = resolved.columns;
          if (names !== undefined && names.length !== result.columns.length) {
            throw dorisError(ErrNo.UNKNOWN, `The number of columns of view ${rel.name.name} does not match its query`);
          }
          return {
            columns: result.columns.map((c, i) => ({ name: names?.[i] ?? c.name, type: c.type, table: qualifier, db })),
            rows: result.rows,
          };
        }
        return {
          columns: resolved.columns.map((c) => ({ name: c.name, type: c.type, table: qualifier, db })),
          rows: Array.from(resolved.rows, (r) => [...r]),
        };
      }
      case 'tableFunction': {
        const data = this.resolver.tableFunction(rel.name, rel.properties, this.session);
        const qualifier = rel.alias ?? rel.name;
        return { columns: data.columns.map((c) => ({ ...c, table: qualifier })), rows: Array.from(data.rows, (r) => [...r]) };
      }
      case 'subquery': {
        if (rel.alias === undefined) throw new SqlError(1248, 'errCode = 2, detailMessage = Every derived table must have its own alias', '42000');
        const result = this.run(rel.query, defaultDb);
        return { columns: result.columns.map((c) => ({ ...c, table: rel.alias })), rows: result.rows };
      }
      case 'join':
        return this.join(rel, defaultDb);
    }
  }

  private join(rel: Extract<Relation, { kind: 'join' }>, defaultDb: string | null): Relational {
    const left = this.relation(rel.left, defaultDb);
    const right = this.relation(rel.right, defaultDb);
    const columns = [...left.columns, ...right.columns];
    const scope = new Scope(columns);
    let on: CompiledExpr | undefined;
    if (rel.using !== undefined) {
      const conditions = rel.using.map((name) => {
        const l = new Scope(left.columns).resolve({ name });
        const r = left.columns.length + new Scope(right.columns).resolve({ name });
        return { l, r };
      });
      on = {
        type: { name: 'BOOLEAN' },
        hasAggregate: false,
        constant: false,
        eval: (env) => (conditions.every(({ l, r }) => env.row[l] !== null && env.row[l] !== undefined && compareTyped(env.row[l] ?? null, env.row[r] ?? null, columns[l]?.type ?? NULL_TYPE, columns[r]?.type ?? NULL_TYPE) === 0) ? 1 : 0),
      };
    } else if (rel.on !== undefined) {
      on = compileExpr(this.context(scope, defaultDb, false), rel.on);
    }
    const matches = (row: Value[]): boolean => on === undefined || isTrue(on.eval({ row }));
    const rows: Value[][] = [];
    const rightMatched = new Set<number>();
    const leftNulls = left.columns.map(() => null);
    const rightNulls = right.columns.map(() => null);
    for (const l of left.rows) {
      let matched = false;
      right.rows.forEach((r, i) => {
        const row = [...l, ...r];
        if (matches(row)) {
          matched = true;
          rightMatched.add(i);
          rows.push(row);
        }
      });
      if (!matched && (rel.type === 'LEFT' || rel.type === 'FULL')) rows.push([...l, ...rightNulls]);
    }
    if (rel.type === 'RIGHT' || rel.type === 'FULL') {
      right.rows.forEach((r, i) => {
        if (!rightMatched.has(i)) rows.push([...leftNulls, ...r]);
      });
    }
    return { columns, rows };
  }

  private select(query: SelectQuery, defaultDb: string | null): ResultSet {
    const source: Relational = query.from === undefined ? { columns: [], rows: [[]] } : this.relation(query.from, defaultDb);
    const scope = new Scope(source.columns);
    let rows = source.rows;
    if (query.where !== undefined) {
      const where = compileExpr(this.context(scope, defaultDb, false), query.where);
      rows = rows.filter((row) => isTrue(where.eval({ row })));
    }

    const selectCtx = this.context(scope, defaultDb, true);
    const outputs: { name: string; expr: CompiledExpr }[] = [];
    for (const item of query.items) {
      if (item.kind === 'star') {
        const cols = source.columns.map((c, i) => ({ c, i })).filter(({ c }) => item.table === undefined || c.table === item.table);
        if (cols.length === 0 && item.table !== undefined) throw dorisError(ErrNo.UNKNOWN, `unknown qualifier: ${item.table}`);
        if (query.from === undefined) throw dorisError(ErrNo.UNKNOWN, "SELECT * must have a FROM clause");
        for (const { c, i } of cols) {
          outputs.push({ name: c.name, expr: { type: c.type, hasAggregate: false, constant: false, eval: (env) => env.row[i] ?? null } });
        }
        continue;
      }
      const expr = compileExpr(selectCtx, item.expr);
      outputs.push({ name: item.alias ?? (item.expr.kind === 'column' ? item.expr.name : item.text), expr });
    }
    const aliases = new Map<string, CompiledExpr>();
    for (const item of query.items) {
      if (item.kind === 'expr' && item.alias !== undefined) {
        const out = outputs.find((o) => o.name === item.alias);
        if (out !== undefined && !aliases.has(item.alias.toLowerCase())) aliases.set(item.alias.toLowerCase(), out.expr);
      }
    }
    const postCtx = this.context(scope, defaultDb, true, aliases);
    const having = query.having === undefined ? undefined : compileExpr(postCtx, query.having);
    const order = this.orderKeys(query.orderBy, outputs, postCtx);

    const aggregated = query.groupBy.length > 0 || outputs.some((o) => o.expr.hasAggregate) || having?.hasAggregate === true || order.some((o) => o.expr.hasAggregate);
    let envs: RowEnv[];
    if (aggregated) {
      const groupCtx = this.context(scope, defaultDb, false);
      const keys = query.groupBy.map((g) => this.groupKey(g, groupCtx, outputs));
      const groups = new Map<string, Value[][]>();
      for (const row of rows) {
        const key = keyOf(keys.map((k) => k.eval({ row })));
        const group = groups.get(key);
        if (group) group.push(row);
        else groups.set(key, [row]);
      }
      if (groups.size === 0 && query.groupBy.length === 0) groups.set('', []);
      const nullRow = source.columns.map(() => null);
      envs = [...groups.values()].map((group) => ({ row: group[0] ?? nullRow, group }));
    } else {
      envs = rows.map((row) => ({ row }));
    }
    if (having !== undefined) envs = envs.filter((env) => isTrue(having.eval(env)));

    let records = envs.map((env) => ({ values: outputs.map((o) => o.expr.eval(env)), keys: order.map((o) => o.expr.eval(env)) }));
    if (query.distinct) {
      const seen = new Set<string>();
      records = records.filter((r) => {
        const key = keyOf(r.values);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    sortRecords(records, order);
    const columns = outputs.map((o) => ({ name: o.name, type: o.expr.type }));
    return { columns, rows: applyLimit(records.map((r) => r.values), query.limit) };
  }

  /** GROUP BY items may name a SELECT alias or a 1-based position. */
  private groupKey(expr: Expr, ctx: CompileContext, outputs: { name: string; expr: CompiledExpr }[]): CompiledExpr {
    if (expr.kind === 'literal' && expr.literal === 'integer') {
      const out = outputs[Number(expr.value) - 1];
      if (out === undefined) throw dorisError(ErrNo.UNKNOWN, `GROUP BY position ${String(expr.value)} is not in select list`);
      return out.expr;
    }
    if (expr.kind === 'column' && expr.table === undefined && !ctx.scope.columns.some((c) => c.name.toLowerCase() === expr.name.toLowerCase())) {
      const out = outputs.find((o) => o.name.toLowerCase() === expr.name.toLowerCase());
      if (out !== undefined) return out.expr;
    }
    return compileExpr(ctx, expr);
  }

  /** ORDER BY keys: a 1-based position, a SELECT alias, or any expression over the FROM scope. */
  private orderKeys(items: OrderItem[], outputs: { name: string; expr: CompiledExpr }[], ctx: CompileContext): { item: OrderItem; expr: CompiledExpr }[] {
    return items.map((item) => {
      const e = item.expr;
      if (e.kind === 'literal' && e.literal === 'integer') {
        const out = outputs[Number(e.value) - 1];
        if (out === undefined) throw dorisError(ErrNo.UNKNOWN, `ORDER BY position ${String(e.value)} is not in select list`);
        return { item, expr: out.expr };
      }
      if (e.kind === 'column' && e.table === undefined) {
        const out = outputs.find((o) => o.name.toLowerCase() === e.name.toLowerCase());
        if (out !== undefined) return { item, expr: out.expr };
      }
      return { item, expr: compileExpr(ctx, e) };
    });
  }

  private setOperation(query: SetOperationQuery, defaultDb: string | null): ResultSet {
    const left = this.run(query.left, defaultDb);
    const right = this.run(query.right, defaultDb);
    if (left.columns.length !== right.columns.length) {
      throw new SqlError(1222, 'errCode = 2, detailMessage = The used SELECT statements have a different number of columns', '21000');
    }
    let rows: Value[][];
    const rightKeys = new Set(right.rows.map((r) => keyOf(r)));
    switch (query.op) {
      case 'UNION':
        rows = [...left.rows, ...right.rows];
        if (!query.all) rows = dedupe(rows);
        break;
      case 'INTERSECT':
        rows = dedupe(left.rows.filter((r) => rightKeys.has(keyOf(r))));
        break;
      case 'EXCEPT':
        rows = dedupe(left.rows.filter((r) => !rightKeys.has(keyOf(r))));
        break;
    }
    const columns = left.columns.map((c, i) => ({ name: c.name, type: c.type === NULL_TYPE ? (right.columns[i]?.type ?? c.type) : c.type }));
    if (query.orderBy.length === 0) return { columns, rows: applyLimit(rows, query.limit) };
    const scope = new Scope(columns.map((c) => ({ name: c.name, type: c.type })));
    const outputs = columns.map((c, i) => ({ name: c.name, expr: { type: c.type, hasAggregate: false, constant: false, eval: (env: RowEnv) => env.row[i] ?? null } }));
    const order = this.orderKeys(query.orderBy, outputs, this.context(scope, defaultDb, false));
    const records = rows.map((values) => ({ values, keys: order.map((o) => o.expr.eval({ row: values })) }));
    sortRecords(records, order);
    return { columns, rows: applyLimit(records.map((r) => r.values), query.limit) };
  }
}

function isTrue(v: Value): boolean {
  return truthy(v) === true;
}

function dedupe(rows: Value[][]): Value[][] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = keyOf(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortRecords(records: { values: Value[]; keys: Value[] }[], order: { item: OrderItem; expr: CompiledExpr }[]): void {
  if (order.length === 0) return;
  records.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const { item, expr } = order[i] as { item: OrderItem; expr: CompiledExpr };
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        // NULLs first ascending and last descending, unless NULLS FIRST/LAST says otherwise.
        const nullsFirst = item.nullsFirst ?? !item.desc;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareTyped(x, y, expr.type, expr.type);
      if (c !== 0) return item.desc ? -c : c;
    }
    return 0;
  });
}

function applyLimit(rows: Value[][], limit: Limit | undefined): Value[][] {
  if (limit === undefined) return rows;
  return rows.slice(limit.offset, limit.offset + limit.count);
}

/**
 * Runs a query and returns its columns (label and type) and rows.
 * Throws SqlError (unknown table/column, no database selected, …) like Doris.
 */
export function runSelect(query: Query, resolver: TableResolver, session: SqlSession, options: RunOptions = {}): ResultSet {
  const engine = new Engine(resolver, session, options.now ?? new Date());
  const defaultDb = options.defaultDb === undefined ? session.db : options.defaultDb;
  return engine.run(query, defaultDb);
}
