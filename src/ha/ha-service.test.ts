// The HA service with real JobManagers (test engine) sharing one MariaDB database: failover
// of a frozen syncer that then writes nothing, rebalancing to a newcomer, graceful hand-over,
// and the identity claim. Leases are short; liveness uses the database's clock.
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableJobRequest } from '../../test/support/job-requests.js';
import { mysqlTestTarget, uniqueDatabaseName } from '../../test/support/mysql-url.js';
import { TestEngine } from '../../test/support/test-engine.js';
import { waitFor } from '../../test/support/wait.js';
import { JobManager } from '../jobs/job-manager.js';
import { createPasswordCipher } from '../jobs/password-cipher.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import { storeUnavailable } from '../meta-store/meta-store.js';
import { openMysqlMetaStore } from '../meta-store/mysql/mysql-meta-store.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createHaMetrics } from './ha-metrics.js';
import { HaService } from './ha-service.js';
import { Lease, leaseMargin } from './lease.js';
import { HaErrorCode } from './registration.js';

const LEASE_MS = 2_000;
const HEARTBEAT_MS = 250;
const signal = new AbortController().signal;

interface Syncer {
  readonly identity: string;
  readonly store: MetaStore;
  readonly engine: TestEngine;
  readonly jobs: JobManager;
  readonly ha: HaService;
  /** Progress writes of this syncer the store accepted: job and when the write was sent. */
  readonly writes: { job: string; at: number }[];
  /** down: the syncer cannot reach the store. */
  readonly link: { down: boolean };
}

describe('HaService on MariaDB', () => {
  const target = mysqlTestTarget();
  let database: string;
  const syncers: Syncer[] = [];
  /** Every test engine replicates the same counters: produce() on all of them. */
  const produce = (job: string, n: number): void => {
    for (const s of syncers) s.engine.produce(job, n);
  };

  async function syncer(identity: string, options: { loop?: boolean; register?: boolean; rebalanceBatch?: number } = {}): Promise<Syncer> {
    const store = await openMysqlMetaStore({ ...target, database, maxConnections: 4, connectTimeoutMs: 5_000 }, signal);
    await store.migrate(signal);
    const writes: Syncer['writes'] = [];
    const link = { down: false };
    // Records the progress writes the store accepted from this syncer; `link.down` cuts this
    // syncer off the store (every call fails as when the network to MySQL is gone).
    const recording = new Proxy(store, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (link.down) throw storeUnavailable('meta store unreachable (test partition)');
          const at = Date.now();
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (prop === 'updateProgress') writes.push({ job: String(args[0]), at });
          return result;
        };
      },
    });
    const lease = new Lease({ owner: identity, leaseMs: LEASE_MS, marginMs: leaseMargin(LEASE_MS) });
    const metrics = createMetrics({ processMetrics: false });
    const engine = new TestEngine({ idleMs: 10 });
    for (const other of syncers) for (const [job, head] of other.engine.sourceHeads()) engine.produce(job, head - engine.head(job));
    const jobs = new JobManager({ store: recording, engine, identity, cipher: createPasswordCipher(''), log: silentLogger(), metrics, lease });
    const ha = new HaService({
      store: recording,
      identity,
      lease,
      leaseMs: LEASE_MS,
      heartbeatMs: HEARTBEAT_MS,
      rebalanceBatch: options.rebalanceBatch ?? 2,
      handoverTimeoutMs: 5_000,
      log: silentLogger(),
      metrics: createHaMetrics(metrics),
    });
    const s: Syncer = { identity, store, engine, jobs, ha, writes, link };
    syncers.push(s);
    if (options.register === false) return s;
    await ha.register(signal);
    await jobs.start(signal);
    ha.start(
      {
        reconcileOwned: (rows, sig) => jobs.reconcileOwned(rows, sig),
        unloadAll: (why) => jobs.unloadAll(why),
        handOver: (name, to, epoch, sig) => jobs.handOver(name, to, epoch, sig),
        isClusterJob: () => false,
      },
      undefined,
      { loop: options.loop ?? true },
    );
    return s;
  }

  const owners = async (store: MetaStore): Promise<Record<string, string>> =>
    Object.fromEntries((await store.ownership(signal)).jobs.map((j) => [j.name, j.belongTo]));
  const running = (s: Syncer, job: string): boolean => {
    try {
      return s.jobs.status(job).state === 'running';
    } catch {
      return false;
    }
  };
  const prevSeq = async (store: MetaStore, job: string): Promise<number> =>
    (JSON.parse((await store.getProgress(job, signal)) ?? '{"prev_commit_seq":0}') as { prev_commit_seq: number }).prev_commit_seq;

  beforeEach(() => {
    database = uniqueDatabaseName('ccr_test_ha');
  });

  afterEach(async () => {
    for (const s of syncers.splice(0).reverse()) {
      await s.ha.stop().catch(() => undefined);
      await s.jobs.stop();
      await s.store.close();
    }
    const conn = await mysql.createConnection({ ...target });
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.end();
  });

  it('a frozen syncer loses its jobs to a live one and writes no progress after they moved; woken up, it stops and registers again', async () => {
    // a keeps its jobs (no rebalancing) until it freezes.
    const a = await syncer('a:1', { loop: false, rebalanceBatch: 0 });
    const b = await syncer('b:1');
    for (const name of ['j1', 'j2', 'j3']) await a.jobs.create(tableJobRequest(name), signal);
    produce('j1', 5);
    await waitFor(async () => (await prevSeq(a.store, 'j1')) === 5, 'j1 replicated by a');
    await a.ha.tick(signal); // a heartbeat, then a is frozen: no more ticks
    const frozenAt = Date.now();
    // The source keeps changing: a writes while its lease lasts, then must stop.
    const loader = setInterval(() => produce('j1', 1), 20);
    try {
      await waitFor(async () => Object.values(await owners(b.store)).every((o) => o === 'b:1'), 'b takes every job', 6_000);
      const movedAt = Date.now();
      // Detection by the database clock: the lease, plus at most one heartbeat and a query.
      expect(movedAt - frozenAt).toBeLessThan(LEASE_MS + 4 * HEARTBEAT_MS + 1_000);
      await waitFor(() => ['j1', 'j2', 'j3'].every((j) => running(b, j)), 'b runs every job', 3_000);
      // a's watchdog stopped its runners when its lease ran out, before b could take them.
      expect(['j1', 'j2', 'j3'].some((j) => running(a, j))).toBe(false);
      const seq = await prevSeq(b.store, 'j1');
      await waitFor(async () => (await prevSeq(b.store, 'j1')) > seq + 5, 'j1 continues on b');
    } finally {
      clearInterval(loader);
    }
    // a kept writing while its lease lasted, and sent nothing after: its last heartbeat was
    // sent before frozenAt, so its lease ended before frozenAt + lease − margin.
    expect(a.writes.some((w) => w.at > frozenAt)).toBe(true);
    expect(a.writes.filter((w) => w.at >= frozenAt + LEASE_MS - leaseMargin(LEASE_MS))).toEqual([]);

    // Woken up: the heartbeat finds the row gone; a stops everything and registers anew
    // (as a new incarnation that gets work by rebalancing, not by resuming what it had).
    const before = a.writes.length;
    await a.ha.tick(signal);
    expect((await b.store.listSyncers(signal)).map((s) => s.hostInfo)).toEqual(['a:1', 'b:1']);
    expect(['j1', 'j2', 'j3'].some((j) => running(a, j))).toBe(false);
    expect(a.writes.length).toBe(before);
    expect((await b.store.getJob('j1', signal))?.epoch).toBe(1n);
  });

  it('a syncer cut off from the store stops its jobs when its lease runs out, and runs them again once it is back', async () => {
    const a = await syncer('a:1');
    await a.jobs.create(tableJobRequest('j1'), signal);
    produce('j1', 2);
    await waitFor(async () => (await prevSeq(a.store, 'j1')) === 2, 'j1 at 2');
    a.link.down = true;
    const cutAt = Date.now();
    await waitFor(() => !running(a, 'j1'), 'j1 stopped after the lease', LEASE_MS + 1_000);
    // Not before its lease (minus the margin) ran out: no heartbeat had failed for long enough.
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(LEASE_MS - leaseMargin(LEASE_MS) - HEARTBEAT_MS - 50);
    produce('j1', 3);
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS));
    expect(running(a, 'j1')).toBe(false);
    a.link.down = false;
    // Nobody took it meanwhile (no other syncer): the next heartbeat renews the lease and it runs again.
    await waitFor(async () => (await prevSeq(a.store, 'j1')) === 5, 'j1 continues once the store is back', 5_000);
    expect((await a.store.getJob('j1', signal))?.epoch).toBe(0n);
  });

  it('a syncer that joins receives jobs from the loaded one, a few per heartbeat, without running any twice', async () => {
    const a = await syncer('a:1');
    for (let i = 1; i <= 6; i++) await a.jobs.create(tableJobRequest(`j${i}`), signal);
    for (let i = 1; i <= 6; i++) produce(`j${i}`, 2);
    const b = await syncer('b:1');
    await waitFor(async () => Object.values(await owners(b.store)).filter((o) => o === 'b:1').length === 3, 'b owns 3 jobs', 6_000);
    for (let i = 1; i <= 6; i++) produce(`j${i}`, 3);
    for (let i = 1; i <= 6; i++) await waitFor(async () => (await prevSeq(b.store, `j${i}`)) === 5, `j${i} at 5`);
    const own = await owners(b.store);
    for (let i = 1; i <= 6; i++) {
      const name = `j${i}`;
      const [here, there] = own[name] === 'a:1' ? [a, b] : [b, a];
      expect(running(here, name), `${name} runs on its owner`).toBe(true);
      expect(running(there, name), `${name} does not run elsewhere`).toBe(false);
    }
    // Stable: balanced syncers move nothing more.
    const epochs = (await b.store.ownership(signal)).jobs.map((j) => j.epoch);
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    expect((await b.store.ownership(signal)).jobs.map((j) => j.epoch)).toEqual(epochs);
  });

  it('a graceful stop hands every job over at once and leaves the registry', async () => {
    const a = await syncer('a:1');
    const b = await syncer('b:1');
    for (const name of ['j1', 'j2', 'j3', 'j4']) await a.jobs.create(tableJobRequest(name), signal);
    produce('j1', 4);
    await waitFor(async () => (await prevSeq(a.store, 'j1')) === 4 || (await prevSeq(b.store, 'j1')) === 4, 'j1 at 4');
    const started = Date.now();
    await a.ha.stop();
    expect(Object.values(await owners(b.store))).toEqual(['b:1', 'b:1', 'b:1', 'b:1']);
    expect((await b.store.listSyncers(signal)).map((s) => s.hostInfo)).toEqual(['b:1']);
    await waitFor(() => ['j1', 'j2', 'j3', 'j4'].every((j) => running(b, j)), 'b runs every job', 3_000);
    // Well within the lease: nobody waited for a's death to be detected.
    expect(Date.now() - started).toBeLessThan(LEASE_MS);
    produce('j1', 1);
    await waitFor(async () => (await prevSeq(b.store, 'j1')) === 5, 'j1 continues on b from its checkpoint');
  });

  it('refuses an identity a live syncer holds, and waits out one whose holder stopped heartbeating', async () => {
    await syncer('a:1');
    const twin = await syncer('a:1', { register: false });
    const t0 = Date.now();
    await expect(twin.ha.register(signal)).rejects.toMatchObject({ code: HaErrorCode.IDENTITY_IN_USE, message: expect.stringContaining('another syncer is running as a:1') as unknown });
    expect(Date.now() - t0).toBeLessThan(LEASE_MS + 2 * HEARTBEAT_MS + 500);

    const frozen = await syncer('c:1', { loop: false });
    await frozen.jobs.create(tableJobRequest('j1'), signal);
    const successor = await syncer('c:1', { register: false });
    await successor.ha.register(signal);
    // The successor's claim fenced the frozen incarnation's writes.
    expect((await successor.store.getJob('j1', signal))?.epoch).toBe(1n);
    await expect(frozen.store.updateProgress('j1', '{}', signal, { owner: 'c:1', epoch: 0n })).rejects.toMatchObject({ code: 'CCR_M0002' });
  });
});
