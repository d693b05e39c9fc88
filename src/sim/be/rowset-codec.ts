// Our own on-disk/on-wire encodings of a rowset: a small JSON "rowset meta" (what Doris keeps
// in RowsetMetaPB) and one binary "segment file" holding the rows. They only travel between
// simulated BEs (ingest_binlog downloads, backup snapshots served to restoring BEs), so the
// format is ours; what matters is that the bytes really cross the wire and are checked
// (length, MD5) the way Doris checks segment files.
import type { RowsetData } from '../model/storage-service.js';
import type { Value } from '../model/value.js';

/** The metadata of one rowset as a BE serves it (get_rowset_meta, snapshot .hdr entries). */
export interface RowsetMetaJson {
  rowset_id: string;
  tablet_id: string;
  start_version: string;
  end_version: string;
  num_segments: number;
  num_rows: number;
  txn_id: string;
}

const MAGIC = 0x4d495344; // "DSIM"
const FORMAT_VERSION = 1;

const Tag = { Null: 0, Number: 1, BigInt: 2, String: 3 } as const;

/** A growable byte buffer for encoding. */
class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  str(s: string): void {
    const len = Buffer.byteLength(s);
    this.u32(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError('segment file is truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  str(): string {
    const len = this.u32();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new RangeError('segment file has trailing bytes');
  }
}

function writeValue(w: Writer, v: Value): void {
  if (v === null) w.u8(Tag.Null);
  else if (typeof v === 'number') {
    w.u8(Tag.Number);
    w.f64(v);
  } else if (typeof v === 'bigint') {
    w.u8(Tag.BigInt);
    w.str(v.toString());
  } else {
    w.u8(Tag.String);
    w.str(v);
  }
}

function readValue(r: Reader): Value {
  const tag: number = r.u8();
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.Number:
      return r.f64();
    case Tag.BigInt:
      return BigInt(r.str());
    case Tag.String:
      return r.str();
    default:
      throw new RangeError(`segment file has an unknown value tag ${tag}`);
  }
}

/** Encodes a rowset's rows as one segment file. */
export function encodeSegment(data: RowsetData): Buffer {
  const w = new Writer(Math.max(1024, data.rows.length * data.columnUids.length * 12));
  w.u32(MAGIC);
  w.u8(FORMAT_VERSION);
  w.u32(data.columnUids.length);
  for (const uid of data.columnUids) w.i32(uid);
  w.u32(data.rows.length);
  const flags = (data.deleteSign ? 1 : 0) | (data.deletePredicate !== undefined ? 2 : 0);
  w.u8(flags);
  if (data.deletePredicate !== undefined) w.str(data.deletePredicate);
  const width = data.columnUids.length;
  for (const row of data.rows) for (let i = 0; i < width; i++) writeValue(w, row[i] ?? null);
  if (data.deleteSign) for (let i = 0; i < data.rows.length; i++) w.u8(data.deleteSign[i] ?? 0);
  return w.done();
}

/** Decodes a segment file; throws RangeError on anything malformed. */
export function decodeSegment(buf: Buffer): RowsetData {
  const r = new Reader(buf);
  if (r.u32() !== MAGIC) throw new RangeError('not a segment file');
  const version = r.u8();
  if (version !== FORMAT_VERSION) throw new RangeError(`unsupported segment format ${version}`);
  const width = r.u32();
  const columnUids: number[] = [];
  for (let i = 0; i < width; i++) columnUids.push(r.i32());
  const count = r.u32();
  const flags = r.u8();
  const deletePredicate = flags & 2 ? r.str() : undefined;
  const rows: Value[][] = new Array<Value[]>(count);
  for (let n = 0; n < count; n++) {
    const row = new Array<Value>(width);
    for (let i = 0; i < width; i++) row[i] = readValue(r);
    rows[n] = row;
  }
  let deleteSign: number[] | undefined;
  if (flags & 1) {
    deleteSign = new Array<number>(count);
    for (let n = 0; n < count; n++) deleteSign[n] = r.u8();
  }
  r.end();
  return { columnUids, rows, deleteSign, deletePredicate };
}
