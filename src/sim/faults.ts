// Fault injection for one simulated cluster. Tests reach it in-process (env.faults); the
// simulator process exposes it on the FE HTTP admin endpoint (POST /api/__sim/faults). The FE
// and BE service wrappers and the SQL executor consult intercept() before every call and
// interceptReply() after it, so a fault surfaces to clients exactly as the real failure would:
// a non-OK status, a connection reset, or a slow reply — before the call ran, or after it ran
// (the reply is late or lost: the client cannot tell whether the call took effect).
// Cluster-level knobs (master switch, binlog GC, publish hold, BE stop/restart) act on the
// model and on the env's server nodes.
import { DropConnection } from '../doris/thrift/server.js';
import type { StatusCodeValue, TStatus } from '../doris/types.js';
import { sleep } from '../util/abort.js';
import type { ClusterModel } from './model/cluster-model.js';

/**
 * Which service a method fault applies to: FE Thrift, BE Thrift, a BE/FE HTTP action, or an
 * FE SQL statement (`fe_sql`, method = the statement kind: `alterTable`, `showRestore`, …).
 */
export type FaultService = 'fe' | 'be' | 'be_http' | 'fe_http' | 'fe_sql';

/** One armed method fault. Exactly one of status, drop and delayMs is set. */
export interface MethodFaultSpec {
  service: FaultService;
  /** Thrift method (`getBinlog`, `ingest_binlog`, …), HTTP action (`download_binlog`,
   *  `download_tablet`, `stream_load`, `show_config`), or `*` for every method. */
  method: string;
  /** FE name or BE id (decimal); undefined = every node of the service. */
  node?: string | undefined;
  /** How many calls the fault applies to. Default 1. */
  count?: number | undefined;
  /** Reply with this status (Thrift) or HTTP 500 with this message (HTTP actions). */
  status?: { code: StatusCodeValue; message: string } | undefined;
  /** Close the connection without a reply. */
  drop?: boolean | undefined;
  /** Answer normally after this many milliseconds. */
  delayMs?: number | undefined;
  /**
   * Apply the drop or delay after the call ran (its effect is there) instead of before: the
   * reply is late, or lost with the connection. Not with status.
   */
  after?: boolean | undefined;
}

interface ArmedFault extends MethodFaultSpec {
  remaining: number;
}

/** What intercept() tells a wrapper to do: nothing (undefined) or reply with this status. */
export type InterceptResult = TStatus | undefined;

/** The cluster operations fault knobs need from the env. */
export interface FaultHost {
  readonly model: ClusterModel;
  stopBackend(id: bigint): Promise<void>;
  restartBackend(id: bigint): Promise<void>;
  stopFrontend(name: string): Promise<void>;
  restartFrontend(name: string): Promise<void>;
}

/** A JSON-friendly view of the armed faults and cluster fault switches (GET /api/__sim/state). */
export interface FaultState {
  methodFaults: { service: FaultService; method: string; node?: string | undefined; remaining: number; action: string }[];
  publishHeld: boolean;
  master: string | null;
  stoppedBackends: string[];
  stoppedFrontends: string[];
}

function describeAction(f: MethodFaultSpec): string {
  const when = f.after ? ' after the call' : '';
  if (f.drop) return `drop${when}`;
  if (f.delayMs !== undefined) return `delay ${f.delayMs}ms${when}`;
  return `status ${f.status?.code ?? '?'}: ${f.status?.message ?? ''}`;
}

export class FaultRegistry {
  private faults: ArmedFault[] = [];
  private readonly stopped = new Set<bigint>();
  private readonly stoppedFrontends = new Set<string>();

  constructor(private readonly host: FaultHost) {}

  /** Arms a method fault for the next `count` matching calls (validates the spec). */
  failNext(spec: MethodFaultSpec): void {
    const actions = [spec.status !== undefined, spec.drop === true, spec.delayMs !== undefined].filter(Boolean).length;
    if (actions !== 1) throw new RangeError('a method fault needs exactly one of status, drop, delayMs');
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) throw new RangeError('delayMs must be >= 0');
    if (spec.method === '') throw new RangeError('method is required');
    if (spec.after && spec.status !== undefined) throw new RangeError('after applies to drop and delayMs only');
    this.faults.push({ ...spec, remaining: count });
  }

  /** Disarms every method fault. */
  clearMethodFaults(): void {
    this.faults = [];
  }

  /**
   * Called by a service wrapper before it runs `method` on `node`. Consumes one matching fault:
   * waits out a delay (abortable), throws DropConnection for a drop, or returns the status to
   * reply with. Returns undefined when no fault applies.
   */
  async intercept(service: FaultService, method: string, node: string, signal: AbortSignal): Promise<InterceptResult> {
    const fault = this.take(service, method, node, false);
    if (!fault) return undefined;
    if (fault.delayMs !== undefined) {
      await sleep(fault.delayMs, signal);
      return undefined;
    }
    if (fault.drop) throw new DropConnection(`fault: ${service} ${method} dropped`);
    return fault.status ? { status_code: fault.status.code, error_msgs: [fault.status.message] } : undefined;
  }

  /**
   * Called by a wrapper after `method` ran, before it replies. Consumes one matching `after`
   * fault: waits out a delay (abortable: a client that went away gets no reply) or throws
   * DropConnection, so the call's effect stays while its reply is lost.
   */
  async interceptReply(service: FaultService, method: string, node: string, signal: AbortSignal): Promise<void> {
    const fault = this.take(service, method, node, true);
    if (!fault) return;
    if (fault.delayMs !== undefined) await sleep(fault.delayMs, signal);
    if (fault.drop) throw new DropConnection(`fault: ${service} ${method} reply dropped`);
  }

  /** Finds and consumes one armed fault for the call (before or after it runs). */
  private take(service: FaultService, method: string, node: string, after: boolean): ArmedFault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.service === service && (f.method === method || f.method === '*') && (f.node === undefined || f.node === node) && (f.after === true) === after,
    );
    const fault = this.faults[i];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(i, 1);
    return fault;
  }

  /**
   * Switches the FE master: to the named FE, or (no name) to the next alive FE after the
   * current master in declaration order. Returns the new master's name.
   */
  switchMaster(name?: string): string {
    const fes = this.host.model.system.frontends();
    let target = name;
    if (target === undefined) {
      const current = fes.findIndex((f) => f.isMaster);
      for (let step = 1; step <= fes.length && target === undefined; step++) {
        const fe = fes[(current + step + fes.length) % fes.length];
        if (fe?.alive) target = fe.name;
      }
    }
    if (target === undefined) throw new RangeError('no alive frontend to become master');
    this.host.model.system.setMaster(target);
    return target;
  }

  /** No FE knows the master (an election): followers answer NOT_MASTER without master_address. */
  clearMaster(): void {
    this.host.model.system.setMaster(undefined);
  }

  /** Garbage-collects every binlog with commit seq <= `commitSeq` (all databases). */
  gcBinlogsBefore(commitSeq: bigint): void {
    this.host.model.binlogs.gcBefore(commitSeq);
  }

  /** Holds publishing (commitTxn answers PUBLISH_TIMEOUT, data stays invisible) or releases it. */
  holdPublish(hold: boolean): void {
    this.host.model.setPublishHold(hold);
  }

  /** Stops a BE: its Thrift and HTTP ports close and the model marks it dead. */
  async stopBackend(id: bigint): Promise<void> {
    await this.host.stopBackend(id);
    this.stopped.add(id);
  }

  /** Restarts a stopped BE on the same ports and marks it alive. */
  async restartBackend(id: bigint): Promise<void> {
    await this.host.restartBackend(id);
    this.stopped.delete(id);
  }

  /**
   * Stops an FE: its query, Thrift and HTTP ports close and the model marks it dead. Stopping
   * the master leaves the cluster without one until switchMaster (the election).
   */
  async stopFrontend(name: string): Promise<void> {
    await this.host.stopFrontend(name);
    this.stoppedFrontends.add(name);
  }

  /** Restarts a stopped FE on the same ports and marks it alive (as a follower unless it is still the master). */
  async restartFrontend(name: string): Promise<void> {
    await this.host.restartFrontend(name);
    this.stoppedFrontends.delete(name);
  }

  state(): FaultState {
    return {
      methodFaults: this.faults.map((f) => ({ service: f.service, method: f.method, node: f.node, remaining: f.remaining, action: describeAction(f) })),
      publishHeld: this.host.model.state.holdPublish,
      master: this.host.model.system.master()?.name ?? null,
      stoppedBackends: [...this.stopped].map(String),
      stoppedFrontends: [...this.stoppedFrontends],
    };
  }
}
