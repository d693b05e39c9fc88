// Runs the real bin/doris_sim as a child process and reads its `ready {…}` line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SIM_BIN = fileURLToPath(new URL('../../bin/doris_sim', import.meta.url));

export interface ReadyFrontend {
  name: string;
  host: string;
  query_port: number;
  rpc_port: number;
  http_port: number;
  is_master: boolean;
}

export interface ReadyBackend {
  id: string;
  host: string;
  be_port: number;
  http_port: number;
}

export interface ReadyInfo {
  query_port: number;
  rpc_port: number;
  http_port: number;
  fes: ReadyFrontend[];
  bes: ReadyBackend[];
}

export interface SimProcess {
  readonly child: ChildProcess;
  readonly ready: ReadyInfo;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Every port picked by the OS, quiet logs. */
export const FREE_PORTS = ['--query-port', '0', '--rpc-port', '0', '--http-port', '0', '--be-port', '0', '--be-http-port', '0'];

export interface SimRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts bin/doris_sim with `args` as given (no defaults added). */
export function runSim(args: string[]): SimRun {
  const child = spawn(process.execPath, [SIM_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
}

/** Starts a simulator on free ports (plus `args`) and waits for its ready line. */
export async function spawnSim(args: string[] = [], timeoutMs = 15_000): Promise<SimProcess> {
  const run = runSim([...FREE_PORTS, '--log-level', 'error', ...args]);
  const ready = await new Promise<ReadyInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`doris_sim not ready after ${timeoutMs} ms; stderr: ${run.stderr()}`)), timeoutMs);
    const check = (): void => {
      const line = run.stdout().split('\n').find((l) => l.startsWith('ready '));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('ready '.length)) as ReadyInfo);
    };
    run.child.stdout?.on('data', check);
    void run.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`doris_sim exited (${code}) before ready; stderr: ${run.stderr()}`));
    });
  });
  return {
    ...run,
    ready,
    async stop(signal = 'SIGTERM') {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
      return (await run.exited).code;
    },
  };
}
