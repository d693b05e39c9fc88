import { describe, expect, it } from 'vitest';
import { modifyTablePropertySql, splitTableProperties } from './properties.js';

const keepAll = { replicationNum: -1, filterStorageMedium: false };

describe('MODIFY_TABLE_PROPERTY replay', () => {
  it('replays the properties Go applies and keeps the destination-owned ones', () => {
    const { apply, skipped } = splitTableProperties(
      {
        'dynamic_partition.end': '3',
        'dynamic_partition.enable': 'false',
        'binlog.ttl_seconds': '7200',
        'binlog.enable': 'true',
        is_being_synced: 'false',
        colocate_with: 'g1',
        storage_policy: 'cold',
        light_schema_change: 'true',
        disable_auto_compaction: 'true',
        compaction_policy: 'time_series',
        bloom_filter_columns: 'k, v',
      },
      keepAll,
    );
    expect(apply).toEqual([
      ['dynamic_partition.end', '3'],
      ['disable_auto_compaction', 'true'],
      ['compaction_policy', 'time_series'],
      ['bloom_filter_columns', 'k, v'],
    ]);
    expect(skipped).toEqual(['dynamic_partition.enable', 'binlog.ttl_seconds', 'binlog.enable', 'is_being_synced', 'colocate_with', 'storage_policy', 'light_schema_change']);
  });

  it('keeps the replica layout when the job fixes replication_num, the medium when the feature filters it', () => {
    const props = { 'default.replication_allocation': 'tag.location.default: 3', replication_num: '3', storage_medium: 'SSD' };
    expect(splitTableProperties(props, keepAll).skipped).toEqual([]);
    expect(splitTableProperties(props, { replicationNum: 1, filterStorageMedium: true })).toEqual({
      apply: [],
      skipped: ['default.replication_allocation', 'replication_num', 'storage_medium'],
    });
  });

  it('writes one ALTER TABLE … SET with quoted keys and values', () => {
    expect(
      modifyTablePropertySql('`d`.`t`', [
        ['dynamic_partition.reserved_history_periods', '[2024-01-01,2024-12-31]'],
        ['k', 'a "b" \\ c'],
      ]),
    ).toBe('ALTER TABLE `d`.`t` SET ("dynamic_partition.reserved_history_periods" = "[2024-01-01,2024-12-31]", "k" = "a \\"b\\" \\\\ c")');
  });
});
