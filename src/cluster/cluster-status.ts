// The reconciliation status of a cluster job, persisted as the job's progress (progresses
// table, fenced by the owner): what the last pass found per source database, failed child
// creations with their retry time, and when the pass ran. It is the only state a pass
// carries over, so a restart or a new owner continues exactly where the last pass left off.
import { z } from 'zod';
import type { JsonBigValue } from '../util/json-big.js';
import { parseJsonBig, stringifyJsonBig } from '../util/json-big.js';

export type DatabaseState =
  /** A child database job replicates it. */
  | 'synced'
  /** Creating (or recreating) its child failed; retried at nextAttemptAt. */
  | 'failed'
  /** The child's name is taken by a job that is not this cluster job's child. */
  | 'name_conflict'
  /** Binlog is off on the source database; picked up once it is enabled. */
  | 'binlog_disabled'
  /** Dropped on the source; its child is kept paused (on_database_dropped = pause). */
  | 'source_dropped'
  /** Its child is owned by another syncer, which this one does not touch. */
  | 'owned_elsewhere';

export interface StatusError {
  readonly code: string;
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface DatabaseStatus {
  readonly database: string;
  /** The source database id (of the child, for source_dropped). */
  readonly dbId: bigint;
  readonly state: DatabaseState;
  /** The child job's name, existing or to be created. */
  readonly child: string;
  /** Failed creations in a row. */
  readonly attempts: number;
  readonly lastError: StatusError | undefined;
  /** failed: when the next creation is tried (ms since the epoch). */
  readonly nextAttemptAt: number | undefined;
}

export interface ClusterStatus {
  /** When the last pass ended (ms since the epoch); undefined before the first. */
  readonly checkedAt: number | undefined;
  /** Why the last pass failed as a whole (source cluster unreachable, ...). */
  readonly lastError: StatusError | undefined;
  /** Passes failed in a row. */
  readonly failures: number;
  /** After a failed pass: when the next is tried. */
  readonly retryAt: number | undefined;
  /** By database name. */
  readonly databases: readonly DatabaseStatus[];
}

export const EMPTY_CLUSTER_STATUS: ClusterStatus = Object.freeze({ checkedAt: undefined, lastError: undefined, failures: 0, retryAt: undefined, databases: [] });

/** Databases that should replicate but have no child yet. */
export function pendingDatabases(status: ClusterStatus): number {
  return status.databases.filter((d) => d.state === 'failed' || d.state === 'name_conflict').length;
}

const error = z.object({ code: z.string(), message: z.string(), at: z.number() });
const int64 = z.union([z.number().int(), z.bigint()]).transform((v) => BigInt(v));
const stored = z.object({
  kind: z.literal('cluster'),
  checked_at: z.number().nullish(),
  last_error: error.nullish(),
  failures: z.number().int().default(0),
  retry_at: z.number().nullish(),
  databases: z
    .array(
      z.object({
        database: z.string(),
        db_id: int64,
        state: z.enum(['synced', 'failed', 'name_conflict', 'binlog_disabled', 'source_dropped', 'owned_elsewhere']),
        child: z.string(),
        attempts: z.number().int().default(0),
        last_error: error.nullish(),
        next_attempt_at: z.number().nullish(),
      }),
    )
    .default([]),
});

/**
 * Reads a stored status; undefined (none) or unreadable text gives the empty status, which
 * only makes the next pass start from scratch: everything else it derives again.
 */
export function decodeClusterStatus(text: string | undefined): ClusterStatus {
  if (text === undefined) return EMPTY_CLUSTER_STATUS;
  let parsed;
  try {
    parsed = stored.safeParse(parseJsonBig(text));
  } catch {
    return EMPTY_CLUSTER_STATUS;
  }
  if (!parsed.success) return EMPTY_CLUSTER_STATUS;
  const s = parsed.data;
  return {
    checkedAt: s.checked_at ?? undefined,
    lastError: s.last_error ?? undefined,
    failures: s.failures,
    retryAt: s.retry_at ?? undefined,
    databases: s.databases.map((d) => ({
      database: d.database,
      dbId: d.db_id,
      state: d.state,
      child: d.child,
      attempts: d.attempts,
      lastError: d.last_error ?? undefined,
      nextAttemptAt: d.next_attempt_at ?? undefined,
    })),
  };
}

export function encodeClusterStatus(s: ClusterStatus): string {
  const err = (e: StatusError | undefined): JsonBigValue => (e ? { code: e.code, message: e.message, at: e.at } : null);
  return stringifyJsonBig({
    kind: 'cluster',
    checked_at: s.checkedAt ?? null,
    last_error: err(s.lastError),
    failures: s.failures,
    retry_at: s.retryAt ?? null,
    databases: s.databases.map((d) => ({
      database: d.database,
      db_id: d.dbId,
      state: d.state,
      child: d.child,
      attempts: d.attempts,
      last_error: err(d.lastError),
      next_attempt_at: d.nextAttemptAt ?? null,
    })),
  });
}
