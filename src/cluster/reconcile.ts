// One reconciliation pass of a cluster job: desired state = the source databases the job
// selects (system databases never), actual state = its child database jobs in the store
// (linked by jobs.parent_job, not by name). The pass creates missing children through the
// JobManager's create path (first-run checks included), recreates a child whose database
// was dropped and recreated (new id: the new child starts with a full sync), and retires
// the children of dropped databases (delete, or keep paused). It derives everything from the
// source cluster, the store and the previous status, so it is idempotent and needs no
// recovery after a restart or a change of owner.
import { CcrError, errorMessage, InvariantError } from '../errors/ccr-error.js';
import type { ClusterSyncOptions, ParentLink } from '../jobs/cluster-sync-options.js';
import { childJobName, wantsDatabase } from '../jobs/cluster-sync-options.js';
import { JobErrorCode } from '../jobs/job-errors.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { ClusterInput, ClusterSpec, CreateJobRequest, JobSpec } from '../jobs/job-spec.js';
import { decodeJobInfo } from '../jobs/job-spec.js';
import { WITHOUT_PASSWORDS } from '../jobs/password-cipher.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import { ClusterErrorCode } from './cluster-errors.js';
import type { ClusterStatus, DatabaseStatus, StatusError } from './cluster-status.js';
import type { SourceCatalog, SourceDatabase } from './source-catalog.js';

export interface ReconcileDeps {
  readonly store: MetaStore;
  readonly jobs: JobManager;
  readonly catalog: SourceCatalog;
  /** This syncer's identity: only children it owns are changed. */
  readonly identity: string;
  readonly log: Logger;
  readonly now: () => number;
}

const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 10 * 60_000;

/** Back-off before retry number `attempts + 1` of a failed child creation or pass: 5 s doubling to 10 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
}

interface Child {
  readonly name: string;
  readonly owner: string;
  readonly paused: boolean;
  /** undefined when the child's job_info cannot be read. */
  readonly link: ParentLink | undefined;
}

function statusError(err: unknown, at: number): StatusError {
  return { code: err instanceof CcrError ? err.code : 'CCR_I0000', message: errorMessage(err), at };
}

function childInput(c: ClusterSpec, database: string): ClusterInput {
  return { host: c.host, port: c.port, thriftPort: c.thriftPort, user: c.user, password: c.password, cluster: c.cluster, database, table: '', hostMapping: c.hostMapping };
}

/** The create_ccr request of a database's child: the parent's clusters and options, the database on both sides. */
export function childRequest(spec: JobSpec, options: ClusterSyncOptions, db: SourceDatabase): CreateJobRequest {
  return {
    name: childJobName(options, spec.name, db.name),
    src: childInput(spec.src, db.name),
    dest: childInput(spec.dest, db.name),
    options: spec.options,
    parent: { job: spec.name, database: db.name, dbId: db.id },
  };
}

/**
 * Runs one pass and returns the new status. A source cluster that cannot be listed gives a
 * status with lastError and a retry time (the previous per-database view is kept). Rejects
 * only when `signal` aborts. Resolves undefined, with nothing more changed, as soon as
 * `interrupted()` turns true between two databases (an operator request on this job waits).
 */
export async function reconcile(
  deps: ReconcileDeps,
  spec: JobSpec,
  previous: ClusterStatus,
  signal: AbortSignal,
  interrupted: () => boolean,
): Promise<ClusterStatus | undefined> {
  const options = spec.cluster;
  if (!options) throw new InvariantError(`job ${spec.name} is not a cluster job`);
  const log = deps.log.child({ job: spec.name });
  let source: SourceDatabase[];
  try {
    source = await deps.catalog.listDatabases(spec.src, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    const now = deps.now();
    const failures = previous.failures + 1;
    log.warn({ err: errorMessage(err), failures }, 'cannot list the source databases');
    const lastError = { code: ClusterErrorCode.SOURCE_UNAVAILABLE, message: `cannot list the source databases: ${errorMessage(err)}`, at: now };
    return { ...previous, checkedAt: now, lastError, failures, retryAt: now + retryDelayMs(failures) };
  }

  const children = (await deps.store.listChildJobs(spec.name, signal)).map((row): Child => {
    try {
      const child = decodeJobInfo(row.jobInfo, WITHOUT_PASSWORDS, row.name);
      return { name: row.name, owner: row.belongTo, paused: child.state === 'paused', link: child.parent };
    } catch {
      return { name: row.name, owner: row.belongTo, paused: false, link: undefined };
    }
  });
  const childOf = new Map(children.flatMap((c) => (c.link ? [[c.link.database, c] as const] : [])));
  const before = new Map(previous.databases.map((d) => [d.database, d]));
  const wanted = source.filter((db) => wantsDatabase(options, db.name));
  const databases: DatabaseStatus[] = [];
  const pass = new Pass(deps, spec, options, log, signal);
  for (const db of wanted) {
    if (interrupted()) return undefined;
    databases.push(await pass.database(db, childOf.get(db.name), before.get(db.name)));
  }
  const wantedNames = new Set(wanted.map((db) => db.name));
  for (const child of children) {
    if (!child.link || wantedNames.has(child.link.database)) continue;
    if (interrupted()) return undefined;
    const retired = await pass.retire(child, child.link);
    if (retired) databases.push(retired);
  }
  databases.sort((a, b) => (a.database < b.database ? -1 : a.database > b.database ? 1 : 0));
  return { checkedAt: deps.now(), lastError: undefined, failures: 0, retryAt: undefined, databases };
}

/** The per-database steps of one pass. */
class Pass {
  constructor(
    private readonly deps: ReconcileDeps,
    private readonly spec: JobSpec,
    private readonly options: ClusterSyncOptions,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  async database(db: SourceDatabase, child: Child | undefined, before: DatabaseStatus | undefined): Promise<DatabaseStatus> {
    const name = childJobName(this.options, this.spec.name, db.name);
    const base = { database: db.name, dbId: db.id, child: name, attempts: 0, lastError: undefined, nextAttemptAt: undefined };
    // Attempts and back-off carry over only while the database is the same one.
    const previous = before?.dbId === db.id && before.state === 'failed' ? before : undefined;
    const failed = (err: unknown): DatabaseStatus => {
      if (this.signal.aborted) throw err;
      const now = this.deps.now();
      const attempts = (previous?.attempts ?? 0) + 1;
      this.log.warn({ database: db.name, child: name, attempts, err: errorMessage(err) }, 'cannot create the child job; retrying later');
      return { ...base, state: 'failed', attempts, lastError: statusError(err, now), nextAttemptAt: now + retryDelayMs(attempts) };
    };

    if (child) {
      if (child.owner !== this.deps.identity) return this.elsewhere(child, db.name, db.id);
      if (child.link?.dbId === db.id) return { ...base, child: child.name, state: 'synced' };
      this.log.info({ database: db.name, child: child.name, oldDbId: child.link?.dbId, dbId: db.id }, 'source database recreated; recreating its child');
      try {
        await this.removeChild(child.name);
      } catch (err) {
        return failed(err);
      }
    }

    if (previous?.nextAttemptAt !== undefined && previous.nextAttemptAt > this.deps.now()) return previous;
    const taken = await this.deps.store.getJob(name, this.signal);
    if (taken) {
      const why =
        taken.parent === this.spec.name
          ? `job ${name} is a child of this cluster job but its job_info cannot be read; /delete it and the cluster job recreates it`
          : `job ${name} already exists and is not a child of cluster job ${this.spec.name}; delete or rename that job, or recreate the cluster job with another child_name_template`;
      return { ...base, state: 'name_conflict', lastError: { code: ClusterErrorCode.NAME_CONFLICT, message: why, at: this.deps.now() } };
    }
    try {
      if (!(await this.deps.catalog.binlogEnabled(this.spec.src, db.name, this.signal))) {
        const src = this.spec.src;
        const message = `binlog is not enabled on source database ${db.name}: run scripts/enable_db_binlog.sh -h ${src.host} -p ${src.port} -u ${src.user} -d ${db.name}; the next pass picks it up`;
        return { ...base, state: 'binlog_disabled', lastError: { code: ClusterErrorCode.BINLOG_DISABLED, message, at: this.deps.now() } };
      }
      await this.deps.jobs.create(childRequest(this.spec, this.options, db), this.signal);
    } catch (err) {
      return failed(err);
    }
    this.log.info({ database: db.name, dbId: db.id, child: name }, 'child job created');
    return { ...base, state: 'synced' };
  }

  /** A child whose database is gone from the source (or no longer selected). */
  async retire(child: Child, link: ParentLink): Promise<DatabaseStatus | undefined> {
    if (child.owner !== this.deps.identity) return this.elsewhere(child, link.database, link.dbId);
    const base = { database: link.database, dbId: link.dbId, child: child.name, attempts: 0, lastError: undefined, nextAttemptAt: undefined };
    try {
      if (this.options.onDatabaseDropped === 'delete') {
        await this.removeChild(child.name);
        this.log.info({ database: link.database, child: child.name }, 'source database dropped; child job deleted');
        return undefined;
      }
      if (!child.paused) {
        await this.deps.jobs.locate(child.name, this.signal);
        await this.deps.jobs.pause(child.name, this.signal);
        this.log.info({ database: link.database, child: child.name }, 'source database dropped; child job paused');
      }
      return { ...base, state: 'source_dropped' };
    } catch (err) {
      if (this.signal.aborted) throw err;
      this.log.warn({ database: link.database, child: child.name, err: errorMessage(err) }, 'cannot retire the child job; retrying next pass');
      return { ...base, state: 'source_dropped', lastError: statusError(err, this.deps.now()) };
    }
  }

  private elsewhere(child: Child, database: string, dbId: bigint): DatabaseStatus {
    const message = `child job ${child.name} is owned by syncer ${child.owner}; this syncer (${this.deps.identity}) does not change it`;
    return {
      database,
      dbId,
      state: 'owned_elsewhere',
      child: child.name,
      attempts: 0,
      lastError: { code: ClusterErrorCode.CHILD_ELSEWHERE, message, at: this.deps.now() },
      nextAttemptAt: undefined,
    };
  }

  /** Deletes a child owned here; a child already gone is fine. */
  private async removeChild(name: string): Promise<void> {
    try {
      await this.deps.jobs.locate(name, this.signal);
      await this.deps.jobs.remove(name, this.signal);
    } catch (err) {
      if (err instanceof CcrError && err.code === JobErrorCode.NOT_FOUND) return;
      throw err;
    }
  }
}
