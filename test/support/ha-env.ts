// An HA environment: two simulator processes (source and destination) and several real
// bin/ccr_syncer processes sharing one MariaDB database (unique per run, dropped at close),
// with short heartbeat and lease flags. Job-scoped requests follow 303 redirects the way
// `curl -L --post303` does (same method and body).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import type { ApiReply } from './ccr-env.js';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';
import { mysqlTestTarget, uniqueDatabaseName } from './mysql-url.js';
import { startSim, type SimProcess } from './sim-process.js';
import { waitFor } from './wait.js';

export const HEARTBEAT_MS = 500;
export const LEASE_MS = 2_000;

export interface HaSyncer {
  readonly name: string;
  readonly proc: DaemonProcess;
  readonly port: number;
  /** host:port, its jobs.belong_to value. */
  readonly identity: string;
  readonly pid: number;
}

/** One FE transaction call as the simulator recorded it (GET /api/__sim/state?txn_calls=true). */
export interface SimTxnCall {
  method: 'beginTxn' | 'commitTxn' | 'rollbackTxn';
  txnId: string;
  label: string;
  db: string;
  peer: string;
  atMs: number;
  outcome: string;
}

export interface JobSide {
  srcDb: string;
  destDb?: string;
  srcTable?: string;
  destTable?: string;
}

export interface HaEnv {
  readonly src: SimProcess;
  readonly dest: SimProcess;
  /** The MariaDB database the syncers share. */
  readonly database: string;
  /** Every syncer started, in order (dead ones included). */
  readonly syncers: HaSyncer[];
  /** Starts a syncer on the shared store; resolves once it serves HTTP. */
  startSyncer(name: string, extraArgs?: string[]): Promise<HaSyncer>;
  /** Spawns a syncer process on the shared store without waiting for anything (later flags win). */
  spawnSyncer(name: string, extraArgs?: string[]): DaemonProcess;
  /** POSTs to one syncer without following redirects. */
  api(s: HaSyncer, path: string, body?: unknown): Promise<ApiReply & { location: string | null }>;
  /** POSTs to `via` and follows 303 redirects with the same method and body. */
  call(via: HaSyncer, path: string, body?: unknown): Promise<ApiReply>;
  jobBody(name: string, side: JobSide, extra?: Record<string, unknown>): Record<string, unknown>;
  /** create_ccr on `via` (which becomes the owner); fails the test unless it succeeds. */
  createJob(via: HaSyncer, name: string, side: JobSide, extra?: Record<string, unknown>): Promise<void>;
  /** jobs.belong_to and epoch of every job, from the store. */
  owners(): Promise<Map<string, { owner: string; epoch: bigint }>>;
  /** The stored prev_commit_seq of every job that has a checkpoint (cluster jobs excluded). */
  checkpoints(): Promise<Map<string, bigint>>;
  /** host_info of the registry rows. */
  registry(): Promise<string[]>;
  /** The syncer whose identity is `owner`. */
  byIdentity(owner: string): HaSyncer;
  /** Waits until job `name` replays everything the source has, asking its owner. */
  waitCaughtUp(name: string, timeoutMs?: number): Promise<void>;
  /** The destination's (or source's) recorded transaction calls. */
  txnCalls(sim: SimProcess): Promise<SimTxnCall[]>;
  /** Sends a signal; for SIGKILL and SIGTERM also waits for the exit. */
  signal(s: HaSyncer, signal: NodeJS.Signals): Promise<void>;
  alive(s: HaSyncer): boolean;
  close(): Promise<void>;
}

export async function startHaEnv(): Promise<HaEnv> {
  const workDir = mkdtempSync(join(tmpdir(), 'ccr-ha-'));
  const target = mysqlTestTarget();
  const database = uniqueDatabaseName('ccr_e2e_ha');
  const db = await mysql.createConnection({ ...target });
  await db.query(`CREATE DATABASE \`${database}\``);
  await db.query(`USE \`${database}\``);
  const [src, dest] = await Promise.all([startSim(), startSim()]);
  const syncers: HaSyncer[] = [];

  const alive = (s: HaSyncer): boolean => s.proc.child.exitCode === null && s.proc.child.signalCode === null;
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}), redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), location: res.headers.get('location') };
  };
  const cluster = (s: SimProcess, database: string, table = '') => ({
    host: '127.0.0.1',
    port: String(s.ready.query_port),
    thrift_port: String(s.ready.rpc_port),
    user: 'root',
    password: '',
    database,
    table,
  });

  const env: HaEnv = {
    src,
    dest,
    database,
    syncers,
    spawnSyncer(name, extraArgs = []) {
      const dir = join(workDir, name);
      mkdirSync(dir, { recursive: true });
      return spawnDaemon(
        [
          '--port=0',
          '--listen_host=127.0.0.1',
          '--host=127.0.0.1',
          '--db_type=mysql',
          `--db_host=${target.host}`,
          `--db_port=${target.port}`,
          `--db_user=${target.user}`,
          `--db_password=${target.password}`,
          `--db_name=${database}`,
          `--ha_heartbeat_interval=${HEARTBEAT_MS}ms`,
          `--ha_lease=${LEASE_MS}ms`,
          '--max_poll_interval_ms=200',
          '--shutdown_grace_ms=15000',
          ...extraArgs,
        ],
        { cwd: dir, env: { CCR_LOG_LEVEL: 'info' } },
      );
    },
    async startSyncer(name, extraArgs = []) {
      const proc = env.spawnSyncer(name, extraArgs);
      const port = await proc.port();
      const s: HaSyncer = { name, proc, port, identity: `127.0.0.1:${port}`, pid: proc.child.pid ?? 0 };
      syncers.push(s);
      return s;
    },
    api: (s, path, body) => post(`http://127.0.0.1:${s.port}${path}`, body),
    async call(via, path, body) {
      let url = `http://127.0.0.1:${via.port}${path}`;
      for (let hop = 0; hop < 3; hop++) {
        const r = await post(url, body);
        if (r.status !== 303 || !r.location) return r;
        url = r.location;
      }
      throw new Error(`too many redirects for ${path}`);
    },
    jobBody: (name, side, extra = {}) => ({
      name,
      src: cluster(src, side.srcDb, side.srcTable),
      dest: cluster(dest, side.destDb ?? side.srcDb, side.destTable ?? side.srcTable ?? ''),
      ...extra,
    }),
    async createJob(via, name, side, extra) {
      const r = await env.api(via, '/create_ccr', env.jobBody(name, side, extra));
      expect(r.body, `create_ccr ${name}`).toMatchObject({ success: true });
    },
    async owners() {
      const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT job_name, belong_to, epoch FROM jobs ORDER BY job_name');
      return new Map(rows.map((r) => [String(r.job_name), { owner: String(r.belong_to), epoch: BigInt(r.epoch as string) }]));
    },
    async checkpoints() {
      const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT job_name, progress FROM progresses');
      const out = new Map<string, bigint>();
      for (const r of rows) {
        const text = Buffer.from(String(r.progress), 'base64').toString('utf8');
        const seq = /"prev_commit_seq":(-?\d+)/.exec(text)?.[1];
        if (seq !== undefined) out.set(String(r.job_name), BigInt(seq));
      }
      return out;
    },
    async registry() {
      const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT host_info FROM syncers ORDER BY host_info');
      return rows.map((r) => String(r.host_info));
    },
    byIdentity(owner) {
      const s = syncers.find((x) => x.identity === owner && alive(x));
      if (!s) throw new Error(`no live syncer ${owner}`);
      return s;
    },
    async waitCaughtUp(name, timeoutMs = 30_000) {
      const via = syncers.find(alive);
      if (!via) throw new Error('no live syncer');
      await waitFor(
        async () => {
          const s = (await env.call(via, '/job_status', { name })).body.status as Record<string, unknown> | undefined;
          if (typeof s?.progress_state !== 'string' || !s.progress_state.includes('IncrementalSync') || s.state !== 'running') return false;
          return (await env.call(via, '/get_lag', { name })).body.lag === 0;
        },
        `job ${name} to catch up`,
        timeoutMs,
      );
    },
    async txnCalls(sim) {
      const res = await fetch(`http://127.0.0.1:${sim.ready.http_port}/api/__sim/state?txn_calls=true`, {
        headers: { authorization: `Basic ${Buffer.from('root:').toString('base64')}` },
      });
      return ((await res.json()) as { txnCalls: SimTxnCall[] }).txnCalls;
    },
    async signal(s, sig) {
      if (!alive(s)) return;
      s.proc.child.kill(sig);
      if (sig === 'SIGKILL' || sig === 'SIGTERM') await s.proc.exited;
    },
    alive,
    async close() {
      for (const s of syncers) {
        if (!alive(s)) continue;
        s.proc.child.kill('SIGCONT');
        s.proc.child.kill('SIGKILL');
      }
      await Promise.allSettled([...syncers.map((s) => s.proc.exited), src.stop(), dest.stop()]);
      await db.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
      await db.end().catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return env;
}
