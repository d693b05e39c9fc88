// SHOW CREATE TABLE/VIEW/DATABASE result sets, SHOW TRANSACTION, SHOW ALTER TABLE
// COLUMN/ROLLUP, DESC [ALL] and ADMIN SHOW FRONTEND CONFIG.
import { notObject, requireDb, requireTable, visibleIndexes } from './catalog.js';
import { typeToSql } from './column-sql.js';
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import { primitiveTypeName } from './partition-key.js';
import type { ColumnType } from './schema.js';
import { likeMatcher, timeString, type ShowResult } from './show-format.js';
import { showCreateDatabase, showCreateOlapTable, showCreateView } from './show-create.js';
import type { ColumnMeta, IndexState, OlapTableState, TxnState } from './state.js';
import { formatValue } from './value.js';

const TXN_COLUMNS = [
  'TransactionId', 'Label', 'Coordinator', 'TransactionStatus', 'LoadJobSourceType', 'PrepareTime', 'PreCommitTime',
  'CommitTime', 'PublishTime', 'FinishTime', 'Reason', 'ErrorReplicasCount', 'ListenerId', 'TimeoutMs', 'ErrMsg',
];
const ALTER_COLUMN_COLUMNS = [
  'JobId', 'TableName', 'CreateTime', 'FinishTime', 'IndexName', 'IndexId', 'OriginIndexId', 'SchemaVersion',
  'TransactionId', 'State', 'Msg', 'Progress', 'Timeout',
];
const ALTER_ROLLUP_COLUMNS = [
  'JobId', 'TableName', 'CreateTime', 'FinishTime', 'BaseIndexName', 'RollupIndexName', 'RollupId', 'TransactionId',
  'State', 'Msg', 'Progress', 'Timeout',
];
const KEYS_TYPE_NAME: Record<OlapTableState['keysType'], string> = {
  DUP_KEYS: 'DUP_KEYS',
  UNIQUE_KEYS: 'UNIQUE_KEYS',
  AGG_KEYS: 'AGG_KEYS',
};

/** The type as Doris prints it in DESC ALL's InternalType column. */
function internalType(t: ColumnType): string {
  const name = primitiveTypeName(t);
  switch (t.name) {
    case 'CHAR':
    case 'VARCHAR':
      return `${name}(${t.length ?? (t.name === 'CHAR' ? 1 : 65533)})`;
    case 'DECIMAL':
      return `DECIMALV3(${t.precision ?? 9}, ${t.scale ?? 0})`;
    case 'DATETIME':
      return `DATETIMEV2(${t.scale ?? 0})`;
    case 'STRING':
      return 'TEXT';
    case 'DATE':
      return name;
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'LARGEINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'JSON':
    case 'VARIANT':
    case 'HLL':
    case 'BITMAP':
    case 'QUANTILE_STATE':
    case 'IPV4':
    case 'IPV6':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return typeToSql(t).toUpperCase();
  }
}

function defaultText(c: ColumnMeta): string | null {
  const d = c.defaultValue;
  if (!d) return null;
  if (d.kind === 'current_timestamp') return 'CURRENT_TIMESTAMP';
  if (d.kind === 'current_date') return 'CURRENT_DATE';
  return formatValue(d.value);
}

function transactionValues(t: TxnState): string[] {
  return [
    t.id.toString(), t.label, t.coordinator, t.status, t.sourceType, timeString(t.prepareTimeMs), 'NULL',
    timeString(t.commitTimeMs), timeString(t.publishTimeMs), timeString(t.finishTimeMs), t.reason,
    String(t.errorReplicas), '-1', String(t.timeoutMs), '',
  ];
}

export class MiscShow {
  constructor(private readonly ctx: ModelContext) {}

  /** SHOW CREATE TABLE: Table / Create Table (views: the SHOW CREATE VIEW columns). */
  createTable(dbName: string, tableName: string): ShowResult {
    const t = requireTable(requireDb(this.ctx.state, dbName), tableName);
    if (t.kind === 'VIEW') {
      return {
        columns: ['View', 'Create View', 'character_set_client', 'collation_connection'],
        rows: [[t.name, showCreateView(t), 'utf8mb4', 'utf8mb4_0900_bin']],
      };
    }
    return { columns: ['Table', 'Create Table'], rows: [[t.name, showCreateOlapTable(t)]] };
  }

  /** SHOW CREATE VIEW: only for views ("'db.t' is not VIEW"). */
  createView(dbName: string, viewName: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    const t = requireTable(db, viewName);
    if (t.kind !== 'VIEW') throw notObject(db, viewName, 'VIEW');
    return this.createTable(dbName, viewName);
  }

  /** SHOW CREATE DATABASE: Database / Create Database. */
  createDatabase(dbName: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    return { columns: ['Database', 'Create Database'], rows: [[db.name, showCreateDatabase(db)]] };
  }

  /** SHOW TRANSACTION [FROM db] WHERE id = N. */
  transaction(dbName: string, txnId: bigint): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    const t = this.ctx.state.txns.get(txnId);
    if (!t || t.dbId !== db.id) throw ddlError(`transaction with id ${txnId} does not exist`);
    return this.transactionRow(t);
  }

  /** SHOW TRANSACTION [FROM db] WHERE label = 'l': the newest transaction with that label. */
  transactionByLabel(dbName: string, label: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    let found: TxnState | undefined;
    for (const t of this.ctx.state.txns.values()) if (t.dbId === db.id && t.label === label && (!found || t.id > found.id)) found = t;
    if (!found) throw ddlError(`transaction with label ${label} does not exist`);
    return this.transactionRow(found);
  }

  /** SHOW TRANSACTION [FROM db] WHERE status = 'x': every transaction of the database in that state, by id. */
  transactionsByStatus(dbName: string, status: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    const rows = [...this.ctx.state.txns.values()]
      .filter((t) => t.dbId === db.id && t.status === status)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(transactionValues);
    return { columns: TXN_COLUMNS, rows };
  }

  private transactionRow(t: TxnState): ShowResult {
    return { columns: TXN_COLUMNS, rows: [transactionValues(t)] };
  }

  /** SHOW ALTER TABLE COLUMN [FROM db]: one row per shadow index of each schema change job. */
  alterColumnJobs(dbName: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    const rows: (string | null)[][] = [];
    for (const j of this.ctx.state.alterJobs.values()) {
      if (j.dbId !== db.id || j.type !== 'SCHEMA_CHANGE') continue;
      for (const s of j.shadowIndexes) {
        const table = db.tables.get(j.tableId);
        const idx = table?.kind === 'OLAP' ? table.indexes.get(s.shadowId) : undefined;
        rows.push([
          j.jobId.toString(), j.tableName, timeString(j.createTimeMs), timeString(j.finishTimeMs), s.name, s.shadowId.toString(),
          s.originId.toString(), idx ? `${idx.schemaVersion}:${idx.schemaHash}` : 'N/A',
          j.watershedTxnId < 0n ? '-1' : j.watershedTxnId.toString(), j.state, j.errMsg, 'N/A', String(j.timeoutMs / 1000),
        ]);
      }
    }
    return { columns: ALTER_COLUMN_COLUMNS, rows };
  }

  /** SHOW ALTER TABLE ROLLUP [FROM db]. */
  alterRollupJobs(dbName: string): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    const rows = [...this.ctx.state.alterJobs.values()]
      .filter((j) => j.dbId === db.id && j.type === 'ROLLUP')
      .map((j) => [
        j.jobId.toString(), j.tableName, timeString(j.createTimeMs), timeString(j.finishTimeMs), j.baseIndexName,
        j.rollupIndexName, j.rollupIndexId.toString(), j.watershedTxnId < 0n ? '-1' : j.watershedTxnId.toString(), j.state,
        j.errMsg, 'N/A', String(j.timeoutMs / 1000),
      ]);
    return { columns: ALTER_ROLLUP_COLUMNS, rows };
  }

  /** DESC t (base schema) and DESC t ALL (every visible index). */
  desc(dbName: string, tableName: string, all = false): ShowResult {
    const t = requireTable(requireDb(this.ctx.state, dbName), tableName);
    const extra = (table: OlapTableState | undefined, c: ColumnMeta): string =>
      table?.keysType === 'AGG_KEYS' && !c.isKey ? (c.aggregate ?? '') : '';
    if (!all || t.kind !== 'OLAP') {
      const cols: ColumnMeta[] = t.kind === 'OLAP' ? t.columns : t.schema.map((c, i) => ({ ...c, uniqueId: i }));
      return {
        columns: ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'],
        rows: cols.map((c) => [
          c.name, typeToSql(c.type), c.nullable ? 'Yes' : 'No', String(c.isKey), defaultText(c),
          extra(t.kind === 'OLAP' ? t : undefined, c),
        ]),
      };
    }
    const rows: (string | null)[][] = [];
    visibleIndexes(t).forEach((idx: IndexState) => {
      idx.columns.forEach((c, i) => {
        rows.push([
          i === 0 ? idx.name : '', i === 0 ? KEYS_TYPE_NAME[idx.keysType] : '', c.name, typeToSql(c.type), internalType(c.type),
          c.nullable ? 'Yes' : 'No', String(c.isKey), defaultText(c), extra(t, c), 'true', '', '',
        ]);
      });
    });
    return {
      columns: ['IndexName', 'IndexKeysType', 'Field', 'Type', 'InternalType', 'Null', 'Key', 'Default', 'Extra', 'Visible', 'DefineExpr', 'WhereClause'],
      rows,
    };
  }

  /** ADMIN SHOW FRONTEND CONFIG [LIKE 'pattern']. */
  frontendConfig(like?: string): ShowResult {
    const match = likeMatcher(like);
    const rows = [...this.ctx.state.feConfig]
      .filter(([k]) => match(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, e]) => [k, e.value, e.type, String(e.mutable), String(e.masterOnly), e.comment]);
    return { columns: ['Key', 'Value', 'Type', 'IsMutable', 'MasterOnly', 'Comment'], rows };
  }
}
