// SHOW statements about databases, tables and columns: SHOW DATABASES, SHOW [FULL] TABLES /
// VIEWS, SHOW TABLE STATUS, SHOW CREATE DATABASE/TABLE/VIEW, DESC, SHOW COLUMNS, SHOW INDEX
// and SHOW DATA, with Doris' column names (ShowTableStmt: `Tables_in_<db>`, `Table_type`).
import { typeToSql } from '../model/column-sql.js';
import type { ColumnDef } from '../model/schema.js';
import { byteString, timeString } from '../model/show-format.js';
import type { OlapTableState, TableState } from '../model/state.js';
import { formatValue } from '../model/value.js';
import type { QueryResult } from '../mysql/query-result.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { Statement, TableName } from '../sql/ast.js';
import { checkCatalog } from './catalog-resolver.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { INFORMATION_SCHEMA, informationSchemaTable, SYSTEM_DATABASES } from './information-schema.js';
import { applyShowFilter, showResult, textResult } from './results.js';

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isInformationSchema(db: string): boolean {
  return db.toLowerCase() === INFORMATION_SCHEMA;
}

/** Tables and views of a database; information_schema lists its system views. */
function tablesOf(ctx: ExecContext, db: string): { name: string; type: string; table?: TableState }[] {
  if (isInformationSchema(db)) return ['columns', 'schemata', 'tables', 'views'].map((name) => ({ name, type: 'SYSTEM VIEW' }));
  if (db.toLowerCase() === 'mysql') return [];
  return ctx.model.catalog.tables(db).map((t) => ({ name: t.name, type: t.kind === 'VIEW' ? 'VIEW' : 'BASE TABLE', table: t }));
}

function showDatabases(ctx: ExecContext, statement: Extract<Statement, { kind: 'showDatabases' }>): QueryResult {
  checkCatalog(statement.catalog);
  const names = [...ctx.model.catalog.databases().map((d) => d.name), ...SYSTEM_DATABASES].sort(byName);
  const result = applyShowFilter(ctx, { columns: ['Database'], rows: names.map((n) => [n]) }, statement.filter, { caseSensitive: true });
  return showResult(result);
}

function showTables(ctx: ExecContext, statement: Extract<Statement, { kind: 'showTables' | 'showViews' }>): QueryResult {
  const db = dbOf(ctx, statement.db);
  if (!SYSTEM_DATABASES.includes(db.toLowerCase()) && ctx.model.catalog.database(db) === undefined) {
    throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  }
  const tables = tablesOf(ctx, db)
    .filter((t) => statement.kind === 'showTables' || t.type === 'VIEW')
    .sort((a, b) => byName(a.name, b.name));
  const nameColumn = `Tables_in_${db}`;
  const columns = statement.full ? [nameColumn, 'Table_type'] : [nameColumn];
  const rows = tables.map((t) => (statement.full ? [t.name, t.type] : [t.name]));
  return showResult(applyShowFilter(ctx, { columns, rows }, statement.filter, { caseSensitive: true }));
}

const TABLE_STATUS_COLUMNS = [
  'Name', 'Engine', 'Version', 'Row_format', 'Rows', 'Avg_row_length', 'Data_length', 'Max_data_length', 'Index_length',
  'Data_free', 'Auto_increment', 'Create_time', 'Update_time', 'Check_time', 'Collation', 'Checksum', 'Create_options', 'Comment',
];

function olapStats(ctx: ExecContext, t: OlapTableState, indexId?: bigint): { bytes: number; rows: number; replicas: number } {
  let bytes = 0;
  let rows = 0;
  let replicas = 0;
  for (const p of t.partitions.values()) {
    if (p.isTemp) continue;
    for (const [idx, tablets] of p.tablets) {
      if (indexId !== undefined && idx !== indexId) continue;
      for (const id of tablets) {
        const tablet = ctx.model.state.tablets.get(id);
        for (const [i, r] of (tablet?.replicas ?? []).entries()) {
          replicas++;
          for (const rs of r.rowsets) {
            bytes += rs.dataSize;
            if (i === 0 && idx === (indexId ?? t.baseIndexId)) rows += rs.rows.length;
          }
        }
      }
    }
  }
  return { bytes, rows, replicas };
}

function showTableStatus(ctx: ExecContext, statement: Extract<Statement, { kind: 'showTableStatus' }>): QueryResult {
  const db = dbOf(ctx, statement.db);
  const rows = tablesOf(ctx, db)
    .sort((a, b) => byName(a.name, b.name))
    .map((t) => {
      const table = t.table;
      const olap = table?.kind === 'OLAP' ? table : undefined;
      const stats = olap ? olapStats(ctx, olap) : undefined;
      const created = table ? timeString(table.createTimeMs) : null;
      return [
        t.name, t.type === 'VIEW' ? 'View' : t.type === 'SYSTEM VIEW' ? 'SYSTEM VIEW' : 'Doris', null, null,
        String(stats?.rows ?? 0), '0', String(stats?.bytes ?? 0), null, null, null, null, created,
        olap ? timeString(olap.updateTimeMs) : null, null, 'utf-8', null, '',
        olap?.comment ?? (table?.kind === 'VIEW' ? table.def.comment : ''),
      ];
    });
  return showResult(applyShowFilter(ctx, { columns: TABLE_STATUS_COLUMNS, rows }, statement.filter, { caseSensitive: true }));
}

function tableDb(ctx: ExecContext, name: TableName): string {
  checkCatalog(name.catalog);
  return dbOf(ctx, name.db);
}

/** The columns of a table or view, or of an information_schema table. */
function columnsOf(ctx: ExecContext, db: string, name: string): { columns: ColumnDef[]; table?: TableState } {
  if (isInformationSchema(db)) {
    const data = informationSchemaTable(ctx.model, name);
    return { columns: data.columns.map((c) => ({ name: c.name, type: c.type, nullable: true, isKey: false, comment: '' })) };
  }
  if (ctx.model.catalog.database(db) === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  const table = ctx.model.catalog.table(db, name);
  if (table === undefined) throw dorisError(ErrNo.UNKNOWN, `Table [${name}] does not exist in database [${db}].`);
  return { columns: table.kind === 'OLAP' ? table.columns : table.schema, table };
}

function defaultText(c: ColumnDef): string | null {
  const d = c.defaultValue;
  if (d === undefined) return null;
  if (d.kind === 'current_timestamp') return 'CURRENT_TIMESTAMP';
  if (d.kind === 'current_date') return 'CURRENT_DATE';
  return formatValue(d.value);
}

function showColumns(ctx: ExecContext, statement: Extract<Statement, { kind: 'showColumns' }>): QueryResult {
  const db = tableDb(ctx, statement.table);
  const { columns } = columnsOf(ctx, db, statement.table.name);
  const names = statement.full
    ? ['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Extra', 'Privileges', 'Comment']
    : ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'];
  const rows = columns.map((c) => {
    const base = [c.name, typeToSql(c.type), c.nullable ? 'YES' : 'NO', c.isKey ? 'YES' : 'NO', defaultText(c), c.aggregate ?? ''];
    if (!statement.full) return base;
    const [field, type, nul, key, dflt, extra] = base;
    return [field ?? null, type ?? null, null, nul ?? null, key ?? null, dflt ?? null, extra ?? null, 'select,insert,update,references', c.comment];
  });
  return showResult(applyShowFilter(ctx, { columns: names, rows }, statement.filter, { caseSensitive: false }));
}

function showIndex(ctx: ExecContext, statement: Extract<Statement, { kind: 'showIndex' }>): QueryResult {
  const db = tableDb(ctx, statement.table);
  const { table } = columnsOf(ctx, db, statement.table.name);
  const columns = [
    'Table', 'Non_unique', 'Key_name', 'Seq_in_index', 'Column_name', 'Collation', 'Cardinality', 'Sub_part', 'Packed', 'Null',
    'Index_type', 'Comment', 'Properties',
  ];
  const rows = table?.kind === 'OLAP'
    ? table.indexDefs.map((i) => {
        const props = Object.entries(i.properties ?? {}).map(([k, v]) => `"${k}" = "${v}"`).join(', ');
        return [table.name, '', i.name, '', i.columns.join(','), '', '', '', '', '', i.indexType, i.comment, props === '' ? '' : `(${props})`];
      })
    : [];
  return textResult(columns, rows);
}

function describe(ctx: ExecContext, statement: Extract<Statement, { kind: 'describe' }>): QueryResult {
  const db = tableDb(ctx, statement.table);
  if (isInformationSchema(db)) {
    const { columns } = columnsOf(ctx, db, statement.table.name);
    const rows = columns.map((c) => [c.name, typeToSql(c.type), 'Yes', 'false', null, '']);
    return textResult(['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'], rows);
  }
  return showResult(ctx.model.show.desc(db, statement.table.name, statement.all));
}

function showCreateTable(ctx: ExecContext, name: TableName, viewOnly: boolean): QueryResult {
  const db = tableDb(ctx, name);
  return showResult(viewOnly ? ctx.model.show.createView(db, name.name) : ctx.model.show.createTable(db, name.name));
}

function showCreateDatabase(ctx: ExecContext, db: string): QueryResult {
  if (SYSTEM_DATABASES.includes(db.toLowerCase())) return textResult(['Database', 'Create Database'], [[db, `CREATE DATABASE \`${db}\``]]);
  return showResult(ctx.model.show.createDatabase(db));
}

function showData(ctx: ExecContext, statement: Extract<Statement, { kind: 'showData' }>): QueryResult {
  const db = statement.table ? tableDb(ctx, statement.table) : dbOf(ctx, undefined);
  const dbState = ctx.model.catalog.database(db);
  if (dbState === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  if (statement.table === undefined) {
    const rows: string[][] = [];
    let bytes = 0;
    let replicas = 0;
    for (const t of ctx.model.catalog.tables(db).sort((a, b) => byName(a.name, b.name))) {
      if (t.kind !== 'OLAP') continue;
      const s = olapStats(ctx, t);
      bytes += s.bytes;
      replicas += s.replicas;
      rows.push([t.name, byteString(s.bytes), String(s.replicas), byteString(0)]);
    }
    rows.push(['Total', byteString(bytes), String(replicas), byteString(0)]);
    rows.push(['Quota', '1024.000 TB', '1073741824', '']);
    rows.push(['Left', '1024.000 TB', String(1073741824 - replicas), '']);
    return textResult(['TableName', 'Size', 'ReplicaCount', 'RemoteSize'], rows);
  }
  const table = ctx.model.catalog.table(db, statement.table.name);
  if (table === undefined) throw dorisError(ErrNo.UNKNOWN, `Table [${statement.table.name}] does not exist in database [${db}].`);
  if (table.kind !== 'OLAP') throw dorisError(ErrNo.UNKNOWN, `Table '${table.name}' is not OLAP table`);
  const indexes = [...table.indexes.values()].filter((i) => i.state === 'NORMAL').sort((a, b) => byName(a.name, b.name));
  const rows: string[][] = [];
  let bytes = 0;
  let replicas = 0;
  indexes.forEach((index, i) => {
    const s = olapStats(ctx, table, index.id);
    bytes += s.bytes;
    replicas += s.replicas;
    rows.push([i === 0 ? table.name : '', index.name, byteString(s.bytes), String(s.replicas), String(s.rows), byteString(0)]);
  });
  rows.push(['', 'Total', byteString(bytes), String(replicas), '', byteString(0)]);
  return textResult(['TableName', 'IndexName', 'Size', 'ReplicaCount', 'RowCount', 'RemoteSize'], rows);
}

/** SHOW statements about databases, tables and columns. */
export const showCatalogHandlers = {
  showDatabases,
  showTables,
  showViews: showTables,
  showTableStatus,
  showCreateDatabase: (ctx, s) => showCreateDatabase(ctx, s.db),
  showCreateTable: (ctx, s) => showCreateTable(ctx, s.table, false),
  showCreateView: (ctx, s) => showCreateTable(ctx, s.view, true),
  showColumns,
  showIndex,
  describe,
  showData,
} satisfies Partial<StatementHandlers>;
