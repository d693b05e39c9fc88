import net from 'node:net';
import thrift from 'thrift';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrontendService } from '../ports.js';
import type { TGetBinlogRequest, TGetBinlogResult } from '../types.js';
import { ThriftClient } from './client.js';
import {
  ApplicationExceptionType,
  FRONTEND_CODECS,
  MessageType,
  decodeApplicationException,
  decodeResult,
  encodeCall,
  encodeReply,
  frameMessage,
  readMessage,
} from './codec.js';
import FrontendServiceGen from './gen/FrontendService.js';
import ttypes from './gen/ccr_types.js';
import { feHandler } from './handlers.test-helpers.js';
import { MessageReader } from './message-reader.js';
import { BigIntBinaryProtocol } from './protocol.js';
import { startThriftServer, type ThriftServer } from './server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const echo = async (req: TGetBinlogRequest): Promise<TGetBinlogResult> => ({
  status: { status_code: 0 },
  next_commit_seq: (req.prev_commit_seq ?? 0n) + 1n,
  fe_version: req.db,
});

async function serve(handler: Partial<FrontendService>, framed = false, maxMessageBytes?: number): Promise<ThriftServer> {
  const server = await startThriftServer({ service: 'frontend', handler: feHandler(handler), framed, maxMessageBytes });
  cleanups.push(() => server.close());
  return server;
}

/** Sends raw bytes; resolves with everything the server sent once it closed the connection. */
function untilClosed(port: number, bytes: Buffer, ms = 2_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server did not close the connection'));
    }, ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(bytes);
  });
}

/** Sends raw bytes on a connection that stays open; resolves with the first `count` replies. */
function replies(port: number, bytes: Buffer, count: number, framed = false): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const reader = new MessageReader({ framed, maxMessageBytes: 1 << 20 });
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only ${got.length} of ${count} replies arrived`));
    }, 2_000);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      got.push(...reader.push(chunk).messages);
      if (got.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.write(bytes);
  });
}

/** A CALL header followed by an arbitrary body. */
function callHeader(name: string, seqid: number): Buffer {
  const head = Buffer.alloc(12 + name.length);
  head.writeInt32BE(0x80010000 | MessageType.CALL);
  head.writeInt32BE(name.length, 4);
  head.write(name, 8);
  head.writeInt32BE(seqid, 8 + name.length);
  return head;
}

async function stillServes(server: ThriftServer, framed = false): Promise<void> {
  const c = new ThriftClient({ host: '127.0.0.1', port: server.port }, { framed });
  try {
    const res = await c.call(FRONTEND_CODECS.getBinlog, { db: 'alive', prev_commit_seq: 41n }, new AbortController().signal);
    expect(res).toMatchObject({ fe_version: 'alive', next_commit_seq: 42n });
  } finally {
    await c.close();
  }
}

describe('startThriftServer', () => {
  it('closes the connection on an HTTP request and keeps serving', async () => {
    const server = await serve({ getBinlog: echo });
    const got = await untilClosed(server.port, Buffer.from('GET /api/show_config HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(got.length).toBe(0);
    await stillServes(server);
  });

  it('closes the connection on bytes that are not Thrift', async () => {
    const server = await serve({ getBinlog: echo });
    expect((await untilClosed(server.port, Buffer.alloc(64, 0xff))).length).toBe(0);
    await stillServes(server);
  });

  it('answers a readable header with PROTOCOL_ERROR before closing', async () => {
    const server = await serve({ getBinlog: echo });
    // A string field declaring 2 GiB: rejected at once, nothing allocated for it.
    const bogus = Buffer.concat([callHeader('getBinlog', 77), Buffer.from([11, 0, 1, 0x7f, 0xff, 0xff, 0xff])]);
    const got = await untilClosed(server.port, bogus);
    const { header, body } = readMessage(got);
    expect(header).toEqual({ name: 'getBinlog', type: MessageType.EXCEPTION, seqid: 77 });
    expect(decodeApplicationException(body)).toMatchObject({ type: ApplicationExceptionType.PROTOCOL_ERROR });
    await stillServes(server);
  });

  it('closes a framed connection announcing an oversized frame', async () => {
    const server = await serve({ getBinlog: echo }, true, 1024);
    expect((await untilClosed(server.port, Buffer.from([0x00, 0x10, 0x00, 0x00, 1, 2, 3]))).length).toBe(0);
    await stillServes(server, true);
  });

  it('fails a call without argument struct like a Java server, and keeps the connection', async () => {
    const server = await serve({ getBinlog: echo });
    const noArgs = Buffer.concat([callHeader('getBinlog', 1), Buffer.from([0])]);
    const next = encodeCall(FRONTEND_CODECS.getBinlog, 2, { db: 'next' });
    const [first, second] = await replies(server.port, Buffer.concat([noArgs, next]), 2);
    const exc = readMessage(first!);
    expect(exc.header.type).toBe(MessageType.EXCEPTION);
    expect(decodeApplicationException(exc.body)).toEqual({
      type: ApplicationExceptionType.INTERNAL_ERROR,
      message: 'Internal error processing getBinlog',
    });
    expect(decodeResult(FRONTEND_CODECS.getBinlog, readMessage(second!).body)?.fe_version).toBe('next');
  });

  it('rejects a message that is not a call and closes', async () => {
    const server = await serve({ getBinlog: echo });
    const got = await untilClosed(server.port, encodeReply(FRONTEND_CODECS.getBinlog, 3, {}));
    expect(decodeApplicationException(readMessage(got).body).type).toBe(ApplicationExceptionType.INVALID_MESSAGE_TYPE);
  });

  it('handles pipelined requests of one connection one at a time, in order', async () => {
    let running = 0;
    let peak = 0;
    const delays: Record<string, number> = { a: 40, b: 20, c: 0 };
    const server = await serve({
      getBinlog: async (req) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, delays[req.db ?? ''] ?? 0));
        running--;
        return echo(req);
      },
    });
    const calls = ['a', 'b', 'c'].map((db, i) => encodeCall(FRONTEND_CODECS.getBinlog, i + 1, { db }));
    const got = await replies(server.port, Buffer.concat(calls), 3);
    expect(got.map((m) => readMessage(m).header.seqid)).toEqual([1, 2, 3]);
    expect(got.map((m) => decodeResult(FRONTEND_CODECS.getBinlog, readMessage(m).body)?.fe_version)).toEqual(['a', 'b', 'c']);
    expect(peak).toBe(1);
  });

  it('aborts running handlers and closes connections when it closes', async () => {
    let aborted: unknown;
    let started = false;
    const server = await startThriftServer({
      service: 'frontend',
      handler: feHandler({
        getBinlog: (_req, sig) =>
          new Promise((_, reject) => {
            started = true;
            sig.addEventListener('abort', () => {
              aborted = sig.reason;
              reject(new Error('aborted'));
            });
          }),
      }),
    });
    const c = new ThriftClient({ host: '127.0.0.1', port: server.port });
    cleanups.push(() => c.close());
    const call = c.call(FRONTEND_CODECS.getBinlog, {}, new AbortController().signal);
    const deadline = Date.now() + 2_000;
    while (!started && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    await expect(call).rejects.toMatchObject({ kind: 'closed' });
    expect(aborted).toBeInstanceOf(Error);
    await server.close(); // idempotent
  });
});

describe('wire compatibility with the Apache Thrift library', () => {
  it('serves the generated Apache client (unframed)', async () => {
    const server = await serve({ getBinlog: echo });
    const connection = thrift.createConnection('127.0.0.1', server.port, {
      transport: thrift.TBufferedTransport,
      protocol: BigIntBinaryProtocol,
    });
    connection.on('error', () => undefined);
    cleanups.push(() => connection.end());
    const apache = thrift.createClient(FrontendServiceGen.Client, connection);
    const big = 2n ** 63n - 1n;
    const res = await apache.getBinlog(new ttypes.TGetBinlogRequest({ db: 'apache', prev_commit_seq: (big - 1n) as never }));
    expect(res.fe_version).toBe('apache');
    expect(res.next_commit_seq as unknown).toBe(big);
  });

  it('calls the generated Apache processor (framed)', async () => {
    let seen: unknown;
    const handler = {
      // One parameter: the generated processor then uses the promise style.
      getBinlog(req: InstanceType<typeof ttypes.TGetBinlogRequest>) {
        seen = req.prev_commit_seq;
        return new ttypes.TGetBinlogResult({
          status: new ttypes.TStatus({ status_code: 0 }),
          binlogs: [new ttypes.TBinlog({ commit_seq: (2n ** 60n) as never, table_ids: [1n, 2n] as never, data: '{"x":1}' })],
        });
      },
    };
    const apacheServer = thrift.createServer(FrontendServiceGen.Processor, handler, {
      transport: thrift.TFramedTransport,
      protocol: BigIntBinaryProtocol,
    });
    await new Promise<void>((r) => apacheServer.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => apacheServer.close(() => r())));
    const port = (apacheServer.address() as net.AddressInfo).port;
    const c = new ThriftClient({ host: '127.0.0.1', port }, { framed: true });
    cleanups.push(() => c.close());
    const res = await c.call(FRONTEND_CODECS.getBinlog, { prev_commit_seq: 2n ** 55n + 1n }, new AbortController().signal);
    expect(seen).toBe(2n ** 55n + 1n);
    expect(res).toEqual({
      status: { status_code: 0 },
      binlogs: [{ commit_seq: 2n ** 60n, table_ids: [1n, 2n], data: '{"x":1}' }],
    });
  });

  it('frames exactly like the Apache framed transport', () => {
    const msg = encodeCall(FRONTEND_CODECS.getBinlog, 1, { db: 'x' });
    const framed = frameMessage(msg);
    expect(framed.readInt32BE(0)).toBe(msg.length);
    expect(framed.subarray(4)).toEqual(msg);
  });
});
