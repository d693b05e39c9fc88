// Test support: a minimal MySQL client over a raw socket, to check sequence ids, COM_INIT_DB
// and the server's behaviour on malformed input (things mysql2 will not send).
import { connect, type Socket } from 'node:net';
import { nativePasswordToken } from './auth.js';
import { framePackets, PacketAssembler, PayloadReader, PayloadWriter } from './packet-io.js';
import { Capability } from './protocol.js';

export interface RawPacket {
  seq: number;
  payload: Buffer;
}

export class RawClient {
  private readonly assembler = new PacketAssembler(1 << 30);
  private readonly waiters: (() => void)[] = [];
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.assembler.push(d);
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next packet, or undefined when the server closed first; rejects after `timeoutMs`. */
  async read(timeoutMs = 5000): Promise<RawPacket | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.assembler.take();
      if (p !== undefined) return { seq: p.seq, payload: p.payload };
      if (this.ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a packet');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(payload: Buffer, seq: number): void {
    for (const b of framePackets(payload, seq).bytes) this.socket.write(b);
  }

  /**
   * Reads the handshake and logs in; with another `plugin` than mysql_native_password the
   * server must switch plugins first. Returns the server's final reply.
   */
  async login(user: string, password: string, database?: string, plugin = 'mysql_native_password'): Promise<RawPacket | undefined> {
    const handshake = await this.read();
    if (handshake === undefined) throw new Error('no handshake');
    const r = new PayloadReader(handshake.payload);
    r.int1();
    r.nulString();
    r.int4();
    const part1 = r.bytes(8);
    r.int1();
    r.int2();
    r.int1();
    r.int2();
    r.int2();
    r.int1();
    r.bytes(10);
    const part2 = r.bytes(12);
    const scramble = Buffer.concat([part1, part2]);
    let caps = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH | Capability.MULTI_STATEMENTS | Capability.MULTI_RESULTS;
    if (database !== undefined) caps |= Capability.CONNECT_WITH_DB;
    // Another plugin's answer is meaningless to the server; send 20 arbitrary bytes.
    const token = plugin === 'mysql_native_password' ? nativePasswordToken(password, scramble) : Buffer.alloc(20, 1);
    const w = new PayloadWriter().int4(caps).int4(1 << 24).int1(33).zeros(23).nulString(user).int1(token.length).raw(token);
    if (database !== undefined) w.nulString(database);
    w.nulString(plugin);
    this.send(w.toBuffer(), 1);
    const reply = await this.read();
    if (reply === undefined || reply.payload[0] !== 0xfe || plugin === 'mysql_native_password') return reply;
    const sw = new PayloadReader(reply.payload);
    sw.int1();
    if (sw.nulString() !== 'mysql_native_password') throw new Error('unexpected auth switch plugin');
    const switchScramble = sw.bytes(20);
    this.send(nativePasswordToken(password, switchScramble), reply.seq + 1);
    return this.read();
  }

  /** Sends a command (sequence id 0) and collects packets until the reply is complete. */
  async command(code: number, body: Buffer | string = Buffer.alloc(0)): Promise<RawPacket[]> {
    this.send(Buffer.concat([Buffer.from([code]), typeof body === 'string' ? Buffer.from(body) : body]), 0);
    const packets: RawPacket[] = [];
    let eofs = 0;
    let inResultSet = false;
    for (;;) {
      const p = await this.read();
      if (p === undefined) return packets;
      packets.push(p);
      const first = p.payload[0];
      if (!inResultSet) {
        if (first === 0x00 || first === 0xff) {
          // OK or ERR: more results follow only when OK says SERVER_MORE_RESULTS_EXISTS.
          if (first === 0xff || !okHasMoreResults(p.payload)) return packets;
          continue;
        }
        if (first === 0xfe && p.payload.length < 9) return packets;
        inResultSet = true;
        eofs = 0;
        continue;
      }
      if (first === 0xfe && p.payload.length < 9) {
        eofs++;
        if (eofs === 2) {
          inResultSet = false;
          if ((p.payload.readUInt16LE(3) & 0x0008) === 0) return packets;
        }
      } else if (first === 0xff) {
        return packets;
      }
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function okHasMoreResults(payload: Buffer): boolean {
  const r = new PayloadReader(payload);
  r.int1();
  r.lenenc();
  r.lenenc();
  return (r.int2() & 0x0008) !== 0;
}

/** Decodes an ERR payload. */
export function decodeError(payload: Buffer): { errno: number; sqlState: string; message: string } {
  return {
    errno: payload.readUInt16LE(1),
    sqlState: payload.toString('utf8', 4, 9),
    message: payload.toString('utf8', 9),
  };
}
