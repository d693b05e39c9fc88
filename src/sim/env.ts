// The in-process state of one simulated Doris cluster, shared by every server of the
// simulator process: the cluster model, fault registry, backup and restore managers, the BEs'
// snapshot files, the FE/BE node list with their real ports, and the driver that makes
// asynchronous Doris behaviour (publish, alter jobs, GC, backup/restore) progress in real
// time. Servers (FE Thrift/HTTP, BE Thrift/HTTP, MySQL) are started separately on top of it
// and report their bound ports back with setFrontendPorts / setBackendPorts.
import { TxnCallLog } from './fe/txn-calls.js';
import type { Logger } from '../observability/logger.js';
import { BackupManager } from './backup/backup-manager.js';
import { DbJobQueues, type QueuedJob } from './backup/job-queue.js';
import { RestoreManager } from './backup/restore-manager.js';
import { SnapshotStore } from './backup/snapshot-store.js';
import { downloadTabletSnapshot } from './be/snapshot-download.js';
import { SimDriver } from './driver.js';
import { FaultRegistry } from './faults.js';
import { ClusterModel } from './model/cluster-model.js';
import type { PredicateCompiler } from './model/context.js';
import type { Clock } from './model/state.js';

export interface SimEnvOptions {
  /** Default "doris_sim". */
  clusterName?: string | undefined;
  /**
   * The host every FE and BE advertises (SHOW BACKENDS, frontends(), master_address), also with
   * modelJson. Servers may listen elsewhere (startSimCluster's advertiseHost). Default 127.0.0.1.
   */
  host?: string | undefined;
  /** The root user and its password. Default root / "". */
  user?: string | undefined;
  password?: string | undefined;
  /** Number of FEs (the first is master). Default 1. */
  frontends?: number | undefined;
  /** Number of BEs. Default 3. */
  backends?: number | undefined;
  /** replication_num of tables that set none. Default min(3, backends). */
  replicationNum?: number | undefined;
  /** Default Date.now. */
  clock?: Clock | undefined;
  log?: Logger | undefined;
  /** The cluster token (getMasterToken, BE download checks). Default derived from the clock. */
  token?: string | undefined;
  /** DELETE predicate compiler from the SQL layer. */
  compilePredicate?: PredicateCompiler | undefined;
  /** Driver tick period. Default 25 ms. */
  driverIntervalMs?: number | undefined;
  feConfig?: Record<string, string> | undefined;
  beConfig?: Record<string, string> | undefined;
  /** Rebuild the model from ClusterModel.toJSON() output instead of a fresh cluster. */
  modelJson?: string | undefined;
}

export interface SimConfig {
  readonly clusterName: string;
  readonly host: string;
  readonly user: string;
  readonly password: string;
  readonly driverIntervalMs: number;
}

/** One FE as servers and clients see it; a live view over the model (ports, alive, master). */
export interface SimFrontend {
  readonly name: string;
  readonly host: string;
  readonly queryPort: number;
  readonly rpcPort: number;
  readonly httpPort: number;
  readonly alive: boolean;
  readonly isMaster: boolean;
}

/** One BE; a live view over the model. */
export interface SimBackend {
  readonly id: bigint;
  readonly host: string;
  readonly bePort: number;
  readonly httpPort: number;
  readonly alive: boolean;
}

/**
 * The servers of one BE (Thrift + HTTP) or FE (query, Thrift, HTTP), so faults can stop and
 * restart them on their ports.
 */
export interface BackendNode {
  /** Closes the node's ports (idempotent). */
  stop(): Promise<void>;
  /** Listens again on the same ports (idempotent). */
  start(): Promise<void>;
}

export type FrontendNode = BackendNode;

export interface SimEnv {
  readonly model: ClusterModel;
  readonly clock: Clock;
  readonly log: Logger | undefined;
  readonly faults: FaultRegistry;
  /** Debug record of the FE transaction calls and their clients (GET /api/__sim/state?txn_calls=true). */
  readonly txnCalls: TxnCallLog;
  readonly backups: BackupManager;
  readonly restores: RestoreManager;
  /** The BEs' snapshot directories (served by /api/_tablet/_download). */
  readonly snapshots: SnapshotStore;
  readonly frontends: readonly SimFrontend[];
  readonly backends: readonly SimBackend[];
  readonly clusterToken: string;
  readonly config: SimConfig;
  readonly driver: SimDriver;
  /** Records the ports an FE's servers bound (0 = leave unchanged). */
  setFrontendPorts(name: string, ports: { queryPort?: number; rpcPort?: number; httpPort?: number }): void;
  /** Records the ports a BE's servers bound (0 = leave unchanged). */
  setBackendPorts(id: bigint, ports: { bePort?: number; httpPort?: number; brpcPort?: number; heartbeatPort?: number }): void;
  /** Registers the running servers of a BE (used by the stop/restart BE fault). */
  attachBackendNode(id: bigint, node: BackendNode): void;
  /** Fault: closes the BE's ports and marks it dead in the model. */
  stopBackend(id: bigint): Promise<void>;
  /** Fault: reopens the BE's ports and marks it alive. */
  restartBackend(id: bigint): Promise<void>;
  /** Registers the running servers of an FE (used by the stop/restart FE fault). */
  attachFrontendNode(name: string, node: FrontendNode): void;
  /** Fault: closes the FE's ports and marks it dead (a dead master leaves the cluster without one). */
  stopFrontend(name: string): Promise<void>;
  /** Fault: reopens the FE's ports and marks it alive. */
  restartFrontend(name: string): Promise<void>;
  /** Starts the driver loop (idempotent). */
  start(): void;
  /** Stops the driver loop and waits for in-flight restore downloads. Idempotent. */
  stop(): Promise<void>;
  /** One driver tick, for tests that step manually. */
  step(): void;
  /** Waits until no asynchronous work (restore downloads) is in flight. */
  settle(): Promise<void>;
}

class FrontendView implements SimFrontend {
  constructor(
    private readonly model: ClusterModel,
    readonly name: string,
  ) {}

  private get state() {
    const fe = this.model.state.frontends.find((f) => f.name === this.name);
    if (!fe) throw new Error(`frontend ${this.name} is gone`);
    return fe;
  }

  get host(): string {
    return this.state.host;
  }
  get queryPort(): number {
    return this.state.queryPort;
  }
  get rpcPort(): number {
    return this.state.rpcPort;
  }
  get httpPort(): number {
    return this.state.httpPort;
  }
  get alive(): boolean {
    return this.state.alive;
  }
  get isMaster(): boolean {
    return this.state.isMaster;
  }
}

class BackendView implements SimBackend {
  constructor(
    private readonly model: ClusterModel,
    readonly id: bigint,
  ) {}

  private get state() {
    const be = this.model.system.backend(this.id);
    if (!be) throw new Error(`backend ${this.id} is gone`);
    return be;
  }

  get host(): string {
    return this.state.host;
  }
  get bePort(): number {
    return this.state.bePort;
  }
  get httpPort(): number {
    return this.state.httpPort;
  }
  get alive(): boolean {
    return this.state.alive;
  }
}

/** Builds one simulated cluster's shared state. Nothing listens and the driver is stopped. */
export function createSimEnv(options: SimEnvOptions = {}): SimEnv {
  const clock = options.clock ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const user = options.user ?? 'root';
  const password = options.password ?? '';
  const backendCount = options.backends ?? 3;
  const modelOptions = {
    clock,
    compilePredicate: options.compilePredicate,
    clusterName: options.clusterName,
    backends: Array.from({ length: backendCount }, () => ({ host })),
    frontends: Array.from({ length: options.frontends ?? 1 }, (_, i) => ({ host, isMaster: i === 0 })),
    users: { [user]: password },
    defaultReplicationNum: options.replicationNum ?? Math.max(1, Math.min(3, backendCount)),
    token: options.token,
    feConfig: options.feConfig,
    beConfig: options.beConfig,
  };
  const model = options.modelJson !== undefined ? ClusterModel.fromJSON(options.modelJson, modelOptions) : new ClusterModel(modelOptions);
  if (options.modelJson !== undefined && options.host !== undefined) {
    // A restored cluster's nodes advertise this run's host, as they get this run's ports.
    for (const fe of model.state.frontends) fe.host = host;
    for (const be of model.system.backends()) be.host = host;
  }
  const log = options.log?.child({ component: 'doris-sim', cluster: model.state.clusterName });
  const nodes = new Map<bigint, BackendNode>();
  const snapshots = new SnapshotStore();
  const queues = new DbJobQueues<QueuedJob>(() => Number(model.system.feConfig('max_backup_restore_job_num_per_db') ?? '10'));
  const backups = new BackupManager({ model, store: snapshots, clock, queues });
  const restores = new RestoreManager({
    model,
    clock,
    queues,
    log,
    fetch: async (req, signal) => {
      if (model.system.backend(req.localBackendId)?.alive !== true) throw new Error(`backend ${req.localBackendId} is not alive`);
      return downloadTabletSnapshot({ host: req.host, port: req.port, token: req.token, path: req.path }, signal);
    },
  });
  const driver = new SimDriver({
    intervalMs: options.driverIntervalMs ?? 25,
    log,
    tasks: [
      { name: 'model', step: () => model.advance() },
      { name: 'backups', step: () => backups.step() },
      { name: 'restores', step: () => restores.step(), idle: () => restores.idle() },
    ],
  });

  const stopBackend = async (id: bigint): Promise<void> => {
    if (!model.system.backend(id)) throw new RangeError(`unknown backend ${id}`);
    model.system.setBackendAlive(id, false);
    await nodes.get(id)?.stop();
  };
  const restartBackend = async (id: bigint): Promise<void> => {
    if (!model.system.backend(id)) throw new RangeError(`unknown backend ${id}`);
    await nodes.get(id)?.start();
    model.system.setBackendAlive(id, true);
  };
  const feNodes = new Map<string, FrontendNode>();
  const knownFrontend = (name: string): void => {
    if (!model.state.frontends.some((f) => f.name === name)) throw new RangeError(`unknown frontend ${name}`);
  };
  const stopFrontend = async (name: string): Promise<void> => {
    knownFrontend(name);
    model.system.setFrontendAlive(name, false);
    await feNodes.get(name)?.stop();
  };
  const restartFrontend = async (name: string): Promise<void> => {
    knownFrontend(name);
    await feNodes.get(name)?.start();
    model.system.setFrontendAlive(name, true);
  };
  const faults = new FaultRegistry({ model, stopBackend, restartBackend, stopFrontend, restartFrontend });

  return {
    model,
    clock,
    log,
    txnCalls: new TxnCallLog(),
    backups,
    restores,
    snapshots,
    driver,
    faults,
    frontends: model.state.frontends.map((f) => new FrontendView(model, f.name)),
    backends: model.system.backends().map((b) => new BackendView(model, b.id)),
    clusterToken: model.system.token(),
    config: { clusterName: model.state.clusterName, host, user, password, driverIntervalMs: options.driverIntervalMs ?? 25 },
    setFrontendPorts(name, ports) {
      const fe = model.state.frontends.find((f) => f.name === name);
      if (!fe) throw new RangeError(`unknown frontend ${name}`);
      if (ports.queryPort) fe.queryPort = ports.queryPort;
      if (ports.rpcPort) fe.rpcPort = ports.rpcPort;
      if (ports.httpPort) fe.httpPort = ports.httpPort;
      // FE config reports its own ports (ADMIN SHOW FRONTEND CONFIG); the master's are shown.
      if (fe.isMaster) {
        for (const [key, v] of [['query_port', fe.queryPort], ['rpc_port', fe.rpcPort], ['http_port', fe.httpPort]] as const) {
          const entry = model.state.feConfig.get(key);
          if (entry) entry.value = String(v);
        }
      }
    },
    setBackendPorts(id, ports) {
      const be = model.system.backend(id);
      if (!be) throw new RangeError(`unknown backend ${id}`);
      if (ports.bePort) be.bePort = ports.bePort;
      if (ports.httpPort) be.httpPort = ports.httpPort;
      if (ports.brpcPort) be.brpcPort = ports.brpcPort;
      if (ports.heartbeatPort) be.heartbeatPort = ports.heartbeatPort;
    },
    attachBackendNode(id, node) {
      if (!model.system.backend(id)) throw new RangeError(`unknown backend ${id}`);
      nodes.set(id, node);
    },
    stopBackend,
    restartBackend,
    attachFrontendNode(name, node) {
      knownFrontend(name);
      feNodes.set(name, node);
    },
    stopFrontend,
    restartFrontend,
    start: () => driver.start(),
    async stop() {
      driver.stop();
      await driver.settle();
    },
    step: () => driver.step(),
    settle: () => driver.settle(),
  };
}
