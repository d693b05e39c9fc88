// BACKUP SNAPSHOT, SHOW BACKUP, SHOW [BRIEF] RESTORE, CANCEL BACKUP/RESTORE and RESTORE over
// SQL, through the simulator's backup and restore managers (which hold the jobs, apply
// Doris' checks and the restricted `SnapshotName`/`Label` WHERE the parser accepted).
import { dorisError, ErrNo } from '../sql-error.js';
import { dbOf, type ExecContext, type StatementHandlers } from './context.js';
import { okResult, showResult } from './results.js';

/** The statement's database (or the current one), which must exist. */
function existingDb(ctx: ExecContext, name: string | undefined): string {
  const db = dbOf(ctx, name);
  if (ctx.model.catalog.database(db) === undefined) throw dorisError(ErrNo.UNKNOWN_DB, `Unknown database '${db}'`);
  return db;
}

/** BACKUP, SHOW BACKUP/RESTORE, CANCEL BACKUP/RESTORE (restores themselves come through the restoreSnapshot RPC). */
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
    ctx.env.backups.start({ db, label: s.label, repo: s.repo, mode: s.mode, tables, properties: s.properties });
    return okResult();
  },
  showBackup: (ctx, s) => showResult(ctx.env.backups.show(existingDb(ctx, s.db), s.snapshotName)),
  showRestore: (ctx, s) => showResult(ctx.env.restores.show(existingDb(ctx, s.db), s.label, s.brief)),
  cancelBackup: (ctx, s) => {
    ctx.env.backups.cancel(existingDb(ctx, s.db));
    return okResult();
  },
  cancelRestore: (ctx, s) => {
    ctx.env.restores.cancel(existingDb(ctx, s.db));
    return okResult();
  },
  restore: (ctx, s) => ctx.env.restores.restoreStatement(s.repo),
} satisfies Partial<StatementHandlers>;
