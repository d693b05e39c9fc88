// BackupHandler's dbIdToBackupOrRestoreJobs: the recent backup and restore jobs of each
// database, newest last. The newest job is the database's "current" job: only one backup or
// restore may run per database, and CANCEL BACKUP/RESTORE acts on it.
import { ddlError } from '../model/errors.js';

/** What the queue needs from a backup or restore job. */
export interface QueuedJob {
  readonly type: 'BACKUP' | 'RESTORE';
  readonly jobId: bigint;
  readonly label: string;
  readonly dbId: bigint;
  isDone(): boolean;
  isPending(): boolean;
}

export class DbJobQueues<J extends QueuedJob = QueuedJob> {
  private readonly byDb = new Map<bigint, J[]>();

  /** `maxPerDb` reads FE config max_backup_restore_job_num_per_db (0 = keep no jobs). */
  constructor(private readonly maxPerDb: () => number) {}

  /** The database's newest job. */
  current(dbId: bigint): J | undefined {
    const jobs = this.byDb.get(dbId);
    return jobs?.[jobs.length - 1];
  }

  /** Throws Doris' error when a backup or restore of the database is still running. */
  requireIdle(dbId: bigint, label: string): void {
    const current = this.current(dbId);
    if (current && !current.isDone()) {
      throw ddlError(
        `Can only run one backup or restore job of a database at same time , current running: label = ${current.label} jobId = ${current.jobId}, to run label = ${label}`,
      );
    }
  }

  /** Adds a job as the newest; drops the oldest beyond the limit, and a pending newest job. */
  add(job: J): void {
    const max = this.maxPerDb();
    if (max <= 0) return;
    const jobs = this.byDb.get(job.dbId) ?? [];
    this.byDb.set(job.dbId, jobs);
    while (jobs.length >= max) jobs.shift();
    const last = jobs[jobs.length - 1];
    if (last && (last.isPending() || last.jobId === job.jobId)) jobs.pop();
    jobs.push(job);
  }

  /** The jobs of a database, oldest first. */
  jobs(dbId: bigint): J[] {
    return [...(this.byDb.get(dbId) ?? [])];
  }

  /** Every database's current job. */
  currentJobs(): J[] {
    const out: J[] = [];
    for (const jobs of this.byDb.values()) {
      const last = jobs[jobs.length - 1];
      if (last) out.push(last);
    }
    return out;
  }

  /** Every job of every database. */
  all(): J[] {
    return [...this.byDb.values()].flat();
  }
}
