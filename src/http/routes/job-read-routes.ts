// Read-only job endpoints: get_lag, job_status, job_detail, job_progress. Status and detail
// come from the runner's published snapshot and never wait on a running step.
import type { FastifyInstance } from 'fastify';
import type { JobStatus } from '../../jobs/job-status.js';
import { parseJsonBig } from '../../util/json-big.js';
import { clientSignal } from '../client-signal.js';
import { clusterLagBody, clusterStatusBody } from '../cluster-replies.js';
import { ok } from '../envelope.js';
import { formatBinlogTimestamp } from '../go-time.js';
import type { OperatorApiOptions } from '../operator-api-options.js';
import { redirectedToOwner } from '../ownership.js';
import { jobNameRequest, parseRequest } from '../request-schemas.js';

const ANY = ['GET', 'POST'] as const;

const LAG_ZERO = {
  lag: 0,
  first_commit_seq: 0,
  last_commit_seq: 0,
  next_commit_seq: 0,
  first_binlog_timestamp: '',
  last_binlog_timestamp: '',
  next_binlog_timestamp: '',
  time_interval_secs: 0,
};

function statusBody(s: JobStatus): Record<string, unknown> {
  return {
    name: s.name,
    state: s.state,
    progress_state: s.syncState,
    sub_sync_state: s.subSyncState,
    commit_seq: s.prevCommitSeq ?? null,
    paused_reason: s.pausedReason ?? null,
    last_error: s.lastError
      ? { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at.toISOString(), retry_at: s.lastError.retryAt?.toISOString() ?? null }
      : null,
  };
}

/** The stored progress as an object with the bulky `data` blanked (V25); raw text if not JSON. */
function progressBody(progress: string | undefined): unknown {
  if (progress === undefined) return null;
  try {
    const parsed = parseJsonBig(progress);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'data' in parsed) return { ...parsed, data: '' };
    return parsed;
  } catch {
    return progress;
  }
}

export function registerJobReadRoutes(app: FastifyInstance, o: OperatorApiOptions): void {
  const { jobs, clusters } = o;

  // V25: answers for any job in the store (no redirect), asking the source FE.
  app.route({
    method: [...ANY],
    url: '/get_lag',
    config: { errorExtras: LAG_ZERO },
    handler: async (req, reply) => {
      const { name } = parseRequest(jobNameRequest, req);
      const signal = clientSignal(reply);
      if ((await clusters.storedKind(name, signal)) === 'cluster') return ok(clusterLagBody(await clusters.lag(name, signal)));
      const lag = await jobs.lag(name, signal);
      // Go V25: last − next while a binlog is pending. Caught up, the FE reports no next
      // binlog (seq and timestamp 0): the interval is 0, not "last − epoch".
      const hasNext = lag.lag > 0n && lag.nextCommitSeq > 0n && lag.nextBinlogTimestampMs > 0n && lag.lastBinlogTimestampMs >= 0n;
      return ok({
        lag: lag.lag,
        first_commit_seq: lag.firstCommitSeq,
        last_commit_seq: lag.lastCommitSeq,
        next_commit_seq: lag.nextCommitSeq,
        first_binlog_timestamp: formatBinlogTimestamp(lag.firstBinlogTimestampMs),
        last_binlog_timestamp: formatBinlogTimestamp(lag.lastBinlogTimestampMs),
        next_binlog_timestamp: formatBinlogTimestamp(lag.nextBinlogTimestampMs),
        time_interval_secs: hasNext ? Math.max(0, Number(lag.lastBinlogTimestampMs - lag.nextBinlogTimestampMs) / 1000) : 0,
      });
    },
  });

  app.route({
    method: [...ANY],
    url: '/job_status',
    handler: async (req, reply) => {
      const { name } = parseRequest(jobNameRequest, req);
      const signal = clientSignal(reply);
      if (await redirectedToOwner(jobs, name, req, reply, signal)) return reply;
      if (clusters.isLocalCluster(name)) return ok({ status: clusterStatusBody(await clusters.status(name, signal)) });
      return ok({ status: statusBody(jobs.status(name)) });
    },
  });

  app.route({
    method: [...ANY],
    url: '/job_detail',
    handler: async (req, reply) => {
      const { name } = parseRequest(jobNameRequest, req);
      const signal = clientSignal(reply);
      if (await redirectedToOwner(jobs, name, req, reply, signal)) return reply;
      if (!clusters.isLocalCluster(name)) return ok({ job_detail: jobs.detail(name) });
      const children = (await clusters.status(name, signal)).children.map((c) => c.name);
      return ok({ job_detail: jobs.detail(name), children });
    },
  });

  app.route({
    method: [...ANY],
    url: '/job_progress',
    config: { errorExtras: { job_progress: null } },
    handler: async (req, reply) => {
      const { name } = parseRequest(jobNameRequest, req);
      const signal = clientSignal(reply);
      if (await redirectedToOwner(jobs, name, req, reply, signal)) return reply;
      return ok({ job_progress: progressBody(await jobs.progress(name, signal)) });
    },
  });
}
