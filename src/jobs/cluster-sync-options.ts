// The definition of a cluster job (create_ccr with "cluster_sync": true) beyond its src/dest:
// which source databases it replicates, how its child database jobs are named, how often it
// reconciles, and what happens to a child whose database was dropped. Persisted in the
// cluster job's job_info under "cluster_sync"; children carry a "parent" link instead.
import type { JsonBigValue } from '../util/json-big.js';
import { invalidJobRequest } from './job-errors.js';

/** What the cluster job does with the child of a source database that was dropped. */
export type DroppedDatabasePolicy = 'delete' | 'pause';

export interface ClusterSyncOptions {
  /** Glob patterns (`*`, `?`) of source databases to replicate; empty: every database. */
  readonly includeDatabases: readonly string[];
  /** Glob patterns of source databases never to replicate (applied after include). */
  readonly excludeDatabases: readonly string[];
  /** Name of a child job: `<name>` is the cluster job's name, `<db>` the source database. */
  readonly childNameTemplate: string;
  /** Reconciliation interval of this job; undefined: the syncer-wide default (settings). */
  readonly monitorIntervalSeconds: number | undefined;
  readonly onDatabaseDropped: DroppedDatabasePolicy;
}

/**
 * A child database job's link to its cluster job: the source database it was created for,
 * by name and id. A database dropped and recreated under the same name has a new id, which
 * is how the cluster job knows the child must start over with a full sync.
 */
export interface ParentLink {
  readonly job: string;
  readonly database: string;
  readonly dbId: bigint;
}

export const DEFAULT_CHILD_NAME_TEMPLATE = '<name>_<db>';
export const MAX_MONITOR_INTERVAL_SECONDS = 86_400;

/**
 * Doris' own databases, never replicated: information_schema and mysql are virtual,
 * __internal_schema (and _statistics before Doris 2.0) hold FE statistics and audit data.
 */
export const SYSTEM_DATABASES: ReadonlySet<string> = new Set(['information_schema', 'mysql', '__internal_schema', '_statistics']);

export function isSystemDatabase(name: string): boolean {
  return SYSTEM_DATABASES.has(name.toLowerCase());
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** True when the cluster job replicates `database` (system databases never). */
export function wantsDatabase(options: ClusterSyncOptions, database: string): boolean {
  if (isSystemDatabase(database)) return false;
  const matches = (patterns: readonly string[]): boolean => patterns.some((p) => globToRegExp(p).test(database));
  if (options.includeDatabases.length > 0 && !matches(options.includeDatabases)) return false;
  return !matches(options.excludeDatabases);
}

/** The name of the child job of `database`. */
export function childJobName(options: ClusterSyncOptions, clusterJob: string, database: string): string {
  return options.childNameTemplate.replaceAll('<name>', clusterJob).replaceAll('<db>', database);
}

/** Checks what the request cannot express by types; throws an input CcrError naming the field. */
export function validateClusterSyncOptions(o: ClusterSyncOptions): void {
  if (!o.childNameTemplate.includes('<db>')) {
    throw invalidJobRequest('child_name_template', `needs <db> so every database gets its own job (default ${DEFAULT_CHILD_NAME_TEMPLATE}), got ${JSON.stringify(o.childNameTemplate)}`);
  }
  for (const [field, patterns] of [
    ['include_databases', o.includeDatabases],
    ['exclude_databases', o.excludeDatabases],
  ] as const) {
    if (patterns.some((p) => p.trim() === '')) throw invalidJobRequest(field, 'empty patterns are not allowed');
  }
  const n = o.monitorIntervalSeconds;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > MAX_MONITOR_INTERVAL_SECONDS)) {
    throw invalidJobRequest('monitor_interval_seconds', `expected an integer 1-${MAX_MONITOR_INTERVAL_SECONDS}, got ${n}`);
  }
}

export function encodeClusterSyncOptions(o: ClusterSyncOptions): Record<string, JsonBigValue> {
  const out: Record<string, JsonBigValue> = {
    include_databases: [...o.includeDatabases],
    exclude_databases: [...o.excludeDatabases],
    child_name_template: o.childNameTemplate,
    on_database_dropped: o.onDatabaseDropped,
  };
  if (o.monitorIntervalSeconds !== undefined) out.monitor_interval_seconds = o.monitorIntervalSeconds;
  return out;
}

export function encodeParentLink(p: ParentLink): Record<string, JsonBigValue> {
  return { job: p.job, database: p.database, db_id: p.dbId };
}
