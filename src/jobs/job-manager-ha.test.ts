// The JobManager under HA: loading what the store says it owns, unloading what moved, the
// lease check before writes, and graceful hand-over at a step boundary.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableJobRequest } from '../../test/support/job-requests.js';
import { TestEngine } from '../../test/support/test-engine.js';
import { waitFor } from '../../test/support/wait.js';
import { Lease } from '../ha/lease.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import { openSqliteMetaStore } from '../meta-store/sqlite/sqlite-meta-store.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { JobManager } from './job-manager.js';
import { createPasswordCipher } from './password-cipher.js';

const A = 'a:9190';
const B = 'b:9190';
const signal = new AbortController().signal;

describe('JobManager with leases and ownership changes', () => {
  let store: MetaStore;
  let now = 0;
  const leases = new Map<string, Lease>();
  const engines = new Map<string, TestEngine>();
  const managers: JobManager[] = [];

  function manager(identity: string): JobManager {
    const lease = new Lease({ owner: identity, leaseMs: 10_000, marginMs: 1_000, now: () => now });
    lease.renew(now);
    const engine = new TestEngine({ idleMs: 10 });
    leases.set(identity, lease);
    engines.set(identity, engine);
    const m = new JobManager({ store, engine, identity, cipher: createPasswordCipher(''), log: silentLogger(), metrics: createMetrics({ processMetrics: false }), lease });
    managers.push(m);
    return m;
  }

  const prevSeq = async (name: string): Promise<number | undefined> => {
    const p = await store.getProgress(name, signal);
    return p === undefined ? undefined : (JSON.parse(p) as { prev_commit_seq: number }).prev_commit_seq;
  };

  beforeEach(async () => {
    now = 0;
    store = openSqliteMetaStore({ path: ':memory:' });
    await store.migrate(signal);
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
    await store.close();
  });

  it('loads a job handed to it and unloads one another syncer took, whose runner stops writing', async () => {
    const a = manager(A);
    const b = manager(B);
    await a.create(tableJobRequest('j1'), signal);
    engines.get(A)?.produce('j1', 2);
    await waitFor(async () => (await prevSeq('j1')) === 2, 'j1 at 2 on A');

    await store.transferJob('j1', B, signal, { owner: A, epoch: 0n });
    const snapshot = (await store.ownership(signal)).jobs;
    expect(await b.reconcileOwned(snapshot, signal)).toEqual(['j1']);
    expect(await a.reconcileOwned(snapshot, signal)).toEqual([]);
    expect(() => a.status('j1')).toThrow(/not exist/);
    engines.get(A)?.produce('j1', 50);
    engines.get(B)?.produce('j1', 5);
    await waitFor(async () => (await prevSeq('j1')) === 5, 'j1 at 5 on B');
    expect(b.status('j1')).toMatchObject({ state: 'running', prevCommitSeq: 5n });
    // A reconciling again does not load it back.
    expect(await a.reconcileOwned((await store.ownership(signal)).jobs, signal)).toEqual([]);
  });

  it('a runner stops at its first write after the lease ran out, and the job is loaded again once the lease is renewed', async () => {
    const a = manager(A);
    await a.create(tableJobRequest('j1'), signal);
    engines.get(A)?.produce('j1', 1);
    await waitFor(async () => (await prevSeq('j1')) === 1, 'j1 at 1');

    now += 9_500; // past lease − margin: as after SIGSTOP … SIGCONT
    engines.get(A)?.produce('j1', 5);
    await waitFor(() => {
      try {
        a.status('j1');
        return false;
      } catch {
        return true;
      }
    }, 'j1 unloaded');
    expect(await prevSeq('j1')).toBe(1);
    // No loading while the lease is out, not even through an HTTP lookup.
    expect(await a.reconcileOwned((await store.ownership(signal)).jobs, signal)).toEqual([]);
    await a.locate('j1', signal);
    expect(() => a.status('j1')).toThrow(/not exist/);

    // Nor does it write anywhere on an operator's behalf.
    await expect(a.create(tableJobRequest('j2'), signal)).rejects.toMatchObject({ code: 'CCR_M0002', message: expect.stringContaining('lease') as unknown });
    expect(await store.getJob('j2', signal)).toBeUndefined();

    leases.get(A)?.renew(now);
    expect(await a.reconcileOwned((await store.ownership(signal)).jobs, signal)).toEqual(['j1']);
    await waitFor(async () => (await prevSeq('j1')) === 6, 'j1 at 6 after the renewal');
  });

  it('unloads everything at once and waits for the runners', async () => {
    const a = manager(A);
    await a.create(tableJobRequest('j1'), signal);
    await a.create(tableJobRequest('j2'), signal);
    engines.get(A)!.stopDelayMs = 50;
    const started = Date.now();
    await a.unloadAll('lease expired');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(() => a.status('j1')).toThrow(/not exist/);
    expect(() => a.status('j2')).toThrow(/not exist/);
  });

  it('hands a job over at a step boundary: last checkpoint written, epoch bumped, the receiver continues', async () => {
    const a = manager(A);
    const b = manager(B);
    await a.create(tableJobRequest('j1'), signal);
    engines.get(A)?.produce('j1', 3);
    await waitFor(async () => (await prevSeq('j1')) === 3, 'j1 at 3');

    await a.handOver('j1', B, 0n, signal);
    expect(await store.getJob('j1', signal)).toMatchObject({ belongTo: B, epoch: 1n });
    expect(() => a.status('j1')).toThrow(/not exist/);
    expect(await b.reconcileOwned((await store.ownership(signal)).jobs, signal)).toEqual(['j1']);
    engines.get(B)?.produce('j1', 4);
    await waitFor(async () => (await prevSeq('j1')) === 4, 'j1 continues on B');
    // The runner on B started from A's checkpoint, not from scratch.
    expect(engines.get(B)?.runners.get('j1')?.runs).toBe(1);
  });

  it('a hand-over that lost a race only unloads; an unloaded job is moved by its stored epoch', async () => {
    const a = manager(A);
    await a.create(tableJobRequest('j1'), signal);
    await store.transferJob('j1', B, signal, { owner: A, epoch: 0n });
    await a.handOver('j1', 'c:9190', 0n, signal);
    expect(await store.getJob('j1', signal)).toMatchObject({ belongTo: B, epoch: 1n });
    expect(() => a.status('j1')).toThrow(/not exist/);

    await store.addJob('j2', '{}', A, signal);
    await a.handOver('j2', B, 0n, signal);
    expect(await store.getJob('j2', signal)).toMatchObject({ belongTo: B, epoch: 1n });
  });
});
