// This syncer's lease on its jobs, by the local monotonic clock. The meta store declares a
// syncer dead once its own clock is past the last heartbeat + the lease; a syncer therefore
// treats its lease as valid only until (send time of its last successful heartbeat) + lease
// − margin. The send time is earlier than the moment the store wrote the heartbeat, so the
// local lease always ends before the store's, by at least the margin: a syncer that was
// frozen (SIGSTOP, a VM pause, a GC stall) or cut off from the store stops writing before
// anyone may take its jobs. The monotonic clock keeps running while the process is stopped,
// so the first check after SIGCONT fails.
import { FencedError } from '../meta-store/meta-store.js';

/** What job runners and the cluster monitor consult before writing anywhere. */
export interface LeaseGuard {
  /** True while this syncer may write for its jobs. */
  valid(): boolean;
  /** Throws LeaseExpiredError (a FencedError: the runner stops without writing) unless valid(). */
  assert(job: string): void;
}

/** Thrown by a lease check that failed: the job stops at once, before the write it guarded. */
export class LeaseExpiredError extends FencedError {
  constructor(job: string, owner: string, sinceMs: number) {
    super(
      job,
      { owner, epoch: -1n },
      `job ${job}: the lease of syncer ${owner} ran out ${Math.round(sinceMs)} ms ago (no successful heartbeat to the meta store); it stops without writing, and another syncer may take the job`,
    );
    this.name = 'LeaseExpiredError';
  }
}

/** The lease of a syncer that is the only one (SQLite store): never runs out. */
export const UNLIMITED_LEASE: LeaseGuard = Object.freeze({
  valid: () => true,
  assert: () => undefined,
});

export interface LeaseOptions {
  /** This syncer's identity, for messages. */
  readonly owner: string;
  /** How long the store waits after the last heartbeat before declaring the syncer dead. */
  readonly leaseMs: number;
  /** How much earlier than the store the syncer gives up (clock rate differences, a write already under way). */
  readonly marginMs: number;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
}

/** The safety margin for a lease: a fifth of it, at most 2 s. */
export function leaseMargin(leaseMs: number): number {
  return Math.min(2_000, Math.floor(leaseMs / 5));
}

export class Lease implements LeaseGuard {
  private validUntil = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly o: LeaseOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  /** The current monotonic time: take it before sending a heartbeat, pass it to renew() on success. */
  clock(): number {
    return this.now();
  }

  /** A heartbeat sent at `sentAt` (monotonic ms) succeeded. Never shortens the lease. */
  renew(sentAt: number): void {
    this.validUntil = Math.max(this.validUntil, sentAt + this.o.leaseMs - this.o.marginMs);
  }

  /** The registration is gone (or the syncer is leaving): invalid until the next renew(). */
  expire(): void {
    this.validUntil = Number.NEGATIVE_INFINITY;
  }

  valid(): boolean {
    return this.now() < this.validUntil;
  }

  /** Milliseconds left (negative once expired; -Infinity before the first renewal). */
  remainingMs(): number {
    return this.validUntil - this.now();
  }

  assert(job: string): void {
    const left = this.remainingMs();
    if (left > 0) return;
    throw new LeaseExpiredError(job, this.o.owner, Number.isFinite(left) ? -left : 0);
  }
}
