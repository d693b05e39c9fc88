// The FrontendService port over Thrift for one Doris cluster: a connection pool per known FE,
// the current master, and Doris' master redirection (PROTOCOL.md §1.4):
// - a reply with status NOT_MASTER and a master_address → call that address (the master's
//   rpc port, through the host mapping) and remember it as the master;
// - NOT_MASTER without master_address (unknown master, old FE) → try the next known FE;
// - a connection-level failure (refused, unreachable, connect timeout, reset) → try the next
//   known FE.
// Each address is tried at most once per call. Any other status is returned to the caller.
import type { Logger } from '../observability/logger.js';
import { mapHost, type HostMapping } from './host-mapping.js';
import type { FrontendMethod, FrontendService } from './ports.js';
import { ThriftClient, formatAddress, type CallOptions, type RpcObserver, type ThriftAddress } from './thrift/client.js';
import { FRONTEND_CODECS, type MethodCodec } from './thrift/codec.js';
import { RpcError } from './thrift/rpc-error.js';
import { StatusCode, statusCodeName, type TNetworkAddress, type TStatus } from './types.js';

export interface FeClientOptions {
  /** Known FEs (host + rpc port). The first is the initial master guess (the job spec's host:thrift_port). */
  frontends: readonly ThriftAddress[];
  /** Applied to master_address redirects. */
  hostMapping?: HostMapping | undefined;
  /** Default false (FE thrift_server_type THREAD_POOL). */
  framed?: boolean;
  /** Per-call deadline for every method but commitTxn. Default 30 s (Go rpc_timeout). */
  rpcTimeoutMs?: number;
  /** Per-call deadline for commitTxn. Default 33 s (Go commit_txn_timeout). */
  commitTxnTimeoutMs?: number;
  /** Default 10 s (Go connect_timeout). */
  connectTimeoutMs?: number;
  /** Connections per FE. Default 8. */
  maxConnectionsPerFrontend?: number;
  idleTimeoutMs?: number;
  maxMessageBytes?: number;
  observer?: RpcObserver | undefined;
  log?: Logger | undefined;
}

interface Target {
  host: string;
  port: number;
  key: string;
}

/** Per-call options of the methods that change the destination. */
export type GuardOptions = Pick<CallOptions, 'beforeSend'>;

type FeReq<M extends FrontendMethod> = Parameters<FrontendService[M]>[0];
type FeRes<M extends FrontendMethod> = Awaited<ReturnType<FrontendService[M]>>;
type AnyResult = { status?: TStatus | undefined; master_address?: TNetworkAddress | undefined };

function target(address: ThriftAddress): Target {
  return { host: address.host, port: address.port, key: formatAddress(address) };
}

export class FeClient implements FrontendService {
  private known: Target[];
  private master: Target;
  private hostMapping: HostMapping | undefined;
  private readonly pools = new Map<string, ThriftClient>();
  private readonly rpcTimeoutMs: number;
  private readonly commitTxnTimeoutMs: number;
  private readonly log: Logger | undefined;
  private closed = false;

  constructor(private readonly options: FeClientOptions) {
    this.known = dedupe(options.frontends.map(target));
    const first = this.known[0];
    if (!first) throw new RangeError('FeClient needs at least one frontend address');
    this.master = first;
    this.hostMapping = options.hostMapping;
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? 30_000;
    this.commitTxnTimeoutMs = options.commitTxnTimeoutMs ?? 33_000;
    this.log = options.log?.child({ component: 'fe-client' });
  }

  /** `host:port` of the FE calls go to first (the last FE that answered as master). */
  get masterAddress(): string {
    return this.master.key;
  }

  /** The known FEs, as `host:port`. */
  get frontends(): string[] {
    return this.known.map((t) => t.key);
  }

  /**
   * Replaces the known FE list (for example from `frontends()` on the cluster). The master is
   * kept when it is still listed, else the first listed FE becomes the first to try. Pools of
   * FEs no longer listed close once their running calls end.
   */
  setFrontends(frontends: readonly ThriftAddress[]): void {
    const next = dedupe(frontends.map(target));
    const first = next[0];
    if (!first) throw new RangeError('FeClient needs at least one frontend address');
    this.known = next;
    if (!next.some((t) => t.key === this.master.key)) this.master = first;
    for (const [key, pool] of this.pools) {
      if (key !== this.master.key && !next.some((t) => t.key === key)) {
        this.pools.delete(key);
        void pool.close();
      }
    }
  }

  /** Replaces the private → public mapping applied to master redirects. */
  setHostMapping(mapping: HostMapping | undefined): void {
    this.hostMapping = mapping;
  }

  getBinlog(req: FeReq<'getBinlog'>, signal: AbortSignal): Promise<FeRes<'getBinlog'>> {
    return this.call(FRONTEND_CODECS.getBinlog, req, signal);
  }
  getBinlogLag(req: FeReq<'getBinlogLag'>, signal: AbortSignal): Promise<FeRes<'getBinlogLag'>> {
    return this.call(FRONTEND_CODECS.getBinlogLag, req, signal);
  }
  lockBinlog(req: FeReq<'lockBinlog'>, signal: AbortSignal): Promise<FeRes<'lockBinlog'>> {
    return this.call(FRONTEND_CODECS.lockBinlog, req, signal);
  }
  getSnapshot(req: FeReq<'getSnapshot'>, signal: AbortSignal): Promise<FeRes<'getSnapshot'>> {
    return this.call(FRONTEND_CODECS.getSnapshot, req, signal);
  }
  /** `options.beforeSend`: see {@link CallOptions} (checked before each FE tried). */
  restoreSnapshot(req: FeReq<'restoreSnapshot'>, signal: AbortSignal, options?: GuardOptions): Promise<FeRes<'restoreSnapshot'>> {
    return this.call(FRONTEND_CODECS.restoreSnapshot, req, signal, this.rpcTimeoutMs, options?.beforeSend);
  }
  /** `options.beforeSend`: see {@link CallOptions} (checked before each FE tried). */
  beginTxn(req: FeReq<'beginTxn'>, signal: AbortSignal, options?: GuardOptions): Promise<FeRes<'beginTxn'>> {
    return this.call(FRONTEND_CODECS.beginTxn, req, signal, this.rpcTimeoutMs, options?.beforeSend);
  }
  /** `options.beforeSend`: see {@link CallOptions} (checked before each FE tried). */
  commitTxn(req: FeReq<'commitTxn'>, signal: AbortSignal, options?: GuardOptions): Promise<FeRes<'commitTxn'>> {
    return this.call(FRONTEND_CODECS.commitTxn, req, signal, this.commitTxnTimeoutMs, options?.beforeSend);
  }
  rollbackTxn(req: FeReq<'rollbackTxn'>, signal: AbortSignal): Promise<FeRes<'rollbackTxn'>> {
    return this.call(FRONTEND_CODECS.rollbackTxn, req, signal);
  }
  getMasterToken(req: FeReq<'getMasterToken'>, signal: AbortSignal): Promise<FeRes<'getMasterToken'>> {
    return this.call(FRONTEND_CODECS.getMasterToken, req, signal);
  }
  getMeta(req: FeReq<'getMeta'>, signal: AbortSignal): Promise<FeRes<'getMeta'>> {
    return this.call(FRONTEND_CODECS.getMeta, req, signal);
  }
  getBackendMeta(req: FeReq<'getBackendMeta'>, signal: AbortSignal): Promise<FeRes<'getBackendMeta'>> {
    return this.call(FRONTEND_CODECS.getBackendMeta, req, signal);
  }

  /** Closes every connection pool (running calls end first; abort them by their signals). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  /**
   * One logical call with master redirection and FE failover. Resolves with the first reply
   * that is not NOT_MASTER; when every reachable FE said NOT_MASTER, with the last such reply;
   * rejects with the last RpcError when the last FE tried could not be reached, and at once
   * for timeouts, protocol and application errors, and aborts (the signal's reason).
   */
  private async call<Req, Res extends AnyResult>(
    method: MethodCodec<Req, Res>,
    request: Req,
    signal: AbortSignal,
    timeoutMs = this.rpcTimeoutMs,
    beforeSend?: () => void,
  ): Promise<Res> {
    const tried = new Set<string>();
    let next: Target | undefined = this.master;
    let last: { result: Res } | { error: RpcError } | undefined;
    while (next) {
      const at: Target = next;
      tried.add(at.key);
      let result: Res;
      try {
        result = await this.pool(at).call(method, request, signal, { timeoutMs, beforeSend });
      } catch (err) {
        if (signal.aborted || !(err instanceof RpcError) || (err.kind !== 'connect' && err.kind !== 'closed')) throw err;
        this.log?.warn({ method: method.name, address: at.key, kind: err.kind, err: err.message }, 'frontend unreachable, trying the next one');
        last = { error: err };
        next = this.nextUntried(tried);
        continue;
      }
      if (result.status?.status_code !== StatusCode.NOT_MASTER) {
        if (this.master.key !== at.key) this.log?.info({ master: at.key, previous: this.master.key }, 'frontend master changed');
        this.master = at;
        return result;
      }
      last = { result };
      const redirect = this.redirectTarget(result.master_address);
      if (redirect && !tried.has(redirect.key)) {
        this.log?.info({ method: method.name, from: at.key, to: redirect.key }, 'frontend is not master, following master_address');
        next = redirect;
      } else {
        this.log?.info(
          { method: method.name, address: at.key, status: statusCodeName(StatusCode.NOT_MASTER) },
          'frontend is not master and names no untried master, trying the next one',
        );
        next = this.nextUntried(tried);
      }
    }
    if (last && 'error' in last) throw last.error;
    if (last) return last.result;
    throw new RpcError('no frontend to call', { kind: 'connect', address: this.master.key, method: method.name });
  }

  private redirectTarget(address: TNetworkAddress | undefined): Target | undefined {
    if (!address?.hostname || !(address.port > 0)) return undefined;
    return target({ host: mapHost(address.hostname, this.hostMapping), port: address.port });
  }

  private nextUntried(tried: Set<string>): Target | undefined {
    return [this.master, ...this.known].find((t) => !tried.has(t.key));
  }

  private pool(at: Target): ThriftClient {
    if (this.closed) throw new RpcError('frontend client closed', { kind: 'aborted', address: at.key });
    let pool = this.pools.get(at.key);
    if (!pool) {
      pool = new ThriftClient(
        { host: at.host, port: at.port },
        {
          framed: this.options.framed,
          maxConnections: this.options.maxConnectionsPerFrontend,
          connectTimeoutMs: this.options.connectTimeoutMs,
          callTimeoutMs: this.rpcTimeoutMs,
          idleTimeoutMs: this.options.idleTimeoutMs,
          maxMessageBytes: this.options.maxMessageBytes,
          observer: this.options.observer,
          log: this.log,
        },
      );
      this.pools.set(at.key, pool);
    }
    return pool;
  }
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.key) && seen.add(t.key));
}
