// The MetaStore contract, run against every adapter (sqlite, mysql). Each adapter's test file
// calls registerMetaStoreConformance with a factory that returns a fresh, empty store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcrError } from '../../src/errors/ccr-error.js';
import type { MetaStore } from '../../src/meta-store/meta-store.js';
import { MetaStoreErrorCode } from '../../src/meta-store/meta-store.js';

export interface StoreHandle {
  readonly store: MetaStore;
  /** Drops whatever the factory created. */
  cleanup(): Promise<void>;
}

const signal = new AbortController().signal;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CcrError);
    return (err as CcrError).code;
  }
  throw new Error('expected a rejection');
}

export function registerMetaStoreConformance(name: string, makeStore: () => Promise<StoreHandle>): void {
  describe(`MetaStore conformance: ${name}`, () => {
    let handle: StoreHandle;
    let store: MetaStore;

    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
      await store.migrate(signal);
    });

    afterEach(async () => {
      await store.close();
      await handle.cleanup();
    });

    it('migrates idempotently', async () => {
      await store.migrate(signal);
      await store.migrate(signal);
      expect(await store.listJobs(signal)).toEqual([]);
    });

    it('adds, reads and lists jobs; a duplicate name is rejected', async () => {
      await store.addJob('b', '{"name":"b"}', 'h1:9190', signal);
      await store.addJob('a', '{"name":"a"}', 'h2:9190', signal);
      expect(await store.getJob('a', signal)).toEqual({ name: 'a', jobInfo: '{"name":"a"}', belongTo: 'h2:9190', epoch: 0n });
      expect(await store.getJob('zz', signal)).toBeUndefined();
      expect((await store.listJobs(signal)).map((j) => j.name)).toEqual(['a', 'b']);
      expect((await store.listJobsOwnedBy('h1:9190', signal)).map((j) => j.name)).toEqual(['b']);
      expect(await codeOf(store.addJob('a', '{}', 'h3:9190', signal))).toBe(MetaStoreErrorCode.DUPLICATE);
      expect((await store.getJob('a', signal))?.belongTo).toBe('h2:9190');
    });

    it('keeps quotes, backslashes and unicode intact (values are parameters)', async () => {
      const nasty = `j'1"; DROP TABLE jobs; -- \\ ✓`;
      const info = JSON.stringify({ name: nasty, note: "it's \\ \"quoted\" 数据" });
      await store.addJob(nasty, info, "o'wner:1", signal);
      await store.updateProgress(nasty, info, signal);
      expect(await store.getJob(nasty, signal)).toMatchObject({ jobInfo: info, belongTo: "o'wner:1" });
      expect(await store.getProgress(nasty, signal)).toBe(info);
      expect(await store.listJobs(signal)).toHaveLength(1);
    });

    it('stores job_info and progress far larger than 64 KB', async () => {
      const big = JSON.stringify({ data: 'x'.repeat(300_000) });
      await store.addJob('big', big, 'h:1', signal);
      await store.updateJob('big', big + ' ', signal);
      await store.updateProgress('big', big, signal);
      expect((await store.getJob('big', signal))?.jobInfo).toBe(big + ' ');
      expect(await store.getProgress('big', signal)).toBe(big);
    });

    it('fences job updates on owner and epoch', async () => {
      await store.addJob('j', 'v0', 'me:1', signal);
      await store.updateJob('j', 'v1', signal, { owner: 'me:1', epoch: 0n });
      expect(await codeOf(store.updateJob('j', 'x', signal, { owner: 'other:1', epoch: 0n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await codeOf(store.updateJob('j', 'x', signal, { owner: 'me:1', epoch: 1n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await codeOf(store.updateJob('missing', 'x', signal))).toBe(MetaStoreErrorCode.FENCED);
      expect((await store.getJob('j', signal))?.jobInfo).toBe('v1');
      await store.updateJob('j', 'v2', signal);
      expect((await store.getJob('j', signal))?.jobInfo).toBe('v2');
    });

    it('transfers ownership by bumping the epoch, which fences the old owner', async () => {
      await store.addJob('j', 'v0', 'a:1', signal);
      expect(await store.transferJob('j', 'b:1', signal, { owner: 'a:1', epoch: 0n })).toBe(1n);
      expect(await store.getJob('j', signal)).toMatchObject({ belongTo: 'b:1', epoch: 1n });
      expect(await codeOf(store.updateProgress('j', '{}', signal, { owner: 'a:1', epoch: 0n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await codeOf(store.transferJob('j', 'c:1', signal, { owner: 'a:1', epoch: 0n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await store.transferJob('j', 'c:1', signal)).toBe(2n);
      expect(await codeOf(store.transferJob('nope', 'c:1', signal))).toBe(MetaStoreErrorCode.FENCED);
    });

    it('upserts progress, fenced when asked', async () => {
      await store.addJob('j', '{}', 'me:1', signal);
      expect(await store.getProgress('j', signal)).toBeUndefined();
      await store.updateProgress('j', '{"prev_commit_seq":1}', signal, { owner: 'me:1', epoch: 0n });
      await store.updateProgress('j', '{"prev_commit_seq":2}', signal, { owner: 'me:1', epoch: 0n });
      await store.updateProgress('j', '{"prev_commit_seq":2}', signal, { owner: 'me:1', epoch: 0n });
      expect(await store.getProgress('j', signal)).toBe('{"prev_commit_seq":2}');
      expect(await codeOf(store.updateProgress('j', '{"prev_commit_seq":3}', signal, { owner: 'x:1', epoch: 0n }))).toBe(
        MetaStoreErrorCode.FENCED,
      );
      expect(await codeOf(store.updateProgress('gone', '{}', signal, { owner: 'me:1', epoch: 0n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await store.getProgress('j', signal)).toBe('{"prev_commit_seq":2}');
      expect(await store.getProgress('gone', signal)).toBeUndefined();
    });

    it('removes a job and its progress together', async () => {
      await store.addJob('j', '{}', 'me:1', signal);
      await store.updateProgress('j', '{}', signal);
      expect(await codeOf(store.removeJob('j', signal, { owner: 'x:1', epoch: 0n }))).toBe(MetaStoreErrorCode.FENCED);
      expect(await store.getJob('j', signal)).toBeDefined();
      expect(await store.removeJob('j', signal, { owner: 'me:1', epoch: 0n })).toBe(true);
      expect(await store.getJob('j', signal)).toBeUndefined();
      expect(await store.getProgress('j', signal)).toBeUndefined();
      expect(await store.removeJob('j', signal)).toBe(false);
    });

    it('links child jobs to their parent cluster job, queryable by parent', async () => {
      await store.addJob('c1', '{"name":"c1"}', 'me:1', signal);
      await store.addJob('c1_b', '{"name":"c1_b"}', 'other:1', signal, { parent: 'c1' });
      await store.addJob('c1_a', '{"name":"c1_a"}', 'me:1', signal, { parent: 'c1' });
      await store.addJob('solo', '{"name":"solo"}', 'me:1', signal);
      expect((await store.listChildJobs('c1', signal)).map((j) => [j.name, j.belongTo])).toEqual([
        ['c1_a', 'me:1'],
        ['c1_b', 'other:1'],
      ]);
      expect(await store.getJob('c1_a', signal)).toMatchObject({ parent: 'c1' });
      expect((await store.getJob('solo', signal))?.parent).toBeUndefined();
      expect((await store.listJobs(signal)).find((j) => j.name === 'c1_b')?.parent).toBe('c1');
      // Without links the column is kept; with links it follows them (detach).
      await store.updateJob('c1_a', '{"v":2}', signal, { owner: 'me:1', epoch: 0n });
      expect((await store.getJob('c1_a', signal))?.parent).toBe('c1');
      await store.updateJob('c1_a', '{"v":3}', signal, { owner: 'me:1', epoch: 0n }, { parent: undefined });
      expect(await store.getJob('c1_a', signal)).toMatchObject({ jobInfo: '{"v":3}', parent: undefined });
      expect(await codeOf(store.updateJob('c1_b', '{}', signal, { owner: 'me:1', epoch: 0n }, { parent: undefined }))).toBe(MetaStoreErrorCode.FENCED);
      expect((await store.getJob('c1_b', signal))?.parent).toBe('c1');
      // Removing the parent row leaves the children to the caller (the cluster job decides).
      await store.removeJob('c1', signal);
      expect((await store.listChildJobs('c1', signal)).map((j) => j.name)).toEqual(['c1_b']);
      expect(await store.listChildJobs('nobody', signal)).toEqual([]);
    });

    it('registers syncers with nanosecond timestamps', async () => {
      const ts = 1_732_280_000_123_456_789n;
      await store.upsertSyncer('b:1', ts, signal);
      await store.upsertSyncer('a:1', 1n, signal);
      await store.upsertSyncer('a:1', ts + 1n, signal);
      expect(await store.listSyncers(signal)).toEqual([
        { hostInfo: 'a:1', timestampNs: ts + 1n, session: '', leaseMs: 0, leaving: false },
        { hostInfo: 'b:1', timestampNs: ts, session: '', leaseMs: 0, leaving: false },
      ]);
    });

    it('gives an identity to one live incarnation at a time, by the store clock', async () => {
      await store.addJob('j', '{}', 'a:1', signal);
      expect(await store.registerSyncer({ hostInfo: 'a:1', session: 's1', leaseMs: 60_000 }, signal)).toEqual({ kind: 'registered' });
      // Registering fences what an earlier incarnation of the identity may still write.
      expect((await store.getJob('j', signal))?.epoch).toBe(1n);
      const refused = await store.registerSyncer({ hostInfo: 'a:1', session: 's2', leaseMs: 60_000 }, signal);
      expect(refused).toMatchObject({ kind: 'held', holder: { hostInfo: 'a:1', session: 's1', leaseMs: 60_000, leaving: false } });
      expect((await store.getJob('j', signal))?.epoch).toBe(1n);
      const [row] = await store.listSyncers(signal);
      const now = refused.kind === 'held' ? refused.nowNs : 0n;
      expect(Number(now - (row?.timestampNs ?? 0n)) / 1e9).toBeLessThan(5);
      expect(Number(now - BigInt(Date.now()) * 1_000_000n) / 1e9).toBeLessThan(5);
      expect(await store.heartbeat('a:1', 's1', signal)).toBe(true);
      expect(await store.heartbeat('a:1', 's2', signal)).toBe(false);
      expect((await store.listSyncers(signal))[0]?.timestampNs).toBeGreaterThanOrEqual(row?.timestampNs ?? 0n);
      // The same incarnation may register again (a retry), and a new one once the lease ran out.
      expect(await store.registerSyncer({ hostInfo: 'a:1', session: 's1', leaseMs: 1 }, signal)).toEqual({ kind: 'registered' });
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.registerSyncer({ hostInfo: 'a:1', session: 's2', leaseMs: 60_000 }, signal)).toEqual({ kind: 'registered' });
      expect(await store.heartbeat('a:1', 's1', signal)).toBe(false);
      expect((await store.getJob('j', signal))?.epoch).toBe(3n);
    });

    it('removes a dead syncer only while its heartbeat is the one seen and its lease ran out', async () => {
      await store.registerSyncer({ hostInfo: 'live:1', session: 'l', leaseMs: 60_000 }, signal);
      await store.registerSyncer({ hostInfo: 'dead:1', session: 'd', leaseMs: 1 }, signal);
      await new Promise((r) => setTimeout(r, 20));
      const rows = await store.listSyncers(signal);
      const dead = rows.find((r) => r.hostInfo === 'dead:1');
      const live = rows.find((r) => r.hostInfo === 'live:1');
      expect(await store.removeDeadSyncer('live:1', live?.timestampNs ?? 0n, 1, signal)).toBe(false);
      expect(await store.removeDeadSyncer('dead:1', (dead?.timestampNs ?? 0n) - 1n, 1, signal)).toBe(false);
      expect(await store.removeDeadSyncer('dead:1', dead?.timestampNs ?? 0n, 60_000, signal)).toBe(true);
      expect((await store.listSyncers(signal)).map((r) => r.hostInfo)).toEqual(['live:1']);
      // A row without a lease (Go, upsertSyncer) is judged by the caller's.
      await store.upsertSyncer('go:1', 1n, signal);
      expect(await store.removeDeadSyncer('go:1', 1n, 60_000, signal)).toBe(true);
    });

    it('marks a syncer leaving, unregisters it, and snapshots ownership', async () => {
      await store.registerSyncer({ hostInfo: 'a:1', session: 's', leaseMs: 10_000 }, signal);
      await store.addJob('c', '{}', 'a:1', signal);
      await store.addJob('c_x', '{}', 'b:1', signal, { parent: 'c' });
      expect(await store.setSyncerLeaving('a:1', 'other', signal)).toBe(false);
      expect(await store.setSyncerLeaving('a:1', 's', signal)).toBe(true);
      const snap = await store.ownership(signal);
      expect(snap.syncers).toEqual([expect.objectContaining({ hostInfo: 'a:1', session: 's', leaseMs: 10_000, leaving: true })]);
      expect(snap.jobs).toEqual([
        { name: 'c', belongTo: 'a:1', epoch: 0n, parent: undefined },
        { name: 'c_x', belongTo: 'b:1', epoch: 0n, parent: 'c' },
      ]);
      expect(Number(snap.nowNs - (snap.syncers[0]?.timestampNs ?? 0n)) / 1e9).toBeLessThan(5);
      expect(await store.unregisterSyncer('a:1', 'other', signal)).toBe(false);
      expect(await store.unregisterSyncer('a:1', 's', signal)).toBe(true);
      expect(await store.listSyncers(signal)).toEqual([]);
    });

    it('reads and writes settings', async () => {
      expect(await store.getSetting('monitor_interval_seconds', signal)).toBeUndefined();
      await store.setSetting('monitor_interval_seconds', '120', signal);
      await store.setSetting('monitor_interval_seconds', '30', signal);
      expect(await store.getSetting('monitor_interval_seconds', signal)).toBe('30');
    });

    it('rejects calls after close, and close is idempotent', async () => {
      await store.close();
      await store.close();
      expect(await codeOf(store.listJobs(signal))).toBe(MetaStoreErrorCode.UNAVAILABLE);
    });

    it('rejects with the abort reason when the signal is already aborted', async () => {
      const ac = new AbortController();
      const reason = new Error('stop');
      ac.abort(reason);
      await expect(store.listJobs(ac.signal)).rejects.toBe(reason);
    });
  });
}
