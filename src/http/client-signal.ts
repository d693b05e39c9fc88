// An AbortSignal that fires when the client goes away before we answered. (Fastify's
// request.signal fires once the request body has been read on Node 20, so it cannot be used.)
import type { FastifyReply } from 'fastify';
import { CcrError } from '../errors/ccr-error.js';
import { HttpErrorCode } from './http-errors.js';

export function clientSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort(new CcrError(HttpErrorCode.CLIENT_GONE, 'the client closed the connection', { category: 'input', disposition: 'abort' }));
    }
  });
  return controller.signal;
}
