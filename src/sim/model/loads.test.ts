import { describe, expect, it } from 'vitest';
import { BinlogType } from '../../doris/types.js';
import type { PredicateCompiler } from './context.js';
import { col, tableDef, testModel } from './fixtures.js';
import type { Value } from './value.js';

/** A tiny predicate compiler for tests: "<column> <op> <integer>" with op in = < > <= >=. */
const compile: PredicateCompiler = (sql, columns) => {
  const m = /^\s*`?(\w+)`?\s*(<=|>=|=|<|>)\s*(-?\d+)\s*$/.exec(sql);
  if (!m) throw new Error(`unsupported predicate ${sql}`);
  const pos = columns.findIndex((c) => c.name === m[1]);
  if (pos < 0) throw new Error(`Unknown column '${m[1]}'`);
  const n = Number(m[3]);
  const op = m[2];
  return (row: Value[]) => {
    const v = Number(row[pos]);
    return op === '=' ? v === n : op === '<' ? v < n : op === '>' ? v > n : op === '<=' ? v <= n : v >= n;
  };
};

function setup() {
  const { model, clock } = testModel({ compilePredicate: compile });
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
  return { model, clock };
}

const sorted = (rows: Value[][]): Value[][] => [...rows].sort((a, b) => String(a).localeCompare(String(b)));

describe('sequence columns', () => {
  it('UNIQUE with function_column.sequence_col keeps the greatest sequence value per key, whatever the load order', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 's',
        keysType: 'UNIQUE_KEYS',
        keys: [col('k', 'INT')],
        values: [col('v', 'VARCHAR'), col('ts', 'INT')],
        properties: { replication_num: '1', 'function_column.sequence_col': 'ts' },
      }),
    );
    model.loads.load('ccr', 's', { kind: 'rows', rows: [[1, 'new', 5], [2, 'b', 1], [3, 'c', 2]] });
    model.loads.load('ccr', 's', { kind: 'rows', rows: [[1, 'old', 3], [2, 'b2', 1], [4, 'x', 9], [4, 'y', 8]] });
    // A delete with a smaller sequence value loses; one with a greater value wins.
    model.loads.load('ccr', 's', { kind: 'rows', rows: [[1, 'gone?', 4], [3, 'gone', 3]], deleteSign: [true, true] });
    expect(sorted(model.scan('ccr', 's').rows)).toEqual([[1, 'new', 5], [2, 'b2', 1], [4, 'x', 9]]);
    expect(model.show.createTable('ccr', 's').rows[0]?.[1]).toContain('"function_column.sequence_col" = "ts"');
  });
});

describe('AUTO_INCREMENT columns', () => {
  it('generate values for rows that omit the column or load NULL, from the start value on', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({ name: 'ai', keys: [col('id', 'BIGINT', { nullable: false, autoIncrement: true, autoIncrementStart: 100 })], values: [col('v', 'VARCHAR')] }),
    );
    model.loads.load('ccr', 'ai', { kind: 'rows', columns: ['v'], rows: [['a'], ['b']] });
    model.loads.load('ccr', 'ai', { kind: 'rows', rows: [[null, 'c'], [7n, 'given']] });
    expect(sorted(model.scan('ccr', 'ai').rows)).toEqual([[100n, 'a'], [101n, 'b'], [102n, 'c'], [7n, 'given']]);
    expect(model.show.createTable('ccr', 'ai').rows[0]?.[1]).toContain('`id` bigint NOT NULL AUTO_INCREMENT(100)');
  });
});

describe('read semantics by keys type', () => {
  it('DUPLICATE keeps every row', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', tableDef({ name: 'd', keys: [col('k', 'INT')], values: [col('v', 'INT')] }));
    model.loads.load('ccr', 'd', { kind: 'rows', rows: [[1, 1], [1, 1]] });
    model.loads.load('ccr', 'd', { kind: 'rows', rows: [[1, 2]] });
    expect(sorted(model.scan('ccr', 'd').rows)).toEqual([[1, 1], [1, 1], [1, 2]]);
  });

  it('UNIQUE keeps the last write per key and honours the delete sign', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', tableDef({ name: 'u', keysType: 'UNIQUE_KEYS', keys: [col('k', 'INT')], values: [col('v', 'VARCHAR')] }));
    model.loads.load('ccr', 'u', { kind: 'rows', rows: [[1, 'a'], [2, 'b'], [1, 'c']] });
    model.loads.load('ccr', 'u', { kind: 'rows', rows: [[2, 'x'], [3, 'y']], deleteSign: [true, false] });
    expect(sorted(model.scan('ccr', 'u').rows)).toEqual([[1, 'c'], [3, 'y']]);
  });

  it('AGGREGATE folds values per key with SUM/MAX/MIN/REPLACE/REPLACE_IF_NOT_NULL', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'a',
        keysType: 'AGG_KEYS',
        keys: [col('k', 'INT')],
        values: [
          col('s', 'BIGINT', { aggregate: 'SUM' }),
          col('mx', 'INT', { aggregate: 'MAX' }),
          col('mn', 'INT', { aggregate: 'MIN' }),
          col('r', 'VARCHAR', { aggregate: 'REPLACE' }),
          col('rn', 'VARCHAR', { aggregate: 'REPLACE_IF_NOT_NULL' }),
          col('d', { name: 'DECIMAL', precision: 10, scale: 2 }, { aggregate: 'SUM' }),
        ],
      }),
    );
    model.loads.load('ccr', 'a', { kind: 'rows', rows: [[1, 5, 3, 3, 'a', 'x', '1.50']] });
    model.loads.load('ccr', 'a', { kind: 'rows', rows: [[1, 7, 9, 1, 'b', null, '2.25'], [2, 1, 1, 1, null, null, null]] });
    expect(sorted(model.scan('ccr', 'a').rows)).toEqual([
      [1, 12n, 9, 1, 'b', 'x', '3.75'],
      [2, 1n, 1, 1, null, null, null],
    ]);
  });

  it('DELETE on DUPLICATE stores a predicate that hides older rows only', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', tableDef({ name: 'd', keys: [col('k', 'INT')], values: [col('v', 'INT')] }));
    model.loads.load('ccr', 'd', { kind: 'rows', rows: [[1, 1], [2, 2], [3, 3]] });
    const del = model.loads.load('ccr', 'd', { kind: 'delete', where: 'k >= 2' });
    expect(del.status).toBe('VISIBLE');
    model.loads.load('ccr', 'd', { kind: 'rows', rows: [[5, 5]] });
    expect(sorted(model.scan('ccr', 'd').rows)).toEqual([[1, 1], [5, 5]]);
    const db = model.catalog.database('ccr');
    const upserts = model.binlogs.list(db?.id ?? 0n).filter((b) => b.type === BinlogType.UPSERT);
    expect(upserts).toHaveLength(3);
  });

  it('DELETE on UNIQUE writes delete-sign rows for the matching keys', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', tableDef({ name: 'u', keysType: 'UNIQUE_KEYS', keys: [col('k', 'INT')], values: [col('v', 'INT')] }));
    model.loads.load('ccr', 'u', { kind: 'rows', rows: [[1, 1], [2, 2]] });
    model.loads.load('ccr', 'u', { kind: 'delete', where: 'v = 2' });
    expect(model.scan('ccr', 'u').rows).toEqual([[1, 1]]);
    expect(model.loads.load('ccr', 'u', { kind: 'delete', where: 'v = 9' }).txnId).toBe(-1n);
  });
});

describe('routing', () => {
  it('routes rows by range to partitions and by hash to buckets, and only touched partitions get a version', () => {
    const { model } = setup();
    const t = model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'r',
        keys: [col('k', 'INT')],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
        distribution: { type: 'HASH', columns: ['k'], buckets: 4 },
      }),
    );
    const rows = Array.from({ length: 9 }, (_, i): Value[] => [i]);
    model.loads.load('ccr', 'r', { kind: 'rows', rows });
    const [p1, p2] = [...t.partitions.values()];
    expect(p1?.visibleVersion).toBe(2n);
    expect(p2?.visibleVersion).toBe(1n);
    const perBucket = (p1?.tablets.get(t.baseIndexId) ?? []).map((id) => model.storage.tablet(id)?.replicas[0]?.rowsets[0]?.rows.length ?? 0);
    expect(perBucket.reduce((a, b) => a + b, 0)).toBe(9);
    expect(perBucket.filter((n) => n > 0).length).toBeGreaterThan(1);
    // the same key always lands in the same bucket
    model.loads.load('ccr', 'r', { kind: 'rows', rows: [[3]] });
    const holders = (p1?.tablets.get(t.baseIndexId) ?? []).filter((id) =>
      model.storage.tablet(id)?.replicas[0]?.rowsets.some((rs) => rs.rows.some((r) => r[0] === 3)),
    );
    expect(holders).toHaveLength(1);
  });

  it('routes LIST partitions and fails on rows without a partition unless filtering is allowed', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'l',
        keys: [col('city', { name: 'VARCHAR', length: 10 })],
        partition: { type: 'LIST', columns: ['city'], lists: [{ name: 'pbj', values: [['bj']] }, { name: 'psh', values: [['sh']] }] },
      }),
    );
    expect(() => model.loads.load('ccr', 'l', { kind: 'rows', rows: [['bj'], ['gz']] })).toThrow(
      'Insert has too many filtered data 1/2 insert_max_filter_ratio is 0.000000.',
    );
    const r = model.loads.load('ccr', 'l', { kind: 'rows', rows: [['bj'], ['gz'], ['sh']] }, { maxFilterRatio: 0.5 });
    expect(r).toMatchObject({ loadedRows: 2, filteredRows: 1 });
    expect(model.scan('ccr', 'l', { partitions: ['psh'] }).rows).toEqual([['sh']]);
  });

  it('writes only the named partitions and fills missing columns with defaults', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'r',
        keys: [col('k', 'INT')],
        values: [col('v', 'INT', { defaultValue: { kind: 'literal', value: 7 } })],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
      }),
    );
    expect(() => model.loads.load('ccr', 'r', { kind: 'rows', columns: ['k'], rows: [[1], [15]] }, { partitions: ['p2'] })).toThrow(/filtered/);
    model.loads.load('ccr', 'r', { kind: 'rows', columns: ['k'], rows: [[15]] }, { partitions: ['p2'] });
    expect(model.scan('ccr', 'r').rows).toEqual([[15, 7]]);
    expect(() => model.loads.load('ccr', 'r', { kind: 'rows', columns: ['x'], rows: [[1]] })).toThrow("Unknown column 'x' in 'r'");
  });
});

describe('schema and indexes on read', () => {
  it('reads rows written before a light ADD COLUMN with the column default, and hides dropped columns', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', tableDef({ name: 't', keys: [col('k', 'INT')], values: [col('v', 'INT')] }));
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 1]] });
    model.ddl.addColumns('ccr', 't', [{ column: col('c', 'VARCHAR', { defaultValue: { kind: 'literal', value: 'z' } }) }]);
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[2, 2, 'y']] });
    expect(sorted(model.scan('ccr', 't').rows)).toEqual([[1, 1, 'z'], [2, 2, 'y']]);
    model.ddl.dropColumns('ccr', 't', ['v']);
    expect(model.scan('ccr', 't').columns.map((c) => c.name)).toEqual(['k', 'c']);
    expect(sorted(model.scan('ccr', 't').rows)).toEqual([[1, 'z'], [2, 'y']]);
  });

  it('keeps rollups projected (and aggregated on read for AGGREGATE tables)', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'a',
        keysType: 'AGG_KEYS',
        keys: [col('k1', 'INT'), col('k2', 'INT')],
        values: [col('s', 'BIGINT', { aggregate: 'SUM' })],
        rollups: [{ name: 'r1', columns: ['k1', 's'] }],
      }),
    );
    model.loads.load('ccr', 'a', { kind: 'rows', rows: [[1, 1, 5], [1, 2, 6], [2, 1, 1]] });
    expect(sorted(model.scan('ccr', 'a', { index: 'r1' }).rows)).toEqual([[1, 11n], [2, 1n]]);
    expect(model.scan('ccr', 'a').rows).toHaveLength(3);
  });
});

describe('INSERT OVERWRITE', () => {
  it('loads temporary partitions and swaps them in: ADD_PARTITION (temp), UPSERT, REPLACE_PARTITIONS', () => {
    const { model } = setup();
    const t = model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'o',
        keys: [col('k', 'INT')],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
      }),
    );
    model.loads.load('ccr', 'o', { kind: 'rows', rows: [[1], [11]] });
    const oldP1 = [...t.partitions.values()].find((p) => p.name === 'p1')?.id;
    const db = model.catalog.database('ccr');
    const before = model.binlogs.list(db?.id ?? 0n).length;
    model.loads.insertOverwrite('ccr', 'o', { kind: 'rows', rows: [[2], [3]] }, { partitions: ['p1'] });
    expect(sorted(model.scan('ccr', 'o').rows)).toEqual([[11], [2], [3]]);
    const added = model.binlogs.list(db?.id ?? 0n).slice(before);
    expect(added.map((b) => b.type)).toEqual([BinlogType.ADD_PARTITION, BinlogType.UPSERT, BinlogType.REPLACE_PARTITIONS]);
    expect(JSON.parse(added[0]?.data ?? '{}')).toMatchObject({ isTempPartition: true });
    const upsert = JSON.parse(added[1]?.data ?? '{}') as { tableRecords: Record<string, { partitionRecords: { isTempPartition: boolean }[] }> };
    expect(upsert.tableRecords[String(t.id)]?.partitionRecords[0]?.isTempPartition).toBe(true);
    expect(JSON.parse(added[2]?.data ?? '{}')).toMatchObject({
      partitions: ['p1'],
      tempPartitions: ['iot_temp_p1'],
      strictRange: true,
      useTempPartitionName: false,
    });
    const p1 = [...t.partitions.values()].find((p) => p.name === 'p1');
    expect(p1?.isTemp).toBe(false);
    expect(p1?.id).not.toBe(oldP1);
    expect(model.meta.getMeta({ id: db?.id ?? 0n }).db_meta?.dropped_partitions).toContain(oldP1);
  });
});
