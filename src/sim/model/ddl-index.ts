// Inverted index DDL: CREATE INDEX … USING INVERTED, ALTER TABLE ADD INDEX / DROP INDEX, DROP
// INDEX … ON. Doris 2.1 applies an inverted index change as a light index change
// (SchemaChangeHandler: lightIndexChange → modifyTableLightSchemaChange): the table's index list
// changes at once, no alter job runs, and MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES
// (TableAddOrDropInvertedIndicesInfo) is logged. Rowsets written before an ADD INDEX are indexed
// only by BUILD INDEX, which the model does not have; indexes never change what a scan returns.
import { BinlogType } from '../../doris/types.js';
import { tableAddOrDropInvertedIndicesInfo } from './binlog-records.js';
import { requireDb, requireOlapTable } from './catalog.js';
import { columnGson } from './column-sql.js';
import type { ModelContext } from './context.js';
import { requireNormalState } from './ddl-table.js';
import { ddlError } from './errors.js';
import { allocateId } from './ids.js';
import { logOperation } from './journal.js';
import type { IndexDef } from './schema.js';
import type { OlapTableState } from './state.js';

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** IndexDef.toSql(): `INDEX name (\`c\`) USING INVERTED [PROPERTIES(…)] COMMENT '…'`, as SHOW CREATE TABLE prints it. */
export function indexSql(i: IndexDef): string {
  const cols = i.columns.map((c) => `\`${c}\``).join(', ');
  const props = i.properties && Object.keys(i.properties).length > 0
    ? ` PROPERTIES(${Object.entries(i.properties).map(([k, v]) => `"${k}" = "${v}"`).join(', ')})`
    : '';
  return `INDEX ${i.name} (${cols}) USING ${i.indexType}${props} COMMENT '${i.comment}'`;
}

/** Index (catalog/Index.java) as Gson writes it; `indexId` -1 as for indexes of older FEs. */
function indexGson(i: IndexDef): Record<string, unknown> {
  return { indexId: -1, indexName: i.name, columns: i.columns, indexType: i.indexType.toUpperCase(), properties: i.properties ?? {}, comment: i.comment };
}

function logIndexChange(ctx: ModelContext, dbId: bigint, table: OlapTableState, changed: IndexDef, isDrop: boolean, rawSql: string): void {
  const unique = table.keysType === 'UNIQUE_KEYS';
  const jobId = allocateId(ctx.state);
  logOperation(ctx, {
    type: BinlogType.MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES,
    dbId,
    tableIds: [table.id],
    data: () =>
      tableAddOrDropInvertedIndicesInfo({
        dbId,
        tableId: table.id,
        indexSchemaMap: new Map([...table.indexes.values()].filter((i) => i.state === 'NORMAL').map((i) => [i.id, i.columns.map((c) => columnGson(c, unique))])),
        indexes: table.indexDefs.map(indexGson),
        alterInvertedIndexes: [indexGson(changed)],
        isDropInvertedIndex: isDrop,
        jobId,
        rawSql,
      }),
  });
}

/** Adds an INVERTED index (processAddIndex checks); false when IF NOT EXISTS found it. */
export function addInvertedIndex(ctx: ModelContext, dbName: string, tableName: string, index: IndexDef, opts: { ifNotExists?: boolean | undefined } = {}): boolean {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  const cols = new Set(index.columns.map((c) => c.toLowerCase()));
  for (const existing of table.indexDefs) {
    if (sameName(existing.name, index.name)) {
      if (opts.ifNotExists) return false;
      throw ddlError(`index \`${index.name}\` already exist.`);
    }
    const have = new Set(existing.columns.map((c) => c.toLowerCase()));
    if (have.size === cols.size && [...cols].every((c) => have.has(c))) throw ddlError(`index for columns (${index.columns.join(',')} ) already exist.`);
  }
  for (const c of index.columns) {
    if (!table.columns.some((col) => sameName(col.name, c))) throw ddlError(`BITMAP column does not exist in table. invalid column: ${c}`);
  }
  const added: IndexDef = { ...index, indexType: index.indexType.toUpperCase() };
  table.indexDefs.push(added);
  logIndexChange(ctx, db.id, table, added, false, `ALTER TABLE \`${db.name}\`.\`${table.name}\` ADD ${indexSql(added)}`);
  return true;
}

/** Drops an index by name (processDropIndex checks); false when IF EXISTS did not find it. */
export function dropInvertedIndex(ctx: ModelContext, dbName: string, tableName: string, name: string, opts: { ifExists?: boolean | undefined } = {}): boolean {
  const db = requireDb(ctx.state, dbName);
  const table = requireOlapTable(db, tableName);
  requireNormalState(table);
  const found = table.indexDefs.find((i) => sameName(i.name, name));
  if (!found) {
    if (opts.ifExists) return false;
    throw ddlError(`index ${name} does not exist`);
  }
  table.indexDefs = table.indexDefs.filter((i) => i !== found);
  logIndexChange(ctx, db.id, table, found, true, `ALTER TABLE \`${db.name}\`.\`${table.name}\` DROP INDEX \`${found.name}\``);
  return true;
}

/** The index type of an existing index, to tell inverted indexes from the others. */
export function indexTypeOf(table: OlapTableState, name: string): string | undefined {
  return table.indexDefs.find((i) => sameName(i.name, name))?.indexType.toUpperCase();
}
