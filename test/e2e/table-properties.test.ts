// Table property changes (ALTER TABLE t SET (…), MODIFY_TABLE_PROPERTY binlogs) in a database
// job and a table job: the properties the Go syncer V25 applies reach the destination table,
// those the destination keeps as its own (binlog.*, dynamic_partition.enable, …) stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, tableSchema, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs } from '../support/ccr-observe.js';
import type { SimProcess } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'tprop';
const JOB = 'tprop_job';
const TDB = 'tprop_t';
const TJOB = 'tprop_table_job';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';
const DYNAMIC = `"dynamic_partition.enable" = "true", "dynamic_partition.time_unit" = "DAY", "dynamic_partition.start" = "-3",
  "dynamic_partition.end" = "2", "dynamic_partition.prefix" = "p", "dynamic_partition.buckets" = "2"`;

/** The value of one property in SHOW CREATE TABLE, or undefined. */
async function prop(sim: SimProcess, db: string, table: string, key: string): Promise<string | undefined> {
  const m = new RegExp(`"${key.replaceAll('.', '\\.')}" = "([^"]*)"`).exec(await tableSchema(sim, db, table));
  return m?.[1];
}

describe('table property changes are replayed like the Go syncer V25 does', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.dyn (k INT, d DATE, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(d) ()
        DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true", ${DYNAMIC});
      CREATE DATABASE ${TDB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${TDB}.tj (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${TDB}.tj VALUES (1, 'a');`);
    await env.createJob(JOB, { srcDb: DB });
    await env.createJob(TJOB, { srcDb: TDB, srcTable: 'tj', destDb: `${TDB}_replica`, destTable: 'tj_copy' });
    await env.waitCaughtUp(JOB);
    await env.waitCaughtUp(TJOB);
  });
  afterAll(async () => env?.close());

  it('database job: dynamic_partition.* changes are replayed, dynamic_partition.enable and binlog.* are not', async () => {
    // The restored table has dynamic partitioning off (Doris' RESTORE); the source's stays on.
    expect(await prop(env.dest, DB, 'dyn', 'dynamic_partition.enable')).toBe('false');
    await env.src.query(`ALTER TABLE ${DB}.dyn SET ("dynamic_partition.enable" = "false");
      ALTER TABLE ${DB}.dyn SET ("dynamic_partition.end" = "4", "dynamic_partition.prefix" = "q", "dynamic_partition.history_partition_num" = "5");
      ALTER TABLE ${DB}.dyn SET ("binlog.ttl_seconds" = "7200");
      ALTER TABLE ${DB}.dyn SET ("dynamic_partition.enable" = "true");`);
    await waitFor(async () => (await prop(env.dest, DB, 'dyn', 'dynamic_partition.prefix')) === 'q', 'dynamic_partition.prefix replayed', 20_000);
    await env.waitCaughtUp(JOB);
    expect(await prop(env.dest, DB, 'dyn', 'dynamic_partition.end')).toBe('4');
    expect(await prop(env.dest, DB, 'dyn', 'dynamic_partition.history_partition_num')).toBe('5');
    // Destination-owned: its own binlog TTL, dynamic partitioning still off (the source's is on).
    expect(await prop(env.src, DB, 'dyn', 'binlog.ttl_seconds')).toBe('7200');
    expect(await prop(env.dest, DB, 'dyn', 'binlog.ttl_seconds')).not.toBe('7200');
    expect(await prop(env.src, DB, 'dyn', 'dynamic_partition.enable')).toBe('true');
    expect(await prop(env.dest, DB, 'dyn', 'dynamic_partition.enable')).toBe('false');
    // Replayed as SQL, no backup/restore.
    expect((await snapshotSyncs(env, JOB)).full).toBe(1);
  });

  it('table job: a compaction property is replayed on the renamed destination table, binlog.* is not', async () => {
    await env.src.query(`ALTER TABLE ${TDB}.tj SET ("disable_auto_compaction" = "true");
      ALTER TABLE ${TDB}.tj SET ("binlog.ttl_seconds" = "3600");
      INSERT INTO ${TDB}.tj VALUES (2, 'b');`);
    await waitFor(async () => (await prop(env.dest, `${TDB}_replica`, 'tj_copy', 'disable_auto_compaction')) === 'true', 'disable_auto_compaction replayed', 20_000);
    await env.waitCaughtUp(TJOB);
    expect(await tableRows(env.dest, `${TDB}_replica`, 'tj_copy')).toEqual(await tableRows(env.src, TDB, 'tj'));
    expect(await prop(env.dest, `${TDB}_replica`, 'tj_copy', 'binlog.ttl_seconds')).not.toBe('3600');
    const strip = (s: string) => s.replace(/"binlog\.ttl_seconds" = "\d+"/, '');
    expect(strip(await tableSchema(env.dest, `${TDB}_replica`, 'tj_copy', 'tj'))).toBe(strip(await tableSchema(env.src, TDB, 'tj')));
    expect((await snapshotSyncs(env, TJOB)).full).toBe(1);
  });
});
