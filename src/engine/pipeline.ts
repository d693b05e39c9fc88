// Upserts in flight: up to N binlogs are prepared (begin + ingest) concurrently, and they are
// committed strictly in binlog order, so the destination's versions follow the source's.
// Binlogs that need no destination work take their place in the same order, so the cursor
// never runs ahead of a commit. The first failure poisons the pipeline: everything prepared
// after it is rolled back and the failure is rethrown to the caller, who restarts from the
// last committed binlog.
import type { TBinlog } from '../doris/types.js';
import type { JobContext } from './job-context.js';
import { commitUpsert, prepareUpsert, rollbackTxn, type CommitOutcome, type PreparedUpsert, type UpsertView } from './upsert.js';

export interface CommittedBinlog {
  seq: bigint;
  /** Source commit time of the binlog (ms), for lag. */
  timestampMs: bigint;
  /** Only for upserts committed but not yet visible (PUBLISH_TIMEOUT). */
  pendingTxnId?: bigint | undefined;
}

export class UpsertPipeline {
  private tail: Promise<void> = Promise.resolve();
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;
  private failed = false;

  constructor(
    private readonly ctx: JobContext,
    private readonly onCommitted: (c: CommittedBinlog) => void,
    private readonly maxInFlight: number,
  ) {}

  /** Adds an upsert; resolves once there is room for it (it then runs in the background). */
  async submitUpsert(binlog: TBinlog, view: UpsertView, signal: AbortSignal): Promise<void> {
    await this.waitForRoom();
    const prepared = prepareUpsert(this.ctx, view, binlog, signal);
    prepared.catch(() => undefined); // observed below, in order
    this.enqueue(async (previous) => {
      let p: PreparedUpsert;
      try {
        p = await prepared;
      } catch (err) {
        await previous.catch(() => undefined);
        throw err;
      }
      try {
        await previous;
      } catch (err) {
        if (p.kind === 'prepared') await rollbackTxn(this.ctx, p.txnId, 'an earlier binlog failed');
        throw err;
      }
      let outcome: CommitOutcome = 'visible';
      if (p.kind === 'prepared') {
        try {
          outcome = await commitUpsert(this.ctx, p.txnId, p.commitInfos, signal);
        } catch (err) {
          // Stopped (or failed) before the commit was known to land: do not leave the
          // transaction holding its tablets until Doris times it out. Rolling back a committed
          // transaction is refused by the FE, so this is safe either way.
          await rollbackTxn(this.ctx, p.txnId, 'the job stopped before the commit completed');
          throw err;
        }
      }
      // Committed but not yet visible, now or by an earlier attempt: later DDL waits for it.
      let pendingTxnId: bigint | undefined;
      if (p.kind === 'prepared' && outcome === 'committed') pendingTxnId = p.txnId;
      else if (p.kind === 'applied') pendingTxnId = p.pendingTxnId;
      this.onCommitted({ seq: p.seq, timestampMs: p.timestampMs, pendingTxnId });
    });
  }

  /** Adds a binlog that needs no destination work; it completes after everything before it. */
  async submitNoop(binlog: TBinlog): Promise<void> {
    await this.waitForRoom();
    this.enqueue(async (previous) => {
      await previous;
      this.onCommitted({ seq: binlog.commit_seq ?? 0n, timestampMs: binlog.timestamp ?? 0n });
    });
  }

  /** Waits until everything submitted is committed; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.tail.catch(() => undefined);
    if (this.failed) throw this.failure;
  }

  /** True when nothing is in flight. */
  get idle(): boolean {
    return this.inflight.size === 0;
  }

  private enqueue(work: (previous: Promise<void>) => Promise<void>): void {
    const previous = this.tail;
    const task = work(previous);
    this.tail = task;
    this.inflight.add(task);
    task.then(
      () => this.inflight.delete(task),
      (err: unknown) => {
        this.inflight.delete(task);
        if (!this.failed) {
          this.failed = true;
          this.failure = err;
        }
      },
    );
  }

  private async waitForRoom(): Promise<void> {
    while (this.inflight.size >= this.maxInFlight && !this.failed) {
      await Promise.race([...this.inflight].map((t) => t.catch(() => undefined)));
    }
    if (this.failed) throw this.failure;
  }
}
