import { describe, expect, it } from 'vitest';
import type { TBeginTxnRequest, TGetMetaResult } from '../types.js';
import {
  ApplicationExceptionType,
  BACKEND_CODECS,
  FRONTEND_CODECS,
  MessageType,
  decodeApplicationException,
  decodeRequest,
  decodeResult,
  encodeCall,
  encodeException,
  encodeReply,
  findCodec,
  frameMessage,
  readMessage,
} from './codec.js';
import { MessageReader } from './message-reader.js';

const MAX = 1024 * 1024;

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

const metaResult: TGetMetaResult = {
  status: { status_code: 0 },
  db_meta: {
    id: 2n ** 62n + 1n,
    name: 'db1',
    tables: [
      {
        id: 10n,
        name: 't',
        partitions: [
          {
            id: 11n,
            range: '',
            visible_version: 3n,
            indexes: [{ id: 12n, name: 't', tablets: [{ id: 13n, replicas: [{ id: 14n, backend_id: 15n, version: 3n }] }] }],
          },
        ],
      },
    ],
    dropped_partitions: [-1n, 9223372036854775807n],
    dropped_partition_map: { '9007199254740993': 9007199254740995n },
  },
};

describe('codec', () => {
  it('round-trips a request through a CALL message, dropping unset IDL defaults', () => {
    const req: TBeginTxnRequest = { user: 'u', passwd: 'p', db: 'd', table_ids: [1n, 2n ** 60n], label: 'l' };
    const msg = encodeCall(FRONTEND_CODECS.beginTxn, 7, req);
    const { header, body } = readMessage(msg);
    expect(header).toEqual({ name: 'beginTxn', type: MessageType.CALL, seqid: 7 });
    const back = decodeRequest(FRONTEND_CODECS.beginTxn, body);
    expect(back).toEqual(req);
    expect(back && 'sub_txn_num' in back).toBe(false);
  });

  it('round-trips a nested result with exact i64 values and i64-keyed maps', () => {
    const msg = encodeReply(FRONTEND_CODECS.getMeta, 1, metaResult);
    const { header, body } = readMessage(msg);
    expect(header.type).toBe(MessageType.REPLY);
    const back = decodeResult(FRONTEND_CODECS.getMeta, body);
    expect(back).toEqual(metaResult);
    expect(back?.master_address).toBeUndefined();
  });

  it('rejects a reply that lacks a field the IDL requires', () => {
    // A getBinlog result struct without fields stands in for a getMeta reply without status.
    const msg = encodeReply(FRONTEND_CODECS.getBinlog, 1, {});
    expect(() => decodeResult(FRONTEND_CODECS.getMeta, readMessage(msg).body)).toThrow(/required field status/);
  });

  it('keeps Buffers byte-exact', () => {
    const meta = Buffer.from([0, 255, 1, 128, 0x80, 0x01]);
    const msg = encodeReply(FRONTEND_CODECS.getSnapshot, 3, { status: { status_code: 0 }, meta, job_info: Buffer.alloc(0) });
    const back = decodeResult(FRONTEND_CODECS.getSnapshot, readMessage(msg).body);
    expect(Buffer.isBuffer(back?.meta)).toBe(true);
    expect(back?.meta?.equals(meta)).toBe(true);
    expect(back?.job_info?.length).toBe(0);
  });

  it('encodes and decodes TApplicationException', () => {
    const msg = encodeException('nope', 5, { type: ApplicationExceptionType.UNKNOWN_METHOD, message: "Invalid method name: 'nope'" });
    const { header, body } = readMessage(msg);
    expect(header).toEqual({ name: 'nope', type: MessageType.EXCEPTION, seqid: 5 });
    expect(decodeApplicationException(body)).toEqual({ type: 1, message: "Invalid method name: 'nope'" });
  });

  it('finds codecs by service and name only', () => {
    expect(findCodec('frontend', 'getBinlog')).toBe(FRONTEND_CODECS.getBinlog);
    expect(findCodec('backend', 'ingest_binlog')).toBe(BACKEND_CODECS.ingest_binlog);
    expect(findCodec('backend', 'getBinlog')).toBeUndefined();
    expect(findCodec('frontend', 'toString')).toBeUndefined();
  });

  it('refuses to encode a struct without a field the IDL requires', () => {
    expect(() => encodeReply(FRONTEND_CODECS.getMeta, 1, {} as TGetMetaResult)).toThrow(/Required field status/);
  });

  it('throws on values that do not fit their field', () => {
    expect(() => encodeCall(FRONTEND_CODECS.getBinlog, 1, { prev_commit_seq: 2 ** 60 as unknown as bigint })).toThrow(RangeError);
  });
});

describe('MessageReader', () => {
  const a = encodeReply(FRONTEND_CODECS.getMeta, 1, metaResult);
  const b = encodeCall(BACKEND_CODECS.ingest_binlog, 2, { txn_id: 1n, remote_port: '8040' });

  it('cuts an unframed stream into messages whatever the chunking', () => {
    const stream = Buffer.concat([a, b, a]);
    for (const size of [1, 3, 7, 64, stream.length]) {
      const reader = new MessageReader({ framed: false, maxMessageBytes: MAX });
      const got: Buffer[] = [];
      for (const c of chunks(stream, size)) {
        const r = reader.push(c);
        expect(r.error).toBeUndefined();
        got.push(...r.messages);
      }
      expect(got).toEqual([a, b, a]);
    }
  });

  it('cuts a framed stream into messages', () => {
    const stream = Buffer.concat([frameMessage(a), frameMessage(b)]);
    const reader = new MessageReader({ framed: true, maxMessageBytes: MAX });
    const got: Buffer[] = [];
    for (const c of chunks(stream, 5)) got.push(...reader.push(c).messages);
    expect(got).toEqual([a, b]);
  });

  it('rejects an HTTP request without a header', () => {
    const reader = new MessageReader({ framed: false, maxMessageBytes: MAX });
    const r = reader.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(r.error?.message).toMatch(/not a Thrift message/);
    expect(r.error?.header).toBeUndefined();
    expect(reader.push(a).messages).toEqual([]);
  });

  it('rejects a declared length beyond the limit at once, with the header when known', () => {
    const head = encodeCall(FRONTEND_CODECS.getBinlog, 9, {}).subarray(0, 4 + 4 + 'getBinlog'.length + 4);
    // field 1: STRING with a 2 GiB length
    const bogus = Buffer.concat([head, Buffer.from([11, 0, 1, 0x7f, 0xff, 0xff, 0xff])]);
    const reader = new MessageReader({ framed: false, maxMessageBytes: MAX });
    const r = reader.push(bogus);
    expect(r.error?.message).toMatch(/limit/);
    expect(r.error?.header).toEqual({ name: 'getBinlog', type: MessageType.CALL, seqid: 9 });
  });

  it('rejects a huge container size and bad types', () => {
    const head = encodeCall(FRONTEND_CODECS.getBinlog, 9, {}).subarray(0, 4 + 4 + 'getBinlog'.length + 4);
    const list = Buffer.concat([head, Buffer.from([15, 0, 1, 12, 0x10, 0, 0, 0])]);
    expect(new MessageReader({ framed: false, maxMessageBytes: MAX }).push(list).error?.message).toMatch(/elements exceeds/);
    const badType = Buffer.concat([head, Buffer.from([99, 0, 1])]);
    expect(new MessageReader({ framed: false, maxMessageBytes: MAX }).push(badType).error?.message).toMatch(/invalid field type 99/);
  });

  it('enforces the limit on a message that grows past it and on frames', () => {
    const small = new MessageReader({ framed: false, maxMessageBytes: 100 });
    expect(small.push(a).error?.message).toMatch(/100-byte limit/);
    const framed = new MessageReader({ framed: true, maxMessageBytes: 100 });
    expect(framed.push(Buffer.from([0x7f, 0, 0, 0])).error?.message).toMatch(/bad frame length/);
  });

  it('rejects a truncated message inside a frame', () => {
    const reader = new MessageReader({ framed: true, maxMessageBytes: MAX });
    expect(reader.push(frameMessage(a.subarray(0, a.length - 3))).error?.message).toMatch(/truncated/);
  });
});
