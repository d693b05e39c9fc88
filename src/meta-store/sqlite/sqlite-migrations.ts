// Numbered migrations of the SQLite store. Version 1 is exactly the Go syncer's schema, so
// an existing Go ccr.db is adopted as it is; later versions add what this port needs.
import type { Database } from 'better-sqlite3';

export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

function hasColumn(db: Database, table: string, column: string): boolean {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  return rows.some((r) => r.name === column);
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'go syncer tables',
    up(db) {
      db.exec('CREATE TABLE IF NOT EXISTS jobs (job_name TEXT PRIMARY KEY, job_info TEXT, belong_to TEXT)');
      db.exec('CREATE TABLE IF NOT EXISTS progresses (job_name TEXT PRIMARY KEY, progress TEXT)');
      db.exec('CREATE TABLE IF NOT EXISTS syncers (host_info TEXT PRIMARY KEY, timestamp INTEGER)');
    },
  },
  {
    version: 2,
    name: 'job epoch for fencing, settings',
    up(db) {
      if (!hasColumn(db, 'jobs', 'epoch')) db.exec('ALTER TABLE jobs ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0');
      db.exec('CREATE TABLE IF NOT EXISTS settings ("key" TEXT PRIMARY KEY, value TEXT NOT NULL)');
    },
  },
  {
    version: 3,
    name: 'parent cluster job of a job',
    up(db) {
      if (!hasColumn(db, 'jobs', 'parent_job')) db.exec('ALTER TABLE jobs ADD COLUMN parent_job TEXT');
      db.exec('CREATE INDEX IF NOT EXISTS idx_jobs_parent_job ON jobs (parent_job)');
    },
  },
  {
    version: 4,
    name: 'syncer sessions and leases',
    up(db) {
      if (!hasColumn(db, 'syncers', 'session')) db.exec("ALTER TABLE syncers ADD COLUMN session TEXT NOT NULL DEFAULT ''");
      if (!hasColumn(db, 'syncers', 'lease_ms')) db.exec('ALTER TABLE syncers ADD COLUMN lease_ms INTEGER NOT NULL DEFAULT 0');
      if (!hasColumn(db, 'syncers', 'leaving')) db.exec('ALTER TABLE syncers ADD COLUMN leaving INTEGER NOT NULL DEFAULT 0');
      db.exec('CREATE INDEX IF NOT EXISTS idx_jobs_belong_to ON jobs (belong_to)');
    },
  },
];
