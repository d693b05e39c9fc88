import { describe, expect, it } from 'vitest';
import { SimDriver } from './driver.js';
import { createSimEnv } from './env.js';
import { waitFor } from './env.test-helpers.js';
import { col, tableDef } from './model/fixtures.js';

describe('createSimEnv', () => {
  it('builds a cluster with the requested nodes and records bound ports in the model', () => {
    const env = createSimEnv({ clusterName: 'src', frontends: 2, backends: 1, password: 'pw', token: 'tok' });
    expect(env.frontends.map((f) => f.isMaster)).toEqual([true, false]);
    expect(env.backends).toHaveLength(1);
    expect(env.model.state.defaultReplicationNum).toBe(1);
    expect(env.clusterToken).toBe('tok');
    expect(env.model.system.checkPassword('root', 'pw')).toBe(true);
    const master = env.frontends[0];
    env.setFrontendPorts(master?.name ?? '', { queryPort: 19030, rpcPort: 19020, httpPort: 18030 });
    expect([master?.queryPort, master?.rpcPort, master?.httpPort]).toEqual([19030, 19020, 18030]);
    expect(env.model.system.feConfig('rpc_port')).toBe('19020');
    const be = env.backends[0];
    env.setBackendPorts(be?.id ?? 0n, { bePort: 19060, httpPort: 18040 });
    expect(env.model.meta.getBackendMeta().backends?.[0]).toMatchObject({ be_port: 19060, http_port: 18040 });
    expect(() => env.setBackendPorts(1n, {})).toThrow(RangeError);
  });

  it('runs the driver in real time: a backup finishes without manual steps; stop is idempotent', async () => {
    const env = createSimEnv({ backends: 1, driverIntervalMs: 5 });
    env.model.ddl.createDatabase('db');
    env.model.ddl.createTable('db', tableDef({ name: 't', keys: [col('k', 'INT')], properties: { replication_num: '1' } }));
    env.backups.start({ db: 'db', label: 'b', repo: '__keep_on_local__', mode: 'ON', tables: [{ name: 't' }], properties: {} });
    env.start();
    env.start();
    await waitFor(() => env.backups.getSnapshot('b'), 3_000, 'backup');
    await env.stop();
    await env.stop();
    expect(env.driver.started).toBe(false);
  });

  it('rebuilds the model from toJSON output', () => {
    const env = createSimEnv({ backends: 1 });
    env.model.ddl.createDatabase('kept');
    const copy = createSimEnv({ backends: 1, modelJson: env.model.toJSON() });
    expect(copy.model.catalog.database('kept')).toBeDefined();
  });
});

describe('SimDriver', () => {
  it('keeps stepping when a task throws', () => {
    let good = 0;
    const driver = new SimDriver({
      intervalMs: 1000,
      tasks: [
        {
          name: 'bad',
          step: () => {
            throw new Error('boom');
          },
        },
        { name: 'good', step: () => void good++ },
      ],
    });
    driver.step();
    driver.step();
    expect(good).toBe(2);
  });
});
