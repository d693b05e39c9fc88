// BackendService for one simulated BE (service/backend_service.cpp). ingest_binlog checks in
// Doris' order — BE enable_feature_binlog, each request field ("<field> is empty"), the local
// tablet on this BE (TABLET_MISSING "tablet N not found"), the transaction — then pulls the
// rowset from the source BE over HTTP and stages it under the destination transaction on this
// BE's replica, synchronously (ingest_binlog_work_pool_size = -1). Ingesting the same rowset
// into one transaction twice is success, as PUSH_TRANSACTION_ALREADY_EXIST is for Doris.
import type { BackendService } from '../../doris/ports.js';
import {
  IngestBinlogStatus,
  StatusCode,
  type TIngestBinlogRequest,
  type TIngestBinlogResult,
  type TQueryIngestBinlogRequest,
  type TQueryIngestBinlogResult,
  type TStatus,
} from '../../doris/types.js';
import type { SimEnv } from '../env.js';
import { DorisError } from '../model/errors.js';
import type { RowsetData } from '../model/storage-service.js';
import { BinlogDownloadError, downloadBinlogRowset } from './binlog-download.js';

const INGEST_FIELDS = ['txn_id', 'remote_tablet_id', 'binlog_version', 'remote_host', 'remote_port', 'partition_id', 'local_tablet_id', 'load_id'] as const;

function status(code: number, message: string): TStatus {
  return { status_code: code, error_msgs: [message] };
}

/** Concatenates the segments of one rowset (they share the rowset's column layout). */
function mergeSegments(segments: RowsetData[]): RowsetData {
  const first = segments[0];
  if (!first) return { columnUids: [], rows: [] };
  if (segments.length === 1) return first;
  return {
    columnUids: first.columnUids,
    rows: segments.flatMap((s) => s.rows),
    deleteSign: first.deleteSign ? segments.flatMap((s) => s.deleteSign ?? s.rows.map(() => 0)) : undefined,
    deletePredicate: first.deletePredicate,
  };
}

export class SimBackendService implements BackendService {
  constructor(
    private readonly env: SimEnv,
    /** The backend this service answers for. */
    private readonly backendId: bigint,
  ) {}

  async ingest_binlog(req: TIngestBinlogRequest, signal: AbortSignal): Promise<TIngestBinlogResult> {
    const injected = await this.env.faults.intercept('be', 'ingest_binlog', String(this.backendId), signal);
    if (injected) return { status: injected };
    const model = this.env.model;
    if (model.system.beConfig('enable_feature_binlog') !== 'true') return { status: status(StatusCode.RUNTIME_ERROR, 'enable feature binlog is false') };
    for (const f of INGEST_FIELDS) if (req[f] === undefined) return { status: status(StatusCode.ANALYSIS_ERROR, `${f} is empty`) };
    const txnId = req.txn_id as bigint;
    const localTabletId = req.local_tablet_id as bigint;
    const tablet = model.storage.tablet(localTabletId);
    if (!tablet?.replicas.some((r) => r.backendId === this.backendId)) {
      return { status: status(StatusCode.TABLET_MISSING, `tablet ${localTabletId} not found`) };
    }
    const prepared = this.checkPrepared(txnId, req.partition_id as bigint, tablet.partitionId);
    if (prepared) return { status: prepared };
    let data: RowsetData;
    try {
      data = mergeSegments(
        await downloadBinlogRowset(
          { host: req.remote_host as string, port: req.remote_port as string, tabletId: req.remote_tablet_id as bigint, version: req.binlog_version as bigint },
          signal,
        ),
      );
    } catch (err) {
      if (err instanceof BinlogDownloadError) return { status: status(err.status, err.message) };
      throw err;
    }
    // The transaction may have been aborted while the rowset was downloading.
    const again = this.checkPrepared(txnId, req.partition_id as bigint, tablet.partitionId);
    if (again) return { status: again };
    try {
      model.storage.stageIngested({ txnId, partitionId: tablet.partitionId, tabletId: localTabletId, backendId: this.backendId, data });
    } catch (err) {
      if (err instanceof DorisError) return { status: status(err.status, err.detail) };
      throw err;
    }
    await this.env.faults.interceptReply('be', 'ingest_binlog', String(this.backendId), signal);
    return { status: { status_code: StatusCode.OK } };
  }

  /**
   * TxnManager::prepare_txn for an ingest: the transaction must be one the FE has in PREPARE
   * and the partition must be the tablet's (our BE shares the FE's transaction table).
   */
  private checkPrepared(txnId: bigint, partitionId: bigint, tabletPartition: bigint): TStatus | undefined {
    const txn = this.env.model.txns.get(txnId);
    if (txn?.status !== 'PREPARE') {
      return status(StatusCode.INTERNAL_ERROR, `prepare txn failed. txn_id=${txnId}, status=[INTERNAL_ERROR]transaction ${txnId} is ${txn ? txn.status : 'not found'}`);
    }
    if (partitionId !== tabletPartition) {
      return status(StatusCode.INTERNAL_ERROR, `prepare txn failed. txn_id=${txnId}, status=[INTERNAL_ERROR]partition ${partitionId} does not hold tablet of partition ${tabletPartition}`);
    }
    return undefined;
  }

  async query_ingest_binlog(req: TQueryIngestBinlogRequest, signal: AbortSignal): Promise<TQueryIngestBinlogResult> {
    const injected = await this.env.faults.intercept('be', 'query_ingest_binlog', String(this.backendId), signal);
    if (injected) return { status: IngestBinlogStatus.FAILED, err_msg: injected.error_msgs?.[0] ?? '' };
    for (const f of ['txn_id', 'partition_id', 'tablet_id', 'load_id'] as const) {
      if (req[f] === undefined) return { status: IngestBinlogStatus.ANALYSIS_ERROR, err_msg: `${f} is empty` };
    }
    const txn = this.env.model.txns.get(req.txn_id as bigint);
    const replica = this.env.model.storage.tablet(req.tablet_id as bigint)?.replicas.find((r) => r.backendId === this.backendId);
    if (txn?.status === 'ABORTED') return { status: IngestBinlogStatus.FAILED };
    // Ingest is synchronous: a staged rowset is a committed BE transaction.
    if (replica?.staged.has(req.txn_id as bigint)) return { status: IngestBinlogStatus.OK };
    return { status: IngestBinlogStatus.NOT_FOUND };
  }
}
