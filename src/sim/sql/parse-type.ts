// Data types as Doris' parser reads them (DataType.convertPrimitiveFromStrings), normalised
// to the simulator's ColumnType: INTEGER → INT, DATEV1/DATEV2 → DATE, DATETIMEV1/V2 →
// DATETIME, DECIMALV2/V3 → DECIMAL, TEXT → STRING, JSONB → JSON, CHARACTER → CHAR.
import type { ColumnType, TypeName } from '../model/schema.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { TokenCursor } from './token-cursor.js';

const SIMPLE: Record<string, TypeName> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  LARGEINT: 'LARGEINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  DATEV1: 'DATE',
  DATEV2: 'DATE',
  STRING: 'STRING',
  TEXT: 'STRING',
  JSON: 'JSON',
  JSONB: 'JSON',
  VARIANT: 'VARIANT',
  HLL: 'HLL',
  BITMAP: 'BITMAP',
  QUANTILE_STATE: 'QUANTILE_STATE',
  IPV4: 'IPV4',
  IPV6: 'IPV6',
};

/** VARCHAR without a length (or `VARCHAR(*)`) in Doris. */
export const MAX_VARCHAR_LENGTH = 65533;
const MAX_CHAR_LENGTH = 255;
const MAX_DECIMAL_PRECISION = 38;

/** Reads `( n [, m …] )` or `(*)`; `undefined` entries stand for `*`. */
function typeArgs(p: TokenCursor): (number | undefined)[] {
  if (!p.acceptOp('(')) return [];
  const args: (number | undefined)[] = [];
  do {
    if (p.acceptOp('*')) args.push(undefined);
    else args.push(p.smallInteger());
  } while (p.acceptOp(','));
  p.expectOp(')');
  return args;
}

function analysisError(message: string): Error {
  return dorisError(ErrNo.UNKNOWN, message);
}

function decimalType(args: (number | undefined)[], bare: { precision: number; scale: number }): ColumnType {
  if (args.length === 0) return { name: 'DECIMAL', ...bare };
  const precision = args[0] ?? MAX_DECIMAL_PRECISION;
  const scale = args[1] ?? 0;
  if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw analysisError(`Decimal's precision should be in range [1, ${MAX_DECIMAL_PRECISION}], but real precision is ${precision}`);
  }
  if (scale > precision) throw analysisError(`Decimal's scale should not be greater than precision, scale is ${scale}, precision is ${precision}`);
  return { name: 'DECIMAL', precision, scale };
}

function datetimeType(args: (number | undefined)[]): ColumnType {
  const scale = args[0] ?? 0;
  if (scale > 6) throw analysisError(`Scale of Datetime/Time must between 0 and 6. Scale was set to: ${scale}`);
  return { name: 'DATETIME', scale };
}

function charType(name: 'CHAR' | 'VARCHAR', args: (number | undefined)[]): ColumnType {
  const length = args[0] ?? (name === 'CHAR' ? 1 : MAX_VARCHAR_LENGTH);
  const max = name === 'CHAR' ? MAX_CHAR_LENGTH : MAX_VARCHAR_LENGTH;
  if (length < 1 || length > max) throw analysisError(`${name.toLowerCase()} size must be between 1 and ${max}, but got ${length}`);
  return { name, length };
}

/** Parses a column data type (`dataType` in DorisParser.g4). */
export function parseDataType(p: TokenCursor): ColumnType {
  const t = p.peek();
  if (t.type !== 'word') throw p.error('a data type');
  const word = t.upper;
  if (word === 'ARRAY' || word === 'MAP' || word === 'STRUCT') return complexType(p, word);
  p.next();
  const simple = SIMPLE[word];
  if (simple !== undefined) {
    typeArgs(p); // INT(11) and similar display widths are accepted and ignored, as in Doris.
    return { name: simple };
  }
  switch (word) {
    case 'DECIMAL':
    case 'DECIMALV3':
      return decimalType(typeArgs(p), { precision: 38, scale: 9 });
    case 'DECIMALV2':
      return decimalType(typeArgs(p), { precision: 27, scale: 9 });
    case 'DATETIME':
    case 'DATETIMEV2':
    case 'DATETIMEV1':
      return datetimeType(typeArgs(p));
    case 'CHAR':
    case 'CHARACTER':
      return charType('CHAR', typeArgs(p));
    case 'VARCHAR':
      return charType('VARCHAR', typeArgs(p));
    case 'TIME':
    case 'TIMEV2':
    case 'AGG_STATE':
      throw dorisError(ErrNo.NOT_SUPPORTED, `type ${word} is not supported by the simulator`);
    default:
      throw p.error('a data type', t);
  }
}

function complexType(p: TokenCursor, word: 'ARRAY' | 'MAP' | 'STRUCT'): ColumnType {
  p.next();
  p.expectOp('<');
  let type: ColumnType;
  if (word === 'ARRAY') {
    type = { name: 'ARRAY', items: [parseDataType(p)] };
  } else if (word === 'MAP') {
    const key = parseDataType(p);
    p.expectOp(',');
    type = { name: 'MAP', items: [key, parseDataType(p)] };
  } else {
    const fields: { name: string; type: ColumnType }[] = [];
    do {
      const name = p.identifier();
      p.expectOp(':');
      fields.push({ name, type: parseDataType(p) });
      if (p.acceptWords('COMMENT')) p.stringLiteral();
    } while (p.acceptOp(','));
    type = { name: 'STRUCT', fields };
  }
  p.expectOp('>');
  return type;
}

/** CAST target: a data type, or `SIGNED [INT]` (BIGINT) / `UNSIGNED [INT]` (LARGEINT). */
export function parseCastType(p: TokenCursor): ColumnType {
  const signed = p.acceptOneOf('SIGNED', 'UNSIGNED');
  if (signed !== undefined) {
    p.acceptOneOf('INT', 'INTEGER');
    return { name: signed === 'SIGNED' ? 'BIGINT' : 'LARGEINT' };
  }
  return parseDataType(p);
}
