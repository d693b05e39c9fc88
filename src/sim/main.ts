// doris_sim entry point: one process = one simulated Doris cluster. Parses the flags, starts
// the cluster, prints one machine-readable `ready {…}` line on stdout once every port
// listens, logs to stderr, and shuts down cleanly (exit 0) on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createLogger, type LogLevel, type Logger } from '../observability/logger.js';
import { startSimCluster, type SimCluster, type SimClusterOptions } from './cluster.js';

const HELP = `Usage: doris_sim [options]

Starts one simulated Apache Doris cluster (FEs and BEs) in this process.

  --host <addr>            interface to listen on (default 127.0.0.1)
  --advertise-host <addr>  address every FE and BE reports (SHOW BACKENDS/FRONTENDS, frontends(),
                           getBackendMeta, master_address), as a cluster behind NAT reports private
                           addresses clients cannot reach (default: --host)
  --query-port <port>      first FE's MySQL port (default 9030; 0 = pick a free port)
  --rpc-port <port>        first FE's Thrift port (default 9020; 0 = free)
  --http-port <port>       first FE's HTTP port: stream load, admin faults (default 8030; 0 = free)
  --fe-count <n>           number of FEs, the first is the master; others use the following ports (default 1)
  --be-count <n>           number of BEs (default 3)
  --be-port <port>         first BE's Thrift port; others use the following ports (default 9060; 0 = free)
  --be-http-port <port>    first BE's HTTP port (default 8040; 0 = free)
  --user <name>            the cluster user (default root)
  --password <pw>          its password (default empty)
  --replication-num <n>    replication_num of tables that set none (default min(3, be-count))
  --data-dir <dir>         keep the cluster state in <dir>: loaded at start, saved every
                           --save-interval seconds and at shutdown (default: no persistence)
  --save-interval <s>      seconds between saves with --data-dir (default 30)
  --log-level <level>      trace|debug|info|warn|error|fatal|silent (default warn); logs go to stderr
  --help                   show this help

Once every port listens it prints one line on stdout:
  ready {"query_port":…,"rpc_port":…,"http_port":…,"fes":[…],"bes":[…]}
`;

const LOG_LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

class UsageError extends Error {}

function integer(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

interface Parsed {
  help: boolean;
  options: SimClusterOptions;
  logLevel: LogLevel;
}

function parse(argv: string[]): Parsed {
  const strings = [
    'host', 'advertise-host', 'query-port', 'rpc-port', 'http-port', 'fe-count', 'be-count', 'be-port', 'be-http-port', 'user', 'password',
    'replication-num', 'data-dir', 'save-interval', 'log-level',
  ] as const;
  let values: Partial<Record<(typeof strings)[number], string>> & { help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...Object.fromEntries(strings.map((s) => [s, { type: 'string' as const }])), help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }) as { values: typeof values });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const port = (name: (typeof strings)[number], dflt: number): number => integer(name, values[name], dflt, 0, 65535);
  const beCount = integer('be-count', values['be-count'], 3, 1, 64);
  const logLevel = (values['log-level'] ?? 'warn') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join('|')}, got "${logLevel}"`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty');
  const advertiseHost = values['advertise-host'] ?? host;
  if (advertiseHost === '') throw new UsageError('--advertise-host must not be empty');
  const user = values.user ?? 'root';
  if (user === '') throw new UsageError('--user must not be empty');
  if (values['data-dir'] === '') throw new UsageError('--data-dir must not be empty');
  return {
    help: values.help === true,
    logLevel,
    options: {
      host,
      advertiseHost,
      queryPort: port('query-port', 9030),
      rpcPort: port('rpc-port', 9020),
      httpPort: port('http-port', 8030),
      feCount: integer('fe-count', values['fe-count'], 1, 1, 16),
      beCount,
      bePort: port('be-port', 9060),
      beHttpPort: port('be-http-port', 8040),
      user,
      password: values.password ?? '',
      replicationNum: integer('replication-num', values['replication-num'], Math.min(3, beCount), 1, beCount),
      dataDir: values['data-dir'],
      saveIntervalMs: integer('save-interval', values['save-interval'], 30, 1, 86_400) * 1000,
    },
  };
}

/** The `ready` line: every port, so callers that asked for port 0 learn what was bound. */
function readyLine(cluster: SimCluster): string {
  const fes = cluster.frontends.map((f) => ({
    name: f.name,
    host: f.host,
    query_port: f.queryPort,
    rpc_port: f.rpcPort,
    http_port: f.httpPort,
    is_master: f.isMaster,
  }));
  const bes = cluster.backends.map((b) => ({ id: b.id.toString(), host: b.host, be_port: b.bePort, http_port: b.httpPort }));
  const first = fes[0];
  return `ready ${JSON.stringify({ query_port: first?.query_port, rpc_port: first?.rpc_port, http_port: first?.http_port, fes, bes })}\n`;
}

function exitAfterFlush(log: Logger, code: number): void {
  const fallback = setTimeout(() => process.exit(code), 1000);
  log.flush(() => {
    clearTimeout(fallback);
    process.exit(code);
  });
}

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`doris_sim: ${err.message} (see --help)\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  process.title = 'doris_sim';
  const log = createLogger({ level: parsed.logLevel, destination: pino.destination({ dest: 2, sync: false }), base: { pid: process.pid } });
  let cluster: SimCluster;
  try {
    cluster = await startSimCluster({ ...parsed.options, log });
  } catch (err) {
    process.stderr.write(`doris_sim: failed to start: ${(err as Error).message}\n`);
    exitAfterFlush(log, 1);
    return;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal while shutting down: give up waiting.
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    cluster.close().then(
      () => exitAfterFlush(log, 0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        exitAfterFlush(log, 1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(readyLine(cluster));
}

await main();
