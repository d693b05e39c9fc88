import { describe, expect, it } from 'vitest';
import { BinlogType, StatusCode } from '../../doris/types.js';
import { DorisError } from './errors.js';
import { col, tableDef, testModel } from './fixtures.js';
import type { OlapTableState } from './state.js';
import { DEFAULT_TXN_TIMEOUT_MS, type TabletCommitInfo } from './transactions.js';

function setup(replicationNum = 3) {
  const { model, clock } = testModel({ backends: 3 });
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
  const table = model.ddl.createTable(
    'ccr',
    tableDef({
      name: 't1',
      keys: [col('k1', 'INT')],
      values: [col('v', 'INT')],
      distribution: { type: 'HASH', columns: ['k1'], buckets: 2 },
      properties: { replication_num: String(replicationNum) },
    }),
  );
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  return { model, clock, db, table };
}

function begin(model: ReturnType<typeof setup>['model'], dbId: bigint, tableId: bigint, label: string) {
  return model.txns.begin({ dbId, label, tableIds: [tableId], sourceType: 'BACKEND_STREAMING', coordinator: 'BE: 127.0.0.1', timeoutMs: DEFAULT_TXN_TIMEOUT_MS });
}

/** Stages one row per tablet on the chosen replicas, the way ingest_binlog does per replica. */
function ingest(model: ReturnType<typeof setup>['model'], table: OlapTableState, txnId: bigint, replicas: number): TabletCommitInfo[] {
  const infos: TabletCommitInfo[] = [];
  const p = [...table.partitions.values()][0];
  if (!p) throw new Error('no partition');
  (p.tablets.get(table.baseIndexId) ?? []).forEach((tabletId, i) => {
    for (const r of model.storage.tablet(tabletId)?.replicas.slice(0, replicas) ?? []) {
      model.storage.stageIngested({ txnId, partitionId: p.id, tabletId, backendId: r.backendId, data: { columnUids: [0, 1], rows: [[i, i * 10]] } });
      infos.push({ tabletId, backendId: r.backendId });
    }
  });
  return infos;
}

function errorOf(fn: () => unknown): DorisError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DorisError) return e;
    throw e;
  }
  throw new Error('expected a DorisError');
}

describe('transactions driven like the syncer drives them', () => {
  it('begin → ingest on every replica → commit makes the data visible and logs an UPSERT', () => {
    const { model, db, table } = setup();
    const txn = begin(model, db.id, table.id, 'ccrj-1');
    const infos = ingest(model, table, txn.id, 3);
    expect(model.scan('ccr', 't1').rows).toEqual([]);
    expect(model.txns.commit(db.id, txn.id, infos)).toEqual({ visible: true });
    expect(model.scan('ccr', 't1').rows.sort()).toEqual([[0, 0], [1, 10]]);
    expect(model.show.transaction('ccr', txn.id).rows[0]?.[3]).toBe('VISIBLE');
    const last = model.binlogs.list(db.id).at(-1);
    expect(last?.type).toBe(BinlogType.UPSERT);
    expect(last?.commit_seq).toBe(txn.commitSeq);
  });

  it('refuses a label in use by a non-aborted transaction, with the job status', () => {
    const { model, db, table } = setup();
    const t = begin(model, db.id, table.id, 'L');
    const e = errorOf(() => begin(model, db.id, table.id, 'L'));
    expect(e.status).toBe(StatusCode.LABEL_ALREADY_EXISTS);
    expect(e.jobStatus).toBe('RUNNING');
    expect(e.message).toBe(`errCode = 2, detailMessage = Label [L] has already been used, relate to txn [${t.id}]`);
    model.txns.commit(db.id, t.id, ingest(model, table, t.id, 3));
    expect(errorOf(() => begin(model, db.id, table.id, 'L')).jobStatus).toBe('FINISHED');
    const t2 = begin(model, db.id, table.id, 'M');
    model.txns.abort(db.id, t2.id, 'user cancel');
    expect(begin(model, db.id, table.id, 'M').label).toBe('M');
  });

  it('checks table ids at begin', () => {
    const { model, db } = setup();
    expect(() => begin(model, db.id, 424242n, 'x')).toThrow("can't find table id: 424242 in db: ccr");
  });

  it('requires a quorum of replicas per tablet and repairs the lagging replica later', () => {
    const { model, db, table } = setup(3);
    const t1 = begin(model, db.id, table.id, 'a');
    const e = errorOf(() => model.txns.commit(db.id, t1.id, ingest(model, table, t1.id, 1)));
    expect(e.message).toMatch(/Failed to commit txn \d+\. Tablet \[\d+\] success replica num 1 < quorum replica num 2 while error backends/);
    const t2 = begin(model, db.id, table.id, 'b');
    expect(model.txns.commit(db.id, t2.id, ingest(model, table, t2.id, 2)).visible).toBe(true);
    const tabletId = [...table.partitions.values()][0]?.tablets.get(table.baseIndexId)?.[0] ?? 0n;
    const replicas = model.storage.tablet(tabletId)?.replicas ?? [];
    expect(replicas.map((r) => r.version)).toEqual([2n, 2n, 1n]);
    expect(replicas[2]?.lastFailedVersion).toBe(2n);
    const meta = model.meta.getMeta({ id: db.id, tables: [{ id: table.id }] });
    expect(meta.db_meta?.tables?.[0]?.partitions?.[0]?.indexes?.[0]?.tablets?.[0]?.replicas?.map((r) => r.version)).toEqual([2n, 2n, 1n]);
    model.advance();
    expect(replicas.map((r) => r.version)).toEqual([2n, 2n, 2n]);
  });

  it('refuses a commit without data: "all partitions have no load data"', () => {
    const { model, db, table } = setup();
    const t = begin(model, db.id, table.id, 'a');
    expect(() => model.txns.commit(db.id, t.id, [])).toThrow('all partitions have no load data');
  });

  it('with publishing held: commit succeeds but stays COMMITTED until released, in version order', () => {
    const { model, db, table } = setup();
    model.setPublishHold(true);
    const a = begin(model, db.id, table.id, 'a');
    expect(model.txns.commit(db.id, a.id, ingest(model, table, a.id, 3))).toEqual({ visible: false });
    const b = begin(model, db.id, table.id, 'b');
    expect(model.txns.commit(db.id, b.id, ingest(model, table, b.id, 3))).toEqual({ visible: false });
    expect(model.show.transaction('ccr', a.id).rows[0]?.[3]).toBe('COMMITTED');
    expect(model.txns.commit(db.id, a.id, [])).toEqual({ visible: false });
    expect(() => model.txns.abort(db.id, a.id, 'x')).toThrow(`transaction [${a.id}] is already COMMITTED, could not abort.`);
    expect(model.binlogs.list(db.id).filter((x) => x.type === BinlogType.UPSERT)).toHaveLength(0);
    model.setPublishHold(false);
    expect(model.show.transaction('ccr', b.id).rows[0]?.[3]).toBe('VISIBLE');
    expect(model.txns.commit(db.id, a.id, [])).toEqual({ visible: true });
    const p = [...table.partitions.values()][0];
    expect(a.partitionVersions.get(p?.id ?? 0n)?.version).toBe(2n);
    expect(b.partitionVersions.get(p?.id ?? 0n)?.version).toBe(3n);
    expect(p?.visibleVersion).toBe(3n);
    const upserts = model.binlogs.list(db.id).filter((x) => x.type === BinlogType.UPSERT);
    expect(upserts.map((u) => (JSON.parse(u.data ?? '{}') as { txnId: number }).txnId)).toEqual([Number(a.id), Number(b.id)]);
  });

  it('answers rollbacks with the messages the syncer matches', () => {
    const { model, db, table } = setup();
    expect(() => model.txns.abort(db.id, 999999n, 'x')).toThrow('transaction [999999] not found');
    const t = begin(model, db.id, table.id, 'a');
    model.txns.abort(db.id, t.id, 'system cancel');
    expect(() => model.txns.abort(db.id, t.id, 'again')).toThrow(`transaction [${t.id}] is already aborted. abort reason: system cancel`);
    expect(() => model.txns.commit(db.id, t.id, [])).toThrow(/is already aborted/);
    const v = begin(model, db.id, table.id, 'b');
    model.txns.commit(db.id, v.id, ingest(model, table, v.id, 3));
    expect(() => model.txns.abort(db.id, v.id, 'x')).toThrow(`transaction [${v.id}] is already VISIBLE, could not abort.`);
    expect(model.show.transaction('ccr', t.id).rows[0]).toEqual(expect.arrayContaining(['ABORTED', 'system cancel']));
    expect(model.show.transactionByLabel('ccr', 'b').rows[0]?.[0]).toBe(v.id.toString());
    expect(model.txns.statusOf(db.id, v.id)).toBe('VISIBLE');
    expect(model.txns.statusOf(db.id, 4242n)).toBe('UNKNOWN');
    expect(() => model.show.transaction('ccr', 4242n)).toThrow('transaction with id 4242 does not exist');
  });

  it('aborts transactions past their timeout', () => {
    const { model, clock, db, table } = setup();
    const t = model.txns.begin({ dbId: db.id, label: 'x', tableIds: [table.id], sourceType: 'BACKEND_STREAMING', coordinator: 'BE: h', timeoutMs: 1000 });
    clock.advance(2000);
    model.advance();
    expect(t.status).toBe('ABORTED');
    expect(t.reason).toBe('timeout by txn manager');
  });

  it('rejects ingest into a tablet the backend does not hold, or with the BE binlog feature off', () => {
    const { model, db, table } = setup();
    const t = begin(model, db.id, table.id, 'a');
    const bad = errorOf(() =>
      model.storage.stageIngested({ txnId: t.id, partitionId: 0n, tabletId: 123n, backendId: 1n, data: { columnUids: [], rows: [] } }),
    );
    expect(bad.status).toBe(StatusCode.TABLET_MISSING);
    expect(bad.detail).toBe('tablet 123 not found');
    model.system.setBeConfig('enable_feature_binlog', 'false');
    const off = errorOf(() => ingest(model, table, t.id, 1));
    expect(off.status).toBe(StatusCode.RUNTIME_ERROR);
    expect(off.detail).toBe('enable feature binlog is false');
  });

  it('serves the rowset a load wrote at a version for download by another cluster', () => {
    const { model, table } = setup();
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 10], [2, 20], [3, 30]] });
    const p = [...table.partitions.values()][0];
    const tablets = p?.tablets.get(table.baseIndexId) ?? [];
    let rows = 0;
    for (const tabletId of tablets) {
      for (const r of model.storage.tablet(tabletId)?.replicas ?? []) {
        const rs = model.storage.getBinlogRowset(tabletId, r.backendId, 2n);
        expect(rs?.version).toBe(2n);
        if (r === model.storage.tablet(tabletId)?.replicas[0]) rows += rs?.rows.length ?? 0;
      }
      expect(model.storage.getBinlogRowset(tabletId, model.storage.tablet(tabletId)?.replicas[0]?.backendId ?? 0n, 3n)).toBeUndefined();
    }
    expect(rows).toBe(3);
  });
});
