// What the steps of one job work with. Built by the runner; steps never touch globals.
import type { JobSpec } from '../jobs/job-spec.js';
import type { Logger } from '../observability/logger.js';
import type { ClusterSide } from './cluster.js';
import type { EngineMetrics } from './engine-metrics.js';
import type { MetaCache } from './meta-cache.js';
import type { Progress } from './progress.js';

/** Engine settings from the daemon's flags (Go flag names in comments). */
export interface EngineConfig {
  /** binlog_batch_size: num_acquired of getBinlog. */
  binlogBatchSize: number;
  /** max_pipeline_ingesting_num: upsert transactions in flight per job. */
  maxPipelineIngesting: number;
  /** max_poll_interval_ms: ceiling of the idle poll interval. */
  maxPollIntervalMs: number;
  /** First idle poll interval after activity. */
  minPollIntervalMs: number;
  /** Interval between SHOW BACKUP / SHOW RESTORE polls while a snapshot step waits. */
  snapshotPollMs: number;
  /**
   * commit_txn_timeout: how long a DDL waits for earlier loads to become VISIBLE before the
   * wait is reported as a retry in job_status (it goes on after the backoff).
   */
  publishWaitMs: number;
  features: EngineFeatures;
}

/** The Go feature_* flags the engine honours. */
export interface EngineFeatures {
  atomicRestore: boolean;
  replaceNotMatchedWithAlias: boolean;
  createViewDropExists: boolean;
  filterShadowIndexesUpsert: boolean;
  cleanTableAndPartitions: boolean;
  reuseRunningBackupRestoreJob: boolean;
  schemaChangePartialSync: boolean;
  filterStorageMedium: boolean;
  restoreReplaceDiffSchema: boolean;
  skipRollupBinlogs: boolean;
  /** Table jobs: full sync of the new table when the source table was dropped and recreated (else pause). */
  resyncOnTableRecreate: boolean;
}

export interface JobContext {
  readonly name: string;
  readonly kind: 'db' | 'table';
  /** The current spec (changes when an operator updates the job or a sync resolves ids). */
  spec(): JobSpec;
  readonly src: ClusterSide;
  readonly dest: ClusterSide;
  readonly srcMeta: MetaCache;
  readonly destMeta: MetaCache;
  readonly log: Logger;
  readonly metrics: EngineMetrics;
  readonly config: EngineConfig;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Persists a changed spec (e.g. dest.tableId after a restore) and returns what is stored. */
  updateSpec(change: (spec: JobSpec) => JobSpec, signal: AbortSignal): Promise<JobSpec>;
}

/** How a step records progress. Only the runner implements it. */
export interface StepRuntime {
  /** Persists `progress` durably (after earlier pending writes) and publishes it. */
  checkpoint(progress: Progress, signal: AbortSignal): Promise<void>;
  /**
   * Publishes `progress` now and persists it soon, coalescing bursts into one write (the
   * upsert hot path; a lost write only makes a restart replay binlogs that labels make
   * idempotent). A failed write surfaces at the next checkpoint() or flush().
   */
  checkpointSoon(progress: Progress): void;
  /** Waits until every checkpointSoon() write is durable; rethrows a failed one. */
  flush(signal: AbortSignal): Promise<void>;
  /** Records a measured lag for status, /view and metrics. */
  reportLag(binlogs: bigint, seconds: number): void;
}
