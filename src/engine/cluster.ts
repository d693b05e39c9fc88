// One side (source or destination) of one job: its shared clients plus the helpers every step
// needs — authenticated FE calls with status checks, cached backends, timed SQL.
import type { BeClient } from '../doris/be-client.js';
import type { FeClient } from '../doris/fe-client.js';
import { mapHost } from '../doris/host-mapping.js';
import type { ExecResult, QueryResult, SqlCallOptions, SqlClient } from '../doris/sql-client.js';
import type { TBackend, TGetMetaDBMeta } from '../doris/types.js';
import { CcrError } from '../errors/ccr-error.js';
import type { ClusterSpec } from '../jobs/job-spec.js';
import { checkStatus } from './classify.js';
import type { ClientPool, Side } from './clients.js';
import type { EngineMetrics } from './engine-metrics.js';

const BACKENDS_TTL_MS = 30_000;

export class ClusterSide {
  private cachedBackends: { at: number; map: Map<bigint, TBackend> } | undefined;
  private readingBackends: Promise<Map<bigint, TBackend>> | undefined;

  /**
   * @param assertLease throws (a FencedError) when this syncer may no longer write for the
   *   job (src/ha/lease.ts); checked right before every statement exec() sends and by steps
   *   before their own writing RPCs. Default: no check.
   */
  constructor(
    readonly side: Side,
    private spec: ClusterSpec,
    private readonly pool: ClientPool,
    private readonly metrics: EngineMetrics,
    readonly assertLease: () => void = () => undefined,
  ) {}

  get fe(): FeClient {
    return this.pool.fe(this.spec, this.side);
  }

  get db(): string {
    return this.spec.database;
  }

  get dbId(): bigint {
    return this.spec.dbId;
  }

  get cluster(): ClusterSpec {
    return this.spec;
  }

  /** Adopts a changed spec (host mapping, resolved ids). */
  update(spec: ClusterSpec): void {
    if (spec.hostMapping !== this.spec.hostMapping) {
      this.cachedBackends = undefined;
      this.readingBackends = undefined;
    }
    this.spec = spec;
  }

  /** user/passwd as every CCR FE request carries them. */
  auth(): { user: string; passwd: string } {
    return { user: this.spec.user, passwd: this.spec.password };
  }

  /**
   * Backends by id (getBackendMeta), cached briefly; `refresh` forces a new read. Callers that
   * arrive while a read runs share it: every ingest of a pipeline asks at once after a start.
   */
  backends(signal: AbortSignal, refresh = false): Promise<Map<bigint, TBackend>> {
    if (!refresh && this.cachedBackends && Date.now() - this.cachedBackends.at < BACKENDS_TTL_MS) return Promise.resolve(this.cachedBackends.map);
    if (!this.readingBackends) {
      const reading = this.readBackends(signal).finally(() => {
        if (this.readingBackends === reading) this.readingBackends = undefined;
      });
      this.readingBackends = reading;
    }
    return this.readingBackends;
  }

  private async readBackends(signal: AbortSignal): Promise<Map<bigint, TBackend>> {
    const now = Date.now();
    const res = await this.fe.getBackendMeta({ cluster: this.spec.cluster, ...this.auth() }, signal);
    checkStatus(res.status, this.side, 'getBackendMeta');
    const map = new Map<bigint, TBackend>();
    for (const be of res.backends ?? []) if (be.id !== undefined) map.set(be.id, be);
    this.cachedBackends = { at: now, map };
    return map;
  }

  /** The Thrift client of a backend of this cluster (host mapping applied). */
  async backendClient(backendId: bigint, signal: AbortSignal): Promise<BeClient> {
    let be = (await this.backends(signal)).get(backendId);
    if (!be) be = (await this.backends(signal, true)).get(backendId);
    if (!be) {
      throw new CcrError('CCR_E0204', `backend ${backendId} of the ${this.side} cluster is unknown to its FE`, {
        category: 'meta',
        disposition: 'retry',
      });
    }
    return this.pool.backends.get({ host: mapHost(be.host, this.spec.hostMapping), port: be.be_port });
  }

  /** getMeta for some tables of the job's database (all tables when `tableIds` is empty). */
  async getMeta(tableIds: readonly bigint[], signal: AbortSignal): Promise<TGetMetaDBMeta> {
    const res = await this.fe.getMeta(
      {
        ...this.auth(),
        db: { id: this.spec.dbId, tables: tableIds.length > 0 ? tableIds.map((id) => ({ id })) : undefined },
      },
      signal,
    );
    checkStatus(res.status, this.side, 'getMeta');
    if (!res.db_meta) {
      throw new CcrError('CCR_E0205', `the ${this.side} database ${this.spec.database} (id ${this.spec.dbId}) was not found by getMeta`, {
        category: 'meta',
        disposition: 'retry',
      });
    }
    return res.db_meta;
  }

  async query(sql: string, signal: AbortSignal, options?: SqlCallOptions): Promise<QueryResult> {
    return this.timed(() => this.sqlClient().query(sql, signal, options));
  }

  /** Runs a statement that changes the cluster (DDL, BACKUP, CANCEL RESTORE, ...), under the lease check. */
  async exec(sql: string, signal: AbortSignal, options?: SqlCallOptions): Promise<ExecResult> {
    return this.timed(() => this.sqlClient().exec(sql, signal, { ...options, beforeSend: this.assertLease }));
  }

  private sqlClient(): SqlClient {
    return this.pool.sql(this.spec);
  }

  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let outcome = 'ok';
    try {
      return await fn();
    } catch (err) {
      const kind = err instanceof CcrError ? err.details?.kind : undefined;
      outcome = typeof kind === 'string' ? kind : 'error';
      throw err;
    } finally {
      this.metrics.sqlDuration.observe({ side: this.side, outcome }, (performance.now() - start) / 1000);
    }
  }
}
