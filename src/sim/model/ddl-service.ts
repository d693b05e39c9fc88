// The DDL surface the SQL executor calls: one method per statement, each with Doris'
// checks, errors and binlog. Methods throw DorisError (a SqlError) on failure.
import type { AlterJobs } from './alter-jobs.js';
import type { ModelContext } from './context.js';
import { ColumnDdl, type AddColumnSpec } from './ddl-column.js';
import { createTable, createTableLike, type CreateTableOptions } from './ddl-create-table.js';
import { alterDatabaseProperties, createDatabase, dropDatabase, renameDatabase } from './ddl-database.js';
import {
  addPartition,
  dropPartition,
  modifyPartitions,
  recoverPartition,
  renamePartition,
  replacePartitions,
  type AddPartitionOptions,
} from './ddl-partition.js';
import {
  dropTable,
  modifyColumnComments,
  modifyTableComment,
  recoverTable,
  renameTable,
  replaceTable,
  setTableProperties,
  truncateTable,
} from './ddl-table.js';
import { addInvertedIndex, dropInvertedIndex } from './ddl-index.js';
import { checkPartitionAlterAllowed } from './dynamic-partition.js';
import { alterView, createView, type CreateViewOptions } from './ddl-view.js';
import type { ColumnDef, IndexDef, ListPartitionDef, RangePartitionDef, TableDef, ViewDef } from './schema.js';
import type { AlterJobState, DatabaseState, OlapTableState, PartitionState, ViewState } from './state.js';

export class DdlService {
  private readonly columns: ColumnDdl;

  constructor(
    private readonly ctx: ModelContext,
    jobs: AlterJobs,
  ) {
    this.columns = new ColumnDdl(ctx, jobs);
  }

  /** CREATE DATABASE [IF NOT EXISTS] name [PROPERTIES (…)]. Journaled, no binlog. */
  createDatabase(name: string, opts: { ifNotExists?: boolean; properties?: Record<string, string> } = {}): DatabaseState {
    return createDatabase(this.ctx, name, opts);
  }

  /** DROP DATABASE [IF EXISTS] name. */
  dropDatabase(name: string, opts: { ifExists?: boolean } = {}): void {
    dropDatabase(this.ctx, name, opts);
  }

  /** ALTER DATABASE name RENAME new_name. */
  renameDatabase(name: string, newName: string): void {
    renameDatabase(this.ctx, name, newName);
  }

  /** ALTER DATABASE name SET PROPERTIES (…) → ALTER_DATABASE_PROPERTY. */
  alterDatabaseProperties(name: string, properties: Record<string, string>): void {
    alterDatabaseProperties(this.ctx, name, properties);
  }

  /** CREATE TABLE [IF NOT EXISTS] → CREATE_TABLE (sql = synced SHOW CREATE TABLE text). */
  createTable(db: string, def: TableDef, opts: CreateTableOptions = {}): OlapTableState {
    return createTable(this.ctx, db, def, opts);
  }

  /** CREATE TABLE [IF NOT EXISTS] new LIKE [src_db.]src [WITH ROLLUP (…)] → CREATE_TABLE. */
  createTableLike(
    db: string,
    name: string,
    srcDb: string,
    srcName: string,
    opts: CreateTableOptions & { withRollups?: boolean | string[] } = {},
  ): OlapTableState {
    return createTableLike(this.ctx, db, name, srcDb, srcName, opts);
  }

  /** DROP TABLE [IF EXISTS] t [FORCE] → DROP_TABLE; without FORCE the table goes to the recycle bin. */
  dropTable(db: string, name: string, opts: { ifExists?: boolean; force?: boolean } = {}): void {
    dropTable(this.ctx, db, name, { ...opts, isView: false });
  }

  /** RECOVER TABLE t [id] [AS new] → RECOVER_INFO. */
  recoverTable(db: string, name: string, newName?: string, tableId?: bigint): OlapTableState {
    return recoverTable(this.ctx, db, name, newName, tableId);
  }

  /** TRUNCATE TABLE t [PARTITION (p…)] → TRUNCATE_TABLE. */
  truncateTable(db: string, name: string, partitions?: string[]): void {
    truncateTable(this.ctx, db, name, partitions);
  }

  /** ALTER TABLE t RENAME new → RENAME_TABLE. */
  renameTable(db: string, name: string, newName: string): void {
    renameTable(this.ctx, db, name, newName);
  }

  /** ALTER TABLE t REPLACE WITH TABLE other PROPERTIES ("swap" = …) [FORCE] → REPLACE_TABLE. */
  replaceTable(db: string, name: string, other: string, opts: { swap: boolean; force?: boolean }): void {
    replaceTable(this.ctx, db, name, other, opts);
  }

  /** ALTER TABLE t SET ("k" = "v", …) → MODIFY_TABLE_PROPERTY (incl. binlog.*, is_being_synced). */
  setTableProperties(db: string, name: string, properties: Record<string, string>): void {
    setTableProperties(this.ctx, db, name, properties);
  }

  /** ALTER TABLE t MODIFY COMMENT '…' → MODIFY_COMMENT (TABLE). */
  modifyTableComment(db: string, name: string, comment: string): void {
    modifyTableComment(this.ctx, db, name, comment);
  }

  /** ALTER TABLE t MODIFY COLUMN c COMMENT '…', … → MODIFY_COMMENT (COLUMN). */
  modifyColumnComments(db: string, name: string, comments: Record<string, string>): void {
    modifyColumnComments(this.ctx, db, name, comments);
  }

  /** ALTER TABLE t ADD [TEMPORARY] PARTITION … → ADD_PARTITION. Returns undefined for IF NOT EXISTS on a taken name. */
  addPartition(db: string, table: string, def: RangePartitionDef | ListPartitionDef, opts: AddPartitionOptions = {}): PartitionState | undefined {
    return addPartition(this.ctx, db, table, def, opts);
  }

  /** CREATE INDEX / ALTER TABLE ADD INDEX … USING INVERTED → MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES. */
  addInvertedIndex(db: string, table: string, index: IndexDef, opts: { ifNotExists?: boolean | undefined } = {}): boolean {
    return addInvertedIndex(this.ctx, db, table, index, opts);
  }

  /** DROP INDEX / ALTER TABLE DROP INDEX of an inverted index → MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES. */
  dropInvertedIndex(db: string, table: string, name: string, opts: { ifExists?: boolean | undefined } = {}): boolean {
    return dropInvertedIndex(this.ctx, db, table, name, opts);
  }

  /** Refuses ALTER TABLE ADD/DROP PARTITION on an enabled dynamic partition table that is not being synced. */
  checkPartitionAlterAllowed(db: string, table: string): void {
    checkPartitionAlterAllowed(this.ctx, db, table);
  }

  /** ALTER TABLE t DROP [TEMPORARY] PARTITION [IF EXISTS] p [FORCE] → DROP_PARTITION. */
  dropPartition(db: string, table: string, name: string, opts: { isTemp?: boolean; ifExists?: boolean; force?: boolean } = {}): void {
    dropPartition(this.ctx, db, table, name, opts);
  }

  /** RECOVER PARTITION p [AS new] FROM t → RECOVER_INFO. */
  recoverPartition(db: string, table: string, name: string, newName?: string): void {
    recoverPartition(this.ctx, db, table, name, newName);
  }

  /** ALTER TABLE t RENAME PARTITION old new → RENAME_PARTITION. */
  renamePartition(db: string, table: string, oldName: string, newName: string): void {
    renamePartition(this.ctx, db, table, oldName, newName);
  }

  /** ALTER TABLE t REPLACE PARTITION (…) WITH TEMPORARY PARTITION (…) → REPLACE_PARTITIONS. */
  replacePartitions(
    db: string,
    table: string,
    partitions: string[],
    tempPartitions: string[],
    opts: { strictRange?: boolean; useTempPartitionName?: boolean; force?: boolean } = {},
  ): void {
    replacePartitions(this.ctx, db, table, partitions, tempPartitions, opts);
  }

  /** ALTER TABLE t MODIFY PARTITION (p…|*) SET (…) → MODIFY_PARTITIONS. */
  modifyPartitions(db: string, table: string, partitions: string[], properties: Record<string, string>): void {
    modifyPartitions(this.ctx, db, table, partitions, properties);
  }

  /** ADD COLUMN: light (MODIFY_TABLE_ADD_OR_DROP_COLUMNS, returns undefined) or a SCHEMA_CHANGE job. */
  addColumns(db: string, table: string, columns: AddColumnSpec[]): AlterJobState | undefined {
    return this.columns.addColumns(db, table, columns);
  }

  /** DROP COLUMN: light (returns undefined) or a SCHEMA_CHANGE job. */
  dropColumns(db: string, table: string, names: string[]): AlterJobState | undefined {
    return this.columns.dropColumns(db, table, names);
  }

  /** MODIFY COLUMN (type, nullability, position): a SCHEMA_CHANGE job. */
  modifyColumn(db: string, table: string, spec: AddColumnSpec): AlterJobState {
    return this.columns.modifyColumn(db, table, spec);
  }

  /** ORDER BY (…): a SCHEMA_CHANGE job. */
  reorderColumns(db: string, table: string, columns: string[]): AlterJobState {
    return this.columns.reorderColumns(db, table, columns);
  }

  /** RENAME COLUMN → RENAME_COLUMN. */
  renameColumn(db: string, table: string, oldName: string, newName: string): void {
    this.columns.renameColumn(db, table, oldName, newName);
  }

  /** ADD ROLLUP r (cols) [DUPLICATE KEY (…)]: a ROLLUP job. */
  addRollup(db: string, table: string, name: string, columns: string[], duplicateKeys?: string[]): AlterJobState {
    return this.columns.addRollup(db, table, name, columns, duplicateKeys);
  }

  /** DROP ROLLUP r → DROP_ROLLUP. */
  dropRollup(db: string, table: string, name: string, ifExists = false): void {
    this.columns.dropRollup(db, table, name, ifExists);
  }

  /** RENAME ROLLUP old new → RENAME_ROLLUP. */
  renameRollup(db: string, table: string, oldName: string, newName: string): void {
    this.columns.renameRollup(db, table, oldName, newName);
  }

  /** CREATE [OR REPLACE] VIEW → CREATE_TABLE (VIEW) or MODIFY_VIEW_DEF. */
  createView(db: string, def: ViewDef, opts: CreateViewOptions = {}): ViewState {
    return createView(this.ctx, db, def, opts);
  }

  /** ALTER VIEW → MODIFY_VIEW_DEF. */
  alterView(db: string, def: ViewDef, schema?: ColumnDef[]): ViewState {
    return alterView(this.ctx, db, def, schema);
  }

  /** DROP VIEW [IF EXISTS] v → DROP_TABLE (isView). */
  dropView(db: string, name: string, opts: { ifExists?: boolean } = {}): void {
    dropTable(this.ctx, db, name, { ...opts, isView: true });
  }
}
