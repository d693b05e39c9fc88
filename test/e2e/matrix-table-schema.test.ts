// Feature matrix, table jobs, schema rows: column and comment changes replayed as SQL; INSERT
// OVERWRITE, REPLACE PARTITION, schema changes and rollups re-synced by a partial sync; a
// destination table of another schema replaced; the source table renamed, dropped and recreated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableSchema, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs, waitAlterDone, waitSameIndexes, waitSyncs } from '../support/ccr-observe.js';

const DB = 'mts';
const DEST = 'mts_dest';
const BINLOG = '"replication_num" = "1", "binlog.enable" = "true"';

describe('table jobs replicate schema changes', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
  });
  afterAll(async () => env?.close());

  const job = (table: string) => `mts_${table}`;
  /** A range-partitioned table with rows, replicated by a table job to `<table>_copy`. */
  const replicated = async (table: string, extraColumns = ''): Promise<void> => {
    await env.src.query(`CREATE TABLE ${DB}.${table} (k INT, v VARCHAR(16) COMMENT "value"${extraColumns}) DUPLICATE KEY(k)
      PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20"))
      DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.${table} (k, v) VALUES (1, 'a'), (11, 'b');`);
    await env.createJob(job(table), { srcDb: DB, srcTable: table, destDb: DEST, destTable: `${table}_copy` });
    await waitSameTable(env, DB, table, DEST, `${table}_copy`);
    await env.waitCaughtUp(job(table));
  };
  const same = (table: string) => waitSameTable(env, DB, table, DEST, `${table}_copy`);

  it('light schema change, rename column and comments replay as SQL', async () => {
    await replicated('cols');
    await env.src.query(`ALTER TABLE ${DB}.cols ADD COLUMN c1 INT DEFAULT "5";
      INSERT INTO ${DB}.cols VALUES (2, 'c', 6);`);
    await same('cols');
    await env.src.query(`ALTER TABLE ${DB}.cols DROP COLUMN c1`);
    await same('cols');
    await env.src.query(`ALTER TABLE ${DB}.cols RENAME COLUMN v val;
      INSERT INTO ${DB}.cols VALUES (3, 'd');`);
    await same('cols');
    await env.src.query(`ALTER TABLE ${DB}.cols MODIFY COMMENT "the table";
      ALTER TABLE ${DB}.cols MODIFY COLUMN val COMMENT "renamed value";`);
    await same('cols');
    expect(await tableSchema(env.dest, DEST, 'cols_copy')).toContain('renamed value');
    await env.waitCaughtUp(job('cols'));
    expect(await snapshotSyncs(env, job('cols'))).toEqual({ full: 1, partial: 0 });
  });

  it('INSERT OVERWRITE of the table and of a partition: partial sync', async () => {
    await replicated('iot');
    await env.src.query(`INSERT OVERWRITE TABLE ${DB}.iot VALUES (2, 'x'), (12, 'y')`);
    await same('iot');
    const afterTable = await waitSyncs(env, job('iot'), { partial: 1 });
    await env.src.query(`INSERT OVERWRITE TABLE ${DB}.iot PARTITION (p2) VALUES (13, 'z')`);
    await same('iot');
    const afterPartition = await waitSyncs(env, job('iot'), { partial: afterTable.partial + 1 });
    expect(afterPartition.full).toBe(1);
    await env.src.query(`INSERT INTO ${DB}.iot VALUES (3, 'after')`);
    await same('iot');
  });

  it('REPLACE PARTITION with a strict-range temporary partition: partial sync', async () => {
    await replicated('rp');
    await env.src.query(`ALTER TABLE ${DB}.rp ADD TEMPORARY PARTITION tp1 VALUES LESS THAN ("10");
      INSERT INTO ${DB}.rp TEMPORARY PARTITION (tp1) VALUES (5, 'temp');
      ALTER TABLE ${DB}.rp REPLACE PARTITION (p1) WITH TEMPORARY PARTITION (tp1) PROPERTIES ("strict_range" = "true", "use_temp_partition_name" = "false");`);
    await same('rp');
    expect(await waitSyncs(env, job('rp'), { partial: 1 })).toMatchObject({ full: 1 });
  });

  it('rename partition follows the source (the Go syncer stops the job here)', async () => {
    await replicated('rnp');
    await env.src.query(`ALTER TABLE ${DB}.rnp RENAME PARTITION p2 p2_new;
      INSERT INTO ${DB}.rnp VALUES (15, 'r');`);
    await same('rnp');
    expect(await tableSchema(env.dest, DEST, 'rnp_copy')).toContain('p2_new');
    await env.waitCaughtUp(job('rnp'));
    expect(await snapshotSyncs(env, job('rnp'))).toEqual({ full: 1, partial: 0 });
  });

  it('MODIFY COLUMN type and ORDER BY (schema change jobs): partial sync', async () => {
    await replicated('sc', ', n INT');
    await env.src.query(`ALTER TABLE ${DB}.sc MODIFY COLUMN n BIGINT`);
    await waitAlterDone(env.src, DB, 'sc');
    await same('sc');
    const afterModify = await waitSyncs(env, job('sc'), { partial: 1 });
    await env.src.query(`INSERT INTO ${DB}.sc (k, v, n) VALUES (4, 'm', 9000000000)`);
    await same('sc');
    await env.src.query(`ALTER TABLE ${DB}.sc ORDER BY (k, n, v)`);
    await waitAlterDone(env.src, DB, 'sc');
    await same('sc');
    expect(await waitSyncs(env, job('sc'), { partial: afterModify.partial + 1 })).toMatchObject({ full: 1 });
    await env.src.query(`INSERT INTO ${DB}.sc (k, v, n) VALUES (5, 'o', 1)`);
    await same('sc');
  });

  it('ADD ROLLUP (partial sync), RENAME ROLLUP and DROP ROLLUP', async () => {
    await replicated('ru', ', n INT');
    await env.src.query(`ALTER TABLE ${DB}.ru ADD ROLLUP r1 (k, n)`);
    await waitAlterDone(env.src, DB, 'ru', 'ROLLUP');
    expect((await waitSameIndexes(env, DB, 'ru', DEST, 'ru_copy')).join('\n')).toContain('r1 DUP_KEYS k');
    await same('ru');
    const afterAdd = await waitSyncs(env, job('ru'), { partial: 1 });
    await env.src.query(`INSERT INTO ${DB}.ru VALUES (6, 'q', 6)`);
    await same('ru');
    await env.src.query(`ALTER TABLE ${DB}.ru RENAME ROLLUP r1 r1_renamed`);
    expect((await waitSameIndexes(env, DB, 'ru', DEST, 'ru_copy')).join('\n')).toContain('r1_renamed DUP_KEYS k');
    await env.src.query(`ALTER TABLE ${DB}.ru DROP ROLLUP r1_renamed`);
    expect((await waitSameIndexes(env, DB, 'ru', DEST, 'ru_copy')).join('\n')).not.toContain('r1');
    await same('ru');
    await env.waitCaughtUp(job('ru'));
    expect(await snapshotSyncs(env, job('ru'))).toEqual(afterAdd);
  });

  it('allow_table_exists: a destination table of another schema is replaced (signature not matched)', async () => {
    await env.src.query(`CREATE TABLE ${DB}.sig (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.sig VALUES (1, 'src');`);
    await env.dest.query(`CREATE DATABASE IF NOT EXISTS ${DEST};
      CREATE TABLE ${DEST}.sig_copy (other BIGINT, junk INT) DUPLICATE KEY(other) DISTRIBUTED BY HASH(other) BUCKETS 1 PROPERTIES ("replication_num" = "1");
      INSERT INTO ${DEST}.sig_copy VALUES (99, 99);`);
    const refused = await env.api('/create_ccr', env.jobBody('mts_sig_refused', { srcDb: DB, srcTable: 'sig', destDb: DEST, destTable: 'sig_copy' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error_msg).toMatch(/already exists.*allow_table_exists/);
    await env.createJob(job('sig'), { srcDb: DB, srcTable: 'sig', destDb: DEST, destTable: 'sig_copy' }, { allow_table_exists: true });
    await same('sig');
    await env.src.query(`INSERT INTO ${DB}.sig VALUES (2, 'more'), (1, 'updated')`);
    await same('sig');
  });

  it('the source table is renamed: the job follows it (the Go syncer stops the job here)', async () => {
    await replicated('ren');
    await env.src.query(`ALTER TABLE ${DB}.ren RENAME ren2;
      INSERT INTO ${DB}.ren2 VALUES (7, 'after rename');`);
    await waitSameTable(env, DB, 'ren2', DEST, 'ren_copy');
    const detail = await env.api('/job_detail', { name: job('ren') });
    expect(detail.body.job_detail).toMatchObject({ src: { table: 'ren2' }, dest: { table: 'ren_copy' } });
  });

  it('the source table is dropped and recreated: the job follows the new table', async () => {
    await replicated('rec');
    await env.src.query(`DROP TABLE ${DB}.rec;
      CREATE TABLE ${DB}.rec (k INT, w STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.rec VALUES (100, 'new table');`);
    await same('rec');
    expect(await waitSyncs(env, job('rec'), { full: 2 })).toEqual({ full: 2, partial: 0 });
    const progress = (await env.progress(job('rec'))) as { full_sync_info?: { info?: string } } | null;
    expect(progress?.full_sync_info?.info).toMatch(/rec was dropped and recreated/);
    await env.src.query(`INSERT INTO ${DB}.rec VALUES (101, 'still followed')`);
    await same('rec');
  });
});
