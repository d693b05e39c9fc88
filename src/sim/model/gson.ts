// JSON the way Doris' Gson instance writes it (persist/gson/GsonUtils.java): only declared
// keys in declaration order, absent (null) fields omitted, 64-bit numbers as bare integers,
// Map<Long, X> keys as decimal strings, and Gson's default HTML-safe escaping of
// < > & = ' inside strings (so "version_info" = "1" appears as "version_info" \u003d "1").
import { stringifyJsonBig } from '../../util/json-big.js';

const HTML_SAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '=': '\\u003d',
  "'": '\\u0027',
};

/** Serialises a payload object: undefined fields are omitted, bigints stay exact. */
export function gsonJson(value: unknown): string {
  // Outside string literals JSON never contains these characters, so a global replace only
  // touches string contents.
  return stringifyJsonBig(value).replace(/[<>&=']/g, (c) => HTML_SAFE[c] ?? c);
}

/** A Java Map<Long, V> as Gson writes it: keys become decimal strings, insertion order kept. */
export function longKeyMap<V>(entries: Iterable<[bigint, V]>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of entries) out[k.toString()] = v;
  return out;
}
