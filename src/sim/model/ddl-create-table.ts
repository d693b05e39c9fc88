// CREATE TABLE (InternalCatalog.createOlapTable): validates the definition, resolves the
// properties (replication, binlog config inherited from the database, light schema change,
// merge-on-write), allocates table/index/partition/tablet/replica ids and logs the
// CREATE_TABLE binlog whose sql is the "synced" SHOW CREATE TABLE text.
import { BinlogType } from '../../doris/types.js';
import { createTableRecord } from './binlog-records.js';
import { findTable, requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { ddlError, DorisError, DorisErrNo, duplicatePartition, tableExists } from './errors.js';
import { dbBinlogConfig } from './binlog-gc.js';
import { allocateId } from './ids.js';
import { logOperation } from './journal.js';
import type { PartitionItem } from './partition-key.js';
import type { ColumnDef, ListPartitionDef, RangePartitionDef, RollupDef, TableDef } from './schema.js';
import { showCreateOlapTable } from './show-create.js';
import { tableDefOf } from './table-def.js';
import type { BinlogConfigState, ColumnMeta, DatabaseState, IndexState, OlapTableState } from './state.js';
import { checkPartitionNameFree, createPartition, listItemFor, rangeItemFor, schemaHashFor } from './table-builder.js';

/** FE default when BUCKETS AUTO has no size estimate. */
export const AUTO_BUCKETS = 10;

const CONSUMED_PROPERTIES = new Set([
  'replication_num',
  'replication_allocation',
  'binlog.enable',
  'binlog.ttl_seconds',
  'binlog.max_bytes',
  'binlog.max_history_nums',
  'light_schema_change',
  'is_being_synced',
  'enable_unique_key_merge_on_write',
  'storage_medium',
  '_auto_bucket',
]);

function parseBool(v: string | undefined, dflt: boolean, key: string): boolean {
  if (v === undefined) return dflt;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw ddlError(`Invalid ${key} value: ${v}`);
}

function parseBigint(v: string, key: string): bigint {
  if (!/^-?\d+$/.test(v.trim())) throw ddlError(`Invalid ${key} value: ${v}`);
  return BigInt(v.trim());
}

/** replication_num or replication_allocation ("tag.location.default: 3"). */
export function replicationNumOf(props: Record<string, string>, dflt: number): number {
  const alloc = props['replication_allocation'];
  if (alloc !== undefined) {
    const m = /tag\.location\.[\w-]+\s*:\s*(\d+)/.exec(alloc);
    if (!m) throw ddlError(`Invalid replication allocation property: ${alloc}`);
    return Number(m[1]);
  }
  const num = props['replication_num'];
  if (num !== undefined) {
    const n = Number(num);
    if (!Number.isInteger(n) || n <= 0) throw ddlError(`Replication num should larger than 0. (suggested 3)`);
    return n;
  }
  return dflt;
}

/** BinlogConfig merged from properties over a base config. */
export function mergeBinlogConfig(base: BinlogConfigState, props: Record<string, string>): BinlogConfigState {
  return {
    enable: parseBool(props['binlog.enable'], base.enable, 'binlog.enable'),
    ttlSeconds: props['binlog.ttl_seconds'] !== undefined ? parseBigint(props['binlog.ttl_seconds'], 'binlog.ttl_seconds') : base.ttlSeconds,
    maxBytes: props['binlog.max_bytes'] !== undefined ? parseBigint(props['binlog.max_bytes'], 'binlog.max_bytes') : base.maxBytes,
    maxHistoryNums:
      props['binlog.max_history_nums'] !== undefined
        ? parseBigint(props['binlog.max_history_nums'], 'binlog.max_history_nums')
        : base.maxHistoryNums,
  };
}

function validateColumns(def: TableDef): void {
  if (def.columns.length === 0) throw ddlError('Table should contain at least one column');
  const seen = new Set<string>();
  for (const c of def.columns) {
    const lower = c.name.toLowerCase();
    if (seen.has(lower)) throw new DorisError(DorisErrNo.DUP_FIELDNAME, `Duplicate column name '${c.name}'`);
    seen.add(lower);
  }
  // Key columns must be an ordered prefix of the schema.
  def.keys.forEach((k, i) => {
    if (def.columns[i]?.name !== k) throw ddlError('Key columns should be a ordered prefix of the schema.');
  });
  for (const c of def.columns.slice(def.keys.length)) {
    if (def.keysType === 'AGG_KEYS' && c.aggregate === undefined) {
      throw ddlError(`AGG_KEYS table should specify aggregate type for non-key column[${c.name}]`);
    }
  }
  const isKey = (n: string): boolean => def.keys.includes(n);
  const has = (n: string): boolean => def.columns.some((c) => c.name === n);
  if (def.distribution.type === 'HASH') {
    for (const n of def.distribution.columns) {
      if (!has(n)) throw ddlError(`Distribution column(${n}) doesn't exist.`);
      if (def.keysType !== 'DUP_KEYS' && !isKey(n)) throw ddlError(`Distribution column[${n}] is not key column`);
    }
  } else if (def.keysType === 'UNIQUE_KEYS') {
    throw ddlError('Random distribution for unique key table is unsupported');
  }
  if (def.partition.type !== 'UNPARTITIONED') {
    for (const n of def.partition.columns) {
      if (!has(n)) throw ddlError(`Partition column[${n}] does not exist in column list.`);
      if (def.keysType !== 'DUP_KEYS' && !isKey(n)) throw ddlError('The partition column could not be aggregated column');
    }
  }
}

function rollupIndex(ctx: ModelContext, table: OlapTableState, def: RollupDef): IndexState {
  const cols: ColumnMeta[] = def.columns.map((name) => {
    const base = table.columns.find((c) => c.name === name);
    if (!base) throw ddlError(`Column[${name}] does not exist in base index`);
    const isKey = table.keysType === 'DUP_KEYS' && def.duplicateKeys ? def.duplicateKeys.includes(name) : base.isKey;
    return { ...base, isKey };
  });
  const id = allocateId(ctx.state);
  return { id, name: def.name, schemaHash: schemaHashFor(id, 0), columns: cols, keysType: table.keysType, schemaVersion: 0, state: 'NORMAL' };
}

export interface CreateTableOptions {
  ifNotExists?: boolean | undefined;
  /** Journal the creation without a CREATE_TABLE binlog (a RESTORE creates tables, it is not DDL). */
  silent?: boolean | undefined;
}

/** CREATE TABLE [IF NOT EXISTS]; returns the table (the existing one with IF NOT EXISTS). */
export function createTable(ctx: ModelContext, dbName: string, def: TableDef, opts: CreateTableOptions = {}): OlapTableState {
  const db = requireDb(ctx.state, dbName);
  const existing = findTable(db, def.name);
  if (existing) {
    if (opts.ifNotExists && existing.kind === 'OLAP') return existing;
    throw tableExists(def.name);
  }
  validateColumns(def);
  const props = def.properties;
  const dbCfg = dbBinlogConfig(db.properties);
  const binlog = mergeBinlogConfig(dbCfg, props);
  if (dbCfg.enable && !binlog.enable) throw ddlError('Cannot create table with binlog disabled when database binlog enable');
  const now = ctx.clock();
  const buckets = def.distribution.buckets === 'AUTO' ? AUTO_BUCKETS : def.distribution.buckets;
  if (buckets <= 0) throw ddlError('Number of hash distribution should be larger than zero.');
  // Column unique ids number the columns from 0 unless the definition carries them (restore).
  let uid = def.columns.reduce((max, c) => Math.max(max, (c.uniqueId ?? -1) + 1), 0);
  const columns: ColumnMeta[] = def.columns.map((c: ColumnDef) => ({ ...c, isKey: def.keys.includes(c.name), uniqueId: c.uniqueId ?? uid++ }));
  const extraProperties = new Map<string, string>();
  for (const [k, v] of Object.entries(props)) if (!CONSUMED_PROPERTIES.has(k)) extraProperties.set(k, v);
  const table: OlapTableState = {
    kind: 'OLAP',
    id: allocateId(ctx.state),
    name: def.name,
    dbId: db.id,
    keysType: def.keysType,
    columns,
    partitionType: def.partition.type,
    partitionColumns: def.partition.type === 'UNPARTITIONED' ? [] : [...def.partition.columns],
    distribution: {
      type: def.distribution.type,
      columns: def.distribution.type === 'HASH' ? [...def.distribution.columns] : [],
      buckets,
      autoBucket: def.distribution.buckets === 'AUTO' || props['_auto_bucket'] === 'true',
    },
    replicationNum: replicationNumOf(props, ctx.state.defaultReplicationNum),
    binlog,
    lightSchemaChange: parseBool(props['light_schema_change'], true, 'light_schema_change'),
    isBeingSynced: parseBool(props['is_being_synced'], false, 'is_being_synced'),
    enableUniqueKeyMergeOnWrite:
      def.keysType === 'UNIQUE_KEYS' && parseBool(props['enable_unique_key_merge_on_write'], true, 'enable_unique_key_merge_on_write'),
    storageMedium: props['storage_medium']?.toLowerCase() === 'ssd' ? 'ssd' : 'hdd',
    extraProperties,
    comment: def.comment,
    state: 'NORMAL',
    baseIndexId: 0n,
    indexes: new Map(),
    partitions: new Map(),
    indexDefs: def.indexes.map((i) => ({ ...i })),
    nextColumnUid: uid,
    createTimeMs: now,
    updateTimeMs: now,
    visibleVersion: 1n,
    visibleVersionTimeMs: now,
  };
  const baseId = allocateId(ctx.state);
  table.baseIndexId = baseId;
  table.indexes.set(baseId, {
    id: baseId,
    name: def.name,
    schemaHash: schemaHashFor(baseId, 0),
    columns: table.columns,
    keysType: def.keysType,
    schemaVersion: 0,
    state: 'NORMAL',
  });
  for (const r of def.rollups) {
    if ([...table.indexes.values()].some((i) => i.name === r.name)) throw ddlError(`Rollup name[${r.name}] is already used`);
    const idx = rollupIndex(ctx, table, r);
    table.indexes.set(idx.id, idx);
  }
  addInitialPartitions(ctx, table, def, buckets);
  db.tables.set(table.id, table);
  if (opts.silent) logOperation(ctx);
  else logCreateTable(ctx, db, table);
  return table;
}

/**
 * CREATE TABLE [IF NOT EXISTS] new LIKE src [WITH ROLLUP …]: the source's current definition
 * (partitions as fixed ranges) under a new name; logs CREATE_TABLE like any creation.
 */
export function createTableLike(
  ctx: ModelContext,
  dbName: string,
  newName: string,
  srcDbName: string,
  srcName: string,
  opts: CreateTableOptions & { withRollups?: boolean | string[] | undefined } = {},
): OlapTableState {
  const src = requireOlapTable(requireDb(ctx.state, srcDbName), srcName);
  const def = { ...tableDefOf(src, { withRollups: opts.withRollups }), name: newName };
  delete def.properties['is_being_synced'];
  return createTable(ctx, dbName, def, opts);
}

function addInitialPartitions(ctx: ModelContext, table: OlapTableState, def: TableDef, buckets: number): void {
  const part = def.partition;
  if (part.type === 'UNPARTITIONED') {
    createPartition(ctx, table, { name: def.name, isTemp: false, item: undefined, buckets, replicationNum: table.replicationNum });
    return;
  }
  const add = (pd: RangePartitionDef | ListPartitionDef, item: PartitionItem): void => {
    const pBuckets = pd.distribution && pd.distribution.buckets !== 'AUTO' ? pd.distribution.buckets : buckets;
    const replicationNum = pd.properties ? replicationNumOf(pd.properties, table.replicationNum) : table.replicationNum;
    createPartition(ctx, table, { name: pd.name, isTemp: false, item, buckets: pBuckets, replicationNum });
  };
  const checkName = (name: string): void => {
    if (!checkPartitionNameFree(table, name)) throw duplicatePartition(name);
  };
  if (part.type === 'RANGE') {
    for (const pd of part.ranges) {
      checkName(pd.name);
      add(pd, rangeItemFor(table, pd, false));
    }
  } else {
    for (const pd of part.lists) {
      checkName(pd.name);
      add(pd, listItemFor(table, pd, false));
    }
  }
}

function logCreateTable(ctx: ModelContext, db: DatabaseState, table: OlapTableState): void {
  logOperation(ctx, {
    type: BinlogType.CREATE_TABLE,
    dbId: db.id,
    tableIds: [table.id],
    data: (commitSeq) =>
      createTableRecord({
        commitSeq,
        dbId: db.id,
        dbName: db.name,
        tableId: table.id,
        tableName: table.name,
        tableType: 'OLAP',
        sql: showCreateOlapTable(table, true),
      }),
  });
}
