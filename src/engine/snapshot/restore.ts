// Snapshot sub-states on the destination: GetSnapshotInfo (fetch the snapshot, add extra
// info, submit restoreSnapshot), WaitRestoreDone (poll SHOW RESTORE) and PersistRestoreInfo
// (swap alias tables in, rebuild the table mapping, enter incremental sync).
import { mapHost } from '../../doris/host-mapping.js';
import { quoteIdent, quoteString } from '../../doris/sql-client.js';
import { SnapshotType, StatusCode, type TTableRef } from '../../doris/types.js';
import { CcrError } from '../../errors/ccr-error.js';
import { checkStatus } from '../classify.js';
import type { StepResult } from '../incremental.js';
import type { JobContext, StepRuntime } from '../job-context.js';
import { aliasTableName, isRestoreOfJob, restoreLabel } from '../labels.js';
import type { Progress } from '../progress.js';
import { afterSnapshotState, startFullSync, startPartialSync } from '../transitions.js';
import { snapshotOf } from './backup.js';
import { parseJobInfo, snapshotContents, withExtraInfo } from './job-info.js';

const REPO = '__keep_on_local__';
/** Doris' SNAPSHOT_EXPIRED (Status.thrift of Doris 2.1+, newer than our IDL copy). */
const SNAPSHOT_EXPIRED = 75;

/**
 * GetSnapshotInfo / RestoreSnapshot: fetch the snapshot and submit the restore. The restore's
 * label is checkpointed (sub-state RestoreSnapshot) before the submission, so a syncer that dies
 * before it saw the reply finds that restore again by its label instead of issuing another.
 */
export async function getSnapshotAndRestore(ctx: JobContext, p: Progress, rt: StepRuntime, signal: AbortSignal): Promise<StepResult> {
  const snap = snapshotOf(p);
  const spec = ctx.spec();
  if (p.subState === 'RestoreSnapshot' && snap.restoreLabel) {
    const state = await restoreState(ctx, snap.restoreLabel, signal);
    if (state !== undefined && state !== 'CANCELLED') {
      ctx.log.info({ restore: snap.restoreLabel, state }, 'found the restore submitted before the restart');
      return { progress: { ...p, subState: 'WaitRestoreDone' } };
    }
  }
  const res = await ctx.src.fe.getSnapshot(
    {
      ...ctx.src.auth(),
      db: spec.src.database,
      table: ctx.kind === 'table' ? spec.src.table : '',
      label_name: snap.snapshotName,
      snapshot_name: '',
      snapshot_type: SnapshotType.LOCAL,
    },
    signal,
  );
  const code = res.status?.status_code;
  if (code === StatusCode.SNAPSHOT_NOT_EXIST || code === SNAPSHOT_EXPIRED) {
    // The snapshot step starts over as a new generation (doc/checkpoints.md): an expired
    // snapshot stays expired, and the same generation would find its backup again.
    const why = `snapshot ${snap.snapshotName} ${code === SNAPSHOT_EXPIRED ? 'expired' : 'is gone'} on the source before it was restored`;
    ctx.log.warn({ snapshot: snap.snapshotName, status: code }, 'snapshot is gone or expired on the source; taking a new one');
    const next = snap.partial
      ? startPartialSync(p, ctx.kind, ctx.name, snap.partial, why, p.prevCommitSeq, ctx.now())
      : startFullSync(p, ctx.kind, ctx.name, why, ctx.now());
    (snap.partial ? ctx.metrics.partialSyncs : ctx.metrics.fullSyncs).inc({ job: ctx.name });
    return { progress: next };
  }
  checkStatus(res.status, 'source', 'getSnapshot', { snapshot: snap.snapshotName });
  if (!res.meta || !res.job_info) {
    throw new CcrError('CCR_E0404', `getSnapshot of ${snap.snapshotName} returned no meta or job_info`, { category: 'fe', disposition: 'retry' });
  }
  if (res.compressed) {
    throw new CcrError('CCR_E0405', `snapshot ${snap.snapshotName} came back compressed although compression was not requested`, {
      category: 'fe',
      disposition: 'retry',
    });
  }
  const info = parseJobInfo(res.job_info.toString('utf8'), snap.snapshotName);
  const contents = snapshotContents(info);

  if (ctx.kind === 'table' && !snap.partial) {
    const id = [...contents.tableNames].find(([, name]) => name === spec.src.table)?.[0];
    if (id === undefined || !contents.tableCommitSeqMap.has(id)) {
      throw new CcrError('CCR_E0406', `snapshot ${snap.snapshotName} does not contain table ${spec.src.table}`, { category: 'meta', disposition: 'retry' });
    }
    if (id !== spec.src.tableId) {
      // The source table was dropped and recreated: follow the new table from now on.
      ctx.log.info({ old: spec.src.tableId.toString(), new: id.toString() }, 'source table id changed; following the new table');
      await ctx.updateSpec((s) => ({ ...s, src: { ...s.src, tableId: id } }), signal);
      ctx.src.update(ctx.spec().src);
    }
  }

  const tokenRes = await ctx.src.fe.getMasterToken({ cluster: spec.src.cluster, user: spec.src.user, password: spec.src.password }, signal);
  checkStatus(tokenRes.status, 'source', 'getMasterToken');
  const backends = [...(await ctx.src.backends(signal, true)).values()].map((b) => ({
    id: b.id ?? 0n,
    host: mapHost(b.host, spec.src.hostMapping),
    httpPort: b.http_port,
  }));
  const jobInfo = withExtraInfo(info, backends, tokenRes.token ?? '');

  await cancelOurRunningRestore(ctx, signal);
  const label = restoreLabel(snap.snapshotName, ctx.now());
  const submitted: Progress = {
    ...p,
    subState: 'RestoreSnapshot',
    snapshot: { ...snap, restoreLabel: label, tableCommitSeqMap: contents.tableCommitSeqMap, tableNames: contents.tableNames, viewIds: contents.viewIds },
  };
  await rt.checkpoint(submitted, signal);
  const full = snap.kind === 'full';
  const restore = await ctx.dest.fe.restoreSnapshot(
    {
      ...ctx.dest.auth(),
      db: spec.dest.database,
      table: ctx.kind === 'table' ? spec.dest.table : '',
      label_name: label,
      repo_name: REPO,
      table_refs: tableRefs(ctx, p),
      properties: spec.options.replicationNum > 0 ? { replication_num: String(spec.options.replicationNum) } : { reserve_replica: 'true' },
      meta: res.meta,
      job_info: jobInfo,
      clean_tables: full && ctx.kind === 'db' && ctx.config.features.cleanTableAndPartitions,
      clean_partitions: full && ctx.config.features.cleanTableAndPartitions,
      // A whole-table partial sync replaces the table (the Go syncer restores it under an alias
      // and swaps): restoring in place fails for good when a destination partition of the same
      // name has another range or list ("has different partition item").
      atomic_restore: (full || snap.partial?.replace === true) && ctx.config.features.atomicRestore,
      force_replace: ctx.config.features.restoreReplaceDiffSchema && p.tableAliases.size === 0,
    },
    signal,
    { beforeSend: ctx.dest.assertLease },
  );
  checkStatus(restore.status, 'destination', 'restoreSnapshot', { label });
  ctx.log.info({ snapshot: snap.snapshotName, restore: label }, 'restore submitted on the destination');
  return { progress: { ...submitted, subState: 'WaitRestoreDone' } };
}

/**
 * The newest restore with this label on the destination (Doris keeps finished and cancelled
 * restores, and a job deleted and created again may have used the label); undefined when
 * there is none.
 */
async function latestRestore(ctx: JobContext, label: string, signal: AbortSignal): Promise<Record<string, string | null> | undefined> {
  const res = await ctx.dest.query(`SHOW RESTORE FROM ${quoteIdent(ctx.dest.db)} WHERE Label = ${quoteString(label)}`, signal);
  const jobId = (r: Record<string, string | null>) => BigInt(r.JobId ?? '0');
  return res.rows.reduce<Record<string, string | null> | undefined>((newest, r) => (newest === undefined || jobId(r) > jobId(newest) ? r : newest), undefined);
}

/** State of the restore with this label on the destination; undefined when there is none. */
async function restoreState(ctx: JobContext, label: string, signal: AbortSignal): Promise<string | undefined> {
  return (await latestRestore(ctx, label, signal))?.State ?? undefined;
}

/** TableRefs: renames for table jobs with a different destination name, and alias restores. */
function tableRefs(ctx: JobContext, p: Progress): TTableRef[] | undefined {
  const spec = ctx.spec();
  const refs: TTableRef[] = [];
  if (ctx.kind === 'table') {
    const alias = p.tableAliases.get(spec.src.table);
    const target = alias ?? spec.dest.table;
    if (target !== spec.src.table) refs.push({ table: spec.src.table, alias_name: target });
  } else {
    const partial = p.snapshot?.partial;
    for (const [table, alias] of p.tableAliases) if (!partial || partial.table === table) refs.push({ table, alias_name: alias });
  }
  return refs.length > 0 ? refs : undefined;
}

/** Doris runs one backup/restore per database: cancel a leftover restore of this job. */
async function cancelOurRunningRestore(ctx: JobContext, signal: AbortSignal): Promise<void> {
  const res = await ctx.dest.query(`SHOW RESTORE FROM ${quoteIdent(ctx.dest.db)}`, signal);
  const running = res.rows.some((r) => isRestoreOfJob(r.Label ?? '', ctx.name) && r.State !== 'FINISHED' && r.State !== 'CANCELLED');
  if (running) {
    await ctx.dest.exec(`CANCEL RESTORE FROM ${quoteIdent(ctx.dest.db)}`, signal);
    ctx.log.info({}, 'cancelled a leftover restore of this job');
  }
}

const DIFFERENT_SCHEMA = /(?:Table|View) (\S+?) already exist but with different schema/;

export async function waitRestoreDone(ctx: JobContext, p: Progress, signal: AbortSignal): Promise<StepResult> {
  const snap = snapshotOf(p);
  const label = snap.restoreLabel ?? '';
  const row = await latestRestore(ctx, label, signal);
  const state = row?.State;
  if (state === 'FINISHED') return { progress: { ...p, subState: 'PersistRestoreInfo' } };
  if (state === undefined) return { progress: { ...p, subState: 'GetSnapshotInfo' } };
  if (state !== 'CANCELLED') return { progress: p, waitMs: ctx.config.snapshotPollMs };
  const status = row?.Status ?? '';
  const conflict = DIFFERENT_SCHEMA.exec(status);
  if (conflict?.[1]) {
    const table = conflict[1].replace(/^`|`$/g, '');
    const srcName = ctx.kind === 'table' ? ctx.spec().src.table : table;
    if (!ctx.config.features.replaceNotMatchedWithAlias) {
      await ctx.dest.exec(`DROP TABLE IF EXISTS ${quoteIdent(ctx.dest.db)}.${quoteIdent(table)} FORCE`, signal);
      return { progress: { ...p, subState: 'GetSnapshotInfo' } };
    }
    const aliases = new Map(p.tableAliases);
    aliases.set(srcName, aliasTableName(srcName, Math.floor(ctx.now() / 1000)));
    ctx.log.info({ table, alias: aliases.get(srcName) }, 'destination table has another schema; restoring under an alias');
    return { progress: { ...p, subState: 'GetSnapshotInfo', tableAliases: aliases } };
  }
  // Cancelled for another reason (an operator, a destination BE that was down, a timeout):
  // submit the restore again, as the Go syncer does; waiting on this label would never end.
  const problem = new CcrError('CCR_E0407', `restore ${label} was cancelled on the destination: ${status || 'no reason given'}; submitting it again`, {
    category: 'fe',
    disposition: 'retry',
  });
  ctx.log.warn({ restore: label, status }, 'restore cancelled on the destination; submitting it again');
  return { progress: { ...p, subState: 'GetSnapshotInfo' }, problem };
}

/** Destination tables by name (views included) from SHOW PROC. */
async function destTables(ctx: JobContext, signal: AbortSignal): Promise<Map<string, bigint>> {
  const res = await ctx.dest.query(`SHOW PROC '/dbs/${ctx.spec().dest.dbId}/'`, signal);
  const out = new Map<string, bigint>();
  for (const r of res.rows) if (r.TableName && r.TableId) out.set(r.TableName, BigInt(r.TableId));
  return out;
}

export async function persistRestoreInfo(ctx: JobContext, p: Progress, signal: AbortSignal): Promise<StepResult> {
  const snap = snapshotOf(p);
  const spec = ctx.spec();
  const db = quoteIdent(spec.dest.database);
  let dest = await destTables(ctx, signal);
  for (const [srcName, alias] of p.tableAliases) {
    const target = ctx.kind === 'table' ? spec.dest.table : srcName;
    if (!dest.has(alias)) continue; // swapped in by an earlier attempt
    if (dest.has(target)) {
      await ctx.dest.exec(`ALTER TABLE ${db}.${quoteIdent(target)} REPLACE WITH TABLE ${quoteIdent(alias)} PROPERTIES("swap"="false")`, signal);
    } else {
      await ctx.dest.exec(`ALTER TABLE ${db}.${quoteIdent(alias)} RENAME ${quoteIdent(target)}`, signal);
    }
    dest = await destTables(ctx, signal);
  }

  const names = snap.tableNames ?? new Map<bigint, string>();
  const seqs = snap.tableCommitSeqMap ?? new Map<bigint, bigint>();
  const mapping = new Map(p.tableMapping);
  const tableNames = new Map(p.tableNames);
  if (ctx.kind === 'table') {
    const destId = dest.get(spec.dest.table);
    if (destId === undefined) {
      throw new CcrError('CCR_E0408', `restored table ${spec.dest.table} is missing on the destination`, { category: 'meta', disposition: 'retry' });
    }
    mapping.clear();
    mapping.set(spec.src.tableId, destId);
    tableNames.set(spec.src.tableId, spec.src.table);
    if (spec.dest.tableId !== destId) {
      await ctx.updateSpec((s) => ({ ...s, dest: { ...s.dest, tableId: destId } }), signal);
      ctx.dest.update(ctx.spec().dest);
    }
  } else {
    const restored = snap.partial ? [...names].filter(([, n]) => n === snap.partial?.table) : [...names];
    if (!snap.partial) mapping.clear();
    for (const [srcId, name] of restored) {
      const destId = dest.get(name);
      if (destId === undefined) continue;
      mapping.set(srcId, destId);
      tableNames.set(srcId, name);
    }
  }
  ctx.srcMeta.invalidate();
  ctx.destMeta.invalidate();

  const now = Math.floor(ctx.now() / 1000);
  const tableSeqs = [...seqs.values()];
  const minSeq = tableSeqs.length > 0 ? tableSeqs.reduce((a, b) => (b < a ? b : a)) : p.prevCommitSeq;
  let cursor: bigint;
  let tableCommitSeqMap: Map<bigint, bigint>;
  if (snap.kind === 'full') {
    cursor = ctx.kind === 'table' ? (seqs.get(spec.src.tableId) ?? minSeq) : minSeq;
    tableCommitSeqMap = ctx.kind === 'db' ? new Map(seqs) : new Map<bigint, bigint>();
  } else {
    const target = snap.partial?.tableId ?? 0n;
    const seq = seqs.get(target) ?? [...seqs.values()][0] ?? p.prevCommitSeq;
    if (ctx.kind === 'table') {
      cursor = seq > p.prevCommitSeq ? seq : p.prevCommitSeq;
      tableCommitSeqMap = new Map();
    } else {
      cursor = p.prevCommitSeq;
      tableCommitSeqMap = new Map(p.tableCommitSeqMap);
      if (seq > cursor) tableCommitSeqMap.set(target, seq);
    }
  }
  const next: Progress = {
    ...p,
    syncState: afterSnapshotState(ctx.kind),
    subState: 'Done',
    prevCommitSeq: cursor,
    commitSeq: cursor,
    tableMapping: mapping,
    tableNames,
    tableCommitSeqMap,
    tableAliases: new Map(),
    shadowIndexes: snap.kind === 'full' ? new Map() : p.shadowIndexes,
    snapshot: undefined,
    incrementalSyncStartAt: now,
  };
  ctx.log.info({ kind: snap.kind, cursor: cursor.toString(), tables: mapping.size }, 'snapshot restored; replaying binlogs');
  return { progress: next };
}
