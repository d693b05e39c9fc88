// CREATE TABLE: parses every clause Doris accepts and analyses the result into a TableDef the
// way Doris' CreateTableInfo.validate does (default keys, key prefix rule, partition and
// distribution column checks), with Doris' error messages.
import type { ColumnDef, ColumnType, DistributionDef, IndexDef, KeysType, PartitionDef, PartitionKeyLiteral, RollupDef, TableDef } from '../model/schema.js';
import { coerceValue, ValueError } from '../model/value.js';
import { dorisError, ErrNo, SqlError } from '../sql-error.js';
import type { Statement } from './ast.js';
import { parseColumnDef, parseDistribution, parseFunctionArgs, parseIndexDef, parsePartitionDef, parseRollupDef, type RawPartitionDef } from './parse-table-parts.js';
import type { TokenCursor } from './token-cursor.js';

const SHORT_KEY_MAX_COLUMNS = 3;
const SHORT_KEY_MAX_BYTES = 36;

function fail(message: string): SqlError {
  return dorisError(ErrNo.UNKNOWN, message);
}

/** Bytes a column contributes to the short key (PrimitiveType.getOlapColumnIndexSize). */
function indexSize(type: ColumnType): number {
  switch (type.name) {
    case 'BOOLEAN':
    case 'TINYINT':
      return 1;
    case 'SMALLINT':
      return 2;
    case 'INT':
    case 'FLOAT':
    case 'DATE':
    case 'IPV4':
      return 4;
    case 'BIGINT':
    case 'DOUBLE':
    case 'DATETIME':
      return 8;
    case 'LARGEINT':
    case 'IPV6':
      return 16;
    case 'DECIMAL': {
      const precision = type.precision ?? 9;
      return precision <= 9 ? 4 : precision <= 18 ? 8 : precision <= 38 ? 16 : 32;
    }
    case 'CHAR':
      return type.length ?? 1;
    case 'VARCHAR':
    case 'STRING':
      return 20;
    case 'JSON':
    case 'VARIANT':
    case 'HLL':
    case 'BITMAP':
    case 'QUANTILE_STATE':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return 16;
  }
}

function isComplex(type: ColumnType): boolean {
  return type.name === 'ARRAY' || type.name === 'MAP' || type.name === 'STRUCT';
}

/** Doris' default key columns when no KEY clause is written. */
function defaultKeys(columns: ColumnDef[]): { keysType: KeysType; keys: string[] } {
  if (columns.some((c) => c.aggregate !== undefined)) {
    const keys: string[] = [];
    for (const c of columns) {
      if (c.aggregate !== undefined) break;
      keys.push(c.name);
    }
    return { keysType: 'AGG_KEYS', keys };
  }
  const keys: string[] = [];
  let keyLength = 0;
  for (const c of columns) {
    keyLength += indexSize(c.type);
    const stringLike = c.type.name === 'CHAR' || c.type.name === 'VARCHAR' || c.type.name === 'STRING';
    if (keys.length >= SHORT_KEY_MAX_COLUMNS || keyLength > SHORT_KEY_MAX_BYTES) {
      if (keys.length === 0 && stringLike) keys.push(c.name);
      break;
    }
    const name = c.type.name;
    if (name === 'FLOAT' || name === 'DOUBLE' || name === 'STRING' || name === 'JSON' || isComplex(c.type)) break;
    keys.push(c.name);
    if (name === 'VARCHAR') break;
  }
  return { keysType: 'DUP_KEYS', keys };
}

function checkKeyColumnType(c: ColumnDef): void {
  const n = c.type.name;
  if (n === 'FLOAT' || n === 'DOUBLE') throw fail('Float or double can not used as a key, use decimal instead.');
  if (n === 'STRING') throw fail(`String Type should not be used in key column[${c.name}]`);
  if (n === 'ARRAY') throw fail('Array can only be used in the non-key column of the duplicate table at present.');
  if (n === 'BITMAP' || n === 'HLL' || n === 'QUANTILE_STATE') throw fail(`Key column can not set complex type:${c.name}`);
  if (n === 'JSON') throw fail(`JsonType type should not be used in key column[${c.name}].`);
  if (n === 'VARIANT') throw fail(`Variant type should not be used in key column[${c.name}].`);
  if (n === 'MAP') throw fail('Map can only be used in the non-key column of the duplicate table at present.');
  if (n === 'STRUCT') throw fail('Struct can only be used in the non-key column of the duplicate table at present.');
}

function validateKeys(keysType: KeysType, keys: string[], columns: ColumnDef[]): void {
  if (keys.length === 0) {
    throw fail('The olap table first column could not be float, double, string or array, struct, map, please use decimal or varchar instead.');
  }
  if (keys.length > columns.length) throw fail('The number of key columns should be less than the number of columns.');
  keys.forEach((key, i) => {
    const column = columns[i] as ColumnDef;
    if (key.toLowerCase() !== column.name.toLowerCase()) {
      if (!columns.some((c) => c.name.toLowerCase() === key.toLowerCase())) throw fail(`Key column[${key}] doesn't exist.`);
      throw fail(
        `Key columns should be a ordered prefix of the schema. KeyColumns[${i}] (starts from zero) is ${key}, ` +
          `but corresponding column is ${column.name} in the previous columns declaration.`,
      );
    }
    if (column.aggregate !== undefined) throw fail(`Key column[${column.name}] should not specify aggregate type.`);
  });
  for (const c of columns.slice(keys.length)) {
    if (keysType === 'AGG_KEYS' && c.aggregate === undefined) {
      throw fail(`AGG_KEYS table should specify aggregate type for non-key column[${c.name}]`);
    }
    if (keysType !== 'AGG_KEYS' && c.aggregate !== undefined) {
      throw fail(`${keysType} table should not specify aggregate type for non-key column[${c.name}]`);
    }
  }
}

function coerceBound(v: PartitionKeyLiteral, column: ColumnDef): PartitionKeyLiteral {
  if (v === null || typeof v === 'object') return v;
  try {
    return coerceValue(v, column.type);
  } catch (err) {
    if (err instanceof ValueError) throw fail(`Invalid partition value: ${err.message}`);
    throw err;
  }
}

function coerceTuple(values: PartitionKeyLiteral[], columns: ColumnDef[]): PartitionKeyLiteral[] {
  if (values.length > columns.length) {
    throw fail(`partition key desc list size[${values.length}] is more than partition column size[${columns.length}]`);
  }
  return values.map((v, i) => coerceBound(v, columns[i] as ColumnDef));
}

function validatePartitionColumn(c: ColumnDef, mergeOnWrite: boolean): void {
  if (!c.isKey && (c.aggregate !== undefined || mergeOnWrite)) throw fail('The partition column could not be aggregated column');
  if (c.type.name === 'FLOAT' || c.type.name === 'DOUBLE') throw fail('Floating point type column can not be partition column');
  if (c.type.name === 'STRING') throw fail(`String Type should not be used in partition column[${c.name}].`);
  if (isComplex(c.type)) throw fail(`Complex type column can't be partition column: ${c.type.name}`);
}

interface PartitionClause {
  type: 'RANGE' | 'LIST';
  auto: boolean;
  columns: string[];
  autoFunction?: { name: string; args: string[] } | undefined;
  defs: RawPartitionDef[];
}

function buildPartition(clause: PartitionClause | undefined, byName: Map<string, ColumnDef>, mergeOnWrite: boolean): PartitionDef {
  if (clause === undefined) return { type: 'UNPARTITIONED' };
  const partitionColumns = clause.columns.map((name) => {
    const c = byName.get(name.toLowerCase());
    if (c === undefined) throw fail(`partition key ${name} is not exists`);
    validatePartitionColumn(c, mergeOnWrite);
    return c;
  });
  const seenColumns = new Set<string>();
  for (const name of clause.columns) {
    if (seenColumns.has(name.toLowerCase())) throw fail(`Duplicated partition column ${name}`);
    seenColumns.add(name.toLowerCase());
  }
  if (!clause.defs.every((d) => d.type === clause.type)) {
    throw fail('partitions types is invalid, expected FIXED or LESS in range partitions and IN in list partitions');
  }
  const seen = new Set<string>();
  for (const d of clause.defs) {
    if (seen.has(d.name)) throw fail(`Duplicated named partition: ${d.name}`);
    seen.add(d.name);
  }
  const columns = partitionColumns.map((c) => c.name);
  const autoPartition = clause.auto ? true : undefined;
  if (clause.type === 'RANGE') {
    const ranges = clause.defs.flatMap((d) => {
      if (d.type !== 'RANGE') return [];
      const { type: _type, ifNotExists: _ifNotExists, ...range } = d;
      const out = { ...range, upper: coerceTuple(d.upper, partitionColumns) };
      if (d.lower !== undefined) out.lower = coerceTuple(d.lower, partitionColumns);
      return [out];
    });
    return autoPartition ? { type: 'RANGE', columns, ranges, autoPartition } : { type: 'RANGE', columns, ranges };
  }
  const lists = clause.defs.flatMap((d) => {
    if (d.type !== 'LIST') return [];
    const { type: _type, ifNotExists: _ifNotExists, ...list } = d;
    return [{ ...list, values: d.values.map((tuple) => coerceTuple(tuple, partitionColumns)) }];
  });
  return autoPartition ? { type: 'LIST', columns, lists, autoPartition } : { type: 'LIST', columns, lists };
}

function validateDistribution(d: DistributionDef, keysType: KeysType, byName: Map<string, ColumnDef>, columns: ColumnDef[]): DistributionDef {
  if (d.type === 'RANDOM') {
    if (keysType === 'UNIQUE_KEYS') throw fail('Should not be distributed by random when keys type is unique');
    if (keysType === 'AGG_KEYS') {
      const bad = columns.find((c) => c.aggregate === 'REPLACE' || c.aggregate === 'REPLACE_IF_NOT_NULL');
      if (bad) throw fail(`Should not be distributed by random when keys type is aggand column is in replace, [${bad.name}] is invalid`);
    }
    return d;
  }
  const seen = new Set<string>();
  const hashColumns = d.columns.map((name) => {
    const c = byName.get(name.toLowerCase());
    if (c === undefined) throw fail(`Distribution column(${name}) doesn't exist.`);
    if (seen.has(c.name.toLowerCase())) throw fail(`Duplicated distribution column ${name}`);
    seen.add(c.name.toLowerCase());
    if (keysType !== 'DUP_KEYS' && !c.isKey) throw fail(`Distribution column[${name}] is not key column`);
    if (c.type.name === 'FLOAT' || c.type.name === 'DOUBLE') throw fail(`Floating point type should not be distribution column[${name}]`);
    return c.name;
  });
  return { ...d, columns: hashColumns };
}

function validateIndexes(indexes: IndexDef[], byName: Map<string, ColumnDef>): void {
  const names = new Set<string>();
  for (const index of indexes) {
    for (const col of index.columns) {
      if (!byName.has(col.toLowerCase())) throw fail(`Column does not exist in table. invalid column: ${col}`);
    }
    if (names.has(index.name.toLowerCase())) throw fail('index name must be unique.');
    names.add(index.name.toLowerCase());
  }
}

function validateRollups(rollups: RollupDef[], byName: Map<string, ColumnDef>): void {
  for (const r of rollups) {
    for (const col of r.columns) {
      if (!byName.has(col.toLowerCase())) throw fail(`Column[${col}] does not exist in base index`);
    }
  }
}

interface RawCreateTable {
  columns: ColumnDef[];
  indexes: IndexDef[];
  keysType?: KeysType | undefined;
  keys: string[];
  comment: string;
  partition?: PartitionClause | undefined;
  distribution?: DistributionDef | undefined;
  rollups: RollupDef[];
  properties: Record<string, string>;
}

/** Turns the parsed clauses into a TableDef as Doris' CreateTableInfo.validate does. */
function analyze(name: string, raw: RawCreateTable): TableDef {
  if (raw.distribution === undefined) throw fail('Create olap table should contain distribution desc');
  const columns = raw.columns.map((c) => ({ ...c, isKey: false }));
  const byName = new Map<string, ColumnDef>();
  for (const c of columns) {
    if (byName.has(c.name.toLowerCase())) throw new SqlError(ErrNo.DUP_FIELDNAME, `Duplicate column name '${c.name}'`, '42S21');
    byName.set(c.name.toLowerCase(), c);
  }
  const { keysType, keys } = raw.keysType !== undefined ? { keysType: raw.keysType, keys: raw.keys } : defaultKeys(columns);
  validateKeys(keysType, keys, columns);
  keys.forEach((_, i) => {
    const c = columns[i] as ColumnDef;
    c.isKey = true;
    checkKeyColumnType(c);
  });
  for (const c of columns) {
    if (!c.isKey && (c.type.name === 'BITMAP' || c.type.name === 'HLL' || c.type.name === 'QUANTILE_STATE')) {
      if (keysType === 'AGG_KEYS' && c.aggregate === undefined) throw fail(`complex type have to use aggregate function: ${c.name}`);
      if (c.nullable) throw fail(`complex type column must be not nullable, column:${c.name}`);
    }
    if (c.aggregate === 'REPLACE_IF_NOT_NULL' && !c.nullable) {
      throw fail(`REPLACE_IF_NOT_NULL column must be nullable, maybe should use REPLACE, column:${c.name}`);
    }
  }
  const mergeOnWrite = keysType === 'UNIQUE_KEYS' && (raw.properties['enable_unique_key_merge_on_write'] ?? 'true').toLowerCase() === 'true';
  if (raw.properties['enable_unique_key_merge_on_write'] !== undefined && keysType !== 'UNIQUE_KEYS') {
    throw fail('enable_unique_key_merge_on_write property only support unique key table');
  }
  const partition = buildPartition(raw.partition, byName, mergeOnWrite);
  const distribution = validateDistribution(raw.distribution, keysType, byName, columns);
  validateIndexes(raw.indexes, byName);
  validateRollups(raw.rollups, byName);
  return {
    name,
    columns,
    keysType,
    keys: keys.map((k) => (byName.get(k.toLowerCase()) as ColumnDef).name),
    partition,
    distribution,
    rollups: raw.rollups,
    indexes: raw.indexes,
    properties: raw.properties,
    comment: raw.comment,
  };
}

function parsePartitionClause(p: TokenCursor, auto: boolean): PartitionClause {
  const kind = p.acceptOneOf('RANGE', 'LIST') ?? 'LIST';
  p.expectOp('(');
  const columns: string[] = [];
  let autoFunction: PartitionClause['autoFunction'];
  do {
    const fn = parseFunctionArgs(p);
    if (fn.name === '') {
      columns.push(fn.args[0] as string);
    } else {
      if (!auto) throw p.error('a partition column');
      autoFunction = fn;
      if (fn.args[0] !== undefined) columns.push(fn.args[0]);
    }
  } while (p.acceptOp(','));
  p.expectOp(')');
  p.expectOp('(');
  const defs: RawPartitionDef[] = [];
  if (!p.isOp(')')) {
    do defs.push(parsePartitionDef(p));
    while (p.acceptOp(','));
  }
  p.expectOp(')');
  return { type: kind, auto, columns, autoFunction, defs };
}

const KEYS_TYPES: Record<string, KeysType> = { DUPLICATE: 'DUP_KEYS', UNIQUE: 'UNIQUE_KEYS', AGGREGATE: 'AGG_KEYS' };

/** After `CREATE [EXTERNAL|TEMPORARY] TABLE`: parses the rest of CREATE TABLE / CREATE TABLE LIKE. */
export function parseCreateTableRest(p: TokenCursor): Statement {
  const ifNotExists = p.acceptWords('IF', 'NOT', 'EXISTS');
  const { span: _span, ...table } = p.tableName();
  if (p.acceptWords('LIKE')) {
    const { span: _likeSpan, ...like } = p.tableName();
    let withRollup: string[] | 'ALL' | undefined;
    if (p.acceptWords('WITH', 'ROLLUP')) withRollup = p.isOp('(') ? p.identifierList() : 'ALL';
    return { kind: 'createTableLike', ifNotExists, table, like, withRollup };
  }
  const raw: RawCreateTable = { columns: [], indexes: [], keys: [], comment: '', rollups: [], properties: {} };
  if (!p.isOp('(')) throw dorisError(ErrNo.NOT_SUPPORTED, 'CREATE TABLE … AS SELECT is not supported by the simulator');
  p.expectOp('(');
  do {
    if (p.isOp(')')) break; // trailing comma
    if (p.acceptWords('INDEX')) raw.indexes.push(parseIndexDef(p).index);
    else if (raw.indexes.length > 0) throw p.error('INDEX');
    else raw.columns.push(parseColumnDef(p));
  } while (p.acceptOp(','));
  p.expectOp(')');
  if (raw.columns.length === 0) throw fail('table should contain at least one column');
  let engine = 'olap';
  if (p.acceptWords('ENGINE')) {
    p.expectOp('=');
    engine = p.identifier().toLowerCase();
  }
  if (engine !== 'olap') throw dorisError(ErrNo.NOT_SUPPORTED, `Do not support table with engine name = ${engine}`);
  const keysWord = p.acceptOneOf('AGGREGATE', 'UNIQUE', 'DUPLICATE');
  if (keysWord !== undefined) {
    p.expectWords('KEY');
    raw.keysType = KEYS_TYPES[keysWord];
    raw.keys = p.identifierList();
    if (p.acceptWords('CLUSTER', 'BY')) throw dorisError(ErrNo.NOT_SUPPORTED, 'CLUSTER BY is not supported by the simulator');
  }
  if (p.acceptWords('COMMENT')) raw.comment = p.stringLiteral();
  const auto = p.acceptWords('AUTO');
  if (p.acceptWords('PARTITION', 'BY')) raw.partition = parsePartitionClause(p, auto);
  else if (auto) throw p.error('PARTITION BY');
  if (p.acceptWords('DISTRIBUTED', 'BY')) raw.distribution = parseDistribution(p);
  if (p.acceptWords('ROLLUP')) {
    p.expectOp('(');
    do raw.rollups.push(parseRollupDef(p, false));
    while (p.acceptOp(','));
    p.expectOp(')');
  }
  raw.properties = p.optionalProperties();
  if (p.isWord('BROKER') || p.isWord('AS')) throw dorisError(ErrNo.NOT_SUPPORTED, `CREATE TABLE … ${p.peek().upper} is not supported by the simulator`);
  const def = analyze(table.name, raw);
  return { kind: 'createTable', ifNotExists, table, def, engine, autoPartitionFunction: raw.partition?.autoFunction };
}
