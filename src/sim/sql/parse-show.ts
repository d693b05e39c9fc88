// SHOW …, DESC/DESCRIBE, EXPLAIN and ADMIN statements.
import type { Expr, NameFilter, ShowFilter, Statement, TableName, TransactionFilter } from './ast.js';
import { dorisError, ErrNo } from '../sql-error.js';
import { parseExpr } from './parse-expr.js';
import { isQueryStart, parseLimit, parseOrderBy } from './parse-query.js';
import type { TokenCursor } from './token-cursor.js';

function plainTableName(p: TokenCursor): TableName {
  const { span: _span, ...name } = p.tableName();
  return name;
}

/** `LIKE 'pattern' | WHERE expr`, or neither. */
function parseShowFilter(p: TokenCursor): ShowFilter {
  if (p.acceptWords('LIKE')) return { like: p.stringLiteral() };
  if (p.acceptWords('WHERE')) return { where: parseExpr(p) };
  return {};
}

function parseFromDb(p: TokenCursor): string | undefined {
  if (p.acceptOneOf('FROM', 'IN') === undefined) return undefined;
  const parts = p.multipartName();
  return parts[parts.length - 1];
}

/**
 * The WHERE of SHOW BACKUP / SHOW RESTORE: only `<column> = "x"` or `<column> LIKE "x"` with a
 * non-empty string, as Doris' analyzeWhereClause accepts.
 */
function parseNameFilter(p: TokenCursor, column: string, message: string): NameFilter | undefined {
  const filter = parseShowFilter(p);
  if (filter.like === undefined && filter.where === undefined) return undefined;
  const where = filter.where;
  const reject = (): Error => dorisError(ErrNo.UNKNOWN, message);
  if (where === undefined) throw reject();
  let op: '=' | 'LIKE';
  let left: Expr;
  let right: Expr;
  if (where.kind === 'binary' && where.op === '=') [op, left, right] = ['=', where.left, where.right];
  else if (where.kind === 'like' && where.op === 'LIKE' && !where.not) [op, left, right] = ['LIKE', where.expr, where.pattern];
  else throw reject();
  if (left.kind !== 'column' || left.table !== undefined || left.name.toLowerCase() !== column.toLowerCase()) throw reject();
  if (right.kind !== 'literal' || right.literal !== 'string' || right.value === '') throw reject();
  return { op, value: right.value as string };
}

const TXN_WHERE_MESSAGE =
  "Where clause should looks like one of them: id = 123 or label = 'label' or status = 'prepare/precommitted/committed/visible/aborted'";
const TXN_STATUSES = ['PREPARE', 'PRECOMMITTED', 'COMMITTED', 'VISIBLE', 'ABORTED'];

function parseTransactionFilter(p: TokenCursor): TransactionFilter {
  if (!p.acceptWords('WHERE')) throw dorisError(ErrNo.UNKNOWN, 'Missing transaction id');
  const where = parseExpr(p);
  if (where.kind !== 'binary' || where.op !== '=' || where.left.kind !== 'column' || where.right.kind !== 'literal') {
    throw dorisError(ErrNo.UNKNOWN, TXN_WHERE_MESSAGE);
  }
  const key = where.left.name.toLowerCase();
  const { literal, value } = where.right;
  if (key === 'id' && literal === 'integer') return { by: 'id', id: BigInt(value as number | bigint) };
  if (key === 'label' && literal === 'string') return { by: 'label', label: value as string };
  if (key === 'status' && literal === 'string') {
    const status = (value as string).toUpperCase();
    if (!TXN_STATUSES.includes(status)) throw dorisError(ErrNo.UNKNOWN, 'status should be prepare/precommitted/committed/visible/aborted');
    return { by: 'status', status };
  }
  throw dorisError(ErrNo.UNKNOWN, TXN_WHERE_MESSAGE);
}

function parseShowCreate(p: TokenCursor, brief: boolean): Statement {
  if (p.acceptOneOf('DATABASE', 'SCHEMA') !== undefined) {
    const parts = p.multipartName();
    return { kind: 'showCreateDatabase', db: parts[parts.length - 1] as string };
  }
  if (p.acceptWords('TABLE')) return { kind: 'showCreateTable', table: plainTableName(p), brief };
  if (p.acceptWords('VIEW')) return { kind: 'showCreateView', view: plainTableName(p) };
  return { kind: 'unsupported', what: `SHOW CREATE ${p.peek().upper}` };
}

function parseShowAlterTable(p: TokenCursor): Statement {
  let type: 'COLUMN' | 'ROLLUP' | 'MATERIALIZED VIEW';
  if (p.acceptWords('MATERIALIZED', 'VIEW')) type = 'MATERIALIZED VIEW';
  else {
    const t = p.acceptOneOf('COLUMN', 'ROLLUP');
    if (t === undefined) throw p.error('COLUMN, ROLLUP or MATERIALIZED VIEW');
    type = t;
  }
  const db = parseFromDb(p);
  const filter = parseShowFilter(p);
  return { kind: 'showAlterTable', type, db, filter, orderBy: parseOrderBy(p), limit: parseLimit(p) };
}

function parseShowColumnsOrIndex(p: TokenCursor, kind: 'showColumns' | 'showIndex', full: boolean): Statement {
  if (p.acceptOneOf('FROM', 'IN') === undefined) throw p.error('FROM or IN');
  let table = plainTableName(p);
  const db = parseFromDb(p);
  if (db !== undefined) table = { ...table, db };
  if (kind === 'showIndex') return { kind, table };
  return { kind, table, full, filter: parseShowFilter(p) };
}

/** After `SHOW`. */
export function parseShow(p: TokenCursor): Statement {
  const full = p.acceptWords('FULL');
  if (p.acceptWords('TABLES')) return { kind: 'showTables', full, db: parseFromDb(p), filter: parseShowFilter(p) };
  if (p.acceptWords('VIEWS')) return { kind: 'showViews', full, db: parseFromDb(p), filter: parseShowFilter(p) };
  if (p.acceptOneOf('COLUMNS', 'FIELDS') !== undefined) return parseShowColumnsOrIndex(p, 'showColumns', full);
  if (p.acceptWords('PROCESSLIST')) return { kind: 'showProcesslist', full };
  if (full) throw p.error('TABLES, VIEWS, COLUMNS or PROCESSLIST');

  const scope = p.acceptOneOf('SESSION', 'GLOBAL', 'LOCAL');
  if (p.acceptWords('VARIABLES')) return { kind: 'showVariables', scope: scope === 'GLOBAL' ? 'global' : 'session', filter: parseShowFilter(p) };
  if (scope !== undefined) return { kind: 'unsupported', what: `SHOW ${scope} ${p.peek().upper}` };

  const brief = p.acceptWords('BRIEF');
  if (p.acceptWords('CREATE')) return parseShowCreate(p, brief);
  if (p.acceptWords('RESTORE')) {
    const db = parseFromDb(p);
    const label = parseNameFilter(p, 'Label', 'Where clause should like: Label = "your_label_name",  or Label LIKE "matcher"');
    return { kind: 'showRestore', db, brief, label };
  }
  if (brief) throw p.error('CREATE TABLE or RESTORE');

  if (p.acceptOneOf('DATABASES', 'SCHEMAS') !== undefined) {
    const catalog = p.acceptWords('FROM') ? p.identifier() : undefined;
    return { kind: 'showDatabases', catalog, filter: parseShowFilter(p) };
  }
  if (p.acceptWords('BACKUP')) {
    const db = parseFromDb(p);
    const snapshotName = parseNameFilter(
      p,
      'SnapshotName',
      'Where clause should like: SnapshotName = "your_snapshot_name",  or SnapshotName LIKE "matcher"',
    );
    return { kind: 'showBackup', db, snapshotName };
  }
  if (p.acceptWords('PROC')) return { kind: 'showProc', path: p.stringLiteral() };
  if (p.acceptWords('BACKENDS')) return { kind: 'showBackends' };
  if (p.acceptWords('FRONTENDS')) {
    if (p.isIdentifier()) return { kind: 'unsupported', what: `SHOW FRONTENDS ${p.peek().text}` };
    return { kind: 'showFrontends' };
  }
  if (p.acceptWords('FRONTEND', 'CONFIG')) return { kind: 'showFrontendConfig', like: p.acceptWords('LIKE') ? p.stringLiteral() : undefined };
  if (p.isWord('DATABASE') && p.peek(1).type === 'number') {
    p.next();
    return { kind: 'showDatabaseId', dbId: p.integerLiteral() };
  }
  if (p.isWord('TABLE') && p.peek(1).type === 'number') {
    p.next();
    return { kind: 'showTableId', tableId: p.integerLiteral() };
  }
  if (p.acceptWords('TABLE', 'STATUS')) return { kind: 'showTableStatus', db: parseFromDb(p), filter: parseShowFilter(p) };
  const temporary = p.acceptWords('TEMPORARY');
  if (p.acceptWords('PARTITIONS')) {
    p.expectWords('FROM');
    const table = plainTableName(p);
    const filter = parseShowFilter(p);
    return { kind: 'showPartitions', table, temporary, filter, orderBy: parseOrderBy(p), limit: parseLimit(p) };
  }
  if (temporary) throw p.error('PARTITIONS');
  if (p.acceptWords('TRANSACTION')) {
    const db = parseFromDb(p);
    return { kind: 'showTransaction', db, filter: parseTransactionFilter(p) };
  }
  if (p.acceptWords('ALTER', 'TABLE')) return parseShowAlterTable(p);
  const warnings = p.acceptOneOf('WARNINGS', 'ERRORS');
  if (warnings !== undefined) return { kind: 'showWarnings', errors: warnings === 'ERRORS', limit: parseLimit(p) };
  if (p.acceptWords('DATA')) {
    if (p.isWord('TYPES')) return { kind: 'unsupported', what: 'SHOW DATA TYPES' };
    const all = p.acceptWords('ALL');
    const table = p.acceptWords('FROM') ? plainTableName(p) : undefined;
    parseOrderBy(p);
    p.optionalProperties();
    return { kind: 'showData', table, all };
  }
  if (p.acceptOneOf('KEY', 'KEYS', 'INDEX', 'INDEXES') !== undefined) return parseShowColumnsOrIndex(p, 'showIndex', false);
  return { kind: 'unsupported', what: `SHOW ${p.peek().upper}` };
}

/** After `DESC`/`DESCRIBE`: a table description, or EXPLAIN of a query. */
export function parseDescribe(p: TokenCursor, parseStatement: (p: TokenCursor) => Statement): Statement {
  if (isQueryStart(p) || p.isWord('INSERT') || p.isWord('UPDATE') || p.isWord('DELETE')) {
    return { kind: 'explain', statement: parseStatement(p) };
  }
  if (p.isWord('FUNCTION') || p.isWord('DICTIONARY')) return { kind: 'unsupported', what: `DESC ${p.peek().upper}` };
  const table = plainTableName(p);
  if (p.isWord('PARTITION') || p.isWord('PARTITIONS') || p.isWord('TEMPORARY')) {
    return { kind: 'unsupported', what: 'DESC … PARTITION' };
  }
  return { kind: 'describe', table, all: p.acceptWords('ALL') };
}

/** After `EXPLAIN`. */
export function parseExplain(p: TokenCursor, parseStatement: (p: TokenCursor) => Statement): Statement {
  p.acceptOneOf('PARSED', 'ANALYZED', 'REWRITTEN', 'LOGICAL', 'OPTIMIZED', 'PHYSICAL', 'SHAPE', 'MEMO', 'DISTRIBUTED', 'ALL');
  p.acceptWords('PLAN');
  p.acceptOneOf('VERBOSE', 'TREE', 'GRAPH', 'PLAN', 'DUMP');
  p.acceptWords('PROCESS');
  return { kind: 'explain', statement: parseStatement(p) };
}

/** After `ADMIN`. */
export function parseAdmin(p: TokenCursor): Statement {
  if (p.acceptWords('SHOW', 'FRONTEND', 'CONFIG')) {
    return { kind: 'showFrontendConfig', like: p.acceptWords('LIKE') ? p.stringLiteral() : undefined };
  }
  if (p.acceptWords('SET')) {
    const all = p.acceptWords('ALL', 'FRONTENDS');
    if (!all) p.expectWords('FRONTEND');
    p.expectWords('CONFIG');
    const properties = p.isOp('(') ? p.propertyList() : {};
    return { kind: 'adminSetFrontendConfig', properties, all: p.acceptWords('ALL') || all };
  }
  return { kind: 'unsupported', what: `ADMIN ${p.peek().upper}` };
}
