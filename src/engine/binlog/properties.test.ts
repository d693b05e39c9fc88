import { describe, expect, it } from 'vitest';
import { SqlClientError } from '../../doris/sql-client.js';
import { BinlogType } from '../../doris/types.js';
import { CcrError } from '../../errors/ccr-error.js';
import type { HandlerArgs } from './handler.js';
import { modifyTableProperty, modifyTablePropertySql, splitTableProperties } from './properties.js';

/** A table job (source table 7 → dest `rep`.`copy`) whose destination runs `exec`. */
function tableJobArgs(properties: Record<string, string>, exec: (sql: string) => Promise<void>, tableId = 7): HandlerArgs {
  const spec = { src: { database: 'src', table: 't', tableId: 7n }, dest: { database: 'rep', table: 'copy' }, options: { replicationNum: -1 } };
  const ctx = {
    name: 'j',
    kind: 'table',
    spec: () => spec,
    config: { features: { filterStorageMedium: true } },
    log: { info: () => undefined },
    dest: { exec: (sql: string) => exec(sql) },
  };
  const progress = { tableCommitSeqMap: new Map(), tableNames: new Map(), tableMapping: new Map() };
  const data = JSON.stringify({ dbId: 1, tableId, tableName: 't', properties, sql: 'SET (...)' });
  return {
    ctx,
    progress,
    binlog: { type: BinlogType.MODIFY_TABLE_PROPERTY, data },
    seq: 42n,
    retry: false,
    beginApply: () => Promise.resolve(),
    signal: new AbortController().signal,
  } as unknown as HandlerArgs;
}

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

  it('runs the statement on the job\'s destination table, skips other tables and all-kept binlogs', async () => {
    const ran: string[] = [];
    const exec = (sql: string) => {
      ran.push(sql);
      return Promise.resolve();
    };
    await modifyTableProperty(tableJobArgs({ 'dynamic_partition.end': '3', 'binlog.ttl_seconds': '60' }, exec));
    await modifyTableProperty(tableJobArgs({ 'binlog.ttl_seconds': '60', is_being_synced: 'false' }, exec));
    await modifyTableProperty(tableJobArgs({ 'dynamic_partition.end': '9' }, exec, 8));
    expect(ran).toEqual(['ALTER TABLE `rep`.`copy` SET ("dynamic_partition.end" = "3")']);
  });

  it('a property the destination refuses is a retried error that names the binlog, the table and the way out', async () => {
    const refuse = () =>
      Promise.reject(new SqlClientError('server error', { kind: 'server', endpoint: 'dest', errno: 1105, serverMessage: 'errCode = 2, detailMessage = Unknown table property: foo' }));
    const err = await modifyTableProperty(tableJobArgs({ foo: 'bar' }, refuse)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcrError);
    expect(err).toMatchObject({ code: 'CCR_E0305', disposition: 'retry' });
    expect((err as Error).message).toBe(
      'the destination refused the table property change of binlog 42 on `rep`.`copy` (foo=bar): errCode = 2, detailMessage = Unknown table property: foo. ' +
        'Fix the destination table so it accepts the change, or skip this binlog with job_skip_binlog skip_by=silence skip_commit_seq=42',
    );
  });
});
