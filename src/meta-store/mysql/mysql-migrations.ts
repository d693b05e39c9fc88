// Numbered migrations of the MySQL store. MySQL DDL commits implicitly, so every step is
// written to be safe to repeat, and the migrator serialises syncers with GET_LOCK.
// Version 1 is the Go syncer's schema; version 2 widens job_info (Go's TEXT caps it at
// 64 KB) and adds what this port needs; version 3 links cluster-sync children to their parent;
// version 4 adds what HA needs to the registry (incarnation, lease, leaving).
import type { PoolConnection } from 'mysql2/promise';

export interface MysqlMigration {
  readonly version: number;
  readonly name: string;
  up(conn: PoolConnection, database: string): Promise<void>;
}

async function columnType(conn: PoolConnection, database: string, table: string, column: string): Promise<string | undefined> {
  const [rows] = await conn.query(
    'SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [database, table, column],
  );
  const first = (rows as Array<{ t: string }>)[0];
  return first?.t.toLowerCase();
}

export const MYSQL_MIGRATIONS: readonly MysqlMigration[] = [
  {
    version: 1,
    name: 'go syncer tables',
    async up(conn) {
      await conn.query('CREATE TABLE IF NOT EXISTS jobs (job_name VARCHAR(512) PRIMARY KEY, job_info LONGTEXT, belong_to VARCHAR(96))');
      await conn.query('CREATE TABLE IF NOT EXISTS progresses (job_name VARCHAR(512) PRIMARY KEY, progress LONGTEXT)');
      await conn.query('CREATE TABLE IF NOT EXISTS syncers (host_info VARCHAR(96) PRIMARY KEY, timestamp BIGINT)');
    },
  },
  {
    version: 2,
    name: 'longtext job_info, job epoch for fencing, settings',
    async up(conn, database) {
      if ((await columnType(conn, database, 'jobs', 'job_info')) !== 'longtext') {
        await conn.query('ALTER TABLE jobs MODIFY COLUMN job_info LONGTEXT');
      }
      if ((await columnType(conn, database, 'progresses', 'progress')) !== 'longtext') {
        await conn.query('ALTER TABLE progresses MODIFY COLUMN progress LONGTEXT');
      }
      if ((await columnType(conn, database, 'jobs', 'epoch')) === undefined) {
        await conn.query('ALTER TABLE jobs ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0');
      }
      await conn.query('CREATE TABLE IF NOT EXISTS settings (`key` VARCHAR(255) PRIMARY KEY, value LONGTEXT NOT NULL)');
    },
  },
  {
    version: 3,
    name: 'parent cluster job of a job',
    async up(conn, database) {
      if ((await columnType(conn, database, 'jobs', 'parent_job')) === undefined) {
        await conn.query('ALTER TABLE jobs ADD COLUMN parent_job VARCHAR(512) NULL');
      }
      const [indexes] = await conn.query(
        'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?',
        [database, 'jobs', 'idx_jobs_parent_job'],
      );
      if ((indexes as unknown[]).length === 0) await conn.query('CREATE INDEX idx_jobs_parent_job ON jobs (parent_job)');
    },
  },
  {
    version: 4,
    name: 'syncer sessions and leases',
    async up(conn, database) {
      if ((await columnType(conn, database, 'syncers', 'session')) === undefined) {
        await conn.query("ALTER TABLE syncers ADD COLUMN session VARCHAR(64) NOT NULL DEFAULT ''");
      }
      if ((await columnType(conn, database, 'syncers', 'lease_ms')) === undefined) {
        await conn.query('ALTER TABLE syncers ADD COLUMN lease_ms BIGINT NOT NULL DEFAULT 0');
      }
      if ((await columnType(conn, database, 'syncers', 'leaving')) === undefined) {
        await conn.query('ALTER TABLE syncers ADD COLUMN leaving TINYINT NOT NULL DEFAULT 0');
      }
      const [indexes] = await conn.query(
        'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?',
        [database, 'jobs', 'idx_jobs_belong_to'],
      );
      if ((indexes as unknown[]).length === 0) await conn.query('CREATE INDEX idx_jobs_belong_to ON jobs (belong_to)');
    },
  },
];
