// Reading the visible data of an index the way a Doris scan merges rowsets: rowsets up to
// the partition's visible version, oldest first, mapped onto the index's current columns by
// column unique id (columns added later read as their default, dropped ones disappear);
// DUPLICATE keeps every row, UNIQUE keeps the last write per key (the greatest sequence value
// with a sequence column) and honours the delete sign, AGGREGATE folds rows per key with each value column's aggregation; delete-predicate
// rowsets remove matching rows of older versions.
import { compareItems } from './partition-key.js';
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import type { AggregateType, ColumnDef } from './schema.js';
import type { ColumnMeta, IndexState, OlapTableState, PartitionState, Rowset } from './state.js';
import { readTabletRowsets } from './storage.js';
import { coerceValue, compareValues, keyOf, type Value } from './value.js';

export interface ScanResult {
  columns: ColumnMeta[];
  rows: Value[][];
}

/** The value a column has in rows written before it existed. */
export function columnDefault(c: ColumnDef, nowMs: number): Value {
  const d = c.defaultValue;
  if (!d) return null;
  if (d.kind === 'literal') return d.value === null ? null : coerceValue(d.value, c.type);
  const iso = new Date(nowMs).toISOString();
  if (d.kind === 'current_date') return iso.slice(0, 10);
  return coerceValue(`${iso.slice(0, 10)} ${iso.slice(11, 19)}`, c.type);
}

/** Maps rows written with `uids` onto `columns` (by unique id). */
function projector(uids: number[], columns: ColumnMeta[], nowMs: number): (row: Value[]) => Value[] {
  const pos = columns.map((c) => uids.indexOf(c.uniqueId));
  if (pos.every((p, i) => p === i) && uids.length === columns.length) return (row) => row;
  const defaults = columns.map((c) => columnDefault(c, nowMs));
  return (row) => pos.map((p, i) => (p >= 0 ? (row[p] as Value) : (defaults[i] as Value)));
}

function addValues(a: Value, b: Value): Value {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(a) + BigInt(b);
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  // DECIMAL values are canonical strings with a fixed scale.
  const [ai = '0', af = ''] = String(a).split('.');
  const [bi = '0', bf = ''] = String(b).split('.');
  const scale = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  const neg = sum < 0n;
  const digits = (neg ? -sum : sum).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

function aggregate(kind: AggregateType | undefined, acc: Value, v: Value): Value {
  switch (kind) {
    case 'SUM':
      return addValues(acc, v);
    case 'MAX':
      return acc === null ? v : v === null ? acc : compareValues(v, acc) > 0 ? v : acc;
    case 'MIN':
      return acc === null ? v : v === null ? acc : compareValues(v, acc) < 0 ? v : acc;
    case 'REPLACE_IF_NOT_NULL':
      return v === null ? acc : v;
    case 'REPLACE':
    case 'HLL_UNION':
    case 'BITMAP_UNION':
    case 'QUANTILE_UNION':
    case 'GENERIC':
    case undefined:
      return v;
  }
}

interface MergeState {
  add(row: Value[], deleted: boolean): void;
  applyDelete(test: (row: Value[]) => boolean): void;
  rows(): Value[][];
}

/**
 * UNIQUE tables with `function_column.sequence_col`: per key the row with the greatest sequence
 * value wins (NULL is the smallest, ties go to the later write), delete-sign rows included, so
 * loads applied out of order converge on the same rows.
 */
function sequenceMergeState(index: IndexState, seqPos: number): MergeState {
  const keyPos = index.columns.flatMap((c, i) => (c.isKey ? [i] : []));
  const byKey = new Map<string, { row: Value[]; deleted: boolean }>();
  return {
    add: (row, deleted) => {
      const key = keyOf(keyPos.map((p) => row[p] as Value));
      const cur = byKey.get(key);
      if (cur && compareValues(row[seqPos] as Value, cur.row[seqPos] as Value) < 0) return;
      byKey.set(key, { row, deleted });
    },
    applyDelete: (test) => {
      for (const [k, r] of byKey) if (!r.deleted && test(r.row)) byKey.delete(k);
    },
    rows: () => [...byKey.values()].filter((r) => !r.deleted).map((r) => r.row),
  };
}

function mergeState(index: IndexState, keysType: OlapTableState['keysType'], sequenceCol: string | undefined): MergeState {
  if (keysType === 'UNIQUE_KEYS' && sequenceCol !== undefined) {
    const seqPos = index.columns.findIndex((c) => c.name.toLowerCase() === sequenceCol.toLowerCase());
    if (seqPos >= 0) return sequenceMergeState(index, seqPos);
  }
  if (keysType === 'DUP_KEYS') {
    let rows: Value[][] = [];
    return {
      add: (row) => void rows.push(row),
      applyDelete: (test) => (rows = rows.filter((r) => !test(r))),
      rows: () => rows,
    };
  }
  const keyPos = index.columns.flatMap((c, i) => (c.isKey ? [i] : []));
  const aggs = index.columns.map((c) => (c.isKey ? undefined : keysType === 'AGG_KEYS' ? (c.aggregate ?? 'REPLACE') : 'REPLACE'));
  const byKey = new Map<string, Value[]>();
  return {
    add: (row, deleted) => {
      const key = keyOf(keyPos.map((p) => row[p] as Value));
      if (deleted) {
        byKey.delete(key);
        return;
      }
      const acc = byKey.get(key);
      if (keysType === 'UNIQUE_KEYS') {
        byKey.set(key, row);
        return;
      }
      if (!acc) {
        // Copied: aggregation updates the accumulator in place.
        byKey.set(key, [...row]);
        return;
      }
      for (let i = 0; i < row.length; i++) {
        const kind = aggs[i];
        if (kind !== undefined) acc[i] = aggregate(kind, acc[i] as Value, row[i] as Value);
      }
    },
    applyDelete: (test) => {
      for (const [k, r] of byKey) if (test(r)) byKey.delete(k);
    },
    rows: () => [...byKey.values()],
  };
}

/** The merged rows of one tablet at `version`, in the index's current column order. */
export function readTablet(
  ctx: ModelContext,
  table: OlapTableState,
  index: IndexState,
  tabletId: bigint,
  version: bigint,
): Value[][] {
  const rowsets: Rowset[] = readTabletRowsets(ctx.state, tabletId, version).sort((a, b) =>
    a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
  const merge = mergeState(index, table.keysType, table.extraProperties.get('function_column.sequence_col'));
  const now = ctx.clock();
  for (const rs of rowsets) {
    if (rs.deletePredicate !== undefined) {
      if (!ctx.compilePredicate) throw ddlError('DELETE predicates need a predicate compiler');
      merge.applyDelete(ctx.compilePredicate(rs.deletePredicate, index.columns));
      continue;
    }
    const project = projector(rs.columnUids, index.columns, now);
    const signs = rs.deleteSign;
    for (let i = 0; i < rs.rows.length; i++) merge.add(project(rs.rows[i] as Value[]), signs?.[i] === 1);
  }
  return merge.rows();
}

/** Formal (or temporary) partitions in range/list order. */
export function orderedPartitions(table: OlapTableState, temp = false): PartitionState[] {
  return [...table.partitions.values()].filter((p) => p.isTemp === temp).sort((a, b) => compareItems(a.item, b.item));
}

/** The visible rows of one index of a table, partition by partition, bucket by bucket. */
export function scanIndex(
  ctx: ModelContext,
  table: OlapTableState,
  index: IndexState,
  partitions: PartitionState[] = orderedPartitions(table),
): ScanResult {
  const rows: Value[][] = [];
  for (const p of partitions) {
    for (const tabletId of p.tablets.get(index.id) ?? []) {
      const part = readTablet(ctx, table, index, tabletId, p.visibleVersion);
      for (const r of part) rows.push(r);
    }
  }
  return { columns: index.columns, rows };
}
