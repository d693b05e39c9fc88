// Pure progress transitions between sync states. Steps call these; the runner persists the
// result. Each new full or partial sync is a new generation (jobSyncId), which changes
// snapshot names and upsert labels (doc/checkpoints.md).
import type { JobKind, PartialSyncTarget, Progress } from './progress.js';
import { incrementalState } from './progress.js';
import { snapshotName } from './labels.js';

export function startFullSync(p: Progress, kind: JobKind, jobName: string, reason: string, nowMs: number): Progress {
  const jobSyncId = p.jobSyncId + 1;
  const now = Math.floor(nowMs / 1000);
  return {
    ...p,
    syncState: kind === 'db' ? 'DBFullSync' : 'TableFullSync',
    subState: 'BeginCreateSnapshot',
    commitSeq: p.prevCommitSeq,
    shadowIndexes: new Map(),
    tableAliases: new Map(),
    tableCommitSeqMap: new Map(),
    // The restore replaces the tables those transactions loaded.
    committedTxnIds: [],
    snapshot: { kind: 'full', snapshotName: snapshotName(jobName, 'full', jobSyncId, now), reason },
    jobSyncId,
    fullSyncCount: p.fullSyncCount + 1,
    lastFullSyncReason: reason,
    fullSyncStartAt: now,
  };
}

/**
 * Starts a partial sync of one table. `coveredSeq` is the binlog that triggered it: the new
 * snapshot is taken after it, so the cursor may move past it.
 */
export function startPartialSync(
  p: Progress,
  kind: JobKind,
  jobName: string,
  target: PartialSyncTarget,
  reason: string,
  coveredSeq: bigint,
  nowMs: number,
): Progress {
  const jobSyncId = p.jobSyncId + 1;
  const now = Math.floor(nowMs / 1000);
  const cursor = coveredSeq > p.prevCommitSeq ? coveredSeq : p.prevCommitSeq;
  return {
    ...p,
    syncState: kind === 'db' ? 'DBPartialSync' : 'TablePartialSync',
    subState: 'BeginCreateSnapshot',
    prevCommitSeq: cursor,
    commitSeq: cursor,
    snapshot: { kind: 'partial', snapshotName: snapshotName(jobName, 'partial', jobSyncId, now), partial: target, reason },
    jobSyncId,
    partialSyncCount: p.partialSyncCount + 1,
    partialSyncStartAt: now,
  };
}

/** Marks the binlog at `seq` as being applied (outcome unknown if the process dies now). */
export function markInFlight(p: Progress, seq: bigint): Progress {
  return { ...p, commitSeq: seq };
}

/** The binlog at `seq` is fully applied. */
export function markApplied(p: Progress, seq: bigint): Progress {
  return { ...p, prevCommitSeq: seq, commitSeq: seq };
}

/**
 * In DBTablesIncrementalSync, once the cursor passed every table's snapshot seq, no binlog
 * needs filtering any more: switch to DBIncrementalSync.
 */
export function leaveTablesIncrementalIfCaughtUp(p: Progress, nowMs: number): Progress {
  if (p.syncState !== 'DBTablesIncrementalSync') return p;
  for (const seq of p.tableCommitSeqMap.values()) if (seq > p.prevCommitSeq) return p;
  return {
    ...p,
    syncState: 'DBIncrementalSync',
    tableCommitSeqMap: new Map(),
    incrementalSyncStartAt: Math.floor(nowMs / 1000),
  };
}

/** The incremental state a finished snapshot leads to. */
export function afterSnapshotState(kind: JobKind): Progress['syncState'] {
  return kind === 'db' ? 'DBTablesIncrementalSync' : incrementalState(kind);
}
