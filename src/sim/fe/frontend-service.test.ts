import { afterEach, describe, expect, it } from 'vitest';
import { FeClient } from '../../doris/fe-client.js';
import { ThriftClient } from '../../doris/thrift/client.js';
import { FRONTEND_CODECS } from '../../doris/thrift/codec.js';
import { BinlogType, SnapshotType, StatusCode } from '../../doris/types.js';
import { createBinlogTable, ROOT, testCluster, type TestCluster } from '../env.test-helpers.js';

const signal = new AbortController().signal;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rawClient(port: number): ThriftClient {
  const client = new ThriftClient({ host: '127.0.0.1', port }, { callTimeoutMs: 5_000 });
  cleanups.push(() => client.close());
  return client;
}

/** Stages `rows` on every replica of every tablet of the table's first partition (as ingest_binlog would). */
function stagePartition(c: TestCluster, db: string, table: string, txnId: bigint, rows: (number | string)[][]): { tabletId: bigint; backendId: bigint }[] {
  const t = c.env.model.catalog.table(db, table);
  if (t?.kind !== 'OLAP') throw new Error('no table');
  const p = [...t.partitions.values()][0];
  const infos: { tabletId: bigint; backendId: bigint }[] = [];
  for (const tabletId of p?.tablets.get(t.baseIndexId) ?? []) {
    for (const r of c.env.model.storage.tablet(tabletId)?.replicas ?? []) {
      const data = tabletId === p?.tablets.get(t.baseIndexId)?.[0] ? rows : [];
      c.env.model.storage.stageIngested({ txnId, partitionId: p?.id ?? 0n, tabletId, backendId: r.backendId, data: { columnUids: [0, 1], rows: data } });
      infos.push({ tabletId, backendId: r.backendId });
    }
  }
  return infos;
}

describe('FrontendService: master handling', () => {
  it('answers NOT_MASTER with the master rpc address on a follower, and FeClient follows it', async () => {
    const c = await testCluster({ frontends: 2 });
    const [master, follower] = c.fes;
    const raw = rawClient(follower?.rpcPort ?? 0);
    const reply = await raw.call(FRONTEND_CODECS.getBinlog, { ...ROOT, db: 'x', prev_commit_seq: 0n }, signal);
    expect(reply.status).toEqual({ status_code: StatusCode.NOT_MASTER, error_msgs: ['FE is not master'] });
    expect(reply.master_address).toEqual({ hostname: '127.0.0.1', port: master?.rpcPort });

    const viaFollower = new FeClient({ frontends: [{ host: '127.0.0.1', port: follower?.rpcPort ?? 0 }] });
    cleanups.push(() => viaFollower.close());
    const token = await viaFollower.getMasterToken({ user: ROOT.user, password: ROOT.passwd }, signal);
    expect(token.status?.status_code).toBe(StatusCode.OK);
    expect(viaFollower.masterAddress).toBe(`127.0.0.1:${master?.rpcPort}`);
  });

  it('leaves master_address unset while no master is known, and redirects after a master switch', async () => {
    const c = await testCluster({ frontends: 2 });
    const [first, second] = c.fes;
    c.env.faults.clearMaster();
    const raw = rawClient(first?.rpcPort ?? 0);
    const none = await raw.call(FRONTEND_CODECS.getBackendMeta, { ...ROOT }, signal);
    expect(none.status.status_code).toBe(StatusCode.NOT_MASTER);
    expect(none.master_address).toBeUndefined();
    c.env.faults.switchMaster(second?.name);
    const moved = await raw.call(FRONTEND_CODECS.getBackendMeta, { ...ROOT }, signal);
    expect(moved.master_address).toEqual({ hostname: '127.0.0.1', port: second?.rpcPort });
    const ok = await c.fe.getBackendMeta({ ...ROOT }, signal);
    expect(ok.status.status_code).toBe(StatusCode.OK);
    expect(c.fe.masterAddress).toBe(`127.0.0.1:${second?.rpcPort}`);
  });
});

describe('FrontendService: authentication and required fields', () => {
  it('checks required fields in order and the password', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    expect((await c.fe.getBinlog({ user: 'root', db: 'db', prev_commit_seq: 0n }, signal)).status).toEqual({
      status_code: StatusCode.ANALYSIS_ERROR,
      error_msgs: ['errCode = 2, detailMessage = passwd is not set'],
    });
    expect((await c.fe.getBinlog({ ...ROOT, prev_commit_seq: 0n }, signal)).status?.error_msgs).toEqual(['errCode = 2, detailMessage = db is not set']);
    expect((await c.fe.getBinlog({ ...ROOT, db: 'db' }, signal)).status?.error_msgs).toEqual(['errCode = 2, detailMessage = prev_commit_seq is not set']);
    const denied = await c.fe.getBinlog({ user: 'root', passwd: 'wrong', db: 'db', prev_commit_seq: 0n }, signal);
    expect(denied.status?.status_code).toBe(StatusCode.ANALYSIS_ERROR);
    expect(denied.status?.error_msgs?.[0]).toMatch(/Access denied for user 'root'@'.*' \(using password: YES\)/);
  });

  it('getMasterToken: NOT_AUTHORIZED on a wrong password; the token then replaces the password', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    const bad = await c.fe.getMasterToken({ user: 'root', password: 'nope' }, signal);
    expect(bad.status?.status_code).toBe(StatusCode.NOT_AUTHORIZED);
    expect(bad.token).toBeUndefined();
    const good = await c.fe.getMasterToken({ user: 'root', password: ROOT.passwd }, signal);
    expect(good.token).toBe(c.env.clusterToken);
    const withToken = await c.fe.getBinlogLag({ user: 'root', passwd: 'irrelevant', token: good.token, db: 'db', prev_commit_seq: 0n }, signal);
    expect(withToken.status?.status_code).not.toBe(StatusCode.ANALYSIS_ERROR);
    const wrongToken = await c.fe.getBinlogLag({ user: 'root', passwd: ROOT.passwd, token: 'forged', db: 'db', prev_commit_seq: 0n }, signal);
    expect(wrongToken.status?.error_msgs?.[0]).toMatch(/Invalid token/);
  });
});

describe('FrontendService: transactions', () => {
  it('begins, rejects a used label with its job status, reuses a label after abort, commits visibly', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    const t = c.env.model.catalog.table('db', 't');
    const tableIds = [t?.id ?? 0n];
    const first = await c.fe.beginTxn({ ...ROOT, db: 'db', table_ids: tableIds, label: 'L1' }, signal);
    expect(first.status?.status_code).toBe(StatusCode.OK);
    expect(first.db_id).toBe(c.env.model.catalog.database('db')?.id);
    const dup = await c.fe.beginTxn({ ...ROOT, db: 'db', table_ids: tableIds, label: 'L1' }, signal);
    expect(dup.status).toEqual({
      status_code: StatusCode.LABEL_ALREADY_EXISTS,
      error_msgs: [`errCode = 2, detailMessage = Label [L1] has already been used, relate to txn [${first.txn_id}]`],
    });
    expect(dup.job_status).toBe('RUNNING');
    expect((await c.fe.rollbackTxn({ ...ROOT, db: 'db', txn_id: first.txn_id }, signal)).status?.status_code).toBe(StatusCode.OK);
    const again = await c.fe.rollbackTxn({ ...ROOT, db: 'db', txn_id: first.txn_id }, signal);
    expect(again.status?.error_msgs?.[0]).toContain(`transaction [${first.txn_id}] is already aborted`);
    const reused = await c.fe.beginTxn({ ...ROOT, db: 'db', table_ids: tableIds, label: 'L1' }, signal);
    expect(reused.status?.status_code).toBe(StatusCode.OK);

    const missing = await c.fe.beginTxn({ ...ROOT, db: 'db', table_ids: [999n], label: 'L2' }, signal);
    expect(missing.status?.error_msgs?.[0]).toBe("errCode = 2, detailMessage = can't find table id: 999 in db: db");
    const noDb = await c.fe.beginTxn({ ...ROOT, db: 'nope', table_ids: tableIds, label: 'L2' }, signal);
    expect(noDb.status?.error_msgs?.[0]).toBe('errCode = 2, detailMessage = unknown database, database=nope');

    const infos = stagePartition(c, 'db', 't', reused.txn_id ?? 0n, [[1, 'a']]);
    const committed = await c.fe.commitTxn({ ...ROOT, db: 'db', txn_id: reused.txn_id, commit_infos: infos }, signal);
    expect(committed.status).toEqual({ status_code: StatusCode.OK });
    const noAbort = await c.fe.rollbackTxn({ ...ROOT, db: 'db', txn_id: reused.txn_id }, signal);
    expect(noAbort.status?.error_msgs?.[0]).toBe(`errCode = 2, detailMessage = transaction [${reused.txn_id}] is already VISIBLE, could not abort.`);
    const unknown = await c.fe.rollbackTxn({ ...ROOT, db: 'db', txn_id: 123456789n }, signal);
    expect(unknown.status?.error_msgs?.[0]).toBe('errCode = 2, detailMessage = transaction [123456789] not found');
    const binlogs = await c.fe.getBinlog({ ...ROOT, db: 'db', prev_commit_seq: 0n, num_acquired: 100n }, signal);
    expect(binlogs.binlogs?.some((b) => b.type === BinlogType.UPSERT)).toBe(true);

    // The debug record: every transaction call, its label and outcome, and the client it came from.
    const calls = c.env.txnCalls.list();
    expect(calls.map((x) => [x.method, x.label, x.txnId, x.outcome])).toEqual([
      ['beginTxn', 'L1', String(first.txn_id), 'OK'],
      ['beginTxn', 'L1', '', 'LABEL_ALREADY_EXISTS'],
      ['rollbackTxn', 'L1', String(first.txn_id), 'OK'],
      ['rollbackTxn', 'L1', String(first.txn_id), 'ANALYSIS_ERROR'],
      ['beginTxn', 'L1', String(reused.txn_id), 'OK'],
      ['beginTxn', 'L2', '', 'ANALYSIS_ERROR'],
      ['beginTxn', 'L2', '', 'ANALYSIS_ERROR'],
      ['commitTxn', 'L1', String(reused.txn_id), 'OK'],
      ['rollbackTxn', 'L1', String(reused.txn_id), 'ANALYSIS_ERROR'],
      ['rollbackTxn', '', '123456789', 'ANALYSIS_ERROR'],
    ]);
    expect(new Set(calls.map((x) => x.peer)).size).toBe(1);
    expect(calls[0]?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(calls[0]).toMatchObject({ db: 'db', fe: c.fes[0]?.name });
  });

  it('commitTxn answers PUBLISH_TIMEOUT while publish is held; the data becomes visible when released', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't', { properties: { replication_num: '1', 'binlog.enable': 'true' } });
    const t = c.env.model.catalog.table('db', 't');
    const begin = await c.fe.beginTxn({ ...ROOT, db: 'db', table_ids: [t?.id ?? 0n], label: 'held' }, signal);
    const infos = stagePartition(c, 'db', 't', begin.txn_id ?? 0n, [[5, 'x']]);
    c.env.faults.holdPublish(true);
    const r = await c.fe.commitTxn({ ...ROOT, db: 'db', txn_id: begin.txn_id, commit_infos: infos }, signal);
    expect(r.status).toEqual({ status_code: StatusCode.PUBLISH_TIMEOUT, error_msgs: ['transaction commit successfully, BUT data will be visible later'] });
    expect(c.env.model.txns.get(begin.txn_id ?? 0n)?.status).toBe('COMMITTED');
    expect(c.env.model.scan('db', 't').rows).toEqual([]);
    c.env.faults.holdPublish(false);
    expect(c.env.model.txns.get(begin.txn_id ?? 0n)?.status).toBe('VISIBLE');
    expect(c.env.model.scan('db', 't').rows).toEqual([[5, 'x']]);
  });
});

describe('FrontendService: binlogs and metadata', () => {
  it('getBinlog / getBinlogLag / lockBinlog delegate to the binlog manager', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a']] });
    const r = await c.fe.getBinlog({ ...ROOT, db: 'db', table: 't', prev_commit_seq: 0n }, signal);
    expect(r.status?.status_code).toBe(StatusCode.OK);
    expect(r.binlogs?.[0]?.type).toBe(BinlogType.UPSERT);
    const lag = await c.fe.getBinlogLag({ ...ROOT, db: 'db', prev_commit_seq: 0n }, signal);
    expect(lag.lag).toBeGreaterThan(0n);
    const lock = await c.fe.lockBinlog({ ...ROOT, db: 'db', job_unique_id: 'job-1', lock_commit_seq: -1n }, signal);
    expect(lock.status?.status_code).toBe(StatusCode.OK);
    expect(lock.locked_commit_seq).toBe(r.binlogs?.[0]?.commit_seq);
  });

  it('getMeta: OK without db_meta for an unknown db, unknown tables dropped; getBackendMeta reports real ports', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    const none = await c.fe.getMeta({ ...ROOT, db: { name: 'missing' } }, signal);
    expect(none).toEqual({ status: { status_code: StatusCode.OK } });
    const t = c.env.model.catalog.table('db', 't');
    const meta = await c.fe.getMeta({ ...ROOT, db: { id: c.env.model.catalog.database('db')?.id, tables: [{ id: t?.id }, { id: 424242n }] } }, signal);
    expect(meta.db_meta?.tables?.map((x) => x.name)).toEqual(['t']);
    const withToken = await c.fe.getMeta({ ...ROOT, token: c.env.clusterToken, db: { name: 'db' } }, signal);
    expect(withToken.db_meta).toBeUndefined();
    const bm = await c.fe.getBackendMeta({ ...ROOT }, signal);
    expect(bm.backends?.map((b) => [b.id, b.be_port, b.http_port, b.is_alive])).toEqual(c.bes.map((b) => [b.id, b.bePort, b.httpPort, true]));
  });

  it('getSnapshot validates its request and reports a missing snapshot', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    const base = { ...ROOT, db: 'db', label_name: 'nope', snapshot_name: '', snapshot_type: SnapshotType.LOCAL };
    expect((await c.fe.getSnapshot({ ...base, snapshot_name: undefined }, signal)).status?.error_msgs).toEqual(['errCode = 2, detailMessage = snapshot_name is not set']);
    expect((await c.fe.getSnapshot({ ...base, snapshot_type: SnapshotType.REMOTE }, signal)).status?.error_msgs).toEqual(['errCode = 2, detailMessage = snapshot_type is not LOCAL']);
    expect((await c.fe.getSnapshot(base, signal)).status).toEqual({ status_code: StatusCode.SNAPSHOT_NOT_EXIST, error_msgs: ['snapshot nope not exist'] });
  });
});
