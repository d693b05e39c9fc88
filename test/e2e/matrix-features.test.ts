// Feature matrix, table features in a database job: REPLACE TABLE with and without swap, and
// dynamic partition tables (full sync, then the partitions the source's scheduler adds replayed,
// while the destination's scheduler stays idle because its tables are being synced).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, tableSchema, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs } from '../support/ccr-observe.js';
import type { SimProcess } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'mft';
const JOB = 'mft_job';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';
const DYNAMIC = `"dynamic_partition.enable" = "true", "dynamic_partition.time_unit" = "DAY", "dynamic_partition.start" = "-3",
  "dynamic_partition.end" = "2", "dynamic_partition.prefix" = "p", "dynamic_partition.buckets" = "2",
  "dynamic_partition.create_history_partition" = "true"`;

/** A date `days` from today (UTC, the simulator's time zone). */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function partitionsOf(sim: SimProcess, table: string): Promise<string[]> {
  const rows = await sim.query<Record<string, string>>(`SHOW PARTITIONS FROM ${DB}.${table}`);
  return rows.map((r) => `${r.PartitionName} ${r.Range}`).sort();
}

async function tablesOf(sim: SimProcess): Promise<string[]> {
  return (await sim.query<Record<string, string>>(`SHOW TABLES FROM ${DB}`)).map((r) => Object.values(r)[0] ?? '').sort();
}

describe('database jobs replicate table features', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.dyn_full (k INT, d DATE, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(d) ()
        DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true", ${DYNAMIC});`);
    // The scheduler creates the partitions right after CREATE TABLE.
    await waitFor(async () => (await partitionsOf(env.src, 'dyn_full')).length === 6, 'dyn_full partitions', 10_000);
    await env.src.query(`INSERT INTO ${DB}.dyn_full VALUES (1, '${day(-2)}', 1), (2, '${day(0)}', 2), (3, '${day(2)}', 3)`);
    await env.createJob(JOB, { srcDb: DB });
    await env.waitCaughtUp(JOB);
  });
  afterAll(async () => env?.close());

  const same = (table: string) => waitSameTable(env, DB, table);

  it('REPLACE TABLE with swap: the two tables exchange names on the destination', async () => {
    await env.src.query(`CREATE TABLE ${DB}.live (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.staging (k INT, v STRING, n INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 ${PROPS};
      INSERT INTO ${DB}.live VALUES (1, 'old'), (2, 'old');
      INSERT INTO ${DB}.staging VALUES (1, 'new', 1), (3, 'new', 3);`);
    await same('live');
    await same('staging');
    await env.src.query(`ALTER TABLE ${DB}.live REPLACE WITH TABLE staging PROPERTIES ("swap" = "true")`);
    await same('live');
    await same('staging');
    expect(await tableRows(env.dest, DB, 'live')).toContain(JSON.stringify([3, 'new', 3]));
    // Loads after the swap go to the right tables (the job follows the ids).
    await env.src.query(`INSERT INTO ${DB}.live VALUES (4, 'after', 4); INSERT INTO ${DB}.staging VALUES (2, 'after');`);
    await same('live');
    await same('staging');
  });

  it('REPLACE TABLE without swap: the replaced table is gone on the destination', async () => {
    await env.src.query(`CREATE TABLE ${DB}.active (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      CREATE TABLE ${DB}.rebuilt (k INT, v INT, w INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.active VALUES (1, 1);
      INSERT INTO ${DB}.rebuilt VALUES (1, 10, 100), (2, 20, 200);`);
    await same('active');
    await same('rebuilt');
    await env.src.query(`ALTER TABLE ${DB}.active REPLACE WITH TABLE rebuilt PROPERTIES ("swap" = "false")`);
    await waitFor(async () => !(await tablesOf(env.dest)).includes('rebuilt'), 'rebuilt gone on the destination', 20_000);
    await same('active');
    await env.src.query(`INSERT INTO ${DB}.active VALUES (3, 30, 300)`);
    await same('active');
    expect(await tablesOf(env.dest)).toEqual(await tablesOf(env.src));
  });

  it('dynamic partitions: full sync copies the partitions; the restored table has dynamic_partition.enable false', async () => {
    // Doris' RESTORE sets dynamic_partition.enable = false unless reserve_dynamic_partition_enable
    // (the syncer, like the Go one, sends only reserve_replica); the rest of the schema is equal.
    const enable = /"dynamic_partition\.enable" = "(true|false)"/;
    const destSchema = await tableSchema(env.dest, DB, 'dyn_full');
    expect(destSchema).toMatch(/"dynamic_partition\.enable" = "false"/);
    expect(destSchema.replace(enable, '')).toBe((await tableSchema(env.src, DB, 'dyn_full')).replace(enable, ''));
    expect(await partitionsOf(env.dest, 'dyn_full')).toEqual(await partitionsOf(env.src, 'dyn_full'));
    await env.src.query(`INSERT INTO ${DB}.dyn_full VALUES (4, '${day(1)}', 4)`);
    await waitFor(async () => JSON.stringify(await tableRows(env.dest, DB, 'dyn_full')) === JSON.stringify(await tableRows(env.src, DB, 'dyn_full')), 'dyn_full rows', 20_000);
  });

  it('dynamic partitions: a table created while the job runs gets the partitions its source scheduler adds, the destination scheduler none', async () => {
    await env.src.query(`CREATE TABLE ${DB}.dyn_new (k INT, d DATE, v STRING) UNIQUE KEY(k, d) PARTITION BY RANGE(d) ()
        DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true", ${DYNAMIC});`);
    await waitFor(async () => (await partitionsOf(env.src, 'dyn_new')).length === 6, 'dyn_new partitions', 10_000);
    await env.src.query(`INSERT INTO ${DB}.dyn_new VALUES (1, '${day(-3)}', 'a'), (2, '${day(0)}', 'b'), (3, '${day(1)}', 'c')`);
    // CREATE TABLE replayed (dynamic partitioning enabled, being synced), then the ADD_PARTITIONs.
    await same('dyn_new');
    expect(await partitionsOf(env.dest, 'dyn_new')).toEqual(await partitionsOf(env.src, 'dyn_new'));
    // Partition DDL on an enabled dynamic table is refused on the source…
    const future = `p${day(2).replaceAll('-', '')}`;
    await expect(env.src.query(`ALTER TABLE ${DB}.dyn_new DROP PARTITION ${future}`)).rejects.toThrow(/Cannot add\/drop partition on a Dynamic Partition Table/);
    // …so disable it there and drop a future partition: the destination replays the drop (its
    // table still has dynamic partitioning enabled, MODIFY_TABLE_PROPERTY is not replicated, but
    // it is being synced), and its scheduler does not create the partition again.
    await env.src.query(`ALTER TABLE ${DB}.dyn_new SET ("dynamic_partition.enable" = "false");
      ALTER TABLE ${DB}.dyn_new DROP PARTITION ${future};`);
    await waitFor(async () => !(await partitionsOf(env.dest, 'dyn_new')).some((p) => p.startsWith(`${future} `)), `${future} dropped on the destination`, 20_000);
    await env.waitCaughtUp(JOB);
    expect(await tableSchema(env.dest, DB, 'dyn_new')).toMatch(/"dynamic_partition\.enable" = "true"/);
    await new Promise((r) => setTimeout(r, 500)); // many scheduler passes on both sides
    expect(await partitionsOf(env.dest, 'dyn_new')).toEqual(await partitionsOf(env.src, 'dyn_new'));
    expect(await tableRows(env.dest, DB, 'dyn_new')).toEqual(await tableRows(env.src, DB, 'dyn_new'));
  });

  it('all of it replayed without a snapshot sync beyond the first full sync', async () => {
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual({ full: 1, partial: 0 });
  });
});
