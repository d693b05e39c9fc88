// The request bodies of the operator API, with the Go syncer's field names.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { MAX_MONITOR_INTERVAL_SECONDS } from '../jobs/cluster-sync-options.js';
import { body, bool, choice, int, int64, object, optionalInt, optionalText, port, stringMap, strings, text } from './fields.js';
import { badRequest } from './http-errors.js';

const NAME_EXAMPLE = '{"name": "<job name>"}';

export const jobNameRequest = body({ name: text({ nonEmpty: true }) }, NAME_EXAMPLE);

const cluster = object(
  {
    host: text({ nonEmpty: true }),
    port: port(),
    thrift_port: port(),
    user: text({ nonEmpty: true }),
    password: text({ default: '' }),
    cluster: text({ default: '' }),
    // Required unless cluster_sync (checked with the rest of the request: newJobSpec).
    database: text({ default: '' }),
    table: text({ default: '' }),
    host_mapping: stringMap(),
  },
  '{"host": "fe-host", "port": "9030", "thrift_port": "9020", "user": "root", "password": "", "database": "db", "table": ""}',
);

export const createCcrRequest = body(
  {
    name: text({ nonEmpty: true }),
    src: cluster,
    dest: cluster,
    skip_error: bool(false),
    allow_table_exists: bool(false),
    reuse_binlog_label: bool(false),
    replication_num: int({ min: -1, max: 32767, default: -1 }),
    cluster_sync: bool(false),
    // cluster_sync only (doc/cluster-sync.md).
    include_databases: strings(),
    exclude_databases: strings(),
    child_name_template: optionalText(),
    monitor_interval_seconds: optionalInt({ min: 1, max: MAX_MONITOR_INTERVAL_SECONDS }),
    on_database_dropped: choice(['delete', 'pause'], 'delete'),
  },
  '{"name": "job", "src": {...}, "dest": {...}}',
);

export const skipBinlogRequest = body(
  {
    name: text({ nonEmpty: true }),
    skip_by: text({ nonEmpty: true }),
    skip_commit_seq: int64(),
    skip_table: text({ default: '' }),
    skip_table_id: int64(),
  },
  '{"name": "<job name>", "skip_by": "silence", "skip_commit_seq": 1001}',
);

export const hostMappingRequest = body(
  { name: text({ nonEmpty: true }), src_host_mapping: stringMap(), dest_host_mapping: stringMap() },
  '{"name": "<job name>", "src_host_mapping": {"172.16.0.1": "10.0.0.1"}}',
);

export const deleteRequest = body({ name: text({ nonEmpty: true }), cascade: bool(false) }, NAME_EXAMPLE);

export const monitorIntervalRequest = body(
  { interval_seconds: int({ min: 1, max: MAX_MONITOR_INTERVAL_SECONDS }), name: optionalText() },
  '{"interval_seconds": 120} or {"name": "<cluster job>", "interval_seconds": 120}',
);

/** get_monitor_interval with a body (or query string): {"name": ...} for one cluster job. */
export const getMonitorIntervalRequest = body({ name: optionalText() }, '{"name": "<cluster job>"}');

/**
 * Parses the request input: the JSON body, or for a GET without body the query string.
 * Throws a 400 CcrError whose message names the first bad field.
 */
export function parseRequest<S extends z.ZodType>(schema: S, req: FastifyRequest): z.output<S> {
  const input = req.body === undefined && req.method === 'GET' ? { ...(req.query as object) } : req.body;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const message = issue?.message ?? 'invalid request';
  if (field === '') throw badRequest(message);
  throw badRequest(/^(is|must) /.test(message) ? `${field} ${message}` : `${field}: ${message}`, field);
}
