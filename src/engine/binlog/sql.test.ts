import { describe, expect, it } from 'vitest';
import type { AddPartitionRecord } from '../records.js';
import { stripDbQualifier } from './common.js';
import { addPartitionClause } from './partitions.js';
import { lightSchemaChangeSql } from './schema.js';
import { createTableSql } from './tables.js';

const rec = (sql: string, di?: AddPartitionRecord['partition']): AddPartitionRecord => ({ dbId: 1n, tableId: 2n, isTempPartition: false, sql, partition: di });

describe('replay SQL', () => {
  it('spells out the partition distribution and drops BUCKETS AUTO', () => {
    const hash = { distributionInfo: { type: 'HASH', bucketNum: 3, distributionColumns: [{ name: 'k1' }] } };
    expect(addPartitionClause(rec('ADD PARTITION `p2` VALUES [("10"), ("20")) ("version_info" = "1");', hash))).toBe(
      'ADD PARTITION `p2` VALUES [("10"), ("20")) ("version_info" = "1") DISTRIBUTED BY HASH(`k1`) BUCKETS 3',
    );
    expect(addPartitionClause(rec('ADD PARTITION `p` VALUES IN (((1))) BUCKETS AUTO', { di: { type: 'RANDOM', bucketNum: 2 } }))).toBe(
      'ADD PARTITION `p` VALUES IN ((1)) DISTRIBUTED BY RANDOM BUCKETS 2',
    );
    expect(addPartitionClause(rec('ADD PARTITION p DISTRIBUTED BY HASH(k) BUCKETS 4'))).toBe('ADD PARTITION p DISTRIBUTED BY HASH(k) BUCKETS 4');
    // The one value of a multi-column list partition, printed as a bare tuple by the FE.
    expect(addPartitionClause(rec('ADD PARTITION `p2` VALUES IN ("z", "3") ("version_info" = "1");'))).toBe('ADD PARTITION `p2` VALUES IN (("z", "3")) ("version_info" = "1")');
    expect(addPartitionClause(rec('ADD PARTITION `p` VALUES IN ("a,(b", "3")'))).toBe('ADD PARTITION `p` VALUES IN (("a,(b", "3"))');
    for (const kept of ['ADD PARTITION `p` VALUES IN ("a")', 'ADD PARTITION `p` VALUES IN (("a"),("b"))', 'ADD PARTITION `p` VALUES IN (("a", "1"),("b", "2"))', 'ADD PARTITION `p` VALUES [("1"), ("2"))']) {
      expect(addPartitionClause(rec(kept))).toBe(kept);
    }
  });

  it('rewrites light schema change SQL for the destination table', () => {
    expect(lightSchemaChangeSql('ALTER TABLE `ccr`.`t1` ADD COLUMN `c3` int NULL COMMENT ""', 'ccr', 't1', 't1')).toBe('ALTER TABLE `t1` ADD COLUMN `c3` int NULL COMMENT ""');
    expect(lightSchemaChangeSql('ALTER TABLE `default_cluster:ccr`.`t1` DROP COLUMN `c3`', 'ccr', 't1', 'copy')).toBe('ALTER TABLE `copy` DROP COLUMN `c3`');
    expect(lightSchemaChangeSql('ALTER TABLE `t` ADD COLUMN `v` int REPLACE_IF_NOT_NULL NULL DEFAULT "null"', 'ccr', 't', 't')).toContain('DEFAULT NULL');
  });

  it('points views at the destination database and applies replica overrides', () => {
    const view = 'CREATE VIEW `v1` AS SELECT `internal`.`src`.`t1`.`k1` FROM `internal`.`src`.`t1`;';
    expect(createTableSql(view, 'src', 'dst', false, -1)).toBe('CREATE VIEW `v1` AS SELECT `internal`.`dst`.`t1`.`k1` FROM `internal`.`dst`.`t1`');
    const table = 'CREATE TABLE `t` (\n`k` int\n) PROPERTIES (\n"replication_allocation" = "tag.location.default: 3",\n"storage_medium" = "hdd"\n)';
    const out = createTableSql(table, 'a', 'a', true, 1);
    expect(out).toContain('"replication_allocation" = "tag.location.default: 1"');
    expect(out).not.toContain('storage_medium');
  });

  it('strips only the source database qualifier', () => {
    expect(stripDbQualifier('ALTER TABLE `a.b`.`t` RENAME COLUMN `x` `y`', 'a.b')).toBe('ALTER TABLE `t` RENAME COLUMN `x` `y`');
    expect(stripDbQualifier('ALTER TABLE `other`.`t`', 'a')).toBe('ALTER TABLE `other`.`t`');
  });
});
