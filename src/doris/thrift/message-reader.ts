// Cuts a TCP byte stream into complete Thrift binary-protocol messages, framed (4-byte
// big-endian length prefix) or unframed (a plain stream, as Doris' default TThreadPoolServer
// and BE TThreadedServer speak).
//
// An unframed stream has no length prefix, so the only way to find the end of a message is to
// walk its structure. The walk is a resumable scanner (a generator that pauses when it runs out
// of bytes), so a large reply arriving in many TCP chunks is scanned once, not re-decoded from
// the start on every chunk. The scanner also validates the structure and enforces the size
// limit before anything is decoded: every declared length is checked against the limit as soon
// as it is read, so garbage (an HTTP request, random bytes, a bogus huge length) is rejected
// without allocating for it, and the decoder later only ever sees well-formed messages.
import { ThriftProtocolError, type MessageHeader } from './protocol-error.js';

/** Doris' thrift_max_message_size default (FE and BE): 100 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/** Method names are identifiers; anything longer is not a Thrift message. */
const MAX_NAME_BYTES = 64 * 1024;
/** Doris structs nest about 7 deep; the Apache library's skip() stops at 64 as well. */
const MAX_DEPTH = 64;
const VERSION_MASK = 0xffff0000 | 0;
const VERSION_1 = 0x80010000 | 0;
/** Messages below this size are copied out so the reader keeps its buffer. */
const COPY_OUT_BELOW = 64 * 1024;

const T = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;

/** Wire size of fixed-size types; undefined for variable-size ones. */
const FIXED_SIZE: Readonly<Partial<Record<number, number>>> = {
  [T.BOOL]: 1,
  [T.BYTE]: 1,
  [T.DOUBLE]: 8,
  [T.I16]: 2,
  [T.I32]: 4,
  [T.I64]: 8,
  [T.UUID]: 16,
};

/** Smallest wire size of one value of a type; undefined for an invalid type id. */
function minSize(type: number): number | undefined {
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined) return fixed;
  switch (type) {
    case T.STRING:
      return 4;
    case T.STRUCT:
      return 1;
    case T.MAP:
      return 6;
    case T.SET:
    case T.LIST:
      return 5;
    default:
      return undefined;
  }
}

interface ByteSource {
  buf: Buffer;
  len: number;
}

class Accumulator implements ByteSource {
  buf: Buffer = Buffer.alloc(0);
  len = 0;

  append(chunk: Buffer): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.len + chunk.length, this.buf.length * 2, 4096));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Buffer {
    if (n === this.len && n >= COPY_OUT_BELOW) {
      // Hand the (large) buffer over instead of copying it.
      const out = this.buf.subarray(0, n);
      this.buf = Buffer.alloc(0);
      this.len = 0;
      return out;
    }
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    return out;
  }
}

type Scan = Generator<void, void, void>;

class Cursor {
  pos = 0;
  header: MessageHeader | undefined;

  constructor(
    private readonly src: ByteSource,
    readonly limit: number,
    /** True when all bytes are present (a frame): running short is an error, not a wait. */
    private readonly complete: boolean,
  ) {}

  avail(): number {
    return this.src.len - this.pos;
  }

  fail(message: string): never {
    throw new ThriftProtocolError(message, this.header);
  }

  /** Waits until `n` more bytes are buffered; fails at once if they would pass the limit. */
  *wait(n: number): Scan {
    if (this.complete && this.avail() < n) this.fail('message truncated');
    if (this.pos + n > this.limit) this.fail(`message exceeds the ${this.limit}-byte limit`);
    while (this.avail() < n) yield;
  }

  u8(): number {
    return this.src.buf.readUInt8(this.pos++);
  }

  i32(): number {
    const v = this.src.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  str(len: number): string {
    const s = this.src.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}

function* scanMessage(c: Cursor): Generator<void, number, void> {
  if (c.avail() < 4) yield* c.wait(4);
  const first = c.i32();
  let name: string;
  let type: number;
  let seqid: number;
  if (first < 0) {
    if ((first & VERSION_MASK) !== VERSION_1) c.fail(`bad Thrift version word 0x${(first >>> 0).toString(16)}`);
    type = first & 0xff;
    if (c.avail() < 4) yield* c.wait(4);
    const len = c.i32();
    if (len < 0 || len > MAX_NAME_BYTES) c.fail(`bad method name length ${len}`);
    if (c.avail() < len + 4) yield* c.wait(len + 4);
    name = c.str(len);
    seqid = c.i32();
  } else {
    // Old non-strict header (name length first), still accepted by Java and C++ servers.
    if (first > MAX_NAME_BYTES) c.fail(`not a Thrift message (method name length ${first})`);
    if (c.avail() < first + 5) yield* c.wait(first + 5);
    name = c.str(first);
    type = c.u8();
    seqid = c.i32();
  }
  c.header = { name, type, seqid };
  if (type < 1 || type > 4) c.fail(`invalid message type ${type}`);
  yield* scanStruct(c, 1);
  // wait() checks the limit only when it has to wait; bytes that had already arrived are checked here.
  if (c.pos > c.limit) c.fail(`message exceeds the ${c.limit}-byte limit`);
  return c.pos;
}

function* scanStruct(c: Cursor, depth: number): Scan {
  if (depth > MAX_DEPTH) c.fail('structs nested too deep');
  for (;;) {
    if (c.avail() < 1) yield* c.wait(1);
    const type = c.u8();
    if (type === T.STOP) return;
    if (c.avail() < 2) yield* c.wait(2);
    c.pos += 2; // field id
    yield* scanValue(c, type, depth);
  }
}

function* scanValue(c: Cursor, type: number, depth: number): Scan {
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined) {
    if (c.avail() < fixed) yield* c.wait(fixed);
    c.pos += fixed;
    return;
  }
  switch (type) {
    case T.STRING: {
      if (c.avail() < 4) yield* c.wait(4);
      const len = c.i32();
      if (len < 0) c.fail(`negative string length ${len}`);
      if (c.avail() < len) yield* c.wait(len);
      c.pos += len;
      return;
    }
    case T.STRUCT:
      yield* scanStruct(c, depth + 1);
      return;
    case T.MAP: {
      if (c.avail() < 6) yield* c.wait(6);
      const ktype = c.u8();
      const vtype = c.u8();
      const size = c.i32();
      yield* scanElements(c, [ktype, vtype], size, depth);
      return;
    }
    case T.SET:
    case T.LIST: {
      if (c.avail() < 5) yield* c.wait(5);
      const etype = c.u8();
      const size = c.i32();
      yield* scanElements(c, [etype], size, depth);
      return;
    }
    default:
      c.fail(`invalid field type ${type}`);
  }
}

/** `size` repetitions of the types in `types` (one for lists and sets, key and value for maps). */
function* scanElements(c: Cursor, types: number[], size: number, depth: number): Scan {
  if (size < 0) c.fail(`negative container size ${size}`);
  if (size === 0) return; // writers may put any type ids on an empty container
  let perElement = 0;
  let allFixed = true;
  for (const t of types) {
    const min = minSize(t);
    if (min === undefined) c.fail(`invalid container element type ${t}`);
    perElement += min;
    allFixed &&= FIXED_SIZE[t] !== undefined;
  }
  // Reject a bogus size before looping over (or waiting for) it.
  if (c.pos + size * perElement > c.limit) c.fail(`container of ${size} elements exceeds the ${c.limit}-byte limit`);
  if (allFixed) {
    const total = size * perElement;
    if (c.avail() < total) yield* c.wait(total);
    c.pos += total;
    return;
  }
  for (let i = 0; i < size; i++) for (const t of types) yield* scanValue(c, t, depth + 1);
}

export interface MessageReaderOptions {
  /** 4-byte length prefix per message (FE THREADED_SELECTOR) instead of a plain stream. */
  framed: boolean;
  /** Largest accepted message (and frame), in bytes. */
  maxMessageBytes: number;
}

export interface ReadResult {
  /** Complete messages (without frame prefix), in arrival order. */
  messages: Buffer[];
  /** Set when the stream is broken; later pushes return nothing. Messages before it are valid. */
  error?: ThriftProtocolError;
}

/**
 * Splits one connection's incoming bytes into messages. Feed every chunk to `push`; each
 * returned buffer holds exactly one structurally valid message. After an error the stream
 * cannot be resynchronised and the connection must be closed.
 */
export class MessageReader {
  private readonly acc = new Accumulator();
  private scan: Generator<void, number, void> | undefined;
  private cursor: Cursor | undefined;
  private failed = false;

  constructor(private readonly options: MessageReaderOptions) {}

  push(chunk: Buffer): ReadResult {
    const messages: Buffer[] = [];
    if (this.failed) return { messages };
    this.acc.append(chunk);
    try {
      if (this.options.framed) this.readFrames(messages);
      else this.readStream(messages);
      return { messages };
    } catch (err) {
      this.failed = true;
      this.scan = undefined;
      const error = err instanceof ThriftProtocolError ? err : new ThriftProtocolError(String(err), this.cursor?.header);
      return { messages, error };
    }
  }

  private readStream(messages: Buffer[]): void {
    for (;;) {
      if (!this.scan) {
        if (this.acc.len === 0) return;
        this.cursor = new Cursor(this.acc, this.options.maxMessageBytes, false);
        this.scan = scanMessage(this.cursor);
      }
      const step = this.scan.next();
      if (!step.done) return; // needs more bytes
      this.scan = undefined;
      messages.push(this.acc.take(step.value));
    }
  }

  private readFrames(messages: Buffer[]): void {
    while (this.acc.len >= 4) {
      const frameLen = this.acc.buf.readInt32BE(0);
      if (frameLen <= 0 || frameLen > this.options.maxMessageBytes) {
        throw new ThriftProtocolError(`bad frame length ${frameLen} (limit ${this.options.maxMessageBytes})`);
      }
      if (this.acc.len < 4 + frameLen) return;
      const frame = this.acc.take(4 + frameLen).subarray(4);
      this.cursor = new Cursor({ buf: frame, len: frame.length }, frame.length, true);
      // All bytes are present, so the scan runs to completion (or throws) in one step.
      scanMessage(this.cursor).next();
      messages.push(frame);
    }
  }
}
