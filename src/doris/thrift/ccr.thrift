// The subset of the Doris FrontendService / BackendService interface that the
// CCR syncer and the Doris simulator use. Written for this project from the
// field tables in doc/doris-protocol.md; field ids, types, requiredness and names
// follow Doris (gensrc/thrift/{Status,Types,FrontendService,BackendService}.thrift)
// because only ids and types travel on the wire and they must match exactly.
// Fields we neither send nor read are left out: a Thrift reader skips unknown
// field ids, so a real Doris FE/BE and this IDL still interoperate.
//
// Regenerate the JavaScript with `npm run gen:thrift` after editing.

namespace js ccr

// ---------------------------------------------------------------- status

enum TStatusCode {
  OK = 0,
  CANCELLED = 1,
  ANALYSIS_ERROR = 2,
  NOT_IMPLEMENTED_ERROR = 3,
  RUNTIME_ERROR = 4,
  MEM_LIMIT_EXCEEDED = 5,
  INTERNAL_ERROR = 6,
  THRIFT_RPC_ERROR = 7,
  TIMEOUT = 8,
  MEM_ALLOC_FAILED = 11,
  BUFFER_ALLOCATION_FAILED = 12,
  MINIMUM_RESERVATION_UNAVAILABLE = 13,
  PUBLISH_TIMEOUT = 14,
  LABEL_ALREADY_EXISTS = 15,
  TOO_MANY_TASKS = 16,
  END_OF_FILE = 30,
  NOT_FOUND = 31,
  CORRUPTION = 32,
  INVALID_ARGUMENT = 33,
  IO_ERROR = 34,
  ALREADY_EXIST = 35,
  NETWORK_ERROR = 36,
  ILLEGAL_STATE = 37,
  NOT_AUTHORIZED = 38,
  ABORTED = 39,
  REMOTE_ERROR = 40,
  UNINITIALIZED = 42,
  CONFIGURATION_ERROR = 43,
  INCOMPLETE = 44,
  OLAP_ERR_VERSION_ALREADY_MERGED = 45,
  DATA_QUALITY_ERROR = 46,
  BINLOG_DISABLE = 60,
  BINLOG_TOO_OLD_COMMIT_SEQ = 61,
  BINLOG_TOO_NEW_COMMIT_SEQ = 62,
  BINLOG_NOT_FOUND_DB = 63,
  BINLOG_NOT_FOUND_TABLE = 64,
  SNAPSHOT_NOT_EXIST = 70,
  HTTP_ERROR = 71,
  TABLET_MISSING = 72,
  NOT_MASTER = 73,
  DELETE_BITMAP_LOCK_ERROR = 100,
}

struct TStatus {
  1: required TStatusCode status_code
  2: optional list<string> error_msgs
}

// ---------------------------------------------------------------- shared types

struct TNetworkAddress {
  1: required string hostname
  2: required i32 port
}

struct TUniqueId {
  1: required i64 hi
  2: required i64 lo
}

struct TTabletCommitInfo {
  1: required i64 tabletId
  2: required i64 backendId
}

struct TBackend {
  1: required string host
  2: required i32 be_port
  3: required i32 http_port
  4: optional i32 brpc_port
  5: optional bool is_alive
  6: optional i64 id
}

// ---------------------------------------------------------------- binlogs

enum TBinlogType {
  UPSERT = 0,
  ADD_PARTITION = 1,
  CREATE_TABLE = 2,
  DROP_PARTITION = 3,
  DROP_TABLE = 4,
  ALTER_JOB = 5,
  MODIFY_TABLE_ADD_OR_DROP_COLUMNS = 6,
  DUMMY = 7,
  ALTER_DATABASE_PROPERTY = 8,
  MODIFY_TABLE_PROPERTY = 9,
  BARRIER = 10,
  MODIFY_PARTITIONS = 11,
  REPLACE_PARTITIONS = 12,
  TRUNCATE_TABLE = 13,
  RENAME_TABLE = 14,
  RENAME_COLUMN = 15,
  MODIFY_COMMENT = 16,
  MODIFY_VIEW_DEF = 17,
  REPLACE_TABLE = 18,
  MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES = 19,
  INDEX_CHANGE_JOB = 20,
  RENAME_ROLLUP = 21,
  RENAME_PARTITION = 22,
  DROP_ROLLUP = 23,
  RECOVER_INFO = 24,
  MODIFY_DISTRIBUTION_BUCKET_NUM = 25,
  MODIFY_DISTRIBUTION_TYPE = 26,
  // Doris reserves ids from here on for types added later; a reader must skip them.
  MIN_UNKNOWN = 27,
}

struct TBinlog {
  1: optional i64 commit_seq
  2: optional i64 timestamp
  3: optional TBinlogType type
  4: optional i64 db_id
  5: optional list<i64> table_ids
  6: optional string data
  7: optional i64 belong
  8: optional i64 table_ref
  9: optional bool remove_enable_cache
}

struct TGetBinlogRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional i64 table_id
  7: optional string user_ip
  8: optional string token
  9: optional i64 prev_commit_seq
  10: optional i64 num_acquired
  11: optional bool allow_follower_read
}

struct TGetBinlogResult {
  1: optional TStatus status
  2: optional i64 next_commit_seq
  3: optional list<TBinlog> binlogs
  4: optional string fe_version
  5: optional i64 fe_meta_version
  6: optional TNetworkAddress master_address
}

typedef TGetBinlogRequest TGetBinlogLagRequest

struct TGetBinlogLagResult {
  1: optional TStatus status
  2: optional i64 lag
  3: optional TNetworkAddress master_address
  4: optional i64 first_commit_seq
  5: optional i64 last_commit_seq
  6: optional i64 first_binlog_timestamp
  7: optional i64 last_binlog_timestamp
  8: optional i64 next_commit_seq
  9: optional i64 next_binlog_timestamp
}

struct TLockBinlogRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional i64 table_id
  7: optional string token
  8: optional string job_unique_id
  9: optional i64 lock_commit_seq
}

struct TLockBinlogResult {
  1: optional TStatus status
  2: optional i64 locked_commit_seq
  3: optional TNetworkAddress master_address
}

// ---------------------------------------------------------------- snapshots

enum TSnapshotType {
  REMOTE = 0,
  LOCAL = 1,
}

struct TGetSnapshotRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional string token
  7: optional string label_name
  8: optional string snapshot_name
  9: optional TSnapshotType snapshot_type
  10: optional bool enable_compress
}

struct TGetSnapshotResult {
  1: optional TStatus status
  2: optional binary meta
  3: optional binary job_info
  4: optional TNetworkAddress master_address
  5: optional bool compressed
  6: optional i64 expiredAt
  7: optional i64 commit_seq
}

// Field 2 does not exist in Doris either.
struct TTableRef {
  1: optional string table
  3: optional string alias_name
}

struct TRestoreSnapshotRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional string token
  7: optional string label_name
  8: optional string repo_name
  9: optional list<TTableRef> table_refs
  10: optional map<string, string> properties
  11: optional binary meta
  12: optional binary job_info
  13: optional bool clean_tables
  14: optional bool clean_partitions
  15: optional bool atomic_restore
  16: optional bool compressed
  17: optional bool force_replace
}

struct TRestoreSnapshotResult {
  1: optional TStatus status
  2: optional TNetworkAddress master_address
}

// ---------------------------------------------------------------- transactions

struct TBeginTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional list<i64> table_ids
  6: optional string user_ip
  7: optional string label
  8: optional i64 auth_code
  9: optional i64 timeout
  10: optional TUniqueId request_id
  11: optional string token
  12: optional i64 backend_id
  13: optional i64 sub_txn_num = 0
}

struct TBeginTxnResult {
  1: optional TStatus status
  2: optional i64 txn_id
  3: optional string job_status
  4: optional i64 db_id
  5: optional TNetworkAddress master_address
  6: optional list<i64> sub_txn_ids
}

enum TSubTxnType {
  INSERT = 0,
  DELETE = 1,
}

struct TSubTxnInfo {
  1: optional i64 sub_txn_id
  2: optional i64 table_id
  3: optional list<TTabletCommitInfo> tablet_commit_infos
  4: optional TSubTxnType sub_txn_type
}

// Fields 8 (auth_code) and 9 (txn_commit_attachment) are Doris fields CCR never sends.
struct TCommitTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string user_ip
  6: optional i64 txn_id
  7: optional list<TTabletCommitInfo> commit_infos
  10: optional i64 thrift_rpc_timeout_ms
  11: optional string token
  12: optional i64 db_id
  13: optional bool txn_insert
  14: optional list<TSubTxnInfo> sub_txn_infos
  15: optional bool only_commit
}

struct TCommitTxnResult {
  1: optional TStatus status
  2: optional TNetworkAddress master_address
}

// There is no field 8 in Doris; 9 and 10 are never sent by CCR.
struct TRollbackTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string user_ip
  6: optional i64 txn_id
  7: optional string reason
  11: optional string token
  12: optional i64 db_id
}

struct TRollbackTxnResult {
  1: optional TStatus status
  2: optional TNetworkAddress master_address
}

// ---------------------------------------------------------------- tokens and metadata

struct TGetMasterTokenRequest {
  1: optional string cluster
  2: optional string user
  3: optional string password
}

struct TGetMasterTokenResult {
  1: optional TStatus status
  2: optional string token
  3: optional TNetworkAddress master_address
}

struct TGetMetaReplica {
  1: optional i64 id
}

struct TGetMetaTablet {
  1: optional i64 id
  2: optional list<TGetMetaReplica> replicas
}

struct TGetMetaIndex {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTablet> tablets
}

struct TGetMetaPartition {
  1: optional i64 id
  2: optional string name
  3: optional string key
  4: optional string range
  5: optional bool is_temp
  6: optional list<TGetMetaIndex> indexes
}

struct TGetMetaTable {
  1: optional i64 id
  2: optional string name
  3: optional bool in_trash
  4: optional list<TGetMetaPartition> partitions
}

struct TGetMetaDB {
  1: optional i64 id
  2: optional string name
  3: optional bool only_table_names
  4: optional list<TGetMetaTable> tables
}

struct TGetMetaRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string user_ip
  5: optional string token
  6: optional TGetMetaDB db
}

struct TGetMetaReplicaMeta {
  1: optional i64 id
  2: optional i64 backend_id
  3: optional i64 version
}

struct TGetMetaTabletMeta {
  1: optional i64 id
  2: optional list<TGetMetaReplicaMeta> replicas
}

struct TGetMetaIndexMeta {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTabletMeta> tablets
}

struct TGetMetaPartitionMeta {
  1: optional i64 id
  2: optional string name
  3: optional string key
  4: optional string range
  5: optional i64 visible_version
  6: optional bool is_temp
  7: optional list<TGetMetaIndexMeta> indexes
}

struct TGetMetaTableMeta {
  1: optional i64 id
  2: optional string name
  3: optional bool in_trash
  4: optional list<TGetMetaPartitionMeta> partitions
  5: optional string type
}

struct TGetMetaDBMeta {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTableMeta> tables
  4: optional list<i64> dropped_partitions
  5: optional list<i64> dropped_tables
  6: optional list<i64> dropped_indexes
  7: optional map<i64, i64> dropped_partition_map
  8: optional map<i64, i64> dropped_table_map
  9: optional map<i64, i64> dropped_index_map
}

struct TGetMetaResult {
  1: required TStatus status
  2: optional TGetMetaDBMeta db_meta
  3: optional TNetworkAddress master_address
}

struct TGetBackendMetaRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string user_ip
  5: optional string token
  6: optional i64 backend_id
}

struct TGetBackendMetaResult {
  1: required TStatus status
  2: optional list<TBackend> backends
  3: optional TNetworkAddress master_address
}

service FrontendService {
  TBeginTxnResult beginTxn(1: TBeginTxnRequest request)
  TCommitTxnResult commitTxn(1: TCommitTxnRequest request)
  TRollbackTxnResult rollbackTxn(1: TRollbackTxnRequest request)
  TGetBinlogResult getBinlog(1: TGetBinlogRequest request)
  TGetSnapshotResult getSnapshot(1: TGetSnapshotRequest request)
  TRestoreSnapshotResult restoreSnapshot(1: TRestoreSnapshotRequest request)
  TLockBinlogResult lockBinlog(1: TLockBinlogRequest request)
  TGetMasterTokenResult getMasterToken(1: TGetMasterTokenRequest request)
  TGetBinlogLagResult getBinlogLag(1: TGetBinlogLagRequest request)
  TGetMetaResult getMeta(1: TGetMetaRequest request)
  TGetBackendMetaResult getBackendMeta(1: TGetBackendMetaRequest request)
}

// ---------------------------------------------------------------- backend

struct TIngestBinlogRequest {
  1: optional i64 txn_id
  2: optional i64 remote_tablet_id
  3: optional i64 binlog_version
  4: optional string remote_host
  5: optional string remote_port
  6: optional i64 partition_id
  7: optional i64 local_tablet_id
  8: optional TUniqueId load_id
}

struct TIngestBinlogResult {
  1: optional TStatus status
  2: optional bool is_async
}

struct TQueryIngestBinlogRequest {
  1: optional i64 txn_id
  2: optional i64 partition_id
  3: optional i64 tablet_id
  4: optional TUniqueId load_id
}

enum TIngestBinlogStatus {
  ANALYSIS_ERROR = 0,
  UNKNOWN = 1,
  NOT_FOUND = 2,
  OK = 3,
  FAILED = 4,
  DOING = 5,
}

struct TQueryIngestBinlogResult {
  1: optional TIngestBinlogStatus status
  2: optional string err_msg
}

service BackendService {
  TIngestBinlogResult ingest_binlog(1: TIngestBinlogRequest ingest_binlog_request)
  TQueryIngestBinlogResult query_ingest_binlog(1: TQueryIngestBinlogRequest query_ingest_binlog_request)
}
