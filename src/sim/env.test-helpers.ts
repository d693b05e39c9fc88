// Test support: one simulated cluster in-process with its FE and BE servers listening on
// ports the OS picked, our FE/BE Thrift clients pointed at them, and data helpers.
import { onTestFinished } from 'vitest';
import { BeClient } from '../doris/be-client.js';
import { FeClient } from '../doris/fe-client.js';
import { startBackendNode, type RunningBackendNode } from './be/backend-node.js';
import { createSimEnv, type SimEnv, type SimEnvOptions } from './env.js';
import { startFrontendNode, type RunningFrontendNode } from './fe/frontend-node.js';
import { col, tableDef } from './model/fixtures.js';
import type { TableDef } from './model/schema.js';
import type { Value } from './model/value.js';

export interface TestCluster {
  env: SimEnv;
  fes: RunningFrontendNode[];
  bes: RunningBackendNode[];
  /** A client that starts at the first FE (the master). */
  fe: FeClient;
  /** A client per BE, by backend id. */
  be(id: bigint): BeClient;
  close(): Promise<void>;
}

export const ROOT = { user: 'root', passwd: 'pw' } as const;

/** Starts a cluster: env + every FE and BE node. The driver runs unless `manual`. */
export async function startTestCluster(opts: SimEnvOptions & { manual?: boolean } = {}): Promise<TestCluster> {
  const env = createSimEnv({ password: ROOT.passwd, backends: 3, driverIntervalMs: 10, ...opts });
  const fes: RunningFrontendNode[] = [];
  for (const f of env.frontends) fes.push(await startFrontendNode(env, f.name));
  const bes: RunningBackendNode[] = [];
  for (const b of env.backends) bes.push(await startBackendNode(env, b.id));
  if (!opts.manual) env.start();
  const first = fes[0] as RunningFrontendNode;
  const fe = new FeClient({ frontends: [{ host: '127.0.0.1', port: first.rpcPort }], rpcTimeoutMs: 5_000, connectTimeoutMs: 2_000 });
  const beClients = new Map<bigint, BeClient>();
  return {
    env,
    fes,
    bes,
    fe,
    be(id) {
      let c = beClients.get(id);
      if (!c) {
        const b = env.model.system.backend(id);
        if (!b) throw new Error(`no backend ${id}`);
        c = new BeClient({ host: '127.0.0.1', port: b.bePort }, { rpcTimeoutMs: 5_000, connectTimeoutMs: 2_000 });
        beClients.set(id, c);
      }
      return c;
    },
    async close() {
      await env.stop();
      await fe.close();
      await Promise.all([...beClients.values()].map((c) => c.close()));
      await Promise.all([...fes, ...bes].map((n) => n.close()));
    },
  };
}

/** startTestCluster for one test: the cluster is closed when the test ends. */
export async function testCluster(opts: Parameters<typeof startTestCluster>[0] = {}): Promise<TestCluster> {
  const c = await startTestCluster(opts);
  onTestFinished(() => c.close());
  return c;
}

/** Waits for `check` to return a value (not undefined/false) or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A binlog-enabled database with a range-partitioned DUPLICATE table `name` (k INT, v VARCHAR). */
export function createBinlogTable(env: SimEnv, db: string, name: string, extra: Partial<TableDef> = {}): void {
  if (!env.model.catalog.database(db)) env.model.ddl.createDatabase(db, { properties: { 'binlog.enable': 'true' } });
  env.model.ddl.createTable(db, {
    ...tableDef({
      name,
      keys: [col('k', 'INT')],
      values: [col('v', 'VARCHAR')],
      partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [100] }, { name: 'p2', upper: [200] }] },
      distribution: { type: 'HASH', columns: ['k'], buckets: 2 },
      properties: { replication_num: '2', 'binlog.enable': 'true' },
    }),
    ...extra,
  });
}

/** Rows as sorted strings, for comparing table contents across clusters. */
export function rowsOf(env: SimEnv, db: string, table: string): string[] {
  return env.model
    .scan(db, table)
    .rows.map((r: Value[]) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    .sort();
}
