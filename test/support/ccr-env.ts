// An end-to-end environment: two simulator processes (source and destination clusters) and
// the real bin/ccr_syncer, driven through the operator API as a user would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { spawnDaemon, type DaemonProcess } from './daemon-process.js';
import { startSim, type SimOptions, type SimProcess } from './sim-process.js';
import { waitFor } from './wait.js';

export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

export interface CcrEnv {
  /** The source cluster (a new process after restartSource). */
  readonly src: SimProcess;
  readonly dest: SimProcess;
  syncer: DaemonProcess;
  readonly workDir: string;
  /** POSTs a JSON body to the syncer's operator API. */
  api(path: string, body?: unknown): Promise<ApiReply>;
  /** The create_ccr body of a job between the two clusters. */
  jobBody(name: string, side: { srcDb: string; destDb?: string; srcTable?: string; destTable?: string }, extra?: Record<string, unknown>): Record<string, unknown>;
  /** create_ccr; fails the test unless it succeeds. */
  createJob(name: string, side: { srcDb: string; destDb?: string; srcTable?: string; destTable?: string }, extra?: Record<string, unknown>): Promise<void>;
  /** job_status.status of a job. */
  status(name: string): Promise<Record<string, unknown>>;
  /** Waits until the job replays everything the source has (lag 0, incremental state). */
  waitCaughtUp(name: string, timeoutMs?: number): Promise<void>;
  /**
   * Stops the source cluster and starts it again with these options (pass --data-dir and fixed
   * ports in the first start's options to keep its state and its address).
   */
  restartSource(options: SimOptions): Promise<void>;
  /** Starts (or restarts) the syncer on the same metadata store. */
  restartSyncer(args?: string[]): Promise<void>;
  /** SIGKILLs the syncer (no shutdown, no last checkpoint) and waits until it is gone. */
  killSyncer(): Promise<void>;
  /** job_progress.job_progress of a job (the stored checkpoint), or null before the first one. */
  progress(name: string): Promise<Record<string, unknown> | null>;
  /** The sum of the /metrics series of `name` that carry `labels` (0 when there are none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** `srcSim` overrides `sim` for the source cluster. */
export async function startCcrEnv(options: { sim?: SimOptions; srcSim?: SimOptions; syncerArgs?: string[] } = {}): Promise<CcrEnv> {
  const workDir = mkdtempSync(join(tmpdir(), 'ccr-e2e-'));
  const [firstSrc, dest] = await Promise.all([startSim({ ...options.sim, ...options.srcSim }), startSim(options.sim)]);
  let src = firstSrc; // replaced by restartSource
  const syncerArgs = ['--port', '0', '--db_dir', join(workDir, 'ccr.db'), '--max_poll_interval_ms', '200', ...(options.syncerArgs ?? [])];
  const startSyncer = async (args: string[]): Promise<{ d: DaemonProcess; port: number }> => {
    const d = spawnDaemon(args, { cwd: workDir, env: { CCR_LOG_LEVEL: 'info' } });
    return { d, port: await d.port() };
  };
  let { d: syncer, port } = await startSyncer(syncerArgs);

  const api = async (path: string, body?: unknown): Promise<ApiReply> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
  const cluster = (s: SimProcess, database: string, table = '') => ({
    host: '127.0.0.1',
    port: String(s.ready.query_port),
    thrift_port: String(s.ready.rpc_port),
    user: 'root',
    password: options.sim?.password ?? '',
    database,
    table,
  });
  const jobBody: CcrEnv['jobBody'] = (name, side, extra = {}) => ({
    name,
    src: cluster(src, side.srcDb, side.srcTable),
    dest: cluster(dest, side.destDb ?? side.srcDb, side.destTable ?? side.srcTable ?? ''),
    ...extra,
  });
  const env: CcrEnv = {
    get src() {
      return src;
    },
    dest,
    get syncer() {
      return syncer;
    },
    set syncer(v) {
      syncer = v;
    },
    workDir,
    api,
    jobBody,
    async createJob(name, side, extra) {
      const r = await api('/create_ccr', jobBody(name, side, extra));
      expect(r.body, `create_ccr ${name}`).toMatchObject({ success: true });
    },
    async status(name) {
      const r = await api('/job_status', { name });
      return (r.body.status ?? {}) as Record<string, unknown>;
    },
    async waitCaughtUp(name, timeoutMs = 20_000) {
      const caughtUp = waitFor(
        async () => {
          const s = await env.status(name);
          if (typeof s.progress_state !== 'string' || !s.progress_state.includes('IncrementalSync')) return false;
          const lag = await api('/get_lag', { name });
          return lag.body.lag === 0 ? true : false;
        },
        `job ${name} to catch up`,
        timeoutMs,
      );
      await caughtUp.catch(async (err: unknown) => {
        // Say why: the job's state and last error.
        const status = await env.status(name).catch(() => undefined);
        throw new Error(`${(err as Error).message}; job_status: ${JSON.stringify(status)}`);
      });
    },
    async restartSource(simOptions) {
      await src.stop();
      src = await startSim(simOptions);
    },
    async restartSyncer(args = syncerArgs) {
      if (syncer.child.exitCode === null && syncer.child.signalCode === null) {
        syncer.child.kill('SIGTERM');
        await syncer.exited;
      }
      ({ d: syncer, port } = await startSyncer(args));
    },
    async killSyncer() {
      if (syncer.child.exitCode === null && syncer.child.signalCode === null) {
        syncer.child.kill('SIGKILL');
        await syncer.exited;
      }
    },
    async progress(name) {
      const r = await api('/job_progress', { name });
      return (r.body.job_progress ?? null) as Record<string, unknown> | null;
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
        if (want.every((w) => labelText.split(',').includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async close() {
      if (syncer.child.exitCode === null && syncer.child.signalCode === null) syncer.child.kill('SIGTERM');
      await Promise.allSettled([syncer.exited, src.stop(), dest.stop()]);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return env;
}

/** Rows of a table in a canonical order (every column ascending), as printable strings. */
export async function tableRows(sim: SimProcess, db: string, table: string): Promise<string[]> {
  const rows = await sim.query(`SELECT * FROM \`${db}\`.\`${table}\``);
  return rows.map((r) => JSON.stringify(Object.values(r), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();
}

/** SHOW CREATE TABLE without the properties a synced copy legitimately differs in. */
export async function tableSchema(sim: SimProcess, db: string, table: string, renameTo?: string): Promise<string> {
  const rows = await sim.query<Record<string, string>>(`SHOW CREATE TABLE \`${db}\`.\`${table}\``);
  const ddl = Object.values(rows[0] ?? {})[1] ?? '';
  return ddl
    .replace(/\n?"is_being_synced" = "(true|false)",?/, '')
    .replace(/^CREATE TABLE `[^`]+`/, `CREATE TABLE \`${renameTo ?? table}\``);
}

/** Asserts the destination table has the source's schema and exactly its rows. */
export async function expectSameTable(env: CcrEnv, srcDb: string, srcTable: string, destDb = srcDb, destTable = srcTable): Promise<void> {
  expect(await tableSchema(env.dest, destDb, destTable, srcTable), `schema of ${destDb}.${destTable}`).toBe(await tableSchema(env.src, srcDb, srcTable));
  expect(await tableRows(env.dest, destDb, destTable), `rows of ${destDb}.${destTable}`).toEqual(await tableRows(env.src, srcDb, srcTable));
}

/** Waits until the destination table equals the source table (schema and rows). */
export async function waitSameTable(env: CcrEnv, srcDb: string, srcTable: string, destDb = srcDb, destTable = srcTable, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      try {
        await expectSameTable(env, srcDb, srcTable, destDb, destTable);
        return true;
      } catch {
        return false;
      }
    },
    `${destDb}.${destTable} to equal ${srcDb}.${srcTable}`,
    timeoutMs,
  );
  await expectSameTable(env, srcDb, srcTable, destDb, destTable);
}
