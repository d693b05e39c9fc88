import { describe, expect, it } from 'vitest';
import { FencedError } from '../meta-store/meta-store.js';
import { Lease, LeaseExpiredError, leaseMargin } from './lease.js';

describe('Lease', () => {
  it('is valid from the send time of the last good heartbeat for lease minus margin', () => {
    let now = 1_000;
    const lease = new Lease({ owner: 'me:1', leaseMs: 10_000, marginMs: 2_000, now: () => now });
    expect(lease.valid()).toBe(false);
    expect(() => lease.assert('j')).toThrow(LeaseExpiredError);
    lease.renew(now);
    now += 7_999;
    expect(lease.valid()).toBe(true);
    lease.assert('j');
    now += 1;
    expect(lease.valid()).toBe(false);
    // A late reply of an older heartbeat never shortens the lease.
    lease.renew(now);
    lease.renew(now - 5_000);
    expect(lease.remainingMs()).toBe(8_000);
    lease.expire();
    expect(lease.valid()).toBe(false);
  });

  it('after a freeze longer than the lease, the first check fails and says so', () => {
    let now = 0;
    const lease = new Lease({ owner: 'me:1', leaseMs: 3_000, marginMs: leaseMargin(3_000), now: () => now });
    lease.renew(0);
    now = 60_000; // SIGSTOP … SIGCONT: the monotonic clock kept running
    let err: unknown;
    try {
      lease.assert('job1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FencedError);
    expect((err as Error).message).toMatch(/job job1: the lease of syncer me:1 ran out 57600 ms ago/);
  });

  it('margin: a fifth of the lease, at most 2 s', () => {
    expect(leaseMargin(1_000)).toBe(200);
    expect(leaseMargin(10_000)).toBe(2_000);
    expect(leaseMargin(60_000)).toBe(2_000);
  });
});
