// Reply bodies of the job endpoints for a cluster job: Go's fields first (name, state,
// progress_state, lag, ...), then what only a cluster job has (its databases and children).
import type { ClusterJobStatus, ClusterLag } from '../cluster/cluster-jobs.js';
import type { StatusError } from '../cluster/cluster-status.js';
import type { JobErrorInfo } from '../jobs/engine.js';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function statusError(e: StatusError | undefined): Record<string, unknown> | null {
  return e ? { code: e.code, message: e.message, at: iso(e.at) } : null;
}

function jobError(e: JobErrorInfo | undefined): Record<string, unknown> | null {
  return e ? { code: e.code, message: e.message, at: e.at.toISOString(), retry_at: e.retryAt?.toISOString() ?? null } : null;
}

/** job_status.status of a cluster job. */
export function clusterStatusBody(s: ClusterJobStatus): Record<string, unknown> {
  return {
    name: s.name,
    type: 'cluster',
    state: s.state,
    progress_state: 'ClusterSync',
    sub_sync_state: `${s.children.length} children, ${s.pending} databases pending`,
    commit_seq: null,
    paused_reason: s.pausedReason ?? null,
    last_error: statusError(s.lastError),
    monitor_interval_seconds: s.intervalSeconds,
    default_interval: s.defaultInterval,
    last_reconcile_at: iso(s.checkedAt),
    next_reconcile_at: iso(s.nextPassAt),
    databases_pending: s.pending,
    databases: s.databases.map((d) => ({
      database: d.database,
      db_id: d.dbId,
      state: d.state,
      child: d.child,
      attempts: d.attempts,
      last_error: statusError(d.lastError),
      next_attempt_at: iso(d.nextAttemptAt),
    })),
    children: s.children.map((c) => ({
      name: c.name,
      database: c.database,
      owner: c.owner,
      state: c.state,
      progress_state: c.syncState,
      last_error: jobError(c.lastError),
    })),
  };
}

/** get_lag of a cluster job: Go's fields with the largest child lag, and each child's. */
export function clusterLagBody(l: ClusterLag): Record<string, unknown> {
  return {
    lag: l.lag,
    first_commit_seq: 0,
    last_commit_seq: 0,
    next_commit_seq: 0,
    first_binlog_timestamp: '',
    last_binlog_timestamp: '',
    next_binlog_timestamp: '',
    time_interval_secs: l.timeIntervalSecs,
    children: l.children.map((c) => ({
      name: c.name,
      database: c.database,
      lag: c.lag ?? null,
      time_interval_secs: c.timeIntervalSecs ?? null,
      error: c.error ?? null,
    })),
  };
}
