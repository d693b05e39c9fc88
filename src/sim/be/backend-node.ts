// One simulated BE process: its BackendService Thrift server (be_port) and its HTTP server
// (webserver_port). The node registers itself with the env so the stop/restart-BE fault can
// close its ports and reopen them on the same numbers.
import { startThriftServer, type ThriftServer } from '../../doris/thrift/server.js';
import type { Logger } from '../../observability/logger.js';
import type { BackendNode, SimEnv } from '../env.js';
import { startBeHttpServer, type BeHttpServer } from './be-http.js';
import { SimBackendService } from './backend-service.js';

export interface BackendNodeOptions {
  /** Interface to listen on. Default: the env's host. */
  host?: string | undefined;
  /** Default 0 (the OS picks; the bound port is recorded in the model). */
  bePort?: number | undefined;
  httpPort?: number | undefined;
  /** Framed Thrift transport (BE NON_BLOCKING server). Default false, as Doris' THREADED server. */
  framed?: boolean | undefined;
  log?: Logger | undefined;
}

export interface RunningBackendNode extends BackendNode {
  readonly id: bigint;
  readonly bePort: number;
  readonly httpPort: number;
  /** Stops the servers for good (same as stop()). */
  close(): Promise<void>;
}

/** Starts a BE's Thrift and HTTP servers, records their ports and attaches the node to the env. */
export async function startBackendNode(env: SimEnv, id: bigint, options: BackendNodeOptions = {}): Promise<RunningBackendNode> {
  if (!env.model.system.backend(id)) throw new RangeError(`unknown backend ${id}`);
  const host = options.host ?? env.config.host;
  const log = options.log ?? env.log;
  let bePort = options.bePort ?? 0;
  let httpPort = options.httpPort ?? 0;
  let thrift: ThriftServer | undefined;
  let http: BeHttpServer | undefined;
  let transition: Promise<void> = Promise.resolve();

  const open = async (): Promise<void> => {
    if (thrift && http) return;
    thrift = await startThriftServer({ service: 'backend', handler: new SimBackendService(env, id), host, port: bePort, framed: options.framed ?? false, log });
    http = await startBeHttpServer(env, id, { host, port: httpPort, log });
    bePort = thrift.port;
    httpPort = http.port;
    env.setBackendPorts(id, { bePort, httpPort });
  };
  const shut = async (): Promise<void> => {
    const servers = [thrift, http];
    thrift = undefined;
    http = undefined;
    await Promise.all(servers.map((s) => (s ? s.close() : Promise.resolve())));
  };
  // Start and stop calls are serialised so a restart never races a stop.
  const serial = (fn: () => Promise<void>): Promise<void> => {
    transition = transition.then(fn, fn);
    return transition;
  };

  await serial(open);
  const node: RunningBackendNode = {
    id,
    get bePort() {
      return bePort;
    },
    get httpPort() {
      return httpPort;
    },
    start: () => serial(open),
    stop: () => serial(shut),
    close: () => serial(shut),
  };
  env.attachBackendNode(id, node);
  return node;
}
