import { describe, expect, it } from 'vitest';
import { BinlogType, StatusCode } from '../../doris/types.js';
import { ClusterModel } from './cluster-model.js';
import { col, tableDef, testModel, TestClock } from './fixtures.js';
import { rowsetData } from './storage-service.js';
import { tableDefOf } from './table-def.js';

const ranged = (name: string, buckets = 3, replication = '2') =>
  tableDef({
    name,
    keys: [col('k', 'INT')],
    values: [col('v', 'VARCHAR')],
    partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [100] }, { name: 'p2', upper: [200] }] },
    distribution: { type: 'HASH', columns: ['k'], buckets },
    properties: { replication_num: replication },
  });

describe('ids', () => {
  it('draws catalog ids from one allocator near 10000, tablets in bucket order with their replicas', () => {
    const { model } = testModel({ backends: 3 });
    const backendIds = [...model.state.backends.keys()];
    expect(backendIds).toEqual([10000n, 10001n, 10002n]);
    const db = model.ddl.createDatabase('ccr');
    expect(db.id).toBe(10004n);
    const t = model.ddl.createTable('ccr', ranged('t', 3, '2'));
    expect(t.id).toBe(10005n);
    expect(t.baseIndexId).toBe(10006n);
    const p1 = [...t.partitions.values()][0];
    expect(p1?.id).toBe(10007n);
    // each tablet id is followed by its two replica ids
    expect(p1?.tablets.get(t.baseIndexId)).toEqual([10008n, 10011n, 10014n]);
    expect(model.storage.tablet(10008n)?.replicas.map((r) => r.id)).toEqual([10009n, 10010n]);
    // replicas are placed round-robin over the alive backends
    expect([10008n, 10011n, 10014n].map((id) => model.storage.tablet(id)?.replicas.map((r) => r.backendId))).toEqual([
      [10000n, 10001n],
      [10001n, 10002n],
      [10002n, 10000n],
    ]);
  });
});

describe('getMeta / getBackendMeta', () => {
  it('returns the db, requested tables, partitions with range and version, indexes, tablets and replicas', () => {
    const { model } = testModel();
    const db = model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
    const t = model.ddl.createTable('ccr', ranged('t'));
    model.ddl.createTable('ccr', ranged('u'));
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 'a']] });
    const r = model.meta.getMeta({ id: db.id, tables: [{ id: t.id }, { id: 123n }] });
    expect(r.status).toEqual({ status_code: StatusCode.OK });
    expect(r.db_meta?.tables?.map((x) => x.name)).toEqual(['t']);
    const parts = r.db_meta?.tables?.[0]?.partitions ?? [];
    expect(parts.map((p) => [p.name, p.visible_version, p.is_temp, p.range])).toEqual([
      ['p1', 2n, false, '[types: [INT]; keys: [-2147483648]; ..types: [INT]; keys: [100]; )'],
      ['p2', 1n, false, '[types: [INT]; keys: [100]; ..types: [INT]; keys: [200]; )'],
    ]);
    const tablets = parts[0]?.indexes?.[0]?.tablets ?? [];
    const ids = tablets.map((x) => x.id ?? 0n);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(tablets[0]?.replicas?.[0]).toMatchObject({ version: 2n });
    expect(model.meta.getMeta({ name: 'ccr' }).db_meta?.tables).toHaveLength(2);
    expect(model.meta.getMeta({ name: 'missing' })).toEqual({ status: { status_code: StatusCode.OK } });
  });

  it('lists every backend with its ports and alive flag', () => {
    const { model } = testModel({ backends: 2 });
    const id = [...model.state.backends.keys()][1] ?? 0n;
    model.system.setBackendAlive(id, false);
    expect(model.meta.getBackendMeta().backends).toEqual([
      { host: '127.0.0.1', be_port: 9060, http_port: 8040, brpc_port: 8060, is_alive: true, id: 10000n },
      { host: '127.0.0.1', be_port: 9160, http_port: 8140, brpc_port: 8160, is_alive: false, id: 10001n },
    ]);
  });
});

describe('backend liveness', () => {
  it('places no replicas on dead backends and fails when too few are alive', () => {
    const { model } = testModel({ backends: 3 });
    model.ddl.createDatabase('ccr');
    const dead = [...model.state.backends.keys()][0] ?? 0n;
    model.system.setBackendAlive(dead, false);
    const t = model.ddl.createTable('ccr', ranged('t', 2, '2'));
    for (const p of t.partitions.values()) {
      for (const id of p.tablets.get(t.baseIndexId) ?? []) {
        expect(model.storage.tablet(id)?.replicas.map((r) => r.backendId)).not.toContain(dead);
      }
    }
    expect(() => model.ddl.createTable('ccr', ranged('u', 1, '3'))).toThrow(/Failed to find enough backend/);
  });

  it('loads skip replicas on dead backends, reads use the alive ones, repair catches up after revival', () => {
    const { model } = testModel({ backends: 3 });
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', ranged('t', 1, '3'));
    const down = [...model.state.backends.keys()][2] ?? 0n;
    model.system.setBackendAlive(down, false);
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 'a']] });
    expect(model.scan('ccr', 't').rows).toEqual([[1, 'a']]);
    const tabletId = [...t.partitions.values()][0]?.tablets.get(t.baseIndexId)?.[0] ?? 0n;
    const lagging = model.storage.tablet(tabletId)?.replicas.find((r) => r.backendId === down);
    expect(lagging?.version).toBe(1n);
    model.system.setBackendAlive(down, true);
    model.advance();
    expect(lagging?.version).toBe(2n);
    for (const b of model.state.backends.keys()) if (b !== down) model.system.setBackendAlive(b, false);
    expect(model.scan('ccr', 't').rows).toEqual([[1, 'a']]);
  });

  it('switches the master FE', () => {
    const { model } = testModel({ frontends: [{}, { host: '127.0.0.2' }] });
    const [a, b] = model.system.frontends();
    expect(model.system.master()?.name).toBe(a?.name);
    model.system.setMaster(b?.name);
    expect(model.system.master()?.host).toBe('127.0.0.2');
    model.system.setMaster(undefined);
    expect(model.system.master()).toBeUndefined();
  });
});

describe('snapshots', () => {
  it('round-trips the whole state and keeps behaving the same', () => {
    const clock = new TestClock();
    const model = new ClusterModel({ clock: clock.now, backends: 3 });
    const db = model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
    model.ddl.createTable('ccr', ranged('t'));
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 'a'], [150, 'b']] });
    model.ddl.addColumns('ccr', 't', [{ column: col('c', 'BIGINT') }]);
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[2, 'c', 9007199254740993n]] });
    const copy = ClusterModel.fromJSON(model.toJSON(), { clock: clock.now });
    expect(copy.scan('ccr', 't')).toEqual(model.scan('ccr', 't'));
    expect(copy.binlogs.list(db.id)).toEqual(model.binlogs.list(db.id));
    expect(copy.nextCommitSeq()).toBe(model.nextCommitSeq());
    // shared objects are re-linked: the table's columns are its base index's
    const t = copy.catalog.table('ccr', 't');
    expect(t?.kind === 'OLAP' && t.columns === t.indexes.get(t.baseIndexId)?.columns).toBe(true);
    copy.loads.load('ccr', 't', { kind: 'rows', rows: [[3, 'd', 1n]] });
    copy.binlogs.gcBefore(copy.nextCommitSeq());
    expect(copy.binlogs.list(db.id).map((b) => b.type)).toEqual([BinlogType.DUMMY]);
    expect(copy.scan('ccr', 't').rows).toHaveLength(4);
  });
});

describe('performance', () => {
  it('loads 200k rows in batches and scans them back roughly linearly', () => {
    const { model } = testModel({ backends: 3 });
    model.ddl.createDatabase('bench');
    model.ddl.createTable(
      'bench',
      tableDef({
        name: 'big',
        keysType: 'UNIQUE_KEYS',
        keys: [col('id', 'BIGINT', { nullable: false })],
        values: [col('name', 'VARCHAR'), col('score', 'INT')],
        distribution: { type: 'HASH', columns: ['id'], buckets: 8 },
        properties: { replication_num: '3' },
      }),
    );
    const started = performance.now();
    for (let b = 0; b < 20; b++) {
      const rows = Array.from({ length: 10_000 }, (_, i) => [BigInt(b * 10_000 + i), `n${i}`, i]);
      model.loads.load('bench', 'big', { kind: 'rows', rows }, { sourceType: 'BACKEND_STREAMING' });
    }
    const loaded = performance.now();
    expect(model.scan('bench', 'big').rows).toHaveLength(200_000);
    const scanned = performance.now();
    expect(loaded - started).toBeLessThan(15_000);
    expect(scanned - loaded).toBeLessThan(10_000);
  });
});

describe('recreating a table from its definition (restore)', () => {
  it('keeps column unique ids, so rowsets of the original table read correctly after a light schema change history', () => {
    const src = testModel().model;
    src.ddl.createDatabase('ccr');
    src.ddl.createTable('ccr', tableDef({ name: 't', keys: [col('k', 'INT')], values: [col('a', 'INT'), col('b', 'INT')] }));
    src.ddl.dropColumns('ccr', 't', ['a']);
    src.ddl.addColumns('ccr', 't', [{ column: col('c', 'VARCHAR') }]);
    src.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 2, 'x']] });
    const t = src.catalog.table('ccr', 't');
    if (t?.kind !== 'OLAP') throw new Error('no table');
    expect(t.columns.map((c) => c.uniqueId)).toEqual([0, 2, 3]);
    const dest = testModel().model;
    dest.ddl.createDatabase('ccr');
    const copy = dest.ddl.createTable('ccr', tableDefOf(t));
    expect(copy.columns.map((c) => c.uniqueId)).toEqual([0, 2, 3]);
    // ship the source's rowset the way ingest_binlog does and read it back on the copy
    const srcTablet = [...t.partitions.values()][0]?.tablets.get(t.baseIndexId)?.[0] ?? 0n;
    const srcBackend = src.storage.tablet(srcTablet)?.replicas[0]?.backendId ?? 0n;
    const rs = src.storage.getBinlogRowset(srcTablet, srcBackend, 2n);
    if (!rs) throw new Error('no rowset');
    const p = [...copy.partitions.values()][0];
    const destTablet = p?.tablets.get(copy.baseIndexId)?.[0] ?? 0n;
    const db = dest.catalog.database('ccr');
    const txn = dest.txns.begin({ dbId: db?.id ?? 0n, label: 'x', tableIds: [copy.id], sourceType: 'BACKEND_STREAMING', coordinator: 'BE: h', timeoutMs: 60_000 });
    const infos = (dest.storage.tablet(destTablet)?.replicas ?? []).map((r) => {
      dest.storage.stageIngested({ txnId: txn.id, partitionId: p?.id ?? 0n, tabletId: destTablet, backendId: r.backendId, data: rowsetData(rs) });
      return { tabletId: destTablet, backendId: r.backendId };
    });
    dest.txns.commit(db?.id ?? 0n, txn.id, infos);
    expect(dest.scan('ccr', 't').rows).toEqual([[1, 2, 'x']]);
  });
});
