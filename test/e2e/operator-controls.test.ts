// Every operator control through the HTTP API on live jobs: pause/resume without loss, get_lag
// while behind and caught up, job_status errors and their recovery, job_progress, job_detail,
// list_jobs, /view, /metrics, force_fullsync, job_skip_binlog (silence, partialsync),
// desync/sync, update_host_mapping and delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, tableSchema, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { snapshotSyncs, waitSyncs } from '../support/ccr-observe.js';
import { waitFor } from '../support/wait.js';

const DB = 'opc';
const PASSWORD = 'ccr-Secret-1';
const TABLE_JOB = 'opc_table';
const DB_JOB = 'opc_db';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('operator controls', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv({ sim: { password: PASSWORD } });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.t (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.u (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      INSERT INTO ${DB}.t VALUES (1, 'a'), (2, 'b');
      INSERT INTO ${DB}.u VALUES (1, 1);`);
    await env.createJob(TABLE_JOB, { srcDb: DB, srcTable: 't', destDb: 'opc_t', destTable: 't' });
    await env.createJob(DB_JOB, { srcDb: DB, destDb: 'opc_all' });
    await Promise.all([waitSameTable(env, DB, 't', 'opc_t', 't'), waitSameTable(env, DB, 't', 'opc_all', 't'), waitSameTable(env, DB, 'u', 'opc_all', 'u')]);
    await Promise.all([env.waitCaughtUp(TABLE_JOB), env.waitCaughtUp(DB_JOB)]);
  });
  afterAll(async () => env?.close());

  const lagOf = async (name: string) => (await env.api('/get_lag', { name })).body;
  const commitSeq = async (name: string) => Number((await env.status(name)).commit_seq);
  const http = async (path: string) => (await fetch(`http://127.0.0.1:${await env.syncer.port()}${path}`)).text();

  it('list_jobs, job_detail (passwords masked), job_progress and job_status agree', async () => {
    expect((await env.api('/list_jobs')).body).toMatchObject({ success: true, jobs: expect.arrayContaining([TABLE_JOB, DB_JOB]) as unknown });
    const detail = await env.api('/job_detail', { name: TABLE_JOB });
    expect(detail.body.job_detail).toMatchObject({ name: TABLE_JOB, sync_type: 1, src: { password: '******', table: 't' }, dest: { password: '******' } });
    expect(JSON.stringify(detail.body)).not.toContain(PASSWORD);
    const status = await env.status(TABLE_JOB);
    expect(status).toMatchObject({ name: TABLE_JOB, state: 'running', progress_state: 'TableIncrementalSync', sub_sync_state: 'Done', last_error: null });
    expect(await env.progress(TABLE_JOB)).toMatchObject({ job_name: TABLE_JOB, sync_state: 501, prev_commit_seq: status.commit_seq, data: '' });
    expect(await env.progress(DB_JOB)).toMatchObject({ job_name: DB_JOB, sync_state: expect.any(Number) as unknown });
  });

  it('pause applies nothing, get_lag shows the backlog; resume catches up with no loss', async () => {
    expect((await env.api('/pause', { name: TABLE_JOB })).body).toEqual({ success: true });
    await waitFor(async () => (await env.status(TABLE_JOB)).state === 'paused', 'job paused');
    const seqBefore = await commitSeq(TABLE_JOB);
    const rowsBefore = await tableRows(env.dest, 'opc_t', 't');
    // More loads than one getBinlog batch (16), rewriting the same keys: the resumed job must
    // fetch them all and commit them in order for the last write to win.
    const loads = Array.from({ length: 40 }, (_, i) => `INSERT INTO ${DB}.t VALUES (${1 + (i % 3)}, 'write ${i}');`);
    await env.src.query(`INSERT INTO ${DB}.t VALUES (3, 'while paused'); ${loads.join(' ')}`);
    const behind = await waitFor(async () => {
      const lag = await lagOf(TABLE_JOB);
      return Number(lag.lag) >= 41 ? lag : undefined;
    }, 'lag to show the loads');
    expect(Number(behind.next_commit_seq)).toBeGreaterThan(seqBefore);
    expect(Number(behind.last_commit_seq)).toBeGreaterThanOrEqual(Number(behind.next_commit_seq));
    // Syncer-local "YYYY-MM-DD HH:MM:SS" of binlogs written a moment ago.
    for (const key of ['first_binlog_timestamp', 'next_binlog_timestamp', 'last_binlog_timestamp']) expect(behind[key]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const localMs = (v: unknown) => new Date(String(v).replace(' ', 'T')).getTime();
    expect(Math.abs(Date.now() - localMs(behind.last_binlog_timestamp))).toBeLessThan(60_000);
    expect(localMs(behind.last_binlog_timestamp)).toBeGreaterThanOrEqual(localMs(behind.next_binlog_timestamp));
    expect(localMs(behind.next_binlog_timestamp)).toBeGreaterThanOrEqual(localMs(behind.first_binlog_timestamp));
    expect(Number(behind.time_interval_secs)).toBeGreaterThanOrEqual(0);
    expect(Number(behind.time_interval_secs)).toBeLessThan(60);
    // Ten idle-poll intervals later, still nothing applied.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await tableRows(env.dest, 'opc_t', 't')).toEqual(rowsBefore);
    expect(await commitSeq(TABLE_JOB)).toBe(seqBefore);

    expect((await env.api('/resume', { name: TABLE_JOB })).body).toEqual({ success: true });
    await waitSameTable(env, DB, 't', 'opc_t', 't');
    expect(await tableRows(env.dest, 'opc_t', 't')).toEqual(['[1,"write 39"]', '[2,"write 37"]', '[3,"write 38"]']);
    await env.waitCaughtUp(TABLE_JOB);
    const caughtUp = await lagOf(TABLE_JOB);
    expect(caughtUp).toMatchObject({ success: true, lag: 0, time_interval_secs: 0 });
    expect(await commitSeq(TABLE_JOB)).toBe(Number(caughtUp.last_commit_seq));
    expect(await snapshotSyncs(env, TABLE_JOB)).toEqual({ full: 1, partial: 0 });
  });

  it('/metrics: commit seq, lag, handled binlogs and RPC timings with the job label', async () => {
    const seq = await commitSeq(TABLE_JOB);
    expect(await env.metric('ccr_binlog_commit_seq', { job: TABLE_JOB })).toBe(seq);
    expect(await env.metric('ccr_job_lag_binlogs', { job: TABLE_JOB })).toBe(0);
    expect(await env.metric('ccr_job_lag_seconds', { job: TABLE_JOB })).toBe(0);
    expect(await env.metric('ccr_binlogs_handled_total', { job: TABLE_JOB, type: 'UPSERT' })).toBeGreaterThanOrEqual(2);
    expect(await env.metric('ccr_full_syncs_total', { job: DB_JOB })).toBe(1);
    expect(await env.metric('ccr_job_state', { job: DB_JOB, state: 'running' })).toBe(1);
    const text = await http('/metrics');
    expect(text).toMatch(/^ccr_rpc_duration_seconds_count\{side="source",method="getBinlog",outcome="ok"\} [1-9]/m);
    expect(text).not.toContain(PASSWORD);
  });

  it('/view in all three forms', async () => {
    const raw = await env.api('/view?type=raw');
    const rows = raw.body.jobs as Record<string, unknown>[];
    expect(rows.find((r) => r.name === TABLE_JOB)).toMatchObject({ type: 'table', state: 'running', sync_state: 'TableIncrementalSync', last_fullsync_reason: 'new job' });
    expect(rows.find((r) => r.name === DB_JOB)).toMatchObject({ type: 'db', state: 'running' });
    const table = await http('/view?type=table');
    expect(table).toMatch(new RegExp(`\\| ${TABLE_JOB} +\\|`));
    expect(table).toContain('Last Fullsync Reason');
    const html = await http('/view');
    expect(html).toContain(`<td>${DB_JOB}</td>`);
    expect(html).not.toContain(PASSWORD);
    expect((await env.api('/view?type=pdf')).status).toBe(400);
  });

  it('job_status shows the error the job retries, and clears it on recovery', async () => {
    await env.src.fault({ action: 'fail', service: 'fe', method: 'getBinlog', count: 10_000, status: { code: 6, message: 'injected getBinlog failure' } });
    try {
      const failing = await waitFor(async () => {
        const s = await env.status(DB_JOB);
        return s.last_error ? (s.last_error as Record<string, unknown>) : undefined;
      }, 'last_error on job_status', 10_000);
      expect(failing.message).toMatch(/getBinlog.*injected getBinlog failure/);
      expect(Date.parse(String(failing.retry_at))).toBeGreaterThanOrEqual(Date.parse(String(failing.at)));
      expect((await env.status(DB_JOB)).state).toBe('running');
    } finally {
      await env.src.fault({ action: 'clear' });
    }
    await waitFor(async () => (await env.status(DB_JOB)).last_error === null, 'last_error cleared', 70_000);
    await env.src.query(`INSERT INTO ${DB}.u VALUES (2, 2)`);
    await waitSameTable(env, DB, 'u', 'opc_all', 'u');
  });

  it('job_skip_binlog silence skips exactly that binlog', async () => {
    await env.api('/pause', { name: TABLE_JOB });
    await waitFor(async () => (await env.status(TABLE_JOB)).state === 'paused', 'job paused');
    await env.src.query(`INSERT INTO ${DB}.t VALUES (40, 'skipped')`);
    const skipped = await waitFor(async () => {
      const lag = await lagOf(TABLE_JOB);
      return Number(lag.lag) === 1 ? Number(lag.last_commit_seq) : undefined;
    }, 'the load to skip in the lag');
    await env.src.query(`INSERT INTO ${DB}.t VALUES (41, 'kept')`);
    expect((await env.api('/job_skip_binlog', { name: TABLE_JOB, skip_by: 'silence', skip_commit_seq: skipped })).body).toEqual({ success: true });
    expect(((await env.api('/job_detail', { name: TABLE_JOB })).body.job_detail as Record<string, unknown>).extra).toMatchObject({
      skip_by: 'silence',
      skip_commit_seq: skipped,
    });
    await env.api('/resume', { name: TABLE_JOB });
    await env.waitCaughtUp(TABLE_JOB);
    const dest = await tableRows(env.dest, 'opc_t', 't');
    expect(dest).toContain('[41,"kept"]');
    expect(dest).not.toContain('[40,"skipped"]');
    // Applied or not, the request is done once the cursor passed it.
    await waitFor(async () => {
      const extra = ((await env.api('/job_detail', { name: TABLE_JOB })).body.job_detail as { extra?: Record<string, unknown> }).extra ?? {};
      return extra.skip_by === undefined || extra.skip_by === '';
    }, 'skip request cleared');
    // Operators repair the skipped row themselves; a full sync does it here (next test).
  });

  it('force_fullsync re-copies the table (and repairs what was skipped)', async () => {
    const before = await snapshotSyncs(env, TABLE_JOB);
    expect((await env.api('/force_fullsync', { name: TABLE_JOB })).body).toEqual({ success: true });
    expect(await waitSyncs(env, TABLE_JOB, { full: before.full + 1 })).toEqual({ full: before.full + 1, partial: before.partial });
    await waitSameTable(env, DB, 't', 'opc_t', 't');
    expect(await env.progress(TABLE_JOB)).toMatchObject({ full_sync_info: { info: 'requested by an operator' } });
  });

  it('job_skip_binlog partialsync re-copies one table of a database job', async () => {
    const progress = (await env.progress(DB_JOB)) as { table_name_mapping: Record<string, string> };
    const [uId] = Object.entries(progress.table_name_mapping).find(([, name]) => name === 'u') ?? [];
    // A destination row nobody should have written: the partial sync restores the source's table.
    await env.dest.query(`INSERT INTO opc_all.u VALUES (999, 999)`);
    const before = await snapshotSyncs(env, DB_JOB);
    const bad = await env.api('/job_skip_binlog', { name: DB_JOB, skip_by: 'partialsync', skip_table: 'u' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_msg).toMatch(/skip_table_id/);
    const r = await env.api('/job_skip_binlog', { name: DB_JOB, skip_by: 'partialsync', skip_table: 'u', skip_table_id: Number(uId) });
    expect(r.body).toEqual({ success: true });
    expect(await waitSyncs(env, DB_JOB, { partial: before.partial + 1 })).toEqual({ full: before.full, partial: before.partial + 1 });
    await waitSameTable(env, DB, 'u', 'opc_all', 'u');
  });

  it('desync and sync toggle is_being_synced on the destination tables; the job keeps running', async () => {
    const synced = async (db: string, table: string) => /"is_being_synced" = "true"/.test((await env.dest.query<Record<string, string>>(`SHOW CREATE TABLE ${db}.${table}`))[0]?.['Create Table'] ?? '');
    expect(await synced('opc_t', 't')).toBe(true);
    expect((await env.api('/desync', { name: DB_JOB })).body).toEqual({ success: true });
    expect([await synced('opc_all', 't'), await synced('opc_all', 'u')]).toEqual([false, false]);
    expect((await env.api('/desync', { name: TABLE_JOB })).body).toEqual({ success: true });
    expect(await synced('opc_t', 't')).toBe(false);
    expect((await env.status(DB_JOB)).state).toBe('running');
    await env.src.query(`INSERT INTO ${DB}.u VALUES (3, 3)`);
    await waitSameTable(env, DB, 'u', 'opc_all', 'u');
    expect((await env.api('/sync', { name: DB_JOB })).body).toEqual({ success: true });
    expect((await env.api('/sync', { name: TABLE_JOB })).body).toEqual({ success: true });
    expect([await synced('opc_all', 't'), await synced('opc_all', 'u'), await synced('opc_t', 't')]).toEqual([true, true, true]);
    expect(await tableSchema(env.dest, 'opc_all', 'u')).toBe(await tableSchema(env.src, DB, 'u'));
  });

  it('update_host_mapping is persisted and shown in job_detail and /view', async () => {
    const empty = await env.api('/update_host_mapping', { name: DB_JOB });
    expect(empty.status).toBe(400);
    expect(empty.body.error_msg).toMatch(/host_mapping is empty/);
    const r = await env.api('/update_host_mapping', { name: DB_JOB, src_host_mapping: { '172.16.0.9': '127.0.0.9', '172.16.0.10': '127.0.0.10' }, dest_host_mapping: { '10.1.1.1': '127.0.0.11' } });
    expect(r.body).toEqual({ success: true });
    await env.api('/update_host_mapping', { name: DB_JOB, src_host_mapping: { '172.16.0.10': '' } });
    const detail = async () => (await env.api('/job_detail', { name: DB_JOB })).body.job_detail as Record<string, { host_mapping: unknown }>;
    expect((await detail()).src?.host_mapping).toEqual({ '172.16.0.9': '127.0.0.9' });
    expect((await detail()).dest?.host_mapping).toEqual({ '10.1.1.1': '127.0.0.11' });
    const rows = (await env.api('/view?type=raw')).body.jobs as Record<string, unknown>[];
    expect(rows.find((row) => row.name === DB_JOB)?.is_hostmapping).toBe(true);
    // The job still works with the mapping, and the mapping survives a restart.
    await env.src.query(`INSERT INTO ${DB}.u VALUES (4, 4)`);
    await waitSameTable(env, DB, 'u', 'opc_all', 'u');
    await env.restartSyncer();
    expect((await detail()).src?.host_mapping).toEqual({ '172.16.0.9': '127.0.0.9' });
    await env.waitCaughtUp(DB_JOB);
  });

  it('delete removes the job and leaves the destination untouched', async () => {
    await env.waitCaughtUp(TABLE_JOB);
    const rows = await tableRows(env.dest, 'opc_t', 't');
    expect((await env.api('/delete', { name: TABLE_JOB })).body).toEqual({ success: true });
    expect((await env.api('/list_jobs')).body.jobs).not.toContain(TABLE_JOB);
    const gone = await env.api('/job_status', { name: TABLE_JOB });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, error_code: 'CCR_J0001' });
    expect(await env.metric('ccr_binlog_commit_seq', { job: TABLE_JOB })).toBe(0);
    await env.src.query(`INSERT INTO ${DB}.t VALUES (50, 'after delete')`);
    await waitSameTable(env, DB, 't', 'opc_all', 't'); // the database job still replicates it
    expect(await tableRows(env.dest, 'opc_t', 't')).toEqual(rows);
    const ddl = (await env.dest.query<Record<string, string>>(`SHOW CREATE TABLE opc_t.t`))[0]?.['Create Table'];
    expect(ddl).toContain('"is_being_synced" = "true"');
  });
  it('pause in the middle of a partial sync, resume finishes it', async () => {
    await env.src.query(`INSERT OVERWRITE TABLE ${DB}.u VALUES (60, 60)`);
    await waitFor(async () => (await env.status(DB_JOB)).progress_state === 'DBPartialSync', 'the partial sync to start');
    await env.api('/pause', { name: DB_JOB });
    await waitFor(async () => (await env.status(DB_JOB)).state === 'paused', 'job paused');
    expect((await env.status(DB_JOB)).progress_state).toBe('DBPartialSync');
    await env.api('/resume', { name: DB_JOB });
    await waitSameTable(env, DB, 'u', 'opc_all', 'u');
    await env.waitCaughtUp(DB_JOB);
  });

  it('a job deleted during its full sync can be created again under the same name', async () => {
    await env.createJob('opc_again', { srcDb: DB, srcTable: 'u', destDb: 'opc_again' });
    await waitFor(async () => (await env.status('opc_again')).sub_sync_state === 'WaitRestoreDone', 'the restore to run', 10_000);
    expect((await env.api('/delete', { name: 'opc_again' })).body).toEqual({ success: true });
    await env.createJob('opc_again', { srcDb: DB, srcTable: 'u', destDb: 'opc_again' }, { allow_table_exists: true });
    await waitSameTable(env, DB, 'u', 'opc_again', 'u');
    await env.waitCaughtUp('opc_again');
  });
  it('a restore cancelled on the destination is submitted again', async () => {
    // The restore's downloads from the source BEs fail a few times: Doris cancels the restore.
    await env.src.fault({ action: 'fail', service: 'be_http', method: 'download_tablet', count: 3, status: { code: 1, message: 'injected download failure' } });
    try {
      await env.createJob('opc_cancelled', { srcDb: DB, srcTable: 't', destDb: 'opc_cancelled' });
      await waitSameTable(env, DB, 't', 'opc_cancelled', 't');
    } finally {
      await env.src.fault({ action: 'clear' });
    }
    expect(await env.metric('ccr_errors_total', { job: 'opc_cancelled', code: 'CCR_E0407' })).toBeGreaterThanOrEqual(1);
    await env.waitCaughtUp('opc_cancelled');
    expect((await env.status('opc_cancelled')).last_error).toBeNull();
  });
  it('a restore cancelled every time stays in job_status and is resubmitted ever less often', async () => {
    await env.src.fault({ action: 'fail', service: 'be_http', method: 'download_tablet', count: 100_000, status: { code: 1, message: 'injected download failure' } });
    const delays = new Map<string, number>(); // last_error.at → retry_at − at, of each cancellation
    let clearedWhileStuck = 0;
    try {
      await env.createJob('opc_stuck', { srcDb: DB, srcTable: 'u', destDb: 'opc_stuck' });
      const until = Date.now() + 9_000;
      while (Date.now() < until) {
        const e = (await env.status('opc_stuck')).last_error as { code: string; at: string; retry_at: string } | null;
        if (e?.code === 'CCR_E0407') delays.set(e.at, Date.parse(e.retry_at) - Date.parse(e.at));
        else if (e === null && delays.size > 0) clearedWhileStuck += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await env.src.fault({ action: 'clear' });
    }
    expect(clearedWhileStuck, 'job_status never looks healthy between two resubmissions').toBe(0);
    const d = [...delays.values()];
    expect(d.length, `cancellations seen: ${JSON.stringify(d)}`).toBeGreaterThanOrEqual(3);
    expect(d[d.length - 1], `backoff delays: ${JSON.stringify(d)}`).toBeGreaterThanOrEqual(3 * (d[0] ?? 0));
    await waitSameTable(env, DB, 'u', 'opc_stuck', 'u', 30_000);
    await env.waitCaughtUp('opc_stuck');
    expect((await env.status('opc_stuck')).last_error).toBeNull();
  });
});
