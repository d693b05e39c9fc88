// Feature matrix, table jobs, data rows: every table model and value type the manual lists,
// loads through INSERT / UPDATE / DELETE / stream load, and partition DDL replayed as SQL. Each
// change must reach the destination without a snapshot sync beyond the job's first one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs, streamLoad } from '../support/ccr-observe.js';

const DB = 'mtd';
const BINLOG = '"replication_num" = "1", "binlog.enable" = "true"';

describe('table jobs replicate every table model, value type and DML', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
  });
  afterAll(async () => env?.close());

  /** Creates a table job to `<table>_copy` in db `mtd_dest` and waits for its full sync. */
  const replicate = async (table: string): Promise<void> => {
    await env.createJob(`mtd_${table}`, { srcDb: DB, srcTable: table, destDb: 'mtd_dest', destTable: `${table}_copy` });
    await waitSameTable(env, DB, table, 'mtd_dest', `${table}_copy`);
    await env.waitCaughtUp(`mtd_${table}`);
  };
  const same = (table: string) => waitSameTable(env, DB, table, 'mtd_dest', `${table}_copy`);
  const onlyTheFirstFullSync = async (table: string) => {
    await env.waitCaughtUp(`mtd_${table}`);
    expect(await snapshotSyncs(env, `mtd_${table}`)).toEqual({ full: 1, partial: 0 });
  };

  it('DUPLICATE, range partitions, multi-column keys, NULLs and every value type', async () => {
    await env.src.query(`CREATE TABLE ${DB}.dup (
        k1 INT, k2 DATE, k3 VARCHAR(16),
        d DECIMAL(27, 9), dt DATETIME, big LARGEINT, s STRING, n INT NULL
      ) DUPLICATE KEY(k1, k2, k3)
      PARTITION BY RANGE(k1) (PARTITION p0 VALUES LESS THAN ("100"), PARTITION p1 VALUES LESS THAN ("200"))
      DISTRIBUTED BY HASH(k1, k3) BUCKETS 3 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.dup VALUES
        (1, '2024-01-01', 'a', 12345678901234567.123456789, '2024-01-01 10:11:12', 170141183460469231731687303715884105727, 'long text', NULL),
        (1, '2024-01-01', 'a', -0.000000001, '1970-01-01 00:00:00', -170141183460469231731687303715884105728, '', 0),
        (150, '2099-12-31', NULL, 0, NULL, 0, NULL, NULL);`);
    await replicate('dup');
    await env.src.query(`INSERT INTO ${DB}.dup VALUES (2, '2024-02-29', 'b', 1.5, '2024-02-29 23:59:59', 42, 'x', 7), (199, '2000-01-01', 'z', NULL, NULL, NULL, NULL, NULL)`);
    await same('dup');
    await env.src.query(`DELETE FROM ${DB}.dup WHERE k1 = 1`);
    await same('dup');
    await onlyTheFirstFullSync('dup');
  });

  it('UNIQUE with list partitions: upsert of an existing key, UPDATE, DELETE', async () => {
    await env.src.query(`CREATE TABLE ${DB}.uniq (region VARCHAR(8), id BIGINT, name STRING, score DECIMAL(10, 2))
      UNIQUE KEY(region, id)
      PARTITION BY LIST(region) (PARTITION p_eu VALUES IN ("de", "fr"), PARTITION p_us VALUES IN ("us"))
      DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.uniq VALUES ('de', 1, 'anna', 1.50), ('fr', 2, 'bob', NULL), ('us', 3, 'carl', 3.00);`);
    await replicate('uniq');
    await env.src.query(`INSERT INTO ${DB}.uniq VALUES ('de', 1, 'anna-2', 9.99), ('us', 4, 'dora', 4.00)`);
    await same('uniq');
    await env.src.query(`UPDATE ${DB}.uniq SET score = 0.01 WHERE id = 3`);
    await same('uniq');
    await env.src.query(`DELETE FROM ${DB}.uniq WHERE region = 'fr'`);
    await same('uniq');
    await onlyTheFirstFullSync('uniq');
  });

  it('AGGREGATE with SUM, MAX and REPLACE', async () => {
    await env.src.query(`CREATE TABLE ${DB}.agg (k INT, total BIGINT SUM, peak INT MAX, last_name VARCHAR(10) REPLACE)
      AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.agg VALUES (1, 10, 5, 'a'), (2, 1, 1, 'b');`);
    await replicate('agg');
    await env.src.query(`INSERT INTO ${DB}.agg VALUES (1, 5, 9, 'c'), (1, 1, 2, 'd'), (3, 7, 7, 'e')`);
    await same('agg');
    const rows = await env.dest.query<Record<string, unknown>>(`SELECT * FROM mtd_dest.agg_copy WHERE k = 1`);
    expect(rows.map((r) => [String(r.total), String(r.peak), r.last_name])).toEqual([['16', '9', 'd']]);
    await onlyTheFirstFullSync('agg');
  });

  it('keyword table and column names', async () => {
    await env.src.query(`CREATE TABLE ${DB}.\`select\` (\`order\` INT, \`desc\` VARCHAR(8), \`from\` INT)
      DUPLICATE KEY(\`order\`) DISTRIBUTED BY HASH(\`order\`) BUCKETS 1 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.\`select\` VALUES (1, 'x', 2);`);
    await replicate('select');
    await env.src.query(`INSERT INTO ${DB}.\`select\` VALUES (2, 'y', 3);
      ALTER TABLE ${DB}.\`select\` ADD COLUMN \`where\` INT DEFAULT "1";
      INSERT INTO ${DB}.\`select\` VALUES (3, 'z', 4, 5);`);
    await same('select');
    await onlyTheFirstFullSync('select');
  });

  it('stream load through the FE HTTP port', async () => {
    await env.src.query(`CREATE TABLE ${DB}.sl (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (${BINLOG})`);
    await replicate('sl');
    const csv = await streamLoad(env.src, DB, 'sl', '1,one\n2,two\n3,\\N\n', { column_separator: ',' });
    expect(csv).toMatchObject({ Status: 'Success', NumberLoadedRows: 3 });
    const json = await streamLoad(env.src, DB, 'sl', '[{"k": 4, "v": "four"}]', { format: 'json', strip_outer_array: 'true' });
    expect(json).toMatchObject({ Status: 'Success', NumberLoadedRows: 1 });
    await same('sl');
    await onlyTheFirstFullSync('sl');
  });

  it('partitions: add, drop, truncate a partition, truncate the table', async () => {
    await env.src.query(`CREATE TABLE ${DB}.parts (k INT, v INT) DUPLICATE KEY(k)
      PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20"))
      DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (${BINLOG});
      INSERT INTO ${DB}.parts VALUES (1, 1), (11, 11);`);
    await replicate('parts');
    await env.src.query(`ALTER TABLE ${DB}.parts ADD PARTITION p3 VALUES LESS THAN ("30") DISTRIBUTED BY HASH(k) BUCKETS 3;
      INSERT INTO ${DB}.parts VALUES (21, 21), (2, 2);`);
    await same('parts');
    await env.src.query(`ALTER TABLE ${DB}.parts DROP PARTITION p1`);
    await same('parts');
    await env.src.query(`TRUNCATE TABLE ${DB}.parts PARTITION (p2);
      INSERT INTO ${DB}.parts VALUES (12, 12), (22, 22);`);
    await same('parts');
    await env.src.query(`TRUNCATE TABLE ${DB}.parts;
      INSERT INTO ${DB}.parts VALUES (13, 13);`);
    await same('parts');
    // Temporary partitions are not replicated (manual): adding, loading and dropping one
    // changes nothing on the destination and needs no snapshot.
    await env.src.query(`ALTER TABLE ${DB}.parts ADD TEMPORARY PARTITION tp VALUES LESS THAN ("20");
      INSERT INTO ${DB}.parts TEMPORARY PARTITION (tp) VALUES (14, 14);
      ALTER TABLE ${DB}.parts DROP TEMPORARY PARTITION tp;
      INSERT INTO ${DB}.parts VALUES (15, 15);`);
    await same('parts');
    await onlyTheFirstFullSync('parts');
  });
});
