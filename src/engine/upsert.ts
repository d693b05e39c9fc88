// Replays one UPSERT binlog on the destination: begin a transaction under the binlog's
// deterministic label, have each destination replica ingest the rowset from the source BE,
// commit. doc/checkpoints.md explains why this is idempotent across retries and crashes.
import { BinlogType, StatusCode, type TBinlog, type TTabletCommitInfo } from '../doris/types.js';
import { quoteIdent, quoteString } from '../doris/sql-client.js';
import { CcrError } from '../errors/ccr-error.js';
import { RpcError } from '../doris/thrift/rpc-error.js';
import { checkStatus, isOk, statusMessage } from './classify.js';
import { MetaMismatchError, planIngest, type IngestCall } from './ingest-plan.js';
import type { JobContext } from './job-context.js';
import { upsertLabel } from './labels.js';
import type { Progress } from './progress.js';
import { parseRecord, upsertRecordSchema, type UpsertRecord } from './records.js';
import { mapHost } from '../doris/host-mapping.js';

export type PreparedUpsert =
  | { kind: 'prepared'; seq: bigint; timestampMs: bigint; txnId: bigint; label: string; commitInfos: TTabletCommitInfo[] }
  /** An earlier attempt (possibly before a crash) already committed this binlog; pendingTxnId when not yet VISIBLE. */
  | { kind: 'applied'; seq: bigint; timestampMs: bigint; pendingTxnId?: bigint | undefined }
  /** Nothing to replay: no table this job replicates (or only tables whose snapshot covers it), or only temporary or dropped partitions. */
  | { kind: 'noop'; seq: bigint; timestampMs: bigint };

/** The parts of the progress an upsert depends on (stable while a pipeline runs). */
export type UpsertView = Pick<Progress, 'tableMapping' | 'shadowIndexes' | 'tableCommitSeqMap' | 'jobSyncId'>;

/** Transaction statuses as SHOW TRANSACTION prints them. */
type TxnStatus = 'UNKNOWN' | 'PREPARE' | 'PRECOMMITTED' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

/** Keeps the table records this job replicates; drops those a db snapshot already covers. */
export function relevantTables(record: UpsertRecord, seq: bigint, view: UpsertView): UpsertRecord {
  const tableRecords: UpsertRecord['tableRecords'] = {};
  for (const [id, tr] of Object.entries(record.tableRecords)) {
    const srcId = BigInt(id);
    if (!view.tableMapping.has(srcId)) continue;
    const covered = view.tableCommitSeqMap.get(srcId);
    if (covered !== undefined && seq <= covered) continue;
    tableRecords[id] = tr;
  }
  return { ...record, tableRecords };
}

export async function prepareUpsert(ctx: JobContext, view: UpsertView, binlog: TBinlog, signal: AbortSignal): Promise<PreparedUpsert> {
  const seq = binlog.commit_seq ?? 0n;
  const timestampMs = binlog.timestamp ?? 0n;
  const record = relevantTables(parseRecord(upsertRecordSchema, binlog.data, { commitSeq: seq, type: BinlogType.UPSERT }), seq, view);
  const srcIds = Object.keys(record.tableRecords).map((k) => BigInt(k));
  if (srcIds.length === 0) return { kind: 'noop', seq, timestampMs };
  const destIds = srcIds.map((id) => view.tableMapping.get(id) ?? 0n);

  const spec = ctx.spec();
  const label = spec.options.reuseBinlogLabel && record.label !== '' ? record.label : upsertLabel({
    jobName: spec.name,
    jobSyncId: view.jobSyncId,
    kind: ctx.kind,
    srcDbId: spec.src.dbId,
    destDbId: spec.dest.dbId,
    srcTableId: ctx.kind === 'table' ? spec.src.tableId : undefined,
    destTableId: ctx.kind === 'table' ? spec.dest.tableId : undefined,
    commitSeq: seq,
  });

  const txnId = await beginTxn(ctx, label, destIds, srcIds, signal);
  if (typeof txnId !== 'bigint') return { kind: 'applied', seq, timestampMs, pendingTxnId: txnId.committed };
  try {
    const commitInfos = await ingest(ctx, view, record, srcIds, destIds, txnId, signal);
    if (commitInfos.length === 0) {
      // Every partition it loaded is temporary (INSERT OVERWRITE stages its rows there; the
      // REPLACE_PARTITIONS that follows re-syncs them) or gone: nothing to replay, and Doris
      // refuses to commit an empty transaction ("all partitions have no load data").
      await rollbackTxn(ctx, txnId, 'nothing to ingest');
      return { kind: 'noop', seq, timestampMs };
    }
    return { kind: 'prepared', seq, timestampMs, txnId, label, commitInfos };
  } catch (err) {
    await rollbackTxn(ctx, txnId, 'ingest failed');
    throw err;
  }
}

/**
 * Begins the destination transaction. When the label shows an earlier commit, says so instead,
 * with that transaction's id while it is committed but not yet visible.
 */
async function beginTxn(
  ctx: JobContext,
  label: string,
  destIds: bigint[],
  srcIds: bigint[],
  signal: AbortSignal,
): Promise<bigint | { committed: bigint | undefined }> {
  for (let attempt = 0; ; attempt++) {
    const res = await ctx.dest.fe.beginTxn({ ...ctx.dest.auth(), db: ctx.dest.db, table_ids: destIds, label }, signal, { beforeSend: ctx.dest.assertLease });
    if (isOk(res.status) && res.txn_id !== undefined) return res.txn_id;
    if (res.status?.status_code === StatusCode.LABEL_ALREADY_EXISTS && attempt === 0) {
      const existing = await findTxnByLabel(ctx, label, signal);
      if (existing?.status === 'VISIBLE') return { committed: undefined };
      if (existing?.status === 'COMMITTED') return { committed: existing.id };
      if (existing && (existing.status === 'PREPARE' || existing.status === 'PRECOMMITTED')) {
        // A previous run died between begin and commit: abort its transaction, begin again.
        // Under the lease: a syncer that lost the job must not abort its new owner's attempt.
        ctx.dest.assertLease();
        await rollbackTxn(ctx, existing.id, 'superseded by a retry of the same binlog');
      }
      continue;
    }
    const message = statusMessage(res.status);
    if (/can't find table id|table not found|unknown table/i.test(message)) {
      throw new MetaMismatchError(`destination table of this binlog is gone (${message})`, srcIds[0] ?? 0n);
    }
    checkStatus(res.status, 'destination', 'beginTxn', { label });
    throw new CcrError('CCR_E0302', `beginTxn on the destination returned no txn_id (label ${label})`, { category: 'fe', disposition: 'retry' });
  }
}

async function ingest(
  ctx: JobContext,
  view: UpsertView,
  record: UpsertRecord,
  srcIds: bigint[],
  destIds: bigint[],
  txnId: bigint,
  signal: AbortSignal,
): Promise<TTabletCommitInfo[]> {
  const shadowIndexes = ctx.config.features.filterShadowIndexesUpsert ? view.shadowIndexes : new Map<bigint, bigint>();
  const srcSpec = ctx.src.cluster;
  for (let attempt = 0; ; attempt++) {
    const fresh = attempt > 0;
    const [src, dest, srcBackends] = await Promise.all([
      ctx.srcMeta.get(srcIds, signal, fresh),
      ctx.destMeta.get(destIds, signal, fresh),
      ctx.src.backends(signal, fresh),
    ]);
    const cached = src.cached && dest.cached;
    let calls: IngestCall[];
    try {
      calls = planIngest({
        upsert: record,
        destTxnId: txnId,
        tableMapping: view.tableMapping,
        srcMeta: src.meta,
        destMeta: dest.meta,
        srcBackends,
        shadowIndexes,
        mapSourceHost: (h) => mapHost(h, srcSpec.hostMapping),
        requireVersion: !cached,
      }).calls;
    } catch (err) {
      // Re-plan once with fresh metadata and backends: a cached view may predate a partition
      // change or a source BE that has come back (its replicas looked dead).
      if (attempt === 0 && !signal.aborted) continue;
      throw err;
    }
    try {
      await Promise.all(calls.map((call) => ingestOne(ctx, call, signal)));
      return dedupeCommitInfos(calls.map((c) => c.commitInfo));
    } catch (err) {
      // Re-running every call of the same transaction is safe: a BE treats a rowset it already
      // holds for the txn as success. Stale cached metadata is the usual culprit.
      if (attempt === 0 && !signal.aborted) {
        ctx.log.debug({ err: (err as Error).message, txnId: txnId.toString() }, 'ingest failed, re-planning with fresh metadata');
        continue;
      }
      throw err;
    }
  }
}

async function ingestOne(ctx: JobContext, call: IngestCall, signal: AbortSignal): Promise<void> {
  const be = await ctx.dest.backendClient(call.destBackendId, signal);
  const res = await be.ingest_binlog(call.request, signal);
  checkStatus(res.status, 'destination', 'ingest_binlog', {
    backend: call.destBackendId.toString(),
    tablet: call.request.local_tablet_id?.toString(),
  });
}

function dedupeCommitInfos(infos: TTabletCommitInfo[]): TTabletCommitInfo[] {
  const seen = new Set<string>();
  return infos.filter((i) => {
    const k = `${i.tabletId}:${i.backendId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export type CommitOutcome = 'visible' | 'committed';

/**
 * Commits a prepared upsert. 'committed' = committed but not yet visible (PUBLISH_TIMEOUT);
 * a reply that was lost (timeout, broken connection) is resolved through the transaction's
 * status, never by committing a second time.
 */
export async function commitUpsert(ctx: JobContext, txnId: bigint, commitInfos: TTabletCommitInfo[], signal: AbortSignal): Promise<CommitOutcome> {
  let res;
  try {
    // The lease is checked at the last moment, when the request is written: a syncer frozen
    // while it waited for a connection finds its lease gone and commits nothing.
    res = await ctx.dest.fe.commitTxn({ ...ctx.dest.auth(), db: ctx.dest.db, txn_id: txnId, commit_infos: commitInfos }, signal, {
      beforeSend: ctx.dest.assertLease,
    });
  } catch (err) {
    if (!(err instanceof RpcError) || (err.kind !== 'timeout' && err.kind !== 'closed') || signal.aborted) throw err;
    const status = await txnStatusById(ctx, txnId, signal);
    if (status === 'VISIBLE') return 'visible';
    if (status === 'COMMITTED') return 'committed';
    throw err;
  }
  const code = res.status?.status_code;
  if (code === StatusCode.OK) return 'visible';
  if (code === StatusCode.PUBLISH_TIMEOUT) return 'committed';
  const message = statusMessage(res.status);
  if (/already COMMITTED|already VISIBLE|is VISIBLE/i.test(message)) return 'committed';
  await rollbackTxn(ctx, txnId, 'commit failed');
  checkStatus(res.status, 'destination', 'commitTxn', { txnId: txnId.toString() });
  throw new CcrError('CCR_E0303', `commitTxn of txn ${txnId} returned no status`, { category: 'fe', disposition: 'retry' });
}

/** Best effort: a transaction we give up on must not hold its tablets until it times out. */
export async function rollbackTxn(ctx: JobContext, txnId: bigint, reason: string): Promise<void> {
  const signal = AbortSignal.timeout(10_000);
  try {
    const res = await ctx.dest.fe.rollbackTxn({ ...ctx.dest.auth(), db: ctx.dest.db, txn_id: txnId, reason }, signal);
    if (!isOk(res.status)) {
      const message = statusMessage(res.status);
      if (!/not found|already aborted|already COMMITTED|is VISIBLE|already VISIBLE/i.test(message)) {
        ctx.log.warn({ txnId: txnId.toString(), status: res.status?.status_code, message }, 'rollback of a destination transaction failed');
      }
    }
  } catch (err) {
    ctx.log.warn({ txnId: txnId.toString(), err: (err as Error).message }, 'rollback of a destination transaction failed');
  }
}

async function findTxnByLabel(ctx: JobContext, label: string, signal: AbortSignal): Promise<{ id: bigint; status: TxnStatus } | undefined> {
  const res = await ctx.dest.query(`SHOW TRANSACTION FROM ${quoteIdent(ctx.dest.db)} WHERE LABEL = ${quoteString(label)}`, signal);
  // Several rows are possible (aborted attempts reuse the label); the live one matters.
  const rows = res.rows.map((r) => ({ id: BigInt(r.TransactionId ?? '0'), status: (r.TransactionStatus ?? 'UNKNOWN') as TxnStatus }));
  return rows.find((r) => r.status !== 'ABORTED') ?? rows[0];
}

export async function txnStatusById(ctx: JobContext, txnId: bigint, signal: AbortSignal): Promise<TxnStatus> {
  const res = await ctx.dest.query(`SHOW TRANSACTION FROM ${quoteIdent(ctx.dest.db)} WHERE ID = ${txnId}`, signal);
  return (res.rows[0]?.TransactionStatus ?? 'UNKNOWN') as TxnStatus;
}
