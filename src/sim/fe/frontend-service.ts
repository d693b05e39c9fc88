// FrontendService for one simulated FE (service/FrontendServiceImpl.java, the CCR methods).
// Every call first consults the fault registry, then answers NOT_MASTER ("FE is not master",
// master_address = the master's host and rpc port, unset while no master is known) unless
// this FE is the master, then checks required fields and authentication in Doris' order and
// runs the method on the cluster model. Business errors are statuses, never exceptions.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FrontendMethod, FrontendService } from '../../doris/ports.js';
import type { ThriftCallInfo } from '../../doris/thrift/server.js';
import {
  SnapshotType,
  StatusCode,
  statusCodeName,
  type TBeginTxnRequest,
  type TBeginTxnResult,
  type TCommitTxnRequest,
  type TCommitTxnResult,
  type TGetBackendMetaRequest,
  type TGetBackendMetaResult,
  type TGetBinlogLagRequest,
  type TGetBinlogLagResult,
  type TGetBinlogRequest,
  type TGetBinlogResult,
  type TGetMasterTokenRequest,
  type TGetMasterTokenResult,
  type TGetMetaRequest,
  type TGetMetaResult,
  type TGetSnapshotRequest,
  type TGetSnapshotResult,
  type TLockBinlogRequest,
  type TLockBinlogResult,
  type TNetworkAddress,
  type TRestoreSnapshotRequest,
  type TRestoreSnapshotResult,
  type TRollbackTxnRequest,
  type TRollbackTxnResult,
  type TStatus,
} from '../../doris/types.js';
import { InvalidJobInfoError } from '../backup/restore-manager.js';
import type { SimEnv } from '../env.js';
import { DorisError } from '../model/errors.js';
import type { DatabaseState } from '../model/state.js';
import { DEFAULT_TXN_TIMEOUT_MS } from '../model/transactions.js';
import { authenticate, checkPassword, MetaNotFoundError, requireFields, userError } from './fe-auth.js';

export const NOT_MASTER_ERR_MSG = 'FE is not master';
export const PUBLISH_TIMEOUT_MSG = 'transaction commit successfully, BUT data will be visible later';
/** Doris' SNAPSHOT_EXPIRED status code (newer Status.thrift; not in our IDL copy). */
export const SNAPSHOT_EXPIRED = 75;

type AnyResult = { status?: TStatus | undefined; master_address?: TNetworkAddress | undefined };

const OK: TStatus = { status_code: StatusCode.OK };

/** A failure reported with a status of its own (restoreSnapshot's INTERNAL_ERROR, …). */
class StatusReply extends Error {
  constructor(readonly status: TStatus) {
    super(status.error_msgs?.[0] ?? '');
  }
}

export class SimFrontendService implements FrontendService {
  constructor(
    private readonly env: SimEnv,
    /** The FE this service answers for (its name in the model). */
    private readonly feName: string,
  ) {}

  private masterAddress(): TNetworkAddress | undefined {
    const m = this.env.model.system.master();
    return m ? { hostname: m.host, port: m.rpcPort } : undefined;
  }

  /** Fault check, master check, then `fn`; DorisError becomes the reply's status; then reply faults. */
  private async run<R extends AnyResult>(method: FrontendMethod, signal: AbortSignal, fn: () => R): Promise<R> {
    const injected = await this.env.faults.intercept('fe', method, this.feName, signal);
    if (injected) return { status: injected } as R;
    const me = this.env.model.state.frontends.find((f) => f.name === this.feName);
    if (!me?.isMaster || !me.alive) {
      const master = this.masterAddress();
      return { status: { status_code: StatusCode.NOT_MASTER, error_msgs: [NOT_MASTER_ERR_MSG] }, ...(master ? { master_address: master } : {}) } as R;
    }
    let result: R;
    try {
      result = fn();
    } catch (err) {
      if (err instanceof DorisError) result = { status: { status_code: err.status, error_msgs: [err.message] } } as R;
      else if (err instanceof StatusReply) result = { status: err.status } as R;
      else throw err;
    }
    await this.env.faults.interceptReply('fe', method, this.feName, signal);
    return result;
  }

  private db(name: string | undefined): DatabaseState | undefined {
    return this.env.model.catalog.database(name ?? '');
  }

  getBinlog(req: TGetBinlogRequest, signal: AbortSignal): Promise<TGetBinlogResult> {
    return this.run('getBinlog', signal, () => {
      requireFields(req, ['user', 'passwd', 'db']);
      authenticate(this.env.model, req);
      requireFields(req, ['prev_commit_seq']);
      return this.env.model.binlogs.getBinlog(req);
    });
  }

  getBinlogLag(req: TGetBinlogLagRequest, signal: AbortSignal): Promise<TGetBinlogLagResult> {
    return this.run('getBinlogLag', signal, () => {
      requireFields(req, ['user', 'passwd', 'db']);
      authenticate(this.env.model, req);
      requireFields(req, ['prev_commit_seq']);
      return this.env.model.binlogs.getBinlogLag(req);
    });
  }

  lockBinlog(req: TLockBinlogRequest, signal: AbortSignal): Promise<TLockBinlogResult> {
    return this.run('lockBinlog', signal, () => {
      requireFields(req, ['user', 'passwd', 'db']);
      authenticate(this.env.model, req);
      return this.env.model.binlogs.lockBinlog(req);
    });
  }

  getSnapshot(req: TGetSnapshotRequest, signal: AbortSignal): Promise<TGetSnapshotResult> {
    return this.run('getSnapshot', signal, () => {
      requireFields(req, ['user', 'passwd', 'db', 'label_name', 'snapshot_name', 'snapshot_type']);
      if (req.snapshot_type !== SnapshotType.LOCAL) throw userError('snapshot_type is not LOCAL');
      authenticate(this.env.model, req);
      const label = req.label_name ?? '';
      const snapshot = this.env.backups.getSnapshot(label);
      if (!snapshot) return { status: { status_code: StatusCode.SNAPSHOT_NOT_EXIST, error_msgs: [`snapshot ${label} not exist`] } };
      if (this.env.clock() >= snapshot.expiredAt) return { status: { status_code: SNAPSHOT_EXPIRED, error_msgs: [`snapshot ${label} is expired`] } };
      const compress = req.enable_compress === true;
      return {
        status: OK,
        meta: compress ? gzipSync(snapshot.meta) : snapshot.meta,
        job_info: compress ? gzipSync(snapshot.jobInfo) : snapshot.jobInfo,
        ...(compress ? { compressed: true } : {}),
        expiredAt: BigInt(snapshot.expiredAt),
        commit_seq: snapshot.commitSeq,
      };
    });
  }

  restoreSnapshot(req: TRestoreSnapshotRequest, signal: AbortSignal): Promise<TRestoreSnapshotResult> {
    return this.run('restoreSnapshot', signal, () => {
      requireFields(req, ['user', 'passwd', 'db', 'label_name', 'repo_name', 'meta', 'job_info']);
      authenticate(this.env.model, req);
      let meta = req.meta ?? Buffer.alloc(0);
      let jobInfo = req.job_info ?? Buffer.alloc(0);
      if (req.compressed) {
        try {
          meta = gunzipSync(meta);
          jobInfo = gunzipSync(jobInfo);
        } catch (err) {
          throw new StatusReply({ status_code: StatusCode.INTERNAL_ERROR, error_msgs: [`failed to decompress snapshot: ${(err as Error).message}`] });
        }
      }
      const properties: Record<string, string> = { ...(req.properties ?? {}) };
      if (req.clean_partitions) properties['clean_partitions'] = 'true';
      if (req.clean_tables) properties['clean_tables'] = 'true';
      if (req.atomic_restore) properties['atomic_restore'] = 'true';
      if (req.force_replace) properties['force_replace'] = 'true';
      const tableRefs = (req.table_refs ?? []).map((r) => ({ table: r.table ?? '', alias: r.alias_name }));
      try {
        this.env.restores.submit({
          db: req.db ?? '',
          label: req.label_name ?? '',
          repo: req.repo_name ?? '',
          tableRefs,
          properties,
          meta,
          jobInfo,
          isBeingSynced: true,
        });
      } catch (err) {
        if (err instanceof DorisError) {
          throw new StatusReply({ status_code: StatusCode.ANALYSIS_ERROR, error_msgs: [`${err.message}, stmt: ${restoreStmtSql(req, tableRefs, properties)}`] });
        }
        if (err instanceof InvalidJobInfoError) throw new StatusReply({ status_code: StatusCode.INTERNAL_ERROR, error_msgs: [err.message] });
        throw err;
      }
      return { status: OK };
    });
  }

  beginTxn(req: TBeginTxnRequest, signal: AbortSignal, call?: ThriftCallInfo): Promise<TBeginTxnResult> {
    return this.recorded('beginTxn', req, call, (r) => r.txn_id, this.run('beginTxn', signal, () => {
      requireFields(req, ['user', 'passwd', 'db', 'table_ids', 'label']);
      if (req.label === '') throw userError('empty label in begin request');
      const db = this.db(req.db);
      if (!db) throw userError(`unknown database, database=${req.db ?? ''}`);
      const tableIds = req.table_ids ?? [];
      for (const id of tableIds) if (db.tables.get(id)?.kind !== 'OLAP') throw userError(`can't find table id: ${id} in db: ${db.name}`);
      authenticate(this.env.model, req);
      const timeoutSec = req.timeout !== undefined ? Number(req.timeout) : Number(this.env.model.system.feConfig('stream_load_default_timeout_second') ?? DEFAULT_TXN_TIMEOUT_MS / 1000);
      try {
        const txn = this.env.model.txns.begin({
          dbId: db.id,
          label: req.label ?? '',
          tableIds,
          sourceType: 'BACKEND_STREAMING',
          coordinator: `BE: ${req.user_ip ?? this.env.config.host}`,
          timeoutMs: timeoutSec * 1000,
        });
        return { status: OK, txn_id: txn.id, db_id: db.id };
      } catch (err) {
        if (err instanceof DorisError && err.status === StatusCode.LABEL_ALREADY_EXISTS) {
          return { status: { status_code: err.status, error_msgs: [err.message] }, job_status: err.jobStatus };
        }
        throw err;
      }
    }));
  }

  commitTxn(req: TCommitTxnRequest, signal: AbortSignal, call?: ThriftCallInfo): Promise<TCommitTxnResult> {
    return this.recorded('commitTxn', req, call, () => req.txn_id, this.run('commitTxn', signal, () => {
      requireFields(req, ['user', 'passwd', 'db', 'txn_id', 'commit_infos']);
      const db = req.db_id !== undefined && req.db_id > 0n ? this.env.model.catalog.databaseById(req.db_id) : this.db(req.db);
      if (!db) throw new MetaNotFoundError(`db ${req.db ?? ''} does not exist`);
      const txnId = req.txn_id ?? 0n;
      const txn = this.env.model.txns.get(txnId);
      if (txn?.dbId !== db.id) throw userError(`transaction [${txnId}] not found`);
      for (const id of txn.tableIds) if (!db.tables.has(id)) throw new MetaNotFoundError(`unknown table, tableId=${id}`);
      authenticate(this.env.model, req);
      const r = this.env.model.txns.commit(db.id, txnId, req.commit_infos ?? []);
      if (!r.visible) return { status: { status_code: StatusCode.PUBLISH_TIMEOUT, error_msgs: [PUBLISH_TIMEOUT_MSG] } };
      return { status: OK };
    }));
  }

  rollbackTxn(req: TRollbackTxnRequest, signal: AbortSignal, call?: ThriftCallInfo): Promise<TRollbackTxnResult> {
    return this.recorded('rollbackTxn', req, call, () => req.txn_id, this.run('rollbackTxn', signal, () => {
      requireFields(req, ['user', 'passwd', 'db', 'txn_id']);
      const db = req.db_id !== undefined && req.db_id > 0n ? this.env.model.catalog.databaseById(req.db_id) : this.db(req.db);
      if (!db) throw new MetaNotFoundError(`db ${req.db ?? ''} does not exist`);
      const txnId = req.txn_id ?? 0n;
      if (this.env.model.txns.get(txnId)?.dbId !== db.id) throw userError(`transaction [${txnId}] not found`);
      authenticate(this.env.model, req);
      this.env.model.txns.abort(db.id, txnId, req.reason ?? 'system cancel');
      return { status: OK };
    }));
  }

  /** Adds a transaction call and its outcome to the debug record (env.txnCalls); answers as `result` does. */
  private async recorded<R extends AnyResult>(
    method: 'beginTxn' | 'commitTxn' | 'rollbackTxn',
    req: { db?: string | undefined; label?: string | undefined },
    call: ThriftCallInfo | undefined,
    txnOf: (result: R) => bigint | undefined,
    result: Promise<R>,
  ): Promise<R> {
    const entry = { method, label: req.label ?? '', db: req.db ?? '', peer: call?.peer ?? '', fe: this.feName, atMs: this.env.clock() };
    try {
      const r = await result;
      const code = r.status?.status_code ?? StatusCode.OK;
      const txnId = txnOf(r);
      const label = entry.label || (txnId === undefined ? '' : (this.env.model.txns.get(txnId)?.label ?? ''));
      this.env.txnCalls.record({ ...entry, label, txnId: txnId?.toString() ?? '', outcome: code === StatusCode.OK ? 'OK' : statusCodeName(code) });
      return r;
    } catch (err) {
      this.env.txnCalls.record({ ...entry, txnId: '', outcome: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  getMasterToken(req: TGetMasterTokenRequest, signal: AbortSignal): Promise<TGetMasterTokenResult> {
    return this.run('getMasterToken', signal, () => {
      checkPassword(this.env.model, req.user ?? '', req.password ?? '', undefined, StatusCode.NOT_AUTHORIZED);
      return { status: OK, token: this.env.model.system.token() };
    });
  }

  getMeta(req: TGetMetaRequest, signal: AbortSignal): Promise<TGetMetaResult> {
    return this.run('getMeta', signal, () => {
      requireFields(req, ['user', 'passwd', 'db']);
      authenticate(this.env.model, req);
      // FE-IMPL quirk: with a token the database is not looked up and the reply has no db_meta.
      if (req.token !== undefined && req.token !== '') return { status: OK };
      return this.env.model.meta.getMeta(req.db);
    });
  }

  getBackendMeta(req: TGetBackendMetaRequest, signal: AbortSignal): Promise<TGetBackendMetaResult> {
    return this.run('getBackendMeta', signal, () => {
      requireFields(req, ['user', 'passwd']);
      authenticate(this.env.model, req);
      return this.env.model.meta.getBackendMeta();
    });
  }
}

/** RestoreStmt.toSql() as the error message quotes it. */
function restoreStmtSql(req: TRestoreSnapshotRequest, refs: { table: string; alias?: string | undefined }[], props: Record<string, string>): string {
  const on = refs.length > 0 ? ` ON ( ${refs.map((r) => `\`${r.table}\`${r.alias ? ` AS \`${r.alias}\`` : ''}`).join(', ')} )` : '';
  const p = Object.entries(props).map(([k, v]) => `"${k}" = "${v}"`);
  return `RESTORE SNAPSHOT \`${req.db ?? ''}\`.\`${req.label_name ?? ''}\` FROM \`${req.repo_name ?? ''}\`${on} PROPERTIES (${p.join(', ')})`;
}
