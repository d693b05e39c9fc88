// Prometheus series of the HA service (MySQL store only).
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';

export type MoveReason = 'failover' | 'rebalance' | 'stray' | 'leaving';

export interface HaMetrics {
  /** After every heartbeat attempt. */
  lease(remainingMs: number): void;
  /** From the ownership snapshot of a tick. */
  registry(liveSyncers: number, ownedJobs: number): void;
  /** A job this syncer moved (failover: as coordinator; others: as donor). */
  moved(reason: MoveReason): void;
  /** This syncer stopped its jobs: its lease ran out or its registration was gone. */
  leaseLost(cause: 'expired' | 'registration_lost'): void;
}

export function createHaMetrics(metrics: Metrics): HaMetrics {
  const registers = [metrics.registry];
  const remaining = new Gauge({
    name: 'ccr_ha_lease_remaining_seconds',
    help: 'How long this syncer may still write for its jobs without another successful heartbeat (negative: expired).',
    registers,
  });
  const live = new Gauge({ name: 'ccr_ha_live_syncers', help: 'Syncers whose lease has not run out, by the meta store clock.', registers });
  const owned = new Gauge({ name: 'ccr_ha_owned_jobs', help: 'Jobs the meta store says this syncer owns.', registers });
  const moves = new Counter({
    name: 'ccr_ha_jobs_moved_total',
    help: 'Jobs this syncer moved to another owner, by reason (failover, rebalance, stray, leaving).',
    labelNames: ['reason'] as const,
    registers,
  });
  const lost = new Counter({
    name: 'ccr_ha_lease_lost_total',
    help: 'Times this syncer stopped all its jobs because its lease ran out or its registration was gone.',
    labelNames: ['cause'] as const,
    registers,
  });
  return {
    lease: (ms) => remaining.set(Number.isFinite(ms) ? ms / 1000 : -1),
    registry(liveSyncers, ownedJobs) {
      live.set(liveSyncers);
      owned.set(ownedJobs);
    },
    moved: (reason) => moves.inc({ reason }),
    leaseLost: (cause) => lost.inc({ cause }),
  };
}
