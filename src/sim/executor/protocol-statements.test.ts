// The SQL forms the syncer sends (PROTOCOL §5.1) and the result columns and values it reads:
// exact column names, booleans as `true`/`false` text, numbers as decimal strings.
import { beforeEach, describe, expect, it } from 'vitest';
import { executorHarness, type ExecutorHarness } from './executor.test-helpers.js';

const CREATE_T1 =
  'CREATE TABLE `t1` (`k` INT, `v` VARCHAR(20)) DUPLICATE KEY(`k`) ' +
  'PARTITION BY RANGE(`k`) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20")) ' +
  'DISTRIBUTED BY HASH(`k`) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('PROTOCOL §5.1 statements', () => {
  let h: ExecutorHarness;

  beforeEach(async () => {
    h = executorHarness();
    await h.exec('CREATE DATABASE IF NOT EXISTS `ccr` PROPERTIES ("binlog.enable" = "true", "binlog.ttl_seconds" = "3600")');
    await h.exec('USE ccr');
    await h.exec(CREATE_T1);
    h.session.db = null;
  });

  it('#1 frontends(): Host, QueryPort, RpcPort as strings, IsMaster as true/false', async () => {
    const rows = await h.objects('select Host, QueryPort, RpcPort, IsMaster from frontends();');
    expect(rows).toEqual([{ Host: '127.0.0.1', QueryPort: '9030', RpcPort: '9020', IsMaster: 'true' }]);
  });

  it('#2 ADMIN SHOW FRONTEND CONFIG LIKE: Value is true', async () => {
    const rows = await h.objects('ADMIN SHOW FRONTEND CONFIG LIKE "%enable_feature_binlog%"');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Key: 'enable_feature_binlog', Value: 'true', Type: 'boolean', IsMutable: 'false' });
  });

  it('#4 SHOW DATABASES LIKE: Database column, exact-case match', async () => {
    expect(await h.query("SHOW DATABASES LIKE 'ccr'")).toEqual({ columns: ['Database'], rows: [['ccr']] });
    expect((await h.query("SHOW DATABASES LIKE 'CCR'")).rows).toEqual([]);
  });

  it('#5/#6 SHOW CREATE DATABASE/TABLE carry "binlog.enable" = "true"', async () => {
    const db = await h.objects('SHOW CREATE DATABASE `ccr`');
    expect(db[0]?.['Database']).toBe('ccr');
    expect(db[0]?.['Create Database']).toContain('"binlog.enable" = "true"');
    const t = await h.objects('SHOW CREATE TABLE `ccr`.`t1`');
    expect(t[0]?.['Table']).toBe('t1');
    expect(t[0]?.['Create Table']).toContain('"binlog.enable" = "true"');
  });

  it('#7-#11 show proc paths give ids that lead to tablets and replicas', async () => {
    const dbs = await h.objects("show proc '/dbs/'");
    const dbId = dbs.find((r) => r['DbName'] === 'ccr')?.['DbId'];
    expect(dbId).toMatch(/^\d+$/);
    const tables = await h.objects(`show proc '/dbs/${dbId}/'`);
    const tableId = tables.find((r) => r['TableName'] === 't1')?.['TableId'];
    expect(tableId).toMatch(/^\d+$/);
    const partitions = await h.objects(`show proc '/dbs/${dbId}/${tableId}/partitions'`);
    expect(partitions.map((p) => [p['PartitionName'], p['Range']])).toEqual([
      ['p1', '[types: [INT]; keys: [-2147483648]; ..types: [INT]; keys: [10]; )'],
      ['p2', '[types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )'],
    ]);
    const partitionId = partitions[0]?.['PartitionId'];
    const indexes = await h.objects(`show proc '/dbs/${dbId}/${tableId}/partitions/${partitionId}'`);
    expect(indexes.map((i) => i['IndexName'])).toEqual(['t1']);
    const replicas = await h.objects(`show proc '/dbs/${dbId}/${tableId}/partitions/${partitionId}/${indexes[0]?.['IndexId']}'`);
    expect(replicas).toHaveLength(2);
    for (const r of replicas) {
      expect(r['TabletId']).toMatch(/^\d+$/);
      expect(r['ReplicaId']).toMatch(/^\d+$/);
      expect(r['BackendId']).toMatch(/^\d+$/);
    }
  });

  it('#12 show table <id>: DbName, TableName, DbId; empty once dropped', async () => {
    const id = h.model.catalog.table('ccr', 't1')?.id;
    const dbId = h.model.catalog.database('ccr')?.id;
    expect(await h.objects(`show table ${id}`)).toEqual([{ DbName: 'ccr', TableName: 't1', DbId: String(dbId) }]);
    await h.exec('DROP TABLE `ccr`.`t1` FORCE');
    expect(await h.query(`show table ${id}`)).toEqual({ columns: ['DbName', 'TableName', 'DbId'], rows: [] });
  });

  it('#13 show backends: BackendId, Host, BePort, HttpPort, BrpcPort', async () => {
    const rows = await h.objects('show backends');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ Host: '127.0.0.1', BePort: '9060', HttpPort: '8040', BrpcPort: '8060', Alive: 'true' });
  });

  it('#14/#15 SHOW TABLES: Tables_in_<db> as configured', async () => {
    expect(await h.query("SHOW TABLES FROM `ccr` LIKE 't1'")).toEqual({ columns: ['Tables_in_ccr'], rows: [['t1']] });
    await h.exec('USE ccr');
    expect(await h.query('SHOW TABLES')).toEqual({ columns: ['Tables_in_ccr'], rows: [['t1']] });
  });

  it('#16/#17 CREATE DATABASE IF NOT EXISTS, DROP then CREATE', async () => {
    await h.exec('CREATE DATABASE IF NOT EXISTS `ccr`');
    expect((await h.fail('CREATE DATABASE `ccr`')).errno).toBe(1007);
    await h.exec('DROP DATABASE `ccr`');
    await h.exec('CREATE DATABASE `ccr`');
    expect((await h.query("SHOW TABLES FROM `ccr`")).rows).toEqual([]);
  });

  it('#23 SHOW TRANSACTION FROM db WHERE id = N: TransactionStatus VISIBLE', async () => {
    await h.exec("INSERT INTO `ccr`.`t1` WITH LABEL l1 VALUES (1, 'a')");
    const txnId = [...h.model.state.txns.values()].find((t) => t.label === 'l1')?.id;
    const rows = await h.objects(`SHOW TRANSACTION FROM \`ccr\` WHERE id = ${txnId}`);
    expect(rows[0]).toMatchObject({ TransactionId: String(txnId), Label: 'l1', TransactionStatus: 'VISIBLE' });
  });

  it('#24/#25 views: information_schema table_name label as written; SHOW CREATE VIEW unquoted', async () => {
    await h.exec('USE ccr');
    await h.exec('CREATE VIEW v1 AS SELECT k FROM t1 WHERE k > 5');
    const views = await h.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'ccr' AND  table_type = 'VIEW'");
    expect(views).toEqual({ columns: ['table_name'], rows: [['v1']] });
    const create = await h.objects('SHOW CREATE VIEW v1');
    expect(create[0]?.['View']).toBe('v1');
    expect(create[0]?.['Create View']).toContain('`internal`.`ccr`.`t1`');
  });

  it('#26 a CREATE TABLE sql from a binlog replays', async () => {
    const sql = h.model.binlogs.list(h.model.catalog.database('ccr')?.id ?? 0n).find((b) => b.type === 2)?.data ?? '';
    const createSql = (JSON.parse(sql) as { sql: string }).sql;
    await h.exec('CREATE DATABASE dest');
    await h.exec('USE dest');
    await h.exec(createSql);
    expect((await h.objects('SHOW CREATE TABLE t1'))[0]?.['Create Table']).toContain('PARTITION p1 VALUES');
  });

  it('#27/#28 DROP VIEW IF EXISTS; DROP TABLE on a view says "is not TABLE"', async () => {
    await h.exec('USE ccr');
    await h.exec('CREATE VIEW v1 AS SELECT k FROM t1');
    const err = await h.fail('DROP TABLE `v1` FORCE');
    expect(err.message).toContain('is not TABLE');
    await h.exec('DROP VIEW IF EXISTS `v1` ');
    await h.exec('DROP VIEW IF EXISTS `v1` ');
    await h.exec('DROP TABLE `t1` ');
    expect((await h.query('SHOW TABLES')).rows).toEqual([]);
  });

  it('#29/#30 ADD PARTITION with distribution; DROP PARTITION qualified', async () => {
    await h.exec('USE ccr');
    await h.exec('ALTER TABLE `t1` ADD PARTITION `p3` VALUES [("20"), ("30")) ("version_info" = "1") DISTRIBUTED BY HASH(`k`) BUCKETS 3');
    const p3 = (await h.objects('SHOW PARTITIONS FROM t1')).find((p) => p['PartitionName'] === 'p3');
    expect(p3).toMatchObject({ Buckets: '3', Range: '[types: [INT]; keys: [20]; ..types: [INT]; keys: [30]; )' });
    await h.exec('ALTER TABLE `ccr`.`t1` DROP PARTITION `p3` FORCE');
    expect((await h.objects('SHOW PARTITIONS FROM t1')).map((p) => p['PartitionName'])).toEqual(['p1', 'p2']);
  });

  it('#31 TRUNCATE TABLE [PARTITIONS (p)]', async () => {
    await h.exec('USE ccr');
    await h.exec("INSERT INTO t1 VALUES (1, 'a'), (11, 'b')");
    await h.exec('TRUNCATE TABLE `t1` PARTITIONS (p1)');
    expect((await h.query('SELECT k FROM t1')).rows).toEqual([['11']]);
    await h.exec('TRUNCATE TABLE `t1`');
    expect((await h.query('SELECT k FROM t1')).rows).toEqual([]);
  });

  it('#32/#33 light ADD COLUMN from rawSql, RENAME COLUMN', async () => {
    await h.exec('USE ccr');
    await h.exec("INSERT INTO t1 VALUES (1, 'a')");
    await h.exec('ALTER TABLE `t1` ADD COLUMN `c` INT NULL DEFAULT "7" COMMENT ""');
    expect(await h.query('SELECT k, c FROM t1')).toEqual({ columns: ['k', 'c'], rows: [['1', '7']] });
    await h.exec('ALTER TABLE `t1` RENAME COLUMN `c` `d`');
    expect((await h.query('SELECT d FROM t1')).rows).toEqual([['7']]);
  });

  it('#34 unquoted RENAME forms, the last with a trailing semicolon', async () => {
    await h.exec('USE ccr');
    await h.exec('ALTER TABLE t1 RENAME PARTITION p1 p9;');
    await h.exec('ALTER TABLE t1 ADD ROLLUP r1 (k)');
    while (h.model.advanceJobs() > 0);
    await h.exec('ALTER TABLE t1 RENAME ROLLUP r1 r2');
    await h.exec('ALTER TABLE t1 RENAME t2');
    expect((await h.query('SHOW TABLES')).rows).toEqual([['t2']]);
    expect((await h.objects('SHOW PARTITIONS FROM t2')).map((p) => p['PartitionName'])).toEqual(['p9', 'p2']);
    expect((await h.objects('DESC t2 ALL')).map((r) => r['IndexName']).filter((n) => n !== '')).toEqual(['t2', 'r2']);
  });

  it('#35 MODIFY COLUMN … COMMENT lists and MODIFY COMMENT with escapes', async () => {
    await h.exec('USE ccr');
    await h.exec("ALTER TABLE `t1` MODIFY COLUMN `k` COMMENT 'key \\'one\\'', MODIFY COLUMN `v` COMMENT 'value'");
    await h.exec("ALTER TABLE `t1` MODIFY COMMENT 'say \\\"hi\\\"'");
    const create = (await h.objects('SHOW CREATE TABLE t1'))[0]?.['Create Table'] ?? '';
    expect(create).toContain('`k` int NULL COMMENT "key \'one\'"');
    expect(create).toContain('`v` varchar(20) NULL COMMENT "value"');
    expect(create).toContain(`COMMENT 'say "hi"'`);
    const binlogTypes = h.model.binlogs.list(h.model.catalog.database('ccr')?.id ?? 0n).map((b) => b.type);
    expect(binlogTypes.filter((t) => t === 16)).toHaveLength(2);
  });

  it('#36 REPLACE WITH TABLE PROPERTIES("swap"="false")', async () => {
    await h.exec('USE ccr');
    await h.exec('CREATE TABLE t1_alias LIKE t1');
    await h.exec("INSERT INTO t1_alias VALUES (3, 'c')");
    await h.exec('ALTER TABLE `t1` REPLACE WITH TABLE `t1_alias` PROPERTIES("swap"="false")');
    expect((await h.query('SHOW TABLES')).rows).toEqual([['t1']]);
    expect((await h.query('SELECT k FROM t1')).rows).toEqual([['3']]);
  });

  it('#37 SET ("is_being_synced"="false")', async () => {
    await h.exec('USE ccr');
    await h.exec('ALTER TABLE `t1` SET ("is_being_synced"="true")');
    expect((await h.objects('SHOW CREATE TABLE t1'))[0]?.['Create Table']).toContain('"is_being_synced" = "true"');
    await h.exec('ALTER TABLE `t1` SET ("is_being_synced"="false")');
    expect((await h.objects('SHOW CREATE TABLE t1'))[0]?.['Create Table']).not.toContain('"is_being_synced" = "true"');
  });

  it('enable_db_binlog.sh: ALTER TABLE db.t SET binlog, then ALTER DATABASE SET properties', async () => {
    await h.exec('CREATE DATABASE src');
    await h.exec('CREATE TABLE src.t (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1")');
    await h.exec('ALTER TABLE src.t SET ("binlog.enable" = "true", "binlog.ttl_seconds"="86400")');
    await h.exec('ALTER DATABASE src SET properties ("binlog.enable" = "true", "binlog.ttl_seconds"="86400")');
    expect((await h.objects('SHOW CREATE DATABASE `src`'))[0]?.['Create Database']).toContain('"binlog.enable" = "true"');
  });
});
