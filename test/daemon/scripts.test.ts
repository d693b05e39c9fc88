// scripts/start_syncer.sh, stop_syncer.sh and enable_db_binlog.sh, run from another directory.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/util/free-port.js';
import { REPO_ROOT } from '../support/daemon-process.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ccr-scripts-'));
  dirs.push(d);
  return d;
}

function run(script: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(join(REPO_ROOT, 'scripts', script), args, { cwd, env: { ...process.env, CCR_LOG_LEVEL: 'info', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('start_syncer.sh and stop_syncer.sh', () => {
  it('starts a daemon with a pid file, refuses a second start, and stops it gracefully', async () => {
    const dir = tempDir();
    const port = await freePort();
    const common = ['--pid_dir', 'pids', '--log_dir', 'logs', '--db_dir', 'db/ccr.db', '--port', String(port)];
    const started = await run('start_syncer.sh', ['--daemon', ...common, '--', '--listen_host=127.0.0.1'], dir);
    expect(started.err).toBe('');
    expect(started.code).toBe(0);
    expect(started.out).toContain(`ccr_syncer 127.0.0.1:${port} started`);
    const pidFile = join(dir, 'pids', `127.0.0.1_${port}.pid`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(alive(pid)).toBe(true);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('ccr_syncer');
    const version = (await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(dir, 'db', 'ccr.db'))).toBe(true);

    const again = await run('start_syncer.sh', ['--daemon', ...common], dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`already running (pid ${pid}`);
    expect(Number(readFileSync(pidFile, 'utf8').trim())).toBe(pid);

    const stopped = await run('stop_syncer.sh', ['--pid_dir', 'pids'], dir);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toContain(`ccr_syncer pid ${pid} stopped`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    const log = readFileSync(join(dir, 'logs', 'ccr_syncer.log'), 'utf8');
    expect(log).toContain('"reason":"SIGTERM"');
    expect(log).toContain('"shutdown complete"');
  });

  it('replaces a stale pid file and stops by --host/--port', async () => {
    const dir = tempDir();
    const port = await freePort();
    mkdirSync(join(dir, 'pids'));
    const pidFile = join(dir, 'pids', `127.0.0.1_${port}.pid`);
    writeFileSync(pidFile, '2147483646\n');
    const started = await run('start_syncer.sh', ['--daemon', '--pid_dir=pids', '--log_dir=logs', '--db_dir=db/ccr.db', `--port=${port}`], dir);
    expect(started.code).toBe(0);
    expect(started.out).toContain('removing stale pid file');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(alive(pid)).toBe(true);
    const stopped = await run('stop_syncer.sh', ['--pid_dir', join(dir, 'pids'), '--host', '127.0.0.1', '--port', String(port)], tempDir());
    expect(stopped.code).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('reports why a daemon died during start-up', async () => {
    const dir = tempDir();
    const started = await run('start_syncer.sh', ['--daemon', '--pid_dir=pids', '--log_dir=logs', '--db_dir=db/ccr.db', '--port=1', '--', '--bogus_flag'], dir);
    expect(started.code).toBe(1);
    expect(started.err).toContain('exited during start-up');
    expect(started.err).toContain('unknown --bogus_flag');
    expect(existsSync(join(dir, 'pids', '127.0.0.1_1.pid'))).toBe(false);
  });

  it('stop_syncer.sh fails on a missing pid file and leaves foreign processes alone', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pids'));
    const missing = await run('stop_syncer.sh', ['--pid_dir=pids', '--files', 'nope.pid'], dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('not found');
    writeFileSync(join(dir, 'pids', 'foreign.pid'), `${process.pid}\n`);
    const foreign = await run('stop_syncer.sh', ['--pid_dir=pids', '--files=foreign.pid'], dir);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('is not a ccr_syncer');
    expect(alive(process.pid)).toBe(true);
  });
});

describe('enable_db_binlog.sh', () => {
  /** A fake `mysql` client that logs each statement and answers like a Doris FE. */
  function fakeMysql(dir: string, dbEnabled: boolean): string {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const script = `#!/usr/bin/env bash
stmt=""
while [[ $# -gt 0 ]]; do
  case "$1" in -e) stmt="$2"; shift 2 ;; *) echo "ARG $1" >>"$FAKE_LOG"; shift ;; esac
done
echo "PWD=$MYSQL_PWD SQL $stmt" >>"$FAKE_LOG"
case "$stmt" in
  "SHOW CREATE DATABASE"*) ${dbEnabled ? `printf 'db\\tCREATE DATABASE \`db\`\\\\nPROPERTIES (\\\\n"binlog.enable" = "true"\\\\n)\\n'` : `printf 'db\\tCREATE DATABASE \`db\`\\n'`} ;;
  "SHOW FULL TABLES"*) printf 't1\\tBASE TABLE\\nt2\\tBASE TABLE\\nv1\\tVIEW\\n' ;;
  *'\`t2\`') printf 't2\\tCREATE TABLE t2 PROPERTIES ("binlog.enable" = "true")\\n' ;;
  "SHOW CREATE TABLE"*) printf 't1\\tCREATE TABLE t1 PROPERTIES ("replication_num" = "1")\\n' ;;
esac
`;
    writeFileSync(join(bin, 'mysql'), script);
    chmodSync(join(bin, 'mysql'), 0o755);
    return bin;
  }

  it('enables binlog on every non-view table without it, then on the database', async () => {
    const dir = tempDir();
    const bin = fakeMysql(dir, false);
    const logFile = join(dir, 'sql.log');
    const r = await run('enable_db_binlog.sh', ['-h', 'fe1', '-p', '9031', '-u', 'admin', '-P', 'pw-Secret-1', '-d', 'db'], dir, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      FAKE_LOG: logFile,
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const sql = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('PWD='));
    expect(sql).toEqual([
      'PWD=pw-Secret-1 SQL SHOW CREATE DATABASE `db`',
      'PWD=pw-Secret-1 SQL SHOW FULL TABLES FROM `db`',
      'PWD=pw-Secret-1 SQL SHOW CREATE TABLE `db`.`t1`',
      'PWD=pw-Secret-1 SQL ALTER TABLE `db`.`t1` SET ("binlog.enable" = "true", "binlog.ttl_seconds" = "86400")',
      'PWD=pw-Secret-1 SQL SHOW CREATE TABLE `db`.`t2`',
      'PWD=pw-Secret-1 SQL ALTER DATABASE `db` SET PROPERTIES ("binlog.enable" = "true", "binlog.ttl_seconds" = "86400")',
    ]);
    const args = readFileSync(logFile, 'utf8');
    expect(args).toContain('ARG fe1');
    expect(args).toContain('ARG 9031');
    expect(args).not.toContain('ARG pw-Secret-1');
    expect(r.out).toContain('binlog enabled on database db (1 table(s) altered)');
  });

  it('does nothing when the database already has binlog, and accepts the long options', async () => {
    const dir = tempDir();
    const bin = fakeMysql(dir, true);
    const logFile = join(dir, 'sql.log');
    const r = await run('enable_db_binlog.sh', ['--host', 'fe1', '--port=9030', '--user', 'root', '--password', '', '--db', 'db'], dir, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      FAKE_LOG: logFile,
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('already enabled');
    expect(readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(' SQL '))).toEqual(['PWD= SQL SHOW CREATE DATABASE `db`']);
  });

  it('requires the database', async () => {
    const r = await run('enable_db_binlog.sh', ['-h', 'fe1'], tempDir());
    expect(r.code).toBe(1);
    expect(r.err).toContain('the database is required');
  });
});
