// SQLite adapter of the MetaStore: one local file (WAL mode), progress stored as raw JSON like
// the Go syncer. better-sqlite3 is synchronous; the methods keep the port's promise shape.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CcrError, errorMessage } from '../../errors/ccr-error.js';
import type { Fence, JobLinks, MetaStore, OwnershipSnapshot, RegisterOutcome, StoredJob, SyncerRegistration, SyncerRow } from '../meta-store.js';
import { duplicateJob, FencedError, schemaError, storeUnavailable, syncerExpired } from '../meta-store.js';
import type { RetryPolicy } from '../retry.js';
import { DEFAULT_RETRY, withRetry } from '../retry.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

export interface SqliteMetaStoreOptions {
  /** File path, or ':memory:'. The parent directory is created. */
  readonly path: string;
  readonly retry?: RetryPolicy;
  /** How long SQLite waits on a lock held by another connection before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

interface JobRow {
  job_name: string;
  job_info: string | null;
  belong_to: string | null;
  epoch: bigint;
  parent_job: string | null;
}

const JOB_COLUMNS = 'job_name, job_info, belong_to, epoch, parent_job';
const SYNCER_COLUMNS = 'host_info, timestamp, session, lease_ms, leaving';

interface SyncerDbRow {
  host_info: string;
  timestamp: bigint | null;
  session: string;
  lease_ms: bigint;
  leaving: bigint;
}

function toSyncer(r: SyncerDbRow): SyncerRow {
  return { hostInfo: r.host_info, timestampNs: BigInt(r.timestamp ?? 0n), session: r.session, leaseMs: Number(r.lease_ms), leaving: r.leaving !== 0n };
}

/** The store's clock: a SQLite file is used by one host, so that host's clock. */
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function isDuplicate(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toJob(r: JobRow): StoredJob {
  return { name: r.job_name, jobInfo: r.job_info ?? '', belongTo: r.belong_to ?? '', epoch: BigInt(r.epoch), parent: r.parent_job ?? undefined };
}

export function openSqliteMetaStore(options: SqliteMetaStoreOptions): MetaStore {
  let db: Database.Database;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  } catch (err) {
    throw storeUnavailable(`cannot open the SQLite meta store ${options.path}: ${errorMessage(err)} (check --db_dir and its permissions)`, err);
  }
  return new SqliteMetaStore(db, options.retry ?? DEFAULT_RETRY);
}

class SqliteMetaStore implements MetaStore {
  readonly kind = 'sqlite3';
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly retry: RetryPolicy,
  ) {}

  /** Runs a synchronous unit of work with the store's error mapping and bounded retries. */
  private run<T>(what: string, signal: AbortSignal, work: () => T): Promise<T> {
    return withRetry(
      what,
      () => {
        if (this.closed) throw storeUnavailable('the meta store is closed');
        try {
          return Promise.resolve(work());
        } catch (err) {
          if (!(err instanceof CcrError) && err instanceof Error && !isBusy(err)) {
            throw storeUnavailable(`${what}: ${err.message}`, err);
          }
          throw err;
        }
      },
      isBusy,
      this.retry,
      signal,
    );
  }

  async migrate(signal: AbortSignal): Promise<void> {
    await this.run('migrate the meta store', signal, () => {
      this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      // IMMEDIATE: take the write lock first, so two syncers opening the same file apply
      // each migration once.
      this.db
        .transaction(() => {
          const applied = new Set(
            (this.db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
          );
          const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;
          const newest = Math.max(0, ...applied);
          if (newest > latest) {
            throw schemaError(`the meta store schema is version ${newest}, newer than this syncer supports (${latest}); upgrade the syncer`);
          }
          for (const m of SQLITE_MIGRATIONS) {
            if (applied.has(m.version)) continue;
            m.up(this.db);
            this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
          }
        })
        .immediate();
    });
  }

  addJob(name: string, jobInfo: string, belongTo: string, signal: AbortSignal, links?: JobLinks): Promise<void> {
    return this.run('add job', signal, () => {
      try {
        this.db
          .prepare('INSERT INTO jobs (job_name, job_info, belong_to, epoch, parent_job) VALUES (?, ?, ?, 0, ?)')
          .run(name, jobInfo, belongTo, links?.parent ?? null);
      } catch (err) {
        if (isDuplicate(err)) throw duplicateJob(name);
        throw err;
      }
    });
  }

  getJob(name: string, signal: AbortSignal): Promise<StoredJob | undefined> {
    return this.run('read job', signal, () => {
      const row = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_name = ?`).safeIntegers(true).get(name) as
        | JobRow
        | undefined;
      return row && toJob(row);
    });
  }

  listJobs(signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list jobs', signal, () =>
      (this.db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY job_name`).safeIntegers(true).all() as JobRow[]).map(toJob),
    );
  }

  listJobsOwnedBy(owner: string, signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list owned jobs', signal, () =>
      (
        this.db
          .prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE belong_to = ? ORDER BY job_name`)
          .safeIntegers(true)
          .all(owner) as JobRow[]
      ).map(toJob),
    );
  }

  listChildJobs(parent: string, signal: AbortSignal): Promise<StoredJob[]> {
    return this.run('list child jobs', signal, () =>
      (
        this.db
          .prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE parent_job = ? ORDER BY job_name`)
          .safeIntegers(true)
          .all(parent) as JobRow[]
      ).map(toJob),
    );
  }

  /** Throws FencedError unless the job exists and (with a fence) matches it. Call inside a transaction. */
  private checkFence(name: string, fence: Fence | undefined): void {
    const row = this.db.prepare('SELECT belong_to, epoch FROM jobs WHERE job_name = ?').safeIntegers(true).get(name) as
      | { belong_to: string | null; epoch: bigint }
      | undefined;
    const expected = fence ?? { owner: '', epoch: 0n };
    if (!row) throw new FencedError(name, expected);
    if (fence && (row.belong_to !== fence.owner || BigInt(row.epoch) !== fence.epoch)) throw new FencedError(name, fence);
  }

  updateJob(name: string, jobInfo: string, signal: AbortSignal, fence?: Fence, links?: JobLinks): Promise<void> {
    return this.run('update job', signal, () =>
      this.db
        .transaction(() => {
          this.checkFence(name, fence);
          if (links) this.db.prepare('UPDATE jobs SET job_info = ?, parent_job = ? WHERE job_name = ?').run(jobInfo, links.parent ?? null, name);
          else this.db.prepare('UPDATE jobs SET job_info = ? WHERE job_name = ?').run(jobInfo, name);
        })
        .immediate(),
    );
  }

  transferJob(name: string, owner: string, signal: AbortSignal, fence?: Fence): Promise<bigint> {
    return this.run('transfer job', signal, () =>
      this.db
        .transaction(() => {
          this.checkFence(name, fence);
          this.db.prepare('UPDATE jobs SET belong_to = ?, epoch = epoch + 1 WHERE job_name = ?').run(owner, name);
          const row = this.db.prepare('SELECT epoch FROM jobs WHERE job_name = ?').safeIntegers(true).get(name) as { epoch: bigint };
          return BigInt(row.epoch);
        })
        .immediate(),
    );
  }

  removeJob(name: string, signal: AbortSignal, fence?: Fence): Promise<boolean> {
    return this.run('remove job', signal, () =>
      this.db
        .transaction(() => {
          const exists = this.db.prepare('SELECT 1 FROM jobs WHERE job_name = ?').get(name) !== undefined;
          if (!exists) {
            this.db.prepare('DELETE FROM progresses WHERE job_name = ?').run(name);
            return false;
          }
          if (fence) this.checkFence(name, fence);
          this.db.prepare('DELETE FROM jobs WHERE job_name = ?').run(name);
          this.db.prepare('DELETE FROM progresses WHERE job_name = ?').run(name);
          return true;
        })
        .immediate(),
    );
  }

  getProgress(name: string, signal: AbortSignal): Promise<string | undefined> {
    return this.run('read progress', signal, () => {
      const row = this.db.prepare('SELECT progress FROM progresses WHERE job_name = ?').get(name) as { progress: string | null } | undefined;
      return row?.progress ?? undefined;
    });
  }

  updateProgress(name: string, progress: string, signal: AbortSignal, fence?: Fence): Promise<void> {
    const upsert = (): void => {
      this.db
        .prepare('INSERT INTO progresses (job_name, progress) VALUES (?, ?) ON CONFLICT (job_name) DO UPDATE SET progress = excluded.progress')
        .run(name, progress);
    };
    return this.run('write progress', signal, () => {
      if (!fence) return upsert();
      this.db
        .transaction(() => {
          this.checkFence(name, fence);
          upsert();
        })
        .immediate();
    });
  }

  upsertSyncer(hostInfo: string, timestampNs: bigint, signal: AbortSignal): Promise<void> {
    return this.run('register syncer', signal, () => {
      this.db
        .prepare('INSERT INTO syncers (host_info, timestamp) VALUES (?, ?) ON CONFLICT (host_info) DO UPDATE SET timestamp = excluded.timestamp')
        .run(hostInfo, timestampNs);
    });
  }

  listSyncers(signal: AbortSignal): Promise<SyncerRow[]> {
    return this.run('list syncers', signal, () => this.syncers());
  }

  private syncers(): SyncerRow[] {
    return (this.db.prepare(`SELECT ${SYNCER_COLUMNS} FROM syncers ORDER BY host_info`).safeIntegers(true).all() as SyncerDbRow[]).map(toSyncer);
  }

  registerSyncer(reg: SyncerRegistration, signal: AbortSignal): Promise<RegisterOutcome> {
    return this.run('register syncer', signal, () =>
      this.db
        .transaction((): RegisterOutcome => {
          const now = nowNs();
          const row = this.db.prepare(`SELECT ${SYNCER_COLUMNS} FROM syncers WHERE host_info = ?`).safeIntegers(true).get(reg.hostInfo) as
            | SyncerDbRow
            | undefined;
          const holder = row && toSyncer(row);
          if (holder && holder.session !== reg.session && !syncerExpired(holder, now, reg.leaseMs)) return { kind: 'held', holder, nowNs: now };
          this.db.prepare('UPDATE jobs SET epoch = epoch + 1 WHERE belong_to = ?').run(reg.hostInfo);
          this.db
            .prepare(
              `INSERT INTO syncers (${SYNCER_COLUMNS}) VALUES (?, ?, ?, ?, 0) ON CONFLICT (host_info) DO UPDATE SET ` +
                'timestamp = excluded.timestamp, session = excluded.session, lease_ms = excluded.lease_ms, leaving = 0',
            )
            .run(reg.hostInfo, now, reg.session, reg.leaseMs);
          return { kind: 'registered' };
        })
        .immediate(),
    );
  }

  heartbeat(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('heartbeat', signal, () => this.db.prepare('UPDATE syncers SET timestamp = ? WHERE host_info = ? AND session = ?').run(nowNs(), hostInfo, session).changes === 1);
  }

  setSyncerLeaving(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('mark syncer leaving', signal, () => this.db.prepare('UPDATE syncers SET leaving = 1 WHERE host_info = ? AND session = ?').run(hostInfo, session).changes === 1);
  }

  unregisterSyncer(hostInfo: string, session: string, signal: AbortSignal): Promise<boolean> {
    return this.run('unregister syncer', signal, () => this.db.prepare('DELETE FROM syncers WHERE host_info = ? AND session = ?').run(hostInfo, session).changes === 1);
  }

  removeDeadSyncer(hostInfo: string, timestampNs: bigint, fallbackLeaseMs: number, signal: AbortSignal): Promise<boolean> {
    return this.run(
      'remove dead syncer',
      signal,
      () =>
        this.db
          .prepare('DELETE FROM syncers WHERE host_info = ? AND timestamp = ? AND ? - timestamp > (CASE WHEN lease_ms > 0 THEN lease_ms ELSE ? END) * 1000000')
          .run(hostInfo, timestampNs, nowNs(), fallbackLeaseMs).changes === 1,
    );
  }

  ownership(signal: AbortSignal): Promise<OwnershipSnapshot> {
    return this.run('read ownership', signal, () => {
      const jobs = this.db.prepare('SELECT job_name, belong_to, epoch, parent_job FROM jobs ORDER BY job_name').safeIntegers(true).all() as Array<
        Omit<JobRow, 'job_info'>
      >;
      return {
        nowNs: nowNs(),
        syncers: this.syncers(),
        jobs: jobs.map((r) => ({ name: r.job_name, belongTo: r.belong_to ?? '', epoch: BigInt(r.epoch), parent: r.parent_job ?? undefined })),
      };
    });
  }

  getSetting(key: string, signal: AbortSignal): Promise<string | undefined> {
    return this.run('read setting', signal, () => {
      const row = this.db.prepare('SELECT value FROM settings WHERE "key" = ?').get(key) as { value: string } | undefined;
      return row?.value;
    });
  }

  setSetting(key: string, value: string, signal: AbortSignal): Promise<void> {
    return this.run('write setting', signal, () => {
      this.db.prepare('INSERT INTO settings ("key", value) VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET value = excluded.value').run(key, value);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
