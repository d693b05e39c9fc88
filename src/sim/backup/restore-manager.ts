// Restore submission (BackupHandler.process/restore for a local snapshot, RestoreStmt's
// property analysis), SHOW [BRIEF] RESTORE and CANCEL RESTORE. Restores only come from the
// restoreSnapshot RPC with the snapshot's meta and job_info; RESTORE over SQL fails as it does
// in Doris for the local repository (and no other repository exists).
import type { Logger } from '../../observability/logger.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { requireDb } from '../model/catalog.js';
import { ddlError } from '../model/errors.js';
import { allocateId } from '../model/ids.js';
import type { ShowResult } from '../model/show-format.js';
import type { Clock } from '../model/state.js';
import { decodeBackupMeta, type BackupMetaDoc } from './backup-meta.js';
import { KEEP_ON_LOCAL_REPO } from './backup-manager.js';
import { parseJobInfo, type ParsedJobInfo } from './job-info.js';
import type { DbJobQueues, QueuedJob } from './job-queue.js';
import { RestoreJob, type SnapshotFetcher } from './restore-job.js';
import { labelMatcher, type ShowNameFilter } from './show-filter.js';

export const SHOW_RESTORE_COLUMNS = [
  'JobId',
  'Label',
  'Timestamp',
  'DbName',
  'State',
  'AllowLoad',
  'ReplicationNum',
  'ReplicaAllocation',
  'ReserveReplica',
  'ReserveDynamicPartitionEnable',
  'RestoreObjs',
  'CreateTime',
  'MetaPreparedTime',
  'SnapshotFinishedTime',
  'DownloadFinishedTime',
  'FinishedTime',
  'UnfinishedTasks',
  'Progress',
  'TaskErrMsg',
  'Status',
  'Timeout',
];

const BRIEF_HIDDEN = new Set(['RestoreObjs', 'UnfinishedTasks', 'Progress', 'TaskErrMsg']);
export const SHOW_BRIEF_RESTORE_COLUMNS = SHOW_RESTORE_COLUMNS.filter((c) => !BRIEF_HIDDEN.has(c));

/** A restore of a local snapshot, as restoreSnapshot builds it. */
export interface RestoreRequest {
  db: string;
  label: string;
  repo: string;
  /** Objects to restore (default: everything in the snapshot), optionally under another name. */
  tableRefs: { table: string; alias?: string | undefined }[];
  /** RestoreStmt properties; restoreSnapshot adds clean_tables / clean_partitions /
   *  atomic_restore / force_replace = "true" from its flags. */
  properties: Record<string, string>;
  meta: Buffer;
  jobInfo: Buffer;
  /** restoreSnapshot marks its restores as being synced (restored tables get is_being_synced). */
  isBeingSynced: boolean;
}

/** A job_info that is not valid JSON (Gson's JsonSyntaxException, an INTERNAL_ERROR). */
export class InvalidJobInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobInfoError';
  }
}

export interface RestoreManagerDeps {
  model: ClusterModel;
  clock: Clock;
  queues: DbJobQueues<QueuedJob>;
  fetch: SnapshotFetcher;
  log?: Logger | undefined;
}

const DEFAULT_RESTORE_TIMEOUT_MS = 86_400_000;

interface RestoreProps {
  allowLoad: boolean;
  replicationNum: number;
  reserveReplica: boolean;
  reserveDynamicPartitionEnable: boolean;
  timeoutMs: number;
  cleanTables: boolean;
  cleanPartitions: boolean;
  atomicRestore: boolean;
  forceReplace: boolean;
}

export class RestoreManager {
  private readonly jobs = new Set<RestoreJob>();

  constructor(private readonly deps: RestoreManagerDeps) {}

  /**
   * Submits a restore. Throws DorisError for Doris' checks (properties, repository, database,
   * a running job, extra_info, objects not in the snapshot, unreadable meta) and
   * InvalidJobInfoError when job_info is not JSON. The job then runs on driver ticks.
   */
  submit(req: RestoreRequest): RestoreJob {
    const props = analyzeProperties(req.properties, this.deps.model.state.defaultReplicationNum);
    if (req.repo !== KEEP_ON_LOCAL_REPO) throw ddlError(`Repository ${req.repo} does not exist`);
    const model = this.deps.model;
    const db = requireDb(model.state, req.db);
    this.deps.queues.requireIdle(db.id, req.label);
    let info: ParsedJobInfo;
    try {
      info = parseJobInfo(req.jobInfo.toString('utf8'));
    } catch (err) {
      throw new InvalidJobInfoError(`invalid job info: ${(err as Error).message}`);
    }
    if (!info.extraInfo) throw ddlError('Invalid job extra info empty');
    if (!info.extraInfo.beNetworkMap) throw ddlError('Invalid job extra info be network map');
    if (!info.extraInfo.token) throw ddlError('Invalid job extra info token');
    const aliases = filterObjects(info, req.tableRefs);
    let meta: BackupMetaDoc;
    try {
      meta = decodeBackupMeta(req.meta);
    } catch {
      throw ddlError('read backup meta failed');
    }
    const job = new RestoreJob(
      { model, clock: this.deps.clock, fetch: this.deps.fetch, log: this.deps.log },
      {
        jobId: allocateId(model.state),
        label: req.label,
        dbId: db.id,
        dbName: db.name,
        info,
        meta,
        aliases,
        isBeingSynced: req.isBeingSynced,
        ...props,
      },
    );
    this.deps.queues.add(job);
    this.jobs.add(job);
    return job;
  }

  /** RESTORE SNAPSHOT over SQL: the local repository only accepts the RPC; nothing else exists. */
  restoreStatement(repo: string): never {
    if (repo === KEEP_ON_LOCAL_REPO) throw ddlError('restore from the local repo via SQL call is not supported');
    throw ddlError(`Repository ${repo} does not exist`);
  }

  /** SHOW [BRIEF] RESTORE [FROM db] [WHERE Label (=|LIKE) "x"]: the database's restores, oldest first. */
  show(dbName: string, filter?: ShowNameFilter, brief = false): ShowResult {
    const db = requireDb(this.deps.model.state, dbName);
    const match = labelMatcher(filter);
    const rows = this.deps.queues
      .jobs(db.id)
      .filter((j): j is RestoreJob => j instanceof RestoreJob && match(j.label))
      .map((j) => j.info(brief));
    return { columns: brief ? [...SHOW_BRIEF_RESTORE_COLUMNS] : [...SHOW_RESTORE_COLUMNS], rows };
  }

  /** CANCEL RESTORE FROM db: cancels the database's current job when it is a running restore. */
  cancel(dbName: string): void {
    const db = requireDb(this.deps.model.state, dbName);
    const job = this.deps.queues.current(db.id);
    // Doris' message really is "No restore is currently running" (no "job").
    if (!(job instanceof RestoreJob)) throw ddlError('No restore is currently running');
    const st = job.cancel();
    if (!st.ok) throw ddlError(`Failed to cancel job: ${st.message}`);
  }

  /** One driver tick: runs every unfinished restore job. */
  step(): void {
    for (const job of this.jobs) {
      job.step();
      if (job.isDone()) this.jobs.delete(job);
    }
  }

  /** Resolves when no restore has a download in flight. */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs].map((j) => j.idle()));
  }
}

/** checkAndFilterRestoreObjsExistInSnapshot: keep the listed objects, record aliases. */
function filterObjects(info: ParsedJobInfo, refs: RestoreRequest['tableRefs']): Map<string, string> {
  const aliases = new Map<string, string>();
  if (refs.length === 0) return aliases;
  const tables = new Set<string>();
  const views = new Set<string>();
  for (const ref of refs) {
    if (info.tables.has(ref.table)) tables.add(ref.table);
    else if (info.views.some((v) => v.name === ref.table)) views.add(ref.table);
    else throw ddlError(`Table ${ref.table} does not exist in snapshot ${info.name}`);
    if (ref.alias !== undefined && ref.alias !== '' && ref.alias !== ref.table) aliases.set(ref.table, ref.alias);
  }
  for (const name of [...info.tables.keys()]) if (!tables.has(name)) info.tables.delete(name);
  info.views = info.views.filter((v) => views.has(v.name));
  return aliases;
}

function parseBool(props: Map<string, string>, key: string, dflt: boolean): boolean {
  const v = props.get(key);
  props.delete(key);
  if (v === undefined) return dflt;
  if (v.toLowerCase() === 'true') return true;
  if (v.toLowerCase() === 'false') return false;
  throw ddlError(`Invalid ${key} value: ${v}`);
}

/** RestoreStmt.analyzeProperties for the keys a local restore uses. */
function analyzeProperties(input: Record<string, string>, defaultReplicationNum: number): RestoreProps {
  const props = new Map(Object.entries(input).map(([k, v]) => [k.toLowerCase(), v]));
  let replicationNum = defaultReplicationNum;
  const alloc = props.get('replication_allocation');
  const num = props.get('replication_num');
  if (alloc !== undefined) {
    const m = /tag\.location\.[\w-]+\s*:\s*(\d+)/.exec(alloc);
    if (!m) throw ddlError(`Invalid replication allocation property: ${alloc}`);
    replicationNum = Number(m[1]);
  } else if (num !== undefined) {
    const n = Number(num);
    if (!Number.isInteger(n) || n <= 0) throw ddlError('Replication num should larger than 0. (suggested 3)');
    replicationNum = n;
  }
  props.delete('replication_allocation');
  props.delete('replication_num');
  let timeoutMs = DEFAULT_RESTORE_TIMEOUT_MS;
  const timeout = props.get('timeout');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout.trim())) throw ddlError(`Invalid timeout format: ${timeout}`);
    timeoutMs = Number(timeout.trim()) * 1000;
    props.delete('timeout');
  }
  const out: RestoreProps = {
    allowLoad: parseBool(props, 'allow_load', false),
    replicationNum,
    reserveReplica: parseBool(props, 'reserve_replica', false),
    reserveDynamicPartitionEnable: parseBool(props, 'reserve_dynamic_partition_enable', false),
    timeoutMs,
    cleanTables: parseBool(props, 'clean_tables', false),
    cleanPartitions: parseBool(props, 'clean_partitions', false),
    atomicRestore: parseBool(props, 'atomic_restore', false),
    forceReplace: parseBool(props, 'force_replace', false),
  };
  parseBool(props, 'is_being_synced', false);
  parseBool(props, 'reserve_colocate', false);
  for (const k of ['backup_timestamp', 'meta_version', 'storage_vault_name']) props.delete(k);
  if (props.size > 0) throw ddlError(`Unknown restore job properties: [${[...props.keys()].join(', ')}]`);
  return out;
}
