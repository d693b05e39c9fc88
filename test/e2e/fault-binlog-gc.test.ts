// Binlog GC past the job's cursor: the source answers TOO_OLD with the DUMMY binlog, which is
// the one event here that needs a full sync. Exactly one is started, the destination
// converges, and the job then goes on incrementally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';

const DB = 'faultgc';
const JOB = 'fault_gc';

describe('binlog GC past the cursor', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 20);
    await env.createJob(JOB, { srcDb: DB });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterAll(async () => env?.close());

  it('TOO_OLD + DUMMY: exactly one full sync, then incremental again', async () => {
    const fullSyncsBefore = await env.metric('ccr_full_syncs_total', { job: JOB });
    expect((await env.api('/pause', { name: JOB })).body).toMatchObject({ success: true });
    await env.src.query(`INSERT INTO ${DB}.t VALUES (1, 'while paused'), (2, 'while paused');
      CREATE TABLE ${DB}.t2 (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1
        PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");
      INSERT INTO ${DB}.t2 VALUES (1, 'x');`);
    const cursor = BigInt(String((await env.progress(JOB))?.prev_commit_seq));
    // Collect everything the job has not read yet.
    const { nextCommitSeq } = await env.src.state();
    expect(BigInt(nextCommitSeq) - 1n).toBeGreaterThan(cursor);
    await env.src.fault({ action: 'gcBinlogs', before: String(BigInt(nextCommitSeq) - 1n) });
    expect((await env.api('/resume', { name: JOB })).body).toMatchObject({ success: true });

    await env.waitCaughtUp(JOB);
    for (const t of ['t', 't2']) {
      await waitSameTable(env, DB, t);
      await expectNoDuplicateKeys(env.dest, DB, t);
    }
    const progress = await env.progress(JOB);
    expect(progress?.full_sync_count, 'full syncs').toBe(2);
    expect(JSON.stringify(progress?.full_sync_info)).toContain('garbage-collected');
    expect(await env.metric('ccr_full_syncs_total', { job: JOB })).toBe(fullSyncsBefore + 1);

    // And incremental from there on: a load and a DDL replay without another snapshot.
    await env.src.query(`INSERT INTO ${DB}.t VALUES (3, 'after'); ALTER TABLE ${DB}.t2 ADD COLUMN w INT DEFAULT "1"; INSERT INTO ${DB}.t2 VALUES (2, 'y', 5)`);
    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await waitSameTable(env, DB, 't2');
    expect((await env.progress(JOB))?.full_sync_count).toBe(2);
  });
});
