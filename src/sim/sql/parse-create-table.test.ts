import { describe, expect, it } from 'vitest';
import type { TableDef } from '../model/schema.js';
import { SqlError } from '../sql-error.js';
import { parseOne } from './parser.js';

function createTable(sql: string): { def: TableDef; statement: ReturnType<typeof parseOne> } {
  const statement = parseOne(sql);
  if (statement.kind !== 'createTable') throw new Error(`not a CREATE TABLE: ${statement.kind}`);
  return { def: statement.def, statement };
}

function errorOf(sql: string): SqlError {
  try {
    parseOne(sql);
  } catch (err) {
    if (err instanceof SqlError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('CREATE TABLE → TableDef', () => {
  it('an AGGREGATE table with every clause', () => {
    const { def, statement } = createTable(`
      CREATE TABLE IF NOT EXISTS \`db\`.\`tbl\` (
        \`k1\` DATE NOT NULL COMMENT 'day',
        \`k2\` INT NOT NULL DEFAULT "10",
        \`k3\` VARCHAR(32) NULL,
        \`v1\` BIGINT SUM NOT NULL DEFAULT "0" COMMENT 'total',
        \`v2\` DATETIME(3) REPLACE NULL DEFAULT CURRENT_TIMESTAMP(3),
        \`v3\` BITMAP BITMAP_UNION,
        \`v4\` DECIMAL(10, 2) MAX NULL,
        INDEX idx_k3 (\`k3\`) USING INVERTED PROPERTIES("parser" = "english") COMMENT 'inv'
      ) ENGINE=OLAP
      AGGREGATE KEY(\`k1\`, \`k2\`, \`k3\`)
      COMMENT 'my table'
      PARTITION BY RANGE(\`k1\`) (
        PARTITION p1 VALUES LESS THAN ("2024-01-01"),
        PARTITION p2 VALUES [("2024-01-01"), ("2024-02-01")) ("storage_medium" = "SSD"),
        PARTITION p3 VALUES LESS THAN MAXVALUE
      )
      DISTRIBUTED BY HASH(\`k2\`) BUCKETS 8
      ROLLUP (r1 (k1, k2, v1), r2 (k2, v1) DUPLICATE KEY (k2) PROPERTIES ("replication_num" = "1"))
      PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");`);
    expect(statement).toMatchObject({ kind: 'createTable', ifNotExists: true, table: { db: 'db', name: 'tbl' }, engine: 'olap' });
    expect(def).toEqual({
      name: 'tbl',
      columns: [
        { name: 'k1', type: { name: 'DATE' }, nullable: false, isKey: true, comment: 'day' },
        { name: 'k2', type: { name: 'INT' }, nullable: false, isKey: true, comment: '', defaultValue: { kind: 'literal', value: 10 } },
        { name: 'k3', type: { name: 'VARCHAR', length: 32 }, nullable: true, isKey: true, comment: '' },
        { name: 'v1', type: { name: 'BIGINT' }, nullable: false, isKey: false, aggregate: 'SUM', comment: 'total', defaultValue: { kind: 'literal', value: 0n } },
        { name: 'v2', type: { name: 'DATETIME', scale: 3 }, nullable: true, isKey: false, aggregate: 'REPLACE', comment: '', defaultValue: { kind: 'current_timestamp', precision: 3 } },
        { name: 'v3', type: { name: 'BITMAP' }, nullable: false, isKey: false, aggregate: 'BITMAP_UNION', comment: '' },
        { name: 'v4', type: { name: 'DECIMAL', precision: 10, scale: 2 }, nullable: true, isKey: false, aggregate: 'MAX', comment: '' },
      ],
      keysType: 'AGG_KEYS',
      keys: ['k1', 'k2', 'k3'],
      partition: {
        type: 'RANGE',
        columns: ['k1'],
        ranges: [
          { name: 'p1', upper: ['2024-01-01'] },
          { name: 'p2', lower: ['2024-01-01'], upper: ['2024-02-01'], properties: { storage_medium: 'SSD' } },
          { name: 'p3', upper: [{ maxValue: true }] },
        ],
      },
      distribution: { type: 'HASH', columns: ['k2'], buckets: 8 },
      rollups: [
        { name: 'r1', columns: ['k1', 'k2', 'v1'] },
        { name: 'r2', columns: ['k2', 'v1'], duplicateKeys: ['k2'], properties: { replication_num: '1' } },
      ],
      indexes: [{ name: 'idx_k3', columns: ['k3'], indexType: 'INVERTED', properties: { parser: 'english' }, comment: 'inv' }],
      properties: { replication_num: '1', 'binlog.enable': 'true' },
      comment: 'my table',
    });
  });

  it('a UNIQUE table with LIST partitions, auto increment and ON UPDATE', () => {
    const { def } = createTable(`CREATE TABLE t (
        id BIGINT NOT NULL AUTO_INCREMENT(100),
        city VARCHAR(20) NOT NULL,
        updated DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        score DOUBLE
      ) UNIQUE KEY(id, city)
      PARTITION BY LIST(city) (
        PARTITION p_north VALUES IN ("Beijing", "Harbin"),
        PARTITION p_south VALUES IN (("Guangzhou"), ("Shenzhen")),
        PARTITION p_other
      )
      DISTRIBUTED BY HASH(id) BUCKETS AUTO
      PROPERTIES ("enable_unique_key_merge_on_write" = "true")`);
    expect(def.keysType).toBe('UNIQUE_KEYS');
    expect(def.keys).toEqual(['id', 'city']);
    expect(def.columns[0]).toEqual({ name: 'id', type: { name: 'BIGINT' }, nullable: false, isKey: true, comment: '', autoIncrement: true, autoIncrementStart: 100 });
    expect(def.columns[2]).toEqual({
      name: 'updated',
      type: { name: 'DATETIME', scale: 0 },
      nullable: true,
      isKey: false,
      comment: '',
      defaultValue: { kind: 'current_timestamp' },
      onUpdateCurrentTimestamp: true,
    });
    expect(def.partition).toEqual({
      type: 'LIST',
      columns: ['city'],
      lists: [
        { name: 'p_north', values: [['Beijing'], ['Harbin']] },
        { name: 'p_south', values: [['Guangzhou'], ['Shenzhen']] },
        { name: 'p_other', values: [] },
      ],
    });
    expect(def.distribution).toEqual({ type: 'HASH', columns: ['id'], buckets: 'AUTO' });
  });

  it('the CREATE TABLE text Doris itself generates (CREATE_TABLE binlog sql / SHOW CREATE TABLE)', () => {
    const { def } = createTable(`CREATE TABLE \`tbl\` (
  \`k1\` int NULL,
  \`k2\` varchar(32) NULL COMMENT "key \\"two\\"",
  \`v1\` bigint SUM NULL DEFAULT "0",
  \`v2\` bitmap BITMAP_UNION NOT NULL DEFAULT BITMAP_EMPTY,
  \`v3\` datetime(3) REPLACE NULL DEFAULT CURRENT_TIMESTAMP(3),
  INDEX idx_k2 (\`k2\`) USING INVERTED PROPERTIES("parser" = "english", "support_phrase" = "true") COMMENT ''
) ENGINE=OLAP
AGGREGATE KEY(\`k1\`, \`k2\`)
COMMENT 'OLAP'
PARTITION BY RANGE(\`k1\`)
(PARTITION p1 VALUES [("-2147483648"), ("10")),
PARTITION p2 VALUES [("10"), ("20")))
DISTRIBUTED BY HASH(\`k1\`) BUCKETS 3
PROPERTIES (
"replication_allocation" = "tag.location.default: 1",
"is_being_synced" = "false",
"binlog.enable" = "true",
"binlog.ttl_seconds" = "86400"
);`);
    expect(def.columns.map((c) => [c.name, c.isKey, c.aggregate, c.nullable, c.defaultValue])).toEqual([
      ['k1', true, undefined, true, undefined],
      ['k2', true, undefined, true, undefined],
      ['v1', false, 'SUM', true, { kind: 'literal', value: 0n }],
      ['v2', false, 'BITMAP_UNION', false, undefined],
      ['v3', false, 'REPLACE', true, { kind: 'current_timestamp', precision: 3 }],
    ]);
    expect(def.columns[1]?.comment).toBe('key "two"');
    expect(def.partition).toEqual({
      type: 'RANGE',
      columns: ['k1'],
      ranges: [
        { name: 'p1', lower: [-2147483648], upper: [10] },
        { name: 'p2', lower: [10], upper: [20] },
      ],
    });
    expect(def.properties).toEqual({
      replication_allocation: 'tag.location.default: 1',
      is_being_synced: 'false',
      'binlog.enable': 'true',
      'binlog.ttl_seconds': '86400',
    });
  });

  it('multi-column range bounds are coerced to the column types', () => {
    const { def } = createTable(`CREATE TABLE t (k1 INT, k2 DATETIME, v STRING)
      DUPLICATE KEY(k1, k2)
      PARTITION BY RANGE(k1, k2) (PARTITION p1 VALUES LESS THAN ("10", "2024-01-01"), PARTITION p2 VALUES [(-5), (MAXVALUE)))
      DISTRIBUTED BY HASH(k1) BUCKETS 1`);
    expect(def.partition).toEqual({
      type: 'RANGE',
      columns: ['k1', 'k2'],
      ranges: [
        { name: 'p1', upper: [10, '2024-01-01 00:00:00'] },
        { name: 'p2', lower: [-5], upper: [{ maxValue: true }] },
      ],
    });
  });

  it('AUTO PARTITION keeps the partition function', () => {
    const statement = parseOne(`CREATE TABLE t (dt DATETIME NOT NULL, v INT) DUPLICATE KEY(dt)
      AUTO PARTITION BY RANGE (date_trunc(dt, 'month')) () DISTRIBUTED BY RANDOM BUCKETS 2`);
    expect(statement).toMatchObject({
      kind: 'createTable',
      autoPartitionFunction: { name: 'date_trunc', args: ['dt', 'month'] },
      def: { partition: { type: 'RANGE', columns: ['dt'], ranges: [], autoPartition: true }, distribution: { type: 'RANDOM', buckets: 2 } },
    });
  });

  it('derives default keys like Doris: first columns up to 3 / 36 bytes, stopping after a VARCHAR', () => {
    expect(createTable('CREATE TABLE t (a INT, b VARCHAR(10), c INT) DISTRIBUTED BY HASH(a) BUCKETS 1').def).toMatchObject({ keysType: 'DUP_KEYS', keys: ['a', 'b'] });
    expect(createTable('CREATE TABLE t (a BIGINT, b BIGINT, c BIGINT, d BIGINT) DISTRIBUTED BY HASH(a) BUCKETS 1').def.keys).toEqual(['a', 'b', 'c']);
    expect(createTable('CREATE TABLE t (a LARGEINT, b LARGEINT, c LARGEINT) DISTRIBUTED BY HASH(a) BUCKETS 1').def.keys).toEqual(['a', 'b']);
    expect(createTable('CREATE TABLE t (a INT, d DOUBLE, c INT) DISTRIBUTED BY HASH(a) BUCKETS 1').def.keys).toEqual(['a']);
    expect(createTable('CREATE TABLE t (a INT, b INT SUM) DISTRIBUTED BY HASH(a) BUCKETS 1').def).toMatchObject({ keysType: 'AGG_KEYS', keys: ['a'] });
    const d = createTable('CREATE TABLE t (a INT, b INT) DISTRIBUTED BY RANDOM').def;
    expect(d.distribution).toEqual({ type: 'RANDOM', buckets: 10 });
    expect(d.columns.map((c) => c.isKey)).toEqual([true, true]);
  });

  it('normalises type aliases and defaults', () => {
    const { def } = createTable(`CREATE TABLE t (a INTEGER, b DATEV2, c DATETIMEV2(6), d DECIMALV3(20, 4), e TEXT, f JSONB, g CHAR,
      h VARCHAR, i DECIMAL, j ARRAY<INT>, k MAP<STRING, ARRAY<INT>>, l STRUCT<x:INT, y:VARCHAR(5)>) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1`);
    expect(def.columns.map((c) => c.type)).toEqual([
      { name: 'INT' },
      { name: 'DATE' },
      { name: 'DATETIME', scale: 6 },
      { name: 'DECIMAL', precision: 20, scale: 4 },
      { name: 'STRING' },
      { name: 'JSON' },
      { name: 'CHAR', length: 1 },
      { name: 'VARCHAR', length: 65533 },
      { name: 'DECIMAL', precision: 38, scale: 9 },
      { name: 'ARRAY', items: [{ name: 'INT' }] },
      { name: 'MAP', items: [{ name: 'STRING' }, { name: 'ARRAY', items: [{ name: 'INT' }] }] },
      {
        name: 'STRUCT',
        fields: [
          { name: 'x', type: { name: 'INT' } },
          { name: 'y', type: { name: 'VARCHAR', length: 5 } },
        ],
      },
    ]);
  });

  it.each([
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(b) DISTRIBUTED BY HASH(a) BUCKETS 1', 'Key columns should be a ordered prefix of the schema. KeyColumns[0] (starts from zero) is b'],
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(x) DISTRIBUTED BY HASH(a) BUCKETS 1', 'Key column[x] doesn\'t exist.'],
    ['CREATE TABLE t (a DOUBLE, b INT) DUPLICATE KEY(a) DISTRIBUTED BY HASH(b) BUCKETS 1', 'Float or double can not used as a key, use decimal instead.'],
    ['CREATE TABLE t (a INT, b INT) AGGREGATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1', 'AGG_KEYS table should specify aggregate type for non-key column[b]'],
    ['CREATE TABLE t (a INT, b INT SUM) UNIQUE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1', 'UNIQUE_KEYS table should not specify aggregate type for non-key column[b]'],
    ['CREATE TABLE t (a INT, b INT) UNIQUE KEY(a) DISTRIBUTED BY HASH(b) BUCKETS 1', 'Distribution column[b] is not key column'],
    ['CREATE TABLE t (a INT, b INT) UNIQUE KEY(a) DISTRIBUTED BY RANDOM BUCKETS 1', 'Should not be distributed by random when keys type is unique'],
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(a) PARTITION BY RANGE(c) () DISTRIBUTED BY HASH(a) BUCKETS 1', 'partition key c is not exists'],
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(a)', 'Create olap table should contain distribution desc'],
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(a) PARTITION BY RANGE(a) (PARTITION p VALUES LESS THAN ("x")) DISTRIBUTED BY HASH(a) BUCKETS 1', 'Invalid partition value'],
    ['CREATE TABLE t (a INT, b INT DEFAULT "abc") DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1', "Invalid default value for 'b'"],
    ['CREATE TABLE t (a INT, b INT) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 0', 'Number of hash distribution should be greater than zero.'],
  ])('rejects %s', (sql, message) => {
    const e = errorOf(sql);
    expect(e.errno).toBe(1105);
    expect(e.message).toContain(`errCode = 2, detailMessage = ${message}`);
  });

  it('reports duplicate column names as 1060', () => {
    const e = errorOf('CREATE TABLE t (a INT, A INT) DISTRIBUTED BY HASH(a) BUCKETS 1');
    expect(e.errno).toBe(1060);
    expect(e.message).toBe("Duplicate column name 'A'");
  });

  it('rejects what the simulator does not model with 1235', () => {
    expect(errorOf('CREATE TABLE t2 AS SELECT 1').errno).toBe(1235);
    expect(errorOf('CREATE TABLE t (a INT) ENGINE=mysql').errno).toBe(1235);
  });
});
