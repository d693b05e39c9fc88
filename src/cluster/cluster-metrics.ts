// Prometheus series of cluster jobs, labelled by job, published by the owning syncer's
// monitor from each pass's status and dropped when the cluster job is deleted.
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import type { ClusterStatus, DatabaseState } from './cluster-status.js';
import { pendingDatabases } from './cluster-status.js';

const STATES: readonly DatabaseState[] = ['synced', 'failed', 'name_conflict', 'binlog_disabled', 'source_dropped', 'owned_elsewhere'];

export interface ClusterMetrics {
  /** Sets the job's gauges from its latest status and child count. */
  publish(job: string, status: ClusterStatus, children: number): void;
  /** Counts a pass: 'ok', 'error' (the source could not be listed) or 'fenced'. */
  countPass(job: string, result: 'ok' | 'error' | 'fenced'): void;
}

export function createClusterMetrics(metrics: Metrics): ClusterMetrics {
  const registers = [metrics.registry];
  const databases = new Gauge({
    name: 'ccr_cluster_databases',
    help: 'Source databases of a cluster job by reconciliation state (synced, failed, name_conflict, binlog_disabled, source_dropped, owned_elsewhere).',
    labelNames: ['job', 'state'] as const,
    registers,
  });
  const pending = new Gauge({
    name: 'ccr_cluster_databases_pending',
    help: 'Source databases a cluster job should replicate but has no child job for yet (failed or name conflict).',
    labelNames: ['job'] as const,
    registers,
  });
  const children = new Gauge({ name: 'ccr_cluster_children', help: 'Child database jobs of a cluster job.', labelNames: ['job'] as const, registers });
  const lastPass = new Gauge({
    name: 'ccr_cluster_last_reconcile_timestamp_seconds',
    help: 'When the last reconciliation pass of a cluster job ended (unix seconds).',
    labelNames: ['job'] as const,
    registers,
  });
  const passes = new Counter({
    name: 'ccr_cluster_reconcile_total',
    help: 'Reconciliation passes of a cluster job by result (ok, error, fenced).',
    labelNames: ['job', 'result'] as const,
    registers,
  });
  metrics.onJobRemoved((job) => {
    for (const state of STATES) databases.remove({ job, state });
    pending.remove({ job });
    children.remove({ job });
    lastPass.remove({ job });
    for (const result of ['ok', 'error', 'fenced']) passes.remove({ job, result });
  });
  return {
    publish(job, status, childCount) {
      for (const state of STATES) databases.set({ job, state }, status.databases.filter((d) => d.state === state).length);
      pending.set({ job }, pendingDatabases(status));
      children.set({ job }, childCount);
      if (status.checkedAt !== undefined) lastPass.set({ job }, Math.floor(status.checkedAt / 1000));
    },
    countPass(job, result) {
      passes.inc({ job, result });
    },
  };
}
