// Drives one job: load progress, run one step at a time (a snapshot sub-state or one
// incremental batch), adopt and persist its result, publish an immutable status, and turn
// errors into their disposition (doc/errors.md): retry with backoff, partial or full sync,
// or pause with a visible reason. Operator intents arrive through notify() and are applied
// between steps; they cut waits short.
import { CcrError, errorMessage } from '../errors/ccr-error.js';
import type { JobIntent, JobRunner, JobRunnerContext, JobStatusSnapshot, RunOutcome } from '../jobs/engine.js';
import { EMPTY_SNAPSHOT } from '../jobs/engine.js';
import type { JobSpec } from '../jobs/job-spec.js';
import { FencedError } from '../meta-store/meta-store.js';
import { isAbortError, sleep } from '../util/abort.js';
import type { ClientPool } from './clients.js';
import { ClusterSide } from './cluster.js';
import type { EngineMetrics } from './engine-metrics.js';
import { IncrementalSync, type StepResult } from './incremental.js';
import { MetaMismatchError } from './ingest-plan.js';
import type { EngineConfig, JobContext, StepRuntime } from './job-context.js';
import { MetaCache } from './meta-cache.js';
import { decodeProgress } from './progress-codec.js';
import { ProgressWriter } from './progress-writer.js';
import { isSnapshotState, newProgress, pastSubState, type Progress, type SubState } from './progress.js';
import { Backoff } from './retry.js';
import { beginCreateSnapshot, waitBackupDone } from './snapshot/backup.js';
import { getSnapshotAndRestore, persistRestoreInfo, waitRestoreDone } from './snapshot/restore.js';
import { startFullSync, startPartialSync } from './transitions.js';

export interface RunnerDeps {
  config: EngineConfig;
  pool: ClientPool;
  metrics: EngineMetrics;
  now: () => number;
}

export class SyncJobRunner implements JobRunner {
  private status: JobStatusSnapshot = EMPTY_SNAPSHOT;
  private spec: JobSpec;
  private specChanged = false;
  private wakeUp: (() => void) | undefined;
  private lastLoggedError = '';
  private incremental: IncrementalSync | undefined;

  constructor(
    private readonly runnerCtx: JobRunnerContext,
    private readonly deps: RunnerDeps,
  ) {
    this.spec = runnerCtx.spec;
    // A skip request persisted before the syncer restarted (or while the job was paused and
    // not loaded) still has to take effect on the first step.
    this.specChanged = runnerCtx.spec.skip !== undefined;
  }

  snapshot(): JobStatusSnapshot {
    return this.status;
  }

  notify(intent: JobIntent): void {
    this.spec = intent.spec;
    this.specChanged = true;
    this.wakeUp?.();
  }

  async run(signal: AbortSignal): Promise<RunOutcome> {
    const log = this.runnerCtx.log;
    const kind = this.spec.kind === 'table' ? 'table' : 'db';
    // Both sides check the lease before they change anything (a backup on the source too).
    const assertLease = (): void => this.runnerCtx.assertLease();
    const src = new ClusterSide('source', this.spec.src, this.deps.pool, this.deps.metrics, assertLease);
    const dest = new ClusterSide('destination', this.spec.dest, this.deps.pool, this.deps.metrics, assertLease);
    const ctx: JobContext = {
      name: this.spec.name,
      kind,
      spec: () => this.spec,
      src,
      dest,
      srcMeta: new MetaCache(src),
      destMeta: new MetaCache(dest),
      log,
      metrics: this.deps.metrics,
      config: this.deps.config,
      now: this.deps.now,
      updateSpec: async (change, s) => {
        this.spec = await this.runnerCtx.updateSpec(change, s);
        return this.spec;
      },
    };
    const writer = new ProgressWriter(this.spec.name, (text, s) => this.runnerCtx.saveProgress(text, s), signal);
    // The newest progress the current step recorded. A step that fails resumes from it, as a
    // restarted syncer resumes from the checkpoint: upserts it committed are not replayed, and
    // a DDL it marked in flight is checked on the destination before it is applied again.
    let recorded: Progress | undefined;
    const rt: StepRuntime = {
      checkpoint: async (p, s) => {
        await writer.write(p, s);
        recorded = p;
        this.publish(p);
      },
      checkpointSoon: (p) => {
        writer.soon(p);
        recorded = p;
        this.publish(p);
      },
      flush: () => writer.flush(),
      reportLag: (binlogs, seconds) => {
        this.status = Object.freeze({ ...this.status, lag: Object.freeze({ binlogs, seconds, at: new Date() }) });
      },
    };
    const incremental = new IncrementalSync(ctx);
    this.incremental = incremental;
    const backoff = new Backoff({ initialMs: 200, maxMs: 60_000 });
    // The sub-state where a step last reported a problem (a cancelled backup or restore it
    // submits again). The problem stands, shown in job_status and backed off, until the job
    // gets past that sub-state: a restore that is cancelled every time is resubmitted ever
    // less often (up to once a minute) and the job never looks healthy in between.
    let problemAt: SubState | undefined;
    let progress: Progress;
    try {
      progress = await this.load(ctx, rt, signal);
    } catch (err) {
      if (signal.aborted || isAbortError(err, signal)) return { kind: 'stopped' };
      const e = err instanceof CcrError ? err : undefined;
      if (e?.disposition === 'pause') return { kind: 'paused', reason: e.message };
      throw err;
    }

    while (!signal.aborted) {
      recorded = undefined;
      try {
        if (this.specChanged) progress = await this.applySpecChange(ctx, progress, rt, signal);
        const before = progress.subState;
        const result = await this.step(ctx, incremental, progress, rt, signal);
        progress = result.progress;
        this.publish(progress);
        progress = await this.clearSilenceWhenPassed(ctx, progress, signal);
        if (result.problem) {
          this.deps.metrics.base.errors.inc({ job: this.spec.name, category: result.problem.category, code: result.problem.code });
          problemAt = before;
          const delay = backoff.next();
          this.recordRetry(result.problem, delay);
          await this.wait(delay, signal);
          continue;
        }
        if (problemAt === undefined || pastSubState(progress, problemAt)) {
          problemAt = undefined;
          if (this.status.lastError) this.status = Object.freeze({ ...this.status, lastError: undefined });
          this.lastLoggedError = '';
          backoff.reset();
        }
        if (result.waitMs !== undefined && result.waitMs > 0) await this.wait(result.waitMs, signal);
      } catch (err) {
        if (signal.aborted || isAbortError(err, signal)) break;
        if (err instanceof FencedError) {
          log.warn({ err: err.message }, 'job is owned by another syncer now; stopping it here');
          return { kind: 'stopped' };
        }
        if (recorded) progress = recorded;
        const e = err instanceof CcrError ? err : new CcrError('CCR_E0001', errorMessage(err), { category: 'internal', disposition: 'retry', cause: err });
        this.deps.metrics.base.errors.inc({ job: this.spec.name, category: e.category, code: e.code });
        if (e.disposition === 'abort') break;
        if (e.disposition === 'pause') {
          log.error({ code: e.code, err: e.message }, 'job paused: it needs an operator');
          await writer.flush().catch(() => undefined);
          return { kind: 'paused', reason: e.message };
        }
        if (e.disposition === 'full-sync' || e.disposition === 'partial-sync') {
          progress = await this.escalate(ctx, progress, e, rt, signal).catch((inner: unknown) => {
            this.recordRetry(e, backoff.next());
            log.warn({ err: errorMessage(inner) }, 'could not record the switch to a snapshot sync');
            return progress;
          });
          continue;
        }
        const delay = backoff.next();
        this.recordRetry(e, delay);
        try {
          await this.wait(delay, signal);
        } catch {
          break;
        }
      }
    }
    await writer.flush().catch(() => undefined);
    return { kind: 'stopped' };
  }

  private async load(ctx: JobContext, rt: StepRuntime, signal: AbortSignal): Promise<Progress> {
    const stored = await this.runnerCtx.loadProgress(signal);
    if (stored !== undefined) {
      let p: Progress;
      try {
        p = decodeProgress(this.spec.name, stored);
      } catch (err) {
        // An unreadable checkpoint pauses the job, unless an operator asked for a full sync,
        // which needs nothing from it: start from nothing; the request is applied next.
        if (this.spec.skip?.by !== 'fullsync') throw err;
        ctx.log.warn({ err: errorMessage(err) }, 'stored progress is unreadable; starting over with the requested full sync');
        return newProgress(ctx.kind, Math.floor(this.deps.now() / 1000));
      }
      this.publish(p);
      if (p.tableMapping.size === 0 && !isSnapshotState(p.syncState) && ctx.kind === 'table') {
        // Taken over from a syncer that never recorded the mapping: the spec has both ids.
        return { ...p, tableMapping: new Map([[this.spec.src.tableId, this.spec.dest.tableId]]) };
      }
      return p;
    }
    const first = startFullSync(newProgress(ctx.kind, Math.floor(this.deps.now() / 1000)), ctx.kind, this.spec.name, 'new job', this.deps.now());
    this.deps.metrics.fullSyncs.inc({ job: this.spec.name });
    await rt.checkpoint(first, signal);
    return first;
  }

  private async step(ctx: JobContext, incremental: IncrementalSync, p: Progress, rt: StepRuntime, signal: AbortSignal): Promise<StepResult> {
    if (!isSnapshotState(p.syncState)) return incremental.step(p, rt, signal);
    let result: StepResult;
    switch (p.subState) {
      case 'BeginCreateSnapshot':
      case 'Done':
        result = await beginCreateSnapshot(ctx, p.snapshot ? p : this.resnapshot(ctx, p), signal);
        break;
      case 'WaitBackupDone':
        result = await waitBackupDone(ctx, p, signal);
        break;
      case 'GetSnapshotInfo':
      case 'RestoreSnapshot':
        result = await getSnapshotAndRestore(ctx, p, rt, signal);
        break;
      case 'WaitRestoreDone':
        result = await waitRestoreDone(ctx, p, signal);
        break;
      case 'PersistRestoreInfo':
        result = await persistRestoreInfo(ctx, p, signal);
        break;
    }
    if (result.progress !== p && (result.progress.subState !== p.subState || result.progress.syncState !== p.syncState || result.progress.snapshot !== p.snapshot)) {
      await rt.checkpoint(result.progress, signal);
    }
    return result;
  }

  /** A snapshot state whose snapshot data was lost (e.g. taken over from the Go syncer). */
  private resnapshot(ctx: JobContext, p: Progress): Progress {
    const reason = p.syncState.endsWith('PartialSync') ? 'partial sync restarted as a full sync' : 'full sync restarted';
    return startFullSync(p, ctx.kind, ctx.name, reason, this.deps.now());
  }

  private async escalate(ctx: JobContext, p: Progress, e: CcrError, rt: StepRuntime, signal: AbortSignal): Promise<Progress> {
    let next: Progress;
    if (e.disposition === 'partial-sync' && e instanceof MetaMismatchError && !isSnapshotState(p.syncState)) {
      const table = p.tableNames.get(e.srcTableId) ?? (ctx.kind === 'table' ? this.spec.src.table : undefined);
      if (table === undefined) {
        next = startFullSync(p, ctx.kind, ctx.name, e.message, this.deps.now());
      } else {
        next = startPartialSync(p, ctx.kind, ctx.name, { tableId: e.srcTableId, table, partitions: [], replace: true }, e.message, p.prevCommitSeq, this.deps.now());
        this.deps.metrics.partialSyncs.inc({ job: ctx.name });
      }
    } else {
      next = startFullSync(p, ctx.kind, ctx.name, e.message, this.deps.now());
    }
    if (next.syncState.endsWith('FullSync')) this.deps.metrics.fullSyncs.inc({ job: ctx.name });
    ctx.log.warn({ code: e.code, err: e.message, to: next.syncState }, 'switching to a snapshot sync');
    await rt.checkpoint(next, signal);
    return next;
  }

  /** Applies a changed spec: host mappings, and skip requests from /job_skip_binlog. */
  private async applySpecChange(ctx: JobContext, p: Progress, rt: StepRuntime, signal: AbortSignal): Promise<Progress> {
    this.specChanged = false;
    ctx.src.update(this.spec.src);
    ctx.dest.update(this.spec.dest);
    const skip = this.spec.skip;
    if (!skip) return p;
    let next = p;
    if (skip.by === 'fullsync') {
      next = startFullSync(p, ctx.kind, ctx.name, 'requested by an operator', this.deps.now());
      this.deps.metrics.fullSyncs.inc({ job: ctx.name });
    } else if (skip.by === 'partialsync') {
      const known = p.tableNames.get(skip.tableId);
      if (known !== undefined && known !== skip.table) {
        ctx.log.warn({ table: skip.table, tableId: skip.tableId.toString() }, 'partial sync request ignored: no such table id with that name');
      } else {
        next = startPartialSync(p, ctx.kind, ctx.name, { tableId: skip.tableId, table: skip.table, partitions: [], replace: true }, 'requested by an operator', p.prevCommitSeq, this.deps.now());
        this.deps.metrics.partialSyncs.inc({ job: ctx.name });
      }
    } else {
      // Silence: that one binlog is treated as applied when the incremental sync reaches it;
      // binlogs before it still replay. The request is cleared once the cursor passed it.
      this.incremental?.silence(skip.commitSeq);
      return this.clearSilenceWhenPassed(ctx, p, signal);
    }
    if (next !== p) await rt.checkpoint(next, signal);
    await ctx.updateSpec((s) => ({ ...s, skip: undefined }), signal);
    return next;
  }

  private async clearSilenceWhenPassed(ctx: JobContext, p: Progress, signal: AbortSignal): Promise<Progress> {
    const skip = this.spec.skip;
    if (skip?.by !== 'silence' || p.prevCommitSeq < skip.commitSeq) return p;
    this.incremental?.silence(undefined);
    await ctx.updateSpec((s) => ({ ...s, skip: undefined }), signal);
    return p;
  }

  private publish(p: Progress): void {
    this.status = Object.freeze({
      ...this.status,
      syncState: p.syncState,
      subSyncState: p.subState,
      prevCommitSeq: p.prevCommitSeq,
      lastFullSync: p.fullSyncStartAt > 0 ? Object.freeze({ at: new Date(p.fullSyncStartAt * 1000), reason: p.lastFullSyncReason }) : undefined,
    });
    this.deps.metrics.commitSeq.set({ job: this.spec.name }, Number(p.prevCommitSeq));
  }

  private recordRetry(e: CcrError, delayMs: number): void {
    const now = new Date();
    this.status = Object.freeze({
      ...this.status,
      lastError: Object.freeze({ code: e.code, message: e.message, at: now, retryAt: new Date(now.getTime() + delayMs) }),
    });
    const key = `${e.code}:${e.message}`;
    if (key !== this.lastLoggedError) {
      this.lastLoggedError = key;
      this.runnerCtx.log.warn({ code: e.code, category: e.category, err: e.message, retryInMs: delayMs }, 'step failed; retrying');
    } else {
      this.runnerCtx.log.debug({ code: e.code, retryInMs: delayMs }, 'step failed again');
    }
  }

  /** Sleeps; resolves early when an intent arrives; rejects when the job stops. */
  private async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.specChanged) return;
    const local = new AbortController();
    this.wakeUp = () => local.abort();
    try {
      await sleep(ms, AbortSignal.any([signal, local.signal]));
    } catch (err) {
      if (signal.aborted) throw err;
    } finally {
      this.wakeUp = undefined;
    }
  }
}
