// The ClusterMonitor: one loop, started by the composition root after the JobManager and
// stopped before it, that reconciles the cluster jobs this syncer owns (jobs.belong_to), each
// at its own interval. Which jobs, their definitions, their last pass and retry times are
// read from the store on every tick, so nothing is lost when the syncer restarts or another
// syncer takes a job over; the loop itself only sleeps until the next job is due.
// update_monitor_interval, a new or resumed cluster job wake it so changes apply at once.
import { errorMessage } from '../errors/ccr-error.js';
import type { LeaseGuard } from '../ha/lease.js';
import { UNLIMITED_LEASE } from '../ha/lease.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { JobSpec } from '../jobs/job-spec.js';
import { decodeJobInfo } from '../jobs/job-spec.js';
import type { PasswordCipher } from '../jobs/password-cipher.js';
import { WITHOUT_PASSWORDS } from '../jobs/password-cipher.js';
import { SerialQueue } from '../jobs/serial-queue.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import { FencedError } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import type { ClusterMetrics } from './cluster-metrics.js';
import type { ClusterStatus } from './cluster-status.js';
import { decodeClusterStatus, encodeClusterStatus } from './cluster-status.js';
import { effectiveInterval, readDefaultInterval } from './monitor-interval.js';
import { reconcile } from './reconcile.js';
import type { SourceCatalog } from './source-catalog.js';

export interface ClusterMonitorOptions {
  readonly store: MetaStore;
  readonly jobs: JobManager;
  readonly catalog: SourceCatalog;
  /** This syncer's identity: the monitor reconciles only cluster jobs it owns. */
  readonly identity: string;
  readonly cipher: PasswordCipher;
  readonly log: Logger;
  readonly metrics: ClusterMetrics;
  readonly now?: () => number;
  /** This syncer's lease (src/ha/): no pass runs, and no pass persists, while it is not valid. */
  readonly lease?: LeaseGuard;
}

/** After a pass that was interrupted or could not persist its status: try again this soon. */
const RESCHEDULE_MS = 1_000;
/** After a tick that failed (the store is unreachable): try again this soon. */
const TICK_RETRY_MS = 5_000;

/** When a cluster job's next pass is due (ms since the epoch): now for a job never reconciled. */
export function nextPassAt(status: ClusterStatus, intervalSeconds: number): number {
  if (status.checkedAt === undefined) return 0;
  let due = status.checkedAt + intervalSeconds * 1000;
  if (status.retryAt !== undefined) due = Math.min(due, status.retryAt);
  for (const d of status.databases) if (d.state === 'failed' && d.nextAttemptAt !== undefined) due = Math.min(due, d.nextAttemptAt);
  return due;
}

/** Children the status knows of (databases with a child job). */
function knownChildren(status: ClusterStatus): number {
  return status.databases.filter((d) => d.state === 'synced' || d.state === 'source_dropped' || d.state === 'owned_elsewhere').length;
}

export class ClusterMonitor {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeup: (() => void) | undefined;
  /** Serialises passes and operator requests per cluster job. */
  private readonly queues = new Map<string, SerialQueue>();
  /** Operator requests waiting per cluster job: a running pass stops at its next database. */
  private readonly waiting = new Map<string, number>();
  /** Jobs to reconcile at the next tick whatever their interval (a scheduling hint only). */
  private readonly requested = new Set<string>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly lease: LeaseGuard;

  constructor(private readonly o: ClusterMonitorOptions) {
    this.log = o.log.child({ component: 'cluster-monitor' });
    this.now = o.now ?? Date.now;
    this.lease = o.lease ?? UNLIMITED_LEASE;
  }

  /** Starts the loop (once), under the monitor's own AbortController. */
  start(): void {
    this.loop ??= this.run(this.controller.signal);
  }

  /** Aborts the loop (a pass in flight stops at its next await) and waits for it. Idempotent. */
  async stop(): Promise<void> {
    this.controller.abort(new Error('cluster monitor stopping'));
    this.wakeup?.();
    await this.loop;
  }

  /** Runs the due passes now and recomputes the schedule (new job, new interval). */
  wake(): void {
    this.woken = true;
    this.wakeup?.();
  }

  /** Reconciles `job` at once, whatever its interval (a resumed job catches up with what changed while paused). */
  requestPass(job: string): void {
    this.requested.add(job);
    this.wake();
  }

  /**
   * Runs `op` on a cluster job with no pass of that job in flight: a running pass stops at
   * its next database (leaving no half-done database), later passes wait for `op`.
   */
  async exclusive<T>(job: string, op: () => Promise<T>): Promise<T> {
    this.waiting.set(job, (this.waiting.get(job) ?? 0) + 1);
    try {
      return await this.queue(job).run(op);
    } finally {
      const left = (this.waiting.get(job) ?? 1) - 1;
      if (left === 0) this.waiting.delete(job);
      else this.waiting.set(job, left);
    }
  }

  /** The loop: tick, then sleep until the next job is due, a wake-up, or the abort. */
  async run(signal: AbortSignal): Promise<void> {
    this.log.info('cluster monitor started');
    while (!signal.aborted) {
      this.woken = false;
      let waitMs: number;
      try {
        waitMs = await this.tick(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.log.error({ err: errorMessage(err) }, 'cluster monitor tick failed; retrying');
        waitMs = TICK_RETRY_MS;
      }
      await this.sleep(waitMs, signal);
    }
    this.log.info('cluster monitor stopped');
  }

  /** Reconciles every owned, running cluster job that is due; resolves the wait until the next one. */
  private async tick(signal: AbortSignal): Promise<number> {
    // Without a lease another syncer may own these jobs already: look again soon.
    if (!this.lease.valid()) return RESCHEDULE_MS;
    const defaultSeconds = await readDefaultInterval(this.o.store, signal);
    // With nothing due earlier, look again after one default interval: picks up cluster
    // jobs another syncer handed to this one.
    let next = this.now() + defaultSeconds * 1000;
    for (const row of await this.o.store.listJobsOwnedBy(this.o.identity, signal)) {
      signal.throwIfAborted();
      let spec: JobSpec;
      try {
        spec = decodeJobInfo(row.jobInfo, WITHOUT_PASSWORDS, row.name);
      } catch {
        continue; // The JobManager shows it as broken.
      }
      if (spec.kind !== 'cluster') continue;
      let status = decodeClusterStatus(await this.o.store.getProgress(row.name, signal));
      this.o.metrics.publish(row.name, status, knownChildren(status));
      if (spec.state !== 'running') continue;
      const interval = effectiveInterval(spec, defaultSeconds);
      let due = this.requested.delete(row.name) ? 0 : nextPassAt(status, interval);
      if (due <= this.now()) {
        status = (await this.pass(row.name, signal)) ?? status;
        due = nextPassAt(status, interval);
        if (due <= this.now()) due = this.now() + RESCHEDULE_MS;
      }
      next = Math.min(next, due);
    }
    return Math.max(0, next - this.now());
  }

  /**
   * One pass of one job, re-reading it under the job's queue (an operator request may have
   * paused, deleted or moved it meanwhile). Resolves the persisted status, or undefined when
   * nothing was persisted. Rejects only on abort or a store failure.
   */
  private pass(name: string, signal: AbortSignal): Promise<ClusterStatus | undefined> {
    return this.queue(name).run(async () => {
      const row = await this.o.store.getJob(name, signal);
      if (!row || row.belongTo !== this.o.identity) return undefined;
      let spec: JobSpec;
      try {
        spec = decodeJobInfo(row.jobInfo, this.o.cipher, name);
      } catch (err) {
        this.log.warn({ job: name, err: errorMessage(err) }, 'cluster job cannot be read; not reconciled');
        return undefined;
      }
      if (spec.kind !== 'cluster' || spec.state !== 'running' || !this.lease.valid()) return undefined;
      const previous = decodeClusterStatus(await this.o.store.getProgress(name, signal));
      const deps = { store: this.o.store, jobs: this.o.jobs, catalog: this.o.catalog, identity: this.o.identity, log: this.log, now: this.now };
      const next = await reconcile(deps, spec, previous, signal, () => this.waiting.has(name));
      if (!next || !this.lease.valid()) return undefined;
      try {
        await this.o.store.updateProgress(name, encodeClusterStatus(next), signal, { owner: this.o.identity, epoch: row.epoch });
      } catch (err) {
        if (!(err instanceof FencedError)) throw err;
        this.o.metrics.countPass(name, 'fenced');
        this.log.warn({ job: name }, 'cluster job moved to another syncer during the pass');
        return undefined;
      }
      this.o.metrics.publish(name, next, knownChildren(next));
      this.o.metrics.countPass(name, next.lastError ? 'error' : 'ok');
      return next;
    });
  }

  private queue(job: string): SerialQueue {
    let q = this.queues.get(job);
    if (!q) {
      q = new SerialQueue();
      this.queues.set(job, q);
    }
    return q;
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeup = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wakeup = done;
    });
  }
}
