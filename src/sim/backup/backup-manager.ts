// BACKUP SNAPSHOT / SHOW BACKUP / CANCEL BACKUP and the local snapshots getSnapshot serves
// (backup/BackupHandler.java). Only the local repository __keep_on_local__ exists in the
// simulator: any other repository name fails as an unknown repository does in Doris.
import type { ClusterModel } from '../model/cluster-model.js';
import { findTable, requireDb } from '../model/catalog.js';
import { ddlError, unknownTable } from '../model/errors.js';
import { allocateId, allocateJournalId } from '../model/ids.js';
import type { ShowResult } from '../model/show-format.js';
import type { Clock } from '../model/state.js';
import { BackupJob, type BackupTableRef, type LocalSnapshot } from './backup-job.js';
import type { DbJobQueues, QueuedJob } from './job-queue.js';
import { labelMatcher, type ShowNameFilter } from './show-filter.js';
import type { SnapshotStore } from './snapshot-store.js';

export const KEEP_ON_LOCAL_REPO = '__keep_on_local__';

/** AbstractBackupStmt's default timeout: one day. */
export const DEFAULT_BACKUP_TIMEOUT_MS = 86_400_000;

export const SHOW_BACKUP_COLUMNS = [
  'JobId',
  'SnapshotName',
  'DbName',
  'State',
  'BackupObjs',
  'CreateTime',
  'SnapshotFinishedTime',
  'UploadFinishedTime',
  'FinishedTime',
  'UnfinishedTasks',
  'Progress',
  'TaskErrMsg',
  'Status',
  'Timeout',
];

/** BACKUP SNAPSHOT [db.]label TO repo [ON|EXCLUDE (…)] PROPERTIES (…), as parsed. */
export interface BackupRequest {
  db: string;
  label: string;
  repo: string;
  /** ON lists what to back up, EXCLUDE what to skip; undefined = the whole database. */
  mode?: 'ON' | 'EXCLUDE' | undefined;
  tables: BackupTableRef[];
  properties: Record<string, string>;
}

export interface BackupManagerDeps {
  model: ClusterModel;
  store: SnapshotStore;
  clock: Clock;
  queues: DbJobQueues<QueuedJob>;
}

const LABEL_REGEX = /^[-_A-Za-z0-9:]{1,128}$/;

export class BackupManager {
  /** label → the backup job whose local snapshot it names (the newest wins, as in Doris). */
  private readonly snapshots = new Map<string, BackupJob>();
  private readonly jobs = new Set<BackupJob>();

  constructor(private readonly deps: BackupManagerDeps) {}

  /**
   * Submits a backup job. Throws DorisError for every check Doris makes before the job exists:
   * label format, properties, unknown repository or database, a running backup/restore in the
   * database, unknown tables or partitions, non-OLAP tables, temporary partitions.
   */
  start(req: BackupRequest): BackupJob {
    if (!LABEL_REGEX.test(req.label)) throw ddlError(`Label format error. regex: ${LABEL_REGEX.source}, label: ${req.label}`);
    const { timeoutMs, content } = analyzeProperties(req.properties);
    if (req.repo !== KEEP_ON_LOCAL_REPO) throw ddlError(`Repository ${req.repo} does not exist`);
    const model = this.deps.model;
    const db = requireDb(model.state, req.db);
    this.deps.queues.requireIdle(db.id, req.label);
    let refs: BackupTableRef[];
    if (req.mode === 'ON') {
      refs = req.tables;
    } else {
      const excluded = new Set(req.mode === 'EXCLUDE' ? req.tables.map((t) => t.name) : []);
      refs = model.catalog.tables(db.name).filter((t) => !excluded.has(t.name)).map((t) => ({ name: t.name }));
    }
    for (const ref of refs) {
      const table = findTable(db, ref.name);
      if (!table) throw unknownTable(ref.name);
      if (table.kind === 'VIEW') continue;
      if ([...table.partitions.values()].some((p) => p.isTemp)) throw ddlError(`Do not support backup table ${table.name} with temp partitions`);
      for (const name of ref.partitions ?? []) {
        if (![...table.partitions.values()].some((p) => p.name === name && !p.isTemp)) {
          throw ddlError(`Unknown partition ${name} in table${table.name}`);
        }
      }
    }
    // The database barrier: its journal id is the snapshot's commit seq (it has no binlog).
    const commitSeq = allocateJournalId(model.state);
    const job = new BackupJob(
      { model, store: this.deps.store, clock: this.deps.clock },
      { jobId: allocateId(model.state), label: req.label, dbId: db.id, dbName: db.name, tableRefs: refs, timeoutMs, content, commitSeq },
    );
    this.deps.queues.add(job);
    this.jobs.add(job);
    return job;
  }

  /** SHOW BACKUP [FROM db] [WHERE SnapshotName (=|LIKE) "x"]: the database's jobs, oldest first. */
  show(dbName: string, filter?: ShowNameFilter): ShowResult {
    const db = requireDb(this.deps.model.state, dbName);
    const match = labelMatcher(filter);
    const rows = this.deps.queues
      .jobs(db.id)
      .filter((j): j is BackupJob => j instanceof BackupJob && match(j.label))
      .map((j) => j.info());
    return { columns: [...SHOW_BACKUP_COLUMNS], rows };
  }

  /** CANCEL BACKUP FROM db: cancels the database's current job when it is a running backup. */
  cancel(dbName: string): void {
    const db = requireDb(this.deps.model.state, dbName);
    const job = this.deps.queues.current(db.id);
    if (!(job instanceof BackupJob)) throw ddlError('No backup job is currently running');
    const st = job.cancel();
    if (!st.ok) throw ddlError(`Failed to cancel job: ${st.message}`);
  }

  /** The local snapshot named `label` (BackupHandler.getSnapshot); undefined when none. */
  getSnapshot(label: string): LocalSnapshot | undefined {
    return this.snapshots.get(label)?.snapshot();
  }

  /** One driver tick: runs every unfinished backup job, registers finished snapshots. */
  step(): void {
    for (const job of this.jobs) {
      const wasDone = job.isDone();
      job.step();
      if (!wasDone && job.state === 'FINISHED') this.snapshots.set(job.label, job);
      if (job.isDone()) {
        job.releaseIfExpired();
        if (job.state === 'CANCELLED' || this.deps.clock() >= job.createTime + job.timeoutMs) this.jobs.delete(job);
      }
    }
  }
}

function analyzeProperties(props: Record<string, string>): { timeoutMs: number; content: 'ALL' | 'METADATA_ONLY' } {
  const rest = new Map(Object.entries(props).map(([k, v]) => [k.toLowerCase(), v]));
  let timeoutMs = DEFAULT_BACKUP_TIMEOUT_MS;
  const timeout = rest.get('timeout');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout.trim())) throw ddlError(`Invalid timeout format: ${timeout}`);
    timeoutMs = Number(timeout.trim()) * 1000;
    rest.delete('timeout');
  }
  const type = rest.get('type');
  if (type !== undefined) {
    const t = type.toUpperCase();
    if (t !== 'FULL' && t !== 'INCREMENTAL') throw ddlError(`Invalid backup job type: ${type}`);
    if (t === 'INCREMENTAL') throw ddlError('Currently does not support incremental backup');
    rest.delete('type');
  }
  let content: 'ALL' | 'METADATA_ONLY' = 'ALL';
  const c = rest.get('content');
  if (c !== undefined) {
    const u = c.toUpperCase();
    if (u !== 'ALL' && u !== 'METADATA_ONLY') throw ddlError(`Invalid backup job content:${c}`);
    content = u;
    rest.delete('content');
  }
  if (rest.size > 0) throw ddlError(`Unknown backup job properties: [${[...rest.keys()].join(', ')}]`);
  return { timeoutMs, content };
}
