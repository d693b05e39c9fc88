// The composition root in-process: ordered start, reverse stop, restart resumes jobs,
// start-up failure cleans up, MySQL store, 503 while draining.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config/options.js';
import { defaultConfig } from '../../src/config/options.js';
import { openSqliteMetaStore } from '../../src/meta-store/sqlite/sqlite-meta-store.js';
import { silentLogger } from '../../src/observability/logger.js';
import { tableJobBody } from '../support/job-requests.js';
import { mysqlTestTarget, uniqueDatabaseName } from '../support/mysql-url.js';
import { TestEngine } from '../support/test-engine.js';
import { waitFor } from '../support/wait.js';

const signal = new AbortController().signal;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(overrides: Partial<Config> = {}, engine = new TestEngine({ idleMs: 20 })): { app: App; engine: TestEngine; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ccr-app-'));
  dirs.push(dir);
  const config: Config = { ...defaultConfig(), port: 0, listen_host: '127.0.0.1', db_dir: 'ccr.db', ...overrides };
  const app = createApp({ config, log: silentLogger(), cwd: overrides.db_dir ? '/' : dir, createEngine: () => engine, processMetrics: false });
  return { app, engine, dir };
}

async function post(app: App, url: string, body: unknown) {
  const res = await fetch(`http://127.0.0.1:${app.address()?.port}${url}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('app lifecycle', () => {
  it('serves, stops jobs at their step boundary, closes the store; a restart resumes the job', async () => {
    const { app, engine, dir } = setup();
    await app.start();
    expect(await post(app, '/create_ccr', tableJobBody('j1'))).toMatchObject({ status: 200, body: { success: true } });
    engine.produce('j1', 3);
    await waitFor(async () => (await app.store.getProgress('j1', signal))?.includes('"prev_commit_seq":3'), 'progress 3');
    const port = app.address()?.port;
    await app.stop();
    await app.stop();
    expect(engine.closed).toBe(true);
    await expect(app.store.listJobs(signal)).rejects.toThrow(/closed/);
    await expect(fetch(`http://127.0.0.1:${port}/version`)).rejects.toThrow();

    const engine2 = new TestEngine({ idleMs: 20 });
    engine2.produce('j1', 5);
    const app2 = createApp({
      config: { ...defaultConfig(), port: 0, listen_host: '127.0.0.1', db_dir: join(dir, 'ccr.db') },
      log: silentLogger(),
      cwd: dir,
      createEngine: () => engine2,
      processMetrics: false,
    });
    await app2.start();
    await waitFor(async () => (await app2.store.getProgress('j1', signal))?.includes('"prev_commit_seq":5'), 'resumed to 5');
    expect((await post(app2, '/job_status', { name: 'j1' })).body).toMatchObject({ status: { state: 'running', commit_seq: 5 } });
    expect(app2.metrics.registry.contentType).toContain('text/plain');
    await app2.stop();
  });

  it('cleans up when start-up fails (port in use)', async () => {
    const first = setup();
    await first.app.start();
    const second = setup({ port: first.app.address()?.port ?? 0 });
    await expect(second.app.start()).rejects.toThrow(/EADDRINUSE/);
    await expect(second.app.store.listJobs(signal)).rejects.toThrow(/closed/);
    expect(second.engine.closed).toBe(true);
    await first.app.stop();
  });

  it('aborts a request in flight on stop and answers 503 with the envelope, persisting nothing', async () => {
    const engine = new TestEngine({ idleMs: 20 });
    engine.prepareGate = new Promise(() => undefined);
    const { app, dir } = setup({}, engine);
    await app.start();
    const socket = connect(app.address()?.port ?? 0, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    const create = JSON.stringify(tableJobBody('slow'));
    // The request waits in the engine's prepare until the stop aborts it.
    socket.write(`POST /create_ccr HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(create)}\r\n\r\n${create}`);
    await waitFor(async () => (await app.http.inject({ method: 'GET', url: '/version' })).statusCode === 200 && engine.runners.size === 0, 'server up');
    await new Promise((r) => setTimeout(r, 50));
    await app.stop();
    await waitFor(() => /HTTP\/1\.1 503/.test(received), 'a 503 response');
    expect(received).toContain('"error_code":"CCR_J0009"');
    expect(received).toContain('shutting down');
    const reopened = openSqliteMetaStore({ path: join(dir, 'ccr.db') });
    expect(await reopened.getJob('slow', signal)).toBeUndefined();
    await reopened.close();
    socket.destroy();
  });

  it('runs on the MySQL meta store and registers itself', async () => {
    const t = mysqlTestTarget();
    const database = uniqueDatabaseName('ccr_test_app');
    const { app } = setup({ db_type: 'mysql', db_host: t.host, db_port: t.port, db_user: t.user, db_password: t.password, db_name: database, port: 0 });
    try {
      await app.start();
      // On a shared store the identity names the port actually bound (--port 0).
      const identity = `127.0.0.1:${app.address()?.port}`;
      expect(app.identity).toBe(identity);
      expect((await app.store.listSyncers(signal)).map((s) => s.hostInfo)).toEqual([identity]);
      expect(await post(app, '/create_ccr', tableJobBody('m1'))).toMatchObject({ status: 200 });
      expect((await app.store.getJob('m1', signal))?.belongTo).toBe(identity);
      await app.stop();
      // A graceful stop leaves the registry at once; with no other syncer the job stays owned.
      const conn = await mysql.createConnection({ ...t, database });
      const [syncers] = await conn.query<mysql.RowDataPacket[]>('SELECT host_info FROM syncers');
      const [jobs] = await conn.query<mysql.RowDataPacket[]>('SELECT belong_to FROM jobs');
      await conn.end();
      expect(syncers).toEqual([]);
      expect(jobs.map((r) => r.belong_to as string)).toEqual([identity]);
    } finally {
      const conn = await mysql.createConnection({ ...t });
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    }
  });
});
