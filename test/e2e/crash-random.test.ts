// Randomised crash loop: right from the job's creation, loaders write to two tables while the
// syncer is SIGKILLed at random moments (fixed seed) and restarted, with DDL mixed in.
// Whatever was in flight at each kill — backup, restore, ingests, commits, checkpoints, DDL —
// the destination must end equal to the source, without a duplicate row and without a full
// sync beyond the job's first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { startRowLoader } from '../support/row-loader.js';

const DB = 'crashrnd';
const JOB = 'crash_rnd';
const SEED = 0x5eed_c0de;
const KILLS = 8;

/** mulberry32: a tiny deterministic PRNG, so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('randomised SIGKILLs while loaders run', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 'r1', 50);
    await createLoadTable(env.src, DB, 'r2', 50, 1);
  }, 60_000);
  afterAll(async () => env?.close());

  it(`${KILLS} kills at random moments (seed ${SEED.toString(16)}): equal, no duplicates, no extra full sync`, async () => {
    const random = prng(SEED);
    // The first kills land in the job's full sync (backup, restore), the later ones in
    // DBTablesIncrementalSync and DBIncrementalSync.
    await env.createJob(JOB, { srcDb: DB });
    const loaders = [startRowLoader(env.src, DB, 'r1', { pauseMs: 30 }), startRowLoader(env.src, DB, 'r2', { pauseMs: 30, batch: 1 })];
    const tables = new Set(['r1', 'r2']);
    try {
      for (let i = 0; i < KILLS; i++) {
        await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 600)));
        const dice = random();
        if (dice < 0.25) {
          await env.src.query(`ALTER TABLE ${DB}.r1 ADD COLUMN c${i} INT DEFAULT "${i}"`);
        } else if (dice < 0.4) {
          await env.src.query(`CREATE TABLE ${DB}.x${i} (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1
            PROPERTIES ("replication_num" = "1", "binlog.enable" = "true"); INSERT INTO ${DB}.x${i} VALUES (${i}, 'x')`);
          tables.add(`x${i}`);
        }
        // Let the syncer run into whatever it does next, then kill it mid-way.
        await new Promise((r) => setTimeout(r, Math.floor(random() * 40)));
        await env.killSyncer();
        await env.restartSyncer();
      }
    } finally {
      for (const l of loaders) await l.stop();
    }
    await env.waitCaughtUp(JOB, 30_000);
    for (const t of tables) {
      await waitSameTable(env, DB, t);
      await expectNoDuplicateKeys(env.dest, DB, t);
    }
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
  }, 90_000);
});
