// Cluster-sync wiring for unit tests: an in-memory SQLite store, a fake source cluster, the
// cluster test engine, a real JobManager, ClusterMonitor (not started) and ClusterJobs.
import { ClusterJobs } from '../../src/cluster/cluster-jobs.js';
import type { ClusterMetrics } from '../../src/cluster/cluster-metrics.js';
import { createClusterMetrics } from '../../src/cluster/cluster-metrics.js';
import { ClusterMonitor } from '../../src/cluster/cluster-monitor.js';
import type { ReconcileDeps } from '../../src/cluster/reconcile.js';
import { JobManager } from '../../src/jobs/job-manager.js';
import { createPasswordCipher } from '../../src/jobs/password-cipher.js';
import type { MetaStore } from '../../src/meta-store/meta-store.js';
import { openSqliteMetaStore } from '../../src/meta-store/sqlite/sqlite-meta-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { Metrics } from '../../src/observability/metrics.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ClusterTestEngine, FakeSourceCatalog } from './fake-source-catalog.js';

export const ME = '127.0.0.1:9190';

export interface ClusterFixture {
  readonly store: MetaStore;
  readonly catalog: FakeSourceCatalog;
  readonly engine: ClusterTestEngine;
  readonly jobs: JobManager;
  readonly monitor: ClusterMonitor;
  readonly clusters: ClusterJobs;
  readonly metrics: Metrics;
  readonly clusterMetrics: ClusterMetrics;
  /** What reconcile() needs, with this fixture's clock. */
  readonly deps: ReconcileDeps;
  close(): Promise<void>;
}

export async function clusterFixture(opts: { now?: () => number; store?: MetaStore } = {}): Promise<ClusterFixture> {
  const signal = new AbortController().signal;
  const store = opts.store ?? openSqliteMetaStore({ path: ':memory:' });
  await store.migrate(signal);
  const catalog = new FakeSourceCatalog();
  const engine = new ClusterTestEngine(catalog);
  const metrics = createMetrics({ processMetrics: false });
  const log = silentLogger();
  const cipher = createPasswordCipher('');
  const jobs = new JobManager({ store, engine, identity: ME, cipher, log, metrics });
  await jobs.start(signal);
  const clusterMetrics = createClusterMetrics(metrics);
  const now = opts.now ?? Date.now;
  const monitor = new ClusterMonitor({ store, jobs, catalog, identity: ME, cipher, log, metrics: clusterMetrics, now });
  const clusters = new ClusterJobs({ jobs, store, monitor, identity: ME, log });
  return {
    store,
    catalog,
    engine,
    jobs,
    monitor,
    clusters,
    metrics,
    clusterMetrics,
    deps: { store, jobs, catalog, identity: ME, log, now },
    async close() {
      await monitor.stop();
      await jobs.stop();
      await store.close();
    },
  };
}
