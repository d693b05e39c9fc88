// One simulated FE's RPC and HTTP servers: the FrontendService Thrift server (rpc_port) and
// the HTTP server (http_port). The MySQL query port belongs to the SQL side of the simulator
// and reports its port through env.setFrontendPorts itself.
import { startThriftServer } from '../../doris/thrift/server.js';
import type { Logger } from '../../observability/logger.js';
import type { SimEnv } from '../env.js';
import { startFeHttpServer } from './fe-http.js';
import { SimFrontendService } from './frontend-service.js';

export interface FrontendNodeOptions {
  /** Interface to listen on. Default: the env's host. */
  host?: string | undefined;
  /** Default 0 (the OS picks; the bound port is recorded in the model). */
  rpcPort?: number | undefined;
  httpPort?: number | undefined;
  /** Framed Thrift transport (FE thrift_server_type THREADED_SELECTOR). Default false. */
  framed?: boolean | undefined;
  log?: Logger | undefined;
}

export interface RunningFrontendNode {
  readonly name: string;
  readonly rpcPort: number;
  readonly httpPort: number;
  /** Closes both servers. Idempotent. */
  close(): Promise<void>;
}

/** Starts FE `name`'s Thrift and HTTP servers and records their ports in the model. */
export async function startFrontendNode(env: SimEnv, name: string, options: FrontendNodeOptions = {}): Promise<RunningFrontendNode> {
  if (!env.frontends.some((f) => f.name === name)) throw new RangeError(`unknown frontend ${name}`);
  const host = options.host ?? env.config.host;
  const log = options.log ?? env.log;
  const thrift = await startThriftServer({
    service: 'frontend',
    handler: new SimFrontendService(env, name),
    host,
    port: options.rpcPort ?? 0,
    framed: options.framed ?? false,
    log,
  });
  const http = await startFeHttpServer(env, name, { host, port: options.httpPort ?? 0, log });
  env.setFrontendPorts(name, { rpcPort: thrift.port, httpPort: http.port });
  let closing: Promise<void> | undefined;
  return {
    name,
    rpcPort: thrift.port,
    httpPort: http.port,
    close(): Promise<void> {
      closing ??= Promise.all([thrift.close(), http.close()]).then(() => undefined);
      return closing;
    },
  };
}
