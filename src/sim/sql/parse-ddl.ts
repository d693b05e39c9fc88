// DDL other than CREATE/ALTER TABLE: databases, views, DROP/TRUNCATE/RECOVER, indexes,
// BACKUP/RESTORE and the CANCEL statements.
import type { BackupTableRef, Statement, TableName } from './ast.js';
import { parseAlterTableRest } from './parse-alter.js';
import { parseCreateTableRest } from './parse-create-table.js';
import { parsePartitionSpec, parseQuery } from './parse-query.js';
import { parseIndexOptions } from './parse-table-parts.js';
import type { TokenCursor } from './token-cursor.js';

function plainTableName(p: TokenCursor): TableName {
  const { span: _span, ...name } = p.tableName();
  return name;
}

function viewColumns(p: TokenCursor): { name: string; comment: string }[] | undefined {
  if (!p.acceptOp('(')) return undefined;
  const columns: { name: string; comment: string }[] = [];
  do {
    const name = p.identifier();
    columns.push({ name, comment: p.acceptWords('COMMENT') ? p.stringLiteral() : '' });
  } while (p.acceptOp(','));
  p.expectOp(')');
  return columns;
}

/** The view's defining query and its text exactly as written (up to the end of the statement). */
function viewQuery(p: TokenCursor): { query: ReturnType<typeof parseQuery>; queryText: string; querySpan: { start: number; end: number } } {
  const start = p.peek().start;
  const query = parseQuery(p);
  const querySpan = p.spanFrom(start);
  return { query, queryText: p.sql.slice(querySpan.start, querySpan.end), querySpan };
}

/** After `CREATE`. */
export function parseCreate(p: TokenCursor): Statement {
  if (p.acceptOneOf('DATABASE', 'SCHEMA') !== undefined) {
    const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
    const parts = p.multipartName();
    return { kind: 'createDatabase', ifNotExists, db: parts[parts.length - 1] as string, properties: p.optionalProperties() };
  }
  const orReplace = p.acceptWords('OR', 'REPLACE');
  if (p.acceptWords('VIEW')) {
    const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
    const view = plainTableName(p);
    const columns = viewColumns(p);
    const comment = p.acceptWords('COMMENT') ? p.stringLiteral() : '';
    p.expectWords('AS');
    return { kind: 'createView', orReplace, ifNotExists, view, columns, comment, ...viewQuery(p) };
  }
  if (orReplace) throw p.error('VIEW');
  p.acceptOneOf('EXTERNAL', 'TEMPORARY');
  if (p.acceptWords('TABLE')) return parseCreateTableRest(p);
  if (p.acceptWords('INDEX')) return parseCreateIndex(p);
  return { kind: 'unsupported', what: `CREATE ${p.peek().upper}` };
}

/** `CREATE INDEX [IF NOT EXISTS] name ON t (cols) [USING …] [PROPERTIES …] [COMMENT …]` after INDEX. */
function parseCreateIndex(p: TokenCursor): Statement {
  const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
  const name = p.identifier();
  p.expectWords('ON');
  const table = plainTableName(p);
  return { kind: 'createIndex', ifNotExists, table, index: parseIndexOptions(p, name) };
}

/** After `DROP`. */
export function parseDrop(p: TokenCursor): Statement {
  if (p.acceptOneOf('DATABASE', 'SCHEMA') !== undefined) {
    const ifExists = p.acceptWords('IF', 'EXISTS');
    const parts = p.multipartName();
    return { kind: 'dropDatabase', ifExists, db: parts[parts.length - 1] as string, force: p.acceptWords('FORCE') };
  }
  if (p.acceptWords('TABLE')) {
    const ifExists = p.acceptWords('IF', 'EXISTS');
    const table = plainTableName(p);
    return { kind: 'dropTable', ifExists, table, force: p.acceptWords('FORCE') };
  }
  if (p.acceptWords('VIEW')) {
    const ifExists = p.acceptWords('IF', 'EXISTS');
    return { kind: 'dropView', ifExists, view: plainTableName(p) };
  }
  if (p.acceptWords('INDEX')) {
    const ifExists = p.acceptWords('IF', 'EXISTS');
    const name = p.identifier();
    p.expectWords('ON');
    return { kind: 'dropIndex', ifExists, name, table: plainTableName(p) };
  }
  return { kind: 'unsupported', what: `DROP ${p.peek().upper}` };
}

/** After `ALTER`. */
export function parseAlter(p: TokenCursor): Statement {
  if (p.acceptWords('TABLE')) return parseAlterTableRest(p);
  if (p.acceptWords('DATABASE')) {
    const db = p.identifier();
    if (p.acceptWords('SET', 'PROPERTIES')) return { kind: 'alterDatabaseProperties', db, properties: p.propertyList() };
    if (p.acceptWords('RENAME')) return { kind: 'alterDatabaseRename', db, newName: p.identifier() };
    return { kind: 'unsupported', what: 'ALTER DATABASE … SET QUOTA' };
  }
  if (p.acceptWords('VIEW')) {
    const view = plainTableName(p);
    if (p.isWords('MODIFY', 'COMMENT')) return { kind: 'unsupported', what: 'ALTER VIEW … MODIFY COMMENT' };
    const columns = viewColumns(p);
    p.expectWords('AS');
    return { kind: 'alterView', view, columns, ...viewQuery(p) };
  }
  return { kind: 'unsupported', what: `ALTER ${p.peek().upper}` };
}

/** After `TRUNCATE`. */
export function parseTruncate(p: TokenCursor): Statement {
  p.expectWords('TABLE');
  const table = plainTableName(p);
  const partitions = parsePartitionSpec(p);
  return { kind: 'truncateTable', table, partitions, force: p.acceptWords('FORCE') };
}

function optionalId(p: TokenCursor): bigint | undefined {
  return p.peek().type === 'number' ? p.integerLiteral() : undefined;
}

/** After `RECOVER`. */
export function parseRecover(p: TokenCursor): Statement {
  if (p.acceptWords('DATABASE')) {
    const db = p.identifier();
    const id = optionalId(p);
    return { kind: 'recoverDatabase', db, id, alias: p.acceptWords('AS') ? p.identifier() : undefined };
  }
  if (p.acceptWords('TABLE')) {
    const table = plainTableName(p);
    const id = optionalId(p);
    return { kind: 'recoverTable', table, id, alias: p.acceptWords('AS') ? p.identifier() : undefined };
  }
  p.expectWords('PARTITION');
  const partition = p.identifier();
  const id = optionalId(p);
  const alias = p.acceptWords('AS') ? p.identifier() : undefined;
  p.expectWords('FROM');
  return { kind: 'recoverPartition', partition, id, alias, table: plainTableName(p) };
}

function parseBackupTableRefs(p: TokenCursor): BackupTableRef[] {
  p.expectOp('(');
  const refs: BackupTableRef[] = [];
  do {
    const name = plainTableName(p);
    const partitions = parsePartitionSpec(p);
    let alias: string | undefined;
    if (p.acceptWords('AS')) alias = p.identifier();
    else if (p.isIdentifier()) alias = p.identifier();
    refs.push({ name, partitions, alias });
  } while (p.acceptOp(','));
  p.expectOp(')');
  return refs;
}

/** After `BACKUP` or `RESTORE`. */
export function parseBackupOrRestore(p: TokenCursor, kind: 'backup' | 'restore'): Statement {
  p.expectWords('SNAPSHOT');
  const parts = p.multipartName();
  if (parts.length > 2) throw p.error('[db.]label');
  const label = parts[parts.length - 1] as string;
  const db = parts.length === 2 ? parts[0] : undefined;
  p.expectWords(kind === 'backup' ? 'TO' : 'FROM');
  const repo = p.identifier();
  const mode = p.acceptOneOf('ON', 'EXCLUDE');
  const tables = mode === undefined ? [] : parseBackupTableRefs(p);
  return { kind, db, label, repo, mode, tables, properties: p.optionalProperties() };
}

/** After `CANCEL`. */
export function parseCancel(p: TokenCursor): Statement {
  const what = p.acceptOneOf('BACKUP', 'RESTORE');
  if (what !== undefined) {
    const db = p.acceptOneOf('FROM', 'IN') !== undefined ? p.identifier() : undefined;
    return { kind: what === 'BACKUP' ? 'cancelBackup' : 'cancelRestore', db };
  }
  if (p.acceptWords('ALTER', 'TABLE')) {
    let type: 'COLUMN' | 'ROLLUP' | 'MATERIALIZED VIEW';
    if (p.acceptWords('MATERIALIZED', 'VIEW')) type = 'MATERIALIZED VIEW';
    else {
      const t = p.acceptOneOf('COLUMN', 'ROLLUP');
      if (t === undefined) throw p.error('COLUMN, ROLLUP or MATERIALIZED VIEW');
      type = t;
    }
    p.expectWords('FROM');
    const table = plainTableName(p);
    const jobIds: bigint[] = [];
    if (p.acceptOp('(')) {
      do jobIds.push(p.integerLiteral());
      while (p.acceptOp(','));
      p.expectOp(')');
    }
    return { kind: 'cancelAlterTable', type, table, jobIds };
  }
  return { kind: 'unsupported', what: `CANCEL ${p.peek().upper}` };
}
