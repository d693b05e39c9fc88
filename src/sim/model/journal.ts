// Logging a metadata operation: every call draws one journal id (the future commit_seq) and,
// when the operation has a binlog form, hands the binlog to the binlog manager with that id.
import { recordBinlog, type BinlogFlags, type BinlogInput } from './binlog-manager.js';
import type { ModelContext } from './context.js';
import { allocateJournalId } from './ids.js';
import type { ClusterState } from './state.js';

export interface LoggedBinlog {
  type: number;
  dbId: bigint;
  tableIds: bigint[];
  /** Builds the JSON payload; receives the commit seq because most payloads embed it. */
  data: (commitSeq: bigint) => string;
  /** Flags captured before the operation changed them; default = current catalog flags. */
  flags?: BinlogFlags | undefined;
  removeEnableCache?: boolean | undefined;
  dropped?: BinlogInput['dropped'];
  recovered?: BinlogInput['recovered'];
  /** UPSERT: the transaction finish time instead of "now". */
  timestampMs?: number | undefined;
}

/** The binlog.enable flags of a database and some of its tables as the catalog holds them now. */
export function binlogFlags(state: ClusterState, dbId: bigint, tableIds: bigint[]): BinlogFlags {
  const db = state.dbs.get(dbId);
  const dbEnable = db?.properties.get('binlog.enable') === 'true';
  const tables = new Map<bigint, boolean>();
  for (const id of tableIds) {
    const t = db?.tables.get(id);
    // Views have no binlog config of their own; they follow the database (see doc/simulator.md).
    tables.set(id, t?.kind === 'OLAP' ? t.binlog.enable : t?.kind === 'VIEW' ? dbEnable : false);
  }
  return { db: dbEnable, tables };
}

/** Writes one edit-log entry; returns its journal id (= commit seq). */
export function logOperation(ctx: ModelContext, binlog?: LoggedBinlog): bigint {
  const seq = allocateJournalId(ctx.state);
  if (binlog) {
    const now = ctx.clock();
    recordBinlog(
      ctx.state,
      {
        dbId: binlog.dbId,
        tableIds: binlog.tableIds,
        commitSeq: seq,
        timestamp: BigInt(binlog.timestampMs ?? now),
        type: binlog.type,
        data: binlog.data(seq),
        removeEnableCache: binlog.removeEnableCache,
        flags: binlog.flags ?? binlogFlags(ctx.state, binlog.dbId, binlog.tableIds),
        dropped: binlog.dropped,
        recovered: binlog.recovered,
      },
      now,
    );
  }
  return seq;
}
