import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { clusterFixture } from '../../test/support/cluster-fixture.js';
import { clusterJobRequest } from '../../test/support/job-requests.js';
import { waitFor } from '../../test/support/wait.js';
import { encodeJobInfo, newJobSpec } from '../jobs/job-spec.js';
import { createPasswordCipher } from '../jobs/password-cipher.js';
import { decodeClusterStatus } from './cluster-status.js';
import { nextPassAt } from './cluster-monitor.js';
import { writeDefaultInterval } from './monitor-interval.js';

const signal = new AbortController().signal;

describe('ClusterMonitor', () => {
  let f: ClusterFixture;

  beforeEach(async () => {
    f = await clusterFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  const status = async (name = 'c1') => decodeClusterStatus(await f.store.getProgress(name, signal));

  it('reconciles only the running cluster jobs this syncer owns', async () => {
    f.catalog.create('a');
    await f.store.addJob('b_theirs', encodeJobInfo(newJobSpec(clusterJobRequest('b_theirs')), createPasswordCipher('')), 'other:9190', signal);
    await f.jobs.create(clusterJobRequest('c0_paused'), signal);
    await f.jobs.pause('c0_paused', signal);
    await f.jobs.create(clusterJobRequest('c1'), signal);
    f.monitor.start();
    await waitFor(async () => (await status()).checkedAt !== undefined, 'first pass of c1');
    expect((await f.store.listChildJobs('c1', signal)).map((j) => j.name)).toEqual(['c1_a']);
    expect(await f.store.getProgress('b_theirs', signal)).toBeUndefined();
    expect(await f.store.getProgress('c0_paused', signal)).toBeUndefined();
    expect(await f.metrics.registry.getSingleMetricAsString('ccr_cluster_databases')).toContain('ccr_cluster_databases{job="c1",state="synced"} 1');
    expect(await f.metrics.registry.getSingleMetricAsString('ccr_cluster_children')).toContain('ccr_cluster_children{job="c1"} 1');
  });

  it('runs each job at its own interval and applies a new interval at once, without a restart', async () => {
    await writeDefaultInterval(f.store, 3600, signal);
    await f.jobs.create(clusterJobRequest('c1'), signal);
    f.monitor.start();
    await waitFor(async () => (await status()).checkedAt !== undefined, 'first pass');
    const first = await status();
    expect(nextPassAt(first, 3600)).toBe((first.checkedAt ?? 0) + 3_600_000);
    // Due in an hour: a database created now waits, until the interval changes.
    f.catalog.create('late');
    await f.clusters.setInterval('c1', 1, signal);
    await waitFor(async () => (await status()).databases.some((d) => d.database === 'late'), 'pass after the interval change', 3000);
    // Then every second.
    const calls = f.catalog.listCalls;
    await waitFor(() => f.catalog.listCalls >= calls + 2, 'two more passes at 1 s', 4000);
    // The syncer-wide default applies to jobs without their own interval.
    await f.jobs.create(clusterJobRequest('c2'), signal);
    f.monitor.wake();
    await waitFor(async () => (await status('c2')).checkedAt !== undefined, 'first pass of c2');
    expect((await f.clusters.interval('c2', signal)).seconds).toBe(3600);
    await f.clusters.setInterval(undefined, 1, signal);
    const c2 = (await status('c2')).checkedAt ?? 0;
    await waitFor(async () => ((await status('c2')).checkedAt ?? 0) > c2, 'c2 reconciled at the new default', 3000);
  });

  it('stops promptly in the middle of a pass, leaving nothing half-done', async () => {
    await f.jobs.create(clusterJobRequest('c1'), signal);
    f.catalog.create('a');
    f.engine.prepareGate = new Promise(() => undefined);
    f.monitor.start();
    await waitFor(() => f.catalog.listCalls >= 1, 'pass started');
    const t0 = Date.now();
    await f.monitor.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await f.monitor.stop();
    expect(await f.store.listChildJobs('c1', signal)).toEqual([]);
    expect(await f.store.getProgress('c1', signal)).toBeUndefined();
  });
});
