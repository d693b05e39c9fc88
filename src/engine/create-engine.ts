// Builds the sync engine from the daemon's configuration (Go flag names).
import type { EngineDeps } from '../app.js';
import { CcrSyncEngine } from './engine.js';

export function createSyncEngine({ config, log, metrics }: EngineDeps): CcrSyncEngine {
  return new CcrSyncEngine({
    config: {
      binlogBatchSize: config.binlog_batch_size,
      // Without pipelined commit, one upsert is prepared and committed at a time (Go's old path).
      maxPipelineIngesting: config.feature_pipeline_commit ? config.max_pipeline_ingesting_num : 1,
      maxPollIntervalMs: config.max_poll_interval_ms,
      minPollIntervalMs: Math.min(5, config.max_poll_interval_ms),
      snapshotPollMs: 500,
      publishWaitMs: config.commit_txn_timeout,
      features: {
        atomicRestore: config.feature_atomic_restore,
        replaceNotMatchedWithAlias: config.feature_replace_not_matched_with_alias,
        createViewDropExists: config.feature_create_view_drop_exists,
        filterShadowIndexesUpsert: config.feature_filter_shadow_indexes_upsert,
        cleanTableAndPartitions: config.feature_clean_table_and_partitions,
        reuseRunningBackupRestoreJob: config.feature_reuse_running_backup_restore_job,
        schemaChangePartialSync: config.feature_schema_change_partial_sync,
        filterStorageMedium: config.feature_filter_storage_medium,
        restoreReplaceDiffSchema: config.feature_restore_replace_diff_schema,
        skipRollupBinlogs: config.feature_skip_rollup_binlogs,
        resyncOnTableRecreate: config.feature_resync_on_table_recreate,
      },
    },
    connectTimeoutMs: config.connect_timeout,
    rpcTimeoutMs: config.rpc_timeout,
    commitTxnTimeoutMs: config.commit_txn_timeout,
    maxIngestConcurrencyPerBackend: config.max_ingest_concurrency_per_backend,
    log,
    metrics,
  });
}
