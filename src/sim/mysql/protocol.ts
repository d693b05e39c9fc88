// MySQL protocol constants and the server-side packet payloads: handshake v10, OK, ERR, EOF,
// column definitions and text-protocol rows.
import type { ColumnType } from '../model/schema.js';
import { formatValue, type Value } from '../model/value.js';
import { PayloadWriter } from './packet-io.js';

export const Capability = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  NO_SCHEMA: 0x10,
  PROTOCOL_41: 0x200,
  INTERACTIVE: 0x400,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PS_MULTI_RESULTS: 0x40000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  DEPRECATE_EOF: 0x1000000,
} as const;

/** What the simulator announces (no TLS, classic EOF packets). */
export const SERVER_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.NO_SCHEMA |
  Capability.PROTOCOL_41 |
  Capability.INTERACTIVE |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;

export const Command = {
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  STATISTICS: 0x09,
  PROCESS_KILL: 0x0c,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  RESET_CONNECTION: 0x1f,
} as const;

export const ServerStatus = {
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
} as const;

/** utf8_general_ci, what Doris reports for the connection and every column. */
export const CHARSET_UTF8 = 33;

export const NATIVE_PASSWORD_PLUGIN = 'mysql_native_password';

/** MySQL column type codes. */
export const MysqlType = {
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  LONGLONG: 8,
  DATE: 10,
  DATETIME: 12,
  JSON: 245,
  NEWDECIMAL: 246,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
} as const;

export function handshakePayload(serverVersion: string, connectionId: number, scramble: Buffer): Buffer {
  return new PayloadWriter()
    .int1(10)
    .nulString(serverVersion)
    .int4(connectionId)
    .raw(scramble.subarray(0, 8))
    .int1(0)
    .int2(SERVER_CAPABILITIES & 0xffff)
    .int1(CHARSET_UTF8)
    .int2(ServerStatus.AUTOCOMMIT)
    .int2((SERVER_CAPABILITIES >>> 16) & 0xffff)
    .int1(scramble.length + 1)
    .zeros(10)
    .raw(scramble.subarray(8))
    .int1(0)
    .nulString(NATIVE_PASSWORD_PLUGIN)
    .toBuffer();
}

export function authSwitchPayload(scramble: Buffer): Buffer {
  return new PayloadWriter().int1(0xfe).nulString(NATIVE_PASSWORD_PLUGIN).raw(scramble).int1(0).toBuffer();
}

export interface OkFields {
  affectedRows?: number | bigint | undefined;
  lastInsertId?: number | bigint | undefined;
  status?: number | undefined;
  warnings?: number | undefined;
  info?: string | undefined;
}

export function okPayload(fields: OkFields = {}): Buffer {
  const w = new PayloadWriter()
    .int1(0x00)
    .lenenc(fields.affectedRows ?? 0)
    .lenenc(fields.lastInsertId ?? 0)
    .int2(fields.status ?? ServerStatus.AUTOCOMMIT)
    .int2(fields.warnings ?? 0);
  // Doris (MysqlOkPacket) and MySQL servers send the info length-encoded; libmysqlclient and
  // libmariadb read it that way and report a malformed packet otherwise.
  if (fields.info) w.lenencString(fields.info);
  return w.toBuffer();
}

export function errPayload(errno: number, sqlState: string, message: string): Buffer {
  const state = (sqlState + 'HY000').slice(0, 5);
  return new PayloadWriter().int1(0xff).int2(errno).raw('#').raw(state).raw(message).toBuffer();
}

export function eofPayload(status: number = ServerStatus.AUTOCOMMIT, warnings = 0): Buffer {
  return new PayloadWriter().int1(0xfe).int2(warnings).int2(status).toBuffer();
}

/** Wire description of a result column: type code, display length and decimals (as Doris maps them). */
export function wireType(type: ColumnType): { code: number; length: number; decimals: number } {
  switch (type.name) {
    case 'BOOLEAN':
      return { code: MysqlType.TINY, length: 1, decimals: 0 };
    case 'TINYINT':
      return { code: MysqlType.TINY, length: 4, decimals: 0 };
    case 'SMALLINT':
      return { code: MysqlType.SHORT, length: 6, decimals: 0 };
    case 'INT':
      return { code: MysqlType.LONG, length: 11, decimals: 0 };
    case 'BIGINT':
      return { code: MysqlType.LONGLONG, length: 20, decimals: 0 };
    case 'LARGEINT':
      // Doris sends LARGEINT as a string unless use_mysql_bigint_for_largeint is set.
      return { code: MysqlType.STRING, length: 40, decimals: 0 };
    case 'FLOAT':
      return { code: MysqlType.FLOAT, length: 12, decimals: 31 };
    case 'DOUBLE':
      return { code: MysqlType.DOUBLE, length: 22, decimals: 31 };
    case 'DECIMAL': {
      const precision = type.precision ?? 9;
      const scale = type.scale ?? 0;
      return { code: MysqlType.NEWDECIMAL, length: precision + (scale > 0 ? 2 : 1), decimals: scale };
    }
    case 'DATE':
      return { code: MysqlType.DATE, length: 10, decimals: 0 };
    case 'DATETIME': {
      const scale = type.scale ?? 0;
      return { code: MysqlType.DATETIME, length: scale > 0 ? 20 + scale : 19, decimals: scale };
    }
    case 'CHAR':
      return { code: MysqlType.STRING, length: (type.length ?? 1) * 4, decimals: 0 };
    case 'VARCHAR':
      return { code: MysqlType.VAR_STRING, length: (type.length ?? 65533) * 4, decimals: 0 };
    case 'STRING':
      return { code: MysqlType.BLOB, length: 0xffffffff, decimals: 0 };
    case 'JSON':
    case 'VARIANT':
      return { code: MysqlType.JSON, length: 0xffffffff, decimals: 0 };
    case 'HLL':
    case 'BITMAP':
    case 'QUANTILE_STATE':
    case 'IPV4':
    case 'IPV6':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return { code: MysqlType.STRING, length: 0xffff, decimals: 0 };
  }
}

export interface ColumnDefinition {
  name: string;
  type: ColumnType;
  table?: string | undefined;
  db?: string | undefined;
}

export function columnDefinitionPayload(col: ColumnDefinition): Buffer {
  const { code, length, decimals } = wireType(col.type);
  return new PayloadWriter()
    .lenencString('def')
    .lenencString(col.db ?? '')
    .lenencString(col.table ?? '')
    .lenencString(col.table ?? '')
    .lenencString(col.name)
    .lenencString(col.name)
    .lenenc(0x0c)
    .int2(CHARSET_UTF8)
    .int4(Math.min(length, 0xffffffff))
    .int1(code)
    .int2(0)
    .int1(decimals)
    .int2(0)
    .toBuffer();
}

export function textRowPayload(row: readonly Value[]): Buffer {
  const w = new PayloadWriter();
  for (const v of row) {
    const text = formatValue(v);
    if (text === null) w.int1(0xfb);
    else w.lenencString(text);
  }
  return w.toBuffer();
}
