// /view rows with cluster jobs: each cluster job followed by its children, its own row
// summarising its last pass and the largest lag its children report on this syncer.
import type { JobOverviewRow } from '../jobs/job-overview.js';
import type { ClusterStatus } from './cluster-status.js';
import { pendingDatabases } from './cluster-status.js';

/** Rows in display order: jobs by name, the children of a cluster job right after it. */
export function withClusters(rows: readonly JobOverviewRow[], statusOf: (job: string) => ClusterStatus | undefined): JobOverviewRow[] {
  const clusters = new Set(rows.filter((r) => r.kind === 'cluster').map((r) => r.name));
  const childrenOf = (parent: string) => rows.filter((r) => r.parent === parent);
  const out: JobOverviewRow[] = [];
  for (const row of rows) {
    if (row.parent !== undefined && clusters.has(row.parent)) continue; // listed under its parent
    if (row.kind !== 'cluster') {
      out.push(row);
      continue;
    }
    const children = childrenOf(row.name);
    const status = statusOf(row.name);
    let lag: JobOverviewRow['lag'];
    for (const c of children) {
      if (c.lag && (!lag || c.lag.binlogs > lag.binlogs)) lag = { binlogs: c.lag.binlogs, seconds: Math.max(c.lag.seconds, lag?.seconds ?? 0) };
    }
    out.push({
      ...row,
      syncState: 'ClusterSync',
      subSyncState: `${children.length} children, ${status ? pendingDatabases(status) : 0} databases pending`,
      lag,
    });
    out.push(...children);
  }
  return out;
}
