import { afterEach, describe, expect, it } from 'vitest';
import { BackendClientRegistry, BeClient } from './be-client.js';
import { ConcurrencyLimiter } from './limiter.js';
import type { BackendService } from './ports.js';
import { startThriftServer, type ThriftServer } from './thrift/server.js';
import { IngestBinlogStatus, StatusCode, type TIngestBinlogRequest } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const signal = new AbortController().signal;
const big = 2n ** 62n + 5n;

const ingestReq: TIngestBinlogRequest = {
  txn_id: big,
  remote_tablet_id: 10n,
  binlog_version: 3n,
  remote_host: '10.0.0.1',
  remote_port: '8040',
  partition_id: 11n,
  local_tablet_id: 12n,
  load_id: { hi: -1n, lo: -1n },
};

interface Be {
  server: ThriftServer;
  received: unknown[];
  peak: () => number;
}

async function be(delayMs = 0, framed = false): Promise<Be> {
  const received: unknown[] = [];
  let running = 0;
  let peak = 0;
  const handler: BackendService = {
    async ingest_binlog(req) {
      received.push(req);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, delayMs));
      running--;
      return { status: { status_code: StatusCode.OK }, is_async: false };
    },
    async query_ingest_binlog(req) {
      received.push(req);
      return { status: IngestBinlogStatus.DOING, err_msg: '' };
    },
  };
  const server = await startThriftServer({ service: 'backend', handler, framed });
  cleanups.push(() => server.close());
  return { server, received, peak: () => peak };
}

describe('BeClient', () => {
  it.each([false, true])('round-trips both BackendService methods (framed=%s)', async (framed) => {
    const b = await be(0, framed);
    const c = new BeClient({ host: '127.0.0.1', port: b.server.port }, { framed });
    cleanups.push(() => c.close());
    expect(await c.ingest_binlog(ingestReq, signal)).toEqual({ status: { status_code: 0 }, is_async: false });
    expect(b.received[0]).toEqual(ingestReq);
    const query = { txn_id: 1n, partition_id: 2n, tablet_id: 3n };
    expect(await c.query_ingest_binlog(query, signal)).toEqual({ status: IngestBinlogStatus.DOING, err_msg: '' });
    expect(b.received[1]).toEqual(query);
  });
});

describe('BackendClientRegistry', () => {
  it('hands out one client per BE and caps concurrent ingests per BE across callers', async () => {
    const b1 = await be(5);
    const b2 = await be(5);
    const registry = new BackendClientRegistry({ maxIngestConcurrencyPerBackend: 3 });
    cleanups.push(() => registry.close());
    const addr1 = { host: '127.0.0.1', port: b1.server.port };
    const addr2 = { host: '127.0.0.1', port: b2.server.port };
    expect(registry.get(addr1)).toBe(registry.get({ ...addr1 }));
    expect(registry.get(addr1)).not.toBe(registry.get(addr2));
    // Two "jobs" ingesting into the same BEs through their own lookups.
    const job = (n: number) =>
      Array.from({ length: n }, (_, i) => registry.get(i % 2 ? addr1 : addr2).ingest_binlog({ ...ingestReq, txn_id: BigInt(i) }, signal));
    const results = await Promise.all([...job(20), ...job(20)]);
    expect(results.every((r) => r.status?.status_code === StatusCode.OK)).toBe(true);
    expect(b1.received).toHaveLength(20);
    expect(b1.peak()).toBe(3);
    expect(b2.peak()).toBe(3);
  });
});

describe('ConcurrencyLimiter', () => {
  it('grants slots in order and lets an aborted waiter go without a slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release1 = await limiter.acquire(signal);
    const ctl = new AbortController();
    const aborted = limiter.acquire(ctl.signal);
    const order: number[] = [];
    const third = limiter.acquire(signal).then((release) => {
      order.push(3);
      return release;
    });
    expect(limiter.waiting).toBe(2);
    const reason = new Error('stop');
    ctl.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(limiter.waiting).toBe(1);
    release1();
    release1(); // idempotent: must not free a second slot
    const release3 = await third;
    expect(order).toEqual([3]);
    expect(limiter.active).toBe(1);
    release3();
    expect(limiter.active).toBe(0);
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
