// Bad input on every endpoint: a 4xx with the Go envelope and a message naming the field,
// never a 500, and nothing persisted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../../test/support/http-harness.js';
import { httpHarness } from '../../test/support/http-harness.js';
import { tableJobBody } from '../../test/support/job-requests.js';

const signal = new AbortController().signal;

const ENDPOINTS = [
  '/version',
  '/create_ccr',
  '/get_lag',
  '/pause',
  '/resume',
  '/delete',
  '/job_status',
  '/desync',
  '/sync',
  '/list_jobs',
  '/job_detail',
  '/job_progress',
  '/force_fullsync',
  '/features',
  '/metrics',
  '/update_host_mapping',
  '/job_skip_binlog',
  '/update_monitor_interval',
  '/get_monitor_interval',
  '/view',
] as const;

/** Endpoints whose body names a job. */
const NAMED = [
  '/get_lag',
  '/pause',
  '/resume',
  '/delete',
  '/job_status',
  '/desync',
  '/sync',
  '/job_detail',
  '/job_progress',
  '/force_fullsync',
  '/update_host_mapping',
  '/job_skip_binlog',
  '/create_ccr',
] as const;

describe('bad input', () => {
  let h: HttpHarness;

  beforeAll(async () => {
    h = await httpHarness();
    const r = await h.app.inject({ method: 'POST', url: '/create_ccr', payload: tableJobBody('j1') });
    expect(r.statusCode).toBe(200);
  });

  afterAll(async () => {
    await h.close();
  });

  async function post(url: string, payload: string | Record<string, unknown> | undefined, contentType = 'application/json') {
    const res = await h.app.inject({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType } }),
    });
    const body = JSON.parse(res.body) as { success: boolean; error_msg: string; error_code: string };
    return { status: res.statusCode, body };
  }

  it.each(ENDPOINTS)('%s rejects malformed JSON with 400', async (url) => {
    const r = await post(url, '{"name": "j1",');
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(r.body.error_msg).toMatch(/^request body is not valid JSON \(.+\); send a JSON object/);
  });

  it.each(NAMED)('%s rejects a name of the wrong type', async (url) => {
    const r = await post(url, { name: 42 });
    expect(r).toMatchObject({ status: 400, body: { success: false, error_msg: 'name: expected a string, got a number', error_code: 'CCR_H0400' } });
  });

  it.each(NAMED)('%s rejects a missing name and a missing body', async (url) => {
    expect(await post(url, {})).toMatchObject({ status: 400, body: { error_msg: 'name is required' } });
    expect(await post(url, { name: '  ' })).toMatchObject({ status: 400, body: { error_msg: 'name must not be empty' } });
    const none = await post(url, undefined);
    expect(none.status).toBe(400);
    expect(none.body.error_msg).toMatch(/^request body is required: a JSON object like \{"name"/);
    expect(await post(url, '[1,2]')).toMatchObject({ status: 400, body: { error_msg: expect.stringMatching(/^request body must be a JSON object/) as unknown } });
  });

  it('reads the body as JSON whatever the content type (curl -d without -H)', async () => {
    expect(await post('/job_status', { name: 'j1' }, 'application/x-www-form-urlencoded')).toMatchObject({ status: 200, body: { success: true } });
    expect(await post('/job_status', '{bad', 'text/plain')).toMatchObject({ status: 400 });
  });

  it('names the nested field of create_ccr that is wrong', async () => {
    const cases: Array<[(b: Record<string, Record<string, unknown>>) => void, string]> = [
      [(b) => (b.src!.port = 'abc'), 'src.port: expected a port number 1-65535 (such as "9030" or 9030), got "abc"'],
      [(b) => (b.dest!.thrift_port = 70000), 'dest.thrift_port: expected a port number 1-65535 (such as "9030" or 9030), got a number'],
      [(b) => delete b.src!.host, 'src.host is required'],
      [(b) => (b.src!.user = ''), 'src.user must not be empty'],
      [(b) => delete b.dest!.database, 'dest.database is required'],
      [(b) => (b.src!.password = 123), 'src.password: expected a string, got a number'],
      [(b) => (b.src!.host_mapping = ['x']), 'src.host_mapping: expected an object of "private": "public" addresses, got an array'],
      [(b) => delete b.dest, 'dest is required: an object like {"host": "fe-host", "port": "9030", "thrift_port": "9020", "user": "root", "password": "", "database": "db", "table": ""}'],
      [(b) => (b.src = 'x' as unknown as Record<string, unknown>), 'src: expected an object like'],
      [(b) => ((b as Record<string, unknown>).allow_table_exists = 'yes'), 'allow_table_exists: expected true or false, got a string'],
      [(b) => ((b as Record<string, unknown>).replication_num = 0), 'replication_num: must be -1 (inherit the source replica count) or a positive number'],
      [(b) => ((b as Record<string, unknown>).replication_num = 'x'), 'replication_num: expected an integer -1-32767, got a string'],
    ];
    for (const [mutate, message] of cases) {
      const body = tableJobBody('bad') as Record<string, Record<string, unknown>>;
      mutate(body);
      const r = await post('/create_ccr', body);
      expect(r.status, message).toBe(400);
      expect(r.body.error_msg.startsWith(message), `${r.body.error_msg} should start with ${message}`).toBe(true);
    }
    expect(await h.store.getJob('bad', signal)).toBeUndefined();
  });

  it('validates job_skip_binlog before looking at the job', async () => {
    expect((await post('/job_skip_binlog', { name: 'j1', skip_by: 'later' })).body.error_msg).toBe(
      'skip_by: expected "silence", "fullsync" or "partialsync", got "later"',
    );
    expect((await post('/job_skip_binlog', { name: 'j1', skip_by: 'silence' })).body.error_msg).toMatch(/^skip_commit_seq must be/);
    expect((await post('/job_skip_binlog', { name: 'j1', skip_by: 'silence', skip_commit_seq: '5' })).body.error_msg).toBe(
      'skip_commit_seq: expected an integer, got a string',
    );
    expect((await post('/job_skip_binlog', { name: 'j1', skip_by: 'partialsync', skip_table_id: 5 })).body.error_msg).toMatch(/^skip_table is required/);
    expect((await post('/job_skip_binlog', { name: 'j1' })).body.error_msg).toBe('skip_by is required');
    expect((await post('/job_skip_binlog', { name: 'nope', skip_by: 'x' })).status).toBe(400);
  });

  it('validates update_host_mapping', async () => {
    expect((await post('/update_host_mapping', { name: 'j1' })).body.error_msg).toMatch(/^host_mapping is empty/);
    expect((await post('/update_host_mapping', { name: 'j1', dest_host_mapping: { a: 1 } })).body.error_msg).toBe(
      'dest_host_mapping: expected a string for "a", got a number',
    );
  });

  it('validates update_monitor_interval', async () => {
    expect((await post('/update_monitor_interval', {})).body.error_msg).toBe('interval_seconds is required');
    expect((await post('/update_monitor_interval', { interval_seconds: 'x' })).body.error_msg).toBe('interval_seconds: expected an integer 1-86400, got a string');
    expect((await post('/update_monitor_interval', { interval_seconds: 0 })).body.error_msg).toBe('interval_seconds: expected an integer 1-86400, got 0');
    expect(await h.store.getSetting('monitor_interval_seconds', signal)).toBeUndefined();
  });

  it('validates /view type', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/view?type=pdf' });
    expect(r.statusCode).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ success: false, error_msg: 'type: expected html, table or raw, got "pdf"' });
  });

  it('answers 404 for an unknown job on every job endpoint', async () => {
    for (const url of NAMED.filter((u) => u !== '/create_ccr')) {
      const payload: Record<string, unknown> = { name: 'ghost', skip_by: 'fullsync', src_host_mapping: { a: 'b' } };
      const r = await post(url, payload);
      expect(r.status, url).toBe(404);
      expect(r.body).toMatchObject({ success: false, error_msg: 'job ghost not exist (list the jobs with /list_jobs)', error_code: 'CCR_J0001' });
    }
  });

  it('rejects a body over 1 MiB with 413 and the envelope', async () => {
    const r = await post('/job_status', JSON.stringify({ name: 'j1', pad: 'x'.repeat(1_100_000) }));
    expect(r.status).toBe(413);
    expect(r.body.success).toBe(false);
  });

  it('rejects __proto__ keys', async () => {
    const r = await post('/job_status', '{"name":"j1","__proto__":{"polluted":true}}');
    expect(r).toMatchObject({ status: 400, body: { error_msg: 'request body must not contain "__proto__" keys' } });
  });
});
