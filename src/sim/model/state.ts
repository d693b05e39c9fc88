// The plain-data state of one simulated Doris cluster. Everything the model knows lives in
// one ClusterState value made of plain objects, arrays, Maps and bigints (no class
// instances), so it can be snapshotted with toJSON()/fromJSON() and inspected in tests.
// The services (catalog, transactions, binlogs, …) are stateless code over this value.
import type { TBinlog } from '../../doris/types.js';
import type { ColumnDef, IndexDef, KeysType, ViewDef } from './schema.js';
import type { PartitionItem } from './partition-key.js';
import type { Value } from './value.js';

/** Milliseconds since the epoch; injected so tests and the daemon control time. */
export type Clock = () => number;

/** A column as the catalog stores it: the SQL definition with Doris' column unique id always
 *  set (light schema change keys rowset columns by this id, so renames and drops are cheap). */
export interface ColumnMeta extends ColumnDef {
  uniqueId: number;
}

export interface BinlogConfigState {
  enable: boolean;
  ttlSeconds: bigint;
  maxBytes: bigint;
  maxHistoryNums: bigint;
}

export interface DatabaseState {
  id: bigint;
  name: string;
  createTimeMs: number;
  /** Database properties as set (binlog.enable, binlog.ttl_seconds, replication_allocation, …). */
  properties: Map<string, string>;
  tables: Map<bigint, TableState>;
}

export type TableState = OlapTableState | ViewState;

export interface ViewState {
  kind: 'VIEW';
  id: bigint;
  name: string;
  dbId: bigint;
  def: ViewDef;
  /** Output schema if the SQL layer supplied it (used by MODIFY_VIEW_DEF newFullSchema and DESC). */
  schema: ColumnDef[];
  createTimeMs: number;
}

export type OlapTableStateName = 'NORMAL' | 'SCHEMA_CHANGE' | 'ROLLUP';

export interface DistributionState {
  type: 'HASH' | 'RANDOM';
  columns: string[];
  buckets: number;
  autoBucket: boolean;
}

export interface OlapTableState {
  kind: 'OLAP';
  id: bigint;
  name: string;
  dbId: bigint;
  keysType: KeysType;
  /** Base schema in column order (mirrors the base index). */
  columns: ColumnMeta[];
  partitionType: 'UNPARTITIONED' | 'RANGE' | 'LIST';
  partitionColumns: string[];
  distribution: DistributionState;
  replicationNum: number;
  binlog: BinlogConfigState;
  lightSchemaChange: boolean;
  isBeingSynced: boolean;
  enableUniqueKeyMergeOnWrite: boolean;
  storageMedium: 'hdd' | 'ssd';
  /** Properties the model does not interpret but prints back (dynamic_partition.*, bloom_filter_columns, …). */
  extraProperties: Map<string, string>;
  comment: string;
  state: OlapTableStateName;
  baseIndexId: bigint;
  /** All materialized indexes: base, rollups and the shadow indexes of running alter jobs. */
  indexes: Map<bigint, IndexState>;
  /** Formal and temporary partitions. */
  partitions: Map<bigint, PartitionState>;
  indexDefs: IndexDef[];
  nextColumnUid: number;
  /**
   * The next value of the AUTO_INCREMENT column (Doris' AutoIncrementGenerator, one range per
   * table here); unset until the first load generates one.
   */
  autoIncrementNext?: bigint | undefined;
  createTimeMs: number;
  updateTimeMs: number;
  /** Table-level version (OlapTable visibleVersion): +1 per publish and partition drop/replace. */
  visibleVersion: bigint;
  visibleVersionTimeMs: number;
}

export interface IndexState {
  id: bigint;
  name: string;
  schemaHash: number;
  columns: ColumnMeta[];
  keysType: KeysType;
  schemaVersion: number;
  /** SHADOW indexes belong to a running alter job: loaded, never read. */
  state: 'NORMAL' | 'SHADOW';
}

export interface PartitionState {
  id: bigint;
  name: string;
  isTemp: boolean;
  /** Undefined for the single partition of an unpartitioned table. */
  item: PartitionItem | undefined;
  visibleVersion: bigint;
  visibleVersionTimeMs: number;
  /** Next version a committing transaction gets (visible + number of committed, unpublished txns + 1). */
  nextVersion: bigint;
  buckets: number;
  distributionType: 'HASH' | 'RANDOM';
  replicationNum: number;
  storageMedium: 'HDD' | 'SSD';
  isInMemory: boolean;
  isMutable: boolean;
  /** Tablet ids per index id, in bucket order (tablet ids were allocated in that order). */
  tablets: Map<bigint, bigint[]>;
}

/** One versioned data file set of one tablet replica (Doris' rowset). Immutable once written. */
export interface Rowset {
  id: string;
  txnId: bigint;
  startVersion: bigint;
  version: bigint;
  /** Column unique ids of the index at write time, aligned with each row array. */
  columnUids: number[];
  rows: Value[][];
  /** UNIQUE tables: 1 for a row carrying __DORIS_DELETE_SIGN__ = 1. */
  deleteSign?: number[] | undefined;
  /** A delete-predicate rowset (DELETE on DUPLICATE/AGGREGATE tables): the WHERE text. */
  deletePredicate?: string | undefined;
  createdMs: number;
  dataSize: number;
}

export interface ReplicaState {
  id: bigint;
  backendId: bigint;
  /** Highest version this replica holds contiguously. */
  version: bigint;
  lastSuccessVersion: bigint;
  lastFailedVersion: bigint;
  lastFailedTimeMs: number;
  /** Visible and published rowsets, ascending by version. */
  rowsets: Rowset[];
  /** Rowsets written by a transaction that is not yet published, by txn id. */
  staged: Map<bigint, Rowset>;
  /** BE-side binlog GC horizon: rowsets with version <= this no longer serve ingest_binlog. */
  binlogGcVersion: bigint;
}

export interface TabletState {
  id: bigint;
  dbId: bigint;
  tableId: bigint;
  partitionId: bigint;
  indexId: bigint;
  schemaHash: number;
  replicas: ReplicaState[];
}

export type TxnStatus = 'PREPARE' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

export interface TxnState {
  id: bigint;
  dbId: bigint;
  label: string;
  tableIds: bigint[];
  status: TxnStatus;
  /** LoadJobSourceType: FRONTEND (INSERT), BACKEND_STREAMING (stream load, CCR beginTxn), … */
  sourceType: string;
  /** e.g. "FE: 127.0.0.1" or "BE: 127.0.0.1" */
  coordinator: string;
  prepareTimeMs: number;
  commitTimeMs: number;
  publishTimeMs: number;
  finishTimeMs: number;
  reason: string;
  timeoutMs: number;
  errorReplicas: number;
  /** Assigned at commit: partition id → { table id, version }. */
  partitionVersions: Map<bigint, { tableId: bigint; version: bigint }>;
  /** Index ids written by the load (UPSERT indexIds), per table. */
  loadedIndexIds: Map<bigint, bigint[]>;
  /** The commit seq (journal id) of the VISIBLE edit log entry = the UPSERT binlog's. */
  commitSeq: bigint;
}

export type AlterJobType = 'SCHEMA_CHANGE' | 'ROLLUP';
export type AlterJobStateName = 'PENDING' | 'WAITING_TXN' | 'RUNNING' | 'FINISHED' | 'CANCELLED';

export interface AlterJobState {
  jobId: bigint;
  type: AlterJobType;
  dbId: bigint;
  tableId: bigint;
  tableName: string;
  state: AlterJobStateName;
  rawSql: string;
  createTimeMs: number;
  finishTimeMs: number;
  timeoutMs: number;
  /** Transactions with an id below this must finish before the job converts data. */
  watershedTxnId: bigint;
  /** SCHEMA_CHANGE: shadow index id → origin index id (the binlog's iim). */
  indexIdMap: Map<bigint, bigint>;
  /** ROLLUP: the new index and the index it is built from. */
  rollupIndexId: bigint;
  rollupIndexName: string;
  baseIndexId: bigint;
  baseIndexName: string;
  /** Partition id → version the historical data was converted at (set entering RUNNING). */
  alterVersions: Map<bigint, bigint>;
  /** The indexes the job builds; they join the table (state SHADOW) at WAITING_TXN. */
  shadowIndexes: ShadowIndexPlan[];
  errMsg: string;
}

export interface ShadowIndexPlan {
  shadowId: bigint;
  /** Schema change: the index it replaces. Rollup: the base index it is built from. */
  originId: bigint;
  name: string;
  columns: ColumnMeta[];
}

export interface BackendState {
  id: bigint;
  host: string;
  heartbeatPort: number;
  bePort: number;
  httpPort: number;
  brpcPort: number;
  arrowFlightSqlPort: number;
  alive: boolean;
  decommissioned: boolean;
  lastStartTimeMs: number;
  lastHeartbeatMs: number;
  version: string;
}

export interface FrontendState {
  name: string;
  host: string;
  editLogPort: number;
  httpPort: number;
  queryPort: number;
  rpcPort: number;
  arrowFlightSqlPort: number;
  role: 'FOLLOWER' | 'OBSERVER';
  isMaster: boolean;
  alive: boolean;
  lastStartTimeMs: number;
  version: string;
}

export interface ConfigEntry {
  value: string;
  type: string;
  mutable: boolean;
  masterOnly: boolean;
  comment: string;
}

/** One binlog list (the database's or a table's), ordered by commit seq, first = DUMMY. */
export interface BinlogListState {
  binlogs: TBinlog[];
  /** Approximate memory use as Doris counts it (80 + 8 × table ids + data length per entry). */
  size: bigint;
  /** (commit seq, timestamp) of recorded entries, for TTL GC. */
  timestamps: [bigint, bigint][];
  /** lockBinlog: job unique id → locked commit seq. */
  locks: Map<string, bigint>;
}

export interface DbBinlogState extends BinlogListState {
  dbId: bigint;
  tables: Map<bigint, BinlogListState>;
  /** (id, commit seq of the drop), kept until GC passes the seq (getMeta dropped_*). */
  droppedPartitions: [bigint, bigint][];
  droppedTables: [bigint, bigint][];
  droppedIndexes: [bigint, bigint][];
}

export interface RecycledTable {
  dbId: bigint;
  table: OlapTableState | ViewState;
  dropTimeMs: number;
}

export interface RecycledPartition {
  dbId: bigint;
  tableId: bigint;
  partition: PartitionState;
  dropTimeMs: number;
}

export interface ClusterState {
  clusterName: string;
  clusterId: number;
  /** The FE cluster token (getMasterToken, extra_info.token). */
  token: string;
  feConfig: Map<string, ConfigEntry>;
  beConfig: Map<string, string>;
  /** Catalog and transaction id allocator (Env.getNextId). */
  nextId: bigint;
  /** Next edit-log journal id = commit seq of the next logged operation. */
  nextJournalId: bigint;
  rowsetSeq: number;
  /** Round-robin cursor for replica placement. */
  placementCursor: number;
  backends: Map<bigint, BackendState>;
  frontends: FrontendState[];
  /** user name → password */
  users: Map<string, string>;
  dbs: Map<bigint, DatabaseState>;
  tablets: Map<bigint, TabletState>;
  txns: Map<bigint, TxnState>;
  alterJobs: Map<bigint, AlterJobState>;
  binlogs: Map<bigint, DbBinlogState>;
  recycleTables: Map<bigint, RecycledTable>;
  recyclePartitions: Map<bigint, RecycledPartition>;
  /** Fault switch: commits succeed but publishing waits for publishPending()/advance(). */
  holdPublish: boolean;
  defaultReplicationNum: number;
  /** When housekeeping last ran the periodic binlog GC (binlog_gc_interval_seconds). */
  lastBinlogGcMs: number;
}
