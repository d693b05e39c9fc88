import { describe, expect, it } from 'vitest';
import { BinlogType, StatusCode } from '../../doris/types.js';
import { col, tableDef, testModel } from './fixtures.js';

function setup(dbProps: Record<string, string>) {
  const { model, clock } = testModel();
  model.ddl.createDatabase('ccr', { properties: dbProps });
  const table = model.ddl.createTable(
    'ccr',
    tableDef({ name: 't1', keys: [col('k1', 'INT')], values: [col('v', 'INT')], properties: { replication_num: '1', 'binlog.enable': 'true' } }),
  );
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  const load = (k: number): void => void model.loads.load('ccr', 't1', { kind: 'rows', rows: [[k, k]] });
  return { model, clock, db, table, load };
}

describe('binlog GC with the database binlog enabled', () => {
  it('expires by ttl_seconds and advances the DUMMY to the last removed entry', () => {
    const { model, clock, db, table, load } = setup({ 'binlog.enable': 'true', 'binlog.ttl_seconds': '60' });
    load(1);
    const before = model.binlogs.list(db.id).map((b) => b.commit_seq ?? 0n);
    clock.advance(120_000);
    load(2);
    model.binlogs.gc();
    const after = model.binlogs.list(db.id);
    expect(after[0]).toMatchObject({ type: BinlogType.DUMMY, commit_seq: before[2] });
    expect(after.slice(1).map((b) => b.type)).toEqual([BinlogType.UPSERT]);
    // the table list follows by commit seq
    const tl = model.binlogs.list(db.id, table.id);
    expect(tl[0]?.commit_seq).toBe(before[2]);
    expect(tl).toHaveLength(2);
    // a cursor at or after the DUMMY is fine, older is TOO_OLD
    expect(model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: before[2] }).status?.status_code).toBe(StatusCode.OK);
    const old = model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: before[1] });
    expect(old.status?.status_code).toBe(StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ);
    expect(old.binlogs?.[0]).toMatchObject({ type: BinlogType.DUMMY, commit_seq: before[2] });
  });

  it('expires by max_history_nums (the DUMMY counts) and by max_bytes', () => {
    const { model, db, load } = setup({ 'binlog.enable': 'true', 'binlog.max_history_nums': '3' });
    for (let i = 0; i < 5; i++) load(i);
    model.binlogs.gc();
    expect(model.binlogs.list(db.id)).toHaveLength(3);
    model.ddl.alterDatabaseProperties('ccr', { 'binlog.max_history_nums': '1000', 'binlog.max_bytes': '1' });
    model.binlogs.gc();
    // everything but the DUMMY goes when a single entry exceeds max_bytes
    expect(model.binlogs.list(db.id)).toHaveLength(1);
  });

  it('uses locks to expire everything before the oldest locked seq, and drops passed locks', () => {
    const { model, db, load } = setup({ 'binlog.enable': 'true' });
    load(1);
    load(2);
    const seqs = model.binlogs.list(db.id).map((b) => b.commit_seq ?? 0n);
    model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'job', lock_commit_seq: seqs[3] });
    model.binlogs.gc();
    const left = model.binlogs.list(db.id);
    expect(left[0]?.commit_seq).toBe(seqs[2]);
    expect(left.slice(1).map((b) => b.commit_seq)).toEqual([seqs[3]]);
    // the lock is still held: re-locking lower returns it
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'job', lock_commit_seq: 0n }).locked_commit_seq).toBe(seqs[3]);
  });

  it('keeps dropped partitions in getMeta until GC passes their drop seq', () => {
    const { model, db } = setup({ 'binlog.enable': 'true', 'binlog.ttl_seconds': '1' });
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'tp',
        keys: [col('k', 'INT')],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
        properties: { replication_num: '1', 'binlog.enable': 'true' },
      }),
    );
    const p1 = model.catalog.table('ccr', 'tp');
    const pid = p1?.kind === 'OLAP' ? [...p1.partitions.values()].find((p) => p.name === 'p1')?.id : undefined;
    model.ddl.dropPartition('ccr', 'tp', 'p1');
    const meta = model.meta.getMeta({ id: db.id });
    expect(meta.db_meta?.dropped_partitions).toEqual([pid]);
    expect(Object.keys(meta.db_meta?.dropped_partition_map ?? {})).toEqual([String(pid)]);
    // GC up to the drop itself keeps it (Doris removes entries whose seq is strictly older)
    const dropSeq = model.binlogs.list(db.id).find((b) => b.type === BinlogType.DROP_PARTITION)?.commit_seq ?? 0n;
    model.binlogs.gcBefore(dropSeq);
    expect(model.meta.getMeta({ id: db.id }).db_meta?.dropped_partitions).toEqual([pid]);
    model.loads.load('ccr', 'tp', { kind: 'rows', rows: [[15]] });
    model.binlogs.gcBefore(model.nextCommitSeq());
    expect(model.meta.getMeta({ id: db.id }).db_meta?.dropped_partitions).toEqual([]);
  });

  it('gcBefore removes old entries everywhere and stops the BE from serving their rowset binlogs', () => {
    const { model, db, table, load } = setup({ 'binlog.enable': 'true' });
    load(1);
    const upsert = model.binlogs.list(db.id).find((b) => b.type === BinlogType.UPSERT);
    const p = [...table.partitions.values()][0];
    const tabletId = p?.tablets.get(table.baseIndexId)?.[0] ?? 0n;
    const backendId = model.storage.tablet(tabletId)?.replicas[0]?.backendId ?? 0n;
    expect(model.storage.getBinlogRowset(tabletId, backendId, 2n)?.rows).toEqual([[1, 1]]);
    model.binlogs.gcBefore(upsert?.commit_seq ?? 0n);
    expect(model.binlogs.list(db.id)[0]?.commit_seq).toBe(upsert?.commit_seq);
    expect(model.storage.getBinlogRowset(tabletId, backendId, 2n)).toBeUndefined();
    // the data itself stays readable
    expect(model.scan('ccr', 't1').rows).toEqual([[1, 1]]);
  });
});

describe('binlog GC with the database binlog disabled', () => {
  it('collects each table list by its own config and drops db entries no table list holds', () => {
    const { model, clock, db, table, load } = setup({});
    model.ddl.setTableProperties('ccr', 't1', { 'binlog.ttl_seconds': '60' });
    load(1);
    clock.advance(120_000);
    load(2);
    model.binlogs.gc();
    const tl = model.binlogs.list(db.id, table.id);
    expect(tl.slice(1).map((b) => b.type)).toEqual([BinlogType.UPSERT]);
    // the CREATE_TABLE (never in a table list) and the expired upsert left the db list
    const types = model.binlogs.list(db.id).map((b) => b.type);
    expect(types).not.toContain(BinlogType.CREATE_TABLE);
    expect(types.filter((t) => t === BinlogType.UPSERT)).toHaveLength(1);
  });
});
