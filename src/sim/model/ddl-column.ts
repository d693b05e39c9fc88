// Column and rollup DDL. ADD/DROP COLUMN of value columns on a light_schema_change table is
// applied at once and logged as MODIFY_TABLE_ADD_OR_DROP_COLUMNS (with a re-generated
// rawSql the destination can replay); anything that rewrites data (key columns, MODIFY
// COLUMN, ORDER BY, tables without light schema change) becomes an asynchronous
// SCHEMA_CHANGE job, and ADD ROLLUP a ROLLUP job (alter-jobs.ts).
import { BinlogType } from '../../doris/types.js';
import type { AlterJobs } from './alter-jobs.js';
import { dropInfo, tableAddOrDropColumnsInfo, tableInfo, tableRenameColumnInfo } from './binlog-records.js';
import { baseIndex, requireDb, requireOlapTable } from './catalog.js';
import { columnDefToSql, columnGson } from './column-sql.js';
import type { ModelContext } from './context.js';
import { requireNormalState } from './ddl-table.js';
import { ddlError, DorisError, DorisErrNo } from './errors.js';
import { allocateId } from './ids.js';
import { logOperation } from './journal.js';
import type { ColumnDef } from './schema.js';
import type { AlterJobState, ColumnMeta, DatabaseState, IndexState, OlapTableState, ShadowIndexPlan } from './state.js';
import { removeTablets } from './storage.js';

export interface AddColumnSpec {
  column: ColumnDef;
  /** ADD COLUMN … AFTER `col` */
  after?: string | undefined;
  /** ADD COLUMN … FIRST */
  first?: boolean | undefined;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function insertAt(columns: ColumnMeta[], col: ColumnMeta, spec: { after?: string | undefined; first?: boolean | undefined }): ColumnMeta[] {
  const out = [...columns];
  if (spec.first) {
    out.unshift(col);
  } else if (spec.after !== undefined) {
    const i = out.findIndex((c) => c.name === spec.after);
    if (i < 0) throw ddlError(`Column[${spec.after}] does not exists`);
    out.splice(i + 1, 0, col);
  } else if (col.isKey) {
    const lastKey = out.reduce((acc, c, i) => (c.isKey ? i : acc), -1);
    out.splice(lastKey + 1, 0, col);
  } else {
    out.push(col);
  }
  return out;
}

function qualified(db: DatabaseState, table: OlapTableState): string {
  return `ALTER TABLE \`${db.name}\`.\`${table.name}\``;
}

function position(spec: { after?: string | undefined; first?: boolean | undefined }): string {
  return spec.first ? ' FIRST' : spec.after !== undefined ? ` AFTER \`${spec.after}\`` : '';
}

export class ColumnDdl {
  constructor(
    private readonly ctx: ModelContext,
    private readonly jobs: AlterJobs,
  ) {}

  private target(dbName: string, tableName: string): { db: DatabaseState; table: OlapTableState } {
    const db = requireDb(this.ctx.state, dbName);
    const table = requireOlapTable(db, tableName);
    requireNormalState(table);
    return { db, table };
  }

  /** ALTER TABLE t ADD COLUMN … / ADD COLUMN (…): light for value columns, else a schema change job. */
  addColumns(dbName: string, tableName: string, specs: AddColumnSpec[]): AlterJobState | undefined {
    const { db, table } = this.target(dbName, tableName);
    let columns = table.columns;
    for (const spec of specs) {
      const c = spec.column;
      if (columns.some((x) => sameName(x.name, c.name))) {
        throw ddlError(`Can not add column which already exists in base table: ${c.name}`);
      }
      if (table.keysType === 'AGG_KEYS' && !c.isKey && c.aggregate === undefined) {
        throw ddlError(`Can not add value column without aggregation type to AGG_KEYS table: ${c.name}`);
      }
      if (table.keysType !== 'AGG_KEYS' && c.aggregate !== undefined) {
        throw ddlError(`Can not assign aggregation method on column in ${table.keysType === 'UNIQUE_KEYS' ? 'Unique' : 'Duplicate'} data model table: ${c.name}`);
      }
      columns = insertAt(columns, { ...c, uniqueId: table.nextColumnUid++ }, spec);
    }
    const clauses = specs.map((s) => `ADD COLUMN ${columnDefToSql(s.column)}${position(s)}`);
    const rawSql = `${qualified(db, table)} ${clauses.join(', ')}`;
    const light = table.lightSchemaChange && specs.every((s) => !s.column.isKey);
    if (!light) return this.schemaChange(table, [{ index: baseIndex(table), columns }], rawSql);
    this.applyLight(db, table, new Map([[table.baseIndexId, columns]]), rawSql);
    return undefined;
  }

  /** ALTER TABLE t DROP COLUMN c[, …]: light for value columns, schema change for DUP key columns. */
  dropColumns(dbName: string, tableName: string, names: string[]): AlterJobState | undefined {
    const { db, table } = this.target(dbName, tableName);
    const protectedCols = new Set([...table.partitionColumns, ...table.distribution.columns]);
    let heavy = !table.lightSchemaChange;
    for (const n of names) {
      const col = table.columns.find((c) => c.name === n);
      if (!col) throw ddlError(`Column does not exists: ${n}`);
      if (protectedCols.has(n)) throw ddlError(`Can not drop partition or distribution column : ${n}`);
      if (col.isKey && table.keysType !== 'DUP_KEYS') {
        throw ddlError(`Can not drop key column in ${table.keysType === 'UNIQUE_KEYS' ? 'Unique' : 'Aggregate'} data model table`);
      }
      if (col.isKey) heavy = true;
    }
    if (names.length >= table.columns.length) throw ddlError('Do not allow remove all columns');
    const drop = (cols: ColumnMeta[]): ColumnMeta[] => cols.filter((c) => !names.includes(c.name));
    const rawSql = `${qualified(db, table)} ${names.map((n) => `DROP COLUMN \`${n}\``).join(', ')}`;
    const affected = [...table.indexes.values()].filter((i) => i.state === 'NORMAL' && i.columns.some((c) => names.includes(c.name)));
    if (heavy) return this.schemaChange(table, affected.map((index) => ({ index, columns: drop(index.columns) })), rawSql);
    this.applyLight(db, table, new Map(affected.map((i) => [i.id, drop(i.columns)])), rawSql);
    return undefined;
  }

  /** ALTER TABLE t MODIFY COLUMN …: always a schema change job (data is rewritten). */
  modifyColumn(dbName: string, tableName: string, spec: AddColumnSpec): AlterJobState {
    const { db, table } = this.target(dbName, tableName);
    const old = table.columns.find((c) => c.name === spec.column.name);
    if (!old) throw ddlError(`Column[${spec.column.name}] does not exists`);
    if (old.isKey !== spec.column.isKey && table.keysType !== 'DUP_KEYS') throw ddlError('Can not modify key column to value column or vice versa');
    const replaced: ColumnMeta = { ...spec.column, uniqueId: table.nextColumnUid++ };
    const rawSql = `${qualified(db, table)} MODIFY COLUMN ${columnDefToSql(spec.column)}${position(spec)}`;
    const plans = [...table.indexes.values()]
      .filter((i) => i.state === 'NORMAL' && i.columns.some((c) => c.name === old.name))
      .map((index) => {
        const without = index.columns.map((c) => (c.name === old.name ? { ...replaced, isKey: c.isKey || replaced.isKey } : c));
        const columns =
          index.id === table.baseIndexId && (spec.after !== undefined || spec.first)
            ? insertAt(without.filter((c) => c.name !== old.name), replaced, spec)
            : without;
        return { index, columns };
      });
    return this.schemaChange(table, plans, rawSql);
  }

  /** ALTER TABLE t ORDER BY (c1, c2, …): reorders the base index columns (schema change job). */
  reorderColumns(dbName: string, tableName: string, names: string[]): AlterJobState {
    const { db, table } = this.target(dbName, tableName);
    if (names.length !== table.columns.length || !table.columns.every((c) => names.includes(c.name))) {
      throw ddlError('Reorder stmt should contains all columns');
    }
    const columns = names.map((n) => table.columns.find((c) => c.name === n) as ColumnMeta);
    const rawSql = `${qualified(db, table)} ORDER BY (${names.map((n) => `\`${n}\``).join(', ')})`;
    return this.schemaChange(table, [{ index: baseIndex(table), columns }], rawSql);
  }

  private schemaChange(table: OlapTableState, plans: { index: IndexState; columns: ColumnMeta[] }[], rawSql: string): AlterJobState {
    const jobId = allocateId(this.ctx.state);
    const shadows: ShadowIndexPlan[] = plans.map((p) => ({
      shadowId: allocateId(this.ctx.state),
      originId: p.index.id,
      name: `__doris_shadow_${p.index.name}`,
      columns: p.columns,
    }));
    return this.jobs.create({ jobId, type: 'SCHEMA_CHANGE', table, rawSql, shadows });
  }

  private applyLight(db: DatabaseState, table: OlapTableState, changes: Map<bigint, ColumnMeta[]>, rawSql: string): void {
    for (const [indexId, columns] of changes) {
      const index = table.indexes.get(indexId) as IndexState;
      index.columns = columns;
      index.schemaVersion += 1;
      if (indexId === table.baseIndexId) table.columns = columns;
    }
    table.updateTimeMs = this.ctx.clock();
    const unique = table.keysType === 'UNIQUE_KEYS';
    const jobId = allocateId(this.ctx.state);
    logOperation(this.ctx, {
      type: BinlogType.MODIFY_TABLE_ADD_OR_DROP_COLUMNS,
      dbId: db.id,
      tableIds: [table.id],
      data: () =>
        tableAddOrDropColumnsInfo({
          dbId: db.id,
          tableId: table.id,
          indexSchemaMap: new Map([...changes].map(([id, cols]) => [id, cols.map((c) => columnGson(c, unique))])),
          indexes: table.indexDefs.map((i) => ({
            indexName: i.name,
            columns: i.columns,
            indexType: i.indexType,
            properties: i.properties ?? {},
            comment: i.comment,
          })),
          jobId,
          rawSql,
        }),
    });
  }

  /** ALTER TABLE t RENAME COLUMN old new (light schema change tables only). */
  renameColumn(dbName: string, tableName: string, oldName: string, newName: string): void {
    const { db, table } = this.target(dbName, tableName);
    if (!table.lightSchemaChange) throw ddlError(`Table[${table.name}] does not enable light schema change, can not rename column`);
    const col = table.columns.find((c) => c.name === oldName);
    if (!col) throw ddlError(`Column[${oldName}] does not exists`);
    if (oldName === newName) throw ddlError('Same column name');
    if (table.columns.some((c) => sameName(c.name, newName))) throw ddlError(`Column name[${newName}] is already used`);
    const versions = new Map<bigint, number>();
    for (const index of table.indexes.values()) {
      let touched = false;
      index.columns = index.columns.map((c) => {
        if (c.uniqueId !== col.uniqueId) return c;
        touched = true;
        return { ...c, name: newName };
      });
      if (touched) {
        index.schemaVersion += 1;
        versions.set(index.id, index.schemaVersion);
      }
    }
    table.columns = baseIndex(table).columns;
    table.partitionColumns = table.partitionColumns.map((n) => (n === oldName ? newName : n));
    table.distribution.columns = table.distribution.columns.map((n) => (n === oldName ? newName : n));
    logOperation(this.ctx, {
      type: BinlogType.RENAME_COLUMN,
      dbId: db.id,
      tableIds: [table.id],
      data: () =>
        tableRenameColumnInfo({ dbId: db.id, tableId: table.id, colName: oldName, newColName: newName, indexIdToSchemaVersion: versions }),
    });
  }

  /** ALTER TABLE t ADD ROLLUP r (c1, …) [DUPLICATE KEY (…)]: a ROLLUP job. */
  addRollup(dbName: string, tableName: string, name: string, columns: string[], duplicateKeys?: string[]): AlterJobState {
    const { table } = this.target(dbName, tableName);
    if ([...table.indexes.values()].some((i) => i.name === name)) throw ddlError(`Rollup name[${name}] is already used`);
    if (columns.length === 0) throw ddlError('No column in rollup');
    const cols: ColumnMeta[] = columns.map((n) => {
      const base = table.columns.find((c) => c.name === n);
      if (!base) throw new DorisError(DorisErrNo.BAD_FIELD, `Unknown column '${n}' in '${table.name}'`);
      const isKey = table.keysType === 'DUP_KEYS' && duplicateKeys ? duplicateKeys.includes(n) : base.isKey;
      return { ...base, isKey };
    });
    const base = baseIndex(table);
    const rawSql = `ALTER TABLE \`${table.name}\` ADD ROLLUP \`${name}\`(${columns.map((c) => `\`${c}\``).join(', ')})`;
    return this.jobs.create({
      jobId: allocateId(this.ctx.state),
      type: 'ROLLUP',
      table,
      rawSql,
      shadows: [{ shadowId: allocateId(this.ctx.state), originId: base.id, name, columns: cols }],
    });
  }

  /** ALTER TABLE t DROP ROLLUP r: synchronous; logs DROP_ROLLUP. */
  dropRollup(dbName: string, tableName: string, name: string, ifExists = false): void {
    const { db, table } = this.target(dbName, tableName);
    const index = [...table.indexes.values()].find((i) => i.name === name && i.id !== table.baseIndexId && i.state === 'NORMAL');
    if (!index) {
      if (ifExists) return;
      throw ddlError(`Rollup index[${name}] does not exist in table[${table.name}]`);
    }
    table.indexes.delete(index.id);
    for (const p of table.partitions.values()) {
      removeTablets(this.ctx.state, p.tablets.get(index.id) ?? []);
      p.tablets.delete(index.id);
    }
    logOperation(this.ctx, {
      type: BinlogType.DROP_ROLLUP,
      dbId: db.id,
      tableIds: [table.id],
      dropped: { indexes: [index.id] },
      data: () =>
        dropInfo({
          dbId: db.id,
          tableId: table.id,
          tableName: table.name,
          indexId: index.id,
          indexName: name,
          isView: false,
          forceDrop: false,
          recycleTime: 0,
        }),
    });
  }

  /** ALTER TABLE t RENAME ROLLUP old new. */
  renameRollup(dbName: string, tableName: string, oldName: string, newName: string): void {
    const { db, table } = this.target(dbName, tableName);
    const index = [...table.indexes.values()].find((i) => i.name === oldName && i.id !== table.baseIndexId);
    if (!index) throw ddlError(`Rollup index[${oldName}] does not exists`);
    if ([...table.indexes.values()].some((i) => i.name === newName)) throw ddlError(`Rollup name[${newName}] is already used`);
    index.name = newName;
    logOperation(this.ctx, {
      type: BinlogType.RENAME_ROLLUP,
      dbId: db.id,
      tableIds: [table.id],
      data: () => tableInfo({ dbId: db.id, tableId: table.id, indexId: index.id, newRollupName: newName, oldRollupName: oldName }),
    });
  }
}
