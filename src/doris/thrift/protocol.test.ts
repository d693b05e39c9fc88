import thrift from 'thrift';
import { describe, expect, it } from 'vitest';
import ttypes from './gen/ccr_types.js';
import { BigIntBinaryProtocol } from './protocol.js';

function encode(write: (p: thrift.TProtocol) => void): Buffer {
  const chunks: Buffer[] = [];
  const trans = new thrift.TBufferedTransport(undefined, (buf) => {
    if (buf) chunks.push(buf);
  });
  const proto = new BigIntBinaryProtocol(trans);
  write(proto);
  trans.flush();
  return Buffer.concat(chunks);
}

// The generated .d.ts files do not declare read/write on structs, though every struct has them.
type Wire<T> = T & thrift.TStructLike;
const wire = <T>(s: T): Wire<T> => s as Wire<T>;

function decode<T>(buf: Buffer, struct: T): T {
  const trans = new thrift.TBufferedTransport(buf);
  // The receiver-less constructor does not fill the read buffer; feed it explicitly.
  (trans as unknown as { inBuf: Buffer; writeCursor: number }).inBuf = buf;
  (trans as unknown as { inBuf: Buffer; writeCursor: number }).writeCursor = buf.length;
  wire(struct).read(new BigIntBinaryProtocol(trans));
  return struct;
}

describe('BigIntBinaryProtocol', () => {
  it('round-trips i64 fields, i64 lists and i64-keyed maps exactly', () => {
    const big = 9223372036854775807n;
    const meta = new ttypes.TGetMetaDBMeta({
      id: big as never,
      dropped_partitions: [1n, -2n, big] as never,
      dropped_partition_map: { '10019': 20001n, [big.toString()]: big } as never,
    });
    const back = decode(encode((p) => wire(meta).write(p)), new ttypes.TGetMetaDBMeta());
    expect(back.id).toBe(big);
    expect(back.dropped_partitions).toEqual([1n, -2n, big]);
    expect(back.dropped_partition_map).toEqual({ '10019': 20001n, [big.toString()]: big });
  });

  it('writes i64 values given as decimal strings or safe numbers', () => {
    const b = new ttypes.TBinlog({ commit_seq: '123' as never, db_id: 10010 as never });
    const back = decode(encode((p) => wire(b).write(p)), new ttypes.TBinlog());
    expect(back.commit_seq).toBe(123n);
    expect(back.db_id).toBe(10010n);
  });

  it('rejects unsafe numbers instead of rounding them', () => {
    const b = new ttypes.TBinlog({ commit_seq: 2 ** 60 as never });
    expect(() => encode((p) => wire(b).write(p))).toThrow(RangeError);
  });
});
