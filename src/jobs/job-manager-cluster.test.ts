// What the JobManager does for cluster-level sync: cluster jobs are persisted without a
// runner, children carry their parent link in job_info and in the store's column.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterJobRequest, tableJobRequest } from '../../test/support/job-requests.js';
import { TestEngine } from '../../test/support/test-engine.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import { openSqliteMetaStore } from '../meta-store/sqlite/sqlite-meta-store.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { CreateJobRequest } from './job-spec.js';
import { JobErrorCode } from './job-errors.js';
import { JobManager } from './job-manager.js';
import { createPasswordCipher } from './password-cipher.js';

const ME = '127.0.0.1:9190';
const signal = new AbortController().signal;
/** The source database id the test engine resolves for every job. */
const DB_ID = 10_000_000_000_000_001n;

function childRequest(name: string, parent: string, dbId = DB_ID): CreateJobRequest {
  const base = tableJobRequest(name);
  return { ...base, src: { ...base.src, table: '' }, dest: { ...base.dest, table: '' }, parent: { job: parent, database: base.src.database, dbId } };
}

describe('JobManager and cluster jobs', () => {
  let store: MetaStore;
  let engine: TestEngine;
  let manager: JobManager;

  beforeEach(async () => {
    store = openSqliteMetaStore({ path: ':memory:' });
    await store.migrate(signal);
    engine = new TestEngine({ idleMs: 20 });
    manager = new JobManager({ store, engine, identity: ME, cipher: createPasswordCipher(''), log: silentLogger(), metrics: createMetrics({ processMetrics: false }) });
    await manager.start(signal);
  });

  afterEach(async () => {
    await manager.stop();
    await store.close();
  });

  it('persists a cluster job after the engine checked both clusters, and runs nothing for it', async () => {
    await manager.create(clusterJobRequest('c1', { monitorIntervalSeconds: 5 }), signal);
    expect(engine.prepared.map((s) => s.kind)).toEqual(['cluster']);
    expect(engine.runners.has('c1')).toBe(false);
    expect(manager.kindOf('c1')).toBe('cluster');
    expect(manager.definition('c1').cluster?.monitorIntervalSeconds).toBe(5);
    expect(JSON.parse((await store.getJob('c1', signal))?.jobInfo ?? '{}')).toMatchObject({ sync_type: 2, cluster_sync: { monitor_interval_seconds: 5 } });
    await manager.pause('c1', signal);
    await manager.resume('c1', signal);
    expect(manager.status('c1')).toMatchObject({ kind: 'cluster', state: 'running' });
    await expect(manager.setBeingSynced('c1', false, signal)).rejects.toMatchObject({ code: JobErrorCode.INVALID_REQUEST });
    await expect(manager.skipBinlog('c1', { by: 'fullsync' }, signal)).rejects.toThrow(/cluster job; skipping binlogs applies to its database jobs/);
  });

  it('links a child to its parent in job_info and in the store, and detaches it', async () => {
    await manager.create(clusterJobRequest('c1'), signal);
    await manager.create(childRequest('c1_db1', 'c1'), signal);
    expect((await store.listChildJobs('c1', signal)).map((j) => j.name)).toEqual(['c1_db1']);
    expect(manager.definition('c1_db1').parent).toEqual({ job: 'c1', database: 'db1', dbId: DB_ID });
    expect(await manager.list(signal)).toEqual([
      { name: 'c1', kind: 'cluster', parent: undefined, owner: ME },
      { name: 'c1_db1', kind: 'db', parent: 'c1', owner: ME },
    ]);
    // The runner's own spec updates keep the link.
    await manager.updateHostMapping('c1_db1', { a: 'b' }, {}, signal);
    expect((await store.getJob('c1_db1', signal))?.parent).toBe('c1');
    await manager.setParent('c1_db1', undefined, signal);
    expect(await store.listChildJobs('c1', signal)).toEqual([]);
    expect((await store.getJob('c1_db1', signal))?.jobInfo).not.toContain('"parent"');
  });

  it('refuses a child whose source database got another id since the parent listed it', async () => {
    await expect(manager.create(childRequest('c1_db1', 'c1', 42n), signal)).rejects.toMatchObject({ code: JobErrorCode.SOURCE_CHANGED, category: 'meta' });
    expect(await store.getJob('c1_db1', signal)).toBeUndefined();
  });
});
