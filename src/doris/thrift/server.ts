// A Thrift server for the simulator's FE and BE: speaks what Doris' servers speak (binary
// protocol, unframed by default) and serves a FrontendService or BackendService port.
//
// Like Doris' TThreadPoolServer, each connection's requests are handled one at a time in
// order, and many connections are served concurrently. Garbage never crashes the server: a
// connection whose bytes are not Thrift gets a best-effort error reply (when a message header
// could be read) and is closed; other connections are unaffected.
import net from 'node:net';
import type { Logger } from '../../observability/logger.js';
import type { BackendService, FrontendService } from '../ports.js';
import {
  ApplicationExceptionType,
  DEFAULT_MAX_MESSAGE_BYTES,
  MessageType,
  decodeRequest,
  encodeException,
  encodeReply,
  findCodec,
  frameMessage,
  readMessage,
  type ApplicationException,
} from './codec.js';
import { MessageReader } from './message-reader.js';
import type { MessageHeader, ThriftProtocolError } from './protocol-error.js';

/**
 * Thrown by a handler to make the server close the connection without replying (fault
 * injection: the client sees its connection reset mid-call).
 */
export class DropConnection extends Error {
  constructor(message = 'connection dropped') {
    super(message);
    this.name = 'DropConnection';
  }
}

interface CommonOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) lets the OS pick; read the port back from the result. */
  port?: number;
  /** Expect and send a 4-byte frame prefix (FE THREADED_SELECTOR). Default false. */
  framed?: boolean;
  /** Largest accepted request. Default 100 MiB (Doris thrift_max_message_size). */
  maxMessageBytes?: number;
  log?: Logger | undefined;
}

export type ThriftServerOptions = CommonOptions &
  ({ service: 'frontend'; handler: FrontendService } | { service: 'backend'; handler: BackendService });

export interface ThriftServer {
  readonly port: number;
  /** Stops listening, aborts running handlers and closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** What a handler may learn about the call besides its request (the simulator's debug records). */
export interface ThriftCallInfo {
  /** The client's address, ip:port ([ip]:port for IPv6). */
  readonly peer: string;
}

type Dispatch = (method: string, request: unknown, signal: AbortSignal, info: ThriftCallInfo) => Promise<unknown>;

/** Requests read ahead per connection before the socket is paused (back-pressure). */
const MAX_QUEUED = 16;
/** How long a connection closed after an error reply may take to flush it. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Starts a server and resolves once it listens. The handler is called as
 * `handler[method](request, signal, info)` (ThriftCallInfo; ports ignore it); `signal` aborts when the client disconnects or the
 * server closes. A rejection becomes a TApplicationException INTERNAL_ERROR reply ("Internal
 * error processing <method>", as Java Thrift says), a DropConnection rejection closes the
 * connection without reply, and an unknown method gets UNKNOWN_METHOD ("Invalid method name:
 * '<name>'").
 */
export async function startThriftServer(options: ThriftServerOptions): Promise<ThriftServer> {
  const log = options.log?.child({ component: 'thrift-server', service: options.service });
  const handler: object = options.handler;
  const dispatch: Dispatch = (method, request, signal, info) =>
    Promise.resolve().then(() => {
      const fn = (handler as Record<string, unknown>)[method];
      if (typeof fn !== 'function') throw new Error(`handler does not implement ${method}`);
      return (fn as (req: unknown, signal: AbortSignal, info: ThriftCallInfo) => unknown).call(handler, request, signal, info);
    });
  const connections = new Set<ServerConnection>();
  const server = net.createServer((socket) => {
    const conn = new ServerConnection(socket, {
      service: options.service,
      framed: options.framed ?? false,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      dispatch,
      log,
      onClosed: () => connections.delete(conn),
    });
    connections.add(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log?.error({ err }, 'thrift server error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  log?.debug({ port }, 'thrift server listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const conn of connections) conn.destroy();
      });
      return closing;
    },
  };
}

interface ConnectionDeps {
  service: 'frontend' | 'backend';
  framed: boolean;
  maxMessageBytes: number;
  dispatch: Dispatch;
  log: Logger | undefined;
  onClosed: () => void;
}

class ServerConnection {
  private readonly reader: MessageReader;
  private readonly controller = new AbortController();
  private readonly queue: Buffer[] = [];
  private protocolError: ThriftProtocolError | undefined;
  private busy = false;
  private closed = false;
  private readonly info: ThriftCallInfo;

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.reader = new MessageReader({ framed: deps.framed, maxMessageBytes: deps.maxMessageBytes });
    const ip = socket.remoteAddress ?? '';
    this.info = { peer: ip.includes(':') ? `[${ip}]:${socket.remotePort ?? 0}` : `${ip}:${socket.remotePort ?? 0}` };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and does the cleanup
    socket.on('close', () => {
      this.closed = true;
      this.controller.abort(new Error('client disconnected'));
      deps.onClosed();
    });
  }

  destroy(): void {
    this.controller.abort(new Error('server closing'));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const { messages, error } = this.reader.push(chunk);
    this.queue.push(...messages);
    if (error) {
      this.protocolError = error;
      this.socket.pause();
    } else if (this.queue.length >= MAX_QUEUED) {
      this.socket.pause();
    }
    void this.drain();
  }

  /** Handles queued requests one at a time, in order. Never rejects. */
  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let message = this.queue.shift(); message && !this.closed; message = this.queue.shift()) {
        await this.handle(message);
        if (!this.protocolError && this.queue.length < MAX_QUEUED) this.socket.resume();
      }
      if (this.protocolError && !this.closed) this.rejectStream(this.protocolError);
    } catch (err) {
      this.deps.log?.error({ err }, 'thrift connection failed');
      this.socket.destroy();
    } finally {
      this.busy = false;
    }
  }

  private async handle(message: Buffer): Promise<void> {
    const { header, body } = readMessage(message); // the reader validated the structure
    if (header.type !== MessageType.CALL) {
      this.replyException(header, { type: ApplicationExceptionType.INVALID_MESSAGE_TYPE, message: `message type ${header.type} is not a call` });
      this.closeAfterReply();
      return;
    }
    const codec = findCodec(this.deps.service, header.name);
    if (!codec) {
      this.replyException(header, { type: ApplicationExceptionType.UNKNOWN_METHOD, message: `Invalid method name: '${header.name}'` });
      return;
    }
    const internalError = { type: ApplicationExceptionType.INTERNAL_ERROR, message: `Internal error processing ${header.name}` };
    let request: unknown;
    try {
      request = decodeRequest(codec, body);
    } catch (err) {
      this.replyException(header, { type: ApplicationExceptionType.PROTOCOL_ERROR, message: (err as Error).message });
      return;
    }
    if (request === undefined) {
      // No argument struct: a Java server's handler would fail on the null request.
      this.replyException(header, internalError);
      return;
    }
    let result: unknown;
    try {
      result = await this.deps.dispatch(header.name, request, this.controller.signal, this.info);
    } catch (err) {
      if (err instanceof DropConnection) {
        this.socket.destroy();
        return;
      }
      if (this.closed) return;
      this.deps.log?.warn({ err, method: header.name }, 'thrift handler failed');
      this.replyException(header, internalError);
      return;
    }
    if (this.closed) return;
    let reply: Buffer;
    try {
      reply = encodeReply(codec, header.seqid, result);
    } catch (err) {
      this.deps.log?.warn({ err, method: header.name }, 'thrift handler returned a result that cannot be encoded');
      this.replyException(header, internalError);
      return;
    }
    this.write(reply);
  }

  /** The stream cannot be resynchronised: reply if the header was readable, then close. */
  private rejectStream(error: ThriftProtocolError): void {
    this.deps.log?.debug({ err: error.message }, 'thrift protocol error, closing connection');
    if (error.header) {
      this.replyException(error.header, { type: ApplicationExceptionType.PROTOCOL_ERROR, message: error.message });
      this.closeAfterReply();
    } else {
      this.socket.destroy();
    }
  }

  private closeAfterReply(): void {
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private replyException(header: MessageHeader, exc: ApplicationException): void {
    this.write(encodeException(header.name, header.seqid, exc));
  }

  private write(message: Buffer): void {
    if (this.socket.destroyed) return;
    this.socket.write(this.deps.framed ? frameMessage(message) : message);
  }
}
