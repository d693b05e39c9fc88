import { describe, expect, it } from 'vitest';
import { nativePasswordToken, newScramble, verifyNativePassword } from './auth.js';
import { framePackets, MAX_PAYLOAD, PacketAssembler, PayloadReader, PayloadWriter, ProtocolError } from './packet-io.js';

describe('payload encodings', () => {
  it('round-trips length-encoded integers and strings', () => {
    const values = [0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000, 2 ** 40];
    const w = new PayloadWriter();
    for (const v of values) w.lenenc(v);
    w.lenencString('héllo').nulString('x').int1(0xfb);
    const r = new PayloadReader(w.toBuffer());
    expect(values.map(() => r.lenenc())).toEqual(values);
    expect(r.lenencBytes().toString('utf8')).toBe('héllo');
    expect(r.nulString()).toBe('x');
    expect(r.lenenc()).toBeNull();
    expect(() => r.int1()).toThrow(ProtocolError);
  });
});

describe('packet framing', () => {
  it('splits payloads of 16 MiB and more, ending with an empty packet on an exact multiple', () => {
    const payload = Buffer.alloc(MAX_PAYLOAD, 7);
    const { bytes, nextSeq } = framePackets(payload, 254);
    expect(bytes.map((b) => b.length)).toEqual([4, MAX_PAYLOAD, 4, 0]);
    expect([bytes[0]?.[3], bytes[2]?.[3], nextSeq]).toEqual([254, 255, 0]);
    const assembler = new PacketAssembler(MAX_PAYLOAD * 2);
    for (const b of bytes) assembler.push(b);
    const packet = assembler.take();
    expect(packet?.payload.length).toBe(MAX_PAYLOAD);
    expect([packet?.seq, packet?.lastSeq]).toEqual([254, 255]);
  });

  it('reassembles packets delivered byte by byte', () => {
    const bytes = Buffer.concat([...framePackets(Buffer.from('hello'), 0).bytes, ...framePackets(Buffer.from('world'), 1).bytes]);
    const assembler = new PacketAssembler(1024);
    const got: string[] = [];
    for (const byte of bytes) {
      assembler.push(Buffer.from([byte]));
      for (let p = assembler.take(); p !== undefined; p = assembler.take()) got.push(p.payload.toString());
    }
    expect(got).toEqual(['hello', 'world']);
    expect(assembler.pending).toBe(false);
  });

  it('fails at once on a declared length above the limit', () => {
    const assembler = new PacketAssembler(100);
    assembler.push(Buffer.from([101, 0, 0, 0]));
    expect(() => assembler.take()).toThrow('packet too large');
  });
});

describe('mysql_native_password', () => {
  it('verifies the scramble answer for the right password only', () => {
    const scramble = newScramble();
    expect(scramble).toHaveLength(20);
    expect(scramble.includes(0)).toBe(false);
    const token = nativePasswordToken('secret', scramble);
    expect(token).toHaveLength(20);
    expect(verifyNativePassword('secret', scramble, token)).toBe(true);
    expect(verifyNativePassword('Secret', scramble, token)).toBe(false);
    expect(verifyNativePassword('', scramble, Buffer.alloc(0))).toBe(true);
    expect(verifyNativePassword('secret', scramble, Buffer.alloc(0))).toBe(false);
  });
});
