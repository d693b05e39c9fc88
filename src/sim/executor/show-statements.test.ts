// SHOW forms beyond the syncer's list, information_schema, DESC and the backup/restore port.
import { beforeEach, describe, expect, it } from 'vitest';
import { executorHarness, type ExecutorHarness } from './executor.test-helpers.js';

async function setup(h: ExecutorHarness): Promise<void> {
  await h.exec('CREATE DATABASE d');
  await h.exec('USE d');
  await h.exec(
    'CREATE TABLE t (k INT NOT NULL COMMENT "the key", v VARCHAR(10) DEFAULT "x") DUPLICATE KEY(k) ' +
      'PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20")) ' +
      'DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1")',
  );
  await h.exec('CREATE VIEW v AS SELECT k FROM t');
}

describe('catalog SHOW statements', () => {
  let h: ExecutorHarness;

  beforeEach(async () => {
    h = executorHarness();
    await setup(h);
  });

  it('SHOW DATABASES lists user and system databases sorted', async () => {
    expect((await h.query('SHOW DATABASES')).rows.map((r) => r[0])).toEqual(['__internal_schema', 'd', 'information_schema', 'mysql']);
  });

  it('SHOW FULL TABLES has Table_type; SHOW VIEWS only views; WHERE filters', async () => {
    expect(await h.query('SHOW FULL TABLES')).toEqual({ columns: ['Tables_in_d', 'Table_type'], rows: [['t', 'BASE TABLE'], ['v', 'VIEW']] });
    expect((await h.query('SHOW VIEWS')).rows).toEqual([['v']]);
    expect((await h.query("SHOW FULL TABLES WHERE Table_type = 'VIEW'")).rows).toEqual([['v', 'VIEW']]);
    expect((await h.fail('SHOW TABLES FROM nope')).errno).toBe(1049);
  });

  it('SHOW COLUMNS [FULL], DESC, SHOW INDEX', async () => {
    expect(await h.query('SHOW COLUMNS FROM t')).toEqual({
      columns: ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'],
      rows: [['k', 'int', 'NO', 'YES', null, ''], ['v', 'varchar(10)', 'YES', 'NO', 'x', '']],
    });
    expect((await h.objects('SHOW FULL COLUMNS FROM t'))[0]).toMatchObject({ Field: 'k', Comment: 'the key', Privileges: 'select,insert,update,references' });
    expect(await h.query('DESC t')).toEqual({
      columns: ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'],
      rows: [['k', 'int', 'No', 'true', null, ''], ['v', 'varchar(10)', 'Yes', 'false', 'x', '']],
    });
    expect((await h.query('SHOW INDEX FROM t')).rows).toEqual([]);
    expect((await h.query('DESC information_schema.tables')).rows[2]?.[0]).toBe('TABLE_NAME');
  });

  it('information_schema: schemata, tables, columns, views', async () => {
    expect((await h.query("SELECT SCHEMA_NAME FROM information_schema.schemata WHERE SCHEMA_NAME = 'd'")).rows).toEqual([['d']]);
    expect(await h.query("SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.tables WHERE TABLE_SCHEMA = 'd' ORDER BY 1")).toEqual({
      columns: ['TABLE_NAME', 'TABLE_TYPE', 'ENGINE'],
      rows: [['t', 'BASE TABLE', 'Doris'], ['v', 'VIEW', 'VIEW']],
    });
    expect(
      (await h.query("SELECT column_name, ordinal_position, is_nullable, column_type, column_key FROM information_schema.columns WHERE table_name = 't'")).rows,
    ).toEqual([['k', '1', 'NO', 'int', 'DUP'], ['v', '2', 'YES', 'varchar(10)', '']]);
    expect((await h.query("SELECT VIEW_DEFINITION FROM information_schema.views WHERE TABLE_NAME = 'v'")).rows).toEqual([['SELECT k FROM `internal`.`d`.`t`']]);
  });

  it('SHOW TABLE STATUS and SHOW DATA', async () => {
    await h.exec('INSERT INTO t VALUES (1, "a"), (2, "b")');
    expect((await h.objects('SHOW TABLE STATUS'))[0]).toMatchObject({ Name: 't', Engine: 'Doris', Rows: '2' });
    const data = await h.query('SHOW DATA');
    expect(data.columns).toEqual(['TableName', 'Size', 'ReplicaCount', 'RemoteSize']);
    expect(data.rows.map((r) => r[0])).toEqual(['t', 'Total', 'Quota', 'Left']);
    expect(data.rows[0]?.[2]).toBe('4');
    const tableData = await h.query('SHOW DATA FROM d.t');
    expect(tableData.rows.map((r) => r.slice(0, 2))).toEqual([['t', 't'], ['', 'Total']]);
  });

  it('SHOW CREATE TABLE of a view returns the view columns; SHOW CREATE VIEW of a table fails', async () => {
    expect((await h.query('SHOW CREATE TABLE v')).columns).toEqual(['View', 'Create View', 'character_set_client', 'collation_connection']);
    expect((await h.fail('SHOW CREATE VIEW t')).message).toContain("'d.t' is not VIEW");
    expect((await h.fail('SHOW CREATE TABLE nope')).errno).toBe(1051);
  });
});

describe('cluster SHOW statements', () => {
  let h: ExecutorHarness;

  beforeEach(async () => {
    h = executorHarness();
    await setup(h);
  });

  it('SHOW PARTITIONS with WHERE, ORDER BY and LIMIT', async () => {
    expect((await h.query("SHOW PARTITIONS FROM t WHERE PartitionName = 'p2'")).rows.map((r) => r[1])).toEqual(['p2']);
    expect((await h.query('SHOW PARTITIONS FROM t ORDER BY PartitionName DESC LIMIT 1')).rows.map((r) => r[1])).toEqual(['p2']);
    expect((await h.query('SHOW TEMPORARY PARTITIONS FROM t')).rows).toEqual([]);
  });

  it('SHOW ALTER TABLE COLUMN/ROLLUP list jobs; CANCEL ALTER TABLE cancels', async () => {
    await h.exec('ALTER TABLE t MODIFY COLUMN v VARCHAR(20) DEFAULT "x"');
    const jobs = await h.objects('SHOW ALTER TABLE COLUMN');
    expect(jobs[0]).toMatchObject({ TableName: 't', State: 'PENDING' });
    await h.exec('CANCEL ALTER TABLE COLUMN FROM t');
    expect((await h.objects('SHOW ALTER TABLE COLUMN'))[0]?.['State']).toBe('CANCELLED');
    await h.exec('ALTER TABLE t ADD ROLLUP r (k)');
    expect((await h.objects("SHOW ALTER TABLE ROLLUP FROM d WHERE TableName = 't'"))[0]).toMatchObject({ RollupIndexName: 'r' });
  });

  it('SHOW TRANSACTION by label and by status; unknown ids fail', async () => {
    await h.exec("INSERT INTO t WITH LABEL lab VALUES (1, 'a')");
    expect((await h.objects("SHOW TRANSACTION WHERE label = 'lab'"))[0]?.['TransactionStatus']).toBe('VISIBLE');
    expect((await h.objects("SHOW TRANSACTION FROM d WHERE status = 'visible'")).map((r) => r['Label'])).toEqual(['lab']);
    expect((await h.fail('SHOW TRANSACTION WHERE id = 1')).message).toContain('transaction with id 1 does not exist');
  });

  it('SHOW DATABASE <id>, SHOW FRONTENDS, SHOW PROC /backends', async () => {
    const id = h.model.catalog.database('d')?.id;
    expect(await h.query(`SHOW DATABASE ${id}`)).toEqual({ columns: ['DbName'], rows: [['d']] });
    expect((await h.objects('SHOW FRONTENDS'))[0]).toMatchObject({ IsMaster: 'true', Alive: 'true' });
    expect((await h.query("SHOW PROC '/backends'")).rows).toHaveLength(3);
    expect((await h.fail("SHOW PROC '/nope'")).message).toContain("Proc path '/nope' doesn't exist");
  });

  it('ADMIN SET FRONTEND CONFIG changes mutable keys only', async () => {
    await h.exec('ADMIN SET FRONTEND CONFIG ("label_keep_max_second" = "100")');
    expect((await h.objects("ADMIN SHOW FRONTEND CONFIG LIKE 'label_keep_max_second'"))[0]?.['Value']).toBe('100');
    expect((await h.fail('ADMIN SET FRONTEND CONFIG ("enable_feature_binlog" = "false")')).message).toContain('is not mutable');
  });
});

describe('backup statements', () => {
  it('BACKUP SNAPSHOT runs a job SHOW BACKUP reports until FINISHED; WHERE SnapshotName filters', async () => {
    const h = executorHarness();
    await setup(h);
    h.session.db = null;
    await h.exec("INSERT INTO d.t VALUES (1, 'a')");
    await h.exec('BACKUP SNAPSHOT `d`.`ccrs_d_1` TO `__keep_on_local__` ON ( `t` PARTITION (`p1`) ) PROPERTIES ("type" = "full")');
    const show = await h.query('SHOW BACKUP FROM `d` WHERE SnapshotName = "ccrs_d_1"');
    expect(show.columns).toEqual([
      'JobId', 'SnapshotName', 'DbName', 'State', 'BackupObjs', 'CreateTime', 'SnapshotFinishedTime', 'UploadFinishedTime',
      'FinishedTime', 'UnfinishedTasks', 'Progress', 'TaskErrMsg', 'Status', 'Timeout',
    ]);
    expect(show.rows).toHaveLength(1);
    for (let i = 0; i < 20 && (await h.objects('SHOW BACKUP FROM `d`'))[0]?.['State'] !== 'FINISHED'; i++) h.env.step();
    expect((await h.objects('SHOW BACKUP FROM `d`'))[0]).toMatchObject({ SnapshotName: 'ccrs_d_1', DbName: 'd', State: 'FINISHED' });
    expect((await h.query('SHOW BACKUP FROM `d` WHERE SnapshotName = "other"')).rows).toEqual([]);
    expect(h.env.backups.getSnapshot('ccrs_d_1')).toBeDefined();
  });

  it('CANCEL BACKUP cancels the running job; CANCEL RESTORE without one fails; SHOW RESTORE is empty', async () => {
    const h = executorHarness();
    await setup(h);
    await h.exec('BACKUP SNAPSHOT ccrs_d_2 TO `__keep_on_local__` ON (t)');
    await h.exec('CANCEL BACKUP FROM d');
    expect((await h.objects('SHOW BACKUP'))[0]?.['State']).toBe('CANCELLED');
    expect((await h.fail('CANCEL RESTORE FROM `d`')).message).toContain('No restore is currently running');
    const restores = await h.query('SHOW RESTORE FROM `d` WHERE Label = "ccrs_x"');
    expect(restores.rows).toEqual([]);
    expect(restores.columns).toContain('ReplicationNum');
    expect((await h.fail('SHOW BACKUP FROM nope')).errno).toBe(1049);
    expect((await h.fail('BACKUP SNAPSHOT d.x TO other_repo ON (t)')).message).toContain('Repository other_repo does not exist');
    expect((await h.fail('RESTORE SNAPSHOT d.x FROM `__keep_on_local__`')).message).toContain('not supported');
  });
});
