// SIGKILL of the syncer at each point of a full sync, then a restart on the same store: the
// job must pick up the backup and the restore it already started (found by their labels),
// converge to the source without duplicate rows, and not start another full sync. Simulator
// faults hold the syncer at each point (a delayed call, or a call that ran and whose reply is
// held back), so every kill lands where the test says.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { backupsOf, createLoadTable, expectNoDuplicateKeys, restoresOf, simSnapshotJobs } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'crashfs';

describe('SIGKILL during a full sync', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
  }, 60_000);
  afterEach(async () => {
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
  });
  afterAll(async () => env?.close());

  /** Creates a loaded table and a table job for it; the job's full sync starts at once. */
  async function tableWithJob(table: string, job: string): Promise<void> {
    await createLoadTable(env.src, DB, table, 30);
    await env.createJob(job, { srcDb: DB, srcTable: table });
  }

  async function killAndRestart(): Promise<void> {
    await env.killSyncer();
    await Promise.all([env.src.fault({ action: 'clear' }), env.dest.fault({ action: 'clear' })]);
    await env.restartSyncer();
  }

  /** After the restart: caught up, equal, no duplicates, no extra full sync, no restore cancelled. */
  async function expectRecovered(table: string, job: string, fullSyncs = 1): Promise<void> {
    await env.waitCaughtUp(job);
    await env.src.query(`INSERT INTO ${DB}.${table} VALUES (1000, 'after'), (1001, 'after')`);
    await waitSameTable(env, DB, table);
    await expectNoDuplicateKeys(env.dest, DB, table);
    expect((await env.progress(job))?.full_sync_count, 'full syncs').toBe(fullSyncs);
    const restores = await restoresOf(env.dest, DB, job);
    expect(restores.filter((r) => r.State !== 'FINISHED'), 'restores not finished').toEqual([]);
    expect(restores, 'restores').toHaveLength(fullSyncs);
  }

  it('after BACKUP was issued, before its reply: the running backup is reused by its label prefix', async () => {
    await env.src.fault({ action: 'fail', service: 'fe_sql', method: 'backup', delayMs: 30_000, after: true });
    await tableWithJob('t_backup_issued', 'cfs_issued');
    await waitFor(async () => (await simSnapshotJobs(env.src, DB, 'cfs_issued', 'backups')).length > 0, 'the backup to be issued', 10_000);
    await killAndRestart();
    await expectRecovered('t_backup_issued', 'cfs_issued');
    expect(await backupsOf(env.src, DB, 'cfs_issued')).toHaveLength(1);
  });

  it('while the backup waits for a dead source BE: the running backup is polled again', async () => {
    await tableWithJob('t_backup', 'cfs_deadbe');
    await env.waitCaughtUp('cfs_deadbe');
    const be = env.src.ready.bes[1]?.id ?? '';
    await env.src.fault({ action: 'stopBackend', id: be });
    try {
      const r = await env.api('/job_skip_binlog', { name: 'cfs_deadbe', skip_by: 'fullsync' });
      expect(r.body).toMatchObject({ success: true });
      await waitFor(async () => (await backupsOf(env.src, DB, 'cfs_deadbe')).some((b) => b.State === 'SNAPSHOTING'), 'the backup to wait for the BE', 10_000);
      await env.killSyncer();
    } finally {
      await env.src.fault({ action: 'restartBackend', id: be });
    }
    await env.restartSyncer();
    await expectRecovered('t_backup', 'cfs_deadbe', 2);
    expect(await backupsOf(env.src, DB, 'cfs_deadbe')).toHaveLength(2);
  });

  it('while getSnapshot is held: the finished backup is fetched again, not retaken', async () => {
    await env.src.fault({ action: 'fail', service: 'fe', method: 'getSnapshot', delayMs: 30_000 });
    await tableWithJob('t_getsnap', 'cfs_getsnap');
    await waitFor(async () => (await env.src.state()).faults.methodFaults.length === 0, 'getSnapshot to be called', 10_000);
    await killAndRestart();
    await expectRecovered('t_getsnap', 'cfs_getsnap');
    expect(await backupsOf(env.src, DB, 'cfs_getsnap')).toHaveLength(1);
  });

  it('while restoreSnapshot is on its way: one restore is submitted after the restart', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'restoreSnapshot', delayMs: 30_000 });
    await tableWithJob('t_restore_rpc', 'cfs_rpc');
    await waitFor(async () => (await env.dest.state()).faults.methodFaults.length === 0, 'restoreSnapshot to be called', 10_000);
    await killAndRestart();
    await expectRecovered('t_restore_rpc', 'cfs_rpc');
  });

  it('after the restore was submitted, before its reply: the restore is found by its label', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'restoreSnapshot', delayMs: 30_000, after: true });
    await tableWithJob('t_restore_sent', 'cfs_sent');
    const [submitted] = await waitFor(
      async () => {
        const rows = await simSnapshotJobs(env.dest, DB, 'cfs_sent', 'restores');
        return rows.length > 0 && rows;
      },
      'the restore to be submitted',
      10_000,
    );
    await killAndRestart();
    await expectRecovered('t_restore_sent', 'cfs_sent');
    expect((await restoresOf(env.dest, DB, 'cfs_sent')).map((r) => r.Label)).toEqual([submitted?.label]);
  });

  it('while the restore downloads: the same restore is waited for, not reissued', async () => {
    await env.src.fault({ action: 'fail', service: 'be_http', method: 'download_tablet', delayMs: 1500 });
    await tableWithJob('t_download', 'cfs_download');
    const running = await waitFor(
      async () => (await restoresOf(env.dest, DB, 'cfs_download')).find((r) => r.State === 'DOWNLOADING'),
      'the restore to download',
      10_000,
    );
    await killAndRestart();
    await expectRecovered('t_download', 'cfs_download');
    expect((await restoresOf(env.dest, DB, 'cfs_download')).map((r) => r.Label)).toEqual([running.Label]);
  });

  it('during a partial sync (schema change), after its restore was submitted: found by label, still no full sync', async () => {
    await tableWithJob('t_partial', 'cfs_partial');
    await env.waitCaughtUp('cfs_partial');
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'restoreSnapshot', delayMs: 30_000, after: true });
    await env.src.query(`ALTER TABLE ${DB}.t_partial MODIFY COLUMN v VARCHAR(64)`);
    const [submitted] = await waitFor(
      async () => {
        const rows = (await simSnapshotJobs(env.dest, DB, 'cfs_partial', 'restores')).filter((r) => r.label.startsWith('ccrp_'));
        return rows.length > 0 && rows;
      },
      'the partial sync restore to be submitted',
      15_000,
    );
    await killAndRestart();
    await env.waitCaughtUp('cfs_partial');
    await waitSameTable(env, DB, 't_partial');
    const progress = await env.progress('cfs_partial');
    expect(progress).toMatchObject({ full_sync_count: 1, partial_sync_count: 1 });
    const partials = (await restoresOf(env.dest, DB, 'cfs_partial')).filter((r) => r.Label?.startsWith('ccrp_'));
    expect(partials.map((r) => [r.Label, r.State])).toEqual([[submitted?.label, 'FINISHED']]);
  });

  it('right after the restore finished, before the syncer saw it', async () => {
    // Every SHOW RESTORE reply is held back 1 s: a poll that ran after FINISHED cannot have
    // answered yet when the test kills the syncer.
    await env.dest.fault({ action: 'fail', service: 'fe_sql', method: 'showRestore', delayMs: 1000, after: true, count: 1000 });
    await tableWithJob('t_finished', 'cfs_finished');
    await waitFor(
      async () => (await simSnapshotJobs(env.dest, DB, 'cfs_finished', 'restores')).some((r) => r.state === 'FINISHED'),
      'the restore to finish',
      15_000,
    );
    await killAndRestart();
    await expectRecovered('t_finished', 'cfs_finished');
  });
});
