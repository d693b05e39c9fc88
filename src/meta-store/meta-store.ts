// The syncer's own metadata store: job definitions, progress checkpoints, the syncer registry
// and settings. One port, two adapters (sqlite/, mysql/), one conformance suite
// (test/support/meta-store-conformance.ts). Tables stay compatible with the Go syncer:
// jobs(job_name, job_info, belong_to), progresses(job_name, progress), syncers(host_info,
// timestamp); ours: jobs.epoch (fencing), jobs.parent_job (cluster-sync children), settings,
// schema_migrations.
import { CcrError } from '../errors/ccr-error.js';

export const MetaStoreErrorCode = {
  /** The store cannot be reached or failed; transient unless the message says otherwise. */
  UNAVAILABLE: 'CCR_M0001',
  /** A fenced write found the job owned by another syncer or at another epoch. */
  FENCED: 'CCR_M0002',
  /** addJob: a job with this name exists. */
  DUPLICATE: 'CCR_M0003',
  /** The store's schema is newer than this build, or a migration failed. */
  SCHEMA: 'CCR_M0004',
} as const;

/** A job row. */
export interface StoredJob {
  readonly name: string;
  /** job_info JSON, as written (the store does not interpret it). */
  readonly jobInfo: string;
  /** The owning syncer's identity, host:port. */
  readonly belongTo: string;
  /** Bumped on every ownership change; fenced writes compare it. */
  readonly epoch: bigint;
  /** The cluster job this job is a child of (jobs.parent_job), or undefined. */
  readonly parent: string | undefined;
}

/**
 * The links of a job row that live in their own columns so they can be queried. The writer
 * keeps them equal to what job_info says (the JobManager passes both in one call).
 */
export interface JobLinks {
  /** The parent cluster job; undefined or omitted: none. */
  readonly parent?: string | undefined;
}

/** Condition of a fenced write: the job row must still be owned by `owner` at `epoch`. */
export interface Fence {
  readonly owner: string;
  readonly epoch: bigint;
}

/** A syncer's registry row (table syncers). */
export interface SyncerRow {
  readonly hostInfo: string;
  /**
   * Unix nanoseconds of the last heartbeat. Heartbeats and registrations write the store's
   * own clock (MySQL: the server's, so syncers on hosts with skewed clocks agree; SQLite:
   * this host's); upsertSyncer writes the value it is given (Go wrote its local clock).
   */
  readonly timestampNs: bigint;
  /** The process incarnation holding the identity; '' for rows written without one (Go, upsertSyncer). */
  readonly session: string;
  /** Lease of that incarnation in ms: dead once the store's clock is past timestamp + lease. 0: unknown. */
  readonly leaseMs: number;
  /** Handing its jobs over before it stops: gets no jobs. */
  readonly leaving: boolean;
}

/** What registerSyncer writes. */
export interface SyncerRegistration {
  readonly hostInfo: string;
  /** Unique per process start. */
  readonly session: string;
  readonly leaseMs: number;
}

export type RegisterOutcome =
  | { readonly kind: 'registered' }
  /** A live incarnation (another session whose lease has not run out) holds the identity. */
  | { readonly kind: 'held'; readonly holder: SyncerRow; readonly nowNs: bigint };

/** Who owns a job, without its definition. */
export interface JobOwnership {
  readonly name: string;
  readonly belongTo: string;
  readonly epoch: bigint;
  readonly parent: string | undefined;
}

/** The registry and every job's owner, as the HA service plans with them. */
export interface OwnershipSnapshot {
  /** The store's clock when the registry was read (unix ns; same clock as heartbeats). */
  readonly nowNs: bigint;
  readonly syncers: readonly SyncerRow[];
  /** Ordered by name. */
  readonly jobs: readonly JobOwnership[];
}

/** True when `row` had no heartbeat for longer than its lease (`fallbackLeaseMs` when it names none). */
export function syncerExpired(row: SyncerRow, nowNs: bigint, fallbackLeaseMs: number): boolean {
  const leaseMs = row.leaseMs > 0 ? row.leaseMs : fallbackLeaseMs;
  return nowNs - row.timestampNs > BigInt(leaseMs) * 1_000_000n;
}

/** Thrown by fenced writes when the job moved to another owner or epoch (or was deleted). */
export class FencedError extends CcrError {
  constructor(job: string, fence: Fence, message?: string) {
    super(
      MetaStoreErrorCode.FENCED,
      message ?? `job ${job} is no longer owned by ${fence.owner} at epoch ${fence.epoch}; this syncer must stop running it`,
      { category: 'meta-store', disposition: 'abort', details: { job, owner: fence.owner } },
    );
    this.name = 'FencedError';
  }
}

/**
 * Every method takes a required AbortSignal: abort stops waiting (a retry back-off, a pool
 * queue) and rejects with the signal's reason; a statement already sent to the database may
 * still complete. Failures are CcrErrors with category 'meta-store': UNAVAILABLE (retry
 * later), FENCED, DUPLICATE, SCHEMA. Messages never contain the store password.
 */
export interface MetaStore {
  /** 'sqlite3' or 'mysql', for logs. */
  readonly kind: string;

  /**
   * Creates missing tables and applies pending numbered migrations. Idempotent; safe when
   * several syncers start against the same database at once. Called once before use.
   */
  migrate(signal: AbortSignal): Promise<void>;

  /** Inserts a job with epoch 0 and `links`. Rejects with DUPLICATE when the name exists. */
  addJob(name: string, jobInfo: string, belongTo: string, signal: AbortSignal, links?: JobLinks): Promise<void>;

  /** The job row, or undefined. */
  getJob(name: string, signal: AbortSignal): Promise<StoredJob | undefined>;

  /** All job rows of all syncers, ordered by name. */
  listJobs(signal: AbortSignal): Promise<StoredJob[]>;

  /** The job rows owned by `owner`, ordered by name. */
  listJobsOwnedBy(owner: string, signal: AbortSignal): Promise<StoredJob[]>;

  /** The job rows whose parent is `parent` (any owner), ordered by name. */
  listChildJobs(parent: string, signal: AbortSignal): Promise<StoredJob[]>;

  /**
   * Replaces job_info, and the link columns when `links` is given (omitted: unchanged), in
   * one statement. Without a fence: rejects FENCED only if the job does not exist. With a
   * fence: rejects FENCED unless the row matches it. Idempotent.
   */
  updateJob(name: string, jobInfo: string, signal: AbortSignal, fence?: Fence, links?: JobLinks): Promise<void>;

  /**
   * Sets belong_to = `owner` and increments the epoch, if the row matches `fence` (when
   * given). Resolves to the new epoch; rejects FENCED when the job is gone or does not match.
   */
  transferJob(name: string, owner: string, signal: AbortSignal, fence?: Fence): Promise<bigint>;

  /**
   * Deletes the job and its progress in one transaction. Resolves false when the job did not
   * exist (nothing to do); with a fence, rejects FENCED when the row does not match.
   */
  removeJob(name: string, signal: AbortSignal, fence?: Fence): Promise<boolean>;

  /** The stored progress JSON, or undefined before the first checkpoint. */
  getProgress(name: string, signal: AbortSignal): Promise<string | undefined>;

  /**
   * Upserts the progress JSON (MySQL stores it base64-encoded, SQLite raw, like the Go
   * syncer). With a fence, the job row must match it (checked in the same transaction).
   * Retries a transient failure a bounded number of times with back-off, then rejects
   * UNAVAILABLE. Idempotent.
   */
  updateProgress(name: string, progress: string, signal: AbortSignal, fence?: Fence): Promise<void>;

  /** Upserts a registry row (host_info, timestamp) without a session, as the Go syncer did. */
  upsertSyncer(hostInfo: string, timestampNs: bigint, signal: AbortSignal): Promise<void>;

  /** All registry rows, ordered by host_info. */
  listSyncers(signal: AbortSignal): Promise<SyncerRow[]>;

  /**
   * Claims the identity `reg.hostInfo` for the incarnation `reg.session`: refused ('held')
   * while another session's row is live by the store's clock. Before claiming, bumps the
   * epoch of every job owned by that identity, so writes of an earlier incarnation (frozen,
   * not dead) are fenced. Writes the store's clock as the first heartbeat. Never holds a
   * lock across round trips.
   */
  registerSyncer(reg: SyncerRegistration, signal: AbortSignal): Promise<RegisterOutcome>;

  /**
   * Renews the lease: timestamp = the store's clock, if the row still belongs to `session`.
   * Resolves false when it does not (declared dead and removed, or claimed by another start).
   */
  heartbeat(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean>;

  /** Marks the row leaving (it gets no jobs). Resolves false when the row is not `session`'s. */
  setSyncerLeaving(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean>;

  /** Deletes the row if it is `session`'s. Resolves whether it was. */
  unregisterSyncer(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean>;

  /**
   * Deletes a dead syncer's row, only if its heartbeat is still `timestampNs` and its lease
   * (or `fallbackLeaseMs`) has run out by the store's clock. Resolves whether it did.
   */
  removeDeadSyncer(hostInfo: string, timestampNs: bigint, fallbackLeaseMs: number, signal: AbortSignal): Promise<boolean>;

  /** The store's clock, the registry and every job's owner and epoch (no job_info). */
  ownership(signal: AbortSignal): Promise<OwnershipSnapshot>;

  /** A setting (for example the monitor interval), or undefined. */
  getSetting(key: string, signal: AbortSignal): Promise<string | undefined>;

  /** Upserts a setting. */
  setSetting(key: string, value: string, signal: AbortSignal): Promise<void>;

  /** Closes connections. Idempotent; other calls reject afterwards. */
  close(): Promise<void>;
}

export function storeUnavailable(message: string, cause?: unknown): CcrError {
  return new CcrError(MetaStoreErrorCode.UNAVAILABLE, message, { category: 'meta-store', disposition: 'retry', cause });
}

export function duplicateJob(name: string): CcrError {
  return new CcrError(MetaStoreErrorCode.DUPLICATE, `job ${name} already exists`, { category: 'meta-store', disposition: 'abort' });
}

export function schemaError(message: string, cause?: unknown): CcrError {
  return new CcrError(MetaStoreErrorCode.SCHEMA, message, { category: 'meta-store', disposition: 'pause', cause });
}
