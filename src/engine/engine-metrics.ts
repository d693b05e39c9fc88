// The sync engine's metrics, registered on the process registry (src/observability/metrics.ts).
// The job name is a label; series of a deleted job are dropped through onJobRemoved.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import type { RpcObserver } from '../doris/thrift/client.js';

export interface EngineMetrics {
  /** ccr_binlog_commit_seq{job}: every binlog up to this seq is applied. */
  readonly commitSeq: Gauge<'job'>;
  /** ccr_job_lag_binlogs{job} / ccr_job_lag_seconds{job}: how far the destination is behind. */
  readonly lagBinlogs: Gauge<'job'>;
  readonly lagSeconds: Gauge<'job'>;
  /** ccr_binlogs_handled_total{job,type}. */
  readonly binlogsHandled: Counter<'job' | 'type'>;
  /** ccr_full_syncs_total{job} / ccr_partial_syncs_total{job}: snapshot syncs started. */
  readonly fullSyncs: Counter<'job'>;
  readonly partialSyncs: Counter<'job'>;
  /** ccr_rpc_duration_seconds{side,method,outcome}: Thrift calls to FEs and BEs. */
  readonly rpcDuration: Histogram<'side' | 'method' | 'outcome'>;
  /** ccr_sql_duration_seconds{side,outcome}: SQL statements to FEs. */
  readonly sqlDuration: Histogram<'side' | 'outcome'>;
  /** ccr_txn_apply_seconds{job}: source commit → destination visible, per replayed upsert. */
  readonly applyLatency: Histogram<'job'>;
  readonly base: Metrics;
  rpcObserver(side: 'source' | 'destination' | 'backend'): RpcObserver;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createEngineMetrics(base: Metrics): EngineMetrics {
  const registers = [base.registry];
  const commitSeq = new Gauge({ name: 'ccr_binlog_commit_seq', help: 'Commit seq up to which every binlog is applied.', labelNames: ['job'] as const, registers });
  const lagBinlogs = new Gauge({ name: 'ccr_job_lag_binlogs', help: 'Binlogs not yet applied to the destination.', labelNames: ['job'] as const, registers });
  const lagSeconds = new Gauge({
    name: 'ccr_job_lag_seconds',
    help: 'Age of the oldest binlog not yet applied (0 when caught up).',
    labelNames: ['job'] as const,
    registers,
  });
  const binlogsHandled = new Counter({ name: 'ccr_binlogs_handled_total', help: 'Binlogs handled, by type.', labelNames: ['job', 'type'] as const, registers });
  const fullSyncs = new Counter({ name: 'ccr_full_syncs_total', help: 'Full syncs started.', labelNames: ['job'] as const, registers });
  const partialSyncs = new Counter({ name: 'ccr_partial_syncs_total', help: 'Partial syncs started.', labelNames: ['job'] as const, registers });
  const rpcDuration = new Histogram({
    name: 'ccr_rpc_duration_seconds',
    help: 'Thrift calls to Doris FEs and BEs.',
    labelNames: ['side', 'method', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const sqlDuration = new Histogram({
    name: 'ccr_sql_duration_seconds',
    help: 'SQL statements sent to Doris FEs.',
    labelNames: ['side', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const applyLatency = new Histogram({
    name: 'ccr_txn_apply_seconds',
    help: 'Source commit to destination commit of replayed loads.',
    labelNames: ['job'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  base.onJobRemoved((job) => {
    for (const g of [commitSeq, lagBinlogs, lagSeconds]) g.remove({ job });
    fullSyncs.remove({ job });
    partialSyncs.remove({ job });
    applyLatency.remove({ job });
    binlogsHandled.remove({ job });
  });
  return {
    commitSeq,
    lagBinlogs,
    lagSeconds,
    binlogsHandled,
    fullSyncs,
    partialSyncs,
    rpcDuration,
    sqlDuration,
    applyLatency,
    base,
    rpcObserver: (side) => (e) => rpcDuration.observe({ side, method: e.method, outcome: e.outcome }, e.durationMs / 1000),
  };
}
