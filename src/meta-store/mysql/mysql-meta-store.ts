// MySQL adapter of the MetaStore (a store several syncers can share). Every value travels as
// a query parameter; the only identifier in SQL text is the database name, which the config
// restricts to [A-Za-z0-9_$-] and which is backtick-quoted. Progress is stored base64-encoded
// like the Go syncer does.
//
// Fenced writes and every registry write are single statements: several syncers share this
// database, and a syncer frozen (SIGSTOP, VM pause) in the middle of a multi-statement
// transaction would keep its row locks and block the others until it woke up. Liveness uses
// the server's clock (DB_NOW_NS), never a syncer's.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import mysql from 'mysql2/promise';
import { CcrError } from '../../errors/ccr-error.js';
import type {
  Fence,
  JobLinks,
  JobOwnership,
  MetaStore,
  OwnershipSnapshot,
  RegisterOutcome,
  StoredJob,
  SyncerRegistration,
  SyncerRow,
} from '../meta-store.js';
import { duplicateJob, FencedError, schemaError, storeUnavailable, syncerExpired } from '../meta-store.js';
import type { RetryPolicy } from '../retry.js';
import { DEFAULT_RETRY, withRetry } from '../retry.js';
import type { MysqlTarget } from './mysql-errors.js';
import { classifyMysqlError, isTransientMysqlError, mysqlCode } from './mysql-errors.js';
import { MYSQL_MIGRATIONS } from './mysql-migrations.js';

export interface MysqlMetaStoreOptions extends MysqlTarget {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly retry?: RetryPolicy;
}

const IDENTIFIER = /^[A-Za-z0-9_$-]{1,64}$/;

interface JobRow extends RowDataPacket {
  job_name: string;
  job_info: string | null;
  belong_to: string | null;
  epoch: string | number;
  parent_job: string | null;
}

const JOB_COLUMNS = 'job_name, job_info, belong_to, epoch, parent_job';
const SYNCER_COLUMNS = 'host_info, timestamp, session, lease_ms, leaving';
/** The server's clock in unix ns, independent of the session time zone. */
const DB_NOW_NS = "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) * 1000)";

function toSyncer(r: RowDataPacket): SyncerRow {
  return {
    hostInfo: String(r.host_info),
    timestampNs: BigInt((r.timestamp as string | number | null) ?? 0),
    session: String(r.session ?? ''),
    leaseMs: Number(r.lease_ms ?? 0),
    leaving: Number(r.leaving ?? 0) !== 0,
  };
}

function toJob(r: JobRow): StoredJob {
  return { name: r.job_name, jobInfo: r.job_info ?? '', belongTo: r.belong_to ?? '', epoch: BigInt(r.epoch), parent: r.parent_job ?? undefined };
}

const encodeProgress = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const decodeProgress = (stored: string): string => Buffer.from(stored, 'base64').toString('utf8');

/** Connects, creates the database if missing and returns the store (call migrate() next). */
export async function openMysqlMetaStore(options: MysqlMetaStoreOptions, signal: AbortSignal): Promise<MetaStore> {
  if (!IDENTIFIER.test(options.database)) throw schemaError(`--db_name ${JSON.stringify(options.database)} is not a valid database name`);
  const base = {
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    connectTimeout: options.connectTimeoutMs,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4',
  };
  await withRetry(
    'connect',
    async () => {
      let conn: mysql.Connection | undefined;
      try {
        conn = await mysql.createConnection(base);
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${options.database}\``);
      } catch (err) {
        if (isTransientMysqlError(err)) throw err;
        throw classifyMysqlError(err, `create database ${options.database}`, options);
      } finally {
        await conn?.end().catch(() => undefined);
      }
    },
    isTransientMysqlError,
    options.retry ?? DEFAULT_RETRY,
    signal,
    (err, n) => classifyMysqlError(err, `connect (${n} attempts)`, options),
  );
  const pool = mysql.createPool({
    ...base,
    database: options.database,
    connectionLimit: options.maxConnections,
    maxIdle: Math.max(1, Math.floor(options.maxConnections / 4)),
    idleTimeout: 60_000,
    enableKeepAlive: true,
  });
  // Heartbeats get a connection of their own: with every pooled connection busy (hundreds of
  // jobs writing progress), a heartbeat queued behind them could miss the lease, and the
  // syncer would stop its jobs and be declared dead although it is healthy.
  const heartbeatPool = mysql.createPool({ ...base, database: options.database, connectionLimit: 1, maxIdle: 1, enableKeepAlive: true });
  return new MysqlMetaStore(pool, heartbeatPool, options, options.retry ?? DEFAULT_RETRY);
}

class MysqlMetaStore implements MetaStore {
  readonly kind = 'mysql';
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly heartbeatPool: Pool,
    private readonly target: MysqlTarget,
    private readonly retry: RetryPolicy,
  ) {}

  /** Runs `op` with bounded retries of transient failures; maps driver errors to CcrErrors. */
  private async run<T>(what: string, signal: AbortSignal, op: () => Promise<T>): Promise<T> {
    if (this.closed) throw storeUnavailable('the meta store is closed');
    try {
      return await withRetry(what, op, isTransientMysqlError, this.retry, signal, (err, n) =>
        classifyMysqlError(err, `${what} (${n} attempts)`, this.target),
      );
    } catch (err) {
      if (err instanceof CcrError || (signal.aborted && err === signal.reason)) throw err;
      throw classifyMysqlError(err, what, this.target);
    }
  }

  /** Runs `work` in a transaction on one pooled connection. */
  private async tx<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      try {
        const result = await work(conn);
        await conn.commit();
        return result;
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      }
    } finally {
      conn.release();
    }
  }

  /** Locks the job row; throws FencedError unless it exists and (with a fence) matches. */
  private async lockAndCheck(conn: PoolConnection, name: string, fence: Fence | undefined): Promise<boolean> {
    const [rows] = await conn.query<JobRow[]>('SELECT job_name, belong_to, epoch FROM jobs WHERE job_name = ? FOR UPDATE', [name]);
    const row = rows[0];
    if (!row) return false;
    if (fence && (row.belong_to !== fence.owner || BigInt(row.epoch) !== fence.epoch)) throw new FencedError(name, fence);
    return true;
  }

  private async requireJob(conn: PoolConnection, name: string, fence: Fence | undefined): Promise<void> {
    if (!(await this.lockAndCheck(conn, name, fence))) throw new FencedError(name, fence ?? { owner: '', epoch: 0n });
  }

  async migrate(signal: AbortSignal): Promise<void> {
    await this.run('migrate', signal, async () => {
      const conn = await this.pool.getConnection();
      const lock = `ccr_syncer_migrate:${this.target.database}`;
      try {
        const [got] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 60) AS ok', [lock]);
        if (Number(got[0]?.ok) !== 1) throw storeUnavailable('another syncer has been migrating the meta store for 60 s; retry later');
        try {
          await conn.query(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)',
          );
          const [rows] = await conn.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
          const applied = new Set(rows.map((r) => Number(r.version)));
          const latest = MYSQL_MIGRATIONS[MYSQL_MIGRATIONS.length - 1]?.version ?? 0;
          const newest = Math.max(0, ...applied);
          if (newest > latest) {
            throw schemaError(`the meta store schema is version ${newest}, newer than this syncer supports (${latest}); upgrade the syncer`);
          }
          for (const m of MYSQL_MIGRATIONS) {
            if (applied.has(m.version)) continue;
            await m.up(conn, this.target.database);
            await conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
          }
        } finally {
          await conn.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
        }
      } finally {
        conn.release();
      }
    });
  }

  addJob(name: string, jobInfo: string, belongTo: string, signal: AbortSignal, links?: JobLinks): Promise<void> {
    return this.run('add job', signal, async () => {
      try {
        await this.pool.query('INSERT INTO jobs (job_name, job_info, belong_to, epoch, parent_job) VALUES (?, ?, ?, 0, ?)', [
          name,
          jobInfo,
          belongTo,
          links?.parent ?? null,
        ]);
      } catch (err) {
        if (mysqlCode(err) === 'ER_DUP_ENTRY') throw duplicateJob(name);
        throw err;
      }
    });
  }

  getJob(name: string, signal: AbortSignal): Promise<StoredJob | undefined> {
    return this.run('read job', signal, async () => {
      const [rows] = await this.pool.query<JobRow[]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_name = ?`, [name]);
      const row = rows[0];
      return row && toJob(row);
    });
  }

  listJobs(signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list jobs', signal, async () => {
      const [rows] = await this.pool.query<JobRow[]>(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY job_name`);
      return rows.map(toJob);
    });
  }

  listJobsOwnedBy(owner: string, signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list owned jobs', signal, async () => {
      const [rows] = await this.pool.query<JobRow[]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE belong_to = ? ORDER BY job_name`, [owner]);
      return rows.map(toJob);
    });
  }

  listChildJobs(parent: string, signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list child jobs', signal, async () => {
      const [rows] = await this.pool.query<JobRow[]>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE parent_job = ? ORDER BY job_name`, [parent]);
      return rows.map(toJob);
    });
  }

  updateJob(name: string, jobInfo: string, signal: AbortSignal, fence?: Fence, links?: JobLinks): Promise<void> {
    const set = links ? 'job_info = ?, parent_job = ?' : 'job_info = ?';
    const values: unknown[] = links ? [jobInfo, links.parent ?? null] : [jobInfo];
    return this.run('update job', signal, async () => {
      const [res] = fence
        ? await this.pool.query<ResultSetHeader>(`UPDATE jobs SET ${set} WHERE job_name = ? AND belong_to = ? AND epoch = ?`, [
            ...values,
            name,
            fence.owner,
            fence.epoch.toString(),
          ])
        : await this.pool.query<ResultSetHeader>(`UPDATE jobs SET ${set} WHERE job_name = ?`, [...values, name]);
      // FOUND_ROWS (mysql2's default) counts a matched row even when nothing changed.
      if (res.affectedRows === 0) throw new FencedError(name, fence ?? { owner: '', epoch: 0n });
    });
  }

  transferJob(name: string, owner: string, signal: AbortSignal, fence?: Fence): Promise<bigint> {
    return this.run('transfer job', signal, async () => {
      if (fence) {
        const [res] = await this.pool.query<ResultSetHeader>(
          'UPDATE jobs SET belong_to = ?, epoch = epoch + 1 WHERE job_name = ? AND belong_to = ? AND epoch = ?',
          [owner, name, fence.owner, fence.epoch.toString()],
        );
        if (res.affectedRows === 0) throw new FencedError(name, fence);
        return fence.epoch + 1n;
      }
      return this.tx(async (conn) => {
        await this.requireJob(conn, name, undefined);
        await conn.query('UPDATE jobs SET belong_to = ?, epoch = epoch + 1 WHERE job_name = ?', [owner, name]);
        const [rows] = await conn.query<JobRow[]>('SELECT epoch FROM jobs WHERE job_name = ?', [name]);
        return BigInt(rows[0]?.epoch ?? 0);
      });
    });
  }

  removeJob(name: string, signal: AbortSignal, fence?: Fence): Promise<boolean> {
    return this.run('remove job', signal, async () => {
      if (!fence) {
        return this.tx(async (conn) => {
          const exists = await this.lockAndCheck(conn, name, undefined);
          await conn.query('DELETE FROM jobs WHERE job_name = ?', [name]);
          await conn.query('DELETE FROM progresses WHERE job_name = ?', [name]);
          return exists;
        });
      }
      // One statement deletes the job and its progress, only while the fence holds.
      const [res] = await this.pool.query<ResultSetHeader>(
        'DELETE j, p FROM jobs j LEFT JOIN progresses p ON p.job_name = j.job_name WHERE j.job_name = ? AND j.belong_to = ? AND j.epoch = ?',
        [name, fence.owner, fence.epoch.toString()],
      );
      if (res.affectedRows > 0) return true;
      const [rows] = await this.pool.query<JobRow[]>('SELECT job_name FROM jobs WHERE job_name = ?', [name]);
      if (rows.length > 0) throw new FencedError(name, fence);
      await this.pool.query('DELETE FROM progresses WHERE job_name = ?', [name]);
      return false;
    });
  }

  getProgress(name: string, signal: AbortSignal): Promise<string | undefined> {
    return this.run('read progress', signal, async () => {
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT progress FROM progresses WHERE job_name = ?', [name]);
      const stored = rows[0]?.progress as string | null | undefined;
      return stored === null || stored === undefined ? undefined : decodeProgress(stored);
    });
  }

  updateProgress(name: string, progress: string, signal: AbortSignal, fence?: Fence): Promise<void> {
    const encoded = encodeProgress(progress);
    return this.run('write progress', signal, async () => {
      if (!fence) {
        await this.pool.query('INSERT INTO progresses (job_name, progress) VALUES (?, ?) ON DUPLICATE KEY UPDATE progress = VALUES(progress)', [
          name,
          encoded,
        ]);
        return;
      }
      // The row is written only if the job row matches the fence, in the same statement.
      const [res] = await this.pool.query<ResultSetHeader>(
        'INSERT INTO progresses (job_name, progress) SELECT ?, ? FROM jobs WHERE job_name = ? AND belong_to = ? AND epoch = ? ' +
          'ON DUPLICATE KEY UPDATE progress = VALUES(progress)',
        [name, encoded, name, fence.owner, fence.epoch.toString()],
      );
      if (res.affectedRows === 0) throw new FencedError(name, fence);
    });
  }

  upsertSyncer(hostInfo: string, timestampNs: bigint, signal: AbortSignal): Promise<void> {
    return this.run('register syncer', signal, async () => {
      await this.pool.query('INSERT INTO syncers (host_info, timestamp) VALUES (?, ?) ON DUPLICATE KEY UPDATE timestamp = VALUES(timestamp)', [
        hostInfo,
        timestampNs.toString(),
      ]);
    });
  }

  listSyncers(signal: AbortSignal): Promise<SyncerRow[]> {
    return this.run('list syncers', signal, async () => {
      const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${SYNCER_COLUMNS} FROM syncers ORDER BY host_info`);
      return rows.map(toSyncer);
    });
  }

  registerSyncer(reg: SyncerRegistration, signal: AbortSignal): Promise<RegisterOutcome> {
    return this.run('register syncer', signal, async () => {
      // A few rounds: the row may change between the read and the claim (another start, or
      // a coordinator removing the expired row); each round either claims, or sees a live holder.
      for (let round = 0; round < 5; round++) {
        const seen = await this.readSyncer(reg.hostInfo);
        if (seen.row && seen.row.session !== reg.session && !syncerExpired(seen.row, seen.nowNs, reg.leaseMs)) {
          return { kind: 'held', holder: seen.row, nowNs: seen.nowNs };
        }
        // Fence whatever an earlier incarnation of this identity may still be writing.
        await this.pool.query('UPDATE jobs SET epoch = epoch + 1 WHERE belong_to = ?', [reg.hostInfo]);
        if (!seen.row) {
          try {
            await this.pool.query(`INSERT INTO syncers (${SYNCER_COLUMNS}) VALUES (?, ${DB_NOW_NS}, ?, ?, 0)`, [reg.hostInfo, reg.session, reg.leaseMs]);
            return { kind: 'registered' };
          } catch (err) {
            if (mysqlCode(err) !== 'ER_DUP_ENTRY') throw err;
            continue;
          }
        }
        // Take the row over only as it was read.
        const [res] = await this.pool.query<ResultSetHeader>(
          `UPDATE syncers SET session = ?, lease_ms = ?, leaving = 0, timestamp = ${DB_NOW_NS} WHERE host_info = ? AND session = ? AND timestamp = ?`,
          [reg.session, reg.leaseMs, reg.hostInfo, seen.row.session, seen.row.timestampNs.toString()],
        );
        if (res.affectedRows === 1) return { kind: 'registered' };
      }
      throw storeUnavailable(`the registry row of ${reg.hostInfo} kept changing while this syncer registered; retry`);
    });
  }

  private async readSyncer(hostInfo: string): Promise<{ row: SyncerRow | undefined; nowNs: bigint }> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT n.now_ns, s.host_info, s.timestamp, s.session, s.lease_ms, s.leaving FROM (SELECT ${DB_NOW_NS} AS now_ns) n LEFT JOIN syncers s ON s.host_info = ?`,
      [hostInfo],
    );
    const r = rows[0];
    return { row: r?.host_info === null || r?.host_info === undefined ? undefined : toSyncer(r), nowNs: BigInt((r?.now_ns as string | undefined) ?? 0) };
  }

  heartbeat(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('heartbeat', signal, async () => {
      const [res] = await this.heartbeatPool.query<ResultSetHeader>(`UPDATE syncers SET timestamp = ${DB_NOW_NS} WHERE host_info = ? AND session = ?`, [
        hostInfo,
        session,
      ]);
      return res.affectedRows === 1;
    });
  }

  setSyncerLeaving(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('mark syncer leaving', signal, async () => {
      const [res] = await this.pool.query<ResultSetHeader>('UPDATE syncers SET leaving = 1 WHERE host_info = ? AND session = ?', [hostInfo, session]);
      return res.affectedRows === 1;
    });
  }

  unregisterSyncer(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('unregister syncer', signal, async () => {
      const [res] = await this.pool.query<ResultSetHeader>('DELETE FROM syncers WHERE host_info = ? AND session = ?', [hostInfo, session]);
      return res.affectedRows === 1;
    });
  }

  removeDeadSyncer(hostInfo: string, timestampNs: bigint, fallbackLeaseMs: number, signal: AbortSignal): Promise<boolean> {
    return this.run('remove dead syncer', signal, async () => {
      const [res] = await this.pool.query<ResultSetHeader>(
        `DELETE FROM syncers WHERE host_info = ? AND timestamp = ? AND ${DB_NOW_NS} - timestamp > IF(lease_ms > 0, lease_ms, ?) * 1000000`,
        [hostInfo, timestampNs.toString(), fallbackLeaseMs],
      );
      return res.affectedRows === 1;
    });
  }

  ownership(signal: AbortSignal): Promise<OwnershipSnapshot> {
    return this.run('read ownership', signal, async () => {
      const [now] = await this.pool.query<RowDataPacket[]>(`SELECT ${DB_NOW_NS} AS now_ns`);
      const [syncers] = await this.pool.query<RowDataPacket[]>(`SELECT ${SYNCER_COLUMNS} FROM syncers ORDER BY host_info`);
      const [jobs] = await this.pool.query<JobRow[]>('SELECT job_name, belong_to, epoch, parent_job FROM jobs ORDER BY job_name');
      return {
        nowNs: BigInt(now[0]?.now_ns as string),
        syncers: syncers.map(toSyncer),
        jobs: jobs.map((r): JobOwnership => ({ name: r.job_name, belongTo: r.belong_to ?? '', epoch: BigInt(r.epoch), parent: r.parent_job ?? undefined })),
      };
    });
  }

  getSetting(key: string, signal: AbortSignal): Promise<string | undefined> {
    return this.run('read setting', signal, async () => {
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT value FROM settings WHERE `key` = ?', [key]);
      return rows[0]?.value as string | undefined;
    });
  }

  setSetting(key: string, value: string, signal: AbortSignal): Promise<void> {
    return this.run('write setting', signal, async () => {
      await this.pool.query('INSERT INTO settings (`key`, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)', [key, value]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.heartbeatPool.end()]);
  }
}
