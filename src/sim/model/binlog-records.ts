// The JSON payload (TBinlog.data) of every binlog type, with the keys and key order of the
// Doris classes Gson serialises (binlog/*Record.java, persist/*.java; PROTOCOL §4.4).
// Builders return plain objects; gsonJson() turns them into the exact text.
import { gsonJson, longKeyMap } from './gson.js';
import type { PartitionKey } from './partition-key.js';

export interface UpsertPartitionRecord {
  partitionId: bigint;
  range: string;
  version: bigint;
  isTemp: boolean;
}

/** UPSERT — binlog/UpsertRecord.java (stid = -1 outside txn-insert). */
export function upsertRecord(r: {
  commitSeq: bigint;
  txnId: bigint;
  timeStamp: bigint;
  label: string;
  dbId: bigint;
  tables: { tableId: bigint; partitions: UpsertPartitionRecord[]; indexIds: bigint[] }[];
}): string {
  const tableRecords = longKeyMap(
    [...r.tables]
      .sort((a, b) => (a.tableId < b.tableId ? -1 : 1))
      .map((t) => [
        t.tableId,
        {
          partitionRecords: t.partitions.map((p) => ({
            partitionId: p.partitionId,
            range: p.range,
            version: p.version,
            isTempPartition: p.isTemp,
            stid: -1,
          })),
          indexIds: [...t.indexIds].sort((a, b) => (a < b ? -1 : 1)),
        },
      ]),
  );
  return gsonJson({ commitSeq: r.commitSeq, txnId: r.txnId, timeStamp: r.timeStamp, label: r.label, dbId: r.dbId, tableRecords });
}

/** LiteralExpr as Gson writes it inside a PartitionKey (simplified: class + value). */
function literalGson(type: string, v: PartitionKey['keys'][number]): unknown {
  if (typeof v === 'object' && v !== null) return { clazz: 'MaxLiteral' };
  if (v === null) return { clazz: 'NullLiteral' };
  if (type.startsWith('DATE')) return { clazz: 'DateLiteral', value: String(v) };
  if (/INT$/.test(type)) return { clazz: type === 'LARGEINT' ? 'LargeIntLiteral' : 'IntLiteral', value: v };
  if (type === 'BOOLEAN') return { clazz: 'BoolLiteral', value: v === 1 };
  return { clazz: 'StringLiteral', value: String(v) };
}

/** PartitionKey.PartitionKeySerializer: [[type, literal], …, "unused"]. */
function partitionKeyGson(k: PartitionKey): unknown[] {
  return [...k.keys.map((v, i) => [k.types[i], literalGson(k.types[i] ?? '', v)]), 'unused'];
}

export interface AddPartitionInput {
  commitSeq: bigint;
  dbId: bigint;
  tableId: bigint;
  partition: {
    id: bigint;
    name: string;
    visibleVersion: bigint;
    visibleVersionTime: number;
    nextVersion: bigint;
    distribution: { type: 'HASH' | 'RANDOM'; columns: string[]; buckets: number; autoBucket: boolean };
  };
  range: { lower: PartitionKey; upper: PartitionKey } | undefined;
  listKeys: PartitionKey[] | undefined;
  storageMedium: 'HDD' | 'SSD';
  replicationNum: number;
  isInMemory: boolean;
  isTempPartition: boolean;
  isMutable: boolean;
  sql: string;
}

/** ADD_PARTITION — binlog/AddPartitionRecord.java (Partition object reduced to its main keys). */
export function addPartitionRecord(r: AddPartitionInput): string {
  const d = r.partition.distribution;
  const distributionInfo =
    d.type === 'HASH'
      ? {
          clazz: 'HashDistributionInfo',
          distributionColumns: d.columns.map((name) => ({ name })),
          type: 'HASH',
          bucketNum: d.buckets,
          autoBucket: d.autoBucket,
        }
      : { clazz: 'RandomDistributionInfo', type: 'RANDOM', bucketNum: d.buckets, autoBucket: d.autoBucket };
  return gsonJson({
    commitSeq: r.commitSeq,
    dbId: r.dbId,
    tableId: r.tableId,
    partition: {
      id: r.partition.id,
      name: r.partition.name,
      state: 'NORMAL',
      visibleVersion: r.partition.visibleVersion,
      visibleVersionTime: r.partition.visibleVersionTime,
      nextVersion: r.partition.nextVersion,
      distributionInfo,
    },
    range: r.range
      ? [
          { type: 'CLOSED', value: partitionKeyGson(r.range.lower) },
          { type: 'OPEN', value: partitionKeyGson(r.range.upper) },
        ]
      : [
          { type: 'CLOSED', value: ['unused'] },
          { type: 'CLOSED', value: ['unused'] },
        ],
    listPartitionItem: { partitionKeys: (r.listKeys ?? []).map(partitionKeyGson), isDefaultPartition: false },
    dataProperty: { storageMedium: r.storageMedium, cooldownTimeMs: 253402271999000, storagePolicy: '', isMutable: r.isMutable },
    replicaAlloc: { allocMap: { '{"location" : "default"}': r.replicationNum } },
    isInMemory: r.isInMemory,
    isTempPartition: r.isTempPartition,
    isMutable: r.isMutable,
    sql: r.sql,
  });
}

/** CREATE_TABLE — binlog/CreateTableRecord.java. */
export function createTableRecord(r: {
  commitSeq: bigint;
  dbId: bigint;
  dbName: string;
  tableId: bigint;
  tableName: string;
  tableType: 'OLAP' | 'VIEW';
  sql: string;
}): string {
  return gsonJson({
    commitSeq: r.commitSeq,
    dbId: r.dbId,
    dbName: r.dbName,
    tableId: r.tableId,
    tableName: r.tableName,
    tableType: r.tableType,
    sql: r.sql,
  });
}

/** DROP_PARTITION — persist/DropPartitionInfo.java. */
export function dropPartitionInfo(r: {
  dbId: bigint;
  tableId: bigint;
  partitionId: bigint;
  partitionName: string;
  isTempPartition: boolean;
  forceDrop: boolean;
  recycleTime: number;
  version: bigint;
  versionTime: number;
}): string {
  const sql = `DROP PARTITION ${r.isTempPartition ? 'TEMPORARY ' : ''}\`${r.partitionName}\`${r.forceDrop ? ' FORCE' : ''}`;
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    pid: r.partitionId,
    partitionName: r.partitionName,
    isTempPartition: r.isTempPartition,
    forceDrop: r.forceDrop,
    recycleTime: r.recycleTime,
    sql,
    version: r.version,
    versionTime: r.versionTime,
  });
}

/** DROP_TABLE — binlog/DropTableRecord.java (isView: newer FEs, read by the V25 syncer). */
export function dropTableRecord(r: { commitSeq: bigint; dbId: bigint; tableId: bigint; tableName: string; isView: boolean }): string {
  return gsonJson({
    commitSeq: r.commitSeq,
    dbId: r.dbId,
    tableId: r.tableId,
    tableName: r.tableName,
    isView: r.isView,
    rawSql: `DROP TABLE IF EXISTS \`${r.tableName}\``,
  });
}

/** ALTER_JOB — binlog/AlterJobRecord.java: iim for schema change, rollup ids for rollup. */
export function alterJobRecord(r: {
  type: 'SCHEMA_CHANGE' | 'ROLLUP';
  dbId: bigint;
  tableId: bigint;
  tableName: string;
  jobId: bigint;
  jobState: string;
  rawSql: string;
  indexIdMap?: Map<bigint, bigint> | undefined;
  rollup?: { rollupIndexId: bigint; rollupIndexName: string; baseIndexId: bigint; baseIndexName: string } | undefined;
}): string {
  return gsonJson({
    type: r.type,
    dbId: r.dbId,
    tableId: r.tableId,
    tableName: r.tableName,
    jobId: r.jobId,
    jobState: r.jobState,
    rawSql: r.rawSql,
    iim: r.type === 'SCHEMA_CHANGE' && r.indexIdMap ? longKeyMap(r.indexIdMap) : undefined,
    rollupIndexId: r.rollup?.rollupIndexId,
    rollUpIndexName: r.rollup?.rollupIndexName,
    baseIndexid: r.rollup?.baseIndexId,
    baseIndexName: r.rollup?.baseIndexName,
  });
}

/** MODIFY_TABLE_ADD_OR_DROP_COLUMNS — persist/TableAddOrDropColumnsInfo.java. */
export function tableAddOrDropColumnsInfo(r: {
  dbId: bigint;
  tableId: bigint;
  indexSchemaMap: Map<bigint, unknown[]>;
  indexes: unknown[];
  jobId: bigint;
  rawSql: string;
}): string {
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    indexSchemaMap: longKeyMap(r.indexSchemaMap),
    indexes: r.indexes,
    jobId: r.jobId,
    rawSql: r.rawSql,
  });
}

/** MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES — persist/TableAddOrDropInvertedIndicesInfo.java. */
export function tableAddOrDropInvertedIndicesInfo(r: {
  dbId: bigint;
  tableId: bigint;
  indexSchemaMap: Map<bigint, unknown[]>;
  indexes: unknown[];
  alterInvertedIndexes: unknown[];
  isDropInvertedIndex: boolean;
  jobId: bigint;
  rawSql: string;
}): string {
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    indexSchemaMap: longKeyMap(r.indexSchemaMap),
    indexes: r.indexes,
    alterInvertedIndexes: r.alterInvertedIndexes,
    isDropInvertedIndex: r.isDropInvertedIndex,
    jobId: r.jobId,
    rawSql: r.rawSql,
  });
}

/** ALTER_DATABASE_PROPERTY — persist/AlterDatabasePropertyInfo.java. */
export function alterDatabasePropertyInfo(r: { dbId: bigint; dbName: string; properties: Map<string, string> }): string {
  return gsonJson({ dbId: r.dbId, dbName: r.dbName, properties: Object.fromEntries(r.properties) });
}

/** MODIFY_TABLE_PROPERTY — persist/ModifyTablePropertyOperationLog.java (sql without quotes). */
export function modifyTablePropertyLog(r: {
  dbId: bigint;
  tableId: bigint;
  tableName: string;
  properties: Map<string, string>;
}): string {
  const sql = `SET (${[...r.properties].map(([k, v]) => `${k}=${v}`).join(',')})`;
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    tableName: r.tableName,
    properties: Object.fromEntries(r.properties),
    sql,
  });
}

/** BARRIER — persist/BarrierLog.java (plain barrier: binlogType 0, no wrapped binlog). */
export function barrierLog(r: { dbId: bigint; dbName: string; tableId: bigint; tableName: string }): string {
  return gsonJson({ dbId: r.dbId, dbName: r.dbName, tableId: r.tableId, tableName: r.tableName, binlogType: 0 });
}

/** MODIFY_PARTITIONS — persist/BatchModifyPartitionsInfo.java. */
export function batchModifyPartitionsInfo(
  infos: {
    dbId: bigint;
    tableId: bigint;
    partitionId: bigint;
    storageMedium: 'HDD' | 'SSD';
    replicationNum: number;
    isInMemory: boolean;
    isMutable: boolean;
  }[],
): string {
  return gsonJson({
    infos: infos.map((i) => ({
      dbId: i.dbId,
      tableId: i.tableId,
      partitionId: i.partitionId,
      dataProperty: { storageMedium: i.storageMedium, cooldownTimeMs: 253402271999000, storagePolicy: '', isMutable: i.isMutable },
      replicaAlloc: { allocMap: { '{"location" : "default"}': i.replicationNum } },
      isInMemory: i.isInMemory,
      storagePolicy: '',
      tableProperties: {},
    })),
  });
}

/** REPLACE_PARTITIONS — persist/ReplacePartitionOperationLog.java. */
export function replacePartitionLog(r: {
  dbId: bigint;
  dbName: string;
  tblId: bigint;
  tblName: string;
  partitions: string[];
  tempPartitions: string[];
  strictRange: boolean;
  useTempPartitionName: boolean;
  version: bigint;
  versionTime: number;
  force: boolean;
}): string {
  return gsonJson({
    dbId: r.dbId,
    dbName: r.dbName,
    tblId: r.tblId,
    tblName: r.tblName,
    partitions: r.partitions,
    tempPartitions: r.tempPartitions,
    strictRange: r.strictRange,
    useTempPartitionName: r.useTempPartitionName,
    version: r.version,
    versionTime: r.versionTime,
    force: r.force,
  });
}

/** TRUNCATE_TABLE — binlog/TruncateTableRecord.java ("op": old partition id → name). */
export function truncateTableRecord(r: {
  dbId: bigint;
  db: string;
  tblId: bigint;
  table: string;
  isEntireTable: boolean;
  rawSql: string;
  oldPartitions: Map<bigint, string>;
}): string {
  return gsonJson({
    dbId: r.dbId,
    db: r.db,
    tblId: r.tblId,
    table: r.table,
    isEntireTable: r.isEntireTable,
    rawSql: r.rawSql,
    op: longKeyMap(r.oldPartitions),
  });
}

/** RENAME_TABLE / RENAME_ROLLUP / RENAME_PARTITION — persist/TableInfo.java. */
export function tableInfo(r: {
  dbId: bigint;
  tableId: bigint;
  indexId?: bigint;
  partitionId?: bigint;
  newTableName?: string;
  oldTableName?: string;
  newRollupName?: string;
  oldRollupName?: string;
  newPartitionName?: string;
  oldPartitionName?: string;
}): string {
  return gsonJson({
    db: r.dbId,
    tb: r.tableId,
    ind: r.indexId ?? -1n,
    p: r.partitionId ?? -1n,
    nT: r.newTableName ?? '',
    oT: r.oldTableName ?? '',
    nR: r.newRollupName ?? '',
    oR: r.oldRollupName ?? '',
    nP: r.newPartitionName ?? '',
    oP: r.oldPartitionName ?? '',
  });
}

/** RENAME_COLUMN — persist/TableRenameColumnInfo.java. */
export function tableRenameColumnInfo(r: {
  dbId: bigint;
  tableId: bigint;
  colName: string;
  newColName: string;
  indexIdToSchemaVersion: Map<bigint, number>;
}): string {
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    colName: r.colName,
    newColName: r.newColName,
    indexIdToSchemaVersion: longKeyMap(r.indexIdToSchemaVersion),
  });
}

/** MODIFY_COMMENT — persist/ModifyCommentOperationLog.java. */
export function modifyCommentLog(
  r:
    | { type: 'TABLE'; dbId: bigint; tblId: bigint; tblComment: string }
    | { type: 'COLUMN'; dbId: bigint; tblId: bigint; colToComment: Map<string, string> },
): string {
  return gsonJson({
    type: r.type,
    dbId: r.dbId,
    tblId: r.tblId,
    colToComment: r.type === 'COLUMN' ? Object.fromEntries(r.colToComment) : undefined,
    tblComment: r.type === 'TABLE' ? r.tblComment : undefined,
  });
}

/** MODIFY_VIEW_DEF — persist/AlterViewInfo.java. */
export function alterViewInfo(r: {
  dbId: bigint;
  tableId: bigint;
  inlineViewDef: string;
  sqlMode: bigint;
  newFullSchema: unknown[];
}): string {
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    inlineViewDef: r.inlineViewDef,
    sqlMode: r.sqlMode,
    newFullSchema: r.newFullSchema,
  });
}

/** REPLACE_TABLE — persist/ReplaceTableOperationLog.java (newTblName holds the new table's id). */
export function replaceTableLog(r: {
  dbId: bigint;
  origTblId: bigint;
  origTblName: string;
  newTblId: bigint;
  newTblName: string;
  swapTable: boolean;
  isForce: boolean;
}): string {
  return gsonJson({
    dbId: r.dbId,
    origTblId: r.origTblId,
    origTblName: r.origTblName,
    newTblName: r.newTblId,
    actualNewTblName: r.newTblName,
    swapTable: r.swapTable,
    isForce: r.isForce,
  });
}

/** DROP_ROLLUP — persist/DropInfo.java. */
export function dropInfo(r: {
  dbId: bigint;
  tableId: bigint;
  tableName: string;
  indexId: bigint;
  indexName: string;
  isView: boolean;
  forceDrop: boolean;
  recycleTime: number;
}): string {
  return gsonJson({
    dbId: r.dbId,
    tableId: r.tableId,
    tableName: r.tableName,
    indexId: r.indexId,
    indexName: r.indexName,
    isView: r.isView,
    forceDrop: r.forceDrop,
    recycleTime: r.recycleTime,
  });
}

/** RECOVER_INFO — persist/RecoverInfo.java. */
export function recoverInfo(r: {
  dbId: bigint;
  newDbName: string;
  tableId: bigint;
  tableName: string;
  newTableName: string;
  partitionId: bigint;
  partitionName: string;
  newPartitionName: string;
}): string {
  return gsonJson({
    dbId: r.dbId,
    newDbName: r.newDbName,
    tableId: r.tableId,
    tableName: r.tableName,
    newTableName: r.newTableName,
    partitionId: r.partitionId,
    partitionName: r.partitionName,
    newPartitionName: r.newPartitionName,
  });
}
