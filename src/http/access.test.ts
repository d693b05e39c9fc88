// API token, ownership redirects, secrets in responses and logs, and /view.
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../../test/support/http-harness.js';
import { httpHarness } from '../../test/support/http-harness.js';
import { DEST_PASSWORD, SRC_PASSWORD, tableJobBody, tableJobRequest } from '../../test/support/job-requests.js';
import { waitFor } from '../../test/support/wait.js';
import { encodeJobInfo, newJobSpec } from '../jobs/job-spec.js';
import { createPasswordCipher } from '../jobs/password-cipher.js';

const signal = new AbortController().signal;
const TOKEN = 'tok-3f9a-very-secret';

let h: HttpHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('API token', () => {
  it('guards every endpoint except /version and /metrics', async () => {
    h = await httpHarness({ config: { api_token: TOKEN } });
    const app = h.app;
    for (const url of ['/list_jobs', '/job_status', '/create_ccr', '/view', '/features']) {
      const r = await app.inject({ method: 'POST', url, payload: { name: 'j' } });
      expect(r.statusCode, url).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(r.body)).toMatchObject({ success: false, error_code: 'CCR_H0401' });
    }
    const wrong = await app.inject({ method: 'GET', url: '/list_jobs', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect((JSON.parse(wrong.body) as { error_msg: string }).error_msg).toBe('the API token is not valid');
    expect((await app.inject({ method: 'GET', url: '/list_jobs', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/version' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect(h.logs.join('')).not.toContain(TOKEN);
  });
});

describe('ownership redirect', () => {
  it('answers 303 to the owner with the original URI and no body; get_lag and list_jobs do not redirect', async () => {
    h = await httpHarness();
    await h.store.addJob('theirs', encodeJobInfo(newJobSpec(tableJobRequest('theirs')), createPasswordCipher('')), '10.9.9.9:9190', signal);
    for (const url of ['/pause', '/resume', '/delete', '/job_status', '/job_detail', '/job_progress', '/desync', '/sync', '/force_fullsync']) {
      const r = await h.app.inject({ method: 'POST', url: `${url}?trace=1`, payload: { name: 'theirs' } });
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location).toBe(`http://10.9.9.9:9190${url}?trace=1`);
      expect(r.body).toBe('');
    }
    const skip = await h.app.inject({ method: 'POST', url: '/job_skip_binlog', payload: { name: 'theirs', skip_by: 'fullsync' } });
    expect(skip.statusCode).toBe(303);
    const mapping = await h.app.inject({ method: 'POST', url: '/update_host_mapping', payload: { name: 'theirs', src_host_mapping: { a: 'b' } } });
    expect(mapping.statusCode).toBe(303);
    const lag = await h.app.inject({ method: 'POST', url: '/get_lag', payload: { name: 'theirs' } });
    expect(lag.statusCode).toBe(200);
    expect(JSON.parse(lag.body)).toMatchObject({ success: true, lag: 0 });
    expect(await h.store.getJob('theirs', signal)).toMatchObject({ belongTo: '10.9.9.9:9190' });
  });
});

describe('secrets', () => {
  it('never returns or logs cluster passwords, the DB password, the token or the secret key', async () => {
    const secretKey = 'key-0123456789abcdef-zz';
    h = await httpHarness({ config: { api_token: TOKEN, secret_key: secretKey, db_password: 'db-Pass-55' } });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bodies: string[] = [];
    const send = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const r = await h!.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
      bodies.push(r.body);
      return r;
    };
    expect((await send('POST', '/create_ccr', tableJobBody('j1'))).statusCode).toBe(200);
    expect((await send('POST', '/create_ccr', tableJobBody('j1'))).statusCode).toBe(409);
    h.engine.produce('j1', 2);
    await waitFor(async () => (await h!.store.getProgress('j1', signal))?.includes('"prev_commit_seq":2'), 'progress');
    for (const url of ['/job_detail', '/job_status', '/job_progress', '/get_lag', '/desync', '/sync', '/force_fullsync']) await send('POST', url, { name: 'j1' });
    await send('POST', '/update_host_mapping', { name: 'j1', src_host_mapping: { a: 'b' } });
    for (const url of ['/list_jobs', '/features', '/view', '/view?type=table', '/view?type=raw', '/metrics', '/version']) await send('GET', url);
    await send('POST', '/pause', { name: 'j1' });
    await send('POST', '/delete', { name: 'j1' });
    const everything = [...bodies, ...h.logs].join('\n');
    for (const secret of [SRC_PASSWORD, DEST_PASSWORD, TOKEN, secretKey, 'db-Pass-55']) expect(everything).not.toContain(secret);
    expect(bodies.join('')).toContain('"password":"******"');
    expect(h.logs.some((l) => l.includes('"job created"'))).toBe(true);
  });
});

describe('/view', () => {
  it('renders every job without RPCs, in html, table and raw, with nothing to divide by zero', async () => {
    h = await httpHarness();
    const empty = await h.app.inject({ method: 'GET', url: '/view?type=table' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Job Name');
    await h.app.inject({ method: 'POST', url: '/create_ccr', payload: tableJobBody('mine') });
    h.engine.produce('mine', 2);
    await waitFor(async () => (await h!.store.getProgress('mine', signal))?.includes('"prev_commit_seq":2'), 'progress');
    const other = { ...newJobSpec(tableJobRequest('<theirs>')), options: { skipError: false, allowTableExists: true, reuseBinlogLabel: false, replicationNum: -1 } };
    await h.store.addJob('<theirs>', encodeJobInfo(other, createPasswordCipher('')), 'other:9190', signal);
    await h.store.updateProgress('<theirs>', JSON.stringify({ sync_state: 500, sub_sync_state: { state: -1, binlog_type: -1 }, prev_commit_seq: 7, commit_seq: 7, full_sync_start_at: 1_700_000_000, full_sync_info: { info: 'first run' } }), signal);
    await h.store.addJob('broken', 'not json', 'other:9190', signal);

    const html = await h.app.inject({ method: 'GET', url: '/view' });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('&lt;theirs&gt;');
    expect(html.body).not.toContain('<theirs>');

    const table = await h.app.inject({ method: 'GET', url: '/view?type=table' });
    expect(table.body).toMatch(/\| mine +\| 127\.0\.0\.1:9190 \| table +\| - +\| running/);
    expect(table.body).toContain('allow_table_exists=true');

    const raw = JSON.parse((await h.app.inject({ method: 'GET', url: '/view?type=raw' })).body) as { success: boolean; jobs: Array<Record<string, unknown>> };
    expect(raw.success).toBe(true);
    expect(raw.jobs.map((j) => j.name)).toEqual(['<theirs>', 'broken', 'mine']);
    expect(raw.jobs[0]).toMatchObject({ owner: 'other:9190', sync_state: 'TableFullSync', commit_seq: 7, last_fullsync_reason: 'first run', lag: null });
    expect(raw.jobs[1]).toMatchObject({ state: 'broken', type: null });
    expect(raw.jobs[2]).toMatchObject({ state: 'running', sync_state: 'TableIncrementalSync', commit_seq: 2, lag: 0, lag_secs: 0 });
  });
});
