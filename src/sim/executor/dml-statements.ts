// INSERT [OVERWRITE] … VALUES / SELECT, DELETE and UPDATE. Each runs as one load transaction
// of the model (UPSERT binlog once visible) and answers like Doris' FE: an OK packet with the
// loaded row count and `{'label':'…', 'status':'VISIBLE', 'txnId':'…'}` as its info.
import type { LoadResult } from '../model/loads.js';
import type { ColumnMeta, OlapTableState } from '../model/state.js';
import { columnDefault } from '../model/scan.js';
import type { Value } from '../model/value.js';
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import type { Expr, PartitionSpec, Statement, TableName } from '../sql/ast.js';
import { truthy } from '../sql/eval-values.js';
import { compileRowExpression, evaluateConstant } from '../sql/row-expressions.js';
import { runSelect } from '../sql/run-select.js';
import { checkCatalog } from './catalog-resolver.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { okResult } from './results.js';

function olapTable(ctx: ExecContext, name: TableName): { db: string; table: OlapTableState } {
  checkCatalog(name.catalog);
  const db = dbOf(ctx, name.db);
  const dbState = ctx.model.catalog.database(db);
  if (dbState === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  const table = ctx.model.catalog.table(db, name.name);
  if (table === undefined) throw dorisError(ErrNo.UNKNOWN, `Table [${name.name}] does not exist in database [${db}].`);
  if (table.kind !== 'OLAP') throw dorisError(ErrNo.UNKNOWN, `insert into a view is not supported: ${db}.${table.name}`);
  return { db, table };
}

/** The load's info text, as Doris puts it in the OK packet. */
function loadInfo(result: LoadResult): string | undefined {
  if (result.txnId < 0n) return undefined;
  return `{'label':'${result.label}', 'status':'${result.status}', 'txnId':'${result.txnId}'}`;
}

function partitionOptions(spec: PartitionSpec | undefined): { partitions?: string[]; temporaryPartitions?: boolean } {
  if (spec === undefined) return {};
  if (spec.names === '*') throw dorisError(ErrNo.NOT_SUPPORTED, 'PARTITION (*) (auto-detected partitions) is not supported by the simulator');
  return { partitions: spec.names, temporaryPartitions: spec.temporary };
}

/** Strict mode (the default) fails on any filtered row; otherwise insert_max_filter_ratio applies. */
function maxFilterRatio(ctx: ExecContext): number {
  const strict = ctx.session.variables.get('enable_insert_strict');
  if (strict === 1 || strict === '1' || strict === 'true' || strict === 'ON') return 0;
  const ratio = Number(ctx.session.variables.get('insert_max_filter_ratio') ?? 1);
  return Number.isFinite(ratio) ? ratio : 1;
}

/** The target columns of an INSERT: the listed ones (by their catalog names) or all. */
function targetColumns(table: OlapTableState, names: string[] | undefined): ColumnMeta[] {
  if (names === undefined) return table.columns;
  const seen = new Set<string>();
  return names.map((n) => {
    const c = table.columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (c === undefined) throw new SqlError(ErrNo.BAD_FIELD, `errCode = 2, detailMessage = Unknown column '${n}' in '${table.name}'`, '42S22');
    if (seen.has(c.name)) throw new SqlError(ErrNo.DUP_FIELDNAME, `errCode = 2, detailMessage = Duplicate column name '${c.name}'`, '42S21');
    seen.add(c.name);
    return c;
  });
}

function columnCountMismatch(): SqlError {
  return new SqlError(1136, "errCode = 2, detailMessage = Column count doesn't match value count", '21S01');
}

function defaultFor(ctx: ExecContext, c: ColumnMeta): Value {
  if (c.defaultValue === undefined && !c.nullable) throw dorisError(ErrNo.UNKNOWN, `Column has no default value, column=${c.name}`);
  return columnDefault(c, ctx.now.getTime());
}

function insertRows(ctx: ExecContext, statement: Extract<Statement, { kind: 'insert' }>, columns: ColumnMeta[]): Value[][] {
  const source = statement.source;
  if (source.kind === 'values') {
    return source.rows.map((row) => {
      if (row.length !== columns.length) throw columnCountMismatch();
      return row.map((e, i) =>
        e.kind === 'default' ? defaultFor(ctx, columns[i] as ColumnMeta) : evaluateConstant(e, { session: ctx.session, now: ctx.now, resolver: ctx.resolver }).value,
      );
    });
  }
  const result = runSelect(source, ctx.resolver, ctx.session, { now: ctx.now });
  if (result.columns.length !== columns.length) throw columnCountMismatch();
  return result.rows;
}

function insert(ctx: ExecContext, statement: Extract<Statement, { kind: 'insert' }>): QueryResult {
  const { db, table } = olapTable(ctx, statement.table);
  const columns = targetColumns(table, statement.columns);
  const rows = insertRows(ctx, statement, columns);
  const data = { kind: 'rows' as const, columns: columns.map((c) => c.name), rows };
  const opts = { label: statement.label, maxFilterRatio: maxFilterRatio(ctx), ...partitionOptions(statement.partitions) };
  if (statement.overwrite) {
    if (opts.temporaryPartitions === true) throw dorisError(ErrNo.UNKNOWN, 'Not support insert overwrite into temporary partitions');
    const result = ctx.model.loads.insertOverwrite(db, table.name, data, opts);
    return result === undefined ? okResult(0) : okResult(result.loadedRows, loadInfo(result));
  }
  const result = ctx.model.loads.load(db, table.name, data, opts);
  return okResult(result.loadedRows, loadInfo(result));
}

function exprText(ctx: ExecContext, expr: Expr): string {
  return ctx.sql.slice(expr.span.start, expr.span.end);
}

function remove(ctx: ExecContext, statement: Extract<Statement, { kind: 'delete' }>): QueryResult {
  const { db, table } = olapTable(ctx, statement.table);
  if (statement.where === undefined) throw dorisError(ErrNo.UNKNOWN, 'Where clause is not set');
  if (statement.alias !== undefined) throw dorisError(ErrNo.NOT_SUPPORTED, 'DELETE with a table alias is not supported by the simulator');
  const result = ctx.model.loads.load(db, table.name, { kind: 'delete', where: exprText(ctx, statement.where) }, partitionOptions(statement.partitions));
  return okResult(result.loadedRows, loadInfo(result));
}

/** UPDATE on a merge-on-write UNIQUE table: the changed rows are written again (upsert). */
function update(ctx: ExecContext, statement: Extract<Statement, { kind: 'update' }>): QueryResult {
  const { db, table } = olapTable(ctx, statement.table);
  if (table.keysType !== 'UNIQUE_KEYS') throw dorisError(ErrNo.UNKNOWN, 'Only unique table could be updated.');
  if (statement.alias !== undefined) throw dorisError(ErrNo.NOT_SUPPORTED, 'UPDATE with a table alias is not supported by the simulator');
  const scan = ctx.model.scan(db, table.name);
  const columns = scan.columns.map((c) => ({ name: c.name, type: c.type }));
  const options = { session: ctx.session, now: ctx.now, resolver: ctx.resolver };
  const where = statement.where === undefined ? undefined : compileRowExpression(statement.where, columns, options);
  const sets = statement.assignments.map((a) => {
    const index = scan.columns.findIndex((c) => c.name.toLowerCase() === a.column.toLowerCase());
    const column = scan.columns[index];
    if (column === undefined) throw new SqlError(ErrNo.BAD_FIELD, `errCode = 2, detailMessage = Unknown column '${a.column}' in 'table list'`, '42S22');
    if (column.isKey) throw dorisError(ErrNo.UNKNOWN, `Only value columns of unique table could be updated`);
    const value = a.value.kind === 'default' ? () => defaultFor(ctx, column) : compileRowExpression(a.value, columns, options).evaluate;
    return { index, value };
  });
  const rows: Value[][] = [];
  for (const row of scan.rows) {
    if (where !== undefined && truthy(where.evaluate(row)) !== true) continue;
    const updated = [...row];
    for (const s of sets) updated[s.index] = s.value(row);
    rows.push(updated);
  }
  if (rows.length === 0) return okResult(0);
  const result = ctx.model.loads.load(db, table.name, { kind: 'rows', columns: scan.columns.map((c) => c.name), rows }, {});
  return okResult(result.loadedRows, loadInfo(result));
}

/** INSERT, DELETE, UPDATE. */
export const dmlHandlers = { insert, delete: remove, update } satisfies Partial<StatementHandlers>;
