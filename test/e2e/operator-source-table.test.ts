// A table job whose source table disappears, with --feature_resync_on_table_recreate=false:
// dropped, the job shows why it cannot go on and recovers with RECOVER TABLE; dropped and
// recreated, it pauses with the reason, and a full sync requested while paused survives a
// syncer restart and makes the job follow the new table (doc/operations.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { waitFor } from '../support/wait.js';

const DB = 'ost';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('table jobs whose source table was dropped', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv({ syncerArgs: ['--feature_resync_on_table_recreate=false'] });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.gone (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.again (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.gone VALUES (1, 'a');
      INSERT INTO ${DB}.again VALUES (1, 'old');`);
    await env.createJob('ost_gone', { srcDb: DB, srcTable: 'gone', destDb: 'ost_dest' });
    await env.createJob('ost_again', { srcDb: DB, srcTable: 'again', destDb: 'ost_dest' });
    await waitSameTable(env, DB, 'gone', 'ost_dest', 'gone');
    await waitSameTable(env, DB, 'again', 'ost_dest', 'again');
  });
  afterAll(async () => env?.close());

  it('dropped: job_status says so until the table is recovered, then replication goes on', async () => {
    await env.waitCaughtUp('ost_gone');
    await env.src.query(`DROP TABLE ${DB}.gone`);
    const error = await waitFor(async () => {
      const s = await env.status('ost_gone');
      return (s.last_error as { code?: string; message?: string } | null)?.code === 'CCR_E0212' ? s : undefined;
    }, 'last_error of the dropped table', 10_000);
    expect(error).toMatchObject({ state: 'running', last_error: { message: expect.stringMatching(/source table ost\.gone \(id \d+\) no longer exists/) as unknown } });
    await env.src.query(`RECOVER TABLE ${DB}.gone; INSERT INTO ${DB}.gone VALUES (2, 'after recover');`);
    await waitSameTable(env, DB, 'gone', 'ost_dest', 'gone', 70_000);
    await waitFor(async () => (await env.status('ost_gone')).last_error === null, 'last_error cleared', 70_000);
  });

  it('dropped and recreated: paused with the reason; a full sync requested while paused survives a restart', async () => {
    await env.waitCaughtUp('ost_again');
    await env.src.query(`DROP TABLE ${DB}.again;
      CREATE TABLE ${DB}.again (k INT, w INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 ${PROPS};
      INSERT INTO ${DB}.again VALUES (7, 7, 'new');`);
    const paused = await waitFor(async () => {
      const s = await env.status('ost_again');
      return s.state === 'paused' ? s : undefined;
    }, 'the job to pause', 10_000);
    expect(paused.paused_reason).toMatch(/source table ost\.again was dropped and recreated \(id \d+ -> \d+\): run \/force_fullsync and \/resume/);
    expect((await env.api('/job_skip_binlog', { name: 'ost_again', skip_by: 'fullsync' })).body).toEqual({ success: true });
    await env.restartSyncer();
    expect((await env.status('ost_again')).state).toBe('paused');
    expect((await env.api('/resume', { name: 'ost_again' })).body).toEqual({ success: true });
    await waitSameTable(env, DB, 'again', 'ost_dest', 'again');
    await env.waitCaughtUp('ost_again');
    expect(await env.status('ost_again')).toMatchObject({ state: 'running', paused_reason: null });
    expect(await env.progress('ost_again')).toMatchObject({ full_sync_info: { info: 'requested by an operator' } });
    await env.src.query(`INSERT INTO ${DB}.again VALUES (7, 8, 'updated')`);
    await waitSameTable(env, DB, 'again', 'ost_dest', 'again');
  });
});
