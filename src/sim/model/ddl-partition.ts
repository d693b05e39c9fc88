// Partition DDL: ADD / DROP / RECOVER / RENAME / REPLACE / MODIFY PARTITION, including
// temporary partitions, each with its binlog (ADD_PARTITION carries the `sql` clause a
// destination can replay, DROP_PARTITION the partition id so getMeta lists it as dropped).
import { BinlogType } from '../../doris/types.js';
import {
  addPartitionRecord,
  batchModifyPartitionsInfo,
  dropPartitionInfo,
  recoverInfo,
  replacePartitionLog,
  tableInfo,
} from './binlog-records.js';
import { findPartition, requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { AUTO_BUCKETS, replicationNumOf } from './ddl-create-table.js';
import { partitionTabletIds, requireNormalState } from './ddl-table.js';
import { ddlError, duplicatePartition, missingPartition } from './errors.js';
import { logOperation } from './journal.js';
import { compareItems, compareKeys, type PartitionItem } from './partition-key.js';
import type { ListPartitionDef, RangePartitionDef } from './schema.js';
import { addPartitionSql } from './show-create.js';
import type { DatabaseState, OlapTableState, PartitionState } from './state.js';
import { removeTablets } from './storage.js';
import { checkPartitionNameFree, createPartition, listItemFor, rangeItemFor } from './table-builder.js';

export interface AddPartitionOptions {
  isTemp?: boolean | undefined;
  ifNotExists?: boolean | undefined;
}

function itemFor(table: OlapTableState, def: RangePartitionDef | ListPartitionDef, isTemp: boolean): PartitionItem {
  if (table.partitionType === 'RANGE') {
    if (!('upper' in def)) throw ddlError('List partition expected a range partition value');
    return rangeItemFor(table, def, isTemp);
  }
  if (table.partitionType === 'LIST') {
    if (!('values' in def)) throw ddlError('Range partition expected a list partition value');
    return listItemFor(table, def, isTemp);
  }
  throw ddlError(`Table[${table.name}] is a single partition table, can not add partition`);
}

/**
 * ALTER TABLE t ADD [TEMPORARY] PARTITION … [DISTRIBUTED BY … BUCKETS n]
 * [("version_info" = "v")]. A table being synced keeps the given bucket number even for
 * BUCKETS AUTO (auto bucket is not applied while is_being_synced).
 */
export function addPartition(
  ctx: ModelContext,
  dbName: string,
  tableName: string,
  def: RangePartitionDef | ListPartitionDef,
  opts: AddPartitionOptions = {},
): PartitionState | undefined {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  const isTemp = opts.isTemp ?? def.isTemp ?? false;
  if (!checkPartitionNameFree(table, def.name)) {
    if (opts.ifNotExists) return undefined;
    throw duplicatePartition(def.name);
  }
  const item = itemFor(table, def, isTemp);
  const dist = def.distribution;
  if (dist?.type === 'HASH' && table.distribution.type === 'HASH' && dist.columns.join() !== table.distribution.columns.join()) {
    throw ddlError('Cannot assign hash distribution with different distribution cols. new is: ' + dist.columns.join(','));
  }
  const buckets = dist ? (dist.buckets === 'AUTO' ? (table.isBeingSynced ? table.distribution.buckets : AUTO_BUCKETS) : dist.buckets) : table.distribution.buckets;
  const props = def.properties ?? {};
  const versionInfo = props['version_info'];
  const partition = createPartition(ctx, table, {
    name: def.name,
    isTemp,
    item,
    buckets,
    replicationNum: replicationNumOf(props, table.replicationNum),
    version: versionInfo !== undefined && /^\d+$/.test(versionInfo.trim()) ? BigInt(versionInfo.trim()) : undefined,
  });
  logAddPartition(ctx, db, table, partition);
  return partition;
}

/** Logs the ADD_PARTITION binlog of a newly created partition (also used by INSERT OVERWRITE). */
export function logAddPartition(ctx: ModelContext, db: DatabaseState, table: OlapTableState, partition: PartitionState): void {
  const item = partition.item;
  logOperation(ctx, {
    type: BinlogType.ADD_PARTITION,
    dbId: db.id,
    tableIds: [table.id],
    data: (commitSeq) =>
      addPartitionRecord({
        commitSeq,
        dbId: db.id,
        tableId: table.id,
        partition: {
          id: partition.id,
          name: partition.name,
          visibleVersion: partition.visibleVersion,
          visibleVersionTime: partition.visibleVersionTimeMs,
          nextVersion: partition.nextVersion,
          distribution: { ...table.distribution, buckets: partition.buckets },
        },
        range: item?.kind === 'RANGE' ? { lower: item.lower, upper: item.upper } : undefined,
        listKeys: item?.kind === 'LIST' ? item.keys : undefined,
        storageMedium: partition.storageMedium,
        replicationNum: partition.replicationNum,
        isInMemory: partition.isInMemory,
        isTempPartition: partition.isTemp,
        isMutable: partition.isMutable,
        sql: addPartitionSql(partition),
      }),
  });
}

/** ALTER TABLE t DROP [TEMPORARY] PARTITION [IF EXISTS] p [FORCE]. */
export function dropPartition(
  ctx: ModelContext,
  dbName: string,
  tableName: string,
  name: string,
  opts: { isTemp?: boolean | undefined; ifExists?: boolean | undefined; force?: boolean | undefined } = {},
): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  if (table.partitionType === 'UNPARTITIONED') throw ddlError(`Table[${table.name}] is a single partition table, can not drop partition`);
  const isTemp = opts.isTemp ?? false;
  const p = findPartition(table, name, isTemp);
  if (!p) {
    if (opts.ifExists) return;
    throw missingPartition(name);
  }
  table.partitions.delete(p.id);
  const now = ctx.clock();
  if (opts.force || isTemp) removeTablets(ctx.state, partitionTabletIds(p));
  else ctx.state.recyclePartitions.set(p.id, { dbId: db.id, tableId: table.id, partition: p, dropTimeMs: now });
  table.visibleVersion += 1n;
  table.visibleVersionTimeMs = now;
  logOperation(ctx, {
    type: BinlogType.DROP_PARTITION,
    dbId: db.id,
    tableIds: [table.id],
    dropped: { partitions: [p.id] },
    data: () =>
      dropPartitionInfo({
        dbId: db.id,
        tableId: table.id,
        partitionId: p.id,
        partitionName: p.name,
        isTempPartition: isTemp,
        forceDrop: opts.force ?? false,
        recycleTime: 0,
        version: table.visibleVersion,
        versionTime: table.visibleVersionTimeMs,
      }),
  });
}

/** RECOVER PARTITION p [AS new] FROM t: the partition must still fit the table's ranges. */
export function recoverPartition(ctx: ModelContext, dbName: string, tableName: string, name: string, newName?: string): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  const target = newName ?? name;
  if (!checkPartitionNameFree(table, target)) throw duplicatePartition(target);
  let found: { id: bigint; p: PartitionState; at: number } | undefined;
  for (const [id, r] of ctx.state.recyclePartitions) {
    if (r.tableId === table.id && r.partition.name === name && (!found || r.dropTimeMs >= found.at)) {
      found = { id, p: r.partition, at: r.dropTimeMs };
    }
  }
  if (!found) throw ddlError(`No partition named '${name}' in recycle bin that belongs to table '${tableName}'`);
  const p = found.p;
  for (const other of table.partitions.values()) {
    if (!other.isTemp && other.item?.kind === 'RANGE' && p.item?.kind === 'RANGE') {
      if (compareKeys(p.item.lower, other.item.upper) < 0 && compareKeys(other.item.lower, p.item.upper) < 0) {
        throw ddlError(`Can not recover partition[${name}]. Range conflicts.`);
      }
    }
  }
  ctx.state.recyclePartitions.delete(found.id);
  p.name = target;
  table.partitions.set(p.id, p);
  logOperation(ctx, {
    type: BinlogType.RECOVER_INFO,
    dbId: db.id,
    tableIds: [table.id],
    recovered: { partitionId: p.id },
    data: () =>
      recoverInfo({
        dbId: db.id,
        newDbName: '',
        tableId: table.id,
        tableName: table.name,
        newTableName: '',
        partitionId: p.id,
        partitionName: name,
        newPartitionName: newName ?? '',
      }),
  });
}

/** ALTER TABLE t RENAME PARTITION old new. */
export function renamePartition(ctx: ModelContext, dbName: string, tableName: string, oldName: string, newName: string): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  if (table.partitionType === 'UNPARTITIONED') throw ddlError(`Table[${table.name}] is single partitioned. no need to rename partition name.`);
  const p = findPartition(table, oldName, false);
  if (!p) throw ddlError(`Partition[${oldName}] does not exists`);
  if (oldName === newName) throw ddlError('Same partition name');
  if (!checkPartitionNameFree(table, newName)) throw ddlError(`Partition name[${newName}] is already used`);
  p.name = newName;
  logOperation(ctx, {
    type: BinlogType.RENAME_PARTITION,
    dbId: db.id,
    tableIds: [table.id],
    data: () => tableInfo({ dbId: db.id, tableId: table.id, partitionId: p.id, newPartitionName: newName, oldPartitionName: oldName }),
  });
}

function rangeUnionMatches(a: PartitionState[], b: PartitionState[]): boolean {
  const sortRanges = (ps: PartitionState[]): PartitionItem[] =>
    ps.map((p) => p.item).filter((i): i is PartitionItem => i !== undefined).sort(compareItems);
  const merge = (items: PartitionItem[]): PartitionItem[] => {
    const out: PartitionItem[] = [];
    for (const it of items) {
      const last = out[out.length - 1];
      if (last?.kind === 'RANGE' && it.kind === 'RANGE' && compareKeys(last.upper, it.lower) === 0) {
        out[out.length - 1] = { kind: 'RANGE', lower: last.lower, upper: it.upper };
      } else out.push(it);
    }
    return out;
  };
  const ma = merge(sortRanges(a));
  const mb = merge(sortRanges(b));
  return (
    ma.length === mb.length &&
    ma.every((x, i) => {
      const y = mb[i];
      return x.kind === 'RANGE' && y?.kind === 'RANGE' && compareKeys(x.lower, y.lower) === 0 && compareKeys(x.upper, y.upper) === 0;
    })
  );
}

/**
 * ALTER TABLE t REPLACE PARTITION (p…) WITH TEMPORARY PARTITION (tp…)
 * [PROPERTIES ("strict_range" = "…", "use_temp_partition_name" = "…")] [FORCE]: the temporary
 * partitions become formal ones (taking the replaced names unless use_temp_partition_name);
 * the replaced partitions are dropped and reported as dropped.
 */
export function replacePartitions(
  ctx: ModelContext,
  dbName: string,
  tableName: string,
  partitionNames: string[],
  tempPartitionNames: string[],
  opts: { strictRange?: boolean | undefined; useTempPartitionName?: boolean | undefined; force?: boolean | undefined } = {},
): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  const strictRange = opts.strictRange ?? true;
  const useTempName = opts.useTempPartitionName ?? false;
  const formal = partitionNames.map((n) => findPartition(table, n, false) ?? raise(missingPartition(n)));
  const temps = tempPartitionNames.map((n) => findPartition(table, n, true) ?? raise(missingPartition(n)));
  if (table.partitionType === 'RANGE' && strictRange && !rangeUnionMatches(formal, temps)) {
    throw ddlError('The partition list must be matched when using strict range');
  }
  const now = ctx.clock();
  for (const p of formal) {
    table.partitions.delete(p.id);
    if (opts.force) removeTablets(ctx.state, partitionTabletIds(p));
    else ctx.state.recyclePartitions.set(p.id, { dbId: db.id, tableId: table.id, partition: p, dropTimeMs: now });
  }
  temps.forEach((tp, i) => {
    tp.isTemp = false;
    const replacedName = formal[i]?.name;
    if (!useTempName && formal.length === temps.length && replacedName !== undefined) tp.name = replacedName;
  });
  table.visibleVersion += 1n;
  table.visibleVersionTimeMs = now;
  logOperation(ctx, {
    type: BinlogType.REPLACE_PARTITIONS,
    dbId: db.id,
    tableIds: [table.id],
    dropped: { partitions: formal.map((p) => p.id) },
    data: () =>
      replacePartitionLog({
        dbId: db.id,
        dbName: db.name,
        tblId: table.id,
        tblName: table.name,
        partitions: partitionNames,
        tempPartitions: tempPartitionNames,
        strictRange,
        useTempPartitionName: useTempName,
        version: table.visibleVersion,
        versionTime: table.visibleVersionTimeMs,
        force: opts.force ?? false,
      }),
  });
}

function raise(e: Error): never {
  throw e;
}

/** ALTER TABLE t MODIFY PARTITION (p…) SET ("storage_medium" / "in_memory" / "is_mutable" …). */
export function modifyPartitions(
  ctx: ModelContext,
  dbName: string,
  tableName: string,
  partitionNames: string[],
  props: Record<string, string>,
): void {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  const targets =
    partitionNames.length === 1 && partitionNames[0] === '*'
      ? [...table.partitions.values()].filter((p) => !p.isTemp)
      : partitionNames.map((n) => findPartition(table, n, false) ?? raise(missingPartition(n)));
  for (const p of targets) {
    if (props['storage_medium'] !== undefined) p.storageMedium = props['storage_medium'].toUpperCase() === 'SSD' ? 'SSD' : 'HDD';
    if (props['in_memory'] !== undefined) p.isInMemory = props['in_memory'] === 'true';
    if (props['is_mutable'] !== undefined) p.isMutable = props['is_mutable'] === 'true';
  }
  logOperation(ctx, {
    type: BinlogType.MODIFY_PARTITIONS,
    dbId: db.id,
    tableIds: [table.id],
    data: () =>
      batchModifyPartitionsInfo(
        targets.map((p) => ({
          dbId: db.id,
          tableId: table.id,
          partitionId: p.id,
          storageMedium: p.storageMedium,
          replicationNum: p.replicationNum,
          isInMemory: p.isInMemory,
          isMutable: p.isMutable,
        })),
      ),
  });
}
