// What the operator API plugin needs from the composition root.
import type { Config } from '../config/options.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import type { Metrics } from '../observability/metrics.js';

export interface OperatorApiOptions {
  readonly jobs: JobManager;
  /** For settings (monitor interval). */
  readonly store: MetaStore;
  readonly metrics: Metrics;
  /** Feature flags for /features, api_token for auth. */
  readonly config: Config;
  readonly version: string;
}
