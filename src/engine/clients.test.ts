import { afterEach, describe, expect, it } from 'vitest';
import { mysqlTestTarget } from '../../test/support/mysql-url.js';
import type { ClusterSpec } from '../jobs/job-spec.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { freePort } from '../util/free-port.js';
import { ClientPool } from './clients.js';
import { createEngineMetrics } from './engine-metrics.js';

const signal = new AbortController().signal;
const pools: ClientPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

function pool(): ClientPool {
  const p = new ClientPool({
    connectTimeoutMs: 500,
    rpcTimeoutMs: 1_000,
    commitTxnTimeoutMs: 1_000,
    maxIngestConcurrencyPerBackend: 1,
    log: silentLogger(),
    metrics: createEngineMetrics(createMetrics({ processMetrics: false })),
  });
  pools.push(p);
  return p;
}

const spec = (over: Partial<ClusterSpec>): ClusterSpec => ({
  host: '127.0.0.1',
  port: 9030,
  thriftPort: 9020,
  user: 'root',
  password: '',
  cluster: '',
  database: 'd',
  table: '',
  dbId: 0n,
  tableId: 0n,
  frontends: [],
  hostMapping: {},
  ...over,
});

describe('ClientPool: the FE list recorded at create_ccr goes through the host mapping', () => {
  it('Thrift: the given host first, then the recorded FEs at their mapped addresses', () => {
    const frontends = [
      { host: '10.0.0.1', port: 9030, thriftPort: 9020, isMaster: true },
      { host: '10.0.0.2', port: 9030, thriftPort: 9020, isMaster: false },
      { host: '10.0.0.3', port: 9030, thriftPort: 9020, isMaster: false },
    ];
    const fe = pool().fe(spec({ host: 'fe1.public', frontends, hostMapping: { '10.0.0.1': 'fe1.public', '10.0.0.2': 'fe2.public' } }), 'source');
    expect(fe.frontends).toEqual(['fe1.public:9020', 'fe2.public:9020', '10.0.0.3:9020']);
  });

  it('SQL: when the given host refuses, statements fail over to a recorded FE reached through its mapping', async () => {
    const mysql = mysqlTestTarget();
    const frontends = [{ host: '10.255.255.1', port: mysql.port, thriftPort: 9020, isMaster: true }];
    const sql = pool().sql(
      spec({ host: '127.0.0.1', port: await freePort(), user: mysql.user, password: mysql.password, frontends, hostMapping: { '10.255.255.1': mysql.host } }),
    );
    expect((await sql.query('SELECT 7 AS n', signal)).rows).toEqual([{ n: '7' }]);
  });
});
