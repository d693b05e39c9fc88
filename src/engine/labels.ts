// Names the syncer gives to things it creates in Doris. Transaction labels are
// deterministic per (job, sync generation, binlog), which is what makes a retried or
// crash-interrupted upsert idempotent: beginTxn with a label that is already VISIBLE means
// the binlog was applied (doc/checkpoints.md). The generation (jobSyncId) changes with every
// full/partial sync, so a label from before a restore is never mistaken for a current one.
import { createHash } from 'node:crypto';

/** Doris labels: letters, digits, '-', '_' and ':' only, at most 128 characters. */
function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** A short stable hash of the job name, so labels of different jobs never collide. */
export function jobTag(jobName: string): string {
  return createHash('sha256').update(jobName).digest('hex').slice(0, 8);
}

export function upsertLabel(args: {
  jobName: string;
  jobSyncId: number;
  kind: 'db' | 'table';
  srcDbId: bigint;
  destDbId: bigint;
  srcTableId?: bigint | undefined;
  destTableId?: bigint | undefined;
  commitSeq: bigint;
}): string {
  const scope =
    args.kind === 'db'
      ? `db_sync:${args.srcDbId}:${args.destDbId}`
      : `table_sync:${args.srcDbId}_${args.srcTableId ?? 0n}:${args.destDbId}_${args.destTableId ?? 0n}`;
  return `ccrj-${jobTag(args.jobName)}-${args.jobSyncId}:${scope}:${args.commitSeq}`;
}

/** Backup label prefix of a job's sync generation; a running backup with it can be reused. */
export function snapshotPrefix(jobName: string, kind: 'full' | 'partial', jobSyncId: number): string {
  return `${kind === 'full' ? 'ccrs' : 'ccrp'}_${sanitize(jobName)}_${jobSyncId}_`;
}

export function snapshotName(jobName: string, kind: 'full' | 'partial', jobSyncId: number, nowSeconds: number): string {
  return `${snapshotPrefix(jobName, kind, jobSyncId)}${nowSeconds}`;
}

/**
 * Milliseconds, not Go's seconds: a restore submitted again after a cancellation, or by a job
 * deleted and created again, must not take the label of one Doris still lists.
 */
export function restoreLabel(snapshot: string, nowMs: number): string {
  return `${snapshot}_r_${nowMs}`;
}

/**
 * True for a restore label this job issued (`ccrs|ccrp_<job>_<generation>_<seconds>_r_<ms>`).
 * A prefix test is not enough: job `x`'s prefix is also the start of job `x_2`'s labels.
 */
export function isRestoreOfJob(label: string, jobName: string): boolean {
  // The sanitised name holds only letters, digits, '_' and '-': nothing a RegExp treats specially.
  return new RegExp(`^ccr[sp]_${sanitize(jobName)}_\\d+_\\d+_r_\\d+$`).test(label);
}

export function aliasTableName(table: string, nowSeconds: number): string {
  return `__ccr_${table}_${nowSeconds}`;
}
