// Owns the jobs of this syncer: their persisted definitions, their state (running/paused) and
// one runner each. Control operations persist first and then tell the runner; read-only
// operations answer from the runner's published snapshot and never wait on a running step.
import { CcrError, errorMessage } from '../errors/ccr-error.js';
import type { LeaseGuard } from '../ha/lease.js';
import { UNLIMITED_LEASE } from '../ha/lease.js';
import type { Fence, JobOwnership, MetaStore, StoredJob } from '../meta-store/meta-store.js';
import { FencedError, MetaStoreErrorCode } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { isAbortError, raceAbort } from '../util/abort.js';
import type { JobErrorInfo, JobRunner, JobStatusSnapshot, LagInfo, RunOutcome, SyncEngine } from './engine.js';
import { EMPTY_SNAPSHOT } from './engine.js';
import type { ParentLink } from './cluster-sync-options.js';
import { invalidJobRequest, jobAlreadyExists, jobBusy, JobErrorCode, jobNotFound, shuttingDown } from './job-errors.js';
import type { CreateJobRequest, JobKind, JobSpec, SkipIntent } from './job-spec.js';
import { decodeJobInfo, encodeJobInfo, newJobSpec, publicJobInfo } from './job-spec.js';
import type { JobOverviewRow } from './job-overview.js';
import { jobOverview } from './job-overview.js';
import type { JobStatus } from './job-status.js';
import { jobStatus } from './job-status.js';
import type { PasswordCipher } from './password-cipher.js';
import { WITHOUT_PASSWORDS } from './password-cipher.js';
import { SerialQueue } from './serial-queue.js';

export interface JobManagerOptions {
  readonly store: MetaStore;
  readonly engine: SyncEngine;
  /** This syncer's identity (host:port), the jobs.belong_to value of its jobs. */
  readonly identity: string;
  readonly cipher: PasswordCipher;
  readonly log: Logger;
  readonly metrics: Metrics;
  /**
   * This syncer's lease (src/ha/): runners check it before every destination write, and no
   * job is loaded while it is not valid. Default: never runs out (a single syncer on SQLite).
   */
  readonly lease?: LeaseGuard;
}

/** Where a job lives, for the HTTP layer's ownership redirect. */
export type JobLocation = { readonly kind: 'local' } | { readonly kind: 'remote'; readonly owner: string };

/** A job of any syncer as list_jobs shows it. */
export interface JobListing {
  readonly name: string;
  /** undefined when its job_info cannot be read. */
  readonly kind: JobKind | undefined;
  /** The cluster job it belongs to. */
  readonly parent: string | undefined;
  /** The owning syncer (jobs.belong_to). */
  readonly owner: string;
}

interface Entry {
  readonly name: string;
  /** undefined when the stored job could not be loaded (see loadError). */
  spec: JobSpec | undefined;
  epoch: bigint;
  runner: JobRunner | undefined;
  readonly loadError: JobErrorInfo | undefined;
  run: { readonly controller: AbortController; readonly done: Promise<void> } | undefined;
  readonly queue: SerialQueue;
  readonly log: Logger;
  /** A write or lease check found the job no longer ours: unload it when the runner returns. */
  lost: boolean;
  /** Being handed to another syncer: the runner must not start again. */
  handingOver: boolean;
}

export class JobManager {
  private readonly entries = new Map<string, Entry>();
  private readonly creating = new Set<string>();
  /** Jobs unloaded whose runner has not returned yet (or being handed over): not loaded again meanwhile. */
  private readonly retiring = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<void>>();
  private readonly lifetime = new AbortController();
  private stopping: Promise<void> | undefined;
  private readonly log: Logger;
  private readonly lease: LeaseGuard;

  constructor(private readonly o: JobManagerOptions) {
    this.log = o.log.child({ component: 'job-manager' });
    this.lease = o.lease ?? UNLIMITED_LEASE;
  }

  /** Loads the jobs this syncer owns and starts the running ones. */
  async start(signal: AbortSignal): Promise<void> {
    const rows = await this.o.store.listJobsOwnedBy(this.o.identity, signal);
    for (const row of rows) this.load(row);
    this.log.info({ jobs: rows.length, running: [...this.entries.values()].filter((e) => e.run).length }, 'jobs loaded');
  }

  /**
   * Stops every runner at its step boundary and waits for them and for pending persistence.
   * Idempotent. Create requests in flight are aborted.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.lifetime.abort(shuttingDown());
      const runs = [...this.entries.values()].flatMap((e) => (e.run ? [e.run.done] : []));
      await Promise.all(runs);
      await Promise.all([...this.retiring.values()]);
      await Promise.all([...this.background]);
      await Promise.all([...this.entries.values()].map((e) => e.queue.idle()));
      this.log.info({ jobs: this.entries.size }, 'jobs stopped');
    })();
    return this.stopping;
  }

  /** Where `name` lives. Rejects NOT_FOUND when no syncer has it. */
  async locate(name: string, signal: AbortSignal): Promise<JobLocation> {
    const row = await this.o.store.getJob(name, this.signal(signal));
    if (!row) throw jobNotFound(name);
    if (row.belongTo !== this.o.identity) return { kind: 'remote', owner: row.belongTo };
    // Owned in the store but not in memory: it was handed to us and the HA service has not
    // loaded it yet. Load it now rather than answering "not loaded" as Go does.
    if (!this.entries.has(name) && !this.stopping && this.lease.valid()) this.load(row);
    return { kind: 'local' };
  }

  /**
   * Makes the loaded jobs match the store's ownership rows `jobs` (all jobs, read by the HA
   * service every heartbeat): loads the ones handed to this syncer, stops and unloads the ones
   * another syncer owns now or whose epoch moved (loaded again on a later call, once their
   * runner returned). A loaded job missing from `jobs` is kept: it was created after they were
   * read. Resolves the names it loaded.
   */
  async reconcileOwned(jobs: readonly JobOwnership[], signal: AbortSignal): Promise<string[]> {
    const rows = new Map(jobs.map((j) => [j.name, j]));
    for (const entry of [...this.entries.values()]) {
      const row = rows.get(entry.name);
      if (row && row.belongTo !== this.o.identity) this.forget(entry, `owned by ${row.belongTo} now`);
      else if (row && row.epoch !== entry.epoch) this.forget(entry, 'ownership epoch changed');
    }
    const loaded: string[] = [];
    if (this.stopping || !this.lease.valid()) return loaded;
    for (const { name, belongTo, epoch } of jobs) {
      if (belongTo !== this.o.identity || this.entries.has(name) || this.creating.has(name) || this.retiring.has(name)) continue;
      const row = await this.o.store.getJob(name, this.signal(signal));
      if (!row || row.belongTo !== this.o.identity || row.epoch !== epoch || this.entries.has(name) || this.retiring.has(name)) continue;
      if (this.stopping || !this.lease.valid()) break;
      this.load(row);
      loaded.push(name);
    }
    if (loaded.length > 0) this.log.info({ jobs: loaded }, 'jobs taken over');
    return loaded;
  }

  /** Stops and unloads every job (the lease ran out or the registration is gone); resolves once every runner returned. */
  async unloadAll(why: string): Promise<void> {
    for (const entry of [...this.entries.values()]) this.forget(entry, why);
    await Promise.all([...this.retiring.values()]);
  }

  /**
   * Hands `name` to syncer `to` at a step boundary: stops its runner and waits for it (its
   * last checkpoint is written), then moves the row (fenced on this syncer's epoch, or on
   * `epoch` when the job is not loaded) and unloads it. A job that moved meanwhile is just
   * unloaded. On a failed move the runner starts again and the call rejects; when `signal`
   * aborts while the runner stops, the job stays unloaded until reconcileOwned loads it again.
   */
  async handOver(name: string, to: string, epoch: bigint, signal: AbortSignal): Promise<void> {
    if (this.retiring.has(name) || this.creating.has(name)) throw jobBusy(name, 'it is being stopped or created');
    const entry = this.entries.get(name);
    let settle!: () => void;
    this.retiring.set(name, new Promise<void>((resolve) => (settle = resolve)));
    try {
      if (!entry) {
        await this.o.store.transferJob(name, to, this.signal(signal), { owner: this.o.identity, epoch });
        return;
      }
      entry.handingOver = true;
      const run = entry.run;
      run?.controller.abort(new CcrError(JobErrorCode.UNLOADED, `handed over to ${to}`, { category: 'internal', disposition: 'abort' }));
      if (run) await raceAbort(run.done, this.signal(signal));
      try {
        // In the queue: an operator request in flight finishes first, and none starts meanwhile.
        await entry.queue.run(() => this.o.store.transferJob(name, to, this.signal(signal), this.fence(entry)));
      } catch (err) {
        if (err instanceof FencedError) return;
        entry.handingOver = false;
        if (entry.spec?.state === 'running' && this.entries.get(name) === entry && !this.stopping) this.startRun(entry);
        throw err;
      }
      entry.log.info({ to }, 'job handed over');
    } finally {
      if (entry?.handingOver) this.forget(entry, `handed over to ${to}`);
      this.retiring.delete(name);
      settle();
    }
  }

  /**
   * create_ccr: validate, let the engine check the clusters, persist, start. A cluster job
   * (request.cluster) gets no runner: the ClusterMonitor (src/cluster/) reconciles it. A
   * child of a cluster job (request.parent) must resolve to the source database id its
   * parent saw, else the database was recreated meanwhile and nothing is persisted.
   */
  async create(request: CreateJobRequest, signal: AbortSignal): Promise<void> {
    if (this.stopping) throw shuttingDown();
    const spec = newJobSpec(request);
    const { name } = spec;
    if (this.creating.has(name)) throw jobBusy(name, 'it is being created by another request');
    if (this.entries.has(name)) throw jobAlreadyExists(name);
    this.creating.add(name);
    try {
      const sig = this.signal(signal);
      if (await this.o.store.getJob(name, sig)) throw jobAlreadyExists(name);
      // prepare may create the destination database: only a syncer with a lease writes there.
      this.lease.assert(name);
      const prepared = await this.o.engine.prepare(spec, sig);
      if (spec.parent && prepared.src.dbId !== spec.parent.dbId) {
        throw new CcrError(
          JobErrorCode.SOURCE_CHANGED,
          `source database ${spec.src.database} changed while its job was being created (id ${spec.parent.dbId}, now ${prepared.src.dbId}); the cluster job retries`,
          { category: 'meta', disposition: 'retry' },
        );
      }
      // The engine resolves ids and frontends; identity, state, options and links stay ours.
      const final: JobSpec = {
        ...prepared,
        name,
        id: spec.id,
        kind: spec.kind,
        state: 'running',
        pausedReason: undefined,
        options: spec.options,
        skip: undefined,
        parent: spec.parent,
        cluster: spec.cluster,
      };
      try {
        await this.o.store.addJob(name, encodeJobInfo(final, this.o.cipher), this.o.identity, sig, { parent: final.parent?.job });
      } catch (err) {
        if (err instanceof CcrError && err.code === MetaStoreErrorCode.DUPLICATE) throw jobAlreadyExists(name);
        throw err;
      }
      const entry = this.register(name, final, 0n, undefined);
      entry.log.info({ kind: final.kind }, 'job created');
      this.startRun(entry);
    } finally {
      this.creating.delete(name);
    }
  }

  /** Persists state paused, then stops the runner at its next step boundary (not awaited). */
  async pause(name: string, signal: AbortSignal): Promise<void> {
    const entry = this.entry(name);
    await entry.queue.run(async () => {
      const spec = this.loaded(entry);
      if (spec.state !== 'paused') await this.persist(entry, { ...spec, state: 'paused', pausedReason: undefined }, signal);
      entry.run?.controller.abort(new CcrError(JobErrorCode.PAUSED, 'job paused', { category: 'input', disposition: 'abort' }));
      entry.log.info('job paused');
    });
  }

  /** Persists state running, waits for a previous run to settle, starts the runner. */
  async resume(name: string, signal: AbortSignal): Promise<void> {
    const entry = this.entry(name);
    await entry.queue.run(async () => {
      const spec = this.loaded(entry);
      if (spec.state !== 'running' || spec.pausedReason !== undefined) {
        await this.persist(entry, { ...spec, state: 'running', pausedReason: undefined }, signal);
      }
    });
    // Outside the queue: a stopping runner may still want the queue (updateSpec) on its way out.
    if (entry.run) await raceAbort(entry.run.done, this.signal(signal));
    if (!entry.run && entry.spec?.state === 'running' && this.entries.get(name) === entry && !this.stopping) {
      this.startRun(entry);
      entry.log.info('job resumed');
    }
  }

  /** Stops the runner, then deletes the job and its progress in one store transaction. */
  async remove(name: string, signal: AbortSignal): Promise<void> {
    const entry = this.entry(name);
    await entry.queue.run(async () => {
      const run = entry.run;
      run?.controller.abort(new CcrError(JobErrorCode.DELETED, 'job deleted', { category: 'input', disposition: 'abort' }));
      if (run) await raceAbort(run.done, this.signal(signal));
      try {
        await this.o.store.removeJob(name, this.signal(signal), this.fence(entry));
      } catch (err) {
        if (err instanceof FencedError) this.forget(entry, 'ownership lost');
        else if (entry.spec?.state === 'running' && !this.stopping) this.startRun(entry);
        throw err;
      }
      this.forget(entry, 'job deleted');
    });
  }

  /** /job_skip_binlog and /force_fullsync: persist the intent, hand it to the runner. */
  async skipBinlog(name: string, intent: SkipIntent, signal: AbortSignal): Promise<void> {
    this.notCluster(name, 'skipping binlogs');
    await this.change(name, signal, (spec) => ({ ...spec, skip: intent }));
  }

  /** A cluster job's own reconciliation interval (undefined: the syncer-wide default). */
  async setMonitorInterval(name: string, seconds: number | undefined, signal: AbortSignal): Promise<void> {
    await this.change(name, signal, (spec) => {
      if (!spec.cluster) throw invalidJobRequest('name', `job ${name} is a ${spec.kind} job; the monitor interval applies to cluster jobs`);
      return { ...spec, cluster: { ...spec.cluster, monitorIntervalSeconds: seconds } };
    });
  }

  /** Links a job to its cluster job, or detaches it (undefined); job_info and the store column together. */
  async setParent(name: string, parent: ParentLink | undefined, signal: AbortSignal): Promise<void> {
    await this.change(name, signal, (spec) => ({ ...spec, parent }));
  }

  /** /update_host_mapping: merge the maps (an empty public address deletes the entry). */
  async updateHostMapping(
    name: string,
    src: Readonly<Record<string, string>>,
    dest: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<void> {
    const merge = (current: Readonly<Record<string, string>>, update: Readonly<Record<string, string>>) => {
      const next: Record<string, string> = { ...current };
      for (const [privateHost, publicHost] of Object.entries(update)) {
        if (publicHost === '') delete next[privateHost];
        else next[privateHost] = publicHost;
      }
      return next;
    };
    await this.change(name, signal, (spec) => ({
      ...spec,
      src: { ...spec.src, hostMapping: merge(spec.src.hostMapping, src) },
      dest: { ...spec.dest, hostMapping: merge(spec.dest.hostMapping, dest) },
    }));
  }

  /** /desync (false) and /sync (true) on the destination tables. */
  async setBeingSynced(name: string, enabled: boolean, signal: AbortSignal): Promise<void> {
    this.notCluster(name, enabled ? '/sync' : '/desync');
    const spec = this.loaded(this.entry(name));
    this.lease.assert(name);
    await this.o.engine.setBeingSynced(spec, enabled, this.signal(signal));
  }

  /** job_status, from the runner's last published snapshot. */
  status(name: string): JobStatus {
    const entry = this.entry(name);
    return jobStatus(name, entry.spec, entry.runner?.snapshot() ?? EMPTY_SNAPSHOT, entry.loadError);
  }

  /** job_detail: the job_info with passwords masked. */
  detail(name: string): Record<string, unknown> {
    return publicJobInfo(this.loaded(this.entry(name)));
  }

  /** The kind of a job loaded here; undefined when its job_info could not be read. */
  kindOf(name: string): JobKind | undefined {
    return this.entry(name).spec?.kind;
  }

  /** The definition of a job loaded here, passwords included: for the daemon's own use, never for replies. */
  definition(name: string): JobSpec {
    return this.loaded(this.entry(name));
  }

  /** The stored progress JSON of any job (undefined before its first checkpoint). */
  async progress(name: string, signal: AbortSignal): Promise<string | undefined> {
    const sig = this.signal(signal);
    if (!(await this.o.store.getJob(name, sig))) throw jobNotFound(name);
    return this.o.store.getProgress(name, sig);
  }

  /** get_lag of any job in the store (V25: no redirect, reads the store, asks the source FE). */
  async lag(name: string, signal: AbortSignal): Promise<LagInfo> {
    const sig = this.signal(signal);
    const row = await this.o.store.getJob(name, sig);
    if (!row) throw jobNotFound(name);
    const spec = decodeJobInfo(row.jobInfo, this.o.cipher, name);
    return this.o.engine.lag(spec, await this.o.store.getProgress(name, sig), sig);
  }

  /** All jobs of all syncers, ordered by name. */
  async list(signal: AbortSignal): Promise<JobListing[]> {
    return (await this.o.store.listJobs(this.signal(signal))).map((j) => {
      let kind: JobKind | undefined;
      try {
        kind = decodeJobInfo(j.jobInfo, WITHOUT_PASSWORDS, j.name).kind;
      } catch {
        kind = undefined;
      }
      return { name: j.name, kind, parent: j.parent, owner: j.belongTo };
    });
  }

  /** /view rows for every job in the store, without an RPC per job. */
  overview(signal: AbortSignal): Promise<JobOverviewRow[]> {
    const local = (name: string): { spec: JobSpec | undefined; snapshot: JobStatusSnapshot } | undefined => {
      const e = this.entries.get(name);
      return e && { spec: e.spec, snapshot: e.runner?.snapshot() ?? EMPTY_SNAPSHOT };
    };
    return jobOverview({ store: this.o.store, engine: this.o.engine, local }, this.signal(signal));
  }

  // ---- internals ----

  private signal(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.lifetime.signal]);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw jobNotFound(name);
    return entry;
  }

  private notCluster(name: string, what: string): void {
    if (this.entry(name).spec?.kind === 'cluster') {
      throw invalidJobRequest('name', `job ${name} is a cluster job; ${what} applies to its database jobs (list them with /list_jobs)`);
    }
  }

  private loaded(entry: Entry): JobSpec {
    if (entry.spec === undefined) {
      throw new CcrError(entry.loadError?.code ?? JobErrorCode.CORRUPT_JOB_INFO, `job ${entry.name} could not be loaded: ${entry.loadError?.message ?? 'unknown'}`, {
        category: 'config',
        disposition: 'pause',
      });
    }
    return entry.spec;
  }

  private fence(entry: Entry): Fence {
    return { owner: this.o.identity, epoch: entry.epoch };
  }

  private load(row: StoredJob): void {
    if (this.retiring.has(row.name)) return;
    try {
      const spec = decodeJobInfo(row.jobInfo, this.o.cipher, row.name);
      const entry = this.register(row.name, spec, row.epoch, undefined);
      if (spec.state === 'running') this.startRun(entry);
    } catch (err) {
      const e = err instanceof CcrError ? err : undefined;
      const info: JobErrorInfo = { code: e?.code ?? JobErrorCode.CORRUPT_JOB_INFO, message: errorMessage(err), at: new Date(), retryAt: undefined };
      this.register(row.name, undefined, row.epoch, info);
      this.log.error({ job: row.name, code: info.code, err: info.message }, 'job could not be loaded');
    }
  }

  private register(name: string, spec: JobSpec | undefined, epoch: bigint, loadError: JobErrorInfo | undefined): Entry {
    const log = this.o.log.child({ job: name });
    const entry: Entry = { name, spec, epoch, runner: undefined, loadError, run: undefined, queue: new SerialQueue(), log, lost: false, handingOver: false };
    const lost = <T>(p: Promise<T>): Promise<T> =>
      p.catch((err: unknown) => {
        if (err instanceof FencedError) entry.lost = true;
        throw err;
      });
    // A cluster job has no runner: the ClusterMonitor reconciles it from the store.
    if (spec && spec.kind !== 'cluster') {
      entry.runner = this.o.engine.createRunner({
        spec,
        log,
        metrics: this.o.metrics,
        loadProgress: (signal) => this.o.store.getProgress(name, signal),
        saveProgress: (progress, signal) => lost(this.o.store.updateProgress(name, progress, signal, this.fence(entry))),
        updateSpec: (change, signal) => lost(this.updateSpecFromRunner(entry, change, signal)),
        assertLease: () => {
          try {
            if (this.entries.get(name) !== entry) throw new FencedError(name, this.fence(entry), `job ${name} was unloaded from this syncer`);
            this.lease.assert(name);
          } catch (err) {
            entry.lost = true;
            throw err;
          }
        },
      });
    }
    this.entries.set(name, entry);
    this.refreshGauges();
    return entry;
  }

  private startRun(entry: Entry): void {
    const runner = entry.runner;
    if (!runner || entry.run || entry.handingOver) return;
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, this.lifetime.signal]);
    const done = runner.run(signal).then(
      (outcome) => this.afterRun(entry, outcome, signal),
      (err: unknown) => {
        if (err instanceof FencedError) return this.afterRun(entry, { kind: 'stopped' }, signal, err);
        if (signal.aborted && isAbortError(err, signal)) return this.afterRun(entry, { kind: 'stopped' }, signal);
        entry.log.error({ err: errorMessage(err) }, 'job runner failed; pausing the job');
        const e = err instanceof CcrError ? err : undefined;
        this.o.metrics.errors.inc({ job: entry.name, category: e?.category ?? 'internal', code: e?.code ?? 'CCR_I0000' });
        return this.afterRun(entry, { kind: 'paused', reason: `job runner failed: ${errorMessage(err)}` }, signal);
      },
    );
    entry.run = { controller, done };
    this.refreshGauges();
  }

  private afterRun(entry: Entry, outcome: RunOutcome, signal: AbortSignal, fenced?: FencedError): void {
    entry.run = undefined;
    this.refreshGauges();
    if (fenced || entry.lost) {
      this.forget(entry, 'ownership lost');
      return;
    }
    if (outcome.kind !== 'paused' || this.stopping) return;
    entry.log.error({ reason: outcome.reason }, 'job paused by the syncer');
    const task = entry.queue
      .run(async () => {
        const spec = entry.spec;
        if (!spec || spec.state !== 'running' || this.entries.get(entry.name) !== entry) return;
        await this.persist(entry, { ...spec, state: 'paused', pausedReason: outcome.reason }, this.lifetime.signal);
      })
      .catch((err: unknown) => {
        if (!signal.aborted) entry.log.error({ err: errorMessage(err) }, 'could not persist the paused state');
      });
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  /** Serialised read-modify-write of a loaded job's spec; tells the runner afterwards. */
  private async change(name: string, signal: AbortSignal, fn: (spec: JobSpec) => JobSpec): Promise<void> {
    const entry = this.entry(name);
    await entry.queue.run(async () => {
      const next = await this.persist(entry, fn(this.loaded(entry)), signal);
      entry.runner?.notify({ kind: 'spec-updated', spec: next });
    });
  }

  private async updateSpecFromRunner(entry: Entry, change: (spec: JobSpec) => JobSpec, signal: AbortSignal): Promise<JobSpec> {
    signal.throwIfAborted();
    return raceAbort(
      entry.queue.run(async () => {
        signal.throwIfAborted();
        const current = this.loaded(entry);
        const changed = change(current);
        const next: JobSpec = {
          ...changed,
          name: current.name,
          id: current.id,
          kind: current.kind,
          state: current.state,
          pausedReason: current.pausedReason,
          parent: current.parent,
          cluster: current.cluster,
        };
        return this.persist(entry, next, signal);
      }),
      signal,
    );
  }

  /** Writes the spec (fenced), then adopts it. A fenced write drops the job from this syncer. */
  private async persist(entry: Entry, next: JobSpec, signal: AbortSignal): Promise<JobSpec> {
    try {
      await this.o.store.updateJob(entry.name, encodeJobInfo(next, this.o.cipher), this.signal(signal), this.fence(entry), { parent: next.parent?.job });
    } catch (err) {
      if (err instanceof FencedError) {
        entry.run?.controller.abort(err);
        this.forget(entry, 'ownership lost');
      }
      throw err;
    }
    entry.spec = next;
    this.refreshGauges();
    return next;
  }

  private forget(entry: Entry, why: string): void {
    if (this.entries.get(entry.name) !== entry) return;
    const run = entry.run;
    run?.controller.abort(new CcrError(JobErrorCode.UNLOADED, why, { category: 'internal', disposition: 'abort' }));
    if (run && !this.retiring.has(entry.name)) {
      const done = run.done.catch(() => undefined);
      this.retiring.set(entry.name, done);
      void done.then(() => {
        if (this.retiring.get(entry.name) === done) this.retiring.delete(entry.name);
      });
    }
    this.entries.delete(entry.name);
    this.o.metrics.removeJob(entry.name);
    this.refreshGauges();
    entry.log.info({ why }, 'job unloaded');
  }

  private refreshGauges(): void {
    const counts = { running: 0, paused: 0, broken: 0 };
    this.o.metrics.jobState.reset();
    for (const e of this.entries.values()) {
      const state = e.spec?.state ?? 'broken';
      counts[state]++;
      this.o.metrics.jobState.set({ job: e.name, state }, 1);
    }
    for (const [state, n] of Object.entries(counts)) this.o.metrics.jobs.set({ state }, n);
  }
}
