// Table definitions shared by the simulator's SQL layer (which parses them from CREATE
// TABLE / ALTER TABLE) and its cluster model (which stores them, prints SHOW CREATE TABLE
// and builds partition range strings). Names follow Doris where Doris shows them.

import type { Value } from './value.js';

export type TypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'LARGEINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'DATE'
  | 'DATETIME'
  | 'CHAR'
  | 'VARCHAR'
  | 'STRING'
  | 'JSON'
  | 'VARIANT'
  | 'HLL'
  | 'BITMAP'
  | 'QUANTILE_STATE'
  | 'IPV4'
  | 'IPV6'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT';

/**
 * A column type. Doris aliases are normalised by the parser: INTEGER → INT,
 * DATEV2 → DATE, DATETIMEV2 → DATETIME, DECIMALV3/DECIMAL64/… → DECIMAL, TEXT → STRING.
 */
export interface ColumnType {
  name: TypeName;
  /** DECIMAL precision (default 9 in Doris when omitted) */
  precision?: number | undefined;
  /** DECIMAL scale, DATETIME fractional digits */
  scale?: number | undefined;
  /** CHAR / VARCHAR length (VARCHAR without a length is 65533 in Doris) */
  length?: number | undefined;
  /** ARRAY element type, MAP key and value types */
  items?: ColumnType[] | undefined;
  /** STRUCT fields */
  fields?: { name: string; type: ColumnType }[] | undefined;
}

export type AggregateType =
  | 'SUM'
  | 'MAX'
  | 'MIN'
  | 'REPLACE'
  | 'REPLACE_IF_NOT_NULL'
  | 'HLL_UNION'
  | 'BITMAP_UNION'
  | 'QUANTILE_UNION'
  | 'GENERIC';

export type DefaultValue =
  | { kind: 'literal'; value: Value } // DEFAULT "abc", DEFAULT 1, DEFAULT NULL (value null)
  | { kind: 'current_timestamp'; precision?: number | undefined }
  | { kind: 'current_date' };

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Part of the key (DUPLICATE/UNIQUE/AGGREGATE KEY list). */
  isKey: boolean;
  /** AGGREGATE tables only: the value column's aggregation. */
  aggregate?: AggregateType | undefined;
  defaultValue?: DefaultValue | undefined;
  autoIncrement?: boolean | undefined;
  /** AUTO_INCREMENT(n): the first value generated (Doris' autoIncInitValue; 1 when not written). */
  autoIncrementStart?: number | undefined;
  onUpdateCurrentTimestamp?: boolean | undefined;
  comment: string;
  /**
   * Doris' column unique id. The parser leaves it unset (the catalog numbers columns); it is
   * set when a table is recreated from saved metadata (restore), so rowsets written by the
   * original table keep matching their columns.
   */
  uniqueId?: number | undefined;
}

/** Doris' KeysType names (as Gson prints them in binlog payloads). */
export type KeysType = 'DUP_KEYS' | 'UNIQUE_KEYS' | 'AGG_KEYS';

/** A partition bound as written in SQL: one literal per partition column, or MAXVALUE. */
export type PartitionKeyLiteral = Value | { maxValue: true };

export interface RangePartitionDef {
  name: string;
  isTemp?: boolean | undefined;
  /** `VALUES LESS THAN (…)`: only `upper` is given; the lower bound is the previous partition's upper. */
  lower?: PartitionKeyLiteral[] | undefined;
  upper: PartitionKeyLiteral[];
  properties?: Record<string, string> | undefined;
  /** A per-partition DISTRIBUTED BY … BUCKETS n (ADD PARTITION), if given. */
  distribution?: DistributionDef | undefined;
}

export interface ListPartitionDef {
  name: string;
  isTemp?: boolean | undefined;
  /** Each item is one tuple of partition-column literals. */
  values: PartitionKeyLiteral[][];
  properties?: Record<string, string> | undefined;
  distribution?: DistributionDef | undefined;
}

export type PartitionDef =
  | { type: 'UNPARTITIONED' }
  | { type: 'RANGE'; columns: string[]; ranges: RangePartitionDef[]; autoPartition?: boolean | undefined }
  | { type: 'LIST'; columns: string[]; lists: ListPartitionDef[]; autoPartition?: boolean | undefined };

export type DistributionDef =
  | { type: 'HASH'; columns: string[]; buckets: number | 'AUTO' }
  | { type: 'RANDOM'; buckets: number | 'AUTO' };

export interface RollupDef {
  name: string;
  columns: string[];
  duplicateKeys?: string[] | undefined;
  properties?: Record<string, string> | undefined;
}

export interface IndexDef {
  name: string;
  columns: string[];
  /** INVERTED, BITMAP, NGRAM_BF, ANN … as written */
  indexType: string;
  properties?: Record<string, string> | undefined;
  comment: string;
}

/** Everything CREATE TABLE can say about an OLAP table. */
export interface TableDef {
  name: string;
  columns: ColumnDef[];
  keysType: KeysType;
  /** Key column names in key order. */
  keys: string[];
  partition: PartitionDef;
  distribution: DistributionDef;
  rollups: RollupDef[];
  indexes: IndexDef[];
  /** PROPERTIES as written (lower-cased keys), e.g. replication_num, binlog.enable. */
  properties: Record<string, string>;
  comment: string;
}

/** A view: its name, optional explicit column names, and the defining SELECT as written. */
export interface ViewDef {
  name: string;
  columns?: { name: string; comment: string }[] | undefined;
  query: string;
  comment: string;
}
