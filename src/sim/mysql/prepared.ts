// Server-side prepared statements (COM_STMT_PREPARE / EXECUTE / CLOSE / SEND_LONG_DATA).
// A statement is kept as SQL text; EXECUTE decodes the binary parameters, substitutes them
// as SQL literals for the `?` placeholders and runs the text like COM_QUERY; result rows go
// back in the binary protocol.
import type { Value } from '../model/value.js';
import { SqlError } from '../sql-error.js';
import { tokenize } from '../sql/lexer.js';
import { PayloadReader, PayloadWriter, ProtocolError } from './packet-io.js';
import { CHARSET_UTF8, eofPayload, errPayload, MysqlType, wireType } from './protocol.js';
import type { ResultColumn } from './query-result.js';

interface Statement {
  sql: string;
  /** Offsets of the `?` placeholders in `sql`. */
  placeholders: number[];
  /** Parameter types from the last execute that bound them (2 bytes each). */
  types: number[];
  longData: Map<number, Buffer[]>;
}

export type Execution = { kind: 'sql'; sql: string; binary: true } | { kind: 'error'; error: SqlError };

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Reads one binary-protocol parameter value and renders it as a SQL literal. */
function readParam(r: PayloadReader, type: number): string {
  const unsigned = (type & 0x8000) !== 0;
  switch (type & 0xff) {
    case MysqlType.NULL:
      return 'NULL';
    case MysqlType.TINY: {
      const v = r.int1();
      return String(unsigned ? v : (v << 24) >> 24);
    }
    case MysqlType.SHORT:
    case 13: {
      const v = r.int2();
      return String(unsigned ? v : (v << 16) >> 16);
    }
    case MysqlType.LONG:
    case 9: {
      const v = r.int4();
      return String(unsigned ? v : v | 0);
    }
    case MysqlType.LONGLONG: {
      const v = r.int8();
      return String(unsigned ? v : BigInt.asIntN(64, v));
    }
    case MysqlType.FLOAT:
      return String(r.bytes(4).readFloatLE(0));
    case MysqlType.DOUBLE:
      return String(r.bytes(8).readDoubleLE(0));
    case MysqlType.DATE:
    case MysqlType.DATETIME:
    case 7: {
      const len = r.int1();
      if (len === 0) return quote('0000-00-00 00:00:00');
      const y = r.int2();
      const m = r.int1();
      const d = r.int1();
      if (len === 4) return quote(`${pad(y, 4)}-${pad(m)}-${pad(d)}`);
      const h = r.int1();
      const i = r.int1();
      const s = r.int1();
      const micro = len >= 11 ? r.int4() : 0;
      return quote(`${pad(y, 4)}-${pad(m)}-${pad(d)} ${pad(h)}:${pad(i)}:${pad(s)}${micro ? `.${pad(micro, 6)}` : ''}`);
    }
    case 11: {
      const len = r.int1();
      if (len === 0) return quote('00:00:00');
      const negative = r.int1() === 1;
      const days = r.int4();
      const h = r.int1() + days * 24;
      const i = r.int1();
      const s = r.int1();
      if (len >= 12) r.int4();
      return quote(`${negative ? '-' : ''}${pad(h)}:${pad(i)}:${pad(s)}`);
    }
    default:
      return quote(r.lenencBytes().toString('utf8'));
  }
}

export class PreparedStatements {
  private readonly statements = new Map<number, Statement>();
  private nextId = 1;

  clear(): void {
    this.statements.clear();
  }

  /** COM_STMT_PREPARE: PREPARE_OK plus parameter definitions, or an ERR. */
  prepare(sql: string): Buffer[] {
    let placeholders: number[];
    try {
      placeholders = tokenize(sql)
        .filter((t) => t.type === 'op' && t.text === '?')
        .map((t) => t.start);
    } catch (err) {
      const e = err instanceof SqlError ? err : new SqlError(1064, String(err), '42000');
      return [errPayload(e.errno, e.sqlState, e.message)];
    }
    const id = this.nextId++;
    this.statements.set(id, { sql, placeholders, types: [], longData: new Map() });
    const ok = new PayloadWriter().int1(0).int4(id).int2(0).int2(placeholders.length).int1(0).int2(0).toBuffer();
    if (placeholders.length === 0) return [ok];
    const param = new PayloadWriter()
      .lenencString('def')
      .lenencString('')
      .lenencString('')
      .lenencString('')
      .lenencString('?')
      .lenencString('')
      .lenenc(0x0c)
      .int2(CHARSET_UTF8)
      .int4(0)
      .int1(MysqlType.VAR_STRING)
      .int2(0)
      .int1(0)
      .int2(0)
      .toBuffer();
    return [ok, ...placeholders.map(() => param), eofPayload()];
  }

  /** COM_STMT_EXECUTE: the SQL text with parameters substituted. */
  execute(body: Buffer): Execution {
    try {
      const r = new PayloadReader(body);
      const id = r.int4();
      const statement = this.statements.get(id);
      if (statement === undefined) return { kind: 'error', error: new SqlError(1243, `Unknown prepared statement handler (${id}) given to mysqld_stmt_execute`, 'HY000') };
      r.int1(); // cursor flags
      r.int4(); // iteration count
      const n = statement.placeholders.length;
      const literals: string[] = [];
      if (n > 0) {
        const nullBitmap = r.bytes(Math.floor((n + 7) / 8));
        if (r.int1() === 1) statement.types = Array.from({ length: n }, () => r.int2());
        for (let i = 0; i < n; i++) {
          const long = statement.longData.get(i);
          if (((nullBitmap[i >> 3] as number) >> (i & 7)) & 1) literals.push('NULL');
          else if (long !== undefined) literals.push(quote(Buffer.concat(long).toString('utf8')));
          else literals.push(readParam(r, statement.types[i] ?? MysqlType.VAR_STRING));
        }
      }
      statement.longData.clear();
      let sql = '';
      let last = 0;
      statement.placeholders.forEach((offset, i) => {
        sql += statement.sql.slice(last, offset) + (literals[i] ?? 'NULL');
        last = offset + 1;
      });
      return { kind: 'sql', sql: sql + statement.sql.slice(last), binary: true };
    } catch (err) {
      if (err instanceof ProtocolError) return { kind: 'error', error: new SqlError(1210, 'Incorrect arguments to mysqld_stmt_execute', 'HY000') };
      throw err;
    }
  }

  close(body: Buffer): void {
    if (body.length >= 4) this.statements.delete(body.readUInt32LE(0));
  }

  longData(body: Buffer): void {
    if (body.length < 6) return;
    const statement = this.statements.get(body.readUInt32LE(0));
    if (statement === undefined) return;
    const param = body.readUInt16LE(4);
    const chunks = statement.longData.get(param) ?? [];
    chunks.push(body.subarray(6));
    statement.longData.set(param, chunks);
  }

  /** One result row in the binary protocol, typed by the column definitions sent before it. */
  binaryRow(columns: readonly ResultColumn[], row: readonly Value[]): Buffer {
    const bitmap = Buffer.alloc(Math.floor((columns.length + 7 + 2) / 8));
    const values = new PayloadWriter();
    columns.forEach((col, i) => {
      const v = row[i] ?? null;
      if (v === null) {
        const bit = i + 2;
        bitmap[bit >> 3] = (bitmap[bit >> 3] as number) | (1 << (bit & 7));
        return;
      }
      writeBinaryValue(values, wireType(col.type).code, v);
    });
    return new PayloadWriter().int1(0).raw(bitmap).raw(values.toBuffer()).toBuffer();
  }
}

function writeBinaryValue(w: PayloadWriter, code: number, v: Value): void {
  const num = Number(v);
  switch (code) {
    case MysqlType.TINY:
      w.int1(num);
      return;
    case MysqlType.SHORT:
      w.int2(num);
      return;
    case MysqlType.LONG:
      w.int4(num);
      return;
    case MysqlType.LONGLONG:
      w.int8(typeof v === 'bigint' ? v : BigInt(Math.trunc(num)));
      return;
    case MysqlType.FLOAT: {
      const b = Buffer.alloc(4);
      b.writeFloatLE(num);
      w.raw(b);
      return;
    }
    case MysqlType.DOUBLE: {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(num);
      w.raw(b);
      return;
    }
    case MysqlType.DATE:
    case MysqlType.DATETIME: {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?/.exec(String(v));
      if (!m) {
        w.int1(0);
        return;
      }
      const micro = Number((m[7] ?? '').padEnd(6, '0'));
      const time = code === MysqlType.DATETIME;
      w.int1(!time ? 4 : micro ? 11 : 7).int2(Number(m[1])).int1(Number(m[2])).int1(Number(m[3]));
      if (time) w.int1(Number(m[4] ?? 0)).int1(Number(m[5] ?? 0)).int1(Number(m[6] ?? 0));
      if (time && micro) w.int4(micro);
      return;
    }
    default:
      w.lenencString(typeof v === 'string' ? v : String(v));
  }
}
