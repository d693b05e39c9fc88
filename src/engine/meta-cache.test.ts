import { describe, expect, it } from 'vitest';
import type { TBackend, TGetMetaDBMeta, TGetMetaResult, TGetBackendMetaResult } from '../doris/types.js';
import type { ClusterSpec } from '../jobs/job-spec.js';
import type { ClientPool } from './clients.js';
import { ClusterSide } from './cluster.js';
import type { EngineMetrics } from './engine-metrics.js';
import { MetaCache } from './meta-cache.js';

const signal = new AbortController().signal;
const OK = { status_code: 0 };

/** A ClusterSide over a fake FE that counts getMeta / getBackendMeta and answers after a tick. */
function fakeSide(): { side: ClusterSide; calls: { getMeta: bigint[][]; getBackendMeta: number } } {
  const calls = { getMeta: [] as bigint[][], getBackendMeta: 0 };
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
  const fe = {
    async getMeta(req: { db?: { tables?: { id?: bigint }[] } }): Promise<TGetMetaResult> {
      const ids = (req.db?.tables ?? []).map((t) => t.id ?? 0n);
      calls.getMeta.push(ids);
      await tick();
      const dbMeta: TGetMetaDBMeta = { id: 1n, tables: ids.map((id) => ({ id, name: `t${id}` })) };
      return { status: OK, db_meta: dbMeta };
    },
    async getBackendMeta(): Promise<TGetBackendMetaResult> {
      calls.getBackendMeta++;
      await tick();
      const be: TBackend = { id: 7n, host: 'h', be_port: 1, http_port: 2 };
      return { status: OK, backends: [be] };
    },
  };
  const pool = { fe: () => fe } as unknown as ClientPool;
  const spec = { database: 'db', dbId: 1n, user: 'root', password: '', cluster: '' } as unknown as ClusterSpec;
  return { side: new ClusterSide('destination', spec, pool, {} as EngineMetrics), calls };
}

describe('metadata reads shared by concurrent callers', () => {
  it('MetaCache: concurrent misses of a table send one getMeta; fresh reads and reads after invalidate send their own', async () => {
    const { side, calls } = fakeSide();
    const cache = new MetaCache(side);
    const results = await Promise.all(Array.from({ length: 16 }, () => cache.get([5n], signal)));
    expect(calls.getMeta).toEqual([[5n]]);
    for (const r of results) expect(r.meta.tables?.map((t) => t.id)).toEqual([5n]);
    expect(results[0]?.cached).toBe(false);

    await cache.get([5n], signal, true);
    expect(calls.getMeta).toHaveLength(2);

    cache.invalidate(5n);
    await Promise.all([cache.get([5n], signal), cache.get([5n], signal)]);
    expect(calls.getMeta).toHaveLength(3);
  });

  it('ClusterSide.backends: concurrent reads share one getBackendMeta, then the cache answers', async () => {
    const { side, calls } = fakeSide();
    const maps = await Promise.all(Array.from({ length: 48 }, () => side.backends(signal)));
    expect(calls.getBackendMeta).toBe(1);
    for (const m of maps) expect([...m.keys()]).toEqual([7n]);
    await side.backends(signal);
    expect(calls.getBackendMeta).toBe(1);
    await side.backends(signal, true);
    expect(calls.getBackendMeta).toBe(2);
  });
});
