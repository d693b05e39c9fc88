// The sync engine behind the daemon's SyncEngine seam (src/jobs/engine.ts).
import { quoteIdent } from '../doris/sql-client.js';
import { CcrError, errorMessage } from '../errors/ccr-error.js';
import type { JobRunner, JobRunnerContext, LagInfo, ProgressSummary, SyncEngine } from '../jobs/engine.js';
import type { ClusterSpec, JobSpec } from '../jobs/job-spec.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { checkStatus } from './classify.js';
import { ClientPool } from './clients.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';
import { clusterFirstRunChecks, firstRunChecks } from './first-run.js';
import type { EngineConfig } from './job-context.js';
import { decodeProgress } from './progress-codec.js';
import { SyncJobRunner } from './runner.js';

export interface EngineOptions {
  config: EngineConfig;
  connectTimeoutMs: number;
  rpcTimeoutMs: number;
  commitTxnTimeoutMs: number;
  maxIngestConcurrencyPerBackend: number;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
}

export class CcrSyncEngine implements SyncEngine {
  private readonly pool: ClientPool;
  private readonly metrics: EngineMetrics;
  private readonly now: () => number;

  constructor(private readonly options: EngineOptions) {
    this.metrics = createEngineMetrics(options.metrics);
    this.now = options.now ?? Date.now;
    this.pool = new ClientPool({
      connectTimeoutMs: options.connectTimeoutMs,
      rpcTimeoutMs: options.rpcTimeoutMs,
      commitTxnTimeoutMs: options.commitTxnTimeoutMs,
      maxIngestConcurrencyPerBackend: options.maxIngestConcurrencyPerBackend,
      log: options.log.child({ component: 'doris-clients' }),
      metrics: this.metrics,
    });
  }

  prepare(spec: JobSpec, signal: AbortSignal): Promise<JobSpec> {
    return spec.kind === 'cluster' ? clusterFirstRunChecks(this.pool, spec, signal) : firstRunChecks(this.pool, spec, signal);
  }

  createRunner(ctx: JobRunnerContext): JobRunner {
    return new SyncJobRunner(ctx, { config: this.options.config, pool: this.pool, metrics: this.metrics, now: this.now });
  }

  async lag(spec: JobSpec, progress: string | undefined, signal: AbortSignal): Promise<LagInfo> {
    const prev = progress === undefined ? 0n : decodeProgress(spec.name, progress).prevCommitSeq;
    const table = spec.kind === 'table' ? { table: spec.src.table, table_id: spec.src.tableId > 0n ? spec.src.tableId : undefined } : {};
    const res = await this.pool.fe(spec.src, 'source').getBinlogLag(
      { user: spec.src.user, passwd: spec.src.password, db: spec.src.database, ...table, prev_commit_seq: prev },
      signal,
    );
    checkStatus(res.status, 'source', 'getBinlogLag');
    return {
      lag: res.lag ?? 0n,
      firstCommitSeq: res.first_commit_seq ?? -1n,
      lastCommitSeq: res.last_commit_seq ?? -1n,
      nextCommitSeq: res.next_commit_seq ?? -1n,
      firstBinlogTimestampMs: res.first_binlog_timestamp ?? -1n,
      lastBinlogTimestampMs: res.last_binlog_timestamp ?? -1n,
      nextBinlogTimestampMs: res.next_binlog_timestamp ?? -1n,
    };
  }

  async setBeingSynced(spec: JobSpec, enabled: boolean, signal: AbortSignal): Promise<void> {
    const dest: ClusterSpec = spec.dest;
    const sql = this.pool.sql(dest);
    const db = quoteIdent(dest.database);
    let tables: string[];
    if (spec.kind === 'table') {
      tables = [dest.table];
    } else {
      const res = await sql.query(`SHOW FULL TABLES FROM ${db}`, signal);
      const name = res.columns.find((c) => c.startsWith('Tables_in_')) ?? '';
      tables = res.rows.filter((r) => (r.Table_type ?? 'BASE TABLE') !== 'VIEW').map((r) => r[name] ?? '').filter((t) => t !== '');
    }
    const failed: string[] = [];
    for (const t of tables) {
      try {
        await sql.exec(`ALTER TABLE ${db}.${quoteIdent(t)} SET ("is_being_synced" = "${enabled}")`, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        failed.push(`${t} (${errorMessage(err)})`);
      }
    }
    if (failed.length > 0) {
      throw new CcrError('CCR_E0506', `could not set is_being_synced=${enabled} on: ${failed.join(', ')}`, { category: 'sql', disposition: 'retry' });
    }
  }

  describeProgress(progress: string): ProgressSummary {
    try {
      const p = decodeProgress('?', progress);
      return {
        syncState: p.syncState,
        subSyncState: p.subState,
        prevCommitSeq: p.prevCommitSeq,
        lastFullSync: p.fullSyncStartAt > 0 ? { at: new Date(p.fullSyncStartAt * 1000), reason: p.lastFullSyncReason } : undefined,
      };
    } catch {
      return { syncState: undefined, subSyncState: undefined, prevCommitSeq: undefined, lastFullSync: undefined };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
