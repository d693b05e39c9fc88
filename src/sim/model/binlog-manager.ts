// The FE binlog manager (binlog/BinlogManager.java, DBBinlog.java, TableBinlog.java,
// BinlogUtils.java): one list per database and one per table, each starting with a DUMMY,
// recording rules by the binlog.enable flags, "strictly greater than" reads, lag, locks,
// GC by ttl / max bytes / max history nums, and the dropped partition/table/index lists
// that getMeta reports until GC passes them.
import { BinlogType, StatusCode, type StatusCodeValue, type TBinlog } from '../../doris/types.js';
import type { BinlogListState, ClusterState, DbBinlogState } from './state.js';

/** Which binlog.enable flags apply to a binlog (evaluated by the caller, see recordBinlog). */
export interface BinlogFlags {
  db: boolean;
  tables: Map<bigint, boolean>;
}

export interface BinlogInput {
  dbId: bigint;
  tableIds: bigint[];
  commitSeq: bigint;
  timestamp: bigint;
  type: number;
  data: string;
  removeEnableCache?: boolean;
  flags: BinlogFlags;
  /** Resources this operation drops (DBBinlog.recordDroppedOrRecoveredResources). */
  dropped?: { partitions?: bigint[]; tables?: bigint[]; indexes?: bigint[] };
  /** RECOVER_INFO: the recovered partition or table leaves the dropped lists. */
  recovered?: { partitionId?: bigint; tableId?: bigint };
}

export interface BinlogLagInfo {
  lag: bigint;
  firstCommitSeq: bigint;
  lastCommitSeq: bigint;
  firstBinlogTimestamp: bigint;
  lastBinlogTimestamp: bigint;
  nextCommitSeq: bigint;
  nextBinlogTimestamp: bigint;
}

const MAX_NUM_ACQUIRED = 255n;

function dummy(dbId: bigint, belong: bigint, nowMs: number): TBinlog {
  return { commit_seq: -1n, timestamp: BigInt(nowMs), type: BinlogType.DUMMY, db_id: dbId, belong };
}

function newList(dbId: bigint, belong: bigint, nowMs: number): BinlogListState {
  return { binlogs: [dummy(dbId, belong, nowMs)], size: 0n, timestamps: [], locks: new Map() };
}

/** BinlogUtils.getApproximateMemoryUsage: 80 bytes + 8 per table id + the data length. */
export function approximateSize(b: TBinlog): bigint {
  return 80n + 8n * BigInt(b.table_ids?.length ?? 0) + BigInt(b.data?.length ?? 0);
}

function seqOf(b: TBinlog): bigint {
  return b.commit_seq ?? -1n;
}

/** BinlogManager.addBinlog: the enable rules, then DBBinlog.addBinlog. */
export function recordBinlog(state: ClusterState, input: BinlogInput, nowMs: number): void {
  if (state.feConfig.get('enable_feature_binlog')?.value !== 'true') return;
  // One table id: that table's flag decides alone. None: the database flag. Several: any.
  let anyEnable = input.flags.db;
  if (input.tableIds.length === 1) anyEnable = input.flags.tables.get(input.tableIds[0] as bigint) ?? false;
  else for (const id of input.tableIds) anyEnable = anyEnable || (input.flags.tables.get(id) ?? false);
  if (!anyEnable) return;

  const binlog: TBinlog = {
    commit_seq: input.commitSeq,
    timestamp: input.timestamp,
    type: input.type,
    db_id: input.dbId,
    table_ids: input.tableIds.length > 0 ? [...input.tableIds] : undefined,
    data: input.data,
    table_ref: 0n,
    remove_enable_cache: input.removeEnableCache ?? false,
  };
  let db = state.binlogs.get(input.dbId);
  if (!db) {
    db = {
      ...newList(input.dbId, -1n, nowMs),
      dbId: input.dbId,
      tables: new Map(),
      droppedPartitions: [],
      droppedTables: [],
      droppedIndexes: [],
    };
    state.binlogs.set(input.dbId, db);
  }
  db.binlogs.push(binlog);
  db.size += approximateSize(binlog);
  if (binlog.timestamp !== undefined && binlog.timestamp > 0n && input.flags.db) {
    db.timestamps.push([input.commitSeq, binlog.timestamp]);
  }
  if (input.tableIds.length === 0) return;
  recordDropped(db, input);
  // CREATE_TABLE and DROP_TABLE live in the database list only.
  if (input.type === BinlogType.CREATE_TABLE || input.type === BinlogType.DROP_TABLE) return;
  for (const tableId of input.tableIds) {
    let list = db.tables.get(tableId);
    if (!list) {
      if (!input.flags.db && !(input.flags.tables.get(tableId) ?? false)) continue;
      list = newList(input.dbId, tableId, nowMs);
      db.tables.set(tableId, list);
    }
    list.binlogs.push(binlog);
    binlog.table_ref = (binlog.table_ref ?? 0n) + 1n;
    list.size += approximateSize(binlog);
    if (binlog.timestamp !== undefined && binlog.timestamp > 0n) list.timestamps.push([input.commitSeq, binlog.timestamp]);
  }
}

function recordDropped(db: DbBinlogState, input: BinlogInput): void {
  for (const id of input.dropped?.partitions ?? []) if (id > 0n) db.droppedPartitions.push([id, input.commitSeq]);
  for (const id of input.dropped?.tables ?? []) if (id > 0n) db.droppedTables.push([id, input.commitSeq]);
  for (const id of input.dropped?.indexes ?? []) if (id > 0n) db.droppedIndexes.push([id, input.commitSeq]);
  const rec = input.recovered;
  if (rec?.partitionId !== undefined && rec.partitionId > 0n) {
    db.droppedPartitions = db.droppedPartitions.filter(([id]) => id !== rec.partitionId);
  } else if (rec?.tableId !== undefined && rec.tableId > 0n) {
    db.droppedTables = db.droppedTables.filter(([id]) => id !== rec.tableId);
  }
}

function copyBinlog(b: TBinlog): TBinlog {
  return { ...b, table_ids: b.table_ids ? [...b.table_ids] : undefined };
}

/** Index of the first entry with commit seq > prev (entries are ascending). */
function firstAfter(list: TBinlog[], prev: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqOf(list[mid] as TBinlog) > prev) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function listFor(state: ClusterState, dbId: bigint, tableId: bigint): BinlogListState | StatusCodeValue {
  const db = state.binlogs.get(dbId);
  if (!db) return StatusCode.BINLOG_NOT_FOUND_DB;
  if (tableId < 0n) return db;
  return db.tables.get(tableId) ?? StatusCode.BINLOG_NOT_FOUND_TABLE;
}

/**
 * BinlogUtils.getBinlog: prev older than the first entry → TOO_OLD with the first entry
 * (the DUMMY); nothing newer → TOO_NEW; else OK with up to numAcquired (clamped to 1..255)
 * entries whose commit seq is strictly greater than prev. tableId < 0 reads the db list.
 */
export function readBinlogs(
  state: ClusterState,
  dbId: bigint,
  tableId: bigint,
  prevCommitSeq: bigint,
  numAcquired: bigint,
): { status: StatusCodeValue; binlogs?: TBinlog[] } {
  const list = listFor(state, dbId, tableId);
  if (typeof list === 'number') return { status: list };
  const first = list.binlogs[0] as TBinlog;
  if (seqOf(first) > prevCommitSeq) return { status: StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ, binlogs: [copyBinlog(first)] };
  const start = firstAfter(list.binlogs, prevCommitSeq);
  if (start >= list.binlogs.length) return { status: StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ };
  const n = numAcquired < 1n ? 1n : numAcquired > MAX_NUM_ACQUIRED ? MAX_NUM_ACQUIRED : numAcquired;
  return { status: StatusCode.OK, binlogs: list.binlogs.slice(start, start + Number(n)).map(copyBinlog) };
}

/** BinlogUtils.getBinlogLag. */
export function binlogLag(
  state: ClusterState,
  dbId: bigint,
  tableId: bigint,
  prevCommitSeq: bigint,
): { status: StatusCodeValue; info?: BinlogLagInfo } {
  const list = listFor(state, dbId, tableId);
  if (typeof list === 'number') return { status: list };
  const first = list.binlogs[0] as TBinlog;
  const last = list.binlogs[list.binlogs.length - 1] as TBinlog;
  const base = {
    firstCommitSeq: seqOf(first),
    lastCommitSeq: seqOf(last),
    firstBinlogTimestamp: first.timestamp ?? -1n,
    lastBinlogTimestamp: last.timestamp ?? -1n,
  };
  if (seqOf(first) > prevCommitSeq) {
    return {
      status: StatusCode.OK,
      info: { ...base, lag: BigInt(list.binlogs.length), nextCommitSeq: seqOf(first), nextBinlogTimestamp: first.timestamp ?? -1n },
    };
  }
  const start = firstAfter(list.binlogs, prevCommitSeq);
  const next = list.binlogs[start];
  return {
    status: StatusCode.OK,
    info: {
      ...base,
      lag: BigInt(list.binlogs.length - start),
      nextCommitSeq: next ? seqOf(next) : 0n,
      nextBinlogTimestamp: next ? (next.timestamp ?? -1n) : 0n,
    },
  };
}

/**
 * DBBinlog.lockDbBinlog / TableBinlog.lockTableBinlog: negative = lock the latest entry; below
 * the first = the first; beyond the last = TOO_NEW (-1). Idempotent per job: a lower or equal
 * request returns the seq already locked.
 */
export function lockBinlogs(
  state: ClusterState,
  dbId: bigint,
  tableId: bigint,
  jobUniqueId: string,
  lockCommitSeq: bigint,
): { status: StatusCodeValue; lockedCommitSeq: bigint } {
  const list = listFor(state, dbId, tableId);
  if (typeof list === 'number') return { status: list, lockedCommitSeq: -1n };
  const first = seqOf(list.binlogs[0] as TBinlog);
  const last = seqOf(list.binlogs[list.binlogs.length - 1] as TBinlog);
  let seq = lockCommitSeq;
  if (seq < 0n) seq = last;
  else if (seq < first) seq = first;
  else if (last < seq) return { status: StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ, lockedCommitSeq: -1n };
  const held = list.locks.get(jobUniqueId);
  if (held !== undefined && seq <= held) return { status: StatusCode.OK, lockedCommitSeq: held };
  list.locks.set(jobUniqueId, seq);
  return { status: StatusCode.OK, lockedCommitSeq: seq };
}

/** The dropped lists of a database (empty if it never produced a binlog). */
export function droppedResources(
  state: ClusterState,
  dbId: bigint,
): { partitions: [bigint, bigint][]; tables: [bigint, bigint][]; indexes: [bigint, bigint][] } {
  const db = state.binlogs.get(dbId);
  return {
    partitions: db ? [...db.droppedPartitions] : [],
    tables: db ? [...db.droppedTables] : [],
    indexes: db ? [...db.droppedIndexes] : [],
  };
}
