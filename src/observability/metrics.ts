// One prom-client Registry per process (never the global one). Our metric names start with
// ccr_ and carry the job name as a label, never in the name. The engine adds its own metrics
// to `registry` (see Metrics.registry) and registers a cleanup for deleted jobs.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  /** The process registry; /metrics serves it. Register new metrics with `registers: [registry]`. */
  readonly registry: Registry;
  /** ccr_http_requests_total{route,status}: operator API requests. */
  readonly httpRequests: Counter<'route' | 'status'>;
  /** ccr_http_request_duration_seconds{route}. */
  readonly httpDuration: Histogram<'route'>;
  /** ccr_jobs{state}: jobs loaded on this syncer by state (running, paused, broken). */
  readonly jobs: Gauge<'state'>;
  /** ccr_job_state{job,state}: 1 for the job's current state. */
  readonly jobState: Gauge<'job' | 'state'>;
  /** ccr_errors_total{job,category,code}: errors seen by jobs and the API. */
  readonly errors: Counter<'job' | 'category' | 'code'>;
  /** Registers a callback that drops a job's label values when the job is deleted. */
  onJobRemoved(cleanup: (job: string) => void): void;
  /** Drops every series of a deleted job (ours and those registered with onJobRemoved). */
  removeJob(job: string): void;
}

export interface MetricsOptions {
  /** Node process and runtime metrics (process_*, nodejs_*); off in most tests. */
  processMetrics: boolean;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const httpRequests = new Counter({
    name: 'ccr_http_requests_total',
    help: 'Operator API requests by route and HTTP status.',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'ccr_http_request_duration_seconds',
    help: 'Operator API request duration.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
    registers,
  });
  const jobs = new Gauge({ name: 'ccr_jobs', help: 'Jobs loaded on this syncer, by state.', labelNames: ['state'] as const, registers });
  const jobState = new Gauge({
    name: 'ccr_job_state',
    help: '1 for the current state of each job loaded on this syncer.',
    labelNames: ['job', 'state'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'ccr_errors_total',
    help: 'Errors by job, category and code.',
    labelNames: ['job', 'category', 'code'] as const,
    registers,
  });
  const cleanups: Array<(job: string) => void> = [];
  return {
    registry,
    httpRequests,
    httpDuration,
    jobs,
    jobState,
    errors,
    onJobRemoved: (cleanup) => void cleanups.push(cleanup),
    removeJob(job) {
      for (const state of ['running', 'paused', 'broken']) jobState.remove({ job, state });
      for (const cleanup of cleanups) cleanup(job);
    },
  };
}
