// The seam between the daemon (JobManager, HTTP, store) and the sync engine. The engine
// implements SyncEngine; the JobManager owns persistence of job definitions, job state
// (running/paused) and runner lifecycles, and never reaches into a running step.
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobSpec } from './job-spec.js';

export interface SyncEngine {
  /**
   * First-run checks of a new job (create_ccr): binlog enabled on both clusters' FEs/BEs, the
   * source database/table exists with binlog on, the destination table does not exist unless
   * allowTableExists, ... Resolves the source db/table ids and both FE lists and returns the
   * spec to persist. May create the destination database (CREATE DATABASE IF NOT EXISTS), as
   * the Go syncer does, and nothing else.
   *
   * Rejects with a CcrError whose message tells the operator what to fix: category
   * 'input' or 'config' for a request that cannot work (HTTP 400), 'rpc'/'fe'/'be'/'sql'/'meta'
   * when a cluster cannot be reached or answers with an error (HTTP 502).
   * Abort: rejects promptly with the signal's reason; the caller persists nothing.
   */
  prepare(spec: JobSpec, signal: AbortSignal): Promise<JobSpec>;

  /**
   * Creates the runner of one job loaded on this syncer. Synchronous and without I/O: the
   * runner loads its progress and does its work in run().
   */
  createRunner(ctx: JobRunnerContext): JobRunner;

  /**
   * Binlog lag of a job: asks the source FE (getBinlogLag) how many binlogs follow the
   * checkpointed commit seq in `progress` (the stored progress JSON; undefined before the
   * first checkpoint). Read-only and safe for any job, including jobs owned by another
   * syncer. Rejects with a CcrError when the FE cannot answer.
   */
  lag(spec: JobSpec, progress: string | undefined, signal: AbortSignal): Promise<LagInfo>;

  /**
   * Sets "is_being_synced" on the destination table (table job) or on every table of the
   * destination database (db job): false for /desync, true for /sync. Idempotent. Does not
   * pause the job. Rejects with a CcrError listing the tables that failed.
   */
  setBeingSynced(spec: JobSpec, enabled: boolean, signal: AbortSignal): Promise<void>;

  /**
   * Pure: what /view and /job_status show for a stored progress JSON. Never throws; fields it
   * cannot read are left undefined.
   */
  describeProgress(progress: string): ProgressSummary;

  /** Releases pooled connections. Called once after every runner has stopped. Idempotent. */
  close(): Promise<void>;
}

/** What a runner gets from the JobManager. */
export interface JobRunnerContext {
  /** The job as persisted when the runner was created; later changes arrive through notify(). */
  readonly spec: JobSpec;
  /** Child logger bound to { job }. Never log the spec: it holds passwords. */
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The stored progress JSON, or undefined before the first checkpoint. */
  loadProgress(signal: AbortSignal): Promise<string | undefined>;
  /**
   * Persists the checkpoint. The write is fenced: it succeeds only while this syncer still
   * owns the job. It retries a transient store failure a few times with backoff, then
   * rejects with a CcrError (category 'meta-store', disposition 'retry'): the runner backs
   * off and tries again later. Rejects with FencedError (src/meta-store/meta-store.ts) when
   * another syncer took the job: the runner must stop without further writes.
   */
  saveProgress(progress: string, signal: AbortSignal): Promise<void>;
  /**
   * Applies `change` to the current spec and persists the result (for example: record
   * dest.tableId after a full sync, clear a skip intent that took effect). name, id, kind
   * and state are kept whatever `change` returns. Serialised with operator updates of the
   * same job; resolves to the spec now stored. Same fencing and errors as saveProgress.
   */
  updateSpec(change: (spec: JobSpec) => JobSpec, signal: AbortSignal): Promise<JobSpec>;
  /**
   * Synchronous check that this syncer may still write for the job: call it immediately
   * before every destination commit, DDL, restore or backup submission. Throws a FencedError
   * (LeaseExpiredError when the syncer's lease ran out, e.g. after the process was frozen):
   * the runner must stop without that write. Cheap: no I/O.
   */
  assertLease(): void;
}

export interface JobRunner {
  /**
   * Runs the job until:
   * - `signal` aborts (pause, delete, shutdown, ownership lost): stop at the next step
   *   boundary (a persisted checkpoint) and resolve { kind: 'stopped' }. Promptly: waits and
   *   RPCs in flight are aborted with the same signal.
   * - the job needs an operator (an error with disposition 'pause'): resolve
   *   { kind: 'paused', reason }; the JobManager persists state paused with the reason.
   * Transient errors are retried inside run() with backoff and shown in snapshot().lastError;
   * they never end run(). A rejection is treated as a bug: the job is paused with its message.
   * run() is called again after the previous call settled when the job is resumed.
   */
  run(signal: AbortSignal): Promise<RunOutcome>;

  /**
   * The latest status the runner published. Synchronous, never waits for a step; returns an
   * immutable object.
   */
  snapshot(): JobStatusSnapshot;

  /**
   * Delivers an operator intent. Non-blocking; the runner applies it at its next step
   * boundary (and should cut an idle wait short).
   */
  notify(intent: JobIntent): void;
}

export type RunOutcome = { readonly kind: 'stopped' } | { readonly kind: 'paused'; readonly reason: string };

/**
 * 'spec-updated': the persisted spec changed (host mapping, a skip request from
 * /job_skip_binlog or /force_fullsync in `spec.skip`).
 */
export type JobIntent = { readonly kind: 'spec-updated'; readonly spec: JobSpec };

export interface JobStatusSnapshot {
  /** Go SyncState name (DBFullSync, TableIncrementalSync, ...); '' before the first step. */
  readonly syncState: string;
  /** Go SubSyncState name (Done, BeginCreateSnapshot, ...); '' when unknown. */
  readonly subSyncState: string;
  /** Every binlog up to this commit seq is applied; undefined before the first checkpoint. */
  readonly prevCommitSeq: bigint | undefined;
  /** The last error of the current step, until a step succeeds. */
  readonly lastError: JobErrorInfo | undefined;
  /** Last lag the runner measured, if it measures it (used by /view without an RPC). */
  readonly lag: { readonly binlogs: bigint; readonly seconds: number; readonly at: Date } | undefined;
  /** Last full sync: when it started and why (for /view). */
  readonly lastFullSync: { readonly at: Date; readonly reason: string } | undefined;
}

export interface JobErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly at: Date;
  /** When the step is retried next, if it is. */
  readonly retryAt: Date | undefined;
}

/** getBinlogLag as /get_lag reports it. Timestamps are milliseconds since the epoch, -1n when none. */
export interface LagInfo {
  readonly lag: bigint;
  readonly firstCommitSeq: bigint;
  readonly lastCommitSeq: bigint;
  readonly nextCommitSeq: bigint;
  readonly firstBinlogTimestampMs: bigint;
  readonly lastBinlogTimestampMs: bigint;
  readonly nextBinlogTimestampMs: bigint;
}

export interface ProgressSummary {
  readonly syncState: string | undefined;
  readonly subSyncState: string | undefined;
  readonly prevCommitSeq: bigint | undefined;
  readonly lastFullSync: { readonly at: Date; readonly reason: string } | undefined;
}

export const EMPTY_SNAPSHOT: JobStatusSnapshot = Object.freeze({
  syncState: '',
  subSyncState: '',
  prevCommitSeq: undefined,
  lastError: undefined,
  lag: undefined,
  lastFullSync: undefined,
});
