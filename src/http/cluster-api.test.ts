// The operator API of cluster jobs on a real JobManager and ClusterMonitor with a fake source
// cluster: what each endpoint answers for a cluster job, and bad input (4xx naming the field).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpHarness } from '../../test/support/http-harness.js';
import { httpHarness, IDENTITY } from '../../test/support/http-harness.js';
import { clusterJobRequest, tableJobBody } from '../../test/support/job-requests.js';
import { waitFor } from '../../test/support/wait.js';
import { encodeJobInfo, newJobSpec } from '../jobs/job-spec.js';
import { createPasswordCipher } from '../jobs/password-cipher.js';

const signal = new AbortController().signal;
type Body = Record<string, unknown>;

function clusterBody(name: string, extra: Body = {}): Body {
  const b = tableJobBody(name) as { src: Body; dest: Body };
  for (const side of [b.src, b.dest]) {
    delete side.database;
    delete side.table;
  }
  return { ...b, cluster_sync: true, ...extra };
}

describe('cluster jobs over HTTP', () => {
  let h: HttpHarness;

  async function call(url: string, payload?: Body, method: 'GET' | 'POST' = 'POST') {
    const res = await h.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: (res.body.startsWith('{') ? JSON.parse(res.body) : {}) as Body, text: res.body, headers: res.headers };
  }
  const status = async (name: string) => (await call('/job_status', { name })).body.status as Body;

  beforeAll(async () => {
    h = await httpHarness();
    h.catalog.create('db1');
    h.catalog.create('sales');
    h.catalog.create('hr');
  });

  afterAll(async () => {
    await h.close();
  });

  it('creates a cluster job that replicates every database through child jobs', async () => {
    expect(await call('/create_ccr', clusterBody('c1', { exclude_databases: ['db1'] }))).toMatchObject({ status: 200, body: { success: true } });
    await waitFor(async () => (await status('c1')).databases?.toString() !== '', 'first pass');
    const s = await status('c1');
    expect(s).toMatchObject({ name: 'c1', type: 'cluster', state: 'running', progress_state: 'ClusterSync', monitor_interval_seconds: 120, default_interval: true, databases_pending: 0, last_error: null });
    expect((s.databases as Body[]).map((d) => [d.database, d.state, d.child])).toEqual([
      ['hr', 'synced', 'c1_hr'],
      ['sales', 'synced', 'c1_sales'],
    ]);
    expect((s.children as Body[]).map((c) => [c.name, c.database, c.state])).toEqual([
      ['c1_hr', 'hr', 'running'],
      ['c1_sales', 'sales', 'running'],
    ]);
    expect(Date.parse(s.next_reconcile_at as string) - Date.parse(s.last_reconcile_at as string)).toBe(120_000);

    expect((await call('/list_jobs', undefined, 'GET')).body).toEqual({
      success: true,
      jobs: ['c1', 'c1_hr', 'c1_sales'],
      owners: { c1: IDENTITY, c1_hr: IDENTITY, c1_sales: IDENTITY },
      clusters: [{ name: 'c1', children: ['c1_hr', 'c1_sales'] }],
    });
    const detail = (await call('/job_detail', { name: 'c1' })).body;
    expect(detail).toMatchObject({ children: ['c1_hr', 'c1_sales'], job_detail: { sync_type: 2, cluster_sync: { exclude_databases: ['db1'], child_name_template: '<name>_<db>' } } });
    expect((await call('/job_detail', { name: 'c1_hr' })).body.job_detail).toMatchObject({ parent: { job: 'c1', database: 'hr', db_id: Number(h.catalog.idOf('hr')) } });

    h.engine.produce('c1_sales', 4);
    const lag = (await call('/get_lag', { name: 'c1' })).body;
    expect(lag).toMatchObject({ success: true, children: [{ name: 'c1_hr', database: 'hr' }, { name: 'c1_sales', database: 'sales' }] });
    expect(lag.lag).toBe(Math.max(...(lag.children as Array<{ lag: number }>).map((c) => c.lag)));

    const table = (await call('/view?type=table', undefined, 'GET')).text;
    expect(table).toMatch(/\| c1 +\| [^|]+\| cluster +\| - +\| running +\|[^\n]*ClusterSync +\| 2 children, 0 databases pending/);
    const raw = (await call('/view?type=raw', undefined, 'GET')).body.jobs as Body[];
    expect(raw.map((r) => [r.name, r.parent])).toEqual([
      ['c1', null],
      ['c1_hr', 'c1'],
      ['c1_sales', 'c1'],
    ]);
    const metrics = (await call('/metrics', undefined, 'GET')).text;
    expect(metrics).toContain('ccr_cluster_children{job="c1"} 2');
    expect(metrics).toContain('ccr_cluster_databases_pending{job="c1"} 0');
    expect(metrics).toContain('ccr_cluster_reconcile_total{job="c1",result="ok"}');
  });

  it('cascades pause and resume, and deletes with or without the children', async () => {
    expect((await call('/pause', { name: 'c1' })).body).toEqual({ success: true, children: ['c1_hr', 'c1_sales'] });
    expect((await status('c1_hr')).state).toBe('paused');
    expect((await call('/resume', { name: 'c1' })).body).toEqual({ success: true, children: ['c1_hr', 'c1_sales'] });
    expect((await status('c1_sales')).state).toBe('running');

    await call('/create_ccr', clusterBody('c2', { include_databases: ['db1'] }));
    await waitFor(async () => (await call('/job_status', { name: 'c2_db1' })).status === 200, 'c2 child');
    expect((await call('/delete', { name: 'c2' })).body).toEqual({ success: true, deleted: [], detached: ['c2_db1'] });
    expect((await call('/job_detail', { name: 'c2_db1' })).body.job_detail).not.toHaveProperty('parent');
    expect((await call('/delete', { name: 'c1', cascade: true })).body).toEqual({ success: true, deleted: ['c1_hr', 'c1_sales'], detached: [] });
    expect((await call('/list_jobs', {})).body).toEqual({ success: true, jobs: ['c2_db1'], owners: { c2_db1: IDENTITY } });
    expect((await call('/metrics', undefined, 'GET')).text).not.toContain('ccr_cluster_children{job="c1"}');
  });

  it('accepts an empty source cluster', async () => {
    const empty = await httpHarness();
    try {
      const r = await empty.app.inject({ method: 'POST', url: '/create_ccr', payload: clusterBody('empty') });
      expect(r.statusCode).toBe(200);
      await waitFor(async () => (await empty.store.getProgress('empty', signal)) !== undefined, 'first pass');
      const s = JSON.parse((await empty.app.inject({ method: 'POST', url: '/job_status', payload: { name: 'empty' } })).body) as { status: Body };
      expect(s.status).toMatchObject({ state: 'running', databases: [], children: [], last_error: null });
    } finally {
      await empty.close();
    }
  });

  it('changes and reads the monitor interval, per cluster job or for all', async () => {
    await call('/create_ccr', clusterBody('c3', { monitor_interval_seconds: 30, include_databases: ['none'] }));
    expect((await call('/get_monitor_interval', undefined, 'GET')).body).toEqual({ success: true, interval_seconds: 120 });
    expect((await call('/get_monitor_interval', { name: 'c3' })).body).toEqual({ success: true, name: 'c3', interval_seconds: 30, default_interval_seconds: 120 });
    expect((await call('/get_monitor_interval?name=c3', undefined, 'GET')).body).toMatchObject({ interval_seconds: 30 });
    expect((await call('/update_monitor_interval', { name: 'c3', interval_seconds: 45 })).body).toEqual({ success: true });
    expect((await status('c3')).monitor_interval_seconds).toBe(45);
    expect((await call('/update_monitor_interval', { interval_seconds: 90 })).body).toEqual({ success: true });
    expect((await call('/get_monitor_interval', {})).body).toEqual({ success: true, interval_seconds: 90 });
    expect((await call('/get_monitor_interval', { name: 'c3' })).body).toMatchObject({ interval_seconds: 45, default_interval_seconds: 90 });
  });

  it('redirects a named interval change to the owner of the cluster job', async () => {
    await h.store.addJob('theirs', encodeJobInfo(newJobSpec(clusterJobRequest('theirs')), createPasswordCipher('')), '10.9.9.9:9190', signal);
    const r = await call('/update_monitor_interval', { name: 'theirs', interval_seconds: 10 });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('http://10.9.9.9:9190/update_monitor_interval');
    expect((await call('/get_monitor_interval', { name: 'theirs' })).body).toMatchObject({ interval_seconds: 90 });
  });

  it('refuses with 409 to cascade to a child owned by another syncer', async () => {
    h.catalog.create('solo');
    await call('/create_ccr', clusterBody('c4', { include_databases: ['solo'] }));
    await waitFor(async () => (await h.store.getJob('c4_solo', signal)) !== undefined, 'c4 child');
    await h.store.transferJob('c4_solo', 'other:9190', signal);
    const r = await call('/pause', { name: 'c4' });
    expect(r).toMatchObject({ status: 409, body: { success: false, error_code: 'CCR_K0003' } });
    expect(r.body.error_msg).toContain('c4_solo (owned by other:9190)');
    expect((await status('c4')).state).toBe('running');
  });

  it('rejects bad input with 4xx and a message naming the field', async () => {
    const cases: Array<[string, Body | undefined, number, string]> = [
      ['/update_monitor_interval', { interval_seconds: 0 }, 400, 'interval_seconds: expected an integer 1-86400, got 0'],
      ['/update_monitor_interval', { interval_seconds: -5 }, 400, 'interval_seconds: expected an integer 1-86400, got -5'],
      ['/update_monitor_interval', { interval_seconds: '60' }, 400, 'interval_seconds: expected an integer 1-86400, got a string'],
      ['/update_monitor_interval', { interval_seconds: 1.5 }, 400, 'interval_seconds: expected an integer 1-86400, got 1.5'],
      ['/update_monitor_interval', {}, 400, 'interval_seconds is required'],
      ['/update_monitor_interval', { name: 'nope', interval_seconds: 5 }, 404, 'job nope not exist'],
      ['/update_monitor_interval', { name: 'c2_db1', interval_seconds: 5 }, 400, 'name: job c2_db1 is not a cluster job'],
      ['/get_monitor_interval', { name: 'nope' }, 404, 'job nope not exist'],
      ['/get_monitor_interval', { name: 7 }, 400, 'name: expected a string, got a number'],
      ['/job_status', { name: 'nope' }, 404, 'job nope not exist'],
      ['/create_ccr', clusterBody('x', { src: { ...(clusterBody('x').src as Body), database: 'db1' } }), 400, 'src.database: must be empty when cluster_sync is true'],
      ['/create_ccr', clusterBody('x', { include_databases: 'db1' }), 400, 'include_databases: expected an array of strings'],
      ['/create_ccr', clusterBody('x', { on_database_dropped: 'drop' }), 400, 'on_database_dropped: expected "delete" or "pause", got "drop"'],
      ['/create_ccr', clusterBody('x', { child_name_template: 'copy' }), 400, 'child_name_template: needs <db>'],
      ['/create_ccr', clusterBody('x', { monitor_interval_seconds: 0 }), 400, 'monitor_interval_seconds: expected an integer 1-86400, got 0'],
      ['/create_ccr', { ...tableJobBody('x'), include_databases: ['a'] }, 400, 'include_databases: only applies to cluster jobs'],
      ['/create_ccr', clusterBody('c3'), 409, 'job c3 already exists'],
      ['/delete', { name: 'c2_db1', cascade: true }, 400, 'cascade: applies to cluster jobs only'],
      ['/delete', { name: 'c3', cascade: 'yes' }, 400, 'cascade: expected true or false, got a string'],
      ['/desync', { name: 'c3' }, 400, 'name: job c3 is a cluster job; /desync applies to its database jobs'],
    ];
    for (const [url, payload, code, message] of cases) {
      const r = await call(url, payload);
      expect(r.status, `${url} ${JSON.stringify(payload)}`).toBe(code);
      expect(r.body.success).toBe(false);
      expect(r.body.error_msg, url).toEqual(expect.stringContaining(message));
    }
    expect(await h.store.getJob('x', signal)).toBeUndefined();
  });
});
