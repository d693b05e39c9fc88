// The operator API as one Fastify plugin: body parsing, auth, metrics, the error handler and
// every route. Testable with app.inject() (see buildHttpServer).
import type { FastifyInstance } from 'fastify';
import { stringifyJsonBig } from '../util/json-big.js';
import { installTokenAuth } from './auth.js';
import { failure } from './envelope.js';
import { installErrorHandler } from './error-handler.js';
import { installJsonBodyParser } from './json-body.js';
import { shuttingDown } from '../jobs/job-errors.js';
import type { OperatorApiOptions } from './operator-api-options.js';
import { registerJobControlRoutes } from './routes/job-control-routes.js';
import { registerJobReadRoutes } from './routes/job-read-routes.js';
import { registerServiceRoutes } from './routes/service-routes.js';
import { registerViewRoute } from './routes/view-route.js';

export async function operatorApi(app: FastifyInstance, o: OperatorApiOptions): Promise<void> {
  // Replies may carry 64-bit ids and commit seqs as bigint.
  app.setReplySerializer((payload) => stringifyJsonBig(payload));
  installJsonBodyParser(app);
  installErrorHandler(app);

  // While closing, new requests get 503 with our envelope (Fastify's own 503 body is not it).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url.split('?')[0] }, 'request received');
    if (!closing) return;
    const err = shuttingDown();
    return reply.code(503).header('connection', 'close').send(failure(err.code, err.message));
  });

  installTokenAuth(app, o.config.api_token);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    o.metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    o.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    req.log.debug({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
  });

  registerServiceRoutes(app, o);
  registerJobControlRoutes(app, o);
  registerJobReadRoutes(app, o);
  registerViewRoute(app, o);
}
