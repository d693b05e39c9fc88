// The real programs as child processes: bin/doris_sim (one simulated cluster per process) and
// bin/ccr_syncer. Shared by the benchmark and the demo, which both measure or show the product
// as an operator runs it, not an in-process stand-in.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIM_BIN = fileURLToPath(new URL('../../bin/doris_sim', import.meta.url));
const SYNCER_BIN = fileURLToPath(new URL('../../bin/ccr_syncer', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export interface SimReady {
  query_port: number;
  rpc_port: number;
  http_port: number;
  fes: { name: string; host: string; query_port: number; rpc_port: number; http_port: number; is_master: boolean }[];
  bes: { id: string; host: string; be_port: number; http_port: number }[];
}

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SimProcess extends Child {
  readonly ready: SimReady;
}

export interface SyncerProcess extends Child {
  /** The operator API port. */
  readonly port: number;
  /** Log lines and bytes written so far (JSON lines on stdout). */
  logVolume(): { lines: number; bytes: number };
  /** The last log lines, for error reports. */
  recentLogs(): string[];
}

export interface SimArgs {
  beCount?: number;
  replicationNum?: number;
  /** Flags for node itself, e.g. --cpu-prof (node refuses those in NODE_OPTIONS). */
  nodeArgs?: string[];
}

const running = new Set<ChildProcess>();
// Children run in their own process group, so a Ctrl-C in the terminal reaches only this
// process, which then stops them in order (a simulator takes a second signal as "exit now").
// Whatever is still running when this process exits gets a SIGTERM.
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** Runs a launcher under this node, with `nodeArgs` when there are any. */
function launch(bin: string, argv: string[], nodeArgs: string[], options: SpawnOptions): ChildProcess {
  const opts: SpawnOptions = { ...options, detached: true };
  const child = nodeArgs.length > 0 ? spawn(process.execPath, [...nodeArgs, bin, ...argv], opts) : spawn(bin, argv, opts);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
}

/** Resolves with the first stdout line `match` accepts; rejects if the process exits first. */
function firstLine<T>(child: ChildProcess, what: string, match: (line: string) => T | undefined, stderr: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${READY_TIMEOUT_MS} ms; stderr: ${stderr()}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const found = match(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        if (found !== undefined) {
          done();
          resolve(found);
          return;
        }
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`${what} exited (code ${code}) before it was ready; stderr: ${stderr()}`));
    const done = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (err: Error): void => {
      done();
      reject(err);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function keepStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (c: Buffer) => {
    text = (text + c.toString('utf8')).slice(-8192);
  });
  return () => text;
}

/** Starts one simulated cluster on free ports and waits for its ready line. */
export async function startSim(args: SimArgs = {}): Promise<SimProcess> {
  const argv = ['--query-port', '0', '--rpc-port', '0', '--http-port', '0', '--be-port', '0', '--be-http-port', '0'];
  argv.push('--be-count', String(args.beCount ?? 3));
  if (args.replicationNum !== undefined) argv.push('--replication-num', String(args.replicationNum));
  const child = launch(SIM_BIN, argv, args.nodeArgs ?? [], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = keepStderr(child);
  const stop = stopper(child);
  try {
    const ready = await firstLine(child, 'doris_sim', (l) => (l.startsWith('ready ') ? (JSON.parse(l.slice(6)) as SimReady) : undefined), stderr);
    child.stdout?.resume(); // nothing else is printed, but never let a pipe fill up
    return { child, pid: child.pid ?? 0, ready, stop };
  } catch (err) {
    await stop(1000);
    throw err;
  }
}

/** Starts bin/ccr_syncer in `cwd` with `args` (on a free port unless they name one), and waits until it listens. */
export async function startSyncer(cwd: string, args: string[], nodeArgs: string[] = []): Promise<SyncerProcess> {
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const child = launch(SYNCER_BIN, [...port, '--listen_host', '127.0.0.1', ...args], nodeArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = keepStderr(child);
  const stop = stopper(child);
  let lines = 0;
  let bytes = 0;
  const recent: string[] = [];
  let partial = '';
  child.stdout?.on('data', (c: Buffer) => {
    bytes += c.length;
    const text = partial + c.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines += parts.length;
    recent.push(...parts);
    if (recent.length > 50) recent.splice(0, recent.length - 50);
  });
  try {
    const port = await firstLine(
      child,
      'ccr_syncer',
      (l) => {
        if (!l.includes('"http listening"')) return undefined;
        return Number((JSON.parse(l) as { port?: number }).port);
      },
      stderr,
    );
    return { child, pid: child.pid ?? 0, port, stop, logVolume: () => ({ lines, bytes }), recentLogs: () => [...recent] };
  } catch (err) {
    await stop(1000);
    throw err;
  }
}
