// Test support: a small query handler over the SQL front end and MemoryTables, standing in for
// the executor in wire tests. It implements just enough statements to exercise the protocol.
import type { Value } from '../model/value.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import type { Statement } from '../sql/ast.js';
import { likeToRegExp } from '../sql/eval-values.js';
import { VARCHAR, type MemoryTables } from '../sql/memory-tables.test-helpers.js';
import { parseSql } from '../sql/parser.js';
import { evaluateConstant } from '../sql/row-expressions.js';
import { runSelect } from '../sql/run-select.js';
import type { QueryResult } from './query-result.js';
import type { Session } from './session.js';

function execute(tables: MemoryTables, session: Session, statement: Statement): QueryResult {
  if (statement.kind === 'query') {
    const { columns, rows } = runSelect(statement.query, tables, session);
    return { kind: 'rows', columns, rows };
  }
  if (statement.kind === 'use') {
    if (!tables.tables.has(statement.db)) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${statement.db}'`);
    session.db = statement.db;
    return { kind: 'ok' };
  }
  if (statement.kind === 'set') {
    for (const a of statement.assignments) {
      if (a.kind === 'user') session.userVariables.set(a.name, evaluateConstant(a.value, { session }).value);
      if (a.kind === 'system') session.variables.set(a.name, a.value === undefined ? null : evaluateConstant(a.value, { session }).value);
    }
    return { kind: 'ok' };
  }
  if (statement.kind === 'showDatabases') {
    const like = statement.filter.like === undefined ? undefined : likeToRegExp(statement.filter.like);
    const names = [...tables.tables.keys()].filter((n) => like === undefined || like.test(n)).sort();
    return { kind: 'rows', columns: [{ name: 'Database', type: VARCHAR }], rows: names.map((n) => [n]) };
  }
  if (statement.kind === 'createDatabase') {
    if (tables.tables.has(statement.db)) {
      if (statement.ifNotExists) return { kind: 'ok' };
      throw dorisError(ErrNo.DB_CREATE_EXISTS, `Can't create database '${statement.db}'; database exists`);
    }
    tables.tables.set(statement.db, new Map());
    return { kind: 'ok' };
  }
  if (statement.kind === 'insert') {
    const db = statement.table.db ?? session.db;
    if (db === null) throw new SqlError(ErrNo.NO_DB_SELECTED, 'errCode = 2, detailMessage = No database selected', '3D000');
    const table = tables.tables.get(db)?.get(statement.table.name);
    if (table === undefined) throw dorisError(ErrNo.NO_SUCH_TABLE, `Table [${statement.table.name}] does not exist in database [${db}].`);
    const { rows } = runSelect(statement.source, tables, session);
    (table.rows as Value[][]).push(...rows);
    return { kind: 'ok', affectedRows: rows.length };
  }
  throw dorisError(ErrNo.NOT_SUPPORTED, `statement ${statement.kind} is not supported by the test handler`);
}

/** An onQuery implementation: runs each statement, stopping at the first failure. */
export function memoryQueryHandler(tables: MemoryTables) {
  return async (session: Session, sql: string): Promise<QueryResult[]> => {
    if (sql.includes('__throw_plain_error__')) throw new Error('boom');
    const statements = parseSql(sql);
    if (statements.length > 1 && !session.multiStatements) throw dorisError(ErrNo.PARSE_ERROR, 'multiple statements are not allowed');
    const results: QueryResult[] = [];
    for (const { statement } of statements) {
      try {
        results.push(execute(tables, session, statement));
      } catch (err) {
        if (!(err instanceof SqlError)) throw err;
        results.push({ kind: 'error', error: err });
        break;
      }
    }
    return Promise.resolve(results);
  };
}
