// Binlog garbage collection (DBBinlog.gc, TableBinlog.gc/commitSeqGc). With the database's
// binlog enabled, the database config (ttl / max bytes / max history nums, and locks that
// speed GC up to the oldest locked seq) expires the db list and the table lists follow by
// commit seq; with it disabled each table list is collected by its own config and the db
// list drops entries no table list still references. Removed entries advance the DUMMY to
// the last removed seq, drop locks and dropped-resource entries the GC passed, and tell the
// BEs (via the last expired UPSERT) that rowset binlogs up to that version may go.
import { BinlogType, type TBinlog } from '../../doris/types.js';
import { parseJsonBig } from '../../util/json-big.js';
import { approximateSize } from './binlog-manager.js';
import { findTableById } from './catalog.js';
import type { BinlogListState, ClusterState, DbBinlogState } from './state.js';

const LONG_MAX = 0x7fffffffffffffffn;
const DEFAULT_TTL_SECONDS = 86400n;

interface GcConfig {
  enable: boolean;
  ttlSeconds: bigint;
  maxBytes: bigint;
  maxHistoryNums: bigint;
}

function parseLong(v: string | undefined, dflt: bigint): bigint {
  return v !== undefined && /^-?\d+$/.test(v.trim()) ? BigInt(v.trim()) : dflt;
}

/** BinlogConfig of a database, from its properties. */
export function dbBinlogConfig(props: Map<string, string>): GcConfig {
  return {
    enable: props.get('binlog.enable') === 'true',
    ttlSeconds: parseLong(props.get('binlog.ttl_seconds'), DEFAULT_TTL_SECONDS),
    maxBytes: parseLong(props.get('binlog.max_bytes'), LONG_MAX),
    maxHistoryNums: parseLong(props.get('binlog.max_history_nums'), LONG_MAX),
  };
}

/** BinlogUtils.getExpiredMs: entries with a timestamp at or before this are past the TTL. */
function expiredMs(ttlSeconds: bigint, nowMs: number): bigint {
  const nowSeconds = BigInt(Math.floor(nowMs / 1000));
  if (nowSeconds < ttlSeconds) return -(2n ** 63n);
  return (nowSeconds - ttlSeconds) * 1000n;
}

function ttlExpiredSeq(list: BinlogListState, ttlSeconds: bigint, nowMs: number): bigint {
  const limit = expiredMs(ttlSeconds, nowMs);
  let expired = -1n;
  for (const [seq, ts] of list.timestamps) {
    if (ts > limit) break;
    expired = seq;
  }
  return expired;
}

/** Removes leading entries (after the DUMMY) while `expired` says so; returns the removed ones. */
function dropLeading(list: BinlogListState, expired: (b: TBinlog) => boolean, isTableList: boolean): TBinlog[] {
  const removed: TBinlog[] = [];
  while (list.binlogs.length > 1) {
    const b = list.binlogs[1] as TBinlog;
    if (!expired(b)) break;
    list.binlogs.splice(1, 1);
    list.size -= approximateSize(b);
    if (isTableList) b.table_ref = (b.table_ref ?? 1n) - 1n;
    removed.push(b);
  }
  const last = removed[removed.length - 1];
  if (last) {
    const seq = last.commit_seq ?? -1n;
    const dummy = list.binlogs[0] as TBinlog;
    dummy.commit_seq = seq;
    if (!isTableList) dummy.timestamp = last.timestamp;
    list.timestamps = list.timestamps.filter(([s]) => s > seq);
    for (const [job, locked] of list.locks) if (locked <= seq) list.locks.delete(job);
  }
  return removed;
}

function gcDropped(db: DbBinlogState, seq: bigint): void {
  const keep = (e: [bigint, bigint][]): [bigint, bigint][] => {
    let i = 0;
    while (i < e.length && (e[i] as [bigint, bigint])[1] < seq) i++;
    return e.slice(i);
  };
  db.droppedPartitions = keep(db.droppedPartitions);
  db.droppedTables = keep(db.droppedTables);
  db.droppedIndexes = keep(db.droppedIndexes);
}

/** BE binlog GC: rowsets at or below the expired UPSERT's partition versions stop serving ingest. */
function gcBeBinlogs(state: ClusterState, removed: TBinlog[]): void {
  const lastUpsert = [...removed].reverse().find((b) => b.type === BinlogType.UPSERT);
  if (!lastUpsert?.data) return;
  const record = parseJsonBig(lastUpsert.data) as {
    tableRecords?: Record<string, { partitionRecords?: { partitionId: number | bigint; version: number | bigint }[] }>;
  };
  for (const [tableIdText, rec] of Object.entries(record.tableRecords ?? {})) {
    const found = findTableById(state, BigInt(tableIdText));
    if (found?.table.kind !== 'OLAP') continue;
    for (const pr of rec.partitionRecords ?? []) {
      const partition = found.table.partitions.get(BigInt(pr.partitionId));
      if (!partition) continue;
      const version = BigInt(pr.version);
      for (const tabletIds of partition.tablets.values()) {
        for (const tabletId of tabletIds) {
          for (const r of state.tablets.get(tabletId)?.replicas ?? []) {
            if (r.binlogGcVersion < version) r.binlogGcVersion = version;
          }
        }
      }
    }
  }
}

function minLockedSeq(db: DbBinlogState): bigint | undefined {
  let min: bigint | undefined;
  const lists: BinlogListState[] = [db, ...db.tables.values()];
  for (const l of lists) for (const seq of l.locks.values()) if (min === undefined || seq < min) min = seq;
  return min;
}

function gcEnabledDb(state: ClusterState, db: DbBinlogState, cfg: GcConfig, nowMs: number): void {
  let expired = ttlExpiredSeq(db, cfg.ttlSeconds, nowMs);
  const minLocked = minLockedSeq(db);
  if (minLocked !== undefined && expired + 1n < minLocked) expired = minLocked - 1n;
  else if (minLocked === undefined && state.feConfig.get('enable_recycle_binlog_immediately')?.value === 'true') {
    expired = (db.binlogs[db.binlogs.length - 1] as TBinlog).commit_seq ?? -1n;
  }
  const limit = expired;
  const removed = dropLeading(
    db,
    (b) => (b.commit_seq ?? -1n) <= limit || cfg.maxBytes < db.size || cfg.maxHistoryNums < BigInt(db.binlogs.length),
    false,
  );
  const last = removed[removed.length - 1];
  if (!last) return;
  const seq = last.commit_seq ?? -1n;
  gcDropped(db, seq);
  for (const list of db.tables.values()) gcBeBinlogs(state, dropLeading(list, (b) => (b.commit_seq ?? -1n) <= seq, true));
}

function gcDisabledDb(state: ClusterState, db: DbBinlogState, nowMs: number): void {
  let largest = -1n;
  for (const [tableId, list] of db.tables) {
    const found = findTableById(state, tableId);
    if (found?.table.kind !== 'OLAP') continue;
    const cfg = found.table.binlog;
    const last = list.binlogs[list.binlogs.length - 1] as TBinlog;
    const expired = cfg.enable ? ttlExpiredSeq(list, cfg.ttlSeconds, nowMs) : (last.commit_seq ?? -1n);
    const removed = dropLeading(
      list,
      (b) => (b.commit_seq ?? -1n) <= expired || cfg.maxBytes < list.size || cfg.maxHistoryNums < BigInt(list.binlogs.length),
      true,
    );
    const lastRemoved = removed[removed.length - 1];
    if (!lastRemoved) continue;
    gcBeBinlogs(state, removed);
    if ((lastRemoved.commit_seq ?? -1n) > largest) largest = lastRemoved.commit_seq ?? -1n;
  }
  if (largest < 0n) return;
  removeUnreferenced(db, largest);
}

/** DBBinlog.removeExpiredMetaData: drop db entries up to `largest` no table list references. */
function removeUnreferenced(db: DbBinlogState, largest: bigint): void {
  let foundUsed = false;
  let lastSeq = -1n;
  const kept: TBinlog[] = [db.binlogs[0] as TBinlog];
  let i = 1;
  for (; i < db.binlogs.length; i++) {
    const b = db.binlogs[i] as TBinlog;
    const seq = b.commit_seq ?? -1n;
    if (seq > largest) break;
    if ((b.table_ref ?? 0n) <= 0n) {
      db.size -= approximateSize(b);
      if (!foundUsed) lastSeq = seq;
    } else {
      foundUsed = true;
      kept.push(b);
    }
  }
  db.binlogs = kept.concat(db.binlogs.slice(i));
  gcDropped(db, largest);
  if (lastSeq !== -1n) (db.binlogs[0] as TBinlog).commit_seq = lastSeq;
}

/** One pass of the FE's periodic binlog GC over every database list. */
export function gcBinlogs(state: ClusterState, nowMs: number): void {
  for (const db of state.binlogs.values()) {
    const dbState = state.dbs.get(db.dbId);
    if (!dbState) continue;
    const cfg = dbBinlogConfig(dbState.properties);
    if (cfg.enable) gcEnabledDb(state, db, cfg, nowMs);
    else gcDisabledDb(state, db, nowMs);
  }
}

/** Fault injection: expire every binlog with commit seq <= `commitSeq` in every list. */
export function gcBinlogsBefore(state: ClusterState, commitSeq: bigint): void {
  for (const db of state.binlogs.values()) {
    const removed = dropLeading(db, (b) => (b.commit_seq ?? -1n) <= commitSeq, false);
    if (removed.length > 0) gcDropped(db, removed[removed.length - 1]?.commit_seq ?? -1n);
    for (const list of db.tables.values()) {
      gcBeBinlogs(state, dropLeading(list, (b) => (b.commit_seq ?? -1n) <= commitSeq, true));
    }
  }
}
