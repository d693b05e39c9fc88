import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrontendService } from '../ports.js';
import type { TGetBinlogRequest, TGetBinlogResult } from '../types.js';
import { ThriftClient, type RpcCallEvent } from './client.js';
import { ApplicationExceptionType, BACKEND_CODECS, FRONTEND_CODECS, encodeReply, readMessage } from './codec.js';
import { feHandler } from './handlers.test-helpers.js';
import { MessageReader } from './message-reader.js';
import { RpcError } from './rpc-error.js';
import { DropConnection, startThriftServer, type ThriftServer } from './server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** getBinlog answers with the request's prev_commit_seq + 1 and echoes the db name. */
const echo = async (req: TGetBinlogRequest): Promise<TGetBinlogResult> => ({
  status: { status_code: 0 },
  next_commit_seq: (req.prev_commit_seq ?? 0n) + 1n,
  fe_version: req.db,
});

async function serve(handler: Partial<FrontendService>, framed = false): Promise<ThriftServer> {
  const server = await startThriftServer({ service: 'frontend', handler: feHandler(handler), framed });
  cleanups.push(() => server.close());
  return server;
}

function client(server: ThriftServer, options: ConstructorParameters<typeof ThriftClient>[1] = {}): ThriftClient {
  const c = new ThriftClient({ host: '127.0.0.1', port: server.port }, options);
  cleanups.push(() => c.close());
  return c;
}

async function waitFor(cond: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const signal = new AbortController().signal;
const big = 2n ** 62n + 3n;

describe('ThriftClient over TCP', () => {
  it.each([false, true])('calls and reuses one connection (framed=%s)', async (framed) => {
    const server = await serve({ getBinlog: echo }, framed);
    const c = client(server, { framed });
    for (let i = 0; i < 3; i++) {
      const res = await c.call(FRONTEND_CODECS.getBinlog, { db: `db${i}`, prev_commit_seq: big }, signal);
      expect(res).toEqual({ status: { status_code: 0 }, next_commit_seq: big + 1n, fe_version: `db${i}` });
    }
    expect(c.stats).toMatchObject({ open: 1, idle: 1 });
  });

  it('runs beforeSend right before writing: when it throws, nothing is sent and the connection is kept', async () => {
    let served = 0;
    const server = await serve({ getBinlog: async (req) => (served++, echo(req)) });
    // All connections busy: the call waits for one, and is checked only once it has it.
    const c = client(server, { maxConnections: 1 });
    let checks = 0;
    const refusal = new Error('lease ran out');
    const first = c.call(FRONTEND_CODECS.getBinlog, { db: 'a', prev_commit_seq: 1n }, signal);
    const refused = c.call(FRONTEND_CODECS.getBinlog, { db: 'b', prev_commit_seq: 2n }, signal, {
      beforeSend: () => {
        checks++;
        if (served === 1) throw refusal;
      },
    });
    expect(checks).toBe(0);
    await first;
    expect(await rejection(refused)).toBe(refusal);
    expect(checks).toBe(1);
    expect(served).toBe(1);
    expect(c.stats).toEqual({ open: 1, idle: 1, waiting: 0 });
    expect((await c.call(FRONTEND_CODECS.getBinlog, { db: 'c', prev_commit_seq: 3n }, signal, { beforeSend: () => undefined })).next_commit_seq).toBe(4n);
    expect(served).toBe(2);
  });

  it('times out a call the server never answers, and recovers', async () => {
    let calls = 0;
    const server = await serve({
      getBinlog: (req, sig) => {
        calls++;
        if (req.db === 'hang') return new Promise((_, reject) => sig.addEventListener('abort', () => reject(new Error('gone'))));
        return echo(req);
      },
    });
    const c = client(server, { maxConnections: 1 });
    const started = Date.now();
    const err = await rejection(c.call(FRONTEND_CODECS.getBinlog, { db: 'hang' }, signal, { timeoutMs: 100 }));
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).kind).toBe('timeout');
    expect((err as RpcError).details).toMatchObject({ address: c.address, method: 'getBinlog' });
    expect(Date.now() - started).toBeLessThan(1_000);
    const res = await c.call(FRONTEND_CODECS.getBinlog, { db: 'ok', prev_commit_seq: 1n }, signal);
    expect(res.fe_version).toBe('ok');
    expect(calls).toBe(2);
  });

  it('never hands a late reply to the next call', async () => {
    const server = await serve({
      getBinlog: async (req) => {
        if (req.db === 'slow') await new Promise((r) => setTimeout(r, 150));
        return echo(req);
      },
    });
    const c = client(server, { maxConnections: 1 });
    await expect(c.call(FRONTEND_CODECS.getBinlog, { db: 'slow' }, signal, { timeoutMs: 30 })).rejects.toMatchObject({ kind: 'timeout' });
    const res = await c.call(FRONTEND_CODECS.getBinlog, { db: 'fast' }, signal);
    expect(res.fe_version).toBe('fast');
    await new Promise((r) => setTimeout(r, 200)); // the slow reply would have arrived by now
    expect((await c.call(FRONTEND_CODECS.getBinlog, { db: 'again' }, signal)).fe_version).toBe('again');
  });

  it('rejects with the abort reason and discards the connection', async () => {
    let handlerAborted = false;
    let handlerStarted = false;
    const server = await serve({
      getBinlog: (_req, sig) =>
        new Promise((_, reject) => {
          handlerStarted = true;
          sig.addEventListener('abort', () => {
            handlerAborted = true;
            reject(new Error('gone'));
          });
        }),
    });
    const c = client(server);
    const ctl = new AbortController();
    const reason = new Error('shutdown requested');
    const pending = c.call(FRONTEND_CODECS.getBinlog, {}, ctl.signal);
    await waitFor(() => handlerStarted, 'the call to reach the handler');
    ctl.abort(reason);
    expect(await rejection(pending)).toBe(reason);
    await waitFor(() => handlerAborted, 'the server to see the disconnect');
    expect(c.stats.open).toBe(0);
    expect(await rejection(c.call(FRONTEND_CODECS.getBinlog, {}, ctl.signal))).toBe(reason);
  });

  it('runs 200 concurrent calls over a pool of 4 connections', async () => {
    let running = 0;
    let peak = 0;
    const server = await serve({
      getBinlog: async (req) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 1));
        running--;
        return echo(req);
      },
    });
    const c = client(server, { maxConnections: 4 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => c.call(FRONTEND_CODECS.getBinlog, { db: `d${i}`, prev_commit_seq: BigInt(i) }, signal)),
    );
    results.forEach((r, i) => {
      expect(r.fe_version).toBe(`d${i}`);
      expect(r.next_commit_seq).toBe(BigInt(i) + 1n);
    });
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    expect(c.stats.open).toBeLessThanOrEqual(4);
  });

  it('reports a refused connection as kind connect', async () => {
    const server = await serve({});
    const port = server.port;
    await server.close();
    const c = new ThriftClient({ host: '127.0.0.1', port });
    cleanups.push(() => c.close());
    const err = await rejection(c.call(FRONTEND_CODECS.getBinlog, {}, signal));
    expect(err).toMatchObject({ kind: 'connect', category: 'rpc', disposition: 'retry', address: `127.0.0.1:${port}` });
  });

  it('turns a handler failure into an application error and keeps the connection', async () => {
    const server = await serve({
      getBinlog: async () => {
        throw new Error('boom with secret details');
      },
    });
    const c = client(server);
    const err = await rejection(c.call(FRONTEND_CODECS.getBinlog, {}, signal));
    expect(err).toMatchObject({ kind: 'application', applicationType: ApplicationExceptionType.INTERNAL_ERROR });
    expect((err as Error).message).toContain('Internal error processing getBinlog');
    expect((err as Error).message).not.toContain('secret');
    expect(c.stats).toMatchObject({ open: 1, idle: 1 });
  });

  it('reports an unknown method as the server words it', async () => {
    const server = await serve({});
    const c = client(server);
    const err = await rejection(c.call(BACKEND_CODECS.ingest_binlog, {}, signal));
    expect(err).toMatchObject({ kind: 'application', applicationType: ApplicationExceptionType.UNKNOWN_METHOD });
    expect((err as Error).message).toContain("Invalid method name: 'ingest_binlog'");
  });

  it('reports a dropped connection as kind closed', async () => {
    const server = await serve({
      getBinlog: async () => {
        throw new DropConnection();
      },
    });
    const c = client(server);
    await expect(c.call(FRONTEND_CODECS.getBinlog, {}, signal)).rejects.toMatchObject({ kind: 'closed' });
    expect(c.stats.open).toBe(0);
  });

  it('tells the observer about every call', async () => {
    const events: RpcCallEvent[] = [];
    const server = await serve({ getBinlog: echo });
    const c = client(server, { observer: (e) => events.push(e) });
    await c.call(FRONTEND_CODECS.getBinlog, {}, signal);
    await c.call(FRONTEND_CODECS.getMeta, {}, signal).catch(() => undefined);
    expect(events.map((e) => [e.method, e.outcome, e.address])).toEqual([
      ['getBinlog', 'ok', c.address],
      ['getMeta', 'application', c.address],
    ]);
    expect(events[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('closes idle connections after the idle timeout', async () => {
    const server = await serve({ getBinlog: echo });
    const c = client(server, { idleTimeoutMs: 30 });
    await c.call(FRONTEND_CODECS.getBinlog, {}, signal);
    expect(c.stats.open).toBe(1);
    await waitFor(() => c.stats.open === 0, 'the idle connection to close');
    expect((await c.call(FRONTEND_CODECS.getBinlog, { db: 'x' }, signal)).fe_version).toBe('x');
  });

  it('fails waiting calls with kind aborted when closed', async () => {
    const release: Array<() => void> = [];
    const server = await serve({ getBinlog: (req) => new Promise((r) => release.push(() => r(echo(req)))) });
    const c = client(server, { maxConnections: 1 });
    const first = c.call(FRONTEND_CODECS.getBinlog, { db: 'first' }, signal);
    const second = c.call(FRONTEND_CODECS.getBinlog, { db: 'second' }, signal);
    await waitFor(() => release.length === 1 && c.stats.waiting === 1, 'one running and one waiting call');
    const closing = c.close();
    await expect(second).rejects.toMatchObject({ kind: 'aborted', disposition: 'abort' });
    release[0]?.();
    expect((await first).fe_version).toBe('first');
    await closing;
    expect(c.stats.open).toBe(0);
    await expect(c.call(FRONTEND_CODECS.getBinlog, {}, signal)).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('rejects a reply with the wrong seqid or beyond the size limit as a protocol error', async () => {
    // A hand-written server: answers every call with seqid + 1 and a 2 KiB string.
    const raw = net.createServer((socket) => {
      const reader = new MessageReader({ framed: false, maxMessageBytes: 1 << 20 });
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        for (const m of reader.push(chunk).messages) {
          const { header } = readMessage(m);
          const seqid = header.seqid + (header.name === 'getBinlog' ? 1 : 0);
          socket.write(encodeReply(FRONTEND_CODECS.getMasterToken, seqid, { token: 'x'.repeat(2048) }).subarray(0));
        }
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => raw.close(() => r())));
    const port = (raw.address() as net.AddressInfo).port;
    const c = new ThriftClient({ host: '127.0.0.1', port });
    cleanups.push(() => c.close());
    const wrongSeq = await rejection(c.call(FRONTEND_CODECS.getBinlog, {}, signal));
    expect(wrongSeq).toMatchObject({ kind: 'protocol' });
    expect((wrongSeq as Error).message).toMatch(/seqid/);
    const small = new ThriftClient({ host: '127.0.0.1', port }, { maxMessageBytes: 1024 });
    cleanups.push(() => small.close());
    const tooBig = await rejection(small.call(FRONTEND_CODECS.getMasterToken, {}, signal));
    expect(tooBig).toMatchObject({ kind: 'protocol' });
    expect((tooBig as Error).message).toMatch(/limit/);
    // The normal case on the same server still works.
    expect((await c.call(FRONTEND_CODECS.getMasterToken, {}, signal)).token).toHaveLength(2048);
  });

  it('refuses to send a request that cannot be encoded', async () => {
    const server = await serve({ getBinlog: echo });
    const c = client(server);
    const err = await rejection(c.call(FRONTEND_CODECS.getBinlog, { prev_commit_seq: 1.5 as unknown as bigint }, signal));
    expect(err).toMatchObject({ kind: 'protocol' });
    expect(c.stats.open).toBe(0);
  });
});
