// Progress ⇄ the JSON stored in `progresses.progress`. The key names and numeric state codes
// are the Go syncer's (pkg/ccr/job_progress.go), so a metadata store written by the Go
// syncer can be taken over: an incremental job resumes at its prev_commit_seq. Our own
// snapshot bookkeeping goes into `data` in our format; a Go `data` blob we cannot read
// restarts that snapshot step from the beginning, which is always safe.
import { z } from 'zod';
import { CcrError } from '../errors/ccr-error.js';
import { parseJsonBig, stringifyJsonBig } from '../util/json-big.js';
import type { PartialSyncTarget, Progress, SnapshotWork, SubState, SyncState } from './progress.js';

const SYNC_STATE_CODE: Record<SyncState, number> = {
  DBFullSync: 0,
  DBTablesIncrementalSync: 1,
  DBIncrementalSync: 3,
  DBPartialSync: 4,
  TableFullSync: 500,
  TableIncrementalSync: 501,
  TablePartialSync: 502,
};

const SUB_STATE_CODE: Record<SubState, number> = {
  Done: -1,
  BeginCreateSnapshot: 0,
  GetSnapshotInfo: 1,
  RestoreSnapshot: 3,
  PersistRestoreInfo: 4,
  WaitBackupDone: 5,
  WaitRestoreDone: 6,
};

const syncStateByCode = new Map(Object.entries(SYNC_STATE_CODE).map(([k, v]) => [v, k as SyncState]));
const subStateByCode = new Map(Object.entries(SUB_STATE_CODE).map(([k, v]) => [v, k as SubState]));

const i64 = z.union([z.bigint(), z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => BigInt(v));
const idMap = z.record(z.string(), i64).default({});
const seconds = z.union([z.number(), z.bigint()]).transform(Number).default(0);

const storedSchema = z.looseObject({
  job_name: z.string().optional(),
  sync_state: z.number().int(),
  sub_sync_state: z.looseObject({ state: z.number().int(), binlog_type: z.number().int().optional() }).optional(),
  prev_commit_seq: i64.default(0n),
  commit_seq: i64.default(0n),
  table_mapping: idMap.nullable().transform((v) => v ?? {}),
  table_commit_seq_map: idMap.nullable().transform((v) => v ?? {}),
  table_name_mapping: z.record(z.string(), z.string()).nullable().default({}).transform((v) => v ?? {}),
  shadow_index_map: idMap.nullable().transform((v) => v ?? {}),
  table_aliases: z.record(z.string(), z.string()).nullable().default({}).transform((v) => v ?? {}),
  committed_txn_ids: z.array(i64).nullable().default([]).transform((v) => v ?? []),
  data: z.string().default(''),
  job_sync_id: z.number().int().default(0),
  created_at: seconds,
  full_sync_start_at: seconds,
  incremental_sync_start_at: seconds,
  partial_sync_start_at: seconds,
  full_sync_count: z.number().int().default(0),
  full_sync_info: z.looseObject({ info: z.string().optional() }).nullable().optional(),
  partial_sync_count: z.number().int().default(0),
});

const snapshotDataSchema = z.object({
  ccr_ts: z.literal(1),
  kind: z.enum(['full', 'partial']),
  snapshot_name: z.string(),
  restore_label: z.string().optional(),
  table_commit_seq_map: idMap.optional(),
  table_names: z.record(z.string(), z.string()).optional(),
  view_ids: z.array(i64).optional(),
  partial: z
    .object({ table_id: i64, table: z.string(), partitions: z.array(z.string()), replace: z.boolean() })
    .optional(),
  reason: z.string(),
});

const toIdMap = (m: ReadonlyMap<bigint, bigint>): Record<string, bigint> =>
  Object.fromEntries([...m].map(([k, v]) => [k.toString(), v]));
const fromIdMap = (o: Record<string, bigint>): Map<bigint, bigint> =>
  new Map(Object.entries(o).map(([k, v]) => [BigInt(k), v]));
const toNameMap = (m: ReadonlyMap<bigint, string>): Record<string, string> =>
  Object.fromEntries([...m].map(([k, v]) => [k.toString(), v]));
const fromNameMap = (o: Record<string, string>): Map<bigint, string> =>
  new Map(Object.entries(o).map(([k, v]) => [BigInt(k), v]));

function encodeSnapshot(s: SnapshotWork): string {
  const partial = (p: PartialSyncTarget) => ({
    table_id: p.tableId,
    table: p.table,
    partitions: [...p.partitions],
    replace: p.replace,
  });
  return stringifyJsonBig({
    ccr_ts: 1,
    kind: s.kind,
    snapshot_name: s.snapshotName,
    restore_label: s.restoreLabel,
    table_commit_seq_map: s.tableCommitSeqMap ? toIdMap(s.tableCommitSeqMap) : undefined,
    table_names: s.tableNames ? toNameMap(s.tableNames) : undefined,
    view_ids: s.viewIds ? [...s.viewIds] : undefined,
    partial: s.partial ? partial(s.partial) : undefined,
    reason: s.reason,
  });
}

function decodeSnapshot(data: string): SnapshotWork | undefined {
  if (data === '') return undefined;
  let raw: unknown;
  try {
    raw = parseJsonBig(data);
  } catch {
    return undefined;
  }
  const r = snapshotDataSchema.safeParse(raw);
  if (!r.success) return undefined; // Go's PersistData or an older format: redo the snapshot step
  const d = r.data;
  return {
    kind: d.kind,
    snapshotName: d.snapshot_name,
    restoreLabel: d.restore_label,
    tableCommitSeqMap: d.table_commit_seq_map ? fromIdMap(d.table_commit_seq_map) : undefined,
    tableNames: d.table_names ? fromNameMap(d.table_names) : undefined,
    viewIds: d.view_ids,
    partial: d.partial
      ? { tableId: d.partial.table_id, table: d.partial.table, partitions: d.partial.partitions, replace: d.partial.replace }
      : undefined,
    reason: d.reason,
  };
}

/** Serialises progress for the metadata store (Go-compatible keys). */
export function encodeProgress(jobName: string, p: Progress): string {
  return stringifyJsonBig({
    job_name: jobName,
    sync_state: SYNC_STATE_CODE[p.syncState],
    sub_sync_state: { state: SUB_STATE_CODE[p.subState], binlog_type: -1 },
    prev_commit_seq: p.prevCommitSeq,
    commit_seq: p.commitSeq,
    table_mapping: toIdMap(p.tableMapping),
    table_commit_seq_map: toIdMap(p.tableCommitSeqMap),
    table_name_mapping: toNameMap(p.tableNames),
    shadow_index_map: toIdMap(p.shadowIndexes),
    table_aliases: Object.fromEntries(p.tableAliases),
    committed_txn_ids: [...p.committedTxnIds],
    data: p.snapshot ? encodeSnapshot(p.snapshot) : '',
    job_sync_id: p.jobSyncId,
    full_sync_count: p.fullSyncCount,
    full_sync_info: { prev_commit_seq: p.prevCommitSeq, commit_seq: p.commitSeq, info: p.lastFullSyncReason },
    partial_sync_count: p.partialSyncCount,
    created_at: p.createdAt,
    full_sync_start_at: p.fullSyncStartAt,
    incremental_sync_start_at: p.incrementalSyncStartAt,
    partial_sync_start_at: p.partialSyncStartAt,
  });
}

function corrupt(jobName: string, why: string): CcrError {
  return new CcrError(
    'CCR_E0102',
    `stored progress of job ${jobName} is unreadable (${why}); ` +
      'force a full sync with /job_skip_binlog {"skip_by":"fullsync"} or delete and recreate the job',
    { category: 'meta-store', disposition: 'pause', details: { job: jobName } },
  );
}

/**
 * Parses stored progress. Throws CcrError (disposition 'pause') naming the problem when the
 * row is corrupt; never guesses a cursor, since a wrong cursor loses or duplicates data.
 */
export function decodeProgress(jobName: string, text: string): Progress {
  let raw: unknown;
  try {
    raw = parseJsonBig(text);
  } catch (err) {
    throw corrupt(jobName, (err as Error).message);
  }
  const r = storedSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw corrupt(jobName, `${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`);
  }
  const s = r.data;
  const syncState = syncStateByCode.get(s.sync_state);
  if (!syncState) throw corrupt(jobName, `unknown sync_state ${s.sync_state}`);
  const snapshot = decodeSnapshot(s.data);
  const goSub = s.sub_sync_state?.state ?? -1;
  let subState = subStateByCode.get(goSub) ?? 'Done';
  let commitSeq = s.commit_seq;
  if (syncState.endsWith('FullSync') || syncState.endsWith('PartialSync')) {
    // Without our own snapshot record the step data is unusable: restart the snapshot.
    if (!snapshot) subState = 'BeginCreateSnapshot';
  } else if (goSub >= 11) {
    // A Go upsert/pipeline sub-state: its transaction is recovered by label; the binlog is
    // simply handled again from prev_commit_seq.
    subState = 'Done';
    commitSeq = s.prev_commit_seq;
  }
  if (subState === 'Done' && commitSeq < s.prev_commit_seq) commitSeq = s.prev_commit_seq;
  return {
    syncState,
    subState,
    prevCommitSeq: s.prev_commit_seq,
    commitSeq,
    tableMapping: fromIdMap(s.table_mapping),
    tableNames: fromNameMap(s.table_name_mapping),
    tableCommitSeqMap: fromIdMap(s.table_commit_seq_map),
    shadowIndexes: fromIdMap(s.shadow_index_map),
    tableAliases: new Map(Object.entries(s.table_aliases)),
    committedTxnIds: s.committed_txn_ids,
    snapshot,
    jobSyncId: s.job_sync_id,
    fullSyncCount: s.full_sync_count,
    partialSyncCount: s.partial_sync_count,
    lastFullSyncReason: s.full_sync_info?.info ?? '',
    createdAt: s.created_at,
    fullSyncStartAt: s.full_sync_start_at,
    incrementalSyncStartAt: s.incremental_sync_start_at,
    partialSyncStartAt: s.partial_sync_start_at,
  };
}

/** The Go numeric codes, for status output that mirrors the Go syncer. */
export function syncStateCode(state: SyncState): number {
  return SYNC_STATE_CODE[state];
}
