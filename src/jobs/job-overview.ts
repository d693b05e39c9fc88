// The rows of /view: every job in the store, from stored data and published snapshots only
// (the Go page made one FE RPC per job, and one failing job broke the whole page).
import type { MetaStore } from '../meta-store/meta-store.js';
import type { JobStatusSnapshot, SyncEngine } from './engine.js';
import type { JobKind, JobSpec } from './job-spec.js';
import { DEFAULT_JOB_OPTIONS, decodeJobInfo } from './job-spec.js';
import { WITHOUT_PASSWORDS } from './password-cipher.js';

export interface JobOverviewRow {
  readonly name: string;
  readonly owner: string;
  readonly kind: JobKind | undefined;
  /** The cluster job this job belongs to. */
  readonly parent: string | undefined;
  /** running, paused, or broken (job_info unreadable). */
  readonly state: string;
  readonly syncState: string;
  readonly subSyncState: string;
  readonly prevCommitSeq: bigint | undefined;
  /** Known only for jobs running here whose runner measures lag. */
  readonly lag: { readonly binlogs: bigint; readonly seconds: number } | undefined;
  readonly lastFullSync: { readonly at: Date; readonly reason: string } | undefined;
  readonly hostMapping: boolean;
  /** Non-default job options, e.g. "allow_table_exists=true". */
  readonly otherArgs: string;
}

function otherArgs(spec: JobSpec): string {
  const args: string[] = [];
  const o = spec.options;
  if (o.skipError !== DEFAULT_JOB_OPTIONS.skipError) args.push(`skip_error=${o.skipError}`);
  if (o.allowTableExists !== DEFAULT_JOB_OPTIONS.allowTableExists) args.push(`allow_table_exists=${o.allowTableExists}`);
  if (o.reuseBinlogLabel !== DEFAULT_JOB_OPTIONS.reuseBinlogLabel) args.push(`reuse_binlog_label=${o.reuseBinlogLabel}`);
  if (o.replicationNum !== DEFAULT_JOB_OPTIONS.replicationNum) args.push(`replication_num=${o.replicationNum}`);
  if (spec.skip) args.push(`skip_by=${spec.skip.by}`);
  return args.join(', ');
}

export async function jobOverview(
  deps: {
    store: MetaStore;
    engine: SyncEngine;
    local: (name: string) => { spec: JobSpec | undefined; snapshot: JobStatusSnapshot } | undefined;
  },
  signal: AbortSignal,
): Promise<JobOverviewRow[]> {
  const rows: JobOverviewRow[] = [];
  for (const job of await deps.store.listJobs(signal)) {
    let spec: JobSpec | undefined;
    try {
      spec = decodeJobInfo(job.jobInfo, WITHOUT_PASSWORDS, job.name);
    } catch {
      spec = undefined;
    }
    const local = deps.local(job.name);
    // Stored progress fills in for jobs of other syncers and for runners that have not published yet.
    // A cluster job's progress is its reconciliation status (src/cluster/), not the engine's.
    const progress = spec?.kind === 'cluster' ? undefined : await deps.store.getProgress(job.name, signal);
    const stored = progress === undefined ? undefined : deps.engine.describeProgress(progress);
    const snap = local?.snapshot;
    rows.push({
      name: job.name,
      owner: job.belongTo,
      kind: spec?.kind,
      parent: job.parent,
      state: (local ? local.spec?.state : spec?.state) ?? 'broken',
      syncState: snap?.syncState || stored?.syncState || '',
      subSyncState: snap?.subSyncState || stored?.subSyncState || '',
      prevCommitSeq: snap?.prevCommitSeq ?? stored?.prevCommitSeq,
      lag: snap?.lag,
      lastFullSync: snap?.lastFullSync ?? stored?.lastFullSync,
      hostMapping: spec !== undefined && (Object.keys(spec.src.hostMapping).length > 0 || Object.keys(spec.dest.hostMapping).length > 0),
      otherArgs: spec ? otherArgs(spec) : '',
    });
  }
  return rows;
}
