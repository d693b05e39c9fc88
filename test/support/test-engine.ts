// A real SyncEngine for daemon tests, with knobs: each job replicates a counter "source"
// (produce() appends binlogs), checkpoints Go-shaped progress through the JobManager after
// every binlog, honours skip intents, and can be made to fail, pause or stop slowly. It
// implements the seam's contracts; it is not a mock that answers whatever a test expects.
import type { CcrError } from '../../src/errors/ccr-error.js';
import type {
  JobIntent,
  JobRunner,
  JobRunnerContext,
  JobStatusSnapshot,
  LagInfo,
  ProgressSummary,
  RunOutcome,
  SyncEngine,
} from '../../src/jobs/engine.js';
import { EMPTY_SNAPSHOT } from '../../src/jobs/engine.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { FencedError } from '../../src/meta-store/meta-store.js';
import { isAbortError, sleep } from '../../src/util/abort.js';

export interface TestEngineOptions {
  /** Pause between steps of an idle runner (ms). */
  idleMs?: number;
}

interface ProgressDoc {
  job_name: string;
  sync_state: number;
  sub_sync_state: { state: number; binlog_type: number };
  prev_commit_seq: number;
  commit_seq: number;
  full_sync_info?: { info: string };
  full_sync_start_at?: number;
}

export class TestEngine implements SyncEngine {
  /** When set, prepare() rejects with it. */
  prepareError: CcrError | undefined;
  /** When set, prepare() waits for it first. */
  prepareGate: Promise<void> | undefined;
  /** When set, setBeingSynced rejects with it. */
  beingSyncedError: CcrError | undefined;
  /** How long a runner takes to reach its step boundary after an abort. */
  stopDelayMs = 0;
  readonly beingSynced = new Map<string, boolean>();
  readonly runners = new Map<string, TestRunner>();
  readonly prepared: JobSpec[] = [];
  closed = false;
  private readonly heads = new Map<string, number>();

  constructor(readonly options: TestEngineOptions = {}) {}

  /** Appends `n` binlogs to the source of job `name`. */
  produce(name: string, n = 1): void {
    this.heads.set(name, this.head(name) + n);
    this.runners.get(name)?.wake();
  }

  head(name: string): number {
    return this.heads.get(name) ?? 0;
  }

  /** Every source's head (to give another engine the same sources). */
  sourceHeads(): ReadonlyMap<string, number> {
    return new Map(this.heads);
  }

  async prepare(spec: JobSpec, signal: AbortSignal): Promise<JobSpec> {
    if (this.prepareGate) await raceSignal(this.prepareGate, signal);
    signal.throwIfAborted();
    if (this.prepareError) throw this.prepareError;
    this.prepared.push(spec);
    const frontends = (c: JobSpec['src']) => [{ host: c.host, port: c.port, thriftPort: c.thriftPort, isMaster: true }];
    return {
      ...spec,
      src: { ...spec.src, dbId: 10_000_000_000_000_001n, tableId: spec.kind === 'table' ? 20_000_000_000_000_002n : 0n, frontends: frontends(spec.src) },
      dest: { ...spec.dest, frontends: frontends(spec.dest) },
    };
  }

  createRunner(ctx: JobRunnerContext): JobRunner {
    const runner = new TestRunner(ctx, this);
    this.runners.set(ctx.spec.name, runner);
    return runner;
  }

  async lag(spec: JobSpec, progress: string | undefined, signal: AbortSignal): Promise<LagInfo> {
    signal.throwIfAborted();
    const prev = progress ? (JSON.parse(progress) as ProgressDoc).prev_commit_seq : 0;
    const head = this.head(spec.name);
    return {
      lag: BigInt(Math.max(0, head - prev)),
      firstCommitSeq: 1n,
      lastCommitSeq: BigInt(head),
      nextCommitSeq: BigInt(Math.min(prev + 1, head)),
      firstBinlogTimestampMs: 1_700_000_000_000n,
      lastBinlogTimestampMs: head === 0 ? -1n : 1_700_000_000_000n + BigInt(head) * 1000n,
      nextBinlogTimestampMs: 1_700_000_000_000n + BigInt(prev + 1) * 1000n,
    };
  }

  async setBeingSynced(spec: JobSpec, enabled: boolean, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.beingSyncedError) throw this.beingSyncedError;
    this.beingSynced.set(spec.name, enabled);
  }

  describeProgress(progress: string): ProgressSummary {
    try {
      const p = JSON.parse(progress) as ProgressDoc;
      return {
        syncState: p.sync_state === 501 ? 'TableIncrementalSync' : p.sync_state === 500 ? 'TableFullSync' : String(p.sync_state),
        subSyncState: p.sub_sync_state.state === -1 ? 'Done' : String(p.sub_sync_state.state),
        prevCommitSeq: BigInt(p.prev_commit_seq),
        lastFullSync: p.full_sync_start_at ? { at: new Date(p.full_sync_start_at * 1000), reason: p.full_sync_info?.info ?? '' } : undefined,
      };
    } catch {
      return { syncState: undefined, subSyncState: undefined, prevCommitSeq: undefined, lastFullSync: undefined };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class TestRunner implements JobRunner {
  /** When set, the next step ends run() with { kind: 'paused', reason }. */
  pauseReason: string | undefined;
  /** When set, the next step rejects run() with it (a bug in the engine). */
  crash: Error | undefined;
  runs = 0;
  readonly intents: JobIntent[] = [];
  private current: JobStatusSnapshot = EMPTY_SNAPSHOT;
  private waker: (() => void) | undefined;
  private spec: JobSpec;

  constructor(
    private readonly ctx: JobRunnerContext,
    private readonly engine: TestEngine,
  ) {
    this.spec = ctx.spec;
  }

  wake(): void {
    this.waker?.();
  }

  snapshot(): JobStatusSnapshot {
    return this.current;
  }

  notify(intent: JobIntent): void {
    this.intents.push(intent);
    this.spec = intent.spec;
    this.wake();
  }

  async run(signal: AbortSignal): Promise<RunOutcome> {
    this.runs++;
    const stored = await this.ctx.loadProgress(signal);
    let prev = stored ? (JSON.parse(stored) as ProgressDoc).prev_commit_seq : 0;
    this.publish(prev, 'TableIncrementalSync', undefined);
    try {
      for (;;) {
        if (signal.aborted) break;
        if (this.crash) throw this.crash;
        if (this.pauseReason !== undefined) {
          const reason = this.pauseReason;
          this.pauseReason = undefined;
          return { kind: 'paused', reason };
        }
        if (this.spec.skip?.by === 'fullsync') {
          this.spec = await this.ctx.updateSpec((s) => ({ ...s, skip: undefined }), signal);
          await this.save(prev, 500, signal, 'operator requested a full sync');
          this.publish(prev, 'TableFullSync', { at: new Date(), reason: 'operator requested a full sync' });
          continue;
        }
        if (prev < this.engine.head(this.spec.name)) {
          // Applying a binlog stands for a destination commit: only under a valid lease.
          this.ctx.assertLease();
          prev++;
          await this.save(prev, 501, signal);
          this.publish(prev, 'TableIncrementalSync', this.current.lastFullSync);
          continue;
        }
        await this.idle(signal);
      }
    } catch (err) {
      // Another syncer owns the job now, or this syncer's lease ran out: stop without writing.
      if (!isAbortError(err, signal) && !(err instanceof FencedError)) throw err;
    }
    if (this.engine.stopDelayMs > 0) await sleep(this.engine.stopDelayMs, new AbortController().signal);
    return { kind: 'stopped' };
  }

  private async save(prev: number, syncState: number, signal: AbortSignal, reason?: string): Promise<void> {
    const doc: ProgressDoc = {
      job_name: this.spec.name,
      sync_state: syncState,
      sub_sync_state: { state: -1, binlog_type: -1 },
      prev_commit_seq: prev,
      commit_seq: prev,
      ...(reason ? { full_sync_info: { info: reason }, full_sync_start_at: Math.floor(Date.now() / 1000) } : {}),
    };
    await this.ctx.saveProgress(JSON.stringify(doc), signal);
  }

  private publish(prev: number, syncState: string, lastFullSync: JobStatusSnapshot['lastFullSync']): void {
    this.current = Object.freeze({
      ...EMPTY_SNAPSHOT,
      syncState,
      subSyncState: 'Done',
      prevCommitSeq: BigInt(prev),
      lag: { binlogs: BigInt(Math.max(0, this.engine.head(this.spec.name) - prev)), seconds: 0, at: new Date() },
      lastFullSync,
    });
  }

  private idle(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, this.engine.options.idleMs ?? 1000);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
      this.waker = done;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function raceSignal(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
