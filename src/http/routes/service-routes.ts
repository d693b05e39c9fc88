// Endpoints about the syncer itself: version, features, metrics, list_jobs, monitor interval.
import type { FastifyInstance } from 'fastify';
import { featureOptions } from '../../config/options.js';
import { clientSignal } from '../client-signal.js';
import { ok } from '../envelope.js';
import type { OperatorApiOptions } from '../operator-api-options.js';
import { redirectedToOwner } from '../ownership.js';
import { getMonitorIntervalRequest, monitorIntervalRequest, parseRequest } from '../request-schemas.js';

const ANY = ['GET', 'POST'] as const;

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
    config: { errorExtras: { jobs: [], owners: {} } },
    handler: async (_req, reply) => {
      const all = await o.jobs.list(clientSignal(reply));
      // Go's flat list of names, and each cluster job with its children (linked in the store).
      const clusters = all
        .filter((j) => j.kind === 'cluster')
        .map((c) => ({ name: c.name, children: all.filter((j) => j.parent === c.name).map((j) => j.name) }));
      // Each job's owning syncer (HA: where job-scoped requests are redirected to).
      const owners = Object.fromEntries(all.map((j) => [j.name, j.owner]));
      // "clusters" only when there are cluster jobs.
      return ok({ jobs: all.map((j) => j.name), owners, ...(clusters.length > 0 ? { clusters } : {}) });
    },
  });

  app.route({
    method: [...ANY],
    url: '/update_monitor_interval',
    handler: async (req, reply) => {
      const { interval_seconds, name } = parseRequest(monitorIntervalRequest, req);
      const signal = clientSignal(reply);
      // One cluster job's interval is changed by its owner; the default by any syncer.
      if (name !== undefined && (await redirectedToOwner(o.jobs, name, req, reply, signal))) return reply;
      await o.clusters.setInterval(name, interval_seconds, signal);
      return ok();
    },
  });

  app.route({
    method: [...ANY],
    url: '/get_monitor_interval',
    config: { errorExtras: { interval_seconds: 0 } },
    handler: async (req, reply) => {
      const name = req.body === undefined && req.method !== 'GET' ? undefined : parseRequest(getMonitorIntervalRequest, req).name;
      const interval = await o.clusters.interval(name, clientSignal(reply));
      if (name === undefined) return ok({ interval_seconds: interval.seconds });
      return ok({ name, interval_seconds: interval.seconds, default_interval_seconds: interval.defaultSeconds });
    },
  });
}
