// Doris FE/BE RPC types as plain objects: the shapes of ccr.thrift with field names kept
// as Doris spells them (so code and protocol docs read the same), i64 as bigint, binary as
// Buffer, enums as numbers, absent optional fields as undefined. Both the Thrift clients
// and the simulator's Thrift servers speak these types; only src/doris/thrift touches the
// generated classes.

export const StatusCode = {
  OK: 0,
  CANCELLED: 1,
  ANALYSIS_ERROR: 2,
  NOT_IMPLEMENTED_ERROR: 3,
  RUNTIME_ERROR: 4,
  MEM_LIMIT_EXCEEDED: 5,
  INTERNAL_ERROR: 6,
  THRIFT_RPC_ERROR: 7,
  TIMEOUT: 8,
  PUBLISH_TIMEOUT: 14,
  LABEL_ALREADY_EXISTS: 15,
  TOO_MANY_TASKS: 16,
  NOT_FOUND: 31,
  INVALID_ARGUMENT: 33,
  IO_ERROR: 34,
  ALREADY_EXIST: 35,
  NETWORK_ERROR: 36,
  ILLEGAL_STATE: 37,
  NOT_AUTHORIZED: 38,
  ABORTED: 39,
  BINLOG_DISABLE: 60,
  BINLOG_TOO_OLD_COMMIT_SEQ: 61,
  BINLOG_TOO_NEW_COMMIT_SEQ: 62,
  BINLOG_NOT_FOUND_DB: 63,
  BINLOG_NOT_FOUND_TABLE: 64,
  SNAPSHOT_NOT_EXIST: 70,
  HTTP_ERROR: 71,
  TABLET_MISSING: 72,
  NOT_MASTER: 73,
} as const;

/** Status code values (a number: newer Doris versions may send codes we do not name). */
export type StatusCodeValue = number;

export function statusCodeName(code: number): string {
  for (const [name, value] of Object.entries(StatusCode)) if (value === code) return name;
  return `STATUS_${code}`;
}

export const BinlogType = {
  UPSERT: 0,
  ADD_PARTITION: 1,
  CREATE_TABLE: 2,
  DROP_PARTITION: 3,
  DROP_TABLE: 4,
  ALTER_JOB: 5,
  MODIFY_TABLE_ADD_OR_DROP_COLUMNS: 6,
  DUMMY: 7,
  ALTER_DATABASE_PROPERTY: 8,
  MODIFY_TABLE_PROPERTY: 9,
  BARRIER: 10,
  MODIFY_PARTITIONS: 11,
  REPLACE_PARTITIONS: 12,
  TRUNCATE_TABLE: 13,
  RENAME_TABLE: 14,
  RENAME_COLUMN: 15,
  MODIFY_COMMENT: 16,
  MODIFY_VIEW_DEF: 17,
  REPLACE_TABLE: 18,
  MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES: 19,
  INDEX_CHANGE_JOB: 20,
  RENAME_ROLLUP: 21,
  RENAME_PARTITION: 22,
  DROP_ROLLUP: 23,
  RECOVER_INFO: 24,
  MODIFY_DISTRIBUTION_BUCKET_NUM: 25,
  MODIFY_DISTRIBUTION_TYPE: 26,
  /** Types at or above this value are reserved for future Doris versions. */
  MIN_UNKNOWN: 27,
} as const;

export type BinlogTypeName = keyof typeof BinlogType;

export function binlogTypeName(type: number): string {
  for (const [name, value] of Object.entries(BinlogType)) if (value === type && name !== 'MIN_UNKNOWN') return name;
  return `UNKNOWN_${type}`;
}

export const SnapshotType = { REMOTE: 0, LOCAL: 1 } as const;
export const SubTxnType = { INSERT: 0, DELETE: 1 } as const;
export const IngestBinlogStatus = { ANALYSIS_ERROR: 0, UNKNOWN: 1, NOT_FOUND: 2, OK: 3, FAILED: 4, DOING: 5 } as const;

export interface TStatus {
  status_code: StatusCodeValue;
  error_msgs?: string[] | undefined;
}

export interface TNetworkAddress {
  hostname: string;
  port: number;
}

export interface TUniqueId {
  hi: bigint;
  lo: bigint;
}

export interface TTabletCommitInfo {
  tabletId: bigint;
  backendId: bigint;
}

export interface TBackend {
  host: string;
  be_port: number;
  http_port: number;
  brpc_port?: number | undefined;
  is_alive?: boolean | undefined;
  id?: bigint | undefined;
}

/** Fields every CCR FE request may carry for authentication. */
export interface TFeAuth {
  cluster?: string | undefined;
  user?: string | undefined;
  passwd?: string | undefined;
  user_ip?: string | undefined;
  token?: string | undefined;
}

export interface TBinlog {
  commit_seq?: bigint | undefined;
  timestamp?: bigint | undefined;
  type?: number | undefined;
  db_id?: bigint | undefined;
  table_ids?: bigint[] | undefined;
  data?: string | undefined;
  belong?: bigint | undefined;
  table_ref?: bigint | undefined;
  remove_enable_cache?: boolean | undefined;
}

export interface TGetBinlogRequest extends TFeAuth {
  db?: string | undefined;
  table?: string | undefined;
  table_id?: bigint | undefined;
  prev_commit_seq?: bigint | undefined;
  num_acquired?: bigint | undefined;
  allow_follower_read?: boolean | undefined;
}

export interface TGetBinlogResult {
  status?: TStatus | undefined;
  next_commit_seq?: bigint | undefined;
  binlogs?: TBinlog[] | undefined;
  fe_version?: string | undefined;
  fe_meta_version?: bigint | undefined;
  master_address?: TNetworkAddress | undefined;
}

export type TGetBinlogLagRequest = TGetBinlogRequest;

export interface TGetBinlogLagResult {
  status?: TStatus | undefined;
  lag?: bigint | undefined;
  master_address?: TNetworkAddress | undefined;
  first_commit_seq?: bigint | undefined;
  last_commit_seq?: bigint | undefined;
  first_binlog_timestamp?: bigint | undefined;
  last_binlog_timestamp?: bigint | undefined;
  next_commit_seq?: bigint | undefined;
  next_binlog_timestamp?: bigint | undefined;
}

export interface TLockBinlogRequest {
  cluster?: string | undefined;
  user?: string | undefined;
  passwd?: string | undefined;
  db?: string | undefined;
  table?: string | undefined;
  table_id?: bigint | undefined;
  token?: string | undefined;
  job_unique_id?: string | undefined;
  lock_commit_seq?: bigint | undefined;
}

export interface TLockBinlogResult {
  status?: TStatus | undefined;
  locked_commit_seq?: bigint | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TGetSnapshotRequest {
  cluster?: string | undefined;
  user?: string | undefined;
  passwd?: string | undefined;
  db?: string | undefined;
  table?: string | undefined;
  token?: string | undefined;
  label_name?: string | undefined;
  snapshot_name?: string | undefined;
  snapshot_type?: number | undefined;
  enable_compress?: boolean | undefined;
}

export interface TGetSnapshotResult {
  status?: TStatus | undefined;
  meta?: Buffer | undefined;
  job_info?: Buffer | undefined;
  master_address?: TNetworkAddress | undefined;
  compressed?: boolean | undefined;
  expiredAt?: bigint | undefined;
  commit_seq?: bigint | undefined;
}

export interface TTableRef {
  table?: string | undefined;
  alias_name?: string | undefined;
}

export interface TRestoreSnapshotRequest {
  cluster?: string | undefined;
  user?: string | undefined;
  passwd?: string | undefined;
  db?: string | undefined;
  table?: string | undefined;
  token?: string | undefined;
  label_name?: string | undefined;
  repo_name?: string | undefined;
  table_refs?: TTableRef[] | undefined;
  properties?: Record<string, string> | undefined;
  meta?: Buffer | undefined;
  job_info?: Buffer | undefined;
  clean_tables?: boolean | undefined;
  clean_partitions?: boolean | undefined;
  atomic_restore?: boolean | undefined;
  compressed?: boolean | undefined;
  force_replace?: boolean | undefined;
}

export interface TRestoreSnapshotResult {
  status?: TStatus | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TBeginTxnRequest extends TFeAuth {
  db?: string | undefined;
  table_ids?: bigint[] | undefined;
  label?: string | undefined;
  auth_code?: bigint | undefined;
  timeout?: bigint | undefined;
  request_id?: TUniqueId | undefined;
  backend_id?: bigint | undefined;
  sub_txn_num?: bigint | undefined;
}

export interface TBeginTxnResult {
  status?: TStatus | undefined;
  txn_id?: bigint | undefined;
  job_status?: string | undefined;
  db_id?: bigint | undefined;
  master_address?: TNetworkAddress | undefined;
  sub_txn_ids?: bigint[] | undefined;
}

export interface TSubTxnInfo {
  sub_txn_id?: bigint | undefined;
  table_id?: bigint | undefined;
  tablet_commit_infos?: TTabletCommitInfo[] | undefined;
  sub_txn_type?: number | undefined;
}

export interface TCommitTxnRequest extends TFeAuth {
  db?: string | undefined;
  txn_id?: bigint | undefined;
  commit_infos?: TTabletCommitInfo[] | undefined;
  thrift_rpc_timeout_ms?: bigint | undefined;
  db_id?: bigint | undefined;
  txn_insert?: boolean | undefined;
  sub_txn_infos?: TSubTxnInfo[] | undefined;
  only_commit?: boolean | undefined;
}

export interface TCommitTxnResult {
  status?: TStatus | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TRollbackTxnRequest extends TFeAuth {
  db?: string | undefined;
  txn_id?: bigint | undefined;
  reason?: string | undefined;
  db_id?: bigint | undefined;
}

export interface TRollbackTxnResult {
  status?: TStatus | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TGetMasterTokenRequest {
  cluster?: string | undefined;
  user?: string | undefined;
  /** Note: `password` here, `passwd` everywhere else (as in Doris). */
  password?: string | undefined;
}

export interface TGetMasterTokenResult {
  status?: TStatus | undefined;
  token?: string | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TGetMetaTable {
  id?: bigint | undefined;
  name?: string | undefined;
  in_trash?: boolean | undefined;
}

export interface TGetMetaDB {
  id?: bigint | undefined;
  name?: string | undefined;
  only_table_names?: boolean | undefined;
  tables?: TGetMetaTable[] | undefined;
}

export interface TGetMetaRequest extends TFeAuth {
  db?: TGetMetaDB | undefined;
}

export interface TGetMetaReplicaMeta {
  id?: bigint | undefined;
  backend_id?: bigint | undefined;
  version?: bigint | undefined;
}

export interface TGetMetaTabletMeta {
  id?: bigint | undefined;
  replicas?: TGetMetaReplicaMeta[] | undefined;
}

export interface TGetMetaIndexMeta {
  id?: bigint | undefined;
  name?: string | undefined;
  tablets?: TGetMetaTabletMeta[] | undefined;
}

export interface TGetMetaPartitionMeta {
  id?: bigint | undefined;
  name?: string | undefined;
  key?: string | undefined;
  range?: string | undefined;
  visible_version?: bigint | undefined;
  is_temp?: boolean | undefined;
  indexes?: TGetMetaIndexMeta[] | undefined;
}

export interface TGetMetaTableMeta {
  id?: bigint | undefined;
  name?: string | undefined;
  in_trash?: boolean | undefined;
  partitions?: TGetMetaPartitionMeta[] | undefined;
  type?: string | undefined;
}

export interface TGetMetaDBMeta {
  id?: bigint | undefined;
  name?: string | undefined;
  tables?: TGetMetaTableMeta[] | undefined;
  dropped_partitions?: bigint[] | undefined;
  dropped_tables?: bigint[] | undefined;
  dropped_indexes?: bigint[] | undefined;
  /** id (decimal string) → commit seq of the drop. */
  dropped_partition_map?: Record<string, bigint> | undefined;
  dropped_table_map?: Record<string, bigint> | undefined;
  dropped_index_map?: Record<string, bigint> | undefined;
}

export interface TGetMetaResult {
  status: TStatus;
  db_meta?: TGetMetaDBMeta | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TGetBackendMetaRequest extends TFeAuth {
  backend_id?: bigint | undefined;
}

export interface TGetBackendMetaResult {
  status: TStatus;
  backends?: TBackend[] | undefined;
  master_address?: TNetworkAddress | undefined;
}

export interface TIngestBinlogRequest {
  txn_id?: bigint | undefined;
  remote_tablet_id?: bigint | undefined;
  binlog_version?: bigint | undefined;
  remote_host?: string | undefined;
  /** The source BE's HTTP port, as a decimal string (Doris declares it a string). */
  remote_port?: string | undefined;
  partition_id?: bigint | undefined;
  local_tablet_id?: bigint | undefined;
  load_id?: TUniqueId | undefined;
}

export interface TIngestBinlogResult {
  status?: TStatus | undefined;
  is_async?: boolean | undefined;
}

export interface TQueryIngestBinlogRequest {
  txn_id?: bigint | undefined;
  partition_id?: bigint | undefined;
  tablet_id?: bigint | undefined;
  load_id?: TUniqueId | undefined;
}

export interface TQueryIngestBinlogResult {
  status?: number | undefined;
  err_msg?: string | undefined;
}
