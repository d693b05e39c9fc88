// BigIntBinaryProtocol bound to the in-memory transports of byte-io.ts: primitives are written
// into and read from one buffer directly instead of through a small Buffer per value, which
// makes large replies (getMeta of a big database, snapshots) several times cheaper to encode
// and decode. The wire format is exactly TBinaryProtocol's.
import { BigIntBinaryProtocol } from './protocol.js';

export class MemoryBinaryProtocol extends BigIntBinaryProtocol {}

/** The parts of BufferWriter and BufferReader used here (one of them is the transport). */
interface MemoryTransport {
  writeInt8(v: number): void;
  writeInt16(v: number): void;
  writeInt32(v: number): void;
  writeDouble(v: number): void;
  writeBigInt64(v: bigint): void;
  writeUtf8(s: string, byteLength: number): void;
  readBigInt64(): bigint;
}

interface Bound {
  trans: MemoryTransport;
}

interface Fallbacks {
  writeI64: (this: Bound, v: unknown) => void;
  writeString: (this: Bound, v: unknown) => void;
}
const fallback = BigIntBinaryProtocol.prototype as unknown as Fallbacks;

Object.assign(MemoryBinaryProtocol.prototype, {
  writeByte(this: Bound, v: number): void {
    this.trans.writeInt8(v);
  },
  writeI16(this: Bound, v: number): void {
    this.trans.writeInt16(v);
  },
  writeI32(this: Bound, v: number): void {
    this.trans.writeInt32(v);
  },
  writeDouble(this: Bound, v: number): void {
    this.trans.writeDouble(v);
  },
  writeI64(this: Bound, v: unknown): void {
    if (typeof v === 'bigint') this.trans.writeBigInt64(BigInt.asIntN(64, v));
    else fallback.writeI64.call(this, v); // decimal strings, safe numbers, node-int64
  },
  writeString(this: Bound, v: unknown): void {
    if (typeof v !== 'string') return fallback.writeString.call(this, v);
    const len = Buffer.byteLength(v, 'utf8');
    this.trans.writeInt32(len);
    this.trans.writeUtf8(v, len);
  },
  readI64(this: Bound): bigint {
    return this.trans.readBigInt64();
  },
});
