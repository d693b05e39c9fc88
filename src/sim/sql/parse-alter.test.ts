import { describe, expect, it } from 'vitest';
import type { AlterClause } from './ast.js';
import { parseOne } from './parser.js';

function clauses(sql: string): AlterClause[] {
  const s = parseOne(sql);
  if (s.kind !== 'alterTable') throw new Error(`not ALTER TABLE: ${s.kind}`);
  return s.clauses;
}

describe('ALTER TABLE clauses', () => {
  it('ADD COLUMN single with position and rollup, and the parenthesised list form', () => {
    expect(clauses('ALTER TABLE t ADD COLUMN c2 INT KEY DEFAULT "0" AFTER c1 TO r1, ADD COLUMN c0 VARCHAR(5) FIRST')).toEqual([
      {
        kind: 'addColumn',
        column: { name: 'c2', type: { name: 'INT' }, nullable: true, isKey: true, comment: '', defaultValue: { kind: 'literal', value: 0 } },
        position: { after: 'c1' },
        rollup: 'r1',
        properties: {},
      },
      {
        kind: 'addColumn',
        column: { name: 'c0', type: { name: 'VARCHAR', length: 5 }, nullable: true, isKey: false, comment: '' },
        position: { first: true },
        rollup: undefined,
        properties: {},
      },
    ]);
    expect(clauses('ALTER TABLE t ADD COLUMN (a INT SUM DEFAULT "0", b DATE NOT NULL) IN r1 PROPERTIES ("timeout" = "60")')).toMatchObject([
      { kind: 'addColumns', columns: [{ name: 'a', aggregate: 'SUM' }, { name: 'b', nullable: false }], rollup: 'r1', properties: { timeout: '60' } },
    ]);
  });

  it('DROP / MODIFY COLUMN and ORDER BY', () => {
    expect(clauses('ALTER TABLE t DROP COLUMN c FROM r1')).toEqual([{ kind: 'dropColumn', name: 'c', rollup: 'r1', properties: {} }]);
    expect(clauses("ALTER TABLE t MODIFY COLUMN c BIGINT NULL DEFAULT '5' COMMENT 'wider' AFTER b")).toEqual([
      {
        kind: 'modifyColumn',
        column: { name: 'c', type: { name: 'BIGINT' }, nullable: true, isKey: false, comment: 'wider', defaultValue: { kind: 'literal', value: 5n } },
        position: { after: 'b' },
        rollup: undefined,
        properties: {},
      },
    ]);
    expect(clauses('ALTER TABLE t ORDER BY (c, a, b)')).toEqual([{ kind: 'reorderColumns', columns: ['c', 'a', 'b'], rollup: undefined, properties: {} }]);
  });

  it('partition clauses', () => {
    expect(clauses('ALTER TABLE t ADD TEMPORARY PARTITION IF NOT EXISTS tp1 VALUES LESS THAN ("100")')).toEqual([
      {
        kind: 'addPartition',
        temporary: true,
        ifNotExists: true,
        partition: { type: 'RANGE', name: 'tp1', upper: ['100'], isTemp: true },
        distribution: undefined,
        properties: {},
      },
    ]);
    expect(clauses('ALTER TABLE t ADD PARTITION p9 VALUES IN (("a", 1), ("b", -2)) DISTRIBUTED BY RANDOM BUCKETS AUTO')).toMatchObject([
      { kind: 'addPartition', partition: { type: 'LIST', name: 'p9', values: [['a', '1'], ['b', '-2']] }, distribution: { type: 'RANDOM', buckets: 'AUTO' } },
    ]);
    expect(clauses('ALTER TABLE t ADD PARTITION pmax VALUES LESS THAN MAXVALUE')).toMatchObject([{ partition: { upper: [{ maxValue: true }] } }]);
    expect(clauses('ALTER TABLE t DROP TEMPORARY PARTITION IF EXISTS tp1')).toEqual([
      { kind: 'dropPartition', temporary: true, ifExists: true, name: 'tp1', force: false, fromIndex: undefined },
    ]);
    expect(clauses('ALTER TABLE t REPLACE PARTITION (p1, p2) WITH TEMPORARY PARTITION (tp1) PROPERTIES ("strict_range" = "false", "use_temp_partition_name" = "true")')).toEqual([
      {
        kind: 'replacePartition',
        partitions: { temporary: false, names: ['p1', 'p2'] },
        tempPartitions: { temporary: true, names: ['tp1'] },
        force: false,
        properties: { strict_range: 'false', use_temp_partition_name: 'true' },
      },
    ]);
    expect(clauses('ALTER TABLE t MODIFY PARTITION p1 SET ("replication_num" = "1")')).toEqual([
      { kind: 'modifyPartition', temporary: false, names: ['p1'], properties: { replication_num: '1' } },
    ]);
    expect(clauses('ALTER TABLE t MODIFY PARTITION (*) SET ("storage_medium" = "HDD")')).toMatchObject([{ names: '*' }]);
    expect(clauses('ALTER TABLE t MODIFY PARTITION (p1, p2) SET ("in_memory" = "false")')).toMatchObject([{ names: ['p1', 'p2'] }]);
  });

  it('rollups, indexes, comments, distribution and features', () => {
    expect(clauses('ALTER TABLE t ADD ROLLUP r1 (k1, v1) DUPLICATE KEY (k1) FROM base, r2 (k2)')).toEqual([
      {
        kind: 'addRollup',
        rollups: [
          { name: 'r1', columns: ['k1', 'v1'], duplicateKeys: ['k1'], fromRollup: 'base' },
          { name: 'r2', columns: ['k2'] },
        ],
      },
    ]);
    expect(clauses('ALTER TABLE t DROP ROLLUP r1, r2')).toEqual([{ kind: 'dropRollup', names: ['r1', 'r2'] }]);
    expect(clauses("ALTER TABLE t ADD INDEX idx1 (c) USING INVERTED COMMENT 'c idx'")).toEqual([
      { kind: 'addIndex', index: { name: 'idx1', columns: ['c'], indexType: 'INVERTED', comment: 'c idx' }, ifNotExists: false },
    ]);
    expect(clauses('ALTER TABLE t DROP INDEX IF EXISTS idx1')).toEqual([{ kind: 'dropIndex', name: 'idx1', ifExists: true }]);
    expect(clauses('ALTER TABLE t MODIFY DISTRIBUTION DISTRIBUTED BY HASH(k) BUCKETS 16')).toEqual([
      { kind: 'modifyDistribution', distribution: { type: 'HASH', columns: ['k'], buckets: 16 } },
    ]);
    expect(clauses('ALTER TABLE t ENABLE FEATURE "SEQUENCE_LOAD" WITH PROPERTIES ("function_column.sequence_type" = "Date")')).toEqual([
      { kind: 'enableFeature', feature: 'SEQUENCE_LOAD', properties: { 'function_column.sequence_type': 'Date' } },
    ]);
    // A table may be renamed to "rollup": ROLLUP is not a reserved word.
    expect(clauses('ALTER TABLE t RENAME rollup')).toEqual([{ kind: 'rename', newName: 'rollup' }]);
  });

  it('ALTER statements that must stand alone, and CREATE/DROP INDEX', () => {
    expect(parseOne('CREATE INDEX IF NOT EXISTS i1 ON db.t (c) USING BITMAP')).toEqual({
      kind: 'createIndex',
      ifNotExists: true,
      table: { db: 'db', name: 't' },
      index: { name: 'i1', columns: ['c'], indexType: 'BITMAP', comment: '' },
    });
    expect(parseOne('DROP INDEX i1 ON t')).toEqual({ kind: 'dropIndex', ifExists: false, name: 'i1', table: { name: 't' } });
    expect(() => parseOne('ALTER TABLE t SET ("a" = "b"), RENAME u')).toThrow(/mismatched input ','/);
  });
});
