// TBinaryProtocol with native bigint for i64.
//
// The Apache library reads i64 as node-int64 objects and, when writing, treats a string as
// HEX (so the decimal map keys that generated code produces for map<i64, …> would be
// written wrong). Reading i64 as bigint fixes both: generated structs then hold bigints,
// map keys become exact decimal strings, and writeI64 below accepts bigint, a decimal
// string or a safe integer number.
import thrift from 'thrift';

interface ByteTransport {
  read(len: number): Buffer;
  write(buf: Buffer): void;
}

type I64Input = bigint | string | number | { buffer: Buffer; offset?: number };

function i64ToBuffer(value: I64Input): Buffer {
  const buf = Buffer.allocUnsafe(8);
  if (typeof value === 'bigint') {
    buf.writeBigInt64BE(BigInt.asIntN(64, value));
  } else if (typeof value === 'string') {
    if (!/^-?\d+$/.test(value)) throw new TypeError(`i64 string must be decimal, got ${JSON.stringify(value)}`);
    buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(value)));
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`i64 number ${value} is not a safe integer`);
    buf.writeBigInt64BE(BigInt(value));
  } else {
    value.buffer.copy(buf, 0, value.offset ?? 0, (value.offset ?? 0) + 8);
  }
  return buf;
}

export class BigIntBinaryProtocol extends thrift.TBinaryProtocol {}

// The library's typings declare readI64 as returning Int64; we replace it on the prototype.
Object.assign(BigIntBinaryProtocol.prototype, {
  readI64(this: { trans: ByteTransport }): bigint {
    return this.trans.read(8).readBigInt64BE(0);
  },
  writeI64(this: { trans: ByteTransport }, value: I64Input): void {
    this.trans.write(i64ToBuffer(value));
  },
});
