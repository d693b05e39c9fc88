// A full sync's backup or restore cancelled under the job (an operator's CANCEL, a timeout):
// the job takes a new backup or issues a new restore within the same full sync and converges;
// it neither loops on the cancelled one nor starts a second full sync.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { backupsOf, createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultsnap';

describe('a backup or restore cancelled under the job', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
  }, 60_000);
  afterEach(async () => {
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
  });
  afterAll(async () => env?.close());

  async function expectConverged(table: string, job: string, fullSyncs = 1): Promise<void> {
    await env.waitCaughtUp(job);
    await env.src.query(`INSERT INTO ${DB}.${table} VALUES (1000, 'after')`);
    await waitSameTable(env, DB, table);
    await expectNoDuplicateKeys(env.dest, DB, table);
    expect((await env.progress(job))?.full_sync_count, 'full syncs').toBe(fullSyncs);
    expect((await env.status(job)).last_error).toBeNull();
  }

  it('backup cancelled while it waits for a dead source BE: a new backup is taken', async () => {
    await createLoadTable(env.src, DB, 't_backup', 20);
    await env.createJob('snap_backup', { srcDb: DB, srcTable: 't_backup' });
    await env.waitCaughtUp('snap_backup');
    const be = env.src.ready.bes[1]?.id ?? '';
    await env.src.fault({ action: 'stopBackend', id: be });
    try {
      expect((await env.api('/job_skip_binlog', { name: 'snap_backup', skip_by: 'fullsync' })).body).toMatchObject({ success: true });
      await waitFor(async () => (await backupsOf(env.src, DB, 'snap_backup')).some((b) => b.State === 'SNAPSHOTING'), 'the backup to wait for the BE', 10_000);
      await env.src.query(`CANCEL BACKUP FROM ${DB}`);
    } finally {
      await env.src.fault({ action: 'restartBackend', id: be });
    }
    await expectConverged('t_backup', 'snap_backup', 2);
    expect((await backupsOf(env.src, DB, 'snap_backup')).map((b) => b.State).sort()).toEqual(['CANCELLED', 'FINISHED', 'FINISHED']);
  });
});
