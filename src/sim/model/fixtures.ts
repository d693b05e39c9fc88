// Builders for table definitions and models, shared by the model's tests and by other
// engineers' tests that need a populated simulated cluster without going through SQL.
import { ClusterModel, type ClusterModelOptions } from './cluster-model.js';
import type { ColumnDef, ColumnType, DistributionDef, KeysType, PartitionDef, TableDef } from './schema.js';

/** A column definition with Doris defaults (nullable value column, empty comment). */
export function col(name: string, type: ColumnType | ColumnType['name'], extra: Partial<ColumnDef> = {}): ColumnDef {
  return {
    name,
    type: typeof type === 'string' ? { name: type } : type,
    nullable: true,
    isKey: false,
    comment: '',
    ...extra,
  };
}

export interface TableSpec {
  name: string;
  keysType?: KeysType | undefined;
  /** Key columns first (marked isKey automatically), then value columns. */
  keys: ColumnDef[];
  values?: ColumnDef[] | undefined;
  partition?: PartitionDef | undefined;
  distribution?: DistributionDef | undefined;
  properties?: Record<string, string> | undefined;
  rollups?: TableDef['rollups'] | undefined;
  comment?: string | undefined;
}

/** A TableDef as the SQL parser would produce it from CREATE TABLE. */
export function tableDef(spec: TableSpec): TableDef {
  const keys = spec.keys.map((c) => ({ ...c, isKey: true }));
  return {
    name: spec.name,
    columns: [...keys, ...(spec.values ?? [])],
    keysType: spec.keysType ?? 'DUP_KEYS',
    keys: keys.map((c) => c.name),
    partition: spec.partition ?? { type: 'UNPARTITIONED' },
    distribution: spec.distribution ?? { type: 'HASH', columns: [keys[0]?.name ?? ''], buckets: 1 },
    rollups: spec.rollups ?? [],
    indexes: [],
    properties: spec.properties ?? { replication_num: '1' },
    comment: spec.comment ?? '',
  };
}

/** A controllable clock for tests. */
export class TestClock {
  constructor(public nowMs = 1_716_800_000_000) {}

  readonly now = (): number => this.nowMs;

  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A model on a test clock with `backends` BEs (default 3). */
export function testModel(opts: Partial<ClusterModelOptions> = {}): { model: ClusterModel; clock: TestClock } {
  const clock = new TestClock();
  return { model: new ClusterModel({ backends: 3, ...opts, clock: clock.now }), clock };
}
