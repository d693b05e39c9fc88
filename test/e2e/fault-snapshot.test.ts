// A full sync's backup or restore cancelled under the job (an operator's CANCEL, a timeout):
// the job takes a new backup or issues a new restore within the same full sync and converges;
// it neither loops on the cancelled one nor starts a second full sync.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { backupsOf, createLoadTable, expectNoDuplicateKeys, restoresOf } from '../support/crash-checks.js';
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

  it('restore cancelled by an operator while it downloads: a new restore is submitted', async () => {
    await env.src.fault({ action: 'fail', service: 'be_http', method: 'download_tablet', delayMs: 1000 });
    await createLoadTable(env.src, DB, 't_restore', 20);
    await env.createJob('snap_restore', { srcDb: DB, srcTable: 't_restore' });
    await waitFor(async () => (await restoresOf(env.dest, DB, 'snap_restore')).some((r) => r.State === 'DOWNLOADING'), 'the restore to download', 10_000);
    await env.dest.query(`CANCEL RESTORE FROM ${DB}`);
    await expectConverged('t_restore', 'snap_restore');
    expect((await restoresOf(env.dest, DB, 'snap_restore')).map((r) => r.State).sort()).toEqual(['CANCELLED', 'FINISHED']);
    expect(await env.metric('ccr_errors_total', { job: 'snap_restore', code: 'CCR_E0407' }), 'the cancellation counted as an error').toBe(1);
  });

  it('snapshot expired before it was fetched (SNAPSHOT_EXPIRED): the full sync starts over, not retried on the expired one', async () => {
    // Doris answers getSnapshot with status 75 once the backup's timeout has passed.
    await env.src.fault({ action: 'fail', service: 'fe', method: 'getSnapshot', status: { code: 75, message: 'snapshot is expired' } });
    await createLoadTable(env.src, DB, 't_expired', 20);
    await env.createJob('snap_expired', { srcDb: DB, srcTable: 't_expired' });
    await expectConverged('t_expired', 'snap_expired', 2);
    expect(await backupsOf(env.src, DB, 'snap_expired')).toHaveLength(2);
    expect(JSON.stringify((await env.progress('snap_expired'))?.full_sync_info)).toContain('expired on the source');
  });

  it("another job's running restore is never cancelled, even when its name extends this job's", async () => {
    await createLoadTable(env.src, DB, 't_long', 20);
    await createLoadTable(env.src, DB, 't_short', 20);
    // snap_x_2's restore downloads slowly; snap_x (a prefix of its name) starts meanwhile.
    await env.src.fault({ action: 'fail', service: 'be_http', method: 'download_tablet', delayMs: 1500 });
    await env.createJob('snap_x_2', { srcDb: DB, srcTable: 't_long' });
    await waitFor(async () => (await restoresOf(env.dest, DB, 'snap_x_2')).some((r) => r.State === 'DOWNLOADING'), 'the restore to download', 10_000);
    await env.createJob('snap_x', { srcDb: DB, srcTable: 't_short' });
    await expectConverged('t_long', 'snap_x_2');
    await expectConverged('t_short', 'snap_x');
    const all = await env.dest.query<Record<string, string>>(`SHOW RESTORE FROM ${DB}`);
    expect(all.filter((r) => r.Label?.startsWith('ccrs_snap_x_') && r.State === 'CANCELLED').map((r) => r.Label)).toEqual([]);
  });

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
    expect(await env.metric('ccr_errors_total', { job: 'snap_backup', code: 'CCR_E0409' }), 'the cancellation counted as an error').toBe(1);
    expect((await backupsOf(env.src, DB, 'snap_backup')).map((b) => b.State).sort()).toEqual(['CANCELLED', 'FINISHED', 'FINISHED']);
  });
});
