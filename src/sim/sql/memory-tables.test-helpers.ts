// Test support: an in-memory TableResolver (tables, views, information_schema.tables,
// frontends()/backends()) and a plain SqlSession, standing in for the executor and model.
import type { ColumnType } from '../model/schema.js';
import type { Value } from '../model/value.js';
import { dorisError, ErrNo } from '../sql-error.js';
import { parseOne } from './parser.js';
import type { ResolvedRelation, TableData, TableResolver } from './run-select.js';
import type { SqlSession } from './session.js';
import { defaultSessionVariables } from './system-variables.js';

export function testSession(db: string | null = null): SqlSession {
  return {
    connectionId: 7,
    user: 'root',
    clientHost: '127.0.0.1',
    db,
    variables: defaultSessionVariables(),
    userVariables: new Map(),
    lastInsertId: 0n,
  };
}

export const INT: ColumnType = { name: 'INT' };
export const BIGINT: ColumnType = { name: 'BIGINT' };
export const VARCHAR: ColumnType = { name: 'VARCHAR', length: 64 };
export const DECIMAL_10_2: ColumnType = { name: 'DECIMAL', precision: 10, scale: 2 };
export const DATETIME: ColumnType = { name: 'DATETIME', scale: 0 };
export const DOUBLE: ColumnType = { name: 'DOUBLE' };

export class MemoryTables implements TableResolver {
  readonly tables = new Map<string, Map<string, TableData>>();
  readonly views = new Map<string, Map<string, string>>();

  addTable(db: string, name: string, columns: [string, ColumnType][], rows: Value[][]): this {
    const dbTables = this.tables.get(db) ?? new Map<string, TableData>();
    dbTables.set(name, { columns: columns.map(([n, type]) => ({ name: n, type })), rows });
    this.tables.set(db, dbTables);
    return this;
  }

  addView(db: string, name: string, selectSql: string): this {
    const dbViews = this.views.get(db) ?? new Map<string, string>();
    dbViews.set(name, selectSql);
    this.views.set(db, dbViews);
    return this;
  }

  resolveTable(name: { db: string; name: string }): ResolvedRelation {
    if (name.db.toLowerCase() === 'information_schema') return this.informationSchema(name.name);
    const view = this.views.get(name.db)?.get(name.name);
    if (view !== undefined) {
      const statement = parseOne(view);
      if (statement.kind !== 'query') throw new Error('view is not a query');
      return { kind: 'view', db: name.db, query: statement.query };
    }
    if (!this.tables.has(name.db)) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${name.db}'`);
    const table = this.tables.get(name.db)?.get(name.name);
    if (table === undefined) throw dorisError(ErrNo.NO_SUCH_TABLE, `Table [${name.name}] does not exist in database [${name.db}].`);
    return { kind: 'table', ...table };
  }

  private informationSchema(table: string): ResolvedRelation {
    if (table.toLowerCase() !== 'tables') throw dorisError(ErrNo.NO_SUCH_TABLE, `Table [${table}] does not exist in database [information_schema].`);
    const rows: Value[][] = [];
    for (const [db, tables] of this.tables) for (const name of tables.keys()) rows.push(['internal', db, name, 'BASE TABLE']);
    for (const [db, views] of this.views) for (const name of views.keys()) rows.push(['internal', db, name, 'VIEW']);
    return {
      kind: 'table',
      columns: ['TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE'].map((name) => ({ name, type: VARCHAR })),
      rows,
    };
  }

  tableFunction(name: string): TableData {
    if (name === 'frontends') {
      return {
        columns: ['Name', 'Host', 'QueryPort', 'RpcPort', 'IsMaster'].map((n) => ({ name: n, type: VARCHAR })),
        rows: [['fe1', '127.0.0.1', '9030', '9020', 'true']],
      };
    }
    throw dorisError(ErrNo.UNKNOWN, `Can not found function '${name}'`);
  }
}
