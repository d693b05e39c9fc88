// The incremental states (TableIncrementalSync, DBTablesIncrementalSync, DBIncrementalSync):
// fetch binlogs after the cursor, pipeline the upserts, apply every other binlog in order with
// the pipeline drained, and hand partial/full syncs back to the runner as new progress.
import { BinlogType, binlogTypeName, type TBinlog } from '../doris/types.js';
import type { HandlerResult } from './binlog/handler.js';
import { handleBinlog } from './binlog/dispatch.js';
import { BinlogFetcher } from './fetcher.js';
import type { JobContext, StepRuntime } from './job-context.js';
import { UpsertPipeline, type CommittedBinlog } from './pipeline.js';
import type { Progress } from './progress.js';
import { IdlePoll } from './retry.js';
import { SourceTableWatch } from './source-table-watch.js';
import { leaveTablesIncrementalIfCaughtUp, markApplied, markInFlight, startFullSync, startPartialSync } from './transitions.js';
import { txnStatusById } from './upsert.js';
import { sleep } from '../util/abort.js';
import { CcrError } from '../errors/ccr-error.js';

/**
 * A busy job checks its committed-not-visible transactions once this many are listed: loads
 * that keep ending in PUBLISH_TIMEOUT with no DDL to wait for them must not grow the checkpoint
 * without bound. An idle job checks them at every poll.
 */
const FORGET_VISIBLE_MIN = 32;

/** How long a step keeps taking further batches; operator intents are applied between steps. */
const STEP_BUDGET_MS = 1000;

export interface StepResult {
  progress: Progress;
  /** Wait this long before the next step (cut short by operator intents). */
  waitMs?: number | undefined;
  /**
   * A failure the step answered by changing state (e.g. a cancelled restore is submitted
   * again): shown in job_status and retried with backoff like a thrown error.
   */
  problem?: CcrError | undefined;
}

export class IncrementalSync {
  private readonly fetcher: BinlogFetcher;
  private readonly idle: IdlePoll;
  private readonly sourceTable: SourceTableWatch | undefined;
  /** A binlog an operator asked to skip (/job_skip_binlog skip_by=silence). */
  private silenced: bigint | undefined;
  /** Committed-not-visible transactions listed before a busy step checks them (doubles while publishing is stuck). */
  private forgetAt = FORGET_VISIBLE_MIN;

  constructor(private readonly ctx: JobContext) {
    this.fetcher = new BinlogFetcher(ctx);
    this.idle = new IdlePoll(ctx.config.minPollIntervalMs, ctx.config.maxPollIntervalMs);
    // Every ten idle polls at most: one SHOW PROC per job, cheap next to the polls themselves.
    this.sourceTable = ctx.kind === 'table' ? new SourceTableWatch(ctx, 10 * ctx.config.maxPollIntervalMs) : undefined;
  }

  /** Treats the binlog at `seq` as applied without touching the destination. */
  silence(seq: bigint | undefined): void {
    this.silenced = seq;
  }

  /** Processes fetched binlogs, batch after batch for up to STEP_BUDGET_MS (or waits when caught up). */
  async step(start: Progress, rt: StepRuntime, signal: AbortSignal): Promise<StepResult> {
    const fetched = await this.fetcher.next(start.prevCommitSeq, signal);
    if (fetched.kind === 'caught-up') {
      rt.reportLag(0n, 0);
      this.ctx.metrics.lagBinlogs.set({ job: this.ctx.name }, 0);
      this.ctx.metrics.lagSeconds.set({ job: this.ctx.name }, 0);
      const recreated = await this.sourceTableRecreated(start, rt, signal);
      if (recreated) return { progress: recreated };
      return { progress: await this.forgetVisible(start, rt, signal), waitMs: this.idle.idle() };
    }
    this.idle.active();
    if (fetched.kind === 'too-old') {
      const seq = fetched.dummy.commit_seq ?? 0n;
      const next = startFullSync(start, this.ctx.kind, this.ctx.name, `binlogs after ${start.prevCommitSeq} were garbage-collected on the source (first kept: ${seq})`, this.ctx.now());
      await rt.checkpoint(next, signal);
      this.ctx.metrics.fullSyncs.inc({ job: this.ctx.name });
      return { progress: next };
    }

    const startedAt = this.ctx.now();
    let current = start.committedTxnIds.length >= this.forgetAt ? await this.forgetVisible(start, rt, signal) : start;
    const remaining = new Set<bigint>();
    const onCommitted = (c: CommittedBinlog): void => {
      current = markApplied(current, c.seq);
      remaining.delete(c.seq);
      if (c.pendingTxnId !== undefined) current = { ...current, committedTxnIds: [...current.committedTxnIds, c.pendingTxnId] };
      rt.checkpointSoon(current);
      this.afterApplied(c.seq, c.timestampMs, remaining.size, rt);
    };
    const pipeline = new UpsertPipeline(this.ctx, onCommitted, this.ctx.config.maxPipelineIngesting);
    try {
      for await (const binlog of this.binlogsOfStep(fetched.binlogs, remaining, startedAt, signal)) {
        const seq = binlog.commit_seq ?? 0n;
        this.ctx.metrics.binlogsHandled.inc({ job: this.ctx.name, type: binlogTypeName(binlog.type ?? -1) });
        if (seq === this.silenced) {
          this.ctx.log.warn({ seq: seq.toString(), type: binlogTypeName(binlog.type ?? -1) }, 'binlog skipped on operator request');
          await pipeline.submitNoop(binlog);
          continue;
        }
        if (binlog.type === BinlogType.UPSERT) {
          await pipeline.submitUpsert(binlog, current, signal);
          continue;
        }
        await pipeline.drain();
        await rt.flush(signal);
        current = await this.waitVisible(current, seq, signal);
        const outcome = await this.applyOther(current, binlog, seq, rt, signal);
        if (outcome.kind !== 'done') return { progress: await this.enterSnapshot(current, outcome, seq, rt, signal) };
        current = outcome.progress;
        remaining.delete(seq);
        this.afterApplied(seq, binlog.timestamp ?? 0n, remaining.size, rt);
      }
      await pipeline.drain();
    } catch (err) {
      // Whatever committed is recorded; the next attempt resumes right after it.
      await pipeline.drain().catch(() => undefined);
      this.fetcher.reset();
      await rt.flush(signal).catch(() => undefined);
      throw err;
    }
    const switched = leaveTablesIncrementalIfCaughtUp(current, this.ctx.now());
    if (switched !== current) {
      await rt.checkpoint(switched, signal);
      current = switched;
    }
    return { progress: current };
  }

  /**
   * The binlogs of one step: the fetched batch, then the next ones while each comes back full
   * and the step is young, so the pipeline keeps its upserts in flight across batches instead
   * of draining at every batch boundary. Caught up or garbage-collected binlogs end the step;
   * the next step fetches them again and handles them. `remaining` gets every seq yielded.
   */
  private async *binlogsOfStep(first: TBinlog[], remaining: Set<bigint>, startedAt: number, signal: AbortSignal): AsyncGenerator<TBinlog> {
    for (let batch = first; ; ) {
      for (const b of batch) remaining.add(b.commit_seq ?? 0n);
      yield* batch;
      const last = batch[batch.length - 1]?.commit_seq;
      if (last === undefined || batch.length < this.ctx.config.binlogBatchSize || this.ctx.now() - startedAt >= STEP_BUDGET_MS) return;
      const more = await this.fetcher.next(last, signal);
      if (more.kind !== 'binlogs') return;
      batch = more.binlogs;
    }
  }

  private async applyOther(p: Progress, binlog: TBinlog, seq: bigint, rt: StepRuntime, signal: AbortSignal): Promise<HandlerResult> {
    let marked = false;
    const result = await handleBinlog({
      ctx: this.ctx,
      progress: p,
      binlog,
      seq,
      retry: p.commitSeq === seq && p.commitSeq !== p.prevCommitSeq,
      beginApply: async () => {
        if (marked) return;
        marked = true;
        await rt.checkpoint(markInFlight(p, seq), signal);
      },
      signal,
    });
    if (result.kind !== 'done') return result;
    const next = markApplied(result.progress, seq);
    if (marked || result.progress !== p) await rt.checkpoint(next, signal);
    else rt.checkpointSoon(next);
    return { kind: 'done', progress: next };
  }

  private async enterSnapshot(before: Progress, outcome: Exclude<HandlerResult, { kind: 'done' }>, seq: bigint, rt: StepRuntime, signal: AbortSignal): Promise<Progress> {
    const p = outcome.progress ?? before;
    const next =
      outcome.kind === 'full-sync'
        ? startFullSync(p, this.ctx.kind, this.ctx.name, outcome.reason, this.ctx.now())
        : startPartialSync(p, this.ctx.kind, this.ctx.name, outcome.target, outcome.reason, seq, this.ctx.now());
    await rt.checkpoint(next, signal);
    (outcome.kind === 'full-sync' ? this.ctx.metrics.fullSyncs : this.ctx.metrics.partialSyncs).inc({ job: this.ctx.name });
    this.ctx.log.info({ seq: seq.toString(), kind: outcome.kind, reason: outcome.reason }, 'binlog needs a snapshot sync');
    return next;
  }

  /**
   * The table job's source table was dropped and recreated: a full sync follows the new table
   * (doc/operations.md), unless the operator turned that off. A table that is merely gone is
   * reported as the error the job keeps retrying, until it is recovered or recreated.
   */
  private async sourceTableRecreated(p: Progress, rt: StepRuntime, signal: AbortSignal): Promise<Progress | undefined> {
    const change = await this.sourceTable?.check(signal);
    if (!change) return undefined;
    const src = this.ctx.spec().src;
    const table = `${src.database}.${src.table}`;
    if (change.kind === 'missing') {
      throw new CcrError('CCR_E0212', `source table ${table} (id ${change.id}) no longer exists; the job resumes when it is recovered or recreated`, {
        category: 'meta',
        disposition: 'retry',
      });
    }
    const what = `source table ${table} was dropped and recreated (id ${change.oldId} -> ${change.newId})`;
    if (!this.ctx.config.features.resyncOnTableRecreate) {
      throw new CcrError('CCR_E0213', `${what}: run /force_fullsync and /resume to replicate the new table, or start the syncer with --feature_resync_on_table_recreate=true`, {
        category: 'meta',
        disposition: 'pause',
      });
    }
    const next = startFullSync(p, this.ctx.kind, this.ctx.name, what, this.ctx.now());
    await rt.checkpoint(next, signal);
    this.ctx.metrics.fullSyncs.inc({ job: this.ctx.name });
    this.ctx.log.info({ old: change.oldId.toString(), new: change.newId.toString() }, 'source table recreated; full sync of the new table');
    return next;
  }

  private afterApplied(seq: bigint, timestampMs: bigint, behind: number, rt: StepRuntime): void {
    const job = this.ctx.name;
    this.ctx.metrics.commitSeq.set({ job }, Number(seq));
    const lagSeconds = timestampMs > 0n ? Math.max(0, (this.ctx.now() - Number(timestampMs)) / 1000) : 0;
    this.ctx.metrics.lagBinlogs.set({ job }, behind);
    this.ctx.metrics.lagSeconds.set({ job }, lagSeconds);
    if (timestampMs > 0n) this.ctx.metrics.applyLatency.observe({ job }, lagSeconds);
    rt.reportLag(BigInt(behind), lagSeconds);
  }

  /**
   * DDL must not overtake a load that is committed but not yet visible (PUBLISH_TIMEOUT).
   * Returns the progress without those transactions; the DDL's checkpoint persists that.
   */
  /** Drops the listed transactions that are VISIBLE (or gone) by now; records the shorter list. */
  private async forgetVisible(p: Progress, rt: StepRuntime, signal: AbortSignal): Promise<Progress> {
    if (p.committedTxnIds.length === 0) return p;
    const still: bigint[] = [];
    for (const txnId of p.committedTxnIds) {
      const status = await txnStatusById(this.ctx, txnId, signal);
      if (status === 'COMMITTED' || status === 'PREPARE' || status === 'PRECOMMITTED') still.push(txnId);
    }
    this.forgetAt = Math.max(FORGET_VISIBLE_MIN, 2 * still.length);
    if (still.length === p.committedTxnIds.length) return p;
    const next = { ...p, committedTxnIds: still };
    rt.checkpointSoon(next);
    return next;
  }

  private async waitVisible(p: Progress, seq: bigint, signal: AbortSignal): Promise<Progress> {
    if (p.committedTxnIds.length === 0) return p;
    const deadline = this.ctx.now() + this.ctx.config.publishWaitMs;
    for (const txnId of p.committedTxnIds) {
      for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
        const status = await txnStatusById(this.ctx, txnId, signal);
        if (status === 'VISIBLE' || status === 'ABORTED' || status === 'UNKNOWN') break;
        if (this.ctx.now() > deadline) {
          // Not silently: the job shows why it does not move (and waits on after the backoff).
          throw new CcrError(
            'CCR_E0304',
            `the binlog at seq ${seq} waits for destination transaction ${txnId} (${status}) to become VISIBLE; publishing is slow or stuck on the destination: check its BEs`,
            { category: 'be', disposition: 'retry' },
          );
        }
        await sleep(wait, signal);
      }
    }
    return { ...p, committedTxnIds: [] };
  }
}
