// Snapshot sub-states on the source: BeginCreateSnapshot (reuse a backup of this generation
// or issue BACKUP SNAPSHOT) and WaitBackupDone (poll SHOW BACKUP). doc/doris-protocol.md §5.1
// rows 18–20 give the statement forms.
import { quoteIdent, quoteString } from '../../doris/sql-client.js';
import { CcrError } from '../../errors/ccr-error.js';
import type { JobContext } from '../job-context.js';
import { snapshotName, snapshotPrefix } from '../labels.js';
import type { Progress, SnapshotWork } from '../progress.js';
import type { StepResult } from '../incremental.js';

const REPO = '__keep_on_local__';

/** The work of the snapshot state; present in every snapshot sub-state. */
export function snapshotOf(p: Progress): SnapshotWork {
  if (!p.snapshot) {
    throw new CcrError('CCR_E0401', `snapshot state ${p.syncState}/${p.subState} without snapshot data`, { category: 'internal', disposition: 'retry' });
  }
  return p.snapshot;
}

interface BackupRow {
  jobId: bigint;
  name: string;
  state: string;
  /** `[OK]`, or why it was cancelled. */
  status: string;
}

/** The database's backups, oldest first (Doris keeps finished and cancelled ones, labels may repeat). */
async function listBackups(ctx: JobContext, signal: AbortSignal, where = ''): Promise<BackupRow[]> {
  const res = await ctx.src.query(`SHOW BACKUP FROM ${quoteIdent(ctx.src.db)}${where}`, signal);
  const rows = res.rows.map((r) => ({ jobId: BigInt(r.JobId ?? '0'), name: r.SnapshotName ?? '', state: r.State ?? '', status: r.Status ?? '' }));
  return rows.sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
}

/** The tables (and views) a full sync of a database backs up. */
async function databaseObjects(ctx: JobContext, signal: AbortSignal): Promise<string[]> {
  const res = await ctx.src.query(`SHOW FULL TABLES FROM ${quoteIdent(ctx.src.db)}`, signal);
  const nameColumn = res.columns.find((c) => c.startsWith('Tables_in_')) ?? res.columns[0] ?? '';
  return res.rows.map((r) => r[nameColumn] ?? '').filter((n) => n !== '');
}

function onClause(tables: string[], partitions: readonly string[]): string {
  if (partitions.length > 0 && tables.length === 1) {
    return `${quoteIdent(tables[0] ?? '')} PARTITION (${partitions.map(quoteIdent).join(', ')})`;
  }
  return tables.map(quoteIdent).join(', ');
}

export async function beginCreateSnapshot(ctx: JobContext, p: Progress, signal: AbortSignal): Promise<StepResult> {
  const snap = snapshotOf(p);
  const prefix = snapshotPrefix(ctx.name, snap.kind, p.jobSyncId);
  if (ctx.config.features.reuseRunningBackupRestoreJob) {
    // Ours: this job's prefix followed by nothing but the issue time (job `x` must not take
    // job `x_1`'s backups), issued since this sync started — a job that restarted from nothing
    // (recreated under the same name, unreadable progress) is at generation 1 again, and the
    // old generation 1 backup holds old data.
    const startedAt = snap.kind === 'full' ? p.fullSyncStartAt : p.partialSyncStartAt;
    const issuedAt = (name: string): number => (/^\d+$/.test(name.slice(prefix.length)) ? Number(name.slice(prefix.length)) : -1);
    const mine = (await listBackups(ctx, signal)).filter((b) => b.name.startsWith(prefix) && issuedAt(b.name) >= startedAt && b.state !== 'CANCELLED');
    const reuse = mine[mine.length - 1];
    if (reuse) {
      ctx.log.info({ snapshot: reuse.name, state: reuse.state }, 'reusing the backup of this sync');
      return { progress: { ...p, subState: 'WaitBackupDone', snapshot: { ...snap, snapshotName: reuse.name } } };
    }
  }
  const spec = ctx.spec();
  let tables: string[];
  let partitions: readonly string[] = [];
  if (snap.partial) {
    tables = [snap.partial.table];
    partitions = snap.partial.partitions;
  } else if (ctx.kind === 'table') {
    tables = [spec.src.table];
  } else {
    tables = await databaseObjects(ctx, signal);
    if (tables.length === 0) {
      throw new CcrError('CCR_E0402', `source database ${spec.src.database} has no tables or views yet; the full sync starts when it has one`, {
        category: 'meta',
        disposition: 'retry',
      });
    }
  }
  // A fresh name per attempt: Doris keeps finished and cancelled backups under their label.
  const name = snapshotName(ctx.name, snap.kind, p.jobSyncId, Math.floor(ctx.now() / 1000));
  await ctx.src.exec(
    `BACKUP SNAPSHOT ${quoteIdent(spec.src.database)}.${quoteIdent(name)} TO ${quoteIdent(REPO)} ON ( ${onClause(tables, partitions)} ) PROPERTIES ("type" = "full")`,
    signal,
  );
  ctx.log.info({ snapshot: name, tables: tables.length, reason: snap.reason }, 'backup issued on the source');
  return { progress: { ...p, subState: 'WaitBackupDone', snapshot: { ...snap, snapshotName: name } } };
}

export async function waitBackupDone(ctx: JobContext, p: Progress, signal: AbortSignal): Promise<StepResult> {
  const snap = snapshotOf(p);
  // The newest backup of that name: one issued again within the same second after a
  // cancellation shares the name of the cancelled one.
  const rows = await listBackups(ctx, signal, ` WHERE SnapshotName = ${quoteString(snap.snapshotName)}`);
  const state = rows[rows.length - 1]?.state;
  if (state === 'FINISHED') return { progress: { ...p, subState: 'GetSnapshotInfo' } };
  if (state === undefined || state === 'CANCELLED') {
    // Take a new one, but as a retry (shown in job_status, backed off): a backup that keeps
    // being cancelled (timeouts, an operator) must not go unnoticed.
    const status = rows[rows.length - 1]?.status ?? '';
    ctx.log.warn({ snapshot: snap.snapshotName, state: state ?? 'missing', status }, 'backup did not finish; taking a new one');
    const problem = new CcrError(
      'CCR_E0409',
      `backup ${snap.snapshotName} ${state === undefined ? 'is gone from' : 'was cancelled on'} the source${status ? `: ${status}` : ''}; taking a new one`,
      { category: 'fe', disposition: 'retry' },
    );
    return { progress: { ...p, subState: 'BeginCreateSnapshot' }, problem };
  }
  return { progress: p, waitMs: ctx.config.snapshotPollMs };
}
