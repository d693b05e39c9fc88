// Runs the real bin/ccr_syncer as a child process and follows its JSON log lines on stdout.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SYNCER_BIN = fileURLToPath(new URL('../../bin/ccr_syncer', import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** Raw stdout and stderr text. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(match: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** The port it listens on (from the "http listening" log line). */
  port(): Promise<number>;
}

export function spawnDaemon(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): DaemonProcess {
  const child = spawn(SYNCER_BIN, args, {
    cwd: opts.cwd,
    env: { ...process.env, CCR_LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let out = '';
  let err = '';
  let pending = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));

  const waitForLog = (match: (l: LogLine) => boolean, what: string, timeoutMs = 10_000): Promise<LogLine> =>
    new Promise<LogLine>((resolve, reject) => {
      const check = (): void => {
        const found = logs.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (ended) {
          done();
          reject(new Error(`ccr_syncer exited before logging ${what}; stderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for log "${what}"; stderr: ${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    logs,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog,
    port: async () => Number((await waitForLog((l) => l.msg === 'http listening', 'http listening')).port),
  };
}

/** Runs bin/ccr_syncer to completion (for --help, --version, bad flags). */
export async function runSyncer(args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT) {
  const d = spawnDaemon(args, { cwd, env });
  const { code } = await d.exited;
  return { code, stdout: d.stdout(), stderr: d.stderr() };
}
