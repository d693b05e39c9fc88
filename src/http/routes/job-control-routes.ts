// Endpoints that change a job: create_ccr, pause, resume, delete, force_fullsync,
// job_skip_binlog, update_host_mapping, desync, sync.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DEFAULT_CHILD_NAME_TEMPLATE } from '../../jobs/cluster-sync-options.js';
import type { ClusterInput, CreateJobRequest, SkipIntent } from '../../jobs/job-spec.js';
import { clientSignal } from '../client-signal.js';
import { ok } from '../envelope.js';
import { badRequest } from '../http-errors.js';
import type { OperatorApiOptions } from '../operator-api-options.js';
import { redirectedToOwner } from '../ownership.js';
import { createCcrRequest, deleteRequest, hostMappingRequest, jobNameRequest, parseRequest, skipBinlogRequest } from '../request-schemas.js';

const ANY = ['GET', 'POST'] as const;

/** create_ccr fields that only mean something with "cluster_sync": true. */
const CLUSTER_ONLY = ['include_databases', 'exclude_databases', 'child_name_template', 'monitor_interval_seconds', 'on_database_dropped'] as const;

type ParsedCluster = {
  host: string;
  port: number;
  thrift_port: number;
  user: string;
  password: string;
  cluster: string;
  database: string;
  table: string;
  host_mapping: Record<string, string>;
};

function toCluster(c: ParsedCluster): ClusterInput {
  return {
    host: c.host,
    port: c.port,
    thriftPort: c.thrift_port,
    user: c.user,
    password: c.password,
    cluster: c.cluster,
    database: c.database,
    table: c.table,
    hostMapping: c.host_mapping,
  };
}

function skipIntent(r: { skip_by: string; skip_commit_seq: bigint | undefined; skip_table: string; skip_table_id: bigint | undefined }): SkipIntent {
  const by = r.skip_by.trim().toLowerCase();
  switch (by) {
    case 'silence':
      if (r.skip_commit_seq === undefined || r.skip_commit_seq <= 0n) {
        throw badRequest('skip_commit_seq must be the positive commit seq of the binlog to skip when skip_by is "silence"', 'skip_commit_seq');
      }
      return { by, commitSeq: r.skip_commit_seq };
    case 'fullsync':
      return { by };
    case 'partialsync':
      if (r.skip_table === '') throw badRequest('skip_table is required when skip_by is "partialsync" (the source table name)', 'skip_table');
      if (r.skip_table_id === undefined || r.skip_table_id <= 0n) {
        throw badRequest('skip_table_id must be the positive source table id when skip_by is "partialsync"', 'skip_table_id');
      }
      return { by, table: r.skip_table, tableId: r.skip_table_id };
    default:
      throw badRequest(`skip_by: expected "silence", "fullsync" or "partialsync", got ${JSON.stringify(r.skip_by)}`, 'skip_by');
  }
}

export function registerJobControlRoutes(app: FastifyInstance, o: OperatorApiOptions): void {
  const { jobs, clusters } = o;

  app.route({
    method: [...ANY],
    url: '/create_ccr',
    handler: async (req, reply) => {
      const r = parseRequest(createCcrRequest, req);
      const request: CreateJobRequest = {
        name: r.name,
        src: toCluster(r.src),
        dest: toCluster(r.dest),
        options: {
          skipError: r.skip_error,
          allowTableExists: r.allow_table_exists,
          reuseBinlogLabel: r.reuse_binlog_label,
          replicationNum: r.replication_num,
        },
      };
      if (r.cluster_sync) {
        const cluster = {
          includeDatabases: r.include_databases,
          excludeDatabases: r.exclude_databases,
          childNameTemplate: r.child_name_template ?? DEFAULT_CHILD_NAME_TEMPLATE,
          monitorIntervalSeconds: r.monitor_interval_seconds,
          onDatabaseDropped: r.on_database_dropped,
        };
        await clusters.create({ ...request, cluster }, clientSignal(reply));
        return ok();
      }
      const raw = req.body as Record<string, unknown>;
      const stray = CLUSTER_ONLY.find((k) => raw[k] !== undefined && raw[k] !== null);
      if (stray) throw badRequest(`${stray}: only applies to cluster jobs; set "cluster_sync": true or leave it out`, stray);
      await jobs.create(request, clientSignal(reply));
      return ok();
    },
  });

  /**
   * A job-scoped endpoint: parse and validate (bad input is a 400 on any syncer), redirect to
   * the owner if needed, then run `op` with what `check` derived from the request.
   */
  const jobRoute = <S extends z.ZodType<{ name: string }>, T>(
    url: string,
    schema: S,
    check: (r: z.output<S>) => T,
    op: (name: string, checked: T, signal: AbortSignal) => Promise<Record<string, unknown> | void>,
  ) =>
    app.route({
      method: [...ANY],
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const r = parseRequest(schema, req);
        const checked = check(r);
        const signal = clientSignal(reply);
        if (await redirectedToOwner(jobs, r.name, req, reply, signal)) return reply;
        return ok((await op(r.name, checked, signal)) ?? {});
      },
    });
  const none = (): undefined => undefined;

  // On a cluster job, pause/resume/delete cascade to its children (doc/cluster-sync.md).
  jobRoute('/pause', jobNameRequest, none, async (name, _, signal) =>
    clusters.isLocalCluster(name) ? { children: await clusters.pause(name, signal) } : jobs.pause(name, signal),
  );
  jobRoute('/resume', jobNameRequest, none, async (name, _, signal) =>
    clusters.isLocalCluster(name) ? { children: await clusters.resume(name, signal) } : jobs.resume(name, signal),
  );
  jobRoute('/delete', deleteRequest, (r) => r.cascade, async (name, cascade, signal) => {
    if (clusters.isLocalCluster(name)) return clusters.remove(name, cascade, signal);
    if (cascade) throw badRequest(`cascade: applies to cluster jobs only; job ${name} is not one`, 'cascade');
    return jobs.remove(name, signal);
  });
  jobRoute('/desync', jobNameRequest, none, (name, _, signal) => jobs.setBeingSynced(name, false, signal));
  jobRoute('/sync', jobNameRequest, none, (name, _, signal) => jobs.setBeingSynced(name, true, signal));
  jobRoute('/force_fullsync', jobNameRequest, none, (name, _, signal) => jobs.skipBinlog(name, { by: 'fullsync' }, signal));
  jobRoute('/job_skip_binlog', skipBinlogRequest, skipIntent, (name, intent, signal) => jobs.skipBinlog(name, intent, signal));
  jobRoute(
    '/update_host_mapping',
    hostMappingRequest,
    (r) => {
      if (Object.keys(r.src_host_mapping).length === 0 && Object.keys(r.dest_host_mapping).length === 0) {
        throw badRequest('host_mapping is empty: give src_host_mapping and/or dest_host_mapping as {"private address": "public address"}', 'src_host_mapping');
      }
      return r;
    },
    (name, r, signal) => jobs.updateHostMapping(name, r.src_host_mapping, r.dest_host_mapping, signal),
  );
}
