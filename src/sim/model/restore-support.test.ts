import { describe, expect, it } from 'vitest';
import { BinlogType } from '../../doris/types.js';
import { col, tableDef, testModel } from './fixtures.js';

const ranged = (name: string) =>
  tableDef({
    name,
    keys: [col('k', 'INT')],
    values: [col('v', 'VARCHAR')],
    partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [100] }] },
    properties: { replication_num: '1', 'binlog.enable': 'true' },
  });

describe('RestoreSupport', () => {
  it('creates tables and views without CREATE_TABLE binlogs, journaled, at the restored versions', () => {
    const { model } = testModel({ backends: 1 });
    const db = model.ddl.createDatabase('db', { properties: { 'binlog.enable': 'true' } });
    const seq = model.nextCommitSeq();
    const t = model.restore.createTable('db', ranged('t'), new Map([['p1', 7n]]));
    model.restore.createView('db', { name: 'v', query: 'SELECT 1', comment: '' }, []);
    expect(model.nextCommitSeq()).toBe(seq + 2n);
    expect(model.binlogs.list(db.id).filter((b) => b.type === BinlogType.CREATE_TABLE)).toEqual([]);
    const p = [...t.partitions.values()][0];
    expect([p?.visibleVersion, p?.nextVersion]).toEqual([7n, 8n]);
    const tablet = model.storage.tablet(p?.tablets.get(t.baseIndexId)?.[0] ?? 0n);
    expect(tablet?.replicas[0]?.version).toBe(7n);
    // A regular CREATE TABLE still logs its binlog.
    model.ddl.createTable('db', ranged('u'));
    expect(model.binlogs.list(db.id).filter((b) => b.type === BinlogType.CREATE_TABLE)).toHaveLength(1);
  });

  it('keeps the source partition name of an unpartitioned table restored under an alias', () => {
    const { model } = testModel({ backends: 1 });
    model.ddl.createDatabase('db');
    const plain = tableDef({ name: 't_alias', keys: [col('k', 'INT')], values: [], properties: { replication_num: '1' } });
    const t = model.restore.createTable('db', plain, new Map([['t', 3n]]));
    expect([...t.partitions.values()].map((p) => [p.name, p.visibleVersion])).toEqual([['t', 3n]]);
  });

  it('adds partitions checked against existing ranges, swaps a shadow table in, discards what a cancelled restore made', () => {
    const { model } = testModel({ backends: 1 });
    model.ddl.createDatabase('db');
    model.ddl.createTable('db', ranged('t'));
    const added = model.restore.addPartition('db', 't', { name: 'p2', lower: [100], upper: [200] }, { buckets: 1, replicationNum: 1, version: 3n });
    expect(added.visibleVersion).toBe(3n);
    expect(() => model.restore.addPartition('db', 't', { name: 'p3', lower: [150], upper: [250] }, { buckets: 1, replicationNum: 1, version: 1n })).toThrow(/intersected/);
    const shadow = model.restore.createTable('db', ranged('__shadow'), new Map());
    const swapped = model.restore.replaceTable('db', 't', '__shadow');
    expect(swapped.id).toBe(shadow.id);
    expect(model.catalog.table('db', 't')?.id).toBe(shadow.id);
    expect(swapped.indexes.get(swapped.baseIndexId)?.name).toBe('t');
    expect(model.catalog.table('db', '__shadow')).toBeUndefined();
    const extra = model.restore.addPartition('db', 't', { name: 'p9', lower: [300], upper: [400] }, { buckets: 1, replicationNum: 1, version: 1n });
    model.restore.discardPartition(swapped, extra.id);
    expect([...swapped.partitions.values()].map((p) => p.name)).toEqual(['p1']);
    model.restore.discardTable('db', 't');
    expect(model.catalog.table('db', 't')).toBeUndefined();
  });
});
