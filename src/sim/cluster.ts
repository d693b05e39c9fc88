// Assembles one simulated Doris cluster from the shared SimEnv and real servers: per FE a
// MySQL query port (the SQL executor), a Thrift FrontendService port and an HTTP port; per
// BE a Thrift BackendService port and an HTTP port. Every FE serves queries (followers
// execute them like a Doris FE forwarding to the master); only the master answers CCR RPCs.
// Optionally the model is loaded from and saved to a data directory.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { startBackendNode } from './be/backend-node.js';
import { createSimEnv, type SimEnv } from './env.js';
import type { ConnectionControl } from './executor/context.js';
import { createAuthenticator, createQueryHandler } from './executor/query-handler.js';
import { GlobalVariables } from './executor/session-statements.js';
import { startFrontendNode, type RunningFrontendNode } from './fe/frontend-node.js';
import { startMysqlServer, type MysqlServer } from './mysql/server.js';
import { compilePredicate } from './sql/row-expressions.js';

export interface SimClusterOptions {
  /** Interface every server listens on. Default 127.0.0.1. */
  host?: string | undefined;
  /**
   * Address every FE and BE advertises (SHOW BACKENDS / FRONTENDS, frontends(), getBackendMeta,
   * master_address, stream load redirects), as a cluster behind NAT reports private addresses
   * its clients cannot reach. Default: `host`.
   */
  advertiseHost?: string | undefined;
  /** First FE's ports; later FEs use the following ports. 0 (default) = free ports. */
  queryPort?: number | undefined;
  rpcPort?: number | undefined;
  httpPort?: number | undefined;
  /** Number of FEs; the first is the master. Default 1. */
  feCount?: number | undefined;
  /** Number of BEs. Default 3. */
  beCount?: number | undefined;
  /** First BE's Thrift and HTTP ports; later BEs use the following ports. 0 (default) = free ports. */
  bePort?: number | undefined;
  beHttpPort?: number | undefined;
  /** The cluster's user and password. Default root / "". */
  user?: string | undefined;
  password?: string | undefined;
  /** replication_num of tables that set none. Default min(3, beCount). */
  replicationNum?: number | undefined;
  /** Directory holding the saved cluster state: loaded at start, saved periodically and at close. */
  dataDir?: string | undefined;
  /** Period of the background save with dataDir. Default 30 s. */
  saveIntervalMs?: number | undefined;
  /** Period of the driver (publish, jobs, GC). Default the env's. */
  driverIntervalMs?: number | undefined;
  log?: Logger | undefined;
}

export interface SimFrontendAddress {
  name: string;
  /** The advertised host (the servers listen on the `host` option). */
  host: string;
  queryPort: number;
  rpcPort: number;
  httpPort: number;
  isMaster: boolean;
}

export interface SimBackendAddress {
  id: bigint;
  /** The advertised host (the servers listen on the `host` option). */
  host: string;
  bePort: number;
  httpPort: number;
}

export interface SimCluster {
  readonly env: SimEnv;
  /** Every FE's bound ports (the first is the initial master). */
  readonly frontends: readonly SimFrontendAddress[];
  readonly backends: readonly SimBackendAddress[];
  /** Saves the state to dataDir now (no-op without one). */
  save(): Promise<void>;
  /** Stops every server and the driver, then saves the state. Idempotent. */
  close(): Promise<void>;
}

const STATE_FILE = 'cluster.json';

function portAt(base: number | undefined, i: number): number {
  return base === undefined || base === 0 ? 0 : base + i;
}

async function loadState(dataDir: string | undefined): Promise<string | undefined> {
  if (dataDir === undefined) return undefined;
  try {
    return await readFile(join(dataDir, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes the state atomically (temp file + rename), so a crash never leaves half a file. */
async function saveState(dataDir: string, json: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const tmp = join(dataDir, `${STATE_FILE}.tmp`);
  await writeFile(tmp, json);
  await rename(tmp, join(dataDir, STATE_FILE));
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Starts a simulated cluster: builds the env (from dataDir's saved state when present), starts
 * every server, records the bound ports in the model (SHOW BACKENDS, frontends(), getMeta show
 * them) and starts the driver. Rejects, with everything already started closed again, when a
 * port cannot be bound.
 */
export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const log = options.log ?? silentLogger();
  const host = options.host ?? '127.0.0.1';
  const advertised = options.advertiseHost ?? host;
  const modelJson = await loadState(options.dataDir);
  const env = createSimEnv({
    host: advertised,
    user: options.user,
    password: options.password,
    frontends: options.feCount,
    backends: options.beCount,
    replicationNum: options.replicationNum,
    driverIntervalMs: options.driverIntervalMs,
    compilePredicate,
    log,
    modelJson,
  });
  const opened: Closable[] = [];
  try {
    const globals = new GlobalVariables();
    const frontends: SimFrontendAddress[] = [];
    for (const [i, fe] of env.frontends.entries()) {
      const ports = { query: portAt(options.queryPort, i), rpc: portAt(options.rpcPort, i), http: portAt(options.httpPort, i) };
      const node = await startFrontendServers(env, fe.name, ports, { host, log, globals });
      opened.push(node);
      frontends.push({ name: fe.name, host: advertised, queryPort: node.ports.query, rpcPort: node.ports.rpc, httpPort: node.ports.http, isMaster: fe.isMaster });
    }
    const backends: SimBackendAddress[] = [];
    for (const [i, be] of env.backends.entries()) {
      const node = await startBackendNode(env, be.id, { host, bePort: portAt(options.bePort, i), httpPort: portAt(options.beHttpPort, i), log });
      opened.push(node);
      backends.push({ id: be.id, host: advertised, bePort: node.bePort, httpPort: node.httpPort });
    }
    env.start();
    return clusterHandle(env, frontends, backends, opened, options, log);
  } catch (err) {
    await Promise.allSettled(opened.reverse().map((c) => c.close()));
    await env.stop();
    throw err;
  }
}

/**
 * One FE's servers — the MySQL query port (the SQL executor), the Thrift FrontendService and
 * the HTTP port — attached to the env so the stop/restart FE fault closes and reopens them on
 * the same ports, as an FE process that dies and comes back.
 */
async function startFrontendServers(
  env: SimEnv,
  name: string,
  ports: { query: number; rpc: number; http: number },
  opts: { host: string; log: Logger; globals: GlobalVariables },
): Promise<Closable & { readonly ports: { query: number; rpc: number; http: number } }> {
  let mysqlServer: MysqlServer | undefined;
  let node: RunningFrontendNode | undefined;
  // KILL and SHOW PROCESSLIST reach this FE's current server.
  const connections: ConnectionControl = {
    kill: (id, queryOnly) => mysqlServer?.kill(id, queryOnly) ?? false,
    processList: () => mysqlServer?.processList() ?? [],
  };
  const onQuery = createQueryHandler(env, { log: opts.log, frontendName: name, connections, globals: opts.globals, clock: env.clock });
  const shut = async (): Promise<void> => {
    const servers: (Closable | undefined)[] = [mysqlServer, node];
    mysqlServer = undefined;
    node = undefined;
    await Promise.all(servers.map((s) => (s ? s.close() : Promise.resolve())));
  };
  const open = async (): Promise<void> => {
    if (mysqlServer && node) return;
    try {
      mysqlServer = await startMysqlServer({ host: opts.host, port: ports.query, authenticate: createAuthenticator(env), onQuery, log: opts.log });
      node = await startFrontendNode(env, name, { host: opts.host, rpcPort: ports.rpc, httpPort: ports.http, log: opts.log });
    } catch (err) {
      await shut();
      throw err;
    }
    ports.query = mysqlServer.port;
    ports.rpc = node.rpcPort;
    ports.http = node.httpPort;
    env.setFrontendPorts(name, { queryPort: mysqlServer.port });
  };
  // Start and stop calls are serialised so a restart never races a stop.
  let transition: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    transition = transition.then(fn, fn);
    return transition;
  };
  await serial(open);
  env.attachFrontendNode(name, { start: () => serial(open), stop: () => serial(shut) });
  return { ports, close: () => serial(shut) };
}

function clusterHandle(
  env: SimEnv,
  frontends: SimFrontendAddress[],
  backends: SimBackendAddress[],
  opened: Closable[],
  options: SimClusterOptions,
  log: Logger,
): SimCluster {
  const dataDir = options.dataDir;
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (dataDir === undefined) return Promise.resolve();
    // Saves run one after another; each writes the state as it is when it starts.
    saving = saving.then(() => saveState(dataDir, env.model.toJSON()));
    return saving;
  };
  const timer =
    dataDir === undefined
      ? undefined
      : setInterval(() => {
          save().catch((err: unknown) => log.error({ err }, 'saving the simulator state failed'));
        }, options.saveIntervalMs ?? 30_000);
  timer?.unref();
  let closing: Promise<void> | undefined;
  return {
    env,
    frontends,
    backends,
    save,
    close() {
      closing ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        await Promise.allSettled([...opened].reverse().map((c) => c.close()));
        await env.stop();
        await save();
      })();
      return closing;
    },
  };
}
