// Feature matrix, database jobs, data and schema rows: table models and DML (stream load
// included), partition DDL (rename too: database jobs replay it), column and comment changes
// replayed as SQL; INSERT OVERWRITE, REPLACE PARTITION, schema changes and rollups re-synced by
// partial syncs of one table, never a full sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs, streamLoad, waitAlterDone, waitSameIndexes, waitSyncs } from '../support/ccr-observe.js';

const DB = 'mdd';
const JOB = 'mdd_job';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('database jobs replicate data and schema changes', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.dup (k1 INT, k2 VARCHAR(8), d DECIMAL(20, 4), dt DATETIME, big LARGEINT, s STRING) DUPLICATE KEY(k1, k2)
        PARTITION BY RANGE(k1) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20"))
        DISTRIBUTED BY HASH(k1) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.uniq (k INT, v STRING, n INT) UNIQUE KEY(k)
        PARTITION BY LIST(k) (PARTITION l1 VALUES IN ("1", "2", "3"), PARTITION l2 VALUES IN ("4", "5", "6"))
        DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.agg (k INT, total BIGINT SUM, peak INT MAX, last_v VARCHAR(8) REPLACE) AGGREGATE KEY(k)
        DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      INSERT INTO ${DB}.dup VALUES (1, 'a', 1.2345, '2024-01-01 00:00:01', 1, NULL), (11, NULL, NULL, NULL, NULL, 'x');
      INSERT INTO ${DB}.uniq VALUES (1, 'one', 1), (4, 'four', 4);
      INSERT INTO ${DB}.agg VALUES (1, 1, 1, 'a');`);
    await env.createJob(JOB, { srcDb: DB });
    for (const t of ['dup', 'uniq', 'agg']) await waitSameTable(env, DB, t);
    await env.waitCaughtUp(JOB);
  });
  afterAll(async () => env?.close());

  const same = (table: string) => waitSameTable(env, DB, table);

  it('INSERT, UPDATE, DELETE, upserts and aggregation, stream load', async () => {
    await env.src.query(`INSERT INTO ${DB}.dup VALUES (2, 'b', -99.9999, '2024-12-31 23:59:59', -170141183460469231731687303715884105728, '');
      INSERT INTO ${DB}.uniq VALUES (1, 'uno', 10), (2, 'two', 2);
      UPDATE ${DB}.uniq SET n = 40 WHERE k = 4;
      DELETE FROM ${DB}.uniq WHERE k = 2;
      DELETE FROM ${DB}.dup WHERE k1 = 11;
      INSERT INTO ${DB}.agg VALUES (1, 5, 0, 'b'), (2, 2, 2, 'c');`);
    expect(await streamLoad(env.src, DB, 'uniq', '5\tfive\t5\n6\tsix\t\\N\n')).toMatchObject({ Status: 'Success', NumberLoadedRows: 2 });
    for (const t of ['dup', 'uniq', 'agg']) await same(t);
  });

  it('partitions: add, drop, rename, truncate', async () => {
    await env.src.query(`ALTER TABLE ${DB}.dup ADD PARTITION p3 VALUES LESS THAN ("30");
      INSERT INTO ${DB}.dup (k1, k2) VALUES (25, 'p3');
      ALTER TABLE ${DB}.uniq ADD PARTITION l3 VALUES IN ("7");
      INSERT INTO ${DB}.uniq VALUES (7, 'seven', 7);
      ALTER TABLE ${DB}.dup RENAME PARTITION p2 p2_renamed;
      INSERT INTO ${DB}.dup (k1, k2) VALUES (12, 'p2');
      ALTER TABLE ${DB}.dup DROP PARTITION p1;
      TRUNCATE TABLE ${DB}.uniq PARTITION (l2);`);
    await same('dup');
    await same('uniq');
    await env.src.query(`TRUNCATE TABLE ${DB}.agg; INSERT INTO ${DB}.agg VALUES (3, 3, 3, 'd');`);
    await same('agg');
  });

  it('multi-column range and list partitions and a NULL list value: created and added as SQL', async () => {
    await env.src.query(`CREATE TABLE ${DB}.mr (k1 INT, k2 DATE, v INT) DUPLICATE KEY(k1, k2)
        PARTITION BY RANGE(k1, k2) (PARTITION p1 VALUES LESS THAN ("10", "2024-01-01")) DISTRIBUTED BY HASH(k1) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.ml (a VARCHAR(5), b INT, v INT) DUPLICATE KEY(a, b)
        PARTITION BY LIST(a, b) (PARTITION p1 VALUES IN (("x", 1), ("y", 2))) DISTRIBUTED BY HASH(a) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.mn (a INT NULL, v INT) DUPLICATE KEY(a)
        PARTITION BY LIST(a) (PARTITION pn VALUES IN ((NULL), (1))) DISTRIBUTED BY HASH(a) BUCKETS 1 ${PROPS};
      INSERT INTO ${DB}.mr VALUES (1, '2023-01-01', 1);
      INSERT INTO ${DB}.ml VALUES ('x', 1, 1);
      INSERT INTO ${DB}.mn VALUES (NULL, 1), (1, 2);
      ALTER TABLE ${DB}.mr ADD PARTITION p2 VALUES [("10", "2024-01-01"), ("20", "2025-01-01"));
      ALTER TABLE ${DB}.ml ADD PARTITION p2 VALUES IN (("z", 3));
      ALTER TABLE ${DB}.ml ADD PARTITION p3 VALUES IN (("u", 4), ("w", 5));
      ALTER TABLE ${DB}.mn ADD PARTITION p2 VALUES IN ((2), (3));
      INSERT INTO ${DB}.mr VALUES (15, '2024-06-01', 2);
      INSERT INTO ${DB}.ml VALUES ('z', 3, 3), ('w', 5, 5);
      INSERT INTO ${DB}.mn VALUES (3, 3);`);
    for (const t of ['mr', 'ml', 'mn']) await same(t);
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual({ full: 1, partial: 0 });
  });

  it('columns: add, drop, rename and comments replay as SQL', async () => {
    await env.src.query(`ALTER TABLE ${DB}.uniq ADD COLUMN extra DATE DEFAULT "2024-01-01";
      INSERT INTO ${DB}.uniq VALUES (3, 'three', 3, '2025-03-03');
      ALTER TABLE ${DB}.uniq RENAME COLUMN v label;
      ALTER TABLE ${DB}.uniq DROP COLUMN n;
      ALTER TABLE ${DB}.uniq MODIFY COMMENT "unique rows";
      ALTER TABLE ${DB}.uniq MODIFY COLUMN label COMMENT "a label";`);
    await same('uniq');
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual({ full: 1, partial: 0 });
  });

  it('INSERT OVERWRITE and REPLACE PARTITION: partial syncs of the table', async () => {
    await env.src.query(`INSERT OVERWRITE TABLE ${DB}.dup PARTITION (p3) VALUES (26, 'over', 0, NULL, 0, 'written')`);
    await same('dup');
    const afterOverwrite = await waitSyncs(env, JOB, { partial: 1 });
    await env.src.query(`ALTER TABLE ${DB}.dup ADD TEMPORARY PARTITION tp VALUES [("20"), ("30"));
      INSERT INTO ${DB}.dup TEMPORARY PARTITION (tp) (k1, k2) VALUES (21, 'tmp');
      ALTER TABLE ${DB}.dup REPLACE PARTITION (p3) WITH TEMPORARY PARTITION (tp);`);
    await same('dup');
    expect(await waitSyncs(env, JOB, { partial: afterOverwrite.partial + 1 })).toMatchObject({ full: 1 });
    await env.src.query(`INSERT INTO ${DB}.dup (k1, k2) VALUES (22, 'after')`);
    await same('dup');
    for (const t of ['uniq', 'agg']) await same(t);
  });

  it('MODIFY COLUMN and ADD ROLLUP: partial syncs; DROP ROLLUP replays as SQL', async () => {
    const before = await snapshotSyncs(env, JOB);
    await env.src.query(`ALTER TABLE ${DB}.agg MODIFY COLUMN peak BIGINT MAX`);
    await waitAlterDone(env.src, DB, 'agg');
    await same('agg');
    await env.src.query(`ALTER TABLE ${DB}.dup ADD ROLLUP r_k2 (k2, k1)`);
    await waitAlterDone(env.src, DB, 'dup', 'ROLLUP');
    expect((await waitSameIndexes(env, DB, 'dup', DB, 'dup')).join('\n')).toContain('r_k2 DUP_KEYS k2');
    const after = await waitSyncs(env, JOB, { partial: before.partial + 2 });
    expect(after.full).toBe(1);
    await env.src.query(`INSERT INTO ${DB}.agg VALUES (3, 1, 5000000000, 'e');
      INSERT INTO ${DB}.dup (k1, k2) VALUES (23, 'rollup');`);
    await same('agg');
    await same('dup');
    await env.src.query(`ALTER TABLE ${DB}.dup DROP ROLLUP r_k2`);
    expect((await waitSameIndexes(env, DB, 'dup', DB, 'dup')).join('\n')).not.toContain('r_k2');
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual(after);
  });

  it('a load followed at once by DROP ROLLUP converges (the destination rollup would miss the rows)', async () => {
    await env.src.query(`ALTER TABLE ${DB}.dup ADD ROLLUP r_race (k2, k1)`);
    await waitAlterDone(env.src, DB, 'dup', 'ROLLUP');
    expect((await waitSameIndexes(env, DB, 'dup', DB, 'dup')).join('\n')).toContain('r_race');
    await env.src.query(`INSERT INTO ${DB}.dup (k1, k2) VALUES (24, 'race'); ALTER TABLE ${DB}.dup DROP ROLLUP r_race;`);
    expect((await waitSameIndexes(env, DB, 'dup', DB, 'dup')).join('\n')).not.toContain('r_race');
    await same('dup');
    await env.waitCaughtUp(JOB);
    expect((await snapshotSyncs(env, JOB)).full).toBe(1);
  });
  it('a partial sync replaces a destination table whose partition another range took (restoring in place would fail)', async () => {
    await env.waitCaughtUp(JOB);
    const before = await snapshotSyncs(env, JOB);
    await env.dest.query(`ALTER TABLE ${DB}.mr DROP PARTITION p2; ALTER TABLE ${DB}.mr ADD PARTITION p2 VALUES [("10", "2024-01-01"), ("12", "2024-01-01"));`);
    const progress = (await env.progress(JOB)) as { table_name_mapping: Record<string, string> };
    const [id] = Object.entries(progress.table_name_mapping).find(([, name]) => name === 'mr') ?? [];
    expect((await env.api('/job_skip_binlog', { name: JOB, skip_by: 'partialsync', skip_table: 'mr', skip_table_id: Number(id) })).body).toEqual({ success: true });
    await same('mr');
    expect(await waitSyncs(env, JOB, { partial: before.partial + 1 })).toEqual({ full: 1, partial: before.partial + 1 });
    await env.src.query(`INSERT INTO ${DB}.mr VALUES (16, '2024-07-01', 4)`);
    await same('mr');
  });
});
