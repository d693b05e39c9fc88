// The limit the simulators allow: the RPC sequence of one table job's incremental sync with no
// syncer around it. getBinlog batches (the next batch fetched while one is applied), getMeta
// and getBackendMeta once (the engine caches them), then per UPSERT binlog beginTxn →
// ingest_binlog on every destination replica → commitTxn, with `depth` binlogs prepared
// concurrently and commits in binlog order, as the engine's pipeline does. It uses the
// engine's payload parser and ingest planner (pure functions) so the only difference from the
// syncer is the syncer's own work: progress, metrics, logs, status, retries.
import { BackendClientRegistry } from '../doris/be-client.js';
import { FeClient } from '../doris/fe-client.js';
import { BinlogType, StatusCode, type TBackend, type TBinlog, type TGetMetaDBMeta } from '../doris/types.js';
import { planIngest } from '../engine/ingest-plan.js';
import { parseRecord, upsertRecordSchema } from '../engine/records.js';
import type { ClusterClient } from './cluster-client.js';

export interface ReplayTarget {
  src: ClusterClient;
  dest: ClusterClient;
  srcDb: string;
  srcTable: string;
  destDb: string;
  destTable: string;
  /** Replay the binlogs after this commit seq ... */
  afterSeq: bigint;
  /** ... until this many upserts are committed. */
  count: number;
  batchSize: number;
  depth: number;
}

const AUTH = { user: 'root', passwd: '' };

/** Replays `count` upserts; returns the seconds from the first getBinlog to the last commit. */
export async function bareReplay(t: ReplayTarget, signal: AbortSignal): Promise<number> {
  const srcFe = new FeClient({ frontends: [{ host: '127.0.0.1', port: t.src.sim.ready.rpc_port }] });
  const destFe = new FeClient({ frontends: [{ host: '127.0.0.1', port: t.dest.sim.ready.rpc_port }] });
  const destBes = new BackendClientRegistry();
  try {
    const [srcIds, destIds] = await Promise.all([ids(t.src, t.srcDb, t.srcTable), ids(t.dest, t.destDb, t.destTable)]);
    const started = performance.now();
    const [srcMeta, destMeta, srcBackends, destBackends] = await Promise.all([
      meta(srcFe, srcIds, signal),
      meta(destFe, destIds, signal),
      backends(srcFe, signal),
      backends(destFe, signal),
    ]);
    const tableMapping = new Map([[srcIds.table, destIds.table]]);

    const prepare = async (binlog: TBinlog): Promise<{ txnId: bigint; infos: { tabletId: bigint; backendId: bigint }[] }> => {
      const seq = binlog.commit_seq ?? 0n;
      const record = parseRecord(upsertRecordSchema, binlog.data, { commitSeq: seq, type: BinlogType.UPSERT });
      const begun = await destFe.beginTxn({ ...AUTH, db: t.destDb, table_ids: [destIds.table], label: `bench_bare_${t.destTable}_${seq}` }, signal);
      if (begun.status?.status_code !== StatusCode.OK || begun.txn_id === undefined) throw new Error(`beginTxn: ${JSON.stringify(begun.status)}`);
      const { calls } = planIngest({ upsert: record, destTxnId: begun.txn_id, tableMapping, srcMeta, destMeta, srcBackends, shadowIndexes: new Map(), requireVersion: false });
      await Promise.all(
        calls.map(async (call) => {
          const be = destBackends.get(call.destBackendId);
          if (!be) throw new Error(`unknown destination backend ${call.destBackendId}`);
          const res = await destBes.get({ host: be.host, port: be.be_port }).ingest_binlog(call.request, signal);
          if (res.status?.status_code !== StatusCode.OK) throw new Error(`ingest_binlog: ${JSON.stringify(res.status)}`);
        }),
      );
      return { txnId: begun.txn_id, infos: calls.map((c) => c.commitInfo) };
    };

    let submitted = 0;
    let after = t.afterSeq;
    let tail: Promise<void> = Promise.resolve();
    const inflight = new Set<Promise<void>>();
    let batch = fetchBatch(srcFe, t, after, signal);
    while (submitted < t.count) {
      const binlogs = await batch;
      const last = binlogs[binlogs.length - 1]?.commit_seq;
      if (last === undefined) throw new Error(`the source has fewer than ${t.count} binlogs after ${t.afterSeq}`);
      after = last;
      batch = fetchBatch(srcFe, t, after, signal); // prefetch while this batch is applied
      batch.catch(() => undefined);
      for (const binlog of binlogs) {
        if (binlog.type !== BinlogType.UPSERT) continue;
        while (inflight.size >= t.depth) await Promise.race(inflight);
        const prepared = prepare(binlog);
        prepared.catch(() => undefined);
        const previous = tail;
        const done = (async () => {
          const p = await prepared;
          await previous;
          const res = await destFe.commitTxn({ ...AUTH, db: t.destDb, txn_id: p.txnId, commit_infos: p.infos }, signal);
          if (res.status?.status_code !== StatusCode.OK) throw new Error(`commitTxn: ${JSON.stringify(res.status)}`);
        })();
        submitted++;
        tail = done;
        inflight.add(done);
        done.then(() => inflight.delete(done), () => inflight.delete(done));
        if (submitted >= t.count) break;
      }
    }
    await tail;
    await Promise.all(inflight);
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.allSettled([srcFe.close(), destFe.close(), destBes.close()]);
  }
}

async function fetchBatch(fe: FeClient, t: ReplayTarget, after: bigint, signal: AbortSignal): Promise<TBinlog[]> {
  const res = await fe.getBinlog({ ...AUTH, db: t.srcDb, table: t.srcTable, prev_commit_seq: after, num_acquired: BigInt(t.batchSize) }, signal);
  if (res.status?.status_code === StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ) return [];
  if (res.status?.status_code !== StatusCode.OK) throw new Error(`getBinlog: ${JSON.stringify(res.status)}`);
  return (res.binlogs ?? []).filter((b) => (b.commit_seq ?? 0n) > after);
}

async function ids(c: ClusterClient, db: string, table: string): Promise<{ db: bigint; table: bigint }> {
  const dbs = await c.query<{ DbName: string; DbId: string }>("SHOW PROC '/dbs/'");
  const dbId = dbs.find((r) => r.DbName === db)?.DbId;
  if (dbId === undefined) throw new Error(`database ${db} not found`);
  const tables = await c.query<{ TableName: string; TableId: string }>(`SHOW PROC '/dbs/${dbId}/'`);
  const tableId = tables.find((r) => r.TableName === table)?.TableId;
  if (tableId === undefined) throw new Error(`table ${db}.${table} not found`);
  return { db: BigInt(dbId), table: BigInt(tableId) };
}

async function meta(fe: FeClient, at: { db: bigint; table: bigint }, signal: AbortSignal): Promise<TGetMetaDBMeta> {
  const res = await fe.getMeta({ ...AUTH, db: { id: at.db, tables: [{ id: at.table }] } }, signal);
  if (res.status?.status_code !== StatusCode.OK || !res.db_meta) throw new Error(`getMeta: ${JSON.stringify(res.status)}`);
  return res.db_meta;
}

async function backends(fe: FeClient, signal: AbortSignal): Promise<Map<bigint, TBackend>> {
  const res = await fe.getBackendMeta({ ...AUTH }, signal);
  if (res.status.status_code !== StatusCode.OK) throw new Error(`getBackendMeta: ${JSON.stringify(res.status)}`);
  return new Map((res.backends ?? []).filter((b) => b.id !== undefined).map((b) => [b.id as bigint, b]));
}
