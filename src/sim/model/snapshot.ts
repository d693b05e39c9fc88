// Serialising the whole cluster state for the simulator's optional persistence. The state is
// plain data, so a generic tagged JSON encoding covers it: bigints as {"$b":"…"}, Maps as
// {"$m":[[k,v],…]}, non-finite doubles as {"$n":"…"}. Decoding restores the object sharing
// the model relies on: replicas of one load share their rowsets, database and table binlog
// lists share entries (table_ref counts them), and a table's columns are its base index's.
import { BinlogType, type TBinlog } from '../../doris/types.js';
import type { ClusterState, Rowset, TableState } from './state.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function encode(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { $b: v.toString() };
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $n: String(v) };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [encode(k), encode(x)]) };
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = encode(x);
  return out;
}

function decode(v: Json): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  if ('$b' in v && typeof v.$b === 'string') return BigInt(v.$b);
  if ('$n' in v && typeof v.$n === 'string') return Number(v.$n);
  if ('$m' in v && Array.isArray(v.$m)) return new Map(v.$m.map((e) => { const [k, x] = e as [Json, Json]; return [decode(k), decode(x)]; }));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decode(x);
  return out;
}

export function encodeState(state: ClusterState): string {
  return JSON.stringify(encode(state));
}

function relink(state: ClusterState): void {
  const rowsets = new Map<string, Rowset>();
  const intern = (rs: Rowset): Rowset => {
    const seen = rowsets.get(rs.id);
    if (seen && seen.version === rs.version) return seen;
    rowsets.set(rs.id, rs);
    return rs;
  };
  for (const tablet of state.tablets.values()) {
    for (const r of tablet.replicas) {
      r.rowsets = r.rowsets.map(intern);
      for (const [txn, rs] of r.staged) r.staged.set(txn, intern(rs));
    }
  }
  const relinkTables = (tables: Iterable<TableState>): void => {
    for (const t of tables) {
      if (t.kind !== 'OLAP') continue;
      const base = t.indexes.get(t.baseIndexId);
      if (base) t.columns = base.columns;
    }
  };
  for (const db of state.dbs.values()) relinkTables(db.tables.values());
  relinkTables([...state.recycleTables.values()].map((r) => r.table));
  for (const db of state.binlogs.values()) {
    const byKey = new Map<string, TBinlog>();
    const key = (b: TBinlog): string => `${b.commit_seq ?? -1n}`;
    db.binlogs = db.binlogs.map((b) => {
      if (b.type !== BinlogType.DUMMY) byKey.set(key(b), b);
      return b;
    });
    for (const list of db.tables.values()) {
      list.binlogs = list.binlogs.map((b) => (b.type === BinlogType.DUMMY ? b : (byKey.get(key(b)) ?? b)));
    }
  }
}

export function decodeState(text: string): ClusterState {
  const state = decode(JSON.parse(text) as Json) as ClusterState;
  relink(state);
  return state;
}
