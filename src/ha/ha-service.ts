// High availability of syncers sharing a MySQL meta store (doc/ha.md). One loop per syncer,
// every heartbeat interval:
//
// 1. heartbeat: renew the registry row (the store's clock) and, on success, the local lease
//    from the send time. A row that is gone or claimed means this syncer was declared dead:
//    it stops every job at once, then registers again as a new incarnation. A watchdog stops
//    every job the moment the local lease runs out, even if the loop is stuck on the store;
//    runners also check the lease before each destination write.
// 2. reconcile: load the jobs the store says this syncer owns, unload the ones it does not.
// 3. failover (the coordinator only: the first live syncer): remove dead rows (conditional on
//    the heartbeat that was seen), move jobs without a live owner to the least loaded live
//    syncers with a fenced write that bumps their epoch.
// 4. rebalance (donor side, in the background so heartbeats go on): the most loaded syncer
//    hands a few jobs, whole cluster groups, to the lightest one, each at a step boundary;
//    stray children go to their cluster job.
//
// stop() is the graceful path: mark the row leaving, hand every job over, stop what is left,
// delete the row. No step holds a database lock across round trips, so a frozen syncer
// cannot block the others.
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors/ccr-error.js';
import type { JobOwnership, MetaStore, OwnershipSnapshot } from '../meta-store/meta-store.js';
import { FencedError } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import { raceAbort, sleep } from '../util/abort.js';
import type { HaMetrics } from './ha-metrics.js';
import type { Lease } from './lease.js';
import type { Handover } from './plan.js';
import { coordinator, drainPlan, failoverPlan, liveSyncers, rebalancePlan } from './plan.js';
import { claimIdentity } from './registration.js';

/** What the HA service needs from the JobManager. */
export interface HaJobs {
  reconcileOwned(jobs: readonly JobOwnership[], signal: AbortSignal): Promise<string[]>;
  unloadAll(why: string): Promise<void>;
  handOver(name: string, to: string, epoch: bigint, signal: AbortSignal): Promise<void>;
  /** True for a loaded cluster job (its group moves under its monitor lock). */
  isClusterJob(name: string): boolean;
}

/** What the HA service needs from the ClusterMonitor. */
export interface HaClusterPasses {
  exclusive<T>(job: string, op: () => Promise<T>): Promise<T>;
  wake(): void;
}

export interface HaServiceOptions {
  readonly store: MetaStore;
  readonly identity: string;
  readonly lease: Lease;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** Jobs handed to a lighter syncer per heartbeat (0: no rebalancing). */
  readonly rebalanceBatch: number;
  /** Longest a graceful stop spends handing jobs over before it stops the rest. */
  readonly handoverTimeoutMs: number;
  readonly log: Logger;
  readonly metrics: HaMetrics;
}

export class HaService {
  private session = randomUUID();
  private readonly log: Logger;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private deps: { jobs: HaJobs; clusters: HaClusterPasses | undefined } | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private suspended = false;
  private stopping: Promise<void> | undefined;
  /** The rebalancing step under way, if any. */
  private rebalancing: Promise<void> | undefined;

  constructor(private readonly o: HaServiceOptions) {
    this.log = o.log.child({ component: 'ha' });
  }

  /** Claims the identity (see claimIdentity) and starts the lease. Call before loading jobs. */
  async register(signal: AbortSignal): Promise<void> {
    await this.claim(signal);
    this.log.info({ identity: this.o.identity, leaseMs: this.o.leaseMs, heartbeatMs: this.o.heartbeatMs }, 'registered in the syncer registry');
  }

  /**
   * Starts the loop once the jobs (and cluster monitor) run. `loop: false` only attaches them
   * and arms the watchdog, for tests that drive tick() themselves.
   */
  start(jobs: HaJobs, clusters: HaClusterPasses | undefined, options: { loop?: boolean } = {}): void {
    this.deps = { jobs, clusters };
    this.armWatchdog();
    if (options.loop ?? true) this.loop ??= this.run(this.controller.signal);
  }

  /**
   * Graceful stop: hands every job to the other live syncers (bounded by handoverTimeoutMs),
   * stops whatever is left, and deletes the registry row so nothing waits for detection.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.leave();
    return this.stopping;
  }

  /** One pass of the loop (public for tests). Hand-overs for rebalancing run in the background. */
  async tick(signal: AbortSignal): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    if (!(await this.heartbeat(deps.jobs, signal))) return;
    const snapshot = await raceAbort(this.o.store.ownership(signal), AbortSignal.any([signal, AbortSignal.timeout(this.o.leaseMs)]));
    this.o.metrics.registry(liveSyncers(snapshot, this.o.leaseMs).length, snapshot.jobs.filter((j) => j.belongTo === this.o.identity).length);
    if (await this.reconcile(deps, snapshot.jobs, signal)) return;
    if (coordinator(snapshot, this.o.leaseMs) === this.o.identity && (await this.failover(snapshot, signal))) {
      await this.reconcile(deps, (await this.o.store.ownership(signal)).jobs, signal);
      return;
    }
    if (!this.o.lease.valid() || this.rebalancing) return;
    const plan = rebalancePlan(snapshot, this.o.identity, this.o.leaseMs, this.o.rebalanceBatch);
    if (plan.length === 0) return;
    // In the background: a runner slow to reach its step boundary must not delay heartbeats.
    // Each hand-over gets at most one lease; one rebalancing step runs at a time.
    const task = (async () => {
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(this.o.leaseMs)]);
      for (const h of plan) await this.execute(deps, h, bounded);
    })()
      .catch((err: unknown) => {
        if (!signal.aborted) this.log.warn({ err: errorMessage(err) }, 'rebalancing step failed; planned again at the next heartbeat');
      })
      .finally(() => {
        this.rebalancing = undefined;
      });
    this.rebalancing = task;
  }

  // ---- internals ----

  private async claim(signal: AbortSignal): Promise<void> {
    await claimIdentity(
      { store: this.o.store, identity: this.o.identity, session: this.session, leaseMs: this.o.leaseMs, pollMs: this.o.heartbeatMs, lease: this.o.lease, log: this.log },
      signal,
    );
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.o.lease.clock();
      try {
        await this.tick(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.log.warn({ err: errorMessage(err) }, 'HA tick failed; retrying at the next heartbeat');
      }
      try {
        await sleep(Math.max(0, this.o.heartbeatMs - (this.o.lease.clock() - started)), signal);
      } catch {
        break;
      }
    }
  }

  /** Renews the lease; resolves false when the rest of the tick must be skipped. */
  private async heartbeat(jobs: HaJobs, signal: AbortSignal): Promise<boolean> {
    const sentAt = this.o.lease.clock();
    let alive: boolean;
    try {
      alive = await raceAbort(this.o.store.heartbeat(this.o.identity, this.session, signal), AbortSignal.any([signal, AbortSignal.timeout(this.o.heartbeatMs)]));
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.warn({ err: errorMessage(err), leaseLeftMs: Math.round(this.o.lease.remainingMs()) }, 'heartbeat failed');
      this.o.metrics.lease(this.o.lease.remainingMs());
      if (!this.o.lease.valid()) this.suspend('expired');
      return false;
    }
    if (!alive) {
      // Declared dead while frozen or cut off (the others may run our jobs already), or the
      // identity was claimed by another start: stop everything before anything else.
      this.o.lease.expire();
      this.suspend('registration_lost');
      await jobs.unloadAll('this syncer was declared dead; its jobs moved');
      this.session = randomUUID();
      this.log.error({ identity: this.o.identity }, 'registry row lost (this syncer was declared dead); registering again as a new incarnation');
      await this.claim(signal);
      this.armWatchdog();
      return false;
    }
    this.o.lease.renew(sentAt);
    this.o.metrics.lease(this.o.lease.remainingMs());
    this.armWatchdog();
    if (!this.o.lease.valid()) {
      this.suspend('expired');
      return false;
    }
    if (this.suspended) this.log.info('lease renewed; loading jobs again');
    this.suspended = false;
    return true;
  }

  /** Loads and unloads per the store; resolves true when the lease ran out meanwhile. */
  private async reconcile(deps: NonNullable<HaService['deps']>, jobs: readonly JobOwnership[], signal: AbortSignal): Promise<boolean> {
    if (!this.o.lease.valid()) return true;
    const loaded = await deps.jobs.reconcileOwned(jobs, signal);
    if (loaded.length > 0) deps.clusters?.wake();
    return !this.o.lease.valid();
  }

  /** Moves jobs without a live owner; resolves true when some came to this syncer. */
  private async failover(snapshot: OwnershipSnapshot, signal: AbortSignal): Promise<boolean> {
    const plan = failoverPlan(snapshot, this.o.leaseMs);
    const stillAlive = new Set<string>();
    for (const dead of plan.dead) {
      const silentMs = Number(snapshot.nowNs - dead.timestampNs) / 1e6;
      if (await this.o.store.removeDeadSyncer(dead.hostInfo, dead.timestampNs, this.o.leaseMs, signal)) {
        this.log.warn({ syncer: dead.hostInfo, silentMs: Math.round(silentMs) }, 'syncer declared dead: no heartbeat within its lease');
      } else {
        stillAlive.add(dead.hostInfo);
      }
    }
    let mine = false;
    for (const t of plan.transfers) {
      if (stillAlive.has(t.job.belongTo) || !this.o.lease.valid()) continue;
      try {
        await this.o.store.transferJob(t.job.name, t.to, signal, { owner: t.job.belongTo, epoch: t.job.epoch });
      } catch (err) {
        if (err instanceof FencedError) continue; // someone else moved it first
        throw err;
      }
      this.o.metrics.moved('failover');
      this.log.warn({ job: t.job.name, from: t.job.belongTo || '(none)', to: t.to }, 'job taken over from a syncer that is gone');
      if (t.to === this.o.identity) mine = true;
    }
    return mine;
  }

  /** Hands one group over, under its cluster job's monitor lock when it has one. */
  private async execute(deps: NonNullable<HaService['deps']>, h: Handover, signal: AbortSignal): Promise<void> {
    const move = async (): Promise<void> => {
      for (const job of h.jobs) {
        if (signal.aborted) return;
        await deps.jobs.handOver(job.name, h.to, job.epoch, signal);
        this.o.metrics.moved(h.reason);
        this.log.info({ job: job.name, to: h.to, reason: h.reason }, 'job handed over');
      }
    };
    const root = h.jobs[0];
    if (root && root.parent === undefined && deps.clusters && deps.jobs.isClusterJob(root.name)) await deps.clusters.exclusive(root.name, move);
    else await move();
  }

  private async leave(): Promise<void> {
    this.controller.abort(new Error('syncer stopping'));
    await this.loop;
    await this.rebalancing;
    clearTimeout(this.watchdog);
    const deps = this.deps;
    const signal = AbortSignal.timeout(this.o.handoverTimeoutMs);
    try {
      if (deps && this.o.lease.valid() && (await this.o.store.setSyncerLeaving(this.o.identity, this.session, signal))) {
        const plan = drainPlan(await this.o.store.ownership(signal), this.o.identity, this.o.leaseMs);
        const results = await Promise.allSettled(plan.map((h) => this.execute(deps, h, signal)));
        const failed = results.filter((r) => r.status === 'rejected').length;
        if (failed > 0) this.log.warn({ failed, groups: plan.length }, 'some jobs were not handed over; the other syncers take them once this one is gone');
      }
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'hand-over on stop failed; the other syncers take the jobs once this one is gone');
    }
    // Nothing of ours may run once the row is gone: others take what is left right away.
    this.o.lease.expire();
    await deps?.jobs.unloadAll('syncer stopping');
    try {
      await this.o.store.unregisterSyncer(this.o.identity, this.session, AbortSignal.timeout(5_000));
      this.log.info('left the syncer registry');
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'could not delete the registry row; the others wait for the lease to run out');
    }
  }

  /** Stops every job now (idempotent until the lease is renewed). */
  private suspend(cause: 'expired' | 'registration_lost'): void {
    if (this.suspended) return;
    this.suspended = true;
    this.o.metrics.leaseLost(cause);
    this.log.error({ cause }, 'lease lost: stopping every job of this syncer');
    void this.deps?.jobs.unloadAll(cause === 'expired' ? 'lease expired' : 'registration lost').catch(() => undefined);
  }

  /** Fires when the lease runs out without a renewal, even while the loop is stuck. */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    if (this.stopping) return;
    const left = this.o.lease.remainingMs();
    if (!Number.isFinite(left)) return;
    this.watchdog = setTimeout(
      () => {
        if (!this.o.lease.valid() && !this.stopping) this.suspend('expired');
        else this.armWatchdog();
      },
      Math.max(0, left) + 1,
    );
    this.watchdog.unref();
  }
}
