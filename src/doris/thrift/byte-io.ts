// In-memory transports for the Thrift binary protocol. Messages are always complete in memory
// before they are decoded (the message reader frames them first), so decoding never waits for
// bytes and the Apache library's stream transports (and their rollback-on-underrun dance) are
// not needed.
import { ThriftProtocolError } from './protocol-error.js';

/** The read side the Apache TBinaryProtocol (and BigIntBinaryProtocol) calls. */
export class BufferReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) throw new ThriftProtocolError('message truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  readByte(): number {
    return this.buf.readInt8(this.take(1));
  }

  readI16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  readI32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  readDouble(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  readBigInt64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }

  /** A copy, so a decoded binary field does not keep the whole message buffer alive. */
  read(len: number): Buffer {
    const at = this.take(len);
    return Buffer.from(this.buf.subarray(at, at + len));
  }

  readString(len: number): string {
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }
}

/** The write side: collects everything the protocol writes into one growing buffer. */
export class BufferWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /**
   * Makes room for `n` more bytes and returns the offset to write them at. It may replace
   * `this.buf`, so callers read `this.buf` only after calling it.
   */
  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  write(chunk: Buffer | Uint8Array): void {
    const at = this.reserve(chunk.length);
    this.buf.set(chunk, at);
  }

  writeInt8(v: number): void {
    const at = this.reserve(1);
    this.buf.writeInt8(v, at);
  }

  writeInt16(v: number): void {
    const at = this.reserve(2);
    this.buf.writeInt16BE(v, at);
  }

  writeInt32(v: number): void {
    const at = this.reserve(4);
    this.buf.writeInt32BE(v, at);
  }

  writeDouble(v: number): void {
    const at = this.reserve(8);
    this.buf.writeDoubleBE(v, at);
  }

  writeBigInt64(v: bigint): void {
    const at = this.reserve(8);
    this.buf.writeBigInt64BE(v, at);
  }

  writeUtf8(s: string, byteLength: number): void {
    const at = this.reserve(byteLength);
    this.buf.write(s, at, byteLength, 'utf8');
  }

  // The protocol calls these on its transport; nothing to do for an in-memory buffer.
  setCurrSeqId(): void {}
  flush(): void {}

  /** The bytes written so far (a view; do not write afterwards). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
