// DDL other than ALTER TABLE: databases, CREATE TABLE [LIKE], DROP/TRUNCATE/RECOVER, views and
// CANCEL ALTER TABLE, each mapped onto the model's DDL service (which logs the binlogs).
import type { ColumnDef } from '../model/schema.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { Query, Span, TableName } from '../sql/ast.js';
import { runSelect } from '../sql/run-select.js';
import { qualifyTableNames } from '../sql/view-text.js';
import { addIndex, dropIndex } from './alter-table.js';
import { checkCatalog } from './catalog-resolver.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { okResult } from './results.js';

function tableDb(ctx: ExecContext, name: TableName): string {
  checkCatalog(name.catalog);
  return dbOf(ctx, name.db);
}

/** A view's output schema, found by running its query as Doris analyses it at CREATE VIEW. */
function viewSchema(ctx: ExecContext, db: string, query: Query, columns: { name: string; comment: string }[] | undefined): ColumnDef[] {
  const result = runSelect(query, ctx.resolver, ctx.session, { now: ctx.now, defaultDb: db });
  if (columns !== undefined && columns.length !== result.columns.length) {
    throw dorisError(ErrNo.UNKNOWN, 'The number of columns of the view does not match the number of columns in its query');
  }
  const seen = new Set<string>();
  return result.columns.map((c, i) => {
    const name = columns?.[i]?.name ?? c.name;
    if (seen.has(name.toLowerCase())) throw dorisError(ErrNo.DUP_FIELDNAME, `Duplicate column name '${name}'`);
    seen.add(name.toLowerCase());
    return { name, type: c.type, nullable: true, isKey: false, comment: columns?.[i]?.comment ?? '' };
  });
}

function viewDefinition(
  ctx: ExecContext,
  db: string,
  name: string,
  v: { query: Query; queryText: string; querySpan: Span; columns?: { name: string; comment: string }[] | undefined },
  comment: string,
): { def: { name: string; columns?: { name: string; comment: string }[] | undefined; query: string; comment: string }; schema: ColumnDef[] } {
  const schema = viewSchema(ctx, db, v.query, v.columns);
  return { def: { name, columns: v.columns, query: qualifyTableNames(v, db), comment }, schema };
}

/** DDL other than ALTER TABLE. */
export const ddlHandlers = {
  createDatabase: (ctx, s) => {
    ctx.model.ddl.createDatabase(s.db, { ifNotExists: s.ifNotExists, properties: s.properties });
    return okResult();
  },
  dropDatabase: (ctx, s) => {
    // Like Doris' FE (and unlike MySQL) the session keeps a dropped current database's name.
    ctx.model.ddl.dropDatabase(s.db, { ifExists: s.ifExists });
    return okResult();
  },
  alterDatabaseProperties: (ctx, s) => {
    ctx.model.ddl.alterDatabaseProperties(s.db, s.properties);
    return okResult();
  },
  alterDatabaseRename: (ctx, s) => {
    ctx.model.ddl.renameDatabase(s.db, s.newName);
    return okResult();
  },
  createTable: (ctx, s) => {
    ctx.model.ddl.createTable(tableDb(ctx, s.table), { ...s.def, name: s.table.name }, { ifNotExists: s.ifNotExists });
    return okResult();
  },
  createTableLike: (ctx, s) => {
    const withRollups = s.withRollup === 'ALL' ? true : s.withRollup;
    ctx.model.ddl.createTableLike(tableDb(ctx, s.table), s.table.name, tableDb(ctx, s.like), s.like.name, { ifNotExists: s.ifNotExists, withRollups });
    return okResult();
  },
  dropTable: (ctx, s) => {
    ctx.model.ddl.dropTable(tableDb(ctx, s.table), s.table.name, { ifExists: s.ifExists, force: s.force });
    return okResult();
  },
  truncateTable: (ctx, s) => {
    const spec = s.partitions;
    if (spec?.names === '*' || spec?.temporary === true) {
      throw dorisError(ErrNo.NOT_SUPPORTED, 'TRUNCATE TABLE supports only formal partitions listed by name');
    }
    ctx.model.ddl.truncateTable(tableDb(ctx, s.table), s.table.name, spec?.names);
    return okResult();
  },
  recoverTable: (ctx, s) => {
    ctx.model.ddl.recoverTable(tableDb(ctx, s.table), s.table.name, s.alias, s.id);
    return okResult();
  },
  recoverPartition: (ctx, s) => {
    ctx.model.ddl.recoverPartition(tableDb(ctx, s.table), s.table.name, s.partition, s.alias);
    return okResult();
  },
  recoverDatabase: (_ctx, s) => {
    // The simulator keeps no database recycle bin: a dropped database is gone.
    throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${s.db}'`);
  },
  createView: (ctx, s) => {
    const db = tableDb(ctx, s.view);
    const { def, schema } = viewDefinition(ctx, db, s.view.name, s, s.comment);
    ctx.model.ddl.createView(db, def, { ifNotExists: s.ifNotExists, orReplace: s.orReplace, schema });
    return okResult();
  },
  alterView: (ctx, s) => {
    const db = tableDb(ctx, s.view);
    const existing = ctx.model.catalog.table(db, s.view.name);
    const comment = existing?.kind === 'VIEW' ? existing.def.comment : '';
    const { def, schema } = viewDefinition(ctx, db, s.view.name, s, comment);
    ctx.model.ddl.alterView(db, def, schema);
    return okResult();
  },
  dropView: (ctx, s) => {
    ctx.model.ddl.dropView(tableDb(ctx, s.view), s.view.name, { ifExists: s.ifExists });
    return okResult();
  },
  cancelAlterTable: (ctx, s) => {
    if (s.type === 'MATERIALIZED VIEW') throw dorisError(ErrNo.NOT_SUPPORTED, 'materialized views are not supported by the simulator');
    ctx.model.alter.cancel(tableDb(ctx, s.table), s.table.name, s.type === 'COLUMN' ? 'SCHEMA_CHANGE' : 'ROLLUP');
    return okResult();
  },
  // CREATE INDEX … ON t / DROP INDEX … ON t: ALTER TABLE t ADD/DROP INDEX (inverted indexes only).
  createIndex: (ctx, s) => {
    checkCatalog(s.table.catalog);
    addIndex(ctx, tableDb(ctx, s.table), s.table.name, s.index, s.ifNotExists);
    return okResult();
  },
  dropIndex: (ctx, s) => {
    checkCatalog(s.table.catalog);
    dropIndex(ctx, tableDb(ctx, s.table), s.table.name, s.name, s.ifExists);
    return okResult();
  },
} satisfies Partial<StatementHandlers>;
