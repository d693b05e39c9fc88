// Builds the Fastify server that serves the operator API.
import Fastify, { LogController } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { Logger } from '../observability/logger.js';
import { BODY_LIMIT_BYTES } from './json-body.js';
import { operatorApi } from './operator-api.js';
import type { OperatorApiOptions } from './operator-api-options.js';

export function buildHttpServer(o: OperatorApiOptions & { readonly log: Logger }): FastifyInstance {
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: o.log.child({ component: 'http' }),
    // Request lines are logged by our onResponse hook (at debug), not by Fastify at info.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Our onRequest hook answers 503 with the Go envelope while closing.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  void app.register(operatorApi, o);
  return app;
}
