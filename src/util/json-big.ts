// JSON with 64-bit integers. Doris writes ids and commit seqs as plain JSON numbers that may
// exceed 2^53; JSON.parse would round them. parseJsonBig keeps every integer that is not a
// safe JS number as a bigint, and stringifyJsonBig writes bigints back as bare numbers, so
// a document survives a round trip byte-for-byte in its numbers.

export type JsonBigValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonBigValue[]
  | { [key: string]: JsonBigValue };

export class JsonBigSyntaxError extends SyntaxError {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonBigSyntaxError';
  }
}

/** Parses JSON; integers outside Number.MIN_SAFE_INTEGER..MAX_SAFE_INTEGER become bigint. */
export function parseJsonBig(text: string): JsonBigValue {
  let i = 0;
  const fail = (msg: string): never => {
    throw new JsonBigSyntaxError(msg, i);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const value = (): JsonBigValue => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    return fail(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
  };
  const literal = <T extends JsonBigValue>(word: string, v: T): T => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return v;
    }
    return fail(`invalid literal`);
  };
  const number = (): number | bigint => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('invalid number');
    const raw = m[0];
    i += raw.length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : BigInt(raw);
    }
    return Number(raw);
  };
  const string = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        simple = false;
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= text.length) {
      i = start;
      return fail('unterminated string');
    }
    i++;
    const body = text.slice(start, i);
    if (simple) return body.slice(1, -1);
    try {
      return JSON.parse(body) as string;
    } catch {
      i = start;
      return fail('invalid string escape');
    }
  };
  const array = (): JsonBigValue[] => {
    i++;
    const out: JsonBigValue[] = [];
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      return fail('expected , or ]');
    }
  };
  const object = (): { [key: string]: JsonBigValue } => {
    i++;
    const out: { [key: string]: JsonBigValue } = {};
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') return fail('expected a string key');
      const key = string();
      ws();
      if (text[i] !== ':') return fail('expected :');
      i++;
      out[key] = value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      return fail('expected , or }');
    }
  };
  const result = value();
  ws();
  if (i !== text.length) fail('unexpected trailing characters');
  return result;
}

/** JSON.stringify that writes bigint values as bare integers. */
export function stringifyJsonBig(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        marks.push(v.toString());
        return `\u0000big${marks.length - 1}\u0000`;
      }
      return v;
    },
    indent,
  );
  if (marks.length === 0) return text;
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, n: string) => marks[Number(n)] ?? '0');
}

/** Reads a JSON number/bigint/decimal string as a bigint; throws a TypeError otherwise. */
export function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new TypeError(`${what} must be an integer, got ${typeof v === 'string' ? JSON.stringify(v) : typeof v}`);
}
