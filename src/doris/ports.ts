// The two Doris RPC surfaces as TypeScript ports. The syncer's Thrift clients implement
// them over TCP; the simulator's FE/BE implement them behind its Thrift servers; engine
// unit tests may call a simulator in-process through the same ports.
import type {
  TBeginTxnRequest,
  TBeginTxnResult,
  TCommitTxnRequest,
  TCommitTxnResult,
  TGetBackendMetaRequest,
  TGetBackendMetaResult,
  TGetBinlogLagRequest,
  TGetBinlogLagResult,
  TGetBinlogRequest,
  TGetBinlogResult,
  TGetMasterTokenRequest,
  TGetMasterTokenResult,
  TGetMetaRequest,
  TGetMetaResult,
  TGetSnapshotRequest,
  TGetSnapshotResult,
  TIngestBinlogRequest,
  TIngestBinlogResult,
  TLockBinlogRequest,
  TLockBinlogResult,
  TQueryIngestBinlogRequest,
  TQueryIngestBinlogResult,
  TRestoreSnapshotRequest,
  TRestoreSnapshotResult,
  TRollbackTxnRequest,
  TRollbackTxnResult,
} from './types.js';

/**
 * Doris FrontendService, the methods CCR uses. Business errors come back as a non-OK
 * `status` in the result (Doris never throws them); a rejected promise means the call
 * itself failed (connection, timeout, abort, protocol error).
 *
 * On the client side `signal` aborts the wait and discards the connection the call was
 * using; on the server side it is aborted when the client disconnects.
 */
export interface FrontendService {
  getBinlog(req: TGetBinlogRequest, signal: AbortSignal): Promise<TGetBinlogResult>;
  getBinlogLag(req: TGetBinlogLagRequest, signal: AbortSignal): Promise<TGetBinlogLagResult>;
  lockBinlog(req: TLockBinlogRequest, signal: AbortSignal): Promise<TLockBinlogResult>;
  getSnapshot(req: TGetSnapshotRequest, signal: AbortSignal): Promise<TGetSnapshotResult>;
  restoreSnapshot(req: TRestoreSnapshotRequest, signal: AbortSignal): Promise<TRestoreSnapshotResult>;
  beginTxn(req: TBeginTxnRequest, signal: AbortSignal): Promise<TBeginTxnResult>;
  commitTxn(req: TCommitTxnRequest, signal: AbortSignal): Promise<TCommitTxnResult>;
  rollbackTxn(req: TRollbackTxnRequest, signal: AbortSignal): Promise<TRollbackTxnResult>;
  getMasterToken(req: TGetMasterTokenRequest, signal: AbortSignal): Promise<TGetMasterTokenResult>;
  getMeta(req: TGetMetaRequest, signal: AbortSignal): Promise<TGetMetaResult>;
  getBackendMeta(req: TGetBackendMetaRequest, signal: AbortSignal): Promise<TGetBackendMetaResult>;
}

export type FrontendMethod = keyof FrontendService;

export const FRONTEND_METHODS: readonly FrontendMethod[] = [
  'getBinlog',
  'getBinlogLag',
  'lockBinlog',
  'getSnapshot',
  'restoreSnapshot',
  'beginTxn',
  'commitTxn',
  'rollbackTxn',
  'getMasterToken',
  'getMeta',
  'getBackendMeta',
];

/** Doris BackendService, the methods CCR uses. Same error conventions as FrontendService. */
export interface BackendService {
  ingest_binlog(req: TIngestBinlogRequest, signal: AbortSignal): Promise<TIngestBinlogResult>;
  query_ingest_binlog(req: TQueryIngestBinlogRequest, signal: AbortSignal): Promise<TQueryIngestBinlogResult>;
}

export type BackendMethod = keyof BackendService;

export const BACKEND_METHODS: readonly BackendMethod[] = ['ingest_binlog', 'query_ingest_binlog'];
