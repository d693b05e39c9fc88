// Create requests used across daemon tests.
import type { ClusterSyncOptions } from '../../src/jobs/cluster-sync-options.js';
import { DEFAULT_CHILD_NAME_TEMPLATE } from '../../src/jobs/cluster-sync-options.js';
import type { CreateJobRequest } from '../../src/jobs/job-spec.js';
import { DEFAULT_JOB_OPTIONS } from '../../src/jobs/job-spec.js';

export const SRC_PASSWORD = 'src-Secret-P@ss-7c1';
export const DEST_PASSWORD = 'dest-Secret-P@ss-9d2';

export function tableJobRequest(name: string): CreateJobRequest {
  return {
    name,
    src: { host: '10.0.0.1', port: 9030, thriftPort: 9020, user: 'root', password: SRC_PASSWORD, cluster: '', database: 'db1', table: 't1', hostMapping: {} },
    dest: { host: '10.0.0.2', port: 9030, thriftPort: 9020, user: 'root', password: DEST_PASSWORD, cluster: '', database: 'db2', table: 't1', hostMapping: {} },
    options: DEFAULT_JOB_OPTIONS,
  };
}

/** The same job as a create_ccr HTTP body (Go's string ports). */
export function tableJobBody(name: string): Record<string, unknown> {
  return {
    name,
    src: { host: '10.0.0.1', port: '9030', thrift_port: '9020', user: 'root', password: SRC_PASSWORD, database: 'db1', table: 't1' },
    dest: { host: '10.0.0.2', port: 9030, thrift_port: 9020, user: 'root', password: DEST_PASSWORD, database: 'db2', table: 't1' },
  };
}

/** A cluster job (create_ccr with cluster_sync) between the same two clusters. */
export function clusterJobRequest(name: string, cluster: Partial<ClusterSyncOptions> = {}): CreateJobRequest {
  const base = tableJobRequest(name);
  return {
    ...base,
    src: { ...base.src, database: '', table: '' },
    dest: { ...base.dest, database: '', table: '' },
    cluster: {
      includeDatabases: [],
      excludeDatabases: [],
      childNameTemplate: DEFAULT_CHILD_NAME_TEMPLATE,
      monitorIntervalSeconds: undefined,
      onDatabaseDropped: 'delete',
      ...cluster,
    },
  };
}
