// MySQL-protocol client for the statements the syncer sends to a Doris FE (PROTOCOL.md §5):
// text protocol only, every value returned as text (Doris results are read as strings and
// looked up by exact column name, as the Go syncer does), one mysql2 pool per FE query port
// and default database.
//
// FE failover (the Go syncer has none, selectdb/ccr-syncer#669): when no connection can be
// made to the FE in use, the other known FEs' query ports are tried in turn; after a while the
// configured FE (the first endpoint) is tried first again.
import mysql from 'mysql2/promise';
import { CcrError } from '../errors/ccr-error.js';
import type { Logger } from '../observability/logger.js';
import { abortError } from '../util/abort.js';

export interface SqlEndpoint {
  host: string;
  /** The FE query_port. */
  port: number;
}

export interface SqlClientOptions {
  /** Query ports of the cluster's FEs; the first is the configured one (job spec host:port). */
  endpoints: readonly SqlEndpoint[];
  user: string;
  password: string;
  /** Default database of the connections (Go's ConnectDB); none when unset. */
  database?: string | undefined;
  /** Default 10 s (Go flag connect_timeout). */
  connectTimeoutMs?: number;
  /** Default per-statement deadline, including the wait for a connection. Default 60 s. */
  queryTimeoutMs?: number;
  /** Connections per endpoint and database. Default 16. */
  maxConnections?: number;
  /** Idle connections close after this long. Default 60 s. */
  idleTimeoutMs?: number;
  /** After failing over, the configured FE is tried first again after this long. Default 30 s. */
  primaryRetryAfterMs?: number;
  log?: Logger | undefined;
}

export interface SqlCallOptions {
  /** Run in this database instead of the client's default. */
  db?: string | undefined;
  timeoutMs?: number | undefined;
  /**
   * Runs once a connection is in hand, just before the statement is written to it; a throw
   * cancels the statement (the HA lease check: a wait for a free connection can outlast it).
   */
  beforeSend?: (() => void) | undefined;
}

export interface QueryResult {
  /** Column names in server order, exactly as the server labels them. */
  columns: string[];
  /** One record per row, keyed by column name; NULL is null, everything else text. */
  rows: Array<Record<string, string | null>>;
}

export interface ExecResult {
  affectedRows: number;
}

/**
 * - `connect`: no connection to any endpoint (refused, unreachable, connect timeout).
 * - `timeout`: the statement (or the wait for a connection) passed its deadline.
 * - `closed`: the connection broke while the statement ran; it may have been applied.
 * - `server`: the server answered with an error (`errno`, `sqlState`, `serverMessage`).
 * - `aborted`: the client was closed.
 */
export type SqlErrorKind = 'connect' | 'timeout' | 'closed' | 'server' | 'aborted';

export const SQL_ERROR_CODES: Readonly<Record<SqlErrorKind, string>> = {
  connect: 'CCR_R0301',
  timeout: 'CCR_R0302',
  closed: 'CCR_R0303',
  server: 'CCR_R0304',
  aborted: 'CCR_R0305',
};

export class SqlClientError extends CcrError {
  readonly kind: SqlErrorKind;
  /** MySQL error number, for kind 'server' (e.g. 1064 for a syntax error). */
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;
  /** The server's message exactly (callers match Doris texts such as "is not TABLE"). */
  readonly serverMessage: string | undefined;
  readonly endpoint: string;

  constructor(
    message: string,
    fields: { kind: SqlErrorKind; endpoint: string; errno?: number; sqlState?: string; serverMessage?: string; statement?: string },
    cause?: unknown,
  ) {
    super(SQL_ERROR_CODES[fields.kind], message, {
      category: 'sql',
      disposition: fields.kind === 'aborted' ? 'abort' : 'retry',
      cause,
      details: {
        kind: fields.kind,
        endpoint: fields.endpoint,
        ...(fields.errno === undefined ? {} : { errno: fields.errno }),
        ...(fields.sqlState === undefined ? {} : { sqlState: fields.sqlState }),
        ...(fields.statement === undefined ? {} : { statement: fields.statement }),
      },
    });
    this.name = 'SqlClientError';
    this.kind = fields.kind;
    this.errno = fields.errno;
    this.sqlState = fields.sqlState;
    this.serverMessage = fields.serverMessage;
    this.endpoint = fields.endpoint;
  }
}

/** A back-quoted identifier (database, table, column, label); inner back-quotes doubled. */
export function quoteIdent(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
};

/**
 * A single-quoted string literal with backslash escapes, as Doris (and MySQL) unescape them:
 * any text round-trips exactly.
 */
export function quoteString(value: string): string {
  let out = "'";
  for (const c of value) out += STRING_ESCAPES[c] ?? c;
  return out + "'";
}

/** Driver error codes that mean no connection could be made. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);
const STATEMENT_IN_DETAILS = 500;

interface DriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
  message?: string;
}

type Phase = 'connect' | 'statement';

/** Reading sets rowsAsArray and turns every value into text (or null). */
const textCast = (field: { string: () => string | null }): string | null => field.string();

export class SqlClient {
  private readonly endpoints: Array<SqlEndpoint & { key: string }>;
  private readonly pools = new Map<string, mysql.Pool>();
  private active = 0;
  private failedOverAt: number | undefined;
  private closed = false;
  private readonly log: Logger | undefined;

  constructor(private readonly options: SqlClientOptions) {
    this.endpoints = options.endpoints.map((e) => ({ ...e, key: `${e.host}:${e.port}` }));
    if (this.endpoints.length === 0) throw new RangeError('SqlClient needs at least one endpoint');
    this.log = options.log?.child({ component: 'sql-client' });
  }

  /** `host:port` of the endpoint statements go to first. */
  get activeEndpoint(): string {
    return this.endpoints[this.active]?.key ?? '';
  }

  /**
   * Runs a statement that returns rows (SELECT, SHOW, ADMIN SHOW …). Treated as idempotent:
   * when the connection breaks mid-statement the next endpoint is tried as well. Rejects with
   * SqlClientError, or with the signal's reason on abort (the connection running the statement
   * is destroyed).
   */
  async query(sql: string, signal: AbortSignal, options: SqlCallOptions = {}): Promise<QueryResult> {
    const [rows, fields] = await this.run(sql, signal, options, true);
    const columns = (fields ?? []).map((f) => f.name);
    if (!Array.isArray(rows)) return { columns, rows: [] };
    return {
      columns,
      rows: (rows as unknown as Array<Array<string | null>>).map((values) => {
        const record: Record<string, string | null> = {};
        columns.forEach((name, i) => (record[name] = values[i] ?? null));
        return record;
      }),
    };
  }

  /**
   * Runs a statement for its effect (DDL, BACKUP, CANCEL …). Not idempotent: other endpoints
   * are tried only when no connection could be made, never after the statement was sent (a
   * 'closed' or 'timeout' failure may have been applied). Rejects like query().
   */
  async exec(sql: string, signal: AbortSignal, options: SqlCallOptions = {}): Promise<ExecResult> {
    const [result] = await this.run(sql, signal, options, false);
    const header = result as { affectedRows?: number };
    return { affectedRows: Array.isArray(result) ? 0 : (header.affectedRows ?? 0) };
  }

  /** Closes every pool (running statements are aborted by their own signals). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }

  private async run(
    sql: string,
    signal: AbortSignal,
    options: SqlCallOptions,
    idempotent: boolean,
  ): Promise<[unknown, mysql.FieldPacket[] | undefined]> {
    if (signal.aborted) throw reasonOf(signal);
    const deadline = Date.now() + (options.timeoutMs ?? this.options.queryTimeoutMs ?? 60_000);
    const db = options.db ?? this.options.database;
    let last: SqlClientError | undefined;
    for (const index of this.order()) {
      const endpoint = this.endpoints[index];
      if (!endpoint) continue;
      try {
        const result = await this.runOn(endpoint, db, sql, signal, deadline, options.beforeSend);
        this.markHealthy(index);
        return result;
      } catch (err) {
        if (!(err instanceof SqlClientError)) throw err;
        const retryable = err.kind === 'connect' || (idempotent && err.kind === 'closed');
        if (!retryable) throw err;
        this.log?.warn({ endpoint: endpoint.key, kind: err.kind, err: err.message }, 'frontend query port failed, trying the next one');
        last = err;
      }
    }
    throw last ?? new SqlClientError('no endpoint to run the statement on', { kind: 'connect', endpoint: '' });
  }

  /** Endpoint indexes in the order to try: the one in use first, or the configured one when due. */
  private order(): number[] {
    const all = this.endpoints.map((_, i) => i);
    const retryAfter = this.options.primaryRetryAfterMs ?? 30_000;
    const primaryDue = this.failedOverAt !== undefined && Date.now() - this.failedOverAt >= retryAfter;
    const first = primaryDue ? 0 : this.active;
    return [first, ...all.filter((i) => i !== first)];
  }

  private markHealthy(index: number): void {
    if (index === this.active && (index !== 0 || this.failedOverAt === undefined)) return;
    if (index !== this.active) {
      this.log?.info({ from: this.endpoints[this.active]?.key, to: this.endpoints[index]?.key }, 'sql endpoint changed');
    }
    this.active = index;
    // Count the failover window from the latest success away from the configured FE.
    this.failedOverAt = index === 0 ? undefined : Date.now();
  }

  private async runOn(
    endpoint: SqlEndpoint & { key: string },
    db: string | undefined,
    sql: string,
    signal: AbortSignal,
    deadline: number,
    beforeSend: (() => void) | undefined,
  ): Promise<[unknown, mysql.FieldPacket[] | undefined]> {
    const conn = await this.raceDeadline(this.pool(endpoint, db).getConnection(), signal, deadline, endpoint.key, sql, 'connect', (c) =>
      c.release(),
    );
    try {
      beforeSend?.();
    } catch (err) {
      conn.release();
      throw err;
    }
    let abandoned = false;
    const running = conn.query({ sql, rowsAsArray: true, typeCast: textCast as never });
    try {
      const [rows, fields] = await this.raceDeadline(running, signal, deadline, endpoint.key, sql, 'statement', undefined, () => {
        // Abandoned: destroy the connection so the statement's late result reaches nobody.
        abandoned = true;
        running.catch(() => undefined);
        conn.destroy();
      });
      conn.release();
      return [rows, fields];
    } catch (err) {
      // A server error leaves the connection usable; anything else may have broken it.
      if (!abandoned) {
        if (err instanceof SqlClientError && err.kind === 'server') conn.release();
        else conn.destroy();
      }
      throw err;
    }
  }

  /**
   * Waits for `promise` until the signal aborts or the deadline passes. When `promise` loses,
   * `onLate` is applied to its eventual value (to give back a connection) and `onAbandon` runs
   * at once. Driver errors are mapped to SqlClientError.
   */
  private raceDeadline<T>(
    promise: Promise<T>,
    signal: AbortSignal,
    deadline: number,
    endpoint: string,
    sql: string,
    phase: Phase,
    onLate?: (value: T) => void,
    onAbandon?: () => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const settle = (fn: () => void): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
        return true;
      };
      const abandon = (err: Error): void => {
        if (settle(() => reject(err))) onAbandon?.();
      };
      const onAbort = (): void => abandon(reasonOf(signal));
      const timer = setTimeout(
        () => abandon(new SqlClientError(`statement on ${endpoint} timed out`, { kind: 'timeout', endpoint, statement: shorten(sql) })),
        Math.max(0, deadline - Date.now()),
      );
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          if (!settle(() => resolve(value))) onLate?.(value);
        },
        (err: unknown) => {
          settle(() => reject(mapDriverError(err, endpoint, sql, phase)));
        },
      );
    });
  }

  private pool(endpoint: SqlEndpoint & { key: string }, db: string | undefined): mysql.Pool {
    if (this.closed) throw new SqlClientError('sql client closed', { kind: 'aborted', endpoint: endpoint.key });
    const key = `${endpoint.key}/${db ?? ''}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = mysql.createPool({
        host: endpoint.host,
        port: endpoint.port,
        user: this.options.user,
        password: this.options.password,
        database: db,
        connectTimeout: this.options.connectTimeoutMs ?? 10_000,
        connectionLimit: this.options.maxConnections ?? 16,
        maxIdle: this.options.maxConnections ?? 16,
        idleTimeout: this.options.idleTimeoutMs ?? 60_000,
        enableKeepAlive: true,
        multipleStatements: false,
        charset: 'utf8mb4',
      });
      this.pools.set(key, pool);
    }
    return pool;
  }
}

function mapDriverError(err: unknown, endpoint: string, sql: string, phase: Phase): SqlClientError {
  if (err instanceof SqlClientError) return err;
  const e = (err ?? {}) as DriverError;
  const statement = shorten(sql);
  if (e.sqlMessage !== undefined && typeof e.errno === 'number') {
    return new SqlClientError(
      `${endpoint} answered MySQL error ${e.errno}${e.sqlState ? ` (${e.sqlState})` : ''}: ${e.sqlMessage}`,
      { kind: 'server', endpoint, errno: e.errno, sqlState: e.sqlState, serverMessage: e.sqlMessage, statement },
      err,
    );
  }
  const code = e.code ?? 'unknown';
  const connectionLevel = CONNECT_CODES.has(code) || e.fatal === true;
  const kind: SqlErrorKind = phase === 'connect' && connectionLevel ? 'connect' : 'closed';
  const what = kind === 'connect' ? 'cannot connect to' : 'connection failed on';
  return new SqlClientError(`${what} ${endpoint}: ${code}`, { kind, endpoint, statement }, err);
}

function shorten(sql: string): string {
  return sql.length <= STATEMENT_IN_DETAILS ? sql : `${sql.slice(0, STATEMENT_IN_DETAILS)}…`;
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : abortError(signal.reason);
}
