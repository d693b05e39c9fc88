// The backup/restore operations the SQL executor reaches (BACKUP SNAPSHOT, SHOW BACKUP,
// SHOW [BRIEF] RESTORE, CANCEL BACKUP/RESTORE), adapted from the env's managers to the
// executor's BackupRestoreApi port (same shape; declared here so neither side imports the
// other's internals).
import type { SimEnv } from '../env.js';
import type { ShowResult } from '../model/show-format.js';

export interface BackupStatementInput {
  db: string;
  label: string;
  repo: string;
  /** ON (…) lists what to back up, EXCLUDE (…) what to skip; empty and not exclude = everything. */
  tables: { name: string; partitions?: string[] | undefined }[];
  exclude: boolean;
  properties: Record<string, string>;
}

export interface BackupRestorePort {
  backup(input: BackupStatementInput): void;
  showBackup(db: string): ShowResult;
  showRestore(db: string, brief: boolean): ShowResult;
  cancelBackup(db: string): void;
  cancelRestore(db: string): void;
}

/** The env's backup and restore managers behind the executor's port. Every method throws DorisError like Doris. */
export function backupRestorePort(env: SimEnv): BackupRestorePort {
  return {
    backup: (input) => {
      const mode = input.exclude ? 'EXCLUDE' : input.tables.length > 0 ? 'ON' : undefined;
      env.backups.start({ db: input.db, label: input.label, repo: input.repo, mode, tables: input.tables, properties: input.properties });
    },
    showBackup: (db) => env.backups.show(db),
    showRestore: (db, brief) => env.restores.show(db, undefined, brief),
    cancelBackup: (db) => env.backups.cancel(db),
    cancelRestore: (db) => env.restores.cancel(db),
  };
}
