// An operator API wired to a real JobManager, an in-memory SQLite store and the test engine,
// with every log line captured (at trace level) so tests can grep them.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
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
import { TestEngine } from './test-engine.js';

export const IDENTITY = '127.0.0.1:9190';

export interface HttpHarness {
  readonly app: FastifyInstance;
  readonly jobs: JobManager;
  readonly store: MetaStore;
  readonly engine: TestEngine;
  readonly metrics: Metrics;
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
  const engine = new TestEngine({ idleMs: 20 });
  const metrics = createMetrics({ processMetrics: false });
  const jobs = new JobManager({
    store,
    engine: opts.engine ?? engine,
    identity: IDENTITY,
    cipher: createPasswordCipher(config.secret_key),
    log,
    metrics,
  });
  await jobs.start(signal);
  const app = buildHttpServer({ jobs, store, metrics, config, version: '0.1.0-test', log });
  await app.ready();
  return {
    app,
    jobs,
    store,
    engine,
    metrics,
    logs,
    async close() {
      await app.close();
      await jobs.stop();
      await store.close();
    },
  };
}
