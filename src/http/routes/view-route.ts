// /view?type=html|table|raw: every job in the meta store, from stored data only.
import type { FastifyInstance } from 'fastify';
import { clientSignal } from '../client-signal.js';
import { ok } from '../envelope.js';
import { badRequest } from '../http-errors.js';
import type { OperatorApiOptions } from '../operator-api-options.js';
import { rawRows, renderHtml, renderTable } from '../view-render.js';

export function registerViewRoute(app: FastifyInstance, o: OperatorApiOptions): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/view',
    handler: async (req, reply) => {
      const type = (req.query as { type?: unknown }).type ?? 'html';
      if (type !== 'html' && type !== 'table' && type !== 'raw') {
        throw badRequest(`type: expected html, table or raw, got ${JSON.stringify(type)}`, 'type');
      }
      const signal = clientSignal(reply);
      const rows = await o.clusters.overview(await o.jobs.overview(signal), signal);
      if (type === 'raw') return ok({ jobs: rawRows(rows) });
      if (type === 'table') return reply.type('text/plain; charset=utf-8').send(renderTable(rows));
      return reply.type('text/html; charset=utf-8').send(renderHtml(rows, o.version));
    },
  });
}
