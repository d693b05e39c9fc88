// High availability end to end: three syncer processes share one MariaDB meta store and two
// simulated clusters. Table, database and cluster jobs spread over the syncers; a SIGKILLed
// syncer's jobs continue on the others within the detection bound, exactly once (DUPLICATE
// KEY tables under continuous load would show a binlog applied twice); a syncer frozen with
// SIGSTOP past its lease, then resumed, writes no checkpoint and begins or commits no
// destination transaction for the jobs it lost (checked in the store and in the destination's
// record of transaction calls, by the frozen process's own client sockets); a fourth syncer
// that joins receives jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoadTable, expectNoDuplicateKeys, rowCount } from '../support/crash-checks.js';
import { startHaEnv, HEARTBEAT_MS, LEASE_MS, type HaEnv, type HaSyncer, type SimTxnCall } from '../support/ha-env.js';
import { tcpLocalPorts } from '../support/proc-sockets.js';
import { startRowLoader, type RowLoader } from '../support/row-loader.js';
import { waitFor } from '../support/wait.js';

/** Jobs and the source table each one replicates under load. */
const TABLE_JOBS = ['tj1', 'tj2'];
const DB_JOB = 'dbj';
const CLUSTER_JOB = 'cl';
const CHILDREN = ['cl_hc1', 'cl_hc2'];
const ALL_JOBS = [...TABLE_JOBS, DB_JOB, CLUSTER_JOB, ...CHILDREN].sort();
const LOADED: Array<{ job: string; db: string; table: string }> = [
  { job: 'tj1', db: 'hdb1', table: 't1' },
  { job: 'tj2', db: 'hdb1', table: 't2' },
  { job: DB_JOB, db: 'hdb2', table: 't' },
  { job: 'cl_hc1', db: 'hc1', table: 't' },
  { job: 'cl_hc2', db: 'hc2', table: 't' },
];

describe('HA: three syncers on one MariaDB store', () => {
  let env: HaEnv;
  let nextKey = 1;

  /** Jobs per owner identity. */
  async function jobsByOwner(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const [job, { owner }] of await env.owners()) out.set(owner, [...(out.get(owner) ?? []), job]);
    return out;
  }

  function startLoaders(): RowLoader[] {
    const loaders = LOADED.map(({ db, table }) => {
      const l = startRowLoader(env.src, db, table, { firstKey: nextKey, pauseMs: 20 });
      nextKey += 1_000_000;
      return l;
    });
    return loaders;
  }

  async function stopLoaders(loaders: RowLoader[]): Promise<void> {
    for (const l of loaders) await l.stop();
  }

  /** Every loaded table: destination = source row for row, no key twice. */
  async function expectConverged(): Promise<void> {
    for (const job of [...TABLE_JOBS, DB_JOB, ...CHILDREN]) await env.waitCaughtUp(job);
    for (const { db, table } of LOADED) {
      await waitFor(async () => (await rowCount(env.dest, db, table)) === (await rowCount(env.src, db, table)), `${db}.${table} row count`, 20_000);
      await expectNoDuplicateKeys(env.dest, db, table);
      const keys = async (sim: typeof env.src) => (await sim.query<{ k: number }>(`SELECT k FROM ${db}.${table} ORDER BY k`)).map((r) => Number(r.k));
      expect(await keys(env.dest), `${db}.${table}`).toEqual(await keys(env.src));
    }
  }

  /** Waits until every job is owned by one of `live` and runs there. */
  async function waitAllRunningOn(live: HaSyncer[], timeoutMs: number): Promise<void> {
    const ids = new Set(live.map((s) => s.identity));
    await waitFor(async () => [...(await env.owners()).values()].every((o) => ids.has(o.owner)), 'every job owned by a live syncer', timeoutMs);
    await waitFor(
      async () => {
        for (const job of ALL_JOBS) {
          const status = (await env.call(live[0] as HaSyncer, '/job_status', { name: job })).body.status as { state?: string } | undefined;
          if (status?.state !== 'running') return false;
        }
        return true;
      },
      'every job running',
      timeoutMs,
    );
  }

  beforeAll(async () => {
    env = await startHaEnv();
    const [a] = await Promise.all([env.startSyncer('a'), env.startSyncer('b'), env.startSyncer('c')]);
    await env.src.query(`CREATE DATABASE hdb1 PROPERTIES ("binlog.enable" = "true"); CREATE DATABASE hdb2 PROPERTIES ("binlog.enable" = "true");
      CREATE DATABASE hc1 PROPERTIES ("binlog.enable" = "true"); CREATE DATABASE hc2 PROPERTIES ("binlog.enable" = "true");`);
    for (const { db, table } of LOADED) await createLoadTable(env.src, db, table, 10, 2);
    // Everything is created on a: rebalancing spreads it.
    for (const [i, job] of TABLE_JOBS.entries()) await env.createJob(a, job, { srcDb: 'hdb1', srcTable: `t${i + 1}` });
    await env.createJob(a, DB_JOB, { srcDb: 'hdb2' });
    await env.createJob(a, CLUSTER_JOB, { srcDb: '' }, { cluster_sync: true, include_databases: ['hc1', 'hc2'], monitor_interval_seconds: 2 });
    await waitFor(async () => (await env.owners()).size === ALL_JOBS.length, 'cluster children created', 30_000);
  }, 90_000);
  afterAll(async () => env?.close());

  it('spreads table, database and cluster jobs over the syncers; a cluster job and its children stay together', async () => {
    await waitFor(async () => (await jobsByOwner()).size === 3, 'every syncer owns a job', 20_000);
    // A group moves one job at a time (each at its step boundary), so a read between two of
    // its hand-overs sees it split; once the moves settle it is on one syncer.
    const groupOwners = async () => {
      const owners = await env.owners();
      return new Set([CLUSTER_JOB, ...CHILDREN].map((j) => owners.get(j)?.owner));
    };
    await waitFor(async () => (await groupOwners()).size === 1, 'the cluster job and its children on one syncer', 20_000);
    for (const job of [...TABLE_JOBS, DB_JOB, ...CHILDREN]) await env.waitCaughtUp(job);
    // list_jobs on any syncer shows every job with its owner; /view too (retried while a
    // rebalancing step may still move a job between the reads).
    await waitFor(async () => {
      const expected = [...(await env.owners())].map(([job, o]) => [job, o.owner]);
      const list = (await env.api(env.syncers[1] as HaSyncer, '/list_jobs')).body;
      const view = (await env.api(env.syncers[2] as HaSyncer, '/view?type=raw')).body.jobs as Array<{ name: string; owner: string }>;
      return (
        JSON.stringify(list.jobs) === JSON.stringify(ALL_JOBS) &&
        JSON.stringify(list.owners) === JSON.stringify(Object.fromEntries(expected)) &&
        JSON.stringify(view.map((r) => [r.name, r.owner])) === JSON.stringify(expected)
      );
    }, 'list_jobs and /view to show every job with its owner', 10_000);
  });

  it('SIGKILL: the dead syncer\'s jobs move within the detection bound and continue exactly once', async () => {
    const loaders = startLoaders();
    try {
      await Promise.all(loaders.map((l) => l.waitRows(30)));
      // The syncer with the cluster group dies (the group must move together).
      const victim = env.byIdentity((await env.owners()).get(CLUSTER_JOB)?.owner ?? '');
      const killedAt = Date.now();
      await env.signal(victim, 'SIGKILL');
      const live = env.syncers.filter((s) => env.alive(s));
      const ids = new Set(live.map((s) => s.identity));
      await waitFor(async () => [...(await env.owners()).values()].every((o) => ids.has(o.owner)), 'jobs of the dead syncer moved', 15_000);
      const movedMs = Date.now() - killedAt;
      // Dead after the lease by the database clock; the coordinator notices at its next heartbeat.
      expect(movedMs).toBeLessThan(LEASE_MS + 3 * HEARTBEAT_MS + 1_500);
      console.log(`[ha] SIGKILL → every job owned by a live syncer in ${movedMs} ms (lease ${LEASE_MS} ms, heartbeat ${HEARTBEAT_MS} ms)`);
      expect((await env.registry()).sort()).toEqual([...ids].sort());
      const owners = await env.owners();
      expect(new Set([CLUSTER_JOB, ...CHILDREN].map((j) => owners.get(j)?.owner)).size).toBe(1);
      await waitAllRunningOn(live, 10_000);
      console.log(`[ha] SIGKILL → every job running again in ${Date.now() - killedAt} ms`);
      await Promise.all(loaders.map((l) => l.waitRows(l.rows + 30)));
    } finally {
      await stopLoaders(loaders);
    }
    await expectConverged();
  });

  it('SIGSTOP past the lease, then SIGCONT: the frozen syncer writes no checkpoint and no destination transaction for the jobs it lost', async () => {
    const loaders = startLoaders();
    try {
      await Promise.all(loaders.map((l) => l.waitRows(l.rows + 30)));
      const byOwner = await jobsByOwner();
      const frozen = env.byIdentity([...byOwner.entries()].sort((x, y) => y[1].length - x[1].length)[0]?.[0] ?? '');
      const lost = byOwner.get(frozen.identity) ?? [];
      expect(lost.length).toBeGreaterThan(0);
      const epochs = await env.owners();
      const fePort = env.dest.ready.rpc_port;
      const peerPort = (c: SimTxnCall): number => Number(c.peer.slice(c.peer.lastIndexOf(':') + 1));
      // The attribution works: its commits right now come through connections /proc shows.
      await waitFor(async () => {
        const own = tcpLocalPorts(frozen.pid, fePort);
        return (await env.txnCalls(env.dest)).some((c) => c.method === 'commitTxn' && own.has(peerPort(c)) && c.atMs > Date.now() - 1_000);
      }, 'a commit of the syncer to freeze, attributed to it', 10_000);

      const frozenAt = Date.now();
      await env.signal(frozen, 'SIGSTOP');
      await waitFor(
        async () => {
          const now = await env.owners();
          return lost.every((j) => now.get(j)?.owner !== frozen.identity);
        },
        'the frozen syncer\'s jobs moved',
        15_000,
      );
      // The new owners commit meanwhile.
      const taken = await env.checkpoints();
      await waitFor(async () => {
        const now = await env.checkpoints();
        return lost.filter((j) => j !== CLUSTER_JOB).every((j) => (now.get(j) ?? 0n) > (taken.get(j) ?? 0n));
      }, 'new owners to commit', 15_000);

      const ports = tcpLocalPorts(frozen.pid, fePort);
      const before = await env.checkpoints();
      const thawedAt = Date.now();
      await env.signal(frozen, 'SIGCONT');
      // Watch the store while the resumed process finds out: no checkpoint goes back to what
      // the frozen process had, no lost job returns to it at its old epoch.
      const watchUntil = Date.now() + 3 * HEARTBEAT_MS + 1_500;
      let last = before;
      while (Date.now() < watchUntil) {
        const now = await env.checkpoints();
        for (const [job, seq] of last) expect(now.get(job) ?? seq, `checkpoint of ${job}`).toBeGreaterThanOrEqual(seq);
        const owners = await env.owners();
        for (const j of lost) {
          const o = owners.get(j);
          expect(o?.owner === frozen.identity && o.epoch === epochs.get(j)?.epoch, `${j} back at its old epoch`).toBe(false);
        }
        last = now;
        await new Promise((r) => setTimeout(r, 50));
      }
      // Once it logs this, it has stopped every runner it had and registers as a new incarnation.
      const cleaned = await frozen.proc.waitForLog((l) => l.msg.includes('registering again'), 'the resumed syncer noticed it was declared dead', 10_000);
      const cleanAt = Date.parse(String(cleaned.time));
      for (const p of tcpLocalPorts(frozen.pid, fePort)) ports.add(p);

      // The destination's record of transaction calls, attributed by the client's connection.
      const all = await env.txnCalls(env.dest);
      const calls = all.filter((c) => ports.has(peerPort(c)));
      // Between SIGCONT and the stop of its runners: nothing begun, nothing committed.
      const stale = calls.filter((c) => c.atMs >= thawedAt && c.atMs <= cleanAt && c.method !== 'rollbackTxn');
      expect(stale, 'transactions begun or committed by the resumed syncer before it stopped its runners').toEqual([]);
      // Later, as a new incarnation, only for jobs handed back to it at a newer epoch.
      const finalOwners = await env.owners();
      const regained = new Set(
        LOADED.filter(({ job }) => finalOwners.get(job)?.owner === frozen.identity && (finalOwners.get(job)?.epoch ?? 0n) > (epochs.get(job)?.epoch ?? 0n)).map((l) => l.db),
      );
      const later = calls.filter((c) => c.atMs > cleanAt && c.method !== 'rollbackTxn' && !regained.has(c.db));
      expect(later, 'transactions of the resumed syncer for jobs it does not own').toEqual([]);
      // Meanwhile it may roll back its own open transactions (begun before it was frozen),
      // never one its jobs' new owners began. A beginTxn it wrote just before SIGSTOP can reach
      // the destination a moment after frozenAt; the new owners begin none before the lease
      // has run out (at least LEASE_MS − HEARTBEAT_MS after the freeze), so half a lease
      // separates the two.
      const begunAt = new Map(all.filter((c) => c.method === 'beginTxn').map((c) => [c.txnId, c.atMs]));
      for (const c of calls.filter((x) => x.atMs >= thawedAt && x.atMs <= cleanAt && x.method === 'rollbackTxn')) {
        expect(begunAt.get(c.txnId) ?? 0, `txn ${c.txnId} rolled back by the resumed syncer`).toBeLessThan(frozenAt + LEASE_MS / 2);
      }
      const lostLease = await (await fetch(`http://127.0.0.1:${frozen.port}/metrics`)).text();
      expect(lostLease).toMatch(/ccr_ha_lease_lost_total\{cause="(expired|registration_lost)"\} [1-9]/);
      await Promise.all(loaders.map((l) => l.waitRows(l.rows + 30)));
    } finally {
      await stopLoaders(loaders);
    }
    await expectConverged();
  });

  it('a fourth syncer that joins receives jobs', async () => {
    const d = await env.startSyncer('d');
    await waitFor(async () => ((await jobsByOwner()).get(d.identity) ?? []).length > 0, 'the new syncer owns a job', 15_000);
    const mine = (await jobsByOwner()).get(d.identity) ?? [];
    const job = mine.find((j) => j !== CLUSTER_JOB) ?? mine[0] ?? '';
    await waitFor(async () => ((await env.api(d, '/job_status', { name: job })).body.status as { state?: string } | undefined)?.state === 'running', `${job} running on d`, 10_000);
    const loaders = startLoaders();
    try {
      await Promise.all(loaders.map((l) => l.waitRows(l.rows + 20)));
    } finally {
      await stopLoaders(loaders);
    }
    await expectConverged();
  });
});
