// The contract of a non-upsert binlog handler. Upserts go through the pipeline; every other
// binlog type has one handler that applies it on the destination (usually as SQL), decides it
// needs a partial or full sync, or decides it does not concern this job.
import type { TBinlog } from '../../doris/types.js';
import type { JobContext } from '../job-context.js';
import type { PartialSyncTarget, Progress } from '../progress.js';

export interface HandlerArgs {
  ctx: JobContext;
  progress: Progress;
  binlog: TBinlog;
  seq: bigint;
  /**
   * True when this binlog was in flight when the job last stopped: the destination may already
   * show its effect, fully or partly. Handlers check before re-applying (doc/checkpoints.md).
   */
  retry: boolean;
  /** Persists the in-flight marker. Call it right before the first change to the destination. */
  beginApply(): Promise<void>;
  signal: AbortSignal;
}

export type HandlerResult =
  /** Applied or irrelevant. `progress` carries mapping changes; the cursor is advanced by the caller. */
  | { kind: 'done'; progress: Progress }
  /** `progress`, when given, carries changes the handler made before asking for the sync. */
  | { kind: 'partial-sync'; target: PartialSyncTarget; reason: string; progress?: Progress }
  | { kind: 'full-sync'; reason: string; progress?: Progress };

export type BinlogHandler = (args: HandlerArgs) => Promise<HandlerResult>;

export const done = (progress: Progress): HandlerResult => ({ kind: 'done', progress });
