// --api_token: every endpoint except /version and /metrics needs "Authorization: Bearer <token>".
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { CcrError } from '../errors/ccr-error.js';
import { failure } from './envelope.js';
import { HttpErrorCode } from './http-errors.js';

const OPEN_PATHS = new Set(['/version', '/metrics']);

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function installTokenAuth(app: FastifyInstance, token: string): void {
  if (token === '') return;
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (m?.[1] !== undefined && tokenMatches(m[1].trim(), token)) return;
    const err = new CcrError(
      HttpErrorCode.UNAUTHORIZED,
      header === '' ? 'this syncer requires an API token: send "Authorization: Bearer <token>"' : 'the API token is not valid',
      { category: 'input', disposition: 'abort' },
    );
    req.log.info({ status: 401 }, 'request without a valid API token');
    return reply.code(401).header('www-authenticate', 'Bearer').send(failure(err.code, err.message));
  });
}
