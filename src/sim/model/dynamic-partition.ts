// The dynamic partition scheduler (DynamicPartitionScheduler): for RANGE tables with
// dynamic_partition.enable = true it creates the partitions from `start` (history, if
// create_history_partition) to `end` time units around now and drops partitions older than
// `start`, logging ADD_PARTITION / DROP_PARTITION like any DDL. Tables being synced
// (is_being_synced = true) are skipped, so a CCR destination only follows its source.
import type { ModelContext } from './context.js';
import { requireDb, requireOlapTable } from './catalog.js';
import { addPartition, dropPartition } from './ddl-partition.js';
import { ddlError } from './errors.js';
import { compareKeys, makeRangeKey, rangesIntersect, type PartitionItem } from './partition-key.js';
import { keyColumns } from './table-builder.js';
import type { DatabaseState, OlapTableState } from './state.js';

const MIN_START = -2147483648;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Start of the time unit `offset` units away from `now` (UTC). */
function border(unit: string, nowMs: number, offset: number): Date {
  const d = new Date(nowMs);
  switch (unit) {
    case 'HOUR':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + offset));
    case 'WEEK': {
      const monday = d.getUTCDate() - ((d.getUTCDay() + 6) % 7);
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), monday + 7 * offset));
    }
    case 'MONTH':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
    case 'YEAR':
      return new Date(Date.UTC(d.getUTCFullYear() + offset, 0, 1));
    default:
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + offset));
  }
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)));
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  return 1 + Math.round((t.getTime() - firstThursday.getTime()) / 604800000);
}

function suffix(unit: string, d: Date): string {
  const y = d.getUTCFullYear();
  const m = pad(d.getUTCMonth() + 1);
  const day = pad(d.getUTCDate());
  switch (unit) {
    case 'HOUR':
      return `${y}${m}${day}${pad(d.getUTCHours())}`;
    case 'WEEK':
      return `${y}_${pad(isoWeek(d))}`;
    case 'MONTH':
      return `${y}${m}`;
    case 'YEAR':
      return `${y}`;
    default:
      return `${y}${m}${day}`;
  }
}

function literal(d: Date, isDate: boolean): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return isDate ? date : `${date} ${pad(d.getUTCHours())}:00:00`;
}

function runTable(ctx: ModelContext, db: DatabaseState, table: OlapTableState): void {
  const props = table.extraProperties;
  if (props.get('dynamic_partition.enable') !== 'true' || table.isBeingSynced || table.state !== 'NORMAL') return;
  if (table.partitionType !== 'RANGE' || table.partitionColumns.length !== 1) return;
  const endText = props.get('dynamic_partition.end');
  if (endText === undefined) return;
  const unit = (props.get('dynamic_partition.time_unit') ?? 'DAY').toUpperCase();
  const start = Number(props.get('dynamic_partition.start') ?? MIN_START);
  const end = Number(endText);
  const prefix = props.get('dynamic_partition.prefix') ?? 'p';
  const buckets = Number(props.get('dynamic_partition.buckets') ?? table.distribution.buckets);
  const history = props.get('dynamic_partition.create_history_partition') === 'true';
  const historyNum = Number(props.get('dynamic_partition.history_partition_num') ?? -1);
  const cols = keyColumns(table);
  const isDate = cols[0]?.type.name === 'DATE';
  const now = ctx.clock();
  const first = history ? (historyNum > 0 ? Math.max(start, -historyNum) : start) : 0;
  for (let i = first; i <= end; i++) {
    const lower = border(unit, now, i);
    const upper = border(unit, now, i + 1);
    const name = `${prefix}${suffix(unit, lower)}`;
    const item: PartitionItem = {
      kind: 'RANGE',
      lower: makeRangeKey([literal(lower, isDate)], cols),
      upper: makeRangeKey([literal(upper, isDate)], cols),
    };
    const taken = [...table.partitions.values()].some((p) => p.name === name || (!p.isTemp && p.item && rangesIntersect(p.item, item)));
    if (taken) continue;
    addPartition(ctx, db.name, table.name, {
      name,
      lower: [literal(lower, isDate)],
      upper: [literal(upper, isDate)],
      distribution: table.distribution.type === 'HASH'
        ? { type: 'HASH', columns: table.distribution.columns, buckets }
        : { type: 'RANDOM', buckets },
    });
  }
  if (start <= MIN_START) return;
  const cutoff = makeRangeKey([literal(border(unit, now, start), isDate)], cols);
  for (const p of [...table.partitions.values()]) {
    if (!p.isTemp && p.item?.kind === 'RANGE' && compareKeys(p.item.upper, cutoff) <= 0) {
      dropPartition(ctx, db.name, table.name, p.name, { force: true });
    }
  }
}

/**
 * DynamicPartitionUtil.checkAlterAllowed: ALTER TABLE ADD/DROP PARTITION (not temporary) on a
 * table whose dynamic partitioning is enabled is refused unless the table is being synced (a
 * CCR destination replays its source's partition DDL).
 */
export function checkPartitionAlterAllowed(ctx: ModelContext, dbName: string, tableName: string): void {
  const table = requireOlapTable(requireDb(ctx.state, dbName), tableName);
  if (table.isBeingSynced || table.extraProperties.get('dynamic_partition.enable') !== 'true') return;
  throw ddlError(
    `Cannot add/drop partition on a Dynamic Partition Table, Use command \`ALTER TABLE ${table.name} SET ("dynamic_partition.enable" = "false")\` firstly.`,
  );
}

/** One scheduler pass over every table. */
export function runDynamicPartitions(ctx: ModelContext): void {
  for (const db of ctx.state.dbs.values()) {
    for (const t of [...db.tables.values()]) if (t.kind === 'OLAP') runTable(ctx, db, t);
  }
}
