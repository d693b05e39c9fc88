import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import type { LoadInput } from './load.js';
import { loadConfig } from './load.js';
import type { Config } from './options.js';
import { defaultConfig, OPTIONS } from './options.js';
import { renderHelp } from './help.js';

function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  const input: LoadInput = {
    argv,
    env,
    cwd: '/work',
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return text;
    },
  };
  return loadConfig(input);
}

function config(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): Config {
  const r = load(argv, env, files);
  if (r.kind !== 'run') throw new Error(`expected run, got ${r.kind}`);
  return r.config;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has the Go defaults', () => {
    const c = config([]);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 9190,
      db_type: 'sqlite3',
      db_dir: 'db/ccr.db',
      db_host: '127.0.0.1',
      db_port: 3306,
      db_user: 'root',
      db_password: '',
      db_name: 'ccr',
      db_max_open_conns: 20,
      log_level: 'info',
      connect_timeout: 10_000,
      rpc_timeout: 30_000,
      commit_txn_timeout: 33_000,
      max_ingest_concurrency_per_backend: 48,
      binlog_batch_size: 16,
      max_pipeline_ingesting_num: 16,
      max_poll_interval_ms: 1000,
      shutdown_grace_ms: 30_000,
      feature_atomic_restore: true,
      feature_clean_table_and_partitions: false,
      feature_seperated_handles: true,
    });
  });

  it.each([
    [['--port', '9191']],
    [['--port=9191']],
    [['-port', '9191']],
    [['-port=9191']],
  ])('accepts the flag form %j', (argv) => {
    expect(config(argv).port).toBe(9191);
  });

  it.each([
    [['--log_also_to_stderr'], true],
    [['-log_also_to_stderr'], true],
    [['--log_also_to_stderr=true'], true],
    [['--log_also_to_stderr=false'], false],
    [['--log_also_to_stderr', 'false'], false],
    [['--feature_atomic_restore=0'], false],
    [['--feature_atomic_restore=F'], false],
  ])('parses boolean %j', (argv, expected) => {
    const c = config(argv);
    const name = argv[0]?.replace(/^-+/, '').split('=')[0] as keyof Config;
    expect(c[name]).toBe(expected);
  });

  it('parses Go durations into milliseconds', () => {
    const c = config(['--connect_timeout=500ms', '--rpc_timeout', '5m', '--commit_txn_timeout=1h1m1.5s']);
    expect(c.connect_timeout).toBe(500);
    expect(c.rpc_timeout).toBe(300_000);
    expect(c.commit_txn_timeout).toBe(3_661_500);
  });

  it('lets the environment override the config file and the command line override both', () => {
    const files = { '/work/ccr.conf': '# comment\nport=9001\ndb_name = from_file\nlog_level="debug"\n\n' };
    const c = config(['--config_file', 'ccr.conf', '--port=9003'], { CCR_PORT: '9002', CCR_DB_NAME: 'from_env' }, files);
    expect(c.port).toBe(9003);
    expect(c.db_name).toBe('from_env');
    expect(c.log_level).toBe('debug');
    const fileOnly = config([], { CCR_CONFIG_FILE: '/work/ccr.conf' }, files);
    expect(fileOnly.port).toBe(9001);
    expect(fileOnly.db_name).toBe('from_file');
  });

  it('reads every option from its CCR_ variable', () => {
    const c = config([], { CCR_PORT: '9200', CCR_API_TOKEN: 'tok', CCR_FEATURE_TXN_INSERT: 'false', CCR_DB_TYPE: 'mysql' });
    expect(c.port).toBe(9200);
    expect(c.api_token).toBe('tok');
    expect(c.feature_txn_insert).toBe(false);
    expect(c.db_type).toBe('mysql');
    for (const opt of OPTIONS) expect(opt.env).toBe(`CCR_${opt.name.toUpperCase()}`);
  });

  it('names the flag and the fix for a bad value, in one line', () => {
    const msg = errorOf(() => config(['--port', 'abc']));
    expect(msg).toBe('invalid value for --port: "abc" (expected an integer 1-65535, or 0 to let the OS choose)');
    expect(msg).not.toContain('\n');
    expect(errorOf(() => config(['--port=70000']))).toContain('--port');
    expect(errorOf(() => config(['--rpc_timeout=10']))).toContain('expected a duration such as 10s');
    expect(errorOf(() => config(['--log_also_to_stderr=maybe']))).toContain('expected true or false');
    expect(errorOf(() => config([], { CCR_PORT: 'x' }))).toBe(
      'invalid value for CCR_PORT (--port): "x" (expected an integer 1-65535, or 0 to let the OS choose)',
    );
    expect(errorOf(() => config(['--db_type=postgresql']))).toContain('postgresql is not supported');
    expect(errorOf(() => config(['--port']))).toContain('flag --port needs a value');
  });

  it('rejects unknown flags and stray arguments with a suggestion', () => {
    expect(errorOf(() => config(['--db_prot=1']))).toBe(
      'unknown --db_prot (did you mean --db_port?); run ccr_syncer --help to list the flags',
    );
    expect(errorOf(() => config(['serve']))).toContain('unexpected argument "serve"');
    expect(errorOf(() => config(['--', 'x']))).toContain('unexpected argument "x"');
  });

  it('reports config file problems with the line number', () => {
    const files = { '/work/c.conf': 'port=1\nbogus=2\n' };
    expect(errorOf(() => config(['--config_file=c.conf'], {}, files))).toContain('config file /work/c.conf line 2');
    expect(errorOf(() => config(['--config_file=missing.conf']))).toBe('cannot read --config_file /work/missing.conf: no such file');
  });

  it('never echoes sensitive values', () => {
    const msg = errorOf(() => config(['--secret_key=short-secret']));
    expect(msg).not.toContain('short-secret');
    expect(msg).toContain('--secret_key');
  });

  it('reads the secret key from a file and refuses both forms at once', () => {
    const files = { '/work/key': '  0123456789abcdef-key \n' };
    expect(config(['--secret_key_file=key'], {}, files).secret_key).toBe('0123456789abcdef-key');
    expect(errorOf(() => config(['--secret_key_file=key', '--secret_key=0123456789abcdefXX'], {}, files))).toContain('only one');
  });

  it('HA timings: defaults 3s/10s, the heartbeat at most half the lease', () => {
    expect(config([])).toMatchObject({ ha_heartbeat_interval: 3_000, ha_lease: 10_000, ha_rebalance_batch: 2 });
    expect(config(['--ha_heartbeat_interval=500ms', '--ha_lease=1s'])).toMatchObject({ ha_heartbeat_interval: 500, ha_lease: 1_000 });
    expect(errorOf(() => config(['--ha_heartbeat_interval=6s']))).toContain('at most half of --ha_lease');
    expect(errorOf(() => config(['--ha_heartbeat_interval=0s']))).toContain('must be positive');
    expect(errorOf(() => config(['--ha_lease=500ms', '--ha_heartbeat_interval=100ms']))).toContain('at least 1s');
  });

  it('returns help and version requests', () => {
    expect(load(['--help']).kind).toBe('help');
    expect(load(['-h']).kind).toBe('help');
    expect(load(['--version']).kind).toBe('version');
    expect(load(['-version=true']).kind).toBe('version');
  });

  it('warns about Go flags that have no effect', () => {
    const r = load(['--pprof=true', '--pprof_port=6060']);
    expect(r.kind === 'run' && r.warnings).toEqual([
      '--pprof has no effect in this port (accepted for compatibility with the Go syncer)',
      '--pprof_port has no effect in this port (accepted for compatibility with the Go syncer)',
    ]);
  });

  it('accepts Go log level spellings', () => {
    expect(config(['--log_level=warning']).log_level).toBe('warn');
    expect(config(['--log_level=TRACE']).log_level).toBe('trace');
  });
});

describe('renderHelp', () => {
  it('lists every flag with its default and environment variable', () => {
    const help = renderHelp();
    const defaults = defaultConfig();
    for (const opt of OPTIONS) {
      expect(help).toContain(`--${opt.name} `);
      expect(help).toContain(`env ${opt.env}`);
    }
    expect(help).toContain('(default 9190, env CCR_PORT)');
    expect(help).toContain('(default 10s, env CCR_CONNECT_TIMEOUT)');
    expect(help).toContain('(default 33s, env CCR_COMMIT_TXN_TIMEOUT)');
    expect(help).toContain('(default "db/ccr.db", env CCR_DB_DIR)');
    expect(defaults.port).toBe(9190);
  });
});
