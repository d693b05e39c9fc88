// The composition root: builds the meta store, metrics, engine, JobManager, ClusterMonitor
// and HTTP server, passes dependencies through constructors, and starts them in order
// (stopping in reverse):
//
//   http port (reserved when --port 0, so the identity names the bound port) → meta store
//     (open + migrate) → syncer registry → [http drain] → engine + jobs → cluster monitor
//     → HA loop (MySQL store) → http listen
//
// Stopping runs backwards: the HTTP server stops accepting (new requests get 503), the HA
// service hands this syncer's jobs to the others and leaves the registry (MySQL store), the
// cluster monitor stops (a pass in flight is aborted), jobs stop at their step boundaries,
// in-flight requests drain, then the store closes.
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ClusterJobs } from './cluster/cluster-jobs.js';
import { createClusterMetrics } from './cluster/cluster-metrics.js';
import { ClusterMonitor } from './cluster/cluster-monitor.js';
import { SqlSourceCatalog } from './cluster/sql-source-catalog.js';
import { syncerIdentity } from './config/derived.js';
import type { Config } from './config/options.js';
import { syncerVersion } from './config/version.js';
import { createHaMetrics } from './ha/ha-metrics.js';
import { HaService } from './ha/ha-service.js';
import type { LeaseGuard } from './ha/lease.js';
import { Lease, leaseMargin, UNLIMITED_LEASE } from './ha/lease.js';
import type { PortReservation } from './http/port-reservation.js';
import { reservePort } from './http/port-reservation.js';
import { buildHttpServer } from './http/server.js';
import type { SyncEngine } from './jobs/engine.js';
import { JobManager } from './jobs/job-manager.js';
import { createPasswordCipher } from './jobs/password-cipher.js';
import { Lifecycle } from './lifecycle/lifecycle.js';
import type { MetaStore } from './meta-store/meta-store.js';
import { openMysqlMetaStore } from './meta-store/mysql/mysql-meta-store.js';
import { openSqliteMetaStore } from './meta-store/sqlite/sqlite-meta-store.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { createMetrics } from './observability/metrics.js';

/** What an engine gets to build itself. */
export interface EngineDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
}

export interface AppOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Builds the sync engine (src/main.ts passes the real one, tests a test engine). */
  readonly createEngine: (deps: EngineDeps) => SyncEngine;
  /** Base for relative paths (db_dir). */
  readonly cwd: string;
  /** Node process metrics on /metrics (default true). */
  readonly processMetrics?: boolean;
}

export interface App {
  readonly identity: string;
  readonly metrics: Metrics;
  /** Starts every component in order; on failure, stops what started and rejects. */
  start(): Promise<void>;
  /** Stops in reverse order. Idempotent. */
  stop(): Promise<void>;
  /** The bound HTTP address, once listening. */
  address(): { host: string; port: number } | undefined;
  /** Available after start(). */
  readonly jobs: JobManager;
  readonly store: MetaStore;
  readonly http: FastifyInstance;
}

export function createApp(o: AppOptions): App {
  const { config, log } = o;
  // With --port 0 and a MySQL store this becomes host:<bound port> once the port is reserved.
  let identity = syncerIdentity(config);
  let reservation: PortReservation | undefined;
  let ha: HaService | undefined;
  let lease: LeaseGuard = UNLIMITED_LEASE;
  const metrics = createMetrics({ processMetrics: o.processMetrics ?? true });
  const lifecycle = new Lifecycle(log.child({ component: 'lifecycle' }));
  let store: MetaStore | undefined;
  const cipher = createPasswordCipher(config.secret_key);
  let jobs: JobManager | undefined;
  let engine: SyncEngine | undefined;
  let catalog: SqlSourceCatalog | undefined;
  let monitor: ClusterMonitor | undefined;
  let clusters: ClusterJobs | undefined;
  let http: FastifyInstance | undefined;
  let httpClosed: Promise<void> | undefined;
  let bound: { host: string; port: number } | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not available before start()`);
    return v;
  };

  lifecycle.add({
    name: 'http-port',
    async start() {
      reservation = await reservePort(config.listen_host, config.port);
      // Shared (MySQL) store: the identity is what other syncers redirect to and must be
      // unique, so it names the bound port. SQLite: one syncer, whose jobs must still be its
      // own after a restart on another OS-picked port, so the identity stays as configured.
      if (config.db_type === 'mysql') identity = syncerIdentity({ host: config.host, port: reservation.port });
    },
    stop: async () => reservation?.release(),
  });

  lifecycle.add({
    name: 'meta-store',
    async start(signal) {
      store =
        config.db_type === 'mysql'
          ? await openMysqlMetaStore(
              {
                host: config.db_host,
                port: config.db_port,
                user: config.db_user,
                password: config.db_password,
                database: config.db_name,
                maxConnections: config.db_max_open_conns,
                connectTimeoutMs: config.connect_timeout,
              },
              signal,
            )
          : openSqliteMetaStore({ path: resolve(o.cwd, config.db_dir) });
      try {
        await store.migrate(signal);
      } catch (err) {
        await store.close();
        throw err;
      }
      log.info({ kind: store.kind, where: config.db_type === 'mysql' ? `${config.db_host}:${config.db_port}/${config.db_name}` : resolve(o.cwd, config.db_dir) }, 'meta store ready');
    },
    stop: async () => store?.close(),
  });

  lifecycle.add({
    name: 'syncer-registry',
    async start(signal) {
      const s = need(store, 'store');
      // SQLite: one syncer, as in Go: a plain upsert of its row, no heartbeat, no lease.
      if (config.db_type !== 'mysql') return s.upsertSyncer(identity, BigInt(Date.now()) * 1_000_000n, signal);
      const haLease = new Lease({ owner: identity, leaseMs: config.ha_lease, marginMs: leaseMargin(config.ha_lease) });
      ha = new HaService({
        store: s,
        identity,
        lease: haLease,
        leaseMs: config.ha_lease,
        heartbeatMs: config.ha_heartbeat_interval,
        rebalanceBatch: config.ha_rebalance_batch,
        handoverTimeoutMs: Math.max(1_000, Math.floor(config.shutdown_grace_ms / 2)),
        log,
        metrics: createHaMetrics(metrics),
      });
      await ha.register(signal);
      lease = haLease;
    },
    // Normally a no-op (the 'ha' component left the registry); after a start that failed
    // before 'ha' started, this deletes the row, so a retry need not wait for the lease.
    stop: async () => ha?.stop(),
  });

  lifecycle.add({
    name: 'http-drain',
    // Stopped after the jobs: waits for requests still in flight when the server stopped accepting.
    stop: async () => httpClosed,
  });

  lifecycle.add({
    name: 'jobs',
    async start(signal) {
      engine = o.createEngine({ config, log: log.child({ component: 'engine' }), metrics });
      jobs = new JobManager({
        store: need(store, 'store'),
        engine,
        identity,
        cipher,
        log,
        metrics,
        lease,
      });
      await jobs.start(signal);
    },
    async stop() {
      await jobs?.stop();
      await engine?.close();
    },
  });

  lifecycle.add({
    name: 'cluster-monitor',
    // Started after the jobs (it creates and deletes child jobs through them), stopped before.
    async start() {
      const s = need(store, 'store');
      const j = need(jobs, 'jobs');
      catalog = new SqlSourceCatalog({ connectTimeoutMs: config.connect_timeout, log: log.child({ component: 'source-catalog' }) });
      monitor = new ClusterMonitor({ store: s, jobs: j, catalog, identity, cipher, log, metrics: createClusterMetrics(metrics), lease });
      clusters = new ClusterJobs({ jobs: j, store: s, monitor, identity, log: log.child({ component: 'cluster-jobs' }) });
      monitor.start();
    },
    async stop() {
      await monitor?.stop();
      await catalog?.close();
    },
  });

  lifecycle.add({
    name: 'ha',
    // Started once jobs and the monitor run; stopped first after the HTTP server, so the
    // hand-over on a graceful stop still has runners to stop and a monitor to lock.
    async start() {
      const j = need(jobs, 'jobs');
      ha?.start(
        {
          reconcileOwned: (rows, signal) => j.reconcileOwned(rows, signal),
          unloadAll: (why) => j.unloadAll(why),
          handOver: (name, to, epoch, signal) => j.handOver(name, to, epoch, signal),
          isClusterJob: (name) => {
            try {
              return j.kindOf(name) === 'cluster';
            } catch {
              return false;
            }
          },
        },
        monitor,
      );
    },
    stop: async () => ha?.stop(),
  });

  lifecycle.add({
    name: 'http',
    async start() {
      http = buildHttpServer({ jobs: need(jobs, 'jobs'), clusters: need(clusters, 'clusters'), metrics, config, version: syncerVersion(), log });
      await need(reservation, 'port').release();
      await http.listen({ host: config.listen_host, port: need(reservation, 'port').port });
      const addr = http.server.address();
      bound = typeof addr === 'object' && addr !== null ? { host: addr.address, port: addr.port } : undefined;
      log.info({ host: bound?.host, port: bound?.port, identity }, 'http listening');
    },
    async stop() {
      // Stop accepting now; the drain is awaited by 'http-drain' after the jobs stopped.
      httpClosed = http?.close();
    },
  });

  return {
    get identity() {
      return identity;
    },
    metrics,
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    address: () => bound,
    get jobs() {
      return need(jobs, 'jobs');
    },
    get store() {
      return need(store, 'store');
    },
    get http() {
      return need(http, 'http');
    },
  };
}
