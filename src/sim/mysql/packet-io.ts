// MySQL packet framing and field encodings. A packet is a 3-byte little-endian payload length,
// a 1-byte sequence id and the payload; payloads of 0xFFFFFF bytes continue in the next packet.

/** Largest payload of a single physical packet. */
export const MAX_PAYLOAD = 0xffffff;

/** Thrown when a payload cannot be decoded (truncated or malformed client data). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Builds a payload from MySQL field encodings. */
export class PayloadWriter {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  int1(n: number): this {
    return this.push(Buffer.from([n & 0xff]));
  }

  int2(n: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n & 0xffff);
    return this.push(b);
  }

  int3(n: number): this {
    const b = Buffer.alloc(3);
    b.writeUIntLE(n & 0xffffff, 0, 3);
    return this.push(b);
  }

  int4(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return this.push(b);
  }

  int8(n: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, n));
    return this.push(b);
  }

  /** Length-encoded integer. */
  lenenc(n: number | bigint): this {
    const v = BigInt(n);
    if (v < 251n) return this.int1(Number(v));
    if (v < 0x10000n) return this.int1(0xfc).int2(Number(v));
    if (v < 0x1000000n) return this.int1(0xfd).int3(Number(v));
    return this.int1(0xfe).int8(v);
  }

  /** Length-encoded string. */
  lenencString(s: string | Buffer): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    return this.lenenc(b.length).push(b);
  }

  /** NUL-terminated string. */
  nulString(s: string): this {
    return this.push(Buffer.from(s, 'utf8')).int1(0);
  }

  raw(b: Buffer | string): this {
    return this.push(typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
  }

  zeros(n: number): this {
    return this.push(Buffer.alloc(n));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** Reads MySQL field encodings from a payload; throws ProtocolError past the end. */
export class PayloadReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new ProtocolError('truncated packet');
  }

  int1(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }

  int2(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  int3(): number {
    this.need(3);
    const v = this.buf.readUIntLE(this.offset, 3);
    this.offset += 3;
    return v;
  }

  int4(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  int8(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Length-encoded integer; null for the NULL marker 0xFB. */
  lenenc(): number | null {
    const first = this.int1();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.int2();
    if (first === 0xfd) return this.int3();
    if (first === 0xfe) {
      const v = this.int8();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError('length too large');
      return Number(v);
    }
    throw new ProtocolError('bad length-encoded integer');
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  lenencBytes(): Buffer {
    const n = this.lenenc();
    if (n === null) throw new ProtocolError('unexpected NULL');
    return this.bytes(n);
  }

  nulString(): string {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('unterminated string');
    const s = this.buf.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }

  rest(): Buffer {
    const b = this.buf.subarray(this.offset);
    this.offset = this.buf.length;
    return b;
  }
}

/** Frames `payload` into physical packets starting at sequence id `seq`; returns the next id. */
export function framePackets(payload: Buffer, seq: number): { bytes: Buffer[]; nextSeq: number } {
  const bytes: Buffer[] = [];
  let offset = 0;
  let s = seq;
  for (;;) {
    const len = Math.min(MAX_PAYLOAD, payload.length - offset);
    const header = Buffer.alloc(4);
    header.writeUIntLE(len, 0, 3);
    header.writeUInt8(s & 0xff, 3);
    bytes.push(header, payload.subarray(offset, offset + len));
    offset += len;
    s = (s + 1) & 0xff;
    // A payload that is an exact multiple of MAX_PAYLOAD ends with an empty packet.
    if (len < MAX_PAYLOAD) break;
  }
  return { bytes, nextSeq: s };
}

/**
 * Reassembles logical packets from a byte stream. `take()` returns the next complete packet
 * (payload and the sequence ids of its first and last physical packets), or undefined if more
 * bytes are needed. Received chunks are only joined once a whole packet is there, so a large
 * statement arriving in many small chunks is copied once, not once per chunk.
 */
export class PacketAssembler {
  private chunks: Buffer[] = [];
  private length = 0;

  /** Largest logical payload accepted; larger declared lengths fail at once (no waiting for the bytes). */
  constructor(public maxPayload: number) {}

  push(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.length += data.length;
  }

  /** True while part of a packet has been received. */
  get pending(): boolean {
    return this.length > 0;
  }

  private byteAt(index: number): number {
    let i = index;
    for (const c of this.chunks) {
      if (i < c.length) return c[i] as number;
      i -= c.length;
    }
    throw new ProtocolError('read past the received bytes');
  }

  private header(offset: number): { length: number; seq: number } {
    return {
      length: this.byteAt(offset) | (this.byteAt(offset + 1) << 8) | (this.byteAt(offset + 2) << 16),
      seq: this.byteAt(offset + 3),
    };
  }

  /** The declared length and sequence id of the next physical packet, if its header has arrived. */
  peekHeader(): { length: number; seq: number } | undefined {
    return this.length < 4 ? undefined : this.header(0);
  }

  take(): { payload: Buffer; seq: number; lastSeq: number } | undefined {
    const frames: { start: number; length: number }[] = [];
    let offset = 0;
    let total = 0;
    let firstSeq = -1;
    let lastSeq = -1;
    for (;;) {
      if (this.length < offset + 4) return undefined;
      const { length, seq } = this.header(offset);
      total += length;
      if (total > this.maxPayload) throw new ProtocolError('packet too large');
      if (this.length < offset + 4 + length) return undefined;
      if (firstSeq < 0) firstSeq = seq;
      lastSeq = seq;
      frames.push({ start: offset + 4, length });
      offset += 4 + length;
      if (length < MAX_PAYLOAD) break;
    }
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
    const payload = frames.length === 1 ? Buffer.from(all.subarray(offset - total, offset)) : Buffer.concat(frames.map((f) => all.subarray(f.start, f.start + f.length)));
    const rest = all.subarray(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return { payload, seq: firstSeq, lastSeq };
  }
}
