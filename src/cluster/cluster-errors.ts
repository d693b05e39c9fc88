// Errors of cluster-level sync. The reconciliation records most of them per database in the
// cluster job's status instead of throwing; the operator endpoints throw the others.
import { CcrError } from '../errors/ccr-error.js';

export const ClusterErrorCode = {
  /** A child's name is taken by a job that is not this cluster job's child. */
  NAME_CONFLICT: 'CCR_K0001',
  /** The source database does not have binlog enabled. */
  BINLOG_DISABLED: 'CCR_K0002',
  /** A child is owned by another syncer; this one does not change it. */
  CHILD_ELSEWHERE: 'CCR_K0003',
  /** The source cluster's databases could not be listed. */
  SOURCE_UNAVAILABLE: 'CCR_K0004',
  /** The job named in a cluster-only request is not a cluster job. */
  NOT_CLUSTER_JOB: 'CCR_K0005',
} as const;

export function childrenElsewhere(job: string, children: ReadonlyArray<{ name: string; owner: string }>): CcrError {
  const list = children.map((c) => `${c.name} (owned by ${c.owner})`).join(', ');
  return new CcrError(
    ClusterErrorCode.CHILD_ELSEWHERE,
    `cluster job ${job} has children owned by another syncer: ${list}; run the request on that syncer for each child, then retry`,
    { category: 'input', disposition: 'abort', details: { job } },
  );
}

export function notClusterJob(job: string, field = 'name'): CcrError {
  return new CcrError(ClusterErrorCode.NOT_CLUSTER_JOB, `${field}: job ${job} is not a cluster job (create_ccr with "cluster_sync": true)`, {
    category: 'input',
    disposition: 'abort',
    details: { field },
  });
}
