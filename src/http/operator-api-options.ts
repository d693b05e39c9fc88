// What the operator API plugin needs from the composition root.
import type { ClusterJobs } from '../cluster/cluster-jobs.js';
import type { Config } from '../config/options.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { Metrics } from '../observability/metrics.js';

export interface OperatorApiOptions {
  readonly jobs: JobManager;
  /** Cluster jobs: create, cascades, status, lag, monitor interval. */
  readonly clusters: ClusterJobs;
  readonly metrics: Metrics;
  /** Feature flags for /features, api_token for auth. */
  readonly config: Config;
  readonly version: string;
}
