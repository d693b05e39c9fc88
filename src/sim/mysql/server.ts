// The simulator's MySQL-protocol listener: accepts connections and runs each through
// MysqlConnection. Protocol and parsing work is hand-rolled (see connection.ts) rather than
// mysql2's server API, for exact SQLSTATEs, per-command sequence ids and robustness against
// garbage input.
import { createServer, type Socket } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import { DORIS_MYSQL_VERSION } from '../sql/system-variables.js';
import { MysqlConnection, type AuthRequest, type ProcessInfo } from './connection.js';
import type { QueryResult } from './query-result.js';
import type { Session } from './session.js';

export interface MysqlServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string | undefined;
  /** Port; 0 lets the OS pick (read it back from the handle). */
  port: number;
  /** Decides a login; `request.passwordMatches(pw)` checks the client's scramble answer. */
  authenticate(request: AuthRequest): boolean | Promise<boolean>;
  /**
   * Runs one COM_QUERY (possibly several `;`-separated statements) and returns one result per
   * statement. Throwing a SqlError sends that error; any other exception sends ERR 1105. The
   * signal aborts when the client disconnects or the server closes.
   */
  onQuery(session: Session, sql: string, signal: AbortSignal): Promise<QueryResult[]>;
  log: Logger;
  /** Version string of the handshake (Doris announces 5.7.99). */
  serverVersion?: string | undefined;
  /** First connection id handed out (Doris counts from 0). */
  firstConnectionId?: number | undefined;
  /** Largest command accepted (default 64 MiB). */
  maxPacketBytes?: number | undefined;
  /** Login must finish within this time (default 10 s, MySQL's connect_timeout). */
  handshakeTimeoutMs?: number | undefined;
  /** A started packet must complete within this time (default 30 s, MySQL's net_read_timeout). */
  readTimeoutMs?: number | undefined;
}

export interface MysqlServer {
  /** The bound port. */
  readonly port: number;
  /** Stops listening, disconnects every client and aborts running queries. Idempotent. */
  close(): Promise<void>;
  /**
   * KILL [CONNECTION] id closes that connection; KILL QUERY id aborts its running statement
   * (the handler's signal fires with SqlError 1317). Returns false for an unknown id.
   */
  kill(connectionId: number, queryOnly: boolean): boolean;
  /** Logged-in connections, for SHOW PROCESSLIST. */
  processList(): ProcessInfo[];
}

/** Starts listening; resolves once the port is bound. */
export async function startMysqlServer(options: MysqlServerOptions): Promise<MysqlServer> {
  const log = options.log.child({ component: 'mysql-server' });
  const connections = new Set<MysqlConnection>();
  let nextId = options.firstConnectionId ?? 0;
  const connectionOptions = {
    serverVersion: options.serverVersion ?? DORIS_MYSQL_VERSION,
    authenticate: (request: AuthRequest) => options.authenticate(request),
    onQuery: (session: Session, sql: string, signal: AbortSignal) => options.onQuery(session, sql, signal),
    log,
    maxPacketBytes: options.maxPacketBytes ?? 64 * 1024 * 1024,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    readTimeoutMs: options.readTimeoutMs ?? 30_000,
  };
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    const connection = new MysqlConnection(socket, nextId++, connectionOptions);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
    connection.start();
  });
  server.on('error', (err) => log.error({ err }, 'mysql server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  log.info({ port }, 'mysql server listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const all = [...connections];
        for (const c of all) c.destroy();
        await Promise.all([stopped, ...all.map((c) => c.closed)]);
      })();
      return closing;
    },
    kill(connectionId, queryOnly) {
      const connection = [...connections].find((c) => c.connectionId === connectionId);
      if (connection === undefined) return false;
      if (queryOnly) connection.killQuery();
      else connection.destroy();
      return true;
    },
    processList() {
      const now = Date.now();
      return [...connections].flatMap((c) => c.processInfo(now) ?? []);
    },
  };
}
