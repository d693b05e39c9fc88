// What the simulated BEs need from the model: tablets per backend, the rowset a load wrote at
// a version (served by /api/_binlog/_download to a destination BE), staging a downloaded
// rowset under a destination transaction (ingest_binlog), and whole-replica snapshots for
// backup and restore.
import { StatusCode } from '../../doris/types.js';
import type { ModelContext } from './context.js';
import { DorisError, DorisErrNo } from './errors.js';
import type { Rowset, TabletState } from './state.js';
import { binlogRowset, newRowset, requireTablet, stageOnReplica } from './storage.js';
import type { Value } from './value.js';

/** The content of a rowset as it travels between clusters. */
export interface RowsetData {
  columnUids: number[];
  rows: Value[][];
  deleteSign?: number[] | undefined;
  deletePredicate?: string | undefined;
}

export interface IngestInput {
  txnId: bigint;
  partitionId: bigint;
  tabletId: bigint;
  backendId: bigint;
  data: RowsetData;
}

export function rowsetData(rs: Rowset): RowsetData {
  return { columnUids: rs.columnUids, rows: rs.rows, deleteSign: rs.deleteSign, deletePredicate: rs.deletePredicate };
}

export class StorageService {
  constructor(private readonly ctx: ModelContext) {}

  tablet(tabletId: bigint): TabletState | undefined {
    return this.ctx.state.tablets.get(tabletId);
  }

  /** Tablets with a replica on the backend, by tablet id. */
  tabletsOnBackend(backendId: bigint): TabletState[] {
    return [...this.ctx.state.tablets.values()]
      .filter((t) => t.replicas.some((r) => r.backendId === backendId))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * The rowset a transaction published at `version` on the replica of `tabletId` held by
   * `backendId` (get_binlog_info / get_rowset_meta / get_segment_file); undefined when the
   * replica lacks it or BE binlog GC removed it.
   */
  getBinlogRowset(tabletId: bigint, backendId: bigint, version: bigint): Rowset | undefined {
    return binlogRowset(this.ctx.state, tabletId, backendId, version);
  }

  /**
   * ingest_binlog on a destination BE: stages the downloaded rowset on the local replica
   * under the destination transaction. Errors: RUNTIME_ERROR when the BE's
   * enable_feature_binlog is off, TABLET_MISSING when the tablet has no replica here.
   */
  stageIngested(input: IngestInput): void {
    if (this.ctx.state.beConfig.get('enable_feature_binlog') !== 'true') {
      throw new DorisError(DorisErrNo.UNKNOWN, 'enable feature binlog is false', StatusCode.RUNTIME_ERROR);
    }
    const rs = newRowset(this.ctx, input.txnId, input.data.columnUids, input.data.rows, {
      deleteSign: input.data.deleteSign,
      deletePredicate: input.data.deletePredicate,
    });
    stageOnReplica(this.ctx.state, input.tabletId, input.backendId, rs);
  }

  /** Backup: the rowsets of one replica up to `version` (oldest first). */
  snapshotRowsets(tabletId: bigint, backendId: bigint, version: bigint): Rowset[] {
    const replica = requireTablet(this.ctx.state, tabletId).replicas.find((r) => r.backendId === backendId);
    if (!replica) throw new DorisError(DorisErrNo.UNKNOWN, `tablet ${tabletId} not found`, StatusCode.TABLET_MISSING);
    if (replica.version < version) throw new DorisError(DorisErrNo.UNKNOWN, `replica version ${replica.version} < ${version}`, StatusCode.INTERNAL_ERROR);
    return replica.rowsets.filter((rs) => rs.version <= version);
  }

  /**
   * Restore: replaces one replica's data with downloaded rowsets, ending at `version` (the
   * restored partition's visible version); the replica then reports that version.
   */
  installRowsets(tabletId: bigint, backendId: bigint, data: RowsetData[], version: bigint): void {
    const replica = requireTablet(this.ctx.state, tabletId).replicas.find((r) => r.backendId === backendId);
    if (!replica) throw new DorisError(DorisErrNo.UNKNOWN, `tablet ${tabletId} not found`, StatusCode.TABLET_MISSING);
    // Restored data covers versions [0, version] like Doris' restored (compacted) rowsets, so it
    // is readable but not served as a binlog of any single version.
    replica.rowsets = data.map((d) => ({
      ...newRowset(this.ctx, -1n, d.columnUids, d.rows, { deleteSign: d.deleteSign, deletePredicate: d.deletePredicate }),
      startVersion: 0n,
      version,
    }));
    replica.version = version;
    replica.lastSuccessVersion = version;
    replica.lastFailedVersion = -1n;
  }
}
