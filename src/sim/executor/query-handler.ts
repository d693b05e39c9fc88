// The simulator FE's SQL entry point: the MySQL server's onQuery. Parses a COM_QUERY, runs
// its statements one by one against the cluster model with Doris' semantics, and turns every
// failure into a MySQL error for the client — never into a crash of the process.
import { DropConnection } from '../../doris/thrift/server.js';
import type { Logger } from '../../observability/logger.js';
import { ValueError } from '../model/value.js';
import type { AuthRequest } from '../mysql/connection.js';
import type { QueryResult } from '../mysql/query-result.js';
import type { Session } from '../mysql/session.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import { parseSql } from '../sql/parser.js';
import { CatalogResolver } from './catalog-resolver.js';
import type { ConnectionControl, ExecContext, ExecutorEnv } from './context.js';
import { executeStatement } from './execute-statement.js';
import { GlobalVariables } from './session-statements.js';

export interface QueryHandlerOptions {
  log: Logger;
  /** The FE this handler serves (its frontends() row says CurrentConnected = Yes). */
  frontendName?: string | undefined;
  /** The MySQL server of this FE, for KILL and SHOW PROCESSLIST (late-bound: the server is created with the handler). */
  connections?: ConnectionControl | undefined;
  /** SET GLOBAL values, shared by every FE of the cluster. */
  globals?: GlobalVariables | undefined;
  /** Statement start times (NOW()); default Date.now. */
  clock?: (() => number) | undefined;
}

export type QueryHandler = (session: Session, sql: string, signal: AbortSignal) => Promise<QueryResult[]>;

/** Maps anything a statement threw onto the error a Doris FE would send. */
function toSqlError(err: unknown, log: Logger): SqlError {
  if (err instanceof SqlError) return err;
  if (err instanceof ValueError) return dorisError(ErrNo.UNKNOWN, err.message);
  log.error({ err }, 'statement failed unexpectedly');
  const message = err instanceof Error ? err.message : String(err);
  return dorisError(ErrNo.UNKNOWN, `Unexpected exception: ${message}`);
}

/**
 * Builds the onQuery callback of one FE's MySQL server. Statements of one COM_QUERY run in
 * order; the first failure ends the reply (earlier results are still sent). Several
 * statements need CLIENT_MULTI_STATEMENTS, as with MySQL. Never rejects with anything but a
 * SqlError.
 */
export function createQueryHandler(env: ExecutorEnv, options: QueryHandlerOptions): QueryHandler {
  const log = options.log.child({ component: 'sql-executor' });
  const globals = options.globals ?? new GlobalVariables();
  const clock = options.clock ?? Date.now;
  const resolver = new CatalogResolver(env.model, options.frontendName);
  return async (session, sql, signal) => {
    globals.adopt(session);
    let statements;
    try {
      statements = parseSql(sql);
    } catch (err) {
      throw toSqlError(err, log);
    }
    if (statements.length === 0) throw dorisError(ErrNo.PARSE_ERROR, 'Query was empty');
    if (statements.length > 1 && !session.multiStatements) {
      throw dorisError(ErrNo.PARSE_ERROR, 'Multiple statements in one query need the client option CLIENT_MULTI_STATEMENTS');
    }
    const results: QueryResult[] = [];
    for (const { statement } of statements) {
      if (signal.aborted) {
        const reason: unknown = signal.reason;
        const error = reason instanceof SqlError ? reason : dorisError(ErrNo.UNKNOWN, 'Query was cancelled');
        if (results.length === 0) throw error;
        results.push({ kind: 'error', error });
        break;
      }
      const ctx: ExecContext = {
        env,
        model: env.model,
        session,
        sql,
        now: new Date(clock()),
        frontendName: options.frontendName,
        connections: options.connections,
        resolver,
        globals,
        log,
      };
      try {
        // Injected faults (doc/simulator.md): before the statement (error, dropped connection,
        // delay) and after it (its effect stays; the reply is late or lost).
        const injected = await env.faults?.intercept('fe_sql', statement.kind, options.frontendName ?? '', signal);
        if (injected) throw dorisError(ErrNo.UNKNOWN, injected.error_msgs?.[0] ?? 'injected fault');
        results.push(executeStatement(ctx, statement));
        await env.faults?.interceptReply('fe_sql', statement.kind, options.frontendName ?? '', signal);
      } catch (err) {
        if (err instanceof DropConnection) throw err;
        // An injected delay cut short by KILL QUERY or a closed connection.
        const reason: unknown = signal.reason;
        const cancelled = signal.aborted && !(err instanceof SqlError);
        const error = cancelled ? (reason instanceof SqlError ? reason : dorisError(ErrNo.UNKNOWN, 'Query was cancelled')) : toSqlError(err, log);
        log.debug({ errno: error.errno, message: error.message }, 'statement failed');
        if (results.length === 0) throw error;
        results.push({ kind: 'error', error });
        break;
      }
    }
    return results;
  };
}

/**
 * The MySQL server's authenticate callback: users and passwords of the simulated cluster
 * (mysql_native_password scramble checked against the stored password).
 */
export function createAuthenticator(env: ExecutorEnv): (request: AuthRequest) => boolean {
  return (request) => {
    const stored = env.model.state.users.get(request.user);
    return stored !== undefined && request.passwordMatches(stored);
  };
}
