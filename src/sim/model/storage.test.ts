import { describe, expect, it } from 'vitest';
import { col, tableDef, testModel } from './fixtures.js';
import { decodeState, encodeState } from './snapshot.js';
import type { ClusterState, ReplicaState, Rowset } from './state.js';
import { binlogRowset, replicaRowsetById } from './storage.js';

/** What a scan of the replica's list answers (the lookups before they were indexed). */
function scanByVersion(r: ReplicaState, version: bigint): Rowset | undefined {
  if (version <= r.binlogGcVersion) return undefined;
  return r.rowsets.find((rs) => rs.startVersion === version && rs.version === version);
}

function setup(loads: number) {
  const { model } = testModel();
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
  const table = model.ddl.createTable(
    'ccr',
    tableDef({ name: 't1', keys: [col('k1', 'INT')], values: [col('v', 'INT')], properties: { replication_num: '1', 'binlog.enable': 'true' } }),
  );
  for (let k = 1; k <= loads; k++) model.loads.load('ccr', 't1', { kind: 'rows', rows: [[k, k]] });
  const tabletId = [...table.partitions.values()][0]?.tablets.get(table.baseIndexId)?.[0] ?? 0n;
  const replicaOf = (state: ClusterState): ReplicaState => {
    const r = state.tablets.get(tabletId)?.replicas[0];
    if (!r) throw new Error('no replica');
    return r;
  };
  return { model, tabletId, replicaOf };
}

/** Every version and every id (plus a few absent ones) answer as a scan of the list does. */
function expectSameAsScan(state: ClusterState, tabletId: bigint, r: ReplicaState): void {
  const top = r.rowsets.reduce((m, rs) => (rs.version > m ? rs.version : m), 0n) + 2n;
  for (let v = -1n; v <= top; v++) {
    expect(binlogRowset(state, tabletId, r.backendId, v), `version ${v}`).toBe(scanByVersion(r, v));
  }
  for (const rs of r.rowsets) expect(replicaRowsetById(r, rs.id)).toBe(r.rowsets.find((x) => x.id === rs.id));
  expect(replicaRowsetById(r, '0200000000000000ffffffff')).toBeUndefined();
  expect(replicaRowsetById(r, '')).toBeUndefined();
}

describe('rowset lookups of the simulated BE (binlog download)', () => {
  it('find by version and by id after loads, appends, reassignments, GC and a reload from JSON', () => {
    const { model, tabletId, replicaOf } = setup(40);
    const state = model.state;
    const r = replicaOf(state);
    expect(r.rowsets).toHaveLength(40);
    expectSameAsScan(state, tabletId, r);
    expect(binlogRowset(state, tabletId, r.backendId, 2n)?.rows).toEqual([[1, 1]]);

    // appends after the id index was built
    for (let k = 41; k <= 50; k++) model.loads.load('ccr', 't1', { kind: 'rows', rows: [[k, k]] });
    expectSameAsScan(state, tabletId, r);
    expect(replicaRowsetById(r, r.rowsets[49]?.id ?? '')?.rows).toEqual([[50, 50]]);

    // schema change / compaction shape: one rowset [0, v] replaces the older ones
    const merged: Rowset = { ...(r.rowsets[0] as Rowset), id: 'merged', startVersion: 0n, version: 20n };
    r.rowsets = [merged, ...r.rowsets.filter((x) => x.version > 20n)];
    expectSameAsScan(state, tabletId, r);
    expect(binlogRowset(state, tabletId, r.backendId, 15n)).toBeUndefined();
    expect(binlogRowset(state, tabletId, r.backendId, 21n)?.version).toBe(21n);
    expect(replicaRowsetById(r, 'merged')).toBe(merged);

    // the list changed in place (same array, same length): answers still follow it
    const replaced: Rowset = { ...(r.rowsets[5] as Rowset), id: 'in-place' };
    const gone = r.rowsets[5]?.id ?? '';
    r.rowsets[5] = replaced;
    expect(replicaRowsetById(r, 'in-place')).toBe(replaced);
    expect(replicaRowsetById(r, gone)).toBeUndefined();
    expectSameAsScan(state, tabletId, r);

    // BE binlog GC
    r.binlogGcVersion = 30n;
    expectSameAsScan(state, tabletId, r);
    expect(binlogRowset(state, tabletId, r.backendId, 30n)).toBeUndefined();
    expect(binlogRowset(state, tabletId, r.backendId, 31n)?.version).toBe(31n);

    // restore: several rowsets covering [0, v] replace the replica's data (v = the partition's
    // visible version, 51 after 50 loads)
    const uids = merged.columnUids;
    model.storage.installRowsets(tabletId, r.backendId, [{ columnUids: uids, rows: [[1, 1]] }, { columnUids: uids, rows: [[2, 2]] }], 51n);
    expect(r.rowsets).toHaveLength(2);
    expectSameAsScan(state, tabletId, r);
    expect(binlogRowset(state, tabletId, r.backendId, 51n)).toBeUndefined();
    for (let k = 61; k <= 65; k++) model.loads.load('ccr', 't1', { kind: 'rows', rows: [[k, k]] });
    expectSameAsScan(state, tabletId, r);

    // --data-dir: the state is written as JSON and read back into new objects
    const reloaded = decodeState(encodeState(state));
    const r2 = replicaOf(reloaded);
    expect(r2).not.toBe(r);
    expectSameAsScan(reloaded, tabletId, r2);
    expect(binlogRowset(reloaded, tabletId, r2.backendId, r2.version)?.id).toBe(r.rowsets.at(-1)?.id);
  });

  it('a replica that missed versions (gaps in its list) finds what it has', () => {
    const { model, tabletId, replicaOf } = setup(10);
    const r = replicaOf(model.state);
    r.rowsets = r.rowsets.filter((rs) => rs.version % 3n !== 0n);
    expectSameAsScan(model.state, tabletId, r);
    expect(binlogRowset(model.state, tabletId, r.backendId, 6n)).toBeUndefined();
    expect(binlogRowset(model.state, tabletId, r.backendId, 7n)?.version).toBe(7n);
    expect(binlogRowset(model.state, tabletId, r.backendId + 1n, 7n)).toBeUndefined();
  });
});
