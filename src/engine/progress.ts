// A job's progress: the in-memory model of what its checkpoint holds. Progress objects are
// immutable; a step returns a new one and only the runner adopts (and persists) it.
// doc/checkpoints.md explains every field and what resuming from each state means.

/**
 * The sync states, with the Go syncer's names.
 * - DBFullSync / TableFullSync: backup the source db or table, restore it on the destination.
 * - DBTablesIncrementalSync: after a db full or partial sync; tables whose snapshot was taken
 *   later than the cursor skip binlogs they already contain (tableCommitSeqMap).
 * - DBIncrementalSync / TableIncrementalSync: replay binlogs after prevCommitSeq.
 * - DBPartialSync / TablePartialSync: backup/restore one table (or some partitions).
 */
export type SyncState =
  | 'DBFullSync'
  | 'DBTablesIncrementalSync'
  | 'DBIncrementalSync'
  | 'DBPartialSync'
  | 'TableFullSync'
  | 'TableIncrementalSync'
  | 'TablePartialSync';

/**
 * Sub-states of the snapshot states (full and partial sync), in order. Incremental states
 * always have sub-state 'Done': an upsert in flight is recovered through its label, not
 * through a persisted sub-state (doc/checkpoints.md).
 */
export type SubState =
  | 'Done'
  | 'BeginCreateSnapshot'
  | 'WaitBackupDone'
  | 'GetSnapshotInfo'
  | 'RestoreSnapshot'
  | 'WaitRestoreDone'
  | 'PersistRestoreInfo';

export type JobKind = 'db' | 'table';

/** What a running full or partial sync has done so far (persisted in Go's `data` field). */
export interface SnapshotWork {
  kind: 'full' | 'partial';
  /** Backup label on the source (`ccrs_…` full, `ccrp_…` partial). */
  snapshotName: string;
  /** Restore label on the destination, once the restore was submitted. */
  restoreLabel?: string | undefined;
  /** Per source table id: commit seq of the BARRIER the backup logged for it. */
  tableCommitSeqMap?: ReadonlyMap<bigint, bigint> | undefined;
  /** Source table id → name, as backed up. */
  tableNames?: ReadonlyMap<bigint, string> | undefined;
  /** Source table ids that are views in this snapshot. */
  viewIds?: readonly bigint[] | undefined;
  /** Partial sync: which table, which partitions (empty = whole table), replace via alias. */
  partial?: PartialSyncTarget | undefined;
  /** Why this sync started (shown in job_status and /view). */
  reason: string;
}

export interface PartialSyncTarget {
  tableId: bigint;
  table: string;
  partitions: readonly string[];
  /** Restore into an alias table and swap it in (whole-table replace). */
  replace: boolean;
}

export interface Progress {
  syncState: SyncState;
  subState: SubState;
  /** Every binlog with commit seq ≤ this has been applied to the destination. */
  prevCommitSeq: bigint;
  /**
   * Equal to prevCommitSeq when nothing is in flight. Greater while the non-upsert binlog at
   * this seq is being applied: after a crash its outcome is unknown and the handler checks
   * the destination before re-applying (idempotent DDL).
   */
  commitSeq: bigint;
  /** Source table id → destination table id (db jobs; table jobs map their one table). */
  tableMapping: ReadonlyMap<bigint, bigint>;
  /** Source table id → source table name (last known). */
  tableNames: ReadonlyMap<bigint, string>;
  /** DBTablesIncrementalSync: source table id → the seq its snapshot already covers. */
  tableCommitSeqMap: ReadonlyMap<bigint, bigint>;
  /** Shadow index id → origin index id of running schema changes (their upserts are skipped). */
  shadowIndexes: ReadonlyMap<bigint, bigint>;
  /** Source table name → alias used to restore it before swapping it in. */
  tableAliases: ReadonlyMap<string, string>;
  /**
   * Destination transactions committed (PUBLISH_TIMEOUT) but not yet seen VISIBLE. The next
   * non-upsert binlog waits until they are; persisted so a restart keeps waiting for them.
   */
  committedTxnIds: readonly bigint[];
  snapshot?: SnapshotWork | undefined;
  /** Incremented for every new full/partial sync; part of snapshot names. */
  jobSyncId: number;
  fullSyncCount: number;
  partialSyncCount: number;
  /** Why the last full sync started (Go `full_sync_info.info`), for job_status and /view. */
  lastFullSyncReason: string;
  /** Unix seconds. */
  createdAt: number;
  fullSyncStartAt: number;
  incrementalSyncStartAt: number;
  partialSyncStartAt: number;
}

export function isDbJobState(state: SyncState): boolean {
  return state.startsWith('DB');
}

export function isSnapshotState(state: SyncState): boolean {
  return state.endsWith('FullSync') || state.endsWith('PartialSync');
}

const SNAPSHOT_STEPS: readonly SubState[] = ['BeginCreateSnapshot', 'WaitBackupDone', 'GetSnapshotInfo', 'RestoreSnapshot', 'WaitRestoreDone', 'PersistRestoreInfo'];

/** Whether `p` has got past sub-state `at` of its snapshot sync, or left the snapshot states. */
export function pastSubState(p: Progress, at: SubState): boolean {
  if (!isSnapshotState(p.syncState)) return true;
  return SNAPSHOT_STEPS.indexOf(p.subState) > SNAPSHOT_STEPS.indexOf(at);
}

export function incrementalState(kind: JobKind): SyncState {
  return kind === 'db' ? 'DBIncrementalSync' : 'TableIncrementalSync';
}

/** The progress of a job that has never run: a full sync from scratch. */
export function newProgress(kind: JobKind, nowSeconds: number): Progress {
  return {
    syncState: kind === 'db' ? 'DBFullSync' : 'TableFullSync',
    subState: 'BeginCreateSnapshot',
    prevCommitSeq: 0n,
    commitSeq: 0n,
    tableMapping: new Map(),
    tableNames: new Map(),
    tableCommitSeqMap: new Map(),
    shadowIndexes: new Map(),
    tableAliases: new Map(),
    committedTxnIds: [],
    snapshot: undefined,
    jobSyncId: 0,
    fullSyncCount: 0,
    partialSyncCount: 0,
    lastFullSyncReason: '',
    createdAt: nowSeconds,
    fullSyncStartAt: 0,
    incrementalSyncStartAt: 0,
    partialSyncStartAt: 0,
  };
}

/** True when no binlog is half-applied. */
export function isIdle(p: Progress): boolean {
  return p.subState === 'Done' && p.commitSeq === p.prevCommitSeq;
}
