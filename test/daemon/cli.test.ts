// The real ccr_syncer binary: --help, --version, bad values, flag forms and env overrides.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { ExitCode } from '../../src/lifecycle/exit-codes.js';
import { runSyncer, spawnDaemon } from '../support/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ccr-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ccr_syncer command line', () => {
  it('prints help with every flag, its default and its environment variable', async () => {
    const r = await runSyncer(['--help']);
    expect(r.code).toBe(0);
    for (const opt of OPTIONS) {
      expect(r.stdout).toContain(`--${opt.name} `);
      expect(r.stdout).toContain(`env ${opt.env}`);
    }
    expect(r.stdout).toContain('(default 9190, env CCR_PORT)');
    expect((await runSyncer(['-h'])).code).toBe(0);
  });

  it('prints the version', async () => {
    const r = await runSyncer(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['--port', 'abc'], {}, 'ccr_syncer: invalid value for --port: "abc" (expected an integer 1-65535, or 0 to let the OS choose)'],
    [['-rpc_timeout=10'], {}, 'ccr_syncer: invalid value for --rpc_timeout: "10" (expected a duration such as 10s, 5m or 500ms)'],
    [['--db_type=postgresql'], {}, 'ccr_syncer: invalid value for --db_type: "postgresql" (expected sqlite3 or mysql; postgresql is not supported by this port)'],
    [['--no_such_flag'], {}, 'ccr_syncer: unknown --no_such_flag; run ccr_syncer --help to list the flags'],
    [[], { CCR_DB_PORT: 'x' }, 'ccr_syncer: invalid value for CCR_DB_PORT (--db_port): "x" (expected an integer 1-65535)'],
  ])('exits %j %j non-zero with one line', async (args, env, line) => {
    const r = await runSyncer(args, env);
    expect(r.code).toBe(ExitCode.CONFIG_ERROR);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
  });

  it('fails start-up with code 3 and one line when the pid file cannot be written', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runSyncer(['--port=0', '--listen_host=127.0.0.1', `--db_dir=${join(dir, 'p.db')}`, `--pid_dir=${file}`], {}, dir);
    expect(r.code).toBe(ExitCode.STARTUP_FAILED);
    expect(r.stderr).toMatch(/^ccr_syncer: cannot write the pid file .*\(check --pid_dir\)\n$/);
  });

  it('applies every flag form, the environment and the config file (CLI > env > file)', async () => {
    const conf = join(dir, 'ccr.conf');
    writeFileSync(conf, '# test\nbinlog_batch_size=7\nmax_poll_interval_ms=700\nrpc_timeout=1m\n');
    const d = spawnDaemon(
      [
        '--port=0',
        '-listen_host',
        '127.0.0.1',
        '--db_dir',
        join(dir, 'a.db'),
        '-connect_timeout=500ms',
        '--feature_atomic_restore=false',
        '--feature_txn_insert',
        'false',
        '-log_also_to_stderr',
        `--config_file=${conf}`,
        '--max_poll_interval_ms=900',
        '--pprof_port=6060',
      ],
      { cwd: dir, env: { CCR_MAX_POLL_INTERVAL_MS: '800', CCR_BINLOG_BATCH_SIZE: '9', CCR_DB_PASSWORD: 'db-secret-xyz' } },
    );
    const start = await d.waitForLog((l) => l.msg === 'starting', 'starting');
    expect(start.config).toMatchObject({
      port: 0,
      listen_host: '127.0.0.1',
      db_dir: join(dir, 'a.db'),
      connect_timeout: 500,
      rpc_timeout: 60_000,
      feature_atomic_restore: false,
      feature_txn_insert: false,
      log_also_to_stderr: true,
      binlog_batch_size: 9,
      max_poll_interval_ms: 900,
      db_password: '******',
    });
    await d.waitForLog((l) => l.msg.includes('--pprof_port has no effect'), 'ignored flag warning');
    await d.port();
    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    expect(d.stdout()).not.toContain('db-secret-xyz');
  });
});
