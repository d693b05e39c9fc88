import { describe, expect, it } from 'vitest';
import { parseJsonBig, stringifyJsonBig, JsonBigSyntaxError } from './json-big.js';

describe('parseJsonBig', () => {
  it('keeps unsafe integers exact as bigint and safe ones as numbers', () => {
    const v = parseJsonBig('{"a":9223372036854775807,"b":-9007199254740993,"c":12,"d":1.5,"e":[1e3]}');
    expect(v).toEqual({ a: 9223372036854775807n, b: -9007199254740993n, c: 12, d: 1.5, e: [1000] });
  });

  it('parses strings with escapes, literals and nesting', () => {
    expect(parseJsonBig(' {"s":"a\\"b\\u0041","t":true,"f":false,"n":null,"x":{"y":[]}} ')).toEqual({
      s: 'a"bA',
      t: true,
      f: false,
      n: null,
      x: { y: [] },
    });
  });

  it.each(['{', '{"a":}', '[1,]', '"abc', '{"a":1} x', 'tru', '01'])('rejects %j with a positioned error', (bad) => {
    expect(() => parseJsonBig(bad)).toThrow(JsonBigSyntaxError);
  });
});

describe('stringifyJsonBig', () => {
  it('round-trips 64-bit integers', () => {
    const text = '{"id":18446744073709551,"seq":9223372036854775807,"name":"t1","m":{"10020":20900}}';
    expect(stringifyJsonBig(parseJsonBig(text))).toBe(text);
  });

  it('does not touch strings that look like markers of other values', () => {
    expect(stringifyJsonBig({ s: 'big0', n: 5n })).toBe('{"s":"big0","n":5}');
  });
});
