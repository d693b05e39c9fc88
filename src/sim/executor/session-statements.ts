// Session statements: USE, SET, SHOW VARIABLES / WARNINGS / PROCESSLIST, KILL and the
// transaction keywords. Doris 2.x has no interactive transactions for ordinary SQL: COMMIT and
// ROLLBACK outside a transaction are accepted and do nothing, as the FE does ("No transaction
// to commit"); BEGIN (Doris' transaction-insert mode) is not modelled.
import type { Value } from '../model/value.js';
import { formatValue } from '../model/value.js';
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import type { SetAssignment, Statement } from '../sql/ast.js';
import { evaluateConstant } from '../sql/row-expressions.js';
import { defaultSessionVariables } from '../sql/system-variables.js';
import { checkCatalog } from './catalog-resolver.js';
import type { ExecContext, StatementHandlers } from './context.js';
import { SYSTEM_DATABASES } from './information-schema.js';
import { applyShowFilter, okResult, textResult } from './results.js';

const READ_ONLY_VARIABLES = new Set(['version', 'version_comment', 'license', 'language', 'system_time_zone', 'lower_case_table_names']);

/**
 * Cluster-wide variable values set with SET GLOBAL: Doris persists them and new sessions
 * start from them. One instance per simulated cluster, shared by its FEs.
 */
export class GlobalVariables {
  private readonly values = new Map<string, Value>();
  private readonly seen = new WeakSet<object>();

  set(name: string, value: Value): void {
    this.values.set(name, value);
  }

  /** Applies the global values to a session the first time it runs a statement. */
  adopt(session: { variables: Map<string, Value> }): void {
    if (this.seen.has(session)) return;
    this.seen.add(session);
    for (const [k, v] of this.values) session.variables.set(k, v);
  }

  all(): Map<string, Value> {
    const out = defaultSessionVariables();
    for (const [k, v] of this.values) out.set(k, v);
    return out;
  }
}

function assign(ctx: ExecContext, a: SetAssignment): void {
  const session = ctx.session;
  const evaluate = (e: Parameters<typeof evaluateConstant>[0]): Value =>
    evaluateConstant(e, { session, now: ctx.now, resolver: ctx.resolver }).value;
  switch (a.kind) {
    case 'user':
      session.userVariables.set(a.name, evaluate(a.value));
      return;
    case 'system': {
      if (READ_ONLY_VARIABLES.has(a.name)) {
        throw new SqlError(1238, `errCode = 2, detailMessage = Variable '${a.name}' is a read only variable`);
      }
      const value = a.value === undefined ? (defaultSessionVariables().get(a.name) ?? null) : evaluate(a.value);
      session.variables.set(a.name, value);
      if (a.scope === 'global') ctx.globals.set(a.name, value);
      return;
    }
    case 'names': {
      const charset = a.charset ?? 'utf8mb4';
      for (const k of ['character_set_client', 'character_set_connection', 'character_set_results']) session.variables.set(k, charset);
      if (a.collate !== undefined) session.variables.set('collation_connection', a.collate);
      return;
    }
    case 'charset': {
      const charset = a.charset ?? 'utf8mb4';
      for (const k of ['character_set_client', 'character_set_results']) session.variables.set(k, charset);
      return;
    }
    case 'password':
      ctx.model.system.setPassword(a.user ?? session.user, a.password);
      return;
  }
}

function useDatabase(ctx: ExecContext, catalog: string | undefined, db: string): QueryResult {
  checkCatalog(catalog);
  const known = SYSTEM_DATABASES.includes(db.toLowerCase()) || ctx.model.catalog.database(db) !== undefined;
  if (!known) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  ctx.session.db = db;
  return okResult();
}

function showVariables(ctx: ExecContext, statement: Extract<Statement, { kind: 'showVariables' }>): QueryResult {
  const defaults = defaultSessionVariables();
  const values = statement.scope === 'global' ? ctx.globals.all() : ctx.session.variables;
  const rows = [...values.keys()].sort().map((name) => {
    const value = formatValue(values.get(name) ?? null) ?? '';
    const dflt = formatValue(defaults.get(name) ?? null) ?? '';
    return [name, value, dflt, value === dflt ? '0' : '1'];
  });
  const result = { columns: ['Variable_name', 'Value', 'Default_Value', 'Changed'], rows };
  const filtered = applyShowFilter(ctx, result, statement.filter, { caseSensitive: false });
  return textResult(filtered.columns, filtered.rows);
}

/** SHOW [FULL] PROCESSLIST: Doris cuts the statement text to 100 characters unless FULL. */
function showProcesslist(ctx: ExecContext, full: boolean): QueryResult {
  const list = ctx.connections?.processList() ?? [];
  const columns = ['CurrentConnected', 'Id', 'User', 'Host', 'LoginTime', 'Catalog', 'Db', 'Command', 'Time', 'State', 'QueryId', 'Info', 'FE', 'CloudCluster'];
  const fe = ctx.model.system.frontends().find((f) => f.name === ctx.frontendName)?.host ?? '127.0.0.1';
  const rows = list
    .sort((a, b) => a.id - b.id)
    .map((p) => [
      p.id === ctx.session.connectionId ? 'Yes' : 'No', String(p.id), p.user, p.host, '', 'internal', p.db ?? '', p.command,
      String(p.timeSeconds), 'OK', '', full ? (p.info ?? '') : (p.info ?? '').slice(0, 100), fe, 'NULL',
    ]);
  return textResult(columns, rows);
}

/** USE, SET, SHOW VARIABLES/WARNINGS/PROCESSLIST, KILL, BEGIN/COMMIT/ROLLBACK. */
export const sessionHandlers = {
  use: (ctx, s) => useDatabase(ctx, s.catalog, s.db),
  set: (ctx, s) => {
    for (const a of s.assignments) assign(ctx, a);
    return okResult();
  },
  showVariables,
  // The simulator raises no warnings: statements either succeed cleanly or fail.
  showWarnings: () => textResult(['Level', 'Code', 'Message'], []),
  showProcesslist: (ctx, s) => showProcesslist(ctx, s.full),
  kill: (ctx, s) => {
    const id = Number(s.connectionId);
    if (ctx.connections === undefined || !ctx.connections.kill(id, s.query)) {
      throw new SqlError(1094, `errCode = 2, detailMessage = Unknown thread id: ${s.connectionId}`);
    }
    return okResult();
  },
  begin: () => {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'explicit transactions (BEGIN … COMMIT) are not supported by the simulator; run each statement on its own');
  },
  commit: () => okResult(),
  rollback: () => okResult(),
} satisfies Partial<StatementHandlers>;
