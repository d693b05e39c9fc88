// mysql_native_password: the server sends a 20-byte scramble; the client answers
// SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); an empty password sends nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A fresh 20-byte scramble of printable, non-NUL bytes (as MySQL servers generate). */
export function newScramble(): Buffer {
  const bytes = randomBytes(20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x21 + ((bytes[i] as number) % 94);
  return bytes;
}

/** The token a client computes for `password` (used by tests and by the verifier). */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const stage2 = sha1(stage1);
  const mix = sha1(scramble, stage2);
  return Buffer.from(stage1.map((b, i) => b ^ (mix[i] as number)));
}

/** True when `token` is what a client knowing `password` sends for `scramble`. */
export function verifyNativePassword(password: string, scramble: Buffer, token: Buffer): boolean {
  const expected = nativePasswordToken(password, scramble);
  return expected.length === token.length && (expected.length === 0 || timingSafeEqual(expected, token));
}
