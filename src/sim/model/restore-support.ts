// The catalog changes a RESTORE job makes (backup/RestoreJob.java). A restore is not DDL: the
// tables, views and partitions it creates are journaled but log no CREATE_TABLE /
// ADD_PARTITION binlog, restored partitions take the backed-up visible version, and an atomic
// (or force-replace) restore swaps a fully restored shadow table in for the original.
import { findTable, requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { createTable } from './ddl-create-table.js';
import { eraseTable } from './ddl-table.js';
import { createView } from './ddl-view.js';
import { ddlError, duplicatePartition } from './errors.js';
import { logOperation } from './journal.js';
import type { ColumnDef, ListPartitionDef, RangePartitionDef, TableDef, ViewDef } from './schema.js';
import type { OlapTableState, PartitionState, ViewState } from './state.js';
import { checkPartitionNameFree, createPartition, listItemFor, rangeItemFor } from './table-builder.js';

export class RestoreSupport {
  constructor(private readonly ctx: ModelContext) {}

  /**
   * Creates a table from a backed-up definition without a CREATE_TABLE binlog. Each partition
   * named in `versions` starts at that visible version (its replicas too).
   */
  createTable(dbName: string, def: TableDef, versions: Map<string, bigint>): OlapTableState {
    const table = createTable(this.ctx, dbName, def, { silent: true });
    // Doris restores the backed-up table under its origin name and renames only the table at
    // the end (RestoreJob: "we will still need the origin name later"), so partition names stay
    // the source's — including the single partition of an unpartitioned table, which is named
    // after the source table even when the table is restored under an alias.
    const origin = versions.size === 1 ? [...versions.keys()][0] : undefined;
    if (def.partition.type === 'UNPARTITIONED' && origin !== undefined) {
      for (const p of table.partitions.values()) if (!p.isTemp) p.name = origin;
    }
    for (const p of table.partitions.values()) {
      const v = versions.get(p.name);
      if (v !== undefined) this.setPartitionVersion(p, v);
    }
    return table;
  }

  /** Creates a backed-up view without a CREATE_TABLE binlog. */
  createView(dbName: string, def: ViewDef, schema: ColumnDef[]): ViewState {
    return createView(this.ctx, dbName, def, { silent: true, schema });
  }

  /**
   * Adds a backed-up partition to an existing table (no ADD_PARTITION binlog), checked against
   * the existing ranges/lists like ADD PARTITION, starting at `version`.
   */
  addPartition(
    dbName: string,
    tableName: string,
    def: RangePartitionDef | ListPartitionDef,
    opts: { buckets: number; replicationNum: number; version: bigint },
  ): PartitionState {
    const table = requireOlapTable(requireDb(this.ctx.state, dbName), tableName);
    if (!checkPartitionNameFree(table, def.name)) throw duplicatePartition(def.name);
    let item;
    if (table.partitionType === 'RANGE' && 'upper' in def) item = rangeItemFor(table, def, false);
    else if (table.partitionType === 'LIST' && 'values' in def) item = listItemFor(table, def, false);
    else throw ddlError(`Partition ${def.name} does not match the partition type of table ${tableName}`);
    const p = createPartition(this.ctx, table, { name: def.name, isTemp: false, item, buckets: opts.buckets, replicationNum: opts.replicationNum, version: opts.version });
    logOperation(this.ctx);
    return p;
  }

  /** Sets a partition's visible version and its replicas' versions (restore commit). */
  setPartitionVersion(partition: PartitionState, version: bigint): void {
    partition.visibleVersion = version;
    partition.nextVersion = version + 1n;
    partition.visibleVersionTimeMs = this.ctx.clock();
    for (const ids of partition.tablets.values()) {
      for (const id of ids) {
        for (const r of this.ctx.state.tablets.get(id)?.replicas ?? []) {
          r.version = version;
          r.lastSuccessVersion = version;
          r.lastFailedVersion = -1n;
        }
      }
    }
  }

  /** The is_being_synced property of a restored table. */
  setBeingSynced(table: OlapTableState, value: boolean): void {
    table.isBeingSynced = value;
  }

  /**
   * Atomic restore / force replace: `shadowName` (fully restored) takes the place of
   * `originName`, whose data is erased; the shadow's base index takes the name too.
   */
  replaceTable(dbName: string, originName: string, shadowName: string): OlapTableState {
    const db = requireDb(this.ctx.state, dbName);
    const shadow = requireOlapTable(db, shadowName);
    const origin = findTable(db, originName);
    if (origin) {
      db.tables.delete(origin.id);
      eraseTable(this.ctx, origin);
    }
    shadow.name = originName;
    const base = shadow.indexes.get(shadow.baseIndexId);
    if (base) base.name = originName;
    logOperation(this.ctx);
    return shadow;
  }

  /** Drops a table or view the restore created (a cancelled restore), without a binlog. */
  discardTable(dbName: string, name: string): void {
    const db = requireDb(this.ctx.state, dbName);
    const table = findTable(db, name);
    if (!table) return;
    db.tables.delete(table.id);
    eraseTable(this.ctx, table);
    logOperation(this.ctx);
  }

  /** Drops a partition the restore added (a cancelled restore), without a binlog. */
  discardPartition(table: OlapTableState, partitionId: bigint): void {
    const p = table.partitions.get(partitionId);
    if (!p) return;
    table.partitions.delete(partitionId);
    for (const ids of p.tablets.values()) for (const id of ids) this.ctx.state.tablets.delete(id);
    logOperation(this.ctx);
  }
}
