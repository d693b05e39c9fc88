// One RESTORE job from a local snapshot (backup/RestoreJob.java): PENDING (check and prepare
// the catalog, see restore-plan.ts) → SNAPSHOTING → DOWNLOAD (each local replica's BE starts
// downloading its tablet's snapshot from the source BE named in extra_info.be_network_map,
// over HTTP with the source cluster's token) → DOWNLOADING (until every download ends) →
// COMMIT (the downloaded rowsets replace the replicas' data at the backed-up versions) →
// COMMITTING → FINISHED (shadow tables swapped in, is_being_synced set, clean_tables /
// clean_partitions applied). Any failure cancels the job with a Status message and discards
// what it created.
import type { Logger } from '../../observability/logger.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { DorisError } from '../model/errors.js';
import { timeString } from '../model/show-format.js';
import type { Clock, OlapTableState } from '../model/state.js';
import type { RowsetData } from '../model/storage-service.js';
import type { BackupMetaDoc } from './backup-meta.js';
import type { ParsedJobInfo } from './job-info.js';
import { hyphenTime, JobStatus } from './job-status.js';
import { planRestore, prepareRestore, RestoreCheckError, type RestoreOptions, type RestorePlan, type TabletDownload } from './restore-plan.js';

export type RestoreState = 'PENDING' | 'SNAPSHOTING' | 'DOWNLOAD' | 'DOWNLOADING' | 'COMMIT' | 'COMMITTING' | 'FINISHED' | 'CANCELLED';

/** Downloads one tablet snapshot from a remote BE on behalf of the local BE `localBackendId`. */
export type SnapshotFetcher = (
  req: { localBackendId: bigint; host: string; port: number; token: string; path: string },
  signal: AbortSignal,
) => Promise<RowsetData[]>;

export interface RestoreJobDeps {
  model: ClusterModel;
  clock: Clock;
  fetch: SnapshotFetcher;
  log?: Logger | undefined;
}

export interface RestoreJobInit extends RestoreOptions {
  jobId: bigint;
  label: string;
  dbId: bigint;
  dbName: string;
  info: ParsedJobInfo;
  meta: BackupMetaDoc;
  timeoutMs: number;
  allowLoad: boolean;
  cleanTables: boolean;
  cleanPartitions: boolean;
}

/** Concurrent snapshot downloads per restore job. */
const DOWNLOAD_CONCURRENCY = 16;

export class RestoreJob {
  readonly type = 'RESTORE' as const;
  readonly jobId: bigint;
  readonly label: string;
  readonly dbId: bigint;
  readonly dbName: string;
  readonly createTime: number;
  state: RestoreState = 'PENDING';
  status = JobStatus.OK;
  metaPreparedTime = -1;
  snapshotFinishedTime = -1;
  downloadFinishedTime = -1;
  finishedTime = -1;
  private plan: RestorePlan | undefined;
  private readonly controller = new AbortController();
  private downloads: Promise<void> | undefined;
  private downloadsSettled = false;
  private downloadError: string | undefined;
  private downloaded = 0;
  private readonly results = new Map<TabletDownload, RowsetData[]>();

  constructor(
    private readonly deps: RestoreJobDeps,
    private readonly init: RestoreJobInit,
  ) {
    this.jobId = init.jobId;
    this.label = init.label;
    this.dbId = init.dbId;
    this.dbName = init.dbName;
    this.createTime = deps.clock();
  }

  isDone(): boolean {
    return this.state === 'FINISHED' || this.state === 'CANCELLED';
  }

  isPending(): boolean {
    return this.state === 'PENDING';
  }

  /** Resolves once no download of this job is in flight. */
  async idle(): Promise<void> {
    await this.downloads;
  }

  /** One run of the job (RestoreJob.run). */
  step(): void {
    if (this.isDone()) return;
    if (this.deps.clock() - this.createTime > this.init.timeoutMs) {
      this.status = new JobStatus('TIMEOUT', `restore job with label: ${this.label}  timeout.`);
      this.cancelInternal();
      return;
    }
    try {
      switch (this.state) {
        case 'PENDING':
          this.checkAndPrepareMeta();
          break;
        case 'SNAPSHOTING':
          this.snapshotFinishedTime = this.deps.clock();
          this.state = 'DOWNLOAD';
          break;
        case 'DOWNLOAD':
          this.startDownloads();
          break;
        case 'DOWNLOADING':
          this.waitDownloads();
          break;
        case 'COMMIT':
          this.commit();
          break;
        case 'COMMITTING':
          this.finish();
          break;
        case 'FINISHED':
        case 'CANCELLED':
          break;
      }
    } catch (err) {
      if (!(err instanceof RestoreCheckError) && !(err instanceof DorisError)) throw err;
      this.status = new JobStatus('COMMON_ERROR', err instanceof DorisError ? err.detail : err.message);
    }
    if (!this.status.ok) this.cancelInternal();
  }

  /** CANCEL RESTORE: an error status when the job is already done. */
  cancel(): JobStatus {
    if (this.isDone()) return new JobStatus('COMMON_ERROR', `Job with label ${this.label} can not be cancelled. state: ${this.state}`);
    this.status = new JobStatus('COMMON_ERROR', 'user cancelled');
    this.cancelInternal();
    return JobStatus.OK;
  }

  /** The SHOW RESTORE row (RestoreJob.getInfo); `brief` drops the four verbose columns. */
  info(brief: boolean): string[] {
    const replicas = String(this.init.replicationNum);
    const unfinished = this.state === 'DOWNLOADING' ? `${this.plan ? this.plan.downloads.length - this.downloaded : 0} download tasks` : '';
    const progress = this.state === 'DOWNLOADING' && this.plan ? `[${this.downloaded}/${this.plan.downloads.length}]` : '';
    const row = [
      this.jobId.toString(),
      this.label,
      hyphenTime(this.init.info.backupTimeMs),
      this.dbName,
      this.state,
      String(this.init.allowLoad),
      replicas,
      `tag.location.default: ${replicas}`,
      String(this.init.reserveReplica),
      String(this.init.reserveDynamicPartitionEnable),
    ];
    if (!brief) row.push(this.restoreObjs());
    row.push(
      timeString(this.createTime),
      timeString(this.metaPreparedTime),
      timeString(this.snapshotFinishedTime),
      timeString(this.downloadFinishedTime),
      timeString(this.finishedTime),
    );
    if (!brief) row.push(unfinished, progress, '');
    row.push(this.status.toString(), String(Math.floor(this.init.timeoutMs / 1000)));
    return row;
  }

  private restoreObjs(): string {
    const info = this.init.info;
    return JSON.stringify(
      {
        name: info.name,
        database: info.database,
        backup_time: info.backupTimeMs,
        content: 'ALL',
        olap_table_list: [...info.tables].map(([name, t]) => ({ name, partition_names: [...t.partitions.keys()] })),
        view_list: info.views.map((v) => ({ id: Number(v.id), name: v.name })),
        odbc_table_list: [],
        odbc_resource_list: [],
      },
      null,
      2,
    );
  }

  private checkAndPrepareMeta(): void {
    const model = this.deps.model;
    if (!model.catalog.databaseById(this.dbId)) throw new RestoreCheckError(`database ${this.dbId} does not exist`);
    const plan = planRestore(model, this.dbName, this.init.info, this.init.meta, this.init);
    this.plan = plan;
    prepareRestore(model, this.dbName, this.init.info, this.init.meta, this.init, plan);
    this.metaPreparedTime = this.deps.clock();
    this.state = 'SNAPSHOTING';
  }

  private startDownloads(): void {
    const plan = this.plan;
    if (!plan) throw new RestoreCheckError('restore job has no plan');
    const extra = this.init.info.extraInfo;
    const token = extra?.token ?? '';
    const jobs: (() => Promise<void>)[] = [];
    for (const d of plan.downloads) {
      if (this.deps.model.system.backend(d.localBackendId)?.alive !== true) {
        throw new RestoreCheckError(`backend ${d.localBackendId} is not alive`);
      }
      const addr = extra?.beNetworkMap?.get(d.remoteBackendId);
      if (!addr) throw new RestoreCheckError(`failed to get remote be address of backend ${d.remoteBackendId} from job extra info`);
      jobs.push(async () => {
        const data = await this.deps.fetch(
          { localBackendId: d.localBackendId, host: addr.ip, port: addr.port, token, path: d.remotePath },
          this.controller.signal,
        );
        this.results.set(d, data);
        this.downloaded += 1;
      });
    }
    this.downloadsSettled = false;
    this.downloads = runLimited(jobs, DOWNLOAD_CONCURRENCY, this.controller.signal).then(
      () => {
        this.downloadsSettled = true;
      },
      (err: unknown) => {
        this.downloadError = err instanceof Error ? err.message : String(err);
        this.downloadsSettled = true;
      },
    );
    this.state = 'DOWNLOADING';
  }

  private waitDownloads(): void {
    if (!this.downloadsSettled) return;
    if (this.downloadError !== undefined) throw new RestoreCheckError(`download snapshot failed: ${this.downloadError}`);
    this.downloadFinishedTime = this.deps.clock();
    this.state = 'COMMIT';
  }

  private commit(): void {
    const model = this.deps.model;
    const plan = this.plan;
    if (!plan) throw new RestoreCheckError('restore job has no plan');
    for (const [d, data] of this.results) {
      const rows = d.uidMap ? data.map((rs) => ({ ...rs, columnUids: rs.columnUids.map((u) => d.uidMap?.get(u) ?? u) })) : data;
      model.storage.installRowsets(d.localTabletId, d.localBackendId, rows, d.version);
    }
    this.results.clear();
    for (const t of plan.tables) {
      const table = model.catalog.table(this.dbName, t.workName);
      if (table?.kind !== 'OLAP') continue;
      for (const [pid, version] of t.partitionVersions) {
        const p = table.partitions.get(pid);
        if (p) model.restore.setPartitionVersion(p, version);
      }
    }
    this.state = 'COMMITTING';
  }

  private finish(): void {
    const model = this.deps.model;
    const plan = this.plan;
    if (!plan) throw new RestoreCheckError('restore job has no plan');
    const restoredNames = new Set<string>();
    for (const t of plan.tables) {
      const table: OlapTableState | undefined =
        t.mode === 'replace' ? model.restore.replaceTable(this.dbName, t.name, t.workName) : asOlap(model.catalog.table(this.dbName, t.name));
      if (table && this.init.isBeingSynced) model.restore.setBeingSynced(table, true);
      restoredNames.add(t.name);
      if (this.init.cleanPartitions && table && t.mode === 'in-place') {
        for (const p of [...table.partitions.values()]) {
          if (!p.isTemp && !t.backedUpPartitions.includes(p.name)) model.ddl.dropPartition(this.dbName, table.name, p.name, { force: true });
        }
      }
    }
    if (this.init.cleanTables) {
      for (const n of this.init.info.tables.keys()) restoredNames.add(this.init.aliases.get(n) ?? n);
      for (const v of this.init.info.views) restoredNames.add(this.init.aliases.get(v.name) ?? v.name);
      for (const table of model.catalog.tables(this.dbName)) {
        if (restoredNames.has(table.name)) continue;
        if (table.kind === 'VIEW') model.ddl.dropView(this.dbName, table.name);
        else model.ddl.dropTable(this.dbName, table.name, { force: true });
      }
    }
    this.finishedTime = this.deps.clock();
    this.state = 'FINISHED';
  }

  private cancelInternal(): void {
    this.controller.abort(new Error('restore job cancelled'));
    const model = this.deps.model;
    const plan = this.plan;
    if (plan && this.state !== 'COMMITTING') {
      for (const t of plan.tables) {
        if (t.mode === 'create' || t.mode === 'replace') model.restore.discardTable(this.dbName, t.workName);
        const table = asOlap(model.catalog.table(this.dbName, t.name));
        if (t.mode === 'in-place' && table) for (const pid of t.addedPartitions) model.restore.discardPartition(table, pid);
      }
      for (const v of plan.views) model.restore.discardTable(this.dbName, v);
    }
    this.results.clear();
    this.finishedTime = this.deps.clock();
    this.state = 'CANCELLED';
    this.deps.log?.info({ label: this.label, status: this.status.toString() }, 'restore job cancelled');
  }
}

function asOlap(t: ReturnType<ClusterModel['catalog']['table']>): OlapTableState | undefined {
  return t?.kind === 'OLAP' ? t : undefined;
}

/** Runs `jobs` with at most `limit` in flight; rejects with the first failure (and stops starting new ones). */
async function runLimited(jobs: (() => Promise<void>)[], limit: number, signal: AbortSignal): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && !signal.aborted && next < jobs.length) {
      const job = jobs[next++] as () => Promise<void>;
      try {
        await job();
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, () => worker()));
  if (failed instanceof Error) throw failed;
  if (failed !== undefined) throw new Error('download failed');
  if (signal.aborted) throw new Error('restore job cancelled');
}
