import { afterEach, describe, expect, it } from 'vitest';
import { IngestBinlogStatus, StatusCode, type TIngestBinlogRequest } from '../../doris/types.js';
import { parseJsonBig } from '../../util/json-big.js';
import { createBinlogTable, ROOT, rowsOf, startTestCluster, type TestCluster } from '../env.test-helpers.js';
import type { OlapTableState } from '../model/state.js';

const signal = new AbortController().signal;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cluster(): Promise<TestCluster> {
  const c = await startTestCluster({ manual: true });
  cleanups.push(() => c.close());
  return c;
}

function olap(c: TestCluster, name: string): OlapTableState {
  const t = c.env.model.catalog.table('db', name);
  if (t?.kind !== 'OLAP') throw new Error(`no table ${name}`);
  return t;
}

/** Source and destination clusters with the same table; rows loaded on the source. */
async function pair(): Promise<{ src: TestCluster; dest: TestCluster; version: bigint; partitionName: string }> {
  const src = await cluster();
  const dest = await cluster();
  createBinlogTable(src.env, 'db', 't');
  createBinlogTable(dest.env, 'db', 't');
  src.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a'], [2, 'b'], [3, 'c'], [150, 'z']] });
  const r = await src.fe.getBinlog({ ...ROOT, db: 'db', table: 't', prev_commit_seq: 0n }, signal);
  const upsert = parseJsonBig(r.binlogs?.[0]?.data ?? '{}') as { tableRecords: Record<string, { partitionRecords: { partitionId: bigint | number; version: bigint | number }[] }> };
  const record = Object.values(upsert.tableRecords)[0]?.partitionRecords[0];
  const srcPartition = olap(src, 't').partitions.get(BigInt(record?.partitionId ?? 0));
  return { src, dest, version: BigInt(record?.version ?? 0), partitionName: srcPartition?.name ?? '' };
}

/** The ingest_binlog requests (one per destination replica) for one partition, as the syncer pairs tablets. */
function ingestRequests(src: TestCluster, dest: TestCluster, partitionName: string, version: bigint, txnId: bigint): { be: bigint; req: TIngestBinlogRequest }[] {
  const st = olap(src, 't');
  const dt = olap(dest, 't');
  const sp = [...st.partitions.values()].find((p) => p.name === partitionName);
  const dp = [...dt.partitions.values()].find((p) => p.name === partitionName);
  const srcTablets = [...(sp?.tablets.get(st.baseIndexId) ?? [])].sort((a, b) => (a < b ? -1 : 1));
  const destTablets = [...(dp?.tablets.get(dt.baseIndexId) ?? [])].sort((a, b) => (a < b ? -1 : 1));
  const out: { be: bigint; req: TIngestBinlogRequest }[] = [];
  destTablets.forEach((destTablet, i) => {
    const srcTablet = srcTablets[i] ?? 0n;
    const srcReplica = src.env.model.storage.tablet(srcTablet)?.replicas[0];
    const srcBe = src.env.model.system.backend(srcReplica?.backendId ?? 0n);
    for (const r of dest.env.model.storage.tablet(destTablet)?.replicas ?? []) {
      out.push({
        be: r.backendId,
        req: {
          txn_id: txnId,
          remote_tablet_id: srcTablet,
          binlog_version: version,
          remote_host: srcBe?.host,
          remote_port: String(srcBe?.httpPort),
          partition_id: dp?.id,
          local_tablet_id: destTablet,
          load_id: { hi: -1n, lo: -1n },
        },
      });
    }
  });
  return out;
}

describe('ingest_binlog', () => {
  it('moves a rowset between clusters over HTTP; ingesting it twice into one txn is success', async () => {
    const { src, dest, version, partitionName } = await pair();
    const dt = olap(dest, 't');
    const begin = await dest.fe.beginTxn({ ...ROOT, db: 'db', table_ids: [dt.id], label: 'ccrj-1' }, signal);
    const reqs = ingestRequests(src, dest, partitionName, version, begin.txn_id ?? 0n);
    for (const { be, req } of reqs) {
      const r = await dest.be(be).ingest_binlog(req, signal);
      expect(r.status).toEqual({ status_code: StatusCode.OK });
    }
    const first = reqs[0];
    if (!first) throw new Error('no request');
    expect((await dest.be(first.be).ingest_binlog(first.req, signal)).status?.status_code).toBe(StatusCode.OK);
    const q = await dest.be(first.be).query_ingest_binlog({ txn_id: begin.txn_id, partition_id: first.req.partition_id, tablet_id: first.req.local_tablet_id, load_id: { hi: -1n, lo: -1n } }, signal);
    expect(q.status).toBe(IngestBinlogStatus.OK);
    const infos = reqs.map(({ be, req }) => ({ tabletId: req.local_tablet_id ?? 0n, backendId: be }));
    const commit = await dest.fe.commitTxn({ ...ROOT, db: 'db', txn_id: begin.txn_id, commit_infos: infos }, signal);
    expect(commit.status?.status_code).toBe(StatusCode.OK);
    const srcRows = src.env.model.scan('db', 't', { partitions: [partitionName] }).rows.map((r) => JSON.stringify(r)).sort();
    expect(rowsOf(dest.env, 'db', 't')).toEqual(srcRows);
    expect(srcRows).toHaveLength(3);
  });

  it('reports a missing version as an HTTP error, a missing local tablet, missing fields and the BE binlog switch', async () => {
    const { src, dest, version, partitionName } = await pair();
    const dt = olap(dest, 't');
    const begin = await dest.fe.beginTxn({ ...ROOT, db: 'db', table_ids: [dt.id], label: 'ccrj-2' }, signal);
    const [first] = ingestRequests(src, dest, partitionName, version, begin.txn_id ?? 0n);
    if (!first) throw new Error('no request');
    const be = dest.be(first.be);
    const wrongVersion = await be.ingest_binlog({ ...first.req, binlog_version: version + 40n }, signal);
    expect(wrongVersion.status?.status_code).toBe(StatusCode.HTTP_ERROR);
    expect(wrongVersion.status?.error_msgs?.[0]).toContain('failed to get binlog info');
    expect(wrongVersion.status?.error_msgs?.[0]).toContain('404');
    const missing = await be.ingest_binlog({ ...first.req, local_tablet_id: 987654n }, signal);
    expect(missing.status).toEqual({ status_code: StatusCode.TABLET_MISSING, error_msgs: ['tablet 987654 not found'] });
    const noTxn = await be.ingest_binlog({ ...first.req, txn_id: undefined }, signal);
    expect(noTxn.status).toEqual({ status_code: StatusCode.ANALYSIS_ERROR, error_msgs: ['txn_id is empty'] });
    const noLoadId = await be.ingest_binlog({ ...first.req, load_id: undefined }, signal);
    expect(noLoadId.status?.error_msgs).toEqual(['load_id is empty']);
    dest.env.model.system.setBeConfig('enable_feature_binlog', 'false');
    const off = await be.ingest_binlog(first.req, signal);
    expect(off.status).toEqual({ status_code: StatusCode.RUNTIME_ERROR, error_msgs: ['enable feature binlog is false'] });
    dest.env.model.system.setBeConfig('enable_feature_binlog', 'true');
    src.env.model.system.setBeConfig('enable_feature_binlog', 'false');
    const srcOff = await be.ingest_binlog(first.req, signal);
    expect(srcOff.status?.status_code).toBe(StatusCode.HTTP_ERROR);
    expect(srcOff.status?.error_msgs?.[0]).toContain('500');
  });

  it('refuses a transaction that is not prepared', async () => {
    const { src, dest, version, partitionName } = await pair();
    const dt = olap(dest, 't');
    const begin = await dest.fe.beginTxn({ ...ROOT, db: 'db', table_ids: [dt.id], label: 'ccrj-3' }, signal);
    await dest.fe.rollbackTxn({ ...ROOT, db: 'db', txn_id: begin.txn_id }, signal);
    const [first] = ingestRequests(src, dest, partitionName, version, begin.txn_id ?? 0n);
    if (!first) throw new Error('no request');
    const r = await dest.be(first.be).ingest_binlog(first.req, signal);
    expect(r.status?.status_code).toBe(StatusCode.INTERNAL_ERROR);
    expect(r.status?.error_msgs?.[0]).toContain('prepare txn failed');
  });
});
