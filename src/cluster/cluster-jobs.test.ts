import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { clusterFixture, ME } from '../../test/support/cluster-fixture.js';
import { clusterJobRequest, tableJobRequest } from '../../test/support/job-requests.js';
import { waitFor } from '../../test/support/wait.js';
import { ClusterErrorCode } from './cluster-errors.js';
import { decodeClusterStatus } from './cluster-status.js';

const signal = new AbortController().signal;

describe('ClusterJobs', () => {
  let f: ClusterFixture;

  beforeEach(async () => {
    f = await clusterFixture();
    f.catalog.create('a');
    f.catalog.create('b');
    await f.clusters.create(clusterJobRequest('c1', { monitorIntervalSeconds: 3600 }), signal);
    f.monitor.start();
    await waitFor(async () => (await f.store.listChildJobs('c1', signal)).length === 2, 'children created');
  });

  afterEach(async () => {
    await f.close();
  });

  const states = (...names: string[]) => names.map((n) => f.jobs.status(n).state);

  it('pauses and resumes the cluster job with its children', async () => {
    expect(await f.clusters.pause('c1', signal)).toEqual(['c1_a', 'c1_b']);
    expect(states('c1', 'c1_a', 'c1_b')).toEqual(['paused', 'paused', 'paused']);
    // A paused cluster job is not reconciled.
    f.catalog.create('c');
    f.monitor.wake();
    expect(await f.clusters.resume('c1', signal)).toEqual(['c1_a', 'c1_b']);
    expect(states('c1', 'c1_a', 'c1_b')).toEqual(['running', 'running', 'running']);
    await waitFor(async () => (await f.store.getJob('c1_c', signal)) !== undefined, 'the resumed job reconciled at once');
  });

  it('shows its last pass and its children in its status, and the largest child lag', async () => {
    f.engine.produce('c1_b', 5);
    const s = await f.clusters.status('c1', signal);
    expect(s).toMatchObject({ name: 'c1', state: 'running', intervalSeconds: 3600, defaultInterval: false, pending: 0, lastError: undefined });
    expect(s.databases.map((d) => [d.database, d.state, d.child])).toEqual([
      ['a', 'synced', 'c1_a'],
      ['b', 'synced', 'c1_b'],
    ]);
    expect(s.children.map((c) => [c.name, c.database, c.state])).toEqual([
      ['c1_a', 'a', 'running'],
      ['c1_b', 'b', 'running'],
    ]);
    expect(s.nextPassAt).toBe((s.checkedAt ?? 0) + 3_600_000);
    const lag = await f.clusters.lag('c1', signal);
    expect(lag.children.map((c) => c.name)).toEqual(['c1_a', 'c1_b']);
    expect(lag.lag).toBe(lag.children.reduce((m, c) => ((c.lag ?? 0n) > m ? (c.lag ?? 0n) : m), 0n));
  });

  it('deletes with its children on cascade, otherwise detaches them', async () => {
    await f.clusters.create(clusterJobRequest('c2', { monitorIntervalSeconds: 3600, childNameTemplate: 'x_<db>' }), signal);
    await waitFor(async () => (await f.store.listChildJobs('c2', signal)).length === 2, 'c2 children');
    expect(await f.clusters.remove('c1', true, signal)).toEqual({ deleted: ['c1_a', 'c1_b'], detached: [] });
    expect((await f.jobs.list(signal)).map((j) => j.name)).toEqual(['c2', 'x_a', 'x_b']);
    expect(await f.clusters.remove('c2', false, signal)).toEqual({ deleted: [], detached: ['x_a', 'x_b'] });
    expect(await f.jobs.list(signal)).toEqual([
      { name: 'x_a', kind: 'db', parent: undefined, owner: ME },
      { name: 'x_b', kind: 'db', parent: undefined, owner: ME },
    ]);
    expect(f.jobs.status('x_a').state).toBe('running');
    expect(await f.metrics.registry.getSingleMetricAsString('ccr_cluster_children')).not.toContain('job="c1"');
  });

  it('refuses a cascade that would change a child owned by another syncer, changing nothing', async () => {
    await f.store.transferJob('c1_b', 'other:9190', signal);
    await expect(f.clusters.pause('c1', signal)).rejects.toMatchObject({ code: ClusterErrorCode.CHILD_ELSEWHERE, message: expect.stringContaining('c1_b (owned by other:9190)') as unknown });
    expect(f.jobs.status('c1').state).toBe('running');
    await expect(f.clusters.remove('c1', true, signal)).rejects.toMatchObject({ code: ClusterErrorCode.CHILD_ELSEWHERE });
    expect(await f.store.getJob('c1_a', signal)).toBeDefined();
  });

  it('runs operator requests between databases of a pass, never in the middle of one', async () => {
    await f.clusters.setInterval('c1', 1, signal);
    f.catalog.create('c');
    f.catalog.create('d');
    let release!: () => void;
    f.engine.prepareGate = new Promise((r) => (release = r));
    await waitFor(() => f.engine.runners.size === 2 && f.catalog.listCalls >= 2, 'second pass started');
    const paused = f.clusters.pause('c1', signal);
    release();
    f.engine.prepareGate = undefined;
    await paused;
    // The pass finished the database it was creating (c), then yielded: d waits for a resume.
    const children = (await f.store.listChildJobs('c1', signal)).map((j) => j.name);
    expect(children).toEqual(['c1_a', 'c1_b', 'c1_c']);
    expect(states(...children)).toEqual(['paused', 'paused', 'paused']);
    expect(decodeClusterStatus(await f.store.getProgress('c1', signal)).databases.map((d) => d.database)).toEqual(['a', 'b']);
  });

  it('answers interval requests for cluster jobs only', async () => {
    f.catalog.create('db1');
    await f.jobs.create(tableJobRequest('t1'), signal);
    await expect(f.clusters.setInterval('t1', 5, signal)).rejects.toMatchObject({ code: ClusterErrorCode.NOT_CLUSTER_JOB });
    await expect(f.clusters.interval('t1', signal)).rejects.toMatchObject({ code: ClusterErrorCode.NOT_CLUSTER_JOB });
    expect(await f.clusters.interval(undefined, signal)).toEqual({ seconds: 120, defaultSeconds: 120 });
    expect(await f.clusters.interval('c1', signal)).toEqual({ seconds: 3600, defaultSeconds: 120 });
  });
});
