// Endpoints about the syncer itself: version, features, metrics, list_jobs, monitor interval.
import type { FastifyInstance } from 'fastify';
import { featureOptions } from '../../config/options.js';
import { clientSignal } from '../client-signal.js';
import { ok } from '../envelope.js';
import type { OperatorApiOptions } from '../operator-api-options.js';
import { monitorIntervalRequest, parseRequest } from '../request-schemas.js';

const ANY = ['GET', 'POST'] as const;
export const MONITOR_INTERVAL_KEY = 'monitor_interval_seconds';
/** Default of the cluster monitor interval (the Go cluster-sync PR uses 120 s). */
export const DEFAULT_MONITOR_INTERVAL_SECONDS = 120;

export function registerServiceRoutes(app: FastifyInstance, o: OperatorApiOptions): void {
  app.route({ method: [...ANY], url: '/version', handler: async () => ok({ version: o.version }) });

  app.route({
    method: [...ANY],
    url: '/features',
    handler: async () =>
      ok({
        flags: featureOptions().map((f) => ({ feature: f.name, value: o.config[f.name], default: String(f.default) })),
      }),
  });

  app.route({
    method: [...ANY],
    url: '/metrics',
    handler: async (_req, reply) => reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics()),
  });

  app.route({
    method: [...ANY],
    url: '/list_jobs',
    config: { errorExtras: { jobs: [] } },
    handler: async (_req, reply) => ok({ jobs: (await o.jobs.list(clientSignal(reply))).map((j) => j.name) }),
  });

  app.route({
    method: [...ANY],
    url: '/update_monitor_interval',
    handler: async (req, reply) => {
      const { interval_seconds } = parseRequest(monitorIntervalRequest, req);
      await o.store.setSetting(MONITOR_INTERVAL_KEY, String(interval_seconds), clientSignal(reply));
      return ok();
    },
  });

  app.route({
    method: [...ANY],
    url: '/get_monitor_interval',
    config: { errorExtras: { interval_seconds: 0 } },
    handler: async (_req, reply) => {
      const stored = await o.store.getSetting(MONITOR_INTERVAL_KEY, clientSignal(reply));
      return ok({ interval_seconds: stored === undefined ? DEFAULT_MONITOR_INTERVAL_SECONDS : Number(stored) });
    },
  });
}
