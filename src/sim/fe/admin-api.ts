// The simulator's admin API on the FE HTTP port: POST /api/__sim/faults applies one fault
// operation given as JSON, GET /api/__sim/state describes the cluster for debugging. The JSON
// forms are documented in doc/simulator.md.
import { stringifyJsonBig } from '../../util/json-big.js';
import type { SimEnv } from '../env.js';
import type { FaultService, MethodFaultSpec } from '../faults.js';

/** An admin request that cannot be applied (HTTP 400). */
export class AdminRequestError extends Error {}

type Json = Record<string, unknown>;

function str(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new AdminRequestError(`${key} must be a string`);
}

function int(o: Json, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new AdminRequestError(`${key} must be an integer`);
  return v;
}

function bigintOf(o: Json, key: string): bigint {
  const v = str(o, key);
  if (v === undefined || !/^-?\d+$/.test(v)) throw new AdminRequestError(`${key} must be an integer (a number or a decimal string)`);
  return BigInt(v);
}

const SERVICES = new Set<FaultService>(['fe', 'be', 'be_http', 'fe_http', 'fe_sql']);

/** Applies one fault operation; returns the new fault state. */
export async function applyAdminFault(env: SimEnv, body: unknown): Promise<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AdminRequestError('the body must be a JSON object');
  const o = body as Json;
  const action = str(o, 'action');
  switch (action) {
    case 'fail': {
      const service = str(o, 'service') as FaultService | undefined;
      if (!service || !SERVICES.has(service)) throw new AdminRequestError('service must be one of fe, be, be_http, fe_http, fe_sql');
      const method = str(o, 'method');
      if (!method) throw new AdminRequestError('method is required');
      const spec: MethodFaultSpec = { service, method, node: str(o, 'node'), count: int(o, 'count') };
      const status = o['status'];
      if (status !== undefined) {
        if (status === null || typeof status !== 'object') throw new AdminRequestError('status must be {"code": n, "message": "…"}');
        const code = int(status as Json, 'code');
        if (code === undefined) throw new AdminRequestError('status.code is required');
        spec.status = { code, message: str(status as Json, 'message') ?? '' };
      }
      if (o['drop'] === true) spec.drop = true;
      spec.delayMs = int(o, 'delayMs');
      if (o['after'] === true) spec.after = true;
      try {
        env.faults.failNext(spec);
      } catch (err) {
        throw new AdminRequestError((err as Error).message);
      }
      break;
    }
    case 'clear':
      env.faults.clearMethodFaults();
      break;
    case 'switchMaster':
      try {
        env.faults.switchMaster(str(o, 'to'));
      } catch (err) {
        throw new AdminRequestError((err as Error).message);
      }
      break;
    case 'clearMaster':
      env.faults.clearMaster();
      break;
    case 'gcBinlogs':
      env.faults.gcBinlogsBefore(bigintOf(o, 'before'));
      break;
    case 'holdPublish':
      if (typeof o['hold'] !== 'boolean') throw new AdminRequestError('hold must be true or false');
      env.faults.holdPublish(o['hold']);
      break;
    case 'stopBackend':
    case 'restartBackend': {
      const id = bigintOf(o, 'id');
      if (!env.model.system.backend(id)) throw new AdminRequestError(`unknown backend ${id}`);
      if (action === 'stopBackend') await env.faults.stopBackend(id);
      else await env.faults.restartBackend(id);
      break;
    }
    case 'stopFrontend':
    case 'restartFrontend': {
      const name = str(o, 'name');
      if (name === undefined || !env.frontends.some((f) => f.name === name)) throw new AdminRequestError(`unknown frontend ${name ?? '(name missing)'}`);
      if (action === 'stopFrontend') await env.faults.stopFrontend(name);
      else await env.faults.restartFrontend(name);
      break;
    }
    case undefined:
    default:
      throw new AdminRequestError(
        'action must be one of fail, clear, switchMaster, clearMaster, gcBinlogs, holdPublish, stopBackend, restartBackend, stopFrontend, restartFrontend',
      );
  }
  return env.faults.state();
}

/**
 * GET /api/__sim/state: nodes, master, faults, backup/restore jobs, the next commit seq; with
 * `txnCalls`, the debug record of FE transaction calls and their clients (env.txnCalls).
 */
export function simState(env: SimEnv, options: { txnCalls?: boolean } = {}): string {
  const model = env.model;
  return stringifyJsonBig(
    {
      cluster: env.config.clusterName,
      nextCommitSeq: model.nextCommitSeq(),
      frontends: env.frontends.map((f) => ({
        name: f.name,
        host: f.host,
        queryPort: f.queryPort,
        rpcPort: f.rpcPort,
        httpPort: f.httpPort,
        alive: f.alive,
        isMaster: f.isMaster,
      })),
      backends: env.backends.map((b) => ({ id: b.id, host: b.host, bePort: b.bePort, httpPort: b.httpPort, alive: b.alive })),
      faults: env.faults.state(),
      databases: model.catalog.databases().map((d) => ({
        id: d.id,
        name: d.name,
        tables: [...d.tables.values()].map((t) => ({ id: t.id, name: t.name, kind: t.kind })),
        backups: env.backups.show(d.name).rows,
        restores: env.restores.show(d.name, undefined, true).rows,
      })),
      ...(options.txnCalls ? { txnCalls: env.txnCalls.list() } : {}),
    },
    2,
  );
}
