// The FE's binlog RPC semantics on top of the binlog manager (FrontendServiceImpl
// getBinlogImpl / getBinlogLagImpl / lockBinlogImpl after authentication): database and
// table resolution, statuses and the Thrift-shaped results. Authentication, required-field
// checks and NOT_MASTER stay with the RPC layer.
import {
  BinlogType,
  type TBinlog,
  type TGetBinlogLagResult,
  type TGetBinlogRequest,
  type TGetBinlogResult,
  type TLockBinlogRequest,
  type TLockBinlogResult,
  type TStatus,
} from '../../doris/types.js';
import { gcBinlogs, gcBinlogsBefore } from './binlog-gc.js';
import { binlogLag, droppedResources, lockBinlogs, readBinlogs } from './binlog-manager.js';
import { barrierLog } from './binlog-records.js';
import { findDb, findTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { ddlError, DorisError } from './errors.js';
import { logOperation } from './journal.js';
import type { DatabaseState } from './state.js';

function errorStatus(e: DorisError): TStatus {
  return { status_code: e.status, error_msgs: [e.message] };
}

export class BinlogService {
  constructor(private readonly ctx: ModelContext) {}

  /** Resolves db name and table (id wins over name) as getBinlogImpl does; throws DorisError. */
  private resolve(req: { db?: string | undefined; table?: string | undefined; table_id?: bigint | undefined }): {
    db: DatabaseState;
    tableId: bigint;
  } {
    const dbName = req.db ?? '';
    const db = findDb(this.ctx.state, dbName);
    if (!db) throw ddlError(`unknown database, database=${dbName}`);
    if (req.table_id !== undefined && req.table_id > 0n) return { db, tableId: req.table_id };
    if (req.table !== undefined && req.table !== '') {
      const t = findTable(db, req.table);
      if (!t) throw ddlError(`table not found, tableName=${req.table}`);
      if (t.kind !== 'OLAP') throw ddlError(`table type is not OLAP, tableName=${req.table}, type=${t.kind}`);
      return { db, tableId: t.id };
    }
    return { db, tableId: -1n };
  }

  private guard<T extends { status?: TStatus | undefined }>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DorisError) return { status: errorStatus(e) } as T;
      throw e;
    }
  }

  /**
   * getBinlog: binlogs with commit_seq strictly greater than prev_commit_seq (up to
   * num_acquired, 1..255); TOO_OLD returns the DUMMY; NOT_FOUND_DB / NOT_FOUND_TABLE before
   * the first binlog of that list exists.
   */
  getBinlog(req: TGetBinlogRequest): TGetBinlogResult {
    return this.guard(() => {
      const { db, tableId } = this.resolve(req);
      const r = readBinlogs(this.ctx.state, db.id, tableId, req.prev_commit_seq ?? 0n, req.num_acquired ?? 1n);
      return { status: { status_code: r.status }, binlogs: r.binlogs };
    });
  }

  /** getBinlogLag: lag and the first/last/next commit seqs and timestamps. */
  getBinlogLag(req: TGetBinlogRequest): TGetBinlogLagResult {
    return this.guard(() => {
      const { db, tableId } = this.resolve(req);
      const r = binlogLag(this.ctx.state, db.id, tableId, req.prev_commit_seq ?? 0n);
      if (!r.info) return { status: { status_code: r.status } };
      return {
        status: { status_code: r.status },
        lag: r.info.lag,
        first_commit_seq: r.info.firstCommitSeq,
        last_commit_seq: r.info.lastCommitSeq,
        first_binlog_timestamp: r.info.firstBinlogTimestamp,
        last_binlog_timestamp: r.info.lastBinlogTimestamp,
        next_commit_seq: r.info.nextCommitSeq,
        next_binlog_timestamp: r.info.nextBinlogTimestamp,
      };
    });
  }

  /** lockBinlog: pins binlogs for a job (see lockBinlogs for the semantics). */
  lockBinlog(req: TLockBinlogRequest): TLockBinlogResult {
    return this.guard(() => {
      if (req.job_unique_id === undefined || req.job_unique_id === '') throw ddlError('job_unique_id is not set');
      const { db, tableId } = this.resolve(req);
      const r = lockBinlogs(this.ctx.state, db.id, tableId, req.job_unique_id, req.lock_commit_seq ?? -1n);
      return { status: { status_code: r.status }, locked_commit_seq: r.lockedCommitSeq };
    });
  }

  /** One pass of the periodic binlog GC at the current clock time. */
  gc(): void {
    gcBinlogs(this.ctx.state, this.ctx.clock());
  }

  /** Fault injection: expire every binlog with commit seq <= `commitSeq`. */
  gcBefore(commitSeq: bigint): void {
    gcBinlogsBefore(this.ctx.state, commitSeq);
  }

  /**
   * Logs a BARRIER for a table, as BACKUP does for each backed-up OLAP table; returns its
   * commit seq (the snapshot's table_commit_seq_map value). The barrier creates the binlog
   * lists if they do not exist yet, which is what lets incremental sync start after a full
   * sync.
   */
  logBarrier(dbId: bigint, tableId: bigint): bigint {
    const db = this.ctx.state.dbs.get(dbId);
    const table = db?.tables.get(tableId);
    if (!db || !table) throw ddlError(`table not found, tableId=${tableId}`);
    return logOperation(this.ctx, {
      type: BinlogType.BARRIER,
      dbId,
      tableIds: [tableId],
      data: () => barrierLog({ dbId, dbName: db.name, tableId, tableName: table.name }),
    });
  }

  /** The dropped partitions/tables/indexes (id, drop commit seq) still reported by getMeta. */
  dropped(dbId: bigint): ReturnType<typeof droppedResources> {
    return droppedResources(this.ctx.state, dbId);
  }

  /** A copy of a whole binlog list (db list when tableId is omitted), DUMMY first; for tests and tools. */
  list(dbId: bigint, tableId?: bigint): TBinlog[] {
    const db = this.ctx.state.binlogs.get(dbId);
    const list = tableId === undefined ? db : db?.tables.get(tableId);
    return (list?.binlogs ?? []).map((b) => ({ ...b, table_ids: b.table_ids ? [...b.table_ids] : undefined }));
  }
}
