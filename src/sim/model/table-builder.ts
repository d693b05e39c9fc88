// Building catalog objects: partition items from SQL definitions (RangePartitionInfo /
// ListPartitionInfo checks and "LESS THAN" lower bounds), and partitions with their tablets
// for every materialized index.
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import { allocateId } from './ids.js';
import {
  compareKeys,
  infinityKey,
  isMax,
  isMinKey,
  listsIntersect,
  makeListKey,
  makeRangeKey,
  partitionItemString,
  partitionKeyToString,
  rangesIntersect,
  type KeyColumn,
  type PartitionItem,
} from './partition-key.js';
import type { ListPartitionDef, RangePartitionDef } from './schema.js';
import type { OlapTableState, PartitionState } from './state.js';
import { createTablets } from './storage.js';

/** A stable schema hash per index (Doris draws a random int; determinism keeps tests reproducible). */
export function schemaHashFor(indexId: bigint, schemaVersion: number): number {
  let h = Number((indexId * 2654435761n + BigInt(schemaVersion) * 40503n) % 2147483647n);
  if (h === 0) h = 1;
  return h;
}

export function keyColumns(table: OlapTableState): KeyColumn[] {
  return table.partitionColumns.map((name) => {
    const col = table.columns.find((c) => c.name === name);
    if (!col) throw ddlError(`Partition column[${name}] does not exist in column list.`);
    return { name, type: col.type };
  });
}

function existingItems(table: OlapTableState, isTemp: boolean): PartitionItem[] {
  const out: PartitionItem[] = [];
  for (const p of table.partitions.values()) if (p.isTemp === isTemp && p.item) out.push(p.item);
  return out;
}

/** The range of a RANGE partition definition, checked against the existing ranges. */
export function rangeItemFor(table: OlapTableState, def: RangePartitionDef, isTemp: boolean): PartitionItem {
  const cols = keyColumns(table);
  const existing = existingItems(table, isTemp);
  let item: PartitionItem;
  if (def.lower !== undefined) {
    const lower = makeRangeKey(def.lower, cols);
    const upper = makeRangeKey(def.upper, cols);
    if (compareKeys(lower, upper) >= 0) throw ddlError('Invalid range value format： The lower values must smaller than upper values');
    item = { kind: 'RANGE', lower, upper };
  } else {
    // VALUES LESS THAN: the lower bound is the upper bound of the previous existing range.
    const allMax = def.upper.length > 0 && def.upper.every(isMax);
    const upper = allMax ? infinityKey(cols, true) : makeRangeKey(def.upper, cols);
    if (isMinKey(upper, cols)) {
      throw ddlError(`Partition's upper value should not be MIN VALUE: ${partitionKeyToString(upper)}`);
    }
    const sorted = existing
      .filter((i): i is Extract<PartitionItem, { kind: 'RANGE' }> => i.kind === 'RANGE')
      .sort((a, b) => compareKeys(a.upper, b.upper));
    let lower = infinityKey(cols, false);
    for (const r of sorted) {
      if (compareKeys(r.upper, upper) >= 0) break;
      lower = r.upper;
    }
    if (compareKeys(lower, upper) >= 0) throw ddlError('Invalid range value format： The lower values must smaller than upper values');
    item = { kind: 'RANGE', lower, upper };
  }
  for (const other of existing) {
    if (rangesIntersect(item, other)) {
      throw ddlError(`Range ${partitionItemString(item)} is intersected with range: ${partitionItemString(other)}`);
    }
  }
  return item;
}

/** The values of a LIST partition definition, checked for overlaps. */
export function listItemFor(table: OlapTableState, def: ListPartitionDef, isTemp: boolean): PartitionItem {
  const cols = keyColumns(table);
  const item: PartitionItem = { kind: 'LIST', keys: def.values.map((v) => makeListKey(v, cols)) };
  for (const other of existingItems(table, isTemp)) {
    const dup = listsIntersect(item, other);
    if (dup) throw ddlError(`The partition key[${partitionKeyToString(dup)}] in partition item[${partitionItemString(item)}] is conflict`);
  }
  return item;
}

export interface NewPartitionSpec {
  name: string;
  isTemp: boolean;
  item: PartitionItem | undefined;
  buckets: number;
  replicationNum: number;
  /** ADD PARTITION ("version_info" = "v"): the partition starts at this visible version. */
  version?: bigint | undefined;
}

/** Creates a partition and the tablets of every index of the table (ids: partition, then tablets). */
export function createPartition(ctx: ModelContext, table: OlapTableState, spec: NewPartitionSpec): PartitionState {
  const id = allocateId(ctx.state);
  const version = spec.version ?? 1n;
  const partition: PartitionState = {
    id,
    name: spec.name,
    isTemp: spec.isTemp,
    item: spec.item,
    visibleVersion: version,
    visibleVersionTimeMs: ctx.clock(),
    nextVersion: version + 1n,
    buckets: spec.buckets,
    distributionType: table.distribution.type,
    replicationNum: spec.replicationNum,
    storageMedium: table.storageMedium === 'ssd' ? 'SSD' : 'HDD',
    isInMemory: table.extraProperties.get('in_memory') === 'true',
    isMutable: true,
    tablets: new Map(),
  };
  for (const index of table.indexes.values()) {
    const loc = { dbId: table.dbId, tableId: table.id, partitionId: id, indexId: index.id, schemaHash: index.schemaHash };
    partition.tablets.set(index.id, createTablets(ctx, loc, spec.buckets, spec.replicationNum, version));
  }
  table.partitions.set(id, partition);
  return partition;
}

/** Partition names are unique across formal and temporary partitions. */
export function checkPartitionNameFree(table: OlapTableState, name: string): boolean {
  for (const p of table.partitions.values()) if (p.name === name) return false;
  return true;
}
