// Runs the real bin/doris_sim as a child process (one simulated Doris cluster) and gives
// tests SQL access and the fault-injection endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import type { SimReady } from '../../src/bench/processes.js';

export const SIM_BIN = fileURLToPath(new URL('../../bin/doris_sim', import.meta.url));

export type { SimReady };

export interface SimProcess {
  readonly ready: SimReady;
  readonly child: ChildProcess;
  /** Runs one or more statements; returns the rows of the last result set. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Posts one fault action to the admin endpoint (doc/simulator.md, Faults). */
  fault(action: Record<string, unknown>): Promise<unknown>;
  /** GET /api/__sim/state: nodes, master, armed faults, databases with backup/restore rows. */
  state(): Promise<SimState>;
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

export interface SimState {
  /** The commit seq the next journaled operation gets (decimal). */
  nextCommitSeq: string;
  frontends: { name: string; alive: boolean; isMaster: boolean; queryPort: number; rpcPort: number; httpPort: number }[];
  backends: { id: string; alive: boolean }[];
  faults: {
    methodFaults: { service: string; method: string; remaining: number; action: string }[];
    publishHeld: boolean;
    master: string | null;
    stoppedBackends: string[];
    stoppedFrontends: string[];
  };
  databases: { id: string; name: string; tables: { id: string; name: string }[]; backups: string[][]; restores: string[][] }[];
}

export interface SimOptions {
  beCount?: number;
  feCount?: number;
  password?: string;
  dataDir?: string;
  extraArgs?: string[];
}

export async function startSim(options: SimOptions = {}): Promise<SimProcess> {
  const args = ['--query-port', '0', '--rpc-port', '0', '--http-port', '0', '--be-port', '0', '--be-http-port', '0'];
  args.push('--be-count', String(options.beCount ?? 2), '--fe-count', String(options.feCount ?? 1));
  if (options.password !== undefined) args.push('--password', options.password);
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(SIM_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await new Promise<SimReady>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`doris_sim did not get ready; stderr: ${err}`)), 15_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('ready '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('ready '.length)) as SimReady);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`doris_sim exited with ${code}; stderr: ${err}`));
    });
  });
  // One pool per FE; statements go to the first FE that accepts a connection (a test may have
  // stopped some).
  const pools = ready.fes.map((fe) =>
    mysql.createPool({ host: '127.0.0.1', port: fe.query_port, user: 'root', password: options.password ?? '', multipleStatements: true, connectionLimit: 4 }),
  );
  const onLiveFe = async (sql: string): Promise<unknown> => {
    let last: unknown;
    for (const pool of pools) {
      let conn: mysql.PoolConnection;
      try {
        conn = await pool.getConnection();
      } catch (err) {
        last = err;
        continue;
      }
      try {
        return (await conn.query(sql))[0];
      } finally {
        conn.release();
      }
    }
    throw last instanceof Error ? last : new Error('no FE query port accepts connections');
  };
  const auth = `Basic ${Buffer.from(`root:${options.password ?? ''}`).toString('base64')}`;
  /** The admin API on the first FE whose HTTP port answers (a test may have stopped some). */
  const admin = async (path: string, init: RequestInit): Promise<Response> => {
    let last: unknown;
    for (const fe of ready.fes) {
      try {
        return await fetch(`http://127.0.0.1:${fe.http_port}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: auth } });
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error(`no FE HTTP port answers ${path}`);
  };
  return {
    ready,
    child,
    async query<T>(sql: string): Promise<T[]> {
      const result = await onLiveFe(sql);
      if (Array.isArray(result) && result.length > 0 && Array.isArray(result[0])) return result[result.length - 1] as T[];
      return (Array.isArray(result) ? result : []) as T[];
    },
    async fault(action) {
      const res = await admin('/api/__sim/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) });
      const body = (await res.json()) as { ok: boolean; error?: string };
      if (!body.ok) throw new Error(`fault ${JSON.stringify(action)} refused: ${body.error}`);
      return body;
    },
    async state() {
      return (await (await admin('/api/__sim/state', {})).json()) as SimState;
    },
    stderr: () => err,
    async stop() {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
