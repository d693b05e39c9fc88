// The real ccr_syncer process: SIGTERM with jobs loaded exits 0 and the store keeps every
// row; a request that never finishes makes the grace period expire; a second signal forces
// the exit.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeJobInfo, newJobSpec } from '../../src/jobs/job-spec.js';
import { createPasswordCipher } from '../../src/jobs/password-cipher.js';
import { ExitCode } from '../../src/lifecycle/exit-codes.js';
import { openSqliteMetaStore } from '../../src/meta-store/sqlite/sqlite-meta-store.js';
import type { DaemonProcess } from '../support/daemon-process.js';
import { spawnDaemon } from '../support/daemon-process.js';
import { SRC_PASSWORD, tableJobRequest } from '../support/job-requests.js';

const signal = new AbortController().signal;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ccr-shutdown-'));
  dirs.push(d);
  return d;
}

/** Opens a request whose body never completes, so the HTTP server cannot drain. */
async function stuckRequest(d: DaemonProcess): Promise<Socket> {
  const port = await d.port();
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.write('POST /job_status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":');
  // Until the server has seen the request, the connection is idle and would just be closed.
  await d.waitForLog((l) => l.msg === 'request received', 'the stuck request');
  return socket;
}

describe('ccr_syncer shutdown', () => {
  it('exits 0 on SIGTERM with jobs loaded, leaving job_info and progress intact', async () => {
    const dir = tempDir();
    const db = join(dir, 'db', 'ccr.db');
    const identity = '127.0.0.1:0';
    const plain = createPasswordCipher('');
    const store = openSqliteMetaStore({ path: db });
    await store.migrate(signal);
    const rows = new Map<string, { info: string; progress: string }>();
    for (const [name, state] of [
      ['running_job', 'running'],
      ['paused_job', 'paused'],
    ] as const) {
      const info = encodeJobInfo({ ...newJobSpec(tableJobRequest(name)), state }, plain);
      const progress = JSON.stringify({ job_name: name, sync_state: 501, prev_commit_seq: 9_007_199_254, commit_seq: 9_007_199_254 });
      await store.addJob(name, info, identity, signal);
      await store.updateProgress(name, progress, signal);
      rows.set(name, { info, progress });
    }
    await store.addJob('other_job', encodeJobInfo(newJobSpec(tableJobRequest('other_job')), plain), '10.1.1.1:9190', signal);
    await store.close();

    const d = spawnDaemon(['--port=0', '--listen_host=127.0.0.1', `--db_dir=${db}`, `--pid_dir=${join(dir, 'pids')}`, `--log_dir=${join(dir, 'log')}`, '--log_also_to_stderr=false'], {
      cwd: dir,
      env: {},
    });
    // With a log file, stdout is quiet: follow the file instead.
    const logFile = join(dir, 'log', 'ccr_syncer.log');
    const pidFile = join(dir, 'pids', '127.0.0.1_0.pid');
    const readLog = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    const deadline = Date.now() + 10_000;
    while (!readLog().includes('"ccr_syncer started"')) {
      if (Date.now() > deadline) throw new Error(`daemon did not start: ${d.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readLog()).toMatch(/"jobs":2,"running":1,"msg":"jobs loaded"/);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(d.child.pid));
    const port = Number(/"port":(\d+),"identity"/.exec(readLog())?.[1]);
    const status = (await (await fetch(`http://127.0.0.1:${port}/job_status`, { method: 'POST', body: '{"name":"running_job"}' })).json()) as {
      status: { state: string };
    };
    expect(status.status.state).toBe('running');

    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(ExitCode.OK);
    expect(readLog()).toContain('"shutdown complete"');
    expect(existsSync(pidFile)).toBe(false);
    expect(readLog()).not.toContain(SRC_PASSWORD);

    const after = openSqliteMetaStore({ path: db });
    await after.migrate(signal);
    for (const [name, { info, progress }] of rows) {
      expect((await after.getJob(name, signal))?.jobInfo).toBe(info);
      expect(await after.getProgress(name, signal)).toBe(progress);
    }
    expect(await after.getJob('other_job', signal)).toMatchObject({ belongTo: '10.1.1.1:9190' });
    expect((await after.listSyncers(signal)).map((s) => s.hostInfo)).toEqual([identity]);
    await after.close();
  });

  it('forces the exit when the grace period expires', async () => {
    const dir = tempDir();
    const d = spawnDaemon(['--port=0', '--listen_host=127.0.0.1', `--db_dir=${join(dir, 'ccr.db')}`, '--shutdown_grace_ms=400'], { cwd: dir, env: { CCR_LOG_LEVEL: 'debug' } });
    const socket = await stuckRequest(d);
    const sent = Date.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    socket.destroy();
    expect(code).toBe(ExitCode.FORCED_SHUTDOWN);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(350);
    expect(d.logs.some((l) => l.msg.includes('grace period expired'))).toBe(true);
  });

  it('forces the exit on a second signal', async () => {
    const dir = tempDir();
    const d = spawnDaemon(['--port=0', '--listen_host=127.0.0.1', `--db_dir=${join(dir, 'ccr.db')}`, '--shutdown_grace_ms=60000'], { cwd: dir, env: { CCR_LOG_LEVEL: 'debug' } });
    const socket = await stuckRequest(d);
    d.child.kill('SIGTERM');
    await d.waitForLog((l) => l.msg === 'jobs stopped', 'jobs stopped while the request is still open');
    const sent = Date.now();
    d.child.kill('SIGINT');
    const { code } = await d.exited;
    socket.destroy();
    expect(code).toBe(ExitCode.FORCED_SHUTDOWN);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(d.logs.some((l) => l.msg.includes('second shutdown request'))).toBe(true);
  });
});
