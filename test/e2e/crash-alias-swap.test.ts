// SIGKILL of the syncer in PersistRestoreInfo while a table restored under an alias is swapped
// in: the destination held a table of another schema, so the full sync restored the source
// table as `__ccr_<table>_<time>` and replaces the old table with it
// (`ALTER TABLE t REPLACE WITH TABLE alias PROPERTIES("swap"="false")`, src/engine/snapshot/restore.ts).
// The syncer runs with --feature_restore_replace_diff_schema=false: with force_replace (the
// default) the restore replaces the table itself and no alias is used. A simulator fault holds
// the REPLACE statement (statement kind `alterTable`) before it runs, or after it ran with
// its reply held back; the test kills the syncer there, restarts it on the same store, and
// checks the destination equals the source, no duplicate key, no alias table left, and no
// second full sync.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys, restoresOf, rowCount } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'crashalias';

describe('SIGKILL while a table restored under an alias is swapped in', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv({ syncerArgs: ['--feature_restore_replace_diff_schema=false'] });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await env.dest.query(`CREATE DATABASE ${DB}`);
  }, 60_000);
  afterEach(async () => {
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
  });
  afterAll(async () => env?.close());

  async function destTables(): Promise<string[]> {
    const rows = await env.dest.query<Record<string, string>>(`SHOW TABLES FROM ${DB}`);
    return rows.map((r) => Object.values(r)[0] ?? '').sort();
  }

  /** A loaded source table, a destination table of the same name and another schema, and a table job with allow_table_exists. */
  async function conflictingJob(table: string, job: string): Promise<void> {
    await createLoadTable(env.src, DB, table, 30);
    await env.dest.query(`CREATE TABLE ${DB}.${table} (other BIGINT, junk INT) DUPLICATE KEY(other) DISTRIBUTED BY HASH(other) BUCKETS 1
      PROPERTIES ("replication_num" = "1");
      INSERT INTO ${DB}.${table} VALUES (99, 99), (98, 98);`);
    await env.createJob(job, { srcDb: DB, srcTable: table }, { allow_table_exists: true });
  }

  /** The checkpoint the kill leaves: a full sync that restored under one alias. */
  async function expectAliasCheckpoint(job: string): Promise<void> {
    const progress = (await env.progress(job)) as { sync_state?: number; table_aliases?: Record<string, string> } | null;
    expect(progress?.sync_state, 'TableFullSync').toBe(500);
    expect(Object.keys(progress?.table_aliases ?? {}), 'aliases').toHaveLength(1);
  }

  async function killAndRestart(): Promise<void> {
    await env.killSyncer();
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
    await env.restartSyncer();
  }

  async function expectRecovered(table: string, job: string): Promise<void> {
    await env.waitCaughtUp(job);
    await env.src.query(`INSERT INTO ${DB}.${table} VALUES (1000, 'after'), (1001, 'after')`);
    await waitSameTable(env, DB, table);
    await expectNoDuplicateKeys(env.dest, DB, table);
    expect(await rowCount(env.dest, DB, table)).toBe(32);
    expect((await destTables()).filter((t) => t.startsWith('__ccr_')), 'alias tables left').toEqual([]);
    expect((await env.progress(job))?.full_sync_count, 'full syncs').toBe(1);
    const restores = await restoresOf(env.dest, DB, job);
    expect(restores.filter((r) => r.State !== 'FINISHED' && r.State !== 'CANCELLED'), 'restores still running').toEqual([]);
    // The first restore is cancelled for the other schema, the second restores under the alias.
    expect(restores.filter((r) => r.State === 'FINISHED'), 'finished restores').toHaveLength(1);
  }

  it('while the REPLACE waits to run: the alias is swapped in once after the restart', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe_sql', method: 'alterTable', delayMs: 30_000 });
    await conflictingJob('t_before', 'cas_before');
    await waitFor(async () => (await env.dest.state()).faults.methodFaults.length === 0, 'the REPLACE to be sent', 20_000);
    // Still the old table, and the restored copy under its alias.
    const tables = await destTables();
    expect(tables.filter((t) => t.startsWith('__ccr_t_before_'))).toHaveLength(1);
    expect(await rowCount(env.dest, DB, 't_before')).toBe(2);
    await expectAliasCheckpoint('cas_before');
    await killAndRestart();
    await expectRecovered('t_before', 'cas_before');
  });

  it('after the REPLACE ran, before its reply: the swap is not done twice', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe_sql', method: 'alterTable', delayMs: 30_000, after: true });
    await conflictingJob('t_after', 'cas_after');
    await waitFor(async () => (await env.dest.state()).faults.methodFaults.length === 0, 'the REPLACE to be sent', 20_000);
    await waitFor(async () => !(await destTables()).some((t) => t.startsWith('__ccr_t_after_')), 'the REPLACE to run', 10_000);
    await expectAliasCheckpoint('cas_after');
    await killAndRestart();
    await expectRecovered('t_after', 'cas_after');
  });

  it('the old table dropped meanwhile: the alias is renamed instead, and a kill after the RENAME ran is resumed too', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe_sql', method: 'alterTable', delayMs: 30_000 });
    await conflictingJob('t_rename', 'cas_rename');
    await waitFor(async () => (await env.dest.state()).faults.methodFaults.length === 0, 'the REPLACE to be sent', 20_000);
    await expectAliasCheckpoint('cas_rename');
    await env.killSyncer();
    await env.dest.fault({ action: 'clear' });
    // An operator drops the old table while the syncer is down: the swap becomes a RENAME.
    await env.dest.query(`DROP TABLE ${DB}.t_rename FORCE`);
    await env.dest.fault({ action: 'fail', service: 'fe_sql', method: 'alterTable', delayMs: 30_000, after: true });
    await env.restartSyncer();
    await waitFor(async () => (await destTables()).includes('t_rename'), 'the RENAME to run', 20_000);
    expect((await destTables()).filter((t) => t.startsWith('__ccr_'))).toEqual([]);
    await expectAliasCheckpoint('cas_rename');
    await killAndRestart();
    await expectRecovered('t_rename', 'cas_rename');
  });
});
