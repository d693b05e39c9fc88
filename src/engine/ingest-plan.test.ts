import { describe, expect, it } from 'vitest';
import type { TBackend, TGetMetaDBMeta, TGetMetaTableMeta } from '../doris/types.js';
import { MetaMismatchError, planIngest, type IngestPlanInput } from './ingest-plan.js';
import type { UpsertRecord } from './records.js';

const RANGE = '[types: [INT]; keys: [0]; ..types: [INT]; keys: [10]; )';

function table(id: bigint, name: string, opts: { partId: bigint; range?: string; indexId: bigint; tabletBase: bigint; replicas: bigint[][]; version?: bigint; rollup?: { id: bigint; tabletBase: bigint } }): TGetMetaTableMeta {
  const tablets = (base: bigint) =>
    opts.replicas.map((backends, i) => ({
      id: base + BigInt(i),
      replicas: backends.map((be, j) => ({ id: base * 10n + BigInt(i * 10 + j), backend_id: be, version: opts.version ?? 5n })),
    }));
  const indexes = [{ id: opts.indexId, name, tablets: tablets(opts.tabletBase) }];
  if (opts.rollup) indexes.push({ id: opts.rollup.id, name: 'r1', tablets: tablets(opts.rollup.tabletBase) });
  return { id, name, partitions: [{ id: opts.partId, name: 'p1', range: opts.range ?? RANGE, visible_version: opts.version ?? 5n, indexes }] };
}

const srcBackends = new Map<bigint, TBackend>([
  [1n, { id: 1n, host: '10.0.0.1', be_port: 9060, http_port: 8040, is_alive: true }],
  [2n, { id: 2n, host: '10.0.0.2', be_port: 9060, http_port: 8041, is_alive: true }],
]);

function upsert(tables: Record<string, { partitionId: bigint; version?: bigint; indexIds?: bigint[]; temp?: boolean }>): UpsertRecord {
  return {
    commitSeq: 100n,
    txnId: 7n,
    timeStamp: 1n,
    label: 'l',
    dbId: 1n,
    tableRecords: Object.fromEntries(
      Object.entries(tables).map(([id, t]) => [
        id,
        { partitionRecords: [{ partitionId: t.partitionId, range: RANGE, version: t.version ?? 5n, isTempPartition: t.temp ?? false }], indexIds: t.indexIds },
      ]),
    ),
  };
}

function input(overrides: Partial<IngestPlanInput> = {}): IngestPlanInput {
  const srcMeta: TGetMetaDBMeta = { id: 1n, tables: [table(100n, 'src_t', { partId: 101n, indexId: 102n, tabletBase: 1000n, replicas: [[1n, 2n], [2n, 1n]], rollup: { id: 103n, tabletBase: 1100n } })] };
  const destMeta: TGetMetaDBMeta = { id: 2n, tables: [table(200n, 'dst_t', { partId: 201n, indexId: 202n, tabletBase: 2000n, replicas: [[11n], [12n]], rollup: { id: 203n, tabletBase: 2100n } })] };
  return {
    upsert: upsert({ '100': { partitionId: 101n, indexIds: [102n, 103n] } }),
    destTxnId: 555n,
    tableMapping: new Map([[100n, 200n]]),
    srcMeta,
    destMeta,
    srcBackends,
    shadowIndexes: new Map(),
    ...overrides,
  };
}

describe('planIngest', () => {
  it('plans one call per destination replica, base index matched through the table alias', () => {
    const plan = planIngest(input());
    expect(plan.destTableIds).toEqual([200n]);
    expect(plan.calls).toHaveLength(4);
    const base0 = plan.calls[0]!;
    expect(base0.request).toEqual({
      txn_id: 555n,
      remote_tablet_id: 1000n,
      binlog_version: 5n,
      remote_host: '10.0.0.1',
      remote_port: '8040',
      partition_id: 201n,
      local_tablet_id: 2000n,
      load_id: { hi: -1n, lo: -1n },
    });
    expect(base0.commitInfo).toEqual({ tabletId: 2000n, backendId: 11n });
    expect(plan.calls.map((c) => [c.request.remote_tablet_id, c.request.local_tablet_id])).toEqual([
      [1000n, 2000n],
      [1001n, 2001n],
      [1100n, 2100n],
      [1101n, 2101n],
    ]);
  });

  it('skips shadow indexes, temp partitions, unmapped and dropped tables', () => {
    const withoutRollup = table(200n, 'dst_t', { partId: 201n, indexId: 202n, tabletBase: 2000n, replicas: [[11n], [12n]] });
    expect(planIngest(input({ shadowIndexes: new Map([[103n, 102n]]), destMeta: { id: 2n, tables: [withoutRollup] } })).calls).toHaveLength(2);
    expect(planIngest(input({ upsert: upsert({ '100': { partitionId: 101n, temp: true } }) })).calls).toHaveLength(0);
    expect(planIngest(input({ tableMapping: new Map() })).calls).toHaveLength(0);
    const src = input().srcMeta;
    expect(planIngest(input({ srcMeta: { ...src, dropped_table_map: { '100': 90n } } })).calls).toHaveLength(0);
    expect(planIngest(input({ srcMeta: { ...src, dropped_partitions: [101n] } })).skipped[0]?.reason).toMatch(/dropped/);
  });

  it('uses every index of the partition when an old FE omits indexIds', () => {
    expect(planIngest(input({ upsert: upsert({ '100': { partitionId: 101n } }) })).calls).toHaveLength(4);
  });

  it('only pulls from source replicas that reached the binlog version and maps their host', () => {
    const src = input().srcMeta;
    const t = src.tables![0]!;
    const lagging = structuredClone(t);
    lagging.partitions![0]!.indexes![0]!.tablets![0]!.replicas![0]!.version = 4n; // BE 1 behind
    const plan = planIngest(input({ srcMeta: { ...src, tables: [lagging] }, mapSourceHost: (h) => `pub-${h}` }));
    expect(plan.calls[0]!.request.remote_host).toBe('pub-10.0.0.2');
    // Planning from cached metadata does not trust its stale versions.
    const cached = planIngest(input({ srcMeta: { ...src, tables: [lagging] }, requireVersion: false }));
    expect(cached.calls[0]!.request.remote_host).toBe('10.0.0.1');
  });

  it('reports a partition or tablet mismatch as MetaMismatchError naming the source table', () => {
    const dest = input().destMeta;
    const other = table(200n, 'dst_t', { partId: 201n, range: '[types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )', indexId: 202n, tabletBase: 2000n, replicas: [[11n], [12n]] });
    const err = (() => {
      try {
        planIngest(input({ destMeta: { ...dest, tables: [other] } }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(MetaMismatchError);
    expect((err as MetaMismatchError).srcTableId).toBe(100n);
    const fewer = table(200n, 'dst_t', { partId: 201n, indexId: 202n, tabletBase: 2000n, replicas: [[11n]], rollup: { id: 203n, tabletBase: 2100n } });
    expect(() => planIngest(input({ destMeta: { ...dest, tables: [fewer] } }))).toThrow(/2 source tablets but 1 destination/);
    // A rollup the source dropped after the load: the destination one would get no rows.
    const src = input().srcMeta;
    const dropped = structuredClone(src.tables![0]!);
    dropped.partitions![0]!.indexes!.pop();
    expect(() => planIngest(input({ srcMeta: { ...src, tables: [dropped] } }))).toThrow(/index r1 of destination table dst_t gets no rows/);
  });
});
