// The columns visible to an expression (a FROM clause's output), and column-reference
// resolution with Doris' rules: column names are case-insensitive, table qualifiers match the
// alias (or the table name when there is none) case-sensitively.
import type { ColumnType } from '../model/schema.js';
import { ErrNo, SqlError } from '../sql-error.js';

export interface ScopeColumn {
  name: string;
  type: ColumnType;
  /** The alias, or the table name when the relation has no alias. */
  table?: string | undefined;
  db?: string | undefined;
}

export class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  /** Index of the column `ref` names in a row of this scope; throws 1054/1052 like Doris. */
  resolve(ref: { name: string; table?: string | undefined; db?: string | undefined }): number {
    const name = ref.name.toLowerCase();
    const matches: number[] = [];
    this.columns.forEach((c, i) => {
      if (c.name.toLowerCase() !== name) return;
      if (ref.table !== undefined && c.table !== ref.table) return;
      if (ref.db !== undefined && c.db !== ref.db) return;
      matches.push(i);
    });
    const [first, second] = matches;
    if (first === undefined) {
      const label = [ref.db, ref.table, ref.name].filter((p) => p !== undefined).join('.');
      throw new SqlError(ErrNo.BAD_FIELD, `errCode = 2, detailMessage = Unknown column '${label}' in 'table list'`, '42S22');
    }
    if (second !== undefined) {
      throw new SqlError(1052, `errCode = 2, detailMessage = Column '${ref.name}' in field list is ambiguous`, '23000');
    }
    return first;
  }
}
