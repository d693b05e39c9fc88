// Routes a non-upsert binlog to its handler. Types without a handler (async materialized
// views, temp-partition housekeeping, types newer than this syncer) are skipped with one log
// line per type, never retried in a loop.
import { BinlogType, binlogTypeName } from '../../doris/types.js';
import { done, type BinlogHandler, type HandlerArgs, type HandlerResult } from './handler.js';

const HANDLERS: Partial<Record<number, BinlogHandler>> = {};

/** Registers the handler of a binlog type (called by the handler modules). */
export function registerHandler(type: number, handler: BinlogHandler): void {
  HANDLERS[type] = handler;
}

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
