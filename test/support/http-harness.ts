// An operator API wired to a real JobManager, an in-memory SQLite store and the test engine,
// with every log line captured (at trace level) so tests can grep them.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ClusterJobs } from '../../src/cluster/cluster-jobs.js';
import { createClusterMetrics } from '../../src/cluster/cluster-metrics.js';
import { ClusterMonitor } from '../../src/cluster/cluster-monitor.js';
import type { Config } from '../../src/config/options.js';
import { defaultConfig } from '../../src/config/options.js';
import { buildHttpServer } from '../../src/http/server.js';
import type { SyncEngine } from '../../src/jobs/engine.js';
import { JobManager } from '../../src/jobs/job-manager.js';
import { createPasswordCipher } from '../../src/jobs/password-cipher.js';
import type { MetaStore } from '../../src/meta-store/meta-store.js';
import { openSqliteMetaStore } from '../../src/meta-store/sqlite/sqlite-meta-store.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Metrics } from '../../src/observability/metrics.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ClusterTestEngine, FakeSourceCatalog } from './fake-source-catalog.js';
import type { TestEngine } from './test-engine.js';

export const IDENTITY = '127.0.0.1:9190';

export interface HttpHarness {
  readonly app: FastifyInstance;
  readonly jobs: JobManager;
  readonly store: MetaStore;
  readonly engine: TestEngine;
  readonly metrics: Metrics;
  /** The source cluster cluster jobs see (databases with ids), and their running monitor. */
  readonly catalog: FakeSourceCatalog;
  readonly monitor: ClusterMonitor;
  /** Every log line written so far. */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function httpHarness(opts: { config?: Partial<Config>; engine?: SyncEngine } = {}): Promise<HttpHarness> {
  const config: Config = { ...defaultConfig(), ...opts.config };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = createLogger({ level: 'trace', destination: sink });
  const store = openSqliteMetaStore({ path: ':memory:' });
  const signal = new AbortController().signal;
  await store.migrate(signal);
  const catalog = new FakeSourceCatalog();
  const engine = new ClusterTestEngine(catalog);
  const metrics = createMetrics({ processMetrics: false });
  const cipher = createPasswordCipher(config.secret_key);
  const jobs = new JobManager({ store, engine: opts.engine ?? engine, identity: IDENTITY, cipher, log, metrics });
  await jobs.start(signal);
  const monitor = new ClusterMonitor({ store, jobs, catalog, identity: IDENTITY, cipher, log, metrics: createClusterMetrics(metrics) });
  const clusters = new ClusterJobs({ jobs, store, monitor, identity: IDENTITY, log });
  monitor.start();
  const app = buildHttpServer({ jobs, clusters, metrics, config, version: '0.1.0-test', log });
  await app.ready();
  return {
    app,
    jobs,
    store,
    engine,
    metrics,
    catalog,
    monitor,
    logs,
    async close() {
      await app.close();
      await monitor.stop();
      await jobs.stop();
      await store.close();
    },
  };
}
