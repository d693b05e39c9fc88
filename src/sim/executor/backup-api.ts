// The backup/restore operations SQL reaches (BACKUP SNAPSHOT, SHOW BACKUP, SHOW RESTORE,
// CANCEL BACKUP/RESTORE). The simulator's backup and restore managers implement the jobs;
// the assembly adapts them to this port so the executor does not depend on their internals.
import type { ShowResult } from '../model/show-format.js';

export interface BackupTableInput {
  name: string;
  /** PARTITION (p1, p2); absent = every partition. */
  partitions?: string[] | undefined;
}

export interface BackupInput {
  db: string;
  label: string;
  repo: string;
  /** ON (…) lists what to back up, EXCLUDE (…) what to skip; both empty = the whole database. */
  tables: BackupTableInput[];
  exclude: boolean;
  properties: Record<string, string>;
}

export interface BackupRestoreApi {
  /** Starts a backup job; throws DorisError (duplicate label, running job, unknown table …). */
  backup(input: BackupInput): void;
  /** SHOW BACKUP [FROM db]: Doris' columns (JobId, SnapshotName, DbName, State, …), one row per job. */
  showBackup(db: string): ShowResult;
  /** SHOW [BRIEF] RESTORE [FROM db]: Doris' columns (JobId, Label, Timestamp, DbName, State, …). */
  showRestore(db: string, brief: boolean): ShowResult;
  /** CANCEL BACKUP FROM db: cancels the unfinished backup job; throws when there is none. */
  cancelBackup(db: string): void;
  /** CANCEL RESTORE FROM db: cancels the unfinished restore job; throws when there is none. */
  cancelRestore(db: string): void;
}
