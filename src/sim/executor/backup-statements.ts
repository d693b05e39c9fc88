// BACKUP SNAPSHOT, SHOW BACKUP, SHOW [BRIEF] RESTORE and CANCEL BACKUP/RESTORE, through the
// backup/restore port. SHOW BACKUP/RESTORE accept only Doris' restricted WHERE
// (`SnapshotName`/`Label` = or LIKE a string), already checked by the parser.
import type { ShowResult } from '../model/show-format.js';
import { dorisError, ErrNo } from '../sql-error.js';
import type { NameFilter } from '../sql/ast.js';
import { likeToRegExp } from '../sql/eval-values.js';
import type { BackupRestoreApi } from './backup-api.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { okResult, showResult } from './results.js';

function api(ctx: ExecContext): BackupRestoreApi {
  const port = ctx.env.backupRestore;
  if (port === undefined) throw dorisError(ErrNo.NOT_SUPPORTED, 'backup and restore are not available in this simulator instance');
  return port;
}

function filterByName(result: ShowResult, column: string, filter: NameFilter | undefined): ShowResult {
  if (filter === undefined) return result;
  const index = result.columns.indexOf(column);
  // Doris matches these names case-insensitively (CaseSensibility.LABEL is false).
  const test =
    filter.op === '='
      ? (v: string | null) => (v ?? '').toLowerCase() === filter.value.toLowerCase()
      : (v: string | null) => likeToRegExp(filter.value, { caseInsensitive: true }).test(v ?? '');
  return { columns: result.columns, rows: result.rows.filter((r) => test(r[index] ?? null)) };
}

/** The statement's database (or the current one), which must exist. */
function existingDb(ctx: ExecContext, name: string | undefined): string {
  const db = dbOf(ctx, name);
  if (ctx.model.catalog.database(db) === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  return db;
}

/** BACKUP, SHOW BACKUP/RESTORE, CANCEL BACKUP/RESTORE (RESTORE itself comes through the restoreSnapshot RPC). */
export const backupHandlers = {
  backup: (ctx, s) => {
    const db = existingDb(ctx, s.db);
    const tables = s.tables.map((t) => {
      if (t.name.db !== undefined && t.name.db !== db) throw dorisError(ErrNo.UNKNOWN, 'Cannot backup tables of another database');
      if (t.partitions?.names === '*' || t.partitions?.temporary === true) {
        throw dorisError(ErrNo.UNKNOWN, 'Only formal partitions listed by name can be backed up');
      }
      return { name: t.name.name, partitions: t.partitions?.names };
    });
    api(ctx).backup({ db, label: s.label, repo: s.repo, tables, exclude: s.mode === 'EXCLUDE', properties: s.properties });
    return okResult();
  },
  showBackup: (ctx, s) => showResult(filterByName(api(ctx).showBackup(existingDb(ctx, s.db)), 'SnapshotName', s.snapshotName)),
  showRestore: (ctx, s) => showResult(filterByName(api(ctx).showRestore(existingDb(ctx, s.db), s.brief), 'Label', s.label)),
  cancelBackup: (ctx, s) => {
    api(ctx).cancelBackup(existingDb(ctx, s.db));
    return okResult();
  },
  cancelRestore: (ctx, s) => {
    api(ctx).cancelRestore(existingDb(ctx, s.db));
    return okResult();
  },
  restore: () => {
    throw dorisError(ErrNo.NOT_SUPPORTED, 'RESTORE from a repository is not supported by the simulator; restores come from the restoreSnapshot RPC');
  },
} satisfies Partial<StatementHandlers>;
