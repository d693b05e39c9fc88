// The one place that turns an error into an HTTP status and the Go envelope. Bad input is a
// 4xx with a message naming the field; never a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClusterErrorCode } from '../cluster/cluster-errors.js';
import { CcrError, errorMessage } from '../errors/ccr-error.js';
import { JobErrorCode } from '../jobs/job-errors.js';
import { MetaStoreErrorCode } from '../meta-store/meta-store.js';
import { failure } from './envelope.js';
import { HttpErrorCode } from './http-errors.js';

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [HttpErrorCode.BAD_REQUEST]: 400,
  [HttpErrorCode.UNAUTHORIZED]: 401,
  [HttpErrorCode.NO_ROUTE]: 404,
  [HttpErrorCode.CLIENT_GONE]: 499,
  [JobErrorCode.INVALID_REQUEST]: 400,
  [JobErrorCode.NOT_FOUND]: 404,
  [JobErrorCode.ALREADY_EXISTS]: 409,
  [JobErrorCode.BUSY]: 409,
  [JobErrorCode.CORRUPT_JOB_INFO]: 409,
  [JobErrorCode.PASSWORD_UNREADABLE]: 409,
  [JobErrorCode.SHUTTING_DOWN]: 503,
  [MetaStoreErrorCode.FENCED]: 409,
  [ClusterErrorCode.CHILD_ELSEWHERE]: 409,
  [MetaStoreErrorCode.DUPLICATE]: 409,
  [MetaStoreErrorCode.UNAVAILABLE]: 503,
};

const STATUS_BY_CATEGORY: Readonly<Record<CcrError['category'], number>> = {
  input: 400,
  config: 409,
  rpc: 502,
  fe: 502,
  be: 502,
  sql: 502,
  meta: 502,
  'meta-store': 503,
  internal: 500,
};

export function statusOf(err: CcrError): number {
  return STATUS_BY_CODE[err.code] ?? STATUS_BY_CATEGORY[err.category];
}

/** Per-route zero values of the endpoint's extra fields (route config `errorExtras`). */
function zeroExtras(req: FastifyRequest): Record<string, unknown> {
  const config = req.routeOptions.config as { errorExtras?: Record<string, unknown> } | undefined;
  return config?.errorExtras ?? {};
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | CcrError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof CcrError) {
      const status = statusOf(err);
      const log = status >= 500 ? req.log.warn.bind(req.log) : req.log.info.bind(req.log);
      log({ code: err.code, status, err: err.message }, 'request failed');
      return reply.code(status).send(failure(err.code, err.message, zeroExtras(req)));
    }
    const statusCode = (err as FastifyError).statusCode;
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      req.log.info({ status: statusCode, err: err.message }, 'request rejected');
      return reply.code(statusCode).send(failure(HttpErrorCode.BAD_REQUEST, errorMessage(err), zeroExtras(req)));
    }
    // A bug: log it fully, answer without details that could carry anything sensitive.
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(failure('CCR_I0500', `internal error; see the syncer log (request ${req.id})`, zeroExtras(req)));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(failure(HttpErrorCode.NO_ROUTE, `no endpoint ${req.method} ${req.url.split('?')[0] ?? ''}; see doc/operations.md for the list`)),
  );
}
