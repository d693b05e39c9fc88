// information_schema as Doris exposes it (SchemaTable): the tables clients and tools read —
// schemata, tables, columns, views — computed from the catalog on every query. Column
// names are Doris'; the syncer reads `table_name` from `tables` (PROTOCOL §5.1 row 24).
import { typeToSql } from '../model/column-sql.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { ColumnDef, ColumnType } from '../model/schema.js';
import { timeString } from '../model/show-format.js';
import type { DatabaseState, TableState } from '../model/state.js';
import { formatValue, type Value } from '../model/value.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { TableData } from '../sql/run-select.js';
import { TEXT } from './results.js';

export const INFORMATION_SCHEMA = 'information_schema';
/** Databases every Doris FE shows besides the user's (the `mysql` compatibility db is empty). */
export const SYSTEM_DATABASES = [INFORMATION_SCHEMA, 'mysql'];

const BIGINT: ColumnType = { name: 'BIGINT' };
const DATETIME: ColumnType = { name: 'DATETIME', scale: 0 };
const CATALOG = 'internal';

type Col = [string, ColumnType];

const SCHEMATA: Col[] = [
  ['CATALOG_NAME', TEXT], ['SCHEMA_NAME', TEXT], ['DEFAULT_CHARACTER_SET_NAME', TEXT], ['DEFAULT_COLLATION_NAME', TEXT],
  ['SQL_PATH', TEXT], ['DEFAULT_ENCRYPTION', TEXT],
];
const TABLES: Col[] = [
  ['TABLE_CATALOG', TEXT], ['TABLE_SCHEMA', TEXT], ['TABLE_NAME', TEXT], ['TABLE_TYPE', TEXT], ['ENGINE', TEXT],
  ['VERSION', BIGINT], ['ROW_FORMAT', TEXT], ['TABLE_ROWS', BIGINT], ['AVG_ROW_LENGTH', BIGINT], ['DATA_LENGTH', BIGINT],
  ['MAX_DATA_LENGTH', BIGINT], ['INDEX_LENGTH', BIGINT], ['DATA_FREE', BIGINT], ['AUTO_INCREMENT', BIGINT],
  ['CREATE_TIME', DATETIME], ['UPDATE_TIME', DATETIME], ['CHECK_TIME', DATETIME], ['TABLE_COLLATION', TEXT],
  ['CHECKSUM', BIGINT], ['CREATE_OPTIONS', TEXT], ['TABLE_COMMENT', TEXT],
];
const COLUMNS: Col[] = [
  ['TABLE_CATALOG', TEXT], ['TABLE_SCHEMA', TEXT], ['TABLE_NAME', TEXT], ['COLUMN_NAME', TEXT], ['ORDINAL_POSITION', BIGINT],
  ['COLUMN_DEFAULT', TEXT], ['IS_NULLABLE', TEXT], ['DATA_TYPE', TEXT], ['CHARACTER_MAXIMUM_LENGTH', BIGINT],
  ['CHARACTER_OCTET_LENGTH', BIGINT], ['NUMERIC_PRECISION', BIGINT], ['NUMERIC_SCALE', BIGINT], ['DATETIME_PRECISION', BIGINT],
  ['CHARACTER_SET_NAME', TEXT], ['COLLATION_NAME', TEXT], ['COLUMN_TYPE', TEXT], ['COLUMN_KEY', TEXT], ['EXTRA', TEXT],
  ['PRIVILEGES', TEXT], ['COLUMN_COMMENT', TEXT], ['COLUMN_SIZE', BIGINT], ['DECIMAL_DIGITS', BIGINT],
  ['GENERATION_EXPRESSION', TEXT], ['SRS_ID', BIGINT],
];
const VIEWS: Col[] = [
  ['TABLE_CATALOG', TEXT], ['TABLE_SCHEMA', TEXT], ['TABLE_NAME', TEXT], ['VIEW_DEFINITION', TEXT], ['CHECK_OPTION', TEXT],
  ['IS_UPDATABLE', TEXT], ['DEFINER', TEXT], ['SECURITY_TYPE', TEXT], ['CHARACTER_SET_CLIENT', TEXT],
  ['COLLATION_CONNECTION', TEXT],
];

const SCHEMA_TABLES: Record<string, Col[]> = { schemata: SCHEMATA, tables: TABLES, columns: COLUMNS, views: VIEWS };

interface DbTables {
  name: string;
  tables: { name: string; type: 'BASE TABLE' | 'VIEW' | 'SYSTEM VIEW'; table?: TableState | undefined }[];
}

function catalogTables(model: ClusterModel): DbTables[] {
  const out: DbTables[] = model.catalog.databases().map((db: DatabaseState) => ({
    name: db.name,
    tables: model.catalog.tables(db.name).map((t) => ({ name: t.name, type: t.kind === 'VIEW' ? 'VIEW' : 'BASE TABLE', table: t })),
  }));
  out.push({ name: INFORMATION_SCHEMA, tables: Object.keys(SCHEMA_TABLES).map((name) => ({ name, type: 'SYSTEM VIEW' })) });
  out.push({ name: 'mysql', tables: [] });
  return out;
}

function tableRow(db: string, t: DbTables['tables'][number]): Value[] {
  const olap = t.table?.kind === 'OLAP' ? t.table : undefined;
  const created = t.table === undefined ? null : timeString(t.table.createTimeMs);
  const engine = t.type === 'VIEW' ? 'VIEW' : t.type === 'SYSTEM VIEW' ? 'SYSTEM VIEW' : 'Doris';
  return [
    CATALOG, db, t.name, t.type, engine, 10n, null, 0n, 0n, 0n, null, null, null, null,
    created === 'NULL' ? null : created, olap ? timeString(olap.updateTimeMs) : null, null, 'utf-8', null, '',
    olap?.comment ?? (t.table?.kind === 'VIEW' ? t.table.def.comment : ''),
  ];
}

function dataType(t: ColumnType): string {
  return typeToSql(t).replace(/\(.*$/, '').replace(/<.*$/, '');
}

const KEY_LABEL = { DUP_KEYS: 'DUP', UNIQUE_KEYS: 'UNI', AGG_KEYS: 'AGG' } as const;

function columnRow(db: string, table: string, c: ColumnDef, position: number, keyLabel: string): Value[] {
  const t = c.type;
  const isChar = t.name === 'CHAR' || t.name === 'VARCHAR' || t.name === 'STRING';
  const charLength = isChar ? BigInt(t.name === 'STRING' ? 2147483643 : (t.length ?? 1)) : null;
  const numeric = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'LARGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(t.name);
  const precision: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19, LARGEINT: 39, FLOAT: 7, DOUBLE: 15 };
  const numPrecision = t.name === 'DECIMAL' ? (t.precision ?? 9) : precision[t.name];
  const scale = t.name === 'DECIMAL' ? (t.scale ?? 0) : numeric ? 0 : undefined;
  const dflt = c.defaultValue?.kind === 'literal' ? formatValue(c.defaultValue.value) : c.defaultValue ? 'CURRENT_TIMESTAMP' : null;
  return [
    CATALOG, db, table, c.name, BigInt(position), dflt, c.nullable ? 'YES' : 'NO', dataType(t), charLength,
    charLength === null ? null : charLength * 4n, numPrecision === undefined ? null : BigInt(numPrecision),
    scale === undefined ? null : BigInt(scale), t.name === 'DATETIME' ? BigInt(t.scale ?? 0) : null,
    isChar ? 'utf8mb4' : null, isChar ? 'utf8mb4_0900_bin' : null, typeToSql(t), c.isKey ? keyLabel : '',
    c.aggregate ?? '', 'SELECT', c.comment, numPrecision === undefined ? charLength : BigInt(numPrecision),
    scale === undefined ? null : BigInt(scale), null, null,
  ];
}

/** The rows of `information_schema.<name>` (lower-case name); throws "Unknown table" otherwise. */
export function informationSchemaTable(model: ClusterModel, name: string): TableData {
  const key = name.toLowerCase();
  const columns = SCHEMA_TABLES[key];
  if (columns === undefined) {
    throw dorisError(ErrNo.UNKNOWN, `Table [${name}] does not exist in database [${INFORMATION_SCHEMA}].`);
  }
  const all = catalogTables(model);
  let rows: Value[][] = [];
  switch (key) {
    case 'schemata':
      rows = all.map((d) => [CATALOG, d.name, 'utf8', 'utf8_general_ci', null, 'NO']);
      break;
    case 'tables':
      rows = all.flatMap((d) => d.tables.map((t) => tableRow(d.name, t)));
      break;
    case 'columns':
      for (const d of all) {
        for (const t of d.tables) {
          const cols: ColumnDef[] = t.table === undefined ? [] : t.table.kind === 'OLAP' ? t.table.columns : t.table.schema;
          const keyLabel = t.table?.kind === 'OLAP' ? KEY_LABEL[t.table.keysType] : '';
          cols.forEach((c, i) => rows.push(columnRow(d.name, t.name, c, i + 1, keyLabel)));
        }
      }
      break;
    case 'views':
      for (const d of all) {
        for (const t of d.tables) {
          if (t.table?.kind !== 'VIEW') continue;
          rows.push([CATALOG, d.name, t.name, t.table.def.query, 'NONE', 'NO', 'root@%', 'DEFINER', 'utf8mb4', 'utf8mb4_0900_bin']);
        }
      }
      break;
  }
  return { columns: columns.map(([n, type]) => ({ name: n, type })), rows };
}
