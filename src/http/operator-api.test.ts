import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../../test/support/http-harness.js';
import { httpHarness, IDENTITY } from '../../test/support/http-harness.js';
import { tableJobBody, tableJobRequest } from '../../test/support/job-requests.js';
import { waitFor } from '../../test/support/wait.js';
import { encodeJobInfo, newJobSpec } from '../jobs/job-spec.js';
import { createPasswordCipher } from '../jobs/password-cipher.js';

const signal = new AbortController().signal;

type Body = Record<string, unknown>;

async function call(h: HttpHarness, url: string, payload?: unknown, method: 'GET' | 'POST' = 'POST') {
  const opts: InjectOptions = { method, url };
  if (payload !== undefined) {
    opts.payload = typeof payload === 'string' ? payload : JSON.stringify(payload);
    opts.headers = { 'content-type': 'application/json' };
  }
  const res = await h.app.inject(opts);
  const json = res.headers['content-type']?.toString().startsWith('application/json') ? (JSON.parse(res.body) as Body) : undefined;
  return { status: res.statusCode, body: json, text: res.body, headers: res.headers };
}

describe('operator API', () => {
  let h: HttpHarness;

  beforeEach(async () => {
    h = await httpHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  async function createJob(name = 'j1') {
    const r = await call(h, '/create_ccr', tableJobBody(name));
    expect(r).toMatchObject({ status: 200, body: { success: true } });
  }

  it('answers /version on GET and POST', async () => {
    for (const method of ['GET', 'POST'] as const) {
      expect(await call(h, '/version', undefined, method)).toMatchObject({ status: 200, body: { success: true, version: '0.1.0-test' } });
    }
  });

  it('creates a job with Go string ports or numbers, ignoring unknown fields', async () => {
    const r = await call(h, '/create_ccr', { ...tableJobBody('j1'), some_future_field: { x: 1 } });
    expect(r).toMatchObject({ status: 200, body: { success: true } });
    expect(h.engine.prepared[0]?.src).toMatchObject({ port: 9030, thriftPort: 9020, table: 't1' });
    expect(h.engine.prepared[0]?.dest).toMatchObject({ port: 9030, thriftPort: 9020 });
    expect((await h.store.getJob('j1', signal))?.belongTo).toBe(IDENTITY);
  });

  it('lists jobs of every syncer, with their owners', async () => {
    expect((await call(h, '/list_jobs', undefined, 'GET')).body).toEqual({ success: true, jobs: [], owners: {} });
    await createJob('b');
    await h.store.addJob('a', encodeJobInfo(newJobSpec(tableJobRequest('a')), createPasswordCipher('')), 'other:9190', signal);
    expect((await call(h, '/list_jobs', {})).body).toEqual({ success: true, jobs: ['a', 'b'], owners: { a: 'other:9190', b: IDENTITY } });
  });

  it('pauses, resumes and deletes', async () => {
    await createJob();
    expect((await call(h, '/pause', { name: 'j1' })).body).toEqual({ success: true });
    expect((await call(h, '/job_status', { name: 'j1' })).body).toMatchObject({ success: true, status: { name: 'j1', state: 'paused' } });
    expect((await call(h, '/resume', { name: 'j1' })).body).toEqual({ success: true });
    expect((await call(h, '/job_status', { name: 'j1' })).body).toMatchObject({ status: { state: 'running' } });
    expect((await call(h, '/delete', { name: 'j1' })).body).toEqual({ success: true });
    expect(await h.store.getJob('j1', signal)).toBeUndefined();
    expect(await call(h, '/job_status', { name: 'j1' })).toMatchObject({ status: 404, body: { success: false, error_msg: 'job j1 not exist (list the jobs with /list_jobs)' } });
  });

  it('reports job_status with the V25 fields and more', async () => {
    await createJob();
    h.engine.produce('j1', 4);
    await waitFor(async () => (await call(h, '/job_status', { name: 'j1' })).body?.status, 'status', 5000);
    await waitFor(async () => ((await call(h, '/job_status', { name: 'j1' })).body?.status as Body).commit_seq === 4, 'commit seq 4');
    const r = await call(h, '/job_status?name=j1', undefined, 'GET');
    expect(r.body).toEqual({
      success: true,
      status: { name: 'j1', state: 'running', progress_state: 'TableIncrementalSync', sub_sync_state: 'Done', commit_seq: 4, paused_reason: null, last_error: null },
    });
  });

  it('shows job_detail as an object with masked passwords and 64-bit ids intact', async () => {
    await createJob();
    const r = await call(h, '/job_detail', { name: 'j1' });
    expect(r.status).toBe(200);
    const detail = r.body?.job_detail as Body;
    expect(detail).toMatchObject({ name: 'j1', sync_type: 1, state: 0, src: { password: '******', port: '9030' }, dest: { password: '******' } });
    expect(r.text).toContain('"db_id":10000000000000001');
  });

  it('shows job_progress as an object with data blanked, null before the first checkpoint', async () => {
    await createJob();
    const progress = await call(h, '/job_progress', { name: 'j1' });
    expect(progress.body).toMatchObject({ success: true });
    await h.jobs.pause('j1', signal);
    await h.store.updateProgress('j1', '{"job_name":"j1","sync_state":501,"prev_commit_seq":9007199254740993,"data":"huge"}', signal);
    const r = await call(h, '/job_progress', { name: 'j1' });
    expect(r.body).toMatchObject({ success: true, job_progress: { job_name: 'j1', sync_state: 501, data: '' } });
    expect(r.text).toContain('"prev_commit_seq":9007199254740993');
    await h.store.removeJob('j1', signal);
    await h.store.addJob('fresh', encodeJobInfo({ ...newJobSpec(tableJobRequest('fresh')), state: 'paused' }, createPasswordCipher('')), IDENTITY, signal);
    expect((await call(h, '/job_progress', { name: 'fresh' })).body).toEqual({ success: true, job_progress: null });
  });

  it('reports get_lag with the V25 fields', async () => {
    await createJob();
    h.engine.produce('j1', 3);
    await waitFor(async () => (await h.store.getProgress('j1', signal))?.includes('"prev_commit_seq":3'), 'progress 3');
    await h.jobs.pause('j1', signal);
    h.engine.produce('j1', 2);
    const r = await call(h, '/get_lag', { name: 'j1' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, lag: 2, first_commit_seq: 1, last_commit_seq: 5, next_commit_seq: 4, time_interval_secs: 1 });
    expect(r.body?.last_binlog_timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('fills the extra fields with zero values on failure, like Go', async () => {
    expect((await call(h, '/get_lag', { name: 'nope' })).body).toMatchObject({
      success: false,
      lag: 0,
      first_commit_seq: 0,
      last_binlog_timestamp: '',
      error_msg: expect.stringContaining('not exist') as unknown,
    });
  });

  it('passes intents to the job: force_fullsync, job_skip_binlog, update_host_mapping', async () => {
    await createJob();
    expect((await call(h, '/force_fullsync', { name: 'j1' })).body).toEqual({ success: true });
    await waitFor(async () => ((await call(h, '/job_status', { name: 'j1' })).body?.status as Body).progress_state === 'TableFullSync', 'full sync');
    expect((await call(h, '/job_skip_binlog', { name: 'j1', skip_by: 'SILENCE', skip_commit_seq: 1001 })).body).toEqual({ success: true });
    expect((await h.store.getJob('j1', signal))?.jobInfo).toContain('"skip_by":"silence","skip_commit_seq":1001');
    expect((await call(h, '/job_skip_binlog', { name: 'j1', skip_by: 'partialsync', skip_table: 't1', skip_table_id: 77 })).body).toEqual({ success: true });
    expect((await call(h, '/update_host_mapping', { name: 'j1', src_host_mapping: { '172.0.0.1': '1.2.3.4' } })).body).toEqual({ success: true });
    expect(((await call(h, '/job_detail', { name: 'j1' })).body?.job_detail as { src: Body }).src.host_mapping).toEqual({ '172.0.0.1': '1.2.3.4' });
  });

  it('runs desync and sync through the engine', async () => {
    await createJob();
    expect((await call(h, '/desync', { name: 'j1' })).body).toEqual({ success: true });
    expect(h.engine.beingSynced.get('j1')).toBe(false);
    expect((await call(h, '/sync', { name: 'j1' })).body).toEqual({ success: true });
    expect(h.engine.beingSynced.get('j1')).toBe(true);
  });

  it('lists the feature flags with values and Go defaults', async () => {
    const r = await call(h, '/features', undefined, 'GET');
    const flags = r.body?.flags as Array<{ feature: string; value: boolean; default: string }>;
    expect(flags).toContainEqual({ feature: 'feature_atomic_restore', value: true, default: 'true' });
    expect(flags).toContainEqual({ feature: 'feature_clean_table_and_partitions', value: false, default: 'false' });
    expect(flags.map((f) => f.feature)).toEqual([...flags.map((f) => f.feature)].sort());
  });

  it('stores the monitor interval', async () => {
    expect((await call(h, '/get_monitor_interval', undefined, 'GET')).body).toEqual({ success: true, interval_seconds: 120 });
    expect((await call(h, '/update_monitor_interval', { interval_seconds: 30 })).body).toEqual({ success: true });
    expect((await call(h, '/get_monitor_interval', {})).body).toEqual({ success: true, interval_seconds: 30 });
  });

  it('serves Prometheus metrics from its own registry', async () => {
    await createJob();
    await call(h, '/list_jobs', {});
    const r = await call(h, '/metrics', undefined, 'GET');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.text).toContain('ccr_http_requests_total{route="/list_jobs",status="200"} 1');
    expect(r.text).toContain('ccr_jobs{state="running"} 1');
    expect(r.text).toContain('ccr_job_state{job="j1",state="running"} 1');
  });

  it('answers 404 with the envelope for an unknown endpoint', async () => {
    expect(await call(h, '/nope', {})).toMatchObject({ status: 404, body: { success: false, error_code: 'CCR_H0404' } });
  });

  it('refuses a duplicate job with 409 and a job set on one side only with 400, persisting nothing', async () => {
    await createJob();
    expect(await call(h, '/create_ccr', tableJobBody('j1'))).toMatchObject({ status: 409, body: { success: false, error_msg: expect.stringContaining('already exists') as unknown } });
    const half = tableJobBody('half') as { dest: Body };
    half.dest.table = '';
    expect(await call(h, '/create_ccr', half)).toMatchObject({ status: 400, body: { error_msg: expect.stringMatching(/^dest\.table: /) as unknown } });
    expect(await call(h, '/create_ccr', { ...tableJobBody('cs'), cluster_sync: true })).toMatchObject({ status: 400 });
    expect(await h.store.getJob('half', signal)).toBeUndefined();
    expect(await h.store.getJob('cs', signal)).toBeUndefined();
  });
});

