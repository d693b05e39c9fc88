// Partition keys and items as Doris represents them (catalog/PartitionKey.java,
// RangePartitionItem, ListPartitionItem). The printed forms are the cross-cluster join key
// of CCR (PROTOCOL §4.6): PartitionKey.toString() is "types: [INT]; keys: [10]; " and a
// range item prints as Guava's Range.toString(), "[" + lower + ".." + upper + ")".
import { ddlError } from './errors.js';
import type { ColumnType, PartitionKeyLiteral } from './schema.js';
import { coerceValue, compareValues, type Value } from './value.js';

/** One bound or list value: a literal per partition column. */
export interface PartitionKey {
  /** Doris PrimitiveType names, e.g. INT, DATEV2, DATETIMEV2, VARCHAR. */
  types: string[];
  keys: PartitionKeyLiteral[];
  /** LIST only: the DEFAULT partition's key prints "keys: [default key]". */
  isDefault?: boolean | undefined;
}

export type PartitionItem =
  | { kind: 'RANGE'; lower: PartitionKey; upper: PartitionKey }
  | { kind: 'LIST'; keys: PartitionKey[] };

export interface KeyColumn {
  name: string;
  type: ColumnType;
}

const MAX: PartitionKeyLiteral = { maxValue: true };

export function isMax(lit: PartitionKeyLiteral): lit is { maxValue: true } {
  return typeof lit === 'object' && lit !== null;
}

/** The PrimitiveType name Doris stores for a column type (DATE/DATETIME are V2 since 2.0). */
export function primitiveTypeName(type: ColumnType): string {
  if (type.name === 'DATE') return 'DATEV2';
  if (type.name === 'DATETIME') return 'DATETIMEV2';
  if (type.name === 'JSON') return 'JSONB';
  if (type.name === 'DECIMAL') {
    const p = type.precision ?? 9;
    return p <= 9 ? 'DECIMAL32' : p <= 18 ? 'DECIMAL64' : p <= 38 ? 'DECIMAL128' : 'DECIMAL256';
  }
  return type.name;
}

/** LiteralExpr.createInfinity(type, false): the MIN value range partitions fill gaps with. */
const MIN_VALUES: Partial<Record<ColumnType['name'], Value>> = {
  TINYINT: -128,
  SMALLINT: -32768,
  INT: -2147483648,
  BIGINT: -9223372036854775808n,
  LARGEINT: -(2n ** 127n),
  DATE: '0000-01-01',
};

function minValue(type: ColumnType): Value {
  if (type.name === 'DATETIME') {
    return (type.scale ?? 0) > 0 ? `0000-01-01 00:00:00.${'0'.repeat(type.scale ?? 0)}` : '0000-01-01 00:00:00';
  }
  const v = MIN_VALUES[type.name];
  if (v === undefined) throw ddlError(`Invalid data type for creating infinity: ${primitiveTypeName(type)}`);
  return v;
}

function coerceKeyLiteral(lit: PartitionKeyLiteral, col: KeyColumn): PartitionKeyLiteral {
  if (isMax(lit)) return lit;
  if (lit === null) return null;
  try {
    // The min date '0000-01-01' is a valid Doris date but not one coerceValue accepts.
    if (typeof lit === 'string' && lit.startsWith('0000-01-01') && (col.type.name === 'DATE' || col.type.name === 'DATETIME')) {
      return minValue(col.type);
    }
    return coerceValue(lit, col.type);
  } catch (e) {
    throw ddlError(`Invalid range value format： ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** PartitionKey.createPartitionKey: typed literals for the given values, vacancies filled with MIN. */
export function makeRangeKey(values: PartitionKeyLiteral[], columns: KeyColumn[]): PartitionKey {
  if (values.length > columns.length) {
    throw ddlError(`Partition values number is more than partition column number: ${values.length}`);
  }
  const keys: PartitionKeyLiteral[] = [];
  columns.forEach((col, i) => {
    const v = values[i];
    keys.push(v === undefined ? minValue(col.type) : coerceKeyLiteral(v, col));
  });
  return { types: columns.map((c) => primitiveTypeName(c.type)), keys };
}

/** PartitionKey.createInfinityPartitionKey(columns, isMax). */
export function infinityKey(columns: KeyColumn[], max: boolean): PartitionKey {
  return {
    types: columns.map((c) => primitiveTypeName(c.type)),
    keys: columns.map((c) => (max ? MAX : minValue(c.type))),
  };
}

/** PartitionKey.isMinValue: every literal is its column's MIN value. */
export function isMinKey(key: PartitionKey, columns: KeyColumn[]): boolean {
  return key.keys.every((k, i) => {
    const col = columns[i];
    return col !== undefined && !isMax(k) && compareValues(k, minValue(col.type)) === 0;
  });
}

/** PartitionKey.createListPartitionKey: one literal per column; an empty tuple is the DEFAULT key. */
export function makeListKey(values: PartitionKeyLiteral[], columns: KeyColumn[]): PartitionKey {
  // ListPartitionInfo.createAndCheckPartitionItem: every non-empty value list has one literal
  // per partition column (so `VALUES IN ("a", "1")` is two one-column values).
  if (values.length > 0 && values.length !== columns.length) {
    throw ddlError(`partition key desc list size[${values.length}] is not equal to partition column size[${columns.length}]`);
  }
  const types = columns.map((c) => primitiveTypeName(c.type));
  // The DEFAULT partition's key: its literals are never printed ("default key") or compared.
  if (values.length === 0) return { types, keys: columns.map((c) => (c.type.name in MIN_VALUES ? minValue(c.type) : null)), isDefault: true };
  return { types, keys: values.map((v, i) => coerceKeyLiteral(v, columns[i] as KeyColumn)) };
}

function compareLiteral(a: PartitionKeyLiteral, b: PartitionKeyLiteral): number {
  const am = isMax(a);
  const bm = isMax(b);
  if (am || bm) return am && bm ? 0 : am ? 1 : -1;
  return compareValues(a, b);
}

/** PartitionKey.compareTo: element-wise, then by length. */
export function compareKeys(a: PartitionKey, b: PartitionKey): number {
  const n = Math.min(a.keys.length, b.keys.length);
  for (let i = 0; i < n; i++) {
    const r = compareLiteral(a.keys[i] as PartitionKeyLiteral, b.keys[i] as PartitionKeyLiteral);
    if (r !== 0) return r;
  }
  return a.keys.length - b.keys.length;
}


/** LiteralExpr.getRealValue / DateLiteral.getStringValue as PartitionKey.toString prints them. */
function realValueText(lit: PartitionKeyLiteral, type: string): string {
  if (isMax(lit)) return 'MAXVALUE';
  if (lit === null) return 'NULL';
  if (type === 'BOOLEAN') return lit === 1 || lit === '1' || lit === 'true' ? 'true' : 'false';
  if (type === 'DATETIMEV2' && typeof lit === 'string') {
    // DateLiteral prints the fraction only when the microseconds are non-zero.
    const m = /^(.*?)(\.(\d+))?$/.exec(lit);
    if (m?.[3] !== undefined && /^0+$/.test(m[3])) return m[1] ?? lit;
  }
  return typeof lit === 'bigint' ? lit.toString() : String(lit);
}

/** PartitionKey.toString(): "types: [INT, DATEV2]; keys: [1, 2024-01-01]; ". */
export function partitionKeyToString(key: PartitionKey): string {
  const keys = key.isDefault ? 'default key' : key.keys.map((k, i) => realValueText(k, key.types[i] ?? '')).join(', ');
  return `types: [${key.types.join(', ')}]; keys: [${keys}]; `;
}

/**
 * PartitionKey.toSql(): ("10", "20"), ('2024-06-01'), (MAXVALUE). Doris skips the ", "
 * separator after MAXVALUE and NULL literals; that quirk is reproduced so SQL round-trips
 * through CCR exactly as with a real FE.
 */
export function partitionKeyToSql(key: PartitionKey): string {
  let sb = '(';
  key.keys.forEach((lit, i) => {
    const type = key.types[i] ?? '';
    if (isMax(lit) || lit === null) {
      sb += isMax(lit) ? 'MAXVALUE' : 'NULL';
      return;
    }
    const dateLike = type === 'DATEV2' || type === 'DATETIMEV2' || type === 'DATE' || type === 'DATETIME';
    sb += dateLike ? `'${realValueText(lit, type)}'` : `"${realValueText(lit, type)}"`;
    if (i !== key.keys.length - 1) sb += ', ';
  });
  return sb + ')';
}

/** PartitionInfo.getPartitionRangeString: the CCR join key ("" for unpartitioned tables). */
export function partitionItemString(item: PartitionItem | undefined): string {
  if (item === undefined) return '';
  if (item.kind === 'RANGE') return `[${partitionKeyToString(item.lower)}..${partitionKeyToString(item.upper)})`;
  return `[${item.keys.map(partitionKeyToString).join(', ')}]`;
}

/** ListPartitionItem.toSql(): ("1") for one value, (("1"),("2")) for several. */
export function listItemSql(item: { keys: PartitionKey[] }): string {
  const body = item.keys.map(partitionKeyToSql).join(',');
  return item.keys.length > 1 ? `(${body})` : body;
}

/** The key of one row for routing: the row's partition-column values. */
export function rowKey(values: Value[], types: string[]): PartitionKey {
  return { types, keys: values };
}

/** Whether the row key falls into the item: lower <= key < upper, or equals a list value. */
export function itemContains(item: PartitionItem, key: PartitionKey): boolean {
  if (item.kind === 'RANGE') return compareKeys(item.lower, key) <= 0 && compareKeys(key, item.upper) < 0;
  return item.keys.some((k) => !k.isDefault && compareKeys(k, key) === 0);
}

/** Range overlap check for ADD PARTITION (RangeUtils.checkRangeIntersect). */
export function rangesIntersect(a: PartitionItem, b: PartitionItem): boolean {
  if (a.kind !== 'RANGE' || b.kind !== 'RANGE') return false;
  return compareKeys(a.lower, b.upper) < 0 && compareKeys(b.lower, a.upper) < 0;
}

/** List value overlap for ADD PARTITION (a value may belong to one partition only). */
export function listsIntersect(a: PartitionItem, b: PartitionItem): PartitionKey | undefined {
  if (a.kind !== 'LIST' || b.kind !== 'LIST') return undefined;
  return a.keys.find((k) => !k.isDefault && b.keys.some((o) => !o.isDefault && compareKeys(k, o) === 0));
}

/** Sort order of SHOW CREATE TABLE / SHOW PARTITIONS: ranges by lower bound, lists by first key. */
export function compareItems(a: PartitionItem | undefined, b: PartitionItem | undefined): number {
  if (a === undefined || b === undefined) return 0;
  if (a.kind === 'RANGE' && b.kind === 'RANGE') return compareKeys(a.lower, b.lower);
  if (a.kind === 'LIST' && b.kind === 'LIST') {
    const ka = a.keys[0];
    const kb = b.keys[0];
    if (ka === undefined || kb === undefined) return 0;
    return compareKeys(ka, kb);
  }
  return 0;
}
