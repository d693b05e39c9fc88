// Values computed from the Config that several components need.
import { dirname, join, resolve } from 'node:path';
import type { Config } from './options.js';
import { OPTIONS } from './options.js';

/** This syncer's identity: the jobs.belong_to value and the host:port of 303 redirects. */
export function syncerIdentity(config: Pick<Config, 'host' | 'port'>): string {
  return `${config.host}:${config.port}`;
}

/** The log file, if any: log_filename (Go) wins over log_dir. */
export function logFile(config: Pick<Config, 'log_dir' | 'log_filename'>, cwd: string): { dir: string; fileName: string } | undefined {
  if (config.log_filename !== '') {
    const path = resolve(cwd, config.log_filename);
    return { dir: dirname(path), fileName: path.slice(dirname(path).length + 1) };
  }
  if (config.log_dir !== '') return { dir: resolve(cwd, config.log_dir), fileName: 'ccr_syncer.log' };
  return undefined;
}

/** The pid file path when pid_dir is set. */
export function pidFile(config: Pick<Config, 'pid_dir' | 'host' | 'port'>, cwd: string): string | undefined {
  if (config.pid_dir === '') return undefined;
  return join(resolve(cwd, config.pid_dir), `${config.host}_${config.port}.pid`);
}

/** The Config with sensitive values masked, for the start-up log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const opt of OPTIONS) {
    const v = config[opt.name];
    out[opt.name] = opt.sensitive && v !== '' ? '******' : v;
  }
  return out;
}
