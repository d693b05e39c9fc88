// One BACKUP job (backup/BackupJob.java) to the local repository __keep_on_local__:
// PENDING (per OLAP table: a BARRIER binlog whose commit seq goes into table_commit_seq_map,
// a replica chosen per tablet, the metadata copied) → SNAPSHOTING (each chosen BE snapshots
// its tablet at the partition's visible version; waits while that BE is down) →
// UPLOAD_SNAPSHOT → UPLOADING (nothing to upload for a local snapshot) → SAVE_META (meta
// and job_info serialised) → UPLOAD_INFO → FINISHED, one state per driver tick. The job
// times out after its timeout (default one day) and the finished snapshot expires with it.
import type { ClusterModel } from '../model/cluster-model.js';
import { DorisError } from '../model/errors.js';
import { timeString } from '../model/show-format.js';
import type { Clock } from '../model/state.js';
import { encodeBackupMeta, olapTableMeta, viewMeta, type BackupTableMeta } from './backup-meta.js';
import { jobInfoJson, type JobInfoTable } from './job-info.js';
import { JobStatus } from './job-status.js';
import type { SnapshotStore } from './snapshot-store.js';

export type BackupState = 'PENDING' | 'SNAPSHOTING' | 'UPLOAD_SNAPSHOT' | 'UPLOADING' | 'SAVE_META' | 'UPLOAD_INFO' | 'FINISHED' | 'CANCELLED';

/** A table (optionally some partitions) to back up. */
export interface BackupTableRef {
  name: string;
  partitions?: string[] | undefined;
}

/** A finished local snapshot as getSnapshot returns it. */
export interface LocalSnapshot {
  label: string;
  meta: Buffer;
  jobInfo: Buffer;
  /** createTime + timeout (ms). */
  expiredAt: number;
  /** The database barrier logged when the backup was submitted. */
  commitSeq: bigint;
}

export interface BackupJobDeps {
  model: ClusterModel;
  store: SnapshotStore;
  clock: Clock;
}

export interface BackupJobInit {
  jobId: bigint;
  label: string;
  dbId: bigint;
  dbName: string;
  tableRefs: BackupTableRef[];
  timeoutMs: number;
  content: 'ALL' | 'METADATA_ONLY';
  commitSeq: bigint;
}

interface SnapshotTask {
  tabletId: bigint;
  backendId: bigint;
  version: bigint;
  schemaHash: number;
  done: boolean;
  path?: string | undefined;
  files?: string[] | undefined;
}

export class BackupJob {
  readonly type = 'BACKUP' as const;
  readonly jobId: bigint;
  readonly label: string;
  readonly dbId: bigint;
  readonly dbName: string;
  readonly tableRefs: BackupTableRef[];
  readonly timeoutMs: number;
  readonly content: 'ALL' | 'METADATA_ONLY';
  readonly commitSeq: bigint;
  readonly createTime: number;
  state: BackupState = 'PENDING';
  status = JobStatus.OK;
  snapshotFinishedTime = -1;
  uploadFinishedTime = -1;
  finishedTime = -1;
  private tasks: SnapshotTask[] = [];
  private tables: BackupTableMeta[] = [];
  private jobInfoTables: { table: BackupTableMeta; tablets: Map<bigint, Map<bigint, bigint[]>> }[] = [];
  private readonly tableCommitSeqs: [bigint, bigint][] = [];
  private meta: Buffer | undefined;
  private jobInfo: Buffer | undefined;

  constructor(
    private readonly deps: BackupJobDeps,
    init: BackupJobInit,
  ) {
    this.jobId = init.jobId;
    this.label = init.label;
    this.dbId = init.dbId;
    this.dbName = init.dbName;
    this.tableRefs = init.tableRefs;
    this.timeoutMs = init.timeoutMs;
    this.content = init.content;
    this.commitSeq = init.commitSeq;
    this.createTime = deps.clock();
  }

  isDone(): boolean {
    return this.state === 'FINISHED' || this.state === 'CANCELLED';
  }

  isPending(): boolean {
    return this.state === 'PENDING';
  }

  private isState(state: BackupState): boolean {
    return this.state === state;
  }

  /** One run of the job (BackupJob.run). */
  step(): void {
    if (this.isDone()) return;
    if (this.deps.clock() - this.createTime > this.timeoutMs) {
      this.status = new JobStatus('TIMEOUT', '');
      this.cancelInternal();
      return;
    }
    switch (this.state) {
      case 'PENDING':
        this.prepare();
        break;
      case 'SNAPSHOTING':
        this.makeSnapshots();
        break;
      case 'UPLOAD_SNAPSHOT':
        this.state = 'UPLOADING';
        break;
      case 'UPLOADING':
        this.uploadFinishedTime = this.deps.clock();
        this.state = 'SAVE_META';
        break;
      case 'SAVE_META':
        this.saveMeta();
        break;
      case 'UPLOAD_INFO':
        this.finishedTime = this.deps.clock();
        this.state = 'FINISHED';
        break;
      case 'FINISHED':
      case 'CANCELLED':
        break;
    }
    // Doris retries UPLOAD_INFO until the timeout rather than cancelling a finished backup.
    if (!this.status.ok && !this.isState('UPLOAD_INFO')) this.cancelInternal();
  }

  /** CANCEL BACKUP: an error status when the job is already done. */
  cancel(): JobStatus {
    if (this.isDone()) return new JobStatus('COMMON_ERROR', `Job with label ${this.label} can not be cancelled. state: ${this.state}`);
    this.status = new JobStatus('COMMON_ERROR', 'user cancelled');
    this.cancelInternal();
    return JobStatus.OK;
  }

  /** The snapshot of a FINISHED job (empty bytes once expired, as Doris does not load them). */
  snapshot(): LocalSnapshot | undefined {
    if (this.state !== 'FINISHED' || !this.meta || !this.jobInfo) return undefined;
    const expiredAt = this.createTime + this.timeoutMs;
    const expired = this.deps.clock() >= expiredAt;
    return {
      label: this.label,
      meta: expired ? Buffer.alloc(0) : this.meta,
      jobInfo: expired ? Buffer.alloc(0) : this.jobInfo,
      expiredAt,
      commitSeq: this.commitSeq,
    };
  }

  /** Drops the BE snapshot files once the snapshot has expired. */
  releaseIfExpired(): void {
    if (this.state !== 'FINISHED' || this.deps.clock() < this.createTime + this.timeoutMs) return;
    this.releaseSnapshots();
  }

  /** The SHOW BACKUP row (BackupJob.getInfo). */
  info(): string[] {
    const unfinished = this.state === 'SNAPSHOTING' ? this.tasks.filter((t) => !t.done) : [];
    return [
      this.jobId.toString(),
      this.label,
      this.dbName,
      this.state,
      this.tableRefs.map((r) => `[${tableRefString(this.dbName, r)}]`).join(', '),
      timeString(this.createTime),
      timeString(this.snapshotFinishedTime),
      timeString(this.uploadFinishedTime),
      timeString(this.finishedTime),
      unfinished.slice(0, 100).map((t) => `[${t.tabletId}=${t.backendId}]`).join(', '),
      '',
      '',
      this.status.toString(),
      String(Math.floor(this.timeoutMs / 1000)),
    ];
  }

  private prepare(): void {
    const model = this.deps.model;
    const db = model.catalog.databaseById(this.dbId);
    if (!db) {
      this.status = new JobStatus('NOT_FOUND', `database ${this.dbId} does not exist`);
      return;
    }
    this.tasks = [];
    this.tables = [];
    this.jobInfoTables = [];
    for (const ref of this.tableRefs) {
      const table = model.catalog.table(db.name, ref.name);
      if (!table) {
        this.status = new JobStatus('NOT_FOUND', `table ${ref.name} does not exist`);
        return;
      }
      if (table.kind === 'VIEW') {
        this.tables.push(viewMeta(table));
        continue;
      }
      this.tableCommitSeqs.push([table.id, model.binlogs.logBarrier(db.id, table.id)]);
      for (const name of ref.partitions ?? []) {
        const p = [...table.partitions.values()].find((x) => x.name === name);
        if (!p || p.isTemp) {
          const what = p ? `backup tmp partition ${name} in table ${ref.name} is not supported` : `partition ${name} does not exist in table ${ref.name}`;
          this.status = new JobStatus('NOT_FOUND', what);
          return;
        }
      }
      const meta = olapTableMeta(table, ref.partitions);
      const tablets = new Map<bigint, Map<bigint, bigint[]>>();
      for (const pm of meta.partitions) {
        const partition = table.partitions.get(pm.id);
        if (!partition) continue;
        const byIndex = new Map<bigint, bigint[]>();
        tablets.set(pm.id, byIndex);
        for (const im of meta.indexes) {
          const ids = partition.tablets.get(im.id) ?? [];
          byIndex.set(im.id, ids);
          if (this.content !== 'ALL') continue;
          for (const tabletId of ids) {
            const replica = chooseReplica(model, tabletId, partition.visibleVersion);
            if (!replica) {
              this.status = new JobStatus('COMMON_ERROR', `failed to choose replica to make snapshot for tablet ${tabletId}. visible version: ${partition.visibleVersion}`);
              return;
            }
            this.tasks.push({ tabletId, backendId: replica, version: partition.visibleVersion, schemaHash: im.schemaHash, done: false });
          }
        }
      }
      this.tables.push(meta);
      this.jobInfoTables.push({ table: meta, tablets });
    }
    this.state = 'SNAPSHOTING';
  }

  private makeSnapshots(): void {
    const model = this.deps.model;
    const timeoutSec = Math.floor(this.timeoutMs / 1000);
    for (const task of this.tasks) {
      if (task.done || model.system.backend(task.backendId)?.alive !== true) continue;
      const tablet = model.storage.tablet(task.tabletId);
      if (!tablet) {
        this.status = new JobStatus('COMMON_ERROR', `tablet ${task.tabletId} not found`);
        return;
      }
      let rowsets;
      try {
        rowsets = model.storage.snapshotRowsets(task.tabletId, task.backendId, task.version);
      } catch (err) {
        // The BE reports a failed snapshot task; the FE keeps waiting (until the job times out).
        if (err instanceof DorisError) continue;
        throw err;
      }
      const made = this.deps.store.make(task.backendId, tablet, task.schemaHash, task.version, rowsets, this.deps.clock(), timeoutSec);
      task.path = made.path;
      task.files = made.files;
      task.done = true;
    }
    if (this.tasks.every((t) => t.done)) {
      this.snapshotFinishedTime = this.deps.clock();
      this.state = 'UPLOAD_SNAPSHOT';
    }
  }

  private saveMeta(): void {
    const byTablet = new Map(this.tasks.map((t) => [t.tabletId, t]));
    const tables: JobInfoTable[] = this.jobInfoTables.map(({ table, tablets }) => {
      if (table.type !== 'OLAP') throw new Error('only OLAP tables have job info entries');
      return {
        name: table.name,
        id: table.id,
        partitions: table.partitions.map((p) => ({
          name: p.name,
          id: p.id,
          version: p.version,
          indexes: table.indexes.map((i) => ({
            name: i.name,
            id: i.id,
            schemaHash: i.schemaHash,
            tablets: (tablets.get(p.id)?.get(i.id) ?? []).map((id): [bigint, string[]] => [id, byTablet.get(id)?.files ?? []]),
          })),
        })),
      };
    });
    this.meta = encodeBackupMeta({ tables: this.tables });
    this.jobInfo = Buffer.from(
      jobInfoJson({
        label: this.label,
        dbName: this.dbName,
        dbId: this.dbId,
        backupTimeMs: this.createTime,
        content: this.content,
        tables,
        views: this.tables.filter((t) => t.type === 'VIEW').map((v) => ({ id: v.id, name: v.name })),
        tabletBeMap: this.tasks.map((t) => [t.tabletId, t.backendId]),
        tabletSnapshotPathMap: this.tasks.map((t) => [t.tabletId, t.path ?? '']),
        tableCommitSeqMap: this.tableCommitSeqs,
      }),
      'utf8',
    );
    this.state = 'UPLOAD_INFO';
  }

  private releaseSnapshots(): void {
    for (const t of this.tasks) if (t.path) this.deps.store.release(t.backendId, t.path);
  }

  private cancelInternal(): void {
    this.releaseSnapshots();
    this.meta = undefined;
    this.jobInfo = undefined;
    this.finishedTime = this.deps.clock();
    this.state = 'CANCELLED';
  }
}

/** Doris picks the replica with the smallest id that has the version and no failed version. */
function chooseReplica(model: ClusterModel, tabletId: bigint, visibleVersion: bigint): bigint | undefined {
  const tablet = model.storage.tablet(tabletId);
  const replicas = [...(tablet?.replicas ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
  return replicas.find((r) => r.lastFailedVersion < 0n && r.version >= visibleVersion)?.backendId;
}

function tableRefString(db: string, ref: BackupTableRef): string {
  const parts = ref.partitions && ref.partitions.length > 0 ? ` PARTITIONS (${ref.partitions.join(', ')})` : '';
  return `\`${db}\`.\`${ref.name}\`${parts}`;
}
