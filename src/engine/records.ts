// Typed views of binlog `data` payloads (doc/doris-protocol.md §4.4). Payloads are parsed
// with parseJsonBig (64-bit ids stay exact) and validated here; unknown keys are ignored
// because newer Doris versions add fields. A payload that does not validate is a Doris
// version incompatibility, not something retrying fixes: the job pauses with the reason.
import { z } from 'zod';
import { CcrError } from '../errors/ccr-error.js';
import { binlogTypeName } from '../doris/types.js';
import { parseJsonBig } from '../util/json-big.js';

const i64 = z
  .union([z.bigint(), z.number().int(), z.string().regex(/^-?\d+$/)])
  .transform((v) => BigInt(v));
const idList = z.array(i64);
const idMap = <T extends z.ZodType>(value: T) => z.record(z.string().regex(/^-?\d+$/), value);
const str = z.string();
const bool = z.boolean();

export const partitionRecordSchema = z.looseObject({
  partitionId: i64,
  range: str,
  version: i64,
  isTempPartition: bool.default(false),
  stid: i64.optional(),
});

export const upsertRecordSchema = z.looseObject({
  commitSeq: i64,
  txnId: i64,
  timeStamp: i64,
  label: str.default(''),
  dbId: i64,
  tableRecords: idMap(
    z.looseObject({
      partitionRecords: z.array(partitionRecordSchema).default([]),
      indexIds: idList.optional(),
    }),
  ),
  stids: idList.optional(),
});
export type UpsertRecord = z.infer<typeof upsertRecordSchema>;

const distributionSchema = z.looseObject({
  type: str.optional(),
  bucketNum: z.number().int().optional(),
  autoBucket: bool.optional(),
  distributionColumns: z.array(z.looseObject({ name: str })).optional(),
});

export const addPartitionRecordSchema = z.looseObject({
  commitSeq: i64.optional(),
  dbId: i64,
  tableId: i64,
  partition: z
    .looseObject({
      id: i64.optional(),
      name: str.optional(),
      distributionInfo: distributionSchema.optional(),
      di: distributionSchema.optional(),
    })
    .optional(),
  isTempPartition: bool.default(false),
  sql: str,
});
export type AddPartitionRecord = z.infer<typeof addPartitionRecordSchema>;

export const createTableRecordSchema = z.looseObject({
  commitSeq: i64.optional(),
  dbId: i64,
  dbName: str.optional(),
  tableId: i64,
  tableName: str.optional(),
  tableType: str.optional(),
  sql: str,
});
export type CreateTableRecord = z.infer<typeof createTableRecordSchema>;

export const dropPartitionRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  pid: i64.optional(),
  partitionName: str.optional(),
  isTempPartition: bool.default(false),
  forceDrop: bool.default(false),
  sql: str,
});
export type DropPartitionRecord = z.infer<typeof dropPartitionRecordSchema>;

export const dropTableRecordSchema = z.looseObject({
  commitSeq: i64.optional(),
  dbId: i64,
  tableId: i64,
  tableName: str.optional(),
  isView: bool.optional(),
  rawSql: str.optional(),
});
export type DropTableRecord = z.infer<typeof dropTableRecordSchema>;

export const alterJobRecordSchema = z.looseObject({
  type: str,
  dbId: i64,
  tableId: i64,
  tableName: str,
  jobId: i64,
  jobState: str,
  rawSql: str.optional(),
  iim: idMap(i64).optional(),
  rollupIndexId: i64.optional(),
  rollUpIndexName: str.optional(),
});
export type AlterJobRecord = z.infer<typeof alterJobRecordSchema>;

export const modifyColumnsRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  jobId: i64.optional(),
  rawSql: str,
});
export type ModifyColumnsRecord = z.infer<typeof modifyColumnsRecordSchema>;

export const alterDatabasePropertyRecordSchema = z.looseObject({
  dbId: i64,
  dbName: str.optional(),
  properties: z.record(str, str).default({}),
});

export const modifyTablePropertyRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  tableName: str.optional(),
  properties: z.record(str, str).default({}),
  sql: str.optional(),
});
export type ModifyTablePropertyRecord = z.infer<typeof modifyTablePropertyRecordSchema>;

export const barrierRecordSchema = z.looseObject({
  dbId: i64,
  dbName: str.optional(),
  tableId: i64.optional(),
  tableName: str.optional(),
  binlogType: z.number().int().optional(),
  binlog: str.optional(),
});
export type BarrierRecord = z.infer<typeof barrierRecordSchema>;

export const modifyPartitionsRecordSchema = z.looseObject({
  dbId: i64.optional(),
  tableId: i64.optional(),
  infos: z
    .array(
      z.looseObject({
        dbId: i64.optional(),
        tableId: i64.optional(),
        partitionId: i64.optional(),
        dataProperty: z.looseObject({ storageMedium: str.optional() }).optional(),
      }),
    )
    .default([]),
});

export const replacePartitionsRecordSchema = z.looseObject({
  dbId: i64,
  dbName: str.optional(),
  tblId: i64,
  tblName: str,
  partitions: z.array(str),
  tempPartitions: z.array(str),
  strictRange: bool.default(true),
  useTempPartitionName: bool.default(false),
  force: bool.optional(),
});
export type ReplacePartitionsRecord = z.infer<typeof replacePartitionsRecordSchema>;

export const truncateTableRecordSchema = z.looseObject({
  dbId: i64,
  db: str.optional(),
  tblId: i64,
  table: str,
  isEntireTable: bool.default(true),
  rawSql: str.default(''),
});
export type TruncateTableRecord = z.infer<typeof truncateTableRecordSchema>;

/** RENAME_TABLE / RENAME_ROLLUP / RENAME_PARTITION (persist/TableInfo; short Gson keys). */
export const renameRecordSchema = z.looseObject({
  db: i64,
  tb: i64,
  ind: i64.optional(),
  p: i64.optional(),
  nT: str.default(''),
  oT: str.default(''),
  nR: str.default(''),
  oR: str.default(''),
  nP: str.default(''),
  oP: str.default(''),
});
export type RenameRecord = z.infer<typeof renameRecordSchema>;

export const renameColumnRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  colName: str,
  newColName: str,
});
export type RenameColumnRecord = z.infer<typeof renameColumnRecordSchema>;

export const modifyCommentRecordSchema = z.looseObject({
  type: z.enum(['COLUMN', 'TABLE']),
  dbId: i64,
  tblId: i64,
  colToComment: z.record(str, str).optional(),
  tblComment: str.optional(),
});
export type ModifyCommentRecord = z.infer<typeof modifyCommentRecordSchema>;

export const modifyViewDefRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  inlineViewDef: str,
  sqlMode: z.union([i64, str]).optional(),
});
export type ModifyViewDefRecord = z.infer<typeof modifyViewDefRecordSchema>;

export const replaceTableRecordSchema = z.looseObject({
  dbId: i64,
  origTblId: i64,
  origTblName: str,
  /** Despite the name, Doris stores the new table's id here. */
  newTblName: z.union([i64, str]),
  actualNewTblName: str,
  swapTable: bool,
  isForce: bool.optional(),
});
export type ReplaceTableRecord = z.infer<typeof replaceTableRecordSchema>;

export const dropRollupRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  tableName: str.optional(),
  indexId: i64.optional(),
  indexName: str,
});
export type DropRollupRecord = z.infer<typeof dropRollupRecordSchema>;

export const recoverInfoRecordSchema = z.looseObject({
  dbId: i64,
  tableId: i64,
  tableName: str.optional(),
  newTableName: str.optional(),
  partitionId: i64.optional(),
  newPartitionName: str.optional(),
});
export type RecoverInfoRecord = z.infer<typeof recoverInfoRecordSchema>;

/**
 * Parses and validates a binlog payload. Throws a CcrError (disposition 'pause') that names
 * the binlog and the offending field when the payload is not what this Doris version should send.
 */
export function parseRecord<S extends z.ZodType>(
  schema: S,
  data: string | undefined,
  where: { commitSeq: bigint; type: number },
): z.infer<S> {
  const what = `binlog ${where.commitSeq} (${binlogTypeName(where.type)})`;
  if (data === undefined) {
    throw new CcrError('CCR_E0101', `${what} has no data payload`, {
      category: 'fe',
      disposition: 'pause',
      details: { commitSeq: where.commitSeq.toString(), type: where.type },
    });
  }
  let raw: unknown;
  try {
    raw = parseJsonBig(data);
  } catch (err) {
    throw new CcrError('CCR_E0101', `${what} carries invalid JSON: ${(err as Error).message}`, {
      category: 'fe',
      disposition: 'pause',
      cause: err,
    });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? issue.path.join('.') : '';
    throw new CcrError(
      'CCR_E0101',
      `${what} has an unexpected payload${path ? ` at "${path}"` : ''}: ${issue?.message ?? 'invalid'}; ` +
        'the source Doris version may be newer than this syncer supports',
      { category: 'fe', disposition: 'pause', details: { commitSeq: where.commitSeq.toString(), type: where.type } },
    );
  }
  return result.data;
}
