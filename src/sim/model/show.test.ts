import { describe, expect, it } from 'vitest';
import { BinlogType } from '../../doris/types.js';
import { col, tableDef, testModel } from './fixtures.js';

function setup() {
  const { model, clock } = testModel();
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true', 'binlog.ttl_seconds': '3600' } });
  const table = model.ddl.createTable(
    'ccr',
    tableDef({
      name: 'orders',
      keysType: 'UNIQUE_KEYS',
      keys: [col('id', 'BIGINT', { nullable: false }), col('dt', 'DATE', { nullable: false })],
      values: [
        col('amount', { name: 'DECIMAL', precision: 10, scale: 2 }, { comment: 'total "gross"' }),
        col('note', { name: 'VARCHAR', length: 64 }, { defaultValue: { kind: 'literal', value: 'n/a' } }),
        col('ts', { name: 'DATETIME', scale: 3 }, { defaultValue: { kind: 'current_timestamp', precision: 3 } }),
      ],
      partition: {
        type: 'RANGE',
        columns: ['dt'],
        ranges: [
          { name: 'p202405', lower: ['2024-05-01'], upper: ['2024-06-01'] },
          { name: 'p202406', lower: ['2024-06-01'], upper: ['2024-07-01'] },
        ],
      },
      distribution: { type: 'HASH', columns: ['id'], buckets: 3 },
      properties: { replication_num: '2' },
      comment: 'orders table',
    }),
  );
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  return { model, clock, db, table };
}

const EXPECTED_CREATE = `CREATE TABLE \`orders\` (
  \`id\` bigint NOT NULL,
  \`dt\` date NOT NULL,
  \`amount\` decimal(10,2) NULL COMMENT "total \\"gross\\"",
  \`note\` varchar(64) NULL DEFAULT "n/a",
  \`ts\` datetime(3) NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=OLAP
UNIQUE KEY(\`id\`, \`dt\`)
COMMENT 'orders table'
PARTITION BY RANGE(\`dt\`)
(PARTITION p202405 VALUES [('2024-05-01'), ('2024-06-01')),
PARTITION p202406 VALUES [('2024-06-01'), ('2024-07-01')))
DISTRIBUTED BY HASH(\`id\`) BUCKETS 3
PROPERTIES (
"replication_allocation" = "tag.location.default: 2",
"min_load_replica_num" = "-1",
"is_being_synced" = "false",
"storage_medium" = "hdd",
"storage_format" = "V2",
"inverted_index_storage_format" = "V1",
"enable_unique_key_merge_on_write" = "true",
"light_schema_change" = "true",
"disable_auto_compaction" = "false",
"binlog.enable" = "true",
"binlog.ttl_seconds" = "3600",
"binlog.max_bytes" = "9223372036854775807",
"binlog.max_history_nums" = "9223372036854775807",
"enable_single_replica_compaction" = "false",
"group_commit_interval_ms" = "10000",
"group_commit_data_bytes" = "134217728"
);`;

describe('SHOW CREATE', () => {
  it('prints a table exactly in Doris format, with the binlog properties', () => {
    const { model } = setup();
    const r = model.show.createTable('ccr', 'orders');
    expect(r.columns).toEqual(['Table', 'Create Table']);
    expect(r.rows[0]?.[0]).toBe('orders');
    expect(r.rows[0]?.[1]).toBe(EXPECTED_CREATE);
  });

  it('puts the synced form (is_being_synced true, ROLLUP clause) in the CREATE_TABLE binlog', () => {
    const { model, db } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'r',
        keys: [col('a', 'INT'), col('b', 'INT')],
        rollups: [{ name: 'rb', columns: ['b', 'a'] }],
        properties: { replication_num: '1' },
      }),
    );
    const b = model.binlogs.list(db.id).filter((x) => x.type === BinlogType.CREATE_TABLE).at(-1);
    const sql = (JSON.parse(b?.data ?? '{}') as { sql: string }).sql;
    expect(sql).toContain('DUPLICATE KEY(`a`, `b`)');
    expect(sql).toContain('DISTRIBUTED BY HASH(`a`) BUCKETS 1\nROLLUP (\nrb (b, a)\n)\nPROPERTIES (');
    expect(sql).toContain('"is_being_synced" = "true"');
    expect(model.show.createTable('ccr', 'r').rows[0]?.[1]).toContain('"is_being_synced" = "false"');
    expect(model.show.createTable('ccr', 'r').rows[0]?.[1]).not.toContain('ROLLUP');
  });

  it('prints LIST partitions and RANDOM distribution', () => {
    const { model } = setup();
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'l',
        keys: [col('c', { name: 'VARCHAR', length: 8 })],
        partition: { type: 'LIST', columns: ['c'], lists: [{ name: 'p1', values: [['a'], ['b']] }, { name: 'p2', values: [['c']] }] },
        distribution: { type: 'RANDOM', buckets: 2 },
        properties: { replication_num: '1' },
      }),
    );
    const text = model.show.createTable('ccr', 'l').rows[0]?.[1] ?? '';
    expect(text).toContain('PARTITION BY LIST(`c`)\n(PARTITION p1 VALUES IN ("a","b"),\nPARTITION p2 VALUES IN ("c"))');
    expect(text).toContain('DISTRIBUTED BY RANDOM BUCKETS 2');
  });

  it('prints databases and views', () => {
    const { model } = setup();
    expect(model.show.createDatabase('ccr')).toEqual({
      columns: ['Database', 'Create Database'],
      rows: [['ccr', 'CREATE DATABASE `ccr`\nPROPERTIES (\n"binlog.enable" = "true",\n"binlog.ttl_seconds" = "3600"\n)']],
    });
    model.ddl.createDatabase('plain');
    expect(model.show.createDatabase('plain').rows[0]?.[1]).toBe('CREATE DATABASE `plain`');
    model.ddl.createView('ccr', { name: 'v', query: 'SELECT `id` FROM `internal`.`ccr`.`orders`', comment: '' });
    expect(model.show.createView('ccr', 'v')).toEqual({
      columns: ['View', 'Create View', 'character_set_client', 'collation_connection'],
      rows: [['v', 'CREATE VIEW `v` AS SELECT `id` FROM `internal`.`ccr`.`orders`;', 'utf8mb4', 'utf8mb4_0900_bin']],
    });
    expect(() => model.show.createView('ccr', 'orders')).toThrow("'ccr.orders' is not VIEW");
  });
});

describe('SHOW PROC and friends', () => {
  it('lists databases, tables, partitions with the Range join key, indexes and replicas', () => {
    const { model, db, table } = setup();
    const dbs = model.proc.proc('/dbs/');
    expect(dbs.columns.slice(0, 2)).toEqual(['DbId', 'DbName']);
    expect(dbs.rows.map((r) => r[1])).toEqual(['__internal_schema', 'ccr']);
    const tables = model.proc.proc(`/dbs/${db.id}/`);
    expect(tables.columns).toEqual([
      'TableId', 'TableName', 'IndexNum', 'PartitionColumnName', 'PartitionNum', 'State', 'Type', 'LastConsistencyCheckTime', 'ReplicaCount',
    ]);
    expect(tables.rows).toEqual([[table.id.toString(), 'orders', '1', 'dt', '2', 'NORMAL', 'OLAP', 'NULL', '12']]);
    const parts = model.proc.proc(`/dbs/${db.id}/${table.id}/partitions`);
    expect(parts.columns[6]).toBe('Range');
    expect(parts.rows.map((r) => [r[1], r[6], r[7], r[8]])).toEqual([
      ['p202405', '[types: [DATEV2]; keys: [2024-05-01]; ..types: [DATEV2]; keys: [2024-06-01]; )', 'id', '3'],
      ['p202406', '[types: [DATEV2]; keys: [2024-06-01]; ..types: [DATEV2]; keys: [2024-07-01]; )', 'id', '3'],
    ]);
    expect(model.proc.showPartitions('ccr', 'orders')).toEqual(parts);
    const pid = parts.rows[0]?.[0] ?? '';
    const idx = model.proc.proc(`/dbs/${db.id}/${table.id}/partitions/${pid}`);
    expect(idx).toEqual({
      columns: ['IndexId', 'IndexName', 'State', 'LastConsistencyCheckTime'],
      rows: [[table.baseIndexId.toString(), 'orders', 'NORMAL', 'NULL']],
    });
    const tablets = model.proc.proc(`/dbs/${db.id}/${table.id}/partitions/${pid}/${table.baseIndexId}`);
    expect(tablets.columns.slice(0, 3)).toEqual(['TabletId', 'ReplicaId', 'BackendId']);
    expect(tablets.rows).toHaveLength(6);
    expect(() => model.proc.proc('/nope')).toThrow("Proc path '/nope' doesn't exist");
  });

  it('shows a table by id, and nothing for a dropped one', () => {
    const { model, db, table } = setup();
    expect(model.proc.tableById(table.id)).toEqual({ columns: ['DbName', 'TableName', 'DbId'], rows: [['ccr', 'orders', db.id.toString()]] });
    model.ddl.dropTable('ccr', 'orders');
    expect(model.proc.tableById(table.id).rows).toEqual([]);
  });

  it('lists backends and frontends with the ports the syncer reads', () => {
    const { model } = setup();
    const be = model.proc.backends();
    const col = (name: string) => be.columns.indexOf(name);
    expect(be.rows).toHaveLength(3);
    expect(be.rows.map((r) => [r[col('Host')], r[col('BePort')], r[col('HttpPort')], r[col('BrpcPort')], r[col('Alive')]])).toEqual([
      ['127.0.0.1', '9060', '8040', '8060', 'true'],
      ['127.0.0.1', '9160', '8140', '8160', 'true'],
      ['127.0.0.1', '9260', '8240', '8260', 'true'],
    ]);
    const fe = model.proc.frontends();
    const f = (name: string) => fe.columns.indexOf(name);
    expect(fe.rows.map((r) => [r[f('Host')], r[f('QueryPort')], r[f('RpcPort')], r[f('IsMaster')]])).toEqual([['127.0.0.1', '9030', '9020', 'true']]);
  });

  it('describes tables and shows FE config by pattern', () => {
    const { model } = setup();
    expect(model.show.desc('ccr', 'orders').rows[2]).toEqual(['amount', 'decimal(10,2)', 'Yes', 'false', null, '']);
    const all = model.show.desc('ccr', 'orders', true);
    expect(all.rows[0]?.slice(0, 5)).toEqual(['orders', 'UNIQUE_KEYS', 'id', 'bigint', 'BIGINT']);
    expect(all.rows[1]?.[4]).toBe('DATEV2');
    expect(model.show.frontendConfig('%enable_feature_binlog%')).toEqual({
      columns: ['Key', 'Value', 'Type', 'IsMutable', 'MasterOnly', 'Comment'],
      rows: [['enable_feature_binlog', 'true', 'boolean', 'false', 'false', 'Whether to enable binlog feature']],
    });
  });
});
