// Cluster-level sync end to end: one create_ccr with "cluster_sync": true replicates every
// database of a simulated source cluster through child database jobs, follows databases
// created, dropped and recreated on the source, applies a new monitor interval without a
// restart, survives a restart and a shutdown in the middle of a pass, and rejects bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { waitFor } from '../support/wait.js';

type Body = Record<string, unknown>;

const JOB = 'cl';
/** The cluster job's interval while it should react quickly. */
const FAST_SECONDS = 2;
const GRACE_MS = 5_000;

function createDb(db: string, rows: string): string {
  return `CREATE DATABASE ${db} PROPERTIES ("binlog.enable" = "true");
    CREATE TABLE ${db}.t (k INT, v VARCHAR(20)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2
      PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");
    INSERT INTO ${db}.t VALUES ${rows};`;
}

describe('cluster-level sync between two simulated clusters', () => {
  let env: CcrEnv;

  beforeAll(async () => {
    env = await startCcrEnv({ syncerArgs: ['--shutdown_grace_ms', String(GRACE_MS)] });
  }, 60_000);
  afterAll(async () => env?.close());

  const clusterStatus = async (): Promise<Body> => env.status(JOB);
  const children = async (): Promise<string[]> => {
    const r = await env.api('/list_jobs', {});
    const cluster = ((r.body.clusters ?? []) as Array<{ name: string; children: string[] }>).find((c) => c.name === JOB);
    return cluster?.children ?? [];
  };
  const waitChildren = (expected: string[], what: string, timeoutMs = 15_000) =>
    waitFor(async () => JSON.stringify(await children()) === JSON.stringify(expected), `${what}: children ${expected.join(', ')}`, timeoutMs);

  it('accepts an empty source cluster and waits for databases', async () => {
    const body = env.jobBody(JOB, { srcDb: '' }, { cluster_sync: true, monitor_interval_seconds: FAST_SECONDS });
    expect((await env.api('/create_ccr', body)).body).toEqual({ success: true });
    await waitFor(async () => (await clusterStatus()).last_reconcile_at !== null, 'first pass');
    expect(await clusterStatus()).toMatchObject({ type: 'cluster', state: 'running', databases: [], children: [], last_error: null, monitor_interval_seconds: FAST_SECONDS });
  });

  it('replicates a cluster with three databases, system databases left out', async () => {
    await env.src.query([createDb('db1', "(1, 'a'), (2, 'b')"), createDb('db2', "(3, 'c')"), createDb('db3', "(4, 'd')")].join('\n'));
    await waitChildren(['cl_db1', 'cl_db2', 'cl_db3'], 'three children');
    for (const db of ['db1', 'db2', 'db3']) await waitSameTable(env, db, 't');
    const s = await clusterStatus();
    expect((s.databases as Body[]).map((d) => [d.database, d.state])).toEqual([
      ['db1', 'synced'],
      ['db2', 'synced'],
      ['db3', 'synced'],
    ]);
    // Loads keep flowing through the children.
    await env.src.query("INSERT INTO db1.t VALUES (5, 'e');");
    await waitSameTable(env, 'db1', 't');
    expect((await env.api('/job_status', { name: 'cl_db1' })).body.status).toMatchObject({ state: 'running' });
  });

  it('gives a new source database a child within one monitor interval', async () => {
    await env.src.query(createDb('db4', "(7, 'g')"));
    const created = Date.now();
    await waitChildren(['cl_db1', 'cl_db2', 'cl_db3', 'cl_db4'], 'db4 picked up', (FAST_SECONDS + 3) * 1000);
    expect(Date.now() - created).toBeLessThan((FAST_SECONDS + 3) * 1000);
    await waitSameTable(env, 'db4', 't');
  });

  it('reports a database without binlog in the cluster job status, and picks it up once binlog is on', async () => {
    await env.src.query(`CREATE DATABASE nolog;
      CREATE TABLE nolog.t (k INT, v VARCHAR(20)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1");
      INSERT INTO nolog.t VALUES (1, 'x');`);
    const nolog = async () => ((await clusterStatus()).databases as Body[]).find((d) => d.database === 'nolog');
    await waitFor(async () => (await nolog())?.state === 'binlog_disabled', 'nolog reported');
    expect(((await nolog())?.last_error as Body).message).toMatch(/^binlog is not enabled on source database nolog: run scripts\/enable_db_binlog\.sh .* -d nolog/);
    expect(await children()).not.toContain('cl_nolog');
    await env.src.query(`ALTER TABLE nolog.t SET ("binlog.enable" = "true"); ALTER DATABASE nolog SET PROPERTIES ("binlog.enable" = "true");`);
    await waitChildren(['cl_db1', 'cl_db2', 'cl_db3', 'cl_db4', 'cl_nolog'], 'nolog picked up');
    await waitSameTable(env, 'nolog', 't');
  });

  it('removes the child of a dropped database and restarts a recreated one with a full sync', async () => {
    await env.src.query('DROP DATABASE db2;');
    await waitChildren(['cl_db1', 'cl_db3', 'cl_db4', 'cl_nolog'], 'db2 child removed');
    expect((await env.api('/job_status', { name: 'cl_db2' })).status).toBe(404);
    // The destination keeps its data: the syncer never drops destination databases.
    expect(await env.dest.query('SELECT * FROM db2.t')).toHaveLength(1);

    const oldId = ((await clusterStatus()).databases as Body[]).find((d) => d.database === 'db3')?.db_id;
    await env.src.query(`DROP DATABASE db3; ${createDb('db3', "(40, 'new'), (41, 'rows')")}`);
    await waitFor(
      async () => {
        const d = ((await clusterStatus()).databases as Body[]).find((x) => x.database === 'db3');
        return d !== undefined && d.db_id !== oldId && d.state === 'synced';
      },
      'db3 child recreated for the new database',
      15_000,
    );
    await waitSameTable(env, 'db3', 't');
    expect((await env.api('/job_detail', { name: 'cl_db3' })).body.job_detail).toMatchObject({ parent: { job: JOB, database: 'db3' } });
  });

  it('applies a new monitor interval to the running monitor, without a restart', async () => {
    expect((await env.api('/update_monitor_interval', { name: JOB, interval_seconds: 3600 })).body).toEqual({ success: true });
    const slow = async () => {
      const s = await clusterStatus();
      return Date.parse(s.next_reconcile_at as string) - Date.parse(s.last_reconcile_at as string);
    };
    expect(await clusterStatus()).toMatchObject({ monitor_interval_seconds: 3600, default_interval: false });
    expect(await slow()).toBe(3_600_000);
    await env.src.query(createDb('db5', "(9, 'i')"));
    expect((await env.api('/update_monitor_interval', { name: JOB, interval_seconds: 1 })).body).toEqual({ success: true });
    const changed = Date.now();
    await waitChildren(['cl_db1', 'cl_db3', 'cl_db4', 'cl_db5', 'cl_nolog'], 'db5 picked up at the new cadence', 5000);
    expect(Date.now() - changed).toBeLessThan(5000);
    await waitFor(async () => (await slow()) === 1000, 'passes every second');
    expect((await env.api('/update_monitor_interval', { interval_seconds: 300 })).body).toEqual({ success: true });
    expect((await env.api('/get_monitor_interval', {})).body).toEqual({ success: true, interval_seconds: 300 });
    expect((await env.api('/get_monitor_interval', { name: JOB })).body).toEqual({ success: true, name: JOB, interval_seconds: 1, default_interval_seconds: 300 });
  });

  it('keeps everything a user sees across a syncer restart', async () => {
    const visible = async () => {
      const s = await clusterStatus();
      const view = (await env.api('/view?type=raw')).body.jobs as Body[];
      return {
        list: (await env.api('/list_jobs', {})).body,
        cluster: { state: s.state, interval: s.monitor_interval_seconds, databases: s.databases, children: (s.children as Body[]).map((c) => [c.name, c.state]) },
        intervals: [(await env.api('/get_monitor_interval', {})).body, (await env.api('/get_monitor_interval', { name: JOB })).body],
        fullSyncs: view.map((r) => [r.name, r.parent, r.last_fullsync_time]),
      };
    };
    await waitSameTable(env, 'db5', 't');
    const before = await visible();
    await env.restartSyncer();
    await waitFor(async () => (await clusterStatus()).state === 'running', 'syncer back');
    await waitFor(async () => ((await clusterStatus()).children as Body[]).every((c) => c.state === 'running'), 'children running');
    const after = await visible();
    expect(after).toEqual(before);
    // Replication continues from the checkpoints, and new databases are still picked up.
    await env.src.query(`INSERT INTO db4.t VALUES (8, 'h'); ${createDb('db6', "(10, 'j')")}`);
    await waitSameTable(env, 'db4', 't');
    await waitChildren(['cl_db1', 'cl_db3', 'cl_db4', 'cl_db5', 'cl_db6', 'cl_nolog'], 'db6 picked up after the restart');
    await waitSameTable(env, 'db6', 't');
  });

  it('exits cleanly within the grace period when stopped during a reconciliation', async () => {
    await env.src.query([createDb('db7', "(11, 'k')"), createDb('db8', "(12, 'l')"), createDb('db9', "(13, 'm')")].join('\n'));
    const syncer = env.syncer;
    await syncer.waitForLog((l) => l.msg === 'child job created' && ['db7', 'db8', 'db9'].includes(l.database as string), 'a pass creating children', 10_000);
    const t0 = Date.now();
    syncer.child.kill('SIGTERM');
    const { code } = await syncer.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(GRACE_MS);
    expect(syncer.logs.some((l) => l.msg === 'cluster monitor stopped')).toBe(true);
    // Whatever the pass had done, the next syncer completes it: one child per database.
    await env.restartSyncer();
    await waitChildren(['cl_db1', 'cl_db3', 'cl_db4', 'cl_db5', 'cl_db6', 'cl_db7', 'cl_db8', 'cl_db9', 'cl_nolog'], 'the pass completed after the restart');
    for (const db of ['db7', 'db8', 'db9']) await waitSameTable(env, db, 't');
  });

  it('rejects bad input with 4xx and a message naming the field', async () => {
    const cases: Array<[string, Body, number, string]> = [
      ['/update_monitor_interval', { interval_seconds: 0 }, 400, 'interval_seconds: expected an integer 1-86400, got 0'],
      ['/update_monitor_interval', { name: JOB, interval_seconds: -1 }, 400, 'interval_seconds: expected an integer 1-86400, got -1'],
      ['/update_monitor_interval', { interval_seconds: 'often' }, 400, 'interval_seconds: expected an integer 1-86400, got a string'],
      ['/update_monitor_interval', { name: 'nope', interval_seconds: 10 }, 404, 'job nope not exist'],
      ['/get_monitor_interval', { name: 'nope' }, 404, 'job nope not exist'],
      ['/pause', { name: 'nope' }, 404, 'job nope not exist'],
      ['/create_ccr', env.jobBody('bad', { srcDb: 'db1' }, { cluster_sync: true }), 400, 'src.database: must be empty when cluster_sync is true'],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await env.api(path, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body).toMatchObject({ success: false, error_msg: expect.stringContaining(message) as unknown });
    }
  });
});
