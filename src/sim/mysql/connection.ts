// One client connection: handshake and mysql_native_password authentication (with an auth
// switch for clients that start with another plugin), then the command loop. Commands are
// handled one at a time, in order; malformed or hostile input closes this connection only.
import type { Socket } from 'node:net';
import { DropConnection } from '../../doris/thrift/server.js';
import type { Logger } from '../../observability/logger.js';
import { ErrNo, SqlError } from '../sql-error.js';
import { newScramble, verifyNativePassword } from './auth.js';
import { framePackets, PacketAssembler, PayloadReader, PayloadWriter, ProtocolError } from './packet-io.js';
import { PreparedStatements } from './prepared.js';
import {
  authSwitchPayload,
  Capability,
  columnDefinitionPayload,
  Command,
  eofPayload,
  errPayload,
  handshakePayload,
  NATIVE_PASSWORD_PLUGIN,
  okPayload,
  ServerStatus,
  textRowPayload,
} from './protocol.js';
import type { QueryResult } from './query-result.js';
import { Session } from './session.js';

/** What `authenticate` learns about a login attempt. */
export interface AuthRequest {
  user: string;
  clientHost: string;
  /** Database named in the handshake, or null. */
  database: string | null;
  /** Whether the client sent a password at all (MySQL's "using password: YES"). */
  passwordGiven: boolean;
  /** True when the client's scramble answer proves it knows `password`. */
  passwordMatches(password: string): boolean;
}

export interface ConnectionOptions {
  serverVersion: string;
  authenticate(request: AuthRequest): boolean | Promise<boolean>;
  onQuery(session: Session, sql: string, signal: AbortSignal): Promise<QueryResult[]>;
  log: Logger;
  /** Largest command payload accepted after login (bigger → error 1153 and disconnect). */
  maxPacketBytes: number;
  /** Time allowed for the whole login exchange. */
  handshakeTimeoutMs: number;
  /** Time allowed for the rest of a packet once part of it has arrived. */
  readTimeoutMs: number;
}

/** One row of SHOW PROCESSLIST. */
export interface ProcessInfo {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: 'Sleep' | 'Query';
  /** Seconds in the current state. */
  timeSeconds: number;
  /** The running statement, or null when idle. */
  info: string | null;
}

/** Login packets are small; a larger declared length is garbage and fails at once. */
const MAX_LOGIN_PACKET = 64 * 1024;

type Phase = 'handshake' | 'authSwitch' | 'command' | 'closed';

interface HandshakeResponse {
  capabilities: number;
  user: string;
  token: Buffer;
  database: string | null;
  plugin: string | null;
  attributes: Record<string, string>;
}

function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PayloadReader(payload);
  const capabilities = r.int4();
  if ((capabilities & Capability.PROTOCOL_41) === 0) throw new ProtocolError('client does not speak protocol 4.1');
  if ((capabilities & Capability.SSL) !== 0 && payload.length <= 32) throw new ProtocolError('SSL is not supported');
  r.int4(); // max packet size
  r.int1(); // character set
  r.bytes(23);
  const user = r.nulString();
  let token: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) token = r.lenencBytes();
  else if (capabilities & Capability.SECURE_CONNECTION) token = r.bytes(r.int1());
  else token = Buffer.from(r.nulString(), 'utf8');
  let database: string | null = null;
  if (capabilities & Capability.CONNECT_WITH_DB && r.remaining > 0) database = r.nulString() || null;
  let plugin: string | null = null;
  if (capabilities & Capability.PLUGIN_AUTH && r.remaining > 0) plugin = r.nulString();
  const attributes: Record<string, string> = {};
  if (capabilities & Capability.CONNECT_ATTRS && r.remaining > 0) {
    const attrs = new PayloadReader(r.lenencBytes());
    while (attrs.remaining > 0) {
      const key = attrs.lenencBytes().toString('utf8');
      attributes[key] = attrs.lenencBytes().toString('utf8');
    }
  }
  return { capabilities, user, token, database, plugin, attributes };
}

function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export class MysqlConnection {
  private phase: Phase = 'handshake';
  private readonly assembler = new PacketAssembler(MAX_LOGIN_PACKET);
  private readonly scramble = newScramble();
  private readonly abort = new AbortController();
  /** The running statement's controller (KILL QUERY aborts it), and what it runs. */
  private running: { controller: AbortController; sql: string; since: number } | undefined;
  private idleSince = Date.now();
  private readonly log: Logger;
  private readonly clientHost: string;
  private readonly prepared: PreparedStatements;
  private busy = false;
  private response: HandshakeResponse | undefined;
  private session: Session | undefined;
  private capabilities = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    readonly connectionId: number,
    private readonly options: ConnectionOptions,
  ) {
    this.clientHost = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'unknown';
    this.log = options.log.child({ connectionId, client: this.clientHost });
    this.prepared = new PreparedStatements();
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => this.onClose());
    socket.on('error', (err) => this.log.debug({ err }, 'mysql client socket error'));
    socket.on('data', (data: Buffer) => {
      this.assembler.push(data);
      void this.pump();
    });
  }

  /** Sends the handshake and starts the login timer. */
  start(): void {
    this.handshakeTimer = setTimeout(() => this.fail('login timed out'), this.options.handshakeTimeoutMs);
    this.write(framePackets(handshakePayload(this.options.serverVersion, this.connectionId, this.scramble), 0).bytes);
  }

  /** Closes the connection at once (server shutdown, KILL CONNECTION). */
  destroy(): void {
    this.socket.destroy();
  }

  /** KILL QUERY: aborts the running statement, if any; returns whether one was running. */
  killQuery(): boolean {
    if (this.running === undefined) return false;
    this.running.controller.abort(new SqlError(1317, 'Query execution was interrupted', '70100'));
    return true;
  }

  /** A SHOW PROCESSLIST row for this connection (undefined before login). */
  processInfo(now = Date.now()): ProcessInfo | undefined {
    const session = this.session;
    if (session === undefined) return undefined;
    const running = this.running;
    return {
      id: this.connectionId,
      user: session.user,
      host: this.clientHost,
      db: session.db,
      command: running === undefined ? 'Sleep' : 'Query',
      timeSeconds: Math.floor((now - (running?.since ?? this.idleSince)) / 1000),
      info: running?.sql ?? null,
    };
  }

  private onClose(): void {
    this.phase = 'closed';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.readTimer);
    this.abort.abort(new Error('connection closed'));
  }

  private write(bytes: Buffer[]): boolean {
    if (this.socket.destroyed) return false;
    let ok = true;
    this.socket.cork();
    for (const b of bytes) ok = this.socket.write(b) && ok;
    this.socket.uncork();
    return ok;
  }

  /** Sends payloads as consecutive packets from `seq`, waiting for the socket to drain when needed. */
  private async send(payloads: Buffer[], seq: number): Promise<void> {
    let next = seq;
    let batch: Buffer[] = [];
    for (const payload of payloads) {
      const framed = framePackets(payload, next);
      next = framed.nextSeq;
      batch.push(...framed.bytes);
      if (batch.length >= 256) {
        const ok = this.write(batch);
        batch = [];
        if (!ok) await this.drained();
      }
    }
    if (batch.length > 0) this.write(batch);
  }

  private drained(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Sends an error and closes the connection (protocol violations, failed login). */
  private fail(reason: string, error?: SqlError, seq = 0): void {
    if (this.phase === 'closed') return;
    this.log.debug({ reason }, 'closing mysql connection');
    this.phase = 'closed';
    if (error !== undefined) this.write(framePackets(errPayload(error.errno, error.sqlState, error.message), seq).bytes);
    this.socket.end();
    // A client that never reads its end must not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.phase !== 'closed') {
        let packet: ReturnType<PacketAssembler['take']>;
        try {
          packet = this.assembler.take();
        } catch (err) {
          this.protocolFailure(err);
          return;
        }
        if (packet === undefined) break;
        clearTimeout(this.readTimer);
        this.readTimer = undefined;
        await this.handle(packet.payload, packet.seq, (packet.lastSeq + 1) & 0xff);
      }
      if (this.phase !== 'closed' && this.assembler.pending && this.readTimer === undefined) {
        this.readTimer = setTimeout(() => this.fail('incomplete packet timed out'), this.options.readTimeoutMs);
      }
    } finally {
      this.busy = false;
    }
  }

  private protocolFailure(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.phase === 'command') {
      const tooLarge = message === 'packet too large';
      const error = tooLarge
        ? new SqlError(1153, "Got a packet bigger than 'max_allowed_packet' bytes", '08S01')
        : new SqlError(1156, 'Got packets out of order', '08S01');
      this.fail(message, error, (this.assembler.peekHeader()?.seq ?? 0) + 1);
    } else {
      this.fail(message, new SqlError(1043, 'Bad handshake', '08S01'), 2);
    }
  }

  /** `replySeq` follows the last physical packet of the request (large requests span several). */
  private async handle(payload: Buffer, seq: number, replySeq: number): Promise<void> {
    switch (this.phase) {
      case 'handshake':
        if (seq !== 1) return this.protocolFailure(new ProtocolError('bad sequence id in login'));
        try {
          this.response = parseHandshakeResponse(payload);
        } catch (err) {
          return this.protocolFailure(err);
        }
        if (this.response.plugin !== null && this.response.plugin !== NATIVE_PASSWORD_PLUGIN) {
          this.phase = 'authSwitch';
          await this.send([authSwitchPayload(this.scramble)], 2);
          return;
        }
        return this.login(this.response, this.response.token, 2);
      case 'authSwitch':
        if (seq !== 3 || this.response === undefined) return this.protocolFailure(new ProtocolError('bad sequence id in auth switch'));
        return this.login(this.response, payload, 4);
      case 'command':
        if (seq !== 0) return this.protocolFailure(new ProtocolError('packets out of order'));
        return this.command(payload, replySeq);
      case 'closed':
        return;
    }
  }

  private async login(response: HandshakeResponse, token: Buffer, seq: number): Promise<void> {
    const { user, database } = response;
    const request: AuthRequest = {
      user,
      clientHost: this.clientHost,
      database,
      passwordGiven: token.length > 0,
      passwordMatches: (password) => verifyNativePassword(password, this.scramble, token),
    };
    let accepted = false;
    try {
      accepted = await this.options.authenticate(request);
    } catch (err) {
      this.log.warn({ err }, 'mysql authenticate hook failed');
    }
    if (this.phase === 'closed') return;
    if (!accepted) {
      // Doris' wording: the user and host in one pair of quotes (Auth.checkPlainPassword).
      const message = `Access denied for user '${user}@${this.clientHost}' (using password: ${token.length > 0 ? 'YES' : 'NO'})`;
      return this.fail('access denied', new SqlError(ErrNo.ACCESS_DENIED, message, '28000'), seq);
    }
    const session = new Session(this.connectionId, user, this.clientHost);
    this.capabilities = response.capabilities;
    session.multiStatements = (response.capabilities & Capability.MULTI_STATEMENTS) !== 0;
    session.attributes = response.attributes;
    if (database !== null) {
      const results = await this.runQuery(session, `USE ${quoteIdentifier(database)}`);
      const failure = results.find((r): r is Extract<QueryResult, { kind: 'error' }> => r.kind === 'error');
      if (failure !== undefined) return this.fail('initial database rejected', failure.error, seq);
    }
    clearTimeout(this.handshakeTimer);
    this.session = session;
    this.phase = 'command';
    this.assembler.maxPayload = this.options.maxPacketBytes;
    this.log.debug({ user }, 'mysql client logged in');
    await this.send([okPayload()], seq);
  }

  /** Runs SQL through the handler; thrown errors become a single error result. */
  private async runQuery(session: Session, sql: string): Promise<QueryResult[]> {
    const controller = new AbortController();
    const onClose = (): void => controller.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onClose, { once: true });
    this.running = { controller, sql, since: Date.now() };
    try {
      return await this.options.onQuery(session, sql, controller.signal);
    } catch (err) {
      if (err instanceof SqlError) return [{ kind: 'error', error: err }];
      if (err instanceof DropConnection) {
        // An injected network failure: the client gets no reply at all.
        this.phase = 'closed';
        this.socket.destroy();
        return [];
      }
      this.log.warn({ err }, 'mysql query handler failed');
      const message = err instanceof Error ? err.message : String(err);
      return [{ kind: 'error', error: new SqlError(ErrNo.UNKNOWN, `errCode = 2, detailMessage = Unexpected exception: ${message.slice(0, 200)}`) }];
    } finally {
      this.abort.signal.removeEventListener('abort', onClose);
      this.running = undefined;
      this.idleSince = Date.now();
    }
  }

  private async command(payload: Buffer, seq: number): Promise<void> {
    const session = this.session;
    if (session === undefined || payload.length === 0) return this.protocolFailure(new ProtocolError('empty command'));
    const code = payload[0] as number;
    const body = payload.subarray(1);
    switch (code) {
      case Command.QUIT:
        this.phase = 'closed';
        this.socket.end();
        return;
      case Command.PING:
        return this.send([okPayload()], seq);
      case Command.QUERY:
        return this.reply(await this.runQuery(session, body.toString('utf8')), seq);
      case Command.INIT_DB:
        return this.reply(await this.runQuery(session, `USE ${quoteIdentifier(body.toString('utf8'))}`), seq);
      case Command.FIELD_LIST:
        return this.send([eofPayload()], seq);
      case Command.STATISTICS:
        return this.send([Buffer.from(`Uptime: ${Math.floor(process.uptime())}  Threads: 1  Questions: 0  Slow queries: 0  Opens: 0  Open tables: 0  Queries per second avg: 0.000`)], seq);
      case Command.SET_OPTION: {
        const option = new PayloadReader(body).int2();
        session.multiStatements = option === 0;
        return this.send([eofPayload()], seq);
      }
      case Command.RESET_CONNECTION:
        session.reset();
        this.prepared.clear();
        return this.send([okPayload()], seq);
      case Command.STMT_PREPARE:
        return this.send(this.prepared.prepare(body.toString('utf8')), seq);
      case Command.STMT_EXECUTE: {
        const execution = this.prepared.execute(body);
        if (execution.kind === 'error') return this.send([errPayload(execution.error.errno, execution.error.sqlState, execution.error.message)], seq);
        const results = await this.runQuery(session, execution.sql);
        return this.reply(results, seq, execution.binary);
      }
      case Command.STMT_CLOSE:
        // No reply, by protocol.
        this.prepared.close(body);
        return;
      case Command.STMT_SEND_LONG_DATA:
        this.prepared.longData(body);
        return;
      case Command.STMT_RESET:
        return this.send([okPayload()], seq);
      default:
        return this.send([errPayload(1047, '08S01', 'Unknown command')], seq);
    }
  }

  /** Sends the results of one COM_QUERY / COM_STMT_EXECUTE (several for multi-statements). */
  private async reply(results: QueryResult[], seq: number, binary = false): Promise<void> {
    if (results.length === 0) return this.send([errPayload(1065, '42000', 'Query was empty')], seq);
    if (results.length > 1 && (this.capabilities & Capability.MULTI_RESULTS) === 0) {
      return this.send([errPayload(ErrNo.PARSE_ERROR, '42000', 'errCode = 2, detailMessage = client does not accept multiple results')], seq);
    }
    const payloads: Buffer[] = [];
    for (let i = 0; i < results.length; i++) {
      const result = results[i] as QueryResult;
      const more = i < results.length - 1 ? ServerStatus.MORE_RESULTS_EXISTS : 0;
      const status = ServerStatus.AUTOCOMMIT | more;
      if (result.kind === 'error') {
        payloads.push(errPayload(result.error.errno, result.error.sqlState, result.error.message));
        break;
      }
      if (result.kind === 'ok') {
        payloads.push(okPayload({ ...result, status }));
        continue;
      }
      payloads.push(new PayloadWriter().lenenc(result.columns.length).toBuffer());
      for (const c of result.columns) payloads.push(columnDefinitionPayload(c));
      payloads.push(eofPayload());
      for (const row of result.rows) payloads.push(binary ? this.prepared.binaryRow(result.columns, row) : textRowPayload(row));
      payloads.push(eofPayload(status));
    }
    await this.send(payloads, seq);
  }
}

