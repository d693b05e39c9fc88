// The typed syntax tree the simulator's SQL parser produces. The executor maps these nodes
// onto the cluster model; the query engine (run-select.ts) evaluates Query and Expr nodes.
//
// Conventions:
// - Identifiers keep the case they were written in (back-quotes removed, `` doubled → `).
// - Names the grammar treats as keywords are normalised: function names and interval units
//   upper-case, table-function and variable names lower-case.
// - `span` fields are [start, end) character offsets into the SQL text given to the parser,
//   so callers can cut or rewrite the original text (view definitions, column labels).
// - PROPERTIES maps keep values as written and lower-case their keys.
import type { ColumnDef, ColumnType, DistributionDef, IndexDef, ListPartitionDef, RangePartitionDef, RollupDef, TableDef } from '../model/schema.js';
import type { Value } from '../model/value.js';

export interface Span {
  start: number;
  end: number;
}

/** `[catalog.][db.]name`; catalog/db are absent when not written. */
export interface TableName {
  catalog?: string | undefined;
  db?: string | undefined;
  name: string;
}

export type Properties = Record<string, string>;

/** `PARTITION p` / `PARTITION (p1, p2)` / `PARTITIONS (p1)` / `TEMPORARY PARTITION (…)` / `PARTITION (*)`. */
export interface PartitionSpec {
  temporary: boolean;
  /** Partition names; `'*'` for `PARTITION (*)` (auto-detect, INSERT OVERWRITE). */
  names: string[] | '*';
}

// ───────────────────────────── expressions ─────────────────────────────

export type LiteralKind = 'null' | 'boolean' | 'integer' | 'decimal' | 'double' | 'string' | 'date' | 'datetime';

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | 'DIV'
  | '&'
  | '|'
  | '^'
  | '='
  | '<=>'
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR'
  | 'XOR';

export type Expr =
  /**
   * A constant. `integer` carries a number when it fits in an INT, else a bigint; `decimal`
   * (1.5) carries its text; `double` (1e3) a number; `boolean` 1/0; `date`/`datetime`
   * (DATE '…' / TIMESTAMP '…') their text.
   */
  | { kind: 'literal'; literal: LiteralKind; value: Value; span: Span }
  /** `c`, `t.c`, `db.t.c` (qualifiers as written). */
  | { kind: 'column'; name: string; table?: string | undefined; db?: string | undefined; span: Span }
  /** `*` or `t.*`; only valid in a select list and inside COUNT(*). */
  | { kind: 'star'; table?: string | undefined; span: Span }
  | { kind: 'unary'; op: '-' | '+' | '~' | 'NOT'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'in'; expr: Expr; list: Expr[]; not: boolean; span: Span }
  | { kind: 'inSubquery'; expr: Expr; query: Query; not: boolean; span: Span }
  | { kind: 'exists'; query: Query; not: boolean; span: Span }
  | { kind: 'between'; expr: Expr; low: Expr; high: Expr; not: boolean; span: Span }
  /** LIKE, or REGEXP/RLIKE (`op: 'REGEXP'`). */
  | { kind: 'like'; op: 'LIKE' | 'REGEXP'; expr: Expr; pattern: Expr; escape?: Expr | undefined; not: boolean; span: Span }
  | { kind: 'isNull'; expr: Expr; not: boolean; span: Span }
  /** `x IS [NOT] TRUE|FALSE`. */
  | { kind: 'isBool'; expr: Expr; value: boolean; not: boolean; span: Span }
  | { kind: 'case'; operand?: Expr | undefined; whens: { when: Expr; then: Expr }[]; else?: Expr | undefined; span: Span }
  | { kind: 'cast'; expr: Expr; type: ColumnType; span: Span }
  /**
   * A function call. `name` is upper-case (COUNT, CONCAT, DATABASE, NOW, …). `COUNT(*)` has
   * `star: true` and no args. Niladic keywords CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_USER
   * / LOCALTIME / LOCALTIMESTAMP / CURRENT_TIME / SESSION_USER parse to calls without parentheses.
   */
  | { kind: 'call'; name: string; args: Expr[]; distinct: boolean; star: boolean; span: Span }
  /** `@name` (user) or `@@[global.|session.]name` (system). Names are lower-cased. */
  | { kind: 'variable'; scope: 'user' | 'system' | 'global' | 'session'; name: string; span: Span }
  /** A scalar subquery `(SELECT …)`. */
  | { kind: 'subquery'; query: Query; span: Span }
  /** `INTERVAL n unit` (only as an argument to date arithmetic). */
  | { kind: 'interval'; value: Expr; unit: string; span: Span }
  /** `DEFAULT` in INSERT … VALUES / UPDATE SET. */
  | { kind: 'default'; span: Span };

// ───────────────────────────── queries ─────────────────────────────

export type SelectItem =
  /** `alias` when given; `text` is the expression as written (Doris labels unaliased expressions with it). */
  | { kind: 'expr'; expr: Expr; alias?: string | undefined; text: string; span: Span }
  | { kind: 'star'; table?: string | undefined; span: Span };

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export type Relation =
  /** A table, a view, or an information_schema table. `span` covers the (qualified) name as written. */
  | { kind: 'table'; name: TableName; alias?: string | undefined; partitions?: PartitionSpec | undefined; span: Span }
  /** A table-valued function: `frontends()`, `backends()`, `numbers("number" = "10")`. Name lower-cased. */
  | { kind: 'tableFunction'; name: string; properties: Properties; alias?: string | undefined; span: Span }
  | { kind: 'subquery'; query: Query; alias?: string | undefined; span: Span }
  | {
      kind: 'join';
      type: JoinType;
      left: Relation;
      right: Relation;
      on?: Expr | undefined;
      using?: string[] | undefined;
      span: Span;
    };

export interface OrderItem {
  expr: Expr;
  desc: boolean;
  /** `NULLS FIRST|LAST` when written; otherwise NULLs sort first ascending, last descending. */
  nullsFirst?: boolean | undefined;
}

export interface Limit {
  count: number;
  offset: number;
}

export interface SelectQuery {
  kind: 'select';
  distinct: boolean;
  items: SelectItem[];
  /** Comma-separated FROM items are folded into CROSS joins. Absent for `SELECT 1`. */
  from?: Relation | undefined;
  where?: Expr | undefined;
  groupBy: Expr[];
  having?: Expr | undefined;
  orderBy: OrderItem[];
  limit?: Limit | undefined;
  span: Span;
}

export interface SetOperationQuery {
  kind: 'setOp';
  op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  /** `UNION ALL` (true) or the default/`DISTINCT` form (false). */
  all: boolean;
  left: Query;
  right: Query;
  orderBy: OrderItem[];
  limit?: Limit | undefined;
  span: Span;
}

/** `VALUES (…), (…)` used as a query (INSERT … VALUES, or standalone). */
export interface ValuesQuery {
  kind: 'values';
  rows: Expr[][];
  span: Span;
}

export type Query = SelectQuery | SetOperationQuery | ValuesQuery;

// ───────────────────────────── statements ─────────────────────────────

export type SetAssignment =
  /** `SET [SESSION|GLOBAL|LOCAL] x = v`, `SET @@[global.]x = v`; `value` undefined means DEFAULT. Names lower-cased. */
  | { kind: 'system'; scope: 'session' | 'global'; name: string; value?: Expr | undefined }
  | { kind: 'user'; name: string; value: Expr }
  /** `SET NAMES utf8 [COLLATE x]` / `SET NAMES DEFAULT` / `SET CHARSET x` (charset undefined = DEFAULT). */
  | { kind: 'names'; charset?: string | undefined; collate?: string | undefined }
  | { kind: 'charset'; charset?: string | undefined }
  /** `SET PASSWORD [FOR user] = '…'`. */
  | { kind: 'password'; user?: string | undefined; password: string };

/** A `LIKE 'pattern'` or `WHERE expr` filter of a SHOW statement. */
export interface ShowFilter {
  like?: string | undefined;
  where?: Expr | undefined;
}

/**
 * The restricted WHERE of SHOW BACKUP (`SnapshotName`) and SHOW RESTORE (`Label`): Doris only
 * accepts `<column> = "x"` or `<column> LIKE "x"`.
 */
export interface NameFilter {
  op: '=' | 'LIKE';
  value: string;
}

/** SHOW TRANSACTION's WHERE: Doris accepts `id = N`, `label = 'x'` or `status = 'x'`. */
export type TransactionFilter = { by: 'id'; id: bigint } | { by: 'label'; label: string } | { by: 'status'; status: string };

export interface BackupTableRef {
  name: TableName;
  partitions?: PartitionSpec | undefined;
  /** `t AS alias` (RESTORE). */
  alias?: string | undefined;
}

export type ColumnPosition = { first: true } | { after: string };

export type AlterClause =
  /** `ADD COLUMN c …`. In ALTER clauses ColumnDef.isKey means "KEY was written"; the table decides the rest. */
  | { kind: 'addColumn'; column: ColumnDef; position?: ColumnPosition | undefined; rollup?: string | undefined; properties: Properties }
  | { kind: 'addColumns'; columns: ColumnDef[]; rollup?: string | undefined; properties: Properties }
  | { kind: 'dropColumn'; name: string; rollup?: string | undefined; properties: Properties }
  | { kind: 'modifyColumn'; column: ColumnDef; position?: ColumnPosition | undefined; rollup?: string | undefined; properties: Properties }
  | { kind: 'reorderColumns'; columns: string[]; rollup?: string | undefined; properties: Properties }
  /**
   * `ADD [TEMPORARY] PARTITION …`. Bounds are raw: integers as decimal text, strings as written,
   * NULL as null, MAXVALUE as `{maxValue: true}` (`LESS THAN MAXVALUE` is `[{maxValue: true}]`);
   * the executor coerces them to the partition column types.
   */
  | {
      kind: 'addPartition';
      temporary: boolean;
      ifNotExists: boolean;
      partition: ({ type: 'RANGE' } & RangePartitionDef) | ({ type: 'LIST' } & ListPartitionDef);
      distribution?: DistributionDef | undefined;
      properties: Properties;
    }
  | { kind: 'dropPartition'; temporary: boolean; ifExists: boolean; name: string; force: boolean; fromIndex?: string | undefined }
  | { kind: 'modifyPartition'; temporary: boolean; names: string[] | '*'; properties: Properties }
  | { kind: 'replacePartition'; partitions: PartitionSpec; tempPartitions: PartitionSpec; force: boolean; properties: Properties }
  | { kind: 'replaceTable'; table: string; force: boolean; properties: Properties }
  | { kind: 'rename'; newName: string }
  | { kind: 'renameRollup'; name: string; newName: string }
  | { kind: 'renamePartition'; name: string; newName: string }
  | { kind: 'renameColumn'; name: string; newName: string }
  | { kind: 'addIndex'; index: IndexDef; ifNotExists: boolean }
  | { kind: 'dropIndex'; name: string; ifExists: boolean }
  | { kind: 'enableFeature'; feature: string; properties: Properties }
  | { kind: 'modifyDistribution'; distribution?: DistributionDef | undefined }
  | { kind: 'modifyComment'; comment: string }
  | { kind: 'modifyColumnComment'; name: string; comment: string }
  | { kind: 'modifyEngine'; engine: string; properties: Properties }
  /** `ALTER TABLE t SET ("k" = "v", …)` (always the only clause). */
  | { kind: 'setProperties'; properties: Properties }
  /** `ALTER TABLE t ADD ROLLUP r1 (…), r2 (…)` (always the only clause). */
  | { kind: 'addRollup'; rollups: (RollupDef & { fromRollup?: string | undefined })[] }
  /** `ALTER TABLE t DROP ROLLUP r1, r2` (always the only clause). */
  | { kind: 'dropRollup'; names: string[] };

export type Statement =
  // session and metadata
  | { kind: 'set'; assignments: SetAssignment[] }
  | { kind: 'use'; catalog?: string | undefined; db: string }
  | { kind: 'showDatabases'; catalog?: string | undefined; filter: ShowFilter }
  | { kind: 'showTables'; full: boolean; db?: string | undefined; filter: ShowFilter }
  | { kind: 'showViews'; full: boolean; db?: string | undefined; filter: ShowFilter }
  | { kind: 'showTableStatus'; db?: string | undefined; filter: ShowFilter }
  | { kind: 'showCreateDatabase'; db: string }
  | { kind: 'showCreateTable'; table: TableName; brief: boolean }
  | { kind: 'showCreateView'; view: TableName }
  | { kind: 'showProc'; path: string }
  | { kind: 'showBackends' }
  | { kind: 'showFrontends' }
  | { kind: 'showTableId'; tableId: bigint }
  | { kind: 'showDatabaseId'; dbId: bigint }
  | { kind: 'showPartitions'; table: TableName; temporary: boolean; filter: ShowFilter; orderBy: OrderItem[]; limit?: Limit | undefined }
  | { kind: 'showBackup'; db?: string | undefined; snapshotName?: NameFilter | undefined }
  | { kind: 'showRestore'; db?: string | undefined; brief: boolean; label?: NameFilter | undefined }
  | { kind: 'showTransaction'; db?: string | undefined; filter?: TransactionFilter | undefined }
  | { kind: 'showAlterTable'; type: 'COLUMN' | 'ROLLUP' | 'MATERIALIZED VIEW'; db?: string | undefined; filter: ShowFilter; orderBy: OrderItem[]; limit?: Limit | undefined }
  | { kind: 'showVariables'; scope: 'session' | 'global'; filter: ShowFilter }
  | { kind: 'showWarnings'; errors: boolean; limit?: Limit | undefined }
  | { kind: 'showData'; table?: TableName | undefined; all: boolean }
  | { kind: 'describe'; table: TableName; all: boolean }
  | { kind: 'showColumns'; table: TableName; full: boolean; filter: ShowFilter }
  | { kind: 'showIndex'; table: TableName }
  | { kind: 'showProcesslist'; full: boolean }
  | { kind: 'showFrontendConfig'; like?: string | undefined }
  | { kind: 'adminSetFrontendConfig'; properties: Properties; all: boolean }
  // DDL
  | { kind: 'createDatabase'; ifNotExists: boolean; db: string; properties: Properties }
  | { kind: 'dropDatabase'; ifExists: boolean; db: string; force: boolean }
  | { kind: 'alterDatabaseProperties'; db: string; properties: Properties }
  | { kind: 'alterDatabaseRename'; db: string; newName: string }
  /**
   * CREATE TABLE with a fully analysed TableDef (keys derived as Doris does; bounds coerced to
   * the partition column types). `autoPartitionFunction` keeps the AUTO PARTITION expression
   * (e.g. `date_trunc(k, 'month')` → {name: 'date_trunc', args: ['k', 'month']}).
   */
  | {
      kind: 'createTable';
      ifNotExists: boolean;
      table: TableName;
      def: TableDef;
      engine: string;
      autoPartitionFunction?: { name: string; args: string[] } | undefined;
    }
  | { kind: 'createTableLike'; ifNotExists: boolean; table: TableName; like: TableName; withRollup?: string[] | 'ALL' | undefined }
  | { kind: 'dropTable'; ifExists: boolean; table: TableName; force: boolean }
  | { kind: 'truncateTable'; table: TableName; partitions?: PartitionSpec | undefined; force: boolean }
  | { kind: 'recoverDatabase'; db: string; id?: bigint | undefined; alias?: string | undefined }
  | { kind: 'recoverTable'; table: TableName; id?: bigint | undefined; alias?: string | undefined }
  | { kind: 'recoverPartition'; partition: string; id?: bigint | undefined; alias?: string | undefined; table: TableName }
  /** CREATE VIEW; `queryText` is the defining SELECT exactly as written, `querySpan` its position. */
  | {
      kind: 'createView';
      orReplace: boolean;
      ifNotExists: boolean;
      view: TableName;
      columns?: { name: string; comment: string }[] | undefined;
      comment: string;
      query: Query;
      queryText: string;
      querySpan: Span;
    }
  | {
      kind: 'alterView';
      view: TableName;
      columns?: { name: string; comment: string }[] | undefined;
      query: Query;
      queryText: string;
      querySpan: Span;
    }
  | { kind: 'dropView'; ifExists: boolean; view: TableName }
  | { kind: 'alterTable'; table: TableName; clauses: AlterClause[] }
  | { kind: 'createIndex'; ifNotExists: boolean; table: TableName; index: IndexDef }
  | { kind: 'dropIndex'; ifExists: boolean; name: string; table: TableName }
  | {
      kind: 'backup';
      /** `BACKUP SNAPSHOT [db.]label`. */
      db?: string | undefined;
      label: string;
      repo: string;
      /** ON (…) lists what to back up, EXCLUDE (…) what to skip; absent means the whole database. */
      mode?: 'ON' | 'EXCLUDE' | undefined;
      tables: BackupTableRef[];
      properties: Properties;
    }
  | {
      kind: 'restore';
      db?: string | undefined;
      label: string;
      repo: string;
      mode?: 'ON' | 'EXCLUDE' | undefined;
      tables: BackupTableRef[];
      properties: Properties;
    }
  | { kind: 'cancelBackup'; db?: string | undefined }
  | { kind: 'cancelRestore'; db?: string | undefined }
  | { kind: 'cancelAlterTable'; type: 'COLUMN' | 'ROLLUP' | 'MATERIALIZED VIEW'; table: TableName; jobIds: bigint[] }
  // DML
  | {
      kind: 'insert';
      overwrite: boolean;
      table: TableName;
      partitions?: PartitionSpec | undefined;
      label?: string | undefined;
      columns?: string[] | undefined;
      /** `VALUES …` arrives as a ValuesQuery. */
      source: Query;
    }
  | { kind: 'delete'; table: TableName; partitions?: PartitionSpec | undefined; alias?: string | undefined; where?: Expr | undefined }
  | { kind: 'update'; table: TableName; alias?: string | undefined; assignments: { column: string; value: Expr }[]; where?: Expr | undefined }
  | { kind: 'begin'; label?: string | undefined }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'kill'; query: boolean; connectionId: bigint }
  // queries
  | { kind: 'query'; query: Query }
  /** `EXPLAIN …` / `DESC <query>`: parsed, not planned. */
  | { kind: 'explain'; statement: Statement }
  /** A statement Doris knows but the simulator does not implement (reported as such by the executor). */
  | { kind: 'unsupported'; what: string };

/** One statement of a (possibly multi-statement) SQL string. */
export interface ParsedStatement {
  statement: Statement;
  /** The statement's own text (no surrounding whitespace, no trailing `;`). */
  text: string;
  /** Where `text` starts in the parsed string; spans inside `statement` are relative to the whole string. */
  offset: number;
}
