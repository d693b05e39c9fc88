// The pieces CREATE TABLE and ALTER TABLE share: column definitions, index definitions,
// partition definitions (with raw bounds), DISTRIBUTED BY and rollup definitions.
import type {
  AggregateType,
  ColumnDef,
  DefaultValue,
  DistributionDef,
  IndexDef,
  ListPartitionDef,
  PartitionKeyLiteral,
  RangePartitionDef,
  RollupDef,
} from '../model/schema.js';
import { coerceValue, ValueError } from '../model/value.js';
import { dorisError, ErrNo } from '../sql-error.js';
import { parseExpr } from './parse-expr.js';
import { parseDataType } from './parse-type.js';
import type { TokenCursor } from './token-cursor.js';

const AGGREGATES: readonly AggregateType[] = [
  'SUM',
  'MAX',
  'MIN',
  'REPLACE',
  'REPLACE_IF_NOT_NULL',
  'HLL_UNION',
  'BITMAP_UNION',
  'QUANTILE_UNION',
  'GENERIC',
];

/** A column definition (`columnDef`); `isKey` is true only when `KEY` is written. */
export function parseColumnDef(p: TokenCursor): ColumnDef {
  const name = p.identifier();
  const type = parseDataType(p);
  const isKey = p.acceptWords('KEY');
  const aggregate = p.acceptOneOf(...AGGREGATES);
  if (p.acceptWords('GENERATED', 'ALWAYS') || p.isWord('AS')) {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'generated columns are not supported by the simulator');
  }
  let nullable: boolean | undefined;
  if (p.acceptWords('NOT', 'NULL')) nullable = false;
  else if (p.acceptWords('NULL')) nullable = true;
  let autoIncrement: boolean | undefined;
  let autoIncrementStart: number | undefined;
  if (p.acceptWords('AUTO_INCREMENT')) {
    autoIncrement = true;
    if (p.acceptOp('(')) {
      autoIncrementStart = Number(p.integerLiteral());
      p.expectOp(')');
    }
  }
  const defaultValue = p.acceptWords('DEFAULT') ? parseDefault(p) : undefined;
  let onUpdateCurrentTimestamp: boolean | undefined;
  if (p.acceptWords('ON', 'UPDATE', 'CURRENT_TIMESTAMP')) {
    onUpdateCurrentTimestamp = true;
    if (p.acceptOp('(')) {
      p.smallInteger();
      p.expectOp(')');
    }
  }
  const comment = p.acceptWords('COMMENT') ? p.stringLiteral() : '';
  // Doris: columns are nullable unless NOT NULL is written, except the complex aggregate types.
  const complex = type.name === 'BITMAP' || type.name === 'HLL' || type.name === 'QUANTILE_STATE';
  const column: ColumnDef = { name, type, nullable: nullable ?? !complex, isKey, comment };
  if (aggregate !== undefined) column.aggregate = aggregate;
  if (autoIncrement) column.autoIncrement = true;
  if (autoIncrementStart !== undefined) column.autoIncrementStart = autoIncrementStart;
  if (onUpdateCurrentTimestamp) column.onUpdateCurrentTimestamp = true;
  if (defaultValue !== undefined) {
    const checked = checkDefault(column, defaultValue);
    if (checked !== undefined) column.defaultValue = checked;
  }
  return column;
}

type RawDefault = DefaultValue | { kind: 'raw'; text: string | null | typeof BITMAP_EMPTY };

/** `DEFAULT BITMAP_EMPTY`: the implicit default Doris gives every BITMAP column. */
const BITMAP_EMPTY = Symbol('BITMAP_EMPTY');

function parseDefault(p: TokenCursor): RawDefault {
  const t = p.peek();
  if (t.type === 'string') return { kind: 'raw', text: p.stringLiteral() };
  if (p.acceptWords('NULL')) return { kind: 'raw', text: null };
  if (p.acceptWords('CURRENT_DATE')) return { kind: 'current_date' };
  if (p.acceptWords('CURRENT_TIMESTAMP')) {
    let precision: number | undefined;
    if (p.acceptOp('(')) {
      precision = p.smallInteger();
      p.expectOp(')');
    }
    return precision === undefined ? { kind: 'current_timestamp' } : { kind: 'current_timestamp', precision };
  }
  if (p.acceptWords('PI')) return { kind: 'raw', text: String(Math.PI) };
  if (p.acceptWords('E')) return { kind: 'raw', text: String(Math.E) };
  if (p.acceptWords('BITMAP_EMPTY')) return { kind: 'raw', text: BITMAP_EMPTY };
  const negative = p.acceptOp('-');
  const n = p.peek();
  if (n.type !== 'number') throw p.error('a default value');
  p.next();
  return { kind: 'raw', text: (negative ? '-' : '') + n.text };
}

/** The column's default, or undefined for BITMAP_EMPTY (the type's own default, as Doris keeps it). */
function checkDefault(column: ColumnDef, raw: RawDefault): DefaultValue | undefined {
  if (raw.kind === 'current_timestamp' && column.type.name !== 'DATETIME') {
    throw dorisError(ErrNo.UNKNOWN, 'Types other than DATETIME and DATETIMEV2 cannot use current_timestamp as the default value');
  }
  if (raw.kind === 'current_date' && column.type.name !== 'DATE') {
    throw dorisError(ErrNo.UNKNOWN, 'Types other than DATE and DATEV2 cannot use current_date as the default value');
  }
  if (raw.kind !== 'raw') return raw;
  if (raw.text === BITMAP_EMPTY) {
    if (column.type.name !== 'BITMAP') throw dorisError(ErrNo.UNKNOWN, `Invalid default value for '${column.name}': BITMAP_EMPTY is only for BITMAP columns`);
    return undefined;
  }
  if (raw.text === null) {
    if (!column.nullable) throw dorisError(ErrNo.UNKNOWN, `Can not set null default value to non nullable column: ${column.name}`);
    return { kind: 'literal', value: null };
  }
  try {
    return { kind: 'literal', value: coerceValue(raw.text, column.type) };
  } catch (err) {
    if (err instanceof ValueError) throw dorisError(ErrNo.UNKNOWN, `Invalid default value for '${column.name}': ${err.message}`);
    throw err;
  }
}

/** `INDEX [IF NOT EXISTS] name (cols) [USING type] [PROPERTIES (…)] [COMMENT '…']` after `INDEX`. */
export function parseIndexDef(p: TokenCursor): { index: IndexDef; ifNotExists: boolean } {
  const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
  const name = p.identifier();
  return { index: parseIndexOptions(p, name), ifNotExists };
}

/** `(cols) [USING type] [PROPERTIES (…)] [COMMENT '…']` of an index named `name`. */
export function parseIndexOptions(p: TokenCursor, name: string): IndexDef {
  const columns = p.identifierList();
  let indexType = 'INVERTED';
  if (p.acceptWords('USING')) {
    const t = p.acceptOneOf('BITMAP', 'INVERTED', 'NGRAM_BF', 'ANN');
    if (t === undefined) throw p.error('BITMAP, INVERTED or NGRAM_BF');
    indexType = t;
  }
  const properties = p.optionalProperties();
  const comment = p.acceptWords('COMMENT') ? p.stringLiteral() : '';
  const index: IndexDef = { name, columns, indexType, comment };
  if (Object.keys(properties).length > 0) index.properties = properties;
  return index;
}

/** One partition bound value: `-? INTEGER | STRING | MAXVALUE | NULL`, raw (integers as text). */
function parsePartitionValue(p: TokenCursor): PartitionKeyLiteral {
  if (p.acceptWords('MAXVALUE')) return { maxValue: true };
  if (p.acceptWords('NULL')) return null;
  const t = p.peek();
  if (t.type === 'string') return p.stringLiteral();
  const negative = p.acceptOp('-');
  const n = p.peek();
  if (n.type !== 'number' || n.numberKind !== 'integer') throw p.error('a partition value');
  p.next();
  return (negative ? '-' : '') + n.text;
}

/** `( v, … )`. */
export function parsePartitionValueList(p: TokenCursor): PartitionKeyLiteral[] {
  p.expectOp('(');
  const values = [parsePartitionValue(p)];
  while (p.acceptOp(',')) values.push(parsePartitionValue(p));
  p.expectOp(')');
  return values;
}

export type RawPartitionDef =
  | ({ type: 'RANGE'; ifNotExists: boolean } & RangePartitionDef)
  | ({ type: 'LIST'; ifNotExists: boolean } & ListPartitionDef);

/** One `partitionDef`: a LESS THAN, fixed `[…)` or IN partition. */
export function parsePartitionDef(p: TokenCursor): RawPartitionDef {
  if (p.isWord('FROM')) {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'batch partitions (FROM … TO … INTERVAL) are not supported by the simulator');
  }
  p.expectWords('PARTITION');
  const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
  const name = p.identifier();
  let def: RawPartitionDef;
  if (p.acceptWords('VALUES', 'LESS', 'THAN')) {
    const upper = p.acceptWords('MAXVALUE') ? [{ maxValue: true as const }] : parsePartitionValueList(p);
    def = { type: 'RANGE', ifNotExists, name, upper };
  } else if (p.acceptWords('VALUES', 'IN')) {
    p.expectOp('(');
    const values: PartitionKeyLiteral[][] = [];
    if (p.isOp('(')) {
      do values.push(parsePartitionValueList(p));
      while (p.acceptOp(','));
    } else {
      do values.push([parsePartitionValue(p)]);
      while (p.acceptOp(','));
    }
    p.expectOp(')');
    def = { type: 'LIST', ifNotExists, name, values };
  } else if (p.isWord('VALUES') && p.isOp('[', 1)) {
    p.next();
    p.next();
    const lower = parsePartitionValueList(p);
    p.expectOp(',');
    const upper = parsePartitionValueList(p);
    p.expectOp(')');
    def = { type: 'RANGE', ifNotExists, name, lower, upper };
  } else {
    // A LIST partition without VALUES is Doris' default partition.
    def = { type: 'LIST', ifNotExists, name, values: [] };
  }
  if (p.isOp('(')) {
    const properties = p.propertyList();
    if (Object.keys(properties).length > 0) def.properties = properties;
  }
  return def;
}

/** `DISTRIBUTED BY HASH (cols) | RANDOM [BUCKETS n | AUTO]` after `DISTRIBUTED BY`. */
export function parseDistribution(p: TokenCursor): DistributionDef {
  let columns: string[] | undefined;
  if (p.acceptWords('HASH')) columns = p.identifierList();
  else p.expectWords('RANDOM');
  let buckets: number | 'AUTO' = 'AUTO';
  if (p.acceptWords('BUCKETS')) {
    if (p.acceptWords('AUTO')) buckets = 'AUTO';
    else {
      buckets = p.smallInteger();
      if (buckets <= 0) throw dorisError(ErrNo.UNKNOWN, 'Number of hash distribution should be greater than zero.');
    }
  } else {
    // Without BUCKETS Doris uses the FE default (Config.default_bucket_num, 10).
    buckets = 10;
  }
  return columns === undefined ? { type: 'RANDOM', buckets } : { type: 'HASH', columns, buckets };
}

/** `name (cols) [DUPLICATE KEY (cols)] [FROM rollup] [PROPERTIES (…)]`. */
export function parseRollupDef(p: TokenCursor, allowFrom: boolean): RollupDef & { fromRollup?: string | undefined } {
  const name = p.identifier();
  const columns = p.identifierList();
  const rollup: RollupDef & { fromRollup?: string | undefined } = { name, columns };
  if (p.acceptWords('DUPLICATE', 'KEY')) rollup.duplicateKeys = p.identifierList();
  if (allowFrom && p.acceptWords('FROM')) rollup.fromRollup = p.identifier();
  const properties = p.optionalProperties();
  if (Object.keys(properties).length > 0) rollup.properties = properties;
  return rollup;
}

/** An AUTO PARTITION expression: a column, or a call such as `date_trunc(k, 'month')`. */
export function parseFunctionArgs(p: TokenCursor): { name: string; args: string[] } {
  const expr = parseExpr(p);
  if (expr.kind === 'column') return { name: '', args: [expr.name] };
  if (expr.kind !== 'call') throw p.error('a column or a function call');
  const args = expr.args.map((a) => {
    if (a.kind === 'column') return a.name;
    if (a.kind === 'literal') return String(a.value);
    throw p.error('a column or a literal argument');
  });
  return { name: expr.name.toLowerCase(), args };
}
