// What a query handler returns for each statement of a COM_QUERY.
import type { ColumnType } from '../model/schema.js';
import type { Value } from '../model/value.js';
import type { SqlError } from '../sql-error.js';

export interface ResultColumn {
  name: string;
  type: ColumnType;
  /** Table and database reported in the column definition (empty when absent). */
  table?: string | undefined;
  db?: string | undefined;
}

export type QueryResult =
  /** A statement without a result set (DDL, DML, SET …). */
  | { kind: 'ok'; affectedRows?: number | bigint | undefined; lastInsertId?: number | bigint | undefined; warnings?: number | undefined; info?: string | undefined }
  /** A result set; values are sent in their MySQL text form (model/value.ts formatValue). */
  | { kind: 'rows'; columns: ResultColumn[]; rows: readonly (readonly Value[])[] }
  /** A statement that failed after earlier ones of the same COM_QUERY succeeded; ends the reply. */
  | { kind: 'error'; error: SqlError };
