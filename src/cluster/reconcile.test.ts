import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { clusterFixture } from '../../test/support/cluster-fixture.js';
import { clusterJobRequest, tableJobRequest } from '../../test/support/job-requests.js';
import { CcrError } from '../errors/ccr-error.js';
import type { ClusterSyncOptions } from '../jobs/cluster-sync-options.js';
import type { ClusterStatus, DatabaseStatus } from './cluster-status.js';
import { EMPTY_CLUSTER_STATUS } from './cluster-status.js';
import { reconcile, retryDelayMs } from './reconcile.js';

const signal = new AbortController().signal;

describe('reconcile', () => {
  let f: ClusterFixture;
  let clock: number;

  beforeEach(async () => {
    clock = 1_800_000_000_000;
    f = await clusterFixture({ now: () => clock });
  });

  afterEach(async () => {
    await f.close();
  });

  async function cluster(options: Partial<ClusterSyncOptions> = {}) {
    await f.jobs.create(clusterJobRequest('c1', options), signal);
    return f.jobs.definition('c1');
  }

  async function pass(previous: ClusterStatus = EMPTY_CLUSTER_STATUS): Promise<ClusterStatus> {
    const next = await reconcile(f.deps, f.jobs.definition('c1'), previous, signal, () => false);
    if (!next) throw new Error('interrupted');
    return next;
  }

  const byDb = (s: ClusterStatus): Record<string, Pick<DatabaseStatus, 'state' | 'child'>> =>
    Object.fromEntries(s.databases.map((d) => [d.database, { state: d.state, child: d.child }]));
  const children = async (): Promise<string[]> => (await f.store.listChildJobs('c1', signal)).map((j) => j.name);

  it('creates one child per selected database, skips system databases, reports binlog off, and is idempotent', async () => {
    f.catalog.create('sales');
    f.catalog.create('hr');
    f.catalog.create('tmp_x');
    f.catalog.create('nolog', false);
    await cluster({ excludeDatabases: ['tmp_*'] });
    const first = await pass();
    expect(byDb(first)).toEqual({
      hr: { state: 'synced', child: 'c1_hr' },
      nolog: { state: 'binlog_disabled', child: 'c1_nolog' },
      sales: { state: 'synced', child: 'c1_sales' },
    });
    expect(first.databases.find((d) => d.database === 'nolog')?.lastError?.message).toMatch(/^binlog is not enabled on source database nolog: run scripts\/enable_db_binlog\.sh/);
    expect(await children()).toEqual(['c1_hr', 'c1_sales']);
    expect(f.jobs.definition('c1_sales')).toMatchObject({
      kind: 'db',
      src: { database: 'sales', dbId: f.catalog.idOf('sales') },
      dest: { database: 'sales' },
      parent: { job: 'c1', database: 'sales', dbId: f.catalog.idOf('sales') },
    });
    const prepared = f.engine.prepared.length;
    const second = await pass(first);
    expect(byDb(second)).toEqual(byDb(first));
    expect(f.engine.prepared.length).toBe(prepared);
    f.catalog.enableBinlog('nolog');
    expect(byDb(await pass(second)).nolog).toEqual({ state: 'synced', child: 'c1_nolog' });
  });

  it('accepts an empty cluster and picks up databases created later', async () => {
    await cluster();
    const empty = await pass();
    expect(empty.databases).toEqual([]);
    expect(empty.checkedAt).toBe(clock);
    f.catalog.create('late');
    expect(byDb(await pass(empty))).toEqual({ late: { state: 'synced', child: 'c1_late' } });
  });

  it('deletes the child of a dropped database, and recreates the child of a recreated one with a full sync', async () => {
    f.catalog.create('a');
    f.catalog.create('b');
    await cluster();
    let s = await pass();
    f.engine.produce('c1_b', 3);
    await expect.poll(async () => f.store.getProgress('c1_b', signal)).toContain('"prev_commit_seq":3');
    f.catalog.drop('a');
    s = await pass(s);
    expect(Object.keys(byDb(s))).toEqual(['b']);
    expect(await f.store.getJob('c1_a', signal)).toBeUndefined();

    const oldRunner = f.engine.runners.get('c1_b');
    const newId = f.catalog.create('b');
    s = await pass(s);
    expect(byDb(s).b).toEqual({ state: 'synced', child: 'c1_b' });
    expect(f.jobs.definition('c1_b').parent?.dbId).toBe(newId);
    // A new job whose runner starts without progress: the engine's full sync.
    expect(f.engine.runners.get('c1_b')).not.toBe(oldRunner);
    expect(f.engine.prepared.filter((p) => p.name === 'c1_b')).toHaveLength(2);
  });

  it('keeps the child of a dropped database paused when asked to', async () => {
    f.catalog.create('a');
    await cluster({ onDatabaseDropped: 'pause' });
    let s = await pass();
    f.catalog.drop('a');
    s = await pass(s);
    expect(byDb(s).a).toEqual({ state: 'source_dropped', child: 'c1_a' });
    expect(f.jobs.status('c1_a').state).toBe('paused');
    expect(byDb(await pass(s)).a?.state).toBe('source_dropped');
  });

  it('retries a failed creation with back-off and shows the error', async () => {
    f.catalog.create('a');
    f.engine.failFor.set('a', new CcrError('CCR_E0502', 'cannot reach the destination FE', { category: 'sql', disposition: 'retry' }));
    await cluster();
    let s = await pass();
    expect(s.databases[0]).toMatchObject({ state: 'failed', attempts: 1, lastError: { code: 'CCR_E0502', message: 'cannot reach the destination FE' }, nextAttemptAt: clock + retryDelayMs(1) });
    const prepared = f.engine.prepared.length;
    clock += retryDelayMs(1) - 1;
    s = await pass(s);
    expect(s.databases[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(f.engine.prepared.length).toBe(prepared);
    clock += 1;
    s = await pass(s);
    expect(s.databases[0]).toMatchObject({ state: 'failed', attempts: 2, nextAttemptAt: clock + retryDelayMs(2) });
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    f.engine.failFor.clear();
    clock += retryDelayMs(2);
    s = await pass(s);
    expect(s.databases[0]).toMatchObject({ state: 'synced', attempts: 0, lastError: undefined });
  });

  it('reports a name taken by an unrelated job and leaves that job alone', async () => {
    f.catalog.create('db1');
    await f.jobs.create(tableJobRequest('c1_db1'), signal);
    await cluster();
    const s = await pass();
    expect(s.databases[0]).toMatchObject({ state: 'name_conflict', lastError: { code: 'CCR_K0001' } });
    expect(s.databases[0]?.lastError?.message).toContain('job c1_db1 already exists and is not a child of cluster job c1');
    expect(f.jobs.definition('c1_db1')).toMatchObject({ kind: 'table', parent: undefined });
  });

  it('does not touch a child owned by another syncer', async () => {
    f.catalog.create('a');
    await cluster();
    let s = await pass();
    await f.store.transferJob('c1_a', 'other:9190', signal);
    f.catalog.drop('a');
    s = await pass(s);
    expect(s.databases[0]).toMatchObject({ database: 'a', state: 'owned_elsewhere', child: 'c1_a', lastError: { code: 'CCR_K0003' } });
    expect(await f.store.getJob('c1_a', signal)).toBeDefined();
  });

  it('keeps the last view and retries with back-off when the source cannot be listed', async () => {
    f.catalog.create('a');
    await cluster();
    const ok = await pass();
    f.catalog.failure = new CcrError('CCR_R0301', 'connect ECONNREFUSED', { category: 'sql', disposition: 'retry' });
    clock += 1000;
    const failed = await pass(ok);
    expect(failed).toMatchObject({ checkedAt: clock, failures: 1, retryAt: clock + retryDelayMs(1), lastError: { code: 'CCR_K0004' } });
    expect(failed.lastError?.message).toBe('cannot list the source databases: connect ECONNREFUSED');
    expect(failed.databases).toEqual(ok.databases);
    f.catalog.failure = undefined;
    expect(await pass(failed)).toMatchObject({ failures: 0, lastError: undefined, retryAt: undefined });
  });

  it('stops between databases when interrupted, persisting nothing', async () => {
    f.catalog.create('a');
    f.catalog.create('b');
    await cluster();
    let calls = 0;
    const next = await reconcile(f.deps, f.jobs.definition('c1'), EMPTY_CLUSTER_STATUS, signal, () => ++calls > 1);
    expect(next).toBeUndefined();
    expect(await children()).toEqual(['c1_a']);
  });
});
