// The BackendService port over Thrift for one Doris BE (its be_port), and the process-wide
// registry that hands out one client per BE and caps concurrent ingest_binlog calls per BE.
//
// The cap is shared by every job of the process (Go keeps one limiter per job, so N jobs can
// put 48×N concurrent ingests on one BE).
import type { Logger } from '../observability/logger.js';
import { ConcurrencyLimiter } from './limiter.js';
import type { BackendService } from './ports.js';
import { ThriftClient, formatAddress, type RpcObserver, type ThriftAddress } from './thrift/client.js';
import { BACKEND_CODECS } from './thrift/codec.js';
import type { TIngestBinlogRequest, TIngestBinlogResult, TQueryIngestBinlogRequest, TQueryIngestBinlogResult } from './types.js';

/** Go flag max_ingest_concurrency_per_backend. */
export const DEFAULT_MAX_INGEST_CONCURRENCY_PER_BACKEND = 48;

export interface BeClientOptions {
  /** Default false (BE THREADED server, buffered transport). */
  framed?: boolean;
  /** Per-call deadline. Default 30 s (Go rpc_timeout; ingest_binlog is synchronous by default). */
  rpcTimeoutMs?: number;
  /** Default 10 s (Go connect_timeout). */
  connectTimeoutMs?: number;
  /** Connections to the BE. Default: the ingest concurrency limit. */
  maxConnections?: number;
  idleTimeoutMs?: number;
  maxMessageBytes?: number;
  observer?: RpcObserver | undefined;
  log?: Logger | undefined;
}

export class BeClient implements BackendService {
  readonly address: string;
  private readonly client: ThriftClient;

  /** `limiter` caps concurrent ingest_binlog calls; the registry shares one per BE. */
  constructor(
    address: ThriftAddress,
    options: BeClientOptions = {},
    private readonly limiter = new ConcurrencyLimiter(DEFAULT_MAX_INGEST_CONCURRENCY_PER_BACKEND),
  ) {
    this.address = formatAddress(address);
    this.client = new ThriftClient(address, {
      framed: options.framed,
      maxConnections: options.maxConnections ?? limiter.limit,
      connectTimeoutMs: options.connectTimeoutMs,
      callTimeoutMs: options.rpcTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs,
      maxMessageBytes: options.maxMessageBytes,
      observer: options.observer,
      log: options.log?.child({ component: 'be-client' }),
    });
  }

  /**
   * Waits for an ingest slot of this BE, then calls ingest_binlog. The wait for a slot does not
   * count against the RPC deadline; an abort while waiting rejects without calling. Safe to
   * repeat: the BE treats a rowset already ingested into the txn as success.
   */
  ingest_binlog(req: TIngestBinlogRequest, signal: AbortSignal): Promise<TIngestBinlogResult> {
    return this.limiter.run(signal, () => this.client.call(BACKEND_CODECS.ingest_binlog, req, signal));
  }

  query_ingest_binlog(req: TQueryIngestBinlogRequest, signal: AbortSignal): Promise<TQueryIngestBinlogResult> {
    return this.client.call(BACKEND_CODECS.query_ingest_binlog, req, signal);
  }

  /** Closes the connections once running calls end. Idempotent. */
  close(): Promise<void> {
    return this.client.close();
  }
}

export interface BackendRegistryOptions extends BeClientOptions {
  /** Concurrent ingest_binlog calls per BE, across all jobs. Default 48. */
  maxIngestConcurrencyPerBackend?: number;
}

/** One BeClient per BE address for the whole process. */
export class BackendClientRegistry {
  private readonly clients = new Map<string, BeClient>();
  private readonly limit: number;

  constructor(private readonly options: BackendRegistryOptions = {}) {
    this.limit = options.maxIngestConcurrencyPerBackend ?? DEFAULT_MAX_INGEST_CONCURRENCY_PER_BACKEND;
  }

  /** The client of the BE at `address` (host + be_port), created on first use. */
  get(address: ThriftAddress): BeClient {
    const key = formatAddress(address);
    let client = this.clients.get(key);
    if (!client) {
      client = new BeClient(address, this.options, new ConcurrencyLimiter(this.limit));
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes every client (running calls end first). Idempotent. */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.close()));
  }
}
