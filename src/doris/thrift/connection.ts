// One TCP connection to a Thrift server carrying one call at a time, as Doris' thread-pool
// servers serve them (a connection is bound to one server thread that handles its requests in
// order). The pool in client.ts decides which call uses which connection.
import net from 'node:net';
import { MessageReader } from './message-reader.js';
import { RpcError } from './rpc-error.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** `host:port`, for errors. */
  address: string;
  framed: boolean;
  maxMessageBytes: number;
  connectTimeoutMs: number;
  /** Called once when the connection is gone, whatever the reason. */
  onClosed: (conn: Connection) => void;
}

interface Pending {
  resolve: (message: Buffer) => void;
  reject: (err: RpcError) => void;
}

/** How long TCP keepalive waits before probing an idle connection (finds dead peers). */
const KEEPALIVE_DELAY_MS = 30_000;

export class Connection {
  private readonly socket: net.Socket;
  private readonly reader: MessageReader;
  private readonly ready: Promise<void>;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private pending: Pending | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private rejectReady: ((err: RpcError) => void) | undefined;
  /** Set by the pool while the connection sits idle. */
  idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.reader = new MessageReader({ framed: options.framed, maxMessageBytes: options.maxMessageBytes });
    this.socket = net.connect({ host: options.host, port: options.port });
    this.socket.setNoDelay(true);
    this.ready = new Promise<void>((resolve, reject) => {
      this.rejectReady = reject;
      this.socket.once('connect', () => {
        clearTimeout(this.connectTimer);
        if (this.state !== 'connecting') return;
        this.state = 'open';
        this.socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
        resolve();
      });
    });
    // Nobody may be waiting when a connection fails (its call was cancelled meanwhile).
    this.ready.catch(() => undefined);
    this.connectTimer = setTimeout(
      () => this.fail(this.error('connect', `connect to ${options.address} timed out after ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      const kind = this.state === 'connecting' ? 'connect' : 'closed';
      this.fail(this.error(kind, `${kind === 'connect' ? 'connect to' : 'connection to'} ${options.address} failed: ${err.code ?? err.message}`, err));
    });
    this.socket.on('close', () => {
      const kind = this.state === 'connecting' ? 'connect' : 'closed';
      this.fail(this.error(kind, `connection to ${options.address} closed by peer`));
    });
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /**
   * Sends one complete request (already framed if needed) and resolves with the next message
   * the server sends. Rejects with RpcError 'connect' when the connection cannot be made and
   * 'closed' / 'protocol' when it breaks; the connection is then gone. `beforeSend` runs once
   * the connection is ready, immediately before the bytes are written; when it throws, the
   * call rejects with SendRefused and nothing was sent (the connection stays usable).
   */
  async request(bytes: Buffer, beforeSend?: () => void): Promise<Buffer> {
    await this.ready;
    if (this.state === 'closed') throw this.error('closed', `connection to ${this.options.address} closed`);
    if (this.pending) throw this.error('protocol', 'connection already carries a call');
    try {
      beforeSend?.();
    } catch (err) {
      throw new SendRefused(err);
    }
    return new Promise<Buffer>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  /** Lets an idle connection not keep the process alive (ref again before use). */
  setIdle(idle: boolean): void {
    if (idle) this.socket.unref();
    else this.socket.ref();
  }

  /** Closes the connection at once; a call on it (if any) is rejected with `reason`. */
  destroy(reason?: RpcError): void {
    this.fail(reason ?? this.error('aborted', `connection to ${this.options.address} discarded`));
  }

  private onData(chunk: Buffer): void {
    const { messages, error } = this.reader.push(chunk);
    for (const message of messages) {
      const pending = this.pending;
      this.pending = undefined;
      if (!pending) {
        this.fail(this.error('protocol', `${this.options.address} sent a message nobody asked for`));
        return;
      }
      pending.resolve(message);
    }
    if (error) this.fail(this.error('protocol', `bad reply from ${this.options.address}: ${error.message}`, error));
  }

  private fail(err: RpcError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.idleTimer);
    this.socket.destroy();
    this.rejectReady?.(err);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
    this.options.onClosed(this);
  }

  private error(kind: RpcError['kind'], message: string, cause?: unknown): RpcError {
    return new RpcError(message, { kind, address: this.options.address, cause });
  }
}

/** A call's beforeSend check threw: nothing was written. `cause` is what it threw. */
export class SendRefused extends Error {
  constructor(override readonly cause: unknown) {
    super('request not sent: its pre-send check refused it');
    this.name = 'SendRefused';
  }
}
