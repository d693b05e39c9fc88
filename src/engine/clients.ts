// Clients to Doris clusters, shared by every job of the process: one FeClient and one
// SqlClient per cluster identity (FE list + user + host mapping), one BE client per backend.
// Sharing keeps connections and memory flat as jobs grow (500 idle jobs on one cluster pair
// use the same few connections).
import { createHash } from 'node:crypto';
import { BackendClientRegistry } from '../doris/be-client.js';
import { FeClient } from '../doris/fe-client.js';
import { mapHost } from '../doris/host-mapping.js';
import { SqlClient } from '../doris/sql-client.js';
import type { Logger } from '../observability/logger.js';
import type { ClusterSpec } from '../jobs/job-spec.js';
import type { EngineMetrics } from './engine-metrics.js';

export interface ClientPoolOptions {
  connectTimeoutMs: number;
  rpcTimeoutMs: number;
  commitTxnTimeoutMs: number;
  maxIngestConcurrencyPerBackend: number;
  log: Logger;
  metrics: EngineMetrics;
}

export type Side = 'source' | 'destination';

/**
 * The operator's `host` first (reachable as given), then the FEs recorded at create_ccr, as
 * the cluster reports them, through the host mapping (behind NAT those are private addresses).
 */
function addresses(spec: ClusterSpec, port: 'port' | 'thriftPort'): { host: string; port: number }[] {
  const first = { host: spec.host, port: spec[port] };
  const rest = spec.frontends
    .map((f) => ({ host: mapHost(f.host, spec.hostMapping), port: f[port] }))
    .filter((a) => a.host !== first.host || a.port !== first.port);
  return [first, ...rest];
}

const thriftAddresses = (spec: ClusterSpec) => addresses(spec, 'thriftPort');
const queryEndpoints = (spec: ClusterSpec) => addresses(spec, 'port');

function key(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class ClientPool {
  private readonly fes = new Map<string, FeClient>();
  private readonly sqls = new Map<string, SqlClient>();
  readonly backends: BackendClientRegistry;

  constructor(private readonly options: ClientPoolOptions) {
    this.backends = new BackendClientRegistry({
      maxIngestConcurrencyPerBackend: options.maxIngestConcurrencyPerBackend,
      connectTimeoutMs: options.connectTimeoutMs,
      rpcTimeoutMs: options.rpcTimeoutMs,
      observer: options.metrics.rpcObserver('backend'),
      log: options.log,
    });
  }

  /** The FE client of a cluster; the job spec's FE list and host mapping are applied. */
  fe(spec: ClusterSpec, side: Side): FeClient {
    const k = key([thriftAddresses(spec), spec.user, spec.hostMapping, side]);
    let client = this.fes.get(k);
    if (!client) {
      client = new FeClient({
        frontends: thriftAddresses(spec),
        hostMapping: spec.hostMapping,
        rpcTimeoutMs: this.options.rpcTimeoutMs,
        commitTxnTimeoutMs: this.options.commitTxnTimeoutMs,
        connectTimeoutMs: this.options.connectTimeoutMs,
        observer: this.options.metrics.rpcObserver(side),
        log: this.options.log,
      });
      this.fes.set(k, client);
    }
    return client;
  }

  /** The SQL client of a cluster (no default database; statements name theirs). */
  sql(spec: ClusterSpec): SqlClient {
    // The password is part of the identity (a job recreated with a new password gets new
    // connections); only its hash is kept in the key.
    const k = key([queryEndpoints(spec), spec.user, createHash('sha256').update(spec.password).digest('hex')]);
    let client = this.sqls.get(k);
    if (!client) {
      client = new SqlClient({
        endpoints: queryEndpoints(spec),
        user: spec.user,
        password: spec.password,
        connectTimeoutMs: this.options.connectTimeoutMs,
        log: this.options.log,
      });
      this.sqls.set(k, client);
    }
    return client;
  }

  /** Closes every client. Idempotent. */
  async close(): Promise<void> {
    const all = [...this.fes.values(), ...this.sqls.values()];
    this.fes.clear();
    this.sqls.clear();
    await Promise.allSettled([...all.map((c) => c.close()), this.backends.close()]);
  }
}
