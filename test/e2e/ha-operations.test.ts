// High availability, operator side, with real processes on one MariaDB store: a graceful stop
// (SIGTERM) hands every job over before the process exits, without waiting for the others to
// detect anything; job-scoped requests to a syncer that does not own the job answer 303 to
// the owner with the original URI, which `curl -L --post303` follows with the same body; a
// second syncer with a live syncer's identity refuses to start.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoadTable, expectNoDuplicateKeys, rowCount } from '../support/crash-checks.js';
import { startHaEnv, HEARTBEAT_MS, LEASE_MS, type HaEnv, type HaSyncer } from '../support/ha-env.js';
import { startRowLoader } from '../support/row-loader.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const JOBS = ['g1', 'g2', 'g3', 'g4'];
const DB = 'hops';

describe('HA: graceful stop, redirects, identity', () => {
  let env: HaEnv;

  const owner = async (job: string): Promise<HaSyncer> => env.byIdentity((await env.owners()).get(job)?.owner ?? '');
  const curl = async (args: string[]): Promise<string> => (await run('curl', ['-s', '--max-time', '10', ...args])).stdout;

  beforeAll(async () => {
    env = await startHaEnv();
    const [a] = await Promise.all([env.startSyncer('a'), env.startSyncer('b'), env.startSyncer('c')]);
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    for (const job of JOBS) {
      await createLoadTable(env.src, DB, job, 10, 2);
      await env.createJob(a, job, { srcDb: DB, srcTable: job });
    }
    for (const job of JOBS) await env.waitCaughtUp(job);
  }, 90_000);
  afterAll(async () => env?.close());

  it('job-scoped requests to a syncer that does not own the job answer 303 to the owner; curl -L --post303 follows with the body', async () => {
    const job = JOBS[0] ?? '';
    const p = await owner(job);
    const q = env.syncers.find((s) => s !== p && env.alive(s)) as HaSyncer;
    const body = JSON.stringify({ name: job });
    const head = await curl(['-i', '-X', 'POST', '-H', 'Content-Type: application/json', '-d', body, `http://127.0.0.1:${q.port}/job_status?trace=1`]);
    expect(head).toMatch(/^HTTP\/1\.1 303 /);
    expect(head).toMatch(new RegExp(`\\r\\nlocation: http://${p.identity}/job_status\\?trace=1\\r\\n`, 'i'));
    const followed = JSON.parse(await curl(['-L', '--post303', '-X', 'POST', '-d', body, `http://127.0.0.1:${q.port}/job_status`])) as Record<string, unknown>;
    expect(followed).toMatchObject({ success: true, status: { name: job, state: 'running' } });
    // A control request too: pause through the wrong syncer, then resume.
    expect(JSON.parse(await curl(['-L', '--post303', '-X', 'POST', '-d', body, `http://127.0.0.1:${q.port}/pause`]))).toEqual({ success: true });
    expect(((await env.api(p, '/job_status', { name: job })).body.status as { state: string }).state).toBe('paused');
    expect(JSON.parse(await curl(['-L', '--post303', '-X', 'POST', '-d', body, `http://127.0.0.1:${q.port}/resume`]))).toEqual({ success: true });
    expect(((await env.api(p, '/job_status', { name: job })).body.status as { state: string }).state).toBe('running');
    // list_jobs and get_lag answer everywhere, without a redirect.
    expect((await env.api(q, '/list_jobs')).status).toBe(200);
    expect((await env.api(q, '/get_lag', { name: job })).body).toMatchObject({ success: true });
  });

  it('a second syncer with a live syncer\'s identity refuses to start', async () => {
    const live = env.syncers.find((s) => env.alive(s)) as HaSyncer;
    const twin = env.spawnSyncer('twin', [`--port=${live.port}`]);
    const started = Date.now();
    const { code } = await twin.exited;
    expect(code).toBe(3);
    expect(twin.stderr()).toContain(`another syncer is running as ${live.identity}`);
    // Refused as soon as the holder is seen heartbeating, well before its lease could run out.
    expect(Date.now() - started).toBeLessThan(LEASE_MS + 2 * HEARTBEAT_MS + 3_000);
    expect(await env.registry()).toContain(live.identity);
  });

  it('SIGTERM hands every job over before the process exits, without waiting for detection', async () => {
    const loaders = JOBS.map((job, i) => startRowLoader(env.src, DB, job, { firstKey: (i + 1) * 1_000_000, pauseMs: 20 }));
    try {
      await Promise.all(loaders.map((l) => l.waitRows(30)));
      const counts = new Map<string, number>();
      for (const { owner: o } of (await env.owners()).values()) counts.set(o, (counts.get(o) ?? 0) + 1);
      const leaving = env.byIdentity([...counts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? '');
      const sent = Date.now();
      await env.signal(leaving, 'SIGTERM');
      const exitedMs = Date.now() - sent;
      expect((await leaving.proc.exited).code).toBe(0);
      // Already handed over when the process was gone: nobody waited for its lease to run out.
      const owners = await env.owners();
      expect([...owners.values()].filter((o) => o.owner === leaving.identity)).toEqual([]);
      expect(await env.registry()).not.toContain(leaving.identity);
      console.log(`[ha] SIGTERM → jobs handed over and process exited in ${exitedMs} ms (lease ${LEASE_MS} ms)`);
      const live = env.syncers.filter((s) => env.alive(s));
      await waitFor(
        async () => {
          for (const job of JOBS) {
            const s = (await env.call(live[0] as HaSyncer, '/job_status', { name: job })).body.status as { state?: string } | undefined;
            if (s?.state !== 'running') return false;
          }
          return true;
        },
        'every job running on the others',
        3 * HEARTBEAT_MS + 3_000,
      );
      console.log(`[ha] SIGTERM → every job running elsewhere ${Date.now() - sent} ms after the signal`);
      expect(Date.now() - sent).toBeLessThan(LEASE_MS + exitedMs);
      await Promise.all(loaders.map((l) => l.waitRows(l.rows + 30)));
    } finally {
      for (const l of loaders) await l.stop();
    }
    for (const job of JOBS) {
      await env.waitCaughtUp(job);
      await waitFor(async () => (await rowCount(env.dest, DB, job)) === (await rowCount(env.src, DB, job)), `${job} row count`, 20_000);
      await expectNoDuplicateKeys(env.dest, DB, job);
    }
  });
});
