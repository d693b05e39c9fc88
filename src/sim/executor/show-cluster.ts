// SHOW statements about the cluster and its jobs: SHOW PROC, SHOW BACKENDS / FRONTENDS,
// SHOW TABLE <id> / DATABASE <id>, SHOW PARTITIONS, SHOW TRANSACTION, SHOW ALTER TABLE,
// ADMIN SHOW / SET FRONTEND CONFIG. The model prints the rows; this applies filters.
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { Statement } from '../sql/ast.js';
import { checkCatalog, frontendsFor } from './catalog-resolver.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { applyOrderAndLimit, applyShowFilter, okResult, showResult, textResult } from './results.js';

function showTransaction(ctx: ExecContext, statement: Extract<Statement, { kind: 'showTransaction' }>): QueryResult {
  const db = dbOf(ctx, statement.db);
  const filter = statement.filter;
  if (filter === undefined) throw dorisError(ErrNo.UNKNOWN, 'Missing transaction id');
  switch (filter.by) {
    case 'id':
      return showResult(ctx.model.show.transaction(db, filter.id));
    case 'label':
      return showResult(ctx.model.show.transactionByLabel(db, filter.label));
    case 'status':
      return showResult(ctx.model.show.transactionsByStatus(db, filter.status));
  }
}

function showAlterTable(ctx: ExecContext, statement: Extract<Statement, { kind: 'showAlterTable' }>): QueryResult {
  const db = dbOf(ctx, statement.db);
  if (statement.type === 'MATERIALIZED VIEW') {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'SHOW ALTER TABLE MATERIALIZED VIEW is not supported by the simulator (no materialized views)');
  }
  const jobs = statement.type === 'COLUMN' ? ctx.model.show.alterColumnJobs(db) : ctx.model.show.alterRollupJobs(db);
  const filtered = applyShowFilter(ctx, jobs, statement.filter, { caseSensitive: true, likeColumn: 1 });
  return showResult(applyOrderAndLimit(filtered, statement.orderBy, statement.limit));
}

function showPartitions(ctx: ExecContext, statement: Extract<Statement, { kind: 'showPartitions' }>): QueryResult {
  checkCatalog(statement.table.catalog);
  const db = dbOf(ctx, statement.table.db);
  const all = ctx.model.proc.showPartitions(db, statement.table.name, statement.temporary);
  const filtered = applyShowFilter(ctx, all, statement.filter, { caseSensitive: true, likeColumn: 1 });
  return showResult(applyOrderAndLimit(filtered, statement.orderBy, statement.limit));
}

function showDatabaseId(ctx: ExecContext, dbId: bigint): QueryResult {
  const db = ctx.model.catalog.databaseById(dbId);
  return textResult(['DbName'], db === undefined ? [] : [[db.name]]);
}

function setFrontendConfig(ctx: ExecContext, properties: Record<string, string>): QueryResult {
  const entries = Object.entries(properties);
  if (entries.length !== 1) throw dorisError(ErrNo.UNKNOWN, 'config parameter size is not equal to 1');
  for (const [key, value] of entries) ctx.model.system.setFeConfig(key, value);
  return okResult();
}

/** SHOW statements about the cluster and its jobs, ADMIN SHOW/SET FRONTEND CONFIG. */
export const showClusterHandlers = {
  showProc: (ctx, s) => showResult(ctx.model.proc.proc(s.path)),
  showBackends: (ctx) => showResult(ctx.model.proc.backends()),
  showFrontends: (ctx) => showResult(frontendsFor(ctx.model, ctx.frontendName)),
  showTableId: (ctx, s) => showResult(ctx.model.proc.tableById(s.tableId)),
  showDatabaseId: (ctx, s) => showDatabaseId(ctx, s.dbId),
  showPartitions,
  showTransaction,
  showAlterTable,
  showFrontendConfig: (ctx, s) => showResult(ctx.model.show.frontendConfig(s.like)),
  adminSetFrontendConfig: (ctx, s) => setFrontendConfig(ctx, s.properties),
} satisfies Partial<StatementHandlers>;
