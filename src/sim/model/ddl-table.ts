// Table-level DDL: DROP TABLE (recycle bin unless FORCE), RECOVER TABLE, TRUNCATE TABLE,
// RENAME, REPLACE WITH TABLE, ALTER TABLE … SET properties and MODIFY COMMENT, each with the
// binlog Doris logs for it.
import { BinlogType } from '../../doris/types.js';
import {
  dropTableRecord,
  modifyCommentLog,
  modifyTablePropertyLog,
  recoverInfo,
  replaceTableLog,
  tableInfo,
  truncateTableRecord,
} from './binlog-records.js';
import { baseIndex, findPartition, findTable, notObject, requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { mergeBinlogConfig } from './ddl-create-table.js';
import { ddlError, missingPartition, tableExists, unknownTableIn } from './errors.js';
import { binlogFlags, logOperation } from './journal.js';
import type { OlapTableState, PartitionState, TableState } from './state.js';
import { removeTablets } from './storage.js';
import { createPartition } from './table-builder.js';

/** OlapTable.checkNormalStateForAlter. */
export function requireNormalState(table: OlapTableState): void {
  if (table.state !== 'NORMAL') {
    throw ddlError(`Table[${table.name}]'s state(${table.state}) is not NORMAL. Do not allow doing ALTER ops`);
  }
}

export function partitionTabletIds(p: PartitionState): bigint[] {
  return [...p.tablets.values()].flat();
}

function tableTabletIds(t: OlapTableState): bigint[] {
  return [...t.partitions.values()].flatMap(partitionTabletIds);
}

/** Removes a table for good: its tablets and any running alter job. */
export function eraseTable(ctx: ModelContext, table: TableState): void {
  if (table.kind === 'OLAP') removeTablets(ctx.state, tableTabletIds(table));
  for (const job of ctx.state.alterJobs.values()) {
    if (job.tableId === table.id && job.state !== 'FINISHED' && job.state !== 'CANCELLED') job.state = 'CANCELLED';
  }
}

/** DROP TABLE / DROP VIEW [IF EXISTS] [FORCE]. */
export function dropTable(
  ctx: ModelContext,
  dbName: string,
  name: string,
  opts: { ifExists?: boolean | undefined; force?: boolean | undefined; isView?: boolean | undefined } = {},
): void {
  const db = requireDb(ctx.state, dbName);
  const table = findTable(db, name);
  if (!table) {
    if (opts.ifExists) return;
    throw unknownTableIn(name, dbName);
  }
  if (opts.isView && table.kind !== 'VIEW') throw notObject(db, name, 'VIEW');
  if (!opts.isView && table.kind === 'VIEW') throw notObject(db, name, 'TABLE');
  if (table.kind === 'OLAP' && table.state !== 'NORMAL' && !opts.force) {
    throw ddlError(
      `The table [${name}]'s state is ${table.state}, cannot be dropped. please cancel the operation on olap table firstly. If you want to forcibly drop(cannot be recovered), please use "DROP table FORCE".`,
    );
  }
  const flags = binlogFlags(ctx.state, db.id, [table.id]);
  db.tables.delete(table.id);
  if (opts.force || table.kind === 'VIEW') eraseTable(ctx, table);
  else ctx.state.recycleTables.set(table.id, { dbId: db.id, table, dropTimeMs: ctx.clock() });
  logOperation(ctx, {
    type: BinlogType.DROP_TABLE,
    dbId: db.id,
    tableIds: [table.id],
    flags,
    dropped: { tables: [table.id] },
    data: (commitSeq) =>
      dropTableRecord({ commitSeq, dbId: db.id, tableId: table.id, tableName: table.name, isView: table.kind === 'VIEW' }),
  });
}

/** RECOVER TABLE name [id] [AS new_name]: the given or most recently dropped table of that name. */
export function recoverTable(ctx: ModelContext, dbName: string, name: string, newName?: string, tableId?: bigint): OlapTableState {
  const db = requireDb(ctx.state, dbName);
  const target = newName ?? name;
  if (findTable(db, target)) throw tableExists(target);
  let found: { id: bigint; table: OlapTableState; at: number } | undefined;
  for (const [id, r] of ctx.state.recycleTables) {
    if (tableId !== undefined && id !== tableId) continue;
    if (r.dbId === db.id && r.table.name === name && r.table.kind === 'OLAP' && (!found || r.dropTimeMs >= found.at)) {
      found = { id, table: r.table, at: r.dropTimeMs };
    }
  }
  if (!found) throw unknownTableIn(name, dbName);
  const table = found.table;
  ctx.state.recycleTables.delete(found.id);
  if (newName !== undefined) renameInPlace(table, newName);
  db.tables.set(table.id, table);
  logOperation(ctx, {
    type: BinlogType.RECOVER_INFO,
    dbId: db.id,
    tableIds: [table.id],
    recovered: { tableId: table.id },
    data: () =>
      recoverInfo({
        dbId: db.id,
        newDbName: '',
        tableId: table.id,
        tableName: name,
        newTableName: newName ?? '',
        partitionId: -1n,
        partitionName: '',
        newPartitionName: '',
      }),
  });
  return table;
}

function renameInPlace(table: OlapTableState, newName: string): void {
  baseIndex(table).name = newName;
  // An unpartitioned table's single partition carries the table name.
  if (table.partitionType === 'UNPARTITIONED') for (const p of table.partitions.values()) p.name = newName;
  table.name = newName;
}

/**
 * TRUNCATE TABLE t [PARTITIONS (p1, …)]: each truncated partition is replaced by a new empty
 * partition (new ids, same name, range and buckets, version 1); truncating the whole table
 * also drops its temporary partitions.
 */
export function truncateTable(ctx: ModelContext, dbName: string, name: string, partitionNames?: string[]): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, name);
  requireNormalState(table);
  const entire = partitionNames === undefined || partitionNames.length === 0;
  const targets: PartitionState[] = entire
    ? [...table.partitions.values()].filter((p) => !p.isTemp)
    : partitionNames.map((n) => {
        const p = findPartition(table, n, false);
        if (!p) throw missingPartition(n);
        return p;
      });
  const old = new Map<bigint, string>();
  for (const p of targets) {
    old.set(p.id, p.name);
    table.partitions.delete(p.id);
    removeTablets(ctx.state, partitionTabletIds(p));
    createPartition(ctx, table, {
      name: p.name,
      isTemp: false,
      item: p.item,
      buckets: p.buckets,
      replicationNum: p.replicationNum,
    });
  }
  if (entire) {
    for (const p of [...table.partitions.values()].filter((x) => x.isTemp)) {
      table.partitions.delete(p.id);
      removeTablets(ctx.state, partitionTabletIds(p));
    }
  }
  logOperation(ctx, {
    type: BinlogType.TRUNCATE_TABLE,
    dbId: db.id,
    tableIds: [table.id],
    dropped: { partitions: [...old.keys()] },
    data: () =>
      truncateTableRecord({
        dbId: db.id,
        db: db.name,
        tblId: table.id,
        table: table.name,
        isEntireTable: entire,
        rawSql: entire ? '' : `PARTITIONS (${partitionNames.join(', ')})`,
        oldPartitions: old,
      }),
  });
}

/** ALTER TABLE t RENAME new_name. */
export function renameTable(ctx: ModelContext, dbName: string, name: string, newName: string): void {
  const db = requireDb(ctx.state, dbName);
  const table = findTable(db, name);
  if (!table) throw unknownTableIn(name, dbName);
  if (table.kind === 'OLAP') requireNormalState(table);
  if (name === newName) throw ddlError('Same table name');
  if (findTable(db, newName)) throw ddlError(`Table name[${newName}] is already used`);
  if (table.kind === 'OLAP') renameInPlace(table, newName);
  else table.name = newName;
  logOperation(ctx, {
    type: BinlogType.RENAME_TABLE,
    dbId: db.id,
    tableIds: [table.id],
    data: () => tableInfo({ dbId: db.id, tableId: table.id, newTableName: newName, oldTableName: name }),
  });
}

/**
 * ALTER TABLE origin REPLACE WITH TABLE other PROPERTIES ("swap" = "true|false") [FORCE]:
 * `other` takes the origin name; with swap the origin takes `other`'s name, without it the
 * origin table is dropped.
 */
export function replaceTable(
  ctx: ModelContext,
  dbName: string,
  origName: string,
  otherName: string,
  opts: { swap: boolean; force?: boolean | undefined },
): void {
  const db = requireDb(ctx.state, dbName);
  const orig = requireOlapTable(db, origName);
  const other = requireOlapTable(db, otherName);
  requireNormalState(orig);
  requireNormalState(other);
  renameInPlace(other, origName);
  if (opts.swap) {
    renameInPlace(orig, otherName);
  } else {
    db.tables.delete(orig.id);
    if (opts.force) eraseTable(ctx, orig);
    else ctx.state.recycleTables.set(orig.id, { dbId: db.id, table: orig, dropTimeMs: ctx.clock() });
  }
  logOperation(ctx, {
    type: BinlogType.REPLACE_TABLE,
    dbId: db.id,
    tableIds: [orig.id],
    flags: { db: db.properties.get('binlog.enable') === 'true', tables: new Map([[orig.id, orig.binlog.enable]]) },
    dropped: opts.swap ? undefined : { tables: [orig.id] },
    data: () =>
      replaceTableLog({
        dbId: db.id,
        origTblId: orig.id,
        origTblName: origName,
        newTblId: other.id,
        newTblName: otherName,
        swapTable: opts.swap,
        isForce: opts.force ?? false,
      }),
  });
}

function parseBool(v: string, key: string): boolean {
  const s = v.trim().toLowerCase();
  if (s !== 'true' && s !== 'false') throw ddlError(`Invalid ${key} value: ${v}`);
  return s === 'true';
}

/**
 * ALTER TABLE t SET ("k" = "v", …): binlog.*, is_being_synced, light_schema_change (only to
 * true), dynamic_partition.* and other properties kept as given. Logs MODIFY_TABLE_PROPERTY
 * (remove_enable_cache), decided by the table's binlog flag before the change.
 */
export function setTableProperties(ctx: ModelContext, dbName: string, name: string, props: Record<string, string>): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, name);
  const flags = binlogFlags(ctx.state, db.id, [table.id]);
  const entries = Object.entries(props);
  if (entries.length === 0) throw ddlError('Properties is empty');
  for (const [k, v] of entries) {
    if (k === 'replication_num' || k === 'replication_allocation' || k === 'default.replication_num') {
      throw ddlError(`Modifying ${k} is not supported by the simulator`);
    }
    if (k === 'light_schema_change' && !parseBool(v, k) && table.lightSchemaChange) {
      throw ddlError('Can not alter light_schema_change from true to false currently');
    }
  }
  if (entries.some(([k]) => k.startsWith('dynamic_partition.'))) {
    // SchemaChangeHandler.process: on a table without dynamic partition properties the SET must
    // carry a complete configuration (DynamicPartitionUtil.checkInputDynamicPartitionProperties
    // fills enable, prefix and start), else Doris refuses with this message.
    const dynamicExists = [...table.extraProperties.keys()].some((k) => k.startsWith('dynamic_partition.'));
    if (!dynamicExists) {
      const complete =
        table.partitionType === 'RANGE' && table.partitionColumns.length === 1 && !!props['dynamic_partition.time_unit'] && !!props['dynamic_partition.end'];
      if (!complete) {
        throw ddlError(
          `Table ${db.name}.${table.name} is not a dynamic partition table. Use command \`HELP ALTER TABLE\` to see how to change a normal table to a dynamic partition table.`,
        );
      }
      const defaults: [string, string][] = [
        ['dynamic_partition.enable', 'true'],
        ['dynamic_partition.prefix', 'p'],
        ['dynamic_partition.start', String(-2147483648)],
      ];
      for (const [k, v] of defaults) if (!props[k]) entries.push([k, v]);
    }
  }
  table.binlog = mergeBinlogConfig(table.binlog, props);
  for (const [k, v] of entries) {
    if (k.startsWith('binlog.')) continue;
    if (k === 'is_being_synced') table.isBeingSynced = parseBool(v, k);
    else if (k === 'light_schema_change') table.lightSchemaChange = true;
    else if (k === 'storage_medium') table.storageMedium = v.toLowerCase() === 'ssd' ? 'ssd' : 'hdd';
    else table.extraProperties.set(k, v);
  }
  table.updateTimeMs = ctx.clock();
  logOperation(ctx, {
    type: BinlogType.MODIFY_TABLE_PROPERTY,
    dbId: db.id,
    tableIds: [table.id],
    flags,
    removeEnableCache: true,
    data: () => modifyTablePropertyLog({ dbId: db.id, tableId: table.id, tableName: table.name, properties: new Map(entries) }),
  });
}

/** ALTER TABLE t MODIFY COMMENT '…'. */
export function modifyTableComment(ctx: ModelContext, dbName: string, name: string, comment: string): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, name);
  table.comment = comment;
  logOperation(ctx, {
    type: BinlogType.MODIFY_COMMENT,
    dbId: db.id,
    tableIds: [table.id],
    data: () => modifyCommentLog({ type: 'TABLE', dbId: db.id, tblId: table.id, tblComment: comment }),
  });
}

/** ALTER TABLE t MODIFY COLUMN c COMMENT '…'[, …]. */
export function modifyColumnComments(ctx: ModelContext, dbName: string, name: string, comments: Record<string, string>): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, name);
  const changes = new Map(Object.entries(comments));
  for (const col of changes.keys()) {
    if (!table.columns.some((c) => c.name === col)) throw ddlError(`Unknown column: ${col}`);
  }
  for (const idx of table.indexes.values()) {
    for (const c of idx.columns) {
      const cm = changes.get(c.name);
      if (cm !== undefined) c.comment = cm;
    }
  }
  for (const c of table.columns) {
    const cm = changes.get(c.name);
    if (cm !== undefined) c.comment = cm;
  }
  logOperation(ctx, {
    type: BinlogType.MODIFY_COMMENT,
    dbId: db.id,
    tableIds: [table.id],
    data: () => modifyCommentLog({ type: 'COLUMN', dbId: db.id, tblId: table.id, colToComment: changes }),
  });
}
