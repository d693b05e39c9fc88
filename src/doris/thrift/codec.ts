// Encoding and decoding of Thrift messages for the FrontendService and BackendService methods,
// between the plain objects of ../types.ts and the generated struct classes.
//
// Every CCR method takes one argument in field 1 and returns its result in field 0 (no
// declared exceptions), so one pair of helpers covers all of them and the generated
// *_args/*_result classes (which the generated code does not export) are not needed.
import Int64 from 'node-int64';
import type thrift from 'thrift';
import type { BackendMethod, BackendService, FrontendMethod, FrontendService } from '../ports.js';
import { BufferReader, BufferWriter } from './byte-io.js';
import ttypes from './gen/ccr_types.js';
import { ThriftProtocolError, type MessageHeader } from './protocol-error.js';
import { MemoryBinaryProtocol } from './memory-protocol.js';

export { DEFAULT_MAX_MESSAGE_BYTES } from './message-reader.js';

/** Thrift message types (TMessageType). */
export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

/** TApplicationException types, as every Thrift implementation numbers them. */
export const ApplicationExceptionType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INVALID_MESSAGE_TYPE: 2,
  WRONG_METHOD_NAME: 3,
  BAD_SEQUENCE_ID: 4,
  MISSING_RESULT: 5,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
} as const;

export interface ApplicationException {
  type: number;
  message: string;
}

const TYPE_STOP = 0;
const TYPE_I32 = 8;
const TYPE_STRING = 11;
const TYPE_STRUCT = 12;

/** A generated struct instance; the .d.ts files omit read/write, which every struct has. */
interface WireStruct {
  read(input: thrift.TProtocol): void;
  write(output: thrift.TProtocol): void;
}
type StructCtor = new (args?: object) => WireStruct;

/**
 * How one method travels on the wire. `Req` and `Res` are the plain types of ../types.ts; the
 * phantom fields only carry them for type inference.
 */
export interface MethodCodec<Req, Res> {
  readonly name: string;
  readonly request: StructCtor;
  readonly result: StructCtor;
  /** Result fields the IDL declares required; a reply without them is a protocol error. */
  readonly requiredResultFields: readonly string[];
  readonly __req?: Req;
  readonly __res?: Res;
}

type FeReq<M extends FrontendMethod> = Parameters<FrontendService[M]>[0];
type FeRes<M extends FrontendMethod> = Awaited<ReturnType<FrontendService[M]>>;
type BeReq<M extends BackendMethod> = Parameters<BackendService[M]>[0];
type BeRes<M extends BackendMethod> = Awaited<ReturnType<BackendService[M]>>;

function codec<Req, Res>(name: string, request: unknown, result: unknown, required: string[] = []): MethodCodec<Req, Res> {
  return { name, request: request as StructCtor, result: result as StructCtor, requiredResultFields: required };
}

export const FRONTEND_CODECS: { readonly [M in FrontendMethod]: MethodCodec<FeReq<M>, FeRes<M>> } = {
  getBinlog: codec('getBinlog', ttypes.TGetBinlogRequest, ttypes.TGetBinlogResult),
  // TGetBinlogLagRequest is a typedef of TGetBinlogRequest.
  getBinlogLag: codec('getBinlogLag', ttypes.TGetBinlogRequest, ttypes.TGetBinlogLagResult),
  lockBinlog: codec('lockBinlog', ttypes.TLockBinlogRequest, ttypes.TLockBinlogResult),
  getSnapshot: codec('getSnapshot', ttypes.TGetSnapshotRequest, ttypes.TGetSnapshotResult),
  restoreSnapshot: codec('restoreSnapshot', ttypes.TRestoreSnapshotRequest, ttypes.TRestoreSnapshotResult),
  beginTxn: codec('beginTxn', ttypes.TBeginTxnRequest, ttypes.TBeginTxnResult),
  commitTxn: codec('commitTxn', ttypes.TCommitTxnRequest, ttypes.TCommitTxnResult),
  rollbackTxn: codec('rollbackTxn', ttypes.TRollbackTxnRequest, ttypes.TRollbackTxnResult),
  getMasterToken: codec('getMasterToken', ttypes.TGetMasterTokenRequest, ttypes.TGetMasterTokenResult),
  getMeta: codec('getMeta', ttypes.TGetMetaRequest, ttypes.TGetMetaResult, ['status']),
  getBackendMeta: codec('getBackendMeta', ttypes.TGetBackendMetaRequest, ttypes.TGetBackendMetaResult, ['status']),
};

export const BACKEND_CODECS: { readonly [M in BackendMethod]: MethodCodec<BeReq<M>, BeRes<M>> } = {
  ingest_binlog: codec('ingest_binlog', ttypes.TIngestBinlogRequest, ttypes.TIngestBinlogResult),
  query_ingest_binlog: codec('query_ingest_binlog', ttypes.TQueryIngestBinlogRequest, ttypes.TQueryIngestBinlogResult),
};

/** The codec of `name` in a service, or undefined for a method the service does not have. */
export function findCodec(service: 'frontend' | 'backend', name: string): MethodCodec<unknown, unknown> | undefined {
  const table: Record<string, MethodCodec<unknown, unknown>> = service === 'frontend' ? FRONTEND_CODECS : BACKEND_CODECS;
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

// ------------------------------------------------------------------ plain <-> struct

/**
 * A generated struct from a plain object. The generated constructors deep-copy nested plain
 * objects into struct instances; bigint, decimal-string and Buffer values pass through to the
 * protocol. Fields the caller left out are cleared, so IDL defaults (TBeginTxnRequest's
 * `sub_txn_num = 0`) are not sent unasked, as kitex does not send them either.
 */
function toStruct(ctor: StructCtor, plain: object): WireStruct {
  const struct = new ctor(plain) as WireStruct & Record<string, unknown>;
  const given = plain as Record<string, unknown>;
  for (const key of Object.keys(struct)) {
    if (given[key] === undefined || given[key] === null) struct[key] = null;
  }
  return struct;
}

/**
 * A decoded struct (or value) as a plain object: null fields become absent (undefined),
 * nested structs and maps become plain objects, Buffers and bigints are kept, and node-int64
 * values (IDL defaults the generated constructors create) become bigint.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const list: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) list[i] = toPlain(value[i]);
    return list;
  }
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Int64) return value.buffer.readBigInt64BE(value.offset);
  const fields = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    const plain = toPlain(fields[key]);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

// ------------------------------------------------------------------ encoding

function newProtocol(trans: BufferWriter | BufferReader): thrift.TProtocol {
  return new MemoryBinaryProtocol(trans as unknown as thrift.TTransport);
}

function encodeMessage(header: MessageHeader, writeBody: (p: thrift.TProtocol) => void): Buffer {
  const writer = new BufferWriter();
  const p = newProtocol(writer);
  p.writeMessageBegin(header.name, header.type, header.seqid);
  writeBody(p);
  p.writeMessageEnd();
  return writer.bytes();
}

function writeWrapped(p: thrift.TProtocol, fieldId: number, struct: WireStruct): void {
  p.writeStructBegin('');
  p.writeFieldBegin('', TYPE_STRUCT, fieldId);
  struct.write(p);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
}

/**
 * A CALL message for `request` (the bytes of one unframed message). Throws a TypeError or
 * RangeError when a value does not fit its field (for example an unsafe number for an i64).
 */
export function encodeCall<Req, Res>(method: MethodCodec<Req, Res>, seqid: number, request: Req): Buffer {
  const struct = toStruct(method.request, request as object);
  return encodeMessage({ name: method.name, type: MessageType.CALL, seqid }, (p) => writeWrapped(p, 1, struct));
}

/** A REPLY message carrying `result` in field 0. Throws like encodeCall. */
export function encodeReply<Req, Res>(method: MethodCodec<Req, Res>, seqid: number, result: Res): Buffer {
  const struct = toStruct(method.result, result as object);
  return encodeMessage({ name: method.name, type: MessageType.REPLY, seqid }, (p) => writeWrapped(p, 0, struct));
}

/** An EXCEPTION message carrying a TApplicationException. */
export function encodeException(name: string, seqid: number, exc: ApplicationException): Buffer {
  return encodeMessage({ name, type: MessageType.EXCEPTION, seqid }, (p) => {
    p.writeStructBegin('TApplicationException');
    p.writeFieldBegin('message', TYPE_STRING, 1);
    p.writeString(exc.message);
    p.writeFieldEnd();
    p.writeFieldBegin('type', TYPE_I32, 2);
    p.writeI32(exc.type);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
  });
}

/** The message with a 4-byte big-endian length prefix, for framed transports. */
export function frameMessage(message: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeInt32BE(message.length);
  return Buffer.concat([prefix, message]);
}

// ------------------------------------------------------------------ decoding

/** A received message: its header and a protocol positioned at its body. */
export interface DecodedMessage {
  header: MessageHeader;
  body: thrift.TProtocol;
}

/**
 * Reads the header of one complete message (as cut by MessageReader, without frame prefix).
 * Throws ThriftProtocolError when the bytes are not a message.
 */
export function readMessage(message: Buffer): DecodedMessage {
  const reader = new BufferReader(message);
  const first = reader.readI32();
  let header: MessageHeader;
  if (first < 0) {
    const type = first & 0xff;
    const name = reader.readString(reader.readI32());
    header = { name, type, seqid: reader.readI32() };
  } else {
    const name = reader.readString(first);
    const type = reader.readByte() & 0xff;
    header = { name, type, seqid: reader.readI32() };
  }
  return { header, body: newProtocol(reader) };
}

/**
 * An empty struct to read into, with IDL defaults cleared, so that a field absent on the wire
 * decodes as undefined (TBeginTxnRequest's `sub_txn_num` would otherwise read as 0).
 */
function blankStruct(ctor: StructCtor): WireStruct {
  const struct = new ctor() as WireStruct & Record<string, unknown>;
  for (const key of Object.keys(struct)) struct[key] = null;
  return struct;
}

/** Reads the single struct field `fieldId` of an args/result wrapper; undefined when absent. */
function readWrapped(p: thrift.TProtocol, fieldId: number, ctor: StructCtor): WireStruct | undefined {
  let found: WireStruct | undefined;
  p.readStructBegin();
  for (;;) {
    const field = p.readFieldBegin();
    if ((field.ftype as number) === TYPE_STOP) break;
    if (field.fid === fieldId && (field.ftype as number) === TYPE_STRUCT) {
      found = blankStruct(ctor);
      found.read(p);
    } else {
      p.skip(field.ftype);
    }
    p.readFieldEnd();
  }
  p.readStructEnd();
  return found;
}

function decodeFailure(what: string, err: unknown, header?: MessageHeader): ThriftProtocolError {
  if (err instanceof ThriftProtocolError) return err;
  return new ThriftProtocolError(`cannot decode ${what}: ${err instanceof Error ? err.message : String(err)}`, header);
}

/**
 * The plain request of a CALL body; undefined when the args struct has no field 1 (Java
 * servers then fail the call with an internal error). Throws ThriftProtocolError.
 */
export function decodeRequest<Req, Res>(method: MethodCodec<Req, Res>, body: thrift.TProtocol): Req | undefined {
  try {
    const struct = readWrapped(body, 1, method.request);
    return struct === undefined ? undefined : (toPlain(struct) as Req);
  } catch (err) {
    throw decodeFailure(`${method.name} request`, err);
  }
}

/**
 * The plain result of a REPLY body; undefined when field 0 is absent (Thrift's "unknown
 * result"). Throws ThriftProtocolError, also when a field the IDL requires is missing.
 */
export function decodeResult<Req, Res>(method: MethodCodec<Req, Res>, body: thrift.TProtocol): Res | undefined {
  let plain: Record<string, unknown> | undefined;
  try {
    const struct = readWrapped(body, 0, method.result);
    plain = struct === undefined ? undefined : (toPlain(struct) as Record<string, unknown>);
  } catch (err) {
    throw decodeFailure(`${method.name} result`, err);
  }
  if (plain === undefined) return undefined;
  for (const field of method.requiredResultFields) {
    if (plain[field] === undefined) throw new ThriftProtocolError(`${method.name} result lacks required field ${field}`);
  }
  return plain as Res;
}

/** The TApplicationException in an EXCEPTION body. Throws ThriftProtocolError. */
export function decodeApplicationException(body: thrift.TProtocol): ApplicationException {
  const exc: ApplicationException = { type: ApplicationExceptionType.UNKNOWN, message: '' };
  try {
    body.readStructBegin();
    for (;;) {
      const field = body.readFieldBegin();
      if ((field.ftype as number) === TYPE_STOP) break;
      if (field.fid === 1 && (field.ftype as number) === TYPE_STRING) exc.message = body.readString();
      else if (field.fid === 2 && (field.ftype as number) === TYPE_I32) exc.type = body.readI32();
      else body.skip(field.ftype);
      body.readFieldEnd();
    }
    body.readStructEnd();
  } catch (err) {
    throw decodeFailure('TApplicationException', err);
  }
  return exc;
}
