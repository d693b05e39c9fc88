// Feature matrix, table features: in a database job REPLACE TABLE with and without swap, dynamic
// partition tables (full sync, then the partitions the source's scheduler adds replayed, while
// the destination's scheduler stays idle because its tables are being synced) and AUTO_INCREMENT
// columns (the destination has the values the source generated), inverted indexes created and
// dropped (re-synced by partial syncs of the table); in table jobs a UNIQUE table with a sequence
// column loaded out of order, inverted indexes added and dropped, and REPLACE TABLE of the job's
// table (a full sync).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, tableSchema, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs } from '../support/ccr-observe.js';
import type { SimProcess } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'mft';
const JOB = 'mft_job';
const TDB = 'mft_t';
const TJOB = 'mft_seq_job';
const IJOB = 'mft_inv_job';
const RJOB = 'mft_replace_job';
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

/** SHOW INDEX rows without the table name. */
async function indexesOf(sim: SimProcess, db: string, table: string): Promise<string[]> {
  const rows = await sim.query<Record<string, string>>(`SHOW INDEX FROM ${db}.${table}`);
  return rows.map((r) => `${r.Key_name} ${r.Column_name} ${r.Index_type} ${r.Comment} ${r.Properties}`).sort();
}

async function tablesOf(sim: SimProcess): Promise<string[]> {
  return (await sim.query<Record<string, string>>(`SHOW TABLES FROM ${DB}`)).map((r) => Object.values(r)[0] ?? '').sort();
}

describe('database and table jobs replicate table features', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.dyn_full (k INT, d DATE, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(d) ()
        DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true", ${DYNAMIC});`);
    // The scheduler creates the partitions right after CREATE TABLE.
    await waitFor(async () => (await partitionsOf(env.src, 'dyn_full')).length === 6, 'dyn_full partitions', 10_000);
    await env.src.query(`INSERT INTO ${DB}.dyn_full VALUES (1, '${day(-2)}', 1), (2, '${day(0)}', 2), (3, '${day(2)}', 3);
      CREATE TABLE ${DB}.ai_full (id BIGINT NOT NULL AUTO_INCREMENT(100), name VARCHAR(16), n INT) DUPLICATE KEY(id)
        DISTRIBUTED BY HASH(id) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.ai_full (name, n) VALUES ('a', 1), ('b', 2);
      INSERT INTO ${DB}.ai_full VALUES (NULL, 'c', 3), (7, 'given', 7);
      CREATE DATABASE ${TDB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${TDB}.seq (k INT, v VARCHAR(16), ts INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2
        PROPERTIES ("replication_num" = "1", "binlog.enable" = "true", "function_column.sequence_col" = "ts");
      INSERT INTO ${TDB}.seq VALUES (1, 'v5', 5), (2, 'v1', 1);
      INSERT INTO ${TDB}.seq VALUES (1, 'v3', 3), (3, 'v2', 2);
      CREATE TABLE ${TDB}.inv (k INT, msg STRING, INDEX idx_k (k) USING INVERTED) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${TDB}.inv VALUES (1, 'one');
      CREATE TABLE ${TDB}.rt (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${TDB}.rt_next (k INT, v STRING, n INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      INSERT INTO ${TDB}.rt VALUES (1, 'old');
      INSERT INTO ${TDB}.rt_next VALUES (1, 'new', 1), (2, 'new', 2);`);
    await env.createJob(JOB, { srcDb: DB });
    await env.createJob(TJOB, { srcDb: TDB, srcTable: 'seq', destDb: `${TDB}_replica` });
    await env.createJob(IJOB, { srcDb: TDB, srcTable: 'inv', destDb: `${TDB}_replica` });
    await env.createJob(RJOB, { srcDb: TDB, srcTable: 'rt', destDb: `${TDB}_replica` });
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

  it('REPLACE TABLE (table job): the job re-syncs the table that now has its name', async () => {
    const sameRt = () => waitSameTable(env, TDB, 'rt', `${TDB}_replica`, 'rt');
    await sameRt();
    await env.waitCaughtUp(RJOB);
    await env.src.query(`ALTER TABLE ${TDB}.rt REPLACE WITH TABLE rt_next PROPERTIES ("swap" = "true")`);
    await sameRt();
    expect(await tableRows(env.dest, `${TDB}_replica`, 'rt')).toEqual([`[1,"new",1]`, `[2,"new",2]`]);
    await env.src.query(`INSERT INTO ${TDB}.rt VALUES (3, 'after', 3)`);
    await sameRt();
    await env.waitCaughtUp(RJOB);
    expect((await snapshotSyncs(env, RJOB)).full).toBe(2);
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
    // table still has dynamic partitioning enabled: the MODIFY_TABLE_PROPERTY is replayed but
    // dynamic_partition.enable is a property the destination keeps, as in Go V25; it is being
    // synced), and its scheduler does not create the partition again.
    await env.src.query(`ALTER TABLE ${DB}.dyn_new SET ("dynamic_partition.enable" = "false");
      ALTER TABLE ${DB}.dyn_new DROP PARTITION ${future};`);
    await waitFor(async () => !(await partitionsOf(env.dest, 'dyn_new')).some((p) => p.startsWith(`${future} `)), `${future} dropped on the destination`, 20_000);
    await env.waitCaughtUp(JOB);
    expect(await tableSchema(env.dest, DB, 'dyn_new')).toMatch(/"dynamic_partition\.enable" = "true"/);
    await new Promise((r) => setTimeout(r, 500)); // many scheduler passes on both sides
    expect(await partitionsOf(env.dest, 'dyn_new')).toEqual(await partitionsOf(env.src, 'dyn_new'));
    expect(await tableRows(env.dest, DB, 'dyn_new')).toEqual(await tableRows(env.src, DB, 'dyn_new'));
  });

  it('AUTO_INCREMENT: the destination has the values the source generated (full sync and replayed loads)', async () => {
    await same('ai_full');
    const ids = (await tableRows(env.dest, DB, 'ai_full')).map((r) => (JSON.parse(r) as unknown[])[0]);
    expect(ids).toEqual([100, 101, 102, 7]);
    await env.src.query(`INSERT INTO ${DB}.ai_full (name, n) VALUES ('d', 4), ('e', 5)`);
    await same('ai_full');
    // A table created while the job runs: its CREATE TABLE is replayed, its rows ingested.
    await env.src.query(`CREATE TABLE ${DB}.ai_new (k INT, id BIGINT NOT NULL AUTO_INCREMENT, v STRING) UNIQUE KEY(k)
        DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.ai_new (k, v) VALUES (1, 'a'), (2, 'b');
      INSERT INTO ${DB}.ai_new (k, v) VALUES (3, 'c');`);
    await same('ai_new');
    expect(await tableRows(env.dest, DB, 'ai_new')).toEqual([`[1,1,"a"]`, `[2,2,"b"]`, `[3,3,"c"]`]);
  });

  it('sequence column (table job): loads out of order on the source, the destination converges on the same rows', async () => {
    const sameSeq = () => waitSameTable(env, TDB, 'seq', `${TDB}_replica`, 'seq');
    await sameSeq();
    await env.src.query(`INSERT INTO ${TDB}.seq VALUES (2, 'v9', 9), (3, 'v1', 1), (4, 'v4', 4);
      INSERT INTO ${TDB}.seq VALUES (2, 'v8', 8), (4, 'v4 later', 4);`);
    await sameSeq();
    expect(await tableRows(env.dest, `${TDB}_replica`, 'seq')).toEqual([`[1,"v5",5]`, `[2,"v9",9]`, `[3,"v2",2]`, `[4,"v4 later",4]`]);
    // Deletes carry a sequence value too: the one older than the row loses.
    await env.src.query(`DELETE FROM ${TDB}.seq WHERE k = 3`);
    await sameSeq();
    await env.waitCaughtUp(TJOB);
    expect((await snapshotSyncs(env, TJOB)).full).toBe(1);
  });

  it('inverted indexes: CREATE INDEX, ALTER TABLE ADD INDEX, DROP INDEX (each re-synced by a partial sync of the table)', async () => {
    await env.src.query(`CREATE TABLE ${DB}.inv (k INT, msg STRING, topic VARCHAR(16), INDEX idx_topic (topic) USING INVERTED COMMENT 'tags')
        DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.inv VALUES (1, 'hello world', 'a'), (2, 'bye', 'b');`);
    await same('inv');
    const sameIndexes = async () => {
      await same('inv');
      expect(await indexesOf(env.dest, DB, 'inv')).toEqual(await indexesOf(env.src, DB, 'inv'));
    };
    await env.src.query(`CREATE INDEX idx_msg ON ${DB}.inv (msg) USING INVERTED PROPERTIES("parser" = "english") COMMENT 'full text'`);
    await sameIndexes();
    await env.src.query(`ALTER TABLE ${DB}.inv ADD INDEX idx_k (k) USING INVERTED; INSERT INTO ${DB}.inv VALUES (3, 'after', 'c');`);
    await sameIndexes();
    await env.src.query(`DROP INDEX idx_topic ON ${DB}.inv; INSERT INTO ${DB}.inv VALUES (4, 'dropped', 'd');`);
    await sameIndexes();
    expect(await indexesOf(env.dest, DB, 'inv')).toEqual(['idx_k k INVERTED  ', 'idx_msg msg INVERTED full text ("parser" = "english")']);
  });

  it('inverted indexes (table job): ADD INDEX and DROP INDEX re-sync the table', async () => {
    const sameInv = async () => {
      await waitSameTable(env, TDB, 'inv', `${TDB}_replica`, 'inv');
      expect(await indexesOf(env.dest, `${TDB}_replica`, 'inv')).toEqual(await indexesOf(env.src, TDB, 'inv'));
    };
    await sameInv();
    await env.src.query(`ALTER TABLE ${TDB}.inv ADD INDEX idx_msg (msg) USING INVERTED; INSERT INTO ${TDB}.inv VALUES (2, 'two');`);
    await sameInv();
    await env.src.query(`ALTER TABLE ${TDB}.inv DROP INDEX idx_k; INSERT INTO ${TDB}.inv VALUES (3, 'three');`);
    await sameInv();
    expect(await indexesOf(env.dest, `${TDB}_replica`, 'inv')).toEqual(['idx_msg msg INVERTED  ']);
  });

  it('all of it replayed without a full sync beyond the first one; partial syncs only for the index changes', async () => {
    await env.waitCaughtUp(JOB);
    expect(await snapshotSyncs(env, JOB)).toEqual({ full: 1, partial: 3 });
    await env.waitCaughtUp(IJOB);
    expect(await snapshotSyncs(env, IJOB)).toEqual({ full: 1, partial: 2 });
  });
});
