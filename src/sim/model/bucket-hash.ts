// Bucket routing for HASH distribution: a CRC32 over the distribution column values, modulo
// the bucket count. Doris' BE uses its own per-type hashing (so real and simulated clusters
// place a given row in different buckets); only consistency within one cluster matters here,
// since CCR copies tablets pairwise by bucket position.
import type { Value } from './value.js';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crcText(crc: number, text: string): number {
  let c = crc;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    c = (TABLE[(c ^ code) & 0xff] as number) ^ (c >>> 8);
    if (code > 0xff) c = (TABLE[(c ^ (code >>> 8)) & 0xff] as number) ^ (c >>> 8);
  }
  return c;
}

/** The bucket (0-based) of a row whose distribution column values are `values`. */
export function bucketOf(values: readonly Value[], buckets: number): number {
  let c = 0xffffffff;
  for (const v of values) {
    c = crcText(c, v === null ? '\u0000' : typeof v === 'bigint' ? v.toString() : String(v));
    c = (TABLE[(c ^ 0x1f) & 0xff] as number) ^ (c >>> 8);
  }
  return ((c ^ 0xffffffff) >>> 0) % buckets;
}
