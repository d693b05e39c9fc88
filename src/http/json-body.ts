// Every request body is read as JSON whatever its Content-Type (the Go syncer decoded the
// body of `curl -d` without -H as JSON too). Integers beyond 2^53 stay exact (bigint).
import type { FastifyInstance } from 'fastify';
import type { JsonBigValue } from '../util/json-big.js';
import { parseJsonBig } from '../util/json-big.js';
import { badRequest } from './http-errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Parsed objects must be plain: a "__proto__" key would have replaced the prototype. */
function isPlain(v: JsonBigValue): boolean {
  if (Array.isArray(v)) return v.every(isPlain);
  if (v !== null && typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isPlain);
  return true;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    let value: JsonBigValue;
    try {
      value = parseJsonBig(text);
    } catch (err) {
      done(badRequest(`request body is not valid JSON (${err instanceof Error ? err.message : String(err)}); send a JSON object such as {"name": "my_job"}`));
      return;
    }
    if (!isPlain(value)) {
      done(badRequest('request body must not contain "__proto__" keys'));
      return;
    }
    done(null, value);
  });
}
