// A Thrift client for one server address: a small pool of TCP connections, each carrying one
// call at a time (as Doris' TThreadPoolServer / TThreadedServer serve them), binary protocol,
// unframed by default. Used by the FE and BE clients; knows nothing about Doris semantics.
import type { Logger } from '../../observability/logger.js';
import { abortError } from '../../util/abort.js';
import {
  ApplicationExceptionType,
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageType,
  decodeApplicationException,
  decodeResult,
  encodeCall,
  frameMessage,
  readMessage,
  type MethodCodec,
} from './codec.js';
import { Connection, SendRefused } from './connection.js';
import { RpcError, type RpcErrorKind } from './rpc-error.js';

export interface ThriftAddress {
  host: string;
  port: number;
}

/** `host:port`, with IPv6 literals in brackets. */
export function formatAddress(address: ThriftAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** One finished call, for metrics. `outcome` is 'ok' or the RpcError kind. */
export interface RpcCallEvent {
  method: string;
  address: string;
  durationMs: number;
  outcome: 'ok' | RpcErrorKind;
}

export type RpcObserver = (event: RpcCallEvent) => void;

export interface ThriftClientOptions {
  /** 4-byte frame prefix (FE with thrift_server_type THREADED_SELECTOR). Default false. */
  framed?: boolean;
  /** Connections to this address at most; more concurrent calls wait their turn. Default 8. */
  maxConnections?: number;
  /** Default 10 s (Go flag connect_timeout). */
  connectTimeoutMs?: number;
  /** Default per-call deadline, including the wait for a connection. Default 30 s (rpc_timeout). */
  callTimeoutMs?: number;
  /** Idle connections are closed after this long. Default 60 s. */
  idleTimeoutMs?: number;
  /** Largest accepted reply. Default 100 MiB (Doris thrift_max_message_size). */
  maxMessageBytes?: number;
  observer?: RpcObserver | undefined;
  log?: Logger | undefined;
}

export interface CallOptions {
  /** Overrides the client's callTimeoutMs for this call. */
  timeoutMs?: number | undefined;
  /**
   * Runs immediately before the request is written to a ready connection; when it throws,
   * nothing is sent and the call rejects with what it threw (a write that must not happen
   * late, such as a commit by a syncer whose lease may have run out while it waited).
   */
  beforeSend?: (() => void) | undefined;
}

interface Waiter {
  grant(conn: Connection): void;
  fail(err: RpcError): void;
}

export class ThriftClient {
  readonly address: string;
  private readonly framed: boolean;
  private readonly maxConnections: number;
  private readonly connectTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxMessageBytes: number;
  private readonly observer: RpcObserver | undefined;
  private readonly log: Logger | undefined;
  private readonly all = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private readonly waiters: Waiter[] = [];
  private seqid = 0;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly target: ThriftAddress,
    options: ThriftClientOptions = {},
  ) {
    this.address = formatAddress(target);
    this.framed = options.framed ?? false;
    this.maxConnections = Math.max(1, options.maxConnections ?? 8);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.observer = options.observer;
    this.log = options.log;
  }

  /** Connection counts, for tests and diagnostics. */
  get stats(): { open: number; idle: number; waiting: number } {
    return { open: this.all.size, idle: this.idle.length, waiting: this.waiters.length };
  }

  /**
   * Calls `method` and resolves with its plain result (whatever its status: business errors
   * are the caller's to check). Rejects with RpcError (see RpcErrorKind) or, when `signal`
   * aborts, with the signal's reason. A call that times out or is aborted destroys the
   * connection it was using, so a late reply can never be taken for another call's. Not
   * idempotent by itself: a 'timeout' or 'closed' failure may have executed on the server.
   */
  async call<Req, Res>(method: MethodCodec<Req, Res>, request: Req, signal: AbortSignal, options: CallOptions = {}): Promise<Res> {
    const started = performance.now();
    let outcome: RpcCallEvent['outcome'] = 'ok';
    try {
      return await this.run(method, request, signal, options.timeoutMs ?? this.callTimeoutMs, options.beforeSend);
    } catch (err) {
      outcome = err instanceof RpcError ? err.kind : signal.aborted ? 'aborted' : 'protocol';
      throw err;
    } finally {
      this.notify({ method: method.name, address: this.address, durationMs: performance.now() - started, outcome });
    }
  }

  /**
   * Stops taking calls: waiting calls fail with kind 'aborted', idle connections close now and
   * busy ones when their call ends (abort those through their signals). Resolves when every
   * connection is closed. Idempotent.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter.fail(this.error('aborted', 'client closed'));
      for (const conn of this.idle.splice(0)) conn.destroy();
    }
    if (this.all.size === 0) return;
    await new Promise<void>((resolve) => {
      const previous = this.drained;
      this.drained = () => {
        previous?.();
        resolve();
      };
    });
  }

  private run<Req, Res>(
    method: MethodCodec<Req, Res>,
    request: Req,
    signal: AbortSignal,
    timeoutMs: number,
    beforeSend: (() => void) | undefined,
  ): Promise<Res> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    if (this.closed) return Promise.reject(this.error('aborted', 'client closed', method.name));
    const seqid = this.nextSeqid();
    let bytes: Buffer;
    try {
      const message = encodeCall(method, seqid, request);
      bytes = this.framed ? frameMessage(message) : message;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return Promise.reject(this.error('protocol', `cannot encode ${method.name} request: ${reason}`, method.name, err));
    }

    return new Promise<Res>((resolve, reject) => {
      let conn: Connection | undefined;
      let waiter: Waiter | undefined;
      let done = false;
      const finish = (err: Error | undefined, value?: Res): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (waiter) this.removeWaiter(waiter);
        if (err === undefined) resolve(value as Res);
        else reject(err);
      };
      // The connection is destroyed so that its late reply cannot reach another call.
      const cancel = (err: Error): void => {
        const held = conn;
        conn = undefined;
        finish(err);
        held?.destroy();
      };
      const onAbort = (): void => cancel(abortReason(signal));
      const timer = setTimeout(
        () => cancel(this.error('timeout', `${method.name} to ${this.address} timed out after ${timeoutMs} ms`, method.name)),
        timeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });

      const use = (granted: Connection): void => {
        waiter = undefined;
        if (done) {
          this.release(granted);
          return;
        }
        conn = granted;
        granted.request(bytes, beforeSend).then(
          (reply) => {
            if (conn !== granted) return; // cancelled meanwhile; the connection is gone
            conn = undefined;
            let result: Res;
            try {
              result = this.decodeReply(method, seqid, reply);
            } catch (err) {
              if (!(err instanceof RpcError) || err.kind !== 'application') granted.destroy();
              else this.release(granted);
              finish(asError(err));
              return;
            }
            this.release(granted);
            finish(undefined, result);
          },
          (err: unknown) => {
            if (conn !== granted) return;
            conn = undefined;
            if (err instanceof SendRefused) {
              // Nothing was written: the connection is as good as before.
              this.release(granted);
              finish(asError(err.cause));
              return;
            }
            finish(err instanceof RpcError ? withMethod(err, method.name) : asError(err));
          },
        );
      };
      waiter = { grant: use, fail: (err) => finish(withMethod(err, method.name)) };
      this.acquire(waiter);
    });
  }

  /** The plain result of a reply; throws RpcError 'protocol' or 'application'. */
  private decodeReply<Req, Res>(method: MethodCodec<Req, Res>, seqid: number, reply: Buffer): Res {
    try {
      const { header, body } = readMessage(reply);
      if (header.seqid !== seqid) {
        throw this.error('protocol', `${this.address} answered seqid ${header.seqid} to ${method.name} seqid ${seqid}`, method.name);
      }
      if (header.name !== method.name) {
        throw this.error('protocol', `${this.address} answered ${header.name} to ${method.name}`, method.name);
      }
      if (header.type === MessageType.EXCEPTION) {
        const exc = decodeApplicationException(body);
        throw new RpcError(`${method.name} on ${this.address} failed: ${exc.message || 'application exception'}`, {
          kind: 'application',
          address: this.address,
          method: method.name,
          applicationType: exc.type,
        });
      }
      if (header.type !== MessageType.REPLY) {
        throw this.error('protocol', `${this.address} answered message type ${header.type} to ${method.name}`, method.name);
      }
      const result = decodeResult(method, body);
      if (result === undefined) {
        throw new RpcError(`${method.name} on ${this.address} failed: unknown result`, {
          kind: 'application',
          address: this.address,
          method: method.name,
          applicationType: ApplicationExceptionType.MISSING_RESULT,
        });
      }
      return result;
    } catch (err) {
      if (err instanceof RpcError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw this.error('protocol', `bad ${method.name} reply from ${this.address}: ${reason}`, method.name, err);
    }
  }

  private acquire(waiter: Waiter): void {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      clearTimeout(conn.idleTimer);
      if (!conn.isOpen) continue;
      conn.setIdle(false);
      waiter.grant(conn);
      return;
    }
    if (this.all.size < this.maxConnections) {
      waiter.grant(this.connect());
      return;
    }
    this.waiters.push(waiter);
  }

  private release(conn: Connection): void {
    if (!conn.isOpen) return;
    if (this.closed) {
      conn.destroy();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.grant(conn);
      return;
    }
    conn.setIdle(true);
    conn.idleTimer = setTimeout(() => conn.destroy(), this.idleTimeoutMs);
    conn.idleTimer.unref();
    this.idle.push(conn);
  }

  private connect(): Connection {
    const conn = new Connection({
      host: this.target.host,
      port: this.target.port,
      address: this.address,
      framed: this.framed,
      maxMessageBytes: this.maxMessageBytes,
      connectTimeoutMs: this.connectTimeoutMs,
      onClosed: (c) => this.onClosed(c),
    });
    this.all.add(conn);
    this.log?.debug({ address: this.address, open: this.all.size }, 'thrift connection opened');
    return conn;
  }

  private onClosed(conn: Connection): void {
    this.all.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    this.log?.debug({ address: this.address, open: this.all.size }, 'thrift connection closed');
    // A slot became free: give a waiting call a new connection.
    if (!this.closed && this.waiters.length > 0 && this.all.size < this.maxConnections) {
      const waiter = this.waiters.shift();
      waiter?.grant(this.connect());
    }
    if (this.closed && this.all.size === 0) {
      const drained = this.drained;
      this.drained = undefined;
      drained?.();
    }
  }

  private removeWaiter(waiter: Waiter): void {
    const at = this.waiters.indexOf(waiter);
    if (at >= 0) this.waiters.splice(at, 1);
  }

  private nextSeqid(): number {
    this.seqid = this.seqid >= 0x7fffffff ? 1 : this.seqid + 1;
    return this.seqid;
  }

  private notify(event: RpcCallEvent): void {
    if (!this.observer) return;
    try {
      this.observer(event);
    } catch (err) {
      this.log?.warn({ err }, 'rpc observer failed');
    }
  }

  private error(kind: RpcErrorKind, message: string, method?: string, cause?: unknown): RpcError {
    return new RpcError(message, { kind, address: this.address, method, cause });
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : abortError(signal.reason);
}

/** The same error with the method filled in (connections do not know which call they carry). */
function withMethod(err: RpcError, method: string): RpcError {
  if (err.method !== undefined) return err;
  return new RpcError(err.message, { kind: err.kind, address: err.address, method, cause: err.cause });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(typeof err === 'string' ? err : 'unknown failure');
}
