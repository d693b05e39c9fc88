// The operator side of cluster jobs: create, pause/resume and delete with their cascade to
// the children, status, lag and the monitor interval. Requests that change a cluster job run
// exclusively of its reconciliation passes (ClusterMonitor.exclusive), so a pass never
// creates a child under a delete. Children are changed only on the syncer that owns them:
// they are created on their parent's owner, and a request that would have to change a child
// owned elsewhere is refused before anything changes.
import { errorMessage } from '../errors/ccr-error.js';
import type { JobErrorInfo } from '../jobs/engine.js';
import { jobNotFound } from '../jobs/job-errors.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { JobOverviewRow } from '../jobs/job-overview.js';
import type { CreateJobRequest, JobKind } from '../jobs/job-spec.js';
import { decodeJobInfo } from '../jobs/job-spec.js';
import { WITHOUT_PASSWORDS } from '../jobs/password-cipher.js';
import type { MetaStore, StoredJob } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import { childrenElsewhere, notClusterJob } from './cluster-errors.js';
import type { ClusterMonitor } from './cluster-monitor.js';
import { withClusters } from './cluster-overview.js';
import { nextPassAt } from './cluster-monitor.js';
import type { ClusterStatus, DatabaseStatus, StatusError } from './cluster-status.js';
import { decodeClusterStatus, pendingDatabases } from './cluster-status.js';
import { effectiveInterval, readDefaultInterval, writeDefaultInterval } from './monitor-interval.js';

export interface ClusterJobsOptions {
  readonly jobs: JobManager;
  readonly store: MetaStore;
  readonly monitor: ClusterMonitor;
  readonly identity: string;
  readonly log: Logger;
}

/** A child job as a cluster job's status shows it (live, from the store and this syncer's runners). */
export interface ChildView {
  readonly name: string;
  readonly database: string;
  readonly owner: string;
  /** running, paused, or broken (job_info unreadable). */
  readonly state: string;
  /** The child's sync state when it runs on this syncer, '' otherwise. */
  readonly syncState: string;
  readonly lastError: JobErrorInfo | undefined;
}

export interface ClusterJobStatus {
  readonly name: string;
  readonly state: 'running' | 'paused' | 'broken';
  readonly pausedReason: string | undefined;
  readonly intervalSeconds: number;
  /** True when the job uses the syncer-wide default interval. */
  readonly defaultInterval: boolean;
  /** The last pass (ms since the epoch). */
  readonly checkedAt: number | undefined;
  /** When the next pass is due; undefined while paused. */
  readonly nextPassAt: number | undefined;
  /** Why the last pass failed as a whole. */
  readonly lastError: StatusError | undefined;
  readonly pending: number;
  /** What the last pass found, per source database. */
  readonly databases: readonly DatabaseStatus[];
  readonly children: readonly ChildView[];
}

export interface ChildLag {
  readonly name: string;
  readonly database: string;
  readonly lag: bigint | undefined;
  readonly timeIntervalSecs: number | undefined;
  readonly error: string | undefined;
}

export interface ClusterLag {
  /** The largest lag of the children that answered (0 without children). */
  readonly lag: bigint;
  readonly timeIntervalSecs: number;
  readonly children: readonly ChildLag[];
}

export class ClusterJobs {
  constructor(private readonly o: ClusterJobsOptions) {}

  /** True when `name` is a cluster job loaded on this syncer (ask after the ownership redirect). */
  isLocalCluster(name: string): boolean {
    try {
      return this.o.jobs.kindOf(name) === 'cluster';
    } catch {
      return false;
    }
  }

  /** The kind of any job in the store (for endpoints that answer without a redirect). */
  async storedKind(name: string, signal: AbortSignal): Promise<JobKind | undefined> {
    const row = await this.o.store.getJob(name, signal);
    if (!row) throw jobNotFound(name);
    try {
      return decodeJobInfo(row.jobInfo, WITHOUT_PASSWORDS, name).kind;
    } catch {
      return undefined;
    }
  }

  /** create_ccr with cluster_sync: checks both clusters, persists, and has the monitor run a first pass now. */
  async create(request: CreateJobRequest, signal: AbortSignal): Promise<void> {
    await this.o.jobs.create(request, signal);
    this.o.monitor.wake();
  }

  /** Pauses the cluster job (no more passes), then each child. Resolves the children paused. */
  pause(name: string, signal: AbortSignal): Promise<string[]> {
    return this.o.monitor.exclusive(name, async () => {
      const children = await this.localChildren(name, signal);
      await this.o.jobs.pause(name, signal);
      for (const c of children) {
        await this.o.jobs.locate(c.name, signal);
        await this.o.jobs.pause(c.name, signal);
      }
      return children.map((c) => c.name);
    });
  }

  /**
   * Resumes each child (except those kept paused because their database was dropped), then
   * the cluster job, whose next pass runs at once. Resolves the children resumed.
   */
  resume(name: string, signal: AbortSignal): Promise<string[]> {
    return this.o.monitor.exclusive(name, async () => {
      const children = await this.localChildren(name, signal);
      const status = decodeClusterStatus(await this.o.store.getProgress(name, signal));
      const dropped = new Set(status.databases.filter((d) => d.state === 'source_dropped').map((d) => d.child));
      const resumed = children.filter((c) => !dropped.has(c.name));
      for (const c of resumed) {
        await this.o.jobs.locate(c.name, signal);
        await this.o.jobs.resume(c.name, signal);
      }
      await this.o.jobs.resume(name, signal);
      this.o.monitor.requestPass(name);
      return resumed.map((c) => c.name);
    });
  }

  /**
   * Deletes the cluster job. With `cascade` its children are deleted first; without, they are
   * detached (they keep replicating as ordinary database jobs). Children first, so an
   * interrupted delete can simply be repeated.
   */
  remove(name: string, cascade: boolean, signal: AbortSignal): Promise<{ deleted: string[]; detached: string[] }> {
    return this.o.monitor.exclusive(name, async () => {
      const children = await this.localChildren(name, signal);
      for (const c of children) {
        await this.o.jobs.locate(c.name, signal);
        if (cascade) await this.o.jobs.remove(c.name, signal);
        else await this.o.jobs.setParent(c.name, undefined, signal);
      }
      await this.o.jobs.remove(name, signal);
      this.o.log.info({ job: name, cascade, children: children.length }, 'cluster job deleted');
      const names = children.map((c) => c.name);
      return cascade ? { deleted: names, detached: [] } : { deleted: [], detached: names };
    });
  }

  /** job_status of a cluster job loaded here: its last pass and its children, live. */
  async status(name: string, signal: AbortSignal): Promise<ClusterJobStatus> {
    const own = this.o.jobs.status(name);
    const spec = this.o.jobs.definition(name);
    const defaultSeconds = await readDefaultInterval(this.o.store, signal);
    const intervalSeconds = effectiveInterval(spec, defaultSeconds);
    const stored = decodeClusterStatus(await this.o.store.getProgress(name, signal));
    const children = (await this.o.store.listChildJobs(name, signal)).map((row) => this.childView(row));
    return {
      name,
      state: own.state,
      pausedReason: own.pausedReason,
      intervalSeconds,
      defaultInterval: spec.cluster?.monitorIntervalSeconds === undefined,
      checkedAt: stored.checkedAt,
      nextPassAt: own.state === 'running' && stored.checkedAt !== undefined ? nextPassAt(stored, intervalSeconds) : undefined,
      lastError: stored.lastError,
      pending: pendingDatabases(stored),
      databases: stored.databases,
      children,
    };
  }

  /** get_lag of a cluster job (any syncer, from the store): the largest child lag, and each child's. */
  async lag(name: string, signal: AbortSignal): Promise<ClusterLag> {
    const children = await this.o.store.listChildJobs(name, signal);
    const lags: ChildLag[] = [];
    for (const row of children) {
      const database = this.childView(row).database;
      try {
        const l = await this.o.jobs.lag(row.name, signal);
        const hasTimes = l.lastBinlogTimestampMs >= 0n && l.nextBinlogTimestampMs >= 0n;
        const secs = hasTimes ? Math.max(0, Number(l.lastBinlogTimestampMs - l.nextBinlogTimestampMs) / 1000) : 0;
        lags.push({ name: row.name, database, lag: l.lag, timeIntervalSecs: secs, error: undefined });
      } catch (err) {
        if (signal.aborted) throw err;
        lags.push({ name: row.name, database, lag: undefined, timeIntervalSecs: undefined, error: errorMessage(err) });
      }
    }
    let lag = 0n;
    let timeIntervalSecs = 0;
    for (const c of lags) {
      if (c.lag !== undefined && c.lag > lag) lag = c.lag;
      if (c.timeIntervalSecs !== undefined && c.timeIntervalSecs > timeIntervalSecs) timeIntervalSecs = c.timeIntervalSecs;
    }
    return { lag, timeIntervalSecs, children: lags };
  }

  /**
   * update_monitor_interval: the interval of one cluster job (loaded here), or the syncer-wide
   * default. Persisted first; the running monitor applies it at once.
   */
  async setInterval(name: string | undefined, seconds: number, signal: AbortSignal): Promise<void> {
    if (name === undefined) await writeDefaultInterval(this.o.store, seconds, signal);
    else if (!this.isLocalCluster(name)) throw notClusterJob(name);
    else await this.o.jobs.setMonitorInterval(name, seconds, signal);
    this.o.log.info({ job: name, seconds }, 'monitor interval updated');
    this.o.monitor.wake();
  }

  /** get_monitor_interval: the syncer-wide default, and a cluster job's own value when named. */
  async interval(name: string | undefined, signal: AbortSignal): Promise<{ seconds: number; defaultSeconds: number }> {
    const defaultSeconds = await readDefaultInterval(this.o.store, signal);
    if (name === undefined) return { seconds: defaultSeconds, defaultSeconds };
    const row = await this.o.store.getJob(name, signal);
    if (!row) throw jobNotFound(name);
    const spec = decodeJobInfo(row.jobInfo, WITHOUT_PASSWORDS, name);
    if (spec.kind !== 'cluster') throw notClusterJob(name);
    return { seconds: effectiveInterval(spec, defaultSeconds), defaultSeconds };
  }

  /** /view rows with each cluster job summarised and followed by its children. */
  async overview(rows: readonly JobOverviewRow[], signal: AbortSignal): Promise<JobOverviewRow[]> {
    const statuses = new Map<string, ClusterStatus>();
    for (const r of rows) if (r.kind === 'cluster') statuses.set(r.name, decodeClusterStatus(await this.o.store.getProgress(r.name, signal)));
    return withClusters(rows, (job) => statuses.get(job));
  }

  /** The children of a cluster job loaded here; refused when one is owned by another syncer. */
  private async localChildren(name: string, signal: AbortSignal): Promise<StoredJob[]> {
    if (!this.isLocalCluster(name)) throw notClusterJob(name);
    const children = await this.o.store.listChildJobs(name, signal);
    const elsewhere = children.filter((c) => c.belongTo !== this.o.identity);
    if (elsewhere.length > 0) throw childrenElsewhere(name, elsewhere.map((c) => ({ name: c.name, owner: c.belongTo })));
    return children;
  }

  private childView(row: StoredJob): ChildView {
    let database = '';
    let state = 'broken';
    try {
      const spec = decodeJobInfo(row.jobInfo, WITHOUT_PASSWORDS, row.name);
      database = spec.parent?.database ?? spec.src.database;
      state = spec.state;
    } catch {
      // shown as broken
    }
    if (row.belongTo === this.o.identity) {
      try {
        const s = this.o.jobs.status(row.name);
        return { name: row.name, database, owner: row.belongTo, state: s.state, syncState: s.syncState, lastError: s.lastError };
      } catch {
        // not loaded here (yet): the stored state
      }
    }
    return { name: row.name, database, owner: row.belongTo, state, syncState: '', lastError: undefined };
  }
}
