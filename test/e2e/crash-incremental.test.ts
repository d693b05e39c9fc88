// SIGKILL of the syncer during incremental sync, then a restart on the same store: upserts in
// flight are committed or rolled back by label and never applied twice (DUPLICATE KEY tables
// would show the duplicates), a DDL whose outcome the dead syncer never saw is recognised on
// the destination instead of failing or being applied twice, and no full sync is started.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { startRowLoader } from '../support/row-loader.js';
import { waitFor } from '../support/wait.js';

const DB = 'crashinc';
const JOB = 'crash_inc';

describe('SIGKILL during incremental sync', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 'loadt', 20);
    await env.createJob(JOB, { srcDb: DB });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterEach(async () => {
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
  });
  afterAll(async () => env?.close());

  /** Waits until every armed fault of the destination has been consumed (the call reached it). */
  async function faultsConsumed(what: string, atLeast = 0): Promise<void> {
    await waitFor(async () => (await env.dest.state()).faults.methodFaults.every((f) => f.remaining <= atLeast), what, 10_000);
  }

  async function killAndRestart(): Promise<void> {
    await env.killSyncer();
    await env.dest.fault({ action: 'clear' });
    await env.restartSyncer();
  }

  async function expectConverged(tables: string[]): Promise<void> {
    await env.waitCaughtUp(JOB);
    for (const t of tables) {
      await waitSameTable(env, DB, t);
      await expectNoDuplicateKeys(env.dest, DB, t);
    }
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
    expect((await env.status(JOB)).last_error).toBeNull();
  }

  it('with many upserts prepared and ingesting: none is lost or applied twice', async () => {
    const loader = startRowLoader(env.src, DB, 'loadt', { firstKey: 1, pauseMs: 5 });
    try {
      await loader.waitRows(60);
      // Ingests whose replies are held keep a pipeline of transactions open at the kill: begun,
      // with rowsets staged on some tablets. They must be rolled back, not committed twice.
      await env.dest.fault({ action: 'fail', service: 'be', method: 'ingest_binlog', delayMs: 1000, count: 12, after: true });
      await faultsConsumed('ingests to be under way', 6);
      await killAndRestart();
      await loader.waitRows(loader.rows + 30);
    } finally {
      await loader.stop();
    }
    await expectConverged(['loadt']);
  });

  it('after commitTxn ran, before its reply: the label shows it applied', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', delayMs: 30_000, after: true });
    await env.src.query(`INSERT INTO ${DB}.loadt VALUES (100001, 'committed-unseen')`);
    await faultsConsumed('the commit to run');
    await killAndRestart();
    await expectConverged(['loadt']);
  });

  // Each DDL runs on the destination, then its reply is held until the syncer is killed (or,
  // `before`, it is held before it runs); a load follows each one on the source.
  const t = `${DB}.d1`;
  const ddls: { name: string; kind: string; sql: string; load?: string; tables: string[]; before?: boolean }[] = [
    {
      name: 'CREATE TABLE',
      kind: 'createTable',
      sql: `CREATE TABLE ${t} (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")`,
      load: `INSERT INTO ${t} VALUES (1, 'a'), (2, 'b')`,
      tables: ['d1'],
    },
    { name: 'ADD COLUMN', kind: 'alterTable', sql: `ALTER TABLE ${t} ADD COLUMN w INT DEFAULT "7"`, load: `INSERT INTO ${t} VALUES (3, 'c', 8)`, tables: ['d1'] },
    { name: 'RENAME COLUMN', kind: 'alterTable', sql: `ALTER TABLE ${t} RENAME COLUMN w w2`, load: `INSERT INTO ${t} VALUES (4, 'd', 9)`, tables: ['d1'] },
    { name: 'TRUNCATE TABLE', kind: 'truncateTable', sql: `TRUNCATE TABLE ${t}`, load: `INSERT INTO ${t} VALUES (5, 'e', 10)`, tables: ['d1'] },
    { name: 'RENAME TABLE', kind: 'alterTable', sql: `ALTER TABLE ${t} RENAME d2`, load: `INSERT INTO ${DB}.d2 VALUES (6, 'f', 11)`, tables: ['d2'] },
    { name: 'DROP TABLE', kind: 'dropTable', sql: `DROP TABLE ${DB}.d2`, tables: [] },
    {
      // Marked in flight, but killed before the statement reached the FE: applied once after the restart.
      name: 'CREATE TABLE d3',
      kind: 'createTable',
      sql: `CREATE TABLE ${DB}.d3 (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")`,
      load: `INSERT INTO ${DB}.d3 VALUES (1, 'a')`,
      tables: ['d3'],
      before: true,
    },
  ];
  for (const [i, ddl] of ddls.entries()) {
    const when = ddl.before ? `while ${ddl.name} waits to run on the destination` : `after ${ddl.name} ran on the destination, before its reply`;
    it(`${when}: applied exactly once`, async () => {
      await env.src.query(`INSERT INTO ${DB}.loadt VALUES (${200000 + i}, 'before ddl ${i}')`);
      await env.dest.fault({ action: 'fail', service: 'fe_sql', method: ddl.kind, delayMs: 30_000, after: ddl.before !== true });
      await env.src.query(ddl.sql);
      if (ddl.load) await env.src.query(ddl.load);
      await faultsConsumed(`${ddl.name} to reach the destination`);
      await killAndRestart();
      await expectConverged(['loadt', ...ddl.tables]);
      if (ddl.name === 'DROP TABLE') expect(await env.dest.query(`SHOW TABLES FROM ${DB} LIKE 'd2'`)).toEqual([]);
    });
  }
});
