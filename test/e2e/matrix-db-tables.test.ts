// Feature matrix, database jobs, table and view rows: tables created (also while loads run),
// dropped, renamed and recreated under the same name; many tables; views created, altered and
// dropped in a destination database of another name; a destination table of another schema
// replaced. The job replays all of it without a full sync beyond its first one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs } from '../support/ccr-observe.js';
import { waitFor } from '../support/wait.js';

const SRC = 'mdt';
const DEST = 'mdt_replica';
const JOB = 'mdt_job';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('database jobs replicate tables and views', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${SRC} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${SRC}.base (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${SRC}.base VALUES (1, 'one'), (2, 'two');
      CREATE VIEW ${SRC}.v_base AS SELECT k, v FROM ${SRC}.base WHERE k > 1;`);
    // A same-name table of another schema already in the destination database.
    await env.dest.query(`CREATE DATABASE ${DEST};
      CREATE TABLE ${DEST}.base (x BIGINT, y BIGINT, z BIGINT) DUPLICATE KEY(x) DISTRIBUTED BY HASH(x) BUCKETS 1 PROPERTIES ("replication_num" = "1");
      INSERT INTO ${DEST}.base VALUES (7, 7, 7);`);
    await env.createJob(JOB, { srcDb: SRC, destDb: DEST });
  });
  afterAll(async () => env?.close());

  const same = (table: string) => waitSameTable(env, SRC, table, DEST, table);
  /** The rows of a view as the destination computes them equal the source's. */
  const sameView = async (view: string) =>
    waitFor(async () => JSON.stringify(await tableRows(env.dest, DEST, view).catch(() => [])) === JSON.stringify(await tableRows(env.src, SRC, view)), `view ${view}`, 20_000);
  const tablesOf = async (sim: CcrEnv['src'], db: string) =>
    (await sim.query<Record<string, string>>(`SHOW TABLES FROM ${db}`)).map((r) => Object.values(r)[0] ?? '').sort();

  it('full sync replaces a destination table of another schema (signature not matched) and creates views', async () => {
    await same('base');
    await sameView('v_base');
    await env.waitCaughtUp(JOB);
    await env.src.query(`INSERT INTO ${SRC}.base VALUES (3, 'three')`);
    await same('base');
    await sameView('v_base');
  });

  it('CREATE TABLE while loads run, then DROP TABLE', async () => {
    const loads = (async () => {
      for (let i = 0; i < 10; i++) await env.src.query(`INSERT INTO ${SRC}.base VALUES (${100 + i}, 'load ${i}')`);
    })();
    await env.src.query(`CREATE TABLE ${SRC}.fresh (k INT, d DATE, amount DECIMAL(12, 2)) DUPLICATE KEY(k)
        PARTITION BY RANGE(d) (PARTITION p2024 VALUES LESS THAN ("2025-01-01"), PARTITION p2025 VALUES LESS THAN ("2026-01-01"))
        DISTRIBUTED BY HASH(k) BUCKETS 3 ${PROPS};
      INSERT INTO ${SRC}.fresh VALUES (1, '2024-05-01', 10.50), (2, '2025-05-01', NULL);`);
    await loads;
    await same('fresh');
    await same('base');
    await env.src.query(`DROP TABLE ${SRC}.fresh`);
    await waitFor(async () => !(await tablesOf(env.dest, DEST)).includes('fresh'), 'fresh dropped on the destination', 20_000);
  });

  it('RENAME TABLE, then a view over the renamed table', async () => {
    await env.src.query(`CREATE TABLE ${SRC}.old_name (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      INSERT INTO ${SRC}.old_name VALUES (1, 1);
      ALTER TABLE ${SRC}.old_name RENAME new_name;
      INSERT INTO ${SRC}.new_name VALUES (2, 2);
      CREATE VIEW ${SRC}.v_new AS SELECT k, v * 10 AS v10 FROM ${SRC}.new_name;`);
    await same('new_name');
    await sameView('v_new');
    expect(await tablesOf(env.dest, DEST)).not.toContain('old_name');
  });

  it('drop and recreate a table with the same name: the new table replicates, no stale rows', async () => {
    await env.src.query(`CREATE TABLE ${SRC}.again (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${SRC}.again VALUES (1, 'first life'), (2, 'first life');`);
    await same('again');
    await env.src.query(`DROP TABLE ${SRC}.again;
      CREATE TABLE ${SRC}.again (k INT, w INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 ${PROPS};
      INSERT INTO ${SRC}.again VALUES (9, 9, 'second life');`);
    await same('again');
    await env.src.query(`INSERT INTO ${SRC}.again VALUES (9, 10, 'updated')`);
    await same('again');
  });

  it('RECOVER TABLE and RECOVER PARTITION after a replayed drop: partial syncs bring them back', async () => {
    await env.src.query(`CREATE TABLE ${SRC}.rec (k INT, v INT) DUPLICATE KEY(k)
        PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20"))
        DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${SRC}.rec VALUES (1, 1), (11, 11);`);
    await same('rec');
    await env.src.query(`ALTER TABLE ${SRC}.rec DROP PARTITION p2`);
    await same('rec');
    await env.src.query(`RECOVER PARTITION p2 FROM ${SRC}.rec; INSERT INTO ${SRC}.rec VALUES (12, 12);`);
    await same('rec');
    await env.src.query(`DROP TABLE ${SRC}.rec`);
    await waitFor(async () => !(await tablesOf(env.dest, DEST)).includes('rec'), 'rec dropped on the destination', 20_000);
    await env.src.query(`RECOVER TABLE ${SRC}.rec; INSERT INTO ${SRC}.rec VALUES (2, 2);`);
    await same('rec');
  });

  it('ALTER VIEW and DROP VIEW', async () => {
    await env.src.query(`ALTER VIEW ${SRC}.v_base AS SELECT k, concat(v, '!') AS loud FROM ${SRC}.base WHERE k < 100`);
    await sameView('v_base');
    const cols = await env.dest.query<Record<string, string>>(`DESC ${DEST}.v_base`);
    expect(cols.map((c) => c.Field)).toEqual(['k', 'loud']);
    await env.src.query(`DROP VIEW ${SRC}.v_new`);
    await waitFor(async () => !(await tablesOf(env.dest, DEST)).includes('v_new'), 'v_new dropped on the destination', 20_000);
  });

  it('keyword table and column names through CREATE TABLE and column DDL replay', async () => {
    await env.src.query(`CREATE TABLE ${SRC}.\`order\` (\`select\` INT, \`desc\` VARCHAR(8), \`from\` DATE) UNIQUE KEY(\`select\`)
        DISTRIBUTED BY HASH(\`select\`) BUCKETS 2 ${PROPS};
      INSERT INTO ${SRC}.\`order\` VALUES (1, 'x', '2024-01-01');
      ALTER TABLE ${SRC}.\`order\` RENAME COLUMN \`desc\` \`limit\`;
      ALTER TABLE ${SRC}.\`order\` ADD COLUMN \`where\` INT DEFAULT "0";
      INSERT INTO ${SRC}.\`order\` VALUES (2, 'y', '2024-01-02', 3);`);
    await same('order');
  });

  it('CREATE TABLE over a same-name destination table of another schema: that table is replaced', async () => {
    await env.dest.query(`CREATE TABLE ${DEST}.clash (a VARCHAR(10), b STRING) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 1 PROPERTIES ("replication_num" = "1");
      INSERT INTO ${DEST}.clash VALUES ('stale', 'row');`);
    await env.src.query(`CREATE TABLE ${SRC}.clash (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${SRC}.clash VALUES (1, 1);`);
    await same('clash');
    await env.src.query(`INSERT INTO ${SRC}.clash VALUES (2, 2)`);
    await same('clash');
  });

  it('many tables', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `many_${i}`);
    await env.src.query(
      names.map((n, i) => `CREATE TABLE ${SRC}.${n} (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS ${1 + (i % 3)} ${PROPS}; INSERT INTO ${SRC}.${n} VALUES (${i}, ${i * i});`).join('\n'),
    );
    for (const n of names) await same(n);
    expect(await tablesOf(env.dest, DEST)).toEqual(await tablesOf(env.src, SRC));
  });

  it('none of it needed a full sync after the first one; partial syncs only for the recoveries and the clash', async () => {
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual({ full: 1, partial: 3 });
  });
});
