// Routes a non-upsert binlog to its handler. Types without a handler (types newer than this
// syncer, async materialized view housekeeping) are skipped with one log line per job and
// type, never retried in a loop.
import { BinlogType, binlogTypeName } from '../../doris/types.js';
import { done, type BinlogHandler, type HandlerArgs, type HandlerResult } from './handler.js';
import { barrier, dummy, modifyViewDef, notReplicated } from './other.js';
import { modifyTableProperty } from './properties.js';
import { addPartition, dropPartition, replacePartitions } from './partitions.js';
import { alterJob, dropRollup, invertedIndices, modifyColumns, modifyComment, renameColumn } from './schema.js';
import { createTable, dropTable, recoverInfo, rename, replaceTable, truncateTable } from './tables.js';

const HANDLERS: Partial<Record<number, BinlogHandler>> = {
  [BinlogType.ADD_PARTITION]: addPartition,
  [BinlogType.CREATE_TABLE]: createTable,
  [BinlogType.DROP_PARTITION]: dropPartition,
  [BinlogType.DROP_TABLE]: dropTable,
  [BinlogType.ALTER_JOB]: alterJob,
  [BinlogType.MODIFY_TABLE_ADD_OR_DROP_COLUMNS]: modifyColumns,
  [BinlogType.DUMMY]: dummy,
  // Database property changes are not replicated (Go V25 ignores them too): the destination
  // database keeps its own binlog and replication settings.
  [BinlogType.ALTER_DATABASE_PROPERTY]: notReplicated,
  // Table property changes are replayed, minus those the destination keeps (properties.ts).
  [BinlogType.MODIFY_TABLE_PROPERTY]: modifyTableProperty,
  [BinlogType.BARRIER]: barrier((args) => handleBinlog(args)),
  // Storage medium / in-memory changes of partitions are not replicated.
  [BinlogType.MODIFY_PARTITIONS]: notReplicated,
  [BinlogType.REPLACE_PARTITIONS]: replacePartitions,
  [BinlogType.TRUNCATE_TABLE]: truncateTable,
  [BinlogType.RENAME_TABLE]: rename,
  [BinlogType.RENAME_COLUMN]: renameColumn,
  [BinlogType.MODIFY_COMMENT]: modifyComment,
  [BinlogType.MODIFY_VIEW_DEF]: modifyViewDef,
  [BinlogType.REPLACE_TABLE]: replaceTable,
  [BinlogType.MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES]: invertedIndices,
  [BinlogType.RENAME_ROLLUP]: rename,
  [BinlogType.RENAME_PARTITION]: rename,
  [BinlogType.DROP_ROLLUP]: dropRollup,
  [BinlogType.RECOVER_INFO]: recoverInfo,
  // Bucket count / distribution changes are not replicated (manual: not supported).
  [BinlogType.MODIFY_DISTRIBUTION_BUCKET_NUM]: notReplicated,
  [BinlogType.MODIFY_DISTRIBUTION_TYPE]: notReplicated,
};

const warned = new Set<string>();

export async function handleBinlog(args: HandlerArgs): Promise<HandlerResult> {
  const type = args.binlog.type ?? -1;
  const handler = HANDLERS[type];
  if (handler) return handler(args);
  const key = `${args.ctx.name}:${type}`;
  if (!warned.has(key)) {
    warned.add(key);
    args.ctx.log.info(
      { type: binlogTypeName(type), seq: args.seq.toString() },
      type >= BinlogType.MIN_UNKNOWN ? 'skipping binlogs of a type newer than this syncer' : 'skipping binlogs of a type this syncer does not replicate',
    );
  }
  return done(args.progress);
}
