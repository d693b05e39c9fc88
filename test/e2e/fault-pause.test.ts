// Errors no retry can fix pause the job with the reason in job_status instead of looping:
// credentials that stopped working after the job was created, and a stored progress row that
// cannot be read. Each shows the operator's way out working.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { backupsOf, createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultpause';
const PASSWORD = 'pause-Pw-1';

describe('errors that pause a job', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv({ sim: { password: PASSWORD } });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
  }, 60_000);
  afterAll(async () => env?.close());

  async function jobOn(table: string, job: string): Promise<void> {
    await createLoadTable(env.src, DB, table, 5);
    await env.createJob(job, { srcDb: DB, srcTable: table });
    await env.waitCaughtUp(job);
  }

  async function pausedReason(job: string): Promise<string> {
    const s = await waitFor(async () => {
      const st = await env.status(job);
      return st.state === 'paused' && st;
    }, `job ${job} to pause`, 10_000);
    expect(typeof s.paused_reason).toBe('string');
    return s.paused_reason as string;
  }

  it('wrong credentials after creation: paused with the reason, no retry loop; resumes once fixed', async () => {
    await jobOn('t_auth', 'pause_auth');
    await env.src.query(`SET PASSWORD FOR 'root' = PASSWORD('changed-Pw-2')`);
    try {
      const reason = await pausedReason('pause_auth');
      expect(reason).toMatch(/Access denied/);
      expect(reason).toMatch(/user and password/);
      expect(reason).not.toContain('changed-Pw-2');
      // Paused means no more attempts: the error count stands still.
      const errors = await env.metric('ccr_errors_total', { job: 'pause_auth' });
      await new Promise((r) => setTimeout(r, 500));
      expect(await env.metric('ccr_errors_total', { job: 'pause_auth' })).toBe(errors);
    } finally {
      await env.src.query(`SET PASSWORD FOR 'root' = PASSWORD('${PASSWORD}')`);
    }
    await env.src.query(`INSERT INTO ${DB}.t_auth VALUES (1, 'after')`);
    expect((await env.api('/resume', { name: 'pause_auth' })).body).toMatchObject({ success: true });
    await env.waitCaughtUp('pause_auth');
    await waitSameTable(env, DB, 't_auth');
    expect((await env.status('pause_auth')).paused_reason).toBeNull();
  });

  it('a corrupt progress row: paused with the reason; the full sync it suggests recovers the job', async () => {
    await jobOn('t_corrupt', 'pause_corrupt');
    await env.killSyncer();
    const db = new Database(join(env.workDir, 'ccr.db'));
    try {
      db.prepare('UPDATE progresses SET progress = ? WHERE job_name = ?').run('{"sync_state": 501, "prev_commit_seq": "not a number"', 'pause_corrupt');
    } finally {
      db.close();
    }
    await env.restartSyncer();
    const reason = await pausedReason('pause_corrupt');
    expect(reason).toMatch(/stored progress of job pause_corrupt is unreadable/);
    expect(reason).toMatch(/skip_by/);

    await env.src.query(`INSERT INTO ${DB}.t_corrupt VALUES (1, 'after')`);
    expect((await env.api('/job_skip_binlog', { name: 'pause_corrupt', skip_by: 'fullsync' })).body).toMatchObject({ success: true });
    expect((await env.api('/resume', { name: 'pause_corrupt' })).body).toMatchObject({ success: true });
    await env.waitCaughtUp('pause_corrupt');
    await waitSameTable(env, DB, 't_corrupt');
    await expectNoDuplicateKeys(env.dest, DB, 't_corrupt');
    expect((await env.status('pause_corrupt')).state).toBe('running');
    // A snapshot of now, not the first full sync's backup found again under the same prefix.
    expect(await backupsOf(env.src, DB, 'pause_corrupt')).toHaveLength(2);
  });
});
