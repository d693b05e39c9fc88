// Dispatches one parsed statement to the executor of its kind. The handler table is typed to
// cover every statement kind of the AST, so a new kind fails to compile until it is handled.
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { Statement } from '../sql/ast.js';
import { runSelect } from '../sql/run-select.js';
import { alterTableHandlers } from './alter-table.js';
import { backupHandlers } from './backup-statements.js';
import type { ExecContext, StatementHandlers } from './context.js';
import { ddlHandlers } from './ddl-statements.js';
import { dmlHandlers } from './dml-statements.js';
import { sessionHandlers } from './session-statements.js';
import { showCatalogHandlers } from './show-catalog.js';
import { showClusterHandlers } from './show-cluster.js';

const HANDLERS: StatementHandlers = {
  ...sessionHandlers,
  ...showCatalogHandlers,
  ...showClusterHandlers,
  ...ddlHandlers,
  ...alterTableHandlers,
  ...dmlHandlers,
  ...backupHandlers,
  query: (ctx, s) => {
    const { columns, rows } = runSelect(s.query, ctx.resolver, ctx.session, { now: ctx.now });
    return { kind: 'rows', columns, rows };
  },
  explain: () => {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'EXPLAIN is not supported by the simulator (it has no query planner)');
  },
  unsupported: (_ctx, s) => {
    throw dorisError(ErrNo.NOT_SUPPORTED, `${s.what} is not supported by the simulator`);
  },
};

/** Runs one statement; throws SqlError (a DorisError from the model, or the executor's own). */
export function executeStatement(ctx: ExecContext, statement: Statement): QueryResult {
  const handler = HANDLERS[statement.kind] as (ctx: ExecContext, statement: Statement) => QueryResult;
  return handler(ctx, statement);
}
