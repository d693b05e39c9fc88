// Claiming this syncer's identity (host:port) in a shared registry. A live holder — another
// session whose heartbeat is within its lease by the store's clock — makes the start fail:
// two processes with one identity would share belong_to and redirect targets. A holder that
// is merely recent (a crashed predecessor) is waited out: the claim succeeds once its lease
// has run out, so a restart right after a crash works without operator action.
import { CcrError } from '../errors/ccr-error.js';
import type { MetaStore, SyncerRow } from '../meta-store/meta-store.js';
import type { Logger } from '../observability/logger.js';
import { sleep } from '../util/abort.js';
import type { Lease } from './lease.js';

export const HaErrorCode = {
  /** Another live syncer holds this syncer's identity. */
  IDENTITY_IN_USE: 'CCR_S0001',
} as const;

export interface ClaimOptions {
  readonly store: MetaStore;
  readonly identity: string;
  readonly session: string;
  readonly leaseMs: number;
  /** How often the holder is looked at again while waiting. */
  readonly pollMs: number;
  readonly lease: Lease;
  readonly log: Logger;
}

function identityInUse(identity: string, holder: SyncerRow, ageMs: number): CcrError {
  return new CcrError(
    HaErrorCode.IDENTITY_IN_USE,
    `another syncer is running as ${identity} (its last heartbeat was ${Math.max(0, Math.round(ageMs))} ms ago by the meta store's clock); ` +
      'start this syncer with another --host or --port, or stop the other one first',
    { category: 'config', disposition: 'abort', details: { identity, holderSession: holder.session } },
  );
}

/**
 * Registers `identity` for `session` and renews the lease from the send time of the winning
 * write. Rejects IDENTITY_IN_USE as soon as the holder is seen heartbeating, or when it is
 * still live after the longest wait (its lease, or ours, plus one poll).
 */
export async function claimIdentity(o: ClaimOptions, signal: AbortSignal): Promise<void> {
  let first: SyncerRow | undefined;
  const deadline = o.lease.clock() + o.leaseMs + o.pollMs;
  for (;;) {
    const sentAt = o.lease.clock();
    const outcome = await o.store.registerSyncer({ hostInfo: o.identity, session: o.session, leaseMs: o.leaseMs }, signal);
    if (outcome.kind === 'registered') {
      o.lease.renew(sentAt);
      return;
    }
    const holder = outcome.holder;
    const ageMs = Number(outcome.nowNs - holder.timestampNs) / 1e6;
    const heartbeating = first !== undefined && (holder.session !== first.session || holder.timestampNs !== first.timestampNs);
    if (heartbeating || o.lease.clock() > deadline) throw identityInUse(o.identity, holder, ageMs);
    if (!first) {
      first = holder;
      o.log.warn({ identity: o.identity, lastHeartbeatMsAgo: Math.round(ageMs) }, 'identity held by another syncer; waiting for its lease to run out');
    }
    const holderLease = holder.leaseMs > 0 ? holder.leaseMs : o.leaseMs;
    await sleep(Math.max(50, Math.min(o.pollMs, holderLease - ageMs + 50)), signal);
  }
}
