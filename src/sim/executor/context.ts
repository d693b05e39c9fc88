// What every statement executor works with: the simulated cluster, the connection's session,
// the statement text (spans in the AST index into it) and the FE the client is connected to.
import type { Logger } from '../../observability/logger.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { ProcessInfo } from '../mysql/connection.js';
import type { Session } from '../mysql/session.js';
import { ErrNo, SqlError } from '../sql-error.js';
import type { TableResolver } from '../sql/run-select.js';
import type { QueryResult } from '../mysql/query-result.js';
import type { Statement } from '../sql/ast.js';
import type { SimEnv } from '../env.js';
import type { GlobalVariables } from './session-statements.js';

/** The parts of the simulator environment the SQL executor uses (faults: `fe_sql` injection). */
export type ExecutorEnv = Pick<SimEnv, 'model' | 'backups' | 'restores'> & Partial<Pick<SimEnv, 'faults'>>;

/** KILL and SHOW PROCESSLIST reach the MySQL server of the FE the statement runs on. */
export interface ConnectionControl {
  kill(connectionId: number, queryOnly: boolean): boolean;
  processList(): ProcessInfo[];
}

export interface ExecContext {
  readonly env: ExecutorEnv;
  readonly model: ClusterModel;
  readonly session: Session;
  /** The whole COM_QUERY text: AST spans index into it. */
  readonly sql: string;
  /** Statement start time (NOW(), CURRENT_TIMESTAMP). */
  readonly now: Date;
  /** Name of the FE serving this connection (SHOW FRONTENDS' CurrentConnected). */
  readonly frontendName: string | undefined;
  readonly connections: ConnectionControl | undefined;
  readonly resolver: TableResolver;
  /** SET GLOBAL values of the cluster. */
  readonly globals: GlobalVariables;
  readonly log: Logger;
}

/** One executor function per statement kind; the dispatcher's table must cover every kind. */
export type StatementHandlers = {
  [K in Statement['kind']]: (ctx: ExecContext, statement: Extract<Statement, { kind: K }>) => QueryResult;
};

/** ERR_NO_DB_ERROR, as Doris reports a statement that needs a current database. */
export function noDatabaseSelected(): SqlError {
  return new SqlError(ErrNo.NO_DB_SELECTED, 'errCode = 2, detailMessage = No database selected', '3D000');
}

/** The database a statement names, or the session's current one. */
export function dbOf(ctx: ExecContext, db: string | undefined): string {
  const name = db ?? ctx.session.db;
  if (name === undefined || name === null || name === '') throw noDatabaseSelected();
  return name;
}
